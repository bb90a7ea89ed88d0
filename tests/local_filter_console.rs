//! The console with a locally filtered search (`verified:false`), driven as the run loop drives
//! it against the demo over real HTTP: the list fills from a scan in the background, the status
//! row says how far it went, `+` scans further from where it stopped.

mod common;
#[path = "common/driver.rs"]
mod driver;

use common::*;
use crossterm::event::KeyCode;
use driver::*;
use zitadesk::api::query::{ListSort, Page, list_users_request};
use zitadesk::api::wire::{User, UserFieldName};
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig};
use zitadesk::tui::msg::Msg;

/// `verified:false phone-verified:false`: an unverified address and an unverified phone.
fn wanted(u: &User) -> bool {
    let human = u.human.as_ref();
    human
        .and_then(|h| h.email.as_ref())
        .is_some_and(|e| !e.email.trim().is_empty() && !e.is_verified)
        && human
            .and_then(|h| h.phone.as_ref())
            .is_some_and(|p| !p.phone.trim().is_empty() && !p.is_verified)
}

/// The status row (the last but one row of the screen has the search; the last is status).
fn status(d: &Driver) -> String {
    d.screen().lines().last().unwrap_or_default().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_search_fills_the_list_from_a_background_scan_and_plus_goes_further() {
    let demo = demo_with(DemoConfig {
        generated_users: 6_000,
        ..DemoConfig::default()
    })
    .await;
    let c = client(&demo, ADMIN_TOKEN);
    // Everyone, to count what the scan must find.
    // The scan's order: ZITADEL's own, by user ID (no ties, so nothing skipped between pages).
    let page = Page {
        offset: 0,
        limit: 1000,
    };
    let by_id = ListSort {
        column: UserFieldName::Unspecified,
        ascending: true,
    };
    let request = list_users_request(Vec::new(), None, page, by_id);
    let everyone = c
        .list_users_upto(&request, usize::MAX, 100)
        .await
        .expect("lists")
        .response
        .result;
    let total = everyone.len();
    assert!(total > 6_000, "{total}");
    let all_matches = everyone.iter().filter(|u| wanted(u)).count();
    assert!(
        all_matches < zitadesk::tui::list::MAX_ROWS,
        "all fit the list: {all_matches}"
    );

    let dir = scratch("local-filter-console");
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    d.app.scan_limit = 2_000;
    let before = requests_to(&demo, "/v2/users").len();
    d.press(KeyCode::Char('/'));
    d.type_text("verified:false phone-verified:false");
    d.press(KeyCode::Enter);

    // One page at a time, each from a background request: the console answers keys meanwhile.
    // The typed search's debounce timer may fire before the page is in (Enter applied it
    // already): take messages until the first page arrives.
    loop {
        let msg = tokio::time::timeout(DEADLINE, d.rx.recv())
            .await
            .expect("a page")
            .expect("open");
        let page = matches!(msg, Msg::Listed { .. });
        d.update(msg);
        if page {
            break;
        }
    }
    assert!(d.app.busy(), "the second page is asked for");
    let first: Vec<&User> = everyone[..1_000].iter().filter(|u| wanted(u)).collect();
    let grouped = |n: usize| zitadesk::text::thousands(n as u64);
    assert!(
        status(&d).ends_with(&format!(
            "1 of {} · filtering locally — scanned 1,000 of {}…",
            first.len(),
            grouped(total)
        )),
        "{}",
        status(&d)
    );
    d.press(KeyCode::Char('j'));
    assert_eq!(d.app.list.selected, 1, "keys work while the scan runs");
    let picked = d.app.list.selected_row().expect("a row").user.user_id.clone();
    d.update(Msg::Tick);
    d.settle().await;

    let expected = |n: usize| -> Vec<String> {
        let mut ids: Vec<String> = everyone[..n]
            .iter()
            .filter(|u| wanted(u))
            .map(|u| u.user_id.clone())
            .collect();
        ids.sort();
        ids
    };
    // The matches, by ID; and the list reads by display name.
    let shown = |d: &Driver| -> Vec<String> {
        let names: Vec<String> = d
            .app
            .list
            .visible(0, d.app.list.len())
            .map(|r| r.display_name.to_lowercase())
            .collect();
        assert!(names.is_sorted(), "by name: {names:?}");
        let mut ids: Vec<String> = d
            .app
            .list
            .visible(0, d.app.list.len())
            .map(|r| r.user.user_id.clone())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(shown(&d), expected(2_000));
    assert!(
        status(&d).ends_with(&format!(
            "{} of {} · filtering locally — scanned 2,000 of {}, stopped; + scans more",
            d.app.list.selected + 1,
            expected(2_000).len(),
            grouped(total)
        )),
        "{}",
        status(&d)
    );
    let sent = requests_to(&demo, "/v2/users");
    assert_eq!(sent.len() - before, 2, "two pages of 1000, then it stopped");
    assert!(
        sent[before..].iter().all(|r| !r.body.contains("erified")),
        "never sent"
    );

    // `+` goes on from where it stopped: offset 2000, not page one again.
    d.press(KeyCode::Char('+'));
    d.settle().await;
    let sent = requests_to(&demo, "/v2/users");
    let body: serde_json::Value = serde_json::from_str(&sent[before + 2].body).expect("JSON");
    assert_eq!(body["query"]["offset"], "2000");
    assert_eq!(shown(&d), expected(4_000));
    assert_eq!(
        d.app.list.selected_row().map(|r| r.user.user_id.as_str()),
        Some(picked.as_str()),
        "the selection stays on its user"
    );
    d.press(KeyCode::Char('+'));
    d.settle().await;
    assert_eq!(shown(&d), expected(6_000));
    d.press(KeyCode::Char('+'));
    d.settle().await;
    assert_eq!(shown(&d), expected(total));
    assert!(d.app.list.len() <= zitadesk::tui::list::MAX_ROWS);
    assert!(
        status(&d).ends_with(&format!("· filtering locally — scanned all {}", grouped(total))),
        "{}",
        status(&d)
    );
    // `+` after the end does nothing.
    let n = requests_to(&demo, "/v2/users").len();
    d.press(KeyCode::Char('+'));
    assert!(!d.app.busy());
    assert_eq!(requests_to(&demo, "/v2/users").len(), n);
}
