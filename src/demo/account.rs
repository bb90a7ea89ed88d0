//! Who am I: the OIDC userinfo endpoint and the v1 auth API's `ListMyZitadelPermissions`
//! (`POST /auth/v1/permissions/zitadel/me/_search`), for every kind of token the demo knows.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::auth::{self, Role};
use super::request;
use super::respond::{ErrorShape, failure};
use super::state::Shared;

/// `IAM_USER_MANAGER` in ZITADEL's default `InternalAuthZ.RolePermissionMappings`: the admin
/// token and the service account.
pub(crate) const IAM_USER_MANAGER: &[&str] = &[
    "org.read",
    "org.global.read",
    "org.member.read",
    "org.member.delete",
    "user.read",
    "user.global.read",
    "user.write",
    "user.delete",
    "user.grant.read",
    "user.grant.write",
    "user.grant.delete",
    "user.membership.read",
    "user.passkey.write",
    "user.feature.read",
    "user.feature.write",
    "user.feature.delete",
    "project.read",
    "project.member.read",
    "project.role.read",
    "project.app.read",
    "project.grant.read",
    "project.grant.write",
    "project.grant.delete",
    "project.grant.member.read",
    "session.read",
    "session.delete",
];

/// `ORG_USER_MANAGER`: the org token and device logins (Olga Berg, in Acme).
pub(crate) const ORG_USER_MANAGER: &[&str] = &[
    "org.read",
    "user.read",
    "user.global.read",
    "user.write",
    "user.delete",
    "user.grant.read",
    "user.grant.write",
    "user.grant.delete",
    "user.membership.read",
    "user.feature.read",
    "user.feature.write",
    "user.feature.delete",
    "policy.read",
    "project.read",
    "project.role.read",
    "session.read",
    "session.delete",
];

/// `IAM_OWNER_VIEWER`: the reader token (reads everything, writes nothing).
pub(crate) const IAM_OWNER_VIEWER: &[&str] = &[
    "iam.read",
    "iam.policy.read",
    "iam.member.read",
    "iam.idp.read",
    "iam.action.read",
    "iam.flow.read",
    "iam.restrictions.read",
    "iam.feature.read",
    "iam.web_key.read",
    "iam.debug.read",
    "org.read",
    "org.member.read",
    "org.idp.read",
    "org.action.read",
    "org.flow.read",
    "org.feature.read",
    "user.read",
    "user.global.read",
    "user.grant.read",
    "user.membership.read",
    "user.feature.read",
    "policy.read",
    "project.read",
    "project.member.read",
    "project.role.read",
    "project.app.read",
    "project.grant.read",
    "project.grant.member.read",
    "events.read",
    "milestones.read",
    "action.target.read",
    "action.execution.read",
    "userschema.read",
    "session.read",
];

/// The permissions of a role, as `ListMyZitadelPermissions` lists them.
pub(crate) fn permissions(role: &Role) -> &'static [&'static str] {
    match role {
        Role::Admin => IAM_USER_MANAGER,
        Role::OrgManager(_) => ORG_USER_MANAGER,
        Role::Reader => IAM_OWNER_VIEWER,
        Role::NoMember => &[],
    }
}

/// `POST /auth/v1/permissions/zitadel/me/_search`: `{"result": [...]}`. A caller without any
/// permission gets `{}` (protobuf JSON omits an empty list), as from ZITADEL.
pub(crate) async fn my_permissions(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The gateway decodes the body before the call is authenticated.
    if let Err(f) = request::decode_empty_message(&body) {
        return failure(ErrorShape::Rest, &f);
    }
    let who = match auth::authenticate(&shared, &headers) {
        Ok(who) => who,
        Err(f) => return failure(ErrorShape::Rest, &f),
    };
    let result = permissions(&who.role);
    if result.is_empty() {
        Json(json!({})).into_response()
    } else {
        Json(json!({ "result": result })).into_response()
    }
}

/// The standard claims of a user (the userinfo body; also in device-login ID tokens).
pub(crate) fn user_claims(shared: &Shared, user_id: &str) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), user_id.into());
    let dir = &shared.dir;
    let Some(user) = dir.position(user_id).and_then(|pos| dir.get(pos)) else {
        return claims;
    };
    let user = user.to_user();
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            claims.insert(key.into(), value.into());
        }
    };
    put("preferred_username", &user.preferred_login_name);
    if let Some(machine) = &user.machine {
        put("name", &machine.name);
    }
    if let Some(human) = &user.human {
        if let Some(p) = &human.profile {
            let full = format!("{} {}", p.given_name, p.family_name);
            put("name", p.display_name.as_deref().unwrap_or(full.trim()));
            put("given_name", &p.given_name);
            put("family_name", &p.family_name);
            put("nickname", p.nick_name.as_deref().unwrap_or(""));
            put("locale", p.preferred_language.as_deref().unwrap_or(""));
        }
        if let Some(e) = human.email.as_ref().filter(|e| !e.email.is_empty()) {
            claims.insert("email".into(), e.email.clone().into());
            claims.insert("email_verified".into(), e.is_verified.into());
        }
    }
    if let Some(d) = &user.details {
        claims.insert(
            "urn:zitadel:iam:user:resourceowner:id".into(),
            d.resource_owner.clone().into(),
        );
    }
    claims
}

/// `GET`/`POST /oidc/v1/userinfo`: the caller's claims. Without a token 401
/// `invalid_request` "access token missing" (zitadel/oidc pkg/op/server_http.go,
/// `userInfoHandler`); with an unusable one 401 `access_denied` "access token invalid"
/// (internal/api/oidc/userinfo.go).
pub(crate) async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if auth::bearer(&headers).is_none() {
        return oidc_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "access token missing",
        );
    }
    match auth::authenticate(&shared, &headers) {
        Ok(who) => Json(Value::Object(user_claims(&shared, &who.user_id))).into_response(),
        Err(_) => oidc_error(StatusCode::UNAUTHORIZED, "access_denied", "access token invalid"),
    }
}

/// zitadel/oidc's error body (pkg/op/error.go, `WriteError`).
fn oidc_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({
            "error": error,
            "error_description": description,
        })),
    )
        .into_response()
}
