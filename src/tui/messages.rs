//! What the console says: a failed call in plain words with the fix when one is known, and the
//! console's other sentences. All of the console's wording lives here; keys are named from the
//! keymaps, never written out.

pub mod bulk;
pub mod dialog;

use super::browse::{refresh_key, search_key};
use super::clipboard::Clipboard;
use super::list::Counter;
use crate::action::{NOT_SENT, Outcome, UNKNOWN_OUTCOME};
use crate::api::error::Refusal;
use crate::api::{ActionKind, ApiError, Missing, NotSent};

/// One status-line sentence for an error (unsanitised: the view sanitises). Short enough for
/// 80 columns; ZITADEL's own message and id go to the log.
pub fn error_line(e: &ApiError) -> String {
    match e {
        ApiError::Unauthenticated(_) | ApiError::NotSent(NotSent::NotSignedIn { .. }) => {
            "token rejected — expired or wrong instance? Sign in again".into()
        }
        ApiError::PermissionDenied(s) => format!(
            "permission denied — your account lacks user.write in this user's organisation (ZITADEL: {})",
            s.message
        ),
        ApiError::NotFound(_) => format!(
            "not found — the user no longer exists ({} refreshes the list)",
            refresh_key()
        ),
        ApiError::RateLimited(_) => "rate limited by ZITADEL — wait a moment, then try again".into(),
        ApiError::Unavailable(_) | ApiError::Server(_) | ApiError::Timeout { .. } => {
            format!("{e} — {} retries", refresh_key())
        }
        // Short forms: the status line has 80 columns, and the fix must be in them.
        ApiError::Connect { .. } => format!(
            "cannot reach ZITADEL — check the URL and network, then {}",
            refresh_key()
        ),
        ApiError::Interrupted { .. } => format!(
            "the connection to ZITADEL broke — check the network, then {}",
            refresh_key()
        ),
        ApiError::Decode { .. } => format!(
            "unexpected answer from ZITADEL — is the URL an instance? {} retries",
            refresh_key()
        ),
        ApiError::NoPendingCode(_) => format!("{e}: {NO_PENDING_CAUSES}; send a fresh code instead"),
        ApiError::UserNotInitialised(_) => format!("{e}: send an invite, not a verification mail"),
        ApiError::Unsupported { what, .. } => missing(*what).into(),
        other => other.to_string(),
    }
}

/// What this ZITADEL lacks, and what to do instead, in the console's words.
fn missing(what: Missing) -> &'static str {
    match what {
        Missing::PhoneSearch => "this ZITADEL (before v2.67) cannot search by phone — try name or email",
        Missing::SendCall => {
            "this ZITADEL has no send call (it came with v2.67): if the address is unverified, use \"Resend verification\" in ZITADEL's console; a verified one needs no code"
        }
        Missing::V3AlphaSchemaUsersOnly => {
            "this instance's v3alpha API serves only schema users; use api = \"v2\" in the profile (--api v2)"
        }
    }
}

/// The same for reading users: a refusal names the read permission and, when known, the org.
pub fn read_error_line(e: &ApiError, org: Option<&str>) -> String {
    match e {
        ApiError::PermissionDenied(_) => match org.filter(|o| !o.is_empty()) {
            Some(org) => format!("permission denied — your account lacks user.read in org {org}"),
            None => "permission denied — your account lacks user.read for these users".into(),
        },
        ApiError::Unimplemented(_) => format!(
            "{e} — check the instance URL; an older ZITADEL may lack the call, or the API flavour is not enabled"
        ),
        other => error_line(other),
    }
}

/// What the resend dialog says when its call failed: whether a code may exist now comes
/// first, in the words the CLI uses too ([`crate::action::UNKNOWN_OUTCOME`]).
pub fn mutation_error_line(e: &ApiError) -> String {
    match Outcome::of_error(e) {
        Outcome::Unknown => format!("{UNKNOWN_OUTCOME} ({e})"),
        Outcome::NotSent => format!("{NOT_SENT}: {}", error_line(e)),
        Outcome::Ok | Outcome::Refused => match e {
            ApiError::NotFound(_) => "ZITADEL found no email for this user (deleted, or no address)".into(),
            other => error_line(other),
        },
    }
}

/// What the dialog says when an action of `kind` failed: as [`mutation_error_line`], with the
/// unknown outcome and a missing user worded for the action.
pub fn action_error_line(kind: ActionKind, e: &ApiError) -> String {
    if kind == ActionKind::EmailCode {
        return mutation_error_line(e);
    }
    if let Some(r) = e.refusal() {
        return refusal_line(r);
    }
    match Outcome::of_error(e) {
        Outcome::Unknown => format!("{} ({e})", dialog::unknown_outcome(kind)),
        Outcome::NotSent => format!("{NOT_SENT}: {}", error_line(e)),
        Outcome::Ok | Outcome::Refused => error_line(e),
    }
}

/// A refusal whose cause ZITADEL named, with what to do instead.
pub fn refusal_line(r: Refusal) -> String {
    let fact = r.describe();
    match r {
        Refusal::AlreadySetUp => format!("{fact}: send a password reset instead"),
        Refusal::InviteAfterReturnedCode => {
            format!("{fact}: read out the invite code returned earlier, or mail one from ZITADEL's console")
        }
        Refusal::EmailUnchanged => format!("{fact}: type another address, or resend the code instead"),
        Refusal::NoPhoneCode => fact.to_string(),
        Refusal::NotLocked => format!("nothing to unlock: {fact}"),
        Refusal::NotInactive => format!("nothing to reactivate: {fact}"),
    }
}

/// How the new-address field's verdict reads.
pub fn address_error(e: crate::tui::action_dialog::AddressError) -> String {
    use crate::tui::action_dialog::AddressError as E;
    match e {
        E::Empty => "type the new address".into(),
        E::TooLong { len } => format!(
            "too long: {len} characters, ZITADEL takes at most {}",
            crate::api::action::MAX_EMAIL_LEN
        ),
        E::NoAt => "not an address: it needs an @".into(),
        E::SeveralAts => "not an address: more than one @".into(),
        E::NothingBefore => "not an address: nothing before the @".into(),
        E::NothingAfter => "not an address: nothing after the @".into(),
        E::BadCharacter => "not an address: no spaces or control characters".into(),
    }
}

/// The resend dialog when ZITADEL's answer does not look like a code.
pub const COPY_REFUSED: &str =
    "not copied: ZITADEL's answer does not look like a code (letters and digits only)";

/// The status line after the first quit key while an action is in flight; `code`: the action
/// may return a code.
pub fn quit_while_sending(code: bool) -> String {
    if code {
        format!(
            "issuing a code: {} again quits, losing a code returned to you",
            super::keys::quit_key()
        )
    } else {
        format!(
            "a change is on its way to ZITADEL: {} again quits (its answer is still awaited and audited)",
            super::keys::quit_key()
        )
    }
}

/// The status line when a paste did not fit its field.
pub fn paste_cut(cap: usize) -> String {
    format!("pasted text cut to {cap} characters, the most this field takes")
}

/// The status line when there are no profiles to pick from.
pub const NO_PROFILES: &str =
    "no profiles to switch to: add [profiles.NAME] to the config file (zitadesk config init)";

/// The status line when another profile could not be connected.
pub fn switch_failed(profile: &str, reason: &str) -> String {
    format!("cannot switch to profile {profile}: {reason}")
}

/// Said when a page repeated users of another (ties in the sort column, or users added or
/// removed between the requests): they are shown once, and as many may have been skipped.
pub fn order_shifted(repeats: usize) -> String {
    match repeats {
        1 => "order shifted between pages: 1 repeat hidden, a user may be missing".into(),
        n => format!("order shifted between pages: {n} repeats hidden, users may be missing"),
    }
}

/// The position counter: "12 of 40" while pages are full; with short pages the users the
/// agent can reach — "12 of 37+" while more pages remain, "? of 7+" after a jump past pages
/// never loaded.
pub fn counter(c: Counter) -> String {
    use crate::text::thousands;
    match c {
        Counter::Exact { position, total } => {
            format!("{} of {}", thousands(position), thousands(total))
        }
        Counter::Reachable {
            position,
            reachable,
            more,
        } => format!(
            "{} of {}{}",
            position.map_or_else(|| "?".to_string(), thousands),
            thousands(reachable),
            if more { "+" } else { "" }
        ),
    }
}

/// Said when the page budget stops the list from filling.
/// The detail's history section when it could not be read (without `user.read` in the
/// user's organisation, say); the rest of the detail works on.
pub fn history_unavailable(e: &ApiError) -> String {
    format!("history not shown: {}", error_line(e))
}

/// Under the detail's newest events: where the rest are.
pub fn history_more(older: usize, user_id: &str) -> String {
    format!(
        "+{older} older — `zitadesk users history {}`",
        crate::text::sanitize(user_id)
    )
}

/// Why ZITADEL may hold no code to resend, when the address is not known to be verified.
pub const NO_PENDING_CAUSES: &str = "none was issued, or it was used or replaced";

/// The resend dialog when ZITADEL holds no pending code, worded by the address's state (a
/// verified address is the common case; an unverified one is not "usually verified"): what
/// is the case, and what `send_key` does about it.
pub fn no_pending_code(status: crate::userinfo::EmailStatus, send_key: &str) -> (String, String) {
    match status {
        crate::userinfo::EmailStatus::Verified => (
            "The address is already verified: ZITADEL holds no code to resend.".into(),
            format!("{send_key} sends a fresh code anyway (you confirm it first)."),
        ),
        _ => (
            format!("ZITADEL holds no pending code ({NO_PENDING_CAUSES})."),
            format!("{send_key} sends a new one (you confirm it first)."),
        ),
    }
}

pub fn sparse_note() -> String {
    format!(
        "your account may read only some of these users — narrow the search with {} to see more",
        search_key()
    )
}

// ---------------------------------------------------------------------------------------------
// Local filtering (`verified:`, `phone-verified:`): the counter while the console scans
// ---------------------------------------------------------------------------------------------

/// The right of the status row for a search filtered locally: the selection among the matches
/// found, and how far the scan went — "3 of 212 · filtering locally — scanned 4,000 of 51,230"
/// — with what stopped it and the key that goes further.
pub fn scan_counter(position: Option<u64>, p: &crate::api::scan::ScanProgress, running: bool) -> String {
    use crate::text::thousands;
    let at = match position {
        Some(n) => format!("{} of {}", thousands(n), thousands(p.matches as u64)),
        None => "0 of 0".to_string(),
    };
    let total = p.total.map_or_else(|| "?".to_string(), thousands);
    let scanned = thousands(p.scanned);
    let how = if p.complete {
        format!("filtering locally — scanned all {total}")
    } else if p.stopped_at_limit && !running {
        let key = super::browse::LIST.key_name(super::browse::BrowseAction::ScanMore);
        format!("filtering locally — scanned {scanned} of {total}, stopped; {key} scans more")
    } else if p.full && !running {
        format!(
            "filtering locally — scanned {scanned} of {total}; the first {} shown, narrow the search",
            p.matches
        )
    } else {
        format!("filtering locally — scanned {scanned} of {total}…")
    };
    format!("{at} · {how}")
}

// --- organisation names ---

/// Under the search line while a search naming an organisation waits for the names.
pub const ORG_NAMES_READING: &str = "reading organisation names — the search is sent when they arrive";

/// Why an `org:` name cannot be resolved: the organisation directory could not be read.
/// An ID needs no names; the next edit of the search tries the read again.
pub fn org_names_unreadable(e: &ApiError) -> String {
    format!(
        "organisation names could not be read ({e}) — use the organisation's ID, or change the search to try again"
    )
}

// --- copy menu and sort picker ---

/// Said once a copy was asked for: `what` names it ("email"); `None` in the dialog, which
/// shows the code beside. The one place the clipboard's outcome is worded, and truthful about
/// what is known: the sequence went to the terminal (through tmux or screen, which must pass it
/// on); whether a clipboard took it is up to them. Kept short: with "login name" and the
/// counter it still fits an 80-column status row, so nothing of the condition is cut.
pub fn copied(what: Option<&str>, clipboard: Clipboard) -> String {
    let done = match clipboard {
        Clipboard::Terminal => "sent to the terminal's clipboard (if it allows OSC 52)",
        Clipboard::Tmux => "sent to the clipboard — tmux needs set-clipboard on",
        Clipboard::TmuxPassthrough => "sent to the clipboard — tmux needs allow-passthrough on",
        Clipboard::Screen => "sent via screen (if the terminal allows OSC 52)",
        Clipboard::Off => "not copied: copying is off (set clipboard = osc52)",
    };
    match what {
        Some(what) => format!("{what} {done}"),
        None => done.to_owned(),
    }
}

/// How the copy menu and its status message name a value.
pub fn copy_label(field: super::copy_menu::CopyField) -> &'static str {
    use super::copy_menu::CopyField as F;
    match field {
        F::UserId => "user ID",
        F::Email => "email",
        F::LoginName => "login name",
    }
}

/// The status line after a copy from the menu: what was copied (the menu showed the value;
/// with it the line would not fit 80 columns, and the part cut would be the caveat).
pub fn copied_field(field: super::copy_menu::CopyField, clipboard: Clipboard) -> String {
    copied(Some(copy_label(field)), clipboard)
}

/// The copy menu's title.
pub fn copy_title(target: &str) -> String {
    format!(" Copy — {target} ")
}

/// In place of a value that cannot be copied.
pub fn copy_unavailable(field: super::copy_menu::CopyField, why: super::clipboard::NotCopyable) -> String {
    use super::clipboard::NotCopyable as N;
    match why {
        N::Empty => format!("no {}", copy_label(field)),
        N::TooLong => format!(
            "too long to copy (over {} characters)",
            super::clipboard::MAX_TEXT_LEN
        ),
        N::Hidden => "not copied: holds control or invisible characters".to_owned(),
    }
}

/// Under the copy menu's lines: what it does, or why the line asked for copies nothing.
pub fn copy_note(refused: Option<&super::copy_menu::CopyItem>, clipboard: Clipboard) -> String {
    match refused.map(|item| (item.field, &item.value)) {
        Some((field, Err(why))) => format!("nothing to copy: {}", copy_unavailable(field, *why)),
        _ if clipboard == Clipboard::Off => COPY_OFF.to_owned(),
        _ => COPY_LEGEND.to_owned(),
    }
}

/// The copy menu's note when nothing was refused.
pub const COPY_LEGEND: &str = "goes to your own terminal's clipboard (OSC 52)";

/// The copy menu's note with `clipboard = "off"`: the values are only shown; how copying
/// comes back.
pub const COPY_OFF: &str = "copying is off: set clipboard = osc52 to turn it on";

/// The sort picker's title.
pub const SORT_TITLE: &str = " Sort by ";

/// Beside the column in effect in the sort picker.
pub fn sort_current(ascending: bool) -> String {
    format!("(now {})", super::sort::arrow(ascending))
}

/// Under the sort picker's columns: the direction a pick sorts in, and the key that turns it.
pub fn sort_direction(ascending: bool) -> String {
    let key = super::sort_picker::KEYMAP.key_name(super::sort_picker::SortAction::Direction);
    if ascending {
        format!("picks sort ↑ ascending — {key}: ↓ descending")
    } else {
        format!("picks sort ↓ descending — {key}: ↑ ascending")
    }
}

/// The search row's right end: the order the list is in, always ("sort: email ↓").
pub fn sort_in_effect(sort: crate::api::query::ListSort) -> String {
    format!(
        "sort: {} {}",
        super::sort::name(sort.column),
        super::sort::arrow(sort.ascending)
    )
}

/// The columns there are, for a sort that names none.
fn sort_columns() -> String {
    super::sort::COLUMNS
        .iter()
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A typed sort without a column.
pub fn sort_needs_column() -> String {
    format!("sort by which column? {} (then asc or desc)", sort_columns())
}

/// A typed sort naming no column (or more than one, by a prefix both share).
pub fn sort_unknown(word: &str) -> String {
    format!(
        "no column “{}” to sort by — there are {}",
        crate::text::sanitize(word),
        sort_columns()
    )
}
// --- suspend ---

/// Ctrl-Z where nothing could resume the console: started without a job-control shell (as
/// the command of `ssh host zitadesk`), a stopped console would hang the session.
pub const NO_JOB_CONTROL: &str =
    "cannot suspend: no shell with job control started the console (quit with q instead)";

/// Ctrl-Z while an action is on its way to ZITADEL.
pub const NO_SUSPEND_WHILE_SENDING: &str = "an action is on its way to ZITADEL: suspend once it is answered";

// --- command line, audit and history views ---

/// `:help`: every command with what it does, one a line.
pub fn command_list() -> Vec<String> {
    super::command_line::COMMANDS
        .iter()
        .map(|c| format!(":{} — {}", c.usage, c.help))
        .collect()
}

/// ":user, :org, … :q": the commands that exist, for an error.
fn command_names() -> String {
    super::command_line::COMMANDS
        .iter()
        .map(|c| format!(":{}", c.aliases.first().copied().unwrap_or(c.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a typed line is not a command.
pub fn command_error(e: &super::command_line::CommandError) -> String {
    use super::command_line::CommandError as E;
    match e {
        E::Empty => "type a command — Tab lists them".into(),
        E::Unknown(word) => format!("no command :{word} — the commands: {}", command_names()),
        E::NeedsArgument(spec) => format!(
            ":{} needs {} (:{})",
            spec.name,
            spec.argument.unwrap_or("an argument"),
            spec.usage
        ),
        E::TakesNoArgument(spec) => format!(":{} takes no argument", spec.name),
        E::Sort(why) => why.clone(),
    }
}

/// Tab found nothing to complete.
pub fn no_completion(typed: &str) -> String {
    match typed.trim().split_once(char::is_whitespace) {
        None if !typed.trim().is_empty() => format!(
            "no command starts with “{}” — Tab on an empty line lists them",
            typed.trim()
        ),
        _ => "nothing to complete here".into(),
    }
}

/// `:user EMAIL|LOGIN` while ZITADEL is asked.
pub fn looking_up(text: &str) -> String {
    format!("looking up “{text}” (email address or login name, exactly)…")
}

/// `:user EMAIL|LOGIN` found nobody.
pub fn no_such_user(text: &str) -> String {
    format!(
        "no user has the email address or login name “{text}” (exact, ignoring case) — {} searches by part of it",
        search_key()
    )
}

/// `:user EMAIL|LOGIN` found several: each named, and how to open one.
pub fn several_users(text: &str, users: &[crate::api::wire::User]) -> Vec<String> {
    let mut lines = vec![format!(
        "{} users have the email address or login name “{text}” — :user ID opens one:",
        users.len()
    )];
    lines.extend(users.iter().map(|u| {
        format!(
            "· {} — {} ({})",
            u.user_id,
            crate::userinfo::display_name(u),
            u.preferred_login_name
        )
    }));
    lines
}

/// `:org` with a value the search line refuses and gives no reason for.
pub fn org_refused(term: &str) -> String {
    format!("the search “{term}” cannot be sent")
}

/// `:profile` with a name the config file does not have.
pub fn unknown_profile(name: &str, profiles: &[String]) -> String {
    format!("no profile “{name}” — the profiles: {}", profiles.join(", "))
}

/// The audit trail could not be read (the reason names the file).
pub fn audit_unreadable(reason: &str) -> String {
    format!("cannot read the audit trail: {reason}")
}

pub const AUDIT_TITLE: &str = " Audit trail (this machine) — newest first ";
pub const AUDIT_READING: &str = "reading the audit trail…";
pub const AUDIT_EMPTY: &str = "nothing audited yet: no action has been confirmed on this machine";
pub const AUDIT_COLUMNS: [&str; 5] = [
    "TIME",
    "ACTION",
    "OUTCOME",
    "USER ID",
    "MODE · ADDRESS · BY · INSTANCE",
];

/// The audit view's filter row: the filter and how many lines it keeps.
pub fn audit_counts(shown: usize, total: usize, problems: usize) -> String {
    let mut s = if shown == total {
        format!("{} lines", crate::text::thousands(total as u64))
    } else {
        format!(
            "{} of {} lines",
            crate::text::thousands(shown as u64),
            crate::text::thousands(total as u64)
        )
    };
    if total >= super::audit_view::AUDIT_VIEW_LINES {
        s.push_str(" (the newest; zitadesk audit prints all)");
    }
    if problems > 0 {
        s.push_str(&format!(" · {problems} unreadable (zitadesk audit names them)"));
    }
    s
}

/// No line has the filter's text.
pub fn audit_no_match(filter: &str) -> String {
    format!("no line contains “{filter}” — Esc clears the filter")
}

pub const HISTORY_TITLE: &str = " Recently opened users ";
pub const HISTORY_EMPTY: &str = "no user opened yet, on this machine, for this instance";
pub const HISTORY_SESSION: &str = "this session";
pub const HISTORY_READING: &str = "reading the audit trail…";

/// A history row from the audit trail: what was done, and when.
pub fn history_from_audit(action: &str, when: &str) -> String {
    format!("zitadesk: {action} · {when}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Call, Status};

    #[test]
    fn the_counter_separates_thousands() {
        let exact = Counter::Exact {
            position: 1,
            total: 1_000_049,
        };
        assert_eq!(counter(exact), "1 of 1,000,049");
        let reachable = Counter::Reachable {
            position: Some(1_200),
            reachable: 4_000,
            more: true,
        };
        assert_eq!(counter(reachable), "1,200 of 4,000+");
    }

    #[test]
    fn a_401_tells_the_agent_what_to_do() {
        let e = ApiError::Unauthenticated(Status {
            http: 401,
            ..Status::default()
        });
        assert!(error_line(&e).starts_with("token rejected — expired or wrong instance?"));
    }

    #[test]
    fn a_read_refusal_names_the_permission_and_org() {
        let e = ApiError::PermissionDenied(Status {
            http: 403,
            ..Status::default()
        });
        assert_eq!(
            read_error_line(&e, Some("281465201463541763")),
            "permission denied — your account lacks user.read in org 281465201463541763"
        );
        assert!(error_line(&e).contains("user.write"));
    }

    #[test]
    fn a_lost_sign_in_reads_like_a_rejected_token() {
        let e = ApiError::NotSent(NotSent::NotSignedIn {
            profile: "acme".into(),
            reason: "no stored sign-in".into(),
            id: None,
        });
        assert!(error_line(&e).starts_with("token rejected"), "{}", error_line(&e));
    }

    #[test]
    fn what_this_zitadel_lacks_fits_the_status_line_or_the_dialog() {
        let lacks = |what| ApiError::Unsupported {
            what,
            status: Status::default(),
        };
        let phone = read_error_line(&lacks(Missing::PhoneSearch), None);
        assert!(phone.contains("cannot search by phone"), "{phone}");
        assert!(
            phone.chars().count() <= 70,
            "beside the counter at 80 columns: {phone}"
        );
        let v3 = mutation_error_line(&lacks(Missing::V3AlphaSchemaUsersOnly));
        assert!(
            v3.starts_with("this instance's v3alpha API serves only schema users; use api = \"v2\""),
            "{v3}"
        );
        let send = mutation_error_line(&lacks(Missing::SendCall));
        assert!(
            send.contains("has no send call") && send.contains("Resend verification"),
            "{send}"
        );
    }

    #[test]
    fn transient_failures_point_at_refresh() {
        let e = ApiError::Timeout {
            call: Call::ListUsers,
            secs: 15,
        };
        assert!(error_line(&e).ends_with("Ctrl-R retries"), "{}", error_line(&e));
    }
}

#[cfg(test)]
mod no_pending_tests {
    use super::no_pending_code;
    use crate::userinfo::EmailStatus;

    /// Never "usually verified" under "not verified": the wording follows the address.
    #[test]
    fn no_pending_code_is_worded_by_the_address_state() {
        let (what, then) = no_pending_code(EmailStatus::Verified, "s");
        assert!(what.starts_with("The address is already verified"), "{what}");
        assert_eq!(then, "s sends a fresh code anyway (you confirm it first).");
        let (what, then) = no_pending_code(EmailStatus::NotVerified, "s");
        assert_eq!(
            what,
            "ZITADEL holds no pending code (none was issued, or it was used or replaced)."
        );
        assert!(!what.contains("verified"), "{what}");
        assert_eq!(then, "s sends a new one (you confirm it first).");
    }
}

// ---------------------------------------------------------------------------------------------
// Actions menu (issue 12): the remedies' names, why each fits or does not, and the menu's
// own lines. The verdicts themselves are `crate::remedies`.
// ---------------------------------------------------------------------------------------------

pub use actions_menu_words::*;

mod actions_menu_words {
    use crate::api::action::ActionKind;
    use crate::remedies::{Fit, Verdict, Why};

    /// The menu's title for a user (the name comes sanitised).
    pub fn actions_title(target: &str) -> String {
        format!(" Actions for {target} ")
    }

    /// What the markers before each remedy mean (under the lines, while nothing else is said).
    pub const REMEDY_LEGEND: &str = "✓ fits · ○ possible · ✗ does not apply";

    /// The marker of a verdict, so it shows without colour.
    pub fn remedy_mark(verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::Fits(_) => "✓",
            Verdict::Possible(_) => "○",
            Verdict::No(_) => "✗",
        }
    }

    /// The remedy's name in menus and dialogs.
    pub fn remedy_label(kind: ActionKind) -> &'static str {
        match kind {
            ActionKind::EmailCode => "Resend verification email",
            ActionKind::Invite => "Send invite",
            ActionKind::SetEmail => "Change email address",
            ActionKind::PhoneCode => "Resend phone code",
            ActionKind::PasswordReset => "Password reset link",
            ActionKind::Unlock => "Unlock",
            ActionKind::Reactivate => "Reactivate",
        }
    }

    /// Why a remedy fits or not, short enough to follow its label at 80 columns.
    pub fn remedy_reason(fit: Fit) -> &'static str {
        use ActionKind as K;
        match (fit.kind, fit.verdict.why()) {
            (K::Invite, Why::Machine) => "machine users are not invited",
            (K::PhoneCode, Why::Machine) => "machine users have no phone",
            (K::PasswordReset, Why::Machine) => "machine users have no password",
            (_, Why::Machine) => "machine users have no email",
            (_, Why::Deleted) => "user is deleted",
            (K::Invite, Why::NotSetUp) => "user never finished setup",
            (_, Why::NotSetUp) => "user never finished setup; invite instead",
            (_, Why::EmailUnverified) => "address is not verified",
            (_, Why::EmailVerified) => "address is already verified",
            (_, Why::NoEmail) => "user has no email address",
            (K::Invite, Why::NoSignInMethod) => "no password, passkey or IdP yet",
            (_, Why::NoSignInMethod) => "cannot sign in yet; invite instead",
            (_, Why::SignInMethodSet) => "already set up (password, passkey or IdP)",
            (_, Why::MethodsUnknown) => "sign-in methods unknown",
            (_, Why::PhoneUnverified) => "phone is not verified",
            (_, Why::PhoneVerified) => "phone is already verified",
            (_, Why::NoPhone) => "user has no phone",
            (_, Why::ReplacesAddress) => "replaces the address, mails a code",
            (_, Why::ResetsPassword) => "mails a link to choose a new password",
            (_, Why::NoPassword) => "no password yet; the link sets one",
            (K::Reactivate, Why::Locked) => "user is locked; unlock instead",
            (_, Why::Locked) => "user is locked",
            (_, Why::NotLocked) => "user is not locked",
            (_, Why::Inactive) => "user is inactive",
            (_, Why::Active) => "user is active",
            (_, Why::StateUnknown) => "state unknown; ZITADEL decides",
        }
    }

    /// Under the lines after Enter on a remedy that does not apply.
    pub fn remedy_refused(fit: Fit) -> String {
        format!(
            "{} does not apply: {}",
            remedy_label(fit.kind),
            remedy_reason(fit)
        )
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::remedies::Verdict;

        #[test]
        fn every_label_and_reason_fits_a_line_at_80_columns() {
            use Why::*;
            let whys = [
                Machine,
                Deleted,
                NotSetUp,
                EmailUnverified,
                EmailVerified,
                NoEmail,
                NoSignInMethod,
                SignInMethodSet,
                MethodsUnknown,
                PhoneUnverified,
                PhoneVerified,
                NoPhone,
                ReplacesAddress,
                ResetsPassword,
                NoPassword,
                Locked,
                NotLocked,
                Inactive,
                Active,
                StateUnknown,
            ];
            for kind in ActionKind::ALL {
                for why in whys {
                    let fit = Fit {
                        kind,
                        verdict: Verdict::No(why),
                    };
                    // "▶ 1 ✓ " + label + " — " + reason inside the popup's 76 columns.
                    let line =
                        6 + remedy_label(kind).chars().count() + 3 + remedy_reason(fit).chars().count();
                    assert!(line <= 76, "{kind:?} {why:?}: {line}");
                }
            }
        }

        #[test]
        fn the_same_fact_reads_by_remedy() {
            let fit = |kind, why| Fit {
                kind,
                verdict: Verdict::No(why),
            };
            assert_eq!(
                remedy_reason(fit(ActionKind::Reactivate, Why::Active)),
                "user is active"
            );
            assert_eq!(
                remedy_reason(fit(ActionKind::Reactivate, Why::Locked)),
                "user is locked; unlock instead"
            );
            assert_eq!(
                remedy_reason(fit(ActionKind::Unlock, Why::NotLocked)),
                "user is not locked"
            );
            assert_eq!(
                remedy_refused(fit(ActionKind::Invite, Why::SignInMethodSet)),
                "Send invite does not apply: already set up (password, passkey or IdP)"
            );
        }
    }

    #[test]
    fn the_scan_counter_says_how_far_and_names_the_key_that_goes_on() {
        use crate::api::scan::ScanProgress;
        use crate::tui::messages::scan_counter;
        let running = ScanProgress {
            matches: 212,
            scanned: 4_000,
            total: Some(51_230),
            complete: false,
            stopped_at_limit: false,
            full: false,
        };
        assert_eq!(
            scan_counter(Some(3), &running, true),
            "3 of 212 · filtering locally — scanned 4,000 of 51,230…"
        );
        let stopped = ScanProgress {
            stopped_at_limit: true,
            ..running
        };
        assert_eq!(
            scan_counter(Some(3), &stopped, false),
            "3 of 212 · filtering locally — scanned 4,000 of 51,230, stopped; + scans more"
        );
        let full = ScanProgress {
            matches: 500,
            full: true,
            ..running
        };
        assert_eq!(
            scan_counter(None, &full, false),
            "0 of 0 · filtering locally — scanned 4,000 of 51,230; the first 500 shown, narrow the search"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 13 (console): search errors, the command line, copy, sort. New wording goes here.
// ---------------------------------------------------------------------------------------------

/// A search that cannot be sent, said whole (the notice under the search line wraps it).
pub fn search_refused(e: &crate::api::query::QueryError) -> String {
    format!("✗ “{}”: {}", e.term, e.reason)
}

/// The empty list after a failed read whose reason is said under the search line.
pub const NO_USERS_REASON_ABOVE: &str = "no users loaded — the reason is above";
/// The empty list after a failure said on the status line.
pub const NO_USERS_SEE_STATUS: &str = "no users loaded — see the status line";

/// Under a failed read of the list that left rows on screen: they are not fresh.
pub const ROWS_FROM_LAST_READ: &str =
    "the rows below are from the last read that answered (Ctrl-R tries again)";

/// Under a refused search: the list still shows what the previous search found.
pub fn stale_rows(applied: &str) -> String {
    if applied.is_empty() {
        "nothing sent — the rows below are still all users".into()
    } else {
        format!("nothing sent — the rows below are still of the previous search “{applied}”")
    }
}
