//! The same frame in fewer bytes. ratatui writes a colour pair where one colour changed
//! (`ESC[32;49m` with the background already default), an attribute that is already off
//! (`ESC[27m`), the whole reset at every frame's end (`ESC[39m ESC[49m ESC[59m ESC[0m`, 20
//! bytes, when nothing is set any more), a column 1 in every cursor move (`ESC[5;1H`) and the
//! cursor hidden again on every frame. At 80×24 a selection move is two rows and the counter,
//! so these are a tenth of it.
//!
//! The attributes are followed through the frame from the default (every frame starts there:
//! ratatui assumes so, and every frame ends with the reset, which is dropped only where
//! nothing was left to reset); a parameter that would not change them is left out, and SGR
//! sequences next to each other go out as one. A parameter this does not know (any but the
//! ones ratatui and `sgr.rs` write) is kept, and so is everything after it until a reset.

/// What the terminal's pen draws with: colours as their SGR parameters, the attributes
/// 1 to 9 as bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Pen {
    fg: Option<String>,
    bg: Option<String>,
    underline: Option<String>,
    attributes: u16,
}

/// Cursor visibility across frames: ratatui hides the cursor on every frame that does not
/// place it, and shows it on every frame that does.
#[derive(Debug, Default)]
pub struct Trim {
    cursor_hidden: bool,
}

impl Trim {
    /// After the terminal was given away (its cursor shown again on the way out).
    pub fn forget(&mut self) {
        self.cursor_hidden = false;
    }

    /// `frame` in fewer bytes, to the same effect.
    pub fn frame(&mut self, frame: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(frame.len());
        let mut pen = Some(Pen::default());
        let mut i = 0;
        while i < frame.len() {
            let Some((params, fin, len)) = csi_at(frame, i) else {
                out.push(frame[i]);
                i += 1;
                continue;
            };
            match (fin, params) {
                (b'm', _) => {
                    // This and the SGR sequences right after it, as one.
                    let mut all: Vec<&str> = Vec::new();
                    let mut at = i;
                    while let Some((params, b'm', len)) = csi_at(frame, at) {
                        all.extend(params_of(params));
                        at += len;
                    }
                    let kept = sgr(&mut pen, &all);
                    if !kept.is_empty() {
                        out.extend_from_slice(format!("\x1b[{}m", kept.join(";")).as_bytes());
                    }
                    i = at;
                    continue;
                }
                (b'H', _) if params.ends_with(b";1") => {
                    out.extend_from_slice(b"\x1b[");
                    out.extend_from_slice(&params[..params.len() - 2]);
                    out.push(b'H');
                }
                (b'l', b"?25") if self.cursor_hidden => {}
                (b'h', b"?25") if !self.cursor_hidden => {}
                _ => {
                    match (fin, params) {
                        (b'l', b"?25") => self.cursor_hidden = true,
                        (b'h', b"?25") => self.cursor_hidden = false,
                        _ => {}
                    }
                    out.extend_from_slice(&frame[i..i + len]);
                }
            }
            i += len;
        }
        out
    }
}

/// `ESC [ params final` at `at`: the parameters, the final byte and the length.
fn csi_at(bytes: &[u8], at: usize) -> Option<(&[u8], u8, usize)> {
    if bytes.get(at..at + 2)? != b"\x1b[" {
        return None;
    }
    let start = at + 2;
    let params = bytes[start..]
        .iter()
        .take_while(|b| (0x30..=0x3f).contains(*b))
        .count();
    let fin = *bytes.get(start + params)?;
    (0x40..=0x7e)
        .contains(&fin)
        .then_some((&bytes[start..start + params], fin, params + 3))
}

/// The parameters of one SGR sequence (an empty one is a reset).
fn params_of(params: &[u8]) -> Vec<&str> {
    match std::str::from_utf8(params) {
        Ok("") => vec!["0"],
        Ok(text) => text
            .split(';')
            .map(|p| if p.is_empty() { "0" } else { p })
            .collect(),
        // Not reachable (parameter bytes are ASCII); kept whole all the same.
        Err(_) => vec!["\u{fffd}"],
    }
}

/// The parameters of `all` that change `pen` (`None`: not known), which follows them.
fn sgr(pen: &mut Option<Pen>, all: &[&str]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        // A colour in the 256-colour or RGB form spans 3 or 5 parameters.
        let span = match (all[i], all.get(i + 1).copied()) {
            ("38" | "48" | "58", Some("5")) => 3,
            ("38" | "48" | "58", Some("2")) => 5,
            _ => 1,
        };
        let end = (i + span).min(all.len());
        let param = all[i..end].join(";");
        i = end;
        if param == "0" {
            if pen.as_ref() != Some(&Pen::default()) {
                // A reset makes whatever this sequence set before it moot.
                kept.clear();
                kept.push(param);
            }
            *pen = Some(Pen::default());
            continue;
        }
        let Some(before) = pen.as_ref() else {
            kept.push(param);
            continue;
        };
        match applied(before, &param) {
            Some(after) if after == *before => {}
            Some(after) => {
                *pen = Some(after);
                kept.push(param);
            }
            None => {
                *pen = None;
                kept.push(param);
            }
        }
    }
    kept
}

/// `pen` after one SGR parameter; `None` for one not known here.
fn applied(pen: &Pen, param: &str) -> Option<Pen> {
    let mut pen = pen.clone();
    let bits = |codes: &[u16]| codes.iter().fold(0u16, |b, c| b | 1 << c);
    if let Some(colour) = param.strip_prefix("38;") {
        pen.fg = Some(format!("38;{colour}"));
        return Some(pen);
    }
    if let Some(colour) = param.strip_prefix("48;") {
        pen.bg = Some(format!("48;{colour}"));
        return Some(pen);
    }
    if let Some(colour) = param.strip_prefix("58;") {
        pen.underline = Some(format!("58;{colour}"));
        return Some(pen);
    }
    let code: u16 = param.parse().ok()?;
    match code {
        1..=9 => pen.attributes |= 1 << code,
        22 => pen.attributes &= !bits(&[1, 2]),
        23 => pen.attributes &= !bits(&[3]),
        24 => pen.attributes &= !bits(&[4]),
        25 => pen.attributes &= !bits(&[5, 6]),
        27 => pen.attributes &= !bits(&[7]),
        28 => pen.attributes &= !bits(&[8]),
        29 => pen.attributes &= !bits(&[9]),
        30..=37 | 90..=97 => pen.fg = Some(param.to_owned()),
        39 => pen.fg = None,
        40..=47 | 100..=107 => pen.bg = Some(param.to_owned()),
        49 => pen.bg = None,
        59 => pen.underline = None,
        _ => return None,
    }
    Some(pen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(frame: &[u8]) -> String {
        String::from_utf8_lossy(&Trim::default().frame(frame)).into_owned()
    }

    #[test]
    fn a_colour_pair_keeps_only_what_changed_and_neighbours_merge() {
        assert_eq!(
            trimmed(b"\x1b[1m\x1b[31;49mno\x1b[22m\x1b[39;49m ok"),
            "\x1b[1;31mno\x1b[22;39m ok"
        );
    }

    #[test]
    fn the_closing_reset_goes_only_when_nothing_is_left_to_reset() {
        assert_eq!(
            trimmed(b"\x1b[7mx\x1b[27my\x1b[39m\x1b[49m\x1b[59m\x1b[0m"),
            "\x1b[7mx\x1b[27my"
        );
        assert_eq!(
            trimmed(b"\x1b[7mx\x1b[39m\x1b[49m\x1b[59m\x1b[0m"),
            "\x1b[7mx\x1b[0m"
        );
        assert_eq!(trimmed(b"\x1b[32mx\x1b[m"), "\x1b[32mx\x1b[0m");
    }

    #[test]
    fn what_is_not_known_is_kept_until_a_reset() {
        assert_eq!(trimmed(b"\x1b[21mx\x1b[22m\x1b[22m"), "\x1b[21mx\x1b[22;22m");
        assert_eq!(trimmed(b"\x1b[21m\x1b[0m\x1b[22m"), "\x1b[0m");
        assert_eq!(trimmed(b"\x1b[38;5;200mx\x1b[38;5;200my"), "\x1b[38;5;200mxy");
        assert_eq!(trimmed(b"\x1b[48;2;1;2;3mx\x1b[49m"), "\x1b[48;2;1;2;3mx\x1b[49m");
    }

    #[test]
    fn column_one_is_left_out_and_other_sequences_pass() {
        assert_eq!(
            trimmed(b"\x1b[5;1Ha\x1b[5;11Hb\x1b[2;5r\x1b[5H\n\x1b[r\x1bM\x1b[?2026h"),
            "\x1b[5Ha\x1b[5;11Hb\x1b[2;5r\x1b[5H\n\x1b[r\x1bM\x1b[?2026h"
        );
        assert_eq!(
            trimmed(b"cut \x1b[3"),
            "cut \x1b[3",
            "an unfinished sequence is kept"
        );
    }

    #[test]
    fn the_cursor_is_hidden_once_until_shown_or_forgotten() {
        let mut trim = Trim::default();
        assert_eq!(trim.frame(b"a\x1b[?25l"), b"a\x1b[?25l");
        assert_eq!(trim.frame(b"b\x1b[?25l"), b"b");
        assert_eq!(trim.frame(b"\x1b[?25h\x1b[1;5H"), b"\x1b[?25h\x1b[1;5H");
        assert_eq!(trim.frame(b"\x1b[?25h"), b"");
        assert_eq!(trim.frame(b"\x1b[?25l"), b"\x1b[?25l");
        trim.forget();
        assert_eq!(trim.frame(b"\x1b[?25l"), b"\x1b[?25l", "after a suspend");
    }
}
