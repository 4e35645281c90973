//! A local replica of each remote workspace (issue 17): the last state read, kept on disk so
//! allot opens at once and stays readable offline. See `store.rs` for what a file holds and
//! `backend.rs` for how reads fill it.

pub mod backend;
pub mod store;

pub use backend::Replicated;
pub use store::{Cached, Info, Replica};
