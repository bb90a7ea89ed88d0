//! The App's side of the command line (`:`) and of the views it opens (`:audit`,
//! `:history`): carrying a command out, the answers it waits for, and who has the keyboard.
//! Kept beside `app.rs`, which only calls in here.

use crossterm::event::KeyEvent;

use super::App;
use crate::api::ApiError;
use crate::api::query::ListSort;
use crate::api::user_lookup::{Lookup, UserRef, exact_user_request, pick};
use crate::api::wire::ListUsersResponse;
use crate::tui::audit_view::{self, AuditTail, AuditView, ViewRequest};
use crate::tui::browse::Mode;
use crate::tui::command_line::{Command, CommandLine, LineRequest, Sources};
use crate::tui::keys::KeyHelp;
use crate::tui::messages;
use crate::tui::msg::{Effect, RequestId};
use crate::tui::recent::{self, HistoryRequest, HistoryView, RecentUsers};
use crate::tui::search_line::{Edit, SearchLine};
use crate::tui::text_field::Pasted;

/// A view over the whole screen, opened from the command line.
#[derive(Debug)]
pub enum FullView {
    Audit(AuditView),
    History(HistoryView),
}

/// The command line, the view it opened, and what they wait for.
#[derive(Debug, Default)]
pub struct Commands {
    /// The command line, when open (it has the keyboard).
    pub line: Option<CommandLine>,
    /// `:audit` or `:history`, when open (it has the keyboard).
    pub view: Option<FullView>,
    /// The users opened this session, for `:history`.
    pub recent: RecentUsers,
    /// The `:user` lookup on its way.
    lookup: Option<RequestId>,
    /// The audit trail read on its way.
    trail: Option<RequestId>,
}

impl Commands {
    /// A lookup or a read of the trail is on its way.
    pub fn busy(&self) -> bool {
        self.lookup.is_some() || self.trail.is_some()
    }

    /// The keymap of whichever has the keyboard.
    pub fn keymap(&self) -> Option<&'static dyn KeyHelp> {
        if self.line.is_some() {
            return Some(&crate::tui::command_line::KEYMAP);
        }
        match &self.view {
            Some(FullView::Audit(v)) => Some(v.keymap()),
            Some(FullView::History(_)) => Some(&recent::KEYMAP),
            None => None,
        }
    }

    fn close_line(&mut self) {
        self.line = None;
        self.lookup = None;
    }
}

impl App {
    /// `:` in the list or the detail.
    pub(super) fn open_command_line(&mut self) -> (bool, Vec<crate::tui::msg::Effect>) {
        self.commands.line = Some(CommandLine::default());
        (true, Vec::new())
    }

    /// A key for the command line or a full-screen view, if one is open.
    pub(super) fn on_command_key(&mut self, ev: KeyEvent) -> Option<(bool, Vec<Effect>)> {
        if let Some(line) = self.commands.line.as_mut() {
            let sources = Sources {
                profiles: &self.connection.profiles,
                orgs: self.orgs.entries(),
            };
            return Some(match line.on_key(ev, sources) {
                LineRequest::Nothing => (false, Vec::new()),
                LineRequest::Changed => (true, Vec::new()),
                LineRequest::Close => {
                    self.commands.close_line();
                    (true, Vec::new())
                }
                LineRequest::Run(command) => self.run_command(command),
            });
        }
        let screen = self.screen;
        let request = match self.commands.view.as_mut()? {
            FullView::Audit(v) => v.on_key(ev, audit_view::body_rows(screen)),
            FullView::History(v) => match v.on_key(&ev, recent::body_rows(screen)) {
                HistoryRequest::View(r) => r,
                HistoryRequest::Open(user_id) => {
                    self.commands.view = None;
                    return Some((true, self.open_user(user_id)));
                }
            },
        };
        Some(match request {
            ViewRequest::Nothing => (false, Vec::new()),
            ViewRequest::Changed => (true, Vec::new()),
            ViewRequest::Close => {
                self.commands.view = None;
                self.commands.trail = None;
                (true, Vec::new())
            }
        })
    }

    /// Pasted text for the command line or the audit view's filter; `None` when neither is
    /// open. A view without a field takes no paste.
    pub(super) fn on_command_paste(&mut self, text: &str) -> Option<(bool, Vec<Effect>)> {
        let pasted = if let Some(line) = self.commands.line.as_mut() {
            line.paste(text)
        } else {
            match self.commands.view.as_mut()? {
                FullView::Audit(v) => v.paste(text).unwrap_or(Pasted::Nothing),
                FullView::History(_) => Pasted::Nothing,
            }
        };
        Some((pasted != Pasted::Nothing, Vec::new()))
    }

    pub(super) fn run_command(&mut self, command: Command) -> (bool, Vec<Effect>) {
        match command {
            Command::Quit => {
                self.commands.close_line();
                let (_, effects) = self.quit();
                (true, effects)
            }
            Command::Help => (true, Vec::new()),
            Command::User(text) => match UserRef::parse(&text) {
                UserRef::Id(id) => {
                    self.commands.close_line();
                    (true, self.open_user(id))
                }
                UserRef::Text(text) => {
                    let id = self.next_request();
                    self.commands.lookup = Some(id);
                    if let Some(line) = self.commands.line.as_mut() {
                        line.say(messages::looking_up(&text));
                    }
                    let request = exact_user_request(&text, self.connection.org.as_deref());
                    (true, vec![Effect::LookUpUser { id, request }])
                }
            },
            Command::Org(value) => self.command_org(&value),
            Command::Profile(name) => self.command_profile(&name),
            Command::Sort { column, ascending } => {
                self.commands.close_line();
                let sort = ListSort {
                    column,
                    ascending: ascending.unwrap_or(self.sort.ascending),
                };
                (true, self.set_sort(sort))
            }
            Command::Audit => {
                self.commands.close_line();
                self.commands.view = Some(FullView::Audit(AuditView::reading()));
                (true, self.read_trail())
            }
            Command::History => {
                self.commands.close_line();
                let view = HistoryView::new(&self.commands.recent);
                self.commands.view = Some(FullView::History(view));
                (true, self.read_trail())
            }
        }
    }

    fn read_trail(&mut self) -> Vec<Effect> {
        let id = self.next_request();
        self.commands.trail = Some(id);
        vec![Effect::ReadAuditTrail { id }]
    }

    /// The detail of `user_id`, fetched fresh (as Enter on a row opens it).
    fn open_user(&mut self, user_id: String) -> Vec<Effect> {
        self.mode = Mode::Detail;
        self.error = None;
        self.open_detail(user_id)
    }

    /// `:org VALUE`: the search `org:VALUE`, as if typed in the search line (so it is read,
    /// and refused, exactly as typed would be). A refused one leaves the search as it was.
    fn command_org(&mut self, value: &str) -> (bool, Vec<Effect>) {
        let term = if value.chars().any(char::is_whitespace) {
            format!("org:\"{value}\"")
        } else {
            format!("org:{value}")
        };
        let mode = self.connection.match_mode;
        let mut trial = SearchLine::default();
        let (edit, _) = trial.paste(&term, mode);
        if !matches!(edit, Edit::Due { .. }) {
            let why = trial
                .error
                .as_ref()
                .map_or_else(|| messages::org_refused(&term), messages::search_refused);
            if let Some(line) = self.commands.line.as_mut() {
                line.fail(vec![why]);
            }
            return (true, Vec::new());
        }
        // A name the directory already read and does not know stays on the line, refused
        // naming the candidates, like a term that cannot be parsed.
        if trial.awaits_orgs() && self.orgs_read() && !trial.resolve_orgs(&self.orgs) {
            let why = trial
                .error
                .as_ref()
                .map_or_else(|| messages::org_refused(&term), messages::search_refused);
            if let Some(line) = self.commands.line.as_mut() {
                line.fail(vec![why]);
            }
            return (true, Vec::new());
        }
        self.commands.close_line();
        self.search.clear();
        let (edit, _) = self.search.paste(&term, mode);
        let _ = self.resolve_org_names(edit);
        self.close_detail();
        self.mode = Mode::List;
        let mut effects = self.apply_search();
        // A name before the names were read: the search waits for them (said under the line).
        effects.extend(self.read_orgs_for_search());
        (true, effects)
    }

    /// `:profile NAME`: as the picker switches (the current one: nothing to do).
    fn command_profile(&mut self, name: &str) -> (bool, Vec<Effect>) {
        let profiles = &self.connection.profiles;
        let fail = if profiles.is_empty() {
            Some(messages::NO_PROFILES.to_owned())
        } else if !profiles.iter().any(|p| p == name) {
            Some(messages::unknown_profile(name, profiles))
        } else {
            None
        };
        if let Some(why) = fail {
            if let Some(line) = self.commands.line.as_mut() {
                line.fail(vec![why]);
            }
            return (true, Vec::new());
        }
        self.commands.close_line();
        if self.connection.profile.as_deref() == Some(name) {
            return (true, Vec::new());
        }
        (true, vec![Effect::SwitchProfile(name.to_owned())])
    }

    /// The answer to a `:user` lookup: one user opens, none or several are said on the line
    /// (the text kept to be fixed).
    pub(super) fn on_looked_up(
        &mut self,
        id: RequestId,
        result: Result<ListUsersResponse, ApiError>,
    ) -> (bool, Vec<Effect>) {
        if self.commands.lookup != Some(id) {
            return (false, Vec::new());
        }
        self.commands.lookup = None;
        let typed = self
            .commands
            .line
            .as_ref()
            .map(|l| l.input.value().to_owned())
            .unwrap_or_default();
        let text = match crate::tui::command_line::parse(&typed) {
            Ok(Command::User(t)) => t,
            _ => typed,
        };
        let why = match &result {
            Ok(resp) => match pick(&resp.result) {
                Lookup::One(user) => {
                    let user_id = user.user_id.clone();
                    self.commands.close_line();
                    return (true, self.open_user(user_id));
                }
                Lookup::None => vec![messages::no_such_user(&text)],
                Lookup::Several(users) => messages::several_users(&text, users),
            },
            Err(e) => {
                tracing::warn!(error = %e.log_line(), "user lookup failed");
                vec![messages::read_error_line(e, self.connection.org.as_deref())]
            }
        };
        if let Some(line) = self.commands.line.as_mut() {
            line.fail(why);
        }
        (true, Vec::new())
    }

    /// The audit trail for the view waiting for it.
    pub(super) fn on_audit_trail(
        &mut self,
        id: RequestId,
        result: Result<AuditTail, String>,
    ) -> (bool, Vec<Effect>) {
        if self.commands.trail != Some(id) {
            return (false, Vec::new());
        }
        self.commands.trail = None;
        if let Err(e) = &result {
            tracing::warn!(error = %crate::text::escape_for_log(e), "audit trail read failed");
        }
        let result = result.as_ref().map_err(|e| messages::audit_unreadable(e));
        match self.commands.view.as_mut() {
            Some(FullView::Audit(v)) => v.fill(result),
            Some(FullView::History(v)) => v.add_trail(result),
            None => return (false, Vec::new()),
        }
        (true, Vec::new())
    }
}
