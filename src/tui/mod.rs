//! The interactive console. Talks to `api` only through tasks and messages: keys and replies
//! become [`app::Msg`]s, `App::update` changes the state and returns effects, the effect
//! executor carries them out, and the view draws from the state when something changed.

pub mod action_dialog;
pub mod actions_menu;
pub mod app;
pub mod ascii;
pub mod audit_view;
pub mod browse;
pub mod bulk_dialog;
pub mod clipboard;
pub mod command_line;
pub mod copy_menu;
pub mod detail;
pub mod effects;
pub mod frame;
pub mod keys;
pub mod layout;
pub mod list;
pub mod marks;
pub mod messages;
pub mod msg;
pub mod picker;
pub mod recent;
pub mod row_shift;
pub mod run;
pub mod search_line;
pub mod sgr;
pub mod sort;
pub mod sort_picker;
pub mod suspend;
pub mod term_caps;
pub mod terminal;
pub mod text_field;
pub mod theme;
pub mod view;
pub mod wire_trim;
