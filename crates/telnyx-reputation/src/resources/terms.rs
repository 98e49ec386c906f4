//! Terms of service: agree to the Number Reputation terms, read the agreement status and the
//! current terms, list and get recorded agreements.

use futures::FutureExt;
use telnyx_reputation_api::types as g;

use super::non_zero;
use crate::client::{Client, send, send_any_2xx};
use crate::convert;
use crate::enums::ProductType;
use crate::models::{Page, TermsInfo, TosAgreement, TosStatus};
use crate::operations::{
    TOS_AGREE as AGREE, TOS_AGREEMENT as GET_AGREEMENT, TOS_AGREEMENTS as LIST_AGREEMENTS,
    TOS_INFO as INFO, TOS_STATUS as STATUS,
};
use crate::pager::{ListQuery, Pager};
use crate::{Error, validate};

/// Terms of service (`client.terms_of_service()`).
#[derive(Debug, Clone)]
pub struct TermsOfService {
    client: Client,
}

impl TermsOfService {
    pub(crate) fn new(client: Client) -> Self {
        TermsOfService { client }
    }

    /// Agree to the current Number Reputation terms (idempotent; required before enabling).
    pub async fn agree_number_reputation(&self) -> Result<TosAgreement, Error> {
        let api = self.client.api();
        let wrapped = self
            .client
            .run(AGREE, move || {
                send_any_2xx(api.agree_number_reputation_terms().send())
            })
            .await?;
        Ok(convert::agreement(wrapped.data))
    }

    /// Whether the account agreed to `product`'s current terms.
    pub async fn status(&self, product: ProductType) -> Result<TosStatus, Error> {
        let api = self.client.api();
        let wire = g::TosProductType(product.as_str().to_owned());
        let wrapped = self
            .client
            .run(STATUS, move || {
                send(
                    api.get_terms_of_service_status()
                        .product_type(wire.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::tos_status(wrapped.data))
    }

    /// The current terms, of one product or (with `None`) of every product.
    pub async fn info(&self, product: Option<ProductType>) -> Result<Vec<TermsInfo>, Error> {
        let api = self.client.api();
        let wire = product.map(|p| g::TosProductType(p.as_str().to_owned()));
        let info = self
            .client
            .run(INFO, move || {
                let mut call = api.get_terms_of_service_info();
                if let Some(p) = &wire {
                    call = call.product_type(p.clone());
                }
                send(call.send())
            })
            .await?;
        Ok(info
            .agreements
            .into_iter()
            .map(convert::terms_info)
            .collect())
    }

    /// Recorded agreements.
    pub fn agreements(&self) -> Agreements {
        Agreements {
            client: self.client.clone(),
        }
    }
}

/// Recorded terms-of-service agreements (`client.terms_of_service().agreements()`).
#[derive(Debug, Clone)]
pub struct Agreements {
    client: Client,
}

impl Agreements {
    /// Agreements, paged; filter with [`Pager::product_type`] (the server defaults to
    /// `branded_calling`).
    pub fn list(&self) -> Pager<TosAgreement> {
        let client = self.client.clone();
        Pager::new(move |query| list_page(client.clone(), query).boxed())
    }

    /// One agreement by id.
    pub async fn get(&self, agreement_id: impl Into<String>) -> Result<TosAgreement, Error> {
        let id = validate::uuid("agreement_id", &agreement_id.into())?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(GET_AGREEMENT, || {
                send(api.get_terms_of_service_agreement().agreement_id(id).send())
            })
            .await?;
        Ok(convert::agreement(wrapped.data))
    }
}

async fn list_page(client: Client, query: ListQuery) -> Result<Page<TosAgreement>, Error> {
    let api = client.api();
    let list = client
        .run(LIST_AGREEMENTS, || {
            let mut call = api
                .list_terms_of_service_agreements()
                .page_number(non_zero(query.page_number));
            if let Some(size) = query.page_size {
                call = call.page_size(non_zero(size.into()));
            }
            if let Some(p) = &query.agreements.product_type {
                call = call.product_type(g::TosProductType(p.as_str().to_owned()));
            }
            send(call.send())
        })
        .await?;
    Ok(Page {
        items: list.data.into_iter().map(convert::agreement).collect(),
        meta: convert::meta(list.meta),
    })
}

impl TermsOfService {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}

impl Agreements {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}
