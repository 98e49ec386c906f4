//! `--state-file`: everything survives a restart; a bad file is refused, never overwritten.

use reqwest::Method;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use telnyx_reputation_emulator::Emulator;

use crate::common::{Emu, numbers};

async fn start_with(path: &Path) -> Emu {
    let running = Emulator::builder()
        .approval_delay(telnyx_reputation_emulator::ApprovalDelay::After(
            Duration::ZERO,
        ))
        .seed(7)
        .port(0)
        .state_file(path)
        .start()
        .await
        .expect("emulator starts");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    Emu { running, http }
}

/// Everything an account can read back, for before/after comparison.
async fn observe(emu: &Emu, id: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    for path in [
        "/enterprises".to_string(),
        format!("/enterprises/{id}/reputation"),
        format!("/enterprises/{id}/reputation/numbers?page[size]=250"),
        format!("/enterprises/{id}/reputation/numbers?filter[ownership_status]=removed"),
        format!("/enterprises/{id}/reputation/remediation"),
        "/terms_of_service/agreements".to_string(),
    ] {
        let (status, body) = emu.get("k", &path).await;
        assert_eq!(status, 200, "{path}: {body}");
        seen.push(body);
    }
    seen.push(emu.ledger("k").await);
    seen.push(emu.admin(Method::GET, "/faults?api_key=k", None).await.1);
    seen.push(
        emu.admin(Method::GET, "/webhooks/deliveries?api_key=k", None)
            .await
            .1,
    );
    seen
}

#[tokio::test]
async fn everything_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let emu = start_with(&path).await;
    let id = emu.approved_enterprise("k", "Durable LLC").await;
    let list = numbers(300, 5);
    emu.add_numbers("k", &id, &list).await;
    emu.get(
        "k",
        &format!("/enterprises/{id}/reputation/numbers/{}", list[0]),
    )
    .await;
    emu.delete(
        "k",
        &format!("/enterprises/{id}/reputation/numbers/{}", list[4]),
    )
    .await;
    let (status, body) = emu
        .post(
            "k",
            &format!("/enterprises/{id}/reputation/remediation"),
            json!({ "phone_numbers": [list[1]], "call_purpose": "Reminders" }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    // A refused delivery, so the log has an entry.
    emu.patch(
        "k",
        &format!("/enterprises/{id}/reputation/webhook"),
        json!({ "webhook_url": "https://hooks.example.com/x" }),
    )
    .await;
    emu.admin(
        Method::POST,
        "/numbers/ownership?api_key=k",
        Some(json!({ "phone_number": list[2], "ownership_status": "pending_confirmation" })),
    )
    .await;
    emu.admin(
        Method::POST,
        "/faults?api_key=k",
        Some(
            json!({ "path_prefix": "/v2/nothing", "status": 503, "count": 3,
                      "headers": { "retry-after": "2" } }),
        ),
    )
    .await;
    emu.admin(
        Method::POST,
        "/clock/advance",
        Some(json!({ "seconds": 3 * 86_400 })),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = observe(&emu, &id).await;
    assert_eq!(
        before[8]["data"].as_array().map(Vec::len),
        Some(1),
        "{}",
        before[8]
    );
    let (_, health) = emu.admin(Method::GET, "/health", None).await;
    emu.running.shutdown().await;

    let emu = start_with(&path).await;
    let after = observe(&emu, &id).await;
    assert_eq!(before, after, "same state after the restart");
    let (_, later) = emu.admin(Method::GET, "/health", None).await;
    assert!(
        later["now"].as_str() >= health["now"].as_str(),
        "the virtual clock keeps its offset"
    );
    // Ids continue rather than restart: a new enterprise gets a new id.
    let second = emu.create_enterprise("k", "Second LLC").await;
    assert_ne!(second, id);
    emu.running.shutdown().await;
}

#[tokio::test]
async fn the_state_file_keeps_api_keys_only_as_digests() {
    const KEY: &str = "KEY_persisted_0123456789_secret";
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let emu = start_with(&path).await;
    let id = emu.approved_enterprise(KEY, "Hashed LLC").await;
    let list = numbers(400, 2);
    emu.add_numbers(KEY, &id, &list).await;
    // A refused delivery: its log entry belongs to the account too.
    emu.patch(
        KEY,
        &format!("/enterprises/{id}/reputation/webhook"),
        json!({ "webhook_url": "https://hooks.example.com/x" }),
    )
    .await;
    emu.admin(
        Method::POST,
        &format!("/numbers/ownership?api_key={KEY}"),
        Some(json!({ "phone_number": list[0], "ownership_status": "pending_confirmation" })),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deliveries = format!("/webhooks/deliveries?api_key={KEY}");
    let (_, logged) = emu.admin(Method::GET, &deliveries, None).await;
    assert_eq!(logged["data"].as_array().map(Vec::len), Some(1), "{logged}");
    let (_, listed) = emu
        .get(KEY, &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    emu.running.shutdown().await;

    let saved = std::fs::read_to_string(&path).expect("state file");
    assert!(!saved.contains(KEY), "the raw API key is in the state file");
    assert!(!saved.contains("persisted_0123456789"));
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(KEY.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let state: Value = serde_json::from_str(&saved).expect("json");
    let accounts: Vec<&String> = state["accounts"]
        .as_object()
        .expect("accounts")
        .keys()
        .collect();
    assert_eq!(accounts, [&format!("sha256:{digest}")]);

    // After the restart the same key is the same account: its deliveries first (before
    // any API call), then its numbers, and a new key is a new, empty account.
    let emu = start_with(&path).await;
    let (_, relogged) = emu.admin(Method::GET, &deliveries, None).await;
    assert_eq!(relogged, logged);
    let (status, again) = emu
        .get(KEY, &format!("/enterprises/{id}/reputation/numbers"))
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, listed);
    let (status, _) = emu.get("another-key", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 404);
    emu.running.shutdown().await;
    let resaved = std::fs::read_to_string(&path).expect("state file");
    assert!(
        !resaved.contains(KEY),
        "saved again after use: still no raw key"
    );
}

#[tokio::test]
async fn a_corrupt_or_foreign_state_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    std::fs::write(&path, b"{\"version\":1,\"accounts\":{").expect("write");
    let error = Emulator::builder()
        .port(0)
        .state_file(&path)
        .start()
        .await
        .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("state.json") && message.contains("not a valid emulator state file"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read"),
        b"{\"version\":1,\"accounts\":{",
        "not overwritten"
    );

    // A file written with another seed.
    let other = dir.path().join("other.json");
    let emu = Emulator::builder()
        .seed(1)
        .port(0)
        .state_file(&other)
        .start()
        .await
        .expect("starts");
    emu.shutdown().await;
    let error = Emulator::builder()
        .seed(2)
        .port(0)
        .state_file(&other)
        .start()
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("--seed 1"), "{error}");
}

#[tokio::test]
async fn changes_are_saved_while_running_and_a_torn_temp_file_is_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let emu = start_with(&path).await;
    let id = emu.create_enterprise("k", "Saved Soon LLC").await;
    // Saved shortly after the change, without a shutdown.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains(&id) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "saved within 5 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Simulate a crash in the middle of a later write: a half temp file beside the state.
    std::fs::write(dir.path().join(".state.json.tmp-1"), b"{\"version\":1,").expect("write");
    // Dropping without shutdown is the closest in-process thing to a crash.
    drop(emu);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let emu = start_with(&path).await;
    let (status, body) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200, "{body}");
    emu.running.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_binary_keeps_state_across_a_sigterm_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let run = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_telnyx-reputation-emulator"))
            .args(["--port", "0", "--seed", "3", "--state-file"])
            .arg(&path)
            .stdout(Stdio::piped())
            .spawn()
            .expect("binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("a line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("announcement")
            .to_string();
        (child, url)
    };
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let (mut child, url) = run();
    let created: Value = http
        .post(format!("{url}/terms_of_service/number_reputation/agree"))
        .bearer_auth("k")
        .json(&json!({}))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    let agreement = created["data"]["id"].as_str().expect("id").to_string();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert!(child.wait().expect("exits").success());

    let (mut child, url) = run();
    let response = http
        .get(format!("{url}/terms_of_service/agreements/{agreement}"))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    let code = response.status().as_u16();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code, 200, "the agreement survived the restart");
}

#[tokio::test]
async fn an_account_test_clock_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let emu = start_with(&path).await;
    let (status, body) = emu
        .admin(
            Method::POST,
            "/clock/advance?api_key=k",
            Some(json!({ "seconds": 86_400 })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    emu.running.shutdown().await;
    let emu = start_with(&path).await;
    let (_, health) = emu.admin(Method::GET, "/health?api_key=k", None).await;
    assert_eq!(
        health["account_clock_offset_ms"],
        json!(86_400_000),
        "{health}"
    );
    let (_, health) = emu.admin(Method::GET, "/health?api_key=other", None).await;
    assert_eq!(health["account_clock_offset_ms"], json!(0), "{health}");
    emu.running.shutdown().await;
}
