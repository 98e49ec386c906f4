//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.
//!
//! `.ci/run` calls this and nothing else, so a developer and CI run the same thing.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::Result;
use crate::chromium;
use crate::codegen::{self, Mode};
use crate::conformance;
use crate::crates_package;
use crate::drill;
use crate::lint;
use crate::node_suite;
use crate::npm_pack;
use crate::postgres;
use crate::python;
use crate::python_suite;
use crate::release;
use crate::wheel;
use crate::{spec_diff, spec_import};

/// One named step of the pipeline.
type Step<'a> = (&'a str, &'a dyn Fn(&Path) -> Result);

/// Run the pipeline (or the steps whose name contains one of `only`) and time each step.
pub fn test(root: &Path, only: &[&str]) -> Result {
    let steps: Vec<Step> = vec![
        ("codegen --check", &|r| codegen::run(r, Mode::Check)),
        ("release metadata", &release::check),
        ("validate spec", &python::validate_spec),
        ("spec diff vs upstream", &|r| {
            spec_import::check(r)?;
            spec_diff::run(r, &[])
        }),
        ("cargo fmt --check", &|r| {
            cargo(r, &["fmt", "--all", "--check"])
        }),
        ("cargo clippy", &|r| {
            cargo(
                r,
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--locked",
                    "--",
                    "-D",
                    "warnings",
                ],
            )
        }),
        ("ruff", &lint::ruff),
        ("biome", &lint::biome),
        ("actionlint", &lint::actionlint),
        ("cargo doc (facade)", &|r| {
            cargo_with_env(
                r,
                &["doc", "--locked", "--no-deps", "-p", "telnyx-reputation"],
                &[("RUSTDOCFLAGS", "-D warnings")],
            )
        }),
        // The monitor's store tests need a real PostgreSQL (it lives as long as this step)
        // and the dashboard's browser test headless Chromium (installed when missing).
        ("cargo test (with PostgreSQL and Chromium)", &|r| {
            let browser = chromium::env()?;
            postgres::with_server(|url| {
                let mut env = vec![(postgres::URL_VAR, url)];
                env.extend(browser.iter().map(|(k, v)| (*k, v.as_str())));
                cargo_with_env(r, &["test", "--workspace", "--locked"], &env)
            })
        }),
        ("spec-update drill", &drill::run),
        ("cargo package", &crates_package::run),
        ("python package", &python_suite::run),
        ("python wheel + sdist", &wheel::run),
        ("node suite", &node_suite::run),
        ("npm pack", &npm_pack::run),
        ("official SDK vs emulator", &conformance::official_sdk),
        ("schemathesis vs emulator", &conformance::schemathesis),
    ];
    let started = Instant::now();
    let mut timings = Vec::new();
    let selected = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o));
    let steps: Vec<Step> = steps
        .into_iter()
        .filter(|(name, _)| selected(name))
        .collect();
    if steps.is_empty() {
        return Err(format!("no pipeline step matches {only:?}"));
    }
    for (name, step) in steps {
        println!("==> {name}");
        let t = Instant::now();
        step(root).map_err(|e| format!("step `{name}` failed: {e}"))?;
        timings.push((name, t.elapsed()));
    }
    println!("==> all steps passed in {:.0?}", started.elapsed());
    for (name, took) in timings {
        println!("    {name:<24} {took:>8.1?}");
    }
    Ok(())
}

/// Run cargo (the one that launched the xtask) in the workspace root.
pub fn cargo(root: &Path, args: &[&str]) -> Result {
    cargo_with_env(root, args, &[])
}

/// [`cargo`] with extra environment variables.
fn cargo_with_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_command(
        Command::new(cargo)
            .args(args)
            .current_dir(root)
            .envs(env.iter().copied())
            // Snapshots are reviewed by people; the pipeline never writes them.
            .env("INSTA_UPDATE", "no"),
    )
}

/// Run a command with inherited stdio; a non-zero exit is an error naming the command.
pub fn run_command(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}"))
    }
}
