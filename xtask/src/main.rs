//! `cargo xtask`: the one developer entry point (codegen, the full test pipeline, benchmarks).
//!
//! Each verb lives in its own module; this file only parses the command line. Nothing
//! here is shipped to users.

mod bench;
mod chromium;
mod codegen;
mod conformance;
mod crates_package;
mod drill;
mod lint;
#[cfg(test)]
mod modcycles;
mod models_codegen;
mod node_suite;
mod normalize;
mod npm_pack;
#[cfg(test)]
mod parity;
mod pipeline;
mod postgres;
mod python;
mod python_suite;
mod readme;
mod release;
mod rules_codegen;
mod spec_diff;
mod spec_import;
mod user_suites;
mod wheel;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate crates/telnyx-reputation-api/src/generated.rs from
                      openapi/number-reputation.yaml, and the Python/Node model layers
                      (bindings/*/src/models.rs, index.d.ts, _native.pyi) from the facade's
                      models.rs/enums.rs (--check: fail with a diff if any is stale)
  spec import PATH/spec3.yml [--commit SHA --date YYYY-MM-DD]
                      extract our operations and every component they reference from the
                      upstream Telnyx OpenAPI 3.1 document into
                      openapi/upstream/number-reputation.upstream.yaml (3.0-normalised)
  spec diff [--list]  compare that subset with the contract field by field; fail on a
                      difference openapi/divergences.yaml does not declare, or on an entry
                      that no longer matches one (--list: every difference and its reason)
  drill               the spec-update drill: new fields in a copy of the contract go
                      through codegen, the facade (hand edits the compiler names), the
                      emulator and the bindings; prints the files edited by hand
  validate-spec       validate the OpenAPI document and the upstream subset with
                      openapi-spec-validator (venv)
  test [STEP...]      everything CI runs: codegen --check, release metadata, spec validation,
                      spec diff vs upstream, fmt, clippy, ruff, biome, actionlint, Rust tests,
                      the spec-update drill, cargo package, the Python and Node suites, the
                      wheel/sdist and npm pack installs, emulator conformance
                      (STEP: run only the steps whose name contains it, e.g. `node`)
  with-postgres CMD...
                      run CMD with TELNYX_REPUTATION_TEST_POSTGRES_URL set to a throw-away
                      PostgreSQL on 127.0.0.1 (e.g. `cargo test -p telnyx-reputation-monitor`)
  with-chromium CMD...
                      run CMD with TELNYX_REPUTATION_TEST_CHROMEDRIVER and
                      TELNYX_REPUTATION_TEST_CHROMIUM set to Debian's chromedriver and chromium
                      (apt-get installs them when missing), for the dashboard's browser test
  bench [--runs N] [--calls N] [--only python|node|rust|emulator|monitor|dashboard]... [--requests N]
        [--rebuild-bindings]
                      our clients vs the official SDKs and raw HTTP loops against the
                      release emulator; writes docs/benchmarks.md and a plot. `emulator`:
                      the emulator's own speed (page, catch-up, cached-GET throughput and p99
                      vs a bare axum handler, RSS over --requests, default 1,000,000);
                      writes docs/benchmarks-emulator.md. `monitor` (never implied): the
                      monitor's 100k sync and 90-day report, then the failover of two
                      `serve` replicas on PostgreSQL (alone: `--only failover`), written to
                      docs/monitor-benchmarks.md (not in `test`). `dashboard` (never
                      implied): the dashboard's pages over the report's 100k × 90-day store,
                      the Dashboard section of docs/monitor-benchmarks.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(&root, codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(&root, codegen::Mode::Check),
        ["spec", "import", rest @ ..] => spec_import::run(&root, rest),
        ["spec", "diff", rest @ ..] => spec_diff::run(&root, rest),
        ["drill"] => drill::run(&root),
        ["validate-spec"] => python::validate_spec(&root),
        ["test", only @ ..] => pipeline::test(&root, only),
        ["bench", rest @ ..] => bench::run(&root, rest),
        ["with-postgres", command @ ..] => postgres::run_with(&root, command),
        ["with-chromium", command @ ..] => chromium::run_with(&root, command),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Errors in the xtask are messages for a developer; a `String` is all they need.
type Result<T = ()> = std::result::Result<T, String>;
