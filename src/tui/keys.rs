//! Keys → actions, per mode. The help overlay and the status-line hints are generated from
//! [`BINDINGS`], so they can never drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the console can be doing; decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Moving through the users list.
    List,
    /// Typing in the search line.
    Search,
    /// Looking at one user.
    Detail,
    /// The resend dialog, choosing how to send (the template input has the keyboard).
    ResendEdit,
    /// The resend dialog while ZITADEL answers: nothing but quitting.
    ResendBusy,
    /// The resend dialog showing a returned code.
    ResendResult,
    /// ZITADEL had no pending code: offer a fresh one.
    ResendNoPending,
    /// Confirming the fresh code.
    ResendConfirmSend,
    /// A message the dialog only shows (mailed, read-only, user not initialised).
    ResendInfo,
    /// Choosing a settings profile.
    Picker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    StartSearch,
    ApplySearch,
    ClearSearch,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenDetail,
    Back,
    Refresh,
    ToggleHelp,
    OpenResend,
    SwitchDelivery,
    PrevTemplate,
    NextTemplate,
    Confirm,
    Cancel,
    Reveal,
    Copy,
    SendFresh,
    OpenProfiles,
}

/// One line of the keymap.
pub struct Binding {
    pub modes: &'static [Mode],
    pub keys: &'static [Key],
    /// How the keys are written in help and hints, e.g. "j/↓".
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the status line's hints (short on space at 80 columns).
    pub hint: bool,
}

/// A key as the keymap names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

pub const ALL: &[Mode] = &[
    Mode::List,
    Mode::Search,
    Mode::Detail,
    Mode::ResendEdit,
    Mode::ResendBusy,
    Mode::ResendResult,
    Mode::ResendNoPending,
    Mode::ResendConfirmSend,
    Mode::ResendInfo,
    Mode::Picker,
];
const BROWSING: &[Mode] = &[Mode::List, Mode::Detail];

// One binding per line reads as the keymap it is.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    Binding { modes: BROWSING, keys: &[Key::Char('/')], label: "/", action: Action::StartSearch, help: "search", hint: true },
    Binding { modes: BROWSING, keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: Action::Down, help: "next user", hint: false },
    Binding { modes: BROWSING, keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: Action::Up, help: "previous user", hint: false },
    Binding { modes: BROWSING, keys: &[Key::Code(KeyCode::PageDown)], label: "PgDn", action: Action::PageDown, help: "page down", hint: false },
    Binding { modes: BROWSING, keys: &[Key::Code(KeyCode::PageUp)], label: "PgUp", action: Action::PageUp, help: "page up", hint: false },
    Binding { modes: BROWSING, keys: &[Key::Char('g'), Key::Code(KeyCode::Home)], label: "g/Home", action: Action::Top, help: "first user", hint: false },
    Binding { modes: BROWSING, keys: &[Key::Char('G'), Key::Code(KeyCode::End)], label: "G/End", action: Action::Bottom, help: "last user", hint: false },
    Binding { modes: &[Mode::List], keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: Action::OpenDetail, help: "open the user", hint: true },
    Binding { modes: &[Mode::Search], keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: Action::ApplySearch, help: "back to the list, keep the search", hint: true },
    Binding { modes: &[Mode::Search], keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: Action::ClearSearch, help: "clear the search", hint: true },
    Binding { modes: &[Mode::Detail], keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: Action::Back, help: "back to the list", hint: true },
    Binding { modes: BROWSING, keys: &[Key::Char('r')], label: "r", action: Action::OpenResend, help: "resend code", hint: true },
    Binding { modes: BROWSING, keys: &[Key::Ctrl('r'), Key::Code(KeyCode::F(5))], label: "^R/F5", action: Action::Refresh, help: "refresh", hint: false },
    Binding { modes: BROWSING, keys: &[Key::Char('?')], label: "?", action: Action::ToggleHelp, help: "help", hint: true },
    Binding { modes: BROWSING, keys: &[Key::Char('q')], label: "q", action: Action::Quit, help: "quit", hint: true },
    Binding { modes: &[Mode::ResendEdit], keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)], label: "Tab", action: Action::SwitchDelivery, help: "mail the code / return it to me", hint: true },
    Binding { modes: &[Mode::ResendEdit], keys: &[Key::Code(KeyCode::Up)], label: "↑", action: Action::PrevTemplate, help: "previous saved link template", hint: false },
    Binding { modes: &[Mode::ResendEdit], keys: &[Key::Code(KeyCode::Down)], label: "↓", action: Action::NextTemplate, help: "next saved link template", hint: false },
    Binding { modes: &[Mode::ResendEdit, Mode::ResendConfirmSend], keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: Action::Confirm, help: "confirm and send", hint: true },
    Binding { modes: &[Mode::ResendEdit, Mode::ResendConfirmSend], keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: Action::Cancel, help: "cancel, send nothing", hint: true },
    Binding { modes: &[Mode::ResendResult], keys: &[Key::Char('v')], label: "v", action: Action::Reveal, help: "show / hide the code", hint: true },
    Binding { modes: &[Mode::ResendResult], keys: &[Key::Char('y')], label: "y", action: Action::Copy, help: "copy the code (OSC 52)", hint: true },
    Binding { modes: &[Mode::ResendNoPending], keys: &[Key::Char('s')], label: "s", action: Action::SendFresh, help: "send a fresh code instead", hint: true },
    // Only Esc: an Enter typed ahead must not wipe a code nobody has read yet.
    Binding { modes: &[Mode::ResendResult], keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: Action::Cancel, help: "close (forgets the code)", hint: true },
    Binding { modes: &[Mode::ResendNoPending, Mode::ResendInfo], keys: &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Enter)], label: "Esc", action: Action::Cancel, help: "close", hint: true },
    Binding { modes: BROWSING, keys: &[Key::Char('P')], label: "P", action: Action::OpenProfiles, help: "switch profile", hint: false },
    Binding { modes: &[Mode::Picker], keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: Action::Down, help: "next profile", hint: false },
    Binding { modes: &[Mode::Picker], keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: Action::Up, help: "previous profile", hint: false },
    Binding { modes: &[Mode::Picker], keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: Action::Confirm, help: "switch to it (reconnects)", hint: true },
    Binding { modes: &[Mode::Picker], keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: Action::Cancel, help: "keep the current profile", hint: true },
    Binding { modes: ALL, keys: &[Key::Ctrl('c')], label: "^C", action: Action::Quit, help: "quit (anywhere)", hint: false },
];

impl Key {
    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        match self {
            Key::Char(c) => !ctrl && !alt && ev.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
            Key::Code(code) => !ctrl && !alt && ev.code == code,
        }
    }
}

/// The action bound to a key in a mode. In [`Mode::Search`] an unbound key is text for the
/// search line (the caller passes it on).
pub fn action(mode: Mode, ev: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.modes.contains(&mode))
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// The bindings of a mode, in keymap order (for the help overlay).
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.modes.contains(&mode))
}

/// "/ search · Enter open the user · …" for the status line.
pub fn hints(mode: Mode) -> String {
    bindings(mode)
        .filter(|b| b.hint)
        .map(|b| format!("{} {}", b.label, b.help))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn q_quits_outside_text_input_but_is_text_in_search() {
        assert_eq!(action(Mode::List, &key(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(action(Mode::Detail, &key(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(action(Mode::Search, &key(KeyCode::Char('q'))), None);
    }

    #[test]
    fn ctrl_c_quits_anywhere() {
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for m in [Mode::List, Mode::Search, Mode::Detail] {
            assert_eq!(action(m, &ev), Some(Action::Quit));
        }
    }

    #[test]
    fn r_opens_the_resend_dialog_from_list_and_detail() {
        for m in [Mode::List, Mode::Detail] {
            assert_eq!(action(m, &key(KeyCode::Char('r'))), Some(Action::OpenResend));
        }
        assert_eq!(
            action(Mode::Search, &key(KeyCode::Char('r'))),
            None,
            "text in the search line"
        );
    }

    #[test]
    fn while_the_request_is_in_flight_enter_and_esc_do_nothing() {
        assert_eq!(action(Mode::ResendBusy, &key(KeyCode::Enter)), None);
        assert_eq!(action(Mode::ResendBusy, &key(KeyCode::Esc)), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(Mode::ResendBusy, &ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn every_mode_has_a_way_out_and_hints_come_from_the_keymap() {
        for m in ALL {
            assert!(bindings(*m).any(|b| b.action == Action::Quit));
        }
        assert!(hints(Mode::List).starts_with("/ search · Enter open the user"));
    }

    #[test]
    fn arrows_and_vim_keys_agree() {
        assert_eq!(
            action(Mode::List, &key(KeyCode::Down)),
            action(Mode::List, &key(KeyCode::Char('j')))
        );
        assert_eq!(action(Mode::List, &key(KeyCode::End)), Some(Action::Bottom));
        assert_eq!(action(Mode::List, &key(KeyCode::F(5))), Some(Action::Refresh));
    }
}
