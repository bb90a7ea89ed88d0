//! The command line (`:`): one row where the status row is — the prompt, the text with the
//! terminal cursor in it, the line's keys at the right when there is room — and above it,
//! over the list, what the line has to say (completion choices, the command list, why a
//! command did not run), wrapped and whole as far as a third of the screen allows.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Clear, Widget};

use super::search::skip_columns;
use super::{Pen, width, wrap};
use crate::text::sanitize;
use crate::tui::command_line::{CommandLine, KEYMAP};
use crate::tui::keys::KeyHelp;
use crate::tui::theme::Theme;

const PROMPT: &str = ":";

/// Draws the line over `row` and its note above it; returns where the cursor goes.
pub(super) fn draw(
    buf: &mut Buffer,
    screen: Rect,
    row: Rect,
    line: &CommandLine,
    theme: &Theme,
) -> Option<Position> {
    draw_note(buf, screen, row, line, theme);
    Clear.render(row, buf);
    let mut pen = Pen::new(buf, row)?;
    pen.text(PROMPT, theme.key);
    let hints = KEYMAP.hints();
    let typed = sanitize(line.input.value());
    // The keys stay at the right while the text leaves room for them.
    let hints_w = width(&hints) + 2;
    let show_hints = pen.remaining() > width(&typed) + hints_w + 1;
    let field = if show_hints {
        pen.remaining() - hints_w
    } else {
        pen.remaining()
    };
    let scroll = line.input.visual_scroll(field.saturating_sub(1));
    let field_x = pen.x;
    pen.fit(skip_columns(&typed, scroll), field, theme.input);
    if show_hints {
        let at = pen
            .right
            .saturating_sub(u16::try_from(width(&hints)).unwrap_or(u16::MAX));
        pen.to(at).text(&hints, theme.muted);
    }
    let column = u16::try_from(line.input.visual_cursor().saturating_sub(scroll)).unwrap_or(u16::MAX);
    Some(Position::new(
        field_x.saturating_add(column).min(row.right().saturating_sub(1)),
        row.y,
    ))
}

fn draw_note(buf: &mut Buffer, screen: Rect, row: Rect, line: &CommandLine, theme: &Theme) {
    let Some(note) = &line.note else {
        return;
    };
    let w = usize::from(row.width.saturating_sub(2)).max(1);
    let clean: Vec<String> = note.lines.iter().map(|l| sanitize(l).into_owned()).collect();
    let mut rows: Vec<&str> = clean.iter().flat_map(|l| wrap(l, w)).collect();
    let room = usize::from((screen.height / 3).max(1));
    if rows.len() > room {
        rows.truncate(room);
        if let Some(last) = rows.last_mut() {
            *last = "…";
        }
    }
    let n = u16::try_from(rows.len()).unwrap_or(u16::MAX);
    let top = row.y.saturating_sub(n).max(screen.y);
    let area = Rect::new(row.x, top, row.width, row.y - top);
    Clear.render(area, buf);
    let style = if note.error { theme.error } else { theme.base };
    for (i, text) in rows.iter().enumerate() {
        let y = top.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= row.y {
            break;
        }
        if let Some(mut pen) = Pen::new(buf, Rect::new(row.x + 1, y, row.width.saturating_sub(1), 1)) {
            pen.text(text, style);
        }
    }
}
