//! One frame, one write: the terminal the console draws into holds back ratatui's own flushes
//! (it flushes inside `draw` to hide the cursor, which would split a frame into two writes —
//! over SSH, two packets) until the frame is committed. The run loop and the tests draw through
//! [`draw_frame`], so what the tests measure is what the agent's terminal receives.
//!
//! A frame whose list scrolled lets the terminal move the rows (`row_shift.rs`): the last
//! frame is kept for that, and ratatui's diff is then taken against it shifted. Whatever makes
//! the terminal lose its screen (a resize does so itself) goes through [`forget`].

use std::io::{self, Write};
use std::ops::Range;

use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::App;
use super::layout;
use super::row_shift::Shift;
use super::sgr::sixteen_colours;
use super::view::{self, ViewCtx};
use super::wire_trim::Trim;

/// A terminal whose output goes through a [`FrameWriter`] into `W`.
pub type FrameTerminal<W> = Terminal<CrosstermBackend<FrameWriter<W>>>;

/// `W` behind a buffer that holds the whole frame until [`commit`] (ratatui's own `flush`
/// calls wait for it), so the frame leaves in one write with its colours in the 16-colour
/// form (see `sgr.rs`) and without what would change nothing (see `wire_trim.rs`).
pub struct FrameWriter<W: Write> {
    inner: W,
    frame: Vec<u8>,
    /// The last frame drawn, which the terminal shows and ratatui diffs against; `None` when
    /// that is not known (before the first frame, after [`forget`]).
    last: Option<Buffer>,
    /// What every frame is cut down to before it leaves (see `wire_trim.rs`).
    trim: Trim,
}

impl<W: Write> FrameWriter<W> {
    /// `capacity`: what a usual frame takes (a larger one grows the buffer).
    pub fn new(inner: W, capacity: usize) -> Self {
        FrameWriter {
            inner,
            frame: Vec::with_capacity(capacity),
            last: None,
            trim: Trim::default(),
        }
    }

    fn flush_now(&mut self) -> io::Result<()> {
        if !self.frame.is_empty() {
            let out = self.trim.frame(&sixteen_colours(&self.frame));
            self.frame.clear();
            self.inner.write_all(&out)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.frame.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Sends the frame written so far, in one write.
pub fn commit<W: Write>(terminal: &mut FrameTerminal<W>) -> io::Result<()> {
    terminal.backend_mut().writer_mut().flush_now()
}

/// Writes `bytes` to the terminal at once, after the frame so far, past the frame buffer (which
/// would keep a copy of them after flushing): for a clipboard sequence that carries a code.
pub fn write_through<W: Write>(terminal: &mut FrameTerminal<W>, bytes: &[u8]) -> io::Result<()> {
    commit(terminal)?;
    let inner = &mut terminal.backend_mut().writer_mut().inner;
    inner.write_all(bytes)?;
    inner.flush()
}

/// Draws one frame inside synchronized output (DEC 2026), so a terminal that supports it
/// paints it whole instead of row by row, and sends it in one write. When the list's rows
/// moved since the last frame, the terminal moves them first (see `row_shift.rs`).
pub fn draw_frame<W: Write>(terminal: &mut FrameTerminal<W>, app: &App, ctx: &ViewCtx) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    // What `Terminal::draw` does, with the shift between rendering and diffing. A changed
    // size clears the screen and ratatui's buffers: the last frame's size tells.
    terminal.autoresize()?;
    let cursor = view::render(&mut terminal.get_frame(), app, ctx);
    if let Some(last) = terminal.backend_mut().writer_mut().last.take() {
        let next = terminal.current_buffer_mut();
        if let Some(shift) = Shift::between(&last, next, list_body(app, next.area)) {
            let next = std::mem::take(terminal.current_buffer_mut());
            let mut shifted = last;
            shift.apply(&mut shifted);
            // ratatui's previous buffer becomes the last frame as the terminal shows it once
            // shifted: swapping makes the current buffer the previous one.
            *terminal.current_buffer_mut() = shifted;
            terminal.swap_buffers();
            *terminal.current_buffer_mut() = next;
            terminal.backend_mut().write_all(&shift.sequence())?;
        }
    }
    let drawn = terminal.apply_buffer_with_cursor(cursor)?.buffer.clone();
    terminal.backend_mut().writer_mut().last = Some(drawn);
    queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    commit(terminal)
}

/// Forgets what the terminal shows, so the next frame is drawn whole: after the screen was
/// cleared or given away (a suspend). Not `Terminal::clear`: it asks the terminal where the
/// cursor is and waits for the answer (a round trip over SSH, and two seconds lost with a
/// terminal that does not answer).
pub fn forget<W: Write>(terminal: &mut FrameTerminal<W>) {
    // Swapping resets ratatui's previous buffer; both are blank then.
    terminal.swap_buffers();
    let writer = terminal.backend_mut().writer_mut();
    writer.last = None;
    writer.trim.forget();
}

/// The rows of the list's body (under its column titles): what scrolls with the list.
fn list_body(app: &App, screen: Rect) -> Range<u16> {
    if layout::too_small(screen) {
        return 0..0;
    }
    let list = app.areas().list.intersection(screen);
    list.y.saturating_add(1).min(list.bottom())..list.bottom()
}
