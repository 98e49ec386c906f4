//! `rep.loa`: render the pre-filled Letter of Authorization, replace the signed one.

use napi::bindgen_prelude::{Buffer, Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::convert::convert;
use crate::models::{LoaRenderOptions, ReputationSettings};
use crate::promise;

/// The enterprise's LOA (`rep.loa`).
#[napi]
pub struct Loa {
    inner: facade::Loa,
}

impl Loa {
    pub(crate) fn new(inner: facade::Loa) -> Self {
        Loa { inner }
    }
}

#[napi]
impl Loa {
    /// Render the LOA as PDF bytes (not billable); unsigned without a `signature`.
    #[napi]
    pub fn render<'env>(
        &self,
        env: &'env Env,
        options: Option<LoaRenderOptions>,
    ) -> napi::Result<PromiseRaw<'env, Buffer>> {
        let inner = self.inner.clone();
        let future = async move {
            let options = match options {
                Some(options) => convert(options)?,
                None => facade::LoaRenderOptions::default(),
            };
            inner.render(options).await
        };
        promise::spawn(env, future, |pdf| Ok(Buffer::from(pdf.to_vec())))
    }

    /// Point the settings at a new signed LOA document; `loaStatus` goes back to `pending`.
    #[napi]
    pub fn replace<'env>(
        &self,
        env: &'env Env,
        document_id: String,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        let inner = self.inner.clone();
        promise::spawn(env, async move { inner.replace(document_id).await }, |s| {
            convert(s)
        })
    }
}
