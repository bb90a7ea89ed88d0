//! A credential goes only to the instance it belongs to (issue 10, "Trust boundaries"): a
//! profile's own credential never follows a URL from elsewhere, a discovery document cannot
//! send tokens to another origin, a proxy never sees a plain-http loopback token, and a
//! password in a URL is never echoed. Each test fails without the protection it names; the
//! attacker is the misbehaving server of `common/evil.rs`, on loopback only.

mod common;
#[path = "common/evil.rs"]
mod evil;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::{run, zitadesk_in};
use evil::{EvilServer, Recorded, Reply};
use secrecy::SecretString;
use zitadesk::api::auth::{Credentials, DeviceCredentials};
use zitadesk::api::wire::ListUsersRequest;
use zitadesk::api::{ApiError, Client, ClientConfig, NotSent};
use zitadesk::token_store::{StoredTokens, TokenStore};

const PROFILE_TOKEN: &str = "profile-acme-s3cret-token";

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zitadesk-trust-cred-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch home");
    dir
}

/// The real binary with only this test's config and state, and no proxy from the machine.
fn zitadesk(home: &Path) -> Command {
    let mut cmd = zitadesk_in(home);
    cmd.env("HOME", home);
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A config whose profile `acme` lives at `url` and signs in with a token file of its own.
fn acme_profile(home: &Path, url: &str) {
    let token = home.join("acme.pat");
    std::fs::write(&token, format!("{PROFILE_TOKEN}\n")).expect("token file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let path = home.join("config/zitadesk/config.toml");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("config dir");
    std::fs::write(
        &path,
        format!(
            "[profiles.acme]\nurl = \"{url}\"\nauth = {{ token_file = \"{}\" }}\n",
            token.display()
        ),
    )
    .expect("config");
}

fn empty_user_list(_: &Recorded) -> Reply {
    Reply::json(200, r#"{"details":{"totalResult":"0"},"result":[]}"#)
}

/// Attack: `ZITADEL_URL` (or `--url`) points elsewhere while `--profile acme` is in use, so
/// acme's own token would be sent there. Reproduce: `ZITADEL_URL=http://127.0.0.1:PORT
/// zitadesk --profile acme users list`. Before: the evil server received
/// `Authorization: Bearer <acme's token>`. Now: exit 2 naming both sources, and the server
/// sees no request at all.
#[test]
fn a_profiles_token_never_follows_a_url_from_the_environment_or_a_flag() {
    let evil = EvilServer::start(empty_user_list);
    let h = home("bound");
    acme_profile(&h, "https://acme.example");
    let by_env = run(zitadesk(&h)
        .args(["--profile", "acme", "users", "list"])
        .env("ZITADEL_URL", evil.url()));
    let by_flag = run(zitadesk(&h).args(["--profile", "acme", "--url", &evil.url(), "users", "list"]));
    for ((code, out, err), source) in [(by_env, "env ZITADEL_URL"), (by_flag, "--url")] {
        assert_eq!(code, 2, "{out}{err}");
        assert!(
            err.contains(source) && err.contains("profile acme") && err.contains("https://acme.example"),
            "names both sources: {err}"
        );
        assert!(!err.contains(PROFILE_TOKEN) && !out.contains(PROFILE_TOKEN));
    }
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

/// The control: the profile's own URL, written differently (a trailing slash) in
/// `ZITADEL_URL`, is the same instance, so the profile's token is used there as before.
#[test]
fn the_profiles_own_url_from_the_environment_still_works() {
    let server = EvilServer::start(empty_user_list);
    let h = home("own");
    acme_profile(&h, &server.url());
    let (code, out, err) = run(zitadesk(&h)
        .args(["--profile", "acme", "users", "list"])
        .env("ZITADEL_URL", format!("{}/", server.url())));
    assert_eq!(code, 0, "{out}{err}");
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let bearer = format!("Bearer {PROFILE_TOKEN}");
    assert_eq!(seen[0].header("authorization"), Some(bearer.as_str()));
}

/// A discovery document naming `issuer`, with every endpoint at `elsewhere`.
fn discovery_pointing_at(issuer: String, elsewhere: String) -> impl Fn(&Recorded) -> Reply {
    move |r: &Recorded| {
        if r.path() == "/.well-known/openid-configuration" {
            Reply::json(
                200,
                &format!(
                    r#"{{"issuer":"{issuer}","token_endpoint":"{elsewhere}/oauth/v2/token","userinfo_endpoint":"{elsewhere}/oidc/v1/userinfo","revocation_endpoint":"{elsewhere}/oauth/v2/revoke","device_authorization_endpoint":"{elsewhere}/oauth/v2/device_authorization"}}"#
                ),
            )
        } else {
            Reply::json(404, r#"{"code":5,"message":"not found"}"#)
        }
    }
}

/// An instance whose discovery document names itself as the issuer (correctly) but puts
/// every endpoint at `elsewhere`.
fn instance_sending_to(elsewhere: String) -> EvilServer {
    let own_url = Arc::new(Mutex::new(String::new()));
    let issuer = Arc::clone(&own_url);
    let instance = EvilServer::start(move |r| {
        let issuer = issuer.lock().expect("issuer").clone();
        discovery_pointing_at(issuer, elsewhere.clone())(r)
    });
    *own_url.lock().expect("issuer") = instance.url();
    instance
}

/// A device sign-in for `issuer` whose access token has expired, so the next call refreshes
/// it at the token endpoint that discovery names.
fn expired_device_login(h: &Path, issuer: &str) -> DeviceCredentials {
    let store = TokenStore::new(h.join("tokens"));
    let tokens = StoredTokens {
        issuer: issuer.to_string(),
        client_id: "client-1".into(),
        access_token: SecretString::from("old-access".to_string()),
        refresh_token: Some(SecretString::from("refresh-s3cret".to_string())),
        expires_at: Some(jiff::Timestamp::from_second(1_000_000_000).expect("time")),
        subject: None,
        name: None,
    };
    store.save("acme", &tokens).expect("stored");
    DeviceCredentials {
        profile: "acme".into(),
        client_id: "client-1".into(),
        store,
    }
}

/// Attack: the instance's discovery document names a token endpoint on another origin, so
/// the refresh token (and then the access token) would go there. Reproduce: serve
/// `{"issuer":"<instance>","token_endpoint":"http://127.0.0.1:OTHER/oauth/v2/token",...}`
/// and make any call with an expired device sign-in. Before: OTHER received
/// `grant_type=refresh_token&refresh_token=…`. Now: refused before anything is sent,
/// naming the endpoint; OTHER sees no request.
#[tokio::test]
async fn a_token_endpoint_on_another_origin_never_receives_the_refresh_token() {
    let other = EvilServer::start(|_| Reply::json(200, r#"{"access_token":"stolen","expires_in":3600}"#));
    let instance = instance_sending_to(other.url());
    let h = home("refresh");
    let device = expired_device_login(&h, &instance.url());
    let client = Client::new(ClientConfig::new(
        instance.url().parse().expect("URL"),
        Credentials::Device(device),
    ))
    .expect("client");
    let err = client
        .list_users(&ListUsersRequest::default())
        .await
        .expect_err("refused");
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert!(
        matches!(
            &err,
            ApiError::NotSent(NotSent::ForeignEndpoint {
                name: "token_endpoint",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&other.url()),
        "names the endpoint: {err}"
    );
    let paths: Vec<String> = instance.requests().iter().map(|r| r.path().to_string()).collect();
    assert_eq!(paths, ["/.well-known/openid-configuration"]);
}

/// Attack: the same document met by `zitadesk login`: the device authorization request and
/// then the device code would go to the other origin, which could approve its own sign-in.
/// Reproduce: a device profile at the instance, `zitadesk login --profile acme`. Before:
/// OTHER received the device authorization request. Now: exit 2 naming the foreign endpoint, OTHER
/// sees nothing, nothing is stored.
#[test]
fn login_never_starts_at_an_endpoint_on_another_origin() {
    let other = EvilServer::start(|_| Reply::json(400, r#"{"error":"invalid_client"}"#));
    let instance = instance_sending_to(other.url());
    let h = home("login");
    let config = h.join("config/zitadesk/config.toml");
    std::fs::create_dir_all(config.parent().expect("parent")).expect("config dir");
    std::fs::write(
        &config,
        format!(
            "[profiles.acme]\nurl = \"{}\"\nauth = {{ device = {{ client_id = \"c\" }} }}\n",
            instance.url()
        ),
    )
    .expect("config");
    let (code, out, err) = run(zitadesk(&h).args(["login", "--profile", "acme"]));
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("_endpoint") && err.contains(&other.url()), "{err}");
    assert!(!h.join("state/zitadesk/tokens/acme.json").exists());
}

/// Attack: the document at the configured URL speaks for another issuer (every endpoint on
/// that issuer's origin, so each endpoint alone looks consistent). Reproduce: serve
/// `{"issuer":"http://127.0.0.1:OTHER",...}` at the instance and run `zitadesk doctor` with a
/// token. Before: the token went to OTHER's userinfo endpoint. Now: the discovery step fails
/// naming both issuers, the token step is skipped, OTHER sees nothing.
#[test]
fn doctor_fails_the_discovery_step_for_another_issuers_document_and_sends_no_token() {
    let other = EvilServer::start(|_| Reply::json(200, r#"{"sub":"evil"}"#));
    let instance = EvilServer::start(discovery_pointing_at(other.url(), other.url()));
    let h = home("doctor-issuer");
    let (code, out, err) = run(zitadesk(&h)
        .arg("doctor")
        .env("ZITADEL_URL", instance.url())
        .env("ZITADEL_TOKEN", "pat-s3cret"));
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert_ne!(code, 0, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("✗ discovery"))
        .unwrap_or_else(|| panic!("a failed discovery step: {out}"));
    assert!(
        line.contains(&other.url()) && line.contains(&instance.url()),
        "names both issuers: {line}"
    );
    assert!(out.lines().any(|l| l.starts_with("· token")), "{out}");
    assert!(
        instance
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
}

/// As above with the issuer right but the userinfo endpoint (where doctor sends the token)
/// on another origin, named with a password: the step fails, the password is not echoed.
#[test]
fn doctor_refuses_an_endpoint_on_another_origin_without_echoing_its_password() {
    let other = EvilServer::start(|_| Reply::json(200, r#"{"sub":"evil"}"#));
    let instance = instance_sending_to(other.url().replace("http://", "http://thief:pa55word@"));
    let h = home("doctor-endpoint");
    let (code, out, err) = run(zitadesk(&h)
        .arg("doctor")
        .env("ZITADEL_URL", instance.url())
        .env("ZITADEL_TOKEN", "pat-s3cret"));
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("✗ discovery") && l.contains("token_endpoint")),
        "{out}"
    );
    assert!(
        !out.contains("pa55word") && !err.contains("pa55word"),
        "{out}{err}"
    );
}

/// Attack: `HTTP_PROXY` (or `ALL_PROXY`) names a proxy, and the instance is plain
/// `http://127.0.0.1`: the token would travel in clear to the proxy. Reproduce:
/// `HTTP_PROXY=http://127.0.0.1:PROXY ZITADEL_URL=http://127.0.0.1:PORT ZITADEL_TOKEN=…
/// zitadesk users list`. Before: the proxy received `POST http://127.0.0.1:PORT/v2/users`
/// with the bearer token. Now: the proxy sees nothing; the instance gets the request.
#[test]
fn a_proxy_never_sees_a_plain_http_loopback_token() {
    let proxy = EvilServer::start(|_| Reply::json(502, "{}"));
    let instance = EvilServer::start(empty_user_list);
    let h = home("proxy");
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let (code, out, err) = run(zitadesk(&h)
            .args(["users", "list"])
            .env("ZITADEL_URL", instance.url())
            .env("ZITADEL_TOKEN", "pat-s3cret")
            .env(var, proxy.url()));
        assert!(proxy.requests().is_empty(), "{var}: {:?}", proxy.requests());
        assert_eq!(code, 0, "{var}: {out}{err}");
    }
    assert_eq!(instance.requests().len(), 3);
}

/// The other half: over https a proxy sees only ciphertext, so `HTTPS_PROXY` is still used
/// (the proxy receives the `CONNECT`, never a header of the request inside).
#[test]
fn a_proxy_is_still_used_for_https() {
    let proxy = EvilServer::start(|_| Reply::Close);
    let h = home("proxy-https");
    let (code, out, err) = run(zitadesk(&h)
        .args(["users", "list", "--limit", "1"])
        .env("ZITADEL_URL", "https://127.0.0.1:9")
        .env("ZITADEL_TOKEN", "pat-s3cret")
        .env("HTTPS_PROXY", proxy.url()));
    assert_ne!(code, 0, "{out}{err}");
    let seen = proxy.requests();
    assert!(
        seen.iter().any(|r| r.line().starts_with("CONNECT 127.0.0.1:9")),
        "{seen:?}"
    );
    assert!(seen.iter().all(|r| r.header("authorization").is_none()));
}

/// Every file under `dir`, as text (the log among them).
fn all_text_under(dir: &Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    text
}

/// Attack (on the agent's own secret): a URL with a password in it, from a flag or the
/// environment, copied from a browser or a script. Reproduce: `zitadesk --url
/// https://user:s3cret@127.0.0.1:1 doctor` (and every other command). Before: broken forms
/// (a bad port, another scheme) were echoed whole. Now: every command fails without
/// printing the password on stdout, stderr or into the log.
#[test]
fn a_password_in_the_url_is_never_printed_by_any_command() {
    let h = home("password");
    let config = h.join("config/zitadesk/config.toml");
    std::fs::create_dir_all(config.parent().expect("parent")).expect("config dir");
    std::fs::write(
        &config,
        "[profiles.acme]\nurl = \"https://acme.example\"\nauth = { device = { client_id = \"c\" } }\n",
    )
    .expect("config");
    let commands: [&[&str]; 9] = [
        &[],
        &["users", "list"],
        &["users", "show", "1"],
        &["users", "resend-email", "1", "--default-link"],
        &["doctor"],
        &["config", "show"],
        &["login", "--profile", "acme"],
        &["logout", "--profile", "acme"],
        &["--profile", "acme", "users", "list"],
    ];
    for url in [
        "https://user:s3cret@127.0.0.1:1",
        "http://user:s3cret@127.0.0.1:1",
        "https://user:s3cret@127.0.0.1:99999",
        "ftp://user:s3cret@127.0.0.1:1",
        "user:s3cret@127.0.0.1:1",
    ] {
        for args in commands {
            for by_env in [false, true] {
                let mut cmd = zitadesk(&h);
                if by_env {
                    cmd.env("ZITADEL_URL", url);
                } else {
                    cmd.args(["--url", url]);
                }
                let (code, out, err) = run(cmd.args(args).env("ZITADEL_TOKEN", "t"));
                assert_ne!(code, 0, "{url} {args:?}: {out}{err}");
                assert!(
                    !out.contains("s3cret") && !err.contains("s3cret"),
                    "{url} {args:?} (env {by_env}): {out}{err}"
                );
            }
        }
    }
    let files = all_text_under(&h.join("state"));
    assert!(!files.contains("s3cret"), "{files}");
}
