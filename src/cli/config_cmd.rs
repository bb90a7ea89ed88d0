//! `zitadesk config show|init`.

use std::io::Write;

use super::args::GlobalArgs;
use super::exit::CliError;
use crate::text::sanitize;

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

/// Writes the commented example (0600), never over an existing file without `--force`.
pub fn init(global: &GlobalArgs, force: bool) -> Result<(), CliError> {
    let path = global
        .config
        .clone()
        .or_else(crate::dirs::config_file)
        .ok_or_else(|| CliError::usage("no home directory: pass --config PATH"))?;
    if path.exists() && !force {
        return Err(CliError::usage(format!(
            "{} exists; pass --force to overwrite it",
            path.display()
        )));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::other(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .map_err(|e| CliError::other(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(crate::config::EXAMPLE.as_bytes())
        .map_err(|e| CliError::other(format!("cannot write {}: {e}", path.display())))?;
    // Overwriting keeps the old mode: make it private either way.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::other(format!("cannot make {} private: {e}", path.display())))?;
    }
    eprintln!(
        "zitadesk: wrote {} — edit the profile, then `zitadesk config show`",
        path.display()
    );
    Ok(())
}
