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
    let title = format!(" Keys: {} ", keymap.name());
    // One column of bindings when they fit the screen's height, else as many side by side as
    // the height needs (the descriptions cut with … when the width runs out): no binding is
    // ever left off.
    let fit = usize::from(screen.height).saturating_sub(2).max(1);
    let columns = lines.len().div_ceil(fit).max(1);
    let rows = lines.len().div_ceil(columns);
    let entry_w = label_w + 2 + help_w;
    // Content plus borders and one column of air on each side (and three between columns).
    let want_w = (entry_w * columns + GUTTER * (columns - 1))
        .max(width(&title))
        .max(width(CLOSE_HINT))
        + 4;
    let area = centred(screen, want_w, rows + 2);
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
    let body_w = usize::from(body.width);
    let column_w = body_w.saturating_sub(GUTTER * (columns - 1)) / columns;
    for (i, binding) in lines.iter().enumerate() {
        let (column, row) = (i / rows, i % rows);
        let x = body
            .x
            .saturating_add(u16::try_from(column * (column_w + GUTTER)).unwrap_or(u16::MAX));
        let y = body.y.saturating_add(u16::try_from(row).unwrap_or(u16::MAX));
        if y >= body.bottom() || x >= body.right() {
            break;
        }
        let w = u16::try_from(column_w).unwrap_or(u16::MAX).min(body.right() - x);
        let Some(mut pen) = Pen::new(buf, Rect::new(x, y, w, 1)) else {
            break;
        };
        let start = pen.x;
        pen.fit(binding.label, label_w, theme.key);
        pen.to(start.saturating_add(u16::try_from(label_w + 2).unwrap_or(u16::MAX)));
        pen.text(binding.help, theme.base);
    }
}

/// Columns between the columns of a help overlay too tall for one.
const GUTTER: usize = 3;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::browse;

    fn screen_text(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_help_taller_than_the_screen_takes_two_columns_and_leaves_no_key_out() {
        let lines = keys::help_lines(&browse::LIST);
        for (w, h) in [(80u16, 24u16), (80, 16), (120, 14)] {
            let screen = Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(screen);
            draw(&mut buf, screen, &browse::LIST, &Theme::default());
            let text = screen_text(&buf);
            let all = text.join("\n");
            for b in &lines {
                assert!(
                    text.iter().any(|row| row.contains(&format!("│ {}", b.label))
                        || row.contains(&format!("   {}", b.label))),
                    "{w}×{h}: {} missing:\n{all}",
                    b.label
                );
            }
            assert!(all.contains("any key closes"), "{w}×{h}:\n{all}");
        }
    }
}
