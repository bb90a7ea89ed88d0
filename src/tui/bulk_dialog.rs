//! The bulk confirmation (`r` with users marked): how many get a mail, who is set aside and
//! why, the link, the rate and the journal; then the run's progress, and its summary until
//! dismissed. Pure: the App turns its requests into effects, the executor runs
//! [`crate::bulk::run`] and feeds its events back.
//!
//! The plan follows the CLI's rules ([`crate::bulk::PlanBuilder`]): humans with an address,
//! not deleted; users in state INITIAL are listed apart (they need an invite).

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};

use super::keys::{Binding, Key, Keymap};
use crate::api::template::check_url_template;
use crate::api::wire::User;
use crate::api::{CodeCall, CodeMode};
use crate::bulk::journal::Replay;
use crate::bulk::{
    BulkRequest, DEFAULT_RATE, Entry, Event, JobHeader, Plan, PlanBuilder, Progress, Report, Status,
};
pub use crate::cli::bulk_messages::JournalCounts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Start,
    NextLink,
    /// Close before the run, stop during it, close after it.
    Cancel,
}

use BulkAction as A;

#[rustfmt::skip]
static CONFIRM: &[Binding<BulkAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: A::Start, help: "send: one request per user, paced, journaled", hint: Some("send") },
    Binding { keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)], label: "Tab", action: A::NextLink, help: "the link: ZITADEL's default or a template", hint: Some("link") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "cancel, send nothing", hint: Some("cancel") },
];
#[rustfmt::skip]
static STOP: &[Binding<BulkAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "stop after the request in flight", hint: Some("stop") },
];
#[rustfmt::skip]
static CLOSE: &[Binding<BulkAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Enter)], label: "Esc", action: A::Cancel, help: "close", hint: Some("close") },
];

pub static CONFIRMING: Keymap<BulkAction> = Keymap {
    name: "bulk (confirm)",
    groups: &[CONFIRM],
};
pub static RUNNING: Keymap<BulkAction> = Keymap {
    name: "bulk (sending)",
    groups: &[STOP],
};
pub static FINISHED: Keymap<BulkAction> = Keymap {
    name: "bulk (summary)",
    groups: &[CLOSE],
};

/// Counts as the run goes (from its events).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub done: usize,
    pub sent: usize,
    pub failed: usize,
    pub unknown: usize,
    /// Skipped: the journal says an earlier run sent it.
    pub already: usize,
    pub rate: f64,
    /// Requests whose audit line could not be written, and the first reason.
    pub audit_errors: usize,
    pub audit_error: Option<String>,
}

#[derive(Debug)]
pub enum BulkPhase {
    /// Showing the plan; Enter starts.
    Confirm,
    /// Read-only mode, or no place for the journal: nothing can be sent.
    Refused(String),
    Running {
        id: u64,
        tally: Tally,
        /// Esc was pressed: the run stops after the request in flight.
        stopping: bool,
        /// The last slow-down ZITADEL asked for: the rate now.
        throttled: Option<f64>,
    },
    /// The run ended (or could not start: `error`).
    Done {
        report: Option<Box<Report>>,
        error: Option<String>,
        /// The counts as the run told them (for the audit lines that could not be written).
        tally: Tally,
    },
}

/// What the dialog asks of the App.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkRequestKind {
    Nothing,
    Changed,
    Close,
    /// Start the run (the App tags it and calls [`BulkDialog::started`]).
    Start,
    /// Cancel run `id` (it stops after the request in flight).
    Stop(u64),
}

#[derive(Debug)]
pub struct BulkDialog {
    pub plan: Plan,
    /// The links offered: ZITADEL's default (`None`), the remembered template, the saved ones.
    pub links: Vec<Option<String>>,
    pub link: usize,
    /// Requests per second.
    pub rate: f64,
    pub job: JobHeader,
    /// Where the journal is (None: no state directory).
    pub journal: Option<PathBuf>,
    /// The request that reads the journal before the run, while awaited.
    pub reading: Option<u64>,
    /// What the journal says of the planned users, once read (or why it could not be).
    pub journal_counts: Option<Result<JournalCounts, String>>,
    pub phase: BulkPhase,
}

impl BulkDialog {
    /// The plan for `marked`, and the links to choose from: the default link first unless a
    /// template was the last one sent (then it is offered first), then the saved templates;
    /// templates that do not pass the check are left out.
    pub fn new(
        marked: &[User],
        remembered: Option<&str>,
        saved: &[String],
        job: JobHeader,
        journal: Option<PathBuf>,
        refused: Option<String>,
    ) -> BulkDialog {
        let mut plan = PlanBuilder::new(false, usize::MAX);
        plan.take(marked.iter().cloned());
        let mut links: Vec<Option<String>> = Vec::new();
        let valid = |t: &str| check_url_template(t).ok().map(|t| t.as_str().to_string());
        match remembered {
            Some(t) if !t.is_empty() => links.extend(valid(t).map(Some)),
            _ => {}
        }
        links.push(None);
        for t in saved {
            if let Some(t) = valid(t).map(Some)
                && !links.contains(&t)
            {
                links.push(t);
            }
        }
        BulkDialog {
            plan: plan.finish(),
            links,
            link: 0,
            rate: DEFAULT_RATE,
            job,
            journal,
            reading: None,
            journal_counts: None,
            phase: match refused {
                Some(why) => BulkPhase::Refused(why),
                None => BulkPhase::Confirm,
            },
        }
    }

    /// The template chosen, `None` for ZITADEL's default link.
    pub fn template(&self) -> Option<&str> {
        self.links.get(self.link).and_then(|l| l.as_deref())
    }

    /// What every planned user is sent.
    pub fn request(&self) -> BulkRequest {
        BulkRequest {
            call: CodeCall::Resend,
            mode: CodeMode::Send {
                url_template: self.template().and_then(|t| check_url_template(t).ok()),
            },
        }
    }

    pub fn keymap(&self) -> &'static Keymap<BulkAction> {
        match self.phase {
            BulkPhase::Confirm => &CONFIRMING,
            BulkPhase::Running { .. } => &RUNNING,
            BulkPhase::Refused(_) | BulkPhase::Done { .. } => &FINISHED,
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.phase, BulkPhase::Running { .. })
    }

    pub fn on_key(&mut self, ev: &KeyEvent) -> BulkRequestKind {
        let Some(action) = self.keymap().action(ev) else {
            return BulkRequestKind::Nothing;
        };
        match (&mut self.phase, action) {
            (BulkPhase::Confirm, A::Start) if !self.plan.targets.is_empty() => BulkRequestKind::Start,
            (BulkPhase::Confirm, A::Start) => BulkRequestKind::Nothing,
            (BulkPhase::Confirm, A::NextLink) => {
                self.link = (self.link + 1) % self.links.len().max(1);
                BulkRequestKind::Changed
            }
            (BulkPhase::Running { id, stopping, .. }, A::Cancel) => {
                if *stopping {
                    return BulkRequestKind::Nothing;
                }
                *stopping = true;
                BulkRequestKind::Stop(*id)
            }
            (BulkPhase::Running { .. }, _) => BulkRequestKind::Nothing,
            (_, A::Cancel) => BulkRequestKind::Close,
            _ => BulkRequestKind::Nothing,
        }
    }

    /// The journal as read by request `id`; false when not awaited.
    pub fn journal_read(&mut self, id: u64, result: Result<Replay, String>) -> bool {
        if self.reading != Some(id) {
            return false;
        }
        self.reading = None;
        self.journal_counts = Some(result.map(|r| {
            let mut c = JournalCounts::default();
            for t in &self.plan.targets {
                match r.entries.get(&t.user_id) {
                    Some(Entry::Done) => c.done += 1,
                    Some(Entry::Unknown) => c.unknown += 1,
                    Some(Entry::Failed(_)) => c.failed += 1,
                    None => {}
                }
            }
            c
        }));
        true
    }

    /// The run `id` was asked for.
    pub fn started(&mut self, id: u64) {
        self.phase = BulkPhase::Running {
            id,
            tally: Tally {
                rate: self.rate,
                ..Tally::default()
            },
            stopping: false,
            throttled: None,
        };
    }

    /// An event of run `id`; false when it is not this dialog's run.
    pub fn event(&mut self, run: u64, event: Event) -> bool {
        let BulkPhase::Running {
            id, tally, throttled, ..
        } = &mut self.phase
        else {
            return false;
        };
        if *id != run {
            return false;
        }
        match event {
            Event::Throttled { rate, .. } => *throttled = Some(rate),
            Event::User {
                progress: Progress { done, rate, .. },
                result,
            } => {
                tally.done = done;
                tally.rate = rate;
                match result.status {
                    Status::Sent => tally.sent += 1,
                    Status::Failed => tally.failed += 1,
                    Status::Unknown | Status::AlreadyUnknown => tally.unknown += 1,
                    Status::AlreadyDone => tally.already += 1,
                }
                if let Some(e) = result.audit_error {
                    tally.audit_errors += 1;
                    tally.audit_error.get_or_insert(e);
                }
            }
        }
        true
    }

    /// Run `id` ended; false when it is not this dialog's run.
    pub fn finished(&mut self, run: u64, result: Result<Report, String>) -> bool {
        let BulkPhase::Running { id, tally, .. } = &mut self.phase else {
            return false;
        };
        if *id != run {
            return false;
        }
        let tally = std::mem::take(tally);
        self.phase = match result {
            Ok(report) => BulkPhase::Done {
                report: Some(Box::new(report)),
                error: None,
                tally,
            },
            Err(e) => BulkPhase::Done {
                report: None,
                error: Some(e),
                tally,
            },
        };
        true
    }
}

#[cfg(test)]
mod tests;
