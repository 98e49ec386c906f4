//! Monitored numbers: gates, atomic batches, lookups and billing, paging, refresh,
//! ownership, removal, and the account-wide endpoints.

use reqwest::Method;
use serde_json::json;

use crate::common::{first_error, instant, manual, numbers, pointers, start, start_seeded};

#[tokio::test]
async fn numbers_need_both_gates() {
    let emu = start(manual()).await;
    let id = emu.enabled_enterprise("k", "Gatekeeper LLC").await;
    let (status, body) = emu.add_numbers("k", &id, &numbers(0, 1)).await;
    assert_eq!(status, 400);
    let detail = first_error(&body)["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("status is 'pending'") && detail.contains("loa_status is 'pending'"),
        "{detail}"
    );
    emu.admin(
        Method::POST,
        "/gates?api_key=k",
        Some(json!({ "enterprise_id": id, "status": "approved" })),
    )
    .await;
    let (status, body) = emu.add_numbers("k", &id, &numbers(0, 1)).await;
    assert_eq!(status, 400);
    assert!(
        !first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("reputation status is")
    );
    emu.admin(
        Method::POST,
        "/gates?api_key=k",
        Some(json!({ "enterprise_id": id, "loa_status": "approved" })),
    )
    .await;
    let (status, _) = emu.add_numbers("k", &id, &numbers(0, 1)).await;
    assert_eq!(status, 201);
    let never = emu.create_enterprise("k", "Never Enabled LLC").await;
    let (status, _) = emu.add_numbers("k", &never, &numbers(5, 1)).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn add_is_atomic_and_names_the_offending_index() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Atomic LLC").await;
    let list = format!("/enterprises/{id}/reputation/numbers");

    let mut batch = numbers(0, 5);
    batch[3] = "+442071234567".to_string();
    let (status, body) = emu.add_numbers("k", &id, &batch).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/phone_numbers/3"]);
    let (_, body) = emu.get("k", &list).await;
    assert_eq!(
        body["meta"]["total_results"], 0,
        "a failed batch adds nothing"
    );
    assert_eq!(emu.ledger("k").await["numbers_added"], 0);

    for (bad, pointer) in [
        ("12025550001", "/phone_numbers/1"),
        ("+1202555000", "/phone_numbers/1"),
        ("+11025550001", "/phone_numbers/1"),
    ] {
        let (status, body) = emu
            .add_numbers("k", &id, &["+12025550000".to_string(), bad.to_string()])
            .await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(pointers(&body), vec![pointer]);
    }
    let (status, body) = emu
        .add_numbers(
            "k",
            &id,
            &[
                "+12025550000".into(),
                "+12025550001".into(),
                "+12025550000".into(),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/phone_numbers/2"]);
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("duplicates index 0")
    );

    let (status, _) = emu.add_numbers("k", &id, &[]).await;
    assert_eq!(status, 422);
    let (status, body) = emu.add_numbers("k", &id, &numbers(0, 101)).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/phone_numbers"]);
    let (status, _) = emu
        .post("k", &list, json!({ "phone_numbers": "+12025550000" }))
        .await;
    assert_eq!(status, 422);
    let (status, _) = emu.post("k", &list, json!({})).await;
    assert_eq!(status, 422);

    let (status, body) = emu.add_numbers("k", &id, &numbers(0, 100)).await;
    assert_eq!(status, 201);
    assert_eq!(body["meta"]["total_results"], 100);
    assert_eq!(body["data"].as_array().map(Vec::len), Some(100));
    assert!(body["data"][0]["reputation_data"].is_null());
    assert_eq!(body["data"][0]["enterprise_id"], id);
    assert_eq!(body["data"][0]["source"], "telnyx");
    assert_eq!(body["data"][0]["ownership_status"], "verified");

    // Already registered (here or on another enterprise of the account) is 422 too.
    let mut again = numbers(200, 3);
    again.push("+12025550042".to_string());
    let (status, body) = emu.add_numbers("k", &id, &again).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/phone_numbers/3"]);
    let other = emu.approved_enterprise("k", "Other Branch LLC").await;
    let (status, body) = emu
        .add_numbers("k", &other, &["+12025550042".to_string()])
        .await;
    assert_eq!(status, 422);
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(&id)
    );
    assert_eq!(emu.ledger("k").await["numbers_added"], 100);
}

#[tokio::test]
async fn first_read_is_live_then_cached_and_fresh_is_billed() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Lookup LLC").await;
    emu.add_numbers("k", &id, &numbers(1234, 1)).await;
    let encoded = format!("/enterprises/{id}/reputation/numbers/%2B12025551234");
    let literal = format!("/enterprises/{id}/reputation/numbers/+12025551234");

    let (status, first) = emu.get("k", &encoded).await;
    assert_eq!(status, 200);
    let data = &first["data"]["reputation_data"];
    assert!(data.is_object(), "first read performs a live lookup");
    assert!(["low", "medium", "high"].contains(&data["spam_risk"].as_str().unwrap_or_default()));
    assert!(data["last_refreshed_at"].is_string());
    assert_eq!(emu.ledger("k").await["live_lookups"], 1);

    let (_, second) = emu.get("k", &literal).await;
    assert_eq!(
        second["data"], first["data"],
        "cached read, same data, `+` and `%2B` agree"
    );
    assert_eq!(
        emu.ledger("k").await["live_lookups"],
        1,
        "cached reads are free"
    );

    let (_, fresh) = emu.get("k", &format!("{literal}?fresh=true")).await;
    assert_eq!(emu.ledger("k").await["live_lookups"], 2);
    assert_eq!(
        fresh["data"]["reputation_data"]["spam_risk"], data["spam_risk"],
        "deterministic"
    );
    assert_ne!(
        fresh["data"]["reputation_data"]["last_refreshed_at"],
        data["last_refreshed_at"]
    );
    let (status, body) = emu.get("k", &format!("{literal}?fresh=maybe")).await;
    assert_eq!(status, 400);
    assert_eq!(first_error(&body)["source"]["parameter"], "fresh");
    let (status, _) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers/%2B13125550000"),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn reputation_is_deterministic_per_seed() {
    let batch = numbers(0, 40);
    let mut runs = Vec::new();
    for seed in [11, 11, 12] {
        let emu = start_seeded(instant(), seed).await;
        let id = emu.approved_enterprise("k", "Seeded LLC").await;
        emu.add_numbers("k", &id, &batch).await;
        emu.post(
            "k",
            &format!("/enterprises/{id}/reputation/numbers/refresh"),
            json!({ "phone_numbers": batch }),
        )
        .await;
        let (_, body) = emu
            .get(
                "k",
                &format!("/enterprises/{id}/reputation/numbers?page[size]=100"),
            )
            .await;
        let profiles: Vec<_> = body["data"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|n| {
                        let mut r = n["reputation_data"].clone();
                        r["last_refreshed_at"] = json!(null);
                        r
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(profiles.len(), 40);
        for p in &profiles {
            let high = p["spam_risk"] == "high";
            assert_eq!(p["spam_category"].is_string(), high);
            for score in [
                "maturity_score",
                "connection_score",
                "engagement_score",
                "sentiment_score",
            ] {
                assert!(p[score].is_null() || (0..=100).contains(&p[score].as_i64().unwrap_or(-1)));
            }
        }
        runs.push(profiles);
    }
    assert_eq!(runs[0], runs[1], "same seed, same data");
    assert_ne!(runs[0], runs[2], "another seed, other data");
}

#[tokio::test]
async fn list_paging_and_filters() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Pager LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 25)).await;
    let list = format!("/enterprises/{id}/reputation/numbers");

    let (_, body) = emu.get("k", &list).await;
    assert_eq!(
        body["meta"],
        json!({ "page_number": 1, "page_size": 10, "total_results": 25, "total_pages": 3 })
    );
    assert_eq!(
        body["data"][0]["phone_number"], "+12025550000",
        "registration order"
    );
    let (_, body) = emu.get("k", &format!("{list}?page[number]=3")).await;
    assert_eq!(body["meta"]["page_size"], 5);
    assert_eq!(body["data"][0]["phone_number"], "+12025550020");
    let (_, body) = emu.get("k", &format!("{list}?page[number]=4")).await;
    assert_eq!(body["data"], json!([]));
    assert_eq!(
        body["meta"],
        json!({ "page_number": 4, "page_size": 0, "total_results": 25, "total_pages": 3 })
    );
    let (_, body) = emu.get("k", &format!("{list}?page%5Bsize%5D=1000")).await;
    assert_eq!(body["meta"]["page_size"], 25);
    assert_eq!(body["meta"]["total_pages"], 1);
    for bad in [
        "page[size]=0",
        "page[number]=0",
        "page[number]=-2",
        "page[size]=abc",
        "page[size]=2.5",
    ] {
        let (status, body) = emu.get("k", &format!("{list}?{bad}")).await;
        assert_eq!(status, 400, "{bad}");
        let name = bad.split('=').next().unwrap_or_default();
        assert_eq!(first_error(&body)["source"]["parameter"], name);
    }

    let (_, body) = emu
        .get(
            "k",
            &format!("{list}?filter[phone_number][eq]=%2B12025550007"),
        )
        .await;
    assert_eq!(body["meta"]["total_results"], 1);
    let (_, body) = emu
        .get(
            "k",
            &format!("{list}?filter[phone_number][eq]=+12025550007"),
        )
        .await;
    assert_eq!(
        body["meta"]["total_results"], 1,
        "literal + in a query value"
    );
    let (_, body) = emu
        .get(
            "k",
            &format!("{list}?filter[phone_number][contains]=555001"),
        )
        .await;
    assert_eq!(body["meta"]["total_results"], 10);
    let (status, body) = emu
        .get("k", &format!("{list}?filter[phone_number][contains]=5550"))
        .await;
    assert_eq!(status, 400, "at least 5 digits");
    assert_eq!(
        first_error(&body)["source"]["parameter"],
        "filter[phone_number][contains]"
    );
    let (_, body) = emu
        .get("k", &format!("{list}?filter[source]=external"))
        .await;
    assert_eq!(body["meta"]["total_results"], 0);
    let (status, _) = emu
        .get("k", &format!("{list}?filter[ownership_status]=gone"))
        .await;
    assert_eq!(status, 400);
    let (status, _) = emu
        .get("k", "/enterprises/missing/reputation/numbers")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn remove_then_404_and_listed_as_removed() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Remover LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 2)).await;
    let number = format!("/enterprises/{id}/reputation/numbers/%2B12025550000");
    let (status, body) = emu.delete("k", &number).await;
    assert_eq!(status, 204);
    assert!(body.is_null());
    let (status, _) = emu.get("k", &number).await;
    assert_eq!(status, 404);
    let (status, _) = emu.delete("k", &number).await;
    assert_eq!(status, 404);
    let list = format!("/enterprises/{id}/reputation/numbers");
    let (_, body) = emu.get("k", &list).await;
    assert_eq!(body["meta"]["total_results"], 1);
    let (_, body) = emu
        .get("k", &format!("{list}?filter[ownership_status]=removed"))
        .await;
    assert_eq!(body["meta"]["total_results"], 1);
    assert_eq!(body["data"][0]["removal_reason"], "customer_removed");
    assert!(body["data"][0]["removed_at"].is_string());
    // The number can be registered again, and is billed again.
    let (status, _) = emu.add_numbers("k", &id, &numbers(0, 1)).await;
    assert_eq!(status, 201);
    assert_eq!(emu.ledger("k").await["numbers_added"], 3);
}

#[tokio::test]
async fn refresh_reports_per_number_and_bills_successes() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Refresher LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 2)).await;
    let path = format!("/enterprises/{id}/reputation/numbers/refresh");
    let (status, body) = emu
        .post(
            "k",
            &path,
            json!({ "phone_numbers": ["+12025550000", "+13125559999", "+12025550001"] }),
        )
        .await;
    assert_eq!(status, 200);
    let d = &body["data"];
    assert_eq!(d["total_requested"], 3);
    assert_eq!(d["total_successful"], 2);
    assert_eq!(d["total_failed"], 1);
    // `error` is unset on success: left out, as the contract's `RefreshResultItem` writes it.
    assert_eq!(
        d["results"][0],
        json!({ "phone_number": "+12025550000", "success": true })
    );
    assert_eq!(d["results"][1]["success"], false);
    assert!(d["results"][1]["error"].is_string());
    let ledger = emu.ledger("k").await;
    assert_eq!(ledger["refreshes"], 2);
    assert_eq!(ledger["live_lookups"], 0);
    // Refreshed numbers now have cached data: reading them is free.
    emu.get(
        "k",
        &format!("/enterprises/{id}/reputation/numbers/+12025550000"),
    )
    .await;
    assert_eq!(emu.ledger("k").await["live_lookups"], 0);

    let (status, _) = emu.post("k", &path, json!({ "phone_numbers": [] })).await;
    assert_eq!(status, 422);
    let (status, body) = emu
        .post("k", &path, json!({ "phone_numbers": ["bad"] }))
        .await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/phone_numbers/0"]);
}

#[tokio::test]
async fn ownership_and_confirmation() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Owner LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 2)).await;
    let base = format!("/enterprises/{id}/reputation/numbers");
    let (status, body) = emu
        .get("k", &format!("{base}/%2B12025550000/ownership"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["source"], "telnyx");
    assert_eq!(body["data"]["ownership_status"], "verified");
    assert_eq!(body["data"]["history"][0]["event_type"], "added");

    let (status, body) = emu
        .admin(
            Method::POST,
            "/numbers/ownership?api_key=k",
            Some(json!({ "phone_number": "+12025550000", "ownership_status": "pending_confirmation" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["flag_reason"], "carrier_changed");
    assert!(body["data"]["confirm_by"].is_string());

    let confirm = format!("{base}/+12025550000/ownership_confirm");
    let (status, body) = emu.post("k", &confirm, json!({ "still_own": true })).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["ownership_status"], "verified");
    assert!(body["data"]["confirm_by"].is_null());
    let (_, body) = emu
        .get("k", &format!("{base}/+12025550000/ownership"))
        .await;
    assert_eq!(
        body["data"]["history"][0]["event_type"], "confirm",
        "most recent first"
    );

    for bad in [
        json!({}),
        json!({ "still_own": "yes" }),
        json!({ "still_own": true, "evidence_document_id": "nope" }),
    ] {
        let (status, _) = emu.post("k", &confirm, bad.clone()).await;
        assert_eq!(status, 422, "{bad}");
    }
    let (status, body) = emu
        .post(
            "k",
            &format!("{base}/+12025550001/ownership_confirm"),
            json!({ "still_own": false }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["ownership_status"], "removed");
    assert_eq!(body["data"]["removal_reason"], "customer_reported");
    let (status, _) = emu.get("k", &format!("{base}/+12025550001")).await;
    assert_eq!(status, 404);
    let (_, body) = emu.get("k", &base).await;
    assert_eq!(body["meta"]["total_results"], 1);
    let (status, _) = emu
        .get("k", &format!("{base}/+12025550001/ownership"))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn account_wide_endpoints_span_enterprises() {
    let emu = start(instant()).await;
    let a = emu.approved_enterprise("k", "Branch A LLC").await;
    let b = emu.approved_enterprise("k", "Branch B LLC").await;
    emu.add_numbers("k", &a, &numbers(0, 15)).await;
    emu.add_numbers("k", &b, &numbers(100, 10)).await;

    let (_, body) = emu.get("k", "/reputation/numbers").await;
    assert_eq!(
        body["meta"],
        json!({ "page_number": 1, "page_size": 20, "total_results": 25, "total_pages": 2 })
    );
    let (_, body) = emu
        .get(
            "k",
            &format!("/reputation/numbers?filter[enterprise_id]={b}"),
        )
        .await;
    assert_eq!(body["meta"]["total_results"], 10);
    assert_eq!(body["data"][0]["enterprise_id"], b);

    let (status, body) = emu.get("k", "/reputation/numbers/%2B12025550100").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["enterprise_id"], b);
    assert!(body["data"]["reputation_data"].is_object());
    assert_eq!(emu.ledger("k").await["live_lookups"], 1);
    let (status, _) = emu.delete("k", "/reputation/numbers/+12025550100").await;
    assert_eq!(status, 204);
    let (status, _) = emu.get("k", "/reputation/numbers/+12025550100").await;
    assert_eq!(status, 404);
    let (status, _) = emu.delete("k", "/reputation/numbers/+12025550100").await;
    assert_eq!(status, 404);
    let (_, body) = emu
        .get("k", "/reputation/numbers?page[size]=5&page[number]=5")
        .await;
    assert_eq!(body["meta"]["page_size"], 4);
    assert_eq!(body["meta"]["total_results"], 24);
}

#[tokio::test]
async fn admin_sets_reputation_for_a_number() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Scores LLC").await;
    emu.add_numbers("k", &id, &numbers(0, 1)).await;
    let (status, body) = emu
        .admin(
            Method::POST,
            "/numbers/reputation?api_key=k",
            Some(json!({ "phone_number": "+12025550000",
                         "reputation_data": { "spam_risk": "high", "spam_category": "robocall", "sentiment_score": 3 } })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let path = format!("/enterprises/{id}/reputation/numbers/+12025550000");
    let (_, body) = emu.get("k", &path).await;
    let data = &body["data"]["reputation_data"];
    assert_eq!(data["spam_risk"], "high");
    assert_eq!(data["spam_category"], "robocall");
    assert_eq!(data["sentiment_score"], 3);
    assert_eq!(
        emu.ledger("k").await["live_lookups"],
        0,
        "admin data counts as cached"
    );
    let (_, body) = emu.get("k", &format!("{path}?fresh=true")).await;
    assert_eq!(
        body["data"]["reputation_data"]["spam_risk"], "high",
        "live lookups see it too"
    );

    emu.admin(
        Method::POST,
        "/numbers/reputation?api_key=k",
        Some(json!({ "phone_number": "+12025550000", "reputation_data": null })),
    )
    .await;
    let (_, body) = emu.get("k", &format!("{path}?fresh=true")).await;
    assert!(
        body["data"]["reputation_data"].is_null(),
        "no data at the networks"
    );
    let (status, _) = emu
        .admin(
            Method::POST,
            "/numbers/reputation?api_key=k",
            Some(json!({ "phone_number": "+12025550000", "reputation_data": { "maturity_score": 101 } })),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn canadian_and_caribbean_numbers_are_refused_by_region() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Border LLC").await;
    let batch = [
        "+12025550001".to_string(),
        "+14165550123".to_string(),
        "+18765550123".to_string(),
    ];
    let (status, body) = emu.add_numbers("k", &id, &batch).await;
    assert_eq!(status, 422, "{body}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{body}");
    assert_eq!(errors[0]["source"]["pointer"], "/phone_numbers/1");
    let detail = errors[0]["detail"].as_str().expect("detail");
    assert!(
        detail.contains("+14165550123") && detail.contains("CA"),
        "{detail}"
    );
    assert_eq!(errors[1]["source"]["pointer"], "/phone_numbers/2");
    assert!(
        errors[1]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("JM"))
    );
    let ledger = emu.ledger("k").await;
    assert_eq!(ledger["numbers_added"], 0, "nothing billed: {ledger}");
    let (_, list) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    assert_eq!(list["data"], serde_json::json!([]), "nothing added");
}

#[tokio::test]
async fn refresh_is_rate_limited_per_enterprise_with_retry_after() {
    let running = telnyx_reputation_emulator::Emulator::builder()
        .approval_delay(instant())
        .refresh_limit(Some("2/1m".parse().expect("limit")))
        .port(0)
        .start()
        .await
        .expect("starts");
    let emu = crate::common::Emu {
        running,
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
    };
    let a = emu.approved_enterprise("k", "Eager Refresher LLC").await;
    let b = emu.approved_enterprise("k", "Patient Refresher LLC").await;
    let list = numbers(500, 1);
    emu.add_numbers("k", &a, &list).await;
    let body = json!({ "phone_numbers": list });
    let path = format!("/enterprises/{a}/reputation/numbers/refresh");
    for _ in 0..2 {
        let (status, reply) = emu.post("k", &path, body.clone()).await;
        assert_eq!(status, 200, "{reply}");
    }
    let response = emu
        .http
        .post(emu.url(&path))
        .bearer_auth("k")
        .json(&body)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let reply: serde_json::Value = response.json().await.expect("json");
    assert_eq!(first_error(&reply)["code"], "10011");
    assert_eq!(
        emu.ledger("k").await["refreshes"],
        2,
        "the refused call is not billed"
    );

    let (status, reply) = emu
        .post(
            "k",
            &format!("/enterprises/{b}/reputation/numbers/refresh"),
            json!({ "phone_numbers": ["+12025550999"] }),
        )
        .await;
    assert_eq!(
        status, 200,
        "another enterprise has its own budget: {reply}"
    );

    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": retry_after })),
    )
    .await;
    let (status, reply) = emu.post("k", &path, body).await;
    assert_eq!(status, 200, "the window moved on: {reply}");
}
