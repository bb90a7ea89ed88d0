//! The console as a good job-control citizen, end to end in a pseudo-terminal: Ctrl-Z hands
//! the terminal back to the shell and stops, `fg` takes it again with a whole new frame; an
//! Esc read together with the next key (Alt+key to crossterm) is still Esc then the key.

#![cfg(unix)]

use std::path::PathBuf;

#[path = "common/pty.rs"]
mod pty;

use portable_pty::CommandBuilder;
use pty::{COLS, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, Pty, ROWS, SHOW_CURSOR, last, rows};

const USER_ID: &str = "300000000000000302";

fn state_home(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("suspend-pty-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("state dir");
    dir
}

/// The environment every run gets: demo settings only, logs and config in `dir`.
fn clean_env(cmd: &mut CommandBuilder, dir: &std::path::Path) {
    pty::remove_zitadesk_vars(cmd);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ZITADEL_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env_remove("NO_COLOR");
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_STATE_HOME", dir);
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
}

fn list_shown(s: &vt100::Screen) -> bool {
    s.alternate_screen() && rows(s).get(2).is_some_and(|r| r.contains("DISPLAY NAME"))
}

/// The console the shell `bash` started (its only child).
fn console_pid(bash: u32) -> u32 {
    let out = std::process::Command::new("ps")
        .args(["-o", "pid=", "--ppid", &bash.to_string()])
        .output()
        .expect("ps");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("one child of bash: {text:?}"))
}

#[test]
fn ctrl_z_stops_with_the_terminal_restored_and_fg_redraws_it_whole() {
    let dir = state_home("ctrl-z");
    // An interactive shell with job control, as the agent's login shell is.
    let mut cmd = CommandBuilder::new("bash");
    cmd.args(["--norc", "--noprofile", "-i"]);
    cmd.cwd(&dir);
    clean_env(&mut cmd, &dir);
    cmd.env("PS1", "prompt$ ");
    let mut c = Pty::spawn(cmd, ROWS, COLS);
    c.wait_for("the shell's prompt", |s| s.contents().contains("prompt$"));
    c.send(format!("'{}' --demo\r", env!("CARGO_BIN_EXE_zitadesk")).as_bytes());
    c.wait_for("the users list", list_shown);

    c.send(b"\x1a");
    c.wait_for("the shell reporting the stopped job", |s| {
        !s.alternate_screen() && s.contents().contains("Stopped")
    });
    let entered = last(&c.raw, ENTER_ALT_SCREEN).expect("entered");
    let left = last(&c.raw, LEAVE_ALT_SCREEN).expect("left the alternate screen before stopping");
    assert!(left > entered, "the alternate screen was left");
    assert!(
        last(&c.raw, SHOW_CURSOR).is_some_and(|shown| shown > entered),
        "the cursor is shown again for the shell"
    );
    assert!(!c.screen().hide_cursor(), "the shell has a cursor");

    let before_fg = c.raw.len();
    c.send(b"fg\r");
    c.wait_for("the console again, drawn whole", list_shown);
    let resumed = &c.raw[before_fg..];
    assert!(
        pty::find(resumed, ENTER_ALT_SCREEN).is_some(),
        "fg takes the alternate screen again"
    );
    assert!(
        !c.local_flags().contains(&"ICANON".to_string()),
        "raw mode again after fg: {:?}",
        c.local_flags()
    );
    // SIGTSTP from outside (`kill -TSTP`) takes the same way out and back.
    let console = console_pid(c.child.process_id().expect("bash pid"));
    // The shell's screen holds the first stop's report; the console's alternate screen is
    // what shows now, so the count is taken from what the first stop left, not from here.
    let stops_before = 1;
    let status = std::process::Command::new("kill")
        .args(["-TSTP", &console.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    c.wait_for("the job stopped again, the terminal the shell's", |s| {
        // And the shell's prompt back after the report: a key typed before it would go to the
        // console, which still holds the terminal until it stops.
        !s.alternate_screen()
            && !s.hide_cursor()
            && s.contents().matches("Stopped").count() > stops_before
            && rows(s)
                .iter()
                .rev()
                .find(|r| !r.trim().is_empty())
                .is_some_and(|r| r.trim() == "prompt$")
    });
    c.send(b"fg\r");
    c.wait_for("the console again", list_shown);

    // Keys work after the resume: q quits back to the shell.
    c.send(b"q");
    c.wait_for("the prompt after quitting", |s| {
        !s.alternate_screen() && rows(s).iter().filter(|r| r.contains("prompt$")).count() >= 2
    });
    c.send(b"exit\r");
    let status = c.wait_exit();
    assert!(status.success(), "the shell ends cleanly: {status:?}");
}

#[test]
fn without_job_control_ctrl_z_says_so_instead_of_hanging_the_session() {
    let dir = state_home("no-job-control");
    // Spawned directly in the pty, the console leads its own session: no shell could `fg` it.
    let mut cmd = pty::zitadesk_command(
        &["--demo"],
        &dir,
        &["ZITADESK_DEMO_USERS", "ZITADESK_LOG", "NO_COLOR"],
    );
    cmd.env("XDG_STATE_HOME", &dir);
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    let mut c = Pty::spawn(cmd, ROWS, COLS);
    c.wait_for("the users list", list_shown);
    c.send(b"\x1a");
    c.wait_for("the refusal in the status line", |s| {
        s.contents().contains("cannot suspend")
    });
    assert!(c.running(), "still running");
    c.send(b"q");
    let status = c.wait_exit();
    assert!(status.success(), "{status:?}");
    c.assert_restored();
}

#[test]
fn esc_read_together_with_the_next_key_is_esc_then_that_key() {
    let dir = state_home("esc-alt");
    let mut cmd = pty::zitadesk_command(
        &["--demo"],
        &dir,
        &["ZITADESK_DEMO_USERS", "ZITADESK_LOG", "NO_COLOR"],
    );
    cmd.env("XDG_STATE_HOME", &dir);
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    let mut c = Pty::spawn(cmd, ROWS, COLS);
    c.wait_for("the users list", list_shown);
    c.send(b"/waddams");
    c.wait_for("one user found", |s| {
        s.contents().contains("Milton Waddams") && rows(s)[1].contains("waddams")
    });
    c.send(b"\r");
    c.wait_for("the detail", |s| s.contents().contains(USER_ID));
    // Esc and `/` in one write, as they arrive over SSH: back to the list, and the search
    // line open for typing.
    c.send(b"\x1b/");
    c.wait_for("the search line, the detail closed", |s| {
        !s.contents().contains(USER_ID) && rows(s)[1].starts_with("/ ") && !s.hide_cursor()
    });
    c.send(b"\x03");
    let status = c.wait_exit();
    assert!(status.success(), "{status:?}");
    c.assert_restored();
}
