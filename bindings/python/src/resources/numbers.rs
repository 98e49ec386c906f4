//! Monitored numbers: an enterprise's (`rep.numbers`) and the account-wide simplified
//! endpoints (`client.numbers`). Numbers are validated as US E.164 by the facade.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{BulkAddOptions, NumberFilter};

use super::filter_of;
use crate::client::{Build, Shared};
use crate::models;

/// `rep.numbers`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct Numbers {
    shared: Arc<Shared>,
    enterprise_id: String,
}

impl Numbers {
    pub fn new(shared: Arc<Shared>, enterprise_id: String) -> Self {
        Numbers {
            shared,
            enterprise_id,
        }
    }

    fn api(
        &self,
        method: &str,
        extras: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<telnyx_reputation::Numbers> {
        Ok(self
            .shared
            .api_with(method, extras)?
            .reputation(self.enterprise_id.clone())
            .numbers())
    }
}

#[pymethods]
impl Numbers {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Numbers::new(self.shared.raw_twin(), self.enterprise_id.clone())
            .into_handle(py, self.shared.mode())
    }

    /// Register up to 100 numbers, all or nothing (billable; both gates must be approved).
    #[pyo3(signature = (numbers, **extras))]
    fn add<'py>(
        &self,
        py: Python<'py>,
        numbers: Vec<String>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("add", extras)?;
        let call = async move { api.add(numbers).await };
        self.shared
            .finish_list::<models::ReputationNumber, _, _>(py, call)
    }

    /// Register any number of numbers in atomic batches of 100, `concurrency` (1-16, default
    /// 4) at a time. Every number is validated first (nothing is sent if one is invalid or
    /// repeated); then each batch is billed and succeeds or fails on its own, and the report
    /// lists the added numbers and each failed batch with its numbers and error.
    #[pyo3(signature = (numbers, *, concurrency=None, **extras))]
    fn add_all<'py>(
        &self,
        py: Python<'py>,
        numbers: Vec<String>,
        concurrency: Option<usize>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("add_all", extras)?;
        let options = bulk_options(concurrency);
        let call = async move { api.add_all(numbers, options).await };
        self.shared
            .finish_as::<models::BulkAddReport, _, _>(py, call)
    }

    /// Refresh any number of distinct numbers in batches of 100, `concurrency` (1-16,
    /// default 4) at a time, like `add_all`: every number is validated first (nothing is
    /// sent if one is invalid or repeated); then each batch is billed and succeeds or fails
    /// on its own, and the report has the per-number results and each failed batch.
    #[pyo3(signature = (numbers, *, concurrency=None, **extras))]
    fn refresh_all<'py>(
        &self,
        py: Python<'py>,
        numbers: Vec<String>,
        concurrency: Option<usize>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("refresh_all", extras)?;
        let options = bulk_options(concurrency);
        let call = async move { api.refresh_all(numbers, options).await };
        self.shared
            .finish_as::<models::BulkRefreshReport, _, _>(py, call)
    }

    /// The enterprise's monitored numbers; keywords are the facade's `NumberFilter`
    /// (`phone_number_contains`, `phone_number_eq`, `ownership_status`, `source`,
    /// `page_size`).
    #[pyo3(signature = (**filters))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        filters: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (filters, extras) = super::split_extras(py, filters)?;
        let filter: NumberFilter = filter_of(py, "list", filters.as_ref())?;
        let pager = self.api("list", extras.as_ref())?.list().filter(filter);
        self.shared.list::<_, models::ReputationNumber>(py, pager)
    }

    /// A number with its cached reputation (the first lookup of a new number is live).
    #[pyo3(signature = (number, **extras))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        number: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("get", extras)?;
        let call = async move { api.get(number).await };
        self.shared
            .finish_as::<models::ReputationNumber, _, _>(py, call)
    }

    /// A number with a live reputation lookup (billable).
    #[pyo3(signature = (number, **extras))]
    fn get_fresh<'py>(
        &self,
        py: Python<'py>,
        number: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("get_fresh", extras)?;
        let call = async move { api.get_fresh(number).await };
        self.shared
            .finish_as::<models::ReputationNumber, _, _>(py, call)
    }

    /// Stop monitoring a number.
    #[pyo3(signature = (number, **extras))]
    fn remove<'py>(
        &self,
        py: Python<'py>,
        number: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("remove", extras)?;
        let call = async move { api.remove(number).await };
        self.shared.finish(py, call, Build::Plain)
    }

    /// Re-check numbers now (billable).
    #[pyo3(signature = (numbers, **extras))]
    fn refresh<'py>(
        &self,
        py: Python<'py>,
        numbers: Vec<String>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("refresh", extras)?;
        let call = async move { api.refresh(numbers).await };
        self.shared
            .finish_as::<models::RefreshOutcome, _, _>(py, call)
    }

    /// Ownership tracking of a number.
    #[pyo3(signature = (number, **extras))]
    fn ownership<'py>(
        &self,
        py: Python<'py>,
        number: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("ownership", extras)?;
        let call = async move { api.ownership(number).await };
        self.shared
            .finish_as::<models::NumberOwnership, _, _>(py, call)
    }

    /// Answer an ownership check: still own it (optionally with evidence) or not.
    #[pyo3(signature = (number, still_own, evidence_document_id=None, **extras))]
    fn confirm_ownership<'py>(
        &self,
        py: Python<'py>,
        number: String,
        still_own: bool,
        evidence_document_id: Option<String>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.api("confirm_ownership", extras)?;
        let call = async move {
            api.confirm_ownership(number, still_own, evidence_document_id.as_deref())
                .await
        };
        self.shared
            .finish_as::<models::ReputationNumber, _, _>(py, call)
    }
}

/// The facade's bulk options, the concurrency given or its default.
fn bulk_options(concurrency: Option<usize>) -> BulkAddOptions {
    let mut options = BulkAddOptions::default();
    if let Some(concurrency) = concurrency {
        options.concurrency = concurrency;
    }
    options
}

/// `client.numbers`: monitored numbers across every enterprise of the account.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct AccountNumbers {
    shared: Arc<Shared>,
}

impl AccountNumbers {
    pub fn new(shared: Arc<Shared>) -> Self {
        AccountNumbers { shared }
    }
}

#[pymethods]
impl AccountNumbers {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        AccountNumbers::new(self.shared.raw_twin()).into_handle(py, self.shared.mode())
    }

    /// Monitored numbers of every enterprise, optionally of one; keywords are the
    /// facade's `NumberFilter` (those of `rep.numbers.list` and `enterprise_id`).
    #[pyo3(signature = (**filters))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        filters: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (filters, extras) = super::split_extras(py, filters)?;
        let filter: NumberFilter = filter_of(py, "list", filters.as_ref())?;
        let pager = self
            .shared
            .api_with("list", extras.as_ref())?
            .numbers()
            .list()
            .filter(filter);
        self.shared.list::<_, models::ReputationNumber>(py, pager)
    }

    /// A monitored number, whichever enterprise it is registered to; `fresh=True` is a
    /// live (billable) lookup.
    #[pyo3(signature = (number, *, fresh=false, **extras))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        number: String,
        fresh: bool,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("get", extras)?;
        let call = async move {
            if fresh {
                api.numbers().get_fresh(number).await
            } else {
                api.numbers().get(number).await
            }
        };
        self.shared
            .finish_as::<models::ReputationNumber, _, _>(py, call)
    }

    /// Stop monitoring a number, whichever enterprise it is registered to.
    #[pyo3(signature = (number, **extras))]
    fn remove<'py>(
        &self,
        py: Python<'py>,
        number: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("remove", extras)?;
        let call = async move { api.numbers().remove(number).await };
        self.shared.finish(py, call, Build::Plain)
    }
}
