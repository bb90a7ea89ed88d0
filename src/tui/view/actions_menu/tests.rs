use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

use super::*;
use crate::remedies::tests::seeded;

fn menu(suffix: &str) -> ActionsMenu {
    let (user, methods) = seeded(suffix);
    ActionsMenu::open(&user, Some(&methods))
}

fn drawn(menu: &ActionsMenu, w: u16, h: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    let area = buf.area;
    draw(&mut buf, area, menu, &Theme::default());
    buf
}

fn rows(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

/// The row holding `text`, and the column it starts at (in cells).
fn find(buf: &Buffer, text: &str) -> (u16, u16) {
    for (y, row) in rows(buf).iter().enumerate() {
        if let Some(byte) = row.find(text) {
            let x = row[..byte].chars().count();
            return (u16::try_from(x).unwrap(), u16::try_from(y).unwrap());
        }
    }
    panic!("{text:?} not on screen:\n{}", rows(buf).join("\n"));
}

#[test]
fn every_size_draws_without_panicking() {
    let m = menu("101");
    for w in 0..=130 {
        for h in [0, 1, 2, 3, 4, 5, 8, 11, 12, 24] {
            drawn(&m, w, h);
        }
    }
    let mut offset = Buffer::empty(Rect::new(5, 3, 40, 10));
    draw(&mut offset, Rect::new(0, 0, 80, 24), &m, &Theme::default());
}

#[test]
fn lines_say_label_and_reason_and_the_best_is_highlighted() {
    let buf = drawn(&menu("106"), 80, 24);
    let text = rows(&buf).join("\n");
    assert!(text.contains(" Actions for Max Mustermann "), "{text}");
    assert!(text.contains("▶ 6 ✓ Unlock — user is locked"), "{text}");
    assert!(
        text.contains("  7 ✗ Reactivate — user is locked; unlock instead"),
        "{text}"
    );
    assert!(
        text.contains("  1 ○ Resend verification email — address is already verified"),
        "{text}"
    );
    assert!(text.contains(REMEDY_LEGEND), "{text}");
    assert!(text.contains("Enter open · 1-7 pick · Esc close"), "{text}");
}

#[test]
fn what_does_not_apply_is_muted_and_what_fits_stands_out() {
    let theme = Theme::default();
    let buf = drawn(&menu("101"), 80, 24);
    let (x, y) = find(&buf, "Send invite");
    assert_eq!(buf[(x, y)].style().add_modifier, theme.muted.add_modifier);
    let (x, y) = find(&buf, "address is not verified");
    assert!(
        buf[(x, y)].style().add_modifier.contains(Modifier::REVERSED),
        "selected"
    );
    assert_eq!(buf[(x, y)].style().fg, theme.verified.fg);
    let (x, y) = find(&buf, "Change email address");
    assert!(
        matches!(buf[(x, y)].style().fg, None | Some(Color::Reset)),
        "terminal's own colour"
    );
    assert!(!buf[(x, y)].style().add_modifier.contains(Modifier::DIM));
}

#[test]
fn enter_on_what_does_not_apply_says_why_under_the_lines() {
    let mut m = menu("101");
    m.on_key(&KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    m.on_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let buf = drawn(&m, 80, 24);
    let text = rows(&buf).join("\n");
    assert!(
        text.contains("Send invite does not apply: already set up (password, passkey or IdP)"),
        "{text}"
    );
    assert!(!text.contains(REMEDY_LEGEND), "{text}");
}

#[test]
fn no_half_wide_character_covers_the_border() {
    let m = menu("101");
    let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
    for y in 0..24 {
        // Wide characters on every row, at odd and even columns.
        buf.set_string(y % 2, y, "山田".repeat(40), ratatui::style::Style::new());
    }
    let area = buf.area;
    draw(&mut buf, area, &m, &Theme::default());
    let (_, top) = find(&buf, "┌");
    let left = u16::try_from(
        rows(&buf)[usize::from(top)]
            .chars()
            .position(|c| c == '┌')
            .unwrap(),
    )
    .unwrap();
    for y in top..top + 11 {
        let before = buf[(left - 1, y)].symbol();
        assert_eq!(before, " ", "row {y}: the column left of the border is cleared");
    }
    assert_eq!(buf[(left, top + 1)].symbol(), "│");
}
