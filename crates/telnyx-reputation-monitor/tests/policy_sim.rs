//! The cost/latency simulation of `cargo xtask bench --only policy`, run small: its
//! dollars come from the emulator's ledger and its detections from the ground truth.

#[path = "../examples/policy_sim/sim.rs"]
mod sim;

use chrono::{Datelike, TimeZone, Utc, Weekday};

#[test]
fn one_business_day_skips_the_weekend() {
    let friday = Utc.with_ymd_and_hms(2026, 12, 4, 18, 0, 0).unwrap();
    assert_eq!(friday.weekday(), Weekday::Fri);
    assert_eq!(
        sim::business_deadline(friday),
        Utc.with_ymd_and_hms(2026, 12, 7, 18, 0, 0).unwrap()
    );
    let monday = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    assert_eq!(
        sim::business_deadline(monday),
        Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulation_bills_what_the_ledger_says_and_finds_the_ground_truths_transitions() {
    let world = sim::World {
        numbers: 30,
        days: 7,
        sync_hours: 6,
        seed: 26,
        min_span_hours: 24,
        max_span_hours: 72,
        score_lead_hours: 12,
    };
    let dir = tempfile::tempdir().unwrap();
    let daily = sim::run(
        &world,
        &sim::Config {
            name: "daily".into(),
            frequency: "daily".into(),
            policy: None,
        },
        dir.path(),
    )
    .await
    .unwrap();
    // One scheduled check a number a day, at $0.10 each.
    assert_eq!(daily.checks, 30 * 7, "{daily:?}");
    assert_eq!(daily.usd, "21.00");
    assert!(daily.transitions > 0, "{daily:?}");
    // Every high spell lasts a day or more and every number is checked daily.
    assert_eq!(daily.detected, daily.transitions, "{daily:?}");
    let budgeted = sim::run(
        &world,
        &sim::Config {
            name: "budgeted".into(),
            frequency: "never".into(),
            policy: Some("[policy]\nmonthly_budget_usd = \"9.30\"\nstale_days = 2\n".into()),
        },
        dir.path(),
    )
    .await
    .unwrap();
    // At most 3 checks on each of the 8 UTC dates the week touches.
    assert!(budgeted.checks > 0 && budgeted.checks <= 24, "{budgeted:?}");
    assert_eq!(
        budgeted.transitions, daily.transitions,
        "same seed, same truth"
    );
    assert!(budgeted.detected <= budgeted.transitions);
    let svg = sim::plot(&[daily, budgeted]).unwrap();
    assert!(svg.contains("<svg") && svg.contains("budgeted"), "{svg}");
}
