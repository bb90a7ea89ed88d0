//! Trust boundaries, tried as an attacker would: the client and the binary against a small
//! misbehaving server on loopback (`common/evil.rs`). Each test fails without the protection
//! it names.

mod common;
#[path = "common/evil.rs"]
mod evil;

use std::path::{Path, PathBuf};

use common::{against_url as against, audit_records as audit, run, scratch_home};
use evil::{EvilServer, Reply};
use zitadesk::api::auth::Credentials;
use zitadesk::api::wire::ListUsersRequest;
use zitadesk::api::{ApiError, Client, ClientConfig};

fn client_for(server: &EvilServer) -> Client {
    let mut config = ClientConfig::new(server.url().parse().expect("URL"), Credentials::token("t0ken"));
    config.retry_base_delay = std::time::Duration::from_millis(5);
    Client::new(config).expect("client")
}

/// Peak resident memory of this test process, in kB (`VmHWM`).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[tokio::test]
async fn an_endless_answer_is_a_clear_error_not_gigabytes_of_memory() {
    let server = EvilServer::start(|_| Reply::Endless {
        head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".into(),
    });
    let before = peak_rss_kb();
    let err = client_for(&server)
        .list_users(&ListUsersRequest::default())
        .await
        .expect_err("an endless answer cannot be a result");
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().starts_with("answer too large"), "{err}");
    let grown_mb = peak_rss_kb().saturating_sub(before) / 1024;
    assert!(grown_mb < 100, "memory grew by {grown_mb} MB reading it");
}

#[tokio::test]
async fn a_huge_announced_length_is_refused_before_reading() {
    let server = EvilServer::start(|_| Reply::cut_off(200, "{", 10 * 1024 * 1024 * 1024));
    let err = client_for(&server)
        .list_users(&ListUsersRequest::default())
        .await
        .expect_err("refused");
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn the_evil_server_records_what_arrived() {
    let server = EvilServer::start(|_| Reply::json(200, "{}"));
    client_for(&server)
        .list_users(&ListUsersRequest::default())
        .await
        .expect("an empty list");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].line(), "POST /v2/users HTTP/1.1");
    assert_eq!(seen[0].header("authorization"), Some("Bearer t0ken"));
}

// ---------------------------------------------------------------------------------------------
// Every outcome is told truthfully.

const USER: &str = "300000000000000101";

fn resend_return(home: &Path, url: &str) -> (i32, String, String) {
    run(against(home, url).args(["users", "resend-email", USER, "--return-code"]))
}

/// Before: a connection closed after the request was read said "cannot reach ZITADEL" and
/// audited `not_sent`, though ZITADEL may have issued (and mailed) a code. Now: "outcome
/// unknown", audited `unknown`, and the request was sent exactly once.
#[test]
fn a_connection_closed_after_the_request_is_outcome_unknown() {
    let h = home("closed");
    let server = EvilServer::start(|_| Reply::Close);
    let (code, out, err) = resend_return(&h, &server.url());
    assert_eq!(code, 5, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(
            "outcome unknown — ZITADEL may have issued a new code; check the user before sending again"
        ),
        "{err}"
    );
    assert!(!err.contains("cannot reach"), "{err}");
    assert_eq!(server.requests().len(), 1, "never retried");
    let lines = audit(&h);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "unknown", "{lines:?}");
}

/// An answer cut off mid-body, and a 502 from a proxy in front of ZITADEL, are unknown too.
#[test]
fn a_cut_off_answer_and_a_5xx_are_outcome_unknown() {
    for (name, reply) in [
        ("cut", Reply::cut_off(200, r#"{"details":{"sequence":"#, 4096)),
        (
            "502",
            Reply::Raw(
                b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
            ),
        ),
        ("garbled", Reply::json(200, "<html>maintenance</html>")),
    ] {
        let h = home(&format!("unknown-{name}"));
        let server = EvilServer::start(move |_| reply.clone());
        let (code, _, err) = resend_return(&h, &server.url());
        assert_eq!(code, 5, "{name}: {err}");
        assert!(err.contains("outcome unknown"), "{name}: {err}");
        assert_eq!(server.requests().len(), 1, "{name}: never retried");
        assert_eq!(audit(&h)[0]["outcome"], "unknown", "{name}");
    }
}

/// Only when nothing left the machine is it "not sent": here no server listens at all.
#[test]
fn nothing_listening_is_not_sent() {
    let h = home("refused");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let (code, _, err) = resend_return(&h, &format!("http://127.0.0.1:{port}"));
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("not sent: cannot reach"), "{err}");
    assert_eq!(audit(&h)[0]["outcome"], "not_sent");
}

/// Before: a 200 without `verificationCode` to a return-code request printed a success with
/// no code (exit 0). Now: exit 5, said, audited `error`.
#[test]
fn a_200_without_the_returned_code_is_an_error() {
    let h = home("no-code");
    let server = EvilServer::start(|_| Reply::json(200, r#"{"details":{"sequence":"7"}}"#));
    let (code, out, err) = resend_return(&h, &server.url());
    assert_eq!(code, 5, "{out}{err}");
    assert!(err.contains("without the code it was asked to return"), "{err}");
    assert!(!out.contains("New verification code issued"), "{out}");
    assert_eq!(audit(&h)[0]["outcome"], "error");
}

/// Before: a returned code that could not be written (stdout a broken pipe) ended with exit 0
/// and nothing said. Now: non-zero, and stderr says a code was issued but not shown.
#[test]
fn a_returned_code_that_cannot_be_shown_is_not_a_success() {
    let h = home("broken-pipe");
    let server = EvilServer::start(|_| {
        Reply::json(200, r#"{"details":{"sequence":"7"},"verificationCode":"QX7K2M"}"#)
    });
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = against(&h, &server.url())
        .args(["users", "resend-email", USER, "--return-code"])
        .stdout(writer)
        .output()
        .expect("binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("a new code was issued but could not be shown"),
        "{err}"
    );
    assert!(!err.contains("QX7K2M"), "the code never goes to stderr: {err}");
}

// ---------------------------------------------------------------------------------------------
// User IDs are checked before use.

/// Before: `..` and `../x` went into the request path (percent-encoded, but sent). Now: exit 2
/// before any request, for every command that takes a user ID.
#[test]
fn path_steps_control_characters_and_long_ids_are_refused_before_sending() {
    let h = home("bad-ids");
    let server = EvilServer::start(|_| Reply::json(200, "{}"));
    let long = "9".repeat(201);
    for id in [".", "..", "../admin", "1/2", "12\u{1b}[2J", "1\n2", long.as_str()] {
        for args in [
            vec!["users", "show", id],
            vec!["users", "resend-email", id, "--return-code"],
        ] {
            let (code, _, err) = run(against(&h, &server.url()).args(&args));
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(!err.contains('\u{1b}'), "no raw escape echoed: {err:?}");
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(audit(&h).is_empty());
}

/// The ID audited is the ID sent: a pasted ID's surrounding spaces are dropped before both.
#[test]
fn the_audited_id_is_the_one_sent() {
    let h = home("audited-id");
    let server = EvilServer::start(|_| {
        Reply::json(200, r#"{"details":{"sequence":"7"},"verificationCode":"QX7K2M"}"#)
    });
    let (code, _, err) = run(against(&h, &server.url()).args([
        "users",
        "resend-email",
        &format!("  {USER} "),
        "--return-code",
    ]));
    assert_eq!(code, 0, "{err}");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path(), format!("/v2/users/{USER}/email/resend"));
    assert_eq!(audit(&h)[0]["user_id"], USER);
}

fn home(test: &str) -> PathBuf {
    scratch_home(&format!("trust-{test}"))
}
