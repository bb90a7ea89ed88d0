//! Organisations by name: `POST /v2/organizations/_search`
//! (`zitadel.org.v2.OrganizationService/ListOrganizations`, served unchanged from v2.66.0 to
//! v4.13.1, `proto/zitadel/org/v2/org_service.proto`) read into an [`OrgDirectory`], and the
//! one rule that turns what an agent types after `org:` into organisation IDs.
//!
//! ZITADEL answers every authenticated caller: organisations the caller may not `org.read`
//! are dropped from the page, so a caller without the permission gets an empty list, not an
//! error (`orgsCheckPermission` in internal/query/org.go, v4.13.1). The built-in roles with
//! `org.read` include IAM_OWNER, IAM_OWNER_VIEWER, IAM_ORG_MANAGER, IAM_USER_MANAGER,
//! ORG_OWNER, ORG_OWNER_VIEWER and ORG_USER_MANAGER (cmd/defaults.yaml, v4.13.1).

use serde::{Deserialize, Serialize};

use reqwest::Method;

use super::client::Client;
use super::error::{ApiError, Call};
use super::wire::{Details, ListDetails, ListQuery};
use crate::text::sanitize;

/// Organisations read per page (ZITADEL's own maximum for v2 lists).
pub const ORG_PAGE: u32 = 1000;
/// The most organisations read into a directory: a helpdesk instance with more is read in
/// part, and the directory says so ([`OrgDirectory::capped`]).
pub const MAX_ORGS: usize = 10_000;
/// The most candidates named in a refusal.
pub const MAX_CANDIDATES: usize = 8;

/// `zitadel.org.v2.ListOrganizationsRequest` (sorting column and queries left out: all
/// organisations, by ID).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListOrganizationsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<ListQuery>,
}

/// `zitadel.org.v2.ListOrganizationsResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListOrganizationsResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<Organization>,
}

/// `zitadel.org.v2.Organization`. `state` is kept as the enum's name: a state this build
/// does not know must not fail the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Organization {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub primary_domain: String,
}

/// One organisation as the surfaces show it: every string already sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgEntry {
    pub id: String,
    pub name: String,
    pub primary_domain: String,
}

/// The organisations the caller may read, by ID. Bounded by [`MAX_ORGS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgDirectory {
    orgs: Vec<OrgEntry>,
    /// More organisations exist than were read.
    pub capped: bool,
}

/// Why an `org:` value names no single set of organisations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgLookupError {
    /// Nothing matches; `candidates` are organisation names to pick from (possibly none).
    Unknown { candidates: Vec<String> },
    /// Several organisations match a prefix; `candidates` are their names.
    Ambiguous { candidates: Vec<String> },
}

impl OrgDirectory {
    /// A directory from organisations as ZITADEL sent them: strings sanitised, entries
    /// without an ID dropped, each ID kept once, at most [`MAX_ORGS`].
    pub fn from_orgs(orgs: impl IntoIterator<Item = Organization>, capped: bool) -> Self {
        let mut out: Vec<OrgEntry> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut capped = capped;
        for org in orgs {
            if org.id.is_empty() || !seen.insert(org.id.clone()) {
                continue;
            }
            if out.len() >= MAX_ORGS {
                capped = true;
                break;
            }
            out.push(OrgEntry {
                id: sanitize(&org.id).into_owned(),
                name: sanitize(&org.name).into_owned(),
                primary_domain: sanitize(&org.primary_domain).into_owned(),
            });
        }
        OrgDirectory { orgs: out, capped }
    }

    pub fn len(&self) -> usize {
        self.orgs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    pub fn entries(&self) -> &[OrgEntry] {
        &self.orgs
    }

    /// The organisation's name, if it is known and has one.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.orgs
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.as_str())
            .filter(|n| !n.is_empty())
    }

    /// `Initech (281…)` style label: the name with the ID, or the ID alone.
    pub fn label(&self, id: &str) -> String {
        match self.name(id) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_owned(),
        }
    }

    /// The organisation IDs `text` stands for, tried in this order, first hit wins:
    /// 1. an organisation ID, exactly;
    /// 2. a primary domain, exactly, ignoring case;
    /// 3. a name, exactly, ignoring case (every organisation of that name);
    /// 4. the start of exactly one name, ignoring case (several → [`OrgLookupError::Ambiguous`]);
    /// 5. digits only: taken as an ID of an organisation the caller cannot read by name (or
    ///    one beyond the cap), as `org:ID` always was.
    ///
    /// No "contains" match: `org:tech` should not quietly pick Initech.
    pub fn resolve(&self, text: &str) -> Result<Vec<String>, OrgLookupError> {
        let text = text.trim();
        if self.orgs.iter().any(|o| o.id == text) {
            return Ok(vec![text.to_owned()]);
        }
        let lower = text.to_lowercase();
        let ids = |pred: &dyn Fn(&OrgEntry) -> bool| -> Vec<String> {
            self.orgs
                .iter()
                .filter(|o| pred(o))
                .map(|o| o.id.clone())
                .collect()
        };
        let by_domain = ids(&|o| !o.primary_domain.is_empty() && o.primary_domain.to_lowercase() == lower);
        if !by_domain.is_empty() {
            return Ok(by_domain);
        }
        let by_name = ids(&|o| !o.name.is_empty() && o.name.to_lowercase() == lower);
        if !by_name.is_empty() {
            return Ok(by_name);
        }
        let prefixed: Vec<&OrgEntry> = self
            .orgs
            .iter()
            .filter(|o| !lower.is_empty() && o.name.to_lowercase().starts_with(&lower))
            .collect();
        match prefixed.as_slice() {
            [one] => return Ok(vec![one.id.clone()]),
            [] => {}
            many => {
                return Err(OrgLookupError::Ambiguous {
                    candidates: many.iter().take(MAX_CANDIDATES).map(|o| candidate(o)).collect(),
                });
            }
        }
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            return Ok(vec![text.to_owned()]);
        }
        Err(OrgLookupError::Unknown {
            candidates: self.orgs.iter().take(MAX_CANDIDATES).map(candidate).collect(),
        })
    }
}

impl Client {
    /// Every organisation the caller may read, up to [`MAX_ORGS`], in pages of [`ORG_PAGE`].
    /// Pages advance by the limit and stop at `details.totalResult`, never at a short page:
    /// ZITADEL drops unreadable organisations after paging (see the module docs).
    pub async fn org_directory(&self) -> Result<OrgDirectory, ApiError> {
        let mut orgs = Vec::new();
        let mut offset: u64 = 0;
        let max_pages = MAX_ORGS.div_ceil(ORG_PAGE as usize);
        for _ in 0..max_pages {
            let request = ListOrganizationsRequest {
                query: Some(ListQuery {
                    offset,
                    limit: ORG_PAGE,
                    asc: true,
                }),
            };
            let page: ListOrganizationsResponse = self
                .call(
                    Call::ListOrgs,
                    Method::POST,
                    &["v2", "organizations", "_search"],
                    Some(&request),
                    true,
                )
                .await?;
            orgs.extend(page.result);
            offset += u64::from(ORG_PAGE);
            if offset >= page.details.total_result || orgs.len() >= MAX_ORGS {
                let capped = offset < page.details.total_result;
                return Ok(OrgDirectory::from_orgs(orgs, capped));
            }
        }
        Ok(OrgDirectory::from_orgs(orgs, true))
    }
}

/// A candidate as a refusal names it: `Initech (initech.example, 281…)`.
fn candidate(o: &OrgEntry) -> String {
    match (o.name.is_empty(), o.primary_domain.is_empty()) {
        (false, false) => format!("{} ({}, {})", o.name, o.primary_domain, o.id),
        (false, true) => format!("{} ({})", o.name, o.id),
        (true, _) => o.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, name: &str, domain: &str) -> Organization {
        Organization {
            id: id.into(),
            name: name.into(),
            primary_domain: domain.into(),
            ..Default::default()
        }
    }

    fn dir() -> OrgDirectory {
        OrgDirectory::from_orgs(
            [
                org("100", "Initech", "initech.example"),
                org("200", "Globex", "globex.example"),
                org("300", "Globex Research", "research.globex.example"),
                org("400", "Acme", "acme.example"),
            ],
            false,
        )
    }

    #[test]
    fn an_id_matches_exactly() {
        assert_eq!(dir().resolve("300"), Ok(vec!["300".to_owned()]));
    }

    #[test]
    fn a_domain_matches_ignoring_case() {
        assert_eq!(dir().resolve("Initech.EXAMPLE"), Ok(vec!["100".to_owned()]));
        assert_eq!(
            dir().resolve("research.globex.example"),
            Ok(vec!["300".to_owned()])
        );
    }

    #[test]
    fn an_exact_name_wins_over_a_longer_name_it_starts() {
        assert_eq!(dir().resolve("globex"), Ok(vec!["200".to_owned()]));
    }

    #[test]
    fn a_unique_prefix_picks_the_organisation() {
        assert_eq!(dir().resolve("init"), Ok(vec!["100".to_owned()]));
        assert_eq!(dir().resolve("globex r"), Ok(vec!["300".to_owned()]));
    }

    #[test]
    fn a_shared_prefix_is_ambiguous_and_names_the_candidates() {
        assert_eq!(
            dir().resolve("glob"),
            Err(OrgLookupError::Ambiguous {
                candidates: vec![
                    "Globex (globex.example, 200)".to_owned(),
                    "Globex Research (research.globex.example, 300)".to_owned(),
                ]
            })
        );
    }

    #[test]
    fn several_organisations_of_one_name_all_count() {
        let d = OrgDirectory::from_orgs([org("1", "Twin", ""), org("2", "twin", "")], false);
        assert_eq!(d.resolve("TWIN"), Ok(vec!["1".to_owned(), "2".to_owned()]));
    }

    #[test]
    fn an_unknown_name_is_refused_naming_what_exists() {
        match dir().resolve("tech") {
            Err(OrgLookupError::Unknown { candidates }) => {
                assert_eq!(candidates.len(), 4);
                assert_eq!(candidates[0], "Initech (initech.example, 100)");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_digits_pass_as_an_id_the_caller_cannot_read() {
        assert_eq!(dir().resolve("999"), Ok(vec!["999".to_owned()]));
    }

    #[test]
    fn a_search_sends_the_resolved_ids_and_refuses_ambiguity_naming_candidates() {
        use crate::api::query::{MatchMode, names_orgs, parse_search, resolve_orgs};
        let d = OrgDirectory::from_orgs(
            [org("1", "Twin", ""), org("2", "twin", ""), org("3", "Tweed", "")],
            false,
        );
        let parsed = parse_search("jane org:twin", MatchMode::Contains).unwrap_or_default();
        assert!(names_orgs(&parsed));
        let sent = serde_json::to_value(resolve_orgs(parsed, &d).unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            sent[1],
            serde_json::json!({"orQuery": {"queries": [
                {"organizationIdQuery": {"organizationId": "1"}},
                {"organizationIdQuery": {"organizationId": "2"}}
            ]}})
        );
        let parsed = parse_search("org:tw", MatchMode::Contains).unwrap_or_default();
        let err = resolve_orgs(parsed, &d)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("in \"org:tw\": \"tw\" names several organisations"),
            "{err}"
        );
        assert!(err.contains("Twin (1)") && err.contains("Tweed (3)"), "{err}");
        assert!(!names_orgs(
            &parse_search("org:123 -org:456", MatchMode::Contains).unwrap_or_default()
        ));
    }

    #[test]
    fn names_are_sanitised_and_duplicate_ids_kept_once() {
        let d = OrgDirectory::from_orgs([org("1", "Evil\u{1b}[2J", ""), org("1", "Again", "")], false);
        assert_eq!(d.len(), 1);
        assert!(!d.name("1").unwrap_or_default().contains('\u{1b}'));
        assert_eq!(d.label("1"), format!("{} (1)", d.name("1").unwrap_or_default()));
        assert_eq!(d.label("2"), "2");
    }
}
