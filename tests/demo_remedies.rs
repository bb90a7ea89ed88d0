//! The remedies for "I never got the mail" (issue 12) from the client, against the in-process
//! demo over real HTTP: CreateInviteCode, SetEmail, ResendPhoneCode, PasswordReset,
//! UnlockUser and ReactivateUser, each sent by `Client::apply`. Every success is checked in
//! what the demo shows afterwards (the user, the listing, the pending codes, the history), and
//! every refusal by ZITADEL's error id, HTTP status and the client's reading of it.

mod common;

use common::*;
use serde_json::{Value, json};
use zitadesk::api::error::Refusal;
use zitadesk::api::query::{ListSort, MatchMode, Page, list_users_request, parse_search};
use zitadesk::api::template::check_url_template;
use zitadesk::api::wire::{User, UserState};
use zitadesk::api::{
    Action, ActionResult, ApiError, Client, CodeMode, EmailVerification, PhoneMode, ResetMode,
};
use zitadesk::demo::{
    ADMIN_TOKEN, DemoConfig, DemoServer, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN, ZitadelVersion,
};

const ACME: &str = "281465201463541763";
const GLOBEX: &str = "281465201463607299";
const INITECH: &str = "281465201463672835";
/// Unverified email with a pending code, verified phone, a password.
const JANE: &str = "300000000000000101";
/// Verified email, unverified phone (a phone code waiting), password + TOTP.
const JOHN: &str = "300000000000000102";
/// A passkey only.
const ZOE: &str = "300000000000000104";
const MAX_LOCKED: &str = "300000000000000106";
const ERIKA_INACTIVE: &str = "300000000000000107";
/// State initial, no way to sign in.
const PAUL_INITIAL: &str = "300000000000000108";
const MACHINE: &str = "300000000000000114";
/// An identity-provider link only.
const IDP_USER: &str = "300000000000000115";
const HOMER: &str = "300000000000000202";
/// The reader token's own user (Globex).
const RITA_READER: &str = "300000000000000204";
const INGRID_INITIAL: &str = "300000000000000208";
const MILTON_LOCKED: &str = "300000000000000302";
/// The no-member token's own user (Initech), a password.
const NICO_NO_MEMBER: &str = "300000000000000304";

async fn demo_of(version: ZitadelVersion) -> DemoServer {
    demo_with(DemoConfig {
        generated_users: 0,
        version,
        ..DemoConfig::default()
    })
    .await
}

fn template(t: &str) -> Option<zitadesk::api::template::UrlTemplate> {
    Some(check_url_template(t).expect("a valid template"))
}

fn invite(mode: CodeMode) -> Action {
    Action::Invite {
        mode,
        application_name: None,
    }
}

fn set_email(email: &str, verification: EmailVerification) -> Action {
    Action::SetEmail {
        email: email.to_owned(),
        verification,
    }
}

/// HTTP status and ZITADEL's error id of a refusal.
fn refused(e: &ApiError) -> (u16, String) {
    let s = e
        .status()
        .unwrap_or_else(|| panic!("not a ZITADEL answer: {e:?}"));
    (s.http, s.id.clone().unwrap_or_default())
}

async fn refusal(c: &Client, user: &str, action: &Action) -> (u16, String) {
    let e = c.apply(user, action).await.expect_err("ZITADEL refuses this");
    refused(&e)
}

/// The user's event types, oldest first, as the client reads the history.
async fn history(demo: &DemoServer, user: &str, org: &str) -> Vec<String> {
    let mut changes = client(demo, ADMIN_TOKEN)
        .user_history(user, org, 1000)
        .await
        .expect("history");
    changes.reverse();
    changes.iter().map(|c| c.event_type().to_owned()).collect()
}

/// The newest `n` event types, oldest first.
async fn newest(demo: &DemoServer, user: &str, org: &str, n: usize) -> Vec<String> {
    let all = history(demo, user, org).await;
    all[all.len().saturating_sub(n)..].to_vec()
}

async fn user(demo: &DemoServer, id: &str) -> User {
    client(demo, ADMIN_TOKEN).get_user(id).await.expect("get user")
}

fn email_of(u: &User) -> (String, bool) {
    let e = u
        .human
        .as_ref()
        .and_then(|h| h.email.clone())
        .expect("a human with an email");
    (e.email, e.is_verified)
}

fn sequence_of(u: &User) -> u64 {
    u.details.as_ref().map_or(0, |d| d.sequence)
}

fn code_of(r: &ActionResult) -> String {
    r.code.as_ref().expect("a returned code").expose().to_owned()
}

/// The IDs a search finds, as the console's search line sends it.
async fn search(c: &Client, text: &str) -> Vec<String> {
    let queries = parse_search(text, MatchMode::Contains).expect("the search parses");
    let page = Page {
        offset: 0,
        limit: 1000,
    };
    let request = list_users_request(queries, None, page, ListSort::default());
    let found = c.list_users(&request).await.expect("list users");
    found.result.into_iter().map(|u| u.user_id).collect()
}

/// A request the client would not send (it checks templates and shapes first): the raw answer.
async fn raw_post(demo: &DemoServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
        .post(format!("{}{path}", demo.url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("the demo answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON answer"))
}

// --- CreateInviteCode ---------------------------------------------------------------------

#[tokio::test]
async fn an_invite_returned_then_mailed_is_recorded_with_its_mail() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let before = sequence_of(&user(&demo, PAUL_INITIAL).await);

    let returned = c.apply(PAUL_INITIAL, &invite(CodeMode::Return)).await.unwrap();
    let code = code_of(&returned);
    assert_eq!(code.len(), 6, "{code}");
    assert_eq!(returned.sequence, Some(before + 1));
    assert_eq!(returned.resource_owner, ACME);
    assert!(
        returned.raw.verification_code.is_none(),
        "an invite answers `inviteCode`"
    );
    assert_eq!(
        newest(&demo, PAUL_INITIAL, ACME, 1).await,
        ["user.human.invite.code.added"],
        "a returned code is not mailed"
    );

    let mailed = Action::Invite {
        mode: CodeMode::Send {
            url_template: template("https://portal.example/invite?u={{.UserID}}&c={{.Code}}"),
        },
        application_name: Some("Portal".into()),
    };
    let r = c.apply(PAUL_INITIAL, &mailed).await.unwrap();
    assert!(r.code.is_none());
    assert_eq!(r.sequence, Some(before + 2));
    assert_eq!(
        newest(&demo, PAUL_INITIAL, ACME, 3).await,
        [
            "user.human.invite.code.added",
            "user.human.invite.code.added",
            "user.human.invite.code.sent"
        ]
    );
    // The notifier's mail is the user's newest change.
    assert_eq!(sequence_of(&user(&demo, PAUL_INITIAL).await), before + 3);

    let sent = requests_to(&demo, "/invite_code");
    assert_eq!(sent.len(), 2);
    assert_eq!(
        serde_json::from_str::<Value>(&sent[1].body).unwrap(),
        json!({"sendCode": {"urlTemplate": "https://portal.example/invite?u={{.UserID}}&c={{.Code}}", "applicationName": "Portal"}})
    );
    assert_eq!((sent[0].status, sent[1].status), (200, 200));
}

#[tokio::test]
async fn an_invite_is_refused_once_the_user_can_sign_in_or_is_unknown() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let send = invite(CodeMode::Send { url_template: None });
    for (who, way) in [
        (JANE, "password"),
        (ZOE, "passkey"),
        (IDP_USER, "identity provider"),
    ] {
        let e = c.apply(who, &send).await.expect_err(way);
        assert_eq!(refused(&e), (400, "COMMAND-EF34g".into()), "{way}");
        assert_eq!(e.refusal(), Some(Refusal::AlreadySetUp), "{way}");
    }
    // Unknown and machine users are a precondition (400), not a 404.
    for who in ["1", MACHINE] {
        assert_eq!(
            refusal(&c, who, &send).await,
            (400, "COMMAND-Wgvn4".into()),
            "{who}"
        );
    }
    assert_eq!(
        history(&demo, JANE, ACME)
            .await
            .iter()
            .filter(|t| t.contains("invite"))
            .count(),
        0,
        "a refusal writes nothing"
    );

    // An invalid template, which only a raw request can carry.
    let (status, body) = raw_post(
        &demo,
        ADMIN_TOKEN,
        &format!("/v2/users/{PAUL_INITIAL}/invite_code"),
        json!({"sendCode": {"urlTemplate": "https://x/{{.Code"}}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"code": 3, "message": "URL Template is invalid (DOMAIN-oGh5e)", "details": [{
                "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                "id": "DOMAIN-oGh5e", "message": "URL Template is invalid"}]})
        )
    );
    let (status, body) = raw_post(
        &demo,
        ADMIN_TOKEN,
        &format!("/v2/users/{PAUL_INITIAL}/invite_code"),
        json!({"sendCode": {"applicationName": ""}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "invalid CreateInviteCodeRequest.SendCode: embedded message failed validation | caused by: \
         invalid SendInviteCode.ApplicationName: value length must be between 1 and 200 runes, inclusive"
    );
}

#[tokio::test]
async fn invite_permissions_are_checked_before_the_user_is_looked_up() {
    let demo = demo().await;
    let send = invite(CodeMode::Send { url_template: None });
    let reader = client(&demo, READER_TOKEN);
    let no_member = client(&demo, NO_MEMBER_TOKEN);
    let org = client(&demo, ORG_TOKEN);
    assert_eq!(
        refusal(&reader, PAUL_INITIAL, &send).await,
        (403, "AUTH-AWfge".into())
    );
    assert_eq!(
        refusal(&no_member, PAUL_INITIAL, &send).await,
        (404, "AUTHZ-cdgFk".into())
    );
    assert_eq!(
        refusal(&org, INGRID_INITIAL, &send).await,
        (404, "AUTHZ-cdgFk".into()),
        "another organisation"
    );
    // For a user ZITADEL does not know, the check runs on the instance: the reader's
    // instance membership lacks user.write, the org manager has none there.
    assert_eq!(refusal(&reader, "1", &send).await, (403, "AUTH-AWfge".into()));
    assert_eq!(refusal(&org, "1", &send).await, (404, "AUTHZ-cdgFk".into()));
    // The org manager invites in its own organisation.
    org.apply(PAUL_INITIAL, &send).await.unwrap();
}

#[tokio::test]
async fn a_returned_invite_blocks_the_next_one_only_on_4_0_to_4_11() {
    for (version, blocked) in [
        (ZitadelVersion::V4_0, true),
        (ZitadelVersion::V4_8, true),
        (ZitadelVersion::V4_13, false),
        (ZitadelVersion::V3_0, false),
    ] {
        let demo = demo_of(version).await;
        let c = client(&demo, ADMIN_TOKEN);
        c.apply(PAUL_INITIAL, &invite(CodeMode::Return)).await.unwrap();
        let again = c
            .apply(PAUL_INITIAL, &invite(CodeMode::Send { url_template: None }))
            .await;
        match again {
            Err(e) if blocked => {
                assert_eq!(refused(&e), (400, "COMMAND-Wr3gq".into()), "{version}");
                assert_eq!(e.refusal(), Some(Refusal::InviteAfterReturnedCode));
            }
            Ok(_) if !blocked => {}
            other => panic!("{version}: {other:?}"),
        }
        // A mailed invite never blocks the next.
        let c2 = client(&demo, ADMIN_TOKEN);
        c2.apply(INGRID_INITIAL, &invite(CodeMode::Send { url_template: None }))
            .await
            .unwrap();
        c2.apply(INGRID_INITIAL, &invite(CodeMode::Return))
            .await
            .unwrap_or_else(|e| panic!("{version}: {e}"));
    }
}

#[tokio::test]
async fn inviting_oneself_needs_no_permission_from_4_0() {
    let send = invite(CodeMode::Send { url_template: None });
    // Nico has no membership anywhere and a password: from v4.0 he passes the permission
    // and meets the sign-in check; before v4.0 the permission stops him.
    let demo = demo_of(ZitadelVersion::V4_0).await;
    let c = client(&demo, NO_MEMBER_TOKEN);
    assert_eq!(
        refusal(&c, NICO_NO_MEMBER, &send).await,
        (400, "COMMAND-EF34g".into())
    );
    let demo = demo_of(ZitadelVersion::V2_66).await;
    let c = client(&demo, NO_MEMBER_TOKEN);
    assert_eq!(
        refusal(&c, NICO_NO_MEMBER, &send).await,
        (404, "AUTHZ-cdgFk".into())
    );
}

// --- SetEmail -----------------------------------------------------------------------------

#[tokio::test]
async fn a_new_address_shows_everywhere_with_its_new_code() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let old_code = demo.pending_code(JANE).expect("Jane has a pending code");
    let before = sequence_of(&user(&demo, JANE).await);

    let r = c
        .apply(
            JANE,
            &set_email("jane.new@acme.example", EmailVerification::Code(CodeMode::Return)),
        )
        .await
        .unwrap();
    let code = code_of(&r);
    assert_eq!(demo.pending_code(JANE).as_deref(), Some(code.as_str()));
    assert_ne!(code, old_code);
    // Two events in one push: the answer carries the last one's sequence.
    assert_eq!(r.sequence, Some(before + 2));
    assert_eq!(r.resource_owner, ACME);
    assert_eq!(
        email_of(&user(&demo, JANE).await),
        ("jane.new@acme.example".into(), false)
    );
    let listed = all_users(&c).await;
    let jane = listed.iter().find(|u| u.user_id == JANE).unwrap();
    assert_eq!(email_of(jane).0, "jane.new@acme.example");
    assert_eq!(
        newest(&demo, JANE, ACME, 2).await,
        ["user.human.email.changed", "user.human.email.code.added"]
    );
    // Searches match the new address, not the old one.
    assert_eq!(search(&c, "email:jane.new@acme").await, [JANE]);
    assert!(!search(&c, "email:jane.doe@acme").await.contains(&JANE.to_owned()));

    // The same address again: ZITADEL refuses, and nothing is written.
    let e = c
        .apply(
            JANE,
            &set_email("jane.new@acme.example", EmailVerification::Verified),
        )
        .await
        .unwrap_err();
    assert_eq!(refused(&e), (400, "COMMAND-Uch5e".into()));
    assert_eq!(e.refusal(), Some(Refusal::EmailUnchanged));

    // Mailed: the notifier's mail follows.
    c.apply(
        JANE,
        &set_email(
            "jane@acme.example",
            EmailVerification::Code(CodeMode::Send {
                url_template: template("https://x.example/verify?c={{.Code}}"),
            }),
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        newest(&demo, JANE, ACME, 3).await,
        [
            "user.human.email.changed",
            "user.human.email.code.added",
            "user.human.email.code.sent"
        ]
    );
    // The email code calls work on the new address's code.
    assert!(c.resend_email_code(JANE, &CodeMode::Return).await.is_ok());
}

#[tokio::test]
async fn a_vouched_for_address_is_verified_at_once_and_needs_user_write_even_for_oneself() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let r = c
        .apply(JOHN, &set_email("john@acme.example", EmailVerification::Verified))
        .await
        .unwrap();
    assert!(r.code.is_none());
    assert_eq!(
        email_of(&user(&demo, JOHN).await),
        ("john@acme.example".into(), true)
    );
    assert_eq!(demo.pending_code(JOHN), None);
    assert_eq!(
        newest(&demo, JOHN, ACME, 2).await,
        ["user.human.email.changed", "user.human.email.verified"]
    );

    // Oneself: a code is fine, vouching is not (403 with a membership, 404 without).
    let rita = client(&demo, READER_TOKEN);
    assert_eq!(
        refusal(
            &rita,
            RITA_READER,
            &set_email("rita@globex.example", EmailVerification::Verified)
        )
        .await,
        (403, "AUTH-AWfge".into())
    );
    let r = rita
        .apply(
            RITA_READER,
            &set_email("rita@globex.example", EmailVerification::Code(CodeMode::Return)),
        )
        .await
        .unwrap();
    assert!(r.code.is_some());
    let nico = client(&demo, NO_MEMBER_TOKEN);
    assert_eq!(
        refusal(
            &nico,
            NICO_NO_MEMBER,
            &set_email("n@initech.example", EmailVerification::Verified)
        )
        .await,
        (404, "AUTHZ-cdgFk".into())
    );
    // Others: the reader may not write, the no-member has no membership.
    let code = EmailVerification::Code(CodeMode::Send { url_template: None });
    assert_eq!(
        refusal(&rita, JOHN, &set_email("x@acme.example", code.clone())).await,
        (403, "AUTH-AWfge".into())
    );
    assert_eq!(
        refusal(&nico, JOHN, &set_email("x@acme.example", code)).await,
        (404, "AUTHZ-cdgFk".into())
    );
}

#[tokio::test]
async fn set_email_errors_come_in_zitadels_order() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let code = EmailVerification::Code(CodeMode::Send { url_template: None });
    for who in ["1", MACHINE] {
        let e = c
            .apply(who, &set_email("x@acme.example", code.clone()))
            .await
            .unwrap_err();
        assert_eq!(refused(&e), (404, "COMMAND-ieJ2e".into()), "{who}");
        assert_eq!(e.status().unwrap().message, "Email not found");
    }
    // Existence before permission: the no-member learns the user is unknown.
    assert_eq!(
        refusal(
            &client(&demo, NO_MEMBER_TOKEN),
            MACHINE,
            &set_email("x@acme.example", code.clone())
        )
        .await,
        (404, "COMMAND-ieJ2e".into())
    );
    assert_eq!(
        refusal(&c, PAUL_INITIAL, &set_email("p@acme.example", code.clone())).await,
        (400, "COMMAND-uz0Uu".into())
    );
    // Not an address: the request validator's plain 400, without an id.
    let (status, body) = raw_post(
        &demo,
        ADMIN_TOKEN,
        &format!("/v2/users/{JANE}/email"),
        json!({"email": "not-an-address", "sendCode": {}}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"code": 3, "message": "invalid SetEmailRequest.Email: value must be a valid email address | caused by: mail: missing '@' or angle-addr"})
        )
    );
    let e = c
        .apply(JANE, &set_email("not-an-address", code.clone()))
        .await
        .unwrap_err();
    assert_eq!(refused(&e), (400, String::new()));
    // A display name passes the proto rule and fails ZITADEL's own check.
    assert_eq!(
        refusal(&c, JANE, &set_email("Jane <jane2@acme.example>", code)).await,
        (400, "EMAIL-599GV".into())
    );
    assert_eq!(
        email_of(&user(&demo, JANE).await).0,
        "jane.doe@acme.example",
        "no refusal changed the address"
    );
}

// --- ResendPhoneCode ----------------------------------------------------------------------

#[tokio::test]
async fn a_pending_phone_code_is_replaced_and_texted_or_returned() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let seeded = demo
        .pending_phone_code(HOMER)
        .expect("an unverified phone has a code");
    let r = c
        .apply(HOMER, &Action::PhoneCode(PhoneMode::Return))
        .await
        .unwrap();
    let code = code_of(&r);
    assert_ne!(code, seeded);
    assert_eq!(demo.pending_phone_code(HOMER), Some(code));
    assert_eq!(r.resource_owner, GLOBEX);
    assert_eq!(
        newest(&demo, HOMER, GLOBEX, 1).await,
        ["user.human.phone.code.added"]
    );
    c.apply(JOHN, &Action::PhoneCode(PhoneMode::Send)).await.unwrap();
    assert_eq!(
        newest(&demo, JOHN, ACME, 2).await,
        ["user.human.phone.code.added", "user.human.phone.code.sent"]
    );
    // The email code is untouched by a phone code.
    assert_eq!(demo.pending_code(JOHN), None);
}

#[tokio::test]
async fn no_phone_code_to_resend_and_the_other_refusals() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let send = Action::PhoneCode(PhoneMode::Send);
    for (who, why) in [(JANE, "verified phone"), (ZOE, "no phone")] {
        let e = c.apply(who, &send).await.expect_err(why);
        assert_eq!(refused(&e), (400, "PHONE-5xrra88eq8".into()), "{why}");
        assert_eq!(e.refusal(), Some(Refusal::NoPhoneCode));
    }
    let e = c.apply(MACHINE, &send).await.unwrap_err();
    assert_eq!(refused(&e), (404, "COMMAND-ieJ2e".into()));
    assert_eq!(e.status().unwrap().message, "Phone not found");
    assert_eq!(
        refusal(&c, PAUL_INITIAL, &send).await,
        (400, "COMMAND-uz0Uu".into())
    );
    assert_eq!(
        refusal(&client(&demo, READER_TOKEN), HOMER, &send).await,
        (403, "AUTH-AWfge".into())
    );
    assert_eq!(
        refusal(&client(&demo, NO_MEMBER_TOKEN), HOMER, &send).await,
        (404, "AUTHZ-cdgFk".into())
    );
    // Oneself passes the permission and meets the missing code.
    assert_eq!(
        refusal(&client(&demo, READER_TOKEN), RITA_READER, &send).await,
        (400, "PHONE-5xrra88eq8".into())
    );
}

// --- PasswordReset ------------------------------------------------------------------------

#[tokio::test]
async fn a_password_reset_is_mailed_texted_or_returned() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let mail = Action::PasswordReset(ResetMode::Email {
        url_template: template("https://x.example/reset?u={{.UserID}}&c={{.Code}}"),
    });
    let r = c.apply(JANE, &mail).await.unwrap();
    assert!(r.code.is_none());
    assert_eq!(
        newest(&demo, JANE, ACME, 2).await,
        ["user.human.password.code.added", "user.human.password.code.sent"]
    );
    let r = c
        .apply(JANE, &Action::PasswordReset(ResetMode::Return))
        .await
        .unwrap();
    assert_eq!(code_of(&r).len(), 6);
    assert_eq!(
        newest(&demo, JANE, ACME, 1).await,
        ["user.human.password.code.added"]
    );
    // By text message: sent to a phone, accepted but never delivered without one.
    c.apply(JANE, &Action::PasswordReset(ResetMode::Sms))
        .await
        .unwrap();
    assert_eq!(
        newest(&demo, JANE, ACME, 2).await,
        ["user.human.password.code.added", "user.human.password.code.sent"]
    );
    c.apply(ZOE, &Action::PasswordReset(ResetMode::Sms))
        .await
        .unwrap();
    assert_eq!(
        newest(&demo, ZOE, ACME, 1).await,
        ["user.human.password.code.added"]
    );
    let sent = requests_to(&demo, "/password_reset");
    assert_eq!(
        serde_json::from_str::<Value>(&sent[2].body).unwrap(),
        json!({"sendLink": {"notificationType": "NOTIFICATION_TYPE_SMS"}})
    );
    // A locked user may reset (nothing checks the state but "initial").
    c.apply(MAX_LOCKED, &mail).await.unwrap();
}

#[tokio::test]
async fn password_reset_refusals() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let mail = Action::PasswordReset(ResetMode::Email { url_template: None });
    for who in ["1", MACHINE] {
        assert_eq!(
            refusal(&c, who, &mail).await,
            (404, "COMMAND-SAF4f".into()),
            "{who}"
        );
    }
    for who in [PAUL_INITIAL, INGRID_INITIAL] {
        assert_eq!(
            refusal(&c, who, &mail).await,
            (400, "COMMAND-Sfe4g".into()),
            "{who}"
        );
    }
    assert_eq!(
        refusal(&client(&demo, READER_TOKEN), JANE, &mail).await,
        (403, "AUTH-AWfge".into())
    );
    assert_eq!(
        refusal(&client(&demo, NO_MEMBER_TOKEN), JANE, &mail).await,
        (404, "AUTHZ-cdgFk".into())
    );
    // Oneself needs no permission.
    client(&demo, NO_MEMBER_TOKEN)
        .apply(NICO_NO_MEMBER, &mail)
        .await
        .unwrap();
    assert_eq!(
        newest(&demo, NICO_NO_MEMBER, INITECH, 2).await,
        ["user.human.password.code.added", "user.human.password.code.sent"]
    );
}

// --- UnlockUser, ReactivateUser -----------------------------------------------------------

#[tokio::test]
async fn unlock_and_reactivate_make_the_user_active() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    let before = sequence_of(&user(&demo, MAX_LOCKED).await);
    let r = c.apply(MAX_LOCKED, &Action::Unlock).await.unwrap();
    assert_eq!((r.sequence, r.code.is_none()), (Some(before + 1), true));
    let max = user(&demo, MAX_LOCKED).await;
    assert_eq!((max.state, sequence_of(&max)), (UserState::Active, before + 1));
    assert_eq!(newest(&demo, MAX_LOCKED, ACME, 1).await, ["user.unlocked"]);
    let e = c.apply(MAX_LOCKED, &Action::Unlock).await.unwrap_err();
    assert_eq!(refused(&e), (400, "COMMAND-olb9vb0oca".into()));
    assert_eq!(e.refusal(), Some(Refusal::NotLocked));

    c.apply(ERIKA_INACTIVE, &Action::Reactivate).await.unwrap();
    assert_eq!(user(&demo, ERIKA_INACTIVE).await.state, UserState::Active);
    assert_eq!(newest(&demo, ERIKA_INACTIVE, ACME, 1).await, ["user.reactivated"]);
    let e = c.apply(ERIKA_INACTIVE, &Action::Reactivate).await.unwrap_err();
    assert_eq!(refused(&e), (400, "COMMAND-s5qqcz97hf".into()));
    assert_eq!(e.refusal(), Some(Refusal::NotInactive));
    let locked = search(&c, "state:locked").await;
    assert!(!locked.contains(&MAX_LOCKED.to_owned()) && locked.contains(&MILTON_LOCKED.to_owned()));
    assert!(
        search(&c, "state:active")
            .await
            .contains(&ERIKA_INACTIVE.to_owned())
    );
    let listed = all_users(&c).await;
    assert!(
        listed
            .iter()
            .filter(|u| [MAX_LOCKED, ERIKA_INACTIVE].contains(&u.user_id.as_str()))
            .all(|u| u.state == UserState::Active)
    );

    // The raw answer is exactly ZITADEL's shape.
    let (status, body) = raw_post(
        &demo,
        ADMIN_TOKEN,
        &format!("/v2/users/{MILTON_LOCKED}/unlock"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let details = body["details"].as_object().unwrap();
    let mut keys: Vec<&str> = details.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["changeDate", "resourceOwner", "sequence"]);
    assert!(details["sequence"].is_string());
    assert_eq!(details["resourceOwner"], INITECH);
    assert_eq!(body.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn unlock_and_reactivate_check_the_state_before_the_permission() {
    let demo = demo().await;
    let c = client(&demo, ADMIN_TOKEN);
    assert_eq!(
        refusal(&c, "1", &Action::Unlock).await,
        (404, "COMMAND-x377t913pw".into())
    );
    assert_eq!(
        refusal(&c, "1", &Action::Reactivate).await,
        (404, "COMMAND-9hy5kzbuk6".into())
    );
    // Machine users are users here: the state decides.
    assert_eq!(
        refusal(&c, MACHINE, &Action::Unlock).await,
        (400, "COMMAND-olb9vb0oca".into())
    );
    assert_eq!(
        refusal(&c, MAX_LOCKED, &Action::Reactivate).await,
        (400, "COMMAND-s5qqcz97hf".into())
    );
    let reader = client(&demo, READER_TOKEN);
    let no_member = client(&demo, NO_MEMBER_TOKEN);
    // A wrong state is told even to a caller without permission.
    assert_eq!(
        refusal(&no_member, JANE, &Action::Unlock).await,
        (400, "COMMAND-olb9vb0oca".into())
    );
    assert_eq!(
        refusal(&reader, MILTON_LOCKED, &Action::Unlock).await,
        (403, "AUTH-AWfge".into())
    );
    assert_eq!(
        refusal(&no_member, MAX_LOCKED, &Action::Unlock).await,
        (404, "AUTHZ-cdgFk".into())
    );
    assert_eq!(
        refusal(&client(&demo, ORG_TOKEN), MILTON_LOCKED, &Action::Unlock).await,
        (404, "AUTHZ-cdgFk".into()),
        "another organisation"
    );
    assert_eq!(
        user(&demo, MILTON_LOCKED).await.state,
        UserState::Locked,
        "no refusal unlocked"
    );
    client(&demo, ORG_TOKEN)
        .apply(MAX_LOCKED, &Action::Unlock)
        .await
        .unwrap();
}

// --- transports and versions ---------------------------------------------------------------

#[tokio::test]
async fn the_connect_paths_serve_the_remedies_from_4_0() {
    let demo = demo().await;
    let connect = |method: &str| format!("/zitadel.user.v2.UserService/{method}");
    let cases = [
        (
            "CreateInviteCode",
            json!({"userId": PAUL_INITIAL, "returnCode": {}}),
            "inviteCode",
        ),
        (
            "SetEmail",
            json!({"userId": JANE, "email": "j@acme.example", "returnCode": {}}),
            "verificationCode",
        ),
        (
            "ResendPhoneCode",
            json!({"userId": HOMER, "returnCode": {}}),
            "verificationCode",
        ),
        (
            "PasswordReset",
            json!({"userId": JANE, "returnCode": {}}),
            "verificationCode",
        ),
        ("UnlockUser", json!({"userId": MAX_LOCKED}), ""),
        ("ReactivateUser", json!({"userId": ERIKA_INACTIVE}), ""),
    ];
    for (method, body, code) in cases {
        let (status, answer) = raw_post(&demo, ADMIN_TOKEN, &connect(method), body).await;
        assert_eq!(status, 200, "{method}: {answer}");
        assert!(answer["details"]["sequence"].is_string(), "{method}");
        assert_eq!(!code.is_empty(), answer.get(code).is_some(), "{method}: {answer}");
    }
    let (status, answer) = raw_post(
        &demo,
        ADMIN_TOKEN,
        &connect("UnlockUser"),
        json!({"userId": MAX_LOCKED}),
    )
    .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"code": "failed_precondition", "message": "User is not locked (COMMAND-olb9vb0oca)"})
        )
    );
    let old = demo_of(ZitadelVersion::V3_0).await;
    let (status, _) = raw_post(
        &old,
        ADMIN_TOKEN,
        &connect("UnlockUser"),
        json!({"userId": MAX_LOCKED}),
    )
    .await;
    assert_eq!(status, 404, "no Connect paths before v4.0");
}

#[tokio::test]
async fn every_line_serves_the_remedies_over_rest() {
    for version in ZitadelVersion::ALL {
        let demo = demo_of(version).await;
        let c = client(&demo, ADMIN_TOKEN);
        let actions = [
            (PAUL_INITIAL, invite(CodeMode::Return)),
            (
                JANE,
                set_email("j2@acme.example", EmailVerification::Code(CodeMode::Return)),
            ),
            (HOMER, Action::PhoneCode(PhoneMode::Return)),
            (JANE, Action::PasswordReset(ResetMode::Return)),
            (MAX_LOCKED, Action::Unlock),
            (ERIKA_INACTIVE, Action::Reactivate),
        ];
        for (who, action) in actions {
            c.apply(who, &action)
                .await
                .unwrap_or_else(|e| panic!("{version} {}: {e}", action.word()));
        }
    }
}
