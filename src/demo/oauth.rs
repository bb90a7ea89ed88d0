//! OIDC discovery and the token endpoint, which dispatches on `grant_type` to the JWT-bearer
//! grant (`jwt_bearer`) or to the device code and refresh token grants (`device_oauth`).
//! Errors use the OAuth shape `{error, error_description}` with status 400.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::device_oauth::{self, DEVICE_CODE_GRANT};
use super::jwt_bearer::{self, JWT_BEARER};
use super::oauth_wire::{oauth_error, parse_form};
use super::state::Shared;

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let url = &shared.url;
    Json(json!({
        "issuer": url,
        "authorization_endpoint": format!("{url}/oauth/v2/authorize"),
        "token_endpoint": format!("{url}/oauth/v2/token"),
        "introspection_endpoint": format!("{url}/oauth/v2/introspect"),
        "userinfo_endpoint": format!("{url}/oidc/v1/userinfo"),
        "revocation_endpoint": format!("{url}/oauth/v2/revoke"),
        "end_session_endpoint": format!("{url}/oidc/v1/end_session"),
        "device_authorization_endpoint": format!("{url}/oauth/v2/device_authorization"),
        "jwks_uri": format!("{url}/oauth/v2/keys"),
        "scopes_supported": ["openid", "profile", "email", "phone", "address", "offline_access"],
        "response_types_supported": ["code", "id_token", "id_token token"],
        "grant_types_supported": [
            "authorization_code",
            "implicit",
            "refresh_token",
            "client_credentials",
            JWT_BEARER,
            DEVICE_CODE_GRANT,
            "urn:ietf:params:oauth:grant-type:token-exchange"
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"],
        "claims_supported": ["sub", "aud", "exp", "iat", "iss", "name", "email", "email_verified"],
        "code_challenge_methods_supported": ["S256"]
    }))
    .into_response()
}

/// `POST /oauth/v2/token` (form-encoded).
pub(crate) async fn token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    let Some(grant) = form.get("grant_type") else {
        return oauth_error("invalid_request", "grant_type missing");
    };
    match grant.as_str() {
        JWT_BEARER => jwt_bearer::grant(&shared, &form),
        DEVICE_CODE_GRANT => device_oauth::device_code_grant(&shared, &form),
        "refresh_token" => device_oauth::refresh_grant(&shared, &form),
        _ => oauth_error(
            "unsupported_grant_type",
            format!("the demo instance supports only {JWT_BEARER}, {DEVICE_CODE_GRANT} and refresh_token"),
        ),
    }
}
