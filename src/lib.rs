//! allot: a keyboard-first terminal resource planner.

pub mod client;
pub mod domain;
