//! The detail pane: one user as fetched fresh by `get_user`, plus how they can sign in.
//!
//! Ordered by what the agent usually needs first (state, email status, sign-in methods), so
//! that a short terminal cuts the least useful lines. Every server string is sanitised and cut
//! to the pane's width by the pen; long lists of words wrap instead.

use jiff::Timestamp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};

use super::{Pen, ViewCtx, width, wrap};
use crate::api::orgs::OrgDirectory;
use crate::api::wire::{AuthenticationMethodType, HumanUser, MachineUser, User};
use crate::history::History;
use crate::tui::app::App;
use crate::tui::detail::{Detail, Load};
use crate::tui::layout;
use crate::tui::messages;
use crate::tui::theme::Theme;
use crate::userinfo::{self, EmailStatus};

/// Label column ("Password change:" and "Sign-in methods:" are the longest, plus a gap).
const LABEL_W: usize = 17;
/// Login names shown before "+N more" (each takes a line).
const MAX_LOGIN_NAMES: usize = 3;
/// History entries shown; the rest are a `users history` away.
const MAX_HISTORY_SHOWN: usize = 5;

pub(super) fn draw(buf: &mut Buffer, area: Rect, app: &App, ctx: &ViewCtx) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let inner = if layout::side_by_side(app.screen) {
        // Beside the list: a rule to the left separates the two.
        let block = Block::new().borders(Borders::LEFT).border_style(ctx.theme.border);
        let inner = block.inner(area);
        block.render(area, buf);
        inner
    } else {
        area
    };
    // One column of air on either side.
    let content = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let Some(detail) = &app.detail else {
        return;
    };
    let mut lines = Lines::new(buf, content, &ctx.theme);
    lines.line(&title(app, detail), ctx.theme.title);
    lines.skip();
    match &detail.user {
        Load::Loading => lines.line("loading…", ctx.theme.muted),
        Load::Failed(message) => lines.paragraph(message, ctx.theme.error),
        Load::Ready(user) => fields(&mut lines, user, detail, &app.orgs, ctx),
    }
}

/// The user's name: from the fetched user, else (while loading) from the list row it was
/// opened from, else its ID.
fn title(app: &App, detail: &Detail) -> String {
    match &detail.user {
        Load::Ready(user) => userinfo::display_name(user).into_owned(),
        _ => app
            .list
            .selected_row()
            .filter(|r| r.user.user_id == detail.user_id)
            .map_or_else(|| detail.user_id.clone(), |r| r.display_name.clone()),
    }
}

fn fields(lines: &mut Lines<'_, '_>, user: &User, detail: &Detail, orgs: &OrgDirectory, ctx: &ViewCtx) {
    let theme = &ctx.theme;
    lines.wrapped("User ID:", &user.user_id, theme.base);
    lines.field(
        "State:",
        userinfo::state_word(user.state),
        theme.state(user.state),
    );
    email(lines, user, theme);
    sign_in_methods(lines, user, &detail.methods, theme);
    if let Some(human) = &user.human {
        human_contact(lines, human, theme);
    }
    history(lines, detail.history.as_ref(), &detail.user_id, ctx);
    lines.wrapped("Username:", &user.username, theme.base);
    lines.wrapped("Preferred login:", &user.preferred_login_name, theme.base);
    login_names(lines, &user.login_names, theme);
    match (&user.human, &user.machine) {
        (Some(human), _) => human_names(lines, human, theme),
        (None, Some(machine)) => machine_names(lines, machine, theme),
        (None, None) => {}
    }
    let details = user.details.as_ref();
    // "Initech (2814…)" when the name is known, else the ID; wrapped, never cut.
    let org = details.map_or_else(String::new, |d| orgs.label(&d.resource_owner));
    lines.field("Organization:", &org, theme.base);
    when(lines, "Created:", details.and_then(|d| d.creation_date), ctx);
    when(lines, "Changed:", details.and_then(|d| d.change_date), ctx);
}

fn email(lines: &mut Lines<'_, '_>, user: &User, theme: &Theme) {
    let status = userinfo::email_status(user);
    let status_style = theme.email_status(status);
    match (status, userinfo::email(user)) {
        (EmailStatus::Machine, _) => lines.field("Email:", "none — machine user", status_style),
        (_, Some(address)) => lines.field_with("Email:", address, theme.base, status.as_str(), status_style),
        (_, None) => lines.field("Email:", "none (no email)", status_style),
    }
}

/// How the user can sign in. None at all means they never finished setting up: the agent
/// must send an invite, and a verification mail would not help — so that line stands out.
fn sign_in_methods(
    lines: &mut Lines<'_, '_>,
    user: &User,
    methods: &Load<Vec<AuthenticationMethodType>>,
    theme: &Theme,
) {
    const LABEL: &str = "Sign-in methods:";
    match methods {
        Load::Loading => lines.field(LABEL, "loading…", theme.muted),
        Load::Failed(message) => lines.wrapped(LABEL, message, theme.error),
        // Machine users sign in with keys, secrets or tokens, which this list never shows.
        Load::Ready(m) if m.is_empty() && user.human.is_none() && user.machine.is_some() => {
            lines.field(LABEL, "keys or tokens (machine user)", theme.muted)
        }
        Load::Ready(m) if m.is_empty() => {
            lines.wrapped(LABEL, &userinfo::auth_methods_summary(m), theme.warning);
            lines.wrapped("", "→ send an invite, not a verification mail", theme.warning);
        }
        Load::Ready(m) => lines.wrapped(LABEL, &userinfo::auth_methods_summary(m), theme.base),
    }
}

/// The newest events, each "date time  what · who" with what it implies below: the answer
/// to "what happened to my mail" before the less urgent fields.
fn history(lines: &mut Lines<'_, '_>, load: Option<&Load<History>>, user_id: &str, ctx: &ViewCtx) {
    const LABEL: &str = "History:";
    let theme = &ctx.theme;
    let h = match load {
        None | Some(Load::Loading) => return lines.field(LABEL, "loading…", theme.muted),
        Some(Load::Failed(message)) => return lines.wrapped(LABEL, message, theme.muted),
        Some(Load::Ready(h)) => h,
    };
    if h.entries.is_empty() {
        return lines.field(LABEL, "no codes, address changes or locks", theme.muted);
    }
    lines.field(LABEL, "newest first", theme.muted);
    for e in h.entries.iter().take(MAX_HISTORY_SHOWN) {
        let when = e.when.map_or_else(|| "?".to_owned(), |t| short_time(t, &ctx.tz));
        let text = if e.who.is_empty() {
            e.what.clone()
        } else {
            format!("{} · {}", e.what, e.who)
        };
        lines.wrapped(&when, &text, theme.base);
        if let Some(note) = &e.note {
            lines.wrapped("", &format!("↳ {note}"), theme.warning);
        }
    }
    if h.entries.len() > MAX_HISTORY_SHOWN {
        lines.wrapped(
            "",
            &messages::history_more(h.entries.len() - MAX_HISTORY_SHOWN, user_id),
            theme.muted,
        );
    }
}

/// "2025-02-03 14:05": fits the label column; the zone is named under "Created:".
fn short_time(ts: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let at = tz.to_datetime(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

fn human_contact(lines: &mut Lines<'_, '_>, human: &HumanUser, theme: &Theme) {
    match human.phone.as_ref().filter(|p| !p.phone.trim().is_empty()) {
        Some(phone) => lines.field_with(
            "Phone:",
            &phone.phone,
            theme.base,
            if phone.is_verified {
                "verified"
            } else {
                "not verified"
            },
            theme.verification(phone.is_verified),
        ),
        None => lines.field("Phone:", "none", theme.muted),
    }
    if human.password_change_required {
        lines.field("Password change:", "required at next sign-in", theme.warning);
    } else {
        lines.field("Password change:", "not required", theme.base);
    }
}

fn login_names(lines: &mut Lines<'_, '_>, names: &[String], theme: &Theme) {
    let mut label = "Login names:";
    for name in names.iter().take(MAX_LOGIN_NAMES) {
        lines.wrapped(label, name, theme.base);
        label = "";
    }
    if names.len() > MAX_LOGIN_NAMES {
        lines.field(
            "",
            &format!("+{} more", names.len() - MAX_LOGIN_NAMES),
            theme.muted,
        );
    } else if names.is_empty() {
        lines.field(label, "none", theme.muted);
    }
}

fn human_names(lines: &mut Lines<'_, '_>, human: &HumanUser, theme: &Theme) {
    let profile = human.profile.as_ref();
    lines.field(
        "First name:",
        profile.map_or("", |p| p.given_name.as_str()),
        theme.base,
    );
    lines.field(
        "Last name:",
        profile.map_or("", |p| p.family_name.as_str()),
        theme.base,
    );
    let display = profile.and_then(|p| p.display_name.as_deref()).unwrap_or("");
    lines.field("Display name:", display, theme.base);
}

fn machine_names(lines: &mut Lines<'_, '_>, machine: &MachineUser, theme: &Theme) {
    lines.field("Name:", &machine.name, theme.base);
    lines.field("Description:", &machine.description, theme.base);
}

/// "2024-05-14 08:12 UTC  9 months ago".
fn when(lines: &mut Lines<'_, '_>, label: &str, ts: Option<Timestamp>, ctx: &ViewCtx) {
    match ts {
        Some(ts) => {
            let local = local_time(ts, &ctx.tz);
            lines.field_with(
                label,
                &local,
                ctx.theme.base,
                &relative(ts, ctx.now),
                ctx.theme.muted,
            );
        }
        None => lines.field(label, "unknown", ctx.theme.muted),
    }
}

pub(in crate::tui::view) fn local_time(ts: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let at = tz.to_datetime(ts);
    let zone = tz.to_offset_info(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        zone.abbreviation()
    )
}

/// "just now", "5 minutes ago", "3 days ago", "2 years ago"; "in the future" when the server's
/// clock is ahead of ours by more than a minute (a small skew still reads "just now").
fn relative(then: Timestamp, now: Timestamp) -> String {
    let secs = now.as_second().saturating_sub(then.as_second());
    if secs < -60 {
        return "in the future".to_owned();
    }
    if secs < 60 {
        return "just now".to_owned();
    }
    let days = secs / 86_400;
    let (n, unit) = match secs {
        s if s < 3_600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3_600, "hour"),
        _ if days < 30 => (days, "day"),
        _ if days < 365 => (days / 30, "month"),
        _ => (days / 365, "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{plural} ago")
}

/// Writes the pane top to bottom; lines past the bottom are dropped.
struct Lines<'b, 't> {
    buf: &'b mut Buffer,
    area: Rect,
    y: u16,
    label_w: usize,
    theme: &'t Theme,
}

impl<'b, 't> Lines<'b, 't> {
    fn new(buf: &'b mut Buffer, area: Rect, theme: &'t Theme) -> Lines<'b, 't> {
        // In a very narrow pane the labels give way to the values.
        let label_w = LABEL_W.min(usize::from(area.width) * 2 / 5);
        Lines {
            buf,
            area,
            y: area.y,
            label_w,
            theme,
        }
    }

    /// A pen on the next line, if there is one.
    fn next(&mut self) -> Option<Pen<'_>> {
        if self.y >= self.area.bottom() {
            return None;
        }
        let row = Rect::new(self.area.x, self.y, self.area.width, 1);
        self.y += 1;
        Pen::new(self.buf, row)
    }

    fn skip(&mut self) {
        self.y = self.y.saturating_add(1);
    }

    /// A whole line of text.
    fn line(&mut self, text: &str, style: Style) {
        if let Some(mut pen) = self.next() {
            pen.text(text, style);
        }
    }

    /// A message wrapped over as many lines as it needs.
    fn paragraph(&mut self, text: &str, style: Style) {
        let clean = crate::text::sanitize(text);
        for part in wrap(&clean, usize::from(self.area.width)) {
            self.line(part, style);
        }
    }

    /// "Label:  value" (an empty label continues the field above).
    fn field(&mut self, label: &str, value: &str, style: Style) {
        self.field_with(label, value, style, "", style);
    }

    /// "Label:  value  suffix": the suffix (a status word) is kept whole. When both do not fit
    /// on one line the suffix goes on the next, rather than cutting the value short.
    fn field_with(&mut self, label: &str, value: &str, style: Style, suffix: &str, suffix_style: Style) {
        let room = usize::from(self.area.width).saturating_sub(self.label_w);
        let suffix_w = if suffix.is_empty() { 0 } else { width(suffix) + 2 };
        let own_line = suffix_w > 0 && crate::text::display_width(value) + suffix_w > room;
        if own_line || crate::text::display_width(value) > room {
            // Too long for one line: the value wraps (a long email is read whole), and the
            // suffix follows on a line of its own.
            self.wrapped(label, value, style);
            if !suffix.is_empty() {
                self.one_line("", suffix, suffix_style);
            }
            return;
        }
        self.one_line_with(label, value, style, suffix, suffix_style);
    }

    /// "Label:  value", cut with `…` if it must be.
    fn one_line(&mut self, label: &str, value: &str, style: Style) {
        self.one_line_with(label, value, style, "", style);
    }

    fn one_line_with(&mut self, label: &str, value: &str, style: Style, suffix: &str, suffix_style: Style) {
        let (label_w, muted) = (self.label_w, self.theme.muted);
        let room = usize::from(self.area.width).saturating_sub(label_w);
        let suffix_w = if suffix.is_empty() { 0 } else { width(suffix) + 2 };
        let own_line = suffix_w > 0 && crate::text::display_width(value) + suffix_w > room;
        let Some(mut pen) = self.next() else {
            return;
        };
        let start = pen.x;
        pen.fit(label, label_w.saturating_sub(1), muted);
        pen.to(start.saturating_add(u16::try_from(label_w).unwrap_or(u16::MAX)));
        let value_room = if own_line {
            room
        } else {
            room.saturating_sub(suffix_w)
        };
        pen.fit(value, value_room.max(1), style);
        if suffix.is_empty() {
            return;
        }
        if own_line {
            self.one_line("", suffix, suffix_style);
        } else {
            pen.skip(2).text(suffix, suffix_style);
        }
    }

    /// A field whose value wraps at spaces onto continuation lines.
    fn wrapped(&mut self, label: &str, value: &str, style: Style) {
        let room = usize::from(self.area.width).saturating_sub(self.label_w).max(1);
        let clean = crate::text::sanitize(value);
        let mut label = label;
        for part in wrap(&clean, room) {
            self.one_line(label, part, style);
            label = "";
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = ts("2025-03-01T12:00:00Z");
        assert_eq!(relative(ts("2025-03-01T11:59:30Z"), now), "just now");
        assert_eq!(
            relative(ts("2025-03-01T12:00:30Z"), now),
            "just now",
            "small clock skew"
        );
        assert_eq!(relative(ts("2025-03-01T12:05:00Z"), now), "in the future");
        assert_eq!(relative(ts("2025-03-01T11:59:00Z"), now), "1 minute ago");
        assert_eq!(relative(ts("2025-03-01T09:00:00Z"), now), "3 hours ago");
        assert_eq!(relative(ts("2025-02-26T12:00:00Z"), now), "3 days ago");
        assert_eq!(relative(ts("2024-12-01T12:00:00Z"), now), "3 months ago");
        assert_eq!(relative(ts("2024-03-01T12:00:00Z"), now), "1 year ago");
        assert_eq!(relative(ts("2000-01-01T00:00:00Z"), now), "25 years ago");
    }

    #[test]
    fn local_time_uses_the_zone_and_names_it() {
        let t = ts("2024-05-14T08:12:44Z");
        assert_eq!(local_time(t, &jiff::tz::TimeZone::UTC), "2024-05-14 08:12 UTC");
    }
}
