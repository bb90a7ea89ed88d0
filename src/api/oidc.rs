//! OpenID Connect for a person at a terminal: discovery, the device authorization grant
//! (RFC 8628) with its polling rules, refresh, revocation (RFC 7009) and userinfo.
//!
//! Endpoints always come from the issuer's discovery document. ZITADEL's device flow uses a
//! public client (auth method "none"), so only `client_id` identifies the app. Tokens are
//! `SecretString`s; no error, `Debug` or log line here carries one.

use std::fmt;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;

use super::error::{ApiError, Call, NotSent};
use super::http::{Body, Http, Request};
use super::instance_url;

/// What `zitadesk login` asks for: the API audience, the person's name, and a refresh token.
pub const DEVICE_SCOPE: &str = "openid profile offline_access urn:zitadel:iam:org:project:id:zitadel:aud";
/// RFC 8628 §3.4.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.2: the interval when the server names none.
const DEFAULT_INTERVAL_SECS: u64 = 5;
/// Consecutive transport failures (or 5xx/429) tolerated while polling.
const MAX_POLL_HICCUPS: u32 = 3;
/// The longest wait between polls, whatever `slow_down` and back-off say.
const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// The parts of `/.well-known/openid-configuration` zitadesk uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Discovery {
    #[serde(default)]
    pub issuer: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub device_authorization_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
}

impl Discovery {
    fn endpoint(&self, name: &'static str, value: Option<&str>) -> Result<Url, ApiError> {
        let value = value.ok_or(ApiError::NotSent(NotSent::NoEndpoint { name }))?;
        Url::parse(value).map_err(|e| {
            ApiError::NotSent(NotSent::BadEndpoint {
                name,
                reason: e.to_string(),
                value: crate::text::sanitize(&instance_url::shown_text(value)).into_owned(),
            })
        })
    }

    /// Refuses a document that is not the configured instance's: its `issuer` must be the
    /// configured URL (normalised: ZITADEL names it without the trailing slash), and every
    /// endpoint that carries a token, a device code or a refresh token must lie on the
    /// issuer's own origin. Anyone who can answer the discovery request (a captive portal, a
    /// wrong DNS entry, a compromised proxy path) could otherwise name their own token
    /// endpoint and collect the credentials sent there.
    pub fn check(&self, issuer: &Url) -> Result<(), ApiError> {
        let named = Url::parse(&self.issuer).ok();
        if !named
            .as_ref()
            .is_some_and(|n| n.username().is_empty() && instance_url::same_instance(n, issuer))
        {
            return Err(ApiError::NotSent(NotSent::ForeignIssuer {
                expected: instance_url::shown(issuer).trim_end_matches('/').to_string(),
                named: crate::text::sanitize(&instance_url::shown_text(&self.issuer)).into_owned(),
            }));
        }
        let endpoints = [
            ("token_endpoint", Some(self.token_endpoint.as_str())),
            (
                "device_authorization_endpoint",
                self.device_authorization_endpoint.as_deref(),
            ),
            ("revocation_endpoint", self.revocation_endpoint.as_deref()),
            ("userinfo_endpoint", self.userinfo_endpoint.as_deref()),
        ];
        for (name, value) in endpoints {
            // A missing or unreadable endpoint is refused when a call needs it.
            let Some(url) = value.and_then(|v| Url::parse(v).ok()) else {
                continue;
            };
            let has_credentials = !url.username().is_empty() || url.password().is_some();
            if has_credentials || !instance_url::same_origin(&url, issuer) {
                return Err(ApiError::NotSent(NotSent::ForeignEndpoint {
                    name,
                    endpoint: crate::text::sanitize(&instance_url::shown(&url)).into_owned(),
                    origin: instance_url::origin(issuer),
                }));
            }
        }
        Ok(())
    }

    pub fn token_url(&self) -> Result<Url, ApiError> {
        self.endpoint("token_endpoint", Some(&self.token_endpoint))
    }

    pub fn device_authorization_url(&self) -> Result<Url, ApiError> {
        self.endpoint(
            "device_authorization_endpoint",
            self.device_authorization_endpoint.as_deref(),
        )
    }

    pub fn revocation_url(&self) -> Result<Url, ApiError> {
        self.endpoint("revocation_endpoint", self.revocation_endpoint.as_deref())
    }

    pub fn userinfo_url(&self) -> Result<Url, ApiError> {
        self.endpoint("userinfo_endpoint", self.userinfo_endpoint.as_deref())
    }
}

/// `GET {issuer}/.well-known/openid-configuration`, refused unless it is the issuer's own
/// (see [`Discovery::check`]): every token request and userinfo call starts here.
pub async fn discover(http: &Http, issuer: &Url) -> Result<Discovery, ApiError> {
    let mut base = issuer.clone();
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.set_query(None);
    let url = base.join(".well-known/openid-configuration").map_err(|e| {
        ApiError::NotSent(NotSent::Unprepared {
            call: Call::Discovery,
            reason: format!("cannot build the discovery URL: {e}"),
        })
    })?;
    let discovery: Discovery = http
        .send(Request::new(Call::Discovery, Method::GET, &url))
        .await?;
    discovery.check(issuer)?;
    Ok(discovery)
}

/// The answer of the device authorization endpoint (RFC 8628 §3.2).
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceAuthorization {
    /// Only for polling; never shown.
    pub device_code: SecretString,
    /// What the person types at the verification page.
    pub user_code: String,
    pub verification_uri: String,
    #[serde(default)]
    pub verification_uri_complete: Option<String>,
    /// Seconds the codes stay valid.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    #[serde(default = "default_interval")]
    pub interval: u64,
    /// When the answer arrived: the codes expire `expires_in` after this.
    #[serde(skip, default = "Instant::now")]
    pub received_at: Instant,
}

fn default_interval() -> u64 {
    DEFAULT_INTERVAL_SECS
}

impl DeviceAuthorization {
    /// The page to show: the complete URI (code filled in) when the server gave one.
    pub fn best_uri(&self) -> &str {
        self.verification_uri_complete
            .as_deref()
            .filter(|u| !u.is_empty())
            .unwrap_or(&self.verification_uri)
    }

    /// When the codes expire (local clock).
    pub fn deadline(&self) -> Instant {
        self.received_at + Duration::from_secs(self.expires_in.min(86_400))
    }
}

/// `POST device_authorization_endpoint` with `client_id` and `scope`.
pub async fn start_device(
    http: &Http,
    discovery: &Discovery,
    client_id: &str,
    scope: &str,
) -> Result<DeviceAuthorization, ApiError> {
    let url = discovery.device_authorization_url()?;
    let form = [("client_id", client_id), ("scope", scope)];
    let mut auth: DeviceAuthorization = http
        .send(Request::new(Call::DeviceAuthorization, Method::POST, &url).body(Body::Form(&form)))
        .await?;
    auth.received_at = Instant::now();
    Ok(auth)
}

/// Tokens from the token endpoint.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    /// `None` when the server issued none (or, on refresh, kept the old one valid).
    pub refresh_token: Option<SecretString>,
    /// `None` when the server named no lifetime.
    pub expires_at: Option<Timestamp>,
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    #[serde(default)]
    refresh_token: Option<SecretString>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

impl TokenResponse {
    fn into_set(self, requested_at: Timestamp) -> TokenSet {
        TokenSet {
            access_token: self.access_token,
            refresh_token: self.refresh_token.filter(|t| !t.expose_secret().is_empty()),
            expires_at: self
                .expires_in
                .and_then(|s| requested_at.saturating_add(Duration::from_secs(s)).ok()),
            scope: self.scope,
        }
    }
}

/// POSTs a grant to a token endpoint (the key exchange's, or discovery's): the one token
/// request. OAuth errors become `Unauthenticated` with `id` = the OAuth `error`
/// (`invalid_grant`, `authorization_pending`, ...).
pub(crate) async fn request_tokens(
    http: &Http,
    call: Call,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<TokenSet, ApiError> {
    let requested_at = Timestamp::now();
    let answer: TokenResponse = http
        .send(Request::new(call, Method::POST, url).body(Body::Form(form)))
        .await?;
    Ok(answer.into_set(requested_at))
}

/// How the poller paces itself. The server's `interval` is used as it is (never below
/// `min_interval`); `slow_down` adds `slow_down_step` (RFC 8628: 5 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollTiming {
    /// Floor for the wait between polls, so a server answering `interval: 0` is not hammered.
    pub min_interval: Duration,
    /// Added to the interval on each `slow_down`.
    pub slow_down_step: Duration,
}

impl Default for PollTiming {
    fn default() -> Self {
        PollTiming {
            min_interval: Duration::from_secs(1),
            slow_down_step: Duration::from_secs(5),
        }
    }
}

/// Why the device login ended without tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceError {
    /// The person declined the request (`access_denied`).
    Denied,
    /// The codes expired before approval (`expired_token`, or the local deadline).
    Expired,
    /// Anything else: the server refused the grant, or could not be reached.
    Failed(ApiError),
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceError::Denied => {
                f.write_str("sign-in was declined on the verification page (access_denied)")
            }
            DeviceError::Expired => {
                f.write_str("the sign-in code expired before it was approved (expired_token)")
            }
            DeviceError::Failed(e) => write!(f, "sign-in failed: {e}"),
        }
    }
}

impl std::error::Error for DeviceError {}

impl DeviceError {
    /// The CLI exit code: 4 (not signed in) for a refusal or expiry, else the API error's.
    pub fn exit_code(&self) -> u8 {
        match self {
            DeviceError::Denied | DeviceError::Expired => 4,
            DeviceError::Failed(e) => e.exit_code(),
        }
    }
}

/// What one poll taught the poller.
#[derive(Debug, Clone, PartialEq)]
enum PollStep {
    Pending,
    SlowDown,
    /// A transport failure, 5xx or 429: wait longer and try again (RFC 8628 §3.5).
    Hiccup(ApiError),
}

/// Classifies a failed poll: keep waiting, or end with a [`DeviceError`].
fn poll_outcome(e: ApiError) -> Result<PollStep, DeviceError> {
    match e.zitadel_id() {
        Some("authorization_pending") => return Ok(PollStep::Pending),
        Some("slow_down") => return Ok(PollStep::SlowDown),
        Some("access_denied") => return Err(DeviceError::Denied),
        Some("expired_token") => return Err(DeviceError::Expired),
        _ => {}
    }
    if e.is_retryable_read()
        || matches!(&e, ApiError::Timeout { .. })
        || matches!(&e, ApiError::Server(s) if s.http >= 500)
    {
        return Ok(PollStep::Hiccup(e));
    }
    Err(DeviceError::Failed(e))
}

/// Polls the token endpoint until the person approves, declines, or the codes expire. Waits
/// `interval` before each poll; `slow_down` lengthens the interval for good.
pub async fn poll_device(
    http: &Http,
    discovery: &Discovery,
    client_id: &str,
    authorization: &DeviceAuthorization,
    timing: PollTiming,
) -> Result<TokenSet, DeviceError> {
    let token_url = discovery.token_url().map_err(DeviceError::Failed)?;
    let deadline = authorization.deadline();
    let mut interval = Duration::from_secs(authorization.interval)
        .max(timing.min_interval)
        .min(MAX_INTERVAL);
    let mut next_wait = interval;
    let mut hiccups = 0u32;
    let device_code = authorization.device_code.expose_secret();
    let form = [
        ("grant_type", DEVICE_CODE_GRANT),
        ("device_code", device_code),
        ("client_id", client_id),
    ];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(DeviceError::Expired);
        }
        // The last poll happens right at the deadline, not after it.
        tokio::time::sleep(next_wait.min(deadline - now)).await;
        let err = match request_tokens(http, Call::DevicePoll, &token_url, &form).await {
            Ok(tokens) => return Ok(tokens),
            Err(e) => e,
        };
        next_wait = interval;
        match poll_outcome(err)? {
            PollStep::Pending => hiccups = 0,
            PollStep::SlowDown => {
                hiccups = 0;
                interval = (interval + timing.slow_down_step).min(MAX_INTERVAL);
                next_wait = interval;
                tracing::debug!(
                    interval_ms = interval.as_millis() as u64,
                    "device login: slow_down"
                );
            }
            PollStep::Hiccup(e) => {
                hiccups += 1;
                tracing::debug!(error = %e.log_line(), hiccups, "device login: poll failed, backing off");
                if hiccups > MAX_POLL_HICCUPS {
                    return Err(DeviceError::Failed(e));
                }
                // Back off for this wait only: the server did not ask to slow down for good.
                next_wait = (interval * 2u32.pow(hiccups)).min(MAX_INTERVAL);
            }
        }
    }
}

/// `grant_type=refresh_token`. ZITADEL rotates the refresh token; a `None` in the answer
/// means keep the old one.
pub async fn refresh(
    http: &Http,
    discovery: &Discovery,
    client_id: &str,
    refresh_token: &SecretString,
) -> Result<TokenSet, ApiError> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose_secret()),
        ("client_id", client_id),
    ];
    request_tokens(http, Call::Refresh, &discovery.token_url()?, &form).await
}

/// RFC 7009 revocation. An unknown or already revoked token is success (200) by the RFC.
pub async fn revoke(
    http: &Http,
    discovery: &Discovery,
    client_id: &str,
    token: &SecretString,
) -> Result<(), ApiError> {
    let url = discovery.revocation_url()?;
    let form = [("token", token.expose_secret()), ("client_id", client_id)];
    http.send_expecting_no_answer(Request::new(Call::Revocation, Method::POST, &url).body(Body::Form(&form)))
        .await
}

/// Who the access token belongs to (`/oidc/v1/userinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserInfo {
    pub sub: String,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl UserInfo {
    /// The best name to show: the full name, else the username, else the subject.
    pub fn display_name(&self) -> &str {
        [self.name.as_deref(), self.preferred_username.as_deref()]
            .into_iter()
            .flatten()
            .find(|n| !n.trim().is_empty())
            .unwrap_or(&self.sub)
    }
}

/// `GET userinfo_endpoint` with the access token.
pub async fn userinfo(
    http: &Http,
    discovery: &Discovery,
    access_token: &SecretString,
) -> Result<UserInfo, ApiError> {
    let url = discovery.userinfo_url()?;
    http.send(Request::new(Call::UserInfo, Method::GET, &url).bearer(access_token))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;

    fn oauth(error: &str) -> ApiError {
        ApiError::from_oauth_response(
            Call::DevicePoll,
            400,
            format!(r#"{{"error":"{error}","error_description":"d"}}"#).as_bytes(),
        )
    }

    #[test]
    fn poll_errors_are_classified_by_the_oauth_error() {
        assert_eq!(
            poll_outcome(oauth("authorization_pending")),
            Ok(PollStep::Pending)
        );
        assert_eq!(poll_outcome(oauth("slow_down")), Ok(PollStep::SlowDown));
        assert_eq!(poll_outcome(oauth("access_denied")), Err(DeviceError::Denied));
        assert_eq!(poll_outcome(oauth("expired_token")), Err(DeviceError::Expired));
        assert!(matches!(
            poll_outcome(oauth("invalid_grant")),
            Err(DeviceError::Failed(ApiError::Unauthenticated(_)))
        ));
        let unavailable = ApiError::Unavailable(Status {
            http: 503,
            ..Status::default()
        });
        assert!(matches!(poll_outcome(unavailable), Ok(PollStep::Hiccup(_))));
    }

    #[test]
    fn a_refused_or_expired_device_login_means_not_signed_in() {
        for e in [DeviceError::Denied, DeviceError::Expired] {
            assert_eq!(e.exit_code(), 4);
        }
    }

    #[test]
    fn device_authorization_defaults_the_interval_and_hides_the_device_code() {
        let a: DeviceAuthorization = serde_json::from_str(
            r#"{"device_code":"dc-secret","user_code":"ABCD-EFGH","verification_uri":"https://x/device","expires_in":300}"#,
        )
        .unwrap();
        assert_eq!(a.interval, 5);
        assert_eq!(a.best_uri(), "https://x/device");
        assert!(!format!("{a:?}").contains("dc-secret"));
    }

    #[test]
    fn token_sets_never_debug_their_tokens() {
        let r: TokenResponse = serde_json::from_str(
            r#"{"access_token":"at-secret","refresh_token":"rt-secret","expires_in":60,"token_type":"Bearer"}"#,
        )
        .unwrap();
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let set = r.into_set(now);
        assert_eq!(
            set.expires_at,
            Some(Timestamp::from_second(1_700_000_060).unwrap())
        );
        let dbg = format!("{set:?}");
        assert!(!dbg.contains("secret"), "{dbg}");
    }

    fn document(issuer: &str, token: &str) -> Discovery {
        Discovery {
            issuer: issuer.into(),
            token_endpoint: token.into(),
            device_authorization_endpoint: Some("https://acme.example/oauth/v2/device_authorization".into()),
            revocation_endpoint: Some("https://acme.example/oauth/v2/revoke".into()),
            userinfo_endpoint: Some("https://acme.example/oidc/v1/userinfo".into()),
        }
    }

    fn refusal(d: &Discovery, issuer: &str) -> Option<NotSent> {
        match d.check(&Url::parse(issuer).unwrap()) {
            Ok(()) => None,
            Err(ApiError::NotSent(n)) => Some(n),
            Err(other) => panic!("{other:?}"),
        }
    }

    /// ZITADEL names its issuer without the trailing slash; the configured URL may have one,
    /// an explicit default port, or capitals: still the same instance.
    #[test]
    fn the_instances_own_document_is_accepted_however_the_url_is_written() {
        let d = document("https://acme.example", "https://acme.example/oauth/v2/token");
        for configured in [
            "https://acme.example/",
            "https://ACME.example:443",
            "https://acme.example",
        ] {
            assert_eq!(refusal(&d, configured), None, "{configured}");
        }
    }

    /// Without the issuer check, a document served at the configured URL but speaking for
    /// another instance would be used; the refusal names both.
    #[test]
    fn a_document_for_another_issuer_is_refused_naming_both() {
        for issuer in [
            "https://evil.example",
            "http://acme.example",
            "",
            "not a url",
            "https://u:pw@acme.example",
        ] {
            let d = document(issuer, "https://acme.example/oauth/v2/token");
            let e = refusal(&d, "https://acme.example/");
            assert!(
                matches!(e, Some(NotSent::ForeignIssuer { .. })),
                "{issuer}: {e:?}"
            );
            let text = e.map(|e| e.to_string()).unwrap_or_default();
            assert!(
                text.contains("https://acme.example") && !text.contains("pw"),
                "{text}"
            );
        }
    }

    /// Without the origin check, the token endpoint (or any other) could send the device
    /// code, a refresh token or an access token to another host, port or scheme.
    #[test]
    fn an_endpoint_on_another_origin_is_refused_naming_it() {
        for token in [
            "https://evil.example/oauth/v2/token",
            "http://acme.example/oauth/v2/token",
            "https://acme.example:8443/oauth/v2/token",
            "https://acme.example.evil.example/oauth/v2/token",
            "https://user:pw@acme.example/oauth/v2/token",
        ] {
            let e = refusal(&document("https://acme.example", token), "https://acme.example");
            assert!(
                matches!(
                    &e,
                    Some(NotSent::ForeignEndpoint {
                        name: "token_endpoint",
                        ..
                    })
                ),
                "{token}: {e:?}"
            );
            let text = e.map(|e| e.to_string()).unwrap_or_default();
            assert!(text.contains("token_endpoint") && !text.contains("pw"), "{text}");
        }
        let mut d = document("https://acme.example", "https://acme.example/oauth/v2/token");
        d.userinfo_endpoint = Some("https://evil.example/userinfo".into());
        assert!(matches!(
            refusal(&d, "https://acme.example"),
            Some(NotSent::ForeignEndpoint {
                name: "userinfo_endpoint",
                ..
            })
        ));
    }

    #[test]
    fn display_name_prefers_the_full_name() {
        let mut u = UserInfo {
            sub: "1".into(),
            preferred_username: Some("ada".into()),
            name: Some("Ada Lovelace".into()),
        };
        assert_eq!(u.display_name(), "Ada Lovelace");
        u.name = None;
        assert_eq!(u.display_name(), "ada");
        u.preferred_username = Some(" ".into());
        assert_eq!(u.display_name(), "1");
    }
}
