//! The effect executor: carries out what `App::update` asks for. Requests run in tasks whose
//! replies come back as messages; a new request of a kind aborts the one in flight, so the
//! newest wins. The run loop and the tests both use this one executor, so an effect cannot be
//! carried out one way in the product and another in the tests.

use std::io::{self, Write};
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinHandle};
use tokio_util::sync::CancellationToken;

use super::audit_view::{AUDIT_VIEW_LINES, AuditTail};
use super::clipboard::Clipboard;
use super::frame::{FrameTerminal, write_through};
use super::msg::{Effect, Msg};
use crate::action::{AuditContext, apply};
use crate::api::Client;
use crate::history::{self, AuditLines, History};

/// What the caller of [`Executor::carry_out`] must do itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Continue,
    Quit,
    /// Reconnect with another profile (only the run loop knows how).
    SwitchProfile(String),
    /// Stop until resumed (only the run loop owns the terminal).
    Suspend,
}

/// Carries out effects for one connection.
pub struct Executor {
    client: Client,
    audit: Arc<AuditContext>,
    tx: mpsc::UnboundedSender<Msg>,
    clipboard: Clipboard,
    /// The action in flight (at most one: the dialog takes no Enter meanwhile).
    issuing: Option<JoinHandle<()>>,
    list: Option<AbortHandle>,
    user: Option<AbortHandle>,
    methods: Option<AbortHandle>,
    history: Option<AbortHandle>,
    search_timer: Option<AbortHandle>,
    /// Asking who the credentials act as (for the header).
    identity: Option<AbortHandle>,
    /// Reading the organisation directory.
    orgs: Option<AbortHandle>,
    /// A `:user` lookup.
    lookup: Option<AbortHandle>,
    /// Reading the audit trail for `:audit` or `:history`.
    trail: Option<AbortHandle>,
    /// The bulk run in progress: its id and what cancels it (never aborted: a request in
    /// flight must get its journal line and audit line).
    bulk: Option<(super::msg::RequestId, CancellationToken, JoinHandle<()>)>,
}

impl Executor {
    pub fn new(
        client: Client,
        audit: AuditContext,
        tx: mpsc::UnboundedSender<Msg>,
        clipboard: Clipboard,
    ) -> Self {
        Executor {
            client,
            audit: Arc::new(audit),
            tx,
            clipboard,
            issuing: None,
            list: None,
            user: None,
            methods: None,
            history: None,
            search_timer: None,
            identity: None,
            orgs: None,
            lookup: None,
            trail: None,
            bulk: None,
        }
    }

    /// Carries out one effect. The clipboard is written to `terminal`, after the frame so far.
    pub fn carry_out<W: Write>(
        &mut self,
        effect: Effect,
        terminal: &mut FrameTerminal<W>,
    ) -> io::Result<Next> {
        let tx = self.tx.clone();
        let client = self.client.clone();
        let (slot, handle) = match effect {
            Effect::Quit => return Ok(Next::Quit),
            Effect::Suspend => return Ok(Next::Suspend),
            Effect::SwitchProfile(name) => return Ok(Next::SwitchProfile(name)),
            Effect::Copy(code) => {
                // The sequence is zeroised once written; with the clipboard off there is none.
                if let Some(sequence) = self.clipboard.sequence(code.expose()) {
                    write_through(terminal, sequence.as_bytes())?;
                }
                return Ok(Next::Continue);
            }
            Effect::CopyText(text) => {
                if let Some(sequence) = self.clipboard.sequence(text.as_str()) {
                    write_through(terminal, sequence.as_bytes())?;
                }
                return Ok(Next::Continue);
            }
            Effect::Apply { id, user_id, action } => {
                // Never aborted: once sent, its answer (and audit line) must not be lost.
                let audit = Arc::clone(&self.audit);
                self.issuing = Some(tokio::spawn(async move {
                    let issued = apply(&client, audit, &user_id, &action).await;
                    let _ = tx.send(Msg::Issued {
                        id,
                        result: issued.result,
                        audit_error: issued.audit_error,
                    });
                }));
                return Ok(Next::Continue);
            }
            Effect::RunBulk {
                id,
                job,
                journal,
                targets,
                request,
                rate,
            } => {
                let cancel = CancellationToken::new();
                let token = cancel.clone();
                let audit = Arc::clone(&self.audit);
                let task = tokio::spawn(async move {
                    let result = run_bulk(
                        id, &client, audit, &job, &journal, &targets, &request, rate, &cancel, &tx,
                    )
                    .await;
                    let _ = tx.send(Msg::BulkDone { id, result });
                });
                if let Some((_, old, _)) = self.bulk.replace((id, token, task)) {
                    // One run at a time: the dialog starts no second one; stop any left over.
                    old.cancel();
                }
                return Ok(Next::Continue);
            }
            Effect::ReadBulkJournal { id, path } => {
                tokio::spawn(async move {
                    let result = tokio::task::spawn_blocking(move || read_replay(&path))
                        .await
                        .unwrap_or_else(|e| Err(e.to_string()));
                    let _ = tx.send(Msg::BulkJournal { id, result });
                });
                return Ok(Next::Continue);
            }
            Effect::StopBulk { id } => {
                if let Some((_, cancel, _)) = self.bulk.as_ref().filter(|(run, _, _)| *run == id) {
                    cancel.cancel();
                }
                return Ok(Next::Continue);
            }
            Effect::ListUsers { id, request } => (
                &mut self.list,
                tokio::spawn(async move {
                    let result = client.list_users(&request).await;
                    let _ = tx.send(Msg::Listed { id, result });
                }),
            ),
            Effect::GetUser { id, user_id } => (
                &mut self.user,
                tokio::spawn(async move {
                    let result = client.get_user(&user_id).await;
                    let _ = tx.send(Msg::GotUser { id, result });
                }),
            ),
            Effect::ListAuthMethods { id, user_id } => (
                &mut self.methods,
                tokio::spawn(async move {
                    let result = client.list_auth_methods(&user_id).await;
                    let _ = tx.send(Msg::GotMethods { id, result });
                }),
            ),
            Effect::UserHistory { id, user_id, org } => {
                let audit = Arc::clone(&self.audit);
                (
                    &mut self.history,
                    tokio::spawn(async move {
                        let result = read_history(&client, &audit, &user_id, &org).await;
                        let _ = tx.send(Msg::GotHistory { id, result });
                    }),
                )
            }
            Effect::ReadOrgs { id } => (
                &mut self.orgs,
                tokio::spawn(async move {
                    let result = client.org_directory().await;
                    let _ = tx.send(Msg::GotOrgs { id, result });
                }),
            ),
            Effect::LookUpUser { id, request } => (
                &mut self.lookup,
                tokio::spawn(async move {
                    let result = client.list_users(&request).await;
                    let _ = tx.send(Msg::LookedUp { id, result });
                }),
            ),
            Effect::ReadAuditTrail { id } => {
                let audit = Arc::clone(&self.audit);
                (
                    &mut self.trail,
                    tokio::spawn(async move {
                        let result = read_audit_tail(audit).await;
                        let _ = tx.send(Msg::AuditTrail { id, result });
                    }),
                )
            }
            Effect::ScheduleSearch { generation, delay } => (
                &mut self.search_timer,
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = tx.send(Msg::SearchDue(generation));
                }),
            ),
        };
        if let Some(old) = slot.replace(handle.abort_handle()) {
            old.abort();
        }
        Ok(Next::Continue)
    }

    /// Asks who the credentials act as, for the header: known locally for keys, asked of the
    /// instance for a device login.
    pub fn look_up_identity(&mut self) {
        let client = self.client.clone();
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let who = client.token_info().await.ok().and_then(|i| i.name.or(i.subject));
            let _ = tx.send(Msg::SignedIn(who));
        });
        if let Some(old) = self.identity.replace(task.abort_handle()) {
            old.abort();
        }
    }

    /// Stops every read in flight (their answers belong to a connection being replaced).
    pub fn abort_reads(&mut self) {
        for slot in [
            &mut self.list,
            &mut self.user,
            &mut self.methods,
            &mut self.history,
            &mut self.search_timer,
            &mut self.identity,
            &mut self.orgs,
            &mut self.lookup,
            &mut self.trail,
        ] {
            if let Some(h) = slot.take() {
                h.abort();
            }
        }
    }

    /// Stops the bulk run, if one is going (after the request in flight), and hands back its
    /// task: leaving, the caller waits for it so that request's journal and audit lines are
    /// written.
    pub fn stop_bulk(&mut self) -> Option<JoinHandle<()>> {
        let (_, cancel, task) = self.bulk.take()?;
        cancel.cancel();
        Some(task)
    }

    /// The resend or send still running, if any: its answer and audit line must not be lost.
    pub fn take_issuing(&mut self) -> Option<JoinHandle<()>> {
        self.issuing.take()
    }

    /// Keeps a resend or send of a replaced connection running under this executor.
    pub fn adopt_issuing(&mut self, issuing: Option<JoinHandle<()>>) {
        if issuing.is_some() {
            self.issuing = issuing;
        }
    }
}

/// A journal's text, replayed; none yet reads as empty.
fn read_replay(path: &std::path::Path) -> Result<crate::bulk::journal::Replay, String> {
    use std::io::Read;
    let mut text = String::new();
    if let Some(mut f) = crate::secure_fs::open_read(path).map_err(|e| e.to_string())? {
        f.read_to_string(&mut text).map_err(|e| e.to_string())?;
    }
    Ok(crate::bulk::journal::replay(&text))
}

/// Opens the journal (off the async workers) and runs the bulk engine, its events sent on as
/// messages.
#[allow(clippy::too_many_arguments)]
async fn run_bulk(
    id: super::msg::RequestId,
    client: &Client,
    audit: Arc<AuditContext>,
    job: &crate::bulk::JobHeader,
    path: &std::path::Path,
    targets: &[crate::bulk::Target],
    request: &crate::bulk::BulkRequest,
    rate: f64,
    cancel: &CancellationToken,
    tx: &mpsc::UnboundedSender<Msg>,
) -> Result<crate::bulk::Report, String> {
    let (job2, path2) = (job.clone(), path.to_path_buf());
    let mut journal = tokio::task::spawn_blocking(move || crate::bulk::Journal::open(&path2, &job2))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let tx = tx.clone();
    let mut on = move |event| {
        let _ = tx.send(Msg::BulkEvent { id, event });
    };
    Ok(crate::bulk::run(
        client,
        audit,
        targets,
        request,
        crate::bulk::Pacing { rate },
        &mut journal,
        cancel,
        &mut on,
    )
    .await)
}

/// ZITADEL's events for the user and this machine's audit lines about them, as one history.
/// The trail is read off the async workers; an unreadable one leaves ZITADEL's part alone.
async fn read_history(
    client: &Client,
    audit: &Arc<AuditContext>,
    user_id: &str,
    org: &str,
) -> Result<History, crate::api::ApiError> {
    let changes = client
        .user_history(user_id, org, crate::api::changes::DEFAULT_HISTORY)
        .await?;
    let trail = Arc::clone(audit);
    let records = tokio::task::spawn_blocking(move || trail.log.read().map(|(r, _)| r))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let tz = jiff::tz::TimeZone::system();
    let lines = AuditLines {
        records: &records,
        instance: &audit.instance,
    };
    Ok(history::build(&changes, lines, user_id, &tz))
}

/// The audit trail's newest lines (bounded: `AuditLog::read_last`), read on a blocking
/// worker, with the instance they are compared against.
async fn read_audit_tail(audit: Arc<AuditContext>) -> Result<AuditTail, String> {
    let instance = audit.instance.clone();
    let read = tokio::task::spawn_blocking(move || audit.log.read_last(AUDIT_VIEW_LINES))
        .await
        .map_err(|e| e.to_string())?;
    let (records, problems) = read.map_err(|e| e.to_string())?;
    Ok(AuditTail {
        records,
        problems,
        instance,
    })
}
