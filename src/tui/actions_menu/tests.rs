use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::remedies::tests::seeded;
use crate::remedies::{Verdict, Why};
use crate::tui::keys::KeyHelp;

fn menu(suffix: &str) -> ActionsMenu {
    let (user, methods) = seeded(suffix);
    ActionsMenu::open(&user, Some(&methods))
}

fn press(m: &mut ActionsMenu, code: KeyCode) -> MenuRequest {
    m.on_key(&KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn opens_on_the_best_remedy_for_the_user_it_names() {
    let jane = menu("101");
    assert_eq!(jane.current().map(|f| f.kind), Some(ActionKind::EmailCode));
    assert_eq!(
        (jane.user_id.as_str(), jane.target.as_str()),
        ("300000000000000101", "Jane Doe")
    );
    assert_eq!(menu("106").current().map(|f| f.kind), Some(ActionKind::Unlock));
    assert_eq!(menu("108").current().map(|f| f.kind), Some(ActionKind::Invite));
    assert_eq!(menu("104").selected, 0, "nothing fits: the first line");
}

#[test]
fn the_title_name_is_sanitised() {
    // 111 carries terminal escapes in its name.
    let evil = menu("111");
    assert!(!evil.target.contains('\u{1b}'), "{:?}", evil.target);
    assert!(evil.target.contains("Evil"), "{:?}", evil.target);
}

#[test]
fn moving_wraps_and_enter_chooses_what_applies() {
    let mut m = menu("101");
    assert_eq!(press(&mut m, KeyCode::Up), MenuRequest::Changed);
    assert_eq!(m.current().map(|f| f.kind), Some(ActionKind::Reactivate));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Down);
    assert_eq!(m.current().map(|f| f.kind), Some(ActionKind::SetEmail));
    assert_eq!(
        press(&mut m, KeyCode::Enter),
        MenuRequest::Choose(ActionKind::SetEmail)
    );
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(m.current().map(|f| f.kind), Some(ActionKind::Invite));
}

#[test]
fn enter_on_what_does_not_apply_chooses_nothing_and_says_why() {
    let mut m = menu("101");
    press(&mut m, KeyCode::Down);
    assert_eq!(
        m.current().map(|f| f.verdict),
        Some(Verdict::No(Why::SignInMethodSet))
    );
    assert_eq!(press(&mut m, KeyCode::Enter), MenuRequest::Changed);
    assert!(m.refused);
    assert_eq!(m.current().map(|f| f.kind), Some(ActionKind::Invite), "stays put");
    press(&mut m, KeyCode::Down);
    assert!(!m.refused, "a move clears the note");
}

#[test]
fn digits_pick_a_line_and_esc_closes() {
    let mut m = menu("106");
    assert_eq!(
        press(&mut m, KeyCode::Char('6')),
        MenuRequest::Choose(ActionKind::Unlock)
    );
    assert_eq!(
        press(&mut m, KeyCode::Char('1')),
        MenuRequest::Choose(ActionKind::EmailCode)
    );
    assert_eq!(m.selected, 0);
    assert_eq!(
        press(&mut m, KeyCode::Char('7')),
        MenuRequest::Changed,
        "reactivate: not inactive"
    );
    assert!(m.refused && m.selected == 6);
    assert_eq!(press(&mut m, KeyCode::Char('8')), MenuRequest::Nothing);
    assert_eq!(press(&mut m, KeyCode::Char('x')), MenuRequest::Nothing);
    assert_eq!(press(&mut m, KeyCode::Esc), MenuRequest::Close);
}

#[test]
fn every_digit_of_the_keymap_has_a_line() {
    assert_eq!(DIGITS.len(), ActionKind::ALL.len());
    let pick = KEYMAP
        .bindings()
        .find(|b| b.action == MenuAction::Pick)
        .map(|b| b.keys.to_vec())
        .unwrap();
    assert_eq!(pick, DIGITS.map(Key::Char).to_vec());
    assert_eq!(KEYMAP.hints(), "Enter open · 1-7 pick · Esc close");
}
