//! Request bodies, decoded the way ZITADEL's stack does it and with its error order:
//! 1. JSON decoding (protojson with `DiscardUnknown: true`, internal/api/grpc/server/gateway.go:
//!    unknown keys dropped, two members of a oneof rejected) — in the gateway, before
//!    authentication;
//! 2. proto validation (protoc-gen-validate: a SearchQuery without a member, string lengths),
//!    after authentication;
//! 3. the handler's own checks (query nesting).
//!
//! Step 1 answers at once; [`ListDecoded::invalid`] carries the first step-2 failure (found
//! while decoding, where the field path is known) and [`ListDecoded::deferred`] a step-3 one,
//! so the handler raises each in its turn.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::errors::ApiFailure;
use super::version::ZitadelVersion;
use crate::api::wire::{EmailCodeRequest, ListUsersRequest};

/// Deepest query nesting ZITADEL accepts (`level > 20` fails).
const MAX_LEVEL: u32 = 20;

/// A `SearchQuery` oneof member our wire type knows: its JSON key, its Go field name (as
/// protoc-gen-validate names it) and, for the text queries, the length rule of its one string
/// field (proto/zitadel/user/v2/query.proto). The inner message is named like the Go field.
struct QueryKind {
    json: &'static str,
    go: &'static str,
    text: Option<TextRule>,
}

struct TextRule {
    json: &'static str,
    go: &'static str,
    min: usize,
    max: usize,
}

const fn kind(json: &'static str, go: &'static str) -> QueryKind {
    QueryKind { json, go, text: None }
}

const fn text_kind(
    json: &'static str,
    go: &'static str,
    field: (&'static str, &'static str),
    max_min: (usize, usize),
) -> QueryKind {
    QueryKind {
        json,
        go,
        text: Some(TextRule {
            json: field.0,
            go: field.1,
            min: max_min.1,
            max: max_min.0,
        }),
    }
}

const QUERY_KINDS: &[QueryKind] = &[
    text_kind(
        "userNameQuery",
        "UserNameQuery",
        ("userName", "UserName"),
        (200, 1),
    ),
    text_kind(
        "firstNameQuery",
        "FirstNameQuery",
        ("firstName", "FirstName"),
        (200, 1),
    ),
    text_kind(
        "lastNameQuery",
        "LastNameQuery",
        ("lastName", "LastName"),
        (200, 1),
    ),
    text_kind(
        "nickNameQuery",
        "NickNameQuery",
        ("nickName", "NickName"),
        (200, 1),
    ),
    text_kind(
        "displayNameQuery",
        "DisplayNameQuery",
        ("displayName", "DisplayName"),
        (200, 1),
    ),
    text_kind(
        "emailQuery",
        "EmailQuery",
        ("emailAddress", "EmailAddress"),
        (200, 0),
    ),
    text_kind("phoneQuery", "PhoneQuery", ("number", "Number"), (20, 0)),
    kind("stateQuery", "StateQuery"),
    kind("typeQuery", "TypeQuery"),
    text_kind(
        "loginNameQuery",
        "LoginNameQuery",
        ("loginName", "LoginName"),
        (200, 1),
    ),
    kind("inUserIdsQuery", "InUserIdsQuery"),
    kind("inUserEmailsQuery", "InUserEmailsQuery"),
    text_kind(
        "organizationIdQuery",
        "OrganizationIdQuery",
        ("organizationId", "OrganizationId"),
        (200, 1),
    ),
    kind("orQuery", "OrQuery"),
    kind("andQuery", "AndQuery"),
    kind("notQuery", "NotQuery"),
];

/// The oneof members one ZITADEL line's protos know.
#[derive(Clone, Copy)]
struct Known {
    phone: bool,
}

impl Known {
    fn of(version: ZitadelVersion) -> Known {
        Known {
            phone: version.has_phone_query(),
        }
    }

    fn kind(self, key: &str) -> Option<&'static QueryKind> {
        if key == "phoneQuery" && !self.phone {
            return None;
        }
        QUERY_KINDS.iter().find(|k| k.json == key)
    }
}

/// protoc-gen-validate's message for a failed field: `invalid <Message>.<Field>: <reason>`.
pub(crate) fn pgv(message: &str, field: &str, reason: &str) -> String {
    format!("invalid {message}.{field}: {reason}")
}

/// protoc-gen-validate's wrapping of a nested failure.
pub(crate) fn embedded(message: &str, field: &str, cause: String) -> String {
    format!(
        "{} | caused by: {cause}",
        pgv(message, field, "embedded message failed validation")
    )
}

fn length_reason(min: usize, max: usize) -> String {
    if min == 0 {
        format!("value length must be at most {max} runes")
    } else {
        format!("value length must be between {min} and {max} runes, inclusive")
    }
}

/// The length rule on a JSON string (absent = empty, as in proto3). Non-strings are left
/// to the typed decode, which refuses them first.
fn check_length(value: Option<&Value>, min: usize, max: usize) -> Option<String> {
    let n = match value {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) => s.chars().count(),
        Some(_) => return None,
    };
    (n < min || n > max).then(|| length_reason(min, max))
}

pub(crate) struct ListDecoded {
    pub req: ListUsersRequest,
    /// The first failure of the proto validation (step 2).
    pub invalid: Option<ApiFailure>,
    /// The first failure of the handler's checks (step 3).
    pub deferred: Option<ApiFailure>,
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

fn parse_object(body: &[u8]) -> Result<Value, ApiFailure> {
    if is_blank(body) {
        // grpc-gateway ignores an empty body (io.EOF): same as `{}`.
        return Ok(Value::Object(Map::new()));
    }
    // serde_json refuses nesting beyond 128 levels, which bounds every recursion below.
    let v: Value =
        serde_json::from_slice(body).map_err(|e| ApiFailure::bad_body(format!("syntax error: {e}")))?;
    if !v.is_object() {
        return Err(ApiFailure::bad_body("unexpected token, expected an object"));
    }
    Ok(v)
}

/// Decodes the body of a request message without fields (e.g. `ListMyZitadelPermissions`):
/// any JSON object (unknown keys are dropped) or nothing.
pub(crate) fn decode_empty_message(body: &[u8]) -> Result<(), ApiFailure> {
    parse_object(body).map(|_| ())
}

/// Decodes the body of a request message into `T` (whose unknown keys serde drops, as the
/// gateway's `DiscardUnknown` does); a wrong type is the gateway's 400.
pub(crate) fn decode_message<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiFailure> {
    serde_json::from_value(parse_object(body)?).map_err(ApiFailure::bad_body)
}

/// Decodes a ListUsers body as the given ZITADEL line's gateway does.
pub(crate) fn decode_list(body: &[u8], version: ZitadelVersion) -> Result<ListDecoded, ApiFailure> {
    let known = Known::of(version);
    let mut v = parse_object(body)?;
    let mut deferred = None;
    let mut invalid = None;
    if let Some(queries) = v.get_mut("queries") {
        match queries {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let failed = sanitise_query(item, 0, known, &mut deferred)?;
                    if invalid.is_none() {
                        invalid = failed.map(|cause| {
                            ApiFailure::validation(embedded(
                                "ListUsersRequest",
                                &format!("Queries[{i}]"),
                                cause,
                            ))
                        });
                    }
                }
            }
            Value::Null => *queries = Value::Array(Vec::new()),
            _ => {}
        }
    }
    let req = serde_json::from_value(v).map_err(ApiFailure::bad_body)?;
    Ok(ListDecoded {
        req,
        invalid,
        deferred,
    })
}

/// A valid stand-in for an empty query object, so the typed decode can go on; the empty
/// query itself is reported through `invalid` or `deferred`.
fn placeholder() -> Value {
    serde_json::json!({"typeQuery": {}})
}

/// Emulates protojson on one `SearchQuery` object: drops unknown (and null) keys, rejects two
/// oneof members. Returns this query's validation failure (protoc-gen-validate's text, without
/// the parents' context) and records the handler's errors in depth-first order.
fn sanitise_query(
    item: &mut Value,
    level: u32,
    known: Known,
    deferred: &mut Option<ApiFailure>,
) -> Result<Option<String>, ApiFailure> {
    if level > MAX_LEVEL && deferred.is_none() {
        *deferred = Some(ApiFailure::too_many_nesting_levels());
    }
    let Value::Object(map) = item else {
        return Ok(None); // the typed decode reports the wrong type
    };
    map.retain(|k, v| known.kind(k).is_some() && !v.is_null());
    if map.len() > 1 {
        return Err(ApiFailure::bad_body(
            "oneof zitadel.user.v2.SearchQuery.query is already set",
        ));
    }
    let Some((kind, inner)) = map
        .iter_mut()
        .find_map(|(k, v)| known.kind(k).map(|kind| (kind, v)))
    else {
        // `oneof query { option (validate.required) = true; }`
        *item = placeholder();
        return Ok(Some(pgv("SearchQuery", "Query", "value is required")));
    };
    let mut failed = None;
    match (kind.json, inner) {
        ("orQuery" | "andQuery", Value::Object(inner)) => {
            if let Some(Value::Array(subs)) = inner.get_mut("queries") {
                for (i, sub) in subs.iter_mut().enumerate() {
                    let cause = sanitise_query(sub, level + 1, known, deferred)?;
                    if failed.is_none() {
                        failed = cause.map(|c| embedded(kind.go, &format!("Queries[{i}]"), c));
                    }
                }
            }
        }
        ("notQuery", Value::Object(inner)) => match inner.get_mut("query") {
            Some(sub) if !sub.is_null() => {
                failed = sanitise_query(sub, level + 1, known, deferred)?
                    .map(|c| embedded("NotQuery", "Query", c));
            }
            _ => {
                // A notQuery without its query passes validation (a nil message is valid) and
                // meets the converter's default case one level down
                // (internal/api/grpc/user/v2/convert/user.go, `userQueryToQuery`).
                if level + 1 > MAX_LEVEL {
                    deferred.get_or_insert_with(ApiFailure::too_many_nesting_levels);
                }
                deferred.get_or_insert_with(ApiFailure::invalid_query);
                inner.insert("query".to_owned(), placeholder());
            }
        },
        (_, Value::Object(inner)) => {
            if let Some(rule) = &kind.text {
                failed = check_length(inner.get(rule.json), rule.min, rule.max)
                    .map(|reason| pgv(kind.go, rule.go, &reason));
            }
        }
        _ => {}
    }
    Ok(failed.map(|cause| embedded("SearchQuery", kind.go, cause)))
}

/// Decodes the body of the email code calls (v2 resend/send, v3alpha resend). `message`
/// names the request message for the oneof error.
pub(crate) fn decode_email_code(body: &[u8], message: &str) -> Result<EmailCodeRequest, ApiFailure> {
    let v = parse_object(body)?;
    let req: EmailCodeRequest = serde_json::from_value(v).map_err(ApiFailure::bad_body)?;
    if req.send_code.is_some() && req.return_code.is_some() {
        return Err(ApiFailure::bad_body(format!(
            "error parsing \"returnCode\", oneof {message}.verification is already set"
        )));
    }
    Ok(req)
}

pub(crate) fn check_len(
    value: &str,
    message: &str,
    field: &str,
    min: usize,
    max: usize,
) -> Result<(), ApiFailure> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ApiFailure::validation(pgv(
            message,
            field,
            &length_reason(min, max),
        )));
    }
    Ok(())
}

/// Proto validation of the email code calls: `urlTemplate`, when given, is 1..200 runes.
/// `message` names the request message that embeds `sendCode`.
pub(crate) fn validate_email_code(req: &EmailCodeRequest, message: &str) -> Result<(), ApiFailure> {
    match req.send_code.as_ref().and_then(|s| s.url_template.as_deref()) {
        Some(t) => check_len(t, "SendEmailVerificationCode", "UrlTemplate", 1, 200)
            .map_err(|e| ApiFailure::validation(embedded(message, "SendCode", e.text))),
        None => Ok(()),
    }
}

/// Proto validation of a user ID (1..200 runes).
pub(crate) fn validate_user_id(id: &str, message: &str) -> Result<(), ApiFailure> {
    check_len(id, message, "UserId", 1, 200)
}

/// The `userId` of a Connect request body (REST takes it from the path).
pub(crate) fn decode_user_id(body: &[u8]) -> Result<String, ApiFailure> {
    #[derive(Deserialize, Default)]
    #[serde(rename_all = "camelCase", default)]
    struct WithUserId {
        user_id: String,
    }
    let v = parse_object(body)?;
    let w: WithUserId = serde_json::from_value(v).map_err(ApiFailure::bad_body)?;
    Ok(w.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LATEST: ZitadelVersion = ZitadelVersion::V4_13;

    fn decode(v: Value) -> Result<ListDecoded, ApiFailure> {
        decode_list(v.to_string().as_bytes(), LATEST)
    }

    fn invalid(v: Value, version: ZitadelVersion) -> String {
        let d = decode_list(v.to_string().as_bytes(), version).unwrap();
        let f = d.invalid.unwrap();
        assert_eq!((f.code, f.id), (3, None));
        f.text
    }

    fn nested_or(levels: usize) -> Value {
        let mut q = json!({"typeQuery": {"type": "TYPE_HUMAN"}});
        for _ in 0..levels {
            q = json!({"orQuery": {"queries": [q]}});
        }
        json!({"queries": [q]})
    }

    #[test]
    fn nesting_up_to_twenty_levels_is_fine() {
        assert!(decode(nested_or(20)).unwrap().deferred.is_none());
        let d = decode(nested_or(21)).unwrap();
        assert_eq!(d.deferred.unwrap().id, Some("USER-zsQ97"));
    }

    #[test]
    fn unknown_keys_are_dropped_and_empty_queries_fail_validation() {
        let d = decode(json!({"queries": [{"userNameQuery": {"userName": "a"}, "typo": 1}]})).unwrap();
        assert!(d.deferred.is_none() && d.invalid.is_none());
        assert_eq!(d.req.queries.len(), 1);
        assert_eq!(
            invalid(json!({"queries": [{"typeQuery": {}}, {"typoQuery": {}}]}), LATEST),
            "invalid ListUsersRequest.Queries[1]: embedded message failed validation | caused by: \
             invalid SearchQuery.Query: value is required"
        );
        // A notQuery without its query passes validation and fails in the converter.
        let d = decode(json!({"queries": [{"notQuery": {}}]})).unwrap();
        assert!(d.invalid.is_none());
        assert_eq!(d.deferred.unwrap().id, Some("GRPC-vR9nC"));
    }

    #[test]
    fn phone_queries_are_unknown_before_v2_67() {
        let phone = json!({"queries": [{"orQuery": {"queries": [
            {"emailQuery": {"emailAddress": "x"}},
            {"phoneQuery": {"number": "+41"}}
        ]}}]});
        assert!(decode(phone.clone()).unwrap().invalid.is_none());
        assert_eq!(
            invalid(phone, ZitadelVersion::V2_66),
            "invalid ListUsersRequest.Queries[0]: embedded message failed validation | caused by: \
             invalid SearchQuery.OrQuery: embedded message failed validation | caused by: \
             invalid OrQuery.Queries[1]: embedded message failed validation | caused by: \
             invalid SearchQuery.Query: value is required"
        );
        assert!(
            decode_list(br#"{"queries": [{"phoneQuery": {}}]}"#, ZitadelVersion::V3_0)
                .unwrap()
                .invalid
                .is_none()
        );
    }

    #[test]
    fn two_members_of_a_oneof_are_a_decode_error() {
        let e = decode(json!({"queries": [{"userNameQuery": {"userName": "a"}, "emailQuery": {}}]}))
            .err()
            .unwrap();
        assert_eq!((e.code, e.id), (3, None));
        let e = decode_email_code(br#"{"sendCode": {}, "returnCode": {}}"#, "X").unwrap_err();
        assert_eq!((e.code, e.id), (3, None));
    }

    #[test]
    fn hostile_bodies_fail_cleanly() {
        let deep = "[".repeat(100_000);
        assert!(decode_list(deep.as_bytes(), LATEST).is_err());
        // Valid JSON, but nested deeper than serde_json's recursion limit.
        let deep_queries = format!(
            "{{\"queries\": [{}{{\"typeQuery\": {{}}}}{}]}}",
            "{\"notQuery\": {\"query\": ".repeat(200),
            "}}".repeat(200)
        );
        assert!(decode_list(deep_queries.as_bytes(), LATEST).is_err());
        // 60 levels parse, and are refused by the nesting rule instead.
        let deep_queries = format!(
            "{{\"queries\": [{}{{\"typeQuery\": {{}}}}{}]}}",
            "{\"notQuery\": {\"query\": ".repeat(60),
            "}}".repeat(60)
        );
        let d = decode_list(deep_queries.as_bytes(), LATEST).unwrap();
        assert_eq!(d.deferred.unwrap().id, Some("USER-zsQ97"));
        for body in [
            &b"null"[..],
            b"[]",
            b"\"x\"",
            b"{\"query\": {\"limit\": -1}}",
            b"\xff\xfe",
        ] {
            assert!(decode_list(body, LATEST).is_err());
        }
        assert!(decode_list(b"  ", LATEST).is_ok());
        assert!(decode_email_code(b"", "X").is_ok());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode_list(&body, LATEST);
            let _ = decode_email_code(&body, "X");
            let _ = decode_user_id(&body);
        }

        #[test]
        fn json_like_bodies_never_panic(body in "[\\[\\]{}\":,0-9a-zA-Z ]{0,300}") {
            let _ = decode_list(body.as_bytes(), ZitadelVersion::V2_66);
            let _ = decode_list(body.as_bytes(), LATEST);
        }
    }

    #[test]
    fn validation_checks_lengths() {
        assert_eq!(
            invalid(
                json!({"queries": [{"notQuery": {"query": {"userNameQuery": {"userName": ""}}}}]}),
                LATEST
            ),
            "invalid ListUsersRequest.Queries[0]: embedded message failed validation | caused by: \
             invalid SearchQuery.NotQuery: embedded message failed validation | caused by: \
             invalid NotQuery.Query: embedded message failed validation | caused by: \
             invalid SearchQuery.UserNameQuery: embedded message failed validation | caused by: \
             invalid UserNameQuery.UserName: value length must be between 1 and 200 runes, inclusive"
        );
        let phone = json!({"queries": [{"phoneQuery": {"number": "0".repeat(21)}}]});
        assert!(
            invalid(phone, LATEST)
                .ends_with("invalid PhoneQuery.Number: value length must be at most 20 runes")
        );
        let long = "x".repeat(201);
        let r = decode_email_code(
            json!({"sendCode": {"urlTemplate": long}}).to_string().as_bytes(),
            "X",
        )
        .unwrap();
        assert_eq!(
            validate_email_code(&r, "ResendEmailCodeRequest")
                .unwrap_err()
                .text,
            "invalid ResendEmailCodeRequest.SendCode: embedded message failed validation | caused by: \
             invalid SendEmailVerificationCode.UrlTemplate: value length must be between 1 and 200 runes, inclusive"
        );
        assert!(validate_user_id("", "GetUserByIDRequest").is_err());
    }
}
