//! Terms of service: agree to Number Reputation's, read status and info, list agreements.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{AgreementFilter, ProductType};

use super::{filter_of, parse};
use crate::client::Shared;
use crate::models;
use crate::pager::Pager;

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
    /// Record agreement to the current Number Reputation terms (idempotent).
    fn agree_number_reputation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api()?;
        let call = async move { api.terms_of_service().agree_number_reputation().await };
        self.shared
            .finish_as::<models::TosAgreement, _, _>(py, call)
    }

    /// Whether the account agreed to `product`'s current terms.
    fn status<'py>(&self, py: Python<'py>, product: &str) -> PyResult<Bound<'py, PyAny>> {
        let product: ProductType = parse(product)?;
        let api = self.shared.api()?;
        let call = async move { api.terms_of_service().status(product).await };
        self.shared.finish_as::<models::TosStatus, _, _>(py, call)
    }

    /// The current terms of `product`, or of every product.
    #[pyo3(signature = (product=None))]
    fn info<'py>(&self, py: Python<'py>, product: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let product: Option<ProductType> = product.map(parse).transpose()?;
        let api = self.shared.api()?;
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
    /// The account's agreements, optionally of one product; keywords are the facade's
    /// `AgreementFilter` (`product_type`, `page_size`).
    #[pyo3(signature = (**filters))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        filters: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let filter: AgreementFilter = filter_of(py, "list", filters)?;
        let pager = self
            .shared
            .api()?
            .terms_of_service()
            .agreements()
            .list()
            .filter(filter);
        let native = Pager::new::<_, models::TosAgreement>(self.shared.clone(), pager);
        self.shared.pager(py, native)
    }

    /// One agreement by id.
    fn get<'py>(&self, py: Python<'py>, agreement_id: String) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api()?;
        let call = async move { api.terms_of_service().agreements().get(agreement_id).await };
        self.shared
            .finish_as::<models::TosAgreement, _, _>(py, call)
    }
}
