//! Device login against the demo server over real HTTP: the device authorization grant with
//! its waiting, slow-down, denial and expiry answers, refresh with rotation, revocation,
//! userinfo, the permission self-check and discovery. Time-dependent cases use delays of a
//! few dozen milliseconds and poll with deadlines.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;

const OFFLINE: &str = "openid profile offline_access urn:zitadel:iam:org:project:id:zitadel:aud";
const ONLINE: &str = "openid urn:zitadel:iam:org:project:id:zitadel:aud";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const JANE: &str = "300000000000000101"; // Acme
const HANK: &str = "300000000000000201"; // Globex
const RITA: &str = "300000000000000204"; // the reader token's user

fn config(device: DeviceApproval, interval: Duration) -> DemoConfig {
    DemoConfig {
        generated_users: 0,
        device,
        device_poll_interval: interval,
        ..DemoConfig::default()
    }
}

async fn start(config: DemoConfig) -> DemoServer {
    DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
        .await
        .unwrap()
}

/// A demo whose user approves every device login at once, polled without an interval.
async fn start_approving() -> DemoServer {
    start(config(
        DeviceApproval::AutoApproveAfter(Duration::ZERO),
        Duration::ZERO,
    ))
    .await
}

/// Whether the request log holds a request to `path` answered with `status`.
fn logged(demo: &DemoServer, path: &str, status: u16) -> bool {
    demo.requests()
        .iter()
        .any(|r| r.path == path && r.status == status)
}

fn error(v: &Value) -> &str {
    v["error"].as_str().unwrap_or("")
}

struct Oidc {
    http: reqwest::Client,
    url: String,
}

impl Oidc {
    fn new(demo: &DemoServer) -> Oidc {
        Oidc {
            http: reqwest::Client::new(),
            url: demo.url(),
        }
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Sends a request: its status and its JSON body (`Null` when empty, a string when not
    /// JSON).
    async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    async fn form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        Self::send(self.http.post(self.at(path)).form(form)).await
    }

    /// A form the demo's native app sends: `fields`, then its `client_id`.
    async fn app_form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
        let mut form = fields.to_vec();
        form.push(("client_id", DEMO_CLIENT_ID));
        self.form(path, &form).await
    }

    /// Every form answers 400 with its OAuth error and a description.
    async fn assert_refused(&self, path: &str, cases: &[(Vec<(&str, &str)>, &str)]) {
        for (form, want) in cases {
            let (s, v) = self.form(path, form).await;
            assert_eq!((s, error(&v)), (400, *want), "{form:?}: {v}");
            assert!(v["error_description"].is_string(), "{form:?}: {v}");
        }
    }

    async fn raw(&self, path: &str, body: Vec<u8>) -> (u16, Value) {
        let req = self
            .http
            .post(self.at(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        Self::send(req).await
    }

    async fn authorize(&self, scope: &str) -> Value {
        let (s, v) = self
            .form(
                "/oauth/v2/device_authorization",
                &[("client_id", DEMO_CLIENT_ID), ("scope", scope)],
            )
            .await;
        assert_eq!(s, 200, "{v}");
        v
    }

    async fn poll(&self, auth: &Value) -> (u16, Value) {
        let code = auth["device_code"].as_str().unwrap();
        self.app_form(
            "/oauth/v2/token",
            &[("grant_type", DEVICE_GRANT), ("device_code", code)],
        )
        .await
    }

    /// Waits `interval` before every poll until tokens come, allowing only
    /// `authorization_pending`.
    async fn poll_until_tokens(&self, auth: &Value, interval: Duration) -> Value {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            tokio::time::sleep(interval).await;
            let (s, v) = self.poll(auth).await;
            if s == 200 {
                return v;
            }
            assert_eq!((s, error(&v)), (400, "authorization_pending"), "{v}");
            assert!(Instant::now() < deadline, "no tokens before the deadline");
        }
    }

    /// A device login that the config approves at once: the token response.
    async fn sign_in(&self, scope: &str) -> Value {
        let auth = self.authorize(scope).await;
        self.poll_until_tokens(&auth, Duration::from_millis(20)).await
    }

    async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        self.app_form(
            "/oauth/v2/token",
            &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)],
        )
        .await
    }

    async fn revoke(&self, token: &str, hint: &str) -> (u16, Value) {
        self.app_form("/oauth/v2/revoke", &[("token", token), ("token_type_hint", hint)])
            .await
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        Self::send(self.http.get(self.at(path)).bearer_auth(token)).await
    }

    async fn get_text(&self, path_and_query: &str) -> (u16, String) {
        let resp = self.http.get(self.at(path_and_query)).send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    async fn permissions(&self, token: &str, body: &str) -> (u16, Value) {
        let req = self
            .http
            .post(self.at("/auth/v1/permissions/zitadel/me/_search"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_owned());
        Self::send(req).await
    }

    async fn user_status(&self, token: &str, id: &str) -> u16 {
        self.get(&format!("/v2/users/{id}"), token).await.0
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// The access and the refresh token of a token response.
fn token_pair(tokens: &Value) -> (&str, &str) {
    (str_of(tokens, "access_token"), str_of(tokens, "refresh_token"))
}

fn id_token_claims(tokens: &Value) -> Value {
    let parts: Vec<&str> = str_of(tokens, "id_token").split('.').collect();
    assert_eq!(parts.len(), 3);
    let head: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(head["alg"], "none");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

fn is_user_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 9
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || rng::USER_CODE_ALPHABET.contains(c))
}

#[tokio::test]
async fn discovery_lists_the_device_login_endpoints() {
    let demo = start(DemoConfig::default()).await;
    let oidc = Oidc::new(&demo);
    let (s, v) = oidc.get("/.well-known/openid-configuration", "x").await;
    assert_eq!(s, 200);
    let url = demo.url();
    assert_eq!(
        v["device_authorization_endpoint"],
        format!("{url}/oauth/v2/device_authorization")
    );
    assert_eq!(v["revocation_endpoint"], format!("{url}/oauth/v2/revoke"));
    assert_eq!(v["token_endpoint"], format!("{url}/oauth/v2/token"));
    assert_eq!(v["userinfo_endpoint"], format!("{url}/oidc/v1/userinfo"));
    let grants = v["grant_types_supported"].as_array().unwrap();
    for g in [
        DEVICE_GRANT,
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
    ] {
        assert!(grants.contains(&json!(g)), "{g}");
    }
}

#[tokio::test]
async fn the_device_flow_waits_then_issues_tokens_for_olga() {
    let delay = Duration::from_millis(150);
    let interval = Duration::from_millis(20);
    let demo = start(config(DeviceApproval::AutoApproveAfter(delay), interval)).await;
    let oidc = Oidc::new(&demo);
    let started = Instant::now();
    let auth = oidc.authorize(OFFLINE).await;
    let url = demo.url();
    let user_code = str_of(&auth, "user_code");
    assert!(is_user_code(user_code), "{user_code}");
    assert!(str_of(&auth, "device_code").len() >= 40);
    assert_eq!(auth["verification_uri"], format!("{url}/device"));
    assert_eq!(
        auth["verification_uri_complete"],
        format!("{url}/device?user_code={user_code}")
    );
    assert_eq!(auth["expires_in"], 300);
    assert_eq!(
        auth["interval"], 1,
        "20 ms announced as whole seconds, rounded up"
    );
    assert_eq!(demo.pending_user_codes(), vec![user_code.to_owned()]);

    let (s, v) = oidc.poll(&auth).await;
    assert_eq!((s, error(&v)), (400, "authorization_pending"), "{v}");
    assert!(v["error_description"].is_string());
    let tokens = oidc.poll_until_tokens(&auth, interval * 2).await;
    assert!(started.elapsed() >= delay);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], OFFLINE);
    assert!(str_of(&tokens, "refresh_token").starts_with("demo-rt-"));
    let claims = id_token_claims(&tokens);
    assert_eq!(claims["sub"], DEVICE_USER_ID);
    assert_eq!(claims["aud"], json!([DEMO_CLIENT_ID]));
    assert_eq!(claims["iss"], url);
    assert!(demo.pending_user_codes().is_empty());

    // The token acts as Olga Berg: ORG_USER_MANAGER in Acme only.
    let at = str_of(&tokens, "access_token");
    assert_eq!(oidc.user_status(at, JANE).await, 200);
    assert_eq!(oidc.user_status(at, HANK).await, 404, "no membership in Globex");
    let (s, me) = oidc.get("/oidc/v1/userinfo", at).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["sub"], DEVICE_USER_ID);
    assert_eq!(me["preferred_username"], "olga@acme.demo.zitadel.cloud");
    assert_eq!(me["name"], "Olga Berg");
    assert_eq!(me["email"], "olga.berg@acme.example");

    // A redeemed device code is spent.
    let (s, v) = oidc.poll(&auth).await;
    assert_eq!((s, error(&v)), (400, "invalid_grant"), "{v}");

    assert!(logged(&demo, "/oauth/v2/device_authorization", 200));
    assert!(logged(&demo, "/oauth/v2/token", 400) && logged(&demo, "/oauth/v2/token", 200));
    assert!(logged(&demo, "/oidc/v1/userinfo", 200));
    let log = demo.requests();
    let auth_log = log
        .iter()
        .find(|r| r.path == "/oauth/v2/device_authorization")
        .unwrap();
    assert!(auth_log.body.contains("client_id=demo-helpdesk-console"));
}

#[tokio::test]
async fn without_offline_access_there_is_no_refresh_token() {
    let demo = start_approving().await;
    let oidc = Oidc::new(&demo);
    let auth = oidc.authorize(ONLINE).await;
    assert_eq!(auth["interval"], 0);
    let (s, tokens) = oidc.poll(&auth).await;
    assert_eq!(s, 200, "{tokens}");
    assert_eq!(tokens["scope"], ONLINE);
    assert!(tokens.get("refresh_token").is_none(), "{tokens}");
    assert!(tokens["access_token"].is_string() && tokens["id_token"].is_string());
}

#[tokio::test]
async fn polling_too_fast_answers_slow_down_and_the_interval_grows() {
    let interval = Duration::from_millis(80);
    let demo = start(config(DeviceApproval::Manual, interval)).await;
    let oidc = Oidc::new(&demo);
    let auth = oidc.authorize(OFFLINE).await;
    let code = str_of(&auth, "user_code");
    assert_eq!(oidc.poll(&auth).await.1["error"], "authorization_pending");
    let (s, v) = oidc.poll(&auth).await;
    assert_eq!((s, error(&v)), (400, "slow_down"), "{v}");
    assert_eq!(
        demo.required_poll_interval(code),
        Some(interval + Duration::from_secs(5))
    );
    // The old interval is not enough any more.
    tokio::time::sleep(interval * 2).await;
    assert_eq!(oidc.poll(&auth).await.1["error"], "slow_down");
    assert_eq!(
        demo.required_poll_interval(code),
        Some(interval + Duration::from_secs(10))
    );

    // A client that keeps the interval is never slowed down.
    let polite = oidc.authorize(OFFLINE).await;
    for _ in 0..2 {
        assert_eq!(oidc.poll(&polite).await.1["error"], "authorization_pending");
        tokio::time::sleep(interval + Duration::from_millis(20)).await;
    }

    // The hook slows down even a polite client, once per poll asked for.
    demo.slow_down_next_polls(1);
    let forced = oidc.authorize(OFFLINE).await;
    assert_eq!(oidc.poll(&forced).await.1["error"], "slow_down");
    assert_eq!(
        demo.required_poll_interval(str_of(&forced, "user_code")),
        Some(interval + Duration::from_secs(5))
    );
    assert_eq!(oidc.poll(&polite).await.1["error"], "authorization_pending");
}

#[tokio::test]
async fn a_declined_request_answers_access_denied() {
    let demo = start(config(DeviceApproval::Deny, Duration::ZERO)).await;
    let oidc = Oidc::new(&demo);
    let auth = oidc.authorize(OFFLINE).await;
    for _ in 0..2 {
        let (s, v) = oidc.poll(&auth).await;
        assert_eq!((s, error(&v)), (400, "access_denied"), "{v}");
    }
    // In deny mode the verification page declines too.
    let auth = oidc.authorize(OFFLINE).await;
    let complete = str_of(&auth, "verification_uri_complete");
    let (s, text) = oidc.get_text(complete.strip_prefix(&demo.url()).unwrap()).await;
    assert_eq!(s, 200);
    assert!(text.contains("declined"), "{text}");
    assert_eq!(oidc.poll(&auth).await.1["error"], "access_denied");

    // The hook declines in any mode.
    let demo = start(config(
        DeviceApproval::AutoApproveAfter(Duration::from_secs(60)),
        Duration::ZERO,
    ))
    .await;
    let oidc = Oidc::new(&demo);
    let auth = oidc.authorize(OFFLINE).await;
    assert!(demo.deny_device(str_of(&auth, "user_code")));
    assert_eq!(oidc.poll(&auth).await.1["error"], "access_denied");
}

#[tokio::test]
async fn device_codes_expire() {
    let demo = start(DemoConfig {
        device_code_lifetime: Duration::from_millis(80),
        ..config(DeviceApproval::Manual, Duration::ZERO)
    })
    .await;
    let oidc = Oidc::new(&demo);
    let auth = oidc.authorize(OFFLINE).await;
    assert_eq!(auth["expires_in"], 1);
    assert_eq!(oidc.poll(&auth).await.1["error"], "authorization_pending");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (s, v) = oidc.poll(&auth).await;
    assert_eq!((s, error(&v)), (400, "expired_token"), "{v}");
    let code = str_of(&auth, "user_code");
    assert!(!demo.approve_device(code), "too late to approve");
    assert!(demo.pending_user_codes().is_empty());
    let (s, _) = oidc.get_text(&format!("/device?user_code={code}")).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn approval_by_hook_or_by_the_verification_page() {
    let demo = start(config(DeviceApproval::Manual, Duration::ZERO)).await;
    let oidc = Oidc::new(&demo);
    let a = oidc.authorize(OFFLINE).await;
    let b = oidc.authorize(OFFLINE).await;
    let (code_a, code_b) = (str_of(&a, "user_code"), str_of(&b, "user_code"));
    assert_eq!(
        demo.pending_user_codes(),
        vec![code_a.to_owned(), code_b.to_owned()]
    );
    assert_eq!(oidc.poll(&a).await.1["error"], "authorization_pending");
    // Any case, with or without the hyphen.
    assert!(demo.approve_device(&code_a.to_lowercase().replace('-', "")));
    let (s, tokens) = oidc.poll(&a).await;
    assert_eq!(s, 200, "{tokens}");

    let (s, text) = oidc
        .get_text(&format!("/device?user_code={}", code_b.to_lowercase()))
        .await;
    assert_eq!(s, 200);
    assert!(text.contains("approved") && text.contains(code_b), "{text}");
    assert_eq!(oidc.poll(&b).await.0, 200);

    let (s, text) = oidc.get_text("/device").await;
    assert_eq!(s, 200);
    assert!(text.contains("user_code="), "{text}");
    for gone in [
        format!("/device?user_code={code_a}"),
        "/device?user_code=BBBB-BBBB".to_owned(),
        "/device?user_code=%FF%00%zz".to_owned(),
    ] {
        assert_eq!(oidc.get_text(&gone).await.0, 404, "{gone}");
    }
    assert!(!demo.approve_device("BBBB-BBBB") && !demo.deny_device(code_a));
    assert_eq!(demo.required_poll_interval("nope"), None);
}

#[tokio::test]
async fn bad_device_requests() {
    let demo = start(config(DeviceApproval::Manual, Duration::ZERO)).await;
    let oidc = Oidc::new(&demo);
    let auth_cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "invalid_client"),
        (vec![("scope", OFFLINE)], "invalid_client"),
        (
            vec![("client_id", "someone-else"), ("scope", OFFLINE)],
            "invalid_client",
        ),
        (vec![("client_id", DEMO_CLIENT_ID)], "invalid_scope"),
        (
            vec![("client_id", DEMO_CLIENT_ID), ("scope", "openid profile")],
            "invalid_scope",
        ),
        (
            vec![
                ("client_id", DEMO_CLIENT_ID),
                ("scope", "urn:zitadel:iam:org:project:id:zitadel:aud"),
            ],
            "invalid_scope",
        ),
    ];
    oidc.assert_refused("/oauth/v2/device_authorization", &auth_cases)
        .await;

    let auth = oidc.authorize(OFFLINE).await;
    let code = str_of(&auth, "device_code");
    let token_cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("grant_type", DEVICE_GRANT), ("device_code", code)],
            "invalid_client",
        ),
        (
            vec![
                ("grant_type", DEVICE_GRANT),
                ("device_code", code),
                ("client_id", "someone-else"),
            ],
            "invalid_client",
        ),
        (
            vec![("grant_type", DEVICE_GRANT), ("client_id", DEMO_CLIENT_ID)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", DEVICE_GRANT),
                ("device_code", "demo-dc-unknown"),
                ("client_id", DEMO_CLIENT_ID),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", DEMO_CLIENT_ID),
            ],
            "unsupported_grant_type",
        ),
    ];
    oidc.assert_refused("/oauth/v2/token", &token_cases).await;
    // None of that used the code up.
    assert_eq!(oidc.poll(&auth).await.1["error"], "authorization_pending");

    // Hostile bodies get OAuth errors or 413, never a crash.
    for body in [
        b"\xff\xfe\x00grant_type=%".to_vec(),
        b"&&&=&client_id=%E0%A4%A&scope=%%%".to_vec(),
        format!("client_id={DEMO_CLIENT_ID}&scope={}", "openid+".repeat(5000)).into_bytes(),
    ] {
        for path in [
            "/oauth/v2/device_authorization",
            "/oauth/v2/token",
            "/oauth/v2/revoke",
        ] {
            let (s, v) = oidc.raw(path, body.clone()).await;
            assert_eq!(s, 400, "{path}: {v}");
        }
    }
    let (s, _) = oidc
        .raw("/oauth/v2/device_authorization", vec![b'a'; 70 * 1024])
        .await;
    assert_eq!(s, 413);
    assert_eq!(oidc.get_text("/debug/healthz").await, (200, "ok".to_owned()));
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let demo = start_approving().await;
    let oidc = Oidc::new(&demo);
    let first = oidc.sign_in(OFFLINE).await;
    let (at1, rt1) = token_pair(&first);
    assert_eq!(oidc.user_status(at1, JANE).await, 200);
    demo.expire_issued_tokens();
    assert_eq!(oidc.user_status(at1, JANE).await, 401);

    let (s, second) = oidc.refresh(rt1).await;
    assert_eq!(s, 200, "{second}");
    let (at2, rt2) = token_pair(&second);
    assert!(at2 != at1 && rt2 != rt1);
    assert_eq!(second["scope"], OFFLINE);
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(oidc.user_status(at2, JANE).await, 200);
    assert_eq!(oidc.get("/oidc/v1/userinfo", at2).await.1["sub"], DEVICE_USER_ID);
    let (s, v) = oidc.refresh(rt1).await;
    assert_eq!(
        (s, error(&v)),
        (400, "invalid_grant"),
        "the old refresh token is spent: {v}"
    );

    // Bad requests do not use the token up.
    let bad: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", rt2),
                ("client_id", "x"),
            ],
            "invalid_client",
        ),
        (
            vec![("grant_type", "refresh_token"), ("client_id", DEMO_CLIENT_ID)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", rt2),
                ("client_id", DEMO_CLIENT_ID),
                ("scope", "openid urn:zitadel:iam:org:project:id:zitadel:aud admin"),
            ],
            "invalid_scope",
        ),
    ];
    oidc.assert_refused("/oauth/v2/token", &bad).await;
    // A narrower scope is fine; the new refresh token keeps the full grant.
    let (s, third) = oidc
        .app_form(
            "/oauth/v2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt2),
                ("scope", ONLINE),
            ],
        )
        .await;
    assert_eq!(s, 200, "{third}");
    assert_eq!(third["scope"], ONLINE);
    let (s, fourth) = oidc.refresh(str_of(&third, "refresh_token")).await;
    assert_eq!((s, &fourth["scope"]), (200, &json!(OFFLINE)), "{fourth}");
}

#[tokio::test]
async fn revoking_access_and_refresh_tokens() {
    let demo = start_approving().await;
    let oidc = Oidc::new(&demo);
    let first = oidc.sign_in(OFFLINE).await;
    let (at1, rt1) = token_pair(&first);

    let (s, body) = oidc.revoke(at1, "access_token").await;
    assert_eq!((s, body), (200, Value::Null));
    assert_eq!(oidc.user_status(at1, JANE).await, 401);
    assert_eq!(oidc.get("/oidc/v1/userinfo", at1).await.0, 401);
    assert_eq!(oidc.permissions(at1, "{}").await.0, 401);

    // The refresh token outlives its access token; revoking it ends the whole sign-in.
    let (s, second) = oidc.refresh(rt1).await;
    assert_eq!(s, 200, "{second}");
    let (at2, rt2) = token_pair(&second);
    let other = oidc.sign_in(OFFLINE).await;
    assert_eq!(oidc.revoke(rt2, "refresh_token").await.0, 200);
    let (s, v) = oidc.refresh(rt2).await;
    assert_eq!((s, error(&v)), (400, "invalid_grant"), "{v}");
    assert_eq!(oidc.user_status(at2, JANE).await, 401);
    assert_eq!(
        oidc.user_status(str_of(&other, "access_token"), JANE).await,
        200,
        "another sign-in is untouched"
    );

    // Unknown tokens, tokens without a hint, and the fixed demo tokens: 200, nothing happens.
    assert_eq!(oidc.revoke("no-such-token", "").await.0, 200);
    assert_eq!(oidc.revoke(rt2, "access_token").await.0, 200);
    assert_eq!(oidc.revoke(ADMIN_TOKEN, "access_token").await.0, 200);
    assert_eq!(oidc.user_status(ADMIN_TOKEN, JANE).await, 200);

    let (s, v) = oidc
        .form("/oauth/v2/revoke", &[("client_id", DEMO_CLIENT_ID)])
        .await;
    assert_eq!((s, error(&v)), (400, "invalid_request"), "{v}");
    let (s, v) = oidc
        .form("/oauth/v2/revoke", &[("token", str_of(&other, "access_token"))])
        .await;
    assert_eq!((s, error(&v)), (400, "invalid_client"), "{v}");
    assert!(logged(&demo, "/oauth/v2/revoke", 200));
}

#[tokio::test]
async fn permissions_per_token() {
    let demo = start_approving().await;
    let oidc = Oidc::new(&demo);
    let device = oidc.sign_in(ONLINE).await;
    let device_token = str_of(&device, "access_token");
    let list = |v: &Value| -> Vec<String> {
        v["result"]
            .as_array()
            .map(|a| a.iter().map(|p| p.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    for (token, write) in [
        (ADMIN_TOKEN, true),
        (ORG_TOKEN, true),
        (device_token, true),
        (READER_TOKEN, false),
    ] {
        let (s, v) = oidc.permissions(token, "{}").await;
        assert_eq!(s, 200, "{v}");
        let perms = list(&v);
        assert!(perms.contains(&"user.read".to_owned()), "{token}: {v}");
        assert_eq!(perms.contains(&"user.write".to_owned()), write, "{token}: {v}");
    }
    let (_, reader) = oidc.permissions(READER_TOKEN, "").await;
    assert!(list(&reader).iter().all(|p| !p.ends_with(".write")), "{reader}");
    let (_, org) = oidc.permissions(ORG_TOKEN, r#"{"unknown": 1}"#).await;
    assert_eq!(oidc.permissions(device_token, "{}").await.1, org);
    // No permission at all: protobuf JSON leaves the empty list out.
    assert_eq!(oidc.permissions(NO_MEMBER_TOKEN, "{}").await, (200, json!({})));

    let (s, v) = oidc.permissions("bogus", "{}").await;
    assert_eq!(
        (s, v["details"][0]["id"].as_str()),
        (401, Some("AUTH-7fs1e")),
        "{v}"
    );
    let (s, v) = oidc.permissions(ADMIN_TOKEN, "{not json").await;
    assert_eq!((s, &v["code"]), (400, &json!(3)), "{v}");
    let (s, v) = oidc.permissions(ADMIN_TOKEN, "[]").await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = oidc
        .get("/auth/v1/permissions/zitadel/me/_search", ADMIN_TOKEN)
        .await;
    assert_eq!(s, 405);
    assert!(logged(&demo, "/auth/v1/permissions/zitadel/me/_search", 401));
}

#[tokio::test]
async fn userinfo_for_every_kind_of_token() {
    let demo = start(config(DeviceApproval::default(), Duration::ZERO)).await;
    let oidc = Oidc::new(&demo);
    let (s, admin) = oidc.get("/oidc/v1/userinfo", ADMIN_TOKEN).await;
    assert_eq!(s, 200);
    assert_eq!(admin["sub"], SERVICE_USER_ID);
    assert_eq!(admin["name"], "zitadesk demo");
    assert!(admin.get("email").is_none());
    let (_, reader) = oidc.get("/oidc/v1/userinfo", READER_TOKEN).await;
    assert_eq!(
        (reader["sub"].as_str(), reader["name"].as_str()),
        (Some(RITA), Some("Rita Lesmann"))
    );
    let (_, org) = oidc.get("/oidc/v1/userinfo", ORG_TOKEN).await;
    assert_eq!(org["sub"], DEVICE_USER_ID);

    // POST works as well; a bad token is 401 `access_denied` as from ZITADEL
    // (internal/api/oidc/userinfo.go; the demo used to answer `invalid_token` with a
    // WWW-Authenticate challenge, which ZITADEL does not send).
    let resp = reqwest::Client::new()
        .post(format!("{}/oidc/v1/userinfo", demo.url()))
        .bearer_auth("bogus")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert!(resp.headers().get("www-authenticate").is_none());
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"error": "access_denied", "error_description": "access token invalid"})
    );
    let resp = reqwest::Client::new()
        .get(format!("{}/oidc/v1/userinfo", demo.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"error": "invalid_request", "error_description": "access token missing"})
    );
}

#[test]
fn device_login_defaults() {
    let c = DemoConfig::default();
    assert_eq!(c.device, DeviceApproval::AutoApproveAfter(Duration::from_secs(2)));
    assert_eq!(c.device_code_lifetime, Duration::from_secs(300));
    assert_eq!(c.device_poll_interval, Duration::from_secs(5));
    assert_eq!(seed::load().unwrap().owners.org, DEVICE_USER_ID);
}
