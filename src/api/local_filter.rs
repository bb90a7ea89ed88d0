//! Search terms ZITADEL cannot answer: whether a user's email or phone is verified. ListUsers
//! has no query for either, so these terms are never sent; zitadesk filters the users the
//! server-side terms return, page by page (see `api::scan`). This module is the predicate: pure,
//! over one [`User`].
//!
//! `verified:true|false` asks about the email: a human with a (non-blank) verified address, or
//! with one not yet verified. A machine user, or a human without an address, is neither.
//! `phone-verified:true|false` likewise asks about the phone: `phone-verified:false` means "has
//! a phone number that is not verified" — a user without a phone matches neither. A leading `-`
//! negates the whole term, as it does for the server-side ones: `-verified:true` is everyone
//! whose address is *not* verified, machines and users without an address included.

use super::wire::User;
use crate::userinfo::{self, EmailStatus};

/// What a local term asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalField {
    /// `verified:` — the email address.
    EmailVerified,
    /// `phone-verified:` — the phone number.
    PhoneVerified,
}

/// One local term: `field:value`, perhaps negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTerm {
    pub field: LocalField,
    /// `true` for `verified:true`, `false` for `verified:false`.
    pub verified: bool,
    pub negated: bool,
}

impl LocalTerm {
    pub fn matches(&self, user: &User) -> bool {
        let holds = match self.field {
            LocalField::EmailVerified => match userinfo::email_status(user) {
                EmailStatus::Verified => self.verified,
                EmailStatus::NotVerified => !self.verified,
                EmailStatus::Machine | EmailStatus::NoEmail => false,
            },
            LocalField::PhoneVerified => user
                .human
                .as_ref()
                .and_then(|h| h.phone.as_ref())
                .filter(|p| !p.phone.trim().is_empty())
                .is_some_and(|p| p.is_verified == self.verified),
        };
        holds != self.negated
    }
}

/// The local terms of a search, ANDed. Empty: every user matches and nothing is scanned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalFilter {
    pub terms: Vec<LocalTerm>,
}

impl LocalFilter {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, user: &User) -> bool {
        self.terms.iter().all(|t| t.matches(user))
    }
}

/// The names a local term goes by (lower case, without the colon).
pub fn local_field(name: &str) -> Option<LocalField> {
    match name.to_ascii_lowercase().as_str() {
        "verified" => Some(LocalField::EmailVerified),
        "phone-verified" => Some(LocalField::PhoneVerified),
        _ => None,
    }
}

/// `true|yes` or `false|no`, case ignored.
pub fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{HumanEmail, HumanPhone, HumanUser, MachineUser};

    fn human(email: Option<(&str, bool)>, phone: Option<(&str, bool)>) -> User {
        User {
            user_id: "1".into(),
            human: Some(HumanUser {
                email: email.map(|(e, v)| HumanEmail {
                    email: e.into(),
                    is_verified: v,
                }),
                phone: phone.map(|(p, v)| HumanPhone {
                    phone: p.into(),
                    is_verified: v,
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    fn machine() -> User {
        User {
            user_id: "2".into(),
            machine: Some(MachineUser::default()),
            ..User::default()
        }
    }

    fn term(field: LocalField, verified: bool, negated: bool) -> LocalTerm {
        LocalTerm {
            field,
            verified,
            negated,
        }
    }

    #[test]
    fn email_verified_is_about_humans_with_an_address() {
        let yes = term(LocalField::EmailVerified, true, false);
        let no = term(LocalField::EmailVerified, false, false);
        let verified = human(Some(("a@x", true)), None);
        let unverified = human(Some(("a@x", false)), None);
        let none = human(None, None);
        let blank = human(Some(("  ", false)), None);
        assert!(yes.matches(&verified) && !no.matches(&verified));
        assert!(!yes.matches(&unverified) && no.matches(&unverified));
        for neither in [&none, &blank, &machine()] {
            assert!(!yes.matches(neither) && !no.matches(neither), "{neither:?}");
        }
        // Negation is logical: everyone not verified, machines included.
        let not_yes = term(LocalField::EmailVerified, true, true);
        assert!(!not_yes.matches(&verified));
        assert!(not_yes.matches(&unverified) && not_yes.matches(&machine()) && not_yes.matches(&none));
    }

    #[test]
    fn phone_verified_false_means_a_phone_that_is_not_verified() {
        let yes = term(LocalField::PhoneVerified, true, false);
        let no = term(LocalField::PhoneVerified, false, false);
        let verified = human(None, Some(("+41790000000", true)));
        let unverified = human(None, Some(("+41790000000", false)));
        let no_phone = human(Some(("a@x", false)), None);
        let empty = human(None, Some(("", false)));
        assert!(yes.matches(&verified) && !no.matches(&verified));
        assert!(!yes.matches(&unverified) && no.matches(&unverified));
        for neither in [&no_phone, &empty, &machine()] {
            assert!(!yes.matches(neither) && !no.matches(neither), "{neither:?}");
        }
    }

    #[test]
    fn terms_are_anded_and_an_empty_filter_takes_everyone() {
        let both = LocalFilter {
            terms: vec![
                term(LocalField::EmailVerified, false, false),
                term(LocalField::PhoneVerified, false, false),
            ],
        };
        assert!(both.matches(&human(Some(("a@x", false)), Some(("+41", false)))));
        assert!(!both.matches(&human(Some(("a@x", false)), Some(("+41", true)))));
        assert!(!both.matches(&human(Some(("a@x", true)), Some(("+41", false)))));
        assert!(LocalFilter::default().matches(&machine()));
        assert!(LocalFilter::default().is_empty());
    }

    #[test]
    fn values_and_names() {
        assert_eq!(yes_no("TRUE"), Some(true));
        assert_eq!(yes_no("no"), Some(false));
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(local_field("Verified"), Some(LocalField::EmailVerified));
        assert_eq!(local_field("phone-verified"), Some(LocalField::PhoneVerified));
        assert_eq!(local_field("email"), None);
    }
}
