//! Where a command's settings come from: flags and environment, or `--demo`, which starts the
//! built-in instance in this process and points the client at it.

use std::net::{Ipv4Addr, SocketAddr};

use super::args::{DemoServerArgs, GlobalArgs};
use super::exit::CliError;
use secrecy::SecretString;

use crate::demo::{ADMIN_TOKEN, DemoConfig, DemoServer};
use crate::settings::Settings;

/// Resolved settings, plus the demo instance they point at (alive as long as the session).
pub struct Setup {
    pub settings: Settings,
    _demo: Option<DemoServer>,
}

impl Setup {
    pub async fn open(global: &GlobalArgs) -> Result<Setup, CliError> {
        let mut raw = super::raw_settings(global)?;
        if !global.demo {
            let settings = raw.resolve()?;
            for w in &settings.warnings {
                eprintln!("zitadesk: warning: {}", crate::text::sanitize(w));
            }
            return Ok(Setup {
                settings,
                _demo: None,
            });
        }
        let config = DemoConfig {
            generated_users: global.demo_users,
            version: global.zitadel_version,
            user_schema: global.user_schema,
            ..DemoConfig::default()
        };
        let demo = DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
            .await
            .map_err(|e| CliError::other(format!("cannot start the demo instance: {e}")))?;
        // The demo's own URL and admin token replace whatever connection settings the
        // environment holds: an exported ZITADEL_ORG_ID would otherwise hide every demo user.
        raw.url = Some(demo.url());
        raw.token_file = None;
        raw.key_file = None;
        raw.token_env = Some(SecretString::from(ADMIN_TOKEN.to_string()));
        raw.org = None;
        raw.api = None;
        raw.allow_insecure_http = false;
        // Profiles name real instances: none of them applies to the demo.
        raw.profile = None;
        raw.config.default_profile = None;
        raw.config.profiles.clear();
        raw.sources.insert("url", crate::settings::Source::Demo);
        raw.url_templates = crate::config::DEMO_URL_TEMPLATES
            .iter()
            .map(|t| t.to_string())
            .collect();
        Ok(Setup {
            settings: raw.resolve()?,
            _demo: Some(demo),
        })
    }
}

/// `zitadesk demo-server`.
pub async fn serve(a: DemoServerArgs) -> Result<(), CliError> {
    // Its tokens are public (they are in the README): never offer it beyond this machine.
    if !a.addr.ip().is_loopback() {
        return Err(CliError::usage(format!(
            "refusing to serve the demo instance on {}: its tokens are public; use a loopback address such as 127.0.0.1",
            a.addr
        )));
    }
    let config = DemoConfig {
        generated_users: a.users,
        device: if a.deny_device {
            crate::demo::DeviceApproval::Deny
        } else {
            crate::demo::DeviceApproval::AutoApproveAfter(std::time::Duration::from_secs(
                a.device_approve_after,
            ))
        },
        version: a.zitadel_version,
        user_schema: a.user_schema,
        ..DemoConfig::default()
    };
    let announce = |text: &str| {
        if let Err(e) = super::users::write_stdout(text) {
            eprintln!("zitadesk: {}", e.message);
        }
    };
    crate::demo::run_standalone(a.addr, config, announce)
        .await
        .map_err(|e| CliError::other(format!("demo instance: {e}")))
}
