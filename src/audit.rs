//! The audit trail: one JSON line per confirmed resend or send, appended to a file in the
//! state directory (0600). It records who asked for what and what ZITADEL answered — never
//! the code and never the token.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

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
    /// `resend` or `send`.
    pub action: String,
    /// `send` (ZITADEL mails the code) or `return` (the code came back to the agent).
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_template: Option<String>,
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

/// Why an audit line could not be written, or the trail read.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no state directory for the audit file (is HOME set?)")]
    NoStateDirectory,
    #[error("cannot encode the audit line: {0}")]
    Encode(String),
    #[error("cannot create {}: {source}", .dir.display())]
    CreateDirectory { dir: PathBuf, source: std::io::Error },
    #[error("cannot open the audit file {}: {source}", .path.display())]
    Open { path: PathBuf, source: std::io::Error },
    #[error("cannot check the audit file {}: {source}", .path.display())]
    Check { path: PathBuf, source: std::io::Error },
    #[error("cannot make the audit file {} private: {source}", .path.display())]
    MakePrivate { path: PathBuf, source: std::io::Error },
    #[error("cannot write the audit file {}: {source}", .path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read the audit file {}: {source}", .path.display())]
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
    pub fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        let path = self.path.as_deref().ok_or(AuditError::NoStateDirectory)?;
        let mut line = serde_json::to_string(record).map_err(|e| AuditError::Encode(e.to_string()))?;
        line.push('\n');
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(|source| AuditError::CreateDirectory {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        let at = |path: &Path| path.to_path_buf();
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|source| AuditError::Open {
            path: at(path),
            source,
        })?;
        // A file created earlier with a looser mode is tightened: it names users and instances.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = file.metadata().map_err(|source| AuditError::Check {
                path: at(path),
                source,
            })?;
            if meta.permissions().mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(|source| AuditError::MakePrivate {
                        path: at(path),
                        source,
                    })?;
            }
        }
        file.write_all(line.as_bytes())
            .map_err(|source| AuditError::Write {
                path: at(path),
                source,
            })
    }

    /// Every record, oldest first. A line that is not a record (a torn write, an edit) is
    /// reported with its number and skipped, so one bad line does not hide the rest.
    pub fn read(&self) -> Result<(Vec<AuditRecord>, Vec<String>), AuditError> {
        let Some(path) = self.path.as_deref() else {
            return Ok((Vec::new(), Vec::new()));
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(source) => {
                return Err(AuditError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match serde_json::from_str(line) {
                Ok(r) => records.push(r),
                Err(e) => problems.push(format!(
                    "{} line {}: not an audit record ({e})",
                    path.display(),
                    i + 1
                )),
            }
        }
        Ok((records, problems))
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
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
