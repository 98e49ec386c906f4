//! The emulator's command-line flags as a reusable `clap::Args` group, so the product CLI
//! can mount the same flags under its `emulator` subcommand.

use crate::server::{Emulator, EmulatorBuilder};
use crate::state::{ApprovalDelay, RateLimit};

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

    /// Seed for the deterministic reputation data and ids (and the webhook key pair).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Sign webhooks with this Ed25519 secret (base64 of 32 bytes) instead of the key
    /// derived from --seed.
    #[arg(long, value_parser = parse_key, value_name = "BASE64")]
    pub webhook_key: Option<WebhookKey>,

    /// Also deliver webhooks to this host (repeatable); loopback is always allowed.
    #[arg(long = "webhook-allow-host", value_name = "HOST")]
    pub webhook_allow_hosts: Vec<String>,

    /// Per-enterprise limit on refresh requests: N/DURATION (e.g. 60/1m, 5/10s) or `off`.
    #[arg(long, default_value = "60/1m", value_parser = parse_limit, value_name = "N/DURATION")]
    pub refresh_rate_limit: Limit,

    /// Keep state in this JSON file: loaded at start, saved atomically after changes and on
    /// SIGINT/SIGTERM.
    #[arg(long, value_name = "PATH")]
    pub state_file: Option<std::path::PathBuf>,
}

/// A parsed `--webhook-key` (its Debug never shows the secret).
#[derive(Clone)]
pub struct WebhookKey(pub [u8; 32]);

impl std::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookKey([redacted])")
    }
}

/// A parsed `--refresh-rate-limit` (`off` is `None`).
#[derive(Debug, Clone, Copy)]
pub struct Limit(pub Option<RateLimit>);

fn parse_limit(s: &str) -> Result<Limit, String> {
    if s.trim().eq_ignore_ascii_case("off") {
        Ok(Limit(None))
    } else {
        s.parse().map(|l| Limit(Some(l)))
    }
}

fn parse_key(s: &str) -> Result<WebhookKey, String> {
    crate::webhooks::WebhookSettings::parse_secret(s).map(WebhookKey)
}

fn parse_delay(s: &str) -> Result<ApprovalDelay, String> {
    s.parse()
}

impl EmulatorArgs {
    /// A builder configured from these flags.
    pub fn builder(&self) -> EmulatorBuilder {
        let mut builder = Emulator::builder()
            .host(self.host.clone())
            .port(self.port)
            .approval_delay(self.approval_delay)
            .seed(self.seed)
            .refresh_limit(self.refresh_rate_limit.0);
        if let Some(key) = &self.webhook_key {
            builder = builder.webhook_key(key.0);
        }
        if let Some(path) = &self.state_file {
            builder = builder.state_file(path.clone());
        }
        for host in &self.webhook_allow_hosts {
            builder = builder.webhook_allow_host(host.clone());
        }
        builder
    }
}
