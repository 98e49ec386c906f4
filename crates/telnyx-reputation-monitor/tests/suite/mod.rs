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
use telnyx_reputation_monitor::report::DayCounts;
use telnyx_reputation_monitor::{
    ChangeKind, Monitor, MonitorError, Reading, Receiver, Report, Rules, Store, SweepWrite,
    SyncOptions,
};

/// Agree to the terms as `client`'s account, create the example enterprise, approve its
/// Number Reputation and register `numbers`, each read once so that the monitor's list
/// sweep sees cached data, as it would in production (reading a number without data is a
/// live lookup). The enterprise's id.
async fn enroll(client: &Client, numbers: &[String]) -> String {
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
    for batch in numbers.chunks(100) {
        rep.numbers().add(batch).await.unwrap();
    }
    for n in numbers {
        rep.numbers().get(n).await.unwrap();
    }
    enterprise.id
}

/// A second account on a [`Fleet`]'s emulator ([`Fleet::other_account`]).
pub struct OtherAccount {
    pub client: Client,
    pub key: String,
    pub enterprise_id: String,
    pub numbers: Vec<String>,
}

/// A running emulator and an approved enterprise with `numbers` registered.
pub struct Fleet {
    pub emulator: RunningEmulator,
    pub client: Client,
    pub key: String,
    pub enterprise_id: String,
    pub numbers: Vec<String>,
}

/// The shared example enterprise (`telnyx_reputation::examples`).
pub const ENTERPRISE_JSON: &str = telnyx_reputation::examples::ACME_JSON;

/// A test signing key (base64 of 32 bytes) and its public key.
pub const SIGNING_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

impl Fleet {
    pub async fn start(count: usize) -> Fleet {
        let emulator = Emulator::builder()
            .host("127.0.0.1")
            .port(0)
            .approval_delay(ApprovalDelay::After(Duration::ZERO))
            .seed(3)
            // The emulator signs its webhooks with the key the rejection tests sign with,
            // so a stale delivery can be signed correctly.
            .webhook_key(std::array::from_fn(|i| i as u8 + 1))
            .start()
            .await
            .unwrap();
        let key = "monitor-test".to_owned();
        let client = Client::builder()
            .api_key(&key)
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        let numbers: Vec<String> = (0..count)
            .map(|i| format!("+1312555{:04}", 2000 + i))
            .collect();
        let enterprise_id = enroll(&client, &numbers).await;
        Fleet {
            emulator,
            client,
            key,
            enterprise_id,
            numbers,
        }
    }

    /// Another account on this emulator (API key `key`): an approved enterprise with
    /// `count` numbers from `+1312555{first}`, and a client with that key.
    pub async fn other_account(&self, key: &str, first: usize, count: usize) -> OtherAccount {
        let client = Client::builder()
            .api_key(key)
            .base_url(self.emulator.base_url())
            .build()
            .unwrap();
        let numbers: Vec<String> = (0..count)
            .map(|i| format!("+1312555{:04}", first + i))
            .collect();
        let enterprise_id = enroll(&client, &numbers).await;
        OtherAccount {
            client,
            key: key.to_owned(),
            enterprise_id,
            numbers,
        }
    }

    /// Set what the emulator says about `number` from now on.
    pub async fn set_reputation(&self, number: &str, data: serde_json::Value) {
        self.set_reputation_as(&self.key, number, data).await;
    }

    /// [`Fleet::set_reputation`] for a number of the account of `key`.
    pub async fn set_reputation_as(&self, key: &str, number: &str, data: serde_json::Value) {
        self.admin_as(
            key,
            "numbers/reputation",
            serde_json::json!({ "phone_number": number, "reputation_data": data }),
        )
        .await;
    }

    /// The public key the emulator serves for verifying its webhooks.
    pub async fn served_public_key(&self) -> String {
        let served = self.admin_get("webhooks/public_key").await;
        served["public_key"].as_str().unwrap().to_owned()
    }

    /// Point the enterprise's webhook at `url`. Straight to the emulator: the facade's
    /// `set_webhook` takes only https:// (what Telnyx delivers to), the emulator also
    /// loopback http://.
    pub async fn set_webhook_url(&self, url: &str) {
        let response = reqwest::Client::new()
            .patch(format!(
                "{}/enterprises/{}/reputation/webhook",
                self.emulator.base_url(),
                self.enterprise_id
            ))
            .bearer_auth(&self.key)
            .json(&serde_json::json!({ "webhook_url": url }))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{}",
            response.text().await.unwrap()
        );
    }

    /// An admin GET (`path` under `/_emulator/`) of this account, as JSON.
    pub async fn admin_get(&self, path: &str) -> serde_json::Value {
        self.admin_get_as(&self.key, path).await
    }

    /// An admin GET (`path` under `/_emulator/`) of the account of `key`, as JSON.
    pub async fn admin_get_as(&self, key: &str, path: &str) -> serde_json::Value {
        reqwest::Client::new()
            .get(format!("{}/{path}", self.emulator.admin_url()))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// An admin POST (`path` under `/_emulator/`) that must succeed.
    pub async fn admin(&self, path: &str, body: serde_json::Value) {
        self.admin_as(&self.key, path, body).await;
    }

    /// An admin POST (`path` under `/_emulator/`) as the account of `key`; must succeed.
    pub async fn admin_as(&self, key: &str, path: &str, body: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/{path}", self.emulator.admin_url()))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.text().await.unwrap()
        );
    }

    /// The emulator's delivery log of this account.
    pub async fn deliveries(&self) -> Vec<serde_json::Value> {
        let log = self.admin_get("webhooks/deliveries").await;
        log["data"].as_array().unwrap().clone()
    }

    /// Billable live lookups so far, from the emulator's ledger.
    pub async fn live_lookups(&self) -> u64 {
        let ledger = self.admin_get("ledger").await;
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
    // Last-seen moves with every sync, also when nothing changed.
    assert!(second.at > first.at);
    for number in [&fleet.numbers[0], &fleet.numbers[29]] {
        let seen = store.last_seen(&fleet.enterprise_id, number).await.unwrap();
        assert_eq!(seen, Some(second.at), "{number}");
    }
    assert_eq!(
        store
            .last_seen(&fleet.enterprise_id, "+13125559999")
            .await
            .unwrap(),
        None,
        "never seen"
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
    let before = monitor
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
    // A number that left was last seen by the sync before the one that noticed; the others
    // by the latest.
    let last_seen = |n: usize| store.last_seen(&fleet.enterprise_id, &fleet.numbers[n]);
    assert_eq!(last_seen(2).await.unwrap(), Some(before.at));
    assert_eq!(last_seen(1).await.unwrap(), Some(after.at));
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
    assert_eq!(last_seen(2).await.unwrap(), Some(back.at));
}

pub async fn fresh_sweeps_spend_the_client_budget(store: Store) {
    let fleet = Fleet::start(6).await;
    let before = fleet.live_lookups().await;
    let fresh = SyncOptions {
        fresh: true,
        ..SyncOptions::default()
    };
    // No budget on the client: refused before any request, billable or not.
    let unlimited = Monitor::new(fleet.client.clone(), store.clone());
    let error = unlimited
        .sync(&fleet.enterprise_id, &fresh, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, MonitorError::BudgetRequired { .. }),
        "{error}"
    );
    // One budget of 10 for everything this client does.
    let budgeted = Client::builder()
        .api_key(&fleet.key)
        .base_url(fleet.emulator.base_url())
        .max_billable(10)
        .build()
        .unwrap();
    let monitor = Monitor::new(budgeted.clone(), store.clone());
    let report = monitor
        .sync(&fleet.enterprise_id, &fresh, |_| {})
        .await
        .unwrap();
    assert_eq!(report.fresh_reads, 6);
    assert_eq!(fleet.live_lookups().await, before + 6);
    assert_eq!(
        budgeted.remaining_billable(),
        Some(4),
        "the facade counted them"
    );
    // 6 more do not fit in the 4 left: refused as a whole, before the first read.
    let error = monitor
        .sync(&fleet.enterprise_id, &fresh, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            MonitorError::BillingRefused {
                needed: 6,
                limit: 4,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(
        fleet.live_lookups().await,
        before + 6,
        "nothing more billed"
    );
    assert_eq!(budgeted.remaining_billable(), Some(4));
    assert_eq!(store.counts().await.unwrap().sweeps, 1, "nothing recorded");
    // Cached sweeps stay free under any budget, even an exhausted one.
    let spent = Client::builder()
        .api_key(&fleet.key)
        .base_url(fleet.emulator.base_url())
        .max_billable(0)
        .build()
        .unwrap();
    let cached = Monitor::new(spent, store.clone())
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(cached.fresh_reads, 0);
    assert_eq!(fleet.live_lookups().await, before + 6);
}

/// A receiver on 127.0.0.1 recording into `store`, forwarding to a capture server; returns
/// its URL, what it printed, and what was forwarded.
pub struct Listening {
    pub url: String,
    pub printed: Arc<Mutex<Vec<(String, bool)>>>,
    /// Forwarded requests: body, signature, timestamp.
    pub forwarded: Arc<Mutex<Vec<(String, String, String)>>>,
}

pub async fn listen(store: Store, public_key: String) -> Listening {
    let forwarded = Arc::new(Mutex::new(Vec::new()));
    let sink = forwarded.clone();
    let capture = axum::Router::new().fallback(axum::routing::post(
        move |headers: axum::http::HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let header = |name: &str| headers[name].to_str().unwrap().to_owned();
                let (signature, timestamp) = (
                    header(webhooks::SIGNATURE_HEADER),
                    header(webhooks::TIMESTAMP_HEADER),
                );
                sink.lock().unwrap().push((body, signature, timestamp));
                "ok"
            }
        },
    ));
    let capture_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let capture_url = format!("http://{}/hooks", capture_listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(capture_listener, capture).await.unwrap() });
    let printed = Arc::new(Mutex::new(Vec::new()));
    let log = printed.clone();
    let receiver = Receiver::new(store, public_key)
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

/// Wait (at most 15 s) until `done` holds; the emulator delivers asynchronously.
async fn eventually<F: std::future::Future<Output = bool>>(
    what: &str,
    mut done: impl FnMut() -> F,
) {
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

pub async fn the_receiver_records_each_verified_event_once(store: Store) {
    let fleet = Fleet::start(3).await;
    let public_key = fleet.served_public_key().await;
    assert_eq!(
        public_key,
        webhooks::public_key(SIGNING_KEY).unwrap(),
        "the emulator signs with the test key"
    );
    let listening = listen(store.clone(), public_key.clone()).await;
    fleet.set_webhook_url(&listening.url).await;
    let number = fleet.numbers[1].clone();
    // The emulator flags the number and delivers the signed event itself.
    fleet
        .admin(
            "numbers/ownership",
            serde_json::json!({ "phone_number": number, "ownership_status": "pending_confirmation", "flag_reason": "carrier_changed" }),
        )
        .await;
    eventually("the emulator's flagged delivery", || async {
        !listening.printed.lock().unwrap().is_empty()
    })
    .await;
    let confirm_by = fleet
        .client
        .reputation(&fleet.enterprise_id)
        .numbers()
        .get(&number)
        .await
        .unwrap()
        .confirm_by
        .expect("a flagged number has a confirm_by");
    let events = store.events(Some(&fleet.enterprise_id)).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event_type, "number_reputation.number.flagged");
    assert_eq!(events[0].phone_number.as_deref(), Some(number.as_str()));
    assert_eq!(events[0].flag_reason.as_deref(), Some("carrier_changed"));
    assert_eq!(
        events[0].confirm_by.map(|d| d.timestamp_millis()),
        Some(confirm_by.timestamp_millis())
    );
    eventually("the emulator to log the 200", || async {
        fleet
            .deliveries()
            .await
            .iter()
            .any(|d| d["event_id"] == events[0].event_id.as_str() && d["status"] == 200)
    })
    .await;

    // The verified raw request was forwarded unchanged; sent again (a redelivery of the
    // same data.id, still within the 300 s), it is acknowledged and not stored twice.
    eventually("the forward", || async {
        !listening.forwarded.lock().unwrap().is_empty()
    })
    .await;
    let (body, signature, timestamp) = listening.forwarded.lock().unwrap()[0].clone();
    let headers = [
        (webhooks::SIGNATURE_HEADER, signature.as_str()),
        (webhooks::TIMESTAMP_HEADER, timestamp.as_str()),
    ];
    webhooks::verify(body.as_bytes(), headers, &public_key).unwrap();
    let replay = |body: String| {
        let url = listening.url.clone();
        let (signature, timestamp) = (signature.clone(), timestamp.clone());
        async move {
            reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .header(webhooks::SIGNATURE_HEADER, signature)
                .header(webhooks::TIMESTAMP_HEADER, timestamp)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let again = replay(body.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<serde_json::Value>().await.unwrap()["status"],
        "duplicate"
    );
    // The emulator's delivery with one byte of its body changed: the signature fails.
    let tampered = body.replacen("carrier_changed", "carrier_changeD", 1);
    assert_ne!(tampered, body);
    assert_eq!(replay(tampered).await.status(), 401);

    // Rejection paths, signed by the test signer: forged (another key), stale (the right
    // key, 301 s old), unsigned, and signed but not JSON. Refused, nothing stored.
    let now = Utc::now().timestamp();
    let flagged = |id: &str| flagged_body(id, &fleet.enterprise_id, &fleet.numbers[2], Utc::now());
    let other_key = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";
    assert_eq!(
        post_signed(&listening.url, &flagged("forged"), now, other_key)
            .await
            .status(),
        401
    );
    assert_eq!(
        post_signed(&listening.url, &flagged("stale"), now - 301, SIGNING_KEY)
            .await
            .status(),
        401
    );
    let unsigned = reqwest::Client::new()
        .post(&listening.url)
        .body(flagged("unsigned"))
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
    assert_eq!(store.events(None).await.unwrap().len(), 1);
    let event_id = events[0].event_id.clone();
    assert_eq!(
        *listening.printed.lock().unwrap(),
        [(event_id.clone(), true), (event_id, false)]
    );
    // Forwarded once per data.id: the redelivery was not forwarded again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(listening.forwarded.lock().unwrap().len(), 1);

    // Past its confirm_by on the emulator's clock, the unconfirmed number is removed and
    // the emulator delivers that too.
    let wait = (confirm_by - fleet_now(&fleet).await).num_seconds() + 3_600;
    fleet
        .admin("clock/advance", serde_json::json!({ "seconds": wait }))
        .await;
    eventually("the emulator's removed delivery", || async {
        store
            .events(Some(&fleet.enterprise_id))
            .await
            .unwrap()
            .iter()
            .any(|e| {
                e.event_type == "number_reputation.number.removed"
                    && e.phone_number.as_deref() == Some(number.as_str())
            })
    })
    .await;
}

/// The emulator's (virtual) time.
async fn fleet_now(fleet: &Fleet) -> chrono::DateTime<Utc> {
    let health: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/health", fleet.emulator.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    health["now"].as_str().unwrap().parse().unwrap()
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
    let csv = report.csv(&store).await.unwrap();
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

/// A reading of `number` at `at` with the given risk and maturity score.
fn reading_at(number: &str, at: chrono::DateTime<Utc>, risk: Option<&str>, score: i64) -> Reading {
    Reading {
        phone_number: number.to_owned(),
        observed_at: at,
        spam_risk: risk.map(Into::into),
        spam_category: None,
        maturity_score: Some(score),
        connection_score: None,
        engagement_score: None,
        sentiment_score: None,
        ownership_status: None,
        confirm_by: None,
        refreshed_at: None,
    }
}

/// The report counts in SQL what the old report computed by loading every reading: the
/// same daily distribution (readings before the window, several sweeps a day, days with
/// none, sweeps after the window, a removal, a removal undone), the same change count, the
/// newest changes and the same trend ranking as a replay of everything stored.
pub async fn the_sql_report_matches_a_full_replay(store: Store) {
    use chrono::Duration as D;
    let enterprise = "e-replay";
    let t0 = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let numbers: Vec<String> = (0..24)
        .map(|i| format!("+1312555{:04}", 3000 + i))
        .collect();
    let levels = [Some("low"), Some("medium"), Some("high"), None];
    let mut removed_at: std::collections::HashMap<&str, chrono::DateTime<Utc>> = Default::default();
    let mut all_changes = Vec::new();
    for sweep in 0..10i64 {
        let at = t0 + D::hours(13 * sweep);
        let listed: Vec<&str> = numbers
            .iter()
            .map(String::as_str)
            .filter(|n| !(6..8).contains(&sweep) || !n.ends_with("3004"))
            .filter(|n| sweep < 6 || !n.ends_with("3005"))
            .collect();
        let readings: Vec<Reading> = listed
            .iter()
            .enumerate()
            .filter(|(i, _)| sweep == 0 || (i * 7 + sweep as usize * 3).is_multiple_of(4))
            .map(|(i, n)| reading_at(n, at, levels[(i + 2 * sweep as usize) % 4], 90 - sweep))
            .collect();
        let changes: Vec<telnyx_reputation_monitor::Change> = readings
            .iter()
            .enumerate()
            .filter(|_| sweep > 0)
            .map(|(i, r)| telnyx_reputation_monitor::Change {
                enterprise_id: enterprise.into(),
                phone_number: r.phone_number.clone(),
                at,
                kind: if i % 5 == 0 {
                    ChangeKind::OwnershipChanged
                } else {
                    ChangeKind::RiskUp
                },
                field: "spam_risk".into(),
                old_value: None,
                new_value: r.spam_risk.clone(),
            })
            .collect();
        all_changes.extend(changes.iter().cloned());
        let removed: Vec<&str> = match sweep {
            6 => vec![numbers[4].as_str(), numbers[5].as_str()],
            _ => Vec::new(),
        };
        for n in &removed {
            removed_at.insert(n, at);
        }
        let added: Vec<&str> = match sweep {
            0 => numbers.iter().map(String::as_str).collect(),
            // Back in the list: the removal is undone.
            8 => {
                removed_at.remove(numbers[4].as_str());
                vec![numbers[4].as_str()]
            }
            _ => Vec::new(),
        };
        let write = SweepWrite {
            readings: readings.iter().collect(),
            added,
            removed,
            changes: &changes,
            numbers: listed.len() as u64,
            fresh_reads: 0,
            ..Default::default()
        };
        store.record_sweep(enterprise, at, &write).await.unwrap();
    }
    let since = t0 + D::hours(5);
    let until = t0 + D::hours(100);
    let report = Report::build(&store, Some(enterprise), since, until)
        .await
        .unwrap();

    // The replay: every number's whole history, its latest reading at each day's end.
    let mut ends: Vec<_> = (1..)
        .map(|d| since + D::days(d))
        .take_while(|e| *e < until)
        .collect();
    ends.push(until);
    let mut expected = vec![DayCounts::default(); ends.len()];
    for number in &numbers {
        let history = store.history(Some(enterprise), number).await.unwrap();
        for (day, end) in ends.iter().enumerate() {
            let Some(last) = history.iter().rev().find(|r| r.observed_at <= *end) else {
                continue;
            };
            if removed_at.get(number.as_str()).is_some_and(|g| g <= end) {
                continue;
            }
            let counts = &mut expected[day];
            match last.spam_risk.as_deref() {
                Some("low") => counts.low += 1,
                Some("medium") => counts.medium += 1,
                Some("high") => counts.high += 1,
                _ => counts.no_data += 1,
            }
        }
    }
    let days: Vec<DayCounts> = report.days.iter().map(|(_, c)| *c).collect();
    assert_eq!(
        report.days.iter().map(|(e, _)| *e).collect::<Vec<_>>(),
        ends
    );
    assert_eq!(days, expected);
    assert!(
        days.windows(2).any(|w| w[0] != w[1]),
        "the fleet moves between levels: {days:?}"
    );
    assert!(
        days.iter().any(|d| d.high > 0) && days.iter().any(|d| d.no_data > 0),
        "every level is exercised: {days:?}"
    );
    assert_eq!(
        days[3].total(),
        23,
        "one number removed, one back: {days:?}"
    );

    let in_window: Vec<_> = all_changes
        .iter()
        .filter(|c| c.at >= since && c.at <= until)
        .cloned()
        .collect();
    assert_eq!(report.changes_total, in_window.len() as u64);
    let mut newest = in_window.clone();
    newest.sort_by(|a, b| {
        (a.at, &a.phone_number, a.kind.as_str(), &a.field).cmp(&(
            b.at,
            &b.phone_number,
            b.kind.as_str(),
            &b.field,
        ))
    });
    assert_eq!(
        report.changes, newest,
        "fewer than the shown maximum: all of them"
    );
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in in_window
        .iter()
        .filter(|c| c.kind != ChangeKind::OwnershipChanged)
    {
        *counts.entry(c.phone_number.as_str()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let trend_numbers: Vec<&str> = report.trends.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        trend_numbers,
        ranked
            .iter()
            .take(telnyx_reputation_monitor::report::TREND_CHARTS)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
    );
    for (number, readings) in &report.trends {
        let history = store.history(Some(enterprise), number).await.unwrap();
        let start = history
            .iter()
            .rposition(|r| r.observed_at <= since)
            .unwrap_or(0);
        let shown: Vec<_> = history[start..]
            .iter()
            .filter(|r| r.observed_at <= until)
            .cloned()
            .collect();
        assert_eq!(
            readings, &shown,
            "{number}: from the reading in force at the start"
        );
    }
    let csv = report.csv(&store).await.unwrap();
    let mut in_csv = 0;
    for number in &numbers {
        let history = store.history(Some(enterprise), number).await.unwrap();
        in_csv += history
            .iter()
            .filter(|r| r.observed_at >= since && r.observed_at <= until)
            .count();
    }
    assert_eq!(
        csv.lines().count(),
        1 + in_csv,
        "every reading of the window"
    );
}

/// A notification endpoint on 127.0.0.1: it answers 500 to its first `fail_first`
/// requests, then 200, and keeps the delivery id header and status of every request.
pub struct Endpoint {
    pub url: String,
    pub seen: Arc<Mutex<Vec<(String, u16)>>>,
}

pub async fn endpoint(fail_first: usize, header: &'static str) -> Endpoint {
    use axum::http::{HeaderMap, StatusCode};
    let seen: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(axum::routing::post(
        move |headers: HeaderMap, _body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                let id = headers
                    .get(header)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let mut log = log.lock().unwrap();
                let status = if log.len() < fail_first { 500 } else { 200 };
                log.push((id, status));
                StatusCode::from_u16(status).unwrap()
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Endpoint { url, seen }
}

fn notify_and_remediate_rules(url: &str) -> Rules {
    Rules::parse(
        &format!(
            "[[rule]]\nname = \"turned high\"\nwhen = {{ became_high = true }}\n\
             actions = [{{ type = \"notify\", url = \"{url}\" }}, \
             {{ type = \"remediate\", call_purpose = \"Appointment reminders\" }}]\n"
        ),
        "rules.toml",
    )
    .unwrap()
}

pub async fn a_failed_notification_is_kept_in_the_outbox_and_delivered_once_later(store: Store) {
    use telnyx_reputation_monitor::outbox::{self, DeliverOptions, OutboxKind, OutboxState};
    let fleet = Fleet::start(3).await;
    // Remediation is billable: this client may submit up to 5.
    let client = Client::builder()
        .api_key(&fleet.key)
        .base_url(fleet.emulator.base_url())
        .max_billable(5)
        .build()
        .unwrap();
    let monitor = Monitor::new(client.clone(), store.clone());
    let hook = endpoint(2, telnyx_reputation_monitor::outbox::DELIVERY_ID_HEADER).await;
    let rules = notify_and_remediate_rules(&hook.url);
    let number = &fleet.numbers[1];
    fleet
        .set_reputation(number, serde_json::json!({ "spam_risk": "low" }))
        .await;
    let options = SyncOptions::default();
    monitor
        .sync_with_rules(&fleet.enterprise_id, &options, &rules, true, |_| {})
        .await
        .unwrap();
    fleet
        .set_reputation(number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    // The sync decides and commits; as if the process stopped right after, nothing is sent.
    let run = monitor
        .sync_with_rules(&fleet.enterprise_id, &options, &rules, true, |_| {})
        .await
        .unwrap();
    assert_eq!(run.queued, 2, "one notification and one remediation");
    let pending = store.outbox(&[OutboxState::Pending]).await.unwrap();
    assert_eq!(pending.len(), 2);
    // A later sync of the same state decides nothing new: the changes are recorded.
    let again = monitor
        .sync_with_rules(&fleet.enterprise_id, &options, &rules, true, |_| {})
        .await
        .unwrap();
    assert!(again.report.changes.is_empty());
    assert_eq!(again.queued, 0);
    let all = DeliverOptions {
        ignore_schedule: true,
        timeout: Some(Duration::from_secs(5)),
        ..DeliverOptions::default()
    };
    // The endpoint fails twice: the notification stays pending, the remediation is done.
    for attempt in 1..=2 {
        let delivered = outbox::deliver(&store, Some(&client), &all).await.unwrap();
        assert_eq!(delivered.failed.len(), 1, "attempt {attempt}");
        assert_eq!(delivered.failed[0].kind, OutboxKind::Notify);
        assert_eq!(delivered.failed[0].state, OutboxState::Pending);
        assert!(
            delivered.failed[0]
                .last_error
                .as_deref()
                .unwrap()
                .contains("500"),
            "{:?}",
            delivered.failed[0]
        );
    }
    let listed = store
        .outbox(&[OutboxState::Pending, OutboxState::Failed])
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].attempts, 2);
    assert!(
        listed[0].next_attempt_at > Utc::now(),
        "retried with backoff"
    );
    // Not due yet: a scheduled delivery leaves it alone.
    let scheduled = outbox::deliver(&store, Some(&client), &DeliverOptions::default())
        .await
        .unwrap();
    assert!(scheduled.delivered.is_empty() && scheduled.failed.is_empty());
    let third = outbox::deliver(&store, Some(&client), &all).await.unwrap();
    assert_eq!(third.delivered.len(), 1);
    assert!(
        store
            .outbox(&[OutboxState::Pending, OutboxState::Failed])
            .await
            .unwrap()
            .is_empty()
    );
    let nothing = outbox::deliver(&store, Some(&client), &all).await.unwrap();
    assert!(nothing.delivered.is_empty() && nothing.failed.is_empty());
    // Three requests carried one stable delivery id; one of them succeeded.
    let seen = hook.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|(id, _)| id == &listed[0].id), "{seen:?}");
    assert_eq!(seen.iter().filter(|(_, s)| *s == 200).count(), 1);
    // And one remediation request, however often the outbox was delivered.
    let remediations: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(
        fleet
            .client
            .reputation(&fleet.enterprise_id)
            .remediation()
            .list()
            .stream(),
    )
    .await
    .unwrap();
    assert_eq!(remediations.len(), 1);
}

pub async fn a_second_sync_of_one_enterprise_waits_or_stops_naming_the_holder(store: Store) {
    let first = store.lock_sync("ent-1", None).await.unwrap();
    let error = store.lock_sync("ent-1", None).await.unwrap_err();
    assert!(matches!(error, MonitorError::Locked { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("another sync of enterprise ent-1 is running")
            && message.contains(&format!("pid {}", std::process::id()))
            && message.contains("--wait-lock"),
        "{message}"
    );
    // Another enterprise is not held up.
    let other = store.lock_sync("ent-2", None).await.unwrap();
    let waited = store
        .lock_sync("ent-1", Some(Duration::from_millis(300)))
        .await
        .unwrap_err()
        .to_string();
    assert!(waited.contains("still held after waiting"), "{waited}");
    let store2 = store.clone();
    let waiter = tokio::spawn(async move {
        store2
            .lock_sync("ent-1", Some(Duration::from_secs(10)))
            .await
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!waiter.is_finished(), "waits while the first holds it");
    first.release().await.unwrap();
    let second = waiter.await.unwrap().unwrap();
    second.release().await.unwrap();
    other.release().await.unwrap();
    store
        .lock_sync("ent-1", None)
        .await
        .unwrap()
        .release()
        .await
        .unwrap();
}

pub async fn an_ownership_deadline_fires_once_and_once_more_as_a_reminder(store: Store) {
    let fleet = Fleet::start(2).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let number = &fleet.numbers[0];
    let now = Utc::now();
    let confirm_by = now + chrono::Duration::days(2);
    let event = telnyx_reputation_monitor::StoredEvent {
        event_id: "ev-deadline".into(),
        event_type: "number_reputation.number.flagged".into(),
        enterprise_id: Some(fleet.enterprise_id.clone()),
        phone_number: Some(number.clone()),
        occurred_at: Some(now),
        received_at: now,
        flag_reason: Some("carrier_changed".into()),
        confirm_by: Some(confirm_by),
    };
    let body = flagged_body("ev-deadline", &fleet.enterprise_id, number, confirm_by);
    assert!(store.record_event(&event, &body).await.unwrap());
    let rules = Rules::parse(
        "[[rule]]\nname = \"confirm soon\"\n\
         when = { confirm_within_days = 3, confirm_reminder_days = 1 }\n\
         actions = [{ type = \"print\" }]\n",
        "rules.toml",
    )
    .unwrap();
    let fired = |at: chrono::DateTime<Utc>| {
        let monitor = monitor.clone();
        let rules = rules.clone();
        let enterprise = fleet.enterprise_id.clone();
        async move {
            let options = SyncOptions {
                at: Some(at),
                ..SyncOptions::default()
            };
            monitor
                .sync_with_rules(&enterprise, &options, &rules, false, |_| {})
                .await
                .unwrap()
                .outcomes
                .len()
        }
    };
    assert_eq!(fired(now).await, 1, "the first sync within 3 days fires");
    assert_eq!(fired(now + chrono::Duration::hours(1)).await, 0);
    assert_eq!(fired(now + chrono::Duration::hours(2)).await, 0);
    // Within a day of the deadline: the reminder, once.
    assert_eq!(fired(now + chrono::Duration::hours(30)).await, 1);
    assert_eq!(fired(now + chrono::Duration::hours(31)).await, 0);
}

pub async fn a_forward_is_recorded_answered_and_retried_until_the_target_takes_it(store: Store) {
    use telnyx_reputation_monitor::outbox::{EVENT_ID_HEADER, OutboxKind, OutboxState};
    let fleet = Fleet::start(1).await;
    let public_key = fleet.served_public_key().await;
    let target = endpoint(2, EVENT_ID_HEADER).await;
    let receiver = Receiver::new(store.clone(), public_key)
        .unwrap()
        .forward_to(&target.url);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    tokio::spawn(receiver.serve(listener, std::future::pending()));
    let now = Utc::now();
    let body = flagged_body("ev-forward", &fleet.enterprise_id, &fleet.numbers[0], now);
    // The sender is answered 200 at once, though the target fails.
    let answer = post_signed(&url, &body, now.timestamp(), SIGNING_KEY).await;
    assert_eq!(answer.status(), 200);
    // A redelivery of the same data.id is acknowledged and queues nothing more.
    let again = post_signed(&url, &body, now.timestamp(), SIGNING_KEY).await;
    assert_eq!(again.status(), 200);
    let queued = store.outbox(&[]).await.unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].kind, OutboxKind::Forward);
    eventually("the forward to get through", || async {
        target.seen.lock().unwrap().iter().any(|(_, s)| *s == 200)
    })
    .await;
    let seen = target.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "two 500s then the 200: {seen:?}");
    assert!(seen.iter().all(|(id, _)| id == "ev-forward"), "{seen:?}");
    // The target's 200 is seen before the worker records it: wait for the row to be marked.
    eventually("the forward to be marked done", || async {
        store.outbox(&[]).await.unwrap()[0].state == OutboxState::Done
    })
    .await;
    let done = store.outbox(&[]).await.unwrap();
    assert_eq!(done[0].state, OutboxState::Done);
    assert_eq!(done[0].attempts, 3);
}

/// A loopback proxy in front of the emulator that slows the listing's second page: before
/// forwarding it, it removes `victim` (a number of the first page, already listed), so the
/// offset pages shift under the sweep exactly as a removal during a long listing does.
/// Returns the proxy's base URL and whether the slowed page was seen.
async fn page_shifting_proxy(
    fleet: &Fleet,
    victim: String,
) -> (String, Arc<std::sync::atomic::AtomicBool>) {
    use axum::extract::Request;
    use std::sync::atomic::{AtomicBool, Ordering};
    let upstream = format!("http://{}", fleet.emulator.addr());
    let remover = fleet.client.reputation(&fleet.enterprise_id);
    let shifted = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&shifted);
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |request: Request| {
        let (upstream, remover, seen, http, victim) = (
            upstream.clone(),
            remover.clone(),
            Arc::clone(&seen),
            http.clone(),
            victim.clone(),
        );
        async move {
            let uri = request.uri().clone();
            let query = uri.query().unwrap_or_default();
            let second_page = request.method() == axum::http::Method::GET
                && uri.path().ends_with("/reputation/numbers")
                && (query.contains("page%5Bnumber%5D=2") || query.contains("page[number]=2"));
            if second_page && !seen.swap(true, Ordering::SeqCst) {
                remover.numbers().remove(&victim).await.unwrap();
            }
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let mut forward = http.request(
                parts.method.clone(),
                format!("{upstream}{}", uri.path_and_query().unwrap()),
            );
            for (name, value) in &parts.headers {
                if name != axum::http::header::HOST {
                    forward = forward.header(name, value);
                }
            }
            let answer = forward.body(body).send().await.unwrap();
            let status = answer.status();
            let headers = answer.headers().clone();
            let bytes = answer.bytes().await.unwrap();
            let mut response = axum::response::Response::new(axum::body::Body::from(bytes));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v2"), shifted)
}

pub async fn a_removal_during_the_listing_is_no_phantom_removal(store: Store) {
    // Two pages of 250; the removal of a first-page number before the second page is
    // served shifts every later number one place up, so the listing misses one.
    let fleet = Fleet::start(300).await;
    let direct = Monitor::new(fleet.client.clone(), store.clone());
    let first = direct
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(first.numbers, 300);
    let victim = fleet.numbers[10].clone();
    let (proxy, shifted) = page_shifting_proxy(&fleet, victim.clone()).await;
    let slowed = Client::builder()
        .api_key(&fleet.key)
        .base_url(proxy)
        .build()
        .unwrap();
    let monitor = Monitor::new(slowed, store.clone());
    let during = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    assert!(
        shifted.load(std::sync::atomic::Ordering::SeqCst),
        "the second page was slowed"
    );
    // The victim was listed (page 1 came before its removal); the number the shift hid was
    // looked up and is still there: nothing changed.
    assert!(during.changes.is_empty(), "{:?}", during.changes);
    assert_eq!(during.numbers, 300);
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.changes, 300, "only the first sync's `added`");
    // The next sync sees the removal, confirmed, and only it; nothing comes back as added.
    let after = direct
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    let changes: Vec<(ChangeKind, &str)> = after
        .changes
        .iter()
        .map(|c| (c.kind, c.phone_number.as_str()))
        .collect();
    assert_eq!(changes, [(ChangeKind::Removed, victim.as_str())]);
    assert_eq!(after.numbers, 299);
}

impl Fleet {
    /// Units of `action` in the emulator's ledger so far.
    pub async fn ledger_count(&self, action: &str) -> u64 {
        let ledger = self.admin_get("ledger").await;
        ledger["data"][action].as_u64().unwrap_or(0)
    }
}

pub async fn spend_is_measured_from_observed_refreshes_and_the_monitors_own_reads(store: Store) {
    use telnyx_reputation::{PriceTable, Usd};
    use telnyx_reputation_monitor::Spend;
    let fleet = Fleet::start(12).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let sync = || async {
        monitor
            .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
            .await
            .unwrap()
    };
    sync().await;
    let scheduled_before = fleet.ledger_count("scheduled_refresh").await;
    // A day at a time on the emulator's clock (business_daily: a weekend day has no
    // re-check); after each day the sync sees every re-check of that day.
    for _ in 0..4 {
        fleet
            .admin("clock/advance", serde_json::json!({ "seconds": 86_400 }))
            .await;
        sync().await;
    }
    let billed = fleet.ledger_count("scheduled_refresh").await - scheduled_before;
    assert!(billed >= 12 * 2, "four days hold business days: {billed}");
    let today = Utc::now().date_naive();
    let (since, until) = (today - chrono::Days::new(30), today + chrono::Days::new(30));
    let recorded = store
        .spend(Some(&fleet.enterprise_id), since, until)
        .await
        .unwrap();
    let scheduled: u64 = recorded.iter().map(|d| d.scheduled_checks).sum();
    assert_eq!(
        scheduled, billed,
        "every billed re-check observed once: {recorded:?}"
    );
    // The days are the re-checks' own (the emulator's clock), not the syncs'.
    assert!(
        recorded
            .iter()
            .any(|d| d.day > today && d.scheduled_checks > 0)
    );
    // A sync with nothing new records no re-check.
    sync().await;
    let again = store
        .spend(Some(&fleet.enterprise_id), since, until)
        .await
        .unwrap();
    assert_eq!(
        again.iter().map(|d| d.scheduled_checks).sum::<u64>(),
        billed
    );
    // The monitor's own fresh reads are counted exactly and not as re-checks.
    let budgeted = Client::builder()
        .api_key(&fleet.key)
        .base_url(fleet.emulator.base_url())
        .max_billable(12)
        .build()
        .unwrap();
    let lookups = fleet.live_lookups().await;
    Monitor::new(budgeted, store.clone())
        .sync(
            &fleet.enterprise_id,
            &SyncOptions {
                fresh: true,
                ..SyncOptions::default()
            },
            |_| {},
        )
        .await
        .unwrap();
    sync().await;
    assert_eq!(fleet.live_lookups().await, lookups + 12);
    let spend = Spend::load(
        &store,
        Some(&fleet.enterprise_id),
        since,
        until,
        &PriceTable::default(),
    )
    .await
    .unwrap();
    let fresh: u64 = spend.days.iter().map(|d| d.counts.fresh_checks).sum();
    let scheduled: u64 = spend.days.iter().map(|d| d.counts.scheduled_checks).sum();
    assert_eq!((fresh, scheduled), (12, billed));
    // Priced with the facade's table: $0.10 a check, plus $100 per enterprise-month.
    let usage = Usd::from_cents(10 * (12 + billed));
    assert_eq!(spend.usage_usd().known, usage);
    let months = spend.months.len() as u64;
    assert!(months >= 1);
    assert_eq!(
        spend.total_usd.known,
        usage.saturating_add(Usd::from_cents(10_000 * months))
    );
    // The report shows it.
    let report = Report::build(
        &store,
        Some(&fleet.enterprise_id),
        Utc::now() - chrono::Duration::days(30),
        Utc::now() + chrono::Duration::days(30),
    )
    .await
    .unwrap();
    assert_eq!(report.spend.total_usd, spend.total_usd);
    let html = report.html();
    assert!(html.contains("What it cost (measured)"), "{html}");
    assert!(html.contains(&spend.total_usd.to_string()), "{html}");
}

pub async fn the_budgeted_policy_checks_the_riskiest_first_and_never_spends_above_its_budget(
    store: Store,
) {
    use telnyx_reputation::Usd;
    use telnyx_reputation_monitor::Policy;
    let fleet = Fleet::start(10).await;
    for n in &fleet.numbers[..2] {
        fleet
            .set_reputation(n, serde_json::json!({ "spam_risk": "high" }))
            .await;
    }
    for n in &fleet.numbers[2..4] {
        fleet
            .set_reputation(n, serde_json::json!({ "spam_risk": "medium" }))
            .await;
    }
    for n in &fleet.numbers[4..] {
        fleet
            .set_reputation(n, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    // $0.30 a day (3 checks), $0.80 a month (8 checks).
    let policy = Policy::parse(
        "[policy]\nmonthly_budget_usd = \"0.80\"\ndaily_cap_usd = \"0.30\"\n",
        "test",
    )
    .unwrap();
    // Fixed days inside one month, on the sync's clock.
    let day = |k: i64| {
        chrono::DateTime::parse_from_rfc3339("2030-03-02T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + chrono::Duration::days(k)
            + chrono::Duration::minutes(k)
    };
    let options = |at| SyncOptions {
        policy: Some(policy.clone()),
        at: Some(at),
        ..SyncOptions::default()
    };
    let mut billed_total = 0;
    let mut runs = Vec::new();
    for (k, faults) in [(0, false), (0, false), (1, true), (2, true), (3, false)] {
        if faults {
            // The next per-number reads fail: one is processed and billed but its answer
            // lost, one is a server error, one is rate limited and retried by the facade.
            let prefix = format!(
                "/v2/enterprises/{}/reputation/numbers/",
                fleet.enterprise_id
            );
            for fault in [
                serde_json::json!({"drop_after_processing": true, "count": 1}),
                serde_json::json!({"status": 500, "count": 1}),
                serde_json::json!({"status": 429, "retry_after_ms": 10, "count": 1}),
            ] {
                let mut fault = fault;
                fault["method"] = "GET".into();
                fault["path_prefix"] = prefix.clone().into();
                fleet.admin("faults", fault).await;
            }
        }
        let before = fleet.live_lookups().await;
        let report = monitor
            .sync(&fleet.enterprise_id, &options(day(k)), |_| {})
            .await
            .unwrap();
        let billed = fleet.live_lookups().await - before;
        billed_total += billed;
        let run = report.policy.expect("the policy ran");
        // What the store records as spent covers every billed check, and the checks
        // planned never exceed what the day and the month have left.
        assert!(run.billed >= billed, "day {k}: {run:?} billed {billed}");
        assert!(run.planned_usd.known <= run.allowance_usd, "{run:?}");
        assert!(billed <= 3, "day {k}: {billed} > the daily cap");
        runs.push((k, run));
    }
    assert!(
        billed_total <= 8,
        "{billed_total} checks billed over a budget of 8"
    );
    // Recorded per day, never above the caps.
    let recorded = store
        .spend(
            Some(&fleet.enterprise_id),
            day(0).date_naive(),
            day(3).date_naive(),
        )
        .await
        .unwrap();
    let fresh: Vec<u64> = recorded.iter().map(|d| d.fresh_checks).collect();
    assert!(fresh.iter().all(|f| *f <= 3), "{recorded:?}");
    assert!(fresh.iter().sum::<u64>() <= 8, "{recorded:?}");
    assert!(fresh.iter().sum::<u64>() >= billed_total);
    // Day 0: the two high numbers, then a medium one; the second sync of the day has
    // nothing left to spend.
    let first = &runs[0].1;
    assert_eq!(first.selected.len(), 3, "{first:?}");
    let mut highs = first.selected[..2].to_vec();
    highs.sort();
    assert_eq!(highs, fleet.numbers[..2].to_vec());
    assert!(fleet.numbers[2..4].contains(&first.selected[2]));
    assert_eq!(
        first.candidates.len(),
        10,
        "all stale by 2030: every number is one"
    );
    assert!(runs[1].1.selected.is_empty(), "{:?}", runs[1].1);
    assert_eq!(runs[1].1.spent_today_usd, Usd::from_cents(30));
    // The faults made reads fail; what may have been billed was counted.
    assert!(runs[2].1.failed > 0, "{:?}", runs[2].1);
    // The month's budget ends it: day 3 has nothing left.
    assert!(runs[4].1.selected.is_empty(), "{:?}", runs[4].1);
    assert_eq!(runs[4].1.spent_month_usd, Usd::from_cents(80));
}

/// `monitor serve`'s scheduler: an enterprise whose lock another sync holds is skipped
/// (and said so) until it is free; after downtime (a last sync ten one-hour slots ago) it
/// is synced once, not once per missed slot.
pub async fn the_service_catches_up_once_and_waits_for_a_held_lock(store: Store) {
    use telnyx_reputation_monitor::service::{Config, Service, ServiceEvent};
    let fleet = Fleet::start(2).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let options = SyncOptions {
        at: Some(Utc::now() - chrono::Duration::hours(10)),
        ..SyncOptions::default()
    };
    monitor
        .sync(&fleet.enterprise_id, &options, |_| {})
        .await
        .unwrap();
    let lock = store.lock_sync(&fleet.enterprise_id, None).await.unwrap();
    let config = Config::parse(
        &format!(
            "store = \"(opened by the test)\"\nevery = \"1h\"\nlisten = \"127.0.0.1:0\"\n\
             enterprises = [\"{}\"]\n",
            fleet.enterprise_id
        ),
        "monitor.toml",
    )
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let service = Service::new(config, fleet.client.clone(), store.clone()).on_event(move |e| {
        log.lock().unwrap().push(match e {
            ServiceEvent::Synced(report) => format!("synced {}", report.enterprise_id),
            ServiceEvent::Locked { .. } => "locked".into(),
            other => format!("{other:?}"),
        });
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let readyz = format!("http://{}/readyz", listener.local_addr().unwrap());
    let ready = || async {
        let response = reqwest::get(&readyz).await.unwrap();
        let status = response.status().as_u16();
        (status, response.json::<serde_json::Value>().await.unwrap())
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let count = |what: &str| seen.lock().unwrap().iter().filter(|e| *e == what).count();
    let synced = format!("synced {}", fleet.enterprise_id);
    let checks = async {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while count("locked") == 0 {
            assert!(std::time::Instant::now() < deadline, "{:?}", seen.lock());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            store.counts().await.unwrap().sweeps,
            1,
            "a held lock stops it"
        );
        lock.release().await.unwrap();
        while count(&synced) == 0 {
            assert!(std::time::Instant::now() < deadline, "{:?}", seen.lock());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Ten missed slots, one catch-up: nothing more for a while.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(count(&synced), 1, "{:?}", seen.lock());
        assert_eq!(store.counts().await.unwrap().sweeps, 2);
        let last = store
            .last_sweep(&fleet.enterprise_id)
            .await
            .unwrap()
            .unwrap();
        assert!(Utc::now() - last < chrono::Duration::minutes(1), "{last}");
        let (status, body) = ready().await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["ready"], true, "{body}");
        stop.send(()).unwrap();
    };
    let (ran, ()) = tokio::time::timeout(
        Duration::from_secs(60),
        futures::future::join(
            service.run(listener, async move {
                let _ = stopped.await;
            }),
            checks,
        ),
    )
    .await
    .expect("the service stops when told");
    ran.unwrap();
}

/// A client of `fleet` that may submit up to 20 billable numbers (remediation).
fn budgeted(fleet: &Fleet) -> Client {
    Client::builder()
        .api_key(&fleet.key)
        .base_url(fleet.emulator.base_url())
        .max_billable(20)
        .build()
        .unwrap()
}

fn remediate_rules() -> Rules {
    Rules::parse(
        "[[rule]]\nname = \"turned high\"\nwhen = { became_high = true }\n\
         actions = [{ type = \"remediate\", call_purpose = \"Appointment reminders\" }]\n",
        "rules.toml",
    )
    .unwrap()
}

/// Set `numbers` low, sync, then high, and sync with the remediate rule applied: the
/// second sync's run.
async fn turn_high(
    fleet: &Fleet,
    monitor: &Monitor,
    numbers: &[String],
) -> telnyx_reputation_monitor::SyncRun {
    let rules = remediate_rules();
    for risk in ["low", "high"] {
        for number in numbers {
            fleet
                .set_reputation(number, serde_json::json!({ "spam_risk": risk }))
                .await;
        }
        let run = monitor
            .sync_with_rules(
                &fleet.enterprise_id,
                &SyncOptions::default(),
                &rules,
                true,
                |_| {},
            )
            .await
            .unwrap();
        if risk == "high" {
            return run;
        }
    }
    unreachable!()
}

async fn deliver_all(
    store: &Store,
    client: &Client,
) -> telnyx_reputation_monitor::outbox::DeliveryReport {
    use telnyx_reputation_monitor::outbox::{self, DeliverOptions};
    let all = DeliverOptions {
        ignore_schedule: true,
        ..DeliverOptions::default()
    };
    outbox::deliver(store, Some(client), &all).await.unwrap()
}

async fn requests_sent(fleet: &Fleet) -> usize {
    futures::TryStreamExt::try_collect::<Vec<_>>(
        fleet
            .client
            .reputation(&fleet.enterprise_id)
            .remediation()
            .list()
            .stream(),
    )
    .await
    .unwrap()
    .len()
}

/// The spam risk the enterprise's listing shows for `number` now.
async fn listed_risk(fleet: &Fleet, number: &str) -> String {
    let page = fleet
        .client
        .reputation(&fleet.enterprise_id)
        .numbers()
        .list()
        .phone_number_eq(number)
        .first_page()
        .await
        .unwrap();
    Reading::from_number(&page.items[0], Utc::now())
        .spam_risk
        .unwrap_or_else(|| "unknown".into())
}

pub async fn a_rules_remediation_is_followed_to_its_outcome_and_re_checked(store: Store) {
    let fleet = Fleet::start(4).await;
    let client = budgeted(&fleet);
    let monitor = Monitor::new(client.clone(), store.clone());
    let run = turn_high(&fleet, &monitor, &fleet.numbers).await;
    assert_eq!(run.queued, 1, "{:?}", run.outcomes);
    assert!(
        store.remediations(None, false).await.unwrap().is_empty(),
        "followed once submitted, not when decided"
    );
    let delivered = deliver_all(&store, &client).await;
    assert_eq!(delivered.delivered.len(), 1, "{delivered:?}");
    let id = delivered.delivered[0].result.clone().unwrap();
    // Recorded with the delivery: open, nothing polled yet.
    let tracked = store.remediations(None, false).await.unwrap();
    assert_eq!(tracked.len(), 1);
    let request = &tracked[0];
    assert_eq!(
        (
            request.id.as_str(),
            request.state.as_str(),
            request.source.as_str()
        ),
        (id.as_str(), "pending", "rule")
    );
    assert_eq!(request.rule.as_deref(), Some("turned high"));
    assert_eq!(request.numbers.len(), 4);
    assert!(request.numbers.iter().all(|n| n.outcome.is_none()));
    assert_eq!(store.remediations(None, true).await.unwrap().len(), 1);
    // Patient polling: nothing is read before the first poll is due, 30 s on.
    let submitted = request.submitted_at;
    let early = monitor
        .follow_remediations(submitted + chrono::Duration::seconds(10))
        .await
        .unwrap();
    assert_eq!(early.polled, 0, "{early:?}");
    let at = submitted + chrono::Duration::seconds(31);
    let followed = monitor.follow_remediations(at).await.unwrap();
    assert_eq!(followed.polled, 1, "{followed:?}");
    assert_eq!(
        followed.finished,
        vec![(id.clone(), "completed".to_owned())]
    );
    // Each number's outcome is the API's.
    let answer = client
        .reputation(&fleet.enterprise_id)
        .remediation()
        .get(&id)
        .await
        .unwrap();
    let results = answer.results.unwrap();
    let tracked = store.remediations(None, false).await.unwrap();
    let request = &tracked[0];
    assert_eq!(request.state, "completed");
    assert_eq!(request.polls, 1);
    assert_eq!(request.last_polled_at, Some(at));
    assert_eq!(request.finished_at, answer.tier2_completed_at);
    let bucket = |name: &str| -> Vec<String> {
        request
            .numbers
            .iter()
            .filter(|n| n.outcome.as_deref() == Some(name))
            .map(|n| n.phone_number.clone())
            .collect()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(bucket("remediated"), sorted(results.remediated.clone()));
    assert_eq!(
        bucket("requires_review"),
        sorted(results.requires_review.clone())
    );
    assert_eq!(bucket("not_flagged"), sorted(results.not_flagged.clone()));
    assert!(!results.remediated.is_empty(), "{results:?}");
    assert!(store.remediations(None, true).await.unwrap().is_empty());
    // Nothing polled again once finished.
    let again = monitor
        .follow_remediations(at + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(again.polled, 0);
    assert!(again.rechecked.is_empty(), "not a day yet: {again:?}");
    // 1, 7 and 30 days on (the emulator's clock), each remediated number is re-read, free.
    let lookups = fleet.live_lookups().await;
    let finished = request.finished_at.unwrap();
    let mut elapsed = 0;
    for days in [1, 7, 30] {
        fleet
            .admin(
                "clock/advance",
                serde_json::json!({ "seconds": (days - elapsed) * 86_400 + 60 }),
            )
            .await;
        elapsed = days;
        let now = fleet_now(&fleet).await;
        assert!(now >= finished + chrono::Duration::days(days));
        let followed = monitor.follow_remediations(now).await.unwrap();
        assert_eq!(
            followed.rechecked.len(),
            results.remediated.len(),
            "{days} d: {followed:?}"
        );
        assert!(followed.rechecked.iter().all(|(_, d, _)| *d == days));
        let tracked = store.remediations(None, false).await.unwrap();
        for number in &tracked[0].numbers {
            let recheck = match days {
                1 => &number.recheck_1d,
                7 => &number.recheck_7d,
                _ => &number.recheck_30d,
            };
            if number.outcome.as_deref() != Some("remediated") {
                assert!(recheck.is_none(), "{number:?}");
                continue;
            }
            let recheck = recheck.as_ref().expect("re-checked");
            assert_eq!(recheck.at, now);
            assert_eq!(
                recheck.risk,
                listed_risk(&fleet, &number.phone_number).await
            );
        }
        // Each re-check once.
        let same = monitor.follow_remediations(now).await.unwrap();
        assert!(same.rechecked.is_empty(), "{same:?}");
    }
    assert_eq!(
        fleet.live_lookups().await,
        lookups,
        "re-checks are cached reads"
    );
}

pub async fn a_number_in_an_open_remediation_is_never_submitted_again(store: Store) {
    use telnyx_reputation_monitor::outbox::{NewOutboxItem, OutboxKind};
    let fleet = Fleet::start(3).await;
    let client = budgeted(&fleet);
    let monitor = Monitor::new(client.clone(), store.clone());
    let first = vec![fleet.numbers[0].clone()];
    assert_eq!(turn_high(&fleet, &monitor, &first).await.queued, 1);
    deliver_all(&store, &client).await;
    assert_eq!(requests_sent(&fleet).await, 1);
    let open = store.remediations(None, true).await.unwrap();
    assert_eq!(open.len(), 1);
    // It turns high again while its request is open (the store has not seen it finish):
    // the sync decides no second request, with another number it leaves it out.
    let run = turn_high(&fleet, &monitor, &first).await;
    assert_eq!(run.queued, 0, "{:?}", store.outbox(&[]).await.unwrap());
    let both = vec![fleet.numbers[0].clone(), fleet.numbers[1].clone()];
    assert_eq!(turn_high(&fleet, &monitor, &both).await.queued, 1);
    let rows = store.outbox(&[]).await.unwrap();
    let row = rows.last().unwrap();
    assert_eq!(
        row.payload["numbers"],
        serde_json::json!([fleet.numbers[1]])
    );
    assert_eq!(
        row.payload["in_open_remediation"],
        serde_json::json!([fleet.numbers[0]])
    );
    deliver_all(&store, &client).await;
    assert_eq!(requests_sent(&fleet).await, 2);
    // A row decided before the request was recorded is checked again when delivered.
    store
        .enqueue(&[NewOutboxItem {
            kind: OutboxKind::Remediate,
            idempotency_key: "remediate|late".into(),
            enterprise_id: Some(fleet.enterprise_id.clone()),
            rule: Some("turned high".into()),
            target: fleet.enterprise_id.clone(),
            payload: serde_json::json!({ "numbers": first, "skipped": [],
                "call_purpose": "Appointment reminders", "contact_email": null }),
        }])
        .await
        .unwrap();
    let late = deliver_all(&store, &client).await;
    assert_eq!(late.delivered.len(), 1, "{late:?}");
    let result = late.delivered[0].result.as_deref().unwrap();
    assert!(
        result.starts_with("not submitted: every number is in an open remediation")
            && result.contains(&open[0].id),
        "{result}"
    );
    assert_eq!(requests_sent(&fleet).await, 2, "nothing sent");
    // Once its request finished, the number may be submitted again.
    let later = fleet_now(&fleet).await + chrono::Duration::minutes(5);
    let followed = monitor.follow_remediations(later).await.unwrap();
    assert_eq!(followed.finished.len(), 2, "{followed:?}");
    assert!(store.remediations(None, true).await.unwrap().is_empty());
    assert_eq!(turn_high(&fleet, &monitor, &first).await.queued, 1);
    deliver_all(&store, &client).await;
    assert_eq!(requests_sent(&fleet).await, 3);
}

/// A store with 30 days of history: `numbers` numbers read once a day (each reading differs
/// from the last), one number read only on the first day, webhook events and delivered
/// outbox rows every day. Returns the days' times, oldest first.
pub async fn fill_history(
    store: &Store,
    numbers: usize,
    now: chrono::DateTime<Utc>,
) -> Vec<chrono::DateTime<Utc>> {
    use telnyx_reputation_monitor::{Change, StoredEvent};
    // Times as the store keeps them: whole microseconds.
    let now = chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap();
    let days: Vec<_> = (0..30)
        .rev()
        .map(|d| now - chrono::Duration::days(d) - chrono::Duration::hours(1))
        .collect();
    let listed: Vec<String> = (0..numbers)
        .map(|i| format!("+1312555{:04}", 3000 + i))
        .collect();
    for (day, at) in days.iter().enumerate() {
        let mut readings: Vec<Reading> = listed
            .iter()
            .map(|n| reading_at(n, *at, Some("low"), day as i64))
            .collect();
        if day == 0 {
            readings.push(reading_at("+13125559999", *at, Some("high"), 1));
        }
        let changes: Vec<Change> = readings
            .iter()
            .map(|r| Change {
                enterprise_id: "ent".into(),
                phone_number: r.phone_number.clone(),
                at: *at,
                kind: ChangeKind::ScoreDrop,
                field: "maturity_score".into(),
                old_value: None,
                new_value: Some(day.to_string()),
            })
            .collect();
        let write = SweepWrite {
            readings: readings.iter().collect(),
            added: if day == 0 {
                readings.iter().map(|r| r.phone_number.as_str()).collect()
            } else {
                Vec::new()
            },
            changes: &changes,
            numbers: readings.len() as u64,
            ..SweepWrite::default()
        };
        store.record_sweep("ent", *at, &write).await.unwrap();
        let event = StoredEvent {
            event_id: format!("ev-{day}"),
            event_type: "number_reputation.number.flagged".into(),
            enterprise_id: Some("ent".into()),
            phone_number: Some(listed[0].clone()),
            occurred_at: Some(*at),
            received_at: *at,
            flag_reason: None,
            confirm_by: None,
        };
        store
            .record_event(&event, &"x".repeat(2_000))
            .await
            .unwrap();
    }
    days
}

pub async fn pruning_deletes_in_batches_keeps_each_numbers_newest_reading_and_reports_bytes(
    store: Store,
) {
    let now = chrono::DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap();
    let days = fill_history(&store, 20, now).await;
    let before = store.counts().await.unwrap();
    assert_eq!(before.readings, 20 * 30 + 1);
    // Keep 10 days: the readings of days 0..=18 go, except each number's reading in force
    // at the cutoff (day 19) and the lone number's only reading (day 0).
    let cutoff = now - chrono::Duration::days(10);
    let report = store.prune(cutoff, 7).await.unwrap();
    let table = |name: &str| {
        report
            .tables
            .iter()
            .find(|t| t.table == name)
            .unwrap()
            .clone()
    };
    let readings = table("readings");
    assert_eq!(readings.rows, 20 * 19);
    assert_eq!(readings.batches, 20 * 19 / 7 + 1, "{readings:?}");
    assert_eq!(table("changes").rows, 20 * 20 + 1, "changes of days 0..=19");
    assert_eq!(table("sweeps").rows, 20);
    assert_eq!(table("webhook_events").rows, 20);
    let after = store.counts().await.unwrap();
    assert_eq!(after.readings, 20 * 11 + 1);
    assert_eq!(after.events, 10);
    assert_eq!(after.sweeps, 10);
    // Every number keeps its newest reading, the lone one too, and the one in force at the
    // cutoff, so history starts right.
    let lone = store.history(Some("ent"), "+13125559999").await.unwrap();
    assert_eq!(lone.len(), 1, "never a number's newest reading");
    assert_eq!(lone[0].observed_at, days[0]);
    let kept = store.history(Some("ent"), "+13125553000").await.unwrap();
    assert_eq!(kept.first().unwrap().observed_at, days[19]);
    assert_eq!(kept.last().unwrap().observed_at, days[29]);
    let latest = store.latest("ent").await.unwrap();
    assert_eq!(latest.readings.len(), 21);
    assert_eq!(latest.last_sweep, Some(days[29]));
    // Bytes, as the backend counts them.
    assert!(
        report.bytes_before > 0 && report.bytes_after > 0,
        "{report:?}"
    );
    if store.backend() == telnyx_reputation_monitor::Backend::Sqlite {
        assert!(report.bytes_after < report.bytes_before, "{report:?}");
        assert_eq!(
            report.bytes_freed(),
            report.bytes_before - report.bytes_after
        );
    }
    // A second prune finds nothing more.
    let again = store.prune(cutoff, 7).await.unwrap();
    assert_eq!(again.rows(), 0, "{again:?}");
    // Pruning everything but the newest keeps one reading per number.
    store.prune(now, 1000).await.unwrap();
    assert_eq!(store.counts().await.unwrap().readings, 21);
}

pub async fn the_service_follows_remediations_and_prunes_past_its_retention(store: Store) {
    use telnyx_reputation::RemediationRequest;
    use telnyx_reputation_monitor::remediations::NewRemediation;
    use telnyx_reputation_monitor::service::{Config, Service, ServiceEvent};
    let fleet = Fleet::start(2).await;
    // History from a year and a half ago, and a request recorded by `--record` whose
    // first poll is due.
    let old = Utc::now() - chrono::Duration::days(540);
    fill_history(&store, 3, old).await;
    let readings_before = store.counts().await.unwrap().readings;
    let client = budgeted(&fleet);
    let submitted = client
        .reputation(&fleet.enterprise_id)
        .remediation()
        .submit(RemediationRequest::new(&fleet.numbers[..1], "Reminders"))
        .await
        .unwrap();
    store
        .record_remediation(&NewRemediation {
            id: submitted.id.clone(),
            enterprise_id: fleet.enterprise_id.clone(),
            numbers: fleet.numbers[..1].to_vec(),
            submitted_at: submitted.created_at - chrono::Duration::minutes(1),
            source: "cli".into(),
            rule: None,
        })
        .await
        .unwrap();
    let config = Config::parse(
        &format!(
            "store = \"(opened by the test)\"\nevery = \"1h\"\nlisten = \"127.0.0.1:0\"\n\
             enterprises = [\"{}\"]\nretention = \"400d\"\n",
            fleet.enterprise_id
        ),
        "monitor.toml",
    )
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let service = Service::new(config, fleet.client.clone(), store.clone()).on_event(move |e| {
        let line = match e {
            ServiceEvent::Remediations(report) => format!("followed {:?}", report.finished),
            ServiceEvent::Pruned(report) => format!("pruned {}", report.rows()),
            other => format!("{other:?}"),
        };
        log.lock().unwrap().push(line);
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let has = |prefix: &str| seen.lock().unwrap().iter().any(|e| e.starts_with(prefix));
    let checks = async {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !(has("followed") && has("pruned")) {
            assert!(std::time::Instant::now() < deadline, "{:?}", seen.lock());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.send(()).unwrap();
    };
    let (ran, ()) = tokio::time::timeout(
        Duration::from_secs(60),
        futures::future::join(
            service.run(listener, async move {
                let _ = stopped.await;
            }),
            checks,
        ),
    )
    .await
    .expect("the service stops when told");
    ran.unwrap();
    let events = seen.lock().unwrap().clone();
    assert!(
        events.contains(&format!("followed [({:?}, \"completed\")]", submitted.id)),
        "{events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| e.starts_with("pruned")).count(),
        1,
        "once a day: {events:?}"
    );
    let tracked = store.remediations(None, false).await.unwrap();
    assert_eq!(tracked[0].state, "completed");
    assert!(tracked[0].numbers[0].outcome.is_some());
    // Everything older than 400 days went, but each old number's newest reading and the
    // service's own sync.
    let counts = store.counts().await.unwrap();
    assert!(counts.readings < readings_before, "{counts:?}");
    assert_eq!(counts.readings, 4 + 2, "{counts:?}");
    assert_eq!(
        store
            .history(Some("ent"), "+13125559999")
            .await
            .unwrap()
            .len(),
        1
    );
}

/// A dashboard served on 127.0.0.1 until dropped.
pub struct DashboardServer {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<telnyx_reputation_monitor::Result<()>>>,
}

impl DashboardServer {
    pub async fn start(dashboard: telnyx_reputation_monitor::dashboard::Dashboard) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(dashboard.serve(listener, async move {
            let _ = stopped.await;
        }));
        Self {
            url,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stop it and wait until it stopped.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        let served = tokio::time::timeout(Duration::from_secs(10), self.task.take().unwrap())
            .await
            .expect("the dashboard stops");
        served.unwrap().unwrap();
    }
}

/// The spam category the dashboard tests inject: it must be shown as text.
pub const SCRIPT_CATEGORY: &str = "<script>alert(1)</script>";

/// A fleet of 12 synced twice: after the first sync two low numbers turn high, one with
/// the [`SCRIPT_CATEGORY`]. Returns the fleet, the second sync's report and the two numbers.
pub async fn seeded_dashboard_fleet(
    store: &Store,
) -> (Fleet, telnyx_reputation_monitor::SyncReport, [String; 2]) {
    let fleet = Fleet::start(12).await;
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let first = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    let mut low = first
        .current
        .iter()
        .filter(|r| r.spam_risk.as_deref() == Some("low"))
        .map(|r| r.phone_number.clone());
    let turned = [low.next().expect("a low number"), low.next().expect("two")];
    fleet
        .set_reputation(
            &turned[0],
            serde_json::json!({"spam_risk": "high", "spam_category": SCRIPT_CATEGORY}),
        )
        .await;
    fleet
        .set_reputation(
            &turned[1],
            serde_json::json!({"spam_risk": "high", "spam_category": "robocall"}),
        )
        .await;
    let second = monitor
        .sync(&fleet.enterprise_id, &SyncOptions::default(), |_| {})
        .await
        .unwrap();
    (fleet, second, turned)
}

async fn get(url: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

async fn get_json(url: &str) -> serde_json::Value {
    let (status, _, body) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

pub async fn the_dashboard_serves_the_fleet_numbers_history_and_changes(store: Store) {
    use telnyx_reputation_monitor::dashboard::Dashboard;
    let (fleet, report, turned) = seeded_dashboard_fleet(&store).await;
    let risk_of = |r: &Reading| r.spam_risk.clone().unwrap_or_else(|| "none".into());
    let mut high: Vec<String> = report
        .current
        .iter()
        .filter(|r| risk_of(r) == "high")
        .map(|r| r.phone_number.clone())
        .collect();
    high.sort();
    assert!(turned.iter().all(|n| high.contains(n)));
    let server = DashboardServer::start(Dashboard::new(store.clone())).await;

    // The fleet page: the counts per risk, and the security headers.
    let (status, headers, fleet_page) = get(&format!("{}/", server.url)).await;
    assert_eq!(status, 200);
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(
        fleet_page.contains("<b id=\"total-numbers\">12</b>"),
        "{fleet_page}"
    );
    for risk in ["high", "medium", "low", "none"] {
        let n = report.current.iter().filter(|r| risk_of(r) == risk).count();
        assert!(
            fleet_page.contains(&format!("<b id=\"total-{risk}\">{n}</b>")),
            "{risk}: {n} in {fleet_page}"
        );
    }
    assert!(fleet_page.contains(&fleet.enterprise_id));
    assert!(!fleet_page.contains("style="), "no inline style");
    let api_fleet = get_json(&format!("{}/api/v1/fleet", server.url)).await;
    assert_eq!(api_fleet["total"]["high"], high.len());
    // Every number was added by the first sync, today.
    assert_eq!(api_fleet["changed_24h"], 12);
    assert_eq!(api_fleet["syncs"][0]["syncs"], 2);

    // Filtering to high lists exactly the high numbers, in pages, in the HTML, API and CSV.
    let mut paged = Vec::new();
    let mut after = String::new();
    loop {
        let page = get_json(&format!(
            "{}/api/v1/numbers?risk=high&limit=1&after={}",
            server.url,
            form_urlencoded::byte_serialize(after.as_bytes()).collect::<String>()
        ))
        .await;
        for n in page["numbers"].as_array().unwrap() {
            assert_eq!(n["spam_risk"], "high");
            paged.push(n["phone_number"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(paged, high, "pages of one, in number order, each once");
    let (_, _, numbers_page) = get(&format!("{}/numbers?risk=high", server.url)).await;
    for r in &report.current {
        assert_eq!(
            numbers_page.contains(&format!(">{}</a>", r.phone_number)),
            high.contains(&r.phone_number),
            "{}",
            r.phone_number
        );
    }
    let (status, headers, csv) = get(&format!("{}/numbers.csv?risk=high", server.url)).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(telnyx_reputation_monitor::dashboard::CSV_HEADER)
    );
    let exported: Vec<&str> = lines.map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(
        exported,
        high.iter().map(String::as_str).collect::<Vec<_>>()
    );

    // Sorting by a score pages through every number once, in score order.
    let mut sorted = Vec::new();
    let mut after = String::new();
    loop {
        let page = get_json(&format!(
            "{}/api/v1/numbers?sort=maturity&dir=desc&limit=5&after={}",
            server.url,
            form_urlencoded::byte_serialize(after.as_bytes()).collect::<String>()
        ))
        .await;
        for n in page["numbers"].as_array().unwrap() {
            sorted.push((
                n["maturity_score"].as_i64().unwrap_or(-1),
                n["phone_number"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(sorted.len(), 12);
    let mut expected: Vec<(i64, String)> = report
        .current
        .iter()
        .map(|r| (r.maturity_score.unwrap_or(-1), r.phone_number.clone()))
        .collect();
    expected.sort();
    expected.reverse();
    assert_eq!(sorted, expected);
    // A prefix and another filter combine.
    let prefix = &turned[0][..turned[0].len() - 1];
    let page = get_json(&format!(
        "{}/api/v1/numbers?risk=high&prefix={}",
        server.url,
        form_urlencoded::byte_serialize(prefix.as_bytes()).collect::<String>()
    ))
    .await;
    let by_prefix: Vec<&str> = page["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["phone_number"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = high
        .iter()
        .filter(|n| n.starts_with(prefix))
        .map(String::as_str)
        .collect();
    assert_eq!(by_prefix, expected);
    // Changed since the second sync: the two numbers that turned high; of them, one is
    // a robocall.
    let since = form_urlencoded::byte_serialize(
        report
            .at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .as_bytes(),
    )
    .collect::<String>();
    let listed = |page: serde_json::Value| -> Vec<String> {
        page["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["phone_number"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut turned_sorted = turned.to_vec();
    turned_sorted.sort();
    let changed = get_json(&format!(
        "{}/api/v1/numbers?changed_since={since}",
        server.url
    ))
    .await;
    assert_eq!(listed(changed), turned_sorted);
    let robocall = get_json(&format!(
        "{}/api/v1/numbers?category=robocall&changed_since={since}",
        server.url
    ))
    .await;
    assert_eq!(listed(robocall), vec![turned[1].clone()]);

    // A bad parameter is a 400 naming it.
    let (status, _, body) = get(&format!("{}/api/v1/numbers?risk=severe", server.url)).await;
    assert_eq!(status, 400);
    assert!(body.contains("risk:"), "{body}");
    let (status, _, body) = get(&format!("{}/numbers?sort=colour", server.url)).await;
    assert_eq!(status, 400);
    assert!(body.contains("sort:"), "{body}");

    // A number's page: its chart, its changes, the injected category as text.
    let (status, _, number_page) = get(&format!("{}/numbers/{}", server.url, turned[0])).await;
    assert_eq!(status, 200);
    assert!(number_page.contains("<svg"), "a chart");
    assert!(number_page.contains("risk_up"));
    assert!(number_page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!number_page.contains(SCRIPT_CATEGORY), "escaped");
    assert!(
        !number_page.contains("style="),
        "no inline style: {number_page}"
    );
    let history = get_json(&format!("{}/api/v1/numbers/{}", server.url, turned[0])).await;
    assert_eq!(history[0]["enterprise_id"], fleet.enterprise_id.as_str());
    assert_eq!(history[0]["readings"].as_array().unwrap().len(), 2);
    assert_eq!(history[0]["readings"][1]["spam_category"], SCRIPT_CATEGORY);
    let kinds: Vec<&str> = history[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"added") && kinds.contains(&"risk_up"),
        "{kinds:?}"
    );
    let (status, _, _) = get(&format!("{}/numbers/+19995550000", server.url)).await;
    assert_eq!(status, 404);

    // Changes: newest first, filtered by kind, in pages.
    let risk_up = get_json(&format!(
        "{}/api/v1/changes?kind=risk_up&limit=1",
        server.url
    ))
    .await;
    assert_eq!(risk_up["changes"].as_array().unwrap().len(), 1);
    let next = risk_up["next"].as_str().expect("a second page").to_owned();
    let older = get_json(&format!(
        "{}/api/v1/changes?kind=risk_up&limit=1&before={}",
        server.url,
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    ))
    .await;
    assert!(older["next"].is_null());
    let mut both = vec![
        risk_up["changes"][0]["phone_number"]
            .as_str()
            .unwrap()
            .to_owned(),
        older["changes"][0]["phone_number"]
            .as_str()
            .unwrap()
            .to_owned(),
    ];
    both.sort();
    let mut expected = turned.to_vec();
    expected.sort();
    assert_eq!(both, expected);
    let (status, _, changes_page) = get(&format!("{}/changes?kind=risk_up", server.url)).await;
    assert_eq!(status, 200);
    assert!(turned.iter().all(|n| changes_page.contains(n.as_str())));
    server.stop().await;
}

pub async fn the_dashboard_exports_metrics_and_its_openapi_document(store: Store) {
    use telnyx_reputation_monitor::dashboard::Dashboard;
    let (fleet, report, _) = seeded_dashboard_fleet(&store).await;
    let server = DashboardServer::start(Dashboard::new(store.clone())).await;
    let (status, headers, text) = get(&format!("{}/metrics", server.url)).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("the Prometheus text format");
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        let sample = scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .unwrap_or_else(|| panic!("{name} {labels:?} in {text}"));
        match sample.value {
            prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Untyped(v) => v,
            ref other => panic!("{name}: {other:?}"),
        }
    };
    let e = fleet.enterprise_id.as_str();
    let high = report.high.len() as f64;
    assert_eq!(
        value(
            "telnyx_reputation_numbers",
            &[("enterprise", e), ("risk", "high")]
        ),
        high
    );
    assert_eq!(
        value("telnyx_reputation_syncs_total", &[("enterprise", e)]),
        2.0
    );
    assert_eq!(
        value(
            "telnyx_reputation_changes_total",
            &[("enterprise", e), ("kind", "risk_up")]
        ),
        2.0
    );
    assert_eq!(
        value(
            "telnyx_reputation_changes_total",
            &[("enterprise", e), ("kind", "added")]
        ),
        12.0
    );
    let last = value(
        "telnyx_reputation_last_sync_timestamp_seconds",
        &[("enterprise", e)],
    );
    assert!((last - report.at.timestamp() as f64).abs() < 1.0, "{last}");
    // Counters are typed as counters, with help.
    for counter in ["syncs", "changes", "fresh_reads"] {
        assert!(
            text.contains(&format!("# TYPE telnyx_reputation_{counter} counter")),
            "{counter}: {text}"
        );
        assert!(text.contains(&format!("# HELP telnyx_reputation_{counter} ")));
    }

    // The OpenAPI document: a valid OpenAPI 3 document naming every API path.
    let (status, _, document) = get(&format!("{}/api/v1/openapi.json", server.url)).await;
    assert_eq!(status, 200);
    let spec = oas3::from_json(&document).expect("an OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    let paths = spec.paths.as_ref().expect("paths");
    for path in [
        "/api/v1/fleet",
        "/api/v1/numbers",
        "/api/v1/numbers/{number}",
        "/api/v1/changes",
    ] {
        assert!(
            paths.get(path).and_then(|item| item.get.as_ref()).is_some(),
            "GET {path} in {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    let parameters: Vec<String> = paths["/api/v1/numbers"]
        .get
        .as_ref()
        .unwrap()
        .parameters
        .iter()
        .filter_map(|p| match p {
            oas3::spec::ObjectOrReference::Object(p) => Some(p.name.clone()),
            oas3::spec::ObjectOrReference::Ref { .. } => None,
        })
        .collect();
    for name in [
        "enterprise",
        "risk",
        "category",
        "ownership",
        "changed_since",
        "prefix",
        "sort",
        "dir",
        "after",
        "limit",
    ] {
        assert!(
            parameters.iter().any(|p| p == name),
            "{name} in {parameters:?}"
        );
    }
    let schemas = &spec.components.as_ref().expect("components").schemas;
    for schema in [
        "Fleet",
        "NumberPage",
        "NumberRow",
        "NumberHistory",
        "ChangePage",
        "ApiError",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
    // Every reference resolves to a schema of the document.
    fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&serde_json::from_str(&document).unwrap(), &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r} is not a local schema reference"));
        assert!(schemas.contains_key(name), "{r} resolves");
    }
    server.stop().await;
}

pub async fn the_dashboard_needs_its_token_when_it_has_one(store: Store) {
    use telnyx_reputation_monitor::dashboard::{Dashboard, Token};
    let server =
        DashboardServer::start(Dashboard::new(store.clone()).token(Token::new("t0ken"))).await;
    let client = reqwest::Client::new();
    for path in [
        "/",
        "/numbers",
        "/api/v1/fleet",
        "/metrics",
        "/dashboard.css",
    ] {
        let url = format!("{}{path}", server.url);
        let refused = client.get(&url).send().await.unwrap();
        assert_eq!(refused.status(), 401, "{path}");
        assert!(refused.headers().contains_key("www-authenticate"));
        let wrong = client.get(&url).bearer_auth("t0ke").send().await.unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
        let allowed = client.get(&url).bearer_auth("t0ken").send().await.unwrap();
        assert_eq!(allowed.status(), 200, "{path}");
        let basic = client
            .get(&url)
            .basic_auth("me", Some("t0ken"))
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), 200, "{path}");
    }
    server.stop().await;
    // Not on a public address without a token.
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let refused = Dashboard::new(store.clone())
        .serve(listener, async {})
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains(telnyx_reputation_monitor::dashboard::TOKEN_ENV),
        "{refused}"
    );
}

/// A channel receiver on 127.0.0.1: keeps every request (path, headers, body) and answers
/// 503 while `down` is set, 200 otherwise.
pub struct Receiving {
    pub base: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub down: Arc<std::sync::atomic::AtomicBool>,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
    pub status: u16,
}

impl Receiving {
    /// The bodies answered 200 on `path`, as JSON.
    pub fn taken(&self, path: &str) -> Vec<serde_json::Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path && r.status == 200)
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect()
    }
}

pub async fn receiving() -> Receiving {
    use axum::http::{HeaderMap, StatusCode, Uri};
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let down = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (log, is_down) = (got.clone(), down.clone());
    let app = axum::Router::new().fallback(axum::routing::post(
        move |uri: Uri, headers: HeaderMap, body: axum::body::Bytes| {
            let (log, is_down) = (log.clone(), is_down.clone());
            async move {
                let status = if is_down.load(std::sync::atomic::Ordering::SeqCst) {
                    503
                } else {
                    200
                };
                log.lock().unwrap().push(Received {
                    path: uri.path().to_owned(),
                    headers,
                    body: body.to_vec(),
                    status,
                });
                StatusCode::from_u16(status).unwrap()
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiving { base, got, down }
}

/// What the alert, remediation and prune tests notify: a local receiver and the
/// `[[channel]]` table of a Slack channel `ops` posting to its `/slack` (read back with
/// [`slack_alerts`]).
pub struct OpsChannel {
    pub hook: Receiving,
    /// The `[[channel]]` table, to start a rules or `monitor serve` config file with.
    pub table: String,
}

pub async fn ops_channel() -> OpsChannel {
    let hook = receiving().await;
    let table = format!(
        "[[channel]]\nname = \"ops\"\ntype = \"slack\"\nurl = \"{}/slack\"\n",
        hook.base
    );
    OpsChannel { hook, table }
}

impl OpsChannel {
    /// The rules file of the `ops` channel and `rules` (`[[rule]]` tables notifying it).
    pub fn rules(&self, rules: &str) -> Rules {
        Rules::parse(&format!("{}\n{rules}", self.table), "rules.toml").unwrap()
    }
}

fn channel_deliver(rules: &Rules) -> telnyx_reputation_monitor::outbox::DeliverOptions {
    telnyx_reputation_monitor::outbox::DeliverOptions {
        ignore_schedule: true,
        timeout: Some(Duration::from_secs(5)),
        channels: rules.channels.clone(),
        ..Default::default()
    }
}

/// A sync at `at` (so reminders follow a clock the test sets).
async fn sync_at(
    monitor: &Monitor,
    fleet: &Fleet,
    rules: &Rules,
    at: chrono::DateTime<Utc>,
) -> telnyx_reputation_monitor::SyncRun {
    let options = SyncOptions {
        at: Some(at),
        ..SyncOptions::default()
    };
    monitor
        .sync_with_rules(&fleet.enterprise_id, &options, rules, false, |_| {})
        .await
        .unwrap()
}

/// Rules for [`OpsChannel::rules`].
const ALERT_RULES: &str = r#"
[[rule]]
name = "is high"
when = { is_high = true }
remind_every = "2h"
actions = [{ type = "notify", channel = "ops" }]

[[rule]]
name = "high twice"
when = { is_high = true }
open_after = 2
actions = [{ type = "notify", channel = "ops" }]
"#;

pub async fn an_alert_opens_once_reminds_resolves_and_survives_a_restart(store: Store) {
    use telnyx_reputation_monitor::alerts::AlertState;
    use telnyx_reputation_monitor::outbox;
    let fleet = Fleet::start(3).await;
    let ops = ops_channel().await;
    let hook = &ops.hook;
    let rules = ops.rules(ALERT_RULES);
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let number = fleet.numbers[1].clone();
    let e = fleet.enterprise_id.clone();
    let t0 = chrono::DateTime::parse_from_rfc3339("2031-03-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let hour = chrono::Duration::hours(1);
    for n in &fleet.numbers {
        fleet
            .set_reputation(n, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    sync_at(&monitor, &fleet, &rules, t0).await;
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    // 1: high. "is high" opens; "high twice" is pending.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour).await;
    assert_eq!(run.queued, 1);
    outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    let open = store.alerts(Some(&e), &[AlertState::Open]).await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    let id = open[0].id.clone();
    let pending = store
        .alerts(Some(&e), &[AlertState::Pending])
        .await
        .unwrap();
    assert_eq!(
        (
            pending.len(),
            pending[0].rule.as_str(),
            pending[0].consecutive
        ),
        (1, "high twice", 1)
    );
    // A restart: a new process opens the store and parses the rules again.
    let store = Store::open(store.url()).await.unwrap();
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let rules = ops.rules(ALERT_RULES);
    // 2: an hour later, still high: no reminder yet (every 2 h); "high twice" opens.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour * 2).await;
    assert_eq!(run.queued, 1);
    // 3: two hours after opening: the first reminder.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour * 3).await;
    assert_eq!(run.queued, 1);
    outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "low" }))
        .await;
    // 4: low again: both resolve.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour * 4).await;
    assert_eq!(run.queued, 2);
    // 5: nothing more.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour * 5).await;
    assert_eq!(run.queued, 0);
    for _ in 0..2 {
        outbox::deliver(&store, None, &channel_deliver(&rules))
            .await
            .unwrap();
    }
    let texts: Vec<String> = hook
        .taken("/slack")
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_owned())
        .collect();
    let head = |what: &str, rule: &str| {
        format!("[telnyx-reputation] {what}: {number} (rule \"{rule}\", enterprise {e})")
    };
    // The two resolutions are decided in one sync: their order is the outbox's.
    let mut last_two = texts[3..].to_vec();
    last_two.sort();
    let texts = [&texts[..3], &last_two[..]].concat();
    assert_eq!(
        texts,
        vec![
            format!("{}\nspam_risk is high", head("OPENED", "is high")),
            format!("{}\nspam_risk is high", head("OPENED", "high twice")),
            format!(
                "{}\nstill open since 2031-03-01T09:00:00Z: spam_risk is high",
                head("REMINDER 1", "is high")
            ),
            format!(
                "{}\nno longer holds (open since 2031-03-01T10:00:00Z)",
                head("RESOLVED", "high twice")
            ),
            format!(
                "{}\nno longer holds (open since 2031-03-01T09:00:00Z)",
                head("RESOLVED", "is high")
            ),
        ]
    );
    let resolved = store
        .alerts(Some(&e), &[AlertState::Resolved])
        .await
        .unwrap();
    assert_eq!(resolved.len(), 2);
    let first = resolved.iter().find(|a| a.id == id).unwrap();
    assert_eq!(first.reminders_sent, 1);
    assert_eq!(first.resolved_at, Some(t0 + hour * 4));
    assert!(
        store
            .alerts(Some(&e), &[AlertState::Open, AlertState::Pending])
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn each_channel_posts_its_exact_payload_to_a_real_receiver(store: Store) {
    use hmac::Mac;
    use telnyx_reputation_monitor::outbox;
    let fleet = Fleet::start(2).await;
    let hook = receiving().await;
    // The secret comes from the environment, as in production; the crate forbids the
    // unsafe `set_var`, so the test names a variable cargo sets for every test process.
    let secret_env = "CARGO_PKG_NAME";
    let secret = std::env::var(secret_env).expect("cargo sets CARGO_PKG_NAME");
    let text = format!(
        r#"
[[channel]]
name = "slack"
type = "slack"
url = "{base}/slack"

[[channel]]
name = "teams"
type = "teams"
url = "{base}/teams"

[[channel]]
name = "adaptive"
type = "teams"
card = "adaptive"
url = "{base}/adaptive"

[[channel]]
name = "siem"
type = "webhook"
url = "{base}/webhook"
secret_env = "{secret_env}"

[[rule]]
name = "turned high"
when = {{ became_high = true }}
actions = [
  {{ type = "notify", channel = "slack" }},
  {{ type = "notify", channel = "teams" }},
  {{ type = "notify", channel = "adaptive" }},
  {{ type = "notify", channel = "siem" }},
]
"#,
        base = hook.base
    );
    let rules = Rules::parse(&text, "rules.toml").unwrap();
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let number = fleet.numbers[0].clone();
    let e = fleet.enterprise_id.clone();
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "medium" }))
        .await;
    let t0 = chrono::DateTime::parse_from_rfc3339("2031-04-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    sync_at(&monitor, &fleet, &rules, t0).await;
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    let t1 = t0 + chrono::Duration::minutes(15);
    let run = sync_at(&monitor, &fleet, &rules, t1).await;
    assert_eq!(run.queued, 4);
    let report = outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    assert_eq!(report.delivered.len(), 4, "{report:?}");
    let alert = &store.alerts(Some(&e), &[]).await.unwrap()[0];
    let title =
        format!("[telnyx-reputation] OPENED: {number} (rule \"turned high\", enterprise {e})");
    let detail = "spam_risk medium -> high";
    assert_eq!(
        hook.taken("/slack"),
        vec![serde_json::json!({ "text": format!("{title}\n{detail}") })]
    );
    assert_eq!(
        hook.taken("/teams"),
        vec![serde_json::json!({
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": title,
            "themeColor": "D93F0B",
            "title": title,
            "text": detail,
        })]
    );
    assert_eq!(
        hook.taken("/adaptive"),
        vec![serde_json::json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        { "type": "TextBlock", "weight": "Bolder", "wrap": true, "text": title },
                        { "type": "TextBlock", "wrap": true, "text": detail },
                    ],
                },
            }],
        })]
    );
    assert_eq!(
        hook.taken("/webhook"),
        vec![serde_json::json!({
            "event": "opened",
            "alert_id": alert.id,
            "rule": "turned high",
            "enterprise_id": e,
            "subject": number,
            "detail": detail,
            "opened_at": "2031-04-01T08:15:00Z",
            "at": "2031-04-01T08:15:00Z",
        })]
    );
    // The webhook's signature verifies with the secret, over the exact bytes received.
    let got = hook.got.lock().unwrap().clone();
    let signed = got.iter().find(|r| r.path == "/webhook").unwrap();
    let header = signed.headers[telnyx_reputation_monitor::channels::SIGNATURE_HEADER]
        .to_str()
        .unwrap()
        .to_owned();
    let (t, v1) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&signed.body);
    mac.verify_slice(&hex::decode(v1).unwrap())
        .expect("the signature verifies");
    // Slack and Teams are not signed; every request carries its delivery id.
    let slack = got.iter().find(|r| r.path == "/slack").unwrap();
    assert!(
        slack
            .headers
            .get(telnyx_reputation_monitor::channels::SIGNATURE_HEADER)
            .is_none()
    );
    assert!(got.iter().all(|r| {
        r.headers
            .contains_key(telnyx_reputation_monitor::outbox::DELIVERY_ID_HEADER)
    }));
}

pub async fn a_channel_down_for_three_syncs_delivers_every_notification_once(store: Store) {
    use std::sync::atomic::Ordering;
    use telnyx_reputation_monitor::outbox::{self, OutboxState};
    let fleet = Fleet::start(3).await;
    let ops = ops_channel().await;
    let hook = &ops.hook;
    let one_rule = &ALERT_RULES[..ALERT_RULES.find("[[rule]]\nname = \"high twice\"").unwrap()];
    let rules = ops.rules(one_rule);
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let (a, b) = (fleet.numbers[0].clone(), fleet.numbers[2].clone());
    for n in &fleet.numbers {
        fleet
            .set_reputation(n, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    let t0 = chrono::DateTime::parse_from_rfc3339("2031-05-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let minute = chrono::Duration::minutes(1);
    sync_at(&monitor, &fleet, &rules, t0).await;
    hook.down.store(true, Ordering::SeqCst);
    let deliver = channel_deliver(&rules);
    // Three syncs while the channel answers 503: each decides, none is held up, nothing sent.
    fleet
        .set_reputation(&a, serde_json::json!({ "spam_risk": "high" }))
        .await;
    sync_at(&monitor, &fleet, &rules, t0 + minute).await;
    outbox::deliver(&store, None, &deliver).await.unwrap();
    fleet
        .set_reputation(&b, serde_json::json!({ "spam_risk": "high" }))
        .await;
    sync_at(&monitor, &fleet, &rules, t0 + minute * 2).await;
    outbox::deliver(&store, None, &deliver).await.unwrap();
    fleet
        .set_reputation(&a, serde_json::json!({ "spam_risk": "low" }))
        .await;
    sync_at(&monitor, &fleet, &rules, t0 + minute * 3).await;
    let failing = outbox::deliver(&store, None, &deliver).await.unwrap();
    assert!(failing.delivered.is_empty());
    let pending = store.outbox(&[OutboxState::Pending]).await.unwrap();
    // a opened, b opened, a resolved.
    assert_eq!(pending.len(), 3, "{pending:?}");
    assert!(
        pending
            .iter()
            .all(|p| p.last_error.as_deref().is_some_and(|e| e.contains("503"))),
        "{pending:?}"
    );
    // Back: every notification arrives once, in the order decided.
    hook.down.store(false, Ordering::SeqCst);
    sync_at(&monitor, &fleet, &rules, t0 + minute * 4).await;
    let back = outbox::deliver(&store, None, &deliver).await.unwrap();
    assert_eq!(back.delivered.len(), 3, "{back:?}");
    let again = outbox::deliver(&store, None, &deliver).await.unwrap();
    assert!(again.delivered.is_empty() && again.failed.is_empty());
    let got = hook.got.lock().unwrap().clone();
    let ok: Vec<&Received> = got.iter().filter(|r| r.status == 200).collect();
    let ids: std::collections::BTreeSet<&str> = ok
        .iter()
        .map(|r| {
            r.headers[telnyx_reputation_monitor::outbox::DELIVERY_ID_HEADER]
                .to_str()
                .unwrap()
        })
        .collect();
    assert_eq!((ok.len(), ids.len()), (3, 3), "each once");
    let firsts: Vec<String> = hook
        .taken("/slack")
        .iter()
        .map(|b| {
            b["text"]
                .as_str()
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let e = &fleet.enterprise_id;
    assert_eq!(
        firsts,
        vec![
            format!("[telnyx-reputation] OPENED: {a} (rule \"is high\", enterprise {e})"),
            format!("[telnyx-reputation] OPENED: {b} (rule \"is high\", enterprise {e})"),
            format!("[telnyx-reputation] RESOLVED: {a} (rule \"is high\", enterprise {e})"),
        ]
    );
}

pub async fn failing_syncs_open_a_sync_failing_alert_and_a_good_sync_resolves_it(store: Store) {
    use telnyx_reputation_monitor::alerts::AlertState;
    use telnyx_reputation_monitor::outbox;
    let fleet = Fleet::start(2).await;
    let ops = ops_channel().await;
    let hook = &ops.hook;
    let rules = ops.rules(
        "[[rule]]\nname = \"sync down\"\nwhen = { sync_failing = 2 }\n\
         actions = [{ type = \"notify\", channel = \"ops\" }]\n",
    );
    let e = fleet.enterprise_id.clone();
    // The API is unreachable: nothing listens on this loopback port.
    let gone = Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/v2")
        .max_retries(0)
        .build()
        .unwrap();
    let down = Monitor::new(gone, store.clone());
    let mut queued = Vec::new();
    for _ in 0..3 {
        let error = down
            .sync_with_rules(&e, &SyncOptions::default(), &rules, false, |_| {})
            .await
            .unwrap_err();
        queued.push(store.record_sync_failure(&rules, &e, &error).await.unwrap());
    }
    assert_eq!(
        queued,
        vec![0, 1, 0],
        "opens at the second failure in a row, once"
    );
    let open = store.alerts(Some(&e), &[AlertState::Open]).await.unwrap();
    assert_eq!((open.len(), open[0].subject.as_str()), (1, "sync"));
    let up = Monitor::new(fleet.client.clone(), store.clone());
    let run = up
        .sync_with_rules(&e, &SyncOptions::default(), &rules, false, |_| {})
        .await
        .unwrap();
    assert_eq!(run.queued, 1, "resolved");
    outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    let texts: Vec<String> = hook
        .taken("/slack")
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].starts_with(&format!(
            "[telnyx-reputation] OPENED: sync (rule \"sync down\", enterprise {e})\nthe sync failed: "
        )),
        "{texts:?}"
    );
    assert!(
        texts[1].starts_with(&format!(
            "[telnyx-reputation] RESOLVED: sync (rule \"sync down\", enterprise {e})\nno longer holds"
        )),
        "{texts:?}"
    );
}

/// The Python with `aiosmtpd` (pinned in xtask/requirements.txt): `TELNYX_REPUTATION_TEST_PYTHON`,
/// else the pipeline venv `cargo xtask` builds (`.cache/venv`). Absent: the test fails
/// saying how to get it.
fn smtp_python() -> std::path::PathBuf {
    let python = std::env::var_os("TELNYX_REPUTATION_TEST_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/venv/bin/python")
        });
    let has_aiosmtpd = std::process::Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_aiosmtpd,
        "the e-mail channel test needs a real SMTP server: {} with aiosmtpd (xtask/requirements.txt). \
         Run `cargo xtask test` once (it builds .cache/venv) or set TELNYX_REPUTATION_TEST_PYTHON \
         to a Python that has aiosmtpd",
        python.display()
    );
    python
}

/// `python -m aiosmtpd` on 127.0.0.1, storing what it accepts in a maildir; killed on drop.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn smtp_server() -> SmtpServer {
    let python = smtp_python();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir.path().join("mail"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let server = SmtpServer {
        child,
        port,
        maildir,
    };
    eventually("the SMTP server to listen", || async move {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    server
}

/// The headers (unfolded, by lowercase name) and body of each message in a maildir.
fn mails(dir: &std::path::Path) -> Vec<(std::collections::BTreeMap<String, String>, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("mail/new")) else {
        return Vec::new();
    };
    entries
        .map(|e| {
            let raw = std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace("\r\n", "\n");
            let (head, body) = raw.split_once("\n\n").unwrap();
            let body = if head
                .to_ascii_lowercase()
                .contains("content-transfer-encoding: quoted-printable")
            {
                quoted_printable(body)
            } else {
                body.to_owned()
            };
            let mut headers = std::collections::BTreeMap::new();
            let mut last = String::new();
            for line in head.lines() {
                if line.starts_with([' ', '\t']) {
                    let value: &mut String = headers.get_mut(&last).unwrap();
                    value.push(' ');
                    value.push_str(line.trim());
                } else if let Some((name, value)) = line.split_once(':') {
                    last = name.to_ascii_lowercase();
                    headers.insert(last.clone(), value.trim().to_owned());
                }
            }
            (headers, body)
        })
        .collect()
}

/// Decode a quoted-printable body (RFC 2045: `=` + newline is a soft break, `=XX` a byte).
fn quoted_printable(text: &str) -> String {
    let text = text.replace("=\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 3 <= bytes.len()
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

pub async fn the_email_channel_sends_each_notification_to_a_real_smtp_server(store: Store) {
    use telnyx_reputation_monitor::outbox::{self, OutboxState};
    let fleet = Fleet::start(2).await;
    let smtp = smtp_server().await;
    let text = format!(
        "[[channel]]\nname = \"mail\"\ntype = \"email\"\nsmtp_host = \"127.0.0.1\"\n\
         smtp_port = {}\ntls = \"none\"\nfrom = \"telnyx-reputation <alerts@example.test>\"\n\
         to = [\"oncall@example.test\", \"noc@example.test\"]\n\n\
         [[rule]]\nname = \"is high\"\nwhen = {{ is_high = true }}\n\
         actions = [{{ type = \"notify\", channel = \"mail\" }}]\n",
        smtp.port
    );
    let rules = Rules::parse(&text, "rules.toml").unwrap();
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let number = fleet.numbers[1].clone();
    let e = fleet.enterprise_id.clone();
    fleet
        .set_reputation(&fleet.numbers[0], serde_json::json!({ "spam_risk": "low" }))
        .await;
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    let t0 = chrono::DateTime::parse_from_rfc3339("2031-06-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let run = sync_at(&monitor, &fleet, &rules, t0).await;
    assert_eq!(run.queued, 1);
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "low" }))
        .await;
    let run = sync_at(&monitor, &fleet, &rules, t0 + chrono::Duration::hours(1)).await;
    assert_eq!(run.queued, 1);
    let report = outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    assert_eq!(report.delivered.len(), 2, "{report:?}");
    // Marked sent on the server's 250.
    assert!(
        report
            .delivered
            .iter()
            .all(|d| d.result.as_deref().is_some_and(|r| r.starts_with("250"))),
        "{report:?}"
    );
    assert!(
        store
            .outbox(&[OutboxState::Pending])
            .await
            .unwrap()
            .is_empty()
    );
    let mut got = mails(smtp.maildir.path());
    got.sort_by(|a, b| a.0["subject"].cmp(&b.0["subject"]));
    assert_eq!(got.len(), 2, "{got:?}");
    let title = |what: &str| {
        format!("[telnyx-reputation] {what}: {number} (rule \"is high\", enterprise {e})")
    };
    let (opened, resolved) = (&got[0], &got[1]);
    assert_eq!(opened.0["subject"], title("OPENED"));
    assert_eq!(
        opened.1.trim_end(),
        format!("{}\nspam_risk is high", title("OPENED"))
    );
    assert_eq!(resolved.0["subject"], title("RESOLVED"));
    assert_eq!(
        resolved.1.trim_end(),
        format!(
            "{}\nno longer holds (open since 2031-06-01T08:00:00Z)",
            title("RESOLVED")
        )
    );
    for (headers, _) in &got {
        assert_eq!(headers["from"], "telnyx-reputation <alerts@example.test>");
        assert_eq!(headers["to"], "oncall@example.test, noc@example.test");
        assert!(
            headers["message-id"].ends_with("@telnyx-reputation>"),
            "{headers:?}"
        );
    }
}

/// A CA and a server certificate it issued for `127.0.0.1` and `localhost`, written to
/// `dir` as `ca.pem`, `server.pem` and `server.key`.
fn smtp_certificates(dir: &std::path::Path) {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.distinguished_name
        .push(DnType::CommonName, "telnyx-reputation test CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let mut server =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let key = KeyPair::generate().unwrap();
    let cert = server.signed_by(&key, &ca).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("server.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
}

/// The user and the password (the value of a variable cargo sets for every test process,
/// since `set_var` is unsafe in a multi-threaded test) the TLS SMTP server accepts.
const SMTP_USER: &str = "alerts";
const SMTP_PASSWORD_ENV: &str = "CARGO_PKG_NAME";

/// `tests/smtp_server.py` (aiosmtpd) on 127.0.0.1: `tls` is `starttls` (STARTTLS required
/// before MAIL or AUTH) or `tls` (TLS from the first byte); AUTH required, checked against
/// [`SMTP_USER`] and the value of [`SMTP_PASSWORD_ENV`]. Its certificate, issued by the CA in
/// `ca.pem` of `dir`, names 127.0.0.1. It stops when dropped (its stdin closes) and by itself
/// after 120 s.
struct TlsSmtpServer {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl TlsSmtpServer {
    async fn start(tls: &str) -> Self {
        let python = smtp_python();
        let dir = tempfile::tempdir().unwrap();
        smtp_certificates(&dir.path().join("certs"));
        let password = std::env::var(SMTP_PASSWORD_ENV).expect("cargo sets CARGO_PKG_NAME");
        let certs = dir.path().join("certs");
        let mut child = std::process::Command::new(python)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py"))
            .args(["--tls", tls, "--user", SMTP_USER])
            .arg("--cert")
            .arg(certs.join("server.pem"))
            .arg("--key")
            .arg(certs.join("server.key"))
            .arg("--maildir")
            .arg(dir.path().join("mail"))
            .arg("--events")
            .arg(dir.path().join("events.jsonl"))
            .env("SMTP_TEST_PASSWORD", password)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
            .spawn()
            .unwrap();
        // The port is the one line the server prints; read it on a thread so a server that
        // never starts fails the test in 30 s instead of hanging it.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
            let _ = tx.send(line);
        });
        let line = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
            .await
            .unwrap();
        let mut server = Self {
            child,
            port: 0,
            dir,
        };
        server.port = match line.as_deref().map(str::trim).map(str::parse) {
            Ok(Ok(port)) => port,
            other => panic!(
                "the SMTP server did not print its port within 30 s ({other:?}); its stderr: {}",
                server.stderr()
            ),
        };
        server
    }

    fn ca_file(&self) -> std::path::PathBuf {
        self.dir.path().join("certs/ca.pem")
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// What the server recorded: one JSON object per AUTH attempt and per accepted message.
    fn events(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("events.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// The messages it accepted, as [`mails`] reads them.
    fn mails(&self) -> Vec<(std::collections::BTreeMap<String, String>, String)> {
        mails(self.dir.path())
    }
}

impl Drop for TlsSmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An `email` channel named `mail` to `server` on 127.0.0.1, with `extra` keys, and a rule
/// alerting on it when a number is high.
fn tls_email_rules(server: &TlsSmtpServer, extra: &str) -> Rules {
    let text = format!(
        "[[channel]]\nname = \"mail\"\ntype = \"email\"\nsmtp_host = \"127.0.0.1\"\n\
         smtp_port = {}\n{extra}\nfrom = \"telnyx-reputation <alerts@example.test>\"\n\
         to = [\"oncall@example.test\"]\n\n\
         [[rule]]\nname = \"is high\"\nwhen = {{ is_high = true }}\n\
         actions = [{{ type = \"notify\", channel = \"mail\" }}]\n",
        server.port
    );
    Rules::parse(&text, "rules.toml").unwrap()
}

/// The keys of a channel that trusts `server`'s CA and signs in as [`SMTP_USER`] with the
/// password in `password_env`.
fn tls_email_keys(server: &TlsSmtpServer, tls: &str, password_env: &str) -> String {
    format!(
        "tls = \"{tls}\"\ntls_ca_file = {:?}\nusername = \"{SMTP_USER}\"\npassword_env = \"{password_env}\"",
        server.ca_file().display().to_string()
    )
}

/// Open one `is high` alert on `fleet` through `rules`: one e-mail row queued. Its title.
async fn queue_one_email(store: &Store, fleet: &Fleet, rules: &Rules) -> String {
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let number = fleet.numbers[0].clone();
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    let t0 = chrono::DateTime::parse_from_rfc3339("2031-06-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let run = sync_at(&monitor, fleet, rules, t0).await;
    assert_eq!(run.queued, 1);
    format!(
        "[telnyx-reputation] OPENED: {number} (rule \"is high\", enterprise {})",
        fleet.enterprise_id
    )
}

/// Deliver the channel rows through `rules`' channels; a delivery that does not return within
/// 60 s fails the test (the channel bounds each attempt by 5 s).
async fn deliver_email(
    store: &Store,
    rules: &Rules,
) -> telnyx_reputation_monitor::outbox::DeliveryReport {
    tokio::time::timeout(
        Duration::from_secs(60),
        telnyx_reputation_monitor::outbox::deliver(store, None, &channel_deliver(rules)),
    )
    .await
    .expect("the e-mail delivery returns (each attempt is bounded by its timeout)")
    .unwrap()
}

async fn the_email_channel_sends_over(store: Store, tls: &str) {
    use telnyx_reputation_monitor::outbox::OutboxState;
    let fleet = Fleet::start(1).await;
    let server = TlsSmtpServer::start(tls).await;
    let rules = tls_email_rules(&server, &tls_email_keys(&server, tls, SMTP_PASSWORD_ENV));
    let title = queue_one_email(&store, &fleet, &rules).await;
    let report = deliver_email(&store, &rules).await;
    assert_eq!(
        report.delivered.len(),
        1,
        "{report:?}; the server's stderr: {}",
        server.stderr()
    );
    let row = &report.delivered[0];
    assert!(
        row.result.as_deref().is_some_and(|r| r.starts_with("250")),
        "{row:?}"
    );
    assert!(
        store
            .outbox(&[OutboxState::Pending])
            .await
            .unwrap()
            .is_empty()
    );
    // The server checked the credentials, over TLS, before it took the message.
    let events = server.events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["event"], "auth", "{events:?}");
    assert_eq!(events[0]["login"], SMTP_USER);
    assert_eq!(events[0]["ok"], true, "{events:?}");
    assert_eq!(events[1]["event"], "message", "{events:?}");
    assert!(
        events[1]["tls"]
            .as_str()
            .is_some_and(|v| v.starts_with("TLSv1.")),
        "{events:?}"
    );
    assert_eq!(events[1]["authenticated"], true);
    assert_eq!(events[1]["login"], SMTP_USER);
    assert_eq!(events[1]["mail_from"], "alerts@example.test");
    assert_eq!(
        events[1]["rcpt_tos"],
        serde_json::json!(["oncall@example.test"])
    );
    // Exactly what the channel rendered.
    let got = server.mails();
    assert_eq!(got.len(), 1, "{got:?}");
    let (headers, body) = &got[0];
    assert_eq!(headers["subject"], title);
    assert_eq!(headers["from"], "telnyx-reputation <alerts@example.test>");
    assert_eq!(headers["to"], "oncall@example.test");
    assert_eq!(
        headers["message-id"],
        format!("<{}@telnyx-reputation>", row.id)
    );
    assert_eq!(body.trim_end(), format!("{title}\nspam_risk is high"));
}

pub async fn the_email_channel_sends_over_starttls_with_smtp_auth(store: Store) {
    the_email_channel_sends_over(store, "starttls").await;
}

pub async fn the_email_channel_sends_over_implicit_tls_with_smtp_auth(store: Store) {
    the_email_channel_sends_over(store, "tls").await;
}

pub async fn a_refused_smtp_password_keeps_the_email_pending_until_it_is_fixed(store: Store) {
    use telnyx_reputation_monitor::outbox::OutboxState;
    let fleet = Fleet::start(1).await;
    let server = TlsSmtpServer::start("starttls").await;
    // Another variable cargo sets, so another value: the wrong password.
    let wrong = "CARGO_MANIFEST_DIR";
    let rules = tls_email_rules(&server, &tls_email_keys(&server, "starttls", wrong));
    let title = queue_one_email(&store, &fleet, &rules).await;
    let report = deliver_email(&store, &rules).await;
    assert!(report.delivered.is_empty(), "{report:?}");
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let pending = store.outbox(&[OutboxState::Pending]).await.unwrap();
    assert_eq!(pending.len(), 1, "kept, to retry: {pending:?}");
    let row = &pending[0];
    assert_eq!(row.attempts, 1);
    let error = row.last_error.as_deref().unwrap();
    assert!(
        error.starts_with(&format!(
            "channel \"mail\": the SMTP server refused the credentials of user \"{SMTP_USER}\" \
             (the password in ${wrong}): permanent error (535)"
        )),
        "{error}"
    );
    for secret in [
        std::env::var(wrong).unwrap(),
        std::env::var(SMTP_PASSWORD_ENV).unwrap(),
    ] {
        assert!(
            !error.contains(&secret),
            "the error shows a password: {error}"
        );
    }
    // The server saw the attempt and refused it; nothing was sent.
    let events = server.events();
    assert!(!events.is_empty(), "no AUTH reached the server");
    assert!(
        events
            .iter()
            .all(|e| e["event"] == "auth" && e["ok"] == false && e["login"] == SMTP_USER),
        "{events:?}"
    );
    assert!(server.mails().is_empty());

    // The operator fixes the password: the same row goes out, once.
    let fixed = tls_email_rules(
        &server,
        &tls_email_keys(&server, "starttls", SMTP_PASSWORD_ENV),
    );
    let report = deliver_email(&store, &fixed).await;
    assert_eq!(report.delivered.len(), 1, "{report:?}");
    assert_eq!(report.delivered[0].id, row.id);
    assert_eq!(report.delivered[0].attempts, 2);
    assert!(
        store
            .outbox(&[OutboxState::Pending])
            .await
            .unwrap()
            .is_empty()
    );
    let got = server.mails();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0["subject"], title);
    assert_eq!(got[0].1.trim_end(), format!("{title}\nspam_risk is high"));
    let outcomes: Vec<_> = server
        .events()
        .iter()
        .filter(|e| e["event"] == "auth")
        .map(|e| e["ok"].clone())
        .collect();
    assert_eq!(
        outcomes.last(),
        Some(&serde_json::json!(true)),
        "{outcomes:?}"
    );
}

pub async fn the_email_channel_trusts_only_its_ca_and_gives_up_on_a_silent_server(store: Store) {
    use telnyx_reputation_monitor::outbox::OutboxState;
    let fleet = Fleet::start(1).await;
    let server = TlsSmtpServer::start("tls").await;
    // Another CA than the one that issued the server's certificate.
    let other = tempfile::tempdir().unwrap();
    smtp_certificates(other.path());
    let untrusted = format!(
        "tls = \"tls\"\ntls_ca_file = {:?}\nusername = \"{SMTP_USER}\"\npassword_env = \"{SMTP_PASSWORD_ENV}\"",
        other.path().join("ca.pem").display().to_string()
    );
    let rules = tls_email_rules(&server, &untrusted);
    queue_one_email(&store, &fleet, &rules).await;
    let report = deliver_email(&store, &rules).await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let error = report.failed[0].last_error.clone().unwrap();
    assert!(
        error.starts_with("channel \"mail\": SMTP: ") && error.contains("invalid peer certificate"),
        "{error}"
    );
    // The credentials never went to a server the channel could not verify.
    assert!(server.events().is_empty(), "{:?}", server.events());

    // STARTTLS against a listener that waits for a TLS handshake: neither side speaks first.
    // lettre bounds only the TCP connect; the channel bounds the whole exchange.
    let silent = tls_email_rules(
        &server,
        &tls_email_keys(&server, "starttls", SMTP_PASSWORD_ENV),
    );
    let report = deliver_email(&store, &silent).await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let error = report.failed[0].last_error.clone().unwrap();
    assert!(
        error.contains("did not finish the exchange within 5s"),
        "{error}"
    );
    let pending = store.outbox(&[OutboxState::Pending]).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].attempts, 2);
    assert!(server.events().is_empty() && server.mails().is_empty());

    // Its own CA: sent.
    let trusted = tls_email_rules(&server, &tls_email_keys(&server, "tls", SMTP_PASSWORD_ENV));
    let report = deliver_email(&store, &trusted).await;
    assert_eq!(report.delivered.len(), 1, "{report:?}");
    assert_eq!(server.mails().len(), 1);
}

/// Run `service` on a listener of 127.0.0.1 until `checks` finish (at most 120 s).
async fn serve_until(
    service: telnyx_reputation_monitor::service::Service,
    checks: impl std::future::Future<Output = ()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let checks = async {
        checks.await;
        stop.send(()).unwrap();
    };
    let (ran, ()) = tokio::time::timeout(
        Duration::from_secs(120),
        futures::future::join(
            service.run(listener, async move {
                let _ = stopped.await;
            }),
            checks,
        ),
    )
    .await
    .expect("the service stops when told");
    ran.unwrap();
}

/// The `(event, subject)` of each Slack alert notification `hook` took on `/slack`, in
/// the order received: `("OPENED", "+1312…")`, `("REMINDER 1", …)`, `("RESOLVED", …)`.
pub fn slack_alerts(hook: &Receiving) -> Vec<(String, String)> {
    hook.taken("/slack")
        .iter()
        .map(|body| {
            let text = body["text"].as_str().unwrap();
            let title = text.lines().next().unwrap();
            let rest = title.strip_prefix("[telnyx-reputation] ").unwrap();
            let (event, rest) = rest.split_once(": ").unwrap();
            let subject = rest.split(' ').next().unwrap();
            (event.to_owned(), subject.to_owned())
        })
        .collect()
}

/// A `monitor serve` config on `fleet`'s enterprise: `every`, the [`OpsChannel`] `ops`, an
/// `is_high` alert reminding every `remind`, a `became_high` rule that remediates, and
/// `extra` (e.g. a `[remediation]` table).
pub fn serve_config(
    fleet: &Fleet,
    ops: &OpsChannel,
    every: &str,
    remind: &str,
    extra: &str,
) -> telnyx_reputation_monitor::service::Config {
    let head = format!(
        "store = \"(opened by the test)\"\nevery = \"{every}\"\nlisten = \"127.0.0.1:0\"\n\
         enterprises = [\"{}\"]\n{extra}\n",
        fleet.enterprise_id
    );
    serve_config_of(&head, ops, remind)
}

/// A `monitor serve` config: `head` (the top-level keys, `[[account]]` and other tables),
/// the [`OpsChannel`] `ops`, an `is_high` alert reminding every `remind` and a
/// `became_high` rule that remediates.
pub fn serve_config_of(
    head: &str,
    ops: &OpsChannel,
    remind: &str,
) -> telnyx_reputation_monitor::service::Config {
    let text = format!(
        "{head}\n{}\n\
         [[rule]]\nname = \"is high\"\nwhen = {{ is_high = true }}\nremind_every = \"{remind}\"\n\
         actions = [{{ type = \"notify\", channel = \"ops\" }}]\n\n\
         [[rule]]\nname = \"turned high\"\nwhen = {{ became_high = true }}\n\
         actions = [{{ type = \"remediate\", call_purpose = \"Appointment reminders\" }}]\n",
        ops.table
    );
    telnyx_reputation_monitor::service::Config::parse(&text, "monitor.toml").unwrap()
}

/// The emulator's clock of `fleet`'s account, for [`Service::clock`].
pub fn emulator_clock(fleet: &Fleet) -> impl Fn() -> chrono::DateTime<Utc> + Send + Sync + 'static {
    let state = fleet.emulator.state().clone();
    let key = fleet.key.clone();
    move || state.now_of(&key)
}

pub async fn the_service_submits_remediation_within_its_budget_once_and_follows_it(store: Store) {
    use telnyx_reputation_monitor::outbox::{OutboxKind, OutboxState};
    use telnyx_reputation_monitor::service::{Service, ServiceEvent};
    let fleet = Fleet::start(4).await;
    for number in &fleet.numbers {
        fleet
            .set_reputation(number, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    let ops = ops_channel().await;
    let hook = &ops.hook;
    // $1.00 per number remediated: two numbers fit the month's budget, a third does not.
    let config = serve_config(
        &fleet,
        &ops,
        "1s",
        "1d",
        "\n[remediation]\nmonthly_budget_usd = \"2.00\"\n",
    );
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let on_event = move |e: &ServiceEvent| {
        log.lock().unwrap().push(match e {
            ServiceEvent::Synced(report) => format!("synced {}", report.changes.len()),
            ServiceEvent::Remediations(report) => format!("followed {:?}", report.finished),
            other => format!("{other:?}"),
        })
    };
    let remediate_rows = || async {
        store
            .outbox(&[])
            .await
            .unwrap()
            .into_iter()
            .filter(|i| i.kind == OutboxKind::Remediate)
            .collect::<Vec<_>>()
    };
    // The fleet's client has no budget of its own: the [remediation] table is the budget.
    let service = Service::new(config.clone(), fleet.client.clone(), store.clone())
        .clock(emulator_clock(&fleet))
        .on_event(on_event.clone());
    let (first, second) = (fleet.numbers[0].clone(), fleet.numbers[1].clone());
    let third = fleet.numbers[2].clone();
    serve_until(service, async {
        eventually("the baseline sync", || async {
            store.counts().await.unwrap().sweeps >= 1
        })
        .await;
        for number in [&first, &second] {
            fleet
                .set_reputation(number, serde_json::json!({ "spam_risk": "high" }))
                .await;
        }
        eventually("the service's submission", || async {
            !store.remediations(None, false).await.unwrap().is_empty()
        })
        .await;
        let tracked = store.remediations(None, false).await.unwrap();
        assert_eq!(tracked.len(), 1);
        assert_eq!(tracked[0].source, "rule");
        assert_eq!(tracked[0].rule.as_deref(), Some("turned high"));
        let mut both = vec![first.clone(), second.clone()];
        both.sort();
        let numbers: Vec<String> = tracked[0]
            .numbers
            .iter()
            .map(|n| n.phone_number.clone())
            .collect();
        assert_eq!(numbers, both);
        assert_eq!(requests_sent(&fleet).await, 1);
        // Spent as recorded: two numbers remediated today.
        let today = Utc::now().date_naive();
        let spend = store
            .spend(Some(&fleet.enterprise_id), today, today)
            .await
            .unwrap();
        assert_eq!(spend.iter().map(|d| d.remediations).sum::<u64>(), 2);
        // Two virtual minutes on, the request's first poll is due: followed to its end.
        fleet
            .admin("clock/advance", serde_json::json!({ "seconds": 120 }))
            .await;
        eventually("the request followed to its end", || async {
            store.remediations(None, true).await.unwrap().is_empty()
        })
        .await;
        let tracked = store.remediations(None, false).await.unwrap();
        assert_eq!(tracked[0].state, "completed", "{tracked:?}");
        assert!(
            tracked[0].numbers.iter().all(|n| n.outcome.is_some()),
            "{tracked:?}"
        );
        // A third number turns high: $1.00 more than the $0.00 the month has left.
        fleet
            .set_reputation(&third, serde_json::json!({ "spam_risk": "high" }))
            .await;
        eventually("the third request refused", || async {
            remediate_rows()
                .await
                .iter()
                .any(|i| i.state == OutboxState::Failed)
        })
        .await;
        let refused = remediate_rows()
            .await
            .into_iter()
            .find(|i| i.state == OutboxState::Failed)
            .unwrap();
        assert_eq!(refused.payload["numbers"], serde_json::json!([third]));
        let why = refused.last_error.clone().unwrap();
        assert!(
            why.contains("costs $1.00")
                && why.contains("budget of $2.00")
                && why.contains("$0.00 left")
                && why.contains("refused before anything was sent"),
            "{why}"
        );
        assert_eq!(refused.attempts, 1);
        assert_eq!(
            requests_sent(&fleet).await,
            1,
            "nothing sent over the budget"
        );
        // The alerts of all three opened; each number the request cleared resolves.
        let remediated: Vec<String> = tracked[0]
            .numbers
            .iter()
            .filter(|n| n.outcome.as_deref() == Some("remediated"))
            .map(|n| n.phone_number.clone())
            .collect();
        eventually("the alerts' notifications", || async {
            let got = slack_alerts(hook);
            [&first, &second, &third]
                .iter()
                .all(|n| got.contains(&("OPENED".to_owned(), (*n).clone())))
                && remediated
                    .iter()
                    .all(|n| got.contains(&("RESOLVED".to_owned(), n.clone())))
        })
        .await;
    })
    .await;
    let rows = remediate_rows().await.len();
    assert_eq!(rows, 2, "one row per decision");
    // A restart on the same store: nothing decided is sent again, nothing new is decided.
    let sweeps = store.counts().await.unwrap().sweeps;
    let service = Service::new(config, fleet.client.clone(), store.clone())
        .clock(emulator_clock(&fleet))
        .on_event(on_event);
    serve_until(service, async {
        eventually("two more syncs", || async {
            store.counts().await.unwrap().sweeps >= sweeps + 2
        })
        .await;
    })
    .await;
    assert_eq!(requests_sent(&fleet).await, 1);
    assert_eq!(remediate_rows().await.len(), rows);
    let opened = slack_alerts(hook)
        .iter()
        .filter(|(e, _)| e == "OPENED")
        .count();
    assert_eq!(opened, 3, "{:?}", slack_alerts(hook));
}

/// The numbers `key`'s account was billed remediation for, from the emulator's ledger, as
/// `(enterprise, number)`, sorted.
async fn remediations_billed(fleet: &Fleet, key: &str) -> Vec<(String, String)> {
    let ledger = fleet.admin_get_as(key, "ledger").await;
    let mut billed: Vec<(String, String)> = ledger["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "remediations")
        .map(|e| {
            (
                e["enterprise_id"].as_str().unwrap().to_owned(),
                e["phone_number"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    billed.sort();
    billed
}

/// The paths of the remediation submissions (`POST …/reputation/remediation`) the emulator
/// took with `key`.
async fn remediation_posts(fleet: &Fleet, key: &str) -> Vec<String> {
    let journal = fleet.admin_get_as(key, "requests").await;
    journal["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "POST")
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .filter(|path| path.ends_with("/reputation/remediation"))
        .collect()
}

pub async fn two_accounts_remediate_each_enterprise_with_its_own_key_within_its_own_budget(
    store: Store,
) {
    use std::collections::HashMap;
    use telnyx_reputation_monitor::outbox::{OutboxKind, OutboxState};
    use telnyx_reputation_monitor::service::Service;
    let fleet = Fleet::start(3).await;
    let west = fleet.other_account("monitor-test-west", 6000, 3).await;
    let east = fleet.enterprise_id.clone();
    for number in &fleet.numbers {
        fleet
            .set_reputation(number, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    for number in &west.numbers {
        fleet
            .set_reputation_as(&west.key, number, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    let ops = ops_channel().await;
    // $1.00 per number remediated; the budget is per enterprise and calendar month
    // (`RemediationBudget`): each enterprise may spend $2.00, whatever the other spent.
    let head = format!(
        "store = \"(opened by the test)\"\nevery = \"1s\"\nlisten = \"127.0.0.1:0\"\n\n\
         [remediation]\nmonthly_budget_usd = \"2.00\"\n\n\
         [[account]]\nname = \"east\"\napi_key_env = \"TEST_KEY_EAST\"\nenterprises = [\"{east}\"]\n\n\
         [[account]]\nname = \"west\"\napi_key_env = \"TEST_KEY_WEST\"\nenterprises = [\"{}\"]\n",
        west.enterprise_id
    );
    let config = serve_config_of(&head, &ops, "1d");
    let clients = HashMap::from([
        ("east".to_owned(), fleet.client.clone()),
        ("west".to_owned(), west.client.clone()),
    ]);
    let service = Service::for_accounts(config, clients, store.clone(), "monitor.toml")
        .unwrap()
        .clock(emulator_clock(&fleet));
    let submitted = || async {
        let mut numbers: Vec<(String, String)> = store
            .remediations(None, false)
            .await
            .unwrap()
            .iter()
            .flat_map(|r| {
                r.numbers
                    .iter()
                    .map(|n| (r.enterprise_id.clone(), n.phone_number.clone()))
            })
            .collect();
        numbers.sort();
        numbers
    };
    let remediate_rows = || async {
        store
            .outbox(&[])
            .await
            .unwrap()
            .into_iter()
            .filter(|i| i.kind == OutboxKind::Remediate)
            .collect::<Vec<_>>()
    };
    let (e0, e1, e2) = (&fleet.numbers[0], &fleet.numbers[1], &fleet.numbers[2]);
    let (w0, w1) = (&west.numbers[0], &west.numbers[1]);
    let pairs = |enterprise: &str, numbers: &[&String]| {
        let mut pairs: Vec<(String, String)> = numbers
            .iter()
            .map(|n| (enterprise.to_owned(), (*n).clone()))
            .collect();
        pairs.sort();
        pairs
    };
    let east_two = pairs(&east, &[e0, e1]);
    let west_two = pairs(&west.enterprise_id, &[w0, w1]);
    serve_until(service, async {
        eventually("both accounts' baseline syncs", || async {
            store.last_sweep(&east).await.unwrap().is_some()
                && store
                    .last_sweep(&west.enterprise_id)
                    .await
                    .unwrap()
                    .is_some()
        })
        .await;
        // East: two numbers, its whole $2.00. West: one number, $1.00 of its own $2.00.
        for number in [e0, e1] {
            fleet
                .set_reputation(number, serde_json::json!({ "spam_risk": "high" }))
                .await;
        }
        fleet
            .set_reputation_as(&west.key, w0, serde_json::json!({ "spam_risk": "high" }))
            .await;
        let expected = [east_two.clone(), pairs(&west.enterprise_id, &[w0])].concat();
        let mut expected = expected;
        expected.sort();
        eventually("both enterprises' submissions", || async {
            submitted().await == expected
        })
        .await;
        // West's second number: $1.00 more, within west's own budget although east spent
        // its $2.00 (the budget is not shared between enterprises or accounts).
        fleet
            .set_reputation_as(&west.key, w1, serde_json::json!({ "spam_risk": "high" }))
            .await;
        let mut expected = [east_two.clone(), west_two.clone()].concat();
        expected.sort();
        eventually("west's second submission", || async {
            submitted().await == expected
        })
        .await;
        // East's third number: $1.00 more than the $0.00 east has left: refused.
        fleet
            .set_reputation(e2, serde_json::json!({ "spam_risk": "high" }))
            .await;
        eventually("east's third request refused", || async {
            remediate_rows()
                .await
                .iter()
                .any(|i| i.state == OutboxState::Failed)
        })
        .await;
    })
    .await;
    let rows = remediate_rows().await;
    let refused: Vec<_> = rows
        .iter()
        .filter(|i| i.state == OutboxState::Failed)
        .collect();
    assert_eq!(refused.len(), 1, "{rows:?}");
    assert_eq!(refused[0].target, east);
    assert_eq!(refused[0].payload["numbers"], serde_json::json!([e2]));
    assert_eq!(refused[0].attempts, 1);
    let why = refused[0].last_error.clone().unwrap();
    assert!(
        why.contains("costs $1.00")
            && why.contains(&format!(
                "the [remediation] budget of $2.00 a month for enterprise {east} has $0.00 left"
            ))
            && why.contains("refused before anything was sent"),
        "{why}"
    );
    assert!(
        rows.iter()
            .filter(|i| i.state != OutboxState::Failed)
            .all(|i| i.state == OutboxState::Done),
        "{rows:?}"
    );
    // Each account's key carried exactly its own enterprise's submissions: what the
    // emulator billed each account, and the requests it took with each key.
    assert_eq!(remediations_billed(&fleet, &fleet.key).await, east_two);
    assert_eq!(remediations_billed(&fleet, &west.key).await, west_two);
    let east_posts = remediation_posts(&fleet, &fleet.key).await;
    let west_posts = remediation_posts(&fleet, &west.key).await;
    assert!(
        !east_posts.is_empty()
            && east_posts
                .iter()
                .all(|p| p.contains(&format!("/enterprises/{east}/"))),
        "{east_posts:?}"
    );
    assert!(
        !west_posts.is_empty()
            && west_posts
                .iter()
                .all(|p| p.contains(&format!("/enterprises/{}/", west.enterprise_id))),
        "{west_posts:?}"
    );
    let done = rows.iter().filter(|i| i.state == OutboxState::Done).count();
    assert_eq!(
        east_posts.len() + west_posts.len(),
        done,
        "one submission per row sent"
    );
    // The store's spend record, per enterprise: two numbers each.
    let today = emulator_clock(&fleet)().date_naive();
    for enterprise in [&east, &west.enterprise_id] {
        let spend = store.spend(Some(enterprise), today, today).await.unwrap();
        assert_eq!(
            spend.iter().map(|d| d.remediations).sum::<u64>(),
            2,
            "{enterprise}: {spend:?}"
        );
    }
}

/// The closing note's run: `monitor serve` on the emulator for 30 virtual days (its clock
/// moved 12 hours at a time, each step synced once), numbers drifting as the emulator's
/// scheduled re-checks move them, an `is_high` alert reminding daily and a `became_high`
/// rule remediating within $5.00 a month. Prints every notification the local receiver
/// took (run with `--nocapture` to see them) and checks them against the store: each
/// delivered once, in order (opened, reminders, resolved), and the remediation within its
/// budget.
pub async fn thirty_virtual_days_of_serve_send_each_notification_once(store: Store) {
    use telnyx_reputation_monitor::alerts::AlertState;
    use telnyx_reputation_monitor::outbox::{OutboxKind, OutboxState};
    use telnyx_reputation_monitor::service::Service;
    const DAYS: i64 = 30;
    const STEP_HOURS: i64 = 12;
    let fleet = Fleet::start(20).await;
    let ops = ops_channel().await;
    let hook = &ops.hook;
    let config = serve_config(
        &fleet,
        &ops,
        "12h",
        "1d",
        "\n[remediation]\nmonthly_budget_usd = \"5.00\"\n",
    );
    let clock = emulator_clock(&fleet);
    let start = clock();
    let service =
        Service::new(config, fleet.client.clone(), store.clone()).clock(emulator_clock(&fleet));
    serve_until(service, async {
        for step in 0..=(DAYS * 24 / STEP_HOURS) {
            if step > 0 {
                // A minute more than the step: past the schedule's jitter (at most 30 s).
                fleet
                    .admin(
                        "clock/advance",
                        serde_json::json!({ "seconds": STEP_HOURS * 3600 + 60 }),
                    )
                    .await;
            }
            let now = clock();
            // Synced at (or after) this step's time, and what it decided delivered.
            for _ in 0..600 {
                let synced = store
                    .last_sweep(&fleet.enterprise_id)
                    .await
                    .unwrap()
                    .is_some_and(|at| at >= now - chrono::Duration::seconds(1));
                let pending = store
                    .outbox(&[OutboxState::Pending])
                    .await
                    .unwrap()
                    .is_empty();
                if synced && pending {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(
                store
                    .last_sweep(&fleet.enterprise_id)
                    .await
                    .unwrap()
                    .is_some_and(|at| at >= now - chrono::Duration::seconds(1)),
                "step {step}: not synced within 30 s"
            );
        }
        // A request submitted by the last sync is polled once its first poll is due.
        fleet
            .admin("clock/advance", serde_json::json!({ "seconds": 120 }))
            .await;
        eventually("every request followed to its end", || async {
            store.remediations(None, true).await.unwrap().is_empty()
        })
        .await;
    })
    .await;
    let days = (clock() - start).num_hours() as f64 / 24.0;
    assert!(days >= DAYS as f64, "{days} virtual days");
    let got = slack_alerts(hook);
    println!(
        "30 virtual days of `monitor serve` on the emulator ({} syncs): {} notification(s)",
        store.counts().await.unwrap().sweeps,
        got.len()
    );
    for body in hook.taken("/slack") {
        println!("  {}", body["text"].as_str().unwrap().replace('\n', " | "));
    }
    let count = |event: &str| got.iter().filter(|(e, _)| e.starts_with(event)).count();
    let (opened, reminders, resolved) = (count("OPENED"), count("REMINDER"), count("RESOLVED"));
    println!("  opened {opened}, reminders {reminders}, resolved {resolved}");
    assert!(
        opened >= 1,
        "30 days of drift turned no number high: {got:?}"
    );
    // Each notification delivered once: as many taken as channel rows done, ids unique.
    let rows: Vec<_> = store
        .outbox(&[])
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.kind == OutboxKind::Channel)
        .collect();
    assert!(
        rows.iter().all(|i| i.state == OutboxState::Done),
        "{rows:?}"
    );
    assert_eq!(rows.len(), got.len());
    let ids: std::collections::BTreeSet<String> = hook
        .got
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path == "/slack")
        .map(|r| {
            r.headers[telnyx_reputation_monitor::outbox::DELIVERY_ID_HEADER]
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), got.len(), "no notification twice");
    // In order per number: opened, then reminders, then resolved, then maybe again.
    let alerts = store.alerts(None, &[]).await.unwrap();
    for alert in &alerts {
        let mine: Vec<&str> = got
            .iter()
            .filter(|(_, subject)| *subject == alert.subject)
            .map(|(e, _)| e.as_str())
            .collect();
        assert_eq!(mine.first().copied(), Some("OPENED"), "{mine:?}");
    }
    assert_eq!(
        opened,
        alerts.iter().filter(|a| a.opened_at.is_some()).count()
    );
    assert_eq!(
        resolved,
        alerts
            .iter()
            .filter(|a| a.state == AlertState::Resolved)
            .count()
    );
    assert_eq!(
        reminders as i64,
        alerts.iter().map(|a| a.reminders_sent).sum::<i64>()
    );
    // The remediation it submitted: within $5.00 a (virtual) month, each request followed.
    let tracked = store.remediations(None, false).await.unwrap();
    let submitted: usize = tracked.iter().map(|r| r.numbers.len()).sum();
    println!(
        "  remediation: {} request(s), {submitted} number(s) submitted; outcomes {:?}",
        tracked.len(),
        tracked
            .iter()
            .flat_map(|r| r
                .numbers
                .iter()
                .map(|n| n.outcome.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    );
    assert!(submitted <= 10, "two virtual months at most: {tracked:?}");
    assert_eq!(tracked.len(), requests_sent(&fleet).await);
    assert!(
        tracked.iter().all(|r| r.finished_at.is_some()),
        "{tracked:?}"
    );
}

pub async fn pruning_deletes_resolved_alerts_with_their_delivered_notifications_never_an_open_one(
    store: Store,
) {
    use telnyx_reputation_monitor::alerts::AlertState;
    use telnyx_reputation_monitor::outbox::{self, OutboxState};
    let fleet = Fleet::start(1).await;
    let ops = ops_channel().await;
    let hook = &ops.hook;
    let rules = ops.rules(
        "[[rule]]\nname = \"sync down\"\nwhen = { sync_failing = 1 }\n\
         actions = [{ type = \"notify\", channel = \"ops\" }]\n",
    );
    let e = fleet.enterprise_id.clone();
    let gone = Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/v2")
        .max_retries(0)
        .build()
        .unwrap();
    let down = Monitor::new(gone, store.clone());
    // Two alerts open: one of the fleet's enterprise, one of another that stays open.
    for enterprise in [e.as_str(), "other"] {
        let error = down
            .sync_with_rules(enterprise, &SyncOptions::default(), &rules, false, |_| {})
            .await
            .unwrap_err();
        assert_eq!(
            store
                .record_sync_failure(&rules, enterprise, &error)
                .await
                .unwrap(),
            1
        );
    }
    outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    // The fleet's syncs work again: its alert resolves; the notification is not sent yet.
    let up = Monitor::new(fleet.client.clone(), store.clone());
    let run = up
        .sync_with_rules(&e, &SyncOptions::default(), &rules, false, |_| {})
        .await
        .unwrap();
    assert_eq!(run.queued, 1, "resolved");
    let resolved = store
        .alerts(Some(&e), &[AlertState::Resolved])
        .await
        .unwrap();
    assert_eq!(resolved.len(), 1);
    let alerts_of = |rows: &[telnyx_reputation_monitor::outbox::OutboxItem], id: &str| {
        rows.iter()
            .filter(|r| r.idempotency_key.starts_with(&format!("alert:{id}:")))
            .count()
    };
    let alert_table = |report: &telnyx_reputation_monitor::retention::PruneReport| {
        report
            .tables
            .iter()
            .find(|t| t.table == "alerts")
            .unwrap()
            .clone()
    };
    // A cutoff after everything: the resolved alert's notification is still pending, so
    // the alert stays; the open one stays whatever its age.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let cutoff = Utc::now();
    let first = store.prune(cutoff, 1).await.unwrap();
    assert_eq!(alert_table(&first).rows, 0, "{first:?}");
    assert_eq!(store.alerts(None, &[]).await.unwrap().len(), 2);
    // Delivered after the cutoff: it and its alert go all the same (the alert resolved
    // before the cutoff), one row per batch.
    outbox::deliver(&store, None, &channel_deliver(&rules))
        .await
        .unwrap();
    let all = store
        .outbox(&[OutboxState::Done, OutboxState::Pending, OutboxState::Failed])
        .await
        .unwrap();
    let late: Vec<_> = all
        .iter()
        .filter(|r| {
            r.idempotency_key
                .starts_with(&format!("alert:{}:", resolved[0].id))
        })
        .collect();
    assert_eq!(late.len(), 1, "{all:?}");
    assert_eq!(late[0].state, OutboxState::Done);
    assert!(late[0].updated_at > cutoff, "delivered after the cutoff");
    let second = store.prune(cutoff, 1).await.unwrap();
    let alerts = alert_table(&second);
    assert_eq!((alerts.rows, alerts.batches), (1, 2), "{second:?}");
    let left = store.alerts(None, &[]).await.unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        (left[0].enterprise_id.as_str(), left[0].state),
        ("other", AlertState::Open),
        "never an open alert"
    );
    let all = store
        .outbox(&[OutboxState::Done, OutboxState::Pending, OutboxState::Failed])
        .await
        .unwrap();
    assert_eq!(alerts_of(&all, &resolved[0].id), 0, "{all:?}");
    // Nothing more to prune at this cutoff; the open alert survives any cutoff.
    assert_eq!(store.prune(cutoff, 1).await.unwrap().rows(), 0);
    store
        .prune(Utc::now() + chrono::Duration::days(1), 100)
        .await
        .unwrap();
    assert_eq!(
        store.alerts(None, &[AlertState::Open]).await.unwrap().len(),
        1
    );
    assert_eq!(hook.taken("/slack").len(), 3, "opened twice, resolved once");
}

pub async fn a_monitor_starts_from_its_last_sync_only_while_no_other_sync_ran_since(store: Store) {
    let fleet = Fleet::start(3).await;
    let e = fleet.enterprise_id.clone();
    let number = fleet.numbers[0].clone();
    let sync = |monitor: Monitor| {
        let enterprise = e.clone();
        async move {
            monitor
                .sync(&enterprise, &SyncOptions::default(), |_| {})
                .await
                .unwrap()
        }
    };
    // The service's monitor: its syncs keep what they left for the next.
    let service = Monitor::new(fleet.client.clone(), store.clone());
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "low" }))
        .await;
    sync(service.clone()).await;
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    let turned = sync(service.clone()).await;
    assert_eq!(turned.readings_written, 1, "{:?}", turned.changes);
    // Another process (a `monitor sync` from cron) records the number back to low.
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "low" }))
        .await;
    let other = sync(Monitor::new(fleet.client.clone(), store.clone())).await;
    assert_eq!(other.readings_written, 1);
    // The service's next sync starts from what the store holds now, not from its own last
    // sync (which saw the number high): nothing changed since, nothing is written.
    let next = sync(service.clone()).await;
    assert_eq!(next.readings_written, 0, "{:?}", next.changes);
    assert!(next.changes.is_empty(), "{:?}", next.changes);
    // And from its own state again: still nothing, and a change is seen once.
    assert!(sync(service.clone()).await.changes.is_empty());
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    assert_eq!(sync(service.clone()).await.readings_written, 1);
    assert_eq!(sync(service.clone()).await.readings_written, 0);
    assert_eq!(
        store.history(Some(&e), &number).await.unwrap().len(),
        4,
        "low, high, low, high"
    );
}

/// Two alert rules reminding every 2 h: one to acknowledge, one to snooze.
const HELD_RULES: &str = r#"
[[channel]]
name = "ops"
type = "slack"
url = "BASE/slack"

[[rule]]
name = "is high"
when = { is_high = true }
remind_every = "2h"
actions = [{ type = "notify", channel = "ops" }]

[[rule]]
name = "also high"
when = { is_high = true }
remind_every = "2h"
actions = [{ type = "notify", channel = "ops" }]
"#;

/// The CSRF token in a dashboard page's forms.
pub fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("a form with a CSRF token in {page}"));
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The `name=value` of a response's session cookie.
pub fn session_cookie(headers: &reqwest::header::HeaderMap) -> String {
    let cookie = headers
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

pub async fn the_dashboard_acknowledges_and_snoozes_alerts_and_they_stop_reminding(store: Store) {
    use telnyx_reputation_monitor::alerts::AlertState;
    use telnyx_reputation_monitor::dashboard::Dashboard;
    let fleet = Fleet::start(3).await;
    let hook = receiving().await;
    let rules = Rules::parse(&HELD_RULES.replace("BASE", &hook.base), "rules.toml").unwrap();
    let monitor = Monitor::new(fleet.client.clone(), store.clone());
    let number = fleet.numbers[0].clone();
    let e = fleet.enterprise_id.clone();
    let hour = chrono::Duration::hours(1);
    // Virtual sync times around the wall clock, which the snoozes are measured from.
    let t0 = chrono::DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap() - hour * 10;
    for n in &fleet.numbers {
        fleet
            .set_reputation(n, serde_json::json!({ "spam_risk": "low" }))
            .await;
    }
    sync_at(&monitor, &fleet, &rules, t0).await;
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "high" }))
        .await;
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour).await;
    assert_eq!(run.queued, 2, "both open");
    let open = store.alerts(Some(&e), &[AlertState::Open]).await.unwrap();
    let id_of = |rule: &str| open.iter().find(|a| a.rule == rule).unwrap().id.clone();
    let (acked, snoozed) = (id_of("is high"), id_of("also high"));

    let server = DashboardServer::start(Dashboard::new(store.clone())).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The alerts page: both open, each with its forms; a session cookie for the browser.
    let page = client
        .get(format!("{}/alerts", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let cookie = session_cookie(page.headers());
    assert!(cookie.starts_with("trd_session="), "{cookie}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<b id=\"count-open\">2</b>"), "{html}");
    for id in [&acked, &snoozed] {
        assert!(html.contains(&format!("action=\"/alerts/{id}/acknowledge\"")));
        assert!(html.contains(&format!("action=\"/alerts/{id}/snooze\"")));
    }
    let token = csrf_of(&html);
    let ack_url = format!("{}/alerts/{acked}/acknowledge", server.url);
    let form = |token: &str| format!("csrf={token}&back=%2Falerts%3Fstate%3Dall");
    // Refused: no token, a token without its session, a token of another session.
    for (cookie, body) in [
        (Some(cookie.as_str()), "back=%2Falerts".to_owned()),
        (None, form(&token)),
        (
            Some("trd_session=00000000000000000000000000000000"),
            form(&token),
        ),
    ] {
        let mut request = client
            .post(&ack_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let refused = request.send().await.unwrap();
        assert_eq!(refused.status(), 403);
    }
    assert!(
        store
            .alerts(Some(&e), &[AlertState::Open])
            .await
            .unwrap()
            .iter()
            .all(|a| a.acknowledged_at.is_none()),
        "nothing held by a refused form"
    );
    // Acknowledged with the session's token: back to the page the form was on.
    let done = client
        .post(&ack_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &cookie)
        .body(form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/alerts?state=all");
    // The API refuses a form-encoded POST (only JSON, which another site cannot send).
    let api_snooze = format!("{}/api/v1/alerts/{snoozed}/snooze", server.url);
    let refused = client
        .post(&api_snooze)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("for=1h")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 415);
    let bad = client
        .post(&api_snooze)
        .json(&serde_json::json!({"for": "forever"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let held = client
        .post(&api_snooze)
        .json(&serde_json::json!({"for": "1h"}))
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 200);
    let held: serde_json::Value = held.json().await.unwrap();
    assert_eq!(held["snoozed_by"], "api");
    let until = chrono::DateTime::parse_from_rfc3339(held["snoozed_until"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert!(
        (until - (Utc::now() + hour)).num_seconds().abs() < 60,
        "{until}"
    );
    let missing = client
        .post(format!("{}/api/v1/alerts/nope/acknowledge", server.url))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let listed = get_json(&format!("{}/api/v1/alerts?state=open", server.url)).await;
    let row = |id: &str| {
        listed["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&acked)["acknowledged_by"], "dashboard");
    assert!(row(&acked)["acknowledged_at"].is_string());
    assert!(row(&snoozed)["acknowledged_at"].is_null());
    assert_eq!(listed["counts"]["open"], 2);
    assert_eq!(listed["counts"]["acknowledged"], 1);
    // The alerts page shows both held, and the acknowledged one without its button.
    let (_, _, html) = get(&format!("{}/alerts", server.url)).await;
    assert!(html.contains("acknowledged "), "{html}");
    assert!(html.contains("snoozed until "), "{html}");
    assert!(!html.contains(&format!("action=\"/alerts/{acked}/acknowledge\"")));
    // The number's page lists its alerts with the same forms.
    let (_, _, number_page) = get(&format!("{}/numbers/{number}", server.url)).await;
    assert!(number_page.contains(&format!("id=\"alert-{snoozed}\"")));
    assert!(number_page.contains(&format!("action=\"/alerts/{snoozed}/acknowledge\"")));

    // Two hours after opening both are due a reminder, and both are held: none is queued.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour * 3).await;
    assert_eq!(run.queued, 0, "{:?}", run.outcomes);
    // Past the snooze (an hour from now) the snoozed one reminds; the acknowledged never.
    let run = sync_at(&monitor, &fleet, &rules, t0 + hour * 12).await;
    assert_eq!(run.queued, 1, "{:?}", run.outcomes);
    let open = store.alerts(Some(&e), &[AlertState::Open]).await.unwrap();
    let sent = |id: &str| open.iter().find(|a| a.id == id).unwrap().reminders_sent;
    assert_eq!((sent(&acked), sent(&snoozed)), (0, 1));
    // Resolved alerts cannot be held any more.
    fleet
        .set_reputation(&number, serde_json::json!({ "spam_risk": "low" }))
        .await;
    sync_at(&monitor, &fleet, &rules, t0 + hour * 13).await;
    let late = client
        .post(format!(
            "{}/api/v1/alerts/{snoozed}/acknowledge",
            server.url
        ))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 409);
    let resolved = get_json(&format!("{}/api/v1/alerts?state=resolved", server.url)).await;
    assert_eq!(resolved["alerts"].as_array().unwrap().len(), 2);
    let (_, _, html) = get(&format!("{}/alerts?state=resolved", server.url)).await;
    assert!(!html.contains("/snooze\""), "no form on a resolved alert");
    // The fleet page and /metrics count open alerts.
    let fleet_json = get_json(&format!("{}/api/v1/fleet", server.url)).await;
    assert_eq!(fleet_json["alerts"]["resolved"], 2);
    assert_eq!(fleet_json["alerts"]["open"], 0);
    server.stop().await;
}

pub async fn the_dashboard_shows_remediations_with_outcomes_and_re_checks(store: Store) {
    use telnyx_reputation_monitor::dashboard::Dashboard;
    let fleet = Fleet::start(4).await;
    let client = budgeted(&fleet);
    let monitor = Monitor::new(client.clone(), store.clone());
    turn_high(&fleet, &monitor, &fleet.numbers).await;
    let delivered = deliver_all(&store, &client).await;
    let id = delivered.delivered[0].result.clone().unwrap();
    let server = DashboardServer::start(Dashboard::new(store.clone())).await;
    // Open: pending, no outcome yet.
    let open = get_json(&format!("{}/api/v1/remediations?state=open", server.url)).await;
    assert_eq!(open["remediations"][0]["id"], id.as_str());
    assert_eq!(open["remediations"][0]["state"], "pending");
    assert_eq!(
        open["remediations"][0]["numbers"].as_array().unwrap().len(),
        4
    );
    let submitted = store.remediations(None, false).await.unwrap()[0].submitted_at;
    monitor
        .follow_remediations(submitted + chrono::Duration::seconds(31))
        .await
        .unwrap();
    let finished = store.remediations(None, false).await.unwrap()[0]
        .finished_at
        .unwrap();
    let rechecked = monitor
        .follow_remediations(finished + chrono::Duration::days(1) + chrono::Duration::minutes(1))
        .await
        .unwrap();
    let tracked = store.remediations(None, false).await.unwrap();
    let request = &tracked[0];
    let remediated: Vec<&str> = request
        .numbers
        .iter()
        .filter(|n| n.outcome.as_deref() == Some("remediated"))
        .map(|n| n.phone_number.as_str())
        .collect();
    assert_eq!(rechecked.rechecked.len(), remediated.len());
    // The API: the request's state, each number's outcome, the 1-day re-check.
    let all = get_json(&format!("{}/api/v1/remediations", server.url)).await;
    let r = &all["remediations"][0];
    assert_eq!(r["state"], "completed");
    assert_eq!(r["rule"], "turned high");
    for n in r["numbers"].as_array().unwrap() {
        let number = n["phone_number"].as_str().unwrap();
        let stored = request
            .numbers
            .iter()
            .find(|s| s.phone_number == number)
            .unwrap();
        assert_eq!(n["outcome"].as_str(), stored.outcome.as_deref());
        assert_eq!(
            n["recheck_1d"]["risk"].as_str(),
            stored.recheck_1d.as_ref().map(|r| r.risk.as_str())
        );
        assert_eq!(n["recheck_1d"].is_null(), !remediated.contains(&number));
    }
    assert!(
        get_json(&format!("{}/api/v1/remediations?state=open", server.url)).await["remediations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _, _) = get(&format!("{}/api/v1/remediations?state=stuck", server.url)).await;
    assert_eq!(status, 400);
    // The page: the request, its outcomes, the re-check column.
    let (status, _, html) = get(&format!("{}/remediations", server.url)).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("id=\"remediation-{id}\"")), "{html}");
    assert!(html.contains("completed"));
    for n in &request.numbers {
        assert!(html.contains(n.phone_number.as_str()));
        assert!(html.contains(n.outcome.as_deref().unwrap()));
    }
    // A number's page: its request and outcome.
    let number = &request.numbers[0];
    let history = get_json(&format!(
        "{}/api/v1/numbers/{}",
        server.url, number.phone_number
    ))
    .await;
    assert_eq!(history[0]["remediations"][0]["id"], id.as_str());
    assert_eq!(
        history[0]["remediations"][0]["number"]["outcome"].as_str(),
        number.outcome.as_deref()
    );
    let (_, _, page) = get(&format!("{}/numbers/{}", server.url, number.phone_number)).await;
    assert!(page.contains("Remediation requests (1)"), "{page}");
    assert!(page.contains(&id));
    server.stop().await;
}

pub async fn the_fleet_chart_walks_risk_back_through_the_changes(store: Store) {
    use telnyx_reputation_monitor::dashboard::query;
    let (_fleet, report, turned) = seeded_dashboard_fleet(&store).await;
    let now = Utc::now();
    let fleet = query::fleet(&store, now, None).await.unwrap();
    let total = &fleet.risk_history[0];
    assert!(total.enterprise_id.is_none());
    assert_eq!(total.points.len(), query::RISK_DAYS as usize + 1);
    let last = total.points.last().unwrap();
    assert_eq!(last.high, fleet.total.high);
    assert_eq!(last.low, fleet.total.low);
    // Before today's first sync: no number at all.
    let first = &total.points[0];
    assert_eq!(first.high + first.medium + first.low + first.none, 0);
    // Between the two syncs the two turned numbers were still low.
    let between = query::risk_history(
        &store,
        &fleet.enterprises,
        report.at - chrono::Duration::microseconds(1),
    )
    .await
    .unwrap();
    let at = between[0].points.last().unwrap();
    assert_eq!(at.high + 2, fleet.total.high, "{turned:?}");
    assert_eq!(at.low, fleet.total.low + 2);
    assert_eq!(fleet.risk_history[1].points, total.points, "one enterprise");
}
