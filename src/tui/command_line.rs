//! The command line (`:`, as in k9s): the commands it knows, how a typed line reads, Tab
//! completion of command names and their arguments, and the line's own state and keys. Pure:
//! the App carries a command out (`app/commands.rs`).

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keys::{Binding, Key, Keymap};
use super::messages;
use super::text_field::{self, Pasted};
use crate::api::orgs::OrgEntry;
use crate::api::wire::UserFieldName;

/// The longest command line (an email address or an organisation name fits many times).
pub const MAX_COMMAND_CHARS: usize = 512;
/// Completion candidates kept for the rows above the line.
pub const MAX_CANDIDATES: usize = 40;

/// What Tab offers after a command's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Completes {
    Nothing,
    Profiles,
    Orgs,
    SortColumns,
}

/// One command of the table.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    /// The name Tab completes to; `aliases` are taken as well.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// How `:help` writes it, argument included.
    pub usage: &'static str,
    pub help: &'static str,
    /// What the argument is, when the command needs one.
    pub argument: Option<&'static str>,
    completes: Completes,
}

/// Every command, in the order `:help` lists them.
#[rustfmt::skip]
pub static COMMANDS: &[Spec] = &[
    Spec { name: "user", aliases: &[], usage: "user ID|EMAIL|LOGIN", help: "open a user (an email or login name must match exactly one)", argument: Some("a user ID, email address or login name"), completes: Completes::Nothing },
    Spec { name: "org", aliases: &[], usage: "org NAME|DOMAIN|ID", help: "list an organisation's users (the search org:…)", argument: Some("an organisation's name, domain or ID"), completes: Completes::Orgs },
    Spec { name: "profile", aliases: &[], usage: "profile NAME", help: "switch to another profile (reconnects)", argument: Some("a profile's name"), completes: Completes::Profiles },
    Spec { name: "sort", aliases: &[], usage: "sort COLUMN [asc|desc]", help: "sort the list by a column", argument: Some("a column"), completes: Completes::SortColumns },
    Spec { name: "audit", aliases: &[], usage: "audit", help: "this machine's audit trail, newest first", argument: None, completes: Completes::Nothing },
    Spec { name: "history", aliases: &[], usage: "history", help: "users opened recently (Enter opens one)", argument: None, completes: Completes::Nothing },
    Spec { name: "help", aliases: &[], usage: "help", help: "this list", argument: None, completes: Completes::Nothing },
    Spec { name: "quit", aliases: &["q"], usage: "q, quit", help: "quit", argument: None, completes: Completes::Nothing },
];

/// A command as typed, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// An ID, email address or login name (see `api::user_lookup::UserRef`).
    User(String),
    Org(String),
    Profile(String),
    /// `ascending: None` keeps the direction in force.
    Sort {
        column: UserFieldName,
        ascending: Option<bool>,
    },
    Audit,
    History,
    Help,
    Quit,
}

/// Why a line is not a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    Empty,
    Unknown(String),
    NeedsArgument(&'static Spec),
    TakesNoArgument(&'static Spec),
    /// The sort named no column; the reason as `sort::parse_order` words it.
    Sort(String),
}

fn spec(word: &str) -> Option<&'static Spec> {
    let word = word.to_lowercase();
    COMMANDS
        .iter()
        .find(|s| s.name == word || s.aliases.contains(&word.as_str()))
}

/// Reads a line (without the `:`; a typed one is tolerated).
pub fn parse(text: &str) -> Result<Command, CommandError> {
    let text = text.trim();
    let text = text.strip_prefix(':').unwrap_or(text).trim_start();
    let (word, arg) = match text.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (text, ""),
    };
    if word.is_empty() {
        return Err(CommandError::Empty);
    }
    let spec = spec(word).ok_or_else(|| CommandError::Unknown(word.to_owned()))?;
    match (spec.argument, arg.is_empty()) {
        (Some(_), true) => return Err(CommandError::NeedsArgument(spec)),
        (None, false) => return Err(CommandError::TakesNoArgument(spec)),
        _ => {}
    }
    Ok(match spec.name {
        "user" => Command::User(arg.to_owned()),
        "org" => Command::Org(arg.to_owned()),
        "profile" => Command::Profile(arg.to_owned()),
        "sort" => {
            let (column, ascending) = sort_argument(arg)?;
            Command::Sort { column, ascending }
        }
        "audit" => Command::Audit,
        "history" => Command::History,
        "help" => Command::Help,
        _ => Command::Quit,
    })
}

/// `COLUMN [asc|desc]`, read as the sort picker's columns are named (`sort::parse_order`).
fn sort_argument(arg: &str) -> Result<(UserFieldName, Option<bool>), CommandError> {
    super::sort::parse_order(arg).map_err(CommandError::Sort)
}

/// What completion draws on besides the table.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub profiles: &'a [String],
    pub orgs: &'a [OrgEntry],
}

/// What Tab did: the line's new text (when it changed), and the choices left.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub text: Option<String>,
    pub candidates: Vec<String>,
}

/// Completes the command name, or else the argument of the command typed.
pub fn complete(text: &str, sources: Sources<'_>) -> Completion {
    let text = text.trim_start();
    match text.split_once(char::is_whitespace) {
        None => complete_name(text),
        Some((word, rest)) => match spec(word) {
            Some(spec) => complete_argument(spec, rest.trim_start(), sources),
            None => Completion::default(),
        },
    }
}

fn complete_name(typed: &str) -> Completion {
    let lower = typed.to_lowercase();
    let matches: Vec<&Spec> = COMMANDS.iter().filter(|s| s.name.starts_with(&lower)).collect();
    match matches.as_slice() {
        [] => Completion::default(),
        [one] => Completion {
            text: Some(format!(
                "{}{}",
                one.name,
                if one.argument.is_some() { " " } else { "" }
            )),
            candidates: Vec::new(),
        },
        many => {
            let names: Vec<&str> = many.iter().map(|s| s.name).collect();
            let common = common_prefix(&names);
            Completion {
                text: (common.len() > lower.len()).then_some(common),
                candidates: many.iter().map(|s| s.usage.to_owned()).collect(),
            }
        }
    }
}

fn complete_argument(spec: &Spec, typed: &str, sources: Sources<'_>) -> Completion {
    let lower = typed.to_lowercase();
    let (pool, then_space): (Vec<String>, bool) = match spec.completes {
        Completes::Nothing => return Completion::default(),
        Completes::Profiles => (sources.profiles.to_vec(), false),
        Completes::Orgs => {
            let mut names: Vec<String> = sources
                .orgs
                .iter()
                .map(|o| o.name.clone())
                .filter(|n| !n.is_empty())
                .collect();
            names.sort_by_key(|n| n.to_lowercase());
            names.dedup();
            (names, false)
        }
        Completes::SortColumns => {
            let names = super::sort::COLUMNS.iter().map(|(_, n)| *n);
            match names.clone().find(|n| lower.starts_with(&format!("{n} "))) {
                // A whole column typed: the direction.
                Some(column) => (
                    ["asc", "desc"].iter().map(|d| format!("{column} {d}")).collect(),
                    false,
                ),
                None => (names.map(str::to_owned).collect(), true),
            }
        }
    };
    let matches: Vec<&String> = pool
        .iter()
        .filter(|p| p.to_lowercase().starts_with(&lower))
        .collect();
    match matches.as_slice() {
        [] => Completion::default(),
        [one] => Completion {
            text: Some(format!(
                "{} {one}{}",
                spec.name,
                if then_space { " " } else { "" }
            )),
            candidates: Vec::new(),
        },
        many => {
            let strs: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            let common = common_prefix(&strs);
            Completion {
                text: (common.chars().count() > typed.chars().count())
                    .then(|| format!("{} {common}", spec.name)),
                candidates: many.iter().take(MAX_CANDIDATES).map(|s| (*s).clone()).collect(),
            }
        }
    }
}

/// The longest start the strings share, ignoring case (written as the first one has it).
fn common_prefix(items: &[&str]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut end = first.len();
    for other in &items[1..] {
        let shared = first
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a.to_lowercase().eq(b.to_lowercase()))
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
        end = end.min(shared);
    }
    first[..end].to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineAction {
    Run,
    Complete,
    Close,
}

#[rustfmt::skip]
static BINDINGS: &[Binding<LineAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Tab)], label: "Tab", action: LineAction::Complete, help: "complete the command or its argument", hint: Some("complete") },
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: LineAction::Run, help: "run the command", hint: Some("run") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: LineAction::Close, help: "close the command line", hint: Some("close") },
];

/// Every other key is text for the line.
pub static KEYMAP: Keymap<LineAction> = Keymap {
    name: "command line",
    groups: &[BINDINGS],
};

/// What the rows above the line say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub lines: Vec<String>,
    pub error: bool,
}

/// What the line asks of the App.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineRequest {
    Nothing,
    Changed,
    Close,
    Run(Command),
}

#[derive(Debug, Default)]
pub struct CommandLine {
    pub input: Input,
    /// Completion choices, the command list, or why the line did not run.
    pub note: Option<Note>,
}

impl CommandLine {
    pub fn on_key(&mut self, ev: KeyEvent, sources: Sources<'_>) -> LineRequest {
        match KEYMAP.action(&ev) {
            Some(LineAction::Close) => LineRequest::Close,
            Some(LineAction::Complete) => {
                let done = complete(self.input.value(), sources);
                let completed = done.text.is_some();
                if let Some(text) = done.text {
                    self.input = Input::new(text);
                }
                self.note = if !done.candidates.is_empty() {
                    Some(Note {
                        lines: vec![done.candidates.join(" · ")],
                        error: false,
                    })
                } else if completed {
                    None
                } else {
                    Some(Note {
                        lines: vec![messages::no_completion(self.input.value())],
                        error: false,
                    })
                };
                LineRequest::Changed
            }
            Some(LineAction::Run) => match parse(self.input.value()) {
                Ok(Command::Help) => {
                    self.input.reset();
                    self.note = Some(Note {
                        lines: messages::command_list(),
                        error: false,
                    });
                    LineRequest::Changed
                }
                Ok(command) => LineRequest::Run(command),
                Err(CommandError::Empty) => LineRequest::Close,
                Err(e) => {
                    self.fail(vec![messages::command_error(&e)]);
                    LineRequest::Changed
                }
            },
            None => {
                if ev.code == KeyCode::Backspace && self.input.value().is_empty() {
                    return LineRequest::Close;
                }
                if text_field::overflows(&self.input, &ev, MAX_COMMAND_CHARS) {
                    return LineRequest::Nothing;
                }
                match self.input.handle_event(&Event::Key(ev)) {
                    Some(c) if c.value => {
                        // The text is being fixed: the old note no longer fits it.
                        self.note = None;
                        LineRequest::Changed
                    }
                    Some(c) if c.cursor => LineRequest::Changed,
                    _ => LineRequest::Nothing,
                }
            }
        }
    }

    /// Pasted text (control characters already removed), at the cursor.
    pub fn paste(&mut self, text: &str) -> Pasted {
        let pasted = text_field::paste(&mut self.input, text, MAX_COMMAND_CHARS);
        if pasted != Pasted::Nothing {
            self.note = None;
        }
        pasted
    }

    /// The command could not run: says why above the line, keeping the text to be fixed.
    pub fn fail(&mut self, lines: Vec<String>) {
        self.note = Some(Note { lines, error: true });
    }

    /// Says something that is not an error (a lookup on its way).
    pub fn say(&mut self, line: String) {
        self.note = Some(Note {
            lines: vec![line],
            error: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    const NONE: Sources<'static> = Sources {
        profiles: &[],
        orgs: &[],
    };

    fn press(line: &mut CommandLine, code: KeyCode, sources: Sources<'_>) -> LineRequest {
        line.on_key(KeyEvent::new(code, KeyModifiers::NONE), sources)
    }

    fn typed(text: &str) -> CommandLine {
        let mut line = CommandLine::default();
        for c in text.chars() {
            press(&mut line, KeyCode::Char(c), NONE);
        }
        line
    }

    #[test]
    fn commands_and_their_arguments_are_read() {
        assert_eq!(
            parse("user jane@acme.example"),
            Ok(Command::User("jane@acme.example".into()))
        );
        assert_eq!(
            parse(" :org  Initech Corp "),
            Ok(Command::Org("Initech Corp".into()))
        );
        assert_eq!(parse("profile globex"), Ok(Command::Profile("globex".into())));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("QUIT"), Ok(Command::Quit));
        assert_eq!(parse("audit"), Ok(Command::Audit));
        assert_eq!(parse("history"), Ok(Command::History));
        assert_eq!(parse("help"), Ok(Command::Help));
        assert_eq!(parse("   "), Err(CommandError::Empty));
        assert_eq!(
            parse("frobnicate x"),
            Err(CommandError::Unknown("frobnicate".into()))
        );
        assert!(matches!(parse("user"), Err(CommandError::NeedsArgument(s)) if s.name == "user"));
        assert!(matches!(parse("audit now"), Err(CommandError::TakesNoArgument(s)) if s.name == "audit"));
    }

    #[test]
    fn sort_takes_a_column_as_s_names_it_and_an_optional_direction() {
        assert_eq!(
            parse("sort email"),
            Ok(Command::Sort {
                column: UserFieldName::Email,
                ascending: None
            })
        );
        assert_eq!(
            parse("sort creation date desc"),
            Ok(Command::Sort {
                column: UserFieldName::CreationDate,
                ascending: Some(false)
            })
        );
        assert_eq!(
            parse("sort Created ASC"),
            Ok(Command::Sort {
                column: UserFieldName::CreationDate,
                ascending: Some(true)
            })
        );
        assert_eq!(
            parse("sort colour"),
            Err(CommandError::Sort(crate::tui::messages::sort_unknown("colour")))
        );
        assert_eq!(
            parse("sort desc"),
            Err(CommandError::Sort(crate::tui::messages::sort_needs_column()))
        );
    }

    #[test]
    fn tab_completes_a_command_name_or_lists_the_choices() {
        assert_eq!(complete("pro", NONE).text.as_deref(), Some("profile "));
        assert_eq!(
            complete("au", NONE).text.as_deref(),
            Some("audit"),
            "no argument: no space"
        );
        let h = complete("h", NONE);
        assert_eq!(h.text, None, "history and help share only the h");
        assert_eq!(h.candidates, ["history", "help"]);
        let all = complete("", NONE);
        assert_eq!(
            all.candidates.len(),
            COMMANDS.len(),
            "Tab on an empty line lists them all"
        );
        assert!(all.candidates.contains(&"user ID|EMAIL|LOGIN".to_string()));
        assert_eq!(complete("zz", NONE), Completion::default());
    }

    #[test]
    fn tab_completes_profiles_orgs_and_columns() {
        let profiles = vec!["acme".to_string(), "acme-staging".into(), "globex".into()];
        let orgs = vec![
            OrgEntry {
                id: "1".into(),
                name: "Initech".into(),
                primary_domain: "initech.example".into(),
            },
            OrgEntry {
                id: "2".into(),
                name: "Initrode".into(),
                primary_domain: String::new(),
            },
        ];
        let src = Sources {
            profiles: &profiles,
            orgs: &orgs,
        };
        assert_eq!(complete("profile g", src).text.as_deref(), Some("profile globex"));
        let a = complete("profile a", src);
        assert_eq!(a.text.as_deref(), Some("profile acme"));
        assert_eq!(a.candidates, ["acme", "acme-staging"]);
        let i = complete("org ini", src);
        assert_eq!(
            i.text.as_deref(),
            Some("org Init"),
            "the shared start, in the names' case"
        );
        assert_eq!(i.candidates, ["Initech", "Initrode"]);
        assert_eq!(complete("org initr", src).text.as_deref(), Some("org Initrode"));
        assert_eq!(
            complete("sort cr", src).text.as_deref(),
            Some("sort creation date ")
        );
        let dir = complete("sort creation date ", src);
        assert_eq!(dir.candidates, ["creation date asc", "creation date desc"]);
        assert_eq!(
            complete("sort email d", src).text.as_deref(),
            Some("sort email desc")
        );
        assert_eq!(
            complete("user ja", src),
            Completion::default(),
            "users are not guessed"
        );
    }

    #[test]
    fn an_error_keeps_the_text_and_typing_clears_the_error() {
        let mut line = typed("frob");
        assert_eq!(press(&mut line, KeyCode::Enter, NONE), LineRequest::Changed);
        assert_eq!(line.input.value(), "frob", "bad input loses nothing");
        let note = line.note.clone().unwrap_or_else(|| Note {
            lines: Vec::new(),
            error: false,
        });
        assert!(note.error);
        assert!(
            note.lines[0].contains(":user") && note.lines[0].contains(":audit"),
            "{note:?}"
        );
        press(&mut line, KeyCode::Backspace, NONE);
        assert_eq!(line.note, None);
        assert_eq!(line.input.value(), "fro");
    }

    #[test]
    fn enter_runs_help_lists_esc_and_backspace_on_empty_close() {
        let mut line = typed("q");
        assert_eq!(
            press(&mut line, KeyCode::Enter, NONE),
            LineRequest::Run(Command::Quit)
        );
        let mut line = typed("help");
        assert_eq!(press(&mut line, KeyCode::Enter, NONE), LineRequest::Changed);
        assert_eq!(line.input.value(), "", "ready for the command");
        assert_eq!(line.note.as_ref().map(|n| n.lines.len()), Some(COMMANDS.len()));
        assert_eq!(press(&mut line, KeyCode::Backspace, NONE), LineRequest::Close);
        let mut line = typed("user x");
        assert_eq!(press(&mut line, KeyCode::Esc, NONE), LineRequest::Close);
        let mut line = CommandLine::default();
        assert_eq!(press(&mut line, KeyCode::Enter, NONE), LineRequest::Close);
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(KEYMAP.action(&q), None, "q is text here");
    }

    #[test]
    fn a_paste_is_capped() {
        let mut line = CommandLine::default();
        assert_eq!(line.paste(&"x".repeat(MAX_COMMAND_CHARS + 5)), Pasted::Cut);
        assert_eq!(line.input.value().chars().count(), MAX_COMMAND_CHARS);
    }
}
