//! The actions menu: one line per remedy, "label — reason", the highlighted one marked
//! without colour too (`▶`), each with its verdict's marker; what does not apply is muted.
//! Under the lines, the legend, or why the remedy asked for does not apply.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::menu_frame;
use super::{Pen, width};
use crate::remedies::{Fit, Verdict};
use crate::tui::actions_menu::{ActionsMenu, KEYMAP};
use crate::tui::keys::KeyHelp;
use crate::tui::messages::{
    REMEDY_LEGEND, actions_title, remedy_label, remedy_mark, remedy_reason, remedy_refused,
};
use crate::tui::theme::Theme;

const DASH: &str = " — ";

/// Draws the menu centred on `screen`, over whatever is there.
pub fn draw(buf: &mut Buffer, screen: Rect, menu: &ActionsMenu, theme: &Theme) {
    let keys = format!(" {} ", KEYMAP.hints());
    let title = actions_title(&menu.target);
    let note = match menu.current() {
        Some(fit) if menu.refused => remedy_refused(*fit),
        _ => REMEDY_LEGEND.to_owned(),
    };
    let line_w = menu
        .fits
        .iter()
        .map(|f| prefix_width() + width(remedy_label(f.kind)) + width(DASH) + width(remedy_reason(*f)))
        .max()
        .unwrap_or(0);
    let Some(body) = menu_frame::draw(
        buf,
        screen,
        theme,
        (&title, &keys),
        line_w,
        &note,
        menu.fits.len(),
    ) else {
        return;
    };
    for (i, fit) in menu.fits.iter().enumerate() {
        let y = body.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= body.bottom() {
            break;
        }
        line(
            buf,
            Rect::new(body.x, y, body.width, 1),
            i,
            *fit,
            i == menu.selected,
            theme,
        );
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

/// "▶ 1 ✓ ": the selection marker, the digit that picks the line, the verdict's marker.
fn prefix_width() -> usize {
    6
}

fn line(buf: &mut Buffer, row: Rect, i: usize, fit: Fit, selected: bool, theme: &Theme) {
    let (label_style, reason_style) = match fit.verdict {
        Verdict::Fits(_) => (theme.base, theme.verified),
        Verdict::Possible(_) => (theme.base, theme.base),
        Verdict::No(_) => (theme.muted, theme.muted),
    };
    let pick = |s: Style| if selected { s.patch(theme.selected) } else { s };
    if selected {
        // The whole row reversed, so the highlight reads as one bar.
        buf.set_style(row.intersection(buf.area), theme.selected);
    }
    let Some(mut pen) = Pen::new(buf, row) else {
        return;
    };
    let digit = format!("{} ", i + 1);
    pen.text(if selected { "▶ " } else { "  " }, pick(theme.base))
        .text(&digit, pick(theme.muted))
        .text(remedy_mark(fit.verdict), pick(reason_style))
        .text(" ", pick(theme.base))
        .text(remedy_label(fit.kind), pick(label_style))
        .text(DASH, pick(label_style))
        .text(remedy_reason(fit), pick(reason_style));
}

#[cfg(test)]
mod tests;
