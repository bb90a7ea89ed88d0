//! How a demo instance is set up at start.

use std::time::Duration;

use super::version::ZitadelVersion;

/// What the simulated user does with a device authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceApproval {
    /// Approves this long after the request (`Duration::ZERO`: at once).
    AutoApproveAfter(Duration),
    /// Declines: polls answer `access_denied`.
    Deny,
    /// Waits until a test decides ([`DemoServer::approve_device`](super::DemoServer::approve_device) /
    /// [`DemoServer::deny_device`](super::DemoServer::deny_device))
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
    /// The ZITADEL release line whose differences the instance emulates (default: the latest).
    pub version: ZitadelVersion,
    /// The instance feature `UserSchema` is on: the v3alpha resend then answers 404
    /// `COMMAND-EajeF6ypOV` for ordinary users instead of 400 "not enabled".
    pub user_schema: bool,
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
            version: ZitadelVersion::default(),
            user_schema: false,
        }
    }
}
