//! The real binary: each command, each exit code, `--read-only`, `--json`, and server strings
//! printed sanitised.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;
use zitadesk::api::wire::UserState;
use zitadesk::demo::{ADMIN_TOKEN, DemoServer, READER_TOKEN};

/// The binary with a clean environment: no connection settings leak in from the machine,
/// logs and config under a scratch folder, not the home of whoever runs the tests.
fn zitadesk() -> Command {
    zitadesk_in(&std::env::temp_dir().join("zitadesk-cli-tests"))
}

/// The binary pointed at `demo` with `token`.
fn against(demo: &DemoServer, token: &str) -> Command {
    let mut cmd = zitadesk();
    cmd.env("ZITADEL_URL", demo.url()).env("ZITADEL_TOKEN", token);
    cmd
}

#[test]
fn demo_lists_users_without_any_settings() {
    let (code, out, err) = run(zitadesk().args(["--demo", "users", "list", "--limit", "5"]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("ID") && lines[0].contains("EMAIL STATUS"),
        "{out}"
    );
    assert_eq!(
        lines.len(),
        1 + 5,
        "header and five rows; the footer is on stderr: {out}"
    );
    assert!(err.starts_with("zitadesk: 5 shown of "), "{err}");
}

#[test]
fn the_console_without_a_terminal_says_how_to_script_instead() {
    let (code, out, err) = run(zitadesk().arg("--demo"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("needs a terminal") && err.contains("users list"),
        "{err}"
    );
    assert!(out.is_empty());
}

#[test]
fn missing_settings_are_usage_errors_that_name_the_setting() {
    let (code, _, err) = run(zitadesk().args(["users", "list"]));
    assert_eq!(code, 2);
    assert!(err.contains("ZITADEL_URL"), "{err}");
    let (code, _, err) = run(zitadesk().args(["--url", "https://id.example.com", "users", "list"]));
    assert_eq!(code, 2);
    assert!(err.contains("ZITADEL_TOKEN"), "{err}");
    let (code, _, err) = run(zitadesk()
        .args(["--url", "http://id.example.com", "users", "list"])
        .env("ZITADEL_TOKEN", "t"));
    assert_eq!(code, 2);
    assert!(err.contains("--allow-insecure-http"), "{err}");
}

#[test]
fn a_bad_search_is_refused_naming_the_term_and_nothing_is_sent() {
    let (code, _, err) = run(zitadesk().args(["--demo", "users", "list", "--query", "jane colour:blue"]));
    assert_eq!(code, 2);
    assert!(err.contains("colour:blue"), "{err}");
}

#[test]
fn json_output_is_zitadel_shaped() {
    let (code, out, err) = run(zitadesk().args(["--demo", "users", "list", "--limit", "3", "--json"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["result"].as_array().map(Vec::len), Some(3));
    assert!(v["details"]["totalResult"].is_string(), "int64 as string: {v}");
    assert!(v["result"][0]["userId"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_the_user_and_exit_3_for_unknown() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", is_unverified_human).await;
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", &user.user_id]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&user.user_id) && out.contains("not verified"),
        "{out}"
    );
    let (code, out, _) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", &user.user_id, "--json"]));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["user"]["userId"], user.user_id.as_str());
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", "999999999999999999"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not found"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_4_for_a_bad_token_and_for_missing_rights() {
    let demo = demo().await;
    let (code, _, err) = run(against(&demo, "tok-0f9e8d7c6b5a").args(["users", "list"]));
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("not signed in") && err.contains("[AUTH-7fs1e]"),
        "{err}"
    );
    assert!(!err.contains("0f9e8d7c6b5a"), "the token never appears: {err}");
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let (code, _, err) =
        run(against(&demo, READER_TOKEN).args(["users", "resend-email", &user.user_id, "--return-code"]));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("permission denied"), "{err}");
}

#[test]
fn exit_5_when_the_instance_cannot_be_reached() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (code, _, err) = run(zitadesk()
        .args(["--url", &url, "users", "list"])
        .env("ZITADEL_TOKEN", "t"));
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("cannot reach"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_with_return_code_prints_the_issued_code() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "resend-email", &user.user_id, "--return-code"]));
    assert_eq!(code, 0, "{err}");
    let issued = demo.pending_code(&user.user_id).unwrap();
    assert!(out.contains(&format!("code:      {issued}")), "{out}");
    assert!(!err.contains(&issued), "the code goes to stdout only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_with_a_template_sends_it_once_and_json_has_details() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    demo.clear_requests();
    let template = "https://verify.example.com/?code={{.Code}}&user={{.UserID}}";
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        &user.user_id,
        "--url-template",
        template,
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["details"]["sequence"].is_string(), "{v}");
    assert!(v.get("verificationCode").is_none());
    let sent = requests_to(&demo, "/email/resend");
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["sendCode"]["urlTemplate"], template);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_template_is_refused_with_exit_2_and_nothing_is_sent() {
    let demo = demo().await;
    demo.clear_requests();
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        "123",
        "--url-template",
        "https://x/{{.LoginName}}",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("LoginName"), "{err}");
    assert!(demo.requests().is_empty());
}

/// ZITADEL accepts a mobile deep link: it is sent (trimmed, as on the wire), with a warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_template_is_sent_with_a_warning_on_stderr() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    demo.clear_requests();
    let template = "myapp://verify?c={{.Code | urlquery}}";
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        &user.user_id,
        "--url-template",
        &format!(" {template} "),
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: a myapp: link, not a web link"), "{err}");
    assert!(
        err.contains("warning: white space around the link is trimmed"),
        "{err}"
    );
    let sent = requests_to(&demo, "/email/resend");
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["sendCode"]["urlTemplate"], template);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_javascript_link_is_refused_by_zitadesk_with_exit_2_and_nothing_is_sent() {
    let demo = demo().await;
    demo.clear_requests();
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        "123",
        "--url-template",
        "javascript:alert({{.Code}})",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("zitadesk does not send javascript: links"), "{err}");
    assert!(!err.contains("ZITADEL refused"), "{err}");
    assert!(demo.requests().is_empty(), "{:?}", demo.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_resend_with_exit_2_and_sends_nothing() {
    let demo = demo().await;
    demo.clear_requests();
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "--read-only",
        "users",
        "resend-email",
        "123",
        "--return-code",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert!(demo.requests().is_empty(), "{:?}", demo.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_if_none_falls_back_to_the_send_call() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "verified user without a code", |u| {
        is_verified_human(u) && demo.pending_code(&u.user_id).is_none()
    })
    .await;
    let (code, _, err) =
        run(against(&demo, ADMIN_TOKEN).args(["users", "resend-email", &user.user_id, "--default-link"]));
    assert_eq!(code, 5, "without the flag: no pending code is an error: {err}");
    assert!(err.contains("no pending code"), "{err}");
    demo.clear_requests();
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        &user.user_id,
        "--default-link",
        "--send-if-none",
    ]));
    assert_eq!(code, 0, "{err}");
    let paths: Vec<String> = demo.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        vec![
            format!("/v2/users/{}/email/resend", user.user_id),
            format!("/v2/users/{}/email/send", user.user_id)
        ]
    );
    assert!(out.contains("ZITADEL will mail"), "{out}");
    assert!(demo.pending_code(&user.user_id).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_display_name_is_printed_sanitised() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let evil = find_user(&c, "user with an escape sequence in the display name", |u| {
        u.human
            .as_ref()
            .and_then(|h| h.profile.as_ref())
            .and_then(|p| p.display_name.as_deref())
            .is_some_and(|n| n.contains('\u{1b}'))
    })
    .await;
    let (code, out, err) = run(against(&demo, ADMIN_TOKEN)
        .args(["users", "list", "--limit", "1000"])
        .env("COLUMNS", "100"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&evil.user_id));
    assert!(!out.contains('\u{1b}'), "no ESC reaches the terminal");
    assert!(out.contains('␛'), "the escape is shown, not hidden");
    let widths: Vec<usize> = out.lines().map(zitadesk::text::display_width).collect();
    assert!(
        widths.iter().all(|w| *w <= 100),
        "every line fits 100 columns: {widths:?}"
    );

    let (code, out, _) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", &evil.user_id]));
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}'));

    let (code, out, _) = run(against(&demo, ADMIN_TOKEN).args(["users", "show", &evil.user_id, "--json"]));
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}'), "JSON escapes it");
    let v: Value = serde_json::from_str(&out).unwrap();
    let name = v["user"]["human"]["profile"]["displayName"].as_str().unwrap();
    assert!(name.contains('\u{1b}'), "JSON keeps the original string");
    assert_eq!(evil.state, UserState::Active);
}

#[test]
fn the_console_without_settings_says_which_are_missing_before_touching_the_terminal() {
    let (code, out, err) = run(&mut zitadesk());
    assert_eq!(code, 2);
    assert!(err.contains("ZITADEL_URL") && err.contains("--demo"), "{err}");
    assert!(out.is_empty(), "nothing was drawn: {out:?}");
}

#[test]
fn clap_usage_errors_exit_2() {
    let (code, _, _) = run(zitadesk().args(["users", "resend-email", "123"]));
    assert_eq!(code, 2, "a mode is required");
    let (code, _, _) =
        run(zitadesk().args(["users", "resend-email", "123", "--return-code", "--default-link"]));
    assert_eq!(code, 2, "modes are exclusive");
}

#[test]
fn demo_ignores_connection_settings_from_the_environment() {
    let (code, out, err) = run(zitadesk()
        .args(["--demo", "users", "list", "--limit", "3"])
        .env("ZITADEL_URL", "https://id.example.com")
        .env("ZITADEL_ORG_ID", "123")
        .env("ZITADESK_API", "v3alpha"));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("3 shown of") && out.lines().count() == 4,
        "{out}{err}"
    );
}

#[test]
fn more_than_one_credential_is_refused() {
    let (code, _, err) = run(zitadesk()
        .args([
            "--url",
            "https://id.example.com",
            "--key-file",
            "assets/demo-service-key.json",
            "users",
            "list",
        ])
        .env("ZITADEL_TOKEN", "t"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ZITADEL_TOKEN and --key-file"), "{err}");
}

#[test]
fn an_empty_user_id_is_a_usage_error() {
    let (code, _, err) = run(zitadesk().args(["--demo", "users", "show", " "]));
    assert_eq!(code, 2, "{err}");
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zitadesk-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_file_signs_in_through_the_token_endpoint() {
    let demo = demo().await;
    let key = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-service-key.json");
    let mut cmd = zitadesk();
    cmd.env("ZITADEL_URL", demo.url())
        .args(["--key-file"])
        .arg(&key)
        .args(["users", "list", "--limit", "2"]);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 shown of") && !out.contains("shown of"),
        "{out}{err}"
    );
    assert_eq!(requests_to(&demo, "/oauth/v2/token").len(), 1);
    let api = requests_to(&demo, "/v2/users");
    assert_eq!(api.len(), 1);
    assert!(
        api[0].bearer.as_deref().is_some_and(|b| b != ADMIN_TOKEN),
        "an issued token is used"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_file_is_read_and_its_errors_name_the_file() {
    let demo = demo().await;
    let dir = scratch("token");
    let path = dir.join("pat");
    std::fs::write(&path, format!("{ADMIN_TOKEN}\n")).unwrap();
    let mut cmd = zitadesk();
    cmd.env("ZITADEL_URL", demo.url())
        .arg("--token-file")
        .arg(&path)
        .args(["users", "list", "--limit", "1"]);
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        requests_to(&demo, "/v2/users")[0].bearer.as_deref(),
        Some(ADMIN_TOKEN)
    );
    let missing = dir.join("nope");
    let mut cmd = zitadesk();
    cmd.env("ZITADEL_URL", demo.url())
        .arg("--token-file")
        .arg(&missing)
        .args(["users", "list"]);
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_scopes_every_search() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let some = find_user(&c, "human user", |u| u.human.is_some()).await;
    let org = some.details.as_ref().unwrap().resource_owner.clone();
    let (code, out, err) =
        run(against(&demo, ADMIN_TOKEN).args(["--org", &org, "users", "list", "--json", "--limit", "1000"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let owners: Vec<&str> = v["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["details"]["resourceOwner"].as_str().unwrap())
        .collect();
    assert!(
        !owners.is_empty() && owners.iter().all(|o| *o == org),
        "{owners:?}"
    );
    let sent: Value = serde_json::from_str(&requests_to(&demo, "/v2/users").last().unwrap().body).unwrap();
    assert!(
        sent["queries"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"organizationIdQuery": {"organizationId": org}}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_v3alpha_sends_resend_to_the_resource_path() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let before = demo.pending_code(&user.user_id);
    demo.clear_requests();
    let (code, _, err) = run(against(&demo, ADMIN_TOKEN).args([
        "--api",
        "v3alpha",
        "users",
        "resend-email",
        &user.user_id,
        "--return-code",
    ]));
    // ZITADEL serves the v3alpha resend only to schema users (the demo used to succeed).
    assert_ne!(code, 0, "{err}");
    assert_eq!(
        (demo.requests()[0].path.clone(), demo.requests()[0].status),
        (
            format!("/resources/v3alpha/users/{}/email/_resend", user.user_id),
            400
        )
    );
    assert_eq!(demo.pending_code(&user.user_id), before);
}

#[test]
fn demo_server_prints_its_url_and_token_and_serves_them() {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut child = zitadesk()
        .args(["demo-server", "--addr", &addr.to_string(), "--users", "10"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    // The banner is written at once; read until the URL and the admin token were printed.
    while let Some(Ok(line)) = lines.next() {
        seen.push(line);
        let text = seen.join("\n");
        if text.contains(&format!("http://{addr}")) && text.contains(ADMIN_TOKEN) {
            break;
        }
    }
    let text = seen.join("\n");
    assert!(
        text.contains(&format!("http://{addr}")) && text.contains(ADMIN_TOKEN),
        "{text}"
    );
    let (code, out, err) = run(zitadesk()
        .args(["users", "list", "--limit", "1"])
        .env("ZITADEL_URL", format!("http://{addr}"))
        .env("ZITADEL_TOKEN", ADMIN_TOKEN));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 shown of") && out.lines().count() == 2,
        "{out}{err}"
    );
}

#[test]
fn demo_server_refuses_a_public_address() {
    let (code, _, err) = run(zitadesk().args(["demo-server", "--addr", "0.0.0.0:0"]));
    assert_eq!(code, 2);
    assert!(err.contains("loopback"), "{err}");
}
