//! The command line (clap) and the non-interactive commands. Data goes to stdout, messages
//! to stderr; every server string is sanitised before either sees it.

pub mod args;
mod audit;
mod bulk;
pub mod bulk_messages;
mod columns;
mod config_cmd;
mod demo_mode;
mod doctor;
mod exit;
mod history;
mod login;
mod login_cmd;
pub mod manual;
pub mod messages;
mod private_dirs;
mod remedies;
pub mod remedy_args;
pub mod table;
mod users;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::settings::RawSettings;
pub use args::Cli;
pub use exit::CliError;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = parse_args();
    // Without a log the tool still works; the reason is only worth a mention in --help —
    // except a planted link or another user's file at the log's path, which is an attack to
    // report. (A loose directory is reported by `private_dirs`, command by command.)
    let _log = match crate::logging::init() {
        Ok(guard) => Some(guard),
        Err(crate::logging::LogError::File(e)) if e.is_refusal() => {
            eprintln!("zitadesk: warning: no log file: {e}");
            None
        }
        Err(_) => None,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return report(&CliError::other(format!("cannot start the async runtime: {e}")));
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(status) => ExitCode::from(status),
        Err(e) => report(&e),
    }
}

/// clap, with the file locations of this machine in `--help`.
fn parse_args() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let shown = |p: Option<std::path::PathBuf>| {
        p.map_or_else(
            || "(no home directory)".to_string(),
            |p| crate::text::display_path(&p),
        )
    };
    let files = format!(
        "Files: config {}\n       audit trail {}\n       logs {}",
        shown(crate::dirs::config_file()),
        shown(crate::dirs::audit_file()),
        shown(crate::dirs::log_dir()),
    );
    let command = Cli::command().after_long_help(files);
    let matches = command.get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.global.sources = args::value_sources(&matches);
    cli
}

/// Runs the command; `Ok` carries the exit status (not 0 only for a console ended by a signal).
async fn run(cli: Cli) -> Result<u8, CliError> {
    use args::Command;
    let global = cli.global;
    // These act on the real profile's tokens or files: the demo has neither.
    if global.demo
        && matches!(
            cli.command,
            Some(Command::Login | Command::Logout | Command::Config(_) | Command::Audit(_))
        )
    {
        return Err(CliError::usage(
            "--demo does not apply to login, logout, config or audit: they act on your real profiles and files",
        ));
    }
    private_dirs::check(cli.command.as_ref(), &global)?;
    match cli.command {
        Some(Command::DemoServer(a)) => demo_mode::serve(a).await.map(|()| 0),
        Some(Command::Audit(a)) => audit::print(&crate::audit::AuditLog::default_location(), &a).map(|()| 0),
        Some(Command::Config(args::ConfigCommand::Init(a))) => config_cmd::init(&global, a.force).map(|()| 0),
        Some(Command::Config(args::ConfigCommand::Show)) => config_cmd::show(&global).map(|()| 0),
        Some(Command::Completions(a)) => {
            // Into memory first: clap_complete panics when its writer fails (`| true`), and
            // the one stdout writer handles a closed pipe.
            users::write_stdout(&String::from_utf8_lossy(&manual::completion(a.shell))).map(|()| 0)
        }
        Some(Command::Man(a)) => manual::run(&a).map(|()| 0),
        Some(Command::Login) => login_cmd::login(&global).await.map(|()| 0),
        Some(Command::Logout) => login_cmd::logout(&global).await.map(|()| 0),
        Some(Command::Doctor) => doctor::run(&global).await,
        Some(Command::Users(cmd)) => {
            let setup = demo_mode::Setup::open(&global).await?;
            users::run(&setup.settings, cmd).await.map(|()| 0)
        }
        None => {
            // Settings are checked before the terminal is touched: a wrong URL or missing
            // token is a plain message on stderr, exit 2.
            let setup = demo_mode::Setup::open(&global).await?;
            if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
                return Err(CliError::usage(
                    "the console needs a terminal; for scripts use `zitadesk users list|show|resend-email` (see --help)",
                ));
            }
            if crate::tui::term_caps::from_env() == crate::tui::term_caps::Display::Unusable {
                return Err(CliError::usage(messages::DUMB_TERMINAL));
            }
            let raw = raw_settings(&global)?;
            let profiles: Vec<String> = if global.demo {
                Vec::new()
            } else {
                raw.config.profiles.keys().cloned().collect()
            };
            // Another profile: the same flags and environment, the other profile's file values.
            let switch = |name: &str| {
                let mut other = raw.clone();
                other.profile = Some(name.to_string());
                other
                    .sources
                    .insert("profile", crate::settings::Source::Flag("P (console)"));
                other.resolve()
            };
            match crate::tui::run::run(&setup.settings, profiles, &switch).await {
                Ok(exit) => {
                    tracing::info!(?exit, "console closed");
                    Ok(exit.status())
                }
                Err(e) => Err(CliError::other(format!("the console stopped: {e}"))),
            }
        }
    }
}

/// Settings from flags, the environment (`ZITADEL_TOKEN` is read here, never a flag) and
/// the config file. A config file that cannot be read is an error naming it.
fn raw_settings(g: &args::GlobalArgs) -> Result<RawSettings, CliError> {
    let config_path = g.config.clone().or_else(crate::dirs::config_file);
    let config = match &config_path {
        Some(p) => crate::config::load(p).map_err(|e| CliError::usage(e.to_string()))?,
        None => crate::config::FileConfig::default(),
    };
    Ok(RawSettings {
        url: g.url.clone(),
        token_file: g.token_file.clone(),
        key_file: g.key_file.clone(),
        token_env: std::env::var(crate::settings::TOKEN_ENV)
            .ok()
            .map(secrecy::SecretString::from),
        org: g.org.clone(),
        api: g.api.clone(),
        read_only: g.read_only,
        mouse: g.mouse,
        clipboard: g.clipboard.clone(),
        allow_insecure_http: g.allow_insecure_http,
        connect_timeout_secs: g.connect_timeout,
        timeout_secs: g.timeout,
        search_match: g.search_match.clone(),
        url_templates: Vec::new(),
        profile: g.profile.clone(),
        config_path,
        config,
        sources: g.sources.clone(),
    })
}

fn report(e: &CliError) -> ExitCode {
    let mut err = std::io::stderr().lock();
    // The message may quote ZITADEL, so it is sanitised like any server string.
    let _ = writeln!(err, "zitadesk: {}", crate::text::sanitize(&e.message));
    ExitCode::from(e.code)
}

/// Columns available for a table: the terminal's when stdout is one, else `$COLUMNS`, else
/// unlimited (a pipe wants whole values).
fn output_width() -> Option<usize> {
    if std::io::stdout().is_terminal()
        && let Ok((cols, _)) = crossterm::terminal::size()
    {
        return Some(usize::from(cols));
    }
    std::env::var("COLUMNS").ok()?.parse().ok()
}
