//! `:history`: the users opened recently — those whose detail was read this session, newest
//! first and each once, then the last distinct users of this instance in the audit trail —
//! and the view that lists them (Enter opens one). Bounded: [`MAX_SESSION`] of this session,
//! [`MAX_FROM_AUDIT`] from the trail.

use std::collections::{HashSet, VecDeque};

use crossterm::event::{KeyCode, KeyEvent};
use jiff::Timestamp;

use super::audit_view::{AuditTail, Loading, ViewRequest};
use super::keys::{Binding, Key, Keymap};
use crate::api::wire::User;
use crate::text::sanitize;
use crate::userinfo;

/// Users of this session remembered.
pub const MAX_SESSION: usize = 50;
/// Users taken from the audit trail after them.
pub const MAX_FROM_AUDIT: usize = 30;

/// A user opened this session, as the history lists them (sanitised once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentUser {
    pub user_id: String,
    pub name: String,
    /// Login name or email.
    pub detail: String,
}

/// The users opened this session, newest first, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentUsers {
    users: VecDeque<RecentUser>,
}

impl RecentUsers {
    /// A user's detail was read: they move to the front.
    pub fn opened(&mut self, user: &User) {
        self.users.retain(|u| u.user_id != user.user_id);
        let login = &user.preferred_login_name;
        let detail = if login.is_empty() {
            userinfo::email(user).unwrap_or("")
        } else {
            login
        };
        self.users.push_front(RecentUser {
            user_id: sanitize(&user.user_id).into_owned(),
            name: sanitize(&userinfo::display_name(user)).into_owned(),
            detail: sanitize(detail).into_owned(),
        });
        self.users.truncate(MAX_SESSION);
    }

    pub fn iter(&self) -> impl Iterator<Item = &RecentUser> {
        self.users.iter()
    }
}

/// Where a history row comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Session,
    /// The newest audit line about the user: when, and what was done.
    Audit {
        time: Timestamp,
        action: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub user_id: String,
    /// Name and login name (session users); the address of a `set-email` line, else empty.
    pub name: String,
    pub detail: String,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryAction {
    Down,
    Up,
    Open,
    Close,
}

#[rustfmt::skip]
static BINDINGS: &[Binding<HistoryAction>] = &[
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: HistoryAction::Down, help: "next user", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: HistoryAction::Up, help: "previous user", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: HistoryAction::Open, help: "open the user", hint: Some("open") },
    Binding { keys: &[Key::Code(KeyCode::Esc), Key::Char('q')], label: "Esc/q", action: HistoryAction::Close, help: "back", hint: Some("back") },
];

pub static KEYMAP: Keymap<HistoryAction> = Keymap {
    name: "history",
    groups: &[BINDINGS],
};

/// What Enter asks for besides [`ViewRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryRequest {
    View(ViewRequest),
    Open(String),
}

#[derive(Debug)]
pub struct HistoryView {
    pub rows: Vec<HistoryRow>,
    /// The audit trail's part, read in the background.
    pub trail: Loading,
    pub selected: usize,
    pub top: usize,
}

impl HistoryView {
    /// The session's users at once; the trail's follow when read.
    pub fn new(recent: &RecentUsers) -> HistoryView {
        HistoryView {
            rows: recent
                .iter()
                .map(|u| HistoryRow {
                    user_id: u.user_id.clone(),
                    name: u.name.clone(),
                    detail: u.detail.clone(),
                    source: Source::Session,
                })
                .collect(),
            trail: Loading::Reading,
            selected: 0,
            top: 0,
        }
    }

    /// Adds the last distinct users of this instance from the trail, newest first.
    pub fn add_trail(&mut self, result: Result<&AuditTail, String>) {
        let tail = match result {
            Ok(t) => t,
            Err(e) => {
                self.trail = Loading::Failed(e);
                return;
            }
        };
        let mut seen: HashSet<String> = self.rows.iter().map(|r| r.user_id.clone()).collect();
        let mut added = 0;
        for r in tail.records.iter().rev().filter(|r| r.instance == tail.instance) {
            if added >= MAX_FROM_AUDIT {
                break;
            }
            let id = sanitize(&r.user_id).into_owned();
            if id.is_empty() || !seen.insert(id.clone()) {
                continue;
            }
            self.rows.push(HistoryRow {
                user_id: id,
                name: String::new(),
                detail: r
                    .email
                    .as_deref()
                    .map(|e| sanitize(e).into_owned())
                    .unwrap_or_default(),
                source: Source::Audit {
                    time: r.time,
                    action: sanitize(&r.action).into_owned(),
                },
            });
            added += 1;
        }
        self.trail = Loading::Ready;
    }

    pub fn on_key(&mut self, ev: &KeyEvent, page: usize) -> HistoryRequest {
        let before = (self.selected, self.top);
        let last = self.rows.len().saturating_sub(1);
        match KEYMAP.action(ev) {
            None => return HistoryRequest::View(ViewRequest::Nothing),
            Some(HistoryAction::Close) => return HistoryRequest::View(ViewRequest::Close),
            Some(HistoryAction::Open) => {
                return match self.rows.get(self.selected) {
                    Some(row) => HistoryRequest::Open(row.user_id.clone()),
                    None => HistoryRequest::View(ViewRequest::Nothing),
                };
            }
            Some(HistoryAction::Down) => self.selected = (self.selected + 1).min(last),
            Some(HistoryAction::Up) => self.selected = self.selected.saturating_sub(1),
        }
        let page = page.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + page {
            self.top = self.selected + 1 - page;
        }
        HistoryRequest::View(if before == (self.selected, self.top) {
            ViewRequest::Nothing
        } else {
            ViewRequest::Changed
        })
    }
}

/// Rows of users the history view shows at once on `screen` (border and titles take three).
pub fn body_rows(screen: ratatui::layout::Rect) -> usize {
    usize::from(screen.height.saturating_sub(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{HumanProfile, HumanUser};
    use crate::audit::AuditRecord;
    use crossterm::event::KeyModifiers;

    fn user(id: &str, name: &str) -> User {
        User {
            user_id: id.into(),
            preferred_login_name: format!("{id}@acme"),
            human: Some(HumanUser {
                profile: Some(HumanProfile {
                    display_name: Some(name.into()),
                    ..HumanProfile::default()
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    fn line(id: &str, secs: i64, instance: &str) -> AuditRecord {
        AuditRecord {
            time: Timestamp::from_second(1_764_000_000 + secs).unwrap_or_default(),
            instance: instance.into(),
            profile: None,
            operator: None,
            user_id: id.into(),
            action: "unlock".into(),
            mode: "none".into(),
            url_template: None,
            email: None,
            outcome: "ok".into(),
            error: None,
            sequence: None,
        }
    }

    fn press(v: &mut HistoryView, code: KeyCode) -> HistoryRequest {
        v.on_key(&KeyEvent::new(code, KeyModifiers::NONE), 2)
    }

    #[test]
    fn the_session_is_newest_first_each_once_and_bounded() {
        let mut r = RecentUsers::default();
        r.opened(&user("1", "Jane"));
        r.opened(&user("2", "Max\u{1b}[2J"));
        r.opened(&user("1", "Jane"));
        let ids: Vec<_> = r.iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(r.iter().nth(1).map(|u| u.name.as_str()), Some("Max␛[2J"));
        for i in 0..(MAX_SESSION + 10) {
            r.opened(&user(&i.to_string(), "x"));
        }
        assert_eq!(r.iter().count(), MAX_SESSION);
    }

    #[test]
    fn the_trail_adds_distinct_users_of_this_instance_after_the_session() {
        let mut r = RecentUsers::default();
        r.opened(&user("1", "Jane"));
        let mut v = HistoryView::new(&r);
        let here = "https://id.example.com";
        let tail = AuditTail {
            records: vec![
                line("7", 0, here),
                line("8", 1, "https://other.example.com"),
                line("1", 2, here),
                line("9", 3, here),
                line("7", 4, here),
            ],
            problems: Vec::new(),
            instance: here.into(),
        };
        v.add_trail(Ok(&tail));
        let ids: Vec<_> = v.rows.iter().map(|r| r.user_id.as_str()).collect();
        assert_eq!(
            ids,
            ["1", "7", "9"],
            "session first, then the trail newest first, once each"
        );
        assert_eq!(v.trail, Loading::Ready);
        assert_eq!(
            press(&mut v, KeyCode::Char('j')),
            HistoryRequest::View(ViewRequest::Changed)
        );
        press(&mut v, KeyCode::Down);
        assert_eq!(
            (v.selected, v.top),
            (2, 1),
            "scrolled to keep the selection in view"
        );
        assert_eq!(
            press(&mut v, KeyCode::Down),
            HistoryRequest::View(ViewRequest::Nothing)
        );
        assert_eq!(press(&mut v, KeyCode::Enter), HistoryRequest::Open("9".into()));
        assert_eq!(
            press(&mut v, KeyCode::Esc),
            HistoryRequest::View(ViewRequest::Close)
        );
    }

    #[test]
    fn an_unreadable_trail_leaves_the_session_part() {
        let mut r = RecentUsers::default();
        r.opened(&user("1", "Jane"));
        let mut v = HistoryView::new(&r);
        v.add_trail(Err("cannot read".into()));
        assert_eq!(v.rows.len(), 1);
        assert_eq!(v.trail, Loading::Failed("cannot read".into()));
        let mut empty = HistoryView::new(&RecentUsers::default());
        assert_eq!(
            press(&mut empty, KeyCode::Enter),
            HistoryRequest::View(ViewRequest::Nothing)
        );
    }
}
