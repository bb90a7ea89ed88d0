//! Issue 10, "Nothing raw in files either": the real binary's files — the audit trail, the
//! logs, the state and config directories — tried as a local attacker or a hostile server
//! would. Each test fails without the protection it names.
#![cfg(unix)]

mod common;
#[path = "common/evil.rs"]
mod evil;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;
use evil::{EvilServer, Reply};
use zitadesk::demo::ADMIN_TOKEN;

/// A fresh home for one test, with the state and config homes the binary is pointed at.
fn home(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("trust-files-{test}"));
    if dir.exists() {
        // A previous run may have left a directory without write permission for its owner.
        let _ = std::process::Command::new("chmod")
            .arg("-R")
            .arg("u+rwx")
            .arg(&dir)
            .status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(dir.join("state")).expect("state home");
    std::fs::create_dir_all(dir.join("config")).expect("config home");
    dir
}

fn state_dir(home: &Path) -> PathBuf {
    home.join("state").join("zitadesk")
}

fn mkdir_mode(dir: &Path, mode: u32) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

/// A file elsewhere that a planted link points at; it must never change.
fn victim(home: &Path) -> PathBuf {
    let path = home.join("victim.txt");
    std::fs::write(&path, "precious\n").expect("victim");
    path
}

/// The log files of the day the test runs (and the next, should it cross midnight).
fn todays_log_names() -> Vec<String> {
    let now = jiff::Timestamp::now();
    vec![
        zitadesk::logging::file_name(now),
        zitadesk::logging::file_name(now + jiff::SignedDuration::from_hours(24)),
    ]
}

fn against(home: &Path, url: &str, token: &str) -> std::process::Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("ZITADEL_URL", url).env("ZITADEL_TOKEN", token);
    cmd
}

/// Attack: a link planted at `audit.jsonl` pointing at another file of the agent's.
/// `zitadesk users resend-email ID --return-code` with `XDG_STATE_HOME` in the scratch home.
/// Before: the code was issued and the audit line appended to the link's target. Now: refused
/// up front (exit 2, the path named), no request sent, the target unchanged. (That the append
/// itself never follows a link is `audit::tests::a_planted_link_is_refused_not_followed`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_at_the_audit_file_is_refused_before_anything_is_sent() {
    let h = home("audit-link");
    let demo = demo().await;
    let user = find_user(
        &client(&demo, ADMIN_TOKEN),
        "unverified user",
        is_unverified_human,
    )
    .await;
    mkdir_mode(&state_dir(&h), 0o700);
    let target = victim(&h);
    let link = state_dir(&h).join("audit.jsonl");
    std::os::unix::fs::symlink(&target, &link).expect("plant the link");

    let (code, out, err) = run(against(&h, &demo.url(), ADMIN_TOKEN).args([
        "users",
        "resend-email",
        &user.user_id,
        "--return-code",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&link.display().to_string()), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!out.contains("code:"), "nothing issued: {out}");
    assert!(requests_to(&demo, "/email/resend").is_empty(), "nothing sent");
    assert_eq!(std::fs::read_to_string(&target).expect("victim"), "precious\n");
}

/// Attack: a link planted at today's log file. `zitadesk --demo users list --limit 1`.
/// Before: tracing-appender opened the link and appended the day's log to its target. Now: no
/// log file, a warning naming the path, the target unchanged, the command itself done.
#[test]
fn a_link_at_the_log_file_is_refused_and_its_target_untouched() {
    let h = home("log-link");
    let logs = state_dir(&h).join("logs");
    mkdir_mode(&state_dir(&h), 0o700);
    mkdir_mode(&logs, 0o700);
    let target = victim(&h);
    let names = todays_log_names();
    for name in &names {
        std::os::unix::fs::symlink(&target, logs.join(name)).expect("plant the link");
    }

    let (code, out, err) = run(zitadesk_in(&h).args(["--demo", "users", "list", "--limit", "1"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("no log file") && err.contains("symbolic link"),
        "{err}"
    );
    assert!(
        names
            .iter()
            .any(|n| err.contains(&logs.join(n).display().to_string())),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).expect("victim"), "precious\n");
}

/// Attack: a server whose error message holds a newline, a forged log line, an ESC sequence,
/// a C1 CSI and a bidi override. `zitadesk users resend-email 1 --return-code` against it.
/// Before: the log file held a second line starting "2026-01-01T00:00:00Z  INFO forged" and
/// raw escape sequences for `cat` to run, in a 0644 file. Now: one line, every character
/// escaped; the files (an earlier day's too) are 0600 in a 0700 directory.
#[test]
fn a_server_message_cannot_forge_a_log_line_or_drive_the_terminal() {
    let h = home("log-forge");
    let message =
        "denied\n2026-01-01T00:00:00Z  INFO forged: all fine\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";
    let body = serde_json::json!({ "code": 7, "message": message }).to_string();
    let server = EvilServer::start(move |_| Reply::json(403, &body));
    // A file of an earlier day, written before logs were private, is tightened too.
    let logs = state_dir(&h).join("logs");
    mkdir_mode(&logs, 0o755);
    let old_day = logs.join("zitadesk.2026-01-01.log");
    std::fs::write(&old_day, "an old day\n").expect("old log");
    std::fs::set_permissions(&old_day, std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let (code, out, err) = run(against(&h, &server.url(), "t0ken").args([
        "users",
        "resend-email",
        "300000000000000101",
        "--return-code",
    ]));
    assert_eq!(code, 4, "{out}{err}");
    let text: String = std::fs::read_dir(&logs)
        .expect("a log directory")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("log file"))
        .collect();
    assert!(text.contains("forged"), "the message was logged: {text}");
    assert!(
        !text.lines().any(|l| l.starts_with("2026-01-01T00:00:00Z")),
        "a forged line: {text}"
    );
    assert!(
        text.contains(
            r"denied\n2026-01-01T00:00:00Z  INFO forged: all fine\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}"
        ),
        "{text}"
    );
    let acts = |c: char| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c);
    assert!(!text.chars().any(acts), "{text:?}");
    assert_eq!(mode(&logs), 0o700);
    for entry in std::fs::read_dir(&logs).expect("logs") {
        assert_eq!(mode(&entry.expect("entry").path()), 0o600);
    }
    assert_eq!(mode(&state_dir(&h)), 0o700);
}

/// Attack: a state directory others can write (`chmod 777 ~/.local/state/zitadesk`), where
/// they could swap the audit trail or tokens. Before: used as it was. Now: `users
/// resend-email` refuses (exit 2) with the `chmod 700` fix and sends nothing; `users list`
/// runs with a warning; `doctor` fails its `files` check with the fix; the directory is left
/// as it is (not silently changed) and no log is written in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_directory_others_can_write_is_refused_with_the_fix() {
    let h = home("state-loose");
    let demo = demo().await;
    let state = state_dir(&h);
    mkdir_mode(&state, 0o777);
    let fix = format!("chmod 700 {}", state.display());

    let (code, out, err) = run(against(&h, &demo.url(), ADMIN_TOKEN).args([
        "users",
        "resend-email",
        "300000000000000101",
        "--return-code",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&fix), "{err}");
    assert!(requests_to(&demo, "/email/resend").is_empty(), "nothing sent");

    let (code, out, err) = run(against(&h, &demo.url(), ADMIN_TOKEN).args(["users", "list"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("warning") && err.contains(&fix), "{err}");

    // The console refuses before it looks for a terminal.
    let (code, out, err) = run(&mut against(&h, &demo.url(), ADMIN_TOKEN));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&fix) && !err.contains("terminal"), "{err}");

    let (code, out, _) = run(against(&h, &demo.url(), ADMIN_TOKEN).arg("doctor"));
    assert_eq!(code, 5, "{out}");
    assert!(out.lines().any(|l| l.starts_with("✗ files")), "{out}");
    assert!(out.contains(&format!("fix: {fix}")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("✓ ListUsers")), "{out}");

    assert_eq!(mode(&state), 0o777, "left for the agent to fix");
    assert!(!state.join("logs").exists(), "nothing logged into it");
    assert!(!state.join("audit.jsonl").exists());
}

/// Attack: a config directory others can write, where they could swap `config.toml` (and with
/// it the URL a token is sent to). Before: the file was read and the token sent. Now: `users
/// list` refuses (exit 2) and nothing reaches the instance; `config show` shows it with a
/// warning; `doctor` fails `files` and skips the connection checks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_directory_others_can_write_is_refused_for_commands_that_trust_it() {
    let h = home("config-loose");
    let demo = demo().await;
    let config = h.join("config").join("zitadesk");
    mkdir_mode(&config, 0o777);
    std::fs::write(config.join("config.toml"), "url_templates = []\n").expect("config");
    let fix = format!("chmod 700 {}", config.display());
    demo.clear_requests();

    let (code, out, err) = run(against(&h, &demo.url(), ADMIN_TOKEN).args(["users", "list"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&fix), "{err}");

    let (code, out, err) = run(against(&h, &demo.url(), ADMIN_TOKEN).args(["config", "show"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("warning") && err.contains(&fix), "{err}");

    let (code, out, _) = run(against(&h, &demo.url(), ADMIN_TOKEN).arg("doctor"));
    assert_eq!(code, 5, "{out}");
    assert!(out.lines().any(|l| l.starts_with("✗ files")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("· reachable")), "{out}");
    assert!(
        demo.requests().is_empty(),
        "the token went nowhere: {:?}",
        demo.requests()
    );
}

/// Attack: a directory name holding an ESC sequence and a newline (anyone can name one in a
/// shared /tmp). Before: the path was printed raw — the terminal acted on the ESC and the
/// newline started a line of the attacker's. Now: shown as ␛ and ␊, one line.
#[test]
fn a_path_with_an_escape_and_a_newline_is_shown_inert() {
    let h = home("path-escape");
    let xdg_state = h.join("st\u{1b}[31m\nate");
    mkdir_mode(&xdg_state.join("zitadesk"), 0o777);
    let (code, out, err) = run(zitadesk_in(&h).env("XDG_STATE_HOME", &xdg_state).args([
        "--demo",
        "users",
        "resend-email",
        "300000000000000101",
        "--return-code",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("st␛[31m␊ate/zitadesk"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
}
