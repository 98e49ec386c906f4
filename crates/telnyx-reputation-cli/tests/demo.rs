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
    assert!(stdout.contains("numbers_added   ┆ 20"), "{stdout}");
}

#[test]
fn demo_runs_the_whole_journey_against_an_emulator_given_by_base_url() {
    let harness = Harness::with_delay(
        "demo-base-url",
        ApprovalDelay::After(Duration::from_millis(300)),
    );
    let out = tempfile::tempdir().unwrap();
    let assert = harness
        .cli()
        .args(["demo", "--out-dir"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(contains(harness.base_url.as_str()));
    assert_journey(&String::from_utf8_lossy(&assert.get_output().stdout));
    let pdf = std::fs::read(out.path().join("loa.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "loa.pdf is a PDF");
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
        .args(["--base-url", "http://127.0.0.1:9/v2", "demo"])
        .assert()
        .code(4)
        .stderr(contains(
            "error: step 1 (Accept the Number Reputation terms of service)",
        ));
}
