//! `:audit`: this machine's audit trail in the console, newest first, over the whole screen,
//! scrolled with j/k/PgUp/PgDn and filtered with `/` (a substring of any field). Only the
//! trail's newest [`AUDIT_VIEW_LINES`] lines are read (`AuditLog::read_last`), off the UI
//! thread (`Effect::ReadAuditTrail`); every field is sanitised as it arrives.

use crossterm::event::{Event, KeyCode, KeyEvent};
use jiff::Timestamp;
use ratatui::layout::Rect;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keys::{Binding, Key, Keymap};
use super::text_field::{self, Pasted};
use crate::audit::AuditRecord;
use crate::text::sanitize;

/// The most lines of the trail read for the view (and for `:history`).
pub const AUDIT_VIEW_LINES: usize = 1000;
/// The longest filter.
pub const MAX_FILTER_CHARS: usize = 200;

/// The trail's newest lines as the executor read them.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditTail {
    /// Oldest first, as stored.
    pub records: Vec<AuditRecord>,
    /// Lines that are not records (each named; `zitadesk audit` shows them too).
    pub problems: Vec<String>,
    /// The instance this console is connected to (as audited).
    pub instance: String,
}

/// Something read in the background for a view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loading {
    Reading,
    Ready,
    Failed(String),
}

/// One line of the trail, every field sanitised once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub time: Timestamp,
    pub action: String,
    /// The outcome, with ZITADEL's error id when there is one: `error (NOT_FOUND)`.
    pub outcome: String,
    pub user_id: String,
    /// Mode, address, operator, profile and instance host, for the row's rest.
    pub rest: String,
    /// Everything, lower case, for the filter.
    haystack: String,
}

impl AuditRow {
    fn from_record(r: &AuditRecord) -> AuditRow {
        let s = |v: &str| sanitize(v).into_owned();
        let outcome = match &r.error {
            Some(e) => format!("{} ({})", s(&r.outcome), s(e)),
            None => s(&r.outcome),
        };
        let host = r
            .instance
            .split_once("://")
            .map_or(r.instance.as_str(), |(_, h)| h)
            .trim_end_matches('/');
        let rest: Vec<String> = [
            Some(s(&r.mode)),
            r.email.as_deref().map(s),
            r.operator.as_deref().map(|o| format!("by {}", s(o))),
            r.profile.as_deref().map(|p| format!("profile {}", s(p))),
            Some(s(host)),
        ]
        .into_iter()
        .flatten()
        .filter(|v| !v.is_empty())
        .collect();
        let rest = rest.join(" · ");
        let action = s(&r.action);
        let user_id = s(&r.user_id);
        let haystack = format!(
            "{} {action} {outcome} {user_id} {rest} {}",
            r.time,
            r.url_template.as_deref().map(s).unwrap_or_default()
        )
        .to_lowercase();
        AuditRow {
            time: r.time,
            action,
            outcome,
            user_id,
            rest,
            haystack,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Filter,
    Close,
}

use AuditAction as A;

#[rustfmt::skip]
static BINDINGS: &[Binding<AuditAction>] = &[
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: A::Down, help: "scroll down", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: A::Up, help: "scroll up", hint: None },
    Binding { keys: &[Key::Code(KeyCode::PageDown)], label: "PgDn", action: A::PageDown, help: "page down", hint: None },
    Binding { keys: &[Key::Code(KeyCode::PageUp)], label: "PgUp", action: A::PageUp, help: "page up", hint: None },
    Binding { keys: &[Key::Char('g'), Key::Code(KeyCode::Home)], label: "g/Home", action: A::Top, help: "newest line", hint: None },
    Binding { keys: &[Key::Char('G'), Key::Code(KeyCode::End)], label: "G/End", action: A::Bottom, help: "oldest line", hint: None },
    Binding { keys: &[Key::Char('/')], label: "/", action: A::Filter, help: "filter (any field)", hint: Some("filter") },
    Binding { keys: &[Key::Code(KeyCode::Esc), Key::Char('q')], label: "Esc/q", action: A::Close, help: "back", hint: Some("back") },
];

pub static KEYMAP: Keymap<AuditAction> = Keymap {
    name: "audit trail",
    groups: &[BINDINGS],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterAction {
    Keep,
    Clear,
}

#[rustfmt::skip]
static FILTER_BINDINGS: &[Binding<FilterAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: FilterAction::Keep, help: "keep the filter", hint: Some("keep") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: FilterAction::Clear, help: "clear the filter", hint: Some("clear") },
];

/// While typing the filter; every other key is text.
pub static FILTER_KEYMAP: Keymap<FilterAction> = Keymap {
    name: "audit trail filter",
    groups: &[FILTER_BINDINGS],
};

/// What a key asks of the App.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewRequest {
    Nothing,
    Changed,
    Close,
}

/// Rows of lines the view shows at once on `screen` (the border, the filter row and the
/// column titles take four).
pub fn body_rows(screen: Rect) -> usize {
    usize::from(screen.height.saturating_sub(4))
}

#[derive(Debug)]
pub struct AuditView {
    pub load: Loading,
    /// Newest first.
    rows: Vec<AuditRow>,
    /// Indices into `rows` of those the filter keeps.
    shown: Vec<usize>,
    pub filter: Input,
    pub typing: bool,
    /// The first shown line on screen.
    pub top: usize,
    /// Lines of the trail that are not records.
    pub problems: usize,
}

impl AuditView {
    pub fn reading() -> AuditView {
        AuditView {
            load: Loading::Reading,
            rows: Vec::new(),
            shown: Vec::new(),
            filter: Input::default(),
            typing: false,
            top: 0,
            problems: 0,
        }
    }

    pub fn fill(&mut self, result: Result<&AuditTail, String>) {
        match result {
            Ok(tail) => {
                self.rows = tail.records.iter().rev().map(AuditRow::from_record).collect();
                self.problems = tail.problems.len();
                self.load = Loading::Ready;
                self.refilter();
            }
            Err(e) => self.load = Loading::Failed(e),
        }
    }

    /// The lines the filter keeps, newest first.
    pub fn shown(&self) -> impl Iterator<Item = &AuditRow> {
        self.shown.iter().filter_map(|&i| self.rows.get(i))
    }

    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    pub fn total(&self) -> usize {
        self.rows.len()
    }

    pub fn keymap(&self) -> &'static dyn super::keys::KeyHelp {
        if self.typing { &FILTER_KEYMAP } else { &KEYMAP }
    }

    pub fn on_key(&mut self, ev: KeyEvent, page: usize) -> ViewRequest {
        if self.typing {
            return self.on_filter_key(ev);
        }
        let last = self.shown.len().saturating_sub(page.max(1));
        let before = self.top;
        match KEYMAP.action(&ev) {
            None => return ViewRequest::Nothing,
            Some(A::Close) => return ViewRequest::Close,
            Some(A::Filter) => {
                self.typing = true;
                return ViewRequest::Changed;
            }
            Some(A::Down) => self.top = (self.top + 1).min(last),
            Some(A::Up) => self.top = self.top.saturating_sub(1),
            Some(A::PageDown) => self.top = (self.top + page.max(1)).min(last),
            Some(A::PageUp) => self.top = self.top.saturating_sub(page.max(1)),
            Some(A::Top) => self.top = 0,
            Some(A::Bottom) => self.top = last,
        }
        if self.top == before {
            ViewRequest::Nothing
        } else {
            ViewRequest::Changed
        }
    }

    fn on_filter_key(&mut self, ev: KeyEvent) -> ViewRequest {
        match FILTER_KEYMAP.action(&ev) {
            Some(FilterAction::Keep) => {
                self.typing = false;
                ViewRequest::Changed
            }
            Some(FilterAction::Clear) => {
                self.typing = false;
                self.filter.reset();
                self.refilter();
                ViewRequest::Changed
            }
            None => {
                if text_field::overflows(&self.filter, &ev, MAX_FILTER_CHARS) {
                    return ViewRequest::Nothing;
                }
                match self.filter.handle_event(&Event::Key(ev)) {
                    Some(c) if c.value => {
                        self.refilter();
                        ViewRequest::Changed
                    }
                    Some(c) if c.cursor => ViewRequest::Changed,
                    _ => ViewRequest::Nothing,
                }
            }
        }
    }

    /// Pasted text goes into the filter while it is typed.
    pub fn paste(&mut self, text: &str) -> Option<Pasted> {
        if !self.typing {
            return None;
        }
        let pasted = text_field::paste(&mut self.filter, text, MAX_FILTER_CHARS);
        self.refilter();
        Some(pasted)
    }

    fn refilter(&mut self) {
        let needle = self.filter.value().trim().to_lowercase();
        self.shown = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| needle.is_empty() || r.haystack.contains(&needle))
            .map(|(i, _)| i)
            .collect();
        self.top = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    pub(crate) fn record(user: &str, secs: i64, action: &str, outcome: &str) -> AuditRecord {
        AuditRecord {
            time: Timestamp::from_second(1_764_000_000 + secs).unwrap_or_default(),
            instance: "https://id.example.com".into(),
            profile: None,
            operator: None,
            user_id: user.into(),
            action: action.into(),
            mode: "send".into(),
            url_template: None,
            email: None,
            outcome: outcome.into(),
            error: None,
            sequence: None,
        }
    }

    fn tail(records: Vec<AuditRecord>) -> AuditTail {
        AuditTail {
            records,
            problems: Vec::new(),
            instance: "https://id.example.com".into(),
        }
    }

    fn press(v: &mut AuditView, code: KeyCode) -> ViewRequest {
        v.on_key(KeyEvent::new(code, KeyModifiers::NONE), 2)
    }

    fn ids(v: &AuditView) -> Vec<&str> {
        v.shown().map(|r| r.user_id.as_str()).collect()
    }

    #[test]
    fn newest_first_and_every_field_sanitised() {
        let mut evil = record("u\u{1b}[2J", 2, "resend\u{202e}", "error");
        evil.error = Some("NOT\u{7}FOUND".into());
        evil.operator = Some("eve\u{9b}31m".into());
        let mut v = AuditView::reading();
        v.fill(Ok(&tail(vec![record("1", 0, "unlock", "ok"), evil])));
        assert_eq!(v.load, Loading::Ready);
        let first = v.shown().next().cloned();
        let first = first.unwrap_or_else(|| AuditRow::from_record(&record("", 0, "", "")));
        assert_eq!(first.user_id, "u␛[2J");
        for field in [&first.action, &first.outcome, &first.rest, &first.user_id] {
            assert!(
                field.chars().all(|c| !c.is_control() && c != '\u{202e}'),
                "{field:?}"
            );
        }
        assert_eq!(ids(&v)[1], "1");
    }

    #[test]
    fn the_filter_keeps_lines_with_the_text_in_any_field() {
        let mut v = AuditView::reading();
        let mut mailed = record("3", 3, "set-email", "ok");
        mailed.email = Some("Jane@Acme.example".into());
        v.fill(Ok(&tail(vec![
            record("1", 1, "unlock", "ok"),
            record("2", 2, "resend", "unknown"),
            mailed,
        ])));
        assert_eq!(press(&mut v, KeyCode::Char('/')), ViewRequest::Changed);
        for c in "jane@".chars() {
            press(&mut v, KeyCode::Char(c));
        }
        assert_eq!(ids(&v), ["3"], "case ignored, the address searched");
        press(&mut v, KeyCode::Enter);
        assert!(!v.typing);
        assert_eq!(ids(&v), ["3"], "Enter keeps the filter");
        press(&mut v, KeyCode::Char('/'));
        for _ in 0..5 {
            press(&mut v, KeyCode::Backspace);
        }
        for c in "UNKNOWN".chars() {
            press(&mut v, KeyCode::Char(c));
        }
        assert_eq!(ids(&v), ["2"]);
        press(&mut v, KeyCode::Esc);
        assert_eq!(ids(&v), ["3", "2", "1"], "Esc clears the filter");
        assert_eq!(press(&mut v, KeyCode::Esc), ViewRequest::Close);
    }

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut v = AuditView::reading();
        v.fill(Ok(&tail(
            (0..5)
                .map(|i| record(&i.to_string(), i, "unlock", "ok"))
                .collect(),
        )));
        assert_eq!(press(&mut v, KeyCode::Char('k')), ViewRequest::Nothing);
        press(&mut v, KeyCode::Char('j'));
        assert_eq!(v.top, 1);
        press(&mut v, KeyCode::PageDown);
        assert_eq!(v.top, 3, "the last page fills the screen (2 rows)");
        assert_eq!(press(&mut v, KeyCode::PageDown), ViewRequest::Nothing);
        press(&mut v, KeyCode::Char('g'));
        assert_eq!(v.top, 0);
        press(&mut v, KeyCode::End);
        assert_eq!(v.top, 3);
        press(&mut v, KeyCode::PageUp);
        assert_eq!(v.top, 1);
    }

    #[test]
    fn a_failed_read_is_kept_to_be_shown() {
        let mut v = AuditView::reading();
        v.fill(Err("cannot read the audit file".into()));
        assert_eq!(v.load, Loading::Failed("cannot read the audit file".into()));
    }
}
