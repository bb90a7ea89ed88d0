//! The README's bulk figures: `users resend-email --query` selecting about 10,000 users of a
//! 1,000,000-user demo instance at `--rate 50` — wall time, peak RSS, requests sent against
//! users selected — once straight through, and once killed (SIGKILL) half-way and re-run.
//!
//! Long (minutes at 50 requests per second), so ignored by default:
//! `cargo test --release --test bulk_bench -- --ignored --nocapture`
//! The demo instance runs in this process; the binary is measured with `/usr/bin/time -v`
//! (`BULK_BENCH_BIN=target/release/zitadesk` measures another build of it).

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{demo_with, scratch_home, zitadesk_in};
use serde_json::Value;
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer};

const USERS: usize = 1_000_000;
/// Anna in one of the three organisations: about a third of 1/32 of the instance.
const QUERY: &str = "first:anna org:globex";
const RATE: &str = "50";

fn args(journal: &str) -> Vec<&str> {
    vec![
        "users",
        "resend-email",
        "--query",
        QUERY,
        "--send-if-none",
        "--default-link",
        "--yes",
        "--rate",
        RATE,
        "--max",
        "20000",
        "--json",
        "--journal",
        journal,
    ]
}

/// The binary measured: this build's, or `BULK_BENCH_BIN` (e.g. `target/release/zitadesk`
/// while the demo instance runs in a debug test process).
fn binary(home: &Path) -> std::ffi::OsString {
    std::env::var_os("BULK_BENCH_BIN").unwrap_or_else(|| zitadesk_in(home).get_program().to_owned())
}

fn command(home: &Path, demo: &DemoServer, timed: bool, args: &[&str]) -> Command {
    let bin = binary(home);
    let mut cmd = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-v").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    // The environment `zitadesk_in` sets up, for either program.
    let clean = zitadesk_in(home);
    for (k, v) in clean.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", ADMIN_TOKEN)
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Code-issuing requests answered 200, per user, and how many log entries there were.
fn codes(demo: &DemoServer) -> (BTreeMap<String, usize>, usize) {
    let log = demo.requests();
    let mut per_user = BTreeMap::new();
    for r in &log {
        let Some(rest) = r.path.strip_prefix("/v2/users/") else {
            continue;
        };
        if (rest.ends_with("/email/send") || rest.ends_with("/email/resend")) && r.status == 200 {
            let id = rest.split('/').next().unwrap_or_default().to_string();
            *per_user.entry(id).or_insert(0) += 1;
        }
    }
    (per_user, log.len())
}

/// `/usr/bin/time -v` figures: (wall seconds, peak RSS in kB).
fn time_figures(stderr: &str) -> (f64, u64) {
    let field = |name: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("no {name} in {stderr}"))
    };
    let rss = field("Maximum resident set size (kbytes):").parse().unwrap();
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):");
    let secs = wall
        .split(':')
        .fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap());
    (secs, rss)
}

fn summary(stdout: &str) -> Value {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["type"] == "summary")
        .expect("a summary line")
}

fn afters(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("\"t\":\"after\""))
        .count()
}

fn vm_hwm_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long: the README's bulk figures"]
async fn ten_thousand_of_a_million_at_rate_50() {
    let demo = demo_with(DemoConfig {
        generated_users: USERS,
        ..DemoConfig::default()
    })
    .await;
    let home = scratch_home("bulk-bench");
    let build = match std::env::var("BULK_BENCH_BIN") {
        Ok(bin) => format!("binary {bin}"),
        Err(_) if cfg!(debug_assertions) => "debug".to_string(),
        Err(_) => "release".to_string(),
    };

    // 1. Straight through.
    let journal: PathBuf = home.join("straight.jsonl");
    let out = command(&home, &demo, true, &args(journal.to_str().unwrap()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let (wall, rss) = time_figures(&err);
    let s = summary(&String::from_utf8_lossy(&out.stdout));
    let planned = s["planned"].as_u64().unwrap() as usize;
    let (per_user, entries) = codes(&demo);
    assert!(entries < 10_000, "the demo's request log overflowed ({entries})");
    assert_eq!(per_user.len(), planned);
    assert!(per_user.values().all(|&n| n == 1));
    println!(
        "bulk ({build}): {planned} of {USERS} users at --rate {RATE}: {wall:.1} s wall, peak RSS {:.1} MB, \
         {} code requests for {planned} users ({:.1} users/s)",
        rss as f64 / 1024.0,
        per_user.values().sum::<usize>(),
        planned as f64 / wall
    );

    // 2. Killed (SIGKILL) half-way, then the same command again.
    demo.clear_requests();
    let journal = home.join("killed.jsonl");
    let started = Instant::now();
    let mut child = command(&home, &demo, false, &args(journal.to_str().unwrap()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while afters(&journal) < planned / 2 {
        assert!(child.try_wait().unwrap().is_none(), "ended before half-way");
        assert!(started.elapsed() < Duration::from_secs(3600));
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed_rss = vm_hwm_kb(child.id());
    child.kill().unwrap();
    child.wait().unwrap();
    let killed_wall = started.elapsed().as_secs_f64();
    let (first, _) = codes(&demo);
    demo.clear_requests();

    let out = command(&home, &demo, true, &args(journal.to_str().unwrap()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let (rerun_wall, rerun_rss) = time_figures(&err);
    let s = summary(&String::from_utf8_lossy(&out.stdout));
    let unknown = s["unknown"].as_array().unwrap().len();
    let (second, entries) = codes(&demo);
    assert!(entries < 10_000, "the demo's request log overflowed ({entries})");
    let mut total = first.clone();
    for (id, n) in &second {
        *total.entry(id.clone()).or_insert(0) += n;
    }
    assert!(total.values().all(|&n| n == 1), "a user got two codes");
    assert!(unknown <= 1, "{unknown} unknown");
    // The user in flight at the kill may have got its code or not; either way, never two.
    assert!(total.len() == planned || (unknown == 1 && total.len() == planned - 1));
    println!(
        "bulk ({build}) killed at {} of {planned}: {killed_wall:.1} s, peak RSS {:.1} MB; re-run {rerun_wall:.1} s, \
         peak RSS {:.1} MB, sent {}, skipped as sent {}, unknown {unknown}; code requests {} + {} = {} for {planned} users",
        first.len(),
        killed_rss as f64 / 1024.0,
        rerun_rss as f64 / 1024.0,
        s["sent"],
        s["alreadySent"],
        first.values().sum::<usize>(),
        second.values().sum::<usize>(),
        total.values().sum::<usize>(),
    );
}
