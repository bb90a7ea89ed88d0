//! The arguments of the remedies beside the email code resend — `users invite`, `set-email`,
//! `resend-phone`, `password-reset`, `unlock`, `reactivate` — and the local checks of their
//! free-text values. Each command's mode flags form one required group, so exactly one mode
//! is chosen; whatever fails a check is a usage error (exit 2) and nothing is sent.

use clap::{ArgGroup, Args};

use super::args::user_id;
use crate::api::action::{MAX_APP_NAME_LEN, MAX_EMAIL_LEN};
use crate::api::email_address::{AddressError, check_address};
use crate::api::template::{UrlTemplate, check_url_template};
use crate::api::{Action, CodeMode, EmailVerification, PhoneMode, ResetMode};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["url_template", "default_link", "return_code"])))]
pub struct InviteArgs {
    /// The user's ID
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// ZITADEL mails the invite with this link, a Go template: {{.UserID}}, {{.Code}}, {{.OrgID}} are filled in
    #[arg(long, value_name = "URL", value_parser = check_url_template)]
    pub url_template: Option<UrlTemplate>,
    /// The application the invite mail names (ZITADEL's default: "ZITADEL")
    #[arg(long, value_name = "NAME", value_parser = app_name, conflicts_with = "return_code")]
    pub app_name: Option<String>,
    /// ZITADEL mails the invite with its default link
    #[arg(long)]
    pub default_link: bool,
    /// ZITADEL returns the invite code and mails nothing (print it to read it to the user)
    #[arg(long)]
    pub return_code: bool,
    /// Print ZITADEL-shaped JSON
    #[arg(long)]
    pub json: bool,
}

impl InviteArgs {
    pub fn action(&self) -> Action {
        Action::Invite {
            mode: code_mode(self.return_code, &self.url_template),
            application_name: self.app_name.clone(),
        }
    }
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["url_template", "default_link", "return_code", "verified"])))]
pub struct SetEmailArgs {
    /// The user's ID
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// The new address
    #[arg(value_parser = new_email)]
    pub new_email: String,
    /// ZITADEL mails a verification code to the new address with this link (a Go template)
    #[arg(long, value_name = "URL", value_parser = check_url_template)]
    pub url_template: Option<UrlTemplate>,
    /// ZITADEL mails a verification code to the new address with its default link
    #[arg(long)]
    pub default_link: bool,
    /// ZITADEL returns the verification code and mails nothing
    #[arg(long)]
    pub return_code: bool,
    /// Mark the new address verified without the user proving it (needs --yes-i-vouch)
    #[arg(long)]
    pub verified: bool,
    /// Confirms --verified: you checked with the user that the address is theirs
    #[arg(long, conflicts_with_all = ["url_template", "default_link", "return_code"])]
    pub yes_i_vouch: bool,
    /// Print ZITADEL-shaped JSON
    #[arg(long)]
    pub json: bool,
}

impl SetEmailArgs {
    /// The action, or why it may not be sent: `--verified` without its confirmation.
    pub fn action(&self) -> Result<Action, &'static str> {
        let verification = if self.verified {
            if !self.yes_i_vouch {
                return Err(super::messages::VOUCH_NEEDED);
            }
            EmailVerification::Verified
        } else {
            EmailVerification::Code(code_mode(self.return_code, &self.url_template))
        };
        Ok(Action::SetEmail {
            email: self.new_email.clone(),
            verification,
        })
    }
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["send", "return_code"])))]
pub struct ResendPhoneArgs {
    /// The user's ID
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// ZITADEL texts a new code to the user's phone
    #[arg(long)]
    pub send: bool,
    /// ZITADEL returns the code and texts nothing
    #[arg(long)]
    pub return_code: bool,
    /// Print ZITADEL-shaped JSON
    #[arg(long)]
    pub json: bool,
}

impl ResendPhoneArgs {
    pub fn action(&self) -> Action {
        Action::PhoneCode(if self.return_code {
            PhoneMode::Return
        } else {
            PhoneMode::Send
        })
    }
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["email", "sms", "return_code"])))]
// `--url-template` goes with `--email`; clap's `requires` cannot say so of a flag (a flag
// always has a value), so it conflicts with the other modes instead.
pub struct PasswordResetArgs {
    /// The user's ID
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// ZITADEL mails a reset link (its default, or --url-template)
    #[arg(long)]
    pub email: bool,
    /// The mailed link, a Go template: {{.UserID}}, {{.Code}}, {{.OrgID}} are filled in
    #[arg(long, value_name = "URL", value_parser = check_url_template, conflicts_with_all = ["sms", "return_code"])]
    pub url_template: Option<UrlTemplate>,
    /// ZITADEL texts a reset link to the user's phone (its default link)
    #[arg(long)]
    pub sms: bool,
    /// ZITADEL returns the reset code and sends nothing
    #[arg(long)]
    pub return_code: bool,
    /// Print ZITADEL-shaped JSON
    #[arg(long)]
    pub json: bool,
}

impl PasswordResetArgs {
    pub fn action(&self) -> Action {
        Action::PasswordReset(if self.return_code {
            ResetMode::Return
        } else if self.sms {
            ResetMode::Sms
        } else {
            ResetMode::Email {
                url_template: self.url_template.clone(),
            }
        })
    }
}

/// `users unlock` and `users reactivate`: the user and nothing else.
#[derive(Debug, Args)]
pub struct UserOnlyArgs {
    /// The user's ID
    #[arg(value_parser = user_id)]
    pub user_id: String,
    /// Print ZITADEL-shaped JSON
    #[arg(long)]
    pub json: bool,
}

/// Mailed with the template (or ZITADEL's link), or returned.
fn code_mode(return_code: bool, url_template: &Option<UrlTemplate>) -> CodeMode {
    if return_code {
        CodeMode::Return
    } else {
        CodeMode::Send {
            url_template: url_template.clone(),
        }
    }
}

/// Why a value is refused before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{}", email_problem(*.0))]
    Email(AddressError),
    #[error("the application name is empty — leave out --app-name for ZITADEL's default")]
    EmptyAppName,
    #[error("the application name is too long ({0} characters) — ZITADEL accepts at most {MAX_APP_NAME_LEN}")]
    LongAppName(usize),
    #[error("the application name has a control character in it")]
    AppNameCharacters,
}

/// A new address as sent and audited (surrounding spaces of a paste dropped); the check the
/// console's field makes too.
pub fn new_email(s: &str) -> Result<String, ValueError> {
    check_address(s).map_err(ValueError::Email)
}

fn email_problem(e: AddressError) -> String {
    match e {
        AddressError::Empty => "the address is empty".into(),
        AddressError::TooLong { len } => {
            format!("the address is too long ({len} characters) — ZITADEL accepts at most {MAX_EMAIL_LEN}")
        }
        AddressError::BadCharacter => "the address has a control character or a space in it".into(),
        AddressError::NoAt
        | AddressError::SeveralAts
        | AddressError::NothingBefore
        | AddressError::NothingAfter => {
            "the address needs exactly one @ with a name before it and a domain after it".into()
        }
    }
}

/// The application name of an invite mail, as typed.
pub fn app_name(s: &str) -> Result<String, ValueError> {
    let len = s.chars().count();
    if s.trim().is_empty() {
        return Err(ValueError::EmptyAppName);
    }
    if len > MAX_APP_NAME_LEN {
        return Err(ValueError::LongAppName(len));
    }
    if s.chars().any(char::is_control) {
        return Err(ValueError::AppNameCharacters);
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::cli::args::{Command, UsersCommand};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<UsersCommand, clap::Error> {
        let mut argv = vec!["zitadesk", "users"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv)?.command {
            Some(Command::Users(c)) => Ok(c),
            other => panic!("not a users command: {other:?}"),
        }
    }

    fn refused(args: &[&str]) -> String {
        let e = parse(args).expect_err("refused");
        assert_eq!(e.exit_code(), 2, "{e}");
        e.to_string()
    }

    #[test]
    fn addresses_are_checked_for_shape_and_length() {
        assert_eq!(new_email(" ann@example.com ").unwrap(), "ann@example.com");
        assert_eq!(new_email(""), Err(ValueError::Email(AddressError::Empty)));
        assert_eq!(new_email("   "), Err(ValueError::Email(AddressError::Empty)));
        for bad in ["ann", "@example.com", "ann@", "a@b@c", "@"] {
            let shape = new_email(bad).unwrap_err().to_string();
            assert!(shape.contains("exactly one @"), "{bad}: {shape}");
        }
        for bad in [
            "ann@exa\u{1b}[2Jmple.com",
            "ann@ex\nample.com",
            "ann smith@example.com",
        ] {
            assert_eq!(
                new_email(bad),
                Err(ValueError::Email(AddressError::BadCharacter)),
                "{bad:?}"
            );
        }
        let at_limit = format!("{}@x.test", "a".repeat(MAX_EMAIL_LEN - 7));
        assert_eq!(new_email(&at_limit).unwrap().chars().count(), MAX_EMAIL_LEN);
        let over = format!("a{at_limit}");
        assert_eq!(
            new_email(&over),
            Err(ValueError::Email(AddressError::TooLong {
                len: MAX_EMAIL_LEN + 1
            }))
        );
        // Characters, not bytes, as ZITADEL's max_len counts.
        let wide = format!("{}@x.test", "ä".repeat(MAX_EMAIL_LEN - 7));
        assert!(new_email(&wide).is_ok());
    }

    #[test]
    fn application_names_are_checked() {
        assert_eq!(app_name("Acme Portal").unwrap(), "Acme Portal");
        assert_eq!(app_name(""), Err(ValueError::EmptyAppName));
        assert_eq!(app_name(" "), Err(ValueError::EmptyAppName));
        assert_eq!(app_name("Acme\u{7}"), Err(ValueError::AppNameCharacters));
        assert!(app_name(&"n".repeat(MAX_APP_NAME_LEN)).is_ok());
        assert_eq!(
            app_name(&"n".repeat(MAX_APP_NAME_LEN + 1)),
            Err(ValueError::LongAppName(MAX_APP_NAME_LEN + 1))
        );
    }

    #[test]
    fn each_command_needs_exactly_one_mode() {
        for args in [
            &["invite", "1"][..],
            &["invite", "1", "--default-link", "--return-code"],
            &["set-email", "1", "a@b.test"],
            &["set-email", "1", "a@b.test", "--verified", "--return-code"],
            &["resend-phone", "1"],
            &["resend-phone", "1", "--send", "--return-code"],
            &["password-reset", "1"],
            &["password-reset", "1", "--email", "--sms"],
            &["password-reset", "1", "--url-template", "https://x/{{.Code}}"],
            &["set-email", "1", "a@b.test", "--yes-i-vouch"],
        ] {
            refused(args);
        }
    }

    #[test]
    fn flags_that_belong_to_another_mode_are_refused() {
        let e = refused(&["invite", "1", "--return-code", "--app-name", "Portal"]);
        assert!(e.contains("--app-name"), "{e}");
        let e = refused(&[
            "password-reset",
            "1",
            "--sms",
            "--url-template",
            "https://x/{{.Code}}",
        ]);
        assert!(e.contains("--url-template") && e.contains("--sms"), "{e}");
        let e = refused(&["set-email", "1", "a@b.test", "--return-code", "--yes-i-vouch"]);
        assert!(e.contains("--yes-i-vouch") && e.contains("--return-code"), "{e}");
    }

    #[test]
    fn bad_values_are_refused_naming_the_rule() {
        let e = refused(&["set-email", "1", "not-an-address", "--default-link"]);
        assert!(e.contains("exactly one @"), "{e}");
        let e = refused(&["invite", "1", "--default-link", "--app-name", ""]);
        assert!(e.contains("application name is empty"), "{e}");
        let e = refused(&["invite", "1", "--url-template", "javascript:alert({{.Code}})"]);
        assert!(e.contains("javascript"), "{e}");
        let e = refused(&["unlock", "../x"]);
        assert!(e.contains("<USER_ID>") && e.contains("\"/\""), "{e}");
    }

    #[test]
    fn flags_become_the_action() {
        let t = check_url_template("https://x/{{.Code}}").unwrap();
        let cases: [(&[&str], Action); 8] = [
            (
                &[
                    "invite",
                    "7",
                    "--url-template",
                    "https://x/{{.Code}}",
                    "--app-name",
                    "Portal",
                ],
                Action::Invite {
                    mode: CodeMode::Send {
                        url_template: Some(t.clone()),
                    },
                    application_name: Some("Portal".into()),
                },
            ),
            (
                &["invite", "7", "--return-code"],
                Action::Invite {
                    mode: CodeMode::Return,
                    application_name: None,
                },
            ),
            (
                &["set-email", "7", "a@b.test", "--default-link"],
                Action::SetEmail {
                    email: "a@b.test".into(),
                    verification: EmailVerification::Code(CodeMode::Send { url_template: None }),
                },
            ),
            (
                &["set-email", "7", "a@b.test", "--verified", "--yes-i-vouch"],
                Action::SetEmail {
                    email: "a@b.test".into(),
                    verification: EmailVerification::Verified,
                },
            ),
            (
                &["resend-phone", "7", "--send"],
                Action::PhoneCode(PhoneMode::Send),
            ),
            (
                &[
                    "password-reset",
                    "7",
                    "--email",
                    "--url-template",
                    "https://x/{{.Code}}",
                ],
                Action::PasswordReset(ResetMode::Email {
                    url_template: Some(t),
                }),
            ),
            (
                &["password-reset", "7", "--sms"],
                Action::PasswordReset(ResetMode::Sms),
            ),
            (
                &["password-reset", "7", "--return-code"],
                Action::PasswordReset(ResetMode::Return),
            ),
        ];
        for (args, want) in cases {
            let got = match parse(args).unwrap() {
                UsersCommand::Invite(a) => a.action(),
                UsersCommand::SetEmail(a) => a.action().unwrap(),
                UsersCommand::ResendPhone(a) => a.action(),
                UsersCommand::PasswordReset(a) => a.action(),
                other => panic!("{other:?}"),
            };
            assert_eq!(got, want, "{args:?}");
        }
    }

    #[test]
    fn verified_without_the_vouch_is_not_an_action() {
        let Ok(UsersCommand::SetEmail(a)) = parse(&["set-email", "7", "a@b.test", "--verified"]) else {
            panic!("parses: the refusal is the command's, with its own words");
        };
        let e = a.action().unwrap_err();
        assert!(e.contains("--yes-i-vouch"), "{e}");
    }
}
