//! A stateful local emulator of the Telnyx Number Reputation API.
//!
//! It serves the 34 Number Reputation operations under `/v2` with the documented behaviour
//! (terms gate, two approval gates, atomic number batches, cached vs live lookups,
//! remediation lifecycle, a real LOA PDF, a cost ledger) and an admin API under
//! `/_emulator/` for tests (reset, gates, scores, faults, request journal). See the crate
//! README for the full reference.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use telnyx_reputation_emulator::{ApprovalDelay, Emulator};
//!
//! let emulator = Emulator::builder()
//!     .approval_delay(ApprovalDelay::After(Duration::from_millis(0)))
//!     .seed(7)
//!     .port(0)
//!     .start()
//!     .await?;
//! println!("{}", emulator.base_url()); // http://127.0.0.1:PORT/v2
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod accounts;
mod admin;
mod admin_guard;
mod cli;
mod clock;
mod config;
mod data;
mod delivery;
mod error;
mod extract;
mod faults;
mod fixtures;
mod gateway;
mod journal;
mod keys;
mod ledger;
mod lifecycle;
mod lookup;
mod model;
mod paging;
mod pdf;
mod persist;
mod routes;
mod schedule;
mod server;
mod state;
mod validate;
mod views;
mod webhooks;
mod wire;

pub use admin::TRIGGER_EVENTS;
pub use admin_guard::{ADMIN_TOKEN_HEADER, AdminToken, Policy};
pub use cli::{ADMIN_TOKEN_ENV, EmulatorArgs, WebhookKey};
pub use config::{ApprovalDelay, Config, RateLimit};
pub use data::{Drift, TimedDrift, Transition};
pub use routes::{router, router_with};
pub use server::{Emulator, EmulatorBuilder, RunningEmulator};
pub use state::AppState;

/// Compiles the Rust examples of the README as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
