//! The dashboard's page benchmark (numbers in docs/monitor-benchmarks.md, "Dashboard"):
//! the report benchmark's store — `N` numbers (default 100,000) × 90 daily sweeps in which
//! `CHANGE_PCT` % of the numbers (default 10) change each day, written through the public
//! `Store::record_sweep` exactly as `examples/bench.rs` writes it — plus 1,000 open alerts
//! and 100 followed remediation requests of 10 numbers each; then the dashboard served on
//! 127.0.0.1 and each page fetched over HTTP `RUNS` times (default 20) after one discarded
//! warm-up: the fleet page, a filtered and sorted numbers page, one number's page, /metrics.
//!
//! `cargo run --release -p telnyx-reputation-monitor --example dashboard_bench [-- N [CHANGE_PCT [RUNS]]]`
//! prints progress on stderr and one JSON object of figures on stdout; `cargo xtask bench
//! --only dashboard` runs it and writes the section from that object.

mod bench_store;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use telnyx_reputation_monitor::Store;
use telnyx_reputation_monitor::alerts::{Alert, AlertPlan, AlertState};
use telnyx_reputation_monitor::dashboard::Dashboard;
use telnyx_reputation_monitor::remediations::NewRemediation;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(samples: &[Duration]) -> Vec<f64> {
    samples.iter().map(|d| d.as_secs_f64() * 1e3).collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().map_or(Ok(100_000), |a| a.parse())?;
    let change_pct: usize = args.get(1).map_or(Ok(10), |a| a.parse())?;
    let runs: usize = args.get(2).map_or(Ok(20), |a| a.parse())?;
    let dir = std::env::temp_dir().join(format!(
        "telnyx-reputation-dashboard-bench-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let store = Store::open(&format!("sqlite://{}/dashboard.sqlite", dir.display())).await?;
    let enterprise = "bench-enterprise";
    let all = bench_store::numbers(count);
    let now = Utc::now();
    let start = DateTime::from_timestamp(now.timestamp() - 90 * 86_400, 0).unwrap();
    let t = Instant::now();
    eprintln!("dashboard bench: filling the store (90 sweeps of {count} numbers)");
    let last = bench_store::fill(&store, enterprise, &all, change_pct, start, |day, at| {
        // The last day opens an alert for 1,000 of the numbers.
        if day == bench_store::DAYS - 1 {
            AlertPlan {
                alerts: all
                    .iter()
                    .take(1000)
                    .map(|n| Alert {
                        id: format!("alert-{n}"),
                        rule: "is high".into(),
                        enterprise_id: enterprise.into(),
                        subject: n.clone(),
                        state: AlertState::Open,
                        consecutive: 1,
                        first_seen_at: at,
                        opened_at: Some(at),
                        last_notified_at: Some(at),
                        reminders_sent: 0,
                        resolved_at: None,
                        detail: Some("spam_risk is high".into()),
                        acknowledged_at: None,
                        snoozed_until: None,
                    })
                    .collect(),
                ..AlertPlan::default()
            }
        } else {
            AlertPlan::default()
        }
    })
    .await?;
    for i in 0..100usize {
        store
            .record_remediation(&NewRemediation {
                id: format!("remediation-{i:03}"),
                enterprise_id: enterprise.into(),
                numbers: all.iter().skip(i * 10).take(10).cloned().collect(),
                submitted_at: last - chrono::Duration::hours(i as i64),
                source: "rule".into(),
                rule: Some("turned high".into()),
            })
            .await?;
    }
    let fill = t.elapsed();
    let counts = store.counts().await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(Dashboard::new(store.clone()).serve(listener, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    // The number of the page: one that changed on many days (the most readings).
    let number = &all[0];
    let pages = [
        ("fleet", "/".to_owned()),
        (
            "numbers_filtered_sorted",
            "/numbers?risk=high&sort=maturity&dir=desc".to_owned(),
        ),
        ("number", format!("/numbers/{number}")),
        ("metrics", "/metrics".to_owned()),
    ];
    let mut figures = serde_json::Map::new();
    for (name, path) in &pages {
        let url = format!("{base}{path}");
        let mut samples = Vec::with_capacity(runs);
        let mut bytes = 0;
        for run in 0..=runs {
            let t = Instant::now();
            let response = client.get(&url).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            let took = t.elapsed();
            assert!(status.is_success(), "{url}: {status}");
            bytes = body.len();
            if run > 0 {
                samples.push(took);
            }
        }
        eprintln!(
            "dashboard bench: {name}: median {:.1} ms, {bytes} bytes",
            median(samples.clone()).as_secs_f64() * 1e3
        );
        figures.insert(
            (*name).into(),
            serde_json::json!({
                "path": path,
                "median_ms": median(samples.clone()).as_secs_f64() * 1e3,
                "ms": ms(&samples),
                "bytes": bytes,
            }),
        );
    }
    let css_bytes = client
        .get(format!("{base}/dashboard.css"))
        .send()
        .await?
        .bytes()
        .await?
        .len();
    let readings_of_number = store.history(Some(enterprise), number).await?.len();
    let _ = stop.send(());
    served.await??;
    store.close().await?;
    std::fs::remove_dir_all(&dir)?;
    println!(
        "{}",
        serde_json::json!({
            "numbers": count,
            "change_pct": change_pct,
            "runs": runs,
            "readings": counts.readings,
            "changes": counts.changes,
            "number_readings": readings_of_number,
            "css_bytes": css_bytes,
            "fill_s": fill.as_secs_f64(),
            "pages": figures,
        })
    );
    Ok(())
}
