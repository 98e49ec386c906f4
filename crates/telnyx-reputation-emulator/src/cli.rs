//! The emulator's command-line flags as a reusable `clap::Args` group, so the product CLI
//! can mount the same flags under its `emulator` subcommand.

use crate::server::{Emulator, EmulatorBuilder};
use crate::state::ApprovalDelay;

/// `[--host 127.0.0.1] [--port 4010] [--approval-delay 2s|0s|500ms|manual] [--seed N]`
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 picks a free port.
    #[arg(long, default_value_t = 4010)]
    pub port: u16,

    /// How long approval gates, external verification and each remediation
    /// stage take: e.g. 2s, 500ms, 0s, or `manual` to wait for the admin API.
    #[arg(long, default_value = "2s", value_parser = parse_delay)]
    pub approval_delay: ApprovalDelay,

    /// Seed for the deterministic reputation data and ids.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

fn parse_delay(s: &str) -> Result<ApprovalDelay, String> {
    s.parse()
}

impl EmulatorArgs {
    /// A builder configured from these flags.
    pub fn builder(&self) -> EmulatorBuilder {
        Emulator::builder()
            .host(self.host.clone())
            .port(self.port)
            .approval_delay(self.approval_delay)
            .seed(self.seed)
    }
}
