//! End-to-end tests of the `scour` binary. One test binary (see
//! `autotests = false`); each test gets its own temporary directory.

mod corpus;
mod hostile;
mod hygiene;
mod redact;
mod scan;
mod state;
mod triage;
mod util;
