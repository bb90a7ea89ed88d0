//! The resend dialog against the demo instance over real HTTP: the real `App`, driven by keys,
//! with its effects carried out by the run loop's own executor (`tui::effects`: requests in
//! tokio tasks whose replies come back as messages, the code issued and audited into a scratch
//! directory, OSC 52 into a byte buffer), and the screen rendered with ratatui's `TestBackend`
//! to read what the agent would see.

mod common;
#[path = "common/driver.rs"]
mod driver;

use std::time::{Duration, Instant};

use base64::Engine;
use common::*;
use crossterm::event::KeyCode;
use driver::*;
use serde_json::{Value, json};
use zitadesk::api::wire::User;
use zitadesk::demo::{ADMIN_TOKEN, DemoServer, Faults, READER_TOKEN};
use zitadesk::tui::action_dialog::Phase;
use zitadesk::tui::browse::Mode;

const TEMPLATE: &str = "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}";

fn assert_no_secrets(text: &str, code: &str) {
    assert!(!text.contains(code), "the code {code} leaked: {text}");
    for token in [ADMIN_TOKEN, READER_TOKEN] {
        assert!(!text.contains(token), "a token leaked: {text}");
    }
}

/// The body of the one request whose path ends with `suffix`.
fn only_body(demo: &DemoServer, suffix: &str) -> Value {
    let sent = requests_to(demo, suffix);
    assert_eq!(sent.len(), 1, "exactly one {suffix} request: {sent:?}");
    serde_json::from_str(&sent[0].body).expect("JSON body")
}

/// The user's sequence as ZITADEL reports it now.
async fn sequence_of(demo: &DemoServer, user_id: &str) -> u64 {
    let u: User = client(demo, ADMIN_TOKEN)
        .get_user(user_id)
        .await
        .expect("get user");
    u.details.expect("details").sequence
}

async fn unverified_with_code(demo: &DemoServer) -> User {
    find_user(
        &client(demo, ADMIN_TOKEN),
        "unverified user with a pending code",
        |u| is_unverified_human(u) && demo.pending_code(&u.user_id).is_some(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_with_a_template_sends_exactly_that_template_once() {
    let dir = scratch("template");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let user = unverified_with_code(&demo).await;
    let before = demo.pending_code(&user.user_id).expect("pending");
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(&user.user_id).await;
    demo.clear_requests();

    d.press(KeyCode::Char('r'));
    assert_eq!(d.app.keymap().name(), zitadesk::tui::action_dialog::EDITING.name);
    d.type_text(TEMPLATE);
    d.press(KeyCode::Enter);
    assert_eq!(d.app.keymap().name(), zitadesk::tui::action_dialog::SENDING.name);
    d.settle().await;

    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    assert_eq!(
        only_body(&demo, "/email/resend"),
        json!({"sendCode": {"urlTemplate": TEMPLATE}})
    );
    assert!(requests_to(&demo, "/email/send").is_empty());
    let code = demo.pending_code(&user.user_id).expect("a new code is pending");
    assert_ne!(code, before, "the old code stopped working");
    let screen = d.screen();
    assert!(!screen.contains(&code), "a mailed code is never shown:\n{screen}");
    // The answer carries the sequence of the code's event; the mail's `code.sent` event,
    // written by ZITADEL's notifier afterwards, is the user's newest.
    let sequence = sequence_of(&demo, &user.user_id).await - 1;
    assert!(
        screen.contains(&sequence.to_string()),
        "ZITADEL's sequence {sequence} is shown:\n{screen}"
    );

    let (lines, text) = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{text}");
    let l = &lines[0];
    assert_eq!(l["user_id"], user.user_id.as_str());
    assert_eq!(l["action"], "resend");
    assert_eq!(l["mode"], "send");
    assert_eq!(l["url_template"], TEMPLATE);
    assert_eq!(l["outcome"], "ok");
    assert_eq!(l["sequence"].as_u64(), Some(sequence));
    assert_eq!(l["instance"], demo.url().as_str());
    assert_no_secrets(&text, &code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_template_picked_with_down_is_the_one_sent() {
    let dir = scratch("saved-template");
    let demo = demo().await;
    let user = unverified_with_code(&demo).await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    d.app.connection.url_templates = vec!["https://a.example.com/?c={{.Code}}".into(), TEMPLATE.into()];
    d.select(&user.user_id).await;
    demo.clear_requests();
    d.press(KeyCode::Char('r'));
    d.press(KeyCode::Down);
    d.press(KeyCode::Down);
    let screen = d.screen();
    let preview = format!(
        "https://verify.example.com/email?user={}&code=ABC123",
        user.user_id
    );
    assert!(screen.contains(&preview), "the preview {preview}:\n{screen}");
    d.press(KeyCode::Enter);
    d.settle().await;
    assert_eq!(
        only_body(&demo, "/email/resend"),
        json!({"sendCode": {"urlTemplate": TEMPLATE}})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_code_shows_only_after_v_and_y_copies_it_with_osc_52() {
    let dir = scratch("return");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let user = unverified_with_code(&demo).await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(&user.user_id).await;
    // From the detail, so that the refresh after the success can be seen.
    d.press(KeyCode::Enter);
    d.settle().await;
    assert_eq!(d.app.mode, Mode::Detail);
    demo.clear_requests();

    d.press(KeyCode::Char('r'));
    d.press(KeyCode::Tab);
    d.press(KeyCode::Enter);
    d.settle().await;

    assert_eq!(only_body(&demo, "/email/resend"), json!({"returnCode": {}}));
    let code = demo.pending_code(&user.user_id).expect("the issued code");
    assert!(
        code.len() == 6 && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{code:?}"
    );
    assert!(matches!(d.phase(), Phase::Done { revealed: false, .. }));
    let masked = d.screen();
    assert!(!masked.contains(&code), "the code is masked before v:\n{masked}");
    assert!(masked.contains("••••••"), "the mask is shown:\n{masked}");

    // The detail was fetched again after the success.
    assert_eq!(
        requests_to(&demo, &format!("/v2/users/{}", user.user_id)).len(),
        1
    );

    d.press(KeyCode::Char('v'));
    let revealed = d.screen();
    assert!(revealed.contains(&code), "v reveals the code:\n{revealed}");
    d.press(KeyCode::Char('v'));
    assert!(!d.screen().contains(&code), "v hides it again");

    assert!(d.clipboard().is_empty());
    d.press(KeyCode::Char('y'));
    let b64 = base64::engine::general_purpose::STANDARD.encode(code.as_bytes());
    assert_eq!(
        String::from_utf8(d.clipboard()).unwrap(),
        format!("\x1b]52;c;{b64}\x07")
    );
    assert!(!d.screen().contains(&code), "copying does not reveal it");

    d.press(KeyCode::Esc);
    assert!(d.app.dialog.is_none(), "Esc closes the result");
    assert!(!d.screen().contains(&code), "and the code is gone");

    let (lines, text) = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["action"], "resend");
    assert_eq!(lines[0]["mode"], "return");
    assert_eq!(lines[0]["outcome"], "ok");
    assert_eq!(lines[0]["user_id"], user.user_id.as_str());
    assert_eq!(
        lines[0]["sequence"].as_u64(),
        Some(sequence_of(&demo, &user.user_id).await)
    );
    assert_no_secrets(&text, &code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_pending_code_then_s_then_enter_makes_the_send_call() {
    let dir = scratch("no-pending");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let user = find_user(&client(&demo, ADMIN_TOKEN), "verified user without a code", |u| {
        is_verified_human(u) && demo.pending_code(&u.user_id).is_none()
    })
    .await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(&user.user_id).await;
    demo.clear_requests();

    d.press(KeyCode::Char('r'));
    d.press(KeyCode::Tab);
    d.press(KeyCode::Enter);
    d.settle().await;
    assert!(matches!(d.phase(), Phase::NoPending), "{:?}", d.phase());
    assert_eq!(requests_to(&demo, "/email/resend").len(), 1);
    assert!(
        requests_to(&demo, "/email/send").is_empty(),
        "nothing sent on its own"
    );
    let screen = d.screen();
    assert!(
        screen.contains("The address is already verified: ZITADEL holds no code to resend.")
            && screen.contains("fresh code anyway"),
        "the offer:\n{screen}"
    );

    // Enter on the offer only closes or does nothing; `s` asks for confirmation first.
    d.press(KeyCode::Char('s'));
    assert!(matches!(d.phase(), Phase::ConfirmSend));
    assert!(
        requests_to(&demo, "/email/send").is_empty(),
        "s alone sends nothing"
    );
    d.press(KeyCode::Enter);
    d.settle().await;

    assert_eq!(requests_to(&demo, "/email/resend").len(), 1);
    assert_eq!(
        only_body(&demo, "/email/send"),
        json!({"returnCode": {}}),
        "the same mode"
    );
    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    let code = demo.pending_code(&user.user_id).expect("a fresh code");
    assert!(!d.screen().contains(&code));
    d.press(KeyCode::Char('v'));
    assert!(d.screen().contains(&code));

    let (lines, text) = audit_lines(&audit);
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["action"], "resend");
    assert_eq!(lines[0]["outcome"], "error");
    assert_eq!(lines[0]["error"], "EMAIL-5w5ilin4yt");
    assert_eq!(lines[1]["action"], "send");
    assert_eq!(lines[1]["mode"], "return");
    assert_eq!(lines[1]["outcome"], "ok");
    assert!(lines[1]["sequence"].as_u64().is_some());
    assert_no_secrets(&text, &code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_enter_sends_one_request() {
    let dir = scratch("double-enter");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let user = unverified_with_code(&demo).await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(&user.user_id).await;
    demo.clear_requests();
    // Slow enough that the second Enter certainly arrives while the first is answered.
    demo.set_faults(Faults {
        latency: Duration::from_millis(400),
        ..Faults::default()
    });

    d.press(KeyCode::Char('r'));
    d.press(KeyCode::Tab);
    d.press(KeyCode::Enter);
    // Wait until the request has reached the server and is being answered.
    let deadline = Instant::now() + DEADLINE;
    while requests_to(&demo, "/email/resend").is_empty() {
        assert!(Instant::now() < deadline, "the request never arrived");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        requests_to(&demo, "/email/resend")[0].status,
        0,
        "still in flight"
    );
    assert_eq!(d.app.keymap().name(), zitadesk::tui::action_dialog::SENDING.name);
    d.press(KeyCode::Enter);
    d.press(KeyCode::Enter);
    d.press(KeyCode::Esc);
    assert!(d.app.dialog.is_some(), "Esc does not abandon a request in flight");
    d.settle().await;
    demo.set_faults(Faults::default());

    assert_eq!(d.issued.len(), 1, "one Apply effect: {:?}", d.issued);
    let sent = requests_to(&demo, "/email/resend");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].status, 200);
    assert!(matches!(d.phase(), Phase::Done { .. }));
    let (lines, _) = audit_lines(&audit);
    assert_eq!(lines.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_keeps_the_dialog_open_with_the_reason() {
    let dir = scratch("forbidden");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let user = unverified_with_code(&demo).await;
    let before = demo.pending_code(&user.user_id);
    let mut d = Driver::start(&demo, READER_TOKEN, audit.clone()).await;
    d.select(&user.user_id).await;
    demo.clear_requests();

    d.press(KeyCode::Char('r'));
    d.type_text(TEMPLATE);
    d.press(KeyCode::Enter);
    d.settle().await;

    let Phase::Editing { error: Some(e) } = d.phase() else {
        panic!("back to editing with the error: {:?}", d.phase())
    };
    assert!(e.contains("permission denied"), "{e}");
    assert_eq!(d.app.keymap().name(), zitadesk::tui::action_dialog::EDITING.name);
    let screen = d.screen();
    assert!(screen.contains("permission denied"), "{screen}");
    assert_eq!(requests_to(&demo, "/email/resend").len(), 1, "not retried");
    assert_eq!(demo.pending_code(&user.user_id), before, "nothing changed");
    assert_eq!(
        d.app.dialog.as_ref().map(|r| r.template.value().to_string()),
        Some(TEMPLATE.to_string()),
        "the template is kept"
    );

    let (lines, text) = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["outcome"], "error");
    assert_eq!(lines[0]["error"], "AUTH-AWfge", "a membership without user.write");
    assert_eq!(lines[0]["url_template"], TEMPLATE);
    assert!(lines[0].get("sequence").is_none());
    assert!(!text.contains(READER_TOKEN));

    d.press(KeyCode::Esc);
    assert!(d.app.dialog.is_none());
    d.settle().await;
    assert_eq!(requests_to(&demo, "/email/resend").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_audit_write_still_shows_the_result_with_a_warning() {
    let dir = scratch("audit-fails");
    // A file where the audit file's directory should be.
    let blocker = dir.join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let demo = demo().await;
    let user = unverified_with_code(&demo).await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, blocker.join("audit.jsonl")).await;
    d.select(&user.user_id).await;

    d.press(KeyCode::Char('r'));
    d.press(KeyCode::Tab);
    d.press(KeyCode::Enter);
    d.settle().await;

    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    let warning = d
        .app
        .dialog
        .as_ref()
        .and_then(|r| r.audit_error.clone())
        .expect("the audit failure is reported");
    assert!(
        warning.contains("audit") || warning.contains("not-a-dir"),
        "{warning}"
    );
    let screen = d.screen();
    assert!(
        screen.to_lowercase().contains("audit"),
        "the warning is shown:\n{screen}"
    );
    let code = demo.pending_code(&user.user_id).expect("issued");
    d.press(KeyCode::Char('v'));
    assert!(d.screen().contains(&code), "the result is not lost");
    assert!(!warning.contains(&code));
}

/// The detail answers "what happened" from ZITADEL's history: Jane's two codes, the older one
/// voided; after a resend from the console, the new code, its mail and our own audit line
/// appear at the top.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_shows_the_history_and_the_resend_joins_it() {
    const JANE: &str = "300000000000000101";
    let dir = scratch("history");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, dir.join("audit.jsonl")).await;
    d.select(JANE).await;
    d.press(KeyCode::Enter);
    d.settle().await;
    let pane = detail_pane(&d.screen());
    let expected = [
        "History: newest first",
        "2025-02-03 14:05 email verification code issued · Olga Berg",
        "↳ no mail sent for it yet",
        "2025-02-03 14:01 verification mail sent · ZITADEL's notifier",
        "↳ mailed; void since the newer code of",
        "account created · zitadesk demo",
    ];
    assert_in_order(&pane, &expected);
    // Asked in Jane's own org (Acme), once.
    let asked = requests_to(&demo, "/changes/_search");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].org.as_deref(), Some("281465201463541763"));

    d.press(KeyCode::Char('r'));
    d.type_text(TEMPLATE);
    d.press(KeyCode::Enter);
    d.settle().await;
    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    d.press(KeyCode::Esc);
    d.settle().await;
    let pane = detail_pane(&d.screen());
    assert_in_order(
        &pane,
        &[
            "History: newest first",
            "zitadesk: resend, mailed by ZITADEL",
            "verification mail sent · ZITADEL's notifier",
            "email verification code issued · zitadesk demo",
            "email verification code issued · Olga Berg",
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The detail pane of a side-by-side screen as one line of words (wrapping undone).
fn detail_pane(screen: &str) -> String {
    let words: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.split_once('│').map(|(_, right)| right))
        .flat_map(str::split_whitespace)
        .collect();
    words.join(" ")
}

fn assert_in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        match text[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => panic!("{part:?} missing (or out of order) in:\n{text}"),
        }
    }
}
