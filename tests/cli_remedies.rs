//! The remedies from the command line — `users invite`, `set-email`, `resend-phone`,
//! `password-reset`, `unlock`, `reactivate` — run as the real binary against a recording
//! loopback server (`common/evil.rs`): the one request on the wire and its JSON body, the exit
//! code, stdout and `--json`, and the audit line, for success, refusals and lost answers;
//! then end to end against the in-process demo ZITADEL, a success and a refusal each.

mod common;
#[path = "common/evil.rs"]
mod evil;

use std::path::PathBuf;

use common::{against_url as against, audit_records as audit, client, demo, find_user, run, scratch_home};
use evil::{EvilServer, Recorded, Reply};
use serde_json::{Value, json};
use zitadesk::api::Client;
use zitadesk::api::wire::{AuthenticationMethodType, User, UserState};
use zitadesk::demo::{ADMIN_TOKEN, DemoServer};

const USER: &str = "300000000000000101";
const CODE: &str = "QX7K2M";
const DETAILS: &str =
    r#""details":{"sequence":"42","changeDate":"2026-12-03T10:00:00Z","resourceOwner":"300000000000000001"}"#;

fn home(test: &str) -> PathBuf {
    scratch_home(&format!("remedies-{test}"))
}

/// ZITADEL's answer to a change: details, and the code under the key the call uses.
fn answered(code_key: Option<&str>) -> Reply {
    let body = match code_key {
        Some(key) => format!(r#"{{{DETAILS},"{key}":"{CODE}"}}"#),
        None => format!("{{{DETAILS}}}"),
    };
    Reply::json(200, &body)
}

/// GetUser answers with a user whose address is `old@example.com`; every change as `change`.
fn with_user(change: Reply) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| {
        if r.line().starts_with("GET ") {
            Reply::json(
                200,
                &format!(
                    r#"{{"user":{{"userId":"{USER}","state":"USER_STATE_ACTIVE","human":{{"email":{{"email":"old@example.com","isVerified":true}}}}}}}}"#
                ),
            )
        } else {
            change.clone()
        }
    }
}

/// A ZITADEL refusal: gRPC code, message, id, HTTP status.
fn refusal(http: u16, code: i32, message: &str, id: &str) -> Reply {
    Reply::json(
        http,
        &json!({"code": code, "message": format!("{message} ({id})"),
                "details": [{"@type": "type.googleapis.com/zitadel.v1.ErrorDetail", "id": id, "message": message}]})
        .to_string(),
    )
}

/// Every request answered with `reply`.
fn always(reply: Reply) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |_: &Recorded| reply.clone()
}

fn body(r: &Recorded) -> Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", r.body))
}

/// The POSTs that arrived (GetUser reads are GETs).
fn changes(server: &EvilServer) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.line().starts_with("POST "))
        .collect()
}

struct Case {
    args: &'static [&'static str],
    path: &'static str,
    body: Value,
    /// Where ZITADEL puts a returned code (the server sends one only then).
    code_key: Option<&'static str>,
    action: &'static str,
    mode: &'static str,
    headline: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            args: &[
                "invite",
                USER,
                "--url-template",
                "https://acme.example/invite?c={{.Code}}",
                "--app-name",
                "Acme Portal",
            ],
            path: "invite_code",
            body: json!({"sendCode": {"urlTemplate": "https://acme.example/invite?c={{.Code}}", "applicationName": "Acme Portal"}}),
            code_key: None,
            action: "invite",
            mode: "send",
            headline: "ZITADEL will mail an invite code to the user's address, linking to https://acme.example/invite?c={{.Code}}, naming the application Acme Portal.",
        },
        Case {
            args: &["invite", USER, "--default-link"],
            path: "invite_code",
            body: json!({"sendCode": {}}),
            code_key: None,
            action: "invite",
            mode: "send",
            headline: "ZITADEL will mail an invite code to the user's address (with its default link).",
        },
        Case {
            args: &["invite", USER, "--return-code"],
            path: "invite_code",
            body: json!({"returnCode": {}}),
            code_key: Some("inviteCode"),
            action: "invite",
            mode: "return",
            headline: "New invite code issued; ZITADEL mailed nothing.",
        },
        Case {
            args: &["set-email", USER, "new@example.com", "--default-link"],
            path: "email",
            body: json!({"email": "new@example.com", "sendCode": {}}),
            code_key: None,
            action: "set-email",
            mode: "send",
            headline: "Address changed; ZITADEL will mail a verification code to the new address (with its default link).",
        },
        Case {
            args: &["set-email", USER, "new@example.com", "--return-code"],
            path: "email",
            body: json!({"email": "new@example.com", "returnCode": {}}),
            code_key: Some("verificationCode"),
            action: "set-email",
            mode: "return",
            headline: "Address changed; verification code issued, ZITADEL mailed nothing.",
        },
        Case {
            args: &[
                "set-email",
                USER,
                "new@example.com",
                "--verified",
                "--yes-i-vouch",
            ],
            path: "email",
            body: json!({"email": "new@example.com", "isVerified": true}),
            code_key: None,
            action: "set-email",
            mode: "verified",
            headline: "Address changed and marked verified on your word; ZITADEL mailed nothing.",
        },
        Case {
            args: &["resend-phone", USER, "--send"],
            path: "phone/resend",
            body: json!({"sendCode": {}}),
            code_key: None,
            action: "resend-phone",
            mode: "send",
            headline: "ZITADEL will text a new verification code to the user's phone.",
        },
        Case {
            args: &["resend-phone", USER, "--return-code"],
            path: "phone/resend",
            body: json!({"returnCode": {}}),
            code_key: Some("verificationCode"),
            action: "resend-phone",
            mode: "return",
            headline: "New phone code issued; ZITADEL texted nothing.",
        },
        Case {
            args: &[
                "password-reset",
                USER,
                "--email",
                "--url-template",
                "https://acme.example/reset?c={{.Code}}",
            ],
            path: "password_reset",
            body: json!({"sendLink": {"notificationType": "NOTIFICATION_TYPE_Email", "urlTemplate": "https://acme.example/reset?c={{.Code}}"}}),
            code_key: None,
            action: "password-reset",
            mode: "send",
            headline: "ZITADEL will mail a password reset link to the user's address, linking to https://acme.example/reset?c={{.Code}}.",
        },
        Case {
            args: &["password-reset", USER, "--sms"],
            path: "password_reset",
            body: json!({"sendLink": {"notificationType": "NOTIFICATION_TYPE_SMS"}}),
            code_key: None,
            action: "password-reset",
            mode: "sms",
            headline: "ZITADEL will text a password reset link to the user's phone (with its default link).",
        },
        Case {
            args: &["password-reset", USER, "--return-code"],
            path: "password_reset",
            body: json!({"returnCode": {}}),
            code_key: Some("verificationCode"),
            action: "password-reset",
            mode: "return",
            headline: "Password reset code issued; ZITADEL sent nothing.",
        },
        Case {
            args: &["unlock", USER],
            path: "unlock",
            body: json!({}),
            code_key: None,
            action: "unlock",
            mode: "none",
            headline: "User unlocked.",
        },
        Case {
            args: &["reactivate", USER],
            path: "reactivate",
            body: json!({}),
            code_key: None,
            action: "reactivate",
            mode: "none",
            headline: "User reactivated.",
        },
    ]
}

/// Every command and mode: exactly one change request with the body of its mode, the
/// outcome on stdout (the code only when asked for), and one audit line without the code.
#[test]
fn each_remedy_sends_one_request_prints_the_outcome_and_audits_it() {
    for (i, case) in cases().into_iter().enumerate() {
        let h = home(&format!("ok-{i}"));
        let server = EvilServer::start(with_user(answered(case.code_key)));
        let mut args = vec!["users"];
        args.extend_from_slice(case.args);
        let (code, out, err) = run(against(&h, &server.url()).args(&args));
        assert_eq!(code, 0, "{args:?}: {err}");
        let sent = changes(&server);
        assert_eq!(sent.len(), 1, "{args:?}: exactly one change");
        assert_eq!(
            sent[0].path(),
            format!("/v2/users/{USER}/{}", case.path),
            "{args:?}"
        );
        assert_eq!(body(&sent[0]), case.body, "{args:?}");
        assert!(
            out.starts_with(&format!("{}\nuser:      {USER}\n", case.headline)),
            "{args:?}: {out}"
        );
        assert!(out.contains("sequence:  42\n"), "{args:?}: {out}");
        assert_eq!(out.contains(CODE), case.code_key.is_some(), "{args:?}: {out}");
        if case.code_key.is_some() {
            assert!(out.contains(&format!("code:      {CODE}\n")), "{out}");
        }
        assert!(
            !err.contains(CODE),
            "{args:?}: the code goes to stdout only: {err}"
        );
        let lines = audit(&h);
        assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
        let line = &lines[0];
        assert_eq!(line["user_id"], USER);
        assert_eq!(line["action"], case.action, "{args:?}");
        assert_eq!(line["mode"], case.mode, "{args:?}");
        assert_eq!(line["outcome"], "ok", "{args:?}");
        assert_eq!(line["sequence"], 42, "{args:?}");
        assert!(
            !line.to_string().contains(CODE),
            "{args:?}: never audited: {line}"
        );
        match case.action {
            "set-email" => assert_eq!(line["email"], "new@example.com"),
            _ => assert!(line.get("email").is_none(), "{line}"),
        }
        let template = case
            .body
            .pointer("/sendCode/urlTemplate")
            .or(case.body.pointer("/sendLink/urlTemplate"));
        assert_eq!(line.get("url_template"), template, "{args:?}");
    }
}

/// set-email shows the address it replaced, read with GetUser before the one change.
#[test]
fn set_email_shows_the_old_address_beside_the_new() {
    let h = home("old-new");
    let server = EvilServer::start(with_user(answered(None)));
    let (code, out, err) = run(against(&h, &server.url()).args([
        "users",
        "set-email",
        USER,
        " new@example.com ",
        "--default-link",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("email:     old@example.com → new@example.com\n"),
        "{out}"
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].line(), format!("GET /v2/users/{USER} HTTP/1.1"));
    assert!(seen[1].line().starts_with("POST "), "{seen:?}");
    // The pasted spaces are dropped before sending and auditing alike.
    assert_eq!(body(&seen[1])["email"], "new@example.com");
    assert_eq!(audit(&h)[0]["email"], "new@example.com");
}

/// `--json`: ZITADEL's answer as `resend-email --json` prints it, with action, mode, outcome
/// and user beside it; the code only for a returned one.
#[test]
fn json_carries_action_mode_outcome_and_a_returned_code() {
    let h = home("json");
    let server = EvilServer::start(with_user(answered(Some("verificationCode"))));
    let (code, out, err) =
        run(against(&h, &server.url()).args(["users", "password-reset", USER, "--return-code", "--json"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        v,
        json!({
            "action": "password-reset", "mode": "return", "outcome": "ok", "userId": USER,
            "details": {"sequence": "42", "changeDate": "2026-12-03T10:00:00Z", "resourceOwner": "300000000000000001"},
            "verificationCode": CODE
        })
    );

    // A code the server sends though none was asked for is not passed on.
    let h = home("json-send");
    let server = EvilServer::start(with_user(answered(Some("verificationCode"))));
    let (code, out, err) = run(against(&h, &server.url()).args([
        "users",
        "set-email",
        USER,
        "new@example.com",
        "--default-link",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["action"], "set-email");
    assert_eq!(v["mode"], "send");
    assert_eq!(v["previousEmail"], "old@example.com");
    assert_eq!(v["email"], "new@example.com");
    assert!(v.get("verificationCode").is_none(), "{v}");
    assert!(!out.contains(CODE), "{out}");
    let (code, out, err) = run(against(&h, &server.url()).args([
        "users",
        "set-email",
        USER,
        "new@example.com",
        "--default-link",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains(CODE) && !out.contains("code:"), "{out}");

    let h = home("json-invite");
    let server = EvilServer::start(always(answered(Some("inviteCode"))));
    let (code, out, _) =
        run(against(&h, &server.url()).args(["users", "invite", USER, "--return-code", "--json"]));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        (v["action"].as_str(), v["inviteCode"].as_str()),
        (Some("invite"), Some(CODE))
    );
}

/// A refusal ZITADEL names is told as its cause with what to do instead, exit 5, audited
/// `error` with ZITADEL's id.
#[test]
fn named_refusals_say_what_to_do_instead() {
    let cases: [(&[&str], Reply, &str, &str); 5] = [
        (
            &["invite", USER, "--default-link"],
            refusal(400, 9, "User is already initialized", "COMMAND-EF34g"),
            "the user has already set up a way to sign in (a password, passkey or identity provider), so there is nothing to invite them to; send a password reset instead",
            "COMMAND-EF34g",
        ),
        (
            &["unlock", USER],
            refusal(400, 9, "User is not locked", "COMMAND-olb9vb0oca"),
            "the user is not locked; nothing to do",
            "COMMAND-olb9vb0oca",
        ),
        (
            &["reactivate", USER],
            refusal(400, 9, "User is not inactive", "COMMAND-s5qqcz97hf"),
            "the user is not inactive; nothing to do",
            "COMMAND-s5qqcz97hf",
        ),
        (
            &["resend-phone", USER, "--send"],
            refusal(400, 9, "Code is empty", "PHONE-5xrra88eq8"),
            "the phone is verified, or no code was issued; nothing was sent",
            "PHONE-5xrra88eq8",
        ),
        (
            &["password-reset", USER, "--email"],
            refusal(400, 9, "User is not yet initialized", "COMMAND-uz0Uu"),
            "the user has not finished setting up their account: send an invite instead",
            "COMMAND-uz0Uu",
        ),
    ];
    for (i, (args, reply, says, id)) in cases.into_iter().enumerate() {
        let h = home(&format!("refused-{i}"));
        let server = EvilServer::start(always(reply));
        let mut argv = vec!["users"];
        argv.extend_from_slice(args);
        let (code, out, err) = run(against(&h, &server.url()).args(&argv));
        assert_eq!(code, 5, "{argv:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains(says), "{argv:?}: {err}");
        assert!(err.trim_end().ends_with(&format!("[{id}]")), "{argv:?}: {err}");
        assert_eq!(server.requests().len(), 1, "{argv:?}: never retried");
        let lines = audit(&h);
        assert_eq!(
            (lines[0]["outcome"].as_str(), lines[0]["error"].as_str()),
            (Some("error"), Some(id)),
            "{argv:?}"
        );
    }
}

/// set-email with the address the user has: ZITADEL's refusal, worded, exit 5.
#[test]
fn the_same_address_is_told_as_nothing_changed() {
    let h = home("unchanged");
    let server = EvilServer::start(with_user(refusal(400, 9, "Email not changed", "COMMAND-Uch5e")));
    let (code, _, err) = run(against(&h, &server.url()).args([
        "users",
        "set-email",
        USER,
        "old@example.com",
        "--return-code",
    ]));
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("that is already the user's address; nothing changed"),
        "{err}"
    );
    assert_eq!(audit(&h)[0]["outcome"], "error");
}

/// Exit codes as for the resend: 3 for an unknown user (CreateInviteCode says so with a 400),
/// 4 for missing rights.
#[test]
fn unknown_users_exit_3_and_missing_rights_exit_4() {
    let h = home("exit-3");
    let server = EvilServer::start(|_| refusal(400, 9, "User could not be found", "COMMAND-Wgvn4"));
    let (code, _, err) = run(against(&h, &server.url()).args(["users", "invite", USER, "--default-link"]));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("not found — no such user (or it was deleted)"),
        "{err}"
    );

    let h = home("exit-4");
    let server = EvilServer::start(|_| refusal(403, 7, "No matching permissions found", "AUTHZ-5t3b8"));
    let (code, _, err) = run(against(&h, &server.url()).args(["users", "unlock", USER]));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("permission denied"), "{err}");
    assert_eq!(audit(&h)[0]["outcome"], "error");
}

/// set-email reads the user first; when that fails nothing is changed, sent or audited.
#[test]
fn set_email_for_an_unknown_user_changes_nothing() {
    let h = home("set-email-404");
    let server = EvilServer::start(|_| refusal(404, 5, "User could not be found", "QUERY-Dfbg2"));
    let (code, _, err) = run(against(&h, &server.url()).args([
        "users",
        "set-email",
        USER,
        "new@example.com",
        "--default-link",
    ]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("nothing was changed: not found"), "{err}");
    assert!(changes(&server).is_empty());
    assert!(audit(&h).is_empty());
}

/// A lost answer is "outcome unknown", in the action's terms, never retried, audited
/// `unknown`.
#[test]
fn a_lost_answer_is_outcome_unknown() {
    for (name, args, says) in [
        (
            "unlock",
            &["unlock", USER][..],
            "outcome unknown — ZITADEL may have applied the change; check the user before trying again",
        ),
        (
            "invite",
            &["invite", USER, "--return-code"][..],
            "outcome unknown — ZITADEL may have issued a new code; check the user before sending again",
        ),
        (
            "set-email",
            &[
                "set-email",
                USER,
                "new@example.com",
                "--verified",
                "--yes-i-vouch",
            ][..],
            "outcome unknown — ZITADEL may have changed the address (and issued a code)",
        ),
    ] {
        let h = home(&format!("unknown-{name}"));
        let server = EvilServer::start(with_user(Reply::Close));
        let mut argv = vec!["users"];
        argv.extend_from_slice(args);
        let (code, out, err) = run(against(&h, &server.url()).args(&argv));
        assert_eq!(code, 5, "{name}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains(says), "{name}: {err}");
        assert_eq!(changes(&server).len(), 1, "{name}: never retried");
        assert_eq!(audit(&h)[0]["outcome"], "unknown", "{name}");
    }
}

/// Asked to return a code, a 200 without one is an error (a new code exists nobody can read).
#[test]
fn a_200_without_the_returned_code_is_an_error() {
    let h = home("no-code");
    let server = EvilServer::start(always(answered(None)));
    let (code, out, err) =
        run(against(&h, &server.url()).args(["users", "resend-phone", USER, "--return-code"]));
    assert_eq!(code, 5, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("answered without the code it was asked to return"),
        "{err}"
    );
    assert_eq!(audit(&h)[0]["outcome"], "error");
}

/// A returned code that cannot be written is not a success, and never goes to stderr.
#[test]
fn a_returned_code_that_cannot_be_shown_is_not_a_success() {
    let h = home("broken-pipe");
    let server = EvilServer::start(always(answered(Some("inviteCode"))));
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = against(&h, &server.url())
        .args(["users", "invite", USER, "--return-code"])
        .stdout(writer)
        .output()
        .expect("binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("a new code was issued but could not be shown"),
        "{err}"
    );
    assert!(!err.contains(CODE), "{err}");
}

/// A variable set for one run: name, value.
type EnvVar = (&'static str, &'static str);

/// Refused before anything is sent (exit 2, no request, no audit line): read-only mode from
/// the flag and the environment, `--verified` without `--yes-i-vouch`, a malformed address,
/// a refused template or application name.
#[test]
fn local_refusals_send_nothing() {
    let h = home("local");
    let server = EvilServer::start(with_user(answered(None)));
    let cases: [(&[&str], Option<EnvVar>, &str); 7] = [
        (
            &["--read-only", "users", "unlock", USER],
            None,
            "read-only mode: changes are disabled",
        ),
        (
            &["users", "password-reset", USER, "--sms"],
            Some(("ZITADESK_READ_ONLY", "true")),
            "read-only mode: changes are disabled",
        ),
        (
            &[
                "--read-only",
                "users",
                "set-email",
                USER,
                "a@b.test",
                "--default-link",
            ],
            None,
            "read-only mode",
        ),
        (
            &["users", "set-email", USER, "new@example.com", "--verified"],
            None,
            "add --yes-i-vouch",
        ),
        (
            &["users", "set-email", USER, "new.example.com", "--default-link"],
            None,
            "exactly one @",
        ),
        (
            &[
                "users",
                "invite",
                USER,
                "--url-template",
                "javascript:x({{.Code}})",
            ],
            None,
            "javascript",
        ),
        (
            &[
                "users",
                "invite",
                USER,
                "--default-link",
                "--app-name",
                "A\u{1b}[2J",
            ],
            None,
            "control character",
        ),
    ];
    for (args, env, says) in cases {
        let mut cmd = against(&h, &server.url());
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let (code, out, err) = run(cmd.args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains('\u{1b}'), "no raw escape echoed: {err:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(audit(&h).is_empty());
}

/// A template ZITADEL accepts but that looks wrong is sent, with the warning on stderr.
#[test]
fn a_template_without_the_code_is_sent_with_a_warning() {
    let h = home("warning");
    let server = EvilServer::start(always(answered(None)));
    let (code, _, err) = run(against(&h, &server.url()).args([
        "users",
        "password-reset",
        USER,
        "--email",
        "--url-template",
        "https://acme.example/reset",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("zitadesk: warning:"), "{err}");
    assert_eq!(
        body(&server.requests()[0])["sendLink"]["urlTemplate"],
        "https://acme.example/reset"
    );
}

// ---------------------------------------------------------------------------------------------
// Against the in-process demo ZITADEL: each remedy succeeds on a user who needs it and is
// refused, with its advice, on one who does not.

/// The binary pointed at `demo` as its admin, with `home`'s state.
fn against_demo(home: &std::path::Path, demo: &DemoServer, args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["users"];
    argv.extend_from_slice(args);
    run(against(home, &demo.url())
        .env("ZITADEL_TOKEN", ADMIN_TOKEN)
        .args(&argv))
}

fn in_state(state: UserState) -> impl Fn(&User) -> bool {
    move |u| u.state == state && u.human.is_some()
}

fn email_of(u: &User) -> (String, bool) {
    let e = u.human.as_ref().and_then(|h| h.email.clone()).unwrap_or_default();
    (e.email, e.is_verified)
}

/// A human in `state` whose sign-in methods pass `pred`.
async fn with_methods(
    c: &Client,
    what: &str,
    state: UserState,
    pred: impl Fn(&[AuthenticationMethodType]) -> bool,
) -> User {
    for u in common::all_users(c).await {
        if u.state == state
            && u.human.is_some()
            && let Ok(methods) = c.list_auth_methods(&u.user_id).await
            && pred(&methods)
        {
            return u;
        }
    }
    panic!("the demo seed has no {what}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_invite_and_its_refusal() {
    let (demo, h) = (demo().await, home("demo-invite"));
    let c = client(&demo, ADMIN_TOKEN);
    let fresh = with_methods(
        &c,
        "user without sign-in methods",
        UserState::Initial,
        <[_]>::is_empty,
    )
    .await;
    let (code, out, err) = against_demo(&h, &demo, &["invite", &fresh.user_id, "--return-code"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("New invite code issued; ZITADEL mailed nothing.\n"),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("code:      ") && l.len() > 11),
        "{out}"
    );

    let set_up = with_methods(&c, "user with a password", UserState::Active, |m| {
        m.contains(&AuthenticationMethodType::Password)
    })
    .await;
    let (code, _, err) = against_demo(&h, &demo, &["invite", &set_up.user_id, "--default-link"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("send a password reset instead") && err.contains("[COMMAND-EF34g]"),
        "{err}"
    );
    let lines = audit(&h);
    let outcomes: Vec<_> = lines
        .iter()
        .map(|l| (l["action"].as_str(), l["mode"].as_str(), l["outcome"].as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Some("invite"), Some("return"), Some("ok")),
            (Some("invite"), Some("send"), Some("error"))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_set_email_and_its_refusal() {
    let (demo, h) = (demo().await, home("demo-set-email"));
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "active user with an address", |u| {
        in_state(UserState::Active)(u) && !email_of(u).0.is_empty()
    })
    .await;
    let old = email_of(&user).0;
    let (code, out, err) = against_demo(
        &h,
        &demo,
        &[
            "set-email",
            &user.user_id,
            "moved@example.com",
            "--verified",
            "--yes-i-vouch",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("email:     {old} → moved@example.com\n")),
        "{out}"
    );
    let now = c.get_user(&user.user_id).await.expect("user");
    assert_eq!(email_of(&now), ("moved@example.com".to_string(), true));

    let (code, _, err) = against_demo(
        &h,
        &demo,
        &["set-email", &user.user_id, "moved@example.com", "--default-link"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("that is already the user's address; nothing changed"),
        "{err}"
    );
    let lines = audit(&h);
    assert_eq!(
        (lines[0]["mode"].as_str(), lines[0]["email"].as_str()),
        (Some("verified"), Some("moved@example.com"))
    );
    assert_eq!(lines[1]["error"], "COMMAND-Uch5e");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_resend_phone_and_its_refusal() {
    let (demo, h) = (demo().await, home("demo-phone"));
    let c = client(&demo, ADMIN_TOKEN);
    let pending = find_user(&c, "user with a pending phone code", |u| {
        demo.pending_phone_code(&u.user_id).is_some()
    })
    .await;
    let (code, out, err) = against_demo(&h, &demo, &["resend-phone", &pending.user_id, "--return-code"]);
    assert_eq!(code, 0, "{err}");
    let issued = demo.pending_phone_code(&pending.user_id).expect("a code");
    assert!(out.contains(&format!("code:      {issued}\n")), "{out}");

    let verified = find_user(&c, "user with a verified phone", |u| {
        u.human
            .as_ref()
            .and_then(|h| h.phone.as_ref())
            .is_some_and(|p| p.is_verified)
    })
    .await;
    let (code, _, err) = against_demo(&h, &demo, &["resend-phone", &verified.user_id, "--send"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("the phone is verified, or no code was issued; nothing was sent"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_password_reset_and_its_refusal() {
    let (demo, h) = (demo().await, home("demo-reset"));
    let c = client(&demo, ADMIN_TOKEN);
    let user = find_user(&c, "active human", in_state(UserState::Active)).await;
    let (code, out, err) = against_demo(
        &h,
        &demo,
        &["password-reset", &user.user_id, "--return-code", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        (v["action"].as_str(), v["mode"].as_str()),
        (Some("password-reset"), Some("return"))
    );
    assert!(
        v["verificationCode"].as_str().is_some_and(|c| !c.is_empty()),
        "{v}"
    );

    let initial = find_user(&c, "user not set up", in_state(UserState::Initial)).await;
    let (code, _, err) = against_demo(&h, &demo, &["password-reset", &initial.user_id, "--email"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("send an invite instead"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_unlock_reactivate_and_their_refusals() {
    let (demo, h) = (demo().await, home("demo-states"));
    let c = client(&demo, ADMIN_TOKEN);
    for (command, from, refusal) in [
        (
            "unlock",
            UserState::Locked,
            "the user is not locked; nothing to do",
        ),
        (
            "reactivate",
            UserState::Inactive,
            "the user is not inactive; nothing to do",
        ),
    ] {
        let user = find_user(&c, command, in_state(from)).await;
        let (code, out, err) = against_demo(&h, &demo, &[command, &user.user_id]);
        assert_eq!(code, 0, "{command}: {err}");
        assert!(out.starts_with("User "), "{out}");
        let now = c.get_user(&user.user_id).await.expect("user");
        assert_eq!(now.state, UserState::Active, "{command}");
        // Now active, the same command has nothing to do.
        let (code, _, err) = against_demo(&h, &demo, &[command, &user.user_id]);
        assert_eq!(code, 5, "{command}: {err}");
        assert!(err.contains(refusal), "{command}: {err}");
    }
    let outcomes: Vec<_> = audit(&h)
        .iter()
        .map(|l| format!("{} {} {}", l["action"], l["mode"], l["outcome"]))
        .collect();
    assert_eq!(
        outcomes,
        [
            r#""unlock" "none" "ok""#,
            r#""unlock" "none" "error""#,
            r#""reactivate" "none" "ok""#,
            r#""reactivate" "none" "error""#
        ]
    );
}

/// As for `users resend-email`: a link planted at the audit file, or a state directory others
/// can write, refuses every remedy before anything is sent (an action that could not be
/// audited is not done); the link's target is untouched.
#[test]
fn a_state_that_cannot_be_trusted_refuses_every_remedy() {
    use std::os::unix::fs::PermissionsExt;
    let server = EvilServer::start(with_user(answered(None)));
    let commands: [&[&str]; 6] = [
        &["invite", USER, "--default-link"],
        &["set-email", USER, "new@example.com", "--default-link"],
        &["resend-phone", USER, "--send"],
        &["password-reset", USER, "--sms"],
        &["unlock", USER],
        &["reactivate", USER],
    ];
    let linked = home("audit-link");
    let state = linked.join("state").join("zitadesk");
    std::fs::create_dir_all(&state).expect("state dir");
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let target = linked.join("victim.txt");
    std::fs::write(&target, "precious\n").expect("victim");
    std::os::unix::fs::symlink(&target, state.join("audit.jsonl")).expect("plant the link");
    let loose = home("state-loose");
    let loose_state = loose.join("state").join("zitadesk");
    std::fs::create_dir_all(&loose_state).expect("state dir");
    std::fs::set_permissions(&loose_state, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    for (h, says) in [
        (&linked, "symbolic link".to_string()),
        (&loose, format!("chmod 700 {}", loose_state.display())),
    ] {
        for args in commands {
            let mut argv = vec!["users"];
            argv.extend_from_slice(args);
            let (code, out, err) = run(against(h, &server.url()).args(&argv));
            assert_eq!(code, 2, "{argv:?}: {out}{err}");
            assert!(err.contains(&says), "{argv:?}: {err}");
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(std::fs::read_to_string(&target).expect("victim"), "precious\n");
    assert!(!loose_state.join("audit.jsonl").exists());
}
