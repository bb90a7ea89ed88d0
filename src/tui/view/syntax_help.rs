//! The search syntax overlay (`F1`, or `?` on an empty search line): every term with what it
//! finds and an example, rendered from `api::search_syntax::TERMS` — the same table the
//! README shows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::help::centred;
use super::{Pen, width};
use crate::api::search_syntax::TERMS;
use crate::tui::theme::Theme;

const TITLE: &str = " Search syntax ";
/// Said in the bottom border, so it stays visible however many lines are cut.
const CLOSE_HINT: &str = " any key closes ";

pub(super) fn draw(buf: &mut Buffer, screen: Rect, theme: &Theme) {
    let syntax_w = TERMS.iter().map(|t| width(t.syntax)).max().unwrap_or(0);
    let example_w = TERMS.iter().map(|t| width(t.example)).max().unwrap_or(0);
    let finds_w = TERMS.iter().map(|t| width(t.finds)).max().unwrap_or(0);
    // Content plus borders and one column of air on each side.
    let want_w = syntax_w + 2 + example_w + 2 + finds_w + 4;
    let area = centred(screen, want_w, TERMS.len() + 2);
    if area.width < 3 || area.height < 3 {
        return;
    }
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(TITLE, theme.title))
        .title_bottom(Line::styled(CLOSE_HINT, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let body = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let step = |w: usize| u16::try_from(w + 2).unwrap_or(u16::MAX);
    for (i, term) in TERMS.iter().enumerate() {
        let y = body.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= body.bottom() {
            break;
        }
        let Some(mut pen) = Pen::new(buf, Rect::new(body.x, y, body.width, 1)) else {
            break;
        };
        let start = pen.x;
        pen.fit(term.syntax, syntax_w, theme.key);
        pen.to(start.saturating_add(step(syntax_w)));
        pen.fit(term.example, example_w, theme.base);
        pen.to(start
            .saturating_add(step(syntax_w))
            .saturating_add(step(example_w)));
        let room = pen.remaining();
        pen.fit(term.finds, room, theme.muted);
    }
}
