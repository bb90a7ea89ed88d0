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
        self.user_id == user_id
            || match self.role {
                Role::Admin | Role::Reader => true,
                Role::OrgManager(o) => o == org,
                Role::NoMember => false,
            }
    }

    pub fn can_write(&self, user_id: &str, org: usize) -> bool {
        self.user_id == user_id
            || match self.role {
                Role::Admin => true,
                Role::OrgManager(o) => o == org,
                Role::Reader | Role::NoMember => false,
            }
    }

    /// `user.read` through a membership in `org` (or instance-wide): the check of v1
    /// management calls, which act in an organisation rather than on a user, so reading
    /// oneself earns nothing here.
    pub fn may_read_in(&self, org: usize) -> bool {
        match self.role {
            Role::Admin | Role::Reader => true,
            Role::OrgManager(o) => o == org,
            Role::NoMember => false,
        }
    }

    /// The error for a refused check: callers without any membership get ZITADEL's
    /// "membership not found" (404), the others "permission denied" (403).
    pub fn denied(&self) -> ApiFailure {
        match self.role {
            Role::NoMember => ApiFailure::membership_not_found(),
            _ => ApiFailure::permission_denied(),
        }
    }
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// Resolves the caller, or answers 401 `AUTH-7fs1e`.
pub(crate) fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Principal, ApiFailure> {
    let token = bearer(headers).ok_or_else(ApiFailure::token_invalid)?;
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
        assert_eq!(none.denied().id, Some("AUTHZ-cdgFk"));
        assert_eq!(reader.denied().id, Some("AUTHZ-HKJD33"));
    }
}
