//! The bulk runner as the console will drive it: a plan, a pacing, a journal, a cancel token
//! and a callback — against the in-process demo over HTTP. "Esc" is a cancel from the
//! callback: the run stops after the request in flight, and nothing more is sent.

mod common;

use std::sync::Arc;

use common::{client, demo_with, scratch_home};
use tokio_util::sync::CancellationToken;
use zitadesk::action::AuditContext;
use zitadesk::api::{CodeCall, CodeMode};
use zitadesk::audit::AuditLog;
use zitadesk::bulk::{BulkRequest, Event, JobHeader, Journal, Pacing, Status, Stop, Target};
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer};

/// The first `n` users a plan would send to.
async fn targets(api: &zitadesk::api::Client, n: usize) -> Vec<Target> {
    common::all_users(api)
        .await
        .iter()
        .filter_map(|u| zitadesk::bulk::plan::classify(u, false).ok())
        .take(n)
        .collect()
}

fn job() -> JobHeader {
    JobHeader {
        instance: "demo".into(),
        query: "engine".into(),
        org: None,
        unverified: false,
    }
}

fn send() -> BulkRequest {
    BulkRequest {
        call: CodeCall::Send,
        mode: CodeMode::Send { url_template: None },
    }
}

fn sends(demo: &DemoServer) -> usize {
    demo.requests()
        .iter()
        .filter(|r| r.path.ends_with("/email/send"))
        .count()
}

async fn setup(test: &str) -> (DemoServer, Journal, Arc<AuditContext>) {
    let demo = demo_with(DemoConfig {
        generated_users: 50,
        ..DemoConfig::default()
    })
    .await;
    let home = scratch_home(&format!("bulk-engine-{test}"));
    let journal = Journal::open(&home.join("j.jsonl"), &job()).unwrap();
    let audit = Arc::new(AuditContext {
        log: AuditLog::new(Some(home.join("audit.jsonl"))),
        ..AuditContext::default()
    });
    (demo, journal, audit)
}

#[tokio::test]
async fn a_cancel_from_the_callback_stops_after_the_request_in_flight() {
    let (demo, mut journal, audit) = setup("esc").await;
    let api = client(&demo, ADMIN_TOKEN);
    let plan = targets(&api, 10).await;
    let cancel = CancellationToken::new();
    let mut done = Vec::new();
    let esc = cancel.clone();
    let report = zitadesk::bulk::run(
        &api,
        audit,
        &plan,
        &send(),
        Pacing { rate: 1000.0 },
        &mut journal,
        &cancel,
        &mut |e| {
            if let Event::User { progress, result } = e {
                done.push((progress.done, progress.total, result.status));
                if progress.done == 3 {
                    esc.cancel(); // the agent pressed Esc while the third was in flight
                }
            }
        },
    )
    .await;
    assert_eq!(
        done,
        [
            (1, 10, Status::Sent),
            (2, 10, Status::Sent),
            (3, 10, Status::Sent)
        ]
    );
    assert_eq!(report.stopped, Some(Stop::Cancelled));
    assert_eq!((report.sent, report.not_started, report.requests), (3, 7, 3));
    assert_eq!(sends(&demo), 3);
}

#[tokio::test]
async fn a_run_cancelled_before_it_starts_sends_nothing_and_a_second_run_skips_the_done() {
    let (demo, mut journal, audit) = setup("resume").await;
    let api = client(&demo, ADMIN_TOKEN);
    let plan = targets(&api, 6).await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let report = zitadesk::bulk::run(
        &api,
        audit.clone(),
        &plan,
        &send(),
        Pacing::default(),
        &mut journal,
        &cancel,
        &mut |_| {},
    )
    .await;
    assert_eq!((report.sent, report.not_started), (0, 6));
    assert_eq!(sends(&demo), 0);

    // Two users sent earlier: the next run skips them and sends to the four others.
    let cancel = CancellationToken::new();
    let report = zitadesk::bulk::run(
        &api,
        audit.clone(),
        &plan[..2],
        &send(),
        Pacing { rate: 1000.0 },
        &mut journal,
        &cancel,
        &mut |_| {},
    )
    .await;
    assert_eq!(report.sent, 2);
    let report = zitadesk::bulk::run(
        &api,
        audit,
        &plan,
        &send(),
        Pacing { rate: 1000.0 },
        &mut journal,
        &cancel,
        &mut |_| {},
    )
    .await;
    assert_eq!((report.sent, report.already_done), (4, 2));
    assert!(report.all_sent());
    assert_eq!(sends(&demo), 6);
}

#[tokio::test]
async fn esc_while_a_request_is_in_flight_lets_it_finish_and_sends_no_more() {
    let (demo, mut journal, audit) = setup("in-flight").await;
    let api = client(&demo, ADMIN_TOKEN);
    let plan = targets(&api, 5).await;
    demo.set_faults(zitadesk::demo::Faults {
        latency: std::time::Duration::from_millis(300),
        ..Default::default()
    });
    let cancel = CancellationToken::new();
    let esc = cancel.clone();
    let demo = Arc::new(demo);
    let watched = Arc::clone(&demo);
    // Esc as soon as the second request has arrived and is not yet answered.
    let watcher = tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let in_flight = watched
                .requests()
                .iter()
                .filter(|r| r.path.ends_with("/email/send"))
                .enumerate()
                .any(|(i, r)| i == 1 && r.status == 0);
            if in_flight {
                esc.cancel();
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the second request never arrived"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    });
    let report = zitadesk::bulk::run(
        &api,
        audit,
        &plan,
        &send(),
        Pacing { rate: 1000.0 },
        &mut journal,
        &cancel,
        &mut |_| {},
    )
    .await;
    watcher.await.unwrap();
    assert_eq!(report.stopped, Some(Stop::Cancelled));
    assert_eq!((report.sent, report.not_started), (2, 3));
    let sent: Vec<u16> = demo
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/email/send"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        sent,
        [200, 200],
        "the request in flight was answered, and no other went out"
    );
}
