//! The frame the small menus share (actions, copy, sort): centred above the status row, a
//! cleared column either side, the title on the top border and the keys on the bottom one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::help::centred;
use super::width;
use crate::tui::theme::Theme;

/// Draws the frame for `lines` menu lines (plus a blank row and a note under them), as wide as
/// the widest of `line_w`, `note`, `title` and `keys`, and returns the body to write the lines
/// and the note in: `None` when the screen has no room for it.
pub fn draw(
    buf: &mut Buffer,
    screen: Rect,
    theme: &Theme,
    (title, keys): (&str, &str),
    line_w: usize,
    note: &str,
    lines: usize,
) -> Option<Rect> {
    let want_w = line_w.max(width(note)).max(width(title)).max(width(keys)) + 4;
    // The status row stays visible, as under the other dialogs.
    let room = Rect::new(screen.x, screen.y, screen.width, screen.height.saturating_sub(1));
    // The lines, a blank row, the note, and the borders.
    let area = centred(room, want_w, lines + 4);
    if area.width < 3 || area.height < 3 {
        return None;
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
        .title(Line::styled(title.to_owned(), theme.title))
        .title_bottom(Line::styled(keys.to_owned(), theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    Some(Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    ))
}
