//! Organisation names on the console's screen, rendered into ratatui's `TestBackend` and
//! compared with insta snapshots: the list's organisation column (from 95 columns; at 80 it
//! gives way), the detail's "Organization: Name (ID)", the header's configured organisation by
//! name, and IDs where no name can be read. The directory is the one the in-process demo
//! serves (read over real HTTP); the users are the demo seed, fed in as replies with a fixed
//! clock, so the snapshots are deterministic.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test org_names_snapshots`,
//! then read every changed `.snap` file before committing it.

mod common;
#[path = "common/console.rs"]
mod console;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zitadesk::api::orgs::{OrgDirectory, Organization};
use zitadesk::api::wire::{ListDetails, ListUsersResponse, User, UserState};
use zitadesk::demo::{ADMIN_TOKEN, NO_MEMBER_TOKEN};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::browse::Mode;
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::view;
use zitadesk::userinfo;

use console::{ctx, key};

const ACME: &str = "281465201463541763";
const GLOBEX: &str = "281465201463607299";
const JANE: &str = "300000000000000101";

/// The seed's users as the demo lists them: deleted ones left out, by display name.
fn seed() -> Vec<User> {
    let mut users: Vec<User> = console::seed_users()
        .iter()
        .filter(|u| u.state != UserState::Deleted)
        .cloned()
        .collect();
    users.sort_by_key(|u| userinfo::display_name(u).to_lowercase());
    users
}

/// The organisation directory the demo serves to `token`.
async fn demo_directory(token: &str) -> OrgDirectory {
    let demo = common::demo().await;
    common::client(&demo, token)
        .org_directory()
        .await
        .expect("the demo answers ListOrganizations")
}

/// A console at `w`×`h` that listed the seed users and then got `orgs` as its directory.
fn listed(w: u16, h: u16, org: Option<&str>, orgs: OrgDirectory) -> App {
    let mut app = App::new(
        Connection {
            host: "acme.zitadel.cloud".into(),
            org: org.map(str::to_owned),
            ..Connection::default()
        },
        w,
        h,
    );
    let Some(Effect::ListUsers { id, .. }) = app.start().into_iter().next() else {
        panic!("the first page is asked for first")
    };
    let users = seed();
    app.update(Msg::Listed {
        id,
        result: Ok(ListUsersResponse {
            details: ListDetails {
                total_result: users.len() as u64,
                timestamp: Some(console::AS_OF.parse().expect("timestamp")),
                ..ListDetails::default()
            },
            result: users,
            ..ListUsersResponse::default()
        }),
    });
    let Effect::ReadOrgs { id } = app.read_orgs() else {
        panic!("a directory read")
    };
    let (changed, effects) = app.update(Msg::GotOrgs { id, result: Ok(orgs) });
    assert!(changed && effects.is_empty());
    app
}

/// Selects `user_id`, opens the detail and answers its reads (no sign-in methods, no history:
/// these snapshots are about the organisation line).
fn open_detail(app: &mut App, user_id: &str) {
    let index = seed()
        .iter()
        .position(|u| u.user_id == user_id)
        .expect("user in seed");
    for _ in 0..index {
        app.update(key(KeyCode::Char('j')));
    }
    let (_, effects) = app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Detail);
    let user = seed()
        .into_iter()
        .find(|u| u.user_id == user_id)
        .expect("seed user");
    for e in effects {
        match e {
            Effect::GetUser { id, .. } => {
                let (_, next) = app.update(Msg::GotUser {
                    id,
                    result: Ok(user.clone()),
                });
                for e in next {
                    if let Effect::UserHistory { id, .. } = e {
                        app.update(Msg::GotHistory {
                            id,
                            result: Ok(Default::default()),
                        });
                    }
                }
            }
            Effect::ListAuthMethods { id, .. } => {
                app.update(Msg::GotMethods {
                    id,
                    result: Ok(vec![]),
                });
            }
            _ => {}
        }
    }
}

fn screen(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|f| view::draw(f, app, &ctx(false)))
        .expect("draw into the test backend");
    terminal
}

fn text(app: &App, w: u16, h: u16) -> String {
    screen(app, w, h).backend().to_string()
}

#[tokio::test]
async fn the_list_names_each_users_organisation_and_gives_way_at_80_columns() {
    let orgs = demo_directory(ADMIN_TOKEN).await;
    assert_eq!(orgs.len(), 3);
    let app = listed(120, 40, None, orgs.clone());
    insta::assert_snapshot!("list_120x40", screen(&app, 120, 40).backend());
    let wide = text(&app, 120, 40);
    assert!(wide.contains("ORGANIZATION") && wide.contains("Acme") && wide.contains("Globex"));
    let app = listed(80, 24, None, orgs);
    let narrow = text(&app, 80, 24);
    assert!(
        !narrow.contains("ORGANIZATION"),
        "the organisation gives way first:\n{narrow}"
    );
    assert!(narrow.contains("EMAIL STATUS STATE"), "{narrow}");
}

#[tokio::test]
async fn the_detail_shows_the_name_with_the_id() {
    let orgs = demo_directory(ADMIN_TOKEN).await;
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = listed(w, h, None, orgs.clone());
        open_detail(&mut app, JANE);
        insta::assert_snapshot!(format!("detail_{w}x{h}"), screen(&app, w, h).backend());
        assert!(
            text(&app, w, h).contains(&format!("Organization:    Acme ({ACME})")),
            "{}",
            text(&app, w, h)
        );
    }
}

#[tokio::test]
async fn the_header_names_the_configured_organisation_and_the_list_drops_the_column() {
    let orgs = demo_directory(ADMIN_TOKEN).await;
    let app = listed(120, 40, Some(GLOBEX), orgs);
    insta::assert_snapshot!("scoped_header_120x40", screen(&app, 120, 40).backend());
    let shown = text(&app, 120, 40);
    let header = shown.lines().next().unwrap_or_default();
    assert!(header.contains("acme.zitadel.cloud · org Globex"), "{header}");
    assert!(
        !shown.contains("ORGANIZATION"),
        "every row would say Globex:\n{shown}"
    );
}

#[tokio::test]
async fn without_org_read_the_ids_are_shown_as_before() {
    let orgs = demo_directory(NO_MEMBER_TOKEN).await;
    assert!(orgs.is_empty(), "ZITADEL answers an empty list, not an error");
    let mut app = listed(120, 40, Some(GLOBEX), orgs);
    let shown = text(&app, 120, 40);
    assert!(
        shown
            .lines()
            .next()
            .unwrap_or_default()
            .contains(&format!("org {GLOBEX}"))
    );
    assert!(!shown.contains("ORGANIZATION"), "no column of bare IDs:\n{shown}");
    open_detail(&mut app, JANE);
    let shown = text(&app, 120, 40);
    assert!(shown.contains(&format!("Organization:    {ACME}")), "{shown}");
    assert!(app.error.is_none() && app.notice().is_empty());
}

#[tokio::test]
async fn an_organisation_without_a_readable_name_shows_its_id_and_hostile_names_are_defused() {
    // Only Acme is known here, under a name that tries to drive the terminal.
    let orgs = OrgDirectory::from_orgs(
        [Organization {
            id: ACME.into(),
            name: "Acme\u{1b}[2J\u{202e}Corp".into(),
            ..Default::default()
        }],
        false,
    );
    let mut app = listed(120, 40, None, orgs);
    let shown = text(&app, 120, 40);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown}"
    );
    assert!(shown.contains("Acme␛[2JCorp"), "{shown}");
    assert!(
        shown.contains("2814652014636…"),
        "Globex by its ID, cut to the column:\n{shown}"
    );
    open_detail(&mut app, JANE);
    let shown = text(&app, 120, 40);
    assert!(shown.contains(&format!("Acme␛[2JCorp ({ACME})")), "{shown}");
}
