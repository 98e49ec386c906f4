//! Real webhook deliveries from the emulator, verified by the facade's
//! `telnyx_reputation::webhooks::verify` with the public key the emulator serves: every
//! delivery must verify and decode to the typed event.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use telnyx_reputation::webhooks::{WebhookEvent, verify};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator};

type Inbox = Arc<Mutex<Vec<(Vec<(String, String)>, Bytes)>>>;

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    inbox.lock().expect("inbox").push((headers, body));
    StatusCode::OK
}

#[tokio::test]
async fn emulator_deliveries_verify_with_the_facade() {
    let emulator = Emulator::builder()
        .approval_delay(ApprovalDelay::Manual)
        .seed(11)
        .port(0)
        .start()
        .await
        .expect("emulator starts");
    let inbox: Inbox = Arc::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let base = emulator.base_url();
    let admin = emulator.admin_url();
    let call = |method: reqwest::Method, url: String, body: Value| {
        let http = http.clone();
        async move {
            let response = http
                .request(method, url)
                .bearer_auth("KEYe2e-webhooks")
                .json(&body)
                .send()
                .await
                .expect("answered");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert!(status < 300, "{status}: {body}");
            body
        }
    };
    use reqwest::Method;
    call(
        Method::POST,
        format!("{base}/terms_of_service/number_reputation/agree"),
        json!({}),
    )
    .await;
    let enterprise = call(
        Method::POST,
        format!("{base}/enterprises"),
        json!({
            "legal_name": "Webhook Receivers LLC",
            "doing_business_as": "Hooks",
            "organization_type": "commercial",
            "organization_legal_type": "llc",
            "country_code": "US",
            "jurisdiction_of_incorporation": "Delaware",
            "website": "https://hooks.example.com",
            "fein": "12-3456789",
            "industry": "technology",
            "number_of_employees": "1-10",
            "organization_contact": {
                "first_name": "Ada", "last_name": "Lovelace", "email": "ada@hooks.example.com",
                "job_title": "CTO", "phone_number": "+13125550000"
            },
            "billing_contact": {
                "first_name": "Ada", "last_name": "Lovelace", "email": "ada@hooks.example.com",
                "phone_number": "+13125550001"
            },
            "organization_physical_address": {
                "country": "US", "administrative_area": "IL", "city": "Chicago",
                "postal_code": "60601", "street_address": "100 Main St"
            },
            "billing_address": {
                "country": "US", "administrative_area": "IL", "city": "Chicago",
                "postal_code": "60601", "street_address": "100 Main St"
            }
        }),
    )
    .await;
    let id = enterprise["data"]["id"].as_str().expect("id").to_string();
    let document = call(
        Method::POST,
        format!("{base}/documents"),
        json!({ "file": "JVBERi0xLjc=", "filename": "loa.pdf" }),
    )
    .await;
    let document = document["data"]["id"]
        .as_str()
        .expect("document id")
        .to_string();
    call(
        Method::POST,
        format!("{base}/enterprises/{id}/reputation"),
        json!({ "loa_document_id": document }),
    )
    .await;
    call(
        Method::POST,
        format!("{admin}/gates"),
        json!({ "enterprise_id": id, "status": "approved", "loa_status": "approved" }),
    )
    .await;
    call(
        Method::PATCH,
        format!("{base}/enterprises/{id}/reputation/webhook"),
        json!({ "webhook_url": hook }),
    )
    .await;
    let number = "+12025550142";
    call(
        Method::POST,
        format!("{base}/enterprises/{id}/reputation/numbers"),
        json!({ "phone_numbers": [number] }),
    )
    .await;
    call(
        Method::POST,
        format!("{admin}/numbers/ownership"),
        json!({ "phone_number": number, "ownership_status": "pending_confirmation" }),
    )
    .await;
    call(
        Method::POST,
        format!("{admin}/clock/advance"),
        json!({ "seconds": 8 * 86_400 }),
    )
    .await;
    call(
        Method::POST,
        format!("{base}/enterprises/{id}/reputation/external_verification"),
        json!({ "document_ids": [document] }),
    )
    .await;
    call(
        Method::POST,
        format!("{admin}/gates"),
        json!({ "enterprise_id": id, "external_verification_status": "approved" }),
    )
    .await;

    // Our own remediation notification, to the request's webhook_url.
    let number_two = "+12025550143";
    call(
        Method::POST,
        format!("{base}/enterprises/{id}/reputation/numbers"),
        json!({ "phone_numbers": [number_two] }),
    )
    .await;
    let remediation = call(
        Method::POST,
        format!("{base}/enterprises/{id}/reputation/remediation"),
        json!({ "phone_numbers": [number_two], "call_purpose": "Reminders", "webhook_url": hook }),
    )
    .await;
    let remediation_id = remediation["data"]["id"].as_str().expect("id").to_string();
    // Let the first three arrive before the fourth, so the remediation one is last.
    let deadline = Instant::now() + Duration::from_secs(10);
    while inbox.lock().expect("inbox").len() < 3 {
        assert!(Instant::now() < deadline, "three deliveries arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    call(
        Method::POST,
        format!("{admin}/remediation/advance"),
        json!({ "remediation_id": remediation_id }),
    )
    .await;

    let deadline = Instant::now() + Duration::from_secs(10);
    while inbox.lock().expect("inbox").len() < 4 {
        assert!(Instant::now() < deadline, "four deliveries arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let key: Value = http
        .get(format!("{admin}/webhooks/public_key"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    let key = key["public_key"].as_str().expect("public_key").to_string();
    assert_eq!(key, emulator.webhook_public_key());

    let deliveries = inbox.lock().expect("inbox").clone();
    let events: Vec<WebhookEvent> = deliveries
        .iter()
        .map(|(headers, body)| {
            verify(body, headers.iter().map(|(k, v)| (k, v)), &key)
                .expect("every delivery verifies with the facade")
        })
        .collect();
    // Deliveries run concurrently, so find each by its type rather than by arrival order.
    let flagged = events.iter().find_map(|e| match e {
        WebhookEvent::NumberFlagged(e) => Some(e),
        _ => None,
    });
    let flagged = flagged.expect("a number.flagged delivery");
    assert_eq!(flagged.phone_number, number);
    assert_eq!(flagged.enterprise_id, id);
    assert_eq!(flagged.flag_reason, "carrier_changed");
    assert_eq!(flagged.delivery.attempt, 1);
    assert_eq!(flagged.delivery.delivered_to, hook);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, WebhookEvent::NumberRemoved(e) if e.phone_number == number)),
        "a number.removed delivery: {events:?}"
    );
    assert!(
        events.iter().any(
            |e| matches!(e, WebhookEvent::ExternalVerificationStatusChanged(e) if e.enterprise_id == id)
        ),
        "an external_verification.status_changed delivery: {events:?}"
    );
    // The remediation notification verifies too, as the typed event; its payload is the
    // contract's (ours).
    match &events[3] {
        WebhookEvent::RemediationStatusChanged(e) => {
            assert_eq!(e.enterprise_id, id);
            assert_eq!(e.remediation.id, remediation_id);
        }
        other => panic!("a typed remediation event, got {other:?}"),
    }
    let ours: telnyx_reputation_api::types::RemediationStatusChangedEvent =
        serde_json::from_slice(&deliveries[3].1).expect("matches RemediationStatusChangedEvent");
    assert_eq!(
        ours.data.event_type,
        "number_reputation.remediation.status_changed"
    );
    assert_eq!(ours.data.payload.id.to_string(), remediation_id);
    assert_eq!(ours.data.payload.enterprise_id.to_string(), id);
    assert_eq!(ours.data.payload.status.to_string(), "completed");

    // A tampered body is refused by the same verifier.
    let (headers, body) = &deliveries[0];
    let mut tampered = body.to_vec();
    tampered.extend_from_slice(b" ");
    assert!(verify(&tampered, headers.iter().map(|(k, v)| (k, v)), &key).is_err());
    emulator.shutdown().await;
}
