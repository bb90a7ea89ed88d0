//! The copy menu (`y`) and the sort picker (`s`) over the console, driven by keys, at 80×24
//! and 120×40: Jane (every value copyable), a machine user (no email), a hostile user whose
//! login name and email hold control characters (shown sanitised, not copyable); the picker
//! as it opens, turned descending, and the order named in the search row after a pick.
//! `INSTA_UPDATE=always cargo test --test copy_sort_snapshots` after an intended change.

#[path = "common/console.rs"]
mod console;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::tui::app::App;
use zitadesk::tui::clipboard::Clipboard;
use zitadesk::tui::msg::Msg;
use zitadesk::tui::view;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn screen(app: &App, w: u16, h: u16) -> String {
    let ctx = console::ctx(false);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view::draw(f, app, &ctx)).expect("draw");
    t.backend().to_string()
}

/// The console with the user `user_id` selected and `y` pressed.
fn copy_menu_on(user_id: &str, w: u16, h: u16) -> App {
    let mut app = console::started_app(w, h);
    let at = app
        .list
        .visible(0, app.list.len())
        .position(|r| r.user.user_id == user_id)
        .expect("the user is on the first page");
    for _ in 0..at {
        app.update(console::key(KeyCode::Char('j')));
    }
    app.update(console::key(KeyCode::Char('y')));
    assert!(app.copy_menu.is_some(), "y opens the menu");
    app
}

#[test]
fn copy_menu_for_jane_shows_every_value() {
    for (w, h) in SIZES {
        let text = screen(&copy_menu_on("300000000000000101", w, h), w, h);
        assert!(text.contains("Copy — Jane Doe"), "{text}");
        assert!(text.contains("▶ 1 user ID     300000000000000101"), "{text}");
        assert!(text.contains("2 email       jane.doe@acme.example"), "{text}");
        assert!(
            text.contains("3 login name  jane@acme.demo.zitadel.cloud"),
            "{text}"
        );
        assert!(text.contains("Enter copy · 1-3 pick · Esc close"), "{text}");
        insta::assert_snapshot!(format!("copy_menu_jane_{w}x{h}"), text);
    }
}

#[test]
fn with_the_clipboard_off_the_copy_menu_and_the_status_say_so() {
    let mut app = copy_menu_on("300000000000000101", 80, 24);
    app.connection.clipboard = Clipboard::Off;
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("copying is off: set clipboard = osc52 to turn it on"),
        "{text}"
    );
    assert!(!text.contains("goes to your own terminal's clipboard"), "{text}");
    insta::assert_snapshot!("copy_menu_clipboard_off_80x24", text);
    app.update(console::key(KeyCode::Char('1')));
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("user ID not copied: copying is off (set clipboard = osc52)"),
        "{text}"
    );
}

/// Each way of copying, each value: the whole sentence fits the 80-column status row beside
/// "1 of 1,000", so the condition at its end (`set-clipboard on`) is never cut.
#[test]
fn every_copy_status_fits_80_columns_whole() {
    let endings = [
        (Clipboard::Terminal, "(if it allows OSC 52)"),
        (Clipboard::Tmux, "— tmux needs set-clipboard on"),
        (Clipboard::TmuxPassthrough, "— tmux needs allow-passthrough on"),
        (Clipboard::Screen, "(if the terminal allows OSC 52)"),
        (Clipboard::Off, "(set clipboard = osc52)"),
    ];
    for (clipboard, ending) in endings {
        for (key, label) in [('1', "user ID"), ('2', "email"), ('3', "login name")] {
            let mut app = copy_menu_on("300000000000000101", 80, 24);
            app.connection.clipboard = clipboard;
            app.update(console::key(KeyCode::Char(key)));
            let text = screen(&app, 80, 24);
            let status = text.lines().last().unwrap_or_default();
            assert!(
                status.contains(label) && status.contains(ending) && status.contains("1 of 1,000"),
                "{clipboard:?} {label}: {status}"
            );
        }
    }
}

/// With copying off the status row's note is not drawn in the colour of a success.
#[test]
fn a_copy_with_the_clipboard_off_is_not_coloured_as_done() {
    let note_colour = |clipboard| {
        let mut app = copy_menu_on("300000000000000101", 80, 24);
        app.connection.clipboard = clipboard;
        app.update(console::key(KeyCode::Char('1')));
        let ctx = console::ctx(false);
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        t.draw(|f| view::draw(f, &app, &ctx)).expect("draw");
        let cell = &t.backend().buffer()[(2, 23)];
        assert_eq!(cell.symbol(), "u", "the note starts at column 2");
        cell.style()
    };
    assert_ne!(note_colour(Clipboard::Off), note_colour(Clipboard::Terminal));
}

#[test]
fn inside_tmux_the_status_row_names_set_clipboard() {
    let mut app = copy_menu_on("300000000000000101", 80, 24);
    app.connection.clipboard = Clipboard::Tmux;
    app.update(console::key(KeyCode::Char('3')));
    insta::assert_snapshot!("copied_status_tmux_80x24", screen(&app, 80, 24));
}

#[test]
fn copy_menu_for_a_machine_user_has_no_email_to_copy() {
    for (w, h) in SIZES {
        let mut app = copy_menu_on("300000000000000114", w, h);
        assert!(screen(&app, w, h).contains("2 email       no email"));
        app.update(console::key(KeyCode::Char('2')));
        let text = screen(&app, w, h);
        assert!(text.contains("nothing to copy: no email"), "{text}");
        insta::assert_snapshot!(format!("copy_menu_machine_refused_{w}x{h}"), text);
    }
}

#[test]
fn copy_menu_for_a_hostile_user_copies_only_the_id() {
    for (w, h) in SIZES {
        let app = copy_menu_on("300000000000000128", w, h);
        let text = screen(&app, w, h);
        assert!(!text.contains('\r') && !text.contains('\t'), "{text:?}");
        assert_eq!(
            text.matches("not copied: holds control or invisible characters")
                .count(),
            2,
            "{text}"
        );
        insta::assert_snapshot!(format!("copy_menu_hostile_{w}x{h}"), text);
    }
}

#[test]
fn copying_says_what_went_to_the_clipboard_in_the_status_row() {
    let mut app = copy_menu_on("300000000000000101", 80, 24);
    app.update(console::key(KeyCode::Char('2')));
    let text = screen(&app, 80, 24);
    let status = text.lines().last().unwrap_or_default();
    assert!(
        status.contains("email sent to the terminal's clipboard (if it allows OSC 52)"),
        "{status}"
    );
    insta::assert_snapshot!("copied_status_80x24", text);
}

#[test]
fn sort_picker_marks_the_order_in_effect() {
    for (w, h) in SIZES {
        let mut app = console::started_app(w, h);
        let text = screen(&app, w, h);
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.contains("sort: display name ↑")),
            "the order in effect is always named: {text}"
        );
        app.update(console::key(KeyCode::Char('s')));
        let text = screen(&app, w, h);
        assert!(text.contains("▶ 1 display name   (now ↑)"), "{text}");
        assert!(
            text.contains("picks sort ↑ ascending — d: ↓ descending"),
            "{text}"
        );
        insta::assert_snapshot!(format!("sort_picker_{w}x{h}"), text);
    }
}

#[test]
fn sort_picker_turned_descending_then_email_picked() {
    for (w, h) in SIZES {
        let mut app = console::started_app(w, h);
        app.update(console::key(KeyCode::Char('s')));
        app.update(console::key(KeyCode::Char('d')));
        app.update(console::key(KeyCode::Char('j')));
        let text = screen(&app, w, h);
        assert!(text.contains("▶ 2 user name"), "{text}");
        assert!(
            text.contains("picks sort ↓ descending — d: ↑ ascending"),
            "{text}"
        );
        insta::assert_snapshot!(format!("sort_picker_descending_{w}x{h}"), text);

        let (_, effects) = app.update(console::key(KeyCode::Char('3')));
        assert!(console::serve(&mut app, effects).is_empty());
        let text = screen(&app, w, h);
        assert!(app.sort_picker.is_none());
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.ends_with("sort: email ↓\"")),
            "{text}"
        );
        // `S` turns it round in one key.
        let shift_s = KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT);
        let (_, effects) = app.update(Msg::Key(shift_s));
        assert!(console::serve(&mut app, effects).is_empty());
        let text = screen(&app, w, h);
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.ends_with("sort: email ↑\"")),
            "{text}"
        );
    }
}
