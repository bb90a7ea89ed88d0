//! Credentials and access tokens: a personal access token is used as it is; a service-user key
//! (ZITADEL's JSON key file) is turned into an RS256 JWT and exchanged at `/oauth/v2/token`
//! (JWT profile grant). The token is cached, fetched again shortly before it expires, and
//! fetched again once when the API answers 401. Device login (`zitadesk login`) stores tokens
//! per profile; they are used while fresh and refreshed with the refresh token (which ZITADEL
//! rotates: the new one is saved at once). Several processes share a profile's sign-in: the
//! refresh runs under the token file's lock, after re-reading the file, so only one of them
//! spends the refresh token and the others take what it stored.
//!
//! No type here prints a secret: tokens and keys are `SecretString`s, and the `Debug` of every
//! type that holds one is redacted.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::{ApiError, Call, NotSent};
use super::http::{Http, serde_error_without_content};
use super::oidc::{self, Discovery};
use crate::token_store::{StoredTokens, TokenStore, TokenStoreError};

/// The scope every token request asks for: the audience must include ZITADEL's API project.
pub const API_SCOPE: &str = "openid urn:zitadel:iam:org:project:id:zitadel:aud";
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Lifetime of the signed assertion (ZITADEL refuses an `iat` older than one hour).
const ASSERTION_LIFETIME_SECS: i64 = 3600;
/// A cached token is replaced when less than this remains, so no call races its expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Why a service-user key cannot be used. Never quotes the key file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "this is an application key (clientId/appId): zitadesk needs a service-user key (type \"serviceaccount\")"
    )]
    ApplicationKey,
    /// Where the JSON went wrong (never what it said).
    #[error("not a ZITADEL service-user key (expected JSON with type, keyId, key, userId): {0}")]
    NotAKey(String),
    #[error("the key file lacks keyId or userId")]
    MissingIds,
    #[error("the key file's \"key\" is not an RSA private key in PEM form")]
    NotRsaPem,
    #[error("cannot read key file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("key file {path}: {problem}")]
    InFile { path: String, problem: Box<KeyError> },
    #[error("cannot sign the token request: {0}")]
    Sign(String),
}

/// A service user's key as ZITADEL hands it out (`type: serviceaccount`).
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceKey {
    #[serde(rename = "type", default)]
    pub key_type: String,
    pub key_id: String,
    pub user_id: String,
    key: SecretString,
}

impl ServiceKey {
    /// Reads a key from ZITADEL's JSON. Errors never quote the file's content.
    pub fn from_json(bytes: &[u8]) -> Result<Self, KeyError> {
        #[derive(Deserialize)]
        struct KeyType {
            #[serde(rename = "type", default)]
            key_type: String,
        }
        // Application keys (clientId/appId) lack userId: say what they are, not what is missing.
        if serde_json::from_slice::<KeyType>(bytes).is_ok_and(|k| k.key_type == "application") {
            return Err(KeyError::ApplicationKey);
        }
        let key: ServiceKey =
            serde_json::from_slice(bytes).map_err(|e| KeyError::NotAKey(serde_error_without_content(&e)))?;
        if key.key_id.is_empty() || key.user_id.is_empty() {
            return Err(KeyError::MissingIds);
        }
        jsonwebtoken::EncodingKey::from_rsa_pem(key.key.expose_secret().as_bytes())
            .map_err(|_| KeyError::NotRsaPem)?;
        Ok(key)
    }

    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let bytes = std::fs::read(path).map_err(|e| KeyError::Unreadable {
            path: crate::text::display_path(path),
            reason: e.to_string(),
        })?;
        Self::from_json(&bytes).map_err(|e| KeyError::InFile {
            path: crate::text::display_path(path),
            problem: Box::new(e),
        })
    }

    /// The signed assertion for the JWT profile grant: `kid` = keyId, `iss` = `sub` = userId,
    /// `aud` = the instance URL.
    pub fn assertion(&self, audience: &str, now: Timestamp) -> Result<String, KeyError> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            sub: &'a str,
            aud: &'a str,
            iat: i64,
            exp: i64,
        }
        // Err means another provider is already installed: fine, one is there.
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        let iat = now.as_second();
        let claims = Claims {
            iss: &self.user_id,
            sub: &self.user_id,
            aud: audience,
            iat,
            exp: iat + ASSERTION_LIFETIME_SECS,
        };
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(self.key_id.clone());
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(self.key.expose_secret().as_bytes())
            .map_err(|_| KeyError::NotRsaPem)?;
        jsonwebtoken::encode(&header, &claims, &key).map_err(|e| KeyError::Sign(e.to_string()))
    }
}

impl fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceKey")
            .field("key_id", &self.key_id)
            .field("user_id", &self.user_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// A personal access token (or any bearer token), sent as it is.
    Token(SecretString),
    /// A service-user key, exchanged for tokens.
    ServiceKey(ServiceKey),
    /// Tokens from `zitadesk login` (device authorization grant), stored per profile.
    Device(DeviceCredentials),
}

/// Which stored sign-in to use: the profile's tokens in the store, refreshed as the native
/// app `client_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCredentials {
    pub profile: String,
    pub client_id: String,
    pub store: TokenStore,
}

impl DeviceCredentials {
    /// The profile's sign-in in the default store (`{state dir}/tokens`).
    pub fn new(profile: impl Into<String>, client_id: impl Into<String>) -> Self {
        DeviceCredentials {
            profile: profile.into(),
            client_id: client_id.into(),
            store: TokenStore::default_location(),
        }
    }

    /// The stored tokens as they are on disk (for who-is-signed-in displays).
    pub fn load(&self) -> Result<Option<StoredTokens>, TokenStoreError> {
        self.store.load(&self.profile)
    }

    /// The error for "no usable sign-in": nothing is sent.
    pub fn not_signed_in(&self, why: &str, id: Option<String>) -> ApiError {
        ApiError::NotSent(NotSent::NotSignedIn {
            profile: crate::text::sanitize(&self.profile).into_owned(),
            reason: why.to_string(),
            id,
        })
    }
}

impl Credentials {
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(SecretString::from(token.into()))
    }

    /// Which kind, for `--help`-style messages and logs ("personal access token").
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::Token(_) => "access token",
            Credentials::ServiceKey(_) => "service-user key",
            Credentials::Device(_) => "device login",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Credentials::Token(<redacted>)"),
            Credentials::ServiceKey(k) => write!(f, "Credentials::ServiceKey({k:?})"),
            Credentials::Device(d) => write!(f, "Credentials::Device({d:?})"),
        }
    }
}

struct CachedToken {
    token: SecretString,
    /// `None`: the server gave no lifetime; keep it until a 401.
    expires_at: Option<Instant>,
}

/// What a device login holds in memory: the stored tokens and the issuer's endpoints.
#[derive(Default)]
struct DeviceState {
    tokens: Option<StoredTokens>,
    discovery: Option<Discovery>,
    /// The API answered 401 to the current access token: refresh before using it again.
    rejected: bool,
}

/// Which credentials a client uses and what they say about the caller (doctor, header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// [`Credentials::kind`].
    pub kind: &'static str,
    /// When the current access token expires, if known.
    pub expires_at: Option<Timestamp>,
    /// Who acts: the key's user ID, or the signed-in user's ID; `None` for an opaque token.
    pub subject: Option<String>,
    /// The signed-in user's name (device login only).
    pub name: Option<String>,
}

/// Hands out bearer tokens for the credentials, caching exchanged ones.
pub(crate) struct TokenSource {
    credentials: Credentials,
    cache: Mutex<Option<CachedToken>>,
    device: Mutex<DeviceState>,
    /// How long a device refresh waits for another process's lock on the token file: the
    /// request timeout, the longest an honest holder's refresh can take.
    lock_wait: Duration,
}

impl TokenSource {
    pub(crate) fn new(credentials: Credentials, lock_wait: Duration) -> Self {
        Self {
            credentials,
            cache: Mutex::new(None),
            device: Mutex::new(DeviceState::default()),
            lock_wait,
        }
    }

    /// Whether a 401 can be answered by fetching a new token (not for a fixed token).
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(
            self.credentials,
            Credentials::ServiceKey(_) | Credentials::Device(_)
        )
    }

    /// Drops the cached token so the next call exchanges the key again (or, for a device
    /// login, refreshes). A key's token is dropped only while it is still the `rejected` one:
    /// concurrent calls refused with the same token then share one new token instead of
    /// exchanging the key once each.
    pub(crate) async fn invalidate(&self, rejected: &SecretString) {
        let mut cache = self.cache.lock().await;
        if cache
            .as_ref()
            .is_none_or(|c| c.token.expose_secret() == rejected.expose_secret())
        {
            *cache = None;
        }
        drop(cache);
        self.device.lock().await.rejected = true;
    }

    /// The kind of credentials, and — after obtaining a token — its expiry and subject.
    pub(crate) async fn token_info(&self, http: &Http, issuer: &reqwest::Url) -> Result<TokenInfo, ApiError> {
        let kind = self.credentials.kind();
        match &self.credentials {
            Credentials::Token(token) => {
                // A personal access token is opaque: userinfo proves it works and names its
                // user. An instance without a userinfo endpoint leaves the name unknown.
                let discovery = oidc::discover(http, issuer).await?;
                let who = if discovery.userinfo_endpoint.is_some() {
                    Some(oidc::userinfo(http, &discovery, token).await?)
                } else {
                    None
                };
                Ok(TokenInfo {
                    kind,
                    expires_at: None,
                    name: who.as_ref().map(|u| u.display_name().to_string()),
                    subject: who.map(|u| u.sub),
                })
            }
            Credentials::ServiceKey(k) => {
                self.bearer(http, issuer).await?;
                let expires_at = self.cache.lock().await.as_ref().and_then(|c| c.expires_at);
                Ok(TokenInfo {
                    kind,
                    expires_at: expires_at.and_then(|at| {
                        Timestamp::now()
                            .saturating_add(at.saturating_duration_since(Instant::now()))
                            .ok()
                    }),
                    subject: Some(k.user_id.clone()),
                    name: None,
                })
            }
            Credentials::Device(_) => {
                self.bearer(http, issuer).await?;
                let state = self.device.lock().await;
                let tokens = state.tokens.as_ref();
                Ok(TokenInfo {
                    kind,
                    expires_at: tokens.and_then(|t| t.expires_at),
                    subject: tokens.and_then(|t| t.subject.clone()),
                    name: tokens.and_then(|t| t.name.clone()),
                })
            }
        }
    }

    /// A token valid for at least [`REFRESH_MARGIN`] (or one without a known expiry).
    pub(crate) async fn bearer(&self, http: &Http, issuer: &reqwest::Url) -> Result<SecretString, ApiError> {
        let key = match &self.credentials {
            Credentials::Token(t) => return Ok(t.clone()),
            Credentials::ServiceKey(k) => k,
            Credentials::Device(d) => return self.device_bearer(http, issuer, d).await,
        };
        // Held across the exchange so concurrent calls wait for one exchange, not start many.
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref() {
            let fresh = c
                .expires_at
                .is_none_or(|at| at.saturating_duration_since(Instant::now()) > REFRESH_MARGIN);
            if fresh {
                return Ok(c.token.clone());
            }
        }
        let fetched = exchange_key(http, issuer, key).await?;
        let token = fetched.token.clone();
        *cache = Some(fetched);
        Ok(token)
    }
}

impl TokenSource {
    /// The stored access token while fresh; else the refresh grant, with the rotated tokens
    /// saved at once (the old refresh token is spent).
    async fn device_bearer(
        &self,
        http: &Http,
        issuer: &reqwest::Url,
        d: &DeviceCredentials,
    ) -> Result<SecretString, ApiError> {
        let issuer_id = issuer.as_str().trim_end_matches('/');
        // Held across the refresh: one refresh per process, not one per concurrent call.
        let mut state = self.device.lock().await;
        let current = match state.tokens.take() {
            Some(t) => t,
            None => {
                state.rejected = false;
                load_device_tokens(d, issuer_id)?
            }
        };
        if !state.rejected && is_fresh(current.expires_at) {
            let token = current.access_token.clone();
            state.tokens = Some(current);
            return Ok(token);
        }
        // Another zitadesk (a second console) may have refreshed already: a cheap look before
        // discovery and the lock (which look again, for certain).
        if let Ok(Some(disk)) = d.store.load(&d.profile)
            && same_login(&disk, issuer_id, d)
            && disk.access_token.expose_secret() != current.access_token.expose_secret()
            && is_fresh(disk.expires_at)
        {
            state.rejected = false;
            let token = disk.access_token.clone();
            state.tokens = Some(disk);
            return Ok(token);
        }
        // Put the tokens back before a failure returns, so the next call does not reload.
        state.tokens = Some(current.clone());
        let discovery = match state.discovery.clone() {
            Some(disc) => disc,
            None => {
                let disc = oidc::discover(http, issuer).await?;
                state.discovery = Some(disc.clone());
                disc
            }
        };
        // The refresh spends the old refresh token, so it runs to the end (saving the rotated
        // one, then unlocking) even if this call is dropped, e.g. a search superseded in the
        // console.
        let job = tokio::spawn(refresh_under_lock(
            http.clone(),
            discovery,
            d.clone(),
            issuer_id.to_string(),
            current,
            self.lock_wait,
        ));
        let rotated = job
            .await
            .map_err(|e| ApiError::Credentials(format!("the token refresh stopped: {e}")))??;
        state.rejected = false;
        let token = rotated.access_token.clone();
        state.tokens = Some(rotated);
        Ok(token)
    }
}

/// Read → refresh → write under the profile's file lock, so that of several zitadesk
/// processes only one spends the (single-use) refresh token. The file is read again once the
/// lock is held: if another process refreshed while this one waited, its tokens are used and
/// nothing is sent.
async fn refresh_under_lock(
    http: Http,
    discovery: Discovery,
    d: DeviceCredentials,
    issuer: String,
    held: StoredTokens,
    lock_wait: Duration,
) -> Result<StoredTokens, ApiError> {
    let _lock = d
        .store
        .lock_within(&d.profile, lock_wait)
        .await
        .map_err(|e| ApiError::Credentials(e.to_string()))?;
    // Signed out, or signed in elsewhere, meanwhile: the file says so, not our memory.
    let disk = load_device_tokens(&d, &issuer)?;
    let current = match pick_after_lock(held, disk) {
        AfterLock::TakeStored(tokens) => {
            tracing::debug!(profile = %d.profile, "device login: another process refreshed first");
            return Ok(tokens);
        }
        AfterLock::Refresh(tokens) => tokens,
    };
    let Some(refresh_token) = current.refresh_token.clone() else {
        return Err(d.not_signed_in("the sign-in has expired (no refresh token)", None));
    };
    let rotated = refresh_and_save(&http, &discovery, &d, &issuer, current, refresh_token).await?;
    tracing::debug!(profile = %d.profile, "device login: tokens refreshed");
    Ok(rotated)
}

/// What the token file, read under the lock, says to do.
enum AfterLock {
    /// Another process stored fresh tokens: use them, send nothing.
    TakeStored(StoredTokens),
    /// Refresh these (their refresh token is the live one).
    Refresh(StoredTokens),
}

/// `held` is what this process used (expiring, or refused by the API); `disk` is the file as
/// it is now. Different and fresh on disk: another process refreshed. Otherwise the newer of
/// the two is refreshed: that is the file, unless this process's own save failed (then its
/// memory holds the successor of the spent token on disk).
fn pick_after_lock(held: StoredTokens, disk: StoredTokens) -> AfterLock {
    if disk.access_token.expose_secret() == held.access_token.expose_secret() {
        return AfterLock::Refresh(disk);
    }
    if is_fresh(disk.expires_at) {
        return AfterLock::TakeStored(disk);
    }
    match (held.expires_at, disk.expires_at) {
        (Some(mine), Some(stored)) if mine > stored => AfterLock::Refresh(held),
        _ => AfterLock::Refresh(disk),
    }
}

/// The refresh grant, then the rotated tokens saved at once. A refusal means the sign-in is
/// over (expired, revoked): the agent must log in again.
async fn refresh_and_save(
    http: &Http,
    discovery: &Discovery,
    d: &DeviceCredentials,
    issuer: &str,
    current: StoredTokens,
    refresh_token: SecretString,
) -> Result<StoredTokens, ApiError> {
    let fresh = match oidc::refresh(http, discovery, &d.client_id, &refresh_token).await {
        Ok(set) => set,
        Err(ApiError::Unauthenticated(s)) => {
            // Under the lock only a writer that takes none (`zitadesk login` signing in
            // afresh) can have replaced the file since it was read: use its tokens.
            if let Ok(Some(disk)) = d.store.load(&d.profile)
                && same_login(&disk, issuer, d)
                && disk
                    .refresh_token
                    .as_ref()
                    .is_some_and(|r| r.expose_secret() != refresh_token.expose_secret())
            {
                tracing::debug!(profile = %d.profile, "device login: signed in afresh meanwhile");
                return Ok(disk);
            }
            tracing::info!(profile = %d.profile, error = ?s.id, "device login: refresh refused");
            return Err(d.not_signed_in("the sign-in has expired or was revoked", s.id));
        }
        Err(e) => return Err(e),
    };
    let rotated = StoredTokens {
        access_token: fresh.access_token,
        refresh_token: fresh.refresh_token.or(current.refresh_token),
        expires_at: fresh.expires_at,
        ..current
    };
    if let Err(e) = d.store.save(&d.profile, &rotated) {
        // The new tokens work for this run; the next run will have to sign in again.
        tracing::warn!(profile = %d.profile, "cannot save the refreshed tokens: {e}");
    }
    Ok(rotated)
}

/// Whether a token with this expiry can still be sent (unknown expiry: until a 401).
fn is_fresh(expires_at: Option<Timestamp>) -> bool {
    expires_at.is_none_or(|at| {
        at.duration_since(Timestamp::now())
            .as_secs()
            .try_into()
            .is_ok_and(|secs: u64| secs > REFRESH_MARGIN.as_secs())
    })
}

/// Whether stored tokens belong to this instance and app.
fn same_login(t: &StoredTokens, issuer: &str, d: &DeviceCredentials) -> bool {
    t.issuer.trim_end_matches('/') == issuer && t.client_id == d.client_id
}

fn load_device_tokens(d: &DeviceCredentials, issuer: &str) -> Result<StoredTokens, ApiError> {
    let tokens = d
        .store
        .load(&d.profile)
        .map_err(|e| ApiError::Credentials(e.to_string()))?
        .ok_or_else(|| d.not_signed_in("no stored sign-in", None))?;
    if !same_login(&tokens, issuer, d) {
        return Err(d.not_signed_in(
            &format!(
                "the stored sign-in is for {} (client {}), not {issuer} (client {})",
                crate::text::sanitize(&tokens.issuer),
                crate::text::sanitize(&tokens.client_id),
                crate::text::sanitize(&d.client_id),
            ),
            None,
        ));
    }
    Ok(tokens)
}

/// The JWT profile grant at the issuer's token endpoint.
async fn exchange_key(http: &Http, issuer: &reqwest::Url, key: &ServiceKey) -> Result<CachedToken, ApiError> {
    let audience = issuer.as_str().trim_end_matches('/');
    let assertion = key
        .assertion(audience, Timestamp::now())
        .map_err(|e| ApiError::Credentials(e.to_string()))?;
    let url = issuer.join("oauth/v2/token").map_err(|e| {
        ApiError::NotSent(NotSent::Unprepared {
            call: Call::Token,
            reason: format!("cannot build the token URL: {e}"),
        })
    })?;
    let form = [
        ("grant_type", JWT_BEARER_GRANT),
        ("assertion", assertion.as_str()),
        ("scope", API_SCOPE),
    ];
    let started = Instant::now();
    let tokens = oidc::request_tokens(http, Call::Token, &url, &form).await?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "token exchanged"
    );
    // The lifetime counts from before the request, so the cache never outlives the token.
    let lifetime = tokens
        .expires_at
        .and_then(|at| Duration::try_from(at.duration_since(Timestamp::now())).ok());
    Ok(CachedToken {
        token: tokens.access_token,
        expires_at: lifetime.map(|left| Instant::now() + left),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_JSON: &str = include_str!("../../assets/demo-service-key.json");

    #[test]
    fn key_debug_and_errors_never_show_the_key() {
        let key = ServiceKey::from_json(KEY_JSON.as_bytes()).unwrap();
        let dbg = format!("{key:?} {:?}", Credentials::ServiceKey(key.clone()));
        assert!(!dbg.contains("PRIVATE"), "{dbg}");
        let tok = format!("{:?}", Credentials::token("s3cr3t-token"));
        assert!(!tok.contains("s3cr3t"), "{tok}");
        // A broken file: the message names the problem, not the content.
        let broken = KEY_JSON.replace("\"userId\"", "\"user\"");
        let err = ServiceKey::from_json(broken.as_bytes()).unwrap_err();
        let err = err.to_string();
        assert!(
            !err.contains("PRIVATE") && err.contains("missing or wrong fields"),
            "{err}"
        );
    }

    fn stored(access: &str, expires_in_secs: i64) -> StoredTokens {
        StoredTokens {
            issuer: "https://id.example.com".into(),
            client_id: "app".into(),
            access_token: SecretString::from(access.to_string()),
            refresh_token: Some(SecretString::from(format!("rt-of-{access}"))),
            expires_at: Some(Timestamp::now() + jiff::SignedDuration::from_secs(expires_in_secs)),
            subject: None,
            name: None,
        }
    }

    fn refreshed_access(after: AfterLock) -> Option<String> {
        match after {
            AfterLock::Refresh(t) => Some(t.access_token.expose_secret().to_string()),
            AfterLock::TakeStored(_) => None,
        }
    }

    /// What the file, re-read under the lock, decides: another process's fresh tokens are
    /// taken as they are; otherwise the newest tokens are refreshed (the file's, unless this
    /// process's own save failed and its memory is newer).
    #[test]
    fn after_the_lock_the_file_decides_whether_to_refresh() {
        // Nobody refreshed meanwhile: refresh.
        let after = pick_after_lock(stored("a1", 30), stored("a1", 30));
        assert_eq!(refreshed_access(after).as_deref(), Some("a1"));
        // Another process refreshed while this one waited: take its tokens, send nothing.
        match pick_after_lock(stored("a1", 30), stored("a2", 3600)) {
            AfterLock::TakeStored(t) => assert_eq!(t.access_token.expose_secret(), "a2"),
            AfterLock::Refresh(_) => panic!("refreshed although the file holds fresh tokens"),
        }
        // The file changed but expires too: its refresh token is the live one.
        let after = pick_after_lock(stored("a1", 10), stored("a2", 30));
        assert_eq!(refreshed_access(after).as_deref(), Some("a2"));
        // This process's save failed: its memory is newer than the (spent) file.
        let after = pick_after_lock(stored("a3", 30), stored("a2", -600));
        assert_eq!(refreshed_access(after).as_deref(), Some("a3"));
    }

    #[test]
    fn application_keys_are_refused_with_a_reason() {
        let app = r#"{"type":"application","keyId":"1","key":"x","appId":"2","clientId":"3"}"#;
        let err = ServiceKey::from_json(app.as_bytes()).unwrap_err();
        assert_eq!(err, KeyError::ApplicationKey);
        assert!(err.to_string().contains("application key"), "{err}");
    }

    #[test]
    fn assertion_carries_the_jwt_profile_claims() {
        let key = ServiceKey::from_json(KEY_JSON.as_bytes()).unwrap();
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let jwt = key.assertion("https://id.example.com", now).unwrap();
        let header = jsonwebtoken::decode_header(&jwt).unwrap();
        assert_eq!(header.kid.as_deref(), Some("demo-key-1"));
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        let pubkey =
            jsonwebtoken::DecodingKey::from_rsa_pem(include_bytes!("../../assets/demo-service-key.pub.pem"))
                .unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.set_audience(&["https://id.example.com"]);
        v.validate_exp = false;
        let data = jsonwebtoken::decode::<serde_json::Value>(&jwt, &pubkey, &v).unwrap();
        let c = data.claims;
        assert_eq!(c["iss"], "300000000000000900");
        assert_eq!(c["sub"], "300000000000000900");
        assert_eq!(c["iat"], 1_700_000_000);
        assert_eq!(c["exp"], 1_700_003_600);
    }
}
