//! Document upload: `POST /documents` as multipart/form-data (`file` part, as the product
//! docs' `curl -F file=@loa.pdf`) or as the official SDKs' JSON with base64 `file`
//! (also reached as `/documents?content-type=multipart`, since routing ignores the query).
//! The stored document's id is what enable, LOA replace and external verification refer to.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorItem, codes, missing_item};
use crate::extract::BODY_LIMIT;
use crate::extract::{Account, JsonObject};
use crate::lookup::data;
use crate::model::Document;
use crate::state::AppState;
use crate::validate::{Checker, Rule};

#[derive(Debug, Default)]
struct Upload {
    bytes: Vec<u8>,
    filename: Option<String>,
    content_type: Option<String>,
    customer_reference: Option<String>,
}

/// POST /documents
pub async fn upload(
    State(app): State<AppState>,
    Account(key): Account,
    req: Request,
) -> Result<Response, ApiError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let upload = if content_type.starts_with("multipart/form-data") {
        read_multipart(Multipart::from_request(req, &app).await.map_err(|e| {
            ApiError::bad_request(format!("The multipart body could not be read: {e}."))
        })?)
        .await?
    } else {
        let bytes = Bytes::from_request(req, &app)
            .await
            .map_err(|_| ApiError::too_large(BODY_LIMIT))?;
        read_json(&JsonObject::parse(&bytes)?.0)?
    };
    if upload.bytes.is_empty() {
        return Err(ApiError::invalid("/file", "The uploaded file is empty."));
    }
    let sniffed = sniff(&upload.bytes);
    let content_type = upload
        .content_type
        .filter(|ct| ct != "application/octet-stream")
        .or_else(|| sniffed.map(|(ct, _)| ct.to_string()))
        .or_else(|| {
            upload
                .filename
                .as_deref()
                .and_then(by_extension)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "application/octet-stream".to_string());
    let filename = upload.filename.unwrap_or_else(|| {
        format!(
            "document{}",
            sniffed.map(|(_, ext)| ext).unwrap_or_default()
        )
    });
    let sha256 = Sha256::digest(&upload.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let view = app.with_account(&key, |acct, ctx| {
        let document = Document {
            id: acct.next_id(ctx.config.seed),
            filename,
            content_type,
            size: upload.bytes.len(),
            sha256,
            customer_reference: upload.customer_reference,
            created_at: ctx.now,
        };
        let view = document.to_json();
        acct.documents.insert(document.id.clone(), document);
        view
    });
    // 200, as the upstream spec declares for CreateDocument.
    Ok((StatusCode::OK, Json(data(view?))).into_response())
}

async fn read_multipart(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let malformed = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(format!("The multipart body could not be read: {e}."))
    };
    let mut upload = Upload::default();
    let mut saw_file = false;
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name().unwrap_or_default() {
            "file" => {
                saw_file = true;
                upload.filename = upload.filename.or(field.file_name().map(str::to_string));
                upload.content_type = field.content_type().map(str::to_string);
                upload.bytes = field.bytes().await.map_err(malformed)?.to_vec();
            }
            "filename" => upload.filename = Some(field.text().await.map_err(malformed)?),
            "customer_reference" => {
                upload.customer_reference = Some(field.text().await.map_err(malformed)?);
            }
            other => {
                return Err(ApiError::unprocessable(vec![
                    ErrorItem::new(
                        codes::BAD_REQUEST,
                        "Unknown field",
                        format!("The form field '{other}' is not recognised; send the content in 'file'."),
                    )
                    .at(format!("/{other}")),
                ]));
            }
        }
    }
    if !saw_file {
        return Err(ApiError::unprocessable(vec![missing_item("/file")]));
    }
    Ok(upload)
}

fn read_json(body: &Map<String, Value>) -> Result<Upload, ApiError> {
    let mut c = Checker::default();
    c.only(body, "", &["file", "filename", "customer_reference", "url"]);
    let filename = c.optional(body, "", "filename", Rule::Text).flatten();
    let customer_reference = c
        .optional(body, "", "customer_reference", Rule::Text)
        .flatten();
    let url = c.optional(body, "", "url", Rule::Text).flatten();
    let file = c.optional(body, "", "file", Rule::Text).flatten();
    c.finish()?;
    let Some(file) = file else {
        if url.is_some() {
            return Err(ApiError::invalid(
                "/url",
                "The emulator does not fetch remote URLs; send the content base64-encoded in 'file'.",
            ));
        }
        return Err(ApiError::unprocessable(vec![missing_item("/file")]));
    };
    let bytes = decode_base64(&file)
        .ok_or_else(|| ApiError::invalid("/file", "'file' is not valid base64."))?;
    Ok(Upload {
        bytes,
        filename,
        content_type: None,
        customer_reference,
    })
}

/// Decode standard or URL-safe base64, padded or not, ignoring line breaks and a
/// `data:...;base64,` prefix.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text
        .split_once(";base64,")
        .filter(|(head, _)| head.starts_with("data:"))
        .map_or(text, |(_, rest)| rest);
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(&compact).ok())
}

fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF") {
        Some(("application/pdf", ".pdf"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", ".png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", ".jpg"))
    } else {
        None
    }
}

fn by_extension(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "txt" => "text/plain",
        "tif" | "tiff" => "image/tiff",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_variants() {
        assert_eq!(decode_base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(
            decode_base64("data:application/pdf;base64,aGk=").as_deref(),
            Some(&b"hi"[..])
        );
        assert!(decode_base64("not base64!").is_none());
    }
}
