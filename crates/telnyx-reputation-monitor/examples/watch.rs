//! Watch a small fleet against an in-process emulator: a first sync, a number turning high,
//! a second sync that reports it, a rule that would remediate it (dry run), and the report.
//!
//! `cargo run -p telnyx-reputation-monitor --example watch`

use std::time::Duration;

use telnyx_reputation::{CheckFrequency, Client, LoaRenderOptions, NewEnterprise, WaitOptions};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator};
use telnyx_reputation_monitor::{Monitor, Report, Rules, Store, SyncOptions};

const RULES: &str = r#"
[[rule]]
name = "turned high"
when = { became_high = true }
actions = [{ type = "print" }, { type = "remediate", call_purpose = "Appointment reminders" }]
"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .port(0)
        .approval_delay(ApprovalDelay::After(Duration::ZERO))
        .start()
        .await?;
    let client = Client::builder()
        .api_key("watch-example")
        .base_url(emulator.base_url())
        .build()?;
    client.terms_of_service().agree_number_reputation().await?;
    let new: NewEnterprise = telnyx_reputation::examples::acme();
    let enterprise = client.enterprises().create(new).await?;
    let rep = client.reputation(&enterprise.id);
    let pdf = rep.loa().render(LoaRenderOptions::default()).await?;
    let loa = client.documents().upload("loa.pdf", pdf).await?;
    rep.enable(&loa.id, CheckFrequency::BusinessDaily).await?;
    rep.wait_until_approved(WaitOptions::default()).await?;
    let numbers: Vec<String> = (0..20)
        .map(|i| format!("+1312555{:04}", 3000 + i))
        .collect();
    rep.numbers().add(&numbers).await?;

    let dir = std::env::temp_dir().join(format!("telnyx-reputation-watch-{}", std::process::id()));
    let store = Store::open(&format!("sqlite://{}/monitor.sqlite", dir.display())).await?;
    let monitor = Monitor::new(client.clone(), store.clone());
    let first = monitor
        .sync(&enterprise.id, &SyncOptions::default(), |_| {})
        .await?;
    println!(
        "first sync: {} numbers, {} readings written",
        first.numbers, first.readings_written
    );

    // The networks start flagging one number (the emulator's admin API plays them).
    let target = &numbers[0];
    reqwest::Client::new()
        .post(format!("{}/numbers/reputation", emulator.admin_url()))
        .bearer_auth("watch-example")
        .json(&serde_json::json!({"phone_number": target, "reputation_data": {"spam_risk": "high", "spam_category": "robocall"}}))
        .send()
        .await?
        .error_for_status()?;

    let second = monitor
        .sync(&enterprise.id, &SyncOptions::default(), |_| {})
        .await?;
    println!("second sync: {} readings written", second.readings_written);
    for c in &second.changes {
        println!(
            "  {} {} {:?} -> {:?}",
            c.phone_number, c.kind, c.old_value, c.new_value
        );
    }
    let rules = Rules::parse(RULES, "inline")?;
    let matches = rules.evaluate(
        &second,
        &store.events(Some(&enterprise.id)).await?,
        chrono::Utc::now(),
    );
    for outcome in rules.run(&matches, &client, false).await {
        println!("  rule: {}", serde_json::to_string(&outcome)?);
    }
    let until = chrono::Utc::now();
    let report = Report::build(
        &store,
        Some(&enterprise.id),
        until - chrono::Duration::days(7),
        until,
    )
    .await?;
    let path = dir.join("report.html");
    std::fs::write(&path, report.html())?;
    println!("report: {}", path.display());
    emulator.shutdown().await;
    Ok(())
}
