//! The copy menu (`y` on a user): the user ID, the email and the login name, each with the
//! value it would copy. Pure: the App turns a choice into `Effect::CopyText`. A value that
//! is missing, or not fit for the clipboard (`ClipText`), is shown but cannot be chosen.

use crossterm::event::{KeyCode, KeyEvent};

use super::clipboard::{ClipText, NotCopyable};
use super::keys::{Binding, Key, Keymap};
use crate::api::wire::User;
use crate::text::sanitize;
use crate::userinfo::{self, display_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyAction {
    Down,
    Up,
    Choose,
    /// A digit: the value on that line (1 = the first).
    Pick,
    Close,
}

/// What can be copied, in the menu's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyField {
    UserId,
    Email,
    /// The preferred login name (what the user types to sign in).
    LoginName,
}

impl CopyField {
    pub const ALL: [CopyField; 3] = [CopyField::UserId, CopyField::Email, CopyField::LoginName];
}

/// The digits that pick a line, one per [`CopyField::ALL`] entry.
const DIGITS: [char; 3] = ['1', '2', '3'];

#[rustfmt::skip]
static BINDINGS: &[Binding<CopyAction>] = &[
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: CopyAction::Down, help: "next value", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: CopyAction::Up, help: "previous value", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: CopyAction::Choose, help: "copy it to the clipboard (OSC 52)", hint: Some("copy") },
    Binding { keys: &[Key::Char('1'), Key::Char('2'), Key::Char('3')], label: "1-3", action: CopyAction::Pick, help: "copy the value on that line", hint: Some("pick") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: CopyAction::Close, help: "close without copying", hint: Some("close") },
];

pub static KEYMAP: Keymap<CopyAction> = Keymap {
    name: "copy",
    groups: &[BINDINGS],
};

/// One line: what it is, and the value or why there is none to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyItem {
    pub field: CopyField,
    /// The value as shown, sanitised (empty when missing).
    pub shown: String,
    /// What goes on the clipboard, or why nothing can.
    pub value: Result<ClipText, NotCopyable>,
}

impl CopyItem {
    fn of(field: CopyField, raw: &str) -> CopyItem {
        CopyItem {
            field,
            shown: sanitize(raw).into_owned(),
            value: ClipText::new(raw),
        }
    }

    pub fn choosable(&self) -> bool {
        self.value.is_ok()
    }
}

/// What the menu asks of the App.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyRequest {
    Nothing,
    /// Redraw: the selection moved, or a value that cannot be copied was asked for.
    Changed,
    Close,
    /// Close and put this value on the clipboard.
    Copy(CopyField, ClipText),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyMenu {
    /// The user the values are of.
    pub user_id: String,
    /// The user's name, sanitised, for the title.
    pub target: String,
    /// Every field in [`CopyField::ALL`] order.
    pub items: Vec<CopyItem>,
    /// The highlighted line.
    pub selected: usize,
    /// Set when the agent asked for a line that cannot be copied: the view says why. Cleared
    /// by the next move.
    pub refused: bool,
}

impl CopyMenu {
    /// The menu for `user`, on the first value that can be copied.
    pub fn open(user: &User) -> CopyMenu {
        let items: Vec<CopyItem> = CopyField::ALL
            .iter()
            .map(|&field| {
                let raw = match field {
                    CopyField::UserId => user.user_id.as_str(),
                    CopyField::Email => userinfo::email(user).unwrap_or(""),
                    CopyField::LoginName => user.preferred_login_name.as_str(),
                };
                CopyItem::of(field, raw)
            })
            .collect();
        let selected = items.iter().position(CopyItem::choosable).unwrap_or(0);
        CopyMenu {
            user_id: user.user_id.clone(),
            target: sanitize(&display_name(user)).into_owned(),
            items,
            selected,
            refused: false,
        }
    }

    /// The highlighted line.
    pub fn current(&self) -> Option<&CopyItem> {
        self.items.get(self.selected)
    }

    pub fn on_key(&mut self, ev: &KeyEvent) -> CopyRequest {
        let n = self.items.len().max(1);
        match KEYMAP.action(ev) {
            Some(CopyAction::Down) => self.select((self.selected + 1) % n),
            Some(CopyAction::Up) => self.select((self.selected + n - 1) % n),
            Some(CopyAction::Choose) => self.choose(),
            Some(CopyAction::Pick) => {
                let at = match ev.code {
                    KeyCode::Char(c) => DIGITS.iter().position(|&d| d == c),
                    _ => None,
                };
                match at.filter(|&i| i < self.items.len()) {
                    Some(i) => {
                        self.select(i);
                        self.choose()
                    }
                    None => CopyRequest::Nothing,
                }
            }
            Some(CopyAction::Close) => CopyRequest::Close,
            None => CopyRequest::Nothing,
        }
    }

    fn select(&mut self, at: usize) -> CopyRequest {
        self.selected = at;
        self.refused = false;
        CopyRequest::Changed
    }

    /// A line that cannot be copied chooses nothing: `Changed`, with [`CopyMenu::refused`]
    /// set, so the agent sees why instead of a key that seems dead.
    fn choose(&mut self) -> CopyRequest {
        match self.current() {
            Some(CopyItem {
                field,
                value: Ok(text),
                ..
            }) => CopyRequest::Copy(*field, text.clone()),
            Some(_) => {
                self.refused = true;
                CopyRequest::Changed
            }
            None => CopyRequest::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{HumanEmail, HumanUser};
    use crossterm::event::KeyModifiers;

    fn press(m: &mut CopyMenu, code: KeyCode) -> CopyRequest {
        m.on_key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn user(email: &str, login: &str) -> User {
        User {
            user_id: "312909075211944344".into(),
            preferred_login_name: login.into(),
            human: Some(HumanUser {
                email: (!email.is_empty()).then(|| HumanEmail {
                    email: email.into(),
                    is_verified: false,
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    fn copy(field: CopyField, value: &str) -> CopyRequest {
        CopyRequest::Copy(field, ClipText::new(value).expect("copyable"))
    }

    #[test]
    fn each_digit_copies_its_value_and_enter_the_highlighted_one() {
        let mut m = CopyMenu::open(&user("jane@acme.example", "jane@acme.zitadel.cloud"));
        assert_eq!(m.selected, 0);
        assert_eq!(
            press(&mut m, KeyCode::Char('1')),
            copy(CopyField::UserId, "312909075211944344")
        );
        assert_eq!(
            press(&mut m, KeyCode::Char('2')),
            copy(CopyField::Email, "jane@acme.example")
        );
        assert_eq!(
            press(&mut m, KeyCode::Char('3')),
            copy(CopyField::LoginName, "jane@acme.zitadel.cloud")
        );
        assert_eq!(m.selected, 2, "a digit highlights its line");
        assert_eq!(press(&mut m, KeyCode::Down), CopyRequest::Changed);
        assert_eq!(m.selected, 0, "moving wraps");
        assert_eq!(press(&mut m, KeyCode::Char('j')), CopyRequest::Changed);
        assert_eq!(
            press(&mut m, KeyCode::Enter),
            copy(CopyField::Email, "jane@acme.example")
        );
        assert_eq!(press(&mut m, KeyCode::Up), CopyRequest::Changed);
        assert_eq!(press(&mut m, KeyCode::Char('k')), CopyRequest::Changed);
        assert_eq!(m.selected, 2, "moving wraps");
        assert_eq!(press(&mut m, KeyCode::Char('4')), CopyRequest::Nothing);
        assert_eq!(press(&mut m, KeyCode::Char('x')), CopyRequest::Nothing);
        assert_eq!(press(&mut m, KeyCode::Esc), CopyRequest::Close);
    }

    #[test]
    fn a_missing_or_hidden_value_is_shown_but_not_copied() {
        let mut m = CopyMenu::open(&user("", "jane\r\nrm -rf ~"));
        assert_eq!(m.items[1].value, Err(NotCopyable::Empty));
        assert_eq!(m.items[2].value, Err(NotCopyable::Hidden));
        assert_eq!(m.items[2].shown, "jane␍␊rm -rf ~", "shown sanitised");
        for digit in ['2', '3'] {
            assert_eq!(press(&mut m, KeyCode::Char(digit)), CopyRequest::Changed);
            assert!(m.refused, "{digit}: the menu says why");
        }
        press(&mut m, KeyCode::Up);
        assert!(!m.refused, "a move clears the note");
    }

    #[test]
    fn a_user_without_any_copyable_value_opens_on_the_first_line() {
        let nobody = User {
            preferred_login_name: "x\u{1b}[2J".into(),
            ..User::default()
        };
        let m = CopyMenu::open(&nobody);
        assert_eq!(m.selected, 0);
        assert!(m.items.iter().all(|i| !i.choosable()));
    }
}
