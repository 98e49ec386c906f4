//! `client.documents`: upload a file (e.g. the signed LOA) and get its document id.

use napi::bindgen_prelude::{Buffer, Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::convert::convert;
use crate::models::Document;
use crate::promise::{self, RequestOptions, WithExtras};

/// Documents (`client.documents`).
#[napi]
pub struct Documents {
    inner: facade::Documents,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl Documents {
    pub(crate) fn new(inner: facade::Documents) -> Self {
        Documents { inner, raw: false }
    }
}

#[napi]
impl Documents {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Documents>")]
    pub fn with_raw_response(&self) -> Documents {
        Documents {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Upload `content` as `filename` (multipart); the result's `id` is what
    /// `enable(loaDocumentId, ..)` and `externalVerification.submit(documentIds)` take.
    #[napi]
    pub fn upload<'env>(
        &self,
        env: &'env Env,
        filename: String,
        content: Buffer,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Document>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let content = content.to_vec();
        promise::spawn(
            env,
            self.raw,
            async move { inner.upload(filename, content).await },
            convert,
        )
    }

    /// Upload `content` base64-encoded in a JSON body, on the route the official SDKs use;
    /// prefer `upload`, which sends a third fewer bytes.
    #[napi]
    pub fn upload_json<'env>(
        &self,
        env: &'env Env,
        filename: String,
        content: Buffer,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Document>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let content = content.to_vec();
        promise::spawn(
            env,
            self.raw,
            async move { inner.upload_json(filename, content).await },
            convert,
        )
    }
}
