//! The real binary's `users list` table names each user's organisation (its ORG column),
//! against the in-process demo: the directory is read once a run and only for the table,
//! `--json` stays ZITADEL's shape, and the IDs are shown where names cannot be read.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;
use zitadesk::demo::{ADMIN_TOKEN, DemoServer, Faults, ORG_TOKEN};

const INITECH: &str = "281465201463672835";
const ORGS: &str = "/v2/organizations/_search";

fn against(demo: &DemoServer, token: &str) -> Command {
    let mut cmd = zitadesk_in(&scratch_home("zitadesk-cli-org-names"));
    cmd.env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", token)
        .env_remove("COLUMNS");
    cmd
}

/// The table's rows as (whole line, ORG cell): ORG is the last column, after two spaces.
fn org_cells(out: &str) -> Vec<(String, String)> {
    let mut lines = out.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.contains("  STATE  ") && header.ends_with("  ORG"),
        "ORG is the last column: {header}"
    );
    lines
        .take_while(|l| !l.contains(" shown of ") && !l.contains("matching shown"))
        .map(|l| (l.to_owned(), l.rsplit("  ").next().unwrap_or("").to_owned()))
        .collect()
}

/// The ORG cell of the row whose line contains `needle`.
fn org_of(cells: &[(String, String)], needle: &str) -> Option<String> {
    cells
        .iter()
        .find(|(l, _)| l.contains(needle))
        .map(|(_, o)| o.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_names_each_users_organisation_reading_the_names_once() {
    let demo = demo().await;
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", "jane"]));
    assert_eq!(code, 0, "{err}");
    let cells = org_cells(&out);
    assert_eq!(
        org_of(&cells, "jane@acme.demo.zitadel.cloud").as_deref(),
        Some("Acme"),
        "{out}"
    );
    assert_eq!(
        org_of(&cells, "jane@globex.demo.zitadel.cloud").as_deref(),
        Some("Globex"),
        "{out}"
    );
    assert_eq!(requests_to(&demo, ORGS).len(), 1, "one read for the table");

    // A search by name reads the names to resolve it; the table reuses them.
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", "org:initech"]));
    assert_eq!(code, 0, "{err}");
    let cells = org_cells(&out);
    assert!(!cells.is_empty(), "Initech has users: {out}");
    assert!(cells.iter().all(|(_, org)| org == "Initech"), "{out}");
    assert_eq!(requests_to(&demo, ORGS).len(), 2, "once a run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_keeps_zitadels_shape_and_reads_no_names() {
    let demo = demo().await;
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", "jane", "--json"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let first = &v["result"][0];
    assert!(first["details"]["resourceOwner"].is_string(), "{out}");
    assert!(!out.contains("\"Acme\"") && !out.contains("\"Globex\""), "{out}");
    assert!(requests_to(&demo, ORGS).is_empty(), "no read for JSON");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_names_leave_the_ids_and_the_listing_succeeds() {
    let demo = demo().await;
    // The second API call (ListOrganizations, after the listing) answers 404 (a 503 would be
    // retried, as every read is).
    demo.set_faults(Faults {
        fail_every: Some(2),
        fail_status: 404,
        ..Faults::default()
    });
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", "org:281465201463672835"]));
    assert_eq!(code, 0, "{err}");
    let cells = org_cells(&out);
    assert!(!cells.is_empty(), "{out}");
    assert!(cells.iter().all(|(_, org)| org == INITECH), "{out}");
    assert!(!requests_to(&demo, ORGS).is_empty(), "the read was tried");
    demo.set_faults(Faults::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_manager_sees_its_own_organisation_by_name() {
    // ORG_USER_MANAGER in Acme: org.read there only, as ZITADEL filters ListOrganizations.
    let demo = demo().await;
    let (code, out, err) = run(against(&demo, ORG_TOKEN).args(["users", "list"]));
    assert_eq!(code, 0, "{err}");
    let cells = org_cells(&out);
    assert!(!cells.is_empty(), "{out}");
    assert!(cells.iter().all(|(_, org)| org == "Acme"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_listing_reads_no_names() {
    let demo = demo().await;
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", "nobody-is-called-this"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no users match"), "the footer is on stderr: {err}");
    assert!(
        out.starts_with("ID  DISPLAY NAME  LOGIN NAME  EMAIL  EMAIL STATUS  STATE  ORG\n"),
        "{out}"
    );
    assert!(requests_to(&demo, ORGS).is_empty());
}
