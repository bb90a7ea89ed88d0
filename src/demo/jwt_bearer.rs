//! The JWT-bearer grant (RFC 7523), as ZITADEL offers it to service accounts: a JWT signed
//! RS256 with the account's key (`kid` = key ID), `iss` = `sub` = its user ID, `aud` = the
//! issuer, fresh `iat`, future `exp`, and the scope
//! `urn:zitadel:iam:org:project:id:zitadel:aud`. Its tokens act as the admin.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::response::Response;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::json;

use super::identities::{SERVICE_KEY_ID, SERVICE_USER_ID};
use super::oauth_wire::{ZITADEL_AUDIENCE_SCOPE, oauth_error, token_response};
use super::state::Shared;
use super::sync::lock;
use super::tokens::Holder;

pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// How old an assertion's `iat` may be, and the clock offset ZITADEL applies: `time.Hour,
/// time.Second` (internal/api/oidc/token_jwt_profile.go, `verifyJWTProfile`), checked by
/// zitadel/oidc pkg/oidc/verifier.go (`CheckExpiration`, `CheckIssuedAt`).
const MAX_ASSERTION_AGE_SECS: f64 = 3600.0;
const OFFSET_SECS: f64 = 1.0;

/// Why an assertion was refused; the text is the `error_description` of `invalid_grant`.
#[derive(Debug, thiserror::Error)]
enum AssertionRejected {
    #[error("assertion is not a JWT: {0}")]
    NotAJwt(jsonwebtoken::errors::Error),
    #[error("assertion must be signed with RS256, not {0:?}")]
    WrongAlgorithm(Algorithm),
    #[error("unknown key id {0:?}")]
    UnknownKey(String),
    #[error("assertion rejected: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    #[error("assertion has no iat")]
    NoIssuedAt,
    #[error("assertion too old: iat is more than 1h ago")]
    TooOld,
    #[error("assertion issued in the future")]
    IssuedInTheFuture,
    #[error("assertion has expired")]
    Expired,
}

/// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (`assertion`, `scope`).
pub(crate) fn grant(shared: &Shared, form: &HashMap<String, String>) -> Response {
    let Some(assertion) = form.get("assertion").filter(|a| !a.is_empty()) else {
        return oauth_error("invalid_request", "assertion missing");
    };
    if let Err(reason) = verify_assertion(shared, assertion) {
        return oauth_error("invalid_grant", reason.to_string());
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
    #[serde(default)]
    exp: Option<serde_json::Value>,
}

fn verify_assertion(shared: &Shared, assertion: &str) -> Result<(), AssertionRejected> {
    let head = jsonwebtoken::decode_header(assertion).map_err(AssertionRejected::NotAJwt)?;
    if head.alg != Algorithm::RS256 {
        return Err(AssertionRejected::WrongAlgorithm(head.alg));
    }
    if head.kid.as_deref() != Some(SERVICE_KEY_ID) {
        return Err(AssertionRejected::UnknownKey(head.kid.unwrap_or_default()));
    }
    let mut validation = Validation::new(Algorithm::RS256);
    // `exp` is checked below, with ZITADEL's offset (which shortens, not lengthens, its life).
    validation.validate_exp = false;
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.set_issuer(&[SERVICE_USER_ID]);
    validation.sub = Some(SERVICE_USER_ID.to_owned());
    let url = &shared.url;
    validation.set_audience(&[url.clone(), format!("{url}/")]);
    let data = jsonwebtoken::decode::<Claims>(assertion, &shared.jwt_key, &validation)
        .map_err(AssertionRejected::Invalid)?;
    let iat = data
        .claims
        .iat
        .as_ref()
        .and_then(serde_json::Value::as_f64)
        .ok_or(AssertionRejected::NoIssuedAt)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    // `!now.Add(offset).Before(exp)`: the assertion must outlive the next second.
    let exp = data
        .claims
        .exp
        .as_ref()
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(0.0);
    if now + OFFSET_SECS >= exp {
        return Err(AssertionRejected::Expired);
    }
    // `issuedAt.After(now.Add(offset).Round(time.Second))`; the age limit also rounded.
    if iat > (now + OFFSET_SECS).round() {
        return Err(AssertionRejected::IssuedInTheFuture);
    }
    if iat < (now - MAX_ASSERTION_AGE_SECS).round() {
        return Err(AssertionRejected::TooOld);
    }
    Ok(())
}
