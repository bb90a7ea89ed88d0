//! `:history` over the whole screen: the users opened this session, then the last ones of
//! the audit trail, the selected one marked without colour too; Enter opens it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::audit_view::cell;
use super::detail::local_time;
use super::{Pen, ViewCtx};
use crate::tui::audit_view::Loading;
use crate::tui::keys::KeyHelp;
use crate::tui::messages;
use crate::tui::recent::{HistoryView, KEYMAP, Source};

const ID_W: usize = 20;
const NAME_W: usize = 26;

pub(super) fn draw(buf: &mut Buffer, screen: Rect, view: &HistoryView, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    Clear.render(screen, buf);
    let keys = format!(" {} ", KEYMAP.hints());
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(messages::HISTORY_TITLE, theme.title))
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(screen);
    block.render(screen, buf);
    let row = |i: usize| {
        let y = inner.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        Rect::new(inner.x + 1, y, inner.width.saturating_sub(2), 1)
    };
    if inner.height < 2 {
        return;
    }
    let body = usize::from(inner.height.saturating_sub(1));
    for (i, r) in view.rows.iter().enumerate().skip(view.top).take(body) {
        let Some(mut pen) = Pen::new(buf, row(i - view.top)) else {
            break;
        };
        let selected = i == view.selected;
        let style = if selected { theme.selected } else { theme.base };
        pen.text(if selected { "▶ " } else { "  " }, style);
        cell(&mut pen, &r.user_id, ID_W, style);
        let (name, what) = match &r.source {
            Source::Session => (
                r.name.clone(),
                if r.detail.is_empty() {
                    messages::HISTORY_SESSION.to_owned()
                } else {
                    format!("{} · {}", messages::HISTORY_SESSION, r.detail)
                },
            ),
            Source::Audit { time, action } => (
                r.detail.clone(),
                messages::history_from_audit(action, &local_time(*time, &ctx.tz)),
            ),
        };
        cell(&mut pen, &name, NAME_W, style);
        let room = pen.remaining();
        pen.fit(&what, room, theme.muted);
    }
    // Under the rows: the trail still to come, its failure, or that there is nobody yet.
    let after = view.rows.len().saturating_sub(view.top).min(body);
    let note = match &view.trail {
        Loading::Reading => Some((messages::HISTORY_READING.to_owned(), theme.muted)),
        Loading::Failed(e) => Some((e.clone(), theme.error)),
        Loading::Ready if view.rows.is_empty() => Some((messages::HISTORY_EMPTY.to_owned(), theme.muted)),
        Loading::Ready => None,
    };
    if let Some((text, style)) = note
        && after < usize::from(inner.height)
        && let Some(mut pen) = Pen::new(buf, row(after))
    {
        pen.text(&text, style);
    }
}
