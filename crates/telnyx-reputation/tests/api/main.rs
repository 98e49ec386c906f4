//! Facade tests against the in-process emulator (one binary, one emulator per test, loopback
//! only): every operation, every error kind, paging, validation before I/O, the retry table,
//! the webhook verifier and the README quickstart.

mod billing;
mod bulk_add;
mod common;
mod errors;
mod escape_hatches;
mod money;
mod operations;
mod paging;
mod quickstart;
mod retries;
mod success_codes;
mod validation;
mod webhooks;
