//! The demo server over real HTTP (reqwest against a server on a free port): every endpoint,
//! every error class with its exact body, permissions, paging, faults and the request log.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::*;

const JANE: &str = "300000000000000101"; // Acme, unverified, code pending
const JOHN: &str = "300000000000000102"; // Acme, verified, no code
const PAUL: &str = "300000000000000108"; // Acme, INITIAL
const SUNNY: &str = "300000000000000112"; // Acme, unverified, no code
const BILLING: &str = "300000000000000114"; // Acme, machine
const NORA: &str = "300000000000000115"; // Acme, human without email
const HANK: &str = "300000000000000201"; // Globex, verified
const HOMER: &str = "300000000000000202"; // Globex, code pending
const DIETER: &str = "300000000000000211"; // Globex, deleted
const NICO: &str = "300000000000000304"; // Initech, the no-member token's own user
const ACME: &str = "281465201463541763";
const INITECH: &str = "281465201463672835";
const UNKNOWN: &str = "399999999999999999";

fn live_seed_users() -> usize {
    seed::load().unwrap().users.len()
}

async fn start(generated_users: usize) -> DemoServer {
    start_with(DemoConfig {
        generated_users,
        ..DemoConfig::default()
    })
    .await
}

async fn start_with(config: DemoConfig) -> DemoServer {
    DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
        .await
        .unwrap()
}

struct Api {
    http: reqwest::Client,
    url: String,
}

impl Api {
    fn new(demo: &DemoServer) -> Api {
        Api {
            http: reqwest::Client::new(),
            url: demo.url(),
        }
    }

    async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (u16, String) {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap())
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, text) = self
            .raw(method, path, token, body.map(|b| b.to_string().into_bytes()))
            .await;
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    async fn list(&self, token: &str, body: Value) -> Value {
        let (status, v) = self.post("/v2/users", token, body).await;
        assert_eq!(status, 200, "{v}");
        v
    }

    async fn resend(&self, token: &str, id: &str, body: Value) -> (u16, Value) {
        self.post(&format!("/v2/users/{id}/email/resend"), token, body)
            .await
    }
}

fn total(v: &Value) -> u64 {
    v["details"]["totalResult"]
        .as_str()
        .map_or(0, |s| s.parse().unwrap())
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

/// ZITADEL's REST error body with one ErrorDetail.
fn rest_error(code: i32, id: &str, text: &str) -> Value {
    json!({
        "code": code,
        "message": format!("{text} ({id})"),
        "details": [{"@type": "type.googleapis.com/zitadel.v1.ErrorDetail", "id": id, "message": text}]
    })
}

fn error_id(v: &Value) -> &str {
    v["details"][0]["id"].as_str().unwrap_or("")
}

// --- routing, health, authentication ---------------------------------------------------------

#[tokio::test]
async fn health_routing_misses_and_wrong_methods() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    assert!(demo.url().starts_with("http://127.0.0.1:") && !demo.url().ends_with('/'));
    let (s, body) = api.raw(Method::GET, "/debug/healthz", None, None).await;
    assert_eq!((s, body.as_str()), (200, "ok"));
    let (s, v) = api.get("/v3/nothing/here", ADMIN_TOKEN).await;
    assert_eq!((s, v), (404, json!({"code": 5, "message": "Not Found"})));
    let (s, v) = api
        .call(Method::DELETE, "/v2/users", Some(ADMIN_TOKEN), None)
        .await;
    assert_eq!((s, v["code"].clone()), (405, json!(12)));
    let (s, _) = api
        .post("/zitadel.user.v2.UserService/DeleteUser", ADMIN_TOKEN, json!({}))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn missing_or_unknown_tokens_are_401() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let want = rest_error(16, "AUTH-7fs1e", "Errors.Token.Invalid");
    // No header: the auth interceptor's bare status, without a ZITADEL id (was AUTH-7fs1e
    // in the demo, which no ZITADEL answers).
    let missing = json!({"code": 16, "message": "auth header missing"});
    let (s, v) = api.call(Method::POST, "/v2/users", None, Some(json!({}))).await;
    assert_eq!((s, v), (401, missing.clone()));
    let resp = reqwest::Client::new()
        .get(format!("{}/v2/users/{JANE}", demo.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["www-authenticate"], "auth header missing");
    let (s, v) = api.get(&format!("/v2/users/{JANE}"), "no-such-token").await;
    assert_eq!((s, v), (401, want.clone()));
    let (s, v) = api.resend("nope", JANE, json!({})).await;
    assert_eq!((s, v), (401, want));
    // `Bearer` without a token (HTTP drops the trailing space) is not `Bearer <token>`.
    let (s, v) = api.resend("", JANE, json!({})).await;
    assert_eq!((s, v), (401, rest_error(16, "AUTH-toLo1", "invalid auth header")));
    let (s, v) = api
        .call(
            Method::POST,
            "/zitadel.user.v2.UserService/ListUsers",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (s, v),
        (
            401,
            json!({"code": "unauthenticated", "message": "auth header missing"})
        )
    );
    let (s, v) = api
        .post("/zitadel.user.v2.UserService/ListUsers", "nope", json!({}))
        .await;
    assert_eq!(
        (s, v),
        (
            401,
            json!({"code": "unauthenticated", "message": "Errors.Token.Invalid (AUTH-7fs1e)"})
        )
    );
}

// --- ListUsers ---------------------------------------------------------------------------------

#[tokio::test]
async fn default_listing_is_by_id_descending_without_a_limit() {
    let demo = start(200).await;
    let api = Api::new(&demo);
    let all = (live_seed_users() + 200) as u64;
    let (s, v) = api.call(Method::POST, "/v2/users", Some(ADMIN_TOKEN), None).await;
    assert_eq!(s, 200);
    assert_eq!(total(&v), all);
    // No limit means no SQL LIMIT (was: 100, a default only unreleased ZITADEL has).
    assert_eq!(ids(&v).len() as u64, all, "limit 0 means every user");
    assert_eq!(ids(&v)[0], SERVICE_USER_ID, "highest ID first");
    assert!(v["details"]["timestamp"].is_string() && v["details"]["processedSequence"].is_string());
    assert!(v.get("sortingColumn").is_none());

    let v = api
        .list(ADMIN_TOKEN, json!({"query": {"limit": 0, "asc": true}}))
        .await;
    assert_eq!(ids(&v).len() as u64, all);
    assert_eq!(ids(&v)[0], "200000000000000000");
    let sorted = {
        let mut s = ids(&v);
        s.sort();
        s
    };
    assert_eq!(ids(&v), sorted);

    // Paging by offset visits every user exactly once.
    let mut seen = Vec::new();
    for offset in (0..all).step_by(70) {
        let v = api
            .list(
                ADMIN_TOKEN,
                json!({"query": {"offset": offset.to_string(), "limit": 70, "asc": true}}),
            )
            .await;
        assert_eq!(total(&v), all);
        seen.extend(ids(&v));
    }
    assert_eq!(seen.len() as u64, all);
    let v = api
        .list(ADMIN_TOKEN, json!({"query": {"offset": all + 5, "limit": 10}}))
        .await;
    assert_eq!((total(&v), v.get("result")), (all, None));
}

#[tokio::test]
async fn limits_have_no_maximum() {
    // Released ZITADEL (v2.6x to v4.13) passes any limit to the SQL: no QUERY-4M0fs (the
    // demo used to refuse limits over 1000 like unreleased code does).
    let demo = start(1500).await;
    let api = Api::new(&demo);
    let all = (live_seed_users() + 1500) as u64;
    let v = api.list(ADMIN_TOKEN, json!({"query": {"limit": 1001}})).await;
    assert_eq!((ids(&v).len(), total(&v)), (1001, all));
    let v = api.list(ADMIN_TOKEN, json!({"query": {"limit": 100000}})).await;
    assert_eq!(ids(&v).len() as u64, all);
}

async fn count(api: &Api, query: Value) -> (u64, Vec<String>) {
    let v = api
        .list(ADMIN_TOKEN, json!({"query": {"limit": 1000}, "queries": [query]}))
        .await;
    (total(&v), ids(&v))
}

#[tokio::test]
async fn every_query_kind_filters() {
    let demo = start(300).await;
    let api = Api::new(&demo);

    // Omitted method = EQUALS; two Janes in two orgs.
    let (n, found) = count(&api, json!({"userNameQuery": {"userName": "jane"}})).await;
    assert_eq!(n, 2);
    assert!(found.contains(&JANE.to_owned()));
    let (n, _) = count(&api, json!({"userNameQuery": {"userName": "JANE"}})).await;
    assert_eq!(n, 0);
    let (n, _) = count(
        &api,
        json!({"userNameQuery": {"userName": "JANE", "method": "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}}),
    )
    .await;
    assert_eq!(n, 2);
    let (_, found) = count(&api, json!({"firstNameQuery": {"firstName": "Jürgen"}})).await;
    assert!(found.contains(&"300000000000000103".to_owned()));
    let (_, found) = count(
        &api,
        json!({"lastNameQuery": {"lastName": "MÜLLER", "method": "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE"}}),
    )
    .await;
    assert!(found.contains(&"300000000000000103".to_owned()));
    let (_, found) = count(&api, json!({"nickNameQuery": {"nickName": "☀️"}})).await;
    assert_eq!(found, [SUNNY]);
    let (_, found) = count(&api, json!({"displayNameQuery": {"displayName": "山田 太郎"}})).await;
    assert_eq!(found, ["300000000000000105"]);
    let (_, found) = count(
        &api,
        json!({"displayNameQuery": {"displayName": "evil corp", "method": "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE"}}),
    )
    .await;
    assert_eq!(found, ["300000000000000111"]);
    let (n, _) = count(
        &api,
        json!({"emailQuery": {"emailAddress": "tom.upper@initech.example"}}),
    )
    .await;
    assert_eq!(n, 0, "EQUALS is case-sensitive");
    let (n, _) = count(
        &api,
        json!({"emailQuery": {"emailAddress": "tom.upper@initech.example", "method": "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}}),
    )
    .await;
    assert_eq!(n, 1);
    let (_, found) = count(
        &api,
        json!({"emailQuery": {"emailAddress": "@acme.example", "method": "TEXT_QUERY_METHOD_ENDS_WITH"}}),
    )
    .await;
    assert!(found.contains(&JOHN.to_owned()) && !found.contains(&HANK.to_owned()));
    let (_, found) = count(&api, json!({"phoneQuery": {"number": "+41791234567"}})).await;
    assert_eq!(found, [JANE]);
    let (_, found) = count(
        &api,
        json!({"loginNameQuery": {"loginName": "jane.doe@acme.example"}}),
    )
    .await;
    assert_eq!(found, [JANE], "any login name matches");
    let (_, found) = count(
        &api,
        json!({"inUserIdsQuery": {"userIds": [JANE, HANK, UNKNOWN, DIETER, "200000000000000007"]}}),
    )
    .await;
    assert_eq!(found.len(), 3);
    let (_, found) = count(
        &api,
        json!({"inUserEmailsQuery": {"userEmails": ["john.smith@acme.example"]}}),
    )
    .await;
    assert_eq!(found, [JOHN]);

    // State, org and type, combined.
    let v = api
        .list(
            ADMIN_TOKEN,
            json!({"query": {"limit": 1000}, "queries": [
                {"stateQuery": {"state": "USER_STATE_LOCKED"}},
                {"organizationIdQuery": {"organizationId": INITECH}}]}),
        )
        .await;
    let users = v["result"].as_array().unwrap();
    assert!(users.iter().any(|u| u["userId"] == "300000000000000302"));
    assert!(
        users
            .iter()
            .all(|u| u["state"] == "USER_STATE_LOCKED" && u["details"]["resourceOwner"] == INITECH)
    );
    let (machines, found) = count(&api, json!({"typeQuery": {"type": "TYPE_MACHINE"}})).await;
    assert!(found.contains(&BILLING.to_owned()));
    let (humans, _) = count(&api, json!({"typeQuery": {"type": "TYPE_HUMAN"}})).await;
    assert_eq!(humans + machines, (live_seed_users() + 300) as u64);
    let (n, _) = count(
        &api,
        json!({"notQuery": {"query": {"typeQuery": {"type": "TYPE_HUMAN"}}}}),
    )
    .await;
    assert_eq!(n, machines);
    let (n, _) = count(
        &api,
        json!({"organizationIdQuery": {"organizationId": "123456789012345678"}}),
    )
    .await;
    assert_eq!(n, 0);

    // SQL NULL: machines have no display name, so NOT(displayName = x) does not select them.
    let (n, _) = count(
        &api,
        json!({"notQuery": {"query": {"displayNameQuery": {"displayName": "x"}}}}),
    )
    .await;
    assert_eq!(n, humans);

    let (_, found) = count(
        &api,
        json!({"orQuery": {"queries": [
            {"userNameQuery": {"userName": "homer"}},
            {"userNameQuery": {"userName": "hank"}}]}}),
    )
    .await;
    assert_eq!(found.len(), 2);
    let (_, found) = count(
        &api,
        json!({"andQuery": {"queries": [
            {"userNameQuery": {"userName": "jane"}},
            {"organizationIdQuery": {"organizationId": ACME}}]}}),
    )
    .await;
    assert_eq!(found, [JANE]);
}

#[tokio::test]
async fn query_decoding_and_nesting_errors() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let mut q = json!({"typeQuery": {"type": "TYPE_HUMAN"}});
    for _ in 0..21 {
        q = json!({"notQuery": {"query": {"notQuery": {"query": q}}}});
    }
    let (s, v) = api.post("/v2/users", ADMIN_TOKEN, json!({"queries": [q]})).await;
    assert_eq!(
        (s, v),
        (
            400,
            rest_error(3, "USER-zsQ97", "Errors.Query.TooManyNestingLevels")
        )
    );
    let (s, v) = api
        .post("/v2/users", ADMIN_TOKEN, json!({"queries": [{"fooQuery": {}}]}))
        .await;
    // A misspelled query is dropped and the request validator refuses the empty SearchQuery
    // (was GRPC-vR9nC, which that case never reaches).
    assert_eq!(
        (s, v),
        (
            400,
            json!({"code": 3, "message": "invalid ListUsersRequest.Queries[0]: embedded message failed validation | caused by: invalid SearchQuery.Query: value is required"})
        )
    );
    let (s, v) = api
        .post(
            "/v2/users",
            ADMIN_TOKEN,
            json!({"queries": [{"userNameQuery": {"userName": "a"}, "typeQuery": {}}]}),
        )
        .await;
    assert_eq!((s, v["code"].clone(), v.get("details")), (400, json!(3), None));
    let (s, v) = api
        .post(
            "/v2/users",
            ADMIN_TOKEN,
            json!({"queries": [{"userNameQuery": {"userName": ""}}]}),
        )
        .await;
    assert_eq!((s, v["code"].clone(), v.get("details")), (400, json!(3), None));
    // Unknown keys are dropped, like protojson's DiscardUnknown.
    let v = api
        .list(
            ADMIN_TOKEN,
            json!({"bogus": 1, "queries": [{"userNameQuery": {"userName": "jane", "x": 1}}]}),
        )
        .await;
    assert_eq!(total(&v), 2);
    // Hostile bodies are refused with 400, never crash the server.
    for body in [&b"{"[..], b"[]", b"null", b"\xff\xfe\x00", &[b'['; 50_000][..]] {
        let (s, v) = api
            .raw(Method::POST, "/v2/users", Some(ADMIN_TOKEN), Some(body.to_vec()))
            .await;
        assert_eq!(s, 400, "{v}");
    }
    let huge = vec![b' '; 100 * 1024];
    let (s, _) = api
        .raw(Method::POST, "/v2/users", Some(ADMIN_TOKEN), Some(huge))
        .await;
    assert_eq!(s, 413);
    let (s, _) = api.get("/debug/healthz", ADMIN_TOKEN).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn sorting_columns() {
    let demo = start(100).await;
    let api = Api::new(&demo);
    let names = |v: &Value| -> Vec<Option<String>> {
        v["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["human"]["profile"]["displayName"].as_str().map(str::to_owned))
            .collect()
    };
    let asc = api
        .list(
            ADMIN_TOKEN,
            json!({"query": {"limit": 1000, "asc": true}, "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME"}),
        )
        .await;
    let asc = names(&asc);
    let humans: Vec<_> = asc.iter().take_while(|n| n.is_some()).cloned().collect();
    assert!(humans.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        asc[humans.len()..].iter().all(Option::is_none),
        "NULLs (machines) last"
    );
    let desc = api
        .list(
            ADMIN_TOKEN,
            json!({"query": {"limit": 1000}, "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME"}),
        )
        .await;
    let mut reversed = names(&desc);
    reversed.reverse();
    assert_eq!(reversed, asc);

    let by_created = api
        .list(
            ADMIN_TOKEN,
            json!({"query": {"limit": 1000, "asc": true}, "sortingColumn": "USER_FIELD_NAME_CREATION_DATE",
                                  "queries": [{"typeQuery": {"type": "TYPE_HUMAN"}}]}),
        )
        .await;
    let dates: Vec<jiff::Timestamp> = by_created["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["details"]["creationDate"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    for column in [
        "USER_FIELD_NAME_USER_NAME",
        "USER_FIELD_NAME_FIRST_NAME",
        "USER_FIELD_NAME_LAST_NAME",
        "USER_FIELD_NAME_NICK_NAME",
        "USER_FIELD_NAME_EMAIL",
        "USER_FIELD_NAME_STATE",
        "USER_FIELD_NAME_TYPE",
    ] {
        let v = api
            .list(
                ADMIN_TOKEN,
                json!({"sortingColumn": column, "query": {"limit": 5}}),
            )
            .await;
        assert_eq!(ids(&v).len(), 5, "{column}");
    }
}

#[tokio::test]
async fn permission_filtering_is_in_sql_from_4_8() {
    // The default (4.13): full pages, totalResult counts only readable users (the demo used
    // to filter after paging, which only servers before v4.8 do; see the next test).
    let demo = start(200).await;
    let api = Api::new(&demo);
    let all = (live_seed_users() + 200) as u64;
    let acme_total = count(&api, json!({"organizationIdQuery": {"organizationId": ACME}}))
        .await
        .0;
    assert!(acme_total > 40 && acme_total < all);
    let v = api.list(ORG_TOKEN, json!({"query": {"limit": 40}})).await;
    assert_eq!(total(&v), acme_total, "totalResult counts readable users");
    let page = v["result"].as_array().unwrap();
    assert_eq!(page.len(), 40, "full pages");
    assert!(page.iter().all(|u| u["details"]["resourceOwner"] == ACME));

    // The reader sees everything; the member-less token only itself.
    let v = api.list(READER_TOKEN, json!({"query": {"limit": 1000}})).await;
    assert_eq!(ids(&v).len() as u64, all);
    let v = api.list(NO_MEMBER_TOKEN, json!({"query": {"limit": 1000}})).await;
    assert_eq!((total(&v), ids(&v)), (1, vec![NICO.to_owned()]));
}

#[tokio::test]
async fn before_4_8_permission_filtering_shortens_pages_but_not_total_result() {
    let demo = start_with(DemoConfig {
        generated_users: 200,
        version: ZitadelVersion::V4_0,
        ..DemoConfig::default()
    })
    .await;
    let api = Api::new(&demo);
    let all = (live_seed_users() + 200) as u64;
    let v = api.list(ORG_TOKEN, json!({"query": {"limit": 100}})).await;
    assert_eq!(total(&v), all, "totalResult counts before permission filtering");
    let page = v["result"].as_array().unwrap();
    assert!(!page.is_empty() && page.len() < 100);
    assert!(page.iter().all(|u| u["details"]["resourceOwner"] == ACME));

    // Paging by offset/totalResult yields exactly the Acme users.
    let acme_total = count(&api, json!({"organizationIdQuery": {"organizationId": ACME}}))
        .await
        .0;
    let mut seen = 0;
    let mut offset = 0;
    while offset < all {
        let v = api
            .list(ORG_TOKEN, json!({"query": {"offset": offset, "limit": 100}}))
            .await;
        seen += ids(&v).len() as u64;
        offset += 100;
    }
    assert_eq!(seen, acme_total);
    let v = api.list(NO_MEMBER_TOKEN, json!({"query": {"limit": 1000}})).await;
    assert_eq!((total(&v), ids(&v)), (all, vec![NICO.to_owned()]));
}

// --- GetUserByID, auth methods -----------------------------------------------------------

#[tokio::test]
async fn get_user_and_its_errors() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let (s, v) = api.get(&format!("/v2/users/{JANE}"), ADMIN_TOKEN).await;
    assert_eq!(s, 200);
    assert_eq!(v["user"]["userId"], JANE);
    assert_eq!(v["user"]["preferredLoginName"], "jane@acme.demo.zitadel.cloud");
    assert_eq!(v["details"], v["user"]["details"]);
    assert_eq!(
        v["user"]["human"]["email"],
        json!({"email": "jane.doe@acme.example"})
    );
    let (s, v) = api
        .get(&format!("/v2/users/{}", "200000000000000003"), ADMIN_TOKEN)
        .await;
    assert_eq!(
        (s, v["user"]["userId"].clone()),
        (200, json!("200000000000000003"))
    );

    let not_found = rest_error(5, "QUERY-Dfbg2", "User could not be found");
    for id in [UNKNOWN, DIETER, "200000000000000010", "abc"] {
        let (s, v) = api.get(&format!("/v2/users/{id}"), ADMIN_TOKEN).await;
        assert_eq!((s, v), (404, not_found.clone()), "{id}");
    }
    // The Acme manager has no membership in Globex (nor on the instance): 404 AUTHZ-cdgFk
    // (was 403 AUTHZ-HKJD33, an id only ZITADEL's tests use).
    let (s, v) = api.get(&format!("/v2/users/{HANK}"), ORG_TOKEN).await;
    assert_eq!(
        (s, v),
        (404, rest_error(5, "AUTHZ-cdgFk", "membership not found"))
    );
    let (s, _) = api.get(&format!("/v2/users/{JANE}"), ORG_TOKEN).await;
    assert_eq!(s, 200);
    let (s, v) = api.get(&format!("/v2/users/{JANE}"), NO_MEMBER_TOKEN).await;
    assert_eq!(
        (s, v),
        (404, rest_error(5, "AUTHZ-cdgFk", "membership not found"))
    );
    let (s, _) = api.get(&format!("/v2/users/{NICO}"), NO_MEMBER_TOKEN).await;
    assert_eq!(s, 200, "reading oneself is always allowed");
    let long = "1".repeat(201);
    let (s, v) = api.get(&format!("/v2/users/{long}"), ADMIN_TOKEN).await;
    assert_eq!((s, v["code"].clone(), v.get("details")), (400, json!(3), None));
}

#[tokio::test]
async fn authentication_methods() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let (s, v) = api
        .get(&format!("/v2/users/{JANE}/authentication_methods"), ADMIN_TOKEN)
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["details"]["totalResult"], "1");
    assert_eq!(
        v["authMethodTypes"],
        json!(["AUTHENTICATION_METHOD_TYPE_PASSWORD"])
    );
    let (s, v) = api
        .get(&format!("/v2/users/{PAUL}/authentication_methods"), ADMIN_TOKEN)
        .await;
    assert_eq!(s, 200);
    assert!(v.get("authMethodTypes").is_none() && v["details"].get("totalResult").is_none());
    // An unknown user is an empty list, not 404 (the demo used to answer 404).
    let (s, v) = api
        .get(
            &format!("/v2/users/{UNKNOWN}/authentication_methods"),
            ADMIN_TOKEN,
        )
        .await;
    assert_eq!(s, 200);
    assert!(v.get("authMethodTypes").is_none() && v["details"].get("totalResult").is_none());
    // `user.read` is checked in the caller's own org: the Acme manager may list a Globex
    // user's methods (the demo used to refuse with 403).
    let (s, v) = api
        .get(&format!("/v2/users/{HANK}/authentication_methods"), ORG_TOKEN)
        .await;
    assert_eq!(s, 200, "{v}");
    // Without any membership only one's own methods.
    let (s, v) = api
        .get(
            &format!("/v2/users/{JANE}/authentication_methods"),
            NO_MEMBER_TOKEN,
        )
        .await;
    assert_eq!(
        (s, v),
        (404, rest_error(5, "AUTHZ-cdgFk", "membership not found"))
    );
    let (s, _) = api
        .get(
            &format!("/v2/users/{NICO}/authentication_methods"),
            NO_MEMBER_TOKEN,
        )
        .await;
    assert_eq!(s, 200);
}

// --- email codes --------------------------------------------------------------------------

#[tokio::test]
async fn resend_error_classes_in_zitadels_order() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let template = |t: &str| json!({"sendCode": {"urlTemplate": t}});

    // 1. The template is checked first, even for unknown users.
    let (s, v) = api.resend(ADMIN_TOKEN, UNKNOWN, template("https://x/{{")).await;
    assert_eq!(
        (s, v),
        (400, rest_error(3, "DOMAIN-oGh5e", "URL Template is invalid"))
    );
    let (s, v) = api
        .resend(ADMIN_TOKEN, JANE, template("https://x/{{.LoginName}}"))
        .await;
    assert_eq!(
        (s, v),
        (400, rest_error(3, "DOMAIN-ieYa7", "URL Template is invalid"))
    );
    for bad in [String::new(), "x".repeat(201)] {
        let (s, v) = api.resend(ADMIN_TOKEN, JANE, template(&bad)).await;
        assert_eq!((s, v["code"].clone(), v.get("details")), (400, json!(3), None));
    }
    let (s, v) = api
        .resend(ADMIN_TOKEN, JANE, json!({"sendCode": {}, "returnCode": {}}))
        .await;
    assert_eq!((s, v["code"].clone(), v.get("details")), (400, json!(3), None));

    // 2. The user must exist, be a human and have an email.
    let email_not_found = rest_error(5, "COMMAND-ieJ2e", "Email not found");
    for id in [UNKNOWN, DIETER, BILLING, NORA] {
        let (s, v) = api.resend(ADMIN_TOKEN, id, json!({})).await;
        assert_eq!((s, v), (404, email_not_found.clone()), "{id}");
    }
    // 3. INITIAL users.
    let (s, v) = api.resend(ADMIN_TOKEN, PAUL, json!({})).await;
    assert_eq!(
        (s, v),
        (400, rest_error(9, "COMMAND-uz0Uu", "User is not yet initialized"))
    );
    // 4. Permission (user.write): a membership without it is 403 AUTH-AWfge, no membership
    // in the user's org 404 AUTHZ-cdgFk (the demo used to answer 403 AUTHZ-HKJD33 to both).
    let membership_not_found = rest_error(5, "AUTHZ-cdgFk", "membership not found");
    let (s, v) = api.resend(ORG_TOKEN, HOMER, json!({})).await;
    assert_eq!((s, v), (404, membership_not_found));
    let (s, v) = api.resend(READER_TOKEN, JANE, json!({})).await;
    assert_eq!(
        (s, v),
        (403, rest_error(7, "AUTH-AWfge", "No matching permissions found"))
    );
    let (s, v) = api.resend(NO_MEMBER_TOKEN, JANE, json!({})).await;
    assert_eq!(
        (s, v),
        (404, rest_error(5, "AUTHZ-cdgFk", "membership not found"))
    );
    // 5. A pending code.
    let code_empty = rest_error(9, "EMAIL-5w5ilin4yt", "Code is empty");
    for id in [JOHN, SUNNY] {
        let (s, v) = api.resend(ADMIN_TOKEN, id, json!({})).await;
        assert_eq!((s, v), (400, code_empty.clone()), "{id}");
    }
    // Nobody changed anything so far.
    assert_eq!(demo.pending_code(JOHN), None);
}

/// The template check is Go's (`internal/domain/url_template.go` at v4.13.1): whatever parses
/// and executes is accepted, whatever branch Go does not execute is not looked at.
#[tokio::test]
async fn url_templates_are_checked_like_go() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let template = |t: &str| json!({"sendCode": {"urlTemplate": t}});
    for accepted in [
        "myapp://verify?c={{.Code}}",
        "https://x/?c={{.Code | urlquery}}&u={{printf \"%s\" .UserID}}",
        "{{- /* trimmed */ -}} https://x/{{.Code}}",
        "{{if false}}{{.LoginName}}{{end}}https://x/{{.Code}}",
        "https://x/verify",
    ] {
        let (s, v) = api.resend(ADMIN_TOKEN, HOMER, template(accepted)).await;
        assert_eq!(s, 200, "{accepted}: {v}");
    }
    for (refused, id) in [
        ("https://x/{{.Code | nope}}", "DOMAIN-oGh5e"),
        ("https://x/{{if .Code}}", "DOMAIN-oGh5e"),
        ("https://x/{{if true}}{{.LoginName}}{{end}}", "DOMAIN-ieYa7"),
        ("https://x/{{template \"x\"}}", "DOMAIN-ieYa7"),
        ("https://x/{{.Code.Length}}", "DOMAIN-ieYa7"),
    ] {
        let (s, v) = api.resend(ADMIN_TOKEN, HOMER, template(refused)).await;
        assert_eq!(
            (s, v),
            (400, rest_error(3, id, "URL Template is invalid")),
            "{refused}"
        );
    }
}

#[tokio::test]
async fn resend_replaces_the_code_and_bumps_the_sequence() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let (_, before) = api.get(&format!("/v2/users/{JANE}"), ADMIN_TOKEN).await;
    let seq = |v: &Value| -> u64 { v["sequence"].as_str().unwrap().parse().unwrap() };
    let first = demo.pending_code(JANE).unwrap();
    assert_eq!(first.len(), 6);

    let (s, v) = api
        .resend(
            ADMIN_TOKEN,
            JANE,
            json!({"sendCode": {"urlTemplate": "https://x/v?u={{.UserID}}&c={{.Code}}&o={{.OrgID}}"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v.get("verificationCode").is_none());
    assert_eq!(v["details"]["resourceOwner"], ACME);
    assert_eq!(seq(&v["details"]), seq(&before["details"]) + 1);
    let second = demo.pending_code(JANE).unwrap();
    assert_ne!(first, second);
    assert!(
        second
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );

    let (s, v) = api.resend(ADMIN_TOKEN, JANE, json!({"returnCode": {}})).await;
    assert_eq!(s, 200);
    let returned = v["verificationCode"].as_str().unwrap();
    assert_eq!(Some(returned.to_owned()), demo.pending_code(JANE));
    assert_ne!(returned, second);
    // The mailed code's `…code.sent` event (ZITADEL's notification worker) took one more.
    assert_eq!(seq(&v["details"]), seq(&before["details"]) + 3);

    // Get and list show the new sequence and change date.
    let (_, after) = api.get(&format!("/v2/users/{JANE}"), ADMIN_TOKEN).await;
    assert_eq!(after["user"]["details"]["sequence"], v["details"]["sequence"]);
    assert_eq!(after["user"]["details"]["changeDate"], v["details"]["changeDate"]);

    // Self-service and org managers may resend.
    let (s, _) = api.resend(NO_MEMBER_TOKEN, NICO, json!({})).await;
    assert_eq!(s, 200);
    let (s, _) = api.resend(ORG_TOKEN, JANE, json!({})).await;
    assert_eq!(s, 200);
    let (s, _) = api.resend(ADMIN_TOKEN, JANE, json!("")).await;
    assert_eq!(s, 400);
    let (s, _) = api
        .raw(
            Method::POST,
            &format!("/v2/users/{JANE}/email/resend"),
            Some(ADMIN_TOKEN),
            Some(Vec::new()),
        )
        .await;
    assert_eq!(s, 200, "an empty body is {{}}");
}

#[tokio::test]
async fn send_works_without_a_pending_code() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    assert_eq!(demo.pending_code(JOHN), None);
    let (s, v) = api
        .post(
            &format!("/v2/users/{JOHN}/email/send"),
            ADMIN_TOKEN,
            json!({"returnCode": {}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["verificationCode"].as_str(), demo.pending_code(JOHN).as_deref());
    // Now there is something to resend.
    let (s, _) = api.resend(ADMIN_TOKEN, JOHN, json!({})).await;
    assert_eq!(s, 200);
    // The other checks still apply.
    let (s, v) = api
        .post(&format!("/v2/users/{PAUL}/email/send"), ADMIN_TOKEN, json!({}))
        .await;
    assert_eq!((s, error_id(&v)), (400, "COMMAND-uz0Uu"));
    let (s, v) = api
        .post(&format!("/v2/users/{BILLING}/email/send"), ADMIN_TOKEN, json!({}))
        .await;
    assert_eq!((s, error_id(&v)), (404, "COMMAND-ieJ2e"));
}

#[tokio::test]
async fn v3alpha_resend_never_succeeds_for_v2_users() {
    // The demo used to answer the v3alpha resend like the v2 one (with resource details);
    // real ZITADEL serves it only to schema users.
    let path = |id: &str| format!("/resources/v3alpha/users/{id}/email/_resend");
    let demo = start(10).await;
    let api = Api::new(&demo);
    let not_enabled = rest_error(9, "TODO", "Feature \"User Schema\" is not enabled");
    for id in [JANE, JOHN, UNKNOWN] {
        let (s, v) = api.post(&path(id), ADMIN_TOKEN, json!({"returnCode": {}})).await;
        assert_eq!((s, v), (400, not_enabled.clone()), "{id}");
    }
    assert_eq!(demo.pending_code(JOHN), None, "nothing was issued");

    let demo = start_with(DemoConfig {
        generated_users: 10,
        user_schema: true,
        ..DemoConfig::default()
    })
    .await;
    let api = Api::new(&demo);
    let not_found = rest_error(5, "COMMAND-EajeF6ypOV", "User could not be found");
    for id in [JANE, UNKNOWN] {
        let (s, v) = api.post(&path(id), ADMIN_TOKEN, json!({})).await;
        assert_eq!((s, v), (404, not_found.clone()), "{id}");
    }
    // Authentication still comes first.
    let (s, v) = api.post(&path(JANE), "nope", json!({})).await;
    assert_eq!((s, error_id(&v)), (401, "AUTH-7fs1e"));
}

// --- Connect ----------------------------------------------------------------------------------

#[tokio::test]
async fn connect_paths_answer_like_rest_and_fail_like_connect() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let svc = |m: &str| format!("/zitadel.user.v2.UserService/{m}");
    let (s, v) = api
        .post(&svc("ListUsers"), ADMIN_TOKEN, json!({"query": {"limit": 3}}))
        .await;
    assert_eq!((s, ids(&v).len()), (200, 3));
    let (s, v) = api
        .post(&svc("GetUserByID"), ADMIN_TOKEN, json!({"userId": JANE}))
        .await;
    assert_eq!((s, v["user"]["userId"].clone()), (200, json!(JANE)));
    let (s, v) = api
        .post(&svc("GetUserByID"), ADMIN_TOKEN, json!({"userId": UNKNOWN}))
        .await;
    assert_eq!(
        (s, v),
        (
            404,
            json!({"code": "not_found", "message": "User could not be found (QUERY-Dfbg2)"})
        )
    );
    let (s, v) = api
        .post(
            &svc("ResendEmailCode"),
            ADMIN_TOKEN,
            json!({"userId": JANE, "returnCode": {}}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["verificationCode"].as_str(), demo.pending_code(JANE).as_deref());
    let (s, v) = api
        .post(&svc("ResendEmailCode"), ADMIN_TOKEN, json!({"userId": JOHN}))
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"code": "failed_precondition", "message": "Code is empty (EMAIL-5w5ilin4yt)"})
        )
    );
    let (s, _) = api
        .post(&svc("SendEmailCode"), ADMIN_TOKEN, json!({"userId": JOHN}))
        .await;
    assert_eq!(s, 200);
    let (s, v) = api
        .post(
            &svc("ListAuthenticationMethodTypes"),
            ADMIN_TOKEN,
            json!({"userId": JANE}),
        )
        .await;
    assert_eq!(
        (s, v["authMethodTypes"].clone()),
        (200, json!(["AUTHENTICATION_METHOD_TYPE_PASSWORD"]))
    );
    let (s, v) = api.post(&svc("GetUserByID"), ADMIN_TOKEN, json!({})).await;
    assert_eq!((s, v["code"].clone()), (400, json!("invalid_argument")));
    let (s, v) = api
        .post(&svc("GetUserByID"), ORG_TOKEN, json!({"userId": HANK}))
        .await;
    assert_eq!((s, v["code"].clone()), (404, json!("not_found")));
    let (s, v) = api
        .post(&svc("GetUserByID"), READER_TOKEN, json!({"userId": HANK}))
        .await;
    assert_eq!((s, v["code"].clone()), (200, json!(null)));
    let (s, v) = api
        .post(&svc("SendEmailCode"), READER_TOKEN, json!({"userId": HANK}))
        .await;
    assert_eq!((s, v["code"].clone()), (403, json!("permission_denied")));
}

// --- OAuth ------------------------------------------------------------------------------------

fn sign(claims: Value, kid: &str) -> String {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let key: Value = serde_json::from_str(SERVICE_KEY_JSON).unwrap();
    let pem = key["key"].as_str().unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn claims(aud: &str) -> Value {
    json!({"iss": SERVICE_USER_ID, "sub": SERVICE_USER_ID, "aud": [aud], "iat": now(), "exp": now() + 3600})
}

const SCOPE: &str = "openid urn:zitadel:iam:org:project:id:zitadel:aud";

async fn token_request(demo: &DemoServer, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/oauth/v2/token", demo.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn discovery_document() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    let (s, v) = api.get("/.well-known/openid-configuration", "").await;
    assert_eq!(s, 200);
    assert_eq!(v["issuer"], demo.url());
    assert_eq!(v["token_endpoint"], format!("{}/oauth/v2/token", demo.url()));
    assert!(v["device_authorization_endpoint"].is_string() && v["jwks_uri"].is_string());
    assert!(
        v["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("urn:ietf:params:oauth:grant-type:jwt-bearer"))
    );
}

#[tokio::test]
async fn jwt_bearer_grant_issues_admin_tokens_that_expire() {
    let demo = start_with(DemoConfig {
        generated_users: 10,
        token_lifetime: Duration::from_secs(1),
        ..DemoConfig::default()
    })
    .await;
    let api = Api::new(&demo);
    let grant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    let with_slash = format!("{}/", demo.url());
    let assertion = sign(claims(&with_slash), SERVICE_KEY_ID);
    let (s, v) = token_request(
        &demo,
        &[("grant_type", grant), ("assertion", &assertion), ("scope", SCOPE)],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["token_type"].clone(), v["expires_in"].clone()),
        (json!("Bearer"), json!(1))
    );
    assert_eq!(v["scope"], SCOPE);
    let token = v["access_token"].as_str().unwrap().to_owned();
    let (s, _) = api.resend(&token, HOMER, json!({})).await;
    assert_eq!(s, 200, "issued tokens act as the admin");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, v) = api.get(&format!("/v2/users/{JANE}"), &token).await;
    assert_eq!((s, error_id(&v)), (401, "AUTH-7fs1e"));

    // The test hook expires tokens before their time.
    let (_, v) = token_request(
        &demo,
        &[("grant_type", grant), ("assertion", &assertion), ("scope", SCOPE)],
    )
    .await;
    let token = v["access_token"].as_str().unwrap().to_owned();
    assert_eq!(api.get(&format!("/v2/users/{JANE}"), &token).await.0, 200);
    demo.expire_issued_tokens();
    assert_eq!(api.get(&format!("/v2/users/{JANE}"), &token).await.0, 401);
    let log = demo.requests();
    assert!(log.iter().any(|r| r.path == "/oauth/v2/token" && r.status == 200));
}

#[tokio::test]
async fn bad_token_requests() {
    let demo = start(10).await;
    let grant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    let url = demo.url();
    let good = sign(claims(&url), SERVICE_KEY_ID);
    let mut expired = claims(&url);
    expired["exp"] = json!(now() - 120);
    let mut stale = claims(&url);
    stale["iat"] = json!(now() - 7200);
    let mut wrong_sub = claims(&url);
    wrong_sub["sub"] = json!("1");
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![], "invalid_request"),
        (
            vec![("grant_type", "client_credentials".into())],
            "unsupported_grant_type",
        ),
        (vec![("grant_type", grant.into())], "invalid_request"),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", "not.a.jwt".into()),
                ("scope", SCOPE.into()),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", sign(claims(&url), "other-key")),
                ("scope", SCOPE.into()),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", sign(claims("https://elsewhere"), SERVICE_KEY_ID)),
                ("scope", SCOPE.into()),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", sign(expired, SERVICE_KEY_ID)),
                ("scope", SCOPE.into()),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", sign(stale, SERVICE_KEY_ID)),
                ("scope", SCOPE.into()),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", sign(wrong_sub, SERVICE_KEY_ID)),
                ("scope", SCOPE.into()),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", grant.into()),
                ("assertion", good),
                ("scope", "openid".into()),
            ],
            "invalid_scope",
        ),
    ];
    for (form, want) in cases {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, v) = token_request(&demo, &form).await;
        assert_eq!(
            (s, v["error"].as_str().unwrap_or("")),
            (400, want),
            "{form:?}: {v}"
        );
        assert!(v["error_description"].is_string());
    }
}

// --- faults and the log -------------------------------------------------------------------

#[tokio::test]
async fn fail_every_counts_only_api_requests() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    demo.set_faults(Faults {
        fail_every: Some(3),
        ..Faults::default()
    });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(api.post("/v2/users", ADMIN_TOKEN, json!({})).await.0);
        // Never counted, never failed.
        let (s, _) = api.get("/.well-known/openid-configuration", "").await;
        assert_eq!(s, 200);
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503]);
    demo.set_faults(Faults {
        fail_every: Some(1),
        fail_status: 500,
        ..Faults::default()
    });
    let (s, v) = api.post("/v2/users", ADMIN_TOKEN, json!({})).await;
    assert_eq!((s, v["code"].clone()), (500, json!(13)));
    let (s, v) = api
        .post("/zitadel.user.v2.UserService/ListUsers", ADMIN_TOKEN, json!({}))
        .await;
    assert_eq!((s, v["code"].clone()), (500, json!("internal")));
    demo.set_faults(Faults::default());
    assert_eq!(api.post("/v2/users", ADMIN_TOKEN, json!({})).await.0, 200);
}

#[tokio::test]
async fn latency_malformed_and_hang() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    demo.set_faults(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    });
    let started = tokio::time::Instant::now();
    assert_eq!(api.get(&format!("/v2/users/{JANE}"), ADMIN_TOKEN).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = tokio::time::Instant::now();
    assert_eq!(api.get("/debug/healthz", "").await.0, 200);
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "no latency outside the API"
    );

    demo.set_faults(Faults {
        malformed_json: true,
        ..Faults::default()
    });
    let (s, text) = api
        .raw(Method::GET, &format!("/v2/users/{JANE}"), Some(ADMIN_TOKEN), None)
        .await;
    assert_eq!(s, 200);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert!(text.starts_with("{\"details\""));

    demo.set_faults(Faults {
        hang: true,
        ..Faults::default()
    });
    let hung = reqwest::Client::new()
        .post(format!("{}/v2/users", demo.url()))
        .bearer_auth(ADMIN_TOKEN)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.is_err_and(|e| e.is_timeout()));
    let log = demo.requests();
    assert_eq!(log.last().map(|r| r.status), Some(0), "still unanswered");
    let started = tokio::time::Instant::now();
    demo.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn the_request_log_records_everything_in_order() {
    let demo = start(10).await;
    let api = Api::new(&demo);
    api.post("/v2/users", ADMIN_TOKEN, json!({"query": {"limit": 1}}))
        .await;
    api.get(&format!("/v2/users/{UNKNOWN}"), ORG_TOKEN).await;
    api.call(Method::GET, "/debug/healthz", None, None).await;
    let log = demo.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(
        log[0],
        LoggedRequest {
            method: "POST".into(),
            path: "/v2/users".into(),
            body: r#"{"query":{"limit":1}}"#.into(),
            bearer: Some(ADMIN_TOKEN.into()),
            org: None,
            status: 200,
        }
    );
    assert_eq!((log[1].status, log[1].bearer.as_deref()), (404, Some(ORG_TOKEN)));
    assert_eq!(
        (log[2].path.as_str(), log[2].bearer.as_deref()),
        ("/debug/healthz", None)
    );
    demo.clear_requests();
    assert!(demo.requests().is_empty());
    api.call(Method::GET, "/debug/healthz", None, None).await;
    assert_eq!(demo.requests().len(), 1);
    assert_eq!(demo.requests()[0].status, 200);
}

// --- scale ------------------------------------------------------------------------------------

/// A million generated users start at once and answer a page quickly. In release builds the
/// test also times a full filtered scan and a sorted listing (see `cargo test --release`).
#[tokio::test]
async fn a_million_users() {
    let started = std::time::Instant::now();
    let demo = start(1_000_000).await;
    let startup = started.elapsed();
    let api = Api::new(&demo);

    let t = std::time::Instant::now();
    let v = api
        .list(
            ADMIN_TOKEN,
            json!({"query": {"offset": 500_000, "limit": 100, "asc": true}}),
        )
        .await;
    let page = t.elapsed();
    assert_eq!(total(&v), 1_000_000 + live_seed_users() as u64);
    assert_eq!(ids(&v)[0], "200000000000500000");

    let t = std::time::Instant::now();
    let (s, _) = api
        .get(&format!("/v2/users/{}", "200000000000999999"), ADMIN_TOKEN)
        .await;
    let get = t.elapsed();
    assert_eq!(s, 200);
    eprintln!("1M users: start {startup:?}, unfiltered page {page:?}, get {get:?}");
    assert!(startup < Duration::from_secs(5) && page < Duration::from_secs(5));

    if !cfg!(debug_assertions) {
        let t = std::time::Instant::now();
        let v = api
            .list(
                ADMIN_TOKEN,
                json!({"query": {"limit": 100}, "queries": [{"displayNameQuery":
                    {"displayName": "zoë müll", "method": "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE"}}]}),
            )
            .await;
        let scan = t.elapsed();
        assert!(total(&v) > 0);
        let t = std::time::Instant::now();
        api.list(
            ADMIN_TOKEN,
            json!({"query": {"limit": 100}, "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME"}),
        )
        .await;
        let first_sort = t.elapsed();
        let t = std::time::Instant::now();
        api.list(ADMIN_TOKEN, json!({"query": {"limit": 100, "offset": 10_000}, "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME"}))
            .await;
        let cached_sort = t.elapsed();
        let t = std::time::Instant::now();
        api.list(
            ADMIN_TOKEN,
            json!({"query": {"limit": 100}, "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME",
                   "queries": [{"stateQuery": {"state": "USER_STATE_LOCKED"}}]}),
        )
        .await;
        let sorted_scan = t.elapsed();
        eprintln!(
            "1M users (release): filtered scan {scan:?}, first sort by display name {first_sort:?}, \
             cached sort {cached_sort:?}, sorted + filtered {sorted_scan:?}"
        );
        assert!(scan < Duration::from_secs(1));
    }
}
