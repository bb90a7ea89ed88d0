//! One error type for every way a ZITADEL call can fail. Built from ZITADEL's error body
//! whatever the HTTP status (FailedPrecondition and InvalidArgument are both 400, so the body's
//! gRPC `code` and `details[].id` decide), and from transport failures.
//!
//! `Display` is for a helpdesk agent; [`ApiError::log_line`] keeps ZITADEL's message and id
//! for the log. Neither ever contains a token or a returned code: bodies of successful email
//! code calls are never excerpted.

use std::fmt;

use super::wire::{ErrorBody, grpc_code};

/// What ZITADEL said, kept for the log and for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    /// HTTP status of the answer.
    pub http: u16,
    /// gRPC code from the body, if the body had one.
    pub code: Option<i32>,
    /// First `details[].id` (e.g. `COMMAND-uz0Uu`), or the `(ID)` at the end of the message.
    pub id: Option<String>,
    /// ZITADEL's message, without the trailing `(ID)`.
    pub message: String,
}

impl Status {
    fn id_suffix(&self) -> String {
        self.id
            .as_deref()
            .map(|id| format!(" ({id})"))
            .unwrap_or_default()
    }
}

/// Which call failed, for messages ("while listing users").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    ListUsers,
    GetUser,
    ResendEmailCode,
    SendEmailCode,
    ListAuthMethods,
    Token,
}

impl Call {
    pub fn describe(self) -> &'static str {
        match self {
            Call::ListUsers => "listing users",
            Call::GetUser => "reading the user",
            Call::ResendEmailCode => "resending the email code",
            Call::SendEmailCode => "sending a new email code",
            Call::ListAuthMethods => "reading the user's sign-in methods",
            Call::Token => "getting an access token",
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("{}", unauthenticated_text(.0))]
    Unauthenticated(Status),
    #[error("permission denied — your account lacks the rights for this user's organisation (ZITADEL: {})", .0.message)]
    PermissionDenied(Status),
    #[error("not found — no such user (or it was deleted, or has no email)")]
    NotFound(Status),
    #[error(
        "no pending code — nothing to resend (usually the address is already verified); send a fresh code instead"
    )]
    NoPendingCode(Status),
    #[error("the user has not finished setting up their account: send an invite, not a verification mail")]
    UserNotInitialised(Status),
    #[error("ZITADEL refused the URL template: {}", .0.message)]
    InvalidUrlTemplate(Status),
    #[error("ZITADEL rejected the request: {}", .0.message)]
    InvalidArgument(Status),
    #[error("ZITADEL refused: {}", .0.message)]
    FailedPrecondition(Status),
    #[error("no such API at this URL (HTTP {}) — check the instance URL; an older ZITADEL may lack the call, or the API flavour is not enabled", .0.http)]
    Unimplemented(Status),
    #[error("rate limited by ZITADEL (HTTP 429) — wait a moment and try again")]
    RateLimited(Status),
    #[error("ZITADEL is unavailable (HTTP {}) — try again shortly", .0.http)]
    Unavailable(Status),
    #[error("ZITADEL had an internal error (HTTP {}): {}", .0.http, .0.message)]
    Server(Status),
    #[error("no answer from ZITADEL within {secs} s while {}", .call.describe())]
    Timeout { call: Call, secs: u64 },
    #[error("cannot reach ZITADEL at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("unexpected answer from ZITADEL (HTTP {http}) while {}: {reason}; body starts: {excerpt:?}", .call.describe())]
    Decode {
        call: Call,
        http: u16,
        reason: String,
        excerpt: String,
    },
    /// Local setup of credentials (key file unreadable, JWT cannot be signed).
    #[error("{0}")]
    Credentials(String),
}

/// A refusal by ZITADEL, or (HTTP 0) a sign-in that never got as far as asking it.
fn unauthenticated_text(s: &Status) -> String {
    if s.http == 0 {
        format!("not signed in: {}", s.message)
    } else {
        format!(
            "not signed in: ZITADEL rejected the credentials ({}) — check the token or key file, or sign in again",
            s.message
        )
    }
}

/// How many bytes of an unreadable body go into a Decode error.
const EXCERPT_BYTES: usize = 120;

impl ApiError {
    /// Classifies a non-2xx answer from its status and body.
    pub fn from_response(call: Call, http: u16, body: &[u8]) -> ApiError {
        let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
        let status = match parsed {
            Some(b) => status_from_body(http, b),
            None => Status {
                http,
                code: None,
                id: None,
                message: excerpt(body),
            },
        };
        if status.code.is_none() && http < 400 {
            return ApiError::Decode {
                call,
                http,
                reason: "not an error body".into(),
                excerpt: excerpt(body),
            };
        }
        classify(status)
    }

    /// The Status behind the error, if ZITADEL answered.
    pub fn status(&self) -> Option<&Status> {
        match self {
            ApiError::Unauthenticated(s)
            | ApiError::PermissionDenied(s)
            | ApiError::NotFound(s)
            | ApiError::NoPendingCode(s)
            | ApiError::UserNotInitialised(s)
            | ApiError::InvalidUrlTemplate(s)
            | ApiError::InvalidArgument(s)
            | ApiError::FailedPrecondition(s)
            | ApiError::Unimplemented(s)
            | ApiError::RateLimited(s)
            | ApiError::Unavailable(s)
            | ApiError::Server(s) => Some(s),
            _ => None,
        }
    }

    /// ZITADEL's error id (e.g. `EMAIL-5w5ilin4yt`), if any.
    pub fn zitadel_id(&self) -> Option<&str> {
        self.status().and_then(|s| s.id.as_deref())
    }

    /// A short stable name of the class, for the audit log and `--json` errors.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::PermissionDenied(_) => "permission_denied",
            ApiError::NotFound(_) => "not_found",
            ApiError::NoPendingCode(_) => "no_pending_code",
            ApiError::UserNotInitialised(_) => "user_not_initialised",
            ApiError::InvalidUrlTemplate(_) => "invalid_url_template",
            ApiError::InvalidArgument(_) => "invalid_argument",
            ApiError::FailedPrecondition(_) => "failed_precondition",
            ApiError::Unimplemented(_) => "unimplemented",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Server(_) => "server",
            ApiError::Timeout { .. } => "timeout",
            ApiError::Connect { .. } => "connect",
            ApiError::Decode { .. } => "decode",
            ApiError::Credentials(_) => "credentials",
        }
    }

    /// One line for the log: the agent's text plus ZITADEL's code, id and HTTP status.
    pub fn log_line(&self) -> String {
        match self.status() {
            Some(s) => format!(
                "{self} [http {} code {} id {}]",
                s.http,
                s.code.map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
                s.id.as_deref().unwrap_or("-")
            ),
            None => self.to_string(),
        }
    }

    /// Whether an idempotent read may be tried again: connect errors, 429, 503, 504.
    pub fn is_retryable_read(&self) -> bool {
        match self {
            ApiError::Connect { .. } | ApiError::RateLimited(_) => true,
            ApiError::Unavailable(s) | ApiError::Server(s) => matches!(s.http, 503 | 504),
            _ => false,
        }
    }

    /// The CLI exit code: 3 not found, 4 permission/authentication, 2 a refused template,
    /// 5 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            ApiError::NotFound(_) => 3,
            ApiError::PermissionDenied(_) | ApiError::Unauthenticated(_) => 4,
            ApiError::InvalidUrlTemplate(_) => 2,
            ApiError::Credentials(_) => 2,
            _ => 5,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}{}", self.http, self.message, self.id_suffix())
    }
}

fn status_from_body(http: u16, body: ErrorBody) -> Status {
    let code = match &body.code {
        serde_json::Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        serde_json::Value::String(s) => grpc_code::from_connect_name(s),
        _ => None,
    };
    let (message, id_in_message) = split_message_id(&body.message);
    let id = body
        .details
        .iter()
        .find(|d| !d.id.is_empty())
        .map(|d| d.id.clone())
        .or(id_in_message);
    Status {
        http,
        code,
        id,
        message,
    }
}

/// ZITADEL appends " (ID)" to translated messages: "User could not be found (COMMAND-4f8sg)".
fn split_message_id(message: &str) -> (String, Option<String>) {
    let trimmed = message.trim_end();
    if let Some(open) = trimmed.rfind(" (")
        && trimmed.ends_with(')')
    {
        let inner = &trimmed[open + 2..trimmed.len() - 1];
        let looks_like_id = inner.contains('-')
            && !inner.contains(' ')
            && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if looks_like_id {
            return (trimmed[..open].to_string(), Some(inner.to_string()));
        }
    }
    (trimmed.to_string(), None)
}

fn classify(s: Status) -> ApiError {
    match s.id.as_deref() {
        Some("EMAIL-5w5ilin4yt" | "COMMAND-QRkNTBwF8q") => return ApiError::NoPendingCode(s),
        Some("COMMAND-uz0Uu") => return ApiError::UserNotInitialised(s),
        Some("DOMAIN-oGh5e" | "DOMAIN-ieYa7" | "USERv2-ooD8p" | "USERv2-ohSi5") => {
            return ApiError::InvalidUrlTemplate(s);
        }
        Some("AUTHZ-cdgFk") => return ApiError::PermissionDenied(s),
        _ => {}
    }
    let code = s.code.unwrap_or(match s.http {
        401 => grpc_code::UNAUTHENTICATED,
        403 => grpc_code::PERMISSION_DENIED,
        404 => grpc_code::NOT_FOUND,
        400 => grpc_code::INVALID_ARGUMENT,
        405 | 501 => grpc_code::UNIMPLEMENTED,
        429 => grpc_code::RESOURCE_EXHAUSTED,
        502..=504 => grpc_code::UNAVAILABLE,
        _ => grpc_code::UNKNOWN,
    });
    match code {
        grpc_code::UNAUTHENTICATED => ApiError::Unauthenticated(s),
        grpc_code::PERMISSION_DENIED => ApiError::PermissionDenied(s),
        // ZITADEL's own "not found" always names its source (an id); a bare 404 is a route
        // miss: a wrong URL path, or a release without this call.
        grpc_code::NOT_FOUND if s.id.is_none() => ApiError::Unimplemented(s),
        grpc_code::NOT_FOUND => ApiError::NotFound(s),
        grpc_code::INVALID_ARGUMENT | grpc_code::OUT_OF_RANGE => ApiError::InvalidArgument(s),
        grpc_code::FAILED_PRECONDITION => ApiError::FailedPrecondition(s),
        grpc_code::UNIMPLEMENTED => ApiError::Unimplemented(s),
        grpc_code::RESOURCE_EXHAUSTED => ApiError::RateLimited(s),
        grpc_code::UNAVAILABLE | grpc_code::DEADLINE_EXCEEDED => ApiError::Unavailable(s),
        _ => ApiError::Server(s),
    }
}

/// A short, printable start of a body (never of a successful email-code answer).
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(http: u16, body: serde_json::Value) -> ApiError {
        ApiError::from_response(Call::ResendEmailCode, http, body.to_string().as_bytes())
    }

    fn rest(code: i32, msg: &str, id: &str) -> serde_json::Value {
        json!({"code": code, "message": format!("{msg} ({id})"),
               "details": [{"@type": "type.googleapis.com/zitadel.v1.ErrorDetail", "id": id, "message": msg}]})
    }

    #[test]
    fn the_body_decides_between_classes_that_share_http_400() {
        assert!(matches!(
            err(400, rest(9, "Code is empty", "EMAIL-5w5ilin4yt")),
            ApiError::NoPendingCode(_)
        ));
        assert!(matches!(
            err(400, rest(9, "User is not yet initialized", "COMMAND-uz0Uu")),
            ApiError::UserNotInitialised(_)
        ));
        assert!(matches!(
            err(400, rest(3, "URL Template is invalid", "DOMAIN-oGh5e")),
            ApiError::InvalidUrlTemplate(_)
        ));
        assert!(matches!(
            err(400, rest(3, "URL Template is invalid", "DOMAIN-ieYa7")),
            ApiError::InvalidUrlTemplate(_)
        ));
        assert!(matches!(
            err(400, rest(3, "limit", "QUERY-4M0fs")),
            ApiError::InvalidArgument(_)
        ));
        assert!(matches!(
            err(400, rest(9, "schema", "SCHEMA-SFjk3")),
            ApiError::FailedPrecondition(_)
        ));
    }

    #[test]
    fn membership_not_found_is_permission_denied() {
        let e = err(404, rest(5, "membership not found", "AUTHZ-cdgFk"));
        assert!(matches!(e, ApiError::PermissionDenied(_)));
        assert_eq!(e.exit_code(), 4);
        let e = err(404, rest(5, "Email not found", "COMMAND-ieJ2e"));
        assert!(matches!(e, ApiError::NotFound(_)));
        assert_eq!(e.exit_code(), 3);
    }

    #[test]
    fn a_404_without_a_zitadel_id_is_a_wrong_url_not_a_missing_user() {
        let e = err(404, json!({"code": 5, "message": "Not Found"}));
        assert!(matches!(e, ApiError::Unimplemented(_)), "{e:?}");
        assert_eq!(e.exit_code(), 5);
        let e = ApiError::from_response(Call::GetUser, 404, b"<html>nginx</html>");
        assert!(matches!(e, ApiError::Unimplemented(_)), "{e:?}");
    }

    #[test]
    fn id_is_taken_from_the_message_when_details_are_missing() {
        let e = err(
            401,
            json!({"code": 16, "message": "Errors.Token.Invalid (AUTH-7fs1e)"}),
        );
        assert_eq!(e.zitadel_id(), Some("AUTH-7fs1e"));
        assert_eq!(e.status().unwrap().message, "Errors.Token.Invalid");
        assert!(matches!(e, ApiError::Unauthenticated(_)));
    }

    #[test]
    fn connect_error_bodies_are_understood() {
        let e = err(
            404,
            json!({"code": "not_found", "message": "User could not be found (QUERY-Dfbg2)"}),
        );
        assert!(matches!(e, ApiError::NotFound(_)));
        assert_eq!(e.zitadel_id(), Some("QUERY-Dfbg2"));
    }

    #[test]
    fn bodies_that_are_not_json_fall_back_to_the_http_status() {
        let e = ApiError::from_response(Call::ListUsers, 503, b"<html>upstream down</html>");
        assert!(matches!(e, ApiError::Unavailable(_)));
        assert!(e.is_retryable_read());
        let e = ApiError::from_response(Call::ListUsers, 429, b"");
        assert!(matches!(e, ApiError::RateLimited(_)));
        assert!(e.is_retryable_read());
        let e = ApiError::from_response(Call::ListUsers, 500, b"oops");
        assert!(matches!(e, ApiError::Server(_)));
        assert!(!e.is_retryable_read());
    }

    #[test]
    fn log_line_keeps_zitadel_id_and_code() {
        let e = err(403, rest(7, "No matching permissions found", "AUTH-AWfge"));
        let line = e.log_line();
        assert!(
            line.contains("AUTH-AWfge") && line.contains("http 403") && line.contains("code 7"),
            "{line}"
        );
    }

    #[test]
    fn excerpt_is_short_and_printable() {
        let body = format!("\x1b[2J{}", "x".repeat(500));
        let ex = excerpt(body.as_bytes());
        assert!(ex.len() <= EXCERPT_BYTES);
        assert!(!ex.contains('\x1b'));
    }
}
