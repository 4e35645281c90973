//! `allot-sandbox`: a Kantata- (and later Ruddr-) compatible HTTP server over allot's own data
//! model, for tests, benchmarks and trying allot without an account.
