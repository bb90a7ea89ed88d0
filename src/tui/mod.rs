//! The interactive console. Talks to `api` only through tasks and messages: keys and replies
//! become [`app::Msg`]s, `App::update` changes the state and returns effects, the run loop
//! carries them out, and the view draws from the state when something changed.

pub mod app;
pub mod clipboard;
pub mod keys;
pub mod layout;
pub mod list;
pub mod messages;
pub mod resend;
pub mod run;
pub mod terminal;
pub mod theme;
pub mod view;
