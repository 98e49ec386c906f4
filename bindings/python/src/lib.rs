//! `telnyx_reputation._native`: the PyO3 binding of the `telnyx-reputation` facade.
//!
//! Thin by rule (STYLE.md 5): each method converts its arguments, makes one facade call,
//! converts the result and maps the error. HTTP, defaults, retries and validation belong
//! to the facade. The files mirror the facade's: `client`, `pager`, one per resource,
//! `webhooks`; plus `error` (the one error mapping), `convert` and `runtime`.

mod client;
mod convert;
mod error;
mod pager;
mod resources;
mod runtime;
mod webhooks;

use pyo3::prelude::*;

/// The native module; the public API is re-exported by `telnyx_reputation/__init__.py`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<pager::Pager>()?;
    m.add_class::<resources::TermsOfService>()?;
    m.add_class::<resources::Agreements>()?;
    m.add_class::<resources::Enterprises>()?;
    m.add_class::<resources::Documents>()?;
    m.add_class::<resources::Reputation>()?;
    m.add_class::<resources::Loa>()?;
    m.add_class::<resources::Numbers>()?;
    m.add_class::<resources::AccountNumbers>()?;
    m.add_class::<resources::Remediations>()?;
    m.add_class::<resources::ExternalVerifications>()?;
    m.add_function(wrap_pyfunction!(webhooks::verify, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::sign, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::public_key, m)?)?;
    let drain = wrap_pyfunction!(runtime::drain, m)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (drain,))?;
    Ok(())
}
