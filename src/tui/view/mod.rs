//! Draws the state, one file per region or popup. Views only read [`App`]: no I/O, no API
//! calls, no decisions that belong in `update`. Regions come from [`App::areas`] (the same
//! layout the state pages and scrolls with), clipped to the frame so a size that changed
//! under us can never write outside the buffer.
//!
//! Every string from the server reaches the buffer through [`crate::text`] (the list's rows
//! were sanitised once when their page arrived; everything else is sanitised here). Text is
//! written straight into the buffer cell by cell, with no widget that scrolls or wraps on
//! its own, so that between two frames only what really changed differs — over SSH each
//! changed cell costs bytes.

mod action_dialog;
pub mod actions_menu;
mod audit_view;
mod bulk_dialog;
mod command_line;
mod copy_menu;
mod detail;
mod header;
mod help;
mod history_view;
mod list;
mod menu_frame;
mod notice;
mod picker;
mod read_aloud;
mod search;
mod sort_picker;
mod status;
mod syntax_help;
mod too_small;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use super::app::{App, FullView};
use super::layout::{self, Areas};
use crate::text;

/// What drawing needs besides the state: the clock and time zone (fixed in tests) and the theme.
pub struct ViewCtx {
    /// "Now", for "3 days ago" and for whether the freshness stamp needs a date.
    pub now: jiff::Timestamp,
    /// Local time zone for every timestamp shown.
    pub tz: jiff::tz::TimeZone,
    pub theme: super::theme::Theme,
}

/// Draws one frame (in ASCII when the locale is not UTF-8).
pub fn draw(frame: &mut Frame, app: &App, ctx: &ViewCtx) {
    if let Some(position) = render(frame, app, ctx) {
        // Only while typing: ratatui hides the cursor on frames that do not place it.
        frame.set_cursor_position(position);
    }
}

/// Draws one frame into the frame's buffer and says where the cursor goes (`None`: hidden),
/// for a caller that applies the frame itself (`frame::draw_frame`).
pub fn render(frame: &mut Frame, app: &App, ctx: &ViewCtx) -> Option<Position> {
    let cursor = draw_regions(frame, app, ctx);
    if ctx.theme.ascii {
        let screen = frame.area();
        super::ascii::asciify(frame.buffer_mut(), screen);
    }
    cursor
}

fn draw_regions(frame: &mut Frame, app: &App, ctx: &ViewCtx) -> Option<Position> {
    let screen = frame.area();
    if layout::too_small(screen) {
        too_small::draw(frame.buffer_mut(), screen, &ctx.theme);
        return None;
    }
    let areas = clip(app.areas(), screen);
    let buf = frame.buffer_mut();
    header::draw(buf, areas.header, app, ctx);
    list::draw(buf, areas.list, app, &ctx.theme);
    notice::draw(buf, areas.notice, app, &ctx.theme);
    if let Some(area) = areas.detail {
        detail::draw(buf, area, app, ctx);
    }
    status::draw(buf, areas.status, app, &ctx.theme);
    let mut cursor = search::draw(buf, areas.search, app, &ctx.theme);
    if let Some(line) = &app.commands.line {
        cursor = command_line::draw(buf, screen, areas.status, line, &ctx.theme);
    }
    match &app.commands.view {
        Some(FullView::Audit(v)) => cursor = audit_view::draw(buf, screen, v, ctx),
        Some(FullView::History(v)) => {
            history_view::draw(buf, screen, v, ctx);
            cursor = None;
        }
        None => {}
    }
    if let Some(dialog) = &app.dialog {
        // Over list and detail; it has the keyboard, so the cursor is its own (or none).
        cursor = action_dialog::draw(buf, screen, app, dialog, ctx);
    }
    if let Some(bulk) = &app.bulk {
        bulk_dialog::draw(buf, screen, bulk, app.marks.len(), &ctx.theme);
        cursor = None;
    }
    if let Some(menu) = &app.menu {
        actions_menu::draw(buf, screen, menu, &ctx.theme);
    }
    if let Some(picker) = &app.picker {
        picker::draw(buf, screen, app, picker, &ctx.theme);
    }
    if let Some(menu) = &app.copy_menu {
        copy_menu::draw(buf, screen, menu, app.connection.clipboard, &ctx.theme);
    }
    if let Some(picker) = &app.sort_picker {
        sort_picker::draw(buf, screen, picker, &ctx.theme);
    }
    if app.help_open {
        help::draw(buf, screen, app.keymap(), &ctx.theme);
        None
    } else if app.syntax_open {
        syntax_help::draw(buf, screen, &ctx.theme);
        None
    } else {
        cursor
    }
}

/// The layout's regions limited to the frame.
fn clip(a: Areas, screen: Rect) -> Areas {
    Areas {
        header: a.header.intersection(screen),
        search: a.search.intersection(screen),
        notice: a.notice.intersection(screen),
        list: a.list.intersection(screen),
        detail: a.detail.map(|d| d.intersection(screen)),
        status: a.status.intersection(screen),
    }
}

/// Writes text left to right along one row of the buffer, never outside the row it was
/// given (so no size, however odd, can make a write land outside the buffer).
struct Pen<'b> {
    buf: &'b mut Buffer,
    x: u16,
    y: u16,
    right: u16,
}

impl<'b> Pen<'b> {
    /// A pen on the first row of `area`; `None` when that row is empty or off the buffer.
    fn new(buf: &'b mut Buffer, area: Rect) -> Option<Pen<'b>> {
        let row = area.intersection(buf.area);
        (row.width > 0 && row.height > 0).then_some(Pen {
            x: row.x,
            y: row.y,
            right: row.right(),
            buf,
        })
    }

    /// Columns left on the row.
    fn remaining(&self) -> usize {
        usize::from(self.right.saturating_sub(self.x))
    }

    /// Writes `s` sanitised, cut with `…` to at most `max` columns (and to the row).
    fn fit(&mut self, s: &str, max: usize, style: Style) -> &mut Self {
        let max = max.min(self.remaining());
        if max == 0 {
            return self;
        }
        let cell = text::truncate(s, max);
        let (x, _) = self.buf.set_stringn(self.x, self.y, &cell, max, style);
        self.x = x.min(self.right);
        self
    }

    /// Writes `s` sanitised, cut with `…` to what is left of the row.
    fn text(&mut self, s: &str, style: Style) -> &mut Self {
        self.fit(s, usize::MAX, style)
    }

    /// Moves right by `n` columns (leaving the cells as they are).
    fn skip(&mut self, n: usize) -> &mut Self {
        let n = u16::try_from(n).unwrap_or(u16::MAX);
        self.x = self.x.saturating_add(n).min(self.right);
        self
    }

    /// Moves to column `x` (not back past where the row starts being the caller's business).
    fn to(&mut self, x: u16) -> &mut Self {
        self.x = x.min(self.right);
        self
    }
}

/// Display columns of an already sanitised string.
fn width(s: &str) -> usize {
    s.width()
}

pub(crate) use crate::text::wrap;

#[cfg(test)]
mod tests;
