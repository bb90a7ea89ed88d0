//! What the console says about marks and the bulk resend: the status notes, and the bulk
//! dialog's lines for each phase. Keys are named from the keymaps.

use std::time::Duration;

use crate::bulk::{Plan, Report, Stop};
use crate::cli::bulk_messages::{duration, skip_words, what_is_sent};
use crate::text::{sanitize, thousands};
use crate::tui::bulk_dialog::{JournalCounts, Tally};

fn n(v: usize) -> String {
    thousands(v as u64)
}

/// The status row's count of marks, before "N of TOTAL".
pub fn marked_counter(marked: usize) -> String {
    format!("{} marked", n(marked))
}

/// The status line after the first quit key while a bulk run goes.
pub fn quit_while_running() -> String {
    format!(
        "a bulk resend is running: {} again stops it after the request in flight and quits (journaled and audited)",
        crate::tui::keys::quit_key()
    )
}

/// After `*`: how many of the users the search found are marked now.
pub fn marked_all(marked: usize, shown: usize, total: u64) -> String {
    let resend = crate::tui::browse::resend_key();
    let more = match total > shown as u64 {
        true => format!(
            " (the {} loaded of {}; scroll on to load more)",
            n(shown),
            thousands(total)
        ),
        false => String::new(),
    };
    format!(
        "{} marked: every user shown{more} — {resend} resends to them all",
        n(marked)
    )
}

/// After `u` (or a new search) dropped the marks.
pub fn unmarked(count: usize) -> String {
    format!("{} marks dropped", n(count))
}

/// `u` with nothing marked.
pub fn nothing_marked() -> String {
    format!(
        "nothing is marked: {} marks the selected user",
        crate::tui::browse::mark_key()
    )
}

pub fn dialog_title(marked: usize) -> String {
    format!(" Resend the verification email to {} marked users ", n(marked))
}

/// Why nothing can be sent: read-only mode (the single resend's wording).
pub fn read_only(source: Option<&str>) -> String {
    super::dialog::read_only(crate::api::ActionKind::EmailCode, source)
}

pub const NO_JOURNAL_DIR: &str = "No state directory for the journal (set XDG_STATE_HOME or HOME): without a \
journal a stopped run could mail users twice. Nothing can be sent; the CLI can: users resend-email --journal FILE.";

/// The plan, before Enter.
pub fn confirm_lines(
    plan: &Plan,
    template: Option<&str>,
    links: usize,
    rate: f64,
    journal: &str,
    counts: Option<&Result<JournalCounts, String>>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let count = plan.targets.len();
    lines.push(format!("{} users get one request each:", n(count)));
    lines.push(format!("  {}", what_is_sent(false, template)));
    if links > 1 {
        lines.push(format!(
            "  link: {} ({} choices)",
            template.map_or_else(|| "ZITADEL's default".to_string(), |t| sanitize(t).into_owned()),
            links
        ));
    }
    // Users the journal has as sent or unknown take no time.
    let fresh = match counts {
        Some(Ok(c)) => count.saturating_sub(c.done + c.unknown),
        _ => count,
    };
    let secs = (fresh as f64 / rate).ceil() as u64;
    lines.push(format!(
        "rate: {rate} per second — at least {}",
        duration(Duration::from_secs(secs))
    ));
    if !plan.needs_invite.is_empty() {
        let names: Vec<String> = plan
            .needs_invite
            .iter()
            .take(3)
            .map(|t| sanitize(&t.login).into_owned())
            .collect();
        let more = plan.needs_invite.len().saturating_sub(names.len());
        lines.push(format!(
            "{} cannot sign in yet (state INITIAL) and get nothing — they need an invite: {}{}",
            n(plan.needs_invite.len()),
            names.join(", "),
            if more > 0 {
                format!(" and {} more", n(more))
            } else {
                String::new()
            }
        ));
    }
    let skipped: Vec<String> = plan
        .skipped
        .iter()
        .map(|(why, c)| format!("{} {}", n(*c), skip_words(*why)))
        .collect();
    if !skipped.is_empty() {
        lines.push(format!("left out: {}", skipped.join(", ")));
    }
    lines.push(format!("journal: {journal}"));
    lines.push(match counts {
        Some(Ok(c)) if c.done + c.unknown + c.failed > 0 => format!(
            "the journal has {} already sent and {} unknown (both skipped), {} failed before (tried again) — {} to send",
            n(c.done),
            n(c.unknown),
            n(c.failed),
            n(count.saturating_sub(c.done + c.unknown))
        ),
        Some(Err(e)) => format!("the journal cannot be read: {}", sanitize(e)),
        _ => "users the journal has as sent (or unknown) are skipped: at most one code each".into(),
    });
    if count == 0 {
        lines.push("nobody to send to: nothing will be sent".into());
    }
    lines
}

/// The run so far.
pub fn progress_lines(t: &Tally, total: usize, stopping: bool, throttled: Option<f64>) -> Vec<String> {
    let mut lines = vec![
        format!("{} of {} done", n(t.done), n(total)),
        format!(
            "sent {} · failed {} · unknown {} · skipped (sent before) {}",
            n(t.sent),
            n(t.failed),
            n(t.unknown),
            n(t.already)
        ),
        format!("rate {:.1} per second", t.rate),
    ];
    if let Some(rate) = throttled {
        lines.push(format!("ZITADEL asked to slow down: now {rate:.1} per second"));
    }
    lines.push(match stopping {
        true => "stopping after the request in flight…".into(),
        false => "Esc stops after the request in flight; re-opening continues where it stopped".into(),
    });
    lines
}

/// A bar of `width` cells for `done` of `total`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width).min(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

/// The summary, until dismissed.
pub fn summary_lines(report: &Report, needs_invite: usize, journal: &str) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push(match &report.stopped {
        None => format!(
            "done: {} of {} users",
            n(report.total - report.not_started),
            n(report.total)
        ),
        Some(Stop::Cancelled) => format!(
            "stopped after the request in flight: {} not reached",
            n(report.not_started)
        ),
        Some(Stop::Hopeless(e)) => {
            format!("stopped: {} — {} not reached", sanitize(e), n(report.not_started))
        }
        Some(Stop::Journal(e)) => format!(
            "stopped: the journal failed ({}) — {} not reached",
            sanitize(e),
            n(report.not_started)
        ),
    });
    lines.push(format!("sent: {}", n(report.sent)));
    lines.push(format!(
        "skipped, sent by an earlier run: {}",
        n(report.already_done)
    ));
    if !report.already_unknown.is_empty() {
        lines.push(format!(
            "skipped, outcome unknown in an earlier run: {} ({})",
            n(report.already_unknown.len()),
            ids(&report.already_unknown)
        ));
    }
    if !report.failed.is_empty() {
        let reasons: Vec<String> = report
            .failed
            .iter()
            .map(|(why, c)| format!("{} {}", n(*c), sanitize(why)))
            .collect();
        lines.push(format!("failed (nothing issued): {}", reasons.join(", ")));
    }
    if !report.unknown.is_empty() {
        lines.push(format!(
            "outcome unknown (a code may exist; never asked again): {} ({})",
            n(report.unknown.len()),
            ids(&report.unknown)
        ));
    }
    if needs_invite > 0 {
        lines.push(format!("need an invite instead (not sent): {}", n(needs_invite)));
    }
    lines.push(format!("requests made: {}", thousands(report.requests)));
    lines.push(format!("journal: {journal}"));
    lines
}

fn ids(ids: &[String]) -> String {
    let shown: Vec<String> = ids.iter().take(3).map(|i| sanitize(i).into_owned()).collect();
    match ids.len() > shown.len() {
        true => format!("{}, …", shown.join(", ")),
        false => shown.join(", "),
    }
}

/// Requests whose audit line is missing (the request stands; the journal has it).
pub fn audit_missing(t: &Tally) -> Option<String> {
    let why = t.audit_error.as_deref()?;
    Some(format!(
        "warning: {} audit lines could not be written ({}); the journal records those requests",
        n(t.audit_errors),
        sanitize(why)
    ))
}

/// The run could not start (the journal).
pub fn not_started(error: &str) -> String {
    format!("not started: {}; nothing was sent", sanitize(error))
}
