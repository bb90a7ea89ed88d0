//! `zitadesk audit`: the audit trail, as a table or as the stored JSON lines.

use super::exit::CliError;
use crate::audit::{AuditLog, AuditRecord};
use crate::text::{sanitize, truncate};

pub fn print(log: &AuditLog, json: bool) -> Result<(), CliError> {
    let (records, problems) = log.read().map_err(|e| CliError::other(e.to_string()))?;
    let out = if json {
        json_lines(&records)?
    } else if records.is_empty() && problems.is_empty() {
        let place = log
            .path()
            .map_or_else(|| "(no file)".to_string(), crate::text::display_path);
        eprintln!("zitadesk: no resends recorded yet in {place}");
        String::new()
    } else {
        table(&records)
    };
    super::users::write_stdout(&out)?;
    // Good lines are shown all the same; the bad ones are named and make the exit non-zero.
    for p in &problems {
        eprintln!("zitadesk: {}", sanitize(p));
    }
    match problems.len() {
        0 => Ok(()),
        n => Err(CliError::other(format!(
            "{n} line(s) of the audit file could not be read"
        ))),
    }
}

fn json_lines(records: &[AuditRecord]) -> Result<String, CliError> {
    let mut out = String::new();
    for r in records {
        let line = serde_json::to_string(r).map_err(|e| CliError::other(e.to_string()))?;
        out.push_str(&crate::text::terminal_safe_json(&line));
        out.push('\n');
    }
    Ok(out)
}

fn table(records: &[AuditRecord]) -> String {
    let tz = jiff::tz::TimeZone::system();
    let mut out = String::from(
        "TIME                 INSTANCE                        OPERATOR            USER                ACTION          MODE      SEQUENCE  OUTCOME                     DETAIL\n",
    );
    for r in records {
        let time = r
            .time
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string();
        let outcome = match &r.error {
            Some(e) => format!("{} {}", r.outcome, e),
            None => r.outcome.clone(),
        };
        // What else the action carried: the address a set-email set, or the link template.
        let detail = match (&r.email, &r.url_template) {
            (Some(email), Some(t)) => format!("{email} {t}"),
            (Some(email), None) => email.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => String::new(),
        };
        let row = format!(
            "{time}  {:<30}  {:<18}  {:<18}  {:<14}  {:<8}  {:>8}  {:<26}  {}",
            truncate(&r.instance, 30),
            sanitize(r.operator.as_deref().unwrap_or("-")),
            sanitize(&r.user_id),
            sanitize(&r.action),
            sanitize(&r.mode),
            r.sequence.map(|s| s.to_string()).unwrap_or_default(),
            sanitize(&outcome),
            sanitize(&detail),
        );
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}
