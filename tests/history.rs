//! A user's history (v1 management `ListUserChanges`) from the client, against the demo over
//! real HTTP: the request as sent (org header, newest-first body), ZITADEL's org scoping and
//! permission answers, and events written by resends the demo carries out.

mod common;

use common::*;
use serde_json::{Value, json};
use zitadesk::api::{ApiError, CodeMode};
use zitadesk::demo::{ADMIN_TOKEN, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN};
use zitadesk::history;

const JANE: &str = "300000000000000101";
const HOMER: &str = "300000000000000202";
const ACME: &str = "281465201463541763";
const GLOBEX: &str = "281465201463607299";
const OLGA: &str = "300000000000000109";
const NO_AUDIT: history::AuditLines<'static> = history::AuditLines {
    records: &[],
    instance: "",
};

fn types(changes: &[zitadesk::api::changes::Change]) -> Vec<String> {
    changes.iter().map(|c| c.event_type().to_owned()).collect()
}

#[tokio::test]
async fn the_history_is_asked_for_newest_first_in_the_users_own_org() {
    let demo = demo().await;
    let c = client(&demo, ORG_TOKEN);
    let changes = c.user_history(JANE, ACME, 50).await.unwrap();

    let sent = requests_to(&demo, "/changes/_search");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].path,
        format!("/management/v1/users/{JANE}/changes/_search")
    );
    assert_eq!(sent[0].org.as_deref(), Some(ACME));
    let body: Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body, json!({"query": {"limit": 50, "asc": false}}));

    // Jane's seeded story: two codes four minutes apart, only the first one mailed.
    assert_eq!(
        types(&changes),
        [
            "user.human.email.code.added",
            "user.human.email.code.sent",
            "user.human.email.code.added",
            "user.human.added",
        ]
    );
    assert_eq!(changes[0].editor_id, OLGA);
    assert_eq!(changes[0].editor_display_name, "Olga Berg");
    assert_eq!(changes[0].resource_owner_id, ACME);
    assert_eq!(
        changes[0].sequence, 7,
        "the newest event carries the user's sequence"
    );
    // The notification worker is no user: its ID stays bare.
    assert_eq!(
        (
            changes[1].editor_id.as_str(),
            changes[1].editor_display_name.as_str()
        ),
        ("NOTIFICATION", "")
    );
    assert_eq!(
        changes[1].event_type.localized_message,
        "Email address verification code sent"
    );

    let h = history::build(&changes, NO_AUDIT, JANE, &jiff::tz::TimeZone::UTC);
    let notes: Vec<_> = h.entries.iter().map(|e| e.note.clone()).collect();
    assert!(
        notes[0]
            .as_deref()
            .unwrap()
            .starts_with("no mail sent for it yet")
    );
    assert_eq!(
        notes[2].as_deref(),
        Some("mailed; void since the newer code of 14:05")
    );
}

/// The call searches only the context org: without the header a Globex user seen from Acme has
/// no history at all (and no error), which is why the client names the user's org.
#[tokio::test]
async fn another_orgs_user_has_no_history_outside_their_org() {
    let demo = demo().await;
    let reader = client(&demo, READER_TOKEN);
    let own = reader.user_history(HOMER, GLOBEX, 50).await.unwrap();
    assert_eq!(own.len(), 6, "{:?}", types(&own));
    assert_eq!(own[2].event_type(), "user.human.email.changed");
    let elsewhere = reader.user_history(HOMER, ACME, 50).await.unwrap();
    assert!(elsewhere.is_empty());
    let unknown = reader
        .user_history("999999999999999999", GLOBEX, 50)
        .await
        .unwrap();
    assert!(
        unknown.is_empty(),
        "an unknown user is an empty history, not a 404"
    );
}

#[tokio::test]
async fn without_a_membership_in_the_org_the_answer_is_zitadels_404() {
    let demo = demo().await;
    for token in [ORG_TOKEN, NO_MEMBER_TOKEN] {
        let err = client(&demo, token)
            .user_history(HOMER, GLOBEX, 50)
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::PermissionDenied(_)), "{err:?}");
        let status = err.status().unwrap();
        assert_eq!(
            (status.http, status.id.as_deref()),
            (404, Some("AUTHZ-cdgFk")),
            "{status:?}"
        );
    }
}

#[tokio::test]
async fn a_mailed_resend_writes_added_and_sent_a_returned_code_only_added() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    c.resend_email_code(JANE, &CodeMode::Send { url_template: None })
        .await
        .unwrap();
    c.resend_email_code(JANE, &CodeMode::Return).await.unwrap();
    let changes = c.user_history(JANE, ACME, 3).await.unwrap();
    assert_eq!(
        types(&changes),
        [
            "user.human.email.code.added",
            "user.human.email.code.sent",
            "user.human.email.code.added",
        ]
    );
    let seqs: Vec<u64> = changes.iter().map(|c| c.sequence).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert_eq!(changes[0].editor_display_name, "zitadesk demo");
    let h = history::build(&changes, NO_AUDIT, JANE, &jiff::tz::TimeZone::UTC);
    assert!(
        h.entries[0]
            .note
            .as_deref()
            .unwrap()
            .contains("returned to an agent")
    );
}

fn cli_home(name: &str) -> std::path::PathBuf {
    scratch_home(&format!("history-{name}"))
}

fn cli(home: &std::path::Path, demo: &zitadesk::demo::DemoServer) -> std::process::Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("ZITADEL_URL", demo.url())
        .env("ZITADEL_TOKEN", ORG_TOKEN)
        .env("TZ", "UTC");
    cmd
}

/// The command an agent runs on the call: ZITADEL's events in words with what they imply,
/// newest first, and this machine's own resend beside them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_history_tells_the_story_with_our_own_audit_lines() {
    let demo = demo().await;
    let home = cli_home("text");
    let (code, _, err) = run(cli(&home, &demo).args(["users", "resend-email", JANE, "--return-code"]));
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = run(cli(&home, &demo).args(["users", "history", JANE]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    // Our audit line (written after ZITADEL answered), then ZITADEL's event for the same code.
    assert!(
        lines[0].contains("zitadesk: resend, code returned to the agent"),
        "{out}"
    );
    assert!(
        lines[1].contains("email verification code issued  by Olga Berg"),
        "{out}"
    );
    assert!(lines[2].contains("↳ no mail sent for it yet"), "{out}");
    assert!(
        out.contains("2025-02-03 14:05:10  email verification code issued  by Olga Berg\n                     ↳ never mailed; void since the newer code of "),
        "{out}"
    );
    assert!(
        out.contains("2025-02-03 14:01:02  email verification code issued  by Olga Berg\n                     ↳ mailed; void since the newer code of 14:05\n"),
        "{out}"
    );
    assert!(
        out.contains("verification mail sent  by ZITADEL's notifier"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_history_json_names_each_events_source_and_kind() {
    let demo = demo().await;
    let home = cli_home("json");
    let (code, out, err) = run(cli(&home, &demo).args(["users", "history", HOMER, "--json", "--limit", "3"]));
    // Homer is in Globex: the org token's owner has no membership there.
    assert_eq!(code, 4, "{out}{err}");
    assert!(err.contains("permission denied") && out.is_empty(), "{err}");
    let (code, out, err) = run(cli(&home, &demo)
        .env("ZITADEL_TOKEN", READER_TOKEN)
        .args(["users", "history", HOMER, "--json", "--limit", "3"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let kinds: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "user.human.email.code.sent",
            "user.human.email.code.added",
            "user.human.email.changed"
        ]
    );
    assert_eq!(v["entries"][0]["source"], "zitadel");
    assert_eq!(v["otherEvents"], 0);
    // Only what the limit asked for reached the history call.
    let sent = requests_to(&demo, "/changes/_search");
    let body: Value = serde_json::from_str(&sent.last().unwrap().body).unwrap();
    assert_eq!(body["query"]["limit"], 3);
    assert_eq!(sent.last().unwrap().org.as_deref(), Some(GLOBEX));
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn users_history_refuses_a_limit_outside_1_to_1000() {
    for limit in ["0", "1001"] {
        let home = cli_home("limit");
        let (code, _, err) =
            run(zitadesk_in(&home).args(["--demo", "users", "history", JANE, "--limit", limit]));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--limit"), "{err}");
    }
}
