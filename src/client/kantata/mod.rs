//! Kantata OX (formerly Mavenlink) API v1: response decoding, request bodies, the HTTP client
//! (paging, retries), scheduled hours from story allocation days, people's skills and the [`backend::KantataBackend`] over them.

pub mod backend;
pub mod capacity;
pub mod decode;
pub mod encode;
pub mod http;
pub mod scheduled;
pub mod skills;
