//! The `urlTemplate` of email code links, checked before sending.
//!
//! ZITADEL accepts any Go `text/template` that parses and executes against
//! `{UserID, Code, OrgID}` (`internal/domain/url_template.go` at v4.13.1). The check here runs
//! the same template engine ([`crate::go_template`]) with the same data, so it refuses exactly
//! what ZITADEL would refuse, and says which field or function and where. On top of that
//! zitadesk refuses two things of its own: more than ZITADEL's 200 characters (its proto
//! limit) and links whose scheme runs code or carries content in a mail (`javascript:`,
//! `data:`, `vbscript:`).
//!
//! Everything else is sent, with warnings shown beside it: no `{{.Code}}` in the link, a link
//! that is not a web link (a mobile deep link like `myapp://verify?c={{.Code}}` is common and
//! fine), surrounding white space (trimmed: what is sent is the trimmed text).
//!
//! [`check_url_template`] is the only way to a [`UrlTemplate`], so a template is checked once
//! and whatever holds one (an email code request, the console's preview) need not check again.

use crate::go_template::{self, Data, GoTemplateError, Rendered};

/// ZITADEL's proto limit, in characters.
pub const MAX_TEMPLATE_LEN: usize = 200;

/// The fields ZITADEL's templates can use.
pub const PLACEHOLDERS: [&str; 3] = ["{{.UserID}}", "{{.Code}}", "{{.OrgID}}"];

const SAMPLE_USER_ID: &str = "123456789012345678";
/// Distinctive, so that finding it in the rendered link means the template uses the code.
const SAMPLE_CODE: &str = "QX7ZK2";
const SAMPLE_ORG_ID: &str = "987654321098765432";

/// Schemes zitadesk will not put in a mail, whatever ZITADEL accepts.
const DANGEROUS_SCHEMES: [&str; 3] = ["javascript", "data", "vbscript"];

const EXAMPLE: &str = "https://id.example.com/verify?user={{.UserID}}&code={{.Code}}";

/// Why a URL template cannot be used. None of these came from ZITADEL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlTemplateError {
    #[error("the link template is empty — e.g. {EXAMPLE}")]
    Empty,
    #[error(
        "the link template is too long ({len} characters after trimming) — ZITADEL accepts at most {MAX_TEMPLATE_LEN}"
    )]
    TooLong { len: usize },
    /// The scheme, lower case.
    #[error(
        "zitadesk does not send {0}: links — they run code or carry content when clicked in a mail; use an https:// or app link"
    )]
    DangerousScheme(String),
    /// Go cannot parse it; `position` counts characters from 1.
    #[error("the link template is not a valid Go template: {message} (at character {position}){hint}", hint = hint(.message))]
    Parse { message: String, position: usize },
    /// Go parses it but fails to fill it in; `position` counts characters from 1.
    #[error("the link template fails when filled in: {message} (at character {position}){hint}", hint = hint(.message))]
    Exec { message: String, position: usize },
}

/// Something to know about a template that is sent anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlTemplateWarning {
    #[error("the link has no {{{{.Code}}}} — the user could not verify with it")]
    MissingCode,
    /// The scheme, or `None` when the link has no scheme at all.
    #[error("{}", not_web_link(.0.as_deref()))]
    NotWebLink(Option<String>),
    #[error("white space around the link is trimmed; the link is sent as shown")]
    Trimmed,
    /// `position` counts characters from 1 in the trimmed text.
    #[error("the link contains an invisible control character (U+{:04X}) at character {position}", u32::from(*.ch))]
    ControlCharacter { ch: char, position: usize },
}

fn not_web_link(scheme: Option<&str>) -> String {
    match scheme {
        Some(s) => format!(
            "a {s}: link, not a web link — fine for an app that handles it; a browser will not open it"
        ),
        None => format!(
            "not a complete web link (no https://) — mail clients may not make it clickable; e.g. {EXAMPLE}"
        ),
    }
}

/// A hint for near misses like `.userId` or `.code`.
fn hint(message: &str) -> String {
    let Some(field) = message
        .strip_prefix("can't evaluate field ")
        .and_then(|rest| rest.split_whitespace().next())
    else {
        return String::new();
    };
    let wanted = field.to_ascii_lowercase();
    match PLACEHOLDERS
        .iter()
        .find(|p| p.trim_matches(['{', '}', '.']).to_ascii_lowercase() == wanted)
    {
        Some(p) => format!(" — did you mean {p}?"),
        None => " — only {{.UserID}}, {{.Code}} and {{.OrgID}} exist".to_owned(),
    }
}

/// A template that passed [`check_url_template`]: the trimmed text that is sent, and what
/// the agent should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    text: String,
    warnings: Vec<UrlTemplateWarning>,
}

impl UrlTemplate {
    /// The template as ZITADEL receives it (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn warnings(&self) -> &[UrlTemplateWarning] {
        &self.warnings
    }

    /// The link as Go renders it with these values, or `None` when that cannot be worked out
    /// here (ZITADEL will still render it).
    pub fn render(&self, user_id: &str, code: &str, org_id: &str) -> Option<String> {
        let data = Data {
            user_id: user_id.to_owned(),
            code: code.to_owned(),
            org_id: org_id.to_owned(),
        };
        match go_template::render(&self.text, data) {
            Ok(Rendered::Text(s)) => Some(s),
            _ => None,
        }
    }
}

fn char_position(text: &str, byte: usize) -> usize {
    text.get(..byte)
        .map_or(text.chars().count(), |s| s.chars().count())
        + 1
}

/// The scheme of a link (`https`, `myapp`), lower case. Browsers skip white space and
/// control characters inside a scheme (`java\tscript:`), so they are skipped here too.
fn scheme(link: &str) -> Option<String> {
    let (head, _) = link.split_once(':')?;
    let head: String = head
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let mut chars = head.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| head.to_ascii_lowercase())
}

fn dangerous(link: &str) -> Option<String> {
    scheme(link).filter(|s| DANGEROUS_SCHEMES.contains(&s.as_str()))
}

/// Checks a template the way ZITADEL will use it, plus zitadesk's own limits.
pub fn check_url_template(template: &str) -> Result<UrlTemplate, UrlTemplateError> {
    let text = template.trim();
    let len = text.chars().count();
    if len == 0 {
        return Err(UrlTemplateError::Empty);
    }
    if len > MAX_TEMPLATE_LEN {
        return Err(UrlTemplateError::TooLong { len });
    }
    // ZITADEL's own test render: the user's ID, "code" and "orgID"
    // (internal/command/user_v2_email.go at v4.13.1).
    let zitadel_data = Data {
        user_id: SAMPLE_USER_ID.to_owned(),
        code: "code".to_owned(),
        org_id: "orgID".to_owned(),
    };
    go_template::render(text, zitadel_data).map_err(|e| {
        let message = e.message().to_owned();
        let position = char_position(text, e.pos());
        match e {
            GoTemplateError::Parse(_) => UrlTemplateError::Parse { message, position },
            GoTemplateError::Exec(_) => UrlTemplateError::Exec { message, position },
        }
    })?;
    let checked = UrlTemplate {
        text: text.to_owned(),
        warnings: Vec::new(),
    };
    let sample = checked.render(SAMPLE_USER_ID, SAMPLE_CODE, SAMPLE_ORG_ID);
    // The link as mailed decides; the text too, in case the preview is unavailable.
    let link = sample.as_deref().unwrap_or(text).trim();
    if let Some(s) = dangerous(link).or_else(|| dangerous(text)) {
        return Err(UrlTemplateError::DangerousScheme(s));
    }

    let mut warnings = Vec::new();
    let has_code = match &sample {
        Some(s) => s.contains(SAMPLE_CODE),
        None => text.contains(".Code"),
    };
    if !has_code {
        warnings.push(UrlTemplateWarning::MissingCode);
    }
    match scheme(link) {
        Some(s) if s == "http" || s == "https" => {
            let host = link.split_once(':').and_then(|(_, rest)| rest.strip_prefix("//"));
            if host.is_none_or(|h| h.starts_with(['/', '?', '#']) || h.is_empty()) {
                warnings.push(UrlTemplateWarning::NotWebLink(None));
            }
        }
        other => warnings.push(UrlTemplateWarning::NotWebLink(other)),
    }
    if text.len() != template.len() {
        warnings.push(UrlTemplateWarning::Trimmed);
    }
    if let Some((index, ch)) = text.chars().enumerate().find(|(_, c)| c.is_control()) {
        warnings.push(UrlTemplateWarning::ControlCharacter {
            ch,
            position: index + 1,
        });
    }
    Ok(UrlTemplate { warnings, ..checked })
}

#[cfg(test)]
mod tests;
