//! Enterprises: create, list, get, replace and delete the legal entities that own reputation
//! settings.

use futures::FutureExt;
use telnyx_reputation_api::rules;
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
        validate::contract(&rules::ENTERPRISE_REPLACE, &update)?;
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

/// The contract's rules for a new enterprise (`EnterpriseCreate`), each failure naming its
/// field path; every bad field is reported at once.
fn checked(e: &NewEnterprise) -> Result<(), Error> {
    validate::contract(&rules::ENTERPRISE_CREATE, e)
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
