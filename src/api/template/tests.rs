use proptest::prelude::*;

use super::*;

const VALID: &str = "https://id.example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}";

fn warnings(template: &str) -> Vec<UrlTemplateWarning> {
    check_url_template(template)
        .map(|t| t.warnings().to_vec())
        .unwrap_or_else(|e| panic!("{template}: {e}"))
}

fn error(template: &str) -> UrlTemplateError {
    match check_url_template(template) {
        Ok(t) => panic!("{template} was accepted: {t:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_plain_web_link_has_no_warnings_and_renders() {
    let t = check_url_template(VALID).unwrap();
    assert_eq!(t.warnings(), &[]);
    assert_eq!(t.as_str(), VALID);
    assert_eq!(
        t.render("1", "XY", "2").as_deref(),
        Some("https://id.example.com/verify?user=1&code=XY&org=2")
    );
}

#[test]
fn what_zitadel_accepts_is_accepted_and_rendered_like_go() {
    let cases = [
        (
            "https://x.test/?c={{.Code | urlquery}}",
            "https://x.test/?c=a+%26b",
        ),
        (
            "https://x.test/?c={{printf \"%s\" .Code}}",
            "https://x.test/?c=a &b",
        ),
        (
            "https://x.test/{{- \" \" -}}?c={{.Code}}",
            "https://x.test/ ?c=a &b",
        ),
        (
            "https://x.test/{{/* note */}}?c={{ .Code }}",
            "https://x.test/?c=a &b",
        ),
        (
            "https://x.test/?c={{if .Code}}{{.Code}}{{else}}none{{end}}",
            "https://x.test/?c=a &b",
        ),
        (
            "https://{{.OrgID}}.x.test/?c={{.Code}}",
            "https://o.x.test/?c=a &b",
        ),
    ];
    for (template, rendered) in cases {
        let t = check_url_template(template).unwrap();
        assert_eq!(t.warnings(), &[], "{template}");
        assert_eq!(
            t.render("u", "a &b", "o").as_deref(),
            Some(rendered),
            "{template}"
        );
    }
}

#[test]
fn a_deep_link_is_accepted_with_a_warning() {
    let t = check_url_template("myapp://verify?c={{.Code}}").unwrap();
    assert_eq!(
        t.warnings(),
        &[UrlTemplateWarning::NotWebLink(Some("myapp".into()))]
    );
    assert!(t.warnings()[0].to_string().contains("myapp: link"));
}

#[test]
fn a_missing_code_is_a_warning_not_an_error() {
    assert_eq!(
        warnings("http://localhost:8080/verify"),
        [UrlTemplateWarning::MissingCode]
    );
    // Single braces are text to Go: the typo ZITADEL would mail as it is.
    assert_eq!(
        warnings("https://x.test/verify?code={.Code}"),
        [UrlTemplateWarning::MissingCode]
    );
    // A code only in a branch Go does not take is missing too.
    assert_eq!(
        warnings("https://x.test/?{{if false}}{{.Code}}{{end}}"),
        [UrlTemplateWarning::MissingCode]
    );
}

#[test]
fn relative_or_hostless_links_are_warnings() {
    for template in [
        "/verify?code={{.Code}}",
        "id.example.com/verify?c={{.Code}}",
        "https://?c={{.Code}}",
    ] {
        assert_eq!(
            warnings(template),
            [UrlTemplateWarning::NotWebLink(None)],
            "{template}"
        );
    }
}

#[test]
fn surrounding_white_space_is_trimmed_with_a_warning() {
    let t = check_url_template("  https://x.test/?c={{.Code}} \t").unwrap();
    assert_eq!(t.as_str(), "https://x.test/?c={{.Code}}");
    assert_eq!(t.warnings(), &[UrlTemplateWarning::Trimmed]);
}

#[test]
fn go_refusals_name_what_and_where() {
    let e = error("https://x.test/?c={{.Code | nope}}");
    assert_eq!(
        e,
        UrlTemplateError::Parse {
            message: "function \"nope\" not defined".into(),
            position: 29
        }
    );
    assert_eq!(
        e.to_string(),
        "the link template is not a valid Go template: function \"nope\" not defined (at character 29)"
    );
    let e = error("https://x.test/?l={{.LoginName}}");
    assert!(matches!(e, UrlTemplateError::Exec { position: 21, .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "the link template fails when filled in: can't evaluate field LoginName in type *domain.ConfirmURLData (at character 21) — only {{.UserID}}, {{.Code}} and {{.OrgID}} exist"
    );
    let e = error("https://x.test/?u={{.userId}}");
    assert!(e.to_string().ends_with("did you mean {{.UserID}}?"), "{e}");
    for template in [
        "https://x.test/{{.Code",
        "https://x.test/{{if .Code}}",
        "https://x.test/{{}}",
    ] {
        assert!(
            matches!(error(template), UrlTemplateError::Parse { .. }),
            "{template}"
        );
    }
    // Never phrased as ZITADEL's answer: nothing was sent.
    assert!(!e.to_string().contains("ZITADEL refused"));
}

#[test]
fn dangerous_schemes_are_refused_by_zitadesk() {
    for (template, scheme) in [
        ("javascript:alert({{.Code}})", "javascript"),
        ("  JavaScript:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("data:text/html,{{.Code}}", "data"),
        ("VBScript:msgbox", "vbscript"),
        ("{{\"javascript\"}}:alert(1)", "javascript"),
    ] {
        assert_eq!(
            error(template),
            UrlTemplateError::DangerousScheme(scheme.into()),
            "{template}"
        );
    }
    let msg = UrlTemplateError::DangerousScheme("javascript".into()).to_string();
    assert!(
        msg.starts_with("zitadesk does not send javascript: links"),
        "{msg}"
    );
}

#[test]
fn empty_and_too_long() {
    assert_eq!(error(""), UrlTemplateError::Empty);
    assert_eq!(error("   "), UrlTemplateError::Empty);
    let base = "https://x.test/{{.Code}}/";
    let ok = format!("{base}{}", "é".repeat(MAX_TEMPLATE_LEN - base.len()));
    assert!(check_url_template(&ok).is_ok());
    // Counted on the trimmed text, as sent.
    assert!(check_url_template(&format!("  {ok}  ")).is_ok());
    assert_eq!(error(&format!("{ok}a")), UrlTemplateError::TooLong { len: 201 });
    assert!(
        UrlTemplateError::TooLong { len: 201 }
            .to_string()
            .contains("at most 200")
    );
}

#[test]
fn control_characters_inside_are_a_warning() {
    assert_eq!(
        warnings("https://x.test/\u{7f}{{.Code}}"),
        [UrlTemplateWarning::ControlCharacter {
            ch: '\u{7f}',
            position: 16
        }]
    );
}

#[test]
fn what_cannot_be_previewed_is_sent_without_a_preview() {
    let t = check_url_template("https://x.test/?c={{printf \"%8s\" .Code}}").unwrap();
    assert_eq!(t.warnings(), &[]);
    assert_eq!(t.render("u", "c", "o"), None);
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_text(template in ".{0,220}") {
        if let Ok(t) = check_url_template(&template) {
            let _ = t.render("u", "c", "o");
        }
    }

    #[test]
    fn accepted_templates_are_what_go_executes(template in "[{}().|$a-zA-Z:/ \"-]{0,60}") {
        let go = go_template::render(
            template.trim(),
            Data { user_id: SAMPLE_USER_ID.into(), code: "code".into(), org_id: "orgID".into() },
        );
        match check_url_template(&template) {
            Ok(_) => prop_assert!(go.is_ok()),
            Err(UrlTemplateError::Parse { .. } | UrlTemplateError::Exec { .. }) => prop_assert!(go.is_err()),
            Err(_) => prop_assert!(go.is_ok() || template.trim().is_empty()),
        }
    }
}
