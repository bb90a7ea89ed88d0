//! Rendering cost: one frame of the users list at 120×40 (the view and ratatui's diff, into
//! `TestBackend`), and one selection move plus its frame at 80×24 through the crossterm
//! backend into a byte counter, as the run loop draws it. `cargo bench --bench render`.

#[path = "../tests/common/console.rs"]
mod console;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::tui::view;

fn main() {
    divan::main();
}

/// One full frame of the list at 120×40. The terminal is cleared before each draw so that
/// ratatui's diff writes every cell, as on the first frame or after a resize — the worst
/// case, not the empty diff of an unchanged state.
#[divan::bench(sample_count = 1000)]
fn list_frame_120x40(bencher: divan::Bencher) {
    let app = console::started_app(120, 40);
    let ctx = console::ctx(false);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        terminal.clear().expect("clear");
        terminal.draw(|f| view::draw(f, &app, &ctx)).expect("draw");
    });
}

/// One selection move and its frame at 80×24, bytes and all. The selection walks 200 rows
/// down and back up, so the viewport's half-page jumps and page loads are included in
/// their real proportion.
#[divan::bench(sample_count = 1000)]
fn move_and_draw_80x24(bencher: divan::Bencher) {
    let mut app = console::started_app(80, 24);
    let ctx = console::ctx(false);
    let (mut terminal, wire) = console::wire_terminal(80, 24);
    console::draw(&mut terminal, &app, &ctx);
    let mut step = 0usize;
    bencher.bench_local(|| {
        let code = if step % 400 < 200 {
            KeyCode::Char('j')
        } else {
            KeyCode::Char('k')
        };
        step += 1;
        let (_, effects) = app.update(console::key(code));
        console::serve(&mut app, effects);
        console::measured_draw(&mut terminal, &wire, &app, &ctx)
    });
}
