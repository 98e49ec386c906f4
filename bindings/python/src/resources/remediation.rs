//! Remediations requests: submit flagged numbers for re-evaluation, get one, follow one
//! (`watch`, `wait_until_finished`), list them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{Error, RemediationFilter, RemediationRequest};
use tokio::sync::Mutex;

use super::{filter_of, wait_options};
use crate::client::{Mode, Shared};
use crate::{error, models, runtime};

/// `rep.remediation`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
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

    fn api(
        &self,
        method: &str,
        extras: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<telnyx_reputation::Remediations> {
        Ok(self
            .shared
            .api_with(method, extras)?
            .reputation(self.enterprise_id.clone())
            .remediation())
    }
}

#[pymethods]
impl Remediations {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Remediations::new(self.shared.raw_twin(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// Ask the analytics networks to re-evaluate numbers (1 to 2,000).
    #[pyo3(signature = (numbers, call_purpose, *, contact_email=None, webhook_url=None, **extras))]
    fn submit<'py>(
        &self,
        py: Python<'py>,
        numbers: Vec<String>,
        call_purpose: String,
        contact_email: Option<String>,
        webhook_url: Option<String>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = RemediationRequest {
            phone_numbers: numbers,
            call_purpose,
            contact_email,
            webhook_url,
        };
        let api = self.api("submit", extras)?;
        let call = async move { api.submit(request).await };
        self.shared.finish_as::<models::Remediation, _, _>(py, call)
    }

    /// One request in full, with per-number results once available.
    #[pyo3(signature = (remediation_id, **extras))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        remediation_id: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("get", extras)?;
        let call = async move { api.get(remediation_id).await };
        self.shared.finish_as::<models::Remediation, _, _>(py, call)
    }

    /// Follow a request: iterate (`for` on `Client`, `async for` on `AsyncClient`) to get
    /// the request each time its status changes, ending after a final status (completed,
    /// failed or cancelled); `APITimeoutError` ends it after `timeout` seconds. Nothing is
    /// sent until iteration. Unset options take the facade's defaults.
    #[pyo3(signature = (remediation_id, *, interval=None, timeout=None, **extras))]
    fn watch<'py>(
        &self,
        py: Python<'py>,
        remediation_id: String,
        interval: Option<f64>,
        timeout: Option<f64>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = wait_options(interval, timeout)?;
        let changes: Changes = Arc::new(Mutex::new(Box::pin(
            self.api("watch", extras)?.watch(remediation_id, options),
        )));
        Ok(match self.shared.mode() {
            Mode::Blocking => Bound::new(py, RemediationWatch { changes })?.into_any(),
            Mode::Async => Bound::new(py, AsyncRemediationWatch { changes })?.into_any(),
        })
    }

    /// Poll a request until it is completed, failed or cancelled and return it;
    /// `APITimeoutError` after `timeout` seconds. Unset options take the facade's defaults.
    #[pyo3(signature = (remediation_id, *, interval=None, timeout=None, **extras))]
    fn wait_until_finished<'py>(
        &self,
        py: Python<'py>,
        remediation_id: String,
        interval: Option<f64>,
        timeout: Option<f64>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = wait_options(interval, timeout)?;
        let api = self.api("wait_until_finished", extras)?;
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
        let (filters, extras) = super::split_extras(py, filters)?;
        let filter: RemediationFilter = filter_of(py, "list", filters.as_ref())?;
        let pager = self.api("list", extras.as_ref())?.list().filter(filter);
        self.shared.list::<_, models::RemediationSummary>(py, pager)
    }
}

/// The facade's `watch` stream, shared by the iterator and the calls it made.
type Changes =
    Arc<Mutex<Pin<Box<dyn Stream<Item = Result<telnyx_reputation::Remediation, Error>> + Send>>>>;

/// The next snapshot of a watch, or `None` once it ended.
fn next_change(
    changes: &Changes,
) -> impl Future<Output = PyResult<Option<models::Remediation>>> + Send + 'static {
    let changes = Arc::clone(changes);
    async move {
        let next = changes.lock().await.next().await;
        error::map(next.transpose()).map(|r| r.map(models::Remediation::from))
    }
}

/// `rep.remediation.watch(id)` on `Client`: an iterator of `Remediation` snapshots.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct RemediationWatch {
    changes: Changes,
}

#[pymethods]
impl RemediationWatch {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next snapshot (blocking, GIL released, until the status changes).
    fn __next__(&self, py: Python<'_>) -> PyResult<models::Remediation> {
        runtime::block_on(py, next_change(&self.changes))?
            .ok_or_else(|| PyStopIteration::new_err(()))
    }
}

/// `rep.remediation.watch(id)` on `AsyncClient`: an async iterator of `Remediation`
/// snapshots.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct AsyncRemediationWatch {
    changes: Changes,
}

#[pymethods]
impl AsyncRemediationWatch {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// A coroutine resolving to the next snapshot once the status changes.
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let next = next_change(&self.changes);
        let call = async move { next.await?.ok_or_else(|| PyStopAsyncIteration::new_err(())) };
        runtime::coroutine(py, call, None)
    }
}
