//! The failover benchmark behind `cargo xtask bench --only failover` (and `--only monitor`):
//! two `monitor serve` replicas (the CLI binary given) on one PostgreSQL database, syncing
//! one enterprise of an in-process emulator every 2 s; each run kills the leader with
//! SIGKILL at a random point of its schedule and measures the time from the kill to the
//! first sweep the other replica records (its `at`, as stored), and to its taking the lead
//! (its `leader_terms` row). Prints the figures as JSON on stdout.
//!
//! Usage: `failover CLI_BINARY POSTGRES_SERVER_URL RUNS`

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use sqlx::Connection;
use telnyx_reputation::{CheckFrequency, Client, LoaRenderOptions, WaitOptions};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator};
use telnyx_reputation_monitor::Store;

/// The schedule of both replicas.
const EVERY_S: u64 = 2;

const ENTERPRISE_JSON: &str = r#"{
  "legal_name": "Failover Bench LLC", "doing_business_as": "Failover Bench",
  "organization_type": "commercial", "organization_legal_type": "llc", "country_code": "US",
  "jurisdiction_of_incorporation": "Delaware", "website": "https://failover.example.com",
  "fein": "12-3456780", "industry": "technology", "number_of_employees": "51-200",
  "organization_contact": {"first_name": "Sam", "last_name": "Owner", "email": "sam@failover.example.com", "job_title": "Compliance Lead", "phone_number": "+13125550000"},
  "billing_contact": {"first_name": "Alex", "last_name": "Bill", "email": "billing@failover.example.com", "phone_number": "+13125550001"},
  "organization_physical_address": {"country": "US", "administrative_area": "IL", "city": "Chicago", "postal_code": "60601", "street_address": "100 Main St"},
  "billing_address": {"country": "US", "administrative_area": "IL", "city": "Chicago", "postal_code": "60601", "street_address": "100 Main St"}
}"#;

type Error = Box<dyn std::error::Error>;

/// A `serve` process, killed when dropped.
struct Replica {
    child: Child,
    errors: Receiver<String>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    fn start(
        binary: &str,
        base_url: &str,
        key: &str,
        config: &std::path::Path,
    ) -> Result<Self, Error> {
        let mut child = Command::new(binary)
            .args(["--base-url", base_url, "monitor", "serve", "--config"])
            .arg(config)
            .env("TELNYX_API_KEY", key)
            .env_remove("TELNYX_PUBLIC_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let (sender, errors) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().ok_or("no stderr")?;
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self { child, errors })
    }

    /// Its replica id, once it announces `role` (within 60 s).
    fn announced(&self, role: &str) -> Result<String, Error> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .errors
                .recv_timeout(left)
                .map_err(|e| format!("no replica announced {role:?}: {e}"))?;
            if line.contains(&format!("is {role}")) {
                return line
                    .strip_prefix("replica ")
                    .and_then(|rest| rest.split_once(' '))
                    .map(|(id, _)| id.to_owned())
                    .ok_or_else(|| format!("no replica id in {line:?}").into());
            }
        }
    }
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, binary, server, runs] = args.as_slice() else {
        return Err("usage: failover CLI_BINARY POSTGRES_SERVER_URL RUNS".into());
    };
    let runs: usize = runs.parse()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let emulator = runtime.block_on(
        Emulator::builder()
            .host("127.0.0.1")
            .port(0)
            .approval_delay(ApprovalDelay::After(Duration::ZERO))
            .seed(0)
            .start(),
    )?;
    let base_url = emulator.base_url();
    let key = "bench-failover";
    let enterprise = runtime.block_on(approved_enterprise(&base_url, key))?;
    let store_url = runtime.block_on(database(server))?;
    let store = runtime.block_on(Store::open(&store_url))?;
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("monitor.toml");
    std::fs::write(
        &config,
        format!(
            "store = \"{store_url}\"\nevery = \"{EVERY_S}s\"\nlisten = \"127.0.0.1:0\"\n\
             enterprises = [\"{enterprise}\"]\n"
        ),
    )?;
    let (mut failover, mut takeover) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let mut leader = Replica::start(binary, &base_url, key, &config)?;
        let a = leader.announced("the leader")?;
        let standby = Replica::start(binary, &base_url, key, &config)?;
        let b = standby.announced("a standby")?;
        let by = |replica: &str| -> Result<Vec<chrono::DateTime<chrono::Utc>>, Error> {
            Ok(runtime
                .block_on(store.sweep_replicas(&enterprise))?
                .into_iter()
                .filter(|s| s.replica.as_deref() == Some(replica))
                .map(|s| s.at)
                .collect())
        };
        wait("two sweeps by the leader", || Ok(by(&a)?.len() >= 2))?;
        // Killed at a random point of its schedule.
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..EVERY_S * 1000)));
        let killed = chrono::Utc::now();
        leader.child.kill()?;
        leader.child.wait()?;
        wait("a sweep by the other replica", || Ok(!by(&b)?.is_empty()))?;
        let first = by(&b)?[0];
        let term = runtime
            .block_on(store.leader_terms())?
            .into_iter()
            .rfind(|t| t.replica == b)
            .ok_or("no term of the new leader")?;
        let seconds = |d: chrono::TimeDelta| d.num_microseconds().unwrap_or(0) as f64 / 1e6;
        failover.push(seconds(first - killed));
        takeover.push(seconds(term.since - killed));
        eprintln!(
            "failover run {}/{runs}: first sync {:.3} s, lead taken {:.3} s after kill -9",
            run + 1,
            failover[run],
            takeover[run]
        );
        drop(standby);
    }
    runtime.block_on(emulator.shutdown());
    let figures = serde_json::json!({
        "every_s": EVERY_S,
        "failover_s": failover,
        "failover_median_s": median(&failover),
        "takeover_s": takeover,
        "takeover_median_s": median(&takeover),
    });
    println!("{figures}");
    Ok(())
}

/// Poll `check` every 10 ms, for at most 60 s.
fn wait(what: &str, mut check: impl FnMut() -> Result<bool, Error>) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check()? {
        if Instant::now() > deadline {
            return Err(format!("never: {what}").into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// A fresh database on `server`; its URL.
async fn database(server: &str) -> Result<String, Error> {
    sqlx::any::install_default_drivers();
    let database = format!("failover_bench_{}", std::process::id());
    let mut admin = sqlx::AnyConnection::connect(server).await?;
    for statement in [
        format!("DROP DATABASE IF EXISTS {database}"),
        format!("CREATE DATABASE {database}"),
    ] {
        sqlx::query(&statement).execute(&mut admin).await?;
    }
    admin.close().await?;
    let (base, _) = server
        .rsplit_once('/')
        .ok_or("a server URL with a database")?;
    Ok(format!("{base}/{database}"))
}

/// An enterprise with both gates approved and two numbers; its id.
async fn approved_enterprise(base_url: &str, key: &str) -> Result<String, Error> {
    let client = Client::builder().api_key(key).base_url(base_url).build()?;
    client.terms_of_service().agree_number_reputation().await?;
    let enterprise = client
        .enterprises()
        .create(serde_json::from_str(ENTERPRISE_JSON)?)
        .await?;
    let rep = client.reputation(&enterprise.id);
    let pdf = rep.loa().render(LoaRenderOptions::default()).await?;
    let document = client.documents().upload("loa.pdf", pdf).await?;
    rep.enable(&document.id, CheckFrequency::BusinessDaily)
        .await?;
    rep.wait_until_approved(WaitOptions {
        interval: Duration::from_millis(50),
        timeout: Duration::from_secs(10),
    })
    .await?;
    let numbers = ["+13125557000", "+13125557001"];
    rep.numbers().add(&numbers).await?;
    for n in numbers {
        rep.numbers().get(n).await?;
    }
    Ok(enterprise.id)
}
