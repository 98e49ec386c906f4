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
    // Listen for the signals before announcing the URL, so a SIGTERM sent as soon as the
    // URL is read always stops the emulator cleanly.
    let signal = signals();
    let mut stdout = std::io::stdout();
    // If stdout is closed there is nobody to tell; keep serving regardless.
    let _ = writeln!(stdout, "listening on {}", emulator.base_url());
    let _ = writeln!(
        stdout,
        "webhook public key {}",
        emulator.state().webhooks().public_key()
    );
    let _ = stdout.flush();
    signal.await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on SIGINT or SIGTERM; the handlers are installed when this is called.
#[cfg(unix)]
fn signals() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    async move {
        match (term, int) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

#[cfg(not(unix))]
fn signals() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
