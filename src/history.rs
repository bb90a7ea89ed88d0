//! What happened to a user, in the words a helpdesk agent needs: ZITADEL's events that bear on
//! "I never got the mail" (codes added and sent, address changes, verification, invites,
//! initialisation, locks, deactivation, password links) with what they imply — a code that
//! was never mailed, a mail that went out minutes late, a code voided by a newer one or by an
//! address change — beside zitadesk's own audit lines for the user. Shared by the console's
//! detail pane and `zitadesk users history`.
//!
//! Event types are ZITADEL's (`internal/repository/user/{user,human,human_email,
//! human_password,human_phone}.go` at v4.13.1); ZITADEL keeps only the newest code of each
//! kind, so a new code, or for email an address change, voids the one before.

use std::borrow::Cow;

use jiff::Timestamp;

use crate::api::changes::Change;
use crate::audit::AuditRecord;
use crate::text::sanitize;

/// A mail sent later than this after its code was added is called late.
const LATE_SECS: i64 = 60;

/// The events shown, by ZITADEL event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Created,
    EmailCodeAdded,
    EmailCodeSent,
    EmailChanged,
    EmailVerified,
    EmailVerificationFailed,
    PhoneCodeAdded,
    PhoneCodeSent,
    PhoneChanged,
    PhoneVerified,
    InviteCodeAdded,
    InviteCodeSent,
    InviteAccepted,
    InviteCheckFailed,
    InitCodeAdded,
    InitCodeSent,
    Initialised,
    PasswordCodeAdded,
    PasswordCodeSent,
    PasswordChanged,
    Locked,
    Unlocked,
    Deactivated,
    Reactivated,
}

/// Codes of one kind: a newer one voids the older.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Email,
    Phone,
    Invite,
    Init,
    Password,
}

impl Event {
    /// The event of a ZITADEL event type (`user.human.email.code.added`); `None` for the
    /// many that do not bear on this job (sign-ins, token grants, profile edits).
    pub fn from_type(event_type: &str) -> Option<Event> {
        Some(match event_type {
            "user.human.added" | "user.human.selfregistered" => Event::Created,
            "user.human.email.code.added" => Event::EmailCodeAdded,
            "user.human.email.code.sent" => Event::EmailCodeSent,
            "user.human.email.changed" => Event::EmailChanged,
            "user.human.email.verified" => Event::EmailVerified,
            "user.human.email.verification.failed" => Event::EmailVerificationFailed,
            "user.human.phone.code.added" => Event::PhoneCodeAdded,
            "user.human.phone.code.sent" => Event::PhoneCodeSent,
            "user.human.phone.changed" => Event::PhoneChanged,
            "user.human.phone.verified" => Event::PhoneVerified,
            "user.human.invite.code.added" => Event::InviteCodeAdded,
            "user.human.invite.code.sent" => Event::InviteCodeSent,
            "user.human.invite.check.succeeded" => Event::InviteAccepted,
            "user.human.invite.check.failed" => Event::InviteCheckFailed,
            "user.human.initialization.code.added" => Event::InitCodeAdded,
            "user.human.initialization.code.sent" => Event::InitCodeSent,
            "user.human.initialization.check.succeeded" => Event::Initialised,
            "user.human.password.code.added" => Event::PasswordCodeAdded,
            "user.human.password.code.sent" => Event::PasswordCodeSent,
            "user.human.password.changed" => Event::PasswordChanged,
            "user.locked" => Event::Locked,
            "user.unlocked" => Event::Unlocked,
            "user.deactivated" => Event::Deactivated,
            "user.reactivated" => Event::Reactivated,
            _ => return None,
        })
    }

    /// What happened, in words.
    pub fn words(self) -> &'static str {
        match self {
            Event::Created => "account created",
            Event::EmailCodeAdded => "email verification code issued",
            Event::EmailCodeSent => "verification mail sent",
            Event::EmailChanged => "email address changed",
            Event::EmailVerified => "email address verified",
            Event::EmailVerificationFailed => "email verification failed (wrong or old code)",
            Event::PhoneCodeAdded => "phone code issued",
            Event::PhoneCodeSent => "phone code sent",
            Event::PhoneChanged => "phone number changed",
            Event::PhoneVerified => "phone number verified",
            Event::InviteCodeAdded => "invite code issued",
            Event::InviteCodeSent => "invite mail sent",
            Event::InviteAccepted => "invite accepted",
            Event::InviteCheckFailed => "invite code check failed",
            Event::InitCodeAdded => "initialisation code issued",
            Event::InitCodeSent => "initialisation mail sent",
            Event::Initialised => "account initialised",
            Event::PasswordCodeAdded => "password reset code issued",
            Event::PasswordCodeSent => "password reset mail sent",
            Event::PasswordChanged => "password changed",
            Event::Locked => "locked (too many failed attempts, or by an administrator)",
            Event::Unlocked => "unlocked",
            Event::Deactivated => "deactivated",
            Event::Reactivated => "reactivated",
        }
    }

    /// The code this event issues, if it issues one.
    fn issues(self) -> Option<Family> {
        match self {
            Event::EmailCodeAdded => Some(Family::Email),
            Event::PhoneCodeAdded => Some(Family::Phone),
            Event::InviteCodeAdded => Some(Family::Invite),
            Event::InitCodeAdded => Some(Family::Init),
            Event::PasswordCodeAdded => Some(Family::Password),
            _ => None,
        }
    }

    /// The code whose delivery this event records.
    fn delivers(self) -> Option<Family> {
        match self {
            Event::EmailCodeSent => Some(Family::Email),
            Event::PhoneCodeSent => Some(Family::Phone),
            Event::InviteCodeSent => Some(Family::Invite),
            Event::InitCodeSent => Some(Family::Init),
            Event::PasswordCodeSent => Some(Family::Password),
            _ => None,
        }
    }

    /// The code this event makes useless (besides a newer code of the same kind): a changed
    /// address voids the code sent to the old one.
    fn voids(self) -> Option<Family> {
        match self {
            Event::EmailChanged => Some(Family::Email),
            Event::PhoneChanged => Some(Family::Phone),
            _ => None,
        }
    }

    /// The event that uses up a code of this kind.
    fn uses(self) -> Option<Family> {
        match self {
            Event::EmailVerified => Some(Family::Email),
            Event::PhoneVerified => Some(Family::Phone),
            Event::InviteAccepted => Some(Family::Invite),
            Event::Initialised => Some(Family::Init),
            Event::PasswordChanged => Some(Family::Password),
            _ => None,
        }
    }
}

/// Where a history line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// ZITADEL's event.
    Zitadel,
    /// A line of this machine's audit trail.
    Zitadesk,
}

/// One line of a user's history, newest first in a [`History`]. Every text is sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub when: Option<Timestamp>,
    pub origin: Origin,
    /// ZITADEL's event type (`user.locked`), or the audit action (`resend`).
    pub kind: String,
    /// What happened.
    pub what: String,
    /// Who did it: the editor's name or login, a zitadesk operator, or empty.
    pub who: String,
    /// What it implies ("never mailed; replaced …"), when something does.
    pub note: Option<String>,
}

/// A user's history as shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub entries: Vec<Entry>,
    /// ZITADEL events read but not shown (sign-ins, profile edits…).
    pub other_events: usize,
}

/// This machine's audit trail, as far as it concerns one instance.
#[derive(Debug, Clone, Copy)]
pub struct AuditLines<'a> {
    pub records: &'a [AuditRecord],
    /// The instance URL as audited (no trailing slash).
    pub instance: &'a str,
}

/// ZITADEL's `changes` (any order) and the audit lines about `user_id` on the same instance
/// as one history, newest first. `tz` formats times inside notes.
pub fn build(changes: &[Change], audit: AuditLines<'_>, user_id: &str, tz: &jiff::tz::TimeZone) -> History {
    let mut events: Vec<(&Change, Event)> = Vec::new();
    let mut other_events = 0;
    for change in changes {
        match Event::from_type(change.event_type()) {
            Some(e) => events.push((change, e)),
            None => other_events += 1,
        }
    }
    // Oldest first to pair codes with what followed them.
    events.sort_by_key(|(c, _)| (c.sequence, c.change_date));
    // Newest first from here on; equal times keep ZITADEL's order (the sequence).
    let mut entries: Vec<Entry> = events
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (change, event))| Entry {
            when: change.change_date,
            origin: Origin::Zitadel,
            kind: sanitize(change.event_type()).into_owned(),
            what: event.words().to_string(),
            who: editor(change),
            note: note_for(&events, i, tz),
        })
        .collect();
    entries.extend(
        audit
            .records
            .iter()
            .filter(|r| r.user_id == user_id && r.instance == audit.instance)
            .map(audit_entry),
    );
    // A stable sort: at the same instant ZITADEL's events stay in sequence order, above the
    // audit line written after them.
    entries.sort_by_key(|e| std::cmp::Reverse(e.when));
    History {
        entries,
        other_events,
    }
}

/// The creator ZITADEL's notification worker writes its events as (not a user).
const NOTIFICATION_WORKER: &str = "NOTIFICATION";

fn editor(change: &Change) -> String {
    if change.editor_id == NOTIFICATION_WORKER && change.editor_display_name.is_empty() {
        return "ZITADEL's notifier".to_owned();
    }
    let name = [
        &change.editor_display_name,
        &change.editor_preferred_login_name,
        &change.editor_id,
    ]
    .into_iter()
    .find(|s| !s.trim().is_empty())
    .map(String::as_str)
    .unwrap_or("");
    sanitize(name).into_owned()
}

/// What a code-issuing event at `i` (of `events`, oldest first) came to.
fn note_for(events: &[(&Change, Event)], i: usize, tz: &jiff::tz::TimeZone) -> Option<String> {
    let (change, event) = events.get(i)?;
    let family = event.issues()?;
    let mut sent: Option<&Change> = None;
    let mut ended: Option<(&Change, Event)> = None;
    for (later, e) in events.iter().skip(i + 1) {
        if e.delivers() == Some(family) && sent.is_none() && ended.is_none() {
            sent = Some(later);
        } else if e.issues() == Some(family) || e.voids() == Some(family) || e.uses() == Some(family) {
            ended = Some((later, *e));
            break;
        }
    }
    let delivery: Cow<'static, str> = match (sent, change.change_date) {
        (Some(s), Some(added)) => match s.change_date {
            Some(at) if at.as_second() - added.as_second() > LATE_SECS => format!(
                "mailed {} later",
                duration_words(at.as_second() - added.as_second())
            )
            .into(),
            _ => "mailed".into(),
        },
        (Some(_), None) => "mailed".into(),
        (None, _) => "never mailed".into(),
    };
    let mailed = sent.is_some();
    match ended {
        Some((_, e)) if e.uses() == Some(family) => mailed
            .then_some(delivery.into_owned())
            .filter(|d| d != "mailed")
            .map(|d| format!("{d}; used")),
        Some((later, e)) => {
            let at = later
                .change_date
                .map(|t| clock(t, tz))
                .unwrap_or_else(|| "later".into());
            let by = if e.voids() == Some(family) {
                format!("void since the address changed at {at}")
            } else {
                format!("void since the newer code of {at}")
            };
            Some(format!("{delivery}; {by}"))
        }
        None if mailed => (delivery != "mailed").then(|| delivery.into_owned()),
        None => Some("no mail sent for it yet (still queued, failed, or returned to an agent)".into()),
    }
}

fn audit_entry(r: &AuditRecord) -> Entry {
    let mode = match r.mode.as_str() {
        "return" => ", code returned to the agent",
        "send" => ", mailed by ZITADEL",
        _ => "",
    };
    let outcome = match r.outcome.as_str() {
        "ok" => String::new(),
        "unknown" => " — outcome unknown".into(),
        "not_sent" => " — not sent".into(),
        other => format!(
            " — {}{}",
            sanitize(other),
            r.error
                .as_deref()
                .map(|e| format!(" ({})", sanitize(e)))
                .unwrap_or_default()
        ),
    };
    Entry {
        when: Some(r.time),
        origin: Origin::Zitadesk,
        kind: sanitize(&r.action).into_owned(),
        what: format!("zitadesk: {}{mode}{outcome}", sanitize(&r.action)),
        who: r
            .operator
            .as_deref()
            .map(|o| sanitize(o).into_owned())
            .unwrap_or_default(),
        note: None,
    }
}

/// "14:05" (local), for notes that point at another line.
fn clock(ts: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let at = tz.to_datetime(ts);
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// "3 min", "2 h", "4 days".
fn duration_words(secs: i64) -> String {
    match secs {
        s if s < 3600 => format!("{} min", (s / 60).max(1)),
        s if s < 48 * 3600 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::changes::LocalizedMessage;

    const T0: i64 = 1_764_000_000;

    fn change(seq: u64, secs: i64, event_type: &str) -> Change {
        Change {
            change_date: Some(Timestamp::from_second(T0 + secs).unwrap()),
            event_type: LocalizedMessage {
                key: format!("EventTypes.{event_type}"),
                localized_message: String::new(),
            },
            sequence: seq,
            editor_display_name: "Olga Berg".into(),
            ..Change::default()
        }
    }

    const INSTANCE: &str = "https://id.example.com";
    const NONE: AuditLines<'static> = AuditLines {
        records: &[],
        instance: INSTANCE,
    };

    fn utc() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::UTC
    }

    fn lines(h: &History) -> Vec<(String, Option<String>)> {
        h.entries
            .iter()
            .map(|e| (e.what.clone(), e.note.clone()))
            .collect()
    }

    #[test]
    fn a_code_added_without_a_sent_event_says_no_mail_went_out() {
        let h = build(&[change(1, 0, "user.human.email.code.added")], NONE, "u", &utc());
        let note = h.entries[0].note.as_deref().unwrap();
        assert!(note.starts_with("no mail sent for it yet"), "{note}");
    }

    #[test]
    fn a_newer_code_voids_the_older_and_says_when() {
        // 2025-11-24 16:00 UTC, then five minutes later a second code, mailed three minutes on.
        let h = build(
            &[
                change(3, 480, "user.human.email.code.sent"),
                change(2, 300, "user.human.email.code.added"),
                change(1, 0, "user.human.email.code.added"),
                change(4, 500, "user.human.password.check.succeeded"),
            ],
            NONE,
            "u",
            &utc(),
        );
        assert_eq!(
            lines(&h),
            [
                ("verification mail sent".to_string(), None),
                (
                    "email verification code issued".to_string(),
                    Some("mailed 3 min later".to_string())
                ),
                (
                    "email verification code issued".to_string(),
                    Some("never mailed; void since the newer code of 16:05".to_string())
                ),
            ]
        );
        assert_eq!(h.other_events, 1);
    }

    #[test]
    fn an_address_change_voids_the_code_sent_to_the_old_address() {
        let h = build(
            &[
                change(1, 0, "user.human.email.code.added"),
                change(2, 10, "user.human.email.code.sent"),
                change(3, 600, "user.human.email.changed"),
            ],
            NONE,
            "u",
            &utc(),
        );
        assert_eq!(
            h.entries[2].note.as_deref(),
            Some("mailed; void since the address changed at 16:10")
        );
    }

    #[test]
    fn a_used_code_needs_no_note_and_other_kinds_do_not_interfere() {
        let h = build(
            &[
                change(1, 0, "user.human.email.code.added"),
                change(2, 5, "user.human.password.code.added"),
                change(3, 6, "user.human.email.code.sent"),
                change(4, 7, "user.human.password.code.sent"),
                change(5, 60, "user.human.email.verified"),
            ],
            NONE,
            "u",
            &utc(),
        );
        let notes: Vec<_> = h.entries.iter().map(|e| e.note.clone()).collect();
        assert_eq!(notes, [None, None, None, None, None]);
    }

    #[test]
    fn audit_lines_of_this_user_sit_beside_zitadel_events() {
        let record = |user: &str, secs: i64, outcome: &str| AuditRecord {
            time: Timestamp::from_second(T0 + secs).unwrap(),
            instance: INSTANCE.into(),
            profile: None,
            operator: Some("agent\u{1b}[31m".into()),
            user_id: user.into(),
            action: "resend".into(),
            mode: "return".into(),
            url_template: None,
            email: None,
            outcome: outcome.into(),
            error: None,
            sequence: None,
        };
        let h = build(
            &[change(1, 0, "user.human.email.code.added")],
            AuditLines {
                records: &[
                    record("u", 0, "ok"),
                    record("other", 1, "ok"),
                    record("u", 30, "unknown"),
                    AuditRecord {
                        instance: "https://other.example.com".into(),
                        ..record("u", 40, "ok")
                    },
                ],
                instance: INSTANCE,
            },
            "u",
            &utc(),
        );
        let whats: Vec<_> = h.entries.iter().map(|e| e.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "zitadesk: resend, code returned to the agent — outcome unknown",
                "email verification code issued",
                "zitadesk: resend, code returned to the agent",
            ]
        );
        assert!(!h.entries[0].who.contains('\u{1b}'), "{:?}", h.entries[0].who);
    }

    #[test]
    fn editor_names_from_the_server_are_sanitised() {
        let mut c = change(1, 0, "user.locked");
        c.editor_display_name = "Eve\u{202e}\u{1b}]0;pwned\u{7}".into();
        let h = build(&[c], NONE, "u", &utc());
        assert!(
            h.entries[0]
                .who
                .chars()
                .all(|ch| !ch.is_control() && ch != '\u{202e}')
        );
    }
}
