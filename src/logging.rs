//! Logs go to a file under the state directory, never to the terminal: a console owns the
//! screen, and a script reads stdout. `ZITADESK_LOG` sets the filter (default `info`).
//!
//! Log lines quote ZITADEL (error messages, names, IDs), so the file is written through
//! [`Escaping`]: whatever field carried it, no control character, C1 or bidi character reaches
//! the file as it is, so `cat` of a log cannot drive the terminal and a newline in a server
//! message cannot forge a log line. The directory is 0700, the files 0600, and a link planted
//! at today's file is refused, not followed.

use std::io;
use std::path::PathBuf;

use jiff::Timestamp;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::secure_fs::{self, SecureFsError};
use crate::text::display_path;

pub const LOG_ENV: &str = "ZITADESK_LOG";
/// Files are named `zitadesk.YYYY-MM-DD.log` (the UTC date, as tracing-appender names them).
const LOG_PREFIX: &str = "zitadesk";
const LOG_SUFFIX: &str = "log";

/// Keeps the log writer alive; drop it last (after the terminal is restored) so that the
/// final lines are written.
pub struct LogGuard {
    _guard: Option<WorkerGuard>,
    /// The directory of the daily files.
    pub dir: Option<PathBuf>,
}

/// Why there is no log file. Paths are shown sanitised.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("no home directory for the log")]
    NoHome,
    /// The state or log directory is not private (or cannot be made).
    #[error("no log file: {0}")]
    Directory(SecureFsError),
    /// Today's file is a link, another user's, or cannot be opened.
    #[error("no log file: {0}")]
    File(SecureFsError),
    #[error("cannot open a log file in {}: {reason}", display_path(.dir))]
    Open { dir: PathBuf, reason: String },
    #[error("logging already set up: {0}")]
    AlreadySetUp(String),
}

/// The name of the day's file, as the appender will name it.
pub fn file_name(day: Timestamp) -> String {
    format!("{LOG_PREFIX}.{}.{LOG_SUFFIX}", day.strftime("%Y-%m-%d"))
}

/// Starts file logging. Failure to log is not a reason to fail: the reason is returned for
/// the caller to mention, and the program runs without a log.
pub fn init() -> Result<LogGuard, LogError> {
    let dir = crate::dirs::log_dir().ok_or(LogError::NoHome)?;
    // The appender creates tomorrow's file itself, with the default mode: with this umask it
    // is 0600 like today's — as is anything else this process creates, which is what a tool
    // that keeps tokens wants.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    if let Some(state) = dir.parent() {
        secure_fs::ensure_private_dir(state).map_err(LogError::Directory)?;
    }
    secure_fs::ensure_private_dir(&dir).map_err(LogError::Directory)?;
    // The appender opens its file following links: today's is opened (and checked) first, so a
    // planted link is refused before the appender ever sees it. Later days are created by the
    // appender in the directory just checked, where no one else can plant anything.
    secure_fs::open_append(&dir.join(file_name(Timestamp::now()))).map_err(LogError::File)?;
    tighten_old_files(&dir);
    // One file a day, a week kept: logs name users, so they should not pile up forever.
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix(LOG_SUFFIX)
        .max_log_files(7)
        .build(&dir)
        .map_err(|e| LogError::Open {
            dir: dir.clone(),
            reason: e.to_string(),
        })?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Escaping(writer))
        .with_ansi(false)
        .try_init()
        .map_err(|e| LogError::AlreadySetUp(e.to_string()))?;
    Ok(LogGuard {
        _guard: Some(guard),
        dir: Some(dir),
    })
}

/// Files of earlier days, written before logs were private, are made 0600 too (links are left
/// alone: `chmod` would follow them). Best effort: the week's pruning removes them anyway.
fn tighten_old_files(dir: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
                continue;
            };
            if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Wraps the fmt layer's writer so that every formatted event is escaped
/// ([`crate::text::escape_for_log`]) before it is written. The fmt layer writes one whole event
/// per `write_all`, ending in its newline: that newline is kept, every other is escaped.
#[derive(Debug, Clone)]
pub struct Escaping<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Escaping<M> {
    type Writer = EscapingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapingWriter(self.0.make_writer())
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        EscapingWriter(self.0.make_writer_for(meta))
    }
}

/// One event's writer (see [`Escaping`]).
#[derive(Debug)]
pub struct EscapingWriter<W>(W);

impl<W: io::Write> io::Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, end) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*text, ""),
        };
        let mut line = crate::text::escape_for_log(body).into_owned();
        line.push_str(end);
        self.0.write_all(line.as_bytes())?;
        // All of `buf` is consumed, so `write_all` never splits an event into two writes.
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    /// A server message with a newline, a forged timestamp and escape sequences stays inside
    /// its own line, visible and inert, whichever field (message or value) carried it.
    #[test]
    fn a_server_message_cannot_forge_a_line_or_drive_the_terminal() {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Escaping(captured.clone()))
            .with_ansi(false)
            .finish();
        let evil = "boom\n2026-01-01T00:00:00Z  INFO forged\u{1b}[2J\u{9b}31m\u{202e}";
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(error = %evil, "email code refused");
            tracing::info!("{evil}");
        });
        let bytes = captured.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            !text.lines().any(|l| l.starts_with("2026-01-01T00:00:00Z")),
            "{text}"
        );
        assert!(
            !text.chars().any(|c| (c.is_control() && c != '\n')
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{text:?}"
        );
        assert!(
            text.contains("boom\\n2026-01-01T00:00:00Z  INFO forged\\x1b[2J\\u{9b}31m\\u{202e}"),
            "{text}"
        );
    }

    #[test]
    fn the_file_name_is_the_appenders() {
        let day = Timestamp::from_second(1_767_225_600).unwrap();
        assert_eq!(file_name(day), "zitadesk.2026-01-01.log");
    }
}
