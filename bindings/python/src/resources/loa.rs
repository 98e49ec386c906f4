//! The Letter of Authorization: render it as a PDF, point reputation at a new signed copy.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::LoaRenderOptions;

use crate::client::Shared;
use crate::convert::from_python;
use crate::models;

/// `rep.loa`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct Loa {
    shared: Arc<Shared>,
    enterprise_id: String,
}

impl Loa {
    pub fn new(shared: Arc<Shared>, enterprise_id: String) -> Self {
        Loa {
            shared,
            enterprise_id,
        }
    }

    fn api(
        &self,
        method: &str,
        extras: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<telnyx_reputation::Loa> {
        Ok(self
            .shared
            .api_with(method, extras)?
            .reputation(self.enterprise_id.clone())
            .loa())
    }
}

#[pymethods]
impl Loa {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Loa::new(self.shared.raw_twin(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// Render the LOA PDF (not billable); `agent` and `signature` are optional blocks.
    #[pyo3(signature = (*, agent=None, signature=None, **extras))]
    fn render<'py>(
        &self,
        py: Python<'py>,
        agent: Option<&Bound<'py, PyAny>>,
        signature: Option<&Bound<'py, PyAny>>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = LoaRenderOptions {
            agent: agent.map(|a| from_python("agent", a)).transpose()?,
            signature: signature.map(|s| from_python("signature", s)).transpose()?,
        };
        let loa = self.api("render", extras)?;
        let call = async move { loa.render(options).await.map(|pdf| pdf.to_vec()) };
        self.shared.finish_as::<Vec<u8>, _, _>(py, call)
    }

    /// Point reputation at a new signed LOA document (LOA approval restarts).
    #[pyo3(signature = (document_id, **extras))]
    fn replace<'py>(
        &self,
        py: Python<'py>,
        document_id: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let loa = self.api("replace", extras)?;
        let call = async move { loa.replace(document_id).await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }
}
