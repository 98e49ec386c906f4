//! Documents: upload a file (the signed LOA, verification evidence) as multipart/form-data,
//! written by hand because the generated client only has the JSON variant of `POST /documents`.

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::multipart::{Form, Part};
use telnyx_reputation_api::types as g;

use crate::client::Client;
use crate::convert;
use crate::error::{from_response, from_transport, undecodable};
use crate::models::Document;
use crate::retry::{Op, RetryClass::NotIdempotent};
use crate::{Error, validate};

const UPLOAD: Op = Op::new("POST", "/documents", NotIdempotent);

/// Documents (`client.documents()`).
#[derive(Debug, Clone)]
pub struct Documents {
    client: Client,
}

impl Documents {
    pub(crate) fn new(client: Client) -> Self {
        Documents { client }
    }

    /// Upload a file as multipart/form-data (`file` part named `filename`); returns the
    /// stored document, whose `id` is what `loa_document_id` and `document_ids` take.
    pub async fn upload(
        &self,
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<Document, Error> {
        let filename = filename.into();
        let content = content.into();
        validate::non_empty("filename", &filename)?;
        if content.is_empty() {
            return Err(Error::invalid("content: the file is empty"));
        }
        let wrapped = self
            .client
            .run(UPLOAD, || upload_once(&self.client, &filename, &content))
            .await?;
        Ok(convert::document(wrapped.data))
    }
}

async fn upload_once(
    client: &Client,
    filename: &str,
    content: &Bytes,
) -> Result<g::DocumentWrapped, Error> {
    let api = client.api();
    let part = Part::bytes(content.to_vec())
        .file_name(filename.to_owned())
        .mime_str(mime_for(filename))
        .map_err(|e| from_transport(&e))?;
    let response = api
        .client()
        .post(format!("{}/documents", api.baseurl()))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .map_err(|e| from_transport(&e))?;
    if !response.status().is_success() {
        return Err(from_response(response).await);
    }
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| from_transport(&e))?;
    serde_json::from_slice(&body).map_err(|e| undecodable(status, e))
}

/// The content type to declare for `filename`, by extension.
fn mime_for(filename: &str) -> &'static str {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("tif" | "tiff") => "image/tiff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mime_by_extension() {
        assert_eq!(super::mime_for("loa.PDF"), "application/pdf");
        assert_eq!(super::mime_for("scan.jpeg"), "image/jpeg");
        assert_eq!(super::mime_for("README"), "application/octet-stream");
    }
}
