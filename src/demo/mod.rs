//! A built-in, in-process ZITADEL look-alike: an HTTP server on 127.0.0.1 that answers every
//! call our client makes (ListUsers, GetUserByID, Resend/SendEmailCode, the v3alpha resend,
//! ListAuthenticationMethodTypes, the Connect paths of the same methods, discovery, the
//! JWT-bearer token grant, the device authorization grant with refresh and revocation,
//! userinfo and `ListMyZitadelPermissions`) with ZITADEL's JSON shapes, error ids and HTTP
//! statuses. Tests and `zitadesk --demo` drive the real client against it over real HTTP.
//!
//! Device login: the native app [`DEMO_CLIENT_ID`] may run the device authorization grant
//! (RFC 8628). The simulated person at the browser is Olga Berg ([`DEVICE_USER_ID`],
//! ORG_USER_MANAGER in Acme); [`DemoConfig::device`] says whether she approves (after a
//! delay), declines, or waits for a test to decide ([`DemoServer::approve_device`],
//! [`DemoServer::deny_device`], or `GET /device?user_code=…` as her click).
//!
//! Data: a few dozen hand-written users from `assets/demo-users.json` (the awkward cases a
//! helpdesk meets) plus [`DemoConfig::generated_users`] users that are derived from their
//! index on demand, so a million of them cost nothing until listed.
//!
//! Every request goes into a log ([`DemoServer::requests`]); [`Faults`] inject latency, errors,
//! broken JSON or hangs into the API paths at run time.

mod account;
mod auth;
mod codes;
mod device;
mod device_oauth;
mod directory;
mod errors;
mod faults;
mod filter;
mod generated;
mod intake;
mod jwt_bearer;
mod oauth;
mod oauth_wire;
mod ops;
mod org;
mod request;
mod respond;
mod rng;
mod routes;
mod seed;
mod service_key;
mod state;
mod template;
mod user_service;
mod users;

#[cfg(test)]
mod device_tests;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use state::Shared;

/// Bearer token with instance-wide `user.read` + `user.write` (like `IAM_USER_MANAGER`).
pub const ADMIN_TOKEN: &str = "demo-admin-token";
/// Bearer token with `user.read` + `user.write` only in the first seed org ("Acme"): users of
/// other orgs are dropped from list pages, and get/resend on them answer 403.
pub const ORG_TOKEN: &str = "demo-org-token";
/// Bearer token with `user.read` everywhere but no `user.write`: resend/send answer 403.
pub const READER_TOKEN: &str = "demo-reader-token";
/// Bearer token of a user without any membership: lists show only its own user, get/resend on
/// anyone else answer 404 `AUTHZ-cdgFk` "membership not found".
pub const NO_MEMBER_TOKEN: &str = "demo-nomember-token";

/// The demo service account key (ZITADEL key-file JSON: `type`, `keyId`, `key`, `userId`).
/// `/oauth/v2/token` accepts JWTs signed with it.
pub const SERVICE_KEY_JSON: &str = include_str!("../../assets/demo-service-key.json");
/// Where [`SERVICE_KEY_JSON`] lives in the source tree, for hints printed to people.
pub const SERVICE_KEY_PATH: &str = "assets/demo-service-key.json";
/// The `keyId` of the demo service key; JWT headers must carry it as `kid`.
pub const SERVICE_KEY_ID: &str = "demo-key-1";
/// The service account's user ID (`iss` and `sub` of its JWTs).
pub const SERVICE_USER_ID: &str = "300000000000000900";

/// The client ID of the demo's native OIDC app (auth method none, grant types device code and
/// refresh token), the only client the device authorization grant accepts.
pub const DEMO_CLIENT_ID: &str = "demo-helpdesk-console@zitadesk-demo";
/// The user that device logins sign in as: Olga Berg (`olga@acme.demo.zitadel.cloud`),
/// helpdesk lead of Acme with ORG_USER_MANAGER there (`user.read` + `user.write` in Acme
/// only) — the same user and rights as [`ORG_TOKEN`]. It is the `sub` of their userinfo.
pub const DEVICE_USER_ID: &str = "300000000000000109";

/// What the simulated user does with a device authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceApproval {
    /// Approves this long after the request (`Duration::ZERO`: at once).
    AutoApproveAfter(Duration),
    /// Declines: polls answer `access_denied`.
    Deny,
    /// Waits until a test decides ([`DemoServer::approve_device`] / [`DemoServer::deny_device`])
    /// or `GET /device?user_code=…` is visited (which approves).
    Manual,
}

impl Default for DeviceApproval {
    fn default() -> Self {
        DeviceApproval::AutoApproveAfter(Duration::from_secs(2))
    }
}

/// How the demo instance is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Generated users on top of the seed file; clamped to [`MAX_GENERATED_USERS`].
    pub generated_users: usize,
    /// Lifetime of access tokens issued by `/oauth/v2/token` (every grant).
    pub token_lifetime: Duration,
    /// How device authorization requests are decided.
    pub device: DeviceApproval,
    /// How long a device code (and its user code) stays valid: `expires_in`.
    pub device_code_lifetime: Duration,
    /// The polling interval a device authorization starts with. It is enforced exactly
    /// (polling sooner answers `slow_down` and adds 5 s to it, RFC 8628 §3.5) and announced as
    /// `interval` in whole seconds, rounded up. Tests use a few milliseconds.
    pub device_poll_interval: Duration,
}

/// Upper bound for [`DemoConfig::generated_users`]: keeps generated IDs inside their 18-digit
/// range and the lazily built sort orders (4 bytes per user and column) bounded.
pub const MAX_GENERATED_USERS: usize = 10_000_000;

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            generated_users: 200,
            token_lifetime: Duration::from_secs(3600),
            device: DeviceApproval::default(),
            device_code_lifetime: Duration::from_secs(300),
            device_poll_interval: Duration::from_secs(5),
        }
    }
}

/// One request as the demo server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The request body (lossy UTF-8; bodies over the size limit are logged empty).
    pub body: String,
    /// The token from `Authorization: Bearer …`, if any.
    pub bearer: Option<String>,
    /// The HTTP status answered; 0 while the request is still being answered (e.g. hanging).
    pub status: u16,
}

/// Test hooks, changeable at run time with [`DemoServer::set_faults`].
///
/// Faults apply only to the **API paths** (`/v2/…`, `/resources/…` and the Connect paths
/// `/zitadel.…`), never to `/oauth/…`, `/.well-known/…` or `/debug/…`: a test can always
/// obtain a token and check health, and `fail_every` counts exactly the API calls it makes.
/// The OIDC paths (`/oidc/…`, `/device`) and the v1 auth API (`/auth/v1/…`, the permission
/// self-check) are not faulted either.
/// The counter restarts at every `set_faults`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Delay before each API request is handled.
    pub latency: Duration,
    /// Every k-th API request (k, 2k, …) answers `fail_status` with a ZITADEL-shaped error body
    /// instead of being handled. `Some(0)` and `None` disable it.
    pub fail_every: Option<u32>,
    /// HTTP status of injected failures; 0 means 503.
    pub fail_status: u16,
    /// Answer API requests with status 200 and the real body cut in half (invalid JSON).
    pub malformed_json: bool,
    /// Never answer API requests (they wait until the server shuts down).
    pub hang: bool,
}

/// A running demo instance. Dropping it stops the server (without waiting);
/// [`DemoServer::shutdown`] stops it and waits.
pub struct DemoServer {
    shared: Arc<Shared>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// Binds `addr` (port 0 picks a free port) and serves in a tokio task.
    pub async fn start(addr: SocketAddr, config: DemoConfig) -> std::io::Result<DemoServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let cancel = CancellationToken::new();
        let shared = Arc::new(Shared::new(format!("http://{local}"), config, cancel.clone())?);
        let app = routes::router(Arc::clone(&shared));
        let stop = cancel.clone();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::warn!("demo server stopped with an error: {e}");
            }
        });
        Ok(DemoServer {
            shared,
            cancel,
            task: Some(task),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). Also the OIDC issuer.
    pub fn url(&self) -> String {
        self.shared.url.clone()
    }

    /// Every request so far, in arrival order (the oldest are dropped beyond 10,000).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.snapshot()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Replaces the active faults and restarts the `fail_every` counter.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.faults.set(faults);
    }

    /// Makes every access token issued by `/oauth/v2/token` (JWT-bearer, device code and
    /// refresh grants) invalid at once, as if they had expired, so tests can exercise a
    /// client's re-authentication or refresh after a 401. Refresh tokens stay valid.
    pub fn expire_issued_tokens(&self) {
        state::lock(&self.shared.live).tokens.clear();
    }

    /// The simulated user approves the device authorization with this user code (any case,
    /// with or without the hyphen). False if there is no such authorization, or it expired or
    /// was redeemed already. Overrides [`DemoConfig::device`].
    pub fn approve_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, true)
    }

    /// The simulated user declines: polls answer `access_denied`. False as for
    /// [`DemoServer::approve_device`].
    pub fn deny_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, false)
    }

    /// User codes of the device authorizations neither expired nor redeemed, oldest first.
    pub fn pending_user_codes(&self) -> Vec<String> {
        state::lock(&self.shared.live)
            .device
            .pending_user_codes(tokio::time::Instant::now())
    }

    /// The polling interval the authorization with this user code currently requires (it
    /// grows by 5 s with every `slow_down`).
    pub fn required_poll_interval(&self, user_code: &str) -> Option<Duration> {
        state::lock(&self.shared.live).device.interval_of(user_code)
    }

    /// The next `polls` device-code token requests answer `slow_down` however slowly they
    /// come (each also adds 5 s to that authorization's interval), so a well-behaved client's
    /// handling of it can be tested. 0 turns it off.
    pub fn slow_down_next_polls(&self, polls: u32) {
        state::lock(&self.shared.live).device.force_slow_downs(polls);
    }

    /// The user's current pending email code, if it has one (for tests).
    pub fn pending_code(&self, user_id: &str) -> Option<String> {
        self.shared.pending_code(user_id)
    }

    /// Stops the server and waits (at most 5 s) for open requests to finish.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// `zitadesk demo-server`: starts the demo instance, prints its URL and tokens, and serves
/// until Ctrl-C or SIGTERM.
pub async fn run_standalone(addr: SocketAddr, config: DemoConfig) -> std::io::Result<()> {
    let server = DemoServer::start(addr, config).await?;
    println!("ZITADEL demo instance listening on {}", server.url());
    println!("tokens (send as `Authorization: Bearer <token>`):");
    println!("  {ADMIN_TOKEN}     read + write in every organisation");
    println!("  {ORG_TOKEN}       read + write only in organisation Acme");
    println!("  {READER_TOKEN}    read everywhere, no write");
    println!("  {NO_MEMBER_TOKEN}  no membership: sees only its own user");
    println!(
        "service account key for the JWT-bearer grant: {SERVICE_KEY_PATH} \
         (keyId {SERVICE_KEY_ID}, userId {SERVICE_USER_ID})"
    );
    let decision = match server.shared.config.device {
        DeviceApproval::AutoApproveAfter(d) => format!("approves after {d:?}"),
        DeviceApproval::Deny => "declines every request".to_owned(),
        DeviceApproval::Manual => "approves when you open the verification link".to_owned(),
    };
    println!(
        "device login: client id {DEMO_CLIENT_ID} (signs in as Olga Berg, userId {DEVICE_USER_ID}, \
         ORG_USER_MANAGER in Acme; the demo user {decision})"
    );
    println!("press Ctrl-C to stop");
    wait_for_stop_signal().await;
    server.shutdown().await;
    Ok(())
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
