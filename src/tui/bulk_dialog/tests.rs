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

#[test]
fn a_missing_audit_line_is_counted_and_said_in_the_summary() {
    use crate::bulk::UserResult;
    let mut d = BulkDialog::new(&[], None, &[], job(), None, None);
    d.started(7);
    for (i, audit_error) in [None, Some("disk full"), Some("disk full")]
        .into_iter()
        .enumerate()
    {
        let result = UserResult {
            user_id: format!("{i}"),
            status: Status::Sent,
            reason: None,
            zitadel_id: None,
            sequence: None,
            error: None,
            requests: 1,
            audit_error: audit_error.map(str::to_string),
        };
        let progress = Progress {
            done: i + 1,
            total: 3,
            rate: 5.0,
        };
        assert!(d.event(7, Event::User { progress, result }));
    }
    assert!(d.finished(7, Ok(Report::default())));
    let BulkPhase::Done { tally, .. } = &d.phase else {
        panic!("done");
    };
    assert_eq!(tally.sent, 3);
    assert_eq!(
        crate::tui::messages::bulk::audit_missing(tally).as_deref(),
        Some("warning: 2 audit lines could not be written (disk full); the journal records those requests")
    );
}
