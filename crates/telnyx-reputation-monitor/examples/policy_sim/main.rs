//! `cargo xtask bench --only policy` runs this (release): the cost/latency simulation of the
//! re-check frequencies and budgeted policies, printed as JSON (with the plot's SVG).
//! Arguments: NUMBERS DAYS SYNC_HOURS.

mod sim;

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let world = sim::World {
        numbers: args.first().copied().unwrap_or(1000) as usize,
        days: args.get(1).copied().unwrap_or(90) as i64,
        sync_hours: args.get(2).copied().unwrap_or(6) as i64,
        seed: 26,
        min_span_hours: 72,
        max_span_hours: 240,
        score_lead_hours: 24,
    };
    // business_daily bills about numbers × 0.10 × 21.7 a month; the budgets are shares of it.
    let business_daily_month = world.numbers as f64 * 0.10 * 21.7;
    let budget = |share: f64| format!("{:.2}", business_daily_month * share);
    let mut configs: Vec<sim::Config> = ["business_daily", "daily", "weekly", "monthly"]
        .into_iter()
        .map(|f| sim::Config {
            name: f.to_owned(),
            frequency: f.to_owned(),
            policy: None,
        })
        .collect();
    for (share, stale) in [(0.2, 7), (0.4, 4)] {
        configs.push(sim::Config {
            name: format!("policy {:.0}%", share * 100.0),
            frequency: "never".into(),
            policy: Some(format!(
                "[policy]\nmonthly_budget_usd = \"{}\"\nstale_days = {stale}\nrecent_days = 3\nscore_drop = 5\n",
                budget(share)
            )),
        });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let mut outcomes = Vec::new();
    for config in &configs {
        eprintln!(
            "policy sim: {} ({} numbers, {} days)",
            config.name, world.numbers, world.days
        );
        let started = std::time::Instant::now();
        let outcome = runtime.block_on(sim::run(&world, config, dir.path()))?;
        eprintln!(
            "policy sim: {} done in {:.1} s: {outcome:?}",
            config.name,
            started.elapsed().as_secs_f64()
        );
        outcomes.push(outcome);
    }
    let svg = sim::plot(&outcomes)?;
    println!(
        "{}",
        serde_json::json!({ "world": world, "configs": configs, "outcomes": outcomes, "svg": svg })
    );
    Ok(())
}
