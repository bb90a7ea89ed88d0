//! Below the minimum size the layout would be unreadable: say so instead, centred, on two
//! lines if one is too short, and cut to whatever room there is (down to nothing at 0×0).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Pen, width};
use crate::text::truncate;
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::theme::Theme;

pub(super) fn draw(buf: &mut Buffer, screen: Rect, theme: &Theme) {
    let need = format!("(need {MIN_WIDTH}×{MIN_HEIGHT})");
    let whole = format!("terminal too small {need}");
    let lines: [&str; 2] = if width(&whole) <= usize::from(screen.width) || screen.height < 2 {
        [whole.as_str(), ""]
    } else {
        ["terminal too small", need.as_str()]
    };
    let count = if lines[1].is_empty() { 1 } else { 2 };
    let top = screen.y + (screen.height - count.min(screen.height)) / 2;
    for (y, line) in (top..screen.bottom()).zip(lines.iter().take(usize::from(count))) {
        let shown = truncate(line, usize::from(screen.width));
        let w = u16::try_from(width(&shown)).unwrap_or(u16::MAX).min(screen.width);
        let row = Rect::new(screen.x + (screen.width - w) / 2, y, w, 1);
        if let Some(mut pen) = Pen::new(buf, row) {
            pen.text(&shown, theme.base);
        }
    }
}
