//! Drawing for a terminal whose locale is not UTF-8 (`LANG=C`, `LC_ALL=POSIX`, a Latin-1
//! charset): UTF-8 bytes there show as mojibake and can shift every column after them. The
//! finished frame is rewritten cell by cell into ASCII of the same width — borders from
//! `+ - |`, `>` for the selection marker, `...` for an ellipsis, `*` for a mask — and user
//! data is transliterated (`ø` → `o`) or shown as `?`, so the layout never moves. One pass at
//! the end of drawing rather than an ASCII branch in every view: a view added later cannot
//! forget it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// Whether the locale in effect is not UTF-8. The first set of `LC_ALL`, `LC_CTYPE` and
/// `LANG` decides (POSIX's order); with none set, UTF-8 is assumed, since that is what every
/// terminal an SSH session reaches today speaks and an unset locale is more often an omission
/// than a choice.
pub fn needed(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> bool {
    let Some(locale) = [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
    else {
        return false;
    };
    let charset = locale.to_ascii_lowercase().replace(['-', '_'], "");
    !charset.contains("utf8")
}

/// [`needed`] for this process's environment.
pub fn from_env() -> bool {
    let var = |name: &str| std::env::var(name).ok();
    needed(
        var("LC_ALL").as_deref(),
        var("LC_CTYPE").as_deref(),
        var("LANG").as_deref(),
    )
}

/// Rewrites every cell of `area` into ASCII of the same width.
pub fn asciify(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let symbol = buf[(x, y)].symbol();
            if symbol.is_ascii() {
                x += 1;
                continue;
            }
            let width = symbol.width();
            let first = symbol.chars().next().unwrap_or(' ');
            if first == '…' {
                ellipsis(buf, x, y, area.left());
            } else {
                buf[(x, y)].set_char(replacement(first));
            }
            // A wide character took two cells: both become `?`, so the columns stay.
            if width == 2 && x + 1 < area.right() {
                buf[(x + 1, y)].set_char('?');
                x += 1;
            }
            x += 1;
        }
    }
}

/// `…` becomes `...` over the two cells before it when they hold text, else `.`.
fn ellipsis(buf: &mut Buffer, x: u16, y: u16, left: u16) {
    buf[(x, y)].set_char('.');
    let text = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && replacement(c) != '|' && c != '|')
    };
    if x >= left + 2 && text(buf[(x - 1, y)].symbol()) && text(buf[(x - 2, y)].symbol()) {
        buf[(x - 1, y)].set_char('.');
        buf[(x - 2, y)].set_char('.');
    }
}

/// The ASCII character shown for `c` (one column).
pub fn replacement(c: char) -> char {
    if let Some(latin) = latin_letter(c) {
        return latin;
    }
    match c {
        // Box drawing: lines and corners.
        '─' | '━' | '═' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' => '-',
        '│' | '┃' | '║' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏' => '|',
        '\u{2500}'..='\u{257f}' => '+',
        '\u{2580}'..='\u{259f}' => '#',
        '▶' | '►' | '▸' | '→' | '»' => '>',
        '◀' | '◄' | '◂' | '←' | '«' => '<',
        '↑' | '▲' => '^',
        '↓' | '▼' => 'v',
        '•' | '●' | '∙' => '*',
        '·' => '.',
        '✓' | '✔' => '+',
        '✗' | '✘' | '×' => 'x',
        '○' | '◯' => 'o',
        '‘' | '’' | '‚' | '′' => '\'',
        '“' | '”' | '„' | '″' => '"',
        '–' | '—' | '‐' | '‑' | '−' => '-',
        '\u{00a0}' | '\u{2000}'..='\u{200a}' => ' ',
        // The spinner (braille dots) turns as | / - \.
        '⠋' | '⠼' | '⠇' => '|',
        '⠙' | '⠴' | '⠏' => '/',
        '⠹' | '⠦' => '-',
        '⠸' | '⠧' => '\\',
        _ => '?',
    }
}

/// Latin letters with diacritics (Latin-1 and Latin Extended-A), as their base letter.
fn latin_letter(c: char) -> Option<char> {
    const TABLE: &[(&str, char)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", 'A'),
        ("àáâãäåāăąª", 'a'),
        ("ÆÇĆĈĊČ", 'C'),
        ("æçćĉċč", 'c'),
        ("ĎĐÐ", 'D'),
        ("ďđð", 'd'),
        ("ÈÉÊËĒĔĖĘĚ", 'E'),
        ("èéêëēĕėęě", 'e'),
        ("ĜĞĠĢ", 'G'),
        ("ĝğġģ", 'g'),
        ("ĤĦ", 'H'),
        ("ĥħ", 'h'),
        ("ÌÍÎÏĨĪĬĮİ", 'I'),
        ("ìíîïĩīĭįı", 'i'),
        ("Ĵ", 'J'),
        ("ĵ", 'j'),
        ("Ķ", 'K'),
        ("ķĸ", 'k'),
        ("ĹĻĽĿŁ", 'L'),
        ("ĺļľŀł", 'l'),
        ("ÑŃŅŇŊ", 'N'),
        ("ñńņňŉŋ", 'n'),
        ("ÒÓÔÕÖØŌŎŐŒ", 'O'),
        ("òóôõöøōŏőœº", 'o'),
        ("ŔŖŘ", 'R'),
        ("ŕŗř", 'r'),
        ("ŚŜŞŠ", 'S'),
        ("śŝşšßſ", 's'),
        ("ŢŤŦÞ", 'T'),
        ("ţťŧþ", 't'),
        ("ÙÚÛÜŨŪŬŮŰŲ", 'U'),
        ("ùúûüũūŭůűų", 'u'),
        ("Ŵ", 'W'),
        ("ŵ", 'w'),
        ("ÝŶŸ", 'Y'),
        ("ýÿŷ", 'y'),
        ("ŹŻŽ", 'Z'),
        ("źżž", 'z'),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, base)| *base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_locale_variable_set_decides_and_none_means_utf8() {
        assert!(needed(None, None, Some("C")));
        assert!(needed(Some("POSIX"), None, Some("en_US.UTF-8")), "LC_ALL wins");
        assert!(needed(None, Some("de_DE.ISO-8859-1"), None));
        assert!(!needed(None, None, Some("en_US.UTF-8")));
        assert!(!needed(None, None, Some("C.utf8")));
        assert!(
            !needed(Some(""), None, Some("de_DE.UTF-8")),
            "an empty variable is not set"
        );
        assert!(!needed(None, None, None));
    }

    fn rows(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_frame_becomes_ascii_of_the_same_width() {
        let area = Rect::new(0, 0, 12, 4);
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 0, "┌──────────┐", ratatui::style::Style::new());
        buf.set_string(0, 1, "│▶ Bjørnsø…│", ratatui::style::Style::new());
        buf.set_string(0, 2, "│山田 ✓ •••│", ratatui::style::Style::new());
        buf.set_string(0, 3, "└──────────┘", ratatui::style::Style::new());
        asciify(&mut buf, area);
        assert_eq!(
            rows(&buf),
            ["+----------+", "|> Bjorn...|", "|???? + ***|", "+----------+"]
        );
        for row in rows(&buf) {
            assert!(row.is_ascii() && row.len() == 12, "{row:?}");
        }
    }

    #[test]
    fn an_ellipsis_after_a_space_or_border_is_one_dot() {
        let area = Rect::new(0, 0, 4, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 0, "│ …", ratatui::style::Style::new());
        asciify(&mut buf, area);
        assert_eq!(rows(&buf), vec!["| . "]);
    }
}
