//! What the benchmark runs, installed under ignored folders: the release emulator and
//! `bench-rust`, a Python venv (`.cache/bench-venv`: official `telnyx`, httpx, and our
//! binding from a release wheel), and a Node folder (`.cache/bench-node`: `npm ci` from the
//! pinned `xtask/bench/node/package-lock.json`, plus our package from `npm pack`).
//! Also the installed size of each package. Our bindings are optional: a tree without
//! `bindings/python` or `bindings/node` benchmarks the rest and says what it skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::node_suite;
use crate::npm_pack;
use crate::pipeline::{cargo, run_command};
use crate::python;

const REQUIREMENTS: &str = "xtask/bench/python/requirements.txt";
const NODE_PINS: &str = "xtask/bench/node";

/// Paths of everything the runs need.
pub struct Tools {
    pub emulator: PathBuf,
    pub bench_rust: PathBuf,
    pub python: PathBuf,
    pub python_script: PathBuf,
    pub node_dir: PathBuf,
    pub node_script: PathBuf,
    /// Our Python binding is installed in the venv.
    pub python_ours: bool,
    /// Our Node package is installed in the Node folder.
    pub node_ours: bool,
    /// The host's npm platform suffix, e.g. `linux-x64-gnu`.
    pub node_platform: &'static str,
}

/// Which of our bindings to (re)build: a binding already installed is kept as it is unless
/// it is listed here (quick re-runs of the driver).
#[derive(Debug, Clone, Copy)]
pub struct Rebuild {
    pub python: bool,
    pub node: bool,
}

/// Build and install everything the runs need.
pub fn prepare(root: &Path, rebuild: Rebuild) -> Result<Tools> {
    cargo(
        root,
        &[
            "build",
            "--release",
            "--locked",
            "-p",
            "telnyx-reputation-emulator",
            "-p",
            "bench-rust",
        ],
    )?;
    let release = root.join("target/release");
    let python = python_venv(root)?;
    let node_dir = node_folder(root)?;
    let node_script = node_dir.join("workload.mjs");
    std::fs::copy(root.join(NODE_PINS).join("workload.mjs"), &node_script)
        .map_err(|e| format!("cannot copy workload.mjs: {e}"))?;
    let python_ours = python_binding(root, &python, rebuild.python)?;
    let node_platform = host_platform()?;
    let node_ours = node_binding(root, &node_dir, node_platform, rebuild.node)?;
    Ok(Tools {
        emulator: release.join("telnyx-reputation-emulator"),
        bench_rust: release.join("bench-rust"),
        python,
        python_script: root.join("xtask/bench/python/workload.py"),
        node_dir,
        node_script,
        python_ours,
        node_ours,
        node_platform,
    })
}

/// `.cache/bench-venv` from its hash-pinned lock (re-installed when it changes).
fn python_venv(root: &Path) -> Result<PathBuf> {
    python::install_locked_venv(root, &root.join(".cache/bench-venv"), REQUIREMENTS)
}

/// `.cache/bench-node` installed with `npm ci` from the committed lock file.
fn node_folder(root: &Path) -> Result<PathBuf> {
    let dir = root.join(".cache/bench-node");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {dir:?}: {e}"))?;
    let lock = std::fs::read_to_string(root.join(NODE_PINS).join("package-lock.json"))
        .map_err(|e| format!("cannot read the bench lock file: {e}"))?;
    let stamp = dir.join("lock.stamp");
    if std::fs::read_to_string(&stamp).is_ok_and(|done| done == lock) {
        return Ok(dir);
    }
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(root.join(NODE_PINS).join(file), dir.join(file))
            .map_err(|e| format!("cannot copy {file}: {e}"))?;
    }
    node_suite::install_locked(root, &dir)?;
    std::fs::write(&stamp, lock).map_err(|e| format!("cannot write {stamp:?}: {e}"))?;
    Ok(dir)
}

/// Build our Python binding as a release wheel and install it into the bench venv.
fn python_binding(root: &Path, python: &Path, rebuild: bool) -> Result<bool> {
    let project = root.join("bindings/python");
    if !project.join("pyproject.toml").exists() {
        println!("bench: bindings/python is not in this tree; Python `ours` is skipped");
        return Ok(false);
    }
    if !rebuild && imports(python, "telnyx_reputation") {
        return Ok(true);
    }
    let wheels = root.join(".cache/bench-wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    run_command(
        Command::new(python.with_file_name("maturin"))
            .args(["build", "--release", "--quiet", "--out"])
            .arg(&wheels)
            .arg("--manifest-path")
            .arg(project.join("Cargo.toml")),
    )?;
    let wheel = std::fs::read_dir(&wheels)
        .map_err(|e| format!("no wheel in {wheels:?}: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("maturin built no wheel")?;
    run_command(
        Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(wheel),
    )?;
    Ok(true)
}

fn imports(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success())
}

/// Build our Node package in release (as its `npm run build` does), pack it with its host
/// platform package (the binary ships there, as `npm pack` leaves `*.node` out of the main
/// package), and install both tarballs into the bench folder without touching its lock file.
fn node_binding(root: &Path, node_dir: &Path, platform: &str, rebuild: bool) -> Result<bool> {
    let project = root.join("bindings/node");
    if !project.join("package.json").exists() {
        println!("bench: bindings/node is not in this tree; Node `ours` is skipped");
        return Ok(false);
    }
    if !rebuild && node_loads(node_dir) {
        return Ok(true);
    }
    node_suite::install_locked(root, &project)?;
    run_command(node_suite::tool(&project, "napi").args(["build", "--platform", "--release"]))?;
    let packs = root.join(".cache/bench-packs");
    let _ = std::fs::remove_dir_all(&packs);
    std::fs::create_dir_all(&packs).map_err(|e| format!("cannot create {packs:?}: {e}"))?;
    let main = npm_pack::pack(&project, &packs)?;
    let staged = npm_pack::stage_platform_package(root, &project, platform)?;
    let binary = npm_pack::pack(&staged, &packs)?;
    run_command(
        Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund"])
            .arg(main)
            .arg(binary)
            .current_dir(node_dir),
    )?;
    if !node_loads(node_dir) {
        return Err(format!(
            "telnyx-reputation does not load in {node_dir:?} after installing it"
        ));
    }
    Ok(true)
}

/// The npm platform of this host (`linux-x64-gnu`), which names our binary's package.
fn host_platform() -> Result<&'static str> {
    let host = npm_pack::host_triple()?;
    crate::release::napi_platform(&host)
        .ok_or_else(|| format!("no npm platform package for the host target {host}"))
}

/// Whether `require('telnyx-reputation')` finds the package and its binary in `node_dir`.
fn node_loads(node_dir: &Path) -> bool {
    Command::new("node")
        .args(["-e", "require('telnyx-reputation')"])
        .current_dir(node_dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installed size of a Python distribution, alone and with its installed dependencies.
pub fn python_size(python: &Path, distribution: &str) -> Result<(u64, u64)> {
    let script = r#"
import importlib.metadata as md, re, sys
def size(d):
    return sum((d.locate_file(f).stat().st_size for f in d.files or [] if d.locate_file(f).exists()))
def deps(name, seen):
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return
    try:
        d = md.distribution(name)
    except md.PackageNotFoundError:
        return
    seen[key] = d
    for req in d.requires or []:
        if "extra ==" in req:
            continue
        deps(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0], seen)
seen = {}
deps(sys.argv[1], seen)
alone = size(md.distribution(sys.argv[1]))
print(alone, sum(size(d) for d in seen.values()))
"#;
    let output = Command::new(python)
        .args(["-c", script, distribution])
        .output()
        .map_err(|e| format!("cannot run {python:?}: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text.split_whitespace().map(str::parse::<u64>);
    match (parts.next(), parts.next()) {
        (Some(Ok(alone)), Some(Ok(total))) if output.status.success() => Ok((alone, total)),
        _ => Err(format!(
            "cannot size {distribution}: {}",
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

/// Bytes under a directory (a package folder in node_modules).
pub fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}
