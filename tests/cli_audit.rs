//! The audit trail from the command line: every confirmed `users resend-email` appends one
//! line to `$XDG_STATE_HOME/zitadesk/audit.jsonl` (never the code, never the token), and
//! `zitadesk audit [--json]` prints it back.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;
use zitadesk::demo::{ADMIN_TOKEN, DemoServer, READER_TOKEN, SERVICE_KEY_PATH, SERVICE_USER_ID};

/// A fresh state and config home for one test.
fn homes(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-audit-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("state")).expect("state home");
    std::fs::create_dir_all(dir.join("config")).expect("config home");
    dir
}

fn audit_file(home: &Path) -> PathBuf {
    home.join("state").join("zitadesk").join("audit.jsonl")
}

fn zitadesk(home: &Path) -> Command {
    zitadesk_in(home)
}

fn against(home: &Path, demo: &DemoServer, token: &str) -> Command {
    let mut cmd = zitadesk(home);
    cmd.env("ZITADEL_URL", demo.url()).env("ZITADEL_TOKEN", token);
    cmd
}

/// `sequence:  N` from the text output of a resend.
fn sequence_in(out: &str) -> u64 {
    out.lines()
        .find_map(|l| l.strip_prefix("sequence:"))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no sequence in {out}"))
}

fn code_in(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("code:"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| panic!("no code in {out}"))
}

/// `zitadesk audit --json`, each line parsed.
fn audit_json(home: &Path) -> Vec<Value> {
    let (code, out, err) = run(zitadesk(home).args(["audit", "--json"]));
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

fn assert_secret_free(text: &str, codes: &[&str]) {
    for code in codes {
        assert!(!text.contains(code), "the code {code} leaked into: {text}");
    }
    for token in [ADMIN_TOKEN, READER_TOKEN] {
        assert!(!text.contains(token), "the token leaked into: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_resend_is_audited_and_audit_prints_it_without_the_code() {
    let home = homes("three-actions");
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user with a pending code", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let id = user.user_id.as_str();

    // 1. Return the code.
    let (code, out, err) =
        run(against(&home, &demo, ADMIN_TOKEN).args(["users", "resend-email", id, "--return-code"]));
    assert_eq!(code, 0, "{err}");
    let returned = code_in(&out);
    assert_eq!(Some(returned.clone()), demo.pending_code(id));
    let seq1 = sequence_in(&out);
    assert!(!err.contains("warning"), "the audit line was written: {err}");

    // 2. Mail it with a template.
    let template = "https://verify.example.com/?code={{.Code}}&user={{.UserID}}";
    let (code, out, err) = run(against(&home, &demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        id,
        "--url-template",
        template,
    ]));
    assert_eq!(code, 0, "{err}");
    let seq2 = sequence_in(&out);
    assert!(seq2 > seq1);
    let mailed = demo.pending_code(id).expect("a code is pending");

    // 3. Refused: the reader may not write.
    demo.clear_requests();
    let (code, _, err) =
        run(against(&home, &demo, READER_TOKEN).args(["users", "resend-email", id, "--return-code"]));
    assert_ne!(code, 0, "a 403 is an error");
    assert!(err.contains("permission denied"), "{err}");
    assert_eq!(requests_to(&demo, "/email/resend").len(), 1, "never retried");

    let lines = audit_json(&home);
    assert_eq!(lines.len(), 3, "one line per confirmed action: {lines:?}");
    let instance = demo.url();
    for l in &lines {
        assert_eq!(l["user_id"], id, "{l}");
        assert_eq!(l["action"], "resend", "{l}");
        assert_eq!(
            l["instance"].as_str(),
            Some(instance.trim_end_matches('/')),
            "{l}"
        );
        assert!(
            l["time"]
                .as_str()
                .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
            "{l}"
        );
        assert!(l.get("operator").is_none(), "a token names nobody: {l}");
    }
    assert_eq!(lines[0]["mode"], "return");
    assert_eq!(lines[0]["outcome"], "ok");
    assert_eq!(lines[0]["sequence"].as_u64(), Some(seq1));
    assert!(lines[0].get("url_template").is_none(), "{}", lines[0]);
    assert!(lines[0].get("error").is_none(), "{}", lines[0]);

    assert_eq!(lines[1]["mode"], "send");
    assert_eq!(lines[1]["outcome"], "ok");
    assert_eq!(lines[1]["sequence"].as_u64(), Some(seq2));
    assert_eq!(lines[1]["url_template"], template);

    assert_eq!(lines[2]["mode"], "return");
    assert_eq!(lines[2]["outcome"], "error");
    assert_eq!(lines[2]["error"], "AUTH-AWfge");
    assert!(lines[2].get("sequence").is_none(), "{}", lines[2]);

    // Neither the printed records nor the file hold a code or a token.
    let (_, json_out, _) = run(zitadesk(&home).args(["audit", "--json"]));
    let file = std::fs::read_to_string(audit_file(&home)).expect("the audit file exists");
    assert_eq!(file.lines().count(), 3);
    assert_secret_free(&json_out, &[&returned, &mailed]);
    assert_secret_free(&file, &[&returned, &mailed]);

    // The table: a header, then one row per record with the user ID.
    let (code, table, err) = run(zitadesk(&home).arg("audit"));
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(
        rows[0].contains("USER") && rows[0].contains("OUTCOME") && rows[0].contains("SEQUENCE"),
        "{table}"
    );
    for row in &rows[1..] {
        assert!(row.contains(id), "{row}");
    }
    assert!(rows[1].contains("return") && rows[1].contains("ok") && rows[1].contains(&seq1.to_string()));
    assert!(rows[2].contains(template), "{}", rows[2]);
    assert!(rows[3].contains("error AUTH-AWfge"), "{}", rows[3]);
    assert_secret_free(&table, &[&returned, &mailed]);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(audit_file(&home)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the audit file is private");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_if_none_audits_the_refused_resend_and_the_send() {
    let home = homes("send-if-none");
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "verified user without a code", |u| {
        is_verified_human(u) && demo.pending_code(&u.user_id).is_none()
    })
    .await;
    let (code, out, err) = run(against(&home, &demo, ADMIN_TOKEN).args([
        "users",
        "resend-email",
        &user.user_id,
        "--return-code",
        "--send-if-none",
    ]));
    assert_eq!(code, 0, "{err}");
    let issued = code_in(&out);
    let lines = audit_json(&home);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (&lines[0]["action"], &lines[0]["outcome"], &lines[0]["error"]),
        (
            &Value::from("resend"),
            &Value::from("error"),
            &Value::from("EMAIL-5w5ilin4yt")
        )
    );
    assert_eq!(
        (&lines[1]["action"], &lines[1]["mode"], &lines[1]["outcome"]),
        (&Value::from("send"), &Value::from("return"), &Value::from("ok"))
    );
    assert_eq!(lines[1]["sequence"].as_u64(), Some(sequence_in(&out)));
    let file = std::fs::read_to_string(audit_file(&home)).unwrap();
    assert_secret_free(&file, &[&issued]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_key_names_the_operator() {
    let home = homes("operator");
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user with a pending code", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join(SERVICE_KEY_PATH);
    let (code, out, err) = run(zitadesk(&home)
        .env("ZITADEL_URL", demo.url())
        .arg("--key-file")
        .arg(&key)
        .args(["users", "resend-email", &user.user_id, "--return-code"]));
    assert_eq!(code, 0, "{err}");
    let issued = code_in(&out);
    let lines = audit_json(&home);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["operator"], SERVICE_USER_ID);
    let file = std::fs::read_to_string(audit_file(&home)).unwrap();
    assert_secret_free(&file, &[&issued]);
    let key_text = std::fs::read_to_string(&key).unwrap();
    let key_json: Value = serde_json::from_str(&key_text).unwrap();
    let private = key_json["key"].as_str().unwrap();
    let body = private
        .lines()
        .find(|l| !l.starts_with("-----") && l.len() > 20)
        .expect("a key body line");
    assert!(!file.contains(body), "the private key leaked into the audit file");
}

#[test]
fn an_empty_audit_trail_says_so_on_stderr_and_succeeds() {
    let home = homes("empty");
    let (code, out, err) = run(zitadesk(&home).arg("audit"));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "nothing on stdout: {out:?}");
    assert!(err.contains("no resends recorded yet"), "{err}");
    assert!(
        err.contains(&audit_file(&home).display().to_string()),
        "names the file: {err}"
    );
    let (code, out, err) = run(zitadesk(&home).args(["audit", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "no JSON lines: {out:?}");
}

#[test]
fn a_broken_audit_file_is_an_error_naming_the_line() {
    let home = homes("broken");
    let path = audit_file(&home);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{\"nope\":1}\n").unwrap();
    let (code, _, err) = run(zitadesk(&home).arg("audit"));
    assert_ne!(code, 0);
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn long_help_shows_the_audit_file_path() {
    let home = homes("help");
    let (code, out, err) = run(zitadesk(&home).arg("--help"));
    assert_eq!(code, 0, "{err}");
    let path = audit_file(&home).display().to_string();
    assert!(out.contains(&path), "--help names {path}:\n{out}");
    assert!(out.contains("audit"), "{out}");
    // And the audit command is listed with its --json flag.
    let (code, out, err) = run(zitadesk(&home).args(["audit", "--help"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--json"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_audit_write_is_reported_and_the_result_still_printed() {
    let home = homes("audit-fails");
    // The state home is a file: no directory, and so no audit line, can be made under it.
    let state = home.join("state-is-a-file");
    std::fs::write(&state, "not a directory").unwrap();
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "unverified user with a pending code", |u| {
        is_unverified_human(u) && demo.pending_code(&u.user_id).is_some()
    })
    .await;
    let (code, out, err) = run(against(&home, &demo, ADMIN_TOKEN)
        .env("XDG_STATE_HOME", &state)
        .args(["users", "resend-email", &user.user_id, "--return-code"]));
    assert_eq!(code, 0, "the resend happened: {err}");
    assert_eq!(Some(code_in(&out)), demo.pending_code(&user.user_id));
    assert!(err.contains("warning"), "{err}");
    assert!(err.contains("audit"), "{err}");
    assert!(!err.contains(&code_in(&out)), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_keeps_its_columns_for_every_action_and_names_a_new_address() {
    let home = homes("columns");
    let demo = demo().await;
    let jane = "300000000000000101";
    let locked = "300000000000000106";
    for args in [
        vec![
            "users",
            "set-email",
            jane,
            "jane.new@acme.example",
            "--default-link",
        ],
        vec!["users", "unlock", locked],
        vec!["users", "unlock", jane],
    ] {
        run(against(&home, &demo, ADMIN_TOKEN).args(&args));
    }
    let (code, table, err) = run(zitadesk(&home).arg("audit"));
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 4, "{table}");
    let column = |row: &str, text: &str| row.find(text).unwrap_or_else(|| panic!("{text} in {row}"));
    // Each row's outcome starts under the header's OUTCOME, however long the action's name.
    let outcome_at = column(rows[0], "OUTCOME");
    assert_eq!(column(rows[1], "ok"), outcome_at, "{table}");
    assert_eq!(column(rows[3], "error COMMAND-olb9vb0oca"), outcome_at, "{table}");
    assert_eq!(column(rows[1], "set-email"), column(rows[0], "ACTION"), "{table}");
    assert!(rows[1].ends_with("jane.new@acme.example"), "{table}");
    assert!(rows[2].contains("unlock") && rows[2].contains("none"), "{table}");
}
