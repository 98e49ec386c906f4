//! Documents: upload a file (the signed LOA, verification evidence) as multipart/form-data,
//! written by hand because the generated client only has the JSON variant of `POST /documents`,
//! or as base64 JSON on the route the official SDKs use.

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::multipart::{Form, Part};
use telnyx_reputation_api::types as g;

use crate::client::{Client, send_any_2xx};
use crate::convert;
use crate::error::{decode_error, from_response, from_transport};
use crate::models::Document;
use crate::operations::{DOCUMENT_UPLOAD as UPLOAD, DOCUMENT_UPLOAD_JSON as UPLOAD_JSON};
use crate::{Error, validate};

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
        let (filename, content) = checked_file(filename.into(), content.into())?;
        let wrapped = self
            .client
            .run(UPLOAD, || upload_once(&self.client, &filename, &content))
            .await?;
        Ok(convert::document(wrapped.data))
    }

    /// Upload a file base64-encoded in a JSON body, on the route the official SDKs post to
    /// (`POST /documents?content-type=multipart`). Prefer [`Documents::upload`]: multipart
    /// sends a third fewer bytes; this exists for proxies that refuse multipart bodies.
    pub async fn upload_json(
        &self,
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<Document, Error> {
        use base64::Engine as _;
        let (filename, content) = checked_file(filename.into(), content.into())?;
        let body = g::DocumentUploadJson {
            customer_reference: None,
            file: Some(base64::engine::general_purpose::STANDARD.encode(&content)),
            filename: Some(filename),
            url: None,
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(UPLOAD_JSON, || {
                send_any_2xx(api.upload_document_json().body(body.clone()).send())
            })
            .await?;
        Ok(convert::document(wrapped.data))
    }
}

/// Both uploads refuse an unnamed or empty file before any I/O.
fn checked_file(filename: String, content: Bytes) -> Result<(String, Bytes), Error> {
    validate::non_empty("filename", &filename)?;
    if content.is_empty() {
        return Err(Error::invalid("content: the file is empty"));
    }
    Ok((filename, content))
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
    let mut request = api
        .client()
        .post(format!("{}/documents", api.baseurl()))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .multipart(Form::new().part("file", part))
        .build()
        .map_err(|e| from_transport(&e))?;
    // The per-call extras (checked before any I/O), as the generated calls add them.
    telnyx_reputation_api::apply_request_extras(&mut request).map_err(Error::invalid)?;
    let response = api
        .client()
        .execute(request)
        .await
        .map_err(|e| from_transport(&e))?;
    if !response.status().is_success() {
        return Err(from_response(response).await);
    }
    let status = response.status().as_u16();
    crate::request_options::record_answer(status, response.headers());
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.map_err(|e| from_transport(&e))?;
    serde_json::from_slice(&body)
        .map_err(|e| decode_error(Some(status), request_id.as_deref(), e, &body))
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

impl Documents {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
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
