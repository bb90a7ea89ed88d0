//! What the console's text fields (the search line, the link template) share: pasted text
//! goes in at the cursor in one step — never key by key, which would cost a redraw and a
//! re-parse per character — and no field grows past its cap, however much is pasted.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;

/// How a paste went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pasted {
    /// Nothing changed (nothing to insert, or the field was already full).
    Nothing,
    Whole,
    /// Only the start went in: the field is full.
    Cut,
}

/// Inserts `text` (control characters already removed) at the cursor, keeping the field at
/// most `cap` characters.
pub fn paste(input: &mut Input, text: &str, cap: usize) -> Pasted {
    let value = input.value();
    let cursor = input.cursor();
    let room = cap.saturating_sub(value.chars().count());
    let (end, taken) = text
        .char_indices()
        .take(room)
        .fold((0, 0), |(_, n), (i, c)| (i + c.len_utf8(), n + 1));
    let cut = end < text.len();
    if taken == 0 {
        return if cut { Pasted::Cut } else { Pasted::Nothing };
    }
    let at = value.char_indices().nth(cursor).map_or(value.len(), |(i, _)| i);
    let mut next = String::with_capacity(value.len() + end);
    next.push_str(&value[..at]);
    next.push_str(&text[..end]);
    next.push_str(&value[at..]);
    *input = Input::new(next).with_cursor(cursor + taken);
    if cut { Pasted::Cut } else { Pasted::Whole }
}

/// Whether a typed key would add a character to a field that is already full (such a key is
/// dropped).
pub fn overflows(input: &Input, ev: &KeyEvent, cap: usize) -> bool {
    let typing = matches!(ev.code, KeyCode::Char(_))
        && !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    typing && input.value().chars().count() >= cap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_goes_in_at_the_cursor_in_one_step() {
        let mut input = Input::new("jane doe".into()).with_cursor(4);
        assert_eq!(paste(&mut input, " ünd", 100), Pasted::Whole);
        assert_eq!(input.value(), "jane ünd doe");
        assert_eq!(input.cursor(), 8, "after the pasted text");
    }

    #[test]
    fn a_huge_paste_is_cut_at_the_cap_quickly() {
        let mut input = Input::new("ab".into());
        let huge = "é".repeat(200 * 1024);
        let started = std::time::Instant::now();
        assert_eq!(paste(&mut input, &huge, 512), Pasted::Cut);
        assert!(
            started.elapsed() < std::time::Duration::from_millis(200),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(input.value().chars().count(), 512);
        assert!(input.value().starts_with("abé"));
        assert_eq!(paste(&mut input, "x", 512), Pasted::Cut, "full");
        assert_eq!(paste(&mut input, "", 512), Pasted::Nothing);
    }

    #[test]
    fn typing_into_a_full_field_is_dropped_but_editing_keys_are_not() {
        let input = Input::new("abc".into());
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert!(overflows(&input, &key(KeyCode::Char('x')), 3));
        assert!(!overflows(&input, &key(KeyCode::Char('x')), 4));
        assert!(!overflows(&input, &key(KeyCode::Backspace), 3));
        let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert!(!overflows(&input, &ctrl_w, 3));
    }
}
