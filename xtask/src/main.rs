//! `cargo xtask`: the one developer entry point (codegen, the full test pipeline, benchmarks).
//!
//! Each verb lives in its own module; this file only parses the command line. Nothing
//! here is shipped to users.

mod bench;
mod codegen;
mod conformance;
mod node_suite;
mod normalize;
mod pipeline;
mod postgres;
mod python;
mod python_suite;
mod readme;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate crates/telnyx-reputation-api/src/generated.rs from
                      openapi/number-reputation.yaml (--check: fail with a diff if stale)
  validate-spec       validate the OpenAPI document with openapi-spec-validator (venv)
  test [STEP...]      everything CI runs: codegen --check, spec validation, fmt, clippy,
                      Rust tests, Python and Node suites, emulator conformance
                      (STEP: run only the steps whose name contains it, e.g. `node`)
  with-postgres CMD...
                      run CMD with TELNYX_REPUTATION_TEST_POSTGRES_URL set to a throw-away
                      PostgreSQL on 127.0.0.1 (e.g. `cargo test -p telnyx-reputation-monitor`)
  bench [--runs N] [--calls N] [--only python|node|rust]... [--rebuild-bindings]
                      our clients vs the official SDKs and raw HTTP loops against the
                      release emulator; writes docs/benchmarks.md and a plot (not in `test`)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(&root, codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(&root, codegen::Mode::Check),
        ["validate-spec"] => python::validate_spec(&root),
        ["test", only @ ..] => pipeline::test(&root, only),
        ["bench", rest @ ..] => bench::run(&root, rest),
        ["with-postgres", command @ ..] => postgres::run_with(&root, command),
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
