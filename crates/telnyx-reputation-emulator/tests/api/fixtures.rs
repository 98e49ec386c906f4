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

/// The approved scenario in YAML: comments, an anchor reused for the billing address, quoted
/// references and phone numbers (an unquoted `+1…` would read as a number).
fn approved_yaml(legal_name: &str, numbers: &[String]) -> String {
    let list: Vec<String> = numbers.iter().map(|n| format!("'{n}'")).collect();
    format!(
        r#"# Terms, an approved enterprise and its numbers.
fixtures:
  - path: /v2/terms_of_service/number_reputation/agree
  - name: acme
    path: /v2/enterprises
    params:
      legal_name: {legal_name}
      doing_business_as: Acme Plumbing
      organization_type: commercial
      organization_legal_type: llc
      country_code: US
      jurisdiction_of_incorporation: Delaware
      website: https://acmeplumbing.example.com
      fein: 12-3456789
      industry: technology
      number_of_employees: 51-200
      organization_contact:
        first_name: Sam
        last_name: Owner
        email: sam@acmeplumbing.example.com
        job_title: Compliance Lead
        phone_number: '+13125550000'
      billing_contact: {{ first_name: Alex, last_name: Bill, email: billing@acmeplumbing.example.com, phone_number: '+13125550001' }}
      organization_physical_address: &office
        country: US
        administrative_area: IL
        city: Chicago
        postal_code: '60601'
        street_address: 100 Main St
      billing_address: *office
  - name: loa
    path: /v2/documents
    params: {{ file: JVBERi0xLjcgc2lnbmVk, filename: loa.pdf }}
  - path: /v2/enterprises/${{acme:data.id}}/reputation
    params: {{ loa_document_id: '${{loa:data.id}}' }}
  - path: /_emulator/gates
    params: {{ enterprise_id: '${{acme:data.id}}', status: approved, loa_status: approved }}
  - name: numbers
    path: /v2/enterprises/${{acme:data.id}}/reputation/numbers
    params:
      phone_numbers: [{}]
"#,
        list.join(", ")
    )
}

async fn load_yaml(emu: &Emu, key: &str, yaml: String, content_type: &str) -> (u16, Value) {
    let response = emu
        .http
        .post(format!(
            "{}/fixtures?api_key={key}",
            emu.running.admin_url()
        ))
        .header("content-type", content_type)
        .body(yaml)
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_yaml_scenario_loads_like_its_json_twin() {
    let emu = start(instant()).await;
    let list = numbers(400, 2);
    let (status, body) = load_yaml(
        &emu,
        "k",
        approved_yaml("Yaml Plumbing LLC", &list),
        "application/yaml; charset=utf-8",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = body["data"]["steps"]["acme"]["data"]["id"]
        .as_str()
        .expect("the named step's response")
        .to_string();
    let (_, enterprise) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(enterprise["data"]["legal_name"], "Yaml Plumbing LLC");
    // The anchor's address, reused as the billing address.
    assert_eq!(
        enterprise["data"]["billing_address"]["city"], "Chicago",
        "{enterprise}"
    );
    let (_, settings) = emu.get("k", &format!("/enterprises/{id}/reputation")).await;
    assert_eq!(settings["data"]["status"], "approved", "{settings}");
    let (_, listed) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    let mut got: Vec<String> = listed["data"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|n| n["phone_number"].as_str().map(str::to_string))
        .collect();
    got.sort();
    assert_eq!(got, list, "{listed}");
    // The same text sent as JSON is not JSON: the content type decides how it is read.
    let (status, body) = load_yaml(
        &emu,
        "other",
        approved_yaml("Json Plumbing LLC", &list),
        "application/json",
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_refused_yaml_scenario_names_step_and_field_and_applies_nothing() {
    let emu = start(instant()).await;
    // An unquoted phone number reads as a YAML number: refused at its field, step 5.
    let yaml = approved_yaml("Half Yaml LLC", &numbers(410, 1)).replace("['+", "[+");
    let yaml = yaml.replace("'],", "],").replace("']\n", "]\n");
    assert!(yaml.contains("[+1"), "{yaml}");
    let (status, body) = load_yaml(&emu, "k", yaml, "application/yaml").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        pointers(&body)
            .iter()
            .any(|p| p.starts_with("/fixtures/5/params/phone_numbers")),
        "{body}"
    );
    let (_, listed) = emu.get("k", "/enterprises").await;
    assert_eq!(listed["data"], json!([]), "nothing applied: {listed}");
    let (_, terms) = emu
        .get(
            "k",
            "/terms_of_service/status?product_type=number_reputation",
        )
        .await;
    assert_eq!(
        terms["data"]["has_agreed"], false,
        "nothing applied: {terms}"
    );

    // A step the checks refuse before anything runs, pointed at the same way.
    let yaml = "fixtures:\n  - path: /v2/terms_of_service/number_reputation/agree\n  - path: /_emulator/gates\n    params: { enterprise_id: '${acme:data.id}' }\n";
    let (status, body) = load_yaml(&emu, "k", yaml.to_string(), "text/yaml").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        pointers(&body),
        ["/fixtures/1/params/enterprise_id"],
        "{body}"
    );

    // YAML is taken by the fixtures endpoint only: other admin POSTs still need JSON.
    let response = emu
        .http
        .post(format!("{}/gates?api_key=k", emu.running.admin_url()))
        .header("content-type", "application/yaml")
        .body("enterprise_id: x\nstatus: approved\n")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 415);

    // Text that is not YAML: a 400 giving the line.
    let (status, body) = load_yaml(
        &emu,
        "k",
        "fixtures:\n  - path: [unclosed\n".to_string(),
        "application/x-yaml",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let detail = body["errors"][0]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("line") && detail.contains("YAML"), "{body}");
    let (_, terms) = emu
        .get(
            "k",
            "/terms_of_service/status?product_type=number_reputation",
        )
        .await;
    assert_eq!(
        terms["data"]["has_agreed"], false,
        "nothing applied: {terms}"
    );
}

#[tokio::test]
async fn a_yaml_fixture_file_loads_at_start_and_a_bad_one_stops_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("scenario.yaml");
    let yaml = format!(
        "api_key: KEY_yaml\n{}",
        approved_yaml("Started Yaml LLC", &numbers(420, 2))
    );
    std::fs::write(&good, &yaml).expect("write");
    let running = telnyx_reputation_emulator::Emulator::builder()
        .approval_delay(instant())
        .port(0)
        .fixtures(&good)
        .start()
        .await
        .expect("starts with the YAML fixtures loaded");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let listed: Value = http
        .get(format!("{}/enterprises", running.base_url()))
        .bearer_auth("KEY_yaml")
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(
        listed["data"][0]["legal_name"], "Started Yaml LLC",
        "{listed}"
    );
    running.shutdown().await;

    // A refused step: the file, then the step and field.
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        yaml.replace("      legal_name: Started Yaml LLC\n", ""),
    )
    .expect("write");
    let refused = telnyx_reputation_emulator::Emulator::builder()
        .port(0)
        .fixtures(&bad)
        .start()
        .await
        .expect_err("a refused scenario stops the start");
    let message = refused.to_string();
    assert!(
        message.contains("bad.yml: /fixtures/1/params/legal_name"),
        "{message}"
    );

    // Not YAML: the file and the line.
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "api_key: KEY_yaml\nfixtures:\n  - path: [unclosed\n",
    )
    .expect("write");
    let refused = telnyx_reputation_emulator::Emulator::builder()
        .port(0)
        .fixtures(&broken)
        .start()
        .await
        .expect_err("text that is not YAML stops the start");
    let message = refused.to_string();
    assert!(message.contains("broken.yaml:"), "{message}");
    assert!(message.contains("not YAML"), "{message}");
}
