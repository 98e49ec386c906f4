//! `bench-rust seed`: a ready benchmark account, set up through the public API exactly as
//! the seed's quickstart does (terms, enterprise, LOA document, enable, both gates), then
//! `BENCH_COUNT` numbers added 100 at a time and, with `BENCH_REFRESH=1`, refreshed so
//! every number has cached reputation data (the sweep reads it). ~200 requests for 10,000
//! numbers: fast enough that the emulator needs no bulk admin endpoint.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use crate::raw::Raw;
use crate::{bench_numbers, env, env_usize};

pub async fn run() -> Result<String, String> {
    let raw = Raw::new(&env("BENCH_BASE_URL")?, &env("BENCH_API_KEY")?)?;
    let count = env_usize("BENCH_COUNT", 0)?;
    let refresh = std::env::var("BENCH_REFRESH").is_ok_and(|v| v == "1");

    raw.post("/terms_of_service/number_reputation/agree", &json!({}))
        .await?;
    let enterprise = raw.post("/enterprises", &enterprise_body()).await?;
    let id = text(&enterprise["data"]["id"])?;
    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4\n% bench LOA\n");
    let document = raw
        .post("/documents", &json!({"file": pdf, "filename": "loa.pdf"}))
        .await?;
    let document_id = text(&document["data"]["id"])?;
    let reputation = format!("/enterprises/{id}/reputation");
    raw.post(
        &reputation,
        &json!({"loa_document_id": document_id, "check_frequency": "business_daily"}),
    )
    .await?;
    wait_for_gates(&raw, &reputation).await?;

    let numbers = bench_numbers(count);
    for batch in numbers.chunks(100) {
        let body = json!({ "phone_numbers": batch });
        raw.post(&format!("{reputation}/numbers"), &body).await?;
        if refresh {
            raw.post(&format!("{reputation}/numbers/refresh"), &body)
                .await?;
        }
    }
    Ok(json!({ "enterprise_id": id, "numbers": count }).to_string())
}

/// `bench-rust reset`: forget the `BENCH_API_KEY` account (admin API), so repeated add runs
/// do not pile 10,000 numbers per run into the emulator's memory.
pub async fn reset() -> Result<String, String> {
    let base = env("BENCH_BASE_URL")?;
    let origin = base.trim_end_matches('/').trim_end_matches("/v2");
    let response = reqwest::Client::new()
        .post(format!("{origin}/_emulator/reset"))
        .query(&[("api_key", env("BENCH_API_KEY")?)])
        // The admin API takes POSTs only as application/json (even without a body).
        .header("content-type", "application/json")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("reset answered {}", response.status()));
    }
    Ok(json!({ "reset": true }).to_string())
}

/// Poll the settings until both gates read approved (immediate with `--approval-delay 0s`).
async fn wait_for_gates(raw: &Raw, reputation: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let settings = raw.get(reputation, &[]).await?;
        let data = &settings["data"];
        if data["status"] == "approved" && data["loa_status"] == "approved" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("the approval gates did not open within 10 s (is --approval-delay 0s?)".into())
}

fn text(value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("expected a string id, got {value}"))
}

fn enterprise_body() -> Value {
    let address = json!({
        "country": "US", "administrative_area": "IL", "city": "Chicago",
        "postal_code": "60601", "street_address": "100 Main St"
    });
    json!({
        "legal_name": "Bench Plumbing LLC",
        "doing_business_as": "Bench Plumbing",
        "organization_type": "commercial",
        "organization_legal_type": "llc",
        "country_code": "US",
        "jurisdiction_of_incorporation": "Delaware",
        "website": "https://bench.example.com",
        "fein": "12-3456789",
        "industry": "technology",
        "number_of_employees": "51-200",
        "organization_contact": {
            "first_name": "Sam", "last_name": "Owner", "email": "sam@bench.example.com",
            "job_title": "Compliance Lead", "phone_number": "+13125550000"
        },
        "billing_contact": {
            "first_name": "Alex", "last_name": "Bill", "email": "billing@bench.example.com",
            "phone_number": "+13125550001"
        },
        "organization_physical_address": address,
        "billing_address": address,
    })
}
