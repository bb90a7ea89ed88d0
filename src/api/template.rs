//! The `urlTemplate` of email code, invite and password-reset links, checked before sending.
//!
//! ZITADEL renders it as a Go `text/template` with exactly `{{.UserID}}`, `{{.Code}}` and
//! `{{.OrgID}}` and rejects anything else with a terse InvalidArgument; checking here lets
//! the console say what is wrong before a call is made. We also insist on an absolute http(s)
//! link, which ZITADEL does not, because anything else is useless in a mail.
//!
//! [`check_url_template`] is the only way to a [`UrlTemplate`], so a template is checked once
//! and whatever holds one (an email code request, the console's preview) need not check again.

use std::ops::Range;

use reqwest::Url;

/// ZITADEL's proto limit, in characters.
pub const MAX_TEMPLATE_LEN: usize = 200;

/// The only actions ZITADEL's URL templates can use, in canonical spelling.
pub const PLACEHOLDERS: [&str; 3] = ["{{.UserID}}", "{{.Code}}", "{{.OrgID}}"];

const SAMPLE_USER_ID: &str = "123456789012345678";
const SAMPLE_CODE: &str = "ABC123";
const SAMPLE_ORG_ID: &str = "987654321098765432";

const EXAMPLE: &str = "https://id.example.com/verify?user={{.UserID}}&code={{.Code}}";

/// Why a URL template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlTemplateError {
    #[error("the link template is empty — e.g. {EXAMPLE}")]
    Empty,
    #[error("the link template is too long ({len} characters) — ZITADEL accepts at most {MAX_TEMPLATE_LEN}")]
    TooLong { len: usize },
    /// `position` counts characters from 1.
    #[error(
        "the link template contains an invisible control character (U+{:04X}) at position {position} — retype it without line breaks or tabs",
        u32::from(*.ch)
    )]
    ControlCharacter { ch: char, position: usize },
    /// The action as typed, braces included.
    #[error("unknown placeholder {0} — only {{{{.UserID}}}}, {{{{.Code}}}} and {{{{.OrgID}}}} are available{hint}", hint = did_you_mean(.0))]
    UnknownPlaceholder(String),
    #[error("unbalanced braces — every {{{{ needs a matching }}}}; placeholders look like {{{{.Code}}}}")]
    UnbalancedBraces,
    /// The template as typed.
    #[error(
        "\"{0}\" is not a complete web link — it must start with https:// (or http://) and name a host, e.g. {EXAMPLE}"
    )]
    NotAbsoluteHttpUrl(String),
    /// ZITADEL accepts such a link, but the user could not verify with it (a `{.Code}` typo
    /// with single braces is the usual cause).
    #[error("the link has no {{{{.Code}}}} — the user could not verify with it; e.g. {EXAMPLE}")]
    MissingCode,
}

/// A hint for near misses like `{{.userId}}` or `{{UserID}}`.
fn did_you_mean(action: &str) -> String {
    let simplify = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let wanted = simplify(action);
    PLACEHOLDERS
        .iter()
        .find(|p| simplify(p) == wanted)
        .map(|p| format!(" (did you mean {p}?)"))
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    UserId,
    Code,
    OrgId,
}

impl Placeholder {
    fn from_action(inner: &str) -> Option<Self> {
        // Go allows spaces inside the delimiters; nothing else varies.
        match inner.trim_matches(' ') {
            ".UserID" => Some(Placeholder::UserId),
            ".Code" => Some(Placeholder::Code),
            ".OrgID" => Some(Placeholder::OrgId),
            _ => None,
        }
    }
}

/// Literal text (a byte range of the template) or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(Range<usize>),
    Placeholder(Placeholder),
}

/// A template that passed [`check_url_template`], split into its pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    text: String,
    pieces: Vec<Piece>,
}

impl UrlTemplate {
    /// The template as typed, as ZITADEL receives it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Fills in the values. Like ZITADEL (Go `text/template`), values are inserted as they
    /// are, without URL escaping.
    pub fn render(&self, user_id: &str, code: &str, org_id: &str) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(range) => self.text.get(range.clone()).unwrap_or_default(),
                Piece::Placeholder(Placeholder::UserId) => user_id,
                Piece::Placeholder(Placeholder::Code) => code,
                Piece::Placeholder(Placeholder::OrgId) => org_id,
            })
            .collect()
    }
}

/// Checks a template the way ZITADEL will use it, plus that it yields an absolute http(s) link.
pub fn check_url_template(template: &str) -> Result<UrlTemplate, UrlTemplateError> {
    let len = template.chars().count();
    if len == 0 {
        return Err(UrlTemplateError::Empty);
    }
    if len > MAX_TEMPLATE_LEN {
        return Err(UrlTemplateError::TooLong { len });
    }
    if let Some((index, ch)) = template.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(UrlTemplateError::ControlCharacter {
            ch,
            position: index + 1,
        });
    }
    let checked = UrlTemplate {
        text: template.to_owned(),
        pieces: split_actions(template)?,
    };
    let sample = checked.render(SAMPLE_USER_ID, SAMPLE_CODE, SAMPLE_ORG_ID);
    let is_web_link = Url::parse(&sample).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    if !is_web_link {
        return Err(UrlTemplateError::NotAbsoluteHttpUrl(template.to_owned()));
    }
    if !checked.pieces.contains(&Piece::Placeholder(Placeholder::Code)) {
        return Err(UrlTemplateError::MissingCode);
    }
    Ok(checked)
}

fn split_actions(template: &str) -> Result<Vec<Piece>, UrlTemplateError> {
    let mut pieces = Vec::new();
    // `start` is where the unsplit rest begins in `template`.
    let mut start = 0;
    while let Some(open) = template[start..].find("{{").map(|i| start + i) {
        if template[start..open].contains("}}") {
            return Err(UrlTemplateError::UnbalancedBraces);
        }
        let inner_start = open + 2;
        let close = template[inner_start..]
            .find("}}")
            .map(|i| inner_start + i)
            .ok_or(UrlTemplateError::UnbalancedBraces)?;
        let inner = &template[inner_start..close];
        if inner.contains("{{") {
            return Err(UrlTemplateError::UnbalancedBraces);
        }
        let placeholder = Placeholder::from_action(inner)
            .ok_or_else(|| UrlTemplateError::UnknownPlaceholder(format!("{{{{{inner}}}}}")))?;
        if open > start {
            pieces.push(Piece::Text(start..open));
        }
        pieces.push(Piece::Placeholder(placeholder));
        start = close + 2;
    }
    if template[start..].contains("}}") {
        return Err(UrlTemplateError::UnbalancedBraces);
    }
    if start < template.len() {
        pieces.push(Piece::Text(start..template.len()));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const VALID: &str = "https://id.example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}";

    /// Only whether the template passed, for the many cases that check just that.
    fn check(template: &str) -> Result<(), UrlTemplateError> {
        check_url_template(template).map(|_| ())
    }

    fn render_url_template(
        template: &str,
        user_id: &str,
        code: &str,
        org_id: &str,
    ) -> Result<String, UrlTemplateError> {
        check_url_template(template).map(|t| t.render(user_id, code, org_id))
    }

    fn sample_render(template: &str) -> Result<String, UrlTemplateError> {
        render_url_template(template, SAMPLE_USER_ID, SAMPLE_CODE, SAMPLE_ORG_ID)
    }

    #[test]
    fn valid_template_renders() {
        assert_eq!(check(VALID), Ok(()));
        assert_eq!(
            render_url_template(VALID, "1", "XY", "2").as_deref(),
            Ok("https://id.example.com/verify?user=1&code=XY&org=2")
        );
        assert_eq!(
            sample_render(VALID).as_deref(),
            Ok("https://id.example.com/verify?user=123456789012345678&code=ABC123&org=987654321098765432")
        );
    }

    #[test]
    fn the_code_is_required_and_placeholders_are_repeatable() {
        assert_eq!(
            check("http://localhost:8080/verify"),
            Err(UrlTemplateError::MissingCode)
        );
        assert_eq!(
            check("https://x.test/verify?code={.Code}"),
            Err(UrlTemplateError::MissingCode),
            "single braces are a typo ZITADEL would accept"
        );
        assert_eq!(check("http://localhost:8080/verify?c={{.Code}}"), Ok(()));
        assert_eq!(
            render_url_template("https://x.test/{{.Code}}/{{.Code}}", "u", "c", "o").as_deref(),
            Ok("https://x.test/c/c")
        );
    }

    #[test]
    fn inner_spaces_are_normalised() {
        assert_eq!(
            render_url_template("https://x.test/?c={{ .Code }}&u={{.UserID  }}", "u", "c", "o").as_deref(),
            Ok("https://x.test/?c=c&u=u")
        );
    }

    #[test]
    fn values_are_inserted_verbatim_like_go() {
        assert_eq!(
            render_url_template("https://x.test/?c={{.Code}}", "u", "a&b", "o").as_deref(),
            Ok("https://x.test/?c=a&b")
        );
    }

    #[test]
    fn empty_is_an_error() {
        assert_eq!(check(""), Err(UrlTemplateError::Empty));
    }

    #[test]
    fn too_long_counts_characters() {
        let base = "https://x.test/{{.Code}}/";
        let ok = format!("{base}{}", "é".repeat(MAX_TEMPLATE_LEN - base.len()));
        assert_eq!(check(&ok), Ok(()));
        let long = format!("{ok}a");
        assert_eq!(check(&long), Err(UrlTemplateError::TooLong { len: 201 }));
        assert!(
            UrlTemplateError::TooLong { len: 201 }
                .to_string()
                .contains("at most 200")
        );
    }

    #[test]
    fn control_characters_are_errors() {
        let err = check("https://x.test/\n{{.Code}}");
        assert_eq!(
            err,
            Err(UrlTemplateError::ControlCharacter {
                ch: '\n',
                position: 16
            })
        );
        assert!(err.unwrap_err().to_string().contains("U+000A"));
        assert!(matches!(
            check("https://x.test/\u{7f}"),
            Err(UrlTemplateError::ControlCharacter { .. })
        ));
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        let err = check("https://x.test/?l={{.LoginName}}");
        assert_eq!(
            err,
            Err(UrlTemplateError::UnknownPlaceholder("{{.LoginName}}".to_owned()))
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "unknown placeholder {{.LoginName}} — only {{.UserID}}, {{.Code}} and {{.OrgID}} are available"
        );
        for action in ["{{.Code | urlquery}}", "{{}}", "{{/* c */}}", "{{.code}}"] {
            assert_eq!(
                check(&format!("https://x.test/{action}")),
                Err(UrlTemplateError::UnknownPlaceholder(action.to_owned())),
                "{action}"
            );
        }
    }

    #[test]
    fn near_miss_gets_a_hint() {
        let msg = UrlTemplateError::UnknownPlaceholder("{{.userId}}".to_owned()).to_string();
        assert!(msg.ends_with("(did you mean {{.UserID}}?)"), "{msg}");
    }

    #[test]
    fn unbalanced_braces_are_errors() {
        for template in [
            "https://x.test/{{.Code",
            "https://x.test/.Code}}",
            "https://x.test/{{.Code}}}}",
            "https://x.test/{{.Code{{.UserID}}",
            "https://x.test/{{",
        ] {
            assert_eq!(
                check(template),
                Err(UrlTemplateError::UnbalancedBraces),
                "{template}"
            );
        }
        // Single braces are plain text in Go templates.
        assert_eq!(check("https://x.test/{a}/{{.Code}}"), Ok(()));
    }

    #[test]
    fn must_be_an_absolute_web_link() {
        for template in [
            "/verify?code={{.Code}}",
            "id.example.com/verify",
            "ftp://x.test/{{.Code}}",
            "mailto:a@x.test",
            "https://",
            "{{.Code}}",
            " ",
        ] {
            assert_eq!(
                check(template),
                Err(UrlTemplateError::NotAbsoluteHttpUrl(template.to_owned())),
                "{template}"
            );
        }
        assert!(
            UrlTemplateError::NotAbsoluteHttpUrl("x".to_owned())
                .to_string()
                .contains("https://")
        );
    }

    #[test]
    fn host_may_come_from_a_placeholder() {
        assert_eq!(check("https://{{.OrgID}}.example.com/?c={{.Code}}"), Ok(()));
    }

    fn tricky_template() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("https://".to_owned()),
            Just("{{".to_owned()),
            Just("}}".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just(".Code".to_owned()),
            Just(" .UserID ".to_owned()),
            Just(".OrgID".to_owned()),
            Just("é".to_owned()),
            "[a-z./?=&]{0,8}",
            ".{0,2}",
        ];
        prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(template in ".*") {
            let _ = check(&template);
            let _ = render_url_template(&template, "u", "c", "o");
            let _ = sample_render(&template);
        }

        #[test]
        fn accepted_templates_render_to_web_links(template in tricky_template()) {
            if check(&template).is_ok() {
                let rendered = sample_render(&template);
                prop_assert!(rendered.is_ok());
                let url = Url::parse(&rendered.unwrap_or_default());
                prop_assert!(url.is_ok_and(|u| u.scheme().starts_with("http")));
            } else {
                prop_assert!(sample_render(&template).is_err());
            }
        }
    }
}
