//! Making server-provided strings safe and measurable for a terminal.
//!
//! Every string that comes from ZITADEL (names, emails, login names, IDs, error messages)
//! is attacker-controllable: anyone who can edit their own profile can put escape sequences
//! into their display name. So nothing from the server reaches the terminal without passing
//! through [`sanitize`] (directly or via [`truncate`] / [`pad`]).
//!
//! What [`sanitize`] does, character class by character class:
//!
//! * C0 controls U+0000–U+001F and DEL become their visible Control Pictures (U+2400 + c,
//!   U+2421 for DEL): ESC shows as `␛`, NUL as `␀`, TAB as `␉`, LF as `␊`, CR as `␍`. So a
//!   sanitised string is always a single line, and staff can see that something odd is there.
//! * C1 controls U+0080–U+009F become U+FFFD `�`: Unicode has no pictures for them, and some
//!   terminals treat them as 8-bit escape introducers (U+009B is CSI).
//! * U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR become `␤` (U+2424), as LF does.
//! * Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are removed:
//!   they reorder the rest of the line ("Trojan Source"); without them text shows in logical
//!   order.
//! * Invisible format characters that let two different strings look identical, or hide text,
//!   are removed: the default-ignorable code points such as U+200B ZERO WIDTH SPACE, U+2060–U+206F,
//!   U+FEFF, U+00AD SOFT HYPHEN, U+180E, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0:
//!   "blank" names that terminals draw wider than unicode-width measures), the tag characters
//!   U+E0000–U+E007F (used to smuggle hidden ASCII), plus the interlinear annotation marks
//!   U+FFF9–U+FFFB.
//! * ZERO WIDTH JOINER and NON-JOINER (U+200D, U+200C) are kept only between two non-ASCII
//!   characters that are themselves kept: that preserves emoji ZWJ sequences (👨‍👩‍👧) and
//!   Persian/Indic spelling, but drops `ad\u{200D}min`, where a joiner can only serve to make
//!   two names look alike.
//! * Variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF, Mongolian U+180B–U+180D, U+180F) are
//!   kept: they select emoji presentation and ideographic variants of names and cannot move
//!   the cursor.
//!
//! Widths are those of `unicode-width` (East Asian Ambiguous characters, `…` included, count as
//! one column, as in non-CJK terminals).

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Appended by [`truncate`] when it cuts.
const ELLIPSIS: char = '…';
/// Columns of [`ELLIPSIS`] (East Asian Ambiguous: one column outside CJK contexts).
const ELLIPSIS_WIDTH: usize = 1;

/// What [`sanitize`] does with one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    Replace(char),
    Drop,
    /// ZWJ/ZWNJ: kept or dropped depending on the neighbours.
    Joiner,
}

fn fate(c: char) -> Fate {
    match c {
        '\0'..='\u{1f}' => {
            Fate::Replace(char::from_u32(0x2400 + u32::from(c)).unwrap_or(char::REPLACEMENT_CHARACTER))
        }
        '\u{7f}' => Fate::Replace('\u{2421}'),
        '\u{80}'..='\u{9f}' => Fate::Replace(char::REPLACEMENT_CHARACTER),
        '\u{2028}' | '\u{2029}' => Fate::Replace('\u{2424}'),
        '\u{200c}' | '\u{200d}' => Fate::Joiner,
        // Emoji presentation and skin tones make a terminal that draws character by character
        // (xterm, tmux, screen) use more columns than width tables count for the cluster:
        // dropped, so what is measured is what is drawn.
        '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}' => Fate::Drop,
        c if is_bidi_control(c) || is_hiding_format(c) => Fate::Drop,
        _ => Fate::Keep,
    }
}

/// The explicit bidirectional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Invisible characters (other than bidi controls, joiners and variation selectors) that can
/// make two strings look the same or hide text. Mostly `Default_Ignorable_Code_Point`.
fn is_hiding_format(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e00ff}'
            | '\u{e01f0}'..='\u{e0fff}'
    )
}

/// Escapes, inside JSON text, every character [`sanitize`] would not print as it is (C1
/// controls, bidi and invisible format characters, joiners; serde_json already escapes C0).
/// The JSON stays valid and decodes to the very same strings, but a terminal showing it acts
/// on nothing.
pub fn terminal_safe_json(json: &str) -> Cow<'_, str> {
    if json
        .chars()
        .all(|c| (c.is_ascii() && c != '\u{7f}') || fate(c) == Fate::Keep)
    {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if (c.is_ascii() && c != '\u{7f}') || fate(c) == Fate::Keep {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Cow::Owned(out)
}

/// A local path as it may be shown in a message, a log line or a fix to copy: sanitised like a
/// server string. A directory name is anyone's choice in a shared `/tmp`, and an ESC or a
/// newline in it must not drive the terminal or forge a line. Not for opening files.
pub fn display_path(path: &std::path::Path) -> String {
    sanitize(&path.to_string_lossy()).into_owned()
}

/// Escapes, for a log file, every character a terminal would act on or that could hide text:
/// C0 controls (`\n`, `\r`, `\t`, otherwise `\x1b` style), DEL, C1 controls and whatever
/// [`sanitize`] would change or drop (bidi and invisible format characters, joiners) as
/// `\u{202e}`. Nothing is dropped, so the log still says exactly what arrived, but `cat` of it
/// moves no cursor and a newline in a server message cannot start a forged line.
pub fn escape_for_log(s: &str) -> Cow<'_, str> {
    let plain = |c: char| fate(c) == Fate::Keep;
    if s.chars().all(plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            c if plain(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x80 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// Whether a ZWJ/ZWNJ next to `c` may stay: only between kept, non-ASCII characters.
fn joinable(c: Option<char>) -> bool {
    c.is_some_and(|c| !c.is_ascii() && fate(c) == Fate::Keep && !is_pictographic(c))
}

/// Emoji and other pictographs: a ZWJ between them builds one glyph that width tables count as
/// two columns but many terminals draw as the sum of its parts, so such joiners are dropped
/// (the parts then show side by side, and measured = drawn). Joiners between letters of
/// scripts that need them (Persian, Indic) stay.
fn is_pictographic(c: char) -> bool {
    matches!(
        c,
        '\u{2300}'..='\u{23ff}'
            | '\u{2600}'..='\u{27bf}'
            | '\u{2b00}'..='\u{2bff}'
            | '\u{1f000}'..='\u{1faff}'
    )
}

/// Makes a server-provided string safe to print: see the module docs for the rules. The result
/// is a single line without any character a terminal interprets. Borrows when nothing changes;
/// sanitising twice changes nothing more.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut prev = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let emitted = match fate(c) {
            Fate::Keep => Some(c),
            Fate::Replace(r) => Some(r),
            Fate::Drop => None,
            Fate::Joiner => (joinable(prev) && joinable(next)).then_some(c),
        };
        prev = Some(c);
        if emitted == Some(c) {
            if let Some(out) = out.as_mut() {
                out.push(c);
            }
        } else {
            // First change: copy the untouched prefix once, then build from here on.
            let out = out.get_or_insert_with(|| {
                let mut o = String::with_capacity(s.len() + 8);
                o.push_str(&s[..i]);
                o
            });
            out.extend(emitted);
        }
    }
    out.map_or(Cow::Borrowed(s), Cow::Owned)
}

/// Terminal columns the sanitised form of `s` takes.
pub fn display_width(s: &str) -> usize {
    sanitize(s).width()
}

/// Byte offsets (ascending, starting with 0) at which `s` may be cut without separating a
/// character from what belongs to it: combining marks, variation selectors, emoji modifiers,
/// the parts of a ZWJ sequence, the two halves of a flag.
fn cut_points(s: &str) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut prev: Option<char> = None;
    let mut regional_run = 0usize;
    for (i, c) in s.char_indices() {
        let regional = ('\u{1f1e6}'..='\u{1f1ff}').contains(&c);
        let continues = c.width() == Some(0)
            || ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
            || prev == Some('\u{200d}')
            || (regional && regional_run % 2 == 1);
        if i > 0 && !continues {
            cuts.push(i);
        }
        regional_run = if regional { regional_run + 1 } else { 0 };
        prev = Some(c);
    }
    cuts
}

/// Sanitises `s` and, if it is wider than `max_width` columns, cuts it so that the kept text
/// plus `…` fits in `max_width`. Wide characters and emoji sequences are never split;
/// `max_width == 0` gives `""`. Never panics.
pub fn truncate(s: &str, max_width: usize) -> Cow<'_, str> {
    if max_width == 0 {
        return Cow::Borrowed("");
    }
    let clean = sanitize(s);
    if clean.width() <= max_width {
        return clean;
    }
    let budget = max_width.saturating_sub(ELLIPSIS_WIDTH);
    let cuts = cut_points(&clean);
    // String width is not additive in unicode-width (ligatures, emoji sequences), so measure
    // real prefixes. Binary search keeps "cuts[lo] fits"; cuts[0] = 0 always fits.
    let (mut lo, mut hi) = (0, cuts.len());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if clean[..cuts[mid]].width() <= budget {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // "Jane …" reads worse than "Jane…" and spaces carry nothing before the cut.
    let kept = clean[..cuts[lo]].trim_end_matches(' ');
    let mut out = String::with_capacity(kept.len() + ELLIPSIS.len_utf8());
    out.push_str(kept);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// [`truncate`]s `s` to `width` columns and right-pads it with spaces to exactly `width`.
pub fn pad(s: &str, width: usize) -> String {
    let cell = truncate(s, width);
    let fill = width.saturating_sub(cell.width());
    let mut out = String::with_capacity(cell.len() + fill);
    out.push_str(&cell);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// Splits sanitised text into lines of at most `max` columns, breaking at spaces. A word
/// wider than a line (a long login name or email) is broken across lines, so it can always
/// be read whole.
pub fn wrap(s: &str, max: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    for line in wrap_at_spaces(s, max) {
        if display_width(line) <= max {
            lines.push(line);
        } else {
            lines.extend(split_columns(line, max.max(1)));
        }
    }
    lines
}

/// `s` in pieces of at most `max` (≥ 1) columns; a character wider than `max` is a piece.
fn split_columns(s: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut from, mut used) = (0, 0);
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max && i > from {
            pieces.push(&s[from..i]);
            from = i;
            used = 0;
        }
        used += w;
    }
    if from < s.len() {
        pieces.push(&s[from..]);
    }
    pieces
}

/// [`wrap`] at spaces only: a word wider than a line gets a line of its own.
fn wrap_at_spaces(s: &str, max: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    // Byte range of the line being filled, and its width.
    let mut line: Option<(usize, usize)> = None;
    let mut used = 0;
    let mut pos = 0;
    for word in s.split(' ') {
        let start = pos;
        pos += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        let w = display_width(word);
        let end = start + word.len();
        line = match line {
            // The spaces between the words stay in the line: count every one of them.
            Some((from, to)) if used + (start - to) + w <= max => {
                used += (start - to) + w;
                Some((from, end))
            }
            Some((from, to)) => {
                lines.push(&s[from..to]);
                used = w;
                Some((start, end))
            }
            None => {
                used = w;
                Some((start, end))
            }
        };
    }
    if let Some((from, to)) = line {
        lines.push(&s[from..to]);
    }
    lines
}

/// A count as people read it: `1000049` → "1,000,049". One form everywhere the console and
/// the CLI show counts (ZITADEL instances reach millions of users).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn wrapping_counts_every_space_between_words() {
        // Two spaces after the full stop: "ab.  cd" is 7 columns, too wide for 6.
        assert_eq!(wrap("ab.  cd", 6), vec!["ab.", "cd"]);
        assert_eq!(wrap("ab.  cd", 7), vec!["ab.  cd"]);
        assert_eq!(wrap("a b   c", 5), vec!["a b", "c"]);
        assert_eq!(
            wrap("https://id.example.com/v?u=1", 10).concat(),
            "https://id.example.com/v?u=1"
        );
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(51_230), "51,230");
        assert_eq!(thousands(1_000_049), "1,000,049");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn json_for_terminals_escapes_what_sanitize_would_change_and_decodes_identically() {
        let name = "a\u{202e}b\u{9b}c\u{1b}[2J\u{e0041}d\u{7f}";
        let text = serde_json::to_string(&serde_json::json!({ "n": name })).unwrap();
        let safe = terminal_safe_json(&text);
        assert!(
            safe.chars().all(|c| c.is_ascii() && !c.is_ascii_control()),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["n"], name);
        let plain = r#"{"n":"Jürgen 山田 👍"}"#;
        assert!(matches!(terminal_safe_json(plain), Cow::Borrowed(_)));
    }
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_are_shown_sanitised() {
        let path = std::path::Path::new("/tmp/a\u{1b}[31m\nb\u{202e}c/state");
        assert_eq!(display_path(path), "/tmp/a␛[31m␊bc/state");
        assert_eq!(display_path(std::path::Path::new("/home/jürgen")), "/home/jürgen");
    }

    #[test]
    fn log_escaping_keeps_every_character_visible_and_on_one_line() {
        let s = "boom\n2026-01-01T00:00:00Z  INFO forged\u{1b}[2J\r\t\u{7f}\u{9b}\u{202e}x\u{200b}";
        let e = escape_for_log(s);
        assert_eq!(
            e,
            "boom\\n2026-01-01T00:00:00Z  INFO forged\\x1b[2J\\r\\t\\x7f\\u{9b}\\u{202e}x\\u{200b}"
        );
        assert!(matches!(escape_for_log("Jürgen 山田 C:\\x"), Cow::Borrowed(_)));
    }

    #[test]
    fn clean_strings_are_borrowed() {
        for s in [
            "",
            "Alice Smith",
            "山田太郎",
            "👨👩👧",
            "Zoë",
            "مرحبا",
            "می\u{200c}خواهم",
        ] {
            assert!(matches!(sanitize(s), Cow::Borrowed(_)), "{s:?}");
        }
    }

    #[test]
    fn c0_controls_and_del_become_control_pictures() {
        assert_eq!(sanitize("\u{1b}[2J"), "␛[2J");
        assert_eq!(sanitize("a\0b"), "a␀b");
        assert_eq!(sanitize("a\tb\nc\rd"), "a␉b␊c␍d");
        assert_eq!(sanitize("\u{7f}"), "␡");
        assert_eq!(sanitize("\u{7}\u{8}"), "␇␈");
    }

    #[test]
    fn c1_controls_become_replacement_characters() {
        assert_eq!(sanitize("a\u{9b}31mb"), "a\u{fffd}31mb");
        assert_eq!(sanitize("\u{80}\u{85}\u{9f}"), "\u{fffd}\u{fffd}\u{fffd}");
    }

    #[test]
    fn line_and_paragraph_separators_become_visible() {
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a␤b␤c");
    }

    #[test]
    fn bidi_controls_are_removed() {
        assert_eq!(sanitize("admin\u{202e}gnp.exe"), "admingnp.exe");
        assert_eq!(
            sanitize(
                "\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}\u{202b}\u{202c}\u{202d}"
            ),
            "abc"
        );
    }

    #[test]
    fn invisible_format_characters_are_removed() {
        assert_eq!(sanitize("ad\u{200b}min"), "admin");
        assert_eq!(sanitize("\u{feff}bob\u{2060}"), "bob");
        assert_eq!(sanitize("so\u{ad}ft"), "soft");
        assert_eq!(sanitize("\u{3164}"), "");
        assert_eq!(sanitize("x\u{e0041}\u{e0042}"), "x");
    }

    #[test]
    fn joiners_survive_only_between_letters_that_need_them() {
        // Between emoji a joiner builds a glyph terminals draw wider than it is measured.
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(sanitize(family), "👨👩👧");
        assert_eq!(display_width(&sanitize(family)), 6);
        let persian = "می\u{200c}خواهم";
        assert_eq!(sanitize(persian), persian);
        assert_eq!(sanitize("ad\u{200d}min"), "admin");
        assert_eq!(sanitize("\u{200d}👩"), "👩");
        assert_eq!(sanitize("👩\u{200d}"), "👩");
        assert_eq!(sanitize("👩\u{200d}\u{200d}👩"), "👩👩");
        assert_eq!(sanitize("\u{1}\u{200d}👩"), "␁👩");
    }

    #[test]
    fn long_names_truncate_to_the_width_with_an_ellipsis() {
        let long = "x".repeat(5000);
        let t = truncate(&long, 30);
        assert!(display_width(&t) <= 30);
        assert!(t.ends_with('…'));
        assert_eq!(t.chars().count(), 30);
    }

    #[test]
    fn wide_characters_are_never_split() {
        assert_eq!(truncate("山田太郎", 5), "山田…");
        assert_eq!(truncate("山田太郎", 4), "山…");
        assert_eq!(truncate("山田太郎", 8), "山田太郎");
        assert_eq!(truncate("山田太郎", 1), "…");
        assert_eq!(truncate("山田太郎", 0), "");
    }

    #[test]
    fn emoji_are_measured_as_terminals_draw_them_and_cut_whole() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let s = format!("{family}{family}");
        assert_eq!(display_width(&s), 12, "six emoji side by side");
        assert_eq!(truncate(&s, 5), "👨👩…");
        // Skin tones and the emoji presentation selector go: measured = drawn.
        let thumbs = "👍🏽👍🏽";
        assert_eq!(sanitize(thumbs), "👍👍");
        assert_eq!(truncate(thumbs, 3), "👍…");
        assert_eq!(sanitize("☀\u{fe0f}"), "☀");
        let flags = "🇨🇭🇩🇪";
        assert_eq!(truncate(flags, 3), "🇨🇭…");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    #[test]
    fn truncate_sanitises_first() {
        assert_eq!(truncate("\u{1b}[31mred", 4), "␛[3…");
        assert_eq!(truncate("Jane Doe", 6), "Jane…");
        assert!(matches!(truncate("short", 10), Cow::Borrowed("short")));
    }

    #[test]
    fn pad_fills_to_the_exact_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("山田太郎", 5), "山田…");
        assert_eq!(pad("山田太郎", 4), "山… ");
        assert_eq!(display_width(&pad("山田太郎", 3)), 3);
        assert_eq!(pad("abc", 0), "");
    }

    fn forbidden(c: char) -> bool {
        c.is_control() || is_bidi_control(c) || is_hiding_format(c)
    }

    proptest! {
        #[test]
        fn sanitized_output_has_no_controls_or_bidi(s in any::<String>()) {
            let clean = sanitize(&s);
            prop_assert!(!clean.chars().any(forbidden), "{:?}", clean);
            prop_assert_eq!(sanitize(&clean), clean.clone());
        }

        #[test]
        fn wrapped_lines_fit(s in "[a-z 山]{0,60}", w in 2usize..20) {
            for line in wrap(&s, w) {
                prop_assert!(display_width(line) <= w, "{line:?} is wider than {w}");
            }
        }

        #[test]
        fn truncation_fits(s in any::<String>(), w in 0usize..40) {
            let t = truncate(&s, w);
            prop_assert!(display_width(&t) <= w);
            prop_assert!(!t.chars().any(forbidden));
            prop_assert_eq!(display_width(&pad(&s, w)), w);
        }

        #[test]
        fn truncation_of_mixed_scripts_fits(
            s in "[a-z山田👩\u{200d}\u{1b}\u{202e}\u{301}\u{fe0f}❤🇨🇭]{0,60}",
            w in 0usize..20,
        ) {
            let t = truncate(&s, w);
            prop_assert!(display_width(&t) <= w);
            if w > 0 && display_width(&s) <= w {
                prop_assert_eq!(t, sanitize(&s));
            }
        }
    }
}
