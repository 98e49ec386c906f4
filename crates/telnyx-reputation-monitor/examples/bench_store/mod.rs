//! The report workload's store, shared by `examples/bench.rs` (the report and its size)
//! and `examples/dashboard_bench.rs` (the dashboard's pages over the same store): `N`
//! numbers × 90 daily sweeps in which `CHANGE_PCT` % of the numbers change each day,
//! written through the public `Store::record_sweep`. Not an example of its own (a module
//! in a directory): each benchmark includes it with `mod bench_store;`.

use chrono::{DateTime, Utc};
use telnyx_reputation_monitor::alerts::AlertPlan;
use telnyx_reputation_monitor::{Change, ChangeKind, Reading, Store, SweepWrite};

/// Days of history the store holds.
pub const DAYS: usize = 90;

/// `count` valid US E.164 numbers (NXX 200.. and 10,000 lines each: up to 8 million).
pub fn numbers(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("+1312{:03}{:04}", 200 + i / 10_000, i % 10_000))
        .collect()
}

/// The reading of a number on a day: the same every day unless `changed`.
pub fn reading(number: &str, at: DateTime<Utc>, day: usize, changed: bool) -> Reading {
    let shift = if changed { (day % 7) as i64 * 9 } else { 0 };
    Reading {
        phone_number: number.to_owned(),
        observed_at: at,
        spam_risk: Some(
            if changed && day.is_multiple_of(3) {
                "high"
            } else {
                "low"
            }
            .into(),
        ),
        spam_category: (changed && day.is_multiple_of(3)).then(|| "robocall".into()),
        maturity_score: Some(80 - shift),
        connection_score: Some(70),
        engagement_score: Some(60 - shift / 2),
        sentiment_score: Some(75),
        ownership_status: Some("verified".into()),
        confirm_by: None,
        refreshed_at: Some(at),
    }
}

/// Write the 90 sweeps of `all` into `store` for `enterprise`, the first at `start`, one a
/// day; `alerts(day, at)` gives the alert transitions each sweep writes too. Returns the
/// last sweep's time.
pub async fn fill(
    store: &Store,
    enterprise: &str,
    all: &[String],
    change_pct: usize,
    start: DateTime<Utc>,
    mut alerts: impl FnMut(usize, DateTime<Utc>) -> AlertPlan,
) -> Result<DateTime<Utc>, Box<dyn std::error::Error>> {
    let count = all.len();
    let mut last = start;
    for day in 0..DAYS {
        let at = start + chrono::Duration::days(day as i64);
        last = at;
        let changing = count * change_pct / 100;
        let offset = (day * changing) % count.max(1);
        let chosen: Vec<&String> = if day == 0 {
            all.iter().collect()
        } else {
            all.iter().cycle().skip(offset).take(changing).collect()
        };
        let readings: Vec<Reading> = chosen
            .iter()
            .map(|n| reading(n, at, day, day > 0))
            .collect();
        let changes: Vec<Change> = readings
            .iter()
            .filter(|_| day > 0)
            .map(|r| Change {
                enterprise_id: enterprise.into(),
                phone_number: r.phone_number.clone(),
                at,
                kind: ChangeKind::ScoreDrop,
                field: "maturity_score".into(),
                old_value: Some("80".into()),
                new_value: r.maturity_score.map(|s| s.to_string()),
            })
            .collect();
        let write = SweepWrite {
            readings: readings.iter().collect(),
            added: if day == 0 {
                all.iter().map(String::as_str).collect()
            } else {
                Vec::new()
            },
            removed: Vec::new(),
            changes: &changes,
            numbers: count as u64,
            fresh_reads: 0,
            alerts: alerts(day, at),
            ..Default::default()
        };
        store.record_sweep(enterprise, at, &write).await?;
    }
    Ok(last)
}
