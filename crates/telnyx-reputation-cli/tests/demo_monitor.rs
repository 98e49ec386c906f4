//! The demo's monitoring act: a number turns high between two syncs and is detected, the
//! emulator's own signed ownership webhook reaches the receiver and is recorded,
//! remediation is submitted, and the report written.

mod common;

use common::bare_cli;

#[test]
fn the_demo_monitoring_act_detects_records_remediates_and_reports() {
    let out = tempfile::tempdir().unwrap();
    let assert = bare_cli()
        .args(["demo", "--approval-delay", "0s", "--out-dir"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for line in [
        "Monitoring act: watch the numbers over time",
        "20 numbers, 20 readings written (cached reads, nothing billed)",
        "second sync, nothing changed: 0 readings written",
        "risk_up: low -> high",
        "category_set: none -> robocall",
        "verifying with the emulator's public key; the enterprise's webhook points at it",
        "the emulator delivered a signed ownership webhook for +1202555",
        "200 OK, recorded number_reputation.number.flagged",
        "rule \"turned high\": remediation ",
        "rule \"confirm ownership this week\" matched +1202555",
    ] {
        assert!(stdout.contains(line), "missing {line:?}:\n{stdout}");
    }
    let report = out.path().join("report.html");
    assert!(
        stdout.contains(&format!("report written to {}", report.display())),
        "{stdout}"
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<svg") && html.contains("risk_up"),
        "the report charts the change"
    );
    assert!(out.path().join("monitor.sqlite").exists());
}
