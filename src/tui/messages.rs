//! What the status line says about a failed call: ZITADEL's answer in plain words, with the
//! fix when one is known. All of the console's error wording lives here.

use crate::api::ApiError;

/// One status-line sentence for an error (unsanitised: the view sanitises).
pub fn error_line(e: &ApiError) -> String {
    match e {
        ApiError::Unauthenticated(_) => {
            "token rejected — expired or wrong instance? Sign in again or check ZITADEL_TOKEN".into()
        }
        ApiError::PermissionDenied(s) => {
            format!(
                "permission denied — your account lacks user.read/user.write here ({})",
                s.message
            )
        }
        ApiError::NotFound(_) => "not found — the user no longer exists (Ctrl-R refreshes the list)".into(),
        ApiError::RateLimited(_) => "rate limited by ZITADEL — wait a moment, then Ctrl-R".into(),
        ApiError::Unavailable(_) | ApiError::Server(_) => format!("{e} — Ctrl-R retries"),
        ApiError::Timeout { .. } => format!("{e} — Ctrl-R retries"),
        ApiError::Connect { .. } => format!("{e} — check the URL and network, then Ctrl-R"),
        ApiError::Decode { .. } => format!("{e} — is the URL really a ZITADEL instance?"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Call, Status};

    #[test]
    fn a_401_tells_the_agent_what_to_do() {
        let e = ApiError::Unauthenticated(Status {
            http: 401,
            ..Status::default()
        });
        assert!(error_line(&e).starts_with("token rejected — expired or wrong instance?"));
    }

    #[test]
    fn transient_failures_point_at_refresh() {
        let e = ApiError::Timeout {
            call: Call::ListUsers,
            secs: 15,
        };
        assert!(error_line(&e).ends_with("Ctrl-R retries"), "{}", error_line(&e));
    }
}
