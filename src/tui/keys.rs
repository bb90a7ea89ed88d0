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

const ALL: &[Mode] = &[Mode::List, Mode::Search, Mode::Detail];
const BROWSING: &[Mode] = &[Mode::List, Mode::Detail];

pub const BINDINGS: &[Binding] = &[
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Char('/')],
        label: "/",
        action: Action::StartSearch,
        help: "search",
        hint: true,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        label: "j/↓",
        action: Action::Down,
        help: "next user",
        hint: false,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        label: "k/↑",
        action: Action::Up,
        help: "previous user",
        hint: false,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Code(KeyCode::PageDown)],
        label: "PgDn",
        action: Action::PageDown,
        help: "page down",
        hint: false,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Code(KeyCode::PageUp)],
        label: "PgUp",
        action: Action::PageUp,
        help: "page up",
        hint: false,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        label: "g/Home",
        action: Action::Top,
        help: "first user",
        hint: false,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        label: "G/End",
        action: Action::Bottom,
        help: "last user",
        hint: false,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Code(KeyCode::Enter)],
        label: "Enter",
        action: Action::OpenDetail,
        help: "open the user",
        hint: true,
    },
    Binding {
        modes: &[Mode::List],
        keys: &[Key::Code(KeyCode::Esc)],
        label: "Esc",
        action: Action::ClearSearch,
        help: "clear the search",
        hint: false,
    },
    Binding {
        modes: &[Mode::Search],
        keys: &[Key::Code(KeyCode::Enter)],
        label: "Enter",
        action: Action::ApplySearch,
        help: "back to the list, keep the search",
        hint: true,
    },
    Binding {
        modes: &[Mode::Search],
        keys: &[Key::Code(KeyCode::Esc)],
        label: "Esc",
        action: Action::ClearSearch,
        help: "clear the search",
        hint: true,
    },
    Binding {
        modes: &[Mode::Detail],
        keys: &[Key::Code(KeyCode::Esc)],
        label: "Esc",
        action: Action::Back,
        help: "back to the list",
        hint: true,
    },
    Binding {
        modes: BROWSING,
        keys: &[Key::Ctrl('r'), Key::Code(KeyCode::F(5))],
        label: "^R/F5",
        action: Action::Refresh,
        help: "refresh",
        hint: true,
    },
    Binding {
        modes: BROWSING,
        keys: &[Key::Char('?')],
        label: "?",
        action: Action::ToggleHelp,
        help: "help",
        hint: true,
    },
    Binding {
        modes: BROWSING,
        keys: &[Key::Char('q')],
        label: "q",
        action: Action::Quit,
        help: "quit",
        hint: true,
    },
    Binding {
        modes: ALL,
        keys: &[Key::Ctrl('c')],
        label: "^C",
        action: Action::Quit,
        help: "quit (anywhere)",
        hint: false,
    },
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
    fn r_is_left_free_for_the_resend_dialog() {
        for m in [Mode::List, Mode::Detail] {
            assert_eq!(action(m, &key(KeyCode::Char('r'))), None);
        }
    }

    #[test]
    fn every_mode_has_a_way_out_and_hints_come_from_the_keymap() {
        for m in [Mode::List, Mode::Search, Mode::Detail] {
            assert!(bindings(m).any(|b| b.action == Action::Quit));
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
