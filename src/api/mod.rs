//! The ZITADEL client. Knows HTTP, JSON and ZITADEL; never imports terminal code.

pub mod action;
pub mod auth;
pub mod changes;
pub mod client;
pub mod email_address;
pub mod error;
pub mod http;
pub mod instance_url;
pub mod local_filter;
pub mod oidc;
pub mod orgs;
pub mod query;
pub mod scan;
pub mod search_syntax;
pub mod template;
pub mod user_id;
pub mod user_lookup;
pub mod wire;
mod wire_enum;

pub use action::{
    Action, ActionKind, ActionResult, CodeCall, CodeMode, EmailVerification, PhoneMode, ResetMode,
};
pub use client::{ApiFlavour, Client, ClientConfig};
pub use error::{ApiError, Call, Delivery, Missing, NotSent, Status};
