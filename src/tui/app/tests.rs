use super::*;
use crate::action::CodeCall;
use crate::api::Status;
use crate::api::query::org_scope;
use crate::api::template::check_url_template;
use crate::api::wire::{ListDetails, ListQuery, ListUsersRequest, UserFieldName};
use crate::api::wire::{User, VerificationCode};
use crate::api::{Action, ActionResult, CodeMode};
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
    key(&mut a, KeyCode::Char('/'));
    let (_, effects) = key(&mut a, KeyCode::Esc);
    let (_, req) = list_effect(&effects);
    assert!(req.queries.is_empty(), "cleared: all users again");
    assert_eq!(a.search.input.value(), "");
}

#[test]
fn esc_in_the_list_clears_an_applied_search_and_then_does_nothing() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "x");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::List);
    let (changed, effects) = key(&mut a, KeyCode::Esc);
    assert!(changed);
    let (_, req) = list_effect(&effects);
    assert!(req.queries.is_empty(), "all users again");
    assert_eq!(a.search.applied, "");
    assert_eq!(a.search.input.value(), "");
    assert_eq!(a.mode, Mode::List);
    assert_eq!(
        key(&mut a, KeyCode::Esc),
        (false, vec![]),
        "no search: Esc sends nothing"
    );
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

/// The history is asked for once the user is read, in the user's org; its failure stays in
/// the detail (which works on) and leaves the status line alone; a late answer for an older
/// read is dropped.
#[test]
fn the_history_follows_the_user_and_its_failure_stays_in_the_detail() {
    let mut a = started(10);
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let Some(Effect::GetUser { id: user_req, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    let user = User {
        user_id: "0".into(),
        details: Some(crate::api::wire::Details {
            resource_owner: "org-7".into(),
            ..Default::default()
        }),
        ..User::default()
    };
    let (_, effects) = a.update(Msg::GotUser {
        id: *user_req,
        result: Ok(user),
    });
    let history_req = match effects.as_slice() {
        [Effect::UserHistory { id, user_id, org }] => {
            assert_eq!((user_id.as_str(), org.as_str()), ("0", "org-7"));
            *id
        }
        other => panic!("{other:?}"),
    };
    assert!(
        !a.update(Msg::GotHistory {
            id: history_req + 100,
            result: Ok(crate::history::History::default()),
        })
        .0
    );
    let denied = ApiError::PermissionDenied(crate::api::Status {
        http: 404,
        code: Some(5),
        id: Some("AUTHZ-cdgFk".into()),
        message: "membership not found".into(),
    });
    assert!(
        a.update(Msg::GotHistory {
            id: history_req,
            result: Err(denied),
        })
        .0
    );
    let d = a.detail.as_ref().unwrap();
    match &d.history {
        Some(Load::Failed(m)) => assert!(m.starts_with("history not shown: "), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(d.user, Load::Ready(_)), "the rest of the detail stands");
    assert_eq!(a.error, None, "the status line is not the history's");
}

#[test]
fn a_list_error_is_said_whole_under_the_search_line_and_refresh_retries() {
    let mut a = app();
    let (id, _) = list_effect(&a.start());
    a.update(Msg::Listed {
        id,
        result: Err(ApiError::Unauthenticated(Status {
            http: 401,
            ..Status::default()
        })),
    });
    let notice = a.notice();
    assert!(
        notice.first().is_some_and(|e| e.starts_with("token rejected")),
        "{notice:?}"
    );
    assert_eq!(a.error, None, "not cut on the one-row status line");
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
    assert!(a.notice().is_empty(), "answered: the notice is gone");
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

// ---- The resend dialog, as the App drives it ----

mod resend_flow {
    use super::*;
    use crate::api::wire::{ActionResponse, Details, HumanEmail, HumanProfile, HumanUser};
    use crate::tui::action_dialog::{Delivery, Phase, TemplateCheck};

    const T1: &str = "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}";
    const T2: &str = "https://id.example.com/v?u={{.UserID}}&c={{.Code}}&o={{.OrgID}}";
    const CODE: &str = "K7Q2ZX";

    fn human(i: usize, email: &str) -> User {
        User {
            user_id: format!("{i}"),
            details: Some(Details {
                resource_owner: "org9".into(),
                ..Details::default()
            }),
            preferred_login_name: format!("user{i}@acme.example"),
            human: Some(HumanUser {
                profile: Some(HumanProfile {
                    display_name: Some(format!("User {i}")),
                    ..HumanProfile::default()
                }),
                email: Some(HumanEmail {
                    email: email.into(),
                    is_verified: false,
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    /// Three users loaded, the second selected.
    fn listed(connection: Connection) -> App {
        let mut a = App::new(connection, 80, 24);
        let (id, _) = list_effect(&a.start());
        let rows = (0..3).map(|i| human(i, &format!("u{i}@acme.example"))).collect();
        a.update(Msg::Listed {
            id,
            result: page(rows, 3),
        });
        key(&mut a, KeyCode::Char('j'));
        a
    }

    fn with_templates() -> App {
        listed(Connection {
            url_templates: vec![T1.into(), T2.into()],
            ..Connection::default()
        })
    }

    fn dialog(a: &App) -> &ActionDialog {
        a.dialog.as_ref().expect("the dialog is open")
    }

    /// The one email code request in `effects`.
    fn issue(effects: &[Effect]) -> (RequestId, CodeCall, String, CodeMode) {
        match effects {
            [
                Effect::Apply {
                    id,
                    user_id,
                    action: Action::EmailCode { call, mode },
                },
            ] => (*id, *call, user_id.clone(), mode.clone()),
            other => panic!("exactly one email code request expected, got {other:?}"),
        }
    }

    fn answered(code: Option<&str>) -> Result<ActionResult, ApiError> {
        Ok(ActionResult::from(ActionResponse {
            details: None,
            verification_code: code.map(VerificationCode::new),
            invite_code: None,
        }))
    }

    fn status(http: u16, id: &str, message: &str) -> Status {
        Status {
            http,
            code: None,
            id: Some(id.into()),
            message: message.into(),
        }
    }

    fn ctrl(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    /// Opens the dialog, switches to return mode and confirms: the one request it sent.
    fn returning_in_flight(a: &mut App) -> RequestId {
        key(a, KeyCode::Char('r'));
        key(a, KeyCode::Tab);
        let (id, call, user_id, mode) = issue(&key(a, KeyCode::Enter).1);
        assert_eq!(
            (call, user_id.as_str(), mode),
            (CodeCall::Resend, "1", CodeMode::Return)
        );
        id
    }

    #[test]
    fn r_opens_the_dialog_for_the_selected_user() {
        let mut a = listed(Connection::default());
        assert_eq!(a.keymap().name(), crate::tui::browse::LIST.name);
        let (changed, effects) = key(&mut a, KeyCode::Char('r'));
        assert!(changed);
        assert!(effects.is_empty(), "opening sends nothing: {effects:?}");
        let d = dialog(&a);
        assert_eq!(d.target.user_id, "1");
        assert_eq!(d.target.org_id, "org9");
        assert_eq!(d.target.email, "u1@acme.example");
        assert_eq!(d.target.display_name, "User 1");
        assert_eq!(d.delivery, Delivery::Mail);
        assert!(matches!(d.phase, Phase::Editing { error: None }));
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::EDITING.name);
        assert_eq!(a.mode, Mode::List, "the view underneath stays");
    }

    #[test]
    fn r_with_nothing_selected_opens_nothing() {
        let mut a = app();
        let (id, _) = list_effect(&a.start());
        a.update(Msg::Listed {
            id,
            result: page(vec![], 0),
        });
        assert_eq!(key(&mut a, KeyCode::Char('r')), (false, vec![]));
        assert!(a.dialog.is_none());
    }

    #[test]
    fn r_in_the_detail_uses_the_freshly_fetched_user() {
        let mut a = listed(Connection::default());
        let (_, effects) = key(&mut a, KeyCode::Enter);
        let Some(Effect::GetUser { id, .. }) = effects.first() else {
            panic!("{effects:?}")
        };
        // The detail's copy is newer than the list row: the address changed meanwhile.
        a.update(Msg::GotUser {
            id: *id,
            result: Ok(human(1, "new@acme.example")),
        });
        key(&mut a, KeyCode::Char('r'));
        assert_eq!(dialog(&a).target.user_id, "1");
        assert_eq!(dialog(&a).target.email, "new@acme.example");
        assert_eq!(a.mode, Mode::Detail);
    }

    #[test]
    fn read_only_explains_and_enter_sends_nothing() {
        let mut a = listed(Connection {
            read_only: true,
            ..Connection::default()
        });
        key(&mut a, KeyCode::Char('r'));
        assert!(matches!(dialog(&a).phase, Phase::ReadOnly));
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::MESSAGE.name);
        for k in [KeyCode::Tab, KeyCode::Char('s'), KeyCode::Char('x')] {
            assert!(key(&mut a, k).1.is_empty());
        }
        // Enter closes the explanation; it never sends.
        let (changed, effects) = key(&mut a, KeyCode::Enter);
        assert!(changed && effects.is_empty(), "{effects:?}");
        assert!(a.dialog.is_none());
    }

    #[test]
    fn tab_switches_and_keys_go_to_the_dialog_not_the_list() {
        let mut a = listed(Connection::default());
        key(&mut a, KeyCode::Char('r'));
        assert!(key(&mut a, KeyCode::Tab).0);
        assert_eq!(dialog(&a).delivery, Delivery::Return);
        assert!(key(&mut a, KeyCode::BackTab).0);
        assert_eq!(dialog(&a).delivery, Delivery::Mail);
        // j, q, ? and / are text for the template while the dialog is open.
        let effects = typed(&mut a, "jq?/");
        assert!(effects.is_empty(), "{effects:?}");
        assert_eq!(dialog(&a).template.value(), "jq?/");
        assert_eq!(a.list.selected, 1, "the list did not move");
        assert!(!a.help_open);
    }

    #[test]
    fn a_bad_template_sends_nothing() {
        let mut a = listed(Connection::default());
        key(&mut a, KeyCode::Char('r'));
        typed(&mut a, "https://x.example/?c={{.code}}");
        assert!(matches!(dialog(&a).check, TemplateCheck::Invalid(_)));
        let (_, effects) = key(&mut a, KeyCode::Enter);
        assert!(effects.is_empty(), "{effects:?}");
        assert!(matches!(dialog(&a).phase, Phase::Editing { .. }));
        assert!(!a.busy());
    }

    #[test]
    fn one_confirmed_action_is_exactly_one_request_with_the_typed_template() {
        let mut a = listed(Connection::default());
        key(&mut a, KeyCode::Char('r'));
        typed(&mut a, T2);
        let (changed, effects) = key(&mut a, KeyCode::Enter);
        assert!(changed);
        let (id, call, user_id, mode) = issue(&effects);
        assert_eq!(call, CodeCall::Resend);
        assert_eq!(user_id, "1");
        assert_eq!(
            mode,
            CodeMode::Send {
                url_template: check_url_template(T2).ok()
            }
        );
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::SENDING.name);
        assert!(a.busy(), "the spinner turns while ZITADEL answers");
        assert!(a.update(Msg::Tick).0);

        // A second Enter (and Esc, and Tab) while in flight: nothing, the dialog stays.
        for k in [KeyCode::Enter, KeyCode::Enter, KeyCode::Esc, KeyCode::Tab] {
            assert_eq!(key(&mut a, k), (false, vec![]), "{k:?} while in flight");
        }
        assert!(matches!(dialog(&a).phase, Phase::InFlight { id: i, .. } if i == id));

        let (changed, effects) = a.update(Msg::Issued {
            id,
            result: answered(None),
            audit_error: None,
        });
        assert!(changed);
        assert!(
            effects.is_empty(),
            "no detail open, nothing to refresh: {effects:?}"
        );
        assert!(matches!(dialog(&a).phase, Phase::Done { .. }));
        assert!(!a.busy());
    }

    #[test]
    fn the_default_link_sends_no_template() {
        let mut a = listed(Connection::default());
        key(&mut a, KeyCode::Char('r'));
        let (_, _, _, mode) = issue(&key(&mut a, KeyCode::Enter).1);
        assert_eq!(mode, CodeMode::Send { url_template: None });
    }

    #[test]
    fn ctrl_c_or_q_while_in_flight_warns_once_then_quits() {
        for quit in [
            ctrl('c'),
            Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
        ] {
            let mut a = listed(Connection::default());
            returning_in_flight(&mut a);
            let again = match &quit {
                Msg::Key(k) => Msg::Key(*k),
                _ => unreachable!(),
            };
            assert_eq!(a.update(quit), (true, vec![]), "the first press only warns");
            let warning = a.error.clone().unwrap_or_default();
            assert!(warning.contains("Ctrl-C again quits"), "{warning}");
            assert!(warning.contains("losing a code"), "{warning}");
            assert_eq!(a.update(again).1, vec![Effect::Quit]);
        }
    }

    #[test]
    fn ctrl_z_suspends_except_while_an_action_is_on_its_way() {
        let mut a = listed(Connection::default());
        assert_eq!(a.update(ctrl('z')).1, vec![Effect::Suspend]);
        let id = returning_in_flight(&mut a);
        assert_eq!(a.update(ctrl('z')), (true, vec![]), "refused while sending");
        assert!(
            a.error
                .clone()
                .unwrap_or_default()
                .contains("once it is answered")
        );
        a.update(Msg::Issued {
            id,
            result: answered(Some(CODE)),
            audit_error: None,
        });
        assert_eq!(
            a.update(ctrl('z')).1,
            vec![Effect::Suspend],
            "answered: allowed again"
        );
    }

    #[test]
    fn alt_key_is_esc_then_the_key_in_the_dialog_too() {
        let mut a = listed(Connection::default());
        key(&mut a, KeyCode::Char('r'));
        assert!(a.dialog.is_some());
        // Esc closes the dialog, then `/` opens the search line.
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT)));
        assert!(a.dialog.is_none(), "Esc closed the dialog");
        assert_eq!(a.mode, Mode::Search, "then / opened the search");
    }

    #[test]
    fn the_quit_warning_ends_with_the_answer_and_quitting_is_plain_again() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        a.update(ctrl('c'));
        a.update(Msg::Issued {
            id,
            result: answered(Some(CODE)),
            audit_error: None,
        });
        assert_eq!(a.error, None, "nothing would be lost now");
        assert_eq!(a.update(ctrl('c')).1, vec![Effect::Quit]);
    }

    #[test]
    fn an_answer_that_is_not_a_code_is_never_copied() {
        for bad in ["QX7\x1b]52;c;aGk=\x07", "AB CD", "ABC\u{202e}123"] {
            let mut a = listed(Connection::default());
            let id = returning_in_flight(&mut a);
            a.update(Msg::Issued {
                id,
                result: answered(Some(bad)),
                audit_error: None,
            });
            let (changed, effects) = key(&mut a, KeyCode::Char('y'));
            assert!(changed, "the dialog says why");
            assert!(
                effects.is_empty(),
                "{bad:?} must not reach the clipboard: {effects:?}"
            );
            assert!(matches!(
                dialog(&a).phase,
                Phase::Done {
                    copy: crate::tui::action_dialog::CopyState::Refused,
                    ..
                }
            ));
        }
    }

    #[test]
    fn a_returned_code_is_masked_revealed_with_v_copied_with_y_and_forgotten_on_esc() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        assert!(
            a.update(Msg::Issued {
                id,
                result: answered(Some(CODE)),
                audit_error: None,
            })
            .0
        );
        let revealed = |a: &App| match &dialog(a).phase {
            Phase::Done { revealed, .. } => *revealed,
            other => panic!("{other:?}"),
        };
        assert!(!revealed(&a));
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::SHOWING_CODE.name);
        assert_eq!(key(&mut a, KeyCode::Char('v')), (true, vec![]));
        assert!(revealed(&a));
        assert_eq!(key(&mut a, KeyCode::Char('v')), (true, vec![]));
        assert!(!revealed(&a));

        let (changed, effects) = key(&mut a, KeyCode::Char('y'));
        assert!(changed, "the dialog says it was copied");
        assert_eq!(effects, vec![Effect::Copy(VerificationCode::new(CODE))]);
        assert!(matches!(
            dialog(&a).phase,
            Phase::Done {
                copy: crate::tui::action_dialog::CopyState::Copied,
                ..
            }
        ));

        let (changed, effects) = key(&mut a, KeyCode::Esc);
        assert!(changed && effects.is_empty());
        assert!(a.dialog.is_none(), "closing drops the code");
        assert_eq!(a.keymap().name(), crate::tui::browse::LIST.name);
        // A late duplicate answer does not bring it back.
        assert_eq!(
            a.update(Msg::Issued {
                id,
                result: answered(Some(CODE)),
                audit_error: None,
            }),
            (false, vec![])
        );
        assert!(a.dialog.is_none());
    }

    #[test]
    fn an_enter_typed_ahead_does_not_wipe_a_returned_code() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        a.update(Msg::Issued {
            id,
            result: answered(Some(CODE)),
            audit_error: None,
        });
        assert_eq!(key(&mut a, KeyCode::Enter), (false, vec![]));
        assert!(a.dialog.is_some(), "the code is still there to read");
        assert_eq!(key(&mut a, KeyCode::Esc), (true, vec![]));
        assert!(a.dialog.is_none());
    }

    #[test]
    fn no_pending_code_then_s_then_enter_sends_a_fresh_code_the_same_way() {
        let mut a = with_templates();
        key(&mut a, KeyCode::Char('r'));
        key(&mut a, KeyCode::Down);
        let (id, call, _, mode) = issue(&key(&mut a, KeyCode::Enter).1);
        assert_eq!(call, CodeCall::Resend);
        assert_eq!(
            mode,
            CodeMode::Send {
                url_template: check_url_template(T1).ok()
            }
        );
        a.update(Msg::Issued {
            id,
            result: Err(ApiError::NoPendingCode(status(
                400,
                "EMAIL-5w5ilin4yt",
                "Code is empty",
            ))),
            audit_error: None,
        });
        assert!(matches!(dialog(&a).phase, Phase::NoPending));
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::NOTHING_PENDING.name);
        assert_eq!(key(&mut a, KeyCode::Char('s')), (true, vec![]), "s only asks");
        assert!(matches!(dialog(&a).phase, Phase::ConfirmSend));
        let (id2, call2, user_id, mode2) = issue(&key(&mut a, KeyCode::Enter).1);
        assert_ne!(id2, id);
        assert_eq!(call2, CodeCall::Send);
        assert_eq!(user_id, "1");
        assert_eq!(mode2, mode, "same mode and template");
        assert_eq!(key(&mut a, KeyCode::Enter), (false, vec![]), "in flight");
    }

    #[test]
    fn no_pending_code_in_return_mode_sends_a_fresh_returned_code() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        a.update(Msg::Issued {
            id,
            result: Err(ApiError::NoPendingCode(Status::default())),
            audit_error: None,
        });
        key(&mut a, KeyCode::Char('s'));
        let (_, call, _, mode) = issue(&key(&mut a, KeyCode::Enter).1);
        assert_eq!((call, mode), (CodeCall::Send, CodeMode::Return));
    }

    #[test]
    fn a_user_not_initialised_gets_the_invite_explanation() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        a.update(Msg::Issued {
            id,
            result: Err(ApiError::UserNotInitialised(status(
                400,
                "EMAIL-ei4Nie",
                "User not initialized",
            ))),
            audit_error: None,
        });
        assert!(matches!(dialog(&a).phase, Phase::NotInitialised));
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::MESSAGE.name);
        assert!(key(&mut a, KeyCode::Char('s')).1.is_empty());
    }

    #[test]
    fn a_403_returns_to_editing_with_the_reason_and_sends_nothing_more() {
        let mut a = listed(Connection::default());
        key(&mut a, KeyCode::Char('r'));
        typed(&mut a, T1);
        let (id, ..) = issue(&key(&mut a, KeyCode::Enter).1);
        let (changed, effects) = a.update(Msg::Issued {
            id,
            result: Err(ApiError::PermissionDenied(status(
                403,
                "AUTHZ-HKJD33",
                "No matching permissions found",
            ))),
            audit_error: None,
        });
        assert!(changed);
        assert!(effects.is_empty(), "nothing retried: {effects:?}");
        let Phase::Editing { error: Some(e) } = &dialog(&a).phase else {
            panic!("{:?}", dialog(&a).phase)
        };
        assert!(e.contains("permission denied"), "{e}");
        assert!(e.contains("No matching permissions found"), "{e}");
        assert_eq!(dialog(&a).template.value(), T1);
        assert_eq!(a.keymap().name(), crate::tui::action_dialog::EDITING.name);
        assert!(!a.busy());
    }

    #[test]
    fn a_stale_answer_is_ignored() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        assert_eq!(
            a.update(Msg::Issued {
                id: id + 100,
                result: answered(Some(CODE)),
                audit_error: None,
            }),
            (false, vec![])
        );
        assert!(matches!(dialog(&a).phase, Phase::InFlight { .. }));
        // And an answer with no dialog open at all.
        let mut b = listed(Connection::default());
        assert_eq!(
            b.update(Msg::Issued {
                id: 1,
                result: answered(None),
                audit_error: None,
            }),
            (false, vec![])
        );
    }

    #[test]
    fn the_audit_warning_is_kept_with_the_result() {
        let mut a = listed(Connection::default());
        let id = returning_in_flight(&mut a);
        a.update(Msg::Issued {
            id,
            result: answered(Some(CODE)),
            audit_error: Some("cannot open the audit file /x: Is a directory".into()),
        });
        let d = dialog(&a);
        assert!(matches!(d.phase, Phase::Done { .. }));
        assert_eq!(d.code().map(VerificationCode::expose), Some(CODE));
        assert!(d.audit_error.as_deref().is_some_and(|e| e.contains("audit file")));
    }

    #[test]
    fn after_a_success_the_open_detail_is_fetched_again() {
        let mut a = listed(Connection::default());
        let (_, effects) = key(&mut a, KeyCode::Enter);
        let (user_req, methods_req) = match effects.as_slice() {
            [Effect::GetUser { id, .. }, Effect::ListAuthMethods { id: m, .. }] => (*id, *m),
            other => panic!("{other:?}"),
        };
        a.update(Msg::GotUser {
            id: user_req,
            result: Ok(human(1, "u1@acme.example")),
        });
        a.update(Msg::GotMethods {
            id: methods_req,
            result: Ok(vec![crate::api::wire::AuthenticationMethodType::Password]),
        });
        let id = returning_in_flight(&mut a);
        let (changed, effects) = a.update(Msg::Issued {
            id,
            result: answered(Some(CODE)),
            audit_error: None,
        });
        assert!(changed);
        match effects.as_slice() {
            [
                Effect::GetUser { id: u, user_id },
                Effect::ListAuthMethods { id: m, user_id: u2 },
            ] => {
                assert_eq!((user_id.as_str(), u2.as_str()), ("1", "1"));
                assert!(*u > id && *m > id, "new request ids");
            }
            other => panic!("the detail is refreshed: {other:?}"),
        }
        assert!(
            matches!(dialog(&a).phase, Phase::Done { .. }),
            "the result stays up"
        );
        assert_eq!(a.detail.as_ref().map(|d| &d.user), Some(&Load::Loading));
    }

    #[test]
    fn after_a_refusal_the_detail_is_not_fetched_again() {
        let mut a = listed(Connection::default());
        let (_, effects) = key(&mut a, KeyCode::Enter);
        let Some(Effect::GetUser { id: user_req, .. }) = effects.first() else {
            panic!("{effects:?}")
        };
        a.update(Msg::GotUser {
            id: *user_req,
            result: Ok(human(1, "u1@acme.example")),
        });
        let id = returning_in_flight(&mut a);
        let (_, effects) = a.update(Msg::Issued {
            id,
            result: Err(ApiError::PermissionDenied(Status::default())),
            audit_error: None,
        });
        assert!(effects.is_empty(), "{effects:?}");
    }

    #[test]
    fn up_and_down_cycle_the_saved_templates_and_preview_them() {
        let mut a = with_templates();
        key(&mut a, KeyCode::Char('r'));
        assert!(key(&mut a, KeyCode::Down).0);
        assert_eq!(dialog(&a).template.value(), T1);
        assert!(matches!(
            &dialog(&a).check,
            TemplateCheck::Valid { preview, .. } if preview.as_deref() == Some("https://verify.example.com/email?user=1&code=ABC123")
        ));
        key(&mut a, KeyCode::Down);
        assert_eq!(dialog(&a).template.value(), T2);
        assert!(matches!(
            &dialog(&a).check,
            TemplateCheck::Valid { preview, .. } if preview.as_deref() == Some("https://id.example.com/v?u=1&c=ABC123&o=org9")
        ));
        key(&mut a, KeyCode::Down);
        assert_eq!(dialog(&a).template.value(), "", "ZITADEL's default link");
        key(&mut a, KeyCode::Down);
        assert_eq!(dialog(&a).template.value(), T1);
        key(&mut a, KeyCode::Up);
        key(&mut a, KeyCode::Up);
        assert_eq!(dialog(&a).template.value(), T2);
        assert_eq!(a.list.selected, 1, "arrows moved the templates, not the list");
        let (_, _, _, mode) = issue(&key(&mut a, KeyCode::Enter).1);
        assert_eq!(
            mode,
            CodeMode::Send {
                url_template: check_url_template(T2).ok()
            }
        );
    }

    #[test]
    fn esc_before_sending_closes_and_sends_nothing() {
        let mut a = with_templates();
        key(&mut a, KeyCode::Char('r'));
        key(&mut a, KeyCode::Down);
        assert_eq!(key(&mut a, KeyCode::Esc), (true, vec![]));
        assert!(a.dialog.is_none());
        // Back in the list, Esc and keys work as before.
        assert_eq!(a.keymap().name(), crate::tui::browse::LIST.name);
        assert!(key(&mut a, KeyCode::Char('j')).0);
    }
}

mod resend_paste {
    use super::*;
    use crate::api::wire::{HumanEmail, HumanUser};
    use crate::tui::action_dialog::TEMPLATE_FIELD_CAP;

    fn listed() -> App {
        let mut a = app();
        let (id, _) = list_effect(&a.start());
        let u = User {
            user_id: "7".into(),
            human: Some(HumanUser {
                email: Some(HumanEmail {
                    email: "u7@acme.example".into(),
                    is_verified: false,
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        };
        a.update(Msg::Listed {
            id,
            result: page(vec![u], 1),
        });
        a
    }

    #[test]
    fn a_paste_with_the_dialog_open_fills_the_template_not_the_search() {
        let mut a = listed();
        key(&mut a, KeyCode::Char('r'));
        let t = "https://verify.example.com/?c={{.Code}}";
        let (changed, effects) = a.update(Msg::Paste(format!("{t}\n")));
        assert!(changed);
        assert!(effects.is_empty(), "a paste never sends: {effects:?}");
        let d = a.dialog.as_ref().expect("dialog");
        assert_eq!(d.template.value(), t, "the line break is dropped");
        assert_eq!(a.search.input.value(), "");
        assert_eq!(a.mode, Mode::List);
        let effects = key(&mut a, KeyCode::Enter).1;
        assert!(
            matches!(
                effects.as_slice(),
                [Effect::Apply { action: Action::EmailCode { mode: CodeMode::Send { url_template: Some(s) }, .. }, .. }] if s.as_str() == t
            ),
            "{effects:?}"
        );
        // While in flight a paste changes nothing.
        assert_eq!(a.update(Msg::Paste("more".into())), (false, vec![]));
    }

    /// 200 KB: one step, cut to the field's cap, and the status line says so.
    fn huge() -> String {
        "x".repeat(200 * 1024)
    }

    #[test]
    fn a_200_kb_paste_into_the_template_is_cut_and_said() {
        let mut a = listed();
        key(&mut a, KeyCode::Char('r'));
        let (changed, effects) = a.update(Msg::Paste(huge()));
        assert!(changed && effects.is_empty());
        let d = a.dialog.as_ref().expect("dialog");
        assert_eq!(d.template.value().len(), TEMPLATE_FIELD_CAP);
        assert!(matches!(
            d.check,
            crate::tui::action_dialog::TemplateCheck::Invalid(_)
        ));
        let said = a.error.clone().unwrap_or_default();
        assert!(said.contains(&TEMPLATE_FIELD_CAP.to_string()), "{said}");
    }

    #[test]
    fn a_200_kb_paste_into_the_list_is_cut_said_and_not_sent() {
        let mut a = listed();
        let (changed, effects) = a.update(Msg::Paste("wadda ".repeat(40_000)));
        assert!(changed);
        assert_eq!(a.mode, Mode::Search);
        assert!(
            effects.is_empty(),
            "85 terms are more than a search takes: {effects:?}"
        );
        let refused = a
            .search
            .error
            .as_ref()
            .map(|e| e.reason.as_str())
            .unwrap_or_default();
        assert!(refused.contains("more than 16 terms"), "{refused}");
        assert_eq!(a.search.input.value().chars().count(), MAX_SEARCH_CHARS);
        let said = a.error.clone().unwrap_or_default();
        assert!(said.contains(&MAX_SEARCH_CHARS.to_string()), "{said}");
    }
}

#[test]
fn a_new_app_after_a_profile_switch_never_reuses_request_ids() {
    let mut old = app();
    let (old_id, _) = list_effect(&old.start());
    let mut new = app();
    new.continue_request_ids(old.last_request_id());
    let (new_id, _) = list_effect(&new.start());
    assert!(new_id > old_id);
    // A reply of the old connection still in the queue is not taken for the new request.
    let (changed, _) = new.update(Msg::Listed {
        id: old_id,
        result: page(users(0, 3), 3),
    });
    assert!(!changed);
    assert!(!new.list.loaded);
}

#[test]
fn arrows_move_the_selection_while_typing_and_the_line_keeps_the_keyboard() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "ja");
    let (changed, effects) = key(&mut a, KeyCode::Down);
    assert!(changed);
    assert!(effects.is_empty());
    assert_eq!(a.list.selected, 1);
    assert_eq!(a.mode, Mode::Search);
    key(&mut a, KeyCode::Up);
    assert_eq!(a.list.selected, 0);
    assert_eq!(
        key(&mut a, KeyCode::Up),
        (false, vec![]),
        "on the first row: nothing"
    );
    typed(&mut a, "n");
    assert_eq!(a.search.input.value(), "jan", "still typing");
}

/// A search for `text` applied with Enter, answered with `rows` users.
fn searched(text: &str, rows: usize) -> App {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, text);
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let (id, _) = list_effect(&effects);
    a.update(Msg::Listed {
        id,
        result: page(users(0, rows), rows as u64),
    });
    a
}

#[test]
fn enter_in_the_line_opens_a_single_current_result() {
    let mut a = searched("jane", 1);
    key(&mut a, KeyCode::Char('/'));
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Detail);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::GetUser { user_id, .. } if user_id == "0")),
        "{effects:?}"
    );
}

#[test]
fn enter_in_the_line_does_not_open_with_several_results_or_a_changed_text() {
    let mut a = searched("jane", 2);
    key(&mut a, KeyCode::Char('/'));
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::List, "two results: back to the list");

    let mut a = searched("jane", 1);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "x");
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::List, "the one row is of the old text");
    list_effect(&effects);
}

#[test]
fn enter_on_a_refused_search_keeps_the_line_and_the_notice_says_the_rows_are_stale() {
    let mut a = searched("jane", 2);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, " colour:blue");
    assert_eq!(
        key(&mut a, KeyCode::Enter),
        (false, vec![]),
        "nothing sent, nothing entered"
    );
    assert_eq!(a.mode, Mode::Search, "the stale list is not entered");
    let notice = a.notice();
    assert!(notice[0].contains("colour:blue"), "{notice:?}");
    assert!(notice[1].contains("previous search “jane”"), "{notice:?}");
    let rows = a.areas().notice.height;
    assert!(rows >= 2, "the notice has its rows: {rows}");
    key(&mut a, KeyCode::Esc);
    assert!(a.notice().is_empty());
    assert_eq!(a.areas().notice.height, 0);
}

#[test]
fn the_syntax_help_opens_from_the_search_line_with_f1_or_a_question_mark_on_an_empty_line() {
    let mut a = started(10);
    key(&mut a, KeyCode::Char('/'));
    assert_eq!(key(&mut a, KeyCode::Char('?')), (true, vec![]));
    assert!(a.syntax_open);
    assert_eq!(a.search.input.value(), "", "? was not typed");
    key(&mut a, KeyCode::Char('x'));
    assert!(!a.syntax_open, "any key closes");
    assert_eq!(a.search.input.value(), "", "the closing key is not typed");
    assert_eq!(a.mode, Mode::Search);
    typed(&mut a, "a?");
    assert!(!a.syntax_open);
    assert_eq!(a.search.input.value(), "a?", "with text, ? is text");
    key(&mut a, KeyCode::F(1));
    assert!(a.syntax_open);
    assert_eq!(a.mode, Mode::Search);
}
