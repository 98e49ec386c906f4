//! Document upload: multipart (as curl -F sends it) and the SDKs' base64 JSON.

use base64::Engine;
use serde_json::json;
use sha2::Digest;

use crate::common::{first_error, instant, start};

#[tokio::test]
async fn multipart_upload() {
    let emu = start(instant()).await;
    let content = b"%PDF-1.7\nsigned letter".to_vec();
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(content.clone())
                .file_name("loa.pdf")
                .mime_str("application/pdf")
                .expect("mime"),
        )
        .text("customer_reference", "ref-42");
    let response = emu
        .http
        .post(emu.url("/documents"))
        .bearer_auth("k")
        .multipart(form)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    let d = &body["data"];
    assert!(uuid::Uuid::parse_str(d["id"].as_str().unwrap_or_default()).is_ok());
    assert_eq!(d["filename"], "loa.pdf");
    assert_eq!(d["content_type"], "application/pdf");
    assert_eq!(
        d["size"],
        json!({ "amount": content.len(), "unit": "bytes" })
    );
    let digest: String = sha2::Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(d["sha256"], digest);
    assert_eq!(d["status"], "pending");
    assert_eq!(d["customer_reference"], "ref-42");
    assert_eq!(d["record_type"], "document");
    assert!(d["created_at"].is_string() && d["updated_at"].is_string());
}

#[tokio::test]
async fn json_base64_upload_on_both_paths() {
    let emu = start(instant()).await;
    let file = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\nrest");
    for path in ["/documents", "/documents?content-type=multipart"] {
        let (status, body) = emu
            .post(
                "k",
                path,
                json!({ "file": file, "customer_reference": "abc" }),
            )
            .await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["data"]["content_type"], "image/png");
        assert_eq!(body["data"]["filename"], "document.png");
        assert_eq!(body["data"]["size"]["amount"], 12);
    }
}

#[tokio::test]
async fn bad_uploads_are_422_at_file() {
    let emu = start(instant()).await;
    for body in [
        json!({ "file": "" }),
        json!({ "file": "!!! not base64 !!!" }),
        json!({ "filename": "x.pdf" }),
        json!({ "file": base64::engine::general_purpose::STANDARD.encode(b"") + "=" }),
    ] {
        let (status, reply) = emu.post("k", "/documents", body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(first_error(&reply)["source"]["pointer"], "/file", "{body}");
    }
    let (status, reply) = emu
        .post(
            "k",
            "/documents",
            json!({ "url": "https://example.com/loa.pdf" }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(first_error(&reply)["source"]["pointer"], "/url");

    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(Vec::new()).file_name("e.pdf"),
    );
    let response = emu
        .http
        .post(emu.url("/documents"))
        .bearer_auth("k")
        .multipart(form)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 422);
    let form = reqwest::multipart::Form::new().text("customer_reference", "no file");
    let response = emu
        .http
        .post(emu.url("/documents"))
        .bearer_auth("k")
        .multipart(form)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 422);
}

#[tokio::test]
async fn uploaded_documents_are_usable_as_loa_references() {
    let emu = start(instant()).await;
    let id = emu.upload_json("k", "loa.pdf", b"%PDF-1.7").await;
    // The document id is usable right away as an LOA reference.
    emu.post("k", "/terms_of_service/number_reputation/agree", json!({}))
        .await;
    let enterprise = emu.create_enterprise("k", "Doc Check LLC").await;
    let (status, _) = emu
        .post(
            "k",
            &format!("/enterprises/{enterprise}/reputation"),
            json!({ "loa_document_id": id }),
        )
        .await;
    assert_eq!(status, 201);
}
