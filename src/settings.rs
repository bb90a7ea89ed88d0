//! Flags and environment → one resolved [`Settings`], checked before anything is sent or the
//! terminal is touched. Each error names the setting and how to set it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;

use crate::api::auth::{Credentials, ServiceKey};
use crate::api::query::MatchMode;
use crate::api::{ApiFlavour, ClientConfig};

/// Environment variable holding a personal access token. Never a flag: argv shows in `ps`.
pub const TOKEN_ENV: &str = "ZITADEL_TOKEN";

/// What the user asked for, before checking (filled from clap, which also reads the env).
#[derive(Debug, Default, Clone)]
pub struct RawSettings {
    pub url: Option<String>,
    pub token_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// The value of `ZITADEL_TOKEN`, if set.
    pub token_env: Option<SecretString>,
    pub org: Option<String>,
    pub api: Option<String>,
    pub read_only: bool,
    pub allow_insecure_http: bool,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    pub search_match: Option<String>,
    /// Saved URL templates (from the config file).
    pub url_templates: Vec<String>,
}

/// Everything a command needs to talk to one instance.
#[derive(Debug, Clone)]
pub struct Settings {
    pub url: Url,
    pub credentials: Credentials,
    pub org: Option<String>,
    pub api: ApiFlavour,
    pub read_only: bool,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub search_match: MatchMode,
    /// Saved URL templates the resend dialog offers.
    pub url_templates: Vec<String>,
}

impl Settings {
    /// Who acts, when the credentials say: the service user of a key file. A personal access
    /// token is opaque, so it names nobody.
    pub fn operator(&self) -> Option<String> {
        match &self.credentials {
            Credentials::ServiceKey(k) => Some(k.user_id.clone()),
            Credentials::Token(_) => None,
        }
    }

    /// The audit context for resends made with these settings.
    pub fn audit_context(&self) -> crate::resend::AuditContext {
        crate::resend::AuditContext {
            log: crate::audit::AuditLog::default_location(),
            instance: self.url.as_str().trim_end_matches('/').to_string(),
            profile: None,
            operator: self.operator(),
        }
    }

    pub fn client_config(&self) -> ClientConfig {
        let mut c = ClientConfig::new(self.url.clone(), self.credentials.clone());
        c.api = self.api;
        c.connect_timeout = self.connect_timeout;
        c.request_timeout = self.request_timeout;
        c
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("no instance URL: pass --url https://YOUR-INSTANCE or set ZITADEL_URL (or try --demo)")]
    MissingUrl,
    #[error("invalid instance URL {0:?}: {1} (expected e.g. https://acme.zitadel.cloud)")]
    BadUrl(String, String),
    #[error(
        "refusing plain http:// for {0}: tokens would travel unencrypted — use https://, or pass --allow-insecure-http if you really mean it"
    )]
    InsecureHttp(String),
    #[error(
        "no credentials: set ZITADEL_TOKEN to a personal access token, or pass --token-file PATH or --key-file PATH (service-user key JSON)"
    )]
    MissingCredentials,
    #[error("more than one credential is set ({0}): keep exactly one")]
    BothCredentials(String),
    #[error("{0}")]
    TokenFile(String),
    #[error("{0}")]
    KeyFile(String),
    #[error("invalid --api {0:?}: use v2 or v3alpha")]
    BadApi(String),
    #[error("invalid --search-match {0:?}: use contains or prefix")]
    BadSearchMatch(String),
    #[error("invalid {0}: must be between 1 and 600 seconds")]
    BadTimeout(&'static str),
    #[error("invalid --org {0:?}: an organisation ID is 1 to 200 characters without spaces")]
    BadOrg(String),
}

impl RawSettings {
    pub fn resolve(self) -> Result<Settings, SettingsError> {
        let url = parse_url(self.url.as_deref(), self.allow_insecure_http)?;
        let credentials = credentials(
            self.token_file.as_deref(),
            self.key_file.as_deref(),
            self.token_env,
        )?;
        let api = match self.api.as_deref() {
            None => ApiFlavour::V2,
            Some(s) => ApiFlavour::from_setting(s).ok_or_else(|| SettingsError::BadApi(s.into()))?,
        };
        let search_match = match self.search_match.as_deref() {
            None => MatchMode::Contains,
            Some(s) => MatchMode::from_setting(s).ok_or_else(|| SettingsError::BadSearchMatch(s.into()))?,
        };
        let org = match self.org {
            Some(o)
                if o.is_empty()
                    || o.len() > 200
                    || o.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                return Err(SettingsError::BadOrg(o));
            }
            other => other,
        };
        Ok(Settings {
            url,
            credentials,
            org,
            api,
            read_only: self.read_only,
            connect_timeout: seconds(self.connect_timeout_secs, 5, "--connect-timeout")?,
            request_timeout: seconds(self.timeout_secs, 15, "--timeout")?,
            search_match,
            url_templates: self.url_templates,
        })
    }
}

fn seconds(value: Option<u64>, default: u64, name: &'static str) -> Result<Duration, SettingsError> {
    match value.unwrap_or(default) {
        s @ 1..=600 => Ok(Duration::from_secs(s)),
        _ => Err(SettingsError::BadTimeout(name)),
    }
}

/// An instance URL: absolute, http(s), a host, no query or fragment; plain http only for
/// loopback unless explicitly allowed.
pub fn parse_url(raw: Option<&str>, allow_insecure_http: bool) -> Result<Url, SettingsError> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(SettingsError::MissingUrl)?;
    let url = Url::parse(raw).map_err(|e| SettingsError::BadUrl(raw.into(), e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(SettingsError::BadUrl(
            raw.into(),
            format!("scheme {:?} is not http(s)", url.scheme()),
        ));
    }
    let Some(host) = url.host_str() else {
        return Err(SettingsError::BadUrl(raw.into(), "no host".into()));
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(SettingsError::BadUrl(
            raw.into(),
            "no query or fragment allowed".into(),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo the URL here: it holds a password.
        return Err(SettingsError::BadUrl(
            format!("{}://…@{host}", url.scheme()),
            "credentials in the URL are not allowed (use ZITADEL_TOKEN)".into(),
        ));
    }
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(host) {
        return Err(SettingsError::InsecureHttp(raw.into()));
    }
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn credentials(
    token_file: Option<&Path>,
    key_file: Option<&Path>,
    token_env: Option<SecretString>,
) -> Result<Credentials, SettingsError> {
    let token_env = token_env.filter(|t| !secrecy::ExposeSecret::expose_secret(t).trim().is_empty());
    // Acting as the wrong identity is worse than refusing: more than one source is an error.
    let given: Vec<&str> = [
        (token_env.is_some(), "ZITADEL_TOKEN"),
        (token_file.is_some(), "--token-file/ZITADEL_TOKEN_FILE"),
        (key_file.is_some(), "--key-file/ZITADEL_KEY_FILE"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect();
    if given.len() > 1 {
        return Err(SettingsError::BothCredentials(given.join(" and ")));
    }
    if let Some(path) = token_file {
        return read_token_file(path);
    }
    if let Some(path) = key_file {
        return ServiceKey::from_file(path)
            .map(Credentials::ServiceKey)
            .map_err(SettingsError::KeyFile);
    }
    token_env
        .map(|t| Credentials::token(secrecy::ExposeSecret::expose_secret(&t).trim()))
        .ok_or(SettingsError::MissingCredentials)
}

fn read_token_file(path: &Path) -> Result<Credentials, SettingsError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SettingsError::TokenFile(format!("cannot read token file {}: {e}", path.display())))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(SettingsError::TokenFile(format!(
            "token file {} is empty",
            path.display()
        )));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SettingsError::TokenFile(format!(
            "token file {} must hold just the token (it has several words or lines)",
            path.display()
        )));
    }
    Ok(Credentials::token(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(url: &str) -> RawSettings {
        RawSettings {
            url: Some(url.into()),
            token_env: Some(SecretString::from("tok".to_string())),
            ..Default::default()
        }
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_allowed() {
        assert!(matches!(
            raw("http://id.example.com").resolve(),
            Err(SettingsError::InsecureHttp(_))
        ));
        assert!(raw("http://127.0.0.1:8080").resolve().is_ok());
        assert!(raw("http://localhost:8080").resolve().is_ok());
        assert!(raw("http://[::1]:8080").resolve().is_ok());
        let mut r = raw("http://id.example.com");
        r.allow_insecure_http = true;
        assert!(r.resolve().is_ok());
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for bad in ["id.example.com", "ftp://x", "https://u:p@x", "https://x/?a=1", ""] {
            let e = raw(bad).resolve().unwrap_err();
            assert!(
                matches!(e, SettingsError::BadUrl(..) | SettingsError::MissingUrl),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn credentials_must_be_given_once() {
        let mut r = raw("https://x");
        r.token_env = None;
        assert_eq!(
            r.clone().resolve().unwrap_err(),
            SettingsError::MissingCredentials
        );
        r.token_file = Some("a".into());
        r.key_file = Some("b".into());
        assert!(matches!(r.resolve(), Err(SettingsError::BothCredentials(_))));
    }

    #[test]
    fn an_exported_token_beside_a_key_file_is_refused_not_silently_chosen() {
        let mut r = raw("https://x");
        r.key_file = Some("k.json".into());
        let e = r.resolve().unwrap_err();
        assert_eq!(
            e,
            SettingsError::BothCredentials("ZITADEL_TOKEN and --key-file/ZITADEL_KEY_FILE".into())
        );
    }

    #[test]
    fn a_password_in_the_url_is_never_echoed() {
        let e = raw("https://admin:hunter2@id.example.com")
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2") && !e.contains("admin"), "{e}");
        assert!(e.contains("id.example.com"), "{e}");
    }

    #[test]
    fn token_file_errors_never_quote_the_token() {
        let dir = std::env::temp_dir().join(format!("zitadesk-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "abc secret-part\n").unwrap();
        let mut r = raw("https://x");
        r.token_file = Some(path.clone());
        let e = r.resolve().unwrap_err().to_string();
        assert!(!e.contains("secret-part"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn timeouts_and_flavours_are_checked() {
        let mut r = raw("https://x");
        r.timeout_secs = Some(0);
        assert_eq!(r.resolve().unwrap_err(), SettingsError::BadTimeout("--timeout"));
        let mut r = raw("https://x");
        r.api = Some("v1".into());
        assert!(matches!(r.resolve(), Err(SettingsError::BadApi(_))));
        let mut r = raw("https://x");
        r.api = Some("v3alpha".into());
        assert_eq!(r.resolve().unwrap().api, ApiFlavour::V3Alpha);
    }
}
