//! Local filtering (`verified:`, `phone-verified:`): ZITADEL cannot filter on these, so
//! zitadesk walks the pages of the server-side query and keeps the users that match. One
//! [`ScanState`] holds the walk — the CLI drives it with [`Client::scan_users`], the console one
//! page per background request — so both count, stop and continue alike.
//!
//! Paging follows [`Client::list_users_upto`]: pages advance by the requested limit and stop at
//! `totalResult`, never at a short page (ZITADEL drops unreadable rows after paging). Memory is
//! bounded: only matches are kept (at most `want`), never the pages scanned; a user a later page
//! brings again (ZITADEL's sort has no tie-breaker) is kept once — the set of IDs is that of
//! the matches, no larger. The walk stops at `want` matches, at the end of the result, or once
//! `limit` positions have been scanned; the limit can be raised and the walk continued.

use std::collections::HashSet;

use super::client::{Client, MAX_PAGE};
use super::error::ApiError;
use super::local_filter::LocalFilter;
use super::wire::{ListQuery, ListUsersRequest, ListUsersResponse, User};

/// Users scanned before a scan stops unless told to go further.
pub const DEFAULT_SCAN_LIMIT: u64 = 5_000;

/// Where a scan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanProgress {
    /// Matches kept so far.
    pub matches: usize,
    /// Positions of the server's result walked so far (from the first offset).
    pub scanned: u64,
    /// The server's `totalResult` for the server-side terms, once a page arrived.
    pub total: Option<u64>,
    /// The end of the result was reached: every user was looked at.
    pub complete: bool,
    /// Stopped because the scan limit was reached (more remain).
    pub stopped_at_limit: bool,
    /// Stopped because `want` matches were found (more may remain).
    pub full: bool,
}

impl ScanProgress {
    /// The scan will ask for no more pages.
    pub fn stopped(&self) -> bool {
        self.complete || self.stopped_at_limit || self.full
    }
}

/// A walk through the server's result, keeping the matches of a local filter.
#[derive(Debug, Clone)]
pub struct ScanState {
    request: ListUsersRequest,
    filter: LocalFilter,
    want: usize,
    limit: u64,
    start: u64,
    /// The next page's offset.
    offset: u64,
    total: Option<u64>,
    matches: Vec<User>,
    /// Matches already handed over by [`ScanState::drain_matches`].
    handed: usize,
    ids: HashSet<String>,
    repeated: usize,
}

impl ScanState {
    /// A scan of `request` (its offset is where the walk starts; its limit is ignored).
    pub fn new(request: ListUsersRequest, filter: LocalFilter, want: usize, limit: u64) -> ScanState {
        let start = request.query.as_ref().map_or(0, |q| q.offset);
        ScanState {
            request,
            filter,
            want,
            limit,
            start,
            offset: start,
            total: None,
            matches: Vec::new(),
            handed: 0,
            ids: HashSet::new(),
            repeated: 0,
        }
    }

    fn scanned(&self) -> u64 {
        let end = self
            .total
            .map_or(self.offset, |t| self.offset.min(t.max(self.start)));
        end - self.start
    }

    pub fn progress(&self) -> ScanProgress {
        let scanned = self.scanned();
        let complete = self.total.is_some_and(|t| self.offset >= t);
        let found = self.handed + self.matches.len();
        let full = found >= self.want;
        ScanProgress {
            matches: found,
            scanned,
            total: self.total,
            complete,
            stopped_at_limit: !complete && !full && scanned >= self.limit,
            full: !complete && full,
        }
    }

    /// The request for the next page, or `None` when the scan has stopped.
    pub fn next_request(&self) -> Option<ListUsersRequest> {
        if self.progress().stopped() {
            return None;
        }
        let budget = self.limit.saturating_sub(self.scanned()).max(1);
        let limit = u32::try_from(budget).unwrap_or(MAX_PAGE).min(MAX_PAGE);
        let mut request = self.request.clone();
        request.query = Some(ListQuery {
            offset: self.offset,
            limit,
            asc: self.request.query.as_ref().is_some_and(|q| q.asc),
        });
        Some(request)
    }

    /// Takes the answer to [`ScanState::next_request`]'s `request`: the walk advances by the
    /// limit asked for, and the page's matches are kept (up to `want`).
    pub fn take(&mut self, request: &ListUsersRequest, page: ListUsersResponse) {
        let limit = request.query.as_ref().map_or(MAX_PAGE, |q| q.limit);
        self.offset = self.offset.saturating_add(u64::from(limit));
        self.total = Some(page.details.total_result);
        for user in page.result {
            if self.handed + self.matches.len() >= self.want {
                break;
            }
            if !self.filter.matches(&user) {
                continue;
            }
            if self.ids.insert(user.user_id.clone()) {
                self.matches.push(user);
            } else {
                self.repeated += 1;
            }
        }
    }

    /// Lets the scan walk `more` positions further than its limit.
    pub fn extend(&mut self, more: u64) {
        self.limit = self.scanned().saturating_add(more).max(self.limit);
    }

    pub fn matches(&self) -> &[User] {
        &self.matches
    }

    /// Hands over the matches found so far, for a caller that keeps less than whole users (a
    /// bulk plan): the walk goes on, counts them, and still recognises them when repeated.
    pub fn drain_matches(&mut self) -> Vec<User> {
        self.handed += self.matches.len();
        std::mem::take(&mut self.matches)
    }

    pub fn into_matches(self) -> Vec<User> {
        self.matches
    }

    /// Matching users a later page brought again, left out.
    pub fn repeated(&self) -> usize {
        self.repeated
    }
}

impl Client {
    /// Runs `scan` until it stops (see [`ScanState`]).
    pub async fn scan_users(&self, scan: &mut ScanState) -> Result<ScanProgress, ApiError> {
        while let Some(request) = scan.next_request() {
            let page = self.list_users(&request).await?;
            scan.take(&request, page);
        }
        Ok(scan.progress())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::local_filter::{LocalField, LocalTerm};
    use crate::api::wire::{HumanEmail, HumanUser, ListDetails};

    fn user(i: u64) -> User {
        User {
            user_id: i.to_string(),
            human: Some(HumanUser {
                email: Some(HumanEmail {
                    email: format!("u{i}@x"),
                    is_verified: !i.is_multiple_of(3),
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    fn unverified() -> LocalFilter {
        LocalFilter {
            terms: vec![LocalTerm {
                field: LocalField::EmailVerified,
                verified: false,
                negated: false,
            }],
        }
    }

    /// A server of `total` users; user i is unverified when i % 3 == 0.
    fn answer(req: &ListUsersRequest, total: u64) -> ListUsersResponse {
        let q = req.query.clone().unwrap_or_default();
        let end = (q.offset + u64::from(q.limit)).min(total);
        ListUsersResponse {
            details: ListDetails {
                total_result: total,
                ..ListDetails::default()
            },
            result: (q.offset..end).map(user).collect(),
            ..ListUsersResponse::default()
        }
    }

    fn run(scan: &mut ScanState, total: u64) -> usize {
        let mut pages = 0;
        while let Some(req) = scan.next_request() {
            scan.take(&req, answer(&req, total));
            pages += 1;
        }
        pages
    }

    #[test]
    fn stops_at_the_limit_and_continues_when_extended() {
        let mut scan = ScanState::new(ListUsersRequest::default(), unverified(), 100_000, 5_000);
        assert_eq!(run(&mut scan, 12_345), 5);
        let p = scan.progress();
        assert_eq!((p.scanned, p.total, p.matches), (5_000, Some(12_345), 1_667));
        assert!(p.stopped_at_limit && !p.complete && !p.full);
        scan.extend(5_000);
        assert_eq!(run(&mut scan, 12_345), 5);
        assert_eq!(scan.progress().scanned, 10_000);
        scan.extend(5_000);
        assert_eq!(run(&mut scan, 12_345), 3);
        let p = scan.progress();
        assert_eq!((p.scanned, p.matches), (12_345, 4_115));
        assert!(p.complete && !p.stopped_at_limit);
    }

    #[test]
    fn stops_at_want_matches_keeping_no_more() {
        let mut scan = ScanState::new(ListUsersRequest::default(), unverified(), 10, 5_000);
        assert_eq!(run(&mut scan, 12_345), 1);
        let p = scan.progress();
        assert_eq!(p.matches, 10);
        assert!(p.full && !p.complete && !p.stopped_at_limit);
        assert!(
            scan.matches()
                .iter()
                .all(|u| u.user_id.parse::<u64>().unwrap() % 3 == 0)
        );
    }

    #[test]
    fn a_limit_that_is_not_a_page_multiple_asks_for_the_rest_only() {
        let mut scan = ScanState::new(ListUsersRequest::default(), unverified(), 100_000, 1_500);
        let first = scan.next_request().unwrap();
        assert_eq!(first.query.as_ref().map(|q| q.limit), Some(1_000));
        scan.take(&first, answer(&first, 9_000));
        let second = scan.next_request().unwrap();
        assert_eq!(
            second.query.as_ref().map(|q| (q.offset, q.limit)),
            Some((1_000, 500))
        );
        scan.take(&second, answer(&second, 9_000));
        assert!(scan.next_request().is_none());
        assert_eq!(scan.progress().scanned, 1_500);
    }

    #[test]
    fn drained_matches_still_count_and_are_still_recognised() {
        let mut scan = ScanState::new(ListUsersRequest::default(), unverified(), 5, 5_000);
        let req = scan.next_request().unwrap();
        let mut page = answer(&req, 9);
        scan.take(&req, page.clone());
        let first = scan.drain_matches();
        assert_eq!(first.len(), 3);
        assert!(scan.matches().is_empty());
        assert_eq!(scan.progress().matches, 3);
        // The same users again (an unstable sort): not matches a second time.
        page.result.truncate(4);
        scan.take(&req, page);
        assert_eq!(scan.repeated(), 2);
        assert_eq!(scan.progress().matches, 3);
    }

    #[test]
    fn a_repeated_match_is_kept_once() {
        let mut scan = ScanState::new(ListUsersRequest::default(), unverified(), 100, 5_000);
        let req = scan.next_request().unwrap();
        let mut page = answer(&req, 3);
        page.result.push(user(0));
        scan.take(&req, page);
        assert_eq!(scan.matches().len(), 1);
        assert_eq!(scan.repeated(), 1);
        assert!(scan.progress().complete);
    }
}
