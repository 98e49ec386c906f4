//! Cross-cutting error behaviour: 401, 404 routes, 405, malformed bodies, 413, isolation.

use reqwest::Method;
use serde_json::json;

use crate::common::{enterprise_body, first_error, instant, pointers, start};

#[tokio::test]
async fn missing_or_empty_bearer_is_401() {
    let emu = start(instant()).await;
    for path in [
        "/enterprises",
        "/reputation/numbers",
        "/terms_of_service/status",
    ] {
        let (status, body) = emu.call(None, Method::GET, path, None).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(first_error(&body)["code"], "10009");
        assert_eq!(first_error(&body)["title"], "Authentication failed");
        assert!(first_error(&body)["meta"]["url"].is_string());
    }
    let response = emu
        .http
        .get(emu.url("/enterprises"))
        .header("Authorization", "Bearer ")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 401);
    let response = emu
        .http
        .get(emu.url("/enterprises"))
        .header("Authorization", "Basic abc")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn unknown_route_is_404_and_wrong_method_is_405() {
    let emu = start(instant()).await;
    let (status, body) = emu.get("k", "/nope").await;
    assert_eq!(status, 404);
    assert_eq!(first_error(&body)["code"], "10005");
    let (status, body) = emu.call(Some("k"), Method::GET, "/../outside", None).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = emu.patch("k", "/enterprises", json!({})).await;
    assert_eq!(status, 405);
    assert_eq!(first_error(&body)["title"], "Method not allowed");
    assert_eq!(
        first_error(&body)["detail"],
        "PATCH is not supported on /v2/enterprises."
    );
    let (status, _) = emu.get("k", "/documents").await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn malformed_json_is_400_and_wrong_types_422_with_pointers() {
    let emu = start(instant()).await;
    let response = emu
        .http
        .post(emu.url("/enterprises"))
        .bearer_auth("k")
        .header("Content-Type", "application/json")
        .body("{\"legal_name\": ")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(first_error(&body)["source"]["pointer"], "/");

    let (status, body) = emu.post("k", "/enterprises", json!([1, 2])).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&body), vec!["/"]);

    let mut wrong = enterprise_body("Typed Wrong LLC");
    wrong["legal_name"] = json!(42);
    wrong["organization_contact"]["phone_number"] = json!(true);
    let (status, body) = emu.post("k", "/enterprises", wrong).await;
    assert_eq!(status, 422);
    assert_eq!(
        pointers(&body),
        vec!["/legal_name", "/organization_contact/phone_number"]
    );
}

#[tokio::test]
async fn bodies_over_ten_mib_are_413() {
    let emu = start(instant()).await;
    let big = vec![b'a'; 10 * 1024 * 1024 + 10];
    let response = emu
        .http
        .post(emu.url("/documents"))
        .bearer_auth("k")
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 413);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(first_error(&body)["title"], "Request entity too large");
}

#[tokio::test]
async fn accounts_are_isolated() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("alice", "Alice Dental LLC").await;
    let (status, _) = emu
        .add_numbers("alice", &id, &crate::common::numbers(0, 2))
        .await;
    assert_eq!(status, 201);

    let (status, body) = emu.get("bob", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(first_error(&body)["code"], "10005");
    let (status, _) = emu
        .get("bob", &format!("/enterprises/{id}/reputation"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = emu.delete("bob", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 404);
    let (_, body) = emu.get("bob", "/enterprises").await;
    assert_eq!(body["meta"]["total_results"], 0);
    let (_, body) = emu.get("bob", "/reputation/numbers").await;
    assert_eq!(body["meta"]["total_results"], 0);
    let (status, _) = emu.get("bob", "/reputation/numbers/+12025550000").await;
    assert_eq!(status, 404);
    let (_, body) = emu.get("alice", "/reputation/numbers").await;
    assert_eq!(body["meta"]["total_results"], 2);
    // Bob has not agreed to the terms even though Alice did.
    let (_, body) = emu
        .get(
            "bob",
            "/terms_of_service/status?product_type=number_reputation",
        )
        .await;
    assert_eq!(body["data"]["has_agreed"], false);
}

#[tokio::test]
async fn concurrent_requests_are_safe() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Parallel Calls LLC").await;
    let mut tasks = Vec::new();
    for batch in 0..8u32 {
        let http = emu.http.clone();
        let url = emu.url(&format!("/enterprises/{id}/reputation/numbers"));
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .bearer_auth("k")
                .json(&json!({ "phone_numbers": crate::common::numbers(batch * 10, 10) }))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    for task in tasks {
        assert_eq!(task.await.ok().and_then(Result::ok), Some(201));
    }
    let (_, body) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    assert_eq!(body["meta"]["total_results"], 80);
    assert_eq!(emu.ledger("k").await["numbers_added"], 80);
}
