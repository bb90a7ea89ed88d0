//! One error type for every way a ZITADEL call can fail. Built from ZITADEL's error body
//! whatever the HTTP status (FailedPrecondition and InvalidArgument are both 400, so the body's
//! gRPC `code` and `details[].id` decide), from OAuth error bodies of the token endpoints, from
//! transport failures, and from refusals here before anything was sent.
//!
//! `Display` states facts: what failed, ZITADEL's message, the HTTP status. What an agent
//! should do about it is the surfaces' business (`cli::messages`, `tui::messages`).
//! [`ApiError::log_line`] adds ZITADEL's code and id for the log. Nothing here ever contains a token
//! or a returned code: answers that may carry one are never excerpted.

use std::fmt;

use serde::Deserialize;

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
    CreateInviteCode,
    SetEmail,
    ResendPhoneCode,
    PasswordReset,
    UnlockUser,
    ReactivateUser,
    /// The user's history (v1 management `ListUserChanges`).
    UserHistory,
    /// The caller's own permissions (doctor).
    Permissions,
    /// The organisations the caller may read (`ListOrganizations`), for their names.
    ListOrgs,
    /// Any answer at the instance URL (doctor's first check).
    Probe,
    /// The service-user key exchanged for an access token.
    Token,
    Discovery,
    DeviceAuthorization,
    /// The token endpoint polled until the person approves a device login.
    DevicePoll,
    Refresh,
    Revocation,
    UserInfo,
}

impl Call {
    pub fn describe(self) -> &'static str {
        match self {
            Call::ListUsers => "listing users",
            Call::GetUser => "reading the user",
            Call::ResendEmailCode => "resending the email code",
            Call::SendEmailCode => "sending a new email code",
            Call::ListAuthMethods => "reading the user's sign-in methods",
            Call::CreateInviteCode => "creating an invite code",
            Call::SetEmail => "setting the email address",
            Call::ResendPhoneCode => "resending the phone code",
            Call::PasswordReset => "requesting a password reset",
            Call::UnlockUser => "unlocking the user",
            Call::ReactivateUser => "reactivating the user",
            Call::UserHistory => "reading the user's history",
            Call::Permissions => "reading your permissions",
            Call::ListOrgs => "reading the organisations",
            Call::Probe => "reaching the instance",
            Call::Token => "getting an access token",
            Call::Discovery => "reading the discovery document",
            Call::DeviceAuthorization => "starting the device login",
            Call::DevicePoll => "waiting for the sign-in",
            Call::Refresh => "refreshing the sign-in",
            Call::Revocation => "revoking the sign-in",
            Call::UserInfo => "reading who signed in",
        }
    }

    /// Whether a successful answer may carry a secret (a code, a token, a device code): such
    /// an answer is never quoted, not even when it cannot be read.
    pub fn answer_may_carry_secrets(self) -> bool {
        matches!(
            self,
            Call::ResendEmailCode
                | Call::SendEmailCode
                | Call::CreateInviteCode
                | Call::SetEmail
                | Call::ResendPhoneCode
                | Call::PasswordReset
                | Call::Token
                | Call::DeviceAuthorization
                | Call::DevicePoll
                | Call::Refresh
        )
    }

    /// Whether the endpoint answers errors in OAuth's shape (`error`, `error_description`)
    /// rather than ZITADEL's gRPC one.
    pub fn speaks_oauth(self) -> bool {
        matches!(
            self,
            Call::Token
                | Call::DeviceAuthorization
                | Call::DevicePoll
                | Call::Refresh
                | Call::Revocation
                | Call::UserInfo
        )
    }
}

/// Why a call was refused here: nothing left this machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSent {
    /// No usable device sign-in for the profile (none stored, expired, revoked, another
    /// instance's). `id` is the OAuth error of a refused refresh, if that was the cause.
    #[error("not signed in: {reason} for profile {profile}")]
    NotSignedIn {
        /// Sanitised.
        profile: String,
        reason: String,
        id: Option<String>,
    },
    /// A user ID that could address another path (or none), or act on a terminal when shown.
    #[error("the user ID {0}, so no request was sent")]
    BadUserId(#[from] super::user_id::UserIdError),
    /// The request could not be put together (a URL, a body).
    #[error("cannot prepare the request for {}: {reason}", .call.describe())]
    Unprepared { call: Call, reason: String },
    /// The HTTP client could not be built (TLS roots, system configuration).
    #[error("cannot set up HTTP: {0}")]
    HttpSetup(String),
    /// The issuer's discovery document lacks an endpoint the call needs.
    #[error("the instance's discovery document names no {name}")]
    NoEndpoint { name: &'static str },
    /// `value` is sanitised.
    #[error("the discovery document's {name} is not a URL ({reason}): {value}")]
    BadEndpoint {
        name: &'static str,
        reason: String,
        value: String,
    },
    /// The discovery document speaks for another issuer than the configured instance: it is
    /// not this instance's, so none of its endpoints is used. `named` is sanitised.
    #[error(
        "the discovery document names issuer {named:?}, not the configured {expected}: refusing to use it, so nothing was sent to its endpoints"
    )]
    ForeignIssuer { expected: String, named: String },
    /// An endpoint of the discovery document lies on another origin (scheme, host, port) than
    /// the issuer: a token or secret sent there would leave the instance. `endpoint` is
    /// sanitised and never carries a user name or password.
    #[error(
        "the discovery document's {name} {endpoint} is not on the instance's origin {origin}: refusing to send anything there"
    )]
    ForeignEndpoint {
        name: &'static str,
        endpoint: String,
        origin: String,
    },
}

/// Whether the request may have reached ZITADEL: what a failed mutation's outcome hinges on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Refused here, or no connection was made (DNS, connect refused, TLS).
    NotSent,
    /// Sent, but no complete answer came back (time-out, connection broken, answer cut off).
    Unknown,
    /// ZITADEL answered.
    Answered,
}

/// What a server lacked that a request needed. Recognised from the answer *and* the request it
/// answered (see [`ApiError::in_light_of`]), never from a message alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// `phoneQuery` in ListUsers exists from ZITADEL v2.67.0. Older servers drop the unknown
    /// key and their request validator refuses the then empty query: 400 InvalidArgument,
    /// no ZITADEL id (`internal/api/grpc/server/middleware/validation_interceptor.go`, v2.66.0).
    PhoneSearch,
    /// `POST /v2/users/{id}/email/send` exists from v2.67.0: older servers answer the
    /// gateway's bare 404.
    SendCall,
    /// The v3alpha resource API serves only schema users: with the `UserSchema` feature off it
    /// answers FailedPrecondition `TODO` "Errors.UserSchema.NotEnabled"
    /// (`internal/api/grpc/resources/user/v3alpha/user.go`), with it on NotFound
    /// `COMMAND-EajeF6ypOV` for every user that is no schema user
    /// (`internal/command/user_v3_model.go`, v4.13.1).
    V3AlphaSchemaUsersOnly,
}

impl Missing {
    /// The fact, without advice (the surfaces add what to do).
    pub fn describe(self) -> &'static str {
        match self {
            Missing::PhoneSearch => "this ZITADEL cannot search by phone (phone search came with v2.67)",
            Missing::SendCall => "this ZITADEL has no send call for a fresh email code (it came with v2.67)",
            Missing::V3AlphaSchemaUsersOnly => {
                "this instance's v3alpha API serves only schema users, and this is not one"
            }
        }
    }
}

/// A refusal of an action whose cause ZITADEL names with an id: what the agent needs to know
/// to pick the right remedy instead. Ids from ZITADEL's `internal/command` (v2.66.0–v4.13.1;
/// `user_v2_invite.go`, `user_v2_email.go`, `user_v2_phone.go`, `user_v2.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// CreateInviteCode on a user who has a password, a passkey or an identity-provider link
    /// (before v4.0 also: a verified email) — `COMMAND-EF34g`, `user_v2_invite.go`.
    AlreadySetUp,
    /// CreateInviteCode after an earlier *returned* invite code, v4.0.0 to v4.11.x only (fixed
    /// in v4.12.0 by #11649) — `COMMAND-Wr3gq`.
    InviteAfterReturnedCode,
    /// SetEmail with the address the user already has — `COMMAND-Uch5e`.
    EmailUnchanged,
    /// ResendPhoneCode with no code pending: no phone, a verified phone, or none issued —
    /// `PHONE-5xrra88eq8`.
    NoPhoneCode,
    /// UnlockUser on a user who is not locked — `COMMAND-olb9vb0oca`.
    NotLocked,
    /// ReactivateUser on a user who is not inactive — `COMMAND-s5qqcz97hf`.
    NotInactive,
}

impl Refusal {
    fn from_id(id: &str) -> Option<Refusal> {
        Some(match id {
            "COMMAND-EF34g" => Refusal::AlreadySetUp,
            "COMMAND-Wr3gq" => Refusal::InviteAfterReturnedCode,
            "COMMAND-Uch5e" => Refusal::EmailUnchanged,
            "PHONE-5xrra88eq8" => Refusal::NoPhoneCode,
            "COMMAND-olb9vb0oca" => Refusal::NotLocked,
            "COMMAND-s5qqcz97hf" => Refusal::NotInactive,
            _ => return None,
        })
    }

    /// The fact, without advice (the surfaces add what to do).
    pub fn describe(self) -> &'static str {
        match self {
            Refusal::AlreadySetUp => {
                "the user has already set up a way to sign in (a password, passkey or identity provider), so there is nothing to invite them to"
            }
            Refusal::InviteAfterReturnedCode => {
                "this ZITADEL (v4.0 to v4.11) cannot replace an invite code that was returned rather than mailed"
            }
            Refusal::EmailUnchanged => "that is already the user's address",
            Refusal::NoPhoneCode => {
                "ZITADEL holds no phone code to resend: the user has no phone, the phone is verified, or no code was issued"
            }
            Refusal::NotLocked => "the user is not locked",
            Refusal::NotInactive => "the user is not inactive",
        }
    }
}

/// `Display` says what happened in an agent's words, with ZITADEL's message and the HTTP
/// status where they add something; ZITADEL's id is left to the surfaces and the log line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in: ZITADEL rejected the credentials ({})", .0.message)]
    Unauthenticated(Status),
    #[error("permission denied (ZITADEL: {})", .0.message)]
    PermissionDenied(Status),
    #[error("not found (ZITADEL: {})", .0.message)]
    NotFound(Status),
    #[error("no pending code — nothing to resend")]
    NoPendingCode(Status),
    #[error("the user has not finished setting up their account")]
    UserNotInitialised(Status),
    #[error("ZITADEL refused the URL template: {}", .0.message)]
    InvalidUrlTemplate(Status),
    #[error("ZITADEL rejected the request: {}", .0.message)]
    InvalidArgument(Status),
    #[error("ZITADEL refused: {}", .0.message)]
    FailedPrecondition(Status),
    #[error("no such API at this URL (HTTP {})", .0.http)]
    Unimplemented(Status),
    /// The server lacks what the request needed (an older release, an alpha API).
    #[error("{}", .what.describe())]
    Unsupported { what: Missing, status: Status },
    #[error("rate limited by ZITADEL (HTTP {})", .0.http)]
    RateLimited(Status),
    #[error("ZITADEL is unavailable (HTTP {})", .0.http)]
    Unavailable(Status),
    #[error("ZITADEL had an internal error (HTTP {}): {}", .0.http, .0.message)]
    Server(Status),
    /// The request went out; no answer came in time.
    #[error("no answer from ZITADEL within {secs} s while {}", .call.describe())]
    Timeout { call: Call, secs: u64 },
    /// No connection was made: nothing was sent.
    #[error("cannot reach ZITADEL at {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The connection broke after the request was (at least partly) sent, or while the
    /// answer was read: the request may have arrived.
    #[error("the connection to ZITADEL at {url} broke while {}: {reason}", .call.describe())]
    Interrupted { call: Call, url: String, reason: String },
    /// The answer exceeded [`super::http::MAX_ANSWER_BYTES`]; it was not read to the end.
    #[error("answer too large: ZITADEL's answer (HTTP {http}) while {} exceeds {limit} bytes", .call.describe())]
    TooLarge { call: Call, http: u16, limit: usize },
    /// Asked to return the code, ZITADEL answered 200 without one: a new code exists (and
    /// the old one is void), but nobody can read it out.
    #[error("ZITADEL answered without the code it was asked to return while {}; a new code was issued but is not known here", .call.describe())]
    NoCodeReturned { call: Call },
    #[error("unexpected answer from ZITADEL (HTTP {http}) while {}: {reason}; body starts: {excerpt:?}", .call.describe())]
    Decode {
        call: Call,
        http: u16,
        reason: String,
        excerpt: String,
    },
    /// Refused here before sending.
    #[error("{0}")]
    NotSent(NotSent),
    /// Local setup of credentials (key file unreadable, JWT cannot be signed, the token
    /// store, a discovery document without the needed endpoint).
    #[error("{0}")]
    Credentials(String),
}

/// The OAuth error shape (`error`, `error_description`), not ZITADEL's gRPC one.
#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
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

    /// Classifies a non-2xx answer of a token endpoint: OAuth errors (`invalid_grant`, ...)
    /// all mean "not signed in", with `id` = the OAuth `error`; anything else is read as
    /// ZITADEL's error body.
    pub fn from_oauth_response(call: Call, http: u16, body: &[u8]) -> ApiError {
        match serde_json::from_slice::<OAuthError>(body) {
            Ok(e) => ApiError::Unauthenticated(Status {
                http,
                code: None,
                id: Some(e.error),
                message: if e.error_description.is_empty() {
                    "the token request was refused".into()
                } else {
                    e.error_description
                },
            }),
            Err(_) => match ApiError::from_response(call, http, body) {
                ApiError::Decode { .. } => ApiError::Decode {
                    call,
                    http,
                    reason: "not an OAuth error".into(),
                    excerpt: excerpt(body),
                },
                other => other,
            },
        }
    }

    /// Whether the request may have reached ZITADEL.
    pub fn delivery(&self) -> Delivery {
        match self {
            ApiError::NotSent(_) | ApiError::Connect { .. } | ApiError::Credentials(_) => Delivery::NotSent,
            ApiError::Timeout { .. } | ApiError::Interrupted { .. } => Delivery::Unknown,
            _ => Delivery::Answered,
        }
    }

    /// The cause ZITADEL named, when it is one an agent acts on (see [`Refusal`]).
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            ApiError::FailedPrecondition(s) | ApiError::InvalidArgument(s) => {
                s.id.as_deref().and_then(Refusal::from_id)
            }
            _ => None,
        }
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
            | ApiError::Server(s)
            | ApiError::Unsupported { status: s, .. } => Some(s),
            _ => None,
        }
    }

    /// ZITADEL's error id (e.g. `EMAIL-5w5ilin4yt`), or the OAuth error of a refused
    /// refresh behind a lost sign-in, if any.
    pub fn zitadel_id(&self) -> Option<&str> {
        match self {
            ApiError::NotSent(NotSent::NotSignedIn { id, .. }) => id.as_deref(),
            _ => self.status().and_then(|s| s.id.as_deref()),
        }
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
            ApiError::Unsupported { .. } => "unsupported",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Server(_) => "server",
            ApiError::Timeout { .. } => "timeout",
            ApiError::Connect { .. } => "connect",
            ApiError::Interrupted { .. } => "interrupted",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::NoCodeReturned { .. } => "no_code_returned",
            ApiError::Decode { .. } => "decode",
            ApiError::NotSent(NotSent::NotSignedIn { .. }) => "unauthenticated",
            ApiError::NotSent(NotSent::BadUserId(_)) => "invalid_argument",
            ApiError::NotSent(_) => "unprepared",
            ApiError::Credentials(_) => "credentials",
        }
    }

    /// One line for the log: the facts plus ZITADEL's gRPC code.
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

    /// Whether an idempotent read may be tried again: connect errors, a broken connection,
    /// 429, 503, 504.
    pub fn is_retryable_read(&self) -> bool {
        match self {
            ApiError::Connect { .. } | ApiError::Interrupted { .. } | ApiError::RateLimited(_) => true,
            ApiError::Unavailable(s) | ApiError::Server(s) => matches!(s.http, 503 | 504),
            _ => false,
        }
    }

    /// The CLI exit code: 3 not found, 4 permission/authentication, 2 a refused template or
    /// local setup, 5 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            ApiError::NotFound(_) => 3,
            ApiError::PermissionDenied(_)
            | ApiError::Unauthenticated(_)
            | ApiError::NotSent(NotSent::NotSignedIn { .. }) => 4,
            // Local setup; a lost sign-in is matched above. A search or call this ZITADEL
            // does not offer is a usage error like a refused search.
            ApiError::InvalidUrlTemplate(_)
            | ApiError::Credentials(_)
            | ApiError::NotSent(_)
            | ApiError::Unsupported { .. } => 2,
            _ => 5,
        }
    }
}

impl ApiError {
    /// Reads a refusal again knowing what was asked: the same 400 or 404 means "this server
    /// lacks that" only for the request that needed it. Anything else is returned unchanged.
    pub fn in_light_of(self, needed: Missing) -> ApiError {
        let lacks = match (&self, needed) {
            // The validator's refusal carries no ZITADEL id; one with an id is about
            // something else.
            (ApiError::InvalidArgument(s), Missing::PhoneSearch) => s.id.is_none(),
            // A route miss: the bare 404 (or 405/501) of a path the release does not know.
            (ApiError::Unimplemented(_), Missing::SendCall) => true,
            (ApiError::FailedPrecondition(s), Missing::V3AlphaSchemaUsersOnly) => {
                s.id.as_deref() == Some("TODO")
                    || s.message.contains("UserSchema")
                    || s.message.contains("User Schema")
            }
            (ApiError::NotFound(s), Missing::V3AlphaSchemaUsersOnly) => {
                s.id.as_deref() == Some("COMMAND-EajeF6ypOV")
            }
            _ => false,
        };
        if !lacks {
            return self;
        }
        match self.status() {
            Some(status) => ApiError::Unsupported {
                what: needed,
                status: status.clone(),
            },
            None => self,
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
        // A password reset for a user who never finished setting up (`user_v2_password.go`).
        Some("COMMAND-uz0Uu" | "COMMAND-Sfe4g") => return ApiError::UserNotInitialised(s),
        // CreateInviteCode's "user could not be found" is a FailedPrecondition (400), not a
        // NotFound (`user_v2_invite.go`): an unknown user all the same.
        Some("COMMAND-Wgvn4") => return ApiError::NotFound(s),
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
    fn the_causes_an_agent_acts_on_are_named() {
        let cases = [
            (
                rest(9, "User is already initialized", "COMMAND-EF34g"),
                Some(Refusal::AlreadySetUp),
            ),
            (
                rest(9, "Code not found", "COMMAND-Wr3gq"),
                Some(Refusal::InviteAfterReturnedCode),
            ),
            (
                rest(9, "Email not changed", "COMMAND-Uch5e"),
                Some(Refusal::EmailUnchanged),
            ),
            (
                rest(9, "Code is empty", "PHONE-5xrra88eq8"),
                Some(Refusal::NoPhoneCode),
            ),
            (
                rest(9, "User is not locked", "COMMAND-olb9vb0oca"),
                Some(Refusal::NotLocked),
            ),
            (
                rest(9, "User is not inactive", "COMMAND-s5qqcz97hf"),
                Some(Refusal::NotInactive),
            ),
            (rest(9, "schema", "SCHEMA-SFjk3"), None),
        ];
        for (body, refusal) in cases {
            let e = err(400, body);
            assert_eq!(e.refusal(), refusal, "{e:?}");
            assert_eq!(e.exit_code(), 5, "{e:?}");
        }
        // Refused before anything changed: the outcome is known.
        assert_eq!(
            err(404, rest(5, "Email not found", "COMMAND-ieJ2e")).refusal(),
            None
        );
        let reset = err(400, rest(9, "User is not yet initialized", "COMMAND-Sfe4g"));
        assert!(matches!(reset, ApiError::UserNotInitialised(_)));
        let invite = err(400, rest(9, "User could not be found", "COMMAND-Wgvn4"));
        assert!(matches!(invite, ApiError::NotFound(_)));
        assert_eq!(invite.exit_code(), 3);
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
    fn oauth_errors_become_unauthenticated_with_the_description() {
        let e = ApiError::from_oauth_response(
            Call::Token,
            400,
            br#"{"error":"invalid_grant","error_description":"assertion expired"}"#,
        );
        assert!(matches!(&e, ApiError::Unauthenticated(s) if s.message == "assertion expired"));
        assert_eq!(e.zitadel_id(), Some("invalid_grant"));
        assert_eq!(e.exit_code(), 4);
        let e = ApiError::from_oauth_response(Call::Refresh, 502, b"<html>bad gateway</html>");
        assert!(matches!(e, ApiError::Unavailable(_)), "{e:?}");
    }

    #[test]
    fn display_states_facts_without_advice() {
        let s = Status {
            http: 503,
            message: "upstream".into(),
            ..Status::default()
        };
        for e in [
            ApiError::Unavailable(s.clone()),
            ApiError::RateLimited(Status {
                http: 429,
                ..s.clone()
            }),
            ApiError::NoPendingCode(s.clone()),
            ApiError::UserNotInitialised(s.clone()),
            ApiError::Unimplemented(s),
        ] {
            let text = e.to_string();
            for advice in ["try again", "send ", "check the", "sign in"] {
                assert!(!text.contains(advice), "{text}");
            }
        }
    }

    #[test]
    fn refusals_here_say_nothing_was_sent() {
        let lost = ApiError::NotSent(NotSent::NotSignedIn {
            profile: "acme".into(),
            reason: "no stored sign-in".into(),
            id: Some("invalid_grant".into()),
        });
        assert_eq!(lost.delivery(), Delivery::NotSent);
        assert_eq!((lost.kind(), lost.exit_code()), ("unauthenticated", 4));
        assert_eq!(lost.zitadel_id(), Some("invalid_grant"));
        assert_eq!(
            ApiError::NotSent(NotSent::BadUserId(super::super::user_id::UserIdError::Empty)).delivery(),
            Delivery::NotSent
        );
        let timeout = ApiError::Timeout {
            call: Call::SendEmailCode,
            secs: 15,
        };
        assert_eq!(timeout.delivery(), Delivery::Unknown);
    }

    /// The answers as ZITADEL gives them (sources in [`Missing`]'s comments).
    #[test]
    fn a_refusal_is_read_in_the_light_of_the_request() {
        let unsupported = |e: ApiError, what| {
            let read = e.clone().in_light_of(what);
            assert!(
                matches!(&read, ApiError::Unsupported { what: w, .. } if *w == what),
                "{e:?} as {what:?}: {read:?}"
            );
            assert_eq!(read.exit_code(), 2);
            assert_eq!(read.status(), e.status(), "the facts are kept for the log");
            read
        };
        // v2.66: phoneQuery is dropped as unknown, the validator refuses the empty oneof.
        let validator = err(
            400,
            json!({"code": 3, "message": "invalid ListUsersRequest.Queries[0]: embedded message failed validation | caused by: invalid SearchQuery.Query: value is required"}),
        );
        let read = unsupported(validator.clone(), Missing::PhoneSearch);
        assert_eq!(
            read.to_string(),
            "this ZITADEL cannot search by phone (phone search came with v2.67)"
        );
        // The same 400 for a search without a phone is left alone, and so is a 400 with an id.
        assert_eq!(validator.clone().in_light_of(Missing::SendCall), validator);
        let with_id = err(400, rest(3, "limit", "QUERY-4M0fs"));
        assert_eq!(with_id.clone().in_light_of(Missing::PhoneSearch), with_id);
        // v2.66: no route for the send path.
        unsupported(
            err(404, json!({"code": 5, "message": "Not Found"})),
            Missing::SendCall,
        );
        let no_pending = err(400, rest(9, "Code is empty", "EMAIL-5w5ilin4yt"));
        assert_eq!(no_pending.clone().in_light_of(Missing::SendCall), no_pending);
        // v3alpha, feature off: the id is literally TODO (and not taken from the message).
        unsupported(
            err(400, rest(9, "Feature \"User Schema\" is not enabled", "TODO")),
            Missing::V3AlphaSchemaUsersOnly,
        );
        unsupported(
            err(
                400,
                json!({"code": 9, "message": "Errors.UserSchema.NotEnabled (TODO)"}),
            ),
            Missing::V3AlphaSchemaUsersOnly,
        );
        // Feature on, an ordinary user.
        unsupported(
            err(404, rest(5, "User could not be found", "COMMAND-EajeF6ypOV")),
            Missing::V3AlphaSchemaUsersOnly,
        );
        // A v2 "not found" or another precondition is not the alpha API's limit.
        let v2_missing = err(404, rest(5, "Email not found", "COMMAND-ieJ2e"));
        assert_eq!(
            v2_missing.clone().in_light_of(Missing::V3AlphaSchemaUsersOnly),
            v2_missing
        );
        let other = err(400, rest(9, "schema", "SCHEMA-SFjk3"));
        assert_eq!(other.clone().in_light_of(Missing::V3AlphaSchemaUsersOnly), other);
    }

    #[test]
    fn excerpt_is_short_and_printable() {
        let body = format!("\x1b[2J{}", "x".repeat(500));
        let ex = excerpt(body.as_bytes());
        assert!(ex.len() <= EXCERPT_BYTES);
        assert!(!ex.contains('\x1b'));
    }
}
