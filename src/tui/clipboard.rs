//! Copying over SSH: the OSC 52 escape sequence asks the agent's own terminal (not the jump
//! host) to put text on the clipboard. Inside tmux or GNU screen it must be wrapped so the
//! multiplexer passes it on.

use base64::Engine;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
    Screen,
}

impl Multiplexer {
    /// From the environment: `$TMUX` for tmux, `$STY` for screen.
    pub fn from_env() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if set("TMUX") {
            Multiplexer::Tmux
        } else if set("STY") {
            Multiplexer::Screen
        } else {
            Multiplexer::None
        }
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

/// The bytes that copy `text` to the clipboard; they carry the text (base64), so they are
/// wiped when dropped.
pub fn osc52(text: &str, mux: Multiplexer) -> Zeroizing<String> {
    let payload = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()));
    let payload = payload.as_str();
    Zeroizing::new(match mux {
        Multiplexer::None => format!("\x1b]52;c;{payload}\x07"),
        // tmux passes a DCS on when its inner ESCs are doubled (needs allow-passthrough or
        // set-clipboard on).
        Multiplexer::Tmux => format!("\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\"),
        Multiplexer::Screen => format!("\x1bP\x1b]52;c;{payload}\x07\x1b\\"),
    })
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

    #[test]
    fn plain_terminals_get_a_bare_osc_52() {
        assert_eq!(
            osc52("AB12CD", Multiplexer::None).as_str(),
            "\x1b]52;c;QUIxMkNE\x07"
        );
    }

    #[test]
    fn multiplexers_get_it_wrapped() {
        assert_eq!(
            osc52("AB12CD", Multiplexer::Tmux).as_str(),
            "\x1bPtmux;\x1b\x1b]52;c;QUIxMkNE\x07\x1b\\"
        );
        assert_eq!(
            osc52("AB12CD", Multiplexer::Screen).as_str(),
            "\x1bP\x1b]52;c;QUIxMkNE\x07\x1b\\"
        );
    }
}
