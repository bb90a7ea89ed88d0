//! The search line: its text, the parse of that text (done once per change), the debounce
//! generations, and the keys that apply or clear it. Pure: the App turns what it asks for
//! into effects.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keys::{Binding, Key, Keymap};
use super::text_field::{self, Pasted};
use crate::api::local_filter::LocalFilter;
use crate::api::orgs::OrgDirectory;
use crate::api::query::{
    MAX_SEARCH_CHARS, MatchMode, QueryError, names_orgs, parse_search_local, resolve_orgs,
};
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
    /// The parse names an organisation (`org:initech`) not yet turned into IDs: it cannot
    /// be sent until the organisation directory resolves it.
    awaits_orgs: bool,
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
        self.awaits_orgs = false;
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
        if !self.is_due() || self.awaits_orgs {
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

    /// The parse names an organisation still to be resolved (see [`SearchLine::resolve_orgs`]).
    pub fn awaits_orgs(&self) -> bool {
        self.awaits_orgs
    }

    /// The line's text has an `org:` term (so a new organisation directory may change what
    /// it means).
    pub fn names_an_org(&self) -> bool {
        self.input
            .value()
            .split_whitespace()
            .any(|t| t.trim_start_matches('-').to_ascii_lowercase().starts_with("org:"))
    }

    /// Turns the organisation names of the parse into IDs. `false` when the text is refused
    /// (an unknown or ambiguous name: the error names the candidates).
    pub fn resolve_orgs(&mut self, orgs: &OrgDirectory) -> bool {
        if !self.awaits_orgs {
            return self.error.is_none();
        }
        self.awaits_orgs = false;
        match resolve_orgs(std::mem::take(&mut self.parsed), orgs) {
            Ok(queries) => {
                self.parsed = queries;
                true
            }
            Err(e) => {
                self.refuse(e);
                false
            }
        }
    }

    /// The organisation names cannot be resolved (`reason`: the directory could not be read).
    pub fn refuse_org_names(&mut self, reason: String) {
        if !std::mem::take(&mut self.awaits_orgs) {
            return;
        }
        let term = org_term(self.input.value());
        self.refuse(QueryError { term, reason });
    }

    /// Parses the text again, as if it had just changed (the organisation directory did).
    pub fn reparse(&mut self, mode: MatchMode) -> Edit {
        self.changed(mode)
    }

    /// Nothing will be sent for the text, for the reason `e`.
    fn refuse(&mut self, e: QueryError) {
        self.error = Some(e);
        self.parsed.clear();
        self.parsed_local = LocalFilter::default();
        self.awaits_orgs = false;
        self.due = false;
    }

    /// The text changed: parse it once, and wait for the debounce if it is sound. A name
    /// after `org:` is kept for the App to resolve with the organisation directory.
    fn changed(&mut self, mode: MatchMode) -> Edit {
        self.generation += 1;
        match parse_search_local(self.input.value(), mode) {
            Err(e) => {
                self.refuse(e);
                Edit::Refused
            }
            Ok(search) => {
                self.error = None;
                self.awaits_orgs = names_orgs(&search.queries);
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

    fn orgs() -> OrgDirectory {
        use crate::api::orgs::Organization;
        let org = |id: &str, name: &str| Organization {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        };
        OrgDirectory::from_orgs(
            [
                org("1", "Initech"),
                org("2", "Globex"),
                org("3", "Globex Research"),
            ],
            false,
        )
    }

    #[test]
    fn an_org_name_waits_for_the_directory_then_is_sent_as_its_id() {
        let mut line = SearchLine::default();
        assert_eq!(
            typed(&mut line, "jane -org:initech"),
            Edit::Due { generation: 17 }
        );
        assert!(line.awaits_orgs() && line.names_an_org());
        assert!(!line.apply(), "a name is never sent as an ID");
        assert!(line.resolve_orgs(&orgs()));
        assert!(line.apply());
        let sent = serde_json::to_value(line.queries()).unwrap_or_default();
        assert_eq!(
            sent[1],
            serde_json::json!({"notQuery": {"query": {"organizationIdQuery": {"organizationId": "1"}}}})
        );
    }

    #[test]
    fn an_ambiguous_org_name_is_refused_naming_the_candidates() {
        let mut line = SearchLine::default();
        typed(&mut line, "org:glob");
        assert!(!line.resolve_orgs(&orgs()));
        let err = line.error.clone().map(|e| (e.term, e.reason)).unwrap_or_default();
        assert_eq!(err.0, "org:glob");
        assert!(
            err.1.contains("Globex (2)") && err.1.contains("Globex Research (3)"),
            "{err:?}"
        );
        assert!(!line.apply() && !line.is_due());
    }

    #[test]
    fn unreadable_names_refuse_the_name_but_an_org_id_needs_no_directory() {
        let mut line = SearchLine::default();
        typed(&mut line, "jane org:initech");
        line.refuse_org_names("names could not be read".into());
        let err = line.error.clone();
        assert_eq!(err.as_ref().map(|e| e.term.as_str()), Some("org:initech"));
        assert!(!line.apply());
        assert!(matches!(line.reparse(MatchMode::default()), Edit::Due { .. }));
        assert!(line.awaits_orgs(), "parsed again, the name waits again");
        let mut line = SearchLine::default();
        assert!(matches!(
            typed(&mut line, "org:281465201463672835"),
            Edit::Due { .. }
        ));
        assert!(!line.awaits_orgs());
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
