//! The users list as a window of server pages: contiguous pages around the selection, about
//! [`MAX_ROWS`] rows of them, so memory stays bounded however many users the instance has.
//! Pages are fetched as the selection nears either end of what is loaded, and far pages
//! dropped — never the selection's own page, nor one whose loss would put the selection near
//! that end again (which would fetch it straight back).
//!
//! ZITADEL may drop rows the caller cannot read after paging, so a page can hold fewer rows
//! than asked for: positions are counted in loaded rows, and paging goes by offset.

use std::collections::VecDeque;

use crate::api::wire::{ListDetails, User};
use crate::text::sanitize;
use crate::userinfo;

/// Rows asked for per request.
pub const PAGE_SIZE: u32 = 100;
/// Rows kept: far pages are dropped beyond this.
pub const MAX_ROWS: usize = 500;
/// The next page is fetched when the selection is this close to the end of what is loaded.
pub const PREFETCH_MARGIN: usize = 20;

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

    /// The page to fetch to keep the selection away from the window's ends, if any.
    pub fn wanted(&self) -> Option<PageSlot> {
        if !self.loaded {
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
        let rows: Vec<UserRow> = users.into_iter().map(UserRow::new).collect();
        self.total = details.total_result;
        self.details = Some(details);
        match slot {
            PageSlot::Reset { index, select } => {
                let n = rows.len();
                self.pages.clear();
                self.pages.push_back(Page { index, rows });
                self.loaded = true;
                self.selected = match select {
                    Select::First => 0,
                    Select::Last => n.saturating_sub(1),
                    Select::At(i) => i.min(n.saturating_sub(1)),
                };
                self.scroll = 0;
            }
            PageSlot::Next(index) => {
                if self.last_index().map(|l| l + 1) != Some(index) {
                    return false;
                }
                self.pages.push_back(Page { index, rows });
                while self.len() > MAX_ROWS && self.front_can_go() {
                    if let Some(dropped) = self.pages.pop_front() {
                        let n = dropped.rows.len();
                        self.selected = self.selected.saturating_sub(n);
                        self.scroll = self.scroll.saturating_sub(n);
                    }
                }
            }
            PageSlot::Prev(index) => {
                if self.first_index().and_then(|f| f.checked_sub(1)) != Some(index) {
                    return false;
                }
                let n = rows.len();
                self.pages.push_front(Page { index, rows });
                self.selected += n;
                self.scroll += n;
                while self.len() > MAX_ROWS && self.back_can_go() {
                    self.pages.pop_back();
                }
            }
        }
        self.clamp(viewport);
        true
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

    /// Keeps the selection inside the viewport. When it leaves, the viewport jumps so that the
    /// selection sits mid-page: a one-row scroll would rewrite every visible row (about 1 KB
    /// at 80×24 over SSH), a jump does so only once per half page.
    pub fn clamp(&mut self, viewport: usize) {
        let len = self.len();
        if len == 0 {
            self.selected = 0;
            self.scroll = 0;
            return;
        }
        self.selected = self.selected.min(len - 1);
        let viewport = viewport.max(1);
        if self.selected < self.scroll || self.selected >= self.scroll + viewport {
            self.scroll = self.selected.saturating_sub(viewport / 2);
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
        self.last_index().is_some_and(|l| l + 1 >= self.pages_total())
    }

    /// Whether the first page is loaded (so `g` needs no fetch).
    pub fn has_first_page(&self) -> bool {
        self.first_index() == Some(0)
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
    fn the_viewport_jumps_by_half_a_page_when_the_selection_leaves_it() {
        let mut l = first_page(1000);
        for _ in 0..19 {
            l.move_by(1, 20);
            assert_eq!(l.scroll, 0);
        }
        l.move_by(1, 20);
        assert_eq!((l.selected, l.scroll), (20, 10));
        for _ in 0..9 {
            l.move_by(1, 20);
        }
        assert_eq!(l.scroll, 10, "no scroll while inside the viewport");
        l.move_by(-20, 20);
        assert_eq!((l.selected, l.scroll), (9, 0));
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
