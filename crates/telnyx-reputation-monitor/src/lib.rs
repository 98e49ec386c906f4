#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod alerts;
pub mod channels;
pub mod dashboard;
mod diff;
mod error;
pub mod lease;
mod lock;
mod model;
mod monitor;
pub mod outbox;
pub mod policy;
pub mod receiver;
pub mod remediations;
pub mod report;
pub mod retention;
pub mod rules;
pub mod service;
pub mod spend;
mod store;

pub use error::{MonitorError, Result};
pub use lease::{Lease, Role};
pub use lock::{LEASE, SyncLock};
pub use model::{Change, ChangeKind, Reading, SCORES, StoredEvent, SyncReport};
pub use monitor::{
    AccountEnterprise, DEFAULT_SCORE_DROP, Monitor, SyncOptions, SyncRun, authorize_billable,
};
pub use policy::{Policy, PolicyRun};
pub use receiver::{Receiver, RejectLog, RejectReason, Rejection, ServeOptions};
pub use report::Report;
pub use rules::Rules;
pub use spend::Spend;
pub use store::{
    Backend, Create, DayIndex, Latest, OPEN_TIMEOUT, RiskSpan, SpendCounts, Store, StoreCounts,
    SweepWrite,
};
