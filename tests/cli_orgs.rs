//! The real binary with organisations by name: `--query org:NAME|DOMAIN|ID` resolved through
//! ListOrganizations, refusals that name the candidates, and `users show EMAIL|LOGIN`.

mod common;

use std::process::Command;

use common::*;
use serde_json::{Value, json};
use zitadesk::demo::{ADMIN_TOKEN, DemoServer, Faults, NO_MEMBER_TOKEN};

const GLOBEX: &str = "281465201463607299";
const INITECH: &str = "281465201463672835";

fn against(demo: &DemoServer, token: &str) -> Command {
    let mut cmd = zitadesk_in(&std::env::temp_dir().join("zitadesk-cli-orgs-tests"));
    cmd.env("ZITADEL_URL", demo.url()).env("ZITADEL_TOKEN", token);
    cmd
}

fn owners(out: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(out).unwrap_or(Value::Null);
    v["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["details"]["resourceOwner"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn last_list_queries(demo: &DemoServer) -> Value {
    let sent = requests_to(demo, "/v2/users");
    let body: Value = serde_json::from_str(&sent.last().expect("a list request").body).unwrap();
    body["queries"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_by_name_is_sent_as_the_organisations_id() {
    let demo = demo().await;
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", "org:initech", "--json"]));
    assert_eq!(code, 0, "{err}");
    let owners = owners(&out);
    assert!(!owners.is_empty(), "Initech has users: {out}");
    assert!(owners.iter().all(|o| o == INITECH), "{owners:?}");
    assert_eq!(
        last_list_queries(&demo),
        json!([{"organizationIdQuery": {"organizationId": INITECH}}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_by_domain_and_negated_are_resolved_too() {
    let demo = demo().await;
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "list",
        "--query",
        "org:GLOBEX.demo.zitadel.cloud",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        last_list_queries(&demo),
        json!([{"organizationIdQuery": {"organizationId": GLOBEX}}])
    );
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query=-org:globex", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert!(owners(&out).iter().all(|o| o != GLOBEX));
    assert_eq!(
        last_list_queries(&demo),
        json!([{"notQuery": {"query": {"organizationIdQuery": {"organizationId": GLOBEX}}}}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_id_is_sent_as_before_without_reading_the_organisations() {
    let demo = demo().await;
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "list",
        "--query",
        &format!("org:{INITECH}"),
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(requests_to(&demo, "/v2/organizations/_search").is_empty());
    assert_eq!(
        last_list_queries(&demo),
        json!([{"organizationIdQuery": {"organizationId": INITECH}}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_name_is_refused_with_exit_2_naming_the_organisations() {
    let demo = demo().await;
    for value in ["org:globex.example", "org:tech"] {
        let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "list", "--query", value]));
        assert_eq!(code, 2, "{value}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(value), "names the term: {err}");
        assert!(
            err.contains("Acme (acme.demo.zitadel.cloud, 281465201463541763)")
                && err.contains("Globex")
                && err.contains("Initech"),
            "names the candidates: {err}"
        );
    }
    assert!(requests_to(&demo, "/v2/users").is_empty(), "no search was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_org_read_a_name_is_refused_and_the_id_is_suggested() {
    let demo = demo().await;
    let (code, _, err) =
        run(against(&demo, NO_MEMBER_TOKEN).args(["users", "list", "--query", "org:initech"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no organisation you may read") && err.contains("ID"),
        "{err}"
    );
    assert!(requests_to(&demo, "/v2/users").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_show_takes_an_email_or_a_login_name_exactly() {
    let demo = demo().await;
    for typed in ["JANE.DOE@acme.example", "jane@acme.demo.zitadel.cloud"] {
        let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", typed, "--json"]));
        assert_eq!(code, 0, "{typed}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["user"]["userId"], json!("300000000000000101"), "{typed}");
    }
    let sent: Value = serde_json::from_str(&requests_to(&demo, "/v2/users")[0].body).unwrap();
    assert_eq!(
        sent["queries"][0]["orQuery"]["queries"][0],
        json!({"emailQuery": {"emailAddress": "JANE.DOE@acme.example", "method": "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}})
    );
    // A part of an address is no address: nobody, exit 3.
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", "jane"]));
    assert_eq!(code, 3, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("no user has the email address or login name \"jane\""),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_show_and_doctor_name_the_organisation_and_fall_back_to_the_id() {
    let demo = demo().await;
    let jane = "300000000000000101";
    let acme = "281465201463541763";
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", jane]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("org") && l.ends_with(&format!("Acme ({acme})"))),
        "{out}"
    );
    // The third API call (ListOrganizations, after GetUser and the sign-in methods) answers
    // 404: the ID is shown, nothing else breaks.
    demo.set_faults(Faults {
        fail_every: Some(3),
        fail_status: 404,
        ..Faults::default()
    });
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", jane]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("org") && l.ends_with(acme) && !l.contains("Acme")),
        "{out}"
    );

    assert_eq!(
        requests_to(&demo, "/v2/organizations/_search").len(),
        2,
        "the failed read was made and not retried"
    );
    demo.set_faults(Faults::default());
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["--org", acme, "doctor"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("in org Acme ({acme})")), "{out}");
}
