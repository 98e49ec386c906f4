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
