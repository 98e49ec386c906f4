//! External verification: ownership evidence for numbers hosted outside Telnyx.

use std::sync::Arc;

use pyo3::prelude::*;

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

    fn api(&self) -> PyResult<telnyx_reputation::ExternalVerifications> {
        Ok(self
            .shared
            .api()?
            .reputation(self.enterprise_id.clone())
            .external_verification())
    }
}

#[pymethods]
impl ExternalVerifications {
    /// Submit evidence documents, optionally naming the numbers they cover.
    #[pyo3(signature = (document_ids, *, phone_numbers=None))]
    fn submit<'py>(
        &self,
        py: Python<'py>,
        document_ids: Vec<String>,
        phone_numbers: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api()?;
        let call = async move { api.submit(document_ids, phone_numbers).await };
        self.shared
            .finish_as::<models::ExternalVerification, _, _>(py, call)
    }

    /// The current submission and its review status.
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api()?;
        let call = async move { api.get().await };
        self.shared
            .finish_as::<models::ExternalVerification, _, _>(py, call)
    }
}
