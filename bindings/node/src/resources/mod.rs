//! Resource handles, one module per facade module: each wraps the facade handle, converts
//! arguments, makes one facade call and converts the result (no I/O or checks of its own).

mod documents;
mod enterprises;
mod external_verification;
mod loa;
mod numbers;
mod remediation;
mod reputation;
mod terms;

pub use documents::Documents;
pub use enterprises::Enterprises;
pub use external_verification::ExternalVerifications;
pub use loa::Loa;
pub use numbers::{AccountNumbers, Numbers};
pub use remediation::Remediations;
pub use reputation::Reputation;
pub use terms::TermsOfService;
