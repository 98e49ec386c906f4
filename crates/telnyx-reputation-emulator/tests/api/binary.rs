//! The binary: prints its base URL once bound and exits cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Kills the child if the test fails before it stopped it.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(unix)]
#[tokio::test]
async fn binary_announces_its_url_and_stops_on_sigterm() {
    let mut child = Guard(
        Command::new(env!("CARGO_BIN_EXE_telnyx-reputation-emulator"))
            .args(["--port", "0", "--approval-delay", "manual", "--seed", "3"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("binary starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announcement")
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v2"),
        "{url}"
    );

    let admin = url.replace("/v2", "/_emulator/health");
    let health: serde_json::Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(admin)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(health["approval_delay"], "manual");
    assert_eq!(health["seed"], 3);

    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.0.wait().expect("binary exits");
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
}

#[test]
fn bad_flags_are_rejected() {
    let output = Command::new(env!("CARGO_BIN_EXE_telnyx-reputation-emulator"))
        .args(["--approval-delay", "soon"])
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid delay"));
}

#[test]
fn binary_refuses_a_non_loopback_address_without_an_admin_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_telnyx-reputation-emulator"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .env_remove("TELNYX_EMULATOR_ADMIN_TOKEN")
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0") && stderr.contains("--admin-token"),
        "{stderr}"
    );
}
