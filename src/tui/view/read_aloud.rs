//! A returned code drawn for reading aloud: the code in its groups on top, then a table, group
//! by group, of each character (in the code's reversed style), the word to say, and — in the
//! warning style, behind a `!` so it shows without colour too — what the caller may confuse it
//! with.
//!
//! Made to fit inside a dialog (about 70×12 on an 80×24 screen). When the table is taller
//! than the room, the groups go into side-by-side columns (never splitting a group that fits a
//! column); when a column is narrow the warnings shorten ("not O"); what still does not fit is
//! counted on the last row ("+5 more"), never silently left out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Pen, width};
use crate::read_aloud::{Spelled, Spoken};
use crate::tui::theme::Theme;

/// Narrower than this, a column cannot show a character and a useful part of its word.
const MIN_COL_W: usize = 12;
/// Between two columns of the table.
const COL_GAP: usize = 2;
/// The warning marker, so a flag does not rest on colour alone.
const MARK: &str = "! ";

/// One row of the table.
#[derive(Clone, Copy)]
enum Row<'a> {
    Char(&'a Spoken),
    /// Between two groups.
    Gap,
}

/// Draws `spelled` into `area` (nothing outside it, whatever its size).
pub(super) fn draw(buf: &mut Buffer, area: Rect, spelled: &Spelled, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    header(buf, Rect::new(area.x, area.y, area.width, 1), spelled, theme);
    // A blank row under the code when there is room for it and a table.
    let skip = if area.height >= 4 { 2 } else { 1 };
    let table = Rect::new(
        area.x,
        area.y.saturating_add(skip),
        area.width,
        area.height.saturating_sub(skip),
    );
    if !table.is_empty() {
        self::table(buf, table, spelled, theme);
    }
}

/// The code in its groups, each in the code style: ` K7Q   2MX `. Only whole groups: where
/// the row ends first, a `…` says that the code goes on.
fn header(buf: &mut Buffer, row: Rect, spelled: &Spelled, theme: &Theme) {
    let Some(mut pen) = Pen::new(buf, row) else {
        return;
    };
    let groups = spelled.groups.iter().map(|group| {
        let shown: String = group.iter().map(|s| s.shown.as_str()).collect();
        format!(" {shown} ")
    });
    for (i, group) in groups.enumerate() {
        let gap = usize::from(i > 0);
        // Room for this group and, should more follow, for a gap and the `…` after it.
        let more = i + 1 < spelled.groups.len() || spelled.unspelled > 0;
        if gap + width(&group) + if more { 2 } else { 0 } > pen.remaining() {
            pen.skip(gap).text("…", theme.muted);
            return;
        }
        pen.skip(gap).text(&group, theme.code);
    }
    if spelled.unspelled > 0 {
        pen.text(&format!(" +{}", spelled.unspelled), theme.muted);
    }
}

fn table(buf: &mut Buffer, area: Rect, spelled: &Spelled, theme: &Theme) {
    let height = usize::from(area.height);
    let total_w = usize::from(area.width);
    let mut columns = pack(&spelled.groups, height);
    let fit = ((total_w + COL_GAP) / (MIN_COL_W + COL_GAP)).max(1);
    // Characters left out: past the cap, and in columns there is no room for.
    let mut hidden = spelled.unspelled;
    if columns.len() > fit {
        hidden += columns
            .drain(fit..)
            .flatten()
            .filter(|r| matches!(r, Row::Char(_)))
            .count();
    }
    let count = columns.len().max(1);
    let col_w = (total_w.saturating_sub(COL_GAP * (count - 1)) / count).max(1);
    let char_w = 2 + columns
        .iter()
        .flatten()
        .filter_map(|r| match r {
            Row::Char(s) => Some(width(&s.shown)),
            Row::Gap => None,
        })
        .max()
        .unwrap_or(1);
    let word_w = word_width(&columns, col_w, char_w);
    for (i, column) in columns.iter().enumerate() {
        let x = area
            .x
            .saturating_add(u16::try_from(i * (col_w + COL_GAP)).unwrap_or(u16::MAX));
        let mut y = area.y;
        let last = i + 1 == count;
        for (r, row) in column.iter().enumerate() {
            let line = Rect::new(x, y, u16::try_from(col_w).unwrap_or(u16::MAX), 1);
            y = y.saturating_add(1);
            // The last row of the last column says what is left out, if anything is.
            if last && hidden > 0 && r + 1 == height {
                if let Row::Char(_) = row {
                    hidden += 1;
                }
                more(buf, line, hidden, theme);
                hidden = 0;
                break;
            }
            if let Row::Char(s) = row {
                character(buf, line, s, char_w, word_w, theme);
            }
        }
        if last && hidden > 0 {
            let line = Rect::new(x, y, u16::try_from(col_w).unwrap_or(u16::MAX), 1);
            more(buf, line.intersection(area), hidden, theme);
        }
    }
}

/// The groups in columns of at most `height` rows: a group goes whole into the next column
/// when it does not fit what is left of this one (split only when taller than a column), with
/// a gap row between two groups in one column.
fn pack(groups: &[Vec<Spoken>], height: usize) -> Vec<Vec<Row<'_>>> {
    let height = height.max(1);
    let mut columns: Vec<Vec<Row<'_>>> = vec![Vec::new()];
    for group in groups {
        let mut col = columns.len() - 1;
        let used = columns[col].len();
        if used > 0 && used + 1 + group.len() > height && group.len() <= height {
            columns.push(Vec::new());
            col += 1;
        }
        if !columns[col].is_empty() && columns[col].len() < height {
            columns[col].push(Row::Gap);
        }
        for s in group {
            if columns[col].len() >= height {
                columns.push(Vec::new());
                col += 1;
            }
            columns[col].push(Row::Char(s));
        }
    }
    columns.retain(|c| !c.is_empty());
    columns
}

/// The word column: as wide as the longest word, as far as the column allows. The word is
/// what the agent reads out, so it comes before the warning (which shortens, or shrinks to its
/// `!`).
fn word_width(columns: &[Vec<Row<'_>>], col_w: usize, char_w: usize) -> usize {
    let longest = columns
        .iter()
        .flatten()
        .filter_map(|r| match r {
            Row::Char(s) => Some(width(&s.say())),
            Row::Gap => None,
        })
        .max()
        .unwrap_or(0);
    longest.min(col_w.saturating_sub(char_w + 1))
}

/// ` 0  Zero      ! digit zero, not letter O`
fn character(buf: &mut Buffer, line: Rect, s: &Spoken, char_w: usize, word_w: usize, theme: &Theme) {
    let Some(mut pen) = Pen::new(buf, line) else {
        return;
    };
    let start = pen.x;
    let pad = char_w.saturating_sub(width(&s.shown) + 1);
    pen.fit(&format!(" {}{}", s.shown, " ".repeat(pad)), char_w, theme.code);
    pen.to(start.saturating_add(u16::try_from(char_w + 1).unwrap_or(u16::MAX)));
    pen.fit(&s.say(), word_w, theme.base);
    let Some(flag) = s.flag else {
        return;
    };
    pen.to(start.saturating_add(u16::try_from(char_w + 1 + word_w + 1).unwrap_or(u16::MAX)));
    let room = pen.remaining();
    let note = if width(MARK) + width(flag.note()) <= room {
        flag.note()
    } else {
        flag.short()
    };
    if width(MARK) + width(note) <= room {
        pen.text(&format!("{MARK}{note}"), theme.warning);
    } else {
        // Cut, a note would end in `…`: the marker alone says more.
        pen.text(MARK.trim_end(), theme.warning);
    }
}

/// "+5 more", for what is not in the table.
fn more(buf: &mut Buffer, line: Rect, n: usize, theme: &Theme) {
    if let Some(mut pen) = Pen::new(buf, line) {
        pen.text(&format!("+{n} more"), theme.muted);
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::read_aloud::spell;

    fn render(code: &str, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        let spelled = spell(code);
        terminal
            .draw(|f| {
                let area = f.area();
                draw(f.buffer_mut(), area, &spelled, &Theme::new(false));
            })
            .unwrap();
        terminal
    }

    fn text(terminal: &Terminal<TestBackend>) -> String {
        let buf = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn snapshots_at_dialog_size_and_narrow() {
        for (name, code) in [("ambiguous", "0O1Il5"), ("typical", "K7Q2MX")] {
            for (w, h) in [(70, 12), (40, 12)] {
                insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(code, w, h).backend());
            }
        }
    }

    #[test]
    fn a_long_code_goes_into_columns_and_counts_what_does_not_fit() {
        insta::assert_snapshot!("twelve_70x12", render("AB0DEF1HJKLM", 70, 12).backend());
        let screen = text(&render(&"K".repeat(100), 70, 12));
        // 64 spelled, of which 5 columns of 10 rows (2 groups of 4 each) show 40; the rest
        // and the 36 past the cap are counted.
        assert!(screen.contains("+60 more"), "{screen}");
        // The code line holds whole groups only, and says that it goes on.
        let top = screen.lines().next().unwrap().trim_end();
        assert!(top.ends_with("KKKK  …"), "{top}");
    }

    #[test]
    fn warnings_are_in_the_warning_style_and_marked() {
        let theme = Theme::new(false);
        let terminal = render("0K", 70, 12);
        let buf = terminal.backend().buffer();
        let row: String = (0..70).map(|x| buf[(x, 2)].symbol().to_owned()).collect();
        let at = row.find("! digit zero, not letter O").unwrap();
        let x = u16::try_from(row[..at].chars().count()).unwrap();
        assert_eq!(buf[(x, 2)].style().fg, theme.warning.fg);
        assert!(
            buf[(x, 2)]
                .style()
                .add_modifier
                .contains(theme.warning.add_modifier)
        );
        let kilo: String = (0..70).map(|x| buf[(x, 3)].symbol().to_owned()).collect();
        assert!(!kilo.contains('!'), "{kilo}");
    }

    #[test]
    fn control_characters_never_reach_the_buffer() {
        let terminal = render("A\u{1b}[\u{9b}\u{202e}\n", 70, 12);
        let screen = text(&terminal);
        assert!(!screen.chars().any(|c| c.is_control() && c != '\n'), "{screen:?}");
        assert!(screen.contains("␛"), "{screen}");
        assert!(screen.contains("control character U+001B"), "{screen}");
    }

    #[test]
    fn any_size_draws_without_panicking() {
        for code in ["", "K", "0O1Il5", &"Ab1".repeat(30), "山田\u{301}x"] {
            for w in 0..=72 {
                for h in 0..=13 {
                    render(code, w, h);
                }
            }
        }
    }
}
