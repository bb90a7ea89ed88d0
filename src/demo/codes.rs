//! ResendEmailCode and SendEmailCode (v2), with ZITADEL's order of checks: URL template
//! test-render, user lookup (missing, deleted, machine or without email → 404), INITIAL
//! state, `user.write` permission, the pending code (resend only); then a fresh code replaces
//! the old one. ResendContactEmailCode (v3alpha) serves only schema users, which the demo (like
//! most instances) has none of, so it never succeeds.

use super::auth::Principal;
use super::errors::ApiFailure;
use super::state::{Shared, event};
use super::sync::lock;
use crate::api::wire::{ActionResponse, CodeDetails, EmailCodeRequest, UserState, VerificationCode};
use crate::go_template::{self, Data, GoTemplateError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeCall {
    /// `POST /v2/users/{userId}/email/resend`: needs a pending code.
    Resend,
    /// `POST /v2/users/{userId}/email/send`: issues a code in any case.
    Send,
    /// `POST /resources/v3alpha/users/{id}/email/_resend`: schema users only.
    ResendV3,
}

pub(crate) fn email_code(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    req: &EmailCodeRequest,
    call: CodeCall,
) -> Result<ActionResponse, ApiFailure> {
    if call == CodeCall::ResendV3 {
        return Err(schema_user_resend(shared));
    }
    if let Some(t) = req.send_code.as_ref().and_then(|s| s.url_template.as_deref()) {
        check_url_template(t, user_id)?;
    }
    let dir = &shared.dir;
    let (pos, user) = dir
        .position(user_id)
        .and_then(|p| dir.get(p).map(|u| (p, u)))
        .filter(|(_, u)| u.has_email())
        .ok_or_else(ApiFailure::email_not_found)?;
    if user.state() == UserState::Initial {
        return Err(ApiFailure::not_initialised());
    }
    if !who.can_write(user_id, user.org()) {
        return Err(who.denied(user.org()));
    }

    let mut live = lock(&shared.live);
    if call == CodeCall::Resend && live.pending_code(pos, &user).is_none() {
        return Err(ApiFailure::code_empty_v2());
    }
    let code = live.rng.email_code();
    live.change_mut(pos, &user).code = Some(code.clone());
    let change = live.write(pos, &user, &who.user_id, &[event::EMAIL_CODE_ADDED]);
    if req.return_code.is_none() {
        live.notified(pos, event::EMAIL_CODE_SENT);
    }
    drop(live);

    let org_id = dir.orgs.get(user.org()).map(|o| o.id.clone()).unwrap_or_default();
    Ok(ActionResponse {
        details: Some(CodeDetails {
            sequence: change.sequence,
            change_date: Some(change.change_date),
            resource_owner: org_id,
            ..CodeDetails::default()
        }),
        verification_code: req.return_code.is_some().then(|| VerificationCode::new(code)),
        invite_code: None,
    })
}

/// ZITADEL's test render of a link template before a code is issued
/// (`domain.RenderConfirmURLTemplate` with the real user ID, "code" and "orgID";
/// internal/command/user_v2_email.go, user_v2_password.go, and
/// internal/api/grpc/user/v2/user.go for invites, at v4.13.1). What Go cannot evaluate here is
/// accepted, as ZITADEL most likely would.
pub(crate) fn check_url_template(template: &str, user_id: &str) -> Result<(), ApiFailure> {
    let data = Data {
        user_id: user_id.to_owned(),
        code: "code".to_owned(),
        org_id: "orgID".to_owned(),
    };
    go_template::render(template, data).map_err(|e| match e {
        GoTemplateError::Parse(_) => ApiFailure::template_parse(),
        GoTemplateError::Exec(_) => ApiFailure::template_exec(),
    })?;
    Ok(())
}

/// The v3alpha resend for any user of the demo: with the `UserSchema` feature off the
/// feature check refuses it (internal/api/grpc/resources/user/v3alpha/email.go,
/// `ResendContactEmailCode`); with it on, no user is a schema user
/// (internal/command/user_v3_model.go, `NewResendEmailCode`).
fn schema_user_resend(shared: &Shared) -> ApiFailure {
    if shared.config.user_schema {
        ApiFailure::schema_user_not_found()
    } else {
        ApiFailure::user_schema_not_enabled()
    }
}
