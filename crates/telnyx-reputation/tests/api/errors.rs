//! Every error kind, produced by the emulator's real rules where it has one and by its fault
//! injection otherwise; each HTTP error carries status, request id and `errors[]`.

use std::time::Duration;

use serde_json::json;
use telnyx_reputation::*;
use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{KEY, new_enterprise, numbers, start, start_with};

const MISSING: &str = "4a6192a4-573d-446d-b3ce-aff9117272a6";

#[tokio::test]
async fn not_found_carries_status_and_errors() {
    let h = start().await;
    let e = h.client.enterprises().get(MISSING).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.kind().code(), "NOT_FOUND");
    assert_eq!(e.status(), Some(404));
    assert!(!e.api_errors().is_empty());
    assert!(e.to_string().starts_with("404 Not Found: "), "{e}");
}

#[tokio::test]
async fn permission_denied_without_terms() {
    let h = start().await;
    let enterprise = h
        .client
        .enterprises()
        .create(new_enterprise("Acme Plumbing LLC"))
        .await
        .unwrap();
    let document = h
        .client
        .documents()
        .upload("loa.pdf", &b"%PDF-1.7"[..])
        .await
        .unwrap();
    let e = h
        .client
        .reputation(&enterprise.id)
        .enable(&document.id, CheckFrequency::Daily)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{e}");
}

#[tokio::test]
async fn bad_request_when_frequency_changes_while_pending() {
    let h = start_with(ApprovalDelay::Manual, |b| b).await;
    let id = h.enabled_enterprise("Acme Plumbing LLC").await;
    let e = h
        .client
        .reputation(&id)
        .set_frequency(CheckFrequency::Daily)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRequest, "{e}");
}

#[tokio::test]
async fn conflict_and_unprocessable_from_remediation() {
    let h = start_with(ApprovalDelay::Manual, |b| b).await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let rep = h.client.reputation(&id);
    let batch = numbers(1);
    rep.numbers().add(&batch).await.unwrap();
    rep.remediation()
        .submit(RemediationRequest::new(&batch, "reminders"))
        .await
        .unwrap();
    let conflict = rep
        .remediation()
        .submit(RemediationRequest::new(&batch, "reminders"))
        .await
        .unwrap_err();
    assert_eq!(conflict.kind(), ErrorKind::Conflict, "{conflict}");

    let foreign = rep
        .remediation()
        .submit(RemediationRequest::new(["+13125559999"], "reminders"))
        .await
        .unwrap_err();
    assert_eq!(foreign.kind(), ErrorKind::Unprocessable, "{foreign}");
    let message = foreign.to_string();
    assert!(message.starts_with("422 Unprocessable: "), "{message}");
}

#[tokio::test]
async fn fault_statuses_classify() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(0)).await;
    for (status, kind) in [
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (418, ErrorKind::Api),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::Server),
        (503, ErrorKind::Server),
    ] {
        h.fault(json!({
            "status": status,
            "path_prefix": "/v2/enterprises",
            "headers": {"x-request-id": format!("req-{status}")},
        }))
        .await;
        let e = h
            .client
            .enterprises()
            .list()
            .first_page()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{status}: {e}");
        assert_eq!(e.status(), Some(status));
        assert_eq!(e.request_id(), Some(format!("req-{status}").as_str()));
    }
}

#[tokio::test]
async fn rate_limited_carries_retry_after() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(0)).await;
    h.fault(json!({"status": 429, "retry_after": "7"})).await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind().code(), "RATE_LIMITED");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn timeout_and_connection() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| {
        b.max_retries(0).timeout(Duration::from_millis(300))
    })
    .await;
    h.fault(json!({"status": 200, "delay_ms": 2000})).await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");

    h.fault(json!({"drop_connection": true})).await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");

    let closed = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9/v2")
        .max_retries(0)
        .build()
        .unwrap();
    let e = closed.enterprises().list().first_page().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Connection {
                before_send: true,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn gate_rejected_names_the_gate_and_reasons() {
    let h = start().await;
    let id = h.enabled_enterprise("Acme REJECT LLC").await;
    let e = h
        .client
        .reputation(&id)
        .wait_until_approved(WaitOptions::default())
        .await
        .unwrap_err();
    match &e {
        Error::GateRejected { gate, reasons } => {
            assert_eq!(*gate, Gate::Status);
            assert!(!reasons.is_empty());
        }
        other => panic!("expected GateRejected, got {other:?}"),
    }
    assert_eq!(e.kind().code(), "GATE_REJECTED");

    let id = h.enabled_enterprise("Acme LOAREJECT LLC").await;
    let e = h
        .client
        .reputation(&id)
        .wait_until_approved(WaitOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::GateRejected {
                gate: Gate::LoaStatus,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn waiter_times_out() {
    let h = start_with(ApprovalDelay::Manual, |b| b).await;
    let id = h.enabled_enterprise("Acme Plumbing LLC").await;
    let options = WaitOptions {
        interval: Duration::from_secs(1),
        timeout: Duration::from_secs(3),
    };
    let e = h
        .client
        .reputation(&id)
        .wait_until_approved(options)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert_eq!(h.sleeps.taken(), vec![Duration::from_secs(1); 3]);
}

#[tokio::test]
async fn details_of_a_422_keep_every_errors_field_and_meta() {
    let h = start().await;
    let item = json!({
        "code": "10015", "title": "Invalid phone number", "detail": "must be US E.164",
        "source": {"pointer": "/phone_numbers/0"}, "meta": {"url": "https://example.com/10015"}
    });
    h.fault(
        json!({"status": 422, "headers": {"x-request-id": "req-422"}, "body": {"errors": [item]}}),
    )
    .await;
    let e = h.client.enterprises().get(MISSING).await.unwrap_err();
    let details = serde_json::to_value(e.details()).unwrap();
    assert_eq!(
        details,
        json!({
            "kind": "UNPROCESSABLE",
            "message": "422 Unprocessable: 10015 Invalid phone number: must be US E.164 (at /phone_numbers/0)",
            "status": 422, "request_id": "req-422",
            "errors": [{
                "code": "10015", "title": "Invalid phone number", "detail": "must be US E.164",
                "source": {"pointer": "/phone_numbers/0", "parameter": null},
                "meta": {"url": "https://example.com/10015"}
            }],
            "retry_after": null, "gate": null, "reasons": null, "outcome_unknown": null,
            "body": null
        })
    );
    let back: ErrorDetails = serde_json::from_value(details).unwrap();
    assert_eq!(back, e.details());
}

#[tokio::test]
async fn details_of_a_429_carry_retry_after_in_seconds() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(0)).await;
    h.fault(json!({"status": 429, "retry_after_ms": "1500"}))
        .await;
    let e = h.client.enterprises().get(MISSING).await.unwrap_err();
    let details = e.details();
    assert_eq!(details.kind, ErrorKind::RateLimited);
    assert_eq!(details.retry_after, Some(1.5));
    assert_eq!(details.status, Some(429));
    assert_eq!(details.errors[0].code.as_deref(), Some("10011"));
}

#[tokio::test]
async fn details_of_a_gate_rejection_and_a_transport_failure() {
    let h = start().await;
    let id = h.enabled_enterprise("Acme REJECT LLC").await;
    let e = h
        .client
        .reputation(&id)
        .wait_until_approved(WaitOptions::default())
        .await
        .unwrap_err();
    let details = e.details();
    assert_eq!(details.kind, ErrorKind::GateRejected);
    assert_eq!(details.gate, Some(Gate::Status));
    assert!(!details.reasons.unwrap().is_empty());
    assert_eq!((details.status, details.outcome_unknown), (None, None));
    assert_eq!(serde_json::to_value(Gate::LoaStatus).unwrap(), "loa_status");

    let closed = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9/v2")
        .max_retries(0)
        .build()
        .unwrap();
    let e = closed.enterprises().get(MISSING).await.unwrap_err();
    let details = e.details();
    assert_eq!(details.kind, ErrorKind::Connection);
    assert_eq!(details.outcome_unknown, Some(false));
    assert_eq!(details.message, e.to_string());
    assert!(details.errors.is_empty() && details.gate.is_none());
}

/// The cases both bindings check their `err.details` against
/// (`bindings/fixtures/error-details.json`): the facade must produce the same payload, so the
/// three languages agree.
#[tokio::test]
async fn details_match_the_bindings_shared_fixture() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bindings/fixtures/error-details.json"
    );
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON");
    let unknown_id = fixture["unknown_id"].as_str().unwrap();
    let cases = fixture["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 4);
    for (name, case) in cases {
        let h = start_with(ApprovalDelay::Manual, |b| b.max_retries(0)).await;
        let error = if name == "gate_rejected" {
            let id = h.enabled_enterprise("Acme Plumbing LLC").await;
            h.gates(json!({"enterprise_id": id, "status": "rejected",
                           "rejection_reasons": ["FEIN mismatch"]}))
                .await;
            let options = WaitOptions {
                interval: Duration::from_millis(10),
                timeout: Duration::from_secs(5),
            };
            h.client.reputation(&id).wait_until_approved(options).await
        } else {
            h.fault(case["fault"].clone()).await;
            h.client
                .enterprises()
                .get(unknown_id)
                .await
                .map(|_| unreachable!())
        }
        .unwrap_err();
        assert_eq!(
            serde_json::to_value(error.details()).unwrap(),
            case["details"],
            "{name}"
        );
    }
}
