//! Marks and the bulk dialog as state: `space`, `*`, `u`, a new search, `r` with marks, the
//! run's events, Esc stopping it, read-only.

use super::*;
use crate::api::wire::{Details, HumanEmail, HumanUser, ListDetails};
use crate::bulk::{Event, Progress, Report, Status, Stop, UserResult};
use crate::tui::bulk_dialog::BulkPhase;
use crossterm::event::{KeyCode, KeyModifiers};

fn human(i: usize, state: UserState) -> User {
    User {
        user_id: format!("30000000000000{i:04}"),
        state,
        preferred_login_name: format!("user{i}@acme.example"),
        details: Some(Details {
            resource_owner: "org9".into(),
            ..Details::default()
        }),
        human: Some(HumanUser {
            email: Some(HumanEmail {
                email: format!("user{i}@acme.example"),
                is_verified: false,
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    }
}

fn connection() -> Connection {
    Connection {
        instance: "https://id.acme.example/".into(),
        journal_dir: Some("/tmp/zitadesk-test-jobs".into()),
        ..Connection::default()
    }
}

/// An app listing users 0..n (user 3 in state INITIAL), the first selected.
fn listed(connection: Connection, n: usize, total: u64) -> App {
    let mut a = App::new(connection, 80, 24);
    let Some(Effect::ListUsers { id, .. }) = a.start().pop() else {
        panic!("a list request");
    };
    let users = (0..n)
        .map(|i| {
            human(
                i,
                if i == 3 {
                    UserState::Initial
                } else {
                    UserState::Active
                },
            )
        })
        .collect();
    a.update(Msg::Listed {
        id,
        result: Ok(ListUsersResponse {
            details: ListDetails {
                total_result: total,
                ..ListDetails::default()
            },
            result: users,
            ..ListUsersResponse::default()
        }),
    });
    a
}

fn key(app: &mut App, code: KeyCode) -> (bool, Vec<Effect>) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn space_marks_the_selected_user_and_moves_down_and_again_unmarks() {
    let mut a = listed(connection(), 5, 5);
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.list.selected, 1, "space moves down");
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.marks.sorted_ids(), ["300000000000000000", "300000000000000001"]);
    key(&mut a, KeyCode::Char('k'));
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(
        a.marks.sorted_ids(),
        ["300000000000000000"],
        "space on a marked row unmarks it"
    );
}

#[test]
fn star_marks_every_user_shown_and_says_how_many_and_u_drops_them() {
    let mut a = listed(connection(), 5, 40);
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('*'));
    assert_eq!(a.marks.len(), 5, "each user once");
    let note = a.status_note.clone().expect("a note");
    assert!(
        note.starts_with("5 marked: every user shown (the 5 loaded of 40"),
        "{note}"
    );
    key(&mut a, KeyCode::Char('u'));
    assert!(a.marks.is_empty());
    assert_eq!(a.status_note.as_deref(), Some("5 marks dropped"));
    key(&mut a, KeyCode::Char('u'));
    assert_eq!(
        a.status_note.as_deref(),
        Some("nothing is marked: space marks the selected user")
    );
}

#[test]
fn a_new_search_drops_the_marks() {
    let mut a = listed(connection(), 5, 5);
    key(&mut a, KeyCode::Char('*'));
    key(&mut a, KeyCode::Char('/'));
    for c in "ann".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    assert!(a.marks.is_empty());
    assert_eq!(a.status_note.as_deref(), Some("5 marks dropped"));
}

#[test]
fn r_without_marks_is_the_single_resend_and_with_marks_the_bulk_plan() {
    let mut a = listed(connection(), 5, 5);
    key(&mut a, KeyCode::Char('r'));
    assert!(
        a.dialog.is_some() && a.bulk.is_none(),
        "no marks: the single dialog"
    );
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('*'));
    let (_, effects) = key(&mut a, KeyCode::Char('r'));
    let [Effect::ReadBulkJournal { id, path }] = effects.as_slice() else {
        panic!("opening only reads the journal: {effects:?}");
    };
    let (id, path) = (*id, path.clone());
    assert!(a.dialog.is_none());
    let bulk = a.bulk.as_ref().expect("the bulk dialog");
    assert!(matches!(bulk.phase, BulkPhase::Confirm));
    assert_eq!(bulk.plan.targets.len(), 4);
    assert_eq!(bulk.plan.needs_invite.len(), 1, "user 3 is INITIAL: set apart");
    assert_eq!(bulk.job.instance, "https://id.acme.example");
    assert_eq!(
        bulk.journal.as_deref(),
        Some(crate::bulk::journal::path_in("/tmp/zitadesk-test-jobs".as_ref(), &bulk.job).as_path())
    );
    assert_eq!(a.keymap().name(), "bulk (confirm)");
    assert_eq!(Some(path.as_path()), bulk.journal.as_deref());
    // A stopped run's journal: the plan says where it stands.
    let done = &bulk.plan.targets[0].user_id;
    let text = format!(
        "{{\"t\":\"after\",\"userId\":\"{done}\",\"outcome\":\"ok\",\"at\":\"2026-01-01T00:00:00Z\"}}\n"
    );
    let replay = crate::bulk::journal::replay(&text);
    assert!(
        a.update(Msg::BulkJournal {
            id,
            result: Ok(replay)
        })
        .0
    );
    let counts = a.bulk.as_ref().and_then(|b| b.journal_counts.clone());
    assert_eq!(
        counts.map(|c| c.map(|c| (c.done, c.unknown, c.failed))),
        Some(Ok((1, 0, 0)))
    );
}

fn result(id: &str, status: Status) -> UserResult {
    UserResult {
        user_id: id.into(),
        status,
        reason: None,
        zitadel_id: None,
        sequence: None,
        error: None,
        requests: 1,
        audit_error: None,
    }
}

#[test]
fn enter_starts_one_run_esc_stops_it_once_and_the_summary_stays_until_closed() {
    let mut a = listed(connection(), 5, 5);
    key(&mut a, KeyCode::Char('*'));
    key(&mut a, KeyCode::Char('r'));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let [
        Effect::RunBulk {
            id, targets, rate, ..
        },
    ] = effects.as_slice()
    else {
        panic!("one run: {effects:?}");
    };
    let id = *id;
    assert_eq!(targets.len(), 4);
    assert_eq!(*rate, crate::bulk::DEFAULT_RATE);
    assert!(a.busy());
    assert!(key(&mut a, KeyCode::Enter).1.is_empty(), "no second run");
    a.update(Msg::BulkEvent {
        id,
        event: Event::User {
            progress: Progress {
                done: 1,
                total: 4,
                rate: 5.0,
            },
            result: result(&targets[0].user_id, Status::Sent),
        },
    });
    let (_, effects) = key(&mut a, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::StopBulk { id }]);
    assert!(key(&mut a, KeyCode::Esc).1.is_empty(), "stopping is asked once");
    let Some(BulkPhase::Running { tally, stopping, .. }) = a.bulk.as_ref().map(|b| &b.phase) else {
        panic!("still running until the engine ends");
    };
    assert!(*stopping);
    assert_eq!(tally.sent, 1);
    a.update(Msg::BulkDone {
        id,
        result: Ok(Report {
            total: 4,
            sent: 1,
            not_started: 3,
            requests: 1,
            stopped: Some(Stop::Cancelled),
            ..Report::default()
        }),
    });
    assert!(!a.busy());
    assert!(matches!(
        a.bulk.as_ref().map(|b| &b.phase),
        Some(BulkPhase::Done { .. })
    ));
    key(&mut a, KeyCode::Char('j'));
    assert!(a.bulk.is_some(), "the summary stays until dismissed");
    key(&mut a, KeyCode::Esc);
    assert!(a.bulk.is_none());
    assert_eq!(a.marks.len(), 5, "the marks stay: r again continues the same job");
}

#[test]
fn an_event_of_another_run_is_dropped() {
    let mut a = listed(connection(), 2, 2);
    key(&mut a, KeyCode::Char('*'));
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Enter);
    let (changed, _) = a.update(Msg::BulkDone {
        id: 999,
        result: Err("x".into()),
    });
    assert!(!changed);
    assert!(a.bulk.as_ref().is_some_and(BulkDialog::running));
}

#[test]
fn read_only_refuses_with_the_single_resends_wording_and_sends_nothing() {
    let c = Connection {
        read_only: true,
        read_only_source: Some("profile prod".into()),
        ..connection()
    };
    let mut a = listed(c, 3, 3);
    key(&mut a, KeyCode::Char('*'));
    key(&mut a, KeyCode::Char('r'));
    let Some(BulkPhase::Refused(why)) = a.bulk.as_ref().map(|b| &b.phase) else {
        panic!("refused");
    };
    assert_eq!(
        why,
        &messages::dialog::read_only(ActionKind::EmailCode, Some("profile prod"))
    );
    assert!(key(&mut a, KeyCode::Enter).1.is_empty());
    assert!(a.bulk.is_none(), "Enter closes");
}

#[test]
fn no_state_directory_refuses_to_send() {
    let c = Connection {
        journal_dir: None,
        ..connection()
    };
    let mut a = listed(c, 3, 3);
    key(&mut a, KeyCode::Char('*'));
    key(&mut a, KeyCode::Char('r'));
    assert!(matches!(
        a.bulk.as_ref().map(|b| &b.phase),
        Some(BulkPhase::Refused(_))
    ));
}

#[test]
fn quitting_while_a_run_goes_asks_twice() {
    let mut a = listed(connection(), 2, 2);
    key(&mut a, KeyCode::Char('*'));
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Enter);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(a.update(Msg::Key(ctrl_c)).1.is_empty(), "first press warns");
    assert_eq!(a.error, Some(messages::bulk::quit_while_running()));
    assert_eq!(a.update(Msg::Key(ctrl_c)).1, vec![Effect::Quit]);
}

#[test]
fn the_journal_is_the_marked_sets_whatever_the_order() {
    let one = JobHeader::for_marked("https://x", None, &["1", "2"]);
    assert_eq!(one, JobHeader::for_marked("https://x/", None, &["1", "2"]));
    assert_ne!(
        one.fingerprint(),
        JobHeader::for_marked("https://x", None, &["1", "3"]).fingerprint()
    );
    let mut a = listed(connection(), 3, 3);
    key(&mut a, KeyCode::Char('G'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('r'));
    let first = a.bulk.take().map(|b| b.job);
    a.marks.clear();
    key(&mut a, KeyCode::Char('g'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('G'));
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(first, a.bulk.take().map(|b| b.job));
}
