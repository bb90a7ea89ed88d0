//! End to end: the real binary, `zitadesk --demo`, in a pseudo-terminal at 80×24, its output
//! fed through a terminal emulator (vt100) and read back as a screen. Every wait polls for
//! a condition on that screen (or on the process) with a deadline; nothing sleeps and hopes.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "common/pty.rs"]
mod pty;

use pty::{COLS, LEAVE_ALT_SCREEN, POLL, Pty, ROWS, last, rows};

/// The demo user searched for: a human whose email is not verified, with a surname no
/// other demo user (seed or generated) shares.
const SEARCH: &str = "waddams";
const USER_NAME: &str = "Milton Waddams";
const USER_ID: &str = "300000000000000302";

/// The console running in a pseudo-terminal, with its state directory.
struct Console {
    pty: Pty,
    state_home: PathBuf,
}

pty::deref_to_pty!(Console);

impl Console {
    /// Starts `zitadesk --demo` with a clean environment: no ZITADEL_* settings, logs under
    /// a fresh state directory.
    fn start(test: &str) -> Console {
        Console::start_with(test, &[])
    }

    /// The same, with extra environment variables.
    fn start_with(test: &str, env: &[(&str, &str)]) -> Console {
        let state_home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("console-pty-{test}"));
        let _ = std::fs::remove_dir_all(&state_home);
        std::fs::create_dir_all(&state_home).expect("state dir");

        let mut cmd = pty::zitadesk_command(
            &["--demo"],
            &state_home,
            &["ZITADESK_DEMO_USERS", "ZITADESK_LOG", "NO_COLOR"],
        );
        cmd.env("XDG_STATE_HOME", &state_home);
        cmd.env("XDG_CONFIG_HOME", state_home.join("config"));
        for (key, value) in env {
            cmd.env(key, value);
        }
        Console {
            pty: Pty::spawn(cmd, ROWS, COLS),
            state_home,
        }
    }

    fn state_home(&self) -> &Path {
        &self.state_home
    }
}

/// "N of TOTAL" at the end of the status row (the last row).
fn counter(screen: &vt100::Screen) -> Option<(u64, u64)> {
    let rows = rows(screen);
    let status = rows.last()?.trim_end().to_string();
    let (left, total) = status.rsplit_once(" of ")?;
    let position = left.rsplit(' ').next()?;
    Some((position.parse().ok()?, total.parse().ok()?))
}

/// The first table row (under the column titles, which sit on row 2).
fn first_user_row(screen: &vt100::Screen) -> String {
    rows(screen).get(3).cloned().unwrap_or_default()
}

fn list_shown(screen: &vt100::Screen) -> bool {
    counter(screen).is_some_and(|(at, total)| at == 1 && total > 1)
        && rows(screen).get(2).is_some_and(|r| r.contains("DISPLAY NAME"))
}

/// The console with the first page of all users on screen.
fn started(test: &str) -> Console {
    let mut c = Console::start(test);
    c.wait_for("the users list", list_shown);
    assert!(
        c.screen().alternate_screen(),
        "the console draws on the alternate screen"
    );
    assert!(
        !c.local_flags().contains(&"ICANON".to_string()),
        "the console reads keys in raw mode: {:?}",
        c.local_flags()
    );
    c
}

#[test]
fn search_open_the_detail_of_an_unverified_user_and_quit() {
    let mut c = started("search");

    c.send(b"/");
    c.wait_for("search mode", |s| {
        rows(s).get(1).is_some_and(|r| r.starts_with("/ ")) && !s.hide_cursor()
    });
    c.send(SEARCH.as_bytes());
    c.wait_for("the search result: one user", |s| {
        counter(s) == Some((1, 1)) && first_user_row(s).contains(USER_NAME)
    });
    let screen = c.screen();
    assert!(
        rows(screen)[1].contains(SEARCH),
        "the search line shows the query: {:?}",
        rows(screen)[1]
    );
    assert!(
        first_user_row(screen).contains('▶'),
        "the only row is selected: {:?}",
        first_user_row(screen)
    );
    assert!(
        first_user_row(screen).contains("not verified"),
        "{:?}",
        first_user_row(screen)
    );
    for (y, row) in rows(screen).iter().enumerate().take(23).skip(4) {
        assert!(
            row.trim().is_empty(),
            "row {y} should be empty after the search: {row:?}"
        );
    }

    // The search found exactly one user: Enter in the search line opens them at once.
    c.send(b"\r");
    c.wait_for("the detail of the user", |s| {
        let text = s.contents();
        text.contains(USER_ID) && text.contains("not verified") && text.contains(USER_NAME)
    });

    // Esc alone (waiting for the list, so that it is not read together with `q` as Alt-q).
    c.send(b"\x1b");
    c.wait_for("the list again", |s| {
        !s.contents().contains(USER_ID) && first_user_row(s).contains(USER_NAME) && counter(s) == Some((1, 1))
    });
    c.send(b"q");
    let status = c.wait_exit();
    assert!(status.success(), "q exits cleanly: {status:?}");
    c.assert_restored();

    // Logs went to the state directory, not the terminal.
    let logs = c.state_home().join("zitadesk").join("logs");
    let written = std::fs::read_dir(&logs)
        .unwrap_or_else(|e| panic!("no log directory {}: {e}", logs.display()))
        .filter_map(Result::ok)
        .any(|f| {
            f.file_name().to_string_lossy().starts_with("zitadesk.")
                && f.file_name().to_string_lossy().ends_with(".log")
                && f.metadata().is_ok_and(|m| m.len() > 0)
        });
    assert!(written, "a log file under {}", logs.display());
}

#[test]
fn ctrl_c_quits_even_while_typing_a_search() {
    let mut c = started("ctrl-c");
    c.send(b"/");
    c.wait_for("search mode", |s| !s.hide_cursor());
    c.send(b"wad");
    c.wait_for("the typed text", |s| rows(s)[1].contains("wad"));
    c.send(b"\x03");
    let status = c.wait_exit();
    assert!(status.success(), "Ctrl-C exits cleanly: {status:?}");
    c.assert_restored();
}

#[test]
fn a_200_kb_paste_is_cut_with_a_message_and_the_console_stays_responsive() {
    let mut c = started("huge-paste");
    let mut paste = b"\x1b[200~".to_vec();
    paste.extend("waddams ".repeat(25 * 1024).as_bytes());
    paste.extend(b"\x1b[201~");
    let sent = Instant::now();
    c.send(&paste);
    c.wait_for("the message about the cut", |s| {
        rows(s)[usize::from(ROWS) - 1].contains("pasted text cut to 512 characters")
    });
    let took = sent.elapsed();
    assert!(took < Duration::from_secs(5), "the paste took {took:?}");
    // Still answering keys: Esc clears the search and the list comes back.
    c.send(b"\x1b");
    c.wait_for("the search cleared", |s| rows(s)[1].contains("/ to search"));
    c.send(b"\x03");
    assert!(c.wait_exit().success());
}

#[test]
fn the_console_can_never_write_a_core_dump() {
    let mut c = started("no-core");
    let pid = c.child.process_id().expect("pid");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("/proc limits");
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .expect("a core size line");
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(fields[4..6], ["0", "0"], "soft and hard limit: {core}");
    c.send(b"\x03");
    assert!(c.wait_exit().success());
}

#[test]
fn q_is_text_in_the_search_line_not_quit() {
    let mut c = started("q-in-search");
    c.send(b"/");
    c.wait_for("search mode", |s| !s.hide_cursor());
    c.send(b"q");
    c.wait_for("q in the search line", |s| rows(s)[1].contains("/ q"));
    assert!(
        matches!(c.child.try_wait(), Ok(None)),
        "q while typing must not quit"
    );
    c.send(b"\x03");
    assert!(c.wait_exit().success());
    c.assert_restored();
}

fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid}");
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut c = started("sigterm");
    let pid = c.child.process_id().expect("pid");
    signal(pid, "TERM");
    let status = c.wait_exit();
    // The console catches the signal, restores the terminal and exits 128 + 15, as shells
    // expect of a terminated program.
    assert_eq!(status.exit_code(), 143, "SIGTERM: {status:?}");
    assert!(status.signal().is_none(), "caught, not fatal: {status:?}");
    c.assert_restored();
}

#[test]
fn sighup_restores_the_terminal() {
    let mut c = started("sighup");
    let pid = c.child.process_id().expect("pid");
    signal(pid, "HUP");
    let status = c.wait_exit();
    assert!(
        status.signal().is_none(),
        "SIGHUP is caught, not fatal: {status:?}"
    );
    assert_eq!(status.exit_code(), 129, "128 + SIGHUP: {status:?}");
    c.assert_restored();
}

#[test]
fn an_idle_console_writes_nothing() {
    let mut c = started("idle");
    // The header's "as …" (who the token belongs to) arrives on its own after the list; the
    // console is idle only once it is drawn.
    c.wait_for("who is signed in", |s| s.contents().contains(" · as "));
    c.wait_frame_end();
    let before = c.raw.len();
    // Absence over a window: 500 ms (5 spinner intervals) with no request in flight must
    // bring no byte at all.
    let deadline = Instant::now() + Duration::from_millis(500);
    while Instant::now() < deadline {
        c.pump(POLL);
    }
    assert_eq!(
        c.raw.len(),
        before,
        "idle output: {:?}",
        String::from_utf8_lossy(&c.raw[before..])
    );
    c.send(b"q");
    assert!(c.wait_exit().success());
    c.assert_restored();
}

#[test]
fn a_panic_restores_the_terminal_and_prints_the_message() {
    // The documented test hook panics right after the first frame.
    let mut c = Console::start_with("panic", &[("ZITADESK_TEST_PANIC", "1")]);
    let status = c.wait_exit();
    assert_eq!(status.exit_code(), 101, "a panic ends the process: {status:?}");
    c.assert_restored();
    let text = String::from_utf8_lossy(&c.raw);
    let message = text
        .find("panicking on purpose")
        .expect("the panic message is printed");
    let left = last(&c.raw, LEAVE_ALT_SCREEN).expect("left the alternate screen");
    assert!(
        message > left,
        "the message comes after the terminal was restored, on the main screen"
    );
}
