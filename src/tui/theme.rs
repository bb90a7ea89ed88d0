//! The console's styles, in one place. Two palettes:
//!
//! * colour: the 16 named ANSI colours only, as accents on the terminal's own foreground
//!   (never a fixed white or black, and no yellow or blue text, which fade on light or dark
//!   backgrounds respectively), so it reads on dark and light terminals alike;
//! * monochrome (`NO_COLOR`, <https://no-color.org>): no colour at all, only bold, reverse,
//!   dim and underline.
//!
//! Meaning is never carried by colour alone: every coloured thing is also a word ("verified",
//! "not verified", "READ-ONLY") or a marker (`▶` for the selection), so a style here only ever
//! adds emphasis.

use ratatui::style::{Color, Modifier, Style};

use crate::api::wire::UserState;
use crate::userinfo::EmailStatus;

/// Every style the view uses. Plain data, cheap to copy into each frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// True for the monochrome palette (kept so the view can tell, e.g. in tests).
    pub no_color: bool,
    /// The locale is not UTF-8: every frame is drawn in ASCII (see `ascii.rs`).
    pub ascii: bool,
    /// Text with no particular role.
    pub base: Style,
    /// The instance host in the header.
    pub host: Style,
    /// The `READ-ONLY` badge.
    pub read_only: Style,
    /// Secondary text: freshness, hints, detail labels, "loading…".
    pub muted: Style,
    /// The users table's column titles.
    pub column_titles: Style,
    /// The selected row (with the `▶` marker, so it shows without colour too).
    pub selected: Style,
    /// `verified` (email, phone).
    pub verified: Style,
    /// `not verified`: what the agent is usually looking for.
    pub not_verified: Style,
    /// Errors: the status line's last error, the search line's syntax error, failed loads.
    pub error: Style,
    /// Facts that change what the agent does next: "none — the user cannot log in yet",
    /// password change required.
    pub warning: Style,
    /// A user state other than active (locked, inactive, initial …).
    pub attention: Style,
    /// Key names in the help overlay and the search prompt.
    pub key: Style,
    /// The detail pane's title (the user's name) and the help overlay's title.
    pub title: Style,
    /// Borders of the detail pane, the help overlay and the resend dialog.
    pub border: Style,
    /// The resend dialog's template input (underlined, so the field shows while empty).
    pub input: Style,
    /// A revealed verification code: read out to the caller, so it must stand out.
    pub code: Style,
}

impl Theme {
    /// The colour palette, or the monochrome one when `no_color`.
    pub const fn new(no_color: bool) -> Theme {
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        if no_color {
            return Theme {
                no_color,
                ascii: false,
                base: plain,
                host: bold,
                read_only: bold.add_modifier(Modifier::REVERSED),
                muted: plain.add_modifier(Modifier::DIM),
                column_titles: bold.add_modifier(Modifier::UNDERLINED),
                selected: plain.add_modifier(Modifier::REVERSED),
                verified: plain,
                not_verified: bold,
                error: bold,
                warning: bold.add_modifier(Modifier::UNDERLINED),
                attention: bold,
                key: bold,
                title: bold,
                border: plain.add_modifier(Modifier::DIM),
                input: plain.add_modifier(Modifier::UNDERLINED),
                code: bold.add_modifier(Modifier::REVERSED),
            };
        }
        Theme {
            no_color,
            ascii: false,
            base: plain,
            host: bold.fg(Color::Cyan),
            // Reversed magenta: a coloured badge whose letters take the terminal's own
            // background colour, so it reads on dark and light backgrounds.
            read_only: bold.fg(Color::Magenta).add_modifier(Modifier::REVERSED),
            muted: plain.add_modifier(Modifier::DIM),
            column_titles: bold.add_modifier(Modifier::UNDERLINED),
            selected: plain.add_modifier(Modifier::REVERSED),
            verified: plain.fg(Color::Green),
            not_verified: bold.fg(Color::Red),
            error: bold.fg(Color::Red),
            warning: bold.fg(Color::Magenta),
            attention: bold,
            key: bold.fg(Color::Cyan),
            title: bold,
            border: plain.add_modifier(Modifier::DIM),
            input: plain.add_modifier(Modifier::UNDERLINED),
            // Reversed, like the READ-ONLY badge: stands out on any background.
            code: bold.fg(Color::Green).add_modifier(Modifier::REVERSED),
        }
    }

    /// Monochrome when the `NO_COLOR` environment variable is set and not empty, or the
    /// terminal shows no colour (`TERM=vt100`, see `term_caps`).
    pub fn from_env() -> Theme {
        let no_color = no_color_requested(std::env::var_os("NO_COLOR").as_deref());
        let theme = Theme::new(no_color || super::term_caps::from_env() != super::term_caps::Display::Colour);
        Theme {
            ascii: super::ascii::from_env(),
            ..theme
        }
    }

    /// The style of an email status word.
    pub const fn email_status(&self, status: EmailStatus) -> Style {
        match status {
            EmailStatus::Verified => self.verified,
            EmailStatus::NotVerified => self.not_verified,
            EmailStatus::NoEmail | EmailStatus::Machine => self.muted,
        }
    }

    /// The style of a user state word: only "active" is unremarkable.
    pub const fn state(&self, state: UserState) -> Style {
        match state {
            UserState::Active => self.base,
            _ => self.attention,
        }
    }

    /// The style of a verified / not verified flag (email, phone).
    pub const fn verification(&self, verified: bool) -> Style {
        if verified {
            self.verified
        } else {
            self.not_verified
        }
    }
}

impl Default for Theme {
    /// The colour palette; [`Theme::from_env`] is what the console uses.
    fn default() -> Theme {
        Theme::new(false)
    }
}

/// The no-color.org rule: present and not empty, whatever the value.
fn no_color_requested(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    fn styles(t: &Theme) -> [Style; 16] {
        [
            t.base,
            t.host,
            t.read_only,
            t.muted,
            t.column_titles,
            t.selected,
            t.verified,
            t.not_verified,
            t.error,
            t.warning,
            t.attention,
            t.key,
            t.title,
            t.border,
            t.input,
            t.code,
        ]
    }

    #[test]
    fn no_color_means_no_colour_at_all() {
        for s in styles(&Theme::new(true)) {
            assert_eq!((s.fg, s.bg, s.underline_color), (None, None, None), "{s:?}");
        }
    }

    #[test]
    fn the_colour_palette_never_fixes_a_background_or_black_or_white_text() {
        for s in styles(&Theme::new(false)) {
            assert_eq!(s.bg, None, "{s:?}");
            assert!(
                !matches!(
                    s.fg,
                    Some(
                        Color::White
                            | Color::Black
                            | Color::Gray
                            | Color::DarkGray
                            | Color::Yellow
                            | Color::Blue
                    )
                ),
                "{s:?}"
            );
            assert!(
                !matches!(s.fg, Some(Color::Rgb(..) | Color::Indexed(_))),
                "16 colours only: {s:?}"
            );
        }
    }

    #[test]
    fn selection_is_reverse_video_in_both_palettes() {
        for t in [Theme::new(false), Theme::new(true)] {
            assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        }
    }

    #[test]
    fn no_color_is_set_by_any_non_empty_value() {
        assert!(!no_color_requested(None));
        assert!(!no_color_requested(Some(OsStr::new(""))));
        assert!(no_color_requested(Some(OsStr::new("1"))));
        assert!(no_color_requested(Some(OsStr::new("0"))));
    }
}
