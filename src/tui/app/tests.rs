use super::*;
use crate::api::Status;
use crate::api::wire::{ListDetails, User};
use crossterm::event::{KeyCode, KeyModifiers};

fn app() -> App {
    App::new(Connection::default(), 80, 24)
}

fn key(app: &mut App, code: KeyCode) -> (bool, Vec<Effect>) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| key(app, KeyCode::Char(c)).1).collect()
}

fn users(from: usize, n: usize) -> Vec<User> {
    (from..from + n)
        .map(|i| User {
            user_id: format!("{i}"),
            ..User::default()
        })
        .collect()
}

fn page(users: Vec<User>, total: u64) -> Result<ListUsersResponse, ApiError> {
    Ok(ListUsersResponse {
        details: ListDetails {
            total_result: total,
            ..ListDetails::default()
        },
        result: users,
        ..ListUsersResponse::default()
    })
}

/// The id and request of the one ListUsers effect in `effects`.
fn list_effect(effects: &[Effect]) -> (RequestId, ListUsersRequest) {
    let found: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ListUsers { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "exactly one list request in {effects:?}");
    found[0].clone()
}

fn started(total: u64) -> App {
    let mut a = app();
    let (id, _) = list_effect(&a.start());
    let n = total.min(100) as usize;
    a.update(Msg::Listed {
        id,
        result: page(users(0, n), total),
    });
    a
}

#[test]
fn the_first_request_is_an_explicit_page_sorted_by_display_name() {
    let mut a = app();
    let (_, req) = list_effect(&a.start());
    assert_eq!(
        req.query,
        Some(ListQuery {
            offset: 0,
            limit: 100,
            asc: true
        })
    );
    assert_eq!(req.sorting_column, UserFieldName::DisplayName);
    assert!(req.queries.is_empty());
    assert!(a.busy());
}

#[test]
fn typing_is_debounced_and_only_the_last_generation_is_sent() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    assert_eq!(a.mode, Mode::Search);
    let effects = typed(&mut a, "jan");
    let generations: Vec<u64> = effects
        .iter()
        .map(|e| match e {
            Effect::ScheduleSearch { generation, delay } => {
                assert_eq!(*delay, SEARCH_DEBOUNCE);
                *generation
            }
            other => panic!("only timers while typing, got {other:?}"),
        })
        .collect();
    assert_eq!(generations.len(), 3);
    // The first two timers ran out too late: nothing is sent for them.
    for g in &generations[..2] {
        assert_eq!(a.update(Msg::SearchDue(*g)), (false, vec![]));
    }
    let (changed, effects) = a.update(Msg::SearchDue(generations[2]));
    assert!(changed);
    let (_, req) = list_effect(&effects);
    assert_eq!(req.queries.len(), 1, "one word, one orQuery");
    assert_eq!(a.search.applied, "jan");
}

#[test]
fn a_reply_for_an_older_search_is_dropped() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    let g1 = typed(&mut a, "a");
    let Effect::ScheduleSearch { generation, .. } = g1[0] else {
        panic!()
    };
    let (old_id, _) = list_effect(&a.update(Msg::SearchDue(generation)).1);
    let g2 = typed(&mut a, "b");
    let Effect::ScheduleSearch { generation, .. } = g2[0] else {
        panic!()
    };
    let (new_id, _) = list_effect(&a.update(Msg::SearchDue(generation)).1);
    assert_ne!(old_id, new_id);
    // The older reply arrives late: ignored, nothing redrawn.
    let (changed, _) = a.update(Msg::Listed {
        id: old_id,
        result: page(users(500, 3), 3),
    });
    assert!(!changed);
    assert!(!a.list.loaded);
    a.update(Msg::Listed {
        id: new_id,
        result: page(users(700, 2), 2),
    });
    assert_eq!(
        a.list.selected_row().map(|r| r.user.user_id.as_str()),
        Some("700")
    );
    assert_eq!(a.list.total, 2);
}

#[test]
fn a_bad_search_shows_the_term_and_sends_nothing() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, "colour:blue");
    // Until the colon the text was a plain word; from "colour:" on it is refused.
    let last_timer = effects.iter().rev().find_map(|e| match e {
        Effect::ScheduleSearch { generation, .. } => Some(*generation),
        _ => None,
    });
    assert_eq!(
        a.search.error.as_ref().map(|e| e.term.as_str()),
        Some("colour:blue")
    );
    if let Some(g) = last_timer {
        assert_eq!(
            a.update(Msg::SearchDue(g)),
            (false, vec![]),
            "the timer of an older text is dead"
        );
    }
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert!(effects.is_empty(), "Enter sends nothing while the text is wrong");
}

#[test]
fn enter_sends_a_pending_search_at_once_and_esc_clears_it() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "x");
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let (_, req) = list_effect(&effects);
    assert_eq!(req.queries.len(), 1);
    assert_eq!(a.mode, Mode::List);
    let (_, effects) = key(&mut a, KeyCode::Esc);
    let (_, req) = list_effect(&effects);
    assert!(req.queries.is_empty(), "cleared: all users again");
    assert_eq!(a.search.input.value(), "");
}

#[test]
fn q_types_in_the_search_line_and_quits_elsewhere() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, "q");
    assert!(!effects.contains(&Effect::Quit));
    assert_eq!(a.search.input.value(), "q");
    key(&mut a, KeyCode::Enter);
    assert_eq!(key(&mut a, KeyCode::Char('q')).1, vec![Effect::Quit]);
}

#[test]
fn moving_near_the_end_fetches_the_next_page_once() {
    let mut a = started(1000);
    let mut fetches = Vec::new();
    for _ in 0..85 {
        fetches.extend(key(&mut a, KeyCode::Char('j')).1);
    }
    let (id, req) = list_effect(&fetches);
    assert_eq!(req.query.map(|q| q.offset), Some(100));
    a.update(Msg::Listed {
        id,
        result: page(users(100, 100), 1000),
    });
    assert_eq!(a.list.len(), 200);
    assert_eq!(a.list.position(), Some(86));
}

#[test]
fn end_jumps_to_the_last_page_and_home_back_to_the_first() {
    let mut a = started(1000);
    let (_, effects) = key(&mut a, KeyCode::End);
    let (id, req) = list_effect(&effects);
    assert_eq!(req.query.map(|q| q.offset), Some(900));
    a.update(Msg::Listed {
        id,
        result: page(users(900, 100), 1000),
    });
    assert_eq!(a.list.position(), Some(1000));
    let (_, effects) = key(&mut a, KeyCode::Char('g'));
    let (id, req) = list_effect(&effects);
    assert_eq!(req.query.map(|q| q.offset), Some(0));
    a.update(Msg::Listed {
        id,
        result: page(users(0, 100), 1000),
    });
    assert_eq!(a.list.position(), Some(1));
}

#[test]
fn enter_opens_the_detail_fresh_and_esc_goes_back() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('j'));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Detail);
    let (user_id, methods_id) = match effects.as_slice() {
        [
            Effect::GetUser { id, user_id },
            Effect::ListAuthMethods { id: m, user_id: u2 },
        ] => {
            assert_eq!(user_id, "1");
            assert_eq!(u2, "1");
            (*id, *m)
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(a.detail.as_ref().map(|d| &d.user), Some(&Load::Loading));
    a.update(Msg::GotUser {
        id: user_id,
        result: Ok(User {
            user_id: "1".into(),
            ..User::default()
        }),
    });
    a.update(Msg::GotMethods {
        id: methods_id,
        result: Ok(vec![]),
    });
    let d = a.detail.as_ref().unwrap();
    assert!(matches!(d.user, Load::Ready(_)));
    assert_eq!(d.methods, Load::Ready(vec![]));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::List);
    assert!(a.detail.is_none());
    // A late reply for the closed detail changes nothing.
    assert!(
        !a.update(Msg::GotUser {
            id: user_id,
            result: Ok(User::default())
        })
        .0
    );
}

#[test]
fn errors_go_to_the_status_line_and_refresh_retries() {
    let mut a = app();
    let (id, _) = list_effect(&a.start());
    a.update(Msg::Listed {
        id,
        result: Err(ApiError::Unauthenticated(Status {
            http: 401,
            ..Status::default()
        })),
    });
    assert!(
        a.error
            .as_deref()
            .is_some_and(|e| e.starts_with("token rejected"))
    );
    assert!(!a.busy());
    let effects = a
        .update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)))
        .1;
    let (id, _) = list_effect(&effects);
    a.update(Msg::Listed {
        id,
        result: page(users(0, 3), 3),
    });
    assert_eq!(a.error, None);
    assert_eq!(a.list.len(), 3);
}

#[test]
fn a_move_that_changes_nothing_draws_nothing() {
    let mut a = started(5);
    assert_eq!(
        key(&mut a, KeyCode::Char('k')),
        (false, vec![]),
        "already at the top"
    );
    assert!(key(&mut a, KeyCode::Char('j')).0);
}

#[test]
fn the_spinner_turns_only_while_busy() {
    let mut a = app();
    let (id, _) = list_effect(&a.start());
    assert!(a.update(Msg::Tick).0);
    assert_eq!(a.spinner_frame, 1);
    a.update(Msg::Listed {
        id,
        result: page(vec![], 0),
    });
    assert_eq!(a.update(Msg::Tick), (false, vec![]), "idle: no redraw");
}

#[test]
fn help_opens_with_question_mark_and_any_key_closes_it() {
    let mut a = started(5);
    key(&mut a, KeyCode::Char('?'));
    assert!(a.help_open);
    let (changed, effects) = key(&mut a, KeyCode::Char('j'));
    assert!(changed && effects.is_empty());
    assert!(!a.help_open);
    assert_eq!(a.list.selected, 0, "the key only closed help");
}

#[test]
fn a_short_page_keeps_filling_until_the_selection_has_room() {
    let mut a = app();
    let (id, _) = list_effect(&a.start());
    // Permission filtering left 4 of 100 rows: the next page is asked for at once.
    let (_, effects) = a.update(Msg::Listed {
        id,
        result: page(users(0, 4), 1000),
    });
    let (_, req) = list_effect(&effects);
    assert_eq!(req.query.map(|q| q.offset), Some(100));
}

#[test]
fn org_scope_is_added_to_every_list_request() {
    let mut a = App::new(
        Connection {
            org: Some("42".into()),
            ..Connection::default()
        },
        80,
        24,
    );
    let (_, req) = list_effect(&a.start());
    assert_eq!(req.queries, vec![org_scope("42")]);
}

#[test]
fn resize_keeps_the_selection_visible() {
    let mut a = started(100);
    for _ in 0..15 {
        key(&mut a, KeyCode::Char('j'));
    }
    a.update(Msg::Resize {
        width: 80,
        height: 10,
    });
    let rows = a.viewport();
    assert!(a.list.selected >= a.list.scroll && a.list.selected < a.list.scroll + rows);
}
