//! Shared by `tests/console_bytes.rs` and `benches/render.rs`: the console's state built
//! without a network (pages of users fed in as replies), and a terminal that writes what the
//! real run loop would write into a byte counter instead of stdout.
#![allow(dead_code)]

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use zitadesk::api::wire::{
    HumanEmail, HumanProfile, HumanUser, ListDetails, ListUsersResponse, User, UserState,
};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::frame::{FrameTerminal, FrameWriter, draw_frame};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::ViewCtx;

/// Users the server says match (`details.totalResult`): more than the window of pages holds.
pub const TOTAL: u64 = 1000;
/// The list's data freshness and the view's "now" (fixed, so frames do not change with the clock).
pub const AS_OF: &str = "2025-03-01T10:04:31Z";

/// The hand-written users of the demo instance (`users[i].user` of the seed file).
pub fn seed_users() -> &'static [User] {
    static SEED: std::sync::OnceLock<Vec<User>> = std::sync::OnceLock::new();
    SEED.get_or_init(load_seed)
}

fn load_seed() -> Vec<User> {
    #[derive(serde::Deserialize)]
    struct Seed {
        users: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        user: User,
    }
    let seed: Seed = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo-users.json"
    )))
    .expect("assets/demo-users.json parses");
    assert!(!seed.users.is_empty(), "the demo seed has users");
    seed.users.into_iter().map(|e| e.user).collect()
}

const FIRST: &[&str] = &[
    "Anna", "Ben", "Chiara", "David", "Elif", "Felix", "Greta", "Hiroshi", "Ines", "Jonas", "Kim", "Lena",
];
const LAST: &[&str] = &[
    "Müller",
    "Schmidt",
    "Rossi",
    "García",
    "Dubois",
    "Nowak",
    "Jansen",
    "Andersson",
    "Tanaka",
    "Okafor",
    "Silva",
];

/// A plausible human for result position `i` (0-based), not from the seed file.
pub fn generated_user(i: usize) -> User {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let username = format!("{}.{}{i}", first.to_lowercase(), last.to_lowercase());
    User {
        user_id: format!("{}", 310_000_000_000_000_000u64 + i as u64),
        state: if i.is_multiple_of(17) {
            UserState::Inactive
        } else {
            UserState::Active
        },
        username: username.clone(),
        login_names: vec![format!("{username}@acme.demo.zitadel.cloud")],
        preferred_login_name: format!("{username}@acme.demo.zitadel.cloud"),
        human: Some(HumanUser {
            profile: Some(HumanProfile {
                given_name: first.into(),
                family_name: last.into(),
                display_name: Some(format!("{first} {last}")),
                ..HumanProfile::default()
            }),
            email: Some(HumanEmail {
                email: format!("{username}@acme.example"),
                is_verified: !i.is_multiple_of(3),
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    }
}

/// `n` users of the result from `offset`: the seed users first, then generated ones.
pub fn users(offset: u64, n: usize) -> Vec<User> {
    let seed = seed_users();
    let from = usize::try_from(offset).expect("offset fits");
    (from..from + n)
        .map(|i| seed.get(i).cloned().unwrap_or_else(|| generated_user(i)))
        .collect()
}

/// A page of the result as ListUsers answers it (total [`TOTAL`], stamped [`AS_OF`]).
pub fn page(offset: u64, limit: u32) -> ListUsersResponse {
    let n = u64::from(limit).min(TOTAL.saturating_sub(offset));
    ListUsersResponse {
        details: ListDetails {
            total_result: TOTAL,
            timestamp: Some(AS_OF.parse().expect("timestamp")),
            ..ListDetails::default()
        },
        result: users(offset, usize::try_from(n).expect("page size fits")),
        ..ListUsersResponse::default()
    }
}

/// Answers every ListUsers effect at once with the page it asks for (and whatever those
/// replies ask for in turn). Other effects are returned.
pub fn serve(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut todo = effects;
    let mut rest = Vec::new();
    while let Some(effect) = todo.pop() {
        match effect {
            Effect::ListUsers { id, request } => {
                let q = request.query.expect("the console always pages explicitly");
                let (_, more) = app.update(Msg::Listed {
                    id,
                    result: Ok(page(q.offset, q.limit)),
                });
                todo.extend(more);
            }
            other => rest.push(other),
        }
    }
    rest
}

/// The console at `width`×`height` with the first page of [`TOTAL`] users loaded, as
/// `App::start` and its reply leave it.
pub fn started_app(width: u16, height: u16) -> App {
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            ..Default::default()
        },
        width,
        height,
    );
    let effects = app.start();
    assert!(
        matches!(effects.as_slice(), [Effect::ListUsers { .. }]),
        "start asks for the first page: {effects:?}"
    );
    let rest = serve(&mut app, effects);
    assert!(rest.is_empty(), "{rest:?}");
    assert!(app.list.loaded && app.list.len() == 100, "the first page is in");
    app
}

/// A key press as crossterm reports it.
pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Fixed clock and zone, colour theme: the view's inputs besides the state.
pub fn ctx(no_color: bool) -> ViewCtx {
    ViewCtx {
        now: AS_OF.parse().expect("timestamp"),
        tz: jiff::tz::TimeZone::UTC,
        theme: Theme::new(no_color),
    }
}

/// What reached the "file descriptor": every byte, and how many `write` calls carried them
/// (over SSH each write can become a packet of its own).
#[derive(Debug, Default)]
pub struct Wire {
    pub bytes: Vec<u8>,
    pub writes: usize,
}

/// A `Write` into a shared [`Wire`], standing in for stdout.
#[derive(Clone, Default)]
pub struct WireWriter(pub Rc<RefCell<Wire>>);

impl Write for WireWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut wire = self.0.borrow_mut();
        wire.bytes.extend_from_slice(buf);
        wire.writes += 1;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The terminal the run loop draws into (`terminal::Tty`: a frame writer in front of stdout),
/// writing into a [`Wire`], with a fixed size instead of asking a real terminal.
pub type WireTerminal = FrameTerminal<WireWriter>;

pub fn wire_terminal(width: u16, height: u16) -> (WireTerminal, Rc<RefCell<Wire>>) {
    let wire = WireWriter::default();
    let shared = Rc::clone(&wire.0);
    let backend = CrosstermBackend::new(FrameWriter::new(wire, 64 * 1024));
    let terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )
    .expect("terminal");
    (terminal, shared)
}

/// One frame exactly as the run loop writes it.
pub fn draw(terminal: &mut WireTerminal, app: &App, ctx: &ViewCtx) {
    draw_frame(terminal, app, ctx).expect("draw");
}

/// What one frame put on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub bytes: Vec<u8>,
    pub writes: usize,
}

/// Draws one frame and returns what it wrote.
pub fn measured_draw(
    terminal: &mut WireTerminal,
    wire: &Rc<RefCell<Wire>>,
    app: &App,
    ctx: &ViewCtx,
) -> Frame {
    *wire.borrow_mut() = Wire::default();
    draw(terminal, app, ctx);
    let w = std::mem::take(&mut *wire.borrow_mut());
    Frame {
        bytes: w.bytes,
        writes: w.writes,
    }
}
