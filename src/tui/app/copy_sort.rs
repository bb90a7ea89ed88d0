//! The App's side of the copy menu (`y`) and the sort picker (`s`): opening them on the user
//! or order in view, and carrying out what they ask.

use crossterm::event::KeyEvent;

use super::App;
use crate::tui::copy_menu::{self, CopyMenu, CopyRequest};
use crate::tui::keys::KeyHelp;
use crate::tui::messages;
use crate::tui::msg::Effect;
use crate::tui::sort_picker::{self, SortPicker, SortRequest};

impl App {
    /// The copy menu or the sort picker is open.
    pub(super) fn copy_sort_open(&self) -> bool {
        self.copy_menu.is_some() || self.sort_picker.is_some()
    }

    /// The keymap of the copy menu or the sort picker, when one is open.
    pub(super) fn copy_sort_keymap(&self) -> Option<&'static dyn KeyHelp> {
        if self.copy_menu.is_some() {
            return Some(&copy_menu::KEYMAP);
        }
        if self.sort_picker.is_some() {
            return Some(&sort_picker::KEYMAP);
        }
        None
    }

    /// `y`: the copy menu for the user in view (the detail's, else the selected row's).
    pub(super) fn open_copy_menu(&mut self) -> (bool, Vec<Effect>) {
        let Some(user) = self.user_in_view() else {
            return (false, Vec::new());
        };
        self.copy_menu = Some(CopyMenu::open(user));
        (true, Vec::new())
    }

    /// `s`: the sort picker, on the order in effect.
    pub(super) fn open_sort_picker(&mut self) -> (bool, Vec<Effect>) {
        self.sort_picker = Some(SortPicker::open(self.sort));
        (true, Vec::new())
    }

    pub(super) fn on_copy_sort_key(&mut self, ev: &KeyEvent) -> (bool, Vec<Effect>) {
        if let Some(menu) = self.copy_menu.as_mut() {
            return match menu.on_key(ev) {
                CopyRequest::Nothing => (false, Vec::new()),
                CopyRequest::Changed => (true, Vec::new()),
                CopyRequest::Close => {
                    self.copy_menu = None;
                    (true, Vec::new())
                }
                CopyRequest::Copy(field, text) => {
                    self.copy_menu = None;
                    self.status_note = Some(messages::copied_field(field, self.connection.clipboard));
                    (true, vec![Effect::CopyText(text)])
                }
            };
        }
        let Some(picker) = self.sort_picker.as_mut() else {
            return (false, Vec::new());
        };
        match picker.on_key(ev) {
            SortRequest::Nothing => (false, Vec::new()),
            SortRequest::Changed => (true, Vec::new()),
            SortRequest::Close => {
                self.sort_picker = None;
                (true, Vec::new())
            }
            SortRequest::Sort(sort) => {
                self.sort_picker = None;
                (true, self.set_sort(sort))
            }
        }
    }
}
