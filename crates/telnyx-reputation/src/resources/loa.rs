//! The Letter of Authorization: render the pre-filled PDF (not billable) and point the
//! settings at a newly signed and uploaded copy.

use bytes::{Bytes, BytesMut};
use futures::TryStreamExt;
use progenitor_client::ByteStream;
use telnyx_reputation_api::rules;
use telnyx_reputation_api::types as g;
use uuid::Uuid;

use crate::client::{Client, send};
use crate::convert;
use crate::error::from_transport;
use crate::models::{LoaRenderOptions, ReputationSettings};
use crate::operations::{LOA_RENDER as RENDER, LOA_REPLACE as REPLACE};
use crate::{Error, validate};

/// The enterprise's LOA (`client.reputation(id).loa()`).
#[derive(Debug, Clone)]
pub struct Loa {
    client: Client,
    enterprise_id: String,
}

impl Loa {
    pub(crate) fn new(client: Client, enterprise_id: String) -> Self {
        Loa {
            client,
            enterprise_id,
        }
    }

    fn id(&self) -> Result<Uuid, Error> {
        validate::uuid("enterprise_id", &self.enterprise_id)
    }

    /// Render the LOA as PDF bytes, pre-filled from the enterprise record.
    pub async fn render(&self, options: LoaRenderOptions) -> Result<Bytes, Error> {
        let id = self.id()?;
        validate::contract(&rules::LOA_RENDER_REQUEST, &options)?;
        let body: g::LoaRenderRequest = convert::request_body("loa", &options)?;
        let api = self.client.api();
        self.client
            .run(RENDER, || {
                let call = api.render_loa().enterprise_id(id).body(body.clone()).send();
                async move { read_all(send(call).await?).await }
            })
            .await
    }

    /// Point the settings at a new signed LOA document; `loa_status` goes back to `pending`.
    pub async fn replace(
        &self,
        document_id: impl Into<String>,
    ) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        let body = g::ReplaceLoaRequest {
            loa_document_id: validate::document_id("document_id", &document_id.into())?
                .try_into()
                .map_err(|e| Error::invalid(format!("document_id: {e}")))?,
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(REPLACE, || {
                send(
                    api.replace_loa()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::settings(wrapped.data))
    }
}

/// Read a whole response body.
async fn read_all(stream: ByteStream) -> Result<Bytes, Error> {
    let buffer = stream
        .into_inner()
        .try_fold(BytesMut::new(), |mut buffer, chunk| async move {
            buffer.extend_from_slice(&chunk);
            Ok(buffer)
        })
        .await
        .map_err(|e| from_transport(&e))?;
    Ok(buffer.freeze())
}

impl Loa {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}
