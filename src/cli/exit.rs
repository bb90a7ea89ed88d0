//! Exit codes and the one error type of the commands.

use crate::api::ApiError;
use crate::api::query::QueryError;
use crate::settings::SettingsError;

pub const USAGE: u8 = 2;
pub const OTHER: u8 = 5;

/// A failed command: what to print and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: USAGE,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        CliError {
            code: OTHER,
            message: message.into(),
        }
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        let text = super::messages::api_error(&e);
        CliError::api(&e, text)
    }
}

impl CliError {
    /// A failed resend or send: says first whether a code may exist now.
    pub fn mutation(e: ApiError) -> Self {
        let text = super::messages::mutation_error(&e);
        CliError::api(&e, text)
    }

    /// A failed remedy: says first whether it may have taken effect.
    pub fn action(action: &crate::api::Action, e: ApiError) -> Self {
        let text = super::messages::action_error(action, &e);
        CliError::api(&e, text)
    }

    fn api(e: &ApiError, text: String) -> Self {
        tracing::warn!(error = %e.log_line(), "command failed");
        // ZITADEL's id lets an admin find the cause in ZITADEL's own logs and docs.
        let message = match e.zitadel_id() {
            Some(id) => format!("{text} [{id}]"),
            None => text,
        };
        CliError {
            code: e.exit_code(),
            message,
        }
    }
}

impl CliError {
    /// The same failure, said to have happened while doing `what`.
    pub fn prefixed(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl From<SettingsError> for CliError {
    fn from(e: SettingsError) -> Self {
        CliError::usage(e.to_string())
    }
}

impl From<QueryError> for CliError {
    fn from(e: QueryError) -> Self {
        CliError::usage(format!("search not sent: {e}"))
    }
}
