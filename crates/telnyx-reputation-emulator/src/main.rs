//! `telnyx-reputation-emulator`: run the emulator until SIGINT or SIGTERM.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use telnyx_reputation_emulator::EmulatorArgs;

/// Stateful local emulator of the Telnyx Number Reputation API.
#[derive(Debug, Parser)]
#[command(name = "telnyx-reputation-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let emulator = match cli.args.builder().start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!(
                "telnyx-reputation-emulator: cannot start on {}:{}: {e}",
                cli.args.host, cli.args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    // If stdout is closed there is nobody to tell; keep serving regardless.
    let _ = writeln!(stdout, "listening on {}", emulator.base_url());
    let _ = writeln!(
        stdout,
        "webhook public key {}",
        emulator.state().webhooks().public_key()
    );
    let _ = stdout.flush();
    wait_for_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
