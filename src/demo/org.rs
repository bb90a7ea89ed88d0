//! An organisation of the demo instance: seed users belong to one by index, generated users
//! take their login names and email addresses from it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Org {
    pub id: String,
    pub name: String,
    /// Primary org domain: login names are `username@domain`.
    pub domain: String,
    /// Domain of generated users' email addresses.
    pub email_domain: String,
}
