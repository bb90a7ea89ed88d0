//! The search syntax as the agent reads it: one row per term, with an example. The console's
//! syntax help (`?` in the search line) and the README's table are both rendered from
//! [`TERMS`], and a test holds the README to it — so adding a term (say `verified:`) is one
//! row here, next to the parser in `query.rs` that understands it.

/// One term of the search syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// How it is written: "email:TEXT".
    pub syntax: &'static str,
    /// What it finds.
    pub finds: &'static str,
    /// A search that uses it.
    pub example: &'static str,
}

#[rustfmt::skip]
pub static TERMS: &[Term] = &[
    Term { syntax: "WORDS", finds: "a name, user name or email", example: "jane doe" },
    Term { syntax: "DIGITS (10+)", finds: "also the user ID", example: "300000000000000101" },
    Term { syntax: "email:TEXT", finds: "email address", example: "email:@initech.example" },
    Term { syntax: "user:TEXT", finds: "user name", example: "user:jane" },
    Term { syntax: "name:TEXT", finds: "display name", example: "name:\"Jane Doe\"" },
    Term { syntax: "first:TEXT", finds: "first name", example: "first:jane" },
    Term { syntax: "last:TEXT", finds: "last name", example: "last:doe" },
    Term { syntax: "login:TEXT", finds: "login name", example: "login:jane@acme" },
    Term { syntax: "phone:TEXT", finds: "phone number (ZITADEL v2.67+)", example: "phone:+4179" },
    Term { syntax: "id:ID[,ID…]", finds: "these user IDs", example: "id:300000000000000101" },
    Term { syntax: "state:STATE", finds: "active|inactive|locked|initial", example: "state:locked" },
    Term { syntax: "type:TYPE", finds: "human or machine", example: "type:machine" },
    Term { syntax: "org:ORG", finds: "org by ID, name or domain", example: "org:initech" },
    Term { syntax: "verified:BOOL", finds: "email verified or not (local)", example: "verified:false" },
    Term { syntax: "phone-verified:BOOL", finds: "phone verified or not (local)", example: "phone-verified:false" },
    Term { syntax: "-TERM", finds: "excludes what the term finds", example: "-state:locked" },
    Term { syntax: "\"TEXT\"", finds: "keeps spaces or a colon as text", example: "\"foo:bar\"" },
];

/// The README's table (Markdown), rendered from [`TERMS`].
pub fn markdown_table() -> String {
    let mut out = String::from("| term | finds | example |\n|---|---|---|\n");
    for t in TERMS {
        out.push_str(&format!(
            "| `{}` | {} | `{}` |\n",
            t.syntax,
            // A pipe would end the Markdown cell.
            t.finds.replace('|', "\\|"),
            t.example
        ));
    }
    out
}

/// Where the table sits in the README.
pub const README_START: &str = "<!-- search-syntax: generated from src/api/search_syntax.rs -->\n";
pub const README_END: &str = "<!-- /search-syntax -->";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::query::{MatchMode, parse_search_local};

    #[test]
    fn the_readme_table_is_the_one_rendered_from_the_terms() {
        let readme = include_str!("../../README.md");
        let start = readme.find(README_START).expect("README has the start marker") + README_START.len();
        let end = readme[start..]
            .find(README_END)
            .expect("README has the end marker")
            + start;
        assert_eq!(
            &readme[start..end],
            markdown_table(),
            "README's search syntax table drifted: paste markdown_table()'s output between the markers"
        );
    }

    #[test]
    fn every_example_is_a_search_the_parser_accepts() {
        for t in TERMS {
            assert!(
                parse_search_local(t.example, MatchMode::default()).is_ok(),
                "{}: {}",
                t.syntax,
                t.example
            );
        }
    }
}
