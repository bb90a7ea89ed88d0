//! ZITADEL's errors as the demo raises them, and their two body shapes: REST
//! (grpc-gateway: numeric code, message `"<text> (<ID>)"`, one `zitadel.v1.ErrorDetail`) and
//! Connect (snake_case code name, same message). Proto-validation and JSON-decoding errors
//! carry no detail, exactly like ZITADEL's.

use crate::api::wire::{ErrorBody, ErrorDetail, grpc_code};

const DETAIL_TYPE: &str = "type.googleapis.com/zitadel.v1.ErrorDetail";

/// One failed call: gRPC code, optional ZITADEL error id, and the (English) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiFailure {
    pub code: i32,
    pub id: Option<&'static str>,
    pub text: String,
}

impl ApiFailure {
    fn with_id(code: i32, id: &'static str, text: impl Into<String>) -> Self {
        Self {
            code,
            id: Some(id),
            text: text.into(),
        }
    }

    /// An error without ErrorDetail (proto validation, JSON decoding, routing).
    pub fn bare(code: i32, text: impl Into<String>) -> Self {
        Self {
            code,
            id: None,
            text: text.into(),
        }
    }

    pub fn http_status(&self) -> u16 {
        grpc_code::http_status(self.code)
    }

    /// `"<text> (<ID>)"`, or just the text for errors without an id.
    pub fn message(&self) -> String {
        match self.id {
            Some(id) => format!("{} ({id})", self.text),
            None => self.text.clone(),
        }
    }

    /// grpc-gateway's body.
    pub fn rest_body(&self) -> ErrorBody {
        ErrorBody {
            code: serde_json::Value::from(self.code),
            message: self.message(),
            details: self
                .id
                .map(|id| ErrorDetail {
                    type_url: DETAIL_TYPE.to_owned(),
                    id: id.to_owned(),
                    message: self.text.clone(),
                })
                .into_iter()
                .collect(),
        }
    }

    /// The Connect protocol's body. Real Connect details are base64 protobuf, which nobody
    /// reads from JSON; we leave them out.
    pub fn connect_body(&self) -> ErrorBody {
        ErrorBody {
            code: serde_json::Value::from(grpc_code::connect_name(self.code)),
            message: self.message(),
            details: Vec::new(),
        }
    }

    // --- the catalogue ------------------------------------------------------------------

    pub fn token_invalid() -> Self {
        // Raised before translation, so ZITADEL shows the raw key.
        Self::with_id(grpc_code::UNAUTHENTICATED, "AUTH-7fs1e", "Errors.Token.Invalid")
    }

    /// A membership in the org (or instance) without the permission
    /// (internal/api/authz/permissions.go, `checkUserResourcePermissions`).
    pub fn permission_denied() -> Self {
        Self::with_id(
            grpc_code::PERMISSION_DENIED,
            "AUTH-AWfge",
            "No matching permissions found",
        )
    }

    /// No `Authorization` header: the auth interceptor's plain gRPC status, no ZITADEL id
    /// (internal/api/grpc/server/middleware/auth_interceptor.go).
    pub fn auth_header_missing() -> Self {
        Self::bare(grpc_code::UNAUTHENTICATED, "auth header missing")
    }

    /// A header that is not `Bearer <token>` (internal/api/authz/context.go, `extractBearerToken`).
    pub fn invalid_auth_header() -> Self {
        Self::with_id(grpc_code::UNAUTHENTICATED, "AUTH-toLo1", "invalid auth header")
    }

    pub fn membership_not_found() -> Self {
        Self::with_id(grpc_code::NOT_FOUND, "AUTHZ-cdgFk", "membership not found")
    }

    pub fn user_not_found() -> Self {
        Self::with_id(grpc_code::NOT_FOUND, "QUERY-Dfbg2", "User could not be found")
    }

    pub fn email_not_found() -> Self {
        Self::with_id(grpc_code::NOT_FOUND, "COMMAND-ieJ2e", "Email not found")
    }

    pub fn not_initialised() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-uz0Uu",
            "User is not yet initialized",
        )
    }

    /// "Code is empty" of the v2 resend.
    pub fn code_empty_v2() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "EMAIL-5w5ilin4yt",
            "Code is empty",
        )
    }

    // --- the remedies (internal/command/user_v2_invite.go, user_v2_email.go,
    // user_v2_phone.go, user_v2_password.go, user_v2.go at v4.13.1; English from
    // internal/static/i18n/en.yaml) ------------------------------------------------------

    /// CreateInviteCode for an unknown, removed or machine user: a precondition, not a 404.
    pub fn invite_user_not_found() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-Wgvn4",
            "User could not be found",
        )
    }

    /// CreateInviteCode for a user who can already sign in.
    pub fn already_initialised() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-EF34g",
            "User is already initialized",
        )
    }

    /// CreateInviteCode after a returned invite code on v4.0–v4.11 (the precedence bug).
    pub fn invite_code_not_found() -> Self {
        Self::with_id(grpc_code::FAILED_PRECONDITION, "COMMAND-Wr3gq", "Code not found")
    }

    /// SetEmail's unchanged address.
    pub fn email_not_changed() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-Uch5e",
            "Email not changed",
        )
    }

    /// An address with a display name (`Bob <bob@x.example>`), which the proto rule lets
    /// through and `domain.EmailAddress.Validate` refuses (internal/domain/human_email.go).
    pub fn email_name_provided() -> Self {
        Self::with_id(grpc_code::INVALID_ARGUMENT, "EMAIL-599GV", "Email is invalid")
    }

    /// ResendPhoneCode for an unknown, removed or machine user (the email's id, the
    /// phone's text).
    pub fn phone_not_found() -> Self {
        Self::with_id(grpc_code::NOT_FOUND, "COMMAND-ieJ2e", "Phone not found")
    }

    /// ResendPhoneCode without a pending phone code.
    pub fn phone_code_empty() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "PHONE-5xrra88eq8",
            "Code is empty",
        )
    }

    /// PasswordReset for an unknown, removed or machine user.
    pub fn reset_user_not_found() -> Self {
        Self::with_id(grpc_code::NOT_FOUND, "COMMAND-SAF4f", "User could not be found")
    }

    /// PasswordReset for a user in state initial.
    pub fn reset_not_initialised() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-Sfe4g",
            "User is not yet initialized",
        )
    }

    pub fn unlock_user_not_found() -> Self {
        Self::with_id(
            grpc_code::NOT_FOUND,
            "COMMAND-x377t913pw",
            "User could not be found",
        )
    }

    pub fn not_locked() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-olb9vb0oca",
            "User is not locked",
        )
    }

    pub fn reactivate_user_not_found() -> Self {
        Self::with_id(
            grpc_code::NOT_FOUND,
            "COMMAND-9hy5kzbuk6",
            "User could not be found",
        )
    }

    pub fn not_inactive() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "COMMAND-s5qqcz97hf",
            "User is not inactive",
        )
    }

    /// The v3alpha user API with the `UserSchema` feature off: `Errors.UserSchema.NotEnabled`,
    /// translated, with the id ZITADEL really sends, `TODO`
    /// (internal/api/grpc/resources/user/v3alpha/user.go, `checkUserSchemaEnabled`).
    pub fn user_schema_not_enabled() -> Self {
        Self::with_id(
            grpc_code::FAILED_PRECONDITION,
            "TODO",
            "Feature \"User Schema\" is not enabled",
        )
    }

    /// The v3alpha resend for a user that is not a schema user (every user of the demo)
    /// (internal/command/user_v3_model.go, `NewResendEmailCode`).
    pub fn schema_user_not_found() -> Self {
        Self::with_id(
            grpc_code::NOT_FOUND,
            "COMMAND-EajeF6ypOV",
            "User could not be found",
        )
    }

    pub fn template_parse() -> Self {
        Self::with_id(
            grpc_code::INVALID_ARGUMENT,
            "DOMAIN-oGh5e",
            "URL Template is invalid",
        )
    }

    pub fn template_exec() -> Self {
        Self::with_id(
            grpc_code::INVALID_ARGUMENT,
            "DOMAIN-ieYa7",
            "URL Template is invalid",
        )
    }

    pub fn too_many_nesting_levels() -> Self {
        Self::with_id(
            grpc_code::INVALID_ARGUMENT,
            "USER-zsQ97",
            "Errors.Query.TooManyNestingLevels",
        )
    }

    /// The converter's default case: a `notQuery` without its query
    /// (internal/api/grpc/user/v2/convert/user.go).
    pub fn invalid_query() -> Self {
        Self::with_id(grpc_code::INVALID_ARGUMENT, "GRPC-vR9nC", "List.Query.Invalid")
    }

    /// A body that is not valid JSON for the request message (protojson's wording).
    pub fn bad_body(reason: impl std::fmt::Display) -> Self {
        Self::bare(grpc_code::INVALID_ARGUMENT, format!("proto: {reason}"))
    }

    /// A request the proto validation rules refuse, with protoc-gen-validate's message
    /// (`invalid <Message>.<Field>: <reason>`, nested causes joined by ` | caused by: `),
    /// raised by internal/api/grpc/server/middleware/validation_interceptor.go.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::bare(grpc_code::INVALID_ARGUMENT, message)
    }

    /// grpc-gateway's answer for a path it has no route for.
    pub fn route_not_found() -> Self {
        Self::bare(grpc_code::NOT_FOUND, "Not Found")
    }

    /// grpc-gateway's answer for a known path with the wrong HTTP method (status 405).
    pub fn method_not_allowed() -> Self {
        Self::bare(grpc_code::UNIMPLEMENTED, "Method Not Allowed")
    }

    /// An injected failure (see `Faults::fail_every`).
    pub fn injected(status: u16) -> Self {
        let code = match status {
            400 => grpc_code::INVALID_ARGUMENT,
            401 => grpc_code::UNAUTHENTICATED,
            403 => grpc_code::PERMISSION_DENIED,
            404 => grpc_code::NOT_FOUND,
            409 => grpc_code::ABORTED,
            429 => grpc_code::RESOURCE_EXHAUSTED,
            501 => grpc_code::UNIMPLEMENTED,
            503 => grpc_code::UNAVAILABLE,
            504 => grpc_code::DEADLINE_EXCEEDED,
            _ => grpc_code::INTERNAL,
        };
        Self::bare(code, format!("demo fault injection: HTTP {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rest_body_has_message_with_id_and_one_detail() {
        let body = serde_json::to_value(ApiFailure::code_empty_v2().rest_body()).unwrap();
        assert_eq!(
            body,
            json!({
                "code": 9,
                "message": "Code is empty (EMAIL-5w5ilin4yt)",
                "details": [{
                    "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                    "id": "EMAIL-5w5ilin4yt",
                    "message": "Code is empty"
                }]
            })
        );
    }

    #[test]
    fn bare_errors_have_no_details_and_connect_uses_names() {
        let f = ApiFailure::route_not_found();
        assert_eq!(
            serde_json::to_value(f.rest_body()).unwrap(),
            json!({"code": 5, "message": "Not Found"})
        );
        assert_eq!(
            serde_json::to_value(ApiFailure::user_not_found().connect_body()).unwrap(),
            json!({"code": "not_found", "message": "User could not be found (QUERY-Dfbg2)"})
        );
    }
}
