//! Enterprises: create, list, get, replace, delete. `create` and `replace` take the fields
//! of the facade's `NewEnterprise` / `EnterpriseUpdate` as real keyword parameters, so
//! `help()`, IDEs and the `.pyi` (checked by stubtest) show them; an xtask test keeps the
//! two keyword lists equal to the facade's fields.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use telnyx_reputation::{EnterpriseFilter, EnterpriseUpdate, NewEnterprise};

use super::filter_of;
use crate::client::{Build, Shared};
use crate::convert::from_python;
use crate::models;

/// The keyword arguments given (not `None`) as a dict keyed by their names, which the
/// facade's serde shape then checks and converts in one place.
macro_rules! fields {
    ($py:expr; $($name:ident),* $(,)?) => {{
        let dict = PyDict::new($py);
        $(
            if let Some(value) = $name.filter(|v| !v.is_none()) {
                dict.set_item(stringify!($name), value)?;
            }
        )*
        dict.into_any()
    }};
}

/// `client.enterprises`.
#[pyclass(module = "telnyx_reputation._native", frozen, subclass)]
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
    /// The same handle, its calls returning `RawResponse` (`status_code`, `headers`,
    /// `request_id`, `parse()`); a list returns its first page that way.
    #[getter]
    fn with_raw_response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Enterprises::new(self.shared.raw_twin()).into_handle(py, self.shared.mode())
    }

    /// Create an enterprise: the API's fields as keywords (those of the facade's
    /// `NewEnterprise`; `cargo xtask` tests that the two lists agree).
    #[pyo3(signature = (
        *, legal_name, doing_business_as, organization_type, organization_legal_type, country_code,
        jurisdiction_of_incorporation, website, fein, industry, number_of_employees,
        organization_contact, billing_contact, organization_physical_address, billing_address,
        corporate_registration_number=None, customer_reference=None, dun_bradstreet_number=None,
        primary_business_domain_sic_code=None, professional_license_number=None, role_type=None, **extras
    ))]
    #[allow(clippy::too_many_arguments)]
    fn create<'py>(
        &self,
        py: Python<'py>,
        legal_name: Option<Bound<'py, PyAny>>,
        doing_business_as: Option<Bound<'py, PyAny>>,
        organization_type: Option<Bound<'py, PyAny>>,
        organization_legal_type: Option<Bound<'py, PyAny>>,
        country_code: Option<Bound<'py, PyAny>>,
        jurisdiction_of_incorporation: Option<Bound<'py, PyAny>>,
        website: Option<Bound<'py, PyAny>>,
        fein: Option<Bound<'py, PyAny>>,
        industry: Option<Bound<'py, PyAny>>,
        number_of_employees: Option<Bound<'py, PyAny>>,
        organization_contact: Option<Bound<'py, PyAny>>,
        billing_contact: Option<Bound<'py, PyAny>>,
        organization_physical_address: Option<Bound<'py, PyAny>>,
        billing_address: Option<Bound<'py, PyAny>>,
        corporate_registration_number: Option<Bound<'py, PyAny>>,
        customer_reference: Option<Bound<'py, PyAny>>,
        dun_bradstreet_number: Option<Bound<'py, PyAny>>,
        primary_business_domain_sic_code: Option<Bound<'py, PyAny>>,
        professional_license_number: Option<Bound<'py, PyAny>>,
        role_type: Option<Bound<'py, PyAny>>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fields = fields!(py;
            legal_name, doing_business_as, organization_type, organization_legal_type, country_code,
            jurisdiction_of_incorporation, website, fein, industry, number_of_employees,
            organization_contact, billing_contact, organization_physical_address, billing_address,
            corporate_registration_number, customer_reference, dun_bradstreet_number,
            primary_business_domain_sic_code, professional_license_number, role_type
        );
        let enterprise: NewEnterprise = from_python("create", &fields)?;
        let api = self.shared.api_with("create", extras)?;
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
        let (filters, extras) = super::split_extras(py, filters)?;
        let filter: EnterpriseFilter = filter_of(py, "list", filters.as_ref())?;
        let pager = self
            .shared
            .api_with("list", extras.as_ref())?
            .enterprises()
            .list()
            .filter(filter);
        self.shared.list::<_, models::Enterprise>(py, pager)
    }

    /// One enterprise by id.
    #[pyo3(signature = (enterprise_id, **extras))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        enterprise_id: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("get", extras)?;
        let call = async move { api.enterprises().get(enterprise_id).await };
        self.shared.finish_as::<models::Enterprise, _, _>(py, call)
    }

    /// Replace the mutable fields given as keywords (those of the facade's
    /// `EnterpriseUpdate`); the fields left out are not sent.
    #[pyo3(signature = (
        enterprise_id, *, legal_name=None, doing_business_as=None, organization_legal_type=None,
        jurisdiction_of_incorporation=None, website=None, fein=None, industry=None,
        number_of_employees=None, organization_contact=None, billing_contact=None,
        organization_physical_address=None, billing_address=None,
        corporate_registration_number=None, customer_reference=None, dun_bradstreet_number=None,
        primary_business_domain_sic_code=None, professional_license_number=None, **extras
    ))]
    #[allow(clippy::too_many_arguments)]
    fn replace<'py>(
        &self,
        py: Python<'py>,
        enterprise_id: String,
        legal_name: Option<Bound<'py, PyAny>>,
        doing_business_as: Option<Bound<'py, PyAny>>,
        organization_legal_type: Option<Bound<'py, PyAny>>,
        jurisdiction_of_incorporation: Option<Bound<'py, PyAny>>,
        website: Option<Bound<'py, PyAny>>,
        fein: Option<Bound<'py, PyAny>>,
        industry: Option<Bound<'py, PyAny>>,
        number_of_employees: Option<Bound<'py, PyAny>>,
        organization_contact: Option<Bound<'py, PyAny>>,
        billing_contact: Option<Bound<'py, PyAny>>,
        organization_physical_address: Option<Bound<'py, PyAny>>,
        billing_address: Option<Bound<'py, PyAny>>,
        corporate_registration_number: Option<Bound<'py, PyAny>>,
        customer_reference: Option<Bound<'py, PyAny>>,
        dun_bradstreet_number: Option<Bound<'py, PyAny>>,
        primary_business_domain_sic_code: Option<Bound<'py, PyAny>>,
        professional_license_number: Option<Bound<'py, PyAny>>,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fields = fields!(py;
            legal_name, doing_business_as, organization_legal_type, jurisdiction_of_incorporation,
            website, fein, industry, number_of_employees, organization_contact, billing_contact,
            organization_physical_address, billing_address, corporate_registration_number,
            customer_reference, dun_bradstreet_number, primary_business_domain_sic_code,
            professional_license_number
        );
        let update: EnterpriseUpdate = from_python("replace", &fields)?;
        let api = self.shared.api_with("replace", extras)?;
        let call = async move { api.enterprises().replace(enterprise_id, update).await };
        self.shared.finish_as::<models::Enterprise, _, _>(py, call)
    }

    /// Soft-delete an enterprise.
    #[pyo3(signature = (enterprise_id, **extras))]
    fn delete<'py>(
        &self,
        py: Python<'py>,
        enterprise_id: String,
        extras: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let api = self.shared.api_with("delete", extras)?;
        let call = async move { api.enterprises().delete(enterprise_id).await };
        self.shared.finish(py, call, Build::Plain)
    }
}
