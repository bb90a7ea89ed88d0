//! The verdicts for the demo instance's seeded users (`assets/demo-users.json`), whose shapes
//! are the cases a helpdesk meets, and for the edges the seed lacks.

use super::*;
use crate::api::wire::{HumanEmail, HumanPhone, HumanUser, MachineUser};
use ActionKind::*;
use AuthenticationMethodType as M;

const SEED: &str = include_str!("../../assets/demo-users.json");

/// The seeded user whose id ends in `suffix` (`101` is Jane), with its sign-in methods
/// (`authMethods: null` in the seed is an empty list, as the demo answers it).
pub(crate) fn seeded(suffix: &str) -> (User, Vec<AuthenticationMethodType>) {
    let v: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let entry = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user"]["userId"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no seeded user …{suffix}"));
    let user: User = serde_json::from_value(entry["user"].clone()).unwrap();
    let methods = serde_json::from_value(entry["authMethods"].clone()).unwrap_or_default();
    (user, methods)
}

fn verdicts(suffix: &str) -> Vec<(ActionKind, Verdict)> {
    let (user, methods) = seeded(suffix);
    assess(&user, Some(&methods))
        .into_iter()
        .map(|f| (f.kind, f.verdict))
        .collect()
}

fn with(v: Vec<(ActionKind, Verdict)>) -> Vec<Fit> {
    v.into_iter()
        .map(|(kind, verdict)| Fit { kind, verdict })
        .collect()
}

use Verdict::{Fits, No, Possible};

#[test]
fn every_kind_is_assessed_in_menu_order() {
    let (user, methods) = seeded("101");
    let kinds: Vec<ActionKind> = assess(&user, Some(&methods)).iter().map(|f| f.kind).collect();
    assert_eq!(kinds, ActionKind::ALL);
}

#[test]
fn jane_unverified_with_a_password_gets_the_email_code() {
    // 101: active, unverified address, verified phone, a password.
    assert_eq!(
        verdicts("101"),
        [
            (EmailCode, Fits(Why::EmailUnverified)),
            (Invite, No(Why::SignInMethodSet)),
            (SetEmail, Possible(Why::ReplacesAddress)),
            (PhoneCode, No(Why::PhoneVerified)),
            (PasswordReset, Possible(Why::ResetsPassword)),
            (Unlock, No(Why::NotLocked)),
            (Reactivate, No(Why::Active)),
        ]
    );
    assert_eq!(best(&with(verdicts("101"))), Some(EmailCode));
}

#[test]
fn locked_max_gets_the_unlock() {
    // 106: locked, verified address, a password.
    assert_eq!(
        verdicts("106"),
        [
            (EmailCode, Possible(Why::EmailVerified)),
            (Invite, No(Why::SignInMethodSet)),
            (SetEmail, Possible(Why::ReplacesAddress)),
            (PhoneCode, No(Why::NoPhone)),
            (PasswordReset, Possible(Why::ResetsPassword)),
            (Unlock, Fits(Why::Locked)),
            (Reactivate, No(Why::Locked)),
        ]
    );
    assert_eq!(best(&with(verdicts("106"))), Some(Unlock));
}

#[test]
fn inactive_erika_gets_the_reactivation_before_her_email_code() {
    // 107: inactive, unverified address: both fit, but she cannot sign in until reactivated.
    let v = verdicts("107");
    assert_eq!(v[0], (EmailCode, Fits(Why::EmailUnverified)));
    assert_eq!(v[5], (Unlock, No(Why::NotLocked)));
    assert_eq!(v[6], (Reactivate, Fits(Why::Inactive)));
    assert_eq!(best(&with(v)), Some(Reactivate));
}

#[test]
fn initial_paul_gets_the_invite_and_nothing_initial_users_are_refused() {
    // 108: INITIAL, unverified address, no sign-in method.
    assert_eq!(
        verdicts("108"),
        [
            (EmailCode, No(Why::NotSetUp)),
            (Invite, Fits(Why::NoSignInMethod)),
            (SetEmail, No(Why::NotSetUp)),
            (PhoneCode, No(Why::NotSetUp)),
            (PasswordReset, No(Why::NotSetUp)),
            (Unlock, No(Why::NotLocked)),
            (Reactivate, No(Why::NotSetUp)),
        ]
    );
    assert_eq!(best(&with(verdicts("108"))), Some(Invite));
    // While the methods are unknown, the state alone says the invite fits.
    let (paul, _) = seeded("108");
    assert_eq!(assess(&paul, None)[1].verdict, Fits(Why::NotSetUp));
}

#[test]
fn a_machine_user_can_only_be_unlocked_or_reactivated() {
    // 114: a machine user, active.
    assert_eq!(
        verdicts("114"),
        [
            (EmailCode, No(Why::Machine)),
            (Invite, No(Why::Machine)),
            (SetEmail, No(Why::Machine)),
            (PhoneCode, No(Why::Machine)),
            (PasswordReset, No(Why::Machine)),
            (Unlock, No(Why::NotLocked)),
            (Reactivate, No(Why::Active)),
        ]
    );
    assert_eq!(best(&with(verdicts("114"))), None);
    let locked = User {
        state: UserState::Locked,
        ..seeded("114").0
    };
    assert_eq!(best(&assess(&locked, Some(&[]))), Some(Unlock));
}

#[test]
fn homer_with_an_unverified_phone_gets_the_phone_code_too() {
    // 202: unverified address and unverified phone.
    let v = verdicts("202");
    assert_eq!(v[0], (EmailCode, Fits(Why::EmailUnverified)));
    assert_eq!(v[3], (PhoneCode, Fits(Why::PhoneUnverified)));
    assert_eq!(best(&with(v)), Some(EmailCode), "the first that fits");
}

#[test]
fn a_passkey_is_set_up_so_no_invite_and_a_reset_adds_a_password() {
    // 104: verified address, passkey only.
    let v = verdicts("104");
    assert_eq!(v[0], (EmailCode, Possible(Why::EmailVerified)));
    assert_eq!(v[1], (Invite, No(Why::SignInMethodSet)));
    assert_eq!(v[4], (PasswordReset, Possible(Why::NoPassword)));
    assert_eq!(best(&with(v)), None, "nothing visibly wrong");
    // 115: no address, an identity provider: setting one is the fix.
    let v = verdicts("115");
    assert_eq!(v[0], (EmailCode, No(Why::NoEmail)));
    assert_eq!(v[1], (Invite, No(Why::SignInMethodSet)));
    assert_eq!(v[2], (SetEmail, Fits(Why::NoEmail)));
}

#[test]
fn second_factors_alone_do_not_count_as_set_up() {
    let (user, _) = seeded("101");
    let fits = assess(&user, Some(&[M::Totp, M::U2f]));
    assert_eq!(fits[1].verdict, Fits(Why::NoSignInMethod));
    assert_eq!(
        fits[0].verdict,
        Possible(Why::NoSignInMethod),
        "an active user who cannot sign in is invited, not sent a code"
    );
    assert_eq!(fits[4].verdict, Possible(Why::NoSignInMethod));
    assert_eq!(best(&fits), Some(Invite));
}

#[test]
fn unknown_methods_leave_the_invite_possible() {
    let (user, _) = seeded("101");
    let fits = assess(&user, None);
    assert_eq!(fits[1].verdict, Possible(Why::MethodsUnknown));
    assert_eq!(fits[0].verdict, Fits(Why::EmailUnverified));
    assert_eq!(fits[4].verdict, Possible(Why::ResetsPassword));
}

#[test]
fn deleted_and_unknown_states() {
    let human = User {
        state: UserState::Deleted,
        human: Some(HumanUser {
            email: Some(HumanEmail {
                email: "a@x".into(),
                is_verified: false,
            }),
            phone: Some(HumanPhone {
                phone: "+1555".into(),
                is_verified: false,
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    };
    assert!(
        assess(&human, Some(&[]))
            .iter()
            .all(|f| f.verdict == No(Why::Deleted)),
        "{:?}",
        assess(&human, Some(&[]))
    );
    let unknown = User {
        state: UserState::Unspecified,
        ..human
    };
    let fits = assess(&unknown, Some(&[M::Password]));
    assert_eq!(fits[0].verdict, Fits(Why::EmailUnverified));
    assert_eq!(fits[3].verdict, Fits(Why::PhoneUnverified));
    assert_eq!(fits[5].verdict, Possible(Why::StateUnknown));
    assert_eq!(fits[6].verdict, Possible(Why::StateUnknown));
    let blank_phone = User {
        human: Some(HumanUser {
            phone: Some(HumanPhone::default()),
            ..HumanUser::default()
        }),
        ..User::default()
    };
    assert_eq!(assess(&blank_phone, None)[3].verdict, No(Why::NoPhone));
    let machine = User {
        machine: Some(MachineUser::default()),
        ..User::default()
    };
    assert_eq!(assess(&machine, None)[2].verdict, No(Why::Machine));
}

#[test]
fn only_no_is_not_applicable() {
    assert!(Fits(Why::Locked).applicable());
    assert!(Possible(Why::EmailVerified).applicable());
    assert!(!No(Why::Active).applicable());
    assert_eq!(No(Why::Active).why(), Why::Active);
}
