//! Shared pseudo-terminal harness for the end-to-end tests: spawn a command in a pty, read
//! its output on a thread into a channel, feed it through a vt100 emulator, and poll the
//! screen (or the process) for a condition with a deadline. Nothing sleeps and hopes.
//!
//! Included with `#[path = "common/pty.rs"] mod pty;`. A test file keeps its own wrapper
//! (state directory, helpers) around [`Pty`], usually dereferencing to it.
#![allow(dead_code, unused_macros)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;
/// How long any one expected thing may take to appear.
pub const DEADLINE: Duration = Duration::from_secs(10);
/// How often a wait looks again when no output arrives (output wakes it at once).
pub const POLL: Duration = Duration::from_millis(20);

pub const ENTER_ALT_SCREEN: &[u8] = b"\x1b[?1049h";
pub const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";
pub const HIDE_CURSOR: &[u8] = b"\x1b[?25l";
pub const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
pub const END_SYNC: &[u8] = b"\x1b[?2026l";
pub const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";

/// `zitadesk` (the binary under test) with `args`, run in `cwd`, with no ZITADEL_*
/// settings from the test's own environment, none of `remove`, and TERM=xterm-256color.
pub fn zitadesk_command(args: &[&str], cwd: &Path, remove: &[&str]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_zitadesk"));
    cmd.args(args);
    cmd.cwd(cwd);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ZITADEL_") {
            cmd.env_remove(&key);
        }
    }
    for key in remove {
        cmd.env_remove(key);
    }
    cmd.env("TERM", "xterm-256color");
    cmd
}

/// Makes `$console`, a test file's wrapper with a `pty: Pty` field, dereference to that
/// [`Pty`], so the wrapper has every method of the harness.
macro_rules! deref_to_pty {
    ($console:ty) => {
        impl std::ops::Deref for $console {
            type Target = Pty;
            fn deref(&self) -> &Pty {
                &self.pty
            }
        }

        impl std::ops::DerefMut for $console {
            fn deref_mut(&mut self) -> &mut Pty {
                &mut self.pty
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use deref_to_pty;

/// Removes every ZITADESK_* variable of the test's own environment from `cmd`.
pub fn remove_zitadesk_vars(cmd: &mut CommandBuilder) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ZITADESK_") {
            cmd.env_remove(&key);
        }
    }
}

/// A rewrite of the output on its way to the emulator.
type Filter = Box<dyn FnMut(&[u8]) -> Vec<u8> + Send>;

/// A process running in a pseudo-terminal, its output read back through vt100.
pub struct Pty {
    pub child: Box<dyn Child + Send + Sync>,
    /// `None` once the terminal was closed under the process (a real hang-up).
    master: Option<Box<dyn MasterPty + Send>>,
    input: Option<Box<dyn Write + Send>>,
    output: Receiver<Vec<u8>>,
    /// The reader thread has seen the end of the output (every slave side closed), or let go
    /// of it after [`Pty::stop_reading`].
    pub output_closed: bool,
    /// Tells the reader thread to drop its end of the terminal after its next read.
    pub stop_reading: Arc<AtomicBool>,
    pub parser: vt100::Parser,
    /// Every byte the process wrote, in order, unchanged.
    pub raw: Vec<u8>,
    /// When the process was spawned.
    pub spawned: Instant,
    /// Rewrites the output on its way to the emulator (never `raw`); see [`Pty::set_filter`].
    filter: Option<Filter>,
}

impl Pty {
    /// Spawns `cmd` in a fresh pty of `rows`×`cols`.
    pub fn spawn(cmd: CommandBuilder, rows: u16, cols: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let spawned = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawn zitadesk");
        // Only the child holds the slave side now, so the output ends when the child does.
        drop(pair.slave);

        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let (tx, output) = mpsc::channel();
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                match reader.read(&mut buf) {
                    // EOF, or EIO once the slave side is closed (Linux).
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() || stop.load(Ordering::SeqCst) {
                            break;
                        }
                    }
                }
            }
        });
        let input = pair.master.take_writer().expect("pty writer");
        Pty {
            child,
            master: Some(pair.master),
            input: Some(input),
            output,
            output_closed: false,
            stop_reading,
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(rows).expect("rows"),
                std::num::NonZeroU16::new(cols).expect("cols"),
                0,
            ),
            raw: Vec::new(),
            spawned,
            filter: None,
        }
    }

    /// From now on the emulator is given `filter(bytes)` instead of what arrived; `raw` keeps
    /// the bytes as they were. Set it before the first wait.
    pub fn set_filter(&mut self, filter: impl FnMut(&[u8]) -> Vec<u8> + Send + 'static) {
        self.filter = Some(Box::new(filter));
    }

    /// Takes in output for at most `wait`. Returns whether any arrived.
    pub fn pump(&mut self, wait: Duration) -> bool {
        if self.output_closed {
            // Nothing more can arrive; still take the time, so polling loops do not spin.
            std::thread::sleep(wait);
            return false;
        }
        let mut got = false;
        let mut next = self.output.recv_timeout(wait);
        loop {
            match next {
                Ok(bytes) => {
                    self.raw.extend_from_slice(&bytes);
                    match self.filter.as_mut() {
                        Some(filter) => self.parser.process(&filter(&bytes)),
                        None => self.parser.process(&bytes),
                    }
                    got = true;
                }
                Err(RecvTimeoutError::Timeout) => return got,
                Err(RecvTimeoutError::Disconnected) => {
                    self.output_closed = true;
                    return got;
                }
            }
            // Whatever else is already there, without waiting.
            next = self.output.try_recv().map_err(|e| match e {
                mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            });
        }
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// The process has not ended yet.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Closes every master descriptor this side holds (input and master; the reader thread
    /// must have let go already, see [`Pty::stop_reading`]): the kernel hangs the terminal up.
    pub fn close_terminal(&mut self) {
        self.input = None;
        self.master = None;
    }

    /// Waits until `done` holds for the pty; fails with the screen after the deadline.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&Pty) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{}",
                self.screen().contents()
            );
            if let Ok(Some(status)) = self.child.try_wait() {
                self.pump(POLL);
                assert!(
                    done(self),
                    "zitadesk exited ({status:?}) while waiting for {what}; the screen:\n{}",
                    self.screen().contents()
                );
                return;
            }
            self.pump(POLL);
        }
    }

    /// Waits until `done` holds for the screen.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        self.wait_until(what, |p| done(p.screen()));
    }

    /// Waits until a frame is complete: the last synchronized update has ended.
    pub fn wait_frame_end(&mut self) {
        let deadline = Instant::now() + DEADLINE;
        while last(&self.raw, BEGIN_SYNC).is_some_and(|b| last(&self.raw, END_SYNC).is_none_or(|e| e < b)) {
            assert!(Instant::now() < deadline, "a frame never ended");
            self.pump(POLL);
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        let input = self.input.as_mut().expect("the terminal is open");
        input.write_all(bytes).expect("write to the pty");
        input.flush().expect("flush the pty");
    }

    /// Waits for the process to end and, while the terminal is open, for the rest of its output.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "zitadesk did not exit; the screen:\n{}",
                self.screen().contents()
            );
            self.pump(POLL);
        };
        while self.master.is_some() && !self.output_closed {
            assert!(Instant::now() < deadline, "the output did not end after exit");
            self.pump(POLL);
        }
        status
    }

    /// The terminal is as the console found it: alternate screen left, cursor shown, raw
    /// mode off (canonical input and echo back on).
    pub fn assert_restored(&self) {
        let entered = last(&self.raw, ENTER_ALT_SCREEN).expect("the console entered the alternate screen");
        let left = last(&self.raw, LEAVE_ALT_SCREEN).expect("the console left the alternate screen");
        assert!(
            left > entered,
            "the last alternate-screen switch must be the one that leaves it"
        );
        let hidden = last(&self.raw, HIDE_CURSOR).expect("the console hid the cursor while drawing");
        let shown = last(&self.raw, SHOW_CURSOR).expect("the console shows the cursor again");
        assert!(
            shown > hidden,
            "the cursor must be shown after it was last hidden"
        );
        assert!(
            !self.screen().alternate_screen(),
            "the emulator is back on the main screen"
        );
        assert!(!self.screen().hide_cursor(), "the emulator shows the cursor");
        let flags = self.local_flags();
        assert!(
            flags.contains(&"ICANON".to_string()) && flags.contains(&"ECHO".to_string()),
            "raw mode must be off again: local flags {flags:?}"
        );
    }

    /// The slave's termios local flags by name (ICANON, ECHO, …).
    pub fn local_flags(&self) -> Vec<String> {
        let termios = self
            .master
            .as_ref()
            .expect("the terminal is open")
            .get_termios()
            .expect("termios of the pty");
        format!("{:?}", termios.local_flags)
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed test must not leave its process running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Byte offset of the first occurrence of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Byte offset of the last occurrence of `needle` in `hay`.
pub fn last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The screen's rows as text, `COLS` wide.
pub fn rows(screen: &vt100::Screen) -> Vec<String> {
    screen.rows(0, COLS).collect()
}
