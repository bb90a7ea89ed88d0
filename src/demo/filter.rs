//! ListUsers' `queries`, compiled once per request and evaluated per user with SQL's
//! three-valued logic: ZITADEL turns the queries into SQL over `users LEFT JOIN humans`, so a
//! machine user's human columns are NULL and neither `displayNameQuery` nor its `notQuery`
//! matches it.
//!
//! Evaluation allocates nothing per user: text columns of generated users are written into
//! the reusable [`Scratch`] buffers.

use std::collections::{HashMap, HashSet};

use super::directory::{Directory, TextField, UserRef};
use crate::api::wire::{SearchQuery, TextQueryMethod, UserState, UserType};

/// The columns queries match that can change at run time (SetEmail, UnlockUser,
/// ReactivateUser), by position: the few changed users, copied once per listing so the scan
/// sees what GetUserByID would show.
#[derive(Debug, Default, Clone)]
pub(crate) struct Changed {
    pub email: HashMap<usize, String>,
    pub state: HashMap<usize, UserState>,
}

/// Reusable buffers for one scan.
#[derive(Default)]
pub(crate) struct Scratch {
    field: String,
    lower: String,
}

#[derive(Debug)]
pub(crate) enum Filter {
    Text {
        field: TextField,
        method: TextQueryMethod,
        /// Lower-cased already for the `_IGNORE_CASE` methods.
        needle: String,
    },
    LoginName {
        method: TextQueryMethod,
        needle: String,
    },
    State(UserState),
    Type(UserType),
    /// Positions of the listed IDs (unknown IDs simply match nothing).
    Positions(HashSet<usize>),
    Emails(HashSet<String>),
    /// `None`: an org that does not exist, which matches nothing.
    Org(Option<usize>),
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
}

fn ignores_case(method: TextQueryMethod) -> bool {
    matches!(
        method,
        TextQueryMethod::EqualsIgnoreCase
            | TextQueryMethod::StartsWithIgnoreCase
            | TextQueryMethod::ContainsIgnoreCase
            | TextQueryMethod::EndsWithIgnoreCase
    )
}

fn lowercase_into(s: &str, out: &mut String) {
    out.clear();
    out.extend(s.chars().flat_map(char::to_lowercase));
}

fn needle(method: TextQueryMethod, s: &str) -> String {
    if ignores_case(method) {
        let mut out = String::new();
        lowercase_into(s, &mut out);
        out
    } else {
        s.to_owned()
    }
}

/// Compiles the top-level queries (AND-combined). Nesting depth was checked by the caller.
pub(crate) fn compile(queries: &[SearchQuery], dir: &Directory) -> Filter {
    Filter::And(queries.iter().map(|q| compile_one(q, dir)).collect())
}

fn text(field: TextField, method: TextQueryMethod, value: &str) -> Filter {
    Filter::Text {
        field,
        method,
        needle: needle(method, value),
    }
}

fn compile_one(q: &SearchQuery, dir: &Directory) -> Filter {
    match q {
        SearchQuery::UserNameQuery(q) => text(TextField::UserName, q.method, &q.user_name),
        SearchQuery::FirstNameQuery(q) => text(TextField::FirstName, q.method, &q.first_name),
        SearchQuery::LastNameQuery(q) => text(TextField::LastName, q.method, &q.last_name),
        SearchQuery::NickNameQuery(q) => text(TextField::NickName, q.method, &q.nick_name),
        SearchQuery::DisplayNameQuery(q) => text(TextField::DisplayName, q.method, &q.display_name),
        SearchQuery::EmailQuery(q) => text(TextField::Email, q.method, &q.email_address),
        SearchQuery::PhoneQuery(q) => text(TextField::Phone, q.method, &q.number),
        SearchQuery::StateQuery(q) => Filter::State(q.state),
        SearchQuery::TypeQuery(q) => Filter::Type(q.user_type),
        SearchQuery::LoginNameQuery(q) => Filter::LoginName {
            method: q.method,
            needle: needle(q.method, &q.login_name),
        },
        SearchQuery::InUserIdsQuery(q) => {
            Filter::Positions(q.user_ids.iter().filter_map(|id| dir.position(id)).collect())
        }
        SearchQuery::InUserEmailsQuery(q) => Filter::Emails(q.user_emails.iter().cloned().collect()),
        SearchQuery::OrganizationIdQuery(q) => Filter::Org(dir.org_index(&q.organization_id)),
        SearchQuery::OrQuery(q) => Filter::Or(q.queries.iter().map(|q| compile_one(q, dir)).collect()),
        SearchQuery::AndQuery(q) => Filter::And(q.queries.iter().map(|q| compile_one(q, dir)).collect()),
        SearchQuery::NotQuery(q) => Filter::Not(Box::new(compile_one(&q.query, dir))),
    }
}

/// One text comparison; `needle` is prepared by [`needle`].
fn text_matches(method: TextQueryMethod, hay: &str, needle: &str, lower: &mut String) -> bool {
    let hay = if ignores_case(method) {
        lowercase_into(hay, lower);
        lower.as_str()
    } else {
        hay
    };
    match method {
        TextQueryMethod::Equals | TextQueryMethod::EqualsIgnoreCase => hay == needle,
        TextQueryMethod::StartsWith | TextQueryMethod::StartsWithIgnoreCase => hay.starts_with(needle),
        TextQueryMethod::Contains | TextQueryMethod::ContainsIgnoreCase => hay.contains(needle),
        TextQueryMethod::EndsWith | TextQueryMethod::EndsWithIgnoreCase => hay.ends_with(needle),
    }
}

impl Filter {
    /// True when the filter matches everybody (no queries at all).
    pub fn is_everything(&self) -> bool {
        matches!(self, Filter::And(v) if v.is_empty())
    }

    /// Whether the row is selected (`WHERE` keeps only TRUE, not NULL).
    pub fn matches(&self, pos: usize, user: &UserRef<'_>, changed: &Changed, s: &mut Scratch) -> bool {
        self.eval(pos, user, changed, s) == Some(true)
    }

    /// Three-valued: `None` is SQL's UNKNOWN.
    fn eval(&self, pos: usize, user: &UserRef<'_>, changed: &Changed, s: &mut Scratch) -> Option<bool> {
        match self {
            Filter::Text {
                field: TextField::Email,
                method,
                needle,
            } if changed.email.contains_key(&pos) => {
                let hay = changed.email.get(&pos)?;
                Some(text_matches(*method, hay, needle, &mut s.lower))
            }
            Filter::Text {
                field,
                method,
                needle,
            } => {
                let Scratch { field: buf, lower } = s;
                let hay = user.text(*field, buf)?;
                Some(text_matches(*method, hay, needle, lower))
            }
            Filter::LoginName { method, needle } => {
                let Scratch { field: buf, lower } = s;
                Some(user.any_login_name(buf, |l| text_matches(*method, l, needle, lower)))
            }
            Filter::State(state) => {
                Some(changed.state.get(&pos).copied().unwrap_or_else(|| user.state()) == *state)
            }
            Filter::Type(t) => Some(user.user_type() == *t),
            Filter::Positions(set) => Some(set.contains(&pos)),
            Filter::Emails(set) => match changed.email.get(&pos) {
                Some(email) => Some(set.contains(email)),
                None => {
                    let email = user.text(TextField::Email, &mut s.field)?;
                    Some(set.contains(email))
                }
            },
            Filter::Org(org) => Some(*org == Some(user.org())),
            Filter::And(fs) => {
                let mut result = Some(true);
                for f in fs {
                    match f.eval(pos, user, changed, s) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            Filter::Or(fs) => {
                let mut result = Some(false);
                for f in fs {
                    match f.eval(pos, user, changed, s) {
                        Some(true) => return Some(true),
                        None => result = None,
                        Some(false) => {}
                    }
                }
                result
            }
            Filter::Not(f) => f.eval(pos, user, changed, s).map(|b| !b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_method() {
        let mut lower = String::new();
        let cases = [
            (TextQueryMethod::Equals, "Jane", true),
            (TextQueryMethod::Equals, "jane", false),
            (TextQueryMethod::EqualsIgnoreCase, "JANE", true),
            (TextQueryMethod::StartsWith, "Ja", true),
            (TextQueryMethod::StartsWith, "ja", false),
            (TextQueryMethod::StartsWithIgnoreCase, "jA", true),
            (TextQueryMethod::Contains, "an", true),
            (TextQueryMethod::ContainsIgnoreCase, "AN", true),
            (TextQueryMethod::EndsWith, "ne", true),
            (TextQueryMethod::EndsWith, "NE", false),
            (TextQueryMethod::EndsWithIgnoreCase, "NE", true),
        ];
        for (method, n, want) in cases {
            let n = needle(method, n);
            assert_eq!(
                text_matches(method, "Jane", &n, &mut lower),
                want,
                "{method:?} {n}"
            );
        }
        let n = needle(TextQueryMethod::ContainsIgnoreCase, "MÜLLER");
        assert!(text_matches(
            TextQueryMethod::ContainsIgnoreCase,
            "Jürgen Müller",
            &n,
            &mut lower
        ));
    }
}
