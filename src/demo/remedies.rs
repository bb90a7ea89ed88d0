//! The remedies a helpdesk applies when a user "never got the mail", each with ZITADEL's
//! order of checks and its events (v4.13.1 unless a `ZitadelVersion` method says otherwise):
//!
//! * CreateInviteCode — internal/command/user_v2_invite.go `sendInviteCode`: the template
//!   (in the handler, internal/api/grpc/user/v2/user.go), `user.write` unless inviting oneself
//!   (checked *before* the user is looked up: for a user it does not know, on the instance),
//!   an existing human (`COMMAND-Wgvn4`, a precondition), no way to sign in yet
//!   (`COMMAND-EF34g`);
//! * SetEmail — internal/command/user_v2_email.go: the template, a human (`COMMAND-ieJ2e`),
//!   not initial, `user.write` (oneself allowed unless `isVerified`), the address itself, a
//!   different address (`COMMAND-Uch5e`);
//! * ResendPhoneCode — internal/command/user_v2_phone.go: a human ("Phone not found"), not
//!   initial, `user.write` (oneself allowed), a pending code (`PHONE-5xrra88eq8`);
//! * PasswordReset — internal/command/user_v2_password.go: the template, a human
//!   (`COMMAND-SAF4f`), not initial (`COMMAND-Sfe4g`), `user.write` (oneself allowed);
//! * UnlockUser, ReactivateUser — internal/command/user_v2.go: any user, the state, then
//!   `user.write` (oneself only up to v4.0).
//!
//! Locked and inactive users may be invited, get a new address, a phone code or a reset: no
//! call but the two state changes looks at the state beyond "initial". The notification
//! worker's `…code.sent` follows every code it delivers, as for the email codes.

use super::auth::Principal;
use super::codes::check_url_template;
use super::directory::{TextField, UserRef};
use super::errors::ApiFailure;
use super::remedy_request::{
    InviteRequest, PasswordResetRequest, PhoneCodeRequest, SendCode, SetEmailRequest, split_display_name,
};
use super::state::{Shared, UserChange, event};
use super::sync::lock;
use crate::api::wire::{
    ActionResponse, AuthenticationMethodType, CodeDetails, UserState, UserType, VerificationCode,
};

/// A listed user: its position and the user.
type Found<'a> = (usize, UserRef<'a>);

fn any_user<'a>(shared: &'a Shared, user_id: &str) -> Option<Found<'a>> {
    let pos = shared.dir.position(user_id)?;
    shared.dir.get(pos).map(|u| (pos, u))
}

/// A human user: the human write models ignore machine users, so these are "not found".
fn human<'a>(shared: &'a Shared, user_id: &str) -> Option<Found<'a>> {
    any_user(shared, user_id).filter(|(_, u)| u.user_type() == UserType::Human)
}

/// `checkPermissionUpdateUser(ctx, resourceOwner, userID, allowSelf)`
/// (internal/command/permission_checks.go): `user.write` in the user's organisation, or
/// nothing when acting on oneself and that is allowed.
fn check_update(who: &Principal, user_id: &str, org: usize, allow_self: bool) -> Result<(), ApiFailure> {
    if (allow_self && who.user_id == user_id) || who.writes_org(org) {
        Ok(())
    } else {
        Err(who.denied(org))
    }
}

/// The answer: `details` with sequence, change date and owner (never a creation date), and
/// the code only when it was asked for.
fn answer(shared: &Shared, user: &UserRef<'_>, change: &UserChange) -> ActionResponse {
    let org_id = shared
        .dir
        .orgs
        .get(user.org())
        .map(|o| o.id.clone())
        .unwrap_or_default();
    ActionResponse {
        details: Some(CodeDetails {
            sequence: change.sequence,
            change_date: Some(change.change_date),
            resource_owner: org_id,
            ..CodeDetails::default()
        }),
        verification_code: None,
        invite_code: None,
    }
}

fn url_template(send: Option<&SendCode>) -> Option<&str> {
    send.and_then(|s| s.url_template.as_deref())
}

pub(crate) fn create_invite_code(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    req: &InviteRequest,
) -> Result<ActionResponse, ApiFailure> {
    if let Some(t) = url_template(req.send_code.as_ref()) {
        check_url_template(t, user_id)?;
    }
    let version = shared.config.version;
    let found = human(shared, user_id);
    if !(who.user_id == user_id && version.invite_exempts_self()) {
        match &found {
            Some((_, user)) if !who.writes_org(user.org()) => return Err(who.denied(user.org())),
            Some(_) => {}
            // The write model has no owner, so the check runs on the instance.
            None => who.check_instance_write()?,
        }
    }
    let (pos, user) = found.ok_or_else(ApiFailure::invite_user_not_found)?;
    let mut live = lock(&shared.live);
    // `CreationAllowed`: no password, passkey or identity provider
    // (internal/command/user_v2_invite_model.go); TOTP, U2F and OTP do not count.
    let can_sign_in = user.auth_methods().iter().any(|m| {
        matches!(
            m,
            AuthenticationMethodType::Password
                | AuthenticationMethodType::Passkey
                | AuthenticationMethodType::Idp
        )
    });
    let verified = live.email(pos, &user).is_some_and(|(_, v)| v);
    if can_sign_in || (verified && version.invite_refused_for_verified_email()) {
        return Err(ApiFailure::already_initialised());
    }
    if version.invite_refused_after_returned_code() && live.invite_returned(pos) {
        return Err(ApiFailure::invite_code_not_found());
    }
    let returned = req.return_code.is_some();
    let code = live.rng.email_code();
    live.change_mut(pos, &user).invite_returned = returned;
    let change = live.write(pos, &user, &who.user_id, &[event::INVITE_CODE_ADDED]);
    if !returned {
        live.notified(pos, event::INVITE_CODE_SENT);
    }
    drop(live);
    Ok(ActionResponse {
        invite_code: returned.then(|| VerificationCode::new(code)),
        ..answer(shared, &user, &change)
    })
}

pub(crate) fn set_email(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    req: &SetEmailRequest,
) -> Result<ActionResponse, ApiFailure> {
    if let Some(t) = url_template(req.send_code.as_ref()) {
        check_url_template(t, user_id)?;
    }
    let (pos, user) = human(shared, user_id).ok_or_else(ApiFailure::email_not_found)?;
    let mut live = lock(&shared.live);
    if live.state(pos, &user) == UserState::Initial {
        return Err(ApiFailure::not_initialised());
    }
    // `ChangeUserEmailVerified` checks `user.write` itself, without the self exemption.
    let verified = req.is_verified == Some(true);
    check_update(who, user_id, user.org(), !verified)?;
    if split_display_name(&req.email).1 {
        return Err(ApiFailure::email_name_provided());
    }
    if live
        .email(pos, &user)
        .is_some_and(|(current, _)| current == req.email)
    {
        return Err(ApiFailure::email_not_changed());
    }
    let returned = req.return_code.is_some();
    let code = (!verified).then(|| live.rng.email_code());
    let change = live.change_mut(pos, &user);
    change.email = Some((req.email.clone(), verified));
    change.code = code.clone();
    let second = if verified {
        event::EMAIL_VERIFIED
    } else {
        event::EMAIL_CODE_ADDED
    };
    let change = live.write(pos, &user, &who.user_id, &[event::EMAIL_CHANGED, second]);
    if !verified && !returned {
        live.notified(pos, event::EMAIL_CODE_SENT);
    }
    drop(live);
    Ok(ActionResponse {
        verification_code: code.filter(|_| returned).map(VerificationCode::new),
        ..answer(shared, &user, &change)
    })
}

pub(crate) fn resend_phone_code(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    req: &PhoneCodeRequest,
) -> Result<ActionResponse, ApiFailure> {
    let (pos, user) = human(shared, user_id).ok_or_else(ApiFailure::phone_not_found)?;
    let mut live = lock(&shared.live);
    if live.state(pos, &user) == UserState::Initial {
        return Err(ApiFailure::not_initialised());
    }
    check_update(who, user_id, user.org(), true)?;
    if live.pending_phone_code(pos, &user).is_none() {
        return Err(ApiFailure::phone_code_empty());
    }
    let returned = req.return_code.is_some();
    let code = live.rng.email_code();
    live.change_mut(pos, &user).phone_code = Some(code.clone());
    let change = live.write(pos, &user, &who.user_id, &[event::PHONE_CODE_ADDED]);
    if !returned {
        live.notified(pos, event::PHONE_CODE_SENT);
    }
    drop(live);
    Ok(ActionResponse {
        verification_code: returned.then(|| VerificationCode::new(code)),
        ..answer(shared, &user, &change)
    })
}

pub(crate) fn password_reset(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    req: &PasswordResetRequest,
) -> Result<ActionResponse, ApiFailure> {
    if let Some(t) = req.send_link.as_ref().and_then(|l| l.url_template.as_deref()) {
        check_url_template(t, user_id)?;
    }
    let (pos, user) = human(shared, user_id).ok_or_else(ApiFailure::reset_user_not_found)?;
    let mut live = lock(&shared.live);
    if live.state(pos, &user) == UserState::Initial {
        return Err(ApiFailure::reset_not_initialised());
    }
    check_update(who, user_id, user.org(), true)?;
    let returned = req.return_code.is_some();
    // A link by text message to a user without a phone is accepted; the notifier fails
    // later, so no `…code.sent` follows.
    let mut phone = String::new();
    let deliverable = !req.by_sms() || user.text(TextField::Phone, &mut phone).is_some();
    let code = live.rng.email_code();
    let change = live.write(pos, &user, &who.user_id, &[event::PASSWORD_CODE_ADDED]);
    if !returned && deliverable {
        live.notified(pos, event::PASSWORD_CODE_SENT);
    }
    drop(live);
    Ok(ActionResponse {
        verification_code: returned.then(|| VerificationCode::new(code)),
        ..answer(shared, &user, &change)
    })
}

/// UnlockUser and ReactivateUser: which state they leave, and their errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateChange {
    Unlock,
    Reactivate,
}

impl StateChange {
    fn from(self) -> UserState {
        match self {
            StateChange::Unlock => UserState::Locked,
            StateChange::Reactivate => UserState::Inactive,
        }
    }

    fn not_found(self) -> ApiFailure {
        match self {
            StateChange::Unlock => ApiFailure::unlock_user_not_found(),
            StateChange::Reactivate => ApiFailure::reactivate_user_not_found(),
        }
    }

    fn wrong_state(self) -> ApiFailure {
        match self {
            StateChange::Unlock => ApiFailure::not_locked(),
            StateChange::Reactivate => ApiFailure::not_inactive(),
        }
    }

    fn event(self) -> &'static str {
        match self {
            StateChange::Unlock => event::UNLOCKED,
            StateChange::Reactivate => event::REACTIVATED,
        }
    }
}

pub(crate) fn change_state(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    what: StateChange,
) -> Result<ActionResponse, ApiFailure> {
    let (pos, user) = any_user(shared, user_id).ok_or_else(|| what.not_found())?;
    let mut live = lock(&shared.live);
    if live.state(pos, &user) != what.from() {
        return Err(what.wrong_state());
    }
    check_update(who, user_id, user.org(), shared.config.version.lets_self_unlock())?;
    live.change_mut(pos, &user).state = Some(UserState::Active);
    let change = live.write(pos, &user, &who.user_id, &[what.event()]);
    drop(live);
    Ok(answer(shared, &user, &change))
}

#[cfg(test)]
mod tests {
    use tokio_util::sync::CancellationToken;

    use super::super::auth::Role;
    use super::super::config::DemoConfig;
    use super::super::version::ZitadelVersion;
    use super::*;

    const MAX_LOCKED: &str = "300000000000000106";
    const PAUL_INITIAL: &str = "300000000000000108";

    fn shared(version: ZitadelVersion) -> Shared {
        let config = DemoConfig {
            generated_users: 0,
            version,
            ..DemoConfig::default()
        };
        Shared::new("http://demo.invalid".into(), config, CancellationToken::new()).unwrap()
    }

    fn caller(role: Role, user_id: &str) -> Principal {
        Principal {
            role,
            user_id: user_id.to_owned(),
        }
    }

    /// No demo token belongs to a locked user, so the self rule is shown here: a locked user
    /// without any membership unlocking themself.
    #[test]
    fn locked_users_may_unlock_themselves_only_up_to_4_0() {
        for version in ZitadelVersion::ALL {
            let s = shared(version);
            let me = caller(Role::NoMember, MAX_LOCKED);
            let r = change_state(&s, &me, MAX_LOCKED, StateChange::Unlock);
            if version.lets_self_unlock() {
                assert!(r.is_ok(), "{version}: {r:?}");
            } else {
                assert_eq!(r.unwrap_err().id, Some("AUTHZ-cdgFk"), "{version}");
            }
        }
    }

    /// Before v4.0 a verified address alone makes a user "initialised". No seed user without
    /// a way to sign in has one, so the address is marked verified here as an `isVerified`
    /// SetEmail would.
    #[test]
    fn before_4_0_a_verified_email_blocks_an_invite() {
        for version in ZitadelVersion::ALL {
            let s = shared(version);
            let (pos, user) = any_user(&s, PAUL_INITIAL).unwrap();
            lock(&s.live).change_mut(pos, &user).email = Some(("paul@acme.example".into(), true));
            let admin = caller(Role::Admin, "300000000000000900");
            let r = create_invite_code(&s, &admin, PAUL_INITIAL, &InviteRequest::default());
            if version.invite_refused_for_verified_email() {
                assert_eq!(r.unwrap_err().id, Some("COMMAND-EF34g"), "{version}");
            } else {
                assert!(r.is_ok(), "{version}: {r:?}");
            }
        }
    }
}
