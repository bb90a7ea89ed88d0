//! What a selection move costs on the wire at 80×24: the real state and view, drawn through
//! ratatui's crossterm backend into a byte counter, wrapped in synchronized output exactly as
//! the run loop does. Over SSH every byte counts; the target is a median ≤ 400 bytes per move.

#[path = "common/console.rs"]
mod console;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;
use zitadesk::tui::app::App;
use zitadesk::tui::msg::Msg;
use zitadesk::tui::view;

use console::{Frame, ctx, key, measured_draw, serve, started_app, wire_terminal};

const MOVES: usize = 200;
const MEDIAN_LIMIT: usize = 400;
const MAX_LIMIT: usize = 700;

/// One escape sequence or run of text in a terminal byte stream.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    /// `ESC [ params final`.
    Csi { params: String, fin: char },
    /// Any other escape (`ESC x`).
    Esc(u8),
    /// Bytes that put something in cells.
    Text(String),
}

fn tokens(bytes: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut text = Vec::new();
    while i < bytes.len() {
        if bytes[i] != 0x1b {
            text.push(bytes[i]);
            i += 1;
            continue;
        }
        if !text.is_empty() {
            out.push(Token::Text(
                String::from_utf8_lossy(&std::mem::take(&mut text)).into_owned(),
            ));
        }
        if bytes.get(i + 1) == Some(&b'[') {
            let start = i + 2;
            let end = (start..bytes.len())
                .find(|&j| (0x40..=0x7e).contains(&bytes[j]))
                .expect("a complete CSI sequence");
            out.push(Token::Csi {
                params: String::from_utf8_lossy(&bytes[start..end]).into_owned(),
                fin: char::from(bytes[end]),
            });
            i = end + 1;
        } else {
            out.push(Token::Esc(bytes.get(i + 1).copied().unwrap_or(0)));
            i += 2;
        }
    }
    if !text.is_empty() {
        out.push(Token::Text(String::from_utf8_lossy(&text).into_owned()));
    }
    out
}

/// The text of each row of a ratatui buffer, as a terminal shows it (a wide character's
/// second cell is part of the character).
fn buffer_rows(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buf[(x, y)].symbol();
                row.push_str(symbol);
                skip = symbol.width().saturating_sub(1);
            }
            row.trim_end().to_string()
        })
        .collect()
}

/// The frame the view draws for `app` from scratch (no diff), row by row.
fn fresh_rows(app: &App, no_color: bool) -> Vec<String> {
    let area = app.screen;
    let mut t = Terminal::new(TestBackend::new(area.width, area.height)).expect("test terminal");
    let ctx = ctx(no_color);
    t.draw(|f| view::draw(f, app, &ctx)).expect("draw");
    buffer_rows(t.backend().buffer())
        .into_iter()
        .map(|r| r.replace('\u{fffd}', STAND_IN))
        .collect()
}

/// vt100 0.18 drops U+FFFD (which terminals draw one column wide, and which the sanitiser
/// puts where a C1 control was): both sides see a one-column stand-in instead.
const STAND_IN: &str = "¿";

fn feed(parser: &mut vt100::Parser, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).replace('\u{fffd}', STAND_IN);
    parser.process(text.as_bytes());
}

fn emulator_rows(parser: &vt100::Parser) -> Vec<String> {
    parser
        .screen()
        .rows(0, 80)
        .map(|r| r.trim_end().to_string())
        .collect()
}

struct Stats {
    median: usize,
    p90: usize,
    max: usize,
}

fn stats(sizes: &[usize]) -> Stats {
    let mut s = sizes.to_vec();
    s.sort_unstable();
    let at = |q: usize| s[(s.len() - 1) * q / 100];
    Stats {
        median: at(50),
        p90: at(90),
        max: at(100),
    }
}

/// Presses `j` [`MOVES`] times at 80×24, one frame per press, and returns each frame. Every
/// frame is also played into a terminal emulator, which must then show exactly what the view
/// draws from scratch: the diff is small *and* complete.
fn moves(no_color: bool) -> Vec<Frame> {
    let mut app = started_app(80, 24);
    let (mut terminal, wire) = wire_terminal(80, 24);
    let ctx = ctx(no_color);
    let mut emulator = vt100::Parser::new(
        std::num::NonZeroU16::new(24).expect("rows"),
        std::num::NonZeroU16::new(80).expect("cols"),
        0,
    );

    let first = measured_draw(&mut terminal, &wire, &app, &ctx);
    feed(&mut emulator, &first.bytes);
    assert!(
        first.bytes.len() > 80 * 20,
        "the first frame paints the screen: {} bytes",
        first.bytes.len()
    );
    assert_eq!(emulator_rows(&emulator), fresh_rows(&app, no_color));
    assert!(
        emulator.screen().contents().contains("acme.zitadel.cloud"),
        "{}",
        emulator.screen().contents()
    );

    let mut frames = Vec::new();
    for n in 1..=MOVES {
        let (changed, effects) = app.update(key(KeyCode::Char('j')));
        assert!(changed, "a move changes the screen");
        // Pages asked for near the end of what is loaded are answered at once, before the
        // frame (a fast server), so each frame is one move.
        let rest = serve(&mut app, effects);
        assert!(rest.is_empty(), "only list requests: {rest:?}");
        assert!(!app.busy());
        let frame = measured_draw(&mut terminal, &wire, &app, &ctx);
        assert_eq!(frame.writes, 1, "move {n}: a frame leaves in one write");
        feed(&mut emulator, &frame.bytes);
        assert_eq!(
            emulator_rows(&emulator),
            fresh_rows(&app, no_color),
            "after move {n} the terminal must show what the view draws"
        );
        frames.push(frame);
    }
    assert_eq!(
        app.list.position(),
        Some(1 + MOVES as u64),
        "every press moved the selection"
    );
    assert!(
        emulator_rows(&emulator).iter().any(|r| r.contains('▶')),
        "the selection is marked on screen"
    );
    frames
}

fn report(label: &str, frames: &[Frame]) -> Stats {
    let sizes: Vec<usize> = frames.iter().map(|f| f.bytes.len()).collect();
    let writes: Vec<usize> = frames.iter().map(|f| f.writes).collect();
    let s = stats(&sizes);
    let w = stats(&writes);
    let big = sizes.iter().filter(|&&b| b > 1000).count();
    let mean = sizes.iter().sum::<usize>() / sizes.len().max(1);
    eprintln!(
        "{label}: bytes per move at 80×24 over {} moves: median {} · p90 {} · max {} · mean {} · {} frames over 1000 bytes · \
         writes per frame median {} max {}",
        sizes.len(),
        s.median,
        s.p90,
        s.max,
        mean,
        big,
        w.median,
        w.max
    );
    s
}

#[test]
fn a_selection_move_at_80x24_writes_at_most_400_bytes_median() {
    let frames = moves(false);
    let s = report("colour", &frames);
    assert!(
        s.median <= MEDIAN_LIMIT,
        "median {} bytes per move (limit {MEDIAN_LIMIT})",
        s.median
    );
    // A move inside the viewport rewrites only the two rows involved and the counter; a move
    // past its edge scrolls one row, which the terminal moves itself (`tui::row_shift`), so
    // it costs about the same: no frame rewrites the list.
    assert!(s.max <= MAX_LIMIT, "max {} bytes (limit {MAX_LIMIT})", s.max);
}

#[test]
fn a_selection_move_without_colour_writes_at_most_400_bytes_median() {
    let frames = moves(true);
    let s = report("NO_COLOR", &frames);
    assert!(
        s.median <= MEDIAN_LIMIT,
        "median {} bytes per move (limit {MEDIAN_LIMIT})",
        s.median
    );
}

/// The run loop does not draw at all when `update` returns `changed == false` (see
/// `tui::run::run_in`), so an idle console writes nothing. Should a frame be drawn anyway
/// with nothing changed, ratatui's diff leaves no cell to write: only the frame's fixed
/// envelope (synchronized-output begin/end, attribute resets, cursor hide) goes out.
#[test]
fn nothing_changed_means_no_frame_and_no_cell_content() {
    let mut app = started_app(80, 24);
    let (mut terminal, wire) = wire_terminal(80, 24);
    let ctx = ctx(false);
    measured_draw(&mut terminal, &wire, &app, &ctx);

    // Messages that change nothing visible say so, and the loop then skips the frame.
    let (changed, effects) = app.update(Msg::Tick);
    assert!(
        !changed && effects.is_empty(),
        "a tick while idle changes nothing"
    );
    let (changed, effects) = app.update(key(KeyCode::Char('x')));
    assert!(
        !changed && effects.is_empty(),
        "an unbound key in the list changes nothing"
    );
    let (changed, effects) = app.update(key(KeyCode::Char('k')));
    assert!(effects.is_empty());
    assert_eq!(
        app.list.position(),
        Some(1),
        "k at the top stays at the top (changed: {changed})"
    );

    let frame = measured_draw(&mut terminal, &wire, &app, &ctx);
    let toks = tokens(&frame.bytes);
    let text: Vec<&Token> = toks.iter().filter(|t| matches!(t, Token::Text(_))).collect();
    assert!(text.is_empty(), "no cell content: {text:?}");
    let moves: Vec<&Token> = toks
        .iter()
        .filter(|t| matches!(t, Token::Csi { fin: 'H', .. }))
        .collect();
    assert!(moves.is_empty(), "no cursor positioning for cells: {moves:?}");
    assert!(
        toks.iter().all(|t| match t {
            Token::Csi {
                params,
                fin: 'h' | 'l',
            } => params == "?2026" || params == "?25",
            Token::Csi { fin: 'm', .. } => true,
            _ => false,
        }),
        "only the envelope: {toks:?}"
    );
    eprintln!(
        "an unchanged redraw writes {} bytes of envelope in {} writes",
        frame.bytes.len(),
        frame.writes
    );
}

#[test]
fn the_token_reader_sees_text_and_cursor_moves() {
    // The reader the assertions above rely on, checked on a known stream.
    let toks = tokens(b"\x1b[?2026h\x1b[3;1Hab\x1b[0m\x1b7");
    assert_eq!(
        toks,
        vec![
            Token::Csi {
                params: "?2026".into(),
                fin: 'h'
            },
            Token::Csi {
                params: "3;1".into(),
                fin: 'H'
            },
            Token::Text("ab".into()),
            Token::Csi {
                params: "0".into(),
                fin: 'm'
            },
            Token::Esc(b'7'),
        ]
    );
}
