//! End to end: the whole resend flow on the real binary, `zitadesk --demo`, in a
//! pseudo-terminal at 80×24 (its output fed through a vt100 emulator): search for a user,
//! open the detail, `r`, return mode, Enter, the masked code, `v`, `y` (OSC 52 in the raw
//! output), Esc, `q`; then the audit file. The harness is the shared one in `common/pty.rs`.
//! Every wait polls for a condition with a deadline; nothing sleeps and hopes.

#![cfg(unix)]

use std::path::{Path, PathBuf};

#[path = "common/pty.rs"]
mod pty;

use base64::Engine;
use pty::{COLS, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, Pty, ROWS, find, last, rows};
use serde_json::Value;

/// A human of the demo seed with an unverified address and a pending code, whose surname no
/// other demo user (seed or generated) shares.
const SEARCH: &str = "gibbons";
const USER_NAME: &str = "Peter Gibbons";
const USER_ID: &str = "300000000000000301";

const DIALOG_TITLE: &str = "Resend verification code";
const OSC52: &[u8] = b"\x1b]52;c;";

/// The console running in a pseudo-terminal, with its home directory.
struct Console {
    pty: Pty,
    home: PathBuf,
}

pty::deref_to_pty!(Console);

impl Console {
    /// Starts `zitadesk --demo` with a clean environment; state and config under a fresh
    /// directory; `extra` environment on top.
    fn start(test: &str, extra: &[(&str, &str)]) -> Console {
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("resend-pty-{test}"));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(home.join("state")).expect("state dir");
        std::fs::create_dir_all(home.join("config")).expect("config dir");

        // TMUX/STY decide how the OSC 52 sequence is sent; each test says which it wants.
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
        for (k, v) in extra {
            cmd.env(k, v);
        }
        Console {
            pty: Pty::spawn(cmd, ROWS, COLS),
            home,
        }
    }

    fn audit_file(&self) -> PathBuf {
        self.home.join("state").join("zitadesk").join("audit.jsonl")
    }

    fn home(&self) -> &Path {
        &self.home
    }
}

/// "N of TOTAL" at the end of the status row.
fn counter(screen: &vt100::Screen) -> Option<(u64, u64)> {
    let rows = rows(screen);
    let status = rows.last()?.trim_end().to_string();
    let (left, total) = status.rsplit_once(" of ")?;
    let position = left.rsplit(' ').next()?;
    Some((position.parse().ok()?, total.parse().ok()?))
}

fn is_code(s: &str) -> bool {
    s.len() == 6 && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The word after "Code:" in the dialog, if the screen shows one.
fn code_field(screen: &vt100::Screen) -> Option<String> {
    rows(screen).iter().find_map(|r| {
        let (_, after) = r.split_once("Code:")?;
        after.split_whitespace().next().map(str::to_string)
    })
}

/// Every six-character run of upper-case letters and digits standing alone on the screen.
fn code_like_words(screen: &vt100::Screen) -> Vec<String> {
    screen
        .contents()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| is_code(w) && w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The flow up to the masked result: search, detail, `r`, Tab, Enter.
fn issue_a_returned_code(c: &mut Console) {
    c.wait_for("the users list", |s| {
        counter(s).is_some_and(|(at, total)| at == 1 && total > 1)
    });
    c.send(b"/");
    c.wait_for("search mode", |s| !s.hide_cursor());
    c.send(SEARCH.as_bytes());
    c.wait_for("the one search result", |s| {
        counter(s) == Some((1, 1)) && s.contents().contains(USER_NAME)
    });
    // One user found: Enter in the search line opens them at once.
    c.send(b"\r");
    c.wait_for("the detail of the user", |s| {
        let text = s.contents();
        text.contains(USER_ID) && text.contains("not verified")
    });

    c.send(b"r");
    c.wait_for("the resend dialog", |s| {
        let text = s.contents();
        text.contains(DIALOG_TITLE) && text.contains(USER_NAME) && text.contains("(•) Mail the code")
    });
    c.send(b"\t");
    c.wait_for("return mode", |s| {
        s.contents().contains("(•) Return the code to me")
    });
    c.send(b"\r");
    c.wait_for("the masked result", |s| s.contents().contains("reveal with v"));
}

/// The whole flow, ending with the console quit and the audit file checked.
/// `expected_copy`: the sequence the copy writes for a code, and what the dialog says then.
fn whole_flow(test: &str, extra: &[(&str, &str)], (expected_copy, said): (impl Fn(&str) -> String, &str)) {
    let mut c = Console::start(test, extra);
    issue_a_returned_code(&mut c);

    let masked = c.screen().contents();
    assert!(masked.contains("••••••"), "the code is masked:\n{masked}");
    assert_eq!(
        code_field(c.screen()).as_deref(),
        Some("••••••"),
        "only the mask in the code field:\n{masked}"
    );
    assert!(
        code_like_words(c.screen()).is_empty(),
        "nothing that looks like a code before v: {:?}\n{masked}",
        code_like_words(c.screen())
    );
    let before_reveal = c.raw.len();

    c.send(b"v");
    c.wait_for("the revealed code", |s| {
        code_field(s).is_some_and(|w| is_code(&w))
    });
    let code = code_field(c.screen()).expect("the code");
    assert!(
        find(&c.raw[..before_reveal], code.as_bytes()).is_none(),
        "the code {code} was written to the terminal before v"
    );

    c.send(b"y");
    let wanted = expected_copy(&code);
    c.wait_until("the OSC 52 sequence", |c| {
        find(&c.raw, wanted.as_bytes()).is_some()
    });
    c.wait_for("the copy confirmation", |s| s.contents().contains(said));
    let sequences = c.raw.windows(OSC52.len()).filter(|w| *w == OSC52).count();
    assert_eq!(sequences, 1, "one copy, one sequence");
    // A plain sequence is inside the wrapped ones: no DCS beyond the expected one's.
    let dcs = c.raw.windows(2).filter(|w| *w == b"\x1bP").count();
    assert_eq!(
        dcs,
        wanted.matches("\x1bP").count(),
        "wrapped as expected, no more"
    );

    c.send(b"\x1b");
    c.wait_for("the dialog closed", |s| {
        let text = s.contents();
        !text.contains(DIALOG_TITLE) && text.contains(USER_ID)
    });
    assert!(
        !c.screen().contents().contains(&code),
        "Esc forgets the code:\n{}",
        c.screen().contents()
    );
    c.send(b"q");
    let status = c.wait_exit();
    assert!(status.success(), "q exits cleanly: {status:?}");
    let entered = last(&c.raw, ENTER_ALT_SCREEN).expect("entered the alternate screen");
    let left = last(&c.raw, LEAVE_ALT_SCREEN).expect("left the alternate screen");
    assert!(left > entered, "the terminal is restored");
    let flags = c.local_flags();
    assert!(
        flags.contains(&"ICANON".to_string()) && flags.contains(&"ECHO".to_string()),
        "raw mode is off again: {flags:?}"
    );

    // The audit trail: one line, without the code or the token.
    let text = std::fs::read_to_string(c.audit_file())
        .unwrap_or_else(|e| panic!("no audit file {}: {e}", c.audit_file().display()));
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    let l = &lines[0];
    assert_eq!(l["user_id"], USER_ID, "{l}");
    assert_eq!(l["action"], "resend", "{l}");
    assert_eq!(l["mode"], "return", "{l}");
    assert_eq!(l["outcome"], "ok", "{l}");
    assert!(l["sequence"].as_u64().is_some(), "{l}");
    assert!(!text.contains(&code), "the code is in the audit file: {text}");
    assert!(
        !text.contains("demo-admin-token"),
        "the token is in the audit file: {text}"
    );

    // Nor in the logs.
    let logs = c.home().join("state").join("zitadesk").join("logs");
    if let Ok(dir) = std::fs::read_dir(&logs) {
        for f in dir.filter_map(Result::ok) {
            let log = std::fs::read_to_string(f.path()).unwrap_or_default();
            assert!(!log.contains(&code), "the code is in {}", f.path().display());
        }
    }
}

fn base64(code: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(code.as_bytes())
}

#[test]
fn resend_returns_the_code_masked_reveals_copies_and_audits_it() {
    whole_flow(
        "plain",
        &[],
        (
            |code| format!("\x1b]52;c;{}\x07", base64(code)),
            "sent to the terminal's clipboard (if it allows OSC 52)",
        ),
    );
}

#[test]
fn inside_tmux_the_copy_is_plain_osc_52_and_names_set_clipboard() {
    whole_flow(
        "tmux",
        &[("TMUX", "/tmp/tmux-1000/default,1,0")],
        (
            |code| format!("\x1b]52;c;{}\x07", base64(code)),
            "sent to the clipboard — tmux needs set-clipboard on",
        ),
    );
}

#[test]
fn with_osc52_passthrough_inside_tmux_the_copy_is_wrapped() {
    whole_flow(
        "tmux-passthrough",
        &[
            ("TMUX", "/tmp/tmux-1000/default,1,0"),
            ("ZITADESK_CLIPBOARD", "osc52-passthrough"),
        ],
        (
            |code| format!("\x1bPtmux;\x1b\x1b]52;c;{}\x07\x1b\\", base64(code)),
            "sent to the clipboard — tmux needs allow-passthrough on",
        ),
    );
}
