//! Terminals that are not xterm-256color, end to end in a pseudo-terminal: a dumb terminal
//! (or none named) gets a one-line refusal pointing at the CLI; a DEC VT gets no colour; a
//! 16-colour terminal gets colours only in their 16-colour form.

#![cfg(unix)]

use std::path::PathBuf;

#[path = "common/pty.rs"]
mod pty;

use pty::{COLS, ENTER_ALT_SCREEN, Pty, ROWS, rows};

fn console(test: &str, term: Option<&str>) -> Pty {
    console_in(test, term, &[])
}

fn console_in(test: &str, term: Option<&str>, env: &[(&str, &str)]) -> Pty {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("terminal-kinds-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("state dir");
    let mut cmd = pty::zitadesk_command(
        &["--demo"],
        &dir,
        &["ZITADESK_DEMO_USERS", "ZITADESK_LOG", "NO_COLOR"],
    );
    cmd.env("XDG_STATE_HOME", &dir);
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    match term {
        Some(t) => cmd.env("TERM", t),
        None => cmd.env_remove("TERM"),
    }
    cmd.env_remove("LC_ALL");
    cmd.env_remove("LC_CTYPE");
    cmd.env("LANG", "C.UTF-8");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Pty::spawn(cmd, ROWS, COLS)
}

/// The numbers of every SGR sequence (`ESC [ … m`) the console wrote.
fn sgr_params(raw: &[u8]) -> Vec<Vec<u16>> {
    let text = String::from_utf8_lossy(raw);
    text.split("\x1b[")
        .skip(1)
        .filter_map(|s| {
            let end = s.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (s[end..].starts_with('m')).then(|| s[..end].split(';').filter_map(|n| n.parse().ok()).collect())
        })
        .collect()
}

fn is_colour(p: &u16) -> bool {
    matches!(p, 30..=37 | 38 | 40..=47 | 48 | 90..=97 | 100..=107)
}

fn list_shown(s: &vt100::Screen) -> bool {
    rows(s).get(2).is_some_and(|r| r.contains("DISPLAY NAME")) && s.contents().contains("not verified")
}

#[test]
fn a_dumb_or_unnamed_terminal_is_refused_with_a_pointer_to_the_cli() {
    for (test, term) in [("dumb", Some("dumb")), ("unset", None)] {
        let mut c = console(test, term);
        let status = c.wait_exit();
        assert_eq!(status.exit_code(), 2, "{test}: {status:?}");
        let text = String::from_utf8_lossy(&c.raw).to_string();
        assert!(text.contains("TERM is dumb or unset"), "{test}: {text}");
        assert!(text.contains("zitadesk users list"), "{test}: {text}");
        assert!(
            pty::find(&c.raw, ENTER_ALT_SCREEN).is_none(),
            "{test}: the screen was not touched"
        );
        assert_eq!(text.trim().lines().count(), 1, "{test}: one line: {text}");
    }
}

#[test]
fn a_vt100_gets_no_colour_and_the_words_still_say_it() {
    let mut c = console("vt100", Some("vt100"));
    c.wait_for("the users list", list_shown);
    let colours: Vec<_> = sgr_params(&c.raw)
        .into_iter()
        .filter(|p| p.iter().any(is_colour))
        .collect();
    assert!(colours.is_empty(), "no colour codes for a vt100: {colours:?}");
    c.send(b"q");
    assert!(c.wait_exit().success());
}

#[test]
fn a_16_colour_terminal_gets_colours_in_the_16_colour_form_only() {
    let mut c = console("16color", Some("xterm-16color"));
    c.wait_for("the users list", list_shown);
    let params = sgr_params(&c.raw);
    assert!(
        params.iter().any(|p| p.contains(&31) || p.contains(&32)),
        "red or green for the verification words: {params:?}"
    );
    assert!(
        !params.iter().any(|p| p.contains(&38) || p.contains(&48)),
        "no 256-colour form: {params:?}"
    );
    c.send(b"q");
    assert!(c.wait_exit().success());
}

#[test]
fn a_c_locale_gets_ascii_only_with_the_columns_in_place() {
    let mut c = console_in("c-locale", Some("xterm-256color"), &[("LANG", "C")]);
    c.wait_for("the users list", list_shown);
    let screen = rows(c.screen());
    assert!(
        screen.iter().any(|r| r.starts_with("> ")),
        "the selection marker: {screen:#?}"
    );
    c.send(b"/Bj\xc3\xb8rn");
    c.wait_for("a name with a diacritic, transliterated", |s| {
        s.contents().contains("Bjorn Odegaard")
    });
    assert!(
        c.raw.is_ascii(),
        "not one byte outside ASCII reached the terminal"
    );
    c.send(b"\r");
    // Enter opened the one user; `?` opens the help overlay: its border is drawn from + - |.
    c.send(b"?");
    c.wait_for("the help overlay in ASCII", |s| {
        rows(s).iter().any(|r| r.contains("+ Keys: user detail -"))
    });
    assert!(c.raw.is_ascii());
    c.send(b"\x1b");
    c.send(b"q");
    assert!(c.wait_exit().success());
}

/// xterm's mouse modes crossterm switches on (button events, SGR coordinates).
const MOUSE_ON: &[u8] = b"\x1b[?1000h";
const MOUSE_OFF: &[u8] = b"\x1b[?1000l";

#[test]
fn the_mouse_is_off_unless_asked_for() {
    let mut c = console("no-mouse", Some("xterm-256color"));
    c.wait_for("the users list", list_shown);
    assert!(
        pty::find(&c.raw, MOUSE_ON).is_none(),
        "the terminal keeps its own selection"
    );
    c.send(b"q");
    assert!(c.wait_exit().success());
}

#[test]
fn with_mouse_on_a_double_click_opens_the_row_and_leaving_switches_it_off() {
    let mut c = console_in("mouse", Some("xterm-256color"), &[("ZITADESK_MOUSE", "1")]);
    c.wait_for("the users list", list_shown);
    assert!(pty::find(&c.raw, MOUSE_ON).is_some(), "mouse events asked for");
    // The third user's row (screen row 5, 0-based; SGR coordinates are 1-based).
    let third = rows(c.screen())[5].clone();
    let name: String = third.trim_start().chars().take(12).collect();
    let click = b"\x1b[<0;10;6M\x1b[<0;10;6m";
    c.send(click);
    c.wait_for("the third row selected", |s| rows(s)[5].starts_with('▶'));
    c.send(click);
    c.wait_for("the detail of that user", |s| {
        s.contents().contains("User ID:") && s.contents().contains(name.trim())
    });
    c.send(b"\x1b");
    c.wait_for("the list again", list_shown);
    c.send(b"q");
    assert!(c.wait_exit().success());
    let on = pty::last(&c.raw, MOUSE_ON).expect("on");
    let off = pty::last(&c.raw, MOUSE_OFF).expect("switched off on the way out");
    assert!(off > on);
}

/// The `(parameters, final byte)` of every `ESC [` sequence the console wrote.
fn csi_sequences(raw: &[u8]) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < raw.len() {
        if raw[i] == 0x1b && raw[i + 1] == b'[' {
            let start = i + 2;
            let Some(end) = (start..raw.len()).find(|&j| (0x40..=0x7e).contains(&raw[j])) else {
                break;
            };
            out.push((String::from_utf8_lossy(&raw[start..end]).into_owned(), raw[end]));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The Linux console has no SU/SD (`CSI S`, `CSI T`): the list's rows are moved with line
/// feeds and reverse indexes inside a scrolling region, which is the whole screen again
/// when the console leaves. Down 25 rows and back up 25 leaves the first screen exactly.
#[test]
fn the_linux_console_scrolls_the_list_by_a_row_without_su_or_sd() {
    let mut c = console("linux", Some("linux"));
    c.wait_for("the users list", list_shown);
    c.wait_for("the counter at 1", |s| rows(s)[23].contains(" 1 of "));
    // A space written and a cell never written look alike on a screen.
    let text =
        |s: &vt100::Screen| -> Vec<String> { rows(s).iter().map(|r| r.trim_end().to_owned()).collect() };
    let first = text(c.screen());
    for (key, step, to) in [(b"j", 1, 26), (b"k", -1, 1)] {
        // One key at a time, each waited for: one frame per move.
        for n in 1..=25 {
            let counter = format!(" {} of ", to - step * (25 - n));
            c.send(key);
            c.wait_for("the move", |s| rows(s)[23].contains(&counter));
            c.wait_frame_end();
        }
        let screen = text(c.screen());
        if to == 26 {
            assert!(
                screen[22].starts_with('▶'),
                "the selection on the last row: {screen:#?}"
            );
            assert_eq!(
                screen[3..17],
                first[9..23],
                "the rows moved up by six: {screen:#?}"
            );
        }
    }
    // The header fills in meanwhile (who is signed in): the rest is the first screen.
    assert_eq!(
        text(c.screen())[1..],
        first[1..],
        "back at the top, the first screen"
    );
    let csi = csi_sequences(&c.raw);
    assert!(!csi.iter().any(|(_, fin)| matches!(fin, b'S' | b'T')), "no SU/SD");
    let regions: Vec<&String> = csi
        .iter()
        .filter(|(_, fin)| *fin == b'r')
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        regions.iter().filter(|p| p.as_str() == "4;23").count(),
        12,
        "six rows scrolled down and six back, each by the terminal: {regions:?}"
    );
    assert!(c.raw.windows(2).any(|w| w == b"\x1bM"), "reverse indexes");
    c.send(b"q");
    assert!(c.wait_exit().success());
    c.assert_restored();
    let csi = csi_sequences(&c.raw);
    let last_region = csi.iter().rev().find(|(_, fin)| *fin == b'r');
    assert_eq!(
        last_region.map(|(p, _)| p.as_str()),
        Some(""),
        "the region is the whole screen at the end"
    );
}
