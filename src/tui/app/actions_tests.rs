//! `a` and the actions menu, `r` choosing between the resend and the invite, and what the App
//! does with an action's answer.

use super::*;
use crate::api::wire::{
    AuthenticationMethodType, Details, HumanEmail, HumanProfile, HumanUser, ListDetails, ListUsersResponse,
};
use crate::api::{Action, Call};
use crate::tui::action_dialog::Phase;
use crossterm::event::{KeyCode, KeyModifiers};

fn key(app: &mut App, code: KeyCode) -> (bool, Vec<Effect>) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn human(id: &str, state: UserState) -> User {
    User {
        user_id: id.into(),
        state,
        details: Some(Details {
            resource_owner: "org9".into(),
            ..Details::default()
        }),
        preferred_login_name: format!("{id}@acme.example"),
        human: Some(HumanUser {
            profile: Some(HumanProfile {
                display_name: Some(format!("User {id}")),
                ..HumanProfile::default()
            }),
            email: Some(HumanEmail {
                email: format!("{id}@acme.example"),
                is_verified: true,
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    }
}

/// The console with `users` listed and the first selected.
fn listed(users: Vec<User>) -> App {
    let mut a = App::new(Connection::default(), 120, 40);
    let Some(Effect::ListUsers { id, .. }) = a.start().into_iter().next() else {
        panic!("start lists users")
    };
    let total = users.len() as u64;
    a.update(Msg::Listed {
        id,
        result: Ok(ListUsersResponse {
            details: ListDetails {
                total_result: total,
                ..ListDetails::default()
            },
            result: users,
            ..ListUsersResponse::default()
        }),
    });
    a
}

/// Enter on the selected user, with its reads answered: `user`, then `methods`.
fn in_detail(a: &mut App, user: User, methods: Vec<AuthenticationMethodType>) {
    let (_, effects) = key(a, KeyCode::Enter);
    let [
        Effect::GetUser { id: u, .. },
        Effect::ListAuthMethods { id: m, .. },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    let (u, m) = (*u, *m);
    a.update(Msg::GotUser {
        id: u,
        result: Ok(user),
    });
    a.update(Msg::GotMethods {
        id: m,
        result: Ok(methods),
    });
}

fn kind(a: &App) -> Option<ActionKind> {
    a.dialog.as_ref().map(|d| d.kind)
}

#[test]
fn a_opens_the_menu_for_the_selected_user_and_esc_closes_it() {
    let mut a = listed(vec![human("1", UserState::Locked)]);
    assert_eq!(key(&mut a, KeyCode::Char('a')), (true, vec![]));
    let menu = a.menu.as_ref().expect("the menu is open");
    assert_eq!(menu.user_id, "1");
    assert_eq!(a.keymap().name(), actions_menu::KEYMAP.name);
    assert!(a.popup_open());
    // The menu has the keyboard: j moves in it, not in the list.
    key(&mut a, KeyCode::Char('j'));
    assert_eq!(a.list.selected, 0);
    key(&mut a, KeyCode::Esc);
    assert!(a.menu.is_none());
    assert!(a.dialog.is_none());
}

#[test]
fn choosing_unlock_opens_its_dialog_and_enter_sends_one_unlock() {
    let mut a = listed(vec![human("1", UserState::Locked)]);
    key(&mut a, KeyCode::Char('a'));
    // Unlock is the sixth line (ActionKind::ALL order).
    key(&mut a, KeyCode::Char('6'));
    assert!(a.menu.is_none(), "the menu gives way to the dialog");
    assert_eq!(kind(&a), Some(ActionKind::Unlock));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    match effects.as_slice() {
        [
            Effect::Apply {
                user_id,
                action: Action::Unlock,
                ..
            },
        ] => assert_eq!(user_id, "1"),
        other => panic!("one unlock: {other:?}"),
    }
    assert_eq!(
        key(&mut a, KeyCode::Enter).1,
        vec![],
        "in flight: no second request"
    );
}

#[test]
fn a_remedy_that_does_not_apply_opens_nothing() {
    let mut a = listed(vec![human("1", UserState::Active)]);
    key(&mut a, KeyCode::Char('a'));
    // Unlock, for a user who is not locked.
    key(&mut a, KeyCode::Char('6'));
    assert!(a.dialog.is_none());
    assert!(a.menu.as_ref().is_some_and(|m| m.refused));
}

#[test]
fn r_on_a_user_in_setup_opens_the_invite_and_says_why() {
    let mut a = listed(vec![human("1", UserState::Initial)]);
    key(&mut a, KeyCode::Char('r'));
    let d = a.dialog.as_ref().expect("a dialog");
    assert_eq!(d.kind, ActionKind::Invite);
    assert_eq!(d.note, Some(Note::NeedsInvite));
}

#[test]
fn r_on_a_human_without_sign_in_methods_opens_the_invite() {
    let mut a = listed(vec![human("1", UserState::Active)]);
    in_detail(&mut a, human("1", UserState::Active), vec![]);
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(kind(&a), Some(ActionKind::Invite));
    key(&mut a, KeyCode::Esc);

    let mut a = listed(vec![human("1", UserState::Active)]);
    in_detail(
        &mut a,
        human("1", UserState::Active),
        vec![AuthenticationMethodType::Password],
    );
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(kind(&a), Some(ActionKind::EmailCode), "a password: the resend");
}

#[test]
fn r_while_the_methods_are_unknown_is_the_resend() {
    let mut a = listed(vec![human("1", UserState::Active)]);
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(kind(&a), Some(ActionKind::EmailCode));
}

#[test]
fn the_detail_is_read_again_after_an_unknown_outcome_too() {
    let mut a = listed(vec![human("1", UserState::Locked)]);
    in_detail(
        &mut a,
        human("1", UserState::Locked),
        vec![AuthenticationMethodType::Password],
    );
    key(&mut a, KeyCode::Char('a'));
    key(&mut a, KeyCode::Char('6'));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let [Effect::Apply { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let timeout = ApiError::Timeout {
        call: Call::UnlockUser,
        secs: 15,
    };
    let (_, effects) = a.update(Msg::Issued {
        id: *id,
        result: Err(timeout),
        audit_error: None,
    });
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::GetUser { .. }, Effect::ListAuthMethods { .. }]
        ),
        "the user may have changed: {effects:?}"
    );
    let d = a.dialog.as_ref().expect("the dialog stays");
    assert!(matches!(d.phase, Phase::Editing { error: Some(_) }));
}

#[test]
fn a_refusal_leaves_the_detail_alone() {
    let mut a = listed(vec![human("1", UserState::Active)]);
    in_detail(
        &mut a,
        human("1", UserState::Active),
        vec![AuthenticationMethodType::Password],
    );
    // Opened directly: the menu would not offer an unlock to a user who is not locked.
    a.dialog = Some(a.new_dialog(
        ActionKind::Unlock,
        Target::from_user(&human("1", UserState::Active)),
    ));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let [Effect::Apply { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let not_locked = ApiError::FailedPrecondition(crate::api::Status {
        http: 400,
        code: Some(9),
        id: Some("COMMAND-olb9vb0oca".into()),
        message: "User is not locked".into(),
    });
    let (changed, effects) = a.update(Msg::Issued {
        id: *id,
        result: Err(not_locked),
        audit_error: None,
    });
    assert!(changed);
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn a_paste_with_the_menu_open_goes_nowhere() {
    let mut a = listed(vec![human("1", UserState::Active)]);
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(a.update(Msg::Paste("jane".into())), (false, vec![]));
    assert_eq!(a.search.input.value(), "");
}

#[test]
fn the_detail_read_after_an_unlock_updates_the_users_row_too() {
    let mut a = listed(vec![human("1", UserState::Locked), human("2", UserState::Active)]);
    in_detail(
        &mut a,
        human("1", UserState::Locked),
        vec![AuthenticationMethodType::Password],
    );
    assert_eq!(a.list.row(0).map(|r| r.state), Some("locked"));
    key(&mut a, KeyCode::Char('a'));
    key(&mut a, KeyCode::Char('6'));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let [Effect::Apply { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let ok = Ok(crate::api::ActionResult::from(crate::api::wire::ActionResponse {
        details: None,
        verification_code: None,
        invite_code: None,
    }));
    let (_, effects) = a.update(Msg::Issued {
        id: *id,
        result: ok,
        audit_error: None,
    });
    let Some(Effect::GetUser { id: read, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    a.update(Msg::GotUser {
        id: *read,
        result: Ok(human("1", UserState::Active)),
    });
    assert_eq!(a.list.row(0).map(|r| r.state), Some("active"), "the list agrees");
    assert_eq!(
        a.list.row(1).map(|r| r.user.user_id.as_str()),
        Some("2"),
        "others stay"
    );
}
