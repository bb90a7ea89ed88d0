//! The notice under the search line: for a search that cannot be sent, the whole reason
//! (wrapped, never cut) in the error style, then — muted — that the rows below are of the
//! previous search. The App decides the lines and their rows; this only draws them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Pen, wrap};
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub(super) fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width).max(1);
    let mut y = area.y;
    for (i, line) in app.notice().iter().enumerate() {
        let style = if i == 0 { theme.error } else { theme.muted };
        let clean = sanitize(line);
        for part in wrap(&clean, width) {
            if y >= area.bottom() {
                return;
            }
            if let Some(mut pen) = Pen::new(buf, Rect::new(area.x, y, area.width, 1)) {
                pen.fit(part, width, style);
            }
            y += 1;
        }
    }
}
