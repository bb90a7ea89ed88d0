//! The header row: which instance (and org) this is, `READ-ONLY` when so, and how fresh the
//! list is ("as of 12:04:31", the server's `details.timestamp` in local time).

use jiff::Timestamp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Pen, ViewCtx, width};
use crate::tui::app::App;

const READ_ONLY: &str = " READ-ONLY ";

pub(super) fn draw(buf: &mut Buffer, area: Rect, app: &App, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    let Some(mut pen) = Pen::new(buf, area) else {
        return;
    };
    let fresh = app
        .list
        .details
        .as_ref()
        .and_then(|d| d.timestamp)
        .map(|ts| as_of(ts, ctx));
    // READ-ONLY and the freshness are kept whole; the host and org give way first.
    let badge = if app.connection.read_only {
        width(READ_ONLY) + 1
    } else {
        0
    };
    let fresh_w = fresh.as_deref().map_or(0, |f| width(f) + 1);
    let name_budget = pen.remaining().saturating_sub(badge + fresh_w);

    let start = pen.x;
    pen.fit(&app.connection.host, name_budget, theme.host);
    if let Some(org) = &app.connection.org {
        // By name once the organisation directory is read; the ID until then (or without it).
        let org = &app.org_label(org);
        let used = usize::from(pen.x - start);
        let left = name_budget.saturating_sub(used);
        if left > " · org ".len() {
            pen.fit(" · org ", left, theme.muted);
            let used = usize::from(pen.x - start);
            pen.fit(org, name_budget.saturating_sub(used), theme.base);
        }
    }
    // The profile and who we act as: which instance and identity this console speaks for.
    for (label, value) in [
        // No profile in use while the config file has some: say so (issue 14), never name one.
        (
            " · profile ",
            app.connection
                .profile
                .as_deref()
                .or((!app.connection.profiles.is_empty()).then_some(crate::settings::NO_PROFILE)),
        ),
        (" · as ", app.signed_in.as_deref()),
    ] {
        let Some(value) = value else { continue };
        let used = usize::from(pen.x - start);
        let left = name_budget.saturating_sub(used);
        if left > label.len() + 3 {
            pen.fit(label, left, theme.muted);
            let used = usize::from(pen.x - start);
            pen.fit(value, name_budget.saturating_sub(used), theme.base);
        }
    }
    if app.connection.read_only {
        if pen.x > start {
            pen.skip(1);
        }
        pen.text(READ_ONLY, theme.read_only);
    }
    if let Some(fresh) = fresh {
        let fw = u16::try_from(width(&fresh)).unwrap_or(u16::MAX);
        let x = pen.right.saturating_sub(fw).max(pen.x);
        pen.to(x).text(&fresh, theme.muted);
    }
}

/// "as of 12:04:31" when the stamp is from today (local time), else with its date.
fn as_of(ts: Timestamp, ctx: &ViewCtx) -> String {
    let at = ctx.tz.to_datetime(ts);
    if at.date() == ctx.tz.to_datetime(ctx.now).date() {
        format!("as of {:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
    } else {
        format!(
            "as of {:04}-{:02}-{:02} {:02}:{:02}",
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Theme;

    fn ctx(now: &str) -> ViewCtx {
        ViewCtx {
            now: now.parse().unwrap(),
            tz: jiff::tz::TimeZone::fixed(jiff::tz::offset(2)),
            theme: Theme::default(),
        }
    }

    #[test]
    fn freshness_shows_local_time_and_a_date_only_when_not_today() {
        let ts: Timestamp = "2025-03-01T10:04:31Z".parse().unwrap();
        assert_eq!(as_of(ts, &ctx("2025-03-01T11:00:00Z")), "as of 12:04:31");
        assert_eq!(as_of(ts, &ctx("2025-03-02T11:00:00Z")), "as of 2025-03-01 12:04");
    }
}
