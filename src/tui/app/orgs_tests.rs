//! Organisation names in the console, as `update` handles them: the background read, its
//! failure (quiet), refresh, and `org:NAME` searches that wait for the names.

use super::*;
use crate::api::Status;
use crate::api::orgs::Organization;
use crate::api::wire::{Details, ListDetails};
use crossterm::event::{KeyCode, KeyModifiers};
use serde_json::json;

const INITECH: &str = "281465201463672835";
const GLOBEX: &str = "281465201463607299";
const RESEARCH: &str = "281465201463600001";

fn app() -> App {
    App::new(Connection::default(), 120, 40)
}

fn key(app: &mut App, code: KeyCode) -> (bool, Vec<Effect>) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| key(app, KeyCode::Char(c)).1).collect()
}

fn directory() -> OrgDirectory {
    let org = |id: &str, name: &str, domain: &str| Organization {
        id: id.into(),
        name: name.into(),
        primary_domain: domain.into(),
        ..Default::default()
    };
    OrgDirectory::from_orgs(
        [
            org(INITECH, "Initech", "initech.example"),
            org(GLOBEX, "Globex", "globex.example"),
            org(RESEARCH, "Globex Research", "research.globex.example"),
        ],
        false,
    )
}

fn unavailable() -> ApiError {
    ApiError::Unavailable(Status {
        http: 503,
        ..Status::default()
    })
}

fn read_id(effects: &[Effect]) -> Option<RequestId> {
    effects.iter().find_map(|e| match e {
        Effect::ReadOrgs { id } => Some(*id),
        _ => None,
    })
}

fn lists(effects: &[Effect]) -> Vec<ListUsersRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ListUsers { request, .. } => Some(request.clone()),
            _ => None,
        })
        .collect()
}

/// The newest debounce timer among `effects`.
fn timer(effects: &[Effect]) -> Option<u64> {
    effects.iter().rev().find_map(|e| match e {
        Effect::ScheduleSearch { generation, .. } => Some(*generation),
        _ => None,
    })
}

/// The console with its first page in (one user of Initech) and the directory read asked for.
fn started() -> (App, RequestId) {
    let mut a = app();
    let Some(Effect::ListUsers { id, .. }) = a.start().into_iter().next() else {
        panic!("the list first")
    };
    let user = User {
        user_id: "1".into(),
        details: Some(Details {
            resource_owner: INITECH.into(),
            ..Details::default()
        }),
        ..User::default()
    };
    a.update(Msg::Listed {
        id,
        result: Ok(ListUsersResponse {
            details: ListDetails {
                total_result: 1,
                ..ListDetails::default()
            },
            result: vec![user],
            ..ListUsersResponse::default()
        }),
    });
    let read = a.read_orgs();
    let Effect::ReadOrgs { id } = read else {
        panic!("{read:?}")
    };
    (a, id)
}

#[test]
fn the_names_arrive_in_the_background_and_an_older_read_is_dropped() {
    let (mut a, first) = started();
    assert!(
        a.reading_orgs() && a.waiting() && !a.busy(),
        "no spinner for the names"
    );
    assert_eq!(a.org_label(INITECH), INITECH, "the ID until the names are in");
    let Effect::ReadOrgs { id: second } = a.read_orgs() else {
        panic!()
    };
    let (changed, effects) = a.update(Msg::GotOrgs {
        id: first,
        result: Ok(directory()),
    });
    assert!(!changed && effects.is_empty(), "replaced by the newer read");
    assert!(a.orgs.is_empty());
    let (changed, effects) = a.update(Msg::GotOrgs {
        id: second,
        result: Ok(directory()),
    });
    assert!(changed && effects.is_empty());
    assert_eq!(a.org_label(INITECH), "Initech");
    assert!(!a.waiting());
}

#[test]
fn a_failed_read_is_quiet_and_leaves_the_ids() {
    let (mut a, id) = started();
    let (_, effects) = a.update(Msg::GotOrgs {
        id,
        result: Err(unavailable()),
    });
    assert!(effects.is_empty());
    assert_eq!(a.error, None, "the status line is for the job, not the names");
    assert!(a.notice().is_empty());
    assert_eq!(a.org_label(INITECH), INITECH);
}

#[test]
fn refresh_reads_the_names_again_with_the_list_and_a_failed_refresh_keeps_them() {
    let (mut a, id) = started();
    a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    let (_, effects) = a.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    assert_eq!(lists(&effects).len(), 1, "{effects:?}");
    let Some(id) = read_id(&effects) else {
        panic!("names read again: {effects:?}")
    };
    a.update(Msg::GotOrgs {
        id,
        result: Err(unavailable()),
    });
    assert_eq!(a.org_label(GLOBEX), "Globex", "cached for the connection");
    assert_eq!(a.error, None);
}

#[test]
fn a_search_by_name_waits_for_the_names_then_is_sent_with_the_ids() {
    let (mut a, id) = started();
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, "org:initech");
    assert!(read_id(&effects).is_none(), "the read in flight is awaited");
    let generation = timer(&effects).unwrap_or_default();
    let (_, effects) = a.update(Msg::SearchDue(generation));
    assert!(effects.is_empty(), "nothing sent before the names: {effects:?}");
    assert_eq!(a.notice(), [messages::ORG_NAMES_READING]);
    // Enter while waiting: back to the list, the search still to be sent.
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert!(lists(&effects).is_empty());
    let (_, effects) = a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    let sent = lists(&effects);
    assert_eq!(sent.len(), 1, "{effects:?}");
    assert_eq!(
        serde_json::to_value(&sent[0].queries).unwrap_or_default(),
        json!([{"organizationIdQuery": {"organizationId": INITECH}}])
    );
    assert_eq!(a.search.applied, "org:initech");
    assert!(a.notice().is_empty());
}

#[test]
fn with_the_names_read_a_domain_is_resolved_as_typed() {
    let (mut a, id) = started();
    a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, "jane org:research.globex.example");
    let (_, effects) = a.update(Msg::SearchDue(timer(&effects).unwrap_or_default()));
    let sent = lists(&effects);
    assert_eq!(sent.len(), 1, "{effects:?}");
    assert_eq!(
        serde_json::to_value(&sent[0].queries[1]).unwrap_or_default(),
        json!({"organizationIdQuery": {"organizationId": RESEARCH}})
    );
}

#[test]
fn an_ambiguous_name_is_refused_naming_the_candidates_and_nothing_is_sent() {
    let (mut a, id) = started();
    a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "org:glo");
    let effects = typed(&mut a, "b");
    assert!(timer(&effects).is_none(), "refused as typed: {effects:?}");
    let notice = a.notice().join("\n");
    assert!(
        notice.starts_with("✗ “org:glob”: \"glob\" names several organisations"),
        "{notice}"
    );
    assert!(
        notice.contains(&format!("Globex Research (research.globex.example, {RESEARCH})")),
        "{notice}"
    );
    assert!(notice.contains("nothing sent"), "{notice}");
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert!(effects.is_empty());
    assert_eq!(a.mode, Mode::Search, "Enter keeps the line");
}

#[test]
fn unreadable_names_refuse_the_waiting_search_and_an_edit_tries_again() {
    let (mut a, id) = started();
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, "org:initech");
    a.update(Msg::SearchDue(timer(&effects).unwrap_or_default()));
    a.update(Msg::GotOrgs {
        id,
        result: Err(unavailable()),
    });
    let notice = a.notice().join("\n");
    assert!(
        notice.starts_with(
            "✗ “org:initech”: organisation names could not be read (ZITADEL is unavailable (HTTP 503))"
        ),
        "{notice}"
    );
    assert!(notice.contains("use the organisation's ID"), "{notice}");
    assert_eq!(a.error, None, "said where the search is, not in the status line");
    // Another character: due again after the debounce, which reads the names once more.
    let effects = typed(&mut a, " ");
    assert!(read_id(&effects).is_none(), "not a read per keystroke");
    let (_, effects) = a.update(Msg::SearchDue(timer(&effects).unwrap_or_default()));
    let Some(id) = read_id(&effects) else {
        panic!("{effects:?}")
    };
    assert!(lists(&effects).is_empty());
    let (_, effects) = a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    assert_eq!(
        lists(&effects).len(),
        1,
        "sent once the names are in: {effects:?}"
    );
}

#[test]
fn a_name_typed_before_anything_asked_for_the_names_reads_them() {
    let mut a = app();
    a.start();
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, "org:initech");
    let (_, effects) = a.update(Msg::SearchDue(timer(&effects).unwrap_or_default()));
    let Some(id) = read_id(&effects) else {
        panic!("{effects:?}")
    };
    let (_, effects) = a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    assert_eq!(lists(&effects).len(), 1);
}

#[test]
fn a_name_unknown_before_a_refresh_is_resolved_when_the_new_names_arrive() {
    let (mut a, id) = started();
    a.update(Msg::GotOrgs {
        id,
        result: Ok(OrgDirectory::default()),
    });
    // The refresh is under way when the agent searches for an organisation just created.
    let (_, effects) = a.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    let Some(id) = read_id(&effects) else { panic!() };
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "org:initech");
    let notice = a.notice().join("\n");
    assert!(
        notice.contains("no organisation you may read is called \"initech\""),
        "{notice}"
    );
    let (_, effects) = a.update(Msg::GotOrgs {
        id,
        result: Ok(directory()),
    });
    assert!(a.notice().is_empty(), "{:?}", a.notice());
    assert!(timer(&effects).is_some(), "sent after the debounce: {effects:?}");
}

#[test]
fn an_org_id_needs_no_names() {
    let mut a = app();
    a.start();
    key(&mut a, KeyCode::Char('/'));
    let effects = typed(&mut a, &format!("org:{INITECH}"));
    let (_, effects) = a.update(Msg::SearchDue(timer(&effects).unwrap_or_default()));
    assert!(read_id(&effects).is_none());
    assert_eq!(lists(&effects).len(), 1);
}
