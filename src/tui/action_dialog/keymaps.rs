//! The dialog's keys, one keymap per phase: the footer, the help overlay and every key named
//! in the dialog's sentences come from these tables.

use crossterm::event::KeyCode;

use crate::tui::keys::{Binding, Key, Keymap};

/// What the dialog's keys ask for. Which keys work depends on the phase: each phase has its
/// keymap below, and [`super::ActionDialog::keymap`] picks it.
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
    /// Show a returned code for reading aloud (and back).
    ReadAloud,
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
static APPLY_OR_CANCEL: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: A::Confirm, help: "confirm: one request to ZITADEL", hint: Some("confirm") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "cancel, change nothing", hint: Some("cancel") },
];
#[rustfmt::skip]
static VERIFY_OR_BACK: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: A::Confirm, help: "yes: mark the address verified without proof", hint: Some("mark verified") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "back, change nothing", hint: Some("back") },
];
#[rustfmt::skip]
static NEXT_OR_CANCEL: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: A::Confirm, help: "take this address, then choose how it is confirmed", hint: Some("next") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "cancel, change nothing", hint: Some("cancel") },
];
#[rustfmt::skip]
static SWITCH: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)], label: "Tab", action: A::SwitchDelivery, help: "choose how the code travels", hint: Some("mode") },
];
#[rustfmt::skip]
static TEMPLATES: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Up)], label: "↑", action: A::PrevTemplate, help: "previous link template, or the default", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Down)], label: "↓", action: A::NextTemplate, help: "next link template, or the default", hint: None },
];
// Only Esc closes: an Enter typed ahead must not wipe a code nobody has read yet.
#[rustfmt::skip]
static CODE_SHOWN: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('v')], label: "v", action: A::Reveal, help: "show / hide the code", hint: Some("show/hide") },
    Binding { keys: &[Key::Char('y')], label: "y", action: A::Copy, help: "copy the code (OSC 52)", hint: Some("copy") },
    Binding { keys: &[Key::Char('r')], label: "r", action: A::ReadAloud, help: "read aloud: the code spelled out (shows it)", hint: Some("read aloud") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Cancel, help: "close (forgets the code)", hint: Some("close (forgets the code)") },
];
#[rustfmt::skip]
static ALOUD: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('r'), Key::Code(KeyCode::Esc)], label: "r/Esc", action: A::ReadAloud, help: "back to the code", hint: Some("back to the code") },
    Binding { keys: &[Key::Char('y')], label: "y", action: A::Copy, help: "copy the code (OSC 52)", hint: Some("copy") },
];
#[rustfmt::skip]
static FRESH: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('s')], label: "s", action: A::SendFresh, help: "send a fresh code instead", hint: Some("send a fresh code instead") },
];
#[rustfmt::skip]
static CLOSE: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Enter)], label: "Esc", action: A::Cancel, help: "close", hint: Some("close") },
];
#[rustfmt::skip]
static WAITING: &[Binding<DialogAction>] = &[
    Binding { keys: &[Key::Char('q')], label: "q", action: A::Quit, help: "quit (asks again: a returned code would be lost)", hint: None },
];

/// Choosing how a code travels, with a link template (mail); unbound keys are its text.
pub static EDITING: Keymap<DialogAction> = Keymap {
    name: "dialog",
    groups: &[SEND_OR_CANCEL, SWITCH, TEMPLATES],
};
/// Choosing how a code travels where no template applies (phone code).
pub static CHOOSING: Keymap<DialogAction> = Keymap {
    name: "dialog (choose)",
    groups: &[SEND_OR_CANCEL, SWITCH],
};
/// An action without a code (unlock, reactivate): confirm or cancel.
pub static APPLYING: Keymap<DialogAction> = Keymap {
    name: "dialog (confirm)",
    groups: &[APPLY_OR_CANCEL],
};
/// Typing the new address (set email); unbound keys are its text.
pub static ADDRESS: Keymap<DialogAction> = Keymap {
    name: "dialog (new address)",
    groups: &[NEXT_OR_CANCEL],
};
/// The second confirmation before an address is marked verified without proof.
pub static VERIFYING: Keymap<DialogAction> = Keymap {
    name: "dialog (mark verified)",
    groups: &[VERIFY_OR_BACK],
};
/// While ZITADEL answers: Enter and Esc do nothing, so one confirmed action stays one request.
pub static SENDING: Keymap<DialogAction> = Keymap {
    name: "dialog (sending)",
    groups: &[WAITING],
};
pub static SHOWING_CODE: Keymap<DialogAction> = Keymap {
    name: "dialog (code shown)",
    groups: &[CODE_SHOWN],
};
pub static READING_ALOUD: Keymap<DialogAction> = Keymap {
    name: "dialog (read aloud)",
    groups: &[ALOUD],
};
pub static NOTHING_PENDING: Keymap<DialogAction> = Keymap {
    name: "dialog (nothing pending)",
    groups: &[FRESH, CLOSE],
};
pub static CONFIRMING: Keymap<DialogAction> = Keymap {
    name: "dialog (confirm a fresh code)",
    groups: &[SEND_OR_CANCEL],
};
/// A message the dialog only shows (done, read-only, a refusal retrying cannot change).
pub static MESSAGE: Keymap<DialogAction> = Keymap {
    name: "dialog (message)",
    groups: &[CLOSE],
};
