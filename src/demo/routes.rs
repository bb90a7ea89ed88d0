//! The router: ZITADEL's REST (grpc-gateway) paths, the Connect paths of the same
//! `zitadel.user.v2.UserService` methods, the v3alpha resend, the v1 permission self-check,
//! OIDC/OAuth (discovery, token, device authorization, revoke, userinfo, the device
//! verification page), health, and the base URL's redirect to the login. Routing misses
//! answer like grpc-gateway (404 `{code: 5, message: "Not Found"}`; wrong method 405 with
//! code 12). Paths a ZITADEL line does not have are routing misses on it: SendEmailCode before
//! v2.67, the Connect paths before v4.0 (see `ZitadelVersion`).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Router, middleware};

use super::errors::ApiFailure;
use super::respond::{ErrorShape, failure, failure_with_status};
use super::state::Shared;
use super::user_service::{
    auth_methods_rest, connect, get_rest, invite_rest, list_rest, password_reset_rest, phone_resend_rest,
    reactivate_rest, resend_rest, resend_v3, send_rest, set_email_rest, unlock_rest,
};
use super::{account, device_oauth, intake, management, oauth, org_service};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let version = shared.config.version;
    let mut router = Router::new()
        .route("/v2/users", post(list_rest))
        .route("/v2/users/{user_id}", get(get_rest))
        .route("/v2/users/{user_id}/email/resend", post(resend_rest))
        .route("/v2/users/{user_id}/invite_code", post(invite_rest))
        .route("/v2/users/{user_id}/email", post(set_email_rest))
        .route("/v2/users/{user_id}/phone/resend", post(phone_resend_rest))
        .route("/v2/users/{user_id}/password_reset", post(password_reset_rest))
        .route("/v2/users/{user_id}/unlock", post(unlock_rest))
        .route("/v2/users/{user_id}/reactivate", post(reactivate_rest))
        .route("/v2/organizations/_search", post(org_service::list_orgs_rest));
    if version.has_send_email_code() {
        router = router.route("/v2/users/{user_id}/email/send", post(send_rest));
    }
    if version.serves_connect() {
        router = router.route("/zitadel.user.v2.UserService/{method}", post(connect));
    }
    router
        .route(
            "/v2/users/{user_id}/authentication_methods",
            get(auth_methods_rest),
        )
        .route(
            "/resources/v3alpha/users/{user_id}/email/_resend",
            post(resend_v3),
        )
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
            "/management/v1/users/{user_id}/changes/_search",
            post(management::user_changes),
        )
        .route(
            "/auth/v1/permissions/zitadel/me/_search",
            post(account::my_permissions),
        )
        .route("/debug/healthz", get(healthz))
        .route("/", get(root))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            intake::intake,
        ))
        .with_state(shared)
}

async fn healthz() -> &'static str {
    "ok"
}

/// The base URL sends a browser to the login, as ZITADEL does (internal/api/api.go, v2.66.0
/// to v4.13.1: `api.router.Handle("/", http.RedirectHandler(login.HandlerPrefix,
/// http.StatusFound))`), so `doctor` sees there what it sees at a real instance.
async fn root() -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    response.headers_mut().insert(
        axum::http::header::LOCATION,
        axum::http::HeaderValue::from_static("/ui/login"),
    );
    response
}

async fn not_found() -> Response {
    failure(ErrorShape::Rest, &ApiFailure::route_not_found())
}

async fn method_not_allowed() -> Response {
    failure_with_status(
        ErrorShape::Rest,
        StatusCode::METHOD_NOT_ALLOWED,
        &ApiFailure::method_not_allowed(),
    )
}
