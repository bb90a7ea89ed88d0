//! Who is who in the demo instance: the fixed bearer tokens, the service account and its key,
//! the device-login app and the user it signs in as.

/// Bearer token with instance-wide `user.read` + `user.write` (like `IAM_USER_MANAGER`).
pub const ADMIN_TOKEN: &str = "demo-admin-token";
/// Bearer token with `user.read` + `user.write` only in the first seed org ("Acme"): users of
/// other orgs are dropped from list pages, and get/resend on them answer 403.
pub const ORG_TOKEN: &str = "demo-org-token";
/// Bearer token with `user.read` everywhere but no `user.write`: resend/send answer 403.
pub const READER_TOKEN: &str = "demo-reader-token";
/// Bearer token of a user without any membership: lists show only its own user, get/resend on
/// anyone else answer 404 `AUTHZ-cdgFk` "membership not found".
pub const NO_MEMBER_TOKEN: &str = "demo-nomember-token";

/// The demo service account key (ZITADEL key-file JSON: `type`, `keyId`, `key`, `userId`).
/// `/oauth/v2/token` accepts JWTs signed with it.
pub const SERVICE_KEY_JSON: &str = include_str!("../../assets/demo-service-key.json");
/// Where [`SERVICE_KEY_JSON`] lives in the source tree, for hints printed to people.
pub const SERVICE_KEY_PATH: &str = "assets/demo-service-key.json";
/// The `keyId` of the demo service key; JWT headers must carry it as `kid`.
pub const SERVICE_KEY_ID: &str = "demo-key-1";
/// The service account's user ID (`iss` and `sub` of its JWTs).
pub const SERVICE_USER_ID: &str = "300000000000000900";

/// The client ID of the demo's native OIDC app (auth method none, grant types device code and
/// refresh token), the only client the device authorization grant accepts.
pub const DEMO_CLIENT_ID: &str = "demo-helpdesk-console@zitadesk-demo";
/// The user that device logins sign in as: Olga Berg (`olga@acme.demo.zitadel.cloud`),
/// helpdesk lead of Acme with ORG_USER_MANAGER there (`user.read` + `user.write` in Acme
/// only) — the same user and rights as [`ORG_TOKEN`]. It is the `sub` of their userinfo.
pub const DEVICE_USER_ID: &str = "300000000000000109";
/// The creator of the events ZITADEL's notification worker writes (`…code.sent`): not a user,
/// so history shows the bare ID (`internal/notification/handlers/ctx.go`).
pub(crate) const NOTIFICATION_EDITOR: &str = "NOTIFICATION";
