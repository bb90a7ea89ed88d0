//! The main CLI flows and a console flow against the demo instance in each emulated ZITADEL
//! line (`DemoConfig::version`, `--zitadel-version`), asserting what each line answers: the
//! demo's request log holds the status every request got, so these tests pin the server's
//! side, and the exit codes and screens the client's side as it is today.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::Value;
use tokio::sync::mpsc;
use zitadesk::action::AuditContext;
use zitadesk::audit::AuditLog;
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer, ORG_TOKEN, ZitadelVersion};
use zitadesk::tui::action_dialog::Phase;
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::browse::Mode;
use zitadesk::tui::clipboard::Clipboard;
use zitadesk::tui::effects::{Executor, Next};
use zitadesk::tui::frame::{FrameTerminal, FrameWriter};
use zitadesk::tui::msg::{Effect, Msg};

const JANE: &str = "300000000000000101"; // Acme, unverified, code pending
const JOHN: &str = "300000000000000102"; // Acme, verified, no code
const ACME: &str = "281465201463541763";

async fn demo_of(version: ZitadelVersion) -> DemoServer {
    demo_with(DemoConfig {
        generated_users: 200,
        version,
        ..DemoConfig::default()
    })
    .await
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("zitadel-versions-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The binary with a clean environment pointed at `demo` with `token`.
fn against(demo: &DemoServer, token: &str, name: &str) -> Command {
    let mut cmd = zitadesk_in(&scratch(name));
    cmd.env("ZITADEL_URL", demo.url()).env("ZITADEL_TOKEN", token);
    cmd
}

/// `(method path, status)` of every request the demo answered since the last clear.
fn answered(demo: &DemoServer) -> Vec<(String, u16)> {
    demo.requests()
        .into_iter()
        .map(|r| (format!("{} {}", r.method, r.path), r.status))
        .collect()
}

fn statuses_to(demo: &DemoServer, suffix: &str) -> Vec<u16> {
    requests_to(demo, suffix).into_iter().map(|r| r.status).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_flows_in_every_version() {
    for version in ZitadelVersion::ALL {
        let demo = demo_of(version).await;
        let name = |flow: &str| format!("{version}-{flow}");

        // users list and show work everywhere.
        let (code, out, err) =
            run(against(&demo, ADMIN_TOKEN, &name("list")).args(["users", "list", "--limit", "5"]));
        assert_eq!(code, 0, "{version}: {err}");
        assert!(
            err.lines()
                .last()
                .unwrap_or("")
                .starts_with("zitadesk: 5 shown of ")
                && out.lines().count() == 6,
            "{version}: {out}{err}"
        );
        let (code, out, err) = run(against(&demo, ADMIN_TOKEN, &name("show")).args(["users", "show", JANE]));
        assert_eq!(code, 0, "{version}: {err}");
        assert!(out.contains("jane.doe@acme.example"), "{version}: {out}");

        // Search prefixes: email: everywhere, phone: only where phoneQuery exists.
        let (code, out, err) = run(against(&demo, ADMIN_TOKEN, &name("email")).args([
            "users",
            "list",
            "--query",
            "email:jane.doe@acme",
        ]));
        assert_eq!(code, 0, "{version}: {err}");
        assert!(out.contains(JANE), "{version}: {out}");
        demo.clear_requests();
        let (code, _, err) =
            run(against(&demo, ADMIN_TOKEN, &name("phone")).args(["users", "list", "--query", "phone:+41"]));
        let sent = requests_to(&demo, "/v2/users");
        assert!(
            sent.iter().all(|r| r.body.contains("phoneQuery")),
            "{version}: the phone search is sent as phoneQuery"
        );
        if version.has_phone_query() {
            assert_eq!(code, 0, "{version}: {err}");
            assert_eq!(statuses_to(&demo, "/v2/users"), vec![200], "{version}");
        } else {
            assert_ne!(code, 0, "{version}: no phone search on this line");
            assert_eq!(statuses_to(&demo, "/v2/users"), vec![400], "{version}");
        }

        // resend-email --return-code for a user with a pending code.
        let (code, out, err) = run(against(&demo, ADMIN_TOKEN, &name("resend")).args([
            "users",
            "resend-email",
            JANE,
            "--return-code",
        ]));
        assert_eq!(code, 0, "{version}: {err}");
        let issued = demo.pending_code(JANE).expect("a code");
        assert!(out.contains(&issued), "{version}: {out}");

        // --send-if-none for a user without one: the send call exists from 2.67 (our 3.0).
        demo.clear_requests();
        let (code, out, err) = run(against(&demo, ADMIN_TOKEN, &name("send")).args([
            "users",
            "resend-email",
            JOHN,
            "--return-code",
            "--send-if-none",
        ]));
        assert_eq!(statuses_to(&demo, "/email/resend"), vec![400], "{version}");
        if version.has_send_email_code() {
            assert_eq!(code, 0, "{version}: {err}");
            assert_eq!(statuses_to(&demo, "/email/send"), vec![200], "{version}");
            let issued = demo.pending_code(JOHN).expect("a fresh code");
            assert!(out.contains(&issued), "{version}: {out}");
        } else {
            assert_ne!(code, 0, "{version}: {out}");
            assert_eq!(statuses_to(&demo, "/email/send"), vec![404], "{version}");
            assert_eq!(demo.pending_code(JOHN), None, "{version}: nothing issued");
        }

        // v3alpha never resends to a v2 user.
        demo.clear_requests();
        let (code, _, _) = run(against(&demo, ADMIN_TOKEN, &name("v3")).args([
            "--api",
            "v3alpha",
            "users",
            "resend-email",
            JANE,
            "--return-code",
        ]));
        assert_ne!(code, 0, "{version}");
        assert_eq!(
            answered(&demo),
            vec![(format!("POST /resources/v3alpha/users/{JANE}/email/_resend"), 400)],
            "{version}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_manager_lists_full_pages_only_from_4_8() {
    for version in ZitadelVersion::ALL {
        let demo = demo_of(version).await;
        let acme = all_users(&client(&demo, ADMIN_TOKEN))
            .await
            .into_iter()
            .filter(|u| u.details.as_ref().is_some_and(|d| d.resource_owner == ACME))
            .count();
        demo.clear_requests();
        let (code, out, err) = run(against(&demo, ORG_TOKEN, &format!("{version}-org"))
            .args(["users", "list", "--limit", "10", "--json"]));
        assert_eq!(code, 0, "{version}: {err}");
        let v: Value = serde_json::from_str(&out).expect("JSON");
        let rows = v["result"].as_array().map_or(0, Vec::len);
        assert_eq!(rows, 10, "{version}: the CLI fills the page it was asked for");
        let first = &demo.requests()[0];
        assert_eq!(first.status, 200);
        let pages = requests_to(&demo, "/v2/users").len();
        let total: usize = v["details"]["totalResult"]
            .as_str()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0);
        if version.filters_permissions_in_sql() {
            assert_eq!(pages, 1, "{version}: one full page");
            assert_eq!(total, acme, "{version}: totalResult counts readable users");
        } else {
            assert!(
                total > acme,
                "{version}: totalResult counts users the token may not read"
            );
        }
    }
}

#[test]
fn the_demo_flag_takes_a_version_and_refuses_unknown_ones() {
    let dir = scratch("flag");
    let (code, _, err) = run(zitadesk_in(&dir).args([
        "--demo",
        "--zitadel-version",
        "2.66",
        "users",
        "list",
        "--query",
        "phone:+41",
    ]));
    assert_ne!(code, 0, "{err}");
    let (code, _, err) = run(zitadesk_in(&dir).args([
        "--demo",
        "--zitadel-version",
        "4.13",
        "users",
        "list",
        "--query",
        "phone:+41",
    ]));
    assert_eq!(code, 0, "{err}");
    for args in [
        &["--demo", "--zitadel-version", "4.5", "users", "list"][..],
        &["demo-server", "--zitadel-version", "1.0"][..],
    ] {
        let (code, _, err) = run(zitadesk_in(&dir).args(args));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("2.66, 3.0, 4.0, 4.8, 4.13"), "{err}");
    }
}

// --- the console ------------------------------------------------------------------------------

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// A sink for what the executor writes outside frames.
struct Sink;

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The real `App` with the run loop's own effect executor, against a demo instance.
struct Console {
    app: App,
    executor: Executor,
    rx: mpsc::UnboundedReceiver<Msg>,
    terminal: FrameTerminal<Sink>,
}

impl Console {
    async fn start(demo: &DemoServer, audit: PathBuf) -> Console {
        let audit = AuditContext {
            log: AuditLog::new(Some(audit)),
            instance: demo.url(),
            profile: None,
            operator: None,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let terminal = Terminal::with_options(
            CrosstermBackend::new(FrameWriter::new(Sink, 64 * 1024)),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
            },
        )
        .expect("terminal");
        let mut c = Console {
            app: App::new(Connection::default(), WIDTH, HEIGHT),
            executor: Executor::new(client(demo, ADMIN_TOKEN), audit, tx, Clipboard::Terminal),
            rx,
            terminal,
        };
        let effects = c.app.start();
        c.run(effects);
        c.settle().await;
        assert!(c.app.list.loaded, "the first page is in");
        c
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match self
                .executor
                .carry_out(effect, &mut self.terminal)
                .expect("carried out")
            {
                Next::Continue => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn press(&mut self, code: KeyCode) {
        let (_, effects) = self.app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self.run(effects);
    }

    async fn settle(&mut self) {
        while self.app.waiting() {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
                .await
                .expect("a reply within the deadline")
                .expect("the channel stays open");
            let (_, effects) = self.app.update(msg);
            self.run(effects);
        }
    }

    async fn search(&mut self, text: &str) {
        self.press(KeyCode::Char('/'));
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
        self.press(KeyCode::Enter);
        self.settle().await;
        assert_eq!(self.app.mode, Mode::List);
    }

    fn phase(&self) -> &Phase {
        &self.app.dialog.as_ref().expect("the dialog is open").phase
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_flow_in_every_version() {
    for version in ZitadelVersion::ALL {
        let demo = demo_of(version).await;
        let mut c = Console::start(&demo, scratch(&format!("{version}-console")).join("audit.jsonl")).await;

        // Search, then resend a code to a user with one pending: the same on every line.
        c.search(&format!("id:{JANE}")).await;
        assert_eq!(c.app.list.len(), 1, "{version}");
        demo.clear_requests();
        c.press(KeyCode::Char('r'));
        c.press(KeyCode::Tab);
        c.press(KeyCode::Enter);
        c.settle().await;
        assert!(
            matches!(c.phase(), Phase::Done { .. }),
            "{version}: {:?}",
            c.phase()
        );
        assert_eq!(statuses_to(&demo, "/email/resend"), vec![200], "{version}");

        // No pending code: `s` offers the send call, which only 2.67 and later have.
        let mut c = Console::start(
            &demo,
            scratch(&format!("{version}-console-send")).join("audit.jsonl"),
        )
        .await;
        c.search(&format!("id:{JOHN}")).await;
        assert_eq!(c.app.list.len(), 1, "{version}");
        demo.clear_requests();
        c.press(KeyCode::Char('r'));
        c.press(KeyCode::Tab);
        c.press(KeyCode::Enter);
        c.settle().await;
        assert!(
            matches!(c.phase(), Phase::NoPending),
            "{version}: {:?}",
            c.phase()
        );
        c.press(KeyCode::Char('s'));
        c.press(KeyCode::Enter);
        c.settle().await;
        if version.has_send_email_code() {
            assert_eq!(statuses_to(&demo, "/email/send"), vec![200], "{version}");
            assert!(
                matches!(c.phase(), Phase::Done { .. }),
                "{version}: {:?}",
                c.phase()
            );
        } else {
            assert_eq!(statuses_to(&demo, "/email/send"), vec![404], "{version}");
            assert!(
                !matches!(c.phase(), Phase::Done { .. }),
                "{version}: {:?}",
                c.phase()
            );
            assert_eq!(demo.pending_code(JOHN), None, "{version}");
        }
        assert_eq!(
            statuses_to(&demo, "/email/resend"),
            vec![400],
            "{version}: one resend"
        );
    }
}
