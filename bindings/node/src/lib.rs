//! Node.js binding of the `telnyx-reputation` facade (npm package `telnyx-reputation`).
//!
//! Thin by design: each method converts its arguments, makes one facade call, converts the
//! result and maps the error (`error.rs`). HTTP, defaults, retries, paging and validation
//! all live in the facade; the modules mirror its files.

// napi-derive registers exports only outside `cfg(test)`, so `clippy --all-targets` sees
// the export-only items (e.g. `webhooks.verify`) as unused there.
#![cfg_attr(test, allow(dead_code))]

mod client;
mod convert;
mod error;
mod error_classes;
#[rustfmt::skip]
mod models;
mod pager;
mod promise;
mod resources;
mod webhooks;
