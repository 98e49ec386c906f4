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

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{Error, WaitOptions};

use crate::client::seconds;
use crate::error;

/// Poll options from keyword seconds; unset ones take the facade's defaults.
fn wait_options(interval: Option<f64>, timeout: Option<f64>) -> PyResult<WaitOptions> {
    let mut options = WaitOptions::default();
    if let Some(interval) = interval {
        options.interval = seconds("interval", interval)?;
    }
    if let Some(timeout) = timeout {
        options.timeout = seconds("timeout", timeout)?;
    }
    Ok(options)
}

/// A Python string as a facade enum; an unknown value is `InvalidInputError`, before I/O.
fn parse<T: FromStr<Err = Error>>(text: &str) -> PyResult<T> {
    error::map(text.parse())
}

/// A list's keyword arguments as the facade's filter struct (`NumberFilter`, ...), by its
/// serde field names: an unknown keyword or a value of the wrong type is a `TypeError`
/// naming it; a bad value (too few digits, an unknown status) is `InvalidInputError` from
/// the first fetch, before any request.
fn filter_of<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    method: &str,
    keywords: Option<&Bound<'_, PyDict>>,
) -> PyResult<T> {
    let keywords = keywords.map_or_else(|| PyDict::new(py), Bound::clone);
    crate::convert::from_python(method, keywords.as_any())
}
