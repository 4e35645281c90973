//! The reducer: [`State`], [`Action`] (intents and IO results), [`Effect`] (IO to do) and
//! [`update`]. Pure: no IO, no clock (today is in State), no terminal.

pub mod action;
pub mod edit;
pub mod form;
pub mod gantt;
pub mod geometry;
pub mod line;
pub mod messages;
pub mod offer;
pub mod quick;
pub mod replica;
pub mod request_form;
pub mod requests;
pub mod scheduled;
pub mod staffing;
pub mod state;
pub mod update;

pub use action::{Action, Effect};
pub use state::{State, ThemeKind, View};
pub use update::update;

#[cfg(test)]
mod tests;
