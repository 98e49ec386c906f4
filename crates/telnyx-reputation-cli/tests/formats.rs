//! insta snapshots of table, JSON and CSV output, with ids and timestamps redacted.
//! Scores are deterministic (emulator seed 0), so everything else is compared exactly.

mod common;

use common::Harness;

const NUMBERS: [&str; 4] = [
    "+12025551000",
    "+12025551006",
    "+12025551009",
    "+12025551011",
];

/// Redact UUIDs and timestamps (RFC 3339, any precision) in any format.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[uuid]",
    );
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
        "[timestamp]",
    );
    settings
}

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn numbers_setup() -> (Harness, String) {
    let h = Harness::start("formats");
    let id = h.approved_enterprise();
    h.cli_for(&id)
        .args(["numbers", "add"])
        .args(NUMBERS)
        .assert()
        .success();
    h.cli_for(&id)
        .args(["numbers", "refresh"])
        .args(NUMBERS)
        .assert()
        .success();
    (h, id)
}

#[test]
fn numbers_list_in_every_format() {
    let (h, id) = numbers_setup();
    settings().bind(|| {
        for format in ["table", "json", "csv"] {
            let text = stdout(h.cli_for(&id).args(["numbers", "list", "--format", format]));
            insta::assert_snapshot!(format!("numbers_list_{format}"), text);
        }
    });
}

#[test]
fn one_record_in_every_format() {
    let (h, id) = numbers_setup();
    settings().bind(|| {
        for format in ["table", "json", "csv"] {
            let text = stdout(
                h.cli_for(&id)
                    .args(["reputation", "settings", "--format", format]),
            );
            insta::assert_snapshot!(format!("reputation_settings_{format}"), text);
        }
    });
}

#[test]
fn batch_report_in_every_format() {
    let (h, id) = numbers_setup();
    settings().bind(|| {
        for (i, format) in ["table", "json", "csv"].into_iter().enumerate() {
            let (first, second) = (format!("+1202555102{i}"), format!("+1202555103{i}"));
            let assert = h
                .cli_for(&id)
                .args([
                    "numbers",
                    "add",
                    "--skip-invalid",
                    "--format",
                    format,
                    &first,
                    "12345",
                    &second,
                ])
                .assert()
                .success();
            let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
            insta::assert_snapshot!(format!("numbers_add_report_{format}"), text);
        }
    });
}
