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
