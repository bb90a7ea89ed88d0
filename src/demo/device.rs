//! The device authorization grant's state (RFC 8628): pending authorizations by device code,
//! their user codes, the simulated user's decisions, polling speed, and the refresh tokens of
//! redeemed grants. Pure bookkeeping on a given `now`; the HTTP side is `device_oauth`.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::config::DeviceApproval;
use super::rng::Rng;

/// What every `slow_down` adds to an authorization's interval (RFC 8628 §3.5).
pub(crate) const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Most device authorizations kept at once (expired and redeemed ones go first, then the
/// oldest).
const MAX_AUTHORIZATIONS: usize = 1_000;
/// Most refresh tokens kept at once (the oldest go first).
const MAX_REFRESH_TOKENS: usize = 10_000;

struct Authorization {
    /// `XXXX-XXXX`.
    user_code: String,
    client_id: String,
    scope: String,
    created: Instant,
    expires: Instant,
    /// The interval the client must keep between polls; grows with every `slow_down`.
    interval: Duration,
    last_poll: Option<Instant>,
    /// An explicit decision (hook or verification page); `None` leaves it to the config.
    decision: Option<bool>,
    redeemed: bool,
}

impl Authorization {
    fn is_live(&self, now: Instant) -> bool {
        !self.redeemed && now < self.expires
    }
}

/// The answer to one device-code poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Poll {
    /// Approved and now redeemed: issue tokens for this scope.
    Approved {
        scope: String,
    },
    Pending,
    SlowDown,
    Denied,
    Expired,
    /// `invalid_grant`, with the reason.
    Invalid(&'static str),
}

/// A refresh token's grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefreshGrant {
    /// Ties the tokens of one sign-in together (revoking a refresh token revokes them all).
    pub grant: u64,
    pub scope: String,
    issued: Instant,
}

#[derive(Default)]
pub(crate) struct DeviceFlows {
    /// By device code.
    auths: HashMap<String, Authorization>,
    /// Normalised user code (no hyphen, upper case) → device code.
    by_user_code: HashMap<String, String>,
    refresh: HashMap<String, RefreshGrant>,
    next_grant: u64,
    forced_slow_downs: u32,
}

/// `wdjb mjht`, `WDJB-MJHT`, `wdjbmjht` → `WDJBMJHT`.
pub(crate) fn normalise_user_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whole seconds, rounded up (`interval` and `expires_in` are integers).
pub(crate) fn secs_ceil(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The settings one authorization starts with.
pub(crate) struct Start<'a> {
    pub client_id: &'a str,
    pub scope: &'a str,
    pub lifetime: Duration,
    pub interval: Duration,
}

impl DeviceFlows {
    /// Opens an authorization; returns `(device_code, user_code)`.
    pub fn start(&mut self, rng: &mut Rng, start: Start<'_>, now: Instant) -> (String, String) {
        self.make_room(now);
        let user_code = loop {
            let code = rng.user_code();
            if !self.by_user_code.contains_key(&normalise_user_code(&code)) {
                break code;
            }
        };
        let device_code = rng.opaque("demo-dc-");
        self.by_user_code
            .insert(normalise_user_code(&user_code), device_code.clone());
        self.auths.insert(
            device_code.clone(),
            Authorization {
                user_code: user_code.clone(),
                client_id: start.client_id.to_owned(),
                scope: start.scope.to_owned(),
                created: now,
                // A lifetime beyond the clock's range never expires.
                expires: now
                    .checked_add(start.lifetime)
                    .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
                    .unwrap_or(now),
                interval: start.interval,
                last_poll: None,
                decision: None,
                redeemed: false,
            },
        );
        (device_code, user_code)
    }

    fn make_room(&mut self, now: Instant) {
        if self.auths.len() < MAX_AUTHORIZATIONS {
            return;
        }
        self.auths.retain(|_, a| a.is_live(now));
        while self.auths.len() >= MAX_AUTHORIZATIONS {
            let Some(oldest) = self
                .auths
                .iter()
                .min_by_key(|(_, a)| a.created)
                .map(|(code, _)| code.clone())
            else {
                break;
            };
            self.auths.remove(&oldest);
        }
        let auths = &self.auths;
        self.by_user_code.retain(|_, device| auths.contains_key(device));
    }

    /// One poll of the token endpoint with a device code, in this order: unknown or redeemed
    /// code, wrong client, expiry, polling speed, then the user's decision.
    pub fn poll(&mut self, device_code: &str, client_id: &str, mode: DeviceApproval, now: Instant) -> Poll {
        let Some(auth) = self.auths.get_mut(device_code) else {
            return Poll::Invalid("unknown device_code");
        };
        if auth.redeemed {
            return Poll::Invalid("the device_code has been redeemed already");
        }
        if auth.client_id != client_id {
            return Poll::Invalid("the device_code was issued to another client");
        }
        if now >= auth.expires {
            return Poll::Expired;
        }
        let too_fast = auth
            .last_poll
            .is_some_and(|last| now.saturating_duration_since(last) < auth.interval);
        auth.last_poll = Some(now);
        let forced = self.forced_slow_downs > 0;
        if forced || too_fast {
            self.forced_slow_downs = self.forced_slow_downs.saturating_sub(1);
            auth.interval = auth.interval.saturating_add(SLOW_DOWN_STEP);
            return Poll::SlowDown;
        }
        let approved = match (auth.decision, mode) {
            (Some(decision), _) => decision,
            (None, DeviceApproval::AutoApproveAfter(delay)) => {
                if auth.created.checked_add(delay).is_some_and(|at| now >= at) {
                    true
                } else {
                    return Poll::Pending;
                }
            }
            (None, DeviceApproval::Deny) => false,
            (None, DeviceApproval::Manual) => return Poll::Pending,
        };
        if !approved {
            return Poll::Denied;
        }
        auth.redeemed = true;
        Poll::Approved {
            scope: auth.scope.clone(),
        }
    }

    /// Records the user's decision; false if the code is unknown, expired or redeemed.
    pub fn decide(&mut self, user_code: &str, approve: bool, now: Instant) -> bool {
        let Some(device_code) = self.by_user_code.get(&normalise_user_code(user_code)) else {
            return false;
        };
        match self.auths.get_mut(device_code) {
            Some(auth) if auth.is_live(now) => {
                auth.decision = Some(approve);
                true
            }
            _ => false,
        }
    }

    /// The user code as issued (`XXXX-XXXX`) of a live authorization.
    pub fn live_user_code(&self, user_code: &str, now: Instant) -> Option<String> {
        let device_code = self.by_user_code.get(&normalise_user_code(user_code))?;
        let auth = self.auths.get(device_code)?;
        auth.is_live(now).then(|| auth.user_code.clone())
    }

    pub fn interval_of(&self, user_code: &str) -> Option<Duration> {
        let device_code = self.by_user_code.get(&normalise_user_code(user_code))?;
        self.auths.get(device_code).map(|a| a.interval)
    }

    pub fn pending_user_codes(&self, now: Instant) -> Vec<String> {
        let mut live: Vec<&Authorization> = self.auths.values().filter(|a| a.is_live(now)).collect();
        live.sort_by_key(|a| a.created);
        live.into_iter().map(|a| a.user_code.clone()).collect()
    }

    pub fn force_slow_downs(&mut self, polls: u32) {
        self.forced_slow_downs = polls;
    }

    /// A new grant id for a sign-in.
    pub fn new_grant(&mut self) -> u64 {
        self.next_grant += 1;
        self.next_grant
    }

    pub fn issue_refresh(&mut self, rng: &mut Rng, grant: u64, scope: &str, now: Instant) -> String {
        while self.refresh.len() >= MAX_REFRESH_TOKENS {
            let Some(oldest) = self
                .refresh
                .iter()
                .min_by_key(|(_, g)| g.issued)
                .map(|(t, _)| t.clone())
            else {
                break;
            };
            self.refresh.remove(&oldest);
        }
        let token = rng.opaque("demo-rt-");
        self.refresh.insert(
            token.clone(),
            RefreshGrant {
                grant,
                scope: scope.to_owned(),
                issued: now,
            },
        );
        token
    }

    /// The scope granted with a refresh token, if it is valid.
    pub fn refresh_scope(&self, token: &str) -> Option<&str> {
        self.refresh.get(token).map(|g| g.scope.as_str())
    }

    /// Removes a refresh token (used or revoked), returning its grant.
    pub fn take_refresh(&mut self, token: &str) -> Option<RefreshGrant> {
        self.refresh.remove(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flows_with_one(rng: &mut Rng, now: Instant, interval: Duration) -> (DeviceFlows, String, String) {
        let mut flows = DeviceFlows::default();
        let (dc, uc) = flows.start(
            rng,
            Start {
                client_id: "c",
                scope: "openid",
                lifetime: Duration::from_secs(60),
                interval,
            },
            now,
        );
        (flows, dc, uc)
    }

    #[test]
    fn user_codes_look_right_and_normalise() {
        let mut rng = Rng::from_time();
        for _ in 0..100 {
            let code = rng.user_code();
            assert_eq!(code.len(), 9);
            assert_eq!(&code[4..5], "-");
            assert!(
                code.bytes()
                    .filter(|&b| b != b'-')
                    .all(|b| super::super::rng::USER_CODE_ALPHABET.contains(&b))
            );
        }
        assert_eq!(normalise_user_code(" wdjb-mjht\0"), "WDJBMJHT");
        assert_eq!(normalise_user_code("ü"), "");
        assert_eq!(secs_ceil(Duration::from_millis(100)), 1);
        assert_eq!(secs_ceil(Duration::from_secs(5)), 5);
        assert_eq!(secs_ceil(Duration::ZERO), 0);
    }

    #[test]
    fn polling_rules() {
        let mut rng = Rng::from_time();
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        let (mut flows, dc, uc) = flows_with_one(&mut rng, t0, second);
        let auto = DeviceApproval::AutoApproveAfter(Duration::from_secs(10));
        assert_eq!(
            flows.poll(&dc, "other", auto, t0),
            Poll::Invalid("the device_code was issued to another client")
        );
        assert_eq!(flows.poll(&dc, "c", auto, t0), Poll::Pending);
        assert_eq!(flows.poll(&dc, "c", auto, t0), Poll::SlowDown);
        assert_eq!(flows.interval_of(&uc), Some(Duration::from_secs(6)));
        assert_eq!(flows.poll(&dc, "c", auto, t0 + 2 * second), Poll::SlowDown);
        assert_eq!(
            flows.poll(&dc, "c", auto, t0 + 20 * second),
            Poll::Approved {
                scope: "openid".into()
            }
        );
        assert!(matches!(
            flows.poll(&dc, "c", auto, t0 + 40 * second),
            Poll::Invalid(_)
        ));
        assert!(!flows.decide(&uc, true, t0 + 40 * second), "redeemed");
        assert!(matches!(flows.poll("nope", "c", auto, t0), Poll::Invalid(_)));

        let (mut flows, dc, uc) = flows_with_one(&mut rng, t0, Duration::ZERO);
        assert_eq!(flows.poll(&dc, "c", DeviceApproval::Deny, t0), Poll::Denied);
        assert!(flows.decide(&uc.to_lowercase().replace('-', ""), true, t0));
        assert_eq!(
            flows.poll(&dc, "c", DeviceApproval::Deny, t0),
            Poll::Approved {
                scope: "openid".into()
            },
            "an explicit decision wins"
        );

        let (mut flows, dc, uc) = flows_with_one(&mut rng, t0, Duration::ZERO);
        assert_eq!(flows.pending_user_codes(t0), vec![uc.clone()]);
        assert_eq!(
            flows.poll(&dc, "c", DeviceApproval::Manual, t0 + 59 * second),
            Poll::Pending
        );
        assert_eq!(
            flows.poll(&dc, "c", DeviceApproval::Manual, t0 + 60 * second),
            Poll::Expired
        );
        assert!(!flows.decide(&uc, true, t0 + 60 * second));
        assert!(flows.pending_user_codes(t0 + 60 * second).is_empty());
        flows.force_slow_downs(1);
        let (dc2, _) = flows.start(
            &mut rng,
            Start {
                client_id: "c",
                scope: "s",
                lifetime: Duration::MAX,
                interval: Duration::ZERO,
            },
            t0,
        );
        assert_eq!(flows.poll(&dc2, "c", DeviceApproval::Manual, t0), Poll::SlowDown);
        assert_eq!(
            flows.poll(&dc2, "c", DeviceApproval::Manual, t0 + 10 * second),
            Poll::Pending
        );
    }

    #[test]
    fn the_stores_are_bounded() {
        let mut rng = Rng::from_time();
        let now = Instant::now();
        let mut flows = DeviceFlows::default();
        for _ in 0..MAX_AUTHORIZATIONS + 10 {
            flows.start(
                &mut rng,
                Start {
                    client_id: "c",
                    scope: "s",
                    lifetime: Duration::from_secs(60),
                    interval: Duration::ZERO,
                },
                now,
            );
        }
        assert!(flows.auths.len() <= MAX_AUTHORIZATIONS);
        assert_eq!(flows.by_user_code.len(), flows.auths.len());
        for _ in 0..MAX_REFRESH_TOKENS + 10 {
            flows.issue_refresh(&mut rng, 1, "s", now);
        }
        assert!(flows.refresh.len() <= MAX_REFRESH_TOKENS);
    }
}
