//! The API client against the in-process demo instance, over real HTTP: every call, every
//! error class, the retry policy (counted in the demo's request log) and key-file tokens.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use zitadesk::api::auth::{Credentials, ServiceKey};
use zitadesk::api::query::{MatchMode, parse_search};
use zitadesk::api::template::{UrlTemplateError, check_url_template};
use zitadesk::api::wire::{AuthenticationMethodType, ListQuery, ListUsersRequest, UserState};
use zitadesk::api::{ApiError, ApiFlavour, Client, CodeMode};
use zitadesk::demo::{
    ADMIN_TOKEN, DemoConfig, Faults, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN, ZitadelVersion,
};

fn body(r: &zitadesk::demo::LoggedRequest) -> Value {
    serde_json::from_str(&r.body).unwrap_or(Value::Null)
}

fn list(limit: u32, query: &str) -> ListUsersRequest {
    ListUsersRequest {
        query: Some(ListQuery {
            offset: 0,
            limit,
            asc: true,
        }),
        queries: parse_search(query, MatchMode::Contains).expect("valid search"),
        ..Default::default()
    }
}

#[tokio::test]
async fn list_always_sends_an_explicit_limit_of_at_most_1000() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let resp = c.list_users(&ListUsersRequest::default()).await.unwrap();
    assert!(resp.details.total_result > 0);
    assert!(resp.details.timestamp.is_some());
    c.list_users(&list(5000, "")).await.unwrap();
    let limits: Vec<Value> = requests_to(&demo, "/v2/users")
        .iter()
        .map(|r| body(r)["query"]["limit"].clone())
        .collect();
    assert_eq!(limits, vec![json!(100), json!(1000)]);
}

#[tokio::test]
async fn searches_reach_the_server_as_queries_and_filter_results() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let locked = c.list_users(&list(100, "state:locked")).await.unwrap();
    assert!(!locked.result.is_empty(), "the seed has locked users");
    assert!(locked.result.iter().all(|u| u.state == UserState::Locked));
    let sent = body(requests_to(&demo, "/v2/users").last().unwrap());
    assert_eq!(
        sent["queries"],
        json!([{"stateQuery": {"state": "USER_STATE_LOCKED"}}])
    );

    let not_locked = c.list_users(&list(1000, "-state:locked")).await.unwrap();
    assert!(not_locked.result.iter().all(|u| u.state != UserState::Locked));
    assert_eq!(
        not_locked.details.total_result + locked.details.total_result,
        c.list_users(&list(1000, "")).await.unwrap().details.total_result
    );
}

#[tokio::test]
async fn paging_advances_by_limit_and_stops_at_total_result_even_when_pages_come_back_short() {
    // Servers before v4.8 filter after paging (the demo's default, 4.13, no longer does).
    let demo = demo_with(DemoConfig {
        generated_users: 3000,
        version: ZitadelVersion::V4_0,
        ..DemoConfig::default()
    })
    .await;
    // The org token cannot read two thirds of the users; ZITADEL 4.0–4.7 drops them after
    // paging, so pages are short while totalResult counts all.
    let c = client(&demo, ORG_TOKEN);
    let got = c.list_users_upto(&list(50, ""), 100_000, 100).await.unwrap();
    assert!(got.complete);
    let resp = got.response;
    let offsets: Vec<u64> = requests_to(&demo, "/v2/users")
        .iter()
        .map(|r| {
            body(r)["query"]["offset"]
                .as_str()
                .unwrap_or("0")
                .parse()
                .unwrap()
        })
        .collect();
    let total = resp.details.total_result;
    assert!(offsets.len() > 1, "several pages: {offsets:?}");
    for (i, off) in offsets.iter().enumerate() {
        assert_eq!(
            *off,
            1000 * i as u64,
            "offsets step by the page limit: {offsets:?}"
        );
    }
    assert!(*offsets.last().unwrap() < total && offsets.last().unwrap() + 1000 >= total);
    assert!(
        (resp.result.len() as u64) < total,
        "rows the token cannot read are missing"
    );
    assert!(!resp.result.is_empty());
}

#[tokio::test]
async fn short_pages_are_followed_by_offset_with_full_pages_until_enough_rows_came_back() {
    // Servers before v4.8 filter after paging (the demo's default, 4.13, no longer does).
    let demo = demo_with(DemoConfig {
        generated_users: 3000,
        version: ZitadelVersion::V4_0,
        ..DemoConfig::default()
    })
    .await;
    let c = client(&demo, ORG_TOKEN);
    let got = c.list_users_upto(&list(20, ""), 120, 10).await.unwrap();
    assert!(got.complete);
    assert_eq!(got.response.result.len(), 120);
    let pages: Vec<(String, u64)> = requests_to(&demo, "/v2/users")
        .iter()
        .map(|r| {
            let b = body(r);
            (
                b["query"]["offset"].as_str().unwrap_or("0").to_string(),
                b["query"]["limit"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        pages.len() >= 2,
        "a page of 120 holds fewer than 120 readable rows: {pages:?}"
    );
    assert_eq!(pages[0], ("0".to_string(), 120));
    assert_eq!(
        pages[1],
        ("120".to_string(), 100),
        "never a page smaller than 100"
    );
}

#[tokio::test]
async fn a_token_that_reads_almost_nothing_does_not_walk_the_whole_instance() {
    // Servers before v4.8 filter after paging (the demo's default, 4.13, no longer does).
    let demo = demo_with(DemoConfig {
        generated_users: 50_000,
        version: ZitadelVersion::V4_0,
        ..DemoConfig::default()
    })
    .await;
    let c = client(&demo, NO_MEMBER_TOKEN);
    let got = c.list_users_upto(&list(100, ""), 100, 5).await.unwrap();
    assert!(!got.complete, "the budget ran out first");
    assert_eq!(requests_to(&demo, "/v2/users").len(), 5);
    assert!(got.response.result.len() < 100);
}

#[tokio::test]
async fn an_offset_near_the_end_of_u64_does_not_wrap() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let mut req = list(100, "");
    req.query.as_mut().unwrap().offset = u64::MAX - 10;
    let got = c.list_users_upto(&req, 1000, 10).await.unwrap();
    assert!(got.complete && got.response.result.is_empty());
    assert_eq!(requests_to(&demo, "/v2/users").len(), 1);
}

#[tokio::test]
async fn a_query_zitadel_rejects_is_invalid_argument() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let mut q = zitadesk::api::wire::SearchQuery::TypeQuery(zitadesk::api::wire::TypeQuery::default());
    for _ in 0..25 {
        q = zitadesk::api::wire::SearchQuery::NotQuery(Box::new(zitadesk::api::wire::NotQuery { query: q }));
    }
    let req = ListUsersRequest {
        queries: vec![q],
        ..Default::default()
    };
    let e = c.list_users(&req).await.unwrap_err();
    assert!(matches!(e, ApiError::InvalidArgument(_)), "{e:?}");
    assert_eq!(e.zitadel_id(), Some("USER-zsQ97"));
    assert_eq!(requests_to(&demo, "/v2/users").len(), 1, "not retried");
}

#[tokio::test]
async fn get_user_and_auth_methods() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let some = find_user(&c, "human user", |u| {
        u.human.is_some() && u.state == UserState::Active
    })
    .await;
    let got = c.get_user(&some.user_id).await.unwrap();
    assert_eq!(got.user_id, some.user_id);
    assert_eq!(got.preferred_login_name, some.preferred_login_name);
    let initial = find_user(&c, "initial user", |u| u.state == UserState::Initial).await;
    assert_eq!(
        c.list_auth_methods(&initial.user_id).await.unwrap(),
        Vec::<AuthenticationMethodType>::new()
    );
    let all = all_users(&c).await;
    let mut any_methods = false;
    for u in all
        .iter()
        .filter(|u| u.state == UserState::Active && u.human.is_some())
    {
        any_methods |= !c.list_auth_methods(&u.user_id).await.unwrap().is_empty();
    }
    assert!(any_methods, "some active users can sign in");
}

#[tokio::test]
async fn unknown_user_is_not_found_with_exit_code_3() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let e = c.get_user("999999999999999999").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    assert_eq!(e.zitadel_id(), Some("QUERY-Dfbg2"));
    assert_eq!(e.exit_code(), 3);
    let e = c
        .resend_email_code("999999999999999999", &CodeMode::Return)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    assert_eq!(e.zitadel_id(), Some("COMMAND-ieJ2e"));
}

#[tokio::test]
async fn resend_with_a_template_sends_exactly_that_template_once() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user with a pending code", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let before = demo.pending_code(&user.user_id);
    demo.clear_requests();
    let template = "https://verify.example.com/email?u={{.UserID}}&c={{.Code}}&o={{.OrgID}}";
    let r = c
        .resend_email_code(
            &user.user_id,
            &CodeMode::Send {
                url_template: check_url_template(template).ok(),
            },
        )
        .await
        .unwrap();
    let sent = demo.requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].path, format!("/v2/users/{}/email/resend", user.user_id));
    assert_eq!(body(&sent[0]), json!({"sendCode": {"urlTemplate": template}}));
    assert!(r.code.is_none(), "send mode returns no code");
    assert!(r.sequence.is_some_and(|s| s > 0));
    assert_eq!(r.resource_owner, user.details.as_ref().unwrap().resource_owner);
    assert_ne!(
        demo.pending_code(&user.user_id),
        before,
        "a new code replaces the old one"
    );
}

#[tokio::test]
async fn return_code_gives_the_code_the_server_issued() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user with a pending code", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let r = c
        .resend_email_code(&user.user_id, &CodeMode::Return)
        .await
        .unwrap();
    let code = r.code.expect("a returned code");
    assert_eq!(Some(code.expose().to_string()), demo.pending_code(&user.user_id));
    assert_eq!(code.expose().len(), 6);
    assert!(
        !format!("{code:?}").contains(code.expose()),
        "Debug never shows the code"
    );
    assert_eq!(
        body(&demo.requests().last().unwrap().clone()),
        json!({"returnCode": {}})
    );
}

#[tokio::test]
async fn resend_error_classes() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let verified = find_user(&c, "verified user without a pending code", |u| {
        is_verified_human(u) && demo.pending_code(&u.user_id).is_none()
    })
    .await;
    let e = c
        .resend_email_code(&verified.user_id, &CodeMode::Return)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NoPendingCode(_)), "{e:?}");
    assert_eq!(e.zitadel_id(), Some("EMAIL-5w5ilin4yt"));

    let initial = find_user(&c, "initial user", |u| {
        u.state == UserState::Initial && u.human.is_some()
    })
    .await;
    let e = c
        .resend_email_code(&initial.user_id, &CodeMode::Return)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::UserNotInitialised(_)), "{e:?}");

    let machine = find_user(&c, "machine user", |u| u.machine.is_some()).await;
    let e = c
        .resend_email_code(&machine.user_id, &CodeMode::Return)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");

    // A bad template never becomes a request: only the check makes a `UrlTemplate`, so the
    // client cannot be handed one (the CLI's refusal is tested end to end in tests/cli.rs).
    let bad = check_url_template("https://x/{{.LoginName}}");
    assert!(matches!(bad, Err(UrlTemplateError::Exec { .. })), "{bad:?}");
}

#[tokio::test]
async fn the_server_side_template_refusal_is_classified_from_its_body() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    // Bypass the client's own check to see what ZITADEL (the demo) answers.
    let resp = reqwest::Client::new()
        .post(format!("{}/v2/users/{}/email/resend", demo.url(), user.user_id))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"sendCode": {"urlTemplate": "https://x/{{"}}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    let e = ApiError::from_response(zitadesk::api::Call::ResendEmailCode, status, &bytes);
    assert_eq!(status, 400);
    assert!(matches!(e, ApiError::InvalidUrlTemplate(_)), "{e:?}");
    assert_eq!(e.zitadel_id(), Some("DOMAIN-oGh5e"));
}

#[tokio::test]
async fn send_issues_a_code_even_when_none_is_pending() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let verified = find_user(&c, "verified user without a pending code", |u| {
        is_verified_human(u) && demo.pending_code(&u.user_id).is_none()
    })
    .await;
    let r = c
        .send_email_code(&verified.user_id, &CodeMode::Return)
        .await
        .unwrap();
    assert_eq!(
        r.code.map(|c| c.expose().to_string()),
        demo.pending_code(&verified.user_id)
    );
    let last = demo.requests().pop().unwrap();
    assert_eq!(last.path, format!("/v2/users/{}/email/send", verified.user_id));
}

#[tokio::test]
async fn permissions_and_authentication() {
    let demo = demo().await;
    let admin = client(&demo, ADMIN_TOKEN);
    let user = find_user(&admin, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;

    let e = client(&demo, READER_TOKEN)
        .resend_email_code(&user.user_id, &CodeMode::Return)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::PermissionDenied(_)), "{e:?}");
    assert_eq!(e.exit_code(), 4);

    let e = client(&demo, NO_MEMBER_TOKEN)
        .get_user(&user.user_id)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::PermissionDenied(_)),
        "membership not found is a permission problem: {e:?}"
    );
    assert_eq!(e.zitadel_id(), Some("AUTHZ-cdgFk"));

    let e = client(&demo, "wrong-token")
        .list_users(&ListUsersRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthenticated(_)), "{e:?}");
    assert_eq!(e.zitadel_id(), Some("AUTH-7fs1e"));
    assert_eq!(e.exit_code(), 4);
    assert!(!e.to_string().contains("wrong-token"));
}

#[tokio::test]
async fn v3alpha_resend_uses_the_resource_path_and_gets_zitadels_refusal() {
    // ZITADEL's v3alpha resend serves only schema users: with the UserSchema feature off it is
    // a 400 (the demo used to answer it like the v2 resend, with resource details).
    let demo = demo().await;
    let admin = client(&demo, ADMIN_TOKEN);
    let user = find_user(&admin, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let before = demo.pending_code(&user.user_id);
    let mut cfg = config(&demo, Credentials::token(ADMIN_TOKEN));
    cfg.api = ApiFlavour::V3Alpha;
    let c = Client::new(cfg).unwrap();
    let e = c
        .resend_email_code(&user.user_id, &CodeMode::Return)
        .await
        .unwrap_err();
    let last = demo.requests().pop().unwrap();
    assert_eq!(
        (last.path, last.status),
        (
            format!("/resources/v3alpha/users/{}/email/_resend", user.user_id),
            400
        )
    );
    assert_eq!(e.zitadel_id(), Some("TODO"), "{e:?}");
    assert_eq!(demo.pending_code(&user.user_id), before, "nothing issued");
}

#[tokio::test]
async fn reads_are_retried_twice_on_transient_failures_but_resend_never() {
    for status in [503u16, 504, 429] {
        let demo = demo().await;
        let c = client(&demo, ADMIN_TOKEN);
        let user = find_user(&c, "unverified user", |u| {
            is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
        })
        .await;
        demo.clear_requests();
        demo.set_faults(Faults {
            fail_every: Some(1),
            fail_status: status,
            ..Faults::default()
        });

        let e = c.list_users(&ListUsersRequest::default()).await.unwrap_err();
        assert!(e.is_retryable_read(), "{status}: {e:?}");
        match status {
            429 => assert!(matches!(e, ApiError::RateLimited(_)), "{e:?}"),
            _ => assert!(matches!(e, ApiError::Unavailable(_)), "{status}: {e:?}"),
        }
        assert_eq!(
            requests_to(&demo, "/v2/users").len(),
            3,
            "{status}: one try and two retries"
        );

        let e = c.get_user(&user.user_id).await.unwrap_err();
        assert!(e.is_retryable_read());
        assert_eq!(requests_to(&demo, &user.user_id).len(), 3);

        demo.clear_requests();
        let e = c
            .resend_email_code(&user.user_id, &CodeMode::Return)
            .await
            .unwrap_err();
        assert!(
            e.is_retryable_read(),
            "{status}: the failure is transient, yet resend is not retried"
        );
        assert_eq!(demo.requests().len(), 1, "{status}: exactly one resend request");
    }
}

#[tokio::test]
async fn a_read_succeeds_when_a_retry_gets_through() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    demo.set_faults(Faults {
        fail_every: Some(2),
        fail_status: 503,
        ..Faults::default()
    });
    // Requests 1, 3, 5... pass and 2, 4... fail: a few calls in a row all succeed.
    for _ in 0..4 {
        c.list_users(&ListUsersRequest::default()).await.unwrap();
    }
    let statuses: Vec<u16> = requests_to(&demo, "/v2/users").iter().map(|r| r.status).collect();
    assert!(statuses.contains(&503), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 4);
}

#[tokio::test]
async fn a_non_retryable_server_error_is_not_retried() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    demo.set_faults(Faults {
        fail_every: Some(1),
        fail_status: 500,
        ..Faults::default()
    });
    let e = c.list_users(&ListUsersRequest::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::Server(_)), "{e:?}");
    assert_eq!(requests_to(&demo, "/v2/users").len(), 1);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_that_never_quotes_an_email_code_answer() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    demo.set_faults(Faults {
        malformed_json: true,
        ..Faults::default()
    });
    let e = c.list_users(&ListUsersRequest::default()).await.unwrap_err();
    match &e {
        ApiError::Decode { excerpt, .. } => assert!(!excerpt.is_empty()),
        other => panic!("{other:?}"),
    }
    let e = c
        .resend_email_code(&user.user_id, &CodeMode::Return)
        .await
        .unwrap_err();
    match &e {
        ApiError::Decode { excerpt, .. } => assert!(excerpt.is_empty(), "{excerpt}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_request_that_never_answers_times_out() {
    let demo = demo().await;
    let mut cfg = config(&demo, Credentials::token(ADMIN_TOKEN));
    cfg.request_timeout = Duration::from_millis(300);
    let c = Client::new(cfg).unwrap();
    demo.set_faults(Faults {
        hang: true,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    let e = c.resend_email_code("1", &CodeMode::Return).await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(demo.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut cfg = zitadesk::api::ClientConfig::new(url.parse().unwrap(), Credentials::token("t"));
    cfg.retry_base_delay = Duration::from_millis(1);
    let e = Client::new(cfg)
        .unwrap()
        .list_users(&ListUsersRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Connect { .. }), "{e:?}");
    assert_eq!(e.exit_code(), 5);
}

fn demo_key() -> Credentials {
    let key = ServiceKey::from_json(include_bytes!("../assets/demo-service-key.json")).unwrap();
    Credentials::ServiceKey(key)
}

#[tokio::test]
async fn a_key_file_token_is_cached_while_fresh() {
    let demo = demo().await;
    let c = Client::new(config(&demo, demo_key())).unwrap();
    c.list_users(&ListUsersRequest::default()).await.unwrap();
    c.list_users(&ListUsersRequest::default()).await.unwrap();
    assert_eq!(requests_to(&demo, "/oauth/v2/token").len(), 1);
    let token_req = &requests_to(&demo, "/oauth/v2/token")[0];
    assert!(
        token_req
            .body
            .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")
    );
    assert!(
        token_req
            .body
            .contains("urn%3Azitadel%3Aiam%3Aorg%3Aproject%3Aid%3Azitadel%3Aaud")
    );
}

#[tokio::test]
async fn a_key_file_token_close_to_expiry_is_refreshed_before_use() {
    // Tokens living 30 s are always inside the 60 s refresh margin: each call exchanges again.
    let demo = demo_with(DemoConfig {
        generated_users: 0,
        token_lifetime: Duration::from_secs(30),
        ..DemoConfig::default()
    })
    .await;
    let c = Client::new(config(&demo, demo_key())).unwrap();
    c.list_users(&ListUsersRequest::default()).await.unwrap();
    c.list_users(&ListUsersRequest::default()).await.unwrap();
    assert_eq!(requests_to(&demo, "/oauth/v2/token").len(), 2);
}

#[tokio::test]
async fn a_rejected_key_is_unauthenticated() {
    let demo = demo().await;
    let text = include_str!("../assets/demo-service-key.json").replace("demo-key-1", "unknown-key");
    let key = ServiceKey::from_json(text.as_bytes()).unwrap();
    let c = Client::new(config(&demo, Credentials::ServiceKey(key))).unwrap();
    let e = c.list_users(&ListUsersRequest::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthenticated(_)), "{e:?}");
    assert_eq!(e.exit_code(), 4);
    assert!(
        requests_to(&demo, "/v2/users").is_empty(),
        "no API call without a token"
    );
}

#[tokio::test]
async fn a_401_with_a_key_fetches_a_new_token_once() {
    let demo = demo().await;
    let c = Client::new(config(&demo, demo_key())).unwrap();
    c.list_users(&ListUsersRequest::default()).await.unwrap();
    demo.expire_issued_tokens();
    c.list_users(&ListUsersRequest::default()).await.unwrap();
    let log: Vec<(String, u16)> = demo
        .requests()
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    assert_eq!(
        log,
        vec![
            ("/oauth/v2/token".to_string(), 200),
            ("/v2/users".to_string(), 200),
            ("/v2/users".to_string(), 401),
            ("/oauth/v2/token".to_string(), 200),
            ("/v2/users".to_string(), 200),
        ]
    );
}

#[tokio::test]
async fn a_fixed_token_is_not_retried_on_401() {
    let demo = demo().await;
    let c: Client = client(&demo, "nope");
    let _ = c.list_users(&ListUsersRequest::default()).await.unwrap_err();
    assert_eq!(demo.requests().len(), 1);
}
