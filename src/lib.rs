//! allot: a keyboard-first terminal resource planner.

pub mod app;
pub mod cli;
pub mod client;
pub mod config;
pub mod domain;
pub mod headless;
pub mod journal;
pub mod paths;
pub mod replica;
pub mod runtime;
pub mod sandbox;
pub mod ui;
