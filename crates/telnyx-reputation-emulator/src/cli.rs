//! The emulator's command-line flags as a reusable `clap::Args` group, so the product CLI
//! can mount the same flags under its `emulator` subcommand.

use crate::admin_guard::AdminToken;
use crate::config::{ApprovalDelay, RateLimit};
use crate::server::{Emulator, EmulatorBuilder};

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

    /// Load this fixture scenario (JSON, or YAML when it ends .yaml/.yml: steps of API and admin
    /// requests, later steps referring to what earlier ones made) at start, as the account its
    /// api_key names.
    #[arg(long, value_name = "FILE")]
    pub fixtures: Option<std::path::PathBuf>,

    /// Require this token (header X-Emulator-Admin-Token) on every /_emulator call; needed to
    /// listen on a non-loopback address. Read from TELNYX_EMULATOR_ADMIN_TOKEN when not given
    /// (which keeps it out of the process list).
    #[arg(long, value_parser = parse_token, value_name = "TOKEN", hide_default_value = true)]
    pub admin_token: Option<AdminToken>,

    /// Also answer admin calls addressed (Host) to this name (repeatable); loopback names
    /// always are.
    #[arg(long = "admin-allow-host", value_name = "HOST")]
    pub admin_allow_hosts: Vec<String>,

    /// Hold at most this many accounts (distinct API keys) at once; a new key past it gets a 403.
    #[arg(long, default_value_t = crate::admin_guard::DEFAULT_MAX_ACCOUNTS, value_name = "N")]
    pub max_accounts: usize,

    /// Close connections that have not sent a complete request head within this time.
    #[arg(long, default_value = "10s", value_parser = parse_timeout, value_name = "DURATION")]
    pub header_read_timeout: std::time::Duration,

    /// How numbers' reputation drifts: `per-check` (redrawn at scheduled checks) or `timed`
    /// (the networks' view changes with time from the emulator's start; checks read it).
    #[arg(long, default_value = "per-check", value_parser = ["per-check", "timed"], value_name = "MODEL")]
    pub drift: String,

    /// Timed drift: the shortest time one draw of a number's data lasts, in hours.
    #[arg(long, default_value_t = 72, value_name = "HOURS")]
    pub drift_min_span_hours: u64,

    /// Timed drift: the longest time one draw of a number's data lasts, in hours.
    #[arg(long, default_value_t = 240, value_name = "HOURS")]
    pub drift_max_span_hours: u64,

    /// Timed drift: how long before a new risk label its scores show, in hours (0: together).
    #[arg(long, default_value_t = 24, value_name = "HOURS")]
    pub drift_score_lead_hours: u64,
}

/// The environment variable read for the admin token when `--admin-token` is not given.
pub const ADMIN_TOKEN_ENV: &str = "TELNYX_EMULATOR_ADMIN_TOKEN";

fn parse_token(s: &str) -> Result<AdminToken, String> {
    AdminToken::new(s)
}

fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    match s.parse::<ApprovalDelay>() {
        Ok(ApprovalDelay::After(d)) if !d.is_zero() => Ok(d),
        _ => Err(format!(
            "invalid timeout '{s}': expected a positive duration such as 10s or 500ms"
        )),
    }
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
    /// A builder configured from these flags (and `TELNYX_EMULATOR_ADMIN_TOKEN` when
    /// `--admin-token` is absent; an empty variable counts as unset).
    pub fn builder(&self) -> EmulatorBuilder {
        let mut builder = Emulator::builder()
            .host(self.host.clone())
            .port(self.port)
            .approval_delay(self.approval_delay)
            .seed(self.seed)
            .refresh_limit(self.refresh_rate_limit.0)
            .max_accounts(self.max_accounts)
            .header_read_timeout(self.header_read_timeout);
        if self.drift == "timed" {
            builder = builder.drift(crate::Drift::Timed(crate::TimedDrift::new(
                chrono::Utc::now(),
                self.drift_min_span_hours,
                self.drift_max_span_hours,
                self.drift_score_lead_hours,
            )));
        }
        let from_env = || {
            std::env::var(ADMIN_TOKEN_ENV)
                .ok()
                .and_then(|t| AdminToken::new(&t).ok())
        };
        if let Some(token) = self.admin_token.clone().or_else(from_env) {
            builder = builder.admin_token(token);
        }
        for host in &self.admin_allow_hosts {
            builder = builder.admin_allow_host(host.clone());
        }
        if let Some(key) = &self.webhook_key {
            builder = builder.webhook_key(key.0);
        }
        if let Some(path) = &self.state_file {
            builder = builder.state_file(path.clone());
        }
        if let Some(path) = &self.fixtures {
            builder = builder.fixtures(path.clone());
        }
        for host in &self.webhook_allow_hosts {
            builder = builder.webhook_allow_host(host.clone());
        }
        builder
    }
}
