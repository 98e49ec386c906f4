//! `release metadata`: what a tag would publish agrees with itself before anything is built.
//!
//! - one version: `[workspace.package] version` in Cargo.toml is the version of every
//!   publishable crate, of the wheel (pyproject.toml declares it `dynamic`, maturin reads
//!   Cargo.toml), of bindings/node/package.json and its lock, and of every per-platform npm
//!   package under bindings/node/npm/;
//! - one per-platform npm package per `napi.targets` entry, named `<package>-<platform>`;
//! - the declared `rust-version` is the toolchain rust-toolchain.toml pins, the only one the
//!   pipeline builds with, so the declaration is verified rather than hoped;
//! - every publishable crate carries the metadata crates.io shows.
//!
//! Building and installing the artifacts is elsewhere (`crates_package`, `wheel`, `npm_pack`).

use std::path::Path;

use serde_json::Value;

use crate::Result;

/// The crates a release publishes to crates.io, in dependency order.
pub const CRATES: [&str; 5] = [
    "telnyx-reputation-api",
    "telnyx-reputation-emulator",
    "telnyx-reputation",
    "telnyx-reputation-monitor",
    "telnyx-reputation-cli",
];

const NODE: &str = "bindings/node";
const PYPROJECT: &str = "bindings/python/pyproject.toml";
/// The command line wheel (`bindings = "bin"`) and its npm platform packages.
const CLI: &str = "bindings/cli";

/// The pipeline step: every check below, each problem named with its file.
pub fn check(root: &Path) -> Result {
    let workspace = read_toml(root, "Cargo.toml")?;
    let version = workspace_field(&workspace, "version")?;
    let mut problems = Vec::new();
    problems.extend(rust_version_problems(
        &workspace_field(&workspace, "rust-version")?,
        &read_toml(root, "rust-toolchain.toml")?,
    ));
    problems.extend(crate_problems(root, &version)?);
    problems.extend(internal_dependency_problems(&workspace, &version));
    problems.extend(pyproject_problems(PYPROJECT, &read_toml(root, PYPROJECT)?));
    let cli_pyproject = format!("{CLI}/pyproject.toml");
    problems.extend(pyproject_problems(
        &cli_pyproject,
        &read_toml(root, &cli_pyproject)?,
    ));
    problems.extend(node_problems(root, &version)?);
    if problems.is_empty() {
        println!(
            "release metadata: version {version} everywhere, {} crates, {} npm platform packages",
            CRATES.len(),
            node_targets(&read_json(root, &format!("{NODE}/package.json"))?)?.len()
        );
        Ok(())
    } else {
        Err(format!(
            "release metadata disagrees:\n  - {}",
            problems.join("\n  - ")
        ))
    }
}

fn workspace_field(workspace: &toml::Table, field: &str) -> Result<String> {
    workspace
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get(field))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("Cargo.toml: [workspace.package] has no string `{field}`"))
}

/// `rust-version` (major.minor) must be the pinned toolchain's major.minor.
fn rust_version_problems(declared: &str, toolchain: &toml::Table) -> Vec<String> {
    let channel = toolchain
        .get("toolchain")
        .and_then(|t| t.get("channel"))
        .and_then(|c| c.as_str())
        .unwrap_or_default();
    let major_minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if major_minor(declared) == major_minor(channel) && !channel.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "Cargo.toml: rust-version {declared:?} is not the toolchain rust-toolchain.toml pins ({channel:?}); \
             the pipeline builds only that one, so declare it (or build the older one in CI)"
        )]
    }
}

/// Each publishable crate: the workspace version and complete crates.io metadata.
fn crate_problems(root: &Path, version: &str) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for name in CRATES {
        let file = format!("crates/{name}/Cargo.toml");
        let manifest = read_toml(root, &file)?;
        let package = manifest
            .get("package")
            .and_then(|p| p.as_table())
            .ok_or_else(|| format!("{file}: no [package]"))?;
        if package.get("publish").and_then(|p| p.as_bool()) == Some(false) {
            problems.push(format!(
                "{file}: publish = false, but a release publishes it"
            ));
        }
        let inherits = |key: &str| {
            package
                .get(key)
                .and_then(|v| v.get("workspace"))
                .and_then(|w| w.as_bool())
                == Some(true)
        };
        if !inherits("version") {
            problems.push(format!(
                "{file}: version must be `version.workspace = true` (one version, {version})"
            ));
        }
        for key in [
            "description",
            "license",
            "repository",
            "readme",
            "keywords",
            "categories",
            "include",
        ] {
            if !package.contains_key(key) {
                problems.push(format!("{file}: [package] has no `{key}`"));
            }
        }
        if let Some(readme) = package.get("readme").and_then(|r| r.as_str())
            && !root.join("crates").join(name).join(readme).is_file()
        {
            problems.push(format!("{file}: readme {readme:?} does not exist"));
        }
    }
    Ok(problems)
}

/// `[workspace.dependencies]` entries of our own crates require exactly the workspace version,
/// so a crate published at a new version never depends on the previous one.
fn internal_dependency_problems(workspace: &toml::Table, version: &str) -> Vec<String> {
    let dependencies = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table());
    CRATES
        .iter()
        .filter(|name| **name != "telnyx-reputation-cli")
        .filter_map(|name| {
            let found = dependencies
                .and_then(|d| d.get(*name))
                .and_then(|d| d.get("version"))
                .and_then(|v| v.as_str());
            (found != Some(version)).then(|| {
                format!(
                    "Cargo.toml: [workspace.dependencies] {name} has version {found:?}, expected {version:?}"
                )
            })
        })
        .collect()
}

/// The wheel's version comes from Cargo.toml, never from a second copy in pyproject.toml.
fn pyproject_problems(file: &str, pyproject: &toml::Table) -> Vec<String> {
    let project = pyproject.get("project");
    let dynamic_version = project
        .and_then(|p| p.get("dynamic"))
        .and_then(|d| d.as_array())
        .is_some_and(|d| d.iter().any(|v| v.as_str() == Some("version")));
    let mut problems = Vec::new();
    if !dynamic_version {
        problems.push(format!(
            "{file}: [project] must list \"version\" in `dynamic` (maturin reads Cargo.toml)"
        ));
    }
    if project.and_then(|p| p.get("version")).is_some() {
        problems.push(format!(
            "{file}: [project] sets a static version; remove it, the workspace version is the one"
        ));
    }
    problems
}

/// package.json, its lock and bindings/node/npm/*: the version, and one platform package
/// per napi target with the name the generated loader `require`s.
fn node_problems(root: &Path, version: &str) -> Result<Vec<String>> {
    let manifest_file = format!("{NODE}/package.json");
    let manifest = read_json(root, &manifest_file)?;
    let lock_file = format!("{NODE}/package-lock.json");
    let lock = read_json(root, &lock_file)?;
    let mut problems = Vec::new();
    let mut expect = |file: &str, json: &Value, pointer: &str, wanted: &str| {
        let found = json.pointer(pointer).and_then(Value::as_str);
        if found != Some(wanted) {
            problems.push(format!(
                "{file}: {pointer} is {found:?}, expected {wanted:?}"
            ));
        }
    };
    expect(&manifest_file, &manifest, "/version", version);
    expect(&lock_file, &lock, "/version", version);
    expect(&lock_file, &lock, "/packages//version", version);
    let package = manifest
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{manifest_file}: no name"))?;
    let mut expected_dirs = Vec::new();
    for target in node_targets(&manifest)? {
        let platform = napi_platform(&target).ok_or_else(|| {
            format!("{manifest_file}: napi target {target:?} is not one this check knows")
        })?;
        let cli_file = format!("{CLI}/npm/{platform}/package.json");
        match read_json(root, &cli_file) {
            Ok(json) => {
                let name = format!("{package}-cli-{platform}");
                problems.extend(mismatch(&cli_file, &json, "/name", &name));
                problems.extend(mismatch(&cli_file, &json, "/version", version));
            }
            Err(_) => problems.push(format!(
                "{cli_file} is missing: the command line needs a package per napi target"
            )),
        }
        let file = format!("{NODE}/npm/{platform}/package.json");
        expected_dirs.push(platform.to_string());
        match read_json(root, &file) {
            Ok(json) => {
                let name = format!("{package}-{platform}");
                problems.extend(mismatch(&file, &json, "/name", &name));
                problems.extend(mismatch(&file, &json, "/version", version));
            }
            Err(_) => problems.push(format!(
                "{file} is missing: run `napi create-npm-dirs` in {NODE} and commit it"
            )),
        }
    }
    for entry in std::fs::read_dir(root.join(NODE).join("npm"))
        .map_err(|e| format!("cannot list {NODE}/npm: {e}"))?
    {
        let name = entry
            .map_err(|e| format!("cannot list {NODE}/npm: {e}"))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !expected_dirs.contains(&name) {
            problems.push(format!(
                "{NODE}/npm/{name} matches no napi target in {manifest_file}: remove it or add the target"
            ));
        }
    }
    Ok(problems)
}

/// `Some(problem)` when the string at `pointer` is not `wanted`.
fn mismatch(file: &str, json: &Value, pointer: &str, wanted: &str) -> Option<String> {
    let found = json.pointer(pointer).and_then(Value::as_str);
    (found != Some(wanted)).then(|| format!("{file}: {pointer} is {found:?}, expected {wanted:?}"))
}

/// `napi.targets` of package.json.
pub fn node_targets(manifest: &Value) -> Result<Vec<String>> {
    manifest
        .pointer("/napi/targets")
        .and_then(Value::as_array)
        .map(|targets| {
            targets
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .ok_or_else(|| "bindings/node/package.json has no napi.targets".to_string())
}

/// The npm platform suffix napi-rs gives a Rust target triple (`<os>-<arch>[-<abi>]`).
pub fn napi_platform(target: &str) -> Option<&'static str> {
    Some(match target {
        "x86_64-unknown-linux-gnu" => "linux-x64-gnu",
        "aarch64-unknown-linux-gnu" => "linux-arm64-gnu",
        "x86_64-unknown-linux-musl" => "linux-x64-musl",
        "aarch64-unknown-linux-musl" => "linux-arm64-musl",
        "x86_64-apple-darwin" => "darwin-x64",
        "aarch64-apple-darwin" => "darwin-arm64",
        "x86_64-pc-windows-msvc" => "win32-x64-msvc",
        "aarch64-pc-windows-msvc" => "win32-arm64-msvc",
        _ => return None,
    })
}

fn read_toml(root: &Path, file: &str) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
    text.parse().map_err(|e| format!("{file}: {e}"))
}

fn read_json(root: &Path, file: &str) -> Result<Value> {
    let text =
        std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn the_committed_tree_agrees_with_itself() {
        check(&root()).unwrap();
    }

    #[test]
    fn a_rust_version_the_pipeline_never_builds_is_named() {
        let toolchain: toml::Table = "[toolchain]\nchannel = \"1.95.0\"\n".parse().unwrap();
        assert!(rust_version_problems("1.95", &toolchain).is_empty());
        let problems = rust_version_problems("1.88", &toolchain);
        assert!(problems[0].contains("\"1.88\""), "{problems:?}");
        assert!(problems[0].contains("1.95.0"), "{problems:?}");
    }

    #[test]
    fn an_internal_dependency_left_at_the_old_version_is_named() {
        let workspace: toml::Table = r#"
            [workspace.dependencies]
            telnyx-reputation-api = { path = "a", version = "0.2.0" }
            telnyx-reputation = { path = "b", version = "0.1.0" }
            telnyx-reputation-emulator = { path = "c", version = "0.2.0" }
            telnyx-reputation-monitor = { path = "d", version = "0.2.0" }
        "#
        .parse()
        .unwrap();
        let problems = internal_dependency_problems(&workspace, "0.2.0");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("telnyx-reputation has version Some(\"0.1.0\")"));
    }

    #[test]
    fn a_static_python_version_is_named() {
        let pyproject: toml::Table = "[project]\nname = \"x\"\nversion = \"0.2.0\"\n"
            .parse()
            .unwrap();
        let problems = pyproject_problems(PYPROJECT, &pyproject);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].contains("static version"), "{problems:?}");
    }

    #[test]
    fn a_platform_package_with_another_version_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let node = dir.path().join(NODE);
        std::fs::create_dir_all(node.join("npm/linux-x64-gnu")).unwrap();
        std::fs::write(
            node.join("package.json"),
            r#"{"name":"pkg","version":"1.0.0","napi":{"targets":["x86_64-unknown-linux-gnu","x86_64-apple-darwin"]}}"#,
        )
        .unwrap();
        std::fs::write(
            node.join("package-lock.json"),
            r#"{"version":"1.0.0","packages":{"":{"version":"1.0.0"}}}"#,
        )
        .unwrap();
        std::fs::write(
            node.join("npm/linux-x64-gnu/package.json"),
            r#"{"name":"pkg-linux-x64-gnu","version":"0.9.0"}"#,
        )
        .unwrap();
        let cli = dir.path().join(CLI).join("npm/linux-x64-gnu");
        std::fs::create_dir_all(&cli).unwrap();
        std::fs::write(
            cli.join("package.json"),
            r#"{"name":"pkg-cli-linux-x64-gnu","version":"1.0.0"}"#,
        )
        .unwrap();
        let problems = node_problems(dir.path(), "1.0.0").unwrap();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("linux-x64-gnu/package.json: /version is Some(\"0.9.0\")"));
        assert!(problems[1].contains("bindings/cli/npm/darwin-x64/package.json is missing"));
        assert!(problems[2].contains("node/npm/darwin-x64/package.json is missing"));
    }
}
