//! What the action dialog says, per kind of action: its title, what the action does, the
//! deliveries it offers, and what came of it. Keys are named by the caller from the keymaps.

use crate::api::{Action, ActionKind, EmailVerification, PhoneMode, ResetMode};
use crate::tui::action_dialog::{Delivery, Note};

/// The popup's title.
pub fn title(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::EmailCode => " Resend verification code ",
        ActionKind::Invite => " Invite the user ",
        ActionKind::SetEmail => " Change the email address ",
        ActionKind::PhoneCode => " Resend phone code ",
        ActionKind::PasswordReset => " Password reset ",
        ActionKind::Unlock => " Unlock the user ",
        ActionKind::Reactivate => " Reactivate the user ",
    }
}

/// The line above the choices: what the action undoes or changes.
pub fn warning(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::EmailCode | ActionKind::Invite | ActionKind::PhoneCode => {
            "Any code sent earlier stops working once a new one is issued."
        }
        ActionKind::PasswordReset => "Any reset link sent earlier stops working once a new one is issued.",
        ActionKind::SetEmail => {
            "The new address replaces the old one at once; a code sent to the old one stops working."
        }
        ActionKind::Unlock => "Unlocking lets the user sign in again (their failed attempts are forgotten).",
        ActionKind::Reactivate => "Reactivating lets the user sign in again.",
    }
}

/// A delivery as the choice row names it.
pub fn choice(kind: ActionKind, delivery: Delivery) -> &'static str {
    match (kind, delivery) {
        (ActionKind::Invite, Delivery::Mail) => "Mail the invite",
        (ActionKind::SetEmail, Delivery::Mail) => "Mail a code",
        (ActionKind::PasswordReset, Delivery::Mail) => "Mail a link",
        (_, Delivery::Mail) => "Mail the code",
        (ActionKind::PasswordReset, Delivery::Text) => "Text a link",
        (_, Delivery::Text) => "Text the code",
        (_, Delivery::Return) => "Return the code to me",
        (_, Delivery::Verified) => "Mark it verified",
        (_, Delivery::Direct) => "",
    }
}

/// What the chosen delivery does, for the user's `email` (the new one for set email) and
/// `phone`.
pub fn explain(kind: ActionKind, delivery: Delivery, email: &str, phone: &str) -> String {
    let email = if email.is_empty() {
        "the user's address"
    } else {
        email
    };
    let phone = if phone.is_empty() {
        "the user's phone"
    } else {
        phone
    };
    match (kind, delivery) {
        (ActionKind::Invite, Delivery::Mail) => format!("ZITADEL mails an invite to {email}."),
        (ActionKind::PasswordReset, Delivery::Mail) => format!("ZITADEL mails a reset link to {email}."),
        (_, Delivery::Mail) => format!("ZITADEL mails the code to {email}."),
        (ActionKind::PasswordReset, Delivery::Text) => {
            format!("ZITADEL texts a reset link to {phone} (a text takes no link template).")
        }
        (_, Delivery::Text) => format!("ZITADEL texts the code to {phone}."),
        (ActionKind::PhoneCode, Delivery::Return) => {
            "ZITADEL returns the code and texts nothing; read it to the caller.".into()
        }
        (ActionKind::PasswordReset, Delivery::Return) => {
            "ZITADEL returns the code and sends nothing; read it to the caller.".into()
        }
        (_, Delivery::Return) => "ZITADEL returns the code and mails nothing; read it to the caller.".into(),
        (_, Delivery::Verified) => "No code: the address is marked verified without the user proving it — \
                                    you vouch for it, and the audit line says so."
            .into(),
        (_, Delivery::Direct) => String::new(),
    }
}

/// The second confirmation before an address is marked verified.
pub fn confirm_verified(new: &str, enter: &str, esc: &str) -> String {
    format!(
        "Mark {new} verified without proof? The user never confirms it. {enter} again marks it, \
         {esc} goes back."
    )
}

/// The first line of a success. `revealed`: a returned code is on screen.
pub fn done(
    action: &Action,
    name: &str,
    email: &str,
    phone: &str,
    reveal_key: &str,
    revealed: bool,
) -> String {
    let returned = |what: &str| {
        if revealed {
            format!("✓ {what} issued — read it to the caller")
        } else {
            format!("✓ {what} issued — reveal with {reveal_key}")
        }
    };
    let email = if email.is_empty() {
        "the user's address"
    } else {
        email
    };
    let phone = if phone.is_empty() {
        "the user's phone"
    } else {
        phone
    };
    match action {
        Action::EmailCode { call, mode } => {
            let fresh = if *call == crate::action::CodeCall::Send {
                "fresh "
            } else {
                ""
            };
            match mode {
                crate::api::CodeMode::Return => returned(&format!("{fresh}code")),
                _ => format!("✓ {fresh}code mailed to {email}"),
            }
        }
        Action::Invite { mode, .. } => match mode {
            crate::api::CodeMode::Return => returned("invite code"),
            _ => format!("✓ invite mailed to {email}"),
        },
        Action::SetEmail {
            email: new,
            verification,
        } => {
            let new = crate::text::sanitize(new);
            match verification {
                EmailVerification::Verified => format!("✓ address changed to {new} and marked verified"),
                EmailVerification::Code(crate::api::CodeMode::Return) => {
                    returned(&format!("address changed to {new}; code"))
                }
                EmailVerification::Code(_) => format!("✓ address changed; code mailed to {new}"),
            }
        }
        Action::PhoneCode(PhoneMode::Send) => format!("✓ code texted to {phone}"),
        Action::PhoneCode(PhoneMode::Return) => returned("phone code"),
        Action::PasswordReset(ResetMode::Email { .. }) => format!("✓ reset link mailed to {email}"),
        Action::PasswordReset(ResetMode::Sms) => format!("✓ reset link texted to {phone}"),
        Action::PasswordReset(ResetMode::Return) => returned("reset code"),
        Action::Unlock => format!("✓ {name} unlocked"),
        Action::Reactivate => format!("✓ {name} reactivated"),
    }
}

/// The dialog in read-only mode; `source` names what switched it on, as the CLI does ("--read-only",
/// "env ZITADESK_READ_ONLY", "profile NAME"), the flag when unknown.
pub fn read_only(kind: ActionKind, source: Option<&str>) -> String {
    let what = match kind {
        ActionKind::EmailCode => "Resending",
        ActionKind::Invite => "Inviting",
        ActionKind::SetEmail => "Changing the address",
        ActionKind::PhoneCode => "Resending the phone code",
        ActionKind::PasswordReset => "Resetting the password",
        ActionKind::Unlock => "Unlocking",
        ActionKind::Reactivate => "Reactivating",
    };
    let source = source.unwrap_or("--read-only");
    format!("{what} is disabled: zitadesk runs read-only (set by {source}). Nothing can be sent.")
}

/// The note above the dialog's body; `actions_key` opens the actions menu.
pub fn note(note: Note, name: &str, actions_key: &str) -> String {
    match note {
        Note::NeedsInvite => {
            format!("{name} has not finished setting up: an invite, not a verification mail.")
        }
        Note::Locked => format!(
            "The user is locked: a code is useless until the user is unlocked — close, then press {actions_key} for unlock."
        ),
        Note::Inactive => format!(
            "The user is inactive: a code is useless until the user is reactivated — close, then press {actions_key} for reactivate."
        ),
    }
}

/// The account's state in the dialog's second line: after an unlock or a reactivation that
/// ZITADEL confirmed, what it is now.
pub fn state_line(state: &str, done: bool) -> String {
    if done {
        format!("active (was {state})")
    } else {
        state.to_string()
    }
}

/// When ZITADEL says the user has not finished setting up.
pub fn not_initialised(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::EmailCode => {
            "This user has not finished setting up their account — they need an invite, not a verification mail."
        }
        _ => "This user has not finished setting up their account — they need an invite first.",
    }
}

/// What may have happened when the outcome is unknown (the email code's words are the CLI's).
pub fn unknown_outcome(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::EmailCode | ActionKind::Invite | ActionKind::PhoneCode | ActionKind::PasswordReset => {
            crate::action::UNKNOWN_OUTCOME
        }
        ActionKind::SetEmail => {
            "outcome unknown — ZITADEL may have changed the address; check the user before trying again"
        }
        ActionKind::Unlock => {
            "outcome unknown — ZITADEL may have unlocked the user; check the user before trying again"
        }
        ActionKind::Reactivate => {
            "outcome unknown — ZITADEL may have reactivated the user; check the user before trying again"
        }
    }
}

// --- template field ---

/// Under the template field when it holds the template last sent (so the agent knows where
/// the pre-filled link comes from before pressing Enter).
pub const REMEMBERED: &str = "as last sent with this profile on this instance";

/// The row naming `↑`/`↓` and what they go through: the `saved` templates, the last one
/// sent (when it is not one of them), ZITADEL's default link, and back to the text as it was.
pub fn template_cycle(up: &str, down: &str, saved: usize, remembered: bool) -> String {
    let mut what = Vec::new();
    if saved > 0 {
        what.push(format!("{saved} saved"));
    }
    if remembered {
        what.push("last sent".to_string());
    }
    what.push("default link".to_string());
    format!("{up}/{down} other links: {}", what.join(", "))
}

/// The result's label for the link that went out.
pub const LINK_LABEL: &str = "Link:";

/// The result's link when no template was sent.
pub const DEFAULT_LINK: &str = "ZITADEL's default link";
