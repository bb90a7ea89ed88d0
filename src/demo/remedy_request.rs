//! The request bodies of the remedies (CreateInviteCode, SetEmail, ResendPhoneCode,
//! PasswordReset; UnlockUser and ReactivateUser take none), decoded and validated like the
//! email code calls in `request`: protojson in the gateway (unknown keys dropped, two members
//! of a oneof refused), then protoc-gen-validate's rules of
//! proto/zitadel/user/v2/user_service.proto, email.proto, user.proto and password.proto
//! (v4.13.1; the same rules from v2.66.0).

use serde::Deserialize;
use serde_json::Value;

use super::errors::ApiFailure;
use super::request::{check_len, decode_message, embedded, pgv};

/// An empty request message (`ReturnEmailVerificationCode`, `SendPhoneVerificationCode`, …):
/// any object, its keys dropped.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Empty {}

/// `SendInviteCode`, `SendEmailVerificationCode` (no application name: the key is dropped as
/// unknown there).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct SendCode {
    pub url_template: Option<String>,
    pub application_name: Option<String>,
}

/// `zitadel.user.v2.CreateInviteCodeRequest` (without the path's `userId`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct InviteRequest {
    pub send_code: Option<SendCode>,
    pub return_code: Option<Empty>,
}

/// `zitadel.user.v2.SetEmailRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct SetEmailRequest {
    pub email: String,
    pub send_code: Option<SendCode>,
    pub return_code: Option<Empty>,
    pub is_verified: Option<bool>,
}

/// `zitadel.user.v2.ResendPhoneCodeRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PhoneCodeRequest {
    pub send_code: Option<Empty>,
    pub return_code: Option<Empty>,
}

/// `zitadel.user.v2.SendPasswordResetLink`; the enum is kept raw and read by
/// [`PasswordResetRequest::by_sms`].
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct SendLink {
    pub notification_type: Option<Value>,
    pub url_template: Option<String>,
}

/// `zitadel.user.v2.PasswordResetRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PasswordResetRequest {
    pub send_link: Option<SendLink>,
    pub return_code: Option<Empty>,
}

impl PasswordResetRequest {
    /// Whether the link goes by text message. `NotificationType` by name or number;
    /// unspecified or an unknown number means email (`notificationTypeToDomain`,
    /// internal/api/grpc/user/v2/password.go).
    pub fn by_sms(&self) -> bool {
        let kind = self.send_link.as_ref().and_then(|l| l.notification_type.as_ref());
        matches!(kind, Some(Value::String(s)) if s == "NOTIFICATION_TYPE_SMS")
            || matches!(kind, Some(Value::Number(n)) if n.as_i64() == Some(2))
    }
}

/// protojson's refusal of a second member of a oneof (named by the later member).
fn one_of(message: &str, oneof: &str, members: &[(&str, bool)]) -> Result<(), ApiFailure> {
    let mut set = members.iter().filter(|(_, present)| *present);
    match (set.next(), set.next()) {
        (Some(_), Some((second, _))) => Err(ApiFailure::bad_body(format!(
            "error parsing \"{second}\", oneof zitadel.user.v2.{message}.{oneof} is already set"
        ))),
        _ => Ok(()),
    }
}

pub(crate) fn decode_invite(body: &[u8]) -> Result<InviteRequest, ApiFailure> {
    let req: InviteRequest = decode_message(body)?;
    one_of(
        "CreateInviteCodeRequest",
        "verification",
        &[
            ("sendCode", req.send_code.is_some()),
            ("returnCode", req.return_code.is_some()),
        ],
    )?;
    Ok(req)
}

pub(crate) fn decode_set_email(body: &[u8]) -> Result<SetEmailRequest, ApiFailure> {
    let req: SetEmailRequest = decode_message(body)?;
    one_of(
        "SetEmailRequest",
        "verification",
        &[
            ("sendCode", req.send_code.is_some()),
            ("returnCode", req.return_code.is_some()),
            ("isVerified", req.is_verified.is_some()),
        ],
    )?;
    Ok(req)
}

pub(crate) fn decode_phone_code(body: &[u8]) -> Result<PhoneCodeRequest, ApiFailure> {
    let req: PhoneCodeRequest = decode_message(body)?;
    one_of(
        "ResendPhoneCodeRequest",
        "verification",
        &[
            ("sendCode", req.send_code.is_some()),
            ("returnCode", req.return_code.is_some()),
        ],
    )?;
    Ok(req)
}

pub(crate) fn decode_password_reset(body: &[u8]) -> Result<PasswordResetRequest, ApiFailure> {
    let req: PasswordResetRequest = decode_message(body)?;
    if let Some(kind) = req.send_link.as_ref().and_then(|l| l.notification_type.as_ref()) {
        let known = match kind {
            Value::String(s) => matches!(
                s.as_str(),
                "NOTIFICATION_TYPE_Unspecified" | "NOTIFICATION_TYPE_Email" | "NOTIFICATION_TYPE_SMS"
            ),
            Value::Number(n) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Value::Null => true,
            _ => false,
        };
        if !known {
            return Err(ApiFailure::bad_body(format!(
                "invalid value for enum field notificationType: {kind}"
            )));
        }
    }
    one_of(
        "PasswordResetRequest",
        "medium",
        &[
            ("sendLink", req.send_link.is_some()),
            ("returnCode", req.return_code.is_some()),
        ],
    )?;
    Ok(req)
}

/// An optional string of a nested message: 1..200 runes when present.
fn nested_len(
    value: Option<&str>,
    (outer, outer_field): (&str, &str),
    (inner, inner_field): (&str, &str),
) -> Result<(), ApiFailure> {
    match value {
        Some(v) => check_len(v, inner, inner_field, 1, 200)
            .map_err(|e| ApiFailure::validation(embedded(outer, outer_field, e.text))),
        None => Ok(()),
    }
}

pub(crate) fn validate_invite(req: &InviteRequest) -> Result<(), ApiFailure> {
    let Some(send) = &req.send_code else {
        return Ok(());
    };
    let outer = ("CreateInviteCodeRequest", "SendCode");
    nested_len(
        send.url_template.as_deref(),
        outer,
        ("SendInviteCode", "UrlTemplate"),
    )?;
    nested_len(
        send.application_name.as_deref(),
        outer,
        ("SendInviteCode", "ApplicationName"),
    )
}

pub(crate) fn validate_set_email(req: &SetEmailRequest) -> Result<(), ApiFailure> {
    const MESSAGE: &str = "SetEmailRequest";
    check_len(&req.email, MESSAGE, "Email", 1, 200)?;
    if let Some(cause) = email_rule(&req.email) {
        return Err(ApiFailure::validation(format!(
            "{} | caused by: {cause}",
            pgv(MESSAGE, "Email", "value must be a valid email address")
        )));
    }
    if let Some(send) = &req.send_code {
        nested_len(
            send.url_template.as_deref(),
            (MESSAGE, "SendCode"),
            ("SendEmailVerificationCode", "UrlTemplate"),
        )?;
    }
    if req.is_verified == Some(false) {
        return Err(ApiFailure::validation(pgv(
            MESSAGE,
            "IsVerified",
            "value must equal true",
        )));
    }
    Ok(())
}

pub(crate) fn validate_password_reset(req: &PasswordResetRequest) -> Result<(), ApiFailure> {
    match &req.send_link {
        Some(link) => nested_len(
            link.url_template.as_deref(),
            ("PasswordResetRequest", "SendLink"),
            ("SendPasswordResetLink", "UrlTemplate"),
        ),
        None => Ok(()),
    }
}

/// The address inside `Name <address>`, and whether a name came with it.
pub(crate) fn split_display_name(s: &str) -> (&str, bool) {
    let t = s.trim();
    match (t.rfind('<'), t.strip_suffix('>')) {
        (Some(open), Some(inner)) => (&inner[open + 1..], true),
        _ => (t, false),
    }
}

/// protoc-gen-validate's `email: true` (`_validateEmail`: Go's `net/mail.ParseAddress`, the
/// local part at most 64 bytes, the host a hostname), returning the cause it reports. Go's
/// parser is approximated: a missing `@` and the hostname rules give their exact texts; other
/// malformed local parts or domains (quoted strings, comments, domain literals, which this
/// refuses) answer Go's generic `mail: invalid string`.
fn email_rule(s: &str) -> Option<String> {
    let (addr, _) = split_display_name(s);
    let Some((local, host)) = addr.rsplit_once('@') else {
        return Some("mail: missing '@' or angle-addr".to_owned());
    };
    if host.is_empty() {
        return Some("mail: no domain in addr-spec".to_owned());
    }
    if !is_dot_atom(local) || !is_dot_atom(host) {
        return Some("mail: invalid string".to_owned());
    }
    if local.len() > 64 {
        return Some("email address local phrase cannot exceed 64 characters".to_owned());
    }
    hostname_rule(host)
}

/// RFC 5322 dot-atom as Go reads it (atext, UTF-8 allowed; no empty atoms).
fn is_dot_atom(s: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    !s.is_empty()
        && s.split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// protoc-gen-validate's `_validateHostname`.
fn hostname_rule(host: &str) -> Option<String> {
    if host.len() > 253 {
        return Some("hostname cannot exceed 253 characters".to_owned());
    }
    let lower = host.trim_end_matches('.').to_lowercase();
    for part in lower.split('.') {
        if part.is_empty() || part.len() > 63 {
            return Some("hostname part must be non-empty and cannot exceed 63 characters".to_owned());
        }
        if part.starts_with('-') {
            return Some("hostname parts cannot begin with hyphens".to_owned());
        }
        if part.ends_with('-') {
            return Some("hostname parts cannot end with hyphens".to_owned());
        }
        if let Some(c) = part
            .chars()
            .find(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit() && *c != '-')
        {
            return Some(format!(
                "hostname parts can only contain alphanumeric characters or hyphens, got {c:?}"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rule_follows_protoc_gen_validate() {
        assert_eq!(email_rule("jane@acme.example"), None);
        assert_eq!(email_rule("Jane <jane@acme.example>"), None);
        assert_eq!(
            email_rule("jane").as_deref(),
            Some("mail: missing '@' or angle-addr")
        );
        assert_eq!(
            email_rule("jane@").as_deref(),
            Some("mail: no domain in addr-spec")
        );
        assert_eq!(
            email_rule("jane@-acme.example").as_deref(),
            Some("hostname parts cannot begin with hyphens")
        );
        assert_eq!(
            email_rule("jane@acme_x.example").as_deref(),
            Some("hostname parts can only contain alphanumeric characters or hyphens, got '_'")
        );
        assert!(email_rule(&format!("{}@x.example", "a".repeat(65))).is_some());
        assert_eq!(split_display_name("Jane <j@x.example>"), ("j@x.example", true));
    }

    #[test]
    fn bodies_decode_with_zitadels_errors() {
        let e = decode_set_email(br#"{"email":"a@b.c","sendCode":{},"isVerified":true}"#).unwrap_err();
        assert_eq!((e.code, e.id), (3, None));
        assert!(
            e.text
                .contains("oneof zitadel.user.v2.SetEmailRequest.verification")
        );
        let r = decode_set_email(br#"{"email":"a@b.c","isVerified":false,"nope":1}"#).unwrap();
        assert_eq!(
            validate_set_email(&r).unwrap_err().text,
            "invalid SetEmailRequest.IsVerified: value must equal true"
        );
        let r = decode_set_email(br#"{"email":"nope"}"#).unwrap();
        assert_eq!(
            validate_set_email(&r).unwrap_err().text,
            "invalid SetEmailRequest.Email: value must be a valid email address | caused by: \
             mail: missing '@' or angle-addr"
        );
        let r = decode_set_email(br#"{}"#).unwrap();
        assert_eq!(
            validate_set_email(&r).unwrap_err().text,
            "invalid SetEmailRequest.Email: value length must be between 1 and 200 runes, inclusive"
        );
        let r = decode_invite(br#"{"sendCode":{"applicationName":""}}"#).unwrap();
        assert_eq!(
            validate_invite(&r).unwrap_err().text,
            "invalid CreateInviteCodeRequest.SendCode: embedded message failed validation | \
             caused by: invalid SendInviteCode.ApplicationName: value length must be between 1 \
             and 200 runes, inclusive"
        );
        assert!(decode_phone_code(br#"{"sendCode":{},"returnCode":{}}"#).is_err());
        let r = decode_password_reset(br#"{"sendLink":{"notificationType":2}}"#).unwrap();
        assert!(r.by_sms());
        let r =
            decode_password_reset(br#"{"sendLink":{"notificationType":"NOTIFICATION_TYPE_Email"}}"#).unwrap();
        assert!(!r.by_sms());
        assert!(decode_password_reset(br#"{"sendLink":{"notificationType":"FAX"}}"#).is_err());
        assert!(decode_password_reset(br#"{"sendLink":{},"returnCode":{}}"#).is_err());
        let r = decode_password_reset(br#"{"sendLink":{"urlTemplate":""}}"#).unwrap();
        assert!(validate_password_reset(&r).is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode_invite(&body);
            let _ = decode_set_email(&body).map(|r| validate_set_email(&r));
            let _ = decode_phone_code(&body);
            let _ = decode_password_reset(&body);
        }
    }
}
