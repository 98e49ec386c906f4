//! The project's Python tool venv (`.cache/venv`): created and filled from
//! `xtask/requirements.txt` on first use, refreshed when that file changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::codegen::SPEC;
use crate::pipeline::run_command;

const REQUIREMENTS: &str = "xtask/requirements.txt";

/// Path of the venv's directory.
pub fn venv_dir(root: &Path) -> PathBuf {
    root.join(".cache/venv")
}

/// Path of an executable inside the venv.
pub fn venv_bin(root: &Path, name: &str) -> PathBuf {
    venv_dir(root).join("bin").join(name)
}

/// Create the venv and install the pinned requirements unless already current.
pub fn ensure_venv(root: &Path) -> Result {
    let venv = venv_dir(root);
    let requirements = std::fs::read_to_string(root.join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = venv.join("requirements.stamp");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == requirements) {
        return Ok(());
    }
    if !venv_bin(root, "python").exists() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run_command(Command::new(python).arg("-m").arg("venv").arg(&venv))?;
    }
    run_command(
        Command::new(venv_bin(root, "python"))
            .args(["-m", "pip", "install", "--quiet", "-r"])
            .arg(root.join(REQUIREMENTS)),
    )?;
    std::fs::write(&stamp, requirements).map_err(|e| format!("cannot write venv stamp: {e}"))
}

/// `cargo xtask validate-spec`: a real OpenAPI validator over the contract.
pub fn validate_spec(root: &Path) -> Result {
    ensure_venv(root)?;
    run_command(Command::new(venv_bin(root, "openapi-spec-validator")).arg(root.join(SPEC)))
}
