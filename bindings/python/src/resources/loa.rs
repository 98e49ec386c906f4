//! The Letter of Authorization: render it as a PDF, point reputation at a new signed copy.

use std::sync::Arc;

use pyo3::prelude::*;
use telnyx_reputation::LoaRenderOptions;

use crate::client::{Build, Shared};
use crate::convert::from_python;
use crate::error;
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

    fn api(&self) -> PyResult<telnyx_reputation::Loa> {
        Ok(self
            .shared
            .api()?
            .reputation(self.enterprise_id.clone())
            .loa())
    }
}

#[pymethods]
impl Loa {
    /// Render the LOA PDF (not billable); `agent` and `signature` are optional blocks.
    #[pyo3(signature = (*, agent=None, signature=None))]
    fn render<'py>(
        &self,
        py: Python<'py>,
        agent: Option<&Bound<'py, PyAny>>,
        signature: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = LoaRenderOptions {
            agent: agent.map(|a| from_python("agent", a)).transpose()?,
            signature: signature.map(|s| from_python("signature", s)).transpose()?,
        };
        let loa = self.api()?;
        let call = async move { error::map(loa.render(options).await).map(|pdf| pdf.to_vec()) };
        self.shared.finish_raw(py, call, Build::Plain)
    }

    /// Point reputation at a new signed LOA document (LOA approval restarts).
    fn replace<'py>(&self, py: Python<'py>, document_id: String) -> PyResult<Bound<'py, PyAny>> {
        let loa = self.api()?;
        let call = async move { loa.replace(document_id).await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }
}
