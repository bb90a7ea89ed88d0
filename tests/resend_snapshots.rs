//! The resend dialog rendered into ratatui's `TestBackend` and compared with insta snapshots
//! (`tests/snapshots/`), at 80×24 and 120×40. The console is driven as the run loop drives it,
//! without a network: the demo seed is listed, a user selected, `r` pressed, and ZITADEL's
//! answers fed back as `Msg::Issued` with the id of the request the dialog asked for.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test resend_snapshots`,
//! then read every changed `.snap` file before committing it.

#[path = "common/seeded.rs"]
mod seeded;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use seeded::listed;
use zitadesk::api::wire::{ActionResponse, CodeDetails, VerificationCode};
use zitadesk::api::{ActionResult, ApiError, Status};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::clipboard::Clipboard;
use zitadesk::tui::keys::KeyHelp;
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

const JANE_UNVERIFIED: &str = "300000000000000101";
const PAUL_INITIAL: &str = "300000000000000108";
const CODE: &str = "K7Q2XW";
const TEMPLATES: [&str; 2] = [
    "https://help.acme.example/verify?user={{.UserID}}&code={{.Code}}",
    "https://id.acme.example/v?u={{.UserID}}&c={{.Code}}&o={{.OrgID}}",
];

fn ctx() -> ViewCtx {
    ViewCtx {
        now: "2025-03-01T12:10:00Z".parse().expect("timestamp"),
        tz: jiff::tz::TimeZone::UTC,
        theme: Theme::new(false),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn chr(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// A console that has listed every seed user, with `user_id` selected and the dialog open.
fn dialog(w: u16, h: u16, user_id: &str, read_only: bool) -> App {
    let mut app = listed(
        Connection {
            host: "acme.zitadel.cloud".into(),
            read_only,
            url_templates: TEMPLATES.iter().map(|t| t.to_string()).collect(),
            ..Connection::default()
        },
        w,
        h,
        Some(user_id),
    );
    app.update(chr('r'));
    assert!(app.dialog.is_some(), "r opens the dialog");
    app
}

fn jane(w: u16, h: u16) -> App {
    dialog(w, h, JANE_UNVERIFIED, false)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(chr(c));
    }
}

/// Presses Enter and returns the id of the one request the dialog asked for.
fn send(app: &mut App) -> u64 {
    let (_, effects) = app.update(key(KeyCode::Enter));
    let ids: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Apply { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 1, "one confirmed action, one request: {effects:?}");
    ids[0]
}

fn issued(code: Option<&str>) -> Result<ActionResult, ApiError> {
    Ok(ActionResult::from(ActionResponse {
        details: Some(CodeDetails {
            sequence: 42,
            change_date: Some("2025-03-01T12:09:58Z".parse().expect("timestamp")),
            resource_owner: "281465201463541763".into(),
            ..Default::default()
        }),
        verification_code: code.map(VerificationCode::new),
        invite_code: None,
    }))
}

fn answer(app: &mut App, id: u64, result: Result<ActionResult, ApiError>) {
    let (changed, _) = app.update(Msg::Issued {
        id,
        result,
        audit_error: None,
    });
    assert!(changed, "the dialog took the answer");
}

/// Return mode, sent, answered with a code.
fn returned(w: u16, h: u16) -> App {
    let mut app = jane(w, h);
    app.update(key(KeyCode::Tab));
    let id = send(&mut app);
    answer(&mut app, id, issued(Some(CODE)));
    app
}

fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|f| view::draw(f, app, &ctx()))
        .expect("draw into the test backend");
    terminal
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

fn snapshot(name: &str, app: &App, w: u16, h: u16) {
    let terminal = terminal(app, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

#[test]
fn mail_mode_with_an_empty_template() {
    for (w, h) in SIZES {
        let app = jane(w, h);
        assert_eq!(app.keymap().name(), zitadesk::tui::action_dialog::EDITING.name);
        let terminal = terminal(&app, w, h);
        // The cursor waits in the (empty) template field, after its "> " prompt.
        assert!(terminal.backend().cursor_visible());
        let cursor = terminal.backend().cursor_position();
        assert_eq!(
            terminal.backend().buffer()[(cursor.x - 2, cursor.y)].symbol(),
            ">"
        );
        snapshot("mail", &app, w, h);
    }
}

#[test]
fn mail_mode_with_a_valid_template_shows_the_link() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        type_text(&mut app, "https://help.acme.example/v?u={{.UserID}}&c={{.Code}}");
        snapshot("mail_preview", &app, w, h);
    }
}

#[test]
fn a_template_error_is_named_under_the_field() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        type_text(&mut app, "https://x/{{.LoginName}}");
        let (_, effects) = app.update(key(KeyCode::Enter));
        assert!(effects.is_empty(), "nothing is sent with an invalid template");
        snapshot("template_error", &app, w, h);
    }
}

#[test]
fn a_deep_link_is_accepted_with_its_warnings_under_the_field() {
    let (w, h) = (80, 24);
    let mut app = jane(w, h);
    type_text(&mut app, " myapp://verify?c={{.Code | urlquery}}");
    let text = screen_text(&terminal(&app, w, h));
    assert!(text.contains("myapp://verify?c=ABC123"), "{text}");
    assert!(text.contains("not a web link"), "{text}");
    snapshot("deep_link_warnings", &app, w, h);
}

#[test]
fn return_mode() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        app.update(key(KeyCode::Tab));
        let terminal = terminal(&app, w, h);
        assert!(
            !terminal.backend().cursor_visible(),
            "no text field in return mode"
        );
        snapshot("return", &app, w, h);
    }
}

#[test]
fn in_flight_shows_a_spinner_and_takes_no_enter() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        app.update(key(KeyCode::Down)); // the first saved template
        send(&mut app);
        assert!(app.busy());
        let (_, effects) = app.update(key(KeyCode::Enter));
        assert!(effects.is_empty(), "a second Enter sends nothing");
        snapshot("in_flight", &app, w, h);
    }
}

#[test]
fn success_in_mail_mode() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        let id = send(&mut app);
        answer(&mut app, id, issued(None));
        snapshot("mailed", &app, w, h);
    }
}

#[test]
fn a_returned_code_is_masked_until_v() {
    for (w, h) in SIZES {
        let mut app = returned(w, h);
        let masked = screen_text(&terminal(&app, w, h));
        assert!(!masked.contains(CODE), "the code is on screen before v");
        assert!(masked.contains("••••••"));
        snapshot("code_masked", &app, w, h);

        app.update(chr('v'));
        let revealed = screen_text(&terminal(&app, w, h));
        assert!(revealed.contains(CODE), "v shows the code");
        snapshot("code_revealed", &app, w, h);

        app.update(chr('v'));
        let hidden = screen_text(&terminal(&app, w, h));
        assert!(!hidden.contains(CODE), "v again hides it");
    }
}

#[test]
fn copying_says_so_and_keeps_the_code_masked() {
    let mut app = returned(80, 24);
    let (_, effects) = app.update(chr('y'));
    assert!(matches!(effects.as_slice(), [Effect::Copy(_)]));
    let text = screen_text(&terminal(&app, 80, 24));
    assert!(!text.contains(CODE));
    snapshot("code_copied", &app, 80, 24);
}

#[test]
fn the_copy_line_says_what_tmux_needs_or_that_the_clipboard_is_off() {
    for (clipboard, said) in [
        (
            Clipboard::Tmux,
            "sent to the clipboard — tmux needs set-clipboard on",
        ),
        (
            Clipboard::Off,
            "not copied: copying is off (set clipboard = osc52)",
        ),
    ] {
        let mut app = returned(80, 24);
        app.connection.clipboard = clipboard;
        app.update(chr('y'));
        let text = screen_text(&terminal(&app, 80, 24));
        assert!(text.contains(said), "{clipboard:?}:\n{text}");
        assert!(
            !text.contains("terminal's clipboard"),
            "{clipboard:?} is not the plain terminal's wording:\n{text}"
        );
    }
    let mut app = returned(80, 24);
    app.connection.clipboard = Clipboard::Off;
    app.update(chr('y'));
    snapshot("code_copy_off", &app, 80, 24);
}

#[test]
fn no_pending_code_offers_a_fresh_one_which_needs_confirming() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        let id = send(&mut app);
        let none = ApiError::NoPendingCode(Status {
            http: 404,
            message: "Code is empty".into(),
            ..Status::default()
        });
        answer(&mut app, id, Err(none));
        assert_eq!(
            app.keymap().name(),
            zitadesk::tui::action_dialog::NOTHING_PENDING.name
        );
        snapshot("no_pending", &app, w, h);

        let (_, effects) = app.update(chr('s'));
        assert!(effects.is_empty(), "s only asks; Enter sends");
        assert_eq!(app.keymap().name(), zitadesk::tui::action_dialog::CONFIRMING.name);
        snapshot("confirm_send", &app, w, h);
    }
}

#[test]
fn read_only_refuses() {
    for (w, h) in SIZES {
        let mut app = dialog(w, h, JANE_UNVERIFIED, true);
        snapshot("read_only", &app, w, h);
        let (_, effects) = app.update(key(KeyCode::Enter));
        assert!(effects.is_empty(), "Enter only closes the refusal");
        assert!(app.dialog.is_none());
    }
}

#[test]
fn read_only_names_the_profile_that_set_it() {
    let mut app = dialog(80, 24, JANE_UNVERIFIED, true);
    app.connection.read_only_source = Some("profile acme".into());
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    // The dialog's rows, inside its borders, joined: the sentence is wrapped.
    let flat = (0..24)
        .map(|y| {
            let row: String = (0..80).map(|x| buffer[(x, y)].symbol()).collect();
            row.trim().trim_matches('│').trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("zitadesk runs read-only (set by profile acme). Nothing can be sent."),
        "{flat}"
    );
    assert!(!flat.contains("ZITADESK_READ_ONLY"), "{flat}");
}

#[test]
fn a_403_stays_in_the_dialog() {
    for (w, h) in SIZES {
        let mut app = jane(w, h);
        let id = send(&mut app);
        let denied = ApiError::PermissionDenied(Status {
            http: 403,
            code: Some(7),
            id: Some("AUTHZ-HKJD33".into()),
            message: "No matching permissions found".into(),
        });
        answer(&mut app, id, Err(denied));
        assert_eq!(
            app.keymap().name(),
            zitadesk::tui::action_dialog::EDITING.name,
            "the agent can fix and retry"
        );
        snapshot("denied", &app, w, h);
    }
}

#[test]
fn a_user_who_is_not_initialised_needs_an_invite() {
    for (w, h) in SIZES {
        // ZITADEL knows better than the list: the user looked set up.
        let mut app = jane(w, h);
        let id = send(&mut app);
        let initial = ApiError::UserNotInitialised(Status {
            http: 412,
            message: "User not initialized".into(),
            ..Status::default()
        });
        answer(&mut app, id, Err(initial));
        snapshot("not_initialised", &app, w, h);
    }
}

#[test]
fn r_on_a_user_in_setup_opens_the_invite_and_says_why() {
    for (w, h) in SIZES {
        let app = dialog(w, h, PAUL_INITIAL, false);
        let text = screen_text(&terminal(&app, w, h));
        assert!(text.contains("Invite the user"), "{text}");
        assert!(text.contains("has not finished setting up"), "{text}");
        snapshot("invite_for_initial", &app, w, h);
    }
}

#[test]
fn an_audit_failure_is_shown_and_the_result_stands() {
    let mut app = jane(80, 24);
    let id = send(&mut app);
    app.update(Msg::Issued {
        id,
        result: issued(None),
        audit_error: Some("cannot write /home/agent/.local/state/zitadesk/audit.jsonl: disk full".into()),
    });
    snapshot("audit_error", &app, 80, 24);
}

#[test]
fn the_dialogs_keys_are_said_once_in_its_footer_and_help_lists_them() {
    let mut app = returned(80, 24);
    let terminal = terminal(&app, 80, 24);
    let buf = terminal.backend().buffer();
    let rows: Vec<String> = (0..24)
        .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect())
        .collect();
    let footer = zitadesk::tui::action_dialog::SHOWING_CODE.hints();
    assert_eq!(
        footer,
        "v show/hide · y copy · r read aloud · Esc close (forgets the code)"
    );
    let with_footer: Vec<&String> = rows.iter().filter(|r| r.contains(&footer)).collect();
    assert_eq!(
        with_footer.len(),
        1,
        "the keys once, in the footer:\n{}",
        rows.join("\n")
    );
    assert!(
        !rows[23].contains("copy"),
        "not again in the status line: {}",
        rows[23]
    );
    app.help_open = true;
    snapshot("help", &app, 80, 24);
}

#[test]
fn tiny_screens_clip_every_phase_without_panicking() {
    let denied = || {
        Err(ApiError::PermissionDenied(Status {
            http: 403,
            message: "No matching permissions found".into(),
            ..Status::default()
        }))
    };
    let sizes = (0..=130u16)
        .step_by(7)
        .flat_map(|w| (0..=45u16).step_by(5).map(move |h| (w, h)));
    for (w, h) in [(40, 10), (41, 11), (50, 12), (79, 23)].into_iter().chain(sizes) {
        let mut states = vec![jane(w, h), dialog(w, h, JANE_UNVERIFIED, true), returned(w, h)];
        let mut in_flight = jane(w, h);
        send(&mut in_flight);
        states.push(in_flight);
        let mut refused = jane(w, h);
        let id = send(&mut refused);
        answer(&mut refused, id, denied());
        states.push(refused);
        for mut app in states {
            terminal(&app, w, h);
            app.update(chr('v'));
            // The screen shrinks under the state (its resize not yet seen).
            terminal(&app, w.saturating_sub(1), h);
            terminal(&app, 10, 3);
        }
    }
}

#[test]
fn a_long_template_scrolls_and_keeps_the_cursor_in_the_field() {
    let mut app = jane(80, 24);
    let long = format!(
        "https://help.acme.example/{}?u={{{{.UserID}}}}&c={{{{.Code}}}}",
        "x".repeat(80)
    );
    type_text(&mut app, &long);
    let terminal = terminal(&app, 80, 24);
    let cursor = terminal.backend().cursor_position();
    let buf = terminal.backend().buffer();
    let row: String = (0..80).map(|x| buf[(x, cursor.y)].symbol()).collect();
    // The end of what was typed is in view, and the cursor right after it, inside the border.
    assert!(row.contains("&c={{.Code}}"), "{row}");
    assert!(cursor.x < 78, "{cursor:?}");
    assert_eq!(buf[(cursor.x - 1, cursor.y)].symbol(), "}");
}

#[test]
fn without_colour_the_dialog_has_none_and_the_code_still_stands_out() {
    let mut app = returned(80, 24);
    app.update(chr('v'));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let mono = ViewCtx {
        theme: Theme::new(true),
        ..ctx()
    };
    terminal
        .draw(|f| view::draw(f, &app, &mono))
        .expect("draw into the test backend");
    let buf = terminal.backend().buffer();
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    let code_cell = buf
        .content()
        .iter()
        .find(|c| c.symbol() == "K")
        .expect("the revealed code");
    assert!(code_cell.modifier.contains(Modifier::REVERSED));
}
