//! The users list as a window of server pages: contiguous pages around the selection, about
//! [`MAX_ROWS`] rows of them, so memory stays bounded however many users the instance has.
//! Pages are fetched as the selection nears either end of what is loaded, and far pages
//! dropped — never the selection's own page, nor one whose loss would put the selection near
//! that end again (which would fetch it straight back).
//!
//! ZITADEL may drop rows the caller cannot read after paging, so a page can hold fewer rows
//! than asked for: positions are counted in loaded rows, and paging goes by offset. Then
//! `totalResult` counts users the caller can never page to, so the counter shows what can be
//! reached instead ([`UserList::counter`]).
//!
//! ZITADEL sorts by one column without a tie-breaker, so between two offset requests equal
//! values may come back in another order (and users added or removed shift every row): a user
//! can come twice. A user already held — or on a page dropped a little earlier — is left out
//! of a new page, and [`UserList::take_repeats`] tells the console to say the order shifted.
//!
//! A search with a local term (`verified:`, `phone-verified:`) cannot be paged by offset: the
//! matches' positions are unknown until every page before them was scanned. Then the list holds
//! the matches found so far instead ([`UserList::show_matches`]) — at most [`MAX_ROWS`], the
//! same cap, since the console's scan keeps no more — in the console's order (`sort::compare`), and fetches nothing
//! itself: the console's scan (`api::scan::ScanState`, one background request per page, by
//! user ID so that no user is skipped between pages) fills it.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::api::query::ListSort;
use crate::api::wire::{ListDetails, User};
use crate::text::sanitize;
use crate::userinfo;

/// Rows asked for per request.
pub const PAGE_SIZE: u32 = 100;
/// Rows kept: far pages are dropped beyond this.
pub const MAX_ROWS: usize = 500;
/// The next page is fetched when the selection is this close to the end of what is loaded.
pub const PREFETCH_MARGIN: usize = 20;
/// IDs of dropped pages remembered to catch a user coming again (with the page they were on):
/// twice the window, so memory stays bounded however far the agent walks.
pub const REMEMBERED_IDS: usize = 2 * MAX_ROWS;

/// One user as the table shows it. The cells are sanitised once, when the page arrives, not
/// on every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub user: User,
    pub display_name: String,
    pub login_name: String,
    pub email: String,
    pub email_status: userinfo::EmailStatus,
    pub state: &'static str,
}

impl UserRow {
    pub fn new(user: User) -> UserRow {
        UserRow {
            display_name: sanitize(&userinfo::display_name(&user)).into_owned(),
            login_name: sanitize(&user.preferred_login_name).into_owned(),
            email: sanitize(userinfo::email(&user).unwrap_or("")).into_owned(),
            email_status: userinfo::email_status(&user),
            state: userinfo::state_word(user.state),
            user,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Page {
    /// Page number: its offset is `index * PAGE_SIZE`.
    index: u64,
    rows: Vec<UserRow>,
}

/// Which page a fetch is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSlot {
    /// Replace the window with this page (a new search, a jump, a refresh).
    Reset { index: u64, select: Select },
    /// Append after the last loaded page.
    Next(u64),
    /// Prepend before the first loaded page.
    Prev(u64),
}

/// Where the selection goes after a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    First,
    Last,
    /// Keep this index into the page, clamped.
    At(usize),
}

impl PageSlot {
    pub fn index(self) -> u64 {
        match self {
            PageSlot::Reset { index, .. } | PageSlot::Next(index) | PageSlot::Prev(index) => index,
        }
    }

    pub fn offset(self) -> u64 {
        self.index() * u64::from(PAGE_SIZE)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserList {
    pages: VecDeque<Page>,
    /// Matches on the server (`details.totalResult`), rows the caller may not read included.
    pub total: u64,
    /// From the last page's `details`: when the server's data was current.
    pub details: Option<ListDetails>,
    /// Index into the loaded rows.
    pub selected: usize,
    /// First loaded row shown in the viewport.
    pub scroll: usize,
    /// True once the first page of the current search arrived.
    pub loaded: bool,
    /// A page other than the last came back short in this search (ZITADEL before v4.8 drops
    /// unreadable rows after paging, or a repeated user was left out): positions by offset
    /// and `total` would overstate what the agent can reach.
    pub short_seen: bool,
    /// Rows on the pages before the window, when known (counted as pages go and come).
    before: Option<u64>,
    /// Users of dropped pages → their page, oldest first; at most [`REMEMBERED_IDS`].
    dropped: Dropped,
    /// Users left out as repeats since the console last asked.
    repeats: usize,
    /// The rows are a local filter's matches ([`UserList::show_matches`]), not server pages:
    /// all of them are held, and nothing is paged.
    matches_only: bool,
}

/// A bounded memory of the users on dropped pages.
#[derive(Debug, Clone, Default, PartialEq)]
struct Dropped {
    page_of: HashMap<String, u64>,
    order: VecDeque<String>,
}

impl Dropped {
    fn remember(&mut self, page: &Page) {
        for row in &page.rows {
            let id = row.user.user_id.clone();
            if self.page_of.insert(id.clone(), page.index).is_none() {
                self.order.push_back(id);
            }
        }
        while self.order.len() > REMEMBERED_IDS {
            if let Some(old) = self.order.pop_front() {
                self.page_of.remove(&old);
            }
        }
    }

    fn page_of(&self, id: &str) -> Option<u64> {
        self.page_of.get(id).copied()
    }

    /// The page is back in the window: its users are held again, not remembered.
    fn forget(&mut self, rows: &[UserRow]) {
        for row in rows {
            self.page_of.remove(&row.user.user_id);
        }
        if self.page_of.len() < self.order.len() {
            let kept = &self.page_of;
            self.order.retain(|id| kept.contains_key(id));
        }
    }
}

/// What the position counter can honestly say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Every page came back full: the selection's place in `total` matches.
    Exact { position: u64, total: u64 },
    /// Pages came back short: the selection's place among the users the agent can reach
    /// (`None` after a jump past pages never loaded), and how many can be reached so far —
    /// `more` while pages remain to be loaded.
    Reachable {
        position: Option<u64>,
        reachable: u64,
        more: bool,
    },
}

impl UserList {
    /// Loaded rows, in order.
    pub fn len(&self) -> usize {
        self.pages.iter().map(|p| p.rows.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn row(&self, i: usize) -> Option<&UserRow> {
        let mut i = i;
        for p in &self.pages {
            if i < p.rows.len() {
                return p.rows.get(i);
            }
            i -= p.rows.len();
        }
        None
    }

    pub fn selected_row(&self) -> Option<&UserRow> {
        self.row(self.selected)
    }

    /// A fresher read of a user in the window (the detail's, after an unlock say) replaces
    /// their row, so list and detail agree. Returns whether a row changed.
    pub fn update_user(&mut self, user: &User) -> bool {
        let fresh = UserRow::new(user.clone());
        let mut changed = false;
        for row in self.pages.iter_mut().flat_map(|p| p.rows.iter_mut()) {
            if row.user.user_id == user.user_id && *row != fresh {
                *row = fresh.clone();
                changed = true;
            }
        }
        changed
    }

    /// The rows from `start`, at most `n` of them (what the viewport shows).
    pub fn visible(&self, start: usize, n: usize) -> impl Iterator<Item = &UserRow> {
        self.pages.iter().flat_map(|p| p.rows.iter()).skip(start).take(n)
    }

    /// 1-based position of the selection in the whole result, as far as it can be known:
    /// its page's offset plus its place in the page.
    pub fn position(&self) -> Option<u64> {
        let mut i = self.selected;
        for p in &self.pages {
            if i < p.rows.len() {
                return Some(p.index * u64::from(PAGE_SIZE) + i as u64 + 1);
            }
            i -= p.rows.len();
        }
        None
    }

    fn first_index(&self) -> Option<u64> {
        self.pages.front().map(|p| p.index)
    }

    fn last_index(&self) -> Option<u64> {
        self.pages.back().map(|p| p.index)
    }

    fn pages_total(&self) -> u64 {
        self.total.div_ceil(u64::from(PAGE_SIZE))
    }

    /// Shows the matches of a local filter (`verified:`, …) found so far — at most the scan's
    /// `want`, which the console sets to [`MAX_ROWS`] — in `order`, keeping the selected
    /// user selected.
    pub fn show_matches(&mut self, users: &[User], order: ListSort, viewport: usize) {
        let selected = self.selected_row().map(|r| r.user.user_id.clone());
        let mut rows: Vec<UserRow> = users.iter().cloned().map(UserRow::new).collect();
        // The scan walks by user ID; the list reads in the order chosen, as the server-paged
        // one does.
        rows.sort_by(|a, b| crate::tui::sort::compare(&a.user, &b.user, order));
        self.total = rows.len() as u64;
        self.pages = VecDeque::from([Page { index: 0, rows }]);
        self.loaded = true;
        self.matches_only = true;
        self.short_seen = false;
        self.before = Some(0);
        if let Some(id) = selected {
            self.select_user(&id, viewport);
        }
        self.clamp(viewport);
    }

    /// Whether the rows are a local filter's matches.
    pub fn matches_only(&self) -> bool {
        self.matches_only
    }

    /// The page to fetch to keep the selection away from the window's ends, if any.
    pub fn wanted(&self) -> Option<PageSlot> {
        if !self.loaded || self.matches_only {
            return None;
        }
        let len = self.len();
        if let Some(last) = self.last_index()
            && last + 1 < self.pages_total()
            && len.saturating_sub(self.selected) <= PREFETCH_MARGIN
        {
            return Some(PageSlot::Next(last + 1));
        }
        if let Some(first) = self.first_index()
            && first > 0
            && self.selected < PREFETCH_MARGIN
        {
            return Some(PageSlot::Prev(first - 1));
        }
        None
    }

    /// Stores a page. Returns false when it no longer fits the window (stale).
    pub fn store(&mut self, slot: PageSlot, users: Vec<User>, details: ListDetails, viewport: usize) -> bool {
        let borders = match slot {
            PageSlot::Reset { .. } => true,
            PageSlot::Next(index) => self.last_index().map(|l| l + 1) == Some(index),
            PageSlot::Prev(index) => self.first_index().and_then(|f| f.checked_sub(1)) == Some(index),
        };
        if !borders {
            return false;
        }
        self.total = details.total_result;
        self.details = Some(details);
        let index = slot.index();
        if let PageSlot::Reset { .. } = slot {
            self.before = self.before_reset(index);
            self.pages.clear();
            self.dropped = Dropped::default();
        }
        let rows = self.new_rows(index, users);
        if rows.len() < PAGE_SIZE as usize && index + 1 < self.pages_total() {
            self.short_seen = true;
        }
        match slot {
            PageSlot::Reset { select, .. } => {
                let n = rows.len();
                self.pages.push_back(Page { index, rows });
                self.loaded = true;
                self.selected = match select {
                    Select::First => 0,
                    Select::Last => n.saturating_sub(1),
                    Select::At(i) => i.min(n.saturating_sub(1)),
                };
                self.scroll = 0;
            }
            PageSlot::Next(_) => {
                self.pages.push_back(Page { index, rows });
                while self.len() > MAX_ROWS && self.front_can_go() {
                    if let Some(dropped) = self.pages.pop_front() {
                        let n = dropped.rows.len();
                        self.selected = self.selected.saturating_sub(n);
                        self.scroll = self.scroll.saturating_sub(n);
                        self.before = self.before.map(|b| b + n as u64);
                        self.dropped.remember(&dropped);
                    }
                }
            }
            PageSlot::Prev(_) => {
                let n = rows.len();
                self.before = self.before.map(|b| b.saturating_sub(n as u64));
                self.pages.push_front(Page { index, rows });
                self.selected += n;
                self.scroll += n;
                while self.len() > MAX_ROWS && self.back_can_go() {
                    if let Some(dropped) = self.pages.pop_back() {
                        self.dropped.remember(&dropped);
                    }
                }
            }
        }
        self.clamp(viewport);
        true
    }

    /// The page's rows without the users already held, or seen on another dropped page: ties
    /// in the sort order (or users added meanwhile) can bring a user twice. Counted for
    /// [`UserList::take_repeats`].
    fn new_rows(&mut self, index: u64, users: Vec<User>) -> Vec<UserRow> {
        let mut rows: Vec<UserRow> = Vec::with_capacity(users.len());
        let mut repeats = 0;
        {
            let taken: HashSet<&str> = self
                .pages
                .iter()
                .flat_map(|p| p.rows.iter())
                .map(|r| r.user.user_id.as_str())
                .collect();
            let mut fresh: HashSet<String> = HashSet::with_capacity(users.len());
            for user in users {
                let id = user.user_id.as_str();
                let elsewhere = self.dropped.page_of(id).is_some_and(|page| page != index);
                if taken.contains(id) || fresh.contains(id) || elsewhere {
                    repeats += 1;
                    tracing::debug!(user_id = id, page = index, "repeated user left out");
                    continue;
                }
                fresh.insert(id.to_string());
                rows.push(UserRow::new(user));
            }
        }
        self.repeats += repeats;
        self.dropped.forget(&rows);
        rows
    }

    /// Users left out as repeats since the last call: the order shifted between pages.
    pub fn take_repeats(&mut self) -> usize {
        std::mem::take(&mut self.repeats)
    }

    /// Rows before page `index` when the window is replaced by it: all pages full so far
    /// means `index` full pages; otherwise only what the current window can tell.
    fn before_reset(&self, index: u64) -> Option<u64> {
        if !self.short_seen {
            return Some(index * u64::from(PAGE_SIZE));
        }
        if index == 0 {
            return Some(0);
        }
        let mut before = self.before?;
        for p in &self.pages {
            if p.index == index {
                return Some(before);
            }
            before += p.rows.len() as u64;
        }
        (self.last_index().map(|l| l + 1) == Some(index)).then_some(before)
    }

    /// The position counter: exact while every page came back full; otherwise what the agent
    /// can reach, counted in users actually loaded.
    pub fn counter(&self) -> Counter {
        if !self.short_seen {
            return Counter::Exact {
                position: self.position().unwrap_or(0),
                total: self.total,
            };
        }
        let position = match self.len() {
            0 => self.before,
            _ => self.before.map(|b| b + self.selected as u64 + 1),
        };
        Counter::Reachable {
            position,
            reachable: self.before.unwrap_or(0) + self.len() as u64,
            more: !self.has_last_page() || self.before.is_none(),
        }
    }

    /// Whether the first page may be dropped: the selection is not on it and stays clear of the
    /// new top's prefetch margin.
    fn front_can_go(&self) -> bool {
        match self.pages.front() {
            Some(p) if self.pages.len() > 1 => self.selected >= p.rows.len() + PREFETCH_MARGIN,
            _ => false,
        }
    }

    /// The same for the last page.
    fn back_can_go(&self) -> bool {
        match self.pages.back() {
            Some(p) if self.pages.len() > 1 => {
                let len = self.len();
                self.selected + p.rows.len() + PREFETCH_MARGIN < len
            }
            _ => false,
        }
    }

    /// Moves by whole screens: the viewport moves with the selection, so a page down shows
    /// the next rows rather than re-centring on half of the old ones.
    pub fn page_by(&mut self, pages: isize, viewport: usize) {
        let len = self.len();
        if len == 0 {
            return;
        }
        let step = pages.saturating_mul(viewport.max(1) as isize);
        self.selected = self.selected.saturating_add_signed(step).min(len - 1);
        self.scroll = self.scroll.saturating_add_signed(step);
        let max_scroll = len.saturating_sub(viewport.max(1));
        self.scroll = self.scroll.min(max_scroll);
        if self.selected < self.scroll || self.selected >= self.scroll + viewport.max(1) {
            self.clamp(viewport);
        }
    }

    /// Selects this user if loaded (after a refresh, where rows may have come or gone).
    pub fn select_user(&mut self, user_id: &str, viewport: usize) -> bool {
        let found = self
            .pages
            .iter()
            .flat_map(|p| p.rows.iter())
            .position(|r| r.user.user_id == user_id);
        if let Some(i) = found {
            self.selected = i;
            self.clamp(viewport);
        }
        found.is_some()
    }

    /// Whether every loaded page came back full (so positions are exact).
    pub fn exact(&self) -> bool {
        let last = self.pages_total().saturating_sub(1);
        self.pages
            .iter()
            .all(|p| p.index == last || p.rows.len() == PAGE_SIZE as usize)
    }

    /// Moves the selection by `delta` rows within what is loaded.
    pub fn move_by(&mut self, delta: isize, viewport: usize) {
        let len = self.len();
        if len == 0 {
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(len - 1);
        self.clamp(viewport);
    }

    /// Keeps the selection inside the viewport, scrolling no further than it takes: a move past
    /// the edge scrolls one row, which the terminal shifts itself (its scrolling region, see
    /// `row_shift.rs`), so only the new row and the selection's are written.
    pub fn clamp(&mut self, viewport: usize) {
        let len = self.len();
        if len == 0 {
            self.selected = 0;
            self.scroll = 0;
            return;
        }
        self.selected = self.selected.min(len - 1);
        let viewport = viewport.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + viewport {
            self.scroll = self.selected + 1 - viewport;
        }
        let max_scroll = len.saturating_sub(viewport);
        self.scroll = self.scroll.min(max_scroll);
    }

    /// The page holding the selection and the selection's index in it (for a refresh).
    pub fn selected_page(&self) -> (u64, usize) {
        let mut i = self.selected;
        for p in &self.pages {
            if i < p.rows.len() {
                return (p.index, i);
            }
            i -= p.rows.len();
        }
        (self.first_index().unwrap_or(0), 0)
    }

    /// The last page of the result, for `G`/End.
    pub fn last_page(&self) -> u64 {
        self.pages_total().saturating_sub(1)
    }

    /// Whether the last page of the result is loaded (so `G` needs no fetch).
    pub fn has_last_page(&self) -> bool {
        self.matches_only || self.last_index().is_some_and(|l| l + 1 >= self.pages_total())
    }

    /// Whether the first page is loaded (so `g` needs no fetch).
    pub fn has_first_page(&self) -> bool {
        self.matches_only || self.first_index() == Some(0)
    }

    /// Forgets everything (a new search).
    pub fn clear(&mut self) {
        *self = UserList::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::User;

    fn users(from: usize, n: usize) -> Vec<User> {
        (from..from + n)
            .map(|i| User {
                user_id: format!("{i}"),
                ..User::default()
            })
            .collect()
    }

    fn details(total: u64) -> ListDetails {
        ListDetails {
            total_result: total,
            ..ListDetails::default()
        }
    }

    fn first_page(total: u64) -> UserList {
        let mut l = UserList::default();
        let n = total.min(u64::from(PAGE_SIZE)) as usize;
        assert!(l.store(
            PageSlot::Reset {
                index: 0,
                select: Select::First
            },
            users(0, n),
            details(total),
            20
        ));
        l
    }

    #[test]
    fn nearing_the_end_asks_for_the_next_page_and_the_window_stays_bounded() {
        let mut l = first_page(10_000);
        assert_eq!(l.wanted(), None);
        l.move_by(79, 20);
        assert_eq!(l.wanted(), None, "21 rows left");
        l.move_by(1, 20);
        assert_eq!(l.wanted(), Some(PageSlot::Next(1)));
        for page in 1..20u64 {
            let at = l.row(l.selected).unwrap().user.user_id.clone();
            assert!(l.store(
                PageSlot::Next(page),
                users(page as usize * 100, 100),
                details(10_000),
                20
            ));
            assert_eq!(
                l.selected_row().unwrap().user.user_id,
                at,
                "the selection stays on its user"
            );
            assert!(l.len() <= MAX_ROWS + PAGE_SIZE as usize);
            l.move_by(100, 20);
        }
        assert_eq!(l.len(), 500);
    }

    #[test]
    fn going_back_up_refetches_dropped_pages() {
        let mut l = first_page(10_000);
        for page in 1..=6u64 {
            l.move_by(100, 20);
            l.store(
                PageSlot::Next(page),
                users(page as usize * 100, 100),
                details(10_000),
                20,
            );
        }
        // Window is pages 2..=6; walk to its top.
        l.move_by(-(l.selected as isize), 20);
        assert_eq!(l.wanted(), Some(PageSlot::Prev(1)));
        let at = l.selected_row().unwrap().user.user_id.clone();
        assert!(l.store(PageSlot::Prev(1), users(100, 100), details(10_000), 20));
        assert_eq!(l.selected_row().unwrap().user.user_id, at);
        assert_eq!(l.position(), Some(201));
    }

    #[test]
    fn a_stale_page_that_no_longer_borders_the_window_is_refused() {
        let mut l = first_page(10_000);
        assert!(!l.store(PageSlot::Next(5), users(500, 100), details(10_000), 20));
        assert!(!l.store(PageSlot::Prev(0), users(0, 100), details(10_000), 20));
        assert_eq!(l.len(), 100);
    }

    #[test]
    fn short_pages_from_permission_filtering_still_page_on_by_offset() {
        let mut l = UserList::default();
        l.store(
            PageSlot::Reset {
                index: 0,
                select: Select::First,
            },
            users(0, 7),
            details(1000),
            20,
        );
        assert_eq!(
            l.wanted(),
            Some(PageSlot::Next(1)),
            "7 rows: near the end already"
        );
        l.store(PageSlot::Next(1), vec![], details(1000), 20);
        assert_eq!(
            l.wanted(),
            Some(PageSlot::Next(2)),
            "an empty page is not the end"
        );
    }

    #[test]
    fn short_pages_never_thrash_and_the_selected_user_stays_selected() {
        // Permission filtering leaves 4 of every 100 rows: pages stay, nothing is dropped, and
        // the window only grows while the selection is near its end.
        let mut l = UserList::default();
        l.store(
            PageSlot::Reset {
                index: 0,
                select: Select::First,
            },
            users(0, 4),
            details(1000),
            20,
        );
        let mut fetched = Vec::new();
        while let Some(slot) = l.wanted() {
            let PageSlot::Next(i) = slot else {
                panic!("only forward: {slot:?}")
            };
            fetched.push(i);
            assert!(l.store(slot, users(i as usize * 100, 4), details(1000), 20));
            assert_eq!(l.selected_row().unwrap().user.user_id, "0");
            assert!(fetched.len() < 20, "bounded: {fetched:?}");
        }
        assert_eq!(
            fetched,
            (1..=5).collect::<Vec<u64>>(),
            "until 21 rows lie ahead, each page once"
        );
        assert!(!l.exact());
        // Walking on fetches the rest, once each, and stops at the end of the result.
        l.move_by(1000, 20);
        while let Some(slot) = l.wanted() {
            let PageSlot::Next(i) = slot else {
                panic!("only forward: {slot:?}")
            };
            fetched.push(i);
            l.store(slot, users(i as usize * 100, 4), details(1000), 20);
            l.move_by(1000, 20);
        }
        assert_eq!(fetched, (1..=9).collect::<Vec<u64>>());
    }

    #[test]
    fn far_pages_go_but_never_the_selections_own() {
        let mut l = first_page(10_000);
        for page in 1..=8u64 {
            l.move_by(100, 20);
            let at = l.selected_row().unwrap().user.user_id.clone();
            l.store(
                PageSlot::Next(page),
                users(page as usize * 100, 100),
                details(10_000),
                20,
            );
            assert_eq!(l.selected_row().unwrap().user.user_id, at);
            assert!(l.len() <= MAX_ROWS + 100);
        }
        assert!(l.exact());
    }

    #[test]
    fn page_down_shows_the_next_screen() {
        let mut l = first_page(1000);
        l.page_by(1, 20);
        assert_eq!((l.selected, l.scroll), (20, 20));
        l.page_by(1, 20);
        assert_eq!((l.selected, l.scroll), (40, 40));
        l.page_by(-1, 20);
        assert_eq!((l.selected, l.scroll), (20, 20));
    }

    #[test]
    fn a_refresh_keeps_the_selected_user_when_rows_moved() {
        let mut l = first_page(1000);
        l.move_by(5, 20);
        // Two users were added before the selection.
        let mut fresh = users(0, 100);
        fresh.insert(
            0,
            User {
                user_id: "9001".into(),
                ..User::default()
            },
        );
        fresh.insert(
            0,
            User {
                user_id: "9002".into(),
                ..User::default()
            },
        );
        l.store(
            PageSlot::Reset {
                index: 0,
                select: Select::At(5),
            },
            fresh,
            details(1002),
            20,
        );
        assert_eq!(
            l.selected_row().unwrap().user.user_id,
            "3",
            "by position: a neighbour"
        );
        assert!(l.select_user("5", 20));
        assert_eq!(l.selected_row().unwrap().user.user_id, "5");
        assert!(!l.select_user("gone", 20));
    }

    #[test]
    fn the_viewport_scrolls_one_row_when_the_selection_leaves_it() {
        let mut l = first_page(1000);
        for _ in 0..19 {
            l.move_by(1, 20);
            assert_eq!(l.scroll, 0);
        }
        for n in 1..=15 {
            l.move_by(1, 20);
            assert_eq!(
                (l.selected, l.scroll),
                (19 + n, n),
                "the selection on the last row"
            );
        }
        l.move_by(-10, 20);
        assert_eq!(l.scroll, 15, "no scroll while inside the viewport");
        l.move_by(-10, 20);
        assert_eq!((l.selected, l.scroll), (14, 14), "the selection on the first row");
        l.move_by(-3, 20);
        assert_eq!((l.selected, l.scroll), (11, 11));
    }

    fn ids(l: &UserList) -> Vec<String> {
        l.visible(0, l.len()).map(|r| r.user.user_id.clone()).collect()
    }

    #[test]
    fn a_user_repeated_by_the_next_page_is_shown_once_and_said() {
        let mut l = first_page(1000);
        assert_eq!(l.take_repeats(), 0);
        // Ties in the sort column: two users of page 0 come again on page 1.
        let mut next = users(100, 98);
        next.insert(0, users(99, 1).remove(0));
        next.insert(5, users(42, 1).remove(0));
        l.move_by(90, 20);
        assert!(l.store(PageSlot::Next(1), next, details(1000), 20));
        let shown = ids(&l);
        assert_eq!(shown.len(), 198);
        let unique: HashSet<&String> = shown.iter().collect();
        assert_eq!(unique.len(), shown.len(), "nobody twice");
        assert_eq!(l.take_repeats(), 2, "said once");
        assert_eq!(l.take_repeats(), 0);
        assert!(l.short_seen, "page 1 now holds fewer rows than its offsets");
    }

    #[test]
    fn a_user_of_a_dropped_page_coming_again_is_left_out_but_a_refetch_of_that_page_keeps_its_own() {
        let mut l = first_page(10_000);
        for page in 1..=6u64 {
            l.move_by(100, 20);
            assert!(l.store(
                PageSlot::Next(page),
                users(page as usize * 100, 100),
                details(10_000),
                20
            ));
        }
        assert_eq!(l.first_index(), Some(2), "pages 0 and 1 were dropped");
        assert_eq!(l.take_repeats(), 0);
        // Page 7 brings user 150 again (it was on dropped page 1).
        let mut seventh = users(700, 99);
        seventh.push(users(150, 1).remove(0));
        l.move_by(100, 20);
        assert!(l.store(PageSlot::Next(7), seventh, details(10_000), 20));
        assert_eq!(l.take_repeats(), 1);
        assert!(!ids(&l).contains(&"150".to_string()));
        // Walking back up, page 1 itself comes again with its users: nothing is a repeat.
        l.move_by(-(l.selected as isize), 20);
        while let Some(PageSlot::Prev(i)) = l.wanted() {
            assert!(l.store(
                PageSlot::Prev(i),
                users(i as usize * 100, 100),
                details(10_000),
                20
            ));
            l.move_by(-(l.selected as isize), 20);
            if i == 1 {
                break;
            }
        }
        assert!(ids(&l).contains(&"150".to_string()));
        assert_eq!(l.take_repeats(), 0);
    }

    #[test]
    fn the_memory_of_dropped_users_stays_bounded() {
        let mut l = first_page(1_000_000);
        for page in 1..=200u64 {
            l.move_by(100, 20);
            assert!(l.store(
                PageSlot::Next(page),
                users(page as usize * 100, 100),
                details(1_000_000),
                20
            ));
        }
        assert!(l.dropped.order.len() <= REMEMBERED_IDS);
        assert_eq!(l.dropped.order.len(), l.dropped.page_of.len());
        assert!(l.len() <= MAX_ROWS + PAGE_SIZE as usize);
    }

    #[test]
    fn full_pages_count_exactly() {
        let mut l = first_page(1000);
        l.move_by(11, 20);
        assert_eq!(
            l.counter(),
            Counter::Exact {
                position: 12,
                total: 1000
            }
        );
    }

    #[test]
    fn short_pages_count_what_the_agent_can_reach() {
        // ZITADEL 4.0–4.7: 4 readable users in every 100, totalResult counts all 1000.
        let mut l = UserList::default();
        let reset = PageSlot::Reset {
            index: 0,
            select: Select::First,
        };
        assert!(l.store(reset, users(0, 4), details(1000), 20));
        l.move_by(2, 20);
        assert_eq!(
            l.counter(),
            Counter::Reachable {
                position: Some(3),
                reachable: 4,
                more: true
            },
            "not 3 of 1000"
        );
        // Walk to the end: the count grows with what is loaded and stops being open-ended.
        let mut page = 1u64;
        loop {
            l.move_by(1000, 20);
            let Some(slot) = l.wanted() else { break };
            assert_eq!(slot, PageSlot::Next(page));
            assert!(l.store(slot, users(page as usize * 100, 4), details(1000), 20));
            page += 1;
        }
        assert_eq!(
            l.counter(),
            Counter::Reachable {
                position: Some(40),
                reachable: 40,
                more: false
            }
        );
    }

    #[test]
    fn the_count_stays_right_when_pages_are_dropped_and_refetched() {
        // 60 readable per page of 100: the window drops pages as the agent walks.
        let mut l = UserList::default();
        let reset = PageSlot::Reset {
            index: 0,
            select: Select::First,
        };
        assert!(l.store(reset, users(0, 60), details(10_000), 20));
        for page in 1..=12u64 {
            l.move_by(60, 20);
            assert!(l.store(
                PageSlot::Next(page),
                users(page as usize * 100, 60),
                details(10_000),
                20
            ));
        }
        assert!(l.first_index() > Some(0), "front pages dropped");
        let at = l.selected_row().map(|r| r.user.user_id.clone());
        let Counter::Reachable { position, .. } = l.counter() else {
            panic!("short pages")
        };
        // User 100·p + k is the (60·p + k + 1)-th readable user.
        let id: u64 = at.as_deref().unwrap_or("0").parse().unwrap();
        assert_eq!(position, Some(60 * (id / 100) + id % 100 + 1));
        // A refresh of the selection's page keeps the count.
        let (index, i) = l.selected_page();
        assert!(l.store(
            PageSlot::Reset {
                index,
                select: Select::At(i)
            },
            users(index as usize * 100, 60),
            details(10_000),
            20
        ));
        let Counter::Reachable { position: again, .. } = l.counter() else {
            panic!("short pages")
        };
        assert_eq!(again, position);
    }

    #[test]
    fn a_jump_past_unloaded_short_pages_does_not_pretend_to_know_the_position() {
        let mut l = UserList::default();
        let reset = PageSlot::Reset {
            index: 0,
            select: Select::First,
        };
        assert!(l.store(reset, users(0, 4), details(1000), 20));
        let last = l.last_page();
        assert!(l.store(
            PageSlot::Reset {
                index: last,
                select: Select::Last
            },
            users(900, 7),
            details(1000),
            20
        ));
        assert_eq!(
            l.counter(),
            Counter::Reachable {
                position: None,
                reachable: 7,
                more: true
            }
        );
    }

    #[test]
    fn last_and_first_page_bookkeeping() {
        let l = first_page(250);
        assert_eq!(l.last_page(), 2);
        assert!(!l.has_last_page());
        assert!(l.has_first_page());
        let l = first_page(80);
        assert!(l.has_last_page());
        assert_eq!(l.wanted(), None, "everything is loaded");
    }
}
