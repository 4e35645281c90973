//! A journal of unsent edits, so an edit is saved or still in the user's hands even when allot
//! stops (a quit, a dropped connection, a signal, a crash).
//!
//! The reducer holds the write queue; after every dispatch, before the effects it returned are
//! spawned, the runtime makes the journal equal to the queue plus the edits kept in hand
//! ([`store::Journal::sync`]), so an edit is on disk before it is on the wire and leaves the
//! journal once the backend confirmed it. The next start offers leftovers back
//! ([`crate::app::offer`]); one whose answer was lost is checked against the backend first ([`kept::landed`]).

pub mod kept;
pub mod store;

pub use kept::Kept;
pub use store::{Journal, workspace_key};
