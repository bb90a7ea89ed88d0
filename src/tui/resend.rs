//! The resend dialog's state: who it is for, how the code travels (ZITADEL mails it, or
//! returns it to the agent), the link template with live validation and preview, and the
//! phases from editing to the answer. Pure: the App turns its requests into effects.
//!
//! One confirmed action sends exactly one request: while one is in flight the dialog takes no
//! Enter, and nothing is ever retried on its own.

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keys::{Action, Mode};
use super::messages::error_line;
use crate::api::template::{MAX_TEMPLATE_LEN, UrlTemplate, UrlTemplateError, check_url_template};
use crate::api::wire::User;
use crate::api::{ApiError, CodeMode, EmailCodeResult};
use crate::resend::CodeCall;
use crate::text::sanitize;
use crate::userinfo::{self, EmailStatus};

/// What the dialog says when a call failed. When the request may have reached ZITADEL (no
/// answer in time, a 5xx, an answer it could not read), a code may have been issued anyway:
/// the agent must know that another Enter issues a new code and voids that one.
pub fn dialog_error_line(e: &ApiError) -> String {
    match e {
        ApiError::Timeout { .. }
        | ApiError::Interrupted { .. }
        | ApiError::TooLarge { .. }
        | ApiError::Unavailable(_)
        | ApiError::Server(_)
        | ApiError::Decode { .. } => {
            format!(
                "{e} — ZITADEL may have issued a code anyway; Enter issues another (the earlier one stops working)"
            )
        }
        ApiError::NotFound(_) => "ZITADEL found no email for this user (deleted, or no address)".into(),
        other => error_line(other),
    }
}

/// Sample code in the link preview (ZITADEL's codes are 6 upper-case letters and digits).
pub const PREVIEW_CODE: &str = "ABC123";

/// The user the dialog acts on. Display strings are sanitised once, here.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub user_id: String,
    pub org_id: String,
    pub display_name: String,
    pub login_name: String,
    pub email: String,
    pub email_status: EmailStatus,
}

impl Target {
    pub fn from_user(u: &User) -> Target {
        Target {
            user_id: u.user_id.clone(),
            org_id: u
                .details
                .as_ref()
                .map(|d| d.resource_owner.clone())
                .unwrap_or_default(),
            display_name: sanitize(&userinfo::display_name(u)).into_owned(),
            login_name: sanitize(&u.preferred_login_name).into_owned(),
            email: sanitize(userinfo::email(u).unwrap_or("")).into_owned(),
            email_status: userinfo::email_status(u),
        }
    }
}

/// How the new code reaches the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// ZITADEL mails it (link from the template, or ZITADEL's default).
    Mail,
    /// ZITADEL returns it and mails nothing; the agent reads it out.
    Return,
}

/// The template field's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateCheck {
    /// Empty: ZITADEL's default link.
    Default,
    /// Valid, with the link as the user would get it (their ID and org, a sample code).
    Valid {
        preview: String,
    },
    Invalid(UrlTemplateError),
}

#[derive(Debug)]
pub enum Phase {
    /// Choosing; `error` is ZITADEL's last refusal, shown so the agent can fix and retry.
    Editing { error: Option<String> },
    /// After a failed fresh send: Enter sends again (not a resend, which would be refused).
    RetrySend { error: String },
    /// Waiting for ZITADEL.
    InFlight { id: u64, call: CodeCall },
    /// Done. The code (return mode) stays masked until revealed; dropped (zeroised) on close.
    Done {
        call: CodeCall,
        /// Boxed: the answer is large beside the other phases.
        result: Box<EmailCodeResult>,
        revealed: bool,
        copied: bool,
    },
    /// ZITADEL had no pending code (usually the address is already verified).
    NoPending,
    /// The agent asked for a fresh code instead: confirm.
    ConfirmSend,
    /// The user has not finished setting up their account.
    NotInitialised,
    /// Read-only mode: nothing can be sent.
    ReadOnly,
    /// A machine user, or a human without an address: there is nothing to verify.
    NoAddress,
}

#[derive(Debug)]
pub struct ResendDialog {
    pub target: Target,
    pub delivery: Delivery,
    pub template: Input,
    pub templates: Vec<String>,
    picked: Option<usize>,
    pub check: TemplateCheck,
    /// The template behind a valid `check`, sent as it is.
    checked: Option<UrlTemplate>,
    pub phase: Phase,
    /// Why the audit line could not be written (the result stands).
    pub audit_error: Option<String>,
}

/// What the dialog asks of the App.
#[derive(Debug, PartialEq)]
pub enum Request {
    Nothing,
    /// Redraw only.
    Changed,
    Close,
    /// Send one request now (the App tags it and calls [`ResendDialog::sent`]).
    Issue {
        call: CodeCall,
        mode: CodeMode,
    },
    /// Put the returned code on the clipboard.
    Copy,
}

impl ResendDialog {
    pub fn new(target: Target, templates: Vec<String>, read_only: bool) -> ResendDialog {
        let no_address = matches!(target.email_status, EmailStatus::Machine | EmailStatus::NoEmail);
        let mut d = ResendDialog {
            target,
            delivery: Delivery::Mail,
            template: Input::default(),
            templates,
            picked: None,
            check: TemplateCheck::Default,
            checked: None,
            phase: if read_only {
                Phase::ReadOnly
            } else if no_address {
                Phase::NoAddress
            } else {
                Phase::Editing { error: None }
            },
            audit_error: None,
        };
        d.recheck();
        d
    }

    /// Which keymap applies.
    pub fn mode(&self) -> Mode {
        match self.phase {
            Phase::Editing { .. } => Mode::ResendEdit,
            Phase::InFlight { .. } => Mode::ResendBusy,
            Phase::Done { ref result, .. } if result.code.is_some() => Mode::ResendResult,
            Phase::Done { .. } => Mode::ResendInfo,
            Phase::NoPending => Mode::ResendNoPending,
            Phase::ConfirmSend => Mode::ResendConfirmSend,
            Phase::RetrySend { .. } => Mode::ResendConfirmSend,
            Phase::NotInitialised | Phase::ReadOnly | Phase::NoAddress => Mode::ResendInfo,
        }
    }

    /// "37/200" for the field.
    pub fn length(&self) -> String {
        format!("{}/{MAX_TEMPLATE_LEN}", self.template.value().chars().count())
    }

    pub fn on_action(&mut self, action: Action) -> Request {
        match (&mut self.phase, action) {
            (Phase::Editing { .. }, Action::SwitchDelivery) => {
                self.delivery = match self.delivery {
                    Delivery::Mail => Delivery::Return,
                    Delivery::Return => Delivery::Mail,
                };
                Request::Changed
            }
            (Phase::Editing { .. }, Action::PrevTemplate) => self.pick(-1),
            (Phase::Editing { .. }, Action::NextTemplate) => self.pick(1),
            (Phase::Editing { .. }, Action::Confirm) => match self.mode_to_send() {
                Some(mode) => Request::Issue {
                    call: CodeCall::Resend,
                    mode,
                },
                None => Request::Nothing,
            },
            (Phase::ConfirmSend | Phase::RetrySend { .. }, Action::Confirm) => match self.mode_to_send() {
                Some(mode) => Request::Issue {
                    call: CodeCall::Send,
                    mode,
                },
                None => Request::Nothing,
            },
            (Phase::NoPending, Action::SendFresh) => {
                self.phase = Phase::ConfirmSend;
                Request::Changed
            }
            (Phase::Done { revealed, result, .. }, Action::Reveal) if result.code.is_some() => {
                *revealed = !*revealed;
                Request::Changed
            }
            (Phase::Done { result, .. }, Action::Copy) if result.code.is_some() => Request::Copy,
            (Phase::InFlight { .. }, _) => Request::Nothing,
            (_, Action::Cancel) => Request::Close,
            _ => Request::Nothing,
        }
    }

    /// A key the keymap does not bind: text for the template field (mail mode only).
    pub fn on_text_key(&mut self, ev: KeyEvent) -> Request {
        if !matches!(self.phase, Phase::Editing { .. }) || self.delivery != Delivery::Mail {
            return Request::Nothing;
        }
        match self.template.handle_event(&Event::Key(ev)) {
            Some(c) if c.value => {
                self.picked = None;
                self.recheck();
                Request::Changed
            }
            Some(c) if c.cursor => Request::Changed,
            _ => Request::Nothing,
        }
    }

    /// Pasted text for the template field (mail mode, while editing).
    pub fn on_paste(&mut self, text: &str) -> Request {
        if !matches!(self.phase, Phase::Editing { .. }) || self.delivery != Delivery::Mail {
            return Request::Nothing;
        }
        for c in text.chars() {
            self.template.handle(tui_input::InputRequest::InsertChar(c));
        }
        self.picked = None;
        self.recheck();
        Request::Changed
    }

    /// The request was sent with this id: ignore Enter until it answers.
    pub fn sent(&mut self, id: u64, call: CodeCall) {
        self.phase = Phase::InFlight { id, call };
        self.audit_error = None;
    }

    /// ZITADEL answered request `id`. Returns false for an answer the dialog no longer waits
    /// for.
    pub fn answered(
        &mut self,
        id: u64,
        result: Result<EmailCodeResult, ApiError>,
        audit_error: Option<String>,
    ) -> bool {
        let Phase::InFlight { id: waiting, call } = self.phase else {
            return false;
        };
        if waiting != id {
            return false;
        }
        self.audit_error = audit_error;
        self.phase = match result {
            Ok(result) => Phase::Done {
                call,
                result: Box::new(result),
                revealed: false,
                copied: false,
            },
            Err(ApiError::NoPendingCode(_)) if call == CodeCall::Resend => Phase::NoPending,
            Err(ApiError::UserNotInitialised(_)) => Phase::NotInitialised,
            Err(e) if call == CodeCall::Send => Phase::RetrySend {
                error: dialog_error_line(&e),
            },
            Err(e) => Phase::Editing {
                error: Some(dialog_error_line(&e)),
            },
        };
        true
    }

    /// The copy was written to the terminal.
    pub fn copied(&mut self) {
        if let Phase::Done { copied, .. } = &mut self.phase {
            *copied = true;
        }
    }

    /// The returned code, if any (for the clipboard).
    pub fn code(&self) -> Option<&crate::api::wire::VerificationCode> {
        match &self.phase {
            Phase::Done { result, .. } => result.code.as_ref(),
            _ => None,
        }
    }

    /// The refusal or failure shown in the dialog, or `None`.
    pub fn error(&self) -> Option<&str> {
        match &self.phase {
            Phase::Editing { error } => error.as_deref(),
            Phase::RetrySend { error } => Some(error),
            _ => None,
        }
    }

    fn mode_to_send(&self) -> Option<CodeMode> {
        match self.delivery {
            Delivery::Return => Some(CodeMode::Return),
            Delivery::Mail => match &self.check {
                TemplateCheck::Default => Some(CodeMode::Send { url_template: None }),
                TemplateCheck::Valid { .. } => self.checked.clone().map(|t| CodeMode::Send {
                    url_template: Some(t),
                }),
                TemplateCheck::Invalid(_) => None,
            },
        }
    }

    fn pick(&mut self, step: isize) -> Request {
        if self.templates.is_empty() || self.delivery != Delivery::Mail {
            return Request::Nothing;
        }
        let n = self.templates.len() as isize;
        let next = match self.picked {
            None if step > 0 => 0,
            None => n - 1,
            Some(i) => (i as isize + step).rem_euclid(n),
        };
        let next = next as usize;
        self.picked = Some(next);
        let text = self.templates.get(next).cloned().unwrap_or_default();
        self.template = Input::new(text);
        self.recheck();
        Request::Changed
    }

    fn recheck(&mut self) {
        let t = self.template.value();
        self.checked = None;
        self.check = if t.is_empty() {
            TemplateCheck::Default
        } else {
            match check_url_template(t) {
                Err(e) => TemplateCheck::Invalid(e),
                Ok(template) => {
                    let preview = template.render(&self.target.user_id, PREVIEW_CODE, &self.target.org_id);
                    self.checked = Some(template);
                    TemplateCheck::Valid {
                        preview: sanitize(&preview).into_owned(),
                    }
                }
            }
        };
    }
}

#[cfg(test)]
mod tests;
