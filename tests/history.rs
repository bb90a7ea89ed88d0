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
    assert_eq!(sent[0].path, format!("/management/v1/users/{JANE}/changes/_search"));
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
    assert_eq!(changes[0].sequence, 7, "the newest event carries the user's sequence");
    // The notification worker is no user: its ID stays bare.
    assert_eq!(
        (changes[1].editor_id.as_str(), changes[1].editor_display_name.as_str()),
        ("NOTIFICATION", "")
    );
    assert_eq!(
        changes[1].event_type.localized_message,
        "Email address verification code sent"
    );

    let h = history::build(&changes, &[], JANE, &jiff::tz::TimeZone::UTC);
    let notes: Vec<_> = h.entries.iter().map(|e| e.note.clone()).collect();
    assert!(notes[0].as_deref().unwrap().starts_with("no mail sent for it yet"));
    assert_eq!(notes[2].as_deref(), Some("mailed; void since the newer code of 14:05"));
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
    let unknown = reader.user_history("999999999999999999", GLOBEX, 50).await.unwrap();
    assert!(unknown.is_empty(), "an unknown user is an empty history, not a 404");
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
    let h = history::build(&changes, &[], JANE, &jiff::tz::TimeZone::UTC);
    assert!(h.entries[0].note.as_deref().unwrap().contains("returned to an agent"));
}
