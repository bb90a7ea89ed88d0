//! The columns the console can sort the users list by — those ZITADEL's ListUsers sorts by
//! that the agent sees (`UserFieldName` in api/wire.rs; zitadel.user.v2 UserFieldName at
//! v4.13.1) — in the order the sort picker (`s`) lists them, and how a typed sort
//! (`:sort email desc`) reads.

use std::cmp::Ordering;

use crate::api::query::ListSort;
use crate::api::wire::{User, UserFieldName};
use crate::userinfo;

/// In the picker's order; the first is the console's default (`ListSort::default`).
pub static COLUMNS: &[(UserFieldName, &str)] = &[
    (UserFieldName::DisplayName, "display name"),
    (UserFieldName::UserName, "user name"),
    (UserFieldName::Email, "email"),
    (UserFieldName::State, "state"),
    (UserFieldName::CreationDate, "creation date"),
];

/// The column a word names: its name, or the start of it (`created`, `email`, `user`);
/// `None` when it names none or more than one.
pub fn parse(word: &str) -> Option<UserFieldName> {
    let word = word.trim().to_lowercase();
    if word.is_empty() {
        return None;
    }
    // "created" reads naturally for the creation date.
    let word = if word == "created" {
        "creation".to_owned()
    } else {
        word
    };
    if let Some((c, _)) = COLUMNS.iter().find(|(_, n)| *n == word) {
        return Some(*c);
    }
    let mut starting = COLUMNS.iter().filter(|(_, n)| n.starts_with(&word));
    match (starting.next(), starting.next()) {
        (Some((c, _)), None) => Some(*c),
        _ => None,
    }
}

/// A sort as typed after `:sort`: a column (see [`parse`]), then optionally `asc` or `desc`
/// (`None` when left out: the direction in effect stays): "email", "email desc", "created
/// asc", "display name desc". The error says what is wrong and names the columns there are.
pub fn parse_order(args: &str) -> Result<(UserFieldName, Option<bool>), String> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let (column_words, ascending) = match words.split_last() {
        Some((last, rest)) => match last.to_lowercase().as_str() {
            "asc" | "ascending" => (rest, Some(true)),
            "desc" | "descending" => (rest, Some(false)),
            _ => (words.as_slice(), None),
        },
        None => (words.as_slice(), None),
    };
    let column = column_words.join(" ");
    if column.is_empty() {
        return Err(super::messages::sort_needs_column());
    }
    match parse(&column) {
        Some(column) => Ok((column, ascending)),
        None => Err(super::messages::sort_unknown(&column)),
    }
}

/// How the console names a column ("creation date").
pub fn name(column: UserFieldName) -> &'static str {
    COLUMNS
        .iter()
        .find(|(c, _)| *c == column)
        .map_or("user ID", |(_, n)| n)
}

/// The direction's arrow: `↑` ascending, `↓` descending.
pub fn arrow(ascending: bool) -> &'static str {
    if ascending { "↑" } else { "↓" }
}

/// How two users compare in `sort`, for the matches of a local filter, which the console
/// holds and orders itself (the scan reads them by user ID). Text as the list shows it,
/// ignoring case; a missing value after every present one ascending (as ZITADEL's
/// PostgreSQL puts NULLs); ties by user ID, so the order is stable.
pub fn compare(a: &User, b: &User, sort: ListSort) -> Ordering {
    let by_column = match sort.column {
        UserFieldName::UserName => text(&a.username).cmp(&text(&b.username)),
        UserFieldName::Email => {
            text(userinfo::email(a).unwrap_or("")).cmp(&text(userinfo::email(b).unwrap_or("")))
        }
        UserFieldName::State => a.state.number().cmp(&b.state.number()),
        UserFieldName::CreationDate => created(a).cmp(&created(b)),
        UserFieldName::DisplayName => text(&userinfo::display_name(a)).cmp(&text(&userinfo::display_name(b))),
        _ => Ordering::Equal,
    };
    let ordering = by_column.then_with(|| a.user_id.cmp(&b.user_id));
    if sort.ascending {
        ordering
    } else {
        ordering.reverse()
    }
}

/// A text cell's sort key: missing (empty) values last, then by the lowercased text.
fn text(s: &str) -> (bool, String) {
    (s.is_empty(), s.to_lowercase())
}

/// A creation date's sort key: missing ones last.
fn created(u: &User) -> (bool, Option<jiff::Timestamp>) {
    let at = u.details.as_ref().and_then(|d| d.creation_date);
    (at.is_none(), at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{Details, HumanEmail, HumanUser, UserState};

    #[test]
    fn a_column_is_named_by_its_name_or_the_start_of_it() {
        assert_eq!(parse("email"), Some(UserFieldName::Email));
        assert_eq!(parse("Created"), Some(UserFieldName::CreationDate));
        assert_eq!(parse("user"), Some(UserFieldName::UserName));
        assert_eq!(parse("st"), Some(UserFieldName::State));
        assert_eq!(parse("display name"), Some(UserFieldName::DisplayName));
        assert_eq!(parse("nonsense"), None);
        assert_eq!(parse(""), None);
        assert_eq!(name(UserFieldName::CreationDate), "creation date");
    }

    #[test]
    fn a_typed_sort_is_a_column_then_an_optional_direction() {
        let sort = |column, ascending: Option<bool>| Ok((column, ascending));
        assert_eq!(parse_order("email"), sort(UserFieldName::Email, None));
        assert_eq!(parse_order("email desc"), sort(UserFieldName::Email, Some(false)));
        assert_eq!(
            parse_order("  Email   DESC "),
            sort(UserFieldName::Email, Some(false))
        );
        assert_eq!(
            parse_order("created asc"),
            sort(UserFieldName::CreationDate, Some(true))
        );
        assert_eq!(
            parse_order("display name descending"),
            sort(UserFieldName::DisplayName, Some(false))
        );
        assert_eq!(
            parse_order("state ascending"),
            sort(UserFieldName::State, Some(true))
        );
        assert_eq!(parse_order("user"), sort(UserFieldName::UserName, None));
    }

    #[test]
    fn a_typed_sort_that_names_no_column_says_which_there_are() {
        let every = "display name, user name, email, state, creation date";
        for bad in ["phone", "desc", "", "email sideways"] {
            let err = parse_order(bad).expect_err(bad);
            assert!(err.contains(every), "{bad:?}: {err}");
        }
        assert_eq!(
            parse_order("phone desc"),
            Err(format!("no column “phone” to sort by — there are {every}"))
        );
        assert_eq!(
            parse_order(""),
            Err(format!("sort by which column? {every} (then asc or desc)"))
        );
    }

    fn user(id: &str, email: &str, state: UserState, created_s: Option<i64>) -> User {
        User {
            user_id: id.into(),
            username: id.to_uppercase(),
            state,
            details: Some(Details {
                creation_date: created_s.and_then(|s| jiff::Timestamp::from_second(s).ok()),
                ..Details::default()
            }),
            human: Some(HumanUser {
                email: Some(HumanEmail {
                    email: email.into(),
                    ..HumanEmail::default()
                }),
                ..HumanUser::default()
            }),
            ..User::default()
        }
    }

    fn order(users: &[User], sort: ListSort) -> Vec<&str> {
        let mut v: Vec<&User> = users.iter().collect();
        v.sort_by(|a, b| compare(a, b, sort));
        v.into_iter().map(|u| u.user_id.as_str()).collect()
    }

    #[test]
    fn matches_sort_by_the_column_missing_values_last_ties_by_id() {
        let users = [
            user("c", "Bob@x", UserState::Locked, Some(30)),
            user("a", "", UserState::Active, None),
            user("b", "alice@x", UserState::Active, Some(10)),
            user("d", "bob@x", UserState::Initial, Some(20)),
        ];
        let by = |column, ascending| ListSort { column, ascending };
        assert_eq!(
            order(&users, by(UserFieldName::Email, true)),
            ["b", "c", "d", "a"]
        );
        assert_eq!(
            order(&users, by(UserFieldName::Email, false)),
            ["a", "d", "c", "b"]
        );
        assert_eq!(
            order(&users, by(UserFieldName::State, true)),
            ["a", "b", "c", "d"]
        );
        assert_eq!(
            order(&users, by(UserFieldName::CreationDate, true)),
            ["b", "d", "c", "a"]
        );
        assert_eq!(
            order(&users, by(UserFieldName::UserName, false)),
            ["d", "c", "b", "a"]
        );
    }
}
