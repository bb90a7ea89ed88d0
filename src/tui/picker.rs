//! The profile picker (`P`): which of the config file's profiles is highlighted, and its
//! keys. Pure: the App turns a chosen profile into a reconnect.

use crossterm::event::{KeyCode, KeyEvent};

use super::keys::{Binding, Key, Keymap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerAction {
    Down,
    Up,
    Choose,
    Cancel,
}

#[rustfmt::skip]
static BINDINGS: &[Binding<PickerAction>] = &[
    Binding { keys: &[Key::Char('j'), Key::Code(KeyCode::Down)], label: "j/↓", action: PickerAction::Down, help: "next profile", hint: None },
    Binding { keys: &[Key::Char('k'), Key::Code(KeyCode::Up)], label: "k/↑", action: PickerAction::Up, help: "previous profile", hint: None },
    Binding { keys: &[Key::Code(KeyCode::Enter)], label: "Enter", action: PickerAction::Choose, help: "switch to it (reconnects)", hint: Some("switch") },
    Binding { keys: &[Key::Code(KeyCode::Esc)], label: "Esc", action: PickerAction::Cancel, help: "keep the current profile", hint: Some("keep") },
];

pub static KEYMAP: Keymap<PickerAction> = Keymap {
    name: "profiles",
    groups: &[BINDINGS],
};

/// What the picker asks of the App.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerRequest {
    Nothing,
    Changed,
    /// Close, keeping the current profile.
    Close,
    /// Close and reconnect with this profile.
    Switch(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfilePicker {
    /// The highlighted profile.
    pub at: usize,
    profiles: Vec<String>,
    current: Option<String>,
}

impl ProfilePicker {
    /// Opens on the current profile. `None` when there is nothing to pick from.
    pub fn open(profiles: &[String], current: Option<&String>) -> Option<ProfilePicker> {
        if profiles.is_empty() {
            return None;
        }
        let at = profiles.iter().position(|p| Some(p) == current).unwrap_or(0);
        Some(ProfilePicker {
            at,
            profiles: profiles.to_vec(),
            current: current.cloned(),
        })
    }

    pub fn on_key(&mut self, ev: &KeyEvent) -> PickerRequest {
        let n = self.profiles.len().max(1);
        match KEYMAP.action(ev) {
            Some(PickerAction::Down) => {
                self.at = (self.at + 1) % n;
                PickerRequest::Changed
            }
            Some(PickerAction::Up) => {
                self.at = (self.at + n - 1) % n;
                PickerRequest::Changed
            }
            Some(PickerAction::Choose) => match self.profiles.get(self.at) {
                Some(name) if Some(name) != self.current.as_ref() => PickerRequest::Switch(name.clone()),
                _ => PickerRequest::Close,
            },
            Some(PickerAction::Cancel) => PickerRequest::Close,
            None => PickerRequest::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn press(p: &mut ProfilePicker, code: KeyCode) -> PickerRequest {
        p.on_key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn opens_on_the_current_profile_and_wraps_around() {
        let profiles = names(&["a", "b", "c"]);
        let mut p = ProfilePicker::open(&profiles, Some(&"b".to_string())).expect("profiles");
        assert_eq!(p.at, 1);
        press(&mut p, KeyCode::Down);
        assert_eq!(press(&mut p, KeyCode::Char('j')), PickerRequest::Changed);
        assert_eq!(p.at, 0);
        press(&mut p, KeyCode::Up);
        assert_eq!(p.at, 2);
        assert_eq!(press(&mut p, KeyCode::Enter), PickerRequest::Switch("c".into()));
    }

    #[test]
    fn choosing_the_current_profile_or_esc_only_closes() {
        let profiles = names(&["a", "b"]);
        let mut p = ProfilePicker::open(&profiles, Some(&"a".to_string())).expect("profiles");
        assert_eq!(press(&mut p, KeyCode::Enter), PickerRequest::Close);
        assert_eq!(press(&mut p, KeyCode::Esc), PickerRequest::Close);
        assert_eq!(press(&mut p, KeyCode::Char('x')), PickerRequest::Nothing);
        assert_eq!(ProfilePicker::open(&[], None), None);
    }
}
