//! The search box: one line of words and `field:value` terms, turned into the `queries` of a
//! ListUsers request. The CLI and the console share this parser so that a search typed in
//! either behaves the same.
//!
//! Every term becomes one top-level entry, and ZITADEL ANDs top-level entries. A plain word
//! searches the usual name and email fields at once (an `orQuery`); `-` excludes a term
//! (`notQuery`). Nesting never goes deeper than not → or → text, far below ZITADEL's 20.

use super::local_filter::{LocalFilter, LocalTerm, local_field, yes_no};
use super::orgs::{OrgDirectory, OrgLookupError};
use super::user_id::check_user_id;
use super::wire::{
    DisplayNameQuery, EmailQuery, FirstNameQuery, InUserIdsQuery, LastNameQuery, LoginNameQuery, NotQuery,
    OrQuery, OrganizationIdQuery, PhoneQuery, SearchQuery, StateQuery, TextQueryMethod, TypeQuery,
    UserNameQuery, UserState, UserType,
};
use super::wire::{ListQuery, ListUsersRequest, UserFieldName};

/// ZITADEL's proto validation limit for text values and IDs.
const MAX_VALUE_CHARS: usize = 200;
/// ZITADEL's limit for `phoneQuery.number`.
const MAX_PHONE_CHARS: usize = 20;
/// ZITADEL user IDs are long numbers; shorter digit runs are more likely part of a name or
/// phone number than an ID, so they only search text.
const MIN_ID_DIGITS: usize = 10;

const FIELD_LIST: &str = "email:, user:, name:, first:, last:, login:, phone:, id:, state:, type:, org:, \
                          verified: or phone-verified:";

/// How text values are matched (setting `search_match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// The value may appear anywhere in the field.
    #[default]
    Contains,
    /// The field must start with the value.
    Prefix,
}

impl MatchMode {
    /// Reads the setting value `contains` or `prefix` (case and surrounding spaces ignored).
    pub fn from_setting(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "contains" => Some(MatchMode::Contains),
            "prefix" => Some(MatchMode::Prefix),
            _ => None,
        }
    }

    /// Helpdesk agents rarely know the exact capitalisation, so matching ignores case.
    fn method(self) -> TextQueryMethod {
        match self {
            MatchMode::Contains => TextQueryMethod::ContainsIgnoreCase,
            MatchMode::Prefix => TextQueryMethod::StartsWithIgnoreCase,
        }
    }
}

/// A search term that cannot be sent, with the term as typed and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("in \"{term}\": {reason}")]
pub struct QueryError {
    /// The offending term, exactly as typed.
    pub term: String,
    /// What is wrong and what is accepted instead.
    pub reason: String,
}

impl QueryError {
    fn new(term: &str, reason: impl Into<String>) -> Self {
        QueryError {
            term: term.to_owned(),
            reason: reason.into(),
        }
    }
}

/// The longest search taken (the console's search line holds no more).
pub const MAX_SEARCH_CHARS: usize = 512;
/// The most terms in one search: each becomes a query ZITADEL evaluates for every user.
pub const MAX_SEARCH_TERMS: usize = 16;

/// Parses the search box into ListUsers queries. Empty input means "all users". A local term
/// (`verified:`, `phone-verified:`) is refused here: a caller that cannot filter locally must
/// not drop it silently — [`parse_search_local`] is for callers that can.
pub fn parse_search(input: &str, mode: MatchMode) -> Result<Vec<SearchQuery>, QueryError> {
    let search = parse_search_local(input, mode)?;
    match search.local_typed.first() {
        Some(term) => Err(QueryError::new(
            term,
            "verified: and phone-verified: are filtered by zitadesk, which this command cannot do here",
        )),
        None => Ok(search.queries),
    }
}

/// A parsed search: what is sent to ZITADEL, and what zitadesk filters itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub queries: Vec<SearchQuery>,
    /// Never sent: ZITADEL cannot filter on these (see `api::local_filter`).
    pub local: LocalFilter,
    /// The local terms as typed.
    local_typed: Vec<String>,
}

/// Parses the search box into ListUsers queries and the local filter beside them.
pub fn parse_search_local(input: &str, mode: MatchMode) -> Result<Search, QueryError> {
    let len = input.chars().count();
    if len > MAX_SEARCH_CHARS {
        let start: String = input.chars().take(24).collect();
        return Err(QueryError::new(
            &format!("{start}…"),
            format!("the search is {len} characters long; at most {MAX_SEARCH_CHARS} are taken"),
        ));
    }
    let terms = split_terms(input)?;
    if let Some(extra) = terms.get(MAX_SEARCH_TERMS) {
        return Err(QueryError::new(
            extra.typed,
            format!("more than {MAX_SEARCH_TERMS} terms — search with fewer, more telling words"),
        ));
    }
    let mut search = Search::default();
    for term in &terms {
        match parse_term(term, mode.method())? {
            Parsed::Server(q) => search.queries.push(q),
            Parsed::Local(t) => {
                search.local.terms.push(t);
                search.local_typed.push(term.typed.to_owned());
            }
        }
    }
    Ok(search)
}

/// Restricts a search to one organization (`--org`).
pub fn org_scope(org_id: &str) -> SearchQuery {
    SearchQuery::OrganizationIdQuery(OrganizationIdQuery {
        organization_id: org_id.to_owned(),
    })
}

/// Whether a parsed search names an organisation by anything but digits (`org:initech`):
/// only then does it need the organisation directory before it can be sent.
pub fn names_orgs(queries: &[SearchQuery]) -> bool {
    queries.iter().any(|q| match q {
        SearchQuery::OrganizationIdQuery(o) => !o.organization_id.chars().all(|c| c.is_ascii_digit()),
        SearchQuery::OrQuery(o) => names_orgs(&o.queries),
        SearchQuery::AndQuery(a) => names_orgs(&a.queries),
        SearchQuery::NotQuery(n) => names_orgs(std::slice::from_ref(&n.query)),
        _ => false,
    })
}

/// The resolution step after [`parse_search`]: every `org:` value (an ID, a primary domain
/// or a name, see [`OrgDirectory::resolve`]) becomes the organisation IDs it stands for —
/// one `organizationIdQuery`, or an `orQuery` of them. An unknown or ambiguous value is
/// refused naming the candidates, so a mistyped name never reads as "no users match".
pub fn resolve_orgs(queries: Vec<SearchQuery>, orgs: &OrgDirectory) -> Result<Vec<SearchQuery>, QueryError> {
    queries.into_iter().map(|q| resolve_org_query(q, orgs)).collect()
}

fn resolve_org_query(query: SearchQuery, orgs: &OrgDirectory) -> Result<SearchQuery, QueryError> {
    Ok(match query {
        SearchQuery::OrganizationIdQuery(o) => {
            let typed = format!("org:{}", o.organization_id);
            let ids = orgs
                .resolve(&o.organization_id)
                .map_err(|e| QueryError::new(&typed, org_lookup_reason(&o.organization_id, orgs, e)))?;
            match ids.as_slice() {
                [one] => org_scope(one),
                _ => SearchQuery::OrQuery(OrQuery {
                    queries: ids.iter().map(|id| org_scope(id)).collect(),
                }),
            }
        }
        SearchQuery::OrQuery(o) => SearchQuery::OrQuery(OrQuery {
            queries: resolve_orgs(o.queries, orgs)?,
        }),
        SearchQuery::AndQuery(mut a) => {
            a.queries = resolve_orgs(a.queries, orgs)?;
            SearchQuery::AndQuery(a)
        }
        SearchQuery::NotQuery(n) => SearchQuery::NotQuery(Box::new(NotQuery {
            query: resolve_org_query(n.query, orgs)?,
        })),
        other => other,
    })
}

fn org_lookup_reason(value: &str, orgs: &OrgDirectory, e: OrgLookupError) -> String {
    let partial = if orgs.capped {
        " (only the first organisations were read)"
    } else {
        ""
    };
    match e {
        OrgLookupError::Ambiguous { candidates } => format!(
            "\"{value}\" names several organisations: {} — type more of the name, its domain or its ID",
            candidates.join("; ")
        ),
        OrgLookupError::Unknown { candidates } if candidates.is_empty() => format!(
            "no organisation you may read is called \"{value}\" or has it as its domain{partial} — \
             use the organisation's ID"
        ),
        OrgLookupError::Unknown { candidates } => format!(
            "no organisation you may read is called \"{value}\" or has it as its domain{partial}; \
             there are: {}",
            candidates.join("; ")
        ),
    }
}

/// Which rows of the result: the first one and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u32,
}

/// How the result is ordered. The default is the console's: display name, ascending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSort {
    /// `Unspecified` leaves the order to ZITADEL (by user ID).
    pub column: UserFieldName,
    pub ascending: bool,
}

impl Default for ListSort {
    fn default() -> Self {
        ListSort {
            column: UserFieldName::DisplayName,
            ascending: true,
        }
    }
}

/// The ListUsers request for parsed search terms, scoped to `org` when one is set: the one
/// place the console, `users list` and `doctor` build it, so all three ask the same question.
pub fn list_users_request(
    mut queries: Vec<SearchQuery>,
    org: Option<&str>,
    page: Page,
    sort: ListSort,
) -> ListUsersRequest {
    if let Some(org) = org {
        queries.push(org_scope(org));
    }
    ListUsersRequest {
        query: Some(ListQuery {
            offset: page.offset,
            limit: page.limit,
            asc: sort.ascending,
        }),
        sorting_column: sort.column,
        queries,
    }
}

/// Whether a search asks for a phone number anywhere (ZITADEL before v2.67 cannot).
pub fn searches_phone(queries: &[SearchQuery]) -> bool {
    queries.iter().any(|q| match q {
        SearchQuery::PhoneQuery(_) => true,
        SearchQuery::OrQuery(o) => searches_phone(&o.queries),
        SearchQuery::AndQuery(a) => searches_phone(&a.queries),
        SearchQuery::NotQuery(n) => searches_phone(std::slice::from_ref(&n.query)),
        _ => false,
    })
}

// ---------------------------------------------------------------------------------------------
// Splitting into terms
// ---------------------------------------------------------------------------------------------

/// One character of a term after quote removal. Quoted characters never act as syntax, so
/// `"state:x"` searches for that text and `"-jane"` does not exclude anything.
#[derive(Debug, Clone, Copy)]
struct Char {
    c: char,
    quoted: bool,
}

/// One whitespace-separated term.
#[derive(Debug)]
struct Term<'a> {
    /// As typed, quotes included, for error messages.
    typed: &'a str,
    chars: Vec<Char>,
}

/// Splits at whitespace outside double quotes. Inside quotes `\"` and `\\` stand for `"` and
/// `\`; outside, only `\"` is special, so `domain\user` keeps its backslash.
fn split_terms(input: &str) -> Result<Vec<Term<'_>>, QueryError> {
    let mut terms = Vec::new();
    let mut iter = input.char_indices().peekable();
    loop {
        while iter.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = iter.peek() else {
            return Ok(terms);
        };
        let mut chars = Vec::new();
        let mut in_quotes = false;
        let mut end = input.len();
        while let Some(&(i, c)) = iter.peek() {
            if !in_quotes && c.is_whitespace() {
                end = i;
                break;
            }
            iter.next();
            match c {
                '"' => in_quotes = !in_quotes,
                '\\' => {
                    let escaped = iter.next_if(|&(_, n)| n == '"' || (in_quotes && n == '\\'));
                    let c = escaped.map_or('\\', |(_, n)| n);
                    chars.push(Char { c, quoted: in_quotes });
                }
                _ => chars.push(Char { c, quoted: in_quotes }),
            }
        }
        let typed = &input[start..end];
        if in_quotes {
            return Err(QueryError::new(
                typed.trim_end(),
                "the closing double quote (\") is missing — write quoted text like name:\"Jane Doe\"",
            ));
        }
        terms.push(Term { typed, chars });
    }
}

// ---------------------------------------------------------------------------------------------
// Interpreting terms
// ---------------------------------------------------------------------------------------------

/// The text fields a search can target.
#[derive(Debug, Clone, Copy)]
enum TextField {
    UserName,
    Email,
    DisplayName,
    FirstName,
    LastName,
    LoginName,
    Phone,
}

/// What a plain word searches.
const PLAIN_WORD_FIELDS: [TextField; 5] = [
    TextField::UserName,
    TextField::Email,
    TextField::DisplayName,
    TextField::FirstName,
    TextField::LastName,
];

impl TextField {
    fn query(self, value: &str, method: TextQueryMethod) -> SearchQuery {
        let value = value.to_owned();
        match self {
            TextField::UserName => SearchQuery::UserNameQuery(UserNameQuery {
                user_name: value,
                method,
            }),
            TextField::Email => SearchQuery::EmailQuery(EmailQuery {
                email_address: value,
                method,
            }),
            TextField::DisplayName => SearchQuery::DisplayNameQuery(DisplayNameQuery {
                display_name: value,
                method,
            }),
            TextField::FirstName => SearchQuery::FirstNameQuery(FirstNameQuery {
                first_name: value,
                method,
            }),
            TextField::LastName => SearchQuery::LastNameQuery(LastNameQuery {
                last_name: value,
                method,
            }),
            TextField::LoginName => SearchQuery::LoginNameQuery(LoginNameQuery {
                login_name: value,
                method,
            }),
            TextField::Phone => SearchQuery::PhoneQuery(PhoneQuery {
                number: value,
                method,
            }),
        }
    }

    fn max_chars(self) -> usize {
        match self {
            TextField::Phone => MAX_PHONE_CHARS,
            _ => MAX_VALUE_CHARS,
        }
    }
}

/// A `name:` prefix.
#[derive(Debug, Clone, Copy)]
enum Field {
    Text(TextField),
    Ids,
    State,
    Type,
    Org,
}

impl Field {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "email" => Field::Text(TextField::Email),
            "user" => Field::Text(TextField::UserName),
            "name" => Field::Text(TextField::DisplayName),
            "first" => Field::Text(TextField::FirstName),
            "last" => Field::Text(TextField::LastName),
            "login" => Field::Text(TextField::LoginName),
            "phone" => Field::Text(TextField::Phone),
            "id" => Field::Ids,
            "state" => Field::State,
            "type" => Field::Type,
            "org" => Field::Org,
            _ => return None,
        })
    }

    /// Shown when the value is missing.
    fn example(self) -> &'static str {
        match self {
            Field::Text(TextField::Email) => "email:jane@example.com",
            Field::Text(TextField::UserName) => "user:jdoe",
            Field::Text(TextField::DisplayName) => "name:\"Jane Doe\"",
            Field::Text(TextField::FirstName) => "first:Jane",
            Field::Text(TextField::LastName) => "last:Doe",
            Field::Text(TextField::LoginName) => "login:jdoe@acme",
            Field::Text(TextField::Phone) => "phone:+4179",
            Field::Ids => "id:123456789012345678",
            Field::State => "state:locked",
            Field::Type => "type:human",
            Field::Org => "org:initech (a name, domain or ID)",
        }
    }
}

/// A term sent to ZITADEL, or one zitadesk filters itself.
enum Parsed {
    Server(SearchQuery),
    Local(LocalTerm),
}

/// `verified:` and `phone-verified:` (unquoted name; the dash keeps `split_prefix` from
/// seeing the second one).
fn local_term(typed: &str, chars: &[Char], negated: bool) -> Option<Result<LocalTerm, QueryError>> {
    let colon = chars.iter().position(|ch| ch.c == ':')?;
    let (name, value) = chars.split_at(colon);
    if name.iter().any(|ch| ch.quoted) {
        return None;
    }
    let field = local_field(&collect(name))?;
    let value = collect(&value[1..]);
    Some(match yes_no(&value) {
        Some(verified) => Ok(LocalTerm {
            field,
            verified,
            negated,
        }),
        None if value.trim().is_empty() => Err(QueryError::new(
            typed,
            format!(
                "nothing after \"{}:\" — use true or false, e.g. verified:false",
                collect(name).to_ascii_lowercase()
            ),
        )),
        None => Err(QueryError::new(
            typed,
            format!(
                "\"{}\" is not a verified state — use true or false (yes or no), e.g. {}:false",
                value.trim(),
                collect(name).to_ascii_lowercase()
            ),
        )),
    })
}

fn parse_term(term: &Term<'_>, method: TextQueryMethod) -> Result<Parsed, QueryError> {
    let (negated, rest) = match term.chars.split_first() {
        Some((
            Char {
                c: '-',
                quoted: false,
            },
            rest,
        )) => (true, rest),
        _ => (false, &term.chars[..]),
    };
    if term.typed == "-" {
        return Err(QueryError::new(
            term.typed,
            "a lone \"-\" excludes nothing — put it directly before a term, e.g. -state:locked or -jane",
        ));
    }
    if let Some(local) = local_term(term.typed, rest, negated) {
        return local.map(Parsed::Local);
    }
    let query = match split_prefix(rest) {
        Some((name, value)) => prefixed_query(term.typed, &name, &value, method)?,
        None => plain_word_query(term.typed, &collect(rest), method)?,
    };
    Ok(Parsed::Server(if negated {
        SearchQuery::NotQuery(Box::new(NotQuery { query }))
    } else {
        query
    }))
}

fn collect(chars: &[Char]) -> String {
    chars.iter().map(|ch| ch.c).collect()
}

/// `letters:value` → `(letters, value)`. Anything else before the first colon (digits as in
/// `12:30`, quotes) and `scheme://` make the whole term a plain word instead.
fn split_prefix(chars: &[Char]) -> Option<(String, String)> {
    let name_len = chars
        .iter()
        .position(|ch| ch.quoted || !ch.c.is_ascii_alphabetic())?;
    let (name, rest) = chars.split_at(name_len);
    match rest {
        [
            Char {
                c: ':',
                quoted: false,
            },
            value @ ..,
        ] if !name.is_empty() => {
            let is_url = matches!(value, [Char { c: '/', .. }, Char { c: '/', .. }, ..]);
            (!is_url).then(|| (collect(name), collect(value)))
        }
        _ => None,
    }
}

fn prefixed_query(
    typed: &str,
    name: &str,
    value: &str,
    method: TextQueryMethod,
) -> Result<SearchQuery, QueryError> {
    let err = |reason: String| QueryError::new(typed, reason);
    let Some(field) = Field::from_name(name) else {
        return Err(err(format!(
            "\"{name}:\" is not a search field — use {FIELD_LIST}; \
             to search for the text itself, put it in double quotes"
        )));
    };
    let value = value.trim();
    if value.is_empty() {
        return Err(err(format!(
            "nothing to search for after \"{name}:\" — e.g. {}",
            field.example()
        )));
    }
    match field {
        Field::Text(text) => {
            check_len(typed, value, text.max_chars())?;
            Ok(text.query(value, method))
        }
        Field::Ids => {
            let ids = value
                .split(',')
                .map(|id| {
                    let id = id.trim();
                    if id.is_empty() {
                        return Err(err(
                            "empty user ID in the list — separate IDs with single commas, \
                             e.g. id:123456789012345678,234567890123456789"
                                .to_owned(),
                        ));
                    }
                    check_user_id(id).map_err(|e| err(format!("the user ID {e}")))?;
                    Ok(id.to_owned())
                })
                .collect::<Result<_, _>>()?;
            Ok(SearchQuery::InUserIdsQuery(InUserIdsQuery { user_ids: ids }))
        }
        Field::State => {
            let state = match value.to_ascii_lowercase().as_str() {
                "active" => UserState::Active,
                "inactive" => UserState::Inactive,
                "locked" => UserState::Locked,
                "initial" => UserState::Initial,
                "deleted" => UserState::Deleted,
                _ => {
                    return Err(err(
                        "unknown state — use active, inactive, locked, initial or deleted".to_owned(),
                    ));
                }
            };
            Ok(SearchQuery::StateQuery(StateQuery { state }))
        }
        Field::Type => {
            let user_type = match value.to_ascii_lowercase().as_str() {
                "human" => UserType::Human,
                "machine" => UserType::Machine,
                _ => {
                    return Err(err(
                        "unknown user type — use human (people) or machine (service accounts)".to_owned(),
                    ));
                }
            };
            Ok(SearchQuery::TypeQuery(TypeQuery { user_type }))
        }
        Field::Org => {
            check_len(typed, value, MAX_VALUE_CHARS)?;
            Ok(org_scope(value))
        }
    }
}

fn plain_word_query(typed: &str, word: &str, method: TextQueryMethod) -> Result<SearchQuery, QueryError> {
    let word = word.trim();
    if word.is_empty() {
        return Err(QueryError::new(
            typed,
            "there is nothing to search for — put the text between the quotes, e.g. \"Jane Doe\"",
        ));
    }
    check_len(typed, word, MAX_VALUE_CHARS)?;
    let mut queries: Vec<SearchQuery> = PLAIN_WORD_FIELDS
        .iter()
        .map(|field| field.query(word, method))
        .collect();
    if word.len() >= MIN_ID_DIGITS && word.bytes().all(|b| b.is_ascii_digit()) {
        queries.push(SearchQuery::InUserIdsQuery(InUserIdsQuery {
            user_ids: vec![word.to_owned()],
        }));
    }
    Ok(SearchQuery::OrQuery(OrQuery { queries }))
}

fn check_len(typed: &str, value: &str, max: usize) -> Result<(), QueryError> {
    let len = value.chars().count();
    if len > max {
        return Err(QueryError::new(
            typed,
            format!("too long ({len} characters) — ZITADEL accepts at most {max} here"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod bounds {
    use super::*;

    #[test]
    fn a_search_has_a_bounded_length_and_number_of_terms() {
        let mode = MatchMode::default();
        let words = |n: usize| vec!["ab"; n].join(" ");
        assert_eq!(
            parse_search(&words(MAX_SEARCH_TERMS), mode).map(|q| q.len()),
            Ok(MAX_SEARCH_TERMS)
        );
        let e = parse_search(&words(MAX_SEARCH_TERMS + 1), mode).expect_err("too many terms");
        assert!(e.reason.contains("more than 16 terms"), "{e:?}");
        let long = "a".repeat(MAX_SEARCH_CHARS + 1);
        let e = parse_search(&long, mode).expect_err("too long");
        assert!(e.reason.contains("513 characters"), "{e:?}");
        assert!(e.term.chars().count() <= 25, "the term shown is short: {e:?}");
        let near_the_limit = format!("{} {} {}", "a".repeat(200), "b".repeat(200), "c".repeat(110));
        assert_eq!(near_the_limit.chars().count(), MAX_SEARCH_CHARS);
        assert!(parse_search(&near_the_limit, mode).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    fn parse(input: &str) -> Value {
        parse_mode(input, MatchMode::Contains)
    }

    fn parse_mode(input: &str, mode: MatchMode) -> Value {
        match parse_search(input, mode) {
            Ok(queries) => serde_json::to_value(&queries).unwrap(),
            Err(e) => panic!("{input:?} failed: {e}"),
        }
    }

    fn error(input: &str) -> QueryError {
        match parse_search(input, MatchMode::Contains) {
            Ok(q) => panic!("{input:?} parsed to {q:?}"),
            Err(e) => e,
        }
    }

    const CONTAINS: &str = "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE";
    const STARTS: &str = "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE";

    fn word_fields(word: &str, method: &str) -> Vec<Value> {
        vec![
            json!({"userNameQuery": {"userName": word, "method": method}}),
            json!({"emailQuery": {"emailAddress": word, "method": method}}),
            json!({"displayNameQuery": {"displayName": word, "method": method}}),
            json!({"firstNameQuery": {"firstName": word, "method": method}}),
            json!({"lastNameQuery": {"lastName": word, "method": method}}),
        ]
    }

    fn word(word: &str, method: &str) -> Value {
        json!({"orQuery": {"queries": word_fields(word, method)}})
    }

    #[test]
    fn list_requests_scope_page_and_sort_in_one_place() {
        let queries = parse_search("jane", MatchMode::Contains).unwrap();
        let page = Page {
            offset: 200,
            limit: 100,
        };
        let req = list_users_request(queries.clone(), Some("42"), page, ListSort::default());
        assert_eq!(req.queries.len(), 2);
        assert_eq!(req.queries[0], queries[0]);
        assert_eq!(req.queries[1], org_scope("42"));
        assert_eq!(req.sorting_column, UserFieldName::DisplayName);
        assert_eq!(
            req.query,
            Some(ListQuery {
                offset: 200,
                limit: 100,
                asc: true
            })
        );
        let zitadels_order = ListSort {
            column: UserFieldName::Unspecified,
            ascending: false,
        };
        let req = list_users_request(Vec::new(), None, page, zitadels_order);
        assert!(req.queries.is_empty());
        assert_eq!(req.sorting_column, UserFieldName::Unspecified);
        assert_eq!(req.query.map(|q| q.asc), Some(false));
    }

    fn local(input: &str) -> Search {
        match parse_search_local(input, MatchMode::Contains) {
            Ok(s) => s,
            Err(e) => panic!("{input:?} failed: {e}"),
        }
    }

    #[test]
    fn verified_terms_are_local_and_never_sent() {
        use crate::api::local_filter::LocalField::{EmailVerified, PhoneVerified};
        let s = local("verified:false jane -phone-verified:YES state:active");
        assert_eq!(
            serde_json::to_value(&s.queries).unwrap(),
            json!([word("jane", CONTAINS), {"stateQuery": {"state": "USER_STATE_ACTIVE"}}])
        );
        assert_eq!(
            s.local.terms,
            vec![
                LocalTerm {
                    field: EmailVerified,
                    verified: false,
                    negated: false
                },
                LocalTerm {
                    field: PhoneVerified,
                    verified: true,
                    negated: true
                },
            ]
        );
        for (input, verified) in [
            ("verified:true", true),
            ("Verified:yes", true),
            ("verified:no", false),
        ] {
            assert_eq!(local(input).local.terms[0].verified, verified, "{input}");
            assert!(local(input).queries.is_empty());
        }
        // Quoted, the name is text again.
        assert!(local("\"verified:false\"").local.is_empty());
        assert_eq!(local("\"verified:false\"").queries.len(), 1);
    }

    #[test]
    fn bad_verified_values_are_errors() {
        let e = error("verified:maybe");
        assert_eq!(
            e.to_string(),
            "in \"verified:maybe\": \"maybe\" is not a verified state — use true or false (yes or no), e.g. verified:false"
        );
        let e = error("-phone-verified:");
        assert_eq!(e.term, "-phone-verified:");
        assert!(e.reason.contains("nothing after \"phone-verified:\""), "{e}");
    }

    #[test]
    fn a_caller_that_cannot_filter_refuses_local_terms() {
        let e = error("jane verified:false");
        assert_eq!(e.term, "verified:false");
        assert!(e.reason.contains("filtered by zitadesk"), "{e}");
        assert!(error("colour:x").reason.contains("verified: or phone-verified:"));
    }

    #[test]
    fn empty_input_lists_everyone() {
        assert_eq!(parse(""), json!([]));
        assert_eq!(parse(" \t\n "), json!([]));
    }

    #[test]
    fn plain_word_searches_names_and_email() {
        assert_eq!(
            parse("jane"),
            json!([{"orQuery": {"queries": [
                {"userNameQuery": {"userName": "jane", "method": CONTAINS}},
                {"emailQuery": {"emailAddress": "jane", "method": CONTAINS}},
                {"displayNameQuery": {"displayName": "jane", "method": CONTAINS}},
                {"firstNameQuery": {"firstName": "jane", "method": CONTAINS}},
                {"lastNameQuery": {"lastName": "jane", "method": CONTAINS}},
            ]}}])
        );
    }

    #[test]
    fn two_words_are_two_anded_entries() {
        assert_eq!(
            parse("  jane   doe "),
            json!([word("jane", CONTAINS), word("doe", CONTAINS)])
        );
    }

    #[test]
    fn prefix_mode_uses_starts_with() {
        assert_eq!(
            parse_mode("jane", MatchMode::Prefix),
            json!([word("jane", STARTS)])
        );
        assert_eq!(
            parse_mode("email:jane@", MatchMode::Prefix),
            json!([{"emailQuery": {"emailAddress": "jane@", "method": STARTS}}])
        );
    }

    #[test]
    fn long_number_also_matches_the_user_id() {
        let mut queries = word_fields("123456789012345678", CONTAINS);
        queries.push(json!({"inUserIdsQuery": {"userIds": ["123456789012345678"]}}));
        assert_eq!(
            parse("123456789012345678"),
            json!([{"orQuery": {"queries": queries}}])
        );
        // Nine digits: text only.
        assert_eq!(parse("123456789"), json!([word("123456789", CONTAINS)]));
        assert_eq!(parse("12345678901x"), json!([word("12345678901x", CONTAINS)]));
    }

    #[test]
    fn every_text_prefix() {
        let cases = [
            (
                "email:jane@example.com",
                "emailQuery",
                "emailAddress",
                "jane@example.com",
            ),
            ("user:jdoe", "userNameQuery", "userName", "jdoe"),
            ("name:Jane", "displayNameQuery", "displayName", "Jane"),
            ("first:Jane", "firstNameQuery", "firstName", "Jane"),
            ("last:Doe", "lastNameQuery", "lastName", "Doe"),
            ("login:jdoe@acme", "loginNameQuery", "loginName", "jdoe@acme"),
            ("phone:+4179", "phoneQuery", "number", "+4179"),
        ];
        for (input, key, field, value) in cases {
            assert_eq!(
                parse(input),
                json!([{key: {field: value, "method": CONTAINS}}]),
                "{input}"
            );
        }
    }

    #[test]
    fn prefix_names_ignore_case() {
        assert_eq!(
            parse("EMAIL:x State:LOCKED"),
            json!([
                {"emailQuery": {"emailAddress": "x", "method": CONTAINS}},
                {"stateQuery": {"state": "USER_STATE_LOCKED"}},
            ])
        );
    }

    #[test]
    fn id_prefix_takes_a_list() {
        assert_eq!(parse("id:1"), json!([{"inUserIdsQuery": {"userIds": ["1"]}}]));
        assert_eq!(
            parse("id:111,222,333"),
            json!([{"inUserIdsQuery": {"userIds": ["111", "222", "333"]}}])
        );
    }

    #[test]
    fn every_state_and_type() {
        for (value, wire) in [
            ("active", "USER_STATE_ACTIVE"),
            ("inactive", "USER_STATE_INACTIVE"),
            ("locked", "USER_STATE_LOCKED"),
            ("initial", "USER_STATE_INITIAL"),
            ("deleted", "USER_STATE_DELETED"),
        ] {
            assert_eq!(
                parse(&format!("state:{value}")),
                json!([{"stateQuery": {"state": wire}}])
            );
        }
        assert_eq!(
            parse("type:human"),
            json!([{"typeQuery": {"type": "TYPE_HUMAN"}}])
        );
        assert_eq!(
            parse("type:Machine"),
            json!([{"typeQuery": {"type": "TYPE_MACHINE"}}])
        );
    }

    #[test]
    fn org_prefix_and_scope() {
        assert_eq!(
            parse("org:2648"),
            json!([{"organizationIdQuery": {"organizationId": "2648"}}])
        );
        assert_eq!(
            serde_json::to_value(org_scope("2648")).unwrap(),
            json!({"organizationIdQuery": {"organizationId": "2648"}})
        );
    }

    #[test]
    fn dash_negates() {
        assert_eq!(
            parse("-state:locked"),
            json!([{"notQuery": {"query": {"stateQuery": {"state": "USER_STATE_LOCKED"}}}}])
        );
        assert_eq!(
            parse("-jane"),
            json!([{"notQuery": {"query": word("jane", CONTAINS)}}])
        );
        assert_eq!(
            parse("-\"Jane Doe\""),
            json!([{"notQuery": {"query": word("Jane Doe", CONTAINS)}}])
        );
        // Only a leading dash negates.
        assert_eq!(parse("jean-luc"), json!([word("jean-luc", CONTAINS)]));
    }

    #[test]
    fn mixed_search() {
        assert_eq!(
            parse("jane -state:locked type:human"),
            json!([
                word("jane", CONTAINS),
                {"notQuery": {"query": {"stateQuery": {"state": "USER_STATE_LOCKED"}}}},
                {"typeQuery": {"type": "TYPE_HUMAN"}},
            ])
        );
    }

    #[test]
    fn quotes_group_words() {
        assert_eq!(
            parse("name:\"Jane Doe\""),
            json!([{"displayNameQuery": {"displayName": "Jane Doe", "method": CONTAINS}}])
        );
        assert_eq!(parse("\"Jane Doe\""), json!([word("Jane Doe", CONTAINS)]));
        assert_eq!(
            parse(r#"name:"Jane \"JD\" Doe""#),
            json!([{"displayNameQuery": {"displayName": "Jane \"JD\" Doe", "method": CONTAINS}}])
        );
        assert_eq!(parse(r#""back\\slash""#), json!([word("back\\slash", CONTAINS)]));
    }

    #[test]
    fn quoting_turns_syntax_into_text() {
        assert_eq!(parse("\"state:foo\""), json!([word("state:foo", CONTAINS)]));
        assert_eq!(parse("\"-jane\""), json!([word("-jane", CONTAINS)]));
    }

    #[test]
    fn colons_that_are_not_prefixes_are_text() {
        assert_eq!(parse("12:30"), json!([word("12:30", CONTAINS)]));
        assert_eq!(
            parse("https://id.example.com"),
            json!([word("https://id.example.com", CONTAINS)])
        );
        assert_eq!(parse("a1:b"), json!([word("a1:b", CONTAINS)]));
        assert_eq!(parse(":x"), json!([word(":x", CONTAINS)]));
        assert_eq!(parse(r"acme\jdoe"), json!([word(r"acme\jdoe", CONTAINS)]));
    }

    #[test]
    fn unknown_prefix_is_an_error() {
        let e = error("jane foo:bar");
        assert_eq!(e.term, "foo:bar");
        assert!(e.reason.contains("\"foo:\" is not a search field"), "{e}");
        assert!(e.reason.contains("email:"), "{e}");
    }

    #[test]
    fn bad_state_is_an_error() {
        let e = error("state:foo");
        assert_eq!(
            e.to_string(),
            "in \"state:foo\": unknown state — use active, inactive, locked, initial or deleted"
        );
    }

    #[test]
    fn bad_type_is_an_error() {
        let e = error("-type:robot");
        assert_eq!(e.term, "-type:robot");
        assert!(e.reason.contains("human"), "{e}");
    }

    #[test]
    fn empty_value_is_an_error() {
        let e = error("email:");
        assert_eq!(e.term, "email:");
        assert!(e.reason.contains("e.g. email:jane@example.com"), "{e}");
        assert_eq!(error("name:\"  \"").term, "name:\"  \"");
        assert_eq!(error("\"\"").term, "\"\"");
        assert_eq!(error("-\"\"").term, "-\"\"");
    }

    #[test]
    fn empty_id_in_list_is_an_error() {
        assert_eq!(error("id:1,,2").term, "id:1,,2");
        assert_eq!(error("id:1,").term, "id:1,");
        assert!(error("id:,").reason.contains("empty user ID"));
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let e = error("jane name:\"Jane Doe  ");
        assert_eq!(e.term, "name:\"Jane Doe");
        assert!(e.reason.contains("closing double quote"), "{e}");
        assert_eq!(error(r#""abc\""#).term, r#""abc\""#);
    }

    #[test]
    fn lone_dash_is_an_error() {
        let e = error("jane - doe");
        assert_eq!(e.term, "-");
        assert!(e.reason.contains("-state:locked"), "{e}");
    }

    #[test]
    fn too_long_values_are_errors() {
        let long = "a".repeat(201);
        assert_eq!(parse(&"a".repeat(200)), json!([word(&"a".repeat(200), CONTAINS)]));
        assert!(error(&long).reason.contains("at most 200"));
        assert!(error(&format!("email:{long}")).reason.contains("at most 200"));
        // Counted in characters, not bytes.
        assert!(parse_search(&"é".repeat(200), MatchMode::Contains).is_ok());
        assert!(
            error(&format!("phone:{}", "1".repeat(21)))
                .reason
                .contains("at most 20 ")
        );
        assert!(parse_search(&format!("phone:{}", "1".repeat(20)), MatchMode::Contains).is_ok());
    }

    #[test]
    fn match_mode_setting() {
        assert_eq!(MatchMode::from_setting("contains"), Some(MatchMode::Contains));
        assert_eq!(MatchMode::from_setting("Prefix "), Some(MatchMode::Prefix));
        assert_eq!(MatchMode::from_setting("exact"), None);
        assert_eq!(MatchMode::default(), MatchMode::Contains);
    }

    fn nesting_depth(query: &SearchQuery) -> usize {
        1 + match query {
            SearchQuery::OrQuery(or) => or.queries.iter().map(nesting_depth).max().unwrap_or(0),
            SearchQuery::AndQuery(and) => and.queries.iter().map(nesting_depth).max().unwrap_or(0),
            SearchQuery::NotQuery(not) => nesting_depth(&not.query),
            _ => 0,
        }
    }

    fn tricky_input() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just("-".to_owned()),
            Just(":".to_owned()),
            Just(",".to_owned()),
            Just(" ".to_owned()),
            Just("//".to_owned()),
            Just("email".to_owned()),
            Just("state".to_owned()),
            Just("id".to_owned()),
            Just("type".to_owned()),
            Just("é".to_owned()),
            "[a-zA-Z0-9]{0,12}",
            ".{0,3}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(input in ".*") {
            let _ = parse_search(&input, MatchMode::Contains);
            let _ = parse_search(&input, MatchMode::Prefix);
        }

        #[test]
        fn tricky_input_never_panics_and_stays_shallow(input in tricky_input()) {
            match parse_search(&input, MatchMode::Contains) {
                Ok(queries) => {
                    prop_assert!(serde_json::to_value(&queries).is_ok());
                    for q in &queries {
                        prop_assert!(nesting_depth(q) <= 3);
                    }
                }
                Err(e) => {
                    prop_assert!(!e.term.is_empty());
                    prop_assert!(input.contains(&e.term));
                }
            }
        }

        #[test]
        fn simple_words_always_parse(words in prop::collection::vec("[a-zA-Z0-9@.]{1,30}", 0..6)) {
            let queries = parse_search(&words.join(" "), MatchMode::Contains);
            prop_assert_eq!(queries.map(|q| q.len()), Ok(words.len()));
        }
    }
}
