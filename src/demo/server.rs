//! The running instance: start, test hooks, shutdown, and `zitadesk demo-server`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::config::{DemoConfig, DeviceApproval};
use super::faults::Faults;
use super::identities::{
    ADMIN_TOKEN, DEMO_CLIENT_ID, DEVICE_USER_ID, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN, SERVICE_KEY_ID,
    SERVICE_KEY_PATH, SERVICE_USER_ID,
};
use super::request_log::LoggedRequest;
use super::routes;
use super::state::Shared;
use super::sync::lock;

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
        lock(&self.shared.live).tokens.clear();
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
        lock(&self.shared.live)
            .device
            .pending_user_codes(tokio::time::Instant::now())
    }

    /// The polling interval the authorization with this user code currently requires (it
    /// grows by 5 s with every `slow_down`).
    pub fn required_poll_interval(&self, user_code: &str) -> Option<Duration> {
        lock(&self.shared.live).device.interval_of(user_code)
    }

    /// The next `polls` device-code token requests answer `slow_down` however slowly they
    /// come (each also adds 5 s to that authorization's interval), so a well-behaved client's
    /// handling of it can be tested. 0 turns it off.
    pub fn slow_down_next_polls(&self, polls: u32) {
        lock(&self.shared.live).device.force_slow_downs(polls);
    }

    /// The user's current pending email code, if it has one (for tests).
    pub fn pending_code(&self, user_id: &str) -> Option<String> {
        self.shared.pending_code(user_id)
    }

    /// The user's current pending phone code, if it has one (for tests).
    pub fn pending_phone_code(&self, user_id: &str) -> Option<String> {
        self.shared.pending_phone_code(user_id)
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

/// `zitadesk demo-server`: starts the demo instance, hands its URL and tokens to `announce`
/// (the CLI's stdout writer, which copes with a closed pipe), and serves until Ctrl-C or
/// SIGTERM.
pub async fn run_standalone(
    addr: SocketAddr,
    config: DemoConfig,
    announce: impl FnOnce(&str),
) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let server = DemoServer::start(addr, config).await?;
    let config = &server.shared.config;
    let mut text = String::new();
    let _ = writeln!(text, "ZITADEL demo instance listening on {}", server.url());
    let _ = writeln!(
        text,
        "emulating ZITADEL {}{}",
        config.version,
        if config.user_schema {
            " with the UserSchema feature on"
        } else {
            ""
        }
    );
    let _ = writeln!(text, "tokens (send as `Authorization: Bearer <token>`):");
    let _ = writeln!(text, "  {ADMIN_TOKEN}     read + write in every organisation");
    let _ = writeln!(text, "  {ORG_TOKEN}       read + write only in organisation Acme");
    let _ = writeln!(text, "  {READER_TOKEN}    read everywhere, no write");
    let _ = writeln!(text, "  {NO_MEMBER_TOKEN}  no membership: sees only its own user");
    let _ = writeln!(
        text,
        "service account key for the JWT-bearer grant: {SERVICE_KEY_PATH} \
         (keyId {SERVICE_KEY_ID}, userId {SERVICE_USER_ID})"
    );
    let decision = match server.shared.config.device {
        DeviceApproval::AutoApproveAfter(d) => format!("approves after {d:?}"),
        DeviceApproval::Deny => "declines every request".to_owned(),
        DeviceApproval::Manual => "approves when you open the verification link".to_owned(),
    };
    let _ = writeln!(
        text,
        "device login: client id {DEMO_CLIENT_ID} (signs in as Olga Berg, userId {DEVICE_USER_ID}, \
         ORG_USER_MANAGER in Acme; the demo user {decision})"
    );
    let _ = writeln!(text, "press Ctrl-C to stop");
    announce(&text);
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
