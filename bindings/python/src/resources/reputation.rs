//! Number Reputation of one enterprise: settings, enable/disable, frequency, webhook,
//! waiting for both approval gates, and the handles below it.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::CheckFrequency;

use super::{ExternalVerifications, Loa, Numbers, Remediations, parse, wait_options};
use crate::client::{Build, Shared};
use crate::models;

/// `client.reputation(enterprise_id)`: a handle; nothing is sent until a call.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct Reputation {
    shared: Arc<Shared>,
    enterprise_id: String,
}

impl Reputation {
    pub fn new(shared: Arc<Shared>, enterprise_id: String) -> Self {
        Reputation {
            shared,
            enterprise_id,
        }
    }

    fn api(
        &self,
        method: &str,
        extras: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<telnyx_reputation::Reputation> {
        Ok(self
            .shared
            .api_with(method, extras)?
            .reputation(self.enterprise_id.clone()))
    }
}

#[pymethods]
impl Reputation {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Reputation::new(self.shared.raw_twin(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// The enterprise this handle is for.
    #[getter]
    fn enterprise_id(&self) -> &str {
        &self.enterprise_id
    }

    /// The reputation settings and both gates.
    #[pyo3(signature = (**extras))]
    fn settings<'py>(
        &self,
        py: Python<'py>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rep = self.api("settings", extras)?;
        let call = async move { rep.settings().await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }

    /// Enable Number Reputation with the signed LOA's document id (billable); the
    /// frequency defaults to `business_daily`.
    #[pyo3(signature = (loa_document_id, frequency=None, **extras))]
    fn enable<'py>(
        &self,
        py: Python<'py>,
        loa_document_id: String,
        frequency: Option<&str>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let frequency: Option<CheckFrequency> = frequency.map(parse).transpose()?;
        let rep = self.api("enable", extras)?;
        let call = async move { rep.enable(loa_document_id, frequency).await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }

    /// Disable Number Reputation; every registered number is de-registered.
    #[pyo3(signature = (**extras))]
    fn disable<'py>(
        &self,
        py: Python<'py>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rep = self.api("disable", extras)?;
        let call = async move { rep.disable().await };
        self.shared.finish(py, call, Build::Plain)
    }

    /// Change how often numbers are re-checked.
    #[pyo3(signature = (frequency, **extras))]
    fn set_frequency<'py>(
        &self,
        py: Python<'py>,
        frequency: &str,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let frequency: CheckFrequency = parse(frequency)?;
        let rep = self.api("set_frequency", extras)?;
        let call = async move { rep.set_frequency(frequency).await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }

    /// Deliver reputation events to this `https://` URL, or stop with `None`.
    #[pyo3(signature = (url, **extras))]
    fn set_webhook<'py>(
        &self,
        py: Python<'py>,
        url: Option<String>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rep = self.api("set_webhook", extras)?;
        let call = async move { rep.set_webhook(url.as_deref()).await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }

    /// Poll until both gates are approved; `GateRejectedError` on rejection,
    /// `APITimeoutError` after `timeout` seconds. Unset options take the facade's defaults.
    #[pyo3(signature = (*, interval=None, timeout=None, **extras))]
    fn wait_until_approved<'py>(
        &self,
        py: Python<'py>,
        interval: Option<f64>,
        timeout: Option<f64>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = wait_options(interval, timeout)?;
        let rep = self.api("wait_until_approved", extras)?;
        let call = async move { rep.wait_until_approved(options).await };
        self.shared
            .finish_as::<models::ReputationSettings, _, _>(py, call)
    }

    /// The Letter of Authorization.
    #[getter]
    fn loa<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Loa::new(self.shared.clone(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// The enterprise's monitored numbers.
    #[getter]
    fn numbers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Numbers::new(self.shared.clone(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// Remediations requests.
    #[getter]
    fn remediation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Remediations::new(self.shared.clone(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// Ownership evidence for externally hosted numbers.
    #[getter]
    fn external_verification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ExternalVerifications::new(self.shared.clone(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    fn __repr__(&self) -> String {
        format!("Reputation(enterprise_id={:?})", self.enterprise_id)
    }
}
