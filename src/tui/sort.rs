//! The columns the console can sort the users list by — those ZITADEL's ListUsers sorts by
//! that the agent sees (`UserFieldName` in api/wire.rs; zitadel.user.v2 UserFieldName at
//! v4.13.1) — in the order `s` steps through them.

use crate::api::wire::UserFieldName;

/// In cycling order; the first is the console's default (`ListSort::default`).
pub static COLUMNS: &[(UserFieldName, &str)] = &[
    (UserFieldName::DisplayName, "display name"),
    (UserFieldName::UserName, "user name"),
    (UserFieldName::Email, "email"),
    (UserFieldName::State, "state"),
    (UserFieldName::CreationDate, "creation date"),
];

/// The column after `column` (after the last, or one not in the list: the first).
pub fn next(column: UserFieldName) -> UserFieldName {
    let at = COLUMNS.iter().position(|(c, _)| *c == column);
    let next = at.map_or(0, |i| (i + 1) % COLUMNS.len());
    COLUMNS.get(next).map_or(UserFieldName::DisplayName, |(c, _)| *c)
}

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

/// How the console names a column ("creation date").
pub fn name(column: UserFieldName) -> &'static str {
    COLUMNS
        .iter()
        .find(|(c, _)| *c == column)
        .map_or("user ID", |(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_steps_through_every_column_and_back_to_the_default() {
        let mut c = crate::api::query::ListSort::default().column;
        let mut seen = vec![c];
        for _ in 0..COLUMNS.len() {
            c = next(c);
            seen.push(c);
        }
        assert_eq!(seen.first(), seen.last(), "a full cycle returns");
        assert_eq!(seen.len(), COLUMNS.len() + 1);
        assert_eq!(next(UserFieldName::Unspecified), UserFieldName::DisplayName);
        assert_eq!(name(UserFieldName::CreationDate), "creation date");
    }

    #[test]
    fn a_column_is_named_by_its_name_or_the_start_of_it() {
        assert_eq!(parse("email"), Some(UserFieldName::Email));
        assert_eq!(parse("Created"), Some(UserFieldName::CreationDate));
        assert_eq!(parse("user"), Some(UserFieldName::UserName));
        assert_eq!(parse("st"), Some(UserFieldName::State));
        assert_eq!(parse("display name"), Some(UserFieldName::DisplayName));
        assert_eq!(parse("nonsense"), None);
        assert_eq!(parse(""), None);
    }
}
