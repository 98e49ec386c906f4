//! `rep.externalVerification`: submit ownership evidence for external numbers, read it back.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::convert::convert;
use crate::models::ExternalVerification;
use crate::promise;

/// External verification of one enterprise (`rep.externalVerification`).
#[napi]
pub struct ExternalVerifications {
    inner: facade::ExternalVerifications,
}

impl ExternalVerifications {
    pub(crate) fn new(inner: facade::ExternalVerifications) -> Self {
        ExternalVerifications { inner }
    }
}

#[napi]
impl ExternalVerifications {
    /// Submit uploaded evidence documents (at least one), optionally naming the numbers
    /// they cover.
    #[napi]
    pub fn submit<'env>(
        &self,
        env: &'env Env,
        document_ids: Vec<String>,
        phone_numbers: Option<Vec<String>>,
    ) -> napi::Result<PromiseRaw<'env, ExternalVerification>> {
        let inner = self.inner.clone();
        let future = async move { inner.submit(document_ids, phone_numbers).await };
        promise::spawn(env, future, convert)
    }

    /// The current verification state.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, ExternalVerification>> {
        let inner = self.inner.clone();
        promise::spawn(env, async move { inner.get().await }, convert)
    }
}
