//! `zitadesk audit`: the audit trail, as a table or as the stored JSON lines.

use super::exit::CliError;
use crate::audit::AuditLog;
use crate::text::sanitize;

pub fn print(log: &AuditLog, json: bool) -> Result<(), CliError> {
    let records = log.read().map_err(CliError::other)?;
    let mut out = String::new();
    if json {
        for r in &records {
            let line = serde_json::to_string(r).map_err(|e| CliError::other(e.to_string()))?;
            out.push_str(&crate::text::terminal_safe_json(&line));
            out.push('\n');
        }
        return super::users::write_stdout(&out);
    }
    if records.is_empty() {
        let place = log
            .path()
            .map_or_else(|| "(no file)".to_string(), |p| p.display().to_string());
        eprintln!("zitadesk: no resends recorded yet in {place}");
        return Ok(());
    }
    let tz = jiff::tz::TimeZone::system();
    out.push_str("TIME                 USER                ACTION  MODE    OUTCOME  SEQUENCE  TEMPLATE\n");
    for r in &records {
        let time = r
            .time
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string();
        let outcome = match &r.error {
            Some(e) => format!("{} {}", r.outcome, e),
            None => r.outcome.clone(),
        };
        let row = format!(
            "{time}  {:<18}  {:<6}  {:<6}  {:<7}  {:>8}  {}",
            sanitize(&r.user_id),
            sanitize(&r.action),
            sanitize(&r.mode),
            sanitize(&outcome),
            r.sequence.map(|s| s.to_string()).unwrap_or_default(),
            sanitize(r.url_template.as_deref().unwrap_or("")),
        );
        out.push_str(row.trim_end());
        out.push('\n');
    }
    super::users::write_stdout(&out)
}
