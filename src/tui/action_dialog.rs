//! The action dialog's state — one machinery for every remedy (the email code resend, an
//! invite, a new address, a phone code, a password reset, an unlock, a reactivation): who it
//! is for, how a code travels (the deliveries each kind offers), the link template and the new
//! address with their live checks, and the phases from editing to the answer. Pure: the App
//! turns its requests into effects.
//!
//! One confirmed action sends exactly one request: while one is in flight the dialog takes no
//! Enter, and nothing is ever retried on its own.

mod keymaps;

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

pub use crate::api::email_address::{AddressError, check_address};

/// The most the new-address field holds: past `MAX_EMAIL_LEN` the check already says "too
/// long"; this only keeps a huge paste from growing the field without bound.
pub const ADDRESS_FIELD_CAP: usize = 320;
pub use self::keymaps::*;
use super::clipboard::copyable;
use super::keys::Keymap;
use super::messages::{action_error_line, refusal_line};
use super::text_field::{self, Pasted};
use crate::action::CodeCall;
use crate::api::action::MAX_EMAIL_LEN;
use crate::api::error::Refusal;
use crate::api::template::{MAX_TEMPLATE_LEN, UrlTemplate, UrlTemplateError, check_url_template};
use crate::api::wire::{User, UserState};
use crate::api::{
    Action, ActionKind, ActionResult, ApiError, CodeMode, EmailVerification, PhoneMode, ResetMode,
};
use crate::text::sanitize;
use crate::userinfo::{self, EmailStatus};

/// The most the template field holds: past [`MAX_TEMPLATE_LEN`] the check already says "too
/// long"; this only keeps a huge paste from growing the field without bound.
pub const TEMPLATE_FIELD_CAP: usize = 1024;

/// Sample code in the link preview (ZITADEL's codes are 6 upper-case letters and digits).
pub const PREVIEW_CODE: &str = "ABC123";

use DialogAction as A;

/// The user the dialog acts on. Display strings are sanitised once, here.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub user_id: String,
    pub org_id: String,
    pub display_name: String,
    pub login_name: String,
    pub email: String,
    pub email_status: EmailStatus,
    pub phone: String,
    pub state: UserState,
}

impl Target {
    pub fn from_user(u: &User) -> Target {
        let phone = u
            .human
            .as_ref()
            .and_then(|h| h.phone.as_ref())
            .map(|p| p.phone.as_str())
            .unwrap_or("");
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
            phone: sanitize(phone).into_owned(),
            state: u.state,
        }
    }
}

/// How the outcome reaches the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// ZITADEL mails it (link from the template, or ZITADEL's default).
    Mail,
    /// ZITADEL texts it (a phone code, or a reset link; no template).
    Text,
    /// ZITADEL returns the code and sends nothing; the agent reads it out.
    Return,
    /// The new address is marked verified without a code (set email only).
    Verified,
    /// No code travels: the call itself is the whole effect (unlock, reactivate).
    Direct,
}

/// The deliveries a kind offers, in the order Tab cycles them; the first is the default.
pub fn deliveries(kind: ActionKind) -> &'static [Delivery] {
    use Delivery as D;
    match kind {
        ActionKind::EmailCode | ActionKind::Invite => &[D::Mail, D::Return],
        ActionKind::SetEmail => &[D::Mail, D::Return, D::Verified],
        ActionKind::PhoneCode => &[D::Text, D::Return],
        ActionKind::PasswordReset => &[D::Mail, D::Text, D::Return],
        ActionKind::Unlock | ActionKind::Reactivate => &[D::Direct],
    }
}

/// Something the dialog says before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// `r` opened an invite: the user has not finished setting up.
    NeedsInvite,
    /// A code is useless until the user is unlocked.
    Locked,
    /// A code is useless until the user is reactivated.
    Inactive,
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
    /// Set email: typing the new address; `error` is ZITADEL's refusal of the last one.
    Address { error: Option<String> },
    /// Choosing; `error` is ZITADEL's last refusal, shown so the agent can fix and retry.
    Editing { error: Option<String> },
    /// Set email, verified: the second, explicit confirmation.
    ConfirmVerified,
    /// After a failed fresh send: Enter sends again (not a resend, which would be refused).
    RetrySend { error: String },
    /// Waiting for ZITADEL.
    InFlight { id: u64, action: Action },
    /// Done. A returned code stays masked until revealed; dropped (zeroised) on close.
    Done {
        action: Action,
        /// Boxed: the answer is large beside the other phases.
        result: Box<ActionResult>,
        revealed: bool,
        copy: CopyState,
        /// The code is shown spelled out for reading aloud.
        read_aloud: bool,
    },
    /// ZITADEL had no pending email code (the address is verified, or none was issued, used or
    /// replaced).
    NoPending,
    /// The agent asked for a fresh email code instead: confirm.
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
    /// ZITADEL named a cause trying again cannot change (already set up, not locked, …).
    Refused { error: String },
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
pub struct ActionDialog {
    pub kind: ActionKind,
    pub target: Target,
    pub delivery: Delivery,
    pub template: Input,
    /// The saved templates (from the settings).
    pub templates: Vec<String>,
    /// The template last sent with this profile on this instance for this kind of mail
    /// (`""`: ZITADEL's default link), offered first: the field opens with it.
    pub remembered: Option<String>,
    /// What `↑`/`↓` go through, fixed at the first press: the text as it was (typed or
    /// remembered), the remembered template, the saved ones, and an empty entry for
    /// ZITADEL's default link — each once. Editing the text starts a new cycle.
    cycle: Vec<String>,
    picked: Option<usize>,
    pub check: TemplateCheck,
    /// The new address (set email).
    pub address: Input,
    pub address_check: Result<String, AddressError>,
    pub note: Option<Note>,
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
    /// Send this one request now (the App tags it and calls [`ActionDialog::sent`]).
    Issue(Action),
    /// Put the returned code on the clipboard.
    Copy,
    /// Leave the console.
    Quit,
}

impl ActionDialog {
    pub fn new(kind: ActionKind, target: Target, templates: Vec<String>, read_only: bool) -> ActionDialog {
        let no_address = kind == ActionKind::EmailCode
            && matches!(target.email_status, EmailStatus::Machine | EmailStatus::NoEmail);
        let note = match target.state {
            _ if !code_for_the_user(kind) => None,
            UserState::Locked => Some(Note::Locked),
            UserState::Inactive => Some(Note::Inactive),
            _ => None,
        };
        let mut d = ActionDialog {
            kind,
            target,
            delivery: deliveries(kind).first().copied().unwrap_or(Delivery::Direct),
            template: Input::default(),
            templates,
            remembered: None,
            cycle: Vec::new(),
            picked: None,
            check: TemplateCheck::Default,
            address: Input::default(),
            address_check: Err(AddressError::Empty),
            note,
            phase: if read_only {
                Phase::ReadOnly
            } else if no_address {
                Phase::NoAddress
            } else if kind == ActionKind::SetEmail {
                Phase::Address { error: None }
            } else {
                Phase::Editing { error: None }
            },
            audit_error: None,
        };
        d.recheck();
        d
    }

    /// The dialog says `note` first (the App knows why it opened an invite for `r`).
    pub fn with_note(mut self, note: Note) -> ActionDialog {
        self.note = Some(note);
        self
    }

    /// The field opens with `template`, the last one sent with this profile for this kind of
    /// mail (`""`: ZITADEL's default link), so Enter sends what was sent last time — and the
    /// field and its preview show which link that is before anything is sent.
    pub fn with_remembered(mut self, template: String) -> ActionDialog {
        let mails = deliveries(self.kind).contains(&Delivery::Mail);
        if !mails || matches!(self.phase, Phase::ReadOnly | Phase::NoAddress) {
            return self;
        }
        self.template = Input::new(template.clone());
        self.remembered = Some(template);
        self.recheck();
        self
    }

    /// The template field shows the remembered template (as last sent, not a saved one
    /// picked or typed).
    pub fn shows_remembered(&self) -> bool {
        self.remembered
            .as_deref()
            .is_some_and(|r| !r.is_empty() && r == self.template.value())
    }

    /// How many entries `↑`/`↓` go through from the text as it is now.
    pub fn cycle_len(&self) -> usize {
        if self.picked.is_some() {
            self.cycle.len()
        } else {
            self.new_cycle().len()
        }
    }

    /// The keys of the phase the dialog is in.
    pub fn keymap(&self) -> &'static Keymap<DialogAction> {
        match self.phase {
            Phase::Address { .. } => &ADDRESS,
            Phase::Editing { .. } => match self.kind {
                ActionKind::Unlock | ActionKind::Reactivate => &APPLYING,
                ActionKind::PhoneCode => &CHOOSING,
                _ => &EDITING,
            },
            Phase::ConfirmVerified => &VERIFYING,
            Phase::InFlight { .. } => &SENDING,
            Phase::Done {
                ref result,
                read_aloud,
                ..
            } if result.code.is_some() => {
                if read_aloud {
                    &READING_ALOUD
                } else {
                    &SHOWING_CODE
                }
            }
            Phase::Done { .. } => &MESSAGE,
            Phase::NoPending => &NOTHING_PENDING,
            Phase::ConfirmSend | Phase::RetrySend { .. } => &CONFIRMING,
            Phase::NotInitialised
            | Phase::ReadOnly
            | Phase::NoAddress
            | Phase::Unsupported { .. }
            | Phase::Refused { .. } => &MESSAGE,
        }
    }

    /// A request is on its way to ZITADEL.
    pub fn in_flight(&self) -> bool {
        matches!(self.phase, Phase::InFlight { .. })
    }

    /// A key: the phase's binding, or else text for the field that has the keyboard.
    pub fn on_key(&mut self, ev: KeyEvent) -> Request {
        match self.keymap().action(&ev) {
            Some(action) => self.on_action(action),
            None => self.on_text_key(ev),
        }
    }

    /// "37/200" for the template field.
    pub fn length(&self) -> String {
        // Counted as sent: trimmed.
        format!(
            "{}/{MAX_TEMPLATE_LEN}",
            self.template.value().trim().chars().count()
        )
    }

    /// "17/200" for the address field.
    pub fn address_length(&self) -> String {
        format!("{}/{MAX_EMAIL_LEN}", self.address.value().trim().chars().count())
    }

    pub fn on_action(&mut self, action: DialogAction) -> Request {
        match (&mut self.phase, action) {
            (Phase::Address { .. }, A::Confirm) => match self.address_check {
                Ok(_) => {
                    self.phase = Phase::Editing { error: None };
                    Request::Changed
                }
                Err(_) => Request::Nothing,
            },
            (Phase::Editing { .. }, A::SwitchDelivery) => {
                let offered = deliveries(self.kind);
                if offered.len() < 2 {
                    return Request::Nothing;
                }
                let at = offered.iter().position(|d| *d == self.delivery).unwrap_or(0);
                match offered.get((at + 1) % offered.len()) {
                    Some(next) => {
                        self.delivery = *next;
                        Request::Changed
                    }
                    None => Request::Nothing,
                }
            }
            (Phase::Editing { .. }, A::PrevTemplate) => self.pick(-1),
            (Phase::Editing { .. }, A::NextTemplate) => self.pick(1),
            (Phase::Editing { .. }, A::Confirm) if self.delivery == Delivery::Verified => {
                if self.action(CodeCall::Resend).is_none() {
                    return Request::Nothing;
                }
                self.phase = Phase::ConfirmVerified;
                Request::Changed
            }
            (Phase::Editing { .. } | Phase::ConfirmVerified, A::Confirm) => self.issue(CodeCall::Resend),
            (Phase::ConfirmVerified, A::Cancel) => {
                self.phase = Phase::Editing { error: None };
                Request::Changed
            }
            (Phase::ConfirmSend | Phase::RetrySend { .. }, A::Confirm) => self.issue(CodeCall::Send),
            (Phase::NoPending, A::SendFresh) => {
                self.phase = Phase::ConfirmSend;
                Request::Changed
            }
            (Phase::Done { revealed, result, .. }, A::Reveal) if result.code.is_some() => {
                *revealed = !*revealed;
                Request::Changed
            }
            (
                Phase::Done {
                    read_aloud,
                    revealed,
                    result,
                    ..
                },
                A::ReadAloud,
            ) if result.code.is_some() => {
                *read_aloud = !*read_aloud;
                // Reading aloud means showing it: the code has been on screen.
                *revealed |= *read_aloud;
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

    /// A key the keymap does not bind: text for the field that has the keyboard, if any.
    pub fn on_text_key(&mut self, ev: KeyEvent) -> Request {
        let Some(field) = self.typing() else {
            return Request::Nothing;
        };
        let (input, cap) = match field {
            Field::Template => (&mut self.template, TEMPLATE_FIELD_CAP),
            Field::Address => (&mut self.address, ADDRESS_FIELD_CAP),
        };
        if text_field::overflows(input, &ev, cap) {
            return Request::Nothing;
        }
        match input.handle_event(&Event::Key(ev)) {
            Some(c) if c.value => {
                if field == Field::Template {
                    self.picked = None;
                }
                self.recheck();
                Request::Changed
            }
            Some(c) if c.cursor => Request::Changed,
            _ => Request::Nothing,
        }
    }

    /// Pasted text for the field that has the keyboard, inserted in one step up to its cap.
    /// Returns the cap too, for the status line's "cut" message.
    pub fn on_paste(&mut self, text: &str) -> (Request, Pasted, usize) {
        let Some(field) = self.typing() else {
            return (Request::Nothing, Pasted::Nothing, 0);
        };
        let (input, cap) = match field {
            Field::Template => (&mut self.template, TEMPLATE_FIELD_CAP),
            Field::Address => (&mut self.address, ADDRESS_FIELD_CAP),
        };
        let pasted = text_field::paste(input, text, cap);
        if pasted == Pasted::Nothing {
            return (Request::Nothing, pasted, cap);
        }
        if field == Field::Template {
            self.picked = None;
        }
        self.recheck();
        (Request::Changed, pasted, cap)
    }

    /// The field that has the keyboard: the address while it is asked for, the template
    /// while editing a mailed delivery.
    pub fn typing(&self) -> Option<Field> {
        match self.phase {
            Phase::Address { .. } => Some(Field::Address),
            Phase::Editing { .. } if self.delivery == Delivery::Mail => Some(Field::Template),
            _ => None,
        }
    }

    /// The request was sent with this id: ignore Enter until it answers.
    pub fn sent(&mut self, id: u64, action: Action) {
        self.phase = Phase::InFlight { id, action };
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
        let Phase::InFlight { id: waiting, .. } = self.phase else {
            return false;
        };
        if waiting != id {
            return false;
        }
        let Phase::InFlight { action, .. } = std::mem::replace(&mut self.phase, Phase::NoPending) else {
            return false;
        };
        self.audit_error = audit_error;
        let fresh_send = matches!(
            action,
            Action::EmailCode {
                call: CodeCall::Send,
                ..
            }
        );
        let resend = matches!(
            action,
            Action::EmailCode {
                call: CodeCall::Resend,
                ..
            }
        );
        self.phase = match result {
            Ok(result) => Phase::Done {
                action,
                result: Box::new(result),
                revealed: false,
                copy: CopyState::NotYet,
                read_aloud: false,
            },
            Err(ApiError::NoPendingCode(_)) if resend => Phase::NoPending,
            Err(ApiError::UserNotInitialised(_)) => Phase::NotInitialised,
            Err(e @ ApiError::Unsupported { .. }) => Phase::Unsupported {
                error: action_error_line(self.kind, &e),
            },
            Err(e) => match e.refusal() {
                // A typo'd new address is worth fixing; the other causes stand.
                Some(r @ Refusal::EmailUnchanged) => Phase::Address {
                    error: Some(refusal_line(r)),
                },
                Some(r) => Phase::Refused {
                    error: refusal_line(r),
                },
                None if fresh_send => Phase::RetrySend {
                    error: action_error_line(self.kind, &e),
                },
                None => Phase::Editing {
                    error: Some(action_error_line(self.kind, &e)),
                },
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
            Phase::Editing { error } | Phase::Address { error } => error.as_deref(),
            Phase::RetrySend { error } | Phase::Unsupported { error } | Phase::Refused { error } => {
                Some(error)
            }
            _ => None,
        }
    }

    /// The new address, once it passes the check.
    pub fn new_address(&self) -> Option<&str> {
        self.address_check.as_deref().ok()
    }

    /// The one request the dialog's choices stand for, `None` while a field is invalid.
    /// `call` says which email code call (the others ignore it).
    pub fn action(&self, call: CodeCall) -> Option<Action> {
        Some(match self.kind {
            ActionKind::EmailCode => Action::EmailCode {
                call,
                mode: self.code_mode()?,
            },
            ActionKind::Invite => Action::Invite {
                mode: self.code_mode()?,
                application_name: None,
            },
            ActionKind::SetEmail => Action::SetEmail {
                email: self.new_address()?.to_string(),
                verification: match self.delivery {
                    Delivery::Verified => EmailVerification::Verified,
                    _ => EmailVerification::Code(self.code_mode()?),
                },
            },
            ActionKind::PhoneCode => Action::PhoneCode(match self.delivery {
                Delivery::Return => PhoneMode::Return,
                _ => PhoneMode::Send,
            }),
            ActionKind::PasswordReset => Action::PasswordReset(match self.delivery {
                Delivery::Mail => ResetMode::Email {
                    url_template: self.template_to_send()?,
                },
                Delivery::Text => ResetMode::Sms,
                _ => ResetMode::Return,
            }),
            ActionKind::Unlock => Action::Unlock,
            ActionKind::Reactivate => Action::Reactivate,
        })
    }

    fn issue(&self, call: CodeCall) -> Request {
        self.action(call).map_or(Request::Nothing, Request::Issue)
    }

    /// Mail or return; `None` while the template is invalid.
    fn code_mode(&self) -> Option<CodeMode> {
        match self.delivery {
            Delivery::Return => Some(CodeMode::Return),
            _ => Some(CodeMode::Send {
                url_template: self.template_to_send()?,
            }),
        }
    }

    /// The template to send (`Some(None)`: ZITADEL's default link), `None` while invalid.
    fn template_to_send(&self) -> Option<Option<UrlTemplate>> {
        match &self.check {
            TemplateCheck::Default => Some(None),
            TemplateCheck::Valid { template, .. } => Some(Some(template.clone())),
            TemplateCheck::Invalid(_) => None,
        }
    }

    /// `↑`/`↓`: the previous or next entry of the cycle (the `cycle` field). The
    /// first entry is the text as it was, so going round never loses what was typed.
    fn pick(&mut self, step: isize) -> Request {
        if self.delivery != Delivery::Mail {
            return Request::Nothing;
        }
        if self.picked.is_none() {
            self.cycle = self.new_cycle();
        }
        let n = self.cycle.len() as isize;
        if n < 2 {
            return Request::Nothing;
        }
        let next = match self.picked {
            // Entry 0 is where the agent is: the first step leaves it.
            None if step > 0 => 1,
            None => n - 1,
            Some(i) => (i as isize + step).rem_euclid(n),
        };
        let next = next as usize;
        self.picked = Some(next);
        let text = self.cycle.get(next).cloned().unwrap_or_default();
        self.template = Input::new(text);
        self.recheck();
        Request::Changed
    }

    /// The cycle from the text as it is: it, the remembered template, the saved ones, and
    /// ZITADEL's default link (empty), each once (compared as sent: trimmed).
    fn new_cycle(&self) -> Vec<String> {
        let mut cycle: Vec<String> = Vec::new();
        let entries = std::iter::once(self.template.value())
            .chain(self.remembered.as_deref())
            .chain(self.templates.iter().map(String::as_str))
            .chain(std::iter::once(""));
        for entry in entries {
            if !cycle.iter().any(|c| c.trim() == entry.trim()) {
                cycle.push(entry.to_string());
            }
        }
        cycle
    }

    fn recheck(&mut self) {
        self.address_check = check_address(self.address.value());
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

/// The dialog's text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Template,
    Address,
}

/// Whether the kind sends the user something they must use while signed out: useless while
/// the user is locked or inactive.
fn code_for_the_user(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::EmailCode | ActionKind::Invite | ActionKind::PhoneCode | ActionKind::PasswordReset
    )
}

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod tests;
