//! What each emulated ZITADEL line answers over real HTTP, where the lines differ, and the
//! behaviours every line shares that the demo once got wrong (sort ties, gender, JWT clock).

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};

use serde_json::{Value, json};

use super::*;

const JANE: &str = "300000000000000101"; // Acme, unverified, code pending
const JOHN: &str = "300000000000000102"; // Acme, verified, no code
const CHLOE: &str = "300000000000000309"; // has every auth method, recovery codes too

async fn start(version: ZitadelVersion, generated_users: usize) -> DemoServer {
    let config = DemoConfig {
        generated_users,
        version,
        ..DemoConfig::default()
    };
    DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
        .await
        .unwrap()
}

async fn post(demo: &DemoServer, path: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", demo.url()))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn get(demo: &DemoServer, path: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", demo.url()))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn ids(v: &Value) -> Vec<String> {
    v["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["userId"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

const NOT_FOUND: fn() -> Value = || json!({"code": 5, "message": "Not Found"});

#[tokio::test]
async fn v2_66_has_no_phone_query_no_send_and_no_connect() {
    let demo = start(ZitadelVersion::V2_66, 10).await;
    let phone = json!({"queries": [{"phoneQuery": {"number": "+41"}}]});
    let (s, v) = post(&demo, "/v2/users", phone).await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"code": 3, "message": "invalid ListUsersRequest.Queries[0]: embedded message failed validation | caused by: invalid SearchQuery.Query: value is required"})
        )
    );
    let (s, v) = post(&demo, &format!("/v2/users/{JOHN}/email/send"), json!({})).await;
    assert_eq!((s, v), (404, NOT_FOUND()));
    let (s, v) = post(&demo, "/zitadel.user.v2.UserService/ListUsers", json!({})).await;
    assert_eq!((s, v), (404, NOT_FOUND()));
    // What v2.66 does have still works.
    let (s, v) = post(
        &demo,
        &format!("/v2/users/{JANE}/email/resend"),
        json!({"returnCode": {}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = post(
        &demo,
        "/v2/users",
        json!({"queries": [{"emailQuery": {"emailAddress": "jane.doe@acme.example"}}]}),
    )
    .await;
    assert_eq!((s, ids(&v)), (200, vec![JANE.to_owned()]));
}

#[tokio::test]
async fn each_line_serves_what_it_has() {
    for version in ZitadelVersion::ALL {
        let demo = start(version, 0).await;
        let (s, _) = post(
            &demo,
            "/v2/users",
            json!({"queries": [{"phoneQuery": {"number": "+41"}}]}),
        )
        .await;
        assert_eq!(s == 200, version.has_phone_query(), "{version} phoneQuery");
        let (s, _) = post(&demo, &format!("/v2/users/{JOHN}/email/send"), json!({})).await;
        assert_eq!(s == 200, version.has_send_email_code(), "{version} send");
        let (s, _) = post(
            &demo,
            "/zitadel.user.v2.UserService/GetUserByID",
            json!({"userId": JANE}),
        )
        .await;
        assert_eq!(s == 200, version.serves_connect(), "{version} connect");
        let (s, v) = get(&demo, &format!("/v2/users/{CHLOE}/authentication_methods")).await;
        assert_eq!(s, 200);
        let recovery = v["authMethodTypes"]
            .as_array()
            .unwrap()
            .contains(&json!("AUTHENTICATION_METHOD_TYPE_RECOVERY_CODE"));
        assert_eq!(recovery, version.has_recovery_codes(), "{version} recovery codes");
    }
}

#[tokio::test]
async fn every_human_carries_a_gender() {
    let demo = start(ZitadelVersion::default(), 50).await;
    let (_, v) = post(&demo, "/v2/users", json!({})).await;
    let humans: Vec<&Value> = v["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u.get("human").is_some())
        .collect();
    assert!(humans.len() > 50);
    for u in humans {
        assert!(u["human"]["profile"]["gender"].is_string(), "{}", u["userId"]);
    }
}

#[tokio::test]
async fn sort_ties_can_repeat_or_skip_users_across_pages() {
    let demo = start(ZitadelVersion::default(), 400).await;
    let page = |offset: usize, limit: usize| json!({"query": {"offset": offset, "limit": limit, "asc": true}, "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME"});
    let (_, everything) = post(&demo, "/v2/users", page(0, 0)).await;
    let all = ids(&everything);
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "one window lists each user once");

    let mut walked = Vec::new();
    for offset in (0..all.len()).step_by(7) {
        let (_, v) = post(&demo, "/v2/users", page(offset, 7)).await;
        walked.extend(ids(&v));
    }
    assert_eq!(walked.len(), all.len());
    let walked_distinct: HashSet<&String> = walked.iter().collect();
    assert!(
        walked_distinct.len() < all.len(),
        "paging over equal display names repeats (and so skips) someone"
    );
    // The same request gets the same answer.
    let (_, a) = post(&demo, "/v2/users", page(14, 7)).await;
    let (_, b) = post(&demo, "/v2/users", page(14, 7)).await;
    assert_eq!(ids(&a), ids(&b));
    // The display names themselves stay in order.
    let names = |v: &Value| -> Vec<String> {
        v["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                u["human"]["profile"]["displayName"]
                    .as_str()
                    .unwrap_or("~")
                    .to_owned()
            })
            .collect()
    };
    let sorted = names(&everything);
    assert!(sorted.windows(2).all(|w| w[0] <= w[1] || w[1] == "~"));
}

fn sign(claims: Value) -> String {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let key: Value = serde_json::from_str(SERVICE_KEY_JSON).unwrap();
    let pem = key["key"].as_str().unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(SERVICE_KEY_ID.to_owned());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

#[tokio::test]
async fn jwt_assertions_get_one_second_of_clock_skew() {
    let demo = start(ZitadelVersion::default(), 0).await;
    let now = jiff::Timestamp::now().as_second();
    let grant = |iat: i64, exp: i64| {
        let assertion = sign(json!({
            "iss": SERVICE_USER_ID, "sub": SERVICE_USER_ID, "aud": [demo.url()], "iat": iat, "exp": exp
        }));
        let url = format!("{}/oauth/v2/token", demo.url());
        async move {
            let resp = reqwest::Client::new()
                .post(url)
                .form(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", assertion.as_str()),
                    ("scope", "openid urn:zitadel:iam:org:project:id:zitadel:aud"),
                ])
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap();
            (
                status,
                body["error_description"].as_str().unwrap_or("").to_owned(),
            )
        }
    };
    assert_eq!(grant(now, now + 3600).await.0, 200);
    let (s, why) = grant(now + 3, now + 3600).await;
    assert_eq!((s, why.as_str()), (400, "assertion issued in the future"));
    let (s, why) = grant(now - 60, now + 1).await;
    assert_eq!((s, why.as_str()), (400, "assertion has expired"));
}
