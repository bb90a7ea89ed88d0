//! The device authorization grant over HTTP (RFC 8628), refresh with rotation, revocation
//! (RFC 7009) and the verification page. Only the native app [`DEMO_CLIENT_ID`] (a public
//! client: `client_id` in the form, no secret) may use them; its tokens act as
//! [`DEVICE_USER_ID`]. Errors use the OAuth shape with status 400.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::account::user_claims;
use super::config::DeviceApproval;
use super::device::{Poll, Start, secs_ceil};
use super::identities::{DEMO_CLIENT_ID, DEVICE_USER_ID};
use super::oauth_wire::{ZITADEL_AUDIENCE_SCOPE, oauth_error, parse_form, token_response};
use super::state::Shared;
use super::sync::lock;
use super::tokens::Holder;

pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

type Form = HashMap<String, String>;

fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split_whitespace().any(|s| s == wanted)
}

fn field<'a>(form: &'a Form, key: &str) -> Option<&'a str> {
    form.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

/// The public client's `client_id` must be the demo's native app; the error answer if not.
fn client_error(form: &Form) -> Option<Response> {
    match field(form, "client_id") {
        Some(DEMO_CLIENT_ID) => None,
        Some(_) => Some(oauth_error("invalid_client", "unknown client_id")),
        None => Some(oauth_error("invalid_client", "client_id missing")),
    }
}

/// `POST /oauth/v2/device_authorization` (form: `client_id`, `scope`).
pub(crate) async fn device_authorization(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    if let Some(r) = client_error(&form) {
        return r;
    }
    let scope = form
        .get("scope")
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    for required in ["openid", ZITADEL_AUDIENCE_SCOPE] {
        if !has_scope(&scope, required) {
            return oauth_error("invalid_scope", format!("scope must contain {required}"));
        }
    }
    let config = &shared.config;
    let (device_code, user_code) = {
        let mut live = lock(&shared.live);
        let live = &mut *live;
        live.device.start(
            &mut live.rng,
            Start {
                client_id: DEMO_CLIENT_ID,
                scope: &scope,
                lifetime: config.device_code_lifetime,
                interval: config.device_poll_interval,
            },
            Instant::now(),
        )
    };
    let url = &shared.url;
    token_response(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("{url}/device"),
        "verification_uri_complete": format!("{url}/device?user_code={user_code}"),
        "expires_in": secs_ceil(config.device_code_lifetime),
        "interval": secs_ceil(config.device_poll_interval),
    }))
}

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code` (`device_code`, `client_id`).
pub(crate) fn device_code_grant(shared: &Shared, form: &Form) -> Response {
    if let Some(r) = client_error(form) {
        return r;
    }
    let Some(device_code) = field(form, "device_code") else {
        return oauth_error("invalid_request", "device_code missing");
    };
    let poll =
        lock(&shared.live)
            .device
            .poll(device_code, DEMO_CLIENT_ID, shared.config.device, Instant::now());
    match poll {
        Poll::Approved { scope } => {
            let grant = lock(&shared.live).device.new_grant();
            let refresh_scope = has_scope(&scope, "offline_access").then_some(scope.as_str());
            issue(shared, grant, &scope, refresh_scope)
        }
        Poll::Pending => oauth_error(
            "authorization_pending",
            "the user has not yet approved the request",
        ),
        Poll::SlowDown => oauth_error(
            "slow_down",
            "polling too fast: wait 5 seconds longer between requests from now on",
        ),
        Poll::Denied => oauth_error("access_denied", "the user declined the request"),
        Poll::Expired => oauth_error("expired_token", "the device code expired; start again"),
        Poll::Invalid(reason) => oauth_error("invalid_grant", reason),
    }
}

/// `grant_type=refresh_token` (`refresh_token`, `client_id`, optional narrower `scope`).
/// Rotates: the old refresh token stops working, the answer carries a new one.
pub(crate) fn refresh_grant(shared: &Shared, form: &Form) -> Response {
    if let Some(r) = client_error(form) {
        return r;
    }
    let Some(token) = field(form, "refresh_token") else {
        return oauth_error("invalid_request", "refresh_token missing");
    };
    let mut live = lock(&shared.live);
    let Some(granted) = live.device.refresh_scope(token).map(str::to_owned) else {
        return oauth_error(
            "invalid_grant",
            "the refresh token is unknown, used already or revoked",
        );
    };
    let scope = match field(form, "scope") {
        Some(asked) => {
            // Checked before the token is used up: a bad request must not end the sign-in.
            if let Some(extra) = asked.split_whitespace().find(|s| !has_scope(&granted, s)) {
                return oauth_error("invalid_scope", format!("scope {extra:?} was not granted"));
            }
            asked.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        None => granted.clone(),
    };
    let Some(grant) = live.device.take_refresh(token) else {
        return oauth_error("invalid_grant", "the refresh token is unknown");
    };
    drop(live);
    issue(shared, grant.grant, &scope, Some(&granted))
}

/// Issues an access token (and a refresh token with `refresh_scope`) for a device sign-in.
fn issue(shared: &Shared, grant: u64, scope: &str, refresh_scope: Option<&str>) -> Response {
    let lifetime = shared.config.token_lifetime;
    let (access_token, refresh_token) = {
        let mut live = lock(&shared.live);
        let live = &mut *live;
        let access = live.rng.access_token();
        live.tokens
            .insert(access.clone(), lifetime, Holder::Agent { grant });
        let refresh = refresh_scope.map(|rs| {
            live.device
                .issue_refresh(&mut live.rng, grant, rs, Instant::now())
        });
        (access, refresh)
    };
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "scope": scope,
    });
    if let Some(refresh) = refresh_token {
        body["refresh_token"] = refresh.into();
    }
    if has_scope(scope, "openid") {
        body["id_token"] = id_token(shared, lifetime.as_secs()).into();
    }
    token_response(body)
}

/// An unsigned (`alg: none`) ID token with the device user's claims: for display only, it
/// proves nothing.
fn id_token(shared: &Shared, lifetime_secs: u64) -> String {
    let now = jiff::Timestamp::now().as_second();
    let mut claims = user_claims(shared, DEVICE_USER_ID);
    claims.insert("iss".into(), shared.url.clone().into());
    claims.insert("aud".into(), json!([DEMO_CLIENT_ID]));
    claims.insert("azp".into(), DEMO_CLIENT_ID.into());
    claims.insert("iat".into(), now.into());
    claims.insert("auth_time".into(), now.into());
    claims.insert(
        "exp".into(),
        now.saturating_add(i64::try_from(lifetime_secs).unwrap_or(i64::MAX))
            .into(),
    );
    let head = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
    format!("{head}.{body}.")
}

/// `POST /oauth/v2/revoke` (form: `token`, `token_type_hint`, `client_id`). Always 200 for a
/// well-formed request, known token or not (RFC 7009 §2.2). Revoking a refresh token also
/// revokes the access tokens of its sign-in; the fixed demo tokens cannot be revoked.
pub(crate) async fn revoke(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    if let Some(r) = client_error(&form) {
        return r;
    }
    let Some(token) = field(&form, "token") else {
        return oauth_error("invalid_request", "token missing");
    };
    // `token_type_hint` only speeds up the search in real servers; both stores are tried.
    {
        let mut live = lock(&shared.live);
        if !live.tokens.revoke(token)
            && let Some(grant) = live.device.take_refresh(token)
        {
            live.tokens.revoke_grant(grant.grant);
        }
    }
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response()
}

fn page(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `GET /device[?user_code=…]`: the verification page. Opening it with a code stands for the
/// demo user's decision: approve, or decline in [`DeviceApproval::Deny`] mode.
pub(crate) async fn device_page(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = parse_form(query.unwrap_or_default().as_bytes());
    let Some(code) = field(&query, "user_code") else {
        return page(
            StatusCode::OK,
            format!(
                "ZITADEL demo: device login\n\nOpen {}/device?user_code=XXXX-XXXX with the code your device shows.\n",
                shared.url
            ),
        );
    };
    let approve = shared.config.device != DeviceApproval::Deny;
    let now = Instant::now();
    let decided = {
        let mut live = lock(&shared.live);
        match live.device.live_user_code(code, now) {
            Some(issued) => live.device.decide(&issued, approve, now).then_some(issued),
            None => None,
        }
    };
    match decided {
        Some(issued) if approve => page(
            StatusCode::OK,
            format!("Device {issued} approved: signed in as Olga Berg. You can close this window.\n"),
        ),
        Some(issued) => page(
            StatusCode::OK,
            format!("Device {issued}: you declined the sign-in.\n"),
        ),
        None => page(
            StatusCode::NOT_FOUND,
            "Unknown, expired or used code.\n".to_owned(),
        ),
    }
}
