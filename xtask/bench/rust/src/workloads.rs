//! The timed workloads, written through the facade (`telnyx_reputation::Client`, what a user
//! writes) and as the raw `reqwest` + `serde_json` loops it is compared with: `raw` parses
//! into `serde_json::Value` like the Python and Node raw loops, `raw-typed` into minimal
//! structs holding only what the workload reads. Only the workload is timed; building the
//! client is not.

use std::collections::BTreeMap;
use std::time::Instant;

use futures::{StreamExt, TryStreamExt, stream};
use serde::Deserialize;
use serde_json::{Value, json};
use telnyx_reputation::Client;

use crate::raw::Raw;
use crate::{bench_numbers, env, env_usize};

const PAGE_SIZE: u32 = 250;
const BATCH: usize = 100;

/// Spam risk counts, keyed `low`/`medium`/`high`/`none` in every language.
type Counts = BTreeMap<String, u64>;

pub async fn run(client: &str, workload: &str) -> Result<String, String> {
    let base = env("BENCH_BASE_URL")?;
    let key = env("BENCH_API_KEY")?;
    let enterprise = env("BENCH_ENTERPRISE_ID")?;
    let started;
    let detail = match client {
        "facade" => {
            let facade = Client::builder()
                .api_key(key)
                .base_url(base)
                .build()
                .map_err(|e| e.to_string())?;
            let numbers = facade.reputation(enterprise).numbers();
            started = Instant::now();
            match workload {
                "sweep" => facade_sweep(&numbers).await?,
                "sweep-prefetch" => facade_sweep_prefetch(&numbers).await?,
                "add" => facade_add(&numbers, 1).await?,
                "add-pipelined" => facade_add(&numbers, env_usize("BENCH_CONCURRENCY", 4)?).await?,
                "get" => facade_get(&numbers).await?,
                other => return Err(format!("unknown workload {other:?}")),
            }
        }
        "raw" => {
            let raw = Raw::new(&base, &key)?;
            let numbers = format!("/enterprises/{enterprise}/reputation/numbers");
            started = Instant::now();
            match workload {
                "sweep" => raw_sweep(&raw, &numbers).await?,
                "add" => raw_add(&raw, &numbers).await?,
                "get" => raw_get(&raw, &numbers).await?,
                other => return Err(format!("unknown workload {other:?}")),
            }
        }
        "raw-typed" => {
            let raw = Raw::new(&base, &key)?;
            let numbers = format!("/enterprises/{enterprise}/reputation/numbers");
            started = Instant::now();
            match workload {
                "sweep" => typed_sweep(&raw, &numbers).await?,
                "get" => typed_get(&raw, &numbers).await?,
                other => return Err(format!("unknown workload {other:?}")),
            }
        }
        other => {
            return Err(format!(
                "unknown client {other:?} (facade, raw or raw-typed)"
            ));
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let mut line = json!({ "seconds": seconds });
    line.as_object_mut()
        .expect("an object")
        .extend(detail.as_object().cloned().unwrap_or_default());
    Ok(line.to_string())
}

fn sweep_result(counts: Counts) -> Value {
    json!({ "items": counts.values().sum::<u64>(), "by_risk": counts })
}

async fn facade_sweep(numbers: &telnyx_reputation::Numbers) -> Result<Value, String> {
    let mut counts = Counts::new();
    let mut all = numbers.list().page_size(PAGE_SIZE).stream();
    while let Some(number) = all.try_next().await.map_err(|e| e.to_string())? {
        let risk = number.reputation_data.and_then(|d| d.spam_risk);
        let risk = risk.as_ref().map_or("none", |r| r.as_str());
        *counts.entry(risk.to_string()).or_default() += 1;
    }
    Ok(sweep_result(counts))
}

/// Page by page through the facade's `Pager::pages()` cursor, which keeps the next page's
/// request in flight while the current page is consumed.
async fn facade_sweep_prefetch(numbers: &telnyx_reputation::Numbers) -> Result<Value, String> {
    let mut pages = numbers.list().page_size(PAGE_SIZE).pages();
    let mut counts = Counts::new();
    while let Some(page) = pages.next().await {
        for number in page.map_err(|e| e.to_string())?.items {
            let risk = number.reputation_data.and_then(|d| d.spam_risk);
            let risk = risk.as_ref().map_or("none", |r| r.as_str());
            *counts.entry(risk.to_string()).or_default() += 1;
        }
    }
    Ok(sweep_result(counts))
}

async fn raw_sweep(raw: &Raw, numbers: &str) -> Result<Value, String> {
    let mut counts = Counts::new();
    let mut page = 1u64;
    loop {
        let query = [
            ("page[number]", page.to_string()),
            ("page[size]", PAGE_SIZE.to_string()),
        ];
        let body = raw.get(numbers, &query).await?;
        let items = body["data"].as_array().map_or(&[][..], Vec::as_slice);
        for item in items {
            let risk = item["reputation_data"]["spam_risk"]
                .as_str()
                .unwrap_or("none");
            *counts.entry(risk.to_string()).or_default() += 1;
        }
        let total_pages = body["meta"]["total_pages"].as_u64().unwrap_or(0);
        if items.is_empty() || page >= total_pages {
            return Ok(sweep_result(counts));
        }
        page += 1;
    }
}

/// Add `BENCH_COUNT` numbers 100 per request with `concurrency` requests in flight
/// (1 = the natural sequential loop).
async fn facade_add(
    numbers: &telnyx_reputation::Numbers,
    concurrency: usize,
) -> Result<Value, String> {
    let all = bench_numbers(env_usize("BENCH_COUNT", 10_000)?);
    let added: Vec<usize> = stream::iter(all.chunks(BATCH))
        .map(|batch| async move { numbers.add(batch).await.map(|list| list.len()) })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    Ok(json!({ "items": added.iter().sum::<usize>(), "concurrency": concurrency }))
}

async fn raw_add(raw: &Raw, numbers: &str) -> Result<Value, String> {
    let all = bench_numbers(env_usize("BENCH_COUNT", 10_000)?);
    let mut added = 0;
    for batch in all.chunks(BATCH) {
        let body = raw
            .post(numbers, &json!({ "phone_numbers": batch }))
            .await?;
        added += body["data"].as_array().map_or(0, Vec::len);
    }
    Ok(json!({ "items": added }))
}

async fn facade_get(numbers: &telnyx_reputation::Numbers) -> Result<Value, String> {
    let number = env("BENCH_NUMBER")?;
    let calls = env_usize("BENCH_CALLS", 2_000)?;
    for _ in 0..calls {
        numbers.get(&number).await.map_err(|e| e.to_string())?;
    }
    Ok(json!({ "calls": calls }))
}

async fn raw_get(raw: &Raw, numbers: &str) -> Result<Value, String> {
    let number = env("BENCH_NUMBER")?;
    let calls = env_usize("BENCH_CALLS", 2_000)?;
    let path = format!("{numbers}/{number}");
    for _ in 0..calls {
        raw.get(&path, &[]).await?;
    }
    Ok(json!({ "calls": calls }))
}

/// Only what the sweep reads of a page.
#[derive(Deserialize)]
struct TypedPage {
    data: Vec<TypedNumber>,
    meta: TypedMeta,
}

#[derive(Deserialize)]
struct TypedMeta {
    total_pages: u64,
}

#[derive(Deserialize)]
struct TypedNumber {
    #[allow(dead_code)] // read so that the number is parsed, as every client does
    phone_number: String,
    reputation_data: Option<TypedReputation>,
}

#[derive(Deserialize)]
struct TypedReputation {
    spam_risk: Option<String>,
}

#[derive(Deserialize)]
struct TypedOne {
    #[allow(dead_code)] // parsed, as every client does
    data: TypedNumber,
}

async fn typed_sweep(raw: &Raw, numbers: &str) -> Result<Value, String> {
    let mut counts = Counts::new();
    let mut page = 1u64;
    loop {
        let query = [
            ("page[number]", page.to_string()),
            ("page[size]", PAGE_SIZE.to_string()),
        ];
        let body: TypedPage = raw.get_typed(numbers, &query).await?;
        for item in &body.data {
            let risk = item
                .reputation_data
                .as_ref()
                .and_then(|d| d.spam_risk.as_deref())
                .unwrap_or("none");
            *counts.entry(risk.to_string()).or_default() += 1;
        }
        if body.data.is_empty() || page >= body.meta.total_pages {
            return Ok(sweep_result(counts));
        }
        page += 1;
    }
}

async fn typed_get(raw: &Raw, numbers: &str) -> Result<Value, String> {
    let number = env("BENCH_NUMBER")?;
    let calls = env_usize("BENCH_CALLS", 2_000)?;
    let path = format!("{numbers}/{number}");
    for _ in 0..calls {
        raw.get_typed::<TypedOne>(&path, &[]).await?;
    }
    Ok(json!({ "calls": calls }))
}
