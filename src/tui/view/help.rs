//! The help overlay: every binding of the keymap in force (`App::keymap`), generated from the
//! keymap itself (`keys::help_lines`), so it can never drift from what the keys do.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::{Pen, width};
use crate::tui::keys::{self, KeyHelp};
use crate::tui::theme::Theme;

/// Said in the bottom border, so it stays visible however many lines are cut.
const CLOSE_HINT: &str = " any key closes ";

pub(super) fn draw(buf: &mut Buffer, screen: Rect, keymap: &dyn KeyHelp, theme: &Theme) {
    let lines = keys::help_lines(keymap);
    let label_w = lines.iter().map(|b| width(b.label)).max().unwrap_or(0);
    let help_w = lines.iter().map(|b| width(b.help)).max().unwrap_or(0);
    let count = lines.len();
    let title = format!(" Keys: {} ", keymap.name());
    // Content plus borders and one column of air on each side.
    let want_w = (label_w + 2 + help_w).max(width(&title)).max(width(CLOSE_HINT)) + 4;
    let want_h = count + 2;
    let area = centred(screen, want_w, want_h);
    if area.width < 3 || area.height < 3 {
        return;
    }
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title, theme.title))
        .title_bottom(Line::styled(CLOSE_HINT, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);

    let body = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    for (i, binding) in lines.iter().enumerate() {
        let y = body.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= body.bottom() {
            break;
        }
        let Some(mut pen) = Pen::new(buf, Rect::new(body.x, y, body.width, 1)) else {
            break;
        };
        let start = pen.x;
        pen.fit(binding.label, label_w, theme.key);
        pen.to(start.saturating_add(u16::try_from(label_w + 2).unwrap_or(u16::MAX)));
        pen.text(binding.help, theme.base);
    }
}

/// A `w`×`h` rectangle in the middle of `screen`, shrunk to fit.
pub(super) fn centred(screen: Rect, w: usize, h: usize) -> Rect {
    let w = u16::try_from(w).unwrap_or(u16::MAX).min(screen.width);
    let h = u16::try_from(h).unwrap_or(u16::MAX).min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}
