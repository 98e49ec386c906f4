//! Resource handles, one module per facade resource module (`crates/telnyx-reputation/src/
//! resources`). Each method converts its arguments, makes one facade call and hands the
//! future to `Shared::finish`, which blocks or returns a coroutine as the client does.
//!
//! Each class has an `Async*` twin (`AsyncEnterprises`, ...), what `AsyncClient` hands out:
//! a subclass adding nothing, so the methods are written once, while `type(handle)` names
//! what its methods return and the `.pyi` types each twin's methods as coroutines.

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
pub use remediation::{AsyncRemediationWatch, RemediationWatch, Remediations};
pub use reputation::Reputation;
pub use terms::{Agreements, TermsOfService};

use std::str::FromStr;

use pyo3::prelude::*;
use pyo3::pyclass_init::PyClassInitializer;
use pyo3::types::PyDict;
use telnyx_reputation::{Error, WaitOptions};

use crate::client::{Mode, seconds};
use crate::error;

/// The `Async*` twin of a resource class, and `into_handle`, which hands out the class or
/// its twin as the client's mode says.
macro_rules! async_twin {
    ($($base:ident => $twin:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($base), "` of `AsyncClient`: every call returns a coroutine.")]
        #[pyclass(module = "telnyx_reputation._native", frozen, extends = $base)]
        pub struct $twin;

        impl $base {
            /// This handle as a Python object: the class itself, or its `Async*` twin.
            pub fn into_handle(self, py: Python<'_>, mode: Mode) -> PyResult<Bound<'_, PyAny>> {
                Ok(match mode {
                    Mode::Blocking => Bound::new(py, self)?.into_any(),
                    Mode::Async => {
                        Bound::new(py, PyClassInitializer::from(self).add_subclass($twin))?
                            .into_any()
                    }
                })
            }
        }
    )*};
}

async_twin!(
    TermsOfService => AsyncTermsOfService,
    Agreements => AsyncAgreements,
    Enterprises => AsyncEnterprises,
    Documents => AsyncDocuments,
    Reputation => AsyncReputation,
    Loa => AsyncLoa,
    Numbers => AsyncNumbers,
    AccountNumbers => AsyncAccountNumbers,
    Remediations => AsyncRemediations,
    ExternalVerifications => AsyncExternalVerifications,
);

/// Every resource class and its twin, for the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TermsOfService>()?;
    m.add_class::<AsyncTermsOfService>()?;
    m.add_class::<Agreements>()?;
    m.add_class::<AsyncAgreements>()?;
    m.add_class::<Enterprises>()?;
    m.add_class::<AsyncEnterprises>()?;
    m.add_class::<Documents>()?;
    m.add_class::<AsyncDocuments>()?;
    m.add_class::<Reputation>()?;
    m.add_class::<AsyncReputation>()?;
    m.add_class::<Loa>()?;
    m.add_class::<AsyncLoa>()?;
    m.add_class::<Numbers>()?;
    m.add_class::<AsyncNumbers>()?;
    m.add_class::<AccountNumbers>()?;
    m.add_class::<AsyncAccountNumbers>()?;
    m.add_class::<Remediations>()?;
    m.add_class::<AsyncRemediations>()?;
    m.add_class::<RemediationWatch>()?;
    m.add_class::<AsyncRemediationWatch>()?;
    m.add_class::<ExternalVerifications>()?;
    m.add_class::<AsyncExternalVerifications>()?;
    Ok(())
}

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

/// Optional keyword arguments, as a dict.
type Keywords<'py> = Option<Bound<'py, PyDict>>;

/// A list's keywords split into its filters and the call's `extra_*` keywords.
fn split_extras<'py>(
    py: Python<'py>,
    keywords: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Keywords<'py>, Keywords<'py>)> {
    let Some(keywords) = keywords else {
        return Ok((None, None));
    };
    let filters = keywords.copy()?;
    let extras = PyDict::new(py);
    for name in ["extra_headers", "extra_query", "extra_body"] {
        if let Some(value) = filters.get_item(name)? {
            extras.set_item(name, value)?;
            filters.del_item(name)?;
        }
    }
    Ok((Some(filters), Some(extras)))
}
