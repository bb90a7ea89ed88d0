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

use super::app::{App, Connection, Effect, Msg, SPINNER_INTERVAL};
use super::terminal::{self, Tty};
use super::theme::Theme;
use super::view::{self, ViewCtx};
use crate::api::Client;
use crate::settings::Settings;

/// Why the console stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Signal,
    /// The terminal went away (SIGHUP, or input closed).
    HangUp,
}

/// Runs the console until the agent quits or a signal arrives. The terminal is restored
/// before this returns, whatever happened.
pub async fn run(settings: &Settings) -> io::Result<Exit> {
    let client = Client::new(settings.client_config()).map_err(io::Error::other)?;
    let mut tty = terminal::enter()?;
    let result = run_in(&mut tty, client, settings).await;
    terminal::restore();
    result
}

async fn run_in(tty: &mut Tty, client: Client, settings: &Settings) -> io::Result<Exit> {
    let size = tty.size()?;
    let mut app = App::new(connection(settings), size.width, size.height);
    let theme = Theme::from_env();
    // Read once: the zone database is not consulted per frame.
    let tz = jiff::tz::TimeZone::system();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut tasks = Tasks::default();
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut spinner = tokio::time::interval(SPINNER_INTERVAL);
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    for effect in app.start() {
        tasks.spawn(effect, &client, &tx);
    }
    draw(tty, &app, theme, &tz)?;
    loop {
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::info!(error = %e, "terminal input failed; leaving");
                    return Ok(Exit::HangUp);
                }
                None => return Ok(Exit::HangUp),
            },
            Some(msg) = rx.recv() => msg,
            _ = spinner.tick(), if app.busy() => Msg::Tick,
            _ = sigterm.recv() => return Ok(Exit::Signal),
            _ = sigint.recv() => return Ok(Exit::Signal),
            _ = sighup.recv() => return Ok(Exit::HangUp),
        };
        let (changed, effects) = app.update(msg);
        for effect in effects {
            if effect == Effect::Quit {
                return Ok(Exit::Quit);
            }
            tasks.spawn(effect, &client, &tx);
        }
        if changed {
            draw(tty, &app, theme, &tz)?;
        }
    }
}

fn connection(settings: &Settings) -> Connection {
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
    list: Option<AbortHandle>,
    user: Option<AbortHandle>,
    methods: Option<AbortHandle>,
    search_timer: Option<AbortHandle>,
}

impl Tasks {
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
            Effect::Quit => return,
        };
        if let Some(old) = slot.replace(handle.abort_handle()) {
            old.abort();
        }
    }
}
