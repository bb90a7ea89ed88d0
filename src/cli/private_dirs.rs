//! The state and config directories must be ours alone: whoever can write one can swap the
//! files in it — the audit trail, stored tokens, logs, or the config file that says where a
//! token is sent. What a directory that group or others can write (or another user owns)
//! means, command by command:
//!
//! | directory | refused (exit 2, nothing done)                          | warned                              |
//! |-----------|---------------------------------------------------------|-------------------------------------|
//! | state     | the console, `users resend-email` and the other remedies, `login`, `logout`: they write the audit trail or tokens | `users list/show`, `audit`, `config show/init` |
//! | config    | the console, `users …`, `login`, `logout`, `config init`: they trust the file it holds (or write it) | `audit`, `config show` |
//!
//! `doctor` reports either as a failed check with the fix; `completions` and `demo-server` use
//! neither. While the state directory is loose nothing is logged (see `logging`).
//!
//! The console, `users resend-email` and the other remedies also refuse up front when a link (or another user's
//! file) sits at the audit file's path: an action whose audit line could not be written would
//! otherwise be done all the same.

use std::path::PathBuf;

use super::args::{Command, ConfigCommand, GlobalArgs};
use super::exit::CliError;
use crate::secure_fs::SecureFsError;

/// Which of the two directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    State,
    Config,
}

/// What a command does about a directory it cannot trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stance {
    Refuse,
    Warn,
    /// `doctor` reports it among its checks; the rest do not care.
    Silent,
}

fn stance(command: Option<&Command>, dir: Dir) -> Stance {
    use Stance::*;
    match (command, dir) {
        (None | Some(Command::Login | Command::Logout), _) => Refuse,
        (Some(Command::Users(c)), _) if c.mutates() => Refuse,
        (Some(Command::Users(_)), Dir::Config) => Refuse,
        (Some(Command::Users(_)), Dir::State) => Warn,
        (Some(Command::Config(ConfigCommand::Init(_))), Dir::Config) => Refuse,
        (Some(Command::Config(_) | Command::Audit(_)), _) => Warn,
        (Some(Command::Doctor | Command::Completions(_) | Command::Man(_) | Command::DemoServer(_)), _) => {
            Silent
        }
    }
}

/// The config file in use: `--config`'s, or the default one.
pub fn config_file(global: &GlobalArgs) -> Option<PathBuf> {
    global.config.clone().or_else(crate::dirs::config_file)
}

/// Each directory that is not ours alone, with why. A directory that cannot even be checked
/// (a file where it should be, no permission) is left to the command's own error when it
/// uses it: only a refusal to trust it is reported here.
pub fn problems(global: &GlobalArgs) -> Vec<(Dir, SecureFsError)> {
    let state = crate::dirs::state_dir().map(|d| (Dir::State, crate::secure_fs::check_private_dir(&d)));
    let config = config_file(global).map(|f| (Dir::Config, crate::config::check_dir(&f)));
    [state, config]
        .into_iter()
        .flatten()
        .filter_map(|(dir, checked)| checked.err().map(|e| (dir, e)))
        .filter(|(_, e)| e.is_refusal())
        .collect()
}

/// Refuses the command, or warns on stderr, as the table above says.
pub fn check(command: Option<&Command>, global: &GlobalArgs) -> Result<(), CliError> {
    for (dir, e) in problems(global) {
        match stance(command, dir) {
            Stance::Refuse => return Err(CliError::usage(e.to_string())),
            Stance::Warn => eprintln!("zitadesk: warning: {e}"),
            Stance::Silent => {}
        }
    }
    let audits = match command {
        None => true,
        Some(Command::Users(c)) => c.mutates(),
        Some(_) => false,
    };
    if audits
        && let Some(audit) = crate::dirs::audit_file()
        && let Err(e) = crate::secure_fs::check_file(&audit)
        && e.is_refusal()
    {
        return Err(CliError::usage(format!(
            "{e} (nothing is done that could not be audited)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn command(args: &[&str]) -> Option<Command> {
        let mut argv = vec!["zitadesk"];
        argv.extend_from_slice(args);
        super::super::Cli::parse_from(argv).command
    }

    #[test]
    fn commands_that_write_state_or_trust_the_config_refuse() {
        for (args, state, config) in [
            (&[][..], Stance::Refuse, Stance::Refuse),
            (
                &["users", "resend-email", "1", "--return-code"][..],
                Stance::Refuse,
                Stance::Refuse,
            ),
            (&["users", "unlock", "1"][..], Stance::Refuse, Stance::Refuse),
            (
                &["users", "invite", "1", "--default-link"][..],
                Stance::Refuse,
                Stance::Refuse,
            ),
            (&["login"][..], Stance::Refuse, Stance::Refuse),
            (&["logout"][..], Stance::Refuse, Stance::Refuse),
            (&["users", "list"][..], Stance::Warn, Stance::Refuse),
            (&["users", "show", "1"][..], Stance::Warn, Stance::Refuse),
            (&["config", "init"][..], Stance::Warn, Stance::Refuse),
            (&["config", "show"][..], Stance::Warn, Stance::Warn),
            (&["audit"][..], Stance::Warn, Stance::Warn),
            (&["doctor"][..], Stance::Silent, Stance::Silent),
            (&["completions", "bash"][..], Stance::Silent, Stance::Silent),
            (&["man"][..], Stance::Silent, Stance::Silent),
        ] {
            let c = command(args);
            assert_eq!(stance(c.as_ref(), Dir::State), state, "{args:?}");
            assert_eq!(stance(c.as_ref(), Dir::Config), config, "{args:?}");
        }
    }
}
