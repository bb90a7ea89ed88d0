//! Drawing never panics, whatever the size, and moving the selection changes only the rows
//! involved. (The look itself is covered by the insta snapshots in `tests/tui_snapshots.rs`.)

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::*;
use crate::api::wire::{AuthenticationMethodType, ListDetails, ListUsersResponse, User};
use crate::tui::app::Connection;
use crate::tui::msg::{Effect, Msg};
use crate::tui::theme::Theme;

const SEED: &str = include_str!("../../../assets/demo-users.json");

fn seed() -> Vec<(User, Vec<AuthenticationMethodType>)> {
    let v: serde_json::Value = serde_json::from_str(SEED).unwrap();
    v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let user: User = serde_json::from_value(u["user"].clone()).unwrap();
            let methods = serde_json::from_value(u["authMethods"].clone()).unwrap_or_default();
            (user, methods)
        })
        .collect()
}

fn ctx() -> ViewCtx {
    ViewCtx {
        now: "2025-03-01T12:10:00Z".parse().unwrap(),
        tz: jiff::tz::TimeZone::UTC,
        theme: Theme::new(false),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// An app with the whole seed listed, at `w`×`h`.
fn listed(w: u16, h: u16) -> App {
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            read_only: true,
            ..Connection::default()
        },
        w,
        h,
    );
    let Some(Effect::ListUsers { id, .. }) = app.start().into_iter().next() else {
        panic!("start lists users");
    };
    let users: Vec<User> = seed().into_iter().map(|(u, _)| u).collect();
    let details = ListDetails {
        total_result: users.len() as u64,
        timestamp: Some("2025-03-01T12:04:31Z".parse().unwrap()),
        ..ListDetails::default()
    };
    app.update(Msg::Listed {
        id,
        result: Ok(ListUsersResponse {
            details,
            result: users,
            ..ListUsersResponse::default()
        }),
    });
    app
}

/// The listed app with the first user's detail loaded and the help overlay open.
fn everything_open(w: u16, h: u16) -> App {
    let mut app = listed(w, h);
    let (user, methods) = seed().into_iter().next().unwrap();
    let (_, effects) = app.update(key(KeyCode::Enter));
    for effect in effects {
        match effect {
            Effect::GetUser { id, .. } => {
                app.update(Msg::GotUser {
                    id,
                    result: Ok(user.clone()),
                });
            }
            Effect::ListAuthMethods { id, .. } => {
                app.update(Msg::GotMethods {
                    id,
                    result: Ok(methods.clone()),
                });
            }
            _ => {}
        }
    }
    app.update(key(KeyCode::Char('?')));
    assert!(app.help_open && app.detail.is_some());
    app
}

fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, app, &ctx())).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn every_size_draws_without_panicking() {
    let mut app = everything_open(80, 24);
    let stale = everything_open(80, 24);
    for w in (0..=130).step_by(3).chain([39, 40, 99, 100, 101]) {
        for h in (0..=45).step_by(2).chain([9, 10, 11]) {
            app.update(Msg::Resize { width: w, height: h });
            app.help_open = true;
            render(&app, w, h);
            // A size that changed under the state (its resize not yet seen) must not panic.
            render(&stale, w, h);
        }
    }
}

#[test]
fn moving_the_selection_by_one_changes_only_the_two_rows_and_the_counter() {
    let mut app = listed(80, 24);
    let before = render(&app, 80, 24);
    app.update(key(KeyCode::Char('j')));
    let after = render(&app, 80, 24);
    let changed: Vec<u16> = (0..24)
        .filter(|&y| (0..80).any(|x| before[(x, y)] != after[(x, y)]))
        .collect();
    // Row 3 is the first user (row 2 holds the titles), row 23 the status line.
    assert_eq!(changed, [3, 4, 23]);
}

#[test]
fn the_selected_row_is_marked_without_colour_too() {
    let app = listed(80, 24);
    let buf = render(&app, 80, 24);
    assert_eq!(buf[(0, 3)].symbol(), "▶");
    assert!(buf[(10, 3)].modifier.contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(buf[(0, 4)].symbol(), " ");
}

#[test]
fn wrap_breaks_at_spaces_and_breaks_long_words_across_lines() {
    assert_eq!(
        wrap("password, passkey, TOTP", 10),
        ["password,", "passkey,", "TOTP"]
    );
    assert_eq!(wrap("a b c", 80), ["a b c"]);
    assert_eq!(
        wrap("averyveryverylongword x", 5),
        ["avery", "veryv", "erylo", "ngwor", "d", "x"]
    );
    assert_eq!(
        wrap("山田太郎", 3),
        ["山", "田", "太", "郎"],
        "wide characters whole"
    );
    assert!(wrap("", 5).is_empty());
    assert!(wrap("   ", 5).is_empty());
}

fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

#[test]
fn a_long_host_gives_way_to_read_only_and_the_freshness() {
    let mut app = listed(60, 24);
    app.connection.host = "a-very-long-instance-name-0123456789.eu1.zitadel.cloud".into();
    app.connection.org = Some("281465201463541763".into());
    let header = row_text(&render(&app, 60, 24), 0);
    assert!(
        header.starts_with("a-very-long-instance-name-012345…  READ-ONLY"),
        "{header}"
    );
    assert!(header.contains(" READ-ONLY "), "{header}");
    assert!(header.ends_with("as of 12:04:31"), "{header}");
    app.update(Msg::Resize {
        width: 120,
        height: 24,
    });
    let header = row_text(&render(&app, 120, 24), 0);
    assert!(
        header.contains("· org 281465201463541763  READ-ONLY "),
        "{header}"
    );
}

/// A page that repeats users of the one before (sort ties), from a server that drops
/// unreadable rows after paging: the status row says the order shifted, and the counter shows
/// what the agent can reach instead of `totalResult`.
#[test]
fn the_status_row_says_the_order_shifted_and_counts_only_reachable_users() {
    let mut app = App::new(Connection::default(), 80, 24);
    let Some(Effect::ListUsers { id, .. }) = app.start().into_iter().next() else {
        panic!("start lists users");
    };
    let user = |i: usize| User {
        user_id: format!("{i}"),
        ..User::default()
    };
    let page = |ids: Vec<usize>| ListUsersResponse {
        details: ListDetails {
            total_result: 1000,
            ..ListDetails::default()
        },
        result: ids.into_iter().map(user).collect(),
        ..ListUsersResponse::default()
    };
    // 15 readable of the first 100; the next page brings two of them again.
    let (_, effects) = app.update(Msg::Listed {
        id,
        result: Ok(page((0..15).collect())),
    });
    let Some(Effect::ListUsers { id, .. }) = effects.into_iter().next() else {
        panic!("a short page near the end fetches the next");
    };
    let mut second: Vec<usize> = (100..115).collect();
    second.extend([13, 14]);
    app.update(Msg::Listed {
        id,
        result: Ok(page(second)),
    });
    assert_eq!(app.list.len(), 30, "each user once");
    let buf = render(&app, 80, 24);
    let status = row_text(&buf, 23);
    assert!(
        status.contains("order shifted between pages: 2 repeats hidden, users may be missing"),
        "{status:?}"
    );
    assert!(status.trim_end().ends_with("1 of 30+"), "{status:?}");
    assert!(!status.contains("1000"), "{status:?}");
}

#[test]
fn a_long_email_and_login_name_are_read_whole_in_the_detail() {
    let email = "jane.wadda-very-long-surname-of-the-family@subsidiary.initech-holdings.example";
    let login = format!("{email}-login");
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = listed(w, h);
        let (mut user, _) = seed().into_iter().next().unwrap();
        user.preferred_login_name = login.clone();
        if let Some(human) = user.human.as_mut() {
            human.email.get_or_insert_with(Default::default).email = email.into();
        }
        let (_, effects) = app.update(key(KeyCode::Enter));
        for effect in effects {
            if let Effect::GetUser { id, .. } = effect {
                app.update(Msg::GotUser {
                    id,
                    result: Ok(user.clone()),
                });
            }
        }
        let buf = render(&app, w, h);
        // Every row's text, joined without the label column or padding.
        let text: String = (0..h).map(|y| row_text(&buf, y)).collect::<Vec<_>>().join("\n");
        let squeezed: String = text
            .lines()
            .filter_map(|l| l.split("  ").filter(|p| !p.trim().is_empty()).last())
            .map(|p| p.trim().trim_end_matches('│').trim())
            .collect();
        assert!(squeezed.contains(email), "{w}×{h}: email whole\n{text}");
        assert!(squeezed.contains(&login), "{w}×{h}: login whole\n{text}");
    }
}

#[test]
fn a_refused_search_is_said_whole_at_80_and_120_columns() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = listed(w, h);
        app.update(key(KeyCode::Char('/')));
        for c in "jane state:sleeping".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        let reason = app.search.error.as_ref().map(|e| e.reason.clone()).unwrap();
        let buf = render(&app, w, h);
        let text: String = (0..h)
            .map(|y| row_text(&buf, y).trim_end().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let whole = reason.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squeezed.contains(&whole), "{w}×{h}: “{whole}” whole in\n{text}");
        assert!(squeezed.contains("the rows below are still all users"), "{text}");
    }
}
