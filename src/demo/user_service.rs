//! The HTTP handlers of the `zitadel.user.v2.UserService` methods the client calls (reads,
//! the email codes and the remedies): the REST (grpc-gateway) paths, the v3alpha resend, and the Connect path that carries the user
//! ID in its JSON body. Each hands the request to `ops` and answers in its path's shape.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::codes::CodeCall;
use super::errors::ApiFailure;
use super::ops::{self, Outcome};
use super::remedies::StateChange;
use super::request;
use super::respond::{ErrorShape, failure};
use super::state::Shared;

fn reply(shape: ErrorShape, outcome: Outcome) -> Response {
    match outcome {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(f) => failure(shape, &f),
    }
}

/// Runs a REST call on the `{userId}` of its path; undecodable paths are routing misses.
fn with_path_id(path: Result<Path<String>, PathRejection>, op: impl FnOnce(&str) -> Outcome) -> Response {
    match path {
        Ok(Path(id)) => reply(ErrorShape::Rest, op(&id)),
        Err(_) => failure(ErrorShape::Rest, &ApiFailure::route_not_found()),
    }
}

pub(crate) async fn list_rest(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    reply(ErrorShape::Rest, ops::list_users(&s, &headers, &body).await)
}

pub(crate) async fn get_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    with_path_id(path, |id| ops::get_user(&s, &headers, id))
}

pub(crate) async fn auth_methods_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    with_path_id(path, |id| ops::auth_methods(&s, &headers, id))
}

fn email_code_rest(
    s: &Shared,
    path: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
    body: &[u8],
    call: CodeCall,
) -> Response {
    with_path_id(path, |id| ops::email_code(s, headers, id, body, call))
}

pub(crate) async fn resend_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    email_code_rest(&s, path, &headers, &body, CodeCall::Resend)
}

pub(crate) async fn send_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    email_code_rest(&s, path, &headers, &body, CodeCall::Send)
}

pub(crate) async fn resend_v3(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    email_code_rest(&s, path, &headers, &body, CodeCall::ResendV3)
}

pub(crate) async fn invite_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_path_id(path, |id| ops::create_invite_code(&s, &headers, id, &body))
}

pub(crate) async fn set_email_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_path_id(path, |id| ops::set_email(&s, &headers, id, &body))
}

pub(crate) async fn phone_resend_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_path_id(path, |id| ops::resend_phone_code(&s, &headers, id, &body))
}

pub(crate) async fn password_reset_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_path_id(path, |id| ops::password_reset(&s, &headers, id, &body))
}

pub(crate) async fn unlock_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_path_id(path, |id| {
        ops::change_state(&s, &headers, id, &body, StateChange::Unlock)
    })
}

pub(crate) async fn reactivate_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_path_id(path, |id| {
        ops::change_state(&s, &headers, id, &body, StateChange::Reactivate)
    })
}

/// `POST /zitadel.user.v2.UserService/<Method>`: the user ID travels in the JSON body.
pub(crate) async fn connect(
    State(s): State<Arc<Shared>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let with_id = |op: &dyn Fn(&str) -> Outcome| match request::decode_user_id(&body) {
        Ok(id) => op(&id),
        Err(e) => Err(e),
    };
    let outcome = match method.as_str() {
        "ListUsers" => ops::list_users(&s, &headers, &body).await,
        "GetUserByID" => with_id(&|id| ops::get_user(&s, &headers, id)),
        "ListAuthenticationMethodTypes" => with_id(&|id| ops::auth_methods(&s, &headers, id)),
        "ResendEmailCode" => with_id(&|id| ops::email_code(&s, &headers, id, &body, CodeCall::Resend)),
        "SendEmailCode" => with_id(&|id| ops::email_code(&s, &headers, id, &body, CodeCall::Send)),
        "CreateInviteCode" => with_id(&|id| ops::create_invite_code(&s, &headers, id, &body)),
        "SetEmail" => with_id(&|id| ops::set_email(&s, &headers, id, &body)),
        "ResendPhoneCode" => with_id(&|id| ops::resend_phone_code(&s, &headers, id, &body)),
        "PasswordReset" => with_id(&|id| ops::password_reset(&s, &headers, id, &body)),
        "UnlockUser" => with_id(&|id| ops::change_state(&s, &headers, id, &body, StateChange::Unlock)),
        "ReactivateUser" => {
            with_id(&|id| ops::change_state(&s, &headers, id, &body, StateChange::Reactivate))
        }
        _ => Err(ApiFailure::route_not_found()),
    };
    reply(ErrorShape::Connect, outcome)
}
