//! The journal of a bulk run: one JSON line per event, appended to a private (0600) file, so
//! that a run killed at any point — SIGKILL included — can be continued without mailing
//! anyone twice.
//!
//! For every user the runner writes a `before` line, flushed to disk, *then* sends the one
//! request, then writes an `after` line with the outcome. Reading it back:
//! * `after` with `ok` — done: never sent again;
//! * `before` without an `after` (killed while the request was in flight, or the `after`
//!   line torn), or `after` with `unknown` — the outcome is unknown: never sent again, listed
//!   for a human to decide;
//! * `after` with `error` or `not_sent` — ZITADEL refused or nothing left this machine, so no
//!   code was issued: a re-run tries again.
//!
//! A line that does not parse is a write torn by the kill. A torn `before` was never
//! followed by its request (the request goes only after the line is complete), and a torn
//! `after` leaves its `before` alone, which reads as unknown: either way, skipping the line is
//! safe. The first line names the job; a journal of another job is refused.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::secure_fs::{self, SecureFsError};
use crate::text::display_path;

/// What a journal belongs to: the selection of users — instance, search, scope, filter. Not
/// how they are sent to: a re-run that changes the call (`--send-if-none`) or the link must
/// still skip the users an earlier run reached, or they would get a second code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobHeader {
    /// The instance URL.
    pub instance: String,
    /// The search as typed, and the organisation it was scoped to.
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    pub unverified: bool,
}

impl JobHeader {
    /// The job of a console run on marked users. The console has no query string: its
    /// selection is the set of marked users, named by their count and a hash of their sorted
    /// IDs — marking the same users again (in any order, by any search) finds the same
    /// journal, so a stopped run continues without sending twice; another set is another job.
    pub fn for_marked(instance: &str, org: Option<&str>, sorted_ids: &[&str]) -> JobHeader {
        JobHeader {
            instance: instance.trim_end_matches('/').to_string(),
            query: format!(
                "console: {} marked users {}",
                sorted_ids.len(),
                fnv(&sorted_ids.join(","))
            ),
            org: org.map(str::to_string),
            unverified: false,
        }
    }

    /// A short stable name for the job (FNV-1a of its JSON), for the default journal file:
    /// the same command finds the same journal.
    pub fn fingerprint(&self) -> String {
        fnv(&serde_json::to_string(self).unwrap_or_default())
    }
}

/// FNV-1a of `text`, as 16 hex digits.
fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
enum Line {
    Job {
        #[serde(flatten)]
        job: JobHeader,
        created: Timestamp,
    },
    #[serde(rename_all = "camelCase")]
    Before {
        user_id: String,
        call: String,
        at: Timestamp,
    },
    #[serde(rename_all = "camelCase")]
    After {
        user_id: String,
        /// The audit trail's word: ok, error, unknown, not_sent.
        outcome: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        at: Timestamp,
    },
}

/// Where a user stands according to the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A code was issued.
    Done,
    /// A request went out and its outcome is not known.
    Unknown,
    /// Refused or not sent (the reason); nothing was issued, so a re-run may try again.
    Failed(String),
}

impl Entry {
    /// Whether a run may send this user a request.
    pub fn may_send(&self) -> bool {
        matches!(self, Entry::Failed(_))
    }
}

/// What a journal's text says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Replay {
    pub job: Option<JobHeader>,
    pub created: Option<Timestamp>,
    pub entries: HashMap<String, Entry>,
    /// Lines that did not parse (torn by a kill).
    pub torn: usize,
}

/// Reads a journal's text (pure; see the module's rules).
pub fn replay(text: &str) -> Replay {
    let mut r = Replay::default();
    for raw in text.split('\n') {
        if raw.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(raw) {
            Ok(Line::Job { job, created }) => {
                if r.job.is_none() {
                    r.job = Some(job);
                    r.created = Some(created);
                }
            }
            Ok(Line::Before { user_id, .. }) => {
                r.entries.insert(user_id, Entry::Unknown);
            }
            Ok(Line::After {
                user_id,
                outcome,
                reason,
                ..
            }) => {
                let entry = match outcome.as_str() {
                    "ok" => Entry::Done,
                    "error" | "not_sent" => Entry::Failed(reason.unwrap_or(outcome)),
                    _ => Entry::Unknown,
                };
                r.entries.insert(user_id, entry);
            }
            Err(_) => r.torn += 1,
        }
    }
    r
}

/// Why a journal cannot be used. Nothing is sent when it cannot.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(transparent)]
    File(#[from] SecureFsError),
    #[error("cannot {action} the journal {}: {source}", display_path(.path))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the journal {} belongs to another job (query {:?}{}); use another --journal for this one",
        display_path(.path), .other.query, if .other.unverified { ", --unverified" } else { "" }
    )]
    OtherJob { path: PathBuf, other: Box<JobHeader> },
    #[error("the journal {} has no job line: not a zitadesk journal? use another --journal", display_path(.path))]
    NotAJournal { path: PathBuf },
    #[error("no state directory for the journal: pass --journal FILE")]
    NoStateDirectory,
}

/// An open journal: what it said at start, kept up to date as the run writes.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Arc<std::fs::File>,
    entries: HashMap<String, Entry>,
    created: Timestamp,
    torn: usize,
}

/// The default journal of a job: `$XDG_STATE_HOME/zitadesk/jobs/<fingerprint>.jsonl`.
pub fn default_path(job: &JobHeader) -> Option<PathBuf> {
    crate::dirs::state_dir().map(|d| path_in(&d.join("jobs"), job))
}

/// The journal of `job` in the jobs directory `dir` (the console is given its directory).
pub fn path_in(dir: &Path, job: &JobHeader) -> PathBuf {
    dir.join(format!("resend-email-{}.jsonl", job.fingerprint()))
}

/// Where default journals live: `$XDG_STATE_HOME/zitadesk/jobs`.
pub fn jobs_dir() -> Option<PathBuf> {
    crate::dirs::state_dir().map(|d| d.join("jobs"))
}

impl Journal {
    /// Opens (creating it 0600 in a private directory) the journal of `job` at `path`.
    pub fn open(path: &Path, job: &JobHeader) -> Result<Journal, JournalError> {
        let io = |action, source| JournalError::Io {
            action,
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            secure_fs::ensure_private_dir(dir)?;
        }
        let mut text = String::new();
        if let Some(mut f) = secure_fs::open_read(path)? {
            f.read_to_string(&mut text).map_err(|e| io("read", e))?;
        }
        let replay = replay(&text);
        let mut file = secure_fs::open_append(path)?;
        let created = match &replay.job {
            Some(found) if found != job => {
                return Err(JournalError::OtherJob {
                    path: path.to_path_buf(),
                    other: Box::new(found.clone()),
                });
            }
            Some(_) => replay.created.unwrap_or_else(Timestamp::now),
            None if !text.trim().is_empty() => {
                return Err(JournalError::NotAJournal {
                    path: path.to_path_buf(),
                });
            }
            None => {
                let created = Timestamp::now();
                let line = Line::Job {
                    job: job.clone(),
                    created,
                };
                write_line(&mut file, &line, true).map_err(|e| io("write", e))?;
                created
            }
        };
        // A line torn by a kill has no line end: the next one must not be glued to it (the
        // file is opened for appending, so this goes at its end).
        if !text.is_empty() && !text.ends_with('\n') {
            file.write_all(b"\n").map_err(|e| io("write", e))?;
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file: Arc::new(file),
            entries: replay.entries,
            created,
            torn: replay.torn,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// When the job's journal was started.
    pub fn created(&self) -> Timestamp {
        self.created
    }

    /// Lines torn by an earlier kill (skipped).
    pub fn torn(&self) -> usize {
        self.torn
    }

    pub fn entry(&self, user_id: &str) -> Option<&Entry> {
        self.entries.get(user_id)
    }

    /// Records that the request for `user_id` is about to go, on disk (fsync) before it does:
    /// this line is what keeps a re-run from sending twice, even after a power cut.
    pub async fn before(&mut self, user_id: &str, call: &str) -> Result<(), JournalError> {
        let line = Line::Before {
            user_id: user_id.to_string(),
            call: call.to_string(),
            at: Timestamp::now(),
        };
        self.append(line, true).await?;
        self.entries.insert(user_id.to_string(), Entry::Unknown);
        Ok(())
    }

    /// Records how the request ended. Not synced: a lost `after` reads as unknown, which is
    /// safe (never sent again).
    pub async fn after(
        &mut self,
        user_id: &str,
        outcome: &str,
        reason: Option<&str>,
    ) -> Result<(), JournalError> {
        let line = Line::After {
            user_id: user_id.to_string(),
            outcome: outcome.to_string(),
            reason: reason.map(str::to_string),
            at: Timestamp::now(),
        };
        let entry = match outcome {
            "ok" => Entry::Done,
            "error" | "not_sent" => Entry::Failed(reason.unwrap_or(outcome).to_string()),
            _ => Entry::Unknown,
        };
        self.append(line, false).await?;
        self.entries.insert(user_id.to_string(), entry);
        Ok(())
    }

    /// One write of one line, off the async thread (the disk may be slow).
    async fn append(&self, line: Line, sync: bool) -> Result<(), JournalError> {
        let file = Arc::clone(&self.file);
        let written = tokio::task::spawn_blocking(move || write_line(&mut &*file, &line, sync)).await;
        let result = written.unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
        result.map_err(|source| JournalError::Io {
            action: "write",
            path: self.path.clone(),
            source,
        })
    }
}

fn write_line(file: &mut impl WriteSync, line: &Line, sync: bool) -> std::io::Result<()> {
    let json = serde_json::to_string(line).map_err(std::io::Error::other)?;
    let mut text = crate::text::terminal_safe_json(&json).into_owned();
    text.push('\n');
    file.write_all(text.as_bytes())?;
    if sync { file.sync() } else { Ok(()) }
}

/// A file, written and synced (a trait so `&File` serves as well as `File`).
trait WriteSync: Write {
    fn sync(&self) -> std::io::Result<()>;
}

impl WriteSync for std::fs::File {
    fn sync(&self) -> std::io::Result<()> {
        self.sync_data()
    }
}

impl WriteSync for &std::fs::File {
    fn sync(&self) -> std::io::Result<()> {
        self.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> JobHeader {
        JobHeader {
            instance: "https://id.example.com".into(),
            query: "first:anna".into(),
            org: None,
            unverified: true,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zitadesk-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("jobs").join("j.jsonl")
    }

    #[test]
    fn replay_reads_each_users_last_word() {
        let text = r#"{"t":"job","instance":"https://id.example.com","query":"first:anna","unverified":true,"created":"2026-12-03T10:00:00Z"}
{"t":"before","userId":"1","call":"resend","at":"2026-12-03T10:00:01Z"}
{"t":"after","userId":"1","outcome":"ok","at":"2026-12-03T10:00:01Z"}
{"t":"before","userId":"2","call":"resend","at":"2026-12-03T10:00:02Z"}
{"t":"after","userId":"2","outcome":"error","reason":"no_pending_code","at":"2026-12-03T10:00:02Z"}
{"t":"before","userId":"3","call":"resend","at":"2026-12-03T10:00:03Z"}
{"t":"after","userId":"3","outcome":"unknown","reason":"timeout","at":"2026-12-03T10:00:03Z"}
{"t":"before","userId":"4","call":"resend","at":"2026-12-03T10:00:04Z"}
"#;
        let r = replay(text);
        assert_eq!(r.job, Some(job()));
        assert_eq!(r.entries["1"], Entry::Done);
        assert_eq!(r.entries["2"], Entry::Failed("no_pending_code".into()));
        assert_eq!(r.entries["3"], Entry::Unknown);
        assert_eq!(r.entries["4"], Entry::Unknown);
        assert_eq!(r.torn, 0);
        assert!(r.entries["2"].may_send() && !r.entries["3"].may_send() && !r.entries["1"].may_send());
    }

    #[test]
    fn a_torn_after_line_leaves_the_user_unknown_and_a_torn_before_is_skipped() {
        let text = "{\"t\":\"before\",\"userId\":\"7\",\"call\":\"resend\",\"at\":\"2026-12-03T10:00:01Z\"}\n\
                    {\"t\":\"after\",\"userId\":\"7\",\"outc";
        let r = replay(text);
        assert_eq!(r.entries["7"], Entry::Unknown);
        assert_eq!(r.torn, 1);
        let r = replay("{\"t\":\"before\",\"userId\":\"8\",\"ca");
        assert!(!r.entries.contains_key("8"));
        assert_eq!(r.torn, 1);
    }

    #[tokio::test]
    async fn a_journal_survives_a_torn_tail_and_carries_on_after_it() {
        let path = scratch("torn");
        let mut j = Journal::open(&path, &job()).unwrap();
        j.before("1", "resend").await.unwrap();
        j.after("1", "ok", None).await.unwrap();
        j.before("2", "resend").await.unwrap();
        drop(j);
        // The kill tore the second user's `after` mid-line.
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"t\":\"after\",\"userId\":\"2\",\"outcome\":\"o")
            .unwrap();
        drop(f);

        let mut j = Journal::open(&path, &job()).unwrap();
        assert_eq!(j.entry("1"), Some(&Entry::Done));
        assert_eq!(j.entry("2"), Some(&Entry::Unknown));
        assert_eq!(j.torn(), 1);
        j.before("3", "resend").await.unwrap();
        j.after("3", "error", Some("not_found")).await.unwrap();
        drop(j);

        let r = replay(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(r.torn, 1, "the next line was not glued to the torn one");
        assert_eq!(r.entries["3"], Entry::Failed("not_found".into()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn another_jobs_journal_is_refused() {
        let path = scratch("other");
        Journal::open(&path, &job()).unwrap();
        let mut other = job();
        other.query = "first:ben".into();
        let err = Journal::open(&path, &other).unwrap_err();
        assert!(matches!(err, JournalError::OtherJob { .. }), "{err}");
        assert!(err.to_string().contains("first:anna"), "{err}");
        std::fs::write(&path, "hello\n").unwrap();
        assert!(matches!(
            Journal::open(&path, &job()).unwrap_err(),
            JournalError::NotAJournal { .. }
        ));
    }

    #[test]
    fn the_same_job_has_the_same_fingerprint() {
        let mut other = job();
        assert_eq!(job().fingerprint(), other.fingerprint());
        other.unverified = false;
        assert_ne!(job().fingerprint(), other.fingerprint());
    }
}
