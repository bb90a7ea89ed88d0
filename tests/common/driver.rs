//! The console driven as the run loop drives it, for tests over real HTTP against the demo:
//! the real `App`, its effects carried out by the run loop's own executor (`tui::effects`:
//! requests in tokio tasks whose replies come back as messages, actions applied and audited
//! into a scratch directory, OSC 52 into a byte buffer), and the screen rendered with
//! ratatui's `TestBackend`. Included with `#[path = "common/driver.rs"] mod driver;` beside
//! `mod common;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::Value;
use tokio::sync::mpsc;
use zitadesk::action::AuditContext;
use zitadesk::audit::AuditLog;
use zitadesk::demo::DemoServer;
use zitadesk::tui::action_dialog::Phase;
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::browse::Mode;
use zitadesk::tui::clipboard::Clipboard;
use zitadesk::tui::effects::{Executor, Next};
use zitadesk::tui::frame::{FrameTerminal, FrameWriter};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};

use super::common::client;

pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;
/// How long any one reply may take.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// A scratch directory for one test's audit file.
pub fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("resend-flow-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// What the executor wrote to the "terminal" outside frames (the clipboard sequence).
#[derive(Clone, Default)]
pub struct Written(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Written {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The console's state with the run loop's own effect executor.
pub struct Driver {
    pub app: App,
    pub executor: Executor,
    pub rx: mpsc::UnboundedReceiver<Msg>,
    pub terminal: FrameTerminal<Written>,
    /// What `Effect::Copy` wrote to the terminal.
    pub written: Written,
    /// Every Apply effect the App asked for.
    pub issued: Vec<Effect>,
    pub quit: bool,
}

impl Driver {
    pub async fn start(demo: &DemoServer, token: &str, audit_path: PathBuf) -> Driver {
        let audit = AuditContext {
            log: AuditLog::new(Some(audit_path)),
            instance: demo.url(),
            profile: None,
            operator: None,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let written = Written::default();
        let terminal = Terminal::with_options(
            CrosstermBackend::new(FrameWriter::new(written.clone(), 64 * 1024)),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
            },
        )
        .expect("terminal");
        let mut d = Driver {
            app: App::new(Connection::default(), WIDTH, HEIGHT),
            executor: Executor::new(client(demo, token), audit, tx, Clipboard::Terminal),
            rx,
            terminal,
            written,
            issued: Vec::new(),
            quit: false,
        };
        let effects = d.app.start();
        d.run(effects);
        d.settle().await;
        assert!(d.app.list.loaded, "the first page is in");
        d
    }

    /// Carries out effects with the run loop's executor.
    pub fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            if matches!(effect, Effect::Apply { .. }) {
                self.issued.push(effect.clone());
            }
            match self
                .executor
                .carry_out(effect, &mut self.terminal)
                .expect("carried out")
            {
                Next::Continue => {}
                Next::Quit => self.quit = true,
                Next::SwitchProfile(name) => panic!("no profiles in these tests: {name}"),
                Next::Suspend => panic!("these tests do not suspend (tests/suspend_pty.rs does)"),
            }
        }
    }

    /// The clipboard sequences written so far.
    pub fn clipboard(&self) -> Vec<u8> {
        self.written.0.lock().expect("buffer").clone()
    }

    pub fn update(&mut self, msg: Msg) {
        let (_, effects) = self.app.update(msg);
        self.run(effects);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Takes in replies (and debounced searches) until the console waits for none.
    pub async fn settle(&mut self) {
        while self.app.waiting() {
            let msg = tokio::time::timeout(DEADLINE, self.rx.recv())
                .await
                .expect("a reply within the deadline")
                .expect("the channel stays open");
            self.update(msg);
        }
    }

    /// Searches for one user by ID and waits for the list to show just them, selected.
    pub async fn select(&mut self, user_id: &str) {
        self.press(KeyCode::Char('/'));
        self.type_text(&format!("id:{user_id}"));
        self.press(KeyCode::Enter);
        self.settle().await;
        assert_eq!(self.app.mode, Mode::List);
        let row = self.app.list.selected_row().expect("the user is listed");
        assert_eq!(row.user.user_id, user_id);
        assert_eq!(self.app.list.len(), 1);
    }

    pub fn phase(&self) -> &Phase {
        &self.app.dialog.as_ref().expect("the dialog is open").phase
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
        let ctx = ViewCtx {
            now: jiff::Timestamp::now(),
            tz: jiff::tz::TimeZone::UTC,
            theme: Theme::new(false),
        };
        terminal
            .draw(|frame| view::draw(frame, &self.app, &ctx))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        let mut text = String::new();
        for y in 0..HEIGHT {
            for x in 0..WIDTH {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }
}

/// The audit file's lines, parsed; and its raw text.
pub fn audit_lines(path: &Path) -> (Vec<Value>, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("audit file {}: {e}", path.display()));
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect();
    (lines, text)
}
