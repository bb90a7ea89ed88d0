//! One frame, one write: the terminal the console draws into holds back ratatui's own flushes
//! (it flushes inside `draw` to hide the cursor, which would split a frame into two writes —
//! over SSH, two packets) until the frame is committed. The run loop and the tests draw through
//! [`draw_frame`], so what the tests measure is what the agent's terminal receives.

use std::io::{self, Write};

use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::App;
use super::sgr::sixteen_colours;
use super::view::{self, ViewCtx};

/// A terminal whose output goes through a [`FrameWriter`] into `W`.
pub type FrameTerminal<W> = Terminal<CrosstermBackend<FrameWriter<W>>>;

/// `W` behind a buffer that holds the whole frame until [`commit`] (ratatui's own `flush`
/// calls wait for it), so the frame leaves in one write with its colours in the 16-colour
/// form (see `sgr.rs`).
pub struct FrameWriter<W: Write> {
    inner: W,
    frame: Vec<u8>,
}

impl<W: Write> FrameWriter<W> {
    /// `capacity`: what a usual frame takes (a larger one grows the buffer).
    pub fn new(inner: W, capacity: usize) -> Self {
        FrameWriter {
            inner,
            frame: Vec::with_capacity(capacity),
        }
    }

    fn flush_now(&mut self) -> io::Result<()> {
        if !self.frame.is_empty() {
            let out = sixteen_colours(&self.frame);
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
/// paints it whole instead of row by row, and sends it in one write.
pub fn draw_frame<W: Write>(terminal: &mut FrameTerminal<W>, app: &App, ctx: &ViewCtx) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| view::draw(frame, app, ctx))?;
    queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    commit(terminal)
}
