//! Who is calling, and what they may do. The four fixed demo tokens stand for ZITADEL's
//! typical memberships; tokens issued by the JWT-bearer grant act as the admin (the service
//! account), tokens from device logins as Olga Berg with the org token's rights, until they
//! expire or are revoked. Reading and resending for oneself is always allowed, as in ZITADEL.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use super::errors::ApiFailure;
use super::identities::{
    ADMIN_TOKEN, DEVICE_USER_ID, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN, SERVICE_USER_ID,
};
use super::state::Shared;
use super::sync::lock;
use super::tokens::Holder;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// `user.read` + `user.write` in every org (IAM_USER_MANAGER).
    Admin,
    /// `user.read` + `user.write` in one org (ORG_USER_MANAGER), by org index.
    OrgManager(usize),
    /// `user.read` everywhere (IAM_OWNER_VIEWER).
    Reader,
    /// No membership anywhere.
    NoMember,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Principal {
    pub role: Role,
    /// The caller's own user.
    pub user_id: String,
}

impl Principal {
    pub fn can_read(&self, user_id: &str, org: usize) -> bool {
        self.user_id == user_id || self.reads_org(org)
    }

    /// `user.read` in the org (through an org or instance membership).
    pub fn reads_org(&self, org: usize) -> bool {
        match self.role {
            Role::Admin | Role::Reader => true,
            Role::OrgManager(o) => o == org,
            Role::NoMember => false,
        }
    }

    /// `user.read` in every org: nothing is filtered out of a listing.
    pub fn reads_everything(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Reader)
    }

    /// A membership in the org or on the instance, whatever its roles
    /// (`SearchMyMemberships` in internal/api/authz/permissions.go).
    fn member_of(&self, org: usize) -> bool {
        match self.role {
            Role::Admin | Role::Reader => true,
            Role::OrgManager(o) => o == org,
            Role::NoMember => false,
        }
    }

    pub fn can_write(&self, user_id: &str, org: usize) -> bool {
        self.user_id == user_id || self.writes_org(org)
    }

    /// `user.write` through a membership in `org` (or instance-wide), not for oneself.
    pub fn writes_org(&self, org: usize) -> bool {
        match self.role {
            Role::Admin => true,
            Role::OrgManager(o) => o == org,
            Role::Reader | Role::NoMember => false,
        }
    }

    /// The check on the instance alone, made when the user's organisation is unknown (an
    /// invite for a user ZITADEL does not know): `Ok` with an instance membership granting
    /// `user.write`, else the error `denied` gives for it.
    pub fn check_instance_write(&self) -> Result<(), ApiFailure> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Reader => Err(ApiFailure::permission_denied()),
            Role::OrgManager(_) | Role::NoMember => Err(ApiFailure::membership_not_found()),
        }
    }

    /// `user.read` through a membership in `org` (or instance-wide): the check of v1
    /// management calls, which act in an organisation rather than on a user, so reading
    /// oneself earns nothing here.
    pub fn may_read_in(&self, org: usize) -> bool {
        // Every demo role with a membership holds user.read there.
        self.member_of(org)
    }

    /// The error for a refused check in `org`, as internal/api/authz/permissions.go raises
    /// it: no membership in that org nor on the instance → 404 `AUTHZ-cdgFk`; a membership
    /// without the permission → 403 `AUTH-AWfge`.
    pub fn denied(&self, org: usize) -> ApiFailure {
        if self.member_of(org) {
            ApiFailure::permission_denied()
        } else {
            ApiFailure::membership_not_found()
        }
    }
}

/// The token of an `Authorization: Bearer …` header (any case; for the request log and
/// the OAuth endpoints).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The token of the `Authorization` header as ZITADEL's API interceptor reads it: no (or an
/// empty) header is "auth header missing", anything but `Bearer <token>` `AUTH-toLo1`
/// (internal/api/grpc/server/middleware/auth_interceptor.go, internal/api/authz/context.go).
fn api_token(headers: &HeaderMap) -> Result<String, ApiFailure> {
    let value = match headers.get(AUTHORIZATION).map(|v| v.to_str()) {
        None => return Err(ApiFailure::auth_header_missing()),
        Some(Ok("")) => return Err(ApiFailure::auth_header_missing()),
        Some(Ok(v)) => v,
        Some(Err(_)) => return Err(ApiFailure::invalid_auth_header()),
    };
    // `strings.Split(token, "Bearer ")` must give exactly two parts.
    let mut parts = value.split("Bearer ");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(token), None) => Ok(token.to_owned()),
        _ => Err(ApiFailure::invalid_auth_header()),
    }
}

/// Resolves the caller, or answers 401 (see [`api_token`]; unknown tokens `AUTH-7fs1e`).
pub(crate) fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Principal, ApiFailure> {
    let token = api_token(headers)?;
    let owners = &shared.dir.owners;
    let principal = |role, user_id: &str| Principal {
        role,
        user_id: user_id.to_owned(),
    };
    Ok(match token.as_str() {
        ADMIN_TOKEN => principal(Role::Admin, &owners.admin),
        ORG_TOKEN => principal(Role::OrgManager(0), &owners.org),
        READER_TOKEN => principal(Role::Reader, &owners.reader),
        NO_MEMBER_TOKEN => principal(Role::NoMember, &owners.no_member),
        other => match lock(&shared.live).tokens.holder(other) {
            Some(Holder::Service) => principal(Role::Admin, SERVICE_USER_ID),
            Some(Holder::Agent { .. }) => principal(Role::OrgManager(0), DEVICE_USER_ID),
            None => return Err(ApiFailure::token_invalid()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&h).as_deref(), Some("abc"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer(&h).as_deref(), Some("abc"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn permissions() {
        let org = Principal {
            role: Role::OrgManager(0),
            user_id: "me".into(),
        };
        assert!(org.can_write("x", 0) && !org.can_write("x", 1) && org.can_write("me", 1));
        let reader = Principal {
            role: Role::Reader,
            user_id: "me".into(),
        };
        assert!(reader.can_read("x", 2) && !reader.can_write("x", 2));
        let none = Principal {
            role: Role::NoMember,
            user_id: "me".into(),
        };
        assert!(!none.can_read("x", 0) && none.can_read("me", 0));
        assert_eq!(none.denied(0).id, Some("AUTHZ-cdgFk"));
        assert_eq!(reader.denied(2).id, Some("AUTH-AWfge"));
        assert_eq!(org.denied(0).id, Some("AUTH-AWfge"));
        assert_eq!(org.denied(1).id, Some("AUTHZ-cdgFk"));
    }

    #[test]
    fn api_tokens_are_read_like_zitadel() {
        let mut h = HeaderMap::new();
        assert_eq!(api_token(&h).unwrap_err(), ApiFailure::auth_header_missing());
        h.insert(AUTHORIZATION, HeaderValue::from_static(""));
        assert_eq!(api_token(&h).unwrap_err(), ApiFailure::auth_header_missing());
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(api_token(&h).unwrap(), "abc");
        for bad in ["bearer abc", "Basic abc", "Bearer a Bearer b"] {
            h.insert(AUTHORIZATION, HeaderValue::from_static(bad));
            assert_eq!(api_token(&h).unwrap_err().id, Some("AUTH-toLo1"), "{bad}");
        }
    }
}
