//! `zitadesk users resend-email --query Q …`: the plan (a scan of the search's pages, bounded
//! by `--max`), then the run through [`crate::bulk::run`] with a progress bar or plain lines
//! on stderr, JSON lines per user on stdout with `--json`, and a summary. Ctrl-C and SIGTERM
//! stop the run after the request in flight; the journal makes a re-run continue.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::args::{ListArgs, ResendArgs};
use super::bulk_messages::{self as msg, JournalCounts, Tally};
use super::exit::CliError;
use super::users::{list_request, refuse_if_read_only, warn_template, write_stdout};
use crate::api::local_filter::{LocalField, LocalTerm};
use crate::api::orgs::OrgDirectory;
use crate::api::scan::ScanState;
use crate::api::{Client, CodeCall, CodeMode};
use crate::bulk::journal::{Replay, default_path, replay};
use crate::bulk::{
    BulkRequest, Entry, Event, JobHeader, Journal, JournalError, Pacing, Plan, PlanBuilder, Report,
};
use crate::settings::Settings;
use crate::text::{display_path, sanitize};

/// Rows of the plan shown before sending (and by `--dry-run`).
const PLAN_ROWS: usize = 10;
/// Width of the progress bar's bar.
const BAR: usize = 24;
/// How often the bar is redrawn at most.
const REDRAW: Duration = Duration::from_millis(200);

pub async fn resend_many(settings: &Settings, client: &Client, a: ResendArgs) -> Result<(), CliError> {
    if a.return_code {
        return Err(CliError::usage(msg::RETURN_CODE_BULK));
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !a.dry_run {
        refuse_if_read_only(settings, msg::READ_ONLY_BULK)?;
        if !a.yes && !interactive {
            return Err(CliError::usage(msg::NEED_YES));
        }
    }
    if let Some(t) = &a.url_template {
        warn_template(t);
    }
    let query = a.query.clone().unwrap_or_default();
    let request = BulkRequest {
        call: if a.send_if_none {
            CodeCall::Send
        } else {
            CodeCall::Resend
        },
        mode: CodeMode::Send {
            url_template: a.url_template.clone(),
        },
    };
    let job = JobHeader {
        instance: settings.url.as_str().trim_end_matches('/').to_string(),
        query: query.clone(),
        org: settings.org.clone(),
        unverified: a.unverified,
    };
    let template = a.url_template.as_ref().map(|t| t.as_str());
    let journal_path = match a.journal.clone().or_else(|| default_path(&job)) {
        Some(p) => p,
        None => return Err(CliError::usage(JournalError::NoStateDirectory.to_string())),
    };
    let max = usize::try_from(a.max).unwrap_or(usize::MAX);
    let (plan, orgs) = make_plan(settings, client, &query, a.unverified, max).await?;
    if plan.over_max {
        return Err(CliError::usage(msg::over_max(a.max)));
    }
    let shown_path = display_path(&journal_path);
    let sent_what = msg::what_is_sent(a.send_if_none, template);
    let counts = journal_counts(&plan, &read_journal(&journal_path)?);
    let text = msg::plan_text(&plan, &orgs, &sent_what, &shown_path, counts, PLAN_ROWS, a.rate);
    if a.dry_run {
        return match a.json {
            true => super::users::print_json(&PlanJson::of(
                &plan,
                request.call.word(),
                template,
                &shown_path,
                counts,
            )),
            false => write_stdout(&text),
        };
    }
    eprint!("{text}");
    if plan.targets.is_empty() {
        eprintln!("zitadesk: nobody to send to; nothing was sent");
        return Ok(());
    }
    if !a.yes && !confirmed(plan.targets.len())? {
        return Err(CliError::usage(msg::NOT_CONFIRMED));
    }
    let mut journal = Journal::open(&journal_path, &job).map_err(journal_error)?;
    let cancel = CancellationToken::new();
    let _signals = stop_on_signals(cancel.clone());
    let audit = Arc::new(settings.audit_context());
    let started = Instant::now();
    let mut shown = Shown::new(std::io::stderr().is_terminal(), a.json, plan.targets.len());
    let report = crate::bulk::run(
        client,
        audit,
        &plan.targets,
        &request,
        Pacing { rate: a.rate },
        &mut journal,
        &cancel,
        &mut |e| shown.event(e),
    )
    .await;
    shown.finish();
    if a.json {
        write_stdout(&json_line(&SummaryJson::of(&report, &plan, &shown_path)))?;
    }
    eprint!("{}", msg::summary(&report, &shown_path, started.elapsed()));
    match report.all_sent() {
        true => Ok(()),
        false => Err(CliError::other(msg::not_all_sent(&report))),
    }
}

/// Walks the search's pages (by user ID: the one unique sort), keeping a plan of at most
/// `max` + 1 users: memory stays bounded by the plan, not by the instance.
async fn make_plan(
    settings: &Settings,
    client: &Client,
    query: &str,
    unverified: bool,
    max: usize,
) -> Result<(Plan, OrgDirectory), CliError> {
    let list = ListArgs {
        query: Some(query.to_string()),
        scan_limit: u64::MAX,
        limit: crate::api::client::MAX_PAGE,
        offset: 0,
        sort: None,
        desc: false,
        json: false,
    };
    let (request, mut local, orgs) = list_request(settings, client, &list).await?;
    if unverified {
        // The same local term as `verified:false` in a search.
        local.terms.push(LocalTerm {
            field: LocalField::EmailVerified,
            verified: false,
            negated: false,
        });
    }
    let mut scan = ScanState::new(request, local, usize::MAX, u64::MAX);
    let mut plan = PlanBuilder::new(unverified, max);
    let terminal = std::io::stderr().is_terminal();
    while let Some(page) = scan.next_request() {
        let answer = client
            .list_users(&page)
            .await
            .map_err(|e| CliError::from(e).prefixed("reading the users to plan (nothing was sent)"))?;
        scan.take(&page, answer);
        plan.take(scan.drain_matches());
        if terminal {
            let p = scan.progress();
            eprint!(
                "\r\x1b[Kzitadesk: planning — {} of {} users read",
                crate::text::thousands(p.scanned),
                crate::text::thousands(p.total.unwrap_or(p.scanned))
            );
        }
        if plan.full() {
            break;
        }
    }
    if terminal {
        eprint!("\r\x1b[K");
    }
    let plan = plan.finish();
    let rows = !plan.targets.is_empty() || !plan.needs_invite.is_empty();
    let orgs = super::users::org_names(client, rows, orgs).await;
    Ok((plan, orgs))
}

fn read_journal(path: &std::path::Path) -> Result<Replay, CliError> {
    let mut text = String::new();
    if let Some(mut f) = crate::secure_fs::open_read(path).map_err(|e| CliError::usage(e.to_string()))? {
        use std::io::Read;
        f.read_to_string(&mut text)
            .map_err(|e| CliError::other(format!("cannot read the journal {}: {e}", display_path(path))))?;
    }
    Ok(replay(&text))
}

fn journal_counts(plan: &Plan, r: &Replay) -> JournalCounts {
    let mut c = JournalCounts::default();
    for t in &plan.targets {
        match r.entries.get(&t.user_id) {
            Some(Entry::Done) => c.done += 1,
            Some(Entry::Unknown) => c.unknown += 1,
            Some(Entry::Failed(_)) => c.failed += 1,
            None => {}
        }
    }
    c
}

fn journal_error(e: JournalError) -> CliError {
    match e {
        JournalError::OtherJob { .. } | JournalError::NotAJournal { .. } | JournalError::NoStateDirectory => {
            CliError::usage(format!("{e}; nothing was sent"))
        }
        JournalError::File(f) if f.is_refusal() => CliError::usage(format!("{f}; nothing was sent")),
        other => CliError::other(format!("{other}; nothing was sent")),
    }
}

/// Asks on the terminal; only "yes" goes on.
fn confirmed(n: usize) -> Result<bool, CliError> {
    eprint!("{}", msg::confirm_prompt(n));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::other(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

/// Ends the signal watch with the run.
struct SignalGuard(tokio::task::JoinHandle<()>);

impl Drop for SignalGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Ctrl-C and SIGTERM cancel the run (it stops after the request in flight).
fn stop_on_signals(cancel: CancellationToken) -> SignalGuard {
    SignalGuard(tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut term) = signal(SignalKind::terminate()) {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            } else {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        eprintln!("\nzitadesk: stopping after the request in flight…");
        cancel.cancel();
    }))
}

/// The progress on stderr and the per-user JSON lines on stdout.
struct Shown {
    terminal: bool,
    json: bool,
    started: Instant,
    last_draw: Option<Instant>,
    /// Plain lines: one every `step` users, and the count of the last one printed.
    step: usize,
    printed: usize,
    tally: Tally,
    bar_shown: bool,
}

impl Shown {
    fn new(terminal: bool, json: bool, total: usize) -> Shown {
        let step = (total / 20).max(1);
        Shown {
            terminal,
            json,
            started: Instant::now(),
            last_draw: None,
            step,
            printed: 0,
            tally: Tally {
                done: 0,
                total,
                sent: 0,
                failed: 0,
                unknown: 0,
                per_sec: 0.0,
            },
            bar_shown: false,
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Throttled { rate, pause } => {
                self.clear_bar();
                eprintln!("zitadesk: {}", msg::throttled(rate, pause));
            }
            Event::User { progress, result } => {
                use crate::bulk::Status;
                self.tally.done = progress.done;
                match result.status {
                    Status::Sent => self.tally.sent += 1,
                    Status::Failed => self.tally.failed += 1,
                    Status::Unknown | Status::AlreadyUnknown => self.tally.unknown += 1,
                    Status::AlreadyDone => {}
                }
                let secs = self.started.elapsed().as_secs_f64();
                if secs > 0.0 {
                    self.tally.per_sec =
                        (self.tally.sent + self.tally.failed + self.tally.unknown) as f64 / secs;
                }
                if let Some(e) = &result.audit_error {
                    self.clear_bar();
                    eprintln!("zitadesk: warning: {}", sanitize(e));
                }
                if self.json {
                    // A closed stdout must not stop the run: the journal and audit trail
                    // keep the record.
                    let _ = write_stdout(&json_line(&UserJson::of(&result)));
                }
                self.draw(false);
            }
        }
    }

    fn draw(&mut self, last: bool) {
        if self.terminal {
            let due = self.last_draw.is_none_or(|t| t.elapsed() >= REDRAW);
            if due || last {
                // One line that fits: a wrapped line could not be redrawn in place.
                let cols = crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c));
                let line = format!("zitadesk: {}", msg::progress_bar(&self.tally, BAR));
                eprint!("\r\x1b[K{}", crate::text::truncate(&line, cols.saturating_sub(1)));
                let _ = std::io::stderr().flush();
                self.last_draw = Some(Instant::now());
                self.bar_shown = true;
            }
        } else if self.tally.done >= self.printed + self.step || (last && self.tally.done > self.printed) {
            eprintln!("zitadesk: {}", msg::progress_line(&self.tally));
            self.printed = self.tally.done;
        }
    }

    fn clear_bar(&mut self) {
        if self.bar_shown {
            eprint!("\r\x1b[K");
            self.bar_shown = false;
        }
    }

    fn finish(&mut self) {
        self.draw(true);
        if self.terminal {
            eprintln!();
        }
    }
}

fn json_line<T: Serialize>(v: &T) -> String {
    let text = serde_json::to_string(v).unwrap_or_default();
    format!("{}\n", crate::text::terminal_safe_json(&text))
}

/// One user's result, as `--json` prints it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    user_id: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zitadel_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    requests: u32,
}

impl<'a> UserJson<'a> {
    fn of(r: &'a crate::bulk::UserResult) -> Self {
        UserJson {
            kind: "user",
            user_id: &r.user_id,
            status: r.status.word(),
            reason: r.reason.as_deref(),
            zitadel_id: r.zitadel_id.as_deref(),
            sequence: r.sequence,
            error: r.error.as_deref(),
            requests: r.requests,
        }
    }
}

/// The last `--json` line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    planned: usize,
    sent: usize,
    failed: &'a std::collections::BTreeMap<String, usize>,
    unknown: Vec<&'a String>,
    already_sent: usize,
    needs_invite: Vec<&'a str>,
    not_reached: usize,
    requests: u64,
    stopped: Option<&'static str>,
    journal: &'a str,
}

impl<'a> SummaryJson<'a> {
    fn of(r: &'a Report, plan: &'a Plan, journal: &'a str) -> Self {
        use crate::bulk::Stop;
        SummaryJson {
            kind: "summary",
            planned: r.total,
            sent: r.sent,
            failed: &r.failed,
            unknown: r.unknown.iter().chain(&r.already_unknown).collect(),
            already_sent: r.already_done,
            needs_invite: plan.needs_invite.iter().map(|t| t.user_id.as_str()).collect(),
            not_reached: r.not_started,
            requests: r.requests,
            stopped: r.stopped.as_ref().map(|s| match s {
                Stop::Cancelled => "cancelled",
                Stop::Hopeless(_) => "hopeless",
                Stop::Journal(_) => "journal",
            }),
            journal,
        }
    }
}

/// `--dry-run --json`: the whole plan.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanJson<'a> {
    found: u64,
    send: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_template: Option<&'a str>,
    journal: &'a str,
    already_sent: usize,
    already_unknown: usize,
    targets: Vec<TargetJson<'a>>,
    needs_invite: Vec<TargetJson<'a>>,
    left_out: std::collections::BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetJson<'a> {
    user_id: &'a str,
    login: &'a str,
    email: &'a str,
    org: &'a str,
}

impl<'a> PlanJson<'a> {
    fn of(
        plan: &'a Plan,
        send: &'a str,
        url_template: Option<&'a str>,
        journal: &'a str,
        counts: JournalCounts,
    ) -> Self {
        let rows = |ts: &'a [crate::bulk::Target]| {
            ts.iter()
                .map(|t| TargetJson {
                    user_id: &t.user_id,
                    login: &t.login,
                    email: &t.email,
                    org: &t.org,
                })
                .collect()
        };
        PlanJson {
            found: plan.found,
            send,
            url_template,
            journal,
            already_sent: counts.done,
            already_unknown: counts.unknown,
            targets: rows(&plan.targets),
            needs_invite: rows(&plan.needs_invite),
            left_out: plan.skipped.iter().map(|(k, v)| (k.word(), *v)).collect(),
        }
    }
}
