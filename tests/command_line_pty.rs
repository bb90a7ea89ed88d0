//! End to end: the real binary, `zitadesk --demo`, in a pseudo-terminal at 80×24: `:q` quits
//! with the terminal restored, and `:user` opens a user. Every wait polls the emulated screen
//! with a deadline.

#![cfg(unix)]

use std::path::PathBuf;

#[path = "common/pty.rs"]
mod pty;

use pty::{COLS, Pty, ROWS, rows};

fn start(test: &str) -> Pty {
    let state_home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("command-line-pty-{test}"));
    let _ = std::fs::remove_dir_all(&state_home);
    std::fs::create_dir_all(&state_home).expect("state dir");
    let mut cmd = pty::zitadesk_command(
        &["--demo"],
        &state_home,
        &["ZITADESK_DEMO_USERS", "ZITADESK_LOG", "NO_COLOR"],
    );
    cmd.env("XDG_STATE_HOME", &state_home);
    cmd.env("XDG_CONFIG_HOME", state_home.join("config"));
    let mut p = Pty::spawn(cmd, ROWS, COLS);
    p.wait_for("the users list", |s| {
        rows(s).get(2).is_some_and(|r| r.contains("DISPLAY NAME"))
            && rows(s).last().is_some_and(|r| r.contains(" of "))
    });
    p
}

fn last_row(s: &vt100::Screen) -> String {
    rows(s).last().cloned().unwrap_or_default()
}

#[test]
fn colon_q_quits_with_the_terminal_restored() {
    let mut p = start("quit");
    p.send(b":");
    p.wait_for("the command line", |s| last_row(s).starts_with(':'));
    p.send(b"q");
    p.wait_for("q on the line", |s| last_row(s).starts_with(":q "));
    assert!(p.running(), "q on the command line is text until Enter");
    p.send(b"\r");
    let status = p.wait_exit();
    assert!(status.success(), ":q exits cleanly: {status:?}");
    p.assert_restored();
}

#[test]
fn colon_user_opens_a_user_by_login_name() {
    let mut p = start("user");
    p.send(b":user jane@acme.demo.zitadel.cloud\r");
    p.wait_for("Jane's detail", |s| {
        let screen = rows(s).join("\n");
        screen.contains("jane.doe@acme.example") && screen.contains("300000000000000101")
    });
    p.send(b":q\r");
    assert!(p.wait_exit().success());
    p.assert_restored();
}
