//! The store-backed suite, written once and run against each backend (`sqlite.rs`,
//! `postgres.rs`): an in-process emulator, real syncs, and real signed deliveries POSTed to
//! a receiver on 127.0.0.1.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use telnyx_reputation::{
    CheckFrequency, Client, LoaRenderOptions, NewEnterprise, WaitOptions, webhooks,
};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};
use telnyx_reputation_monitor::{
    ChangeKind, Monitor, MonitorError, Receiver, Report, Rules, Store, SyncOptions,
};

/// A running emulator and an approved enterprise with `numbers` registered.
pub struct Fleet {
    pub emulator: RunningEmulator,
    pub client: Client,
    pub key: String,
    pub enterprise_id: String,
    pub numbers: Vec<String>,
}

pub const ENTERPRISE_JSON: &str = include_str!("../enterprise.json");

/// A test signing key (base64 of 32 bytes) and its public key.
pub const SIGNING_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

impl Fleet {
    pub async fn start(count: usize) -> Fleet {
        let emulator = Emulator::builder()
            .host("127.0.0.1")
            .port(0)
            .approval_delay(ApprovalDelay::After(Duration::ZERO))
            .seed(3)
            .start()
            .await
            .unwrap();
        let key = "monitor-test".to_owned();
        let client = Client::builder()
            .api_key(&key)
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        client
            .terms_of_service()
            .agree_number_reputation()
            .await
            .unwrap();
        let new: NewEnterprise = serde_json::from_str(ENTERPRISE_JSON).unwrap();
        let enterprise = client.enterprises().create(new).await.unwrap();
        let rep = client.reputation(&enterprise.id);
        let pdf = rep.loa().render(LoaRenderOptions::default()).await.unwrap();
        let document = client.documents().upload("loa.pdf", pdf).await.unwrap();
        rep.enable(&document.id, CheckFrequency::BusinessDaily)
            .await
            .unwrap();
        let wait = WaitOptions {
            interval: Duration::from_millis(20),
            timeout: Duration::from_secs(10),
        };
        rep.wait_until_approved(wait).await.unwrap();
        let numbers: Vec<String> = (0..count)
            .map(|i| format!("+1312555{:04}", 2000 + i))
            .collect();
        for batch in numbers.chunks(100) {
            rep.numbers().add(batch).await.unwrap();
        }
        // Reading a number without data is a live lookup; read each once so that the
        // monitor's list sweep sees cached data, as it would in production.
        for n in &numbers {
            rep.numbers().get(n).await.unwrap();
        }
        Fleet {
            emulator,
            client,
            key,
            enterprise_id: enterprise.id,
            numbers,
        }
    }

    /// Set what the emulator says about `number` from now on.
    pub async fn set_reputation(&self, number: &str, data: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/numbers/reputation", self.emulator.admin_url()))
            .bearer_auth(&self.key)
            .json(&serde_json::json!({ "phone_number": number, "reputation_data": data }))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{}",
            response.text().await.unwrap()
        );
    }

    /// Billable live lookups so far, from the emulator's ledger.
    pub async fn live_lookups(&self) -> u64 {
        let ledger: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/ledger", self.emulator.admin_url()))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ledger["data"]["live_lookups"].as_u64().unwrap()
    }
}

pub async fn a_second_sync_with_no_change_writes_no_reading(store: Store) {
    let fleet = Fleet::start(30).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let first = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(first.numbers, 30);
    assert_eq!(first.readings_written, 30);
    assert!(first.changes.iter().all(|c| c.kind == ChangeKind::Added));
    assert_eq!(first.changes.len(), 30);
    let second = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(second.readings_written, 0, "{:?}", second.changes);
    assert!(second.changes.is_empty(), "{:?}", second.changes);
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.readings, counts.numbers, counts.sweeps),
        (30, 30, 2)
    );
}

pub async fn a_number_turning_high_is_one_new_reading_and_its_changes(store: Store) {
    let fleet = Fleet::start(10).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let first = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    let target = first
        .current
        .iter()
        .find(|r| r.spam_risk.as_deref() == Some("low") && r.maturity_score.is_some())
        .expect("a low-risk number with a maturity score")
        .clone();
    let maturity = target.maturity_score.unwrap();
    fleet
        .set_reputation(
            &target.phone_number,
            serde_json::json!({"spam_risk": "high", "spam_category": "robocall", "maturity_score": (maturity - 25).max(0)}),
        )
        .await;
    let options = SyncOptions {
        score_drop: 20,
        ..SyncOptions::default()
    };
    let second = monitor
        .sync(&fleet.enterprise_id, &options, |_| {})
        .await
        .unwrap();
    assert_eq!(second.readings_written, 1);
    let kinds: Vec<(ChangeKind, &str, Option<&str>)> = second
        .changes
        .iter()
        .map(|c| (c.kind, c.field.as_str(), c.new_value.as_deref()))
        .collect();
    assert!(
        kinds.contains(&(ChangeKind::RiskUp, "spam_risk", Some("high"))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(ChangeKind::CategorySet, "spam_category", Some("robocall"))),
        "{kinds:?}"
    );
    if maturity >= 20 {
        assert!(
            kinds
                .iter()
                .any(|k| k.0 == ChangeKind::ScoreDrop && k.1 == "maturity_score"),
            "{kinds:?}"
        );
    }
    assert!(second.high.contains(&target.phone_number));
    let history = store
        .history(Some(&fleet.enterprise_id), &target.phone_number)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].spam_risk.as_deref(), Some("low"));
    assert_eq!(history[1].spam_risk.as_deref(), Some("high"));
    let since = first.at;
    let changes = store
        .changes_since(
            Some(&fleet.enterprise_id),
            since + chrono::Duration::microseconds(1),
        )
        .await
        .unwrap();
    let sorted = |mut c: Vec<telnyx_reputation_monitor::Change>| {
        c.sort_by(|a, b| (a.kind.as_str(), &a.field).cmp(&(b.kind.as_str(), &b.field)));
        c
    };
    assert_eq!(sorted(changes), sorted(second.changes.clone()));
    // Rules see the same change.
    let rules = Rules::parse(
        "[[rule]]\nname = \"high\"\nwhen = { became_high = true, category_in = [\"robocall\"] }\nactions = [{ type = \"print\" }]\n",
        "test",
    )
    .unwrap();
    let matches = rules.evaluate(&second, &[], Utc::now());
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].numbers, vec![target.phone_number.clone()]);
}

pub async fn removed_and_re_added_numbers_are_changes(store: Store) {
    let fleet = Fleet::start(5).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    let rep = fleet.client.reputation(&fleet.enterprise_id);
    rep.numbers().remove(&fleet.numbers[2]).await.unwrap();
    let after = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(after.numbers, 4);
    assert_eq!(after.changes.len(), 1, "{:?}", after.changes);
    assert_eq!(after.changes[0].kind, ChangeKind::Removed);
    assert_eq!(after.changes[0].phone_number, fleet.numbers[2]);
    rep.numbers().add([&fleet.numbers[2]]).await.unwrap();
    rep.numbers().get(&fleet.numbers[2]).await.unwrap();
    let back = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(
        back.changes.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [ChangeKind::Added]
    );
}

pub async fn fresh_reads_are_refused_past_the_cap_before_any_call(store: Store) {
    let fleet = Fleet::start(6).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let before = fleet.live_lookups().await;
    let refused = SyncOptions {
        fresh: Some(5),
        ..SyncOptions::default()
    };
    let error = monitor
        .sync(&fleet.enterprise_id, &refused, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            MonitorError::BillingRefused {
                needed: 6,
                limit: 5,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(fleet.live_lookups().await, before, "nothing billed");
    assert_eq!(store.counts().await.unwrap().sweeps, 0, "nothing recorded");
    let allowed = SyncOptions {
        fresh: Some(6),
        ..SyncOptions::default()
    };
    let report = monitor
        .sync(&fleet.enterprise_id, &allowed, |_| {})
        .await
        .unwrap();
    assert_eq!(report.fresh_reads, 6);
    assert_eq!(fleet.live_lookups().await, before + 6);
}

/// A receiver on 127.0.0.1 recording into `store`, forwarding to a capture server; returns
/// its URL, what it printed, and what was forwarded.
pub struct Listening {
    pub url: String,
    pub printed: Arc<Mutex<Vec<(String, bool)>>>,
    pub forwarded: Arc<Mutex<Vec<(String, String)>>>,
}

pub async fn listen(store: Store) -> Listening {
    let forwarded = Arc::new(Mutex::new(Vec::new()));
    let sink = forwarded.clone();
    let capture = axum::Router::new().fallback(axum::routing::post(
        move |headers: axum::http::HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let signature = headers[webhooks::SIGNATURE_HEADER]
                    .to_str()
                    .unwrap()
                    .to_owned();
                sink.lock().unwrap().push((body, signature));
                "ok"
            }
        },
    ));
    let capture_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let capture_url = format!("http://{}/hooks", capture_listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(capture_listener, capture).await.unwrap() });
    let printed = Arc::new(Mutex::new(Vec::new()));
    let log = printed.clone();
    let receiver = Receiver::new(store, webhooks::public_key(SIGNING_KEY).unwrap())
        .unwrap()
        .forward_to(capture_url)
        .on_event(move |r| log.lock().unwrap().push((r.event.event_id.clone(), r.new)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    tokio::spawn(receiver.serve(listener, std::future::pending()));
    Listening {
        url,
        printed,
        forwarded,
    }
}

pub fn flagged_body(
    event_id: &str,
    enterprise_id: &str,
    number: &str,
    confirm_by: chrono::DateTime<Utc>,
) -> String {
    serde_json::json!({
        "data": {
            "id": event_id,
            "event_type": "number_reputation.number.flagged",
            "occurred_at": Utc::now().to_rfc3339(),
            "record_type": "event",
            "payload": {
                "confirm_by": confirm_by.to_rfc3339(),
                "enterprise_id": enterprise_id,
                "flag_reason": "carrier_changed",
                "ownership_status": "pending_confirmation",
                "phone_number": number,
                "record_type": "reputation_phone_number",
                "source": "telnyx"
            }
        },
        "meta": { "attempt": 1, "delivered_to": "http://127.0.0.1/webhooks" }
    })
    .to_string()
}

pub async fn post_signed(url: &str, body: &str, timestamp: i64, key: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in webhooks::sign(body.as_bytes(), timestamp, key).unwrap() {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

pub async fn the_receiver_records_each_verified_event_once(store: Store) {
    let listening = listen(store.clone()).await;
    let enterprise = "6a09cdc3-8948-47f0-aa62-74ac943d6c58";
    let confirm_by = Utc::now() + chrono::Duration::days(2);
    let body = flagged_body(
        "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d2",
        enterprise,
        "+13125552001",
        confirm_by,
    );
    let now = Utc::now().timestamp();
    let first = post_signed(&listening.url, &body, now, SIGNING_KEY).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.json::<serde_json::Value>().await.unwrap()["status"],
        "recorded"
    );
    let again = post_signed(&listening.url, &body, now + 1, SIGNING_KEY).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<serde_json::Value>().await.unwrap()["status"],
        "duplicate"
    );

    // Forged, stale, unsigned, and signed-but-not-JSON deliveries: refused, nothing stored.
    let other_key = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";
    let forged = flagged_body("forged", enterprise, "+13125552002", confirm_by);
    assert_eq!(
        post_signed(&listening.url, &forged, now, other_key)
            .await
            .status(),
        401
    );
    let stale = flagged_body("stale", enterprise, "+13125552002", confirm_by);
    assert_eq!(
        post_signed(&listening.url, &stale, now - 301, SIGNING_KEY)
            .await
            .status(),
        401
    );
    let unsigned = reqwest::Client::new()
        .post(&listening.url)
        .body(forged.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);
    assert_eq!(
        post_signed(&listening.url, "not json", now, SIGNING_KEY)
            .await
            .status(),
        400
    );

    let events = store.events(Some(enterprise)).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].phone_number.as_deref(), Some("+13125552001"));
    assert_eq!(events[0].flag_reason.as_deref(), Some("carrier_changed"));
    assert_eq!(
        events[0].confirm_by.map(|d| d.timestamp()),
        Some(confirm_by.timestamp())
    );
    assert_eq!(
        *listening.printed.lock().unwrap(),
        [
            ("0ccc7b54-4df3-4bcb-a65a-3da1ecc997d2".to_owned(), true),
            ("0ccc7b54-4df3-4bcb-a65a-3da1ecc997d2".to_owned(), false)
        ]
    );
    let forwarded = listening.forwarded.lock().unwrap().clone();
    assert_eq!(forwarded.len(), 2, "each verified delivery is forwarded");
    assert_eq!(forwarded[0].0, body, "the raw body is forwarded unchanged");
    // The forwarded signature still verifies against the body.
    let headers = [
        (webhooks::SIGNATURE_HEADER, forwarded[0].1.as_str()),
        (webhooks::TIMESTAMP_HEADER, &now.to_string()),
    ];
    webhooks::verify(
        forwarded[0].0.as_bytes(),
        headers,
        &webhooks::public_key(SIGNING_KEY).unwrap(),
    )
    .unwrap();
}

pub async fn the_report_shows_the_distribution_changes_and_trends(store: Store) {
    let fleet = Fleet::start(12).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let start = chrono::DateTime::from_timestamp(Utc::now().timestamp() - 3 * 86_400, 0).unwrap();
    let day = |d: i64| SyncOptions {
        at: Some(start + chrono::Duration::days(d)),
        ..SyncOptions::default()
    };
    let first = monitor
        .sync(&fleet.enterprise_id, &day(0), |_| {})
        .await
        .unwrap();
    let target = first
        .current
        .iter()
        .find(|r| r.spam_risk.as_deref() == Some("low"))
        .unwrap()
        .phone_number
        .clone();
    fleet
        .set_reputation(
            &target,
            serde_json::json!({"spam_risk": "high", "spam_category": "scam"}),
        )
        .await;
    monitor
        .sync(&fleet.enterprise_id, &day(1), |_| {})
        .await
        .unwrap();
    monitor
        .sync(&fleet.enterprise_id, &day(2), |_| {})
        .await
        .unwrap();
    let report = Report::build(
        &store,
        Some(&fleet.enterprise_id),
        start,
        start + chrono::Duration::days(3),
    )
    .await
    .unwrap();
    assert_eq!(report.days.len(), 3);
    let high_before = first.high.len() as u64;
    assert_eq!(report.days[0].1.total(), 12);
    assert_eq!(
        report.days[0].1.high,
        high_before + 1,
        "day 1 ends after the second sync"
    );
    assert_eq!(report.trends.len(), 1);
    assert_eq!(report.trends[0].0, target);
    let html = report.html();
    assert!(html.starts_with("<!doctype html>"));
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "one distribution chart and one trend chart"
    );
    assert!(
        html.contains(&target) && html.contains("risk_up"),
        "the changed number and its change are listed"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );
    let csv = report.csv();
    assert_eq!(
        csv.lines().count(),
        1 + 12 + 1,
        "a header, the first readings, one change"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&target) && l.contains(",high,scam,")),
        "{csv}"
    );
}
