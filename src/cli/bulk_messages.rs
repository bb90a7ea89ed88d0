//! What `users resend-email --query` says: the plan, the progress, the summary, the refusals.
//! Every string from ZITADEL passes through `sanitize` here or in the printer.

use std::fmt::Write as _;
use std::time::Duration;

use crate::api::orgs::OrgDirectory;
use crate::bulk::{Plan, Report, Skip, Stop, Target};
use crate::text::{pad, sanitize, thousands, truncate};

/// `resend-email --help`: the many-users mode in full.
pub const RESEND_MANY_HELP: &str = "\
Many users at once (--query): every user the search finds, paced and resumable.
  zitadesk users resend-email -q 'email:@acme.example' --unverified --default-link --dry-run
  zitadesk users resend-email -q 'email:@acme.example' --unverified --default-link --yes
Only humans with an address (and with --unverified, an unverified one) get a request; users who
cannot sign in yet (state INITIAL) are listed apart: they need `users invite`, which ZITADEL
requires for them. One request per user, never more: ResendEmailCode, or with --send-if-none
SendEmailCode (ZITADEL's call that issues a code whether or not one is pending — the same
effect as a resend where one is, and a fresh code where none is, in a single request).
A 429 or 503 slows the pace down; a user whose request got a 429 is asked again after the
pause (ZITADEL refused it, nothing was issued), but a request whose outcome is unknown (503,
time-out, broken connection) is never repeated: it is listed at the end for a human decision.
The journal (JSON lines, 0600) records each user before and after the request; re-running the
same command continues where the last run stopped, after Ctrl-C, SIGTERM or even SIGKILL, and
skips users already sent or unknown. The journal belongs to the selection (instance, query,
--org, --unverified), not to the call or link: adding --send-if-none or fixing a template and
re-running sends to the failed users only. A finished journal keeps skipping its users: to send
to the same users again later, pass a new --journal FILE.
Exit codes: 0 every planned user was sent a code; 5 any failed, unknown or not reached;
2 usage (incl. a plan larger than --max, read-only mode, --return-code with --query).";

/// Read-only mode's refusal (the plan may still be looked at).
pub const READ_ONLY_BULK: &str = "resending is disabled (--dry-run still shows the plan)";

pub const RETURN_CODE_BULK: &str = "--return-code works for one user only: with --query every code would be printed \
here and no one mailed; use --default-link or --url-template; nothing was sent";

pub const NEED_YES: &str = "with --query, add --dry-run to see the plan or --yes to send (stdin is not a terminal, \
so zitadesk cannot ask); nothing was sent";

pub const NOT_CONFIRMED: &str = "not confirmed; nothing was sent";

/// The plan is larger than `--max`.
pub fn over_max(max: u64) -> String {
    format!(
        "more than {} users would get a request (--max {max}); narrow --query, or raise --max if you mean it; nothing was sent",
        thousands(max)
    )
}

/// What each user will get, in words.
pub fn what_is_sent(send_if_none: bool, template: Option<&str>) -> String {
    let call = if send_if_none {
        "SendEmailCode (a fresh code whether or not one is pending)"
    } else {
        "ResendEmailCode (refused for users with no pending code)"
    };
    let link = match template {
        Some(t) => format!("a link from {}", sanitize(t)),
        None => "ZITADEL's default link".to_string(),
    };
    format!("{call}; ZITADEL mails the new code with {link}")
}

/// Where the journal stands for the plan's users.
#[derive(Debug, Default, Clone, Copy)]
pub struct JournalCounts {
    pub done: usize,
    pub unknown: usize,
    pub failed: usize,
}

/// The plan as `--dry-run` prints it (and as shown before asking).
pub fn plan_text(
    plan: &Plan,
    orgs: &OrgDirectory,
    sent_what: &str,
    journal: &str,
    counts: JournalCounts,
    rows: usize,
    rate: f64,
) -> String {
    let mut s = String::new();
    let n = plan.targets.len();
    let _ = writeln!(
        s,
        "{} of {} users found get one request each: {sent_what}",
        thousands(n as u64),
        thousands(plan.found)
    );
    let fresh = n.saturating_sub(counts.done + counts.unknown);
    if counts.done + counts.unknown + counts.failed > 0 {
        let _ = writeln!(
            s,
            "journal {journal}: {} already sent, {} unknown (both skipped), {} failed before (tried again) — {} to send",
            thousands(counts.done as u64),
            thousands(counts.unknown as u64),
            thousands(counts.failed as u64),
            thousands(fresh as u64)
        );
    } else {
        let _ = writeln!(s, "journal {journal}");
    }
    if fresh > 0 {
        let secs = (fresh as f64 / rate).ceil() as u64;
        let _ = writeln!(
            s,
            "at {rate} per second this takes at least {}",
            duration(Duration::from_secs(secs))
        );
    }
    if n > 0 {
        s.push_str(&rows_table(&plan.targets, orgs, rows));
    }
    if !plan.needs_invite.is_empty() {
        let _ = writeln!(
            s,
            "{} cannot sign in yet (state INITIAL) and get nothing — they need an invite (`zitadesk users invite ID`):",
            thousands(plan.needs_invite.len() as u64)
        );
        s.push_str(&rows_table(&plan.needs_invite, orgs, rows));
    }
    let skipped: Vec<String> = plan
        .skipped
        .iter()
        .map(|(why, count)| format!("{} {}", thousands(*count as u64), skip_words(*why)))
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(s, "left out: {}", skipped.join(", "));
    }
    s
}

pub fn skip_words(why: Skip) -> &'static str {
    match why {
        Skip::Machine => "machine users",
        Skip::NoEmail => "without an address",
        Skip::Verified => "already verified",
        Skip::Deleted => "deleted",
        Skip::NeedsInvite => "needing an invite",
    }
}

/// The first `rows` users as a small table, and how many more; organisations by name where
/// they could be read (as `users list` shows them), else by ID.
fn rows_table(targets: &[Target], orgs: &OrgDirectory, rows: usize) -> String {
    let mut s = String::new();
    let cell = |v: &str, w: usize| pad(&truncate(&sanitize(v), w), w);
    let _ = writeln!(
        s,
        "  {} {} {} ORG",
        pad("USER ID", 18),
        pad("LOGIN", 30),
        pad("EMAIL", 30)
    );
    for t in targets.iter().take(rows) {
        let _ = writeln!(
            s,
            "  {} {} {} {}",
            cell(&t.user_id, 18),
            cell(&t.login, 30),
            cell(&t.email, 30),
            sanitize(orgs.name(&t.org).unwrap_or(&t.org))
        );
    }
    if targets.len() > rows {
        let _ = writeln!(s, "  … and {} more", thousands((targets.len() - rows) as u64));
    }
    s
}

/// The question before sending.
pub fn confirm_prompt(n: usize) -> String {
    format!("Send to {} users? Type yes to go on: ", thousands(n as u64))
}

/// Counts for a progress line or bar.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    pub done: usize,
    pub total: usize,
    pub sent: usize,
    pub failed: usize,
    pub unknown: usize,
    /// Users per second so far.
    pub per_sec: f64,
}

impl Tally {
    fn eta(&self) -> String {
        let left = self.total.saturating_sub(self.done);
        if self.per_sec <= 0.0 {
            return "?".into();
        }
        duration(Duration::from_secs_f64(left as f64 / self.per_sec))
    }
}

/// The progress bar for a terminal (one line, redrawn).
pub fn progress_bar(t: &Tally, width: usize) -> String {
    let pct = if t.total == 0 {
        1.0
    } else {
        t.done as f64 / t.total as f64
    };
    let filled = ((pct * width as f64).round() as usize).min(width);
    format!(
        "[{}{}] {}/{} {:>3.0}% · {:.1}/s · ETA {} · sent {} failed {} unknown {}",
        "#".repeat(filled),
        "-".repeat(width - filled),
        thousands(t.done as u64),
        thousands(t.total as u64),
        pct * 100.0,
        t.per_sec,
        t.eta(),
        thousands(t.sent as u64),
        thousands(t.failed as u64),
        thousands(t.unknown as u64),
    )
}

/// A progress line for a log (not a terminal).
pub fn progress_line(t: &Tally) -> String {
    format!(
        "{}/{} done: sent {}, failed {}, unknown {} — {:.1}/s, ETA {}",
        thousands(t.done as u64),
        thousands(t.total as u64),
        thousands(t.sent as u64),
        thousands(t.failed as u64),
        thousands(t.unknown as u64),
        t.per_sec,
        t.eta()
    )
}

pub fn throttled(rate: f64, pause: Duration) -> String {
    format!(
        "ZITADEL asks to slow down: pausing {}, then {rate:.1} requests per second",
        duration(pause)
    )
}

/// How many IDs a summary lists before "and N more".
const LISTED: usize = 20;

/// The summary at the end (stderr).
pub fn summary(r: &Report, journal: &str, elapsed: Duration) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "done in {}: sent {}, failed {}, unknown {}; skipped as already sent {}, as unknown before {}; {} requests",
        duration(elapsed),
        thousands(r.sent as u64),
        thousands(r.failed_count() as u64),
        thousands(r.unknown.len() as u64),
        thousands(r.already_done as u64),
        thousands(r.already_unknown.len() as u64),
        thousands(r.requests),
    );
    for (reason, count) in &r.failed {
        let _ = writeln!(s, "  failed, {}: {}", sanitize(reason), thousands(*count as u64));
    }
    let mut unknown: Vec<&String> = r.unknown.iter().chain(&r.already_unknown).collect();
    if !unknown.is_empty() {
        let total = unknown.len();
        unknown.truncate(LISTED);
        let ids: Vec<String> = unknown.iter().map(|id| sanitize(id).into_owned()).collect();
        let more = match total > LISTED {
            true => format!(
                " and {} more (see --json or the journal)",
                thousands((total - LISTED) as u64)
            ),
            false => String::new(),
        };
        let _ = writeln!(
            s,
            "  outcome unknown — ZITADEL may have issued a code; check these users before sending again (zitadesk will not): {}{more}",
            ids.join(" ")
        );
    }
    match &r.stopped {
        Some(stop) => {
            let _ = writeln!(
                s,
                "stopped: {}; {} users not reached — run the same command again to continue (journal {journal})",
                stop_words(stop),
                thousands(r.not_started as u64)
            );
        }
        None if r.failed_count() > 0 => {
            let _ = writeln!(
                s,
                "the same command tries the failed users again (journal {journal}); the others are skipped"
            );
            if r.failed.contains_key("no_pending_code") {
                let _ = writeln!(
                    s,
                    "users with no pending code get a fresh one with --send-if-none added (same journal: no one already sent gets a second)"
                );
            }
        }
        None => {}
    }
    s
}

fn stop_words(stop: &Stop) -> String {
    match stop {
        Stop::Cancelled => "interrupted (after the request in flight)".into(),
        Stop::Hopeless(why) => format!("every further request would fail too: {}", sanitize(why)),
        Stop::Journal(why) => format!(
            "the journal cannot be written, so no further request is safe: {}",
            sanitize(why)
        ),
    }
}

/// The error line of a run that did not send to everyone (exit 5).
pub fn not_all_sent(r: &Report) -> String {
    format!(
        "not every planned user was sent a code ({} failed, {} unknown, {} not reached)",
        thousands(r.failed_count() as u64),
        thousands((r.unknown.len() + r.already_unknown.len()) as u64),
        thousands(r.not_started as u64)
    )
}

/// `1h02m`, `3m05s`, `12s`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_bars_read_well() {
        assert_eq!(duration(Duration::from_secs(12)), "12s");
        assert_eq!(duration(Duration::from_secs(185)), "3m05s");
        assert_eq!(duration(Duration::from_secs(3720)), "1h02m");
        let t = Tally {
            done: 250,
            total: 1000,
            sent: 240,
            failed: 8,
            unknown: 2,
            per_sec: 50.0,
        };
        assert_eq!(
            progress_bar(&t, 20),
            "[#####---------------] 250/1,000  25% · 50.0/s · ETA 15s · sent 240 failed 8 unknown 2"
        );
        assert_eq!(
            progress_line(&t),
            "250/1,000 done: sent 240, failed 8, unknown 2 — 50.0/s, ETA 15s"
        );
    }
}
