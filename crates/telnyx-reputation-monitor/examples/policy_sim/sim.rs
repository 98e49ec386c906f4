//! The cost/latency simulation of `cargo xtask bench --only policy`: one fleet per
//! configuration on an in-process emulator with timed drift, synced on the emulator's
//! virtual clock; dollars from the emulator's ledger × the price table, detection latency
//! from the emulator's ground truth (`GET /_emulator/reputation/transitions`) against the
//! changes the monitor recorded.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Datelike, Utc, Weekday};
use serde::Serialize;
use telnyx_reputation::{
    CheckFrequency, Client, LoaRenderOptions, NewEnterprise, PriceItem, PriceTable, Usd,
    WaitOptions,
};
use telnyx_reputation_emulator::{ApprovalDelay, Drift, Emulator, TimedDrift};
use telnyx_reputation_monitor::{ChangeKind, Monitor, Policy, Store, SyncOptions};

/// The simulated world.
#[derive(Debug, Clone, Serialize)]
pub struct World {
    pub numbers: usize,
    pub days: i64,
    /// Hours between syncs.
    pub sync_hours: i64,
    pub seed: u64,
    pub min_span_hours: u64,
    pub max_span_hours: u64,
    pub score_lead_hours: u64,
}

/// One configuration: a schedule, with or without a policy.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub name: String,
    pub frequency: String,
    /// `[policy]` TOML, when budgeted.
    pub policy: Option<String>,
}

/// What one configuration cost and how fast it saw numbers turn high.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub name: String,
    /// Checks billed (scheduled re-checks, live lookups, refreshes) after setup.
    pub checks: u64,
    /// Their price, without the monitoring fee.
    pub usd: String,
    pub usd_f64: f64,
    /// Transitions to high in the window (ground truth).
    pub transitions: usize,
    /// Detected while the number was still high.
    pub detected: usize,
    /// Detected within one business day.
    pub within_business_day: usize,
    pub within_business_day_pct: f64,
    pub median_hours: Option<f64>,
    pub p95_hours: Option<f64>,
}

fn frequency(name: &str) -> CheckFrequency {
    match name {
        "business_daily" => CheckFrequency::BusinessDaily,
        "daily" => CheckFrequency::Daily,
        "weekly" => CheckFrequency::Weekly,
        "monthly" => CheckFrequency::Monthly,
        _ => CheckFrequency::Never,
    }
}

/// One business day after `t`: the same time next day, moved to Monday from a weekend.
pub fn business_deadline(t: DateTime<Utc>) -> DateTime<Utc> {
    let mut d = t + chrono::Duration::days(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += chrono::Duration::days(1);
    }
    d
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A change of a number's label: when, and to what.
type LabelChange = (DateTime<Utc>, Option<String>);

/// Run one configuration.
pub async fn run(
    world: &World,
    config: &Config,
    dir: &std::path::Path,
) -> Result<Outcome, BoxError> {
    let origin = Utc::now();
    let emulator = Emulator::builder()
        .port(0)
        .approval_delay(ApprovalDelay::After(Duration::ZERO))
        .refresh_limit(None)
        .seed(world.seed)
        .drift(Drift::Timed(TimedDrift::new(
            origin,
            world.min_span_hours,
            world.max_span_hours,
            world.score_lead_hours,
        )))
        .start()
        .await?;
    let key = "policy-sim";
    let client = Client::builder()
        .api_key(key)
        .base_url(emulator.base_url())
        .build()?;
    client.terms_of_service().agree_number_reputation().await?;
    let new: NewEnterprise = telnyx_reputation::examples::acme();
    let enterprise = client.enterprises().create(new).await?;
    let rep = client.reputation(&enterprise.id);
    let pdf = rep.loa().render(LoaRenderOptions::default()).await?;
    let loa = client.documents().upload("loa.pdf", pdf).await?;
    rep.enable(&loa.id, frequency(&config.frequency)).await?;
    rep.wait_until_approved(WaitOptions {
        interval: Duration::from_millis(10),
        timeout: Duration::from_secs(30),
    })
    .await?;
    let all: Vec<String> = (0..world.numbers)
        .map(|i| format!("+1312555{:04}", i))
        .collect();
    for batch in all.chunks(100) {
        rep.numbers().add(batch).await?;
        rep.numbers().refresh(batch).await?;
    }
    let store = Store::open(&format!(
        "sqlite://{}/{}.sqlite",
        dir.display(),
        config.name
    ))
    .await?;
    let monitor = Monitor::new(client.clone(), store.clone());
    let policy = config
        .policy
        .as_deref()
        .map(|text| Policy::parse(text, &config.name))
        .transpose()?;
    let admin = reqwest::Client::new();
    let ledger = || async {
        let body: serde_json::Value = admin
            .get(format!("{}/ledger?api_key={key}", emulator.admin_url()))
            .send()
            .await?
            .json()
            .await?;
        let n = |k: &str| body["data"][k].as_u64().unwrap_or(0);
        Ok::<_, BoxError>(n("scheduled_refresh") + n("live_lookups") + n("refreshes"))
    };
    let now = || emulator.state().now();
    let sync = |at| {
        let options = SyncOptions {
            at: Some(at),
            policy: policy.clone(),
            ..SyncOptions::default()
        };
        let monitor = &monitor;
        let id = enterprise.id.clone();
        async move { monitor.sync(&id, &options, |_| {}).await }
    };
    sync(now()).await?;
    let start = now();
    let checks_before = ledger().await?;
    // Ground truth, asked for the whole window at the start: the model is a function of
    // time, and every number is still registered (later, ownership deadlines remove some).
    let horizon = start + chrono::Duration::days(world.days);
    let truth: serde_json::Value = admin
        .get(format!(
            "{}/reputation/transitions?api_key={key}&since={}&until={}",
            emulator.admin_url(),
            start.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            horizon.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        ))
        .send()
        .await?
        .json()
        .await?;
    let steps = world.days * 24 / world.sync_hours;
    for _ in 0..steps {
        emulator
            .state()
            .advance_clock(Duration::from_secs(world.sync_hours as u64 * 3600))
            .map_err(|_| "the emulator's clock cannot advance further")?;
        emulator.state().settle_all();
        sync(now()).await?;
    }
    let end = now();
    let checks = ledger().await? - checks_before;
    let usd = PriceTable::default()
        .usd(PriceItem::LiveLookups)
        .unwrap_or(Usd::ZERO)
        .checked_mul(checks)
        .unwrap_or(Usd::ZERO);
    let mut by_number: HashMap<String, Vec<LabelChange>> = HashMap::new();
    for t in truth["data"].as_array().ok_or("no transitions")? {
        let at =
            DateTime::parse_from_rfc3339(t["at"].as_str().unwrap_or_default())?.with_timezone(&Utc);
        by_number
            .entry(t["phone_number"].as_str().unwrap_or_default().to_owned())
            .or_default()
            .push((at, t["to"].as_str().map(str::to_owned)));
    }
    let mut detections: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
    // A number the emulator removed (an ownership deadline missed) cannot be seen turning
    // high after its removal: those transitions are not counted.
    let mut removed: HashMap<String, DateTime<Utc>> = HashMap::new();
    for c in store.changes_since(Some(&enterprise.id), start).await? {
        if c.kind == ChangeKind::RiskUp && c.new_value.as_deref() == Some("high") {
            detections.entry(c.phone_number).or_default().push(c.at);
        } else if c.kind == ChangeKind::Removed {
            removed.entry(c.phone_number).or_insert(c.at);
        }
    }
    let (mut transitions, mut detected, mut within) = (0, 0, 0);
    let mut latencies = Vec::new();
    for (number, changes) in &by_number {
        for (i, (at, to)) in changes.iter().enumerate() {
            let gone = removed.get(number).is_some_and(|r| *r <= *at);
            if to.as_deref() != Some("high") || *at > end || gone {
                continue;
            }
            transitions += 1;
            let until = changes.get(i + 1).map_or(end, |(next, _)| *next);
            let seen = detections
                .get(number)
                .and_then(|d| d.iter().find(|d| **d >= *at && **d <= until));
            if let Some(seen) = seen {
                detected += 1;
                latencies.push((*seen - *at).num_seconds() as f64 / 3600.0);
                if *seen <= business_deadline(*at) {
                    within += 1;
                }
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        (!latencies.is_empty())
            .then(|| latencies[((latencies.len() - 1) as f64 * q).round() as usize])
    };
    store.close().await?;
    emulator.shutdown().await;
    Ok(Outcome {
        name: config.name.clone(),
        checks,
        usd: usd.to_decimal(),
        usd_f64: usd.micros() as f64 / 1e6,
        transitions,
        detected,
        within_business_day: within,
        within_business_day_pct: if transitions == 0 {
            0.0
        } else {
            100.0 * within as f64 / transitions as f64
        },
        median_hours: pick(0.5),
        p95_hours: pick(0.95),
    })
}

/// The cost/latency plot as SVG: dollars against the share detected within a business day.
/// Register DejaVu Sans (fonts-dejavu-core, on Debian's base image; or `POLICY_PLOT_FONT`)
/// as the plot's `sans-serif`: plotters measures text through `ab_glyph`, which reads a
/// TrueType file rather than a font library.
fn load_font() -> Result<(), BoxError> {
    static LOADED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    LOADED
        .get_or_init(|| {
            let candidates = std::env::var("POLICY_PLOT_FONT").into_iter().chain(
                [
                    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/TTF/DejaVuSans.ttf",
                ]
                .map(str::to_owned),
            );
            for path in candidates {
                if let Ok(bytes) = std::fs::read(&path) {
                    // plotters keeps fonts for the life of the process.
                    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                    if plotters::style::register_font(
                        "sans-serif",
                        plotters::style::FontStyle::Normal,
                        bytes,
                    )
                    .is_ok()
                    {
                        return Ok(());
                    }
                }
            }
            Err(
                "no TrueType font for the plot: install fonts-dejavu-core or set POLICY_PLOT_FONT"
                    .into(),
            )
        })
        .clone()
        .map_err(Into::into)
}

pub fn plot(outcomes: &[Outcome]) -> Result<String, BoxError> {
    use plotters::prelude::*;
    load_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 440)).into_drawing_area();
        root.fill(&WHITE)?;
        let max_usd = outcomes.iter().map(|o| o.usd_f64).fold(1.0, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Check spend vs transitions to high detected within one business day",
                ("sans-serif", 16),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..max_usd, 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc("USD spent on checks")
            .y_desc("% detected within 1 business day")
            .draw()?;
        chart.draw_series(outcomes.iter().map(|o| {
            Circle::new(
                (o.usd_f64, o.within_business_day_pct),
                5,
                RGBColor(31, 119, 180).filled(),
            )
        }))?;
        chart.draw_series(outcomes.iter().map(|o| {
            Text::new(
                o.name.clone(),
                (o.usd_f64, o.within_business_day_pct + 3.0),
                ("sans-serif", 12),
            )
        }))?;
        root.present()?;
    }
    Ok(svg)
}
