//! The profile picker (`P`): the config file's profiles, the highlighted one marked without
//! colour too, the current one named.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use super::help::centred;
use super::{Pen, width};
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::keys::KeyHelp;
use crate::tui::picker::{KEYMAP, ProfilePicker};
use crate::tui::theme::Theme;

const TITLE: &str = " Switch profile ";
const CURRENT: &str = "  (current)";

pub(super) fn draw(buf: &mut Buffer, screen: Rect, app: &App, picker: &ProfilePicker, theme: &Theme) {
    let at = picker.at;
    let keys = format!(" {} ", KEYMAP.hints());
    let names: Vec<String> = app
        .connection
        .profiles
        .iter()
        .map(|p| sanitize(p).into_owned())
        .collect();
    let name_w = names.iter().map(|n| width(n)).max().unwrap_or(0);
    let want_w = (2 + name_w + width(CURRENT)).max(width(TITLE)).max(width(&keys)) + 4;
    let area = centred(screen, want_w, names.len() + 2);
    if area.width < 3 || area.height < 3 {
        return;
    }
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(TITLE, theme.title))
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    for (i, name) in names.iter().enumerate() {
        let y = inner.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        if y >= inner.bottom() {
            break;
        }
        let Some(mut pen) = Pen::new(
            buf,
            Rect::new(inner.x.saturating_add(1), y, inner.width.saturating_sub(2), 1),
        ) else {
            break;
        };
        let style = if i == at { theme.selected } else { theme.base };
        pen.text(if i == at { "▶ " } else { "  " }, style);
        let room = pen.remaining();
        pen.fit(name, room, style);
        if app.connection.profile.as_deref() == app.connection.profiles.get(i).map(String::as_str) {
            let room = pen.remaining();
            pen.fit(CURRENT, room, theme.muted);
        }
    }
}
