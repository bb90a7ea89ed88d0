//! Entering and leaving the terminal. Raw mode and the alternate screen are undone on every
//! way out: a normal return, a signal (the loop returns), and a panic (the hook restores
//! before the message is printed, so the message is readable and the shell usable).

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::frame::{FrameTerminal, FrameWriter};
use super::row_shift::WHOLE_SCREEN;

/// The agent's terminal: stdout, flushed once per frame.
pub type Tty = FrameTerminal<Stdout>;

/// Holds a whole frame of a large terminal.
const FRAME_BUFFER: usize = 64 * 1024;

/// Whether the terminal is ours right now (so the panic hook knows whether to restore).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether the console asked for mouse events (to be switched off on the way out).
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Raw mode, alternate screen, mouse events when `mouse`, and the panic hook.
pub fn enter(mouse: bool) -> io::Result<Tty> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    MOUSE.store(mouse, Ordering::SeqCst);
    let mut out = io::stdout();
    let entered = execute!(out, EnterAlternateScreen, EnableBracketedPaste).and_then(|()| {
        if mouse {
            execute!(out, EnableMouseCapture)
        } else {
            Ok(())
        }
    });
    if let Err(e) = entered {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(FrameWriter::new(out, FRAME_BUFFER))).inspect_err(|_| restore())
}

/// Takes the terminal again after the console was stopped (or the shell changed its modes
/// meanwhile): raw mode, the alternate screen, and a cleared screen so the next frame is
/// drawn whole.
pub fn resume(tty: &mut Tty) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    queue!(
        tty.backend_mut(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )?;
    if MOUSE.load(Ordering::SeqCst) {
        queue!(tty.backend_mut(), EnableMouseCapture)?;
    }
    super::frame::forget(tty);
    super::frame::commit(tty)
}

/// Leaves the alternate screen, shows the cursor, and restores cooked mode. Safe to call
/// more than once; errors are ignored because there is nothing left to tell them to (after
/// SIGHUP the terminal is gone).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    // End a frame the panic may have cut short, so the shell's screen is not left in
    // synchronized-output mode, nor with a scrolling region of a few rows.
    let _ = queue!(out, EndSynchronizedUpdate);
    let _ = out.write_all(WHOLE_SCREEN);
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = out.flush();
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let was_ours = ACTIVE.load(Ordering::SeqCst);
        restore();
        previous(info);
        // A panic in a background task would otherwise leave the loop drawing onto the shell's
        // screen with a request that never answers: end here, the message printed.
        if was_ours {
            std::process::exit(101);
        }
    }));
}
