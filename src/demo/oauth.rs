//! OIDC discovery and the token endpoint. The endpoint dispatches on `grant_type`: the
//! JWT-bearer grant (RFC 7523) lives here, as ZITADEL offers it to service accounts: a JWT
//! signed RS256 with the account's key (`kid` = key ID), `iss` = `sub` = its user ID, `aud` =
//! the issuer, fresh `iat`, future `exp`, and the scope
//! `urn:zitadel:iam:org:project:id:zitadel:aud`; the device code and refresh token grants are
//! in `device_oauth`. Errors use the OAuth shape `{error, error_description}` with status 400.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;

use super::auth::Holder;
use super::device_oauth;
use super::state::{Shared, lock};
use super::{SERVICE_KEY_ID, SERVICE_USER_ID};

const PUBLIC_KEY_PEM: &str = include_str!("../../assets/demo-service-key.pub.pem");
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub(crate) const ZITADEL_AUDIENCE_SCOPE: &str = "urn:zitadel:iam:org:project:id:zitadel:aud";
/// How old an assertion's `iat` may be.
const MAX_ASSERTION_AGE_SECS: f64 = 3600.0;
/// Clock skew tolerated for `iat` in the future and `exp` just past.
const LEEWAY_SECS: u64 = 5;

/// The demo key's public half, for verifying assertions.
pub(crate) fn decoding_key() -> Result<DecodingKey, String> {
    // Only the aws-lc backend is compiled in; installing it explicitly keeps jsonwebtoken from
    // guessing (an Err just means it is installed already).
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    DecodingKey::from_rsa_pem(PUBLIC_KEY_PEM.as_bytes()).map_err(|e| format!("demo-service-key.pub.pem: {e}"))
}

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

pub(crate) fn oauth_error(error: &str, description: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"error": error, "error_description": description.into()})),
    )
        .into_response()
}

/// A successful token response (never cached).
pub(crate) fn token_response(body: serde_json::Value) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// `POST /oauth/v2/token` (form-encoded).
pub(crate) async fn token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    let Some(grant) = form.get("grant_type") else {
        return oauth_error("invalid_request", "grant_type missing");
    };
    match grant.as_str() {
        JWT_BEARER => jwt_bearer(&shared, &form),
        DEVICE_CODE_GRANT => device_oauth::device_code_grant(&shared, &form),
        "refresh_token" => device_oauth::refresh_grant(&shared, &form),
        _ => oauth_error(
            "unsupported_grant_type",
            format!("the demo instance supports only {JWT_BEARER}, {DEVICE_CODE_GRANT} and refresh_token"),
        ),
    }
}

fn jwt_bearer(shared: &Shared, form: &HashMap<String, String>) -> Response {
    let Some(assertion) = form.get("assertion").filter(|a| !a.is_empty()) else {
        return oauth_error("invalid_request", "assertion missing");
    };
    if let Err(reason) = verify_assertion(shared, assertion) {
        return oauth_error("invalid_grant", reason);
    }
    let scope = form.get("scope").map(String::as_str).unwrap_or("");
    if !scope.split_whitespace().any(|s| s == ZITADEL_AUDIENCE_SCOPE) {
        return oauth_error(
            "invalid_scope",
            format!("scope must contain {ZITADEL_AUDIENCE_SCOPE}"),
        );
    }
    let lifetime = shared.config.token_lifetime;
    let access_token = {
        let mut live = lock(&shared.live);
        let t = live.rng.access_token();
        live.tokens.insert(t.clone(), lifetime, Holder::Service);
        t
    };
    token_response(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "scope": scope,
    }))
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    iat: Option<serde_json::Value>,
}

fn verify_assertion(shared: &Shared, assertion: &str) -> Result<(), String> {
    let head = jsonwebtoken::decode_header(assertion).map_err(|e| format!("assertion is not a JWT: {e}"))?;
    if head.alg != Algorithm::RS256 {
        return Err(format!("assertion must be signed with RS256, not {:?}", head.alg));
    }
    if head.kid.as_deref() != Some(SERVICE_KEY_ID) {
        return Err(format!("unknown key id {:?}", head.kid.unwrap_or_default()));
    }
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = LEEWAY_SECS;
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.set_issuer(&[SERVICE_USER_ID]);
    validation.sub = Some(SERVICE_USER_ID.to_owned());
    let url = &shared.url;
    validation.set_audience(&[url.clone(), format!("{url}/")]);
    let data = jsonwebtoken::decode::<Claims>(assertion, &shared.jwt_key, &validation)
        .map_err(|e| format!("assertion rejected: {e}"))?;
    let iat = data
        .claims
        .iat
        .as_ref()
        .and_then(serde_json::Value::as_f64)
        .ok_or("assertion has no iat")?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    if iat < now - MAX_ASSERTION_AGE_SECS {
        return Err("assertion too old: iat is more than 1h ago".into());
    }
    if iat > now + LEEWAY_SECS as f64 {
        return Err("assertion issued in the future".into());
    }
    Ok(())
}

/// `application/x-www-form-urlencoded`; later keys win, broken escapes stay as they are.
pub(crate) fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        let f = parse_form(b"grant_type=urn%3Aietf%3Aparams&scope=openid+x&bad=%zz%4&empty");
        assert_eq!(f["grant_type"], "urn:ietf:params");
        assert_eq!(f["scope"], "openid x");
        assert_eq!(f["bad"], "%zz%4");
        assert_eq!(f["empty"], "");
        assert_eq!(percent_decode("%C3%BC"), "ü");
    }

    #[test]
    fn the_public_key_loads() {
        assert!(decoding_key().is_ok());
    }
}
