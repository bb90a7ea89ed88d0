//! The console's state and `update`: every input (a key, a reply, a timer) comes in as a
//! [`Msg`], changes the state, and returns the [`Effect`]s for the run loop to carry out.
//! Pure — no terminal, no network — so it is tested directly.

use std::time::Duration;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::detail::{Detail, Load};
use super::msg::{Effect, Msg, RequestId};

use super::action_dialog::{ActionDialog, Note, Request, Target};
use super::actions_menu::{self, ActionsMenu, MenuRequest};
use super::browse::{self, BrowseAction, Mode};
use super::bulk_dialog::{BulkDialog, BulkRequestKind};
use super::copy_menu::CopyMenu;
use super::keys::{self, Global, KeyHelp};
use super::layout;
use super::list::{PAGE_SIZE, PageSlot, Select, UserList};
use super::marks::Marks;
use super::messages::{self, read_error_line};
use super::picker::{self, PickerRequest, ProfilePicker};
use super::search_line::{self, Edit, SearchAction, SearchLine};
use super::sort_picker::SortPicker;
use super::text_field::Pasted;
use crate::action::Outcome;
use crate::api::orgs::OrgDirectory;
use crate::api::query::{ListSort, MAX_SEARCH_CHARS, MatchMode, Page, list_users_request};
use crate::api::scan::{DEFAULT_SCAN_LIMIT, ScanProgress, ScanState};
use crate::api::wire::ListUsersRequest;
use crate::api::wire::ListUsersResponse;
use crate::api::wire::{User, UserState};
use crate::api::{ActionKind, ApiError};
use crate::bulk::JobHeader;

/// Pause after the last keystroke before a search is sent.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(200);
/// Spinner frame interval while a request is in flight (≤ 10 Hz).
pub const SPINNER_INTERVAL: Duration = Duration::from_millis(100);
/// Pages fetched one after another without a key press, before the list stops filling: a
/// token that may read few of many users would otherwise walk the whole instance.
pub const AUTO_FETCH_LIMIT: u32 = 10;

/// Fixed facts about the connection, shown in the header.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// The instance host (already sanitised: it came from the user's settings).
    pub host: String,
    pub org: Option<String>,
    pub read_only: bool,
    /// What switched read-only on, as `config show` names it ("--read-only", "env
    /// ZITADESK_READ_ONLY", "profile NAME"); sanitised.
    pub read_only_source: Option<String>,
    /// How a copy reaches the agent's clipboard (decided once at start).
    pub clipboard: crate::tui::clipboard::Clipboard,
    pub match_mode: MatchMode,
    /// Saved link templates the resend dialog offers.
    pub url_templates: Vec<String>,
    /// The settings profile in use.
    pub profile: Option<String>,
    /// The instance URL as the settings name it (a bulk run's journal belongs to it).
    pub instance: String,
    /// Where bulk runs keep their journals (`None`: no state directory, nothing is sent).
    pub journal_dir: Option<std::path::PathBuf>,
    /// Every profile of the config file, for the picker.
    pub profiles: Vec<String>,
}

#[derive(Debug, Default)]
struct Pending {
    /// Pages fetched since the last key press (see [`AUTO_FETCH_LIMIT`]).
    auto_fetches: u32,
    /// After a refresh, the user to select again wherever they landed.
    reselect: Option<String>,
    list: Option<(RequestId, PageSlot)>,
    /// The page a local filter's scan waits for (see [`App::start_scan`]).
    scan: Option<(RequestId, ListUsersRequest)>,
}

pub struct App {
    pub connection: Connection,
    pub mode: Mode,
    pub help_open: bool,
    /// The search syntax overlay (from the search line), when open; any key closes it.
    pub syntax_open: bool,
    pub search: SearchLine,
    /// The order the list is read in (`s` changes the column).
    pub sort: ListSort,
    pub list: UserList,
    pub detail: Option<Detail>,
    /// The action dialog (a resend, an invite, an unlock, …), when open (it has the
    /// keyboard).
    pub dialog: Option<ActionDialog>,
    /// The actions menu, when open (it has the keyboard).
    pub menu: Option<ActionsMenu>,
    /// The profile picker, when open (it has the keyboard).
    pub picker: Option<ProfilePicker>,
    /// The copy menu (`y`), when open (it has the keyboard).
    pub copy_menu: Option<CopyMenu>,
    /// The sort picker (`s`), when open (it has the keyboard).
    pub sort_picker: Option<SortPicker>,
    /// Users marked for a bulk resend (`space`, `*`).
    pub marks: Marks,
    /// The bulk resend dialog (`r` with marks), when open (it has the keyboard).
    pub bulk: Option<BulkDialog>,
    /// What the last key did, when it says so (a copy): on the status line until the next key.
    pub status_note: Option<String>,
    /// The command line (`:`), the view it opened, the users opened this session.
    pub commands: commands::Commands,
    /// Organisation names, read in the background; empty until read (or when the
    /// credentials may not read them), and then IDs are shown as they are.
    pub orgs: OrgDirectory,
    /// Where reading `orgs` stands (see `app/orgs.rs`).
    org_read: orgs::OrgRead,
    /// The link templates last sent, per kind of mail (see `app/remembered.rs`).
    pub remembered: remembered::Remembered,
    /// Who the console acts as, when known.
    pub signed_in: Option<String>,
    /// The last error, for the status line; cleared by the next success.
    pub error: Option<String>,
    /// Why the last read of the list failed, shown whole under the search line until a read
    /// succeeds.
    pub list_error: Option<String>,
    /// A note about the list (sparse rights, a shifted order): while it is the `error` shown,
    /// it stays until the next page arrives, whatever else succeeds meanwhile.
    list_note: Option<String>,
    /// A quit key was pressed while a code request was in flight: the next one quits.
    quit_armed: bool,
    /// The last mouse click, for a double click.
    last_click: Option<mouse::Click>,
    pub spinner_frame: usize,
    /// The terminal's size.
    pub screen: Rect,
    pending: Pending,
    /// The scan filling the list when the search has a local term (`verified:`, …).
    scan: Option<ScanState>,
    /// Users a scan looks at before it stops, and how many more each `+` adds.
    pub scan_limit: u64,
    next_id: RequestId,
}

impl App {
    pub fn new(connection: Connection, width: u16, height: u16) -> App {
        App {
            connection,
            mode: Mode::List,
            help_open: false,
            syntax_open: false,
            search: SearchLine::default(),
            sort: ListSort::default(),
            list: UserList::default(),
            detail: None,
            dialog: None,
            menu: None,
            picker: None,
            copy_menu: None,
            sort_picker: None,
            marks: Marks::default(),
            bulk: None,
            status_note: None,
            commands: commands::Commands::default(),
            orgs: OrgDirectory::default(),
            org_read: orgs::OrgRead::default(),
            remembered: remembered::Remembered::default(),
            signed_in: None,
            error: None,
            list_error: None,
            list_note: None,
            quit_armed: false,
            last_click: None,
            spinner_frame: 0,
            screen: Rect::new(0, 0, width, height),
            pending: Pending::default(),
            scan: None,
            scan_limit: DEFAULT_SCAN_LIMIT,
            next_id: 0,
        }
    }

    /// Reads the list again in another order, from its first page — or, for a local filter's
    /// matches, orders them anew where they are: the scan reads by user ID whatever the order,
    /// so it runs on (or stays finished) and nothing is asked again.
    pub fn set_sort(&mut self, sort: ListSort) -> Vec<Effect> {
        self.sort = sort;
        if let Some(scan) = &self.scan {
            // Before the first page the list shows none: `on_scanned` orders it on arrival.
            if self.list.matches_only() {
                let viewport = self.viewport();
                self.list.show_matches(scan.matches(), sort, viewport);
            }
            return Vec::new();
        }
        self.list.clear();
        vec![self.fetch_page(PageSlot::Reset {
            index: 0,
            select: Select::First,
        })]
    }

    /// The first request: page one of all users.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.fetch_page(PageSlot::Reset {
            index: 0,
            select: Select::First,
        })]
    }

    /// A request is in flight (the spinner turns).
    pub fn busy(&self) -> bool {
        self.pending.list.is_some()
            || self.pending.scan.is_some()
            || self.detail.as_ref().is_some_and(Detail::waiting)
            || self.dialog.as_ref().is_some_and(ActionDialog::in_flight)
            || self.bulk.as_ref().is_some_and(BulkDialog::running)
            || self.commands.busy()
    }

    /// A reply or a debounced search is still to come.
    pub fn waiting(&self) -> bool {
        self.busy() || self.search.is_due() || self.reading_orgs()
    }

    /// The keymap in force: the dialog's or the picker's while open.
    pub fn keymap(&self) -> &'static dyn KeyHelp {
        if let Some(keymap) = self.copy_sort_keymap() {
            return keymap;
        }
        if let Some(b) = &self.bulk {
            return b.keymap();
        }
        match (&self.dialog, &self.menu, &self.picker) {
            (Some(d), _, _) => d.keymap(),
            (None, Some(_), _) => &actions_menu::KEYMAP,
            (None, None, Some(_)) => &picker::KEYMAP,
            (None, None, None) => match (self.commands.keymap(), self.mode) {
                (Some(keymap), _) => keymap,
                (None, Mode::List) => &browse::LIST,
                (None, Mode::Search) => &search_line::KEYMAP,
                (None, Mode::Detail) => &browse::DETAIL,
            },
        }
    }

    /// A popup has the keyboard and shows its own keys.
    pub fn popup_open(&self) -> bool {
        self.dialog.is_some()
            || self.bulk.is_some()
            || self.menu.is_some()
            || self.picker.is_some()
            || self.copy_sort_open()
    }

    /// The list's place on screen, as the view lays it out.
    pub fn areas(&self) -> layout::Areas {
        layout::areas(self.screen, self.mode == Mode::Detail, self.notice_rows())
    }

    /// What the notice under the search line says: for a search that cannot be sent, the
    /// whole reason and that the rows below are of the previous search.
    pub fn notice(&self) -> Vec<String> {
        match &self.search.error {
            Some(e) => vec![
                messages::search_refused(e),
                messages::stale_rows(&self.search.applied),
            ],
            None => match &self.list_error {
                Some(e) if self.list.is_empty() => vec![e.clone()],
                Some(e) => vec![e.clone(), messages::ROWS_FROM_LAST_READ.to_owned()],
                None => self.org_notice().map(|n| vec![n.to_owned()]).unwrap_or_default(),
            },
        }
    }

    /// Rows the notice takes at the screen's width (wrapped, as the view draws it).
    fn notice_rows(&self) -> u16 {
        let width = usize::from(self.screen.width).max(1);
        let rows: usize = self
            .notice()
            .iter()
            .map(|l| crate::text::wrap(&crate::text::sanitize(l), width).len())
            .sum();
        u16::try_from(rows).unwrap_or(u16::MAX)
    }

    /// Rows the list shows at once.
    pub fn viewport(&self) -> usize {
        // With the detail over the whole screen, page as if the list were there.
        layout::list_rows(layout::areas(self.screen, false, self.notice_rows()).list)
    }

    /// Handles one message. Returns whether anything visible changed, and the work to do.
    pub fn update(&mut self, msg: Msg) -> (bool, Vec<Effect>) {
        match msg {
            Msg::Key(ev) => {
                // A note answers the key before; the next one clears it.
                let noted = self.status_note.take().is_some();
                let (changed, effects) = match keys::split_alt(&ev) {
                    Some([esc, key]) => {
                        let (a, mut effects) = self.on_key(esc);
                        let (b, more) = self.on_key(key);
                        effects.extend(more);
                        (a || b, effects)
                    }
                    None => self.on_key(ev),
                };
                (changed || noted, effects)
            }
            Msg::Mouse { event, at } => self.on_mouse(event, at),
            Msg::SuspendRefused => {
                self.error = Some(messages::NO_JOB_CONTROL.into());
                (true, Vec::new())
            }
            Msg::SignedIn(who) => {
                // From the server (a token subject): sanitised once, here.
                let who = who.map(|w| crate::text::sanitize(&w).into_owned());
                let changed = self.signed_in != who;
                self.signed_in = who;
                (changed, Vec::new())
            }
            Msg::GotOrgs { id, result } => self.on_orgs(id, result),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Resize { width, height } => {
                self.screen = Rect::new(0, 0, width, height);
                let viewport = self.viewport();
                self.list.clamp(viewport);
                (true, Vec::new())
            }
            Msg::SearchDue(generation) => {
                if !self.search.due_for(generation) {
                    return (false, Vec::new());
                }
                if let Some(read) = self.read_orgs_for_search() {
                    return (true, vec![read]);
                }
                (true, self.apply_search())
            }
            Msg::SwitchFailed { profile, reason } => {
                self.error = Some(messages::switch_failed(&profile, &reason));
                (true, Vec::new())
            }
            Msg::Tick => {
                if !self.busy() {
                    return (false, Vec::new());
                }
                self.spinner_frame = self.spinner_frame.wrapping_add(1);
                (true, Vec::new())
            }
            Msg::Listed { id, result } => self.on_listed(id, result),
            Msg::GotUser { id, result } => {
                if !self.detail.as_ref().is_some_and(|d| d.awaits_user(id)) {
                    return (false, Vec::new());
                }
                let load = self.loaded(result);
                if let Load::Ready(user) = &load {
                    self.list.update_user(user);
                    self.commands.recent.opened(user);
                }
                let id = self.next_request();
                let Some(d) = self.detail.as_mut() else {
                    return (true, Vec::new());
                };
                d.set_user(load);
                (true, d.read_history(id).into_iter().collect())
            }
            Msg::GotHistory { id, result } => {
                let Some(d) = self.detail.as_mut().filter(|d| d.awaits_history(id)) else {
                    return (false, Vec::new());
                };
                // The history is a help, not the job: its failure stays in the pane and
                // leaves the status line alone.
                d.set_history(match result {
                    Ok(h) => Load::Ready(h),
                    Err(e) => {
                        tracing::warn!(error = %e.log_line(), "history fetch failed");
                        Load::Failed(messages::history_unavailable(&e))
                    }
                });
                (true, Vec::new())
            }
            Msg::Issued {
                id,
                result,
                audit_error,
            } => {
                // The user may have changed (unknown: may have): show the detail as it is now.
                let changed = matches!(Outcome::of(&result), Outcome::Ok | Outcome::Unknown);
                let Some(dialog) = self.dialog.as_mut() else {
                    return (false, Vec::new());
                };
                if !dialog.answered(id, result, audit_error) {
                    return (false, Vec::new());
                }
                self.remember_sent();
                let Some(dialog) = self.dialog.as_ref() else {
                    return (true, Vec::new());
                };
                if std::mem::take(&mut self.quit_armed) {
                    // Answered: nothing would be lost any more.
                    self.error = None;
                }
                let refresh = match (&self.detail, changed) {
                    (Some(d), true) if d.user_id == dialog.target.user_id => Some(d.user_id.clone()),
                    _ => None,
                };
                (true, refresh.map(|id| self.open_detail(id)).unwrap_or_default())
            }
            Msg::LookedUp { id, result } => self.on_looked_up(id, result),
            Msg::BulkEvent { id, event } => {
                let shown = self.bulk.as_mut().is_some_and(|b| b.event(id, event));
                (shown, Vec::new())
            }
            Msg::BulkJournal { id, result } => {
                let shown = self.bulk.as_mut().is_some_and(|b| b.journal_read(id, result));
                (shown, Vec::new())
            }
            Msg::BulkDone { id, result } => {
                let shown = self.bulk.as_mut().is_some_and(|b| b.finished(id, result));
                if shown && std::mem::take(&mut self.quit_armed) {
                    self.error = None;
                }
                (shown, Vec::new())
            }
            Msg::AuditTrail { id, result } => {
                self.learn_templates(&result);
                self.on_audit_trail(id, result)
            }
            Msg::GotMethods { id, result } => {
                if !self.detail.as_ref().is_some_and(|d| d.awaits_methods(id)) {
                    return (false, Vec::new());
                }
                let load = self.loaded(result);
                if let Some(d) = self.detail.as_mut() {
                    d.set_methods(load);
                }
                (true, Vec::new())
            }
        }
    }

    fn loaded<T>(&mut self, result: Result<T, ApiError>) -> Load<T> {
        match result {
            Ok(v) => {
                // A detail that loads means the connection works again.
                if self.error != self.list_note {
                    self.error = None;
                }
                Load::Ready(v)
            }
            Err(e) => {
                tracing::warn!(error = %e.log_line(), "detail fetch failed");
                let org = self.detail.as_ref().and_then(|d| {
                    self.list
                        .visible(0, self.list.len())
                        .find(|r| r.user.user_id == d.user_id)
                        .and_then(|r| r.user.details.as_ref())
                        .map(|det| det.resource_owner.clone())
                });
                let line = read_error_line(&e, org.as_deref());
                self.error = Some(line.clone());
                Load::Failed(line)
            }
        }
    }

    fn on_listed(
        &mut self,
        id: RequestId,
        result: Result<ListUsersResponse, ApiError>,
    ) -> (bool, Vec<Effect>) {
        if self.pending.scan.as_ref().is_some_and(|(p, _)| *p == id) {
            return self.on_scanned(result);
        }
        let Some((pending_id, slot)) = self.pending.list else {
            return (false, Vec::new());
        };
        if pending_id != id {
            // A reply for an older query or page: what is shown belongs to the current text.
            return (false, Vec::new());
        }
        self.pending.list = None;
        match result {
            Ok(resp) => {
                self.error = None;
                self.list_note = None;
                self.list_error = None;
                let viewport = self.viewport();
                self.list.store(slot, resp.result, resp.details, viewport);
                if let (PageSlot::Reset { .. }, Some(id)) = (slot, self.pending.reselect.take()) {
                    self.list.select_user(&id, viewport);
                }
                let repeats = self.list.take_repeats();
                if repeats > 0 {
                    self.error = Some(messages::order_shifted(repeats));
                    self.list_note.clone_from(&self.error);
                }
                // Short or empty pages (rows the caller may not read) can leave the selection
                // near the end again: keep filling, within a budget.
                let Some(next) = self.list.wanted() else {
                    return (true, Vec::new());
                };
                if self.pending.auto_fetches >= AUTO_FETCH_LIMIT {
                    self.error = Some(messages::sparse_note());
                    self.list_note.clone_from(&self.error);
                    return (true, Vec::new());
                }
                self.pending.auto_fetches += 1;
                (true, vec![self.fetch_page(next)])
            }
            Err(e) => {
                tracing::warn!(error = %e.log_line(), "list failed");
                // Under the search line, whole (ZITADEL's reason for refusing a search can be
                // long), not cut on the one-row status line.
                self.list_error = Some(read_error_line(&e, self.connection.org.as_deref()));
                let viewport = self.viewport();
                self.list.clamp(viewport);
                (true, Vec::new())
            }
        }
    }

    fn on_key(&mut self, ev: KeyEvent) -> (bool, Vec<Effect>) {
        match keys::global(&ev) {
            Some(Global::Quit) => return self.quit(),
            Some(Global::Suspend) => return self.suspend(),
            None => {}
        }
        if self.dialog.is_some() {
            return self.on_dialog_key(ev);
        }
        if self.bulk.is_some() {
            return self.on_bulk_key(&ev);
        }
        if self.menu.is_some() {
            return self.on_menu_key(&ev);
        }
        if self.picker.is_some() {
            return self.on_picker_key(&ev);
        }
        if self.copy_sort_open() {
            return self.on_copy_sort_key(&ev);
        }
        self.pending.auto_fetches = 0;
        if self.help_open || self.syntax_open {
            // "Any key closes" — `q` included (agents press it to close popups).
            self.help_open = false;
            self.syntax_open = false;
            return (true, Vec::new());
        }
        if let Some(handled) = self.on_command_key(ev) {
            return handled;
        }
        // `?` on an empty search line asks for the syntax; with text it is text.
        if self.mode == Mode::Search
            && self.search.input.value().is_empty()
            && ev.code == crossterm::event::KeyCode::Char('?')
            && ev
                .modifiers
                .difference(crossterm::event::KeyModifiers::SHIFT)
                .is_empty()
        {
            return self.on_search_action(SearchAction::SyntaxHelp);
        }
        match self.mode {
            Mode::Search => match search_line::KEYMAP.action(&ev) {
                Some(action) => self.on_search_action(action),
                None => {
                    let edit = self.search.on_text_key(ev, self.connection.match_mode);
                    self.on_search_edit(edit)
                }
            },
            Mode::List => match browse::LIST.action(&ev) {
                Some(action) => self.on_action(action),
                None => (false, Vec::new()),
            },
            Mode::Detail => match browse::DETAIL.action(&ev) {
                Some(action) => self.on_action(action),
                None => (false, Vec::new()),
            },
        }
    }

    fn on_search_action(&mut self, action: SearchAction) -> (bool, Vec<Effect>) {
        let step = match action {
            SearchAction::SyntaxHelp => {
                self.syntax_open = true;
                return (true, Vec::new());
            }
            SearchAction::Down => Some(1),
            SearchAction::Up => Some(-1),
            SearchAction::Apply | SearchAction::Clear => None,
        };
        if let Some(step) = step {
            // The line keeps the keyboard; the list below follows the arrows.
            let viewport = self.viewport();
            let before = self.list.selected;
            self.list.move_by(step, viewport);
            let effects: Vec<Effect> = self.fetch_wanted().into_iter().collect();
            return (before != self.list.selected || !effects.is_empty(), effects);
        }
        if action == SearchAction::Apply && self.search.error.is_some() {
            // The rows below are of the previous search: the line keeps the keyboard until
            // the text can be sent (or Esc clears it).
            return (false, Vec::new());
        }
        self.mode = Mode::List;
        let effects = match action {
            SearchAction::Apply if self.shows_one_current_result() => {
                return self.on_action(BrowseAction::OpenDetail);
            }
            SearchAction::Apply | SearchAction::Down | SearchAction::Up | SearchAction::SyntaxHelp => {
                self.apply_search()
            }
            SearchAction::Clear => {
                self.search.clear();
                self.apply_search()
            }
        };
        (true, effects)
    }

    /// The list holds exactly one user, and it is the result of the text as typed (nothing
    /// waits to be sent, nothing is in flight, the text is sound).
    fn shows_one_current_result(&self) -> bool {
        self.list.loaded
            && self.list.len() == 1
            && self.pending.list.is_none()
            && !self.search.is_due()
            && self.search.error.is_none()
            && self.search.input.value() == self.search.applied
    }

    /// The search text changed (or only its cursor moved): send it after the debounce if it
    /// is sound.
    fn on_search_edit(&mut self, edit: Edit) -> (bool, Vec<Effect>) {
        let (edit, mut effects) = self.resolve_org_names(edit);
        match edit {
            Edit::Nothing => (false, effects),
            // Nothing is sent for a search that cannot be understood.
            Edit::Cursor | Edit::Refused => (true, effects),
            Edit::Due { generation } => {
                effects.push(Effect::ScheduleSearch {
                    generation,
                    delay: SEARCH_DEBOUNCE,
                });
                (true, effects)
            }
        }
    }

    /// A key of the list or the detail.
    fn on_action(&mut self, action: BrowseAction) -> (bool, Vec<Effect>) {
        let viewport = self.viewport();
        let before = (self.list.selected, self.list.scroll);
        let mut effects = Vec::new();
        match action {
            BrowseAction::Quit => return (false, vec![Effect::Quit]),
            BrowseAction::ToggleHelp => self.help_open = true,
            BrowseAction::StartSearch => {
                self.close_detail();
                self.mode = Mode::Search;
            }
            BrowseAction::Down => self.list.move_by(1, viewport),
            BrowseAction::Up => self.list.move_by(-1, viewport),
            BrowseAction::PageDown => self.list.page_by(1, viewport),
            BrowseAction::PageUp => self.list.page_by(-1, viewport),
            BrowseAction::Top => {
                if self.list.has_first_page() {
                    self.list.move_by(-(self.list.selected as isize), viewport);
                } else {
                    effects.push(self.fetch_page(PageSlot::Reset {
                        index: 0,
                        select: Select::First,
                    }));
                }
            }
            BrowseAction::Bottom => {
                if self.list.has_last_page() {
                    let last = self.list.len().saturating_sub(1);
                    self.list
                        .move_by((last - self.list.selected.min(last)) as isize, viewport);
                } else {
                    let index = self.list.last_page();
                    effects.push(self.fetch_page(PageSlot::Reset {
                        index,
                        select: Select::Last,
                    }));
                }
            }
            BrowseAction::OpenDetail => {
                let Some(row) = self.list.selected_row() else {
                    return (false, Vec::new());
                };
                let user_id = row.user.user_id.clone();
                self.mode = Mode::Detail;
                effects = self.open_detail(user_id);
            }
            BrowseAction::ClearSearch => {
                // Nothing applied, typed or refused: Esc changes nothing (and sends nothing).
                if !self.search.clear() {
                    return (false, Vec::new());
                }
                effects = self.apply_search();
            }
            BrowseAction::OpenSort => return self.open_sort_picker(),
            BrowseAction::ReverseSort => {
                let sort = ListSort {
                    ascending: !self.sort.ascending,
                    ..self.sort
                };
                effects = self.set_sort(sort);
            }
            BrowseAction::OpenCopy => return self.open_copy_menu(),
            BrowseAction::OpenResend if self.mode == Mode::List && !self.marks.is_empty() => {
                return self.open_bulk();
            }
            BrowseAction::OpenResend => return self.open_resend(),
            BrowseAction::ToggleMark => {
                let Some(user) = self.list.selected_row().map(|r| r.user.clone()) else {
                    return (false, Vec::new());
                };
                self.marks.toggle(&user);
                self.list.move_by(1, viewport);
                effects.extend(self.fetch_wanted());
                return (true, effects);
            }
            BrowseAction::MarkAll => {
                let shown = self.list.len();
                let marked = self.marks.mark_all(self.list.visible(0, shown).map(|r| &r.user));
                self.status_note = Some(messages::bulk::marked_all(marked, shown, self.list.total));
                return (true, Vec::new());
            }
            BrowseAction::ClearMarks => {
                let dropped = self.marks.clear();
                self.status_note = Some(match dropped {
                    0 => messages::bulk::nothing_marked(),
                    n => messages::bulk::unmarked(n),
                });
                return (true, Vec::new());
            }
            BrowseAction::OpenActions => return self.open_actions(),
            BrowseAction::OpenCommandLine => return self.open_command_line(),
            BrowseAction::OpenProfiles => {
                self.picker =
                    ProfilePicker::open(&self.connection.profiles, self.connection.profile.as_ref());
                if self.picker.is_none() {
                    self.error = Some(messages::NO_PROFILES.into());
                }
                return (true, Vec::new());
            }
            BrowseAction::Back => {
                self.mode = Mode::List;
                self.close_detail();
                self.error = None;
            }
            BrowseAction::ScanMore => {
                let Some(scan) = self.scan.as_mut().filter(|s| s.progress().stopped_at_limit) else {
                    return (false, Vec::new());
                };
                scan.extend(self.scan_limit);
                effects.extend(self.next_scan_page());
            }
            BrowseAction::Refresh => {
                self.error = None;
                match (&self.mode, &self.detail) {
                    (Mode::Detail, Some(d)) => effects = self.open_detail(d.user_id.clone()),
                    _ if self.scan.is_some() => effects = self.start_scan(),
                    _ => {
                        let (index, at) = self.list.selected_page();
                        let reselect = self.list.selected_row().map(|r| r.user.user_id.clone());
                        effects.push(self.fetch_page(PageSlot::Reset {
                            index,
                            select: Select::At(at),
                        }));
                        self.pending.reselect = reselect;
                    }
                }
                // The names are refreshed with the list (kept if the new read fails).
                effects.push(self.read_orgs());
            }
        }
        effects.extend(self.fetch_wanted());
        // `k` on the first row changes nothing: no frame (over SSH even an empty frame costs).
        let moves = matches!(
            action,
            BrowseAction::Up
                | BrowseAction::Down
                | BrowseAction::PageUp
                | BrowseAction::PageDown
                | BrowseAction::Top
                | BrowseAction::Bottom
        );
        if !moves {
            return (true, effects);
        }
        self.finish_move(before, effects)
    }

    /// The page the list now needs (the selection moved past what is loaded), unless one is
    /// on its way.
    fn fetch_wanted(&mut self) -> Option<Effect> {
        let slot = self.list.wanted().filter(|_| self.pending.list.is_none())?;
        Some(self.fetch_page(slot))
    }

    /// After the selection may have moved from `before` (selected, scroll): the pages it
    /// needs, and in the detail the newly selected user.
    fn finish_move(&mut self, before: (usize, usize), mut effects: Vec<Effect>) -> (bool, Vec<Effect>) {
        let moved = before.0 != self.list.selected;
        // In the detail, moving shows the next user's detail (fetched fresh, newest wins).
        if moved
            && self.mode == Mode::Detail
            && let Some(id) = self.list.selected_row().map(|r| r.user.user_id.clone())
        {
            effects.extend(self.open_detail(id));
        }
        let changed = before != (self.list.selected, self.list.scroll) || !effects.is_empty();
        (changed, effects)
    }

    /// Pasted text goes into whichever field is open — the dialog's template, the search line
    /// — and in the list or detail it starts a search with it. A paste too long for the field
    /// is cut, and the status line says so.
    fn on_paste(&mut self, text: &str) -> (bool, Vec<Effect>) {
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        if clean.is_empty() {
            return (false, Vec::new());
        }
        if let Some(handled) = self.on_command_paste(&clean) {
            return handled;
        }
        let (changed, effects, pasted, cap) = if let Some(dialog) = self.dialog.as_mut() {
            let (request, pasted, cap) = dialog.on_paste(&clean);
            (request == Request::Changed, Vec::new(), pasted, cap)
        } else if self.help_open
            || self.bulk.is_some()
            || self.syntax_open
            || self.menu.is_some()
            || self.picker.is_some()
            || self.copy_sort_open()
        {
            return (false, Vec::new());
        } else {
            if self.mode != Mode::Search {
                self.close_detail();
                self.mode = Mode::Search;
            }
            let (edit, pasted) = self.search.paste(&clean, self.connection.match_mode);
            let (changed, effects) = self.on_search_edit(edit);
            (changed, effects, pasted, MAX_SEARCH_CHARS)
        };
        if pasted == Pasted::Cut {
            self.error = Some(messages::paste_cut(cap));
            return (true, effects);
        }
        (changed, effects)
    }

    fn on_picker_key(&mut self, ev: &KeyEvent) -> (bool, Vec<Effect>) {
        let Some(picker) = self.picker.as_mut() else {
            return (false, Vec::new());
        };
        match picker.on_key(ev) {
            PickerRequest::Nothing => (false, Vec::new()),
            PickerRequest::Changed => (true, Vec::new()),
            PickerRequest::Close => {
                self.picker = None;
                (true, Vec::new())
            }
            PickerRequest::Switch(name) => {
                self.picker = None;
                (true, vec![Effect::SwitchProfile(name)])
            }
        }
    }

    /// The user in view: the detail's (fresh) user, else the selected row's.
    fn user_in_view(&self) -> Option<&User> {
        let in_detail = self.detail.as_ref().and_then(Detail::ready_user);
        match (self.mode, in_detail) {
            (Mode::Detail, Some(u)) => Some(u),
            _ => self.list.selected_row().map(|r| &r.user),
        }
    }

    /// The sign-in methods of `user_id`, when the open detail has read them.
    fn methods_of(&self, user_id: &str) -> Option<&[crate::api::wire::AuthenticationMethodType]> {
        let d = self.detail.as_ref().filter(|d| d.user_id == user_id)?;
        match &d.methods {
            Load::Ready(m) => Some(m),
            _ => None,
        }
    }

    /// `r`: the email code resend — or, for a user who cannot sign in yet (state initial, or
    /// a human whose sign-in methods are read and none), the invite, saying why.
    fn open_resend(&mut self) -> (bool, Vec<Effect>) {
        let Some(user) = self.user_in_view() else {
            return (false, Vec::new());
        };
        let no_methods = user.human.is_some() && self.methods_of(&user.user_id).is_some_and(<[_]>::is_empty);
        let needs_invite = user.state == UserState::Initial || no_methods;
        let target = Target::from_user(user);
        let kind = if needs_invite {
            ActionKind::Invite
        } else {
            ActionKind::EmailCode
        };
        let dialog = self.new_dialog(kind, target);
        self.dialog = Some(if needs_invite {
            dialog.with_note(Note::NeedsInvite)
        } else {
            dialog
        });
        (true, Vec::new())
    }

    /// `r` with users marked: the bulk confirmation for them, planned by the CLI's rules, its
    /// journal named by the marked set (see `JobHeader::for_marked`).
    fn open_bulk(&mut self) -> (bool, Vec<Effect>) {
        let c = &self.connection;
        let job = JobHeader::for_marked(&c.instance, c.org.as_deref(), &self.marks.sorted_ids());
        let journal = c
            .journal_dir
            .as_deref()
            .map(|d| crate::bulk::journal::path_in(d, &job));
        let refused = match (c.read_only, &journal) {
            (true, _) => Some(messages::bulk::read_only(c.read_only_source.as_deref())),
            (false, None) => Some(messages::bulk::NO_JOURNAL_DIR.to_string()),
            (false, Some(_)) => None,
        };
        let read = journal.clone().filter(|_| refused.is_none());
        let mut dialog = BulkDialog::new(
            self.marks.users(),
            self.remembered.for_kind(ActionKind::EmailCode),
            &c.url_templates,
            job,
            journal,
            refused,
        );
        // Where the journal stands (a stopped run's users) is said in the plan once read.
        let effects = match read {
            Some(path) => {
                let id = self.next_request();
                dialog.reading = Some(id);
                vec![Effect::ReadBulkJournal { id, path }]
            }
            None => Vec::new(),
        };
        self.bulk = Some(dialog);
        (true, effects)
    }

    fn on_bulk_key(&mut self, ev: &KeyEvent) -> (bool, Vec<Effect>) {
        let Some(bulk) = self.bulk.as_mut() else {
            return (false, Vec::new());
        };
        match bulk.on_key(ev) {
            BulkRequestKind::Nothing => (false, Vec::new()),
            BulkRequestKind::Changed => (true, Vec::new()),
            BulkRequestKind::Close => {
                self.bulk = None;
                (true, Vec::new())
            }
            BulkRequestKind::Stop(id) => (true, vec![Effect::StopBulk { id }]),
            BulkRequestKind::Start => {
                let id = self.next_request();
                let Some(bulk) = self.bulk.as_mut() else {
                    return (false, Vec::new());
                };
                let Some(journal) = bulk.journal.clone() else {
                    return (false, Vec::new());
                };
                bulk.started(id);
                let effect = Effect::RunBulk {
                    id,
                    job: bulk.job.clone(),
                    journal,
                    targets: bulk.plan.targets.clone(),
                    request: bulk.request(),
                    rate: bulk.rate,
                };
                (true, vec![effect])
            }
        }
    }

    /// `a`: the actions menu for the user in view, each remedy judged with the sign-in
    /// methods when the detail has read them.
    fn open_actions(&mut self) -> (bool, Vec<Effect>) {
        let Some(user) = self.user_in_view() else {
            return (false, Vec::new());
        };
        let methods = self.methods_of(&user.user_id);
        self.menu = Some(ActionsMenu::open(user, methods));
        (true, Vec::new())
    }

    fn on_menu_key(&mut self, ev: &KeyEvent) -> (bool, Vec<Effect>) {
        let Some(menu) = self.menu.as_mut() else {
            return (false, Vec::new());
        };
        match menu.on_key(ev) {
            MenuRequest::Nothing => (false, Vec::new()),
            MenuRequest::Changed => (true, Vec::new()),
            MenuRequest::Close => {
                self.menu = None;
                (true, Vec::new())
            }
            MenuRequest::Choose(kind) => {
                let user_id = menu.user_id.clone();
                self.menu = None;
                // The menu's user, as the console shows them now (the detail may have been
                // read again meanwhile).
                let user = self.user_in_view().filter(|u| u.user_id == user_id).or_else(|| {
                    self.list
                        .visible(0, self.list.len())
                        .map(|r| &r.user)
                        .find(|u| u.user_id == user_id)
                });
                if let Some(user) = user {
                    let target = Target::from_user(user);
                    self.dialog = Some(self.new_dialog(kind, target));
                }
                (true, Vec::new())
            }
        }
    }

    fn new_dialog(&self, kind: ActionKind, target: Target) -> ActionDialog {
        let dialog = ActionDialog::new(
            kind,
            target,
            self.connection.url_templates.clone(),
            self.connection.read_only,
        );
        match self.remembered.for_kind(kind) {
            Some(last) => dialog.with_remembered(last.to_owned()),
            None => dialog,
        }
    }

    /// Ctrl-C anywhere, or `q`: quits — except that while a code request is in flight the
    /// first press only says what quitting would lose, and the second quits.
    fn quit(&mut self) -> (bool, Vec<Effect>) {
        let sending = self.dialog.as_ref().filter(|d| d.in_flight());
        let warning = match sending {
            Some(d) => Some(messages::quit_while_sending(d.kind.can_return_code())),
            None if self.bulk.as_ref().is_some_and(BulkDialog::running) => {
                Some(messages::bulk::quit_while_running())
            }
            None => None,
        };
        if let Some(warning) = warning
            && !self.quit_armed
        {
            self.quit_armed = true;
            self.error = Some(warning);
            return (true, Vec::new());
        }
        (false, vec![Effect::Quit])
    }

    /// Ctrl-Z. Not while an action is on its way: stopped, the console could not record its
    /// answer, and the request would time out into "outcome unknown" on resume.
    fn suspend(&mut self) -> (bool, Vec<Effect>) {
        if self.dialog.as_ref().is_some_and(ActionDialog::in_flight)
            || self.bulk.as_ref().is_some_and(BulkDialog::running)
        {
            self.error = Some(messages::NO_SUSPEND_WHILE_SENDING.into());
            return (true, Vec::new());
        }
        (false, vec![Effect::Suspend])
    }

    fn on_dialog_key(&mut self, ev: KeyEvent) -> (bool, Vec<Effect>) {
        let Some(dialog) = self.dialog.as_mut() else {
            return (false, Vec::new());
        };
        match dialog.on_key(ev) {
            Request::Quit => self.quit(),
            Request::Nothing => (false, Vec::new()),
            Request::Changed => (true, Vec::new()),
            Request::Close => {
                // Dropping the dialog drops (and zeroises) a returned code.
                self.dialog = None;
                (true, Vec::new())
            }
            Request::Issue(action) => {
                let id = self.next_request();
                let Some(dialog) = self.dialog.as_mut() else {
                    return (false, Vec::new());
                };
                dialog.sent(id, action.clone());
                let user_id = dialog.target.user_id.clone();
                (true, vec![Effect::Apply { id, user_id, action }])
            }
            Request::Copy => match dialog.code().cloned() {
                Some(code) => {
                    dialog.copied();
                    (true, vec![Effect::Copy(code)])
                }
                None => (false, Vec::new()),
            },
        }
    }

    /// Sends the search line's text, if it is due: a new result, from its first page.
    fn apply_search(&mut self) -> Vec<Effect> {
        if !self.search.apply() {
            return Vec::new();
        }
        // Marks belong to what was searched: a new search starts without them.
        let dropped = self.marks.clear();
        if dropped > 0 {
            self.status_note = Some(messages::bulk::unmarked(dropped));
        }
        self.list.clear();
        self.scan = None;
        self.pending.scan = None;
        if !self.search.local().is_empty() {
            return self.start_scan();
        }
        vec![self.fetch_page(PageSlot::Reset {
            index: 0,
            select: Select::First,
        })]
    }

    /// A search with a local term: a scan of the server-side terms' pages (1,000 a request, in
    /// ZITADEL's own order,
    /// one request at a time in the background) keeps the matches, at most the list's cap, and
    /// stops at the scan limit until the agent asks for more. A new search or a refresh starts
    /// a new scan; the request id drops the old one's pages.
    fn start_scan(&mut self) -> Vec<Effect> {
        self.pending.list = None;
        // ZITADEL's own order (by user ID) has no ties, so no user is skipped or repeated
        // between pages of a long walk; the list sorts the matches by name itself.
        let by_id = ListSort {
            column: crate::api::wire::UserFieldName::Unspecified,
            ascending: true,
        };
        let request = list_users_request(
            self.search.queries().to_vec(),
            self.connection.org.as_deref(),
            Page { offset: 0, limit: 0 },
            by_id,
        );
        let local = self.search.local().clone();
        self.scan = Some(ScanState::new(
            request,
            local,
            super::list::MAX_ROWS,
            self.scan_limit,
        ));
        self.next_scan_page()
    }

    fn next_scan_page(&mut self) -> Vec<Effect> {
        let Some(request) = self.scan.as_ref().and_then(ScanState::next_request) else {
            self.pending.scan = None;
            return Vec::new();
        };
        let id = self.next_request();
        self.pending.scan = Some((id, request.clone()));
        vec![Effect::ListUsers { id, request }]
    }

    fn on_scanned(&mut self, result: Result<ListUsersResponse, ApiError>) -> (bool, Vec<Effect>) {
        let Some((_, request)) = self.pending.scan.take() else {
            return (false, Vec::new());
        };
        let viewport = self.viewport();
        let Some(scan) = self.scan.as_mut() else {
            return (false, Vec::new());
        };
        match result {
            Ok(page) => {
                scan.take(&request, page);
                self.list.show_matches(scan.matches(), self.sort, viewport);
                self.list_error = None;
                if self.error != self.list_note {
                    self.error = None;
                }
                (true, self.next_scan_page())
            }
            Err(e) => {
                tracing::warn!(error = %e.log_line(), "scan failed");
                self.list_error = Some(read_error_line(&e, self.connection.org.as_deref()));
                let viewport = self.viewport();
                self.list.clamp(viewport);
                (true, Vec::new())
            }
        }
    }

    /// How far the scan of a locally filtered search went, when the list shows one.
    pub fn scan_progress(&self) -> Option<ScanProgress> {
        self.scan.as_ref().map(ScanState::progress)
    }

    fn close_detail(&mut self) {
        self.detail = None;
    }

    fn open_detail(&mut self, user_id: String) -> Vec<Effect> {
        let ids = (self.next_request(), self.next_request());
        let (detail, effects) = Detail::open(user_id, ids);
        self.detail = Some(detail);
        effects
    }

    fn fetch_page(&mut self, slot: PageSlot) -> Effect {
        let id = self.next_request();
        if matches!(slot, PageSlot::Reset { .. }) {
            self.pending.reselect = None;
        }
        self.pending.list = Some((id, slot));
        let page = Page {
            offset: slot.offset(),
            limit: PAGE_SIZE,
        };
        Effect::ListUsers {
            id,
            request: list_users_request(
                self.search.queries().to_vec(),
                self.connection.org.as_deref(),
                page,
                self.sort,
            ),
        }
    }

    /// The last request id handed out: a later App (after a profile switch) continues from
    /// it, so a reply of the old connection still in the queue can never match a new request.
    pub fn last_request_id(&self) -> RequestId {
        self.next_id
    }

    /// Continues request ids after `last` (see [`App::last_request_id`]).
    pub fn continue_request_ids(&mut self, last: RequestId) {
        self.next_id = self.next_id.max(last);
    }

    fn next_request(&mut self) -> RequestId {
        self.next_id += 1;
        self.next_id
    }
}

mod commands;
mod copy_sort;
mod mouse;
mod orgs;
mod remembered;
pub use commands::{Commands, FullView};

#[cfg(test)]
mod actions_tests;
#[cfg(test)]
mod command_tests;
#[cfg(test)]
mod copy_sort_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
mod orgs_tests;
#[cfg(test)]
mod tests;
