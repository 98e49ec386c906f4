//! Remediation: validation, 409 in flight, lifecycle over (virtual) time, buckets,
//! manual advance, list shape and filters.

use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{Emu, first_error, instant, manual, numbers, pointers, start};

async fn set_high(emu: &Emu, number: &str) {
    let (status, body) = emu
        .admin(
            Method::POST,
            "/numbers/reputation?api_key=k",
            Some(json!({ "phone_number": number, "reputation_data": { "spam_risk": "high", "spam_category": "scam" } })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

fn submission(numbers: &[String]) -> Value {
    json!({
        "phone_numbers": numbers,
        "call_purpose": "Outbound appointment reminders for our dental clinic.",
        "contact_email": "ops@example.com",
        "webhook_url": "https://example.com/hooks/remediation"
    })
}

fn buckets(results: &Value) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for bucket in [
        "remediated",
        "not_flagged",
        "requires_review",
        "ineligible",
        "refused",
    ] {
        let items = results[bucket]
            .as_array()
            .expect("bucket is an array, never omitted");
        for n in items {
            all.push((
                bucket.to_string(),
                n.as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    all
}

#[tokio::test]
async fn lifecycle_pending_in_progress_completed_with_every_number_in_one_bucket() {
    let emu = start(ApprovalDelay::After(Duration::from_secs(600))).await;
    let id = emu.enabled_enterprise("k", "Dental Clinic LLC").await;
    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": 600 })),
    )
    .await;
    let batch = numbers(0, 12);
    let (status, body) = emu.add_numbers("k", &id, &batch).await;
    assert_eq!(status, 201, "{body}");
    for n in &batch[..4] {
        set_high(&emu, n).await;
    }

    let base = format!("/enterprises/{id}/reputation/remediation");
    let (status, body) = emu.post("k", &base, submission(&batch)).await;
    assert_eq!(status, 202);
    let r = &body["data"];
    assert_eq!(r["status"], "pending");
    assert!(r["results"].is_null());
    assert_eq!(r["phone_numbers_count"], 12);
    assert_eq!(r["phone_numbers_submitted"], 12);
    assert_eq!(r["phone_numbers_ineligible"], 0);
    assert!(r["tier1_completed_at"].is_null() && r["tier2_completed_at"].is_null());
    assert_eq!(r["webhook_url"], "https://example.com/hooks/remediation");
    let rid = r["id"].as_str().expect("id").to_string();
    let path = format!("{base}/{rid}");

    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": 600 })),
    )
    .await;
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["status"], "in_progress");
    assert!(body["data"]["results"].is_null());

    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": 600 })),
    )
    .await;
    let (_, body) = emu.get("k", &path).await;
    let r = &body["data"];
    assert_eq!(r["status"], "completed");
    assert!(r["tier1_completed_at"].is_string() && r["tier2_completed_at"].is_string());
    assert!(r["tier1_completed_at"].as_str() <= r["tier2_completed_at"].as_str());
    let placed = buckets(&r["results"]);
    assert_eq!(placed.len(), 12, "every number exactly once");
    let mut seen: Vec<&String> = placed.iter().map(|(_, n)| n).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 12);
    for (bucket, number) in &placed {
        let high = batch[..4].contains(number);
        if high {
            assert!(
                bucket == "remediated" || bucket == "requires_review",
                "{number} in {bucket}"
            );
        } else {
            assert_eq!(bucket, "not_flagged", "{number}");
        }
    }
    // A remediated number reads low risk on its next live lookup.
    if let Some((_, number)) = placed.iter().find(|(b, _)| b == "remediated") {
        let (_, body) = emu
            .get(
                "k",
                &format!("/enterprises/{id}/reputation/numbers/{number}?fresh=true"),
            )
            .await;
        assert_eq!(body["data"]["reputation_data"]["spam_risk"], "low");
        assert!(body["data"]["reputation_data"]["spam_category"].is_null());
    }
}

#[tokio::test]
async fn in_flight_numbers_conflict_until_completed() {
    let emu = start(manual()).await;
    let id = emu.approved_enterprise("k", "Conflict LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 3)).await;
    let base = format!("/enterprises/{id}/reputation/remediation");
    let (status, body) = emu.post("k", &base, submission(&numbers(0, 2))).await;
    assert_eq!(status, 202);
    let rid = body["data"]["id"].as_str().expect("id").to_string();

    let (status, body) = emu.post("k", &base, submission(&numbers(1, 2))).await;
    assert_eq!(status, 409);
    assert_eq!(first_error(&body)["code"], "10012");
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("+12025550001")
    );
    let (status, _) = emu.post("k", &base, submission(&numbers(2, 1))).await;
    assert_eq!(status, 202, "a number not in flight is fine");

    // Manual mode: nothing moves until the admin API says so.
    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": 99999 })),
    )
    .await;
    let (_, body) = emu.get("k", &format!("{base}/{rid}")).await;
    assert_eq!(body["data"]["status"], "pending");
    let (status, body) = emu
        .admin(
            Method::POST,
            "/remediation/advance?api_key=k",
            Some(json!({ "remediation_id": rid, "status": "in_progress" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["status"], "in_progress");
    let (status, _) = emu.post("k", &base, submission(&numbers(0, 1))).await;
    assert_eq!(status, 409, "in_progress is in flight too");
    let (status, body) = emu
        .admin(
            Method::POST,
            "/remediation/advance?api_key=k",
            Some(json!({ "remediation_id": rid })),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"][0]["status"], "completed");
    assert_eq!(buckets(&body["data"][0]["results"]).len(), 2);
    let (status, _) = emu.post("k", &base, submission(&numbers(0, 1))).await;
    assert_eq!(status, 202, "completed requests no longer block");
    let (status, _) = emu
        .admin(
            Method::POST,
            "/remediation/advance?api_key=k",
            Some(json!({ "remediation_id": "unknown" })),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn submission_is_validated() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Validate LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 2)).await;
    let base = format!("/enterprises/{id}/reputation/remediation");

    let cases = [
        (json!({ "phone_numbers": numbers(0, 1) }), "/call_purpose"),
        (
            json!({ "phone_numbers": numbers(0, 1), "call_purpose": "x".repeat(2001) }),
            "/call_purpose",
        ),
        (
            json!({ "phone_numbers": numbers(0, 1), "call_purpose": "ok", "contact_email": format!("{}@example.com", "a".repeat(250)) }),
            "/contact_email",
        ),
        (
            json!({ "phone_numbers": numbers(0, 1), "call_purpose": "ok", "webhook_url": "http://example.com" }),
            "/webhook_url",
        ),
        (
            json!({ "phone_numbers": numbers(0, 1), "call_purpose": "ok", "webhook_url": format!("https://example.com/{}", "a".repeat(2040)) }),
            "/webhook_url",
        ),
        (
            json!({ "phone_numbers": [], "call_purpose": "ok" }),
            "/phone_numbers",
        ),
        (
            json!({ "phone_numbers": numbers(0, 2001), "call_purpose": "ok" }),
            "/phone_numbers",
        ),
        (
            json!({ "phone_numbers": ["+12025550000", "oops"], "call_purpose": "ok" }),
            "/phone_numbers/1",
        ),
    ];
    for (body, pointer) in cases {
        let (status, reply) = emu.post("k", &base, body).await;
        assert_eq!(status, 422, "{pointer}");
        assert_eq!(pointers(&reply), vec![pointer]);
    }
    let (status, reply) = emu
        .post(
            "k",
            &base,
            submission(&["+12025550000".into(), "+13125550000".into()]),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        pointers(&reply),
        vec!["/phone_numbers/1"],
        "not in this enterprise"
    );

    let pending = crate::common::start(manual()).await;
    let pid = pending.enabled_enterprise("k", "Pending LLC").await;
    let (status, _) = pending
        .post(
            "k",
            &format!("/enterprises/{pid}/reputation/remediation"),
            submission(&numbers(0, 1)),
        )
        .await;
    assert_eq!(status, 400, "gates must be approved");
}

#[tokio::test]
async fn get_and_list_shapes_filters_and_paging() {
    let emu = start(manual()).await;
    let id = emu.approved_enterprise("k", "Lister LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 25)).await;
    let base = format!("/enterprises/{id}/reputation/remediation");
    let mut ids = Vec::new();
    for i in 0..22 {
        let (status, body) = emu.post("k", &base, submission(&numbers(i, 1))).await;
        assert_eq!(status, 202);
        ids.push(body["data"]["id"].as_str().expect("id").to_string());
    }
    emu.admin(
        Method::POST,
        "/remediation/advance?api_key=k",
        Some(json!({ "remediation_id": ids[0] })),
    )
    .await;

    let (_, body) = emu.get("k", &base).await;
    assert_eq!(
        body["meta"],
        json!({ "page_number": 1, "page_size": 20, "total_results": 22, "total_pages": 2 })
    );
    let item = &body["data"][0];
    assert_eq!(item["id"], ids[21], "newest first");
    for absent in [
        "results",
        "webhook_url",
        "phone_numbers_submitted",
        "phone_numbers_ineligible",
        "contact_email",
    ] {
        assert!(item.get(absent).is_none(), "slim shape omits {absent}");
    }
    for present in [
        "id",
        "status",
        "phone_numbers_count",
        "call_purpose",
        "created_at",
        "updated_at",
    ] {
        assert!(item.get(present).is_some(), "slim shape has {present}");
    }
    let (_, body) = emu
        .get("k", &format!("{base}?filter[status]=completed"))
        .await;
    assert_eq!(body["meta"]["total_results"], 1);
    assert_eq!(body["data"][0]["id"], ids[0]);
    let (status, body) = emu.get("k", &format!("{base}?filter[status]=done")).await;
    assert_eq!(status, 400);
    assert_eq!(first_error(&body)["source"]["parameter"], "filter[status]");
    let (_, body) = emu
        .get(
            "k",
            &format!("{base}?filter[created_at][gte]=2000-01-01T00:00:00+00:00"),
        )
        .await;
    assert_eq!(body["meta"]["total_results"], 22);
    let (_, body) = emu
        .get("k", &format!("{base}?filter[created_at][lte]=2000-01-01"))
        .await;
    assert_eq!(body["meta"]["total_results"], 0);
    let (status, _) = emu
        .get("k", &format!("{base}?filter[created_at][gte]=yesterday"))
        .await;
    assert_eq!(status, 400);
    let (status, _) = emu.get("k", &format!("{base}?page[size]=-1")).await;
    assert_eq!(status, 400);

    let (status, body) = emu.get("k", &format!("{base}/{}", ids[0])).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "completed");
    let other = emu.approved_enterprise("k", "Other Enterprise LLC").await;
    let (status, _) = emu
        .get(
            "k",
            &format!("/enterprises/{other}/reputation/remediation/{}", ids[0]),
        )
        .await;
    assert_eq!(status, 404, "another enterprise's request is not found");
    let (status, _) = emu.get("k2", &format!("{base}/{}", ids[0])).await;
    assert_eq!(status, 404);
    // An enterprise with requests in flight cannot be deleted.
    let (status, _) = emu.delete("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn requests_can_end_failed_refused_or_with_ineligible_numbers_and_disable_cancels() {
    let emu = start(crate::common::manual()).await;
    let id = emu.approved_enterprise("k", "Hard Cases LLC").await;
    let batch = crate::common::numbers(700, 3);
    emu.add_numbers("k", &id, &batch).await;
    for n in &batch[..2] {
        emu.admin(
            Method::POST,
            "/numbers/reputation?api_key=k",
            Some(json!({ "phone_number": n, "reputation_data": { "spam_risk": "high" } })),
        )
        .await;
    }
    let path = format!("/enterprises/{id}/reputation/remediation");
    let submit = |purpose: &'static str, numbers: Vec<String>| {
        let emu = &emu;
        let path = path.clone();
        async move {
            let (status, body) = emu
                .post(
                    "k",
                    &path,
                    json!({ "phone_numbers": numbers, "call_purpose": purpose }),
                )
                .await;
            assert_eq!(status, 202, "{body}");
            body["data"]["id"].as_str().expect("id").to_string()
        }
    };
    let failing = submit("Reminders FAIL", vec![batch[0].clone()]).await;
    let refused = submit("Reminders REFUSE", vec![batch[1].clone()]).await;
    let ineligible = submit("Reminders", vec![batch[2].clone()]).await;
    emu.admin(
        Method::POST,
        "/numbers/ownership?api_key=k",
        Some(json!({ "phone_number": batch[2], "ownership_status": "flagged" })),
    )
    .await;
    emu.admin(
        Method::POST,
        "/remediation/advance?api_key=k",
        Some(json!({})),
    )
    .await;
    let get = |rid: String| {
        let emu = &emu;
        let path = format!("{path}/{rid}");
        async move { emu.get("k", &path).await.1["data"].clone() }
    };
    let r = get(failing).await;
    assert_eq!(r["status"], "failed", "{r}");
    assert!(r["results"].is_null());
    let r = get(refused).await;
    assert_eq!(r["status"], "completed");
    assert_eq!(r["results"]["refused"], json!([batch[1]]), "{r}");
    let r = get(ineligible).await;
    assert_eq!(r["results"]["ineligible"], json!([batch[2]]), "{r}");
    assert_eq!(r["phone_numbers_ineligible"], 1);

    // Disabling cancels what is still in flight.
    let pending = submit("Reminders", vec![batch[0].clone()]).await;
    let (status, _) = emu
        .delete("k", &format!("/enterprises/{id}/reputation"))
        .await;
    assert_eq!(status, 204);
    let (status, body) = emu.get("k", &format!("{path}/{pending}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "cancelled");
}
