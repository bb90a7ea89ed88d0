use super::*;
use crossterm::event::KeyModifiers;

const T1: &str = "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}";
const T2: &str = "https://id.example.com/v?u={{.UserID}}&c={{.Code}}";

fn job() -> JobHeader {
    JobHeader::for_marked("https://x", None, &[])
}

fn tab(d: &mut BulkDialog) {
    d.on_key(&KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
}

#[test]
fn the_remembered_template_comes_first_then_the_default_then_saved_ones_each_once() {
    let saved = vec![T1.to_string(), T2.to_string(), "not a template {{".to_string()];
    let mut d = BulkDialog::new(&[], Some(T1), &saved, job(), None, None);
    assert_eq!(d.links, vec![Some(T1.to_string()), None, Some(T2.to_string())]);
    assert_eq!(d.template(), Some(T1));
    tab(&mut d);
    assert_eq!(d.template(), None);
    assert_eq!(
        d.request().mode,
        CodeMode::Send { url_template: None },
        "the default link"
    );
    tab(&mut d);
    tab(&mut d);
    assert_eq!(d.template(), Some(T1), "Tab cycles round");
    assert_eq!(d.request().call, CodeCall::Resend);
}

#[test]
fn without_a_remembered_template_the_default_link_is_first_and_enter_with_nobody_sends_nothing() {
    let mut d = BulkDialog::new(&[], Some(""), &[], job(), None, None);
    assert_eq!(d.links, vec![None]);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(d.on_key(&enter), BulkRequestKind::Nothing);
}
