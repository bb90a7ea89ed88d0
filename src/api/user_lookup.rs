//! `users show EMAIL|LOGIN|ID`: what the agent typed is an ID (digits, as ZITADEL makes them)
//! or else an email address or login name, looked up exactly (ignoring case) so a partial
//! text never picks one user of many.

use super::query::{ListSort, Page, list_users_request};
use super::wire::{
    EmailQuery, ListUsersRequest, LoginNameQuery, OrQuery, SearchQuery, TextQueryMethod, User,
};

/// The most candidates read for an ambiguous lookup (and listed).
pub const MAX_CANDIDATES: u32 = 10;

/// How `users show` reads its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(String),
    /// An email address or login name.
    Text(String),
}

impl UserRef {
    pub fn parse(typed: &str) -> UserRef {
        let t = typed.trim();
        if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
            UserRef::Id(t.to_owned())
        } else {
            UserRef::Text(t.to_owned())
        }
    }
}

/// ListUsers for users whose email or login name is exactly `text`, ignoring case, scoped
/// to `org` when one is set.
pub fn exact_user_request(text: &str, org: Option<&str>) -> ListUsersRequest {
    let method = TextQueryMethod::EqualsIgnoreCase;
    let either = SearchQuery::OrQuery(OrQuery {
        queries: vec![
            SearchQuery::EmailQuery(EmailQuery {
                email_address: text.to_owned(),
                method,
            }),
            SearchQuery::LoginNameQuery(LoginNameQuery {
                login_name: text.to_owned(),
                method,
            }),
        ],
    });
    let page = Page {
        offset: 0,
        limit: MAX_CANDIDATES,
    };
    list_users_request(vec![either], org, page, ListSort::default())
}

/// The outcome of an exact lookup.
#[derive(Debug, PartialEq)]
pub enum Lookup<'a> {
    One(&'a User),
    None,
    Several(&'a [User]),
}

pub fn pick(users: &[User]) -> Lookup<'_> {
    match users {
        [] => Lookup::None,
        [one] => Lookup::One(one),
        many => Lookup::Several(many),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_an_id_anything_else_is_looked_up() {
        assert_eq!(UserRef::parse(" 2648 "), UserRef::Id("2648".into()));
        assert_eq!(
            UserRef::parse("jane@acme.example"),
            UserRef::Text("jane@acme.example".into())
        );
        assert_eq!(UserRef::parse("jdoe"), UserRef::Text("jdoe".into()));
    }

    #[test]
    fn the_lookup_is_exact_ignoring_case_on_email_or_login() {
        let v = serde_json::to_value(exact_user_request("Jane@Acme", None)).unwrap_or_default();
        assert_eq!(
            v["queries"],
            serde_json::json!([{"orQuery": {"queries": [
                {"emailQuery": {"emailAddress": "Jane@Acme", "method": "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}},
                {"loginNameQuery": {"loginName": "Jane@Acme", "method": "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}}
            ]}}])
        );
        assert_eq!(v["query"]["limit"], serde_json::json!(10));
    }
}
