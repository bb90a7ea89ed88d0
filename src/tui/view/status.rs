//! The status row: a one-cell spinner while a request is in flight, then the last error or
//! else the key hints of the screen (a popup shows its keys in its own footer, so they are
//! not said twice), and "N of TOTAL" on the right.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Pen, width};
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Braille spinner frames: one cell each, readable in any font that has the block.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(super) fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(mut pen) = Pen::new(buf, area) else {
        return;
    };
    let counter = match (counter(app), app.marks.len()) {
        (c, 0) => c,
        (Some(c), n) => Some(format!("{} · {c}", crate::tui::messages::bulk::marked_counter(n))),
        (None, n) => Some(crate::tui::messages::bulk::marked_counter(n)),
    };
    let counter_w = counter.as_deref().map_or(0, |c| width(c) + 1);

    // The spinner's cell is always reserved, so the text does not shift when it appears.
    if app.busy() {
        pen.fit(spinner(app.spinner_frame), 1, theme.key);
    } else {
        pen.skip(1);
    }
    pen.skip(1);
    let room = pen.remaining().saturating_sub(counter_w);
    // A note answering the last key (a copy) comes first: it goes with the next key.
    match (&app.status_note, &app.error) {
        (Some(note), _) => {
            // The note says what a copy did; with copying off it did nothing.
            let off = app.connection.clipboard == crate::tui::clipboard::Clipboard::Off;
            pen.fit(note, room, if off { theme.warning } else { theme.verified });
        }
        (None, Some(error)) => {
            pen.fit(error, room, theme.error);
        }
        (None, None) if app.popup_open() => {}
        (None, None) => {
            pen.fit(&app.keymap().hints(), room, theme.muted);
        }
    }
    if let Some(counter) = counter {
        let cw = u16::try_from(width(&counter)).unwrap_or(u16::MAX);
        let x = pen.right.saturating_sub(cw).max(pen.x);
        pen.to(x).text(&counter, theme.base);
    }
}

/// The spinner's cell for `frame` (the resend dialog turns the same one).
pub(super) fn spinner(frame: usize) -> &'static str {
    SPINNER.get(frame % SPINNER.len()).copied().unwrap_or(" ")
}

/// "12 of 40": the selection's place in the whole result, once the first page is in (with
/// short pages, among the users the agent can reach: see `UserList::counter`).
fn counter(app: &App) -> Option<String> {
    let list = &app.list;
    if let Some(scan) = app.scan_progress() {
        let position = (!list.is_empty()).then(|| list.selected as u64 + 1);
        return Some(crate::tui::messages::scan_counter(position, &scan, app.busy()));
    }
    if !list.loaded {
        return None;
    }
    Some(crate::tui::messages::counter(list.counter()))
}
