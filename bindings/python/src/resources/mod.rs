//! Resource handles, one module per facade resource module (`crates/telnyx-reputation/src/
//! resources`). Each method converts its arguments, makes one facade call and hands the
//! future to `Shared::finish`; the same class serves `Client` and `AsyncClient`.

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
pub use terms::{Agreements, TermsOfService};

use std::str::FromStr;

use pyo3::PyResult;
use telnyx_reputation::Error;

use crate::error;

/// A Python string as a facade enum; an unknown value is `InvalidInputError`, before I/O.
fn parse<T: FromStr<Err = Error>>(text: &str) -> PyResult<T> {
    error::map(text.parse())
}
