//! The demo's monitoring act, after the journey: `monitor serve` runs in process on the
//! embedded emulator, on the emulator's virtual clock, into a SQLite store beside the LOA.
//! It syncs every (virtual) hour, receives the emulator's signed webhooks on its own
//! `/webhooks/telnyx`, sends its alerts to a Slack-style receiver on 127.0.0.1 (the demo
//! prints each notification as that receiver got it), and submits remediation for a number
//! that turned high within its `[remediation]` budget, following the request to its end.
//! The emulator's admin API plays time, the analytics networks and the carrier: a number
//! turns high and another is flagged for ownership, days pass. Everything goes through
//! `telnyx-reputation-monitor`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use telnyx_reputation::Client;
use telnyx_reputation_emulator::RunningEmulator;
use telnyx_reputation_monitor::outbox::{OutboxKind, OutboxState};
use telnyx_reputation_monitor::service::{Config, Service, ServiceEvent};
use telnyx_reputation_monitor::{Report, Store, SyncReport};

use crate::exit::{CliError, CliResult};

/// The service's config; `STORE`, `ENTERPRISE`, `PUBLIC_KEY` and `RECEIVER` are filled in.
const CONFIG: &str = r#"store = "STORE"
every = "1h"
listen = "127.0.0.1:0"
enterprises = ["ENTERPRISE"]
public_key = "PUBLIC_KEY"

[remediation]
monthly_budget_usd = "5.00"

[[channel]]
name = "ops"
type = "slack"
url = "RECEIVER"

[[rule]]
name = "high risk"
when = { is_high = true }
remind_every = "1d"
actions = [{ type = "notify", channel = "ops" }]

[[rule]]
name = "turned high"
when = { became_high = true }
actions = [{ type = "remediate", call_purpose = "Outbound appointment reminders for our plumbing customers.", max_per_run = 5 }]

[[rule]]
name = "confirm ownership this week"
when = { confirm_within_days = 7 }
remind_every = "1d"
actions = [{ type = "notify", channel = "ops" }]
"#;

/// What the service reported, and what the receiver took, as the act goes.
#[derive(Clone, Default)]
struct Seen {
    events: Arc<Mutex<Vec<ServiceEvent>>>,
    notifications: Arc<Mutex<Vec<String>>>,
}

impl Seen {
    fn syncs(&self) -> Vec<SyncReport> {
        self.events
            .lock()
            .map(|events| {
                events
                    .iter()
                    .filter_map(|e| match e {
                        ServiceEvent::Synced(report) => Some(report.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn find<T>(&self, f: impl Fn(&ServiceEvent) -> Option<T>) -> Option<T> {
        self.events.lock().ok()?.iter().find_map(f)
    }

    /// Whether the receiver took a notification whose title starts with `event` (`OPENED`,
    /// `REMINDER 1`, `RESOLVED`) about `number`.
    fn notified(&self, event: &str, number: &str) -> bool {
        let title = format!("[telnyx-reputation] {event}: {number} ");
        self.notifications
            .lock()
            .is_ok_and(|n| n.iter().any(|t| t.starts_with(&title)))
    }
}

/// Wait (at most 30 s) until `done` holds, else fail naming `what`.
async fn until(what: &str, mut done: impl FnMut() -> bool) -> CliResult {
    for _ in 0..600 {
        if done() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(CliError::other(format!(
        "the monitoring act waited 30 s for {what}"
    )))
}

/// Run the act on the journey's enterprise, on `emulator` with the account's `api_key`
/// (for the admin API); files go to `dir`. Returns the store's path.
pub async fn act(
    client: &Client,
    emulator: &RunningEmulator,
    api_key: &str,
    enterprise: &str,
    dir: &Path,
) -> CliResult<PathBuf> {
    let admin = emulator.admin_url();
    let say = |what: &str| println!("  - {what}");
    println!(
        "\nMonitoring act: `monitor serve` watches the numbers over time (telnyx-reputation-monitor)"
    );
    let path = dir.join("monitor.sqlite");
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    let seen = Seen::default();
    let receiver = start_receiver(seen.notifications.clone()).await?;
    let public_key = served_public_key(&admin).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let text = CONFIG
        .replace("STORE", &format!("sqlite://{}", path.display()))
        .replace("ENTERPRISE", enterprise)
        .replace("PUBLIC_KEY", &public_key)
        .replace("RECEIVER", &receiver);
    let config = Config::parse(&text, "the demo's monitor.toml")?;
    // A loopback http:// receiver: the facade accepts it (the emulator delivers to it).
    let webhook = format!("{url}/webhooks/telnyx");
    client
        .reputation(enterprise)
        .set_webhook(Some(&webhook))
        .await?;
    let state = emulator.state().clone();
    let key = api_key.to_owned();
    let log = seen.events.clone();
    let service = Service::new(config, client.clone(), store.clone())
        .clock(move || state.now_of(&key))
        .on_event(move |event| {
            // What went wrong is said (on stderr), never hidden behind a timeout.
            match event {
                ServiceEvent::SyncFailed {
                    enterprise_id,
                    message,
                } => eprintln!("monitor serve: sync of {enterprise_id} failed: {message}"),
                ServiceEvent::HousekeepingFailed { message } => {
                    eprintln!("monitor serve: {message}")
                }
                ServiceEvent::Delivered(item) if item.state != OutboxState::Done => eprintln!(
                    "monitor serve: {} to {} not delivered: {}",
                    item.kind.as_str(),
                    item.target,
                    item.last_error.as_deref().unwrap_or("unknown error")
                ),
                _ => {}
            }
            if let Ok(mut log) = log.lock() {
                log.push(event.clone());
            }
        });
    say(&format!(
        "monitor serve runs in process at {url} on the emulator's clock: a sync every hour \
         (cached reads, free), the enterprise's webhook at {webhook}, alerts to a Slack-style \
         receiver at {receiver}, remediation within a $5.00 monthly budget"
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let script = async {
        let scripted = script(client, &admin, api_key, enterprise, &store, &path, &seen).await;
        let _ = stop.send(());
        scripted
    };
    let (ran, scripted) = futures::future::join(
        service.run(listener, async move {
            let _ = stopped.await;
        }),
        script,
    )
    .await;
    ran?;
    let now = scripted?;
    let report = Report::build(
        &store,
        Some(enterprise),
        now - chrono::Duration::days(3),
        now,
    )
    .await?;
    let out = dir.join("report.html");
    std::fs::write(&out, report.html())
        .map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
    say(&format!("report written to {}", out.display()));
    store.close().await?;
    Ok(path)
}

/// What happens while the service runs; returns the emulator's time at the end.
async fn script(
    client: &Client,
    admin: &str,
    api_key: &str,
    enterprise: &str,
    store: &Store,
    path: &Path,
    seen: &Seen,
) -> CliResult<DateTime<Utc>> {
    let say = |what: &str| println!("  - {what}");
    // Each advance is a minute longer than it says: past the schedule's jitter (≤ 30 s).
    let advance = |seconds: i64| {
        admin_post(
            admin,
            api_key,
            "clock/advance",
            serde_json::json!({ "seconds": seconds + 60 }),
        )
    };
    until("the baseline sync", || !seen.syncs().is_empty()).await?;
    let first = seen.syncs()[0].clone();
    say(&format!(
        "baseline sync into {}: {} numbers, {} readings written (cached reads, nothing billed)",
        path.display(),
        first.numbers,
        first.readings_written
    ));
    advance(3600).await?;
    until("the next scheduled sync", || seen.syncs().len() >= 2).await?;
    say(&format!(
        "an hour later, the next scheduled sync, nothing changed: {} readings written",
        seen.syncs()[1].readings_written
    ));

    let low: Vec<&str> = first
        .current
        .iter()
        .filter(|r| r.spam_risk.as_deref() == Some("low"))
        .map(|r| r.phone_number.as_str())
        .collect();
    let (Some(turning), Some(flagged)) = (low.first().copied(), low.get(1).copied()) else {
        say("fewer than two low-risk numbers: nothing to watch turn high");
        return emulator_now(admin).await;
    };
    admin_post(
        admin,
        api_key,
        "numbers/reputation",
        serde_json::json!({ "phone_number": turning, "reputation_data": { "spam_risk": "high", "spam_category": "robocall" } }),
    )
    .await?;
    admin_post(
        admin,
        api_key,
        "numbers/ownership",
        serde_json::json!({ "phone_number": flagged, "ownership_status": "pending_confirmation", "flag_reason": "carrier_changed" }),
    )
    .await?;
    let synced = seen.syncs().len();
    advance(86_400).await?;
    say(&format!(
        "the networks flag {turning} (robocall), the carrier flags {flagged}; a day passes on the emulator's clock"
    ));
    until("the sync after a day", || seen.syncs().len() > synced).await?;
    let detected = seen.syncs()[synced].clone();
    for change in detected
        .changes
        .iter()
        .filter(|c| c.phone_number == turning)
    {
        say(&format!(
            "the sync detects {} {}: {} -> {}",
            change.phone_number,
            change.kind,
            change.old_value.as_deref().unwrap_or("none"),
            change.new_value.as_deref().unwrap_or("none")
        ));
    }

    let received = seen.clone();
    until("the emulator's ownership webhook", || {
        received
            .find(|e| match e {
                ServiceEvent::Webhook { event_type, .. }
                    if event_type == "number_reputation.number.flagged" =>
                {
                    Some(())
                }
                _ => None,
            })
            .is_some()
    })
    .await?;
    let event_id = seen
        .find(|e| match e {
            ServiceEvent::Webhook {
                event_id,
                event_type,
            } if event_type == "number_reputation.number.flagged" => Some(event_id.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let confirm_by = client
        .reputation(enterprise)
        .numbers()
        .get(flagged)
        .await?
        .confirm_by
        .ok_or_else(|| {
            CliError::other(format!("{flagged} has no confirm_by after being flagged"))
        })?;
    let status = delivery_status(admin, api_key, &event_id).await?;
    say(&format!(
        "the emulator delivered a signed ownership webhook for {flagged} (confirm by {}) to the \
         service: {status}, recorded number_reputation.number.flagged {event_id}",
        confirm_by.format("%Y-%m-%d"),
    ));

    until("the service's remediation request", || {
        seen.find(|e| remediation_delivered(e, turning)).is_some()
    })
    .await?;
    let submitted = seen
        .find(|e| remediation_delivered(e, turning))
        .unwrap_or_default();
    say(&format!(
        "rule \"turned high\": serve submitted remediation {submitted} for {turning} through its \
         outbox ($1.00 of the $5.00 monthly budget)"
    ));
    until("the alerts' notifications", || {
        seen.notified("OPENED", turning) && seen.notified("OPENED", flagged)
    })
    .await?;

    // The request's first poll is due 30 s after it was submitted.
    advance(120).await?;
    until("the remediation followed to its end", || {
        seen.find(|e| match e {
            ServiceEvent::Remediations(report) => report
                .finished
                .iter()
                .find(|(id, _)| *id == submitted)
                .cloned(),
            _ => None,
        })
        .is_some()
    })
    .await?;
    let tracked = store.remediations(Some(enterprise), false).await?;
    let request = tracked
        .iter()
        .find(|r| r.id == submitted)
        .ok_or_else(|| CliError::other(format!("remediation {submitted} is not tracked")))?;
    let outcome = request
        .numbers
        .iter()
        .find(|n| n.phone_number == turning)
        .and_then(|n| n.outcome.clone())
        .unwrap_or_else(|| "unknown".into());
    say(&format!(
        "serve followed remediation {submitted} to its end: {}; {turning}: {outcome}",
        request.state
    ));

    let synced = seen.syncs().len();
    advance(86_400).await?;
    say("another day passes");
    until("the sync after another day", || seen.syncs().len() > synced).await?;
    until("the reminder", || seen.notified("REMINDER 1", flagged)).await?;
    if outcome == "remediated" {
        until("the resolution", || seen.notified("RESOLVED", turning)).await?;
        say(&format!(
            "the alert for {turning} resolved: the remediation cleared it"
        ));
    } else {
        say(&format!(
            "{turning} was not cleared ({outcome}): its alert stays open and reminds daily"
        ));
    }
    let done = store
        .outbox(&[OutboxState::Done])
        .await?
        .iter()
        .filter(|i| i.kind == OutboxKind::Channel)
        .count();
    say(&format!(
        "{done} notification(s) delivered through the outbox, each once"
    ));
    emulator_now(admin).await
}

/// The remediation id of a delivered remediation row that submitted `number`.
fn remediation_delivered(event: &ServiceEvent, number: &str) -> Option<String> {
    match event {
        ServiceEvent::Delivered(item)
            if item.kind == OutboxKind::Remediate
                && item.state == OutboxState::Done
                && item.payload["numbers"]
                    .as_array()
                    .is_some_and(|n| n.iter().any(|n| n == number)) =>
        {
            item.result.clone()
        }
        _ => None,
    }
}

/// A Slack-style incoming webhook on 127.0.0.1 that prints each notification as it takes
/// it and keeps its title; returns its URL.
async fn start_receiver(notifications: Arc<Mutex<Vec<String>>>) -> CliResult<String> {
    let app = axum::Router::new().fallback(axum::routing::post(
        move |body: axum::Json<serde_json::Value>| {
            let notifications = notifications.clone();
            async move {
                let text = body["text"].as_str().unwrap_or_default().to_owned();
                println!("  - the receiver got: {}", text.replace('\n', " — "));
                if let Ok(mut n) = notifications.lock() {
                    n.push(text);
                }
                axum::http::StatusCode::OK
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/alerts", listener.local_addr()?);
    // Stops with the demo's runtime.
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// The key the emulator signs its webhooks with, as it serves it.
async fn served_public_key(admin: &str) -> CliResult<String> {
    let served: serde_json::Value = admin_get(admin, None, "webhooks/public_key").await?;
    served["public_key"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CliError::other(format!("the emulator served no public key: {served}")))
}

/// The status the service answered to the emulator's delivery of `event_id`, from the
/// emulator's delivery log (e.g. `200 OK`).
async fn delivery_status(admin: &str, api_key: &str, event_id: &str) -> CliResult<String> {
    for _ in 0..50 {
        let log = admin_get(admin, Some(api_key), "webhooks/deliveries").await?;
        let status = log["data"].as_array().and_then(|d| {
            d.iter()
                .find(|d| d["event_id"] == event_id)
                .and_then(|d| d["status"].as_u64())
        });
        if let Some(status) = status {
            let code = u16::try_from(status).unwrap_or(0);
            return Ok(reqwest::StatusCode::from_u16(code)
                .map_or_else(|_| status.to_string(), |s| s.to_string()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(CliError::other(format!(
        "the emulator's delivery log has no answer for {event_id}"
    )))
}

async fn admin_get(admin: &str, api_key: Option<&str>, path: &str) -> CliResult<serde_json::Value> {
    let mut request = reqwest::Client::new()
        .get(format!("{admin}/{path}"))
        .timeout(Duration::from_secs(10));
    if let Some(key) = api_key {
        request = request.bearer_auth(key);
    }
    request
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| CliError::other(format!("emulator admin {path}: {e}")))?
        .json()
        .await
        .map_err(|e| CliError::other(format!("emulator admin {path}: {e}")))
}

async fn emulator_now(admin: &str) -> CliResult<DateTime<Utc>> {
    let health: serde_json::Value = reqwest::Client::new()
        .get(format!("{admin}/health"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| CliError::other(format!("the emulator's admin API at {admin}: {e}")))?
        .json()
        .await
        .map_err(|e| CliError::other(format!("the emulator's health: {e}")))?;
    health["now"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| CliError::other(format!("the emulator's health has no `now`: {health}")))
}

async fn admin_post(admin: &str, api_key: &str, path: &str, body: serde_json::Value) -> CliResult {
    reqwest::Client::new()
        .post(format!("{admin}/{path}"))
        .bearer_auth(api_key)
        .json(&body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| CliError::other(format!("emulator admin {path}: {e}")))?;
    Ok(())
}
