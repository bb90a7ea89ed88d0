//! The router: ZITADEL's REST (grpc-gateway) paths, the Connect paths of the same
//! `zitadel.user.v2.UserService` methods, the v3alpha resend, the v1 permission self-check,
//! OIDC/OAuth (discovery, token, device authorization, revoke, userinfo, the device
//! verification page), and health. Routing misses
//! answer like grpc-gateway (404 `{code: 5, message: "Not Found"}`; wrong method 405 with
//! code 12).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};

use super::codes::CodeCall;
use super::errors::ApiFailure;
use super::ops::{self, Outcome};
use super::state::Shared;
use super::{account, device_oauth, intake, oauth, request};

/// Which error body shape a path speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Rest,
    Connect,
}

impl Flavor {
    pub fn of_path(path: &str) -> Flavor {
        if path.starts_with("/zitadel.") {
            Flavor::Connect
        } else {
            Flavor::Rest
        }
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/users", post(list_rest))
        .route("/v2/users/{user_id}", get(get_rest))
        .route("/v2/users/{user_id}/email/resend", post(resend_rest))
        .route("/v2/users/{user_id}/email/send", post(send_rest))
        .route(
            "/v2/users/{user_id}/authentication_methods",
            get(auth_methods_rest),
        )
        .route(
            "/resources/v3alpha/users/{user_id}/email/_resend",
            post(resend_v3),
        )
        .route("/zitadel.user.v2.UserService/{method}", post(connect))
        .route("/.well-known/openid-configuration", get(oauth::discovery))
        .route("/oauth/v2/token", post(oauth::token))
        .route(
            "/oauth/v2/device_authorization",
            post(device_oauth::device_authorization),
        )
        .route("/oauth/v2/revoke", post(device_oauth::revoke))
        .route(
            "/oidc/v1/userinfo",
            get(account::userinfo).post(account::userinfo),
        )
        .route("/device", get(device_oauth::device_page))
        .route(
            "/auth/v1/permissions/zitadel/me/_search",
            post(account::my_permissions),
        )
        .route("/debug/healthz", get(healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            intake::intake,
        ))
        .with_state(shared)
}

/// A failure in the path's shape, with an explicit HTTP status.
pub(crate) fn failure_with_status(flavor: Flavor, status: StatusCode, f: &ApiFailure) -> Response {
    let body = match flavor {
        Flavor::Rest => f.rest_body(),
        Flavor::Connect => f.connect_body(),
    };
    (status, Json(body)).into_response()
}

pub(crate) fn failure(flavor: Flavor, f: &ApiFailure) -> Response {
    let status = StatusCode::from_u16(f.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    failure_with_status(flavor, status, f)
}

fn reply(flavor: Flavor, outcome: Outcome) -> Response {
    match outcome {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(f) => failure(flavor, &f),
    }
}

/// Runs a REST call on the `{userId}` of its path; undecodable paths are routing misses.
fn with_path_id(path: Result<Path<String>, PathRejection>, op: impl FnOnce(&str) -> Outcome) -> Response {
    match path {
        Ok(Path(id)) => reply(Flavor::Rest, op(&id)),
        Err(_) => failure(Flavor::Rest, &ApiFailure::route_not_found()),
    }
}

async fn list_rest(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    reply(Flavor::Rest, ops::list_users(&s, &headers, &body).await)
}

async fn get_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    with_path_id(path, |id| ops::get_user(&s, &headers, id))
}

async fn auth_methods_rest(
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

async fn resend_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    email_code_rest(&s, path, &headers, &body, CodeCall::Resend)
}

async fn send_rest(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    email_code_rest(&s, path, &headers, &body, CodeCall::Send)
}

async fn resend_v3(
    State(s): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    email_code_rest(&s, path, &headers, &body, CodeCall::ResendV3)
}

/// `POST /zitadel.user.v2.UserService/<Method>`: the user ID travels in the JSON body.
async fn connect(
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
        _ => Err(ApiFailure::route_not_found()),
    };
    reply(Flavor::Connect, outcome)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found() -> Response {
    failure(Flavor::Rest, &ApiFailure::route_not_found())
}

async fn method_not_allowed() -> Response {
    failure_with_status(
        Flavor::Rest,
        StatusCode::METHOD_NOT_ALLOWED,
        &ApiFailure::method_not_allowed(),
    )
}
