//! The bulk resend from the console against the demo instance over real HTTP: users marked with
//! `space`, `r`, Enter — the real `App` with the run loop's own executor running
//! `bulk::run` in the background. Asserted from the demo's request log, the journal on disk and
//! the audit trail: one request per planned user, Esc stops after the request in flight, and
//! the same marks again continue from the journal without sending anyone a second code.

mod common;
#[path = "common/driver.rs"]
mod driver;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use common::*;
use crossterm::event::KeyCode;
use driver::*;
use serde_json::Value;
use zitadesk::bulk::{Report, Stop};
use zitadesk::demo::{ADMIN_TOKEN, DemoServer, Faults};
use zitadesk::tui::bulk_dialog::BulkPhase;
use zitadesk::tui::msg::Msg;

/// Users with a pending code marked at most; more than can be sent before Esc.
const MARKED: usize = 8;

/// Resend requests per user ID, from the demo's log.
fn resends(demo: &DemoServer) -> HashMap<String, usize> {
    let mut per_user = HashMap::new();
    for r in requests_to(demo, "/email/resend") {
        let id = r
            .path
            .trim_end_matches("/email/resend")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        *per_user.entry(id).or_insert(0) += 1;
    }
    per_user
}

fn journal_lines(dir: &Path, kind: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .flat_map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
        .filter(|v| v["t"] == kind)
        .count()
}

/// Takes in messages until the bulk run ends; `on_first_user` runs after the first user's
/// turn is over (once).
async fn run_to_end(d: &mut Driver, mut on_first_user: impl FnMut(&mut Driver)) -> Report {
    let mut first = true;
    loop {
        let msg = tokio::time::timeout(DEADLINE, d.rx.recv())
            .await
            .expect("a message within the deadline")
            .expect("the channel stays open");
        let user_event = matches!(
            msg,
            Msg::BulkEvent {
                event: zitadesk::bulk::Event::User { .. },
                ..
            }
        );
        d.update(msg);
        if user_event && std::mem::take(&mut first) {
            on_first_user(d);
        }
        if let Some(BulkPhase::Done { report, error, tally }) = d.app.bulk.as_ref().map(|b| &b.phase) {
            assert_eq!(error, &None);
            assert_eq!(tally.audit_errors, 0, "every request audited");
            return *report.clone().expect("a report");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marked_users_get_one_request_each_esc_stops_and_the_journal_resumes() {
    let dir = scratch("bulk-console");
    let audit = dir.join("audit.jsonl");
    let jobs = dir.join("jobs");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.app.connection.instance = demo.url();
    d.app.connection.journal_dir = Some(jobs.clone());

    // Mark the users with a pending code (ZITADEL accepts their resend: one request issues
    // one code), and a machine user (planned out: no request).
    let rows: Vec<_> = d
        .app
        .list
        .visible(0, d.app.list.len())
        .map(|r| r.user.clone())
        .collect();
    let mut machine = None;
    for user in &rows {
        let pending = is_unverified_human(user) && demo.pending_code(&user.user_id).is_some();
        let first_machine = user.machine.is_some() && machine.is_none();
        if (pending && d.app.marks.len() < MARKED) || first_machine {
            if first_machine {
                machine = Some(user.user_id.clone());
            }
            d.press(KeyCode::Char(' '));
        } else {
            d.press(KeyCode::Char('j'));
        }
    }
    let machine = machine.expect("the seed has a machine user");
    assert!(d.app.marks.len() >= 5, "marked {}", d.app.marks.len());
    d.press(KeyCode::Char('r'));
    let planned: Vec<String> = {
        let bulk = d.app.bulk.as_ref().expect("r with marks opens the bulk dialog");
        assert!(matches!(bulk.phase, BulkPhase::Confirm));
        bulk.plan.targets.iter().map(|t| t.user_id.clone()).collect()
    };
    assert!(
        planned.len() >= 4,
        "enough planned users to stop midway: {planned:?}"
    );
    assert!(!planned.contains(&machine), "a machine user is not planned");
    assert!(
        d.screen()
            .contains(&format!("{} users get one request each", planned.len()))
    );

    // Slow answers: Esc lands while the run is under way.
    demo.set_faults(Faults {
        latency: Duration::from_millis(400),
        ..Faults::default()
    });
    demo.clear_requests();
    d.press(KeyCode::Enter);
    let first = run_to_end(&mut d, |d| d.press(KeyCode::Esc)).await;
    assert_eq!(first.stopped, Some(Stop::Cancelled), "{first:?}");
    assert!(first.not_started > 0, "stopped before the end: {first:?}");
    let sent_first = resends(&demo);
    let reached = planned.len() - first.not_started;
    assert_eq!(
        sent_first.values().sum::<usize>() as u64,
        first.requests,
        "the report counts the requests the demo saw"
    );
    assert_eq!(
        sent_first.len(),
        reached,
        "one request per user reached: {sent_first:?}"
    );
    assert!(sent_first.values().all(|&n| n == 1), "{sent_first:?}");
    assert!(
        reached <= 2,
        "Esc after the first user's turn: at most the request in flight follows ({reached})"
    );
    assert_eq!(journal_lines(&jobs, "after"), reached);
    eprintln!("planned {}, reached before Esc {reached}", planned.len());
    assert!(d.screen().contains("stopped after the request in flight"));

    // Dismiss, then the same marks again: the same journal, only those not reached.
    d.press(KeyCode::Esc);
    assert!(d.app.bulk.is_none());
    demo.set_faults(Faults::default());
    d.press(KeyCode::Char('r'));
    // The plan says where the journal stands before anything is sent.
    while d.app.bulk.as_ref().is_some_and(|b| b.journal_counts.is_none()) {
        let msg = tokio::time::timeout(DEADLINE, d.rx.recv())
            .await
            .expect("the journal read within the deadline")
            .expect("the channel stays open");
        d.update(msg);
    }
    let said = format!(
        "the journal has {reached} already sent and 0 unknown (both skipped), 0 failed before (tried again) — {} to send",
        planned.len() - reached
    );
    assert!(
        d.screen().replace('\n', " ").contains(&said[..40]),
        "{}",
        d.screen()
    );
    d.press(KeyCode::Enter);
    let second = run_to_end(&mut d, |_| {}).await;
    assert_eq!(second.stopped, None, "{second:?}");
    let all = resends(&demo);
    for id in &planned {
        assert_eq!(
            all.get(id),
            Some(&1),
            "user {id}: exactly one request over both runs: {all:?}"
        );
    }
    assert_eq!(
        all.len(),
        planned.len(),
        "no request for a user not planned: {all:?}"
    );
    assert_eq!(first.sent, reached, "{first:?}");
    assert_eq!(
        second.already_done, reached,
        "users sent before are skipped: {second:?}"
    );
    assert_eq!(second.sent, planned.len() - reached, "{second:?}");
    // Every request has its audit line.
    let (lines, _) = audit_lines(&audit);
    assert_eq!(lines.len(), planned.len(), "{lines:?}");
}

/// Leaving the console while a run goes (`Executor::stop_bulk`, as the run loop does on quit):
/// the run stops after the request in flight, and that request has its journal and audit lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_stops_the_run_after_the_request_in_flight_with_its_lines_written() {
    let dir = scratch("bulk-console-quit");
    let audit = dir.join("audit.jsonl");
    let jobs = dir.join("jobs");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.app.connection.instance = demo.url();
    d.app.connection.journal_dir = Some(jobs.clone());
    d.press(KeyCode::Char('*'));
    d.press(KeyCode::Char('r'));
    let planned = d.app.bulk.as_ref().map_or(0, |b| b.plan.targets.len());
    assert!(planned > 3, "{planned}");
    demo.set_faults(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    });
    demo.clear_requests();
    d.press(KeyCode::Enter);
    // The first request is on its way (its `before` line is written first).
    let start = std::time::Instant::now();
    while journal_lines(&jobs, "before") == 0 {
        assert!(start.elapsed() < DEADLINE, "no request started");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let task = d.executor.stop_bulk().expect("a run is going");
    tokio::time::timeout(DEADLINE, task)
        .await
        .expect("the run ends within the deadline")
        .expect("the run's task ends cleanly");
    let sent = requests_to(&demo, "/email/resend").len();
    assert_eq!(sent, 1, "the request in flight, and no further one");
    assert_eq!(journal_lines(&jobs, "after"), 1, "its outcome is journaled");
    let (lines, _) = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "and audited: {lines:?}");
}
