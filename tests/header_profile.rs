//! The console's header never names a profile that was not used (issue 14): settings from
//! flags and the environment alone leave `Connection::profile` empty (see
//! `settings::RawSettings::resolve`), and the header then says so — when the config file has
//! profiles one might think were in use — rather than naming one.

#[path = "common/console.rs"]
mod console;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::view;

fn header(profile: Option<&str>, profiles: &[&str]) -> String {
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            profile: profile.map(Into::into),
            profiles: profiles.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        },
        120,
        24,
    );
    let effects = app.start();
    console::serve(&mut app, effects);
    let mut t = Terminal::new(TestBackend::new(120, 24)).expect("terminal");
    t.draw(|f| view::draw(f, &app, &console::ctx(false)))
        .expect("draw");
    let text = t.backend().to_string();
    text.lines().next().unwrap_or_default().to_string()
}

#[test]
fn an_environment_only_console_says_no_profile_is_in_use() {
    let h = header(None, &["acme", "globex"]);
    assert!(h.contains("profile none (flags and environment)"), "{h}");
    assert!(!h.contains("globex") && !h.contains("profile acme"), "{h}");
}

#[test]
fn a_used_profile_is_named_and_without_profiles_none_is_mentioned() {
    let h = header(Some("globex"), &["acme", "globex"]);
    assert!(h.contains("profile globex") && !h.contains("none"), "{h}");
    let h = header(None, &[]);
    assert!(!h.contains("profile"), "{h}");
}
