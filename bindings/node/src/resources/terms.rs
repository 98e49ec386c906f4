//! `client.termsOfService`: agree, status, info, and the recorded agreements.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use serde::Serialize;

use crate::convert::{convert, convert_all, parse, via_serde};
use crate::models::{TermsInfo, TosAgreement, TosStatus};
use crate::pager::AgreementPager;
use crate::promise::{self, RequestOptions, WithExtras};

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
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl TermsOfService {
    pub(crate) fn new(inner: facade::TermsOfService) -> Self {
        TermsOfService { inner, raw: false }
    }
}

#[napi]
impl TermsOfService {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<TermsOfService>")]
    pub fn with_raw_response(&self) -> TermsOfService {
        TermsOfService {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Agree to the current Number Reputation terms (required before enabling).
    #[napi]
    pub fn agree_number_reputation<'env>(
        &self,
        env: &'env Env,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, TosAgreement>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
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
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, TosStatus>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move {
            let product = product_type.parse::<facade::ProductType>()?;
            inner.status(product).await
        };
        promise::spawn(env, self.raw, future, convert)
    }

    /// The current terms of one product, or of every product when left out.
    #[napi]
    pub fn info<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "'branded_calling' | 'number_reputation' | undefined | null")]
        product_type: Option<String>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Vec<TermsInfo>>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move { inner.info(parse(product_type.as_deref())?).await };
        promise::spawn(env, self.raw, future, convert_all)
    }

    /// Recorded agreements.
    #[napi(getter)]
    pub fn agreements(&self) -> Agreements {
        Agreements {
            inner: self.inner.agreements(),
            raw: self.raw,
        }
    }
}

/// Recorded agreements (`client.termsOfService.agreements`).
#[napi]
pub struct Agreements {
    inner: facade::Agreements,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

#[napi]
impl Agreements {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Agreements>")]
    pub fn with_raw_response(&self) -> Agreements {
        Agreements {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Agreements, paged (no I/O until iterated).
    #[napi]
    pub fn list(
        &self,
        env: Env,
        options: Option<AgreementListOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<AgreementPager> {
        let options = options.unwrap_or_default();
        let inner = self.inner.with_extras(&env, request_options)?;
        let built = via_serde(&options).map(|filter| inner.list().filter(filter));
        Ok(AgreementPager::new(built))
    }

    /// One agreement by id.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        agreement_id: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, TosAgreement>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.get(agreement_id).await },
            convert,
        )
    }
}
