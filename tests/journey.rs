//! The quickstart journey through the facade against the in-process emulator — terms,
//! enterprise, LOA render, upload, enable, wait, add, cached and fresh reads, list, refresh,
//! remediation to completion, disable — with an insta snapshot of every request the
//! emulator recorded (ids, timestamps and the multipart boundary redacted).

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{Map, Value, json};
use telnyx_reputation::*;
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};

const KEY: &str = "KEYe2e-journey";

/// Request headers worth pinning (the rest are transport details).
const PINNED_HEADERS: [&str; 3] = ["accept", "content-type", "api-version"];

#[tokio::test]
async fn quickstart_journey_wire_requests() {
    let emulator = Emulator::builder()
        .approval_delay(ApprovalDelay::After(Duration::ZERO))
        .seed(7)
        .port(0)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(emulator.base_url())
        .build()
        .expect("client builds");

    let ids = run_journey(&client).await;
    let journal = journal(&emulator).await;
    let requests: Vec<Value> = journal.iter().map(|e| wire_request(e, &ids)).collect();
    insta::assert_json_snapshot!("quickstart_journey", requests, {
        "[].at" => "[timestamp]",
        "[].seq" => "[seq]",
    });
}

/// Run the journey; returns the ids to redact, with their placeholders.
async fn run_journey(client: &Client) -> Vec<(String, &'static str)> {
    client
        .terms_of_service()
        .agree_number_reputation()
        .await
        .expect("agree");
    let enterprise = client.enterprises().create(acme()).await.expect("create");
    let rep = client.reputation(&enterprise.id);
    let pdf = rep
        .loa()
        .render(LoaRenderOptions::default())
        .await
        .expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    let loa = client
        .documents()
        .upload("loa.pdf", pdf)
        .await
        .expect("upload");
    rep.enable(&loa.id, CheckFrequency::BusinessDaily)
        .await
        .expect("enable");
    let fast = WaitOptions {
        interval: Duration::from_millis(10),
        timeout: Duration::from_secs(10),
    };
    assert!(
        rep.wait_until_approved(fast)
            .await
            .expect("approved")
            .ready_for_numbers()
    );

    let numbers = ["+12025551234", "+12025555678"];
    rep.numbers().add(numbers).await.expect("add");
    rep.numbers().get(numbers[0]).await.expect("cached read");
    rep.numbers()
        .get_fresh(numbers[0])
        .await
        .expect("fresh read");
    let listed: Vec<ReputationNumber> = rep
        .numbers()
        .list()
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .expect("list");
    assert_eq!(listed.len(), 2);
    let refreshed = rep.numbers().refresh(numbers).await.expect("refresh");
    assert_eq!(refreshed.total_requested, 2);

    let request = RemediationRequest::new(
        numbers,
        "Outbound appointment reminders for our dental clinic.",
    )
    .contact_email("ops@example.com");
    let remediation = rep.remediation().submit(request).await.expect("submit");
    let done = remediation_outcome(&rep, &remediation.id).await;
    assert!(done.status.is_final(), "{:?}", done.status);

    rep.disable().await.expect("disable");
    vec![
        (enterprise.id, "[enterprise_id]"),
        (loa.id, "[document_id]"),
        (remediation.id, "[remediation_id]"),
    ]
}

/// Poll a remediation request until it reaches a final status.
async fn remediation_outcome(rep: &Reputation, id: &str) -> Remediation {
    for _ in 0..50 {
        let current = rep.remediation().get(id).await.expect("get remediation");
        if current.status.is_final() {
            return current;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("remediation {id} did not finish");
}

async fn journal(emulator: &RunningEmulator) -> Vec<Value> {
    let url = format!("{}/requests?limit=1000&api_key={KEY}", emulator.admin_url());
    let body: Value = reqwest::get(url)
        .await
        .expect("journal answers")
        .json()
        .await
        .expect("journal is JSON");
    body["data"].as_array().cloned().expect("journal entries")
}

/// What a request looked like on the wire, with ids replaced by placeholders.
fn wire_request(entry: &Value, ids: &[(String, &'static str)]) -> Value {
    let redact = |text: &str| {
        ids.iter().fold(text.to_owned(), |acc, (id, name)| {
            acc.replace(id.as_str(), name)
        })
    };
    let mut headers = Map::new();
    for name in PINNED_HEADERS {
        if let Some(value) = entry["headers"][name].as_str() {
            headers.insert(name.to_owned(), json!(redact_boundary(value)));
        }
    }
    let content_type = entry["headers"]["content-type"]
        .as_str()
        .unwrap_or_default();
    let body = body_text(entry);
    json!({
        "seq": entry["seq"],
        "at": entry["at"],
        "method": entry["method"],
        "path": redact(entry["path"].as_str().unwrap_or_default()),
        "query": entry["query"].as_str().map(redact),
        "headers": headers,
        "body": body_shape(content_type, &redact(&body)),
        "status": entry["status"],
    })
}

/// The recorded body as text; binary bodies (a multipart PDF) are decoded lossily.
fn body_text(entry: &Value) -> String {
    use base64::Engine;
    let body = entry["body"].as_str().unwrap_or_default();
    if entry["body_encoding"] != "base64" {
        return body.to_owned();
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("journal base64 body");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn redact_boundary(content_type: &str) -> String {
    match content_type.split_once("boundary=") {
        Some((head, _)) => format!("{head}boundary=[boundary]"),
        None => content_type.to_owned(),
    }
}

/// JSON bodies as JSON, multipart bodies as their part headers (the boundary is random).
fn body_shape(content_type: &str, body: &str) -> Value {
    if content_type.starts_with("multipart/form-data") {
        let parts: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Content-"))
            .collect();
        return json!({ "multipart_part_headers": parts });
    }
    if body.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(body).unwrap_or_else(|_| json!(body))
}

fn acme() -> NewEnterprise {
    telnyx_reputation::examples::acme()
}
