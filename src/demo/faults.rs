//! Fault injection for the API paths.

use std::sync::Mutex;
use std::time::Duration;

use super::sync::lock;

/// Test hooks, changeable at run time with [`DemoServer::set_faults`](super::DemoServer::set_faults).
///
/// Faults apply only to the **API paths** (`/v2/…`, `/resources/…` and the Connect paths
/// `/zitadel.…`), never to `/oauth/…`, `/.well-known/…` or `/debug/…`: a test can always
/// obtain a token and check health, and `fail_every` counts exactly the API calls it makes.
/// The OIDC paths (`/oidc/…`, `/device`) and the v1 auth API (`/auth/v1/…`, the permission
/// self-check) are not faulted either.
/// The counter restarts at every `set_faults`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Delay before each API request is handled.
    pub latency: Duration,
    /// Every k-th API request (k, 2k, …) answers `fail_status` with a ZITADEL-shaped error body
    /// instead of being handled. `Some(0)` and `None` disable it.
    pub fail_every: Option<u32>,
    /// HTTP status of injected failures; 0 means 503.
    pub fail_status: u16,
    /// Answer API requests with status 200 and the real body cut in half (invalid JSON).
    pub malformed_json: bool,
    /// Never answer API requests (they wait until the server shuts down).
    pub hang: bool,
}

/// The active faults and the count of API requests since they were set.
#[derive(Default)]
pub(crate) struct FaultControl {
    inner: Mutex<(Faults, u64)>,
}

/// What to do with one API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub latency: Duration,
    pub hang: bool,
    /// Answer this status instead of handling the request.
    pub fail: Option<u16>,
    pub malformed: bool,
}

impl FaultControl {
    pub fn set(&self, faults: Faults) {
        *lock(&self.inner) = (faults, 0);
    }

    /// Counts one API request and decides its fate.
    pub fn plan(&self) -> Plan {
        let mut guard = lock(&self.inner);
        let (faults, count) = &mut *guard;
        *count += 1;
        let fail = faults
            .fail_every
            .filter(|&k| k > 0 && *count % u64::from(k) == 0)
            .map(|_| match faults.fail_status {
                0 => 503,
                s => s,
            });
        Plan {
            latency: faults.latency,
            hang: faults.hang,
            fail,
            malformed: faults.malformed_json,
        }
    }
}

/// The paths faults apply to: the v2 REST API, the v3alpha resources and the Connect paths.
pub(crate) fn is_api_path(path: &str) -> bool {
    path.starts_with("/v2/")
        || path == "/v2"
        || path.starts_with("/resources/")
        || path.starts_with("/zitadel.")
}

/// Cuts a JSON body in half (bytewise: it is meant to be broken), so it no longer parses.
pub(crate) fn truncate_json(body: &[u8]) -> Vec<u8> {
    let keep = (body.len() / 2).max(1).min(body.len().saturating_sub(1));
    let mut cut = body[..keep].to_vec();
    // Never end on a complete document by accident: `{` alone cannot parse.
    if cut.is_empty() {
        cut.push(b'{');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kth_request_fails() {
        let c = FaultControl::default();
        c.set(Faults {
            fail_every: Some(3),
            ..Faults::default()
        });
        let fails: Vec<_> = (0..7).map(|_| c.plan().fail).collect();
        assert_eq!(fails, [None, None, Some(503), None, None, Some(503), None]);
        c.set(Faults {
            fail_every: Some(0),
            ..Faults::default()
        });
        assert_eq!(c.plan().fail, None);
    }

    #[test]
    fn truncation_breaks_json() {
        for body in [&b"{}"[..], b"{\"a\":1}", b"x", b""] {
            let cut = truncate_json(body);
            assert!(serde_json::from_slice::<serde_json::Value>(&cut).is_err());
        }
        assert!(is_api_path("/v2/users") && is_api_path("/zitadel.user.v2.UserService/ListUsers"));
        assert!(!is_api_path("/oauth/v2/token") && !is_api_path("/debug/healthz"));
    }
}
