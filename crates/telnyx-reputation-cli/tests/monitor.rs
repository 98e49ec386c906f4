//! `monitor sync|history|changes|report` and `listen` end to end: the binary against an
//! in-process emulator, with SQLite stores in temp dirs and real signed deliveries.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Harness, json_of};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use telnyx_reputation::webhooks;

/// An approved enterprise with `count` numbers, each read once so lists carry data.
fn fleet(harness: &Harness, count: usize) -> (String, Vec<String>) {
    let enterprise = harness.approved_enterprise();
    let numbers: Vec<String> = (0..count)
        .map(|i| format!("+1312555{:04}", 4000 + i))
        .collect();
    let rep = harness.client().reputation(&enterprise);
    harness.runtime.block_on(async {
        rep.numbers().add(&numbers).await.unwrap();
        for n in &numbers {
            rep.numbers().get(n).await.unwrap();
        }
    });
    (enterprise, numbers)
}

fn admin(harness: &Harness, path: &str, body: serde_json::Value) -> serde_json::Value {
    let url = format!("{}/{path}", harness.emulator.as_ref().unwrap().admin_url());
    harness.runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(url)
            .bearer_auth(&harness.key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.json().await.unwrap_or(serde_json::Value::Null)
    })
}

fn ledger(harness: &Harness) -> serde_json::Value {
    let url = format!("{}/ledger", harness.emulator.as_ref().unwrap().admin_url());
    harness.runtime.block_on(async {
        reqwest::Client::new()
            .get(url)
            .bearer_auth(&harness.key)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()["data"]
            .clone()
    })
}

#[test]
fn sync_reports_a_number_turning_high_and_fail_on_exits_5() {
    let harness = Harness::start("cli-monitor-sync");
    let (enterprise, numbers) = fleet(&harness, 8);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let sync = || {
        let mut cmd = harness.cli_for(&enterprise);
        cmd.args(["monitor", "sync", "--store", &store]);
        cmd
    };
    let first = json_of(&mut sync());
    assert_eq!(first["sync"]["readings_written"], 8);
    let quiet = sync().args(["--fail-on", "change"]).assert().success();
    assert!(
        String::from_utf8_lossy(&quiet.get_output().stderr)
            .contains("0 reading(s) written, 0 change(s)")
    );
    let target = numbers
        .iter()
        .find(|n| {
            let sync = &first["sync"]["changes"];
            sync.as_array()
                .unwrap()
                .iter()
                .any(|c| c["phone_number"] == n.as_str() && c["new_value"] == "low")
        })
        .expect("a low number")
        .clone();
    admin(
        &harness,
        "numbers/reputation",
        serde_json::json!({"phone_number": target, "reputation_data": {"spam_risk": "high", "spam_category": "robocall"}}),
    );
    sync()
        .args(["--fail-on", "high", "--format", "csv"])
        .assert()
        .code(5)
        .stdout(contains(format!("{target},risk_up,spam_risk,low,high")))
        .stderr(contains("number(s) are high"));
    let history = json_of(
        harness
            .cli()
            .args(["monitor", "history", &target, "--store", &store]),
    );
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[1]["spam_category"], "robocall");
    let changes = json_of(
        harness
            .cli()
            .args(["monitor", "changes", "--since", "1h", "--store", &store]),
    );
    assert_eq!(
        changes.as_array().unwrap().len(),
        8 + 2,
        "8 added, then risk_up and category_set"
    );
    let report = dir.path().join("r.html");
    harness
        .cli()
        .args(["monitor", "report", "--store", &store, "--out"])
        .arg(&report)
        .assert()
        .success()
        .stdout(contains("report written to"));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<svg") && html.contains(&target),
        "the report charts and lists the change"
    );
    let csv = dir.path().join("r.csv");
    harness
        .cli()
        .args([
            "monitor", "report", "--format", "csv", "--store", &store, "--out",
        ])
        .arg(&csv)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap().lines().count(),
        1 + 8 + 1
    );
}

#[test]
fn fresh_sync_spends_the_max_billable_budget_and_is_refused_past_it_before_any_call() {
    let harness = Harness::start("cli-monitor-fresh");
    let (enterprise, _) = fleet(&harness, 3);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--fresh", "--store", &store])
        .assert()
        .code(2)
        .stderr(contains("--max-billable").and(contains("nothing was sent")));
    let before = ledger(&harness)["live_lookups"].as_u64().unwrap();
    harness
        .cli_for(&enterprise)
        .args([
            "monitor",
            "sync",
            "--fresh",
            "--max-billable",
            "2",
            "--store",
            &store,
        ])
        .assert()
        .code(2)
        .stderr(
            contains("3 billable request(s) (numbers.get_fresh: live_lookups)")
                .and(contains("allows 2 more")),
        );
    assert_eq!(ledger(&harness)["live_lookups"].as_u64().unwrap(), before);
    // The same global budget the other commands take; the plan line says what is left.
    let allowed = harness
        .cli_for(&enterprise)
        .args([
            "--max-billable",
            "5",
            "monitor",
            "sync",
            "--fresh",
            "--store",
            &store,
        ])
        .assert()
        .success();
    assert!(
        String::from_utf8_lossy(&allowed.get_output().stderr)
            .contains("3 billable fresh read(s) (max_billable 5: 2 left)"),
        "{:?}",
        allowed.get_output()
    );
    assert_eq!(
        ledger(&harness)["live_lookups"].as_u64().unwrap(),
        before + 3
    );
}

#[test]
fn rules_remediate_only_with_apply() {
    let harness = Harness::start("cli-monitor-rules");
    let (enterprise, numbers) = fleet(&harness, 4);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"turned high\"\nwhen = { became_high = true }\nactions = [{ type = \"remediate\", call_purpose = \"Appointment reminders\", max_per_run = 5 }]\n",
    )
    .unwrap();
    let sync = |apply: bool| {
        let mut cmd = harness.cli_for(&enterprise);
        cmd.args(["monitor", "sync", "--store", &store, "--rules"])
            .arg(&rules);
        if apply {
            cmd.args(["--apply", "--max-billable", "5"]);
        }
        json_of(&mut cmd)
    };
    sync(false);
    for n in &numbers[..2] {
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": n, "reputation_data": {"spam_risk": "low"}}),
        );
    }
    sync(false);
    for n in &numbers[..2] {
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": n, "reputation_data": {"spam_risk": "high"}}),
        );
    }
    let dry = sync(false);
    assert_eq!(dry["rules"][0]["applied"], false);
    assert_eq!(
        dry["rules"][0]["numbers"],
        serde_json::json!([numbers[0], numbers[1]])
    );
    let listed = json_of(harness.cli_for(&enterprise).args(["remediation", "list"]));
    assert_eq!(
        listed.as_array().unwrap().len(),
        0,
        "a dry run sends nothing"
    );
    // Back to low and high again, this time applied.
    for risk in ["low", "high"] {
        for n in &numbers[..2] {
            admin(
                &harness,
                "numbers/reputation",
                serde_json::json!({"phone_number": n, "reputation_data": {"spam_risk": risk}}),
            );
        }
        if risk == "low" {
            sync(false);
        }
    }
    // Remediation is billable: --apply without a budget is refused before anything.
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store, "--apply", "--rules"])
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(contains("--max-billable").and(contains("nothing was synced")));
    let applied = sync(true);
    assert_eq!(applied["rules"][0]["applied"], true);
    assert!(applied["rules"][0]["remediation_id"].is_string());
    let listed = json_of(harness.cli_for(&enterprise).args(["remediation", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // The two numbers submitted are recorded as spent ($1.00 each), with the delivery.
    let spend = json_of(
        harness
            .cli_for(&enterprise)
            .args(["monitor", "spend", "--store", &store]),
    );
    let remediated: u64 = spend["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["remediations"].as_u64().unwrap())
        .sum();
    assert_eq!(remediated, 2, "{spend}");
    assert_eq!(
        spend["days"][0]["remediations_usd"]["usd"], "2.00",
        "{spend}"
    );
}

#[test]
fn a_bad_rules_file_is_a_usage_error_naming_the_line() {
    let harness = Harness::start("cli-monitor-bad-rules");
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"x\"\nwhen = { becomes_high = true }\nactions = []\n",
    )
    .unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    harness
        .cli_for("e")
        .args(["monitor", "sync", "--store", &store, "--rules"])
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(
            contains("rules.toml")
                .and(contains("line 3"))
                .and(contains("becomes_high")),
        );
}

#[test]
fn rules_with_one_name_twice_are_refused_and_an_unknown_category_is_warned() {
    let harness = Harness::start("cli-monitor-rule-names");
    let (enterprise, _) = fleet(&harness, 1);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"watch\"\nwhen = { became_high = true }\nactions = [{ type = \"remediate\", call_purpose = \"Reminders\" }]\n\n\
         [[rule]]\nname = \"watch\"\nwhen = { score_dropped_by = 5 }\nactions = [{ type = \"print\" }]\n",
    )
    .unwrap();
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store, "--apply", "--rules"])
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(contains(
            "two rules are named \"watch\" (line 2 and line 7)",
        ));
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"robo\"\nwhen = { category_in = [\"robocal\"] }\nactions = [{ type = \"print\" }]\n",
    )
    .unwrap();
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store, "--rules"])
        .arg(&rules)
        .assert()
        .success()
        .stderr(
            contains("warning: rule \"robo\": category_in \"robocal\"").and(contains(
                "known: telemarketing, robocall, scam, debt_collection",
            )),
        );
}

#[test]
fn a_notification_to_a_dead_endpoint_is_kept_listed_and_sent_by_the_next_sync() {
    let harness = Harness::start("cli-monitor-outbox");
    let (enterprise, numbers) = fleet(&harness, 2);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    // An endpoint that answers 503, then comes up.
    let sink = Sink::down("x-telnyx-reputation-delivery-id:");
    let port = sink.port;
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[[rule]]\nname = \"turned high\"\nwhen = {{ became_high = true }}\n\
             actions = [{{ type = \"notify\", url = \"http://127.0.0.1:{port}/hook\" }}]\n"
        ),
    )
    .unwrap();
    let sync = || {
        let mut cmd = harness.cli_for(&enterprise);
        cmd.args(["monitor", "sync", "--store", &store, "--rules"])
            .arg(&rules);
        cmd
    };
    admin(
        &harness,
        "numbers/reputation",
        serde_json::json!({"phone_number": numbers[0], "reputation_data": {"spam_risk": "low"}}),
    );
    sync().assert().success();
    admin(
        &harness,
        "numbers/reputation",
        serde_json::json!({"phone_number": numbers[0], "reputation_data": {"spam_risk": "high"}}),
    );
    sync()
        .assert()
        .code(1)
        .stderr(contains("kept in the outbox and retried by the next sync"));
    let listed = json_of(
        harness
            .cli_for(&enterprise)
            .args(["monitor", "outbox", "--store", &store]),
    );
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["kind"], "notify");
    assert_eq!(listed[0]["state"], "pending");
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    // The endpoint comes up; the retry is due once its backoff has passed.
    let received = sink.up();
    // The first retry is due 1-2 s after the failure (1 s and up to 1 s of jitter).
    std::thread::sleep(Duration::from_millis(2500));
    let next = json_of(&mut sync());
    assert_eq!(next["sync"]["changes"].as_array().unwrap().len(), 0);
    assert_eq!(next["rules"][0]["action"], "notified", "{next}");
    assert_eq!(*received.lock().unwrap(), vec![id]);
    let listed = json_of(
        harness
            .cli_for(&enterprise)
            .args(["monitor", "outbox", "--store", &store]),
    );
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");
}

#[test]
fn a_channel_in_the_rules_file_carries_an_alert_that_monitor_alerts_lists() {
    let harness = Harness::start("cli-monitor-alerts");
    let (enterprise, numbers) = fleet(&harness, 2);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let sink = Sink::up_now("x-telnyx-reputation-delivery-id:");
    let (port, received) = (sink.port, sink.received.clone());
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[[channel]]\nname = \"ops\"\ntype = \"slack\"\nurl = \"http://127.0.0.1:{port}/hook\"\n\n\
             [[rule]]\nname = \"high\"\nwhen = {{ is_high = true }}\n\
             actions = [{{ type = \"notify\", channel = \"ops\" }}]\n"
        ),
    )
    .unwrap();
    let set = |risk: &str| {
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": numbers[0], "reputation_data": {"spam_risk": risk}}),
        );
    };
    let sync = || {
        harness
            .cli_for(&enterprise)
            .args(["monitor", "sync", "--store", &store, "--rules"])
            .arg(&rules)
            .assert()
            .success();
    };
    let alerts = |extra: &[&str]| {
        json_of(
            harness
                .cli_for(&enterprise)
                .args(["monitor", "alerts", "--store", &store])
                .args(extra),
        )
    };
    set("high");
    sync();
    let open = alerts(&[]);
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["state"], "open");
    assert_eq!(open[0]["subject"], numbers[0].as_str());
    assert_eq!(open[0]["rule"], "high");
    sync();
    assert_eq!(received.lock().unwrap().len(), 1, "opened once");
    set("low");
    sync();
    assert_eq!(alerts(&[]).as_array().unwrap().len(), 0);
    let all = alerts(&["--all"]);
    assert_eq!(all[0]["state"], "resolved", "{all}");
    assert_eq!(received.lock().unwrap().len(), 2, "and resolved once");
}

/// A minimal HTTP server on 127.0.0.1:`port` answering 200 to every request and keeping
/// the value of the header `header` (lower case, with its colon) of each.
/// A loopback HTTP receiver on a port of its own, held from the start so that no other
/// test can be given it. While down it answers every request 503 (a failed delivery, as a
/// dead endpoint's); once up it answers 200 and records `header`'s value of each request.
struct Sink {
    port: u16,
    received: Arc<Mutex<Vec<String>>>,
    up: Arc<AtomicBool>,
}

impl Sink {
    fn down(header: &'static str) -> Sink {
        let received = Arc::new(Mutex::new(Vec::<String>::new()));
        let up = Arc::new(AtomicBool::new(false));
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let (log, answering) = (received.clone(), up.clone());
        std::thread::spawn(move || {
            for stream in server.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut value) = (0, None);
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let lower = line.to_ascii_lowercase();
                    if let Some(found) = lower.strip_prefix(header) {
                        value = Some(found.trim().to_owned());
                    }
                    if let Some(found) = lower.strip_prefix("content-length:") {
                        length = found.trim().parse().unwrap();
                    }
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                }
                let mut body = vec![0; length];
                std::io::Read::read_exact(&mut reader, &mut body).unwrap();
                let status = if answering.load(Ordering::SeqCst) {
                    log.lock().unwrap().extend(value);
                    "200 OK"
                } else {
                    "503 Service Unavailable"
                };
                let answer =
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                std::io::Write::write_all(&mut stream, answer.as_bytes()).unwrap();
            }
        });
        Sink { port, received, up }
    }

    fn up_now(header: &'static str) -> Sink {
        let sink = Sink::down(header);
        sink.up();
        sink
    }

    /// Answer 200 from now on; what was received since.
    fn up(&self) -> Arc<Mutex<Vec<String>>> {
        self.up.store(true, Ordering::SeqCst);
        self.received.clone()
    }
}

#[test]
fn listen_replay_sends_the_forwards_that_failed_again() {
    use telnyx_reputation_monitor::outbox::{self, DeliverOptions, NewOutboxItem, OutboxKind};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    // An endpoint that answers 503 to every attempt, then comes up.
    let sink = Sink::down("x-telnyx-reputation-event-id:");
    let port = sink.port;
    let opened = runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    let item = NewOutboxItem {
        kind: OutboxKind::Forward,
        idempotency_key: "forward|ev-replay".into(),
        enterprise_id: None,
        rule: None,
        target: format!("http://127.0.0.1:{port}/app"),
        payload: serde_json::json!({ "event_id": "ev-replay", "headers": [], "body": "{}" }),
    };
    runtime.block_on(opened.enqueue(&[item])).unwrap();
    // Nothing listens: every attempt fails, until the row is given up.
    let all = DeliverOptions {
        ignore_schedule: true,
        ..DeliverOptions::default()
    };
    for _ in 0..outbox::MAX_ATTEMPTS {
        runtime
            .block_on(outbox::deliver(&opened, None, &all))
            .unwrap();
    }
    let listed = json_of(
        assert_cmd::Command::cargo_bin("telnyx-reputation")
            .unwrap()
            .args(["monitor", "outbox", "--store", &store]),
    );
    assert_eq!(listed[0]["state"], "failed", "{listed}");
    let received = sink.up();
    assert_cmd::Command::cargo_bin("telnyx-reputation")
        .unwrap()
        .args(["listen", "replay", "--store", &store])
        .assert()
        .success()
        .stdout(contains("forwarded ev-replay"))
        .stderr(contains("1 failed forward(s) put back; 1 delivered"));
    assert_eq!(*received.lock().unwrap(), vec!["ev-replay".to_owned()]);
    let listed = json_of(
        assert_cmd::Command::cargo_bin("telnyx-reputation")
            .unwrap()
            .args(["monitor", "outbox", "--store", &store]),
    );
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");
}

#[test]
fn a_notification_given_up_is_put_back_by_retry_failed_and_sent() {
    use telnyx_reputation_monitor::outbox::{self, DeliverOptions, NewOutboxItem, OutboxKind};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    // An endpoint that answers 503 to every attempt, then comes up.
    let sink = Sink::down("x-telnyx-reputation-delivery-id:");
    let port = sink.port;
    let opened = runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    let item = NewOutboxItem {
        kind: OutboxKind::Notify,
        idempotency_key: "notify|rule|e|+12025550100|1".into(),
        enterprise_id: Some("e".into()),
        rule: Some("turned high".into()),
        target: format!("http://127.0.0.1:{port}/hook"),
        payload: serde_json::json!({ "body": { "rule": "turned high" } }),
    };
    runtime.block_on(opened.enqueue(&[item])).unwrap();
    // The endpoint stays down through every attempt: the row is given up.
    let all = DeliverOptions {
        ignore_schedule: true,
        ..DeliverOptions::default()
    };
    for _ in 0..outbox::MAX_ATTEMPTS {
        runtime
            .block_on(outbox::deliver(&opened, None, &all))
            .unwrap();
    }
    let outbox = |extra: &[&str]| {
        json_of(
            common::bare_cli()
                .args(["monitor", "outbox", "--store", &store])
                .args(extra),
        )
    };
    assert_eq!(outbox(&[])[0]["state"], "failed");
    // Back up: put back, then delivered by the next delivery run, with its delivery id.
    let listed = outbox(&["--retry-failed"]);
    assert_eq!(listed[0]["state"], "pending", "{listed}");
    assert_eq!(listed[0]["attempts"], 0, "{listed}");
    let received = sink.up();
    let report = runtime
        .block_on(outbox::deliver(&opened, None, &DeliverOptions::default()))
        .unwrap();
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(received.lock().unwrap().len(), 1);
    assert_eq!(outbox(&[]).as_array().unwrap().len(), 0);
}

#[test]
fn a_second_sync_of_one_enterprise_stops_naming_the_holder() {
    let harness = Harness::start("cli-monitor-lock");
    let (enterprise, _) = fleet(&harness, 1);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let opened = harness
        .runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    let lock = harness
        .runtime
        .block_on(opened.lock_sync(&enterprise, None))
        .unwrap();
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store])
        .assert()
        .code(1)
        .stderr(
            contains(format!(
                "another sync of enterprise {enterprise} is running"
            ))
            .and(contains(format!("pid {}", std::process::id())))
            .and(contains("--wait-lock")),
        );
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store, "--wait-lock=1s"])
        .assert()
        .code(1)
        .stderr(contains("still held after waiting 1 s"));
    harness.runtime.block_on(lock.release()).unwrap();
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store, "--wait-lock"])
        .assert()
        .success();
    let counts = harness.runtime.block_on(opened.counts()).unwrap();
    assert_eq!(counts.sweeps, 1, "only the sync that held the lock ran");
}

struct Listener {
    child: Child,
    url: String,
    /// What it prints after the bound URL, line by line.
    lines: std::sync::mpsc::Receiver<String>,
    /// What it prints on stderr, line by line.
    errors: std::sync::mpsc::Receiver<String>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Listener {
    /// SIGTERM, as a service manager stops it; its exit status.
    fn terminate(&mut self) -> std::process::ExitStatus {
        let stopped = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(stopped.success());
        self.child.wait().unwrap()
    }

    /// The next stderr line containing `text` (the others are skipped), within 15 s.
    fn error_line(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.errors.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("no stderr line with {text:?}: {e}"),
            }
        }
    }
}

fn lines_of(stream: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (sender, lines) = std::sync::mpsc::channel();
    // Ends with the child's stream.
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

fn listen(store: &str, public_key: &str) -> Listener {
    listen_with(store, public_key, &[])
}

fn listen_with(store: &str, public_key: &str, extra: &[&str]) -> Listener {
    let binary = assert_cmd::cargo::cargo_bin("telnyx-reputation");
    let mut child = std::process::Command::new(binary)
        .args([
            "listen",
            "--port",
            "0",
            "--store",
            store,
            "--public-key",
            public_key,
        ])
        .args(extra)
        .env_remove("TELNYX_PUBLIC_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the bound URL first")
        .to_owned();
    let lines = lines_of(stdout);
    let errors = lines_of(child.stderr.take().unwrap());
    Listener {
        child,
        url,
        lines,
        errors,
    }
}

/// The emulator's admin GET `path` for the harness's account.
fn admin_get(harness: &Harness, path: &str) -> serde_json::Value {
    let url = format!("{}/{path}", harness.emulator.as_ref().unwrap().admin_url());
    harness.runtime.block_on(async {
        reqwest::Client::new()
            .get(url)
            .bearer_auth(&harness.key)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    })
}

#[test]
fn listen_records_the_emulators_signed_deliveries_and_refuses_forged_ones() {
    let harness = Harness::start("cli-listen");
    let (enterprise, numbers) = fleet(&harness, 2);
    let public_key = admin_get(&harness, "webhooks/public_key")["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let mut listener = listen(&store, &public_key);
    // The listener is a loopback http:// receiver: `reputation webhook` takes it.
    let webhook = listener.url.clone();
    let set = json_of(
        harness
            .cli_for(&enterprise)
            .args(["reputation", "webhook", &webhook]),
    );
    assert_eq!(set["webhook_url"], webhook.as_str());
    admin(
        &harness,
        "numbers/ownership",
        serde_json::json!({"phone_number": numbers[1], "ownership_status": "pending_confirmation", "flag_reason": "reverification_due"}),
    );
    let line = listener
        .lines
        .recv_timeout(Duration::from_secs(15))
        .expect("listen prints the emulator's delivery");
    assert!(
        line.starts_with("recorded number_reputation.number.flagged ")
            && line.contains(&format!(
                "{} flag_reason=reverification_due confirm_by=",
                numbers[1]
            )),
        "{line}"
    );
    let deliveries = admin_get(&harness, "webhooks/deliveries");
    assert!(
        deliveries["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["event_type"] == "number_reputation.number.flagged"
                && d["url"] == listener.url.as_str()
                && d["status"] == 200),
        "{deliveries}"
    );
    // A forged delivery (signed with another key by the test signer): 401, nothing printed.
    let body = serde_json::json!({
        "data": {"id": "a5c0a3b0-1111-4222-8333-944455556666", "event_type": "number_reputation.number.flagged",
                 "occurred_at": chrono::Utc::now().to_rfc3339(), "record_type": "event",
                 "payload": {"confirm_by": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339(),
                             "enterprise_id": enterprise, "flag_reason": "reverification_due",
                             "ownership_status": "pending_confirmation", "phone_number": numbers[0],
                             "record_type": "reputation_phone_number", "source": "telnyx"}},
        "meta": {"attempt": 1, "delivered_to": listener.url.clone()}
    })
    .to_string();
    let mut request = reqwest::Client::new()
        .post(&listener.url)
        .timeout(Duration::from_secs(10))
        .body(body.clone());
    for (name, value) in webhooks::sign(
        body.as_bytes(),
        chrono::Utc::now().timestamp(),
        "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=",
    )
    .unwrap()
    {
        request = request.header(name, value);
    }
    let forged = harness
        .runtime
        .block_on(async { request.send().await.unwrap().status().as_u16() });
    assert_eq!(forged, 401);
    let _ = listener.child.kill();
    let _ = listener.child.wait();
    // The child is gone, so its stdout ends and so does this.
    let rest: Vec<String> = listener.lines.iter().collect();
    assert!(
        rest.is_empty(),
        "the forged delivery printed nothing: {rest:?}"
    );
}

#[test]
fn listen_refuses_to_start_without_a_valid_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    common::bare_cli()
        .args(["listen", "--port", "0", "--store", &store])
        .assert()
        .code(2)
        .stderr(contains("no public key"));
    common::bare_cli()
        .args([
            "listen",
            "--port",
            "0",
            "--store",
            &store,
            "--public-key",
            "bm90LWEta2V5",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "--public-key: webhook verification failed: the public key must be 32 bytes",
        ));
}

#[test]
fn listen_with_another_accounts_key_says_why_each_delivery_is_refused_and_sums_up() {
    let harness = Harness::start("cli-listen-wrong-key");
    let (enterprise, numbers) = fleet(&harness, 1);
    // A valid key, but not the emulator's: every genuine delivery fails verification.
    let other_key = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let mut listener = listen(&store, other_key);
    listener.error_line("recording deliveries in the store");
    json_of(
        harness
            .cli_for(&enterprise)
            .args(["reputation", "webhook", &listener.url]),
    );
    admin(
        &harness,
        "numbers/ownership",
        serde_json::json!({"phone_number": numbers[0], "ownership_status": "pending_confirmation", "flag_reason": "reverification_due"}),
    );
    let line = listener.error_line("rejected");
    assert!(
        line.starts_with("rejected (bad signature, 401): "),
        "{line}"
    );
    // A delivery that is not one at all: its own reason.
    let malformed = harness.runtime.block_on(async {
        reqwest::Client::new()
            .post(&listener.url)
            .body("{}")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(malformed, 400);
    let line = listener.error_line("rejected");
    assert!(
        line.starts_with("rejected (malformed, 400): missing "),
        "{line}"
    );
    // SIGTERM: a clean stop, exit 0, with the count of what was refused and why.
    let status = listener.terminate();
    assert!(status.success(), "{status:?}");
    let summary = listener.error_line("stopped;");
    assert!(
        summary.starts_with("SIGTERM: stopped; 0 delivery(ies) verified, ")
            && summary.contains(" bad signature")
            && summary.contains("1 malformed")
            && summary.contains(dir.path().to_str().unwrap()),
        "{summary}"
    );
}

#[test]
fn listen_closes_a_connection_whose_request_head_never_completes() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let key = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";
    let listener = listen_with(&store, key, &["--header-read-timeout", "300ms"]);
    let address = listener.url.strip_prefix("http://").unwrap();
    let mut slow = std::net::TcpStream::connect(address).unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    // The read ends when the receiver closes the connection; without a header-read
    // timeout it would wait here until this 20 s bound and fail.
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = Vec::new();
    let read = slow.read_to_end(&mut answer);
    assert!(read.is_ok(), "the receiver closed the connection: {read:?}");
    // It still serves others.
    let mut other = std::net::TcpStream::connect(address).unwrap();
    other
        .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .unwrap();
    other
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = String::new();
    other.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

fn wal_len(db: &std::path::Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(std::path::PathBuf::from(wal)).map_or(0, |m| m.len())
}

#[test]
fn every_sync_leaves_the_file_complete_and_backup_copies_it() {
    let harness = Harness::start("cli-monitor-wal");
    let (enterprise, _) = fleet(&harness, 3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let store = format!("sqlite://{}", db.display());
    for round in 0..4 {
        harness
            .cli_for(&enterprise)
            .args(["monitor", "sync", "--store", &store])
            .assert()
            .success()
            .stderr(contains(format!("store {store}")));
        assert_eq!(
            wal_len(&db),
            0,
            "round {round}: the log was folded in at exit"
        );
    }
    // The file alone, copied as a naive backup would, has the history.
    let copy = dir.path().join("copy.sqlite");
    std::fs::copy(&db, &copy).unwrap();
    let history = json_of(harness.cli_for(&enterprise).args([
        "monitor",
        "changes",
        "--store",
        &format!("sqlite://{}", copy.display()),
    ]));
    assert_eq!(
        history.as_array().map(Vec::len),
        Some(3),
        "3 added: {history}"
    );
    // `monitor backup` writes a consistent copy and never over an existing file.
    let backup = dir.path().join("backup.sqlite");
    harness
        .cli()
        .args(["monitor", "backup", "--store", &store, "--to"])
        .arg(&backup)
        .assert()
        .success();
    let backed_up = json_of(harness.cli_for(&enterprise).args([
        "monitor",
        "changes",
        "--store",
        &format!("sqlite://{}", backup.display()),
    ]));
    assert_eq!(backed_up, history);
    harness
        .cli()
        .args(["monitor", "backup", "--store", &store, "--to"])
        .arg(&backup)
        .assert()
        .failure()
        .stderr(contains("already exists"));
}

#[test]
fn a_store_that_cannot_be_opened_is_named_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a database, just notes\n".repeat(200)).unwrap();
    common::bare_cli()
        .args(["monitor", "changes", "--store"])
        .arg(format!("sqlite://{}", notes.display()))
        .assert()
        .failure()
        .stderr(contains(notes.to_str().unwrap()).and(contains("not a database")));
    // A mistyped directory starts no empty store.
    let mistyped = dir.path().join("nope").join("m.sqlite");
    common::bare_cli()
        .args(["monitor", "changes", "--store"])
        .arg(format!("sqlite://{}", mistyped.display()))
        .assert()
        .failure()
        .stderr(contains("does not exist").and(contains("--create")));
    assert!(!mistyped.exists());
}

#[test]
fn monitor_spend_prices_what_the_syncs_recorded() {
    let harness = Harness::start("cli-monitor-spend");
    let (enterprise, _) = fleet(&harness, 3);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store])
        .assert()
        .success();
    harness
        .cli_for(&enterprise)
        .args([
            "--max-billable",
            "3",
            "monitor",
            "sync",
            "--fresh",
            "--store",
            &store,
        ])
        .assert()
        .success();
    let spend = json_of(
        harness
            .cli_for(&enterprise)
            .args(["monitor", "spend", "--store", &store]),
    );
    let fresh: u64 = spend["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["fresh_checks"].as_u64().unwrap())
        .sum();
    assert_eq!(fresh, 3, "{spend}");
    // Three checks at $0.10 and one enterprise-month at $100.
    assert_eq!(spend["total_usd"]["usd"], "100.30", "{spend}");
    assert_eq!(spend["months"][0]["fee_usd"]["usd"], "100.00", "{spend}");
    harness
        .cli_for(&enterprise)
        .args(["monitor", "spend", "--format", "csv", "--store", &store])
        .assert()
        .success()
        .stdout(contains(
            "enterprise_id,day,scheduled_checks,fresh_checks,remediations,usd",
        ))
        .stderr(contains("total $100.30"));
}

#[test]
fn sync_with_a_policy_reads_fresh_within_its_daily_cap_and_then_stops() {
    let harness = Harness::start("cli-monitor-policy");
    let (enterprise, numbers) = fleet(&harness, 6);
    for (i, n) in numbers.iter().enumerate() {
        let risk = if i < 2 { "high" } else { "low" };
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": n, "reputation_data": {"spam_risk": risk}}),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "[policy]\nmonthly_budget_usd = \"20.00\"\ndaily_cap_usd = \"0.20\"\n",
    )
    .unwrap();
    let before = ledger(&harness)["live_lookups"].as_u64().unwrap();
    let sync = || {
        json_of(
            harness
                .cli_for(&enterprise)
                .args(["monitor", "sync", "--store", &store, "--policy"])
                .arg(&policy),
        )
    };
    let first = sync();
    let mut selected: Vec<String> = first["sync"]["policy"]["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    selected.sort();
    assert_eq!(selected, numbers[..2].to_vec(), "{first}");
    assert_eq!(
        ledger(&harness)["live_lookups"].as_u64().unwrap(),
        before + 2
    );
    // The day's $0.20 is spent: the next sync reads nothing fresh.
    let second = sync();
    assert_eq!(second["sync"]["policy"]["selected"], serde_json::json!([]));
    assert_eq!(second["sync"]["policy"]["spent_today_usd"], "0.20");
    assert_eq!(
        ledger(&harness)["live_lookups"].as_u64().unwrap(),
        before + 2
    );
    // A bad policy file is a usage error naming the file.
    std::fs::write(&policy, "[policy]\nmonthly_budget = 5\n").unwrap();
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store, "--policy"])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(contains("policy.toml"));
}

#[test]
fn sync_without_an_enterprise_syncs_every_approved_enterprise_of_the_account() {
    let harness = Harness::start("cli-monitor-sync-all");
    let (first, first_numbers) = fleet(&harness, 2);
    let second = harness.approved_enterprise_from(
        &common::ENTERPRISE_JSON
            .replace("Acme Plumbing LLC", "Acme Heating LLC")
            .replace("12-3456789", "12-3456780"),
    );
    let rep = harness.client().reputation(&second);
    harness.runtime.block_on(async {
        rep.numbers().add(&["+13125559001"]).await.unwrap();
        rep.numbers().get("+13125559001").await.unwrap();
    });
    // An enterprise without Number Reputation: listed, said skipped, not an error.
    let client = harness.client();
    let bare = harness.runtime.block_on(async {
        let json = common::ENTERPRISE_JSON
            .replace("Acme Plumbing LLC", "Acme Cooling LLC")
            .replace("12-3456789", "12-3456781");
        let new = serde_json::from_str(&json).unwrap();
        client.enterprises().create(new).await.unwrap().id
    });
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let assert = harness
        .cli()
        .args(["monitor", "sync", "--store", &store, "--format", "json"])
        .assert()
        .success()
        .stderr(
            contains(format!("skipped enterprise {bare}"))
                .and(contains("Number Reputation is not enabled"))
                .and(contains(
                    "synced 2 of the account's 3 enterprise(s); 0 failed",
                )),
        );
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let mut synced: Vec<(String, u64)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["sync"]["enterprise_id"].as_str().unwrap().to_owned(),
                s["sync"]["numbers"].as_u64().unwrap(),
            )
        })
        .collect();
    synced.sort();
    let mut expected = vec![(first.clone(), 2), (second.clone(), 1)];
    expected.sort();
    assert_eq!(synced, expected);
    // Each enterprise under its own lock: one held stops only that one's sync.
    let opened = harness
        .runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    let lock = harness
        .runtime
        .block_on(opened.lock_sync(&first, None))
        .unwrap();
    admin(
        &harness,
        "numbers/reputation",
        serde_json::json!({"phone_number": first_numbers[0], "reputation_data": {"spam_risk": "high"}}),
    );
    harness
        .cli()
        .args(["monitor", "sync", "--store", &store])
        .assert()
        .code(1)
        .stderr(
            contains(format!(
                "enterprise {first}: another sync of enterprise {first} is running"
            ))
            .and(contains("1 of 2 enterprise sync(s) failed")),
        );
    harness.runtime.block_on(lock.release()).unwrap();
    let counts = harness.runtime.block_on(opened.counts()).unwrap();
    assert_eq!(
        counts.sweeps, 3,
        "two first syncs, then only the second enterprise's"
    );
}

/// `GET url`: status and body, or `None` while nothing answers.
fn http_get(harness: &Harness, url: &str) -> Option<(u16, String)> {
    harness.runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        Some((status, response.text().await.unwrap_or_default()))
    })
}

/// Poll `check` every 200 ms until it is true, failing with `what` after 60 s.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_bad_serve_config_names_the_file_the_line_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("monitor.toml");
    std::fs::write(
        &config,
        "store = \"sqlite://m.sqlite\"\nlisten = \"127.0.0.1:0\"\nevery = \"15 minutes\"\n",
    )
    .unwrap();
    common::bare_cli()
        .env("TELNYX_API_KEY", "KEY_unused")
        .args(["monitor", "serve", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(contains(format!("{}:3: every: ", config.display())));
}

#[test]
fn serve_syncs_on_schedule_notifies_once_receives_webhooks_and_stops_on_sigterm() {
    let harness = Harness::start("cli-monitor-serve");
    let (enterprise, numbers) = fleet(&harness, 2);
    for number in &numbers {
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": number, "reputation_data": {"spam_risk": "low"}}),
        );
    }
    let public_key = admin_get(&harness, "webhooks/public_key")["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let store = format!("sqlite://{}", db.display());
    let sink = Sink::up_now("x-telnyx-reputation-delivery-id:");
    let (port, received) = (sink.port, sink.received.clone());
    let config = dir.path().join("monitor.toml");
    std::fs::write(
        &config,
        format!(
            "store = \"{store}\"\nevery = \"2s\"\nlisten = \"127.0.0.1:0\"\n\
             public_key = \"{public_key}\"\n\n[[rule]]\nname = \"turned high\"\n\
             when = {{ became_high = true }}\n\
             actions = [{{ type = \"notify\", url = \"http://127.0.0.1:{port}/hook\" }}]\n"
        ),
    )
    .unwrap();
    let binary = assert_cmd::cargo::cargo_bin("telnyx-reputation");
    let mut child = std::process::Command::new(binary)
        .args([
            "--base-url",
            &harness.base_url,
            "monitor",
            "serve",
            "--config",
        ])
        .arg(&config)
        .env("TELNYX_API_KEY", &harness.key)
        .env_remove("TELNYX_ENTERPRISE_ID")
        .env_remove("TELNYX_PUBLIC_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the bound URL first")
        .to_owned();
    let errors = lines_of(child.stderr.take().unwrap());
    let mut server = Listener {
        child,
        url: url.clone(),
        lines: lines_of(stdout),
        errors,
    };
    eventually("/healthz 200", || {
        http_get(&harness, &format!("{url}/healthz")).is_some_and(|(s, _)| s == 200)
    });
    // Ready once the first scheduled sync is stored (no manual sync anywhere).
    eventually("/readyz 200", || {
        http_get(&harness, &format!("{url}/readyz")).is_some_and(|(s, _)| s == 200)
    });
    let (_, ready) = http_get(&harness, &format!("{url}/readyz")).unwrap();
    let ready: serde_json::Value = serde_json::from_str(&ready).unwrap();
    assert_eq!(ready["ready"], true, "{ready}");
    assert!(
        ready["enterprises"][&enterprise]["last_sync"].is_string(),
        "{ready}"
    );
    // The dashboard on the same server (loopback: no token needed).
    let (status, page) = http_get(&harness, &format!("{url}/")).unwrap();
    assert_eq!(status, 200);
    assert!(page.contains(&enterprise), "{page}");
    let (_, summary) = http_get(&harness, &format!("{url}/api/v1/fleet")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["total"]["low"], 2, "{summary}");
    let opened = harness
        .runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    // A number turns high: a later scheduled sync records it and notifies once.
    admin(
        &harness,
        "numbers/reputation",
        serde_json::json!({"phone_number": numbers[0], "reputation_data": {"spam_risk": "high"}}),
    );
    eventually("the high reading recorded", || {
        harness
            .runtime
            .block_on(opened.history(Some(&enterprise), &numbers[0]))
            .unwrap()
            .last()
            .is_some_and(|r| r.spam_risk.as_deref() == Some("high"))
    });
    eventually("the notification delivered", || {
        !received.lock().unwrap().is_empty()
    });
    let sweeps = harness.runtime.block_on(opened.counts()).unwrap().sweeps;
    eventually("two more scheduled syncs", || {
        harness.runtime.block_on(opened.counts()).unwrap().sweeps >= sweeps + 2
    });
    assert_eq!(received.lock().unwrap().len(), 1, "notified once");
    // A signed webhook from the emulator, through POST /webhooks/telnyx.
    let hook = format!("{url}/webhooks/telnyx");
    json_of(
        harness
            .cli_for(&enterprise)
            .args(["reputation", "webhook", &hook]),
    );
    admin(
        &harness,
        "numbers/ownership",
        serde_json::json!({"phone_number": numbers[1], "ownership_status": "pending_confirmation", "flag_reason": "reverification_due"}),
    );
    eventually("the webhook recorded", || {
        harness
            .runtime
            .block_on(opened.events(Some(&enterprise)))
            .unwrap()
            .iter()
            .any(|e| {
                e.event_type == "number_reputation.number.flagged"
                    && e.phone_number.as_deref() == Some(numbers[1].as_str())
            })
    });
    server.error_line("recorded webhook number_reputation.number.flagged");
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    server.error_line("SIGTERM: stopped; the store");
    let events = harness
        .runtime
        .block_on(opened.events(Some(&enterprise)))
        .unwrap();
    assert_eq!(events.len(), 1, "recorded once: {events:?}");
}

#[test]
fn a_recorded_remediation_is_followed_listed_in_every_format_and_never_resubmitted_while_open() {
    let harness = Harness::start("cli-monitor-remediations");
    let (enterprise, numbers) = fleet(&harness, 3);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    for n in &numbers[..2] {
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": n, "reputation_data": {"spam_risk": "high"}}),
        );
    }
    let submit = |number: &str| {
        let mut cmd = harness.cli_for(&enterprise);
        cmd.args(["remediation", "submit", number, "--call-purpose"])
            .args(["Appointment reminders", "--record", "--store", &store])
            .args(["--max-billable", "5"]);
        cmd
    };
    let submitted = json_of(&mut submit(&numbers[0]));
    let id = submitted["id"].as_str().unwrap().to_owned();
    let listed = |args: &[&str]| {
        let mut cmd = harness.cli_for(&enterprise);
        cmd.args(["monitor", "remediations", "--store", &store])
            .args(args);
        cmd
    };
    let open = json_of(&mut listed(&["--open"]));
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["id"], id.as_str());
    assert_eq!(open[0]["source"], "cli");
    assert_eq!(open[0]["numbers"][0]["phone_number"], numbers[0].as_str());
    assert!(open[0]["numbers"][0]["outcome"].is_null());
    // Open in the store: submitting the number again is refused before anything is sent.
    submit(&numbers[0])
        .assert()
        .code(2)
        .stderr(contains("already in an open remediation").and(contains(id.as_str())));
    let sent = json_of(harness.cli_for(&enterprise).args(["remediation", "list"]));
    assert_eq!(sent.as_array().unwrap().len(), 1, "{sent}");
    // --refresh polls it to its end and records each number's outcome.
    let refreshed = harness
        .cli_for(&enterprise)
        .args(["monitor", "remediations", "--store", &store, "--refresh"])
        .args(["--format", "json"])
        .assert()
        .success()
        .stderr(contains("1 request(s) polled, 1 finished"))
        .get_output()
        .stdout
        .clone();
    let refreshed: serde_json::Value = serde_json::from_slice(&refreshed).unwrap();
    assert_eq!(refreshed[0]["state"], "completed");
    let answer = json_of(
        harness
            .cli_for(&enterprise)
            .args(["remediation", "get", &id]),
    );
    let outcome = [
        "remediated",
        "requires_review",
        "not_flagged",
        "refused",
        "ineligible",
    ]
    .into_iter()
    .find(|bucket| {
        answer["results"][*bucket]
            .as_array()
            .is_some_and(|numbers_of| numbers_of.contains(&serde_json::json!(numbers[0])))
    })
    .expect("the number has an outcome");
    assert_eq!(refreshed[0]["numbers"][0]["outcome"], outcome);
    assert!(
        json_of(&mut listed(&["--open"]))
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Finished: the number may be submitted again (with --wait its end is recorded too).
    let again = json_of(submit(&numbers[0]).args(["--wait", "--interval", "100ms"]));
    assert_eq!(again["status"], "completed");
    json_of(&mut submit(&numbers[1]));
    let all = json_of(&mut listed(&[]));
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
    // Table and CSV: one row per number.
    let csv = listed(&["--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,enterprise_id,submitted_at,state,finished_at,source,rule,phone_number,outcome,risk_1d,risk_7d,risk_30d"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with(&format!("{id},{enterprise},"))
                && r.contains(",completed,")
                && r.contains(&format!(",cli,,{},{outcome},", numbers[0]))),
        "{csv}"
    );
    assert_eq!(
        rows.iter().filter(|r| r.contains(",pending,")).count(),
        1,
        "the last one is not polled yet: {csv}"
    );
    listed(&[])
        .assert()
        .success()
        .stdout(contains("phone_number").and(contains(numbers[1].as_str())))
        .stderr(contains("3 remediation request(s) in the store"));
}

#[test]
fn prune_deletes_history_past_the_window_and_reports_the_bytes() {
    let harness = Harness::start("cli-monitor-prune");
    let (enterprise, numbers) = fleet(&harness, 5);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let sync = || {
        let mut cmd = harness.cli_for(&enterprise);
        cmd.args(["monitor", "sync", "--store", &store]);
        json_of(&mut cmd);
    };
    sync();
    for risk in ["high", "low"] {
        admin(
            &harness,
            "numbers/reputation",
            serde_json::json!({"phone_number": numbers[0], "reputation_data": {"spam_risk": risk}}),
        );
        sync();
    }
    let history = || {
        json_of(
            harness
                .cli()
                .args(["monitor", "history", &numbers[0], "--store", &store]),
        )
        .as_array()
        .unwrap()
        .len()
    };
    assert_eq!(history(), 3);
    // Everything is younger than a day: nothing goes.
    let kept =
        json_of(
            harness
                .cli()
                .args(["monitor", "prune", "--older-than", "1d", "--store", &store]),
        );
    assert!(kept["bytes_before"].as_u64().unwrap() > 0, "{kept}");
    let rows: u64 = kept["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(rows, 0, "{kept}");
    assert_eq!(history(), 3);
    harness
        .cli()
        .args(["monitor", "prune", "--older-than", "2h", "--store", &store])
        .assert()
        .code(2)
        .stderr(contains("less than a day"));
    harness
        .cli()
        .args(["monitor", "prune", "--older-than", "1d", "--store", &store])
        .args(["--format", "csv"])
        .assert()
        .success()
        .stdout(contains("table,rows,batches").and(contains("readings,0,1")))
        .stderr(contains("bytes before").and(contains("freed")));
}

#[test]
fn dashboard_serves_the_store_read_only_and_refuses_a_public_address_without_a_token() {
    let harness = Harness::start("cli-monitor-dashboard");
    let (enterprise, numbers) = fleet(&harness, 3);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("m.sqlite").display());
    harness
        .cli_for(&enterprise)
        .args(["monitor", "sync", "--store", &store])
        .assert()
        .success();
    // Not on a public address without a token: refused before anything is opened.
    assert_cmd::Command::cargo_bin("telnyx-reputation")
        .unwrap()
        .args([
            "monitor",
            "dashboard",
            "--listen",
            "0.0.0.0:0",
            "--store",
            &store,
        ])
        .env_remove("TELNYX_REPUTATION_DASHBOARD_TOKEN")
        .assert()
        .failure()
        .stderr(contains("--listen").and(contains("TELNYX_REPUTATION_DASHBOARD_TOKEN")));
    let binary = assert_cmd::cargo::cargo_bin("telnyx-reputation");
    // No API key in its environment: it reads the store only.
    let mut child = std::process::Command::new(binary)
        .args([
            "monitor",
            "dashboard",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &store,
        ])
        .env_remove("TELNYX_API_KEY")
        .env_remove("TELNYX_REPUTATION_DASHBOARD_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("dashboard on ")
        .expect("the bound URL first")
        .trim_end_matches('/')
        .to_owned();
    let errors = lines_of(child.stderr.take().unwrap());
    let mut server = Listener {
        child,
        url: url.clone(),
        lines: lines_of(stdout),
        errors,
    };
    let (status, page) = http_get(&harness, &format!("{url}/numbers")).unwrap();
    assert_eq!(status, 200);
    for number in &numbers {
        assert!(page.contains(number.as_str()), "{number} in {page}");
    }
    let (status, csv) = http_get(&harness, &format!("{url}/numbers.csv")).unwrap();
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 1 + numbers.len(), "{csv}");
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    server.error_line("SIGTERM: stopped; the store");
}

/// A minimal HTTP receiver on 127.0.0.1 (an ephemeral port) answering 200 to every request
/// and keeping each request's path and body; its base URL and what it got.
type Got = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;
fn body_sink() -> (String, Got) {
    let received: Got = Default::default();
    let log = received.clone();
    let server = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in server.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            std::io::Read::read_exact(&mut reader, &mut body).unwrap();
            let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
            log.lock()
                .unwrap()
                .push((path, String::from_utf8(body).unwrap()));
            std::io::Write::write_all(
                &mut stream,
                b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .unwrap();
        }
    });
    (base, received)
}

/// `monitor serve --config CONFIG` as a child process against the harness's emulator, with
/// `env` set (and no ambient TELNYX_* variables); waits for its bound URL.
fn spawn_serve(harness: &Harness, config: &std::path::Path, env: &[(&str, &str)]) -> Listener {
    let binary = assert_cmd::cargo::cargo_bin("telnyx-reputation");
    let mut command = std::process::Command::new(binary);
    command
        .args([
            "--base-url",
            &harness.base_url,
            "monitor",
            "serve",
            "--config",
        ])
        .arg(config)
        .env_remove("TELNYX_API_KEY")
        .env_remove("TELNYX_ENTERPRISE_ID")
        .env_remove("TELNYX_PUBLIC_KEY")
        .env_remove("TELNYX_REPUTATION_STORE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the bound URL first, not {line:?}"))
        .to_owned();
    let errors = lines_of(child.stderr.take().unwrap());
    Listener {
        child,
        url,
        lines: lines_of(stdout),
        errors,
    }
}

/// Every stderr line the process printed so far (after it stopped: all of them).
fn drain(listener: &Listener) -> Vec<String> {
    listener.errors.try_iter().collect()
}

/// An approved enterprise with `count` numbers in the account of `key` on the harness's
/// emulator (another account than the harness's own when `key` differs).
fn fleet_of(harness: &mut Harness, key: &str, count: usize, first: usize) -> (String, Vec<String>) {
    let own = std::mem::replace(&mut harness.key, key.to_owned());
    let enterprise = harness.approved_enterprise();
    let numbers: Vec<String> = (0..count)
        .map(|i| format!("+1312555{:04}", first + i))
        .collect();
    let rep = harness.client().reputation(&enterprise);
    harness.runtime.block_on(async {
        rep.numbers().add(&numbers).await.unwrap();
        for n in &numbers {
            rep.numbers().get(n).await.unwrap();
        }
    });
    harness.key = own;
    (enterprise, numbers)
}

#[test]
fn serve_and_sync_watch_every_enterprise_of_each_account_with_its_own_key() {
    let mut harness = Harness::start("KEY_east_account_secret");
    let east_key = harness.key.clone();
    let west_key = "KEY_west_account_secret";
    let (east, _) = fleet_of(&mut harness, &east_key.clone(), 2, 6000);
    // The west account has two enterprises; its table lists one.
    let (west, _) = fleet_of(&mut harness, west_key, 3, 6100);
    let own = std::mem::replace(&mut harness.key, west_key.to_owned());
    let unlisted = harness.approved_enterprise_from(
        &common::ENTERPRISE_JSON
            .replace("Acme Plumbing LLC", "Acme Heating LLC")
            .replace("12-3456789", "12-3456780"),
    );
    harness.key = own;
    assert_ne!(east, west);
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let config = dir.path().join("monitor.toml");
    std::fs::write(
        &config,
        format!(
            "store = \"{store}\"\nevery = \"1s\"\nlisten = \"127.0.0.1:0\"\n\n\
             [[account]]\nname = \"east\"\napi_key_env = \"TEST_KEY_EAST\"\n\n\
             [[account]]\nname = \"west\"\napi_key_env = \"TEST_KEY_WEST\"\n\
             enterprises = [\"{west}\"]\n"
        ),
    )
    .unwrap();
    // `monitor sync --accounts`: every account's enterprises, each with its own key.
    let assert = common::bare_cli()
        .env("TEST_KEY_EAST", &east_key)
        .env("TEST_KEY_WEST", west_key)
        .args(["--base-url", &harness.base_url])
        .args([
            "monitor",
            "sync",
            "--store",
            &store,
            "--format",
            "json",
            "--accounts",
        ])
        .arg(&config)
        .assert()
        .success()
        .stderr(
            contains("account east: synced 1 of its 1 enterprise(s)").and(contains(
                "account west: synced 1 of its 2 enterprise(s) (1 listed in its [[account]] table)",
            )),
        );
    let output = assert.get_output();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut synced: Vec<(String, u64)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["sync"]["enterprise_id"].as_str().unwrap().to_owned(),
                s["sync"]["numbers"].as_u64().unwrap(),
            )
        })
        .collect();
    synced.sort();
    let mut expected = vec![(east.clone(), 2), (west.clone(), 3)];
    expected.sort();
    assert_eq!(synced, expected);
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains(&east_key) && !text.contains(west_key),
            "a key was printed: {text}"
        );
    }
    // A variable that is not set: the file, the line of the table and the key.
    common::bare_cli()
        .env("TEST_KEY_EAST", &east_key)
        .args(["--base-url", &harness.base_url])
        .args(["monitor", "sync", "--store", &store, "--accounts"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{}:9: account.api_key_env: account \"west\": the environment variable TEST_KEY_WEST is not set",
            config.display()
        )));
    // `serve`: both accounts' enterprises synced on schedule, the unlisted one never.
    let opened = harness
        .runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    let sweeps_of = |enterprise: &str| {
        harness
            .runtime
            .block_on(opened.last_sweep(enterprise))
            .unwrap()
    };
    let (east_before, west_before) = (sweeps_of(&east), sweeps_of(&west));
    let mut server = spawn_serve(
        &harness,
        &config,
        &[("TEST_KEY_EAST", &east_key), ("TEST_KEY_WEST", west_key)],
    );
    let url = server.url.clone();
    eventually("both accounts' enterprises synced again", || {
        sweeps_of(&east) > east_before && sweeps_of(&west) > west_before
    });
    eventually("/readyz 200", || {
        http_get(&harness, &format!("{url}/readyz")).is_some_and(|(s, _)| s == 200)
    });
    let (_, ready) = http_get(&harness, &format!("{url}/readyz")).unwrap();
    let ready: serde_json::Value = serde_json::from_str(&ready).unwrap();
    let mut watched: Vec<&String> = ready["enterprises"].as_object().unwrap().keys().collect();
    watched.sort();
    let mut both = vec![&east, &west];
    both.sort();
    assert_eq!(watched, both, "{ready}");
    assert!(sweeps_of(&unlisted).is_none(), "not in west's list");
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let lines = drain(&server);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the enterprises of 2 account(s) (east, west)")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("synced 3 numbers of {west}"))),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.contains(&east_key) && !l.contains(west_key)),
        "a key was logged: {lines:?}"
    );
}

#[test]
fn serve_opens_a_sync_failing_alert_on_a_revoked_key_and_on_5xx_and_resolves_it() {
    let harness = Harness::start("cli-monitor-serve-failing");
    let (enterprise, _) = fleet(&harness, 2);
    let (base, received) = body_sink();
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/m.sqlite", dir.path().display());
    let config = dir.path().join("monitor.toml");
    std::fs::write(
        &config,
        format!(
            "store = \"{store}\"\nevery = \"1s\"\nlisten = \"127.0.0.1:0\"\n\
             enterprises = [\"{enterprise}\"]\n\n\
             [[channel]]\nname = \"ops\"\ntype = \"slack\"\nurl = \"{base}/slack\"\n\n\
             [[rule]]\nname = \"sync down\"\nwhen = {{ sync_failing = 2 }}\n\
             actions = [{{ type = \"notify\", channel = \"ops\" }}]\n"
        ),
    )
    .unwrap();
    let opened = harness
        .runtime
        .block_on(telnyx_reputation_monitor::Store::open(&store))
        .unwrap();
    let server = spawn_serve(&harness, &config, &[("TELNYX_API_KEY", &harness.key)]);
    let sweeps = || harness.runtime.block_on(opened.counts()).unwrap().sweeps;
    eventually("a first good sync", || sweeps() >= 1);
    let texts = || -> Vec<serde_json::Value> {
        received
            .lock()
            .unwrap()
            .iter()
            .map(|(path, body)| {
                assert_eq!(path, "/slack");
                serde_json::from_str(body).unwrap()
            })
            .collect()
    };
    let alerts = || {
        harness
            .runtime
            .block_on(opened.alerts(Some(&enterprise), &[]))
            .unwrap()
    };
    let since = |alert: &telnyx_reputation_monitor::alerts::Alert| {
        alert
            .opened_at
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let title = |what: &str| {
        format!("[telnyx-reputation] {what}: sync (rule \"sync down\", enterprise {enterprise})")
    };
    // The key is revoked: the API answers 401 (once). A 401 opens the alert at once.
    admin(
        &harness,
        "faults",
        serde_json::json!({"status": 401, "path_prefix": "/v2/enterprises", "count": 1}),
    );
    eventually("the 401 alert opened and resolved", || texts().len() >= 2);
    let first = alerts();
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(
        first[0].detail.as_deref(),
        Some(
            "the sync failed: 401 Unauthorized: 10015 Unauthorized: Error injected by the emulator."
        ),
        "{first:?}"
    );
    assert_eq!(
        texts(),
        vec![
            serde_json::json!({"text": format!("{}\n{}", title("OPENED"), first[0].detail.as_deref().unwrap())}),
            serde_json::json!({"text": format!("{}\nno longer holds (open since {})", title("RESOLVED"), since(&first[0]))}),
        ]
    );
    // A 5xx streak: every attempt of two syncs (three each: the client retries twice).
    // The first failed sync leaves the alert pending; the second opens it.
    admin(
        &harness,
        "faults",
        serde_json::json!({"status": 503, "path_prefix": "/v2/enterprises", "count": 6}),
    );
    eventually("the 5xx alert opened and resolved", || texts().len() >= 4);
    let both = alerts();
    assert_eq!(both.len(), 2, "{both:?}");
    let second = &both[1];
    assert!(
        second.opened_at.unwrap() > second.first_seen_at,
        "pending after the first failed sync, opened at the second: {second:?}"
    );
    assert_eq!(
        second.detail.as_deref(),
        Some(
            "the sync failed: 503 Server Error: 10007 Unexpected error: An unexpected error \
             occurred (injected by the emulator)."
        ),
        "{both:?}"
    );
    assert_eq!(
        texts()[2..],
        [
            serde_json::json!({"text": format!("{}\n{}", title("OPENED"), second.detail.as_deref().unwrap())}),
            serde_json::json!({"text": format!("{}\nno longer holds (open since {})", title("RESOLVED"), since(second))}),
        ]
    );
    assert!(
        both.iter()
            .all(|a| a.state == telnyx_reputation_monitor::alerts::AlertState::Resolved),
        "{both:?}"
    );
    // Nothing more: later good syncs send nothing.
    let now = sweeps();
    eventually("two more good syncs", || sweeps() >= now + 2);
    assert_eq!(texts().len(), 4);
    drop(server);
}
