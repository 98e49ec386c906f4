//! Per-account test clocks: `POST /_emulator/clock/advance?api_key=KEY` moves one account's
//! clock, and everything that account schedules (checks, ownership deadlines, remediation
//! stages, webhook times) follows it while other accounts keep theirs.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Emu, instant, manual, numbers, start};

const DAY: u64 = 86_400;

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("a time: {value}")))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// `now` of the health endpoint, of one account (`Some(key)`) or of the emulator.
async fn now(emu: &Emu, key: Option<&str>) -> DateTime<Utc> {
    let path = match key {
        Some(key) => format!("/health?api_key={key}"),
        None => "/health".to_string(),
    };
    let (status, body) = emu.admin(Method::GET, &path, None).await;
    if key.is_some() {
        assert!(body["account_clock_offset_ms"].is_i64(), "{body}");
    }
    assert_eq!(status, 200, "{body}");
    time(&body["now"])
}

async fn advance_account(emu: &Emu, key: &str, seconds: u64) -> Value {
    let (status, body) = emu
        .admin(
            Method::POST,
            &format!("/clock/advance?api_key={key}"),
            Some(json!({ "seconds": seconds })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// An approved enterprise on a daily schedule with `count` numbers.
async fn monitored(emu: &Emu, key: &str, count: u32) -> (String, Vec<String>) {
    let id = emu.approved_enterprise(key, "Clocked LLC").await;
    let (status, body) = emu
        .patch(
            key,
            &format!("/enterprises/{id}/reputation/frequency"),
            json!({ "check_frequency": "daily" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let list = numbers(100, count);
    let (status, body) = emu.add_numbers(key, &id, &list).await;
    assert!(status == 200 || status == 201, "{body}");
    (id, list)
}

#[tokio::test]
async fn advancing_one_account_moves_only_its_clock_and_its_schedule() {
    let emu = start(instant()).await;
    let (_, a_numbers) = monitored(&emu, "alice", 2).await;
    monitored(&emu, "bob", 2).await;
    let before = now(&emu, None).await;

    let moved = advance_account(&emu, "alice", 30 * DAY).await;
    assert_eq!(moved["scope"], "account");
    assert_eq!(moved["offset_ms"], json!(30 * DAY * 1000));

    let alice = now(&emu, Some("alice")).await;
    let bob = now(&emu, Some("bob")).await;
    let emulator = now(&emu, None).await;
    assert!(
        alice - before >= chrono::Duration::days(30),
        "alice's clock is 30 days on: {alice} vs {before}"
    );
    assert!(
        bob - before < chrono::Duration::days(1),
        "bob's clock did not move: {bob} vs {before}"
    );
    assert!(
        emulator - before < chrono::Duration::days(1),
        "the emulator's clock did not move: {emulator}"
    );
    // Alice's daily checks ran every day (a number removed after an unconfirmed carrier
    // change stops being checked); Bob's never ran.
    let alice_ledger = emu.ledger("alice").await;
    let checks = alice_ledger["scheduled_refresh"]
        .as_u64()
        .unwrap_or_default();
    assert!(
        checks >= 30 && checks <= 30 * a_numbers.len() as u64,
        "{alice_ledger}"
    );
    let bob_ledger = emu.ledger("bob").await;
    assert_eq!(bob_ledger["scheduled_refresh"], json!(0), "{bob_ledger}");
    // And her records carry her time.
    let last = alice_ledger["entries"]
        .as_array()
        .and_then(|e| e.last())
        .expect("entries");
    assert!(
        time(&last["at"]) - before >= chrono::Duration::days(29),
        "{last}"
    );
}

#[tokio::test]
async fn the_whole_emulator_clock_still_moves_every_account_on_top_of_its_own() {
    let emu = start(instant()).await;
    monitored(&emu, "alice", 1).await;
    monitored(&emu, "bob", 1).await;
    advance_account(&emu, "alice", 10 * DAY).await;
    let (status, body) = emu
        .admin(
            Method::POST,
            "/clock/advance",
            Some(json!({ "seconds": 5 * DAY })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["scope"], "emulator");
    let emulator = now(&emu, None).await;
    let alice = now(&emu, Some("alice")).await;
    let bob = now(&emu, Some("bob")).await;
    let ahead = alice - emulator;
    assert!(
        ahead >= chrono::Duration::days(10)
            && ahead < chrono::Duration::days(10) + chrono::Duration::minutes(1),
        "alice runs 10 days ahead of the emulator: {ahead}"
    );
    assert!((bob - emulator).abs() < chrono::Duration::minutes(1));
    assert_eq!(emu.ledger("alice").await["scheduled_refresh"], json!(15));
    assert_eq!(emu.ledger("bob").await["scheduled_refresh"], json!(5));
}

#[tokio::test]
async fn ownership_deadlines_follow_the_account_clock() {
    let emu = start(instant()).await;
    let mut ids = Vec::new();
    for key in ["alice", "bob"] {
        let (id, list) = monitored(&emu, key, 1).await;
        let (status, body) = emu
            .admin(
                Method::POST,
                &format!("/numbers/ownership?api_key={key}"),
                Some(
                    json!({ "phone_number": list[0], "ownership_status": "pending_confirmation" }),
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        ids.push((id, list[0].clone()));
    }
    advance_account(&emu, "alice", 8 * DAY).await;
    let (id, n) = &ids[0];
    let (status, body) = emu
        .get(
            "alice",
            &format!("/enterprises/{id}/reputation/numbers/{n}"),
        )
        .await;
    assert_eq!(status, 404, "alice's deadline passed on her clock: {body}");
    let (id, n) = &ids[1];
    let (status, body) = emu
        .get("bob", &format!("/enterprises/{id}/reputation/numbers/{n}"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["ownership_status"], "pending_confirmation");
}

#[tokio::test]
async fn remediation_stages_and_new_records_follow_the_account_clock() {
    let emu = start(manual()).await;
    let before = now(&emu, None).await;
    advance_account(&emu, "alice", 3 * DAY).await;
    let id = emu.approved_enterprise("alice", "Remedied LLC").await;
    let (status, body) = emu.get("alice", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200, "{body}");
    let created = time(&body["data"]["created_at"]);
    assert!(
        created - before >= chrono::Duration::days(3),
        "created on alice's clock: {created} vs {before}"
    );
    let list = numbers(200, 1);
    emu.add_numbers("alice", &id, &list).await;
    let (status, body) = emu
        .post(
            "alice",
            &format!("/enterprises/{id}/reputation/remediation"),
            json!({ "phone_numbers": list, "call_purpose": "Outbound appointment reminders for our dental clinic.", "contact_email": "ops@example.com" }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let remediation = body["data"]["id"].as_str().expect("id").to_string();
    let (status, body) = emu
        .admin(
            Method::POST,
            "/remediation/advance?api_key=alice",
            Some(json!({ "remediation_id": remediation })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let done = time(&body["data"][0]["updated_at"]);
    assert!(done - before >= chrono::Duration::days(3), "{body}");
}

#[tokio::test]
async fn resetting_an_account_gives_it_the_emulator_clock_back() {
    let emu = start(instant()).await;
    let moved = advance_account(&emu, "alice", 2 * DAY).await;
    // The clock alone keeps the account (a pristine account is otherwise forgotten).
    let (_, health) = emu.admin(Method::GET, "/health?api_key=alice", None).await;
    assert_eq!(
        health["account_clock_offset_ms"],
        json!(2 * DAY * 1000),
        "{moved} {health}"
    );
    let (status, _) = emu.admin(Method::POST, "/reset?api_key=alice", None).await;
    assert_eq!(status, 204);
    let (_, health) = emu.admin(Method::GET, "/health?api_key=alice", None).await;
    assert_eq!(health["account_clock_offset_ms"], json!(0), "{health}");
}

#[tokio::test]
async fn a_bearer_header_still_moves_the_whole_emulator() {
    let emu = start(instant()).await;
    let before = now(&emu, None).await;
    let response = emu
        .http
        .post(format!("{}/clock/advance", emu.running.admin_url()))
        .bearer_auth("alice")
        .json(&json!({ "seconds": DAY }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    assert!(now(&emu, None).await - before >= chrono::Duration::days(1));
}

#[tokio::test]
async fn an_account_clock_cannot_leave_the_time_range() {
    let emu = start(instant()).await;
    let ten_years = 10 * 366 * DAY;
    let mut refused = None;
    for _ in 0..120 {
        let (status, body) = emu
            .admin(
                Method::POST,
                "/clock/advance?api_key=alice",
                Some(json!({ "seconds": ten_years })),
            )
            .await;
        if status != 200 {
            refused = Some((status, body));
            break;
        }
    }
    let (status, body) = refused.expect("the total is bounded");
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/seconds", "{body}");
    let (_, health) = emu.admin(Method::GET, "/health?api_key=bob", None).await;
    assert_eq!(health["account_clock_offset_ms"], json!(0), "{health}");
}
