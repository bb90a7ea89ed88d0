//! The action dialog: a popup over list and detail that names the user and the effect, lets
//! the agent choose how a code travels (mailed or texted by ZITADEL, or returned to the
//! agent), edits the new address and the link template with their live verdicts, and then
//! says what ZITADEL answered.
//!
//! The content is first laid out as rows for the popup's width, so the popup is exactly as
//! tall as what it says; on a short screen the rows past the bottom are dropped while the
//! footer (the keys) stays in the bottom border. A returned code reaches the buffer only once
//! the agent has pressed `v`: masked, not even its length shows.

mod content;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use self::content::{BodyRow, Span, rows};
use super::help::centred;
use super::read_aloud;
use super::search::skip_columns;
use super::{Pen, ViewCtx, width};
use crate::text::sanitize;
use crate::tui::action_dialog::{ActionDialog, Field};
use crate::tui::app::App;
use crate::tui::keys::KeyHelp;
use crate::tui::messages::dialog::title;
use crate::tui::theme::Theme;

/// At 80 columns: all but the cleared margin columns; wider screens give links more room.
const MIN_W: u16 = 78;
const MAX_W: u16 = 100;

/// Draws the dialog; returns where the terminal cursor goes (in the template, while editing
/// in mail mode).
pub(super) fn draw(
    buf: &mut Buffer,
    screen: Rect,
    app: &App,
    d: &ActionDialog,
    ctx: &ViewCtx,
) -> Option<Position> {
    let theme = &ctx.theme;
    // The status row stays visible: it has the spinner and the same keys.
    let room = Rect::new(screen.x, screen.y, screen.width, screen.height.saturating_sub(1));
    let want_w = (screen.width / 3 * 2).clamp(MIN_W, MAX_W).min(room.width);
    // Borders and one column of air on each side.
    let body_w = usize::from(want_w.saturating_sub(4));
    let rows = rows(d, app, ctx, body_w);
    let tall: usize = rows.iter().map(BodyRow::height).sum();
    let area = centred(room, usize::from(want_w), tall + 2);
    if area.width < 5 || area.height < 3 {
        return None;
    }
    // One cleared column either side, so no cut-off list text touches the border.
    let margin = Rect::new(
        area.x.saturating_sub(1),
        area.y,
        area.width.saturating_add(2),
        area.height,
    );
    Clear.render(margin.intersection(screen).intersection(buf.area), buf);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title(d.kind), theme.title));
    let inner = block.inner(area);
    block.render(area, buf);
    footer(buf, area, &d.keymap().hints(), theme);

    let body = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let mut cursor = None;
    let mut y = body.y;
    for row in &rows {
        if y >= body.bottom() {
            break;
        }
        let line = Rect::new(body.x, y, body.width, 1);
        y += 1;
        match row {
            BodyRow::Spans(spans) => {
                if let Some(mut pen) = Pen::new(buf, line) {
                    for (text, style) in spans {
                        pen.text(text, *style);
                    }
                }
            }
            BodyRow::Split(left, right) => split(buf, line, left, right),
            BodyRow::Field(which) => cursor = field(buf, line, d, *which, theme),
            BodyRow::ReadAloud(spelled, rows) => {
                let rows = (*rows).min(body.bottom().saturating_sub(line.y));
                read_aloud::draw(buf, Rect::new(body.x, line.y, body.width, rows), spelled, theme);
                y = line.y.saturating_add(rows);
            }
        }
    }
    if d.in_flight() {
        // Everything but the spinner row (the last) dims: it is what is being sent, not
        // something to change now.
        let drawn = y.saturating_sub(body.y);
        let above = u16::try_from(rows.len().saturating_sub(1)).unwrap_or(u16::MAX);
        let dimmed = Rect::new(body.x, body.y, body.width, drawn.min(above));
        buf.set_style(
            dimmed.intersection(buf.area),
            Style::new().add_modifier(Modifier::DIM),
        );
    }
    cursor
}

/// The keys of the phase, in the bottom border (so they stay when the body is cut).
fn footer(buf: &mut Buffer, area: Rect, keys: &str, theme: &Theme) {
    let row = Rect::new(
        area.x.saturating_add(2),
        area.bottom().saturating_sub(1),
        area.width.saturating_sub(4),
        1,
    );
    if keys.is_empty() {
        return;
    }
    if let Some(mut pen) = Pen::new(buf, row) {
        let room = pen.remaining().saturating_sub(2);
        pen.text(" ", theme.border)
            .fit(keys, room, theme.key)
            .text(" ", theme.border);
    }
}

/// Left text cut to leave room for the right part, which is kept whole at the edge.
fn split(buf: &mut Buffer, line: Rect, left: &Span<'_>, right: &Span<'_>) {
    let Some(mut pen) = Pen::new(buf, line) else {
        return;
    };
    let right_w = width(&right.0);
    pen.fit(&left.0, pen.remaining().saturating_sub(right_w + 1), left.1);
    let x = pen
        .right
        .saturating_sub(u16::try_from(right_w).unwrap_or(u16::MAX))
        .max(pen.x);
    pen.to(x).text(&right.0, right.1);
}

/// A text input: "> " then the text, scrolled so the cursor stays in view. Returns the
/// cursor's place while the agent can type into it.
fn field(buf: &mut Buffer, line: Rect, d: &ActionDialog, which: Field, theme: &Theme) -> Option<Position> {
    let input = match which {
        Field::Template => &d.template,
        Field::Address => &d.address,
    };
    let mut pen = Pen::new(buf, line)?;
    pen.text("> ", theme.key);
    let (x, y, room) = (pen.x, pen.y, pen.remaining());
    // Underline the whole field, so that an empty one shows as a field too.
    let field = Rect::new(x, y, u16::try_from(room).unwrap_or(u16::MAX), 1);
    pen.buf.set_style(field.intersection(pen.buf.area), theme.input);
    let shown = sanitize(input.value());
    let scroll = input.visual_scroll(room.saturating_sub(1));
    pen.fit(skip_columns(&shown, scroll), room, theme.input);
    let typing = d.typing() == Some(which);
    (typing && room > 0).then(|| {
        let column = input.visual_cursor().saturating_sub(scroll);
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        Position::new(x.saturating_add(column).min(pen.right.saturating_sub(1)), y)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_columns_respects_wide_characters() {
        assert_eq!(skip_columns("https://x", 8), "x");
        assert_eq!(skip_columns("山田x", 2), "田x");
        assert_eq!(skip_columns("ab", 5), "");
    }
}
