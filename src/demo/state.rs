//! The server's shared state: the fixed directory, the few things that change at run time
//! (email codes, sequences, issued tokens, device authorizations), the request log and the
//! faults.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use tokio_util::sync::CancellationToken;

use super::config::DemoConfig;
use super::device::DeviceFlows;
use super::directory::{Directory, UserRef};
use super::faults::FaultControl;
use super::identities::{DEVICE_USER_ID, NOTIFICATION_EDITOR};
use super::request_log::RequestLog;
use super::rng::{Rng, code_from_hash};
use super::sync::lock;
use super::tokens::TokenStore;
use crate::api::wire::User;

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

    /// The simulated user's decision on a device authorization.
    pub fn decide_device(&self, user_code: &str, approve: bool) -> bool {
        lock(&self.live)
            .device
            .decide(user_code, approve, tokio::time::Instant::now())
    }
}

/// What changed about one user since start-up.
#[derive(Debug, Clone)]
pub(crate) struct UserChange {
    pub code: Option<String>,
    pub sequence: u64,
    pub change_date: Timestamp,
}

/// An event written while the demo runs (a code issued, its mail sent).
#[derive(Debug, Clone)]
pub(crate) struct LiveEvent {
    pub at: Timestamp,
    pub event_type: &'static str,
    pub editor: String,
    pub sequence: u64,
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
            None => user.pending_initially().then(|| code_from_hash(user.hash())),
        }
    }

    /// Records a freshly issued code: sequence + 1, changed now. Returns the new state.
    pub fn issue_code(&mut self, pos: usize, user: &UserRef<'_>, code: String) -> UserChange {
        let now = Timestamp::now();
        let change = self.changes.entry(pos).or_insert_with(|| UserChange {
            code: None,
            sequence: user.sequence(),
            change_date: now,
        });
        change.code = Some(code);
        change.sequence += 1;
        change.change_date = now;
        self.instance_sequence += 1;
        change.clone()
    }

    /// Records a code issued by `editor`, and its mail when ZITADEL sends one (not for a code
    /// returned to the caller): the notification worker writes `…code.sent` after
    /// `…code.added`, so the mail takes the next sequence.
    pub fn record_code(&mut self, pos: usize, change: &UserChange, editor: &str, mailed: bool) {
        let events = self.events.entry(pos).or_default();
        events.push(LiveEvent {
            at: change.change_date,
            event_type: "user.human.email.code.added",
            editor: editor.to_owned(),
            sequence: change.sequence,
        });
        if mailed && let Some(c) = self.changes.get_mut(&pos) {
            c.sequence += 1;
            self.instance_sequence += 1;
            events.push(LiveEvent {
                at: Timestamp::now(),
                event_type: "user.human.email.code.sent",
                editor: NOTIFICATION_EDITOR.to_owned(),
                sequence: c.sequence,
            });
        }
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
        if let (Some(change), Some(details)) = (self.changes.get(&pos), user.details.as_mut()) {
            details.sequence = change.sequence;
            details.change_date = Some(change.change_date);
        }
    }
}
