//! The read calls: ListUsers, GetUserByID, ListAuthenticationMethodTypes.
//!
//! ListUsers as each ZITADEL line does it (internal/query/user.go, `SearchUsers`): from v4.8
//! the permission check is part of the SQL (full pages, `totalResult` counts readable users);
//! before it the SQL page (filter, sort, offset, limit) is fetched first and users the caller
//! may not read are dropped afterwards, so a page can be short while `totalResult` counts every
//! match. `limit: 0` means no limit, and there is no maximum. Ties of the sort column are not
//! broken (see `paging`).

use jiff::Timestamp;

use super::auth::Principal;
use super::directory::{ColumnOrder, UserRef};
use super::errors::ApiFailure;
use super::filter::{self, Scratch};
use super::paging::Pager;
use super::state::Shared;
use super::sync::lock;
use crate::api::wire::{
    AuthenticationMethodType, GetUserByIdResponse, ListAuthenticationMethodTypesResponse, ListDetails,
    ListUsersRequest, ListUsersResponse, UserFieldName,
};

/// Rank (place in the requested direction) → position and whether it ties with the rank
/// before it.
struct Ranks<'a> {
    n: usize,
    asc: bool,
    order: Option<&'a ColumnOrder>,
}

impl Ranks<'_> {
    fn sorted_index(&self, rank: usize) -> usize {
        if self.asc { rank } else { self.n - 1 - rank }
    }

    fn position(&self, rank: usize) -> usize {
        let i = self.sorted_index(rank);
        self.order.map_or(i, |o| o.position(i).unwrap_or(i))
    }

    /// Whether `rank` sorts equal to `rank - 1` (ID order has no ties).
    fn tied(&self, rank: usize) -> bool {
        let Some(order) = self.order else {
            return false;
        };
        if rank == 0 || rank >= self.n {
            return false;
        }
        let i = self.sorted_index(rank);
        if self.asc {
            order.tied_with_previous(i)
        } else {
            order.tied_with_previous(i + 1)
        }
    }
}

/// ListUsers after all request checks passed. Linear in the number of users when filtered
/// (a scan without per-user allocation), O(limit + ties) when not.
pub(crate) fn list(shared: &Shared, who: &Principal, req: &ListUsersRequest) -> ListUsersResponse {
    let dir = &shared.dir;
    let query = req.query.clone().unwrap_or_default();
    let n = dir.len();
    let ranks = Ranks {
        n,
        asc: query.asc,
        order: dir.order(req.sorting_column),
    };
    let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
    let limit = query.limit as usize;
    let filter = filter::compile(&req.queries, dir);
    let in_sql = shared.config.version.filters_permissions_in_sql();
    let own = dir.position(&who.user_id);
    let readable = |pos: usize, user: &UserRef<'_>| Some(pos) == own || who.reads_org(user.org());

    let mut pager = Pager::new(offset, limit);
    let everything = filter.is_everything() && (!in_sql || who.reads_everything());
    if everything {
        // Every row qualifies: start at the tie group that holds `offset`.
        let mut first = offset.min(n);
        while ranks.tied(first) {
            first -= 1;
        }
        pager.skip(first);
        for rank in first..n {
            let tied = ranks.tied(rank);
            if pager.is_complete_before(tied) {
                break;
            }
            pager.push(ranks.position(rank), tied);
        }
    } else {
        let mut scratch = Scratch::default();
        let changed = lock(&shared.live).changed_columns();
        // Rows of one tie group share its number; a match ties with the match before it
        // only inside one group.
        let mut group = 0usize;
        let mut last_group = None;
        for rank in 0..n {
            if !ranks.tied(rank) {
                group += 1;
            }
            let pos = ranks.position(rank);
            let Some(user) = dir.get(pos) else { continue };
            if filter.matches(pos, &user, &changed, &mut scratch) && (!in_sql || readable(pos, &user)) {
                pager.push(pos, last_group == Some(group));
                last_group = Some(group);
            }
        }
    }
    let (seen, page) = pager.finish();
    let total = if everything { n } else { seen };

    let live = lock(&shared.live);
    let result = page
        .into_iter()
        .filter_map(|pos| {
            let user = dir.get(pos)?;
            // Before v4.8: the page is fetched first, unreadable rows dropped afterwards.
            if !readable(pos, &user) {
                return None;
            }
            let mut wire = user.to_user();
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
        return Err(who.denied(user.org()));
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

/// ListAuthenticationMethodTypes as internal/query/user_auth_method.go
/// (`ListUserAuthMethodTypes`) does it: for another user the caller needs `user.read` in
/// *its own* org (not the user's), and an unknown user is simply an empty list.
pub(crate) fn auth_methods(
    shared: &Shared,
    who: &Principal,
    user_id: &str,
) -> Result<ListAuthenticationMethodTypesResponse, ApiFailure> {
    let dir = &shared.dir;
    if who.user_id != user_id && !who.reads_everything() {
        let own_org = dir
            .position(&who.user_id)
            .and_then(|p| dir.get(p))
            .map(|u| u.org());
        match own_org {
            Some(org) if who.reads_org(org) => {}
            Some(org) => return Err(who.denied(org)),
            None => return Err(ApiFailure::membership_not_found()),
        }
    }
    let with_recovery = shared.config.version.has_recovery_codes();
    let methods: Vec<AuthenticationMethodType> = dir
        .position(user_id)
        .and_then(|p| dir.get(p))
        .map(|u| u.auth_methods())
        .unwrap_or_default()
        .into_iter()
        .filter(|m| with_recovery || *m != AuthenticationMethodType::RecoveryCode)
        .collect();
    Ok(ListAuthenticationMethodTypesResponse {
        details: Some(ListDetails {
            total_result: methods.len() as u64,
            processed_sequence: lock(&shared.live).instance_sequence,
            timestamp: Some(Timestamp::now()),
        }),
        auth_method_types: methods,
    })
}
