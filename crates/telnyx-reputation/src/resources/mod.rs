//! Resource handles, one module per API area, mirroring docs/architecture.md. Each handle owns a
//! `Client` clone (no lifetimes), validates its inputs before any I/O, declares each
//! operation's retry class next to the call, and converts results through `convert`.

mod documents;
mod enterprises;
mod external_verification;
mod loa;
mod numbers;
mod remediation;
mod reputation;
mod terms;

use std::num::NonZeroU64;

pub use documents::Documents;
pub use enterprises::Enterprises;
pub use external_verification::ExternalVerifications;
pub use loa::Loa;
pub use numbers::{AccountNumbers, Numbers};
pub use remediation::Remediations;
pub use reputation::Reputation;
pub use terms::{Agreements, TermsOfService};

/// A page number or size as the generated builders take it (`0` never reaches here).
fn non_zero(value: u64) -> NonZeroU64 {
    NonZeroU64::new(value).unwrap_or(NonZeroU64::MIN)
}
