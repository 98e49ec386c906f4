//! `demo` end to end: embedded (the README's first command) and against `--base-url`.

mod common;

use std::time::Duration;

use common::{Harness, bare_cli};
use predicates::str::contains;
use telnyx_reputation_emulator::ApprovalDelay;

fn assert_journey(stdout: &str) {
    for step in 1..=11 {
        assert!(
            stdout.contains(&format!("[{step:>2}/11]")),
            "step {step} missing:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("status approved, loa_status approved"),
        "{stdout}"
    );
    assert!(stdout.contains("-> completed"), "{stdout}");
    assert!(stdout.contains("Monitored numbers (20)"), "{stdout}");
    let count = |action: &str| -> u64 {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!(" {action} ")))
            .unwrap_or_else(|| panic!("no ledger row {action}:\n{stdout}"));
        line.rsplit('┆')
            .next()
            .unwrap()
            .trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap()
    };
    assert_eq!(count("numbers_added"), 20, "{stdout}");
    // The rows add up to the total: every billed action is listed, the schedule's included.
    let listed: u64 = [
        "enable",
        "live_lookups",
        "numbers_added",
        "refreshes",
        "scheduled_refresh",
        "remediations",
    ]
    .into_iter()
    .map(count)
    .sum();
    assert_eq!(listed, count("total"), "{stdout}");
}

/// Everything the second emulator saw: its ledger for `key` and its request journal.
fn ledger_and_requests(harness: &Harness, key: &str) -> (serde_json::Value, serde_json::Value) {
    let admin = harness.emulator.as_ref().unwrap().admin_url();
    harness.runtime.block_on(async {
        let http = reqwest::Client::new();
        let ledger = http
            .get(format!("{admin}/ledger"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        let requests = http
            .get(format!("{admin}/requests"))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        (ledger, requests)
    })
}

#[test]
fn demo_ignores_the_environment_and_leaves_the_server_it_names_untouched() {
    // A developer's normal shell: key and base URL exported, pointing at a server that bills.
    let other = Harness::start("KEY_developer_shell");
    let out = tempfile::tempdir().unwrap();
    let assert = bare_cli()
        .env("TELNYX_API_KEY", &other.key)
        .env("TELNYX_BASE_URL", &other.base_url)
        .args(["demo", "--out-dir"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("embedded emulator at http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(!stdout.contains(other.base_url.as_str()), "{stdout}");
    assert_journey(&stdout);

    let (ledger, requests) = ledger_and_requests(&other, &other.key);
    assert_eq!(ledger["data"]["total"], 0, "{ledger}");
    let seen = requests["data"].as_array().expect("journal entries");
    assert!(seen.is_empty(), "the named server got requests: {requests}");
}

#[test]
fn demo_live_without_a_terminal_or_yes_sends_nothing() {
    let other = Harness::start("KEY_live_refused");
    bare_cli()
        .env("TELNYX_API_KEY", &other.key)
        .env("TELNYX_BASE_URL", &other.base_url)
        .args(["demo", "--live"])
        .write_stdin("yes\n")
        .assert()
        .code(2)
        .stderr(contains("up to 87 billable units"))
        .stderr(contains("pass --yes"));
    let (ledger, requests) = ledger_and_requests(&other, &other.key);
    assert_eq!(ledger["data"]["total"], 0, "{ledger}");
    assert!(
        requests["data"].as_array().unwrap().is_empty(),
        "{requests}"
    );
}

#[test]
fn demo_live_with_yes_runs_the_journey_against_the_named_server() {
    let harness = Harness::with_delay(
        "demo-base-url",
        ApprovalDelay::After(Duration::from_millis(300)),
    );
    let out = tempfile::tempdir().unwrap();
    let assert = harness
        .cli()
        .args(["demo", "--live", "--yes", "--out-dir"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(contains(harness.base_url.as_str()));
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for step in 1..=11 {
        assert!(stdout.contains(&format!("[{step:>2}/11]")), "{stdout}");
    }
    let pdf = std::fs::read(out.path().join("loa.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "loa.pdf is a PDF");
    let (ledger, _) = ledger_and_requests(&harness, &harness.key);
    assert_eq!(ledger["data"]["numbers_added"], 20, "{ledger}");
    assert_eq!(ledger["data"]["enable"], 1, "{ledger}");
}

#[test]
fn demo_embeds_its_own_emulator_with_no_credentials() {
    let out = tempfile::tempdir().unwrap();
    let assert = bare_cli()
        .args(["demo", "--out-dir"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("embedded emulator at http://127.0.0.1:"),
        "{stdout}"
    );
    assert_journey(&stdout);
}

#[test]
fn demo_fails_with_a_network_error_when_the_server_is_unreachable() {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    bare_cli()
        .args([
            "--base-url",
            "http://127.0.0.1:9/v2",
            "--api-key",
            "k",
            "demo",
            "--live",
            "--yes",
        ])
        .assert()
        .code(4)
        .stderr(contains(
            "error: step 1 (Accept the Number Reputation terms of service)",
        ));
}
