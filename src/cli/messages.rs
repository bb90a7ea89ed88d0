//! What the CLI says about a failed ZITADEL call: the error's facts (its `Display`) and what
//! the agent can do about it. Every command prints an [`ApiError`] through here.

use crate::action::{NOT_SENT, Outcome, UNKNOWN_OUTCOME};
use crate::api::auth::Credentials;
use crate::api::oidc::DeviceError;
use crate::api::{ApiError, Missing, NotSent};
use crate::settings::Settings;

/// The sentence for stderr or a doctor check (unsanitised: the printer sanitises).
pub fn api_error(e: &ApiError) -> String {
    match e {
        ApiError::NotSent(NotSent::NotSignedIn { profile, .. }) => {
            format!("{e} — run `zitadesk login --profile {profile}`")
        }
        // The CLI names the likely reasons; the console words them for its own reader.
        ApiError::PermissionDenied(s) => format!(
            "permission denied — your account lacks the rights for this user's organisation (ZITADEL: {})",
            s.message
        ),
        ApiError::NotFound(_) => "not found — no such user (or it was deleted, or has no email)".into(),
        ApiError::Unsupported { what, .. } => format!("{e}{}", missing_advice(*what)),
        _ => format!("{e}{}", advice(e)),
    }
}

/// The sentence for a failed resend or send: whether a code may exist now comes first, in
/// the words the console uses too ([`crate::action::UNKNOWN_OUTCOME`]).
pub fn mutation_error(e: &ApiError) -> String {
    match Outcome::of_error(e) {
        Outcome::Unknown => format!("{UNKNOWN_OUTCOME} ({e})"),
        Outcome::NotSent => format!("{NOT_SENT}: {}", api_error(e)),
        Outcome::Ok | Outcome::Refused => api_error(e),
    }
}

/// What to try, appended to the facts; empty when the facts say it all.
fn advice(e: &ApiError) -> &'static str {
    match e {
        ApiError::Unauthenticated(_) => " — check the token or key file, or sign in again",
        ApiError::NoPendingCode(_) => {
            ": ZITADEL holds no code to resend (the address is verified, or none was issued, or it was used or replaced); --send-if-none issues a fresh one"
        }
        ApiError::UserNotInitialised(_) => ": send an invite, not a verification mail",
        ApiError::Unimplemented(_) => {
            " — check the instance URL; an older ZITADEL may lack the call, or the API flavour is not enabled"
        }
        ApiError::RateLimited(_) => " — wait a moment and try again",
        ApiError::Unavailable(_) => " — try again shortly",
        ApiError::NotSent(NotSent::NoEndpoint { .. }) => " — is device login enabled on this ZITADEL?",
        _ => "",
    }
}

/// What to do instead of what this ZITADEL lacks (shared with the console's wording).
fn missing_advice(what: Missing) -> &'static str {
    match what {
        Missing::PhoneSearch => "; nothing was searched — search by name or email instead",
        Missing::SendCall => {
            " — if the address is not verified, use \"Resend verification\" on the user in ZITADEL's console; a verified address needs no code"
        }
        Missing::V3AlphaSchemaUsersOnly => "; use api = \"v2\" (--api v2) for ordinary users",
    }
}

/// Said when later pages repeated users of earlier ones (shown once): ZITADEL sorts by one
/// column without a tie-breaker, and users added or removed shift the offsets.
pub fn order_shifted(repeated: usize, sorted: bool) -> String {
    let users = if repeated == 1 { "1 user" } else { "users" };
    let count = if repeated == 1 {
        String::new()
    } else {
        format!("{repeated} ")
    };
    let fix = if sorted {
        "equal values in the --sort column, or users added or removed meanwhile); leave out --sort (sorted by the unique user ID) for a stable order"
    } else {
        "users added or removed meanwhile); run it again for a consistent list"
    };
    format!(
        "the order shifted between pages: {count}{users} came twice and {} shown once, and as many may be missing ({fix}",
        if repeated == 1 { "is" } else { "are" }
    )
}

/// Why `zitadesk login` ended without tokens, and what to do.
pub fn device_error(e: &DeviceError) -> String {
    match e {
        DeviceError::Denied => format!("{e} — run `zitadesk login` again and approve the request"),
        DeviceError::Expired => format!("{e} — run `zitadesk login` again and approve it sooner"),
        DeviceError::Failed(api) => format!("sign-in failed: {}", api_error(api)),
    }
}

/// What to do when the token check of `doctor` fails.
pub fn token_fix(settings: &Settings) -> String {
    match &settings.credentials {
        Credentials::Token(_) => {
            "the token was refused: create a new personal access token for the service user and set ZITADEL_TOKEN (or the profile's token_file)".into()
        }
        Credentials::ServiceKey(_) => {
            "the key was refused: check that it belongs to this instance and is not expired or deleted (download a new key for the service user)".into()
        }
        Credentials::Device(_) => format!(
            "sign in again: zitadesk login{}",
            settings.profile.as_deref().map(|p| format!(" --profile {p}")).unwrap_or_default()
        ),
    }
}

/// What to do when one of `doctor`'s API checks fails.
pub fn api_fix(e: &ApiError, settings: &Settings) -> String {
    match e {
        ApiError::Unauthenticated(_) | ApiError::NotSent(NotSent::NotSignedIn { .. }) => token_fix(settings),
        ApiError::PermissionDenied(_) => {
            "grant the account a role with user.read (ORG_USER_MANAGER or IAM_USER_MANAGER)".into()
        }
        ApiError::Unimplemented(_) => {
            "this URL does not serve ZITADEL's v2 API: check the URL and the ZITADEL version".into()
        }
        _ => "try again; if it persists, see the log (zitadesk --help lists its folder)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Call, Status};

    fn status(http: u16, message: &str) -> Status {
        Status {
            http,
            message: message.into(),
            ..Status::default()
        }
    }

    /// The CLI's sentences are the ones it printed before the advice left `ApiError`.
    #[test]
    fn sentences_keep_the_facts_and_add_the_advice() {
        let cases = [
            (
                ApiError::Unauthenticated(status(401, "Errors.Token.Invalid")),
                "not signed in: ZITADEL rejected the credentials (Errors.Token.Invalid) — check the token or key file, or sign in again",
            ),
            (
                ApiError::NotSent(NotSent::NotSignedIn {
                    profile: "acme".into(),
                    reason: "no stored sign-in".into(),
                    id: None,
                }),
                "not signed in: no stored sign-in for profile acme — run `zitadesk login --profile acme`",
            ),
            (
                ApiError::PermissionDenied(status(403, "No matching permissions found")),
                "permission denied — your account lacks the rights for this user's organisation (ZITADEL: No matching permissions found)",
            ),
            (
                ApiError::NotFound(status(404, "User not found")),
                "not found — no such user (or it was deleted, or has no email)",
            ),
            (
                ApiError::NoPendingCode(status(400, "Code is empty")),
                "no pending code — nothing to resend: ZITADEL holds no code to resend (the address is verified, or none was issued, or it was used or replaced); --send-if-none issues a fresh one",
            ),
            (
                ApiError::UserNotInitialised(status(400, "not initialised")),
                "the user has not finished setting up their account: send an invite, not a verification mail",
            ),
            (
                ApiError::Unimplemented(status(404, "Not Found")),
                "no such API at this URL (HTTP 404) — check the instance URL; an older ZITADEL may lack the call, or the API flavour is not enabled",
            ),
            (
                ApiError::RateLimited(status(429, "")),
                "rate limited by ZITADEL (HTTP 429) — wait a moment and try again",
            ),
            (
                ApiError::Unavailable(status(503, "")),
                "ZITADEL is unavailable (HTTP 503) — try again shortly",
            ),
            (
                ApiError::Server(status(500, "boom")),
                "ZITADEL had an internal error (HTTP 500): boom",
            ),
            (
                ApiError::NotSent(NotSent::NoEndpoint {
                    name: "device_authorization_endpoint",
                }),
                "the instance's discovery document names no device_authorization_endpoint — is device login enabled on this ZITADEL?",
            ),
            (
                ApiError::Timeout {
                    call: Call::Permissions,
                    secs: 15,
                },
                "no answer from ZITADEL within 15 s while reading your permissions",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(api_error(&e), want, "{e:?}");
        }
    }

    #[test]
    fn what_this_zitadel_lacks_is_said_with_what_to_do_instead() {
        let lacks = |what| ApiError::Unsupported {
            what,
            status: status(400, ""),
        };
        assert_eq!(
            api_error(&lacks(Missing::PhoneSearch)),
            "this ZITADEL cannot search by phone (phone search came with v2.67); nothing was searched — search by name or email instead"
        );
        assert_eq!(
            api_error(&lacks(Missing::V3AlphaSchemaUsersOnly)),
            "this instance's v3alpha API serves only schema users, and this is not one; use api = \"v2\" (--api v2) for ordinary users"
        );
        let send = mutation_error(&lacks(Missing::SendCall));
        assert!(
            send.starts_with("this ZITADEL has no send call for a fresh email code (it came with v2.67) — if the address is not verified, use \"Resend verification\""),
            "{send}"
        );
    }

    #[test]
    fn a_refused_or_expired_device_login_says_to_sign_in_again() {
        for e in [DeviceError::Denied, DeviceError::Expired] {
            let text = device_error(&e);
            assert!(text.contains("zitadesk login"), "{text}");
        }
    }
}
