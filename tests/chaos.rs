//! A seeded chaos soak of the Rust facade against the in-process emulator, bounded in time:
//! while `add_all` registers 1,000 numbers and rounds of refreshes, remediation submits and
//! list sweeps run, fault rules answer requests with 503s, 429s with `Retry-After`,
//! connections dropped before and after the API processed them, and delays past the client's
//! timeout. Then, from the emulator's ledger and request journal (faults cleared):
//!
//! - no billable or non-idempotent POST was sent again after a processed attempt (only a 429
//!   may be followed by the same body), and the ledger bills each processed refresh once;
//! - every call either succeeded or failed with an expected typed error, and every failure of
//!   a POST whose answer was lost says "outcome unknown";
//! - no atomic add batch is half-applied, and each batch's fate matches the report: added,
//!   failed (none of it monitored), or outcome unknown (all or none of it monitored).
//!
//! `CHAOS_SEED` picks another fault plan (the default keeps CI reproducible).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::{Value, json};
use telnyx_reputation::*;
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};

const KEY: &str = "KEYchaos-soak";
const NUMBERS: usize = 1_000;
const ROUNDS: usize = 8;
/// The client gives up on an answer after this long; delay faults wait longer.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);
const PAST_TIMEOUT_MS: u64 = 700;
const DEFAULT_SEED: u64 = 20_261_201;

struct Admin {
    http: reqwest::Client,
    base: String,
}

impl Admin {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin answers");
        let status = response.status();
        let text = response.text().await.expect("admin body");
        assert!(status.is_success(), "admin {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn fault(&self, rule: Value) {
        self.call(reqwest::Method::POST, "/faults", Some(rule))
            .await;
    }
}

/// The fault kinds of the soak, each a rule body without its method and path.
fn fault_kinds() -> Vec<(&'static str, Value)> {
    vec![
        ("503", json!({"status": 503})),
        ("429 Retry-After", json!({"status": 429, "retry_after": 1})),
        ("drop before processing", json!({"drop_connection": true})),
        (
            "drop after processing",
            json!({"drop_after_processing": true}),
        ),
        (
            "delay past the client timeout",
            json!({"status": 503, "delay_ms": PAST_TIMEOUT_MS}),
        ),
        (
            "processed, answer later than the client timeout",
            json!({"drop_after_processing": true, "delay_ms": PAST_TIMEOUT_MS}),
        ),
    ]
}

/// Add `count` seeded fault rules spread over the soak's routes.
async fn inject(admin: &Admin, rng: &mut fastrand::Rng, enterprise: &str, count: usize) -> usize {
    let base = format!("/v2/enterprises/{enterprise}/reputation");
    let routes = [
        ("POST", format!("{base}/numbers")),
        ("POST", format!("{base}/numbers/refresh")),
        ("POST", format!("{base}/remediation")),
        ("GET", format!("{base}/numbers")),
    ];
    let kinds = fault_kinds();
    for _ in 0..count {
        let (method, path) = &routes[rng.usize(..routes.len())];
        let (_, rule) = &kinds[rng.usize(..kinds.len())];
        let mut rule = rule.clone();
        rule["method"] = json!(method);
        rule["path_prefix"] = json!(path);
        rule["count"] = json!(rng.u32(1..=2));
        admin.fault(rule).await;
    }
    count
}

fn allowed(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Server | ErrorKind::RateLimited | ErrorKind::Connection | ErrorKind::Timeout
    )
}

/// A failed billable call: a typed, expected error, and one that says "outcome unknown"
/// whenever it is a transport failure after sending.
fn check_billable_error(what: &str, error: &Error) {
    assert!(allowed(error.kind()), "{what}: unexpected {error:?}");
    let transport = matches!(error.kind(), ErrorKind::Connection | ErrorKind::Timeout);
    if transport
        && !matches!(
            error,
            Error::Connection {
                before_send: true,
                ..
            }
        )
    {
        assert!(error.outcome_unknown(), "{what}: {error:?}");
        assert!(error.to_string().contains("outcome unknown"), "{error}");
    }
}

#[derive(Default)]
struct Tally {
    ok: usize,
    errors: BTreeMap<String, usize>,
    outcome_unknown: usize,
}

impl Tally {
    fn record<T>(&mut self, result: &Result<T, Error>) {
        match result {
            Ok(_) => self.ok += 1,
            Err(e) => self.error(e),
        }
    }

    fn error(&mut self, e: &Error) {
        *self.errors.entry(e.kind().code().to_owned()).or_default() += 1;
        self.outcome_unknown += usize::from(e.outcome_unknown());
    }
}

async fn start() -> (RunningEmulator, Client, Admin) {
    let emulator = Emulator::builder()
        .approval_delay(ApprovalDelay::After(Duration::ZERO))
        .refresh_limit(None)
        .seed(7)
        .port(0)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(emulator.base_url())
        .timeout(CLIENT_TIMEOUT)
        .retry_cap(Duration::from_secs(2))
        .build()
        .expect("client builds");
    let admin = Admin {
        http: reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("admin client"),
        base: emulator.admin_url(),
    };
    (emulator, client, admin)
}

async fn approved_enterprise(client: &Client, admin: &Admin) -> String {
    client
        .terms_of_service()
        .agree_number_reputation()
        .await
        .expect("terms");
    let enterprise = client
        .enterprises()
        .create(new_enterprise())
        .await
        .expect("enterprise");
    let loa = client
        .documents()
        .upload("loa.pdf", b"%PDF-1.7 signed".to_vec())
        .await
        .expect("upload");
    let rep = client.reputation(&enterprise.id);
    rep.enable(&loa.id, CheckFrequency::BusinessDaily)
        .await
        .expect("enable");
    admin
        .call(
            reqwest::Method::POST,
            "/gates",
            Some(json!({"enterprise_id": enterprise.id, "status": "approved", "loa_status": "approved"})),
        )
        .await;
    enterprise.id
}

/// The shared example enterprise under this suite's own name.
fn new_enterprise() -> NewEnterprise {
    let mut enterprise = telnyx_reputation::examples::acme();
    enterprise.legal_name = "Chaos Soak LLC".into();
    enterprise
}

/// The phone numbers of a journaled request body.
fn body_numbers(entry: &Value) -> Vec<String> {
    let body: Value = entry["body"]
        .as_str()
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    body["phone_numbers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn processed(entry: &Value) -> bool {
    entry["status"]
        .as_u64()
        .is_some_and(|s| (200..300).contains(&s))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_soak_never_bills_twice_and_reports_every_outcome() {
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let started = Instant::now();
    let (emulator, client, admin) = start().await;
    let enterprise = approved_enterprise(&client, &admin).await;
    let numbers_api = client.reputation(&enterprise).numbers();
    let mut rng = fastrand::Rng::with_seed(seed);
    let all: Vec<String> = (0..NUMBERS).map(|i| format!("+1202555{i:04}")).collect();
    let mut tally = Tally::default();
    let mut injected = 0;

    // add_all of 1,000 numbers under faults.
    injected += inject(&admin, &mut rng, &enterprise, 12).await;
    let report = numbers_api
        .add_all(&all, BulkAddOptions { concurrency: 4 })
        .await
        .expect("the plan is valid");
    for failure in &report.failed {
        check_billable_error(
            &format!("add batch {}", failure.batch_index),
            &failure.error,
        );
        tally.error(&failure.error);
    }
    tally.ok += NUMBERS / 100 - report.failed.len();
    let failed_batches: BTreeMap<usize, bool> = report
        .failed
        .iter()
        .map(|f| (f.batch_index, f.outcome_unknown()))
        .collect();
    let added: BTreeSet<&str> = report
        .added
        .iter()
        .map(|n| n.phone_number.as_str())
        .collect();

    // Rounds of refreshes, remediation submits and list sweeps under faults.
    let remediation = client.reputation(&enterprise).remediation();
    for round in 0..ROUNDS {
        injected += inject(&admin, &mut rng, &enterprise, 4).await;
        // Distinct bodies per call, so the journal can tell a resend from a new call.
        let start = round * 100 + rng.usize(0..50);
        let slice = &all[start..start + 20 + round];
        let refreshed = numbers_api.refresh(slice).await;
        if let Err(e) = &refreshed {
            check_billable_error(&format!("refresh round {round}"), e);
        }
        tally.record(&refreshed);

        let candidate = &all[round * 100 + 60 + rng.usize(0..30)];
        let request = RemediationRequest::new([candidate.as_str()], format!("soak round {round}"));
        let submitted = remediation.submit(request).await;
        match &submitted {
            // Not monitored (its batch failed): the API says so; nothing else is expected.
            Err(e) if e.kind() == ErrorKind::Unprocessable || e.kind() == ErrorKind::NotFound => {
                assert!(!added.contains(candidate.as_str()), "{e}");
            }
            Err(e) => check_billable_error(&format!("remediation round {round}"), e),
            Ok(_) => {}
        }
        tally.record(&submitted);

        let swept: Result<Vec<ReputationNumber>, Error> = numbers_api
            .list()
            .page_size(250)
            .stream()
            .try_collect()
            .await;
        if let Err(e) = &swept {
            assert!(allowed(e.kind()), "sweep round {round}: {e:?}");
            assert!(
                !e.outcome_unknown(),
                "a read is never outcome-unknown: {e:?}"
            );
        }
        tally.record(&swept);
    }

    // The truth, with the faults cleared.
    admin.call(reqwest::Method::DELETE, "/faults", None).await;
    let journal = admin
        .call(reqwest::Method::GET, "/requests?limit=1000", None)
        .await["data"]
        .as_array()
        .cloned()
        .expect("journal");
    let ledger = admin.call(reqwest::Method::GET, "/ledger", None).await["data"].clone();
    let monitored: BTreeSet<String> = numbers_api
        .list()
        .page_size(250)
        .stream()
        .map_ok(|n| n.phone_number)
        .try_collect()
        .await
        .expect("the final sweep, without faults");
    assert!(journal.len() < 1000, "the journal kept every request");

    // 1. No billable or non-idempotent POST resent after an attempt that was not a 429.
    let mut by_body: BTreeMap<(String, String), Vec<&Value>> = BTreeMap::new();
    for entry in journal.iter().filter(|e| e["method"] == "POST") {
        let key = (
            entry["path"].as_str().unwrap_or_default().to_owned(),
            entry["body"].as_str().unwrap_or_default().to_owned(),
        );
        by_body.entry(key).or_default().push(entry);
    }
    let mut resent_after_429 = 0;
    for ((path, body), attempts) in &by_body {
        for earlier in &attempts[..attempts.len() - 1] {
            assert_eq!(
                earlier["status"], 429,
                "{path} {body} was sent again after an attempt that may have been processed: \
                 {attempts:#?}"
            );
            resent_after_429 += 1;
        }
        let applied = attempts.iter().filter(|a| processed(a)).count();
        assert!(applied <= 1, "{path} {body} applied {applied} times");
    }
    // The ledger bills each processed refresh once, for its monitored numbers (all adds
    // happened before the first refresh, and nothing was removed).
    let refresh_path = format!("/v2/enterprises/{enterprise}/reputation/numbers/refresh");
    let refreshed_units: usize = journal
        .iter()
        .filter(|e| e["path"] == refresh_path.as_str() && processed(e))
        .map(|e| {
            body_numbers(e)
                .iter()
                .filter(|n| monitored.contains(*n))
                .count()
        })
        .sum();
    assert_eq!(ledger["refreshes"], refreshed_units, "refreshes billed");
    assert_eq!(ledger["numbers_added"], monitored.len(), "numbers billed");

    // 2. The SDK said "outcome unknown" for every add whose answer was lost after processing.
    let add_path = format!("/v2/enterprises/{enterprise}/reputation/numbers");
    let lost: Vec<Vec<String>> = journal
        .iter()
        .filter(|e| e["path"] == add_path.as_str() && e["method"] == "POST")
        .filter(|e| e["answer_dropped"] == true)
        .map(body_numbers)
        .collect();
    for numbers in &lost {
        let index = all.iter().position(|n| *n == numbers[0]).expect("known") / 100;
        assert_eq!(
            failed_batches.get(&index),
            Some(&true),
            "batch {index} was applied but its answer lost, and the report does not say \
             outcome unknown"
        );
    }

    // 3. No atomic batch half-applied, and each batch's fate matches the report.
    let mut fates: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, batch) in all.chunks(100).enumerate() {
        let present = batch.iter().filter(|n| monitored.contains(*n)).count();
        assert!(
            present == 0 || present == batch.len(),
            "batch {index} half-applied: {present} of {} monitored",
            batch.len()
        );
        let fate = match failed_batches.get(&index) {
            None => {
                assert_eq!(present, 100, "batch {index} reported added");
                "added"
            }
            Some(false) => {
                assert_eq!(present, 0, "batch {index} reported failed, none added");
                "failed, none added"
            }
            Some(true) if present == 100 => "outcome unknown: was applied",
            Some(true) => "outcome unknown: was not applied",
        };
        *fates.entry(fate).or_default() += 1;
    }
    // Every remediation the API accepted is there once.
    let remediations = remediation
        .list()
        .collect_all()
        .await
        .expect("remediation list");
    let remediation_path = format!("/v2/enterprises/{enterprise}/reputation/remediation");
    let accepted = journal
        .iter()
        .filter(|e| e["path"] == remediation_path.as_str() && e["method"] == "POST")
        .filter(|e| processed(e))
        .count();
    assert_eq!(remediations.len(), accepted);

    let elapsed = started.elapsed();
    let faulted = journal.iter().filter(|e| !e["fault_id"].is_null()).count();
    println!(
        "chaos soak seed {seed}: {injected} fault rules, {} requests journaled ({faulted} \
         faulted, {} answers dropped after processing), {} calls ok, errors {:?}, {} outcome \
         unknown, {resent_after_429} resends after 429, add batches {fates:?}, ledger total {}, \
         {:.1} s",
        journal.len(),
        journal
            .iter()
            .filter(|e| e["answer_dropped"] == true)
            .count(),
        tally.ok,
        tally.errors,
        tally.outcome_unknown,
        ledger["total"],
        elapsed.as_secs_f64()
    );
    assert!(
        faulted > 0 && tally.outcome_unknown > 0,
        "the plan injected no faults"
    );
    assert!(elapsed < Duration::from_secs(60), "bounded: {elapsed:?}");
    emulator.shutdown().await;
}
