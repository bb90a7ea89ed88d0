//! The link template last sent, per kind of mail, with this profile on this instance: the
//! action dialog opens with it (see `ActionDialog::with_remembered`).
//!
//! Derived from the audit trail rather than kept in a state file of its own: every confirmed
//! action already leaves a line there with the instance, the profile, the template exactly as
//! sent and whether ZITADEL took it, written by the one path both the CLI and the console take
//! (`action::apply`) — a second file would be a second record of the same fact that could
//! disagree with the first. The trail is read off the UI thread with the `:audit` view's own
//! effect (`Effect::ReadAuditTrail`, bounded by `AuditLog::read_last`); a send in this session
//! is remembered at once, without waiting for a read. An unreadable trail only means nothing
//! is remembered: the field opens empty, as before.

use std::collections::HashMap;

use super::App;
use crate::api::template::check_url_template;
use crate::api::{Action, ActionKind};
use crate::audit::AuditRecord;
use crate::text::sanitize;
use crate::tui::action_dialog::Phase;
use crate::tui::audit_view::AuditTail;
use crate::tui::msg::Effect;

/// The link a mail carries. A template made for one does not fit another (a verification
/// page is not a password page), so each is remembered on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Link {
    /// An email code, sent again or fresh, or for a new address.
    VerifyEmail,
    Invite,
    PasswordReset,
}

impl Link {
    fn of_kind(kind: ActionKind) -> Option<Link> {
        match kind {
            ActionKind::EmailCode | ActionKind::SetEmail => Some(Link::VerifyEmail),
            ActionKind::Invite => Some(Link::Invite),
            ActionKind::PasswordReset => Some(Link::PasswordReset),
            ActionKind::PhoneCode | ActionKind::Unlock | ActionKind::Reactivate => None,
        }
    }

    /// The audit trail's `action` word (see `Action::word`).
    fn of_word(word: &str) -> Option<Link> {
        match word {
            "resend" | "send" | "set-email" => Some(Link::VerifyEmail),
            "invite" => Some(Link::Invite),
            "password-reset" => Some(Link::PasswordReset),
            _ => None,
        }
    }
}

/// The last template sent per kind of mail (`""`: ZITADEL's default link).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remembered {
    by_link: HashMap<Link, String>,
}

impl Remembered {
    /// The template to offer first for `kind`, if one was sent.
    pub fn for_kind(&self, kind: ActionKind) -> Option<&str> {
        Link::of_kind(kind)
            .and_then(|l| self.by_link.get(&l))
            .map(String::as_str)
    }

    /// The trail's newest lines: the last mail ZITADEL took on `tail.instance` with
    /// `profile`, per kind. A kind already sent in this session keeps that (it is newer).
    pub fn learn(&mut self, tail: &AuditTail, profile: Option<&str>) {
        let mut last = HashMap::new();
        for r in tail.records.iter().filter(|r| fits(r, &tail.instance, profile)) {
            if let Some(link) = Link::of_word(&r.action) {
                last.insert(link, r.url_template.clone().unwrap_or_default());
            }
        }
        for (link, template) in last {
            self.by_link.entry(link).or_insert(template);
        }
    }

    /// ZITADEL took `action`: its template is the one to offer next time.
    pub fn sent(&mut self, action: &Action) {
        if action.mode_word() != "send" {
            return;
        }
        if let Some(link) = Link::of_kind(action.kind()) {
            let template = action.url_template().map(|t| t.as_str().to_owned());
            self.by_link.insert(link, template.unwrap_or_default());
        }
    }
}

/// A mail ZITADEL took, on this instance with this profile, whose template (if any) still
/// passes the check (a line edited by hand is not offered).
fn fits(r: &AuditRecord, instance: &str, profile: Option<&str>) -> bool {
    let template_ok = r
        .url_template
        .as_deref()
        .is_none_or(|t| check_url_template(t).is_ok());
    r.outcome == "ok"
        && r.mode == "send"
        && r.instance == instance
        // The connection's profile name is shown sanitised; so is the trail's compared.
        && r.profile.as_deref().map(sanitize).as_deref() == profile
        && template_ok
}

impl App {
    /// Reads the audit trail in the background for the templates last sent (asked once per
    /// connection, beside the organisation names).
    pub fn recall_templates(&mut self) -> Effect {
        Effect::ReadAuditTrail {
            id: self.next_request(),
        }
    }

    /// Any read of the trail (this one's or `:audit`'s) tells what was sent last.
    pub(super) fn learn_templates(&mut self, result: &Result<AuditTail, String>) {
        if let Ok(tail) = result {
            self.remembered.learn(tail, self.connection.profile.as_deref());
        }
    }

    /// After an answer: a mail ZITADEL took is remembered at once.
    pub(super) fn remember_sent(&mut self) {
        if let Some(Phase::Done { action, .. }) = self.dialog.as_ref().map(|d| &d.phase) {
            self.remembered.sent(action);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::CodeMode;
    use crate::api::action::CodeCall;

    const HERE: &str = "https://id.example.com";
    const T1: &str = "https://verify.example.com/email?user={{.UserID}}&code={{.Code}}";
    const T2: &str = "https://id.example.com/v?u={{.UserID}}&c={{.Code}}";

    fn line(action: &str, template: Option<&str>, profile: Option<&str>) -> AuditRecord {
        AuditRecord {
            time: jiff::Timestamp::from_second(1_700_000_000).unwrap_or_default(),
            instance: HERE.into(),
            profile: profile.map(str::to_owned),
            operator: None,
            user_id: "300000000000000301".into(),
            action: action.into(),
            mode: "send".into(),
            url_template: template.map(str::to_owned),
            email: None,
            outcome: "ok".into(),
            error: None,
            sequence: Some(3),
        }
    }

    fn tail(records: Vec<AuditRecord>) -> AuditTail {
        AuditTail {
            records,
            problems: Vec::new(),
            instance: HERE.into(),
        }
    }

    #[test]
    fn the_newest_mail_taken_with_this_profile_on_this_instance_wins() {
        let mut other_instance = line("resend", Some(T2), Some("prod"));
        other_instance.instance = "https://other.example.com".into();
        let mut refused = line("resend", Some(T2), Some("prod"));
        refused.outcome = "error".into();
        let mut returned = line("resend", None, Some("prod"));
        returned.mode = "return".into();
        let records = vec![
            line("resend", Some(T1), Some("prod")),
            line("send", Some(T2), Some("staging")),
            other_instance,
            refused,
            returned,
            line("invite", None, Some("prod")),
            line("password-reset", Some(T2), Some("prod")),
            line("resend-phone", None, Some("prod")),
        ];
        let mut r = Remembered::default();
        r.learn(&tail(records.clone()), Some("prod"));
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(T1));
        assert_eq!(
            r.for_kind(ActionKind::SetEmail),
            Some(T1),
            "the same verification link"
        );
        assert_eq!(r.for_kind(ActionKind::Invite), Some(""), "ZITADEL's default link");
        assert_eq!(r.for_kind(ActionKind::PasswordReset), Some(T2));
        assert_eq!(r.for_kind(ActionKind::PhoneCode), None);

        let mut r = Remembered::default();
        r.learn(&tail(records.clone()), Some("staging"));
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(T2));
        assert_eq!(r.for_kind(ActionKind::Invite), None);

        let mut r = Remembered::default();
        r.learn(&tail(records), None);
        assert_eq!(
            r.for_kind(ActionKind::EmailCode),
            None,
            "no profile: only lines without one"
        );
    }

    #[test]
    fn a_template_that_no_longer_passes_the_check_is_not_offered() {
        let mut r = Remembered::default();
        r.learn(
            &tail(vec![
                line("resend", Some(T1), None),
                line("resend", Some("javascript:alert(1)"), None),
            ]),
            None,
        );
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(T1));
    }

    #[test]
    fn a_send_in_this_session_is_newer_than_any_read_of_the_trail() {
        let mut r = Remembered::default();
        r.sent(&Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Send {
                url_template: check_url_template(T2).ok(),
            },
        });
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(T2));
        r.learn(&tail(vec![line("resend", Some(T1), None)]), None);
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(T2));
        // A returned code mailed nothing: no link to remember.
        r.sent(&Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Return,
        });
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(T2));
        r.sent(&Action::EmailCode {
            call: CodeCall::Send,
            mode: CodeMode::Send { url_template: None },
        });
        assert_eq!(r.for_kind(ActionKind::EmailCode), Some(""));
    }
}
