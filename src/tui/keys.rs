//! Keys → actions. Every piece of the console that takes keys (the list and detail, the search
//! line, each phase of a dialog, the profile picker) declares its [`Keymap`] as data beside
//! its own state, with its own action type; this module only knows how to read them. The help
//! overlay, the status-line hints, the dialogs' footers and every key named in a message are
//! generated from those tables, so they can never drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the keymap names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

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

    /// How a sentence names the key: "Ctrl-R", "Enter", "F5", "q".
    pub fn name(self) -> String {
        match self {
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(KeyCode::F(n)) => format!("F{n}"),
            Key::Code(KeyCode::Enter) => "Enter".into(),
            Key::Code(KeyCode::Esc) => "Esc".into(),
            Key::Code(KeyCode::Tab) => "Tab".into(),
            Key::Code(code) => format!("{code:?}"),
        }
    }
}

/// One line of a keymap.
#[derive(Debug)]
pub struct Binding<A: 'static> {
    pub keys: &'static [Key],
    /// How the keys are written in help, hints and footers, e.g. "j/↓".
    pub label: &'static str,
    pub action: A,
    /// What the help overlay says the keys do.
    pub help: &'static str,
    /// The short form for the status-line hints and the dialogs' footers; `None` keeps the
    /// binding out of them (short on space at 80 columns).
    pub hint: Option<&'static str>,
}

/// The bindings that apply together — one screen mode, or one phase of a dialog — with the
/// action type of whoever owns them. `groups` lets modes share runs of bindings.
#[derive(Debug)]
pub struct Keymap<A: 'static> {
    /// For the help overlay's title; unique among keymaps.
    pub name: &'static str,
    pub groups: &'static [&'static [Binding<A>]],
}

/// Bindings that hold in every keymap, checked before the keymap's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    Quit,
    /// Ctrl-Z: hand the terminal back to the shell and stop, as any terminal program does.
    Suspend,
}

#[rustfmt::skip]
static GLOBAL_BINDINGS: &[Binding<Global>] = &[
    Binding { keys: &[Key::Ctrl('c')], label: "^C", action: Global::Quit, help: "quit (anywhere)", hint: None },
    Binding { keys: &[Key::Ctrl('z')], label: "^Z", action: Global::Suspend, help: "suspend (fg resumes)", hint: None },
];

/// Ctrl-C quits and Ctrl-Z suspends anywhere, whatever has the keyboard.
pub fn global(ev: &KeyEvent) -> Option<Global> {
    find(GLOBAL_BINDINGS.iter(), ev)
}

/// Over SSH and from tmux, `Esc` and the key typed right after it often arrive in one read,
/// and crossterm reports the pair as Alt+key. zitadesk binds no Alt key, so an Alt+key is
/// taken apart again: `Esc`, then the key without Alt.
pub fn split_alt(ev: &KeyEvent) -> Option<[KeyEvent; 2]> {
    if !ev.modifiers.contains(KeyModifiers::ALT) || ev.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let mut key = *ev;
    key.modifiers.remove(KeyModifiers::ALT);
    Some([esc, key])
}

/// How a message names the key that quits anywhere ("Ctrl-C").
pub fn quit_key() -> String {
    GLOBAL_BINDINGS
        .iter()
        .find(|b| b.action == Global::Quit)
        .and_then(|b| b.keys.first())
        .map(|k| k.name())
        .unwrap_or_default()
}

fn find<'a, A: Copy + 'static>(
    mut bindings: impl Iterator<Item = &'a Binding<A>>,
    ev: &KeyEvent,
) -> Option<A> {
    bindings
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

impl<A: Copy + PartialEq + 'static> Keymap<A> {
    /// The action bound to a key here. An unbound key is text for an input field, if the
    /// owner has one (the caller passes it on).
    pub fn action(&self, ev: &KeyEvent) -> Option<A> {
        find(self.bindings(), ev)
    }

    pub fn bindings(&self) -> impl Iterator<Item = &'static Binding<A>> + use<A> {
        self.groups.iter().flat_map(|g| g.iter())
    }

    /// The label of the binding for `action`, as help writes it ("↑", "j/↓").
    pub fn label(&self, action: A) -> &'static str {
        self.bindings()
            .find(|b| b.action == action)
            .map_or("", |b| b.label)
    }

    /// How a sentence names the first key bound to `action` ("Ctrl-R"), for messages that
    /// tell the agent what to press.
    pub fn key_name(&self, action: A) -> String {
        self.bindings()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(|k| k.name())
            .unwrap_or_default()
    }
}

/// One row of the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpLine {
    pub label: &'static str,
    pub help: &'static str,
}

/// What the views need of the keymap in force, whatever its action type.
pub trait KeyHelp: Sync {
    fn name(&self) -> &'static str;
    /// The keymap's own bindings, for help (the global ones come after, see [`help_lines`]).
    fn own_lines(&self) -> Vec<HelpLine>;
    /// "/ search · Enter open the user · …" for the status line or a dialog's footer.
    fn hints(&self) -> String;
}

impl<A: Copy + PartialEq + Sync + 'static> KeyHelp for Keymap<A> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn own_lines(&self) -> Vec<HelpLine> {
        self.bindings()
            .map(|b| HelpLine {
                label: b.label,
                help: b.help,
            })
            .collect()
    }

    fn hints(&self) -> String {
        self.bindings()
            .filter_map(|b| b.hint.map(|h| format!("{} {h}", b.label)))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl PartialEq for dyn KeyHelp {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl std::fmt::Debug for dyn KeyHelp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keymap({})", self.name())
    }
}

/// Every binding of a keymap in help order: its own, then those that hold everywhere.
pub fn help_lines(keymap: &dyn KeyHelp) -> Vec<HelpLine> {
    let mut lines = keymap.own_lines();
    lines.extend(GLOBAL_BINDINGS.iter().map(|b| HelpLine {
        label: b.label,
        help: b.help,
    }));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Act {
        One,
        Two,
    }

    #[rustfmt::skip]
    static ONE: &[Binding<Act>] = &[
        Binding { keys: &[Key::Char('a'), Key::Code(KeyCode::Up)], label: "a/↑", action: Act::One, help: "the first", hint: Some("first") },
    ];
    #[rustfmt::skip]
    static TWO: &[Binding<Act>] = &[
        Binding { keys: &[Key::Ctrl('r'), Key::Code(KeyCode::F(5))], label: "^R/F5", action: Act::Two, help: "the second", hint: None },
    ];
    static MAP: Keymap<Act> = Keymap {
        name: "test",
        groups: &[ONE, TWO],
    };

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_key_of_a_binding_maps_to_its_action_and_modifiers_count() {
        assert_eq!(MAP.action(&key(KeyCode::Char('a'))), Some(Act::One));
        assert_eq!(MAP.action(&key(KeyCode::Up)), Some(Act::One));
        assert_eq!(MAP.action(&key(KeyCode::F(5))), Some(Act::Two));
        assert_eq!(
            MAP.action(&key(KeyCode::Char('r'))),
            None,
            "r without Ctrl is text"
        );
        let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(MAP.action(&ctrl_r), Some(Act::Two));
        let alt_a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::ALT);
        assert_eq!(MAP.action(&alt_a), None);
    }

    #[test]
    fn hints_help_and_key_names_come_from_the_table() {
        assert_eq!(MAP.hints(), "a/↑ first");
        let lines = help_lines(&MAP);
        assert_eq!(
            lines.iter().map(|l| l.label).collect::<Vec<_>>(),
            ["a/↑", "^R/F5", "^C", "^Z"],
            "own bindings in table order, then the global ones"
        );
        assert_eq!(MAP.key_name(Act::Two), "Ctrl-R");
        assert_eq!(MAP.key_name(Act::One), "a");
        assert_eq!(MAP.label(Act::One), "a/↑");
    }

    #[test]
    fn alt_key_is_esc_then_the_key() {
        let alt_slash = KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT);
        let [esc, slash] = split_alt(&alt_slash).expect("split");
        assert_eq!(esc.code, KeyCode::Esc);
        assert_eq!(
            (slash.code, slash.modifiers),
            (KeyCode::Char('/'), KeyModifiers::NONE)
        );
        let alt_shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::ALT | KeyModifiers::SHIFT);
        let [_, g] = split_alt(&alt_shift_g).expect("split");
        assert_eq!(g.modifiers, KeyModifiers::SHIFT, "Shift stays");
        assert_eq!(
            split_alt(&KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        let ctrl_alt = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT | KeyModifiers::CONTROL);
        assert_eq!(split_alt(&ctrl_alt), None, "Ctrl+Alt is not an Esc prefix");
    }

    #[test]
    fn ctrl_z_suspends_anywhere() {
        let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert_eq!(global(&ctrl_z), Some(Global::Suspend));
        assert_eq!(
            global(&KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn ctrl_c_is_global_and_plain_c_is_not() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(global(&ctrl_c), Some(Global::Quit));
        assert_eq!(global(&key(KeyCode::Char('c'))), None);
    }
}
