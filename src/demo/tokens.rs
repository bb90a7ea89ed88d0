//! Access tokens issued by `/oauth/v2/token`: whom each stands for and until when.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// Most issued tokens kept at once; beyond that the soonest-expiring go.
const MAX_ISSUED: usize = 10_000;

/// Whom an issued access token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    /// The service account (JWT-bearer grant): the admin.
    Service,
    /// The device-login user, from the sign-in (grant) with this id.
    Agent { grant: u64 },
}

/// Access tokens issued by `/oauth/v2/token`, with their expiry and holder.
#[derive(Default)]
pub(crate) struct TokenStore {
    issued: HashMap<String, (Instant, Holder)>,
}

impl TokenStore {
    pub fn insert(&mut self, token: String, lifetime: Duration, holder: Holder) {
        let now = Instant::now();
        if self.issued.len() >= MAX_ISSUED {
            self.issued.retain(|_, (exp, _)| *exp > now);
        }
        while self.issued.len() >= MAX_ISSUED {
            let Some(oldest) = self
                .issued
                .iter()
                .min_by_key(|(_, (exp, _))| *exp)
                .map(|(t, _)| t.clone())
            else {
                break;
            };
            self.issued.remove(&oldest);
        }
        let expiry = now.checked_add(lifetime).unwrap_or(now);
        self.issued.insert(token, (expiry, holder));
    }

    /// Forgets every issued token.
    pub fn clear(&mut self) {
        self.issued.clear();
    }

    /// Forgets one token; false if it was not known.
    pub fn revoke(&mut self, token: &str) -> bool {
        self.issued.remove(token).is_some()
    }

    /// Forgets every token of one device sign-in.
    pub fn revoke_grant(&mut self, grant: u64) {
        self.issued
            .retain(|_, (_, holder)| *holder != Holder::Agent { grant });
    }

    /// The holder of a known, unexpired token.
    pub fn holder(&mut self, token: &str) -> Option<Holder> {
        match self.issued.get(token) {
            Some((exp, holder)) if *exp > Instant::now() => Some(*holder),
            Some(_) => {
                self.issued.remove(token);
                None
            }
            None => None,
        }
    }

    #[cfg(test)]
    pub fn is_valid(&mut self, token: &str) -> bool {
        self.holder(token).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_expire_and_the_store_is_bounded() {
        let mut store = TokenStore::default();
        store.insert("a".into(), Duration::from_secs(60), Holder::Service);
        store.insert("b".into(), Duration::ZERO, Holder::Service);
        store.insert("c".into(), Duration::from_secs(60), Holder::Agent { grant: 7 });
        store.insert("d".into(), Duration::from_secs(60), Holder::Agent { grant: 8 });
        assert!(store.is_valid("a"));
        assert!(!store.is_valid("b"));
        assert_eq!(store.holder("c"), Some(Holder::Agent { grant: 7 }));
        store.revoke_grant(7);
        assert!(!store.is_valid("c") && store.is_valid("d"));
        assert!(store.revoke("d") && !store.revoke("d"));
        for i in 0..MAX_ISSUED + 5 {
            store.insert(format!("t{i}"), Duration::from_secs(60), Holder::Service);
        }
        assert!(store.issued.len() <= MAX_ISSUED);
    }
}
