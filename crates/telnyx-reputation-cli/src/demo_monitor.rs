//! The demo's monitoring act, after the journey: a baseline `monitor sync` into a SQLite
//! store beside the LOA, the emulator's clock moved a day and one number turned high (its
//! admin API plays the analytics networks), a second sync that detects it, a signed
//! ownership webhook POSTed to a live receiver, rules that remediate the new high number,
//! and the HTML report. Everything goes through `telnyx-reputation-monitor`.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use telnyx_reputation::{Client, webhooks};
use telnyx_reputation_monitor::rules::Outcome;
use telnyx_reputation_monitor::{Monitor, Receiver, Report, Rules, Store, SyncOptions};

use crate::exit::{CliError, CliResult};

/// A fixed signing key: the demo plays Telnyx's side of the webhook too.
const DEMO_SIGNING_KEY: &str = "ZGVtby1zaWduaW5nLWtleS1vZi10aGUtZW11bGF0b3I=";

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
    let (url, printed) = start_receiver(store.clone()).await?;
    let status = deliver_flag(&url, enterprise, flagged, confirm_by).await?;
    say(&format!(
        "receiver at {url} got a signed ownership webhook for {flagged} (confirm by {}): {status}, {}",
        confirm_by.format("%Y-%m-%d"),
        printed.lock().map(|p| p.join(", ")).unwrap_or_default()
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
    store.close().await;
    Ok(())
}

type Printed = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

async fn start_receiver(store: Store) -> CliResult<(String, Printed)> {
    let printed: Printed = Default::default();
    let log = printed.clone();
    let public_key = webhooks::public_key(DEMO_SIGNING_KEY)?;
    let receiver = Receiver::new(store, public_key)?.on_event(move |r| {
        if let Ok(mut log) = log.lock() {
            log.push(format!(
                "{} {}",
                if r.new { "recorded" } else { "duplicate" },
                r.event.event_type
            ));
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    // Stops with the demo's runtime.
    tokio::spawn(receiver.serve(listener, std::future::pending()));
    Ok((url, printed))
}

/// POST a `number_reputation.number.flagged` delivery signed as Telnyx signs it.
async fn deliver_flag(
    url: &str,
    enterprise: &str,
    number: &str,
    confirm_by: DateTime<Utc>,
) -> CliResult<String> {
    let body = serde_json::json!({
        "data": {
            "id": format!("demo-flag-{number}"),
            "event_type": "number_reputation.number.flagged",
            "occurred_at": Utc::now().to_rfc3339(),
            "record_type": "event",
            "payload": {
                "confirm_by": confirm_by.to_rfc3339(),
                "enterprise_id": enterprise,
                "flag_reason": "carrier_changed",
                "ownership_status": "pending_confirmation",
                "phone_number": number,
                "record_type": "reputation_phone_number",
                "source": "telnyx"
            }
        },
        "meta": { "attempt": 1, "delivered_to": url }
    })
    .to_string();
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .timeout(Duration::from_secs(10))
        .body(body.clone());
    for (name, value) in webhooks::sign(body.as_bytes(), Utc::now().timestamp(), DEMO_SIGNING_KEY)?
    {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|e| CliError::other(format!("deliver the webhook: {e}")))?;
    Ok(response.status().to_string())
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
