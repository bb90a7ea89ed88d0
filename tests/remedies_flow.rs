//! The remedies in the console against the demo instance over real HTTP: keys into the real
//! `App`, its effects carried out by the run loop's own executor (`tests/common/driver.rs`),
//! the screen read from ratatui's `TestBackend`, the demo's request log and the audit file.

mod common;
#[path = "common/driver.rs"]
mod driver;

use common::*;
use crossterm::event::KeyCode;
use driver::*;
use serde_json::json;
use zitadesk::api::ActionKind;
use zitadesk::api::wire::UserState;
use zitadesk::demo::ADMIN_TOKEN;
use zitadesk::tui::action_dialog::Phase;
use zitadesk::tui::browse::Mode;
use zitadesk::tui::detail::Load;

const JANE: &str = "300000000000000101";
const MAX_LOCKED: &str = "300000000000000106";
const PAUL_INITIAL: &str = "300000000000000108";

/// The detail pane: the right-hand columns of the screen at 120×40.
fn detail_pane(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.chars().skip(60).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_then_unlock_makes_a_locked_user_active_and_the_history_shows_it() {
    let dir = scratch("remedy-unlock");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(MAX_LOCKED).await;
    d.press(KeyCode::Enter);
    d.settle().await;
    assert_eq!(d.app.mode, Mode::Detail);
    let before = detail_pane(&d.screen());
    assert!(before.contains("State:           locked"), "{before}");
    assert!(!before.contains("unlocked"), "{before}");
    demo.clear_requests();

    d.press(KeyCode::Char('a'));
    assert!(d.app.menu.is_some(), "a opens the menu");
    assert!(d.screen().contains("Actions for Max Mustermann"));
    d.press(KeyCode::Char('6'));
    assert_eq!(d.app.dialog.as_ref().map(|x| x.kind), Some(ActionKind::Unlock));
    d.press(KeyCode::Enter);
    d.press(KeyCode::Enter);
    d.settle().await;

    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    let unlocks = requests_to(&demo, "/unlock");
    assert_eq!(unlocks.len(), 1, "one confirmed action, one request: {unlocks:?}");
    assert_eq!(d.issued.len(), 1);
    // The detail was read again: the user as ZITADEL has them now, and the event.
    let Some(Load::Ready(user)) = d.app.detail.as_ref().map(|x| &x.user) else {
        panic!("the detail is read again")
    };
    assert_eq!(user.state, UserState::Active);
    assert_eq!(
        d.app.list.selected_row().map(|r| r.state),
        Some("active"),
        "the list row agrees with the detail"
    );
    d.press(KeyCode::Esc);
    assert!(d.app.dialog.is_none());
    let after = detail_pane(&d.screen());
    assert!(after.contains("State:           active"), "{after}");
    assert!(
        after.contains("unlocked · ") && after.contains("zitadesk: unlock"),
        "the history shows ZITADEL's event and our audit line:\n{after}"
    );

    let (lines, text) = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["user_id"], MAX_LOCKED);
    assert_eq!(lines[0]["action"], "unlock");
    assert_eq!(lines[0]["mode"], "none");
    assert_eq!(lines[0]["outcome"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_on_a_user_in_setup_sends_one_invite() {
    let dir = scratch("remedy-invite");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(PAUL_INITIAL).await;
    demo.clear_requests();
    d.press(KeyCode::Char('r'));
    assert_eq!(d.app.dialog.as_ref().map(|x| x.kind), Some(ActionKind::Invite));
    assert!(d.screen().contains("has not finished setting up"));
    d.press(KeyCode::Enter);
    d.settle().await;
    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    let sent = requests_to(&demo, "/invite_code");
    assert_eq!(sent.len(), 1, "{sent:?}");
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).expect("JSON body");
    assert_eq!(body, json!({"sendCode": {}}));
    assert!(
        requests_to(&demo, "/email/resend").is_empty(),
        "no verification mail"
    );
    assert!(
        d.screen()
            .contains("✓ invite mailed to paul.neumann@acme.example")
    );
    let (lines, _) = audit_lines(&audit);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["action"], "invite");
    assert_eq!(lines[0]["mode"], "send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_email_with_a_returned_code_masks_it_until_v() {
    let dir = scratch("remedy-set-email");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(JANE).await;
    demo.clear_requests();
    d.press(KeyCode::Char('a'));
    d.press(KeyCode::Char('3'));
    assert_eq!(d.app.dialog.as_ref().map(|x| x.kind), Some(ActionKind::SetEmail));
    d.type_text("jane.doe@new.example");
    d.press(KeyCode::Enter);
    assert!(
        d.screen()
            .contains("jane.doe@acme.example  not verified  →  jane.doe@new.example"),
        "old → new:\n{}",
        d.screen()
    );
    d.press(KeyCode::Tab);
    d.press(KeyCode::Enter);
    d.settle().await;

    assert!(
        matches!(d.phase(), Phase::Done { revealed: false, .. }),
        "{:?}",
        d.phase()
    );
    let sent = requests_to(&demo, &format!("/v2/users/{JANE}/email"));
    assert_eq!(sent.len(), 1, "{sent:?}");
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).expect("JSON body");
    assert_eq!(body, json!({"email": "jane.doe@new.example", "returnCode": {}}));
    let code = demo.pending_code(JANE).expect("a code for the new address");
    let masked = d.screen();
    assert!(!masked.contains(&code), "masked until v:\n{masked}");
    assert!(masked.contains("••••••"), "{masked}");
    d.press(KeyCode::Char('v'));
    assert!(d.screen().contains(&code), "v reveals it");
    d.press(KeyCode::Char('r'));
    let aloud = d.screen();
    assert!(aloud.contains("back to the code"), "{aloud}");

    let (lines, text) = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["action"], "set-email");
    assert_eq!(lines[0]["mode"], "return");
    assert_eq!(lines[0]["email"], "jane.doe@new.example");
    assert!(!text.contains(&code), "never the code in the audit trail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marking_an_address_verified_takes_two_enters_and_is_audited_as_verified() {
    let dir = scratch("remedy-verified");
    let audit = dir.join("audit.jsonl");
    let demo = demo().await;
    let mut d = Driver::start(&demo, ADMIN_TOKEN, audit.clone()).await;
    d.select(JANE).await;
    demo.clear_requests();
    d.press(KeyCode::Char('a'));
    d.press(KeyCode::Char('3'));
    d.type_text("jane@vouched.example");
    d.press(KeyCode::Enter);
    d.press(KeyCode::Tab);
    d.press(KeyCode::Tab);
    d.press(KeyCode::Enter);
    assert!(matches!(d.phase(), Phase::ConfirmVerified), "{:?}", d.phase());
    assert!(d.issued.is_empty(), "the first Enter only asks");
    d.press(KeyCode::Enter);
    d.settle().await;
    assert!(matches!(d.phase(), Phase::Done { .. }), "{:?}", d.phase());
    let sent = requests_to(&demo, &format!("/v2/users/{JANE}/email"));
    assert_eq!(sent.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).expect("JSON body");
    assert_eq!(body, json!({"email": "jane@vouched.example", "isVerified": true}));
    let (lines, _) = audit_lines(&audit);
    assert_eq!(lines[0]["action"], "set-email");
    assert_eq!(lines[0]["mode"], "verified");
}
