//! The request log: every request the server saw, in arrival order, with the status it was
//! answered with.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::sync::lock;

/// One request as the demo server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The request body (lossy UTF-8; bodies over the size limit are logged empty).
    pub body: String,
    /// The token from `Authorization: Bearer …`, if any.
    pub bearer: Option<String>,
    /// The organisation the call acts in (`x-zitadel-orgid`), if named.
    pub org: Option<String>,
    /// The HTTP status answered; 0 while the request is still being answered (e.g. hanging).
    pub status: u16,
}

/// Most entries the request log keeps (the oldest go first).
const LOG_CAPACITY: usize = 10_000;

/// The request log. Entries are added on arrival (status 0) and completed when answered, so
/// the order is arrival order even when answers overtake each other.
#[derive(Default)]
pub(crate) struct RequestLog {
    inner: Mutex<LogInner>,
}

#[derive(Default)]
struct LogInner {
    entries: VecDeque<LoggedRequest>,
    /// Id of `entries[0]`.
    first_id: u64,
}

impl RequestLog {
    /// Adds an arriving request; returns its id for [`RequestLog::finish`].
    pub fn start(&self, entry: LoggedRequest) -> u64 {
        let mut log = lock(&self.inner);
        if log.entries.len() >= LOG_CAPACITY {
            log.entries.pop_front();
            log.first_id += 1;
        }
        log.entries.push_back(entry);
        log.first_id + log.entries.len() as u64 - 1
    }

    pub fn finish(&self, id: u64, status: u16) {
        let mut log = lock(&self.inner);
        let Some(index) = id.checked_sub(log.first_id) else {
            return; // dropped or cleared meanwhile
        };
        if let Some(e) = usize::try_from(index).ok().and_then(|i| log.entries.get_mut(i)) {
            e.status = status;
        }
    }

    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        lock(&self.inner).entries.iter().cloned().collect()
    }

    pub fn clear(&self) {
        let mut log = lock(&self.inner);
        log.first_id += log.entries.len() as u64;
        log.entries.clear();
    }
}
