//! Where each region goes. Shared by the state (which needs the list's height to page and
//! scroll) and the view, so both always agree.

use ratatui::layout::Rect;

/// Below this the console shows only "terminal too small".
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this width on the detail sits beside the list instead of replacing it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 100;

/// The regions of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// One row: instance, org scope, READ-ONLY, freshness.
    pub header: Rect,
    /// One row: the search line.
    pub search: Rect,
    /// Rows under the search line for a search that cannot be sent: the whole reason,
    /// wrapped, and that the list below is of the previous search. Zero-sized otherwise.
    pub notice: Rect,
    /// The users table, column titles included (first row). Zero-sized when the detail takes
    /// the screen.
    pub list: Rect,
    /// The detail pane, when open.
    pub detail: Option<Rect>,
    /// One row: hints, spinner, last error.
    pub status: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn side_by_side(area: Rect) -> bool {
    area.width >= SIDE_BY_SIDE_WIDTH
}

/// Splits the screen. With the detail open: beside the list from
/// [`SIDE_BY_SIDE_WIDTH`] columns on (list 55 %), else over the whole middle. `notice_rows`
/// rows (at most half the middle) go to the notice under the search line.
pub fn areas(area: Rect, detail_open: bool, notice_rows: u16) -> Areas {
    let row = |y: u16| Rect::new(area.x, y, area.width, 1.min(area.height));
    let header = row(area.y);
    let search = row(area.y + 1.min(area.height));
    let status = row(area.y + area.height.saturating_sub(1));
    let middle_top = area.y + 2.min(area.height);
    let full = Rect::new(
        area.x,
        middle_top,
        area.width,
        area.height
            .saturating_sub(3)
            .min(area.height.saturating_sub(middle_top - area.y)),
    );
    let notice_h = notice_rows.min(full.height / 2);
    let notice = Rect::new(full.x, full.y, full.width, notice_h);
    let middle = Rect::new(full.x, full.y + notice_h, full.width, full.height - notice_h);
    if !detail_open {
        return Areas {
            header,
            search,
            notice,
            list: middle,
            detail: None,
            status,
        };
    }
    if side_by_side(area) {
        let list_width = middle.width * 55 / 100;
        let list = Rect::new(middle.x, middle.y, list_width, middle.height);
        let detail = Rect::new(
            middle.x + list_width,
            middle.y,
            middle.width - list_width,
            middle.height,
        );
        Areas {
            header,
            search,
            notice,
            list,
            detail: Some(detail),
            status,
        }
    } else {
        let list = Rect::new(middle.x, middle.y, middle.width, 0);
        Areas {
            header,
            search,
            notice,
            list,
            detail: Some(middle),
            status,
        }
    }
}

/// Table rows that fit in the list area (its first row holds the column titles).
pub fn list_rows(list: Rect) -> usize {
    usize::from(list.height.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_by_twenty_four_shows_twenty_rows() {
        let a = areas(Rect::new(0, 0, 80, 24), false, 0);
        assert_eq!((a.header.y, a.search.y, a.list.y, a.status.y), (0, 1, 2, 23));
        assert_eq!(a.list.height, 21);
        assert_eq!(list_rows(a.list), 20);
    }

    #[test]
    fn detail_replaces_the_list_when_narrow_and_sits_beside_it_when_wide() {
        let narrow = areas(Rect::new(0, 0, 80, 24), true, 0);
        assert_eq!(narrow.list.height, 0);
        assert_eq!(narrow.detail.map(|d| (d.y, d.height, d.width)), Some((2, 21, 80)));
        let wide = areas(Rect::new(0, 0, 120, 40), true, 0);
        let d = wide.detail.unwrap();
        assert_eq!(wide.list.width + d.width, 120);
        assert_eq!(d.x, wide.list.width);
    }

    #[test]
    fn a_notice_takes_rows_from_the_list_but_at_most_half() {
        let a = areas(Rect::new(0, 0, 80, 24), false, 3);
        assert_eq!((a.notice.y, a.notice.height), (2, 3));
        assert_eq!((a.list.y, a.list.height), (5, 18));
        let huge = areas(Rect::new(0, 0, 80, 24), false, 50);
        assert_eq!(huge.notice.height, 10);
        assert_eq!(huge.list.height, 11);
    }

    #[test]
    fn tiny_areas_never_underflow() {
        for w in 0..5 {
            for h in 0..5 {
                let a = areas(Rect::new(0, 0, w, h), true, h);
                assert!(a.status.y <= h.max(1));
            }
        }
    }
}
