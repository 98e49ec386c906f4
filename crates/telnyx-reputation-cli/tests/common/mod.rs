//! Test harness: an emulator started in-process on a loopback port, and the CLI binary
//! pointed at it with `--base-url`. Each test uses its own API key, hence its own account.

#![allow(dead_code)]

use std::time::Duration;

use assert_cmd::Command;
use telnyx_reputation::{CheckFrequency, Client, LoaRenderOptions, WaitOptions};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};
use tokio::runtime::Runtime;

/// A running emulator and the runtime that serves it.
pub struct Harness {
    pub runtime: Runtime,
    pub emulator: Option<RunningEmulator>,
    pub base_url: String,
    pub key: String,
}

impl Harness {
    /// Start an emulator whose gates approve on the next read.
    pub fn start(key: &str) -> Self {
        Self::with_delay(key, ApprovalDelay::After(Duration::ZERO))
    }

    /// Start an emulator with the given approval delay.
    pub fn with_delay(key: &str, delay: ApprovalDelay) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(
                Emulator::builder()
                    .host("127.0.0.1")
                    .port(0)
                    .approval_delay(delay)
                    .seed(0)
                    .start(),
            )
            .expect("emulator starts");
        let base_url = emulator.base_url();
        Self {
            runtime,
            emulator: Some(emulator),
            base_url,
            key: key.to_owned(),
        }
    }

    /// The CLI binary with `--base-url` set, the key in `TELNYX_API_KEY` (as users should
    /// pass it), and no other ambient TELNYX_* variables.
    pub fn cli(&self) -> Command {
        let mut cmd = bare_cli();
        cmd.env("TELNYX_API_KEY", &self.key);
        cmd.args(["--base-url", &self.base_url]);
        cmd
    }

    /// The billing ledger of this harness's account on its emulator.
    pub fn ledger(&self) -> serde_json::Value {
        let admin = self.emulator.as_ref().expect("running").admin_url();
        self.runtime.block_on(async {
            let body: serde_json::Value = reqwest::Client::new()
                .get(format!("{admin}/ledger"))
                .bearer_auth(&self.key)
                .send()
                .await
                .expect("admin answers")
                .json()
                .await
                .expect("ledger JSON");
            body["data"].clone()
        })
    }

    /// The CLI scoped to an enterprise.
    pub fn cli_for(&self, enterprise: &str) -> Command {
        let mut cmd = self.cli();
        cmd.args(["--enterprise", enterprise]);
        cmd
    }

    /// A facade client on the same account, for setup the test is not about.
    pub fn client(&self) -> Client {
        Client::builder()
            .api_key(&self.key)
            .base_url(&self.base_url)
            .build()
            .unwrap()
    }

    /// An enterprise with both gates approved, set up through the facade; returns its id.
    pub fn approved_enterprise(&self) -> String {
        self.approved_enterprise_from(ENTERPRISE_JSON)
    }

    /// [`Harness::approved_enterprise`] from another `enterprises create` body (an account
    /// holds one enterprise per legal name and FEIN).
    pub fn approved_enterprise_from(&self, json: &str) -> String {
        let client = self.client();
        self.runtime.block_on(async {
            client
                .terms_of_service()
                .agree_number_reputation()
                .await
                .unwrap();
            let new = serde_json::from_str(json).unwrap();
            let enterprise = client.enterprises().create(new).await.unwrap();
            let rep = client.reputation(&enterprise.id);
            let pdf = rep.loa().render(LoaRenderOptions::default()).await.unwrap();
            let document = client.documents().upload("loa.pdf", pdf).await.unwrap();
            rep.enable(&document.id, CheckFrequency::BusinessDaily)
                .await
                .unwrap();
            let wait = WaitOptions {
                interval: Duration::from_millis(50),
                timeout: Duration::from_secs(10),
            };
            rep.wait_until_approved(wait).await.unwrap();
            enterprise.id
        })
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime.block_on(emulator.shutdown());
        }
    }
}

/// A data directory for this test process (removed by the OS's temp cleaning, not by us:
/// a test may still be reading it when another ends).
pub fn test_data_home() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "telnyx-reputation-cli-tests-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The CLI binary with no TELNYX_* variables from the environment.
pub fn bare_cli() -> Command {
    let mut cmd = Command::cargo_bin("telnyx-reputation").unwrap();
    for var in [
        "TELNYX_API_KEY",
        "TELNYX_BASE_URL",
        "TELNYX_ENTERPRISE_ID",
        "TELNYX_PUBLIC_KEY",
    ] {
        cmd.env_remove(var);
    }
    // The default store (and anything else under the data directory) in a directory of
    // this test process, never the user's own.
    cmd.env_remove("TELNYX_REPUTATION_STORE");
    cmd.env("XDG_DATA_HOME", test_data_home());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// stdout of a successful run, parsed as JSON.
pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    let output = cmd
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).expect("JSON output")
}

/// The quickstart's enterprise, as `enterprises create --json` takes it: the shared example
/// (`telnyx_reputation::examples`).
pub const ENTERPRISE_JSON: &str = telnyx_reputation::examples::ACME_JSON;
