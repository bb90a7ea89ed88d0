//! `zitadesk login` and `zitadesk logout`: the device authorization grant for an agent at a
//! terminal (often over SSH). zitadesk shows a URL, a code and a QR code for a phone, and waits;
//! it never opens a browser. Tokens go to the profile's 0600 file in the state directory.
//! Nothing here prints a token.

use std::io::Write;

use reqwest::Url;
use secrecy::SecretString;

use super::exit::CliError;
use super::messages::api_error;
use crate::api::auth::Credentials;
use crate::api::http::Http;
use crate::api::oidc::{self, DEVICE_SCOPE, DeviceAuthorization, DeviceError, PollTiming};
use crate::settings::Settings;
use crate::text::sanitize;
use crate::token_store::{StoredTokens, TokenStore, validate_profile};

/// Exit status after Ctrl-C (128 + SIGINT), as shells expect.
const INTERRUPTED: u8 = 128 + 2;

/// Signs in `profile` at `settings.url` as the native app `client_id` and stores the tokens.
pub async fn login(
    settings: &Settings,
    profile: &str,
    client_id: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let http = Http::new(settings.connect_timeout, settings.request_timeout)?;
    let store = store_for(settings);
    run_login(
        &http,
        &settings.url,
        &store,
        profile,
        client_id,
        PollTiming::default(),
        out,
    )
    .await
    .map(|_| ())
}

/// Revokes the profile's stored tokens at ZITADEL and deletes them. The file is deleted even
/// when revoking fails; that failure is then the error (the tokens stay valid at ZITADEL until
/// they expire).
pub async fn logout(
    settings: &Settings,
    profile: &str,
    client_id: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let http = Http::new(settings.connect_timeout, settings.request_timeout)?;
    let store = store_for(settings);
    run_logout(&http, &settings.url, &store, profile, client_id, out).await
}

/// The store of the profile's device credentials, else the default one.
fn store_for(settings: &Settings) -> TokenStore {
    match &settings.credentials {
        Credentials::Device(d) => d.store.clone(),
        _ => TokenStore::default_location(),
    }
}

/// [`login`] with every part explicit (tests use a temporary store and quick polling).
/// Returns what was stored.
pub async fn run_login(
    http: &Http,
    issuer: &Url,
    store: &TokenStore,
    profile: &str,
    client_id: &str,
    timing: PollTiming,
    out: &mut impl Write,
) -> Result<StoredTokens, CliError> {
    validate_profile(profile).map_err(|e| CliError::usage(e.to_string()))?;
    if client_id.trim().is_empty() {
        return Err(CliError::usage(format!(
            "profile {profile} has no client ID for device login: set auth = {{ device = {{ client_id = \"…\" }} }} in its config"
        )));
    }
    // Fail before the agent scans anything if the tokens could not be stored.
    let path = store.path(profile).map_err(|e| CliError::other(e.to_string()))?;
    let discovery = oidc::discover(http, issuer).await?;
    let authorization = oidc::start_device(http, &discovery, client_id, DEVICE_SCOPE).await?;
    write_instructions(out, profile, &authorization).map_err(io_error)?;

    let polled = tokio::select! {
        r = oidc::poll_device(http, &discovery, client_id, &authorization, timing) => r,
        _ = tokio::signal::ctrl_c() => {
            return Err(CliError {
                code: INTERRUPTED,
                message: "sign-in cancelled; nothing was stored".into(),
            });
        }
    };
    let tokens = polled?;

    let who = match oidc::userinfo(http, &discovery, &tokens.access_token).await {
        Ok(u) => Some(u),
        Err(e) => {
            tracing::warn!(error = %e.log_line(), "device login: userinfo failed");
            writeln!(
                out,
                "Note: could not read who signed in ({}); the sign-in still works.",
                sanitize(&api_error(&e))
            )
            .map_err(io_error)?;
            None
        }
    };
    let has_refresh = tokens.refresh_token.is_some();
    let stored = StoredTokens {
        issuer: issuer.as_str().trim_end_matches('/').to_string(),
        client_id: client_id.to_string(),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: tokens.expires_at,
        subject: who.as_ref().map(|u| u.sub.clone()),
        name: who.as_ref().map(|u| u.display_name().to_string()),
    };
    store
        .save(profile, &stored)
        .map_err(|e| CliError::other(e.to_string()))?;

    let who_text = match &who {
        Some(u) => format!("{} ({})", sanitize(u.display_name()), sanitize(&u.sub)),
        None => "an unknown user".to_string(),
    };
    writeln!(
        out,
        "Signed in as {who_text} for profile {profile}; tokens stored in {}",
        crate::text::display_path(&path)
    )
    .map_err(io_error)?;
    if !has_refresh {
        writeln!(
            out,
            "Note: ZITADEL issued no refresh token (enable the refresh token grant for the app): \
             run `zitadesk login --profile {profile}` again when this sign-in expires."
        )
        .map_err(io_error)?;
    }
    Ok(stored)
}

/// [`logout`] with every part explicit.
pub async fn run_logout(
    http: &Http,
    issuer: &Url,
    store: &TokenStore,
    profile: &str,
    client_id: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    validate_profile(profile).map_err(|e| CliError::usage(e.to_string()))?;
    let path = store.path(profile).map_err(|e| CliError::other(e.to_string()))?;
    let stored = match store.load(profile) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            writeln!(out, "Not signed in for profile {profile}; nothing to sign out.").map_err(io_error)?;
            return Ok(());
        }
        // A damaged file cannot be revoked, but it can still go.
        Err(e) => {
            writeln!(out, "{}", sanitize(&e.to_string())).map_err(io_error)?;
            None
        }
    };
    let failures = match &stored {
        Some(t) => revoke_all(http, issuer, client_id, t).await,
        None => vec!["the tokens could not be read, so they were not revoked".to_string()],
    };
    store
        .delete(profile)
        .map_err(|e| CliError::other(e.to_string()))?;
    if failures.is_empty() {
        writeln!(
            out,
            "Signed out of profile {profile}: tokens revoked at ZITADEL and {} deleted.",
            crate::text::display_path(&path)
        )
        .map_err(io_error)?;
        return Ok(());
    }
    writeln!(
        out,
        "Signed out of profile {profile} on this machine: {} deleted.",
        crate::text::display_path(&path)
    )
    .map_err(io_error)?;
    Err(CliError::other(format!(
        "{} — they stay valid at ZITADEL until they expire",
        failures.join("; ")
    )))
}

/// Revokes the refresh token, then the access token; returns what failed.
async fn revoke_all(http: &Http, issuer: &Url, client_id: &str, t: &StoredTokens) -> Vec<String> {
    // Revoke where the tokens came from, as the app they were issued to.
    let issuer = Url::parse(&t.issuer).unwrap_or_else(|_| issuer.clone());
    let client_id = if t.client_id.is_empty() {
        client_id
    } else {
        t.client_id.as_str()
    };
    let discovery = match oidc::discover(http, &issuer).await {
        Ok(d) => d,
        Err(e) => return vec![format!("could not revoke the tokens: {}", api_error(&e))],
    };
    let mut tokens: Vec<(&str, &SecretString)> = Vec::new();
    if let Some(r) = &t.refresh_token {
        tokens.push(("refresh token", r));
    }
    tokens.push(("access token", &t.access_token));
    let mut failures = Vec::new();
    for (what, token) in tokens {
        if let Err(e) = oidc::revoke(http, &discovery, client_id, token).await {
            tracing::warn!(error = %e.log_line(), what, "logout: revoke failed");
            failures.push(format!("could not revoke the {what}: {}", api_error(&e)));
        }
    }
    failures
}

fn write_instructions(out: &mut impl Write, profile: &str, a: &DeviceAuthorization) -> std::io::Result<()> {
    writeln!(out, "Sign in to ZITADEL as yourself (profile {profile}).")?;
    writeln!(out)?;
    writeln!(out, "  Open:  {}", sanitize(&a.verification_uri))?;
    writeln!(out, "  Code:  {}", sanitize(&a.user_code))?;
    if let Some(complete) = a.verification_uri_complete.as_deref().filter(|u| !u.is_empty()) {
        writeln!(out, "  (or open {}, which fills in the code)", sanitize(complete))?;
    }
    if let Some(qr) = qr_code(a.best_uri()) {
        writeln!(out)?;
        writeln!(out, "Or scan this with your phone:")?;
        writeln!(out)?;
        writeln!(out, "{qr}")?;
    }
    writeln!(out)?;
    let minutes = a.expires_in.div_ceil(60);
    writeln!(
        out,
        "Waiting for approval… (Ctrl-C cancels; the code expires in {minutes} min)"
    )?;
    out.flush()
}

/// The URL as a QR code of half blocks (two modules per character), quiet zone included.
/// Light modules are drawn as blocks, so the code reads correctly on the usual dark terminal.
pub fn qr_code(data: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

impl From<DeviceError> for CliError {
    fn from(e: DeviceError) -> Self {
        match e {
            DeviceError::Failed(api) => {
                let mut err = CliError::from(api);
                err.message = format!("sign-in failed: {}", err.message);
                err
            }
            other => CliError {
                code: other.exit_code(),
                message: super::messages::device_error(&other),
            },
        }
    }
}

fn io_error(e: std::io::Error) -> CliError {
    CliError::other(format!("cannot write to the terminal: {e}"))
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};
    use std::path::PathBuf;
    use std::time::Duration;

    use secrecy::ExposeSecret;

    use super::*;
    use crate::demo::{DEMO_CLIENT_ID, DEVICE_USER_ID, DemoConfig, DemoServer, DeviceApproval};

    const QUICK: PollTiming = PollTiming {
        min_interval: Duration::ZERO,
        slow_down_step: Duration::from_secs(5),
    };

    async fn demo(device: DeviceApproval) -> DemoServer {
        let config = DemoConfig {
            generated_users: 0,
            device,
            device_poll_interval: Duration::from_millis(10),
            ..DemoConfig::default()
        };
        DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
            .await
            .unwrap()
    }

    fn temp_store(name: &str) -> (PathBuf, TokenStore) {
        let base = std::env::temp_dir().join(format!(
            "zitadesk-login-{name}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        (base.clone(), TokenStore::new(base.join("tokens")))
    }

    fn http() -> Http {
        Http::new(Duration::from_secs(5), Duration::from_secs(10)).unwrap()
    }

    #[test]
    fn the_qr_code_is_half_blocks_with_a_quiet_zone() {
        let qr = qr_code("http://127.0.0.1:8080/device?user_code=ABCD-EFGH").unwrap();
        let lines: Vec<&str> = qr.lines().collect();
        assert!(lines.len() > 10);
        assert!(qr.chars().all(|c| matches!(c, ' ' | '▀' | '▄' | '█' | '\n')));
        // Light modules are blocks: the quiet zone makes the first line all blocks.
        assert!(lines[0].chars().all(|c| c == '█'), "{}", lines[0]);
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width));
    }

    #[tokio::test]
    async fn login_prints_url_code_and_qr_then_stores_the_tokens() {
        let demo = demo(DeviceApproval::AutoApproveAfter(Duration::from_millis(200))).await;
        let (base, store) = temp_store("login");
        let issuer: Url = demo.url().parse().unwrap();
        let mut out = Vec::new();
        let stored = run_login(&http(), &issuer, &store, "acme", DEMO_CLIENT_ID, QUICK, &mut out)
            .await
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let path = store.path("acme").unwrap();
        assert!(text.contains(&format!("{}/device", demo.url())), "{text}");
        assert!(text.contains("Code:  "), "{text}");
        assert!(text.contains('▀') || text.contains('▄'), "a QR code: {text}");
        assert!(text.contains("Waiting for approval… (Ctrl-C cancels"), "{text}");
        assert!(
            text.contains(&format!(
                "({DEVICE_USER_ID}) for profile acme; tokens stored in {}",
                crate::text::display_path(&path)
            )),
            "{text}"
        );
        assert!(
            !text.contains(stored.access_token.expose_secret())
                && !text.contains(stored.refresh_token.as_ref().unwrap().expose_secret()),
            "no token is printed"
        );
        let back = store.load("acme").unwrap().unwrap();
        assert_eq!(back.subject.as_deref(), Some(DEVICE_USER_ID));
        assert_eq!(back.issuer, demo.url());
        assert_eq!(back.client_id, DEMO_CLIENT_ID);
        let _ = std::fs::remove_dir_all(base);
    }

    #[tokio::test]
    async fn a_declined_login_stores_nothing() {
        let demo = demo(DeviceApproval::Deny).await;
        let (base, store) = temp_store("denied");
        let issuer: Url = demo.url().parse().unwrap();
        let err = run_login(
            &http(),
            &issuer,
            &store,
            "acme",
            DEMO_CLIENT_ID,
            QUICK,
            &mut Vec::new(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, 4);
        assert!(err.message.contains("declined"), "{}", err.message);
        assert!(store.load("acme").unwrap().is_none());
        let _ = std::fs::remove_dir_all(base);
    }

    #[tokio::test]
    async fn logout_revokes_and_deletes() {
        let demo = demo(DeviceApproval::AutoApproveAfter(Duration::ZERO)).await;
        let (base, store) = temp_store("logout");
        let issuer: Url = demo.url().parse().unwrap();
        let stored = run_login(
            &http(),
            &issuer,
            &store,
            "acme",
            DEMO_CLIENT_ID,
            QUICK,
            &mut Vec::new(),
        )
        .await
        .unwrap();
        demo.clear_requests();
        let mut out = Vec::new();
        run_logout(&http(), &issuer, &store, "acme", DEMO_CLIENT_ID, &mut out)
            .await
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Signed out of profile acme: tokens revoked"),
            "{text}"
        );
        assert!(store.load("acme").unwrap().is_none());
        let revokes: Vec<_> = demo
            .requests()
            .into_iter()
            .filter(|r| r.path == "/oauth/v2/revoke")
            .collect();
        assert_eq!(revokes.len(), 2);
        // The refresh token is dead at the server.
        let disc = oidc::discover(&http(), &issuer).await.unwrap();
        let refresh = stored.refresh_token.unwrap();
        let err = oidc::refresh(&http(), &disc, DEMO_CLIENT_ID, &refresh)
            .await
            .unwrap_err();
        assert_eq!(err.zitadel_id(), Some("invalid_grant"));
        // A second logout has nothing to do.
        let mut out = Vec::new();
        run_logout(&http(), &issuer, &store, "acme", DEMO_CLIENT_ID, &mut out)
            .await
            .unwrap();
        assert!(String::from_utf8(out).unwrap().contains("Not signed in"));
        let _ = std::fs::remove_dir_all(base);
    }

    #[tokio::test]
    async fn logout_deletes_even_when_revoking_fails() {
        let demo = demo(DeviceApproval::AutoApproveAfter(Duration::ZERO)).await;
        let (base, store) = temp_store("logout-offline");
        let issuer: Url = demo.url().parse().unwrap();
        run_login(
            &http(),
            &issuer,
            &store,
            "acme",
            DEMO_CLIENT_ID,
            QUICK,
            &mut Vec::new(),
        )
        .await
        .unwrap();
        demo.shutdown().await;
        let mut out = Vec::new();
        let err = run_logout(&http(), &issuer, &store, "acme", DEMO_CLIENT_ID, &mut out)
            .await
            .unwrap_err();
        assert!(err.message.contains("stay valid"), "{}", err.message);
        assert!(String::from_utf8(out).unwrap().contains("deleted"));
        assert!(store.load("acme").unwrap().is_none());
        let _ = std::fs::remove_dir_all(base);
    }

    #[tokio::test]
    async fn a_bad_profile_name_is_a_usage_error_before_anything_is_sent() {
        let (_, store) = temp_store("bad");
        let issuer: Url = "http://127.0.0.1:9".parse().unwrap();
        let err = run_login(
            &http(),
            &issuer,
            &store,
            "../etc",
            DEMO_CLIENT_ID,
            QUICK,
            &mut Vec::new(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, super::super::exit::USAGE);
    }
}
