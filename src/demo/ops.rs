//! The API calls, independent of transport (REST or Connect), each with ZITADEL's order of
//! failure: body decoding (in the gateway, before anything else), authentication, proto
//! validation, then the handler. The result is the JSON body or the failure; `routes` turns
//! it into a REST or Connect response.

use std::sync::Arc;

use axum::http::HeaderMap;
use serde::Serialize;

use super::auth;
use super::codes::{self, CodeCall};
use super::errors::ApiFailure;
use super::history;
use super::remedies::{self, StateChange};
use super::remedy_request;
use super::request;
use super::state::Shared;
use super::users;
use crate::api::wire::grpc_code;

pub(crate) type Outcome = Result<Vec<u8>, ApiFailure>;

fn to_json<T: Serialize>(value: &T) -> Outcome {
    serde_json::to_vec(value)
        .map_err(|e| ApiFailure::bare(grpc_code::INTERNAL, format!("encoding the answer: {e}")))
}

pub(crate) async fn list_users(shared: &Arc<Shared>, headers: &HeaderMap, body: &[u8]) -> Outcome {
    let decoded = request::decode_list(body, shared.config.version)?;
    let who = auth::authenticate(shared, headers)?;
    if let Some(failure) = decoded.invalid.or(decoded.deferred) {
        return Err(failure);
    }
    // A filtered listing scans every user: keep that off the async workers.
    let shared = Arc::clone(shared);
    let req = decoded.req;
    let response = tokio::task::spawn_blocking(move || users::list(&shared, &who, &req))
        .await
        .map_err(|e| ApiFailure::bare(grpc_code::INTERNAL, format!("listing failed: {e}")))?;
    to_json(&response)
}

pub(crate) fn get_user(shared: &Shared, headers: &HeaderMap, user_id: &str) -> Outcome {
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "GetUserByIDRequest")?;
    to_json(&users::get(shared, &who, user_id)?)
}

pub(crate) fn auth_methods(shared: &Shared, headers: &HeaderMap, user_id: &str) -> Outcome {
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "ListAuthenticationMethodTypesRequest")?;
    to_json(&users::auth_methods(shared, &who, user_id)?)
}

pub(crate) fn email_code(
    shared: &Shared,
    headers: &HeaderMap,
    user_id: &str,
    body: &[u8],
    call: CodeCall,
) -> Outcome {
    let (package, message) = match call {
        CodeCall::Resend => ("zitadel.user.v2", "ResendEmailCodeRequest"),
        CodeCall::Send => ("zitadel.user.v2", "SendEmailCodeRequest"),
        CodeCall::ResendV3 => ("zitadel.resources.user.v3alpha", "ResendContactEmailCodeRequest"),
    };
    let req = request::decode_email_code(body, &format!("{package}.{message}"))?;
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, message)?;
    request::validate_email_code(&req, message)?;
    to_json(&codes::email_code(shared, &who, user_id, &req, call)?)
}

/// `ListUserChanges`: decoded like any body (unknown keys dropped), then authentication, the
/// proto rule on `userId`, and the history in the context organisation.
pub(crate) fn user_changes(shared: &Shared, headers: &HeaderMap, user_id: &str, body: &[u8]) -> Outcome {
    let decoded: history::ChangesBody = request::decode_message(body)?;
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "ListUserChangesRequest")?;
    let context_org = headers
        .get("x-zitadel-orgid")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    to_json(&history::list_changes(
        shared,
        &who,
        context_org,
        user_id,
        &decoded,
    )?)
}

/// The remedies that issue codes or change an address (see `remedies`): the body decoded in
/// the gateway, authentication, the proto rules on `userId` and the body, then the command.
pub(crate) fn create_invite_code(
    shared: &Shared,
    headers: &HeaderMap,
    user_id: &str,
    body: &[u8],
) -> Outcome {
    let req = remedy_request::decode_invite(body)?;
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "CreateInviteCodeRequest")?;
    remedy_request::validate_invite(&req)?;
    to_json(&remedies::create_invite_code(shared, &who, user_id, &req)?)
}

pub(crate) fn set_email(shared: &Shared, headers: &HeaderMap, user_id: &str, body: &[u8]) -> Outcome {
    let req = remedy_request::decode_set_email(body)?;
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "SetEmailRequest")?;
    remedy_request::validate_set_email(&req)?;
    to_json(&remedies::set_email(shared, &who, user_id, &req)?)
}

pub(crate) fn resend_phone_code(shared: &Shared, headers: &HeaderMap, user_id: &str, body: &[u8]) -> Outcome {
    let req = remedy_request::decode_phone_code(body)?;
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "ResendPhoneCodeRequest")?;
    to_json(&remedies::resend_phone_code(shared, &who, user_id, &req)?)
}

pub(crate) fn password_reset(shared: &Shared, headers: &HeaderMap, user_id: &str, body: &[u8]) -> Outcome {
    let req = remedy_request::decode_password_reset(body)?;
    let who = auth::authenticate(shared, headers)?;
    request::validate_user_id(user_id, "PasswordResetRequest")?;
    remedy_request::validate_password_reset(&req)?;
    to_json(&remedies::password_reset(shared, &who, user_id, &req)?)
}

/// UnlockUser and ReactivateUser: a body without fields (any object).
pub(crate) fn change_state(
    shared: &Shared,
    headers: &HeaderMap,
    user_id: &str,
    body: &[u8],
    what: StateChange,
) -> Outcome {
    request::decode_empty_message(body)?;
    let who = auth::authenticate(shared, headers)?;
    let message = match what {
        StateChange::Unlock => "UnlockUserRequest",
        StateChange::Reactivate => "ReactivateUserRequest",
    };
    request::validate_user_id(user_id, message)?;
    to_json(&remedies::change_state(shared, &who, user_id, what)?)
}
