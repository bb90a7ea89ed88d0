//! Organisation names in the console: the directory is read in the background (at start, and
//! again with the list on refresh), kept for the connection, and used to show names and to
//! resolve `org:NAME` in the search line.
//!
//! A failed read says nothing: the names are a help, not the job, and the IDs stay on screen
//! as before. The reason surfaces only when the agent asks for something that needs the names
//! (`org:initech`), in that search's refusal — never as an alarm in the status line.

use super::App;
use crate::api::ApiError;
use crate::api::orgs::OrgDirectory;
use crate::tui::messages;
use crate::tui::msg::{Effect, RequestId};
use crate::tui::search_line::Edit;

/// Where the organisation directory of this connection stands.
#[derive(Debug, Default)]
pub(super) struct OrgRead {
    /// The read in flight (a newer one replaces it).
    reading: Option<RequestId>,
    /// A read has succeeded: `App::orgs` holds what the credentials may read (possibly
    /// nothing, without `org.read`). A later failed refresh keeps it.
    read: bool,
    /// Why the last read failed, while none has succeeded.
    failed: Option<String>,
}

impl App {
    /// Asks for the organisation directory (again): at start, on refresh, or when a search
    /// names an organisation before anything asked. A read in flight is replaced.
    pub fn read_orgs(&mut self) -> Effect {
        let id = self.next_request();
        self.org_read.reading = Some(id);
        Effect::ReadOrgs { id }
    }

    /// The organisation directory has been read (names can be resolved now).
    pub(super) fn orgs_read(&self) -> bool {
        self.org_read.read
    }

    /// The organisation directory is being read.
    pub fn reading_orgs(&self) -> bool {
        self.org_read.reading.is_some()
    }

    /// The organisation's name when known, else its ID (sanitised either way).
    pub fn org_label(&self, id: &str) -> String {
        match self.orgs.name(id) {
            Some(name) => name.to_owned(),
            None => crate::text::sanitize(id).into_owned(),
        }
    }

    /// The organisation directory arrived (or could not be read).
    pub(super) fn on_orgs(
        &mut self,
        id: RequestId,
        result: Result<OrgDirectory, ApiError>,
    ) -> (bool, Vec<Effect>) {
        if self.org_read.reading != Some(id) {
            return (false, Vec::new());
        }
        self.org_read.reading = None;
        match result {
            Ok(orgs) => {
                self.orgs = orgs;
                self.org_read.read = true;
                self.org_read.failed = None;
            }
            Err(e) => {
                tracing::info!(error = %e.log_line(), "organisation names not read; IDs are shown");
                if !self.org_read.read {
                    self.org_read.failed = Some(messages::org_names_unreadable(&e));
                }
            }
        }
        (true, self.search_after_orgs())
    }

    /// A search line that names an organisation, once the directory arrived (or failed): one
    /// that waited is resolved and sent now (its debounce may have run out meanwhile), or
    /// refused with the reason the names could not be read; one refused before (an unknown
    /// name then) is read again with the new names.
    fn search_after_orgs(&mut self) -> Vec<Effect> {
        if self.search.awaits_orgs() {
            if self.org_read.read {
                return match self.search.resolve_orgs(&self.orgs) {
                    true => self.apply_search(),
                    false => Vec::new(),
                };
            }
            if let Some(reason) = self.org_read.failed.clone() {
                self.search.refuse_org_names(reason);
            }
            return Vec::new();
        }
        if self.org_read.read && self.search.error.is_some() && self.search.names_an_org() {
            let edit = self.search.reparse(self.connection.match_mode);
            return self.on_search_edit(edit).1;
        }
        Vec::new()
    }

    /// An edit of the search line that names an organisation: resolved now when the names
    /// are read, else left to wait for them — for the read in flight, or (the first time, or
    /// after a failed read) for one started when the search is due.
    pub(super) fn resolve_org_names(&mut self, edit: Edit) -> (Edit, Vec<Effect>) {
        if !matches!(edit, Edit::Due { .. }) || !self.search.awaits_orgs() {
            return (edit, Vec::new());
        }
        if self.org_read.read && !self.search.resolve_orgs(&self.orgs) {
            return (Edit::Refused, Vec::new());
        }
        (edit, Vec::new())
    }

    /// The search is due but names an organisation the names were never read for: read them
    /// now (once per due search, so a failing read is retried at the pace of the debounce,
    /// not of the keystrokes); the search is sent when they arrive.
    pub(super) fn read_orgs_for_search(&mut self) -> Option<Effect> {
        let needs = self.search.awaits_orgs() && !self.org_read.read && !self.reading_orgs();
        needs.then(|| self.read_orgs())
    }

    /// The notice under the search line while a search waits for the names.
    pub(super) fn org_notice(&self) -> Option<&'static str> {
        (self.search.awaits_orgs() && self.reading_orgs()).then_some(messages::ORG_NAMES_READING)
    }
}
