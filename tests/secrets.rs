//! Secrets stay secret: the flows that touch each of them — a personal access token from
//! `ZITADEL_TOKEN`, a service-user key from `--key-file` (and the JWT assertion and access
//! tokens made from it), a returned verification code — run the real binary against a demo
//! instance with `ZITADESK_LOG=trace`, and then the logs, the audit file, every stdout and
//! stderr (except the stdout of `users resend-email --return-code`, which prints the code by
//! design), a panic's output and the console's screen and raw bytes (before `v`) are searched
//! for them: zero hits. And no type that holds a secret shows it through `Debug`.

#![cfg(unix)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/pty.rs"]
mod pty;

use pty::{COLS, Pty, ROWS, find};
use secrecy::SecretString;
use zitadesk::api::auth::{Credentials, ServiceKey};
use zitadesk::api::wire::{ActionResponse, VerificationCode};
use zitadesk::api::{ActionResult, ClientConfig};
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer, Faults, SERVICE_KEY_JSON};
use zitadesk::settings::RawSettings;
use zitadesk::token_store::StoredTokens;

/// A human with an unverified address and a pending code.
const USER_ID: &str = "300000000000000301";
const SEARCH: &str = "gibbons";
const USER_NAME: &str = "Peter Gibbons";

// ---------------------------------------------------------------------------------------------
// What is searched for, and where.

/// The secrets of one test, by what they are.
#[derive(Default)]
struct Needles(Vec<(String, String)>);

impl Needles {
    fn add(&mut self, what: impl Into<String>, secret: impl Into<String>) {
        let secret = secret.into();
        assert!(
            secret.len() >= 6,
            "a needle too short to mean anything: {secret:?}"
        );
        if !self.0.iter().any(|(_, s)| *s == secret) {
            self.0.push((what.into(), secret));
        }
    }

    /// The token, and every base64 line of the service key's PEM body.
    fn token_and_key() -> Needles {
        let mut n = Needles::default();
        n.add("the access token (ZITADEL_TOKEN)", ADMIN_TOKEN);
        for (i, line) in pem_body_lines().into_iter().enumerate() {
            n.add(format!("line {} of the service key's PEM body", i + 1), line);
        }
        n
    }

    /// What the demo instance saw: access tokens it issued for the key (sent back as bearer
    /// tokens) and the signature of every JWT assertion made with the key.
    fn add_issued(&mut self, demo: &DemoServer) {
        let log = demo.requests();
        for r in &log {
            if let Some(b) = r.bearer.as_deref().filter(|b| b.starts_with("demo-at-")) {
                self.add("an access token issued for the service key", b);
            }
            if r.path == "/oauth/v2/token"
                && let Some(assertion) = r.body.split('&').find_map(|kv| kv.strip_prefix("assertion="))
                && let Some(signature) = assertion.rsplit('.').next()
            {
                self.add("the signature of a JWT assertion made with the key", signature);
            }
        }
        assert!(
            log.iter().any(|r| r.bearer.as_deref() == Some(ADMIN_TOKEN)),
            "the token needle is the token the binary sent"
        );
    }

    fn add_code(&mut self, code: &str) {
        self.add("a verification code", code);
    }
}

/// The base64 lines of the demo key's PEM (between the BEGIN and END lines).
fn pem_body_lines() -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(SERVICE_KEY_JSON).expect("key JSON");
    let pem = json["key"].as_str().expect("the key's PEM");
    let lines: Vec<String> = pem
        .lines()
        .map(str::trim)
        // Long enough that a hit cannot be chance.
        .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
        .map(str::to_string)
        .collect();
    assert!(lines.len() > 10, "a PEM body: {lines:?}");
    lines
}

/// Places searched, by name.
#[derive(Default)]
struct Evidence(Vec<(String, Vec<u8>)>);

impl Evidence {
    fn add(&mut self, place: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.0.push((place.into(), bytes.into()));
    }

    /// Every file under `dir` (logs, audit trail, anything else written there).
    fn add_files(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                self.add_files(&path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                self.add(path.display().to_string(), bytes);
            }
        }
    }

    fn bytes_named(&self, suffix: &str) -> usize {
        self.0
            .iter()
            .filter(|(p, _)| p.ends_with(suffix))
            .map(|(_, b)| b.len())
            .sum()
    }

    /// Fails naming every secret found and where.
    fn assert_clean(&self, needles: &Needles) {
        let mut hits = Vec::new();
        for (what, secret) in &needles.0 {
            for (place, bytes) in &self.0 {
                if find(bytes, secret.as_bytes()).is_some() {
                    hits.push(format!("{what} ({secret}) in {place}"));
                }
            }
        }
        assert!(hits.is_empty(), "secrets leaked:\n{}", hits.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// The demo instance and the key file.

struct Instance {
    demo: DemoServer,
    /// Serves the demo while the test thread runs the binary; dropped after it.
    _rt: tokio::runtime::Runtime,
}

impl Instance {
    fn start() -> Instance {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let config = DemoConfig {
            generated_users: 0,
            ..DemoConfig::default()
        };
        let demo = rt
            .block_on(DemoServer::start(
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                config,
            ))
            .expect("demo instance starts");
        Instance { demo, _rt: rt }
    }

    fn code(&self) -> String {
        self.demo
            .pending_code(USER_ID)
            .expect("the user has a pending code")
    }
}

/// The demo service key, in a file only its owner may read, outside every searched directory.
fn key_file(test: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("secrets-key-{test}"));
    std::fs::create_dir_all(&dir).expect("key dir");
    let path = dir.join("service-key.json");
    std::fs::write(&path, SERVICE_KEY_JSON).expect("write the key file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
    path.to_str().expect("UTF-8 path").to_string()
}

/// A fresh home (state and config) for one run, under the test's directory.
fn home(test: &str, run: &str) -> PathBuf {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("secrets-{test}"))
        .join(run);
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("state")).expect("state dir");
    std::fs::create_dir_all(home.join("config")).expect("config dir");
    home
}

fn test_dir(test: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("secrets-{test}"))
}

/// How the binary signs in.
#[derive(Clone, Copy)]
enum Auth<'a> {
    Token,
    Key(&'a str),
}

/// The environment of every run: nothing from the machine (`remove`), then the instance, the
/// credentials and trace logs (`set`).
struct Env {
    remove: Vec<String>,
    set: Vec<(String, String)>,
}

fn environment(url: &str, auth: Auth<'_>, home: &Path) -> Env {
    let mut remove: Vec<String> = std::env::vars_os()
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .filter(|k| k.starts_with("ZITADEL_") || k.starts_with("ZITADESK_"))
        .collect();
    remove.extend(["NO_COLOR", "TMUX", "STY", "COLUMNS"].map(String::from));
    let path = |p: PathBuf| p.to_str().expect("UTF-8 path").to_string();
    let mut set = vec![
        ("XDG_STATE_HOME".to_string(), path(home.join("state"))),
        ("XDG_CONFIG_HOME".to_string(), path(home.join("config"))),
        ("ZITADESK_LOG".to_string(), "trace".to_string()),
        ("ZITADEL_URL".to_string(), url.to_string()),
    ];
    set.push(match auth {
        Auth::Token => ("ZITADEL_TOKEN".into(), ADMIN_TOKEN.into()),
        Auth::Key(path) => ("ZITADEL_KEY_FILE".into(), path.into()),
    });
    Env { remove, set }
}

/// Runs `zitadesk ARGS` to the end.
fn cli(home: &Path, url: &str, auth: Auth<'_>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zitadesk"));
    let env = environment(url, auth, home);
    for k in &env.remove {
        cmd.env_remove(k);
    }
    cmd.envs(env.set);
    cmd.args(args)
        .current_dir(home)
        .output()
        .expect("the binary runs")
}

/// Keeps what `out` wrote to stderr and, unless it prints a code by design, to stdout.
fn record(evidence: &mut Evidence, run: &str, out: &Output, keep_stdout: bool) {
    evidence.add(format!("stderr of {run}"), out.stderr.clone());
    if keep_stdout {
        evidence.add(format!("stdout of {run}"), out.stdout.clone());
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The command line.

#[test]
fn the_command_line_leaks_no_token_key_or_code() {
    const TEST: &str = "cli";
    let instance = Instance::start();
    let url = instance.demo.url();
    let key = key_file(TEST);
    let mut needles = Needles::token_and_key();
    needles.add_code(&instance.code());
    let mut evidence = Evidence::default();

    // Reads with the token and with the key; the settings and the doctor.
    let runs: [(&str, Auth<'_>, &[&str]); 7] = [
        ("list-token", Auth::Token, &["users", "list"]),
        ("show-token", Auth::Token, &["users", "show", USER_ID]),
        ("config-show-token", Auth::Token, &["config", "show"]),
        ("doctor-token", Auth::Token, &["doctor"]),
        ("list-key", Auth::Key(&key), &["users", "list", "--json"]),
        ("show-key", Auth::Key(&key), &["users", "show", USER_ID, "--json"]),
        ("config-show-key", Auth::Key(&key), &["config", "show"]),
    ];
    for (run, auth, args) in runs {
        let out = cli(&home(TEST, run), &url, auth, args);
        assert!(
            out.status.success() || run.starts_with("doctor"),
            "{run}: {:?}\n{}",
            out.status,
            text(&out.stderr)
        );
        record(&mut evidence, run, &out, true);
    }

    // A returned code, with the token and with the key: printed on stdout by design (that
    // stdout is the one place not searched).
    let out = cli(
        &home(TEST, "resend-token"),
        &url,
        Auth::Token,
        &["users", "resend-email", USER_ID, "--return-code"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = instance.code();
    assert!(
        text(&out.stdout).contains(&code),
        "the code is printed as designed: {}",
        text(&out.stdout)
    );
    needles.add_code(&code);
    record(&mut evidence, "resend-token", &out, false);

    let out = cli(
        &home(TEST, "resend-key"),
        &url,
        Auth::Key(&key),
        &["users", "resend-email", USER_ID, "--return-code", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = instance.code();
    assert!(text(&out.stdout).contains(&code), "{}", text(&out.stdout));
    needles.add_code(&code);
    record(&mut evidence, "resend-key", &out, false);

    // A code issued but answered with broken JSON: no error quotes the body.
    instance.demo.set_faults(Faults {
        malformed_json: true,
        ..Faults::default()
    });
    let out = cli(
        &home(TEST, "resend-malformed"),
        &url,
        Auth::Token,
        &["users", "resend-email", USER_ID, "--return-code"],
    );
    assert!(!out.status.success(), "a broken answer fails");
    assert!(
        text(&out.stderr).contains("unexpected answer"),
        "{}",
        text(&out.stderr)
    );
    needles.add_code(&instance.code());
    // Nothing was printed by design here: stdout is searched too.
    record(&mut evidence, "resend-malformed", &out, true);

    // The token refused (401): the message does not echo it.
    instance.demo.set_faults(Faults {
        fail_every: Some(1),
        fail_status: 401,
        ..Faults::default()
    });
    for (run, auth) in [("refused-token", Auth::Token), ("refused-key", Auth::Key(&key))] {
        let out = cli(&home(TEST, run), &url, auth, &["users", "list"]);
        assert_eq!(out.status.code(), Some(4), "{run}: {}", text(&out.stderr));
        record(&mut evidence, run, &out, true);
    }
    instance.demo.set_faults(Faults::default());

    needles.add_issued(&instance.demo);
    evidence.add_files(&test_dir(TEST));
    assert!(
        evidence.bytes_named(".log") > 10_000,
        "trace logs were written (and searched)"
    );
    assert!(
        evidence.bytes_named("audit.jsonl") > 0,
        "the audit file was written (and searched)"
    );
    assert!(
        needles
            .0
            .iter()
            .any(|(w, _)| w.contains("issued for the service key")),
        "the key was exchanged for tokens"
    );
    evidence.assert_clean(&needles);
}

// ---------------------------------------------------------------------------------------------
// The console, in a pseudo-terminal.

/// The console is the shared pseudo-terminal harness; only its start is particular here.
type Console = Pty;

impl Console {
    fn start(home: &Path, url: &str, auth: Auth<'_>, extra: &[(&str, &str)]) -> Console {
        let mut cmd = pty::zitadesk_command(&[], home, &[]);
        let env = environment(url, auth, home);
        for k in &env.remove {
            cmd.env_remove(k);
        }
        for (k, v) in &env.set {
            cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        Pty::spawn(cmd, ROWS, COLS)
    }
}

fn status_row(screen: &vt100::Screen) -> String {
    screen.rows(0, COLS).last().unwrap_or_default()
}

/// Search, open, `r`, Tab (return the code), Enter: up to the masked code, never `v`. Then
/// Esc (the code is forgotten) and `q`. Returns the code ZITADEL issued.
fn resend_in_the_console(instance: &Instance, c: &mut Console) -> String {
    c.wait_for("the users list", |s| status_row(s).contains(" of "));
    c.send(b"/");
    c.wait_for("search mode", |s| !s.hide_cursor());
    c.send(SEARCH.as_bytes());
    c.wait_for("the one search result", |s| {
        status_row(s).trim_end().ends_with("1 of 1") && s.contents().contains(USER_NAME)
    });
    // One user found: Enter in the search line opens them at once.
    c.send(b"\r");
    c.wait_for("the detail", |s| {
        let text = s.contents();
        text.contains(USER_ID) && text.contains("not verified")
    });
    c.send(b"r");
    c.wait_for("the resend dialog", |s| {
        s.contents().contains("(•) Mail the code")
    });
    c.send(b"\t");
    c.wait_for("return mode", |s| {
        s.contents().contains("(•) Return the code to me")
    });
    c.send(b"\r");
    c.wait_for("the masked result", |s| s.contents().contains("reveal with v"));
    let code = instance.code();
    assert!(
        !c.screen().contents().contains(&code),
        "the code is on screen before v:\n{}",
        c.screen().contents()
    );
    c.send(b"\x1b");
    c.wait_for("the dialog closed", |s| !s.contents().contains("reveal with v"));
    c.send(b"q");
    assert!(c.wait_exit().success());
    code
}

#[test]
fn the_console_and_its_panics_leak_no_token_key_or_code() {
    const TEST: &str = "console";
    let instance = Instance::start();
    let url = instance.demo.url();
    let key = key_file(TEST);
    let mut needles = Needles::token_and_key();
    needles.add_code(&instance.code());
    let mut evidence = Evidence::default();

    for (run, auth) in [("resend-token", Auth::Token), ("resend-key", Auth::Key(&key))] {
        let mut c = Console::start(&home(TEST, run), &url, auth, &[]);
        let code = resend_in_the_console(&instance, &mut c);
        needles.add_code(&code);
        // Everything the console wrote: `v` was never pressed.
        evidence.add(format!("the terminal output of {run}"), c.raw.clone());
        evidence.add(format!("the last screen of {run}"), c.screen().contents());
    }

    // The documented panic hook, with each credential set.
    for (run, auth) in [("panic-token", Auth::Token), ("panic-key", Auth::Key(&key))] {
        let mut c = Console::start(
            &home(TEST, run),
            &url,
            auth,
            &[("ZITADESK_TEST_PANIC", "1"), ("RUST_BACKTRACE", "1")],
        );
        let status = c.wait_exit();
        assert_eq!(status.exit_code(), 101, "{run}: {status:?}");
        let out = text(&c.raw);
        assert!(out.contains("panicking on purpose"), "{run}: {out}");
        evidence.add(format!("the panic output of {run}"), c.raw.clone());
    }

    needles.add_issued(&instance.demo);
    evidence.add_files(&test_dir(TEST));
    assert!(evidence.bytes_named(".log") > 10_000, "trace logs were written");
    assert!(
        evidence.bytes_named("audit.jsonl") > 0,
        "the audit file was written"
    );
    evidence.assert_clean(&needles);
}

// ---------------------------------------------------------------------------------------------
// Debug never shows a secret.

const TOKEN: &str = "tok-XYZ-7f3c9a1e";
const REFRESH: &str = "refresh-QRS-2b8d6e0c";
const CODE: &str = "K7Q2ZD";

fn assert_hidden(what: &str, shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !shown.contains(secret),
            "{what} shows the secret {secret:?} through Debug: {shown}"
        );
    }
}

/// Both Debug forms of `value`.
fn debug_forms(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}\n{value:#?}")
}

#[test]
fn no_secret_is_ever_formatted_with_debug() {
    let key_lines = pem_body_lines();
    let key_secrets: Vec<&str> = key_lines.iter().map(String::as_str).collect();

    let token = Credentials::token(TOKEN);
    assert_hidden("Credentials::token", &debug_forms(&token), &[TOKEN]);

    let url: reqwest::Url = "https://id.example.com".parse().expect("URL");
    let config = ClientConfig::new(url.clone(), Credentials::token(TOKEN));
    assert_hidden("ClientConfig", &debug_forms(&config), &[TOKEN]);

    let settings = RawSettings {
        url: Some("https://id.example.com".into()),
        token_env: Some(SecretString::from(TOKEN)),
        ..RawSettings::default()
    };
    assert_hidden("RawSettings", &debug_forms(&settings), &[TOKEN]);
    let settings = settings.resolve().expect("settings resolve with a token");
    assert_hidden("Settings", &debug_forms(&settings), &[TOKEN]);
    assert_hidden(
        "Settings::client_config",
        &debug_forms(&settings.client_config()),
        &[TOKEN],
    );
    let shown: Vec<String> = settings
        .shown
        .iter()
        .map(|s| format!("{s:?} {}", s.value))
        .collect();
    assert_hidden("config show's lines", &shown.join("\n"), &[TOKEN]);

    let key = ServiceKey::from_json(SERVICE_KEY_JSON.as_bytes()).expect("the demo key parses");
    assert_hidden("ServiceKey", &debug_forms(&key), &key_secrets);
    let key_credentials = Credentials::ServiceKey(key);
    assert_hidden(
        "Credentials::ServiceKey",
        &debug_forms(&key_credentials),
        &key_secrets,
    );
    assert_hidden(
        "ClientConfig with a key",
        &debug_forms(&ClientConfig::new(url, key_credentials)),
        &key_secrets,
    );
    let settings = RawSettings {
        url: Some("https://id.example.com".into()),
        key_file: Some(PathBuf::from(key_file("debug"))),
        ..RawSettings::default()
    }
    .resolve()
    .expect("settings resolve with a key file");
    assert_hidden("Settings with a key file", &debug_forms(&settings), &key_secrets);

    let stored = StoredTokens {
        issuer: "https://id.example.com".into(),
        client_id: "console".into(),
        access_token: SecretString::from(TOKEN),
        refresh_token: Some(SecretString::from(REFRESH)),
        expires_at: None,
        subject: Some("300000000000000109".into()),
        name: Some("Olga Berg".into()),
    };
    assert_hidden("StoredTokens", &debug_forms(&stored), &[TOKEN, REFRESH]);

    let answer = ActionResponse {
        details: None,
        verification_code: Some(VerificationCode::new(CODE)),
        invite_code: Some(VerificationCode::new(CODE)),
    };
    assert_hidden("ActionResponse", &debug_forms(&answer), &[CODE]);
    let result = ActionResult::from(answer);
    assert!(result.code.is_some(), "the result carries the code");
    assert_hidden("ActionResult", &debug_forms(&result), &[CODE]);
    assert_hidden(
        "the console's Effect::Copy",
        &debug_forms(&zitadesk::tui::msg::Effect::Copy(VerificationCode::new(CODE))),
        &[CODE],
    );
    assert_hidden(
        "the console's Msg::Issued",
        &debug_forms(&zitadesk::tui::msg::Msg::Issued {
            id: 1,
            result: Ok(result),
            audit_error: None,
        }),
        &[CODE],
    );
}
