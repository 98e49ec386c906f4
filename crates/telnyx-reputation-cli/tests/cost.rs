//! Money from the command line, checked against the emulator's ledger: `--max-spend`
//! refused before anything is sent, `--prices FILE` (TOML and JSON), `--dry-run` priced,
//! and `cost forecast` reading the account with free calls only.

mod common;

use common::{Harness, json_of};
use predicates::str::contains;

fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn numbers(count: usize) -> String {
    (0..count).map(|i| format!("+1415555{i:04}\n")).collect()
}

#[test]
fn max_spend_refuses_a_plan_over_budget_before_sending() {
    let h = Harness::start("max-spend");
    let id = h.approved_enterprise();
    h.cli_for(&id)
        .args(["numbers", "add", "--file", "-"])
        .write_stdin(numbers(3))
        .assert()
        .success();
    let before = h.ledger();
    // Three refreshes are three checks, $0.30: over $0.25, refused whole, nothing sent.
    h.cli_for(&id)
        .args(["--max-spend", "0.25", "numbers", "refresh", "--file", "-"])
        .write_stdin(numbers(3))
        .assert()
        .code(2)
        .stderr(contains("max_spend $0.25"))
        .stderr(contains("nothing was sent"));
    assert_eq!(h.ledger(), before);
    // A price the pricing page does not state cannot fit a dollar budget.
    h.cli_for(&id)
        .args(["--max-spend", "25.00", "numbers", "add", "+14155550100"])
        .assert()
        .code(2)
        .stderr(contains("price of numbers_added is unknown"));
    assert_eq!(h.ledger(), before);

    h.cli_for(&id)
        .args(["--max-spend", "0.30", "numbers", "refresh", "--file", "-"])
        .write_stdin(numbers(3))
        .assert()
        .success()
        .stderr(contains("costing $0.30"));
    assert_eq!(h.ledger()["refreshes"], 3);
}

#[test]
fn prices_files_in_toml_and_json_override_the_published_table() {
    let h = Harness::start("prices-file");
    let id = h.approved_enterprise();
    let dir = tempfile::tempdir().unwrap();
    let toml = file(
        &dir,
        "prices.toml",
        "numbers_added = \"0.02\"\nlive_lookups = { usd = \"0.08\", source = \"our contract\", read = \"2027-01\" }\n",
    );
    let json = file(&dir, "prices.json", r#"{"numbers_added": 0.5}"#);
    let table = json_of(h.cli().args(["cost", "prices", "--prices"]).arg(&toml));
    let row = |item: &str| {
        table
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["item"] == item)
            .unwrap()
            .clone()
    };
    assert_eq!(row("numbers_added")["usd"], "0.02");
    assert_eq!(row("live_lookups")["source"], "our contract");
    assert_eq!(
        row("remediations")["usd"],
        "1.00",
        "the rest stay published"
    );
    assert_eq!(
        json_of(h.cli().args(["cost", "prices"]))[2]["usd"],
        "unknown"
    );

    // $0.50 a number: two fit $1.00, three do not.
    h.cli_for(&id)
        .args(["--max-spend", "1.00", "--prices"])
        .arg(&json)
        .args(["numbers", "add", "--file", "-"])
        .write_stdin(numbers(3))
        .assert()
        .code(2)
        .stderr(contains("billing refused"));
    assert_eq!(h.ledger()["numbers_added"], 0);
    h.cli_for(&id)
        .args(["--max-spend", "1.00", "--prices"])
        .arg(&json)
        .args(["numbers", "add", "--file", "-"])
        .write_stdin(numbers(2))
        .assert()
        .success()
        .stderr(contains("costing $1.00"));
    assert_eq!(h.ledger()["numbers_added"], 2);

    let bad = file(&dir, "bad.toml", "live_lookup = \"0.1\"\n");
    h.cli()
        .args(["cost", "prices", "--prices"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(contains("unknown item `live_lookup`"));
    h.cli()
        .args(["--max-spend", "ten", "cost", "prices"])
        .assert()
        .code(2);
}

#[test]
fn dry_run_prints_what_the_plan_would_cost() {
    let h = Harness::start("dry-run-cost");
    let id = h.approved_enterprise();
    let before = h.ledger();
    let plan = json_of(
        h.cli_for(&id)
            .args(["numbers", "refresh", "--dry-run", "--file", "-"])
            .write_stdin(numbers(250)),
    );
    assert_eq!(plan["usd"]["usd"], "25.00", "{plan}");
    assert_eq!(plan["usd"]["exact"], true, "{plan}");
    assert_eq!(plan["requests"][2]["usd"]["usd"], "5.00", "{plan}");
    h.cli_for(&id)
        .args(["numbers", "add", "--dry-run", "--file", "-"])
        .write_stdin(numbers(250))
        .assert()
        .success()
        .stderr(contains("costing $0.00 + unknown (250 numbers_added)"));
    h.cli_for(&id)
        .args(["numbers", "get", "+14155550000", "--fresh", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("$0.10"))
        .stderr(contains("costing $0.10"));
    assert_eq!(h.ledger(), before, "a dry run sends nothing");
}

#[test]
fn cost_forecast_prices_the_month_with_free_calls_only() {
    let h = Harness::start("forecast");
    let id = h.approved_enterprise();
    h.cli_for(&id)
        .args(["numbers", "add", "--file", "-"])
        .write_stdin(numbers(100))
        .assert()
        .success();
    // A second enterprise without Number Reputation: no fee, no re-checks.
    let other = json_of(
        h.cli()
            .args(["enterprises", "create", "--json", "-"])
            .write_stdin(
                common::ENTERPRISE_JSON
                    .replace("Acme Plumbing LLC", "Other Plumbing LLC")
                    .replace("12-3456789", "98-7654321"),
            ),
    );
    let before = h.ledger();

    let forecast = json_of(h.cli().args(["cost", "forecast"]));
    let rows = forecast["enterprises"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["enterprise_id"] == id.as_str())
        .unwrap();
    assert_eq!(row["check_frequency"], "business_daily");
    assert_eq!(row["numbers"], 100);
    assert_eq!(row["checks_per_month"], "21.74");
    assert_eq!(row["monitoring"]["usd"], "100.00");
    // 100 numbers × $0.10 × 30.4375 × 5/7 checks = $217.410714 (to the micro-dollar).
    assert_eq!(row["rechecks"]["usd"], "217.410714");
    assert_eq!(row["total"]["usd"], "317.410714");
    let off = rows
        .iter()
        .find(|r| r["enterprise_id"] == other["id"])
        .unwrap();
    assert_eq!(off["status"], "not_enabled");
    assert_eq!(off["total"]["usd"], "0.00");
    assert_eq!(forecast["total"]["usd"], "317.410714");
    assert!(
        forecast["assumptions"][0]
            .as_str()
            .unwrap()
            .contains("30.4375")
    );

    // What if it checked weekly with 900 numbers more: 1,000 × $0.10 × 30.4375 / 7.
    let what_if = json_of(h.cli().args([
        "cost",
        "forecast",
        "--frequency",
        "weekly",
        "--numbers",
        "+900",
    ]));
    assert_eq!(what_if["numbers"], 1000);
    assert_eq!(what_if["total"]["usd"], "534.821429");
    assert_eq!(what_if["current_total"]["usd"], "317.410714");
    assert_eq!(what_if["what_if"]["numbers"], "+900");

    // What if it re-checked weekly and ran a $40-a-month budgeted policy: the policy's
    // budget is the most it adds. A bad policy file is a usage error naming it.
    let dir = tempfile::tempdir().unwrap();
    let policy = file(
        &dir,
        "policy.toml",
        "[policy]\nmonthly_budget_usd = \"40.00\"\n",
    );
    let with_policy = json_of(
        h.cli()
            .args(["cost", "forecast", "--frequency", "weekly", "--policy"])
            .arg(&policy),
    );
    let row = with_policy["enterprises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["enterprise_id"] == id.as_str())
        .unwrap();
    assert_eq!(row["policy"], "40.00");
    // $100 fee + 100 × $0.10 × 30.4375 / 7 + $40.
    assert_eq!(with_policy["total"]["usd"], "183.482143");
    assert_eq!(with_policy["what_if"]["policy_monthly_budget"], "40.00");
    let bad = file(&dir, "bad.toml", "[policy]\nmonthly_budget = 5\n");
    h.cli()
        .args(["cost", "forecast", "--policy"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(contains("bad.toml"));

    // An unknown check price is named, never guessed.
    let dir = tempfile::tempdir().unwrap();
    let prices = file(&dir, "p.toml", "scheduled_refresh = \"unknown\"\n");
    let unknown = json_of(
        h.cli_for(&id)
            .args(["cost", "forecast", "--prices"])
            .arg(&prices),
    );
    assert_eq!(unknown["enterprises"].as_array().unwrap().len(), 1);
    assert_eq!(unknown["total"]["usd"], "100.00");
    assert_eq!(unknown["total"]["exact"], false);
    assert_eq!(unknown["total"]["unknown_units"]["scheduled_refresh"], 2174);

    let csv = h
        .cli()
        .args(["--format", "csv", "cost", "forecast"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with("enterprise_id,legal_name,status,check_frequency,numbers,"),
        "{csv}"
    );
    assert!(csv.contains("$317.410714"), "{csv}");
    h.cli()
        .args(["cost", "forecast"])
        .assert()
        .success()
        .stdout(contains("$317.410714"))
        .stderr(contains("assumes: a month of 30.4375 days"));

    assert_eq!(h.ledger(), before, "the forecast makes free calls only");
}

#[test]
fn remediation_dry_run_prices_each_number_and_max_billable_counts_them() {
    let h = Harness::start("remediation-cost");
    let id = h.approved_enterprise();
    h.cli_for(&id)
        .args(["numbers", "add", "--file", "-"])
        .write_stdin(numbers(3))
        .assert()
        .success();
    let before = h.ledger();
    let plan = json_of(
        h.cli_for(&id)
            .args([
                "remediation",
                "submit",
                "--call-purpose",
                "Appointment reminders.",
                "--dry-run",
                "--file",
                "-",
            ])
            .write_stdin(numbers(3)),
    );
    assert_eq!(plan["units"], 3, "{plan}");
    assert_eq!(plan["usd"]["usd"], "3.00", "{plan}");
    // Three numbers are three billed units: over a budget of two, refused, nothing sent.
    h.cli_for(&id)
        .args([
            "--max-billable",
            "2",
            "remediation",
            "submit",
            "--call-purpose",
            "Appointment reminders.",
            "--file",
            "-",
        ])
        .write_stdin(numbers(3))
        .assert()
        .code(2)
        .stderr(contains("remediation.submit"));
    assert_eq!(h.ledger(), before);
}
