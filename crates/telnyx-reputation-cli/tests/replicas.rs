//! `monitor serve` as two replicas: the real binary twice on one PostgreSQL store named by
//! `TELNYX_REPUTATION_TEST_POSTGRES_URL` (`cargo xtask with-postgres cargo test -p
//! telnyx-reputation-cli --test replicas` starts one on 127.0.0.1), against an in-process
//! emulator; and a second `serve` on one SQLite file, refused.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::Harness;
use sqlx::Connection;
use telnyx_reputation::webhooks;
use telnyx_reputation_monitor::Store;
use telnyx_reputation_monitor::lease::{SweepBy, Term};

const VAR: &str = "TELNYX_REPUTATION_TEST_POSTGRES_URL";

/// The test's own Ed25519 signing key (base64 seed); `serve` verifies with its public key.
const SIGNING_KEY: &str = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";

/// A `serve` process: killed (SIGKILL) and reaped when dropped.
struct Replica {
    child: Child,
    url: String,
    /// Its stderr, line by line.
    errors: Receiver<String>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    /// Start `monitor serve --config config` and read the URL it listens on.
    fn start(harness: &Harness, config: &std::path::Path) -> Replica {
        let mut child = serve(harness, config)
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
            .unwrap_or_else(|| panic!("the bound URL first, not {line:?}"))
            .to_owned();
        let (sender, errors) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Replica { child, url, errors }
    }

    /// The next stderr line containing `text` (the others are skipped), within 60 s.
    fn error_line(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.errors.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("no stderr line with {text:?}: {e}"),
            }
        }
    }

    /// Its replica id, from the line announcing `role`.
    fn announced(&self, role: &str) -> String {
        let line = self.error_line(&format!("is {role}"));
        line.strip_prefix("replica ")
            .and_then(|rest| rest.split_once(' '))
            .map(|(id, _)| id.to_owned())
            .unwrap_or_else(|| panic!("a replica id in {line:?}"))
    }

    /// `GET /readyz`'s JSON body.
    fn readyz(&self, harness: &Harness) -> serde_json::Value {
        harness.runtime.block_on(async {
            reqwest::Client::new()
                .get(format!("{}/readyz", self.url))
                .timeout(Duration::from_secs(10))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        })
    }
}

/// `telnyx-reputation --base-url EMULATOR monitor serve --config config`.
fn serve(harness: &Harness, config: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("telnyx-reputation"));
    command
        .args([
            "--base-url",
            &harness.base_url,
            "monitor",
            "serve",
            "--config",
        ])
        .arg(config)
        .env("TELNYX_API_KEY", &harness.key)
        .env_remove("TELNYX_ENTERPRISE_ID")
        .env_remove("TELNYX_PUBLIC_KEY");
    command
}

/// An approved enterprise with two numbers, each read once.
fn enterprise(harness: &Harness) -> String {
    let enterprise = harness.approved_enterprise();
    let numbers = ["+13125554000", "+13125554001"];
    let rep = harness.client().reputation(&enterprise);
    harness.runtime.block_on(async {
        rep.numbers().add(&numbers).await.unwrap();
        for n in numbers {
            rep.numbers().get(n).await.unwrap();
        }
    });
    enterprise
}

/// A `monitor.toml` syncing `enterprise` every second into `store`, verifying webhooks
/// with the test's key.
fn config(dir: &std::path::Path, store: &str, enterprise: &str) -> std::path::PathBuf {
    let public_key = webhooks::public_key(SIGNING_KEY).unwrap();
    let path = dir.join("monitor.toml");
    std::fs::write(
        &path,
        format!(
            "store = \"{store}\"\nevery = \"1s\"\nlisten = \"127.0.0.1:0\"\n\
             enterprises = [\"{enterprise}\"]\npublic_key = \"{public_key}\"\n"
        ),
    )
    .unwrap();
    path
}

/// A fresh database on the test server; its URL.
fn database(harness: &Harness, name: &str) -> String {
    let server = std::env::var(VAR).unwrap_or_else(|_| {
        panic!(
            "{VAR} is not set: this test needs a PostgreSQL server. Run `cargo xtask with-postgres cargo test -p \
             telnyx-reputation-cli --test replicas`, which starts a throw-away one on 127.0.0.1, or set \
             {VAR}=postgres://USER@HOST:PORT/DB"
        )
    });
    let database = format!("cli_{name}_{}", std::process::id());
    harness.runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let mut admin = sqlx::AnyConnection::connect(&server).await.unwrap();
        for statement in [
            format!("DROP DATABASE IF EXISTS {database}"),
            format!("CREATE DATABASE {database}"),
        ] {
            sqlx::query(&statement).execute(&mut admin).await.unwrap();
        }
        admin.close().await.unwrap();
    });
    let (base, _) = server
        .rsplit_once('/')
        .expect("a server URL with a database");
    format!("{base}/{database}")
}

/// POST a signed `number_reputation.number.flagged` delivery with `data.id` `id` to a
/// replica's webhook route; its status.
fn deliver(harness: &Harness, replica: &Replica, id: &str, enterprise: &str) -> u16 {
    let now = chrono::Utc::now();
    let body = serde_json::json!({
        "data": {"id": id, "event_type": "number_reputation.number.flagged",
                 "occurred_at": now.to_rfc3339(), "record_type": "event",
                 "payload": {"confirm_by": (now + chrono::Duration::days(3)).to_rfc3339(),
                             "enterprise_id": enterprise, "flag_reason": "reverification_due",
                             "ownership_status": "pending_confirmation", "phone_number": "+13125554000",
                             "record_type": "reputation_phone_number", "source": "telnyx"}},
        "meta": {"attempt": 1, "delivered_to": replica.url.clone()}
    })
    .to_string();
    let mut request = reqwest::Client::new()
        .post(format!("{}/webhooks/telnyx", replica.url))
        .timeout(Duration::from_secs(10))
        .body(body.clone());
    for (name, value) in webhooks::sign(body.as_bytes(), now.timestamp(), SIGNING_KEY).unwrap() {
        request = request.header(name, value);
    }
    harness
        .runtime
        .block_on(async { request.send().await.unwrap().status().as_u16() })
}

/// Poll `check` every 100 ms until it is true, failing with `what` after 60 s.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_replicas_on_postgres_one_syncs_the_other_takes_over_after_kill_9_and_webhooks_count_once() {
    let harness = Harness::start("cli-replicas-postgres");
    let enterprise = enterprise(&harness);
    let store_url = database(&harness, "two_replicas");
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &store_url, &enterprise);
    let store = harness.runtime.block_on(Store::open(&store_url)).unwrap();
    let sweeps = || {
        harness
            .runtime
            .block_on(store.sweep_replicas(&enterprise))
            .unwrap()
    };

    let mut first = Replica::start(&harness, &config);
    let a = first.announced("the leader");
    let second = Replica::start(&harness, &config);
    let b = second.announced("a standby");
    assert_ne!(a, b);
    assert_eq!(second.readyz(&harness)["role"], "standby");
    assert_eq!(second.readyz(&harness)["leader"], a.as_str());
    assert_eq!(first.readyz(&harness)["role"], "leader");

    // Both running: every sync is the leader's, for several intervals.
    eventually("five sweeps with both replicas up", || sweeps().len() >= 5);
    let before = sweeps();
    assert!(
        before
            .iter()
            .all(|s| s.replica.as_deref() == Some(a.as_str())),
        "only {a} syncs while it leads: {before:?}"
    );

    // The same delivery to both, and one to each: each data.id is recorded once.
    let shared = "0f6a1d2e-1111-4222-8333-944455550001";
    assert_eq!(deliver(&harness, &first, shared, &enterprise), 200);
    assert_eq!(deliver(&harness, &second, shared, &enterprise), 200);
    assert_eq!(
        deliver(
            &harness,
            &second,
            "0f6a1d2e-1111-4222-8333-944455550002",
            &enterprise
        ),
        200
    );
    let events = harness
        .runtime
        .block_on(store.events(Some(&enterprise)))
        .unwrap();
    let mut ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "0f6a1d2e-1111-4222-8333-944455550001",
            "0f6a1d2e-1111-4222-8333-944455550002"
        ]
    );

    // kill -9 the leader: the standby takes the lease and syncs.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert_eq!(second.announced("the leader"), b);
    eventually("a sweep by the new leader", || {
        sweeps()
            .iter()
            .any(|s| s.replica.as_deref() == Some(b.as_str()))
    });
    let after = sweeps();
    let taken_over = after
        .iter()
        .position(|s| s.replica.as_deref() == Some(b.as_str()))
        .unwrap();
    assert!(
        taken_over >= before.len()
            && after[..taken_over]
                .iter()
                .all(|s| s.replica.as_deref() == Some(a.as_str()))
            && after[taken_over..]
                .iter()
                .all(|s| s.replica.as_deref() == Some(b.as_str())),
        "{a}'s sweeps, then {b}'s: {after:?}"
    );
    let terms = harness.runtime.block_on(store.leader_terms()).unwrap();
    let names: Vec<&str> = terms.iter().map(|t| t.replica.as_str()).collect();
    assert_eq!(names, [a.as_str(), b.as_str()]);
    assert!(
        each_sweep_by_the_leader_of_its_term(&terms, &after),
        "{terms:?} {after:?}"
    );
    assert_eq!(second.readyz(&harness)["role"], "leader");
    // The survivor still records deliveries, once.
    assert_eq!(deliver(&harness, &second, shared, &enterprise), 200);
    let events = harness
        .runtime
        .block_on(store.events(Some(&enterprise)))
        .unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
}

#[test]
fn a_leader_whose_lease_session_is_lost_stands_down_and_one_replica_leads_again() {
    let harness = Harness::start("cli-replicas-session");
    let enterprise = enterprise(&harness);
    let store_url = database(&harness, "lost_session");
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &store_url, &enterprise);
    let store = harness.runtime.block_on(Store::open(&store_url)).unwrap();
    let sweeps = || {
        harness
            .runtime
            .block_on(store.sweep_replicas(&enterprise))
            .unwrap()
    };
    let terms = || harness.runtime.block_on(store.leader_terms()).unwrap();
    let first = Replica::start(&harness, &config);
    let a = first.announced("the leader");
    let second = Replica::start(&harness, &config);
    second.announced("a standby");
    eventually("a sweep by the leader", || !sweeps().is_empty());
    // The server ends the leader's lease session (as a network cut or a database failover
    // would): the process lives on, the lock is free.
    let ended: i64 = harness.runtime.block_on(async {
        let mut admin = sqlx::AnyConnection::connect(&store_url).await.unwrap();
        let row = sqlx::query(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1) AS ended",
        )
        .bind(format!("telnyx-reputation serve {a}"))
        .fetch_one(&mut admin)
        .await
        .unwrap();
        sqlx::Row::try_get(&row, 0).unwrap()
    });
    assert_eq!(
        ended, 1,
        "the leader's lease session, by its application_name"
    );
    // It notices and stands down; then one replica (the standby, unless it was slower)
    // takes the lease, and syncs.
    assert_eq!(first.announced("a standby"), a);
    eventually("a second term", || terms().len() == 2);
    let leader = terms()[1].clone();
    eventually("three sweeps in the second term", || {
        sweeps().iter().filter(|s| s.at > leader.since).count() >= 3
    });
    let (terms, sweeps) = (terms(), sweeps());
    assert_eq!(terms.len(), 2, "{terms:?}");
    assert!(
        each_sweep_by_the_leader_of_its_term(&terms, &sweeps),
        "{terms:?} {sweeps:?}"
    );
    let (leading, standing_by) = if leader.replica == a {
        (&first, &second)
    } else {
        (&second, &first)
    };
    assert_eq!(leading.readyz(&harness)["role"], "leader");
    assert_eq!(standing_by.readyz(&harness)["role"], "standby");
}

/// Whether every sweep was run by the replica whose term it falls in (the last term that
/// began before it): no replica synced while another led.
fn each_sweep_by_the_leader_of_its_term(terms: &[Term], sweeps: &[SweepBy]) -> bool {
    sweeps.iter().all(|sweep| {
        terms
            .iter()
            .rev()
            .find(|t| t.since <= sweep.at)
            .is_some_and(|t| sweep.replica.as_deref() == Some(t.replica.as_str()))
    })
}

#[test]
fn a_second_serve_on_one_sqlite_file_is_refused_naming_the_holder() {
    let harness = Harness::start("cli-replicas-sqlite");
    let enterprise = enterprise(&harness);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let store = format!("sqlite://{}", db.display());
    let config = config(dir.path(), &store, &enterprise);
    let mut first = Replica::start(&harness, &config);
    first.announced("the leader");
    let refused = serve(&harness, &config).output().unwrap();
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!(
            "{store} is already served by another `monitor serve`: pid {} (",
            first.child.id()
        )) && stderr.contains(&format!("holds {}.serve.lock", db.display())),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty(), "it never listened");
    // The OS frees the lock with its holder, however it ends: after kill -9 a new one runs.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let next = Replica::start(&harness, &config);
    next.announced("the leader");
}
