//! Device login against the demo instance over real HTTP: discovery, the device authorization
//! grant with its polling rules (interval, slow_down, denial, expiry), refresh with rotation,
//! revocation, the per-profile token store, and a `Client` using stored tokens.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use zitadesk::api::auth::{Credentials, DeviceCredentials};
use zitadesk::api::http::Http;
use zitadesk::api::oidc::{self, DEVICE_SCOPE, DeviceError, Discovery, PollTiming, TokenSet};
use zitadesk::api::wire::ListUsersRequest;
use zitadesk::api::{ApiError, Client, NotSent};
use zitadesk::demo::{DEMO_CLIENT_ID, DEVICE_USER_ID, DemoConfig, DemoServer, DeviceApproval};
use zitadesk::token_store::{StoredTokens, TokenStore};

const PROFILE: &str = "acme";

/// Polls as fast as the server's `interval` allows; `slow_down` adds the RFC's 5 s.
const QUICK: PollTiming = PollTiming {
    min_interval: Duration::ZERO,
    slow_down_step: Duration::from_secs(5),
};

fn device_config(device: DeviceApproval) -> DemoConfig {
    DemoConfig {
        generated_users: 0,
        device,
        // Announced as `interval: 1` (whole seconds, rounded up).
        device_poll_interval: Duration::from_millis(10),
        ..DemoConfig::default()
    }
}

fn http() -> Http {
    Http::new(Duration::from_secs(5), Duration::from_secs(10)).expect("http client")
}

fn issuer(demo: &DemoServer) -> reqwest::Url {
    demo.url().parse().expect("demo URL parses")
}

/// A fresh token store in the temp dir, removed on drop.
struct TempStore {
    base: PathBuf,
    store: TokenStore,
}

impl TempStore {
    fn new(name: &str) -> TempStore {
        let base = std::env::temp_dir().join(format!(
            "zitadesk-device-login-{name}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        let store = TokenStore::new(base.join("tokens"));
        TempStore { base, store }
    }

    fn credentials(&self) -> Credentials {
        Credentials::Device(DeviceCredentials {
            profile: PROFILE.into(),
            client_id: DEMO_CLIENT_ID.into(),
            store: self.store.clone(),
        })
    }

    fn load(&self) -> StoredTokens {
        self.store
            .load(PROFILE)
            .expect("store readable")
            .expect("tokens stored")
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// Runs the whole device flow (the demo approves on its own) and returns the tokens.
async fn sign_in(demo: &DemoServer) -> (Discovery, TokenSet) {
    let http = http();
    let disc = oidc::discover(&http, &issuer(demo)).await.expect("discovery");
    let auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .expect("device authorization");
    let tokens = oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, QUICK)
        .await
        .expect("approved");
    (disc, tokens)
}

/// Signs in and stores the tokens the way `zitadesk login` does.
async fn sign_in_and_store(demo: &DemoServer, store: &TempStore) -> StoredTokens {
    let (disc, tokens) = sign_in(demo).await;
    let who = oidc::userinfo(&http(), &disc, &tokens.access_token)
        .await
        .expect("userinfo");
    let stored = StoredTokens {
        issuer: demo.url(),
        client_id: DEMO_CLIENT_ID.into(),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: tokens.expires_at,
        subject: Some(who.sub.clone()),
        name: Some(who.display_name().to_string()),
    };
    store.store.save(PROFILE, &stored).expect("tokens saved");
    stored
}

fn device_client(demo: &DemoServer, store: &TempStore) -> Client {
    Client::new(config(demo, store.credentials())).expect("client builds")
}

fn one_user() -> ListUsersRequest {
    ListUsersRequest {
        query: Some(zitadesk::api::wire::ListQuery {
            offset: 0,
            limit: 1,
            asc: true,
        }),
        ..Default::default()
    }
}

fn token_requests(demo: &DemoServer) -> Vec<zitadesk::demo::LoggedRequest> {
    requests_to(demo, "/oauth/v2/token")
}

fn secret(s: &Option<SecretString>) -> String {
    s.as_ref()
        .map(|t| t.expose_secret().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn discovery_names_the_device_endpoints() {
    let demo = demo_with(device_config(DeviceApproval::default())).await;
    let disc = oidc::discover(&http(), &issuer(&demo)).await.unwrap();
    let url = demo.url();
    assert_eq!(disc.token_endpoint, format!("{url}/oauth/v2/token"));
    assert_eq!(
        disc.device_authorization_endpoint.as_deref(),
        Some(format!("{url}/oauth/v2/device_authorization").as_str())
    );
    assert_eq!(
        disc.revocation_endpoint.as_deref(),
        Some(format!("{url}/oauth/v2/revoke").as_str())
    );
    assert!(disc.userinfo_endpoint.is_some());
}

#[tokio::test]
async fn full_flow_signs_in_as_the_agent() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(
        Duration::from_millis(300),
    )))
    .await;
    let http = http();
    let disc = oidc::discover(&http, &issuer(&demo)).await.unwrap();
    let auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .unwrap();
    assert!(!auth.user_code.is_empty());
    assert!(auth.best_uri().contains(&auth.user_code), "{}", auth.best_uri());
    assert_eq!(auth.interval, 1);
    // The request carried the client and the scope the issue asks for.
    let sent = requests_to(&demo, "/oauth/v2/device_authorization");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body.contains("client_id=") && sent[0].body.contains("offline_access"));

    let started = Instant::now();
    let tokens = oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, QUICK)
        .await
        .unwrap();
    // The first poll waits the interval; 300 ms later the demo user has approved.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(token_requests(&demo).len(), 1);
    assert!(
        tokens.refresh_token.is_some(),
        "offline_access gives a refresh token"
    );
    assert!(tokens.expires_at.is_some());
    let polled = &token_requests(&demo)[0].body;
    assert!(polled.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"));

    let who = oidc::userinfo(&http, &disc, &tokens.access_token).await.unwrap();
    assert_eq!(who.sub, DEVICE_USER_ID);
    assert!(who.display_name().contains("Olga"), "{who:?}");

    // The tokens work for the API, as the agent.
    let c = Client::new(config(&demo, Credentials::Token(tokens.access_token.clone()))).unwrap();
    c.list_users(&one_user()).await.unwrap();
}

#[tokio::test]
async fn pending_polls_keep_the_interval() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(
        Duration::from_millis(2500),
    )))
    .await;
    let started = Instant::now();
    sign_in(&demo).await;
    // Polls at 1 s and 2 s are pending, the one at 3 s is approved; none was too fast (the
    // demo would have answered slow_down, and that would have cost 5 s).
    assert_eq!(token_requests(&demo).len(), 3);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(3) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn slow_down_lengthens_the_interval_for_good() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let http = http();
    let disc = oidc::discover(&http, &issuer(&demo)).await.unwrap();
    let auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .unwrap();
    demo.slow_down_next_polls(1);
    let started = Instant::now();
    oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, QUICK)
        .await
        .expect("approved after one slow_down");
    let elapsed = started.elapsed();
    let increased = demo
        .required_poll_interval(&auth.user_code)
        .expect("the authorization is known");
    assert!(increased >= Duration::from_secs(5), "{increased:?}");
    // First poll after the 1 s interval (answered slow_down), the second one waited the
    // increased interval: exactly two polls, as the demo enforces the interval.
    assert_eq!(token_requests(&demo).len(), 2);
    assert!(
        elapsed >= Duration::from_secs(1) + increased,
        "waited {elapsed:?}, needed 1 s + {increased:?}"
    );
}

#[tokio::test]
async fn denial_ends_with_a_clear_message() {
    let demo = demo_with(device_config(DeviceApproval::Deny)).await;
    let http = http();
    let disc = oidc::discover(&http, &issuer(&demo)).await.unwrap();
    let auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .unwrap();
    let err = oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, QUICK)
        .await
        .unwrap_err();
    assert_eq!(err, DeviceError::Denied);
    let text = zitadesk::cli::messages::device_error(&err);
    assert!(
        text.contains("declined") && text.contains("zitadesk login"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 4);
    assert_eq!(token_requests(&demo).len(), 1);
}

#[tokio::test]
async fn expiry_ends_the_wait() {
    let demo = demo_with(DemoConfig {
        device_code_lifetime: Duration::from_millis(1500),
        ..device_config(DeviceApproval::Manual)
    })
    .await;
    let http = http();
    let disc = oidc::discover(&http, &issuer(&demo)).await.unwrap();
    let auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .unwrap();
    assert_eq!(auth.expires_in, 2);
    let started = Instant::now();
    let err = oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, QUICK)
        .await
        .unwrap_err();
    assert_eq!(err, DeviceError::Expired);
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(4));
    // Pending at 1 s; at 2 s the server said expired_token (its code lived 1.5 s).
    assert_eq!(token_requests(&demo).len(), 2);
}

#[tokio::test]
async fn the_local_deadline_stops_polling_without_the_server() {
    // A server whose codes outlive `expires_in`: the client still stops at its own deadline.
    let demo = demo_with(DemoConfig {
        device_code_lifetime: Duration::from_secs(1),
        ..device_config(DeviceApproval::Manual)
    })
    .await;
    let http = http();
    let disc = oidc::discover(&http, &issuer(&demo)).await.unwrap();
    let mut auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .unwrap();
    // Pretend the answer said 0 s: no poll is worth sending.
    auth.expires_in = 0;
    let err = oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, QUICK)
        .await
        .unwrap_err();
    assert_eq!(err, DeviceError::Expired);
    assert!(token_requests(&demo).is_empty());
}

#[tokio::test]
async fn a_wrong_client_id_fails_with_the_oauth_error() {
    let demo = demo_with(device_config(DeviceApproval::default())).await;
    let http = http();
    let disc = oidc::discover(&http, &issuer(&demo)).await.unwrap();
    let err = oidc::start_device(&http, &disc, "nobody@nowhere", DEVICE_SCOPE)
        .await
        .unwrap_err();
    assert!(matches!(&err, ApiError::Unauthenticated(_)), "{err:?}");
    assert_eq!(err.zitadel_id(), Some("invalid_client"));
}

#[tokio::test]
async fn a_client_with_device_credentials_uses_the_stored_tokens() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("use");
    let stored = sign_in_and_store(&demo, &store).await;
    demo.clear_requests();
    let c = device_client(&demo, &store);
    c.list_users(&one_user()).await.unwrap();
    let calls = requests_to(&demo, "/v2/users");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].bearer.as_deref(),
        Some(stored.access_token.expose_secret())
    );
    // A fresh token is used as it is: no refresh, no discovery.
    assert!(token_requests(&demo).is_empty());
    let info = c.token_info().await.unwrap();
    assert_eq!(info.kind, "device login");
    assert_eq!(info.subject.as_deref(), Some(DEVICE_USER_ID));
    assert_eq!(info.expires_at, stored.expires_at);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_rotated_tokens_saved() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("refresh");
    let before = sign_in_and_store(&demo, &store).await;
    let c = device_client(&demo, &store);
    c.list_users(&one_user()).await.unwrap();

    // The server forgets the access token: the API answers 401, the client refreshes once.
    demo.expire_issued_tokens();
    demo.clear_requests();
    c.list_users(&one_user()).await.unwrap();
    let refreshes = token_requests(&demo);
    assert_eq!(refreshes.len(), 1);
    assert!(refreshes[0].body.contains("grant_type=refresh_token"));
    assert_eq!(requests_to(&demo, "/v2/users").len(), 2, "401, then the retry");

    let after = store.load();
    assert_ne!(
        after.access_token.expose_secret(),
        before.access_token.expose_secret()
    );
    assert_ne!(secret(&after.refresh_token), secret(&before.refresh_token));
    assert!(after.refresh_token.is_some());
    assert_eq!(after.subject.as_deref(), Some(DEVICE_USER_ID), "who stays");
    // ZITADEL rotates: the old refresh token is spent.
    let disc = oidc::discover(&http(), &issuer(&demo)).await.unwrap();
    let old = before.refresh_token.expect("had a refresh token");
    let err = oidc::refresh(&http(), &disc, DEMO_CLIENT_ID, &old)
        .await
        .unwrap_err();
    assert_eq!(err.zitadel_id(), Some("invalid_grant"));

    // A new process (new client) reads the rotated tokens and needs no refresh.
    demo.clear_requests();
    device_client(&demo, &store)
        .list_users(&one_user())
        .await
        .unwrap();
    assert!(token_requests(&demo).is_empty());
}

#[tokio::test]
async fn a_token_past_its_expiry_is_refreshed_before_the_call() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("proactive");
    let mut stored = sign_in_and_store(&demo, &store).await;
    // Expiring within the refresh margin counts as expired.
    stored.expires_at = Some(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30));
    store.store.save(PROFILE, &stored).unwrap();
    demo.clear_requests();
    device_client(&demo, &store)
        .list_users(&one_user())
        .await
        .unwrap();
    assert_eq!(token_requests(&demo).len(), 1);
    // No 401 first: the call went out with the new token.
    let calls = requests_to(&demo, "/v2/users");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, 200);
    assert_eq!(
        calls[0].bearer.as_deref(),
        Some(store.load().access_token.expose_secret())
    );
}

#[tokio::test]
async fn without_stored_tokens_the_client_says_to_log_in() {
    let demo = demo_with(device_config(DeviceApproval::default())).await;
    let store = TempStore::new("none");
    let c = device_client(&demo, &store);
    let err = c.list_users(&one_user()).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::NotSent(NotSent::NotSignedIn { .. })),
        "{err:?}"
    );
    let text = zitadesk::cli::messages::api_error(&err);
    assert!(
        text.contains("run `zitadesk login") && text.contains(PROFILE),
        "{text}"
    );
    assert_eq!(err.exit_code(), 4);
    assert!(demo.requests().is_empty(), "nothing is sent without tokens");
    assert!(c.token_info().await.is_err());
}

#[tokio::test]
async fn a_revoked_sign_in_asks_for_login_again() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("revoked");
    let stored = sign_in_and_store(&demo, &store).await;
    let disc = oidc::discover(&http(), &issuer(&demo)).await.unwrap();
    // Logout's revocations: the refresh token, then the access token.
    let refresh = stored.refresh_token.clone().unwrap();
    oidc::revoke(&http(), &disc, DEMO_CLIENT_ID, &refresh)
        .await
        .unwrap();
    oidc::revoke(&http(), &disc, DEMO_CLIENT_ID, &stored.access_token)
        .await
        .unwrap();
    let revokes = requests_to(&demo, "/oauth/v2/revoke");
    assert_eq!(revokes.len(), 2);
    assert!(revokes.iter().all(|r| r.status == 200));
    // The old refresh token no longer works.
    let err = oidc::refresh(&http(), &disc, DEMO_CLIENT_ID, &refresh)
        .await
        .unwrap_err();
    assert!(matches!(&err, ApiError::Unauthenticated(_)), "{err:?}");
    assert_eq!(err.zitadel_id(), Some("invalid_grant"));
    // A client still holding the stored (now revoked) tokens: 401, refresh refused, and the
    // agent is told to sign in again.
    let err = device_client(&demo, &store)
        .list_users(&one_user())
        .await
        .unwrap_err();
    let text = zitadesk::cli::messages::api_error(&err);
    assert!(
        matches!(&err, ApiError::NotSent(NotSent::NotSignedIn { .. }))
            && text.contains("run `zitadesk login --profile acme`"),
        "{text}"
    );
}

#[tokio::test]
async fn tokens_of_another_instance_are_not_sent() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("other");
    let mut stored = sign_in_and_store(&demo, &store).await;
    stored.issuer = "https://elsewhere.example.com".into();
    store.store.save(PROFILE, &stored).unwrap();
    demo.clear_requests();
    let err = device_client(&demo, &store)
        .list_users(&one_user())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("elsewhere.example.com"), "{err}");
    assert!(demo.requests().is_empty());
}

#[tokio::test]
async fn the_store_file_is_private_and_secrets_stay_out_of_debug() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("private");
    let stored = sign_in_and_store(&demo, &store).await;
    let path = store.store.path(PROFILE).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700, "{dir_mode:o}");
    }
    // The file holds the tokens (that is its job)...
    let content = std::fs::read_to_string(&path).unwrap();
    let access = stored.access_token.expose_secret().to_string();
    let refresh = secret(&stored.refresh_token);
    assert!(content.contains(&access) && content.contains(&refresh));
    // ...but nothing that gets printed or logged does.
    let c = device_client(&demo, &store);
    let info = c.token_info().await.unwrap();
    let printed = format!("{stored:?} {:?} {:?} {info:?}", store.credentials(), store.store);
    assert!(
        !printed.contains(&access) && !printed.contains(&refresh),
        "{printed}"
    );
}

/// Two clients (as two processes would: each with its own memory) share one sign-in whose
/// access token is about to expire, and both call at once. Proves the refresh runs under the
/// token file's lock and re-reads the file: one refresh, both calls succeed (the second client
/// takes the tokens the first stored instead of spending the rotated refresh token).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_sharing_a_sign_in_refresh_it_once() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("shared");
    let mut stored = sign_in_and_store(&demo, &store).await;
    stored.expires_at = Some(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30));
    store.store.save(PROFILE, &stored).unwrap();
    demo.clear_requests();
    let (first, second) = (device_client(&demo, &store), device_client(&demo, &store));
    let request = one_user();
    let (a, b) = tokio::join!(first.list_users(&request), second.list_users(&request));
    a.expect("first client");
    b.expect("second client");
    assert_eq!(token_requests(&demo).len(), 1, "one refresh for both");
    let calls = requests_to(&demo, "/v2/users");
    let now = store.load();
    assert!(
        calls
            .iter()
            .all(|c| c.bearer.as_deref() == Some(now.access_token.expose_secret())),
        "both used the stored successor"
    );
}

/// A client that signed in, then the profile was signed out elsewhere (`zitadesk logout` in
/// another terminal deleted the file). Proves the refresh reads the file under the lock and
/// reports "not signed in" rather than refreshing from memory and writing the sign-in back.
#[tokio::test]
async fn a_refresh_after_logout_elsewhere_does_not_bring_the_sign_in_back() {
    let demo = demo_with(device_config(DeviceApproval::AutoApproveAfter(Duration::ZERO))).await;
    let store = TempStore::new("logged-out");
    sign_in_and_store(&demo, &store).await;
    let c = device_client(&demo, &store);
    c.list_users(&one_user()).await.unwrap();
    assert!(store.store.delete(PROFILE).unwrap(), "signed out elsewhere");
    demo.expire_issued_tokens();
    demo.clear_requests();
    let err = c.list_users(&one_user()).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::NotSent(NotSent::NotSignedIn { .. })),
        "{err:?}"
    );
    assert!(token_requests(&demo).is_empty(), "no refresh sent");
    assert!(
        store.store.load(PROFILE).unwrap().is_none(),
        "the file stays gone"
    );
}
