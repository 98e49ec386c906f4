//! Every subcommand against an in-process emulator, the 1,000-number file in batches, and
//! the exit codes for usage (2), API (3) and network (4) errors.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{ENTERPRISE_JSON, Harness, bare_cli, json_of};
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn every_subcommand_walks_the_journey() {
    let h = Harness::start("every-subcommand");
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("enterprise.json");
    std::fs::write(&body, ENTERPRISE_JSON).unwrap();

    // Terms.
    let agreement = json_of(h.cli().args(["terms", "agree"]));
    let agreement_id = agreement["id"].as_str().unwrap();
    assert_eq!(
        json_of(h.cli().args(["terms", "status"]))["has_agreed"],
        true
    );
    assert!(
        json_of(h.cli().args(["terms", "info"]))
            .as_array()
            .is_some()
    );
    assert_eq!(
        json_of(h.cli().args(["terms", "agreements"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json_of(h.cli().args(["terms", "agreement", agreement_id]))["id"],
        agreement_id
    );

    // Enterprises.
    let enterprise = json_of(h.cli().args(["enterprises", "create", "--json"]).arg(&body));
    let id = enterprise["id"].as_str().unwrap().to_owned();
    assert_eq!(
        json_of(h.cli().args(["enterprises", "list"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json_of(h.cli_for(&id).args(["enterprises", "get"]))["legal_name"],
        "Acme Plumbing LLC"
    );
    h.cli()
        .args(["enterprises", "replace", &id, "--json", "-"])
        .write_stdin(r#"{"doing_business_as": "Acme Pipes"}"#)
        .assert()
        .success()
        .stdout(contains("Acme Pipes"));

    // LOA, documents, enable, gates.
    let pdf = dir.path().join("loa.pdf");
    h.cli_for(&id)
        .args(["loa", "render", "--out"])
        .arg(&pdf)
        .assert()
        .success();
    let document = json_of(h.cli().args(["documents", "upload"]).arg(&pdf));
    let document_id = document["id"].as_str().unwrap();
    let enabled =
        json_of(
            h.cli_for(&id)
                .args(["reputation", "enable", "--loa-document-id", document_id]),
        );
    assert_eq!(enabled["loa_document_id"], document_id);
    let approved = json_of(h.cli_for(&id).args([
        "reputation",
        "wait",
        "--interval",
        "0.05",
        "--timeout",
        "10",
    ]));
    assert_eq!(
        (approved["status"].as_str(), approved["loa_status"].as_str()),
        (Some("approved"), Some("approved"))
    );
    h.cli_for(&id)
        .args(["reputation", "settings"])
        .assert()
        .success()
        .stdout(contains("approved"));
    assert_eq!(
        json_of(h.cli_for(&id).args(["reputation", "frequency", "daily"]))["check_frequency"],
        "daily"
    );
    let hook = "https://example.com/hooks/reputation";
    assert_eq!(
        json_of(h.cli_for(&id).args(["reputation", "webhook", hook]))["webhook_url"],
        hook
    );
    // A local receiver on loopback takes plain http:// (what the emulator delivers to).
    let local = "http://127.0.0.1:8080/hooks";
    assert_eq!(
        json_of(h.cli_for(&id).args(["reputation", "webhook", local]))["webhook_url"],
        local
    );
    h.cli_for(&id)
        .args(["reputation", "webhook", "http://hooks.example.com/x"])
        .assert()
        .code(2)
        .stderr(contains("must be an https:// URL"));
    assert!(
        json_of(h.cli_for(&id).args(["reputation", "webhook", "--clear"]))["webhook_url"].is_null()
    );
    // Replacing an approved LOA is refused by the API: exit 3 with the Telnyx detail.
    h.cli_for(&id)
        .args(["loa", "replace", document_id])
        .assert()
        .code(3)
        .stderr(contains("400"));

    // Numbers.
    let numbers = ["+12025551000", "+12025551001", "+12025551009"];
    h.cli_for(&id)
        .args(["numbers", "add"])
        .args(numbers)
        .assert()
        .success()
        .stdout(contains("batch 1"));
    assert_eq!(
        json_of(h.cli_for(&id).args(["numbers", "list"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let cached = json_of(h.cli_for(&id).args(["numbers", "get", numbers[0]]));
    assert_eq!(cached["phone_number"], numbers[0]);
    let fresh = json_of(
        h.cli_for(&id)
            .args(["numbers", "get", "--fresh", numbers[0]]),
    );
    assert!(fresh["reputation_data"].is_object());
    let refreshed = json_of(h.cli_for(&id).args(["numbers", "refresh"]).args(numbers));
    assert_eq!(refreshed.as_array().unwrap().len(), 3);
    let ownership = json_of(h.cli_for(&id).args(["numbers", "ownership", numbers[1]]));
    assert_eq!(ownership["phone_number"], numbers[1]);
    h.cli_for(&id)
        .args([
            "numbers",
            "confirm-ownership",
            numbers[1],
            "--still-own",
            "true",
        ])
        .assert()
        .success();

    // Remediation of the flagged number (+12025551009 is high risk under seed 0).
    let submitted = json_of(h.cli_for(&id).args([
        "remediation",
        "submit",
        numbers[2],
        "--call-purpose",
        "Appointment reminders.",
        "--wait",
    ]));
    assert_eq!(submitted["status"], "completed");
    let request_id = submitted["id"].as_str().unwrap();
    assert_eq!(
        json_of(h.cli_for(&id).args(["remediation", "get", request_id]))["id"],
        request_id
    );
    assert_eq!(
        json_of(
            h.cli_for(&id)
                .args(["remediation", "list", "--status", "completed"])
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );

    // External verification.
    let evidence = json_of(h.cli().args(["documents", "upload"]).arg(&pdf));
    let evidence_id = evidence["id"].as_str().unwrap();
    let submitted = json_of(
        h.cli_for(&id)
            .args(["external-verification", "submit", evidence_id]),
    );
    assert_eq!(submitted["document_ids"][0], evidence_id);
    h.cli_for(&id)
        .args(["external-verification", "get"])
        .assert()
        .success();

    // Account-wide numbers.
    assert_eq!(
        json_of(h.cli().args(["account-numbers", "list"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        json_of(h.cli().args(["account-numbers", "get", numbers[1]]))["phone_number"],
        numbers[1]
    );
    h.cli()
        .args(["account-numbers", "remove", numbers[1]])
        .assert()
        .success();
    h.cli_for(&id)
        .args(["numbers", "remove", numbers[0]])
        .assert()
        .success();
    assert_eq!(
        json_of(
            h.cli()
                .args(["account-numbers", "list", "--page", "1", "--page-size", "5"])
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );

    // Tear down.
    h.cli_for(&id)
        .args(["reputation", "disable"])
        .assert()
        .success();
    h.cli_for(&id)
        .args(["reputation", "settings"])
        .assert()
        .code(3)
        .stderr(contains("404"));
    h.cli()
        .args(["enterprises", "delete", &id])
        .assert()
        .success();
}

#[test]
fn a_thousand_numbers_go_in_batches_of_100_and_the_bad_line_is_reported() {
    let h = Harness::start("thousand-numbers");
    let id = h.approved_enterprise();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("numbers.csv");
    let mut text = String::from("name,phone_number\n");
    for i in 0..1000 {
        if i == 500 {
            text.push_str("broken,+1202555\n"); // line 502
        }
        text.push_str(&format!("n{i},+1303555{i:04}\n"));
    }
    std::fs::write(&file, text).unwrap();

    // Any invalid line: nothing is sent, exit 2, the line is named.
    h.cli_for(&id)
        .args(["--format", "json", "numbers", "add", "--file"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(
            "invalid line 502: +1202555 is not a US E.164 number",
        ))
        .stderr(contains(
            "1 invalid entries (listed above); nothing was sent",
        ));
    let listed = json_of(h.cli_for(&id).args(["numbers", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 0, "nothing may be sent");

    // --skip-invalid sends the valid ones and says how many it skipped.
    let assert = h
        .cli_for(&id)
        .args([
            "--format",
            "json",
            "numbers",
            "add",
            "--skip-invalid",
            "--file",
        ])
        .arg(&file)
        .assert()
        .success()
        .stderr(contains(
            "skipping 1 invalid entries, sending 1000 valid numbers",
        ))
        .stderr(contains(
            "billable requests made: 10 (numbers_added: 10 requests, 1000 units)",
        ));
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(report["succeeded"], 1000);
    assert_eq!(report["invalid"], 1);
    assert_eq!(report["batches"].as_array().unwrap().len(), 10);
    assert_eq!(report["batches"][5]["from"], "line 503");
    assert_eq!(report["invalid_entries"][0]["at"], "line 502");

    let listed = json_of(
        h.cli_for(&id)
            .args(["numbers", "list", "--page-size", "250"]),
    );
    assert_eq!(listed.as_array().unwrap().len(), 1000);
}

#[test]
fn a_failed_batch_is_reported_and_the_other_batches_are_still_sent() {
    let h = Harness::start("failed-batch");
    let id = h.approved_enterprise();
    // 150 numbers from stdin: two batches, each reported with its input lines.
    let numbers: String = (0..150).map(|i| format!("+14155550{i:03}\n")).collect();
    let assert = h
        .cli_for(&id)
        .args(["--format", "csv", "numbers", "add", "--file", "-"])
        .write_stdin(numbers)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.starts_with("item,input,count,status,detail\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("batch 1,lines 1-100,100,ok,added"),
        "{stdout}"
    );
    assert!(
        stdout.contains("batch 2,lines 101-150,50,ok,added"),
        "{stdout}"
    );

    // Before the gates: every batch fails with the API's detail, exit 3.
    let second = ENTERPRISE_JSON.replace("Acme Plumbing LLC", "Acme Heating LLC");
    let other = json_of(
        h.cli()
            .args(["enterprises", "create", "--json", "-"])
            .write_stdin(second),
    );
    let pending = other["id"].as_str().unwrap();
    h.cli_for(pending)
        .args(["numbers", "add", "+12025550100"])
        .assert()
        .code(3)
        .stdout(contains("failed"))
        .stderr(contains("1 of 1 batches failed"));
}

#[test]
fn usage_errors_exit_2() {
    bare_cli().assert().code(2);
    bare_cli().args(["numbers", "frobnicate"]).assert().code(2);
    bare_cli()
        .args(["--format", "xml", "terms", "status"])
        .assert()
        .code(2)
        .stderr(contains("xml"));
    bare_cli()
        .args(["reputation", "frequency", "hourly"])
        .assert()
        .code(2);
    bare_cli()
        .args(["terms", "status"])
        .assert()
        .code(2)
        .stderr(contains("no API key"));
    bare_cli()
        .args([
            "--api-key",
            "k",
            "--base-url",
            "http://127.0.0.1:9/v2",
            "numbers",
            "list",
        ])
        .assert()
        .code(2)
        .stderr(contains("no enterprise"));
    bare_cli()
        .args([
            "--api-key",
            "k",
            "--base-url",
            "http://127.0.0.1:9/v2",
            "--enterprise",
            "not-a-uuid",
            "numbers",
            "get",
            "555",
        ])
        .assert()
        .code(2)
        .stderr(contains("invalid input"));
    bare_cli()
        .args(["numbers", "add", "--api-key", "k", "--enterprise", "e"])
        .assert()
        .code(2)
        .stderr(contains("no phone numbers"));
}

#[test]
fn api_errors_exit_3_with_the_telnyx_detail_and_never_print_the_key() {
    let secret = "KEY-SECRET-0123456789";
    let h = Harness::start(secret);
    let assert = h
        .cli()
        .args(["enterprises", "get", "6f1d6a6e-1111-4c1c-9d5e-000000000000"])
        .assert()
        .code(3)
        .stderr(contains(
            "404 Not Found: 10005 Resource not found: Enterprise '6f1d6a6e-1111-4c1c-9d5e-000000000000' was not found.",
        ))
        .stderr(contains("request id: "));
    let output = assert.get_output();
    assert!(!String::from_utf8_lossy(&output.stderr).contains(secret));
    assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
    // Nor in --help, when it comes from the environment.
    bare_cli()
        .env("TELNYX_API_KEY", secret)
        .arg("--help")
        .assert()
        .success()
        .stdout(contains(secret).not())
        .stdout(contains("Exit codes:"));
}

#[test]
fn network_errors_exit_4() {
    bare_cli()
        .args([
            "--api-key",
            "k",
            "--base-url",
            "http://127.0.0.1:9/v2",
            "terms",
            "status",
        ])
        .assert()
        .code(4)
        .stderr(contains("connection"));
}

#[test]
fn webhooks_verify_checks_the_signature() {
    let signing_key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let public_key = telnyx_reputation::webhooks::public_key(signing_key).unwrap();
    let payload =
        br#"{"data":{"event_type":"number_reputation.something_new","id":"e1","payload":{}}}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let headers = telnyx_reputation::webhooks::sign(payload, now, signing_key).unwrap();
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).unwrap().1.clone();
    let verify = |signature: String| {
        let mut cmd = bare_cli();
        cmd.args([
            "webhooks",
            "verify",
            "--public-key",
            &public_key,
            "--timestamp",
            &header("telnyx-timestamp"),
        ])
        .args(["--signature", &signature])
        .write_stdin(payload.to_vec());
        cmd
    };
    verify(header("telnyx-signature-ed25519"))
        .assert()
        .success()
        .stdout(contains("verified"));
    let other_time = telnyx_reputation::webhooks::sign(payload, now - 1, signing_key).unwrap();
    let forged = other_time
        .into_iter()
        .find(|(k, _)| k == "telnyx-signature-ed25519")
        .unwrap()
        .1;
    verify(forged)
        .assert()
        .code(1)
        .stderr(contains("webhook verification failed"));
}

#[test]
fn the_emulator_subcommand_serves_the_api() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("telnyx-reputation"))
        .args(["emulator", "--port", "0", "--approval-delay", "0s"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base_url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("prints its base URL")
        .to_owned();
    // Then the key its webhooks verify with, as the standalone emulator prints it.
    let mut key_line = String::new();
    stdout.read_line(&mut key_line).unwrap();
    let key = key_line
        .trim()
        .strip_prefix("webhook public key ")
        .expect("prints the webhook public key");
    assert_eq!(base64_len(key), 32, "{key_line}");
    let result = bare_cli()
        .args(["--base-url", &base_url, "--api-key", "k", "terms", "status"])
        .assert()
        .try_success();
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap().stdout(contains("number_reputation"));
}

/// The decoded length of a base64 text.
fn base64_len(text: &str) -> usize {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_or(0, |bytes| bytes.len())
}

#[test]
fn an_enterprise_named_only_by_the_environment_is_deleted_only_with_yes() {
    let h = Harness::start("delete-confirm");
    let client = h.client();
    let id = h.runtime.block_on(async {
        client
            .terms_of_service()
            .agree_number_reputation()
            .await
            .unwrap();
        let new = serde_json::from_str(ENTERPRISE_JSON).unwrap();
        client.enterprises().create(new).await.unwrap().id
    });
    // Not a terminal (the test's stdin), no id and no --yes: refused, nothing sent.
    h.cli()
        .env("TELNYX_ENTERPRISE_ID", &id)
        .args(["enterprises", "delete"])
        .write_stdin("y\n")
        .assert()
        .code(2)
        .stderr(contains(format!("would delete {id}")).and(contains("--yes")));
    h.cli().args(["enterprises", "get", &id]).assert().success();
    h.cli()
        .env("TELNYX_ENTERPRISE_ID", &id)
        .args(["enterprises", "delete", "--yes"])
        .assert()
        .success();
    h.cli().args(["enterprises", "get", &id]).assert().code(3);
}

#[test]
fn a_long_line_in_a_numbers_file_is_echoed_cut_with_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("numbers.txt");
    std::fs::write(&file, format!("+12025551234\n{}\n", "7".repeat(2_000_000))).unwrap();
    let output = bare_cli()
        .env("TELNYX_API_KEY", "KEY_unused")
        .args(["--base-url", "http://127.0.0.1:9/v2", "--enterprise", "e"])
        .args(["numbers", "add", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid line 2: 7777"), "{stderr}");
    assert!(stderr.contains("… (2000000 characters)"), "{stderr}");
    assert!(stderr.len() < 2_000, "{} bytes of stderr", stderr.len());
}

#[test]
fn emulator_trigger_fires_an_event_on_a_running_emulator() {
    let h = Harness::with_delay(
        "trigger-cli",
        telnyx_reputation_emulator::ApprovalDelay::Manual,
    );
    let id = {
        let client = h.client();
        h.runtime.block_on(async {
            client
                .terms_of_service()
                .agree_number_reputation()
                .await
                .unwrap();
            let new = serde_json::from_str(ENTERPRISE_JSON).unwrap();
            client.enterprises().create(new).await.unwrap().id
        })
    };
    let pdf = tempfile::NamedTempFile::new().unwrap();
    h.cli_for(&id)
        .args(["loa", "render", "--out"])
        .arg(pdf.path())
        .assert()
        .success();
    let document = json_of(h.cli().args(["documents", "upload"]).arg(pdf.path()));
    h.cli_for(&id)
        .args(["reputation", "enable", "--loa-document-id"])
        .arg(document["id"].as_str().unwrap())
        .assert()
        .success();
    for gate in ["status", "loa_status"] {
        h.cli_for(&id)
            .args(["emulator", "trigger", "gate.approved", "--gate", gate])
            .assert()
            .success()
            .stdout(contains("\"event\": \"gate.approved\""));
    }
    let settings = json_of(h.cli_for(&id).args(["reputation", "settings"]));
    assert_eq!(settings["status"], "approved", "{settings}");
    assert_eq!(settings["loa_status"], "approved", "{settings}");

    // A refused trigger exits 3 naming the field.
    h.cli()
        .args(["emulator", "trigger", "number.flagged"])
        .assert()
        .code(3)
        .stderr(contains("/phone_number"));
    // An unknown event is a usage error before anything is sent.
    h.cli()
        .args(["emulator", "trigger", "number.exploded"])
        .assert()
        .code(2);
}
