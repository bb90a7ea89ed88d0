//! The dialog for each kind of action: the one Action each delivery stands for, the new
//! address's check, the double confirmation of a verified address, one request per
//! confirmation, refusals and read-only for every kind, and reading a code aloud.

use super::*;
use crate::api::wire::{ActionResponse, VerificationCode};
use crate::api::{Call, Status};
use crossterm::event::{KeyCode, KeyModifiers};

const T1: &str = "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}";

fn target(state: UserState) -> Target {
    Target {
        user_id: "300000000000000301".into(),
        org_id: "200000000000000003".into(),
        display_name: "Max Mustermann".into(),
        login_name: "max@acme.example".into(),
        email: "max@acme.example".into(),
        email_status: EmailStatus::Verified,
        phone: "+41 79 555 01 02".into(),
        state,
    }
}

fn dialog(kind: ActionKind) -> ActionDialog {
    ActionDialog::new(kind, target(UserState::Active), vec![T1.into()], false)
}

fn typed(d: &mut ActionDialog, text: &str) {
    for c in text.chars() {
        d.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn enter() -> KeyEvent {
    KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
}

fn status(id: &str, message: &str) -> Status {
    Status {
        http: 400,
        code: Some(9),
        id: Some(id.into()),
        message: message.into(),
    }
}

fn ok(code: Option<&str>) -> Result<ActionResult, ApiError> {
    Ok(ActionResult::from(ActionResponse {
        details: None,
        verification_code: code.map(VerificationCode::new),
        invite_code: None,
    }))
}

/// Enter: the one request asked for, marked as sent with `id`.
fn confirm(d: &mut ActionDialog, id: u64) -> Action {
    match d.on_action(DialogAction::Confirm) {
        Request::Issue(action) => {
            d.sent(id, action.clone());
            action
        }
        other => panic!("Enter should issue one request, got {other:?}"),
    }
}

/// The Action Enter asks for after `tabs` presses of Tab, on a fresh dialog.
fn action_after_tabs(kind: ActionKind, tabs: usize, prepare: impl Fn(&mut ActionDialog)) -> Action {
    let mut d = dialog(kind);
    prepare(&mut d);
    for _ in 0..tabs {
        assert_eq!(d.on_action(DialogAction::SwitchDelivery), Request::Changed);
    }
    match d.on_action(DialogAction::Confirm) {
        Request::Issue(action) => action,
        other => panic!("{kind:?} after {tabs} tabs: {other:?}"),
    }
}

fn template() -> Option<UrlTemplate> {
    check_url_template(T1).ok()
}

#[test]
fn each_delivery_of_each_kind_is_its_own_action() {
    let with_template = |d: &mut ActionDialog| typed(d, T1);
    let none = |_: &mut ActionDialog| {};
    assert_eq!(
        action_after_tabs(ActionKind::Invite, 0, with_template),
        Action::Invite {
            mode: CodeMode::Send {
                url_template: template()
            },
            application_name: None
        }
    );
    assert_eq!(
        action_after_tabs(ActionKind::Invite, 1, none),
        Action::Invite {
            mode: CodeMode::Return,
            application_name: None
        }
    );
    assert_eq!(
        action_after_tabs(ActionKind::PhoneCode, 0, none),
        Action::PhoneCode(PhoneMode::Send)
    );
    assert_eq!(
        action_after_tabs(ActionKind::PhoneCode, 1, none),
        Action::PhoneCode(PhoneMode::Return)
    );
    assert_eq!(
        action_after_tabs(ActionKind::PasswordReset, 0, with_template),
        Action::PasswordReset(ResetMode::Email {
            url_template: template()
        })
    );
    assert_eq!(
        action_after_tabs(ActionKind::PasswordReset, 0, none),
        Action::PasswordReset(ResetMode::Email { url_template: None })
    );
    assert_eq!(
        action_after_tabs(ActionKind::PasswordReset, 1, with_template),
        Action::PasswordReset(ResetMode::Sms),
        "a text takes no template, whatever the field holds"
    );
    assert_eq!(
        action_after_tabs(ActionKind::PasswordReset, 2, none),
        Action::PasswordReset(ResetMode::Return)
    );
    assert_eq!(
        action_after_tabs(ActionKind::PasswordReset, 3, none),
        Action::PasswordReset(ResetMode::Email { url_template: None }),
        "Tab comes round again"
    );
    assert_eq!(action_after_tabs(ActionKind::Unlock, 0, none), Action::Unlock);
    assert_eq!(
        action_after_tabs(ActionKind::Reactivate, 0, none),
        Action::Reactivate
    );
}

#[test]
fn a_bad_template_sends_nothing_for_any_mailed_kind() {
    for kind in [ActionKind::Invite, ActionKind::PasswordReset] {
        let mut d = dialog(kind);
        typed(&mut d, "https://x.example/{{.userId}}");
        assert!(matches!(d.check, TemplateCheck::Invalid(_)), "{kind:?}");
        assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing, "{kind:?}");
    }
}

#[test]
fn keys_and_deliveries_fit_the_kind() {
    assert_eq!(dialog(ActionKind::Unlock).keymap().name, APPLYING.name);
    assert_eq!(
        dialog(ActionKind::Unlock).on_action(DialogAction::SwitchDelivery),
        Request::Nothing,
        "nothing to choose"
    );
    assert_eq!(dialog(ActionKind::PhoneCode).keymap().name, CHOOSING.name);
    assert_eq!(dialog(ActionKind::Invite).keymap().name, EDITING.name);
    assert_eq!(dialog(ActionKind::SetEmail).keymap().name, ADDRESS.name);
    // Phone codes take no text: a letter is not typed anywhere.
    let mut d = dialog(ActionKind::PhoneCode);
    typed(&mut d, "abc");
    assert_eq!(d.template.value(), "");
    assert_eq!(d.typing(), None);
}

#[test]
fn set_email_takes_a_checked_address_first() {
    let mut d = dialog(ActionKind::SetEmail);
    assert!(matches!(d.phase, Phase::Address { error: None }));
    assert_eq!(d.typing(), Some(Field::Address));
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing, "empty");
    typed(&mut d, "max.acme.example");
    assert_eq!(d.address_check, Err(AddressError::NoAt));
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);
    assert!(matches!(d.phase, Phase::Address { .. }), "still asking");
    // Fixed by typing on: the @ goes in after the local part.
    d.address = Input::new(" max@new.example ".into());
    d.recheck();
    assert_eq!(d.new_address(), Some("max@new.example"));
    assert_eq!(d.address_length(), "15/200");
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Changed);
    assert!(matches!(d.phase, Phase::Editing { error: None }));
    assert_eq!(
        d.typing(),
        Some(Field::Template),
        "now the template has the keyboard"
    );
    assert_eq!(
        confirm(&mut d, 1),
        Action::SetEmail {
            email: "max@new.example".into(),
            verification: EmailVerification::Code(CodeMode::Send { url_template: None })
        }
    );
}

#[test]
fn set_email_with_a_returned_code() {
    let mut d = dialog(ActionKind::SetEmail);
    typed(&mut d, "max@new.example");
    d.on_action(DialogAction::Confirm);
    d.on_action(DialogAction::SwitchDelivery);
    assert_eq!(d.delivery, Delivery::Return);
    assert_eq!(
        confirm(&mut d, 1),
        Action::SetEmail {
            email: "max@new.example".into(),
            verification: EmailVerification::Code(CodeMode::Return)
        }
    );
}

#[test]
fn marking_verified_needs_a_second_enter_and_esc_goes_back() {
    let mut d = dialog(ActionKind::SetEmail);
    typed(&mut d, "max@new.example");
    d.on_action(DialogAction::Confirm);
    d.on_action(DialogAction::SwitchDelivery);
    d.on_action(DialogAction::SwitchDelivery);
    assert_eq!(d.delivery, Delivery::Verified);
    assert_eq!(
        d.on_action(DialogAction::Confirm),
        Request::Changed,
        "the first Enter only asks"
    );
    assert!(matches!(d.phase, Phase::ConfirmVerified));
    assert_eq!(d.keymap().name, VERIFYING.name);
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Changed);
    assert!(
        matches!(d.phase, Phase::Editing { error: None }),
        "Esc: back, not closed"
    );
    d.on_action(DialogAction::Confirm);
    assert_eq!(
        confirm(&mut d, 4),
        Action::SetEmail {
            email: "max@new.example".into(),
            verification: EmailVerification::Verified
        }
    );
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing, "in flight");
    assert!(d.answered(4, ok(None), None));
    let Phase::Done { action, .. } = &d.phase else {
        panic!("{:?}", d.phase)
    };
    assert_eq!(action.mode_word(), "verified", "audited as such");
}

#[test]
fn one_confirmation_is_one_request_and_stale_answers_are_dropped() {
    let mut d = dialog(ActionKind::Unlock);
    assert_eq!(confirm(&mut d, 9), Action::Unlock);
    assert!(d.in_flight());
    for action in [
        DialogAction::Confirm,
        DialogAction::Cancel,
        DialogAction::SwitchDelivery,
    ] {
        assert_eq!(d.on_action(action), Request::Nothing, "{action:?} in flight");
    }
    assert!(!d.answered(8, ok(None), None), "an older request's answer");
    assert!(d.in_flight());
    assert!(d.answered(9, ok(None), None));
    assert!(matches!(d.phase, Phase::Done { .. }));
    assert!(!d.answered(9, ok(None), None), "answered once");
    assert_eq!(d.keymap().name, MESSAGE.name);
    assert_eq!(d.on_key(enter()), Request::Close);
}

#[test]
fn a_refusal_zitadel_names_is_worded_and_only_closing_is_offered() {
    let cases = [
        (ActionKind::Unlock, "COMMAND-olb9vb0oca", "nothing to unlock"),
        (
            ActionKind::Reactivate,
            "COMMAND-s5qqcz97hf",
            "nothing to reactivate",
        ),
        (
            ActionKind::Invite,
            "COMMAND-EF34g",
            "send a password reset instead",
        ),
        (ActionKind::PhoneCode, "PHONE-5xrra88eq8", "no phone code"),
    ];
    for (kind, id, says) in cases {
        let mut d = dialog(kind);
        confirm(&mut d, 1);
        assert!(d.answered(1, Err(ApiError::FailedPrecondition(status(id, "x"))), None));
        let Phase::Refused { error } = &d.phase else {
            panic!("{kind:?}: {:?}", d.phase)
        };
        assert!(error.contains(says), "{kind:?}: {error}");
        assert_eq!(d.keymap().name, MESSAGE.name);
        assert_eq!(d.on_key(enter()), Request::Close, "no retry");
    }
}

#[test]
fn the_same_address_goes_back_to_the_address_with_the_reason() {
    let mut d = dialog(ActionKind::SetEmail);
    typed(&mut d, "max@acme.example");
    d.on_action(DialogAction::Confirm);
    confirm(&mut d, 1);
    let unchanged = ApiError::FailedPrecondition(status("COMMAND-Uch5e", "Email not changed"));
    assert!(d.answered(1, Err(unchanged), None));
    assert!(matches!(d.phase, Phase::Address { .. }), "{:?}", d.phase);
    assert!(
        d.error()
            .is_some_and(|e| e.contains("already the user's address")),
        "{:?}",
        d.error()
    );
    assert_eq!(d.new_address(), Some("max@acme.example"), "kept to fix");
}

#[test]
fn an_unknown_outcome_says_what_may_have_happened_and_sends_nothing_more() {
    let mut d = dialog(ActionKind::Unlock);
    confirm(&mut d, 1);
    let timeout = ApiError::Timeout {
        call: Call::UnlockUser,
        secs: 15,
    };
    assert!(d.answered(1, Err(timeout), None));
    let error = d.error().unwrap_or_default();
    assert!(
        error.starts_with("outcome unknown — ZITADEL may have unlocked the user"),
        "{error}"
    );
    assert!(matches!(d.phase, Phase::Editing { .. }), "open, nothing retried");
}

#[test]
fn read_only_refuses_every_kind() {
    for kind in ActionKind::ALL {
        let mut d = ActionDialog::new(kind, target(UserState::Locked), Vec::new(), true);
        assert!(matches!(d.phase, Phase::ReadOnly), "{kind:?}");
        assert_eq!(d.on_key(enter()), Request::Close, "{kind:?}");
    }
}

#[test]
fn code_dialogs_warn_about_a_locked_or_inactive_user() {
    let locked = target(UserState::Locked);
    for kind in [
        ActionKind::EmailCode,
        ActionKind::PhoneCode,
        ActionKind::PasswordReset,
    ] {
        let d = ActionDialog::new(kind, locked.clone(), Vec::new(), false);
        assert_eq!(d.note, Some(Note::Locked), "{kind:?}");
    }
    let d = ActionDialog::new(
        ActionKind::EmailCode,
        target(UserState::Inactive),
        Vec::new(),
        false,
    );
    assert_eq!(d.note, Some(Note::Inactive));
    let d = ActionDialog::new(ActionKind::Unlock, locked, Vec::new(), false);
    assert_eq!(d.note, None, "unlocking is the remedy, not a code");
}

#[test]
fn a_returned_code_can_be_read_aloud_and_esc_comes_back_first() {
    let mut d = dialog(ActionKind::PasswordReset);
    d.on_action(DialogAction::SwitchDelivery);
    d.on_action(DialogAction::SwitchDelivery);
    assert_eq!(confirm(&mut d, 1), Action::PasswordReset(ResetMode::Return));
    assert!(d.answered(1, ok(Some("K7Q2XW")), None));
    assert_eq!(d.keymap().name, SHOWING_CODE.name);
    let r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
    assert_eq!(d.on_key(r), Request::Changed);
    assert!(matches!(
        d.phase,
        Phase::Done {
            read_aloud: true,
            revealed: true,
            ..
        }
    ));
    assert_eq!(d.keymap().name, READING_ALOUD.name);
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(d.on_key(esc), Request::Changed, "Esc leaves the spelling first");
    assert!(matches!(
        d.phase,
        Phase::Done {
            read_aloud: false,
            ..
        }
    ));
    assert_eq!(d.on_key(esc), Request::Close);
}

#[test]
fn nothing_to_read_aloud_without_a_code() {
    let mut d = dialog(ActionKind::Unlock);
    confirm(&mut d, 1);
    d.answered(1, ok(None), None);
    assert_eq!(d.on_action(DialogAction::ReadAloud), Request::Nothing);
}
