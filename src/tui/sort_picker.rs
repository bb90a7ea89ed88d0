//! The sort picker (`s`): the columns the list can be sorted by, the one in effect marked.
//! A digit (or Enter on the highlighted line) sorts by that column at once — ascending
//! unless `d` turned the picker to descending first. Pure: the App reads the list again.

use crossterm::event::{KeyCode, KeyEvent};

use super::keys::{Binding, Key, Keymap};
use super::sort::COLUMNS;
use crate::api::query::ListSort;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortAction {
    Down,
    Up,
    Choose,
    /// A digit: the column on that line (1 = the first).
    Pick,
    /// Ascending ↔ descending for the column about to be picked.
    Direction,
    Close,
}

/// The digits that pick a line, one per [`COLUMNS`] entry.
const DIGITS: [char; 5] = ['1', '2', '3', '4', '5'];

#[rustfmt::skip]
static BINDINGS: &[Binding<SortAction>] = &[
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: SortAction::Down, help: "next column", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: SortAction::Up, help: "previous column", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: SortAction::Choose, help: "sort by the highlighted column", hint: Some("sort") },
    Binding {
        keys: &[Key::Char('1'), Key::Char('2'), Key::Char('3'), Key::Char('4'), Key::Char('5')],
        label: "1-5", action: SortAction::Pick, help: "sort by the column on that line", hint: Some("pick"),
    },
    Binding { keys: &[Key::Char('d'), Key::Char('S')], label: "d/S", action: SortAction::Direction, help: "ascending ↔ descending", hint: Some("↑/↓") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: SortAction::Close, help: "keep the order", hint: Some("close") },
];

pub static KEYMAP: Keymap<SortAction> = Keymap {
    name: "sort",
    groups: &[BINDINGS],
};

/// What the picker asks of the App.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortRequest {
    Nothing,
    Changed,
    Close,
    /// Close and read the list in this order.
    Sort(ListSort),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortPicker {
    /// The order in effect, marked in the list.
    pub current: ListSort,
    /// The highlighted line (an index into [`COLUMNS`]).
    pub selected: usize,
    /// Whether a pick sorts ascending (the picker opens so: one key for the common case).
    pub ascending: bool,
}

impl SortPicker {
    /// Opens on the column in effect, ascending.
    pub fn open(current: ListSort) -> SortPicker {
        SortPicker {
            current,
            selected: COLUMNS
                .iter()
                .position(|(c, _)| *c == current.column)
                .unwrap_or(0),
            ascending: true,
        }
    }

    pub fn on_key(&mut self, ev: &KeyEvent) -> SortRequest {
        let n = COLUMNS.len().max(1);
        match KEYMAP.action(ev) {
            Some(SortAction::Down) => {
                self.selected = (self.selected + 1) % n;
                SortRequest::Changed
            }
            Some(SortAction::Up) => {
                self.selected = (self.selected + n - 1) % n;
                SortRequest::Changed
            }
            Some(SortAction::Direction) => {
                self.ascending = !self.ascending;
                SortRequest::Changed
            }
            Some(SortAction::Choose) => self.sort_by(self.selected),
            Some(SortAction::Pick) => match ev.code {
                KeyCode::Char(c) => match DIGITS.iter().position(|&d| d == c) {
                    Some(at) => self.sort_by(at),
                    None => SortRequest::Nothing,
                },
                _ => SortRequest::Nothing,
            },
            Some(SortAction::Close) => SortRequest::Close,
            None => SortRequest::Nothing,
        }
    }

    /// The order in effect again only closes: nothing to read anew.
    fn sort_by(&self, at: usize) -> SortRequest {
        let Some((column, _)) = COLUMNS.get(at) else {
            return SortRequest::Nothing;
        };
        let sort = ListSort {
            column: *column,
            ascending: self.ascending,
        };
        if sort == self.current {
            SortRequest::Close
        } else {
            SortRequest::Sort(sort)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::UserFieldName;
    use crossterm::event::KeyModifiers;

    fn press(p: &mut SortPicker, code: KeyCode) -> SortRequest {
        p.on_key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn sort(column: UserFieldName, ascending: bool) -> SortRequest {
        SortRequest::Sort(ListSort { column, ascending })
    }

    #[test]
    fn a_digit_sorts_ascending_by_its_column_in_one_key() {
        let mut p = SortPicker::open(ListSort::default());
        assert_eq!(p.selected, 0, "on the column in effect");
        assert_eq!(
            press(&mut p, KeyCode::Char('3')),
            sort(UserFieldName::Email, true)
        );
        assert_eq!(
            press(&mut p, KeyCode::Char('5')),
            sort(UserFieldName::CreationDate, true)
        );
        assert_eq!(press(&mut p, KeyCode::Char('6')), SortRequest::Nothing);
    }

    #[test]
    fn d_turns_the_pick_descending_and_enter_takes_the_highlighted_line() {
        let current = ListSort {
            column: UserFieldName::Email,
            ascending: false,
        };
        let mut p = SortPicker::open(current);
        assert_eq!(p.selected, 2);
        assert!(p.ascending, "opens ascending whatever is in effect");
        assert_eq!(press(&mut p, KeyCode::Char('d')), SortRequest::Changed);
        assert!(!p.ascending);
        assert_eq!(press(&mut p, KeyCode::Enter), SortRequest::Close, "already so");
        assert_eq!(press(&mut p, KeyCode::Char('j')), SortRequest::Changed);
        assert_eq!(press(&mut p, KeyCode::Enter), sort(UserFieldName::State, false));
        assert_eq!(press(&mut p, KeyCode::Char('S')), SortRequest::Changed);
        assert_eq!(
            press(&mut p, KeyCode::Char('3')),
            sort(UserFieldName::Email, true)
        );
        assert_eq!(p.selected, 3, "a pick leaves the highlight");
        for _ in 0..4 {
            press(&mut p, KeyCode::Char('k'));
        }
        assert_eq!(p.selected, 4, "moving wraps");
        assert_eq!(press(&mut p, KeyCode::Esc), SortRequest::Close);
    }
}
