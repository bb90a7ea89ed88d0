//! The actions menu over the console, for the demo's seeded users: Jane (unverified, the
//! email code fits), locked Max (unlock fits) and INITIAL Paul (only the invite applies).
//! `INSTA_UPDATE=always cargo test --test actions_menu_snapshots` after an intended change.

#[path = "common/console.rs"]
mod console;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::api::wire::{AuthenticationMethodType, User};
use zitadesk::tui::actions_menu::ActionsMenu;
use zitadesk::tui::view;

/// The seeded user whose id ends in `suffix`, with its sign-in methods as the demo answers
/// them (`authMethods: null` is none).
fn seeded(suffix: &str) -> (User, Vec<AuthenticationMethodType>) {
    let seed: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo-users.json"
    )))
    .expect("seed parses");
    let entry = seed["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| {
            u["user"]["userId"]
                .as_str()
                .is_some_and(|id| id.ends_with(suffix))
        })
        .expect("seeded user");
    let user = serde_json::from_value(entry["user"].clone()).expect("user");
    let methods = serde_json::from_value(entry["authMethods"].clone()).unwrap_or_default();
    (user, methods)
}

/// The console's list with the menu for `suffix` drawn over it.
fn screen(suffix: &str, w: u16, h: u16) -> String {
    let app = console::started_app(w, h);
    let (user, methods) = seeded(suffix);
    let menu = ActionsMenu::open(&user, Some(&methods));
    let ctx = console::ctx(false);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| {
        view::draw(f, &app, &ctx);
        let area = f.area();
        view::actions_menu::draw(f.buffer_mut(), area, &menu, &ctx.theme);
    })
    .expect("draw");
    t.backend().to_string()
}

#[test]
fn jane_unverified_the_email_code_is_preselected() {
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen("101", w, h);
        assert!(
            text.contains("▶ 1 ✓ Resend verification email — address is not verified"),
            "{text}"
        );
        insta::assert_snapshot!(format!("jane_{w}x{h}"), text);
    }
}

#[test]
fn locked_max_unlock_is_preselected() {
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen("106", w, h);
        assert!(text.contains("▶ 6 ✓ Unlock — user is locked"), "{text}");
        insta::assert_snapshot!(format!("max_locked_{w}x{h}"), text);
    }
}

#[test]
fn initial_paul_only_the_invite_applies() {
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen("108", w, h);
        assert!(
            text.contains("▶ 2 ✓ Send invite — no password, passkey or IdP yet"),
            "{text}"
        );
        assert!(
            text.contains("✗ Password reset link — user never finished setup; invite instead"),
            "{text}"
        );
        insta::assert_snapshot!(format!("paul_initial_{w}x{h}"), text);
    }
}
