//! The search row: the input while typing (with the terminal cursor in it), otherwise the
//! search whose results the list shows. A search that cannot be understood ends in a ✗ (it
//! was not sent); the notice below says why, whole.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use unicode_width::UnicodeWidthChar;

use super::{Pen, width};
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::browse::{Mode, search_key};
use crate::tui::theme::Theme;

/// Draws the row; returns where the terminal cursor goes while typing.
pub(super) fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) -> Option<Position> {
    // The order in effect is named at the row's right end, always (never over the text: the
    // row's rest is narrowed by it; on a very narrow screen it gives way).
    let mut area = area;
    let label = crate::tui::messages::sort_in_effect(app.sort);
    let w = u16::try_from(width(&label) + 1).unwrap_or(u16::MAX);
    if w < area.width / 2 {
        let at = Rect::new(area.right() - w + 1, area.y, w - 1, 1);
        if let Some(mut pen) = Pen::new(buf, at) {
            pen.text(&label, theme.muted);
        }
        area.width -= w;
    }
    let mut pen = Pen::new(buf, area)?;
    let search = &app.search;
    let typing = app.mode == Mode::Search;
    let typed = search.input.value();
    if !typing && search.error.is_none() && search.applied.is_empty() {
        pen.text(&format!("{} to search", search_key()), theme.muted);
        return None;
    }
    // The key that starts a search, before the text: the row also says how.
    pen.text(&format!("{} ", search_key()), theme.key);
    if !typing && search.error.is_none() {
        // The list shows the results of this text.
        pen.text(&search.applied, theme.base);
        return None;
    }

    // While typing (or after Enter on a search that cannot be sent) the typed text is shown.
    let shown = sanitize(typed);
    let room = pen.remaining();
    // With an error the row ends in a ✗; the reason is said whole in the notice below.
    let field = match search.error {
        Some(_) => (width(&shown) + 1).min(room.saturating_sub(2)).max(1),
        None => room,
    };
    // Keep the cursor inside the field: scroll so that it sits at most on its last column.
    let scroll = search.input.visual_scroll(field.saturating_sub(1));
    let field_x = pen.x;
    pen.fit(skip_columns(&shown, scroll), field, theme.base);
    let cursor = typing.then(|| {
        let column = search.input.visual_cursor().saturating_sub(scroll);
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        Position::new(
            field_x.saturating_add(column).min(pen.right.saturating_sub(1)),
            pen.y,
        )
    });
    if search.error.is_some() {
        let at = u16::try_from(field).unwrap_or(u16::MAX);
        pen.to(field_x.saturating_add(at)).skip(1);
        pen.text("✗", theme.error);
    }
    cursor
}

/// The rest of `s` after its first `n` display columns.
pub(super) fn skip_columns(s: &str, n: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        if used >= n {
            return &s[i..];
        }
        used += c.width().unwrap_or(0);
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_columns_respects_wide_characters() {
        assert_eq!(skip_columns("jane", 0), "jane");
        assert_eq!(skip_columns("jane", 2), "ne");
        assert_eq!(skip_columns("山田x", 2), "田x");
        assert_eq!(skip_columns("ab", 5), "");
    }
}
