//! Shared harness: an emulator on a free port, a facade client whose sleeps are recorded
//! instead of waited, admin helpers (journal, faults, gates) and fixtures.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::{Value, json};
use telnyx_reputation::*;
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};

pub const KEY: &str = "KEYfacade-test";

/// Records every requested sleep and returns at once.
#[derive(Debug, Default)]
pub struct RecordingSleeper(Mutex<Vec<Duration>>);

impl RecordingSleeper {
    pub fn taken(&self) -> Vec<Duration> {
        self.0.lock().expect("sleeper lock").clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().expect("sleeper lock").push(duration);
        Box::pin(async {})
    }
}

pub struct Harness {
    pub emulator: RunningEmulator,
    pub client: Client,
    pub sleeps: Arc<RecordingSleeper>,
    admin: reqwest::Client,
}

pub async fn start() -> Harness {
    start_with(ApprovalDelay::After(Duration::ZERO), |b| b).await
}

pub async fn start_with(
    delay: ApprovalDelay,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Harness {
    let emulator = Emulator::builder()
        .approval_delay(delay)
        .seed(7)
        .port(0)
        .start()
        .await
        .expect("emulator starts");
    let sleeps = Arc::new(RecordingSleeper::default());
    let builder = Client::builder()
        .api_key(KEY)
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(10))
        .sleeper(sleeps.clone())
        .jitter(Arc::new(NoJitter));
    let client = configure(builder).build().expect("client builds");
    let admin = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("admin client builds");
    Harness {
        emulator,
        client,
        sleeps,
        admin,
    }
}

impl Harness {
    async fn admin_call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.emulator.admin_url());
        let mut request = self.admin.request(method, url).bearer_auth(KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin answers");
        let status = response.status();
        let text = response.text().await.expect("admin body");
        assert!(status.is_success(), "admin {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Every request the emulator saw from this account, oldest first.
    pub async fn journal(&self) -> Vec<Value> {
        let body = self
            .admin_call(reqwest::Method::GET, "/requests?limit=1000", None)
            .await;
        body["data"].as_array().cloned().unwrap_or_default()
    }

    /// The account's billing ledger: units charged per action and `total`.
    pub async fn ledger(&self) -> Value {
        let body = self.admin_call(reqwest::Method::GET, "/ledger", None).await;
        body["data"].clone()
    }

    /// A second client on the same account with a cost guard, sharing the recorded sleeps.
    pub fn guarded(&self, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
        let builder = Client::builder()
            .api_key(KEY)
            .base_url(self.emulator.base_url())
            .timeout(Duration::from_secs(10))
            .sleeper(self.sleeps.clone())
            .jitter(Arc::new(NoJitter));
        configure(builder).build().expect("guarded client builds")
    }

    /// Forget the journal so far.
    pub async fn clear_journal(&self) {
        self.admin_call(reqwest::Method::DELETE, "/requests", None)
            .await;
    }

    /// Requests seen as `METHOD path` strings.
    pub async fn seen(&self) -> Vec<String> {
        self.journal()
            .await
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["method"].as_str().unwrap_or(""),
                    e["path"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    /// Answer the next matching requests with a fault.
    pub async fn fault(&self, spec: Value) {
        self.admin_call(reqwest::Method::POST, "/faults", Some(spec))
            .await;
    }

    /// The fault rules not used up yet.
    pub async fn faults(&self) -> Vec<Value> {
        let body = self.admin_call(reqwest::Method::GET, "/faults", None).await;
        body["data"].as_array().cloned().unwrap_or_default()
    }

    /// The JSON body the API answers a GET of `path_and_query` (under `/v2`) with, read
    /// outside the facade (e.g. to replay it from a fault).
    pub async fn api_get(&self, path_and_query: &str) -> Value {
        let url = format!("{}{path_and_query}", self.emulator.base_url());
        let response = self
            .admin
            .get(url)
            .bearer_auth(KEY)
            .send()
            .await
            .expect("API answers");
        assert!(
            response.status().is_success(),
            "GET {path_and_query}: {}",
            response.status()
        );
        response.json().await.expect("JSON body")
    }

    /// Force approval gates.
    pub async fn gates(&self, spec: Value) {
        self.admin_call(reqwest::Method::POST, "/gates", Some(spec))
            .await;
    }

    /// Drive a remediation request to an outcome.
    pub async fn advance_remediation(&self, spec: Value) {
        self.admin_call(reqwest::Method::POST, "/remediation/advance", Some(spec))
            .await;
    }

    /// Set a number's ownership state.
    pub async fn ownership(&self, spec: Value) {
        self.admin_call(reqwest::Method::POST, "/numbers/ownership", Some(spec))
            .await;
    }

    /// Terms agreed, enterprise created, LOA uploaded, reputation enabled (gates pending).
    pub async fn enabled_enterprise(&self, legal_name: &str) -> String {
        self.client
            .terms_of_service()
            .agree_number_reputation()
            .await
            .expect("agree");
        let enterprise = self
            .client
            .enterprises()
            .create(new_enterprise(legal_name))
            .await
            .expect("create enterprise");
        let document = self
            .client
            .documents()
            .upload("loa.pdf", &b"%PDF-1.7 signed"[..])
            .await
            .expect("upload");
        self.client
            .reputation(&enterprise.id)
            .enable(&document.id, CheckFrequency::Weekly)
            .await
            .expect("enable");
        enterprise.id
    }

    /// An enabled enterprise with both gates approved.
    pub async fn approved_enterprise(&self, legal_name: &str) -> String {
        let id = self.enabled_enterprise(legal_name).await;
        self.gates(json!({"enterprise_id": id, "status": "approved", "loa_status": "approved"}))
            .await;
        id
    }
}

/// The shared example enterprise (`telnyx_reputation::examples::acme`) under `legal_name`.
pub fn new_enterprise(legal_name: &str) -> NewEnterprise {
    let mut enterprise = telnyx_reputation::examples::acme();
    enterprise.legal_name = legal_name.into();
    enterprise
}

/// `count` distinct valid numbers starting at +1202555NNNN.
pub fn numbers(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("+1202555{:04}", 1000 + i))
        .collect()
}
