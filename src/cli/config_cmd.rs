//! `zitadesk config show|init`.

use std::io::Write;

use super::args::GlobalArgs;
use super::exit::CliError;
use crate::text::{display_path, sanitize};

/// The resolved settings with their sources. Secrets are never among the values: the token
/// shows as "(value never shown)", a key as its id and user.
pub fn show(global: &GlobalArgs) -> Result<(), CliError> {
    let settings = super::raw_settings(global)?.resolve()?;
    let width = settings.shown.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let value_width = settings
        .shown
        .iter()
        .map(|s| crate::text::display_width(&s.value))
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = String::new();
    for s in &settings.shown {
        let value = crate::text::pad(&s.value, value_width);
        out.push_str(&format!(
            "{:<width$}  {value}  ({})\n",
            s.name,
            sanitize(&s.source.to_string())
        ));
    }
    for w in &settings.warnings {
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
