//! Serde types exactly as ZITADEL's v2 REST (grpc-gateway) mapping writes and reads them:
//! lowerCamelCase keys, 64-bit integers as JSON strings, absent fields = defaults, unknown
//! fields ignored, oneofs as mutually exclusive keys. The demo instance serialises the same
//! types, so leaving a default out on output mirrors ZITADEL's `EmitUnpopulated = false`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::wire_enum::wire_enum;

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// `uint64`/`int64` fields: written as strings, read from strings or numbers.
pub mod u64_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(n: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(n)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum StrOrNum {
            Str(String),
            Num(u64),
        }
        match Option::<StrOrNum>::deserialize(d)? {
            None => Ok(0),
            Some(StrOrNum::Num(n)) => Ok(n),
            Some(StrOrNum::Str(s)) if s.is_empty() => Ok(0),
            Some(StrOrNum::Str(s)) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

wire_enum! {
    /// `zitadel.user.v2.UserState`.
    pub enum UserState {
        Unspecified = (0, "USER_STATE_UNSPECIFIED"),
        Active = (1, "USER_STATE_ACTIVE"),
        Inactive = (2, "USER_STATE_INACTIVE"),
        Deleted = (3, "USER_STATE_DELETED"),
        Locked = (4, "USER_STATE_LOCKED"),
        Initial = (5, "USER_STATE_INITIAL"),
    }
}

wire_enum! {
    /// `zitadel.user.v2.UserFieldName`: the sorting columns of ListUsers.
    pub enum UserFieldName {
        Unspecified = (0, "USER_FIELD_NAME_UNSPECIFIED"),
        UserName = (1, "USER_FIELD_NAME_USER_NAME"),
        FirstName = (2, "USER_FIELD_NAME_FIRST_NAME"),
        LastName = (3, "USER_FIELD_NAME_LAST_NAME"),
        NickName = (4, "USER_FIELD_NAME_NICK_NAME"),
        DisplayName = (5, "USER_FIELD_NAME_DISPLAY_NAME"),
        Email = (6, "USER_FIELD_NAME_EMAIL"),
        State = (7, "USER_FIELD_NAME_STATE"),
        Type = (8, "USER_FIELD_NAME_TYPE"),
        CreationDate = (9, "USER_FIELD_NAME_CREATION_DATE"),
    }
}

wire_enum! {
    /// `zitadel.object.v2.TextQueryMethod`; omitted means `EQUALS`.
    pub enum TextQueryMethod {
        Equals = (0, "TEXT_QUERY_METHOD_EQUALS"),
        EqualsIgnoreCase = (1, "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"),
        StartsWith = (2, "TEXT_QUERY_METHOD_STARTS_WITH"),
        StartsWithIgnoreCase = (3, "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE"),
        Contains = (4, "TEXT_QUERY_METHOD_CONTAINS"),
        ContainsIgnoreCase = (5, "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE"),
        EndsWith = (6, "TEXT_QUERY_METHOD_ENDS_WITH"),
        EndsWithIgnoreCase = (7, "TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE"),
    }
}

wire_enum! {
    /// `zitadel.user.v2.Type`, used by `typeQuery`.
    pub enum UserType {
        Unspecified = (0, "TYPE_UNSPECIFIED"),
        Human = (1, "TYPE_HUMAN"),
        Machine = (2, "TYPE_MACHINE"),
    }
}

wire_enum! {
    /// `zitadel.user.v2.Gender`.
    pub enum Gender {
        Unspecified = (0, "GENDER_UNSPECIFIED"),
        Female = (1, "GENDER_FEMALE"),
        Male = (2, "GENDER_MALE"),
        Diverse = (3, "GENDER_DIVERSE"),
    }
}

wire_enum! {
    /// `zitadel.user.v2.AccessTokenType` of machine users.
    pub enum AccessTokenType {
        Bearer = (0, "ACCESS_TOKEN_TYPE_BEARER"),
        Jwt = (1, "ACCESS_TOKEN_TYPE_JWT"),
    }
}

wire_enum! {
    /// `zitadel.user.v2.AuthenticationMethodType`.
    pub enum AuthenticationMethodType {
        Unspecified = (0, "AUTHENTICATION_METHOD_TYPE_UNSPECIFIED"),
        Password = (1, "AUTHENTICATION_METHOD_TYPE_PASSWORD"),
        Passkey = (2, "AUTHENTICATION_METHOD_TYPE_PASSKEY"),
        Idp = (3, "AUTHENTICATION_METHOD_TYPE_IDP"),
        Totp = (4, "AUTHENTICATION_METHOD_TYPE_TOTP"),
        U2f = (5, "AUTHENTICATION_METHOD_TYPE_U2F"),
        OtpSms = (6, "AUTHENTICATION_METHOD_TYPE_OTP_SMS"),
        OtpEmail = (7, "AUTHENTICATION_METHOD_TYPE_OTP_EMAIL"),
        RecoveryCode = (8, "AUTHENTICATION_METHOD_TYPE_RECOVERY_CODE"),
    }
}

// ---------------------------------------------------------------------------------------------
// ListUsers
// ---------------------------------------------------------------------------------------------

/// `zitadel.object.v2.ListQuery`. `asc` defaults to false = descending.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListQuery {
    #[serde(with = "u64_string", skip_serializing_if = "is_zero")]
    pub offset: u64,
    /// Always sent by the client (0 would mean "server default").
    pub limit: u32,
    #[serde(skip_serializing_if = "is_false")]
    pub asc: bool,
}

/// `ListUsersRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListUsersRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<ListQuery>,
    #[serde(skip_serializing_if = "UserFieldName::is_unspecified")]
    pub sorting_column: UserFieldName,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<SearchQuery>,
}

/// One `SearchQuery` (a oneof: exactly one key per JSON object, which serde's externally
/// tagged enums give us for free; two keys fail to decode, as in ZITADEL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SearchQuery {
    UserNameQuery(UserNameQuery),
    FirstNameQuery(FirstNameQuery),
    LastNameQuery(LastNameQuery),
    NickNameQuery(NickNameQuery),
    DisplayNameQuery(DisplayNameQuery),
    EmailQuery(EmailQuery),
    PhoneQuery(PhoneQuery),
    StateQuery(StateQuery),
    TypeQuery(TypeQuery),
    LoginNameQuery(LoginNameQuery),
    InUserIdsQuery(InUserIdsQuery),
    InUserEmailsQuery(InUserEmailsQuery),
    OrganizationIdQuery(OrganizationIdQuery),
    OrQuery(OrQuery),
    AndQuery(AndQuery),
    NotQuery(Box<NotQuery>),
}

macro_rules! text_query {
    ($name:ident, $field:ident) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        pub struct $name {
            pub $field: String,
            #[serde(skip_serializing_if = "TextQueryMethod::is_unspecified")]
            pub method: TextQueryMethod,
        }
    };
}

text_query!(UserNameQuery, user_name);
text_query!(FirstNameQuery, first_name);
text_query!(LastNameQuery, last_name);
text_query!(NickNameQuery, nick_name);
text_query!(DisplayNameQuery, display_name);
text_query!(EmailQuery, email_address);
text_query!(PhoneQuery, number);
text_query!(LoginNameQuery, login_name);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StateQuery {
    pub state: UserState,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TypeQuery {
    #[serde(rename = "type")]
    pub user_type: UserType,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InUserIdsQuery {
    pub user_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InUserEmailsQuery {
    pub user_emails: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrganizationIdQuery {
    pub organization_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrQuery {
    pub queries: Vec<SearchQuery>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AndQuery {
    pub queries: Vec<SearchQuery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotQuery {
    pub query: SearchQuery,
}

/// `zitadel.object.v2.ListDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListDetails {
    #[serde(with = "u64_string", skip_serializing_if = "is_zero")]
    pub total_result: u64,
    #[serde(with = "u64_string", skip_serializing_if = "is_zero")]
    pub processed_sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
}

/// `ListUsersResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListUsersResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "UserFieldName::is_unspecified")]
    pub sorting_column: UserFieldName,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<User>,
}

// ---------------------------------------------------------------------------------------------
// User
// ---------------------------------------------------------------------------------------------

/// `zitadel.object.v2.Details`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Details {
    #[serde(with = "u64_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<Timestamp>,
}

/// `zitadel.user.v2.User`. `human` and `machine` are a oneof.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(skip_serializing_if = "UserState::is_unspecified")]
    pub state: UserState,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub login_names: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub preferred_login_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human: Option<HumanUser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<MachineUser>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HumanUser {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<HumanProfile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<HumanEmail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<HumanPhone>,
    #[serde(skip_serializing_if = "is_false")]
    pub password_change_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_changed: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_init_skipped: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HumanProfile {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub given_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub family_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nick_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    /// `optional Gender gender` that ZITADEL always sets (internal/api/grpc/user/v2/convert/human.go),
    /// so real answers carry it even when unspecified.
    pub gender: Gender,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HumanEmail {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(skip_serializing_if = "is_false")]
    pub is_verified: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HumanPhone {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(skip_serializing_if = "is_false")]
    pub is_verified: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MachineUser {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "is_false")]
    pub has_secret: bool,
    #[serde(skip_serializing_if = "AccessTokenType::is_unspecified")]
    pub access_token_type: AccessTokenType,
}

/// `GetUserByIDResponse`; the top-level `details` is deprecated upstream ("moved into user").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GetUserByIdResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
}

/// `ListAuthenticationMethodTypesResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListAuthenticationMethodTypesResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ListDetails>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub auth_method_types: Vec<AuthenticationMethodType>,
}

// ---------------------------------------------------------------------------------------------
// Email codes
// ---------------------------------------------------------------------------------------------

/// Body of ResendEmailCode / SendEmailCode (v2) and ResendContactEmailCode (v3alpha).
/// `sendCode` and `returnCode` are one oneof: at most one is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EmailCodeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_code: Option<SendCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_code: Option<ReturnCode>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SendCode {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_template: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnCode {}

/// The answer of the email code calls. `details` comes in the v2 shape
/// (`sequence/changeDate/resourceOwner`) or, from the v3alpha resource API, in the
/// `id/created/changed/owner` shape: both are read into [`CodeDetails`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActionResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<CodeDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<VerificationCode>,
    /// CreateInviteCode's returned code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<VerificationCode>,
}

/// Both detail shapes in one: v2 fields first, v3alpha resource fields after.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CodeDetails {
    #[serde(with = "u64_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_owner: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
}

impl CodeDetails {
    /// When the change happened, whichever shape the server used.
    pub fn changed_at(&self) -> Option<Timestamp> {
        self.change_date.or(self.changed)
    }

    /// The owning organisation, whichever shape the server used.
    pub fn owner_id(&self) -> &str {
        if !self.resource_owner.is_empty() {
            &self.resource_owner
        } else {
            self.owner.as_ref().map(|o| o.id.as_str()).unwrap_or("")
        }
    }
}

/// `zitadel.resources.object.v3alpha.Owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Owner {
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub owner_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
}

/// A returned verification code. Its `Debug` never shows the value; reading it takes
/// [`VerificationCode::expose`], and the bytes are zeroised when dropped.
#[derive(Clone, Default)]
pub struct VerificationCode(secrecy::SecretString);

impl VerificationCode {
    pub fn new(code: impl Into<String>) -> Self {
        Self(secrecy::SecretString::from(code.into()))
    }

    /// The code itself: only for showing it on request or printing it for `--return-code`.
    pub fn expose(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(&self.0)
    }
}

impl std::fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerificationCode(<redacted>)")
    }
}

impl PartialEq for VerificationCode {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Serialize for VerificationCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for VerificationCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::new(String::deserialize(d)?))
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// ZITADEL's error body. REST (grpc-gateway): `{code: <int>, message, details: [{@type, id,
/// message}]}`; Connect: `{code: "<snake_case>", message, details: [{type, value}]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorBody {
    pub code: serde_json::Value,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// `zitadel.v1.ErrorDetail` as packed into a `google.protobuf.Any`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    #[serde(rename = "@type", skip_serializing_if = "String::is_empty")]
    pub type_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// gRPC status codes as numbers (the REST body's `code`).
pub mod grpc_code {
    pub const OK: i32 = 0;
    pub const CANCELLED: i32 = 1;
    pub const UNKNOWN: i32 = 2;
    pub const INVALID_ARGUMENT: i32 = 3;
    pub const DEADLINE_EXCEEDED: i32 = 4;
    pub const NOT_FOUND: i32 = 5;
    pub const ALREADY_EXISTS: i32 = 6;
    pub const PERMISSION_DENIED: i32 = 7;
    pub const RESOURCE_EXHAUSTED: i32 = 8;
    pub const FAILED_PRECONDITION: i32 = 9;
    pub const ABORTED: i32 = 10;
    pub const OUT_OF_RANGE: i32 = 11;
    pub const UNIMPLEMENTED: i32 = 12;
    pub const INTERNAL: i32 = 13;
    pub const UNAVAILABLE: i32 = 14;
    pub const DATA_LOSS: i32 = 15;
    pub const UNAUTHENTICATED: i32 = 16;

    const NAMES: [&str; 17] = [
        "ok",
        "canceled",
        "unknown",
        "invalid_argument",
        "deadline_exceeded",
        "not_found",
        "already_exists",
        "permission_denied",
        "resource_exhausted",
        "failed_precondition",
        "aborted",
        "out_of_range",
        "unimplemented",
        "internal",
        "unavailable",
        "data_loss",
        "unauthenticated",
    ];

    /// The Connect protocol's snake_case name of a code.
    pub fn connect_name(code: i32) -> &'static str {
        usize::try_from(code)
            .ok()
            .and_then(|i| NAMES.get(i))
            .copied()
            .unwrap_or("unknown")
    }

    /// The code of a Connect snake_case name.
    pub fn from_connect_name(name: &str) -> Option<i32> {
        let name = if name == "cancelled" { "canceled" } else { name };
        NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| i32::try_from(i).ok())
    }

    /// grpc-gateway's `HTTPStatusFromCode` (Connect uses the same table).
    pub fn http_status(code: i32) -> u16 {
        match code {
            OK => 200,
            CANCELLED => 499,
            INVALID_ARGUMENT | FAILED_PRECONDITION | OUT_OF_RANGE => 400,
            DEADLINE_EXCEEDED => 504,
            NOT_FOUND => 404,
            ALREADY_EXISTS | ABORTED => 409,
            PERMISSION_DENIED => 403,
            RESOURCE_EXHAUSTED => 429,
            UNIMPLEMENTED => 501,
            UNAVAILABLE => 503,
            UNAUTHENTICATED => 401,
            _ => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_with_absent_fields_decodes_to_defaults() {
        let u: User = serde_json::from_value(json!({
            "userId": "1",
            "details": {"sequence": "42", "changeDate": "2025-01-02T03:04:05.123456789Z", "resourceOwner": "o1"},
            "state": "USER_STATE_ACTIVE",
            "human": {"profile": {"givenName": "A"}, "email": {"email": "a@x"}, "phone": {}},
            "somethingNew": {"x": 1}
        }))
        .unwrap();
        assert_eq!(u.details.as_ref().unwrap().sequence, 42);
        let human = u.human.unwrap();
        assert!(!human.email.unwrap().is_verified);
        assert_eq!(human.phone.unwrap(), HumanPhone::default());
        assert_eq!(u.state, UserState::Active);
    }

    #[test]
    fn unknown_enum_names_and_numbers_fall_back_to_unspecified() {
        let s: UserState = serde_json::from_value(json!("USER_STATE_SUSPENDED_NEW")).unwrap();
        assert_eq!(s, UserState::Unspecified);
        let s: UserState = serde_json::from_value(json!(4)).unwrap();
        assert_eq!(s, UserState::Locked);
    }

    #[test]
    fn list_request_serialises_like_grpc_gateway() {
        let req = ListUsersRequest {
            query: Some(ListQuery {
                offset: 200,
                limit: 100,
                asc: true,
            }),
            sorting_column: UserFieldName::DisplayName,
            queries: vec![SearchQuery::NotQuery(Box::new(NotQuery {
                query: SearchQuery::TypeQuery(TypeQuery {
                    user_type: UserType::Machine,
                }),
            }))],
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({
                "query": {"offset": "200", "limit": 100, "asc": true},
                "sortingColumn": "USER_FIELD_NAME_DISPLAY_NAME",
                "queries": [{"notQuery": {"query": {"typeQuery": {"type": "TYPE_MACHINE"}}}}]
            })
        );
    }

    #[test]
    fn a_search_query_with_two_keys_is_rejected() {
        let r: Result<SearchQuery, _> = serde_json::from_value(json!({
            "userNameQuery": {"userName": "a"}, "emailQuery": {"emailAddress": "b"}
        }));
        assert!(r.is_err());
    }

    #[test]
    fn offsets_accept_numbers_and_strings() {
        let q: ListQuery = serde_json::from_value(json!({"offset": 5, "limit": 3})).unwrap();
        assert_eq!(q.offset, 5);
        let q: ListQuery = serde_json::from_value(json!({"offset": "7"})).unwrap();
        assert_eq!(q.offset, 7);
    }

    #[test]
    fn both_detail_shapes_read_into_one_type() {
        let v2: ActionResponse = serde_json::from_value(json!({
            "details": {"sequence": "9", "changeDate": "2025-01-01T00:00:00Z", "resourceOwner": "org1"},
            "verificationCode": "AB12CD"
        }))
        .unwrap();
        let v3: ActionResponse = serde_json::from_value(json!({
            "details": {"id": "u1", "created": "2024-01-01T00:00:00Z", "changed": "2025-01-01T00:00:00Z",
                        "owner": {"type": "OWNER_TYPE_ORG", "id": "org1"}}
        }))
        .unwrap();
        let (d2, d3) = (v2.details.unwrap(), v3.details.unwrap());
        assert_eq!(d2.owner_id(), "org1");
        assert_eq!(d3.owner_id(), "org1");
        assert_eq!(d2.changed_at(), d3.changed_at());
        assert_eq!(v2.verification_code.unwrap().expose(), "AB12CD");
    }

    #[test]
    fn verification_code_debug_is_redacted() {
        let r = ActionResponse {
            details: None,
            verification_code: Some(VerificationCode::new("SECRET1")),
            invite_code: Some(VerificationCode::new("SECRET2")),
        };
        assert!(!format!("{r:?}").contains("SECRET1"));
        assert!(!format!("{r:?}").contains("SECRET2"));
    }

    #[test]
    fn connect_code_names_round_trip() {
        for code in 0..=16 {
            assert_eq!(
                grpc_code::from_connect_name(grpc_code::connect_name(code)),
                Some(code)
            );
        }
    }
}
