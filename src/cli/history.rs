//! `zitadesk users history USER_ID [--limit N] [--json]`: the user's events that bear on "I
//! never got the mail", in words, newest first, beside this machine's audit lines.

use serde::Serialize;

use super::args::HistoryArgs;
use super::exit::CliError;
use super::users::{print_json, write_stdout};
use crate::api::Client;
use crate::history::{self, AuditLines, Entry, History, Origin};
use crate::settings::Settings;

pub async fn run(settings: &Settings, client: &Client, a: HistoryArgs) -> Result<(), CliError> {
    // The history is searched in the user's own organisation, which only the user knows.
    let user = client.get_user(&a.user_id).await?;
    let org = user
        .details
        .as_ref()
        .map(|d| d.resource_owner.as_str())
        .unwrap_or("");
    let changes = client.user_history(&a.user_id, org, a.limit).await?;
    let audit = settings.audit_context();
    // Our own lines are a bonus: an unreadable trail is said, not fatal.
    let records = match audit.log.read() {
        Ok((records, problems)) => {
            for p in problems {
                eprintln!("zitadesk: {}", crate::text::sanitize(&p));
            }
            records
        }
        Err(e) => {
            eprintln!(
                "zitadesk: the audit trail is not shown: {}",
                crate::text::sanitize(&e.to_string())
            );
            Vec::new()
        }
    };
    let tz = jiff::tz::TimeZone::system();
    let shown = history::build(
        &changes,
        AuditLines {
            records: &records,
            instance: &audit.instance,
        },
        &a.user_id,
        &tz,
    );
    if a.json {
        return print_json(&Json::of(&shown));
    }
    write_stdout(&text(&shown, &tz))
}

/// One line per entry — local time, what, who — and the note indented below it.
fn text(h: &History, tz: &jiff::tz::TimeZone) -> String {
    let mut out = String::new();
    if h.entries.is_empty() {
        out.push_str("No events that bear on codes, addresses or locks.\n");
    }
    for e in &h.entries {
        let when = e
            .when
            .map(|t| {
                t.to_zoned_datetime(tz.clone())
                    .strftime("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_else(|| "????-??-?? ??:??:??".into());
        let who = if e.who.is_empty() {
            String::new()
        } else {
            format!("  by {}", e.who)
        };
        out.push_str(&format!("{when}  {}{who}\n", e.what));
        if let Some(note) = &e.note {
            out.push_str(&format!("{:21}↳ {note}\n", ""));
        }
    }
    if h.other_events > 0 {
        out.push_str(&format!(
            "({} other events not shown: sign-ins, profile edits and the like)\n",
            h.other_events
        ));
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Json<'a> {
    entries: Vec<JsonEntry<'a>>,
    other_events: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonEntry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<jiff::Timestamp>,
    /// `zitadel` or `zitadesk` (this machine's audit trail).
    source: &'static str,
    /// ZITADEL's event type, or the audited action.
    kind: &'a str,
    what: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    who: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

impl<'a> Json<'a> {
    fn of(h: &'a History) -> Self {
        Json {
            entries: h.entries.iter().map(JsonEntry::of).collect(),
            other_events: h.other_events,
        }
    }
}

impl<'a> JsonEntry<'a> {
    fn of(e: &'a Entry) -> Self {
        JsonEntry {
            time: e.when,
            source: match e.origin {
                Origin::Zitadel => "zitadel",
                Origin::Zitadesk => "zitadesk",
            },
            kind: &e.kind,
            what: &e.what,
            who: &e.who,
            note: e.note.as_deref(),
        }
    }
}
