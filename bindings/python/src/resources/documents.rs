//! Documents: upload a file (e.g. the signed LOA) and get its id.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::client::Shared;
use crate::models;

/// `client.documents`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct Documents {
    shared: Arc<Shared>,
}

impl Documents {
    pub fn new(shared: Arc<Shared>) -> Self {
        Documents { shared }
    }
}

#[pymethods]
impl Documents {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Documents::new(self.shared.raw_twin()).into_handle(py, self.shared.mode())
    }

    /// Upload `data` as `filename` (multipart); the result's `id` is e.g. a `loa_document_id`.
    #[pyo3(signature = (filename, data, **extras))]
    fn upload<'py>(
        &self,
        py: Python<'py>,
        filename: String,
        data: Vec<u8>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("upload", extras)?;
        let call = async move { api.documents().upload(filename, data).await };
        self.shared.finish_as::<models::Document, _, _>(py, call)
    }

    /// Upload `data` base64-encoded in a JSON body, on the route the official SDKs use;
    /// prefer `upload`, which sends a third fewer bytes.
    #[pyo3(signature = (filename, data, **extras))]
    fn upload_json<'py>(
        &self,
        py: Python<'py>,
        filename: String,
        data: Vec<u8>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("upload_json", extras)?;
        let call = async move { api.documents().upload_json(filename, data).await };
        self.shared.finish_as::<models::Document, _, _>(py, call)
    }
}
