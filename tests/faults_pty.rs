//! Faults on a flaky link, end to end: the real binary in a pseudo-terminal at 80×24 (its
//! output fed through a vt100 emulator), pointed with `ZITADEL_URL` / `ZITADEL_TOKEN` at a demo
//! instance started by the test on a multi-thread runtime (so it keeps serving while the test
//! thread reads the terminal), whose fault hooks inject latency, 503, 429, 401, broken JSON and
//! hangs; and connection refused and a server gone mid-session. Each: a clear message on the
//! status row, the console still running, typed input kept, recovery on Ctrl-R. A resend is
//! sent exactly once per confirmed action with retried reads around it. And a hang-up (SIGHUP,
//! or the terminal closed under the console) leaves no spam of write errors in the log.
//!
//! The harness is the shared one in `common/pty.rs`. Every wait polls for a condition with a
//! deadline; the only fixed pauses are where the point is that time passes.

#![cfg(unix)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[path = "common/pty.rs"]
mod pty;

use pty::{COLS, DEADLINE, ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, POLL, Pty, ROWS, last, rows};
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer, Faults, LoggedRequest, SERVICE_KEY_JSON};

/// A demo user whose surname no other demo user shares.
const SEARCH: &str = "waddams";
const USER_NAME: &str = "Milton Waddams";

/// A human with an unverified address and a pending code (the resend target).
const RESEND_SEARCH: &str = "gibbons";
const RESEND_USER_NAME: &str = "Peter Gibbons";
const RESEND_USER_ID: &str = "300000000000000301";
const DIALOG_TITLE: &str = "Resend verification code";

const CTRL_R: &[u8] = b"\x12";
const CTRL_C: &[u8] = b"\x03";

// ---------------------------------------------------------------------------------------------
// The demo instance, on a runtime of its own.

struct Instance {
    rt: tokio::runtime::Runtime,
    demo: Option<DemoServer>,
    addr: SocketAddr,
}

impl Instance {
    /// A demo instance (seed users only) on a free loopback port.
    fn start() -> Instance {
        Instance::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    fn start_on(addr: SocketAddr) -> Instance {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let mut instance = Instance { rt, demo: None, addr };
        instance.serve_on(addr);
        instance
    }

    /// (Re)starts the demo on `addr` (the same port after a shutdown, for recovery).
    fn serve_on(&mut self, addr: SocketAddr) {
        let config = DemoConfig {
            generated_users: 0,
            ..DemoConfig::default()
        };
        let demo = self
            .rt
            .block_on(DemoServer::start(addr, config))
            .unwrap_or_else(|e| panic!("demo instance starts on {addr}: {e}"));
        self.addr = demo
            .url()
            .trim_start_matches("http://")
            .parse()
            .expect("the demo URL is host:port");
        self.demo = Some(demo);
    }

    fn demo(&self) -> &DemoServer {
        self.demo.as_ref().expect("the demo is running")
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server goes away (and waits for its open requests).
    fn shutdown(&mut self) {
        if let Some(demo) = self.demo.take() {
            self.rt.block_on(demo.shutdown());
        }
    }

    /// Requests to paths ending with `suffix`.
    fn requests_to(&self, suffix: &str) -> Vec<LoggedRequest> {
        self.demo()
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with(suffix))
            .collect()
    }

    fn list_requests(&self) -> Vec<LoggedRequest> {
        self.requests_to("/v2/users")
    }
}

/// A loopback port nobody listens on (bound and released at once).
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("its address")
}

// ---------------------------------------------------------------------------------------------
// The console in a pseudo-terminal.

/// The console in a pseudo-terminal (the shared harness), with its home directory.
struct Console {
    pty: Pty,
    home: PathBuf,
}

pty::deref_to_pty!(Console);

/// The environment that points the console at `instance` with the admin token.
fn against(instance: &Instance) -> Vec<(String, String)> {
    vec![
        ("ZITADEL_URL".into(), instance.url()),
        ("ZITADEL_TOKEN".into(), ADMIN_TOKEN.into()),
    ]
}

impl Console {
    /// Starts `zitadesk ARGS` with a clean environment (no ZITADEL_* from the machine), state
    /// and config under a fresh directory, `env` on top.
    fn start(test: &str, args: &[&str], env: &[(String, String)]) -> Console {
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("faults-pty-{test}"));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(home.join("state")).expect("state dir");
        std::fs::create_dir_all(home.join("config")).expect("config dir");

        let mut cmd = pty::zitadesk_command(args, &home, &["NO_COLOR", "TMUX", "STY"]);
        pty::remove_zitadesk_vars(&mut cmd);
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        Console {
            pty: Pty::spawn(cmd, ROWS, COLS),
            home,
        }
    }

    /// `q` (from the list or detail): a clean exit with the terminal restored.
    fn quit(&mut self) {
        self.send(b"q");
        let status = self.wait_exit();
        assert!(status.success(), "q exits cleanly: {status:?}");
        let entered = last(&self.raw, ENTER_ALT_SCREEN).expect("entered the alternate screen");
        let left = last(&self.raw, LEAVE_ALT_SCREEN).expect("left the alternate screen");
        assert!(left > entered, "the terminal is restored");
        assert!(!self.screen().alternate_screen(), "back on the main screen");
    }

    fn log_dir(&self) -> PathBuf {
        self.home.join("state").join("zitadesk").join("logs")
    }

    fn home(&self) -> &Path {
        &self.home
    }

    /// What the console says of the last fault (see [`told`]).
    fn status_row(&self) -> String {
        told(self.screen())
    }

    /// `/`, then `text` keystroke by keystroke; returns once the search row shows all of it.
    fn type_search(&mut self, text: &str) {
        self.send(b"/");
        self.wait_for("search mode", |s| {
            rows(s)[1].starts_with("/ ") && !s.hide_cursor()
        });
        for ch in text.chars() {
            let mut buf = [0u8; 4];
            self.send(ch.encode_utf8(&mut buf).as_bytes());
        }
        let want = format!("/ {text}");
        self.wait_for(&format!("the typed search {text:?}"), |s| search_row(s) == want);
    }
}

/// The search row's text, without the order named at its right end ("sort: display name ↑").
fn search_row(screen: &vt100::Screen) -> String {
    let row = &rows(screen)[1];
    let text = row.rsplit_once("sort: ").map_or(row.as_str(), |(text, _)| text);
    text.trim_end().to_string()
}

/// "N of TOTAL" at the end of the status row.
fn counter(screen: &vt100::Screen) -> Option<(u64, u64)> {
    let rows = rows(screen);
    let status = rows.last()?.trim_end().to_string();
    let (left, total) = status.rsplit_once(" of ")?;
    let position = left.rsplit(' ').next()?;
    Some((position.parse().ok()?, total.parse().ok()?))
}

fn first_user_row(screen: &vt100::Screen) -> String {
    rows(screen).get(3).cloned().unwrap_or_default()
}

/// The first page of all users.
fn list_shown(screen: &vt100::Screen) -> bool {
    // The column titles sit on row 2, lower while a notice (a failed read, whole) is above.
    let rows = rows(screen);
    let titles = rows.iter().position(|r| r.contains("DISPLAY NAME"));
    counter(screen).is_some_and(|(at, total)| at == 1 && total > 1)
        && titles.is_some_and(|t| rows.get(t + 1).is_some_and(|r| !r.trim().is_empty()))
}

/// The search result for [`SEARCH`]: one row, that user.
fn search_result_shown(screen: &vt100::Screen) -> bool {
    counter(screen) == Some((1, 1)) && first_user_row(screen).contains(USER_NAME)
}

/// No request in flight: the status row's first cell has no spinner (braille) frame.
fn idle(screen: &vt100::Screen) -> bool {
    !rows(screen)[usize::from(ROWS) - 1]
        .chars()
        .next()
        .is_some_and(|c| ('\u{2800}'..='\u{28FF}').contains(&c))
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Whether the status row says all of `words` (case-insensitive).
fn says(screen: &vt100::Screen, words: &[&str]) -> bool {
    let said = lower(&told(screen));
    words.iter().all(|w| said.contains(&lower(w)))
}

/// Where the console says what went wrong: the notice under the search line (a failed read
/// of the list, whole and wrapped: its rows joined again) and the status row.
fn told(screen: &vt100::Screen) -> String {
    let rows = rows(screen);
    let last = usize::from(ROWS) - 1;
    let titles = rows
        .iter()
        .position(|r| r.contains("DISPLAY NAME"))
        .unwrap_or(last);
    let mut said: Vec<&str> = rows[2..titles.max(2)].iter().map(|r| r.trim()).collect();
    said.push(rows[last].trim());
    said.join(" ")
}

// ---------------------------------------------------------------------------------------------
// One fault in the middle of a session: message, still running, input kept, recovery.

/// The console lists users; then `fault` is switched on and Ctrl-R must end in a status row
/// saying `words`; the console keeps running; a search typed now shows every character and,
/// applied, fails with the same message; with the fault gone, Ctrl-R shows the search's result
/// and the message is gone; `q` quits cleanly.
fn fault_mid_session(test: &str, args: &[&str], fault: Faults, words: &[&str]) -> (Instance, Console) {
    let instance = Instance::start();
    let mut c = Console::start(test, args, &against(&instance));
    c.wait_for("the users list", list_shown);

    instance.demo().set_faults(fault);
    c.send(CTRL_R);
    c.wait_for(&format!("the message {words:?}"), |s| says(s, words));
    assert!(c.running(), "the console keeps running after the fault");
    // The rows loaded before stay on screen.
    assert!(
        list_shown(c.screen()),
        "the list stays:\n{}",
        c.screen().contents()
    );

    fault_then_recover(&instance, &mut c, words);
    (instance, c)
}

/// A search typed while the fault lasts is kept and fails the same way; without the fault,
/// Ctrl-R recovers.
fn fault_then_recover(instance: &Instance, c: &mut Console, words: &[&str]) {
    c.type_search(SEARCH);
    assert!(c.running());
    let before = instance.list_requests().len();
    c.send(b"\r");
    c.wait_until(&format!("the search sent, failing with {words:?}"), |c| {
        instance.list_requests().len() > before
            && idle(c.screen())
            && says(c.screen(), words)
            && search_row(c.screen()) == format!("/ {SEARCH}")
    });
    assert!(c.running());

    recover(instance, c, words);
}

/// Clears the faults and presses Ctrl-R: the search's result appears, the message goes.
fn recover(instance: &Instance, c: &mut Console, words: &[&str]) {
    instance.demo().set_faults(Faults::default());
    c.send(CTRL_R);
    c.wait_for("the recovered search result, without the message", |s| {
        search_result_shown(s) && !says(s, words) && rows(s)[23].contains("Enter open the user")
    });
    assert_eq!(
        search_row(c.screen()),
        format!("/ {SEARCH}"),
        "the search is kept"
    );
}

#[test]
fn latency_of_two_seconds_keeps_typing_responsive() {
    const LATENCY: Duration = Duration::from_secs(2);
    let instance = Instance::start();
    instance.demo().set_faults(Faults {
        latency: LATENCY,
        ..Faults::default()
    });
    let mut c = Console::start("latency", &[], &against(&instance));
    // The first page is on its way, held back by the latency.
    c.wait_until("the first list request in flight", |_| {
        instance.list_requests().iter().any(|r| r.status == 0)
    });
    let typing = Instant::now();
    c.type_search(SEARCH);
    let typed_in = typing.elapsed();
    // Still unanswered: the typed text showed while the request waited.
    let first = instance.list_requests()[0].clone();
    assert_eq!(
        first.status, 0,
        "the text must show while the first page is still awaited (typed in {typed_in:?})"
    );
    assert!(typed_in < LATENCY, "typing took {typed_in:?}, not immediate");
    assert!(!says(c.screen(), &["error"]), "{}", c.status_row());

    // Applied: the result comes after the latency, and the first page never overwrites it.
    c.send(b"\r");
    c.wait_for("the search result", search_result_shown);
    assert!(c.running());
    // The first page was asked for before the search, so its latency is over too; had it
    // been taken in, it would be drawn within a moment.
    c.pump(Duration::from_millis(200));
    assert!(
        search_result_shown(c.screen()),
        "a late answer for the old query must not replace the result:\n{}",
        c.screen().contents()
    );

    recover(&instance, &mut c, &["error"]);
    c.quit();
}

#[test]
fn a_503_on_every_second_request_is_retried_for_reads() {
    let instance = Instance::start();
    instance.demo().set_faults(Faults {
        fail_every: Some(2),
        fail_status: 503,
        ..Faults::default()
    });
    let mut c = Console::start("503-every-2nd", &[], &against(&instance));
    c.wait_for("the users list", list_shown);
    names_read(&instance, &mut c);
    // The first page and the organisation names took three API requests (the one answered
    // 503 retried); the search is the 4th: answered 503, retried, shown.
    c.type_search(SEARCH);
    c.send(b"\r");
    c.wait_for("the search result despite the 503", search_result_shown);
    let lists = instance.list_requests();
    assert!(
        lists.iter().any(|r| r.status == 503),
        "a list request was answered 503: {lists:?}"
    );
    assert_eq!(lists.last().map(|r| r.status), Some(200), "{lists:?}");
    assert!(
        !says(c.screen(), &["unavailable"]),
        "a retried read shows no error: {}",
        c.status_row()
    );
    // The detail's two reads: one of them fails once and is retried.
    c.send(b"\r");
    c.wait_for("the detail", |s| {
        let text = s.contents();
        text.contains(USER_NAME) && text.contains("not verified") && !text.contains("unavailable")
    });
    c.send(b"\x1b");
    c.wait_for("the list again", search_result_shown);
    recover(&instance, &mut c, &["unavailable"]);
    c.quit();
}

#[test]
fn a_503_on_every_request_says_unavailable_and_refresh_recovers() {
    let (instance, mut c) = fault_mid_session(
        "503-always",
        &[],
        Faults {
            fail_every: Some(1),
            fail_status: 503,
            ..Faults::default()
        },
        &["unavailable"],
    );
    // Reads were retried, within bounds.
    let failed = instance
        .list_requests()
        .iter()
        .filter(|r| r.status == 503)
        .count();
    assert!(failed >= 4, "two failed refreshes, each retried: {failed}");
    c.quit();
}

#[test]
fn malformed_json_says_unexpected_answer_and_refresh_recovers() {
    let (_instance, mut c) = fault_mid_session(
        "malformed",
        &[],
        Faults {
            malformed_json: true,
            ..Faults::default()
        },
        &["unexpected answer"],
    );
    c.quit();
}

#[test]
fn rate_limiting_says_rate_limited_and_refresh_recovers() {
    let (instance, mut c) = fault_mid_session(
        "429",
        &[],
        Faults {
            fail_every: Some(1),
            fail_status: 429,
            ..Faults::default()
        },
        &["rate limited"],
    );
    let limited = instance
        .list_requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    // Each of the two failed loads tried a bounded number of times.
    assert!((4..=10).contains(&limited), "429 answers: {limited}");
    c.quit();
}

#[test]
fn a_request_that_never_answers_times_out_and_the_console_stays_usable() {
    let instance = Instance::start();
    let mut c = Console::start("hang", &["--timeout", "2"], &against(&instance));
    c.wait_for("the users list", list_shown);

    instance.demo().set_faults(Faults {
        hang: true,
        ..Faults::default()
    });
    let pressed = Instant::now();
    c.send(CTRL_R);
    // While the refresh hangs, the console takes keys: a search shows at once.
    c.type_search(SEARCH);
    assert!(
        pressed.elapsed() < Duration::from_secs(2) && !says(c.screen(), &["no answer"]),
        "the text showed only after the refresh gave up ({:?})",
        pressed.elapsed()
    );
    c.send(b"\r");
    c.wait_for("the timeout message", |s| says(s, &["no answer", "within 2 s"]));
    assert!(
        pressed.elapsed() >= Duration::from_secs(2),
        "the timeout fired after {:?}, before --timeout 2",
        pressed.elapsed()
    );
    assert!(c.running(), "the console keeps running after the timeout");
    assert_eq!(search_row(c.screen()), format!("/ {SEARCH}"));

    // Usable: keys still work.
    c.send(b"?");
    c.wait_for("the help", |s| s.contents().contains("any key closes"));
    c.send(b"?");
    c.wait_for("the help closed", |s| says(s, &["no answer"]));

    recover(&instance, &mut c, &["no answer"]);
    c.quit();
}

#[test]
fn a_401_mid_session_with_a_token_says_token_rejected_and_refresh_recovers() {
    let (_instance, mut c) = fault_mid_session(
        "401-pat",
        &[],
        Faults {
            fail_every: Some(1),
            fail_status: 401,
            ..Faults::default()
        },
        &["token rejected"],
    );
    c.quit();
}

#[test]
fn a_401_mid_session_says_to_sign_in_again() {
    let instance = Instance::start();
    let mut c = Console::start("401-sign-in", &[], &against(&instance));
    c.wait_for("the users list", list_shown);
    instance.demo().set_faults(Faults {
        fail_every: Some(1),
        fail_status: 401,
        ..Faults::default()
    });
    c.send(CTRL_R);
    c.wait_for("a 401 message", |s| says(s, &["token rejected"]));
    assert!(
        says(c.screen(), &["sign in"]),
        "the 401 message should say to sign in again: {:?}",
        c.status_row()
    );
    c.quit();
}

/// The demo service key, in a file only its owner may read.
fn key_file(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("service-key.json");
    std::fs::write(&path, SERVICE_KEY_JSON).expect("write the key file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
    path
}

#[test]
fn an_expired_token_from_a_key_is_fetched_again_once_and_the_refresh_succeeds() {
    let instance = Instance::start();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("faults-pty-key");
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let key = key_file(&scratch);
    let key = key.to_str().expect("UTF-8 path");
    let env = vec![("ZITADEL_URL".to_string(), instance.url())];
    let mut c = Console::start("expired-key-token", &["--key-file", key], &env);
    c.wait_for("the users list", list_shown);
    let tokens_before = instance.requests_to("/oauth/v2/token").len();
    assert!(tokens_before >= 1, "the key was exchanged for a token");

    instance.demo().expire_issued_tokens();
    instance.demo().clear_requests();
    c.send(CTRL_R);
    c.wait_until("the refreshed list", |_| {
        instance.list_requests().iter().any(|r| r.status == 200)
    });
    c.wait_for("the list, without an error", |s| {
        list_shown(s) && rows(s)[23].contains("Enter open the user")
    });
    let log: Vec<(String, u16)> = instance
        .demo()
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    let at = |path: &str, status: u16| log.iter().position(|(p, s)| p == path && *s == status);
    let rejected = at("/v2/users", 401).unwrap_or_else(|| panic!("the old token was refused: {log:?}"));
    let fetched = at("/oauth/v2/token", 200).unwrap_or_else(|| panic!("a new token: {log:?}"));
    let listed = at("/v2/users", 200).unwrap_or_else(|| panic!("the list again: {log:?}"));
    assert!(rejected < fetched && fetched < listed, "{log:?}");
    assert_eq!(
        log.iter().filter(|(p, _)| p == "/oauth/v2/token").count(),
        1,
        "one new token: {log:?}"
    );
    assert_eq!(
        log.iter().filter(|(p, s)| p == "/v2/users" && *s == 401).count(),
        1,
        "one refusal: {log:?}"
    );
    assert!(!says(c.screen(), &["token rejected"]));
    assert!(c.running());
    c.quit();
}

#[test]
fn connection_refused_at_start_says_cannot_reach_and_recovers_when_the_server_comes() {
    let addr = closed_port();
    let env = vec![
        ("ZITADEL_URL".to_string(), format!("http://{addr}")),
        ("ZITADEL_TOKEN".to_string(), ADMIN_TOKEN.to_string()),
    ];
    let mut c = Console::start("refused", &[], &env);
    c.wait_for("the connect message", |s| {
        says(s, &["cannot reach"]) && s.alternate_screen()
    });
    assert!(c.running(), "the console opens and stays");

    c.type_search(SEARCH);
    c.send(b"\r");
    c.wait_for("the list keys, the message again", |s| {
        search_row(s) == format!("/ {SEARCH}") && says(s, &["cannot reach"])
    });
    assert!(c.running());

    // The instance comes up on that port: Ctrl-R recovers.
    let instance = Instance::start_on(addr);
    recover(&instance, &mut c, &["cannot reach"]);
    c.quit();
}

#[test]
fn connection_refused_at_start_and_q_quits() {
    let addr = closed_port();
    let env = vec![
        ("ZITADEL_URL".to_string(), format!("http://{addr}")),
        ("ZITADEL_TOKEN".to_string(), ADMIN_TOKEN.to_string()),
    ];
    let mut c = Console::start("refused-q", &[], &env);
    c.wait_for("the connect message", |s| says(s, &["cannot reach"]));
    c.quit();
}

#[test]
fn the_server_gone_mid_session_says_cannot_reach_and_recovers_when_it_is_back() {
    let mut instance = Instance::start();
    let addr = instance.addr;
    let mut c = Console::start("server-gone", &[], &against(&instance));
    c.wait_for("the users list", list_shown);

    instance.shutdown();
    c.send(CTRL_R);
    c.wait_for("the connect message", |s| says(s, &["cannot reach"]));
    assert!(c.running(), "no crash when the server goes");
    assert!(list_shown(c.screen()), "the rows loaded before stay");

    c.type_search(SEARCH);
    c.send(b"\r");
    c.wait_for("the message again", |s| {
        search_row(s) == format!("/ {SEARCH}") && says(s, &["cannot reach"])
    });
    assert!(c.running());

    instance.serve_on(addr);
    recover(&instance, &mut c, &["cannot reach"]);
    c.quit();
}

// ---------------------------------------------------------------------------------------------
// Exactly one resend per confirmed action.

/// Search the resend target, open it, `r`, Tab (return the code), Enter; returns once the
/// dialog shows ZITADEL's answer, whichever it was.
fn confirm_one_resend(instance: &Instance, c: &mut Console, before_enter: impl FnOnce(&Instance)) {
    open_resend_returning(instance, c);
    before_enter(instance);
    c.send(b"\r");
    c.wait_for("ZITADEL's answer in the dialog", |s| {
        let text = s.contents();
        text.contains("reveal with v") || text.contains("unavailable")
    });
}

/// The organisation names, read in the background at start, are in (a retried read
/// included): no request of the start-up is left to shift a fault's count later.
fn names_read(instance: &Instance, c: &mut Console) {
    c.wait_until("the organisation names read", |_| {
        instance
            .requests_to("/v2/organizations/_search")
            .iter()
            .any(|r| r.status == 200)
    });
}

/// Search the resend target, open it, `r`, Tab: the dialog waits for Enter in return mode.
fn open_resend_returning(instance: &Instance, c: &mut Console) {
    c.wait_for("the users list", list_shown);
    names_read(instance, c);
    c.type_search(RESEND_SEARCH);
    c.send(b"\r");
    c.wait_for("the one search result", |s| {
        counter(s) == Some((1, 1)) && first_user_row(s).contains(RESEND_USER_NAME)
    });
    c.send(b"\r");
    c.wait_for("the detail of the user", |s| {
        let text = s.contents();
        text.contains(RESEND_USER_ID) && text.contains("not verified")
    });
    c.send(b"r");
    c.wait_for("the resend dialog", |s| {
        let text = s.contents();
        text.contains(DIALOG_TITLE) && text.contains("(•) Mail the code")
    });
    c.send(b"\t");
    c.wait_for("return mode", |s| {
        s.contents().contains("(•) Return the code to me")
    });
}

#[test]
fn ctrl_c_while_a_code_is_issued_asks_again_and_the_answer_is_still_audited() {
    let instance = Instance::start();
    let mut c = Console::start("quit-in-flight", &[], &against(&instance));
    open_resend_returning(&instance, &mut c);
    // Long enough that the warning is certainly on screen before the answer ends it, even on
    // a loaded machine; short enough that the quit, which waits for the answer, ends in time.
    instance.demo().set_faults(Faults {
        latency: Duration::from_secs(4),
        ..Faults::default()
    });
    c.send(b"\r");
    c.wait_for("the request in flight", |s| s.contents().contains("sending…"));
    c.send(CTRL_C);
    c.wait_for("the warning", |s| {
        says(s, &["Ctrl-C again quits", "losing a code"])
    });
    assert!(c.running(), "the first Ctrl-C only warns");
    c.send(CTRL_C);
    assert!(c.wait_exit().success(), "the second Ctrl-C quits");
    assert_eq!(instance.requests_to("/email/resend").len(), 1);
    let audit = std::fs::read_to_string(c.home().join("state").join("zitadesk").join("audit.jsonl"))
        .expect("the audit file");
    assert_eq!(
        audit.lines().count(),
        1,
        "the answer was awaited and audited: {audit}"
    );
}

/// Quits (Ctrl-C works in every dialog phase) and counts the resends the instance saw.
fn resends_after_exit(instance: &Instance, c: &mut Console) -> Vec<LoggedRequest> {
    c.send(CTRL_C);
    assert!(c.wait_exit().success());
    instance.requests_to("/email/resend")
}

#[test]
fn one_confirmed_resend_sends_one_request_while_reads_around_it_are_retried() {
    let instance = Instance::start();
    instance.demo().set_faults(Faults {
        fail_every: Some(2),
        fail_status: 503,
        ..Faults::default()
    });
    let mut c = Console::start("resend-once", &[], &against(&instance));
    confirm_one_resend(&instance, &mut c, |_| {});
    let resends = resends_after_exit(&instance, &mut c);
    assert_eq!(resends.len(), 1, "one Enter, one resend: {resends:?}");
    let retried = instance
        .demo()
        .requests()
        .iter()
        .filter(|r| r.status == 503)
        .count();
    assert!(retried >= 1, "the faults were in play around the resend");
    let audit = std::fs::read_to_string(c.home().join("state").join("zitadesk").join("audit.jsonl"))
        .expect("the audit file");
    assert_eq!(audit.lines().count(), 1, "one audit line: {audit}");
}

#[test]
fn a_resend_answered_503_is_not_retried() {
    let instance = Instance::start();
    instance.demo().set_faults(Faults {
        fail_every: Some(2),
        fail_status: 503,
        ..Faults::default()
    });
    let mut c = Console::start("resend-503", &[], &against(&instance));
    confirm_one_resend(&instance, &mut c, |i| {
        // From here on every API request fails: the resend is answered 503.
        i.demo().set_faults(Faults {
            fail_every: Some(1),
            fail_status: 503,
            ..Faults::default()
        });
    });
    c.wait_for("the failure in the dialog", |s| {
        let text = s.contents();
        text.contains("outcome unknown") && text.contains("unavailable")
    });
    let resends = resends_after_exit(&instance, &mut c);
    assert_eq!(resends.len(), 1, "a failed resend is never retried: {resends:?}");
    assert_eq!(resends[0].status, 503);
}

#[test]
fn a_resend_succeeding_between_failing_reads_is_sent_once() {
    let instance = Instance::start();
    instance.demo().set_faults(Faults {
        fail_every: Some(2),
        fail_status: 503,
        ..Faults::default()
    });
    let mut c = Console::start("resend-200", &[], &against(&instance));
    confirm_one_resend(&instance, &mut c, |i| {
        // The counter restarts: the resend is the first request (answered), the reads after it
        // fail every second time.
        i.demo().set_faults(Faults {
            fail_every: Some(2),
            fail_status: 503,
            ..Faults::default()
        });
    });
    assert!(
        c.screen().contents().contains("reveal with v"),
        "{}",
        c.screen().contents()
    );
    c.wait_until("the detail read again, retried", |_| {
        instance.demo().requests().iter().all(|r| r.status != 0)
            && instance
                .requests_to(RESEND_USER_ID)
                .iter()
                .filter(|r| r.status == 200)
                .count()
                >= 2
    });
    let resends = resends_after_exit(&instance, &mut c);
    assert_eq!(resends.len(), 1, "{resends:?}");
    assert_eq!(resends[0].status, 200);
}

// ---------------------------------------------------------------------------------------------
// Exits: a hang-up writes no error spam into the log.

/// Lines of the log directory's files that report errors.
fn error_lines(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.filter_map(Result::ok) {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        found.extend(
            text.lines()
                .filter(|l| {
                    let l = lower(l);
                    l.contains("error") || l.contains("input/output")
                })
                .map(str::to_string),
        );
    }
    found
}

/// Everything the log directory's files say.
fn log_text(dir: &Path) -> String {
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    text
}

#[test]
fn sighup_leaves_no_write_errors_in_the_log() {
    let instance = Instance::start();
    let env = {
        let mut e = against(&instance);
        e.push(("ZITADESK_LOG".into(), "debug".into()));
        e
    };
    let mut c = Console::start("sighup-log", &[], &env);
    c.wait_for("the users list", list_shown);
    let pid = c.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let status = c.wait_exit();
    assert_eq!(status.exit_code(), 129, "128 + SIGHUP: {status:?}");
    let errors = error_lines(&c.log_dir());
    assert!(
        errors.len() <= 1,
        "write errors repeated in the log:\n{}",
        errors.join("\n")
    );
    assert!(
        log_text(&c.log_dir()).contains("console closed"),
        "the log was written to the end"
    );
}

/// How many times the terminal is closed under a fresh console: whether the console sees the
/// hang-up as a signal or as dead input first is a race, so one round proves little.
/// (crossterm can spin on the dead tty; the console's hang-up watchdog then ends it once the
/// grace time, `--timeout` + 3 s, has passed.)
const HANGUP_ROUNDS: usize = 8;

#[test]
fn a_terminal_closed_under_the_console_ends_it_without_write_errors_in_the_log() {
    let instance = Instance::start();
    let env = {
        let mut e = against(&instance);
        e.push(("ZITADESK_LOG".into(), "debug".into()));
        e
    };
    for round in 1..=HANGUP_ROUNDS {
        let mut c = Console::start(&format!("hangup-log-{round}"), &["--timeout", "2"], &env);
        c.wait_for("the users list", list_shown);

        // Close every master descriptor: the kernel hangs the terminal up (SIGHUP to the
        // console, EOF/EIO on its reads, EIO on its writes). The reader thread lets go after
        // one more read, which `?` (a redraw) provides.
        c.stop_reading.store(true, Ordering::SeqCst);
        c.send(b"?");
        c.wait_until("the reader to let go", |c| c.output_closed);
        c.close_terminal();

        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = c.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: the console did not end within {DEADLINE:?} after its terminal was \
                 closed (log:\n{})",
                log_text(&c.log_dir())
            );
            std::thread::sleep(POLL);
        };
        assert!(
            status.signal().is_none() || status.signal() == Some("Hangup"),
            "round {round}: {status:?}"
        );
        let errors = error_lines(&c.log_dir());
        assert!(
            errors.len() <= 1,
            "round {round}: write errors repeated in the log:\n{}",
            errors.join("\n")
        );
    }
}
