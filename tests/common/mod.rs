//! Shared set-up for the integration tests: a demo instance on a free loopback port and
//! clients pointed at it.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use zitadesk::api::auth::Credentials;
use zitadesk::api::wire::{ListQuery, ListUsersRequest, User};
use zitadesk::api::{Client, ClientConfig};
use zitadesk::demo::{DemoConfig, DemoServer, LoggedRequest};

pub async fn demo() -> DemoServer {
    demo_with(DemoConfig {
        generated_users: 0,
        ..DemoConfig::default()
    })
    .await
}

pub async fn demo_with(config: DemoConfig) -> DemoServer {
    DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
        .await
        .expect("demo instance starts")
}

pub fn config(demo: &DemoServer, credentials: Credentials) -> ClientConfig {
    let mut c = ClientConfig::new(demo.url().parse().expect("demo URL parses"), credentials);
    // Keep retried reads quick; the policy under test is the count, not the pause.
    c.retry_base_delay = Duration::from_millis(5);
    c
}

pub fn client(demo: &DemoServer, token: &str) -> Client {
    Client::new(config(demo, Credentials::token(token))).expect("client builds")
}

/// Every user of the demo instance (the seed set is small).
pub async fn all_users(client: &Client) -> Vec<User> {
    let req = ListUsersRequest {
        query: Some(ListQuery {
            offset: 0,
            limit: 1000,
            asc: true,
        }),
        ..Default::default()
    };
    client.list_users(&req).await.expect("list users").result
}

/// The first seed user matching `pred`; panics with `what` if the seed data lacks one.
pub async fn find_user(client: &Client, what: &str, pred: impl Fn(&User) -> bool) -> User {
    all_users(client)
        .await
        .into_iter()
        .find(|u| pred(u))
        .unwrap_or_else(|| panic!("the demo seed has no {what}"))
}

/// Requests whose path ends with `suffix`.
pub fn requests_to(demo: &DemoServer, suffix: &str) -> Vec<LoggedRequest> {
    demo.requests()
        .into_iter()
        .filter(|r| r.path.ends_with(suffix))
        .collect()
}

pub fn is_unverified_human(u: &User) -> bool {
    u.state == zitadesk::api::wire::UserState::Active
        && u.human
            .as_ref()
            .and_then(|h| h.email.as_ref())
            .is_some_and(|e| !e.email.is_empty() && !e.is_verified)
}

pub fn is_verified_human(u: &User) -> bool {
    u.state == zitadesk::api::wire::UserState::Active
        && u.human
            .as_ref()
            .and_then(|h| h.email.as_ref())
            .is_some_and(|e| !e.email.is_empty() && e.is_verified)
}

/// The real binary with none of the machine's settings: every `ZITADEL_*`/`ZITADESK_*`
/// variable, `COLUMNS` and `TZ` removed, its state and config under `home`.
pub fn zitadesk_in(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zitadesk"));
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("ZITADEL_") || k.starts_with("ZITADESK_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env_remove("COLUMNS")
        .env_remove("TZ")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"));
    cmd
}

/// Runs a command to its end: exit code (-1 for a signal), stdout, stderr.
pub fn run(cmd: &mut std::process::Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An empty scratch home for one test's binary runs (state and config go under it), in the
/// target directory's temp folder so parallel test files never share one.
pub fn scratch_home(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch home");
    dir
}

/// The binary with `home`'s state and config, pointed at `url` (a loopback test server) with
/// a fixed token.
pub fn against_url(home: &std::path::Path, url: &str) -> std::process::Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("ZITADEL_URL", url).env("ZITADEL_TOKEN", "t0ken");
    cmd
}

/// The audit trail the binary wrote under `home`, a JSON value per line (none: empty).
pub fn audit_records(home: &std::path::Path) -> Vec<serde_json::Value> {
    let path = home.join("state").join("zitadesk").join("audit.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}
