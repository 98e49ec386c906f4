//! Turning samples into `docs/benchmarks.md`: the targets as ratios (ours / theirs), every
//! measurement with its median and spread, per-call overhead, installed sizes, and the
//! machine the numbers come from. Also the machine-readable `results.json`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::measure::Stats;
use super::{Case, Context, Lang, NUMBERS, Outcome, Workload};
use crate::Result;

/// Which number of a sample a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    /// The workload's own timing (or spawn-to-exit for cold start), seconds.
    Time,
    /// Peak RSS, KiB.
    Rss,
}

fn stats(outcome: &Outcome, metric: Metric) -> Option<Stats> {
    let values: Vec<f64> = outcome
        .samples
        .iter()
        .map(|s| match (metric, outcome.case.workload) {
            (Metric::Rss, _) => s.rss_kib as f64,
            (Metric::Time, Workload::Cold) => s.wall,
            (Metric::Time, _) => s.inner.unwrap_or(s.wall),
        })
        .collect();
    Stats::of(&values)
}

fn find<'a>(
    outcomes: &'a [Outcome],
    lang: Lang,
    client: &str,
    workload: Workload,
) -> Option<&'a Outcome> {
    outcomes
        .iter()
        .find(|o| o.case.lang == lang && o.case.client == client && o.case.workload == workload)
}

/// One target of the issue: `ours / theirs` must be at most `limit`.
struct Target {
    what: &'static str,
    ours: (Lang, &'static str, Workload),
    theirs: (Lang, &'static str, Workload),
    metric: Metric,
    limit: f64,
}

const fn target(
    what: &'static str,
    ours: (Lang, &'static str, Workload),
    theirs: (Lang, &'static str, Workload),
    metric: Metric,
    limit: f64,
) -> Target {
    Target {
        what,
        ours,
        theirs,
        metric,
        limit,
    }
}

const TARGETS: &[Target] = {
    use Lang::*;
    use Metric::*;
    use Workload::*;
    &[
        target(
            "Python sweep vs official",
            (Python, "ours", Sweep),
            (Python, "official", Sweep),
            Time,
            0.2,
        ),
        target(
            "Python sweep vs raw httpx",
            (Python, "ours", Sweep),
            (Python, "raw", Sweep),
            Time,
            1.0,
        ),
        target(
            "Python sweep peak RSS vs official",
            (Python, "ours", Sweep),
            (Python, "official", Sweep),
            Rss,
            0.3,
        ),
        target(
            "Python cold start vs official",
            (Python, "ours", Cold),
            (Python, "official", Cold),
            Time,
            0.05,
        ),
        target(
            "Python bulk add vs official loop",
            (Python, "ours", Add),
            (Python, "official", Add),
            Time,
            0.15,
        ),
        target(
            "Node sweep vs official",
            (Node, "ours", Sweep),
            (Node, "official", Sweep),
            Time,
            0.9,
        ),
        target(
            "Node sweep vs raw fetch",
            (Node, "ours", Sweep),
            (Node, "raw", Sweep),
            Time,
            1.2,
        ),
        target(
            "Node cold start vs official",
            (Node, "ours", Cold),
            (Node, "official", Cold),
            Time,
            0.5,
        ),
        target(
            "Node bulk add vs official loop",
            (Node, "ours", Add),
            (Node, "official", Add),
            Time,
            0.3,
        ),
        target(
            "Rust facade sweep vs raw reqwest (minimal structs)",
            (Rust, "facade", Sweep),
            (Rust, "raw-typed", Sweep),
            Time,
            1.10,
        ),
        target(
            "Rust facade sweep vs raw reqwest (serde_json::Value)",
            (Rust, "facade", Sweep),
            (Rust, "raw", Sweep),
            Time,
            1.10,
        ),
        target(
            "Rust facade sweep, next page prefetched, vs raw reqwest (minimal structs)",
            (Rust, "facade", SweepPrefetch),
            (Rust, "raw-typed", Sweep),
            Time,
            1.10,
        ),
        target(
            "Rust facade bulk add (4 in flight) vs official Python loop",
            (Rust, "facade", AddPipelined),
            (Python, "official", Add),
            Time,
            0.1,
        ),
        target(
            "Rust facade bulk add (4 in flight) vs official Node loop",
            (Rust, "facade", AddPipelined),
            (Node, "official", Add),
            Time,
            0.2,
        ),
    ]
};

fn median_of(outcomes: &[Outcome], key: (Lang, &str, Workload), metric: Metric) -> Option<f64> {
    find(outcomes, key.0, key.1, key.2)
        .and_then(|o| stats(o, metric))
        .map(|s| s.median)
}

fn show(value: f64, metric: Metric) -> String {
    match metric {
        Metric::Rss => format!("{:.0} MiB", value / 1024.0),
        Metric::Time if value < 1.0 => format!("{:.1} ms", value * 1000.0),
        Metric::Time => format!("{value:.2} s"),
    }
}

fn label(key: (Lang, &'static str, Workload)) -> String {
    Case {
        lang: key.0,
        client: key.1,
        workload: key.2,
    }
    .label()
}

fn targets_table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| target | ours | theirs | ours / theirs | limit | met |\n|---|---|---|---:|---:|:---:|\n",
    );
    for t in TARGETS {
        let ours = median_of(outcomes, t.ours, t.metric);
        let theirs = median_of(outcomes, t.theirs, t.metric);
        let cell = |v: Option<f64>| v.map_or("not measured".to_string(), |v| show(v, t.metric));
        let (ratio, met) = match (ours, theirs) {
            (Some(o), Some(th)) if th > 0.0 => {
                let r = o / th;
                (
                    format!("{r:.3}"),
                    if r <= t.limit { "yes" } else { "**no**" },
                )
            }
            _ => ("—".to_string(), "—"),
        };
        let _ = writeln!(
            out,
            "| {} | {} ({}) | {} ({}) | {ratio} | ≤ {} | {met} |",
            t.what,
            cell(ours),
            label(t.ours),
            cell(theirs),
            label(t.theirs),
            t.limit,
        );
    }
    out
}

fn workload_title(w: Workload) -> &'static str {
    match w {
        Workload::Cold => "1. cold start (process, import, client, one cached GET; wall time)",
        Workload::Sweep | Workload::SweepPrefetch => {
            "2. sweep 10,000 numbers, page size 250, count by spam risk"
        }
        Workload::Add | Workload::AddPipelined => "3. bulk add 10,000 numbers, 100 per request",
        Workload::Get => "4. sequential cached GETs",
    }
}

fn measurements_table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| workload | client | median | spread (min – max) | ± | peak RSS (median) | runs |\n\
         |---|---|---:|---|---:|---:|---:|\n",
    );
    for o in outcomes {
        let (Some(t), Some(rss)) = (stats(o, Metric::Time), stats(o, Metric::Rss)) else {
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} – {} | {:.1} % | {} | {} |",
            workload_title(o.case.workload),
            o.case.label(),
            show(t.median, Metric::Time),
            show(t.min, Metric::Time),
            show(t.max, Metric::Time),
            t.spread_pct(),
            show(rss.median, Metric::Rss),
            t.n,
        );
    }
    out
}

/// `(client − raw) / calls` for the cached-GET workload, per language.
fn overhead_table(outcomes: &[Outcome], calls: usize) -> String {
    let mut out = String::from(
        "| client | time for the calls (median) | per call | overhead per call over the raw loop |\n\
         |---|---:|---:|---:|\n",
    );
    for o in outcomes.iter().filter(|o| o.case.workload == Workload::Get) {
        let Some(t) = stats(o, Metric::Time) else {
            continue;
        };
        let raw = median_of(outcomes, (o.case.lang, "raw", Workload::Get), Metric::Time);
        let overhead = match raw {
            Some(raw) if o.case.client != "raw" => {
                format!("{:+.1} µs", (t.median - raw) / calls as f64 * 1e6)
            }
            _ => "(baseline)".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} µs | {overhead} |",
            o.case.label(),
            show(t.median, Metric::Time),
            t.median / calls as f64 * 1e6,
        );
    }
    out
}

fn sizes_table(context: &Context) -> String {
    let mut out = String::from(
        "| language | package | installed | with its dependencies |\n|---|---|---:|---:|\n",
    );
    for size in &context.sizes {
        let mib = |b: u64| format!("{:.1} MiB", b as f64 / 1_048_576.0);
        let (alone, total) = size
            .bytes
            .map_or(("?".into(), "?".into()), |(a, t)| (mib(a), mib(t)));
        let _ = writeln!(
            out,
            "| {} | {} | {alone} | {total} |",
            size.lang, size.label
        );
    }
    out
}

/// Risk counts must agree across clients; shown once.
fn risk_counts(outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .filter(|o| o.case.workload == Workload::Sweep)
        .find_map(|o| o.samples.first())
        .map(|s| s.line["by_risk"].to_string())
        .unwrap_or_else(|| "not measured".into())
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "unknown".into())
}

fn proc_field(file: &str, key: &str) -> String {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with(key)).and_then(|l| {
                l.split_once([':', '='])
                    .map(|(_, v)| v.trim().trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| "unknown".into())
}

fn memory_gib() -> f64 {
    let kib = proc_field("/proc/meminfo", "MemTotal");
    kib.trim_end_matches("kB")
        .trim()
        .parse::<f64>()
        .unwrap_or(0.0)
        / 1_048_576.0
}

fn machine(root: &Path, context: &Context) -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let python = root.join(".cache/bench-venv/bin/python");
    format!(
        "- CPU: {} ({cores} cores available), memory {:.1} GiB\n\
         - OS: {}, kernel {}\n\
         - {}, {}, node {}\n\
         - commit measured: {}\n\
         - load average (1, 5, 15 min) before: {}, after: {}\n\
         - emulator: release build of `telnyx-reputation-emulator`, `--host 127.0.0.1 --port 0 \
           --approval-delay 0s {}`, no injected latency or faults, one process shared by all \
           clients\n",
        proc_field("/proc/cpuinfo", "model name"),
        memory_gib(),
        proc_field("/etc/os-release", "PRETTY_NAME"),
        std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim(),
        first_line("rustc", &["--version"]),
        first_line(&python.to_string_lossy(), &["--version"]),
        first_line("node", &["--version"]),
        commit(root),
        context.load_before,
        context.load_after,
        super::EMULATOR_OPTIONS.join(" "),
    )
}

/// The commit the bench ran on, and whether the tree had changes on top of it (besides the
/// files this run writes).
fn commit(root: &Path) -> String {
    let root = root.to_string_lossy();
    let head = first_line("git", &["-C", &root, "rev-parse", "--short=12", "HEAD"]);
    let changed = Command::new("git")
        .args([
            "-C",
            &root,
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
        ])
        .args([".", ":!docs/benchmarks.md", ":!docs/benchmarks-sweep.png"])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if changed {
        format!("`{head}` with uncommitted changes")
    } else {
        format!("`{head}`")
    }
}

fn command_line(context: &Context) -> String {
    let o = &context.options;
    let mut line = format!("cargo xtask bench --runs {}", o.runs);
    if o.calls != 2_000 {
        let _ = write!(line, " --calls {}", o.calls);
    }
    for lang in &o.only {
        let _ = write!(line, " --only {}", lang.name().to_lowercase());
    }
    if o.rebuild_bindings {
        line.push_str(" --rebuild-bindings");
    }
    line
}

/// The whole of `docs/benchmarks.md`.
pub fn markdown(
    root: &Path,
    outcomes: &[Outcome],
    context: &Context,
    plot_note: Option<&str>,
) -> Result<String> {
    let mut doc = String::new();
    let w = &mut doc;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Our clients side by side with the official `telnyx` SDKs (Python 4.189.0, npm 7.24.0) and \
         with raw HTTP loops written in the benchmark, against the same local emulator. Generated \
         by\n\n```sh\n{}\n```\n\n(`xtask/src/bench/`; workloads in `xtask/bench/`). Each \
         workload runs in a fresh process, once as a discarded warm-up and then in each of {} \
         measured runs, all cases interleaved per run in an order shuffled for each run. Times are medians; ± is half the min–max range relative to \
         the median. Ratios are ours / theirs: below 1 is faster or smaller.\n",
        command_line(context),
        context.options.runs,
    );
    let _ = writeln!(w, "## Machine\n\n{}", machine(root, context));
    let _ = writeln!(w, "## Targets\n\n{}", targets_table(outcomes));
    let _ = writeln!(
        w,
        "## Sweep across clients\n\n![Sweep of {NUMBERS} numbers, median seconds per client](benchmarks-sweep.png)\n"
    );
    if let Some(note) = plot_note {
        let _ = writeln!(w, "{note}\n");
    }
    let _ = writeln!(
        w,
        "Every sweep counted the same spam-risk split: `{}`.\n",
        risk_counts(outcomes)
    );
    if let Some(floor) = median_of(
        outcomes,
        (Lang::Rust, "raw-typed", Workload::Sweep),
        Metric::Time,
    ) {
        let _ = writeln!(
            w,
            "The emulator's own rendering is in every sweep, the same for every client: the \
             Rust loop into minimal structs ({}) is close to that floor (about {:.1} ms a page \
             of 250). Ratios against a faster server would be further from 1.\n",
            show(floor, Metric::Time),
            floor * 1000.0 / (NUMBERS as f64 / 250.0),
        );
    }
    let _ = writeln!(w, "{}", super::emulator::current_section(root));
    let _ = writeln!(w, "## All measurements\n\n{}", measurements_table(outcomes));
    let _ = writeln!(
        w,
        "## Per-call overhead ({} sequential cached GETs of one number)\n\n{}",
        context.options.calls,
        overhead_table(outcomes, context.options.calls)
    );
    let _ = writeln!(w, "## Installed size\n\n{}", sizes_table(context));
    if !context.skipped.is_empty() {
        let _ = writeln!(w, "## Not measured in this run\n");
        for s in &context.skipped {
            let _ = writeln!(w, "- {s}");
        }
        let _ = writeln!(w);
    }
    Ok(doc)
}

/// A short console summary: one line per case.
pub fn summary(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        if let (Some(t), Some(rss)) = (stats(o, Metric::Time), stats(o, Metric::Rss)) {
            let _ = writeln!(
                out,
                "{:<10} {:<36} {:>10} ±{:>5.1}%  {:>8}",
                o.case.workload.arg(),
                o.case.label(),
                show(t.median, Metric::Time),
                t.spread_pct(),
                show(rss.median, Metric::Rss),
            );
        }
    }
    out
}

/// Every sample, for anyone who wants to recompute.
pub fn json(outcomes: &[Outcome]) -> Value {
    Value::Array(
        outcomes
            .iter()
            .map(|o| {
                json!({
                    "language": o.case.lang.name(),
                    "client": o.case.client,
                    "workload": o.case.workload.arg(),
                    "samples": o.samples.iter().map(|s| json!({
                        "wall_s": s.wall, "workload_s": s.inner, "peak_rss_kib": s.rss_kib, "line": s.line,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Median time of a case, for the plot.
pub fn median_time(outcome: &Outcome) -> Option<Stats> {
    stats(outcome, Metric::Time)
}
