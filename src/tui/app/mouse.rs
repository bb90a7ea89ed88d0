//! The mouse, when the agent turned it on (`mouse = true` in the config, or `--mouse`; off by
//! default so the terminal's own text selection keeps working): the wheel moves the selection,
//! a click selects a row, a double click opens it. Each does what a key does; while a popup,
//! the command line (or a view it opened) or the search line has the keyboard, the mouse does
//! nothing.

use std::time::{Duration, Instant};

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, Effect};
use crate::tui::browse::{BrowseAction, Mode};

/// Two clicks on the same row within this time open it.
pub const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Rows one wheel step moves the selection.
pub const WHEEL_ROWS: isize = 3;

/// The last click: when, and on which row (an index into the list).
#[derive(Debug, Clone, Copy)]
pub struct Click {
    at: Instant,
    row: usize,
}

impl App {
    pub(super) fn on_mouse(&mut self, ev: MouseEvent, at: Instant) -> (bool, Vec<Effect>) {
        let elsewhere =
            self.popup_open() || self.help_open || self.syntax_open || self.commands.keymap().is_some();
        if elsewhere || self.mode == Mode::Search {
            return (false, Vec::new());
        }
        let viewport = self.viewport();
        let before = (self.list.selected, self.list.scroll);
        match ev.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if self.over_list(ev) => {
                let step = if ev.kind == MouseEventKind::ScrollDown {
                    WHEEL_ROWS
                } else {
                    -WHEEL_ROWS
                };
                self.list.move_by(step, viewport);
                let effects = self.fetch_wanted().into_iter().collect();
                self.finish_move(before, effects)
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let Some(row) = self.row_at(ev) else {
                    return (false, Vec::new());
                };
                let double = self
                    .last_click
                    .take()
                    .is_some_and(|c| c.row == row && at.saturating_duration_since(c.at) <= DOUBLE_CLICK);
                if double {
                    if self.mode == Mode::Detail {
                        return (false, Vec::new());
                    }
                    return self.on_action(BrowseAction::OpenDetail);
                }
                self.last_click = Some(Click { at, row });
                self.list
                    .move_by(row as isize - self.list.selected as isize, viewport);
                self.finish_move(before, Vec::new())
            }
            _ => (false, Vec::new()),
        }
    }

    fn over_list(&self, ev: MouseEvent) -> bool {
        let area = self.areas().list;
        area.contains(ratatui::layout::Position::new(ev.column, ev.row))
    }

    /// The list row under the pointer: rows start under the column titles.
    fn row_at(&self, ev: MouseEvent) -> Option<usize> {
        let area = self.areas().list;
        if !self.over_list(ev) || ev.row <= area.y {
            return None;
        }
        let row = self.list.scroll + usize::from(ev.row - area.y - 1);
        (row < self.list.len()).then_some(row)
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyModifiers, MouseEvent};

    use super::*;
    use crate::api::wire::{ListDetails, ListUsersResponse, User};
    use crate::tui::app::Connection;
    use crate::tui::msg::Msg;

    /// 80×24 with 40 users listed: the list's titles on row 2, its rows from row 3.
    fn listed() -> App {
        let mut a = App::new(Connection::default(), 80, 24);
        let Some(Effect::ListUsers { id, .. }) = a.start().into_iter().next() else {
            panic!("start lists users")
        };
        let users: Vec<User> = (0..40)
            .map(|i| User {
                user_id: format!("{}", 100 + i),
                ..User::default()
            })
            .collect();
        a.update(Msg::Listed {
            id,
            result: Ok(ListUsersResponse {
                details: ListDetails {
                    total_result: 40,
                    ..ListDetails::default()
                },
                result: users,
                ..ListUsersResponse::default()
            }),
        });
        assert_eq!(a.areas().list.y, 2, "the layout these tests assume");
        a
    }

    fn mouse(a: &mut App, kind: MouseEventKind, column: u16, row: u16, at: Instant) -> (bool, Vec<Effect>) {
        a.update(Msg::Mouse {
            event: MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            },
            at,
        })
    }

    fn click(a: &mut App, row: u16, at: Instant) -> (bool, Vec<Effect>) {
        mouse(a, MouseEventKind::Down(MouseButton::Left), 10, row, at)
    }

    #[test]
    fn the_wheel_moves_the_selection_three_rows_over_the_list_only() {
        let mut a = listed();
        let now = Instant::now();
        assert!(mouse(&mut a, MouseEventKind::ScrollDown, 10, 10, now).0);
        assert_eq!(a.list.selected, 3);
        mouse(&mut a, MouseEventKind::ScrollUp, 10, 10, now);
        assert_eq!(a.list.selected, 0);
        // The header row is not the list.
        assert_eq!(
            mouse(&mut a, MouseEventKind::ScrollDown, 10, 0, now),
            (false, vec![])
        );
        assert_eq!(a.list.selected, 0);
    }

    #[test]
    fn a_click_selects_the_row_and_a_quick_second_click_opens_it() {
        let mut a = listed();
        let t0 = Instant::now();
        // Row 3 is the first user; row 7 the fifth.
        let (changed, effects) = click(&mut a, 7, t0);
        assert!(changed && effects.is_empty(), "{effects:?}");
        assert_eq!(a.list.selected, 4);
        // The titles row selects nothing.
        assert_eq!(click(&mut a, 2, t0), (false, vec![]));
        let (_, effects) = click(&mut a, 7, t0 + Duration::from_millis(100));
        assert_eq!(a.mode, Mode::Detail, "the titles click in between did not count");
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::GetUser { user_id, .. } if user_id == "104")),
            "the clicked user is fetched: {effects:?}"
        );
    }

    #[test]
    fn two_slow_clicks_only_select() {
        let mut a = listed();
        let t0 = Instant::now();
        click(&mut a, 5, t0);
        let (_, effects) = click(&mut a, 5, t0 + DOUBLE_CLICK + Duration::from_millis(1));
        assert!(effects.is_empty(), "{effects:?}");
        assert_eq!((a.mode, a.list.selected), (Mode::List, 2));
    }

    #[test]
    fn the_mouse_does_nothing_while_the_keyboard_is_elsewhere() {
        let mut a = listed();
        a.help_open = true;
        assert_eq!(click(&mut a, 7, Instant::now()), (false, vec![]));
        a.help_open = false;
        a.mode = Mode::Search;
        assert_eq!(click(&mut a, 7, Instant::now()), (false, vec![]));
        assert_eq!(a.list.selected, 0);
    }
}
