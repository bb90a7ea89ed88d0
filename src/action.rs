//! Applying an action to a user and recording it: the one path both the CLI and the console
//! take, so every confirmed action is audited the same way. Never retried (see `api::action`).

use std::sync::Arc;

use jiff::Timestamp;

use crate::api::{Action, ActionResult, ApiError, Client, CodeMode, Delivery};
use crate::audit::{AuditLog, AuditRecord};

pub use crate::api::action::CodeCall;

/// Who and where, for the audit line.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub log: AuditLog,
    pub instance: String,
    pub profile: Option<String>,
    pub operator: Option<String>,
}

/// How a confirmed action ended, as the audit trail records it and both the console and the
/// CLI say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// ZITADEL issued the code.
    Ok,
    /// ZITADEL answered and refused (or answered without the code asked for).
    Refused,
    /// The request may have reached ZITADEL, but no usable answer came back: a time-out, a
    /// connection broken after the request was written, an answer cut off, unreadable or too
    /// large, a 5xx. A code may have been issued (and mailed).
    Unknown,
    /// Nothing left this machine: refused here, or no connection (DNS, refused, TLS).
    NotSent,
}

/// What the console's dialog and the CLI say when the outcome is unknown.
pub const UNKNOWN_OUTCOME: &str =
    "outcome unknown — ZITADEL may have issued a new code; check the user before sending again";

/// What they say when nothing was sent, before the reason.
pub const NOT_SENT: &str = "not sent";

impl Outcome {
    pub fn of(result: &Result<ActionResult, ApiError>) -> Outcome {
        match result {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::of_error(e),
        }
    }

    pub fn of_error(e: &ApiError) -> Outcome {
        match e.delivery() {
            Delivery::NotSent => Outcome::NotSent,
            Delivery::Unknown => Outcome::Unknown,
            Delivery::Answered => match e {
                ApiError::Unavailable(_)
                | ApiError::Server(_)
                | ApiError::Decode { .. }
                | ApiError::TooLarge { .. } => Outcome::Unknown,
                _ => Outcome::Refused,
            },
        }
    }

    /// The audit trail's word.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "error",
            Outcome::Unknown => "unknown",
            Outcome::NotSent => "not_sent",
        }
    }
}

/// What came of one confirmed action.
#[derive(Debug)]
pub struct Issued {
    pub result: Result<ActionResult, ApiError>,
    /// Why the audit line could not be written, if it could not. The result stands anyway.
    pub audit_error: Option<String>,
}

/// Sends exactly one email code request; see [`apply`].
pub async fn issue_code(
    client: &Client,
    audit: Arc<AuditContext>,
    call: CodeCall,
    user_id: &str,
    mode: &CodeMode,
) -> Issued {
    let action = Action::EmailCode {
        call,
        mode: mode.clone(),
    };
    apply(client, audit, user_id, &action).await
}

/// Sends exactly one request, then appends the audit line (off the async thread: the state
/// directory may be on a slow disk).
pub async fn apply(client: &Client, audit: Arc<AuditContext>, user_id: &str, action: &Action) -> Issued {
    let result = client.apply(user_id, action).await;
    let record = audit_record(&audit, user_id, action, &result);
    let (word, mode) = (action.word(), action.mode_word());
    match &result {
        Ok(r) => tracing::info!(user_id, action = word, mode, sequence = ?r.sequence, "action applied"),
        Err(e) => tracing::warn!(user_id, action = word, mode, error = %e.log_line(), "action refused"),
    }
    let log = audit.log.clone();
    let audit_error = match tokio::task::spawn_blocking(move || log.append(&record)).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(e) => Some(format!("the audit writer failed: {e}")),
    };
    if let Some(e) = &audit_error {
        tracing::error!(error = %e, "audit line not written");
    }
    Issued { result, audit_error }
}

/// The audit line for one answer. It holds the sequence, never the code.
pub fn audit_record(
    audit: &AuditContext,
    user_id: &str,
    action: &Action,
    result: &Result<ActionResult, ApiError>,
) -> AuditRecord {
    let (outcome, error, sequence) = match result {
        Ok(r) => ("ok", None, r.sequence),
        Err(e) => (
            Outcome::of_error(e).word(),
            Some(
                e.zitadel_id()
                    .map_or_else(|| e.kind().to_string(), str::to_string),
            ),
            None,
        ),
    };
    AuditRecord {
        time: Timestamp::now(),
        instance: audit.instance.clone(),
        profile: audit.profile.clone(),
        operator: audit.operator.clone(),
        user_id: user_id.to_string(),
        action: action.word().into(),
        mode: action.mode_word().into(),
        url_template: action.url_template().map(|t| t.as_str().to_owned()),
        email: action.new_email().map(str::to_owned),
        outcome: outcome.into(),
        error,
        sequence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::user_id::UserIdError;
    use crate::api::{Call, NotSent, Status};

    #[test]
    fn outcomes_say_whether_a_code_may_exist() {
        let word = |e: ApiError| Outcome::of_error(&e).word();
        let status = |http| Status {
            http,
            ..Status::default()
        };
        assert_eq!(
            word(ApiError::NotSent(NotSent::BadUserId(UserIdError::Empty))),
            "not_sent"
        );
        let refused = ApiError::Connect {
            url: "https://id.example.com".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(word(refused), "not_sent");
        let broken = ApiError::Interrupted {
            call: Call::ResendEmailCode,
            url: "https://id.example.com".into(),
            reason: "connection reset".into(),
        };
        assert_eq!(word(broken), "unknown");
        let timeout = ApiError::Timeout {
            call: Call::ResendEmailCode,
            secs: 15,
        };
        assert_eq!(word(timeout), "unknown");
        assert_eq!(word(ApiError::Unavailable(status(503))), "unknown");
        assert_eq!(word(ApiError::Server(status(500))), "unknown");
        let garbled = ApiError::Decode {
            call: Call::ResendEmailCode,
            http: 200,
            reason: "invalid JSON".into(),
            excerpt: String::new(),
        };
        assert_eq!(word(garbled), "unknown");
        assert_eq!(word(ApiError::PermissionDenied(status(403))), "error");
        assert_eq!(word(ApiError::RateLimited(status(429))), "error");
        let no_code = ApiError::NoCodeReturned {
            call: Call::ResendEmailCode,
        };
        assert_eq!(word(no_code), "error");
    }
}
