//! Enterprises: create, list, get, replace, delete.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{EnterpriseFilter, EnterpriseUpdate, NewEnterprise};

use super::filter_of;
use crate::client::{Build, Shared};
use crate::convert::from_python;
use crate::models;
use crate::pager::Pager;

/// `client.enterprises`.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct Enterprises {
    shared: Arc<Shared>,
}

impl Enterprises {
    pub fn new(shared: Arc<Shared>) -> Self {
        Enterprises { shared }
    }
}

#[pymethods]
impl Enterprises {
    /// Create an enterprise from keyword fields (the API's field names).
    #[pyo3(signature = (**fields))]
    fn create<'py>(
        &self,
        py: Python<'py>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let enterprise: NewEnterprise = from_python("create", &fields_of(py, fields))?;
        let api = self.shared.api()?;
        let call = async move { api.enterprises().create(enterprise).await };
        self.shared.finish_as::<models::Enterprise, _, _>(py, call)
    }

    /// The account's enterprises; keywords are the facade's `EnterpriseFilter`
    /// (`legal_name_contains`, `role_type`, `page_size`).
    #[pyo3(signature = (**filters))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        filters: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let filter: EnterpriseFilter = filter_of(py, "list", filters)?;
        let pager = self.shared.api()?.enterprises().list().filter(filter);
        let native = Pager::new::<_, models::Enterprise>(self.shared.clone(), pager);
        self.shared.pager(py, native)
    }

    /// One enterprise by id.
    fn get<'py>(&self, py: Python<'py>, enterprise_id: String) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api()?;
        let call = async move { api.enterprises().get(enterprise_id).await };
        self.shared.finish_as::<models::Enterprise, _, _>(py, call)
    }

    /// Replace the mutable fields given as keywords.
    #[pyo3(signature = (enterprise_id, **fields))]
    fn replace<'py>(
        &self,
        py: Python<'py>,
        enterprise_id: String,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let update: EnterpriseUpdate = from_python("replace", &fields_of(py, fields))?;
        let api = self.shared.api()?;
        let call = async move { api.enterprises().replace(enterprise_id, update).await };
        self.shared.finish_as::<models::Enterprise, _, _>(py, call)
    }

    /// Soft-delete an enterprise.
    fn delete<'py>(&self, py: Python<'py>, enterprise_id: String) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api()?;
        let call = async move { api.enterprises().delete(enterprise_id).await };
        self.shared.finish(py, call, Build::Plain)
    }
}

/// `**fields` as a dict (empty when none were given).
fn fields_of<'py>(py: Python<'py>, fields: Option<&Bound<'py, PyDict>>) -> Bound<'py, PyAny> {
    fields
        .map_or_else(|| PyDict::new(py), Bound::clone)
        .into_any()
}
