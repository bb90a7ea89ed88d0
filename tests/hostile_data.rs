//! Hostile data: the demo seed has ten Acme users (IDs `300000000000000120`–`…129`, all active,
//! human, email not verified, a code pending) whose names, usernames and emails carry one hazard
//! each — CSI clear-screen and colour, an OSC 52 clipboard write, an OSC 8 hyperlink, C1
//! controls, bidi overrides, a 5,000-character name, CJK and emoji, zero-width joiners, CR/LF/TAB
//! and NUL — and a plain-ASCII word (`hostile-csi`, `hostile-clip`, …) to find them by.
//!
//! For each one, on the real binary:
//! * the console in a pseudo-terminal at 80×24 (output through a vt100 emulator): it can be
//!   searched, opened and resent to (return mode), the layout stays where it belongs, none of
//!   the hostile sequences is ever written to the terminal, and the console keeps running
//!   until `q`;
//! * the CLI: `users list --query WORD` and `users show ID` write none of those bytes, the table
//!   columns stay aligned within `COLUMNS`, no value adds a line; `--json` stays valid JSON
//!   and decodes to the very strings of the seed file.
//!
//! Why these tests fail without the sanitiser (`zitadesk::text::sanitize`): the demo serves
//! the raw strings exactly as the seed file has them —
//! `the_demo_serves_the_hostile_strings_unchanged` proves that over the real API, and proves
//! that every forbidden byte sequence of [`FORBIDDEN`] really occurs in them. A console or
//! table that printed those strings as they are would therefore write those sequences (and the
//! raw field strings themselves, which are checked for too), and `assert_clean` would fail. The
//! wide, long and joined names need no escaping but break widths: there the alignment checks
//! fail if cells are not cut by display width.
//!
//! Widths are also checked the way a terminal without grapheme clustering (xterm, tmux, GNU
//! screen, the vt100 emulator here) draws them, character by character: a table line must be
//! as wide there as measured, and the resend dialog must still show the login name after the
//! display name.
//! Every wait polls a condition with a deadline; nothing sleeps and hopes.

mod common;

use std::process::{Command, Output};

use serde_json::Value;
use unicode_width::UnicodeWidthChar;
use zitadesk::api::query::{MatchMode, parse_search};
use zitadesk::api::wire::{ListQuery, ListUsersRequest, User};
use zitadesk::demo::ADMIN_TOKEN;
use zitadesk::text::{display_width, sanitize};

const SEED: &str = include_str!("../assets/demo-users.json");

/// One hostile seed user.
struct Hostile {
    id: &'static str,
    /// Plain ASCII, in the username and the display name, shared with no other user.
    word: &'static str,
    hazard: &'static str,
    /// Holds for the raw display name: the hazard really is there.
    proof: fn(&str) -> bool,
    /// Texts the console's detail view must show (sanitised forms, as the emulator shows them).
    shown: &'static [&'static str],
}

impl Hostile {
    /// The raw preferred login name from the seed.
    fn login(&self) -> String {
        seed_user(self.id)["preferredLoginName"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// What the emulator shows for U+FFFD: vt100 drops U+FFFD (its parser's own marker for broken
/// UTF-8) where real terminals draw one column, so [`pty::Console`] feeds it this instead.
const FFFD_STAND_IN: char = '¿';

const HOSTILE: [Hostile; 10] = [
    Hostile {
        id: "300000000000000120",
        word: "hostile-csi",
        hazard: "CSI clear screen and colour",
        proof: |s| s.contains("\x1b[2J") && s.contains("\x1b[31m"),
        shown: &["␛[2J␛[31mhostile-csi Csilla Rot␛[0m"],
    },
    Hostile {
        id: "300000000000000121",
        word: "hostile-clip",
        hazard: "OSC 52 clipboard write",
        proof: |s| s.contains("\x1b]52;c;ZXZpbA==\x07"),
        shown: &["hostile-clip Olive Clip␛]52;c;ZXZpbA==␇"],
    },
    Hostile {
        id: "300000000000000122",
        word: "hostile-link",
        hazard: "OSC 8 hyperlink",
        proof: |s| s.contains("\x1b]8;;https://evil.example\x1b\\"),
        shown: &["␛]8;;https://evil.example␛\\hostile-link Linus Link"],
    },
    Hostile {
        id: "300000000000000123",
        word: "hostile-cone",
        hazard: "C1 controls U+009B and U+009D",
        proof: |s| s.contains('\u{9b}') && s.contains('\u{9d}'),
        // U+FFFD for each C1 control, shown as FFFD_STAND_IN.
        shown: &["¿2J¿31mhostile-cone Conrad Eins¿0;pwned␇"],
    },
    Hostile {
        id: "300000000000000124",
        word: "hostile-bidi",
        hazard: "bidi override and isolates",
        proof: |s| s.contains('\u{202e}') && ('\u{2066}'..='\u{2069}').any(|c| s.contains(c)),
        shown: &["hostile-bidi Bianca sdrawkcaB fsi"],
    },
    Hostile {
        id: "300000000000000125",
        word: "hostile-long",
        hazard: "5,000-character name",
        proof: |s| s.chars().count() == 5000,
        shown: &["hostile-long Hubert Wolfeschlegel"],
    },
    Hostile {
        id: "300000000000000126",
        word: "hostile-wide",
        hazard: "CJK and emoji",
        proof: |s| s.contains("山田花子") && s.contains('🐉'),
        shown: &["hostile-wide 山田花子 🐉🌸 株式会社ワイド"],
    },
    Hostile {
        id: "300000000000000127",
        word: "hostile-zwj",
        hazard: "zero-width joiners",
        proof: |s| s.contains("👨\u{200d}👩") && s.contains("Fa\u{200d}mily"),
        // The joiner between two ASCII letters is dropped; the emoji sequence is kept. vt100
        // (like xterm, tmux, screen) has no grapheme clustering: it draws each emoji of the
        // sequence, and the console's next cells overwrite all but the first.
        shown: &["hostile-zwj 👨", " Family "],
    },
    Hostile {
        id: "300000000000000128",
        word: "hostile-crlf",
        hazard: "CR, LF and TAB",
        proof: |s| s.contains("\r\n") && s.contains('\t'),
        shown: &["hostile-crlf Carl␍␊FAKE STATUS LINE␉Feed␍", "hostile-crlf␍␊root"],
    },
    Hostile {
        id: "300000000000000129",
        word: "hostile-nul",
        hazard: "NUL",
        proof: |s| s.contains('\0'),
        shown: &["hostile-nul␀ Nils Null␀", "hostile-nul␀x@acme"],
    },
];

/// Byte sequences that must never reach a terminal.
const FORBIDDEN: [(&str, &str); 12] = [
    ("OSC 52 (clipboard write)", "\x1b]52"),
    ("OSC 8 (hyperlink)", "\x1b]8;"),
    ("CSI 2J (clear screen)", "\x1b[2J"),
    ("CSI 31m (red)", "\x1b[31m"),
    ("U+009B (C1 CSI)", "\u{9b}"),
    ("U+009D (C1 OSC)", "\u{9d}"),
    ("U+202E (right-to-left override)", "\u{202e}"),
    ("U+2066 (left-to-right isolate)", "\u{2066}"),
    ("U+2067 (right-to-left isolate)", "\u{2067}"),
    ("U+2068 (first strong isolate)", "\u{2068}"),
    ("U+2069 (pop directional isolate)", "\u{2069}"),
    ("NUL", "\0"),
];

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The seed file's entry for `id` (its `user` object).
fn seed_user(id: &str) -> Value {
    let seed: Value = serde_json::from_str(SEED).expect("the seed is JSON");
    seed["users"]
        .as_array()
        .expect("seed users")
        .iter()
        .map(|e| &e["user"])
        .find(|u| u["userId"] == id)
        .unwrap_or_else(|| panic!("no seed user {id}"))
        .clone()
}

/// Every text field of a wire user (as JSON) a screen or table may show, by JSON pointer.
const TEXT_FIELDS: [&str; 7] = [
    "/username",
    "/preferredLoginName",
    "/loginNames/0",
    "/human/profile/givenName",
    "/human/profile/familyName",
    "/human/profile/displayName",
    "/human/email/email",
];

fn text_fields(user: &Value) -> Vec<(&'static str, String)> {
    TEXT_FIELDS
        .iter()
        .map(|p| {
            let v = user
                .pointer(p)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{p} in {}", user["userId"]));
            (*p, v.to_owned())
        })
        .collect()
}

/// The raw seed strings of `h` that the sanitiser must change: none may appear in output.
fn raw_hostile_strings(h: &Hostile) -> Vec<String> {
    text_fields(&seed_user(h.id))
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| sanitize(v) != v.as_str())
        .collect()
}

/// `bytes` (written to a terminal) contains none of [`FORBIDDEN`] and none of the raw hostile
/// strings.
fn assert_clean(bytes: &[u8], what: &str) {
    for (name, seq) in FORBIDDEN {
        if let Some(at) = find(bytes, seq.as_bytes()) {
            let from = at.saturating_sub(60);
            let to = (at + 60).min(bytes.len());
            panic!(
                "{what}: {name} written to the terminal at byte {at}: {:?}",
                String::from_utf8_lossy(&bytes[from..to])
            );
        }
    }
    for h in &HOSTILE {
        for raw in raw_hostile_strings(h) {
            assert!(
                find(bytes, raw.as_bytes()).is_none(),
                "{what}: the raw string of {} ({}) written: {raw:?}",
                h.word,
                h.hazard
            );
        }
    }
}

/// Demo seeds must be what the tests below expect: the hazard is in the raw display name.
#[test]
fn the_seed_has_each_hazard_once() {
    let seed: Value = serde_json::from_str(SEED).expect("the seed is JSON");
    let users = seed["users"].as_array().expect("seed users");
    for h in &HOSTILE {
        let user = seed_user(h.id);
        let display = user["human"]["profile"]["displayName"]
            .as_str()
            .expect("display name");
        assert!((h.proof)(display), "{}: {display:?}", h.hazard);
        assert_eq!(user["state"], "USER_STATE_ACTIVE", "{}", h.word);
        assert_eq!(
            user["details"]["resourceOwner"], "281465201463541763",
            "{}: Acme",
            h.word
        );
        assert_ne!(user["human"]["email"]["isVerified"], true, "{}", h.word);
        // The word finds this user and no other (case-insensitive, like the search).
        let holders: Vec<&str> = users
            .iter()
            .filter(|e| {
                TEXT_FIELDS
                    .iter()
                    .filter_map(|p| e["user"].pointer(p).and_then(Value::as_str))
                    .any(|v| v.to_lowercase().contains(h.word))
            })
            .map(|e| e["user"]["userId"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(holders, [h.id], "{}", h.word);
        let entry = users.iter().find(|e| e["user"]["userId"] == h.id).expect("entry");
        assert_eq!(entry["pendingCode"], true, "{}", h.word);
    }
    // Control characters in a username and in an email address, not only in names.
    let crlf = seed_user(HOSTILE[8].id);
    assert!(crlf["username"].as_str().is_some_and(|u| u.contains("\r\n")));
    assert!(
        crlf["human"]["email"]["email"]
            .as_str()
            .is_some_and(|e| e.contains('\t'))
    );
    let cone = seed_user(HOSTILE[3].id);
    assert!(
        cone["human"]["email"]["email"]
            .as_str()
            .is_some_and(|e| e.contains('\u{9b}'))
    );
    let nul = seed_user(HOSTILE[9].id);
    assert!(nul["username"].as_str().is_some_and(|u| u.contains('\0')));
}

/// The tests are not vacuous: the demo answers with the raw strings (no escaping on the
/// server side), each hostile user is found by its word through the real search, and each
/// forbidden sequence is in some string the demo serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_the_hostile_strings_unchanged() {
    let demo = common::demo().await;
    let c = common::client(&demo, ADMIN_TOKEN);
    let mut served = Vec::new();
    for h in &HOSTILE {
        let req = ListUsersRequest {
            query: Some(ListQuery {
                offset: 0,
                limit: 10,
                asc: true,
            }),
            queries: parse_search(h.word, MatchMode::default()).expect("the word parses"),
            ..Default::default()
        };
        let found = c.list_users(&req).await.expect("search");
        let ids: Vec<&str> = found.result.iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(ids, [h.id], "{} finds exactly its user", h.word);

        let user: User = c.get_user(h.id).await.expect("get user");
        let got = serde_json::to_value(&user).expect("user encodes");
        let want = seed_user(h.id);
        for ((field, got), (_, want)) in text_fields(&got).into_iter().zip(text_fields(&want)) {
            assert_eq!(got, want, "{} {field}: served as in the seed", h.word);
            served.push(got);
        }
        let display = zitadesk::userinfo::display_name(&user);
        assert!((h.proof)(&display), "{}: {display:?}", h.hazard);
    }
    for (name, seq) in FORBIDDEN {
        assert!(
            served.iter().any(|s| s.contains(seq)),
            "no served string carries {name}: the check for it would be vacuous"
        );
    }
    // Without the sanitiser these would reach the terminal as they are.
    let changed = served.iter().filter(|s| sanitize(s) != s.as_str()).count();
    assert!(changed >= 8 * 3, "{changed} served strings need sanitising");
    // The width hazards: wider than any column of the 80-column console or the table.
    for h in [&HOSTILE[5], &HOSTILE[6]] {
        let name = seed_user(h.id)["human"]["profile"]["displayName"]
            .as_str()
            .map(display_width)
            .unwrap_or_default();
        assert!(name > 16, "{}: {name} columns", h.word);
    }
    demo.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------------

/// The binary in `--demo` mode, with a clean environment and scratch XDG directories.
fn zitadesk(args: &[&str]) -> (i32, String, String) {
    let home = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile-cli");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zitadesk"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("ZITADEL_") || key.starts_with("ZITADESK_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .arg("--demo")
        .args(args);
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary runs");
    assert!(
        std::str::from_utf8(&stdout).is_ok(),
        "stdout is UTF-8: {stdout:?}"
    );
    assert_clean(&stdout, &format!("stdout of {args:?}"));
    assert_clean(&stderr, &format!("stderr of {args:?}"));
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Only printable characters and line ends: no escape, no C0/C1 control, no bidi control.
fn assert_printable(out: &str, what: &str) {
    for (i, c) in out.char_indices() {
        assert!(
            c == '\n'
                || !(c.is_control()
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)),
            "{what}: {c:?} at {i}: {:?}",
            &out[i.saturating_sub(40)..(i + 40).min(out.len())].escape_debug()
        );
    }
}

/// Splits `line` at the display columns `starts` (ascending, after 0). Each cut must fall
/// between two characters (no wide character straddles a column start) and after the
/// two-space separator, or there is no column there at all (the line ended).
fn cells(line: &str, starts: &[usize]) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut next = starts.iter().peekable();
    for (i, c) in line.char_indices() {
        // Widths of whole prefixes: an emoji ZWJ sequence is two columns, not the sum of its
        // parts (the width the table itself measures with).
        let col = display_width(&line[..i]);
        if next.peek().is_some_and(|&&s| col >= s) {
            let s = *next.next().expect("peeked");
            assert_eq!(col, s, "a character straddles column {s} in {line:?}");
            assert!(
                out.last().is_some_and(|cell| cell.ends_with("  ")),
                "no separator before column {s} in {line:?}"
            );
            out.push(String::new());
        }
        out.last_mut().expect("a cell").push(c);
    }
    out.iter().map(|c| c.trim_end().to_owned()).collect()
}

/// Columns `line` takes on a terminal that draws character by character (xterm, tmux, GNU
/// screen, vt100: no grapheme clustering), where an emoji ZWJ sequence is the sum of its emoji.
fn per_char_width(line: &str) -> usize {
    line.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[test]
fn the_cli_table_stays_aligned_and_prints_no_escapes() {
    let mut problems = Vec::new();
    for h in &HOSTILE {
        let (code, out, err) = zitadesk(&["users", "list", "--query", h.word]);
        assert_eq!(code, 0, "{}: {err}", h.word);
        assert_printable(&out, h.word);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines.len(),
            2,
            "header, one row (the footer is on stderr):\n{out}"
        );
        assert!(err.contains("1 shown of 1"), "{err}");
        for line in &lines {
            assert!(
                display_width(line) <= 100,
                "{}: wider than COLUMNS: {line:?}",
                h.word
            );
        }
        // The row's cells start where the header's titles do.
        let header = lines[0];
        let starts: Vec<usize> = [
            "DISPLAY NAME",
            "LOGIN NAME",
            "EMAIL ",
            "EMAIL STATUS",
            "STATE",
            "ORG",
        ]
        .iter()
        .map(|t| header.find(t).unwrap_or_else(|| panic!("{t} in {header:?}")))
        .collect();
        let row = cells(lines[1], &starts);
        assert_eq!(row.len(), 7, "{}: seven cells in {:?}", h.word, lines[1]);
        assert_eq!(row[0], h.id);
        assert!(
            row[2].starts_with(h.word),
            "{}: login name cell {:?}",
            h.word,
            row[2]
        );
        assert_eq!(row[4], "not verified", "{}: {:?}", h.word, lines[1]);
        assert_eq!(row[5], "active", "{}: {:?}", h.word, lines[1]);
        assert_eq!(
            row[6], "Acme",
            "{}: the organisation by name: {:?}",
            h.word, lines[1]
        );
        // Plain text cannot reposition the cursor: a cell a terminal draws wider than the
        // table measured shifts the rest of the line there.
        for line in &lines {
            let (measured, drawn) = (display_width(line), per_char_width(line));
            if measured != drawn {
                problems.push(format!(
                    "{} ({}): {measured} columns measured, {drawn} on a terminal without grapheme clustering: {line:?}",
                    h.word, h.hazard
                ));
            }
        }
    }
    assert!(problems.is_empty(), "layout damage:\n{}", problems.join("\n"));
}

#[test]
fn the_cli_user_block_keeps_one_line_per_field() {
    for h in &HOSTILE {
        let (code, out, err) = zitadesk(&["users", "show", h.id]);
        assert_eq!(code, 0, "{}: {err}", h.word);
        assert_printable(&out, h.word);
        assert!(out.contains(h.id), "{out}");
        // A CR, LF or TAB in a value would start a line of its own, without a label.
        for line in out.lines() {
            let label = line.split_once(':').map(|(l, _)| l).unwrap_or("");
            assert!(
                !label.is_empty()
                    && label
                        .chars()
                        .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-'),
                "{}: a line without a field label: {line:?}",
                h.word
            );
        }
        let display = seed_user(h.id)["human"]["profile"]["displayName"]
            .as_str()
            .map(|d| sanitize(d).into_owned())
            .expect("display name");
        let prefix: String = display.chars().take(30).collect();
        assert!(out.contains(&prefix), "{}: shows {prefix:?}:\n{out}", h.word);
    }
}

#[test]
fn json_output_is_valid_and_keeps_the_original_strings() {
    for h in &HOSTILE {
        let want = seed_user(h.id);
        let (code, out, err) = zitadesk(&["users", "list", "--query", h.word, "--json"]);
        assert_eq!(code, 0, "{}: {err}", h.word);
        assert_printable(&out, h.word);
        let v: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: not JSON ({e}): {out}", h.word));
        let result = v["result"].as_array().expect("result");
        assert_eq!(result.len(), 1, "{}: {out}", h.word);
        assert_eq!(
            text_fields(&result[0]),
            text_fields(&want),
            "{}: list --json",
            h.word
        );

        let (code, out, err) = zitadesk(&["users", "show", h.id, "--json"]);
        assert_eq!(code, 0, "{}: {err}", h.word);
        assert_printable(&out, h.word);
        let v: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: not JSON ({e}): {out}", h.word));
        assert_eq!(
            text_fields(&v["user"]),
            text_fields(&want),
            "{}: show --json",
            h.word
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The console in a pseudo-terminal
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[path = "common/pty.rs"]
mod pty_harness;

#[cfg(unix)]
mod pty {
    use std::path::PathBuf;
    use std::time::Instant;

    use serde_json::Value;

    use super::pty_harness::{self as harness, COLS, DEADLINE, POLL, Pty, ROWS, rows};
    use super::{FFFD_STAND_IN, HOSTILE, Hostile, assert_clean, sanitize};

    const DIALOG_TITLE: &str = "Resend verification code";
    const FFFD: &[u8] = "\u{fffd}".as_bytes();

    /// `zitadesk --demo` in a pseudo-terminal (the shared harness), its output fed to a vt100
    /// emulator with U+FFFD replaced by [`FFFD_STAND_IN`]; `raw` keeps every byte unchanged.
    pub struct Console {
        pty: Pty,
        pub home: PathBuf,
    }

    harness::deref_to_pty!(Console);

    impl Console {
        pub fn start(test: &str) -> Console {
            let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-pty-{test}"));
            let _ = std::fs::remove_dir_all(&home);
            std::fs::create_dir_all(home.join("state")).expect("state dir");
            std::fs::create_dir_all(home.join("config")).expect("config dir");
            let mut cmd = harness::zitadesk_command(&["--demo"], &home, &["NO_COLOR", "TMUX", "STY"]);
            harness::remove_zitadesk_vars(&mut cmd);
            cmd.env("XDG_STATE_HOME", home.join("state"));
            cmd.env("XDG_CONFIG_HOME", home.join("config"));
            let mut pty = Pty::spawn(cmd, ROWS, COLS);
            let mut stand_in = FffdStandIn::default();
            pty.set_filter(move |bytes| stand_in.feed(bytes));
            Console { pty, home }
        }

        /// Waits until `done` holds for the screen; the console must keep running meanwhile
        /// (stricter than the shared wait: an exit fails even if `done` then holds).
        pub fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
            let deadline = Instant::now() + DEADLINE;
            while !done(self.screen()) {
                if let Ok(Some(status)) = self.child.try_wait() {
                    self.pump(POLL);
                    panic!(
                        "zitadesk exited ({status:?}) while waiting for {what}; the screen:\n{}",
                        self.screen().contents()
                    );
                }
                assert!(
                    Instant::now() < deadline,
                    "timed out waiting for {what}; the screen:\n{}",
                    self.screen().contents()
                );
                self.pump(POLL);
            }
        }

        pub fn alive(&mut self) -> bool {
            self.running()
        }

        /// The raw output is clean, from the first byte: the console never clears the screen
        /// with `ESC[2J` itself (ratatui would only on a resize, and the size is fixed here), so
        /// there is no exception to make for it.
        pub fn assert_clean(&self, what: &str) {
            assert_clean(&self.raw, what);
        }
    }

    /// Replaces U+FFFD by [`FFFD_STAND_IN`] in the output given to the emulator.
    #[derive(Default)]
    struct FffdStandIn {
        /// Bytes not yet given to the emulator (a U+FFFD may be split across reads).
        held: Vec<u8>,
    }

    impl FffdStandIn {
        /// What of the output so far is ready for the emulator, with U+FFFD replaced.
        fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
            self.held.extend_from_slice(bytes);
            // Hold back a trailing partial U+FFFD (EF or EF BF) until the next read.
            let keep = if self.held.ends_with(&FFFD[..2]) {
                2
            } else if self.held.ends_with(&FFFD[..1]) {
                1
            } else {
                0
            };
            let ready = self.held.len() - keep;
            let mut chunk = Vec::with_capacity(ready);
            let mut i = 0;
            while i < ready {
                if self.held[i..ready].starts_with(FFFD) {
                    chunk.extend_from_slice(FFFD_STAND_IN.encode_utf8(&mut [0; 4]).as_bytes());
                    i += FFFD.len();
                } else {
                    chunk.push(self.held[i]);
                    i += 1;
                }
            }
            self.held.drain(..ready);
            chunk
        }
    }

    /// The text in columns `from..to` of `row` (wide characters counted by their cells).
    fn columns(screen: &vt100::Screen, row: u16, from: u16, to: u16) -> String {
        screen
            .rows(from, to - from)
            .nth(usize::from(row))
            .unwrap_or_default()
    }

    /// "N of TOTAL" at the end of the status row.
    pub fn counter(screen: &vt100::Screen) -> Option<(u64, u64)> {
        let status = rows(screen).last()?.trim_end().to_string();
        let (left, total) = status.rsplit_once(" of ")?;
        let position = left.rsplit(' ').next()?;
        Some((position.parse().ok()?, total.parse().ok()?))
    }

    /// Header on row 0, search line on row 1, status line on row 23: where they belong.
    fn frame_intact(screen: &vt100::Screen, header: &str) -> Result<(), String> {
        let r = rows(screen);
        if !r[0].starts_with(header) {
            return Err(format!("row 0 is not the header: {:?}", r[0]));
        }
        if !r[1].starts_with('/') {
            return Err(format!("row 1 is not the search line: {:?}", r[1]));
        }
        let status = &r[23];
        if !(status.contains(" of ") || status.contains("Esc") || status.contains("Enter")) {
            return Err(format!("row 23 is not the status line: {status:?}"));
        }
        Ok(())
    }

    fn assert_frame(c: &Console, header: &str, step: &str) {
        if let Err(e) = frame_intact(c.screen(), header) {
            panic!("{step}: {e}; the screen:\n{}", c.screen().contents());
        }
    }

    /// Where each list column starts, from the titles on row 2.
    fn title_columns(screen: &vt100::Screen) -> Vec<u16> {
        let titles = &rows(screen)[2];
        ["DISPLAY NAME", "LOGIN NAME", "EMAIL ", "EMAIL STATUS", "STATE"]
            .iter()
            .map(|t| {
                let at = titles.find(t).unwrap_or_else(|| panic!("{t} in {titles:?}"));
                u16::try_from(at).expect("column")
            })
            .collect()
    }

    /// Search, check the row, open, resend in return mode, close, back, clear the search.
    /// Layout damage that does not stop the walk is added to `problems`.
    fn visit(c: &mut Console, h: &Hostile, header: &str, problems: &mut Vec<String>) {
        let step = |s: &str| format!("{} ({}): {s}", h.word, h.hazard);
        c.send(b"/");
        c.wait_for(&step("search mode"), |s| {
            rows(s)[1].starts_with("/ ") && !s.hide_cursor()
        });
        c.send(h.word.as_bytes());
        let at = title_columns(c.screen());
        let (login, email, status, state) = (at[1], at[2], at[3], at[4]);
        c.wait_for(&step("the one result, selected"), |s| {
            counter(s) == Some((1, 1))
                && rows(s)[3].starts_with('▶')
                && columns(s, 3, login, email).starts_with(h.word)
        });
        let s = c.screen();
        assert_frame(c, header, &step("search result"));
        assert!(rows(s)[2].contains("DISPLAY NAME"), "{}", s.contents());
        // The row's cells sit under their titles: nothing shifted or wrapped.
        assert!(
            columns(s, 3, email, status).starts_with(h.word),
            "{}: email column {:?}",
            h.word,
            rows(s)[3]
        );
        assert_eq!(
            columns(s, 3, status, state).trim_end(),
            "not verified",
            "{:?}",
            rows(s)[3]
        );
        assert_eq!(columns(s, 3, state, 80).trim_end(), "active", "{:?}", rows(s)[3]);
        for (y, row) in rows(s).iter().enumerate().take(23).skip(4) {
            assert!(row.trim().is_empty(), "{}: row {y} not empty: {row:?}", h.word);
        }

        // One user found: Enter in the search line opens them at once.
        c.send(b"\r");
        c.wait_for(&step("the detail"), |s| {
            let text = s.contents();
            text.contains(h.id) && text.contains("not verified")
        });
        assert_frame(c, header, &step("detail"));
        let text = c.screen().contents();
        for shown in h.shown {
            assert!(
                text.contains(shown),
                "{}: the detail shows {shown:?}:\n{text}",
                h.word
            );
        }

        c.send(b"r");
        c.wait_for(&step("the resend dialog"), |s| {
            let text = s.contents();
            text.contains(DIALOG_TITLE) && text.contains("(•) Mail the code")
        });
        assert_frame(c, header, &step("resend dialog"));
        c.send(b"\t");
        c.wait_for(&step("return mode"), |s| {
            s.contents().contains("(•) Return the code to me")
        });
        c.send(b"\r");
        c.wait_for(&step("the masked code"), |s| {
            s.contents().contains("reveal with v")
        });
        assert_frame(c, header, &step("masked code"));
        // The dialog names the user: display name, then login name. The login name must be
        // there, intact, unless the display name took the whole line (cut with `…`). (Cells
        // the terminal draws wider than the console measured would overwrite it.)
        let r = rows(c.screen());
        let title = r
            .iter()
            .position(|row| row.contains(DIALOG_TITLE))
            .expect("dialog title row");
        let identity = r[title + 1].trim_end_matches([' ', '│']);
        let login: String = sanitize(&h.login())
            .chars()
            .take(h.word.chars().count() + 2)
            .collect();
        if !(identity.contains(&login) || identity.ends_with('…')) {
            problems.push(format!(
                "{} ({}): the dialog's identity line lost the login name {login:?}: {identity:?}",
                h.word, h.hazard
            ));
        }
        c.send(b"\x1b");
        c.wait_for(&step("the dialog closed"), |s| {
            let text = s.contents();
            !text.contains(DIALOG_TITLE) && text.contains(h.id)
        });
        c.send(b"\x1b");
        c.wait_for(&step("the list again"), |s| {
            !s.contents().contains(h.id)
                && counter(s) == Some((1, 1))
                && rows(s)[23].contains("Enter open the user")
        });
        c.send(b"/");
        c.wait_for(&step("search mode again"), |s| {
            !s.hide_cursor() && rows(s)[1].contains(h.word)
        });
        c.send(b"\x1b");
        c.wait_for(&step("the search cleared"), |s| {
            !rows(s)[1].contains(h.word) && counter(s).is_some_and(|(_, total)| total > 1)
        });
        assert_frame(c, header, &step("search cleared"));
        assert!(c.alive(), "{}: the console keeps running", h.word);
        c.assert_clean(&step("raw output"));
    }

    #[test]
    fn the_console_searches_opens_and_resends_to_each_hostile_user() {
        let mut c = Console::start("all");
        c.wait_for("the users list", |s| {
            counter(s).is_some_and(|(at, total)| at == 1 && total > 1) && rows(s)[2].contains("DISPLAY NAME")
        });
        // The header as first drawn, up to the clock ("as of …" changes with refreshes).
        let first = rows(c.screen())[0].clone();
        let header = first.split("  ").next().unwrap_or("").to_string();
        assert!(!header.trim().is_empty(), "a header on row 0: {first:?}");

        let mut problems = Vec::new();
        for h in &HOSTILE {
            visit(&mut c, h, &header, &mut problems);
        }

        c.send(b"q");
        let status = c.wait_exit();
        assert!(status.success(), "q exits cleanly: {status:?}");
        c.assert_clean("the whole session");

        // One audit line per resend, valid JSON, naming the users by ID only.
        let audit = c.home.join("state").join("zitadesk").join("audit.jsonl");
        let text = std::fs::read_to_string(&audit).unwrap_or_else(|e| panic!("{}: {e}", audit.display()));
        let ids: Vec<String> = text
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}"));
                assert_eq!(v["outcome"], "ok", "{l}");
                assert_eq!(v["mode"], "return", "{l}");
                v["user_id"].as_str().unwrap_or("").to_owned()
            })
            .collect();
        let want: Vec<&str> = HOSTILE.iter().map(|h| h.id).collect();
        assert_eq!(ids, want);
        assert_clean(text.as_bytes(), "the audit file");

        // Nor do the logs carry the raw strings (someone will `tail -f` them in a terminal).
        let logs = c.home.join("state").join("zitadesk").join("logs");
        for f in std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let log = std::fs::read(f.path()).unwrap_or_default();
            assert_clean(&log, &format!("log {}", f.path().display()));
        }
        assert!(problems.is_empty(), "layout damage:\n{}", problems.join("\n"));
    }
}
