//! Terms of service: defaults, idempotent agreement, agreements, info.

use serde_json::json;

use crate::common::{first_error, instant, start};

#[tokio::test]
async fn status_defaults_to_branded_calling_and_agree_is_idempotent() {
    let emu = start(instant()).await;
    let (status, body) = emu.get("k", "/terms_of_service/status").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["product_type"], "branded_calling");
    assert_eq!(body["data"]["has_agreed"], false);
    assert_eq!(body["data"]["agreement_required"], true);

    let (status, first) = emu
        .post("k", "/terms_of_service/number_reputation/agree", json!({}))
        .await;
    assert_eq!(status, 201);
    let agreement = &first["data"];
    for field in ["id", "agreed_at", "created_at", "terms_version", "version"] {
        assert!(agreement[field].is_string(), "{field}");
    }
    assert_eq!(agreement["product_type"], "number_reputation");
    assert_eq!(agreement["version"], agreement["terms_version"]);
    // A bodyless POST, as Node sends it, also works and returns the same agreement.
    let response = emu
        .http
        .post(emu.url("/terms_of_service/number_reputation/agree"))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 201);
    let again: serde_json::Value = response.json().await.expect("json");
    assert_eq!(again["data"]["id"], agreement["id"]);

    let (_, body) = emu
        .get(
            "k",
            "/terms_of_service/status?product_type=number_reputation",
        )
        .await;
    assert_eq!(body["data"]["has_agreed"], true);
    assert_eq!(body["data"]["agreement_required"], false);
    assert_eq!(body["data"]["agreed_version"], agreement["terms_version"]);
    let (_, body) = emu.get("k", "/terms_of_service/status").await;
    assert_eq!(
        body["data"]["has_agreed"], false,
        "branded_calling stays unagreed"
    );
}

#[tokio::test]
async fn agreements_list_get_and_info() {
    let emu = start(instant()).await;
    let (_, agreed) = emu
        .post("k", "/terms_of_service/number_reputation/agree", json!({}))
        .await;
    let id = agreed["data"]["id"].as_str().expect("id");

    let (_, body) = emu.get("k", "/terms_of_service/agreements").await;
    assert_eq!(
        body["meta"]["total_results"], 0,
        "defaults to branded_calling"
    );
    let (_, body) = emu
        .get(
            "k",
            "/terms_of_service/agreements?product_type=number_reputation",
        )
        .await;
    assert_eq!(body["meta"]["total_results"], 1);
    assert_eq!(body["data"][0]["id"], id);

    let (status, body) = emu
        .get("k", &format!("/terms_of_service/agreements/{id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["id"], id);
    let (status, _) = emu
        .get("other", &format!("/terms_of_service/agreements/{id}"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = emu.get("k", "/terms_of_service/agreements/nope").await;
    assert_eq!(status, 404);

    let (status, body) = emu.get("k", "/terms_of_service/info").await;
    assert_eq!(status, 200);
    assert!(body.get("data").is_none(), "info is not data-wrapped");
    assert_eq!(body["agreements"].as_array().map(Vec::len), Some(2));
    let (_, body) = emu
        .get("k", "/terms_of_service/info?product_type=number_reputation")
        .await;
    assert_eq!(body["agreements"][0]["product_type"], "number_reputation");
    assert!(body["agreements"][0]["terms_url"].is_string());

    let (status, body) = emu
        .get("k", "/terms_of_service/status?product_type=voice")
        .await;
    assert_eq!(status, 400);
    assert_eq!(first_error(&body)["source"]["parameter"], "product_type");
}
