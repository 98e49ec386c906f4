//! The one mapping from the facade's `Error` to the Python classes of
//! `telnyx_reputation.errors` (docs/architecture.md, errors). Classification itself is the
//! facade's (`ErrorKind`); this file only picks the class and copies the fields.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use telnyx_reputation::{ApiError, Error, ErrorKind};

use crate::convert::Json;

/// The Python exception class for a kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::PermissionDenied => "PermissionDeniedError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::Unprocessable => "UnprocessableEntityError",
        ErrorKind::RateLimited => "RateLimitError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::Server => "InternalServerError",
        ErrorKind::Timeout => "APITimeoutError",
        ErrorKind::Connection => "APIConnectionError",
        ErrorKind::GateRejected => "GateRejectedError",
        ErrorKind::WebhookVerification => "WebhookVerificationError",
        ErrorKind::BillingRefused => "BillingRefusedError",
        ErrorKind::Decode => "APIResponseValidationError",
        // `Api` and any kind a newer facade adds.
        _ => "APIStatusError",
    }
}

/// Build the Python exception for a facade error.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    match build(py, error) {
        Ok(exception) => exception,
        Err(failed) => failed,
    }
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    static ERRORS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let module = ERRORS.import(py, "telnyx_reputation", "errors")?;
    let class = module
        .getattr(class_name(error.kind()))?
        .cast_into::<PyType>()?;
    // Every class takes the same fields, from the facade's one payload.
    let details = error.details();
    let kwargs = PyDict::new(py);
    kwargs.set_item("status_code", details.status)?;
    kwargs.set_item("request_id", details.request_id.as_deref())?;
    let errors = error
        .api_errors()
        .iter()
        .map(|e| error_object(py, e))
        .collect::<PyResult<Vec<_>>>()?;
    kwargs.set_item("errors", errors)?;
    kwargs.set_item("retry_after", details.retry_after)?;
    kwargs.set_item("gate", details.gate.map(|g| g.to_string()))?;
    kwargs.set_item("reasons", details.reasons.as_ref())?;
    kwargs.set_item("outcome_unknown", details.outcome_unknown)?;
    kwargs.set_item("body", details.body.as_deref())?;
    kwargs.set_item("details", Json::of(&details)?.into_pyobject(py)?)?;
    let exception = class.call((details.message.as_str(),), Some(&kwargs))?;
    Ok(PyErr::from_value(exception))
}

/// One `errors[]` entry as `errors.ErrorObject`.
pub fn error_object<'py>(py: Python<'py>, error: &ApiError) -> PyResult<Bound<'py, PyAny>> {
    static OBJECT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let kwargs = Json::of(error)?.into_pyobject(py)?.cast_into::<PyDict>()?;
    OBJECT
        .import(py, "telnyx_reputation.errors", "ErrorObject")?
        .call((), Some(&kwargs))
}

/// `Result<T, facade::Error>` to `PyResult<T>`, taking the GIL only on failure
/// (async calls finish on runtime threads that do not hold it).
pub fn map<T>(result: Result<T, Error>) -> PyResult<T> {
    result.map_err(|e| Python::attach(|py| to_py(py, &e)))
}
