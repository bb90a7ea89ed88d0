//! The users table: column titles, then the rows the viewport shows.
//!
//! Drawn line by line from `UserList::visible(scroll, rows)` — the state owns the scrolling
//! (it jumps by half a page), no widget scrolls on its own. Every row depends only on its
//! user and on whether it is selected, so when the selection moves inside the viewport only
//! the two rows involved change between frames, which is what keeps a move cheap over SSH.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Pen;
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::list::UserRow;
use crate::tui::messages;
use crate::tui::theme::Theme;

/// The selection marker: the selected row is told apart without colour.
const MARKER: &str = "▶";
/// The mark of a user marked for a bulk action (`space`), beside the selection marker; `*` in
/// ASCII.
const MARKED: &str = "●";
/// Marker column plus its gap.
const MARKER_W: usize = 2;
/// "not verified", the widest email status word.
const STATUS_W: usize = 12;
/// "inactive", the widest state word in practice ("unknown", "deleted" fit too).
const STATE_W: usize = 8;
/// The organisation's name (cut with `…`; the detail shows it whole).
const ORG_W: usize = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Login,
    Email,
    Status,
    State,
    Org,
}

impl Col {
    fn title(self) -> &'static str {
        match self {
            Col::Name => "DISPLAY NAME",
            Col::Login => "LOGIN NAME",
            Col::Email => "EMAIL",
            Col::Status => "EMAIL STATUS",
            Col::State => "STATE",
            Col::Org => "ORGANIZATION",
        }
    }
}

/// Which columns fit in a width, and how wide each is (gaps of one column between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    cols: [(Col, usize); 6],
    len: usize,
}

/// One choice of columns: `fixed` is the width of the fixed columns plus all gaps, `least`
/// what the flexible ones (name, login, email) need at least for the choice to be taken.
struct Plan {
    cols: &'static [Col],
    fixed: usize,
    least: usize,
}

const FULL_WIDTH: &[Plan] = &[
    // From about 95 columns; at 80 the organisation gives way first (the detail shows it).
    Plan {
        cols: &[
            Col::Name,
            Col::Login,
            Col::Email,
            Col::Status,
            Col::State,
            Col::Org,
        ],
        fixed: STATUS_W + STATE_W + ORG_W + 5,
        least: 54,
    },
    Plan {
        cols: &[Col::Name, Col::Login, Col::Email, Col::Status, Col::State],
        fixed: STATUS_W + STATE_W + 4,
        least: 36,
    },
    Plan {
        cols: &[Col::Name, Col::Login, Col::Email, Col::Status],
        fixed: STATUS_W + 3,
        least: 30,
    },
    Plan {
        cols: &[Col::Name, Col::Email, Col::Status],
        fixed: STATUS_W + 2,
        least: 16,
    },
    Plan {
        cols: &[Col::Name, Col::Status],
        fixed: STATUS_W + 1,
        least: 6,
    },
];

const BESIDE_DETAIL: &[Plan] = &[
    Plan {
        cols: &[Col::Name, Col::Email, Col::Status, Col::State, Col::Org],
        fixed: STATUS_W + STATE_W + ORG_W + 4,
        least: 30,
    },
    Plan {
        cols: &[Col::Name, Col::Email, Col::Status, Col::State],
        fixed: STATUS_W + STATE_W + 3,
        least: 24,
    },
    Plan {
        cols: &[Col::Name, Col::Email, Col::Status],
        fixed: STATUS_W + 2,
        least: 16,
    },
    Plan {
        cols: &[Col::Name, Col::Status],
        fixed: STATUS_W + 1,
        least: 6,
    },
];

impl Columns {
    /// Narrow lists drop the state first (the detail shows it), then the login name, then the
    /// email; the display name and the email status — what the agent came for — stay longest.
    /// Beside the detail pane (`compact`) the login name goes first: the pane shows it.
    /// The organisation (only with `orgs`: names are known and the list is not scoped to one
    /// organisation) is the first to give way.
    fn plan(width: usize, compact: bool, orgs: bool) -> Columns {
        let avail = width.saturating_sub(MARKER_W);
        let plans = if compact { BESIDE_DETAIL } else { FULL_WIDTH };
        let (chosen, flex) = plans
            .iter()
            .filter(|p| orgs || !p.cols.contains(&Col::Org))
            .find(|p| avail.saturating_sub(p.fixed) >= p.least)
            .map_or((&[Col::Name][..], avail), |p| (p.cols, avail - p.fixed));
        // The flexible columns share what is left: names are shorter than addresses.
        let flexible = chosen
            .iter()
            .filter(|c| matches!(c, Col::Name | Col::Login | Col::Email))
            .count();
        let mut out = Columns {
            cols: [(Col::Name, 0); 6],
            len: 0,
        };
        let mut left = flex;
        for (i, &col) in chosen.iter().enumerate() {
            let w = match col {
                Col::Status => STATUS_W,
                Col::State => STATE_W,
                Col::Org => ORG_W,
                Col::Email => left,
                Col::Name if flexible == 3 => flex * 30 / 100,
                Col::Login => flex * 35 / 100,
                Col::Name if flexible == 2 => flex * 40 / 100,
                Col::Name => left,
            };
            if matches!(col, Col::Name | Col::Login) {
                left = left.saturating_sub(w);
            }
            if let Some(slot) = out.cols.get_mut(i) {
                *slot = (col, w);
                out.len = i + 1;
            }
        }
        out
    }

    fn iter(&self) -> impl Iterator<Item = (Col, usize)> + '_ {
        self.cols.iter().take(self.len).copied()
    }
}

pub(super) fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    // Beside the detail pane, keep a column free before its border.
    let beside = area.right() < buf.area.right();
    let table_w = usize::from(area.width).saturating_sub(usize::from(beside));
    // Names only: a column of IDs would say little. Scoped to one organisation (the header
    // names it), every row would say the same.
    let orgs = !app.orgs.is_empty() && app.connection.org.is_none();
    let columns = Columns::plan(table_w, beside, orgs);
    if let Some(mut pen) = Pen::new(buf, area) {
        buf_row_style(&mut pen, theme.column_titles);
        pen.skip(MARKER_W);
        cells(&mut pen, &columns, |col| (col.title(), theme.column_titles));
    }

    let list = &app.list;
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let rows = layout::list_rows(area);
    if list.is_empty() {
        empty(buf, body, app, theme);
        return;
    }
    for (i, row) in list.visible(list.scroll, rows).enumerate() {
        let y = body.y.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        let Some(mut pen) = Pen::new(buf, Rect::new(body.x, y, body.width, 1)) else {
            break;
        };
        let selected = list.scroll + i == list.selected;
        let org = match orgs {
            true => app.org_label(
                row.user
                    .details
                    .as_ref()
                    .map_or("", |d| d.resource_owner.as_str()),
            ),
            false => String::new(),
        };
        let marked = app.marks.contains(&row.user.user_id);
        user_row(&mut pen, &columns, (row, &org), (selected, marked), theme);
    }
}

/// One user (with their organisation's name). Depends only on the row and whether it is
/// selected and marked.
fn user_row(
    pen: &mut Pen<'_>,
    columns: &Columns,
    (row, org): (&UserRow, &str),
    (selected, marked): (bool, bool),
    theme: &Theme,
) {
    let style = |s: ratatui::style::Style| if selected { theme.selected.patch(s) } else { s };
    let start = pen.x;
    if selected {
        buf_row_style(pen, theme.selected);
        pen.fit(MARKER, 1, theme.selected);
    }
    if marked {
        pen.to(start.saturating_add(1)).fit(MARKED, 1, style(theme.key));
    }
    pen.to(start.saturating_add(MARKER_W as u16));
    cells(pen, columns, |col| match col {
        Col::Name => (row.display_name.as_str(), style(theme.base)),
        Col::Login => (row.login_name.as_str(), style(theme.base)),
        Col::Email => (row.email.as_str(), style(theme.base)),
        Col::Status => (
            row.email_status.as_str(),
            style(theme.email_status(row.email_status)),
        ),
        Col::State => (row.state, style(theme.state(row.user.state))),
        Col::Org => (org, style(theme.base)),
    });
}

/// Writes each column's text at its own x, so a cell can never push the next one along.
fn cells<'a>(pen: &mut Pen<'_>, columns: &Columns, text: impl Fn(Col) -> (&'a str, ratatui::style::Style)) {
    let mut x = pen.x;
    for (col, w) in columns.iter() {
        let (s, style) = text(col);
        pen.to(x).fit(s, w, style);
        x = x.saturating_add(u16::try_from(w + 1).unwrap_or(u16::MAX));
    }
}

/// Styles the pen's whole row (reverse video for the selection, underline for the titles).
fn buf_row_style(pen: &mut Pen<'_>, style: ratatui::style::Style) {
    let row = Rect::new(pen.x, pen.y, pen.right.saturating_sub(pen.x), 1);
    pen.buf.set_style(row, style);
}

/// What the table says when it has no rows.
fn empty(buf: &mut Buffer, body: Rect, app: &App, theme: &Theme) {
    let Some(mut pen) = Pen::new(buf, body) else {
        return;
    };
    pen.skip(MARKER_W);
    let list = &app.list;
    if !list.loaded && !app.busy() && app.list_error.is_some() {
        pen.text(messages::NO_USERS_REASON_ABOVE, theme.muted);
    } else if !list.loaded && !app.busy() && app.error.is_some() {
        pen.text(messages::NO_USERS_SEE_STATUS, theme.muted);
    } else if !list.loaded || app.busy() {
        // Also while a page is still coming (rows the caller may not read can leave a page
        // empty before the next one arrives).
        pen.text("loading…", theme.muted);
    } else if app.search.applied.trim().is_empty() {
        pen.text("no users visible to this account", theme.base);
    } else {
        let message = format!("no users match “{}”", sanitize(&app.search.applied));
        pen.text(&message, theme.base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(width: usize) -> Vec<(Col, usize)> {
        Columns::plan(width, false, false).iter().collect()
    }

    #[test]
    fn eighty_columns_show_every_column_within_the_width() {
        let cols = widths(80);
        assert_eq!(cols.len(), 5);
        let total: usize = MARKER_W + cols.iter().map(|(_, w)| w + 1).sum::<usize>() - 1;
        assert_eq!(total, 80);
    }

    #[test]
    fn narrow_lists_drop_state_then_login_then_email_but_keep_the_status() {
        for width in 0..200 {
            let cols = widths(width);
            let total: usize = cols.iter().map(|(_, w)| w + 1).sum::<usize>();
            assert!(
                MARKER_W + total <= width + 1 || width < MARKER_W + STATUS_W,
                "{width}: {cols:?}"
            );
            if width >= 40 {
                assert!(cols.iter().any(|(c, _)| *c == Col::Status), "{width}");
                assert!(cols.iter().any(|(c, _)| *c == Col::Name), "{width}");
            }
        }
        assert!(!widths(50).iter().any(|(c, _)| *c == Col::State));
        assert!(!widths(40).iter().any(|(c, _)| *c == Col::Login));
        let beside: Vec<Col> = Columns::plan(65, true, false).iter().map(|(c, _)| c).collect();
        assert_eq!(beside, [Col::Name, Col::Email, Col::Status, Col::State]);
    }

    #[test]
    fn the_organisation_shows_from_95_columns_and_gives_way_first() {
        let cols = |width: usize, orgs: bool| -> Vec<Col> {
            Columns::plan(width, false, orgs).iter().map(|(c, _)| c).collect()
        };
        assert!(
            !cols(80, true).contains(&Col::Org),
            "80 columns keep today's five"
        );
        assert_eq!(cols(80, true), cols(80, false));
        assert!(cols(95, true).contains(&Col::Org));
        assert!(!cols(94, true).contains(&Col::Org));
        assert!(!cols(200, false).contains(&Col::Org), "no names, no column");
        for width in 95..300 {
            let planned = Columns::plan(width, false, true);
            let total: usize = MARKER_W + planned.iter().map(|(_, w)| w + 1).sum::<usize>() - 1;
            assert_eq!(total, width, "{width}");
            assert!(planned.iter().all(|(_, w)| w >= 6), "{width}: {:?}", planned.cols);
        }
        let beside: Vec<Col> = Columns::plan(65, true, true).iter().map(|(c, _)| c).collect();
        assert!(!beside.contains(&Col::Org), "beside the detail only when roomy");
        let beside: Vec<Col> = Columns::plan(80, true, true).iter().map(|(c, _)| c).collect();
        assert_eq!(beside.last(), Some(&Col::Org));
    }
}
