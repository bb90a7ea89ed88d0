//! Helpdesk-facing facts derived from a wire [`User`], shared by the CLI and the console.
//!
//! Strings returned here are NOT sanitised: whoever prints them passes them through
//! [`crate::text`].

use std::borrow::Cow;
use std::fmt;

use crate::api::wire::{AuthenticationMethodType, User, UserState};

/// Whether a user can receive mail from ZITADEL, as the helpdesk needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailStatus {
    Verified,
    NotVerified,
    /// A human without an email address (or the server left it out).
    NoEmail,
    /// Machine users have no email at all.
    Machine,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Verified => "verified",
            EmailStatus::NotVerified => "not verified",
            EmailStatus::NoEmail => "no email",
            EmailStatus::Machine => "machine",
        }
    }
}

impl fmt::Display for EmailStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub fn email_status(u: &User) -> EmailStatus {
    if u.machine.is_some() && u.human.is_none() {
        return EmailStatus::Machine;
    }
    match u.human.as_ref().and_then(|h| h.email.as_ref()) {
        Some(e) if e.email.trim().is_empty() => EmailStatus::NoEmail,
        Some(e) if e.is_verified => EmailStatus::Verified,
        Some(_) => EmailStatus::NotVerified,
        None => EmailStatus::NoEmail,
    }
}

/// The human's email address, if there is a non-blank one.
pub fn email(u: &User) -> Option<&str> {
    u.human
        .as_ref()
        .and_then(|h| h.email.as_ref())
        .map(|e| e.email.as_str())
        .filter(|e| !e.trim().is_empty())
}

fn non_blank(s: &str) -> Option<&str> {
    (!s.trim().is_empty()).then_some(s)
}

/// The name to show for a user: the profile's display name, else "given family", else the
/// machine name, else the username (which may be empty).
pub fn display_name(u: &User) -> Cow<'_, str> {
    if let Some(p) = u.human.as_ref().and_then(|h| h.profile.as_ref()) {
        if let Some(d) = p.display_name.as_deref().and_then(non_blank) {
            return Cow::Borrowed(d);
        }
        match (non_blank(&p.given_name), non_blank(&p.family_name)) {
            (Some(g), Some(f)) => return Cow::Owned(format!("{} {}", g.trim(), f.trim())),
            (Some(n), None) | (None, Some(n)) => return Cow::Borrowed(n),
            (None, None) => {}
        }
    }
    if let Some(name) = u.machine.as_ref().and_then(|m| non_blank(&m.name)) {
        return Cow::Borrowed(name);
    }
    Cow::Borrowed(&u.username)
}

/// The state as a word; `USER_STATE_UNSPECIFIED` (also what ZITADEL reports for its internal
/// "suspended" state, and what an unknown future state decodes to) is "unknown".
pub fn state_word(s: UserState) -> &'static str {
    match s {
        UserState::Active => "active",
        UserState::Inactive => "inactive",
        UserState::Locked => "locked",
        UserState::Initial => "initial",
        UserState::Deleted => "deleted",
        UserState::Unspecified => "unknown",
    }
}

/// "human" or "machine"; "unknown" if the server sent neither (not seen from ZITADEL).
pub fn kind_word(u: &User) -> &'static str {
    match (&u.human, &u.machine) {
        (Some(_), _) => "human",
        (None, Some(_)) => "machine",
        (None, None) => "unknown",
    }
}

pub fn auth_method_word(m: AuthenticationMethodType) -> &'static str {
    match m {
        AuthenticationMethodType::Password => "password",
        AuthenticationMethodType::Passkey => "passkey",
        AuthenticationMethodType::Idp => "IDP",
        AuthenticationMethodType::Totp => "TOTP",
        AuthenticationMethodType::U2f => "U2F",
        AuthenticationMethodType::OtpSms => "OTP SMS",
        AuthenticationMethodType::OtpEmail => "OTP email",
        AuthenticationMethodType::RecoveryCode => "recovery codes",
        AuthenticationMethodType::Unspecified => "unknown",
    }
}

/// The configured sign-in methods, comma-separated, or an explanation when there are none.
pub fn auth_methods_summary(methods: &[AuthenticationMethodType]) -> String {
    if methods.is_empty() {
        return "none — the user cannot log in yet".to_owned();
    }
    methods
        .iter()
        .map(|&m| auth_method_word(m))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{HumanEmail, HumanProfile, HumanUser, MachineUser};

    fn human(given: &str, family: &str, display: Option<&str>, email: Option<HumanEmail>) -> User {
        User {
            user_id: "1".into(),
            username: "jdoe".into(),
            human: Some(HumanUser {
                profile: Some(HumanProfile {
                    given_name: given.into(),
                    family_name: family.into(),
                    display_name: display.map(Into::into),
                    ..Default::default()
                }),
                email,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn machine(name: &str) -> User {
        User {
            username: "svc".into(),
            machine: Some(MachineUser {
                name: name.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn mail(email: &str, is_verified: bool) -> Option<HumanEmail> {
        Some(HumanEmail {
            email: email.into(),
            is_verified,
        })
    }

    #[test]
    fn email_status_covers_every_case() {
        let verified = human("A", "B", None, mail("a@x", true));
        assert_eq!(email_status(&verified), EmailStatus::Verified);
        assert_eq!(email(&verified), Some("a@x"));
        let unverified = human("A", "B", None, mail("a@x", false));
        assert_eq!(email_status(&unverified), EmailStatus::NotVerified);
        assert_eq!(email_status(&human("A", "B", None, None)), EmailStatus::NoEmail);
        let blank = human("A", "B", None, mail(" ", true));
        assert_eq!(email_status(&blank), EmailStatus::NoEmail);
        assert_eq!(email(&blank), None);
        assert_eq!(email_status(&machine("svc")), EmailStatus::Machine);
        assert_eq!(email(&machine("svc")), None);
        assert_eq!(email_status(&User::default()), EmailStatus::NoEmail);
    }

    #[test]
    fn email_status_words() {
        let words: Vec<String> = [
            EmailStatus::Verified,
            EmailStatus::NotVerified,
            EmailStatus::NoEmail,
            EmailStatus::Machine,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(words, ["verified", "not verified", "no email", "machine"]);
    }

    #[test]
    fn display_name_falls_back_in_order() {
        assert_eq!(display_name(&human("Jane", "Doe", Some("JD"), None)), "JD");
        assert_eq!(display_name(&human("Jane", "Doe", Some("  "), None)), "Jane Doe");
        assert_eq!(display_name(&human("Jane", "", None, None)), "Jane");
        assert_eq!(display_name(&human("", "Doe", None, None)), "Doe");
        assert_eq!(display_name(&human("", "", None, None)), "jdoe");
        assert_eq!(display_name(&machine("Build bot")), "Build bot");
        assert_eq!(display_name(&machine("")), "svc");
    }

    #[test]
    fn words_for_states_kinds_and_methods() {
        assert_eq!(state_word(UserState::Active), "active");
        assert_eq!(state_word(UserState::Locked), "locked");
        assert_eq!(state_word(UserState::Unspecified), "unknown");
        assert_eq!(kind_word(&human("A", "B", None, None)), "human");
        assert_eq!(kind_word(&machine("m")), "machine");
        assert_eq!(kind_word(&User::default()), "unknown");
        assert_eq!(auth_method_word(AuthenticationMethodType::OtpEmail), "OTP email");
        assert_eq!(
            auth_method_word(AuthenticationMethodType::RecoveryCode),
            "recovery codes"
        );
    }

    #[test]
    fn auth_methods_summary_joins_or_explains() {
        use AuthenticationMethodType::*;
        assert_eq!(auth_methods_summary(&[Password, Passkey]), "password, passkey");
        assert_eq!(auth_methods_summary(&[Idp]), "IDP");
        assert_eq!(auth_methods_summary(&[]), "none — the user cannot log in yet");
    }
}
