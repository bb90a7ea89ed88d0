//! The mutations a helpdesk agent applies to one user, and how each becomes exactly one v2
//! request: the email code resend/send, an invite, a new address, a phone code, a password
//! reset, an unlock, a reactivation. One place builds every path and body; `Client::apply`
//! sends it once and never retries (each call mails the user or changes their account, and a
//! new code voids the one before).
//!
//! Shapes: `proto/zitadel/user/v2/user_service.proto`, `email.proto`, `phone.proto`,
//! `password.proto`, `user.proto` (ZITADEL v4.13.1).

use jiff::Timestamp;
use reqwest::Method;
use serde::Serialize;

use super::client::{ApiFlavour, Client};
use super::error::{ApiError, Call, Missing};
use super::template::UrlTemplate;
use super::wire::{ActionResponse, VerificationCode};

/// Which email code call: the agent's first choice is the resend (it keeps what ZITADEL
/// already holds), the send the fallback when nothing is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCall {
    /// ResendEmailCode: replaces a pending code; refused when none is pending.
    Resend,
    /// SendEmailCode: issues a fresh code even when none is pending.
    Send,
}

impl CodeCall {
    pub fn word(self) -> &'static str {
        match self {
            CodeCall::Resend => "resend",
            CodeCall::Send => "send",
        }
    }
}

/// What a code-issuing call should do with the new code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeMode {
    /// ZITADEL mails it; the link uses the (checked) template, or ZITADEL's default link
    /// when `None`.
    Send { url_template: Option<UrlTemplate> },
    /// ZITADEL returns it and mails nothing.
    Return,
}

impl CodeMode {
    /// A short word for logs and the audit trail: "send" or "return".
    pub fn word(&self) -> &'static str {
        match self {
            CodeMode::Send { .. } => "send",
            CodeMode::Return => "return",
        }
    }

    fn url_template(&self) -> Option<&UrlTemplate> {
        match self {
            CodeMode::Send { url_template } => url_template.as_ref(),
            CodeMode::Return => None,
        }
    }
}

/// How a new address is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailVerification {
    /// A code, mailed to the new address or returned.
    Code(CodeMode),
    /// Marked verified without the user proving it (`isVerified: true`): the agent vouches
    /// for the address.
    Verified,
}

/// How a phone code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneMode {
    /// ZITADEL texts it.
    Send,
    /// ZITADEL returns it and texts nothing.
    Return,
}

/// How a password reset reaches the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetMode {
    /// A link by mail, from the template or ZITADEL's default.
    Email { url_template: Option<UrlTemplate> },
    /// A link by text message (ZITADEL's default link; SMS takes no template).
    Sms,
    /// ZITADEL returns the code and sends nothing.
    Return,
}

/// The kinds of action, without their parameters: what the console's actions menu lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    EmailCode,
    Invite,
    SetEmail,
    PhoneCode,
    PasswordReset,
    Unlock,
    Reactivate,
}

impl ActionKind {
    /// Every kind, in the order menus list them.
    pub const ALL: [ActionKind; 7] = [
        ActionKind::EmailCode,
        ActionKind::Invite,
        ActionKind::SetEmail,
        ActionKind::PhoneCode,
        ActionKind::PasswordReset,
        ActionKind::Unlock,
        ActionKind::Reactivate,
    ];

    /// Whether the action can issue a code that comes back to the agent.
    pub fn can_return_code(self) -> bool {
        !matches!(self, ActionKind::Unlock | ActionKind::Reactivate)
    }
}

/// One mutation of one user, with everything its request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    EmailCode {
        call: CodeCall,
        mode: CodeMode,
    },
    /// CreateInviteCode: replaces any earlier invite code.
    Invite {
        mode: CodeMode,
        /// The application named in the invite mail (ZITADEL's default: "ZITADEL").
        application_name: Option<String>,
    },
    /// SetEmail: the new address, unverified until the user proves it (or `Verified`).
    SetEmail {
        email: String,
        verification: EmailVerification,
    },
    /// ResendPhoneCode.
    PhoneCode(PhoneMode),
    PasswordReset(ResetMode),
    Unlock,
    Reactivate,
}

/// ZITADEL's limits on the free-text fields (`validate.rules` in the protos).
pub const MAX_EMAIL_LEN: usize = 200;
pub const MAX_APP_NAME_LEN: usize = 200;

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::EmailCode { .. } => ActionKind::EmailCode,
            Action::Invite { .. } => ActionKind::Invite,
            Action::SetEmail { .. } => ActionKind::SetEmail,
            Action::PhoneCode(_) => ActionKind::PhoneCode,
            Action::PasswordReset(_) => ActionKind::PasswordReset,
            Action::Unlock => ActionKind::Unlock,
            Action::Reactivate => ActionKind::Reactivate,
        }
    }

    /// The audit trail's `action`.
    pub fn word(&self) -> &'static str {
        match self {
            Action::EmailCode { call, .. } => call.word(),
            Action::Invite { .. } => "invite",
            Action::SetEmail { .. } => "set-email",
            Action::PhoneCode(_) => "resend-phone",
            Action::PasswordReset(_) => "password-reset",
            Action::Unlock => "unlock",
            Action::Reactivate => "reactivate",
        }
    }

    /// The audit trail's `mode`: `send` (ZITADEL mails or texts), `sms` (a reset link by
    /// text), `return` (the code came back to the agent), `verified` (an address vouched
    /// for), `none` (no code at all).
    pub fn mode_word(&self) -> &'static str {
        match self {
            Action::EmailCode { mode, .. } | Action::Invite { mode, .. } => mode.word(),
            Action::SetEmail { verification, .. } => match verification {
                EmailVerification::Code(mode) => mode.word(),
                EmailVerification::Verified => "verified",
            },
            Action::PhoneCode(PhoneMode::Send) => "send",
            Action::PhoneCode(PhoneMode::Return) => "return",
            Action::PasswordReset(ResetMode::Email { .. }) => "send",
            Action::PasswordReset(ResetMode::Sms) => "sms",
            Action::PasswordReset(ResetMode::Return) => "return",
            Action::Unlock | Action::Reactivate => "none",
        }
    }

    /// The link template sent, if any.
    pub fn url_template(&self) -> Option<&UrlTemplate> {
        match self {
            Action::EmailCode { mode, .. } | Action::Invite { mode, .. } => mode.url_template(),
            Action::SetEmail {
                verification: EmailVerification::Code(mode),
                ..
            } => mode.url_template(),
            Action::PasswordReset(ResetMode::Email { url_template }) => url_template.as_ref(),
            _ => None,
        }
    }

    /// The address an action sets, if it sets one.
    pub fn new_email(&self) -> Option<&str> {
        match self {
            Action::SetEmail { email, .. } => Some(email),
            _ => None,
        }
    }

    /// Whether the answer must carry a code: asked to return one, ZITADEL answering without
    /// it leaves a new code nobody can read out.
    pub fn returns_code(&self) -> bool {
        matches!(
            self,
            Action::EmailCode {
                mode: CodeMode::Return,
                ..
            } | Action::Invite {
                mode: CodeMode::Return,
                ..
            } | Action::SetEmail {
                verification: EmailVerification::Code(CodeMode::Return),
                ..
            } | Action::PhoneCode(PhoneMode::Return)
                | Action::PasswordReset(ResetMode::Return)
        )
    }

    /// The call, for messages and the log.
    pub fn call(&self) -> Call {
        match self {
            Action::EmailCode {
                call: CodeCall::Resend,
                ..
            } => Call::ResendEmailCode,
            Action::EmailCode {
                call: CodeCall::Send, ..
            } => Call::SendEmailCode,
            Action::Invite { .. } => Call::CreateInviteCode,
            Action::SetEmail { .. } => Call::SetEmail,
            Action::PhoneCode(_) => Call::ResendPhoneCode,
            Action::PasswordReset(_) => Call::PasswordReset,
            Action::Unlock => Call::UnlockUser,
            Action::Reactivate => Call::ReactivateUser,
        }
    }

    /// The path below the instance URL. Only the resend has a v3alpha form; every other
    /// action is v2 whatever the flavour.
    pub fn path<'a>(&self, user_id: &'a str, api: ApiFlavour) -> Vec<&'a str> {
        let tail: &[&'a str] = match self {
            Action::EmailCode {
                call: CodeCall::Resend,
                ..
            } if api == ApiFlavour::V3Alpha => {
                return vec!["resources", "v3alpha", "users", user_id, "email", "_resend"];
            }
            Action::EmailCode {
                call: CodeCall::Resend,
                ..
            } => &["email", "resend"],
            Action::EmailCode {
                call: CodeCall::Send, ..
            } => &["email", "send"],
            Action::Invite { .. } => &["invite_code"],
            Action::SetEmail { .. } => &["email"],
            Action::PhoneCode(_) => &["phone", "resend"],
            Action::PasswordReset(_) => &["password_reset"],
            Action::Unlock => &["unlock"],
            Action::Reactivate => &["reactivate"],
        };
        let mut path = vec!["v2", "users", user_id];
        path.extend_from_slice(tail);
        path
    }

    /// The JSON body: the oneof of each request, exactly one member set (or none for unlock
    /// and reactivate, whose gateway mapping takes an empty object).
    pub fn body(&self) -> ActionBody {
        let mut body = ActionBody::default();
        let code = |mode: &CodeMode, application_name: Option<&String>| match mode {
            CodeMode::Send { url_template } => (
                Some(SendCodeBody {
                    url_template: url_template.as_ref().map(|t| t.as_str().to_owned()),
                    application_name: application_name.cloned(),
                }),
                None,
            ),
            CodeMode::Return => (None, Some(Empty {})),
        };
        match self {
            Action::EmailCode { mode, .. } => (body.send_code, body.return_code) = code(mode, None),
            Action::Invite {
                mode,
                application_name,
            } => (body.send_code, body.return_code) = code(mode, application_name.as_ref()),
            Action::SetEmail { email, verification } => {
                body.email = Some(email.clone());
                match verification {
                    EmailVerification::Code(mode) => (body.send_code, body.return_code) = code(mode, None),
                    EmailVerification::Verified => body.is_verified = Some(true),
                }
            }
            Action::PhoneCode(PhoneMode::Send) => body.send_code = Some(SendCodeBody::default()),
            Action::PhoneCode(PhoneMode::Return) => body.return_code = Some(Empty {}),
            Action::PasswordReset(mode) => match mode {
                ResetMode::Email { url_template } => {
                    body.send_link = Some(SendLinkBody {
                        notification_type: "NOTIFICATION_TYPE_Email",
                        url_template: url_template.as_ref().map(|t| t.as_str().to_owned()),
                    })
                }
                ResetMode::Sms => {
                    body.send_link = Some(SendLinkBody {
                        notification_type: "NOTIFICATION_TYPE_SMS",
                        url_template: None,
                    })
                }
                ResetMode::Return => body.return_code = Some(Empty {}),
            },
            Action::Unlock | Action::Reactivate => {}
        }
        body
    }

    /// What a refusal means knowing which call it answered (an older release without the call,
    /// the v3alpha API without schema users).
    fn in_light_of(&self, e: ApiError, api: ApiFlavour) -> ApiError {
        match self {
            Action::EmailCode {
                call: CodeCall::Resend,
                ..
            } if api == ApiFlavour::V3Alpha => e.in_light_of(Missing::V3AlphaSchemaUsersOnly),
            Action::EmailCode {
                call: CodeCall::Send, ..
            } => e.in_light_of(Missing::SendCall),
            _ => e,
        }
    }
}

/// Every member any action's body can carry; each action sets its own (see [`Action::body`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_code: Option<SendCodeBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_code: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_link: Option<SendLinkBody>,
}

/// `sendCode` of the email, invite and phone calls (phone codes take neither member).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendCodeBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_name: Option<String>,
}

/// `sendLink` of PasswordReset.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendLinkBody {
    pub notification_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_template: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Empty {}

/// The answer of any action, whichever detail shape the server used.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResult {
    /// The user's sequence after the change (v3alpha resource answers usually carry none).
    pub sequence: Option<u64>,
    pub changed_at: Option<Timestamp>,
    /// The user's organisation.
    pub resource_owner: String,
    /// The returned code (`verificationCode`, or `inviteCode` of an invite), only when asked for.
    pub code: Option<VerificationCode>,
    /// The answer as ZITADEL sent it, for `--json`.
    pub raw: ActionResponse,
}

impl From<ActionResponse> for ActionResult {
    fn from(raw: ActionResponse) -> Self {
        let details = raw.details.clone().unwrap_or_default();
        ActionResult {
            sequence: (details.sequence != 0).then_some(details.sequence),
            changed_at: details.changed_at(),
            resource_owner: details.owner_id().to_string(),
            code: raw.verification_code.clone().or_else(|| raw.invite_code.clone()),
            raw,
        }
    }
}

impl Client {
    /// Sends `action` for `user_id` once. Never retried: see the module's note.
    pub async fn apply(&self, user_id: &str, action: &Action) -> Result<ActionResult, ApiError> {
        let api = self.api();
        let call = action.call();
        let path = action.path(user_id, api);
        let answer: Result<ActionResponse, ApiError> = self
            .call(call, Method::POST, &path, Some(&action.body()), false)
            .await;
        let resp = answer.map_err(|e| action.in_light_of(e, api))?;
        let result = ActionResult::from(resp);
        let returned = result.code.as_ref().is_some_and(|c| !c.expose().is_empty());
        if action.returns_code() && !returned {
            return Err(ApiError::NoCodeReturned { call });
        }
        Ok(result)
    }

    /// `POST /v2/users/{userId}/email/resend` (or the v3alpha resource path). Fails with
    /// [`ApiError::NoPendingCode`] when ZITADEL has no code to replace.
    pub async fn resend_email_code(&self, user_id: &str, mode: &CodeMode) -> Result<ActionResult, ApiError> {
        let action = Action::EmailCode {
            call: CodeCall::Resend,
            mode: mode.clone(),
        };
        self.apply(user_id, &action).await
    }

    /// `POST /v2/users/{userId}/email/send`: issues a fresh code even when none is pending.
    /// Always v2: the v3alpha resource API has no such call.
    pub async fn send_email_code(&self, user_id: &str, mode: &CodeMode) -> Result<ActionResult, ApiError> {
        let action = Action::EmailCode {
            call: CodeCall::Send,
            mode: mode.clone(),
        };
        self.apply(user_id, &action).await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::template::check_url_template;

    fn body(a: &Action) -> serde_json::Value {
        serde_json::to_value(a.body()).unwrap()
    }

    fn template(t: &str) -> Option<UrlTemplate> {
        Some(check_url_template(t).unwrap())
    }

    #[test]
    fn code_modes_make_exclusive_oneof_bodies() {
        let email = |mode| Action::EmailCode {
            call: CodeCall::Resend,
            mode,
        };
        assert_eq!(
            body(&email(CodeMode::Send { url_template: None })),
            json!({"sendCode": {}})
        );
        assert_eq!(
            body(&email(CodeMode::Send {
                url_template: template("https://x/{{.Code}}")
            })),
            json!({"sendCode": {"urlTemplate": "https://x/{{.Code}}"}})
        );
        assert_eq!(body(&email(CodeMode::Return)), json!({"returnCode": {}}));
    }

    #[test]
    fn every_action_has_its_path_and_body() {
        let t = template("https://x/{{.Code}}");
        let cases = [
            (
                Action::Invite {
                    mode: CodeMode::Send {
                        url_template: t.clone(),
                    },
                    application_name: Some("Portal".into()),
                },
                "v2/users/u1/invite_code",
                json!({"sendCode": {"urlTemplate": "https://x/{{.Code}}", "applicationName": "Portal"}}),
            ),
            (
                Action::Invite {
                    mode: CodeMode::Return,
                    application_name: None,
                },
                "v2/users/u1/invite_code",
                json!({"returnCode": {}}),
            ),
            (
                Action::SetEmail {
                    email: "new@x.test".into(),
                    verification: EmailVerification::Code(CodeMode::Send { url_template: None }),
                },
                "v2/users/u1/email",
                json!({"email": "new@x.test", "sendCode": {}}),
            ),
            (
                Action::SetEmail {
                    email: "new@x.test".into(),
                    verification: EmailVerification::Verified,
                },
                "v2/users/u1/email",
                json!({"email": "new@x.test", "isVerified": true}),
            ),
            (
                Action::PhoneCode(PhoneMode::Send),
                "v2/users/u1/phone/resend",
                json!({"sendCode": {}}),
            ),
            (
                Action::PhoneCode(PhoneMode::Return),
                "v2/users/u1/phone/resend",
                json!({"returnCode": {}}),
            ),
            (
                Action::PasswordReset(ResetMode::Email { url_template: t }),
                "v2/users/u1/password_reset",
                json!({"sendLink": {"notificationType": "NOTIFICATION_TYPE_Email", "urlTemplate": "https://x/{{.Code}}"}}),
            ),
            (
                Action::PasswordReset(ResetMode::Sms),
                "v2/users/u1/password_reset",
                json!({"sendLink": {"notificationType": "NOTIFICATION_TYPE_SMS"}}),
            ),
            (
                Action::PasswordReset(ResetMode::Return),
                "v2/users/u1/password_reset",
                json!({"returnCode": {}}),
            ),
            (Action::Unlock, "v2/users/u1/unlock", json!({})),
            (Action::Reactivate, "v2/users/u1/reactivate", json!({})),
        ];
        for (action, path, expected) in cases {
            assert_eq!(action.path("u1", ApiFlavour::V2).join("/"), path, "{action:?}");
            assert_eq!(body(&action), expected, "{action:?}");
        }
    }

    #[test]
    fn only_the_resend_has_a_v3alpha_path() {
        let resend = Action::EmailCode {
            call: CodeCall::Resend,
            mode: CodeMode::Return,
        };
        assert_eq!(
            resend.path("u1", ApiFlavour::V3Alpha).join("/"),
            "resources/v3alpha/users/u1/email/_resend"
        );
        assert_eq!(
            Action::Unlock.path("u1", ApiFlavour::V3Alpha).join("/"),
            "v2/users/u1/unlock"
        );
    }

    #[test]
    fn audit_words_name_action_and_mode() {
        let words = |a: &Action| (a.word(), a.mode_word());
        assert_eq!(
            words(&Action::SetEmail {
                email: "a@b".into(),
                verification: EmailVerification::Verified
            }),
            ("set-email", "verified")
        );
        assert_eq!(
            words(&Action::PasswordReset(ResetMode::Sms)),
            ("password-reset", "sms")
        );
        assert_eq!(words(&Action::Unlock), ("unlock", "none"));
        assert_eq!(
            words(&Action::PhoneCode(PhoneMode::Return)),
            ("resend-phone", "return")
        );
        assert!(Action::PasswordReset(ResetMode::Return).returns_code());
        assert!(!Action::PasswordReset(ResetMode::Sms).returns_code());
    }

    #[test]
    fn an_invite_code_is_read_as_the_code() {
        let raw: ActionResponse = serde_json::from_value(json!({
            "details": {"sequence": "7", "resourceOwner": "org1"},
            "inviteCode": "XY12ZW"
        }))
        .unwrap();
        let r = ActionResult::from(raw);
        assert_eq!(r.code.unwrap().expose(), "XY12ZW");
        assert_eq!(r.sequence, Some(7));
    }
}
