//! Documents: upload a file (e.g. the signed LOA) and get its id.

use std::sync::Arc;

use pyo3::prelude::*;

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
    /// Upload `data` as `filename` (multipart); the result's `id` is e.g. a `loa_document_id`.
    fn upload<'py>(
        &self,
        py: Python<'py>,
        filename: String,
        data: Vec<u8>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api()?;
        let call = async move { api.documents().upload(filename, data).await };
        self.shared.finish_as::<models::Document, _, _>(py, call)
    }

    /// Upload `data` base64-encoded in a JSON body, on the route the official SDKs use;
    /// prefer `upload`, which sends a third fewer bytes.
    fn upload_json<'py>(
        &self,
        py: Python<'py>,
        filename: String,
        data: Vec<u8>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api()?;
        let call = async move { api.documents().upload_json(filename, data).await };
        self.shared.finish_as::<models::Document, _, _>(py, call)
    }
}
