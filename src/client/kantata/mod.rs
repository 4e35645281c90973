//! Kantata OX (formerly Mavenlink) API v1: response decoding today; the HTTP client, paging and
//! retries come with issue 7.

pub mod backend;
pub mod decode;
pub mod http;
