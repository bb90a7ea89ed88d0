//! `zitadesk users invite|set-email|resend-phone|password-reset|unlock|reactivate`: one
//! confirmed remedy = exactly one request through [`crate::action::apply`] (which builds it,
//! sends it once and audits it), told the way `users resend-email` tells its outcome.

use std::sync::Arc;

use serde::Serialize;

use super::exit::CliError;
use super::messages;
use super::remedy_args::{InviteArgs, PasswordResetArgs, ResendPhoneArgs, SetEmailArgs, UserOnlyArgs};
use super::users::{json_text, refuse_if_read_only, warn_audit, warn_template, write_issued};
use crate::api::wire::ActionResponse;
use crate::api::{Action, ActionResult, Client};
use crate::settings::Settings;
use crate::text::sanitize;

pub async fn invite(settings: &Settings, client: &Client, a: InviteArgs) -> Result<(), CliError> {
    apply(settings, client, &a.user_id, &a.action(), a.json, None).await
}

pub async fn resend_phone(settings: &Settings, client: &Client, a: ResendPhoneArgs) -> Result<(), CliError> {
    apply(settings, client, &a.user_id, &a.action(), a.json, None).await
}

pub async fn password_reset(
    settings: &Settings,
    client: &Client,
    a: PasswordResetArgs,
) -> Result<(), CliError> {
    apply(settings, client, &a.user_id, &a.action(), a.json, None).await
}

pub async fn unlock(settings: &Settings, client: &Client, a: UserOnlyArgs) -> Result<(), CliError> {
    apply(settings, client, &a.user_id, &Action::Unlock, a.json, None).await
}

pub async fn reactivate(settings: &Settings, client: &Client, a: UserOnlyArgs) -> Result<(), CliError> {
    apply(settings, client, &a.user_id, &Action::Reactivate, a.json, None).await
}

/// Reads the user first, for the old address the agent is shown beside the new one; that
/// read changes nothing, and when it fails nothing is sent.
pub async fn set_email(settings: &Settings, client: &Client, a: SetEmailArgs) -> Result<(), CliError> {
    refuse_if_read_only(settings, messages::READ_ONLY_REMEDY)?;
    let action = a.action().map_err(CliError::usage)?;
    let user = client.get_user(&a.user_id).await.map_err(|e| {
        let mut refused = CliError::from(e);
        refused.message = format!("nothing was changed: {}", refused.message);
        refused
    })?;
    let old = user
        .human
        .and_then(|h| h.email)
        .map(|e| e.email)
        .unwrap_or_default();
    apply(settings, client, &a.user_id, &action, a.json, Some(old)).await
}

/// Sends the action once, then says what came of it. `old_email` is the address a
/// `set-email` replaces (empty: the user had none).
async fn apply(
    settings: &Settings,
    client: &Client,
    user_id: &str,
    action: &Action,
    json: bool,
    old_email: Option<String>,
) -> Result<(), CliError> {
    refuse_if_read_only(settings, messages::READ_ONLY_REMEDY)?;
    if let Some(t) = action.url_template() {
        warn_template(t);
    }
    let audit = Arc::new(settings.audit_context());
    let issued = crate::action::apply(client, audit, user_id, action).await;
    warn_audit(&issued.audit_error);
    let result = issued.result.map_err(|e| CliError::action(action, e))?;
    // A code is shown only when the agent asked for it back.
    let code_shown = action.returns_code() && result.code.is_some();
    let text = if json {
        json_text(&Done::of(user_id, action, &result, old_email.as_deref()))?
    } else {
        text(user_id, action, &result, old_email.as_deref())
    };
    write_issued(&text, code_shown)
}

fn text(user_id: &str, action: &Action, r: &ActionResult, old_email: Option<&str>) -> String {
    let mut s = format!("{}\n", messages::remedy_done(action));
    s.push_str(&format!("user:      {}\n", sanitize(user_id)));
    if let (Some(old), Some(new)) = (old_email, action.new_email()) {
        let old = if old.is_empty() { "(none)" } else { old };
        s.push_str(&format!("email:     {} → {}\n", sanitize(old), sanitize(new)));
    }
    if !r.resource_owner.is_empty() {
        s.push_str(&format!("org:       {}\n", sanitize(&r.resource_owner)));
    }
    if let Some(seq) = r.sequence {
        s.push_str(&format!("sequence:  {seq}\n"));
    }
    if let Some(t) = r.changed_at {
        s.push_str(&format!("changed:   {t}\n"));
    }
    if action.returns_code()
        && let Some(code) = &r.code
    {
        s.push_str(&format!("code:      {}\n", sanitize(code.expose())));
    }
    if let Some(voids) = messages::remedy_voids(action) {
        s.push_str(voids);
        s.push('\n');
    }
    s
}

/// `--json`: ZITADEL's answer, as `users resend-email --json` prints it, with what was done
/// beside it (the same words as the audit line).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Done<'a> {
    action: &'static str,
    mode: &'static str,
    outcome: &'static str,
    user_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_template: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(flatten)]
    answer: ActionResponse,
}

impl<'a> Done<'a> {
    fn of(user_id: &'a str, action: &'a Action, r: &ActionResult, old_email: Option<&'a str>) -> Self {
        let mut answer = r.raw.clone();
        if !action.returns_code() {
            // Not asked for: a code a server sends anyway is not passed on.
            answer.verification_code = None;
            answer.invite_code = None;
        }
        Done {
            action: action.word(),
            mode: action.mode_word(),
            outcome: crate::action::Outcome::Ok.word(),
            user_id,
            url_template: action.url_template().map(|t| t.as_str()),
            previous_email: old_email,
            email: action.new_email(),
            answer,
        }
    }
}
