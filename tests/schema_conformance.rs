//! Proof against ZITADEL's published protobuf schemas (issue 11): every request body the client
//! builds, captured from the demo's request log after the real client code path sent it, and
//! every answer the demo gives, success and error, parse as their proto messages with unknown
//! fields refused. Schemas: tests/schemas/ (see its README; regenerate with
//! scripts/vendor-zitadel-schemas.sh).
//!
//! Real mismatches found are not hidden: they are listed in `KNOWN_…_MISMATCHES` (and
//! /work/notes/schema-mismatches.md) and the test fails when a listed one no longer occurs, so
//! the list only shrinks.

mod common;
mod proto_schema;

use common::*;
use proto_schema::{Schema, Verdict};
use zitadesk::api::query::{ListSort, MatchMode, Page, list_users_request, parse_search};
use zitadesk::api::template::check_url_template;
use zitadesk::api::wire::UserFieldName;
use zitadesk::api::{Action, ApiFlavour, Client, CodeMode, EmailVerification, PhoneMode, ResetMode};
use zitadesk::demo::{
    ADMIN_TOKEN, DemoConfig, DemoServer, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN, ZitadelVersion,
};

/// One emulated ZITADEL line: the demo's set-up for it and the schemas it must conform to.
/// Another version is one more line here.
struct Version {
    name: &'static str,
    schema: &'static [u8],
    demo: fn() -> DemoConfig,
    /// Whether each answer case must succeed or fail as its name says. The names describe
    /// the latest release; an older line answers some of them otherwise (no send call before
    /// v2.67, no Connect paths before v4.0), so there only the schema is checked.
    as_named: bool,
}

const V4_13: &[u8] = include_bytes!("schemas/zitadel-v4.13.1.binpb");

/// The demo of an older line, checked against v4.13.1's schemas: every message an older line
/// sends is one v4.13.1 still defines (ZITADEL's v2 API only adds fields), so an answer that
/// does not parse there is one no release sends.
const fn older(name: &'static str, demo: fn() -> DemoConfig) -> Version {
    Version {
        name,
        schema: V4_13,
        demo,
        as_named: false,
    }
}

fn demo_of(version: ZitadelVersion) -> DemoConfig {
    DemoConfig {
        generated_users: 0,
        version,
        ..DemoConfig::default()
    }
}

const VERSIONS: &[Version] = &[
    Version {
        name: "default (4.13)",
        schema: V4_13,
        demo: || DemoConfig {
            generated_users: 0,
            ..DemoConfig::default()
        },
        as_named: true,
    },
    older("2.66", || demo_of(ZitadelVersion::V2_66)),
    older("3.0", || demo_of(ZitadelVersion::V3_0)),
    older("4.0", || demo_of(ZitadelVersion::V4_0)),
    older("4.8", || demo_of(ZitadelVersion::V4_8)),
];

/// Mismatches known today: (case name, a piece of the validation error), in request bodies
/// and in answers. Fixing one makes its case pass, and then the test fails until the line is
/// removed. Also in /work/notes/schema-mismatches.md.
const KNOWN_REQUEST_MISMATCHES: &[(&str, &str)] = &[
    // src/api/client.rs `my_permissions` sends `{}`; the rule `post:
    // "/permissions/zitadel/me/_search"` has no `body`, so grpc-gateway reads none (harmless:
    // the request message is empty). Sending no body would match the schema.
    (
        "request POST /auth/v1/permissions/zitadel/me/_search",
        "ListMyZitadelPermissions takes no body",
    ),
];
const KNOWN_ANSWER_MISMATCHES: &[(&str, &str)] = &[];

/// The demo's routes (parsed from src/demo/routes.rs) that speak no protobuf, and why.
const NOT_PROTOBUF: &[(&str, &str)] = &[
    (
        "/.well-known/openid-configuration",
        "OpenID Connect discovery (JSON, not protobuf)",
    ),
    ("/oauth/v2/token", "OAuth 2.0 token endpoint (RFC 6749 form/JSON)"),
    (
        "/oauth/v2/device_authorization",
        "OAuth 2.0 device grant (RFC 8628)",
    ),
    ("/oauth/v2/revoke", "OAuth 2.0 token revocation (RFC 7009)"),
    ("/oidc/v1/userinfo", "OpenID Connect userinfo (JSON claims)"),
    ("/device", "the device verification page (HTML)"),
    ("/debug/healthz", "plain-text health check"),
    ("/", "the base URL's redirect to the login (302, no body)"),
];

const ROUTES_SOURCE: &str = include_str!("../src/demo/routes.rs");
const CONNECT_SOURCE: &str = include_str!("../src/demo/user_service.rs");

const ACME_ORG: &str = "281465201463541763";

/// Every search the console and `users list` can send: each prefix the parser knows, each
/// state and type, negation, quoting, long digit runs (ID) and combinations.
const SEARCHES: &[&str] = &[
    "",
    "jane",
    "Jane Doe",
    "\"Jane Doe\"",
    "300000000000000101",
    "email:acme.example",
    "user:jane",
    "name:\"Jane Doe\"",
    "first:Jane",
    "last:Doe",
    "login:jane@acme",
    "phone:+4179",
    "id:300000000000000101",
    "id:300000000000000101,300000000000000212",
    "state:active",
    "state:inactive",
    "state:locked",
    "state:initial",
    "state:deleted",
    "type:human",
    "type:machine",
    "org:281465201463541763",
    "-state:locked",
    "-jane",
    "-email:globex",
    "jane state:active type:human -email:globex org:281465201463541763 phone:+41",
];

const SORT_COLUMNS: &[UserFieldName] = &[
    UserFieldName::Unspecified,
    UserFieldName::UserName,
    UserFieldName::FirstName,
    UserFieldName::LastName,
    UserFieldName::NickName,
    UserFieldName::DisplayName,
    UserFieldName::Email,
    UserFieldName::State,
    UserFieldName::Type,
    UserFieldName::CreationDate,
];

fn code_modes() -> Vec<CodeMode> {
    vec![
        CodeMode::Send { url_template: None },
        CodeMode::Send {
            url_template: Some(
                check_url_template("https://id.example.com/verify?user={{.UserID}}&code={{.Code}}")
                    .expect("a valid template"),
            ),
        },
        CodeMode::Return,
    ]
}

fn with_api(demo: &DemoServer, api: ApiFlavour) -> Client {
    let mut c = config(demo, zitadesk::api::auth::Credentials::token(ADMIN_TOKEN));
    c.api = api;
    Client::new(c).expect("client builds")
}

/// Drives every request builder of src/api through the real client against the demo. Errors
/// are fine here (a verified user has no code to resend): the body was sent all the same.
async fn drive_the_client(demo: &DemoServer) {
    let c = client(demo, ADMIN_TOKEN);
    for mode in [MatchMode::Contains, MatchMode::Prefix] {
        for search in SEARCHES {
            let queries = parse_search(search, mode).expect("every listed search parses");
            let page = Page { offset: 0, limit: 20 };
            let _ = c
                .list_users(&list_users_request(queries, None, page, ListSort::default()))
                .await;
        }
    }
    for &column in SORT_COLUMNS {
        for ascending in [true, false] {
            let page = Page { offset: 5, limit: 0 };
            let sort = ListSort { column, ascending };
            let request = list_users_request(Vec::new(), Some(ACME_ORG), page, sort);
            let _ = c.list_users(&request).await;
        }
    }
    let queries = parse_search("jane", MatchMode::Contains).expect("parses");
    let _ = c
        .list_users_upto(
            &list_users_request(queries, None, Page { offset: 0, limit: 0 }, ListSort::default()),
            2500,
            3,
        )
        .await;

    let users = all_users(&c).await;
    let unverified = users.iter().find(|u| is_unverified_human(u)).expect("seed");
    let verified = users.iter().find(|u| is_verified_human(u)).expect("seed");
    for user in [unverified, verified] {
        let _ = c.get_user(&user.user_id).await;
        let _ = c.list_auth_methods(&user.user_id).await;
        let org = user
            .details
            .as_ref()
            .map(|d| d.resource_owner.clone())
            .unwrap_or_default();
        let _ = c.user_history(&user.user_id, &org, 50).await;
    }
    let v3 = with_api(demo, ApiFlavour::V3Alpha);
    for mode in code_modes() {
        for user in [unverified, verified] {
            let _ = c.resend_email_code(&user.user_id, &mode).await;
            let _ = c.send_email_code(&user.user_id, &mode).await;
            let _ = v3.resend_email_code(&user.user_id, &mode).await;
        }
    }
    // Every remedy's body in each of its modes, for a user it suits (refusals are fine: the
    // body was sent all the same).
    for action in remedies() {
        for user in [unverified, verified] {
            let _ = c.apply(&user.user_id, &action).await;
        }
    }
    let _ = c.my_permissions(None).await;
    let _ = c.my_permissions(Some(ACME_ORG)).await;
    let _ = c.org_directory().await;
}

/// Every remedy action (issue 12) in every mode the client can build.
fn remedies() -> Vec<Action> {
    let mut actions = Vec::new();
    for mode in code_modes() {
        actions.push(Action::Invite {
            mode: mode.clone(),
            application_name: Some("Portal".to_owned()),
        });
        actions.push(Action::Invite {
            mode: mode.clone(),
            application_name: None,
        });
        actions.push(Action::SetEmail {
            email: "schema.body@acme.example".to_owned(),
            verification: EmailVerification::Code(mode),
        });
    }
    actions.push(Action::SetEmail {
        email: "schema.vouched@acme.example".to_owned(),
        verification: EmailVerification::Verified,
    });
    actions.push(Action::PhoneCode(PhoneMode::Send));
    actions.push(Action::PhoneCode(PhoneMode::Return));
    actions.push(Action::PasswordReset(ResetMode::Email { url_template: None }));
    actions.push(Action::PasswordReset(ResetMode::Email {
        url_template: Some(check_url_template("https://id.example.com/reset?c={{.Code}}").expect("valid")),
    }));
    actions.push(Action::PasswordReset(ResetMode::Sms));
    actions.push(Action::PasswordReset(ResetMode::Return));
    actions.push(Action::Unlock);
    actions.push(Action::Reactivate);
    actions
}

/// Requests the test sends itself to provoke every kind of answer, success and error, on
/// every protobuf route: (case name, HTTP method, path, token, body). A name ending in " ok"
/// must succeed, " any" may do either (the v3alpha resend differs by emulated version), every
/// other must fail. `{u}` is an unverified user with a pending code, `{v}` a verified one,
/// `{m}` a machine, `{i}` a user in state initial, `{l}` a locked one, `{d}` an inactive one,
/// `{p}` one with an unverified phone. Cases run in order, so a success can set up the refusal
/// after it (unlocked, then "not locked").
const ANSWER_CASES: &[(&str, &str, &str, Option<&str>, &str)] = &[
    (
        "list ok",
        "POST",
        "/v2/users",
        Some(ADMIN_TOKEN),
        r#"{"query":{"limit":3}}"#,
    ),
    (
        "list search ok",
        "POST",
        "/v2/users",
        Some(ADMIN_TOKEN),
        r#"{"query":{"limit":3},"queries":[{"stateQuery":{"state":"USER_STATE_ACTIVE"}}]}"#,
    ),
    ("list no token", "POST", "/v2/users", None, "{}"),
    ("list bad token", "POST", "/v2/users", Some("nope"), "{}"),
    ("list bad json", "POST", "/v2/users", Some(ADMIN_TOKEN), "{"),
    (
        "list unknown query",
        "POST",
        "/v2/users",
        Some(ADMIN_TOKEN),
        r#"{"queries":[{"nopeQuery":{}}]}"#,
    ),
    (
        "list empty query",
        "POST",
        "/v2/users",
        Some(ADMIN_TOKEN),
        r#"{"queries":[{}]}"#,
    ),
    (
        "list value too long",
        "POST",
        "/v2/users",
        Some(ADMIN_TOKEN),
        r#"{"queries":[{"userNameQuery":{"userName":""}}]}"#,
    ),
    (
        "list no member ok",
        "POST",
        "/v2/users",
        Some(NO_MEMBER_TOKEN),
        r#"{"query":{"limit":3}}"#,
    ),
    ("get ok", "GET", "/v2/users/{u}", Some(ADMIN_TOKEN), ""),
    ("get machine ok", "GET", "/v2/users/{m}", Some(ADMIN_TOKEN), ""),
    ("get unknown", "GET", "/v2/users/1", Some(ADMIN_TOKEN), ""),
    ("get no member", "GET", "/v2/users/{u}", Some(NO_MEMBER_TOKEN), ""),
    ("get no token", "GET", "/v2/users/{u}", None, ""),
    (
        "auth methods ok",
        "GET",
        "/v2/users/{v}/authentication_methods",
        Some(ADMIN_TOKEN),
        "",
    ),
    (
        "auth methods unknown user ok",
        "GET",
        "/v2/users/1/authentication_methods",
        Some(ADMIN_TOKEN),
        "",
    ),
    (
        "auth methods no member",
        "GET",
        "/v2/users/{v}/authentication_methods",
        Some(NO_MEMBER_TOKEN),
        "",
    ),
    (
        "resend return ok",
        "POST",
        "/v2/users/{u}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "resend send ok",
        "POST",
        "/v2/users/{u}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{"urlTemplate":"https://x.example/{{.Code}}"}}"#,
    ),
    (
        "resend nothing pending",
        "POST",
        "/v2/users/{v}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "resend machine",
        "POST",
        "/v2/users/{m}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "resend initial",
        "POST",
        "/v2/users/{i}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "resend bad template",
        "POST",
        "/v2/users/{u}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{"urlTemplate":"{{.Code"}}"#,
    ),
    (
        "resend unknown field in template",
        "POST",
        "/v2/users/{u}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{"urlTemplate":"https://x/{{.Nope}}"}}"#,
    ),
    (
        "resend reader",
        "POST",
        "/v2/users/{u}/email/resend",
        Some(READER_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "resend unknown user",
        "POST",
        "/v2/users/1/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "resend both modes",
        "POST",
        "/v2/users/{u}/email/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{},"returnCode":{}}"#,
    ),
    (
        "send return ok",
        "POST",
        "/v2/users/{v}/email/send",
        Some(ADMIN_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "send send ok",
        "POST",
        "/v2/users/{v}/email/send",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "send machine",
        "POST",
        "/v2/users/{m}/email/send",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "send reader",
        "POST",
        "/v2/users/{v}/email/send",
        Some(READER_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "v3alpha resend any",
        "POST",
        "/resources/v3alpha/users/{u}/email/_resend",
        Some(ADMIN_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "v3alpha resend verified any",
        "POST",
        "/resources/v3alpha/users/{v}/email/_resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "v3alpha resend unknown",
        "POST",
        "/resources/v3alpha/users/1/email/_resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "connect list ok",
        "POST",
        "/zitadel.user.v2.UserService/ListUsers",
        Some(ADMIN_TOKEN),
        r#"{"query":{"limit":2}}"#,
    ),
    (
        "connect get ok",
        "POST",
        "/zitadel.user.v2.UserService/GetUserByID",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{u}"}"#,
    ),
    (
        "connect get unknown",
        "POST",
        "/zitadel.user.v2.UserService/GetUserByID",
        Some(ADMIN_TOKEN),
        r#"{"userId":"1"}"#,
    ),
    (
        "connect auth methods ok",
        "POST",
        "/zitadel.user.v2.UserService/ListAuthenticationMethodTypes",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{v}"}"#,
    ),
    (
        "connect resend ok",
        "POST",
        "/zitadel.user.v2.UserService/ResendEmailCode",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{u}","returnCode":{}}"#,
    ),
    (
        "connect resend machine",
        "POST",
        "/zitadel.user.v2.UserService/ResendEmailCode",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{m}","sendCode":{}}"#,
    ),
    (
        "connect send ok",
        "POST",
        "/zitadel.user.v2.UserService/SendEmailCode",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{v}","returnCode":{}}"#,
    ),
    (
        "connect no token",
        "POST",
        "/zitadel.user.v2.UserService/ListUsers",
        None,
        "{}",
    ),
    (
        "connect unknown method",
        "POST",
        "/zitadel.user.v2.UserService/DeleteUser",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "orgs ok",
        "POST",
        "/v2/organizations/_search",
        Some(ADMIN_TOKEN),
        r#"{"query":{"limit":1000,"asc":true}}"#,
    ),
    (
        "orgs one org ok",
        "POST",
        "/v2/organizations/_search",
        Some(ORG_TOKEN),
        r#"{"query":{"offset":"1","limit":2}}"#,
    ),
    (
        "orgs no member ok",
        "POST",
        "/v2/organizations/_search",
        Some(NO_MEMBER_TOKEN),
        "{}",
    ),
    ("orgs no token", "POST", "/v2/organizations/_search", None, "{}"),
    (
        "orgs bad json",
        "POST",
        "/v2/organizations/_search",
        Some(ADMIN_TOKEN),
        "{",
    ),
    (
        "permissions ok",
        "POST",
        "/auth/v1/permissions/zitadel/me/_search",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "permissions no member ok",
        "POST",
        "/auth/v1/permissions/zitadel/me/_search",
        Some(NO_MEMBER_TOKEN),
        "{}",
    ),
    (
        "permissions no token",
        "POST",
        "/auth/v1/permissions/zitadel/me/_search",
        None,
        "{}",
    ),
    (
        "history ok",
        "POST",
        "/management/v1/users/{u}/changes/_search",
        Some(ADMIN_TOKEN),
        r#"{"query":{"limit":50,"asc":false}}"#,
    ),
    (
        "history no token",
        "POST",
        "/management/v1/users/{u}/changes/_search",
        None,
        r#"{"query":{"limit":50}}"#,
    ),
    (
        "history no member",
        "POST",
        "/management/v1/users/{u}/changes/_search",
        Some(NO_MEMBER_TOKEN),
        "{}",
    ),
    // The remedies (issue 12). `{i}` has no way to sign in yet, but is initial (no reset,
    // no new address); `{l}` is locked, `{d}` inactive, `{p}` has an unverified phone.
    (
        "invite return ok",
        "POST",
        "/v2/users/{i}/invite_code",
        Some(ADMIN_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "invite already set up",
        "POST",
        "/v2/users/{u}/invite_code",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{"urlTemplate":"https://x.example/{{.Code}}","applicationName":"Portal"}}"#,
    ),
    (
        "invite unknown user",
        "POST",
        "/v2/users/1/invite_code",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "invite reader",
        "POST",
        "/v2/users/{i}/invite_code",
        Some(READER_TOKEN),
        "{}",
    ),
    (
        "invite bad template",
        "POST",
        "/v2/users/{i}/invite_code",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{"urlTemplate":"{{.Code"}}"#,
    ),
    (
        "set email return ok",
        "POST",
        "/v2/users/{u}/email",
        Some(ADMIN_TOKEN),
        r#"{"email":"schema.case@acme.example","returnCode":{}}"#,
    ),
    (
        "set email verified ok",
        "POST",
        "/v2/users/{v}/email",
        Some(ADMIN_TOKEN),
        r#"{"email":"schema.verified@acme.example","isVerified":true}"#,
    ),
    (
        "set email unchanged",
        "POST",
        "/v2/users/{v}/email",
        Some(ADMIN_TOKEN),
        r#"{"email":"schema.verified@acme.example","sendCode":{}}"#,
    ),
    (
        "set email not an address",
        "POST",
        "/v2/users/{v}/email",
        Some(ADMIN_TOKEN),
        r#"{"email":"nope","sendCode":{}}"#,
    ),
    (
        "set email machine",
        "POST",
        "/v2/users/{m}/email",
        Some(ADMIN_TOKEN),
        r#"{"email":"m@acme.example"}"#,
    ),
    (
        "set email no member",
        "POST",
        "/v2/users/{v}/email",
        Some(NO_MEMBER_TOKEN),
        r#"{"email":"x@acme.example","sendCode":{}}"#,
    ),
    (
        "phone resend return ok",
        "POST",
        "/v2/users/{p}/phone/resend",
        Some(ADMIN_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "phone resend send ok",
        "POST",
        "/v2/users/{p}/phone/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "phone resend nothing pending",
        "POST",
        "/v2/users/{u}/phone/resend",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "phone resend machine",
        "POST",
        "/v2/users/{m}/phone/resend",
        Some(ADMIN_TOKEN),
        r#"{"sendCode":{}}"#,
    ),
    (
        "password reset mail ok",
        "POST",
        "/v2/users/{v}/password_reset",
        Some(ADMIN_TOKEN),
        r#"{"sendLink":{"notificationType":"NOTIFICATION_TYPE_Email","urlTemplate":"https://x.example/{{.Code}}"}}"#,
    ),
    (
        "password reset return ok",
        "POST",
        "/v2/users/{v}/password_reset",
        Some(ADMIN_TOKEN),
        r#"{"returnCode":{}}"#,
    ),
    (
        "password reset initial",
        "POST",
        "/v2/users/{i}/password_reset",
        Some(ADMIN_TOKEN),
        r#"{"sendLink":{"notificationType":"NOTIFICATION_TYPE_SMS"}}"#,
    ),
    (
        "password reset unknown",
        "POST",
        "/v2/users/1/password_reset",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "unlock ok",
        "POST",
        "/v2/users/{l}/unlock",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "unlock not locked",
        "POST",
        "/v2/users/{l}/unlock",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "unlock unknown",
        "POST",
        "/v2/users/1/unlock",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "reactivate ok",
        "POST",
        "/v2/users/{d}/reactivate",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "reactivate not inactive",
        "POST",
        "/v2/users/{d}/reactivate",
        Some(ADMIN_TOKEN),
        "{}",
    ),
    (
        "reactivate reader",
        "POST",
        "/v2/users/{d}/reactivate",
        Some(READER_TOKEN),
        "{}",
    ),
    (
        "connect invite unknown",
        "POST",
        "/zitadel.user.v2.UserService/CreateInviteCode",
        Some(ADMIN_TOKEN),
        r#"{"userId":"1","returnCode":{}}"#,
    ),
    (
        "connect set email ok",
        "POST",
        "/zitadel.user.v2.UserService/SetEmail",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{u}","email":"schema.connect@acme.example","returnCode":{}}"#,
    ),
    (
        "connect phone resend ok",
        "POST",
        "/zitadel.user.v2.UserService/ResendPhoneCode",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{p}","returnCode":{}}"#,
    ),
    (
        "connect password reset ok",
        "POST",
        "/zitadel.user.v2.UserService/PasswordReset",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{v}","returnCode":{}}"#,
    ),
    (
        "connect unlock not locked",
        "POST",
        "/zitadel.user.v2.UserService/UnlockUser",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{v}"}"#,
    ),
    (
        "connect reactivate not inactive",
        "POST",
        "/zitadel.user.v2.UserService/ReactivateUser",
        Some(ADMIN_TOKEN),
        r#"{"userId":"{v}"}"#,
    ),
    ("no such route", "GET", "/v2/nothing", Some(ADMIN_TOKEN), ""),
    ("wrong method", "DELETE", "/v2/users", Some(ADMIN_TOKEN), ""),
];

struct Ids {
    unverified: String,
    verified: String,
    machine: String,
    initial: String,
    locked: String,
    inactive: String,
    phone: String,
}

impl Ids {
    async fn find(demo: &DemoServer) -> Ids {
        let users = all_users(&client(demo, ADMIN_TOKEN)).await;
        let pick = |what: &str, pred: &dyn Fn(&zitadesk::api::wire::User) -> bool| {
            users
                .iter()
                .find(|u| pred(u))
                .map(|u| u.user_id.clone())
                .unwrap_or_else(|| panic!("the demo seed has no {what}"))
        };
        Ids {
            unverified: pick("unverified human", &is_unverified_human),
            verified: pick("verified human", &is_verified_human),
            machine: pick("machine user", &|u| u.machine.is_some()),
            initial: pick("initial user", &|u| {
                u.state == zitadesk::api::wire::UserState::Initial
            }),
            locked: pick("locked user", &|u| {
                u.state == zitadesk::api::wire::UserState::Locked
            }),
            inactive: pick("inactive user", &|u| {
                u.state == zitadesk::api::wire::UserState::Inactive
            }),
            phone: pick("user with an unverified phone", &|u| {
                u.state == zitadesk::api::wire::UserState::Active
                    && u.human
                        .as_ref()
                        .and_then(|h| h.phone.as_ref())
                        .is_some_and(|p| !p.phone.is_empty() && !p.is_verified)
            }),
        }
    }

    fn fill(&self, s: &str) -> String {
        s.replace("{u}", &self.unverified)
            .replace("{v}", &self.verified)
            .replace("{m}", &self.machine)
            .replace("{i}", &self.initial)
            .replace("{l}", &self.locked)
            .replace("{d}", &self.inactive)
            .replace("{p}", &self.phone)
    }
}

/// Answers from every case in `ANSWER_CASES`, each checked against the schema: the name and,
/// for a mismatch, why.
async fn check_answers(demo: &DemoServer, schema: &Schema, as_named: bool) -> (usize, Vec<(String, String)>) {
    let ids = Ids::find(demo).await;
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client");
    let mut failures = Vec::new();
    let mut unexpected = Vec::new();
    for (name, method, path, token, body) in ANSWER_CASES {
        let path = ids.fill(path);
        let mut request = http
            .request(method.parse().expect("method"), format!("{}{path}", demo.url()))
            .header("content-type", "application/json")
            .body(ids.fill(body));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer = request.send().await.expect("the demo answers");
        let status = answer.status().as_u16();
        let text = answer.text().await.expect("an answer body");
        // A case named "… ok" must succeed and every other one fail, so each case proves the
        // kind of answer it claims to.
        let success = (200..300).contains(&status);
        if as_named && !name.ends_with(" any") && success != name.ends_with(" ok") {
            unexpected.push(format!("{name}: {status} {text}"));
        }
        // A line without Connect paths (before v4.0) answers them as the REST gateway's
        // routing miss: a `google.rpc.Status`, checked as on any unrouted REST path.
        let checked = match schema.check_answer(method, &path, status, &text) {
            Err(_) if !as_named && status == 404 && path.starts_with("/zitadel.") => {
                schema.check_answer(method, "/v2/unrouted", status, &text)
            }
            other => other,
        };
        if let Err(why) = checked {
            failures.push((name.to_string(), format!("{status} {text}: {why}")));
        }
    }
    assert!(
        unexpected.is_empty(),
        "cases that did not answer as named:\n{}",
        unexpected.join("\n")
    );
    (ANSWER_CASES.len(), failures)
}

/// Every API request in the demo's log checked against its request message.
fn check_requests(demo: &DemoServer, schema: &Schema) -> (usize, Vec<(String, String)>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for r in demo.requests() {
        match schema.check_request(&r.method, &r.path, &r.body) {
            // Token exchanges and discovery are OAuth/OIDC; anything else must be in the schema.
            Verdict::NotProtobuf if is_oauth(&r.path) => {}
            Verdict::NotProtobuf => failures.push((
                format!("request {} {}", r.method, r.path),
                "no schema method serves this path".to_owned(),
            )),
            Verdict::Checked(Ok(())) => checked += 1,
            Verdict::Checked(Err(why)) => {
                checked += 1;
                failures.push((
                    format!("request {} {}", r.method, r.path),
                    format!("{}: {why}", r.body),
                ));
            }
        }
    }
    (checked, failures)
}

fn is_oauth(path: &str) -> bool {
    NOT_PROTOBUF.iter().any(|(route, _)| *route == path)
}

/// Fails on any mismatch not listed, and on any listed one that no longer occurs.
fn judge(version: &str, failures: &[(String, String)], known_list: &[(&str, &str)]) {
    let known = |case: &str, why: &str| {
        known_list
            .iter()
            .any(|(c, piece)| case == *c && why.contains(piece))
    };
    let new: Vec<_> = failures.iter().filter(|(c, w)| !known(c, w)).collect();
    let fixed: Vec<_> = known_list
        .iter()
        .filter(|(c, piece)| !failures.iter().any(|(fc, fw)| fc == c && fw.contains(piece)))
        .collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{version}: mismatches against the schema:\n{}\nlisted as known but no longer seen (remove them from the KNOWN_… list): {fixed:?}",
        new.iter()
            .map(|(c, w)| format!("  {c}: {w}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[tokio::test]
async fn every_request_body_the_client_builds_conforms_to_the_schema() {
    for version in VERSIONS {
        let schema = Schema::load(version.schema);
        let demo = demo_with((version.demo)()).await;
        drive_the_client(&demo).await;
        let (checked, failures) = check_requests(&demo, &schema);
        eprintln!("{}: {checked} request bodies validated", version.name);
        // Each search in both match modes, every sort, paging, get/auth methods for two
        // users, three code modes × (resend, send, v3alpha) × two users, the remedies × two
        // users, two permission calls.
        assert!(
            checked >= SEARCHES.len() * 2 + SORT_COLUMNS.len() * 2 + 4 + 18 + remedies().len() * 2 + 2,
            "{checked}"
        );
        judge(version.name, &failures, KNOWN_REQUEST_MISMATCHES);
    }
}

#[tokio::test]
async fn every_demo_answer_conforms_to_the_schema() {
    for version in VERSIONS {
        let schema = Schema::load(version.schema);
        let demo = demo_with((version.demo)()).await;
        let (checked, failures) = check_answers(&demo, &schema, version.as_named).await;
        eprintln!("{}: {checked} answers validated", version.name);
        judge(version.name, &failures, KNOWN_ANSWER_MISMATCHES);
    }
}

/// The routes the demo serves, as written in src/demo/routes.rs.
fn demo_routes() -> Vec<String> {
    ROUTES_SOURCE
        .split(".route(")
        .skip(1)
        .filter_map(|rest| rest.split('"').nth(1).map(str::to_owned))
        .collect()
}

/// The Connect methods the demo dispatches, as written in src/demo/user_service.rs.
fn demo_connect_methods() -> Vec<String> {
    let arms = CONNECT_SOURCE
        .split("match method.as_str() {")
        .nth(1)
        .and_then(|s| s.split("_ =>").next())
        .expect("the Connect dispatch in user_service.rs");
    arms.lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next().map(str::to_owned))
        .collect()
}

#[test]
fn every_demo_route_is_a_schema_route_with_answer_cases_or_named_as_not_protobuf() {
    let routes = demo_routes();
    assert!(routes.len() >= 10, "routes.rs parsed: {routes:?}");
    let schema = Schema::load(VERSIONS[0].schema);
    for route in &routes {
        if NOT_PROTOBUF.iter().any(|(r, _)| r == route) {
            continue;
        }
        if route == "/zitadel.user.v2.UserService/{method}" {
            for method in demo_connect_methods() {
                let path = format!("/zitadel.user.v2.UserService/{method}");
                assert!(
                    schema.connect_method(&path).is_some(),
                    "{path} is not in the schema"
                );
                assert!(
                    ANSWER_CASES.iter().any(|c| c.2 == path),
                    "no answer case for the Connect method {method}"
                );
            }
            continue;
        }
        assert!(
            schema.has_rest_template(route),
            "the demo route {route} matches no google.api.http rule in the schema \
             (a new route needs a schema case here, or an entry in NOT_PROTOBUF)"
        );
        let cases: Vec<_> = ANSWER_CASES
            .iter()
            .filter(|c| {
                proto_schema::template_matches(
                    route,
                    &c.2.replace("{u}", "1")
                        .replace("{v}", "1")
                        .replace("{m}", "1")
                        .replace("{i}", "1")
                        .replace("{l}", "1")
                        .replace("{d}", "1")
                        .replace("{p}", "1"),
                )
            })
            .collect();
        assert!(
            cases
                .iter()
                .any(|c| c.0.ends_with(" ok") || c.0.ends_with(" any")),
            "no success case for {route}"
        );
        assert!(
            cases.iter().any(|c| !c.0.ends_with(" ok")),
            "no error case for {route}"
        );
    }
    for (route, _) in NOT_PROTOBUF {
        assert!(
            routes.iter().any(|r| r == route),
            "{route} is no longer a demo route"
        );
    }
}

#[test]
fn the_schema_check_refuses_what_no_server_would_send() {
    let schema = Schema::load(VERSIONS[0].schema);
    // An unknown field in an answer, also inside an error detail.
    let unknown = schema.check_answer("GET", "/v2/users/1", 200, r#"{"user":{"userId":"1","nope":1}}"#);
    assert!(unknown.as_ref().is_err_and(|e| e.contains("nope")), "{unknown:?}");
    let detail = r#"{"code":5,"message":"x","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"X","nope":1}]}"#;
    assert!(schema.check_answer("GET", "/v2/users/1", 404, detail).is_err());
    let detail = r#"{"code":5,"message":"x","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"X","message":"x"}]}"#;
    assert_eq!(schema.check_answer("GET", "/v2/users/1", 404, detail), Ok(()));
    // An unknown enum value, and a wrong type.
    assert!(
        schema
            .check_answer(
                "GET",
                "/v2/users/1",
                200,
                r#"{"user":{"state":"USER_STATE_SLEEPY"}}"#
            )
            .is_err()
    );
    assert!(
        schema
            .check_answer("POST", "/v2/users", 200, r#"{"details":{"totalResult":true}}"#)
            .is_err()
    );
    // An error detail that is not ZITADEL's, and an unknown key in the error body.
    assert!(
        schema
            .check_answer(
                "POST",
                "/v2/users",
                404,
                r#"{"code":5,"message":"x","details":[{"@type":"type.googleapis.com/nope.Nope"}]}"#
            )
            .is_err()
    );
    assert!(
        schema
            .check_answer(
                "POST",
                "/v2/users",
                404,
                r#"{"code":5,"message":"x","error":"x"}"#
            )
            .is_err()
    );
    assert!(
        schema
            .check_answer(
                "POST",
                "/zitadel.user.v2.UserService/ListUsers",
                404,
                r#"{"code":"lost","message":"x"}"#
            )
            .is_err()
    );
    // A request body with a misspelled key, and a body on a GET.
    assert!(matches!(
        schema.check_request("POST", "/v2/users", r#"{"querys":[]}"#),
        Verdict::Checked(Err(_))
    ));
    assert!(matches!(
        schema.check_request("GET", "/v2/users/1", "{}"),
        Verdict::Checked(Err(_))
    ));
    // …and what is right passes.
    assert!(matches!(
        schema.check_request("POST", "/v2/users/1/email/resend", r#"{"returnCode":{}}"#),
        Verdict::Checked(Ok(()))
    ));
}
