//! Headless Chromium for the dashboard's browser tests: Debian's `chromium` and
//! `chromium-driver` packages (`/usr/bin/chromium`, `/usr/bin/chromedriver`), installed with
//! apt-get when missing, as `postgres.rs` installs PostgreSQL. The test starts the driver
//! itself on a free loopback port; this module only makes sure both binaries exist and
//! names them in the variables the test reads.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::pipeline::run_command;

/// The variable naming the chromedriver binary (the browser test fails under CI without it).
pub const DRIVER_VAR: &str = "TELNYX_REPUTATION_TEST_CHROMEDRIVER";
/// The variable naming the Chromium binary.
pub const BROWSER_VAR: &str = "TELNYX_REPUTATION_TEST_CHROMIUM";

const DRIVER: &str = "/usr/bin/chromedriver";
const BROWSER: &str = "/usr/bin/chromium";

/// The driver and browser, installed first when either is missing.
pub fn ensure() -> Result<(PathBuf, PathBuf)> {
    let (driver, browser) = (PathBuf::from(DRIVER), PathBuf::from(BROWSER));
    if !(driver.exists() && browser.exists()) {
        install()?;
        for path in [&driver, &browser] {
            if !path.exists() {
                return Err(format!(
                    "apt-get installed chromium and chromium-driver but {} does not exist",
                    path.display()
                ));
            }
        }
    }
    Ok((driver, browser))
}

/// The environment the browser test reads.
pub fn env() -> Result<Vec<(&'static str, String)>> {
    let (driver, browser) = ensure()?;
    Ok(vec![
        (DRIVER_VAR, driver.display().to_string()),
        (BROWSER_VAR, browser.display().to_string()),
    ])
}

fn install() -> Result {
    println!("    Chromium is not installed: apt-get install -y chromium chromium-driver");
    if !is_root()? {
        return Err("Chromium is missing and installing it needs root: run `apt-get install -y chromium chromium-driver`".into());
    }
    run_command(Command::new("apt-get").arg("update"))?;
    run_command(
        Command::new("apt-get")
            .args([
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn is_root() -> Result<bool> {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run id -u: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// `cargo xtask with-chromium CMD...`: run a command with [`DRIVER_VAR`] and [`BROWSER_VAR`]
/// set (installing the packages first when missing).
pub fn run_with(root: &Path, command: &[&str]) -> Result {
    let (program, args) = command
        .split_first()
        .ok_or("usage: cargo xtask with-chromium CMD [ARGS...]")?;
    let env = env()?;
    run_command(
        Command::new(program)
            .args(args)
            .current_dir(root)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str()))),
    )
}
