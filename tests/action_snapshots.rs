//! Every remedy's dialog rendered into ratatui's `TestBackend` and compared with insta
//! snapshots (`tests/snapshots/`), at 80×24 and 120×40 — the sibling of
//! `tests/resend_snapshots.rs` for the actions menu and the other kinds. The console is driven
//! as the run loop drives it, without a network: the demo seed listed, a user selected, `a` and
//! a digit (or `r`), and ZITADEL's answers fed back as `Msg::Issued` with the id of the one
//! request the dialog asked for.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test action_snapshots`,
//! then read every changed `.snap` file before committing it.

#[path = "common/seeded.rs"]
mod seeded;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use seeded::listed;
use zitadesk::api::wire::{ActionResponse, CodeDetails, VerificationCode};
use zitadesk::api::{Action, ActionKind, ActionResult, ApiError, Status};
use zitadesk::tui::action_dialog::{ActionDialog, Target};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

const JANE: &str = "300000000000000101";
const MAX_LOCKED: &str = "300000000000000106";
const ERIKA_INACTIVE: &str = "300000000000000107";
const CODE: &str = "K7Q2O1";
const TEMPLATE: &str = "https://help.acme.example/reset?user={{.UserID}}&code={{.Code}}";

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

fn chr(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// A console that has listed every seed user, with `user_id` selected.
fn console(w: u16, h: u16, user_id: &str, read_only: bool) -> App {
    listed(
        Connection {
            host: "acme.zitadel.cloud".into(),
            read_only,
            ..Connection::default()
        },
        w,
        h,
        Some(user_id),
    )
}

/// The remedy on menu line `digit` for `user_id`, chosen with `a` and the digit.
fn chosen(w: u16, h: u16, user_id: &str, digit: char, kind: ActionKind) -> App {
    let mut app = console(w, h, user_id, false);
    app.update(chr('a'));
    assert!(app.menu.is_some(), "a opens the menu");
    app.update(chr(digit));
    assert_eq!(app.dialog.as_ref().map(|d| d.kind), Some(kind), "line {digit}");
    app
}

/// The dialog of `kind` for `user_id` opened directly (for remedies the menu marks as merely
/// possible or not applicable to the seed user: the dialog is the same).
fn opened(w: u16, h: u16, user_id: &str, kind: ActionKind, read_only: bool) -> App {
    let mut app = console(w, h, user_id, read_only);
    let user = app.list.selected_row().expect("selected").user.clone();
    app.dialog = Some(ActionDialog::new(
        kind,
        Target::from_user(&user),
        Vec::new(),
        read_only,
    ));
    app
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(chr(c));
    }
}

/// Presses Enter and returns the one request the dialog asked for.
fn send(app: &mut App) -> (u64, Action) {
    let (_, effects) = app.update(key(KeyCode::Enter));
    match effects.as_slice() {
        [Effect::Apply { id, action, .. }] => (*id, action.clone()),
        other => panic!("one confirmed action, one request: {other:?}"),
    }
}

fn answered(code: Option<&str>) -> Result<ActionResult, ApiError> {
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

fn answer(app: &mut App, id: u64, result: Result<ActionResult, ApiError>) {
    let (changed, _) = app.update(Msg::Issued {
        id,
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

fn text(app: &App, w: u16, h: u16) -> String {
    let terminal = terminal(app, w, h);
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot(name: &str, app: &App, w: u16, h: u16) {
    let terminal = terminal(app, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

#[test]
fn the_menu_of_a_locked_user() {
    for (w, h) in SIZES {
        let mut app = console(w, h, MAX_LOCKED, false);
        app.update(chr('a'));
        snapshot("menu_locked", &app, w, h);
    }
}

#[test]
fn unlock_names_user_and_effect_then_says_it_is_done() {
    for (w, h) in SIZES {
        let mut app = chosen(w, h, MAX_LOCKED, '6', ActionKind::Unlock);
        let screen = text(&app, w, h);
        assert!(
            screen.contains("Max Mustermann") && screen.contains("State: locked"),
            "{screen}"
        );
        snapshot("unlock", &app, w, h);
        let (id, action) = send(&mut app);
        assert_eq!(action, Action::Unlock);
        answer(&mut app, id, answered(None));
        assert!(text(&app, w, h).contains("✓ Max Mustermann unlocked"));
        snapshot("unlocked", &app, w, h);
    }
}

#[test]
fn unlock_of_a_user_who_is_not_locked_is_refused_in_words() {
    for (w, h) in SIZES {
        let mut app = opened(w, h, JANE, ActionKind::Unlock, false);
        let (id, _) = send(&mut app);
        let not_locked = ApiError::FailedPrecondition(Status {
            http: 400,
            code: Some(9),
            id: Some("COMMAND-olb9vb0oca".into()),
            message: "User is not locked".into(),
        });
        answer(&mut app, id, Err(not_locked));
        assert!(text(&app, w, h).contains("nothing to unlock"));
        snapshot("unlock_refused", &app, w, h);
    }
}

#[test]
fn reactivate() {
    for (w, h) in SIZES {
        let app = chosen(w, h, ERIKA_INACTIVE, '7', ActionKind::Reactivate);
        snapshot("reactivate", &app, w, h);
    }
}

#[test]
fn read_only_refuses_a_remedy() {
    for (w, h) in SIZES {
        let app = opened(w, h, MAX_LOCKED, ActionKind::Unlock, true);
        assert!(text(&app, w, h).contains("Unlocking is disabled"));
        snapshot("unlock_read_only", &app, w, h);
    }
}

#[test]
fn set_email_asks_for_the_address_then_shows_old_and_new() {
    for (w, h) in SIZES {
        let mut app = opened(w, h, JANE, ActionKind::SetEmail, false);
        type_text(&mut app, "jane.doe@");
        snapshot("set_email_invalid", &app, w, h);
        type_text(&mut app, "acme.example.org");
        snapshot("set_email_address", &app, w, h);
        app.update(key(KeyCode::Enter));
        let screen = text(&app, w, h);
        assert!(
            screen.contains("jane.doe@acme.example") && screen.contains("→  jane.doe@acme.example.org"),
            "{screen}"
        );
        snapshot("set_email_mail", &app, w, h);
        app.update(key(KeyCode::Tab));
        app.update(key(KeyCode::Tab));
        let (_, effects) = app.update(key(KeyCode::Enter));
        assert!(effects.is_empty(), "the first Enter only asks");
        snapshot("set_email_confirm_verified", &app, w, h);
    }
}

#[test]
fn set_email_with_a_returned_code_masks_it_until_v() {
    for (w, h) in SIZES {
        let mut app = opened(w, h, JANE, ActionKind::SetEmail, false);
        type_text(&mut app, "jane@new.example");
        app.update(key(KeyCode::Enter));
        app.update(key(KeyCode::Tab));
        let (id, _) = send(&mut app);
        answer(&mut app, id, answered(Some(CODE)));
        let masked = text(&app, w, h);
        assert!(!masked.contains(CODE) && masked.contains("••••••"), "{masked}");
        snapshot("set_email_code_masked", &app, w, h);
        app.update(chr('v'));
        assert!(text(&app, w, h).contains(CODE), "v reveals");
    }
}

#[test]
fn phone_code() {
    for (w, h) in SIZES {
        let app = opened(w, h, JANE, ActionKind::PhoneCode, false);
        assert!(text(&app, w, h).contains("+41791234567"));
        snapshot("phone_code", &app, w, h);
    }
}

#[test]
fn password_reset_with_a_link_template() {
    for (w, h) in SIZES {
        let mut app = opened(w, h, JANE, ActionKind::PasswordReset, false);
        type_text(&mut app, TEMPLATE);
        snapshot("password_reset", &app, w, h);
    }
}

#[test]
fn a_returned_reset_code_read_aloud() {
    for (w, h) in SIZES {
        let mut app = opened(w, h, JANE, ActionKind::PasswordReset, false);
        app.update(key(KeyCode::Tab));
        app.update(key(KeyCode::Tab));
        let (id, _) = send(&mut app);
        answer(&mut app, id, answered(Some(CODE)));
        app.update(chr('r'));
        let screen = text(&app, w, h);
        assert!(screen.contains("Kilo") && screen.contains("Oscar"), "{screen}");
        snapshot("read_aloud", &app, w, h);
        app.update(key(KeyCode::Esc));
        assert!(app.dialog.is_some(), "Esc leaves the spelling, not the dialog");
    }
}

#[test]
fn the_resend_warns_when_the_user_is_locked() {
    for (w, h) in SIZES {
        let mut app = console(w, h, MAX_LOCKED, false);
        app.update(chr('r'));
        let screen = text(&app, w, h);
        assert!(
            screen.contains("a code is useless until the user is unlocked"),
            "{screen}"
        );
        snapshot("resend_locked", &app, w, h);
    }
}

#[test]
fn tiny_screens_clip_the_new_phases_without_panicking() {
    let sizes = (0..=130u16)
        .step_by(9)
        .flat_map(|w| (0..=45u16).step_by(4).map(move |h| (w, h)));
    for (w, h) in [(40, 10), (41, 11), (79, 23)].into_iter().chain(sizes) {
        let mut app = opened(80, 24, JANE, ActionKind::SetEmail, false);
        type_text(&mut app, "jane@new.example");
        app.update(Msg::Resize { width: w, height: h });
        let _ = text(&app, w, h);
        app.update(key(KeyCode::Enter));
        app.update(key(KeyCode::Tab));
        let (id, _) = send(&mut app);
        answer(&mut app, id, answered(Some(CODE)));
        app.update(chr('r'));
        // Drawn whole or clipped, never outside the buffer.
        let _ = text(&app, w, h);
    }
}
