//! `bench-emulator`: timings of the emulator itself.
//!
//! - `page`: `GET .../reputation/numbers?page[size]=250` over an enterprise of 10,000
//!   numbers (every number carrying reputation data), through the whole router in process:
//!   median and p90 of 2,000 requests, body collected.
//! - `catch-up`: `POST /_emulator/clock/advance` by 30 days over 10,000 `business_daily`
//!   numbers (every due check run and billed), 3 fresh states, in process.
//! - `load`: the release emulator binary as a child process (one account, 10,000 numbers
//!   with data) and a bare axum handler answering a body of the same size in another child
//!   process, both hit by the same load generator (hyper, one keep-alive connection per
//!   client, each sending its next request when the last answer is read): cached
//!   `GET .../numbers/{n}` over 20 numbers in turn, at 32 and 256 connections, faults off
//!   and on (a rule answering every request for one of the 20 numbers with a 503: 5 %),
//!   the two targets alternating; then the emulator's RSS before and after `--requests`
//!   requests (default 1,000,000).
//! - `bare BYTES`: the bare handler (what `load` starts as its second child).
//!
//! Usage: `bench-emulator [page|catch-up|load|all] [--emulator PATH] [--requests N]
//! [--seconds S] [--json PATH]`. `all` runs the three and, with `--json`, writes every figure
//! there for `cargo xtask bench --only emulator` to report.

mod load;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use telnyx_reputation_emulator::{AppState, ApprovalDelay, Config, router};
use tower::ServiceExt;

const KEY: &str = "bench-key";
const NUMBERS: usize = 10_000;

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {KEY}"));
    let body = match body {
        Some(v) => {
            request = request.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, bytes.to_vec())
}

/// The enterprise every workload registers.
fn enterprise_body() -> Value {
    json!({
        "legal_name": "Bench LLC", "doing_business_as": "Bench",
        "organization_type": "commercial", "organization_legal_type": "llc",
        "country_code": "US", "jurisdiction_of_incorporation": "Delaware",
        "website": "https://bench.example.com", "fein": "12-3456789",
        "industry": "technology", "number_of_employees": "51-200",
        "organization_contact": { "first_name": "A", "last_name": "B",
            "email": "a@bench.example.com", "job_title": "Ops", "phone_number": "+13125550000" },
        "billing_contact": { "first_name": "A", "last_name": "B",
            "email": "a@bench.example.com", "phone_number": "+13125550001" },
        "organization_physical_address": { "country": "US", "administrative_area": "IL",
            "city": "Chicago", "postal_code": "60601", "street_address": "100 Main St" },
        "billing_address": { "country": "US", "administrative_area": "IL",
            "city": "Chicago", "postal_code": "60601", "street_address": "100 Main St" },
    })
}

/// The `n`th benchmark number (0..10,000): Washington (202) exchange 555, all US.
fn bench_number(n: usize) -> String {
    format!("+1202555{:04}", n % 10_000)
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// An approved enterprise with 10,000 numbers on `frequency`; returns the router and id.
async fn populated(frequency: &str) -> (axum::Router, String) {
    let config = Config {
        approval_delay: ApprovalDelay::After(Duration::ZERO),
        seed: 7,
        refresh_limit: None,
        ..Config::default()
    };
    let app = router(AppState::new(config));
    call(
        &app,
        "POST",
        "/v2/terms_of_service/number_reputation/agree",
        Some(json!({})),
    )
    .await;
    let (status, body) = call(&app, "POST", "/v2/enterprises", Some(enterprise_body())).await;
    assert!(status.is_success(), "{}", String::from_utf8_lossy(&body));
    let id = json_of(&body)["data"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (_, doc) = call(
        &app,
        "POST",
        "/v2/documents",
        Some(json!({ "file": "JVBERi0xLjc=", "filename": "loa.pdf" })),
    )
    .await;
    let doc = json_of(&doc)["data"]["id"]
        .as_str()
        .expect("doc")
        .to_string();
    let (status, body) = call(
        &app,
        "POST",
        &format!("/v2/enterprises/{id}/reputation"),
        Some(json!({ "loa_document_id": doc, "check_frequency": frequency })),
    )
    .await;
    assert!(status.is_success(), "{}", String::from_utf8_lossy(&body));
    call(
        &app,
        "GET",
        &format!("/v2/enterprises/{id}/reputation"),
        None,
    )
    .await;
    for batch in 0..NUMBERS / 100 {
        let numbers: Vec<String> = (0..100).map(|i| bench_number(batch * 100 + i)).collect();
        let (status, body) = call(
            &app,
            "POST",
            &format!("/v2/enterprises/{id}/reputation/numbers"),
            Some(json!({ "phone_numbers": numbers })),
        )
        .await;
        assert!(status.is_success(), "{}", String::from_utf8_lossy(&body));
    }
    (app, id)
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[samples.len() / 2], samples[samples.len() * 9 / 10])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn page() -> Value {
    let (app, id) = populated("daily").await;
    // One day of checks, so every number carries reputation data.
    call(
        &app,
        "POST",
        "/_emulator/clock/advance",
        Some(json!({ "seconds": 86_460 })),
    )
    .await;
    let mut samples = Vec::with_capacity(2000);
    let mut bytes = 0;
    for i in 0..2200 {
        let uri = format!(
            "/v2/enterprises/{id}/reputation/numbers?page[size]=250&page[number]={}",
            i % 40 + 1
        );
        let start = Instant::now();
        let (status, body) = call(&app, "GET", &uri, None).await;
        let took = start.elapsed();
        assert_eq!(status, StatusCode::OK);
        bytes = body.len();
        if i >= 200 {
            samples.push(took);
        }
    }
    let (median, p90) = stats(samples);
    println!(
        "page: 250 of {NUMBERS} numbers ({bytes} bytes): median {:.3} ms, p90 {:.3} ms",
        ms(median),
        ms(p90)
    );
    json!({ "numbers": NUMBERS, "bytes": bytes, "requests": 2000,
            "median_ms": ms(median), "p90_ms": ms(p90) })
}

async fn catch_up() -> Value {
    let mut samples = Vec::new();
    let mut billed = Value::Null;
    for _ in 0..3 {
        let (app, _) = populated("business_daily").await;
        let start = Instant::now();
        let (status, _) = call(
            &app,
            "POST",
            "/_emulator/clock/advance",
            Some(json!({ "seconds": 30 * 86_400 })),
        )
        .await;
        samples.push(start.elapsed());
        assert_eq!(status, StatusCode::OK);
        let (_, ledger) = call(
            &app,
            "GET",
            &format!("/_emulator/ledger?api_key={KEY}"),
            None,
        )
        .await;
        billed = json_of(&ledger)["data"]["scheduled_refresh"].clone();
    }
    let runs: Vec<f64> = samples.iter().copied().map(ms).collect();
    let (median, _) = stats(samples);
    println!(
        "catch-up: 30 days over {NUMBERS} business_daily numbers ({billed} checks billed): median {:.1} ms (runs: {runs:.1?})",
        ms(median),
    );
    json!({ "numbers": NUMBERS, "checks_billed": billed, "median_ms": ms(median), "runs_ms": runs })
}

/// Command-line options.
struct Options {
    workload: String,
    emulator: Option<std::path::PathBuf>,
    requests: u64,
    seconds: f64,
    json: Option<std::path::PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        workload: "all".into(),
        emulator: None,
        requests: 1_000_000,
        seconds: 3.0,
        json: None,
    };
    let mut args = std::env::args().skip(1);
    let mut workload = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--emulator" => options.emulator = Some(value()?.into()),
            "--json" => options.json = Some(value()?.into()),
            "--requests" => {
                options.requests = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or("--requests takes a positive integer")?;
            }
            "--seconds" => {
                options.seconds = value()?
                    .parse()
                    .ok()
                    .filter(|s: &f64| (0.1..=600.0).contains(s))
                    .ok_or("--seconds takes a number from 0.1 to 600")?;
            }
            other if workload.is_none() && !other.starts_with('-') => {
                workload = Some(other.to_string());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if let Some(w) = workload {
        options.workload = w;
    }
    Ok(options)
}

fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("bare") {
        // The bare handler child of `load`: `bare BYTES`.
        return load::bare_main();
    }
    let options = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench-emulator: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result: Result<Value, String> = runtime.block_on(async {
        let mut report = serde_json::Map::new();
        let workload = options.workload.as_str();
        if matches!(workload, "page" | "all") {
            report.insert("page".into(), page().await);
        }
        if matches!(workload, "catch-up" | "all") {
            report.insert("catch_up".into(), catch_up().await);
        }
        if matches!(workload, "load" | "all") {
            let emulator = options
                .emulator
                .clone()
                .unwrap_or_else(load::sibling_emulator);
            report.insert(
                "load".into(),
                load::run(&emulator, options.requests, options.seconds).await?,
            );
        }
        if report.is_empty() {
            return Err(format!(
                "unknown workload {workload:?}; expected page, catch-up, load, all or bare"
            ));
        }
        Ok(Value::Object(report))
    });
    match result {
        Ok(report) => {
            if let Some(path) = &options.json {
                let text = serde_json::to_string_pretty(&report).unwrap_or_default();
                if let Err(e) = std::fs::write(path, text) {
                    eprintln!("bench-emulator: cannot write {}: {e}", path.display());
                    return std::process::ExitCode::FAILURE;
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench-emulator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
