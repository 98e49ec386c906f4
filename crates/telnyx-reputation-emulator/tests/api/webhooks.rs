//! Webhooks end to end: a receiver on 127.0.0.1 verifies EVERY delivered signature with the
//! public key served at /_emulator/webhooks/public_key (ed25519-dalek directly).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, VerifyingKey};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{Emu, instant, manual, start};

/// What the receiver saw, and how many of the first requests it fails with a 500.
#[derive(Default)]
struct Inbox {
    received: Mutex<Vec<(HeaderMap, Bytes)>>,
    fail_first: AtomicUsize,
}

struct Receiver {
    url: String,
    inbox: Arc<Inbox>,
}

async fn receive(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    inbox
        .received
        .lock()
        .expect("inbox lock")
        .push((headers, body));
    let failing = inbox
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

async fn receiver(fail_first: usize) -> Receiver {
    let inbox = Arc::new(Inbox::default());
    inbox.fail_first.store(fail_first, Ordering::SeqCst);
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind receiver");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver {
        url: format!("http://{addr}/hook"),
        inbox,
    }
}

impl Receiver {
    /// Wait (up to 10 s) until `n` requests arrived, then verify every signature and
    /// return the parsed bodies.
    async fn bodies(&self, emu: &Emu, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let count = self.inbox.received.lock().expect("lock").len();
            if count >= n {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "only {count} of {n} webhooks arrived"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (status, served) = emu.admin(Method::GET, "/webhooks/public_key", None).await;
        assert_eq!(status, 200, "{served}");
        let key = BASE64
            .decode(served["public_key"].as_str().expect("public_key"))
            .expect("base64 key");
        let key = VerifyingKey::from_bytes(&key.try_into().expect("32 bytes")).expect("key");
        let received = self.inbox.received.lock().expect("lock").clone();
        received
            .iter()
            .map(|(headers, body)| {
                let timestamp = headers
                    .get("telnyx-timestamp")
                    .and_then(|v| v.to_str().ok())
                    .expect("telnyx-timestamp");
                let unix: i64 = timestamp.parse().expect("unix seconds");
                assert!((chrono::Utc::now().timestamp() - unix).abs() < 300);
                let signature = headers
                    .get("telnyx-signature-ed25519")
                    .and_then(|v| v.to_str().ok())
                    .expect("signature header");
                let signature =
                    Signature::from_slice(&BASE64.decode(signature).expect("b64")).expect("64");
                let mut message = format!("{timestamp}|").into_bytes();
                message.extend_from_slice(body);
                key.verify_strict(&message, &signature)
                    .expect("every delivery verifies with the served key");
                serde_json::from_slice(body).expect("JSON body")
            })
            .collect()
    }
}

async fn set_webhook(emu: &Emu, key: &str, id: &str, url: &str) {
    let (status, body) = emu
        .patch(
            key,
            &format!("/enterprises/{id}/reputation/webhook"),
            json!({ "webhook_url": url }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn advance(emu: &Emu, seconds: u64) {
    let (status, body) = emu
        .admin(
            Method::POST,
            "/clock/advance",
            Some(json!({ "seconds": seconds })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

fn envelope_ok(event: &Value, event_type: &str, url: &str) {
    let data = &event["data"];
    assert_eq!(data["event_type"], event_type, "{event}");
    assert_eq!(data["record_type"], "event");
    assert!(data["id"].is_string() && data["occurred_at"].is_string());
    assert!(event["meta"]["attempt"].is_u64());
    assert_eq!(event["meta"]["delivered_to"], url);
    // Built as the contract's event type: a payload that did not fit would carry an error.
    assert!(data["payload"].get("errors").is_none(), "{event}");
    assert!(data["payload"]["record_type"].is_string(), "{event}");
}

#[tokio::test]
async fn flagged_then_removed_when_confirm_by_passes() {
    let emu = start(instant()).await;
    let hook = receiver(0).await;
    let id = emu.approved_enterprise("k", "Hooked LLC").await;
    set_webhook(&emu, "k", &id, &hook.url).await;
    let n = "+12025550100";
    emu.add_numbers("k", &id, &[n.to_string()]).await;
    let (_, health) = emu.admin(Method::GET, "/health", None).await;
    let now =
        chrono::DateTime::parse_from_rfc3339(health["now"].as_str().expect("now")).expect("time");
    let confirm_by = (now + chrono::Duration::hours(2)).to_rfc3339();
    let (status, body) = emu
        .admin(
            Method::POST,
            "/numbers/ownership?api_key=k",
            Some(
                json!({ "phone_number": n, "ownership_status": "pending_confirmation",
                          "confirm_by": confirm_by }),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let events = hook.bodies(&emu, 1).await;
    envelope_ok(&events[0], "number_reputation.number.flagged", &hook.url);
    let payload = &events[0]["data"]["payload"];
    assert_eq!(payload["phone_number"], n);
    assert_eq!(payload["enterprise_id"], id);
    assert_eq!(payload["ownership_status"], "pending_confirmation");
    assert_eq!(payload["flag_reason"], "carrier_changed");
    assert_eq!(payload["record_type"], "reputation_phone_number");
    let sent_by =
        chrono::DateTime::parse_from_rfc3339(payload["confirm_by"].as_str().expect("confirm_by"))
            .expect("time");
    assert_eq!(
        sent_by.timestamp(),
        (now + chrono::Duration::hours(2)).timestamp()
    );

    advance(&emu, 3 * 3600).await;
    let events = hook.bodies(&emu, 2).await;
    envelope_ok(&events[1], "number_reputation.number.removed", &hook.url);
    let payload = &events[1]["data"]["payload"];
    assert_eq!(payload["removal_reason"], "unconfirmed_ownership");
    assert_eq!(payload["ownership_status"], "removed");
    let (status, _) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers/{n}"))
        .await;
    assert_eq!(status, 404, "the number is no longer monitored");
    let (_, removed) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers?filter[ownership_status]=removed"),
        )
        .await;
    assert_eq!(
        removed["data"][0]["removal_reason"],
        "unconfirmed_ownership"
    );
}

#[tokio::test]
async fn retried_with_the_same_id_and_logged() {
    let emu = start(instant()).await;
    let hook = receiver(2).await;
    let id = emu.approved_enterprise("k", "Flaky Receiver LLC").await;
    set_webhook(&emu, "k", &id, &hook.url).await;
    let n = "+12025550101";
    emu.add_numbers("k", &id, &[n.to_string()]).await;
    emu.admin(
        Method::POST,
        "/numbers/ownership?api_key=k",
        Some(json!({ "phone_number": n, "ownership_status": "pending_confirmation" })),
    )
    .await;
    let events = hook.bodies(&emu, 3).await;
    let ids: Vec<&Value> = events.iter().map(|e| &e["data"]["id"]).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "same data.id: {ids:?}");
    let attempts: Vec<&Value> = events.iter().map(|e| &e["meta"]["attempt"]).collect();
    assert_eq!(attempts, [&json!(1), &json!(2), &json!(3)]);

    // The log is written after the answer; give the third entry a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let log = loop {
        let (status, log) = emu
            .admin(Method::GET, "/webhooks/deliveries?api_key=k", None)
            .await;
        assert_eq!(status, 200);
        if log["data"].as_array().is_some_and(|a| a.len() >= 3) || Instant::now() > deadline {
            break log;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let rows = log["data"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{log}");
    let statuses: Vec<&Value> = rows.iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(500), &json!(204)]);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["event_id"], *ids[0]);
        assert_eq!(row["event_type"], "number_reputation.number.flagged");
        assert_eq!(row["url"], hook.url);
        assert_eq!(row["attempt"], i + 1);
        assert!(row["at"].is_string());
    }
    let (_, other) = emu
        .admin(
            Method::GET,
            "/webhooks/deliveries?api_key=someone-else",
            None,
        )
        .await;
    assert_eq!(other["data"], json!([]), "the api_key filter");
}

#[tokio::test]
async fn connection_failures_are_retried_a_bounded_number_of_times() {
    let emu = start(instant()).await;
    // A port nobody listens on: bind one, then close it.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("addr");
    let url = format!("http://{closed}/hook");
    let id = emu.approved_enterprise("k", "Nobody Home LLC").await;
    set_webhook(&emu, "k", &id, &url).await;
    emu.add_numbers("k", &id, &["+12025550102".to_string()])
        .await;
    emu.admin(
        Method::POST,
        "/numbers/ownership?api_key=k",
        Some(json!({ "phone_number": "+12025550102", "ownership_status": "pending_confirmation" })),
    )
    .await;
    // 100 + 200 + 400 + 800 ms of backoff; wait a little longer, then check it stopped.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (_, log) = emu
        .admin(Method::GET, "/webhooks/deliveries?api_key=k", None)
        .await;
    let rows = log["data"].as_array().expect("rows");
    assert_eq!(rows.len(), 5, "{log}");
    assert!(rows.iter().all(|r| {
        r["status"].is_null()
            && r["error"]
                .as_str()
                .is_some_and(|e| e.contains("connection failed"))
    }));
}

#[tokio::test]
async fn non_loopback_targets_are_refused_without_a_connection() {
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Elsewhere LLC").await;
    set_webhook(&emu, "k", &id, "https://hooks.example.com/telnyx").await;
    let (status, body) = emu
        .patch(
            "k",
            &format!("/enterprises/{id}/reputation/webhook"),
            json!({ "webhook_url": "http://hooks.example.com/telnyx" }),
        )
        .await;
    assert_eq!(status, 422, "plain http only for loopback: {body}");
    emu.add_numbers("k", &id, &["+12025550103".to_string()])
        .await;
    emu.admin(
        Method::POST,
        "/numbers/ownership?api_key=k",
        Some(json!({ "phone_number": "+12025550103", "ownership_status": "pending_confirmation" })),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let rows = loop {
        let (_, log) = emu
            .admin(Method::GET, "/webhooks/deliveries?api_key=k", None)
            .await;
        let rows = log["data"].as_array().cloned().unwrap_or_default();
        if !rows.is_empty() || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(rows.len(), 1, "refused once, not retried: {rows:?}");
    let error = rows[0]["error"].as_str().expect("error");
    assert!(
        error.contains("not loopback") && error.contains("--webhook-allow-host"),
        "{error}"
    );
}

#[tokio::test]
async fn external_verification_and_remediation_notifications() {
    let emu = start(manual()).await;
    let hook = receiver(0).await;
    let id = emu.approved_enterprise("k", "Verified Elsewhere LLC").await;
    set_webhook(&emu, "k", &id, &hook.url).await;
    let evidence = emu.upload_json("k", "invoice.pdf", b"%PDF invoice").await;
    let (status, body) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/external_verification"),
            json!({ "document_ids": [evidence] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    emu.admin(
        Method::POST,
        "/gates?api_key=k",
        Some(
            json!({ "enterprise_id": id, "external_verification_status": "rejected",
                      "rejection_reasons": ["Invoice does not list the numbers"] }),
        ),
    )
    .await;
    let events = hook.bodies(&emu, 1).await;
    envelope_ok(
        &events[0],
        "number_reputation.external_verification.status_changed",
        &hook.url,
    );
    let payload = &events[0]["data"]["payload"];
    assert_eq!(payload["status"], "rejected");
    assert_eq!(payload["record_type"], "reputation_external_verification");
    assert_eq!(
        payload["rejection_reason"],
        "Invoice does not list the numbers"
    );
    assert!(payload["reviewed_at"].is_string());

    let numbers = vec!["+12025550104".to_string()];
    emu.add_numbers("k", &id, &numbers).await;
    let remediation_hook = format!("{}?remediation=1", hook.url);
    let (status, body) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/remediation"),
            json!({ "phone_numbers": numbers, "call_purpose": "Appointment reminders",
                     "webhook_url": remediation_hook }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let remediation_id = body["data"]["id"].clone();
    emu.admin(
        Method::POST,
        "/remediation/advance?api_key=k",
        Some(json!({ "remediation_id": remediation_id, "status": "in_progress" })),
    )
    .await;
    emu.admin(
        Method::POST,
        "/remediation/advance?api_key=k",
        Some(json!({ "remediation_id": remediation_id })),
    )
    .await;
    let events = hook.bodies(&emu, 3).await;
    for (event, status) in events[1..].iter().zip(["in_progress", "completed"]) {
        envelope_ok(
            event,
            "number_reputation.remediation.status_changed",
            &remediation_hook,
        );
        assert_eq!(event["data"]["payload"]["id"], remediation_id);
        assert_eq!(event["data"]["payload"]["status"], status);
        assert_eq!(
            event["data"]["payload"]["record_type"],
            "remediation_request"
        );
        assert_eq!(event["data"]["payload"]["enterprise_id"], id);
    }
    assert_eq!(
        events[2]["data"]["payload"]["results"]["not_flagged"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_default()
            + events[2]["data"]["payload"]["results"]["remediated"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_default()
            + events[2]["data"]["payload"]["results"]["requires_review"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_default(),
        1
    );
}

#[tokio::test]
async fn the_public_key_derives_from_the_seed() {
    let a = start(instant()).await;
    let b = start(instant()).await;
    let (_, ka) = a.admin(Method::GET, "/webhooks/public_key", None).await;
    let (_, kb) = b.admin(Method::GET, "/webhooks/public_key", None).await;
    assert_eq!(ka, kb);
    assert_eq!(ka["public_key"], a.running.webhook_public_key());
    let c = crate::common::start_seeded(instant(), 8).await;
    let (_, kc) = c.admin(Method::GET, "/webhooks/public_key", None).await;
    assert_ne!(ka, kc);
}

/// The registered numbers of `id` (a free list read), by number.
async fn listed(emu: &Emu, key: &str, id: &str) -> Vec<Value> {
    let (status, body) = emu
        .get(
            key,
            &format!("/enterprises/{id}/reputation/numbers?page[size]=250"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"].as_array().expect("data").clone()
}

fn time_of(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp")).expect("RFC 3339")
}

/// How long after registration each number's ownership came due for re-verification (from
/// its ownership history), with seed `seed`, advancing 130 days without a webhook URL or
/// reputation re-checks.
async fn reverification_offsets(seed: u64, numbers: &[String]) -> Vec<chrono::Duration> {
    let emu = crate::common::start_seeded(instant(), seed).await;
    let id = emu.approved_enterprise("k", "Offsets LLC").await;
    // No reputation re-checks, so no carrier change removes a number on the way.
    let (status, body) = emu
        .patch(
            "k",
            &format!("/enterprises/{id}/reputation/frequency"),
            json!({ "check_frequency": "never" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = emu.add_numbers("k", &id, numbers).await;
    assert_eq!(status, 201, "{body}");
    advance(&emu, 130 * 86_400).await;
    let mut offsets = Vec::new();
    for number in numbers {
        let (status, ownership) = emu
            .get(
                "k",
                &format!("/enterprises/{id}/reputation/numbers/{number}/ownership"),
            )
            .await;
        assert_eq!(status, 200, "{ownership}");
        let history = ownership["data"]["history"].as_array().expect("history");
        let due = history
            .iter()
            .find(|h| h["outcome"] == "reverification_due")
            .unwrap_or_else(|| panic!("no re-verification in {ownership}"));
        offsets.push(
            time_of(&due["occurred_at"]) - time_of(&ownership["data"]["baseline_recorded_at"]),
        );
    }
    offsets
}

#[tokio::test]
async fn ownership_reverification_comes_due_on_schedule_unbilled_and_flags_if_unconfirmed() {
    let emu = start(instant()).await;
    let hook = receiver(0).await;
    let id = emu.approved_enterprise("k", "Reverify LLC").await;
    set_webhook(&emu, "k", &id, &hook.url).await;
    // No reputation re-checks, so anything billed after the adds would be the re-verification.
    let (status, body) = emu
        .patch(
            "k",
            &format!("/enterprises/{id}/reputation/frequency"),
            json!({ "check_frequency": "never" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let numbers = ["+12025550170".to_string(), "+12025550171".to_string()];
    let (status, body) = emu.add_numbers("k", &id, &numbers).await;
    assert_eq!(status, 201, "{body}");
    let billed_before = emu.ledger("k").await["total"].clone();

    // Nothing is due within the 90-day period.
    advance(&emu, 89 * 86_400).await;
    assert!(
        listed(&emu, "k", &id)
            .await
            .iter()
            .all(|n| n["ownership_status"] == "verified")
    );
    // Day by day up to 121 days: each number comes due once, 90 to 120 days after it was
    // added. The first is confirmed the day it is seen; the second is left unconfirmed.
    let mut seen: [Option<Value>; 2] = [None, None];
    let mut confirmed_at = None;
    for _ in 89..121 {
        advance(&emu, 86_400).await;
        for record in listed(&emu, "k", &id).await {
            let Some(i) = numbers.iter().position(|n| record["phone_number"] == *n) else {
                panic!("unexpected number {record}");
            };
            if seen[i].is_some() || record["ownership_status"] == "verified" {
                continue;
            }
            assert_eq!(
                record["ownership_status"], "pending_confirmation",
                "{record}"
            );
            seen[i] = Some(record.clone());
            if i == 0 {
                let (status, body) = emu
                    .post(
                        "k",
                        &format!(
                            "/enterprises/{id}/reputation/numbers/{}/ownership_confirm",
                            numbers[0]
                        ),
                        json!({ "still_own": true }),
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
                assert_eq!(body["data"]["ownership_status"], "verified");
                confirmed_at = Some(time_of(&body["data"]["updated_at"]));
            }
        }
    }
    let events = hook.bodies(&emu, 2).await;
    for (number, record) in numbers.iter().zip(&seen) {
        let record = record
            .as_ref()
            .expect("every number came due within 120 days");
        assert_eq!(record["flag_reason"], "reverification_due");
        let asked_after = time_of(&record["confirm_by"]) - time_of(&record["created_at"]);
        assert!(
            asked_after >= chrono::Duration::days(97) && asked_after <= chrono::Duration::days(127),
            "confirm_by is 7 days after the re-verification came due: {asked_after}"
        );
        let event = events
            .iter()
            .find(|e| e["data"]["payload"]["phone_number"] == *number)
            .expect("a flagged webhook per number");
        envelope_ok(event, "number_reputation.number.flagged", &hook.url);
        let payload = &event["data"]["payload"];
        assert_eq!(payload["flag_reason"], "reverification_due");
        assert_eq!(payload["ownership_status"], "pending_confirmation");
        assert_eq!(payload["enterprise_id"], id);
        assert_eq!(
            time_of(&payload["confirm_by"]),
            time_of(&record["confirm_by"])
        );
        // The event happened when the re-verification came due, 7 days before confirm_by.
        assert_eq!(
            time_of(&record["confirm_by"]) - time_of(&event["data"]["occurred_at"]),
            chrono::Duration::days(7)
        );
    }
    assert_eq!(
        emu.ledger("k").await["total"],
        billed_before,
        "re-verification is not billed"
    );

    // Past every confirm_by: the unconfirmed number is flagged, still monitored.
    advance(&emu, 8 * 86_400).await;
    let after = listed(&emu, "k", &id).await;
    assert_eq!(
        after.len(),
        2,
        "an unconfirmed re-verification removes nothing"
    );
    assert_eq!(after[0]["ownership_status"], "verified");
    assert_eq!(after[1]["ownership_status"], "flagged", "{}", after[1]);
    assert_eq!(after[1]["flag_reason"], "reverification_due");
    assert!(after[1]["confirm_by"].is_null());
    let (_, removed) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers?filter[ownership_status]=removed"),
        )
        .await;
    assert_eq!(removed["data"], json!([]));

    // The confirmed number comes due again exactly 90 days after its confirmation.
    advance(&emu, 83 * 86_400).await;
    let events = hook.bodies(&emu, 3).await;
    assert_eq!(
        events.len(),
        3,
        "no event for the flagged number: {events:?}"
    );
    let again = &events[2]["data"]["payload"];
    assert_eq!(again["phone_number"], numbers[0]);
    assert_eq!(again["flag_reason"], "reverification_due");
    assert_eq!(
        time_of(&events[2]["data"]["occurred_at"]) - confirmed_at.expect("confirmed"),
        chrono::Duration::days(90)
    );
    assert_eq!(emu.ledger("k").await["total"], billed_before);
}

#[tokio::test]
async fn reverification_dates_derive_from_the_seed() {
    let numbers: Vec<String> = (0..6).map(|i| format!("+1202555019{i}")).collect();
    let first = reverification_offsets(3, &numbers).await;
    assert_eq!(first, reverification_offsets(3, &numbers).await);
    assert_ne!(first, reverification_offsets(4, &numbers).await);
    assert!(
        first.iter().any(|d| *d != first[0]),
        "a batch does not all come due at once: {first:?}"
    );
}

/// POST /_emulator/trigger for account `key`.
async fn trigger(emu: &Emu, key: &str, body: Value) -> (u16, Value) {
    emu.admin(Method::POST, &format!("/trigger?api_key={key}"), Some(body))
        .await
}

#[tokio::test]
async fn triggered_flag_and_removal_send_signed_webhooks_and_change_the_number() {
    let emu = start(instant()).await;
    let hook = receiver(0).await;
    let id = emu.approved_enterprise("k", "Triggered LLC").await;
    set_webhook(&emu, "k", &id, &hook.url).await;
    let list = vec!["+12025550100".to_string(), "+12025550101".to_string()];
    emu.add_numbers("k", &id, &list).await;

    let (status, body) = trigger(
        &emu,
        "k",
        json!({ "event": "number.flagged", "phone_number": list[0] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["event"], "number.flagged");
    assert_eq!(
        body["data"]["result"]["ownership_status"],
        "pending_confirmation"
    );
    let events = hook.bodies(&emu, 1).await;
    envelope_ok(&events[0], "number_reputation.number.flagged", &hook.url);
    let payload = &events[0]["data"]["payload"];
    assert_eq!(payload["phone_number"], list[0]);
    assert_eq!(payload["flag_reason"], "carrier_changed");
    // Confirm within the 7 days a carrier change gives, then Telnyx removes it by itself.
    let flagged_at = chrono::DateTime::parse_from_rfc3339(
        events[0]["data"]["occurred_at"]
            .as_str()
            .expect("occurred_at"),
    )
    .expect("time");
    let confirm_by =
        chrono::DateTime::parse_from_rfc3339(payload["confirm_by"].as_str().expect("confirm_by"))
            .expect("time");
    assert_eq!(confirm_by - flagged_at, chrono::Duration::days(7));

    let (status, body) = trigger(
        &emu,
        "k",
        json!({ "event": "number.removed", "phone_number": list[1], "removal_reason": "number_released" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = hook.bodies(&emu, 2).await;
    envelope_ok(&events[1], "number_reputation.number.removed", &hook.url);
    assert_eq!(events[1]["data"]["payload"]["phone_number"], list[1]);
    assert_eq!(
        events[1]["data"]["payload"]["removal_reason"],
        "number_released"
    );
    let (status, _) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers/{}", list[1]),
        )
        .await;
    assert_eq!(status, 404, "removed from monitoring");

    // Another account's number is not this account's to flag.
    let (status, body) = trigger(
        &emu,
        "other",
        json!({ "event": "number.flagged", "phone_number": list[0] }),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn triggered_gate_and_verification_decisions_go_through_the_review_path() {
    let emu = start(manual()).await;
    let hook = receiver(0).await;
    let id = emu.enabled_enterprise("k", "Gated LLC").await;
    set_webhook(&emu, "k", &id, &hook.url).await;
    for gate in ["status", "loa_status"] {
        let (status, body) = trigger(
            &emu,
            "k",
            json!({ "event": "gate.approved", "enterprise_id": id, "gate": gate }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["result"][gate], "approved", "{body}");
    }
    let (_, settings) = emu.get("k", &format!("/enterprises/{id}/reputation")).await;
    assert_eq!(settings["data"]["status"], "approved");
    assert_eq!(settings["data"]["loa_status"], "approved");

    let evidence = emu.upload_json("k", "invoice.pdf", b"%PDF invoice").await;
    let (status, body) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/external_verification"),
            json!({ "document_ids": [evidence] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = trigger(
        &emu,
        "k",
        json!({ "event": "external_verification.status_changed", "enterprise_id": id,
                "status": "rejected", "rejection_reasons": ["Invoice is unreadable"] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = hook.bodies(&emu, 1).await;
    envelope_ok(
        &events[0],
        "number_reputation.external_verification.status_changed",
        &hook.url,
    );
    assert_eq!(events[0]["data"]["payload"]["status"], "rejected");
    assert_eq!(
        events[0]["data"]["payload"]["rejection_reason"],
        "Invoice is unreadable"
    );

    let other = emu.enabled_enterprise("k", "Rejected LLC").await;
    let (status, body) = trigger(
        &emu,
        "k",
        json!({ "event": "gate.rejected", "enterprise_id": other, "gate": "loa_status",
                "rejection_reasons": ["LOA is not signed"] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, settings) = emu
        .get("k", &format!("/enterprises/{other}/reputation"))
        .await;
    assert_eq!(settings["data"]["loa_status"], "rejected", "{settings}");
    assert_eq!(settings["data"]["status"], "pending", "{settings}");
}

#[tokio::test]
async fn triggered_remediation_outcome_and_risk_change() {
    let emu = start(manual()).await;
    let hook = receiver(0).await;
    let id = emu.approved_enterprise("k", "Remedied LLC").await;
    let numbers = vec!["+12025550104".to_string()];
    emu.add_numbers("k", &id, &numbers).await;
    let (status, body) = trigger(
        &emu,
        "k",
        json!({ "event": "reputation.changed", "phone_number": numbers[0],
                "reputation_data": { "spam_risk": "high", "spam_category": "robocall" } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, record) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers/{}", numbers[0]),
        )
        .await;
    assert_eq!(
        record["data"]["reputation_data"]["spam_risk"], "high",
        "{record}"
    );

    let (status, body) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/remediation"),
            json!({ "phone_numbers": numbers, "call_purpose": "Appointment reminders",
                     "webhook_url": hook.url }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let remediation_id = body["data"]["id"].clone();
    let (status, body) = trigger(
        &emu,
        "k",
        json!({ "event": "remediation.status_changed", "remediation_id": remediation_id,
                "status": "failed" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = hook.bodies(&emu, 1).await;
    envelope_ok(
        &events[0],
        "number_reputation.remediation.status_changed",
        &hook.url,
    );
    assert_eq!(events[0]["data"]["payload"]["status"], "failed");
    assert_eq!(events[0]["data"]["payload"]["id"], remediation_id);
}

#[tokio::test]
async fn invalid_triggers_are_refused_naming_the_field_and_change_nothing() {
    let emu = start(manual()).await;
    let id = emu.approved_enterprise("k", "Careful LLC").await;
    let n = "+12025550100".to_string();
    emu.add_numbers("k", &id, std::slice::from_ref(&n)).await;
    for (body, pointer) in [
        (json!({ "phone_number": n }), "/event"),
        (
            json!({ "event": "number.exploded", "phone_number": n }),
            "/event",
        ),
        (json!({ "event": "number.flagged" }), "/phone_number"),
        (
            json!({ "event": "number.flagged", "phone_number": n, "ownership_status": "verified" }),
            "/ownership_status",
        ),
        (
            json!({ "event": "gate.approved", "enterprise_id": id, "gate": "tax_status" }),
            "/gate",
        ),
        (
            json!({ "event": "gate.approved", "enterprise_id": id, "gate": "status", "rejection_reasons": ["x"] }),
            "/rejection_reasons",
        ),
        (
            json!({ "event": "external_verification.status_changed", "enterprise_id": id, "status": "pending" }),
            "/status",
        ),
        (
            json!({ "event": "remediation.status_changed", "status": "completed" }),
            "/remediation_id",
        ),
        (
            json!({ "event": "number.removed", "phone_number": "555" }),
            "/phone_number",
        ),
    ] {
        let (status, reply) = trigger(&emu, "k", body.clone()).await;
        assert_eq!(status, 422, "{body} -> {reply}");
        assert!(
            crate::common::pointers(&reply).iter().any(|p| p == pointer),
            "{body} names {pointer}: {reply}"
        );
    }
    let (_, record) = emu
        .get("k", &format!("/enterprises/{id}/reputation/numbers/{n}"))
        .await;
    assert_eq!(record["data"]["ownership_status"], "verified", "{record}");
    // No account named: refused.
    let (status, _) = emu
        .admin(
            Method::POST,
            "/trigger",
            Some(json!({ "event": "number.flagged", "phone_number": n })),
        )
        .await;
    assert_eq!(status, 400);
}
