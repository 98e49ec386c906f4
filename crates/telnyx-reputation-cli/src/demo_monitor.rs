//! The demo's monitoring act, after the journey: a baseline `monitor sync` into a SQLite
//! store beside the LOA, a receiver (`listen`) on 127.0.0.1 that the enterprise's webhook
//! points at, verifying with the public key the emulator serves; the emulator's clock moved
//! a day, one number turned high and another flagged for ownership (its admin API plays the
//! analytics networks and the carrier), a second sync that detects the first, the
//! emulator's own signed `number.flagged` delivery recorded by the receiver, rules that
//! remediate the new high number, and the HTML report. Everything goes through
//! `telnyx-reputation-monitor`.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use telnyx_reputation::Client;
use telnyx_reputation_monitor::receiver::Received;
use telnyx_reputation_monitor::rules::Outcome;
use telnyx_reputation_monitor::{Monitor, Receiver, Report, Rules, Store, SyncOptions};

use crate::exit::{CliError, CliResult};

const RULES: &str = r#"
[[rule]]
name = "turned high"
when = { became_high = true }
actions = [{ type = "remediate", call_purpose = "Outbound appointment reminders for our plumbing customers.", max_per_run = 5 }]

[[rule]]
name = "confirm ownership this week"
when = { confirm_within_days = 7 }
actions = [{ type = "print" }]
"#;

/// Run the act on the journey's enterprise with the account's `api_key` (for the admin
/// API); files go to `dir`.
pub async fn act(client: &Client, api_key: &str, enterprise: &str, dir: &Path) -> CliResult {
    let rep = client.reputation(enterprise);
    let admin = format!(
        "{}/_emulator",
        client
            .base_url()
            .trim_end_matches('/')
            .trim_end_matches("/v2")
    );
    let say = |what: &str| println!("  - {what}");
    println!("\nMonitoring act: watch the numbers over time (telnyx-reputation-monitor)");
    let path = dir.join("monitor.sqlite");
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    let monitor = Monitor::new(client.clone(), store.clone());
    let at = |now| SyncOptions {
        at: Some(now),
        ..SyncOptions::default()
    };

    let first = monitor
        .sync(enterprise, &at(emulator_now(&admin).await?), |_| {})
        .await?;
    say(&format!(
        "baseline sync into {}: {} numbers, {} readings written (cached reads, nothing billed)",
        path.display(),
        first.numbers,
        first.readings_written
    ));
    let quiet = monitor
        .sync(enterprise, &at(emulator_now(&admin).await?), |_| {})
        .await?;
    say(&format!(
        "second sync, nothing changed: {} readings written",
        quiet.readings_written
    ));

    let low: Vec<&str> = first
        .current
        .iter()
        .filter(|r| r.spam_risk.as_deref() == Some("low"))
        .map(|r| r.phone_number.as_str())
        .collect();
    let (Some(turning), Some(flagged)) = (low.first().copied(), low.get(1).copied()) else {
        say("fewer than two low-risk numbers: nothing to watch turn high");
        return Ok(());
    };
    let public_key = served_public_key(&admin).await?;
    let (url, printed) = start_receiver(store.clone(), &public_key).await?;
    // A loopback http:// receiver: the facade accepts it (the emulator delivers to it).
    client
        .reputation(enterprise)
        .set_webhook(Some(&url))
        .await?;
    say(&format!(
        "receiver listening at {url}, verifying with the emulator's public key; the enterprise's webhook points at it"
    ));
    admin_post(
        &admin,
        api_key,
        "clock/advance",
        serde_json::json!({ "seconds": 86_400 }),
    )
    .await?;
    admin_post(
        &admin,
        api_key,
        "numbers/reputation",
        serde_json::json!({ "phone_number": turning, "reputation_data": { "spam_risk": "high", "spam_category": "robocall" } }),
    )
    .await?;
    admin_post(
        &admin,
        api_key,
        "numbers/ownership",
        serde_json::json!({ "phone_number": flagged, "ownership_status": "pending_confirmation", "flag_reason": "carrier_changed" }),
    )
    .await?;
    say(&format!(
        "a day passes on the emulator's clock; the networks flag {turning} (robocall)"
    ));

    let now = emulator_now(&admin).await?;
    let detected = monitor.sync(enterprise, &at(now), |_| {}).await?;
    for change in detected
        .changes
        .iter()
        .filter(|c| c.phone_number == turning)
    {
        say(&format!(
            "sync detects {} {}: {} -> {}",
            change.phone_number,
            change.kind,
            change.old_value.as_deref().unwrap_or("none"),
            change.new_value.as_deref().unwrap_or("none")
        ));
    }

    let confirm_by = rep
        .numbers()
        .get(flagged)
        .await?
        .confirm_by
        .ok_or_else(|| {
            CliError::other(format!("{flagged} has no confirm_by after being flagged"))
        })?;
    let received = wait_for_flag(&printed, flagged).await?;
    let status = delivery_status(&admin, api_key, &received.event.event_id).await?;
    say(&format!(
        "the emulator delivered a signed ownership webhook for {flagged} (confirm by {}): {status}, {} {} {}",
        confirm_by.format("%Y-%m-%d"),
        if received.new {
            "recorded"
        } else {
            "duplicate"
        },
        received.event.event_type,
        received.event.event_id
    ));

    let rules = Rules::parse(RULES, "demo rules")?;
    let matches = rules.evaluate(&detected, &store.events(Some(enterprise)).await?, now);
    for outcome in rules.run(&matches, client, true).await {
        match outcome {
            Outcome::Remediation {
                rule,
                numbers,
                remediation_id,
                ..
            } => say(&format!(
                "rule \"{rule}\": remediation {} submitted for {}",
                remediation_id.unwrap_or_default(),
                numbers.join(" ")
            )),
            Outcome::Print { rule, .. } => say(&format!("rule \"{rule}\" matched {flagged}")),
            Outcome::Notified { rule, url, .. } => say(&format!("rule \"{rule}\" notified {url}")),
            Outcome::Failed { message, .. } => return Err(CliError::other(message)),
            // The demo's rules print and remediate only.
            _ => {}
        }
    }

    let report = Report::build(
        &store,
        Some(enterprise),
        now - chrono::Duration::days(2),
        now,
    )
    .await?;
    let out = dir.join("report.html");
    std::fs::write(&out, report.html())
        .map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
    say(&format!("report written to {}", out.display()));
    store.close().await?;
    Ok(())
}

type Printed = std::sync::Arc<std::sync::Mutex<Vec<Received>>>;

async fn start_receiver(store: Store, public_key: &str) -> CliResult<(String, Printed)> {
    let printed: Printed = Default::default();
    let log = printed.clone();
    let receiver = Receiver::new(store, public_key)?.on_event(move |r| {
        if let Ok(mut log) = log.lock() {
            log.push(r.clone());
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    // Stops with the demo's runtime.
    tokio::spawn(receiver.serve(listener, std::future::pending()));
    Ok((url, printed))
}

/// The key the emulator signs its webhooks with, as it serves it.
async fn served_public_key(admin: &str) -> CliResult<String> {
    let served: serde_json::Value = admin_get(admin, None, "webhooks/public_key").await?;
    served["public_key"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CliError::other(format!("the emulator served no public key: {served}")))
}

/// What the receiver did with the emulator's `number.flagged` delivery for `number`,
/// waiting at most 15 s for it (the emulator delivers asynchronously).
async fn wait_for_flag(printed: &Printed, number: &str) -> CliResult<Received> {
    for _ in 0..150 {
        let found = printed.lock().ok().and_then(|p| {
            p.iter()
                .find(|r| {
                    r.event.event_type == "number_reputation.number.flagged"
                        && r.event.phone_number.as_deref() == Some(number)
                })
                .cloned()
        });
        if let Some(received) = found {
            return Ok(received);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(CliError::other(
        "the emulator's ownership webhook did not reach the receiver within 15 s",
    ))
}

/// The status the receiver answered to the emulator's delivery of `event_id`, from the
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
