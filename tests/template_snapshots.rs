//! The action dialog's link template in ratatui's `TestBackend` (insta snapshots in
//! `tests/snapshots/`): a long link wraps instead of being cut, the dialog opens with the
//! template last sent with this profile (read from the audit trail), the result names the
//! link that went out, and a revealed code sits where its mask was. The console is driven as
//! the run loop drives it, without a network; ZITADEL's answers and the trail are fed back as
//! messages with the ids the console asked for.

#[path = "common/seeded.rs"]
mod seeded;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use seeded::listed;
use zitadesk::api::wire::{ActionResponse, CodeDetails, VerificationCode};
use zitadesk::api::{ActionKind, ActionResult, ApiError};
use zitadesk::audit::AuditRecord;
use zitadesk::tui::action_dialog::{ActionDialog, Target};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::audit_view::AuditTail;
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const JANE: &str = "300000000000000101";
const CODE: &str = "K7Q2XW";
const INSTANCE: &str = "https://acme.zitadel.cloud";
const SAVED: &str = "https://help.acme.example/verify?user={{.UserID}}&code={{.Code}}";
/// Longer than any popup is wide: its preview must wrap.
const LONG: &str = "https://selfservice.helpdesk.acme.example/account/email/verification/confirm\
                    ?user={{.UserID}}&organisation={{.OrgID}}&code={{.Code}}&lang=de&end=yes";
const LAST: &str = "https://id.acme.example/v?u={{.UserID}}&c={{.Code}}";

fn ctx() -> ViewCtx {
    ViewCtx {
        now: "2025-03-01T12:10:00Z".parse().expect("timestamp"),
        tz: jiff::tz::TimeZone::UTC,
        theme: Theme::new(false),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

/// A console with profile `prod` that has listed the seed users, with Jane selected.
fn console(w: u16, h: u16) -> App {
    listed(
        Connection {
            host: "acme.zitadel.cloud".into(),
            url_templates: vec![SAVED.into()],
            profile: Some("prod".into()),
            ..Connection::default()
        },
        w,
        h,
        Some(JANE),
    )
}

/// An audit line as `action::apply` writes it.
fn line(profile: &str, action: &str, template: Option<&str>, outcome: &str) -> AuditRecord {
    AuditRecord {
        time: "2025-03-01T09:00:00Z".parse().expect("timestamp"),
        instance: INSTANCE.into(),
        profile: Some(profile.into()),
        operator: None,
        user_id: "300000000000000102".into(),
        action: action.into(),
        mode: "send".into(),
        url_template: template.map(str::to_owned),
        email: None,
        outcome: outcome.into(),
        error: None,
        sequence: None,
    }
}

/// The console reads the trail as the run loop starts it, and the trail answers.
fn remember(app: &mut App, records: Vec<AuditRecord>) {
    let Effect::ReadAuditTrail { id } = app.recall_templates() else {
        panic!("the templates are read from the audit trail");
    };
    app.update(Msg::AuditTrail {
        id,
        result: Ok(AuditTail {
            records,
            problems: Vec::new(),
            instance: INSTANCE.into(),
        }),
    });
}

fn issued(code: Option<&str>) -> Result<ActionResult, ApiError> {
    Ok(ActionResult::from(ActionResponse {
        details: Some(CodeDetails {
            sequence: 42,
            change_date: Some("2025-03-01T12:09:58Z".parse().expect("timestamp")),
            resource_owner: "281465201463541763".into(),
            ..Default::default()
        }),
        verification_code: code.map(VerificationCode::new),
        invite_code: None,
    }))
}

/// Enter, then ZITADEL's answer to the one request it asked for.
fn send_and_answer(app: &mut App, result: Result<ActionResult, ApiError>) {
    let (_, effects) = app.update(key(KeyCode::Enter));
    let [Effect::Apply { id, .. }] = effects.as_slice() else {
        panic!("one confirmed action, one request: {effects:?}");
    };
    let (changed, _) = app.update(Msg::Issued {
        id: *id,
        result,
        audit_error: None,
    });
    assert!(changed, "the dialog took the answer");
}

fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|f| view::draw(f, app, &ctx()))
        .expect("draw into the test backend");
    terminal
}

/// The screen's rows as text.
fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let terminal = terminal(app, w, h);
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

/// The dialog's body text, its rows joined without their borders and padding: what a link
/// wrapped over several rows reads as.
fn body(app: &App, w: u16, h: u16) -> String {
    rows(app, w, h)
        .iter()
        .filter_map(|r| {
            let (_, inside) = r.split_once('│')?;
            let (inside, _) = inside.rsplit_once('│')?;
            Some(inside.trim().to_string())
        })
        .collect()
}

fn snapshot(name: &str, app: &App, w: u16, h: u16) {
    let terminal = terminal(app, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

#[test]
fn a_long_link_wraps_instead_of_being_cut() {
    for (w, h) in SIZES {
        let mut app = console(w, h);
        app.update(key(KeyCode::Char('r')));
        type_text(&mut app, LONG);
        let whole = format!(
            "link: https://selfservice.helpdesk.acme.example/account/email/verification/confirm\
             ?user={JANE}&organisation="
        );
        let text = body(&app, w, h);
        assert!(text.contains(&whole), "{text}");
        assert!(
            text.contains("&code=ABC123&lang=de&end=yes"),
            "the end of the link shows: {text}"
        );
        snapshot("long_link", &app, w, h);

        // The result names it too, wrapped, with the code masked.
        send_and_answer(&mut app, issued(None));
        let text = body(&app, w, h);
        assert!(text.contains("&code=••••••&lang=de&end=yes"), "{text}");
        assert!(!text.contains("ABC123"), "not the sample code: {text}");
        snapshot("long_link_mailed", &app, w, h);
    }
}

#[test]
fn the_dialog_opens_with_the_template_last_sent_with_this_profile() {
    for (w, h) in SIZES {
        let mut app = console(w, h);
        remember(
            &mut app,
            vec![
                line("prod", "resend", Some(LAST), "ok"),
                // Another profile's, a refused one, and a reset link are not it.
                line("staging", "resend", Some(SAVED), "ok"),
                line("prod", "resend", Some(SAVED), "error"),
                line("prod", "password-reset", Some(SAVED), "ok"),
            ],
        );
        app.update(key(KeyCode::Char('r')));
        let d = app.dialog.as_ref().expect("r opens the dialog");
        assert_eq!(d.template.value(), LAST);
        let text = body(&app, w, h);
        assert!(
            text.contains(&format!("link: https://id.acme.example/v?u={JANE}&c=ABC123")),
            "the link is visible before Enter: {text}"
        );
        assert!(
            text.contains("as last sent with this profile on this instance"),
            "{text}"
        );
        assert!(
            text.contains("↑/↓ other links: 1 saved, last sent, default link"),
            "{text}"
        );
        snapshot("remembered", &app, w, h);

        // Down goes to the saved one, and on to ZITADEL's default link.
        app.update(key(KeyCode::Down));
        assert_eq!(app.dialog.as_ref().map(|d| d.template.value()), Some(SAVED));
        app.update(key(KeyCode::Down));
        assert_eq!(app.dialog.as_ref().map(|d| d.template.value()), Some(""));
        assert!(body(&app, w, h).contains("empty: ZITADEL's default link"));
    }
}

#[test]
fn a_send_in_this_session_is_offered_next_time_at_once() {
    let (w, h) = (80, 24);
    let mut app = console(w, h);
    app.update(key(KeyCode::Char('r')));
    type_text(&mut app, LAST);
    send_and_answer(&mut app, issued(None));
    assert!(
        body(&app, w, h).contains(&format!("Link:     https://id.acme.example/v?u={JANE}&c=••••••")),
        "the result names the link"
    );
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('r')));
    assert_eq!(app.dialog.as_ref().map(|d| d.template.value()), Some(LAST));

    // ZITADEL's default link, sent: the next dialog opens empty again.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    assert_eq!(app.dialog.as_ref().map(|d| d.template.value()), Some(""));
    send_and_answer(&mut app, issued(None));
    assert!(body(&app, w, h).contains("Link:     ZITADEL's default link"));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('r')));
    assert_eq!(app.dialog.as_ref().map(|d| d.template.value()), Some(""));
}

/// Where the first cell of `needle` is on screen.
fn find(app: &App, w: u16, h: u16, needle: &str) -> Option<(usize, usize)> {
    rows(app, w, h)
        .iter()
        .enumerate()
        .find_map(|(y, r)| r.find(needle).map(|b| (r[..b].chars().count(), y)))
}

#[test]
fn a_revealed_code_sits_where_the_mask_was() {
    for (w, h) in SIZES {
        let mut app = console(w, h);
        let user = app.list.selected_row().expect("selected").user.clone();
        app.dialog = Some(ActionDialog::new(
            ActionKind::SetEmail,
            Target::from_user(&user),
            Vec::new(),
            false,
        ));
        // At 80 columns "… — reveal with v" fits one row and "… — read it to the caller"
        // takes two: the code must not move down when it is revealed.
        type_text(&mut app, "jane@new.example.org");
        app.update(key(KeyCode::Enter));
        app.update(key(KeyCode::Tab));
        send_and_answer(&mut app, issued(Some(CODE)));
        let mask = find(&app, w, h, "••••••").expect("the mask shows");
        snapshot("set_email_masked", &app, w, h);
        app.update(key(KeyCode::Char('v')));
        assert_eq!(find(&app, w, h, CODE), Some(mask), "the code where the mask was");
        snapshot("set_email_revealed", &app, w, h);
    }
}
