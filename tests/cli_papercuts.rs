//! Issue 14's CLI papercuts, each with the real binary: data on stdout and messages on stderr,
//! a closed stdout (quiet, except for a returned code), `audit` filters and width, `config
//! show` without a URL, `doctor` against something that is not ZITADEL, no profile named that
//! was not used, and read-only mode naming what switched it on.

mod common;
#[path = "common/evil.rs"]
mod evil;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;
use evil::{EvilServer, Reply};
use serde_json::Value;
use zitadesk::demo::ADMIN_TOKEN;

fn home(test: &str) -> PathBuf {
    let h = scratch_home(&format!("papercuts-{test}"));
    for dir in ["state/zitadesk", "config/zitadesk"] {
        std::fs::create_dir_all(h.join(dir)).expect("home");
    }
    #[cfg(unix)]
    for dir in ["state", "state/zitadesk", "config", "config/zitadesk"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(h.join(dir), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    h
}

fn write_config(home: &Path, text: &str) {
    std::fs::write(home.join("config/zitadesk/config.toml"), text).expect("config");
}

fn audit_path(home: &Path) -> PathBuf {
    home.join("state/zitadesk/audit.jsonl")
}

/// `zitadesk audit --json`, each line parsed.
fn audit_json(home: &Path) -> Vec<Value> {
    let (code, out, err) = run(zitadesk_in(home).args(["audit", "--json"]));
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

/// Runs `cmd` with its stdout a pipe whose reading end is already closed, so the first write
/// fails (EPIPE) every time, not only when the reader happens to be quick: exit code, stderr.
fn into_closed_pipe(cmd: &mut Command) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = cmd
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

use zitadesk::text::display_width;

// ---------------------------------------------------------------------------------------------
// stdout is data, stderr is messages; a closed stdout is quiet.

#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    let h = home("completions-pipe");
    let (code, err) = into_closed_pipe(zitadesk_in(&h).args(["completions", "bash"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "nothing to say when the reader left: {err:?}");
}

/// Every kind of output — a table, a block, a report, the settings — into a closed pipe: exit 0
/// and no panic. (`users list`'s footer still goes to stderr: it is not data.)
#[test]
fn every_command_ends_quietly_into_a_closed_pipe() {
    let h = home("every-pipe");
    let commands: [&[&str]; 6] = [
        &["--help"],
        &["--demo", "users", "list", "--limit", "200"],
        &["--demo", "users", "show", "300000000000000101"],
        &["--demo", "doctor"],
        &["--url", "https://id.example.com", "config", "show"],
        &["audit"],
    ];
    std::fs::write(
        audit_path(&h),
        format!("{}\n", record("1", "unlock", "2025-03-01T10:00:00Z")),
    )
    .unwrap();
    for args in commands {
        let (code, err) = into_closed_pipe(zitadesk_in(&h).args(args));
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

/// A code that was issued but could not be written is never lost silently: stderr says so,
/// the exit is not 0, and the audit trail has the line (`ok`, mode `return`) — the code itself
/// appears nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_code_into_a_closed_pipe_is_reported_and_audited() {
    let h = home("code-pipe");
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "active human with a verified email", is_verified_human).await;
    let mut cmd = zitadesk_in(&h);
    cmd.env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", ADMIN_TOKEN)
        .args(["users", "password-reset", &user.user_id, "--return-code"]);
    let (code, err) = into_closed_pipe(&mut cmd);
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("a new code was issued but could not be shown")
            && err.contains("the audit trail records it"),
        "{err}"
    );
    let lines = audit_json(&h);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["action"], "password-reset");
    assert_eq!(lines[0]["mode"], "return");
    assert_eq!(lines[0]["outcome"], "ok");
    assert_eq!(lines[0]["user_id"], user.user_id.as_str());
}

#[test]
fn the_list_footer_is_a_message_not_data() {
    let h = home("stderr");
    let (code, out, err) = run(zitadesk_in(&h).args(["--demo", "users", "list", "--limit", "3"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 4, "header and three rows only: {out}");
    assert!(!out.contains("shown of"), "{out}");
    assert!(
        err.trim_end().ends_with("(from offset 0)") && err.contains("zitadesk: 3 shown of "),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// audit: filters and width.

fn record(user: &str, action: &str, time: &str) -> String {
    serde_json::json!({
        "time": time,
        "instance": "https://a-rather-long-instance-name.zitadel.cloud",
        "operator": "300000000000000900",
        "user_id": user,
        "action": action,
        "mode": "send",
        "email": if action == "set-email" { Some("山田太郎.very.long.address@example.jp") } else { None },
        "outcome": "ok",
        "sequence": 7,
    })
    .to_string()
}

fn audit_home(test: &str) -> PathBuf {
    let h = home(test);
    let lines = [
        record("300000000000000101", "resend", "2025-03-01T10:00:00Z"),
        record("300000000000000102", "unlock", "2025-03-02T10:00:00Z"),
        record("300000000000000101", "set-email", "2025-03-03T10:00:00Z"),
        record("300000000000000103", "password-reset", "2025-03-04T10:00:00Z"),
    ];
    std::fs::write(audit_path(&h), lines.join("\n") + "\n").unwrap();
    h
}

/// The user IDs of `zitadesk audit --json ARGS`, in order.
fn users_of(h: &Path, args: &[&str]) -> Vec<String> {
    let (code, out, err) = run(zitadesk_in(h).args(["audit", "--json"]).args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON");
            format!(
                "{}:{}",
                v["user_id"].as_str().unwrap_or("?"),
                v["action"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn audit_filters_by_user_time_and_action() {
    let h = audit_home("audit-filters");
    assert_eq!(
        users_of(&h, &["--user", "300000000000000101"]),
        ["300000000000000101:resend", "300000000000000101:set-email"]
    );
    assert_eq!(
        users_of(&h, &["--action", "unlock"]),
        ["300000000000000102:unlock"]
    );
    assert_eq!(
        users_of(&h, &["--since", "2025-03-03T00:00:00Z"]),
        [
            "300000000000000101:set-email",
            "300000000000000103:password-reset"
        ]
    );
    assert_eq!(
        users_of(
            &h,
            &[
                "--since",
                "2025-03-02T10:00:00Z",
                "--user",
                "300000000000000101",
                "--action",
                "set-email"
            ]
        ),
        ["300000000000000101:set-email"]
    );
    // An age counts back from now: these lines are all older than a week.
    assert!(users_of(&h, &["--since", "7d"]).is_empty());
    assert_eq!(users_of(&h, &["--since", "100000d"]).len(), 4);

    // The table filters the same way; nothing matching is said on stderr, not an error.
    let (code, out, err) = run(zitadesk_in(&h).args(["audit", "--action", "reactivate"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("no audit records match"), "{err}");
}

#[test]
fn audit_refuses_an_unknown_action_or_time_naming_what_works() {
    let h = audit_home("audit-refusals");
    let (code, out, err) = run(zitadesk_in(&h).args(["audit", "--action", "delete"]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    for word in [
        "resend",
        "send",
        "invite",
        "set-email",
        "resend-phone",
        "password-reset",
        "unlock",
        "reactivate",
    ] {
        assert!(err.contains(word), "{word} offered: {err}");
    }
    let (code, _, err) = run(zitadesk_in(&h).args(["audit", "--since", "yesterday"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2025-03-01") && err.contains("7d"), "{err}");
}

#[test]
fn the_audit_table_fits_columns_and_is_whole_into_a_pipe() {
    let h = audit_home("audit-width");
    let (code, out, err) = run(zitadesk_in(&h).arg("audit").env("COLUMNS", "60"));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    for l in &lines {
        assert!(display_width(l) <= 60, "wider than 60: {l:?}");
        assert!(!l.ends_with(' '), "{l:?}");
    }
    // What is visible stays in its column: each row's user ID starts under USER.
    let user_at = lines[0].find("USER").expect("USER heading");
    let user_col = display_width(&lines[0][..user_at]);
    for l in &lines[1..] {
        let at = l
            .find("30000000000000010")
            .unwrap_or_else(|| panic!("user ID in {l:?}"));
        assert_eq!(display_width(&l[..at]), user_col, "{out}");
    }

    // Into a pipe without COLUMNS: whole values, still aligned.
    let (code, out, err) = run(zitadesk_in(&h).arg("audit"));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('…'), "{out}");
    assert!(out.contains("山田太郎.very.long.address@example.jp"), "{out}");
    assert!(
        out.contains("https://a-rather-long-instance-name.zitadel.cloud"),
        "{out}"
    );
    let lines: Vec<&str> = out.lines().collect();
    let outcome_at = display_width(&lines[0][..lines[0].find("OUTCOME").expect("OUTCOME")]);
    for l in &lines[1..] {
        assert_eq!(
            display_width(&l[..l.find("ok").expect("outcome")]),
            outcome_at,
            "{out}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// config show and doctor.

#[test]
fn config_show_without_a_url_shows_what_is_missing() {
    let h = home("show-missing");
    let (code, out, err) = run(zitadesk_in(&h).args(["config", "show"]));
    assert_eq!(code, 0, "{err}");
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("url ").contains("(missing)"), "{out}");
    assert!(
        line("auth ").contains("(missing)") && line("auth ").ends_with("(default)"),
        "{out}"
    );
    assert!(
        out.contains("missing: no instance URL") && out.contains("ZITADEL_URL"),
        "{out}"
    );
    assert!(
        out.contains("missing: no credentials") && out.contains("ZITADEL_TOKEN"),
        "{out}"
    );
    assert!(
        line("timeout_secs").contains("15"),
        "the rest is still shown: {out}"
    );
}

#[test]
fn config_show_fits_columns_and_stays_aligned() {
    let h = home("show-width");
    let (code, out, err) = run(zitadesk_in(&h)
        .args([
            "config",
            "show",
            "--url",
            "https://an-instance-with-a-very-long-name.example.com/",
        ])
        .env("ZITADEL_TOKEN", "t0ken")
        .env("COLUMNS", "60"));
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert!(rows.len() > 5, "{out}");
    let value_at = rows[0].find("none").expect("the profile row's value");
    for l in &rows {
        assert!(display_width(l) <= 60, "{l:?}");
        let first_value = l
            .char_indices()
            .skip_while(|(_, c)| *c != ' ')
            .find(|(_, c)| *c != ' ');
        assert_eq!(
            first_value.map(|(i, _)| i),
            Some(value_at),
            "values start in one column: {out}"
        );
    }
    // Into a pipe, whole.
    let (_, out, _) = run(zitadesk_in(&h)
        .args([
            "config",
            "show",
            "--url",
            "https://an-instance-with-a-very-long-name.example.com/",
        ])
        .env("ZITADEL_TOKEN", "t0ken"));
    assert!(
        out.contains("https://an-instance-with-a-very-long-name.example.com/") && !out.contains('…'),
        "{out}"
    );
}

/// A server that answers 404 everywhere (a proxy, another site): reachable, but not called
/// "✓ reachable" without saying what answered.
#[test]
fn doctor_says_a_404_at_the_base_url_is_not_zitadel() {
    let h = home("doctor-404");
    let server = EvilServer::start(|_| Reply::json(404, r#"{"message":"no such page"}"#));
    let (code, out, err) = run(against_url(&h, &server.url()).arg("doctor"));
    assert_eq!(code, 5, "discovery fails too: {out}{err}");
    let reachable = out
        .lines()
        .find(|l| l.contains(" reachable:"))
        .unwrap_or_default();
    assert!(reachable.starts_with("! reachable:"), "{out}");
    assert!(
        reachable.contains("HTTP 404") && reachable.contains("not ZITADEL answering"),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("✗ discovery")), "{out}");
}

/// The demo answers its base URL as ZITADEL does (302 to the login): all ✓.
#[test]
fn doctor_passes_the_demo_whose_base_url_redirects_like_zitadel() {
    let h = home("doctor-demo");
    let (code, out, err) = run(zitadesk_in(&h).args(["--demo", "doctor"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("✓ reachable:") && l.contains("HTTP 302")),
        "{out}"
    );
    let heading = out.lines().next().unwrap_or_default();
    assert!(
        heading.ends_with("(--demo)") && !heading.contains("profile"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Which profile, and what switched read-only on.

const ACME_UNUSED: &str = "default_profile = \"acme\"\n[profiles.acme]\nurl = \"https://acme.example\"\n";

/// A default profile whose every value the environment replaced is not named: not by `config
/// show`, `doctor` or the audit trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_only_run_names_no_profile() {
    let h = home("env-only");
    write_config(&h, ACME_UNUSED);
    let demo = demo().await;
    let env = |cmd: &mut Command| {
        cmd.env("ZITADEL_URL", demo.url())
            .env("ZITADEL_TOKEN", ADMIN_TOKEN);
    };

    let mut cmd = zitadesk_in(&h);
    env(&mut cmd);
    let (code, out, err) = run(cmd.args(["config", "show"]));
    assert_eq!(code, 0, "{err}");
    let profile = out.lines().find(|l| l.starts_with("profile")).unwrap_or_default();
    assert!(
        profile.contains("none (flags and environment)") && profile.contains("acme sets nothing here"),
        "{out}"
    );

    let mut cmd = zitadesk_in(&h);
    env(&mut cmd);
    let (_, out, _) = run(cmd.arg("doctor"));
    let heading = out.lines().next().unwrap_or_default();
    assert!(
        heading.contains("(profile none (flags and environment))") && !heading.contains("acme"),
        "{out}"
    );

    let mut cmd = zitadesk_in(&h);
    env(&mut cmd);
    let (code, _, err) = run(cmd.args(["users", "unlock", "300000000000000106"]));
    assert_eq!(code, 0, "{err}");
    let lines = audit_json(&h);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].get("profile").is_none(),
        "no profile recorded: {}",
        lines[0]
    );

    // The same profile, when it does set something (here the org), is named.
    write_config(&h, &format!("{ACME_UNUSED}org = \"{}\"\n", "1"));
    let mut cmd = zitadesk_in(&h);
    env(&mut cmd);
    let (_, out, _) = run(cmd.args(["config", "show"]));
    let profile = out.lines().find(|l| l.starts_with("profile")).unwrap_or_default();
    assert!(profile.contains("acme") && !profile.contains("none"), "{out}");
}

/// A variable set for one run: name, value.
type EnvVar = (&'static str, &'static str);

#[test]
fn read_only_mode_names_what_switched_it_on() {
    let h = home("read-only-source");
    let server = EvilServer::start(|_| Reply::json(500, "{}"));
    write_config(
        &h,
        "[profiles.desk]\nurl = \"https://desk.example\"\nread_only = true\n",
    );
    let cases: [(&[&str], Option<EnvVar>, &str); 4] = [
        (&["--read-only"], None, "(set by --read-only)"),
        (
            &[],
            Some(("ZITADESK_READ_ONLY", "true")),
            "(set by env ZITADESK_READ_ONLY)",
        ),
        (&["--profile", "desk"], None, "(set by profile desk)"),
        (&[], Some(("ZITADESK_PROFILE", "desk")), "(set by profile desk)"),
    ];
    for (flags, env, says) in cases {
        for command in [
            vec!["users", "unlock", "300000000000000106"],
            vec!["users", "resend-email", "300000000000000106", "--default-link"],
        ] {
            let mut cmd = against_url(&h, &server.url());
            if let Some((k, v)) = env {
                cmd.env(k, v);
            }
            let (code, out, err) = run(cmd.args(flags).args(&command));
            assert_eq!(code, 2, "{flags:?} {command:?}: {out}{err}");
            assert!(
                err.contains("read-only mode") && err.contains(says),
                "{flags:?} {command:?}: {err}"
            );
        }
    }
    assert!(
        server.requests().is_empty(),
        "nothing sent: {:?}",
        server.requests()
    );
}
