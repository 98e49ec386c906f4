//! The monitor's reliability soak: the real binary run as a cron user runs it, against an
//! in-process emulator, while things fail around it.
//!
//! - 200 `monitor sync --rules r.toml --apply` runs on one SQLite store, with the emulator's
//!   numbers changing risk and category between them. One rule notifies and remediates when a
//!   number turns high, another notifies when its category becomes `robocall`.
//! - The notification endpoint answers `500` to a seeded 30 % of requests (and takes up to
//!   150 ms over the others).
//! - 20 of the syncs (chosen at random, seeded) are killed with SIGKILL a random time after
//!   they start: before their commit, between commit and delivery, or mid-delivery.
//! - `listen --forward-to` records the emulator's signed webhooks in the same store and
//!   forwards them to a target that answers `503` to 20 % of requests and slowly (0.3-1.2 s)
//!   to 15 %; `listen` is killed with SIGKILL and restarted on its port 4 times.
//!
//! Then the changes stop and the outage ends (the endpoint and the target answer 2xx): more
//! syncs (one a second) and the running `listen` drain the outbox, each row once its backoff
//! has passed, and the soak checks, at the receivers and in the emulator:
//! - each notification the store decided was accepted by the endpoint (its delivery id seen
//!   in a 2xx), none lost; each change a rule matched is in exactly one accepted notification
//!   (counting a delivery id once: it is the receiver's dedupe key);
//! - each remediation decision submitted at most one request: the emulator's requests and its
//!   billing ledger match the store's decisions one for one;
//! - each webhook `listen` answered 2xx reached the target (accepted under its event id).
//!
//! The one ambiguity HTTP leaves is counted, not hidden: a process killed after the receiver
//! accepted a request and before the store marked it done sends it again, with the same id,
//! so the receiver sees that id twice. The soak prints how often that happened.
//!
//! `SOAK_SEED=<n>` runs another plan; the seed is printed first. `--nocapture` shows the
//! counts that `docs/reliability.md` quotes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Harness, json_of};

const SYNCS: usize = 200;
const SYNC_KILLS: usize = 20;
const LISTEN_KILLS: usize = 4;
const DEFAULT_SEED: u64 = 20_261_206;

/// A child process killed (SIGKILL) and reaped when dropped, so a failing soak leaves
/// nothing running.
struct Kid(Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a flaky receiver saw.
#[derive(Default)]
struct Seen {
    requests: usize,
    refused: usize,
    slow: usize,
    /// (id header, body) of each 2xx answered.
    accepted: Vec<(String, String)>,
}

/// A loopback HTTP receiver answering `500`/`503` to a seeded share of requests and
/// delaying another share; keeps the `id_header` of every request it accepted.
struct Flaky {
    url: String,
    seen: Arc<Mutex<Seen>>,
    /// Set when the outage is over: every request is then answered 2xx at once.
    recovered: Arc<std::sync::atomic::AtomicBool>,
}

impl Flaky {
    fn start(
        seed: u64,
        id_header: &'static str,
        refuse: f64,
        refuse_status: u16,
        slow: f64,
        slow_ms: std::ops::Range<u64>,
        quick_ms: std::ops::Range<u64>,
    ) -> Self {
        let server = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", server.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let rng = Arc::new(Mutex::new(fastrand::Rng::with_seed(seed)));
        let log = seen.clone();
        let recovered = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let over = recovered.clone();
        // Ends with the test process.
        std::thread::spawn(move || {
            for stream in server.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, rng, over) = (log.clone(), rng.clone(), over.clone());
                let (slow_ms, quick_ms) = (slow_ms.clone(), quick_ms.clone());
                std::thread::spawn(move || {
                    let Some((id, body)) = read_request(&stream, id_header) else {
                        return;
                    };
                    let (refused, delay) = {
                        let mut rng = rng.lock().unwrap();
                        let roll = rng.f64();
                        if over.load(std::sync::atomic::Ordering::SeqCst) {
                            (false, 0)
                        } else if roll < refuse {
                            (true, 0)
                        } else if roll < refuse + slow {
                            (false, rng.u64(slow_ms))
                        } else {
                            (false, rng.u64(quick_ms))
                        }
                    };
                    {
                        let mut log = log.lock().unwrap();
                        log.requests += 1;
                        log.refused += usize::from(refused);
                        log.slow += usize::from(!refused && delay >= 300);
                    }
                    std::thread::sleep(Duration::from_millis(delay));
                    let status = if refused {
                        format!("{refuse_status} Unavailable")
                    } else {
                        "200 OK".to_owned()
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let written = (&stream)
                        .write_all(answer.as_bytes())
                        .and_then(|()| (&stream).flush());
                    if written.is_ok() && !refused {
                        log.lock().unwrap().accepted.push((id, body));
                    }
                });
            }
        });
        Self {
            url,
            seen,
            recovered,
        }
    }

    /// End the outage.
    fn recover(&self) {
        self.recovered
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// How many 2xx each id was answered.
    fn accepted_ids(&self) -> BTreeMap<String, usize> {
        let mut ids = BTreeMap::new();
        for (id, _) in &self.seen.lock().unwrap().accepted {
            *ids.entry(id.clone()).or_insert(0) += 1;
        }
        ids
    }
}

/// The value of `id_header` and the body of one request; `None` if the client went away.
fn read_request(stream: &TcpStream, id_header: &str) -> Option<(String, String)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let (mut id, mut length) = (String::new(), 0usize);
    let prefix = format!("{id_header}:");
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix(&prefix) {
            id = value.trim().to_owned();
        }
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().ok()?;
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((id, String::from_utf8_lossy(&body).into_owned()))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn admin(
    harness: &Harness,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let url = format!("{}/{path}", harness.emulator.as_ref().unwrap().admin_url());
    harness.runtime.block_on(async {
        let client = reqwest::Client::new();
        let request = if method == "GET" {
            client.get(url)
        } else {
            client.post(url).json(&body)
        };
        let response = request.bearer_auth(&harness.key).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap_or(serde_json::Value::Null)
    })
}

struct Soak<'a> {
    harness: &'a Harness,
    enterprise: String,
    store: String,
    rules: std::path::PathBuf,
    logs: std::path::PathBuf,
    public_key: String,
    listen_port: u16,
    forward_to: String,
}

impl Soak<'_> {
    fn binary() -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("telnyx-reputation"));
        for var in [
            "TELNYX_API_KEY",
            "TELNYX_BASE_URL",
            "TELNYX_ENTERPRISE_ID",
            "TELNYX_PUBLIC_KEY",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// `monitor sync` as the cron line runs it, its stderr in `sync-N.err`.
    fn sync(&self, n: usize) -> (Kid, std::path::PathBuf) {
        let err = self.logs.join(format!("sync-{n}.err"));
        let child = Self::binary()
            .env("TELNYX_API_KEY", &self.harness.key)
            .args(["--base-url", &self.harness.base_url])
            .args(["--enterprise", &self.enterprise, "--max-billable", "1000"])
            .args(["monitor", "sync", "--store", &self.store, "--apply"])
            .args(["--wait-lock=60s", "--rules"])
            .arg(&self.rules)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap();
        (Kid(child), err)
    }

    /// `listen --forward-to` on its fixed port, once it accepts connections.
    fn listen(&self, n: usize) -> Kid {
        let out = |ext: &str| std::fs::File::create(self.logs.join(format!("listen-{n}.{ext}")));
        let child = Self::binary()
            .args(["listen", "--port", &self.listen_port.to_string()])
            .args(["--store", &self.store, "--public-key", &self.public_key])
            .args(["--forward-to", &self.forward_to])
            .stdout(out("out").unwrap())
            .stderr(out("err").unwrap())
            .spawn()
            .unwrap();
        let mut kid = Kid(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.listen_port)).is_err() {
            assert!(
                kid.0.try_wait().unwrap().is_none(),
                "listen exited: {}",
                std::fs::read_to_string(self.logs.join(format!("listen-{n}.err"))).unwrap()
            );
            assert!(Instant::now() < deadline, "listen did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        kid
    }

    fn outbox(&self) -> Vec<serde_json::Value> {
        let listed = json_of(self.harness.cli().args([
            "monitor",
            "outbox",
            "--all",
            "--store",
            &self.store,
        ]));
        listed.as_array().unwrap().clone()
    }
}

#[derive(Default, Debug)]
struct Runs {
    ok: usize,
    actions_failed: usize,
    killed: usize,
    kill_missed: usize,
    unexpected: Vec<String>,
    /// Wall time of each run that was not killed, in ms.
    durations: Vec<u64>,
}

#[test]
fn soak_200_syncs_and_a_receiver_under_failures_and_kills_lose_nothing_and_send_nothing_twice() {
    let seed = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!("soak seed {seed} (SOAK_SEED={seed} reruns this plan)");
    let started = Instant::now();
    let mut rng = fastrand::Rng::with_seed(seed);

    let harness = Harness::start("cli-soak");
    let enterprise = harness.approved_enterprise();
    let numbers: Vec<String> = (0..12)
        .map(|i| format!("+1312555{:04}", 6000 + i))
        .collect();
    let (risky, owned) = numbers.split_at(9);
    let rep = harness.client().reputation(&enterprise);
    harness.runtime.block_on(async {
        rep.numbers().add(&numbers).await.unwrap();
        for n in &numbers {
            rep.numbers().get(n).await.unwrap();
        }
    });
    for n in risky {
        admin(
            &harness,
            "POST",
            "numbers/reputation",
            serde_json::json!({"phone_number": n, "reputation_data": {"spam_risk": "low", "spam_category": null}}),
        );
    }

    let endpoint = Flaky::start(
        seed ^ 1,
        "x-telnyx-reputation-delivery-id",
        0.30,
        500,
        0.0,
        0..1,
        0..150,
    );
    let target = Flaky::start(
        seed ^ 2,
        "x-telnyx-reputation-event-id",
        0.20,
        503,
        0.15,
        300..1200,
        0..50,
    );

    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[[rule]]\nname = \"turned high\"\nwhen = {{ became_high = true }}\n\
             actions = [{{ type = \"notify\", url = \"{url}\" }}, \
             {{ type = \"remediate\", call_purpose = \"Appointment reminders\", max_per_run = 3 }}]\n\n\
             [[rule]]\nname = \"robocall\"\nwhen = {{ category_in = [\"robocall\"] }}\n\
             actions = [{{ type = \"notify\", url = \"{url}\" }}]\n",
            url = endpoint.url
        ),
    )
    .unwrap();
    let public_key = admin(
        &harness,
        "GET",
        "webhooks/public_key",
        serde_json::Value::Null,
    )["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let soak = Soak {
        harness: &harness,
        enterprise: enterprise.clone(),
        store: format!("sqlite://{}/m.sqlite", dir.path().display()),
        rules,
        logs: logs.clone(),
        public_key,
        listen_port: free_port(),
        forward_to: target.url.clone(),
    };

    // The first sync creates the store and records every number as added.
    let (mut first, err) = soak.sync(0);
    let status = first.0.wait().unwrap();
    assert!(
        status.success(),
        "{}",
        std::fs::read_to_string(err).unwrap()
    );
    let mut listener = soak.listen(0);
    let webhook = format!("http://127.0.0.1:{}/", soak.listen_port);
    json_of(
        harness
            .cli_for(&enterprise)
            .args(["reputation", "webhook", &webhook]),
    );

    let mut runs = Runs::default();
    let mut listen_kills = 0;
    let mut typical = Duration::from_millis(600);
    let listen_kill_at: BTreeSet<usize> = (1..=LISTEN_KILLS)
        .map(|k| k * SYNCS / (LISTEN_KILLS + 1))
        .collect();
    let mut remediations_advanced = 0;
    let run_one =
        |n: usize, kill_after: Option<Duration>, runs: &mut Runs, typical: &mut Duration| {
            let begun = Instant::now();
            let (mut kid, err) = soak.sync(n);
            if let Some(delay) = kill_after {
                std::thread::sleep(delay);
                if kid.0.try_wait().unwrap().is_none() {
                    kid.0.kill().unwrap();
                }
            }
            let status = kid.0.wait().unwrap();
            let stderr = std::fs::read_to_string(&err).unwrap_or_default();
            match (status.code(), status.signal()) {
                (_, Some(9)) => runs.killed += 1,
                (Some(0), _) => runs.ok += 1,
                (Some(1), _) if stderr.contains("rule actions failed") => runs.actions_failed += 1,
                _ => runs
                    .unexpected
                    .push(format!("sync {n}: {status:?}: {stderr}")),
            }
            if kill_after.is_some() && status.signal() != Some(9) {
                runs.kill_missed += 1;
            }
            if kill_after.is_none() {
                *typical = (*typical * 3 + begun.elapsed()) / 4;
                runs.durations
                    .push(u64::try_from(begun.elapsed().as_millis()).unwrap_or(u64::MAX));
                if std::env::var_os("SOAK_TRACE").is_some() {
                    eprintln!("sync {n}: {:?} {status:?}\n{stderr}", begun.elapsed());
                }
            }
            status.signal() == Some(9)
        };

    for n in 1..=SYNCS {
        // Change what the emulator reports: one to three numbers' risk and category.
        for _ in 0..rng.usize(1..=3) {
            let number = &risky[rng.usize(..risky.len())];
            let risk = ["low", "medium", "high"][rng.usize(..3)];
            let category =
                [None, Some("robocall"), Some("telemarketing"), Some("scam")][rng.usize(..4)];
            admin(
                &harness,
                "POST",
                "numbers/reputation",
                serde_json::json!({"phone_number": number, "reputation_data": {"spam_risk": risk, "spam_category": category}}),
            );
        }
        // Webhooks for `listen`: an ownership flag, cleared again later.
        if n % 3 == 0 {
            let number = &owned[rng.usize(..owned.len())];
            let status = ["pending_confirmation", "verified"][n / 3 % 2];
            admin(
                &harness,
                "POST",
                "numbers/ownership",
                serde_json::json!({"phone_number": number, "ownership_status": status, "flag_reason": "reverification_due"}),
            );
        }
        // The carriers finish what was submitted, so a second request for one decision
        // would be accepted (and billed) rather than refused as in flight.
        if n % 5 == 0 {
            let done = admin(
                &harness,
                "POST",
                "remediation/advance",
                serde_json::json!({"enterprise_id": enterprise, "status": "completed"}),
            );
            remediations_advanced += done["data"].as_array().map_or(0, Vec::len);
        }
        // Kill the receiver while deliveries arrive, and start it again on its port.
        if listen_kill_at.contains(&n) {
            let number = &owned[rng.usize(..owned.len())];
            admin(
                &harness,
                "POST",
                "numbers/ownership",
                serde_json::json!({"phone_number": number, "ownership_status": "flagged", "flag_reason": "reverification_due"}),
            );
            std::thread::sleep(Duration::from_millis(rng.u64(0..400)));
            listener.0.kill().unwrap();
            listener.0.wait().unwrap();
            listen_kills += 1;
            listener = soak.listen(listen_kills);
        }
        let left_kills = SYNC_KILLS.saturating_sub(runs.killed);
        // Spread over all but the last 20 runs, which take up any kill that came too late
        // (the run had already exited).
        let left_runs = (SYNCS + 1 - n).saturating_sub(20).max(1);
        let kill_after = (left_kills > 0 && rng.usize(..left_runs) < left_kills).then(|| {
            let ms = u64::try_from(typical.as_millis()).unwrap_or(1000).max(50);
            Duration::from_millis(rng.u64(0..ms))
        });
        run_one(n, kill_after, &mut runs, &mut typical);
    }
    let main_phase = started.elapsed();
    // The outage ends. A row that failed 7 times in a row is given up at its 8th failure
    // (`outbox::MAX_ATTEMPTS`, reached about 2-4 minutes after the first); the 200 syncs
    // take less than that, so no row is given up before this point.
    endpoint.recover();
    target.recover();

    // Drain: more syncs (no more changes), one a second, until nothing is pending (each
    // row waits out its backoff), within 3 minutes.
    let mut drain_syncs = 0;
    let drain_deadline = Instant::now() + Duration::from_secs(180);
    let final_outbox = loop {
        let outbox = soak.outbox();
        let pending = outbox.iter().filter(|i| i["state"] == "pending").count();
        if pending == 0 {
            break outbox;
        }
        assert!(
            Instant::now() < drain_deadline,
            "still pending after the drain: {outbox:#?}"
        );
        std::thread::sleep(Duration::from_millis(1000));
        drain_syncs += 1;
        run_one(SYNCS + drain_syncs, None, &mut runs, &mut typical);
    };
    drop(listener);
    let wall = started.elapsed();

    // --- What the store decided.
    let of_kind = |kind: &str| -> Vec<&serde_json::Value> {
        final_outbox.iter().filter(|i| i["kind"] == kind).collect()
    };
    let (notify_rows, remediate_rows, forward_rows) =
        (of_kind("notify"), of_kind("remediate"), of_kind("forward"));
    let failed: Vec<_> = final_outbox
        .iter()
        .filter(|i| i["state"] != "done")
        .collect();

    // --- Notifications, at the endpoint.
    let accepted = endpoint.accepted_ids();
    let decided: BTreeSet<String> = notify_rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let delivered: BTreeSet<String> = accepted.keys().cloned().collect();
    let notify_duplicates: usize = accepted.values().map(|n| n - 1).sum();
    // Each change a rule matched, in the store, against the notifications accepted (one
    // body per delivery id).
    let changes = json_of(harness.cli_for(&enterprise).args([
        "monitor",
        "changes",
        "--since",
        "1d",
        "--store",
        &soak.store,
    ]));
    let mut expected: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for c in changes.as_array().unwrap() {
        let key = |rule: &str| {
            (
                rule.to_owned(),
                c["phone_number"].as_str().unwrap().to_owned(),
                c["at"].as_str().unwrap().to_owned(),
            )
        };
        if c["kind"] == "risk_up" && c["new_value"] == "high" {
            *expected.entry(key("turned high")).or_insert(0) += 1;
        }
        if (c["kind"] == "category_set" || c["kind"] == "category_changed")
            && c["new_value"] == "robocall"
        {
            *expected.entry(key("robocall")).or_insert(0) += 1;
        }
    }
    let mut notified: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut bodies: BTreeMap<String, String> = BTreeMap::new();
    for (id, body) in &endpoint.seen.lock().unwrap().accepted {
        bodies.insert(id.clone(), body.clone());
    }
    for body in bodies.values() {
        let m: serde_json::Value = serde_json::from_str(body).unwrap();
        let rule = m["rule"].as_str().unwrap();
        for number in m["numbers"].as_array().unwrap() {
            let at: BTreeSet<&str> = m["changes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["phone_number"] == *number)
                .map(|c| c["at"].as_str().unwrap())
                .collect();
            for at in at {
                *notified
                    .entry((
                        rule.to_owned(),
                        number.as_str().unwrap().to_owned(),
                        at.to_owned(),
                    ))
                    .or_insert(0) += 1;
            }
        }
    }
    let matched_changes = expected.len();

    // --- Remediations, in the emulator.
    let listed = json_of(harness.cli_for(&enterprise).args(["remediation", "list"]));
    let requests: BTreeMap<String, usize> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["phone_numbers_count"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let ledger = harness.ledger();
    let mut billed: BTreeMap<String, usize> = BTreeMap::new();
    for e in ledger["entries"].as_array().unwrap() {
        if e["action"] == "remediations" {
            *billed
                .entry(e["phone_number"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    let mut submitted_by_rows: BTreeMap<String, usize> = BTreeMap::new();
    let mut in_flight_answers = 0;
    let mut numbers_by_rows: BTreeMap<String, usize> = BTreeMap::new();
    for row in &remediate_rows {
        let result = row["result"].as_str().unwrap_or_default();
        if result.starts_with("already in flight") {
            in_flight_answers += 1;
            continue;
        }
        *submitted_by_rows.entry(result.to_owned()).or_insert(0) += 1;
        for n in row["payload"]["numbers"].as_array().unwrap() {
            *numbers_by_rows
                .entry(n.as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }

    // --- Forwards, at the target.
    let forwarded = target.accepted_ids();
    let forward_duplicates: usize = forwarded.values().map(|n| n - 1).sum();
    let deliveries = admin(
        &harness,
        "GET",
        "webhooks/deliveries",
        serde_json::Value::Null,
    );
    let answered: BTreeSet<String> = deliveries["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["status"]
                .as_u64()
                .is_some_and(|s| (200..300).contains(&s))
        })
        .map(|d| d["event_id"].as_str().unwrap().to_owned())
        .collect();
    let sent_events: BTreeSet<String> = deliveries["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event_id"].as_str().unwrap().to_owned())
        .collect();
    let forward_ids: BTreeSet<String> = forward_rows
        .iter()
        .map(|r| r["payload"]["event_id"].as_str().unwrap().to_owned())
        .collect();

    let (endpoint_seen, target_seen) = (endpoint.seen.lock().unwrap(), target.seen.lock().unwrap());
    println!("soak counts (seed {seed}):");
    println!(
        "  syncs run {}: {} main + {} drain; exit 0 {}, exit 1 (an action failed, kept) {}, killed (SIGKILL) {}, kill came after exit {}",
        SYNCS + drain_syncs + 1,
        SYNCS,
        drain_syncs,
        runs.ok + 1,
        runs.actions_failed,
        runs.killed,
        runs.kill_missed
    );
    println!("  listen killed (SIGKILL) and restarted {listen_kills}");
    println!(
        "  changes recorded {}, matched by a notify rule {matched_changes}",
        changes.as_array().unwrap().len()
    );
    println!(
        "  notifications decided {}, delivered (distinct ids accepted) {}, lost {}, accepted twice {notify_duplicates}; endpoint requests {}, answered 500 {}",
        decided.len(),
        delivered.intersection(&decided).count(),
        decided.difference(&delivered).count(),
        endpoint_seen.requests,
        endpoint_seen.refused
    );
    println!(
        "  remediations decided {}, submitted {} (requests in the emulator {}, numbers billed {}), answered 'already in flight' {in_flight_answers}, completed by the test while in flight {remediations_advanced}",
        remediate_rows.len(),
        submitted_by_rows.len(),
        requests.len(),
        billed.values().sum::<usize>()
    );
    println!(
        "  webhooks: events sent by the emulator {}, answered 2xx by listen {}, forwards recorded {}, reached the target {}, accepted twice {forward_duplicates}; target requests {}, answered 503 {}, slow {}",
        sent_events.len(),
        answered.len(),
        forward_ids.len(),
        forwarded.len(),
        target_seen.requests,
        target_seen.refused,
        target_seen.slow
    );
    let retried = |rows: &[&serde_json::Value]| {
        let attempts = rows.iter().map(|r| r["attempts"].as_i64().unwrap_or(0));
        (
            attempts.clone().filter(|a| *a > 1).count(),
            attempts.max().unwrap_or(0),
        )
    };
    println!(
        "  outbox rows sent more than once (retried or in doubt after a kill), most attempts: notify {:?}, remediate {:?}, forward {:?}",
        retried(&notify_rows),
        retried(&remediate_rows),
        retried(&forward_rows)
    );
    println!(
        "  outbox rows not done {}; wall time {:.1} s ({:.1} s for the {SYNCS} syncs)",
        failed.len(),
        wall.as_secs_f64(),
        main_phase.as_secs_f64()
    );
    drop((endpoint_seen, target_seen));

    assert!(
        runs.unexpected.is_empty(),
        "unexpected exits: {:#?}",
        runs.unexpected
    );
    assert_eq!(runs.killed, SYNC_KILLS, "{runs:?}");
    assert!(failed.is_empty(), "rows given up: {failed:#?}");
    // Notifications: none lost, none invented, each matched change in exactly one.
    assert!(!decided.is_empty() && matched_changes > 0);
    assert_eq!(
        delivered, decided,
        "the endpoint accepted exactly the decided notifications"
    );
    assert_eq!(
        notified,
        expected.clone(),
        "each matched change in exactly one notification"
    );
    assert!(expected.values().all(|n| *n == 1));
    assert!(
        notify_duplicates <= runs.killed,
        "a repeat needs a kill between acceptance and mark-done: {notify_duplicates}"
    );
    // Remediations: one request per decision that submitted, in the emulator's list and
    // in its ledger.
    assert!(!submitted_by_rows.is_empty());
    assert!(
        submitted_by_rows.values().all(|n| *n == 1),
        "{submitted_by_rows:?}"
    );
    assert_eq!(
        submitted_by_rows.keys().collect::<BTreeSet<_>>(),
        requests.keys().collect::<BTreeSet<_>>(),
        "each request in the emulator was submitted by exactly one decision"
    );
    assert_eq!(
        billed, numbers_by_rows,
        "billed numbers match the decisions"
    );
    // Forwards: each webhook `listen` answered 2xx was recorded and reached the target.
    assert!(!answered.is_empty());
    assert!(
        answered.is_subset(&forward_ids),
        "recorded everything it answered 2xx"
    );
    assert_eq!(
        forwarded.keys().cloned().collect::<BTreeSet<_>>(),
        forward_ids,
        "the target accepted each recorded event"
    );
    assert!(
        forward_duplicates <= listen_kills,
        "a repeat needs a kill between acceptance and mark-done: {forward_duplicates}"
    );
}
