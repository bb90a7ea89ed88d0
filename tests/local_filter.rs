//! `verified:` / `phone-verified:` filtered by zitadesk: the scan against the in-process demo
//! over real HTTP, with a few thousand generated users — counts checked against a full listing,
//! the limit and its extension, the combination with a server-side term.

mod common;

use common::*;
use serde_json::Value;
use zitadesk::api::query::{ListSort, MatchMode, Page, list_users_request, parse_search_local};
use zitadesk::api::scan::{DEFAULT_SCAN_LIMIT, ScanState};
use zitadesk::api::wire::{User, UserFieldName};
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig};

const USERS: usize = 6_000;

fn scan_for(search: &str, want: usize, limit: u64) -> ScanState {
    let parsed = parse_search_local(search, MatchMode::Contains).expect("parses");
    let sort = ListSort {
        column: UserFieldName::Unspecified,
        ascending: true,
    };
    let page = Page { offset: 0, limit: 0 };
    let request = list_users_request(parsed.queries, None, page, sort);
    ScanState::new(request, parsed.local, want, limit)
}

async fn everyone(c: &zitadesk::api::Client, search: &str) -> Vec<User> {
    let request = scan_for(search, usize::MAX, u64::MAX)
        .next_request()
        .expect("a first page");
    c.list_users_upto(&request, usize::MAX, 100)
        .await
        .expect("lists")
        .response
        .result
}

fn unverified_email(u: &User) -> bool {
    u.human
        .as_ref()
        .and_then(|h| h.email.as_ref())
        .is_some_and(|e| !e.email.trim().is_empty() && !e.is_verified)
}

#[tokio::test]
async fn the_scan_finds_what_a_full_listing_holds_stops_at_the_limit_and_continues() {
    let demo = demo_with(DemoConfig {
        generated_users: USERS,
        ..DemoConfig::default()
    })
    .await;
    let c = client(&demo, ADMIN_TOKEN);
    let all = everyone(&c, "").await;
    let total = all.len() as u64;
    assert!(
        total > DEFAULT_SCAN_LIMIT,
        "more users than one scan takes: {total}"
    );
    let expected: Vec<&User> = all.iter().filter(|u| unverified_email(u)).collect();
    assert!(
        expected.len() > 100,
        "the demo has unverified users: {}",
        expected.len()
    );

    let mut scan = scan_for("verified:false", 100_000, DEFAULT_SCAN_LIMIT);
    let before = requests_to(&demo, "/v2/users").len();
    let p = c.scan_users(&mut scan).await.expect("scans");
    assert_eq!((p.scanned, p.total), (DEFAULT_SCAN_LIMIT, Some(total)));
    assert!(p.stopped_at_limit && !p.complete);
    let sent = requests_to(&demo, "/v2/users");
    assert_eq!(sent.len() - before, 5, "five pages of 1000");
    for r in &sent[before..] {
        let body: Value = serde_json::from_str(&r.body).expect("JSON");
        assert_eq!(body["query"]["limit"], 1000);
        assert!(
            !r.body.contains("erified"),
            "the local term is never sent: {}",
            r.body
        );
    }
    let first: Vec<&User> = all[..DEFAULT_SCAN_LIMIT as usize]
        .iter()
        .filter(|u| unverified_email(u))
        .collect();
    assert_eq!(scan.matches().iter().collect::<Vec<_>>(), first);

    scan.extend(DEFAULT_SCAN_LIMIT);
    let p = c.scan_users(&mut scan).await.expect("scans on");
    assert_eq!(p.scanned, total);
    assert!(p.complete && !p.stopped_at_limit);
    assert_eq!(scan.matches().iter().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn memory_holds_only_want_matches_and_a_server_term_narrows_the_scan() {
    let demo = demo_with(DemoConfig {
        generated_users: USERS,
        ..DemoConfig::default()
    })
    .await;
    let c = client(&demo, ADMIN_TOKEN);

    let mut scan = scan_for("verified:false", 25, DEFAULT_SCAN_LIMIT);
    let p = c.scan_users(&mut scan).await.expect("scans");
    assert_eq!(p.matches, 25);
    assert!(p.full && !p.stopped_at_limit);
    assert_eq!(scan.matches().len(), 25, "no more than want are kept");
    assert_eq!(p.scanned, 1000, "one page held 25 of them");

    // state:locked goes to ZITADEL; verified:true is filtered from what comes back.
    let locked = everyone(&c, "state:locked").await;
    let expected: Vec<&User> = locked
        .iter()
        .filter(|u| {
            u.human
                .as_ref()
                .and_then(|h| h.email.as_ref())
                .is_some_and(|e| !e.email.trim().is_empty() && e.is_verified)
        })
        .collect();
    assert!(!expected.is_empty() && expected.len() < locked.len());
    let mut scan = scan_for("state:locked verified:yes", 100_000, DEFAULT_SCAN_LIMIT);
    let p = c.scan_users(&mut scan).await.expect("scans");
    assert_eq!(
        p.total,
        Some(locked.len() as u64),
        "the scan walks the locked users only"
    );
    assert!(p.complete);
    assert_eq!(scan.matches().iter().collect::<Vec<_>>(), expected);
    let last: Value =
        serde_json::from_str(&requests_to(&demo, "/v2/users").last().expect("sent").body).expect("JSON");
    assert_eq!(
        last["queries"],
        serde_json::json!([{"stateQuery": {"state": "USER_STATE_LOCKED"}}])
    );
}

fn cli() -> std::process::Command {
    zitadesk_in(&std::env::temp_dir().join("zitadesk-local-filter-tests"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_list_scans_says_how_far_on_stderr_and_json_holds_only_matches() {
    let demo = demo_with(DemoConfig {
        generated_users: USERS,
        ..DemoConfig::default()
    })
    .await;
    let c = client(&demo, ADMIN_TOKEN);
    let all = everyone(&c, "").await;
    let total = all.len();
    let grouped = |n: usize| zitadesk::text::thousands(n as u64);
    let binary = || {
        let mut cmd = cli();
        cmd.env("ZITADEL_URL", demo.url())
            .env("ZITADEL_TOKEN", ADMIN_TOKEN);
        cmd
    };

    let (code, out, err) = run(binary().args([
        "users",
        "list",
        "-q",
        "verified:false",
        "--limit",
        "100000",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let first = all[..5_000].iter().filter(|u| unverified_email(u)).count();
    assert_eq!(
        err.trim(),
        format!(
            "zitadesk: filtering locally — scanned 5,000 of {}: {} matches (stopped at the scan limit; \
             --scan-limit 10000 to go further)",
            grouped(total),
            grouped(first)
        )
    );
    let v: Value = serde_json::from_str(&out).expect("JSON on stdout");
    let ids: Vec<&str> = v["result"]
        .as_array()
        .expect("result")
        .iter()
        .filter_map(|u| u["userId"].as_str())
        .collect();
    let expected: Vec<&str> = all[..5_000]
        .iter()
        .filter(|u| unverified_email(u))
        .map(|u| u.user_id.as_str())
        .collect();
    assert_eq!(ids, expected, "only the matches, in the server's order");

    let (code, out, err) = run(binary().args([
        "users",
        "list",
        "-q",
        "verified:false",
        "--limit",
        "100000",
        "--scan-limit",
        "10000",
    ]));
    assert_eq!(code, 0, "{err}");
    let every = all.iter().filter(|u| unverified_email(u)).count();
    assert_eq!(
        err.trim(),
        format!(
            "zitadesk: filtering locally — scanned all {}: {} matches\nzitadesk: {every} matching shown",
            grouped(total),
            grouped(every)
        )
    );
    assert!(!out.contains("matching shown"), "the footer is on stderr: {out}");

    let (code, _, err) = run(binary().args(["users", "list", "-q", "verified:perhaps"]));
    assert_eq!(code, 2, "a bad value is a refused search: {err}");
    assert!(err.contains("\"perhaps\" is not a verified state"), "{err}");
}
