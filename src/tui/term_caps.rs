//! What the agent's terminal can show, decided before the console starts: whether it is a
//! screen-addressable terminal at all (`TERM=dumb` or no `TERM` is not), and whether it shows
//! colour. The console's colours are the eight basic ANSI ones (see `theme.rs`), so a
//! terminal with at least 8 colours gets them and any other gets the monochrome palette.
//!
//! The colour count comes from the terminal's terminfo entry when one is installed; many jump
//! hosts lack `ncurses-term`, so without one the TERM name itself decides.

use std::path::{Path, PathBuf};

/// Whether the console may draw, and in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// No TERM, or `dumb`: no cursor addressing, so no console.
    Unusable,
    Monochrome,
    Colour,
}

/// Largest terminfo entry read (real ones are a few KiB).
const MAX_TERMINFO: u64 = 64 * 1024;
/// The index of `colors` among terminfo's numeric capabilities (term.h: `max_colors`).
const COLORS: usize = 13;

/// The display for this process's `TERM`, reading terminfo from the usual places.
pub fn from_env() -> Display {
    let term = std::env::var("TERM").unwrap_or_default();
    let colours = terminfo_colours(&term, &terminfo_dirs());
    decide(&term, colours)
}

/// The rule: a terminfo colour count wins; without an entry, the name.
pub fn decide(term: &str, terminfo_colours: Option<i32>) -> Display {
    let term = term.trim();
    if term.is_empty() || term == "dumb" {
        return Display::Unusable;
    }
    let colour = match terminfo_colours {
        Some(n) => n >= 8,
        None => colour_by_name(term),
    };
    if colour {
        Display::Colour
    } else {
        Display::Monochrome
    }
}

/// Names known to show colour when no terminfo says so: the families that do (xterm, screen,
/// tmux, rxvt, the Linux console …) or a name that says it (`-color`, `-16color`,
/// `-256color`, `-direct`). Monochrome variants (`-mono`, `-m`) and the DEC VTs do not; an
/// unknown name gets no colour rather than escape codes it may print as garbage.
fn colour_by_name(term: &str) -> bool {
    let term = term.to_ascii_lowercase();
    if term.ends_with("-mono") || term.ends_with("-m") || term.starts_with("vt") {
        return false;
    }
    const FAMILIES: &[&str] = &[
        "xterm",
        "screen",
        "tmux",
        "rxvt",
        "linux",
        "ansi",
        "cygwin",
        "putty",
        "konsole",
        "gnome",
        "alacritty",
        "kitty",
        "foot",
        "wezterm",
        "st-",
        "iterm",
        "vte",
        "eterm",
        "rio",
        "ghostty",
        "contour",
        "mintty",
    ];
    FAMILIES.iter().any(|f| term.starts_with(f)) || term.contains("color") || term.ends_with("-direct")
}

/// Where terminfo entries are looked for, in ncurses' order.
fn terminfo_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("TERMINFO") {
        dirs.push(PathBuf::from(d));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".terminfo"));
    }
    if let Some(list) = std::env::var_os("TERMINFO_DIRS") {
        dirs.extend(std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()));
    }
    for d in [
        "/etc/terminfo",
        "/lib/terminfo",
        "/usr/share/terminfo",
        "/usr/lib/terminfo",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs
}

/// The `colors` capability of `term`'s entry in the first of `dirs` that has one; `None`
/// when no entry is found or it cannot be read. An entry without the capability has -1.
pub fn terminfo_colours(term: &str, dirs: &[PathBuf]) -> Option<i32> {
    // A TERM with a path in it must not choose the file read.
    let first = term.chars().next()?;
    if term.contains('/') || term.contains('\0') || term.starts_with('.') {
        return None;
    }
    let subdirs = [first.to_string(), format!("{:02x}", u32::from(first))];
    dirs.iter()
        .flat_map(|d| subdirs.iter().map(move |s| d.join(s).join(term)))
        .find_map(|path| read_capped(&path))
        .and_then(|bytes| colours_in_entry(&bytes))
}

fn read_capped(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_TERMINFO).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The `colors` number of a compiled terminfo entry (term(5): the legacy format with 16-bit
/// numbers, magic 0o432, and the extended one with 32-bit numbers, magic 0o1036).
pub fn colours_in_entry(bytes: &[u8]) -> Option<i32> {
    let word = |i: usize| -> Option<i32> {
        let b = bytes.get(i * 2..i * 2 + 2)?;
        Some(i32::from(i16::from_le_bytes([b[0], b[1]])))
    };
    let number_size = match word(0)? {
        0o432 => 2,
        0o1036 => 4,
        _ => return None,
    };
    let names = usize::try_from(word(1)?).ok()?;
    let bools = usize::try_from(word(2)?).ok()?;
    let numbers = usize::try_from(word(3)?).ok()?;
    if numbers <= COLORS {
        return Some(-1);
    }
    let mut at = 12 + names + bools;
    // The numbers start on an even byte.
    at += at % 2;
    let at = at + COLORS * number_size;
    let b = bytes.get(at..at + number_size)?;
    Some(match number_size {
        2 => i32::from(i16::from_le_bytes([b[0], b[1]])),
        _ => i32::from_le_bytes([b[0], b[1], b[2], b[3]]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compiled entry with `colors` = `colours` (legacy format when `wide` is false).
    fn entry(colours: i32, wide: bool) -> Vec<u8> {
        let names = b"test|a test terminal\0";
        let bools = [1u8, 0, 1]; // odd: the numbers need a pad byte
        let mut out = Vec::new();
        let magic: i16 = if wide { 0o1036 } else { 0o432 };
        for w in [magic, names.len() as i16, bools.len() as i16, 15, 0, 0] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(names);
        out.extend_from_slice(&bools);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        for i in 0..15 {
            let n = if i == COLORS { colours } else { 80 + i as i32 };
            if wide {
                out.extend_from_slice(&n.to_le_bytes());
            } else {
                out.extend_from_slice(&(n as i16).to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn the_colour_count_is_read_from_both_entry_formats() {
        assert_eq!(colours_in_entry(&entry(8, false)), Some(8));
        assert_eq!(colours_in_entry(&entry(-1, false)), Some(-1));
        assert_eq!(colours_in_entry(&entry(16_777_216, true)), Some(16_777_216));
        assert_eq!(colours_in_entry(b"not terminfo"), None);
        assert_eq!(colours_in_entry(&entry(8, false)[..20]), None, "cut short");
    }

    #[test]
    fn an_entry_is_found_by_first_letter_or_its_hex_code_and_a_path_in_term_is_refused() {
        let dir = std::env::temp_dir().join(format!("zitadesk-terminfo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("m")).unwrap();
        std::fs::create_dir_all(dir.join("63")).unwrap();
        std::fs::write(dir.join("m").join("mono-term"), entry(-1, false)).unwrap();
        std::fs::write(dir.join("63").join("colour-term"), entry(256, false)).unwrap();
        let dirs = [PathBuf::from("/nonexistent"), dir.clone()];
        assert_eq!(terminfo_colours("mono-term", &dirs), Some(-1));
        assert_eq!(terminfo_colours("colour-term", &dirs), Some(256));
        assert_eq!(terminfo_colours("absent", &dirs), None);
        assert_eq!(terminfo_colours("../m/mono-term", &dirs), None);
        assert_eq!(terminfo_colours("", &dirs), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn this_machines_entries_when_installed() {
        let dirs = terminfo_dirs();
        for (term, expected) in [("vt100", -1), ("xterm-256color", 256), ("linux", 8)] {
            if let Some(n) = terminfo_colours(term, &dirs) {
                assert_eq!(n, expected, "{term}");
            }
        }
    }

    #[test]
    fn terminfo_decides_and_the_name_decides_without_it() {
        assert_eq!(decide("", None), Display::Unusable);
        assert_eq!(decide("dumb", Some(8)), Display::Unusable);
        assert_eq!(decide("vt100", Some(-1)), Display::Monochrome);
        assert_eq!(decide("xterm-mono", None), Display::Monochrome);
        assert_eq!(decide("vt220", None), Display::Monochrome);
        assert_eq!(decide("some-unknown-thing", None), Display::Monochrome);
        assert_eq!(decide("xterm-16color", None), Display::Colour);
        assert_eq!(decide("linux", None), Display::Colour);
        assert_eq!(decide("tmux-256color", None), Display::Colour);
        assert_eq!(decide("some-unknown-thing", Some(8)), Display::Colour);
        assert_eq!(decide("xterm", Some(2)), Display::Monochrome, "terminfo wins");
    }
}
