//! The console's vocabulary: every input becomes a [`Msg`] for `App::update`, and every piece
//! of work `update` asks for is an [`Effect`] for the executor (`tui::effects`).

use std::time::Duration;

use crossterm::event::KeyEvent;

use crate::api::orgs::OrgDirectory;
use crate::api::wire::{
    AuthenticationMethodType, ListUsersRequest, ListUsersResponse, User, VerificationCode,
};
use crate::api::{Action, ActionResult, ApiError};
use crate::history::History;
use crate::tui::clipboard::ClipText;

/// Tags a request so that its reply can be matched, and dropped when it is no longer wanted.
pub type RequestId = u64;

/// A message is built once per event and moved once into `update`; boxing the large reply
/// variants would add an allocation without saving anything measurable.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(KeyEvent),
    /// A mouse event (only when the agent turned the mouse on), and when it happened (for a
    /// double click).
    Mouse {
        event: crossterm::event::MouseEvent,
        at: std::time::Instant,
    },
    /// Bracketed paste: text, never keys (a pasted "q" must not quit).
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// The debounce for search `generation` ran out.
    SearchDue(u64),
    /// Spinner frame (only sent while [`App::busy`]).
    Tick,
    Listed {
        id: RequestId,
        result: Result<ListUsersResponse, ApiError>,
    },
    GotUser {
        id: RequestId,
        result: Result<User, ApiError>,
    },
    GotMethods {
        id: RequestId,
        result: Result<Vec<AuthenticationMethodType>, ApiError>,
    },
    /// The user's history, with this machine's audit lines about them.
    GotHistory {
        id: RequestId,
        result: Result<History, ApiError>,
    },
    /// Who the credentials act as (token subject or service user), once known.
    SignedIn(Option<String>),
    /// Ctrl-Z was pressed where no shell can resume the console (no job control).
    SuspendRefused,
    /// The organisations the credentials may read, by name (see `Effect::ReadOrgs`).
    GotOrgs {
        id: RequestId,
        result: Result<OrgDirectory, ApiError>,
    },
    /// Another profile could not be connected; the current one stays.
    SwitchFailed {
        profile: String,
        reason: String,
    },
    /// ZITADEL answered an action; `audit_error` says why its audit line is missing.
    Issued {
        id: RequestId,
        result: Result<ActionResult, ApiError>,
        audit_error: Option<String>,
    },
    /// The answer to a `:user EMAIL|LOGIN` lookup.
    LookedUp {
        id: RequestId,
        result: Result<ListUsersResponse, ApiError>,
    },
    /// The audit trail's newest lines, for `:audit` and `:history`.
    AuditTrail {
        id: RequestId,
        result: Result<super::audit_view::AuditTail, String>,
    },
    /// A user's turn in bulk run `id` is over, or ZITADEL asked it to slow down.
    BulkEvent {
        id: RequestId,
        event: crate::bulk::Event,
    },
    /// What the journal of bulk dialog `id` says (read before the run, for the plan).
    BulkJournal {
        id: RequestId,
        result: Result<crate::bulk::journal::Replay, String>,
    },
    /// Bulk run `id` ended: its report, or why it could not start (the journal).
    BulkDone {
        id: RequestId,
        result: Result<crate::bulk::Report, String>,
    },
}

/// Work for the run loop. A new request of a kind replaces (aborts) the one in flight.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    ListUsers {
        id: RequestId,
        request: ListUsersRequest,
    },
    GetUser {
        id: RequestId,
        user_id: String,
    },
    ListAuthMethods {
        id: RequestId,
        user_id: String,
    },
    /// Read the user's history in their organisation `org`, and the audit trail beside it.
    UserHistory {
        id: RequestId,
        user_id: String,
        org: String,
    },
    /// Read the organisation directory in the background (names for IDs, `org:NAME`).
    ReadOrgs {
        id: RequestId,
    },
    /// Send `Msg::SearchDue(generation)` after `delay`.
    ScheduleSearch {
        generation: u64,
        delay: Duration,
    },
    /// Apply an action to a user: exactly one request, audited, never retried.
    Apply {
        id: RequestId,
        user_id: String,
        action: Action,
    },
    /// Put the code on the agent's clipboard (OSC 52).
    Copy(VerificationCode),
    /// Put a plain value (a user ID, an email, a login name) on the clipboard (OSC 52); the
    /// type holds only values fit to be pasted elsewhere (see [`ClipText`]).
    CopyText(ClipText),
    /// Reconnect with another profile and start over.
    SwitchProfile(String),
    /// Give the terminal back to the shell and stop until `fg`.
    Suspend,
    Quit,
    /// Look a user up by email or login name (`:user`); its own slot, so the list's
    /// reads and the lookup never abort each other.
    LookUpUser {
        id: RequestId,
        request: ListUsersRequest,
    },
    /// Read the audit trail's newest lines (off the UI thread).
    ReadAuditTrail {
        id: RequestId,
    },
    /// Run a bulk resend in the background: the journal of `job` at `journal`, one request
    /// per target at `rate` per second, each audited; never aborted, only cancelled.
    RunBulk {
        id: RequestId,
        job: crate::bulk::JobHeader,
        journal: std::path::PathBuf,
        targets: Vec<crate::bulk::Target>,
        request: crate::bulk::BulkRequest,
        rate: f64,
    },
    /// Read a bulk journal (off the UI thread) to say in the plan where it stands.
    ReadBulkJournal {
        id: RequestId,
        path: std::path::PathBuf,
    },
    /// Stop bulk run `id` after the request in flight.
    StopBulk {
        id: RequestId,
    },
}
