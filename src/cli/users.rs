//! `zitadesk users list|show|resend-email` (the other remedies: `remedies`).

use std::io::Write;

use serde::Serialize;

use super::args::{ListArgs, ResendArgs, ShowArgs, UsersCommand};
use super::exit::CliError;
use super::{output_width, remedies, table};
use crate::action::{CodeCall, issue_code};
use crate::api::local_filter::LocalFilter;
use crate::api::orgs::OrgDirectory;
use crate::api::query::{ListSort, Page, list_users_request, names_orgs, parse_search_local, resolve_orgs};
use crate::api::scan::ScanState;
use crate::api::user_lookup::{Lookup, UserRef, exact_user_request, pick};
use crate::api::wire::{AuthenticationMethodType, ListDetails, ListUsersRequest, ListUsersResponse, User};
use crate::api::{ActionResult, ApiError, Client, CodeMode};
use crate::settings::Settings;
use crate::text::sanitize;

pub async fn run(settings: &Settings, command: UsersCommand) -> Result<(), CliError> {
    let client = Client::new(settings.client_config())?;
    match command {
        UsersCommand::List(a) => list(settings, &client, a).await,
        UsersCommand::Show(a) => show(settings, &client, a).await,
        UsersCommand::ResendEmail(a) if a.query.is_some() => {
            super::bulk::resend_many(settings, &client, a).await
        }
        UsersCommand::ResendEmail(a) => resend(settings, &client, a).await,
        UsersCommand::History(a) => super::history::run(settings, &client, a).await,
        UsersCommand::Invite(a) => remedies::invite(settings, &client, a).await,
        UsersCommand::SetEmail(a) => remedies::set_email(settings, &client, a).await,
        UsersCommand::ResendPhone(a) => remedies::resend_phone(settings, &client, a).await,
        UsersCommand::PasswordReset(a) => remedies::password_reset(settings, &client, a).await,
        UsersCommand::Unlock(a) => remedies::unlock(settings, &client, a).await,
        UsersCommand::Reactivate(a) => remedies::reactivate(settings, &client, a).await,
    }
}

/// The ListUsers request for a search text, scoped to the configured org. Without `--sort`
/// the order is ZITADEL's own (by user ID), as `--help` says.
/// Beside it, the local filter (`verified:`, …) zitadesk applies to what comes back, and the
/// organisation names when they were read to resolve the search (the table reuses them).
pub async fn list_request(
    settings: &Settings,
    client: &Client,
    a: &ListArgs,
) -> Result<(ListUsersRequest, LocalFilter, Option<OrgDirectory>), CliError> {
    let search = parse_search_local(a.query.as_deref().unwrap_or(""), settings.search_match)?;
    let mut queries = search.queries;
    let mut read = None;
    if names_orgs(&queries) {
        // Read only when a name or domain needs it: an `org:ID` search costs no extra call.
        let orgs = client
            .org_directory()
            .await
            .map_err(|e| CliError::from(e).prefixed(super::messages::ORG_NAMES_UNREADABLE))?;
        queries = resolve_orgs(queries, &orgs)?;
        read = Some(orgs);
    }
    let page = Page {
        offset: a.offset,
        limit: a.limit.min(crate::api::client::MAX_PAGE),
    };
    let sort = ListSort {
        column: a.sort.map(|s| s.field()).unwrap_or_default(),
        ascending: !a.desc,
    };
    let request = list_users_request(queries, settings.org.as_deref(), page, sort);
    Ok((request, search.local, read))
}

/// Pages a listing may take beyond what the limit needs, when ZITADEL leaves out rows the
/// token may not read: enough to fill a page with sparse rights, without walking a huge
/// instance request by request.
const EXTRA_PAGES: usize = 10;

async fn list(settings: &Settings, client: &Client, a: ListArgs) -> Result<(), CliError> {
    let (request, local, orgs) = list_request(settings, client, &a).await?;
    let want = usize::try_from(a.limit).unwrap_or(usize::MAX);
    if !local.is_empty() {
        return list_filtered(client, &a, (request, local, orgs), want).await;
    }
    let pages = want.div_ceil(crate::api::client::MAX_PAGE as usize) + EXTRA_PAGES;
    let collected = client.list_users_upto(&request, want, pages).await?;
    if collected.repeated > 0 {
        eprintln!(
            "zitadesk: {}",
            super::messages::order_shifted(collected.repeated, a.sort.is_some())
        );
    }
    if !collected.complete {
        eprintln!(
            "zitadesk: stopped after {pages} pages: your token may read only some of these users; narrow the search with --query or --org"
        );
    }
    let resp = collected.response;
    if a.json {
        return print_json(&resp);
    }
    let orgs = org_names(client, !resp.result.is_empty(), orgs).await;
    let out = table::users_table(&resp.result, &orgs, output_width());
    let footer = super::messages::list_footer(resp.result.len(), resp.details.total_result, a.offset);
    write_stdout(&out).map(|()| eprintln!("zitadesk: {footer}"))
}

/// `users list` with local terms: a scan of the server-side query's pages (from `--offset`),
/// keeping at most `--limit` matches; how far it went is said on stderr.
async fn list_filtered(
    client: &Client,
    a: &ListArgs,
    (request, local, orgs): (ListUsersRequest, LocalFilter, Option<OrgDirectory>),
    want: usize,
) -> Result<(), CliError> {
    let mut scan = ScanState::new(request, local, want, a.scan_limit);
    let progress = client.scan_users(&mut scan).await?;
    eprintln!(
        "zitadesk: {}",
        super::messages::scan_summary(&progress, a.scan_limit)
    );
    if scan.repeated() > 0 {
        eprintln!(
            "zitadesk: {}",
            super::messages::order_shifted(scan.repeated(), a.sort.is_some())
        );
    }
    let users = scan.into_matches();
    if a.json {
        let resp = ListUsersResponse {
            details: ListDetails {
                total_result: users.len() as u64,
                ..ListDetails::default()
            },
            result: users,
            ..ListUsersResponse::default()
        };
        return print_json(&resp);
    }
    let orgs = org_names(client, !users.is_empty(), orgs).await;
    let out = table::users_table(&users, &orgs, output_width());
    let footer = super::messages::scan_footer(users.len());
    write_stdout(&out).map(|()| eprintln!("zitadesk: {footer}"))
}

/// Organisation names for the table's ORG column: the ones the search was resolved with, else
/// read now (only when there are rows to name) — once a run either way. A help, not a need:
/// without `org.read` or on failure the IDs are shown. `--json` never reads them and keeps
/// ZITADEL's own shape.
pub(super) async fn org_names(client: &Client, rows: bool, known: Option<OrgDirectory>) -> OrgDirectory {
    match known {
        Some(orgs) => orgs,
        None if !rows => OrgDirectory::default(),
        None => client.org_directory().await.unwrap_or_default(),
    }
}

/// The user `users show` names: by ID as typed, or the one user whose email or login name it
/// is exactly. None → exit 3; several → exit 2 listing them, so the agent picks by ID.
async fn find_shown(settings: &Settings, client: &Client, typed: &str) -> Result<User, CliError> {
    let text = match UserRef::parse(typed) {
        UserRef::Id(id) => return Ok(client.get_user(&id).await?),
        UserRef::Text(text) => text,
    };
    let found = client
        .list_users(&exact_user_request(&text, settings.org.as_deref()))
        .await?;
    match pick(&found.result) {
        Lookup::One(user) => Ok(user.clone()),
        Lookup::None => Err(CliError {
            code: 3,
            message: super::messages::no_user_by_text(&text),
        }),
        Lookup::Several(users) => Err(CliError::usage(super::messages::several_users_by_text(
            &text,
            users,
            found.details.total_result,
        ))),
    }
}

async fn show(settings: &Settings, client: &Client, a: ShowArgs) -> Result<(), CliError> {
    let user = find_shown(settings, client, &a.user_id).await?;
    // Sign-in methods are helpful but secondary: the user is still shown when they fail.
    let methods = match client.list_auth_methods(&user.user_id).await {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!(
                "zitadesk: sign-in methods unknown: {}",
                sanitize(&super::messages::api_error(&e))
            );
            None
        }
    };
    if a.json {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shown<'a> {
            user: &'a User,
            #[serde(skip_serializing_if = "Option::is_none")]
            auth_method_types: Option<&'a [AuthenticationMethodType]>,
        }
        return print_json(&Shown {
            user: &user,
            auth_method_types: methods.as_deref(),
        });
    }
    // Names are a help, not a need: without org.read (or on failure) the ID is shown.
    let orgs = client.org_directory().await.unwrap_or_default();
    write_stdout(&table::user_detail(&user, methods.as_deref(), &orgs))
}

async fn resend(settings: &Settings, client: &Client, a: ResendArgs) -> Result<(), CliError> {
    refuse_if_read_only(settings, super::messages::READ_ONLY_RESEND)?;
    let mode = if a.return_code {
        CodeMode::Return
    } else {
        CodeMode::Send {
            url_template: a.url_template.clone(),
        }
    };
    if let Some(t) = &a.url_template {
        warn_template(t);
    }
    // clap requires the ID when there is no --query (the many-users mode).
    let user_id = a.user_id.clone().unwrap_or_default();
    let audit = std::sync::Arc::new(settings.audit_context());
    let first = issue_code(client, audit.clone(), CodeCall::Resend, &user_id, &mode).await;
    warn_audit(&first.audit_error);
    let result = match first.result {
        Err(ApiError::NoPendingCode(_)) if a.send_if_none => {
            eprintln!("zitadesk: no pending code for this user; issuing a fresh one (--send-if-none)");
            let second = issue_code(client, audit, CodeCall::Send, &user_id, &mode).await;
            warn_audit(&second.audit_error);
            second.result.map_err(CliError::mutation)?
        }
        other => other.map_err(CliError::mutation)?,
    };
    let text = if a.json {
        json_text(&result.raw)?
    } else {
        resend_text(&user_id, &mode, &result)
    };
    write_issued(&text, result.code.is_some())
}

/// Read-only mode (flag, environment or profile) refuses every change before anything is sent.
pub(super) fn refuse_if_read_only(settings: &Settings, message: &str) -> Result<(), CliError> {
    match settings.read_only {
        true => Err(CliError::usage(super::messages::read_only_refusal(
            message, settings,
        ))),
        false => Ok(()),
    }
}

/// A checked template is sent anyway: ZITADEL accepts it; the agent should know what the
/// user will get.
pub(super) fn warn_template(t: &crate::api::template::UrlTemplate) {
    for w in t.warnings() {
        eprintln!("zitadesk: warning: {w}");
    }
}

/// Prints the outcome of a change. A returned code exists only here now: not showing it must
/// not look like success.
pub(super) fn write_issued(text: &str, code_shown: bool) -> Result<(), CliError> {
    match code_shown {
        true => write_stdout_or_fail(text).map_err(|e| CliError::other(super::messages::code_not_shown(&e))),
        false => write_stdout(text),
    }
}

/// A change that happened must be reported even when its audit line could not be written.
pub(super) fn warn_audit(audit_error: &Option<String>) {
    if let Some(e) = audit_error {
        eprintln!("zitadesk: warning: {}", sanitize(e));
    }
}

fn resend_text(user_id: &str, mode: &CodeMode, r: &ActionResult) -> String {
    let mut s = match mode {
        CodeMode::Send { url_template: None } => {
            "ZITADEL will mail a new verification code to the user's address (with its default link).\n"
                .to_string()
        }
        CodeMode::Send {
            url_template: Some(t),
        } => format!(
            "ZITADEL will mail a new verification code to the user's address, linking to {}\n",
            sanitize(t.as_str())
        ),
        CodeMode::Return => "New verification code issued; ZITADEL mailed nothing.\n".to_string(),
    };
    s.push_str(&format!("user:      {}\n", sanitize(user_id)));
    s.push_str(&format!("org:       {}\n", sanitize(&r.resource_owner)));
    if let Some(seq) = r.sequence {
        s.push_str(&format!("sequence:  {seq}\n"));
    }
    if let Some(t) = r.changed_at {
        s.push_str(&format!("changed:   {t}\n"));
    }
    if let Some(code) = &r.code {
        s.push_str(&format!("code:      {}\n", sanitize(code.expose())));
    }
    s.push_str("Any code sent earlier no longer works.\n");
    s
}

pub(super) fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    write_stdout(&json_text(value)?)
}

/// ZITADEL-shaped JSON, terminal-safe, with its line end.
pub(super) fn json_text<T: Serialize>(value: &T) -> Result<String, CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::other(format!("cannot write JSON: {e}")))?;
    Ok(format!("{}\n", crate::text::terminal_safe_json(&text)))
}

/// Writes to stdout; any failure, a closed pipe included, is returned.
fn write_stdout_or_fail(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush())
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a message.
pub(super) fn write_stdout(text: &str) -> Result<(), CliError> {
    match write_stdout_or_fail(text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::other(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}
