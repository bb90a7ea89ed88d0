//! Marks and the bulk resend dialog rendered into ratatui's `TestBackend` and compared with
//! insta snapshots, at 80×24 and 120×40: marked rows (and their ASCII fallback), the
//! confirmation, the progress (running and stopping) and the summary. No network: the run's
//! events are fed back as the executor would send them.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test bulk_console_snapshots`,
//! then read every changed `.snap` file before committing it.

#[path = "common/seeded.rs"]
mod seeded;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use seeded::listed;
use zitadesk::bulk::{Event, Progress, Report, Status, Stop, UserResult};
use zitadesk::tui::app::{App, Connection};
use zitadesk::tui::msg::{Effect, Msg};
use zitadesk::tui::theme::Theme;
use zitadesk::tui::view::{self, ViewCtx};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const TEMPLATE: &str = "https://help.acme.example/verify?user={{.UserID}}&code={{.Code}}";

fn ctx(ascii: bool) -> ViewCtx {
    let mut theme = Theme::new(false);
    theme.ascii = ascii;
    ViewCtx {
        now: "2025-03-01T12:10:00Z".parse().expect("timestamp"),
        tz: jiff::tz::TimeZone::UTC,
        theme,
    }
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

/// The seed listed, with rows 2, 3 and 5 marked (space), the selection on row 6.
fn marked(w: u16, h: u16) -> App {
    let mut app = listed(
        Connection {
            host: "acme.zitadel.cloud".into(),
            instance: "https://acme.zitadel.cloud".into(),
            journal_dir: Some("/var/lib/zitadesk/jobs".into()),
            url_templates: vec![TEMPLATE.into()],
            ..Connection::default()
        },
        w,
        h,
        None,
    );
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.marks.len(), 3);
    app
}

/// Every listed user marked (`*`), `r` pressed.
fn confirm(w: u16, h: u16) -> App {
    let mut app = marked(w, h);
    key(&mut app, KeyCode::Char('*'));
    key(&mut app, KeyCode::Char('r'));
    assert!(app.bulk.is_some());
    app
}

fn user(id: &str, status: Status, reason: Option<&str>) -> UserResult {
    UserResult {
        user_id: id.into(),
        status,
        reason: reason.map(str::to_string),
        zitadel_id: None,
        sequence: None,
        error: None,
        requests: u32::from(status != Status::AlreadyDone),
        audit_error: None,
    }
}

/// Enter pressed, three users' turns over; returns the run's id.
fn running(app: &mut App) -> u64 {
    let effects = key(app, KeyCode::Enter);
    let [Effect::RunBulk { id, targets, .. }] = effects.as_slice() else {
        panic!("one run: {effects:?}");
    };
    let (id, total) = (*id, targets.len());
    let ids: Vec<String> = targets.iter().map(|t| t.user_id.clone()).collect();
    for (i, (status, reason)) in [
        (Status::AlreadyDone, None),
        (Status::Sent, None),
        (Status::Failed, Some("no_pending_code")),
    ]
    .into_iter()
    .enumerate()
    {
        app.update(Msg::BulkEvent {
            id,
            event: Event::User {
                progress: Progress {
                    done: i + 1,
                    total,
                    rate: 5.0,
                },
                result: user(&ids[i], status, reason),
            },
        });
    }
    id
}

fn snapshot(name: &str, app: &App, w: u16, h: u16, ascii: bool) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|f| view::draw(f, app, &ctx(ascii)))
        .expect("draw into the test backend");
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

#[test]
fn marked_rows_show_a_mark_and_the_count() {
    for (w, h) in SIZES {
        let app = marked(w, h);
        let text = snapshot("bulk_marked", &app, w, h, false);
        assert_eq!(text.matches('●').count(), 3, "one mark per marked row");
        assert!(text.contains("3 marked ·"));
        let text = snapshot("bulk_marked_ascii", &app, w, h, true);
        assert!(!text.contains('●'));
    }
}

#[test]
fn the_confirmation_says_how_many_the_link_the_rate_and_the_journal() {
    for (w, h) in SIZES {
        let app = confirm(w, h);
        let text = snapshot("bulk_confirm", &app, w, h, false);
        assert!(text.contains("rate: 5 per second"), "{text}");
        assert!(text.contains("cannot sign in yet"), "{text}");
    }
}

#[test]
fn the_progress_while_running_and_after_esc() {
    for (w, h) in SIZES {
        let mut app = confirm(w, h);
        let id = running(&mut app);
        snapshot("bulk_running", &app, w, h, false);
        assert_eq!(key(&mut app, KeyCode::Esc), vec![Effect::StopBulk { id }]);
        let text = snapshot("bulk_stopping", &app, w, h, false);
        assert!(text.contains("stopping after the request in flight"));
    }
}

#[test]
fn the_summary_stays_until_dismissed() {
    for (w, h) in SIZES {
        let mut app = confirm(w, h);
        let id = running(&mut app);
        key(&mut app, KeyCode::Esc);
        let total = app.bulk.as_ref().map_or(0, |b| b.plan.targets.len());
        let mut failed = std::collections::BTreeMap::new();
        failed.insert("no_pending_code".to_string(), 1);
        app.update(Msg::BulkDone {
            id,
            result: Ok(Report {
                total,
                sent: 1,
                failed,
                unknown: vec!["300000000000000104".into()],
                already_done: 1,
                not_started: total - 4,
                requests: 3,
                stopped: Some(Stop::Cancelled),
                ..Report::default()
            }),
        });
        let text = snapshot("bulk_summary", &app, w, h, false);
        assert!(text.contains("not reached"), "{text}");
        key(&mut app, KeyCode::Char('j'));
        assert!(app.bulk.is_some(), "only Esc or Enter closes the summary");
    }
}

#[test]
fn the_confirmation_of_a_stopped_job_says_where_its_journal_stands() {
    for (w, h) in SIZES {
        let mut app = marked(w, h);
        key(&mut app, KeyCode::Char('*'));
        let effects = key(&mut app, KeyCode::Char('r'));
        let [Effect::ReadBulkJournal { id, .. }] = effects.as_slice() else {
            panic!("the journal is read: {effects:?}");
        };
        let ids: Vec<String> = app
            .bulk
            .as_ref()
            .map(|b| b.plan.targets.iter().map(|t| t.user_id.clone()).collect())
            .unwrap_or_default();
        let line = |id: &str, kind: &str, outcome: &str| match kind {
            "before" => {
                format!(r#"{{"t":"before","userId":"{id}","call":"resend","at":"2025-03-01T12:00:00Z"}}"#)
            }
            _ => format!(
                r#"{{"t":"after","userId":"{id}","outcome":"{outcome}","at":"2025-03-01T12:00:01Z"}}"#
            ),
        };
        let text = [
            line(&ids[0], "after", "ok"),
            line(&ids[1], "after", "ok"),
            line(&ids[2], "before", ""),
            line(&ids[3], "after", "error"),
        ]
        .join("\n");
        let replay = zitadesk::bulk::journal::replay(&text);
        app.update(Msg::BulkJournal {
            id: *id,
            result: Ok(replay),
        });
        let text = snapshot("bulk_confirm_resumed", &app, w, h, false);
        assert!(text.contains("already sent"), "{text}");
    }
}
