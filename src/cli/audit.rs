//! `zitadesk audit`: the audit trail, as a table or as the stored JSON lines, filtered by
//! [`crate::audit_filter::AuditFilter`].

use super::args::AuditArgs;
use super::columns::{Column, render};
use super::exit::CliError;
use crate::audit::{AuditLog, AuditRecord};
use crate::text::sanitize;

pub fn print(log: &AuditLog, args: &AuditArgs) -> Result<(), CliError> {
    let (records, problems) = log.read().map_err(|e| CliError::other(e.to_string()))?;
    let filter = args.filter();
    let records: Vec<AuditRecord> = records.into_iter().filter(|r| filter.matches(r)).collect();
    let out = if args.json {
        json_lines(&records)?
    } else if records.is_empty() && problems.is_empty() {
        let place = log
            .path()
            .map_or_else(|| "(no file)".to_string(), crate::text::display_path);
        eprintln!(
            "zitadesk: {}",
            super::messages::audit_empty(&place, !filter.is_empty())
        );
        String::new()
    } else {
        table(&records, super::output_width())
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

/// What an agent reads first comes first and keeps its width (time, user, action, mode); the
/// long texts come last and give way in a narrow terminal.
const COLUMNS: [Column; 10] = [
    Column::fixed("TIME"),
    Column::fixed("USER"),
    Column::fixed("ACTION"),
    Column::fixed("MODE"),
    Column::flexible("OUTCOME"),
    Column::fixed("SEQUENCE"),
    Column::flexible("OPERATOR"),
    Column::flexible("PROFILE"),
    Column::flexible("INSTANCE"),
    Column::flexible("DETAIL"),
];

fn table(records: &[AuditRecord], width: Option<usize>) -> String {
    let tz = jiff::tz::TimeZone::system();
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
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
            vec![
                time,
                r.user_id.clone(),
                r.action.clone(),
                r.mode.clone(),
                outcome,
                r.sequence.map(|s| s.to_string()).unwrap_or_default(),
                r.operator.clone().unwrap_or_else(|| "-".into()),
                // No profile: the settings came from flags and the environment (or the line
                // predates profiles).
                r.profile.clone().unwrap_or_else(|| "-".into()),
                r.instance.clone(),
                detail,
            ]
        })
        .collect();
    render(&COLUMNS, &rows, true, width)
}
