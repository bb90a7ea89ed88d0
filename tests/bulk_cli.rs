//! `zitadesk users resend-email --query …` — many users at once — run as the real binary
//! against the in-process demo ZITADEL over HTTP. What is asserted is what the demo saw: its
//! request log says how many code-issuing requests each user got, across faults (429, 503,
//! latency), an interrupt and a SIGKILL followed by a re-run.

#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{demo_with, run, scratch_home, zitadesk_in};
use serde_json::Value;
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer, Faults};

/// How long a run (or a wait for one to get somewhere) may take.
const DEADLINE: Duration = Duration::from_secs(60);

async fn demo(users: usize) -> DemoServer {
    demo_with(DemoConfig {
        generated_users: users,
        ..DemoConfig::default()
    })
    .await
}

fn home(test: &str) -> PathBuf {
    scratch_home(&format!("bulk-{test}"))
}

fn journal(home: &Path) -> PathBuf {
    home.join("jobs").join("job.jsonl")
}

/// The binary against `demo` as its admin, with `args` after `users resend-email`.
fn zitadesk(home: &Path, demo: &DemoServer, args: &[&str]) -> Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", ADMIN_TOKEN)
        .args(["users", "resend-email"])
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// The planned user IDs, from `--dry-run --json`.
fn planned(home: &Path, demo: &DemoServer, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.extend(["--dry-run", "--json"]);
    let (code, out, err) = run(&mut zitadesk(home, demo, &all));
    assert_eq!(code, 0, "{err}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["userId"].as_str().unwrap().to_string())
        .collect()
}

/// Code-issuing requests (resend and send) the demo saw, per user: (answered 200, all).
fn code_requests(demo: &DemoServer) -> BTreeMap<String, (usize, usize)> {
    let mut per_user = BTreeMap::new();
    for r in demo.requests() {
        let Some(rest) = r.path.strip_prefix("/v2/users/") else {
            continue;
        };
        let Some((id, call)) = rest.split_once('/') else {
            continue;
        };
        if call != "email/resend" && call != "email/send" {
            continue;
        }
        let e: &mut (usize, usize) = per_user.entry(id.to_string()).or_default();
        e.1 += 1;
        if r.status == 200 {
            e.0 += 1;
        }
    }
    per_user
}

fn json_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn summary(out: &str) -> Value {
    json_lines(out)
        .into_iter()
        .find(|v| v["type"] == "summary")
        .expect("a summary line")
}

/// Journal lines of a kind (`before`, `after`).
fn journal_lines(path: &Path, kind: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["t"] == kind)
        .count()
}

/// Waits (with the deadline) until the journal has `n` finished users.
fn wait_for_afters(path: &Path, n: usize, child: &mut std::process::Child) {
    let start = Instant::now();
    while journal_lines(path, "after") < n {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before {n} users"
        );
        assert!(start.elapsed() < DEADLINE, "no {n} users done in time");
        std::thread::sleep(Duration::from_millis(5));
    }
}

const SELECT: [&str; 5] = [
    "--query",
    "first:anna",
    "--unverified",
    "--send-if-none",
    "--default-link",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_plan_and_sends_nothing() {
    let demo = demo(600).await;
    let h = home("dry-run");
    let (code, out, err) = run(&mut zitadesk(
        &h,
        &demo,
        &[
            "--query",
            "first:anna",
            "--unverified",
            "--default-link",
            "--dry-run",
        ],
    ));
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap();
    assert!(
        first.contains("users found get one request each: ResendEmailCode"),
        "{out}"
    );
    assert!(out.contains("USER ID") && out.contains("anna."), "{out}");
    // Organisations by name, as `users list` shows them (the JSON keeps the IDs).
    let row = out.lines().find(|l| l.contains("anna.")).unwrap();
    assert!(
        ["Acme", "Globex", "Initech"]
            .iter()
            .any(|n| row.trim_end().ends_with(n)),
        "{row}"
    );
    let ids = planned(&h, &demo, &SELECT);
    assert!(!ids.is_empty());
    assert!(code_requests(&demo).is_empty(), "a dry run sent a code");
    assert!(
        !journal(&h).exists() && !h.join("state/zitadesk/jobs").exists(),
        "a dry run wrote a journal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_send_nothing() {
    let demo = demo(600).await;
    let h = home("usage");
    let cases: [(&[&str], &str); 6] = [
        (
            &["--query", "first:anna", "--return-code"],
            "--return-code works for one user only",
        ),
        (
            &["--query", "first:anna", "--default-link"],
            "add --dry-run to see the plan or --yes to send",
        ),
        (
            &["--query", "first:anna", "--default-link", "--yes", "--max", "2"],
            "--max 2",
        ),
        (
            &["--query", "first:anna", "--default-link", "--yes", "--read-only"],
            "resending is disabled",
        ),
        (
            &[
                "300000000000000101",
                "--query",
                "first:anna",
                "--default-link",
                "--yes",
            ],
            "cannot be used with",
        ),
        (
            &["--query", "first:anna", "--default-link", "--yes", "--rate", "0"],
            "--rate",
        ),
    ];
    for (args, said) in cases {
        let (code, _, err) = run(&mut zitadesk(&h, &demo, args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
    assert!(code_requests(&demo).is_empty(), "a refused run sent a code");
    // A dry run is allowed in read-only mode: it sends nothing.
    let (code, _, err) = run(&mut zitadesk(
        &h,
        &demo,
        &[
            "--query",
            "first:anna",
            "--default-link",
            "--dry-run",
            "--read-only",
        ],
    ));
    assert_eq!(code, 0, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_planned_user_gets_one_code_and_a_rerun_sends_none() {
    let demo = demo(600).await;
    let h = home("once");
    let ids = planned(&h, &demo, &SELECT);
    let j = journal(&h);
    let mut args = SELECT.to_vec();
    args.extend([
        "--yes",
        "--json",
        "--rate",
        "100",
        "--journal",
        j.to_str().unwrap(),
    ]);
    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 0, "{err}");
    let lines = json_lines(&out);
    let users: Vec<&Value> = lines.iter().filter(|v| v["type"] == "user").collect();
    assert_eq!(users.len(), ids.len());
    assert!(
        users.iter().all(|u| u["status"] == "sent" && u["requests"] == 1),
        "{out}"
    );
    assert_eq!(summary(&out)["sent"], ids.len());
    let seen = code_requests(&demo);
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), {
        let mut sorted = ids.clone();
        sorted.sort();
        sorted
    });
    assert!(seen.values().all(|&(ok, all)| ok == 1 && all == 1), "{seen:?}");
    assert!(
        err.contains(&format!("sent {}, failed 0, unknown 0", ids.len())),
        "{err}"
    );
    // The journal is private, and every user has an audit line.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&j).unwrap().permissions().mode() & 0o777, 0o600);
    let audit = common::audit_records(&h);
    assert_eq!(audit.len(), ids.len());
    assert!(
        audit
            .iter()
            .all(|r| r["action"] == "send" || r["action"] == "resend"),
        "{audit:?}"
    );

    // The same command again: everyone is done; nothing is sent.
    demo.clear_requests();
    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 0, "{err}");
    assert_eq!(summary(&out)["alreadySent"], ids.len());
    assert!(code_requests(&demo).is_empty(), "a re-run sent again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_slows_down_and_asks_again_and_everyone_gets_exactly_one_code() {
    let demo = demo(600).await;
    let h = home("429");
    let ids = planned(&h, &demo, &SELECT);
    demo.set_faults(Faults {
        fail_every: Some(4),
        fail_status: 429,
        ..Faults::default()
    });
    let j = journal(&h);
    let mut args = SELECT.to_vec();
    args.extend([
        "--yes",
        "--json",
        "--rate",
        "100",
        "--journal",
        j.to_str().unwrap(),
    ]);
    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ZITADEL asks to slow down"), "{err}");
    let seen = code_requests(&demo);
    assert_eq!(seen.len(), ids.len());
    assert!(seen.values().all(|&(ok, _)| ok == 1), "{seen:?}");
    let retried = seen.values().filter(|&&(_, all)| all > 1).count();
    assert!(retried > 0, "no 429 met a resend: {seen:?}");
    assert_eq!(summary(&out)["sent"], ids.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_is_unknown_and_never_repeated_even_by_a_rerun() {
    let demo = demo(600).await;
    let h = home("503");
    let ids = planned(&h, &demo, &SELECT);
    demo.set_faults(Faults {
        fail_every: Some(5),
        fail_status: 503,
        ..Faults::default()
    });
    let j = journal(&h);
    let mut args = SELECT.to_vec();
    args.extend([
        "--yes",
        "--json",
        "--rate",
        "100",
        "--journal",
        j.to_str().unwrap(),
    ]);
    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 5, "{err}");
    let unknown: BTreeSet<String> = summary(&out)["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let answered_503: BTreeSet<String> = code_requests(&demo)
        .into_iter()
        .filter(|(_, (ok, _))| *ok == 0)
        .map(|(id, _)| id)
        .collect();
    assert!(!unknown.is_empty());
    assert_eq!(unknown, answered_503);
    assert!(err.contains("outcome unknown"), "{err}");

    // Faults gone, same command: nobody is asked again; the unknown ones are listed again.
    demo.set_faults(Faults::default());
    demo.clear_requests();
    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 5, "{err}");
    assert!(code_requests(&demo).is_empty(), "{:?}", code_requests(&demo));
    let s = summary(&out);
    assert_eq!(s["alreadySent"], ids.len() - unknown.len());
    assert_eq!(s["unknown"].as_array().unwrap().len(), unknown.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_run_then_a_rerun_gives_no_user_a_second_code() {
    let demo = demo(2000).await;
    let h = home("sigkill");
    let select = ["--query", "first:anna", "--send-if-none", "--default-link"];
    let ids = planned(&h, &demo, &select);
    assert!(ids.len() > 20, "{}", ids.len());
    demo.set_faults(Faults {
        latency: Duration::from_millis(20),
        ..Faults::default()
    });
    let j = journal(&h);
    let mut args = select.to_vec();
    args.extend([
        "--yes",
        "--json",
        "--rate",
        "50",
        "--journal",
        j.to_str().unwrap(),
    ]);
    let mut child = zitadesk(&h, &demo, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_afters(&j, ids.len() / 2, &mut child);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before_rerun = code_requests(&demo);
    assert!(before_rerun.len() < ids.len(), "the kill came too late");

    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    let seen = code_requests(&demo);
    assert!(
        seen.values().all(|&(_, all)| all <= 1),
        "a user was asked twice: {seen:?}"
    );
    let unknown: BTreeSet<String> = summary(&out)["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    // At most the one user whose request was in flight at the kill is unknown; everyone
    // else got exactly one code.
    assert!(unknown.len() <= 1, "{unknown:?}");
    for id in &ids {
        let got = seen.get(id).map_or(0, |&(ok, _)| ok);
        if !unknown.contains(id) {
            assert_eq!(got, 1, "{id}: {err}");
        }
    }
    assert_eq!(code, if unknown.is_empty() { 0 } else { 5 }, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_after_the_request_in_flight_and_a_rerun_finishes() {
    let demo = demo(2000).await;
    let h = home("sigint");
    let select = ["--query", "first:anna", "--send-if-none", "--default-link"];
    let ids = planned(&h, &demo, &select);
    demo.set_faults(Faults {
        latency: Duration::from_millis(20),
        ..Faults::default()
    });
    let j = journal(&h);
    let mut args = select.to_vec();
    args.extend(["--yes", "--rate", "50", "--journal", j.to_str().unwrap()]);
    let mut child = zitadesk(&h, &demo, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_afters(&j, 5, &mut child);
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("interrupted (after the request in flight)"), "{err}");
    // Every request that went out was waited for: each `before` has its `after`.
    assert_eq!(journal_lines(&j, "before"), journal_lines(&j, "after"));
    assert!(journal_lines(&j, "after") < ids.len());

    let (code, _, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 0, "{err}");
    let seen = code_requests(&demo);
    assert_eq!(seen.len(), ids.len());
    assert!(seen.values().all(|&(ok, all)| ok == 1 && all == 1), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_every_user_would_get_stops_the_run_after_the_first() {
    // ZITADEL 2.66 has no SendEmailCode: every user would be refused alike.
    let demo = demo_with(DemoConfig {
        generated_users: 600,
        version: zitadesk::demo::ZitadelVersion::V2_66,
        ..DemoConfig::default()
    })
    .await;
    let h = home("hopeless");
    let j = journal(&h);
    let mut args = SELECT.to_vec();
    args.extend([
        "--yes",
        "--json",
        "--rate",
        "100",
        "--journal",
        j.to_str().unwrap(),
    ]);
    let (code, out, err) = run(&mut zitadesk(&h, &demo, &args));
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("every further request would fail too"), "{err}");
    let seen = code_requests(&demo);
    assert_eq!(seen.values().map(|&(_, all)| all).sum::<usize>(), 1, "{seen:?}");
    let s = summary(&out);
    assert_eq!(s["stopped"], "hopeless");
    assert!(s["notReached"].as_u64().unwrap() > 0);
}
