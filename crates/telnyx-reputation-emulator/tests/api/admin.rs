//! The admin API: faults (scoped, counted, headers, drop), journal, reset, health, ledger.

use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

use crate::common::{first_error, instant, start};

#[tokio::test]
async fn faults_answer_the_next_n_matching_requests_of_one_account() {
    let emu = start(instant()).await;
    let (status, body) = emu
        .admin(
            Method::POST,
            "/faults?api_key=k1",
            Some(json!({ "method": "GET", "path_prefix": "/v2/enterprises", "status": 429, "count": 2,
                         "retry_after": 1, "retry_after_ms": "1000", "x_ratelimit_reset": 1 })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["remaining"], 2);

    let response = emu
        .http
        .get(emu.url("/enterprises"))
        .bearer_auth("k2")
        .send()
        .await
        .expect("answered");
    assert_eq!(
        response.status().as_u16(),
        200,
        "other accounts are not affected"
    );
    let (status, _) = emu.post("k1", "/enterprises", json!({})).await;
    assert_eq!(status, 422, "other methods are not affected");

    for _ in 0..2 {
        let response = emu
            .http
            .get(emu.url("/enterprises"))
            .bearer_auth("k1")
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 429);
        let headers = response.headers();
        assert!(headers.contains_key("x-request-id"));
        assert_eq!(
            headers.get("retry-after").and_then(|v| v.to_str().ok()),
            Some("1")
        );
        assert_eq!(
            headers.get("retry-after-ms").and_then(|v| v.to_str().ok()),
            Some("1000")
        );
        assert_eq!(
            headers
                .get("x-ratelimit-reset")
                .and_then(|v| v.to_str().ok()),
            Some("1")
        );
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(first_error(&body)["code"], "10011");
    }
    let (status, _) = emu.get("k1", "/enterprises").await;
    assert_eq!(status, 200, "the fault is used up");
    let (_, body) = emu.admin(Method::GET, "/faults", None).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn custom_body_delay_and_dropped_connection() {
    let emu = start(instant()).await;
    emu.admin(
        Method::POST,
        "/faults?api_key=k",
        Some(
            json!({ "status": 503, "path_prefix": "/v2/reputation", "delay_ms": 150,
                     "body": { "errors": [{ "code": "90000", "title": "Down" }] } }),
        ),
    )
    .await;
    let started = Instant::now();
    let (status, body) = emu.get("k", "/reputation/numbers").await;
    assert_eq!(status, 503);
    assert_eq!(first_error(&body)["code"], "90000");
    assert!(started.elapsed() >= Duration::from_millis(150));

    emu.admin(
        Method::POST,
        "/faults?api_key=k",
        Some(json!({ "drop_connection": true })),
    )
    .await;
    let dropped = emu
        .http
        .get(emu.url("/enterprises"))
        .bearer_auth("k")
        .send()
        .await;
    assert!(
        dropped.is_err(),
        "the connection is closed without an answer"
    );
    let (status, _) = emu.get("k", "/enterprises").await;
    assert_eq!(status, 200, "the next request is served");

    emu.admin(
        Method::POST,
        "/faults?api_key=k",
        Some(json!({ "status": 500, "count": 5 })),
    )
    .await;
    let (status, body) = emu.admin(Method::GET, "/faults?api_key=k", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"][0]["remaining"], 5);
    let (status, _) = emu.admin(Method::DELETE, "/faults?api_key=k", None).await;
    assert_eq!(status, 204);
    let (status, _) = emu.get("k", "/enterprises").await;
    assert_eq!(status, 200);
    let (status, _) = emu
        .admin(Method::POST, "/faults", Some(json!({ "status": 42 })))
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn journal_records_requests_with_redacted_authorization() {
    let emu = start(instant()).await;
    emu.post("k", "/enterprises?x=1", json!({ "legal_name": "Journal" }))
        .await;
    emu.get("other", "/enterprises").await;
    emu.admin(
        Method::POST,
        "/faults?api_key=k",
        Some(json!({ "status": 500 })),
    )
    .await;
    emu.get("k", "/reputation/numbers").await;

    let (status, body) = emu.admin(Method::GET, "/requests?api_key=k", None).await;
    assert_eq!(status, 200);
    let entries = body["data"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    let first = &entries[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/v2/enterprises");
    assert_eq!(first["query"], "x=1");
    assert_eq!(first["status"], 422);
    assert_eq!(
        first["account"], "sha256:8254c329a928",
        "a fingerprint, never the key"
    );
    assert!(!body.to_string().contains("\"k\""), "{body}");
    assert_eq!(first["headers"]["authorization"], "[redacted]");
    assert_eq!(first["headers"]["content-type"], "application/json");
    assert_eq!(first["body_encoding"], "utf8");
    assert!(
        first["body"]
            .as_str()
            .unwrap_or_default()
            .contains("Journal")
    );
    assert_eq!(entries[1]["status"], 500);
    assert!(entries[1]["request_id"].is_string());
    assert!(entries[1]["fault_id"].is_number());

    let (_, body) = emu.admin(Method::GET, "/requests?limit=1", None).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        body["data"][0]["path"], "/v2/reputation/numbers",
        "newest kept"
    );
    let (status, _) = emu.admin(Method::DELETE, "/requests", None).await;
    assert_eq!(status, 204);
    let (_, body) = emu.admin(Method::GET, "/requests", None).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn reset_one_account_or_all() {
    let emu = start(instant()).await;
    let a = emu.approved_enterprise("a", "Alpha LLC").await;
    emu.add_numbers("a", &a, &crate::common::numbers(0, 1))
        .await;
    emu.create_enterprise("b", "Beta LLC").await;

    let (status, _) = emu.admin(Method::POST, "/reset?api_key=a", None).await;
    assert_eq!(status, 204);
    let (_, body) = emu.get("a", "/enterprises").await;
    assert_eq!(body["meta"]["total_results"], 0);
    assert_eq!(emu.ledger("a").await["total"], 0);
    let (_, body) = emu
        .get(
            "a",
            "/terms_of_service/status?product_type=number_reputation",
        )
        .await;
    assert_eq!(body["data"]["has_agreed"], false);
    let (_, body) = emu.get("b", "/enterprises").await;
    assert_eq!(body["meta"]["total_results"], 1, "other accounts kept");

    let (status, _) = emu.admin(Method::POST, "/reset", None).await;
    assert_eq!(status, 204);
    let (_, body) = emu.get("b", "/enterprises").await;
    assert_eq!(body["meta"]["total_results"], 0);
}

#[tokio::test]
async fn health_and_ledger_entries() {
    let emu = start(instant()).await;
    let (status, body) = emu.admin(Method::GET, "/health", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["approval_delay"], "0s");
    assert_eq!(body["seed"], 7);

    let id = emu.approved_enterprise("k", "Ledger LLC").await;
    emu.add_numbers("k", &id, &crate::common::numbers(0, 2))
        .await;
    emu.get(
        "k",
        &format!("/enterprises/{id}/reputation/numbers/+12025550000"),
    )
    .await;
    emu.post(
        "k",
        &format!("/enterprises/{id}/reputation/numbers/refresh"),
        json!({ "phone_numbers": ["+12025550001"] }),
    )
    .await;
    let ledger = emu.ledger("k").await;
    assert_eq!(ledger["enable"], 1);
    assert_eq!(ledger["numbers_added"], 2);
    assert_eq!(ledger["live_lookups"], 1);
    assert_eq!(ledger["refreshes"], 1);
    assert_eq!(ledger["total"], 5);
    assert_eq!(ledger["entries"][1]["phone_number"], "+12025550000");
    assert_eq!(ledger["entries"][1]["enterprise_id"], id);
    // The ledger can also be read with the account's bearer token.
    let response = emu
        .http
        .get(format!("{}/ledger", emu.running.admin_url()))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["data"]["total"], 5);
    let (status, _) = emu.admin(Method::GET, "/ledger", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn shutdown_is_clean() {
    let emu = start(instant()).await;
    let url = emu.url("/enterprises");
    let http = emu.http.clone();
    emu.running.shutdown().await;
    assert!(http.get(url).bearer_auth("k").send().await.is_err());
}

#[tokio::test]
async fn absurd_clock_advances_are_400s_and_the_emulator_keeps_answering() {
    let emu = start(instant()).await;
    for (body, pointer) in [
        (json!({ "seconds": 1e300 }), "/seconds"),
        (json!({ "milliseconds": 1e300 }), "/milliseconds"),
        (json!({ "seconds": 400.0 * 366.0 * 86400.0 }), "/seconds"),
        (json!({ "seconds": -1 }), "/seconds"),
        (json!({ "seconds": "soon" }), "/seconds"),
    ] {
        let (status, reply) = emu
            .admin(Method::POST, "/clock/advance", Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body} -> {reply}");
        assert_eq!(first_error(&reply)["source"]["pointer"], pointer, "{reply}");
    }
    // Ten years at a time is allowed, up to the total bound; past it, a 400 that says so.
    let ten_years = 10.0 * 366.0 * 86400.0;
    let mut accepted = 0;
    loop {
        let (status, reply) = emu
            .admin(
                Method::POST,
                "/clock/advance",
                Some(json!({ "seconds": ten_years })),
            )
            .await;
        if status == 400 {
            assert!(
                first_error(&reply)["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("already")),
                "{reply}"
            );
            break;
        }
        assert_eq!(status, 200, "{reply}");
        accepted += 1;
        assert!(accepted <= 100, "the total offset is bounded");
    }
    assert_eq!(accepted, 100);
    let (status, body) = emu.admin(Method::GET, "/health", None).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = emu.get("k", "/enterprises").await;
    assert_eq!(status, 200, "later requests are still answered");
}

#[tokio::test]
async fn drop_after_processing_applies_and_bills_but_never_answers() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Lost Answer LLC").await;
    let path = format!("/v2/enterprises/{id}/reputation/numbers");
    let (status, body) = emu
        .admin(
            Method::POST,
            "/faults?api_key=k",
            Some(json!({ "method": "POST", "path_prefix": path, "drop_after_processing": true })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["drop_after_processing"], true);
    let numbers = crate::common::numbers(0, 3);
    let lost = emu
        .http
        .post(emu.url(&format!("/enterprises/{id}/reputation/numbers")))
        .bearer_auth("k")
        .json(&json!({ "phone_numbers": numbers }))
        .send()
        .await;
    assert!(lost.is_err(), "no answer reaches the client: {lost:?}");

    // The work was done: the numbers are monitored and billed once.
    let (_, listed) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    assert_eq!(listed["meta"]["total_results"], 3, "{listed}");
    assert_eq!(emu.ledger("k").await["numbers_added"], 3);
    // The journal says what the server answered and that the answer was dropped.
    let (_, journal) = emu
        .admin(Method::GET, "/requests?api_key=k&limit=2", None)
        .await;
    let added = &journal["data"][0];
    assert_eq!(added["method"], "POST", "{journal}");
    assert_eq!(added["status"], 201);
    assert_eq!(added["answer_dropped"], true);
    assert!(added["fault_id"].is_u64());
    assert_eq!(journal["data"][1]["answer_dropped"], false);
}
