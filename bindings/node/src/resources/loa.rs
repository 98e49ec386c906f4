//! `rep.loa`: render the pre-filled Letter of Authorization, replace the signed one.

use napi::bindgen_prelude::{Buffer, Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::convert::convert;
use crate::models::{LoaRenderOptions, ReputationSettings};
use crate::promise::{self, RequestOptions, WithExtras};

/// The enterprise's LOA (`rep.loa`).
#[napi]
pub struct Loa {
    inner: facade::Loa,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl Loa {
    pub(crate) fn new(inner: facade::Loa) -> Self {
        Loa { inner, raw: false }
    }

    /// This handle, raw when `raw` is (a raw handle's sub-handles are raw too).
    pub(crate) fn raw_if(mut self, raw: bool) -> Self {
        self.raw = raw;
        self
    }
}

#[napi]
impl Loa {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Loa>")]
    pub fn with_raw_response(&self) -> Loa {
        Loa {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Render the LOA as PDF bytes (not billable); unsigned without a `signature`.
    #[napi]
    pub fn render<'env>(
        &self,
        env: &'env Env,
        options: Option<LoaRenderOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Buffer>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move {
            let options = match options {
                Some(options) => convert(options)?,
                None => facade::LoaRenderOptions::default(),
            };
            inner.render(options).await
        };
        promise::spawn(env, self.raw, future, |pdf| Ok(Buffer::from(pdf.to_vec())))
    }

    /// Point the settings at a new signed LOA document; `loaStatus` goes back to `pending`.
    #[napi]
    pub fn replace<'env>(
        &self,
        env: &'env Env,
        document_id: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.replace(document_id).await },
            convert,
        )
    }
}
