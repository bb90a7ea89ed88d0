//! The colour codes a frame leaves with. crossterm writes even the basic ANSI colours in their
//! 256-colour form (`ESC[38;5;1m` for red), which a 16-colour terminal (the Linux console,
//! `xterm-16color`, many serial and jump-host terminals) may not understand, and which costs
//! four bytes more per colour change than the 16-colour form (`ESC[31m`) every terminal
//! knows. The console only uses the basic colours (see `theme.rs`), so each frame is rewritten
//! to the 16-colour form on its way out; a colour above 15 would be kept as it is.
//!
//! The frame holds no escape sequence from user data (every server string is sanitised
//! before it is drawn), so every `ESC [` in it is one the console wrote itself.

/// `frame` with every SGR colour `38;5;N` / `48;5;N` (N < 16) in its 16-colour form.
pub fn sixteen_colours(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len());
    let mut rest = frame;
    while let Some(at) = find_csi(rest) {
        out.extend_from_slice(&rest[..at]);
        let after = &rest[at + 2..];
        // Parameter bytes, then one final byte (ECMA-48).
        let params_len = after.iter().take_while(|b| (0x30..=0x3f).contains(*b)).count();
        match after.get(params_len) {
            Some(b'm') => {
                out.extend_from_slice(b"\x1b[");
                rewrite_sgr(&after[..params_len], &mut out);
                out.push(b'm');
                rest = &after[params_len + 1..];
            }
            _ => {
                out.extend_from_slice(b"\x1b[");
                rest = after;
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

fn find_csi(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\x1b[")
}

/// The parameters of one SGR sequence, colours in the 16-colour form.
fn rewrite_sgr(params: &[u8], out: &mut Vec<u8>) {
    let Ok(text) = std::str::from_utf8(params) else {
        out.extend_from_slice(params);
        return;
    };
    let parts: Vec<&str> = text.split(';').collect();
    let mut kept: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let indexed = matches!(parts[i], "38" | "48") && parts.get(i + 1) == Some(&"5");
        let colour = parts
            .get(i + 2)
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| *n < 16);
        match (indexed, colour) {
            (true, Some(n)) => {
                let background = parts[i] == "48";
                let code = match (background, n < 8) {
                    (false, true) => 30 + u16::from(n),
                    (false, false) => 90 + u16::from(n - 8),
                    (true, true) => 40 + u16::from(n),
                    (true, false) => 100 + u16::from(n - 8),
                };
                kept.push(code.to_string());
                i += 3;
            }
            _ => {
                // A colour in another form (`5;200`, `2;r;g;b`, underline `58;…`) is copied
                // whole, so its numbers are not read as attributes of their own.
                let span = match (parts[i], parts.get(i + 1).copied()) {
                    ("38" | "48" | "58", Some("5")) => 3,
                    ("38" | "48" | "58", Some("2")) => 5,
                    _ => 1,
                };
                let end = (i + span).min(parts.len());
                kept.extend(parts[i..end].iter().map(|p| (*p).to_owned()));
                i = end;
            }
        }
    }
    out.extend_from_slice(kept.join(";").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(s: &str) -> String {
        String::from_utf8(sixteen_colours(s.as_bytes())).unwrap()
    }

    #[test]
    fn basic_colours_take_the_16_colour_form() {
        assert_eq!(rewrite("\x1b[38;5;1;49mred"), "\x1b[31;49mred");
        assert_eq!(rewrite("\x1b[38;5;6m"), "\x1b[36m");
        assert_eq!(rewrite("\x1b[38;5;9m"), "\x1b[91m");
        assert_eq!(rewrite("\x1b[48;5;2m"), "\x1b[42m");
        assert_eq!(rewrite("\x1b[48;5;15m"), "\x1b[107m");
        assert_eq!(
            rewrite("a\x1b[38;5;2;48;5;0mb\x1b[39;49mc"),
            "a\x1b[32;40mb\x1b[39;49mc"
        );
    }

    #[test]
    fn everything_else_is_left_as_it_was() {
        for s in [
            "\x1b[38;5;200m",
            "\x1b[38;2;1;2;3m",
            "\x1b[58;5;1m",
            "\x1b[1m\x1b[22m",
            "\x1b[?2026h\x1b[5;10H",
            "plain ␛[31m text",
            "\x1b[",
            "\x1b[38;5",
            "",
        ] {
            assert_eq!(rewrite(s), s, "{s:?}");
        }
        // A true colour's numbers are not read as a colour index of their own.
        assert_eq!(rewrite("\x1b[38;2;38;5;1m"), "\x1b[38;2;38;5;1m");
    }
}
