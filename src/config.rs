//! The configuration file. For now it holds the saved URL templates the resend dialog offers
//! (`url_templates = [...]`); the profiles issue grows the same file. A missing file is no
//! error; a broken one names the file, line and key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What the file may say today. Unknown keys are tolerated until profiles define the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FileConfig {
    pub url_templates: Vec<String>,
}

/// URL templates `--demo` offers, pointing at a made-up company page.
pub const DEMO_URL_TEMPLATES: [&str; 2] = [
    "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}",
    "https://id.example.com/ui/login/mail/verification?userID={{.UserID}}&code={{.Code}}&orgID={{.OrgID}}",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: PathBuf,
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
                message: format!("cannot read: {e}"),
            });
        }
    };
    parse(&text).map_err(|message| ConfigError {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses the file's text; the error says where (line and column) and what.
pub fn parse(text: &str) -> Result<FileConfig, String> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        let place = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {column}: ")
            })
            .unwrap_or_default();
        format!("{place}{}", e.message())
    })
}

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
    fn a_wrong_type_names_the_line_and_key() {
        let e = parse("# saved links\nurl_templates = \"https://a\"\n").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        assert!(e.contains("sequence") || e.contains("array"), "{e}");
    }

    #[test]
    fn a_missing_file_is_no_error() {
        let c = load(Path::new("/nonexistent/zitadesk/config.toml")).unwrap();
        assert!(c.url_templates.is_empty());
    }

    #[test]
    fn the_demo_samples_pass_the_template_check() {
        for t in DEMO_URL_TEMPLATES {
            crate::api::template::check_url_template(t).unwrap();
        }
    }
}
