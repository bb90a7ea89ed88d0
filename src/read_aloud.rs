//! A returned code spelled for reading aloud over the phone: cut into groups, each character
//! with its spoken word (the NATO / ICAO spelling alphabet, plain English digits), its case
//! when the case matters, and a warning on the characters callers confuse (0/O, 1/I/l).
//!
//! The code comes from the server, so it is untrusted: every character is turned into
//! something safe to print here ([`Spoken::shown`] never holds a control character or an
//! invisible one), and at most [`MAX_SPELLED`] characters are spelled.
//!
//! Case: ZITADEL compares a code exactly as typed (`code != verificationCode` in
//! `internal/crypto/code.go`, v2.66.0 to v4.13.1), so a lower-case letter in a code is not the
//! same as its capital. Its default generators make only capitals and digits
//! (`src/demo/rng.rs` copies that alphabet), and then saying "capital" six times is noise; so
//! the case is spoken only when the code holds a lower-case letter, and then for every letter.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

use crate::text::sanitize;

/// At most this many characters are spelled. ZITADEL's codes are 6 to 12 characters long
/// (its generator configs); a "code" of thousands of characters is a broken or hostile
/// server, and nobody reads 64 characters to a caller either. The rest is counted in
/// [`Spelled::unspelled`], never dropped silently.
pub const MAX_SPELLED: usize = 64;

/// Shown in place of a character that has no visible form of its own (invisible format
/// characters, lone combining marks, joiners).
const NO_GLYPH: &str = "\u{fffd}";

/// A code cut into groups, every character spelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelled {
    /// The groups in order, each of 2 to 4 characters (one group of 1 only for a 1-character
    /// code). Empty for an empty code.
    pub groups: Vec<Vec<Spoken>>,
    /// Characters past [`MAX_SPELLED`] that were not spelled.
    pub unspelled: usize,
}

/// One character of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spoken {
    /// The character as it may be printed: itself for printable ASCII, a visible stand-in
    /// (sanitize's control pictures, `␠` for a space, `�`) for what would not show. One
    /// character, one or two columns wide.
    pub shown: String,
    /// What to say: "Kilo", "Seven", "hyphen", "letter U+00E9". Capitalised for letters;
    /// [`Spoken::say`] adds the case when it matters.
    pub word: Cow<'static, str>,
    /// The letter's case, when the code's case matters (see the module docs); `None` for
    /// digits and symbols, and for letters of an all-capitals code.
    pub case: Option<Case>,
    /// Why the character is easy to get wrong, if it is.
    pub flag: Option<Flag>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Capital,
    Lower,
}

/// A character a caller may take for another, or may not be able to type.
///
/// 5/S, 2/Z and 8/B are deliberately not flagged: they are distinct in terminal fonts, and the
/// spoken word already tells them apart. A warning on every third character of an ordinary
/// code would teach the agent to skip the warnings; 0/O and 1/I/l are the ones that really
/// go wrong when a caller types what they heard as "oh" or "el".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `0`
    DigitZero,
    /// `O`
    CapitalO,
    /// `o`
    LowerO,
    /// `1`
    DigitOne,
    /// `I`
    CapitalI,
    /// `l`
    LowerL,
    /// A letter or digit outside ASCII: may look like an ASCII one (Cyrillic `А`), and may
    /// not be on the caller's keyboard.
    NotAscii,
    /// A control or invisible character: nothing a caller can see or type.
    Invisible,
    /// A space: a caller may leave it out, or an input may trim it.
    Space,
}

impl Flag {
    /// The full warning.
    pub const fn note(self) -> &'static str {
        match self {
            Flag::DigitZero => "digit zero, not letter O",
            Flag::CapitalO => "letter O, not digit zero",
            Flag::LowerO => "lower-case letter o, not digit zero",
            Flag::DigitOne => "digit one, not letter I or l",
            Flag::CapitalI => "capital India, not digit one or lower-case L",
            Flag::LowerL => "lower-case lima, not digit one or capital I",
            Flag::NotAscii => "not a plain ASCII character: may look like one",
            Flag::Invisible => "invisible character: cannot be typed",
            Flag::Space => "a space: part of the code",
        }
    }

    /// The warning for a narrow screen.
    pub const fn short(self) -> &'static str {
        match self {
            Flag::DigitZero => "not O",
            Flag::CapitalO | Flag::LowerO => "not 0",
            Flag::DigitOne => "not I/l",
            Flag::CapitalI => "not 1/l",
            Flag::LowerL => "not 1/I",
            Flag::NotAscii => "not ASCII",
            Flag::Invisible => "invisible",
            Flag::Space => "space",
        }
    }
}

impl Spoken {
    /// What to say, with the case when it matters: "Kilo", "capital Kilo", "lower-case kilo".
    pub fn say(&self) -> Cow<'_, str> {
        match self.case {
            None => Cow::Borrowed(&self.word),
            Some(Case::Capital) => Cow::Owned(format!("capital {}", self.word)),
            Some(Case::Lower) => Cow::Owned(format!("lower-case {}", self.word.to_lowercase())),
        }
    }
}

/// The NATO / ICAO spelling alphabet, A to Z.
const NATO: [&str; 26] = [
    "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo",
    "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor",
    "Whiskey", "X-ray", "Yankee", "Zulu",
];

/// Digits as plain English. ITU radio procedure says "Niner" (so it cannot be heard as German
/// "nein"), but callers to a helpdesk are not radio operators: "Niner" makes them hesitate or
/// type something odd, while "Nine" is what they expect.
const DIGITS: [&str; 10] = [
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
];

/// Spells `code`: its first [`MAX_SPELLED`] characters (Unicode scalar values: each is one
/// thing to type), grouped for reading.
pub fn spell(code: &str) -> Spelled {
    let total = code.chars().count();
    let kept: Vec<char> = code.chars().take(MAX_SPELLED).collect();
    let case_matters = kept.iter().any(char::is_ascii_lowercase);
    let mut spoken = kept.into_iter().map(|c| spoken(c, case_matters));
    let groups = group_sizes(total.min(MAX_SPELLED))
        .into_iter()
        .map(|n| spoken.by_ref().take(n).collect())
        .collect();
    Spelled {
        groups,
        unspelled: total.saturating_sub(MAX_SPELLED),
    }
}

/// The sizes of the groups for a code of `n` characters: as few groups of at most 4 as will
/// do, as even as possible, longer ones first (6 → 3 3, 7 → 4 3, 8 → 4 4, 9 → 3 3 3,
/// 10 → 4 3 3). So no group is of 1 (from 5 on the smallest is 2), and a code of up to 4
/// stays whole.
fn group_sizes(n: usize) -> Vec<usize> {
    let count = n.div_ceil(4);
    (0..count)
        .map(|i| n / count + usize::from(i < n % count))
        .collect()
}

fn spoken(c: char, case_matters: bool) -> Spoken {
    let (word, flag): (Cow<'static, str>, Option<Flag>) = match c {
        'A'..='Z' | 'a'..='z' => {
            let i = usize::from(c.to_ascii_uppercase() as u8 - b'A');
            (Cow::Borrowed(NATO[i]), letter_flag(c))
        }
        '0'..='9' => {
            let i = usize::from(c as u8 - b'0');
            let flag = match c {
                '0' => Some(Flag::DigitZero),
                '1' => Some(Flag::DigitOne),
                _ => None,
            };
            (Cow::Borrowed(DIGITS[i]), flag)
        }
        ' ' => (Cow::Borrowed("space"), Some(Flag::Space)),
        c if c.is_ascii_punctuation() => (Cow::Borrowed(punctuation(c)), None),
        c => described(c),
    };
    let case = match c {
        'A'..='Z' if case_matters => Some(Case::Capital),
        'a'..='z' if case_matters => Some(Case::Lower),
        _ => None,
    };
    Spoken {
        shown: shown(c),
        word,
        case,
        flag,
    }
}

fn letter_flag(c: char) -> Option<Flag> {
    match c {
        'O' => Some(Flag::CapitalO),
        'o' => Some(Flag::LowerO),
        'I' => Some(Flag::CapitalI),
        'l' => Some(Flag::LowerL),
        _ => None,
    }
}

/// The name of an ASCII punctuation character, as one would say it on the phone.
fn punctuation(c: char) -> &'static str {
    match c {
        '!' => "exclamation mark",
        '"' => "double quote",
        '#' => "hash",
        '$' => "dollar sign",
        '%' => "percent sign",
        '&' => "ampersand",
        '\'' => "apostrophe",
        '(' => "opening parenthesis",
        ')' => "closing parenthesis",
        '*' => "asterisk",
        '+' => "plus sign",
        ',' => "comma",
        '-' => "hyphen",
        '.' => "dot",
        '/' => "slash",
        ':' => "colon",
        ';' => "semicolon",
        '<' => "less-than sign",
        '=' => "equals sign",
        '>' => "greater-than sign",
        '?' => "question mark",
        '@' => "at sign",
        '[' => "opening square bracket",
        '\\' => "backslash",
        ']' => "closing square bracket",
        '^' => "caret",
        '_' => "underscore",
        '`' => "backtick",
        '{' => "opening curly brace",
        '|' => "vertical bar",
        '}' => "closing curly brace",
        '~' => "tilde",
        _ => "symbol",
    }
}

/// Anything outside printable ASCII: what kind of character it is and its code point (no
/// Unicode name table is carried for a case that is an error anyway).
fn described(c: char) -> (Cow<'static, str>, Option<Flag>) {
    let invisible = shown(c) == NO_GLYPH || c.is_control() || c.is_whitespace();
    let (kind, flag) = if c.is_control() {
        ("control character", Flag::Invisible)
    } else if c.is_whitespace() {
        ("space", Flag::Invisible)
    } else if invisible {
        ("invisible character", Flag::Invisible)
    } else if c.is_alphabetic() {
        ("letter", Flag::NotAscii)
    } else if c.is_numeric() {
        ("digit", Flag::NotAscii)
    } else {
        ("symbol", Flag::NotAscii)
    };
    (Cow::Owned(format!("{kind} U+{:04X}", u32::from(c))), Some(flag))
}

/// The character as it may be printed: one visible character, never one a terminal acts on.
fn shown(c: char) -> String {
    if c.is_ascii_graphic() {
        return c.to_string();
    }
    if c == ' ' {
        return "\u{2420}".to_owned();
    }
    let s = c.to_string();
    let clean = sanitize(&s);
    // Dropped (invisible), or of no width of its own (a combining mark would join whatever
    // is drawn before it).
    if clean.is_empty() || clean.width() == 0 {
        return NO_GLYPH.to_owned();
    }
    clean.into_owned()
}

/// The code and its spelling on one line, for a CLI or a plain-text note:
/// `ABC 123 — Alfa Bravo Charlie · One Two Three`. Case is spoken as in [`Spoken::say`];
/// characters past the cap are counted at the end. Safe to print (no control characters).
pub fn one_line(spelled: &Spelled) -> String {
    if spelled.groups.is_empty() {
        return "(empty code)".to_owned();
    }
    let shown: Vec<String> = spelled
        .groups
        .iter()
        .map(|g| g.iter().map(|s| s.shown.as_str()).collect())
        .collect();
    let said: Vec<String> = spelled
        .groups
        .iter()
        .map(|g| g.iter().map(Spoken::say).collect::<Vec<_>>().join(" "))
        .collect();
    let mut line = format!("{} — {}", shown.join(" "), said.join(" · "));
    if spelled.unspelled > 0 {
        line.push_str(&format!(" (+{} more not spelled)", spelled.unspelled));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(code: &str) -> Vec<usize> {
        spell(code).groups.iter().map(Vec::len).collect()
    }

    fn words(code: &str) -> Vec<String> {
        spell(code)
            .groups
            .iter()
            .flatten()
            .map(|s| s.say().into_owned())
            .collect()
    }

    fn flags(code: &str) -> Vec<Option<Flag>> {
        spell(code).groups.iter().flatten().map(|s| s.flag).collect()
    }

    #[test]
    fn groups_for_every_length_from_1_to_12() {
        let want: [&[usize]; 13] = [
            &[],
            &[1],
            &[2],
            &[3],
            &[4],
            &[3, 2],
            &[3, 3],
            &[4, 3],
            &[4, 4],
            &[3, 3, 3],
            &[4, 3, 3],
            &[4, 4, 3],
            &[4, 4, 4],
        ];
        for (n, want) in want.iter().enumerate() {
            let code = "K".repeat(n);
            assert_eq!(sizes(&code), *want, "length {n}");
        }
    }

    #[test]
    fn no_group_is_of_one_or_longer_than_four_up_to_the_cap() {
        for n in 2..=MAX_SPELLED {
            let s = sizes(&"7".repeat(n));
            assert_eq!(s.iter().sum::<usize>(), n);
            assert!(s.iter().all(|&g| (2..=4).contains(&g)), "{n}: {s:?}");
        }
    }

    #[test]
    fn letters_are_nato_and_digits_plain_english() {
        let all = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        assert_eq!(
            words(all),
            [
                "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett",
                "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango",
                "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu", "Zero", "One", "Two", "Three",
                "Four", "Five", "Six", "Seven", "Eight", "Nine",
            ]
        );
        let shown: String = spell(all)
            .groups
            .iter()
            .flatten()
            .map(|s| s.shown.clone())
            .collect();
        assert_eq!(shown, all);
    }

    #[test]
    fn zero_o_one_i_l_are_flagged_and_nothing_else_in_an_ordinary_code() {
        assert_eq!(
            flags("0O1Il5"),
            [
                Some(Flag::DigitZero),
                Some(Flag::CapitalO),
                Some(Flag::DigitOne),
                Some(Flag::CapitalI),
                Some(Flag::LowerL),
                None,
            ]
        );
        assert_eq!(flags("o")[0], Some(Flag::LowerO));
        assert_eq!(flags("K7Q2MX"), [None; 6]);
        assert_eq!(Flag::DigitZero.note(), "digit zero, not letter O");
        assert_eq!(Flag::CapitalO.note(), "letter O, not digit zero");
        assert!(Flag::CapitalI.note().starts_with("capital India"));
        assert!(Flag::LowerL.note().starts_with("lower-case lima"));
    }

    #[test]
    fn case_is_spoken_only_when_the_code_has_lower_case_letters() {
        assert_eq!(words("K7q"), ["capital Kilo", "Seven", "lower-case quebec"]);
        assert_eq!(words("K7Q"), ["Kilo", "Seven", "Quebec"]);
        assert_eq!(words("l")[0], "lower-case lima");
        let s = spell("aB");
        assert_eq!(s.groups[0][0].case, Some(Case::Lower));
        assert_eq!(s.groups[0][1].case, Some(Case::Capital));
    }

    #[test]
    fn control_and_invisible_characters_are_never_shown_raw() {
        let code = "A\u{1b}[2J\u{0}\n\u{7f}\u{9b}\u{202e}\u{200b}\u{301}\u{feff}\t";
        let s = spell(code);
        for c in s.groups.iter().flatten() {
            assert!(
                c.shown.chars().all(|ch| !ch.is_control()),
                "{:?} shown as {:?}",
                c.word,
                c.shown
            );
            assert!(c.shown.width() >= 1, "{:?} has no visible form", c.word);
            assert!(c.word.chars().all(|ch| ch.is_ascii_graphic() || ch == ' '));
        }
        let all: Vec<&Spoken> = s.groups.iter().flatten().collect();
        assert_eq!(all[1].shown, "␛");
        assert_eq!(all[1].word, "control character U+001B");
        assert_eq!(all[1].flag, Some(Flag::Invisible));
        assert_eq!(all[2].word, "opening square bracket");
        assert_eq!(all[6].shown, "␊");
        assert_eq!(all[7].shown, "␡");
        assert_eq!(
            (all[8].shown.as_str(), &*all[8].word),
            ("\u{fffd}", "control character U+009B")
        );
        assert_eq!(all[9].word, "invisible character U+202E");
        assert_eq!(all[10].shown, "\u{fffd}");
        assert_eq!(all[11].shown, "\u{fffd}", "a lone combining mark");
        let line = one_line(&s);
        assert!(line.chars().all(|ch| !ch.is_control()), "{line:?}");
    }

    #[test]
    fn non_ascii_letters_are_described_and_flagged() {
        // Cyrillic capital A: looks like Alfa, is not.
        let s = spell("\u{410}é٣€ ");
        let all: Vec<&Spoken> = s.groups.iter().flatten().collect();
        assert_eq!(all[0].shown, "\u{410}");
        assert_eq!(all[0].word, "letter U+0410");
        assert_eq!(all[0].flag, Some(Flag::NotAscii));
        assert_eq!(all[1].word, "letter U+00E9");
        assert_eq!(all[2].word, "digit U+0663");
        assert_eq!(all[3].word, "symbol U+20AC");
        assert_eq!((all[4].shown.as_str(), &*all[4].word), ("␠", "space"));
        assert_eq!(all[4].flag, Some(Flag::Space));
    }

    #[test]
    fn at_most_the_cap_is_spelled_and_the_rest_is_counted() {
        let s = spell(&"AB".repeat(50));
        assert_eq!(s.groups.iter().map(Vec::len).sum::<usize>(), MAX_SPELLED);
        assert_eq!(s.unspelled, 100 - MAX_SPELLED);
        assert!(one_line(&s).ends_with(" (+36 more not spelled)"));
        assert_eq!(spell(&"A".repeat(MAX_SPELLED)).unspelled, 0);
    }

    #[test]
    fn one_line_reads_group_by_group() {
        assert_eq!(
            one_line(&spell("ABC123")),
            "ABC 123 — Alfa Bravo Charlie · One Two Three"
        );
        assert_eq!(one_line(&spell("")), "(empty code)");
    }
}
