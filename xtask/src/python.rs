//! The project's Python tool venvs, filled only from committed, hash-pinned lock files.
//!
//! `.cache/venv` holds the pipeline's tools (`xtask/requirements.txt`); the bench has its
//! own (`.cache/bench-venv`). Each lock is generated from its `requirements.in` (the
//! direct pins) with `pip-compile --generate-hashes` and installed with
//! `--require-hashes`, so every package, transitive ones included, is the exact file the
//! lock names. pip's cache is the project's own (`.cache/pip`): nothing on the machine
//! outside the checkout decides what gets installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::codegen::SPEC;
use crate::pipeline::run_command;

const REQUIREMENTS: &str = "xtask/requirements.txt";

/// Path of the pipeline venv's directory.
pub fn venv_dir(root: &Path) -> PathBuf {
    root.join(".cache/venv")
}

/// Path of an executable inside the pipeline venv.
pub fn venv_bin(root: &Path, name: &str) -> PathBuf {
    venv_dir(root).join("bin").join(name)
}

/// Create the pipeline venv and install its locked requirements unless already current.
pub fn ensure_venv(root: &Path) -> Result {
    install_locked_venv(root, &venv_dir(root), REQUIREMENTS).map(|_| ())
}

/// Create `venv` (if missing) and install the hash-pinned lock `requirements` (a path
/// relative to `root`) into it, unless the lock is unchanged since the last install.
/// Returns the venv's python.
pub fn install_locked_venv(root: &Path, venv: &Path, requirements: &str) -> Result<PathBuf> {
    let python = venv.join("bin/python");
    let lock = std::fs::read_to_string(root.join(requirements))
        .map_err(|e| format!("cannot read {requirements}: {e}"))?;
    if !lock.contains("--hash=sha256:") {
        return Err(format!(
            "{requirements} carries no hashes: regenerate it with pip-compile --generate-hashes (see its header)"
        ));
    }
    let stamp = venv.join("requirements.stamp");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(python);
    }
    if !python.exists() {
        let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run_command(Command::new(system).arg("-m").arg("venv").arg(venv))?;
    }
    run_command(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "--no-deps",
                "-r",
            ])
            .arg(root.join(requirements))
            .env("PIP_CACHE_DIR", root.join(".cache/pip"))
            .env_remove("PIP_INDEX_URL")
            .env_remove("PIP_EXTRA_INDEX_URL")
            .env_remove("PIP_FIND_LINKS"),
    )?;
    std::fs::write(&stamp, lock).map_err(|e| format!("cannot write {stamp:?}: {e}"))?;
    Ok(python)
}

/// `cargo xtask validate-spec`: a real OpenAPI validator over the contract and over the
/// imported upstream subset.
pub fn validate_spec(root: &Path) -> Result {
    ensure_venv(root)?;
    run_command(
        Command::new(venv_bin(root, "openapi-spec-validator"))
            .arg(root.join(SPEC))
            .arg(root.join(crate::spec_import::SUBSET)),
    )
}
