//! `cargo package`: the five publishable crates package cleanly, and what crates.io would
//! get is what it should get — sources, README and both licences, never tests, insta
//! snapshots or fixtures.
//!
//! `--no-verify`: the workspace build and tests already compile every crate with the same
//! sources; verifying would compile them a second time in `target/package/`.

use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::pipeline::run_command;
use crate::release::CRATES;

/// Every packaged crate must carry these.
const REQUIRED: [&str; 4] = ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"];
/// No packaged path may start with these.
const FORBIDDEN_PREFIXES: [&str; 3] = ["tests/", "conformance/", "snapshots/"];

/// The pipeline step.
pub fn run(root: &Path) -> Result {
    for name in CRATES {
        let files = package_list(root, name)?;
        check_list(name, &files)?;
        println!(
            "{name}: {} files, none of them tests or fixtures",
            files.len()
        );
    }
    let mut package = cargo(root);
    package.args(["package", "--locked", "--no-verify", "--allow-dirty"]);
    for name in CRATES {
        package.args(["-p", name]);
    }
    run_command(&mut package)?;
    for name in CRATES {
        let dir = root.join("target/package");
        let found = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                file.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|rest| {
                        rest.ends_with(".crate") && rest.starts_with(|c: char| c.is_ascii_digit())
                    })
            })
            .filter_map(|e| Some((e.file_name(), e.metadata().ok()?.len())))
            .collect::<Vec<_>>();
        for (file, size) in found {
            println!(
                "  {} {:.1} KiB",
                file.to_string_lossy(),
                size as f64 / 1024.0
            );
        }
    }
    Ok(())
}

/// `cargo package --list` for one crate.
fn package_list(root: &Path, name: &str) -> Result<Vec<String>> {
    let output = cargo(root)
        .args(["package", "--locked", "--list", "--allow-dirty", "-p", name])
        .output()
        .map_err(|e| format!("cannot run cargo package --list: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo package --list -p {name} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// The list has every required file and nothing from the test side of the crate.
fn check_list(name: &str, files: &[String]) -> Result {
    let mut problems = Vec::new();
    for required in REQUIRED {
        if !files.iter().any(|f| f == required) {
            problems.push(format!("{required} is missing"));
        }
    }
    for file in files {
        let is_fixture = FORBIDDEN_PREFIXES.iter().any(|p| file.starts_with(p))
            || file.ends_with(".snap")
            || file.ends_with(".py");
        if is_fixture {
            problems.push(format!("{file} would be published"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crates/{name}: {}; fix `include` in crates/{name}/Cargo.toml",
            problems.join(", ")
        ))
    }
}

fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root);
    command
}

#[cfg(test)]
mod tests {
    use super::check_list;

    fn list(files: &[&str]) -> Vec<String> {
        files.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn a_complete_source_only_list_passes() {
        let files = list(&[
            "Cargo.toml",
            "README.md",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "src/lib.rs",
        ]);
        check_list("x", &files).unwrap();
    }

    #[test]
    fn snapshots_tests_and_a_missing_licence_are_named() {
        let files = list(&[
            "Cargo.toml",
            "README.md",
            "LICENSE-MIT",
            "src/lib.rs",
            "tests/snapshots/formats__table.snap",
            "conformance/conftest.py",
        ]);
        let error = check_list("x", &files).unwrap_err();
        assert!(error.contains("LICENSE-APACHE is missing"), "{error}");
        assert!(
            error.contains("tests/snapshots/formats__table.snap would be published"),
            "{error}"
        );
        assert!(
            error.contains("conformance/conftest.py would be published"),
            "{error}"
        );
        assert!(
            error.contains("fix `include` in crates/x/Cargo.toml"),
            "{error}"
        );
    }
}
