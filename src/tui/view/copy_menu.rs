//! The copy menu: one line per value, "digit  label  value", the highlighted one marked
//! without colour too (`▶`); a value that cannot be copied is muted and says why instead.
//! Under the lines, where the copy goes, or why the line asked for copies nothing.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::menu_frame;
use super::{Pen, width};
use crate::tui::clipboard::Clipboard;
use crate::tui::copy_menu::{CopyItem, CopyMenu, KEYMAP};
use crate::tui::keys::KeyHelp;
use crate::tui::messages::{copy_label, copy_note, copy_title, copy_unavailable};
use crate::tui::theme::Theme;

/// "▶ 1 ": the selection marker and the digit that picks the line.
const PREFIX_W: usize = 4;
/// Between the label column and the value.
const GAP: usize = 2;

/// Draws the menu centred on `screen`, over whatever is there.
pub fn draw(buf: &mut Buffer, screen: Rect, menu: &CopyMenu, clipboard: Clipboard, theme: &Theme) {
    let keys = format!(" {} ", KEYMAP.hints());
    let title = copy_title(&menu.target);
    let note = copy_note(menu.refused.then(|| menu.current()).flatten(), clipboard);
    let label_w = menu
        .items
        .iter()
        .map(|i| width(copy_label(i.field)))
        .max()
        .unwrap_or(0);
    let line_w = menu
        .items
        .iter()
        .map(|i| PREFIX_W + label_w + GAP + width(&value_text(i)))
        .max()
        .unwrap_or(0);
    let Some(body) = menu_frame::draw(
        buf,
        screen,
        theme,
        (&title, &keys),
        line_w,
        &note,
        menu.items.len(),
    ) else {
        return;
    };
    for (i, item) in menu.items.iter().enumerate() {
        let y = body.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= body.bottom() {
            break;
        }
        let selected = i == menu.selected;
        let row = Rect::new(body.x, y, body.width, 1);
        if selected {
            // The whole row reversed, so the highlight reads as one bar.
            buf.set_style(row.intersection(buf.area), theme.selected);
        }
        let pick = |s: ratatui::style::Style| if selected { s.patch(theme.selected) } else { s };
        let Some(mut pen) = Pen::new(buf, row) else {
            break;
        };
        let value_style = if item.choosable() { theme.base } else { theme.muted };
        let start = pen.x;
        pen.text(if selected { "▶ " } else { "  " }, pick(theme.base))
            .text(&format!("{} ", i + 1), pick(theme.muted))
            .fit(copy_label(item.field), label_w, pick(value_style));
        let at = usize::from(start) + PREFIX_W + label_w + GAP;
        pen.to(u16::try_from(at).unwrap_or(u16::MAX));
        // Long values are cut with … by the pen; the menu is as wide as the screen allows.
        pen.text(&value_text(item), pick(value_style));
    }
    // The note on the last row, so a short screen cuts lines before it.
    if body.height > 1 {
        let y = body.bottom().saturating_sub(1);
        if let Some(mut pen) = Pen::new(buf, Rect::new(body.x, y, body.width, 1)) {
            let style = if menu.refused { theme.warning } else { theme.muted };
            pen.text(&note, style);
        }
    }
}

/// The value as shown (already sanitised), or why there is none to copy.
fn value_text(item: &CopyItem) -> String {
    match item.value {
        Ok(_) => item.shown.clone(),
        Err(why) => copy_unavailable(item.field, why),
    }
}
