//! End to end on the real binary, `zitadesk --demo`, in a pseudo-terminal at 80×24: `y` on
//! the selected row then `1` writes the OSC 52 sequence with the user ID (base64) to the
//! terminal; in the detail, `y` `3` the login name; a hostile user's login name (CR LF in it)
//! is refused — no sequence at all. Under `TMUX` the sequence stays plain (tmux forwards it
//! with `set-clipboard on`), under `STY` it is wrapped for screen, and `clipboard = "off"`
//! writes none. The harness is the shared one in `common/pty.rs`.

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
    start_with(test, &[], None)
}

/// As [`start`], with `env` on top and `config` as the config file.
fn start_with(test: &str, env: &[(&str, &str)], config: Option<&str>) -> Pty {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("copy-pty-{test}"));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("state")).expect("state dir");
    std::fs::create_dir_all(home.join("config")).expect("config dir");
    // TMUX and STY decide the form and the wording (TERM is xterm-256color): each test sets
    // what it wants.
    let mut cmd = pty::zitadesk_command(
        &["--demo"],
        &home,
        &[
            "ZITADESK_DEMO_USERS",
            "ZITADESK_LOG",
            "ZITADESK_READ_ONLY",
            "ZITADESK_CLIPBOARD",
            "NO_COLOR",
            "TMUX",
            "STY",
        ],
    );
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(text) = config {
        let dir = home.join("config").join("zitadesk");
        std::fs::create_dir_all(&dir).expect("config dir");
        std::fs::write(dir.join("config.toml"), text).expect("config file");
    }
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
            .contains("user ID sent to the terminal's clipboard (if it allows OSC 52)")
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

/// Opens the copy menu on Peter Gibbons and picks his user ID.
fn copy_the_user_id(p: &mut Pty) {
    select_the_one(p, "gibbons", "Peter Gibbons");
    p.send(b"y");
    p.wait_for("the copy menu", |s| {
        let t = s.contents();
        t.contains("Copy — Peter Gibbons") && t.contains(USER_ID)
    });
    p.send(b"1");
}

#[test]
fn inside_tmux_the_copy_is_plain_osc_52_and_the_status_names_set_clipboard() {
    let mut p = start_with("tmux", &[("TMUX", "/tmp/x,1,0")], None);
    copy_the_user_id(&mut p);
    let id = osc52(USER_ID);
    p.wait_until("the plain OSC 52 sequence with the user ID", |p| {
        find(&p.raw, &id).is_some()
    });
    p.wait_for("the tmux wording", |s| {
        s.contents()
            .contains("user ID sent to the clipboard — tmux needs set-clipboard on")
    });
    assert_eq!(sequences(&p.raw), 1, "one copy, one sequence");
    assert_eq!(
        find(&p.raw, b"\x1bP"),
        None,
        "no DCS passthrough wrapping (tmux 3.3+ drops it by default)"
    );
    p.send(b"q");
    assert!(p.wait_exit().success());
}

#[test]
fn inside_screen_the_copy_is_wrapped_in_screens_dcs() {
    let mut p = start_with("screen", &[("STY", "4242.pts-1.jump")], None);
    copy_the_user_id(&mut p);
    let b64 = base64::engine::general_purpose::STANDARD.encode(USER_ID.as_bytes());
    let wrapped = format!("\x1bP\x1b]52;c;{b64}\x07\x1b\\").into_bytes();
    p.wait_until("the OSC 52 sequence wrapped for screen", |p| {
        find(&p.raw, &wrapped).is_some()
    });
    p.wait_for("the screen wording", |s| {
        s.contents()
            .contains("user ID sent via screen (if the terminal allows OSC 52)")
    });
    assert_eq!(sequences(&p.raw), 1, "one copy, one sequence");
    assert_eq!(find(&p.raw, b"\x1bPtmux;"), None, "not tmux's form");
    p.send(b"q");
    assert!(p.wait_exit().success());
}

#[test]
fn with_the_clipboard_off_in_the_config_nothing_is_sent_and_the_console_says_so() {
    let mut p = start_with("off", &[("TMUX", "/tmp/x,1,0")], Some("clipboard = \"off\"\n"));
    select_the_one(&mut p, "gibbons", "Peter Gibbons");
    p.send(b"y");
    p.wait_for("the copy menu saying the clipboard is off", |s| {
        let t = s.contents();
        t.contains("Copy — Peter Gibbons")
            && t.contains("copying is off: set clipboard = osc52 to turn it on")
    });
    p.send(b"1");
    p.wait_for("the off wording", |s| {
        s.contents()
            .contains("user ID not copied: copying is off (set clipboard = osc52)")
    });
    p.send(b"q");
    assert!(p.wait_exit().success());
    assert_eq!(sequences(&p.raw), 0, "no OSC 52 at all");
    assert_eq!(find(&p.raw, b"\x1b]52"), None);
    assert_eq!(find(&p.raw, b"\x1bP"), None, "no DCS either");
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
