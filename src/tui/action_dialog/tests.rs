use super::*;
use crate::api::Status;
use crate::api::wire::{ActionResponse, Details, HumanEmail, HumanProfile, HumanUser, VerificationCode};
use crossterm::event::{KeyCode, KeyModifiers};

const USER: &str = "300000000000000301";
const ORG: &str = "200000000000000003";
const CODE: &str = "QX7K2M";
const T1: &str = "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}";
const T2: &str = "https://id.example.com/v?u={{.UserID}}&c={{.Code}}&o={{.OrgID}}";

fn target() -> Target {
    Target {
        user_id: USER.into(),
        org_id: ORG.into(),
        display_name: "Peter Gibbons".into(),
        login_name: "peter@initech.example".into(),
        email: "peter.gibbons@initech.example".into(),
        email_status: EmailStatus::NotVerified,
        phone: "+41 79 555 01 02".into(),
        state: UserState::Active,
    }
}

fn dialog() -> ActionDialog {
    ActionDialog::new(ActionKind::EmailCode, target(), vec![T1.into(), T2.into()], false)
}

fn key(d: &mut ActionDialog, code: KeyCode) -> Request {
    d.on_text_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(d: &mut ActionDialog, text: &str) {
    for c in text.chars() {
        key(d, KeyCode::Char(c));
    }
}

fn status(http: u16, id: &str, message: &str) -> Status {
    Status {
        http,
        code: None,
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

/// The dialog after Enter: the request it asked for, marked as sent with `id`.
fn confirm_and_send(d: &mut ActionDialog, id: u64) -> (CodeCall, CodeMode) {
    match d.on_action(DialogAction::Confirm) {
        Request::Issue(action) => {
            d.sent(id, action.clone());
            match action {
                Action::EmailCode { call, mode } => (call, mode),
                other => panic!("an email code, got {other:?}"),
            }
        }
        other => panic!("Enter should issue a request, got {other:?}"),
    }
}

fn error_text(d: &ActionDialog) -> Option<&str> {
    match &d.phase {
        Phase::Editing { .. } | Phase::RetrySend { .. } => d.error(),
        other => panic!("expected Editing or RetrySend, got {other:?}"),
    }
}

#[test]
fn a_new_dialog_mails_with_the_default_link_and_takes_text() {
    let d = dialog();
    assert_eq!(d.delivery, Delivery::Mail);
    assert_eq!(d.check, TemplateCheck::Default);
    assert!(matches!(d.phase, Phase::Editing { error: None }));
    assert_eq!(d.keymap().name, EDITING.name);
    assert_eq!(d.length(), "0/200");
    assert_eq!(d.audit_error, None);
    assert!(d.code().is_none());
}

#[test]
fn enter_with_the_default_link_asks_for_one_resend_without_a_template() {
    let mut d = dialog();
    assert_eq!(
        d.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Send { url_template: None }
        })
    );
}

#[test]
fn tab_switches_between_mail_and_return_and_back() {
    let mut d = dialog();
    assert_eq!(d.on_action(DialogAction::SwitchDelivery), Request::Changed);
    assert_eq!(d.delivery, Delivery::Return);
    assert_eq!(
        d.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Return
        })
    );
    assert_eq!(d.on_action(DialogAction::SwitchDelivery), Request::Changed);
    assert_eq!(d.delivery, Delivery::Mail);
}

#[test]
fn typing_a_valid_template_previews_the_link_for_this_user() {
    let mut d = dialog();
    typed(&mut d, T2);
    assert_eq!(d.template.value(), T2);
    assert_eq!(d.length(), format!("{}/200", T2.chars().count()));
    let TemplateCheck::Valid { preview, .. } = &d.check else {
        panic!("valid template, got {:?}", d.check)
    };
    assert_eq!(
        preview.as_deref(),
        Some(format!("https://id.example.com/v?u={USER}&c={PREVIEW_CODE}&o={ORG}").as_str())
    );
    assert_eq!(
        d.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Send {
                url_template: check_url_template(T2).ok()
            }
        })
    );
}

#[test]
fn validation_is_live_and_a_bad_template_sends_nothing() {
    let mut d = dialog();
    typed(&mut d, "https://x.example/{{.userId}}");
    assert!(
        matches!(
            &d.check,
            TemplateCheck::Invalid(UrlTemplateError::Exec { position: 21, .. })
        ),
        "{:?}",
        d.check
    );
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);
    assert!(matches!(d.phase, Phase::Editing { error: None }), "still editing");

    // Fixing the text fixes the verdict at once.
    for _ in 0.."{{.userId}}".len() {
        key(&mut d, KeyCode::Backspace);
    }
    typed(&mut d, "{{.Code}}");
    assert!(matches!(d.check, TemplateCheck::Valid { .. }), "{:?}", d.check);

    // An unclosed action.
    let mut d = dialog();
    typed(&mut d, "https://x.example/{{.Code}");
    assert!(
        matches!(&d.check, TemplateCheck::Invalid(UrlTemplateError::Parse { .. })),
        "{:?}",
        d.check
    );
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);

    // A javascript: link is zitadesk's refusal.
    let mut d = dialog();
    typed(&mut d, "javascript:alert({{.Code}})");
    assert_eq!(
        d.check,
        TemplateCheck::Invalid(UrlTemplateError::DangerousScheme("javascript".into()))
    );
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);

    // A deep link is sent, with a warning.
    let mut d = dialog();
    typed(&mut d, "myapp://v?c={{.Code}}");
    let TemplateCheck::Valid { template, .. } = &d.check else {
        panic!("{:?}", d.check)
    };
    assert_eq!(template.warnings().len(), 1);
    let mut sent = dialog();
    typed(&mut sent, "myapp://v?c={{.Code}}");
    assert_eq!(
        sent.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Send {
                url_template: check_url_template("myapp://v?c={{.Code}}").ok()
            }
        })
    );

    // Deleting everything is ZITADEL's default link again.
    for _ in 0..30 {
        key(&mut d, KeyCode::Backspace);
    }
    assert_eq!(d.check, TemplateCheck::Default);
    assert_eq!(d.length(), "0/200");
}

#[test]
fn the_length_counter_counts_characters_and_over_200_is_refused() {
    let mut d = dialog();
    let long = format!("https://x.example/{{{{.Code}}}}?p={}", "ä".repeat(200));
    typed(&mut d, &long);
    let n = long.chars().count();
    assert_eq!(d.length(), format!("{n}/200"));
    assert_eq!(
        d.check,
        TemplateCheck::Invalid(UrlTemplateError::TooLong { len: n })
    );
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);
}

#[test]
fn return_mode_ignores_the_template_field() {
    let mut d = dialog();
    d.on_action(DialogAction::SwitchDelivery);
    assert_eq!(key(&mut d, KeyCode::Char('h')), Request::Nothing);
    assert_eq!(d.template.value(), "");
    assert_eq!(d.on_action(DialogAction::NextTemplate), Request::Nothing);
    assert_eq!(d.template.value(), "");

    // A broken template typed in mail mode does not block returning the code.
    let mut d = dialog();
    typed(&mut d, "nonsense{{");
    d.on_action(DialogAction::SwitchDelivery);
    assert_eq!(
        d.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Return
        })
    );
}

#[test]
fn up_and_down_cycle_the_saved_templates_and_the_default_link() {
    let mut d = dialog();
    assert_eq!(d.cycle_len(), 3, "the empty text (default link) and two saved");
    assert_eq!(d.on_action(DialogAction::NextTemplate), Request::Changed);
    assert_eq!(d.template.value(), T1);
    let TemplateCheck::Valid { preview, .. } = &d.check else {
        panic!("{:?}", d.check)
    };
    assert_eq!(
        preview.as_deref(),
        Some(format!("https://verify.example.com/email?user={USER}&code={PREVIEW_CODE}").as_str())
    );
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), T2);
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), "", "the empty entry: ZITADEL's default link");
    assert_eq!(d.check, TemplateCheck::Default);
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), T1, "wraps around");
    d.on_action(DialogAction::PrevTemplate);
    d.on_action(DialogAction::PrevTemplate);
    assert_eq!(d.template.value(), T2, "wraps backwards");
    assert_eq!(
        d.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Send {
                url_template: check_url_template(T2).ok()
            }
        })
    );

    // Up first starts from the last saved one.
    let mut d = dialog();
    d.on_action(DialogAction::PrevTemplate);
    assert_eq!(d.template.value(), T2);
}

#[test]
fn what_was_typed_is_the_first_entry_of_the_cycle_and_never_lost() {
    const MINE: &str = "https://help.example.com/v?c={{.Code}}";
    let mut d = dialog();
    typed(&mut d, MINE);
    let mut seen = Vec::new();
    for _ in 0..4 {
        d.on_action(DialogAction::NextTemplate);
        seen.push(d.template.value().to_string());
    }
    assert_eq!(
        seen,
        vec![T1, T2, "", MINE],
        "round the cycle back to the typed text"
    );
    assert!(matches!(d.check, TemplateCheck::Valid { .. }), "{:?}", d.check);
    d.on_action(DialogAction::PrevTemplate);
    assert_eq!(d.template.value(), "", "Up from the typed text: the default link");
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), MINE);

    // Editing a picked template starts a new cycle from the edited text.
    let mut d = dialog();
    d.on_action(DialogAction::PrevTemplate);
    typed(&mut d, "x");
    let edited = format!("{T2}x");
    assert_eq!(d.template.value(), edited);
    assert_eq!(d.cycle_len(), 4, "edited, two saved, default");
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), T1);
    d.on_action(DialogAction::PrevTemplate);
    assert_eq!(d.template.value(), edited, "the edit is the new first entry");

    // A saved template typed out in full is not offered twice.
    let mut d = dialog();
    typed(&mut d, T1);
    assert_eq!(d.cycle_len(), 3);
}

#[test]
fn without_saved_templates_up_and_down_go_between_the_typed_text_and_the_default() {
    let mut d = ActionDialog::new(ActionKind::EmailCode, target(), Vec::new(), false);
    assert_eq!(d.on_action(DialogAction::NextTemplate), Request::Nothing);
    assert_eq!(d.on_action(DialogAction::PrevTemplate), Request::Nothing);
    assert_eq!(d.check, TemplateCheck::Default);
    typed(&mut d, T1);
    assert_eq!(d.on_action(DialogAction::NextTemplate), Request::Changed);
    assert_eq!(d.template.value(), "");
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), T1);
}

#[test]
fn the_remembered_template_is_in_the_field_when_the_dialog_opens() {
    const LAST: &str = "https://help.example.com/v?c={{.Code}}";
    let mut d = dialog().with_remembered(LAST.into());
    assert_eq!(d.template.value(), LAST);
    assert!(d.shows_remembered());
    let TemplateCheck::Valid { preview, .. } = &d.check else {
        panic!("{:?}", d.check)
    };
    assert_eq!(preview.as_deref(), Some("https://help.example.com/v?c=ABC123"));
    // It leads the cycle; the default link is still one press away.
    d.on_action(DialogAction::PrevTemplate);
    assert_eq!(d.template.value(), "");
    assert!(!d.shows_remembered());
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), LAST);
    let (_, mode) = confirm_and_send(&mut d, 1);
    assert_eq!(
        mode,
        CodeMode::Send {
            url_template: check_url_template(LAST).ok()
        }
    );

    // Typed over, it is still offered, right after the typed text.
    let mut d = dialog().with_remembered(LAST.into());
    key(&mut d, KeyCode::Backspace);
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(d.template.value(), LAST);

    // Last time was ZITADEL's default link: the field opens empty.
    let d = dialog().with_remembered(String::new());
    assert_eq!(d.check, TemplateCheck::Default);
    assert!(!d.shows_remembered());

    // Nothing to fill where nothing is mailed, or nothing can be sent.
    let d =
        ActionDialog::new(ActionKind::PhoneCode, target(), Vec::new(), false).with_remembered(LAST.into());
    assert_eq!(d.template.value(), "");
    let d = ActionDialog::new(ActionKind::EmailCode, target(), Vec::new(), true).with_remembered(LAST.into());
    assert_eq!(d.template.value(), "");
}

#[test]
fn in_flight_nothing_but_the_answer_changes_anything() {
    let mut d = dialog();
    typed(&mut d, T1);
    confirm_and_send(&mut d, 7);
    assert!(matches!(
        d.phase,
        Phase::InFlight {
            id: 7,
            action: Action::EmailCode {
                call: CodeCall::Resend,
                ..
            }
        }
    ));
    assert_eq!(d.keymap().name, SENDING.name);
    for a in [
        DialogAction::Confirm,
        DialogAction::Cancel,
        DialogAction::SwitchDelivery,
        DialogAction::NextTemplate,
        DialogAction::PrevTemplate,
        DialogAction::Reveal,
        DialogAction::Copy,
        DialogAction::SendFresh,
    ] {
        assert_eq!(d.on_action(a), Request::Nothing, "{a:?} while in flight");
    }
    assert_eq!(key(&mut d, KeyCode::Char('x')), Request::Nothing);
    assert_eq!(d.template.value(), T1, "the template is frozen");
    assert_eq!(d.delivery, Delivery::Mail);
    assert!(matches!(d.phase, Phase::InFlight { id: 7, .. }));
}

#[test]
fn esc_cancels_before_anything_is_sent() {
    let mut d = dialog();
    typed(&mut d, T1);
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);
}

#[test]
fn an_answer_for_another_request_is_ignored() {
    let mut d = dialog();
    // Not waiting at all.
    assert!(!d.answered(1, ok(Some(CODE)), None));
    assert!(matches!(d.phase, Phase::Editing { error: None }));

    d.on_action(DialogAction::SwitchDelivery);
    confirm_and_send(&mut d, 2);
    assert!(!d.answered(1, ok(Some(CODE)), Some("audit broke".into())));
    assert!(matches!(d.phase, Phase::InFlight { id: 2, .. }));
    assert_eq!(d.audit_error, None, "a stale answer changes nothing");
    assert!(d.answered(2, ok(Some(CODE)), None));
    // Once answered, a repeat of the same answer is no longer awaited.
    assert!(!d.answered(2, ok(Some("OTHER1")), None));
    assert_eq!(d.code().map(VerificationCode::expose), Some(CODE));
}

#[test]
fn a_returned_code_is_masked_until_revealed_and_copyable() {
    let mut d = dialog();
    d.on_action(DialogAction::SwitchDelivery);
    confirm_and_send(&mut d, 1);
    assert!(d.answered(1, ok(Some(CODE)), None));
    assert_eq!(d.keymap().name, SHOWING_CODE.name);
    let revealed = |d: &ActionDialog| match &d.phase {
        Phase::Done { revealed, .. } => *revealed,
        other => panic!("{other:?}"),
    };
    assert!(!revealed(&d), "masked at first");
    assert_eq!(d.on_action(DialogAction::Reveal), Request::Changed);
    assert!(revealed(&d));
    assert_eq!(d.on_action(DialogAction::Reveal), Request::Changed);
    assert!(!revealed(&d), "v toggles");

    assert_eq!(d.on_action(DialogAction::Copy), Request::Copy);
    assert_eq!(d.code().map(VerificationCode::expose), Some(CODE));
    d.copied();
    assert!(matches!(
        d.phase,
        Phase::Done {
            copy: CopyState::Copied,
            action: Action::EmailCode {
                call: CodeCall::Resend,
                ..
            },
            ..
        }
    ));
    // Copying does not reveal it.
    assert!(!revealed(&d));
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);
}

#[test]
fn a_mailed_code_has_nothing_to_reveal_or_copy() {
    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    assert!(d.answered(1, ok(None), None));
    assert!(matches!(d.phase, Phase::Done { .. }));
    assert_eq!(d.on_action(DialogAction::Reveal), Request::Nothing);
    assert_eq!(d.on_action(DialogAction::Copy), Request::Nothing);
    assert!(d.code().is_none());
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);
}

#[test]
fn the_code_never_shows_in_debug_output() {
    let mut d = dialog();
    d.on_action(DialogAction::SwitchDelivery);
    confirm_and_send(&mut d, 1);
    d.answered(1, ok(Some(CODE)), None);
    d.on_action(DialogAction::Reveal);
    let dump = format!("{d:?}");
    assert!(!dump.contains(CODE), "{dump}");
    assert!(dump.contains("redacted"), "{dump}");
}

#[test]
fn no_pending_code_offers_a_fresh_one_with_the_same_mode_after_confirming() {
    let mut d = dialog();
    typed(&mut d, T1);
    let (_, first_mode) = confirm_and_send(&mut d, 1);
    assert!(d.answered(
        1,
        Err(ApiError::NoPendingCode(status(
            400,
            "EMAIL-5w5ilin4yt",
            "Code is empty"
        ))),
        None
    ));
    assert!(matches!(d.phase, Phase::NoPending));
    assert_eq!(d.keymap().name, NOTHING_PENDING.name);
    // Enter is not `s`: nothing is sent from the offer itself.
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);
    assert_eq!(d.on_action(DialogAction::SendFresh), Request::Changed);
    assert!(matches!(d.phase, Phase::ConfirmSend));
    assert_eq!(d.keymap().name, CONFIRMING.name);
    let (call, mode) = confirm_and_send(&mut d, 2);
    assert_eq!(call, CodeCall::Send);
    assert_eq!(mode, first_mode);
    assert_eq!(
        mode,
        CodeMode::Send {
            url_template: check_url_template(T1).ok()
        }
    );
    assert!(d.answered(2, ok(None), None));
    assert!(matches!(
        d.phase,
        Phase::Done {
            action: Action::EmailCode {
                call: CodeCall::Send,
                ..
            },
            ..
        }
    ));
}

#[test]
fn the_fresh_code_offer_can_be_declined() {
    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    d.answered(1, Err(ApiError::NoPendingCode(Status::default())), None);
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);

    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    d.answered(1, Err(ApiError::NoPendingCode(Status::default())), None);
    d.on_action(DialogAction::SendFresh);
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);
}

#[test]
fn no_pending_code_from_the_send_call_does_not_loop_back_to_the_offer() {
    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    d.answered(1, Err(ApiError::NoPendingCode(Status::default())), None);
    d.on_action(DialogAction::SendFresh);
    confirm_and_send(&mut d, 2);
    assert!(d.answered(2, Err(ApiError::NoPendingCode(Status::default())), None));
    assert!(error_text(&d).is_some(), "shown as an error: {:?}", d.phase);
    // Enter tries the fresh send again — never a resend, which would be refused the same way.
    assert!(matches!(d.phase, Phase::RetrySend { .. }), "{:?}", d.phase);
    assert!(matches!(
        d.on_action(DialogAction::Confirm),
        Request::Issue(Action::EmailCode {
            call: CodeCall::Send,
            ..
        })
    ));
}

#[test]
fn a_user_who_has_not_finished_setup_needs_an_invite() {
    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    assert!(d.answered(
        1,
        Err(ApiError::UserNotInitialised(status(
            400,
            "EMAIL-ei4Nie",
            "User not initialized"
        ))),
        None
    ));
    assert!(matches!(d.phase, Phase::NotInitialised));
    assert_eq!(d.keymap().name, MESSAGE.name);
    assert_eq!(d.on_action(DialogAction::Confirm), Request::Nothing);
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);
}

#[test]
fn a_refusal_keeps_the_dialog_open_with_zitadels_words_and_allows_a_retry() {
    let mut d = dialog();
    typed(&mut d, T1);
    confirm_and_send(&mut d, 1);
    let denied = ApiError::PermissionDenied(status(403, "AUTHZ-HKJD33", "No matching permissions found"));
    let expected = crate::tui::messages::mutation_error_line(&denied);
    assert!(d.answered(1, Err(denied), Some("audit file is gone".into())));
    assert_eq!(error_text(&d), Some(expected.as_str()));
    assert!(expected.contains("No matching permissions found"), "{expected}");
    assert_eq!(d.audit_error.as_deref(), Some("audit file is gone"));
    assert_eq!(d.template.value(), T1, "the template is kept for fixing");
    assert_eq!(d.keymap().name, EDITING.name);
    // Nothing was retried on its own; the agent may try again.
    let (call, _) = confirm_and_send(&mut d, 2);
    assert_eq!(call, CodeCall::Resend);

    for e in [
        ApiError::InvalidUrlTemplate(status(400, "DOMAIN-oGh5e", "Invalid url template")),
        ApiError::NotFound(status(404, "COMMAND-2M0fs", "User not found")),
        ApiError::Server(status(500, "X", "boom")),
        ApiError::Timeout {
            call: crate::api::Call::ResendEmailCode,
            secs: 15,
        },
    ] {
        let mut d = dialog();
        confirm_and_send(&mut d, 1);
        let line = crate::tui::messages::mutation_error_line(&e);
        assert!(d.answered(1, Err(e), None));
        assert_eq!(error_text(&d), Some(line.as_str()));
    }
}

#[test]
fn the_audit_warning_does_not_lose_the_result() {
    let mut d = dialog();
    d.on_action(DialogAction::SwitchDelivery);
    confirm_and_send(&mut d, 1);
    assert!(d.answered(1, ok(Some(CODE)), Some("cannot open the audit file".into())));
    assert!(matches!(d.phase, Phase::Done { .. }));
    assert_eq!(d.code().map(VerificationCode::expose), Some(CODE));
    assert_eq!(d.audit_error.as_deref(), Some("cannot open the audit file"));
}

#[test]
fn read_only_refuses_and_sends_nothing() {
    let mut d = ActionDialog::new(ActionKind::EmailCode, target(), vec![T1.into()], true);
    assert!(matches!(d.phase, Phase::ReadOnly));
    assert_eq!(d.keymap().name, MESSAGE.name);
    for a in [
        DialogAction::Confirm,
        DialogAction::SwitchDelivery,
        DialogAction::NextTemplate,
        DialogAction::SendFresh,
        DialogAction::Reveal,
        DialogAction::Copy,
    ] {
        assert_eq!(d.on_action(a), Request::Nothing, "{a:?} in read-only mode");
    }
    assert_eq!(key(&mut d, KeyCode::Char('h')), Request::Nothing);
    assert!(matches!(d.phase, Phase::ReadOnly));
    assert_eq!(d.on_action(DialogAction::Cancel), Request::Close);
}

#[test]
fn the_target_comes_sanitised_from_the_user() {
    let u = User {
        user_id: USER.into(),
        details: Some(Details {
            resource_owner: ORG.into(),
            ..Details::default()
        }),
        preferred_login_name: "evil\u{1b}[2J@initech.example".into(),
        human: Some(HumanUser {
            profile: Some(HumanProfile {
                display_name: Some("\u{1b}[31mEvil Corp\u{1b}[0m".into()),
                ..HumanProfile::default()
            }),
            email: Some(HumanEmail {
                email: "evil@initech.example".into(),
                is_verified: false,
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    };
    let t = Target::from_user(&u);
    assert_eq!(t.user_id, USER);
    assert_eq!(t.org_id, ORG);
    assert_eq!(t.email, "evil@initech.example");
    assert_eq!(t.email_status, EmailStatus::NotVerified);
    for s in [&t.display_name, &t.login_name] {
        assert!(!s.contains('\u{1b}'), "{s:?}");
    }
    assert!(t.display_name.contains("Evil Corp"), "{:?}", t.display_name);

    // Without details the org is unknown (the preview shows it empty), not a panic.
    let t = Target::from_user(&User {
        user_id: "1".into(),
        ..User::default()
    });
    assert_eq!(t.org_id, "");
    assert_eq!(t.email, "");
    assert_eq!(t.email_status, EmailStatus::NoEmail);
}

#[test]
fn a_paste_goes_into_the_template_only_while_editing_in_mail_mode() {
    let mut d = dialog();
    assert_eq!(
        d.on_paste(T1),
        (Request::Changed, Pasted::Whole, TEMPLATE_FIELD_CAP)
    );
    assert_eq!(d.template.value(), T1);
    assert!(matches!(d.check, TemplateCheck::Valid { .. }), "{:?}", d.check);

    // A paste after a picked template makes it the agent's own again.
    let mut d = dialog();
    d.on_action(DialogAction::NextTemplate);
    d.on_paste("x");
    assert_eq!(d.template.value(), format!("{T1}x"));
    d.on_action(DialogAction::NextTemplate);
    assert_eq!(
        d.template.value(),
        T1,
        "Down starts a new cycle at the first saved"
    );

    let mut d = dialog();
    d.on_action(DialogAction::SwitchDelivery);
    assert_eq!(d.on_paste(T1).0, Request::Nothing);
    assert_eq!(d.template.value(), "");

    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    assert_eq!(d.on_paste(T1).0, Request::Nothing, "in flight");
    assert_eq!(d.template.value(), "");

    let mut d = ActionDialog::new(ActionKind::EmailCode, target(), Vec::new(), true);
    assert_eq!(d.on_paste(T1).0, Request::Nothing, "read-only");
}

#[test]
fn a_new_attempt_forgets_the_last_audit_warning() {
    let mut d = dialog();
    confirm_and_send(&mut d, 1);
    d.answered(
        1,
        Err(ApiError::PermissionDenied(Status::default())),
        Some("cannot open the audit file".into()),
    );
    assert!(d.audit_error.is_some());
    confirm_and_send(&mut d, 2);
    assert_eq!(d.audit_error, None, "the warning belonged to the last attempt");
    d.answered(2, ok(None), None);
    assert_eq!(d.audit_error, None);
}
