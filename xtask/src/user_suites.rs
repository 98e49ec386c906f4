//! The command line from pip and npm, and a user's own test suite with nothing but the
//! installed packages: no cargo or rustc on `PATH`, no `TELNYX_REPUTATION_EMULATOR_BIN`, the
//! emulator found through the command line package (`telnyx-reputation emulator`).
//!
//! - Python: `maturin build` of `bindings/cli` (a `bindings = "bin"` wheel carrying the
//!   `telnyx-reputation` binary), installed with the library wheel into a new venv with
//!   `--no-index`, plus pytest and pytest-xdist from the hash-pinned lock; then
//!   `telnyx-reputation --version` and `pytest -n 4` over `tests/user-suites/python`.
//! - Node: the host's `bindings/cli/npm/<platform>/` package with the binary copied into
//!   `bin/`, packed, installed with the main and addon tarballs into a new folder with
//!   `--offline`; then `npx telnyx-reputation --version` and
//!   `node --test --test-concurrency=4` over `tests/user-suites/node`.
//!
//! Both build in the dev profile the suites have already built (stripped of debug info), as
//! the library packages' steps do; the release workflow builds `--release` per platform.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::Result;
use crate::npm_pack::{copy, list, pack, strip_debug_info};
use crate::pipeline::{cargo, run_command};
use crate::python::venv_bin;
use crate::wheel::{new_venv, path_without_rust, pip, scratch_dir, size};

const CLI_PYTHON: &str = "bindings/cli";
const BINARY: &str = "telnyx-reputation";
const REQUIREMENTS: &str = "xtask/requirements.txt";
const BIN_ENV: &str = "TELNYX_REPUTATION_EMULATOR_BIN";

/// Build the command line wheel into `out`; returns it.
pub fn build_cli_wheel(root: &Path, out: &Path) -> Result<PathBuf> {
    let before: Vec<PathBuf> = list(out)?;
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
            .arg(out)
            .current_dir(root.join(CLI_PYTHON)),
    )?;
    let new: Vec<PathBuf> = list(out)?
        .into_iter()
        .filter(|w| !before.contains(w))
        .collect();
    match new.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "maturin build in {CLI_PYTHON} wrote {new:?}, expected one wheel"
        )),
    }
}

/// The Python half: the command line wheel and the user suite under `pytest -n 4`.
pub fn python(root: &Path, library_wheel: &Path, out: &Path) -> Result {
    let cli_wheel = build_cli_wheel(root, out)?;
    let work = scratch_dir(root, "user-suite-python")?;
    let venv = new_venv(&work.join("venv"))?;
    let no_rust = path_without_rust()?;
    run_command(
        pip(&venv)
            .args(["install", "--no-index", "--no-deps"])
            .arg(library_wheel)
            .arg(&cli_wheel)
            .env("PATH", &no_rust),
    )?;
    let lock = std::fs::read_to_string(root.join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let subset = work.join("pytest.txt");
    std::fs::write(&subset, lock_closure(&lock, &["pytest", "pytest-xdist"])?)
        .map_err(|e| format!("cannot write {subset:?}: {e}"))?;
    run_command(
        pip(&venv)
            .args(["install", "--require-hashes", "--no-deps", "-r"])
            .arg(&subset)
            .env("PIP_CACHE_DIR", root.join(".cache/pip")),
    )?;
    // The venv's scripts first, as an activated venv (or pipx) has it; nothing of Rust.
    let path = prepend(&venv.join("bin"), &no_rust)?;
    let version = output(
        Command::new(BINARY)
            .arg("--version")
            .env("PATH", &path)
            .current_dir(&work),
    )?;
    println!("{BINARY} --version from the wheel: {}", version.trim());
    let suite = work.join("suite");
    copy_dir(&root.join("tests/user-suites/python"), &suite)?;
    let started = Instant::now();
    run_command(
        Command::new(venv.join("bin/python"))
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "4"])
            .arg(&suite)
            .current_dir(&work)
            .env("PATH", &path)
            .env_remove(BIN_ENV)
            .env_remove("PYTHONPATH"),
    )?;
    println!(
        "user suite (python, pytest -n 4): {:.1?}",
        started.elapsed()
    );
    println!(
        "{}: {:.2} MiB",
        cli_wheel.file_name().unwrap_or_default().to_string_lossy(),
        size(&cli_wheel)? as f64 / (1024.0 * 1024.0)
    );
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// The Node half: the command line package of this platform, `npx telnyx-reputation` and the
/// user suite under `node --test --test-concurrency=4`. `tarballs` are the main package and
/// the addon's platform package, already packed into `out`.
pub fn node(root: &Path, platform: &str, tarballs: &[PathBuf], out: &Path) -> Result {
    // The binary the workspace's tests built (a no-op after the `cargo test` step): a
    // `cargo build -p` of the CLI alone would resolve other features and rebuild its tree.
    cargo(root, &["test", "--workspace", "--locked", "--no-run"])?;
    let staged = scratch_dir(root, &format!("npm-cli-{platform}"))?;
    let source = root.join(CLI_PYTHON).join("npm").join(platform);
    for file in ["package.json", "README.md"] {
        copy(&source.join(file), &staged.join(file))?;
    }
    std::fs::create_dir_all(staged.join("bin")).map_err(|e| format!("cannot create bin/: {e}"))?;
    let binary = staged.join("bin").join(BINARY);
    copy(&root.join("target/debug").join(BINARY), &binary)?;
    strip_debug_info(&binary)?;
    let cli_tarball = pack(&staged, out)?;

    let work = scratch_dir(root, "user-suite-node")?;
    std::fs::write(
        work.join("package.json"),
        r#"{"name":"user-suite","private":true,"type":"module"}"#,
    )
    .map_err(|e| format!("cannot write package.json: {e}"))?;
    let no_rust = path_without_rust()?;
    run_command(
        Command::new("npm")
            .args([
                "install",
                "--offline",
                "--no-audit",
                "--no-fund",
                "--no-save",
            ])
            .args(tarballs)
            .arg(&cli_tarball)
            .arg("--cache")
            .arg(root.join(".cache/npm"))
            .current_dir(&work)
            .env("PATH", &no_rust),
    )?;
    let version = output(
        Command::new("npx")
            .args(["--offline", "--no-install", BINARY, "--version"])
            .current_dir(&work)
            .env("PATH", &no_rust),
    )?;
    println!("npx {BINARY} --version: {}", version.trim());
    copy_dir(&root.join("tests/user-suites/node"), &work.join("suite"))?;
    let started = Instant::now();
    run_command(
        Command::new("node")
            .args(["--test", "--test-concurrency=4"])
            .current_dir(work.join("suite"))
            .env("PATH", &no_rust)
            .env_remove(BIN_ENV)
            .env_remove("NAPI_RS_NATIVE_LIBRARY_PATH"),
    )?;
    println!(
        "user suite (node, --test-concurrency=4): {:.1?}",
        started.elapsed()
    );
    println!(
        "{}: {:.2} MiB",
        cli_tarball
            .file_name()
            .unwrap_or_default()
            .to_string_lossy(),
        size(&cli_tarball)? as f64 / (1024.0 * 1024.0)
    );
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// The lock entries of `roots` and of everything they need, transitively: an entry is needed
/// when one of the packages its `# via` names is needed (pip-compile's annotations).
pub(crate) fn lock_closure(lock: &str, roots: &[&str]) -> Result<String> {
    let entries = parse_lock(lock);
    let mut needed: BTreeSet<String> = roots.iter().map(|r| r.to_string()).collect();
    for root in roots {
        if !entries.iter().any(|e| e.name == *root) {
            return Err(format!("{REQUIREMENTS} has no {root} entry"));
        }
    }
    loop {
        let before = needed.len();
        for entry in &entries {
            if entry.via.iter().any(|v| needed.contains(v)) {
                needed.insert(entry.name.clone());
            }
        }
        if needed.len() == before {
            break;
        }
    }
    Ok(entries
        .iter()
        .filter(|e| needed.contains(&e.name))
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join(""))
}

struct LockEntry {
    name: String,
    /// The pin and its hashes, as pip reads them.
    text: String,
    via: Vec<String>,
}

fn parse_lock(lock: &str) -> Vec<LockEntry> {
    let mut entries: Vec<LockEntry> = Vec::new();
    for line in lock.lines() {
        let trimmed = line.trim();
        if !line.starts_with([' ', '#']) && trimmed.contains("==") {
            let name = trimmed
                .split("==")
                .next()
                .unwrap_or_default()
                .to_lowercase();
            entries.push(LockEntry {
                name,
                text: format!("{line}\n"),
                via: Vec::new(),
            });
        } else if let Some(entry) = entries.last_mut() {
            if trimmed.starts_with("--hash=") {
                entry.text.push_str(line);
                entry.text.push('\n');
            } else if let Some(rest) = trimmed.strip_prefix("# via") {
                let rest = rest.trim();
                if !rest.is_empty() {
                    entry.via.push(rest.to_lowercase());
                }
            } else if let Some(rest) = trimmed.strip_prefix("#   ") {
                entry.via.push(rest.trim().to_lowercase());
            }
        }
    }
    for entry in &mut entries {
        // A pin's last hash line must not end in a continuation.
        let trimmed = entry.text.trim_end().trim_end_matches('\\').trim_end();
        entry.text = format!("{trimmed}\n");
    }
    entries
}

fn prepend(dir: &Path, path: &std::ffi::OsStr) -> Result<std::ffi::OsString> {
    let dirs = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(path));
    std::env::join_paths(dirs).map_err(|e| format!("cannot rebuild PATH: {e}"))
}

fn output(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let out = command
        .output()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Copy the files of `from` (one level: the suites are flat) into a new `to`.
fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {to:?}: {e}"))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("cannot list {from:?}: {e}"))? {
        let path = entry
            .map_err(|e| format!("cannot list {from:?}: {e}"))?
            .path();
        if path.is_file() {
            copy(&path, &to.join(path.file_name().unwrap_or_default()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "\
execnet==2.1.2 \\
    --hash=sha256:aa \\
    --hash=sha256:bb
    # via pytest-xdist
iniconfig==2.3.1 \\
    --hash=sha256:cc
    # via pytest
maturin==1.16.0 \\
    --hash=sha256:dd
    # via -r xtask/requirements.in
pygments==2.21.0 \\
    --hash=sha256:ee
    # via
    #   pytest
    #   rich
pytest==9.2.0 \\
    --hash=sha256:ff
    # via
    #   -r xtask/requirements.in
    #   pytest-xdist
pytest-xdist==3.8.0 \\
    --hash=sha256:gg
    # via -r xtask/requirements.in
rich==14.0.0 \\
    --hash=sha256:hh
    # via schemathesis
";

    #[test]
    fn the_closure_holds_the_roots_and_what_they_need_only() {
        let closure = lock_closure(LOCK, &["pytest", "pytest-xdist"]).unwrap();
        let names: Vec<&str> = closure
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split("==").next().unwrap())
            .collect();
        assert_eq!(
            names,
            ["execnet", "iniconfig", "pygments", "pytest", "pytest-xdist"]
        );
        assert!(
            closure.contains("execnet==2.1.2 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n")
        );
        assert!(!closure.contains("via"), "{closure}");
    }

    #[test]
    fn a_root_missing_from_the_lock_is_named() {
        let error = lock_closure(LOCK, &["pytest", "hypothesis"]).unwrap_err();
        assert!(error.contains("no hypothesis entry"), "{error}");
    }

    #[test]
    fn the_committed_lock_has_the_user_suite_tools() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let lock = std::fs::read_to_string(root.join(REQUIREMENTS)).unwrap();
        let closure = lock_closure(&lock, &["pytest", "pytest-xdist"]).unwrap();
        for needed in ["execnet==", "pluggy==", "iniconfig==", "packaging=="] {
            assert!(closure.contains(needed), "{needed} missing from\n{closure}");
        }
    }
}
