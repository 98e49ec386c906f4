//! `telnyx_reputation._native`: the PyO3 binding of the `telnyx-reputation` facade.
//!
//! Thin by rule (STYLE.md 5): each method converts its arguments, makes one facade call,
//! converts the result and maps the error. HTTP, defaults, retries and validation belong
//! to the facade. The files mirror the facade's: one per resource.

mod runtime;

use pyo3::prelude::*;

/// The native module; the public API is re-exported by `telnyx_reputation/__init__.py`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
