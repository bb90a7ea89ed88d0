//! The keys of the console's own screens — the users list and one user's detail — and the
//! actions they stand for. [`crate::tui::app::App`] carries these out; popups and the search
//! line own their keys beside their state.

use crossterm::event::KeyCode;

use super::keys::{Binding, Key, Keymap};

/// Which screen the console shows (a popup or the search line may have the keyboard on top).
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
pub enum BrowseAction {
    Quit,
    StartSearch,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenDetail,
    /// Empty an applied search and list all users again.
    ClearSearch,
    Back,
    Refresh,
    ToggleHelp,
    OpenResend,
    /// The actions menu: every remedy for the user in view.
    OpenActions,
    OpenProfiles,
    /// A search filtered locally stopped at its scan limit: scan further.
    ScanMore,
    /// The sort picker: the columns the list can be sorted by.
    OpenSort,
    /// The same column the other way round (↑ ↔ ↓).
    ReverseSort,
    /// The copy menu: the user's ID, email or login name to the clipboard.
    OpenCopy,
    /// The command line (`:user`, `:audit`, …).
    OpenCommandLine,
    /// Mark the selected user for a bulk action (or unmark), and move down.
    ToggleMark,
    /// Mark every user the applied search shows.
    MarkAll,
    /// Drop every mark.
    ClearMarks,
}

use BrowseAction as A;

// One binding per line reads as the keymap it is.
#[rustfmt::skip]
static MOVES: &[Binding<BrowseAction>] = &[
    // No hint: the search row names `/` already (the status line needs the room at 80 columns).
    Binding { keys: &[Key::Char('/')], label: "/", action: A::StartSearch, help: "search", hint: None },
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: A::Down, help: "next user", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: A::Up, help: "previous user", hint: None },
    Binding { keys: &[Key::Code(KeyCode::PageDown)], label: "PgDn", action: A::PageDown, help: "page down", hint: None },
    Binding { keys: &[Key::Code(KeyCode::PageUp)], label: "PgUp", action: A::PageUp, help: "page up", hint: None },
    Binding { keys: &[Key::Char('g'), Key::Code(KeyCode::Home)], label: "g/Home", action: A::Top, help: "first user", hint: None },
    Binding { keys: &[Key::Char('G'), Key::Code(KeyCode::End)], label: "G/End", action: A::Bottom, help: "last user", hint: None },
];

#[rustfmt::skip]
static LIST_ONLY: &[Binding<BrowseAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: A::OpenDetail, help: "open the user", hint: Some("open the user") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::ClearSearch, help: "clear the search", hint: None },
    Binding { keys: &[Key::Char(' ')], label: "space", action: A::ToggleMark, help: "mark / unmark the user", hint: None },
    Binding { keys: &[Key::Char('*')], label: "*", action: A::MarkAll, help: "mark every user shown", hint: None },
    Binding { keys: &[Key::Char('u')], label: "u", action: A::ClearMarks, help: "unmark everyone", hint: None },
];

#[rustfmt::skip]
static DETAIL_ONLY: &[Binding<BrowseAction>] = &[
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: A::Back, help: "back to the list", hint: Some("back to the list") },
];

#[rustfmt::skip]
static COMMANDS: &[Binding<BrowseAction>] = &[
    Binding { keys: &[Key::Char('r')], label: "r", action: A::OpenResend, help: "resend code (an invite if not set up)", hint: Some("resend code") },
    Binding { keys: &[Key::Char('a')], label: "a", action: A::OpenActions, help: "actions: every remedy for the user", hint: Some("actions") },
    Binding { keys: &[Key::Ctrl('r'), Key::Code(KeyCode::F(5))], label: "^R/F5", action: A::Refresh, help: "refresh", hint: None },
    Binding { keys: &[Key::Char('?')], label: "?", action: A::ToggleHelp, help: "help", hint: Some("help") },
    Binding { keys: &[Key::Char('q')], label: "q", action: A::Quit, help: "quit", hint: Some("quit") },
    Binding { keys: &[Key::Char('P')], label: "P", action: A::OpenProfiles, help: "switch profile", hint: None },
    Binding { keys: &[Key::Char('+')], label: "+", action: A::ScanMore, help: "scan more users (verified: searches)", hint: None },
    Binding { keys: &[Key::Char('s')], label: "s", action: A::OpenSort, help: "sort by… (a column, ↑ or ↓)", hint: None },
    Binding { keys: &[Key::Char('S')], label: "S", action: A::ReverseSort, help: "reverse the order (↑ ↔ ↓)", hint: None },
    Binding { keys: &[Key::Char('y')], label: "y", action: A::OpenCopy, help: "copy the user's ID, email or login name", hint: None },
    Binding { keys: &[Key::Char(':')], label: ":", action: A::OpenCommandLine, help: "command line (Tab lists the commands)", hint: None },
];

pub static LIST: Keymap<BrowseAction> = Keymap {
    name: "users list",
    groups: &[MOVES, LIST_ONLY, COMMANDS],
};

pub static DETAIL: Keymap<BrowseAction> = Keymap {
    name: "user detail",
    groups: &[MOVES, DETAIL_ONLY, COMMANDS],
};

/// How a message names the refresh key ("Ctrl-R").
pub fn refresh_key() -> String {
    LIST.key_name(A::Refresh)
}

/// How a message names the key that opens the actions menu ("a").
pub fn actions_key() -> String {
    LIST.key_name(A::OpenActions)
}

/// How a message names the key that marks a user ("space").
pub fn mark_key() -> String {
    LIST.label(A::ToggleMark).to_string()
}

/// How a message names the key that drops the marks ("u").
pub fn unmark_key() -> String {
    LIST.key_name(A::ClearMarks)
}

/// How a message names the key that resends ("r").
pub fn resend_key() -> String {
    LIST.key_name(A::OpenResend)
}

/// How a message names the key that starts a search ("/").
pub fn search_key() -> String {
    LIST.key_name(A::StartSearch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::KeyHelp;
    use crossterm::event::{KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn r_opens_the_resend_dialog_from_list_and_detail() {
        for map in [&LIST, &DETAIL] {
            assert_eq!(map.action(&key(KeyCode::Char('r'))), Some(A::OpenResend));
            assert_eq!(map.action(&key(KeyCode::Char('q'))), Some(A::Quit));
        }
    }

    #[test]
    fn arrows_and_vim_keys_agree() {
        assert_eq!(
            LIST.action(&key(KeyCode::Down)),
            LIST.action(&key(KeyCode::Char('j')))
        );
        assert_eq!(LIST.action(&key(KeyCode::End)), Some(A::Bottom));
        assert_eq!(LIST.action(&key(KeyCode::F(5))), Some(A::Refresh));
    }

    #[test]
    fn enter_opens_in_the_list_and_esc_goes_back_in_the_detail() {
        assert_eq!(LIST.action(&key(KeyCode::Enter)), Some(A::OpenDetail));
        assert_eq!(LIST.action(&key(KeyCode::Esc)), Some(A::ClearSearch));
        assert_eq!(DETAIL.action(&key(KeyCode::Esc)), Some(A::Back));
        assert_eq!(DETAIL.action(&key(KeyCode::Enter)), None);
    }

    #[test]
    fn hints_and_key_names_come_from_the_keymap() {
        assert_eq!(
            LIST.hints(),
            "Enter open the user · r resend code · a actions · ? help · q quit"
        );
        assert_eq!(refresh_key(), "Ctrl-R");
    }
}
