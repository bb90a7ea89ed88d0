//! The loop: terminal events, API replies, timers and signals become messages; `update`
//! turns them into state and effects; a frame is drawn only when something visible changed.
//! Idle means silent: no timer runs unless a request is in flight or a search is pending.

use std::io;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use rustix::process::Signal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::app::{App, Connection, SPINNER_INTERVAL};
use super::clipboard::{Clipboard, Multiplexer};
use super::effects::{Executor, Next};
use super::frame::draw_frame;
use super::msg::Msg;
use super::suspend;
use super::terminal::{self, Tty};
use super::theme::Theme;
use super::view::ViewCtx;
use crate::api::Client;
use crate::settings::{Settings, SettingsError};

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
pub type ProfileSwitch<'a> = &'a dyn Fn(&str) -> Result<Settings, SettingsError>;

/// Runs the console until the agent quits or a signal arrives. The terminal is restored
/// before this returns, whatever happened.
pub async fn run(settings: &Settings, profiles: Vec<String>, switch: ProfileSwitch<'_>) -> io::Result<Exit> {
    let mut tty = terminal::enter(settings.mouse)?;
    hangup_watchdog(settings.request_timeout);
    let (tx, rx) = mpsc::unbounded_channel::<Msg>();
    // Decided once: the clipboard setting is not per profile, and the multiplexer stays.
    let clipboard = Clipboard::new(settings.clipboard, Multiplexer::from_env());
    let mut session = ConsoleSession::new(settings.clone(), profiles, &tx, clipboard)?;
    let result = run_in(&mut tty, &mut session, switch, (tx, rx)).await;
    // Leaving while ZITADEL answers a resend would lose its audit line (the code may already
    // be issued and mailed): wait for the answer, at most as long as the request may take.
    if let Some(issuing) = session.executor.take_issuing()
        && !issuing.is_finished()
    {
        let limit = session.settings.request_timeout + std::time::Duration::from_secs(1);
        let _ = tokio::time::timeout(limit, issuing).await;
    }
    // A bulk run stops after the request in flight; its journal and audit lines are awaited.
    if let Some(bulk) = session.executor.stop_bulk()
        && !bulk.is_finished()
    {
        let limit = session.settings.request_timeout + std::time::Duration::from_secs(1);
        let _ = tokio::time::timeout(limit, bulk).await;
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
struct ConsoleSession {
    settings: Settings,
    executor: Executor,
    profiles: Vec<String>,
    clipboard: Clipboard,
}

impl ConsoleSession {
    fn new(
        settings: Settings,
        profiles: Vec<String>,
        tx: &mpsc::UnboundedSender<Msg>,
        clipboard: Clipboard,
    ) -> io::Result<ConsoleSession> {
        let client = Client::new(settings.client_config()).map_err(io::Error::other)?;
        let executor = Executor::new(client, settings.audit_context(), tx.clone(), clipboard);
        Ok(ConsoleSession {
            settings,
            executor,
            profiles,
            clipboard,
        })
    }

    /// A fresh App for this connection, with its first requests under way.
    fn start(&mut self, tty: &mut Tty, width: u16, height: u16, last_id: u64) -> io::Result<App> {
        let mut app = App::new(
            connection(&self.settings, &self.profiles, self.clipboard),
            width,
            height,
        );
        app.continue_request_ids(last_id);
        for effect in app.start() {
            self.executor.carry_out(effect, tty)?;
        }
        // Organisation names, in the background: the list does not wait for them.
        let orgs = app.read_orgs();
        self.executor.carry_out(orgs, tty)?;
        // The templates last sent, for the action dialog: also in the background.
        let templates = app.recall_templates();
        self.executor.carry_out(templates, tty)?;
        self.executor.look_up_identity();
        Ok(app)
    }
}

async fn run_in(
    tty: &mut Tty,
    session: &mut ConsoleSession,
    switch: ProfileSwitch<'_>,
    (tx, mut rx): (mpsc::UnboundedSender<Msg>, mpsc::UnboundedReceiver<Msg>),
) -> io::Result<Exit> {
    let size = tty.size()?;
    let theme = Theme::from_env();
    // Read once: the zone database is not consulted per frame.
    let tz = jiff::tz::TimeZone::system();
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // SIGTSTP from outside (in raw mode Ctrl-Z is a key): restore the terminal, then stop.
    let mut sigtstp = signal(SignalKind::from_raw(Signal::TSTP.as_raw()))?;
    // SIGCONT after a stop the console did not make itself (SIGSTOP from outside): the shell
    // may have changed the terminal's modes meanwhile, so it is taken again and redrawn.
    let mut sigcont = signal(SignalKind::from_raw(Signal::CONT.as_raw()))?;
    // After the console's own stop, the SIGCONT that resumed it is already handled.
    let mut resumed_by_us = false;
    let mut spinner = tokio::time::interval(SPINNER_INTERVAL);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let mut app = session.start(tty, size.width, size.height, 0)?;
    draw(tty, &app, theme, &tz)?;
    // Test hook (documented in the README): proves the panic path restores the terminal.
    if std::env::var_os(PANIC_HOOK_ENV).is_some_and(|v| v == "1") {
        #[allow(clippy::panic, reason = "the test hook's whole purpose")]
        {
            panic!("{PANIC_HOOK_ENV}=1: panicking on purpose after the first frame");
        }
    }
    loop {
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Mouse(event))) if session.settings.mouse => Msg::Mouse {
                    event,
                    at: std::time::Instant::now(),
                },
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
            _ = sigtstp.recv() => {
                resumed_by_us = suspend_or_refuse(tty, &mut app)?;
                draw(tty, &app, theme, &tz)?;
                continue;
            }
            _ = sigcont.recv() => {
                if !std::mem::take(&mut resumed_by_us) {
                    terminal::resume(tty)?;
                    draw(tty, &app, theme, &tz)?;
                }
                continue;
            }
        };
        let (mut changed, effects) = app.update(msg);
        for effect in effects {
            match session.executor.carry_out(effect, tty)? {
                Next::Continue => {}
                Next::Quit => return Ok(Exit::Quit),
                Next::Suspend => {
                    resumed_by_us = suspend_or_refuse(tty, &mut app)?;
                    changed = true;
                }
                Next::SwitchProfile(name) => {
                    changed = true;
                    // The reason reaches the agent as a sentence in the status line.
                    let next = switch(&name).map_err(|e| e.to_string()).and_then(|s| {
                        ConsoleSession::new(s, session.profiles.clone(), &tx, session.clipboard)
                            .map_err(|e| e.to_string())
                    });
                    match next {
                        Ok(next) => {
                            tracing::info!(profile = %name, "switching profile");
                            session.executor.abort_reads();
                            let mut previous = std::mem::replace(session, next);
                            // A resend still in flight keeps running to record its answer.
                            session.executor.adopt_issuing(previous.executor.take_issuing());
                            let (w, h) = (app.screen.width, app.screen.height);
                            app = session.start(tty, w, h, app.last_request_id())?;
                        }
                        Err(reason) => {
                            app.update(Msg::SwitchFailed {
                                profile: name,
                                reason,
                            });
                        }
                    }
                }
            }
        }
        if changed {
            draw(tty, &app, theme, &tz)?;
        }
    }
}

/// Stops the console when a shell can resume it, else says why not. True when it stopped
/// (and is resumed now, its screen cleared for a whole frame).
fn suspend_or_refuse(tty: &mut Tty, app: &mut App) -> io::Result<bool> {
    if !suspend::job_control() {
        app.update(Msg::SuspendRefused);
        return Ok(false);
    }
    suspend::suspend(tty)?;
    Ok(true)
}

fn connection(settings: &Settings, profiles: &[String], clipboard: Clipboard) -> Connection {
    let host = match (settings.url.host_str(), settings.url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => settings.url.to_string(),
    };
    Connection {
        host: crate::text::sanitize(&host).into_owned(),
        org: settings.org.clone(),
        read_only: settings.read_only,
        read_only_source: settings
            .read_only_source()
            .map(|s| crate::text::sanitize(&s.to_string()).into_owned()),
        clipboard,
        match_mode: settings.search_match,
        url_templates: settings.url_templates.clone(),
        profile: settings
            .profile
            .as_deref()
            .map(|p| crate::text::sanitize(p).into_owned()),
        profiles: profiles.to_vec(),
        instance: settings.url.as_str().trim_end_matches('/').to_string(),
        journal_dir: crate::bulk::journal::jobs_dir(),
    }
}

/// One frame at the current time.
fn draw(tty: &mut Tty, app: &App, theme: Theme, tz: &jiff::tz::TimeZone) -> io::Result<()> {
    let ctx = ViewCtx {
        now: jiff::Timestamp::now(),
        tz: tz.clone(),
        theme,
    };
    draw_frame(tty, app, &ctx)
}
