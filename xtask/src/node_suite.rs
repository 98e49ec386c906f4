//! The Node package's pipeline step: `npm install` from the committed lock, the napi build (debug), the generated
//! `index.d.ts`/`index.js` compared with the committed ones, the version check, the
//! TypeScript `strict` compile of the usage file and `node --test` against the emulator.
//!
//! The tests themselves live in `bindings/node/__test__/`; nothing here knows about them.

use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::codegen::unified_diff;
use crate::conformance::build_emulator;
use crate::pipeline::run_command;

const PACKAGE: &str = "bindings/node";
/// Files `napi build` writes that are committed, so a stale copy fails the pipeline.
const GENERATED: [&str; 2] = ["index.d.ts", "index.js"];

/// Run the whole Node suite.
pub fn run(root: &Path) -> Result {
    let package = root.join(PACKAGE);
    check_versions(root)?;
    let emulator = build_emulator(root)?;
    install_locked(&package)?;
    let committed = read_generated(&package)?;
    // Debug build: the suite measures behaviour, not speed, and shares dev artifacts.
    run_command(tool(&package, "napi").args(["build", "--platform"]))?;
    compare_generated(&package, &committed)?;
    run_command(tool(&package, "tsc").args(["-p", "__test__/types"]))?;
    run_command(
        Command::new("node")
            .args(["--test", "--test-reporter=tap", "__test__/"])
            .current_dir(&package)
            .env("TELNYX_REPUTATION_EMULATOR_BIN", emulator),
    )
}

/// `npm install` from the committed lock, failing if it had to change the lock.
///
/// Not `npm ci`: the registry this project uses serves only the packages of the platforms
/// it installs on, so the lock cannot list @napi-rs/cli's optional binaries for other
/// platforms, and `npm ci` rejects such a lock as out of sync (npm/cli#9846).
pub(crate) fn install_locked(package: &Path) -> Result {
    let lock = package.join("package-lock.json");
    let read = || {
        std::fs::read_to_string(&lock)
            .map_err(|e| format!("cannot read {PACKAGE}/package-lock.json: {e}"))
    };
    let before = read()?;
    run_command(npm(package).args(["install", "--no-audit", "--no-fund"]))?;
    if read()? != before {
        std::fs::write(&lock, before).map_err(|e| format!("cannot restore the lock: {e}"))?;
        return Err(format!(
            "{PACKAGE}/package-lock.json does not match package.json: run `npm install` there and commit the lock"
        ));
    }
    Ok(())
}

/// package.json and package-lock.json carry the workspace version.
fn check_versions(root: &Path) -> Result {
    let workspace = workspace_version(root)?;
    for (file, pointers) in [
        ("package.json", &["/version"][..]),
        ("package-lock.json", &["/version", "/packages//version"][..]),
    ] {
        let text = std::fs::read_to_string(root.join(PACKAGE).join(file))
            .map_err(|e| format!("cannot read {PACKAGE}/{file}: {e}"))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{PACKAGE}/{file}: {e}"))?;
        for pointer in pointers {
            let found = json.pointer(pointer).and_then(|v| v.as_str());
            if found != Some(workspace.as_str()) {
                return Err(format!(
                    "{PACKAGE}/{file} {pointer} is {found:?}, the workspace version is {workspace:?}"
                ));
            }
        }
    }
    println!("{PACKAGE}: version {workspace} matches the workspace");
    Ok(())
}

/// `version` under `[workspace.package]` in the root Cargo.toml.
fn workspace_version(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let mut in_section = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == "[workspace.package]";
        } else if in_section && let Some(value) = line.strip_prefix("version") {
            let value = value.trim_start().trim_start_matches('=').trim();
            return Ok(value.trim_matches('"').to_string());
        }
    }
    Err("Cargo.toml has no [workspace.package] version".into())
}

fn read_generated(package: &Path) -> Result<Vec<String>> {
    GENERATED
        .iter()
        .map(|name| {
            std::fs::read_to_string(package.join(name))
                .map_err(|e| format!("cannot read committed {PACKAGE}/{name}: {e}"))
        })
        .collect()
}

/// Fail with a diff when the build regenerated a committed file differently.
fn compare_generated(package: &Path, committed: &[String]) -> Result {
    let regenerated = read_generated(package)?;
    let mut stale = Vec::new();
    for ((name, old), new) in GENERATED.iter().zip(committed).zip(&regenerated) {
        if old != new {
            eprintln!("{}", unified_diff(old, new));
            stale.push(*name);
        }
    }
    if stale.is_empty() {
        println!("{PACKAGE}: {} are up to date", GENERATED.join(", "));
        Ok(())
    } else {
        Err(format!(
            "{PACKAGE}: {} changed on regeneration: run `npm run build` there and commit them",
            stale.join(", ")
        ))
    }
}

fn npm(package: &Path) -> Command {
    let mut command = Command::new("npm");
    command.current_dir(package);
    command
}

/// A tool installed by `npm ci` into `node_modules/.bin`.
pub(crate) fn tool(package: &Path, name: &str) -> Command {
    let mut command = Command::new(package.join("node_modules/.bin").join(name));
    command.current_dir(package);
    command
}
