//! Terms of service: agree to Number Reputation's, read status and info, list agreements.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{AgreementFilter, ProductType};

use super::{filter_of, parse};
use crate::client::Shared;
use crate::models;

/// `client.terms_of_service`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct TermsOfService {
    shared: Arc<Shared>,
}

impl TermsOfService {
    pub fn new(shared: Arc<Shared>) -> Self {
        TermsOfService { shared }
    }
}

#[pymethods]
impl TermsOfService {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        TermsOfService::new(self.shared.raw_twin()).into_handle(py, self.shared.mode())
    }

    /// Record agreement to the current Number Reputation terms (idempotent).
    #[pyo3(signature = (**extras))]
    fn agree_number_reputation<'py>(
        &self,
        py: Python<'py>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("agree_number_reputation", extras)?;
        let call = async move { api.terms_of_service().agree_number_reputation().await };
        self.shared
            .finish_as::<models::TosAgreement, _, _>(py, call)
    }

    /// Whether the account agreed to `product`'s current terms.
    #[pyo3(signature = (product, **extras))]
    fn status<'py>(
        &self,
        py: Python<'py>,
        product: &str,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let product: ProductType = parse(product)?;
        let api = self.shared.api_with("status", extras)?;
        let call = async move { api.terms_of_service().status(product).await };
        self.shared.finish_as::<models::TosStatus, _, _>(py, call)
    }

    /// The current terms of `product`, or of every product.
    #[pyo3(signature = (product=None, **extras))]
    fn info<'py>(
        &self,
        py: Python<'py>,
        product: Option<&str>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let product: Option<ProductType> = product.map(parse).transpose()?;
        let api = self.shared.api_with("info", extras)?;
        let call = async move { api.terms_of_service().info(product).await };
        self.shared.finish_list::<models::TermsInfo, _, _>(py, call)
    }

    /// Recorded agreements.
    #[getter]
    fn agreements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let agreements = Agreements {
            shared: self.shared.clone(),
        };
        agreements.into_handle(py, self.shared.mode())
    }
}

/// `client.terms_of_service.agreements`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
pub struct Agreements {
    shared: Arc<Shared>,
}

#[pymethods]
impl Agreements {
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let raw = Agreements {
            shared: self.shared.raw_twin(),
        };
        raw.into_handle(py, self.shared.mode())
    }

    /// The account's agreements, optionally of one product; keywords are the facade's
    /// `AgreementFilter` (`product_type`, `page_size`).
    #[pyo3(signature = (**filters))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        filters: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (filters, extras) = super::split_extras(py, filters)?;
        let filter: AgreementFilter = filter_of(py, "list", filters.as_ref())?;
        let pager = self
            .shared
            .api_with("list", extras.as_ref())?
            .terms_of_service()
            .agreements()
            .list()
            .filter(filter);
        self.shared.list::<_, models::TosAgreement>(py, pager)
    }

    /// One agreement by id.
    #[pyo3(signature = (agreement_id, **extras))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        agreement_id: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("get", extras)?;
        let call = async move { api.terms_of_service().agreements().get(agreement_id).await };
        self.shared
            .finish_as::<models::TosAgreement, _, _>(py, call)
    }
}
