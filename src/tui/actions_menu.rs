//! The actions menu (`a` on a user): every remedy, each marked as fitting, possible or not
//! applicable with the reason (`crate::remedies`), the best one preselected. Pure: the App
//! opens the chosen remedy's dialog.

use crossterm::event::{KeyCode, KeyEvent};

use super::keys::{Binding, Key, Keymap};
use crate::api::action::ActionKind;
use crate::api::wire::{AuthenticationMethodType, User};
use crate::remedies::{self, Fit};
use crate::text::sanitize;
use crate::userinfo::display_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuAction {
    Down,
    Up,
    Choose,
    /// A digit: the remedy at that position (1 = the first line).
    Pick,
    Close,
}

/// The digits that pick a line, one per [`ActionKind::ALL`] entry.
const DIGITS: [char; 7] = ['1', '2', '3', '4', '5', '6', '7'];

#[rustfmt::skip]
static BINDINGS: &[Binding<MenuAction>] = &[
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: MenuAction::Down, help: "next action", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: MenuAction::Up, help: "previous action", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: MenuAction::Choose, help: "open the action (you confirm it there)", hint: Some("open") },
    Binding {
        keys: &[Key::Char('1'), Key::Char('2'), Key::Char('3'), Key::Char('4'), Key::Char('5'), Key::Char('6'), Key::Char('7')],
        label: "1-7", action: MenuAction::Pick, help: "open the action on that line", hint: Some("pick"),
    },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: MenuAction::Close, help: "close the menu", hint: Some("close") },
];

pub static KEYMAP: Keymap<MenuAction> = Keymap {
    name: "actions",
    groups: &[BINDINGS],
};

/// What the menu asks of the App.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuRequest {
    Nothing,
    /// Redraw: the selection moved, or a not-applicable remedy was asked for.
    Changed,
    Close,
    /// Close and open this remedy's dialog for the menu's user.
    Choose(ActionKind),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionsMenu {
    /// The user the menu acts on (the App checks it is still the one shown).
    pub user_id: String,
    /// The user's name, sanitised, for the title.
    pub target: String,
    /// Every remedy in [`ActionKind::ALL`] order.
    pub fits: Vec<Fit>,
    /// The highlighted line.
    pub selected: usize,
    /// Set when the agent asked for the highlighted remedy although it does not apply: the
    /// view then says why nothing opened. Cleared by the next move.
    pub refused: bool,
}

impl ActionsMenu {
    /// The menu for `user`; `methods` are its sign-in methods, `None` while unknown. Opens
    /// on the best remedy ([`remedies::best`]), else on the first line.
    pub fn open(user: &User, methods: Option<&[AuthenticationMethodType]>) -> ActionsMenu {
        let fits = remedies::assess(user, methods);
        let selected = remedies::best(&fits)
            .and_then(|kind| fits.iter().position(|f| f.kind == kind))
            .unwrap_or(0);
        ActionsMenu {
            user_id: user.user_id.clone(),
            target: sanitize(&display_name(user)).into_owned(),
            fits,
            selected,
            refused: false,
        }
    }

    /// The highlighted remedy.
    pub fn current(&self) -> Option<&Fit> {
        self.fits.get(self.selected)
    }

    /// Enter on a remedy that does not apply chooses nothing: it answers `Changed` and sets
    /// [`ActionsMenu::refused`], so the agent sees why instead of a key that seems dead (the
    /// reason is on the line already; the note under the lines repeats it as the answer).
    pub fn on_key(&mut self, ev: &KeyEvent) -> MenuRequest {
        let n = self.fits.len().max(1);
        match KEYMAP.action(ev) {
            Some(MenuAction::Down) => self.select((self.selected + 1) % n),
            Some(MenuAction::Up) => self.select((self.selected + n - 1) % n),
            Some(MenuAction::Choose) => self.choose(),
            Some(MenuAction::Pick) => {
                let at = match ev.code {
                    KeyCode::Char(c) => DIGITS.iter().position(|&d| d == c),
                    _ => None,
                };
                match at.filter(|&i| i < self.fits.len()) {
                    Some(i) => {
                        self.select(i);
                        self.choose()
                    }
                    None => MenuRequest::Nothing,
                }
            }
            Some(MenuAction::Close) => MenuRequest::Close,
            None => MenuRequest::Nothing,
        }
    }

    fn select(&mut self, at: usize) -> MenuRequest {
        self.selected = at;
        self.refused = false;
        MenuRequest::Changed
    }

    fn choose(&mut self) -> MenuRequest {
        match self.current() {
            Some(fit) if fit.verdict.applicable() => MenuRequest::Choose(fit.kind),
            Some(_) => {
                self.refused = true;
                MenuRequest::Changed
            }
            None => MenuRequest::Nothing,
        }
    }
}

#[cfg(test)]
mod tests;
