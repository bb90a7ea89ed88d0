//! The command line, as clap sees it. Secrets are never flag values: a token comes from
//! `ZITADEL_TOKEN` or a file, because argv is visible to every user of a shared host.

use std::net::SocketAddr;
use std::path::PathBuf;

use std::collections::HashMap;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

use crate::api::template::{UrlTemplate, check_url_template};
use crate::api::user_id::{UserIdError, check_user_id};
use crate::api::wire::UserFieldName;
use crate::demo::ZitadelVersion;
use crate::settings::Source;

/// The settings whose source `config show` reports: clap id, flag, environment variable.
const SOURCED: [(&str, &str, &str); 13] = [
    ("url", "--url", "ZITADEL_URL"),
    ("token_file", "--token-file", "ZITADEL_TOKEN_FILE"),
    ("key_file", "--key-file", "ZITADEL_KEY_FILE"),
    ("org", "--org", "ZITADEL_ORG_ID"),
    ("api", "--api", "ZITADESK_API"),
    ("read_only", "--read-only", "ZITADESK_READ_ONLY"),
    ("search_match", "--search-match", "ZITADESK_SEARCH_MATCH"),
    ("mouse", "--mouse", "ZITADESK_MOUSE"),
    ("clipboard", "--clipboard", "ZITADESK_CLIPBOARD"),
    ("timeout", "--timeout", ""),
    ("connect_timeout", "--connect-timeout", ""),
    ("profile", "--profile", "ZITADESK_PROFILE"),
    ("config", "--config", "ZITADESK_CONFIG"),
];

/// Flag or environment, for every sourced setting that was given (globals may come after a
/// subcommand, so its matches are looked at too).
pub fn value_sources(matches: &ArgMatches) -> HashMap<&'static str, Source> {
    let mut found = HashMap::new();
    let mut level = Some(matches);
    while let Some(m) = level {
        for (id, flag, env) in SOURCED {
            let source = match m.try_get_raw(id).ok().flatten().and(m.value_source(id)) {
                Some(ValueSource::CommandLine) => Source::Flag(flag),
                Some(ValueSource::EnvVariable) => Source::Env(env),
                _ => continue,
            };
            found.insert(id, source);
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    found
}

#[derive(Debug, Parser)]
#[command(
    name = "zitadesk",
    version = crate::build_info::VERSION,
    about = "Helpdesk console for ZITADEL: find a user, see what happened to their account, apply the right remedy",
    after_help = "Credentials: set ZITADEL_TOKEN (personal access token), or pass --token-file or --key-file.\n\
                  Exit codes: 0 ok, 2 usage or configuration (incl. a refused template, read-only), 3 not found,\n\
                  4 permission denied or not signed in, 5 any other API or network error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Connection (any command)")]
pub struct GlobalArgs {
    /// Instance URL, e.g. https://acme.zitadel.cloud
    #[arg(long, env = "ZITADEL_URL", global = true)]
    pub url: Option<String>,
    /// File holding a personal access token (instead of ZITADEL_TOKEN)
    #[arg(long, env = "ZITADEL_TOKEN_FILE", global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Service-user key file (ZITADEL's JSON key), exchanged for tokens
    #[arg(long, env = "ZITADEL_KEY_FILE", global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Scope every search to this organisation ID
    #[arg(long, env = "ZITADEL_ORG_ID", global = true, value_name = "ORG_ID")]
    pub org: Option<String>,
    /// User API flavour for resend: v2 (default) or v3alpha (schema users only)
    #[arg(long, env = "ZITADESK_API", global = true, value_name = "v2|v3alpha")]
    pub api: Option<String>,
    /// Refuse every change (resends and the other remedies are disabled; nothing is sent)
    #[arg(long, env = "ZITADESK_READ_ONLY", global = true, value_parser = clap::builder::BoolishValueParser::new())]
    pub read_only: bool,
    /// The console takes the mouse: wheel scrolls, click selects, double click opens (the
    /// terminal's own text selection then needs Shift)
    #[arg(long, env = "ZITADESK_MOUSE", global = true, value_parser = clap::builder::BoolishValueParser::new())]
    pub mouse: bool,
    /// How a copy reaches your terminal's clipboard: osc52 (default; inside tmux it needs
    /// set-clipboard on), osc52-passthrough (tmux's allow-passthrough) or off
    #[arg(
        long,
        env = "ZITADESK_CLIPBOARD",
        global = true,
        value_name = "osc52|osc52-passthrough|off"
    )]
    pub clipboard: Option<String>,
    /// Allow plain http:// to a non-loopback host (tokens travel unencrypted)
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// Plain search words match with "contains" (default) or "prefix" (faster on huge instances)
    #[arg(
        long,
        env = "ZITADESK_SEARCH_MATCH",
        global = true,
        value_name = "contains|prefix"
    )]
    pub search_match: Option<String>,
    /// Seconds to wait for a connection (default 5)
    #[arg(long, global = true, value_name = "SECS")]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for an answer (default 15)
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Profile from the config file (default: its default_profile)
    #[arg(long, env = "ZITADESK_PROFILE", global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file (default: $XDG_CONFIG_HOME/zitadesk/config.toml)
    #[arg(long, env = "ZITADESK_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Where each given value came from (flag or environment); filled after parsing.
    #[arg(skip)]
    pub sources: HashMap<&'static str, Source>,
    /// Run against a built-in demo instance (no settings needed; connection settings are ignored)
    #[arg(long, global = true)]
    pub demo: bool,
    /// Generated users in the --demo instance, besides the hand-written ones
    #[arg(
        long,
        env = "ZITADESK_DEMO_USERS",
        global = true,
        value_name = "N",
        default_value_t = 500
    )]
    pub demo_users: usize,
    /// ZITADEL release line the --demo instance emulates: 2.66, 3.0, 4.0, 4.8 or 4.13
    #[arg(long, global = true, value_name = "V", default_value_t = ZitadelVersion::default())]
    pub zitadel_version: ZitadelVersion,
    /// The --demo instance has the UserSchema feature on (changes the v3alpha resend's answer)
    #[arg(long, global = true)]
    pub user_schema: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find and show users; resend codes, invite, reset, unlock
    #[command(subcommand)]
    Users(UsersCommand),
    /// Run the built-in demo instance and print its URL and tokens
    DemoServer(DemoServerArgs),
    /// Print the audit trail of every action (resend, invite, set-email, unlock, …) made from this account
    Audit(AuditArgs),
    /// Show or create the configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Sign in as yourself with the device flow (for a profile with auth = { device = … })
    Login,
    /// Sign out: revoke and delete the stored tokens of the profile
    Logout,
    /// Check the connection step by step: URL and TLS, discovery, token, ListUsers, permissions
    Doctor,
    /// Print a shell completion script (e.g. `zitadesk completions bash > /etc/bash_completion.d/zitadesk`)
    Completions(CompletionsArgs),
    /// Print the man page (`zitadesk man | man -l -`), or write one per command into a directory
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the resolved settings with where each comes from (secrets redacted)
    Show,
    /// Write a commented example config file
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write zitadesk.1 and a page per subcommand (zitadesk-users-list.1, …) into DIR (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Print the records as JSON lines, as stored
    #[arg(long)]
    pub json: bool,
    /// Only this user's records
    #[arg(long, value_name = "USER_ID", value_parser = user_id)]
    pub user: Option<String>,
    /// Only records since this time: a date (2025-03-01), an RFC 3339 time, or an age (90m, 2h, 7d, 2w)
    #[arg(long, value_name = "WHEN", value_parser = since)]
    pub since: Option<jiff::Timestamp>,
    /// Only records of this action
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::audit_filter::ACTIONS))]
    pub action: Option<String>,
}

impl AuditArgs {
    pub fn filter(&self) -> crate::audit_filter::AuditFilter {
        crate::audit_filter::AuditFilter {
            user: self.user.clone(),
            since: self.since,
            action: self.action.clone(),
        }
    }
}

/// `--since`, read against the clock and time zone of this machine.
fn since(s: &str) -> Result<jiff::Timestamp, String> {
    crate::audit_filter::parse_since(s, jiff::Timestamp::now(), &jiff::tz::TimeZone::system())
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users, optionally filtered by a search
    List(ListArgs),
    /// Show one user, with their email status and sign-in methods
    Show(ShowArgs),
    /// Issue a new email verification code (ZITADEL mails it, or returns it)
    ResendEmail(ResendArgs),
    /// What happened to a user: codes issued and mailed, address changes, locks — and this
    /// machine's audit lines about them — newest first
    History(HistoryArgs),
    /// Invite a user who has no way to sign in yet (ZITADEL mails the invite code, or returns it)
    Invite(super::remedy_args::InviteArgs),
    /// Change a user's email address; the new one is verified by a code (or --verified)
    SetEmail(super::remedy_args::SetEmailArgs),
    /// Issue a new phone verification code (ZITADEL texts it, or returns it)
    ResendPhone(super::remedy_args::ResendPhoneArgs),
    /// Start a password reset (a link by mail or text message, or the code returned)
    PasswordReset(super::remedy_args::PasswordResetArgs),
    /// Unlock a user locked out by too many failed sign-ins
    Unlock(super::remedy_args::UserOnlyArgs),
    /// Reactivate a deactivated user
    Reactivate(super::remedy_args::UserOnlyArgs),
}

impl UsersCommand {
    /// Whether the command changes the user (or mails them), and so is audited and refused
    /// in read-only mode.
    pub fn mutates(&self) -> bool {
        !matches!(
            self,
            UsersCommand::List(_) | UsersCommand::Show(_) | UsersCommand::History(_)
        )
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Search: words, or prefixes email: user: name: first: last: login: phone: id: state: type: org:, -term negates;
    /// verified:true|false (email) and phone-verified:true|false (has a phone, verified or not) are
    /// filtered by zitadesk from the pages it reads
    #[arg(long, short = 'q', value_name = "Q")]
    pub query: Option<String>,
    /// With verified: or phone-verified:, how many users to look at before stopping
    #[arg(long, value_name = "N", default_value_t = crate::api::scan::DEFAULT_SCAN_LIMIT,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub scan_limit: u64,
    /// How many users (more than 1000 are fetched in pages)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub limit: u32,
    /// How many to skip
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    /// Sort by this column (default: ZITADEL's, by user ID)
    #[arg(long, value_enum)]
    pub sort: Option<SortColumn>,
    /// Sort descending
    #[arg(long)]
    pub desc: bool,
    /// Print ZITADEL-shaped JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortColumn {
    UserName,
    FirstName,
    LastName,
    DisplayName,
    Email,
    State,
    Type,
    CreationDate,
}

impl SortColumn {
    pub fn field(self) -> UserFieldName {
        match self {
            SortColumn::UserName => UserFieldName::UserName,
            SortColumn::FirstName => UserFieldName::FirstName,
            SortColumn::LastName => UserFieldName::LastName,
            SortColumn::DisplayName => UserFieldName::DisplayName,
            SortColumn::Email => UserFieldName::Email,
            SortColumn::State => UserFieldName::State,
            SortColumn::Type => UserFieldName::Type,
            SortColumn::CreationDate => UserFieldName::CreationDate,
        }
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The user's ID, or their exact email address or login name
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// Print ZITADEL-shaped JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The user's ID
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// How many of ZITADEL's newest events to read (sign-ins and profile edits count too)
    #[arg(long, default_value_t = crate::api::changes::DEFAULT_HISTORY,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::api::changes::MAX_HISTORY)))]
    pub limit: u32,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["url_template", "default_link", "return_code"])))]
#[command(after_long_help = super::bulk_messages::RESEND_MANY_HELP)]
pub struct ResendArgs {
    /// The user's ID (or, for many users at once, --query)
    #[arg(value_parser = user_id, required_unless_present = "query", conflicts_with = "query")]
    pub user_id: Option<String>,
    /// ZITADEL mails the code with this link, a Go template: {{.UserID}}, {{.Code}}, {{.OrgID}} are filled in
    #[arg(long, value_name = "URL", value_parser = check_url_template)]
    pub url_template: Option<UrlTemplate>,
    /// ZITADEL mails the code with its default link
    #[arg(long)]
    pub default_link: bool,
    /// ZITADEL returns the code and mails nothing (print it to read it to the caller; one user only)
    #[arg(long)]
    pub return_code: bool,
    /// When nothing is pending (e.g. the address is already verified), issue a fresh code instead
    /// (with --query: every user gets SendEmailCode, one request each)
    #[arg(long)]
    pub send_if_none: bool,
    /// Print ZITADEL-shaped JSON (with --query: one JSON line per user, then a summary line)
    #[arg(long)]
    pub json: bool,
    /// Many users: everyone this search finds (same syntax as `users list --query`)
    #[arg(long, short = 'q', value_name = "Q", help_heading = "Many users at once")]
    pub query: Option<String>,
    /// With --query: only users whose email address is not verified (humans only)
    #[arg(long, requires = "query", help_heading = "Many users at once")]
    pub unverified: bool,
    /// With --query: print the plan and send nothing
    #[arg(
        long,
        requires = "query",
        conflicts_with = "yes",
        help_heading = "Many users at once"
    )]
    pub dry_run: bool,
    /// With --query: send without asking
    #[arg(long, requires = "query", help_heading = "Many users at once")]
    pub yes: bool,
    /// With --query: requests per second (slower on 429/503)
    #[arg(long, value_name = "N", requires = "query", default_value_t = crate::bulk::DEFAULT_RATE,
          value_parser = rate, help_heading = "Many users at once")]
    pub rate: f64,
    /// With --query: refuse to start when more users than this would get a request
    #[arg(long, value_name = "N", requires = "query", default_value_t = DEFAULT_MAX,
          value_parser = clap::value_parser!(u64).range(1..), help_heading = "Many users at once")]
    pub max: u64,
    /// With --query: the journal that makes a re-run skip users done (default: one per job
    /// under $XDG_STATE_HOME/zitadesk/jobs/)
    #[arg(
        long,
        value_name = "FILE",
        requires = "query",
        help_heading = "Many users at once"
    )]
    pub journal: Option<PathBuf>,
}

/// `--max` when not given: a guard against a search much wider than meant.
pub const DEFAULT_MAX: u64 = 1000;

/// `--rate`: requests per second, more than 0 and at most 1000.
fn rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 && r <= 1000.0 => Ok(r),
        _ => Err("a number of requests per second, more than 0 and at most 1000".into()),
    }
}

#[derive(Debug, Args)]
pub struct DemoServerArgs {
    /// Address to listen on (loopback only is wise)
    #[arg(long, default_value = "127.0.0.1:8089")]
    pub addr: SocketAddr,
    /// Generated users besides the hand-written ones
    #[arg(long, default_value_t = 500)]
    pub users: usize,
    /// Decline every device login (to try the denied path)
    #[arg(long)]
    pub deny_device: bool,
    /// Seconds before a device login is approved on its own
    #[arg(long, default_value_t = 2, value_name = "SECS")]
    pub device_approve_after: u64,
    /// ZITADEL release line to emulate: 2.66, 3.0, 4.0, 4.8 or 4.13
    #[arg(long, value_name = "V", default_value_t = ZitadelVersion::default())]
    pub zitadel_version: ZitadelVersion,
    /// Turn the UserSchema feature on (changes the v3alpha resend's answer)
    #[arg(long)]
    pub user_schema: bool,
}

/// A user ID argument, checked before anything is sent: surrounding spaces (a pasted ID) are
/// dropped, and what remains is exactly what is sent and audited.
pub(super) fn user_id(s: &str) -> Result<String, UserIdError> {
    let id = s.trim_matches(' ');
    check_user_id(id)?;
    Ok(id.to_string())
}
