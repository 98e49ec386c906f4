//! `client.documents`: upload a file (e.g. the signed LOA) and get its document id.

use napi::bindgen_prelude::{Buffer, Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::convert::convert;
use crate::models::Document;
use crate::promise;

/// Documents (`client.documents`).
#[napi]
pub struct Documents {
    inner: facade::Documents,
}

impl Documents {
    pub(crate) fn new(inner: facade::Documents) -> Self {
        Documents { inner }
    }
}

#[napi]
impl Documents {
    /// Upload `content` as `filename` (multipart); the result's `id` is what
    /// `enable(loaDocumentId, ..)` and `externalVerification.submit(documentIds)` take.
    #[napi]
    pub fn upload<'env>(
        &self,
        env: &'env Env,
        filename: String,
        content: Buffer,
    ) -> napi::Result<PromiseRaw<'env, Document>> {
        let inner = self.inner.clone();
        let content = content.to_vec();
        promise::spawn(
            env,
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
    ) -> napi::Result<PromiseRaw<'env, Document>> {
        let inner = self.inner.clone();
        let content = content.to_vec();
        promise::spawn(
            env,
            async move { inner.upload_json(filename, content).await },
            convert,
        )
    }
}
