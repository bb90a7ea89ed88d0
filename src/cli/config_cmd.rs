//! `zitadesk config show|init`.

use std::io::Write;

use super::args::GlobalArgs;
use super::columns::{Column, render};
use super::exit::CliError;
use crate::text::{display_path, sanitize};

/// The resolved settings with their sources. Secrets are never among the values: the token
/// shows as "(value never shown)", a key as its id and user. A missing URL or credential is
/// shown as missing, with how to set it, rather than refused: this is where one looks first.
/// Three columns — setting, value, (source) — fitted to the terminal like every table.
pub fn show(global: &GlobalArgs) -> Result<(), CliError> {
    let report = super::raw_settings(global)?.report()?;
    let columns = [
        Column::fixed("SETTING"),
        Column::flexible("VALUE"),
        Column::flexible("SOURCE"),
    ];
    let rows: Vec<Vec<String>> = report
        .shown
        .iter()
        .map(|s| vec![s.name.to_string(), s.value.clone(), format!("({})", s.source)])
        .collect();
    let mut out = render(&columns, &rows, false, super::output_width());
    for m in &report.missing {
        out.push_str(&format!("missing: {}\n", sanitize(&m.to_string())));
    }
    for w in &report.warnings {
        out.push_str(&format!("warning: {}\n", sanitize(w)));
    }
    super::users::write_stdout(&out)
}

/// Writes the commented example (0600), never over an existing file without `--force`, and
/// never through a link planted at its path ([`crate::secure_fs`]).
pub fn init(global: &GlobalArgs, force: bool) -> Result<(), CliError> {
    let path = super::private_dirs::config_file(global)
        .ok_or_else(|| CliError::usage("no home directory: pass --config PATH"))?;
    let shown = display_path(&path);
    if path.exists() && !force {
        return Err(CliError::usage(format!(
            "{shown} exists; pass --force to overwrite it"
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(dir)
            .map_err(|e| CliError::other(format!("cannot create {}: {e}", display_path(dir))))?;
    }
    crate::config::check_dir(&path).map_err(|e| CliError::usage(e.to_string()))?;
    let mut file = crate::secure_fs::open_truncate(&path).map_err(|e| {
        if e.is_refusal() {
            CliError::usage(e.to_string())
        } else {
            CliError::other(e.to_string())
        }
    })?;
    file.write_all(crate::config::EXAMPLE.as_bytes())
        .map_err(|e| CliError::other(format!("cannot write {shown}: {e}")))?;
    eprintln!("zitadesk: wrote {shown} — edit the profile, then `zitadesk config show`");
    Ok(())
}
