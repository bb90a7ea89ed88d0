//! A user's history: v1 management `ListUserChanges`,
//! `POST /management/v1/users/{userId}/changes/_search` (permission `user.read`).
//!
//! The call searches only the organisation of the request's context — the one named by
//! `x-zitadel-orgid`, else the caller's own (`ResourceOwner(authz.GetCtxData(ctx).OrgID)` in
//! `internal/api/grpc/management/user.go` at v4.13.1) — so it is sent in the user's own
//! organisation; without it, users of other organisations have no history. The answer is
//! `{"result": [Change…]}` with no `details` (`proto/zitadel/management.proto`,
//! `proto/zitadel/change.proto`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::wire::u64_string;

/// How many events the console and `users history` ask for by default.
pub const DEFAULT_HISTORY: u32 = 50;
/// The most `users history --limit` sends: ZITADEL's default maximum for event searches.
pub const MAX_HISTORY: u32 = 1000;

/// `zitadel.management.v1.ListUserChangesRequest` (the user ID travels in the path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListUserChangesRequest {
    pub query: ChangeQuery,
}

/// `zitadel.change.v1.ChangeQuery`. `sequence` (events after it) is not used: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeQuery {
    pub limit: u32,
    pub asc: bool,
}

impl ListUserChangesRequest {
    /// The newest `limit` events (never 0: ZITADEL would then return every event).
    pub fn newest(limit: u32) -> Self {
        ListUserChangesRequest {
            query: ChangeQuery {
                limit: limit.clamp(1, MAX_HISTORY),
                asc: false,
            },
        }
    }
}

/// `zitadel.management.v1.ListUserChangesResponse`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ListUserChangesResponse {
    pub result: Vec<Change>,
}

/// `zitadel.change.v1.Change`: one event on the user.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Change {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<Timestamp>,
    pub event_type: LocalizedMessage,
    #[serde(with = "u64_string")]
    pub sequence: u64,
    pub editor_id: String,
    pub editor_display_name: String,
    pub editor_preferred_login_name: String,
    pub editor_avatar_url: String,
    pub resource_owner_id: String,
}

/// `zitadel.v1.LocalizedMessage`: `key` is the i18n key (`EventTypes.user.locked`),
/// `localizedMessage` its text in the caller's language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalizedMessage {
    pub key: String,
    pub localized_message: String,
}

impl Change {
    /// The event type without the i18n prefix: `user.human.email.code.added`.
    pub fn event_type(&self) -> &str {
        self.event_type
            .key
            .strip_prefix("EventTypes.")
            .unwrap_or(&self.event_type.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_asks_for_the_newest_events_and_never_for_all() {
        let json = serde_json::to_value(ListUserChangesRequest::newest(50)).unwrap();
        assert_eq!(json, serde_json::json!({"query": {"limit": 50, "asc": false}}));
        assert_eq!(ListUserChangesRequest::newest(0).query.limit, 1);
        assert_eq!(ListUserChangesRequest::newest(5000).query.limit, MAX_HISTORY);
    }

    /// The shape of a real answer (protojson: uint64 as a string, camelCase names).
    #[test]
    fn a_change_reads_as_zitadel_writes_it() {
        let json = r#"{"result":[{"changeDate":"2026-11-30T09:15:02.123Z",
            "eventType":{"key":"EventTypes.user.human.email.code.added","localizedMessage":"Email verification code generated"},
            "sequence":"17","editorId":"2001","editorDisplayName":"Olga Berg",
            "editorPreferredLoginName":"olga@acme.example","editorAvatarUrl":"","resourceOwnerId":"1001"}]}"#;
        let answer: ListUserChangesResponse = serde_json::from_str(json).unwrap();
        let change = &answer.result[0];
        assert_eq!(change.event_type(), "user.human.email.code.added");
        assert_eq!(change.sequence, 17);
        assert_eq!(change.editor_display_name, "Olga Berg");
        assert_eq!(
            change.change_date.unwrap().to_string(),
            "2026-11-30T09:15:02.123Z"
        );
    }
}
