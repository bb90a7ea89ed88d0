//! The resend dialog's state: who it is for, how the code travels (ZITADEL mails it, or
//! returns it to the agent), the link template with live validation and preview, and the
//! phases from editing to the answer. Pure: the App turns its requests into effects.
//!
//! One confirmed action sends exactly one request: while one is in flight the dialog takes no
//! Enter, and nothing is ever retried on its own.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::clipboard::copyable;
use super::keys::{Binding, Key, Keymap};
use super::messages::mutation_error_line;
use super::text_field::{self, Pasted};
use crate::action::CodeCall;
use crate::api::template::{MAX_TEMPLATE_LEN, UrlTemplate, UrlTemplateError, check_url_template};
use crate::api::wire::User;
use crate::api::{ActionResult, ApiError, CodeMode};
use crate::text::sanitize;
use crate::userinfo::{self, EmailStatus};

/// The most the template field holds: past [`MAX_TEMPLATE_LEN`] the check already says "too
/// long"; this only keeps a huge paste from growing the field without bound.
pub const TEMPLATE_FIELD_CAP: usize = 1024;

/// Sample code in the link preview (ZITADEL's codes are 6 upper-case letters and digits).
pub const PREVIEW_CODE: &str = "ABC123";

/// What the dialog's keys ask for. Which keys work depends on the phase: each phase has its
/// keymap below, and [`ResendDialog::keymap`] picks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogAction {
    SwitchDelivery,
    PrevTemplate,
    NextTemplate,
    Confirm,
    Cancel,
    Reveal,
    Copy,
    SendFresh,
    /// Leave the console (while a request is in flight the App asks for a second press).
    Quit,
}

use DialogAction as A;

#[rustfmt::skip]
static SEND_OR_CANCEL: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: A::Confirm, help: "confirm and send", hint: Some("send") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "cancel, send nothing", hint: Some("cancel") },
];
#[rustfmt::skip]
static CHOOSING: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)], label: "Tab", action: A::SwitchDelivery, help: "mail the code / return it to me", hint: Some("mode") },
    Binding { keys: &[Key::Code(KeyCode::Up)], label: "↑", action: A::PrevTemplate, help: "previous saved link template", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Down)], label: "↓", action: A::NextTemplate, help: "next saved link template", hint: None },
];
// Only Esc closes: an Enter typed ahead must not wipe a code nobody has read yet.
#[rustfmt::skip]
static CODE_SHOWN: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('v')], label: "v", action: A::Reveal, help: "show / hide the code", hint: Some("show/hide") },
    Binding { keys: &[Key::Char('y')], label: "y", action: A::Copy, help: "copy the code (OSC 52)", hint: Some("copy") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "close (forgets the code)", hint: Some("close (forgets the code)") },
];
#[rustfmt::skip]
static FRESH: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('s')], label: "s", action: A::SendFresh, help: "send a fresh code instead", hint: Some("send a fresh code instead") },
];
#[rustfmt::skip]
static CLOSE: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Enter)], label: "Esc", action: A::Cancel, help: "close", hint: Some("close") },
];

/// Choosing how to send; unbound keys are text for the template (mail mode).
pub static EDITING: Keymap<DialogAction> = Keymap {
    name: "resend",
    groups: &[SEND_OR_CANCEL, CHOOSING],
};
#[rustfmt::skip]
static WAITING: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('q')], label: "q", action: A::Quit, help: "quit (asks again: a returned code would be lost)", hint: None },
];

/// While ZITADEL answers: Enter and Esc do nothing, so one confirmed action stays one request.
pub static SENDING: Keymap<DialogAction> = Keymap {
    name: "resend (sending)",
    groups: &[WAITING],
};
pub static SHOWING_CODE: Keymap<DialogAction> = Keymap {
    name: "resend (code shown)",
    groups: &[CODE_SHOWN],
};
pub static NOTHING_PENDING: Keymap<DialogAction> = Keymap {
    name: "resend (nothing pending)",
    groups: &[FRESH, CLOSE],
};
pub static CONFIRMING: Keymap<DialogAction> = Keymap {
    name: "resend (confirm a fresh code)",
    groups: &[SEND_OR_CANCEL],
};
/// A message the dialog only shows (mailed, read-only, user not initialised).
pub static MESSAGE: Keymap<DialogAction> = Keymap {
    name: "resend (message)",
    groups: &[CLOSE],
};

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
    /// Valid: the checked template (what is sent, trimmed; its warnings go under the field),
    /// and the link as the user would get it (their ID and org, a sample code), `None` when
    /// it cannot be worked out here.
    Valid {
        template: UrlTemplate,
        preview: Option<String>,
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
        result: Box<ActionResult>,
        revealed: bool,
        copy: CopyState,
    },
    /// ZITADEL had no pending code (the address is verified, or none was issued, used or
    /// replaced).
    NoPending,
    /// The agent asked for a fresh code instead: confirm.
    ConfirmSend,
    /// The user has not finished setting up their account.
    NotInitialised,
    /// Read-only mode: nothing can be sent.
    ReadOnly,
    /// A machine user, or a human without an address: there is nothing to verify.
    NoAddress,
    /// This ZITADEL cannot do what was asked (no send call, v3alpha without schema users):
    /// trying again cannot help, so only closing is offered.
    Unsupported { error: String },
}

/// What became of `y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyState {
    NotYet,
    Copied,
    /// The answer does not look like a code: nothing was copied.
    Refused,
}

#[derive(Debug)]
pub struct ResendDialog {
    pub target: Target,
    pub delivery: Delivery,
    pub template: Input,
    pub templates: Vec<String>,
    picked: Option<usize>,
    pub check: TemplateCheck,
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
    /// Leave the console.
    Quit,
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

    /// The keys of the phase the dialog is in.
    pub fn keymap(&self) -> &'static Keymap<DialogAction> {
        match self.phase {
            Phase::Editing { .. } => &EDITING,
            Phase::InFlight { .. } => &SENDING,
            Phase::Done { ref result, .. } if result.code.is_some() => &SHOWING_CODE,
            Phase::Done { .. } => &MESSAGE,
            Phase::NoPending => &NOTHING_PENDING,
            Phase::ConfirmSend | Phase::RetrySend { .. } => &CONFIRMING,
            Phase::NotInitialised | Phase::ReadOnly | Phase::NoAddress | Phase::Unsupported { .. } => {
                &MESSAGE
            }
        }
    }

    /// A request is on its way to ZITADEL.
    pub fn in_flight(&self) -> bool {
        matches!(self.phase, Phase::InFlight { .. })
    }

    /// A key: the phase's binding, or else text for the template field.
    pub fn on_key(&mut self, ev: KeyEvent) -> Request {
        match self.keymap().action(&ev) {
            Some(action) => self.on_action(action),
            None => self.on_text_key(ev),
        }
    }

    /// "37/200" for the field.
    pub fn length(&self) -> String {
        // Counted as sent: trimmed.
        format!(
            "{}/{MAX_TEMPLATE_LEN}",
            self.template.value().trim().chars().count()
        )
    }

    pub fn on_action(&mut self, action: DialogAction) -> Request {
        match (&mut self.phase, action) {
            (Phase::Editing { .. }, A::SwitchDelivery) => {
                self.delivery = match self.delivery {
                    Delivery::Mail => Delivery::Return,
                    Delivery::Return => Delivery::Mail,
                };
                Request::Changed
            }
            (Phase::Editing { .. }, A::PrevTemplate) => self.pick(-1),
            (Phase::Editing { .. }, A::NextTemplate) => self.pick(1),
            (Phase::Editing { .. }, A::Confirm) => match self.mode_to_send() {
                Some(mode) => Request::Issue {
                    call: CodeCall::Resend,
                    mode,
                },
                None => Request::Nothing,
            },
            (Phase::ConfirmSend | Phase::RetrySend { .. }, A::Confirm) => match self.mode_to_send() {
                Some(mode) => Request::Issue {
                    call: CodeCall::Send,
                    mode,
                },
                None => Request::Nothing,
            },
            (Phase::NoPending, A::SendFresh) => {
                self.phase = Phase::ConfirmSend;
                Request::Changed
            }
            (Phase::Done { revealed, result, .. }, A::Reveal) if result.code.is_some() => {
                *revealed = !*revealed;
                Request::Changed
            }
            (Phase::Done { result, copy, .. }, A::Copy) => match &result.code {
                Some(code) if copyable(code.expose()) => Request::Copy,
                Some(_) => {
                    *copy = CopyState::Refused;
                    Request::Changed
                }
                None => Request::Nothing,
            },
            (_, A::Quit) => Request::Quit,
            (Phase::InFlight { .. }, _) => Request::Nothing,
            (_, A::Cancel) => Request::Close,
            _ => Request::Nothing,
        }
    }

    /// A key the keymap does not bind: text for the template field (mail mode only).
    pub fn on_text_key(&mut self, ev: KeyEvent) -> Request {
        if !self.takes_text() || text_field::overflows(&self.template, &ev, TEMPLATE_FIELD_CAP) {
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

    /// Pasted text for the template field (mail mode, while editing), inserted in one step up
    /// to [`TEMPLATE_FIELD_CAP`].
    pub fn on_paste(&mut self, text: &str) -> (Request, Pasted) {
        if !self.takes_text() {
            return (Request::Nothing, Pasted::Nothing);
        }
        let pasted = text_field::paste(&mut self.template, text, TEMPLATE_FIELD_CAP);
        if pasted == Pasted::Nothing {
            return (Request::Nothing, pasted);
        }
        self.picked = None;
        self.recheck();
        (Request::Changed, pasted)
    }

    /// The template field has the keyboard (editing, mail mode).
    fn takes_text(&self) -> bool {
        matches!(self.phase, Phase::Editing { .. }) && self.delivery == Delivery::Mail
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
        result: Result<ActionResult, ApiError>,
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
                copy: CopyState::NotYet,
            },
            Err(ApiError::NoPendingCode(_)) if call == CodeCall::Resend => Phase::NoPending,
            Err(ApiError::UserNotInitialised(_)) => Phase::NotInitialised,
            Err(e @ ApiError::Unsupported { .. }) => Phase::Unsupported {
                error: mutation_error_line(&e),
            },
            Err(e) if call == CodeCall::Send => Phase::RetrySend {
                error: mutation_error_line(&e),
            },
            Err(e) => Phase::Editing {
                error: Some(mutation_error_line(&e)),
            },
        };
        true
    }

    /// The copy was written to the terminal.
    pub fn copied(&mut self) {
        if let Phase::Done { copy, .. } = &mut self.phase {
            *copy = CopyState::Copied;
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
            Phase::RetrySend { error } | Phase::Unsupported { error } => Some(error),
            _ => None,
        }
    }

    fn mode_to_send(&self) -> Option<CodeMode> {
        match self.delivery {
            Delivery::Return => Some(CodeMode::Return),
            Delivery::Mail => match &self.check {
                TemplateCheck::Default => Some(CodeMode::Send { url_template: None }),
                TemplateCheck::Valid { template, .. } => Some(CodeMode::Send {
                    url_template: Some(template.clone()),
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
        self.check = if t.is_empty() {
            TemplateCheck::Default
        } else {
            match check_url_template(t) {
                Err(e) => TemplateCheck::Invalid(e),
                Ok(template) => {
                    let preview = template.render(&self.target.user_id, PREVIEW_CODE, &self.target.org_id);
                    TemplateCheck::Valid {
                        preview: preview.map(|p| sanitize(&p).into_owned()),
                        template,
                    }
                }
            }
        };
    }
}

#[cfg(test)]
mod tests;
