//! Which audit records to show: by user, by time and by action. One type for `zitadesk audit`
//! and, later, the console's audit view; the parsing of `--since` lives here so both accept
//! the same words.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::audit::AuditRecord;

/// Every `action` the audit trail records (see `api::Action::word`).
pub const ACTIONS: [&str; 8] = [
    "resend",
    "send",
    "invite",
    "set-email",
    "resend-phone",
    "password-reset",
    "unlock",
    "reactivate",
];

/// A record passes when it meets every condition given; the default passes all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// The user ID, exactly.
    pub user: Option<String>,
    /// At or after this moment.
    pub since: Option<Timestamp>,
    /// One of [`ACTIONS`].
    pub action: Option<String>,
}

impl AuditFilter {
    pub fn is_empty(&self) -> bool {
        *self == AuditFilter::default()
    }

    pub fn matches(&self, r: &AuditRecord) -> bool {
        self.user.as_ref().is_none_or(|u| *u == r.user_id)
            && self.since.is_none_or(|t| r.time >= t)
            && self.action.as_ref().is_none_or(|a| *a == r.action)
    }
}

/// `--since`: an RFC 3339 time (`2025-03-01T09:00:00Z`), a date or a date and time in `tz`
/// (`2025-03-01`, `2025-03-01T09:00`), or an age before `now`: a whole number and `m`, `h`,
/// `d` or `w` (`90m`, `2h`, `7d`; a day is 24 hours).
pub fn parse_since(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Some(age) = parse_age(text) {
        return now
            .checked_sub(age)
            .map_err(|_| format!("{text:?} reaches too far back"));
    }
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(local) = text.parse::<jiff::civil::DateTime>() {
        return tz.to_timestamp(local).map_err(|e| format!("{text:?}: {e}"));
    }
    Err(format!(
        "{text:?} is not a time: use a date (2025-03-01), an RFC 3339 time (2025-03-01T09:00:00Z) or an age (90m, 2h, 7d, 2w)"
    ))
}

/// `7d` → 7 × 24 h; `None` unless digits followed by one known unit.
fn parse_age(text: &str) -> Option<SignedDuration> {
    let unit = text.chars().last()?;
    let number: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let seconds = match unit {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    (number >= 0).then(|| number.checked_mul(seconds).map(SignedDuration::from_secs))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2025-03-10T12:00:00Z".parse().unwrap()
    }

    fn since(text: &str) -> Result<Timestamp, String> {
        parse_since(text, now(), &TimeZone::fixed(jiff::tz::offset(2)))
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn ages_count_back_from_now() {
        assert_eq!(since("90m"), Ok(at("2025-03-10T10:30:00Z")));
        assert_eq!(since("2h"), Ok(at("2025-03-10T10:00:00Z")));
        assert_eq!(since("7d"), Ok(at("2025-03-03T12:00:00Z")));
        assert_eq!(since(" 2w "), Ok(at("2025-02-24T12:00:00Z")));
        assert_eq!(since("0d"), Ok(now()));
    }

    #[test]
    fn times_are_taken_as_written_and_dates_in_the_local_zone() {
        assert_eq!(since("2025-03-01T09:00:00Z"), Ok(at("2025-03-01T09:00:00Z")));
        assert_eq!(since("2025-03-01T09:00:00+01:00"), Ok(at("2025-03-01T08:00:00Z")));
        // Local midnight at UTC+2 is 22:00 UTC the day before.
        assert_eq!(since("2025-03-01"), Ok(at("2025-02-28T22:00:00Z")));
        assert_eq!(since("2025-03-01T09:30"), Ok(at("2025-03-01T07:30:00Z")));
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_that_work() {
        for bad in [
            "",
            "yesterday",
            "2h30m",
            "-2h",
            "7x",
            "d",
            "2025-13-01",
            "99999999999999999w",
        ] {
            let e = since(bad).expect_err(bad);
            assert!(e.contains("2025-03-01") || e.contains("too far"), "{bad}: {e}");
        }
    }

    fn record(user: &str, action: &str, time: &str) -> AuditRecord {
        AuditRecord {
            time: at(time),
            instance: "https://id.example.com".into(),
            profile: None,
            operator: None,
            user_id: user.into(),
            action: action.into(),
            mode: "send".into(),
            url_template: None,
            email: None,
            outcome: "ok".into(),
            error: None,
            sequence: None,
        }
    }

    #[test]
    fn every_condition_given_must_hold() {
        let r = record("7", "unlock", "2025-03-05T00:00:00Z");
        assert!(AuditFilter::default().matches(&r));
        assert!(AuditFilter::default().is_empty());
        let f = AuditFilter {
            user: Some("7".into()),
            since: Some(at("2025-03-05T00:00:00Z")),
            action: Some("unlock".into()),
        };
        assert!(f.matches(&r), "the boundary is included");
        for other in [
            record("8", "unlock", "2025-03-05T00:00:00Z"),
            record("7", "invite", "2025-03-05T00:00:00Z"),
            record("7", "unlock", "2025-03-04T23:59:59Z"),
        ] {
            assert!(!f.matches(&other), "{other:?}");
        }
    }

    /// The list offered to `--action` is every word the trail records.
    #[test]
    fn the_actions_are_the_audit_words() {
        use crate::api::{Action, CodeCall, CodeMode, PhoneMode, ResetMode};
        let words = [
            Action::EmailCode {
                call: CodeCall::Resend,
                mode: CodeMode::Return,
            }
            .word(),
            Action::EmailCode {
                call: CodeCall::Send,
                mode: CodeMode::Return,
            }
            .word(),
            Action::PhoneCode(PhoneMode::Return).word(),
            Action::PasswordReset(ResetMode::Sms).word(),
            Action::Unlock.word(),
            Action::Reactivate.word(),
        ];
        for w in words {
            assert!(ACTIONS.contains(&w), "{w}");
        }
    }
}
