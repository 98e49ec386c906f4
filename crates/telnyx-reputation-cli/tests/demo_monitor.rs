//! The demo's monitoring act: `monitor serve` runs in process on the emulator's clock; a
//! number turns high and its alert opens, the service submits its remediation and follows
//! it to the end, the emulator's own signed ownership webhook reaches the service, a
//! reminder, the alert resolves, each notification printed as the local receiver got it,
//! and the report written; without a terminal the demo exits naming the dashboard command.

mod common;

use common::bare_cli;

#[test]
fn the_demo_monitoring_act_serves_alerts_remediates_and_reports() {
    let out = tempfile::tempdir().unwrap();
    let assert = bare_cli()
        .args(["demo", "--approval-delay", "0s", "--out-dir"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for line in [
        "Monitoring act: `monitor serve` watches the numbers over time",
        "monitor serve runs in process at http://127.0.0.1:",
        "20 numbers, 20 readings written (cached reads, nothing billed)",
        "the next scheduled sync, nothing changed: 0 readings written",
        "risk_up: low -> high",
        "category_set: none -> robocall",
        "the emulator delivered a signed ownership webhook for +1202555",
        "200 OK, recorded number_reputation.number.flagged",
        "rule \"turned high\": serve submitted remediation ",
        "the receiver got: [telnyx-reputation] OPENED: +1202555",
        "(rule \"high risk\"",
        "(rule \"confirm ownership this week\"",
        "the receiver got: [telnyx-reputation] REMINDER 1: +1202555",
        "to its end: completed; +1202555",
        "notification(s) delivered through the outbox, each once",
    ] {
        assert!(stdout.contains(line), "missing {line:?}:\n{stdout}");
    }
    // The number that turned high: its alert opened before it was remediated; once the
    // remediation cleared it, the alert resolved.
    let turned = stdout
        .lines()
        .find_map(|l| l.split("the networks flag ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .expect("the number that turned high")
        .to_owned();
    let position = |needle: &str| {
        stdout
            .find(needle)
            .unwrap_or_else(|| panic!("missing {needle:?}:\n{stdout}"))
    };
    let opened = position(&format!("OPENED: {turned} (rule \"high risk\""));
    let submitted = position("submitted remediation ");
    let followed = position("to its end: completed");
    assert!(opened < followed && submitted < followed, "{stdout}");
    if stdout.contains(&format!("{turned}: remediated")) {
        let resolved = position(&format!("RESOLVED: {turned} (rule \"high risk\""));
        assert!(followed < resolved, "{stdout}");
        assert!(
            stdout.contains(&format!(
                "the alert for {turned} resolved: the remediation cleared it"
            )),
            "{stdout}"
        );
    } else {
        assert!(stdout.contains("its alert stays open"), "{stdout}");
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
    let store = out.path().join("monitor.sqlite");
    assert!(store.exists());
    // Not a terminal: the demo exits at once, naming the command that serves the dashboard.
    assert!(
        stdout.trim_end().ends_with(&format!(
            "dashboard of the monitoring act: telnyx-reputation monitor dashboard --store sqlite://{}",
            store.display()
        )),
        "{stdout}"
    );
}
