//! The Python package's suite: build `bindings/python` into the project venv with
//! maturin, type-check the package, its stubs, tests and examples with `mypy --strict`,
//! check the stubs against the built module with `mypy.stubtest` (every class, method,
//! parameter and default of the `.pyi` must exist at run time, and the reverse), then run
//! pytest against the emulator binary, then the user suite's 40 tests that each onboard an
//! enterprise and advance their own test clock by 30 days
//! (`tests/user-suites/python/test_onboarding.py`) serially, printing the time; the wheel
//! step runs the whole user suite under `pytest -n 4` from the built packages alone.

use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::conformance::build_emulator;
use crate::pipeline::run_command;
use crate::python::{ensure_venv, venv_bin, venv_dir};

const PACKAGE: &str = "bindings/python";
/// A user's own suite (its own conftest.py): see `user_suites.rs`.
const USER_SUITE: &str = "tests/user-suites/python";

/// `maturin develop` (dev profile, shared target/), mypy, stubtest, pytest.
pub fn run(root: &Path) -> Result {
    ensure_venv(root)?;
    let emulator = build_emulator(root)?;
    let package = root.join(PACKAGE);
    run_command(
        Command::new(venv_bin(root, "maturin"))
            .args(["develop", "--locked", "--quiet"])
            .current_dir(&package)
            .env("VIRTUAL_ENV", venv_dir(root)),
    )?;
    run_command(
        Command::new(venv_bin(root, "mypy"))
            .args(["--strict", "python/telnyx_reputation", "tests", "examples"])
            .current_dir(&package),
    )?;
    // Apart: the user suite has its own conftest.py, as a user's suite would.
    run_command(
        Command::new(venv_bin(root, "mypy"))
            .args(["--strict", "python/telnyx_reputation"])
            .arg(root.join(USER_SUITE))
            .current_dir(&package),
    )?;
    // No allowlist: every difference between the stubs and the module is an error.
    run_command(
        Command::new(venv_bin(root, "python"))
            .args(["-m", "mypy.stubtest", "telnyx_reputation"])
            .current_dir(&package),
    )?;
    run_command(
        Command::new(venv_bin(root, "pytest"))
            .args(["-p", "no:cacheprovider", "tests"])
            .current_dir(&package)
            .env("TELNYX_REPUTATION_EMULATOR_BIN", &emulator),
    )?;
    // Serially here; under `pytest -n 4` in the wheel step (`user_suites.rs`). Per-account
    // test clocks keep the tests apart either way. The times are printed, not asserted
    // (speed targets are not tests).
    let started = std::time::Instant::now();
    run_command(
        Command::new(venv_bin(root, "pytest"))
            .args(["-p", "no:cacheprovider", "-q", "-p", "no:xdist"])
            .arg(root.join(USER_SUITE).join("test_onboarding.py"))
            .current_dir(&package)
            .env("TELNYX_REPUTATION_EMULATOR_BIN", &emulator),
    )?;
    println!(
        "user suite (40 tests, 30 days each), serially: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
