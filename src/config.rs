//! The configuration file: `$XDG_CONFIG_HOME/zitadesk/config.toml` (or `--config PATH`).
//! Profiles name instances and how to sign in to them; `default_profile` picks one when no
//! `--profile` is given. A missing file is no error; a broken one — unknown key, bad value —
//! is refused with the file, line and key.
//!
//! ```toml
//! default_profile = "acme"
//! url_templates = ["https://id.acme.example/verify?user={{.UserID}}&code={{.Code}}"]
//!
//! [profiles.acme]
//! url = "https://acme.zitadel.cloud"
//! auth = { device = { client_id = "2837…@helpdesk" } }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub default_profile: Option<String>,
    /// Link templates every profile offers (a profile's own come first).
    pub url_templates: Vec<String>,
    /// The console takes mouse events (wheel, click, double click); off by default so the
    /// terminal's own text selection keeps working.
    pub mouse: Option<bool>,
    /// How the console copies (see [`ClipboardSetting`]); `osc52` when not given.
    pub clipboard: Option<ClipboardSetting>,
    pub profiles: BTreeMap<String, Profile>,
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    pub url: Option<String>,
    /// Scopes searches to this organisation ID.
    pub org: Option<String>,
    pub auth: Option<AuthConfig>,
    pub api: Option<ApiSetting>,
    pub read_only: Option<bool>,
    pub url_templates: Vec<String>,
    #[serde(deserialize_with = "timeout_secs")]
    pub timeout_secs: Option<u64>,
    pub search_match: Option<SearchMatchSetting>,
}

/// How a profile signs in. Paths may start with `~/`; relative ones are relative to the
/// config file's folder.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthConfig {
    TokenFile(PathBuf),
    KeyFile(PathBuf),
    Device { client_id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ApiSetting {
    #[serde(rename = "v2")]
    V2,
    #[serde(rename = "v3alpha")]
    V3Alpha,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMatchSetting {
    Contains,
    Prefix,
}

/// How the console hands a copied value to the agent's terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum ClipboardSetting {
    /// OSC 52 as the terminal or multiplexer forwards it: plain, also inside tmux (which
    /// forwards it with `set-clipboard on`); wrapped for GNU screen.
    #[default]
    #[serde(rename = "osc52")]
    Osc52,
    /// OSC 52 wrapped in the multiplexer's passthrough, also in tmux (`allow-passthrough on`).
    #[serde(rename = "osc52-passthrough")]
    Osc52Passthrough,
    /// Nothing is written to the terminal.
    #[serde(rename = "off")]
    Off,
}

impl ClipboardSetting {
    /// As `--clipboard` and `ZITADESK_CLIPBOARD` spell it (the config file's spelling too).
    pub fn from_setting(s: &str) -> Option<ClipboardSetting> {
        match s {
            "osc52" => Some(ClipboardSetting::Osc52),
            "osc52-passthrough" => Some(ClipboardSetting::Osc52Passthrough),
            "off" => Some(ClipboardSetting::Off),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClipboardSetting::Osc52 => "osc52",
            ClipboardSetting::Osc52Passthrough => "osc52-passthrough",
            ClipboardSetting::Off => "off",
        }
    }
}

fn timeout_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let secs = u64::deserialize(d)?;
    if (1..=600).contains(&secs) {
        Ok(Some(secs))
    } else {
        Err(serde::de::Error::custom(format!(
            "timeout_secs must be between 1 and 600, not {secs}"
        )))
    }
}

/// URL templates `--demo` offers, pointing at a made-up company page.
pub const DEMO_URL_TEMPLATES: [&str; 2] = [
    "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}",
    "https://id.example.com/ui/login/mail/verification?userID={{.UserID}}&code={{.Code}}&orgID={{.OrgID}}",
];

/// The path is shown sanitised: a directory name may hold an ESC or a newline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {problem}", crate::text::display_path(path))]
pub struct ConfigError {
    pub path: PathBuf,
    pub problem: ConfigProblem,
}

/// What is wrong with the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("cannot read: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Invalid(#[from] ParseError),
}

/// Where (line and column, when known) and what the TOML parser or a value check objected to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", place.map(|(line, column)| format!("line {line}, column {column}: ")).unwrap_or_default())]
pub struct ParseError {
    /// Line and column, from 1.
    pub place: Option<(usize, usize)>,
    pub message: String,
}

/// Reads the file at `path`; `Ok(default)` when it does not exist.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(e) => {
            return Err(ConfigError {
                path: path.to_path_buf(),
                problem: ConfigProblem::Unreadable(e.to_string()),
            });
        }
    };
    parse(&text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        problem: e.into(),
    })
}

/// Checks the directory of the config file: one that group or others can write (or another
/// user owns) is refused, since whoever can write it can swap the file — and with it the
/// instance URL a token is sent to. A missing directory is fine. What a refusal means for each
/// command is decided by the caller (`cli::private_dirs`).
pub fn check_dir(config_file: &Path) -> Result<(), crate::secure_fs::SecureFsError> {
    match config_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => crate::secure_fs::check_private_dir(dir),
        _ => crate::secure_fs::check_private_dir(Path::new(".")),
    }
}

/// Parses the file's text; the error says where (line and column) and what.
pub fn parse(text: &str) -> Result<FileConfig, ParseError> {
    toml::from_str::<FileConfig>(text).map_err(|e| ParseError {
        place: e.span().map(|span| {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        }),
        message: e.message().trim_end().to_string(),
    })
}

/// A path from the file: `~/` is the home directory, a relative path is relative to the
/// config file's folder (so a file works wherever it is copied to with its keys).
pub fn resolve_path(path: &Path, config_file: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    if path.is_relative()
        && let Some(dir) = config_file.parent()
    {
        return dir.join(path);
    }
    path.to_path_buf()
}

/// A commented example for `zitadesk config init`; the package installs the same file as
/// /usr/share/doc/zitadesk/config.example.toml.
pub const EXAMPLE: &str = include_str!("../assets/config.example.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_just_the_templates_is_enough() {
        let c = parse("url_templates = [\"https://a/{{.Code}}\", \"https://b/{{.Code}}\"]\n").unwrap();
        assert_eq!(c.url_templates.len(), 2);
        assert_eq!(parse("").unwrap(), FileConfig::default());
    }

    #[test]
    fn profiles_with_each_kind_of_auth() {
        let c = parse(
            r#"
default_profile = "a"
[profiles.a]
url = "https://a.example"
auth = { token_file = "a.pat" }
read_only = true
timeout_secs = 30
[profiles.b]
url = "https://b.example"
auth = { key_file = "~/b.json" }
api = "v3alpha"
search_match = "prefix"
[profiles.c]
url = "https://c.example"
auth = { device = { client_id = "123@helpdesk" } }
"#,
        )
        .unwrap();
        assert_eq!(c.default_profile.as_deref(), Some("a"));
        assert_eq!(c.profiles["a"].auth, Some(AuthConfig::TokenFile("a.pat".into())));
        assert_eq!(c.profiles["a"].timeout_secs, Some(30));
        assert_eq!(c.profiles["b"].api, Some(ApiSetting::V3Alpha));
        assert_eq!(c.profiles["b"].search_match, Some(SearchMatchSetting::Prefix));
        assert_eq!(
            c.profiles["c"].auth,
            Some(AuthConfig::Device {
                client_id: "123@helpdesk".into()
            })
        );
    }

    #[test]
    fn an_unknown_key_names_its_line_and_the_key() {
        let e = parse("[profiles.a]\nurl = \"https://a\"\nreadonly = true\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 3"), "{e}");
        assert!(e.contains("readonly"), "{e}");
    }

    #[test]
    fn bad_values_name_their_line() {
        let e = parse("# saved links\nurl_templates = \"https://a\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 2"), "{e}");
        let e = parse("[profiles.a]\napi = \"v1\"\n").unwrap_err().to_string();
        assert!(e.starts_with("line 2") && e.contains("v1"), "{e}");
        let e = parse("[profiles.a]\ntimeout_secs = 0\n").unwrap_err().to_string();
        assert!(e.starts_with("line 2") && e.contains("between 1 and 600"), "{e}");
        let e = parse("[profiles.a]\nauth = { password = \"x\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 2") && e.contains("password"), "{e}");
    }

    /// A config path holding an ESC and a newline is shown inert in the error.
    #[test]
    fn the_path_in_an_error_is_sanitised() {
        let e = ConfigError {
            path: PathBuf::from("/tmp/a\u{1b}[31m\nb/config.toml"),
            problem: ConfigProblem::Unreadable("denied".into()),
        };
        assert_eq!(e.to_string(), "/tmp/a␛[31m␊b/config.toml: cannot read: denied");
    }

    #[cfg(unix)]
    #[test]
    fn a_config_directory_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("zitadesk-config-dir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = check_dir(&dir.join("config.toml")).unwrap_err();
        assert!(e.to_string().contains("chmod 700"), "{e}");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        check_dir(&dir.join("config.toml")).unwrap();
        check_dir(Path::new("/nonexistent/zitadesk/config.toml")).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_file_is_no_error() {
        let c = load(Path::new("/nonexistent/zitadesk/config.toml")).unwrap();
        assert!(c.profiles.is_empty());
    }

    #[test]
    fn the_example_parses_and_its_templates_pass() {
        parse(EXAMPLE).unwrap();
        for t in DEMO_URL_TEMPLATES {
            crate::api::template::check_url_template(t).unwrap();
        }
    }

    #[test]
    fn paths_are_relative_to_the_file_or_home() {
        let file = Path::new("/etc/zitadesk/config.toml");
        assert_eq!(
            resolve_path(Path::new("k.json"), file),
            PathBuf::from("/etc/zitadesk/k.json")
        );
        assert_eq!(
            resolve_path(Path::new("/abs/k.json"), file),
            PathBuf::from("/abs/k.json")
        );
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(
                resolve_path(Path::new("~/k.json"), file),
                PathBuf::from(home).join("k.json")
            );
        }
    }
}
