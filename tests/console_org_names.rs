//! The console's organisation names over real HTTP against the in-process demo, carried out
//! by the run loop's own executor: the background read, `org:NAME` in the search line (also
//! typed before the names arrived), refresh reading them again, and their refusals.

mod common;
#[path = "common/driver.rs"]
mod driver;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use driver::*;
use serde_json::{Value, json};
use zitadesk::demo::{ADMIN_TOKEN, DemoServer};
use zitadesk::tui::browse::Mode;
use zitadesk::tui::msg::Msg;

const INITECH: &str = "281465201463672835";
const ORGS: &str = "/v2/organizations/_search";

fn last_list_queries(demo: &DemoServer) -> Value {
    let sent = requests_to(demo, "/v2/users");
    let body: Value = serde_json::from_str(&sent.last().expect("a list request").body).expect("JSON body");
    body["queries"].clone()
}

/// Every listed user's organisation.
fn owners(d: &Driver) -> Vec<String> {
    d.app
        .list
        .visible(0, d.app.list.len())
        .map(|r| {
            r.user
                .details
                .as_ref()
                .map(|x| x.resource_owner.clone())
                .unwrap_or_default()
        })
        .collect()
}

async fn console(demo: &DemoServer, test: &str) -> Driver {
    Driver::start(demo, ADMIN_TOKEN, scratch(test).join("audit.jsonl")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_arrive_in_the_background_and_org_name_searches_by_id() {
    let demo = demo().await;
    let mut d = console(&demo, "org-names-search").await;
    let read = d.app.read_orgs();
    d.run(vec![read]);
    d.settle().await;
    assert_eq!(d.app.orgs.len(), 3);
    assert!(d.screen().contains("ORGANIZATION"), "{}", d.screen());

    d.press(KeyCode::Char('/'));
    d.type_text("org:initech");
    d.press(KeyCode::Enter);
    d.settle().await;
    assert_eq!(d.app.mode, Mode::List);
    let owners = owners(&d);
    assert!(
        !owners.is_empty() && owners.iter().all(|o| o == INITECH),
        "{owners:?}"
    );
    assert_eq!(
        last_list_queries(&demo),
        json!([{"organizationIdQuery": {"organizationId": INITECH}}])
    );
    assert_eq!(requests_to(&demo, ORGS).len(), 1, "read once, cached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_typed_before_the_names_arrive_waits_for_them() {
    let demo = demo().await;
    let mut d = console(&demo, "org-names-early").await;
    let read = d.app.read_orgs();
    d.run(vec![read]);
    // Typed and entered at once, before the directory's answer is taken in.
    d.press(KeyCode::Char('/'));
    d.type_text("-org:initech.demo.zitadel.cloud");
    d.press(KeyCode::Enter);
    d.settle().await;
    let owners = owners(&d);
    assert!(
        !owners.is_empty() && !owners.contains(&INITECH.to_owned()),
        "{owners:?}"
    );
    assert_eq!(
        last_list_queries(&demo),
        json!([{"notQuery": {"query": {"organizationIdQuery": {"organizationId": INITECH}}}}])
    );
    assert!(d.app.notice().is_empty(), "{:?}", d.app.notice());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_name_is_refused_naming_the_organisations_and_nothing_is_sent() {
    let demo = demo().await;
    let mut d = console(&demo, "org-names-unknown").await;
    let read = d.app.read_orgs();
    d.run(vec![read]);
    d.settle().await;
    let lists_before = requests_to(&demo, "/v2/users").len();
    d.press(KeyCode::Char('/'));
    d.type_text("org:umbrella");
    d.press(KeyCode::Enter);
    d.settle().await;
    assert_eq!(d.app.mode, Mode::Search, "Enter keeps the refused line");
    let screen = d.screen();
    assert!(
        screen.contains("no organisation you may read is called \"umbrella\""),
        "{screen}"
    );
    let notice = d.app.notice().join("\n");
    assert!(
        notice.contains(&format!("Initech (initech.demo.zitadel.cloud, {INITECH})")),
        "the candidates, said whole (wrapped on screen): {notice}"
    );
    assert!(screen.contains("nothing sent"), "{screen}");
    let sent_after: Vec<_> = requests_to(&demo, "/v2/users")
        .into_iter()
        .skip(lists_before)
        .collect();
    assert!(
        sent_after.iter().all(|r| !r.body.contains("organizationIdQuery")),
        "never sent as an ID"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_reads_the_names_again() {
    let demo = demo().await;
    let mut d = console(&demo, "org-names-refresh").await;
    let read = d.app.read_orgs();
    d.run(vec![read]);
    d.settle().await;
    d.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    d.settle().await;
    assert_eq!(requests_to(&demo, ORGS).len(), 2);
    assert_eq!(d.app.orgs.len(), 3);
}
