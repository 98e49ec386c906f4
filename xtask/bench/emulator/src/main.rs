//! `bench-emulator`: timings of the emulator itself, in process (no network) unless noted.
//!
//! - `page`: `GET .../reputation/numbers?page[size]=250` over an enterprise of 10,000
//!   numbers (every number carrying reputation data), through the whole router: median and
//!   p90 of 2,000 requests, body collected.
//! - `catch-up`: `POST /_emulator/clock/advance` by 30 days over 10,000 `business_daily`
//!   numbers (every due check run and billed), 3 fresh states.
//! - `serve BODY_BYTES`: serve the emulator on 127.0.0.1 (one account, 10,000 numbers) and a
//!   bare axum handler returning a body of the same size on another port, and print both
//!   URLs, for a load tool (wrk) to hit both in the same run. Stops after 120 s.
//!
//! Usage: `bench-emulator page|catch-up|all` or `bench-emulator serve`.

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

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// An approved enterprise with 10,000 numbers on `frequency`; returns the router and id.
async fn populated(frequency: &str) -> (axum::Router, String) {
    let config = Config {
        approval_delay: ApprovalDelay::After(Duration::ZERO),
        seed: 7,
        refresh_limit: None,
    };
    let app = router(AppState::new(config));
    call(
        &app,
        "POST",
        "/v2/terms_of_service/number_reputation/agree",
        Some(json!({})),
    )
    .await;
    let (status, body) = call(
        &app,
        "POST",
        "/v2/enterprises",
        Some(json!({
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
        })),
    )
    .await;
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
        let numbers: Vec<String> = (0..100)
            .map(|i| {
                let n = batch * 100 + i;
                // Chicago (312) and Washington (202) exchanges, all US.
                format!(
                    "+1{}555{:04}",
                    if n < 10_000 { 202 } else { 312 },
                    n % 10_000
                )
            })
            .collect();
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

async fn page() {
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
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3
    );
}

async fn catch_up() {
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
    let (median, _) = stats(samples.clone());
    println!(
        "catch-up: 30 days over {NUMBERS} business_daily numbers ({billed} checks billed): median {:.1} ms (runs: {:?})",
        median.as_secs_f64() * 1e3,
        samples
            .iter()
            .map(|d| format!("{:.1} ms", d.as_secs_f64() * 1e3))
            .collect::<Vec<_>>()
    );
}

async fn serve() {
    let (app, id) = populated("daily").await;
    call(
        &app,
        "POST",
        "/_emulator/clock/advance",
        Some(json!({ "seconds": 86_460 })),
    )
    .await;
    let path = format!("/v2/enterprises/{id}/reputation/numbers/+12025550042");
    let (_, body) = call(&app, "GET", &path, None).await;
    let size = body.len();
    let emulator = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!(
        "emulator http://{}{path}",
        emulator.local_addr().expect("addr")
    );
    println!(
        "bare http://{}/bare ({size} bytes)",
        bare.local_addr().expect("addr")
    );
    let payload = bytes_of(size);
    let bare_app = axum::Router::new().route(
        "/bare",
        axum::routing::get(move || {
            let payload = payload.clone();
            async move { ([("content-type", "application/json")], payload) }
        }),
    );
    let served = async { tokio::join!(axum::serve(emulator, app), axum::serve(bare, bare_app)) };
    let _ = tokio::time::timeout(Duration::from_secs(120), served).await;
}

/// A JSON body of exactly `size` bytes.
fn bytes_of(size: usize) -> axum::body::Bytes {
    let filler = size.saturating_sub(8);
    axum::body::Bytes::from(format!("{{\"x\":\"{}\"}}", "a".repeat(filler)))
}

#[tokio::main]
async fn main() {
    match std::env::args().nth(1).as_deref().unwrap_or("all") {
        "page" => page().await,
        "catch-up" => catch_up().await,
        "serve" => serve().await,
        "all" => {
            page().await;
            catch_up().await;
        }
        other => {
            eprintln!(
                "bench-emulator: unknown workload {other:?}; expected page, catch-up, serve or all"
            );
            std::process::exit(2);
        }
    }
}
