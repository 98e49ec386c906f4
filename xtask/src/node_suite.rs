//! The Node package's pipeline step: `npm ci` from the committed lock, the napi build (debug), the generated
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
    install_locked(root, &package)?;
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

/// `npm ci` from the committed lock, with npm's cache in the project's own `.cache/npm`.
///
/// The cache is the checkout's, not the machine's, so a green run here is what a new machine
/// gets: the first run downloads every package the lock names, later runs reuse them. Before
/// installing, the lock must agree with package.json (see [`check_lock`]); `npm ci` never
/// writes the lock, and the run fails if anything changed it anyway.
pub(crate) fn install_locked(root: &Path, package: &Path) -> Result {
    check_lock(package)?;
    let lock = package.join("package-lock.json");
    let before = std::fs::read(&lock).map_err(|e| format!("cannot read {lock:?}: {e}"))?;
    run_command(
        npm(package)
            .args(["ci", "--no-audit", "--no-fund"])
            .arg("--cache")
            .arg(root.join(".cache/npm")),
    )?;
    if std::fs::read(&lock).map_err(|e| format!("cannot read {lock:?}: {e}"))? != before {
        std::fs::write(&lock, before).map_err(|e| format!("cannot restore {lock:?}: {e}"))?;
        return Err(format!(
            "`npm ci` rewrote {lock:?}; it is restored, regenerate and commit it"
        ));
    }
    Ok(())
}

/// The lock's root entry declares exactly the dependencies package.json does, and every one
/// of them is locked. A lock that disagrees would make `npm ci` fail with a generic message;
/// this one names the package and says how to fix it.
pub(crate) fn check_lock(package: &Path) -> Result {
    let read = |name: &str| -> Result<serde_json::Value> {
        let path = package.join(name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path:?}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{path:?}: {e}"))
    };
    let manifest = read("package.json")?;
    let lock = read("package-lock.json")?;
    let fix = "regenerate it with `npm install --package-lock-only --cache \"$(mktemp -d)\"` there (an empty cache, so every platform's optional packages are recorded) and commit it";
    let mut problems = Vec::new();
    for field in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        let declared = manifest.get(field).cloned().unwrap_or_default();
        let locked = lock
            .pointer(&format!("/packages//{field}"))
            .cloned()
            .unwrap_or_default();
        if declared != locked {
            problems.push(format!(
                "{field} in package.json is {declared}, the lock has {locked}"
            ));
        }
        for name in declared.as_object().into_iter().flat_map(|m| m.keys()) {
            let entry = format!(
                "/packages/node_modules~1{}",
                name.replace('~', "~0").replace('/', "~1")
            );
            if field != "peerDependencies" && lock.pointer(&entry).is_none() {
                problems.push(format!(
                    "{name} ({field}) has no node_modules entry in the lock"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} does not match package.json: {}; {fix}",
            package.join("package-lock.json").display(),
            problems.join("; ")
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::check_lock;
    use std::path::Path;

    fn copy_package(edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = tempfile::tempdir().unwrap();
        let mut manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(super::PACKAGE).join("package.json")).unwrap(),
        )
        .unwrap();
        edit(&mut manifest);
        std::fs::write(dir.path().join("package.json"), manifest.to_string()).unwrap();
        std::fs::copy(
            root.join(super::PACKAGE).join("package-lock.json"),
            dir.path().join("package-lock.json"),
        )
        .unwrap();
        dir
    }

    #[test]
    fn the_committed_lock_matches_package_json() {
        check_lock(copy_package(|_| {}).path()).unwrap();
    }

    #[test]
    fn a_dependency_missing_from_the_lock_is_named() {
        let dir = copy_package(|m| {
            m["devDependencies"]["left-pad"] = "1.3.0".into();
        });
        let error = check_lock(dir.path()).unwrap_err();
        assert!(
            error.contains("left-pad (devDependencies) has no node_modules entry"),
            "{error}"
        );
        assert!(error.contains("npm install --package-lock-only"), "{error}");
    }

    #[test]
    fn a_changed_version_range_is_named() {
        let dir = copy_package(|m| {
            m["devDependencies"]["typescript"] = "5.0.0".into();
        });
        let error = check_lock(dir.path()).unwrap_err();
        assert!(error.contains("devDependencies in package.json"), "{error}");
    }
}
