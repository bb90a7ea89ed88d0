//! Trust boundaries, tried as an attacker would: the client and the binary against a small
//! misbehaving server on loopback (`common/evil.rs`). Each test fails without the protection
//! it names.

#[path = "common/evil.rs"]
mod evil;

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
