//! zitadesk: a keyboard-first console for helpdesk staff supporting the users of a ZITADEL
//! instance. The library holds everything; `main.rs` only hands over to [`cli::main`].

pub mod api;
pub mod audit;
pub mod cli;
pub mod config;
pub mod demo;
pub mod dirs;
pub mod logging;
pub mod resend;
pub mod settings;
pub mod text;
pub mod token_store;
pub mod tui;
pub mod userinfo;
