//! `cargo xtask bench`: our clients side by side with the official SDKs and raw HTTP loops,
//! against the release emulator on loopback (approval delay 0, no injected latency).
//!
//! Workloads (each a fresh process, run `--runs` times after one discarded warm-up, all
//! cases interleaved per run so machine noise spreads evenly, in an order shuffled for each
//! pass so that no case always runs right after the same one):
//! 1. cold start: new process, import, client, one cached GET (Python, Node);
//! 2. sweep: list 10,000 numbers with reputation data, page size 250, count by spam risk;
//! 3. bulk add 10,000 numbers, 100 per request, into a fresh account each run;
//! 4. per-call overhead: 2,000 sequential cached GETs, minus the raw loop's time;
//! 5. peak RSS of the sweep, and installed package sizes.
//!
//! The workloads themselves are in `xtask/bench/{python,node,rust}`; this module only
//! starts, seeds, repeats and reports. The emulator's own speed (`--only emulator`,
//! `xtask/bench/emulator`) is reported by `emulator.rs`. Not part of `cargo xtask test`:
//! benchmarks are not timed tests.

mod dashboard;
mod emulator;
mod example;
mod failover;
mod measure;
mod monitor;
mod plot;
mod policy;
mod report;
mod service;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use serde_json::Value;

use crate::Result;
use crate::conformance::RunningBinary;
use measure::Sample;
use tools::Tools;

/// Numbers in the sweep account and in each bulk add.
pub const NUMBERS: usize = 10_000;
/// The number the cached-GET workloads read (the first of the plan).
const CACHED_NUMBER: &str = "+12025550000";

/// What the client workloads' emulator runs with besides `RunningBinary`'s defaults.
pub const EMULATOR_OPTIONS: &[&str] = &["--refresh-rate-limit", "off"];

/// Command-line options of `cargo xtask bench`.
#[derive(Debug, Clone)]
pub struct Options {
    pub runs: usize,
    pub calls: usize,
    pub only: Vec<Lang>,
    /// Run the emulator's own benchmark (`--only emulator`, or no `--only` at all).
    pub emulator: bool,
    /// Run the client workloads (an `--only` language, or no `--only` at all).
    pub clients: bool,
    /// Requests of the emulator's RSS run.
    pub requests: u64,
    pub rebuild_bindings: bool,
}

impl Options {
    pub fn parse(args: &[&str]) -> Result<Options> {
        let mut options = Options {
            runs: 5,
            calls: 2_000,
            only: Vec::new(),
            emulator: false,
            clients: false,
            requests: 1_000_000,
            rebuild_bindings: false,
        };
        let mut any_only = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .copied()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match *arg {
                "--runs" => options.runs = number(value("--runs")?, 1, 50)?,
                "--calls" => options.calls = number(value("--calls")?, 1, 100_000)?,
                "--only" => {
                    any_only = true;
                    match value("--only")? {
                        "emulator" => options.emulator = true,
                        lang => options.only.push(Lang::parse(lang)?),
                    }
                }
                "--requests" => {
                    options.requests = number(value("--requests")?, 1, 100_000_000)? as u64;
                }
                "--rebuild-bindings" => options.rebuild_bindings = true,
                other => return Err(format!("bench: unknown option {other:?}")),
            }
        }
        if !any_only {
            options.emulator = true;
        }
        options.clients = !any_only || !options.only.is_empty();
        Ok(options)
    }

    fn includes(&self, lang: Lang) -> bool {
        self.only.is_empty() || self.only.contains(&lang)
    }
}

fn number(text: &str, min: usize, max: usize) -> Result<usize> {
    match text.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number from {min} to {max}, got {text:?}"
        )),
    }
}

/// The three client languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lang {
    Python,
    Node,
    Rust,
}

impl Lang {
    fn parse(text: &str) -> Result<Lang> {
        match text {
            "python" => Ok(Lang::Python),
            "node" => Ok(Lang::Node),
            "rust" => Ok(Lang::Rust),
            other => Err(format!(
                "--only takes python, node, rust or emulator, not {other:?}"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::Node => "Node",
            Lang::Rust => "Rust",
        }
    }
}

/// The workloads of the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    Cold,
    Sweep,
    /// Rust only: the sweep with the next page's request in flight (what prefetching in the
    /// facade's pager would buy).
    SweepPrefetch,
    Add,
    /// Rust only: the facade's `add` with 4 requests in flight.
    AddPipelined,
    Get,
}

impl Workload {
    /// The argument the workload scripts take.
    fn arg(self) -> &'static str {
        match self {
            Workload::Cold => "cold",
            Workload::Sweep => "sweep",
            Workload::SweepPrefetch => "sweep-prefetch",
            Workload::Add => "add",
            Workload::AddPipelined => "add-pipelined",
            Workload::Get => "get",
        }
    }
}

/// One client running one workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    pub lang: Lang,
    /// `ours`/`official`/`raw` (Python, Node) or `facade`/`raw`/`raw-typed` (Rust).
    pub client: &'static str,
    pub workload: Workload,
}

impl Case {
    pub fn label(&self) -> String {
        let client = match (self.lang, self.client, self.workload) {
            (_, _, Workload::AddPipelined) => "facade, 4 in flight",
            (_, _, Workload::SweepPrefetch) => "facade, next page prefetched",
            (Lang::Python, "ours", _) => "telnyx-reputation",
            (Lang::Python, "official", _) => "telnyx (PyPI)",
            (Lang::Python, "raw", _) => "httpx + json",
            (Lang::Node, "ours", _) => "telnyx-reputation",
            (Lang::Node, "official", _) => "telnyx (npm)",
            (Lang::Node, "raw", _) => "fetch + JSON.parse",
            (Lang::Rust, "facade", _) => "facade",
            (Lang::Rust, "raw", _) => "reqwest + serde_json::Value",
            (Lang::Rust, "raw-typed", _) => "reqwest + minimal serde structs",
            (_, other, _) => other,
        };
        format!("{} {client}", self.lang.name())
    }
}

/// All samples of one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub samples: Vec<Sample>,
}

/// Installed size of one package: bytes alone and with its dependencies (`None`: unknown).
pub struct PackageSize {
    pub lang: &'static str,
    pub label: &'static str,
    pub bytes: Option<(u64, u64)>,
}

/// What the report needs besides the samples.
pub struct Context {
    pub options: Options,
    pub skipped: Vec<String>,
    pub sizes: Vec<PackageSize>,
    pub load_before: String,
    pub load_after: String,
}

/// `cargo xtask bench [--runs N] [--calls N] [--only python|node|rust]... [--rebuild-bindings]`
pub fn run(root: &Path, args: &[&str]) -> Result {
    // `--only policy`: the re-check cost/latency simulation (bench/policy.rs), alone.
    if policy::asked(args) {
        return policy::run(root);
    }
    // `--only dashboard`: the dashboard's pages over the report's store (bench/dashboard.rs).
    if dashboard::asked(args) {
        return dashboard::run(root);
    }
    // `--only failover`: two `serve` replicas and a kill -9 (bench/failover.rs), alone.
    if failover::asked(args) {
        return failover::run(root);
    }
    // `--only monitor-service`: the service watching 100,000 numbers (bench/service.rs).
    if service::asked(args) {
        return match service::from(args) {
            Some(path) => service::write_from(root, &path),
            None => service::run(root),
        };
    }
    // `--only monitor` (never implied by a plain run): the monitor's workloads
    // (bench/monitor.rs) and the failover, alone or after the rest.
    let monitor = monitor::split(args);
    if monitor.monitor && !monitor.others {
        monitor::run(root, monitor.runs)?;
        service::run(root)?;
        return failover::run(root);
    }
    let options = Options::parse(&monitor.rest)?;
    if options.clients {
        run_clients(root, &options)?;
    }
    if options.emulator {
        emulator::run(root, options.requests)?;
    }
    if monitor.monitor {
        monitor::run(root, monitor.runs)?;
        service::run(root)?;
        failover::run(root)?;
    }
    Ok(())
}

/// Our clients against the official SDKs and raw loops: `docs/benchmarks.md`.
fn run_clients(root: &Path, options: &Options) -> Result {
    let options = options.clone();
    let rebuild = tools::Rebuild {
        python: options.rebuild_bindings && options.includes(Lang::Python),
        node: options.rebuild_bindings && options.includes(Lang::Node),
    };
    let tools = tools::prepare(root, rebuild)?;
    let cases = matrix(&options, &tools);
    let mut skipped = Vec::new();
    if !tools.python_ours {
        skipped.push("Python telnyx-reputation (bindings/python not in this tree)".to_string());
    }
    if !tools.node_ours {
        skipped.push("Node telnyx-reputation (bindings/node not in this tree)".to_string());
    }
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {scratch:?}: {e}"))?;
    let load_before = load_average();

    // The seed refreshes its 10,000 numbers in 100 requests, past the emulator's default
    // per-enterprise refresh limit (60 a minute); no workload refreshes.
    let mut emulator = RunningBinary::start_with(&tools.emulator, EMULATOR_OPTIONS)?;
    let runner = Runner {
        tools: &tools,
        base_url: emulator.base_url.clone(),
        scratch: scratch.clone(),
        calls: options.calls,
    };
    let result = runner.all(&cases, options.runs);
    emulator.stop();
    let outcomes = result?;

    let context = Context {
        sizes: sizes(&tools),
        skipped,
        load_before,
        load_after: load_average(),
        options,
    };
    let raw_json =
        serde_json::to_string_pretty(&report::json(&outcomes)).map_err(|e| e.to_string())?;
    std::fs::write(scratch.join("results.json"), raw_json)
        .map_err(|e| format!("cannot write results.json: {e}"))?;
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).map_err(|e| format!("cannot create docs/: {e}"))?;
    let plot_note = plot::sweep(&outcomes, &docs.join("benchmarks-sweep.png"))?;
    let markdown = report::markdown(root, &outcomes, &context, plot_note.as_deref())?;
    std::fs::write(docs.join("benchmarks.md"), &markdown)
        .map_err(|e| format!("cannot write docs/benchmarks.md: {e}"))?;
    monitor::keep_summary(&docs)?;
    policy::keep_summary(&docs)?;
    println!("{}", report::summary(&outcomes));
    println!(
        "bench: wrote docs/benchmarks.md, docs/benchmarks-sweep.png, target/bench/results.json"
    );
    Ok(())
}

/// Every case to run, in a fixed order.
fn matrix(options: &Options, tools: &Tools) -> Vec<Case> {
    use Workload::*;
    let mut cases = Vec::new();
    let mut add = |lang: Lang, client: &'static str, workloads: &[Workload]| {
        if options.includes(lang) {
            for &workload in workloads {
                cases.push(Case {
                    lang,
                    client,
                    workload,
                });
            }
        }
    };
    for (lang, ours) in [
        (Lang::Python, tools.python_ours),
        (Lang::Node, tools.node_ours),
    ] {
        if ours {
            add(lang, "ours", &[Cold, Sweep, Add, Get]);
        }
        add(lang, "official", &[Cold, Sweep, Add, Get]);
        add(lang, "raw", &[Cold, Sweep, Get]);
    }
    add(
        Lang::Rust,
        "facade",
        &[Sweep, SweepPrefetch, Add, AddPipelined, Get],
    );
    add(Lang::Rust, "raw", &[Sweep, Add, Get]);
    add(Lang::Rust, "raw-typed", &[Sweep, Get]);
    cases.sort_by_key(|c| (c.workload, c.lang));
    cases
}

/// The order in which pass `pass` runs `cases` cases: shuffled, seeded by the pass, so that
/// every run of the bench uses the same orders. A process leaves the machine busy or its
/// caches cold for the next one (in a fixed order the Rust facade's sweep always ran right
/// after a Node sweep, the raw Rust loops after Rust processes), so no case should always
/// follow the same one.
fn pass_order(cases: usize, pass: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cases).collect();
    order.shuffle(&mut SmallRng::seed_from_u64(pass as u64));
    order
}

/// Runs cases against one emulator.
struct Runner<'a> {
    tools: &'a Tools,
    base_url: String,
    scratch: PathBuf,
    calls: usize,
}

impl Runner<'_> {
    /// One warm-up pass (discarded), then `runs` passes over every case.
    fn all(&self, cases: &[Case], runs: usize) -> Result<Vec<Outcome>> {
        let sweep = self.seed("bench-sweep", NUMBERS, true)?;
        let mut outcomes: Vec<Outcome> = cases
            .iter()
            .map(|&case| Outcome {
                case,
                samples: Vec::new(),
            })
            .collect();
        let mut account = 0;
        for pass in 0..=runs {
            println!(
                "bench: pass {pass}/{runs}{}",
                if pass == 0 { " (warm-up)" } else { "" }
            );
            for index in pass_order(outcomes.len(), pass) {
                let outcome = &mut outcomes[index];
                account += 1;
                let sample = self.one(outcome.case, &sweep, account)?;
                check(outcome.case, &sample)?;
                if pass > 0 {
                    outcome.samples.push(sample);
                }
            }
        }
        Ok(outcomes)
    }

    /// Seed an account with `bench-rust seed`; returns its enterprise id.
    fn seed(&self, api_key: &str, numbers: usize, refresh: bool) -> Result<String> {
        let output = Command::new(&self.tools.bench_rust)
            .arg("seed")
            .env("BENCH_BASE_URL", &self.base_url)
            .env("BENCH_API_KEY", api_key)
            .env("BENCH_COUNT", numbers.to_string())
            .env("BENCH_REFRESH", if refresh { "1" } else { "0" })
            .output()
            .map_err(|e| format!("cannot run bench-rust seed: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "seeding {api_key} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let line: Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| format!("bench-rust seed printed no JSON: {e}"))?;
        line["enterprise_id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("bench-rust seed printed {line}"))
    }

    fn reset(&self, api_key: &str) -> Result {
        crate::pipeline::run_command(
            Command::new(&self.tools.bench_rust)
                .arg("reset")
                .env("BENCH_BASE_URL", &self.base_url)
                .env("BENCH_API_KEY", api_key)
                .stdout(std::process::Stdio::null()),
        )
    }

    /// One sample of one case; adds go to a fresh account that is forgotten afterwards.
    fn one(&self, case: Case, sweep_enterprise: &str, account: usize) -> Result<Sample> {
        let adds = matches!(case.workload, Workload::Add | Workload::AddPipelined);
        let (api_key, enterprise) = if adds {
            let key = format!("bench-add-{account}");
            let enterprise = self.seed(&key, 0, false)?;
            (key, enterprise)
        } else {
            ("bench-sweep".to_string(), sweep_enterprise.to_string())
        };
        let mut command = self.command(case);
        command
            .env("BENCH_BASE_URL", &self.base_url)
            .env("BENCH_API_KEY", &api_key)
            .env("BENCH_ENTERPRISE_ID", &enterprise)
            .env("BENCH_NUMBER", CACHED_NUMBER)
            .env("BENCH_CALLS", self.calls.to_string())
            .env("BENCH_COUNT", NUMBERS.to_string());
        let sample = measure::sample(&mut command, &self.scratch);
        if adds {
            self.reset(&api_key)?;
        }
        sample
    }

    fn command(&self, case: Case) -> Command {
        let tools = self.tools;
        let mut command = match case.lang {
            Lang::Python => {
                let mut c = Command::new(&tools.python);
                c.arg(&tools.python_script);
                c
            }
            Lang::Node => {
                let mut c = Command::new("node");
                c.arg(&tools.node_script).current_dir(&tools.node_dir);
                c
            }
            Lang::Rust => Command::new(&tools.bench_rust),
        };
        command.arg(case.client).arg(case.workload.arg());
        command
    }
}

/// Every client must have done the same work: all numbers listed or added.
fn check(case: Case, sample: &Sample) -> Result {
    let expected = match case.workload {
        Workload::Sweep | Workload::SweepPrefetch | Workload::Add | Workload::AddPipelined => {
            NUMBERS as u64
        }
        Workload::Cold | Workload::Get => return Ok(()),
    };
    match sample.line["items"].as_u64() {
        Some(n) if n == expected => Ok(()),
        other => Err(format!(
            "{} {:?} handled {other:?} numbers, expected {expected}: {}",
            case.label(),
            case.workload,
            sample.line
        )),
    }
}

/// Installed size of each package (alone, with dependencies).
fn sizes(tools: &Tools) -> Vec<PackageSize> {
    let mut rows = Vec::new();
    let mut python = |label: &'static str, dist: &str| {
        rows.push(PackageSize {
            lang: "Python",
            label,
            bytes: tools::python_size(&tools.python, dist).ok(),
        });
    };
    python("telnyx (PyPI)", "telnyx");
    if tools.python_ours {
        python("telnyx-reputation", "telnyx-reputation");
    }
    python("httpx (raw loop)", "httpx");
    let modules = tools.node_dir.join("node_modules");
    let mut node = |label: &'static str, package: &str| {
        // Ours ships its binary in a platform package (`telnyx-reputation-linux-x64-gnu`).
        let platform = format!("{package}-{}", tools.node_platform);
        let size =
            tools::dir_size(&modules.join(package)) + tools::dir_size(&modules.join(platform));
        // Neither package has runtime dependencies (telnyx's `ws` is an optional peer).
        rows.push(PackageSize {
            lang: "Node",
            label,
            bytes: Some((size, size)),
        });
    };
    node("telnyx (npm)", "telnyx");
    if tools.node_ours {
        node("telnyx-reputation", "telnyx-reputation");
    }
    rows
}

pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::pass_order;

    #[test]
    fn each_pass_runs_every_case_once_and_no_case_always_follows_the_same_one() {
        let cases = 25;
        let passes: Vec<Vec<usize>> = (0..16).map(|pass| pass_order(cases, pass)).collect();
        for order in &passes {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..cases).collect::<Vec<_>>());
        }
        // The same orders on every run of the bench.
        assert_eq!(pass_order(cases, 3), passes[3]);
        // Whatever ran right before each case, over the 15 measured passes.
        for case in 0..cases {
            let before: std::collections::HashSet<Option<usize>> = passes[1..]
                .iter()
                .map(|order| {
                    let at = order.iter().position(|&c| c == case).expect("every case");
                    at.checked_sub(1).map(|i| order[i])
                })
                .collect();
            assert!(before.len() >= 5, "case {case} follows only {before:?}");
        }
    }
}
