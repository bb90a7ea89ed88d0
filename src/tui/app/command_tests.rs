//! The command line through `App::update`: keys in, state and effects out.

use super::*;
use crate::api::orgs::Organization;
use crate::api::wire::{HumanProfile, HumanUser, ListDetails, UserFieldName};
use crate::audit::AuditRecord;
use crate::tui::audit_view::{AuditTail, Loading};
use crate::tui::command_line::Command;
use crossterm::event::{KeyCode, KeyModifiers};

fn key(app: &mut App, code: KeyCode) -> (bool, Vec<Effect>) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| key(app, KeyCode::Char(c)).1).collect()
}

/// `:` + `text` + Enter; the effects of the Enter.
fn command(app: &mut App, text: &str) -> Vec<Effect> {
    key(app, KeyCode::Char(':'));
    typed(app, text);
    key(app, KeyCode::Enter).1
}

fn user(id: &str, name: &str) -> User {
    User {
        user_id: id.into(),
        preferred_login_name: format!("{}@acme", name.to_lowercase()),
        human: Some(HumanUser {
            profile: Some(HumanProfile {
                display_name: Some(name.into()),
                ..HumanProfile::default()
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    }
}

fn listed(users: Vec<User>) -> Result<ListUsersResponse, ApiError> {
    Ok(ListUsersResponse {
        details: ListDetails {
            total_result: users.len() as u64,
            ..ListDetails::default()
        },
        result: users,
        ..ListUsersResponse::default()
    })
}

fn started(connection: Connection) -> App {
    let mut a = App::new(connection, 80, 24);
    let effects = a.start();
    let Some(Effect::ListUsers { id, .. }) = effects.first() else {
        panic!("start lists: {effects:?}")
    };
    a.update(Msg::Listed {
        id: *id,
        result: listed(vec![user("1", "Jane"), user("2", "Max")]),
    });
    a
}

fn app() -> App {
    started(Connection {
        profile: Some("acme".into()),
        profiles: vec!["acme".into(), "globex".into()],
        ..Connection::default()
    })
}

fn note(a: &App) -> (Vec<String>, bool) {
    let n = a.commands.line.as_ref().and_then(|l| l.note.clone());
    n.map(|n| (n.lines, n.error)).unwrap_or_default()
}

fn line_text(a: &App) -> Option<String> {
    a.commands.line.as_ref().map(|l| l.input.value().to_owned())
}

#[test]
fn colon_opens_the_line_in_the_list_and_the_detail_but_is_text_in_the_search() {
    let mut a = app();
    key(&mut a, KeyCode::Char(':'));
    assert!(a.commands.line.is_some());
    assert_eq!(a.keymap().name(), "command line");
    typed(&mut a, "q");
    key(&mut a, KeyCode::Esc);
    assert!(a.commands.line.is_none(), "Esc closes");

    key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Detail);
    key(&mut a, KeyCode::Char(':'));
    assert!(a.commands.line.is_some(), "also in the detail");
    key(&mut a, KeyCode::Esc);

    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "a:b");
    assert!(a.commands.line.is_none());
    assert_eq!(a.search.input.value(), "a:b");
}

#[test]
fn a_popup_keeps_the_keyboard() {
    let mut a = app();
    key(&mut a, KeyCode::Char('P'));
    assert!(a.picker.is_some());
    key(&mut a, KeyCode::Char(':'));
    assert!(a.commands.line.is_none());
}

#[test]
fn user_with_an_id_opens_the_detail_at_once() {
    let mut a = app();
    let effects = command(&mut a, "user 300000000000000101");
    assert!(a.commands.line.is_none());
    assert_eq!(a.mode, Mode::Detail);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::GetUser { user_id, .. } if user_id == "300000000000000101")),
        "{effects:?}"
    );
}

#[test]
fn user_with_an_email_looks_up_exactly_and_opens_the_one_found() {
    let mut a = app();
    let effects = command(&mut a, "user Jane@Acme.example");
    let [Effect::LookUpUser { id, request }] = effects.as_slice() else {
        panic!("one lookup: {effects:?}")
    };
    assert_eq!(
        request,
        &crate::api::user_lookup::exact_user_request("Jane@Acme.example", None)
    );
    assert!(a.busy(), "the spinner turns while ZITADEL is asked");
    assert!(note(&a).0[0].contains("looking up"));
    let (_, effects) = a.update(Msg::LookedUp {
        id: *id,
        result: listed(vec![user("42", "Jane")]),
    });
    assert!(a.commands.line.is_none());
    assert_eq!(a.mode, Mode::Detail);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::GetUser { user_id, .. } if user_id == "42"))
    );
}

#[test]
fn a_lookup_finding_none_or_several_says_so_and_keeps_the_text() {
    let mut a = app();
    let effects = command(&mut a, "user nobody@acme");
    let [Effect::LookUpUser { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::LookedUp {
        id: *id,
        result: listed(Vec::new()),
    });
    assert_eq!(line_text(&a).as_deref(), Some("user nobody@acme"), "nothing lost");
    let (lines, error) = note(&a);
    assert!(error && lines[0].contains("no user has"), "{lines:?}");
    assert_eq!(a.mode, Mode::List);

    let effects = key(&mut a, KeyCode::Enter).1;
    let [Effect::LookUpUser { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::LookedUp {
        id: *id,
        result: listed(vec![user("7", "Ann\u{1b}[2J"), user("8", "Bob")]),
    });
    let (lines, error) = note(&a);
    assert!(error && lines[0].starts_with("2 users"), "{lines:?}");
    assert!(lines[1].contains('7') && lines[2].contains("Bob"), "{lines:?}");
}

#[test]
fn a_lookup_answer_after_esc_or_a_newer_lookup_is_dropped() {
    let mut a = app();
    let effects = command(&mut a, "user jane@acme");
    let [Effect::LookUpUser { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    key(&mut a, KeyCode::Esc);
    assert!(!a.busy());
    let (changed, effects) = a.update(Msg::LookedUp {
        id: *id,
        result: listed(vec![user("42", "Jane")]),
    });
    assert!(!changed && effects.is_empty());
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn org_applies_the_search_as_typed_and_a_refused_one_changes_nothing() {
    let mut a = app();
    let effects = command(&mut a, "org 281465201463672835");
    assert!(a.commands.line.is_none());
    assert_eq!(a.search.applied, "org:281465201463672835");
    let Some(Effect::ListUsers { request, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    let v = serde_json::to_value(request).unwrap_or_default();
    assert_eq!(
        v["queries"][0]["organizationIdQuery"]["organizationId"],
        "281465201463672835"
    );

    let before = a.search.applied.clone();
    let effects = command(&mut a, "org \"unclosed");
    assert!(effects.is_empty());
    assert_eq!(a.search.applied, before, "the search is left as it was");
    assert_eq!(line_text(&a).as_deref(), Some("org \"unclosed"));
    assert!(note(&a).1, "the refusal is said on the line");
}

#[test]
fn org_completes_names_from_the_directory() {
    let mut a = app();
    a.orgs = OrgDirectory::from_orgs(
        [("1", "Initech"), ("2", "Globex")].map(|(id, name)| Organization {
            id: id.into(),
            name: name.into(),
            ..Organization::default()
        }),
        false,
    );
    key(&mut a, KeyCode::Char(':'));
    typed(&mut a, "org in");
    key(&mut a, KeyCode::Tab);
    assert_eq!(line_text(&a).as_deref(), Some("org Initech"));
}

#[test]
fn profile_switches_like_the_picker_and_names_the_profiles_otherwise() {
    let mut a = app();
    assert_eq!(
        command(&mut a, "profile globex"),
        vec![Effect::SwitchProfile("globex".into())]
    );
    assert!(
        command(&mut a, "profile acme").is_empty(),
        "the current one: nothing to do"
    );
    assert!(a.commands.line.is_none());
    assert!(command(&mut a, "profile nope").is_empty());
    let (lines, error) = note(&a);
    assert!(error && lines[0].contains("acme, globex"), "{lines:?}");
    let mut none = started(Connection::default());
    command(&mut none, "profile x");
    assert_eq!(note(&none).0, [messages::NO_PROFILES]);
}

#[test]
fn sort_reads_the_list_again_in_that_order() {
    let mut a = app();
    let effects = command(&mut a, "sort email desc");
    assert_eq!(a.sort.column, UserFieldName::Email);
    assert!(!a.sort.ascending);
    let Some(Effect::ListUsers { request, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(request.sorting_column, UserFieldName::Email);
    assert_eq!(request.query.as_ref().map(|q| q.asc), Some(false));
    command(&mut a, "sort state");
    assert!(!a.sort.ascending, "no direction: the one in force stays");
    command(&mut a, "sort colour");
    assert!(note(&a).0[0].contains("creation date"), "the columns are named");
}

fn record(user: &str, secs: i64) -> AuditRecord {
    AuditRecord {
        time: jiff::Timestamp::from_second(1_764_000_000 + secs).unwrap_or_default(),
        instance: "https://id.example.com".into(),
        profile: None,
        operator: None,
        user_id: user.into(),
        action: "unlock".into(),
        mode: "none".into(),
        url_template: None,
        email: None,
        outcome: "ok".into(),
        error: None,
        sequence: None,
    }
}

fn trail(records: Vec<AuditRecord>) -> Result<AuditTail, String> {
    Ok(AuditTail {
        records,
        problems: Vec::new(),
        instance: "https://id.example.com".into(),
    })
}

#[test]
fn audit_reads_the_trail_off_the_ui_thread_and_esc_goes_back() {
    let mut a = app();
    let effects = command(&mut a, "audit");
    let [Effect::ReadAuditTrail { id }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(a.busy());
    assert_eq!(a.keymap().name(), "audit trail");
    // An older read's answer does not land.
    assert!(
        !a.update(Msg::AuditTrail {
            id: id + 100,
            result: trail(Vec::new())
        })
        .0
    );
    a.update(Msg::AuditTrail {
        id: *id,
        result: trail(vec![record("1", 0), record("2", 1)]),
    });
    let Some(FullView::Audit(v)) = &a.commands.view else {
        panic!("the audit view is open")
    };
    assert_eq!(v.load, Loading::Ready);
    assert_eq!(
        v.shown().map(|r| r.user_id.as_str()).collect::<Vec<_>>(),
        ["2", "1"]
    );
    assert!(!a.busy());
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "q");
    assert!(a.commands.view.is_some(), "q is text in the filter");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Esc);
    assert!(a.commands.view.is_none());
    assert_eq!(a.mode, Mode::List);
}

#[test]
fn an_unreadable_trail_is_said_in_the_view() {
    let mut a = app();
    let effects = command(&mut a, "audit");
    let [Effect::ReadAuditTrail { id }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::AuditTrail {
        id: *id,
        result: Err("cannot open the audit file /x: denied".into()),
    });
    let Some(FullView::Audit(v)) = &a.commands.view else {
        panic!("open")
    };
    assert_eq!(
        v.load,
        Loading::Failed("cannot read the audit trail: cannot open the audit file /x: denied".into())
    );
}

#[test]
fn history_lists_users_opened_this_session_then_the_trail_and_enter_opens_one() {
    let mut a = app();
    // Open Max's detail: he is remembered once read.
    key(&mut a, KeyCode::Char('j'));
    let effects = key(&mut a, KeyCode::Enter).1;
    let Some(Effect::GetUser { id, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    a.update(Msg::GotUser {
        id: *id,
        result: Ok(user("2", "Max")),
    });
    key(&mut a, KeyCode::Esc);
    let effects = command(&mut a, "history");
    let [Effect::ReadAuditTrail { id }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::AuditTrail {
        id: *id,
        result: trail(vec![record("9", 0), record("2", 1)]),
    });
    let Some(FullView::History(v)) = &a.commands.view else {
        panic!("open")
    };
    let ids: Vec<_> = v.rows.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(ids, ["2", "9"]);
    key(&mut a, KeyCode::Char('j'));
    let effects = key(&mut a, KeyCode::Enter).1;
    assert!(a.commands.view.is_none());
    assert_eq!(a.mode, Mode::Detail);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::GetUser { user_id, .. } if user_id == "9"))
    );
}

#[test]
fn q_quits_and_takes_the_quit_keys_guard() {
    let mut a = app();
    assert_eq!(command(&mut a, "q"), vec![Effect::Quit]);
    let mut a = app();
    assert_eq!(command(&mut a, "quit"), vec![Effect::Quit]);

    // A code request in flight: the first quit only warns, as `q` does.
    let mut a = app();
    let mut dialog = a.new_dialog(ActionKind::EmailCode, Target::from_user(&user("1", "Jane")));
    dialog.sent(
        99,
        crate::api::Action::EmailCode {
            call: crate::api::action::CodeCall::Resend,
            mode: crate::api::CodeMode::Return,
        },
    );
    a.dialog = Some(dialog);
    assert_eq!(a.run_command(Command::Quit), (true, Vec::new()));
    assert!(
        a.error.as_deref().is_some_and(|e| e.contains("again quits")),
        "{:?}",
        a.error
    );
    assert_eq!(a.run_command(Command::Quit).1, vec![Effect::Quit]);
}

#[test]
fn unknown_commands_name_those_that_exist_and_help_lists_them() {
    let mut a = app();
    assert!(command(&mut a, "frobnicate").is_empty());
    let (lines, error) = note(&a);
    assert!(error, "{lines:?}");
    assert!(
        lines[0].contains(":user") && lines[0].contains(":history") && lines[0].contains(":q"),
        "{lines:?}"
    );
    key(&mut a, KeyCode::Esc);
    command(&mut a, "help");
    let (lines, error) = note(&a);
    assert!(!error);
    assert_eq!(lines.len(), crate::tui::command_line::COMMANDS.len());
}

#[test]
fn a_paste_goes_into_the_open_line() {
    let mut a = app();
    key(&mut a, KeyCode::Char(':'));
    a.update(Msg::Paste("user jane@acme\n".into()));
    assert_eq!(line_text(&a).as_deref(), Some("user jane@acme"));
    assert_eq!(a.mode, Mode::List, "not into the search line");
}

#[test]
fn org_takes_a_name_once_the_names_are_read() {
    let mut a = app();
    let Effect::ReadOrgs { id } = a.read_orgs() else {
        panic!("a read")
    };
    let names = OrgDirectory::from_orgs(
        [("11", "Initech"), ("12", "Globex")].map(|(id, name)| Organization {
            id: id.into(),
            name: name.into(),
            ..Organization::default()
        }),
        false,
    );
    a.update(Msg::GotOrgs {
        id,
        result: Ok(names),
    });
    let effects = command(&mut a, "org initech");
    assert!(a.commands.line.is_none(), "the command ran");
    let Some(Effect::ListUsers { request, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    let v = serde_json::to_value(request).unwrap_or_default();
    assert_eq!(v["queries"][0]["organizationIdQuery"]["organizationId"], "11");
}

#[test]
fn org_with_an_unknown_name_stays_on_the_line_naming_the_candidates() {
    let mut a = app();
    let Effect::ReadOrgs { id } = a.read_orgs() else {
        panic!("a read")
    };
    let names = OrgDirectory::from_orgs(
        [("11", "Initech"), ("12", "Initrode")].map(|(id, name)| Organization {
            id: id.into(),
            name: name.into(),
            ..Organization::default()
        }),
        false,
    );
    a.update(Msg::GotOrgs {
        id,
        result: Ok(names),
    });
    let effects = command(&mut a, "org init");
    assert!(effects.is_empty(), "nothing sent: {effects:?}");
    assert_eq!(line_text(&a).as_deref(), Some("org init"));
    let (lines, error) = note(&a);
    assert!(error);
    let said = lines.join(" ");
    assert!(said.contains("Initech") && said.contains("Initrode"), "{said}");
}

#[test]
fn org_by_name_before_the_names_are_read_reads_them_and_waits() {
    let mut a = app();
    let effects = command(&mut a, "org initech");
    assert!(a.commands.line.is_none());
    assert!(
        effects.iter().any(|e| matches!(e, Effect::ReadOrgs { .. })),
        "the names are read for the search: {effects:?}"
    );
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::ListUsers { .. })),
        "{effects:?}"
    );
}
