//! The audit trail: one JSON line per confirmed resend or send, appended to a file in the
//! state directory (0600). It records who asked for what and what ZITADEL answered — never
//! the code and never the token.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::secure_fs::{self, SecureFsError};
use crate::text::display_path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub time: Timestamp,
    /// The instance URL.
    pub instance: String,
    /// The settings profile, once profiles exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Who acted, when known (the service user of a key file, or the token's subject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub user_id: String,
    /// `resend`, `send`, `invite`, `set-email`, `resend-phone`, `password-reset`, `unlock`,
    /// `reactivate` (see `api::Action::word`).
    pub action: String,
    /// `send` (ZITADEL mails or texts), `sms` (a reset link by text), `return` (the code came
    /// back to the agent), `verified` (a new address marked verified on the agent's word),
    /// `none` (unlock, reactivate).
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_template: Option<String>,
    /// The address a `set-email` set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `ok`; `error` (ZITADEL refused); `unknown` (no clear answer: a code may have been
    /// issued); `not_sent` (refused before anything left this machine).
    pub outcome: String,
    /// ZITADEL's error id, or the error class when ZITADEL gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The user's sequence after the change, from ZITADEL's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
}

/// Why an audit line could not be written, or the trail read. Paths are shown sanitised.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no state directory for the audit file (is HOME set?)")]
    NoStateDirectory,
    #[error("cannot encode the audit line: {0}")]
    Encode(String),
    /// The directory or the file is not to be trusted (a link, a loose directory, another
    /// user's file); the error names the path and the fix.
    #[error("{0}")]
    Refused(SecureFsError),
    #[error("cannot {action} {} for the audit file: {source}", display_path(.dir))]
    Directory {
        action: &'static str,
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot {action} the audit file {}: {source}", display_path(.path))]
    Open {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the audit file {}: {source}", display_path(.path))]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read the audit file {}: {source}", display_path(.path))]
    Read { path: PathBuf, source: std::io::Error },
}

/// Where audit lines go. Without a home directory there is no file, and appending says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLog {
    path: Option<PathBuf>,
}

impl AuditLog {
    pub fn new(path: Option<PathBuf>) -> Self {
        AuditLog { path }
    }

    /// The default file in the state directory.
    pub fn default_location() -> Self {
        AuditLog::new(crate::dirs::audit_file())
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends one record as one line (one write, so concurrent consoles do not interleave).
    /// The directory must be private and the file is never reached through a link
    /// ([`crate::secure_fs`]). Characters a terminal would act on are `\u`-escaped, so
    /// `cat audit.jsonl` is as safe as `zitadesk audit`.
    pub fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        let path = self.path.as_deref().ok_or(AuditError::NoStateDirectory)?;
        let json = serde_json::to_string(record).map_err(|e| AuditError::Encode(e.to_string()))?;
        let mut line = crate::text::terminal_safe_json(&json).into_owned();
        line.push('\n');
        if let Some(dir) = path.parent() {
            secure_fs::ensure_private_dir(dir).map_err(|e| match e {
                SecureFsError::Io { action, path, source } => AuditError::Directory {
                    action,
                    dir: path,
                    source,
                },
                refused => AuditError::Refused(refused),
            })?;
        }
        let mut file = secure_fs::open_append(path).map_err(file_error)?;
        file.write_all(line.as_bytes())
            .map_err(|source| AuditError::Write {
                path: path.to_path_buf(),
                source,
            })
    }

    /// Every record, oldest first. A line that is not a record (a torn write, an edit) is
    /// reported with its number and skipped, so one bad line does not hide the rest.
    pub fn read(&self) -> Result<(Vec<AuditRecord>, Vec<String>), AuditError> {
        let Some(path) = self.path.as_deref() else {
            return Ok((Vec::new(), Vec::new()));
        };
        let Some(mut file) = secure_fs::open_read(path).map_err(file_error)? else {
            return Ok((Vec::new(), Vec::new()));
        };
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|source| AuditError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match serde_json::from_str(line) {
                Ok(r) => records.push(r),
                Err(e) => problems.push(format!(
                    "{} line {}: not an audit record ({e})",
                    display_path(path),
                    i + 1
                )),
            }
        }
        Ok((records, problems))
    }
}

/// At most this much of the end of the trail is read for a view of its newest lines (records
/// are a few hundred bytes: some thousands of lines).
pub const TAIL_BYTES: u64 = 1024 * 1024;

impl AuditLog {
    /// The newest records, oldest first: at most `max_lines` of them, read from at most the
    /// last [`TAIL_BYTES`] of the file, so memory stays bounded however long the trail grows.
    /// A line cut by where the read starts is dropped; a line that is not a record is
    /// reported (counted from the end) and skipped.
    pub fn read_last(&self, max_lines: usize) -> Result<(Vec<AuditRecord>, Vec<String>), AuditError> {
        let Some(path) = self.path.as_deref() else {
            return Ok((Vec::new(), Vec::new()));
        };
        let Some(mut file) = secure_fs::open_read(path).map_err(file_error)? else {
            return Ok((Vec::new(), Vec::new()));
        };
        let read_error = |source| AuditError::Read {
            path: path.to_path_buf(),
            source,
        };
        let len = file.metadata().map_err(read_error)?.len();
        let start = len.saturating_sub(TAIL_BYTES);
        file.seek(SeekFrom::Start(start)).map_err(read_error)?;
        let mut bytes = Vec::new();
        file.take(TAIL_BYTES)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        let text = String::from_utf8_lossy(&bytes);
        let whole = if start > 0 {
            // The first line may be the end of one that began before the read.
            text.split_once('\n').map_or("", |(_, rest)| rest)
        } else {
            &text
        };
        let lines: Vec<&str> = whole.lines().filter(|l| !l.trim().is_empty()).collect();
        let from = lines.len().saturating_sub(max_lines);
        let mut records = Vec::new();
        let mut problems = Vec::new();
        let newest = lines.len();
        for (i, line) in lines.iter().enumerate().skip(from) {
            match serde_json::from_str(line) {
                Ok(r) => records.push(r),
                Err(e) => problems.push(format!(
                    "{}: line {} from the end is not an audit record ({e})",
                    display_path(path),
                    newest - i
                )),
            }
        }
        Ok((records, problems))
    }
}

fn file_error(e: SecureFsError) -> AuditError {
    match e {
        SecureFsError::Io { action, path, source } => AuditError::Open { action, path, source },
        refused => AuditError::Refused(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(user: &str) -> AuditRecord {
        AuditRecord {
            time: Timestamp::from_second(1_700_000_000).unwrap(),
            instance: "https://id.example.com".into(),
            profile: None,
            operator: Some("300000000000000900".into()),
            user_id: user.into(),
            action: "resend".into(),
            mode: "return".into(),
            url_template: None,
            email: None,
            outcome: "ok".into(),
            error: None,
            sequence: Some(7),
        }
    }

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "zitadesk-audit-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn records_append_as_lines_and_read_back() {
        let dir = scratch();
        let log = AuditLog::new(Some(dir.join("state/audit.jsonl")));
        log.append(&record("1")).unwrap();
        log.append(&record("2")).unwrap();
        let (back, problems) = log.read().unwrap();
        assert_eq!(back, vec![record("1"), record("2")]);
        assert!(problems.is_empty());
        let text = std::fs::read_to_string(log.path().unwrap()).unwrap();
        assert_eq!(text.lines().count(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failure_to_write_is_reported_not_hidden() {
        let dir = scratch();
        std::fs::create_dir_all(&dir).unwrap();
        // A directory where the file should be: opening it for append fails.
        let path = dir.join("audit.jsonl");
        std::fs::create_dir_all(&path).unwrap();
        let e = AuditLog::new(Some(path)).append(&record("1")).unwrap_err();
        assert!(e.to_string().contains("cannot open the audit file"), "{e}");
        assert!(AuditLog::new(None).append(&record("1")).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// C1 and bidi characters in a stored line are `\u`-escaped like C0: `cat audit.jsonl`
    /// cannot be driven by a template or an instance URL, and the record reads back the same.
    #[test]
    fn stored_lines_escape_what_a_terminal_would_act_on() {
        let dir = scratch();
        let log = AuditLog::new(Some(dir.join("audit.jsonl")));
        let mut r = record("1");
        r.url_template = Some("https://x/\u{9b}31m\u{202e}{{.Code}}\u{2066}\u{1b}[2J".into());
        log.append(&r).unwrap();
        let bytes = std::fs::read(log.path().unwrap()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.trim_end_matches('\n')
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control()),
            "{text:?}"
        );
        assert!(
            text.contains(r"\u009b") && text.contains(r"\u202e") && text.contains(r"\u2066"),
            "{text}"
        );
        assert_eq!(log.read().unwrap().0, vec![r]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A link planted at the audit file's path is refused, naming the path; its target is
    /// not touched.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_refused_not_followed() {
        let dir = scratch();
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("victim");
        std::fs::write(&target, "precious\n").unwrap();
        let path = dir.join("audit.jsonl");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let e = AuditLog::new(Some(path.clone()))
            .append(&record("1"))
            .unwrap_err();
        assert!(matches!(e, AuditError::Refused(_)), "{e:?}");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_newest_lines_are_read_from_the_end_of_a_long_trail_only() {
        let dir = scratch();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.jsonl");
        let line = serde_json::to_string(&record("1")).unwrap();
        // More than TAIL_BYTES of old lines, then three new ones and a broken one.
        let old = (TAIL_BYTES as usize / line.len()) + 50;
        let mut text = format!("{line}\n").repeat(old);
        for id in ["new-1", "new-2", "new-3"] {
            text.push_str(&serde_json::to_string(&record(id)).unwrap());
            text.push('\n');
        }
        text.push_str("{\"torn\n");
        std::fs::write(&path, text).unwrap();
        let log = AuditLog::new(Some(path));
        let (last, problems) = log.read_last(3).unwrap();
        let ids: Vec<_> = last.iter().map(|r| r.user_id.as_str()).collect();
        assert_eq!(
            ids,
            ["new-2", "new-3"],
            "the broken line counts as one of the three"
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("line 1 from the end"), "{problems:?}");
        let (many, _) = log.read_last(usize::MAX).unwrap();
        assert!(
            many.len() < old && many.len() > 1000,
            "bounded by bytes, not by the file: {}",
            many.len()
        );
        assert_eq!(many.last().map(|r| r.user_id.as_str()), Some("new-3"));
        assert_eq!(AuditLog::new(None).read_last(5).unwrap().0, Vec::new());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_broken_line_is_named() {
        let dir = scratch();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.jsonl");
        let good = serde_json::to_string(&record("7")).unwrap();
        std::fs::write(&path, format!("{{\"nope\":1}}\n{good}\n")).unwrap();
        let (records, problems) = AuditLog::new(Some(path)).read().unwrap();
        assert_eq!(records, vec![record("7")], "the good line is still read");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("line 1"), "{problems:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
