//! The real console state rendered into ratatui's `TestBackend` and compared with insta
//! snapshots (`tests/snapshots/`), at 80×24 (an SSH session's default) and 120×40 (side by
//! side). States are built without a network: replies from the demo seed are fed to
//! `App::update` as the run loop would. Clock, time zone and the list's timestamp are fixed,
//! so the snapshots are deterministic.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test tui_snapshots`,
//! then read every changed `.snap` file before committing it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use zitadesk::api::wire::{AuthenticationMethodType, ListDetails, ListUsersResponse, User, UserState};
use zitadesk::api::{ApiError, Status};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::browse::Mode;
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};
use zitadesk::userinfo;

const SEED: &str = include_str!("../assets/demo-users.json");
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

// The users of the demo seed each snapshot opens.
const JANE_UNVERIFIED: &str = "300000000000000101";
const JOHN_VERIFIED: &str = "300000000000000102";
const PAUL_INITIAL: &str = "300000000000000108";
const BILLING_MACHINE: &str = "300000000000000114";

struct Seeded {
    user: User,
    methods: Vec<AuthenticationMethodType>,
}

/// The seed's users as the demo instance lists them: deleted ones left out, by display name.
fn seed() -> Vec<Seeded> {
    let v: serde_json::Value = serde_json::from_str(SEED).expect("seed is JSON");
    let mut users: Vec<Seeded> = v["users"]
        .as_array()
        .expect("seed has users")
        .iter()
        .map(|u| Seeded {
            user: serde_json::from_value(u["user"].clone()).expect("seed user decodes"),
            methods: serde_json::from_value(u["authMethods"].clone()).unwrap_or_default(),
        })
        .filter(|s| s.user.state != UserState::Deleted)
        .collect();
    users.sort_by_key(|s| userinfo::display_name(&s.user).to_lowercase());
    users
}

fn ctx(no_color: bool) -> ViewCtx {
    ViewCtx {
        now: "2025-03-01T12:10:00Z".parse().expect("timestamp"),
        tz: jiff::tz::TimeZone::UTC,
        theme: Theme::new(no_color),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn reply(users: Vec<User>) -> ListUsersResponse {
    ListUsersResponse {
        details: ListDetails {
            total_result: users.len() as u64,
            timestamp: Some("2025-03-01T12:04:31Z".parse().expect("timestamp")),
            ..ListDetails::default()
        },
        result: users,
        ..ListUsersResponse::default()
    }
}

/// The list request among `effects`.
fn list_request(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::ListUsers { id, .. } => Some(*id),
            _ => None,
        })
        .expect("a list request")
}

/// A console that has listed every seed user, at `w`×`h`.
fn listed(w: u16, h: u16) -> App {
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            ..Connection::default()
        },
        w,
        h,
    );
    let id = list_request(&app.start());
    let users = seed().into_iter().map(|s| s.user).collect();
    app.update(Msg::Listed {
        id,
        result: Ok(reply(users)),
    });
    app
}

/// Types `text` into the search line (opening it first) and answers the debounced search with
/// the seed users whose name, login name or email contains it.
fn search(app: &mut App, text: &str) {
    app.update(key(KeyCode::Char('/')));
    let mut due = None;
    for c in text.chars() {
        let (_, effects) = app.update(key(KeyCode::Char(c)));
        for e in effects {
            if let Effect::ScheduleSearch { generation, .. } = e {
                due = Some(generation);
            }
        }
    }
    let Some(generation) = due.filter(|_| app.search.error.is_none()) else {
        return; // nothing is sent for a search that cannot be understood
    };
    let (_, effects) = app.update(Msg::SearchDue(generation));
    let id = list_request(&effects);
    let needle = text.to_lowercase();
    let matching = seed()
        .into_iter()
        .map(|s| s.user)
        .filter(|u| {
            [
                userinfo::display_name(u).into_owned(),
                u.preferred_login_name.clone(),
                userinfo::email(u).unwrap_or("").to_owned(),
            ]
            .iter()
            .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect();
    app.update(Msg::Listed {
        id,
        result: Ok(reply(matching)),
    });
}

/// The user's history as the demo would answer it: the seed's hand-written story, or the
/// account's creation alone.
fn history_of(user: &User) -> zitadesk::history::History {
    use zitadesk::api::changes::{Change, LocalizedMessage};
    let v: serde_json::Value = serde_json::from_str(SEED).expect("seed is JSON");
    let users = v["users"].as_array().expect("users");
    let name_of = |id: &str| {
        users
            .iter()
            .find(|u| u["user"]["userId"] == id)
            .and_then(|u| {
                let user = &u["user"];
                user["human"]["profile"]["displayName"]
                    .as_str()
                    .or(user["machine"]["name"].as_str())
            })
            .unwrap_or("")
            .to_owned()
    };
    let entry = users
        .iter()
        .find(|u| u["user"]["userId"] == user.user_id.as_str());
    let story: Vec<(String, String, String)> = match entry.and_then(|e| e["history"].as_array()) {
        Some(events) => events
            .iter()
            .map(|e| {
                let field = |k: &str| e[k].as_str().unwrap_or("").to_owned();
                (field("at"), field("type"), field("editor"))
            })
            .collect(),
        None => vec![(
            user.details
                .as_ref()
                .and_then(|d| d.creation_date)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            if user.machine.is_some() {
                "user.machine.added"
            } else {
                "user.human.added"
            }
            .to_owned(),
            "300000000000000900".to_owned(),
        )],
    };
    let changes: Vec<Change> = story
        .into_iter()
        .enumerate()
        .map(|(i, (at, event_type, editor))| Change {
            change_date: at.parse().ok(),
            event_type: LocalizedMessage {
                key: format!("EventTypes.{event_type}"),
                localized_message: String::new(),
            },
            sequence: i as u64 + 1,
            editor_display_name: name_of(&editor),
            editor_id: editor,
            ..Change::default()
        })
        .collect();
    let audit = zitadesk::history::AuditLines {
        records: &[],
        instance: "",
    };
    zitadesk::history::build(&changes, audit, &user.user_id, &jiff::tz::TimeZone::UTC)
}

/// Moves the selection to `user_id`, presses Enter and answers the detail's requests.
fn open_detail(app: &mut App, user_id: &str) {
    let seeded = seed();
    let index = seeded
        .iter()
        .position(|s| s.user.user_id == user_id)
        .expect("user in seed");
    for _ in 0..index {
        app.update(key(KeyCode::Char('j')));
    }
    let (_, effects) = app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Detail);
    let s = &seeded[index];
    for e in effects {
        match e {
            Effect::GetUser { id, user_id: asked } => {
                assert_eq!(asked, user_id);
                let (_, next) = app.update(Msg::GotUser {
                    id,
                    result: Ok(s.user.clone()),
                });
                // The history is asked for once the user (and so their org) is known.
                for e in next {
                    if let Effect::UserHistory {
                        id,
                        user_id: asked,
                        org,
                    } = e
                    {
                        assert_eq!(asked, user_id);
                        assert_eq!(
                            Some(org.as_str()),
                            s.user.details.as_ref().map(|d| d.resource_owner.as_str())
                        );
                        app.update(Msg::GotHistory {
                            id,
                            result: Ok(history_of(&s.user)),
                        });
                    }
                }
            }
            Effect::ListAuthMethods { id, .. } => {
                app.update(Msg::GotMethods {
                    id,
                    result: Ok(s.methods.clone()),
                });
            }
            _ => {}
        }
    }
}

fn terminal(app: &App, w: u16, h: u16, no_color: bool) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|f| view::draw(f, app, &ctx(no_color)))
        .expect("draw into the test backend");
    terminal
}

/// Renders `app` and compares it with the snapshot `name`.
fn snapshot(name: &str, app: &App, w: u16, h: u16) {
    let terminal = terminal(app, w, h, false);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

#[test]
fn list() {
    for (w, h) in SIZES {
        snapshot("list", &listed(w, h), w, h);
    }
}

#[test]
fn search_with_results() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        search(&mut app, "jane");
        assert_eq!(app.mode, Mode::Search);
        let mut terminal = terminal(&app, w, h, false);
        // The cursor sits after the typed text: "/ jane" on the search row.
        assert_eq!(terminal.get_cursor_position().expect("cursor"), (6, 1).into());
        snapshot("search", &app, w, h);
    }
}

#[test]
fn search_with_a_syntax_error_is_said_whole_and_not_sent() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        search(&mut app, "foo:bar");
        assert!(app.search.error.is_some());
        snapshot("search_error", &app, w, h);
    }
}

#[test]
fn no_results() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        search(&mut app, "zzz");
        app.update(key(KeyCode::Enter));
        assert_eq!(app.mode, Mode::List);
        snapshot("no_results", &app, w, h);
    }
}

#[test]
fn detail_of_a_verified_user() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        open_detail(&mut app, JOHN_VERIFIED);
        snapshot("detail_verified", &app, w, h);
    }
}

#[test]
fn detail_of_an_unverified_user() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        open_detail(&mut app, JANE_UNVERIFIED);
        snapshot("detail_unverified", &app, w, h);
    }
}

#[test]
fn detail_of_a_machine_user() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        open_detail(&mut app, BILLING_MACHINE);
        snapshot("detail_machine", &app, w, h);
    }
}

#[test]
fn detail_of_an_initial_user_says_they_cannot_log_in() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        open_detail(&mut app, PAUL_INITIAL);
        snapshot("detail_initial", &app, w, h);
    }
}

#[test]
fn detail_while_loading() {
    let mut app = listed(80, 24);
    app.update(key(KeyCode::Enter));
    assert!(app.busy());
    snapshot("detail_loading", &app, 80, 24);
}

#[test]
fn a_failed_read_said_whole_under_the_search_line() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        let (_, effects) = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
        let id = list_request(&effects);
        let denied = ApiError::PermissionDenied(Status {
            http: 403,
            code: Some(7),
            id: Some("AUTHZ-HKJD33".into()),
            message: "No matching permissions found".into(),
        });
        app.update(Msg::Listed {
            id,
            result: Err(denied),
        });
        assert!(app.list_error.is_some());
        snapshot("error", &app, w, h);
    }
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        app.update(key(KeyCode::Char('?')));
        assert!(app.help_open);
        snapshot("help", &app, w, h);
    }
}

#[test]
fn search_syntax_from_the_search_line() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        app.update(key(KeyCode::Char('/')));
        app.update(key(KeyCode::Char('?')));
        assert!(app.syntax_open, "? on an empty line");
        assert_eq!(app.search.input.value(), "");
        snapshot("search_syntax", &app, w, h);
    }
}

#[test]
fn sorted_by_email_is_named_in_the_search_row() {
    for (w, h) in SIZES {
        let mut app = listed(w, h);
        app.update(key(KeyCode::Char('s')));
        let (_, effects) = app.update(key(KeyCode::Char('3')));
        let id = list_request(&effects);
        let users = seed().into_iter().map(|s| s.user).collect();
        app.update(Msg::Listed {
            id,
            result: Ok(reply(users)),
        });
        snapshot("sorted_by_email", &app, w, h);
    }
}

#[test]
fn too_small() {
    for (w, h) in [(30, 8), (80, 9)] {
        snapshot("too_small", &listed(w, h), w, h);
    }
}

#[test]
fn no_color_uses_no_colours_at_all() {
    let mut list = listed(80, 24);
    list.connection.read_only = true;
    let mut detail = listed(120, 40);
    detail.connection.read_only = true;
    open_detail(&mut detail, PAUL_INITIAL);
    let mut help = listed(80, 24);
    help.update(key(KeyCode::Char('?')));
    for (name, app, (w, h)) in [
        ("no_color_list", &list, (80, 24)),
        ("no_color_detail", &detail, (120, 40)),
        ("no_color_help", &help, (80, 24)),
    ] {
        let terminal = terminal(app, w, h, true);
        for cell in terminal.backend().buffer().content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "{name}: {cell:?}"
            );
            assert_eq!(cell.underline_color, Color::Reset, "{name}: {cell:?}");
        }
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
    // The colour theme does colour the same screen (so the check above is not vacuous).
    let coloured = terminal(&list, 80, 24, false);
    assert!(
        coloured
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset)
    );
}
