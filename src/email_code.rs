//! Issuing an email code and recording it: the one path both the CLI and the console take, so
//! every confirmed action is audited the same way. Never retried (see `api::client`).

use std::sync::Arc;

use jiff::Timestamp;

use crate::api::{ApiError, Client, CodeMode, EmailCodeResult};
use crate::audit::{AuditLog, AuditRecord};

/// Which call issues the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCall {
    /// ResendEmailCode: replaces a pending code; refused when none is pending.
    Resend,
    /// SendEmailCode: issues a fresh code even when none is pending.
    Send,
}

impl CodeCall {
    pub fn word(self) -> &'static str {
        match self {
            CodeCall::Resend => "resend",
            CodeCall::Send => "send",
        }
    }
}

/// Who and where, for the audit line.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub log: AuditLog,
    pub instance: String,
    pub profile: Option<String>,
    pub operator: Option<String>,
}

/// What came of one confirmed action.
#[derive(Debug)]
pub struct Issued {
    pub result: Result<EmailCodeResult, ApiError>,
    /// Why the audit line could not be written, if it could not. The result stands anyway.
    pub audit_error: Option<String>,
}

/// Sends exactly one request, then appends the audit line (off the async thread: the state
/// directory may be on a slow disk).
pub async fn issue_code(
    client: &Client,
    audit: Arc<AuditContext>,
    call: CodeCall,
    user_id: &str,
    mode: &CodeMode,
) -> Issued {
    let result = match call {
        CodeCall::Resend => client.resend_email_code(user_id, mode).await,
        CodeCall::Send => client.send_email_code(user_id, mode).await,
    };
    let record = audit_record(&audit, call, user_id, mode, &result);
    match &result {
        Ok(r) => {
            tracing::info!(user_id, action = call.word(), mode = mode.word(), sequence = ?r.sequence, "email code issued")
        }
        Err(e) => {
            tracing::warn!(user_id, action = call.word(), mode = mode.word(), error = %e.log_line(), "email code refused")
        }
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
    call: CodeCall,
    user_id: &str,
    mode: &CodeMode,
    result: &Result<EmailCodeResult, ApiError>,
) -> AuditRecord {
    let url_template = match mode {
        CodeMode::Send { url_template } => url_template.as_ref().map(|t| t.as_str().to_owned()),
        CodeMode::Return => None,
    };
    let (outcome, error, sequence) = match result {
        Ok(r) => ("ok", None, r.sequence),
        Err(e) => (
            outcome_of(e),
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
        action: call.word().into(),
        mode: mode.word().into(),
        url_template,
        outcome: outcome.into(),
        error,
        sequence,
    }
}

/// How a failed call ended for the audit: `not_sent` (refused here, or no connection),
/// `unknown` (the request may have reached ZITADEL — no answer in time, a broken connection,
/// a 5xx, an answer that could not be read — so a code may have been issued), or `error`
/// (ZITADEL refused).
pub fn outcome_of(e: &ApiError) -> &'static str {
    match e {
        ApiError::Credentials(_) | ApiError::Connect { .. } | ApiError::NotSent(_) => "not_sent",
        ApiError::Timeout { .. }
        | ApiError::Interrupted { .. }
        | ApiError::TooLarge { .. }
        | ApiError::Unavailable(_)
        | ApiError::Server(_)
        | ApiError::Decode { .. } => "unknown",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Call, NotSent, Status};

    #[test]
    fn outcomes_say_whether_a_code_may_exist() {
        let refused_here = ApiError::NotSent(NotSent::EmptyUserId);
        assert_eq!(outcome_of(&refused_here), "not_sent");
        let broken = ApiError::Interrupted {
            call: Call::ResendEmailCode,
            url: "https://id.example.com".into(),
            reason: "connection reset".into(),
        };
        assert_eq!(outcome_of(&broken), "unknown");
        let timeout = ApiError::Timeout {
            call: Call::ResendEmailCode,
            secs: 15,
        };
        assert_eq!(outcome_of(&timeout), "unknown");
        let gateway = ApiError::Unavailable(Status {
            http: 503,
            ..Status::default()
        });
        assert_eq!(outcome_of(&gateway), "unknown");
        let denied = ApiError::PermissionDenied(Status {
            http: 403,
            ..Status::default()
        });
        assert_eq!(outcome_of(&denied), "error");
    }
}
