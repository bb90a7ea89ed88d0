//! End to end on the real binary, `zitadesk --demo`, in a pseudo-terminal at 80×24: `y` on
//! the selected row then `1` writes the OSC 52 sequence with the user ID (base64) to the
//! terminal; in the detail, `y` `3` the login name; a hostile user's login name (CR LF in it)
//! is refused — no sequence at all. The harness is the shared one in `common/pty.rs`.

#![cfg(unix)]

use std::path::PathBuf;

#[path = "common/pty.rs"]
mod pty;

use base64::Engine;
use pty::{COLS, Pty, ROWS, find};

const OSC52: &[u8] = b"\x1b]52;c;";
/// Peter Gibbons, the only demo user (seed or generated) of that surname.
const USER_ID: &str = "300000000000000301";
const LOGIN: &str = "peter@initech.demo.zitadel.cloud";

fn start(test: &str) -> Pty {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("copy-pty-{test}"));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("state")).expect("state dir");
    std::fs::create_dir_all(home.join("config")).expect("config dir");
    // TMUX/STY would wrap the sequence: the plain one is asked for here.
    let mut cmd = pty::zitadesk_command(
        &["--demo"],
        &home,
        &[
            "ZITADESK_DEMO_USERS",
            "ZITADESK_LOG",
            "ZITADESK_READ_ONLY",
            "NO_COLOR",
            "TMUX",
            "STY",
        ],
    );
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    Pty::spawn(cmd, ROWS, COLS)
}

fn osc52(text: &str) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07").into_bytes()
}

fn sequences(raw: &[u8]) -> usize {
    raw.windows(OSC52.len()).filter(|w| *w == OSC52).count()
}

/// Searches for `text`, Enter opens the one user found, Esc goes back to the list with that
/// user selected.
fn select_the_one(p: &mut Pty, text: &str, shown: &str) {
    p.wait_for("the users list", |s| s.contents().contains(" of "));
    p.send(b"/");
    p.wait_for("search mode", |s| !s.hide_cursor());
    p.send(text.as_bytes());
    p.wait_for("the one search result", |s| {
        let t = s.contents();
        t.contains("1 of 1") && t.contains(shown)
    });
    p.send(b"\r");
    p.wait_for("the detail", |s| s.contents().contains("Esc back to the list"));
    p.send(b"\x1b");
    p.wait_for("the list again", |s| {
        let t = s.contents();
        t.contains("Enter open the user") && t.contains(shown)
    });
}

#[test]
fn y_then_1_copies_the_user_id_and_y_3_in_the_detail_the_login_name() {
    let mut p = start("plain");
    select_the_one(&mut p, "gibbons", "Peter Gibbons");
    assert_eq!(sequences(&p.raw), 0, "nothing copied yet");

    p.send(b"y");
    p.wait_for("the copy menu", |s| {
        let t = s.contents();
        t.contains("Copy — Peter Gibbons") && t.contains(USER_ID)
    });
    p.send(b"1");
    let id = osc52(USER_ID);
    p.wait_until("the OSC 52 sequence with the user ID", |p| {
        find(&p.raw, &id).is_some()
    });
    p.wait_for("the confirmation", |s| {
        s.contents()
            .contains("user ID copied to the clipboard (if your terminal allows OSC 52)")
    });
    assert_eq!(sequences(&p.raw), 1, "one copy, one sequence");

    p.send(b"\r");
    p.wait_for("the detail", |s| s.contents().contains("Esc back to the list"));
    p.send(b"y");
    p.wait_for("the copy menu over the detail", |s| {
        s.contents().contains("Copy — Peter Gibbons")
    });
    p.send(b"3");
    let login = osc52(LOGIN);
    p.wait_until("the OSC 52 sequence with the login name", |p| {
        find(&p.raw, &login).is_some()
    });
    assert_eq!(sequences(&p.raw), 2);

    p.send(b"q");
    let status = p.wait_exit();
    assert!(status.success(), "q exits cleanly: {status:?}");
    p.assert_restored();
}

#[test]
fn a_login_name_with_a_line_break_is_never_copied() {
    let mut p = start("hostile");
    // hostile-crlf's login name is "hostile-crlf\r\nroot@acme…", its email has a TAB.
    select_the_one(&mut p, "hostile-crlf", "🧪 hostile-crlf");
    p.send(b"y");
    p.wait_for("the copy menu", |s| s.contents().contains("300000000000000128"));
    p.send(b"3");
    p.wait_for("the refusal", |s| {
        s.contents()
            .contains("nothing to copy: not copied: holds control or invisible characters")
    });
    p.send(b"2");
    p.wait_frame_end();
    p.send(b"\x1b");
    p.wait_for("the menu closed", |s| !s.contents().contains("Copy — "));
    assert_eq!(sequences(&p.raw), 0, "no clipboard sequence at all");
    p.send(b"q");
    assert!(p.wait_exit().success());
}
