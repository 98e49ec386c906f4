//! `rep.externalVerification`: submit ownership evidence for external numbers, read it back.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::convert::convert;
use crate::models::ExternalVerification;
use crate::promise::{self, RequestOptions, WithExtras};

/// External verification of one enterprise (`rep.externalVerification`).
#[napi]
pub struct ExternalVerifications {
    inner: facade::ExternalVerifications,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl ExternalVerifications {
    pub(crate) fn new(inner: facade::ExternalVerifications) -> Self {
        ExternalVerifications { inner, raw: false }
    }

    /// This handle, raw when `raw` is (a raw handle's sub-handles are raw too).
    pub(crate) fn raw_if(mut self, raw: bool) -> Self {
        self.raw = raw;
        self
    }
}

#[napi]
impl ExternalVerifications {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<ExternalVerifications>")]
    pub fn with_raw_response(&self) -> ExternalVerifications {
        ExternalVerifications {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Submit uploaded evidence documents (at least one), optionally naming the numbers
    /// they cover.
    #[napi]
    pub fn submit<'env>(
        &self,
        env: &'env Env,
        document_ids: Vec<String>,
        phone_numbers: Option<Vec<String>>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ExternalVerification>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move { inner.submit(document_ids, phone_numbers).await };
        promise::spawn(env, self.raw, future, convert)
    }

    /// The current verification state.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ExternalVerification>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(env, self.raw, async move { inner.get().await }, convert)
    }
}
