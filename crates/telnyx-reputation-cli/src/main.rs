//! `telnyx-reputation`: the command line over the `telnyx-reputation` facade.
//!
//! `main` parses, dispatches to `commands/` or `demo`, and turns a failure into a message
//! and an exit code (`exit`). Argument errors exit 2 through clap. No HTTP, validation or
//! retries here: those belong to the facade.

mod cli;
mod commands;
mod demo;
mod demo_monitor;
mod exit;
mod numbers_input;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::commands::{Context, block_on};
use crate::exit::{CliError, CliResult};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    if key_on_command_line(&matches) {
        eprintln!(
            "warning: --api-key on the command line is visible to other users (ps) and kept \
             in shell history; prefer TELNYX_API_KEY"
        );
    }
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}

fn run(cli: Cli) -> CliResult {
    let ctx = Context::new(cli.global.clone());
    match cli.command {
        Command::Demo(args) => block_on(demo::run(&cli.global, args)),
        Command::Emulator(c) => match c.action {
            None => block_on(serve_emulator(c.serve)),
            Some(cli::EmulatorAction::Trigger(args)) => {
                block_on(commands::emulator::trigger(&cli.global, args))
            }
        },
        Command::Terms(c) => block_on(commands::terms::run(&ctx, c)),
        Command::Enterprises(c) => block_on(commands::enterprises::run(&ctx, c)),
        Command::Documents(c) => block_on(commands::documents::run(&ctx, c)),
        Command::Reputation(c) => block_on(commands::reputation::run(&ctx, c)),
        Command::Loa(c) => block_on(commands::loa::run(&ctx, c)),
        Command::Numbers(c) => block_on(commands::numbers::run(&ctx, c)),
        Command::Remediation(c) => block_on(commands::remediation::run(&ctx, c)),
        Command::ExternalVerification(c) => block_on(commands::external_verification::run(&ctx, c)),
        Command::AccountNumbers(c) => block_on(commands::account_numbers::run(&ctx, c)),
        Command::Webhooks(c) => commands::webhooks::run(&ctx, c),
        Command::Monitor(c) => block_on(commands::monitor::run(&ctx, c)),
        Command::Listen(args) => block_on(commands::listen::run(args)),
        Command::Cost(c) => block_on(commands::cost::run(&ctx, c)),
    }
}

/// Whether `--api-key` was typed on the command line (at any subcommand level), as opposed
/// to read from `TELNYX_API_KEY`.
fn key_on_command_line(matches: &clap::ArgMatches) -> bool {
    let mut level = Some(matches);
    while let Some(m) = level {
        if m.try_contains_id("api_key").unwrap_or(false)
            && m.value_source("api_key") == Some(ValueSource::CommandLine)
        {
            return true;
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    false
}

/// Serve the emulator until Ctrl-C, printing its base URL and webhook public key first.
async fn serve_emulator(args: telnyx_reputation_emulator::EmulatorArgs) -> CliResult {
    let emulator = args.builder().start().await.map_err(|e| {
        CliError::other(format!("cannot listen on {}:{}: {e}", args.host, args.port))
    })?;
    // The same two lines as `telnyx-reputation-emulator` (its README promises both).
    println!("listening on {}", emulator.base_url());
    println!("webhook public key {}", emulator.webhook_public_key());
    std::io::stdout().flush()?;
    tokio::signal::ctrl_c().await?;
    emulator.shutdown().await;
    Ok(())
}
