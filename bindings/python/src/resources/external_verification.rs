//! External verification: ownership evidence for numbers hosted outside Telnyx.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::client::Shared;
use crate::models;

/// `rep.external_verification`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct ExternalVerifications {
    shared: Arc<Shared>,
    enterprise_id: String,
}

impl ExternalVerifications {
    pub fn new(shared: Arc<Shared>, enterprise_id: String) -> Self {
        ExternalVerifications {
            shared,
            enterprise_id,
        }
    }

    fn api(
        &self,
        method: &str,
        extras: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<telnyx_reputation::ExternalVerifications> {
        Ok(self
            .shared
            .api_with(method, extras)?
            .reputation(self.enterprise_id.clone())
            .external_verification())
    }
}

#[pymethods]
impl ExternalVerifications {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ExternalVerifications::new(self.shared.raw_twin(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// Submit evidence documents, optionally naming the numbers they cover.
    #[pyo3(signature = (document_ids, *, phone_numbers=None, **extras))]
    fn submit<'py>(
        &self,
        py: Python<'py>,
        document_ids: Vec<String>,
        phone_numbers: Option<Vec<String>>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("submit", extras)?;
        let call = async move { api.submit(document_ids, phone_numbers).await };
        self.shared
            .finish_as::<models::ExternalVerification, _, _>(py, call)
    }

    /// The current submission and its review status.
    #[pyo3(signature = (**extras))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("get", extras)?;
        let call = async move { api.get().await };
        self.shared
            .finish_as::<models::ExternalVerification, _, _>(py, call)
    }
}
