//! Profiles on the command line: `config init|show`, a malformed file's message, device
//! `login`/`logout` through a profile, `doctor`, and `completions` — the real binary, against
//! the in-process demo instance where a server is needed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;
use zitadesk::demo::{ADMIN_TOKEN, DEMO_CLIENT_ID, DemoConfig, DeviceApproval};

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zitadesk-profiles-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with only this test's config and state directories (and HOME, for `~/`).
fn zitadesk(home: &Path) -> Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("HOME", home);
    cmd
}

fn write_config(home: &Path, text: &str) -> PathBuf {
    let path = home.join("config/zitadesk/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn config_init_writes_a_private_example_once() {
    let h = home("init");
    let (code, _, err) = run(zitadesk(&h).args(["config", "init"]));
    assert_eq!(code, 0, "{err}");
    let path = h.join("config/zitadesk/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[profiles.acme]"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let (code, _, err) = run(zitadesk(&h).args(["config", "init"]));
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    let (code, _, _) = run(zitadesk(&h).args(["config", "init", "--force"]));
    assert_eq!(code, 0);
}

#[test]
fn config_show_names_each_source_and_hides_the_token() {
    let h = home("show");
    write_config(
        &h,
        "default_profile = \"acme\"\n[profiles.acme]\nurl = \"https://acme.example\"\norg = \"111\"\nread_only = true\n",
    );
    let (code, out, err) = run(zitadesk(&h)
        .args(["config", "show", "--api", "v3alpha"])
        .env("ZITADEL_TOKEN", "tok-abc-123")
        .env("ZITADEL_ORG_ID", "222"));
    assert_eq!(code, 0, "{err}");
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("url").contains("https://acme.example") && line("url").contains("(profile acme)"),
        "{out}"
    );
    assert!(
        line("org").contains("222") && line("org").contains("(env ZITADEL_ORG_ID)"),
        "{out}"
    );
    assert!(
        line("api ").contains("v3alpha") && line("api ").contains("(--api)"),
        "{out}"
    );
    assert!(
        line("read_only").contains("true") && line("read_only").contains("(profile acme)"),
        "{out}"
    );
    assert!(line("auth").contains("(env ZITADEL_TOKEN)"), "{out}");
    assert!(!out.contains("tok-abc-123"), "the token never appears: {out}");
}

#[test]
fn a_malformed_config_names_the_file_line_and_key() {
    let h = home("malformed");
    let path = write_config(
        &h,
        "[profiles.acme]\nurl = \"https://acme.example\"\nreadonly = true\n",
    );
    let (code, _, err) = run(zitadesk(&h).args(["users", "list"]).env("ZITADEL_TOKEN", "t"));
    assert_eq!(code, 2);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("line 3") && err.contains("readonly"), "{err}");
}

#[test]
fn a_token_file_others_can_read_is_warned_about() {
    let h = home("perms");
    let pat = h.join("acme.pat");
    std::fs::write(&pat, "tok\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pat, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    write_config(
        &h,
        &format!(
            "[profiles.acme]\nurl = \"https://acme.example\"\nauth = {{ token_file = \"{}\" }}\n",
            pat.display()
        ),
    );
    let (code, out, err) = run(zitadesk(&h).args(["--profile", "acme", "config", "show"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("chmod 600"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_then_commands_use_the_stored_tokens_then_logout_revokes() {
    let demo = demo_with(DemoConfig {
        generated_users: 0,
        device: DeviceApproval::AutoApproveAfter(Duration::from_millis(50)),
        device_poll_interval: Duration::from_millis(0),
        ..DemoConfig::default()
    })
    .await;
    let h = home("login");
    write_config(
        &h,
        &format!(
            "default_profile = \"demo\"\n[profiles.demo]\nurl = \"{}\"\nauth = {{ device = {{ client_id = \"{DEMO_CLIENT_ID}\" }} }}\n",
            demo.url()
        ),
    );
    let (code, _, err) = run(zitadesk(&h).args(["users", "list"]));
    assert_eq!(code, 4, "not signed in yet: {err}");
    assert!(err.contains("zitadesk login"), "{err}");

    let (code, out, err) = run(zitadesk(&h).arg("login"));
    assert_eq!(code, 0, "{out}{err}");
    // Instructions for the agent are messages: stderr, nothing on stdout.
    assert!(err.contains("/device") && err.contains("Signed in"), "{err}");
    assert!(out.is_empty(), "{out}");
    let tokens = h.join("state/zitadesk/tokens/demo.json");
    assert!(tokens.exists());

    let (code, out, err) = run(zitadesk(&h).args(["users", "list", "--limit", "1"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 shown of") && out.lines().count() == 2,
        "{out}{err}"
    );
    let api = requests_to(&demo, "/v2/users");
    assert!(
        api.last()
            .and_then(|r| r.bearer.as_deref())
            .is_some_and(|b| b != ADMIN_TOKEN)
    );

    let (code, _, err) = run(zitadesk(&h).arg("logout"));
    assert_eq!(code, 0, "{err}");
    assert!(!tokens.exists());
    assert!(!requests_to(&demo, "/oauth/v2/revoke").is_empty());
    let (code, _, _) = run(zitadesk(&h).args(["users", "list"]));
    assert_eq!(code, 4);
}

#[test]
fn doctor_passes_every_check_against_a_healthy_instance() {
    let h = home("doctor-ok");
    let (code, out, err) = run(zitadesk(&h).args(["--demo", "doctor"]));
    assert_eq!(code, 0, "{out}{err}");
    for step in ["reachable", "discovery", "token", "ListUsers", "permissions"] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("✓ {step}"))),
            "{step}: {out}"
        );
    }
    assert!(out.contains("all checks passed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_the_failing_step_for_a_bad_token() {
    let demo = demo().await;
    let h = home("doctor-bad");
    let (code, out, _) = run(zitadesk(&h)
        .args(["doctor"])
        .env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", "not-a-token"));
    assert_eq!(code, 5, "{out}");
    assert!(out.lines().any(|l| l.starts_with("✓ reachable")), "{out}");
    // The token is checked on its own (userinfo), before any user is listed.
    assert!(
        out.lines()
            .any(|l| l.starts_with("✗ token") && l.contains("not signed in")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("· ListUsers")), "{out}");
    assert!(
        out.contains("fix:") && out.contains("personal access token"),
        "{out}"
    );
    assert!(!out.contains("not-a-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_missing_write_permission() {
    let demo = demo().await;
    let h = home("doctor-reader");
    let (code, out, _) = run(zitadesk(&h)
        .args(["doctor"])
        .env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", zitadesk::demo::READER_TOKEN));
    assert_eq!(code, 5, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("✗ permissions") && l.contains("user.write ✗")),
        "{out}"
    );
    assert!(out.contains("ORG_USER_MANAGER"), "{out}");
    assert!(out.contains("read_only = true"), "the look-only way out: {out}");
}

/// A look-only seat as the README sets it up — `read_only` and only `user.read` — is healthy;
/// and the list check claims no more users than the account may read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_a_read_only_seat_and_hedges_the_count() {
    let demo = demo().await;
    let h = home("doctor-read-only");
    let (code, out, _) = run(zitadesk(&h)
        .args(["--read-only", "doctor"])
        .env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", zitadesk::demo::READER_TOKEN));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("✓ permissions")
            && l.contains("user.read ✓ · user.write ✗ in your account's own organisation")
            && l.ends_with("read-only seat: user.write not needed")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("✓ ListUsers") && l.ends_with("matching; your account may read fewer")),
        "{out}"
    );
    assert!(!out.contains("visible"), "{out}");
}

#[test]
fn completions_for_each_shell() {
    let h = home("completions");
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = run(zitadesk(&h).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(
            out.contains("zitadesk") && out.contains("resend-email"),
            "{shell}"
        );
    }
}
