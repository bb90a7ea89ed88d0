//! The search line: its text, the parse of that text (done once per change), the debounce
//! generations, and the keys that apply or clear it. Pure: the App turns what it asks for
//! into effects.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keys::{Binding, Key, Keymap};
use super::text_field::{self, Pasted};
use crate::api::local_filter::LocalFilter;
use crate::api::query::{MAX_SEARCH_CHARS, MatchMode, QueryError, names_orgs, parse_search_local};
use crate::api::wire::SearchQuery;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchAction {
    /// Back to the list, keeping (and sending, if due) the search.
    Apply,
    /// Empty the line and show all users again.
    Clear,
    /// Show the search syntax with examples.
    SyntaxHelp,
    /// Move the list's selection without leaving the line.
    Down,
    Up,
}

#[rustfmt::skip]
static BINDINGS: &[Binding<SearchAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: SearchAction::Apply, help: "back to the list, keep the search (one result: open it)", hint: Some("keep the search") },
    Binding { keys: &[Key::Code(KeyCode::Down)], label: "↓", action: SearchAction::Down, help: "next user, still typing", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Up)], label: "↑", action: SearchAction::Up, help: "previous user, still typing", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: SearchAction::Clear, help: "clear the search", hint: Some("clear the search") },
    Binding { keys: &[Key::Code(KeyCode::F(1))], label: "F1", action: SearchAction::SyntaxHelp, help: "search syntax with examples (also ? on an empty line)", hint: Some("syntax") },
];

/// Every other key is text for the line.
pub static KEYMAP: Keymap<SearchAction> = Keymap {
    name: "search",
    groups: &[BINDINGS],
};

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Nothing,
    /// Only the cursor moved.
    Cursor,
    /// The text changed and can be sent once the debounce for `generation` runs out.
    Due {
        generation: u64,
    },
    /// The text changed and cannot be understood: nothing will be sent for it.
    Refused,
}

#[derive(Debug, Default)]
pub struct SearchLine {
    pub input: Input,
    /// Why the text cannot be sent (shown inline, nothing is sent).
    pub error: Option<QueryError>,
    /// The text whose results the list shows.
    pub applied: String,
    /// The queries of `applied`, as sent.
    applied_queries: Vec<SearchQuery>,
    /// The local terms of `applied` (`verified:`, …), filtered by the console.
    applied_local: LocalFilter,
    /// The parse of the text as it stands, kept until it is applied.
    parsed: Vec<SearchQuery>,
    parsed_local: LocalFilter,
    /// Bumped on every change, so an older debounce is recognised.
    generation: u64,
    /// A change is waiting for its debounce.
    due: bool,
}

impl SearchLine {
    /// A key the keymap does not bind: text for the line.
    pub fn on_text_key(&mut self, ev: KeyEvent, mode: MatchMode) -> Edit {
        if text_field::overflows(&self.input, &ev, MAX_SEARCH_CHARS) {
            return Edit::Nothing;
        }
        match self.input.handle_event(&Event::Key(ev)) {
            Some(c) if c.value => self.changed(mode),
            Some(c) if c.cursor => Edit::Cursor,
            _ => Edit::Nothing,
        }
    }

    /// Pasted text (control characters already removed), inserted at the cursor in one step,
    /// up to [`MAX_SEARCH_CHARS`].
    pub fn paste(&mut self, text: &str, mode: MatchMode) -> (Edit, Pasted) {
        let pasted = text_field::paste(&mut self.input, text, MAX_SEARCH_CHARS);
        let edit = match pasted {
            Pasted::Nothing => Edit::Nothing,
            Pasted::Whole | Pasted::Cut => self.changed(mode),
        };
        (edit, pasted)
    }

    /// Empties the line. Returns whether a search was shown or typed (so all users must be
    /// listed again).
    pub fn clear(&mut self) -> bool {
        let had_text = !self.input.value().is_empty() || !self.applied.is_empty();
        self.input.reset();
        self.error = None;
        self.parsed.clear();
        self.parsed_local = LocalFilter::default();
        self.generation += 1;
        self.due = had_text;
        had_text
    }

    /// Whether the debounce of `generation` should send the text now.
    pub fn due_for(&self, generation: u64) -> bool {
        self.due && generation == self.generation
    }

    /// Whether a sound change waits to be sent.
    pub fn is_due(&self) -> bool {
        self.due && self.error.is_none()
    }

    /// Takes the text as the applied search (the caller lists its results from the first
    /// page). `false` when nothing is due or the text cannot be sent.
    pub fn apply(&mut self) -> bool {
        if !self.is_due() {
            return false;
        }
        self.due = false;
        self.applied = self.input.value().to_string();
        self.applied_queries = std::mem::take(&mut self.parsed);
        self.applied_local = std::mem::take(&mut self.parsed_local);
        true
    }

    /// The local terms of the search the list shows (empty: nothing to filter).
    pub fn local(&self) -> &LocalFilter {
        &self.applied_local
    }

    /// The queries of the search the list shows.
    pub fn queries(&self) -> &[SearchQuery] {
        &self.applied_queries
    }

    /// The text changed: parse it once, and wait for the debounce if it is sound.
    fn changed(&mut self, mode: MatchMode) -> Edit {
        self.generation += 1;
        match parse_search_local(self.input.value(), mode) {
            Err(e) => {
                self.error = Some(e);
                self.parsed.clear();
                self.parsed_local = LocalFilter::default();
                self.due = false;
                Edit::Refused
            }
            Ok(search) if names_orgs(&search.queries) => {
                self.error = Some(QueryError {
                    term: org_term(self.input.value()),
                    reason: super::messages::ORG_NAME_NOT_IN_CONSOLE.to_owned(),
                });
                self.parsed.clear();
                self.parsed_local = LocalFilter::default();
                self.due = false;
                Edit::Refused
            }
            Ok(search) => {
                self.error = None;
                self.parsed = search.queries;
                self.parsed_local = search.local;
                self.due = true;
                Edit::Due {
                    generation: self.generation,
                }
            }
        }
    }
}

/// The first `org:` term as typed, for the refusal.
fn org_term(input: &str) -> String {
    input
        .split_whitespace()
        .find(|t| t.trim_start_matches('-').to_ascii_lowercase().starts_with("org:"))
        .unwrap_or("org:")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn typed(line: &mut SearchLine, text: &str) -> Edit {
        let mut last = Edit::Nothing;
        for c in text.chars() {
            last = line.on_text_key(
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
                MatchMode::default(),
            );
        }
        last
    }

    #[test]
    fn q_is_text_here() {
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(KEYMAP.action(&q), None);
        let mut line = SearchLine::default();
        assert_eq!(typed(&mut line, "q"), Edit::Due { generation: 1 });
        assert_eq!(line.input.value(), "q");
    }

    #[test]
    fn only_the_newest_generation_is_due_and_applying_takes_the_parse() {
        let mut line = SearchLine::default();
        assert_eq!(typed(&mut line, "ja"), Edit::Due { generation: 2 });
        assert!(!line.due_for(1));
        assert!(line.due_for(2));
        assert!(line.apply());
        assert_eq!(line.applied, "ja");
        assert_eq!(line.queries().len(), 1);
        assert!(!line.apply(), "applied once");
    }

    #[test]
    fn a_refused_text_is_never_applied() {
        let mut line = SearchLine::default();
        assert_eq!(typed(&mut line, "colour:blue"), Edit::Refused);
        assert_eq!(line.error.as_ref().map(|e| e.term.as_str()), Some("colour:blue"));
        assert!(!line.apply());
        assert!(line.queries().is_empty());
    }

    #[test]
    fn an_org_name_is_refused_not_sent_as_an_id_but_an_org_id_is_taken() {
        let mut line = SearchLine::default();
        assert_eq!(typed(&mut line, "jane -org:initech"), Edit::Refused);
        let err = line.error.clone();
        assert_eq!(err.as_ref().map(|e| e.term.as_str()), Some("-org:initech"));
        assert!(err.is_some_and(|e| e.reason.contains("organisation's ID")));
        assert!(!line.apply());
        let mut line = SearchLine::default();
        assert!(matches!(
            typed(&mut line, "org:281465201463672835"),
            Edit::Due { .. }
        ));
        assert!(line.apply());
    }

    #[test]
    fn a_huge_paste_is_cut_to_the_limit_and_parsed_once() {
        let mut line = SearchLine::default();
        let huge = "wadda ".repeat(40_000);
        let (edit, pasted) = line.paste(&huge, MatchMode::default());
        assert_eq!(pasted, Pasted::Cut);
        assert_eq!(
            edit,
            Edit::Refused,
            "one change, one parse: too many terms to send"
        );
        assert_eq!(line.input.value().chars().count(), MAX_SEARCH_CHARS);
        assert_eq!(typed(&mut line, "x"), Edit::Nothing, "full: typing adds nothing");
    }

    #[test]
    fn clearing_is_due_only_when_there_was_a_search() {
        let mut line = SearchLine::default();
        assert!(!line.clear());
        assert!(!line.is_due());
        typed(&mut line, "x");
        assert!(line.apply());
        assert!(line.clear());
        assert!(line.apply(), "all users are listed again");
        assert!(line.queries().is_empty());
        assert_eq!(line.applied, "");
    }
}
