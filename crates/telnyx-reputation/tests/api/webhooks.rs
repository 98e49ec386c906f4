//! The webhook verifier: valid deliveries decode to typed events; tampered bodies, wrong
//! keys, stale or future timestamps and missing or repeated headers fail; header names are
//! case-blind.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::json;
use telnyx_reputation::webhooks::{self, WebhookEvent};
use telnyx_reputation::{ErrorKind, OwnershipStatus};

const NOW: i64 = 1_780_000_000;

fn secret(byte: u8) -> String {
    STANDARD.encode([byte; 32])
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).unwrap()
}

fn flagged_body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "data": {
            "id": "evt-1",
            "event_type": "number_reputation.number.flagged",
            "occurred_at": "2026-06-07T18:06:51Z",
            "record_type": "event",
            "payload": {
                "record_type": "reputation_phone_number",
                "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
                "phone_number": "+12025551234",
                "source": "telnyx",
                "ownership_status": "pending_confirmation",
                "flag_reason": "carrier_changed",
                "confirm_by": "2026-06-14T18:06:51Z"
            }
        },
        "meta": {"attempt": 1, "delivered_to": "https://example.com/hooks"}
    }))
    .unwrap()
}

fn verify(
    body: &[u8],
    headers: &[(String, String)],
    key: &str,
) -> Result<WebhookEvent, telnyx_reputation::Error> {
    webhooks::verify_at(
        body,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        key,
        now(),
    )
}

#[test]
fn valid_delivery_decodes_a_typed_event() {
    let body = flagged_body();
    let headers = webhooks::sign(&body, NOW, &secret(1)).unwrap();
    let public = webhooks::public_key(&secret(1)).unwrap();
    match verify(&body, &headers, &public).unwrap() {
        WebhookEvent::NumberFlagged(event) => {
            assert_eq!(event.phone_number, "+12025551234");
            assert_eq!(event.ownership_status, OwnershipStatus::PendingConfirmation);
            assert_eq!(event.delivery.event_id, "evt-1");
            assert_eq!(event.delivery.attempt, 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unknown_event_types_keep_the_raw_json() {
    let body = br#"{"data":{"event_type":"number_reputation.something.new","id":"e"}}"#;
    let headers = webhooks::sign(body, NOW, &secret(1)).unwrap();
    let public = webhooks::public_key(&secret(1)).unwrap();
    let event = verify(body, &headers, &public).unwrap();
    assert!(
        matches!(event, WebhookEvent::Unknown(ref v) if v["data"]["id"] == "e"),
        "{event:?}"
    );
}

#[test]
fn tampered_body_and_wrong_key_fail() {
    let body = flagged_body();
    let headers = webhooks::sign(&body, NOW, &secret(1)).unwrap();
    let public = webhooks::public_key(&secret(1)).unwrap();
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let e = verify(&tampered, &headers, &public).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WebhookVerification);
    assert_eq!(e.kind().code(), "WEBHOOK_VERIFICATION");
    let other = webhooks::public_key(&secret(2)).unwrap();
    assert!(verify(&body, &headers, &other).is_err());
    assert!(verify(&body, &headers, "not base64!").is_err());
}

#[test]
fn stale_and_future_timestamps_fail_outside_300_seconds() {
    let body = flagged_body();
    let public = webhooks::public_key(&secret(1)).unwrap();
    for (offset, ok) in [(-300, true), (300, true), (-301, false), (301, false)] {
        let headers = webhooks::sign(&body, NOW + offset, &secret(1)).unwrap();
        assert_eq!(
            verify(&body, &headers, &public).is_ok(),
            ok,
            "offset {offset}"
        );
    }
    let headers = webhooks::sign(&body, NOW - 1000, &secret(1)).unwrap();
    let message = verify(&body, &headers, &public).unwrap_err().to_string();
    assert!(message.contains("1000 s old"), "{message}");
}

#[test]
fn header_names_are_case_insensitive_and_required() {
    let body = flagged_body();
    let public = webhooks::public_key(&secret(1)).unwrap();
    let headers: Vec<(String, String)> = webhooks::sign(&body, NOW, &secret(1))
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.to_uppercase().replace("TELNYX", "Telnyx"), v))
        .collect();
    assert!(verify(&body, &headers, &public).is_ok());
    let e = verify(&body, &headers[..1], &public).unwrap_err();
    assert!(e.to_string().contains("missing telnyx-timestamp"), "{e}");
}

#[test]
fn a_repeated_signature_or_timestamp_header_fails() {
    let body = flagged_body();
    let public = webhooks::public_key(&secret(1)).unwrap();
    let headers = webhooks::sign(&body, NOW, &secret(1)).unwrap();
    for (name, value) in &headers {
        let mut repeated = headers.clone();
        repeated.push((name.to_uppercase(), value.clone()));
        let e = verify(&body, &repeated, &public).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WebhookVerification);
        assert!(
            e.to_string()
                .contains(&format!("the {name} header is repeated")),
            "{e}"
        );
    }
}

/// Read one HTTP request from a loopback connection (15 s at most) and answer 200: its
/// headers and body.
fn receive_one(listener: std::net::TcpListener) -> (Vec<(String, String)>, Vec<u8>) {
    use std::io::{Read, Write};
    let (mut socket, _) = listener.accept().unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let (head_end, length) = loop {
        let n = socket.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed before a full request");
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            if raw.len() >= end + 4 + length {
                break (end, length);
            }
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = raw[head_end + 4..head_end + 4 + length].to_vec();
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .unwrap();
    (headers, body)
}

#[tokio::test]
async fn a_remediation_webhook_to_a_loopback_receiver_verifies_as_a_typed_event() {
    let h =
        crate::common::start_with(telnyx_reputation_emulator::ApprovalDelay::Manual, |b| b).await;
    let id = h.approved_enterprise("Remediation Hooks Co").await;
    let rep = h.client.reputation(&id);
    rep.numbers().add(["+12025551234"]).await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/remediation", listener.local_addr().unwrap());
    // A plain http:// loopback receiver is accepted by the facade (the emulator delivers to it).
    let request = telnyx_reputation::RemediationRequest::new(["+12025551234"], "Reminders")
        .webhook_url(url.clone());
    let submitted = rep.remediation().submit(request).await.unwrap();
    h.advance_remediation(
        json!({"enterprise_id": id, "remediation_id": submitted.id, "status": "completed"}),
    )
    .await;
    let receiver = tokio::task::spawn_blocking(move || receive_one(listener));
    let (headers, body) = tokio::time::timeout(std::time::Duration::from_secs(20), receiver)
        .await
        .expect("the emulator delivered the remediation webhook in time")
        .unwrap();
    let public = h.emulator.webhook_public_key();
    let event = webhooks::verify(
        &body,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &public,
    )
    .unwrap();
    let WebhookEvent::RemediationStatusChanged(changed) = event else {
        panic!("expected a typed remediation event, got {event:?}");
    };
    assert_eq!(changed.enterprise_id, id);
    assert_eq!(changed.remediation.id, submitted.id);
    assert_eq!(
        changed.remediation.status,
        telnyx_reputation::RemediationStatus::Completed
    );
    assert_eq!(
        changed.remediation.webhook_url.as_deref(),
        Some(url.as_str())
    );
    assert_eq!(changed.delivery.delivered_to, url);
    // The typed event keeps its serde form: the tag is what the bindings dispatch on.
    let tagged = serde_json::to_value(WebhookEvent::RemediationStatusChanged(changed)).unwrap();
    assert_eq!(tagged["type"], "remediation_status_changed");
}
