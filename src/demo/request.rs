//! Request bodies, decoded the way ZITADEL's stack does it and with its error order:
//! 1. JSON decoding (protojson: unknown keys dropped, two members of a oneof rejected) — this
//!    happens in the gateway, before authentication;
//! 2. proto validation rules (string lengths), after authentication;
//! 3. the handler's own checks (limit, query nesting, empty query).
//!
//! Step 1 answers at once; [`ListDecoded::deferred`] carries a step-3 error found while
//! decoding (an empty oneof or too deep nesting) so the handler can raise it in its turn.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::errors::ApiFailure;
use crate::api::wire::{EmailCodeRequest, ListUsersRequest, SearchQuery};

/// Deepest query nesting ZITADEL accepts (`level > 20` fails).
const MAX_LEVEL: u32 = 20;

/// The `SearchQuery` oneof members our wire type knows.
const QUERY_KINDS: &[&str] = &[
    "userNameQuery",
    "firstNameQuery",
    "lastNameQuery",
    "nickNameQuery",
    "displayNameQuery",
    "emailQuery",
    "phoneQuery",
    "stateQuery",
    "typeQuery",
    "loginNameQuery",
    "inUserIdsQuery",
    "inUserEmailsQuery",
    "organizationIdQuery",
    "orQuery",
    "andQuery",
    "notQuery",
];

pub(crate) struct ListDecoded {
    pub req: ListUsersRequest,
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

/// Decodes a ListUsers body.
pub(crate) fn decode_list(body: &[u8]) -> Result<ListDecoded, ApiFailure> {
    let mut v = parse_object(body)?;
    let mut deferred = None;
    if let Some(queries) = v.get_mut("queries") {
        match queries {
            Value::Array(items) => {
                for item in items {
                    sanitise_query(item, 0, &mut deferred)?;
                }
            }
            Value::Null => *queries = Value::Array(Vec::new()),
            _ => {}
        }
    }
    let req = serde_json::from_value(v).map_err(ApiFailure::bad_body)?;
    Ok(ListDecoded { req, deferred })
}

/// A valid stand-in for an empty query object, so the typed decode can go on; the empty
/// query itself is reported through `deferred`.
fn placeholder() -> Value {
    serde_json::json!({"typeQuery": {}})
}

/// Emulates protojson on one `SearchQuery` object: drops unknown (and null) keys, rejects two
/// oneof members, and records ZITADEL's handler errors in depth-first order.
fn sanitise_query(item: &mut Value, level: u32, deferred: &mut Option<ApiFailure>) -> Result<(), ApiFailure> {
    if level > MAX_LEVEL && deferred.is_none() {
        *deferred = Some(ApiFailure::too_many_nesting_levels());
    }
    let Value::Object(map) = item else {
        return Ok(()); // the typed decode reports the wrong type
    };
    map.retain(|k, v| QUERY_KINDS.contains(&k.as_str()) && !v.is_null());
    if map.len() > 1 {
        return Err(ApiFailure::bad_body(
            "oneof zitadel.user.v2.SearchQuery.query is already set",
        ));
    }
    let Some((kind, inner)) = map.iter_mut().next() else {
        deferred.get_or_insert_with(ApiFailure::invalid_query);
        *item = placeholder();
        return Ok(());
    };
    match (kind.as_str(), inner) {
        ("orQuery" | "andQuery", Value::Object(inner)) => {
            if let Some(Value::Array(subs)) = inner.get_mut("queries") {
                for sub in subs {
                    sanitise_query(sub, level + 1, deferred)?;
                }
            }
        }
        ("notQuery", Value::Object(inner)) => match inner.get_mut("query") {
            Some(sub) if !sub.is_null() => sanitise_query(sub, level + 1, deferred)?,
            _ => {
                // A notQuery without its query: ZITADEL meets an empty query one level down.
                if level + 1 > MAX_LEVEL {
                    deferred.get_or_insert_with(ApiFailure::too_many_nesting_levels);
                }
                deferred.get_or_insert_with(ApiFailure::invalid_query);
                inner.insert("query".to_owned(), placeholder());
            }
        },
        _ => {}
    }
    Ok(())
}

/// Proto validation of ListUsers (string length rules of the text queries).
pub(crate) fn validate_list(req: &ListUsersRequest) -> Result<(), ApiFailure> {
    req.queries.iter().try_for_each(validate_query)
}

fn check_len(value: &str, field: &str, min: usize, max: usize) -> Result<(), ApiFailure> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ApiFailure::length_rule(field, min, max));
    }
    Ok(())
}

fn validate_query(q: &SearchQuery) -> Result<(), ApiFailure> {
    match q {
        SearchQuery::UserNameQuery(q) => check_len(&q.user_name, "UserNameQuery.UserName", 1, 200),
        SearchQuery::FirstNameQuery(q) => check_len(&q.first_name, "FirstNameQuery.FirstName", 1, 200),
        SearchQuery::LastNameQuery(q) => check_len(&q.last_name, "LastNameQuery.LastName", 1, 200),
        SearchQuery::NickNameQuery(q) => check_len(&q.nick_name, "NickNameQuery.NickName", 1, 200),
        SearchQuery::DisplayNameQuery(q) => {
            check_len(&q.display_name, "DisplayNameQuery.DisplayName", 1, 200)
        }
        SearchQuery::EmailQuery(q) => check_len(&q.email_address, "EmailQuery.EmailAddress", 0, 200),
        SearchQuery::PhoneQuery(q) => check_len(&q.number, "PhoneQuery.Number", 0, 20),
        SearchQuery::LoginNameQuery(q) => check_len(&q.login_name, "LoginNameQuery.LoginName", 1, 200),
        SearchQuery::OrganizationIdQuery(q) => {
            check_len(&q.organization_id, "OrganizationIdQuery.OrganizationId", 1, 200)
        }
        SearchQuery::OrQuery(q) => q.queries.iter().try_for_each(validate_query),
        SearchQuery::AndQuery(q) => q.queries.iter().try_for_each(validate_query),
        SearchQuery::NotQuery(q) => validate_query(&q.query),
        SearchQuery::StateQuery(_)
        | SearchQuery::TypeQuery(_)
        | SearchQuery::InUserIdsQuery(_)
        | SearchQuery::InUserEmailsQuery(_) => Ok(()),
    }
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

/// Proto validation of the email code calls: `urlTemplate`, when given, is 1..200 runes.
pub(crate) fn validate_email_code(req: &EmailCodeRequest) -> Result<(), ApiFailure> {
    match req.send_code.as_ref().and_then(|s| s.url_template.as_deref()) {
        Some(t) => check_len(t, "SendEmailVerificationCode.UrlTemplate", 1, 200),
        None => Ok(()),
    }
}

/// Proto validation of a user ID (1..200 runes).
pub(crate) fn validate_user_id(id: &str, message: &str) -> Result<(), ApiFailure> {
    check_len(id, &format!("{message}.UserId"), 1, 200)
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

    fn decode(v: Value) -> Result<ListDecoded, ApiFailure> {
        decode_list(v.to_string().as_bytes())
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
    fn unknown_keys_are_dropped_and_empty_queries_deferred() {
        let d = decode(json!({"queries": [{"userNameQuery": {"userName": "a"}, "typo": 1}]})).unwrap();
        assert!(d.deferred.is_none());
        assert_eq!(d.req.queries.len(), 1);
        let d = decode(json!({"queries": [{"typoQuery": {}}]})).unwrap();
        assert_eq!(d.deferred.unwrap().id, Some("GRPC-vR9nC"));
        let d = decode(json!({"queries": [{"notQuery": {}}]})).unwrap();
        assert_eq!(d.deferred.unwrap().id, Some("GRPC-vR9nC"));
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
        assert!(decode_list(deep.as_bytes()).is_err());
        // Valid JSON, but nested deeper than serde_json's recursion limit.
        let deep_queries = format!(
            "{{\"queries\": [{}{{\"typeQuery\": {{}}}}{}]}}",
            "{\"notQuery\": {\"query\": ".repeat(200),
            "}}".repeat(200)
        );
        assert!(decode_list(deep_queries.as_bytes()).is_err());
        // 60 levels parse, and are refused by the nesting rule instead.
        let deep_queries = format!(
            "{{\"queries\": [{}{{\"typeQuery\": {{}}}}{}]}}",
            "{\"notQuery\": {\"query\": ".repeat(60),
            "}}".repeat(60)
        );
        let d = decode_list(deep_queries.as_bytes()).unwrap();
        assert_eq!(d.deferred.unwrap().id, Some("USER-zsQ97"));
        for body in [
            &b"null"[..],
            b"[]",
            b"\"x\"",
            b"{\"query\": {\"limit\": -1}}",
            b"\xff\xfe",
        ] {
            assert!(decode_list(body).is_err());
        }
        assert!(decode_list(b"  ").is_ok());
        assert!(decode_email_code(b"", "X").is_ok());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode_list(&body);
            let _ = decode_email_code(&body, "X");
            let _ = decode_user_id(&body);
        }

        #[test]
        fn json_like_bodies_never_panic(body in "[\\[\\]{}\":,0-9a-zA-Z ]{0,300}") {
            if let Ok(d) = decode_list(body.as_bytes()) {
                let _ = validate_list(&d.req);
            }
        }
    }

    #[test]
    fn validation_checks_lengths() {
        let d = decode(json!({"queries": [{"notQuery": {"query": {"userNameQuery": {"userName": ""}}}}]}))
            .unwrap();
        assert!(validate_list(&d.req).is_err());
        let long = "x".repeat(201);
        let r = decode_email_code(
            json!({"sendCode": {"urlTemplate": long}}).to_string().as_bytes(),
            "X",
        )
        .unwrap();
        assert!(validate_email_code(&r).is_err());
        assert!(validate_user_id("", "GetUserByIDRequest").is_err());
    }
}
