//! Several processes, one login (issue 10): the real binary, many copies at once, sharing one
//! stored device login against the demo instance, which rotates refresh tokens as ZITADEL does
//! (a refresh token works once). Without a lock around read → refresh → write, every process
//! sees the expiring token, all refresh with the same refresh token, and all but one are
//! refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;
use zitadesk::api::http::Http;
use zitadesk::api::oidc::{self, DEVICE_SCOPE, PollTiming};
use zitadesk::demo::{DEMO_CLIENT_ID, DemoConfig, DemoServer, DeviceApproval};
use zitadesk::token_store::{StoredTokens, TokenStore};

const PROFILE: &str = "demo";
/// The figure: a dozen `users list` right at token expiry.
const PROCESSES: usize = 12;

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zitadesk-token-lock-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("home");
    dir
}

/// The binary with only this test's config and state directories.
fn zitadesk(home: &Path) -> Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("HOME", home);
    cmd
}

/// The store the binary uses under `home` (`$XDG_STATE_HOME/zitadesk/tokens`).
fn store_in(home: &Path) -> TokenStore {
    TokenStore::new(home.join("state/zitadesk/tokens"))
}

async fn device_demo() -> DemoServer {
    demo_with(DemoConfig {
        generated_users: 0,
        device: DeviceApproval::AutoApproveAfter(Duration::ZERO),
        device_poll_interval: Duration::ZERO,
        ..DemoConfig::default()
    })
    .await
}

/// A profile signed in with the device flow whose access token expires in 30 s: inside the
/// refresh margin, so every process that starts now refreshes before its first call.
async fn signed_in_and_expiring(demo: &DemoServer, home: &Path) -> StoredTokens {
    std::fs::create_dir_all(home.join("config/zitadesk")).expect("config dir");
    std::fs::write(
        home.join("config/zitadesk/config.toml"),
        format!(
            "default_profile = \"{PROFILE}\"\n[profiles.{PROFILE}]\nurl = \"{}\"\nauth = {{ device = {{ client_id = \"{DEMO_CLIENT_ID}\" }} }}\n",
            demo.url()
        ),
    )
    .expect("config written");
    let http = Http::new(Duration::from_secs(5), Duration::from_secs(10)).expect("http");
    let disc = oidc::discover(&http, &demo.url().parse().expect("URL"))
        .await
        .expect("discovery");
    let auth = oidc::start_device(&http, &disc, DEMO_CLIENT_ID, DEVICE_SCOPE)
        .await
        .expect("device authorization");
    let quick = PollTiming {
        min_interval: Duration::ZERO,
        slow_down_step: Duration::from_secs(5),
    };
    let set = oidc::poll_device(&http, &disc, DEMO_CLIENT_ID, &auth, quick)
        .await
        .expect("approved");
    let stored = StoredTokens {
        issuer: demo.url(),
        client_id: DEMO_CLIENT_ID.into(),
        access_token: set.access_token,
        refresh_token: set.refresh_token,
        expires_at: Some(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30)),
        subject: None,
        name: None,
    };
    store_in(home).save(PROFILE, &stored).expect("tokens saved");
    stored
}

/// Starts every command before waiting for any, then collects (exit code, stderr) of each.
async fn run_together(mut commands: Vec<Command>) -> Vec<(i32, String)> {
    let children: Vec<_> = commands
        .iter_mut()
        .map(|c| {
            c.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("binary starts")
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().expect("binary ends");
                (
                    out.status.code().unwrap_or(-1),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            })
            .collect()
    })
    .await
    .expect("waiting for the children")
}

fn refreshes(demo: &DemoServer) -> usize {
    requests_to(demo, "/oauth/v2/token")
        .iter()
        .filter(|r| r.body.contains("grant_type=refresh_token"))
        .count()
}

/// A process that holds the lock and never lets go (stuck, or stopped with Ctrl-Z) must not
/// hang the others: proves the wait for the lock is bounded by the request timeout and ends
/// in an error that names the lock file, with nothing sent to the instance's token endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_lock_holder_costs_the_request_timeout_then_a_clear_error() {
    let demo = device_demo().await;
    let h = home("stuck");
    signed_in_and_expiring(&demo, &h).await;
    let store = store_in(&h);
    let _stuck = store
        .try_lock(PROFILE)
        .expect("lock file opens")
        .expect("nobody holds it yet");
    demo.clear_requests();

    let started = std::time::Instant::now();
    let mut cmd = zitadesk(&h);
    cmd.args(["--timeout", "1", "users", "list", "--limit", "1"]);
    let results = run_together(vec![cmd]).await;
    let waited = started.elapsed();

    let (code, err) = &results[0];
    assert_eq!(*code, 2, "{err}");
    let lock = store.lock_path(PROFILE).expect("lock path");
    assert!(
        err.contains(&lock.display().to_string()) && err.contains("another zitadesk process"),
        "{err}"
    );
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    assert_eq!(refreshes(&demo), 0, "the refresh waits for the lock");
    let _ = std::fs::remove_dir_all(&h);
}

/// The race the issue names: 12 `zitadesk users list` started together while the stored
/// access token is about to expire. Proves the token file is locked around read → refresh →
/// write and re-read under the lock: all 12 succeed, and the instance sees exactly one refresh
/// (the other 11 take the tokens the first one stored). Without the lock, most of the 12 spend
/// the same, rotated refresh token and are told to sign in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_processes_at_token_expiry_share_one_refresh() {
    let demo = device_demo().await;
    let h = home("twelve");
    signed_in_and_expiring(&demo, &h).await;
    demo.clear_requests();

    let commands = (0..PROCESSES)
        .map(|_| {
            let mut c = zitadesk(&h);
            c.args(["users", "list", "--limit", "1"]);
            c
        })
        .collect();
    let results = run_together(commands).await;

    let failed: Vec<_> = results.iter().filter(|(code, _)| *code != 0).collect();
    let refreshed = refreshes(&demo);
    assert!(
        failed.is_empty(),
        "{} of {PROCESSES} failed ({refreshed} refreshes); first: {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(refreshed, 1, "one refresh for all {PROCESSES}");
    let _ = std::fs::remove_dir_all(&h);
}

/// Moves the profile's token file to `elsewhere` and plants a symlink to it in its place.
fn plant_link(home: &Path, elsewhere: &Path) -> PathBuf {
    let path = store_in(home).path(PROFILE).expect("token path");
    std::fs::rename(&path, elsewhere).expect("tokens moved");
    std::os::unix::fs::symlink(elsewhere, &path).expect("link planted");
    path
}

/// Attack: a symlink planted at `tokens/demo.json` pointing at tokens of the planter's
/// choosing. Proves the binary refuses it, naming the path, and sends nothing with the linked
/// tokens. Before: the link was followed and `users list` ran on whatever it pointed at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_refuses_a_symlinked_token_file() {
    let demo = device_demo().await;
    let h = home("symlink-load");
    let stored = signed_in_and_expiring(&demo, &h).await;
    let mut fresh = stored.clone();
    fresh.expires_at = Some(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600));
    store_in(&h).save(PROFILE, &fresh).expect("fresh tokens");
    let elsewhere = h.join("planted.json");
    let link = plant_link(&h, &elsewhere);
    let planted = std::fs::read(&elsewhere).expect("planted tokens");
    demo.clear_requests();

    let mut cmd = zitadesk(&h);
    cmd.args(["users", "list", "--limit", "1"]);
    let (code, err) = run_together(vec![cmd]).await.remove(0);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains(&link.display().to_string()) && err.contains("symbolic link"),
        "{err}"
    );
    assert!(demo.requests().is_empty(), "nothing sent with the linked tokens");
    assert_eq!(std::fs::read(&elsewhere).expect("still there"), planted);
    let _ = std::fs::remove_dir_all(&h);
}

/// Attack: the same planted link when `zitadesk login` stores a new sign-in. Proves the write
/// is refused with the path named, the link stays a link and its target is unchanged.
/// Before: the rename silently replaced the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_refuses_to_write_through_a_symlinked_token_file() {
    let demo = device_demo().await;
    let h = home("symlink-save");
    signed_in_and_expiring(&demo, &h).await;
    let elsewhere = h.join("victim.json");
    let link = plant_link(&h, &elsewhere);
    let before = std::fs::read(&elsewhere).expect("victim file");

    let mut cmd = zitadesk(&h);
    cmd.arg("login");
    let (code, err) = run_together(vec![cmd]).await.remove(0);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains(&link.display().to_string()) && err.contains("symbolic link"),
        "{err}"
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&elsewhere).expect("victim file"), before);
    let _ = std::fs::remove_dir_all(&h);
}
