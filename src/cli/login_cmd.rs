//! `zitadesk login|logout`: which profile and client they act for, then the device flow.

use super::args::GlobalArgs;
use super::exit::CliError;
use crate::config::AuthConfig;
use crate::settings::RawSettings;

/// The profile to sign in to and its device-login client: `--profile`, else the config's
/// default; it must say `auth = { device = { client_id = … } }`.
fn device_profile(raw: &RawSettings) -> Result<(String, String), CliError> {
    let file = raw
        .config_path
        .as_ref()
        .map_or_else(|| "the config file".to_string(), |p| crate::text::display_path(p));
    let name = raw
        .profile
        .clone()
        .or_else(|| raw.config.default_profile.clone())
        .ok_or_else(|| {
            CliError::usage(format!(
                "no profile to sign in to: pass --profile NAME (profiles live in {file}; `zitadesk config init` writes an example)"
            ))
        })?;
    let profile = raw
        .config
        .profiles
        .get(&name)
        .ok_or_else(|| CliError::usage(format!("no profile {name:?} in {file}")))?;
    match &profile.auth {
        Some(AuthConfig::Device { client_id }) => Ok((name, client_id.clone())),
        _ => Err(CliError::usage(format!(
            "profile {name:?} does not use device login: give it auth = {{ device = {{ client_id = \"…\" }} }} in {file}"
        ))),
    }
}

pub async fn login(global: &GlobalArgs) -> Result<(), CliError> {
    let raw = super::raw_settings(global)?;
    let (profile, client_id) = device_profile(&raw)?;
    let settings = raw.resolve()?;
    // Instructions and outcome are messages for the agent, not data: stderr.
    let mut out = std::io::stderr();
    super::login::login(&settings, &profile, &client_id, &mut out).await
}

pub async fn logout(global: &GlobalArgs) -> Result<(), CliError> {
    let raw = super::raw_settings(global)?;
    let (profile, client_id) = device_profile(&raw)?;
    let settings = raw.resolve()?;
    // Instructions and outcome are messages for the agent, not data: stderr.
    let mut out = std::io::stderr();
    super::login::logout(&settings, &profile, &client_id, &mut out).await
}
