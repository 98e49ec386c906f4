//! Fixture scenarios: `POST /_emulator/fixtures` and `--fixtures FILE` at start run steps in
//! order with references to earlier steps, every step or none.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Emu, enterprise_body, instant, numbers, pointers, start};

/// Terms agreed, an approved enterprise with `count` numbers, one of them high risk.
fn approved_scenario(count: u32) -> Value {
    let list = numbers(300, count);
    json!({ "fixtures": [
        { "path": "/v2/terms_of_service/number_reputation/agree" },
        { "name": "acme", "path": "/v2/enterprises", "params": enterprise_body("Fixture Plumbing LLC") },
        { "name": "loa", "path": "/v2/documents",
          "params": { "file": "JVBERi0xLjcgc2lnbmVk", "filename": "loa.pdf" } },
        { "path": "/v2/enterprises/${acme:data.id}/reputation",
          "params": { "loa_document_id": "${loa:data.id}" } },
        { "path": "/_emulator/gates",
          "params": { "enterprise_id": "${acme:data.id}", "status": "approved", "loa_status": "approved" } },
        { "name": "numbers", "path": "/v2/enterprises/${acme:data.id}/reputation/numbers",
          "params": { "phone_numbers": list } },
        { "path": "/_emulator/numbers/reputation",
          "params": { "phone_number": list[0], "reputation_data": { "spam_risk": "high", "spam_category": "robocall" } } },
    ] })
}

async fn load(emu: &Emu, key: &str, scenario: Value) -> (u16, Value) {
    emu.admin(
        Method::POST,
        &format!("/fixtures?api_key={key}"),
        Some(scenario),
    )
    .await
}

#[tokio::test]
async fn a_scenario_runs_in_order_with_references_to_earlier_steps() {
    let emu = start(instant()).await;
    let (status, body) = load(&emu, "k", approved_scenario(3)).await;
    assert_eq!(status, 200, "{body}");
    let id = body["data"]["steps"]["acme"]["data"]["id"]
        .as_str()
        .expect("the named step's response")
        .to_string();
    let (status, settings) = emu.get("k", &format!("/enterprises/{id}/reputation")).await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["data"]["status"], "approved");
    assert_eq!(settings["data"]["loa_status"], "approved");
    let (_, listed) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(3), "{listed}");
    let first = &numbers(300, 1)[0];
    let (_, record) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers/{first}"),
        )
        .await;
    assert_eq!(
        record["data"]["reputation_data"]["spam_risk"], "high",
        "{record}"
    );
    // Another account saw none of it.
    let (_, others) = emu.get("other", "/enterprises").await;
    assert_eq!(others["data"], json!([]), "{others}");
}

#[tokio::test]
async fn a_bad_reference_is_refused_before_anything_runs() {
    let emu = start(instant()).await;
    let scenario = json!({ "fixtures": [
        { "path": "/v2/terms_of_service/number_reputation/agree" },
        { "path": "/_emulator/gates", "params": { "enterprise_id": "${acme:data.id}" } },
        { "name": "acme", "path": "/v2/enterprises", "params": enterprise_body("Late LLC") },
        { "method": "fetch", "path": "/v2/enterprises" },
        { "path": "/_emulator/reset" },
    ] });
    let (status, body) = load(&emu, "k", scenario).await;
    assert_eq!(status, 422, "{body}");
    let named = pointers(&body);
    for pointer in [
        "/fixtures/1/params/enterprise_id",
        "/fixtures/3/method",
        "/fixtures/4/path",
    ] {
        assert!(named.iter().any(|p| p == pointer), "{pointer} in {body}");
    }
    let (_, terms) = emu
        .get(
            "k",
            "/terms_of_service/status?product_type=number_reputation",
        )
        .await;
    assert_eq!(
        terms["data"]["has_agreed"], false,
        "step 0 did not run: {terms}"
    );
}

#[tokio::test]
async fn a_step_the_api_refuses_names_its_field_and_nothing_is_applied() {
    let emu = start(instant()).await;
    let mut enterprise = enterprise_body("Half Done LLC");
    enterprise
        .as_object_mut()
        .expect("object")
        .remove("legal_name");
    let scenario = json!({ "fixtures": [
        { "path": "/v2/terms_of_service/number_reputation/agree" },
        { "name": "first", "path": "/v2/enterprises", "params": enterprise_body("First LLC") },
        { "name": "broken", "path": "/v2/enterprises", "params": enterprise },
    ] });
    let (status, body) = load(&emu, "k", scenario).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        pointers(&body)
            .iter()
            .any(|p| p == "/fixtures/2/params/legal_name"),
        "{body}"
    );
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Step 2 (broken)")),
        "{body}"
    );
    let (_, listed) = emu.get("k", "/enterprises").await;
    assert_eq!(listed["data"], json!([]), "nothing applied: {listed}");
    let (_, agreements) = emu.get("k", "/terms_of_service/agreements").await;
    assert_eq!(
        agreements["data"],
        json!([]),
        "nothing applied: {agreements}"
    );
}

#[tokio::test]
async fn a_fixture_file_loads_at_start_and_a_bad_one_stops_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("scenario.json");
    let mut scenario = approved_scenario(2);
    scenario["api_key"] = json!("KEY_fixture");
    std::fs::write(&good, scenario.to_string()).expect("write");
    let running = telnyx_reputation_emulator::Emulator::builder()
        .approval_delay(instant())
        .port(0)
        .fixtures(&good)
        .start()
        .await
        .expect("starts with the fixtures loaded");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let listed: Value = http
        .get(format!("{}/enterprises", running.base_url()))
        .bearer_auth("KEY_fixture")
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{listed}");
    running.shutdown().await;

    let bad = dir.path().join("bad.json");
    let mut scenario = approved_scenario(2);
    scenario["api_key"] = json!("KEY_fixture");
    scenario["fixtures"][5]["params"]["phone_numbers"] = json!(["not a number"]);
    std::fs::write(&bad, scenario.to_string()).expect("write");
    let refused = telnyx_reputation_emulator::Emulator::builder()
        .port(0)
        .fixtures(&bad)
        .start()
        .await
        .expect_err("a refused scenario stops the start");
    let message = refused.to_string();
    assert!(
        message.contains("bad.json: /fixtures/5/params/phone_numbers"),
        "{message}"
    );
}
