//! The read calls: ListUsers, GetUserByID, ListAuthenticationMethodTypes.
//!
//! ListUsers works like ZITADEL without `PermissionCheckV2`: the "SQL" page (filter, sort,
//! offset, limit) is fetched first and users the caller may not read are dropped afterwards,
//! so a page can be shorter than `limit` while `totalResult` counts every match.

use jiff::Timestamp;

use super::auth::Principal;
use super::directory::UserRef;
use super::errors::ApiFailure;
use super::filter::{self, Scratch};
use super::state::Shared;
use super::sync::lock;
use crate::api::wire::{
    GetUserByIdResponse, ListAuthenticationMethodTypesResponse, ListDetails, ListUsersRequest,
    ListUsersResponse, UserFieldName,
};

/// `SystemDefaults.DefaultQueryLimit`: what `limit: 0` means.
pub(crate) const DEFAULT_LIMIT: u32 = 100;
/// `SystemDefaults.MaxQueryLimit`.
pub(crate) const MAX_LIMIT: u32 = 1000;

/// The page size, or `QUERY-4M0fs` when it exceeds the maximum.
pub(crate) fn effective_limit(req: &ListUsersRequest) -> Result<usize, ApiFailure> {
    match req.query.as_ref().map_or(0, |q| q.limit) {
        0 => Ok(DEFAULT_LIMIT as usize),
        l if l > MAX_LIMIT => Err(ApiFailure::limit_exceeded(l, MAX_LIMIT)),
        l => Ok(l as usize),
    }
}

/// ListUsers after all request checks passed. Linear in the number of users when filtered
/// (a scan without per-user allocation), O(limit) when not.
pub(crate) fn list(
    shared: &Shared,
    who: &Principal,
    req: &ListUsersRequest,
    limit: usize,
) -> ListUsersResponse {
    let dir = &shared.dir;
    let query = req.query.clone().unwrap_or_default();
    let n = dir.len();
    let order = dir.order(req.sorting_column);
    // Rank → position: ascending or descending through the column's order.
    let at = |rank: usize| -> usize {
        let r = if query.asc { rank } else { n - 1 - rank };
        order.map_or(r, |o| o.get(r).map_or(r, |&p| p as usize))
    };
    let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
    let filter = filter::compile(&req.queries, dir);

    let (total, page): (usize, Vec<usize>) = if filter.is_everything() {
        let end = offset.saturating_add(limit).min(n);
        (n, (offset.min(n)..end).map(at).collect())
    } else {
        let mut scratch = Scratch::default();
        let mut total = 0usize;
        let mut page = Vec::new();
        for rank in 0..n {
            let pos = at(rank);
            let Some(user) = dir.get(pos) else { continue };
            if filter.matches(pos, &user, &mut scratch) {
                if total >= offset && page.len() < limit {
                    page.push(pos);
                }
                total += 1;
            }
        }
        (total, page)
    };

    let live = lock(&shared.live);
    let result = page
        .into_iter()
        .filter_map(|pos| {
            let user = dir.get(pos)?;
            let mut wire = user.to_user();
            if !who.can_read(&wire.user_id, user.org()) {
                return None;
            }
            live.apply(pos, &mut wire);
            Some(wire)
        })
        .collect();
    ListUsersResponse {
        details: ListDetails {
            total_result: total as u64,
            processed_sequence: live.instance_sequence,
            timestamp: Some(Timestamp::now()),
        },
        // Declared in the proto, but ZITADEL's handler never fills it.
        sorting_column: UserFieldName::Unspecified,
        result,
    }
}

/// Looks a user up for a read call: 404 `QUERY-Dfbg2` first, then the read permission.
fn readable<'a>(
    shared: &'a Shared,
    who: &Principal,
    user_id: &str,
) -> Result<(usize, UserRef<'a>), ApiFailure> {
    let pos = shared
        .dir
        .position(user_id)
        .ok_or_else(ApiFailure::user_not_found)?;
    let user = shared.dir.get(pos).ok_or_else(ApiFailure::user_not_found)?;
    if !who.can_read(user_id, user.org()) {
        return Err(who.denied());
    }
    Ok((pos, user))
}

pub(crate) fn get(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
) -> Result<GetUserByIdResponse, ApiFailure> {
    let (pos, user) = readable(shared, who, user_id)?;
    let mut wire = user.to_user();
    lock(&shared.live).apply(pos, &mut wire);
    Ok(GetUserByIdResponse {
        details: wire.details.clone(),
        user: Some(wire),
    })
}

/// ListAuthenticationMethodTypes. Unknown users answer 404 like GetUserByID (the demo's
/// choice; the permission check needs the user's org first).
pub(crate) fn auth_methods(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
) -> Result<ListAuthenticationMethodTypesResponse, ApiFailure> {
    let (_, user) = readable(shared, who, user_id)?;
    let methods = user.auth_methods();
    Ok(ListAuthenticationMethodTypesResponse {
        details: Some(ListDetails {
            total_result: methods.len() as u64,
            processed_sequence: lock(&shared.live).instance_sequence,
            timestamp: Some(Timestamp::now()),
        }),
        auth_method_types: methods,
    })
}
