//! The command line grammar (clap derive): global options and one subcommand group per
//! API area. Parsing only; what each command does lives in `commands/` and `demo.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use telnyx_reputation::Usd;

use crate::commands::{
    account_numbers::AccountNumbersCommand, cost::CostCommand, documents::DocumentsCommand,
    enterprises::EnterprisesCommand, external_verification::ExternalVerificationCommand,
    listen::ListenArgs, loa::LoaCommand, monitor::MonitorCommand, numbers::NumbersCommand,
    remediation::RemediationCommand, reputation::ReputationCommand, terms::TermsCommand,
    webhooks::WebhooksCommand,
};
use crate::demo::DemoArgs;
use crate::exit::EXIT_CODES_HELP;
use crate::output::Format;

/// The Telnyx Number Reputation API from the command line.
///
/// Start with `telnyx-reputation demo`: it runs the whole journey against an embedded
/// emulator, with no credentials.
#[derive(Parser, Debug)]
#[command(name = "telnyx-reputation", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Connection and output options, accepted before or after the subcommand.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Telnyx API key (never printed). Prefer the environment variable: a key on the
    /// command line is visible to other users in `ps` and kept in shell history.
    #[arg(long, env = "TELNYX_API_KEY", global = true, hide_env_values = true)]
    pub api_key: Option<String>,
    /// API base URL, e.g. an emulator's `http://127.0.0.1:4010/v2`.
    #[arg(long, env = "TELNYX_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Enterprise id for the enterprise-scoped commands.
    #[arg(long, env = "TELNYX_ENTERPRISE_ID", global = true)]
    pub enterprise: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,
    /// Refuse (exit 2, nothing sent) any request that would take this run past N billable
    /// units (numbers added, checks made, numbers remediated, enterprises enabled; a cached
    /// read of a number that may have no data counts as one check); bulk commands check
    /// their whole plan first. 0 allows none.
    #[arg(long, value_name = "N", global = true)]
    pub max_billable: Option<u64>,
    /// Refuse (exit 2, nothing sent) any request that would take this run past USD US
    /// dollars (e.g. `25.00`) at the price table (see `--prices`); bulk commands check their
    /// whole plan first, and an action whose price is unknown is refused under it.
    #[arg(long, value_name = "USD", global = true)]
    pub max_spend: Option<Usd>,
    /// Price overrides, a TOML or JSON file mapping an item (`monitoring`, `enable`,
    /// `numbers_added`, `live_lookups`, `refreshes`, `scheduled_refresh`, `remediations`)
    /// to its price: `live_lookups = "0.08"`, `numbers_added = "unknown"` or
    /// `remediations = { usd = "0.90", source = "our contract", read = "2027-01" }`.
    /// Items left out keep the published prices.
    #[arg(long, value_name = "FILE", global = true)]
    pub prices: Option<PathBuf>,
}

/// The subcommands, grouped like the API.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole journey against an embedded emulator (no credentials needed).
    Demo(DemoArgs),
    /// Serve the local emulator (same flags as `telnyx-reputation-emulator`), or fire an
    /// event on a running one (`emulator trigger`).
    Emulator(Box<EmulatorCommand>),
    /// Number Reputation terms of service.
    #[command(subcommand)]
    Terms(TermsCommand),
    /// Enterprises (the business that owns monitored numbers).
    #[command(subcommand)]
    Enterprises(EnterprisesCommand),
    /// Documents API (upload the signed LOA).
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// Reputation settings of an enterprise: enable, gates, frequency, webhook.
    #[command(subcommand)]
    Reputation(ReputationCommand),
    /// Letter of Authorization: render and replace.
    #[command(subcommand)]
    Loa(LoaCommand),
    /// Monitored numbers of an enterprise.
    #[command(subcommand)]
    Numbers(NumbersCommand),
    /// Remediation requests for flagged numbers.
    #[command(subcommand)]
    Remediation(RemediationCommand),
    /// External verification documents of an enterprise.
    #[command(subcommand, name = "external-verification")]
    ExternalVerification(ExternalVerificationCommand),
    /// Monitored numbers across every enterprise of the account.
    #[command(subcommand, name = "account-numbers")]
    AccountNumbers(AccountNumbersCommand),
    /// Webhook signature verification (local, no request).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Watch numbers over time: sync, history, changes, report (a local store).
    #[command(subcommand)]
    Monitor(MonitorCommand),
    /// Receive signed webhooks: verify, record once, print, optionally forward.
    Listen(ListenArgs),
    /// What the account costs: `cost forecast` (free calls only), `cost prices`.
    #[command(subcommand)]
    Cost(CostCommand),
}

/// Paging options of list commands.
#[derive(Args, Debug, Clone, Copy)]
pub struct PageArgs {
    /// Fetch only this page (1-based); without it every page is fetched.
    #[arg(long, value_name = "N")]
    pub page: Option<u32>,
    /// Page size (1..=250).
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
}

/// A JSON request body from a file or stdin.
#[derive(Args, Debug, Clone)]
pub struct JsonBody {
    /// JSON file with the request body (`-` for stdin).
    #[arg(long = "json", value_name = "PATH|-")]
    pub path: PathBuf,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// `emulator [FLAGS]` serves; `emulator trigger EVENT ...` fires an event on a running one.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EmulatorCommand {
    /// What to do instead of serving.
    #[command(subcommand)]
    pub action: Option<EmulatorAction>,
    /// How to serve.
    #[command(flatten)]
    pub serve: telnyx_reputation_emulator::EmulatorArgs,
}

/// Calls on a running emulator.
#[derive(Subcommand, Debug)]
pub enum EmulatorAction {
    /// Fire an event or state change for a number or enterprise of the account
    /// (`--api-key`/`TELNYX_API_KEY`) on the emulator at `--base-url` (default
    /// http://127.0.0.1:4010), through the path it takes when it happens by itself (webhook
    /// included). Prints what changed.
    Trigger(TriggerArgs),
}

/// `emulator trigger EVENT [--phone-number N] [--enterprise ID] ...`
#[derive(Args, Debug)]
pub struct TriggerArgs {
    /// The event.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(telnyx_reputation_emulator::TRIGGER_EVENTS))]
    pub event: String,
    /// The number (reputation.changed, number.flagged, number.removed).
    #[arg(long, value_name = "E164")]
    pub phone_number: Option<String>,
    /// The gate (gate.approved, gate.rejected).
    #[arg(long, value_parser = ["status", "loa_status"])]
    pub gate: Option<String>,
    /// The new status (external_verification.status_changed: approved|rejected;
    /// remediation.status_changed: in_progress|completed|failed|cancelled).
    #[arg(long)]
    pub status: Option<String>,
    /// The remediation request (remediation.status_changed).
    #[arg(long)]
    pub remediation_id: Option<String>,
    /// A rejection reason (repeatable; gate.rejected, external_verification.status_changed).
    #[arg(long = "rejection-reason", value_name = "TEXT")]
    pub rejection_reasons: Vec<String>,
    /// The new spam risk (reputation.changed).
    #[arg(long, value_parser = ["low", "medium", "high"])]
    pub spam_risk: Option<String>,
    /// The spam category (reputation.changed).
    #[arg(long)]
    pub spam_category: Option<String>,
    /// Any other field of the trigger body, as KEY=VALUE (VALUE read as JSON when it parses,
    /// else as text), e.g. `--set flag_reason=reverification_due` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
}
