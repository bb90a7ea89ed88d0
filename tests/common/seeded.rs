//! The start of most console snapshot tests: a console that has listed the demo's hand-written
//! users, as the demo instance answers (the deleted left out, by display name), with one of
//! them selected. No network: the reply is fed in as the run loop would.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zitadesk::api::wire::{ListDetails, ListUsersResponse, User, UserState};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::userinfo;

const SEED: &str = include_str!("../../assets/demo-users.json");

/// The seed's users as the demo instance lists them: deleted ones left out, by display name.
pub fn seed() -> Vec<User> {
    let v: serde_json::Value = serde_json::from_str(SEED).expect("seed is JSON");
    let mut users: Vec<User> = v["users"]
        .as_array()
        .expect("seed has users")
        .iter()
        .map(|u| serde_json::from_value(u["user"].clone()).expect("seed user decodes"))
        .filter(|u: &User| u.state != UserState::Deleted)
        .collect();
    users.sort_by_key(|u| userinfo::display_name(u).to_lowercase());
    users
}

/// A `w`×`h` console on `connection` that has listed every seed user, with `user_id` selected
/// (`None`: the first row).
pub fn listed(connection: Connection, w: u16, h: u16, user_id: Option<&str>) -> App {
    let mut app = App::new(connection, w, h);
    let Some(Effect::ListUsers { id, .. }) = app.start().into_iter().next() else {
        panic!("start lists users");
    };
    let users = seed();
    let index = user_id.map_or(0, |user_id| {
        users
            .iter()
            .position(|u| u.user_id == user_id)
            .expect("user in seed")
    });
    app.update(Msg::Listed {
        id,
        result: Ok(ListUsersResponse {
            details: ListDetails {
                total_result: users.len() as u64,
                timestamp: Some("2025-03-01T12:04:31Z".parse().expect("timestamp")),
                ..ListDetails::default()
            },
            result: users,
            ..ListUsersResponse::default()
        }),
    });
    for _ in 0..index {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
    }
    app
}
