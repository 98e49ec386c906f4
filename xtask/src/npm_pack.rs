//! `npm pack`: what `npm install telnyx-reputation` would get on this platform, built the way
//! a release builds it and installed the way a user installs it.
//!
//! 1. `napi build --platform` for the host, in the dev profile the node suite has just built
//!    (a second, release build of the whole tree would add about ten minutes to every
//!    pipeline run on a 2-core machine, and what this step proves, the packaging and the
//!    install, does not depend on the profile). The staged copy of the binary is stripped
//!    of debug info with `strip` afterwards: napi's `--strip` changes `RUSTFLAGS`, which
//!    would rebuild every dependency. The release workflow builds `--release --strip` per
//!    target of `napi.targets`.
//! 2. `npm pack` of the main package (the JS loader and typings, no binary) and of the host's
//!    `npm/<platform>/` package with the binary copied in, as `napi artifacts` does.
//! 3. Both tarballs go into a new folder with `npm install --offline` (no registry) and no
//!    cargo or rustc on `PATH`; a script there `require`s `telnyx-reputation`, which must load
//!    the binary from the platform package, and calls the emulator binary.
//!
//! 4. The command line's platform package (`bindings/cli/npm/<platform>/`), `npx
//!    telnyx-reputation` and a user's test suite under `node --test --test-concurrency=4`, with
//!    nothing of Rust ([`crate::user_suites`]).
//!
//! The tarballs land in `target/dist/npm/`; their sizes are printed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::conformance::{RunningBinary, build_emulator};
use crate::node_suite::{install_locked, tool};
use crate::pipeline::run_command;
use crate::release::napi_platform;
use crate::wheel::{path_without_rust, scratch_dir, size};

const PACKAGE: &str = "bindings/node";
const BINARY_NAME: &str = "telnyx-reputation";

/// A real round trip through the installed packages; fails unless the addon came from the
/// platform package inside this folder's node_modules.
const SMOKE: &str = r#"
const assert = require('node:assert/strict')
const path = require('node:path')
// `node -e` has no script path: the arguments start at argv[1].
const [url, platformPackage] = process.argv.slice(1)
const modules = path.join(process.cwd(), 'node_modules')
assert.ok(require.resolve('telnyx-reputation').startsWith(modules))
assert.ok(require.resolve(platformPackage).startsWith(modules))
const { Client } = require('telnyx-reputation')
async function main() {
  const client = new Client({ apiKey: 'KEY_packaging', baseUrl: url })
  assert.equal((await client.termsOfService.status('number_reputation')).hasAgreed, false)
  await client.termsOfService.agreeNumberReputation()
  assert.equal((await client.termsOfService.status('number_reputation')).hasAgreed, true)
  console.log(`telnyx-reputation + ${platformPackage} from ${modules}: agreed to the terms`)
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
"#;

/// The pipeline step.
pub fn run(root: &Path) -> Result {
    let package = root.join(PACKAGE);
    install_locked(root, &package)?;
    let emulator = build_emulator(root)?;
    let host = host_triple()?;
    let platform = napi_platform(&host)
        .ok_or_else(|| format!("no npm platform package for the host target {host}"))?;
    run_command(tool(&package, "napi").args(["build", "--platform"]))?;

    let out = root.join("target/dist/npm");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {out:?}: {e}"))?;
    let main_tarball = pack(&package, &out)?;
    let staged = stage_platform_package(root, &package, platform)?;
    let platform_tarball = pack(&staged, &out)?;

    let work = scratch_dir(root, "npm-install")?;
    std::fs::write(
        work.join("package.json"),
        r#"{"name":"npm-pack-check","private":true}"#,
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
            .arg(&main_tarball)
            .arg(&platform_tarball)
            .arg("--cache")
            .arg(root.join(".cache/npm"))
            .current_dir(&work)
            .env("PATH", &no_rust),
    )?;
    let mut running = RunningBinary::start(&emulator)?;
    let result = run_command(
        Command::new("node")
            .args(["-e", SMOKE, "--", &running.base_url])
            .arg(format!("{BINARY_NAME}-{platform}"))
            .current_dir(&work)
            .env("PATH", &no_rust)
            .env("NAPI_RS_ENFORCE_VERSION_CHECK", "1")
            .env_remove("NAPI_RS_NATIVE_LIBRARY_PATH"),
    );
    running.stop();
    result?;
    crate::user_suites::node(
        root,
        platform,
        &[main_tarball.clone(), platform_tarball.clone()],
        &out,
    )?;
    for tarball in [&main_tarball, &platform_tarball] {
        println!(
            "{}: {:.2} MiB",
            tarball.file_name().unwrap_or_default().to_string_lossy(),
            size(tarball)? as f64 / (1024.0 * 1024.0)
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// A copy of `npm/<platform>/` with the freshly built binary in it.
pub(crate) fn stage_platform_package(
    root: &Path,
    package: &Path,
    platform: &str,
) -> Result<PathBuf> {
    let staged = scratch_dir(root, &format!("npm-{platform}"))?;
    let source = package.join("npm").join(platform);
    for entry in std::fs::read_dir(&source).map_err(|e| format!("cannot list {source:?}: {e}"))? {
        let path = entry
            .map_err(|e| format!("cannot list {source:?}: {e}"))?
            .path();
        copy(&path, &staged.join(path.file_name().unwrap_or_default()))?;
    }
    let binary = format!("{BINARY_NAME}.{platform}.node");
    copy(&package.join(&binary), &staged.join(&binary))?;
    strip_debug_info(&staged.join(&binary))?;
    Ok(staged)
}

/// `strip --strip-debug` on a copied binary, so the tarball carries what a release build
/// ships rather than a dev build's debug info. Without binutils' `strip` the copy stays as
/// built (larger, equally loadable) and the step says so.
pub(crate) fn strip_debug_info(binary: &Path) -> Result {
    match Command::new("strip")
        .arg("--strip-debug")
        .arg(binary)
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("strip --strip-debug {binary:?} failed: {status}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("note: `strip` is not installed; packing {binary:?} with its debug info");
            Ok(())
        }
        Err(e) => Err(format!("cannot run strip on {binary:?}: {e}")),
    }
}

/// `npm pack` of `dir` into `out`; returns the tarball.
pub(crate) fn pack(dir: &Path, out: &Path) -> Result<PathBuf> {
    let before: Vec<PathBuf> = list(out)?;
    run_command(
        Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(out)
            .current_dir(dir),
    )?;
    let new: Vec<PathBuf> = list(out)?
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    match new.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "npm pack in {dir:?} wrote {new:?}, expected one tarball"
        )),
    }
}

pub(crate) fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {dir:?}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect())
}

pub(crate) fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {from:?} to {to:?}: {e}"))
}

/// The host target triple, from `rustc -vV`.
pub(crate) fn host_triple() -> Result<String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV printed no host line".into())
}
