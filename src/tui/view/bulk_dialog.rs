//! The bulk dialog: the plan before Enter, the progress while the run goes, the summary after
//! it. Its lines come from `messages::bulk`; here they are only placed, wrapped to the box.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::Pen;
use super::help::centred;
use crate::text::display_path;
use crate::tui::bulk_dialog::{BulkDialog, BulkPhase};
use crate::tui::keys::KeyHelp;
use crate::tui::messages::bulk as msg;
use crate::tui::theme::Theme;

/// The box's width at most (it is narrower on a narrow screen).
const MAX_W: usize = 96;

pub(super) fn draw(buf: &mut Buffer, screen: Rect, dialog: &BulkDialog, marked: usize, theme: &Theme) {
    let journal = dialog
        .journal
        .as_deref()
        .map_or_else(|| "none".to_string(), display_path);
    let total = dialog.plan.targets.len();
    let (lines, style) = match &dialog.phase {
        BulkPhase::Confirm => (
            msg::confirm_lines(
                &dialog.plan,
                dialog.template(),
                dialog.links.len(),
                dialog.rate,
                &journal,
                dialog.journal_counts.as_ref(),
            ),
            theme.base,
        ),
        BulkPhase::Refused(why) => (vec![why.clone()], theme.warning),
        BulkPhase::Running {
            tally,
            stopping,
            throttled,
            ..
        } => {
            let mut lines = vec![msg::bar(tally.done, total, 40)];
            lines.extend(msg::progress_lines(tally, total, *stopping, *throttled));
            lines.extend(msg::audit_missing(tally));
            (lines, theme.base)
        }
        BulkPhase::Done { report, error, tally } => match (report, error) {
            (Some(r), _) => {
                let mut lines = msg::summary_lines(r, dialog.plan.needs_invite.len(), &journal);
                lines.extend(msg::audit_missing(tally));
                (lines, theme.base)
            }
            (None, Some(e)) => (vec![msg::not_started(e)], theme.error),
            (None, None) => (Vec::new(), theme.base),
        },
    };
    let keys = format!(" {} ", dialog.keymap().hints());
    let title = msg::dialog_title(marked);
    let room = Rect::new(screen.x, screen.y, screen.width, screen.height.saturating_sub(1));
    let inner_w = MAX_W.min(usize::from(room.width).saturating_sub(4)).max(1);
    let text_w = inner_w.saturating_sub(2).max(1);
    let clean: Vec<String> = lines
        .iter()
        .map(|l| crate::text::sanitize(l).into_owned())
        .collect();
    let wrapped: Vec<&str> = clean.iter().flat_map(|l| super::wrap(l, text_w)).collect();
    let area = centred(room, inner_w + 2, wrapped.len() + 2);
    if area.width < 3 || area.height < 3 {
        return;
    }
    // One cleared column either side, so no list text touches the border.
    let margin = Rect::new(
        area.x.saturating_sub(1),
        area.y,
        area.width.saturating_add(2),
        area.height,
    );
    Clear.render(margin.intersection(screen).intersection(buf.area), buf);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title, theme.title))
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    for (i, line) in wrapped.iter().enumerate() {
        let y = inner.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= inner.bottom() {
            break;
        }
        let row = Rect::new(inner.x.saturating_add(1), y, inner.width.saturating_sub(2), 1);
        if let Some(mut pen) = Pen::new(buf, row) {
            pen.text(line, style);
        }
    }
}
