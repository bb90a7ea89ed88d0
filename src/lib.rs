//! zitadesk: a keyboard-first console for helpdesk staff supporting the users of a ZITADEL
//! instance. The library holds everything; `main.rs` only hands over to [`cli::main`].

// Product code never unwraps, expects or panics: a failure is an error the agent can read,
// and the terminal is restored. Tests may (`cfg(test)`; tests/ and benches/ are other crates).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod action;
pub mod api;
pub mod audit;
pub mod audit_filter;
pub mod build_info;
pub mod bulk;
pub mod cli;
pub mod config;
pub mod demo;
pub mod dirs;
pub mod go_template;
pub mod history;
pub mod logging;
pub mod process_limits;
pub mod read_aloud;
pub mod remedies;
pub mod secure_fs;
pub mod settings;
pub mod text;
pub mod token_store;
pub mod tui;
pub mod userinfo;
