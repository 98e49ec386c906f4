//! LOA rendering (a real PDF from the enterprise record) and replacement rules.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{assert_valid_pdf, first_error, instant, pdf_contains, pointers, start};

/// A 3x2 RGBA PNG (one transparent pixel), encoded with the png crate's format by hand.
fn tiny_png() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }
    let mut raw = Vec::new();
    for _ in 0..2 {
        raw.push(0);
        raw.extend_from_slice(&[0, 0, 0, 255, 10, 20, 30, 255, 255, 255, 255, 0]);
    }
    let mut idat = vec![0x78, 0x01, 1];
    idat.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    idat.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    idat.extend_from_slice(&raw);
    idat.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&3u32.to_be_bytes());
    ihdr.extend_from_slice(&2u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// The smallest JPEG header the renderer needs: SOI, SOF0 (16x8, 3 components), SOS.
fn tiny_jpeg() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    jpeg.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    jpeg.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x11, 8, 0, 8, 0, 16, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0,
    ]);
    jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0xFF, 0xD9]);
    jpeg
}

fn agent() -> Value {
    json!({
        "legal_name": "Reseller LLC", "dba": "Reseller", "street_address": "500 Market St",
        "extended_address": "Suite 200", "city": "San Francisco", "administrative_area": "CA",
        "postal_code": "94105", "country": "US", "contact_name": "Pat Partner",
        "contact_title": "Account Manager", "contact_email": "pat@reseller.com",
        "contact_phone": "+13125550000"
    })
}

async fn render(emu: &crate::common::Emu, id: &str, body: Value) -> (u16, String, Vec<u8>) {
    let response = emu
        .http
        .post(emu.url(&format!("/enterprises/{id}/reputation/loa")))
        .bearer_auth("k")
        .header("Accept", "application/pdf")
        .json(&body)
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        content_type,
        response.bytes().await.expect("body").to_vec(),
    )
}

#[tokio::test]
async fn unsigned_loa_is_a_valid_pdf_filled_from_the_enterprise() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let (status, content_type, pdf) = render(&emu, &id, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/pdf");
    assert_valid_pdf(&pdf);
    for text in [
        "(Acme Plumbing LLC)",
        "(Acme Plumbing)",
        "(100 Main St)",
        "(Chicago, IL 60601, US)",
        "(12-3456789)",
        "(Sam Owner, Compliance Lead)",
        "(Signature)",
    ] {
        assert!(pdf_contains(&pdf, text), "{text}");
    }
    assert!(
        !pdf_contains(&pdf, "/XObject"),
        "no signature image when unsigned"
    );
    assert!(
        !pdf_contains(&pdf, "Reseller"),
        "no agent block without agent"
    );
    // Rendering is free.
    assert_eq!(emu.ledger("k").await["total"], 0);
    // A bodyless render (no Content-Type) works too.
    let response = emu
        .http
        .post(emu.url(&format!("/enterprises/{id}/reputation/loa")))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn agent_block_and_png_signature_are_embedded() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let image = base64::engine::general_purpose::STANDARD.encode(tiny_png());
    let body = json!({ "agent": agent(), "signature": { "image_base64": image, "signer_name": "Jane Smith" } });
    let (status, _, pdf) = render(&emu, &id, body).await;
    assert_eq!(status, 200);
    assert_valid_pdf(&pdf);
    for text in [
        "(Reseller LLC)",
        "(Pat Partner, Account Manager)",
        "(Jane Smith)",
        "/XObject",
        "/SMask",
        "/Im1 Do",
    ] {
        assert!(pdf_contains(&pdf, text), "{text}");
    }

    let image = base64::engine::general_purpose::STANDARD.encode(tiny_jpeg());
    let (status, _, pdf) =
        render(&emu, &id, json!({ "signature": { "image_base64": image } })).await;
    assert_eq!(status, 200);
    assert_valid_pdf(&pdf);
    assert!(pdf_contains(&pdf, "/DCTDecode"));
    assert!(
        pdf_contains(&pdf, "(Sam Owner)"),
        "printed name falls back to the contact"
    );
}

#[tokio::test]
async fn invalid_agent_or_signature_is_422() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let mut bad_agent = agent();
    bad_agent
        .as_object_mut()
        .expect("object")
        .remove("contact_email");
    bad_agent["contact_phone"] = json!("555-0000");
    let (status, reply) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/loa"),
            json!({ "agent": bad_agent }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        pointers(&reply),
        vec!["/agent/contact_email", "/agent/contact_phone"]
    );

    for image in ["bm90IGFuIGltYWdl", "%%%"] {
        let (status, reply) = emu
            .post(
                "k",
                &format!("/enterprises/{id}/reputation/loa"),
                json!({ "signature": { "image_base64": image } }),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(
            first_error(&reply)["source"]["pointer"],
            "/signature/image_base64"
        );
    }
    let (status, reply) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/loa"),
            json!({ "signature": {} }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&reply), vec!["/signature/image_base64"]);
    let (status, _) = emu
        .call(
            Some("k"),
            Method::POST,
            "/enterprises/unknown/reputation/loa",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn loa_replace_resets_review_and_is_locked_once_approved() {
    let emu = start(crate::common::manual()).await;
    let id = emu.enabled_enterprise("k", "Acme Plumbing LLC").await;
    let replacement = emu.upload_json("k", "loa-v2.pdf", b"%PDF-1.7 v2").await;
    let path = format!("/enterprises/{id}/reputation/loa");
    let (status, body) = emu
        .patch("k", &path, json!({ "loa_document_id": replacement }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["loa_document_id"], replacement);
    assert_eq!(body["data"]["loa_status"], "pending");

    let (status, body) = emu.patch("k", &path, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/loa_document_id"]);
    let (status, body) = emu
        .patch("k", &path, json!({ "loa_document_id": "nope" }))
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/loa_document_id"]);

    emu.admin(
        Method::POST,
        "/gates?api_key=k",
        Some(json!({ "enterprise_id": id, "loa_status": "approved" })),
    )
    .await;
    let (status, body) = emu
        .patch("k", &path, json!({ "loa_document_id": replacement }))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        first_error(&body)["detail"],
        "The authorization document cannot be changed after it has been approved."
    );
    let other = emu.create_enterprise("k", "Not Enabled LLC").await;
    let (status, _) = emu
        .patch(
            "k",
            &format!("/enterprises/{other}/reputation/loa"),
            json!({ "loa_document_id": replacement }),
        )
        .await;
    assert_eq!(status, 404);
}
