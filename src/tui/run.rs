//! The loop: terminal events, API replies, timers and signals become messages; `update`
//! turns them into state and effects; a frame is drawn only when something visible changed.
//! Idle means silent: no timer runs unless a request is in flight or a search is pending.

use std::io;

use crossterm::event::{Event, EventStream, KeyEventKind};
use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use std::sync::Arc;

use super::app::{App, Connection, Effect, Msg, SPINNER_INTERVAL};
use super::clipboard::{Multiplexer, osc52};
use super::terminal::{self, Tty};
use super::theme::Theme;
use super::view::{self, ViewCtx};
use crate::api::Client;
use crate::resend::{AuditContext, issue_code};
use crate::settings::Settings;

/// Set to `1`, the console panics after its first frame: for tests of terminal restoring.
pub const PANIC_HOOK_ENV: &str = "ZITADESK_TEST_PANIC";

/// Why the console stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// SIGTERM.
    Terminated,
    /// SIGINT from outside (Ctrl-C in the console is a key, and quits).
    Interrupted,
    /// The terminal went away (SIGHUP, or input closed).
    HangUp,
}

impl Exit {
    /// The process exit status: 0 for quitting, 128 + the signal number otherwise, as
    /// shells expect.
    pub fn status(self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::HangUp => 128 + 1,
            Exit::Interrupted => 128 + 2,
            Exit::Terminated => 128 + 15,
        }
    }
}

/// Resolves the settings of another profile (the console's `P`): the same flags and
/// environment, another profile of the config file.
pub type ProfileSwitch<'a> = &'a dyn Fn(&str) -> Result<Settings, String>;

/// Runs the console until the agent quits or a signal arrives. The terminal is restored
/// before this returns, whatever happened.
pub async fn run(settings: &Settings, profiles: Vec<String>, switch: ProfileSwitch<'_>) -> io::Result<Exit> {
    let mut tty = terminal::enter()?;
    hangup_watchdog(settings.request_timeout);
    let mut session = Session::new(settings.clone(), profiles)?;
    let result = run_in(&mut tty, &mut session, switch).await;
    // Leaving while ZITADEL answers a resend would lose its audit line (the code may already
    // be issued and mailed): wait for the answer, at most as long as the request may take.
    if let Some(issuing) = session.tasks.issuing.take()
        && !issuing.is_finished()
    {
        let limit = session.settings.request_timeout + std::time::Duration::from_secs(1);
        let _ = tokio::time::timeout(limit, issuing).await;
    }
    terminal::restore();
    result
}

/// When the terminal goes away, crossterm 0.29 can keep re-reading the dead tty inside the
/// event stream (crossterm-rs/crossterm#793), so the loop never sees SIGHUP and the process
/// would spin on a shared host forever. This thread, outside the loop's runtime, waits for
/// SIGHUP too; if the process is still here once the loop had time to leave properly (and a
/// resend in flight time to be recorded), it ends it.
fn hangup_watchdog(request_timeout: std::time::Duration) {
    let grace = request_timeout + std::time::Duration::from_secs(3);
    let spawned = std::thread::Builder::new()
        .name("hangup-watchdog".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                let Ok(mut hup) = signal(SignalKind::hangup()) else {
                    return;
                };
                hup.recv().await;
                tokio::time::sleep(grace).await;
                tracing::warn!("the terminal is gone and the console did not stop: ending it");
                terminal::restore();
                std::process::exit(i32::from(Exit::HangUp.status()));
            });
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no hangup watchdog");
    }
}

/// What belongs to one connection: replaced whole when the agent switches profile.
struct Session {
    settings: Settings,
    client: Client,
    tasks: Tasks,
    profiles: Vec<String>,
}

impl Session {
    fn new(settings: Settings, profiles: Vec<String>) -> io::Result<Session> {
        let client = Client::new(settings.client_config()).map_err(io::Error::other)?;
        let tasks = Tasks {
            audit: Arc::new(settings.audit_context()),
            ..Tasks::default()
        };
        Ok(Session {
            settings,
            client,
            tasks,
            profiles,
        })
    }

    /// A fresh App for this connection, with its first requests under way.
    fn start(&mut self, width: u16, height: u16, last_id: u64, tx: &mpsc::UnboundedSender<Msg>) -> App {
        let mut app = App::new(connection(&self.settings, &self.profiles), width, height);
        app.continue_request_ids(last_id);
        for effect in app.start() {
            self.tasks.spawn(effect, &self.client, tx);
        }
        // Who we act as, for the header: known locally for keys, asked for device login.
        let client = self.client.clone();
        let tx = tx.clone();
        let identity = tokio::spawn(async move {
            let who = client.token_info().await.ok().and_then(|i| i.name.or(i.subject));
            let _ = tx.send(Msg::SignedIn(who));
        });
        self.tasks.identity = Some(identity.abort_handle());
        app
    }
}

async fn run_in(tty: &mut Tty, session: &mut Session, switch: ProfileSwitch<'_>) -> io::Result<Exit> {
    let size = tty.size()?;
    let theme = Theme::from_env();
    // Read once: the zone database is not consulted per frame.
    let tz = jiff::tz::TimeZone::system();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mux = Multiplexer::from_env();
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut spinner = tokio::time::interval(SPINNER_INTERVAL);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let mut app = session.start(size.width, size.height, 0, &tx);
    draw(tty, &app, theme, &tz)?;
    // Test hook (documented in the README): proves the panic path restores the terminal.
    if std::env::var_os(PANIC_HOOK_ENV).is_some_and(|v| v == "1") {
        panic!("{PANIC_HOOK_ENV}=1: panicking on purpose after the first frame");
    }
    loop {
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::info!(error = %e, "terminal input failed; leaving");
                    return Ok(Exit::HangUp);
                }
                None => return Ok(Exit::HangUp),
            },
            Some(msg) = rx.recv() => msg,
            _ = spinner.tick(), if app.busy() => Msg::Tick,
            _ = sigterm.recv() => return Ok(Exit::Terminated),
            _ = sigint.recv() => return Ok(Exit::Interrupted),
            _ = sighup.recv() => return Ok(Exit::HangUp),
        };
        let (mut changed, effects) = app.update(msg);
        for effect in effects {
            match effect {
                Effect::Quit => return Ok(Exit::Quit),
                Effect::Copy(code) => {
                    // Straight to the terminal, outside the frame buffer (which would keep the
                    // bytes after flushing); the sequence is wiped once written.
                    terminal::commit(tty)?;
                    let sequence = osc52(code.expose(), mux);
                    let mut out = io::stdout().lock();
                    io::Write::write_all(&mut out, sequence.as_bytes())?;
                    io::Write::flush(&mut out)?;
                }
                Effect::SwitchProfile(name) => {
                    changed = true;
                    match switch(&name)
                        .and_then(|s| Session::new(s, session.profiles.clone()).map_err(|e| e.to_string()))
                    {
                        Ok(next) => {
                            tracing::info!(profile = %name, "switching profile");
                            session.tasks.abort_reads();
                            let previous = std::mem::replace(session, next);
                            // A resend still in flight keeps running to record its answer.
                            session.tasks.issuing = previous.tasks.issuing;
                            let (w, h) = (app.screen.width, app.screen.height);
                            app = session.start(w, h, app.last_request_id(), &tx);
                        }
                        Err(e) => app.error = Some(format!("cannot switch to profile {name}: {e}")),
                    }
                }
                other => session.tasks.spawn(other, &session.client, &tx),
            }
        }
        if changed {
            draw(tty, &app, theme, &tz)?;
        }
    }
}

fn connection(settings: &Settings, profiles: &[String]) -> Connection {
    let host = match (settings.url.host_str(), settings.url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => settings.url.to_string(),
    };
    Connection {
        host: crate::text::sanitize(&host).into_owned(),
        org: settings.org.clone(),
        read_only: settings.read_only,
        match_mode: settings.search_match,
        url_templates: settings.url_templates.clone(),
        profile: settings
            .profile
            .as_deref()
            .map(|p| crate::text::sanitize(p).into_owned()),
        profiles: profiles.to_vec(),
    }
}

/// One frame inside synchronized output (DEC 2026), so a terminal that supports it paints it
/// whole instead of row by row.
fn draw(tty: &mut Tty, app: &App, theme: Theme, tz: &jiff::tz::TimeZone) -> io::Result<()> {
    let ctx = ViewCtx {
        now: jiff::Timestamp::now(),
        tz: tz.clone(),
        theme,
    };
    queue!(tty.backend_mut(), BeginSynchronizedUpdate)?;
    tty.draw(|frame| view::draw(frame, app, &ctx))?;
    queue!(tty.backend_mut(), EndSynchronizedUpdate)?;
    terminal::commit(tty)
}

/// The task behind each kind of request: starting a new one aborts the old, so at most one
/// of each is in flight and the newest wins.
#[derive(Default)]
struct Tasks {
    audit: Arc<AuditContext>,
    /// The resend or send in flight (at most one: the dialog takes no Enter meanwhile).
    issuing: Option<tokio::task::JoinHandle<()>>,
    list: Option<AbortHandle>,
    user: Option<AbortHandle>,
    methods: Option<AbortHandle>,
    search_timer: Option<AbortHandle>,
    /// Asking who the credentials act as (for the header).
    identity: Option<AbortHandle>,
}

impl Tasks {
    /// Stops every read in flight (their answers belong to a connection being replaced).
    fn abort_reads(&mut self) {
        for slot in [
            &mut self.list,
            &mut self.user,
            &mut self.methods,
            &mut self.search_timer,
            &mut self.identity,
        ] {
            if let Some(h) = slot.take() {
                h.abort();
            }
        }
    }

    fn spawn(&mut self, effect: Effect, client: &Client, tx: &mpsc::UnboundedSender<Msg>) {
        let tx = tx.clone();
        let client = client.clone();
        let (slot, handle) = match effect {
            Effect::ListUsers { id, request } => (
                &mut self.list,
                tokio::spawn(async move {
                    let result = client.list_users(&request).await;
                    let _ = tx.send(Msg::Listed { id, result });
                }),
            ),
            Effect::GetUser { id, user_id } => (
                &mut self.user,
                tokio::spawn(async move {
                    let result = client.get_user(&user_id).await;
                    let _ = tx.send(Msg::GotUser { id, result });
                }),
            ),
            Effect::ListAuthMethods { id, user_id } => (
                &mut self.methods,
                tokio::spawn(async move {
                    let result = client.list_auth_methods(&user_id).await;
                    let _ = tx.send(Msg::GotMethods { id, result });
                }),
            ),
            Effect::ScheduleSearch { generation, delay } => (
                &mut self.search_timer,
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = tx.send(Msg::SearchDue(generation));
                }),
            ),
            Effect::IssueCode {
                id,
                call,
                user_id,
                mode,
            } => {
                // Never aborted: once sent, its answer (and audit line) must not be lost.
                let audit = self.audit.clone();
                self.issuing = Some(tokio::spawn(async move {
                    let issued = issue_code(&client, audit, call, &user_id, &mode).await;
                    let _ = tx.send(Msg::Issued {
                        id,
                        result: issued.result,
                        audit_error: issued.audit_error,
                    });
                }));
                return;
            }
            Effect::Copy(_) | Effect::Quit | Effect::SwitchProfile(_) => return,
        };
        if let Some(old) = slot.replace(handle.abort_handle()) {
            old.abort();
        }
    }
}
