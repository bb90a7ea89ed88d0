//! A built-in, in-process ZITADEL look-alike: an HTTP server on 127.0.0.1 that answers every
//! call our client makes (ListUsers, GetUserByID, Resend/SendEmailCode, the v3alpha resend,
//! ListAuthenticationMethodTypes, the remedies CreateInviteCode, SetEmail, ResendPhoneCode,
//! PasswordReset, UnlockUser and ReactivateUser, the Connect paths of the same methods, discovery, the
//! JWT-bearer token grant, the device authorization grant with refresh and revocation,
//! userinfo and `ListMyZitadelPermissions`) with ZITADEL's JSON shapes, error ids and HTTP
//! statuses. Tests and `zitadesk --demo` drive the real client against it over real HTTP.
//! It behaves like ZITADEL 4.13, or like an older release line ([`ZitadelVersion`],
//! `--zitadel-version`): each difference between the lines is one method of that enum.
//!
//! Device login: the native app [`DEMO_CLIENT_ID`] may run the device authorization grant
//! (RFC 8628). The simulated person at the browser is Olga Berg ([`DEVICE_USER_ID`],
//! ORG_USER_MANAGER in Acme); [`DemoConfig::device`] says whether she approves (after a
//! delay), declines, or waits for a test to decide ([`DemoServer::approve_device`],
//! [`DemoServer::deny_device`], or `GET /device?user_code=…` as her click).
//!
//! Data: a few dozen hand-written users from `assets/demo-users.json` (the awkward cases a
//! helpdesk meets) plus [`DemoConfig::generated_users`] users that are derived from their
//! index on demand, so a million of them cost nothing until listed.
//!
//! Every request goes into a log ([`DemoServer::requests`]); [`Faults`] inject latency, errors,
//! broken JSON or hangs into the API paths at run time.

// Layers, lowest first: a module imports only modules listed before it (checked by the
// `layers` test).
//   vocabulary: identities version config errors org rng sync
//   data:       generated seed directory filter paging
//   run time:   tokens device faults request_log service_key state
//   calls:      auth request remedy_request users codes remedies history ops
//   HTTP:       respond oauth_wire user_service org_service management account intake jwt_bearer device_oauth oauth
//   top:        routes server
mod account;
mod auth;
mod codes;
mod config;
mod device;
mod device_oauth;
mod directory;
mod errors;
mod faults;
mod filter;
mod generated;
mod history;
mod identities;
mod intake;
mod jwt_bearer;
mod management;
mod oauth;
mod oauth_wire;
mod ops;
mod org;
mod org_service;
mod paging;
mod remedies;
mod remedy_request;
mod request;
mod request_log;
mod respond;
mod rng;
mod routes;
mod seed;
mod server;
mod service_key;
mod state;
mod sync;
mod tokens;
mod user_service;
mod users;
mod version;

#[cfg(test)]
mod device_tests;
#[cfg(test)]
mod layers;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod version_tests;

pub use config::{DemoConfig, DeviceApproval, MAX_GENERATED_USERS};
pub use faults::Faults;
pub use identities::{
    ADMIN_TOKEN, DEMO_CLIENT_ID, DEVICE_USER_ID, NO_MEMBER_TOKEN, ORG_TOKEN, READER_TOKEN, SERVICE_KEY_ID,
    SERVICE_KEY_JSON, SERVICE_KEY_PATH, SERVICE_USER_ID,
};
pub use request_log::LoggedRequest;
pub use server::{DemoServer, run_standalone};
pub use version::{UnknownVersion, ZitadelVersion};
