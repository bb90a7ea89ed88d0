//! Where zitadesk keeps its files: XDG directories on Linux and macOS (`$XDG_STATE_HOME`,
//! `~/.local/state/zitadesk`), Known Folders on Windows.

use std::path::PathBuf;

use etcetera::app_strategy::{AppStrategy, AppStrategyArgs, choose_app_strategy};

fn strategy() -> Option<impl AppStrategy> {
    choose_app_strategy(AppStrategyArgs {
        top_level_domain: "io".into(),
        author: "zitadesk".into(),
        app_name: "zitadesk".into(),
    })
    .ok()
}

/// State that outlives a run: logs, the audit trail, stored tokens.
pub fn state_dir() -> Option<PathBuf> {
    let s = strategy()?;
    Some(s.state_dir().unwrap_or_else(|| s.data_dir()))
}

/// The log directory (`…/state/zitadesk/logs`).
pub fn log_dir() -> Option<PathBuf> {
    state_dir().map(|d| d.join("logs"))
}

/// The configuration file (`$XDG_CONFIG_HOME/zitadesk/config.toml`).
pub fn config_file() -> Option<PathBuf> {
    strategy().map(|s| s.config_dir().join("config.toml"))
}

/// The audit trail of confirmed resends (`…/state/zitadesk/audit.jsonl`).
pub fn audit_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join("audit.jsonl"))
}
