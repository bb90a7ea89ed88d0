//! What the status line says about a failed call: ZITADEL's answer in plain words, with the
//! fix when one is known. All of the console's error wording lives here.

use crate::api::{ApiError, NotSent};

/// One status-line sentence for an error (unsanitised: the view sanitises). Short enough for
/// 80 columns; ZITADEL's own message and id go to the log.
pub fn error_line(e: &ApiError) -> String {
    match e {
        ApiError::Unauthenticated(_) | ApiError::NotSent(NotSent::NotSignedIn { .. }) => {
            "token rejected — expired or wrong instance? Sign in again".into()
        }
        ApiError::PermissionDenied(s) => format!(
            "permission denied — your account lacks user.write in this user's organisation (ZITADEL: {})",
            s.message
        ),
        ApiError::NotFound(_) => "not found — the user no longer exists (Ctrl-R refreshes the list)".into(),
        ApiError::RateLimited(_) => "rate limited by ZITADEL — wait a moment, then try again".into(),
        ApiError::Unavailable(_) | ApiError::Server(_) | ApiError::Timeout { .. } => {
            format!("{e} — Ctrl-R retries")
        }
        // Short forms: the status line has 80 columns, and the fix must be in them.
        ApiError::Connect { .. } => "cannot reach ZITADEL — check the URL and network, then Ctrl-R".into(),
        ApiError::Interrupted { .. } => {
            "the connection to ZITADEL broke — check the network, then Ctrl-R".into()
        }
        ApiError::Decode { .. } => {
            "unexpected answer from ZITADEL — is the URL an instance? Ctrl-R retries".into()
        }
        ApiError::NoPendingCode(_) => {
            format!("{e} (usually the address is already verified); send a fresh code instead")
        }
        ApiError::UserNotInitialised(_) => format!("{e}: send an invite, not a verification mail"),
        other => other.to_string(),
    }
}

/// The same for reading users: a refusal names the read permission and, when known, the org.
pub fn read_error_line(e: &ApiError, org: Option<&str>) -> String {
    match e {
        ApiError::PermissionDenied(_) => match org.filter(|o| !o.is_empty()) {
            Some(org) => format!("permission denied — your account lacks user.read in org {org}"),
            None => "permission denied — your account lacks user.read for these users".into(),
        },
        ApiError::Unimplemented(_) => format!(
            "{e} — check the instance URL; an older ZITADEL may lack the call, or the API flavour is not enabled"
        ),
        other => error_line(other),
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
    fn a_read_refusal_names_the_permission_and_org() {
        let e = ApiError::PermissionDenied(Status {
            http: 403,
            ..Status::default()
        });
        assert_eq!(
            read_error_line(&e, Some("281465201463541763")),
            "permission denied — your account lacks user.read in org 281465201463541763"
        );
        assert!(error_line(&e).contains("user.write"));
    }

    #[test]
    fn a_lost_sign_in_reads_like_a_rejected_token() {
        let e = ApiError::NotSent(NotSent::NotSignedIn {
            profile: "acme".into(),
            reason: "no stored sign-in".into(),
            id: None,
        });
        assert!(error_line(&e).starts_with("token rejected"), "{}", error_line(&e));
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
