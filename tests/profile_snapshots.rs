//! Profiles in the console: the header names the profile and who the console acts as, `P`
//! opens the picker, and choosing another profile asks the run loop to reconnect.
//! `INSTA_UPDATE=always cargo test --test profile_snapshots` after an intended change.

#[path = "common/console.rs"]
mod console;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::view;

fn app_for(profile: &str, width: u16, height: u16) -> App {
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            profile: Some(profile.into()),
            profiles: vec!["acme".into(), "globex".into(), "initech-readonly".into()],
            ..Default::default()
        },
        width,
        height,
    );
    let effects = app.start();
    console::serve(&mut app, effects);
    app.update(Msg::SignedIn(Some("Helga Helpdesk\u{1b}[2J".into())));
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    t.draw(|f| view::draw(f, app, &console::ctx(false)))
        .expect("draw");
    t.backend().to_string()
}

#[test]
fn the_header_names_the_profile_and_who_signed_in_sanitised() {
    let app = app_for("acme", 120, 40);
    let text = screen(&app, 120, 40);
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.contains("profile acme") && header.contains("as Helga Helpdesk␛[2J"),
        "{header}"
    );
    insta::assert_snapshot!("header_120x40", text);
}

#[test]
fn p_opens_the_picker_and_enter_switches() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app_for("acme", w, h);
        app.update(console::key(KeyCode::Char('P')));
        assert_eq!(app.keymap().name(), zitadesk::tui::picker::KEYMAP.name);
        assert_eq!(
            app.picker.as_ref().map(|p| p.at),
            Some(0),
            "the current profile is highlighted first"
        );
        app.update(console::key(KeyCode::Char('j')));
        insta::assert_snapshot!(format!("picker_{w}x{h}"), screen(&app, w, h));
        let (_, effects) = app.update(console::key(KeyCode::Enter));
        assert_eq!(effects, vec![Effect::SwitchProfile("globex".into())]);
        assert!(app.picker.is_none());
    }
}

#[test]
fn choosing_the_current_profile_or_esc_changes_nothing() {
    let mut app = app_for("acme", 80, 24);
    app.update(console::key(KeyCode::Char('P')));
    let (_, effects) = app.update(console::key(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    app.update(console::key(KeyCode::Char('P')));
    let (_, effects) = app.update(console::key(KeyCode::Esc));
    assert!(effects.is_empty());
    assert_eq!(app.keymap().name(), zitadesk::tui::browse::LIST.name);
}

#[test]
fn after_a_switch_the_new_connection_shows_its_profile() {
    let app = app_for("globex", 80, 24);
    let text = screen(&app, 80, 24);
    assert!(
        text.lines().next().unwrap_or_default().contains("profile globex"),
        "{text}"
    );
    insta::assert_snapshot!("after_switch_80x24", text);
}

#[test]
fn without_profiles_p_says_how_to_add_them() {
    let mut app = console::started_app(80, 24);
    app.update(console::key(KeyCode::Char('P')));
    assert!(app.picker.is_none());
    assert!(app.error.as_deref().unwrap_or_default().contains("config init"));
}
