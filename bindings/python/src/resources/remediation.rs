//! Remediations requests: submit flagged numbers for re-evaluation, get one, list them.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{RemediationFilter, RemediationRequest};

use super::{filter_of, wait_options};
use crate::client::Shared;
use crate::models;
use crate::pager::Pager;

/// `rep.remediation`.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct Remediations {
    shared: Arc<Shared>,
    enterprise_id: String,
}

impl Remediations {
    pub fn new(shared: Arc<Shared>, enterprise_id: String) -> Self {
        Remediations {
            shared,
            enterprise_id,
        }
    }

    fn api(&self) -> PyResult<telnyx_reputation::Remediations> {
        Ok(self
            .shared
            .api()?
            .reputation(self.enterprise_id.clone())
            .remediation())
    }
}

#[pymethods]
impl Remediations {
    /// Ask the analytics networks to re-evaluate numbers (1 to 2,000).
    #[pyo3(signature = (numbers, call_purpose, *, contact_email=None, webhook_url=None))]
    fn submit<'py>(
        &self,
        py: Python<'py>,
        numbers: Vec<String>,
        call_purpose: String,
        contact_email: Option<String>,
        webhook_url: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = RemediationRequest {
            phone_numbers: numbers,
            call_purpose,
            contact_email,
            webhook_url,
        };
        let api = self.api()?;
        let call = async move { api.submit(request).await };
        self.shared.finish_as::<models::Remediation, _, _>(py, call)
    }

    /// One request in full, with per-number results once available.
    fn get<'py>(&self, py: Python<'py>, remediation_id: String) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api()?;
        let call = async move { api.get(remediation_id).await };
        self.shared.finish_as::<models::Remediation, _, _>(py, call)
    }

    /// Poll a request until it is completed, failed or cancelled and return it;
    /// `APITimeoutError` after `timeout` seconds. Unset options take the facade's defaults.
    #[pyo3(signature = (remediation_id, *, interval=None, timeout=None))]
    fn wait_until_finished<'py>(
        &self,
        py: Python<'py>,
        remediation_id: String,
        interval: Option<f64>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = wait_options(interval, timeout)?;
        let api = self.api()?;
        let call = async move { api.wait_until_finished(remediation_id, options).await };
        self.shared.finish_as::<models::Remediation, _, _>(py, call)
    }

    /// The enterprise's remediation requests; keywords are the facade's
    /// `RemediationFilter` (`status`, `created_at_gte`, `created_at_lte` as aware
    /// datetimes, `page_size`).
    #[pyo3(signature = (**filters))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        filters: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let filter: RemediationFilter = filter_of(py, "list", filters)?;
        let pager = self.api()?.list().filter(filter);
        let native = Pager::new::<_, models::RemediationSummary>(self.shared.clone(), pager);
        self.shared.pager(py, native)
    }
}
