//! The bulk run: for each user of a plan, at most one code-issuing request, paced, journaled
//! before and after, audited, and stoppable between requests. No terminal I/O: what happens is
//! told through a callback, so the CLI draws a progress bar and the console could feed a
//! dialog from the same events.
//!
//! Exactly once: a user the journal knows as done or unknown gets no request; the `before`
//! line is on disk before the request goes. A 429 is a refusal (ZITADEL's quota or a proxy
//! in front of it answered, nothing was issued), so the same user may be asked again after
//! the pause, at most [`ATTEMPTS`] times; a 503, a time-out or a broken connection leave the
//! outcome unknown, and that user is never asked again by zitadesk.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::journal::{Entry, Journal};
use super::pace::{Pacer, Pacing};
use super::plan::Target;
use crate::action::{AuditContext, Outcome};
use crate::api::{Action, ApiError, Client, CodeCall, CodeMode, NotSent};

/// Tries per user when ZITADEL answers 429 (each one journaled and audited).
pub const ATTEMPTS: u32 = 3;
/// Connection failures in a row (nothing sent) after which the run stops: ZITADEL is gone.
const UNREACHABLE_AFTER: u32 = 3;

/// What each user is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRequest {
    /// ResendEmailCode, or SendEmailCode (`--send-if-none`).
    pub call: CodeCall,
    /// Always a mailed code: a bulk run never returns codes.
    pub mode: CodeMode,
}

impl BulkRequest {
    fn action(&self) -> Action {
        Action::EmailCode {
            call: self.call,
            mode: self.mode.clone(),
        }
    }
}

/// How one user's turn ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// A code was issued now.
    Sent,
    /// ZITADEL refused, or nothing could be sent: no code issued.
    Failed,
    /// The request may have arrived: a code may exist. Never asked again.
    Unknown,
    /// The journal says an earlier run issued the code.
    AlreadyDone,
    /// The journal says an earlier run's request has an unknown outcome.
    AlreadyUnknown,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Unknown => "unknown",
            Status::AlreadyDone => "already_done",
            Status::AlreadyUnknown => "already_unknown",
        }
    }
}

/// One user's result.
#[derive(Debug, Clone)]
pub struct UserResult {
    pub user_id: String,
    pub status: Status,
    /// The error's kind (`no_pending_code`, `rate_limited`, …) when not sent.
    pub reason: Option<String>,
    /// ZITADEL's error id, if it named one.
    pub zitadel_id: Option<String>,
    /// ZITADEL's sequence of the change, when sent.
    pub sequence: Option<u64>,
    /// The error, for a human (unsanitised: the printer sanitises).
    pub error: Option<String>,
    /// Requests sent for this user in this run (0, 1, or more after 429s).
    pub requests: u32,
    /// Why the audit line could not be written, if it could not.
    pub audit_error: Option<String>,
}

/// Where the run is, with every event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Users whose turn is over (sent, failed, unknown or skipped by the journal).
    pub done: usize,
    pub total: usize,
    /// The pace in force (requests per second).
    pub rate: f64,
}

/// What the runner tells its caller.
#[derive(Debug, Clone)]
pub enum Event {
    /// A user's turn is over.
    User { progress: Progress, result: UserResult },
    /// ZITADEL asked to slow down (429) or was unavailable (503): the pace dropped.
    Throttled { rate: f64, pause: Duration },
}

/// Why a run ended before its last user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Cancelled (a signal, Esc): after the request in flight.
    Cancelled,
    /// An answer that every further user would get too (credentials, the template, a call
    /// this ZITADEL lacks, no connection): the error, for a human.
    Hopeless(String),
    /// The journal could not be written: without it, exactly-once cannot be kept.
    Journal(String),
}

/// The tally of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub total: usize,
    pub sent: usize,
    /// Not sent, by reason (error kind).
    pub failed: BTreeMap<String, usize>,
    /// Outcome unknown in this run.
    pub unknown: Vec<String>,
    pub already_done: usize,
    /// Outcome unknown in an earlier run (not asked again).
    pub already_unknown: Vec<String>,
    /// Users not reached because the run stopped.
    pub not_started: usize,
    /// Requests sent in this run (the resend/send calls only).
    pub requests: u64,
    pub stopped: Option<Stop>,
}

impl Report {
    pub fn failed_count(&self) -> usize {
        self.failed.values().sum()
    }

    /// Everyone planned has their code, and every outcome is known.
    pub fn all_sent(&self) -> bool {
        self.failed.is_empty()
            && self.unknown.is_empty()
            && self.already_unknown.is_empty()
            && self.not_started == 0
            && self.stopped.is_none()
    }
}

/// Runs `targets` through `request`. `journal` decides who may be asked; `cancel` is looked
/// at before each request (and ends a wait for the pace); `on` hears every user's result.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    client: &Client,
    audit: Arc<AuditContext>,
    targets: &[Target],
    request: &BulkRequest,
    pacing: Pacing,
    journal: &mut Journal,
    cancel: &CancellationToken,
    on: &mut (dyn FnMut(Event) + Send),
) -> Report {
    let mut report = Report {
        total: targets.len(),
        ..Report::default()
    };
    let mut pacer = Pacer::new(pacing, Instant::now());
    let action = request.action();
    let mut unreachable = 0u32;
    for (i, target) in targets.iter().enumerate() {
        if report.stopped.is_none() && cancel.is_cancelled() {
            report.stopped = Some(Stop::Cancelled);
        }
        if report.stopped.is_some() {
            report.not_started = targets.len() - i;
            break;
        }
        let id = target.user_id.as_str();
        let result = match journal.entry(id) {
            Some(Entry::Done) => skipped(id, Status::AlreadyDone),
            Some(Entry::Unknown) => skipped(id, Status::AlreadyUnknown),
            _ => {
                let turn = Turn {
                    client,
                    audit: &audit,
                    action: &action,
                    call: request.call.word(),
                    cancel,
                };
                match turn.take(id, &mut pacer, journal, on).await {
                    Ok(r) => r,
                    Err(stop) => {
                        report.stopped = Some(stop);
                        report.not_started = targets.len() - i;
                        break;
                    }
                }
            }
        };
        report.requests += u64::from(result.requests);
        match result.status {
            Status::Sent => report.sent += 1,
            Status::Failed => {
                *report
                    .failed
                    .entry(result.reason.clone().unwrap_or_default())
                    .or_default() += 1
            }
            Status::Unknown => report.unknown.push(result.user_id.clone()),
            Status::AlreadyDone => report.already_done += 1,
            Status::AlreadyUnknown => report.already_unknown.push(result.user_id.clone()),
        }
        // After the user's result is told: errors every further user would meet too.
        if result.status == Status::Failed && result.reason.as_deref() == Some("connect") {
            unreachable += 1;
        } else if result.requests > 0 {
            unreachable = 0;
        }
        if let Some(why) = &result.hopeless {
            report.stopped = Some(Stop::Hopeless(why.clone()));
        } else if unreachable >= UNREACHABLE_AFTER {
            report.stopped = Some(Stop::Hopeless(result.error.clone().unwrap_or_default()));
        }
        if let Some(e) = &result.journal_error {
            report.stopped = Some(Stop::Journal(e.clone()));
        }
        on(Event::User {
            progress: Progress {
                done: i + 1,
                total: targets.len(),
                rate: pacer.rate(),
            },
            result: result.result,
        });
    }
    report
}

/// A user's result, with what the runner itself needs to know about it.
struct Turned {
    result: UserResult,
    hopeless: Option<String>,
    journal_error: Option<String>,
}

impl std::ops::Deref for Turned {
    type Target = UserResult;
    fn deref(&self) -> &UserResult {
        &self.result
    }
}

fn skipped(id: &str, status: Status) -> Turned {
    Turned {
        result: UserResult {
            user_id: id.to_string(),
            status,
            reason: None,
            zitadel_id: None,
            sequence: None,
            error: None,
            requests: 0,
            audit_error: None,
        },
        hopeless: None,
        journal_error: None,
    }
}

struct Turn<'a> {
    client: &'a Client,
    audit: &'a Arc<AuditContext>,
    action: &'a Action,
    call: &'static str,
    cancel: &'a CancellationToken,
}

impl Turn<'_> {
    /// One user: wait for the pace, journal, send once, journal; again only after a 429.
    async fn take(
        &self,
        id: &str,
        pacer: &mut Pacer,
        journal: &mut Journal,
        on: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Turned, Stop> {
        let mut turned = skipped(id, Status::Failed);
        for attempt in 1..=ATTEMPTS {
            if attempt > 1 && self.cancel.is_cancelled() {
                // A refused try stands as this user's result; the run stops after it.
                break;
            }
            self.paced(pacer).await?;
            journal
                .before(id, self.call)
                .await
                .map_err(|e| Stop::Journal(e.to_string()))?;
            let issued = crate::action::apply(self.client, Arc::clone(self.audit), id, self.action).await;
            turned.result.requests += 1;
            turned.result.audit_error = issued.audit_error;
            let outcome = Outcome::of(&issued.result);
            let reason = issued.result.as_ref().err().map(|e| e.kind().to_string());
            if let Err(e) = journal.after(id, outcome.word(), reason.as_deref()).await {
                turned.journal_error = Some(e.to_string());
            }
            let r = &mut turned.result;
            r.status = match outcome {
                Outcome::Ok => Status::Sent,
                Outcome::Unknown => Status::Unknown,
                Outcome::Refused | Outcome::NotSent => Status::Failed,
            };
            r.reason = reason;
            match issued.result {
                Ok(done) => {
                    r.sequence = done.sequence;
                    r.zitadel_id = None;
                    r.error = None;
                    pacer.answered();
                    break;
                }
                Err(e) => {
                    r.zitadel_id = e.zitadel_id().map(str::to_string);
                    r.error = Some(e.to_string());
                    turned.hopeless = hopeless(&e).then(|| e.to_string());
                    if throttles(&e) {
                        pacer.throttled(Instant::now());
                        on(Event::Throttled {
                            rate: pacer.rate(),
                            pause: pacer.wait(Instant::now()),
                        });
                    } else {
                        pacer.answered();
                    }
                    if !matches!(e, ApiError::RateLimited(_))
                        || journal.entry(id).is_some_and(|e| !e.may_send())
                    {
                        break;
                    }
                }
            }
        }
        Ok(turned)
    }

    /// Waits until the pace allows a request; a cancel ends the wait (and the run).
    async fn paced(&self, pacer: &mut Pacer) -> Result<(), Stop> {
        loop {
            if self.cancel.is_cancelled() {
                return Err(Stop::Cancelled);
            }
            let wait = pacer.wait(Instant::now());
            if wait.is_zero() {
                return Ok(());
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.cancel.cancelled() => return Err(Stop::Cancelled),
            }
        }
    }
}

/// 429 and 503/504: the server (or a proxy) wants fewer requests.
fn throttles(e: &ApiError) -> bool {
    match e {
        ApiError::RateLimited(_) => true,
        ApiError::Unavailable(s) | ApiError::Server(s) => matches!(s.http, 503 | 504),
        _ => false,
    }
}

/// An answer every further user would get as well: going on would only repeat it.
fn hopeless(e: &ApiError) -> bool {
    match e {
        ApiError::Unauthenticated(_)
        | ApiError::InvalidUrlTemplate(_)
        | ApiError::Unimplemented(_)
        | ApiError::Unsupported { .. }
        | ApiError::Credentials(_) => true,
        ApiError::NotSent(n) => !matches!(n, NotSent::BadUserId(_)),
        _ => false,
    }
}
