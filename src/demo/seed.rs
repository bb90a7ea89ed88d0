//! The hand-written seed data, `assets/demo-users.json`:
//!
//! ```json
//! {
//!   "orgs":  [{"id": "<18 digits>", "name": "Acme", "domain": "acme.demo.zitadel.cloud",
//!              "emailDomain": "acme.example"}, …],
//!   "users": [{"note": "why this user exists",
//!              "user": { …a v2 `User` exactly as ZITADEL returns it… },
//!              "pendingCode": true,               // an unverified code is waiting (default false)
//!              "authMethods": ["AUTHENTICATION_METHOD_TYPE_PASSWORD", …],   // default none
//!              "tokenOwner": "admin" | "org" | "reader" | "nomember",       // optional
//!              "history": [{"at": "<RFC 3339>", "type": "user.human.email.code.added",
//!                           "editor": "<user id> | NOTIFICATION"}, …]},      // optional
//!             …]
//! }
//! ```
//!
//! The first org is the one [`ORG_TOKEN`](super::identities::ORG_TOKEN) manages; `tokenOwner` names the user each
//! demo token belongs to (reading and resending for oneself is always allowed). The org of a
//! user is its `details.resourceOwner`; generated users get their login names from the org's
//! `domain` and their email addresses from its `emailDomain`. Users in state
//! `USER_STATE_DELETED` are never listed or found, as in ZITADEL.
//!
//! The hostile fixtures (escape sequences, bidi overrides, NULs… in their names; their notes
//! say "Hostile data") have display names that begin with "🧪 ": sorted by display name, as
//! the console opens, they come after every realistic user, so a newcomer's first screen
//! shows people, and anyone looking for them finds them at the end (or with `hostile`).

use std::collections::HashSet;

use serde::Deserialize;

use super::config::MAX_GENERATED_USERS;
use super::generated;
use super::identities::SERVICE_USER_ID;
use super::org::Org;
use crate::api::wire::{AuthenticationMethodType, User, UserState};

const SEED_JSON: &str = include_str!("../../assets/demo-users.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedFile {
    orgs: Vec<SeedOrg>,
    users: Vec<SeedEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedOrg {
    id: String,
    name: String,
    domain: String,
    email_domain: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedEntry {
    #[serde(default)]
    #[allow(dead_code)] // documentation inside the data file
    note: String,
    user: User,
    #[serde(default)]
    pending_code: bool,
    #[serde(default)]
    auth_methods: Vec<AuthenticationMethodType>,
    #[serde(default)]
    token_owner: Option<TokenOwner>,
    /// The user's events before start-up, oldest first; without it they are derived from
    /// the user (see `history::initial`).
    #[serde(default)]
    history: Vec<SeedEvent>,
}

/// One event of a seed user's story, for the cases a helpdesk meets (two codes minutes
/// apart, a mail that went out late, an address changed after a code).
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SeedEvent {
    pub at: jiff::Timestamp,
    /// ZITADEL's event type, e.g. `user.human.email.code.sent`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Who caused it: a user ID, or `NOTIFICATION` (ZITADEL's notification worker).
    pub editor: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TokenOwner {
    Admin,
    Org,
    Reader,
    Nomember,
}

/// A hand-written user from the seed file.
#[derive(Debug, Clone)]
pub(crate) struct SeedUser {
    pub user: User,
    pub org: usize,
    pub pending_code: bool,
    pub auth_methods: Vec<AuthenticationMethodType>,
    pub history: Vec<SeedEvent>,
}

/// The user IDs the fixed demo tokens belong to.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenOwners {
    pub admin: String,
    pub org: String,
    pub reader: String,
    pub no_member: String,
}

/// The parsed and checked seed file.
pub(crate) struct Seed {
    pub orgs: Vec<Org>,
    /// Live (not deleted) seed users, in file order.
    pub users: Vec<SeedUser>,
    /// IDs of the deleted seed users (kept only so tests can show they stay invisible).
    pub deleted: Vec<String>,
    pub owners: TokenOwners,
}

/// Why the seed file was refused; each names the offending entry.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SeedError {
    #[error("demo-users.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("demo-users.json: no orgs")]
    NoOrgs,
    #[error("demo-users.json: bad or duplicate org id {0:?}")]
    BadOrgId(String),
    #[error("demo-users.json: bad user id {0:?}")]
    BadUserId(String),
    #[error("demo-users.json: duplicate user id {0}")]
    DuplicateUserId(String),
    #[error("demo-users.json: user {user} has unknown org {org:?}")]
    UnknownOrg { user: String, org: String },
    #[error("demo-users.json: user {0} must be human xor machine")]
    NotHumanXorMachine(String),
    #[error("demo-users.json: two owners for {0:?}")]
    TwoOwners(TokenOwner),
    #[error("demo-users.json: the org token's user must be in the first org")]
    OrgOwnerOutsideFirstOrg,
    #[error("demo-users.json: the admin token must belong to the service user")]
    AdminNotServiceUser,
    #[error("demo-users.json: the history of user {0} is not oldest first")]
    HistoryOrder(String),
    #[error("demo-users.json: every demo token needs an owner")]
    MissingOwner,
}

/// Parses and checks the embedded seed file.
pub(crate) fn load() -> Result<Seed, SeedError> {
    parse(SEED_JSON)
}

fn is_id(s: &str) -> bool {
    s.len() == 18 && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse(json: &str) -> Result<Seed, SeedError> {
    let file: SeedFile = serde_json::from_str(json)?;
    if file.orgs.is_empty() {
        return Err(SeedError::NoOrgs);
    }
    let mut orgs = Vec::with_capacity(file.orgs.len());
    for o in file.orgs {
        if !is_id(&o.id) || orgs.iter().any(|x: &Org| x.id == o.id) {
            return Err(SeedError::BadOrgId(o.id));
        }
        orgs.push(Org {
            id: o.id,
            name: o.name,
            domain: o.domain,
            email_domain: o.email_domain,
        });
    }

    let mut seen = HashSet::new();
    let mut users = Vec::new();
    let mut deleted = Vec::new();
    let mut owners = TokenOwners::default();
    for entry in file.users {
        let id = entry.user.user_id.clone();
        // Seed IDs are 18 digits (so string order is numeric order) and stay clear of the
        // generated range (so the generated block can be addressed by arithmetic).
        if !is_id(&id) || generated::index_of(&id, MAX_GENERATED_USERS as u64).is_some() {
            return Err(SeedError::BadUserId(id));
        }
        if !seen.insert(id.clone()) {
            return Err(SeedError::DuplicateUserId(id));
        }
        let owner_id = entry
            .user
            .details
            .as_ref()
            .map(|d| d.resource_owner.as_str())
            .unwrap_or("");
        let org = orgs
            .iter()
            .position(|o| o.id == owner_id)
            .ok_or_else(|| SeedError::UnknownOrg {
                user: id.clone(),
                org: owner_id.to_owned(),
            })?;
        if entry.user.human.is_some() == entry.user.machine.is_some() {
            return Err(SeedError::NotHumanXorMachine(id));
        }
        if let Some(owner) = entry.token_owner {
            let slot = match owner {
                TokenOwner::Admin => &mut owners.admin,
                TokenOwner::Org => &mut owners.org,
                TokenOwner::Reader => &mut owners.reader,
                TokenOwner::Nomember => &mut owners.no_member,
            };
            if !slot.is_empty() {
                return Err(SeedError::TwoOwners(owner));
            }
            if owner == TokenOwner::Org && org != 0 {
                return Err(SeedError::OrgOwnerOutsideFirstOrg);
            }
            *slot = id.clone();
        }
        if entry.history.windows(2).any(|w| w[0].at > w[1].at) {
            return Err(SeedError::HistoryOrder(id));
        }
        if entry.user.state == UserState::Deleted {
            deleted.push(id);
            continue;
        }
        users.push(SeedUser {
            user: entry.user,
            org,
            pending_code: entry.pending_code,
            auth_methods: entry.auth_methods,
            history: entry.history,
        });
    }
    if owners.admin != SERVICE_USER_ID {
        return Err(SeedError::AdminNotServiceUser);
    }
    if owners.org.is_empty() || owners.reader.is_empty() || owners.no_member.is_empty() {
        return Err(SeedError::MissingOwner);
    }
    Ok(Seed {
        orgs,
        users,
        deleted,
        owners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_seed_file_loads() {
        let seed = load().unwrap();
        assert_eq!(seed.orgs.len(), 3);
        assert!((30..=60).contains(&(seed.users.len() + seed.deleted.len())));
        assert_eq!(seed.deleted.len(), 1);
    }

    #[test]
    fn broken_seed_files_are_rejected_not_panicking() {
        for bad in [
            "",
            "{}",
            r#"{"orgs": [], "users": []}"#,
            r#"{"orgs": [{"id": "1", "name": "a", "domain": "d", "emailDomain": "e"}], "users": []}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seed_errors_name_the_file_and_the_entry() {
        let text = |json: &str| parse(json).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(text(r#"{"orgs": [], "users": []}"#), "demo-users.json: no orgs");
        assert_eq!(
            text(r#"{"orgs": [{"id": "1", "name": "a", "domain": "d", "emailDomain": "e"}], "users": []}"#),
            r#"demo-users.json: bad or duplicate org id "1""#
        );
        assert!(text("{").starts_with("demo-users.json: EOF"), "{}", text("{"));
    }
}
