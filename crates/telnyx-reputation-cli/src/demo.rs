//! `demo`: the documented Number Reputation journey, step by step, against an emulator
//! started in-process, ending with the numbers' reputation and the billing ledger the run
//! caused. Every step is one or two facade calls; the demo adds only narration. It needs no
//! credentials and takes a few seconds.
//!
//! The demo never reads `TELNYX_BASE_URL` or `TELNYX_API_KEY` unless `--live` is given: a
//! developer's shell usually has both exported, and the journey bills. With `--live` it
//! runs against `--base-url`/`TELNYX_BASE_URL` only after an interactive confirmation that
//! states what it bills (or `--yes`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use telnyx_reputation::{
    CheckFrequency, Client, LoaRenderOptions, NewEnterprise, RemediationRequest, ReputationNumber,
    SpamRisk, WaitOptions,
};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};

use crate::cli::GlobalArgs;
use crate::commands::numbers::numbers_view;
use crate::commands::remediation::{Polling, follow};
use crate::exit::{CliError, CliResult};
use crate::output::{View, cell};

/// Options of the demo.
#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Directory for the rendered `loa.pdf` (default: a new temporary directory).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// How long the embedded emulator takes to approve a gate or a remediation stage.
    #[arg(long, default_value = "1s", value_parser = parse_delay)]
    pub approval_delay: ApprovalDelay,
    /// How many numbers to register (1..=1000).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub numbers: u16,
    /// Run the journey against the real server named by `--base-url`/`TELNYX_BASE_URL` with
    /// `--api-key`/`TELNYX_API_KEY`. It bills: you are asked to confirm first.
    #[arg(long)]
    pub live: bool,
    /// With `--live`: do not ask, accept the billing stated by the confirmation.
    #[arg(long, requires = "live")]
    pub yes: bool,
    /// Exit at the end instead of serving the monitoring act's dashboard until Ctrl-C (it
    /// is served only when stdout is a terminal).
    #[arg(long)]
    pub no_serve: bool,
}

impl DemoArgs {
    /// The billable units a run makes at most: enable, one add per number, a first (live)
    /// read per number plus one fresh read, one refresh per number, and the numbers submitted
    /// for remediation (the flagged ones, plus up to 5 by the monitoring rules).
    pub fn billable_plan(&self) -> Vec<(&'static str, u64)> {
        let n = u64::from(self.numbers);
        vec![
            ("enable Number Reputation", 1),
            ("numbers added for monitoring", n),
            ("live reputation lookups", n + 1),
            ("forced refreshes", n),
            ("numbers submitted for remediation (at most)", n + 5),
        ]
    }
}

fn parse_delay(s: &str) -> Result<ApprovalDelay, String> {
    match s.parse()? {
        ApprovalDelay::Manual => Err("the demo needs automatic approval (e.g. 1s)".into()),
        delay => Ok(delay),
    }
}

/// The API key used against the embedded emulator (every key is its own account there).
const DEMO_KEY: &str = "demo-key";
const STEPS: usize = 11;

/// Run the demo: on its embedded emulator, or with `--live` against `global`'s server after
/// a confirmation.
pub async fn run(global: &GlobalArgs, args: DemoArgs) -> CliResult {
    let started = Instant::now();
    let (embedded, base_url, api_key) = if args.live {
        let base_url = global.base_url.clone().ok_or_else(|| {
            CliError::usage("demo --live needs the server: pass --base-url or set TELNYX_BASE_URL")
        })?;
        let api_key = global.api_key.clone().ok_or_else(|| {
            CliError::usage("demo --live needs an API key: pass --api-key or set TELNYX_API_KEY")
        })?;
        confirm_live(&base_url, &args)?;
        (None, base_url, api_key)
    } else {
        let emulator = start_emulator(args.approval_delay).await?;
        let base_url = emulator.base_url();
        (Some(emulator), base_url, DEMO_KEY.to_owned())
    };
    println!("telnyx-reputation demo: the Number Reputation journey, step by step");
    match &embedded {
        Some(_) => println!(
            "  embedded emulator at {base_url} (approval delay {}; nothing is billed)\n",
            args.approval_delay
        ),
        None => println!("  LIVE server at {base_url} (billable)\n"),
    }
    // The run is budgeted at its stated plan: nothing beyond it can be billed.
    let plan_units: u64 = args.billable_plan().iter().map(|(_, n)| n).sum();
    let client = Client::builder()
        .api_key(&api_key)
        .base_url(&base_url)
        .max_billable(plan_units)
        .build()?;
    let result = async {
        let enterprise_id = journey(&client, &args).await?;
        // The monitoring act drives the emulator's admin API (its clock, a number's data):
        // it runs on the embedded emulator only, never against a live server.
        match &embedded {
            Some(emulator) => crate::demo_monitor::act(
                &client,
                emulator,
                &api_key,
                &enterprise_id,
                &out_dir(&args)?,
            )
            .await
            .map(Some),
            None => Ok(None),
        }
    }
    .await;
    if result.is_ok() {
        // Only the embedded emulator has an admin ledger; a live server is never sent the
        // key anywhere but its API.
        match &embedded {
            Some(emulator) => print_ledger(emulator, &api_key).await,
            None => crate::commands::numbers::billable_summary(&client),
        }
        println!("\ndone in {:.1} s", started.elapsed().as_secs_f64());
    }
    if let Some(emulator) = embedded {
        emulator.shutdown().await;
    }
    match result? {
        Some(store) => serve_dashboard(&store, &args).await,
        None => Ok(()),
    }
}

/// The end of the demo: the monitoring act's dashboard, served on 127.0.0.1 until Ctrl-C
/// when stdout is a terminal (unless `--no-serve`); otherwise the command that serves it.
async fn serve_dashboard(path: &std::path::Path, args: &DemoArgs) -> CliResult {
    use telnyx_reputation_monitor::Store;
    use telnyx_reputation_monitor::dashboard::Dashboard;
    let url = format!("sqlite://{}", path.display());
    if args.no_serve || !std::io::stdout().is_terminal() {
        println!(
            "dashboard of the monitoring act: telnyx-reputation monitor dashboard --store {url}"
        );
        return Ok(());
    }
    let store = Store::open(&url).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!(
        "dashboard of the monitoring act: http://{}/ (served until Ctrl-C)",
        listener.local_addr()?
    );
    std::io::stdout().flush()?;
    let served = Dashboard::new(store.clone())
        .serve(listener, async {
            let _ = crate::commands::shutdown_signal().await;
        })
        .await;
    let closed = store.close().await;
    served.map_err(|e| store.named(e))?;
    Ok(closed?)
}

/// State what a live run bills and ask for `yes` on the terminal, unless `--yes`.
fn confirm_live(base_url: &str, args: &DemoArgs) -> CliResult {
    let plan = args.billable_plan();
    let total: u64 = plan.iter().map(|(_, n)| n).sum();
    let mut text = format!(
        "demo --live runs the whole journey against {base_url}: it creates an enterprise \
         \"Acme Plumbing LLC\", and bills up to {total} billable units:\n"
    );
    for (what, n) in &plan {
        text.push_str(&format!("  {n:>5}  {what}\n"));
    }
    eprint!("{text}");
    if args.yes {
        eprintln!("--yes given: proceeding");
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(
            "demo --live: not confirmed (stdin is not a terminal); pass --yes to accept the billing above",
        ));
    }
    eprint!("Type yes to proceed: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(CliError::usage(
            "demo --live: not confirmed; nothing was sent",
        ))
    }
}

async fn start_emulator(delay: ApprovalDelay) -> CliResult<RunningEmulator> {
    Emulator::builder()
        .host("127.0.0.1")
        .port(0)
        .approval_delay(delay)
        .start()
        .await
        .map_err(|e| CliError::other(format!("cannot start the embedded emulator: {e}")))
}

/// Announces steps and wraps their failures with the step's name.
struct Narrator {
    step: usize,
    title: &'static str,
}

impl Narrator {
    fn start(&mut self, title: &'static str) {
        self.step += 1;
        self.title = title;
        println!("[{:>2}/{STEPS}] {title}", self.step);
    }

    fn done(&self, what: impl std::fmt::Display) {
        println!("        {what}");
    }

    fn fail(&self) -> impl Fn(CliError) -> CliError + '_ {
        move |e| e.context(&format!("step {} ({})", self.step, self.title))
    }
}

async fn journey(client: &Client, args: &DemoArgs) -> CliResult<String> {
    let mut n = Narrator { step: 0, title: "" };
    macro_rules! attempt {
        ($e:expr) => {
            $e.await.map_err(CliError::from).map_err(n.fail())?
        };
    }

    n.start("Accept the Number Reputation terms of service");
    let agreement = attempt!(client.terms_of_service().agree_number_reputation());
    n.done(format!(
        "agreed to terms version {}",
        agreement.terms_version
    ));

    n.start("Create an enterprise");
    let enterprise = attempt!(client.enterprises().create(acme()));
    n.done(format!(
        "{} ({}) id {}",
        enterprise.legal_name, enterprise.doing_business_as, enterprise.id
    ));
    let rep = client.reputation(&enterprise.id);

    n.start("Render the Letter of Authorization (not billable)");
    let pdf = attempt!(rep.loa().render(LoaRenderOptions::default()));
    let dir = out_dir(args).map_err(n.fail())?;
    let loa_path = dir.join("loa.pdf");
    crate::commands::loa::write_file(&loa_path, &pdf).map_err(n.fail())?;
    n.done(format!(
        "{} bytes of PDF written to {}",
        pdf.len(),
        loa_path.display()
    ));

    n.start("Upload the signed LOA to the Documents API");
    let document = crate::commands::documents::upload(client, &loa_path)
        .await
        .map_err(n.fail())?;
    n.done(format!("document id {}", document.id));

    n.start("Enable Number Reputation (billable)");
    let settings = attempt!(rep.enable(&document.id, CheckFrequency::BusinessDaily));
    n.done(format!(
        "status {}, loa_status {}",
        settings.status, settings.loa_status
    ));

    n.start("Wait for both approval gates (status and loa_status)");
    let waiting = spinner("polling reputation settings");
    let waited = Instant::now();
    let options = WaitOptions {
        interval: Duration::from_millis(250),
        timeout: Duration::from_secs(60),
    };
    let approved = rep.wait_until_approved(options).await;
    waiting.finish_and_clear();
    let approved = approved.map_err(CliError::from).map_err(n.fail())?;
    n.done(format!(
        "status {}, loa_status {} after {:.1} s",
        approved.status,
        approved.loa_status,
        waited.elapsed().as_secs_f64()
    ));

    n.start("Add numbers for monitoring (billable; atomic batches of 100)");
    let numbers = demo_numbers(args.numbers);
    let mut added = 0;
    for batch in numbers.chunks(100) {
        added += attempt!(rep.numbers().add(batch)).len();
    }
    n.done(format!(
        "{added} numbers registered ({} .. {})",
        numbers[0],
        numbers[numbers.len() - 1]
    ));

    n.start("Read reputation: cached (first read is a live, billed lookup), then fresh (billed)");
    let mut current = Vec::new();
    for number in &numbers {
        current.push(attempt!(rep.numbers().get(number)));
    }
    let again = attempt!(rep.numbers().get(&numbers[0]));
    let fresh = attempt!(rep.numbers().get_fresh(&numbers[0]));
    n.done(format!(
        "{} numbers read; {} read again from cache (free), then live: spam_risk {}",
        current.len(),
        again.phone_number,
        risk(&fresh)
    ));

    n.start("Force a refresh (billable)");
    let mut refreshed = 0;
    for batch in numbers.chunks(100) {
        refreshed += attempt!(rep.numbers().refresh(batch)).total_successful;
    }
    n.done(format!(
        "{refreshed} of {} numbers refreshed",
        numbers.len()
    ));

    n.start("Submit remediation for the flagged numbers (spam_risk high)");
    let all = attempt!(rep.numbers().list().page_size(250).collect_all());
    let flagged: Vec<&str> = all
        .iter()
        .filter(|x| {
            x.reputation_data
                .as_ref()
                .and_then(|d| d.spam_risk.as_ref())
                == Some(&SpamRisk::High)
        })
        .map(|x| x.phone_number.as_str())
        .collect();
    if flagged.is_empty() {
        n.done("no number is flagged high: nothing to remediate");
        n.start("Follow the remediation to completion");
        n.done("skipped");
    } else {
        let request = RemediationRequest::new(
            &flagged,
            "Outbound appointment reminders for our plumbing customers.",
        )
        .contact_email("ops@acmeplumbing.example.com");
        let submitted = attempt!(rep.remediation().submit(request));
        n.done(format!(
            "{} numbers submitted: {}; request {} is {}",
            flagged.len(),
            flagged.join(" "),
            submitted.id,
            submitted.status
        ));

        n.start("Follow the remediation to completion");
        let spinning = spinner("polling the remediation request");
        let mut seen = Vec::new();
        let polling = Polling {
            interval: Duration::from_millis(250),
            max_interval: Duration::from_millis(250),
            timeout: Duration::from_secs(60),
        };
        let done = follow(&rep.remediation(), &submitted.id, polling, |s| {
            spinning.set_message(format!("status {s}"));
            seen.push(s.to_string());
        })
        .await;
        spinning.finish_and_clear();
        let done = done.map_err(n.fail())?;
        let results = done.results.unwrap_or_default();
        n.done(format!(
            "{}: remediated {}, requires review {}, refused {}, not flagged {}, ineligible {}",
            seen.join(" -> "),
            list_or_none(&results.remediated),
            list_or_none(&results.requires_review),
            list_or_none(&results.refused),
            list_or_none(&results.not_flagged),
            list_or_none(&results.ineligible),
        ));
    }

    let final_numbers = attempt!(rep.numbers().list().page_size(250).collect_all());
    println!("\nMonitored numbers ({}):", final_numbers.len());
    println!("{}", numbers_view(&final_numbers).table());
    Ok(enterprise.id)
}

fn risk(n: &ReputationNumber) -> String {
    n.reputation_data
        .as_ref()
        .and_then(|d| d.spam_risk.as_ref())
        .map_or_else(|| "unknown (no data yet)".to_owned(), ToString::to_string)
}

fn list_or_none(numbers: &[String]) -> String {
    if numbers.is_empty() {
        "none".to_owned()
    } else {
        numbers.join(" ")
    }
}

fn spinner(message: &'static str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner().with_message(message);
    spinner.set_style(
        ProgressStyle::with_template("        {spinner} {msg} ({elapsed})")
            .expect("static template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}

/// `--out-dir`, or a fresh directory under the system temp dir.
fn out_dir(args: &DemoArgs) -> CliResult<PathBuf> {
    let dir = match &args.out_dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("telnyx-reputation-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::other(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

/// `count` distinct valid US numbers in the 202 area code.
fn demo_numbers(count: u16) -> Vec<String> {
    (0..count)
        .map(|i| format!("+1202555{:04}", 1000 + u32::from(i)))
        .collect()
}

/// The enterprise of the documentation's quickstart (the shared example).
fn acme() -> NewEnterprise {
    telnyx_reputation::examples::acme()
}

/// Print the billable actions the run caused, from the embedded emulator's admin ledger.
async fn print_ledger(emulator: &RunningEmulator, api_key: &str) {
    let admin = emulator.admin_url();
    match fetch_ledger(&admin, api_key).await {
        Ok(view) => {
            println!("\nBilling ledger of this run (from the emulator's admin API):");
            println!("{}", view.table());
        }
        Err(e) => println!("\nBilling ledger: not available from {admin} ({e})"),
    }
}

async fn fetch_ledger(admin: &str, api_key: &str) -> Result<View, reqwest::Error> {
    let body: serde_json::Value = reqwest::Client::new()
        .get(format!("{admin}/ledger"))
        .bearer_auth(api_key)
        .timeout(Duration::from_secs(10))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let ledger = body.get("data").unwrap_or(&body);
    // Every action the emulator reports (the schedule's re-checks included), then the total,
    // so the rows always add up to it.
    let count = |value: &serde_json::Value| value.as_u64();
    let actions = ledger
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(action, value)| {
            (action != "total").then_some(())?;
            Some((action.clone(), count(value)?))
        });
    let total = ledger.get("total").and_then(count).unwrap_or(0);
    let rows = actions
        .chain(std::iter::once(("total".to_string(), total)))
        .map(|(action, n)| vec![cell(action), cell(n)])
        .collect();
    Ok(View::list(
        vec!["billable action", "count"],
        rows,
        ledger.clone(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_numbers_are_valid_and_distinct() {
        let numbers = demo_numbers(1000);
        assert!(
            numbers
                .iter()
                .all(|n| telnyx_reputation::PhoneNumber::parse(n).is_ok())
        );
        let unique: std::collections::HashSet<_> = numbers.iter().collect();
        assert_eq!(unique.len(), 1000);
    }
}
