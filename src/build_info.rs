//! What this binary is: the crate's version and the git commit it was built from (see
//! `build.rs`: a short hash, `-dirty` for uncommitted changes, or `unknown`).

/// The commit, as `build.rs` found it.
pub const COMMIT: &str = env!("ZITADESK_COMMIT");

/// `zitadesk --version` prints `zitadesk ` and this.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ZITADESK_COMMIT"),
    ")"
);
