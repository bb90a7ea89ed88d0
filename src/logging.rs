//! Logs go to a file under the state directory, never to the terminal: a console owns the
//! screen, and a script reads stdout. `ZITADESK_LOG` sets the filter (default `info`).

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

pub const LOG_ENV: &str = "ZITADESK_LOG";
/// Files are named `zitadesk.YYYY-MM-DD.log`.
const LOG_PREFIX: &str = "zitadesk";

/// Keeps the log writer alive; drop it last (after the terminal is restored) so that the
/// final lines are written.
pub struct LogGuard {
    _guard: Option<WorkerGuard>,
    /// The directory of the daily files.
    pub dir: Option<PathBuf>,
}

/// Why there is no log file.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("no home directory for the log")]
    NoHome,
    #[error("cannot create {}: {source}", .dir.display())]
    CreateDirectory { dir: PathBuf, source: std::io::Error },
    #[error("cannot open a log file in {}: {reason}", .dir.display())]
    Open { dir: PathBuf, reason: String },
    #[error("logging already set up: {0}")]
    AlreadySetUp(String),
}

/// Starts file logging. Failure to log is not a reason to fail: the reason is returned for
/// the caller to mention, and the program runs without a log.
pub fn init() -> Result<LogGuard, LogError> {
    let dir = crate::dirs::log_dir().ok_or(LogError::NoHome)?;
    create_private_dir(&dir).map_err(|source| LogError::CreateDirectory {
        dir: dir.clone(),
        source,
    })?;
    // One file a day, a week kept: logs name users, so they should not pile up forever.
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix("log")
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
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| LogError::AlreadySetUp(e.to_string()))?;
    Ok(LogGuard {
        _guard: Some(guard),
        dir: Some(dir),
    })
}

/// The directory readable by its owner only: logs name users and instances.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
