//! The sort picker: one line per column, "digit  name", the highlighted one marked without
//! colour too (`▶`), the one in effect named with its direction. Under the lines, the
//! direction a pick sorts in and the key that turns it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::menu_frame;
use super::{Pen, width};
use crate::tui::keys::KeyHelp;
use crate::tui::messages::{SORT_TITLE, sort_current, sort_direction};
use crate::tui::sort::COLUMNS;
use crate::tui::sort_picker::{KEYMAP, SortPicker};
use crate::tui::theme::Theme;

/// "▶ 1 ": the selection marker and the digit that picks the line.
const PREFIX_W: usize = 4;

/// Draws the picker centred on `screen`, over whatever is there.
pub fn draw(buf: &mut Buffer, screen: Rect, picker: &SortPicker, theme: &Theme) {
    let keys = format!(" {} ", KEYMAP.hints());
    let note = sort_direction(picker.ascending);
    let current = sort_current(picker.current.ascending);
    let name_w = COLUMNS.iter().map(|(_, n)| width(n)).max().unwrap_or(0);
    let line_w = PREFIX_W + name_w + 2 + width(&current);
    let Some(body) = menu_frame::draw(
        buf,
        screen,
        theme,
        (SORT_TITLE, &keys),
        line_w,
        &note,
        COLUMNS.len(),
    ) else {
        return;
    };
    for (i, (column, name)) in COLUMNS.iter().enumerate() {
        let y = body.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= body.bottom() {
            break;
        }
        let selected = i == picker.selected;
        let row = Rect::new(body.x, y, body.width, 1);
        if selected {
            buf.set_style(row.intersection(buf.area), theme.selected);
        }
        let pick = |s: ratatui::style::Style| if selected { s.patch(theme.selected) } else { s };
        let Some(mut pen) = Pen::new(buf, row) else {
            break;
        };
        let start = pen.x;
        pen.text(if selected { "▶ " } else { "  " }, pick(theme.base))
            .text(&format!("{} ", i + 1), pick(theme.muted))
            .fit(name, name_w, pick(theme.base));
        if *column == picker.current.column {
            let at = usize::from(start) + PREFIX_W + name_w + 2;
            pen.to(u16::try_from(at).unwrap_or(u16::MAX))
                .text(&current, pick(theme.verified));
        }
    }
    if body.height > 1 {
        let y = body.bottom().saturating_sub(1);
        if let Some(mut pen) = Pen::new(buf, Rect::new(body.x, y, body.width, 1)) {
            pen.text(&note, theme.muted);
        }
    }
}
