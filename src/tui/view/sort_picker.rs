//! The sort picker: one line per column, "digit  name", the highlighted one marked without
//! colour too (`▶`), the one in effect named with its direction. Under the lines, the
//! direction a pick sorts in and the key that turns it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::help::centred;
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
    let want_w = line_w.max(width(&note)).max(width(SORT_TITLE)).max(width(&keys)) + 4;
    let room = Rect::new(screen.x, screen.y, screen.width, screen.height.saturating_sub(1));
    let area = centred(room, want_w, COLUMNS.len() + 4);
    if area.width < 3 || area.height < 3 {
        return;
    }
    // One cleared column either side, so no cut-off text (half a wide character) touches the
    // border.
    let margin = Rect::new(
        area.x.saturating_sub(1),
        area.y,
        area.width.saturating_add(2),
        area.height,
    );
    Clear.render(margin.intersection(screen).intersection(buf.area), buf);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(SORT_TITLE, theme.title))
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let body = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
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
