//! The monitor's two benchmark workloads, in one release process (numbers in
//! docs/monitor-benchmarks.md):
//!
//! 1. sync: `N` numbers (default 100,000) on an in-process emulator, each with reputation
//!    data; a bare facade sweep (list every page, nothing stored) against a first sync
//!    (every reading written) and a second sync with no change (no reading written).
//! 2. report: a store holding `N` numbers × 90 daily sweeps in which `CHANGE_PCT` % of the
//!    numbers (default 10) change each day, then `Report::build` + `html()`; and the SQLite
//!    file's bytes per number-year; then `Store::prune` of all but the last 30 days (rows
//!    deleted, seconds, bytes before and after).
//!
//! `cargo run --release -p telnyx-reputation-monitor --example bench [-- N [CHANGE_PCT [RUNS [store]]]]`
//! (`store`: only the second workload, without the emulator)
//! prints progress on stderr and one JSON object of figures on stdout; `cargo xtask bench
//! --only monitor` runs it and writes docs/monitor-benchmarks.md from that object.

mod bench_store;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use telnyx_reputation::{CheckFrequency, Client, LoaRenderOptions, NewEnterprise, WaitOptions};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator};
use telnyx_reputation_monitor::{Monitor, Report, Store, SyncOptions};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().map_or(Ok(100_000), |a| a.parse())?;
    let change_pct: usize = args.get(1).map_or(Ok(10), |a| a.parse())?;
    let runs: usize = args.get(2).map_or(Ok(3), |a| a.parse())?;
    // `store`: only the stored-history workloads (report, prune), without the emulator.
    let store_only = args.get(3).is_some_and(|a| a == "store");
    let dir = std::env::temp_dir().join(format!(
        "telnyx-reputation-monitor-bench-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let sync = if store_only {
        serde_json::Value::Null
    } else {
        sync_workload(count, runs, &dir).await?
    };
    let report = report_workload(count, change_pct, runs, &dir).await?;
    std::fs::remove_dir_all(&dir)?;
    let figures = serde_json::json!({
        "numbers": count,
        "runs": runs,
        "change_pct": change_pct,
        "sync": sync,
        "report": report,
    });
    println!("{figures}");
    Ok(())
}

fn seconds(samples: &[Duration]) -> Vec<f64> {
    samples.iter().map(Duration::as_secs_f64).collect()
}

async fn sync_workload(
    count: usize,
    runs: usize,
    dir: &std::path::Path,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .port(0)
        .approval_delay(ApprovalDelay::After(Duration::ZERO))
        // Seeding refreshes 1,000 batches of 100 at once: no per-enterprise rate limit.
        .refresh_limit(None)
        .start()
        .await?;
    let client = Client::builder()
        .api_key("bench")
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
    let all = bench_store::numbers(count);
    for batch in all.chunks(100) {
        rep.numbers().add(batch).await?;
        rep.numbers().refresh(batch).await?;
    }
    let mut bare = Vec::new();
    let mut first = Vec::new();
    let mut second = Vec::new();
    let mut second_rows = Vec::new();
    for run in 0..runs {
        eprintln!("bench: sync run {}/{runs}", run + 1);
        let t = Instant::now();
        let listed: Vec<_> = rep
            .numbers()
            .list()
            .page_size(250)
            .stream()
            .try_collect()
            .await?;
        assert_eq!(listed.len(), count);
        bare.push(t.elapsed());
        let store = Store::open(&format!("sqlite://{}/sync-{run}.sqlite", dir.display())).await?;
        let monitor = Monitor::new(client.clone(), store.clone());
        let t = Instant::now();
        let report = monitor
            .sync(&enterprise.id, &SyncOptions::default(), |_| {})
            .await?;
        first.push(t.elapsed());
        assert_eq!(report.readings_written as usize, count);
        let before = store.counts().await?.readings;
        // A new process, as each `monitor sync` from cron is (no state kept in memory).
        let monitor = Monitor::new(client.clone(), store.clone());
        let t = Instant::now();
        let report = monitor
            .sync(&enterprise.id, &SyncOptions::default(), |_| {})
            .await?;
        second.push(t.elapsed());
        // Counted in the store, not taken from the sync's own report.
        let written = store.counts().await?.readings - before;
        assert_eq!(written, 0, "a sync with no change writes no reading");
        assert_eq!(report.readings_written, 0);
        second_rows.push(written);
        store.close().await?;
    }
    emulator.shutdown().await;
    Ok(serde_json::json!({
        "bare_sweep_s": seconds(&bare),
        "first_sync_s": seconds(&first),
        "second_sync_s": seconds(&second),
        "bare_sweep_median_s": median(bare).as_secs_f64(),
        "first_sync_median_s": median(first).as_secs_f64(),
        "second_sync_median_s": median(second).as_secs_f64(),
        "second_sync_reading_rows": second_rows,
    }))
}

async fn report_workload(
    count: usize,
    change_pct: usize,
    runs: usize,
    dir: &std::path::Path,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let path = dir.join("report.sqlite");
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    let enterprise = "bench-enterprise";
    let all = bench_store::numbers(count);
    let start = DateTime::from_timestamp(Utc::now().timestamp() - 90 * 86_400, 0).unwrap();
    let t = Instant::now();
    eprintln!("bench: filling the report store (90 sweeps of {count} numbers)");
    bench_store::fill(&store, enterprise, &all, change_pct, start, |_, _| {
        Default::default()
    })
    .await?;
    let filled = t.elapsed();
    let counts = store.counts().await?;
    let mut samples = Vec::new();
    let mut size = 0;
    for run in 0..runs {
        eprintln!("bench: report run {}/{runs}", run + 1);
        let t = Instant::now();
        let report = Report::build(
            &store,
            Some(enterprise),
            start,
            start + chrono::Duration::days(90),
        )
        .await?;
        size = report.html().len();
        samples.push(t.elapsed());
        assert_eq!(report.days.len(), 90);
        assert_eq!(report.days[89].1.total(), count as u64);
    }
    store.checkpoint().await?;
    let bytes = std::fs::metadata(&path)?.len();
    let per_number_90 = bytes as f64 / count as f64;
    // Retention of 30 days over the 90: what `monitor prune --older-than 30d` does.
    eprintln!("bench: pruning all but the last 30 days");
    let t = Instant::now();
    let pruned = store
        .prune(
            start + chrono::Duration::days(60),
            telnyx_reputation_monitor::retention::DEFAULT_PRUNE_BATCH,
        )
        .await?;
    let prune_s = t.elapsed().as_secs_f64();
    let kept = store.counts().await?;
    store.close().await?;
    Ok(serde_json::json!({
        "readings": counts.readings,
        "changes": counts.changes,
        "report_s": seconds(&samples),
        "report_median_s": median(samples).as_secs_f64(),
        "html_bytes": size,
        "store_bytes": bytes,
        "bytes_per_number_90_days": per_number_90,
        "bytes_per_number_year": per_number_90 * 365.0 / 90.0,
        "bytes_per_reading_row": bytes as f64 / counts.readings.max(1) as f64,
        "fill_s": filled.as_secs_f64(),
        "prune": {
            "kept_days": 30,
            "seconds": prune_s,
            "rows": pruned.rows(),
            "tables": pruned.tables,
            "bytes_before": pruned.bytes_before,
            "bytes_after": pruned.bytes_after,
            "readings_kept": kept.readings,
            "changes_kept": kept.changes,
        },
    }))
}
