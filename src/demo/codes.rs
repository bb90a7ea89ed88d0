//! ResendEmailCode, SendEmailCode (v2) and ResendContactEmailCode (v3alpha), with ZITADEL's
//! order of checks: URL template test-render, user lookup (missing, deleted, machine or
//! without email → 404), INITIAL state, `user.write` permission, the pending code (resend
//! only); then a fresh code replaces the old one.

use super::auth::Principal;
use super::errors::ApiFailure;
use super::state::Shared;
use super::sync::lock;
use crate::api::wire::{
    CodeDetails, EmailCodeRequest, EmailCodeResponse, Owner, UserState, VerificationCode,
};
use crate::go_template::{self, Data, GoTemplateError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeCall {
    /// `POST /v2/users/{userId}/email/resend`: needs a pending code.
    Resend,
    /// `POST /v2/users/{userId}/email/send`: issues a code in any case.
    Send,
    /// `POST /resources/v3alpha/users/{id}/email/_resend`: resend, v3alpha details shape.
    ResendV3,
}

pub(crate) fn email_code(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
    req: &EmailCodeRequest,
    call: CodeCall,
) -> Result<EmailCodeResponse, ApiFailure> {
    if let Some(t) = req.send_code.as_ref().and_then(|s| s.url_template.as_deref()) {
        // ZITADEL's test render (`internal/command/user_v2_email.go` at v4.13.1): the real
        // user ID, "code" and "orgID". What Go cannot evaluate here is accepted, as ZITADEL
        // most likely would.
        let data = Data {
            user_id: user_id.to_owned(),
            code: "code".to_owned(),
            org_id: "orgID".to_owned(),
        };
        go_template::render(t, data).map_err(|e| match e {
            GoTemplateError::Parse(_) => ApiFailure::template_parse(),
            GoTemplateError::Exec(_) => ApiFailure::template_exec(),
        })?;
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
        return Err(who.denied());
    }

    let mut live = lock(&shared.live);
    if call != CodeCall::Send && live.pending_code(pos, &user).is_none() {
        return Err(match call {
            CodeCall::ResendV3 => ApiFailure::code_empty_v3(),
            _ => ApiFailure::code_empty_v2(),
        });
    }
    let code = live.rng.email_code();
    let change = live.issue_code(pos, &user, code.clone());
    drop(live);

    let org_id = dir.orgs.get(user.org()).map(|o| o.id.clone()).unwrap_or_default();
    let details = match call {
        CodeCall::Resend | CodeCall::Send => CodeDetails {
            sequence: change.sequence,
            change_date: Some(change.change_date),
            resource_owner: org_id,
            ..CodeDetails::default()
        },
        CodeCall::ResendV3 => CodeDetails {
            id: user_id.to_owned(),
            created: Some(user.creation_date()),
            changed: Some(change.change_date),
            owner: Some(Owner {
                owner_type: "OWNER_TYPE_ORG".to_owned(),
                id: org_id,
            }),
            ..CodeDetails::default()
        },
    };
    Ok(EmailCodeResponse {
        details: Some(details),
        verification_code: req.return_code.is_some().then(|| VerificationCode::new(code)),
    })
}
