//! Billable calls never happen by surprise from the command line: `--dry-run`,
//! `--max-billable`, the billable count at the end of bulk commands, and the bulk-input
//! rules (CR/LF/CRLF line endings, duplicates sent once), each checked against the
//! emulator's ledger.

mod common;

use common::{Harness, json_of};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use telnyx_reputation_emulator::ApprovalDelay;

fn numbers_file(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("numbers.txt");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_file_with_bare_cr_line_endings_sends_every_number() {
    let h = Harness::start("cr-endings");
    let id = h.approved_enterprise();
    let dir = tempfile::tempdir().unwrap();
    let text: String = (1..=7).map(|i| format!("+1202555060{i}\r")).collect();
    let file = numbers_file(&dir, &text);
    let assert = h
        .cli_for(&id)
        .args(["--format", "json", "numbers", "add", "--file"])
        .arg(&file)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(report["succeeded"], 7);
    assert_eq!(report["invalid"], 0);
    assert_eq!(report["batches"][0]["to"], "line 7");
    assert_eq!(h.ledger()["numbers_added"], 7);
}

#[test]
fn a_repeated_line_is_sent_once_with_a_note_and_no_batch_is_refused() {
    let h = Harness::start("duplicates");
    let id = h.approved_enterprise();
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = (0..250).map(|i| format!("+1303555{i:04}")).collect();
    lines[150] = lines[3].clone(); // line 151 repeats line 4
    let file = numbers_file(&dir, &(lines.join("\n") + "\n"));
    let assert = h
        .cli_for(&id)
        .args(["--format", "json", "numbers", "add", "--file"])
        .arg(&file)
        .assert()
        .success()
        .stderr(contains(
            "note: line 151 repeats line 4 (+13035550003): sent once",
        ));
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(report["succeeded"], 249);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(h.ledger()["numbers_added"], 249);
}

#[test]
fn dry_run_prints_the_plan_and_sends_nothing() {
    let h = Harness::start("dry-run");
    let id = h.approved_enterprise();
    let numbers: String = (0..250).map(|i| format!("+1415555{i:04}\n")).collect();
    for command in ["add", "refresh"] {
        let assert = h
            .cli_for(&id)
            .args([
                "--format",
                "json",
                "numbers",
                command,
                "--dry-run",
                "--file",
                "-",
            ])
            .write_stdin(numbers.clone())
            .assert()
            .success()
            .stderr(contains("dry run: would send 3 billable requests"))
            .stderr(contains("nothing was sent"));
        let plan: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
        assert_eq!(plan["billable_requests"], 3, "{plan}");
        assert_eq!(plan["requests"][2]["from"], "line 201", "{plan}");
        assert_eq!(plan["requests"][2]["numbers"], 50, "{plan}");
    }
    h.cli_for(&id)
        .args(["numbers", "get", "+14155550000", "--fresh", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("live_lookups"));
    h.cli()
        .args([
            "account-numbers",
            "get",
            "+14155550000",
            "--fresh",
            "--dry-run",
        ])
        .assert()
        .success()
        .stdout(contains("/reputation/numbers/{phone_number}"));
    let ledger = h.ledger();
    assert_eq!(ledger["total"], 1, "only the harness's enable: {ledger}");
    let listed = json_of(h.cli_for(&id).args(["numbers", "list"]));
    assert!(listed.as_array().unwrap().is_empty());
}

#[test]
fn max_billable_refuses_a_plan_over_budget_before_sending() {
    let h = Harness::start("max-billable");
    let id = h.approved_enterprise();
    let numbers: String = (0..150).map(|i| format!("+1415555{i:04}\n")).collect();
    h.cli_for(&id)
        .args(["--max-billable", "149", "numbers", "add", "--file", "-"])
        .write_stdin(numbers.clone())
        .assert()
        .code(2)
        .stderr(contains(
            "billing refused: numbers.add plans 150 billable units",
        ));
    assert_eq!(h.ledger()["numbers_added"], 0);
    h.cli_for(&id)
        .args(["--max-billable", "150", "numbers", "add", "--file", "-"])
        .write_stdin(numbers)
        .assert()
        .success()
        .stderr(contains(
            "billable requests made: 2 (numbers_added: 2 requests, 150 units)",
        ));
    assert_eq!(h.ledger()["numbers_added"], 150);
}

#[test]
fn refresh_goes_through_refresh_all_and_counts_what_it_billed() {
    let h = Harness::start("refresh-all");
    let id = h.approved_enterprise();
    let numbers: String = (0..150).map(|i| format!("+1415555{i:04}\n")).collect();
    h.cli_for(&id)
        .args(["numbers", "add", "--file", "-"])
        .write_stdin(numbers.clone())
        .assert()
        .success();
    let assert = h
        .cli_for(&id)
        .args(["--format", "json", "numbers", "refresh", "--file", "-"])
        .write_stdin(numbers)
        .assert()
        .success()
        .stderr(contains(
            "billable requests made: 2 (refreshes: 2 requests, 150 units)",
        ));
    let results: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(results.as_array().unwrap().len(), 150);
    assert_eq!(h.ledger()["refreshes"], 150);
}

#[test]
fn a_key_on_the_command_line_is_warned_about_and_one_from_the_environment_is_not() {
    let h = Harness::start("key-warning");
    h.cli()
        .args(["terms", "status"])
        .assert()
        .success()
        .stderr(contains("--api-key").not());
    common::bare_cli()
        .args([
            "--base-url",
            &h.base_url,
            "terms",
            "status",
            "--api-key",
            &h.key,
        ])
        .assert()
        .success()
        .stderr(contains(
            "warning: --api-key on the command line is visible",
        ))
        .stderr(contains(h.key.as_str()).not());
}

#[test]
fn remediation_wait_times_out_with_its_own_exit_code() {
    let h = Harness::with_delay("wait-timeout", ApprovalDelay::Manual);
    let client = h.client();
    let id = h.runtime.block_on(async {
        client.terms_of_service().agree_number_reputation().await.unwrap();
        let new = serde_json::from_str(common::ENTERPRISE_JSON).unwrap();
        let e = client.enterprises().create(new).await.unwrap();
        let doc = client
            .documents()
            .upload("loa.pdf", &b"%PDF-1.7 signed"[..])
            .await
            .unwrap();
        client.reputation(&e.id).enable(&doc.id, None).await.unwrap();
        let admin = h.emulator.as_ref().unwrap().admin_url();
        reqwest::Client::new()
            .post(format!("{admin}/gates"))
            .bearer_auth(&h.key)
            .json(&serde_json::json!({"enterprise_id": e.id, "status": "approved", "loa_status": "approved"}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        client.reputation(&e.id).numbers().add(["+12025550100"]).await.unwrap();
        e.id
    });
    let started = std::time::Instant::now();
    h.cli_for(&id)
        .args([
            "remediation",
            "submit",
            "+12025550100",
            "--call-purpose",
            "Appointment reminders",
            "--wait",
            "--interval",
            "50ms",
            "--timeout",
            "400ms",
        ])
        .assert()
        .code(6)
        .stderr(contains("after waiting 400ms; it keeps running"));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    h.cli_for(&id)
        .args(["remediation", "list", "--wait"])
        .assert()
        .code(2);
}

#[test]
fn a_cached_get_of_a_never_checked_number_is_refused_under_max_billable_zero() {
    let h = Harness::start("first-read");
    let id = h.approved_enterprise();
    h.cli_for(&id)
        .args(["numbers", "add", "+14155550100"])
        .assert()
        .success();
    let before = h.ledger();
    h.cli_for(&id)
        .args(["--max-billable", "0", "numbers", "get", "+14155550100"])
        .assert()
        .code(2)
        .stderr(contains("may be billed"));
    h.cli()
        .args([
            "--max-billable",
            "0",
            "account-numbers",
            "get",
            "+14155550100",
        ])
        .assert()
        .code(2)
        .stderr(contains("nothing was sent"));
    let after = h.ledger();
    assert_eq!(after["live_lookups"], 0, "{after}");
    assert_eq!(after["total"], before["total"], "{after}");
}
