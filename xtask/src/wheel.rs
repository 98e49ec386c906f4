//! `python wheel + sdist`: what `pip install telnyx-reputation` would get, built the way a
//! release builds it and installed the way a user installs it.
//!
//! 1. `maturin build --profile dev --auditwheel check`: one abi3 wheel (CPython >= 3.10), in
//!    the dev profile the python suite has just built (a release build of the whole tree would
//!    add about ten minutes to every pipeline run on a 2-core machine; the release workflow
//!    builds `--release`, and what this step proves does not depend on the profile); maturin's
//!    built-in auditwheel fails the build unless the extension links only what the manylinux
//!    policy allows, and tags the wheel with the oldest policy the symbols allow.
//! 2. `maturin sdist`: the source distribution, with the path-dependency crates vendored in.
//! 3. The wheel goes into a new venv with no cargo or rustc on `PATH` and no index
//!    (`--no-index`); the sdist into another new venv (it compiles there, so that one needs
//!    cargo). Each then calls the emulator binary on a free loopback port.
//!
//! 4. The command line wheel (`bindings/cli`) and a user's test suite under `pytest -n 4`,
//!    with the library wheel and nothing of Rust ([`crate::user_suites`]).
//!
//! The artifacts land in `target/dist/python/`; their sizes are printed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::conformance::{RunningBinary, build_emulator};
use crate::pipeline::run_command;
use crate::python::{ensure_venv, venv_bin};

const PACKAGE: &str = "bindings/python";
const REQUIREMENTS: &str = "xtask/requirements.txt";

/// A real round trip: agree to the terms, then read them back as agreed. Run from a temp
/// folder so `telnyx_reputation` can only come from the venv, never from the source tree.
const SMOKE: &str = r#"
import sys, telnyx_reputation
from telnyx_reputation import Client
assert telnyx_reputation.__file__.startswith(sys.prefix), telnyx_reputation.__file__
client = Client(api_key="KEY_packaging", base_url=sys.argv[1])
assert not client.terms_of_service.status("number_reputation").has_agreed
client.terms_of_service.agree_number_reputation()
assert client.terms_of_service.status("number_reputation").has_agreed
print("telnyx_reputation from", telnyx_reputation.__file__, "agreed to the terms")
"#;

/// The pipeline step.
pub fn run(root: &Path) -> Result {
    ensure_venv(root)?;
    let emulator = build_emulator(root)?;
    let out = root.join("target/dist/python");
    let _ = std::fs::remove_dir_all(&out);
    let package = root.join(PACKAGE);
    run_command(
        Command::new(venv_bin(root, "maturin"))
            .args([
                "build",
                "--profile",
                "dev",
                "--locked",
                "--auditwheel",
                "check",
            ])
            .arg("--out")
            .arg(&out)
            .current_dir(&package),
    )?;
    run_command(
        Command::new(venv_bin(root, "maturin"))
            .args(["sdist", "--out"])
            .arg(&out)
            .current_dir(&package),
    )?;
    let wheel = single(&out, ".whl")?;
    let sdist = single(&out, ".tar.gz")?;
    check_wheel_name(&wheel)?;

    let work = scratch_dir(root, "wheel-check")?;
    let wheel_venv = new_venv(&work.join("wheel-venv"))?;
    run_command(
        pip(&wheel_venv)
            .args(["install", "--no-index", "--no-deps"])
            .arg(&wheel)
            .env("PATH", path_without_rust()?),
    )?;
    smoke(&wheel_venv, &emulator, &work, true)?;

    let sdist_venv = new_venv(&work.join("sdist-venv"))?;
    install_maturin_from_lock(root, &sdist_venv, &work)?;
    run_command(
        pip(&sdist_venv)
            .args(["install", "--no-index", "--no-deps", "--no-build-isolation"])
            .arg(&sdist)
            // The dev-profile dependencies already compiled are reused; only the crates
            // unpacked from the sdist compile again.
            .env("CARGO_TARGET_DIR", root.join("target"))
            // No --locked: the sdist holds only the crates the wheel needs, so cargo prunes
            // the other workspace members' entries from its Cargo.lock (the versions of what
            // remains are the locked ones), as it does for any user installing the sdist.
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            // maturin's PEP 517 hooks run the `maturin` executable found on PATH.
            .env("PATH", path_with(&sdist_venv.join("bin"))?),
    )?;
    smoke(&sdist_venv, &emulator, &work, false)?;
    crate::user_suites::python(root, &wheel, &out)?;

    for artifact in [&wheel, &sdist] {
        println!(
            "{}: {:.2} MiB",
            artifact.file_name().unwrap_or_default().to_string_lossy(),
            size(artifact)? as f64 / (1024.0 * 1024.0)
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// abi3 for CPython >= 3.10 on a manylinux policy (not a bare `linux` tag, which PyPI refuses).
fn check_wheel_name(wheel: &Path) -> Result {
    let name = wheel.file_name().unwrap_or_default().to_string_lossy();
    let ok = name.contains("-cp310-abi3-") && name.contains("manylinux");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name}: expected a cp310-abi3 manylinux wheel (check pyo3's abi3 feature and maturin's auditwheel output)"
        ))
    }
}

/// Start the emulator and run [`SMOKE`] with the venv's python; `no_rust` also strips
/// cargo and rustc from `PATH`, as on a machine that never installed Rust.
fn smoke(venv: &Path, emulator: &Path, cwd: &Path, no_rust: bool) -> Result {
    let mut running = RunningBinary::start(emulator)?;
    let mut command = Command::new(venv.join("bin/python"));
    command
        .args(["-c", SMOKE, &running.base_url])
        .current_dir(cwd)
        .env_remove("PYTHONPATH");
    if no_rust {
        command.env("PATH", path_without_rust()?);
    }
    let result = run_command(&mut command);
    running.stop();
    result
}

/// The venv for the sdist needs the build backend; it comes from the same hash-pinned lock
/// as every other Python tool here (only the maturin entry, which has no dependencies on
/// CPython >= 3.11).
fn install_maturin_from_lock(root: &Path, venv: &Path, work: &Path) -> Result {
    let lock = std::fs::read_to_string(root.join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let entry = lock_entry(&lock, "maturin")
        .ok_or_else(|| format!("{REQUIREMENTS} has no maturin entry"))?;
    let file = work.join("maturin.txt");
    std::fs::write(&file, entry).map_err(|e| format!("cannot write {file:?}: {e}"))?;
    run_command(
        pip(venv)
            .args(["install", "--require-hashes", "--no-deps", "-r"])
            .arg(&file)
            .env("PIP_CACHE_DIR", root.join(".cache/pip")),
    )
}

/// One package's block (`name==version \` plus its `--hash` lines) of a pip-compile lock.
fn lock_entry(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{name}==")));
    let first = lines.next()?;
    let hashes = lines.take_while(|l| l.trim_start().starts_with("--hash="));
    Some(
        std::iter::once(first)
            .chain(hashes)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end_matches('\\')
            .to_string()
            + "\n",
    )
}

/// `PATH` without any directory that holds cargo or rustc.
pub(crate) fn path_without_rust() -> Result<std::ffi::OsString> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists())
        .collect();
    std::env::join_paths(kept).map_err(|e| format!("cannot rebuild PATH: {e}"))
}

/// `PATH` with `dir` first.
fn path_with(dir: &Path) -> Result<std::ffi::OsString> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&path));
    std::env::join_paths(dirs).map_err(|e| format!("cannot rebuild PATH: {e}"))
}

pub(crate) fn new_venv(dir: &Path) -> Result<PathBuf> {
    let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run_command(Command::new(system).args(["-m", "venv"]).arg(dir))?;
    Ok(dir.to_path_buf())
}

pub(crate) fn pip(venv: &Path) -> Command {
    let mut command = Command::new(venv.join("bin/python"));
    command.args(["-m", "pip", "--disable-pip-version-check", "--quiet"]);
    command
}

/// A fresh scratch folder under `target/` (removed first if a failed run left one).
pub(crate) fn scratch_dir(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = root.join("target/packaging").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {dir:?}: {e}"))?;
    Ok(dir)
}

/// The one file in `dir` whose name ends with `suffix`.
pub(crate) fn single(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {dir:?}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one *{suffix} in {dir:?}, found {found:?}"
        )),
    }
}

pub(crate) fn size(file: &Path) -> Result<u64> {
    Ok(std::fs::metadata(file)
        .map_err(|e| format!("cannot stat {file:?}: {e}"))?
        .len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_entry_is_the_pin_and_its_hashes_only() {
        let lock = "a==1 \\\n    --hash=sha256:aa\n    # via b\nmaturin==1.16.0 \\\n    --hash=sha256:11 \\\n    --hash=sha256:22\n    # via -r x\nmypy==2 \\\n";
        assert_eq!(
            lock_entry(lock, "maturin").unwrap(),
            "maturin==1.16.0 \\\n    --hash=sha256:11 \\\n    --hash=sha256:22\n"
        );
        assert!(lock_entry(lock, "ruff").is_none());
    }

    #[test]
    fn a_wheel_without_abi3_or_manylinux_is_refused() {
        check_wheel_name(Path::new(
            "telnyx_reputation-0.1.0-cp310-abi3-manylinux_2_34_x86_64.whl",
        ))
        .unwrap();
        let error = check_wheel_name(Path::new(
            "telnyx_reputation-0.1.0-cp311-cp311-linux_x86_64.whl",
        ))
        .unwrap_err();
        assert!(error.contains("cp310-abi3 manylinux"), "{error}");
    }

    #[test]
    fn path_without_rust_drops_the_directory_holding_cargo() {
        let stripped = path_without_rust().unwrap();
        assert!(
            std::env::split_paths(&stripped).all(|d| !d.join("cargo").exists()),
            "{stripped:?}"
        );
    }
}
