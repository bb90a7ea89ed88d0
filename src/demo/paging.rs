//! The `OFFSET … LIMIT …` window over rows in sort order, with PostgreSQL's treatment of
//! ties. ZITADEL orders by the one requested column and nothing else
//! (internal/query/search_query.go, `consumeSorting`), so rows with equal values come back in
//! whatever order the sort happened to leave them — for a bounded (top-N) sort that depends on
//! how many rows it keeps, `offset + limit`. The demo does the same: within a group of equal
//! values the order is a fixed shuffle seeded by `offset + limit`, so paging over ties can
//! repeat or skip a user, as on a real server, while the same request always gets the same
//! answer. Groups of one (every user when sorting by ID) are unaffected.
//!
//! Memory: the members of the current group, and only for groups that reach into the window.

use super::rng::mix;

/// Collects the window `[offset, offset + limit)` of the rows fed to it in sort order.
pub(crate) struct Pager {
    start: usize,
    /// Exclusive; `usize::MAX` when the request has no limit (`limit: 0` returns every row).
    end: usize,
    seed: u64,
    /// Rows before the current group.
    seen: usize,
    group: Vec<usize>,
    group_len: usize,
    page: Vec<usize>,
}

impl Pager {
    /// `limit` 0 means no `LIMIT` at all (internal/query/search_query.go, `toQuery`).
    pub fn new(offset: usize, limit: usize) -> Pager {
        let end = if limit == 0 {
            usize::MAX
        } else {
            offset.saturating_add(limit)
        };
        Pager {
            start: offset,
            end,
            seed: if limit == 0 { 0 } else { end as u64 },
            seen: 0,
            group: Vec::new(),
            group_len: 0,
            page: Vec::new(),
        }
    }

    /// Counts `rows` rows as already passed, before the first [`Pager::push`]: a listing
    /// without a filter starts at the group that holds `offset` instead of at the first row.
    pub fn skip(&mut self, rows: usize) {
        self.seen = rows;
    }

    /// Feeds the next row (by position) in sort order; `tied` says it sorts equal to the row
    /// fed before it.
    pub fn push(&mut self, pos: usize, tied: bool) {
        if !tied {
            self.flush();
        }
        self.group_len += 1;
        // A group that starts at or after the window's end cannot reach into it.
        if self.seen < self.end {
            self.group.push(pos);
        }
    }

    /// True once no further row can change the page (the caller may stop when it does not
    /// need the count of all rows), i.e. the window is full and the next row starts a group.
    pub fn is_complete_before(&self, next_tied: bool) -> bool {
        !next_tied && self.seen.saturating_add(self.group_len) >= self.end
    }

    fn flush(&mut self) {
        let from = self.seen;
        let to = from + self.group_len;
        if to > self.start && from < self.end && !self.group.is_empty() {
            let seed = self.seed;
            if self.group.len() > 1 {
                self.group.sort_by_key(|&p| mix((p as u64) ^ mix(seed)));
            }
            let a = self.start.saturating_sub(from);
            let b = (self.end - from).min(self.group.len());
            if a < b {
                self.page.extend_from_slice(&self.group[a..b]);
            }
        }
        self.seen = to;
        self.group.clear();
        self.group_len = 0;
    }

    /// The number of rows fed, and the page's positions in answer order.
    pub fn finish(mut self) -> (usize, Vec<usize>) {
        self.flush();
        (self.seen, self.page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages `rows` (position, group id) with the given window.
    fn page(rows: &[(usize, u32)], offset: usize, limit: usize) -> (usize, Vec<usize>) {
        let mut p = Pager::new(offset, limit);
        let mut prev = None;
        for &(pos, g) in rows {
            p.push(pos, prev == Some(g));
            prev = Some(g);
        }
        p.finish()
    }

    #[test]
    fn without_ties_it_is_offset_and_limit() {
        let rows: Vec<(usize, u32)> = (0..10).map(|i| (i, i as u32)).collect();
        assert_eq!(page(&rows, 3, 4), (10, vec![3, 4, 5, 6]));
        assert_eq!(page(&rows, 8, 4), (10, vec![8, 9]));
        assert_eq!(page(&rows, 12, 4), (10, vec![]));
        assert_eq!(page(&rows, 2, 0), (10, (2..10).collect()));
    }

    #[test]
    fn ties_stay_inside_their_group_and_depend_on_the_window() {
        // Group 0: positions 0..40 all equal; then 40, 41 alone.
        let mut rows: Vec<(usize, u32)> = (0..40).map(|i| (i, 0)).collect();
        rows.push((40, 1));
        rows.push((41, 2));
        let (total, first) = page(&rows, 0, 10);
        assert_eq!(total, 42);
        assert!(first.iter().all(|&p| p < 40));
        // Same request, same answer.
        assert_eq!(page(&rows, 0, 10).1, first);
        // Walking the group page by page with different windows repeats and skips rows.
        let mut walked: Vec<usize> = (0..4).flat_map(|k| page(&rows, k * 10, 10).1).collect();
        assert_eq!(walked.len(), 40);
        walked.sort_unstable();
        walked.dedup();
        assert!(walked.len() < 40, "some user appears twice across pages");
        // The rows after the group keep their places.
        assert_eq!(page(&rows, 40, 10).1, vec![40, 41]);
        // One window over everything lists each row once.
        let mut all = page(&rows, 0, 0).1;
        all.sort_unstable();
        assert_eq!(all, (0..42).collect::<Vec<_>>());
    }
}
