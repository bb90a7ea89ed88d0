//! Which remedy fits a user: for every [`ActionKind`], whether it is the fix, a possible
//! step, or not applicable, and the fact that decides it. Pure, and shared by the console's
//! actions menu and the CLI; wording lives with each surface (`tui::messages`).
//!
//! The verdicts follow ZITADEL's own rules (v4.13.1, see `api::error::Refusal`), so a remedy
//! marked [`Verdict::No`] is one ZITADEL would refuse or one that cannot help:
//! * CreateInviteCode is refused (`COMMAND-EF34g`, `internal/command/user_v2_invite.go`) once
//!   the user has a password, a passkey or an identity-provider link; machine users are
//!   "not found" to it;
//! * SetEmail, ResendPhoneCode and PasswordReset refuse INITIAL users ("not yet
//!   initialized", `user_v2_email.go`, `user_v2_phone.go`, `user_v2_password.go`), and the
//!   email code calls answer them the same way;
//! * ResendPhoneCode needs a pending code (`PHONE-5xrra88eq8`): none once the phone is
//!   verified, none without a phone;
//! * UnlockUser only for LOCKED users, ReactivateUser only for INACTIVE ones
//!   (`internal/command/user_v2.go`).

use crate::api::action::ActionKind;
use crate::api::wire::{AuthenticationMethodType, User, UserState};
use crate::userinfo::{EmailStatus, email_status};

/// The fact behind a verdict. No wording: each surface words it (with the kind, as the same
/// fact reads differently beside different remedies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Why {
    /// A machine user: no address, phone, password or invite.
    Machine,
    /// The user is deleted.
    Deleted,
    /// State INITIAL: the user never finished setting up (an invite is the way in).
    NotSetUp,
    EmailUnverified,
    EmailVerified,
    /// A human without an address.
    NoEmail,
    /// Sign-in methods known, and none is a password, passkey or identity provider.
    NoSignInMethod,
    /// A password, passkey or identity-provider link is set up.
    SignInMethodSet,
    /// The sign-in methods are not known (still loading, or the call failed).
    MethodsUnknown,
    PhoneUnverified,
    PhoneVerified,
    NoPhone,
    /// Setting an address replaces the current one (a typo, a new mailbox).
    ReplacesAddress,
    /// A reset link lets the user choose a new password.
    ResetsPassword,
    /// Signs in without a password (passkey or identity provider): a reset link adds one.
    NoPassword,
    Locked,
    NotLocked,
    Inactive,
    Active,
    /// ZITADEL reported no state we know (or its internal "suspended"): ZITADEL decides.
    StateUnknown,
}

/// How well a remedy fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The remedy for what is wrong.
    Fits(Why),
    /// Allowed, but not the fix for anything visible (or not known to be).
    Possible(Why),
    /// ZITADEL would refuse it, or it cannot help.
    No(Why),
}

impl Verdict {
    pub fn why(self) -> Why {
        match self {
            Verdict::Fits(w) | Verdict::Possible(w) | Verdict::No(w) => w,
        }
    }

    /// Whether the agent may go on to the remedy's dialog (it fits or is possible).
    pub fn applicable(self) -> bool {
        !matches!(self, Verdict::No(_))
    }
}

/// One remedy and its verdict for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fit {
    pub kind: ActionKind,
    pub verdict: Verdict,
}

/// Every remedy for `user`, in [`ActionKind::ALL`] order. `methods` are the user's sign-in
/// methods, `None` while they are unknown (loading, or the call failed).
pub fn assess(user: &User, methods: Option<&[AuthenticationMethodType]>) -> Vec<Fit> {
    let facts = Facts::of(user, methods);
    ActionKind::ALL
        .iter()
        .map(|&kind| Fit {
            kind,
            verdict: facts.verdict(kind),
        })
        .collect()
}

/// The remedy to offer first: a fitting unlock or reactivation (a locked or inactive user
/// cannot sign in, whatever else is fixed), else the first remedy that fits.
pub fn best(fits: &[Fit]) -> Option<ActionKind> {
    let fitting = || fits.iter().filter(|f| matches!(f.verdict, Verdict::Fits(_)));
    fitting()
        .find(|f| matches!(f.kind, ActionKind::Unlock | ActionKind::Reactivate))
        .or_else(|| fitting().next())
        .map(|f| f.kind)
}

/// What the verdicts are read from.
struct Facts {
    state: UserState,
    email: EmailStatus,
    human: bool,
    /// `Some(true)` with a password, passkey or identity provider; `None` when unknown.
    set_up: Option<bool>,
    password: Option<bool>,
    /// `Some(verified)` when the human has a phone number.
    phone: Option<bool>,
}

impl Facts {
    fn of(user: &User, methods: Option<&[AuthenticationMethodType]>) -> Facts {
        use AuthenticationMethodType::{Idp, Passkey, Password};
        let email = email_status(user);
        let phone = user
            .human
            .as_ref()
            .and_then(|h| h.phone.as_ref())
            .filter(|p| !p.phone.trim().is_empty())
            .map(|p| p.is_verified);
        Facts {
            state: user.state,
            human: user.human.is_some() && email != EmailStatus::Machine,
            email,
            // The methods ZITADEL counts as "already initialised" (`AuthMethodSet`); TOTP,
            // U2F and the OTPs are second factors and do not.
            set_up: methods.map(|m| m.iter().any(|t| matches!(t, Password | Passkey | Idp))),
            password: methods.map(|m| m.contains(&Password)),
            phone,
        }
    }

    fn verdict(&self, kind: ActionKind) -> Verdict {
        use Verdict::{Fits, No, Possible};
        match kind {
            ActionKind::Unlock => match self.state {
                UserState::Locked => Fits(Why::Locked),
                UserState::Deleted => No(Why::Deleted),
                UserState::Unspecified => Possible(Why::StateUnknown),
                _ => No(Why::NotLocked),
            },
            ActionKind::Reactivate => match self.state {
                UserState::Inactive => Fits(Why::Inactive),
                UserState::Deleted => No(Why::Deleted),
                UserState::Unspecified => Possible(Why::StateUnknown),
                UserState::Locked => No(Why::Locked),
                UserState::Initial => No(Why::NotSetUp),
                UserState::Active => No(Why::Active),
            },
            _ if !self.human => No(Why::Machine),
            _ if self.state == UserState::Deleted => No(Why::Deleted),
            ActionKind::Invite => self.invite(),
            // ZITADEL answers the rest "not yet initialized" for INITIAL users.
            _ if self.state == UserState::Initial => No(Why::NotSetUp),
            ActionKind::EmailCode => match self.email {
                EmailStatus::NoEmail | EmailStatus::Machine => No(Why::NoEmail),
                // Accepted, but the user cannot sign in yet: the invite verifies the
                // address too.
                _ if self.set_up == Some(false) => Possible(Why::NoSignInMethod),
                EmailStatus::NotVerified => Fits(Why::EmailUnverified),
                EmailStatus::Verified => Possible(Why::EmailVerified),
            },
            ActionKind::SetEmail => match self.email {
                EmailStatus::NoEmail => Fits(Why::NoEmail),
                _ => Possible(Why::ReplacesAddress),
            },
            ActionKind::PhoneCode => match self.phone {
                None => No(Why::NoPhone),
                Some(true) => No(Why::PhoneVerified),
                Some(false) => Fits(Why::PhoneUnverified),
            },
            ActionKind::PasswordReset => match self.password {
                Some(false) if self.set_up == Some(true) => Possible(Why::NoPassword),
                Some(false) => Possible(Why::NoSignInMethod),
                _ => Possible(Why::ResetsPassword),
            },
        }
    }

    /// CreateInviteCode: refused once a password, passkey or IdP is set up, whatever the
    /// state; INITIAL users never have one.
    fn invite(&self) -> Verdict {
        match (self.set_up, self.state) {
            (Some(true), _) => Verdict::No(Why::SignInMethodSet),
            (Some(false), _) => Verdict::Fits(Why::NoSignInMethod),
            (None, UserState::Initial) => Verdict::Fits(Why::NotSetUp),
            (None, _) => Verdict::Possible(Why::MethodsUnknown),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
