//! The server's shared state: the fixed directory, the few things that change at run time
//! (codes, addresses, states, sequences, events, issued tokens, device authorizations), the
//! request log and the faults.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use tokio_util::sync::CancellationToken;

use super::config::DemoConfig;
use super::device::DeviceFlows;
use super::directory::{Directory, UserRef};
use super::faults::FaultControl;
use super::filter::Changed;
use super::identities::{DEVICE_USER_ID, NOTIFICATION_EDITOR};
use super::request_log::RequestLog;
use super::rng::{Rng, code_from_hash};
use super::sync::lock;
use super::tokens::TokenStore;
use crate::api::wire::{HumanEmail, User, UserState};

/// A broken embedded asset: the demo cannot start.
fn invalid_data(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e)
}

pub(crate) struct Shared {
    pub url: String,
    pub config: DemoConfig,
    pub dir: Directory,
    pub live: Mutex<Live>,
    pub log: RequestLog,
    pub faults: FaultControl,
    pub cancel: CancellationToken,
    pub jwt_key: jsonwebtoken::DecodingKey,
}

impl Shared {
    pub fn new(url: String, config: DemoConfig, cancel: CancellationToken) -> std::io::Result<Shared> {
        let seed = super::seed::load().map_err(invalid_data)?;
        if seed.owners.org != DEVICE_USER_ID {
            return Err(invalid_data(format!(
                "demo-users.json: device logins sign in as {DEVICE_USER_ID}, the org token's owner"
            )));
        }
        let dir = Directory::new(seed, config.generated_users);
        let jwt_key = super::service_key::decoding_key().map_err(invalid_data)?;
        Ok(Shared {
            url,
            config,
            dir,
            live: Mutex::new(Live {
                changes: HashMap::new(),
                events: HashMap::new(),
                tokens: TokenStore::default(),
                device: DeviceFlows::default(),
                rng: Rng::from_time(),
                instance_sequence: 300_000,
            }),
            log: RequestLog::default(),
            faults: FaultControl::default(),
            cancel,
            jwt_key,
        })
    }

    pub fn pending_code(&self, user_id: &str) -> Option<String> {
        let pos = self.dir.position(user_id)?;
        let user = self.dir.get(pos)?;
        lock(&self.live).pending_code(pos, &user)
    }

    pub fn pending_phone_code(&self, user_id: &str) -> Option<String> {
        let pos = self.dir.position(user_id)?;
        let user = self.dir.get(pos)?;
        lock(&self.live).pending_phone_code(pos, &user)
    }

    /// The simulated user's decision on a device authorization.
    pub fn decide_device(&self, user_code: &str, approve: bool) -> bool {
        lock(&self.live)
            .device
            .decide(user_code, approve, tokio::time::Instant::now())
    }
}

/// What changed about one user since start-up. Created from the user as seeded (its pending
/// codes) on the first change, so a later change keeps what an earlier one left.
#[derive(Debug, Clone)]
pub(crate) struct UserChange {
    /// The pending email code.
    pub code: Option<String>,
    pub sequence: u64,
    pub change_date: Timestamp,
    /// The address SetEmail set, and whether it is verified.
    pub email: Option<(String, bool)>,
    /// The pending phone code.
    pub phone_code: Option<String>,
    /// The state an unlock or a reactivation left.
    pub state: Option<UserState>,
    /// The newest invite code was returned to the caller rather than mailed.
    pub invite_returned: bool,
}

/// An event written while the demo runs (a code issued, its mail sent).
#[derive(Debug, Clone)]
pub(crate) struct LiveEvent {
    pub at: Timestamp,
    pub event_type: &'static str,
    pub editor: String,
    pub sequence: u64,
}

/// ZITADEL's event types the demo writes (internal/repository/user/human*.go, user.go).
pub(crate) mod event {
    pub const EMAIL_CHANGED: &str = "user.human.email.changed";
    pub const EMAIL_VERIFIED: &str = "user.human.email.verified";
    pub const EMAIL_CODE_ADDED: &str = "user.human.email.code.added";
    pub const EMAIL_CODE_SENT: &str = "user.human.email.code.sent";
    pub const PHONE_CODE_ADDED: &str = "user.human.phone.code.added";
    pub const PHONE_CODE_SENT: &str = "user.human.phone.code.sent";
    pub const INVITE_CODE_ADDED: &str = "user.human.invite.code.added";
    pub const INVITE_CODE_SENT: &str = "user.human.invite.code.sent";
    pub const PASSWORD_CODE_ADDED: &str = "user.human.password.code.added";
    pub const PASSWORD_CODE_SENT: &str = "user.human.password.code.sent";
    pub const UNLOCKED: &str = "user.unlocked";
    pub const REACTIVATED: &str = "user.reactivated";
}

/// Events kept per user: a test that resends in a loop must not grow the demo without bound.
const MAX_LIVE_EVENTS: usize = 200;

pub(crate) struct Live {
    /// Changes by directory position.
    pub changes: HashMap<usize, UserChange>,
    /// Events since start-up by directory position, oldest first.
    events: HashMap<usize, Vec<LiveEvent>>,
    pub tokens: TokenStore,
    pub device: DeviceFlows,
    pub rng: Rng,
    /// The instance's event sequence (`processedSequence`), bumped by every write.
    pub instance_sequence: u64,
}

impl Live {
    /// The user's pending email code: a changed one, or the deterministic initial one.
    pub fn pending_code(&self, pos: usize, user: &UserRef<'_>) -> Option<String> {
        match self.changes.get(&pos) {
            Some(c) => c.code.clone(),
            None => initial_email_code(user),
        }
    }

    /// The user's pending phone code: a changed one, or the deterministic initial one of an
    /// unverified phone.
    pub fn pending_phone_code(&self, pos: usize, user: &UserRef<'_>) -> Option<String> {
        match self.changes.get(&pos) {
            Some(c) => c.phone_code.clone(),
            None => initial_phone_code(user),
        }
    }

    /// The user's state now.
    pub fn state(&self, pos: usize, user: &UserRef<'_>) -> UserState {
        self.changes
            .get(&pos)
            .and_then(|c| c.state)
            .unwrap_or_else(|| user.state())
    }

    /// The user's email address now and whether it is verified (`None`: no address).
    pub fn email(&self, pos: usize, user: &UserRef<'_>) -> Option<(String, bool)> {
        match self.changes.get(&pos).and_then(|c| c.email.clone()) {
            Some(e) => Some(e),
            None => user.email(),
        }
    }

    /// Whether the newest invite code was returned rather than mailed.
    pub fn invite_returned(&self, pos: usize) -> bool {
        self.changes.get(&pos).is_some_and(|c| c.invite_returned)
    }

    /// The changed columns a ListUsers query matches (addresses and states).
    pub fn changed_columns(&self) -> Changed {
        let mut changed = Changed::default();
        for (&pos, c) in &self.changes {
            if let Some((email, _)) = &c.email {
                changed.email.insert(pos, email.clone());
            }
            if let Some(state) = c.state {
                changed.state.insert(pos, state);
            }
        }
        changed
    }

    /// The user's change record, created from the user as seeded on first use.
    pub fn change_mut(&mut self, pos: usize, user: &UserRef<'_>) -> &mut UserChange {
        self.changes.entry(pos).or_insert_with(|| UserChange {
            code: initial_email_code(user),
            sequence: user.sequence(),
            change_date: Timestamp::now(),
            email: None,
            phone_code: initial_phone_code(user),
            state: None,
            invite_returned: false,
        })
    }

    /// Writes the events of one command by `editor`: each takes the next sequence, all share
    /// the moment. Returns the user's state after them (its sequence is the last event's, as
    /// in the command's answer).
    pub fn write(
        &mut self,
        pos: usize,
        user: &UserRef<'_>,
        editor: &str,
        types: &[&'static str],
    ) -> UserChange {
        let now = Timestamp::now();
        let change = self.change_mut(pos, user);
        let mut written = Vec::with_capacity(types.len());
        for &event_type in types {
            change.sequence += 1;
            written.push(LiveEvent {
                at: now,
                event_type,
                editor: editor.to_owned(),
                sequence: change.sequence,
            });
        }
        change.change_date = now;
        let change = change.clone();
        self.instance_sequence += types.len() as u64;
        self.push_events(pos, written);
        change
    }

    /// The notification worker's event after a code it mailed or texted (`…code.sent`): it
    /// comes after the command's own events, so it takes the next sequence.
    pub fn notified(&mut self, pos: usize, event_type: &'static str) {
        let Some(change) = self.changes.get_mut(&pos) else {
            return;
        };
        change.sequence += 1;
        let sent = LiveEvent {
            at: Timestamp::now(),
            event_type,
            editor: NOTIFICATION_EDITOR.to_owned(),
            sequence: change.sequence,
        };
        self.instance_sequence += 1;
        self.push_events(pos, vec![sent]);
    }

    fn push_events(&mut self, pos: usize, new: Vec<LiveEvent>) {
        let events = self.events.entry(pos).or_default();
        events.extend(new);
        if events.len() > MAX_LIVE_EVENTS {
            let excess = events.len() - MAX_LIVE_EVENTS;
            events.drain(..excess);
        }
    }

    /// The user's events since start-up, oldest first.
    pub fn events(&self, pos: usize) -> &[LiveEvent] {
        self.events.get(&pos).map_or(&[], Vec::as_slice)
    }

    /// Applies run-time changes to a user about to be returned.
    pub fn apply(&self, pos: usize, user: &mut User) {
        let Some(change) = self.changes.get(&pos) else {
            return;
        };
        if let Some(details) = user.details.as_mut() {
            details.sequence = change.sequence;
            details.change_date = Some(change.change_date);
        }
        if let Some(state) = change.state {
            user.state = state;
        }
        if let (Some((email, is_verified)), Some(human)) = (&change.email, user.human.as_mut()) {
            human.email = Some(HumanEmail {
                email: email.clone(),
                is_verified: *is_verified,
            });
        }
    }
}

fn initial_email_code(user: &UserRef<'_>) -> Option<String> {
    user.pending_initially().then(|| code_from_hash(user.hash()))
}

/// Every unverified phone has a code waiting at start-up (it was texted when the number was
/// set), so ResendPhoneCode works for it as in ZITADEL (internal/command/user_v2_phone.go).
fn initial_phone_code(user: &UserRef<'_>) -> Option<String> {
    user.phone_pending_initially()
        .then(|| code_from_hash(user.hash().rotate_left(17)))
}
