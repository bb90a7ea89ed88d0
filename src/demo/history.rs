//! A user's history, v1 management `ListUserChanges`
//! (`POST /management/v1/users/{userId}/changes/_search`), as ZITADEL answers it
//! (`internal/api/grpc/management/user.go`, `internal/query/event.go` at v4.13.1):
//!
//! * permission `user.read` in the *context* organisation — `x-zitadel-orgid`, else the
//!   caller's own — and only that organisation's events: a user of another org has an empty
//!   history, as has an unknown user (no error);
//! * newest first unless `asc`; `limit` 0 means every event; events after `sequence` only;
//! * the editor resolved to a user's display and login name, or left as the bare ID
//!   (`NOTIFICATION`, the worker that sends mails);
//! * `eventType.key` is the i18n key `EventTypes.<type>`, `localizedMessage` its English text
//!   (`internal/static/i18n/en.yaml`).
//!
//! Events before start-up come from the seed file's `history`, or are derived from the user
//! (created, a code mailed at creation and used, a pending code mailed at the last change, a
//! lock or deactivation). What the demo's calls write while it runs (codes, their mails, a
//! new address, an unlock) is recorded by [`Live::write`](super::state::Live) and
//! `Live::notified`.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::auth::Principal;
use super::directory::{Directory, UserRef};
use super::errors::ApiFailure;
use super::identities::NOTIFICATION_EDITOR;
use super::state::{LiveEvent, Shared};
use super::sync::lock;
use crate::api::changes::{Change, ListUserChangesResponse, LocalizedMessage};
use crate::api::wire::{UserState, u64_string};

/// `zitadel.management.v1.ListUserChangesRequest` without the path's `userId`; unknown keys
/// are dropped, as ZITADEL's gateway does (`DiscardUnknown`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ChangesBody {
    query: Option<ChangeQuery>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangeQuery {
    #[serde(with = "u64_string")]
    sequence: u64,
    limit: u32,
    asc: bool,
}

/// One event as the demo keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub at: Timestamp,
    pub event_type: String,
    pub editor: String,
    pub sequence: u64,
}

pub(crate) fn list_changes(
    shared: &Shared,
    who: &Principal,
    context_org: Option<&str>,
    user_id: &str,
    body: &ChangesBody,
) -> Result<ListUserChangesResponse, ApiFailure> {
    let dir = &shared.dir;
    let org = match context_org {
        Some(id) => dir.org_index(id).ok_or_else(ApiFailure::membership_not_found)?,
        None => dir
            .position(&who.user_id)
            .and_then(|p| dir.get(p))
            .map_or(0, |u| u.org()),
    };
    if !who.may_read_in(org) {
        return Err(who.denied(org));
    }
    let query = body.query.as_ref();
    let (after, limit, asc) = query.map_or((0, 0, false), |q| (q.sequence, q.limit, q.asc));
    let Some((pos, user)) = dir
        .position(user_id)
        .and_then(|p| dir.get(p).map(|u| (p, u)))
        .filter(|(_, u)| u.org() == org)
    else {
        return Ok(ListUserChangesResponse::default());
    };
    let mut events = initial(&user, &dir.owners.admin);
    events.extend(lock(&shared.live).events(pos).iter().map(live_event));
    events.retain(|e| e.sequence > after);
    if !asc {
        events.reverse();
    }
    if limit > 0 {
        events.truncate(limit as usize);
    }
    let org_id = dir.orgs.get(org).map(|o| o.id.clone()).unwrap_or_default();
    Ok(ListUserChangesResponse {
        result: events.iter().map(|e| change(dir, e, &org_id)).collect(),
    })
}

fn live_event(e: &LiveEvent) -> Event {
    Event {
        at: e.at,
        event_type: e.event_type.to_owned(),
        editor: e.editor.clone(),
        sequence: e.sequence,
    }
}

fn change(dir: &Directory, event: &Event, org_id: &str) -> Change {
    let editor = dir.position(&event.editor).and_then(|p| dir.get(p));
    let (display_name, login_name) = editor.map_or_else(Default::default, |u| {
        let user = u.to_user();
        let name = match (&user.human, &user.machine) {
            (Some(h), _) => h
                .profile
                .as_ref()
                .and_then(|p| p.display_name.clone())
                .unwrap_or_default(),
            (None, Some(m)) => m.name.clone(),
            (None, None) => String::new(),
        };
        (name, user.preferred_login_name)
    });
    Change {
        change_date: Some(event.at),
        event_type: LocalizedMessage {
            key: format!("EventTypes.{}", event.event_type),
            localized_message: english(&event.event_type).to_owned(),
        },
        sequence: event.sequence,
        editor_id: event.editor.clone(),
        editor_display_name: display_name,
        editor_preferred_login_name: login_name,
        editor_avatar_url: String::new(),
        resource_owner_id: org_id.to_owned(),
    }
}

/// The user's events before start-up, oldest first, numbered so that the last one carries
/// the user's sequence at start-up.
pub(crate) fn initial(user: &UserRef<'_>, admin: &str) -> Vec<Event> {
    let story: Vec<(Timestamp, String, String)> = if user.seed_history().is_empty() {
        derived(user, admin)
    } else {
        user.seed_history()
            .iter()
            .map(|e| (e.at, e.event_type.clone(), e.editor.clone()))
            .collect()
    };
    let last = user.sequence().max(story.len() as u64);
    let first = last + 1 - story.len() as u64;
    story
        .into_iter()
        .zip(first..)
        .map(|((at, event_type, editor), sequence)| Event {
            at,
            event_type,
            editor,
            sequence,
        })
        .collect()
}

/// A plausible story for a user without a hand-written one.
fn derived(user: &UserRef<'_>, admin: &str) -> Vec<(Timestamp, String, String)> {
    let u = user.to_user();
    let created = user.creation_date();
    let changed = u.details.as_ref().and_then(|d| d.change_date).unwrap_or(created);
    let after = |t: Timestamp, secs: i64| t.saturating_add(SignedDuration::from_secs(secs)).unwrap_or(t);
    let own = u.user_id.clone();
    let mut story = Vec::new();
    let Some(human) = &u.human else {
        story.push((created, "user.machine.added".to_owned(), admin.to_owned()));
        return story;
    };
    story.push((created, "user.human.added".to_owned(), admin.to_owned()));
    let verified = human.email.as_ref().is_some_and(|e| e.is_verified);
    let has_email = user.has_email();
    if u.state == UserState::Initial {
        story.push((
            after(created, 1),
            "user.human.initialization.code.added".into(),
            admin.into(),
        ));
        story.push((
            after(created, 5),
            "user.human.initialization.code.sent".into(),
            NOTIFICATION_EDITOR.into(),
        ));
    } else if has_email && verified {
        story.push((
            after(created, 1),
            "user.human.email.code.added".into(),
            admin.into(),
        ));
        story.push((
            after(created, 4),
            "user.human.email.code.sent".into(),
            NOTIFICATION_EDITOR.into(),
        ));
        story.push((
            after(created, 660),
            "user.human.email.verified".into(),
            own.clone(),
        ));
    }
    if has_email && user.pending_initially() {
        let at = changed.max(after(created, 1));
        story.push((at, "user.human.email.code.added".into(), admin.into()));
        story.push((
            after(at, 3),
            "user.human.email.code.sent".into(),
            NOTIFICATION_EDITOR.into(),
        ));
    }
    match u.state {
        UserState::Locked => story.push((changed, "user.locked".into(), own)),
        UserState::Inactive => story.push((changed, "user.deactivated".into(), admin.into())),
        _ => {}
    }
    story.sort_by_key(|(at, ..)| *at);
    story
}

/// The English text ZITADEL gives an event type (`EventTypes.*` in `en.yaml`).
fn english(event_type: &str) -> &'static str {
    match event_type {
        "user.human.added" => "Person added",
        "user.machine.added" => "Service user added",
        "user.human.selfregistered" => "Person registered themself",
        "user.human.email.code.added" => "Email address verification code generated",
        "user.human.email.code.sent" => "Email address verification code sent",
        "user.human.email.changed" => "Email address changed",
        "user.human.email.verified" => "Email address verified",
        "user.human.email.verification.failed" => "Email address verification failed",
        "user.human.phone.code.added" => "Phone number code generated",
        "user.human.phone.code.sent" => "Phone number code sent",
        "user.human.invite.code.added" => "Invitation code generated",
        "user.human.invite.code.sent" => "Invitation code sent",
        "user.human.initialization.code.added" => "Initialization code generated",
        "user.human.initialization.code.sent" => "Initialization code sent",
        "user.human.password.code.added" => "Password code generated",
        "user.human.password.code.sent" => "Password code sent",
        "user.human.password.check.succeeded" => "Password check succeeded",
        "user.locked" => "User locked",
        "user.unlocked" => "User unlocked",
        "user.deactivated" => "User deactivated",
        "user.reactivated" => "User reactivated",
        _ => "",
    }
}
