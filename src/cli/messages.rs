//! What the CLI says about a failed ZITADEL call: the error's facts (its `Display`) and what
//! the agent can do about it. Every command prints an [`ApiError`] through here.

use crate::action::{NOT_SENT, Outcome, UNKNOWN_OUTCOME};
use crate::api::auth::Credentials;
use crate::api::error::Refusal;
use crate::api::oidc::DeviceError;
use crate::api::template::UrlTemplate;
use crate::api::{Action, ApiError, CodeMode, EmailVerification, Missing, NotSent, PhoneMode, ResetMode};
use crate::settings::Settings;
use crate::text::sanitize;

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

/// Said when `set-email --verified` comes without its confirmation; nothing is sent.
pub const VOUCH_NEEDED: &str = "--verified marks the new address verified without the user proving it is theirs; add --yes-i-vouch if you checked it with them (or let ZITADEL mail a code: --default-link, --url-template, --return-code); nothing was sent";

/// Said when read-only mode refuses a remedy (see [`read_only_refusal`]).
pub const READ_ONLY_REMEDY: &str = "changes are disabled";

/// The sentence for a failed remedy (invite, set-email, phone code, password reset, unlock,
/// reactivate): whether it may have taken effect comes first, as for the resend; a refusal
/// whose cause ZITADEL named is told as that cause with what to do instead.
pub fn action_error(action: &Action, e: &ApiError) -> String {
    match Outcome::of_error(e) {
        Outcome::Unknown => format!("{} ({e})", unknown_outcome(action)),
        Outcome::NotSent => format!("{NOT_SENT}: {}", api_error(e)),
        Outcome::Ok | Outcome::Refused => match (e.refusal(), e) {
            (Some(r), _) => format!("{}{}", r.describe(), refusal_advice(r)),
            (None, ApiError::UserNotInitialised(_)) => {
                format!("{e}: send an invite instead (zitadesk users invite ID …)")
            }
            (None, ApiError::NotFound(_)) => "not found — no such user (or it was deleted)".into(),
            (None, _) => api_error(e),
        },
    }
}

/// "Outcome unknown", in the terms of what the action may have done.
fn unknown_outcome(action: &Action) -> &'static str {
    match action {
        Action::SetEmail { .. } => {
            "outcome unknown — ZITADEL may have changed the address (and issued a code); check the user before trying again"
        }
        Action::Unlock | Action::Reactivate => {
            "outcome unknown — ZITADEL may have applied the change; check the user before trying again"
        }
        _ => UNKNOWN_OUTCOME,
    }
}

/// What to do about a refusal ZITADEL named, appended to its fact.
fn refusal_advice(r: Refusal) -> &'static str {
    match r {
        Refusal::AlreadySetUp => "; send a password reset instead (zitadesk users password-reset ID --email)",
        Refusal::InviteAfterReturnedCode => {
            "; read out the invite code returned earlier (it works until it expires), or send a password reset"
        }
        Refusal::EmailUnchanged => {
            "; nothing changed — to send a new code to it use zitadesk users resend-email"
        }
        Refusal::NoPhoneCode => "; nothing was sent",
        Refusal::NotLocked | Refusal::NotInactive => "; nothing to do",
    }
}

/// The first line of a remedy that ZITADEL accepted: what happens now.
pub fn remedy_done(action: &Action) -> String {
    let link = |t: Option<&UrlTemplate>| match t {
        None => " (with its default link)".to_string(),
        Some(t) => format!(", linking to {}", sanitize(t.as_str())),
    };
    match action {
        Action::EmailCode { .. } => "New verification code issued.".into(),
        Action::Invite {
            mode: CodeMode::Send { url_template },
            application_name,
        } => format!(
            "ZITADEL will mail an invite code to the user's address{}{}.",
            link(url_template.as_ref()),
            application_name
                .as_deref()
                .map(|n| format!(", naming the application {}", sanitize(n)))
                .unwrap_or_default()
        ),
        Action::Invite {
            mode: CodeMode::Return,
            ..
        } => "New invite code issued; ZITADEL mailed nothing.".into(),
        Action::SetEmail { verification, .. } => match verification {
            EmailVerification::Code(CodeMode::Send { url_template }) => format!(
                "Address changed; ZITADEL will mail a verification code to the new address{}.",
                link(url_template.as_ref())
            ),
            EmailVerification::Code(CodeMode::Return) => {
                "Address changed; verification code issued, ZITADEL mailed nothing.".into()
            }
            EmailVerification::Verified => {
                "Address changed and marked verified on your word; ZITADEL mailed nothing.".into()
            }
        },
        Action::PhoneCode(PhoneMode::Send) => {
            "ZITADEL will text a new verification code to the user's phone.".into()
        }
        Action::PhoneCode(PhoneMode::Return) => "New phone code issued; ZITADEL texted nothing.".into(),
        Action::PasswordReset(ResetMode::Email { url_template }) => format!(
            "ZITADEL will mail a password reset link to the user's address{}.",
            link(url_template.as_ref())
        ),
        Action::PasswordReset(ResetMode::Sms) => {
            "ZITADEL will text a password reset link to the user's phone (with its default link).".into()
        }
        Action::PasswordReset(ResetMode::Return) => {
            "Password reset code issued; ZITADEL sent nothing.".into()
        }
        Action::Unlock => "User unlocked.".into(),
        Action::Reactivate => "User reactivated.".into(),
    }
}

/// The last line of a remedy that ZITADEL accepted, when an earlier code stopped working.
pub fn remedy_voids(action: &Action) -> Option<&'static str> {
    match action {
        Action::EmailCode { .. } => Some("Any code sent earlier no longer works."),
        Action::Invite { .. } => Some("Any invite code sent earlier no longer works."),
        Action::SetEmail {
            verification: EmailVerification::Code(_),
            ..
        } => Some("Any email code sent earlier no longer works."),
        Action::PhoneCode(_) => Some("Any phone code sent earlier no longer works."),
        Action::PasswordReset(_) => Some("Any reset link or code sent earlier no longer works."),
        _ => None,
    }
}

/// Said when a returned code could not be written out.
pub fn code_not_shown(e: &std::io::Error) -> String {
    format!(
        "a new code was issued but could not be shown: cannot write to standard output ({e}); the audit trail records it as issued, and the code sent earlier no longer works — run the command again, into a terminal or a file, to issue another"
    )
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

// ---------------------------------------------------------------------------------------------
// Local filtering (`verified:`, `phone-verified:`): what `users list` says about its scan
// ---------------------------------------------------------------------------------------------

/// The stderr line after a scan: how far it went and why it stopped. `limit` is the scan limit
/// in force, for the flag that goes further.
pub fn scan_summary(p: &crate::api::scan::ScanProgress, limit: u64) -> String {
    use crate::text::thousands;
    let scanned = thousands(p.scanned);
    let total = thousands(p.total.unwrap_or(p.scanned));
    let found = match p.matches {
        1 => "1 match".to_string(),
        n => format!("{} matches", thousands(n as u64)),
    };
    if p.complete {
        return format!("filtering locally — scanned all {total}: {found}");
    }
    if p.stopped_at_limit {
        return format!(
            "filtering locally — scanned {scanned} of {total}: {found} (stopped at the scan limit; \
             --scan-limit {} to go further)",
            limit.saturating_mul(2)
        );
    }
    format!("filtering locally — scanned {scanned} of {total}: the first {found} (--limit to show more)")
}

// ---- Organisations by name (issue 13) ----

/// Said before the error when `org:NAME` needed the organisation names and they could not be read.
pub const ORG_NAMES_UNREADABLE: &str = "search not sent: organisation names could not be read, so an org: name cannot be resolved (org:ID still works)";

/// `users show TEXT` found nobody by that email or login name.
pub fn no_user_by_text(text: &str) -> String {
    format!(
        "no user has the email address or login name \"{}\" (exactly, ignoring case) — \
         search with `users list --query` or show by ID",
        crate::text::sanitize(text)
    )
}

/// `users show TEXT` found several users: each as ID, login name, email, to pick by ID.
pub fn several_users_by_text(text: &str, users: &[crate::api::wire::User], total: u64) -> String {
    use crate::text::sanitize;
    let mut out = format!(
        "{} users have the email address or login name \"{}\" — show one by its ID:",
        total.max(users.len() as u64),
        sanitize(text)
    );
    for u in users {
        out.push_str(&format!(
            "\n  {}  {}  {}",
            sanitize(&u.user_id),
            sanitize(&u.preferred_login_name),
            sanitize(crate::userinfo::email(u).unwrap_or("-"))
        ));
    }
    out
}

// --- terminals ---

/// `TERM=dumb` or no `TERM`: the console cannot address the screen; the CLI works anywhere.
pub const DUMB_TERMINAL: &str = "the console needs a terminal that can address the screen (TERM is dumb or unset); \
set TERM (e.g. TERM=xterm) or use the CLI: `zitadesk users list|show|resend-email` (see --help)";
// --- issue 14 CLI papercuts ---

/// The `users list` footer, on stderr below the table: how many of how many, from where.
pub fn list_footer(shown: usize, total: u64, offset: u64) -> String {
    match shown {
        0 if total == 0 => "no users match".to_string(),
        // An offset is typed back as `--offset N`: plain digits, unlike the counts.
        _ => format!(
            "{} shown of {} matching (from offset {offset})",
            crate::text::thousands(shown as u64),
            crate::text::thousands(total),
        ),
    }
}

/// The footer of `users list` with local terms (`verified:`, …).
pub fn scan_footer(found: usize) -> String {
    match found {
        0 => "no users match among those scanned".to_string(),
        n => format!("{n} matching shown"),
    }
}

/// `zitadesk audit` with nothing to show: an empty trail, or no line passing the filter.
pub fn audit_empty(place: &str, filtered: bool) -> String {
    match filtered {
        true => format!("no audit records match (--user, --since, --action) in {place}"),
        false => format!("no resends recorded yet in {place}"),
    }
}

/// Said when read-only mode refuses a resend (see [`read_only_refusal`]).
pub const READ_ONLY_RESEND: &str = "resending is disabled";

/// Read-only mode's refusal of `what`, naming what switched it on: the flag, the variable or
/// the profile by name.
pub fn read_only_refusal(what: &str, settings: &Settings) -> String {
    let source = settings
        .read_only_source()
        .map_or_else(|| "--read-only".to_string(), ToString::to_string);
    format!(
        "read-only mode: {what} (set by {}); nothing was sent",
        sanitize(&source)
    )
}

/// `doctor`'s reachable check when the base URL answered as ZITADEL's does (2xx, 3xx).
pub fn doctor_reachable(host: &str, status: u16, tls: bool) -> String {
    let tls = if tls { ", TLS certificate valid" } else { "" };
    format!("{host} answered (HTTP {status}){tls}")
}

/// `doctor`'s reachable check when the base URL answered with an error status: the host is
/// there, but what answered is not ZITADEL's base URL (which redirects to its login).
pub fn doctor_reachable_not_zitadel(host: &str, status: u16, path: &str, tls: bool) -> String {
    let tls = if tls { "; TLS certificate valid" } else { "" };
    format!(
        "{host} answered HTTP {status} at {path} — that is not ZITADEL answering (ZITADEL redirects its base URL to its login page): a proxy, another site or a wrong path in the URL; the discovery check tells whether an instance is behind it{tls}"
    )
}

/// The man page's FILES section: each path with what it holds (see `manual`).
pub const MAN_FILES: [(&str, &str); 4] = [
    (
        "$XDG_CONFIG_HOME/zitadesk/config.toml (~/.config/zitadesk/config.toml)",
        "Profiles: instance URL, credentials source, link templates (--config or ZITADESK_CONFIG for another). \
         `zitadesk config init` writes a commented example. Its directory must be writable by you alone.",
    ),
    (
        "/usr/share/doc/zitadesk/config.example.toml",
        "The same commented example, as the package installs it.",
    ),
    (
        "$XDG_STATE_HOME/zitadesk/audit.jsonl (~/.local/state/zitadesk/audit.jsonl)",
        "The audit trail: one JSON line per action taken from this account (`zitadesk audit` prints it). \
         Device-login tokens are kept beside it; the directory must be writable by you alone.",
    ),
    (
        "$XDG_STATE_HOME/zitadesk/logs/",
        "One log file a day, a week kept (ZITADESK_LOG=debug for more); every line escaped.",
    ),
];

/// The man page's SEE ALSO section.
pub const MAN_SEE_ALSO: &str = "zitadesk-users(1), zitadesk-doctor(1), zitadesk-config(1); the README in the source for the console's keys.";

/// After `zitadesk man --out-dir DIR` (on stderr: stdout stays for data).
pub fn man_pages_written(count: usize, dir: &std::path::Path) -> String {
    format!(
        "zitadesk: {count} man pages written to {}",
        crate::text::display_path(dir)
    )
}

/// `zitadesk man --out-dir DIR` could not write there.
pub fn man_dir_error(dir: &std::path::Path, e: &std::io::Error) -> String {
    format!(
        "cannot write the man pages to {}: {e}",
        crate::text::display_path(dir)
    )
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

    fn refused(id: &str) -> ApiError {
        ApiError::FailedPrecondition(Status {
            http: 400,
            code: Some(9),
            id: Some(id.into()),
            message: "whatever ZITADEL says".into(),
        })
    }

    #[test]
    fn a_named_refusal_says_its_cause_and_what_to_do_instead() {
        let invite = Action::Invite {
            mode: CodeMode::Return,
            application_name: None,
        };
        let cases = [
            (
                &invite,
                "COMMAND-EF34g",
                "the user has already set up a way to sign in (a password, passkey or identity provider), so there is nothing to invite them to; send a password reset instead (zitadesk users password-reset ID --email)",
            ),
            (
                &Action::Unlock,
                "COMMAND-olb9vb0oca",
                "the user is not locked; nothing to do",
            ),
            (
                &Action::Reactivate,
                "COMMAND-s5qqcz97hf",
                "the user is not inactive; nothing to do",
            ),
            (
                &Action::PhoneCode(PhoneMode::Send),
                "PHONE-5xrra88eq8",
                "ZITADEL holds no phone code to resend: the user has no phone, the phone is verified, or no code was issued; nothing was sent",
            ),
        ];
        for (action, id, want) in cases {
            assert_eq!(action_error(action, &refused(id)), want, "{id}");
        }
        let same = Action::SetEmail {
            email: "a@b.test".into(),
            verification: EmailVerification::Verified,
        };
        let text = action_error(&same, &refused("COMMAND-Uch5e"));
        assert!(
            text.starts_with("that is already the user's address; nothing changed"),
            "{text}"
        );
        // An id ZITADEL gives for something else keeps ZITADEL's own words.
        let other = action_error(&Action::Unlock, &refused("COMMAND-other"));
        assert_eq!(other, "ZITADEL refused: whatever ZITADEL says");
    }

    #[test]
    fn a_password_reset_for_a_user_not_set_up_says_to_invite() {
        let e = ApiError::UserNotInitialised(status(400, "User is not yet initialized"));
        let text = action_error(&Action::PasswordReset(ResetMode::Sms), &e);
        assert_eq!(
            text,
            "the user has not finished setting up their account: send an invite instead (zitadesk users invite ID …)"
        );
    }

    #[test]
    fn an_unknown_outcome_is_said_in_the_terms_of_the_action() {
        let lost = ApiError::Timeout {
            call: Call::UnlockUser,
            secs: 15,
        };
        let text = action_error(&Action::Unlock, &lost);
        assert!(
            text.starts_with(
                "outcome unknown — ZITADEL may have applied the change; check the user before trying again ("
            ),
            "{text}"
        );
        let text = action_error(&Action::PasswordReset(ResetMode::Return), &lost);
        assert!(text.starts_with(UNKNOWN_OUTCOME), "{text}");
        let nothing = ApiError::Connect {
            url: "https://id.example.com".into(),
            reason: "connection refused".into(),
        };
        let text = action_error(&Action::Reactivate, &nothing);
        assert!(text.starts_with("not sent: cannot reach ZITADEL"), "{text}");
    }

    #[test]
    fn a_refused_or_expired_device_login_says_to_sign_in_again() {
        for e in [DeviceError::Denied, DeviceError::Expired] {
            let text = device_error(&e);
            assert!(text.contains("zitadesk login"), "{text}");
        }
    }

    #[test]
    fn the_scan_summary_says_how_far_and_why_it_stopped() {
        use crate::api::scan::ScanProgress;
        let p = ScanProgress {
            matches: 1_204,
            scanned: 4_000,
            total: Some(51_230),
            complete: false,
            stopped_at_limit: true,
            full: false,
        };
        assert_eq!(
            scan_summary(&p, 4_000),
            "filtering locally — scanned 4,000 of 51,230: 1,204 matches (stopped at the scan limit; \
             --scan-limit 8000 to go further)"
        );
        let done = ScanProgress {
            matches: 1,
            scanned: 6_012,
            total: Some(6_012),
            complete: true,
            stopped_at_limit: false,
            full: false,
        };
        assert_eq!(
            scan_summary(&done, 5_000),
            "filtering locally — scanned all 6,012: 1 match"
        );
        let full = ScanProgress {
            matches: 100,
            scanned: 1_000,
            complete: false,
            stopped_at_limit: false,
            full: true,
            ..p
        };
        assert_eq!(
            scan_summary(&full, 5_000),
            "filtering locally — scanned 1,000 of 51,230: the first 100 matches (--limit to show more)"
        );
    }

    #[test]
    fn several_users_are_listed_by_id_login_and_email() {
        let user = |id: &str, login: &str| crate::api::wire::User {
            user_id: id.into(),
            preferred_login_name: login.into(),
            ..Default::default()
        };
        let text = several_users_by_text("a@b", &[user("1", "a@b"), user("2", "x\u{1b}[2J")], 2);
        assert_eq!(
            text,
            format!(
                "2 users have the email address or login name \"a@b\" — show one by its ID:\n  1  a@b  -\n  2  {}  -",
                crate::text::sanitize("x\u{1b}[2J")
            )
        );
    }
}
