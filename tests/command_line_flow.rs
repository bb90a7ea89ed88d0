//! The command line against the demo instance over real HTTP: keys into the real `App`, its
//! effects carried out by the run loop's own executor (`tests/common/driver.rs`), the screen
//! read from ratatui's `TestBackend`, the demo's request log and a scratch audit file.

mod common;
#[path = "common/driver.rs"]
mod driver;

use common::*;
use crossterm::event::KeyCode;
use driver::*;
use zitadesk::audit::{AuditLog, AuditRecord};
use zitadesk::demo::ADMIN_TOKEN;
use zitadesk::tui::app::FullView;
use zitadesk::tui::browse::Mode;
use zitadesk::tui::detail::Load;

const JANE: &str = "300000000000000101";

fn command(d: &mut Driver, text: &str) {
    d.press(KeyCode::Char(':'));
    d.type_text(text);
    d.press(KeyCode::Enter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_with_an_email_opens_the_one_user_over_http() {
    let dir = scratch("cmd-user-email");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    demo.clear_requests();
    command(&mut d, "user JANE.DOE@acme.example");
    d.settle().await;
    assert_eq!(d.app.mode, Mode::Detail);
    assert!(d.app.commands.line.is_none(), "the line closed");
    let Some(Load::Ready(user)) = d.app.detail.as_ref().map(|x| &x.user) else {
        panic!("the detail is read")
    };
    assert_eq!(user.user_id, JANE);
    // One ListUsers for the lookup, exact and ignoring case, then the detail's reads.
    let lookups = requests_to(&demo, "/v2/users");
    assert_eq!(lookups.len(), 1, "{lookups:?}");
    let body: serde_json::Value = serde_json::from_str(&lookups[0].body).expect("JSON body");
    assert_eq!(
        body["queries"][0]["orQuery"]["queries"][0]["emailQuery"]["method"],
        "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"
    );
    assert!(d.screen().contains("jane.doe@acme.example"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_with_an_unknown_email_says_so_and_keeps_the_text() {
    let dir = scratch("cmd-user-none");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    command(&mut d, "user nobody@nowhere.example");
    d.settle().await;
    assert_eq!(d.app.mode, Mode::List);
    let screen = d.screen();
    assert!(screen.contains(":user nobody@nowhere.example"), "{screen}");
    assert!(
        screen.contains("no user has the email address or login name"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_shows_this_machines_trail_and_history_offers_its_users() {
    let dir = scratch("cmd-audit");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let record = |user: &str, action: &str| AuditRecord {
        time: jiff::Timestamp::now(),
        instance: demo.url(),
        profile: None,
        operator: None,
        user_id: user.into(),
        action: action.into(),
        mode: "none".into(),
        url_template: None,
        email: None,
        outcome: "ok".into(),
        error: None,
        sequence: None,
    };
    let log = AuditLog::new(Some(audit.clone()));
    log.append(&record("300000000000000106", "unlock"))
        .expect("audit line");
    log.append(&record(JANE, "resend")).expect("audit line");
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit).await;

    command(&mut d, "audit");
    d.settle().await;
    let screen = d.screen();
    assert!(screen.contains("Audit trail"), "{screen}");
    let resend = screen.find("resend").unwrap_or(usize::MAX);
    let unlock = screen.find("unlock").unwrap_or(0);
    assert!(resend < unlock, "newest first:\n{screen}");
    d.press(KeyCode::Esc);
    assert!(d.app.commands.view.is_none());

    command(&mut d, "history");
    d.settle().await;
    assert!(matches!(d.app.commands.view, Some(FullView::History(_))));
    d.press(KeyCode::Enter);
    d.settle().await;
    assert_eq!(d.app.mode, Mode::Detail);
    assert_eq!(d.app.detail.as_ref().map(|x| x.user_id.as_str()), Some(JANE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn q_quits() {
    let dir = scratch("cmd-quit");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    command(&mut d, "q");
    assert!(d.quit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_with_an_id_lists_that_organisations_users_only() {
    const ORG: &str = "281465201463672835";
    let dir = scratch("cmd-org");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    let all = d.app.list.len();
    command(&mut d, &format!("org {ORG}"));
    d.settle().await;
    assert_eq!(d.app.search.applied, format!("org:{ORG}"));
    let owners: Vec<String> = d
        .app
        .list
        .visible(0, d.app.list.len())
        .map(|r| {
            r.user
                .details
                .as_ref()
                .map(|x| x.resource_owner.clone())
                .unwrap_or_default()
        })
        .collect();
    assert!(!owners.is_empty() && owners.len() < all, "{owners:?}");
    assert!(owners.iter().all(|o| o == ORG), "{owners:?}");
    assert!(
        d.screen().contains(&format!("/ org:{ORG}")),
        "the search row shows it"
    );
}
