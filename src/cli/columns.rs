//! A plain-text table of named columns for `audit` and `config show` (`users list` has its own
//! in [`super::table`]): columns two spaces apart, no trailing spaces. Without a width every
//! value is whole (a pipe gets full lines); with one, no line is wider: fixed columns keep
//! their width, flexible ones share the rest (see [`super::table::share`]), and when even that
//! does not fit, whole lines are cut with `…`. Every cell is padded by display width, so wide
//! characters never shift a column.

use crate::text::{display_width, pad, sanitize, truncate};

/// Between two columns.
const SEPARATOR: &str = "  ";

/// A column: its heading, and whether it gives way when the line is too wide.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub flexible: bool,
}

impl Column {
    pub const fn fixed(title: &'static str) -> Column {
        Column {
            title,
            flexible: false,
        }
    }

    pub const fn flexible(title: &'static str) -> Column {
        Column {
            title,
            flexible: true,
        }
    }
}

/// The table, each line ending in `\n`; with `header`, the titles come first. Cells are
/// sanitised here; a row shorter than `columns` has empty cells at its end.
pub fn render(columns: &[Column], rows: &[Vec<String>], header: bool, width: Option<usize>) -> String {
    let titles: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
    let lines: Vec<&[String]> = header
        .then_some(titles.as_slice())
        .into_iter()
        .chain(rows.iter().map(Vec::as_slice))
        .collect();
    let natural: Vec<usize> = (0..columns.len())
        .map(|i| {
            lines
                .iter()
                .map(|r| r.get(i).map_or(0, |c| display_width(&sanitize(c))))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = match width {
        Some(w) => fit(columns, &natural, w),
        None => natural,
    };
    let mut out = String::new();
    for cells in lines {
        let padded: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| pad(cells.get(i).map_or("", String::as_str), w))
            .collect();
        let line = padded.join(SEPARATOR);
        let line = line.trim_end_matches(' ');
        match width {
            Some(w) => out.push_str(truncate(line, w).trim_end_matches(' ')),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Widths for lines of at most `total` columns, from the natural ones.
fn fit(columns: &[Column], natural: &[usize], total: usize) -> Vec<usize> {
    let fixed: usize = columns
        .iter()
        .zip(natural)
        .filter(|(c, _)| !c.flexible)
        .map(|(_, w)| w)
        .sum::<usize>()
        + SEPARATOR.len() * columns.len().saturating_sub(1);
    let flex_natural: Vec<usize> = columns
        .iter()
        .zip(natural)
        .filter(|(c, _)| c.flexible)
        .map(|(_, &w)| w)
        .collect();
    let mut shared = super::table::share(&flex_natural, total.saturating_sub(fixed)).into_iter();
    columns
        .iter()
        .zip(natural)
        .map(|(c, &w)| if c.flexible { shared.next().unwrap_or(w) } else { w })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 3] = [
        Column::fixed("ID"),
        Column::flexible("NAME"),
        Column::flexible("NOTE"),
    ];

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec![
                "1".into(),
                "山田太郎".into(),
                "a long note about this user".into(),
            ],
            vec!["22".into(), "\u{1b}[31mEve".into(), "short".into()],
            vec!["333".into(), "Bob".into()],
        ]
    }

    /// The display column at which `needle` starts in `line`.
    fn column_of(line: &str, needle: &str) -> usize {
        let at = line
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {line:?}"));
        display_width(&line[..at])
    }

    #[test]
    fn without_a_width_every_value_is_whole_and_aligned() {
        let t = render(&COLS, &rows(), true, None);
        assert_eq!(
            t,
            "ID   NAME      NOTE\n\
             1    山田太郎  a long note about this user\n\
             22   ␛[31mEve  short\n\
             333  Bob\n"
        );
    }

    #[test]
    fn with_a_width_flexible_columns_give_way_and_stay_aligned() {
        let t = render(&COLS, &rows(), true, Some(24));
        let lines: Vec<&str> = t.lines().collect();
        for l in &lines {
            assert!(display_width(l) <= 24, "{l:?}");
            assert!(!l.ends_with(' '), "{l:?}");
        }
        let note = column_of(lines[0], "NOTE");
        assert_eq!(column_of(lines[1], "a long"), note, "{t}");
        assert_eq!(column_of(lines[2], "short"), note, "{t}");
        assert!(lines[1].ends_with('…'), "{t}");
    }

    #[test]
    fn too_narrow_cuts_whole_lines_and_no_header_is_asked_for() {
        let t = render(&COLS, &rows(), false, Some(5));
        assert_eq!(t.lines().count(), 3);
        assert!(t.lines().all(|l| display_width(l) <= 5), "{t}");
        assert!(t.lines().all(|l| l.ends_with('…')), "{t}");
        assert!(t.starts_with("1"), "no header: {t}");
    }
}
