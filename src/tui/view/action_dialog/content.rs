//! What the action dialog says, laid out as rows for the popup's width (the drawing is in
//! the parent). Kept apart so the popup can be exactly as tall as its content. The words are
//! `messages::dialog`'s; this file only arranges them.
//!
//! The returned code enters a row only when the agent has revealed it; masked, the row holds a
//! fixed number of bullets, so not even the code's length shows.

use std::borrow::Cow;

use ratatui::style::Style;

use super::super::detail::local_time;
use super::super::status::spinner;
use super::super::{ViewCtx, width, wrap};
use crate::api::template::{UrlTemplate, UrlTemplateError};
use crate::api::{Action, ActionKind, ActionResult, CodeMode, EmailVerification, ResetMode};
use crate::read_aloud::{Spelled, spell};
use crate::text::sanitize;
use crate::tui::action_dialog::{
    ActionDialog, CopyState, Delivery, DialogAction, EDITING, Field, NOTHING_PENDING, Phase, SHOWING_CODE,
    TemplateCheck, deliveries,
};
use crate::tui::app::App;
use crate::tui::browse::actions_key;
use crate::tui::clipboard::Clipboard;
use crate::tui::messages::{COPY_REFUSED, address_error, dialog, no_pending_code};
use crate::tui::theme::Theme;
use crate::userinfo::{self, EmailStatus};

/// When the link cannot be rendered here (see `go_template`): it is still sent.
const PREVIEW_UNAVAILABLE: &str = "link: no preview here — ZITADEL fills it in when it mails";
/// A fixed mask: the code's length is none of the screen's business before `v` either.
const MASK: &str = "••••••";
/// Label column of the "Sequence:" / "Changed:" / "Org:" fields.
const LABEL_W: usize = 10;

pub(super) type Span<'a> = (Cow<'a, str>, Style);

/// One row of the popup's body.
pub(super) enum BodyRow<'a> {
    Spans(Vec<Span<'a>>),
    /// Text on the left and something kept whole at the right edge (the length counter).
    Split(Span<'a>, Span<'a>),
    /// A text input.
    Field(Field),
    /// The returned code spelled for reading aloud, over this many rows.
    ReadAloud(Spelled, u16),
}

impl BodyRow<'_> {
    /// Rows of the popup it takes.
    pub(super) fn height(&self) -> usize {
        match self {
            BodyRow::ReadAloud(_, rows) => usize::from(*rows),
            _ => 1,
        }
    }
}

/// The most rows the spelled code takes: past it the table goes into columns (see
/// `view::read_aloud`), so that the dialog still fits 80×24 with its answer.
const READ_ALOUD_ROWS: usize = 10;

/// The body for `w` columns.
pub(super) fn rows<'a>(d: &'a ActionDialog, app: &App, ctx: &ViewCtx, w: usize) -> Vec<BodyRow<'a>> {
    let t = &ctx.theme;
    let mut r = Body { rows: Vec::new(), w };
    let who = &d.target;
    // The display name is the user's own choice: it gets at most half the line, so a long
    // one can neither hide the login name nor pose as another user's.
    let name = crate::text::truncate(&who.display_name, (w / 2).max(8));
    r.spans(vec![
        (name.into_owned().into(), t.title),
        ("  ".into(), t.base),
        (who.login_name.as_str().into(), t.muted),
    ]);
    r.spans(fact_line(d, t));
    if let Some(note) = d.note {
        r.gap();
        r.para(&dialog::note(note, &who.display_name, &actions_key()), t.warning);
    }
    r.gap();
    let keys = d.keymap();
    match &d.phase {
        Phase::Address { error } => {
            address(&mut r, d, t);
            if let Some(e) = error {
                r.gap();
                r.para(&format!("✗ {e}"), t.error);
            }
        }
        Phase::Editing { error } => {
            choosing(&mut r, d, t);
            if let Some(e) = error {
                r.gap();
                r.para(&format!("✗ {e}"), t.error);
                r.para(
                    &format!(
                        "Nothing is retried: fix it and press {} again, or {} to cancel.",
                        keys.key_name(DialogAction::Confirm),
                        keys.key_name(DialogAction::Cancel)
                    ),
                    t.muted,
                );
            }
        }
        Phase::ConfirmVerified => {
            let new = d.new_address().unwrap_or_default();
            r.para(
                &dialog::confirm_verified(
                    new,
                    &keys.key_name(DialogAction::Confirm),
                    &keys.key_name(DialogAction::Cancel),
                ),
                t.warning,
            );
        }
        Phase::InFlight { .. } => {
            choosing(&mut r, d, t);
            r.gap();
            // Last row: the view leaves it undimmed.
            r.spans(vec![
                (spinner(app.spinner_frame).into(), t.key),
                (" sending…".into(), t.base),
            ]);
            return r.rows;
        }
        Phase::Done {
            action,
            result,
            revealed,
            copy,
            read_aloud,
        } => done(
            &mut r,
            d,
            action,
            result,
            (*revealed, *read_aloud),
            (*copy, app.connection.clipboard),
            ctx,
        ),
        Phase::NoPending => {
            let (what, then) = no_pending_code(
                d.target.email_status,
                &NOTHING_PENDING.key_name(DialogAction::SendFresh),
            );
            r.para(&what, t.warning);
            r.gap();
            r.para(&then, t.base);
        }
        Phase::ConfirmSend => {
            let to = address_of(d);
            r.para(
                &format!("Send a fresh code to {to}? Any earlier code stops working."),
                t.title,
            );
            r.gap();
            match (d.delivery, &d.check) {
                (Delivery::Mail, TemplateCheck::Valid { preview, template }) => {
                    r.line("ZITADEL mails it with this link:", t.base);
                    r.labelled("", &preview_or_template(preview, template), t.muted, t.base);
                }
                (Delivery::Mail, _) => r.para("ZITADEL mails it with its default link.", t.base),
                (other, _) => r.para(&dialog::explain(d.kind, other, to, &d.target.phone), t.base),
            }
        }
        Phase::NotInitialised => r.para(dialog::not_initialised(d.kind), t.warning),
        Phase::NoAddress => r.para(
            "This user has no email address to verify (a machine user, or no address set): \
             nothing can be sent.",
            t.warning,
        ),
        Phase::RetrySend { error } => {
            r.para(error, t.error);
            r.gap();
            r.para(
                &format!(
                    "{} tries the fresh code again · {} cancels.",
                    keys.key_name(DialogAction::Confirm),
                    keys.key_name(DialogAction::Cancel)
                ),
                t.base,
            );
        }
        Phase::Unsupported { error } | Phase::Refused { error } => r.para(error, t.error),
        Phase::ReadOnly => r.para(
            &dialog::read_only(d.kind, app.connection.read_only_source.as_deref()),
            t.warning,
        ),
    }
    if let Some(audit) = &d.audit_error {
        r.gap();
        r.para(&format!("audit: {audit}"), t.warning);
    }
    r.rows
}

/// The second line: what the action is about — the address (old → new for a new one), the
/// phone, or the account's state — in words, not only in colour.
fn fact_line<'a>(d: &'a ActionDialog, t: &Theme) -> Vec<Span<'a>> {
    let who = &d.target;
    match d.kind {
        ActionKind::PhoneCode => {
            let phone = if who.phone.is_empty() {
                "none"
            } else {
                who.phone.as_str()
            };
            vec![("Phone: ".into(), t.muted), (phone.into(), t.base)]
        }
        ActionKind::Unlock | ActionKind::Reactivate => {
            let done = matches!(d.phase, Phase::Done { .. });
            let state = dialog::state_line(userinfo::state_word(who.state), done);
            vec![
                ("State: ".into(), t.muted),
                (state.into(), if done { t.verified } else { t.warning }),
            ]
        }
        ActionKind::SetEmail => {
            let mut spans = email_line(d, t);
            if let Some(new) = d.new_address() {
                spans.push(("  →  ".into(), t.key));
                spans.push((sanitize(new).into_owned().into(), t.title));
            }
            spans
        }
        _ => email_line(d, t),
    }
}

/// "Email: jane@example.com  not verified".
fn email_line<'a>(d: &'a ActionDialog, t: &Theme) -> Vec<Span<'a>> {
    let who = &d.target;
    let status = who.email_status;
    let label = ("Email: ".into(), t.muted);
    match status {
        EmailStatus::Machine => vec![label, ("none — machine user".into(), t.email_status(status))],
        _ if who.email.is_empty() => vec![label, ("none (no email)".into(), t.email_status(status))],
        _ => vec![
            label,
            (who.email.as_str().into(), t.base),
            ("  ".into(), t.base),
            (status.as_str().into(), t.email_status(status)),
        ],
    }
}

/// Where a mail goes: the new address for a new one, else the user's.
fn address_of(d: &ActionDialog) -> &str {
    match (d.kind, d.new_address()) {
        (ActionKind::SetEmail, Some(new)) => new,
        _ if d.target.email.is_empty() => "the user's address",
        _ => &d.target.email,
    }
}

/// Set email, first step: the new address and its verdict.
fn address<'a>(r: &mut Body<'a>, d: &'a ActionDialog, t: &Theme) {
    r.para(dialog::warning(d.kind), t.warning);
    r.gap();
    let too_long = matches!(
        d.address_check,
        Err(crate::tui::action_dialog::AddressError::TooLong { .. })
    );
    r.rows.push(BodyRow::Split(
        ("New address:".into(), t.muted),
        (
            d.address_length().into(),
            if too_long { t.error } else { t.muted },
        ),
    ));
    r.rows.push(BodyRow::Field(Field::Address));
    match d.address_check {
        Ok(_) => r.line(
            "then: mail a code there, return it to you, or mark it verified",
            t.muted,
        ),
        Err(crate::tui::action_dialog::AddressError::Empty) => r.line_owned(
            address_error(crate::tui::action_dialog::AddressError::Empty),
            t.muted,
        ),
        Err(e) => r.para(&format!("✗ {}", address_error(e)), t.error),
    }
}

/// Editing (and, dimmed, in flight): the warning, the deliveries, the template.
fn choosing<'a>(r: &mut Body<'a>, d: &'a ActionDialog, t: &Theme) {
    r.para(dialog::warning(d.kind), t.warning);
    let offered = deliveries(d.kind);
    if offered.len() > 1 {
        r.gap();
        // The marker says which is chosen; the style only adds emphasis.
        let mut spans: Vec<Span<'a>> = Vec::new();
        for (i, delivery) in offered.iter().enumerate() {
            if i > 0 {
                spans.push(("   ".into(), t.base));
            }
            let on = *delivery == d.delivery;
            let mark = if on { "(•) " } else { "( ) " };
            spans.push((
                format!("{mark}{}", dialog::choice(d.kind, *delivery)).into(),
                if on { t.key } else { t.muted },
            ));
        }
        r.spans(spans);
    }
    let explained = dialog::explain(d.kind, d.delivery, address_of(d), &d.target.phone);
    if explained.is_empty() {
        return;
    }
    r.gap();
    r.para(&explained, t.base);
    if d.delivery != Delivery::Mail {
        return;
    }
    let too_long = matches!(d.check, TemplateCheck::Invalid(UrlTemplateError::TooLong { .. }));
    r.rows.push(BodyRow::Split(
        ("Link in the mail (optional):".into(), t.muted),
        (d.length().into(), if too_long { t.error } else { t.muted }),
    ));
    r.rows.push(BodyRow::Field(Field::Template));
    match &d.check {
        TemplateCheck::Default => r.line("empty: ZITADEL's default link", t.muted),
        TemplateCheck::Valid { preview, template } => {
            match preview {
                // Wrapped, never cut: the whole link is what the user will get.
                Some(p) => r.labelled("link: ", p, t.muted, t.base),
                None => r.line(PREVIEW_UNAVAILABLE, t.muted),
            }
            if d.shows_remembered() {
                r.line(dialog::REMEMBERED, t.muted);
            }
            for w in template.warnings() {
                r.para(&format!("! {w}"), t.warning);
            }
        }
        TemplateCheck::Invalid(e) => r.para(&format!("✗ {e}"), t.error),
    }
    if d.cycle_len() > 1 {
        // Named from the editing keys: in flight they are not bound, but it is the same row.
        let remembered = d
            .remembered
            .as_deref()
            .is_some_and(|r| !r.is_empty() && !d.templates.iter().any(|s| s.trim() == r.trim()));
        r.para(
            &dialog::template_cycle(
                EDITING.label(DialogAction::PrevTemplate),
                EDITING.label(DialogAction::NextTemplate),
                d.templates.len(),
                remembered,
            ),
            t.muted,
        );
    }
}

/// What ZITADEL answered, and the code (masked until revealed).
fn done<'a>(
    r: &mut Body<'a>,
    d: &'a ActionDialog,
    action: &Action,
    result: &'a ActionResult,
    (revealed, read_aloud): (bool, bool),
    (copy, clipboard): (CopyState, Clipboard),
    ctx: &ViewCtx,
) {
    let t = &ctx.theme;
    let headline = dialog::done(
        action,
        &d.target.display_name,
        address_of(d),
        &d.target.phone,
        &SHOWING_CODE.key_name(DialogAction::Reveal),
        revealed,
    );
    r.para(&headline, t.verified);
    if result.code.is_some() {
        // The other state's headline may take more rows: pad to it, so that revealing the
        // code leaves it where the mask was.
        let other = dialog::done(
            action,
            &d.target.display_name,
            address_of(d),
            &d.target.phone,
            &SHOWING_CODE.key_name(DialogAction::Reveal),
            !revealed,
        );
        let rows = |s: &str| wrap(&sanitize(s), r.w.max(1)).len();
        for _ in rows(&headline)..rows(&other) {
            r.gap();
        }
    }
    r.gap();
    if action.returns_code() || result.code.is_some() {
        let label: Span<'a> = (format!("{:<LABEL_W$}", "Code:").into(), t.muted);
        match (&result.code, revealed) {
            (Some(code), _) if read_aloud => {
                let spelled = spell(code.expose());
                // The code on top, a blank row, then a row per character and per gap.
                let chars: usize = spelled.groups.iter().map(Vec::len).sum();
                let needed = 2 + chars + spelled.groups.len().saturating_sub(1);
                let rows = u16::try_from(needed.min(READ_ALOUD_ROWS)).unwrap_or(1);
                r.rows.push(BodyRow::ReadAloud(spelled, rows));
            }
            // In the column the mask had: revealing changes the text, not its place.
            (Some(code), true) => r.spans(vec![label, (code.expose().into(), t.code)]),
            // Never the code itself here, and not its length either.
            (Some(_), false) => r.spans(vec![label, (MASK.into(), t.title)]),
            (None, _) => r.line("ZITADEL returned no code.", t.warning),
        }
        match copy {
            CopyState::NotYet => {}
            CopyState::Copied => {
                // With copying off nothing was sent: not in the colour of a success.
                let style = if clipboard == Clipboard::Off {
                    t.warning
                } else {
                    t.verified
                };
                r.line_owned(crate::tui::messages::copied(None, clipboard), style);
            }
            CopyState::Refused => r.para(COPY_REFUSED, t.error),
        }
        r.gap();
    }
    if let Some(sent) = mailed_link(action) {
        // The link as the audit line has it: the template rendered for this user with the
        // code masked, else the template as sent, or ZITADEL's own.
        let link = match sent {
            Some(template) => template
                .render(&d.target.user_id, MASK, &d.target.org_id)
                .map_or_else(
                    || sanitize(template.as_str()).into_owned(),
                    |l| sanitize(&l).into_owned(),
                ),
            None => dialog::DEFAULT_LINK.to_owned(),
        };
        r.labelled(
            &format!("{:<LABEL_W$}", dialog::LINK_LABEL),
            &link,
            t.muted,
            t.base,
        );
    }
    if let Some(seq) = result.sequence {
        r.field("Sequence:", seq.to_string(), t);
    }
    if let Some(ts) = result.changed_at {
        r.field("Changed:", local_time(ts, &ctx.tz), t);
    }
    if !result.resource_owner.is_empty() {
        r.field("Org:", result.resource_owner.clone(), t);
    }
}

/// Collects rows, wrapping paragraphs to the body's width.
struct Body<'a> {
    rows: Vec<BodyRow<'a>>,
    w: usize,
}

impl<'a> Body<'a> {
    fn spans(&mut self, spans: Vec<Span<'a>>) {
        self.rows.push(BodyRow::Spans(spans));
    }

    fn gap(&mut self) {
        self.rows.push(BodyRow::Spans(Vec::new()));
    }

    fn line(&mut self, text: &'a str, style: Style) {
        self.spans(vec![(text.into(), style)]);
    }

    fn line_owned(&mut self, text: String, style: Style) {
        self.spans(vec![(text.into(), style)]);
    }

    /// Text wrapped at spaces over as many rows as it needs.
    fn para(&mut self, text: &str, style: Style) {
        let clean = sanitize(text);
        for part in wrap(&clean, self.w.max(1)) {
            self.line_owned(part.to_owned(), style);
        }
    }

    /// `label` then `text` wrapped (never cut) to the rest of the width, its further rows
    /// indented under the first.
    fn labelled(&mut self, label: &str, text: &str, label_style: Style, style: Style) {
        let indent = width(label);
        let room = self.w.saturating_sub(indent).max(1);
        for (i, part) in wrap(text, room).into_iter().enumerate() {
            let head = if i == 0 {
                label.to_owned()
            } else {
                " ".repeat(indent)
            };
            self.spans(vec![(head.into(), label_style), (part.to_owned().into(), style)]);
        }
    }

    /// "Label:    value".
    fn field(&mut self, label: &str, value: String, t: &Theme) {
        self.spans(vec![
            (format!("{label:<LABEL_W$}").into(), t.muted),
            (value.into(), t.base),
        ]);
    }
}

/// A mail ZITADEL was asked to send with a link: the template sent (`None`: ZITADEL's
/// default link); `None` when no link was mailed.
fn mailed_link(action: &Action) -> Option<Option<&UrlTemplate>> {
    let mailed = match action {
        Action::EmailCode { mode, .. } | Action::Invite { mode, .. } => matches!(mode, CodeMode::Send { .. }),
        Action::SetEmail { verification, .. } => {
            matches!(verification, EmailVerification::Code(CodeMode::Send { .. }))
        }
        Action::PasswordReset(reset) => matches!(reset, ResetMode::Email { .. }),
        _ => false,
    };
    mailed.then(|| action.url_template())
}

/// The link for the confirmation: the preview, else the template as sent.
fn preview_or_template(preview: &Option<String>, template: &UrlTemplate) -> String {
    match preview {
        Some(p) => p.clone(),
        None => sanitize(template.as_str()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_names_the_zone() {
        let ts: jiff::Timestamp = "2025-03-01T12:09:00Z".parse().unwrap_or_default();
        assert_eq!(local_time(ts, &jiff::tz::TimeZone::UTC), "2025-03-01 12:09 UTC");
    }
}
