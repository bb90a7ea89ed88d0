//! Servers that lack what the client can ask for, answering exactly as ZITADEL does (shapes from
//! ZITADEL's source, see `api::error::Missing`): v2.66 without `phoneQuery` and SendEmailCode,
//! and the v3alpha resend that serves only schema users. The client, the CLI and the console
//! must each say in words what this ZITADEL cannot do and what to do instead — never a raw 400.
//! The servers are `common/evil.rs` loopback servers scripted with those answers.

mod common;
#[path = "common/evil.rs"]
mod evil;

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;
use zitadesk::api::auth::Credentials;
use zitadesk::api::client::ApiFlavour;
use zitadesk::api::query::{MatchMode, parse_search};
use zitadesk::api::wire::ListUsersRequest;
use zitadesk::api::{ApiError, Client, ClientConfig, CodeMode, Missing};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};

use common::{against_url as against, audit_records as audit, run, scratch_home};
use evil::{EvilServer, Recorded, Reply};

const USER: &str = "300000000000000101";

/// v2.66 drops the unknown `phoneQuery` key; the validator refuses the empty oneof.
const PHONE_REFUSED: &str = r#"{"code":3,"message":"invalid ListUsersRequest.Queries[0]: embedded message failed validation | caused by: invalid SearchQuery.Query: value is required"}"#;
/// grpc-gateway's routing miss: no ZITADEL detail, so no `details` key.
const NO_ROUTE: &str = r#"{"code":5,"message":"Not Found"}"#;
const NO_PENDING: &str = r#"{"code":9,"message":"Code is empty (EMAIL-5w5ilin4yt)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"EMAIL-5w5ilin4yt","message":"Code is empty"}]}"#;
/// v3alpha with the `UserSchema` feature off (the id is literally `TODO` in ZITADEL).
const V3_FEATURE_OFF: &str = r#"{"code":9,"message":"Feature \"User Schema\" is not enabled (TODO)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"TODO","message":"Feature \"User Schema\" is not enabled"}]}"#;
/// v3alpha with the feature on, for a user that is no schema user.
const V3_NOT_SCHEMA_USER: &str = r#"{"code":5,"message":"User could not be found (COMMAND-EajeF6ypOV)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"COMMAND-EajeF6ypOV","message":"User could not be found"}]}"#;

fn one_user_page() -> String {
    serde_json::json!({
        "details": {"totalResult": "1", "timestamp": "2025-03-01T12:04:31Z"},
        "result": [{
            "userId": USER, "state": "USER_STATE_ACTIVE", "username": "jane",
            "preferredLoginName": "jane@acme.example",
            "human": {"profile": {"givenName": "Jane", "familyName": "Doe", "displayName": "Jane Doe"},
                      "email": {"email": "jane.doe@acme.example"}}
        }]
    })
    .to_string()
}

/// A ZITADEL v2.66 as its REST gateway answers: no phone search, no send call.
fn v2_66(r: &Recorded) -> Reply {
    let path = r.path();
    if path == "/v2/users" {
        return if String::from_utf8_lossy(&r.body).contains("phoneQuery") {
            Reply::json(400, PHONE_REFUSED)
        } else {
            Reply::json(200, &one_user_page())
        };
    }
    if path.ends_with("/email/resend") {
        return Reply::json(400, NO_PENDING);
    }
    Reply::json(404, NO_ROUTE)
}

/// Any release, resend on v3alpha answered with `body` (and 200 with one user for lists).
fn v3alpha(body: &'static str, http: u16) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| {
        if r.path() == "/v2/users" {
            Reply::json(200, &one_user_page())
        } else if r.path().starts_with("/resources/v3alpha/") {
            Reply::json(http, body)
        } else {
            Reply::json(404, NO_ROUTE)
        }
    }
}

fn client_for(server: &EvilServer, api: ApiFlavour) -> Client {
    let mut config = ClientConfig::new(server.url().parse().expect("URL"), Credentials::token("t0ken"));
    config.retry_base_delay = std::time::Duration::from_millis(5);
    config.api = api;
    Client::new(config).expect("client")
}

fn unsupported(e: &ApiError) -> Option<Missing> {
    match e {
        ApiError::Unsupported { what, .. } => Some(*what),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The client

#[tokio::test]
async fn the_client_names_what_this_zitadel_lacks() {
    let server = EvilServer::start(v2_66);
    let client = client_for(&server, ApiFlavour::V2);
    let phone = ListUsersRequest {
        queries: parse_search("phone:+4179", MatchMode::Contains).expect("phone: parses"),
        ..ListUsersRequest::default()
    };
    let e = client.list_users(&phone).await.expect_err("v2.66 refuses");
    assert_eq!(unsupported(&e), Some(Missing::PhoneSearch), "{e:?}");
    // A nested phone term is recognised too; a search without one still works.
    let nested = ListUsersRequest {
        queries: parse_search("jane -phone:+4179", MatchMode::Contains).expect("parses"),
        ..ListUsersRequest::default()
    };
    let e = client.list_users(&nested).await.expect_err("v2.66 refuses");
    assert_eq!(unsupported(&e), Some(Missing::PhoneSearch), "{e:?}");
    let plain = ListUsersRequest {
        queries: parse_search("jane", MatchMode::Contains).expect("parses"),
        ..ListUsersRequest::default()
    };
    assert_eq!(client.list_users(&plain).await.expect("lists").result.len(), 1);

    let e = client
        .send_email_code(USER, &CodeMode::Return)
        .await
        .expect_err("no send call");
    assert_eq!(unsupported(&e), Some(Missing::SendCall), "{e:?}");
    // The resend path exists: its refusal is what it was.
    let e = client
        .resend_email_code(USER, &CodeMode::Return)
        .await
        .expect_err("nothing pending");
    assert!(matches!(e, ApiError::NoPendingCode(_)), "{e:?}");

    for (body, http) in [(V3_FEATURE_OFF, 400), (V3_NOT_SCHEMA_USER, 404)] {
        let server = EvilServer::start(v3alpha(body, http));
        let e = client_for(&server, ApiFlavour::V3Alpha)
            .resend_email_code(USER, &CodeMode::Send { url_template: None })
            .await
            .expect_err("v3alpha never serves a v2 user");
        assert_eq!(
            unsupported(&e),
            Some(Missing::V3AlphaSchemaUsersOnly),
            "{body}: {e:?}"
        );
        let sent = server.requests();
        assert_eq!(sent.len(), 1, "never retried");
        assert_eq!(
            sent[0].path(),
            format!("/resources/v3alpha/users/{USER}/email/_resend")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI

#[test]
fn phone_search_on_v2_66_is_refused_in_words_like_a_bad_search() {
    let h = home("phone");
    let server = EvilServer::start(v2_66);
    let (code, out, err) = run(against(&h, &server.url()).args(["users", "list", "--query", "phone:+4179"]));
    assert_eq!(code, 2, "exit code as for a bad search: {err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("this ZITADEL cannot search by phone (phone search came with v2.67); nothing was searched — search by name or email instead"),
        "{err}"
    );
    for raw in ["embedded message", "SearchQuery", "{", "HTTP 400"] {
        assert!(!err.contains(raw), "no raw answer ({raw}): {err}");
    }
    let sent = server.requests();
    assert_eq!(sent.len(), 1, "a refusal is not retried");
    assert!(String::from_utf8_lossy(&sent[0].body).contains("phoneQuery"));
    // A search refused here exits the same way.
    let (bad, _, _) = run(against(&h, &server.url()).args(["users", "list", "--query", "fone:1"]));
    assert_eq!(bad, code);
    // The same server lists without a phone term.
    let (ok, out, err) = run(against(&h, &server.url()).args(["users", "list", "--query", "jane"]));
    assert_eq!(ok, 0, "{err}");
    assert!(out.contains("Jane Doe"), "{out}");
}

#[test]
fn send_if_none_on_v2_66_says_there_is_no_send_call_and_what_to_do() {
    let h = home("send");
    let server = EvilServer::start(v2_66);
    let (code, out, err) = run(against(&h, &server.url()).args([
        "users",
        "resend-email",
        USER,
        "--default-link",
        "--send-if-none",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("this ZITADEL has no send call for a fresh email code (it came with v2.67) — if the address is not verified, use \"Resend verification\" on the user in ZITADEL's console; a verified address needs no code"),
        "{err}"
    );
    assert!(
        !err.contains("no such API") && !err.contains("check the instance URL"),
        "{err}"
    );
    let paths: Vec<String> = server.requests().iter().map(|r| r.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            format!("/v2/users/{USER}/email/resend"),
            format!("/v2/users/{USER}/email/send")
        ],
        "one resend, one send, nothing retried"
    );
    let lines = audit(&h);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (lines[1]["action"].as_str(), lines[1]["outcome"].as_str()),
        (Some("send"), Some("error"))
    );
    assert_eq!(lines[1]["error"], "unsupported");
}

#[test]
fn v3alpha_resend_explains_that_it_serves_only_schema_users() {
    for (name, body, http, id) in [
        ("v3-off", V3_FEATURE_OFF, 400, "TODO"),
        ("v3-on", V3_NOT_SCHEMA_USER, 404, "COMMAND-EajeF6ypOV"),
    ] {
        let h = home(name);
        let server = EvilServer::start(v3alpha(body, http));
        let (code, out, err) = run(against(&h, &server.url()).args([
            "--api",
            "v3alpha",
            "users",
            "resend-email",
            USER,
            "--return-code",
        ]));
        assert_eq!(code, 2, "a setting to change: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains("this instance's v3alpha API serves only schema users, and this is not one; use api = \"v2\" (--api v2) for ordinary users"),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!("[{id}]")),
            "ZITADEL's id for the admin: {err}"
        );
        assert!(!err.contains("not found —"), "not told as a missing user: {err}");
        assert_eq!(server.requests().len(), 1);
        assert_eq!(audit(&h)[0]["outcome"], "error");
    }
}

// ---------------------------------------------------------------------------------------------
// The console: its effects carried out by the real client against the same servers.

fn ctx() -> ViewCtx {
    ViewCtx {
        now: "2025-03-01T12:10:00Z".parse().expect("timestamp"),
        tz: jiff::tz::TimeZone::UTC,
        theme: Theme::new(false),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Carries out the console's requests with `client`, feeding each answer back, until it asks
/// for nothing more (debounced searches are due at once).
fn drive(app: &mut App, client: &Client, rt: &tokio::runtime::Runtime, effects: Vec<Effect>) {
    let mut queue = effects;
    while let Some(effect) = queue.pop() {
        let msg = match effect {
            Effect::ListUsers { id, request } => Msg::Listed {
                id,
                result: rt.block_on(client.list_users(&request)),
            },
            Effect::ScheduleSearch { generation, .. } => Msg::SearchDue(generation),
            Effect::Apply { id, user_id, action } => Msg::Issued {
                id,
                result: rt.block_on(client.apply(&user_id, &action)),
                audit_error: None,
            },
            // The detail's reads are not what these tests look at.
            Effect::GetUser { .. } | Effect::ListAuthMethods { .. } => continue,
            other => panic!("unexpected effect {other:?}"),
        };
        queue.extend(app.update(msg).1);
    }
}

fn press(app: &mut App, client: &Client, rt: &tokio::runtime::Runtime, msg: Msg) {
    let effects = app.update(msg).1;
    drive(app, client, rt, effects);
}

fn console(server: &EvilServer, api: ApiFlavour) -> (App, Client, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = client_for(server, api);
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            ..Connection::default()
        },
        80,
        24,
    );
    let effects = app.start();
    drive(&mut app, &client, &rt, effects);
    assert_eq!(app.list.len(), 1, "the first page is in");
    (app, client, rt)
}

fn screen(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    terminal.draw(|f| view::draw(f, app, &ctx())).expect("draw");
    terminal
}

#[test]
fn console_phone_search_on_v2_66_says_so_under_the_search_line() {
    let server = EvilServer::start(v2_66);
    let (mut app, client, rt) = console(&server, ApiFlavour::V2);
    press(
        &mut app,
        &client,
        &rt,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
    );
    for c in "phone:+4179".chars() {
        press(&mut app, &client, &rt, key(KeyCode::Char(c)));
    }
    assert_eq!(
        app.notice(),
        ["this ZITADEL (before v2.67) cannot search by phone — try name or email"]
    );
    assert_eq!(app.error, None, "not cut on the status line");
    insta::assert_snapshot!("phone_search_v2_66_80x24", screen(&app).backend());
}

#[test]
fn console_send_on_v2_66_says_there_is_no_send_call() {
    let server = EvilServer::start(v2_66);
    let (mut app, client, rt) = console(&server, ApiFlavour::V2);
    press(&mut app, &client, &rt, key(KeyCode::Char('r')));
    press(&mut app, &client, &rt, key(KeyCode::Enter));
    assert_eq!(
        app.keymap().name(),
        zitadesk::tui::action_dialog::NOTHING_PENDING.name
    );
    press(&mut app, &client, &rt, key(KeyCode::Char('s')));
    press(&mut app, &client, &rt, key(KeyCode::Enter));
    let text: String = screen(&app)
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("has no send call"), "{text}");
    insta::assert_snapshot!("no_send_call_v2_66_80x24", screen(&app).backend());
    let sends = server
        .requests()
        .iter()
        .filter(|r| r.path().ends_with("/email/send"))
        .count();
    assert_eq!(sends, 1);
}

#[test]
fn console_v3alpha_resend_explains_the_schema_users() {
    for (name, body, http) in [("off", V3_FEATURE_OFF, 400), ("on", V3_NOT_SCHEMA_USER, 404)] {
        let server = EvilServer::start(v3alpha(body, http));
        let (mut app, client, rt) = console(&server, ApiFlavour::V3Alpha);
        press(&mut app, &client, &rt, key(KeyCode::Char('r')));
        press(&mut app, &client, &rt, key(KeyCode::Enter));
        let text: String = screen(&app)
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(
            text.contains("v3alpha API serves only schema users"),
            "{name}: {text}"
        );
        insta::assert_snapshot!(
            format!("v3alpha_schema_users_only_{name}_80x24"),
            screen(&app).backend()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Sort ties: every release sorts by one column without a tie-breaker, so offset pages can
// repeat a user (and skip another).

/// 1500 users named alike; the second page starts two rows early, as a reordered tie does.
fn ties(r: &Recorded) -> Reply {
    let body: Value = serde_json::from_slice(&r.body).unwrap_or_default();
    let offset = body["query"]["offset"]
        .as_str()
        .map(|s| s.parse().unwrap_or(0))
        .or_else(|| body["query"]["offset"].as_u64())
        .unwrap_or(0) as usize;
    let limit = body["query"]["limit"].as_u64().unwrap_or(100) as usize;
    let from = if offset == 0 { 0 } else { offset - 2 };
    let to = (offset + limit).min(1500) - if offset == 0 { 0 } else { 2 };
    let users: Vec<Value> = (from..to)
        .map(|i| {
            serde_json::json!({
                "userId": format!("{}", 310_000_000_000_000_000u64 + i as u64),
                "state": "USER_STATE_ACTIVE", "username": format!("anna{i}"),
                "human": {"profile": {"givenName": "Anna", "familyName": "Rossi", "displayName": "Anna Rossi"},
                          "email": {"email": format!("anna{i}@acme.example")}}
            })
        })
        .collect();
    Reply::json(
        200,
        &serde_json::json!({"details": {"totalResult": "1500"}, "result": users}).to_string(),
    )
}

#[tokio::test]
async fn the_client_keeps_each_user_once_across_pages() {
    let server = EvilServer::start(ties);
    let client = client_for(&server, ApiFlavour::V2);
    let got = client
        .list_users_upto(&ListUsersRequest::default(), 1500, 5)
        .await
        .expect("lists");
    assert_eq!(server.requests().len(), 2, "two pages");
    assert_eq!(got.repeated, 2);
    let ids: std::collections::HashSet<&str> =
        got.response.result.iter().map(|u| u.user_id.as_str()).collect();
    assert_eq!(ids.len(), got.response.result.len(), "nobody twice");
    assert_eq!(got.response.result.len(), 1498);
}

#[test]
fn the_cli_lists_each_user_once_and_says_the_order_shifted() {
    let h = home("ties");
    let server = EvilServer::start(ties);
    let (code, out, err) = run(against(&h, &server.url()).args([
        "users",
        "list",
        "--limit",
        "1500",
        "--sort",
        "display-name",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let listed: Value = serde_json::from_str(&out).expect("JSON");
    let ids: Vec<&str> = listed["result"]
        .as_array()
        .expect("result")
        .iter()
        .filter_map(|u| u["userId"].as_str())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (1498, 1498), "nobody twice");
    assert!(
        err.contains("the order shifted between pages: 2 users came twice and are shown once, and as many may be missing (equal values in the --sort column, or users added or removed meanwhile); leave out --sort"),
        "{err}"
    );
    // The table says the same on stderr and counts what it shows.
    let (code, out, err) = run(against(&h, &server.url()).args(["users", "list", "--limit", "1500"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().count(),
        1 + 1498,
        "header and rows; the count is on stderr"
    );
    assert!(
        err.ends_with("zitadesk: 1,498 shown of 1,500 matching (from offset 0)\n"),
        "{}",
        &err[err.len().saturating_sub(200)..]
    );
    assert!(err.contains("run it again for a consistent list"), "{err}");
}

fn home(test: &str) -> PathBuf {
    scratch_home(&format!("older-{test}"))
}
