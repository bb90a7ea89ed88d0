//! The command line (`:`) and the views it opens, drawn with ratatui's `TestBackend`: the line
//! with Tab's choices, an error kept with the text, the audit trail and the history.
//! Review a `.snap.new` by reading it, then rename it to `.snap`.

#[path = "common/console.rs"]
mod console;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::audit::AuditRecord;
use zitadesk::tui::app::{App, FullView};
use zitadesk::tui::audit_view::AuditTail;
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::view;

const INSTANCE: &str = "https://acme.zitadel.cloud";

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    t.draw(|f| view::draw(f, app, &console::ctx(false)))
        .expect("draw");
    t.backend().to_string()
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(console::key(code)).1
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn record(user: &str, minutes: i64, action: &str, outcome: &str) -> AuditRecord {
    AuditRecord {
        time: jiff::Timestamp::from_second(1_740_823_471 - minutes * 60).expect("time"),
        instance: INSTANCE.into(),
        profile: Some("acme".into()),
        operator: Some("helpdesk-bot".into()),
        user_id: user.into(),
        action: action.into(),
        mode: "send".into(),
        url_template: None,
        email: None,
        outcome: outcome.into(),
        error: None,
        sequence: Some(7),
    }
}

/// The trail as the executor would read it: oldest first, one line hostile.
fn trail() -> AuditTail {
    let mut set_email = record("300000000000000104", 30, "set-email", "ok");
    set_email.email = Some("zoe.new@acme.example".into());
    set_email.mode = "verified".into();
    let mut refused = record("300000000000000106", 20, "unlock", "error");
    refused.error = Some("COMMAND-already-unlocked".into());
    refused.mode = "none".into();
    let mut hostile = record("300000000000000199\u{1b}[2J", 10, "resend\u{202e}", "unknown");
    hostile.operator = Some("eve\u{9b}31m".into());
    AuditTail {
        records: vec![
            record("300000000000000101", 60, "resend", "ok"),
            set_email,
            refused,
            hostile,
            record("300000000000000108", 5, "invite", "ok"),
        ],
        problems: Vec::new(),
        instance: INSTANCE.into(),
    }
}

/// `:` + `command` + Enter, then the trail's answer to the read it asks for.
fn open_with_trail(app: &mut App, command: &str) {
    press(app, KeyCode::Char(':'));
    typed(app, command);
    let effects = press(app, KeyCode::Enter);
    let [Effect::ReadAuditTrail { id }] = effects.as_slice() else {
        panic!("the trail is read: {effects:?}")
    };
    app.update(Msg::AuditTrail {
        id: *id,
        result: Ok(trail()),
    });
}

#[test]
fn tab_on_an_empty_line_lists_the_commands() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = console::started_app(w, h);
        press(&mut app, KeyCode::Char(':'));
        press(&mut app, KeyCode::Tab);
        let text = screen(&app, w, h);
        let last = text
            .lines()
            .nth(usize::from(h) - 1)
            .unwrap_or_default()
            .to_string();
        assert!(
            last.starts_with("\":"),
            "the line is where the status row was: {last}"
        );
        assert!(
            text.contains("user ID|EMAIL|LOGIN") && text.contains("history"),
            "{text}"
        );
        insta::assert_snapshot!(format!("tab_lists_commands_{w}x{h}"), text);
    }
}

#[test]
fn tab_completes_a_column_and_then_offers_the_direction() {
    let mut app = console::started_app(80, 24);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "sort cr");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let text = screen(&app, 80, 24);
    assert!(text.contains(":sort creation date"), "{text}");
    assert!(text.contains("creation date asc · creation date desc"), "{text}");
    insta::assert_snapshot!("sort_direction_80x24", text);
}

#[test]
fn an_unknown_command_is_said_whole_and_the_text_stays() {
    let mut app = console::started_app(80, 24);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "frobnicate now");
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    assert!(text.contains(":frobnicate now"), "{text}");
    assert!(
        text.contains(":history") && text.contains(":q"),
        "wrapped, not cut: {text}"
    );
    insta::assert_snapshot!("unknown_command_80x24", text);
}

#[test]
fn the_audit_view_is_newest_first_and_sanitised() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = console::started_app(w, h);
        open_with_trail(&mut app, "audit");
        let text = screen(&app, w, h);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text}");
        let invite = text.find("invite").unwrap_or(usize::MAX);
        let resend = text.find("300000000000000101").unwrap_or(0);
        assert!(invite < resend, "newest first:\n{text}");
        insta::assert_snapshot!(format!("audit_{w}x{h}"), text);
    }
}

#[test]
fn the_audit_filter_keeps_matching_lines() {
    let mut app = console::started_app(80, 24);
    open_with_trail(&mut app, "audit");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "ZOE.NEW");
    let text = screen(&app, 80, 24);
    assert!(text.contains("1 of 5 lines"), "{text}");
    assert!(text.contains("set-email") && !text.contains("invite"), "{text}");
    insta::assert_snapshot!("audit_filtered_80x24", text);
}

#[test]
fn the_history_view_lists_this_session_then_the_trail() {
    let mut app = console::started_app(80, 24);
    // Open the first user: the detail's answer makes them "opened this session".
    let effects = press(&mut app, KeyCode::Enter);
    let Some(Effect::GetUser { id, user_id }) = effects.first() else {
        panic!("{effects:?}")
    };
    let user = console::seed_users()
        .iter()
        .find(|u| &u.user_id == user_id)
        .cloned()
        .expect("a seed user");
    app.update(Msg::GotUser {
        id: *id,
        result: Ok(user),
    });
    press(&mut app, KeyCode::Esc);
    open_with_trail(&mut app, "history");
    assert!(matches!(app.commands.view, Some(FullView::History(_))));
    let text = screen(&app, 80, 24);
    assert!(text.contains("this session · jane@acme"), "{text}");
    assert!(text.contains("zitadesk: invite"), "{text}");
    insta::assert_snapshot!("history_80x24", text);
}
