//! Enterprises: create, list, get, replace and delete the legal entities that own reputation
//! settings.

use futures::FutureExt;
use telnyx_reputation_api::types as g;

use super::non_zero;
use crate::client::{Client, send};
use crate::convert;
use crate::models::{Enterprise, EnterpriseUpdate, NewEnterprise, Page};
use crate::operations::{
    ENTERPRISE_CREATE as CREATE, ENTERPRISE_DELETE as DELETE, ENTERPRISE_GET as GET,
    ENTERPRISE_LIST as LIST, ENTERPRISE_REPLACE as REPLACE,
};
use crate::pager::{ListQuery, Pager};
use crate::{Error, validate};

/// The API's `maxLength` limits on enterprise create and replace bodies.
const ENTERPRISE_LIMITS: [(&str, usize); 6] = [
    ("doing_business_as", 255),
    ("jurisdiction_of_incorporation", 255),
    ("website", 255),
    ("customer_reference", 255),
    ("billing_contact.first_name", 255),
    ("billing_contact.last_name", 255),
];

/// Enterprises (`client.enterprises()`).
#[derive(Debug, Clone)]
pub struct Enterprises {
    client: Client,
}

impl Enterprises {
    pub(crate) fn new(client: Client) -> Self {
        Enterprises { client }
    }

    /// Create an enterprise. Not retried except on a connect failure or 429 (a retry could
    /// create a duplicate).
    pub async fn create(&self, enterprise: NewEnterprise) -> Result<Enterprise, Error> {
        checked(&enterprise)?;
        let body: g::EnterpriseCreate = convert::request_body("enterprise", &enterprise)?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(CREATE, || {
                send(api.create_enterprise().body(body.clone()).send())
            })
            .await?;
        Ok(convert::enterprise(wrapped.data))
    }

    /// Enterprises you own, paged; filter with [`Pager::legal_name_contains`] and
    /// [`Pager::role_type`].
    pub fn list(&self) -> Pager<Enterprise> {
        let client = self.client.clone();
        Pager::new(move |query| list_page(client.clone(), query).boxed())
    }

    /// One enterprise by id.
    pub async fn get(&self, enterprise_id: impl Into<String>) -> Result<Enterprise, Error> {
        let id = validate::uuid("enterprise_id", &enterprise_id.into())?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(GET, move || {
                send(api.get_enterprise().enterprise_id(id).send())
            })
            .await?;
        Ok(convert::enterprise(wrapped.data))
    }

    /// Replace the enterprise's mutable fields with those set in `update`.
    pub async fn replace(
        &self,
        enterprise_id: impl Into<String>,
        update: EnterpriseUpdate,
    ) -> Result<Enterprise, Error> {
        let id = validate::uuid("enterprise_id", &enterprise_id.into())?;
        if let Some(name) = &update.legal_name {
            validate::length("legal_name", name, 3, 64)?;
        }
        validate::max_lengths(&update, &ENTERPRISE_LIMITS)?;
        let body: g::EnterpriseReplace = convert::request_body("enterprise", &update)?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(REPLACE, || {
                send(
                    api.replace_enterprise()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::enterprise(wrapped.data))
    }

    /// Soft-delete an enterprise.
    pub async fn delete(&self, enterprise_id: impl Into<String>) -> Result<(), Error> {
        let id = validate::uuid("enterprise_id", &enterprise_id.into())?;
        let api = self.client.api();
        self.client
            .run_delete(DELETE, move || {
                send(api.delete_enterprise().enterprise_id(id).send())
            })
            .await
    }
}

async fn list_page(client: Client, query: ListQuery) -> Result<Page<Enterprise>, Error> {
    let api = client.api();
    let list = client
        .run(LIST, || {
            let mut call = api
                .list_enterprises()
                .page_number(non_zero(query.page_number));
            if let Some(size) = query.page_size {
                call = call.page_size(non_zero(size.into()));
            }
            let filter = &query.enterprises;
            if let Some(text) = &filter.legal_name_contains {
                call = call.filter_legal_name_contains(text.clone());
            }
            if let Some(role) = &filter.role_type {
                call = call.filter_role_type(g::RoleType(role.as_str().to_owned()));
            }
            send(call.send())
        })
        .await?;
    let items = list.data.into_iter().map(convert::enterprise).collect();
    Ok(Page {
        items,
        meta: convert::meta(list.meta),
    })
}

/// The server-enforced formats of a new enterprise, each failure naming its field path;
/// every bad field is reported at once.
fn checked(e: &NewEnterprise) -> Result<(), Error> {
    let checks = [
        validate::length("legal_name", &e.legal_name, 3, 64),
        validate::country("country_code", &e.country_code),
        validate::fein("fein", &e.fein),
        validate::email("organization_contact.email", &e.organization_contact.email),
        validate::e164(
            "organization_contact.phone_number",
            &e.organization_contact.phone_number,
        ),
        validate::email("billing_contact.email", &e.billing_contact.email),
        validate::e164(
            "billing_contact.phone_number",
            &e.billing_contact.phone_number,
        ),
        validate::country(
            "organization_physical_address.country",
            &e.organization_physical_address.country,
        ),
        validate::country("billing_address.country", &e.billing_address.country),
        validate::max_lengths(e, &ENTERPRISE_LIMITS),
    ];
    validate::all(checks)
}

impl Enterprises {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}
