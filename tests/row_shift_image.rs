//! Frames whose rows the terminal moves itself (`tui::row_shift`) leave the same image as a
//! whole redraw: every frame is played into a terminal emulator, which is then compared cell
//! by cell (character, colours, bold, dim, italic, underline, reverse) with a second emulator
//! that was given the same state drawn from scratch. Covered: scrolling down (IND) and back
//! up (RI), colour, monochrome and ASCII drawing, a popup over the rows that moved, the
//! detail pane beside them, and a resize in between. The scrolling region is always the whole
//! screen again before a frame ends, and no frame uses SU/SD (`CSI S`, `CSI T`), which the
//! Linux console lacks.

#[path = "common/console.rs"]
mod console;

use std::num::NonZeroU16;

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use zitadesk::tui::app::App;
use zitadesk::tui::msg::Msg;
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::ViewCtx;

use console::{Wire, WireTerminal, ctx, key, measured_draw, serve, started_app, wire_terminal};

use std::cell::RefCell;
use std::rc::Rc;

fn emulator(width: u16, height: u16) -> vt100::Parser {
    vt100::Parser::new(
        NonZeroU16::new(height).expect("rows"),
        NonZeroU16::new(width).expect("cols"),
        0,
    )
}

/// Every cell of the emulator's screen with what it shows: its character (a cell never
/// written and a written space look alike), then its colours and attributes unless default.
fn image(parser: &vt100::Parser) -> Vec<String> {
    let screen = parser.screen();
    let (rows, cols) = screen.size();
    (0..rows.get())
        .map(|r| {
            let mut row = String::new();
            for c in 0..cols.get() {
                let Some(cell) = screen.cell(r, c) else {
                    row.push('?');
                    continue;
                };
                row.push_str(if cell.has_contents() { cell.contents() } else { " " });
                let flags = [
                    cell.bold(),
                    cell.dim(),
                    cell.italic(),
                    cell.underline(),
                    cell.inverse(),
                ];
                let plain =
                    cell.fgcolor() == vt100::Color::Default && cell.bgcolor() == vt100::Color::Default;
                if !plain || flags.iter().any(|f| *f) {
                    let flags: String = flags.iter().map(|f| if *f { '1' } else { '0' }).collect();
                    row.push_str(&format!("[{:?}/{:?} {flags}]", cell.fgcolor(), cell.bgcolor()));
                }
            }
            row
        })
        .collect()
}

/// vt100 0.18 drops U+FFFD (which terminals draw one column wide, and which the sanitiser
/// puts where a C1 control was): both emulators see a one-column stand-in instead.
fn feed(parser: &mut vt100::Parser, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).replace('\u{fffd}', "¿");
    parser.process(text.as_bytes());
}

/// The image of `app` drawn whole onto a blank terminal.
fn redrawn(app: &App, ctx: &ViewCtx) -> Vec<String> {
    let (width, height) = (app.screen.width, app.screen.height);
    let (mut terminal, wire) = wire_terminal(width, height);
    let mut parser = emulator(width, height);
    feed(&mut parser, &measured_draw(&mut terminal, &wire, app, ctx).bytes);
    image(&parser)
}

/// What the frames so far did with the scrolling region.
#[derive(Default)]
struct Seen {
    /// Frames that moved rows up (a line feed in a region) and down (a reverse index).
    up: usize,
    down: usize,
}

/// A console drawn frame by frame into an emulator, as the run loop draws into a terminal.
struct Screen {
    app: App,
    ctx: ViewCtx,
    terminal: WireTerminal,
    wire: Rc<RefCell<Wire>>,
    parser: vt100::Parser,
    seen: Seen,
}

impl Screen {
    fn new(width: u16, height: u16, ctx: ViewCtx) -> Screen {
        let app = started_app(width, height);
        let (terminal, wire) = wire_terminal(width, height);
        let mut s = Screen {
            app,
            ctx,
            terminal,
            wire,
            parser: emulator(width, height),
            seen: Seen::default(),
        };
        s.frame("the first frame");
        s
    }

    /// Draws the next frame, plays it, and compares the image with a whole redraw.
    fn frame(&mut self, what: &str) {
        let bytes = measured_draw(&mut self.terminal, &self.wire, &self.app, &self.ctx).bytes;
        self.check_region(&bytes, what);
        feed(&mut self.parser, &bytes);
        assert_eq!(
            image(&self.parser),
            redrawn(&self.app, &self.ctx),
            "{what}: the terminal shows what a whole redraw shows; the frame:\n{}",
            String::from_utf8_lossy(&bytes).escape_debug()
        );
    }

    /// No SU/SD; every scrolling region set is reset before the frame ends.
    fn check_region(&mut self, bytes: &[u8], what: &str) {
        let csi = csi_sequences(bytes);
        assert!(
            !csi.iter().any(|(_, fin)| matches!(fin, b'S' | b'T')),
            "{what}: no SU/SD: {csi:?}"
        );
        let regions: Vec<&(String, u8)> = csi.iter().filter(|(_, fin)| *fin == b'r').collect();
        if let Some((params, _)) = regions.last() {
            assert!(
                params.is_empty(),
                "{what}: the region is the whole screen at the end: {regions:?}"
            );
        }
        let set = regions.iter().filter(|(params, _)| !params.is_empty()).count();
        assert_eq!(
            set * 2,
            regions.len(),
            "{what}: each region set is reset: {regions:?}"
        );
        if set > 0 {
            // The moves are between the region set and its reset.
            let text = String::from_utf8_lossy(bytes);
            let scrolled = text.split("\x1b[r").next().unwrap_or_default();
            if scrolled.contains('\n') {
                self.seen.up += 1;
            }
            if scrolled.contains("\x1bM") {
                self.seen.down += 1;
            }
        }
    }

    fn press(&mut self, code: KeyCode, what: &str) {
        let (_, effects) = self.app.update(key(code));
        let _ = serve(&mut self.app, effects);
        self.frame(what);
    }
}

/// `(parameters, final byte)` of every `ESC [` sequence.
fn csi_sequences(bytes: &[u8]) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == 0x1b && bytes[i + 1] == b'[' {
            let start = i + 2;
            let Some(end) = (start..bytes.len()).find(|&j| (0x40..=0x7e).contains(&bytes[j])) else {
                break;
            };
            out.push((
                String::from_utf8_lossy(&bytes[start..end]).into_owned(),
                bytes[end],
            ));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// 50 rows down from the top and 40 back up, one key at a time.
fn down_and_up(theme: Theme) {
    let mut ctx = ctx(false);
    ctx.theme = theme;
    let mut s = Screen::new(80, 24, ctx);
    for n in 1..=50 {
        s.press(KeyCode::Char('j'), &format!("j {n}"));
    }
    assert_eq!(s.app.list.selected, 50);
    assert_eq!(s.app.list.scroll, 31, "the selection on the last row");
    for n in 1..=40 {
        s.press(KeyCode::Char('k'), &format!("k {n}"));
    }
    assert_eq!(
        (s.app.list.selected, s.app.list.scroll),
        (10, 10),
        "the selection on the first row"
    );
    // 31 rows scrolled down, then 21 back: each one a shift.
    assert_eq!((s.seen.up, s.seen.down), (31, 21));
}

#[test]
fn scrolling_in_colour_leaves_the_image_of_a_whole_redraw() {
    down_and_up(Theme::new(false));
}

#[test]
fn scrolling_in_monochrome_leaves_the_image_of_a_whole_redraw() {
    down_and_up(Theme::new(true));
}

#[test]
fn scrolling_in_ascii_leaves_the_image_of_a_whole_redraw() {
    for no_color in [false, true] {
        let mut theme = Theme::new(no_color);
        theme.ascii = true;
        down_and_up(theme);
    }
}

#[test]
fn rows_moved_under_a_popup_leave_the_image_of_a_whole_redraw() {
    let mut s = Screen::new(80, 24, ctx(false));
    for n in 1..=25 {
        s.press(KeyCode::Char('j'), &format!("j {n}"));
    }
    s.press(KeyCode::Char('y'), "the copy menu");
    assert!(
        s.parser.screen().contents().contains("Copy"),
        "the popup is open:\n{}",
        s.parser.screen().contents()
    );
    let before = s.seen.up + s.seen.down;
    // The list moves under the open popup (as a page arriving or the wheel would move it).
    let viewport = s.app.viewport();
    for n in 1..=5 {
        s.app.list.move_by(1, viewport);
        s.frame(&format!("a row down under the popup {n}"));
    }
    for n in 1..=8 {
        s.app.list.move_by(-3, viewport);
        s.frame(&format!("three rows up under the popup {n}"));
    }
    assert!(
        s.seen.up + s.seen.down > before,
        "the rows beside the popup were shifted, not rewritten"
    );
    s.press(KeyCode::Esc, "the popup closed");
}

#[test]
fn rows_beside_the_detail_pane_leave_the_image_of_a_whole_redraw() {
    let mut s = Screen::new(120, 30, ctx(false));
    s.press(KeyCode::Enter, "the detail open");
    assert!(
        s.app.areas().detail.is_some_and(|d| d.x > 0),
        "the detail beside the list"
    );
    for n in 1..=40 {
        s.press(KeyCode::Char('j'), &format!("j {n} beside the detail"));
    }
    for n in 1..=30 {
        s.press(KeyCode::Char('k'), &format!("k {n} beside the detail"));
    }
    // The region spans the detail's rows too: what moved there with the list is written
    // again, and a shift is taken only where that still costs less than rewriting the list.
    assert!(
        s.seen.up > 0 && s.seen.down > 0,
        "shifted beside the detail: {} down, {} up",
        s.seen.up,
        s.seen.down
    );
}

#[test]
fn a_resize_between_shifted_frames_leaves_the_image_of_a_whole_redraw() {
    let mut s = Screen::new(80, 24, ctx(false));
    for n in 1..=30 {
        s.press(KeyCode::Char('j'), &format!("j {n}"));
    }
    for (width, height) in [(100, 30), (70, 18), (80, 24)] {
        // What autoresize does when the terminal reports another size: clear, new buffers.
        s.terminal.resize(Rect::new(0, 0, width, height)).expect("resize");
        s.parser.set_size(
            NonZeroU16::new(height).expect("rows"),
            NonZeroU16::new(width).expect("cols"),
        );
        let _ = s.app.update(Msg::Resize { width, height });
        s.frame(&format!("resized to {width}×{height}"));
        let (up, down) = (s.seen.up, s.seen.down);
        // More presses than the viewport has rows: the list scrolls both ways at this size.
        for n in 1..=30 {
            s.press(KeyCode::Char('j'), &format!("j {n} at {width}×{height}"));
        }
        for n in 1..=30 {
            s.press(KeyCode::Char('k'), &format!("k {n} at {width}×{height}"));
        }
        assert!(
            s.seen.up > up && s.seen.down > down,
            "shifted both ways at {width}×{height}"
        );
    }
}
