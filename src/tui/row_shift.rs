//! Rows the terminal moves itself. When the list scrolls by a row, every row of its body
//! changes, and ratatui's diff would write them all (about 2 KB at 80×24); but the terminal
//! can move rows inside a scrolling region (DECSTBM) for a few bytes, after which only the row
//! that came in (and the selection's) differ.
//!
//! The shift is found from the two frames themselves, not from the list's state: whatever
//! moved the rows (a key, the wheel, a page arriving above), and whatever else is on them (a
//! popup over the list, the detail pane beside it — the region spans whole rows), it is taken
//! only when it leaves fewer cells to write than not shifting does. So it can never make a
//! frame wrong, only cheaper: the caller shifts its copy of the last frame the same way, and
//! diffs the next frame against that.
//!
//! The rows are moved with a line feed at the region's bottom (IND) or a reverse index at its
//! top (RI), as the VT100 already did, not with SU/SD (`CSI S`/`CSI T`, which ratatui's
//! `scrolling-regions` feature writes): the Linux console (`TERM=linux`) has no SU/SD and would
//! leave the rows where they are.

use std::ops::Range;

use ratatui::buffer::{Buffer, Cell};

/// What the escape sequences of a shift cost, counted as cells (a written cell costs a byte
/// or more): a shift must save more than this.
const SEQUENCE_COST: usize = 16;

/// DECSTBM without parameters: the scrolling region is the whole screen again. Every shift
/// ends with it, and leaving the terminal (exit, suspend, a panic) writes it too, so a frame
/// cut short can never leave the shell's screen scrolling a few rows only.
pub const WHOLE_SCREEN: &[u8] = b"\x1b[r";

/// Rows `rows` of the screen moved by `by`: content up by `by` rows when positive (the list
/// scrolled forward), down when negative; the rows moved in are blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub rows: Range<u16>,
    pub by: i32,
}

impl Shift {
    /// The shift of `rows` that turns most of `last` into `next`, when it leaves fewer cells
    /// to write than not shifting: `None` when the frames differ in size, or nothing moved.
    pub fn between(last: &Buffer, next: &Buffer, rows: Range<u16>) -> Option<Shift> {
        let area = next.area;
        if last.area != area || rows.start >= rows.end || rows.end > area.bottom() || rows.start < area.y {
            return None;
        }
        // Rows are compared whole, but most comparisons of rows that differ end in their
        // first cells: finding the offset costs about rows² cells, not rows² × width.
        let width = usize::from(area.width);
        let first = usize::from(rows.start - area.y);
        fn row(buf: &Buffer, first: usize, r: usize, width: usize) -> Option<&[Cell]> {
            let start = (first + r) * width;
            buf.content.get(start..start + width)
        }
        let height = usize::from(rows.end - rows.start);
        let alike = |by: i32| -> usize {
            (0..height)
                .filter(|&r| {
                    let from = r as i64 + i64::from(by);
                    usize::try_from(from)
                        .ok()
                        .filter(|from| *from < height)
                        .is_some_and(|from| row(last, first, from, width) == row(next, first, r, width))
                })
                .count()
        };
        let span = i32::try_from(height).ok()?;
        let (by, same) = (1..span)
            .flat_map(|d| [d, -d])
            .map(|by| (by, alike(by)))
            // The smallest shift among the best: `max_by_key` keeps the last maximum.
            .rev()
            .max_by_key(|(_, same)| *same)?;
        if same == 0 || same <= alike(0) {
            return None;
        }
        let shift = Shift { rows, by };
        let mut shifted = last.clone();
        shift.apply(&mut shifted);
        let with = shifted.diff_iter(next).count() + SEQUENCE_COST;
        let without = last.diff_iter(next).count();
        (with < without).then_some(shift)
    }

    /// Moves `buf`'s rows as the terminal moves them.
    pub fn apply(&self, buf: &mut Buffer) {
        let width = usize::from(buf.area.width);
        // Rows above the buffer (not a shift `between` finds) move nothing: `get_mut` fails.
        let start = usize::from(self.rows.start.wrapping_sub(buf.area.y)) * width;
        let end = usize::from(self.rows.end.wrapping_sub(buf.area.y)) * width;
        let Some(region) = buf.content.get_mut(start..end) else {
            return;
        };
        let moved = (self.by.unsigned_abs() as usize * width).min(region.len());
        if self.by > 0 {
            region.rotate_left(moved);
            let len = region.len();
            region[len - moved..].iter_mut().for_each(|c| {
                c.reset();
            });
        } else {
            region.rotate_right(moved);
            region[..moved].iter_mut().for_each(|c| {
                c.reset();
            });
        }
    }

    /// The bytes that make the terminal shift: the scrolling region set to the rows, the
    /// cursor on its bottom row and a line feed per row (or on its top row and a reverse index
    /// per row), the region reset to the whole screen. Written with the attributes reset (as
    /// every frame leaves them), so the blank rows come in with the default background.
    pub fn sequence(&self) -> Vec<u8> {
        let (top, bottom) = (self.rows.start + 1, self.rows.end);
        let mut out = format!("\x1b[{top};{bottom}r").into_bytes();
        let n = self.by.unsigned_abs() as usize;
        if self.by > 0 {
            out.extend_from_slice(format!("\x1b[{bottom}H").as_bytes());
            out.extend(std::iter::repeat_n(b'\n', n));
        } else {
            out.extend_from_slice(format!("\x1b[{top}H").as_bytes());
            for _ in 0..n {
                out.extend_from_slice(b"\x1bM");
            }
        }
        out.extend_from_slice(WHOLE_SCREEN);
        out
    }
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::{Modifier, Style};

    use super::*;

    /// A 40×6 buffer whose rows 1..5 hold `lines` (each repeated along the row), `selected`
    /// in reverse.
    fn frame(lines: &[&str], selected: Option<usize>) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 6));
        buf.set_string(0, 0, "header", Style::default());
        for (i, line) in lines.iter().enumerate() {
            let style = match selected == Some(i) {
                true => Style::default().add_modifier(Modifier::REVERSED),
                false => Style::default(),
            };
            let y = 1 + i as u16;
            buf.set_style(Rect::new(0, y, 40, 1), style);
            buf.set_stringn(0, y, format!("{line} ").repeat(10), 40, style);
        }
        buf.set_string(0, 5, "status", Style::default());
        buf
    }

    #[test]
    fn a_list_scrolled_by_a_row_is_shifted_up_by_one() {
        let last = frame(&["anna", "ben", "chiara", "david"], Some(3));
        let next = frame(&["ben", "chiara", "david", "elif"], Some(3));
        let shift = Shift::between(&last, &next, 1..5).expect("a shift");
        assert_eq!(shift, Shift { rows: 1..5, by: 1 });
        let mut shifted = last.clone();
        shift.apply(&mut shifted);
        // What is left to write: the row that came in, and the selection's two rows.
        let rows: std::collections::BTreeSet<u16> = shifted.diff(&next).iter().map(|(_, y, _)| *y).collect();
        assert_eq!(rows, [3, 4].into());
        assert_eq!(shift.sequence(), b"\x1b[2;5r\x1b[5H\n\x1b[r");
    }

    #[test]
    fn a_list_scrolled_back_is_shifted_down() {
        let last = frame(&["ben", "chiara", "david", "elif"], Some(0));
        let next = frame(&["anna", "ben", "chiara", "david"], Some(0));
        let shift = Shift::between(&last, &next, 1..5).expect("a shift");
        assert_eq!(shift.by, -1);
        let mut shifted = last;
        shift.apply(&mut shifted);
        assert_eq!(shifted[(0, 1)].symbol(), " ", "the row moved in is blank");
        assert_eq!(shifted[(0, 2)].symbol(), "b");
        assert_eq!(shifted[(0, 5)].symbol(), "s", "rows outside the region stay");
        assert_eq!(shift.sequence(), b"\x1b[2;5r\x1b[2H\x1bM\x1b[r");
    }

    #[test]
    fn no_shift_when_it_would_not_save_anything() {
        let last = frame(&["anna", "ben", "chiara", "david"], Some(0));
        let moved = frame(&["anna", "ben", "chiara", "david"], Some(1));
        assert_eq!(
            Shift::between(&last, &moved, 1..5),
            None,
            "the selection moved, no row"
        );
        let other = frame(&["elif", "felix", "greta", "hiroshi"], None);
        assert_eq!(Shift::between(&last, &other, 1..5), None, "other rows altogether");
        let bigger = Buffer::empty(Rect::new(0, 0, 42, 6));
        assert_eq!(Shift::between(&last, &bigger, 1..5), None, "another size");
        assert_eq!(Shift::between(&last, &last, 1..1), None, "no rows");
        assert_eq!(Shift::between(&last, &last, 4..9), None, "rows off the screen");
    }

    #[test]
    fn a_page_scrolled_by_three_rows_is_shifted_by_three() {
        let last = frame(&["anna", "ben", "chiara", "david"], None);
        let next = frame(&["david", "elif", "felix", "greta"], None);
        let shift = Shift::between(&last, &next, 1..5).expect("a shift");
        assert_eq!(shift.by, 3);
        assert_eq!(shift.sequence(), b"\x1b[2;5r\x1b[5H\n\n\n\x1b[r");
        // On a narrow screen one row kept is not worth the sequence.
        let narrow = |lines: &[&str]| {
            let mut buf = Buffer::empty(Rect::new(0, 0, 8, 6));
            for (i, line) in lines.iter().enumerate() {
                buf.set_string(0, 1 + i as u16, line, Style::default());
            }
            buf
        };
        let last = narrow(&["anna", "ben", "chiara", "david"]);
        let next = narrow(&["david", "elif", "felix", "greta"]);
        assert_eq!(Shift::between(&last, &next, 1..5), None);
    }
}
