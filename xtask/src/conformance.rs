//! Emulator conformance: the official `telnyx` Python SDK runs the quickstart against the
//! emulator binary (pytest), and schemathesis fuzzes the binary with the project spec.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::Result;
use crate::codegen::SPEC;
use crate::pipeline::{cargo, run_command};
use crate::python::{ensure_venv, venv_bin};

const EMULATOR: &str = "telnyx-reputation-emulator";

/// Build the emulator binary (dev profile, shared with the test build) and return its path.
pub fn build_emulator(root: &Path) -> Result<PathBuf> {
    cargo(
        root,
        &["build", "--locked", "-p", EMULATOR, "--bin", EMULATOR],
    )?;
    Ok(root.join("target/debug").join(EMULATOR))
}

/// The official SDK drives the seed's quickstart against the binary.
pub fn official_sdk(root: &Path) -> Result {
    ensure_venv(root)?;
    let binary = build_emulator(root)?;
    run_command(
        Command::new(venv_bin(root, "pytest"))
            .args(["-q", "-p", "no:cacheprovider"])
            .arg(root.join("crates/telnyx-reputation-emulator/conformance"))
            .env("TELNYX_REPUTATION_EMULATOR_BIN", binary),
    )
}

/// schemathesis against a running emulator: no 5xx, every response matches the spec.
pub fn schemathesis(root: &Path) -> Result {
    ensure_venv(root)?;
    let binary = build_emulator(root)?;
    let mut emulator = RunningBinary::start(&binary)?;
    let url = emulator.base_url.clone();
    let result = run_command(
        Command::new(venv_bin(root, "st"))
            .arg("run")
            .arg(root.join(SPEC))
            .args(["--url", &url])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["--header", "Authorization: Bearer schemathesis"])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", "25", "--seed", "42", "--workers", "1"])
            .args(["--request-timeout", "5", "--no-color"])
            .args(["--generation-database", "none"])
            .current_dir(root.join("target")),
    );
    emulator.stop();
    result
}

/// The emulator binary on a free loopback port (approval delay 0), stopped on drop.
/// Also what `cargo xtask bench` measures against.
pub(crate) struct RunningBinary {
    child: Child,
    pub(crate) base_url: String,
}

impl RunningBinary {
    pub(crate) fn start(binary: &Path) -> Result<Self> {
        Self::start_with(binary, &[])
    }

    /// [`RunningBinary::start`] with more emulator options after the defaults.
    pub(crate) fn start_with(binary: &Path, extra: &[&str]) -> Result<Self> {
        let mut child = Command::new(binary)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--approval-delay",
                "0s",
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the emulator's first line: {e}"))?;
        let base_url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected emulator output: {line:?}"))?
            .to_string();
        Ok(Self { child, base_url })
    }

    pub(crate) fn stop(&mut self) {
        // Already-exited children make kill fail; either way it is gone afterwards.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RunningBinary {
    fn drop(&mut self) {
        self.stop();
    }
}
