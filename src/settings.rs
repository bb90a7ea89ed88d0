//! Flags, environment and the config file's profile → one resolved [`Settings`], checked
//! before anything is sent or the terminal is touched. Precedence: flag > environment >
//! profile > default; every value remembers where it came from (`zitadesk config show`).
//! Each error names the setting and how to set it.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;

use crate::api::auth::{Credentials, ServiceKey};
use crate::api::instance_url;
use crate::api::query::MatchMode;
use crate::api::{ApiFlavour, ClientConfig};
use crate::config::{ApiSetting, AuthConfig, ClipboardSetting, FileConfig, Profile, SearchMatchSetting};

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
    /// `--mouse` / `ZITADESK_MOUSE`.
    pub mouse: bool,
    /// `--clipboard` / `ZITADESK_CLIPBOARD`, unchecked.
    pub clipboard: Option<String>,
    pub allow_insecure_http: bool,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    pub search_match: Option<String>,
    /// Templates offered before the config file's (the `--demo` samples).
    pub url_templates: Vec<String>,
    /// `--profile` / `ZITADESK_PROFILE`.
    pub profile: Option<String>,
    /// The config file and what it says (default when there is none).
    pub config_path: Option<PathBuf>,
    pub config: FileConfig,
    /// Where each value given above came from: a flag or an environment variable, by field.
    pub sources: HashMap<&'static str, Source>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    Profile(String),
    ConfigFile,
    Default,
    Demo,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "{flag}"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::ConfigFile => f.write_str("config file"),
            Source::Default => f.write_str("default"),
            Source::Demo => f.write_str("--demo"),
        }
    }
}

/// One line of `config show`: a setting, its value (secrets redacted), and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub name: &'static str,
    pub value: String,
    pub source: Source,
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
    /// The console takes mouse events.
    pub mouse: bool,
    /// How the console copies to the agent's clipboard.
    pub clipboard: ClipboardSetting,
    /// Saved URL templates the resend dialog offers.
    pub url_templates: Vec<String>,
    /// The profile in use, if any.
    pub profile: Option<String>,
    /// Every setting with its source, for `config show` (secrets never appear).
    pub shown: Vec<Shown>,
    /// Things to fix that do not stop the command (e.g. a key file others can read).
    pub warnings: Vec<String>,
}

impl Settings {
    /// Who acts, when the credentials say: the service user of a key file. A personal access
    /// token is opaque, so it names nobody.
    pub fn operator(&self) -> Option<String> {
        match &self.credentials {
            Credentials::ServiceKey(k) => Some(k.user_id.clone()),
            // The subject recorded at `zitadesk login`: the agent's own user.
            Credentials::Device(d) => d.load().ok().flatten().and_then(|t| t.subject),
            Credentials::Token(_) => None,
        }
    }

    /// What switched read-only mode on (a flag, the environment or a profile), when it is on.
    pub fn read_only_source(&self) -> Option<&Source> {
        self.shown
            .iter()
            .find(|s| s.name == "read_only")
            .map(|s| &s.source)
            .filter(|_| self.read_only)
    }

    /// Where the settings came from, for a heading: `profile NAME`, the demo, or
    /// [`NO_PROFILE`].
    pub fn origin(&self) -> String {
        let demo = self.shown.iter().any(|s| s.source == Source::Demo);
        match &self.profile {
            Some(name) => format!("profile {name}"),
            None if demo => "--demo".into(),
            None => format!("profile {NO_PROFILE}"),
        }
    }

    /// The audit context for resends made with these settings.
    pub fn audit_context(&self) -> crate::action::AuditContext {
        crate::action::AuditContext {
            log: crate::audit::AuditLog::default_location(),
            instance: self.url.as_str().trim_end_matches('/').to_string(),
            profile: self.profile.clone(),
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
    KeyFile(crate::api::auth::KeyError),
    #[error("invalid --api {0:?}: use v2 or v3alpha")]
    BadApi(String),
    #[error("invalid --clipboard {0:?} (or ZITADESK_CLIPBOARD): use osc52, osc52-passthrough or off")]
    BadClipboard(String),
    #[error("invalid --search-match {0:?}: use contains or prefix")]
    BadSearchMatch(String),
    #[error("invalid {0}: must be between 1 and 600 seconds")]
    BadTimeout(&'static str),
    #[error("invalid --org {0:?}: an organisation ID is 1 to 200 characters without spaces")]
    BadOrg(String),
    #[error("no profile {name:?} in {file} (profiles: {known})")]
    UnknownProfile {
        name: String,
        file: String,
        known: String,
    },
    #[error("{0}")]
    Config(String),
    /// A URL from a flag or the environment would receive a profile's own credential,
    /// which belongs to the profile's `url` only.
    #[error(
        "profile {profile}'s own auth belongs to its url {own}, but {url_source} says {url}: refusing to send the profile's credential there — remove {url_source}, or give a credential meant for that instance (ZITADEL_TOKEN, --token-file or --key-file)"
    )]
    CredentialElsewhere {
        profile: String,
        own: String,
        url: String,
        url_source: Source,
    },
    /// As [`SettingsError::CredentialElsewhere`], for a profile that names no URL at all.
    #[error(
        "profile {profile} has its own auth but no url it belongs to, and {url_source} says {url}: refusing to send the profile's credential to a URL the profile does not name — add url = \"…\" to profile {profile}, or give a credential meant for that instance (ZITADEL_TOKEN, --token-file or --key-file)"
    )]
    CredentialWithoutUrl {
        profile: String,
        url: String,
        url_source: Source,
    },
}

/// What `config show` prints: every setting with its source, the warnings, and what is
/// missing to connect (no URL, no credentials) — said, rather than refused.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub shown: Vec<Shown>,
    pub warnings: Vec<String>,
    pub missing: Vec<SettingsError>,
}

/// How a run without a profile is named (config show, doctor, the console's header): every
/// setting came from flags, the environment or the defaults.
pub const NO_PROFILE: &str = "none (flags and environment)";

/// The value shown for a setting that is missing.
const MISSING: &str = "(missing)";

impl RawSettings {
    pub fn resolve(self) -> Result<Settings, SettingsError> {
        let (settings, report) = self.resolve_all(false)?;
        // Strict resolution returns its first missing setting as the error, so this is only
        // the fallback of a type that cannot say so.
        settings.ok_or_else(|| {
            report
                .missing
                .into_iter()
                .next()
                .unwrap_or(SettingsError::MissingUrl)
        })
    }

    /// Every setting and its source, as far as they go: a missing URL or credential is
    /// reported in [`Report::missing`], any other error is still an error.
    pub fn report(self) -> Result<Report, SettingsError> {
        self.resolve_all(true).map(|(_, report)| report)
    }

    /// `lenient`: a missing URL or credential is noted instead of ending resolution (and
    /// then there are no settings to use).
    fn resolve_all(self, lenient: bool) -> Result<(Option<Settings>, Report), SettingsError> {
        let mut shown = Vec::new();
        let mut warnings = Vec::new();
        let mut missing = Vec::new();
        let mut tolerate = |e: SettingsError| match e {
            SettingsError::MissingUrl | SettingsError::MissingCredentials if lenient => {
                missing.push(e);
                Ok(())
            }
            e => Err(e),
        };
        let (profile_name, profile) = self.profile()?;
        let from_profile = || Source::Profile(profile_name.clone().unwrap_or_default());
        let given =
            |field: &'static str, default: Source| self.sources.get(field).cloned().unwrap_or(default);
        let mut note =
            |name: &'static str, value: String, source: Source| shown.push(Shown { name, value, source });

        match &profile_name {
            Some(name) => note("profile", name.clone(), given("profile", Source::ConfigFile)),
            None => note("profile", "(none)".into(), Source::Default),
        }

        let (url_raw, url_source) = match (&self.url, &profile.url) {
            (Some(u), _) => (Some(u.as_str()), given("url", Source::Flag("--url"))),
            (None, Some(u)) => (Some(u.as_str()), from_profile()),
            (None, None) => (None, Source::Default),
        };
        let url = match parse_url(url_raw, self.allow_insecure_http) {
            Ok(url) => Some(url),
            Err(e) => tolerate(e).map(|()| None)?,
        };
        note(
            "url",
            url.as_ref().map_or_else(|| MISSING.into(), instance_url::shown),
            url_source.clone(),
        );

        let cli_credentials =
            self.token_file.is_some() || self.key_file.is_some() || self.token_env.is_some();
        // A credential from the command line or environment must not travel to a profile's
        // instance that signs in its own way: that is how a shared token leaks elsewhere.
        if cli_credentials && profile.auth.is_some() && self.url.is_none() {
            let set: Vec<&str> = [
                (self.token_env.is_some(), "ZITADEL_TOKEN"),
                (self.token_file.is_some(), "--token-file/ZITADEL_TOKEN_FILE"),
                (self.key_file.is_some(), "--key-file/ZITADEL_KEY_FILE"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            return Err(SettingsError::Config(format!(
                "profile {} signs in with its own auth, but {} is also set: unset it, or pass --url to use it elsewhere",
                profile_name.as_deref().unwrap_or("?"),
                set.join(" and ")
            )));
        }
        // The profile's own credential goes only to the profile's own instance: a URL from a
        // flag or the environment (`ZITADEL_URL` left exported from other work, a typo, or a
        // console switched with `P` while one is set) must name that same instance.
        if !cli_credentials
            && profile.auth.is_some()
            && let Some(url) = url.as_ref().filter(|_| self.url.is_some())
        {
            let name = profile_name.clone().unwrap_or_default();
            let own = match profile.url.as_deref() {
                Some(own) => parse_url(Some(own), self.allow_insecure_http)?,
                None => {
                    return Err(SettingsError::CredentialWithoutUrl {
                        profile: name,
                        url: instance_url::shown(url),
                        url_source,
                    });
                }
            };
            if !instance_url::same_instance(&own, url) {
                return Err(SettingsError::CredentialElsewhere {
                    profile: name,
                    own: instance_url::shown(&own),
                    url: instance_url::shown(url),
                    url_source,
                });
            }
        }
        let (credentials, auth_source) = if cli_credentials || profile.auth.is_none() {
            let source = if self.token_file.is_some() {
                given("token_file", Source::Flag("--token-file"))
            } else if self.key_file.is_some() {
                given("key_file", Source::Flag("--key-file"))
            } else {
                Source::Env(TOKEN_ENV)
            };
            let c = match credentials(
                self.token_file.as_deref(),
                self.key_file.as_deref(),
                self.token_env.clone(),
            ) {
                Ok(c) => Some(c),
                Err(e) => tolerate(e).map(|()| None)?,
            };
            (c, source)
        } else {
            let file = self.config_path.clone().unwrap_or_default();
            let c = profile_credentials(profile.auth.as_ref(), &file, profile_name.as_deref())?;
            (Some(c), from_profile())
        };
        for path in [self.token_file.as_deref(), self.key_file.as_deref()]
            .into_iter()
            .flatten()
        {
            warnings.extend(readable_by_others(path));
        }
        if let (false, Some(AuthConfig::TokenFile(p) | AuthConfig::KeyFile(p)), Some(file)) =
            (cli_credentials, &profile.auth, &self.config_path)
        {
            warnings.extend(readable_by_others(&crate::config::resolve_path(p, file)));
        }
        note(
            "auth",
            credentials
                .as_ref()
                .map_or_else(|| MISSING.into(), describe_credentials),
            if credentials.is_some() {
                auth_source
            } else {
                Source::Default
            },
        );

        let (api, api_source) = match (&self.api, profile.api) {
            (Some(s), _) => (
                ApiFlavour::from_setting(s).ok_or_else(|| SettingsError::BadApi(s.into()))?,
                given("api", Source::Flag("--api")),
            ),
            (None, Some(ApiSetting::V2)) => (ApiFlavour::V2, from_profile()),
            (None, Some(ApiSetting::V3Alpha)) => (ApiFlavour::V3Alpha, from_profile()),
            (None, None) => (ApiFlavour::V2, Source::Default),
        };
        note("api", api.as_str().into(), api_source);

        let (org, org_source) = match (self.org.clone(), profile.org.clone()) {
            (Some(o), _) => (Some(o), given("org", Source::Flag("--org"))),
            (None, Some(o)) => (Some(o), from_profile()),
            (None, None) => (None, Source::Default),
        };
        if let Some(o) = &org
            && (o.is_empty() || o.len() > 200 || o.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(SettingsError::BadOrg(o.clone()));
        }
        note(
            "org",
            org.clone().unwrap_or_else(|| "(all the token may read)".into()),
            org_source,
        );

        // Read-only is a safety: any layer may switch it on, none can switch it off.
        let (read_only, ro_source) = match (self.read_only, profile.read_only) {
            (true, _) => (true, given("read_only", Source::Flag("--read-only"))),
            (false, Some(true)) => (true, from_profile()),
            _ => (false, Source::Default),
        };
        note("read_only", read_only.to_string(), ro_source);

        let (search_match, sm_source) = match (&self.search_match, profile.search_match) {
            (Some(s), _) => (
                MatchMode::from_setting(s).ok_or_else(|| SettingsError::BadSearchMatch(s.into()))?,
                given("search_match", Source::Flag("--search-match")),
            ),
            (None, Some(SearchMatchSetting::Prefix)) => (MatchMode::Prefix, from_profile()),
            (None, Some(SearchMatchSetting::Contains)) => (MatchMode::Contains, from_profile()),
            (None, None) => (MatchMode::Contains, Source::Default),
        };
        note(
            "search_match",
            match search_match {
                MatchMode::Contains => "contains",
                MatchMode::Prefix => "prefix",
            }
            .into(),
            sm_source,
        );

        let (mouse, mouse_source) = match (self.mouse, self.config.mouse) {
            (true, _) => (true, given("mouse", Source::Flag("--mouse"))),
            (false, Some(m)) => (m, Source::ConfigFile),
            (false, None) => (false, Source::Default),
        };
        note("mouse", mouse.to_string(), mouse_source);

        let (clipboard, clipboard_source) = match (&self.clipboard, self.config.clipboard) {
            (Some(c), _) => (
                ClipboardSetting::from_setting(c).ok_or_else(|| SettingsError::BadClipboard(c.clone()))?,
                given("clipboard", Source::Flag("--clipboard")),
            ),
            (None, Some(c)) => (c, Source::ConfigFile),
            (None, None) => (ClipboardSetting::default(), Source::Default),
        };
        note("clipboard", clipboard.as_str().into(), clipboard_source);

        let (timeout, timeout_source) = match (self.timeout_secs, profile.timeout_secs) {
            (Some(t), _) => (Some(t), given("timeout", Source::Flag("--timeout"))),
            (None, Some(t)) => (Some(t), from_profile()),
            (None, None) => (None, Source::Default),
        };
        let request_timeout = seconds(timeout, 15, "--timeout")?;
        note(
            "timeout_secs",
            request_timeout.as_secs().to_string(),
            timeout_source,
        );
        let connect_timeout = seconds(self.connect_timeout_secs, 5, "--connect-timeout")?;
        note(
            "connect_timeout_secs",
            connect_timeout.as_secs().to_string(),
            if self.connect_timeout_secs.is_some() {
                Source::Flag("--connect-timeout")
            } else {
                Source::Default
            },
        );

        // A profile is in use only when it set something: one named (by default_profile, say)
        // whose every value flags and the environment replaced is not named anywhere — not
        // in the header, not in the audit trail — and its templates, links to its instance,
        // are not offered.
        let profile_used = shown.iter().any(|s| matches!(s.source, Source::Profile(_)));
        if let Some(row) = shown.iter_mut().find(|s| s.name == "profile") {
            row.value = match (&profile_name, profile_used) {
                (Some(name), true) => name.clone(),
                (Some(name), false) => format!("{NO_PROFILE} — profile {name} sets nothing here"),
                (None, _) => NO_PROFILE.into(),
            };
        }
        let profile_name = profile_name.filter(|_| profile_used);
        let mut url_templates = self.url_templates.clone();
        if profile_used {
            url_templates.extend(profile.url_templates.iter().cloned());
        }
        url_templates.extend(self.config.url_templates.iter().cloned());
        shown.push(Shown {
            name: "url_templates",
            value: url_templates.len().to_string(),
            source: Source::ConfigFile,
        });
        shown.push(Shown {
            name: "config_file",
            value: self
                .config_path
                .as_ref()
                .map_or_else(|| "(none)".into(), |p| crate::text::display_path(p)),
            source: given("config", Source::Default),
        });

        let report = Report {
            shown,
            warnings,
            missing,
        };
        let (Some(url), Some(credentials)) = (url, credentials) else {
            return Ok((None, report));
        };
        let settings = Settings {
            url,
            credentials,
            org,
            api,
            read_only,
            connect_timeout,
            request_timeout,
            search_match,
            mouse,
            clipboard,
            url_templates,
            profile: profile_name,
            shown: report.shown.clone(),
            warnings: report.warnings.clone(),
        };
        Ok((Some(settings), report))
    }

    /// The profile to use: `--profile`/`ZITADESK_PROFILE`, else the file's `default_profile`.
    fn profile(&self) -> Result<(Option<String>, Profile), SettingsError> {
        let Some(name) = self
            .profile
            .clone()
            .or_else(|| self.config.default_profile.clone())
        else {
            return Ok((None, Profile::default()));
        };
        match self.config.profiles.get(&name) {
            Some(p) => Ok((Some(name), p.clone())),
            None => Err(SettingsError::UnknownProfile {
                name,
                file: self
                    .config_path
                    .as_ref()
                    .map_or_else(|| "the config file".into(), |p| crate::text::display_path(p)),
                known: if self.config.profiles.is_empty() {
                    "none".into()
                } else {
                    self.config
                        .profiles
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            }),
        }
    }
}

fn describe_credentials(c: &Credentials) -> String {
    match c {
        Credentials::Token(_) => "access token (value never shown)".into(),
        Credentials::ServiceKey(k) => format!("service-user key {} of user {}", k.key_id, k.user_id),
        Credentials::Device(d) => format!(
            "device login (client {}), tokens of profile {}",
            d.client_id, d.profile
        ),
    }
}

/// A profile's `auth`, with its paths resolved against the config file.
fn profile_credentials(
    auth: Option<&AuthConfig>,
    config_file: &Path,
    profile: Option<&str>,
) -> Result<Credentials, SettingsError> {
    match auth {
        None => Err(SettingsError::MissingCredentials),
        Some(AuthConfig::TokenFile(p)) => read_token_file(&crate::config::resolve_path(p, config_file)),
        Some(AuthConfig::KeyFile(p)) => ServiceKey::from_file(&crate::config::resolve_path(p, config_file))
            .map(Credentials::ServiceKey)
            .map_err(SettingsError::KeyFile),
        Some(AuthConfig::Device { client_id }) => device_credentials(profile.unwrap_or("default"), client_id),
    }
}

fn device_credentials(profile: &str, client_id: &str) -> Result<Credentials, SettingsError> {
    Ok(Credentials::Device(crate::api::auth::DeviceCredentials::new(
        profile, client_id,
    )))
}

/// A secret file that group or others may read: say so, with the fix.
pub fn readable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "{} is readable by other users (mode {:o}): fix with `chmod 600 {}`",
                crate::text::display_path(path),
                mode & 0o777,
                crate::text::display_path(path)
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

fn seconds(value: Option<u64>, default: u64, name: &'static str) -> Result<Duration, SettingsError> {
    match value.unwrap_or(default) {
        s @ 1..=600 => Ok(Duration::from_secs(s)),
        _ => Err(SettingsError::BadTimeout(name)),
    }
}

/// An instance URL: absolute, http(s), a host, no query or fragment; plain http only for
/// loopback unless explicitly allowed. No error quotes a user name or password the text holds,
/// whatever else is wrong with it.
pub fn parse_url(raw: Option<&str>, allow_insecure_http: bool) -> Result<Url, SettingsError> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(SettingsError::MissingUrl)?;
    let shown = || instance_url::shown_text(raw).into_owned();
    let url = Url::parse(raw).map_err(|e| SettingsError::BadUrl(shown(), e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SettingsError::BadUrl(
            shown(),
            "credentials in the URL are not allowed (use ZITADEL_TOKEN)".into(),
        ));
    }
    if !matches!(url.scheme(), "https" | "http") {
        // "user:password@host" reads as the scheme "user": name it only when no '@' says so.
        let reason = if raw.contains('@') {
            "the scheme is not http(s)".to_string()
        } else {
            format!("scheme {:?} is not http(s)", url.scheme())
        };
        return Err(SettingsError::BadUrl(shown(), reason));
    }
    let Some(host) = url.host_str() else {
        return Err(SettingsError::BadUrl(shown(), "no host".into()));
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(SettingsError::BadUrl(
            shown(),
            "no query or fragment allowed".into(),
        ));
    }
    if url.scheme() == "http" && !allow_insecure_http && !instance_url::is_loopback_host(host) {
        return Err(SettingsError::InsecureHttp(shown()));
    }
    Ok(url)
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
    let text = std::fs::read_to_string(path).map_err(|e| {
        SettingsError::TokenFile(format!(
            "cannot read token file {}: {e}",
            crate::text::display_path(path)
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(SettingsError::TokenFile(format!(
            "token file {} is empty",
            crate::text::display_path(path)
        )));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SettingsError::TokenFile(format!(
            "token file {} must hold just the token (it has several words or lines)",
            crate::text::display_path(path)
        )));
    }
    Ok(Credentials::token(token))
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn a_hostile_path_in_a_message_is_shown_inert() {
        let path = Path::new("/tmp/evil\u{1b}[2J\nforged/token");
        let e = read_token_file(path).expect_err("no such file");
        let text = e.to_string();
        assert!(!text.contains('\u{1b}') && !text.contains('\n'), "{text:?}");
        assert!(text.contains("evil"), "{text}");
    }
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

    /// Every way a URL can be wrong: none of the errors quotes the password it holds.
    #[test]
    fn a_password_in_a_broken_url_is_never_echoed_either() {
        for bad in [
            "https://admin:hunter2@127.0.0.1:99999",
            "ftp://admin:hunter2@x",
            "https://admin:hunter2@x/?a=1",
            "http://admin:hunter2@id.example.com",
            "admin:hunter2@id.example.com",
            "https://admin:hunter2@[::1",
        ] {
            let e = raw(bad).resolve().unwrap_err().to_string();
            assert!(!e.contains("hunter2") && !e.contains("admin"), "{bad}: {e}");
        }
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

    fn with_profiles(text: &str) -> RawSettings {
        RawSettings {
            config_path: Some(PathBuf::from("/etc/zitadesk/config.toml")),
            config: crate::config::parse(text).unwrap(),
            ..Default::default()
        }
    }

    const TWO_PROFILES: &str = r#"
default_profile = "acme"
url_templates = ["https://g.example/{{.Code}}"]
[profiles.acme]
url = "https://acme.example"
org = "111"
auth = { device = { client_id = "c1" } }
read_only = true
timeout_secs = 30
url_templates = ["https://p.example/{{.Code}}"]
[profiles.globex]
url = "https://globex.example"
auth = { device = { client_id = "c2" } }
api = "v3alpha"
"#;

    /// acme's own credential with a URL from elsewhere: what the CLI resolves with `--url` or
    /// `ZITADEL_URL`, and what the console's `P` resolves (the same flags and environment, the
    /// other profile).
    fn acme_with_url(url: &str, source: Source) -> RawSettings {
        let mut r = with_profiles(TWO_PROFILES);
        r.url = Some(url.into());
        r.sources.insert("url", source);
        r
    }

    #[test]
    fn a_profiles_own_credential_is_refused_for_a_url_from_a_flag_or_the_environment() {
        for source in [Source::Flag("--url"), Source::Env("ZITADEL_URL")] {
            let e = acme_with_url("http://127.0.0.1:1", source.clone())
                .resolve()
                .unwrap_err();
            assert!(matches!(e, SettingsError::CredentialElsewhere { .. }), "{e:?}");
            let text = e.to_string();
            for named in [
                "profile acme",
                "https://acme.example/",
                &source.to_string(),
                "http://127.0.0.1:1/",
            ] {
                assert!(text.contains(named), "{named} missing: {text}");
            }
        }
    }

    #[test]
    fn the_profiles_own_url_however_written_may_come_from_a_flag() {
        for same in [
            "https://acme.example",
            "https://ACME.example:443/",
            "HTTPS://acme.example/",
        ] {
            let s = acme_with_url(same, Source::Env("ZITADEL_URL"))
                .resolve()
                .unwrap_or_else(|e| panic!("{same}: {e}"));
            assert!(matches!(&s.credentials, Credentials::Device(d) if d.profile == "acme"));
        }
        // A subdomain, another port or plain http is another instance.
        for other in [
            "https://acme.example.evil.example",
            "https://acme.example:8443",
            "https://evil.example/acme.example",
        ] {
            assert!(
                acme_with_url(other, Source::Flag("--url")).resolve().is_err(),
                "{other}"
            );
        }
    }

    #[test]
    fn a_profile_credential_without_a_url_of_its_own_goes_nowhere_else() {
        let mut r = with_profiles("[profiles.bare]\nauth = { device = { client_id = \"c\" } }\n");
        r.profile = Some("bare".into());
        r.url = Some("https://elsewhere.example".into());
        r.sources.insert("url", Source::Env("ZITADEL_URL"));
        let e = r.resolve().unwrap_err();
        assert!(matches!(e, SettingsError::CredentialWithoutUrl { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains("profile bare") && text.contains("env ZITADEL_URL"),
            "{text}"
        );
    }

    /// The console's `P` resolves the switched profile from the same flags and environment
    /// (src/cli/mod.rs `switch`): with `ZITADEL_URL` exported, switching to a profile that
    /// signs in its own way is refused before its credential is used.
    #[test]
    fn switching_profiles_in_the_console_keeps_each_credential_at_home() {
        let mut started = acme_with_url("https://globex.example", Source::Env("ZITADEL_URL"));
        started.profile = Some("globex".into());
        assert!(started.clone().resolve().is_ok(), "globex's own URL");
        let mut switched = started;
        switched.profile = Some("acme".into());
        switched.sources.insert("profile", Source::Flag("P (console)"));
        let e = switched.resolve().unwrap_err();
        assert!(
            matches!(&e, SettingsError::CredentialElsewhere { profile, url, .. } if profile == "acme" && url == "https://globex.example/"),
            "{e:?}"
        );
    }

    #[test]
    fn a_credential_given_with_its_own_url_is_not_the_profiles() {
        let mut r = acme_with_url("https://other.example", Source::Flag("--url"));
        r.token_env = Some(SecretString::from("t".to_string()));
        let s = r.resolve().unwrap();
        assert!(matches!(s.credentials, Credentials::Token(_)));
    }

    fn source_of(s: &Settings, name: &str) -> Source {
        s.shown.iter().find(|x| x.name == name).unwrap().source.clone()
    }

    #[test]
    fn the_default_profile_fills_what_flags_and_env_leave_open() {
        let s = with_profiles(TWO_PROFILES).resolve().unwrap();
        assert_eq!(s.profile.as_deref(), Some("acme"));
        assert_eq!(s.url.as_str(), "https://acme.example/");
        assert_eq!(s.org.as_deref(), Some("111"));
        assert!(s.read_only);
        assert_eq!(s.request_timeout, Duration::from_secs(30));
        assert!(
            matches!(&s.credentials, Credentials::Device(d) if d.client_id == "c1" && d.profile == "acme")
        );
        assert_eq!(
            s.url_templates,
            vec!["https://p.example/{{.Code}}", "https://g.example/{{.Code}}"]
        );
        assert_eq!(source_of(&s, "url"), Source::Profile("acme".into()));
        assert_eq!(source_of(&s, "api"), Source::Default);
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_profile() {
        let mut r = with_profiles(TWO_PROFILES);
        r.url = Some("https://flag.example".into());
        r.sources.insert("url", Source::Flag("--url"));
        r.org = Some("222".into());
        r.sources.insert("org", Source::Env("ZITADEL_ORG_ID"));
        r.token_env = Some(SecretString::from("t".to_string()));
        let s = r.resolve().unwrap();
        assert_eq!(s.url.as_str(), "https://flag.example/");
        assert_eq!(source_of(&s, "url"), Source::Flag("--url"));
        assert_eq!(s.org.as_deref(), Some("222"));
        assert_eq!(source_of(&s, "org"), Source::Env("ZITADEL_ORG_ID"));
        assert!(
            matches!(s.credentials, Credentials::Token(_)),
            "a token given beats the profile's auth"
        );
        assert_eq!(source_of(&s, "auth"), Source::Env(TOKEN_ENV));
    }

    /// The default profile's URL and credential both replaced from the environment: the
    /// profile set nothing, so it is not the settings' profile (header, audit, doctor) and
    /// its templates are not offered; `config show` says so.
    #[test]
    fn a_profile_that_sets_nothing_is_not_named() {
        let mut r = with_profiles(TWO_PROFILES);
        r.profile = Some("globex".into());
        r.url = Some("https://elsewhere.example".into());
        r.sources.insert("url", Source::Env("ZITADEL_URL"));
        r.token_env = Some(SecretString::from("t".to_string()));
        // globex's api = "v3alpha" is its one other value: a flag replaces it too.
        r.api = Some("v2".into());
        let s = r.clone().resolve().unwrap();
        assert_eq!(s.profile, None);
        assert_eq!(s.origin(), format!("profile {NO_PROFILE}"));
        assert_eq!(s.url_templates, vec!["https://g.example/{{.Code}}"]);
        let row = s.shown.iter().find(|x| x.name == "profile").unwrap();
        assert_eq!(
            row.value,
            format!("{NO_PROFILE} — profile globex sets nothing here")
        );
        // Without the flag, globex's api is used, and globex is named.
        r.api = None;
        let s = r.resolve().unwrap();
        assert_eq!(s.profile.as_deref(), Some("globex"));
        assert_eq!(s.origin(), "profile globex");
    }

    #[test]
    fn a_report_notes_what_is_missing_and_shows_the_rest() {
        let report = RawSettings::default().report().unwrap();
        assert_eq!(
            report.missing,
            vec![SettingsError::MissingUrl, SettingsError::MissingCredentials]
        );
        let value = |name: &str| {
            report
                .shown
                .iter()
                .find(|x| x.name == name)
                .map(|x| (x.value.clone(), x.source.clone()))
        };
        assert_eq!(value("url"), Some((MISSING.into(), Source::Default)));
        assert_eq!(value("auth"), Some((MISSING.into(), Source::Default)));
        assert_eq!(value("timeout_secs"), Some(("15".into(), Source::Default)));
        // Strictly, the first missing setting is the error; any other error stays one.
        assert_eq!(
            RawSettings::default().resolve().unwrap_err(),
            SettingsError::MissingUrl
        );
        assert!(matches!(raw("ftp://x").report(), Err(SettingsError::BadUrl(..))));
    }

    #[test]
    fn read_only_names_its_source() {
        let s = with_profiles(TWO_PROFILES).resolve().unwrap();
        assert_eq!(s.read_only_source(), Some(&Source::Profile("acme".into())));
        let mut r = raw("https://x");
        r.read_only = true;
        r.sources.insert("read_only", Source::Env("ZITADESK_READ_ONLY"));
        let s = r.resolve().unwrap();
        assert_eq!(s.read_only_source(), Some(&Source::Env("ZITADESK_READ_ONLY")));
        assert_eq!(raw("https://x").resolve().unwrap().read_only_source(), None);
    }

    #[test]
    fn clipboard_comes_from_the_flag_or_environment_then_the_file_then_the_default() {
        let shown = |s: &Settings| {
            s.shown
                .iter()
                .find(|row| row.name == "clipboard")
                .map(|row| (row.value.clone(), row.source.clone()))
        };
        let s = raw("https://x").resolve().unwrap();
        assert_eq!(s.clipboard, ClipboardSetting::Osc52);
        assert_eq!(shown(&s), Some(("osc52".into(), Source::Default)));

        let mut r = raw("https://x");
        r.config = crate::config::parse("clipboard = \"off\"").unwrap();
        let s = r.clone().resolve().unwrap();
        assert_eq!(s.clipboard, ClipboardSetting::Off);
        assert_eq!(shown(&s), Some(("off".into(), Source::ConfigFile)));

        // The flag (or ZITADESK_CLIPBOARD) wins over the file, and says which it was.
        r.clipboard = Some("osc52-passthrough".into());
        r.sources.insert("clipboard", Source::Env("ZITADESK_CLIPBOARD"));
        let s = r.clone().resolve().unwrap();
        assert_eq!(s.clipboard, ClipboardSetting::Osc52Passthrough);
        assert_eq!(
            shown(&s),
            Some(("osc52-passthrough".into(), Source::Env("ZITADESK_CLIPBOARD")))
        );
        r.sources.insert("clipboard", Source::Flag("--clipboard"));
        r.clipboard = Some("osc52".into());
        let s = r.clone().resolve().unwrap();
        assert_eq!(shown(&s), Some(("osc52".into(), Source::Flag("--clipboard"))));

        r.clipboard = Some("xclip".into());
        assert_eq!(
            r.resolve().unwrap_err(),
            SettingsError::BadClipboard("xclip".into())
        );
        assert!(crate::config::parse("clipboard = \"xclip\"").is_err());
    }

    #[test]
    fn config_show_lists_the_clipboard_without_a_url() {
        let r = RawSettings {
            config: crate::config::parse("clipboard = \"off\"").unwrap(),
            ..RawSettings::default()
        };
        let report = r.report().unwrap();
        let row = report.shown.iter().find(|row| row.name == "clipboard");
        assert_eq!(
            row.map(|row| (row.value.as_str(), &row.source)),
            Some(("off", &Source::ConfigFile))
        );
    }

    #[test]
    fn another_profile_by_name_and_an_unknown_one_is_named() {
        let mut r = with_profiles(TWO_PROFILES);
        r.profile = Some("globex".into());
        let s = r.resolve().unwrap();
        assert_eq!(s.api, ApiFlavour::V3Alpha);
        assert!(!s.read_only);
        let mut r = with_profiles(TWO_PROFILES);
        r.profile = Some("initech".into());
        let e = r.resolve().unwrap_err().to_string();
        assert!(e.contains("initech") && e.contains("acme, globex"), "{e}");
    }

    #[test]
    fn secrets_never_appear_in_the_shown_settings() {
        let mut r = raw("https://x.example");
        r.token_env = Some(SecretString::from("s3cr3t-value".to_string()));
        let s = r.resolve().unwrap();
        let all = format!("{:?}", s.shown);
        assert!(!all.contains("s3cr3t-value"), "{all}");
        assert!(format!("{s:?}").find("s3cr3t-value").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_warned_about_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("zitadesk-perm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("pat");
        std::fs::write(&path, "tok\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut r = raw("https://x.example");
        r.token_env = None;
        r.token_file = Some(path.clone());
        let s = r.clone().resolve().unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("chmod 600"), "{:?}", s.warnings);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(r.resolve().unwrap().warnings.is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
