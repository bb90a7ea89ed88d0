//! `zitadel.org.v2.OrganizationService/ListOrganizations` over REST
//! (`POST /v2/organizations/_search`), as internal/api/grpc/org/v2/query.go (v4.13.1)
//! answers it: any authenticated caller gets a page of the instance's organisations, from
//! which `orgsCheckPermission` (internal/query/org.go) drops every one the caller may not
//! `org.read` *after* paging, and `totalResult` still counts them all (the SQL permission
//! join is behind the PermissionCheckV2 feature flag, off by default). A caller with no
//! membership therefore gets 200 with no `result`, never a permission error.
//!
//! The demo roles' `org.read`: IAM_USER_MANAGER and IAM_OWNER_VIEWER read every
//! organisation, ORG_USER_MANAGER its own (cmd/defaults.yaml `RolePermissionMappings`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use super::auth::{self, Principal, Role};
use super::errors::ApiFailure;
use super::request;
use super::respond::{ErrorShape, failure};
use super::state::Shared;
use super::sync::lock;
use crate::api::orgs::{ListOrganizationsRequest, ListOrganizationsResponse, Organization};
use crate::api::wire::{Details, ListDetails, grpc_code};

pub(crate) async fn list_orgs_rest(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match list_orgs(&s, &headers, &body) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(f) => failure(ErrorShape::Rest, &f),
    }
}

fn list_orgs(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Vec<u8>, ApiFailure> {
    let req: ListOrganizationsRequest = request::decode_message(body)?;
    let who = auth::authenticate(shared, headers)?;
    let answer = page(shared, &who, &req);
    serde_json::to_vec(&answer)
        .map_err(|e| ApiFailure::bare(grpc_code::INTERNAL, format!("encoding the answer: {e}")))
}

/// `org.read` in organisation `org` (by index).
fn reads_org(who: &Principal, org: usize) -> bool {
    match who.role {
        Role::Admin | Role::Reader => true,
        Role::OrgManager(o) => o == org,
        Role::NoMember => false,
    }
}

fn page(shared: &Shared, who: &Principal, req: &ListOrganizationsRequest) -> ListOrganizationsResponse {
    let orgs = &shared.dir.orgs;
    let query = req.query.clone().unwrap_or_default();
    let offset = usize::try_from(query.offset)
        .unwrap_or(usize::MAX)
        .min(orgs.len());
    // Limit 0 returns every row (no LIMIT in the SQL), as for users.
    let end = match query.limit {
        0 => orgs.len(),
        n => offset.saturating_add(n as usize).min(orgs.len()),
    };
    let sequence = lock(&shared.live).instance_sequence;
    let result = (offset..end)
        .filter(|&i| reads_org(who, i))
        .filter_map(|i| orgs.get(i))
        .map(|o| Organization {
            id: o.id.clone(),
            details: Some(Details {
                sequence,
                change_date: Some(Timestamp::UNIX_EPOCH),
                resource_owner: o.id.clone(),
                creation_date: Some(Timestamp::UNIX_EPOCH),
            }),
            state: "ORGANIZATION_STATE_ACTIVE".to_owned(),
            name: o.name.clone(),
            primary_domain: o.domain.clone(),
        })
        .collect();
    ListOrganizationsResponse {
        details: ListDetails {
            total_result: orgs.len() as u64,
            processed_sequence: sequence,
            timestamp: Some(Timestamp::now()),
        },
        result,
    }
}
