//! End-to-end tests of the emulator over HTTP: one in-process emulator per test on a free
//! port, driven with reqwest. One test binary keeps link time down.

mod admin;
mod binary;
mod common;
mod documents;
mod enterprises;
mod errors;
mod external_verification;
mod fixtures;
mod hardening;
mod loa;
mod numbers;
mod persistence;
mod properties;
mod remediation;
mod reputation;
mod schedule;
mod test_clocks;
mod tos;
mod webhooks;
