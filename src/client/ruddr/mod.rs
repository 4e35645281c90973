//! Ruddr's workspace API (issue 8).
