//! External verification: submit, review over time, resubmission rules, REJECT trigger.

use reqwest::Method;
use serde_json::json;

use crate::common::{first_error, instant, manual, pointers, start};

#[tokio::test]
async fn submit_review_and_lock() {
    let emu = start(manual()).await;
    let id = emu.enabled_enterprise("k", "External Numbers LLC").await;
    let path = format!("/enterprises/{id}/reputation/external_verification");
    let (status, _) = emu.get("k", &path).await;
    assert_eq!(status, 404, "nothing submitted yet");

    let invoice = emu
        .upload_json("k", "carrier-invoice.pdf", b"%PDF invoice")
        .await;
    let (status, body) = emu
        .post(
            "k",
            &path,
            json!({ "document_ids": [invoice], "phone_numbers": ["+12025550000"] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let v = &body["data"];
    assert_eq!(v["status"], "pending");
    assert_eq!(v["enterprise_id"], id);
    assert_eq!(v["document_ids"], json!([invoice]));
    assert_eq!(v["phone_numbers"], json!(["+12025550000"]));
    assert!(v["submitted_at"].is_string());
    assert!(v["reviewed_at"].is_null());
    let (_, settings) = emu.get("k", &format!("/enterprises/{id}/reputation")).await;
    assert_eq!(settings["data"]["external_verification_status"], "pending");

    // Resubmitting while pending replaces the documents.
    let second = emu.upload_json("k", "invoice-2.pdf", b"%PDF 2").await;
    let (status, body) = emu
        .post("k", &path, json!({ "document_ids": [second] }))
        .await;
    assert_eq!(status, 201);
    assert_eq!(body["data"]["document_ids"], json!([second]));

    let (status, body) = emu
        .admin(
            Method::POST,
            "/gates?api_key=k",
            Some(json!({ "enterprise_id": id, "external_verification_status": "approved" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "approved");
    assert!(body["data"]["reviewed_at"].is_string());
    let (status, body) = emu
        .post("k", &path, json!({ "document_ids": [second] }))
        .await;
    assert_eq!(status, 400);
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("approved")
    );
}

#[tokio::test]
async fn validation_and_reject_trigger() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Verify Me LLC").await;
    let path = format!("/enterprises/{id}/reputation/external_verification");
    let (status, body) = emu.post("k", &path, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/document_ids"]);
    let (status, body) = emu.post("k", &path, json!({ "document_ids": [] })).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/document_ids"]);
    let known = emu.upload_json("k", "ok.pdf", b"%PDF").await;
    let (status, body) = emu
        .post(
            "k",
            &path,
            json!({ "document_ids": [known, "missing"], "phone_numbers": ["+4420"] }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/document_ids/1", "/phone_numbers/0"]);
    let (status, _) = emu
        .post(
            "k",
            "/enterprises/missing/reputation/external_verification",
            json!({ "document_ids": [known] }),
        )
        .await;
    assert_eq!(status, 404);

    let bad = emu.upload_json("k", "REJECT-invoice.pdf", b"%PDF").await;
    let (status, _) = emu.post("k", &path, json!({ "document_ids": [bad] })).await;
    assert_eq!(status, 201);
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "rejected");
    assert!(body["data"]["rejection_reason"].is_string());
    // Rejected may be resubmitted.
    let (status, _) = emu
        .post("k", &path, json!({ "document_ids": [known] }))
        .await;
    assert_eq!(status, 201);
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "approved");
}
