//! End to end: the link template last sent is remembered across two runs of the real binary
//! in a pseudo-terminal (80×24, through a vt100 emulator). One demo instance, started by this
//! test, serves both runs at the same address — `--demo` starts a new instance on a new port
//! each time, and the template is remembered per profile *and* instance — and the console
//! reaches it through a profile of the config file. Run one mails a code with a typed
//! template; run two opens the dialog with that template in the field, says where it came
//! from, and Enter sends it again. (That another profile is offered nothing is shown in
//! `template_snapshots.rs`: here nothing on screen would say the trail had been read yet.)
//! Every wait polls for a condition with a deadline; nothing sleeps and hopes.

#![cfg(unix)]

use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[path = "common/pty.rs"]
mod pty;

use pty::{COLS, Pty, ROWS, rows};
use serde_json::{Value, json};
use zitadesk::demo::{ADMIN_TOKEN, DemoConfig, DemoServer};

/// A seed user with an unverified address, whose surname no other seed user shares.
const SEARCH: &str = "gibbons";
const USER_NAME: &str = "Peter Gibbons";
const USER_ID: &str = "300000000000000301";
const TEMPLATE: &str = "https://help.acme.example/v?u={{.UserID}}&c={{.Code}}";
const DIALOG_TITLE: &str = "Resend verification code";

/// The demo instance, on a runtime of its own, for every run of the test.
struct Instance {
    /// Runs the demo's tasks; held, never read.
    _rt: tokio::runtime::Runtime,
    demo: DemoServer,
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
            .expect("the demo instance starts");
        Instance { _rt: rt, demo }
    }

    /// The bodies of the resend requests so far.
    fn resends(&self) -> Vec<Value> {
        self.demo
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/email/resend"))
            .map(|r| serde_json::from_str(&r.body).expect("a JSON body"))
            .collect()
    }
}

/// A home with a config file naming two profiles on `instance`, without credentials (the
/// token comes from `ZITADEL_TOKEN`); state and config private, as zitadesk wants them.
fn home(test: &str, instance: &Instance) -> PathBuf {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("template-pty-{test}"));
    let _ = std::fs::remove_dir_all(&home);
    let config = home.join("config").join("zitadesk");
    std::fs::create_dir_all(home.join("state")).expect("state dir");
    std::fs::create_dir_all(&config).expect("config dir");
    let url = instance.demo.url();
    let file = config.join("config.toml");
    std::fs::write(
        &file,
        format!("[profiles.helpdesk]\nurl = \"{url}\"\n\n[profiles.other]\nurl = \"{url}\"\n"),
    )
    .expect("config file");
    for dir in [home.join("state"), home.join("config"), config] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).expect("chmod dir");
    }
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod file");
    home
}

/// `zitadesk --profile PROFILE` in `home`, with a clean environment and the demo's token.
fn console(home: &Path, profile: &str) -> Pty {
    let mut cmd = pty::zitadesk_command(&["--profile", profile], home, &["NO_COLOR", "TMUX", "STY"]);
    pty::remove_zitadesk_vars(&mut cmd);
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("ZITADEL_TOKEN", ADMIN_TOKEN);
    Pty::spawn(cmd, ROWS, COLS)
}

/// The screen's rows, one per line. The links checked below fit one row of the 80-column
/// dialog, so each reads whole.
fn text(screen: &vt100::Screen) -> String {
    rows(screen).join("\n")
}

/// Search for the user, open them, `r`: the resend dialog in mail mode.
fn open_the_dialog(c: &mut Pty) {
    c.wait_for("the users list", |s| {
        let status = rows(s)
            .last()
            .map(|r| r.trim_end().to_string())
            .unwrap_or_default();
        status
            .rsplit_once(" of ")
            .is_some_and(|(_, n)| n.parse::<u32>().is_ok_and(|n| n > 1))
    });
    c.send(b"/");
    c.wait_for("search mode", |s| !s.hide_cursor());
    c.send(SEARCH.as_bytes());
    c.wait_for("the one search result", |s| {
        let t = text(s);
        t.contains(USER_NAME) && t.trim_end().ends_with("1 of 1")
    });
    c.send(b"\r");
    c.wait_for("the detail of the user", |s| text(s).contains(USER_ID));
    c.send(b"r");
    c.wait_for("the resend dialog", |s| {
        let t = text(s);
        t.contains(DIALOG_TITLE) && t.contains("(•) Mail the code")
    });
}

/// Enter, the result naming the link, Esc, `q`, a clean exit.
fn send_and_quit(c: &mut Pty) {
    c.send(b"\r");
    let link = format!("Link:     https://help.acme.example/v?u={USER_ID}&c=••••••");
    c.wait_for("the result naming the link", |s| {
        let t = text(s);
        t.contains("code mailed") && t.contains(&link)
    });
    c.send(b"\x1b");
    c.wait_for("the dialog closed", |s| !text(s).contains(DIALOG_TITLE));
    c.send(b"q");
    assert!(c.wait_exit().success(), "q exits cleanly");
}

#[test]
fn the_template_last_sent_is_offered_by_the_next_run_with_the_same_profile() {
    let instance = Instance::start();
    let home = home("two-runs", &instance);
    let preview = format!("link: https://help.acme.example/v?u={USER_ID}&c=ABC123");

    // Run one: nothing sent yet, the field is empty; the template is typed and sent.
    let mut c = console(&home, "helpdesk");
    open_the_dialog(&mut c);
    assert!(
        text(c.screen()).contains("empty: ZITADEL's default link"),
        "nothing remembered yet:\n{}",
        c.screen().contents()
    );
    c.send(TEMPLATE.as_bytes());
    c.wait_for("the preview of the typed link", |s| text(s).contains(&preview));
    send_and_quit(&mut c);
    assert_eq!(
        instance.resends(),
        vec![json!({"sendCode": {"urlTemplate": TEMPLATE}})]
    );

    // Run two, same profile: the field opens with it, says so, and Enter sends it.
    let mut c = console(&home, "helpdesk");
    open_the_dialog(&mut c);
    c.wait_for("the remembered template", |s| {
        let t = text(s);
        t.contains(&format!("> {TEMPLATE}"))
            && t.contains(&preview)
            && t.contains("as last sent with this profile on this instance")
    });
    send_and_quit(&mut c);
    assert_eq!(
        instance.resends(),
        vec![json!({"sendCode": {"urlTemplate": TEMPLATE}}); 2],
        "Enter sent the remembered template"
    );
}
