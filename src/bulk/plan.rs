//! Which of the users a search finds get a request: humans with an address, not deleted,
//! (with `--unverified`) whose address is not verified. Users who cannot sign in yet (state
//! INITIAL) are set aside: ZITADEL refuses them a verification mail ("not yet initialized"),
//! and what they need is an invite. The plan keeps only a few short strings per user, and a
//! scan stops as soon as the plan is larger than `--max` allows.

use std::collections::BTreeMap;

use crate::api::wire::{User, UserState};
use crate::userinfo::{EmailStatus, email_status};

/// One user the plan sends to (or sets aside), with what a human needs to recognise them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub user_id: String,
    /// The preferred login name (or user name).
    pub login: String,
    pub email: String,
    /// The organisation ID (the user's resource owner).
    pub org: String,
}

/// Why a user the search found gets nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    /// A machine user: no address.
    Machine,
    /// A human without an address.
    NoEmail,
    /// `--unverified`, and the address is verified.
    Verified,
    Deleted,
    /// State INITIAL: cannot sign in yet; needs an invite (listed separately).
    NeedsInvite,
}

impl Skip {
    /// A short word for `--json` and the summary.
    pub fn word(self) -> &'static str {
        match self {
            Skip::Machine => "machine",
            Skip::NoEmail => "no_email",
            Skip::Verified => "verified",
            Skip::Deleted => "deleted",
            Skip::NeedsInvite => "needs_invite",
        }
    }
}

/// Whether `user` gets a request, and if not, why.
pub fn classify(user: &User, unverified: bool) -> Result<Target, Skip> {
    let status = email_status(user);
    match status {
        EmailStatus::Machine => return Err(Skip::Machine),
        EmailStatus::NoEmail => return Err(Skip::NoEmail),
        EmailStatus::Verified if unverified => return Err(Skip::Verified),
        _ => {}
    }
    match user.state {
        UserState::Deleted => return Err(Skip::Deleted),
        UserState::Initial => return Err(Skip::NeedsInvite),
        _ => {}
    }
    Ok(target(user))
}

fn target(user: &User) -> Target {
    let login = if user.preferred_login_name.is_empty() {
        user.username.clone()
    } else {
        user.preferred_login_name.clone()
    };
    Target {
        user_id: user.user_id.clone(),
        login,
        email: crate::userinfo::email(user).unwrap_or_default().to_string(),
        org: user
            .details
            .as_ref()
            .map(|d| d.resource_owner.clone())
            .unwrap_or_default(),
    }
}

/// The users a run sends to, and those it sets aside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// In the order the search found them (by user ID unless sorted otherwise).
    pub targets: Vec<Target>,
    /// State INITIAL: they need an invite instead.
    pub needs_invite: Vec<Target>,
    /// How many were left out, by reason (besides `needs_invite`).
    pub skipped: BTreeMap<Skip, usize>,
    /// Users the search found (before the filters).
    pub found: u64,
    /// More than `max` targets: the scan stopped early and the run must not start.
    pub over_max: bool,
}

/// Builds a plan page by page, stopping once it is larger than `max`.
#[derive(Debug, Clone)]
pub struct PlanBuilder {
    plan: Plan,
    unverified: bool,
    max: usize,
}

impl PlanBuilder {
    pub fn new(unverified: bool, max: usize) -> PlanBuilder {
        PlanBuilder {
            plan: Plan::default(),
            unverified,
            max,
        }
    }

    /// Takes the users of one page (matches of the search, local terms applied).
    pub fn take(&mut self, users: impl IntoIterator<Item = User>) {
        for user in users {
            if self.full() {
                return;
            }
            self.plan.found += 1;
            match classify(&user, self.unverified) {
                Ok(t) => self.plan.targets.push(t),
                Err(Skip::NeedsInvite) => self.plan.needs_invite.push(target(&user)),
                Err(why) => *self.plan.skipped.entry(why).or_default() += 1,
            }
            if self.plan.targets.len() > self.max {
                self.plan.over_max = true;
            }
        }
    }

    /// The plan is already larger than allowed: scanning further is pointless.
    pub fn full(&self) -> bool {
        self.plan.over_max
    }

    pub fn finish(self) -> Plan {
        self.plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{Details, HumanEmail, HumanUser, MachineUser};

    fn human(id: &str, state: UserState, email: &str, verified: bool) -> User {
        User {
            user_id: id.into(),
            state,
            preferred_login_name: format!("{id}@acme"),
            details: Some(Details {
                resource_owner: "org1".into(),
                ..Details::default()
            }),
            human: Some(HumanUser {
                email: Some(HumanEmail {
                    email: email.into(),
                    is_verified: verified,
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    #[test]
    fn humans_with_an_address_are_selected_and_the_rest_say_why_not() {
        let active = human("1", UserState::Active, "a@x", false);
        assert_eq!(
            classify(&active, true),
            Ok(Target {
                user_id: "1".into(),
                login: "1@acme".into(),
                email: "a@x".into(),
                org: "org1".into()
            })
        );
        let locked_verified = human("2", UserState::Locked, "b@x", true);
        assert_eq!(classify(&locked_verified, true), Err(Skip::Verified));
        assert!(classify(&locked_verified, false).is_ok());
        let initial = human("3", UserState::Initial, "c@x", false);
        assert_eq!(classify(&initial, false), Err(Skip::NeedsInvite));
        assert_eq!(
            classify(&human("4", UserState::Active, " ", false), false),
            Err(Skip::NoEmail)
        );
        assert_eq!(
            classify(&human("5", UserState::Deleted, "e@x", false), false),
            Err(Skip::Deleted)
        );
        let machine = User {
            user_id: "6".into(),
            machine: Some(MachineUser::default()),
            ..User::default()
        };
        assert_eq!(classify(&machine, false), Err(Skip::Machine));
    }

    #[test]
    fn the_builder_counts_and_stops_once_over_the_max() {
        let mut b = PlanBuilder::new(true, 2);
        b.take([
            human("1", UserState::Active, "a@x", false),
            human("2", UserState::Initial, "b@x", false),
            human("3", UserState::Active, "c@x", true),
        ]);
        assert!(!b.full());
        b.take([
            human("4", UserState::Active, "d@x", false),
            human("5", UserState::Active, "e@x", false),
            human("6", UserState::Active, "f@x", false),
        ]);
        assert!(b.full());
        let plan = b.finish();
        assert!(plan.over_max);
        assert_eq!(plan.targets.len(), 3);
        assert_eq!(plan.needs_invite.len(), 1);
        assert_eq!(plan.skipped.get(&Skip::Verified), Some(&1));
        assert_eq!(plan.found, 5);
    }
}
