//! Lint and format checks for what is not Rust: ruff over every Python file (`ruff.toml`),
//! biome over the JavaScript/TypeScript (`biome.json`), actionlint over `.github/workflows/`.
//!
//! Each only checks: nothing here rewrites a file. To fix what they report, run
//! `.cache/venv/bin/ruff format .` / `bindings/node/node_modules/.bin/biome format --write .`
//! from the root.

use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::node_suite::install_locked;
use crate::pipeline::run_command;
use crate::python::{ensure_venv, venv_bin};

/// `ruff check` and `ruff format --check` over the whole tree (ruff skips what git ignores).
pub fn ruff(root: &Path) -> Result {
    ensure_venv(root)?;
    let ruff = venv_bin(root, "ruff");
    run_command(
        Command::new(&ruff)
            .args(["check", "--no-cache", "."])
            .current_dir(root),
    )?;
    run_command(
        Command::new(&ruff)
            .args(["format", "--check", "--no-cache", "."])
            .current_dir(root),
    )
}

/// `biome ci`: formatting and the recommended lint rules, failing on any error.
pub fn biome(root: &Path) -> Result {
    let package = root.join("bindings/node");
    install_locked(root, &package)?;
    run_command(
        Command::new(package.join("node_modules/.bin/biome"))
            .args(["ci", "--colors=off", "."])
            .current_dir(root),
    )
}

/// actionlint over every workflow (expressions, job graph, action inputs, matrix keys).
pub fn actionlint(root: &Path) -> Result {
    ensure_venv(root)?;
    let workflows = root.join(".github/workflows");
    let mut files: Vec<_> = std::fs::read_dir(&workflows)
        .map_err(|e| format!("cannot list {}: {e}", workflows.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    if files.is_empty() {
        return Err(format!("no workflow in {}", workflows.display()));
    }
    files.sort();
    run_command(
        Command::new(venv_bin(root, "actionlint"))
            .arg("-no-color")
            .args(&files)
            .current_dir(root),
    )?;
    println!("actionlint: {} workflows clean", files.len());
    Ok(())
}
