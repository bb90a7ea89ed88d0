//! `:audit` over the whole screen: the filter row with how many lines it keeps, the column
//! titles, then the trail's lines newest first from the scroll position. Every field was
//! sanitised when the trail arrived (`tui::audit_view`); the pen sanitises again on write.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::search::skip_columns;
use super::{Pen, ViewCtx, width};
use crate::text::sanitize;
use crate::tui::audit_view::{AuditView, Loading};
use crate::tui::messages;

/// Column widths: time, action, outcome, user ID; the rest takes what is left.
const WIDTHS: [usize; 4] = [17, 15, 10, 19];

/// Draws the view over `screen`; returns where the cursor goes while the filter is typed.
pub(super) fn draw(buf: &mut Buffer, screen: Rect, view: &AuditView, ctx: &ViewCtx) -> Option<Position> {
    let theme = &ctx.theme;
    Clear.render(screen, buf);
    let keys = format!(" {} ", view.keymap().hints());
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(messages::AUDIT_TITLE, theme.title))
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(screen);
    block.render(screen, buf);
    let row = |i: u16| Rect::new(inner.x + 1, inner.y + i, inner.width.saturating_sub(2), 1);
    if inner.height < 3 {
        return None;
    }
    let cursor = filter_row(buf, row(0), view, ctx);
    if let Some(mut pen) = Pen::new(buf, row(1)) {
        // The zone is named once, in the time's title.
        let zone = ctx.tz.to_offset_info(ctx.now);
        let time_title = format!("{} ({})", messages::AUDIT_COLUMNS[0], zone.abbreviation());
        cell(&mut pen, &time_title, WIDTHS[0], theme.column_titles);
        for (title, w) in messages::AUDIT_COLUMNS.iter().zip(WIDTHS).skip(1) {
            cell(&mut pen, title, w, theme.column_titles);
        }
        let room = pen.remaining();
        pen.fit(messages::AUDIT_COLUMNS[4], room, theme.column_titles);
    }
    let say = |buf: &mut Buffer, text: &str, style| {
        if let Some(mut pen) = Pen::new(buf, row(2)) {
            pen.text(text, style);
        }
    };
    match &view.load {
        Loading::Reading => say(buf, messages::AUDIT_READING, theme.muted),
        Loading::Failed(e) => say(buf, e, theme.error),
        Loading::Ready if view.total() == 0 => say(buf, messages::AUDIT_EMPTY, theme.muted),
        Loading::Ready if view.shown_len() == 0 => {
            say(buf, &messages::audit_no_match(view.filter.value()), theme.muted);
        }
        Loading::Ready => {
            let rows = inner.height.saturating_sub(2);
            for (i, line) in view.shown().skip(view.top).take(usize::from(rows)).enumerate() {
                let Some(mut pen) = Pen::new(buf, row(2 + u16::try_from(i).unwrap_or(u16::MAX))) else {
                    break;
                };
                let time = short_time(line.time, &ctx.tz);
                let outcome_style = if line.outcome == "ok" {
                    theme.base
                } else {
                    theme.warning
                };
                cell(&mut pen, &time, WIDTHS[0], theme.muted);
                cell(&mut pen, &line.action, WIDTHS[1], theme.base);
                cell(&mut pen, &line.outcome, WIDTHS[2], outcome_style);
                cell(&mut pen, &line.user_id, WIDTHS[3], theme.base);
                let room = pen.remaining();
                pen.fit(&line.rest, room, theme.muted);
            }
        }
    }
    cursor
}

/// "/ filter" (or the filter being typed) and, at the right, how many lines it keeps.
fn filter_row(buf: &mut Buffer, area: Rect, view: &AuditView, ctx: &ViewCtx) -> Option<Position> {
    let theme = &ctx.theme;
    let counts = match view.load {
        Loading::Ready => messages::audit_counts(view.shown_len(), view.total(), view.problems),
        _ => String::new(),
    };
    let mut pen = Pen::new(buf, area)?;
    let counts_w = width(&counts);
    let room = pen.remaining().saturating_sub(counts_w + 1);
    let filter = sanitize(view.filter.value());
    pen.fit("/ ", room, theme.key);
    let mut cursor = None;
    if view.typing || !filter.is_empty() {
        let field = room.saturating_sub(2).max(1);
        let scroll = view.filter.visual_scroll(field.saturating_sub(1));
        let field_x = pen.x;
        pen.fit(skip_columns(&filter, scroll), field, theme.input);
        if view.typing {
            let column =
                u16::try_from(view.filter.visual_cursor().saturating_sub(scroll)).unwrap_or(u16::MAX);
            cursor = Some(Position::new(field_x.saturating_add(column), area.y));
        }
    } else {
        pen.fit("filter", room.saturating_sub(2), theme.muted);
    }
    let at = pen
        .right
        .saturating_sub(u16::try_from(counts_w).unwrap_or(u16::MAX));
    pen.to(at.max(pen.x)).text(&counts, theme.muted);
    cursor
}

/// `text` in a column `w` wide (one of it the gap to the next).
pub(super) fn cell(pen: &mut Pen<'_>, text: &str, w: usize, style: ratatui::style::Style) {
    let start = pen.x;
    pen.fit(text, w.saturating_sub(1), style);
    pen.to(start.saturating_add(u16::try_from(w).unwrap_or(u16::MAX)));
}

/// "2025-02-03 14:05" in the local zone (named in the column title).
pub(super) fn short_time(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let at = tz.to_datetime(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}
