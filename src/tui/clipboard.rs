//! Copying over SSH: the OSC 52 escape sequence asks the agent's own terminal (not the jump
//! host) to put text on the clipboard. How it is sent — plain, wrapped for a multiplexer, or
//! not at all — is decided once at start ([`Clipboard::new`]), from the `clipboard` setting
//! and the multiplexer the console runs in.
//!
//! tmux (checked against tmux/tmux at c1f947a3, i.e. 3.7): a plain OSC 52 from an application
//! is forwarded to the outer terminal only under `set-clipboard on` (`input.c`,
//! `input_osc_52_parse`: `if (options_get_number(global_options, "set-clipboard") != 2)
//! return (0);`; the default is `external`, `options-table.c` `default_num = 1`). The DCS
//! passthrough form (`ESC Ptmux;…`) is dropped unless `allow-passthrough` is on
//! (`input_dcs_dispatch`), and its default is `off` since 3.3 (`options-table.c`,
//! `default_num = 0`; CHANGES 3.2a→3.3 "Add an option (default off) to control the
//! passthrough escape sequence"). `set-clipboard on` is what tmux's clipboard guides set, so
//! the plain form is sent by default and the message names the option.

use base64::Engine;
use zeroize::Zeroizing;

use crate::config::ClipboardSetting;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
    Screen,
}

impl Multiplexer {
    /// From the environment (see [`Multiplexer::detect`]).
    pub fn from_env() -> Self {
        Multiplexer::detect(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// `$TMUX` for tmux, `$STY` for GNU screen. Without either — over ssh from inside the
    /// multiplexer, or under sudo, neither variable comes along but `$TERM` does — the
    /// terminal type each sets: `tmux*` for tmux, `screen*` for screen (tmux set `screen`
    /// too before `tmux-256color`; the README says how to tell it apart).
    pub fn detect(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        let term = var("TERM").unwrap_or_default();
        if set("TMUX") {
            Multiplexer::Tmux
        } else if set("STY") {
            Multiplexer::Screen
        } else if term.starts_with("tmux") {
            Multiplexer::Tmux
        } else if term.starts_with("screen") {
            Multiplexer::Screen
        } else {
            Multiplexer::None
        }
    }
}

/// How a copy reaches the agent's clipboard: what is written and what the console says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clipboard {
    /// Plain OSC 52, straight to the terminal.
    #[default]
    Terminal,
    /// Plain OSC 52 inside tmux, which forwards it under `set-clipboard on`.
    Tmux,
    /// Wrapped in tmux's DCS passthrough (needs `allow-passthrough on`).
    TmuxPassthrough,
    /// Wrapped in GNU screen's DCS passthrough: screen does not forward a bare OSC 52.
    Screen,
    /// `clipboard = "off"`: nothing is written.
    Off,
}

impl Clipboard {
    /// The one decision, made at start: the setting and the multiplexer the console runs in.
    pub fn new(setting: ClipboardSetting, mux: Multiplexer) -> Clipboard {
        match (setting, mux) {
            (ClipboardSetting::Off, _) => Clipboard::Off,
            (_, Multiplexer::None) => Clipboard::Terminal,
            (ClipboardSetting::Osc52, Multiplexer::Tmux) => Clipboard::Tmux,
            (ClipboardSetting::Osc52Passthrough, Multiplexer::Tmux) => Clipboard::TmuxPassthrough,
            (_, Multiplexer::Screen) => Clipboard::Screen,
        }
    }

    /// The bytes that copy `text` to the clipboard, none when the clipboard is off; they
    /// carry the text (base64), so they are wiped when dropped.
    pub fn sequence(self, text: &str) -> Option<Zeroizing<String>> {
        let payload = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()));
        let payload = payload.as_str();
        Some(Zeroizing::new(match self {
            Clipboard::Off => return None,
            Clipboard::Terminal | Clipboard::Tmux => format!("\x1b]52;c;{payload}\x07"),
            // tmux passes a DCS on when its inner ESCs are doubled.
            Clipboard::TmuxPassthrough => format!("\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\"),
            Clipboard::Screen => format!("\x1bP\x1b]52;c;{payload}\x07\x1b\\"),
        }))
    }
}

/// Longest text the console puts on the clipboard as a code (ZITADEL's are 6 by default).
pub const MAX_CODE_LEN: usize = 64;

/// Whether `code` looks like a verification code: ASCII letters and digits, of bounded length.
/// Anything else a server returns is refused rather than handed to the agent's terminal.
pub fn copyable(code: &str) -> bool {
    (1..=MAX_CODE_LEN).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Longest text the console puts on the clipboard as a plain value (a user ID, an email, a
/// login name). ZITADEL caps user names and emails at 200 characters; a login name adds the
/// domain. Anything longer is not a value an agent pastes anywhere.
pub const MAX_TEXT_LEN: usize = 512;

/// Why a value may not go on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCopyable {
    Empty,
    /// Longer than [`MAX_TEXT_LEN`] bytes.
    TooLong,
    /// It holds a character the console would not show as it is: a control character, a
    /// bidirectional control or an invisible one (see [`crate::text::sanitize`]).
    Hidden,
}

/// A plain value that may go on the agent's clipboard, checked once when it is made.
///
/// The OSC 52 payload is base64, so the terminal itself never interprets the value; the
/// danger is where the agent pastes it next — a shell, a ticket, a chat. A value from a server
/// holding a newline runs a command when pasted into a shell; ESC sequences, bidi controls and
/// invisible characters make the pasted text differ from what the agent saw. So only a value
/// that [`crate::text::sanitize`] would leave exactly as it is can be copied — the clipboard
/// then holds what the screen showed, character for character. Such a value is refused rather
/// than stripped: a cleaned-up email or login name would be another identifier, pasted as if
/// it were this user's. The length cap keeps a hostile server from filling the clipboard (and
/// the terminal's OSC buffer) with megabytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipText(String);

impl ClipText {
    pub fn new(value: &str) -> Result<ClipText, NotCopyable> {
        if value.is_empty() {
            return Err(NotCopyable::Empty);
        }
        if value.len() > MAX_TEXT_LEN {
            return Err(NotCopyable::TooLong);
        }
        if crate::text::sanitize(value) != value {
            return Err(NotCopyable::Hidden);
        }
        Ok(ClipText(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_letters_and_digits_of_bounded_length_are_copied() {
        assert!(copyable("QX7K2M"));
        assert!(copyable(&"a".repeat(MAX_CODE_LEN)));
        for refused in [
            "",
            "AB CD",
            "AB\x1b]52",
            "ABC\u{202e}",
            "ÄBC123",
            &"a".repeat(MAX_CODE_LEN + 1),
        ] {
            assert!(!copyable(refused), "{refused:?}");
        }
    }

    #[test]
    fn plain_values_are_copied_only_as_shown_and_bounded() {
        for ok in [
            "312909075211944344",
            "jane@example.com",
            "zoë@acme.example",
            "山田@例え.jp",
        ] {
            assert_eq!(
                ClipText::new(ok).map(|t| t.as_str().to_owned()),
                Ok(ok.to_owned())
            );
        }
        assert_eq!(ClipText::new(""), Err(NotCopyable::Empty));
        for hidden in [
            "jane\n; rm -rf ~",
            "jane\r\nroot",
            "a\x1b]52;c;AAAA\x07",
            "ab\u{9b}2J",
            "admin\u{202e}moc.evil",
            "ad\u{200b}min",
            "nul\0x",
        ] {
            assert_eq!(ClipText::new(hidden), Err(NotCopyable::Hidden), "{hidden:?}");
        }
        assert!(ClipText::new(&"a".repeat(MAX_TEXT_LEN)).is_ok());
        assert_eq!(
            ClipText::new(&"a".repeat(MAX_TEXT_LEN + 1)),
            Err(NotCopyable::TooLong)
        );
    }

    fn sequence(setting: ClipboardSetting, mux: Multiplexer) -> Option<String> {
        Clipboard::new(setting, mux)
            .sequence("AB12CD")
            .map(|s| s.as_str().to_owned())
    }

    const PLAIN: &str = "\x1b]52;c;QUIxMkNE\x07";
    const TMUX_WRAPPED: &str = "\x1bPtmux;\x1b\x1b]52;c;QUIxMkNE\x07\x1b\\";
    const SCREEN_WRAPPED: &str = "\x1bP\x1b]52;c;QUIxMkNE\x07\x1b\\";

    #[test]
    fn by_default_terminals_and_tmux_get_a_plain_osc_52_and_screen_a_wrapped_one() {
        use ClipboardSetting::Osc52;
        assert_eq!(sequence(Osc52, Multiplexer::None).as_deref(), Some(PLAIN));
        assert_eq!(sequence(Osc52, Multiplexer::Tmux).as_deref(), Some(PLAIN));
        assert_eq!(
            sequence(Osc52, Multiplexer::Screen).as_deref(),
            Some(SCREEN_WRAPPED)
        );
    }

    #[test]
    fn passthrough_wraps_for_the_multiplexer_in_use() {
        use ClipboardSetting::Osc52Passthrough as P;
        assert_eq!(sequence(P, Multiplexer::Tmux).as_deref(), Some(TMUX_WRAPPED));
        assert_eq!(sequence(P, Multiplexer::Screen).as_deref(), Some(SCREEN_WRAPPED));
        // Without a multiplexer there is nothing to pass through.
        assert_eq!(sequence(P, Multiplexer::None).as_deref(), Some(PLAIN));
    }

    /// An environment: `(name, value)` pairs.
    type Env<'a> = &'a [(&'a str, &'a str)];

    /// The multiplexer for an environment.
    fn detected(env: Env) -> Multiplexer {
        Multiplexer::detect(|name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn tmux_and_screen_are_told_by_their_variables_then_by_term() {
        let tmux = ("TMUX", "/tmp/tmux-1000/default,1,0");
        let sty = ("STY", "1234.pts-0.host");
        assert_eq!(detected(&[tmux]), Multiplexer::Tmux);
        // tmux sets TERM=screen* in many setups: $TMUX decides.
        assert_eq!(detected(&[tmux, ("TERM", "screen-256color")]), Multiplexer::Tmux);
        assert_eq!(detected(&[sty, ("TERM", "xterm-256color")]), Multiplexer::Screen);
        assert_eq!(
            detected(&[("TERM", "screen.xterm-256color")]),
            Multiplexer::Screen
        );
        assert_eq!(detected(&[("TERM", "screen")]), Multiplexer::Screen);
        assert_eq!(detected(&[("TERM", "tmux-256color")]), Multiplexer::Tmux);
        assert_eq!(detected(&[("TERM", "xterm-256color")]), Multiplexer::None);
        assert_eq!(detected(&[]), Multiplexer::None);
        // An empty variable counts as unset.
        assert_eq!(
            detected(&[("TMUX", ""), ("STY", ""), ("TERM", "xterm")]),
            Multiplexer::None
        );
    }

    /// Every environment against every setting: the bytes that reach the terminal.
    #[test]
    fn each_environment_and_setting_writes_its_sequence() {
        use ClipboardSetting::{Off, Osc52, Osc52Passthrough};
        let tmux: Env = &[("TMUX", "/tmp/tmux-1000/default,1,0"), ("TERM", "tmux-256color")];
        let sty: Env = &[("STY", "1234.pts-0.host"), ("TERM", "screen")];
        let screen_term: Env = &[("TERM", "screen-256color")];
        let neither: Env = &[("TERM", "xterm-256color")];
        let cases: [(Env, ClipboardSetting, Option<&str>); 12] = [
            (tmux, Osc52, Some(PLAIN)),
            (tmux, Osc52Passthrough, Some(TMUX_WRAPPED)),
            (tmux, Off, None),
            (sty, Osc52, Some(SCREEN_WRAPPED)),
            (sty, Osc52Passthrough, Some(SCREEN_WRAPPED)),
            (sty, Off, None),
            (screen_term, Osc52, Some(SCREEN_WRAPPED)),
            (screen_term, Osc52Passthrough, Some(SCREEN_WRAPPED)),
            (screen_term, Off, None),
            (neither, Osc52, Some(PLAIN)),
            (neither, Osc52Passthrough, Some(PLAIN)),
            (neither, Off, None),
        ];
        for (env, setting, bytes) in cases {
            assert_eq!(
                sequence(setting, detected(env)).as_deref(),
                bytes,
                "{env:?} {setting:?}"
            );
        }
    }

    #[test]
    fn off_writes_nothing_anywhere() {
        for mux in [Multiplexer::None, Multiplexer::Tmux, Multiplexer::Screen] {
            assert_eq!(Clipboard::new(ClipboardSetting::Off, mux), Clipboard::Off);
            assert_eq!(sequence(ClipboardSetting::Off, mux), None, "{mux:?}");
        }
    }
}
