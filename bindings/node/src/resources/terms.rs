//! `client.termsOfService`: agree, status, info, and the recorded agreements.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use serde::Serialize;

use crate::convert::{convert, convert_all, parse, via_serde};
use crate::models::{TermsInfo, TosAgreement, TosStatus};
use crate::pager::AgreementPager;
use crate::promise;

/// Filters and page size of `termsOfService.agreements.list(..)`.
#[napi(object)]
#[derive(Default, Serialize)]
pub struct AgreementListOptions {
    /// Items per page, 1 to 250.
    pub page_size: Option<u32>,
    /// `number_reputation` or `branded_calling` (the server defaults to `branded_calling`).
    #[napi(ts_type = "'branded_calling' | 'number_reputation'")]
    pub product_type: Option<String>,
}

/// Terms of service (`client.termsOfService`).
#[napi]
pub struct TermsOfService {
    inner: facade::TermsOfService,
}

impl TermsOfService {
    pub(crate) fn new(inner: facade::TermsOfService) -> Self {
        TermsOfService { inner }
    }
}

#[napi]
impl TermsOfService {
    /// Agree to the current Number Reputation terms (required before enabling).
    #[napi]
    pub fn agree_number_reputation<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, TosAgreement>> {
        let inner = self.inner.clone();
        promise::spawn(
            env,
            async move { inner.agree_number_reputation().await },
            convert,
        )
    }

    /// Whether the account agreed to `productType`'s current terms
    /// (`number_reputation` or `branded_calling`).
    #[napi]
    pub fn status<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "'branded_calling' | 'number_reputation'")] product_type: String,
    ) -> napi::Result<PromiseRaw<'env, TosStatus>> {
        let inner = self.inner.clone();
        let future = async move {
            let product = product_type.parse::<facade::ProductType>()?;
            inner.status(product).await
        };
        promise::spawn(env, future, convert)
    }

    /// The current terms of one product, or of every product when left out.
    #[napi]
    pub fn info<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "'branded_calling' | 'number_reputation' | undefined | null")]
        product_type: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Vec<TermsInfo>>> {
        let inner = self.inner.clone();
        let future = async move { inner.info(parse(product_type.as_deref())?).await };
        promise::spawn(env, future, convert_all)
    }

    /// Recorded agreements.
    #[napi(getter)]
    pub fn agreements(&self) -> Agreements {
        Agreements {
            inner: self.inner.agreements(),
        }
    }
}

/// Recorded agreements (`client.termsOfService.agreements`).
#[napi]
pub struct Agreements {
    inner: facade::Agreements,
}

#[napi]
impl Agreements {
    /// Agreements, paged (no I/O until iterated).
    #[napi]
    pub fn list(&self, options: Option<AgreementListOptions>) -> AgreementPager {
        let options = options.unwrap_or_default();
        let built = via_serde(&options).map(|filter| self.inner.list().filter(filter));
        AgreementPager::new(built)
    }

    /// One agreement by id.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        agreement_id: String,
    ) -> napi::Result<PromiseRaw<'env, TosAgreement>> {
        let inner = self.inner.clone();
        promise::spawn(env, async move { inner.get(agreement_id).await }, |a| {
            convert(a)
        })
    }
}
