//! Organisation names: the client's `ListOrganizations` against the in-process demo over real
//! HTTP — the request on the wire, the answer's shape, and ZITADEL's permission filtering.

mod common;

use common::*;
use serde_json::{Value, json};
use zitadesk::api::orgs::OrgLookupError;
use zitadesk::demo::{ADMIN_TOKEN, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN};

const ACME: &str = "281465201463541763";
const GLOBEX: &str = "281465201463607299";
const INITECH: &str = "281465201463672835";

#[tokio::test]
async fn an_instance_reader_gets_every_organisation_by_name() {
    let demo = demo().await;
    for token in [ADMIN_TOKEN, READER_TOKEN] {
        let dir = client(&demo, token).org_directory().await.unwrap();
        assert_eq!(dir.len(), 3);
        assert!(!dir.capped);
        assert_eq!(dir.name(INITECH), Some("Initech"));
        assert_eq!(dir.label(GLOBEX), format!("Globex ({GLOBEX})"));
        assert_eq!(dir.resolve("initech"), Ok(vec![INITECH.to_owned()]));
        assert_eq!(
            dir.resolve("GLOBEX.demo.zitadel.cloud"),
            Ok(vec![GLOBEX.to_owned()])
        );
    }
    let sent: Value = serde_json::from_str(&requests_to(&demo, "/v2/organizations/_search")[0].body).unwrap();
    assert_eq!(sent, json!({"query": {"limit": 1000, "asc": true}}));
}

#[tokio::test]
async fn the_answer_has_zitadels_shape() {
    let demo = demo().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/v2/organizations/_search", demo.url()))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"query": {"limit": 2}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["details"]["totalResult"], json!("3"), "uint64 as a string");
    assert!(v["details"]["timestamp"].is_string());
    let first = &v["result"][0];
    assert_eq!(first["id"], json!(ACME));
    assert_eq!(first["name"], json!("Acme"));
    assert_eq!(first["primaryDomain"], json!("acme.demo.zitadel.cloud"));
    assert_eq!(first["state"], json!("ORGANIZATION_STATE_ACTIVE"));
    assert_eq!(first["details"]["resourceOwner"], json!(ACME));
    assert!(first["details"]["sequence"].is_string());
    assert_eq!(v["result"].as_array().map(Vec::len), Some(2));
    assert!(v.get("sortingColumn").is_none(), "unpopulated fields are omitted");
}

#[tokio::test]
async fn an_org_manager_reads_only_its_own_organisation() {
    let demo = demo().await;
    let dir = client(&demo, ORG_TOKEN).org_directory().await.unwrap();
    assert_eq!(dir.len(), 1);
    assert_eq!(dir.name(ACME), Some("Acme"));
    assert_eq!(dir.name(INITECH), None);
    assert!(matches!(
        dir.resolve("initech"),
        Err(OrgLookupError::Unknown { .. })
    ));
}

#[tokio::test]
async fn without_org_read_the_list_is_empty_not_an_error() {
    let demo = demo().await;
    let dir = client(&demo, NO_MEMBER_TOKEN).org_directory().await.unwrap();
    assert!(dir.is_empty());
    assert_eq!(dir.label(ACME), ACME, "the ID is shown as before");
}

#[tokio::test]
async fn an_unauthenticated_call_is_refused() {
    let demo = demo().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/v2/organizations/_search", demo.url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}
