//! The dashboard in a real browser: headless Chromium (Debian's `chromium`) driven through
//! WebDriver by its `chromedriver` (the `fantoccini` crate), against a dashboard served on
//! 127.0.0.1 over an SQLite store seeded by real syncs of the emulator.
//!
//! The driver is the one named by `TELNYX_REPUTATION_TEST_CHROMEDRIVER` and the browser by
//! `TELNYX_REPUTATION_TEST_CHROMIUM`: `cargo xtask with-chromium CMD` (and the pipeline's
//! `cargo test` step) install the packages when missing and set both. Without the driver
//! variable the test fails under CI; elsewhere it falls back to `/usr/bin/chromedriver`
//! and `/usr/bin/chromium`, and fails saying how to get them when they are missing.
//! Screenshots of every page are written to `target/browser-screenshots/` (not committed).

mod suite;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use suite::{DashboardServer, SCRIPT_CATEGORY, seeded_dashboard_fleet};
use telnyx_reputation_monitor::dashboard::Dashboard;
use telnyx_reputation_monitor::{Monitor, Rules, Store, SyncOptions};

const DRIVER_VAR: &str = "TELNYX_REPUTATION_TEST_CHROMEDRIVER";
const BROWSER_VAR: &str = "TELNYX_REPUTATION_TEST_CHROMIUM";

/// The flags Chromium runs with: headless, and nothing that reaches out to the network on
/// its own (on a closed network those connections are refused and slow everything down).
const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1100",
];

fn binaries() -> (PathBuf, PathBuf) {
    let how = "run `cargo xtask with-chromium cargo test -p telnyx-reputation-monitor --test browser`, \
               which installs Debian's chromium and chromium-driver when missing and sets it";
    let driver = match std::env::var_os(DRIVER_VAR) {
        Some(path) => PathBuf::from(path),
        None if std::env::var_os("CI").is_some() => {
            panic!("{DRIVER_VAR} is not set under CI: {how}")
        }
        None => PathBuf::from("/usr/bin/chromedriver"),
    };
    let browser = std::env::var_os(BROWSER_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    for path in [&driver, &browser] {
        assert!(path.exists(), "{} does not exist: {how}", path.display());
    }
    (driver, browser)
}

/// A chromedriver on a free loopback port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver(path: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(format!("{}/status", driver.url)).await
            && r.status().is_success()
        {
            return driver;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "chromedriver did not answer on {} within 30 s",
            driver.url
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn browser(driver: &Driver, chromium: &Path, profile: &Path) -> Client {
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": chromium, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// The text of `css` once `ready` holds for it, waiting (at most 10 s) for the page a click
/// or a form's POST and redirect is loading: until then the old page's element may be found
/// and go stale before it is read.
async fn text_when(client: &Client, css: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut last = String::from("(not found)");
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            match element.text().await {
                Ok(text) if ready(&text) => return text,
                Ok(text) => last = text,
                Err(e) => last = format!("({e})"),
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css}: still {last:?} after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first column's texts of the rows of `table`.
async fn first_column(client: &Client, table: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cell in client
        .find_all(Locator::Css(&format!("{table} tbody tr td:first-child")))
        .await
        .unwrap()
    {
        out.push(cell.text().await.unwrap());
    }
    out
}

const ALERT_RULE: &str = r#"
[[channel]]
name = "ops"
type = "slack"
url = "BASE/slack"

[[rule]]
name = "is high"
when = { is_high = true }
remind_every = "1h"
actions = [{ type = "notify", channel = "ops" }]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_in_headless_chromium() {
    let (driver_path, chromium) = binaries();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/monitor.sqlite", dir.path().display()))
        .await
        .unwrap();
    // Two real syncs of the emulator (two numbers turn high, one with a `<script>`
    // category), then a third with an alert rule: an alert opens for each high number.
    let (fleet, report, turned) = seeded_dashboard_fleet(&store).await;
    let hook = suite::receiving().await;
    let rules = Rules::parse(&ALERT_RULE.replace("BASE", &hook.base), "rules.toml").unwrap();
    let run = Monitor::new(fleet.client.clone(), store.clone())
        .sync_with_rules(
            &fleet.enterprise_id,
            &SyncOptions::default(),
            &rules,
            false,
            |_| {},
        )
        .await
        .unwrap();
    let risk_of = |r: &telnyx_reputation_monitor::Reading| {
        r.spam_risk.clone().unwrap_or_else(|| "none".into())
    };
    let mut high: Vec<String> = report
        .current
        .iter()
        .filter(|r| risk_of(r) == "high")
        .map(|r| r.phone_number.clone())
        .collect();
    high.sort();
    assert_eq!(run.queued, high.len(), "one alert per high number");
    let server = DashboardServer::start(Dashboard::new(store.clone())).await;
    let driver = start_driver(&driver_path).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, &chromium, profile.path()).await;
    let outcome = tokio::time::timeout(
        Duration::from_secs(120),
        scenario(&client, &server.url, &report, &high, &turned, &store),
    )
    .await;
    client.close().await.unwrap();
    drop(driver);
    server.stop().await;
    outcome.expect("the browser scenario finishes within 2 minutes");
}

async fn scenario(
    client: &Client,
    base: &str,
    report: &telnyx_reputation_monitor::SyncReport,
    high: &[String],
    turned: &[String; 2],
    store: &Store,
) {
    let risk_of = |r: &telnyx_reputation_monitor::Reading| {
        r.spam_risk.clone().unwrap_or_else(|| "none".into())
    };
    // The fleet page: the counts per risk level, the open alerts, the risk chart.
    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(text(client, "#total-numbers").await, "12");
    for risk in ["high", "medium", "low", "none"] {
        let n = report.current.iter().filter(|r| risk_of(r) == risk).count();
        assert_eq!(
            text(client, &format!("#total-{risk}")).await,
            n.to_string(),
            "{risk}"
        );
    }
    assert_eq!(text(client, "#alerts-open").await, high.len().to_string());
    client
        .find(Locator::Css("#risk-chart-total svg"))
        .await
        .expect("the fleet's risk chart");
    screenshot(client, "fleet").await;

    // Numbers: filter to high with the form (no JavaScript on the page) and submit.
    client.goto(&format!("{base}/numbers")).await.unwrap();
    let form = client.form(Locator::Css("form.filters")).await.unwrap();
    client
        .find(Locator::Css("select[name=risk]"))
        .await
        .unwrap()
        .select_by_value("high")
        .await
        .unwrap();
    form.submit().await.unwrap();
    // The submit starts a navigation; wait (bounded) until the browser is on the filtered
    // page before reading it, not on the form's page it is leaving.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let url = loop {
        let url = client.current_url().await.unwrap();
        if url.query().unwrap_or_default().contains("risk=high")
            || tokio::time::Instant::now() >= deadline
        {
            break url;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        url.query().unwrap_or_default().contains("risk=high"),
        "{url}"
    );
    assert_eq!(first_column(client, "#numbers").await, high);
    screenshot(client, "numbers-high").await;
    // The CSV export of this view lists exactly the same numbers.
    let csv_href = client
        .find(Locator::Css("a#csv"))
        .await
        .unwrap()
        .prop("href")
        .await
        .unwrap()
        .expect("the CSV link");
    assert!(csv_href.contains("risk=high"), "{csv_href}");
    let csv = reqwest::get(&csv_href).await.unwrap().text().await.unwrap();
    let exported: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(exported, high);

    // A number's page: its chart and changes; the `<script>` category shown as text.
    client
        .find(Locator::LinkText(&turned[0]))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The click loads the number's page: wait for it (bounded) rather than read the old one.
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("section.enterprise figure svg"))
        .await
        .expect("the number's chart");
    let kinds = {
        let mut kinds = Vec::new();
        for cell in client
            .find_all(Locator::Css("table.changes tbody tr td:nth-child(2)"))
            .await
            .unwrap()
        {
            kinds.push(cell.text().await.unwrap());
        }
        kinds
    };
    assert!(
        kinds.contains(&"risk_up".to_owned()) && kinds.contains(&"added".to_owned()),
        "{kinds:?}"
    );
    assert_eq!(text(client, "p span.category").await, SCRIPT_CATEGORY);
    let ran: serde_json::Value = client
        .execute(
            "return { scripts: document.scripts.length, \
                      injected: document.querySelectorAll('td.category script, span.category script').length }",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ran, serde_json::json!({ "scripts": 0, "injected": 0 }));
    assert!(
        client.get_alert_text().await.is_err(),
        "no alert() dialog: the script never ran"
    );
    screenshot(client, "number").await;

    // Alerts: acknowledge the first open one with its form; the page shows it held.
    client.goto(&format!("{base}/alerts")).await.unwrap();
    assert_eq!(text(client, "#count-open").await, high.len().to_string());
    assert_eq!(text(client, "#count-acknowledged").await, "0");
    let row = client
        .find(Locator::Css("table.alerts tbody tr"))
        .await
        .unwrap();
    let row_id = row.attr("id").await.unwrap().expect("an alert row id");
    let alert_id = row_id.trim_start_matches("alert-").to_owned();
    row.find(Locator::Css("form.acknowledge button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let held = text_when(client, &format!("#{row_id} td.held"), |t| {
        t.starts_with("acknowledged ")
    })
    .await;
    assert!(held.starts_with("acknowledged "), "{held}");
    assert_eq!(text(client, "#count-acknowledged").await, "1");
    let stored = store
        .alerts(None, &[telnyx_reputation_monitor::alerts::AlertState::Open])
        .await
        .unwrap();
    let acknowledged: Vec<&str> = stored
        .iter()
        .filter(|a| a.acknowledged_at.is_some())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(acknowledged, vec![alert_id.as_str()]);
    assert!(
        client
            .find(Locator::Css(&format!("#{row_id} form.acknowledge")))
            .await
            .is_err(),
        "no acknowledge button on an acknowledged alert"
    );
    screenshot(client, "alerts").await;

    // The other pages render in the browser too.
    for (path, name, heading) in [
        ("/changes", "changes", "Changes"),
        ("/remediations", "remediations", "Remediation requests"),
    ] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        assert_eq!(text(client, "h1").await, heading);
        screenshot(client, name).await;
    }
}
