//! Scheduled re-checks on the virtual clock: every frequency, billing, drift, and
//! reputation set "at the next check".

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Emu, instant, numbers, start};

const DAY: u64 = 86_400;

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

/// An approved enterprise with `count` numbers on `frequency`; returns its id and numbers.
async fn monitored(emu: &Emu, key: &str, frequency: &str, count: u32) -> (String, Vec<String>) {
    let id = emu.approved_enterprise(key, "Scheduled Checks LLC").await;
    let (status, body) = emu
        .patch(
            key,
            &format!("/enterprises/{id}/reputation/frequency"),
            json!({ "check_frequency": frequency }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let list = numbers(100, count);
    let (status, body) = emu.add_numbers(key, &id, &list).await;
    assert!(status == 200 || status == 201, "{body}");
    (id, list)
}

async fn number(emu: &Emu, key: &str, id: &str, n: &str) -> Value {
    let (status, body) = emu
        .get(key, &format!("/enterprises/{id}/reputation/numbers/{n}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

#[tokio::test]
async fn each_frequency_checks_on_its_calendar_and_bills_each_check() {
    // Over 14 days: business_daily runs on exactly 10 weekdays whatever the start day.
    for (frequency, days, checks) in [
        ("business_daily", 14, 10),
        ("daily", 14, 14),
        ("weekly", 14, 2),
        ("biweekly", 28, 2),
        ("monthly", 62, 2),
        ("never", 30, 0),
    ] {
        let emu = start(instant()).await;
        let (_, list) = monitored(&emu, "k", frequency, 3).await;
        advance(&emu, days * DAY).await;
        let ledger = emu.ledger("k").await;
        assert_eq!(
            ledger["scheduled_refresh"],
            json!(checks * list.len()),
            "{frequency} over {days} days: {ledger}"
        );
        let entries = ledger["entries"].as_array().expect("entries");
        let scheduled: Vec<&Value> = entries
            .iter()
            .filter(|e| e["action"] == "scheduled_refresh")
            .collect();
        let times: Vec<&str> = scheduled.iter().filter_map(|e| e["at"].as_str()).collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted, "checks are caught up in order");
        emu.running.shutdown().await;
    }
}

#[tokio::test]
async fn a_check_moves_last_refreshed_at_and_stops_when_the_frequency_is_never() {
    let emu = start(instant()).await;
    let (id, list) = monitored(&emu, "k", "daily", 1).await;
    let first = number(&emu, "k", &id, &list[0]).await;
    let before = first["reputation_data"]["last_refreshed_at"]
        .as_str()
        .expect("a first live lookup")
        .to_string();
    advance(&emu, DAY + 60).await;
    let after = number(&emu, "k", &id, &list[0]).await;
    let refreshed = after["reputation_data"]["last_refreshed_at"]
        .as_str()
        .expect("refreshed")
        .to_string();
    assert!(refreshed > before, "{before} -> {refreshed}");
    let ledger = emu.ledger("k").await;
    assert_eq!(ledger["scheduled_refresh"], 1);
    assert_eq!(
        ledger["live_lookups"], 1,
        "the scheduled check is not a live lookup"
    );

    emu.patch(
        "k",
        &format!("/enterprises/{id}/reputation/frequency"),
        json!({ "check_frequency": "never" }),
    )
    .await;
    advance(&emu, 10 * DAY).await;
    assert_eq!(emu.ledger("k").await["scheduled_refresh"], 1);
}

#[tokio::test]
async fn data_drifts_so_numbers_rise_to_high_and_fall_back() {
    let emu = start(instant()).await;
    let (id, _) = monitored(&emu, "k", "daily", 40).await;
    let mut history: std::collections::HashMap<String, Vec<bool>> = Default::default();
    for _ in 0..60 {
        advance(&emu, DAY).await;
        let (status, body) = emu
            .get(
                "k",
                &format!("/enterprises/{id}/reputation/numbers?page[size]=250"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        for item in body["data"].as_array().expect("numbers") {
            let high = item["reputation_data"]["spam_risk"] == "high";
            history
                .entry(
                    item["phone_number"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
                .or_default()
                .push(high);
        }
    }
    let rose_and_fell = history
        .values()
        .any(|h| h.windows(2).any(|w| !w[0] && w[1]) && h.windows(2).any(|w| w[0] && !w[1]));
    assert!(rose_and_fell, "no number went high and back in 60 checks");
    // The same seed gives the same drift.
    let emu2 = start(instant()).await;
    let (id2, _) = monitored(&emu2, "k", "daily", 40).await;
    advance(&emu2, 60 * DAY).await;
    let (_, a) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers?page[size]=250"),
        )
        .await;
    let (_, b) = emu2
        .get(
            "k",
            &format!("/enterprises/{id2}/reputation/numbers?page[size]=250"),
        )
        .await;
    let risks = |v: &Value| -> Vec<Value> {
        v["data"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|n| n["reputation_data"]["spam_risk"].clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(risks(&a), risks(&b));
}

#[tokio::test]
async fn reputation_set_for_the_next_check_waits_for_it() {
    let emu = start(instant()).await;
    let (id, list) = monitored(&emu, "k", "daily", 1).await;
    let n = &list[0];
    number(&emu, "k", &id, n).await;
    let (status, body) = emu
        .admin(
            Method::POST,
            "/numbers/reputation?api_key=k",
            Some(json!({ "phone_number": n, "apply": "next_check",
                          "reputation_data": { "spam_risk": "high", "spam_category": "scam",
                                               "maturity_score": 3 } })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["apply"], "next_check");
    let cached = number(&emu, "k", &id, n).await;
    assert_ne!(
        cached["reputation_data"]["maturity_score"], 3,
        "not applied yet"
    );
    advance(&emu, DAY + 1).await;
    let checked = number(&emu, "k", &id, n).await;
    assert_eq!(checked["reputation_data"]["spam_risk"], "high");
    assert_eq!(checked["reputation_data"]["maturity_score"], 3);

    let (status, body) = emu
        .admin(
            Method::POST,
            "/numbers/reputation?api_key=k",
            Some(json!({ "phone_number": n, "apply": "later", "reputation_data": null })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn timed_drift_changes_data_with_time_and_the_admin_api_gives_the_transitions() {
    use telnyx_reputation_emulator::{Drift, Emulator, TimedDrift};
    let origin = chrono::Utc::now();
    let running = Emulator::builder()
        .approval_delay(instant())
        .seed(11)
        .port(0)
        .drift(Drift::Timed(TimedDrift::new(origin, 24, 48, 6)))
        .start()
        .await
        .unwrap();
    let emu = Emu {
        running,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    // `never`: no scheduled check; only the model's time moves the data.
    let (id, list) = monitored(&emu, "k", "never", 20).await;
    advance(&emu, 10 * DAY).await;
    let (status, body) = emu
        .admin(
            Method::GET,
            "/reputation/transitions?api_key=k&to=high",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let transitions = body["data"].as_array().unwrap();
    assert!(!transitions.is_empty(), "{body}");
    assert_eq!(body["model"]["score_lead_hours"], 6);
    let mut at_previous = String::new();
    for t in transitions {
        assert_eq!(t["to"], "high");
        assert_ne!(t["from"], "high");
        assert_eq!(t["enterprise_id"], id.as_str());
        assert!(list.contains(&t["phone_number"].as_str().unwrap().to_owned()));
        let at = t["at"].as_str().unwrap().to_owned();
        assert!(at >= at_previous, "oldest first");
        at_previous = at;
    }
    // A transition still ahead: a fresh read before it is not high, one after it is.
    let (status, ahead) = emu
        .admin(
            Method::GET,
            &format!(
                "/reputation/transitions?api_key=k&to=high&until={}",
                (origin + chrono::Duration::days(30))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None,
        )
        .await;
    assert_eq!(status, 200, "{ahead}");
    let now = origin + chrono::Duration::days(10);
    let next = ahead["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            chrono::DateTime::parse_from_rfc3339(t["at"].as_str().unwrap()).unwrap()
                > now + chrono::Duration::hours(1)
        })
        .expect("a transition to high in the next 20 days")
        .clone();
    let n = next["phone_number"].as_str().unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(next["at"].as_str().unwrap()).unwrap();
    let path = format!("/enterprises/{id}/reputation/numbers/{n}?fresh=true");
    let (status, before) = emu.get("k", &path).await;
    assert_eq!(status, 200, "{before}");
    assert_ne!(before["data"]["reputation_data"]["spam_risk"], "high");
    let wait =
        (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds() - 10 * 86_400 + 60;
    advance(&emu, wait.max(1) as u64).await;
    let (status, after) = emu.get("k", &path).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(
        after["data"]["reputation_data"]["spam_risk"], "high",
        "{next}"
    );
    // A cached read without a check in between shows the last check's data.
    let cached = number(&emu, "k", &id, n).await;
    assert_eq!(cached["reputation_data"]["spam_risk"], "high");
    // Under the default per-check model there is no such ground truth.
    let plain = start(instant()).await;
    let (status, _) = plain
        .admin(Method::GET, "/reputation/transitions?api_key=k", None)
        .await;
    assert_eq!(status, 409);
}
