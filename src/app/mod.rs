//! The reducer: [`State`], [`Input`] (a user [`Command`], typed text or a [`Msg`]), [`Effect`]
//! (IO to do) and [`update`]. Pure: no IO, no clock (today is in State), no terminal.

pub mod bar_edits;
pub mod command;
pub mod dialogs;
pub mod edit;
pub mod effect;
pub mod form;
pub mod gantt;
pub mod geometry;
pub mod jump;
pub mod keys;
pub mod line;
pub mod log_layout;
pub mod messages;
pub mod mouse;
pub mod msg;
pub mod offer;
pub mod replica;
pub mod request_form;
pub mod requests;
pub mod resources;
pub mod row_filter;
pub mod scheduled;
pub mod staffing;
pub mod state;
pub mod update;

pub use command::Command;
pub use effect::Effect;
pub use msg::{Input, Msg};
pub use state::{State, ThemeKind, View};
pub use update::update;

#[cfg(test)]
mod tests;
