//! Reputation settings: enable rules, the two gates over time, triggers, frequency,
//! webhook, disable.

use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{first_error, instant, manual, pointers, start};

#[tokio::test]
async fn enable_starts_pending_and_both_gates_approve_after_the_delay() {
    let emu = start(ApprovalDelay::After(Duration::from_millis(300))).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    emu.post("k", "/terms_of_service/number_reputation/agree", json!({}))
        .await;
    let document = emu.upload_json("k", "loa.pdf", b"%PDF-1.7").await;
    let path = format!("/enterprises/{id}/reputation");
    let (status, _) = emu.get("k", &path).await;
    assert_eq!(status, 404, "settings do not exist before enable");

    let (status, body) = emu
        .post("k", &path, json!({ "loa_document_id": document }))
        .await;
    assert_eq!(status, 201);
    let s = &body["data"];
    assert_eq!(s["status"], "pending");
    assert_eq!(s["loa_status"], "pending");
    assert_eq!(s["check_frequency"], "business_daily");
    assert_eq!(s["loa_document_id"], document);
    assert_eq!(s["enterprise_id"], id);
    assert!(s["rejection_reasons"].is_null());
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "pending");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "approved");
    assert_eq!(body["data"]["loa_status"], "approved");
    assert_eq!(emu.ledger("k").await["enable"], 1);
}

#[tokio::test]
async fn virtual_clock_drives_long_delays() {
    let emu = start(ApprovalDelay::After(Duration::from_secs(3600))).await;
    let id = emu.enabled_enterprise("k", "Slow Review LLC").await;
    let path = format!("/enterprises/{id}/reputation");
    let (status, body) = emu
        .admin(
            Method::POST,
            "/clock/advance",
            Some(json!({ "seconds": 1800 })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "pending");
    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "milliseconds": 1_800_001 })),
    )
    .await;
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "approved");
    assert_eq!(body["data"]["loa_status"], "approved");
}

#[tokio::test]
async fn enable_checks_terms_document_frequency_and_duplicates() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let document = emu.upload_json("k", "loa.pdf", b"%PDF-1.7").await;
    let path = format!("/enterprises/{id}/reputation");

    let (status, body) = emu
        .post("k", &path, json!({ "loa_document_id": document }))
        .await;
    assert_eq!(status, 403);
    assert_eq!(first_error(&body)["code"], "10010");
    assert_eq!(emu.ledger("k").await["enable"], 0);

    emu.post("k", "/terms_of_service/number_reputation/agree", json!({}))
        .await;
    let (status, body) = emu.post("k", &path, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/loa_document_id"]);
    let (status, body) = emu
        .post("k", &path, json!({ "loa_document_id": "unknown-doc" }))
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/loa_document_id"]);
    let other_account_doc = emu.upload_json("other", "loa.pdf", b"%PDF").await;
    let (status, _) = emu
        .post("k", &path, json!({ "loa_document_id": other_account_doc }))
        .await;
    assert_eq!(status, 422);
    let (status, body) = emu
        .post(
            "k",
            &path,
            json!({ "loa_document_id": document, "check_frequency": "hourly" }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/check_frequency"]);
    let (status, _) = emu
        .post(
            "k",
            "/enterprises/missing/reputation",
            json!({ "loa_document_id": document }),
        )
        .await;
    assert_eq!(status, 404);

    let (status, body) = emu
        .post(
            "k",
            &path,
            json!({ "loa_document_id": document, "check_frequency": "weekly" }),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(body["data"]["check_frequency"], "weekly");
    let (status, body) = emu
        .post("k", &path, json!({ "loa_document_id": document }))
        .await;
    assert_eq!(status, 400);
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("already enabled")
    );
    assert_eq!(emu.ledger("k").await["enable"], 1);
}

#[tokio::test]
async fn reject_trigger_rejects_the_status_gate() {
    let emu = start(instant()).await;
    let id = emu.enabled_enterprise("k", "REJECT Me Holdings").await;
    let (_, body) = emu.get("k", &format!("/enterprises/{id}/reputation")).await;
    assert_eq!(body["data"]["status"], "rejected");
    assert_eq!(body["data"]["loa_status"], "approved");
    assert!(body["data"]["rejection_reasons"][0].is_string());
    let (status, body) = emu
        .add_numbers("k", &id, &crate::common::numbers(0, 1))
        .await;
    assert_eq!(status, 400);
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("status is 'rejected'")
    );
}

#[tokio::test]
async fn loareject_trigger_rejects_only_the_loa_and_replacement_recovers() {
    let emu = start(instant()).await;
    let id = emu.enabled_enterprise("k", "LOAREJECT Dental").await;
    let path = format!("/enterprises/{id}/reputation");
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "approved");
    assert_eq!(body["data"]["loa_status"], "rejected");
    assert!(body["data"]["rejection_reasons"].is_null());

    let fixed = emu
        .upload_json("k", "loa-signed.pdf", b"%PDF-1.7 fixed")
        .await;
    let (status, body) = emu
        .patch(
            "k",
            &format!("{path}/loa"),
            json!({ "loa_document_id": fixed }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["loa_status"], "pending");
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["loa_status"], "approved");

    // A replacement whose file name carries REJECT is rejected again.
    let id2 = emu.enabled_enterprise("k", "Second Try LLC").await;
    let bad = emu.upload_json("k", "REJECT-unsigned.pdf", b"%PDF").await;
    emu.admin(
        Method::POST,
        "/gates?api_key=k",
        Some(json!({ "enterprise_id": id2, "loa_status": "pending" })),
    )
    .await;
    emu.patch(
        "k",
        &format!("/enterprises/{id2}/reputation/loa"),
        json!({ "loa_document_id": bad }),
    )
    .await;
    let (_, body) = emu
        .get("k", &format!("/enterprises/{id2}/reputation"))
        .await;
    assert_eq!(body["data"]["loa_status"], "rejected");
}

#[tokio::test]
async fn manual_mode_waits_for_the_admin_api() {
    let emu = start(manual()).await;
    let id = emu.enabled_enterprise("k", "Manual Review LLC").await;
    let path = format!("/enterprises/{id}/reputation");
    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": 86400 })),
    )
    .await;
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "pending");

    let (status, body) = emu
        .admin(
            Method::POST,
            "/gates?api_key=k",
            Some(json!({ "enterprise_id": id, "status": "rejected", "rejection_reasons": ["Website unreachable"] })),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "rejected");
    assert_eq!(
        body["data"]["rejection_reasons"],
        json!(["Website unreachable"])
    );
    let (status, body) = emu
        .admin(
            Method::POST,
            "/gates?api_key=k",
            Some(json!({ "enterprise_id": id, "status": "approved", "loa_status": "approved" })),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "approved");
    assert!(body["data"]["rejection_reasons"].is_null());
    let (status, _) = emu
        .admin(
            Method::POST,
            "/gates?api_key=k",
            Some(json!({ "enterprise_id": id, "status": "maybe" })),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = emu
        .admin(
            Method::POST,
            "/gates",
            Some(json!({ "enterprise_id": id, "status": "approved" })),
        )
        .await;
    assert_eq!(status, 400, "the account must be named");
}

#[tokio::test]
async fn frequency_requires_an_approved_status() {
    let emu = start(manual()).await;
    let id = emu.enabled_enterprise("k", "Frequency LLC").await;
    let path = format!("/enterprises/{id}/reputation/frequency");
    let (status, body) = emu
        .patch("k", &path, json!({ "check_frequency": "daily" }))
        .await;
    assert_eq!(status, 400);
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("pending")
    );
    emu.admin(
        Method::POST,
        "/gates?api_key=k",
        Some(json!({ "enterprise_id": id, "status": "approved" })),
    )
    .await;
    let (status, body) = emu
        .patch("k", &path, json!({ "check_frequency": "daily" }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["check_frequency"], "daily");
    let (status, body) = emu
        .patch("k", &path, json!({ "check_frequency": "hourly" }))
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/check_frequency"]);
    let (status, _) = emu.patch("k", &path, json!({})).await;
    assert_eq!(status, 422);
    let other = emu.create_enterprise("k", "Never Enabled LLC").await;
    let (status, _) = emu
        .patch(
            "k",
            &format!("/enterprises/{other}/reputation/frequency"),
            json!({ "check_frequency": "daily" }),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn webhook_accepts_https_or_null() {
    let emu = start(instant()).await;
    let id = emu.enabled_enterprise("k", "Hooks LLC").await;
    let path = format!("/enterprises/{id}/reputation/webhook");
    let (status, body) = emu
        .patch(
            "k",
            &path,
            json!({ "webhook_url": "https://example.com/hooks/reputation" }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["webhook_url"],
        "https://example.com/hooks/reputation"
    );
    let (status, body) = emu.patch("k", &path, json!({ "webhook_url": null })).await;
    assert_eq!(status, 200);
    assert!(body["data"]["webhook_url"].is_null());
    for bad in [
        json!({ "webhook_url": "http://example.com" }),
        json!({}),
        json!({ "webhook_url": 5 }),
    ] {
        let (status, body) = emu.patch("k", &path, bad.clone()).await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(pointers(&body), vec!["/webhook_url"]);
    }
}

#[tokio::test]
async fn disable_removes_settings_and_numbers() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Disable Me LLC").await;
    emu.add_numbers("k", &id, &crate::common::numbers(0, 3))
        .await;
    let path = format!("/enterprises/{id}/reputation");
    let (status, body) = emu.delete("k", &path).await;
    assert_eq!(status, 204);
    assert!(body.is_null());
    let (status, _) = emu.get("k", &path).await;
    assert_eq!(status, 404);
    let (_, body) = emu.get("k", "/reputation/numbers").await;
    assert_eq!(body["meta"]["total_results"], 0);
    let (_, body) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(body["data"]["number_reputation_enabled"], false);
    let (status, _) = emu.delete("k", &path).await;
    assert_eq!(status, 404);
    // Re-enabling is possible and billable again.
    let document = emu.upload_json("k", "loa.pdf", b"%PDF").await;
    let (status, _) = emu
        .post("k", &path, json!({ "loa_document_id": document }))
        .await;
    assert_eq!(status, 201);
    assert_eq!(emu.ledger("k").await["enable"], 2);
}

#[tokio::test]
async fn document_ids_are_opaque_strings_of_at_most_255_characters() {
    let emu = start(instant()).await;
    let (status, _) = emu
        .post("k", "/terms_of_service/number_reputation/agree", json!({}))
        .await;
    assert_eq!(status, 201);
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let path = format!("/enterprises/{id}/reputation");
    let (status, body) = emu
        .post("k", &path, json!({ "loa_document_id": "d".repeat(256) }))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/loa_document_id");
    // Not a uuid, within the limit: a well-formed id that names no document is a 422 too,
    // but for being unknown, not for its shape.
    let (status, body) = emu
        .post("k", &path, json!({ "loa_document_id": "doc_1" }))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        !body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("at most 255"),
        "{body}"
    );
}
