//! `zitadesk doctor`: checks the connection in the order things go wrong — reachable over TLS,
//! a ZITADEL instance at that URL, a token, a working ListUsers, the rights a helpdesk needs —
//! and says how to fix each failure. Exit 0 only when every check passes. First of all, the
//! local files: a state or config directory others can write is a failed check with its
//! `chmod`, and a config directory others can write skips the connection checks (its file may
//! have been swapped, and with it the URL the token would be sent to).

use std::fmt::Write as _;

use super::args::GlobalArgs;
use super::exit::CliError;
use super::messages::{api_error, api_fix, token_fix};
use super::private_dirs::Dir;
use crate::api::instance_url;
use crate::api::query::{ListSort, Page, list_users_request};
use crate::api::{ApiError, Client, NotSent};
use crate::secure_fs::SecureFsError;
use crate::settings::Settings;
use crate::text::sanitize;

/// One check's verdict.
struct Check {
    name: &'static str,
    ok: bool,
    /// Not run because an earlier check failed (not a failure of its own).
    skipped: bool,
    /// Passed, with something to look at (`!`): it does not fail `doctor`.
    warning: bool,
    detail: String,
    fix: Option<String>,
}

pub async fn run(global: &GlobalArgs) -> Result<u8, CliError> {
    let setup = super::demo_mode::Setup::open(global).await?;
    let settings = &setup.settings;
    let problems = super::private_dirs::problems(global);
    let config_trusted = !problems.iter().any(|(dir, _)| *dir == Dir::Config);
    let mut checks = vec![files_check(&problems)];
    if config_trusted {
        checks.extend(connection_checks(settings).await);
    } else {
        for name in ["reachable", "discovery", "token", "ListUsers", "permissions"] {
            checks.push(skipped(name));
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "zitadesk doctor — {} ({})",
        sanitize(&instance_url::shown(&settings.url)),
        sanitize(&settings.origin())
    );
    for c in &checks {
        let mark = match (c.ok, c.skipped, c.warning) {
            (true, _, true) => "!",
            (true, _, false) => "✓",
            (false, true, _) => "·",
            (false, false, _) => "✗",
        };
        let _ = writeln!(out, "{mark} {}: {}", c.name, sanitize(&c.detail));
        if let Some(fix) = &c.fix {
            let _ = writeln!(out, "    fix: {}", sanitize(fix));
        }
    }
    let failed = checks.iter().filter(|c| !c.ok && !c.skipped).count();
    let skipped = checks.iter().filter(|c| c.skipped).count();
    let warned = checks.iter().filter(|c| c.warning).count();
    match (failed, skipped) {
        (0, 0) if warned > 0 => {
            let _ = writeln!(out, "all checks passed, {warned} with a warning (!)");
        }
        (0, 0) => out.push_str("all checks passed\n"),
        (n, 0) => {
            let _ = writeln!(out, "{n} check(s) failed");
        }
        (n, k) => {
            let _ = writeln!(out, "{n} check(s) failed, {k} skipped");
        }
    }
    super::users::write_stdout(&out)?;
    Ok(if failed == 0 && skipped == 0 { 0 } else { 5 })
}

/// The state and config directories are ours alone (see `private_dirs`).
fn files_check(problems: &[(Dir, SecureFsError)]) -> Check {
    if problems.is_empty() {
        return passed(
            "files",
            "state and config directories writable by you alone".into(),
        );
    }
    let detail = problems
        .iter()
        .map(|(dir, e)| {
            let which = match dir {
                Dir::State => "state directory",
                Dir::Config => "config directory",
            };
            format!("{which}: {e}")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let fixes: Vec<String> = problems.iter().filter_map(|(_, e)| e.fix()).collect();
    let fix = if fixes.is_empty() {
        "remove what another user owns, or point XDG_STATE_HOME / --config at directories of your own".into()
    } else {
        fixes.join(" && ")
    };
    failed("files", detail, Some(fix))
}

/// The checks in order; a check whose ground is missing (no connection, no token) is
/// reported as skipped rather than run into the same failure again.
async fn connection_checks(settings: &Settings) -> Vec<Check> {
    let mut checks = Vec::new();
    let client = match Client::new(settings.client_config()) {
        Ok(c) => c,
        Err(e) => {
            checks.push(failed("setup", api_error(&e), None));
            return checks;
        }
    };

    let reachable = client.probe().await;
    let reachable_ok = reachable.is_ok();
    checks.push(match reachable {
        Ok(status) => reachable_check(&settings.url, status),
        Err(e) => failed(
            "reachable",
            api_error(&e),
            Some("check the instance URL (--url, ZITADEL_URL or the profile's url) and that this host can reach it; a private CA must be in the system trust store".into()),
        ),
    });
    if !reachable_ok {
        checks.push(skipped("discovery"));
        checks.push(skipped("token"));
        checks.push(skipped("ListUsers"));
        checks.push(skipped("permissions"));
        return checks;
    }

    let discovery = client.discovery_summary().await;
    // A document that speaks for another issuer, or sends tokens to another origin, is not
    // this instance's: no credential is tried against it.
    let foreign = matches!(
        &discovery,
        Err(ApiError::NotSent(
            NotSent::ForeignIssuer { .. } | NotSent::ForeignEndpoint { .. }
        ))
    );
    checks.push(match discovery {
        Ok(issuer) => passed(
            "discovery",
            format!("OpenID configuration found, issuer {issuer}"),
        ),
        Err(e) if foreign => failed(
            "discovery",
            api_error(&e),
            Some(
                "the URL must be the instance's own issuer, and its discovery document must keep every endpoint on that origin; if the issuer named is your instance, use it as the URL — otherwise whatever answers at this URL is not your ZITADEL"
                    .into(),
            ),
        ),
        Err(e) => failed(
            "discovery",
            api_error(&e),
            Some(
                "use the instance's own domain (its OIDC issuer) as the URL, not a console or proxy path"
                    .into(),
            ),
        ),
    });
    if foreign {
        checks.push(skipped("token"));
        checks.push(skipped("ListUsers"));
        checks.push(skipped("permissions"));
        return checks;
    }

    let token = client.token_info().await;
    let token_ok = token.is_ok();
    checks.push(match token {
        Ok(info) => {
            let mut d = info.kind.to_string();
            if let Some(sub) = &info.subject {
                let _ = write!(d, " of {sub}");
            }
            match info.expires_at {
                Some(at) => {
                    let _ = write!(d, ", valid until {at}");
                }
                None => d.push_str(", expiry not known"),
            }
            passed("token", d)
        }
        Err(e) => failed("token", api_error(&e), Some(token_fix(settings))),
    });
    if !token_ok {
        checks.push(skipped("ListUsers"));
        checks.push(skipped("permissions"));
        return checks;
    }

    // Scoped and sorted like the console's searches, so the check sees what the agent will.
    let list = list_users_request(
        Vec::new(),
        settings.org.as_deref(),
        Page { offset: 0, limit: 1 },
        ListSort::default(),
    );
    checks.push(match client.list_users(&list).await {
        // Before ZITADEL v4.8 `totalResult` also counts users the account may not read; the
        // client cannot tell the release, so it claims no more than the count.
        Ok(r) => passed("ListUsers", list_detail(r.details.total_result)),
        Err(e) => failed("ListUsers", api_error(&e), Some(api_fix(&e, settings))),
    });

    // The org named, when the account may read its name (`Acme (281…)`), else by ID.
    let org_label = match settings.org.as_deref() {
        Some(id) => Some(client.org_directory().await.unwrap_or_default().label(id)),
        None => None,
    };
    checks.push(match client.my_permissions(settings.org.as_deref()).await {
        Ok(perms) => permissions_check(&perms, org_label.as_deref(), settings.read_only),
        Err(e) => failed("permissions", api_error(&e), Some(api_fix(&e, settings))),
    });
    checks
}

/// The host answered the base URL with `status`. ZITADEL redirects it to its login (302); a
/// success or another redirect is fine, but an error status there is something else
/// answering — a proxy, another site, a path in the URL — so it is said, with a warning.
fn reachable_check(url: &reqwest::Url, status: u16) -> Check {
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => String::new(),
    };
    let tls = url.scheme() == "https";
    if (200..400).contains(&status) {
        return passed("reachable", super::messages::doctor_reachable(&host, status, tls));
    }
    let mut c = passed(
        "reachable",
        super::messages::doctor_reachable_not_zitadel(&host, status, url.path(), tls),
    );
    c.warning = true;
    c
}

/// The ListUsers check's words for `totalResult`.
fn list_detail(total: u64) -> String {
    format!(
        "answered; {} matching; your account may read fewer",
        crate::text::thousands(total)
    )
}

/// The rights a seat needs, in the org they were read for (`--org`, else the account's own):
/// `user.read` always, `user.write` unless the profile is read-only — a look-only seat set up
/// as the README says (`read_only = true`, `user.read` only) passes.
fn permissions_check(perms: &[String], org: Option<&str>, read_only: bool) -> Check {
    let read = perms.iter().any(|p| p == "user.read");
    let write = perms.iter().any(|p| p == "user.write");
    let mark = |b: bool| if b { "✓" } else { "✗" };
    let place = match org {
        Some(org) => format!("in org {org}"),
        None => "in your account's own organisation (--org checks another)".into(),
    };
    let mut detail = format!("user.read {} · user.write {} {place}", mark(read), mark(write));
    if read_only && !write {
        detail.push_str("; read-only seat: user.write not needed");
    }
    if read && (write || read_only) {
        return passed("permissions", detail);
    }
    let fix = if read {
        "grant the account ORG_USER_MANAGER in each organisation it supports (or IAM_USER_MANAGER for the whole instance); without user.write it can look but not resend — for a look-only seat set read_only = true in its profile"
    } else {
        "grant the account ORG_USER_MANAGER in each organisation it supports (or IAM_USER_MANAGER for the whole instance); for a look-only seat ORG_OWNER_VIEWER and read_only = true"
    };
    failed("permissions", detail, Some(fix.into()))
}

fn passed(name: &'static str, detail: String) -> Check {
    Check {
        name,
        ok: true,
        skipped: false,
        warning: false,
        detail,
        fix: None,
    }
}

fn failed(name: &'static str, detail: String, fix: Option<String>) -> Check {
    Check {
        name,
        ok: false,
        skipped: false,
        warning: false,
        detail,
        fix,
    }
}

fn skipped(name: &'static str) -> Check {
    Check {
        name,
        ok: false,
        skipped: true,
        warning: false,
        detail: "skipped (an earlier check failed)".into(),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perms(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn an_error_at_the_base_url_is_reachable_with_a_warning_naming_the_status() {
        let url: reqwest::Url = "https://id.example.com/zitadel".parse().unwrap();
        let c = reachable_check(&url, 404);
        assert!(c.ok && c.warning, "{}", c.detail);
        assert!(
            c.detail.contains("HTTP 404") && c.detail.contains("not ZITADEL"),
            "{}",
            c.detail
        );
        let c = reachable_check(&url, 302);
        assert!(c.ok && !c.warning, "{}", c.detail);
        assert_eq!(
            c.detail,
            "id.example.com answered (HTTP 302), TLS certificate valid"
        );
    }

    #[test]
    fn the_list_check_claims_no_more_than_the_count() {
        assert_eq!(
            list_detail(1234),
            "answered; 1,234 matching; your account may read fewer"
        );
    }

    #[test]
    fn permissions_name_the_org_they_hold_in() {
        let c = permissions_check(
            &perms(&["user.read", "user.write"]),
            Some("281465201463541763"),
            false,
        );
        assert!(c.ok);
        assert_eq!(c.detail, "user.read ✓ · user.write ✓ in org 281465201463541763");
        let c = permissions_check(&perms(&["user.read", "user.write"]), None, false);
        assert_eq!(
            c.detail,
            "user.read ✓ · user.write ✓ in your account's own organisation (--org checks another)"
        );
    }

    #[test]
    fn a_read_only_seat_with_only_user_read_passes() {
        let c = permissions_check(&perms(&["user.read"]), Some("1"), true);
        assert!(c.ok && c.fix.is_none(), "{}", c.detail);
        assert_eq!(
            c.detail,
            "user.read ✓ · user.write ✗ in org 1; read-only seat: user.write not needed"
        );
        // Without read_only the same rights fail, naming the read-only way out.
        let c = permissions_check(&perms(&["user.read"]), Some("1"), false);
        assert!(!c.ok);
        assert!(
            c.fix.as_deref().is_some_and(|f| f.contains("read_only = true")),
            "{:?}",
            c.fix
        );
        // Read-only still needs to read.
        let c = permissions_check(&perms(&[]), Some("1"), true);
        assert!(!c.ok, "{}", c.detail);
    }
}
