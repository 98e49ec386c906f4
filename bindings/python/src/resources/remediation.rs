//! Remediations requests: submit flagged numbers for re-evaluation, get one, list them.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use telnyx_reputation::RemediationRequest;

use super::{parse, wait_options};
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

    /// The enterprise's requests (summaries), optionally filtered.
    #[pyo3(signature = (*, status=None, created_at_gte=None, created_at_lte=None, page_size=None))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        status: Option<&str>,
        created_at_gte: Option<DateTime<Utc>>,
        created_at_lte: Option<DateTime<Utc>>,
        page_size: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut pager = self.api()?.list();
        if let Some(status) = status {
            pager = pager.status(parse(status)?);
        }
        if let Some(when) = created_at_gte {
            pager = pager.created_at_gte(when);
        }
        if let Some(when) = created_at_lte {
            pager = pager.created_at_lte(when);
        }
        if let Some(size) = page_size {
            pager = pager.page_size(size);
        }
        let native = Pager::new::<_, models::RemediationSummary>(self.shared.clone(), pager);
        self.shared.pager(py, native)
    }
}
