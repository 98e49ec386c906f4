//! `reputation`: an enterprise's settings — enable, disable, frequency, webhook, and waiting
//! for both approval gates.

use std::time::Duration;

use clap::Subcommand;
use telnyx_reputation::{CheckFrequency, ReputationSettings, WaitOptions};

use super::Context;
use crate::exit::CliResult;
use crate::output::{View, cell, opt, time};

/// Reputation settings operations.
#[derive(Subcommand, Debug)]
pub enum ReputationCommand {
    /// Show the settings and both approval gates.
    Settings,
    /// Enable Number Reputation with the signed LOA's document id (billable).
    Enable {
        /// Document id of the uploaded, signed LOA.
        #[arg(long)]
        loa_document_id: String,
        /// business_daily (the default), daily, weekly, biweekly, monthly or never.
        #[arg(long)]
        frequency: Option<CheckFrequency>,
        /// Print the billable request instead of sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Disable Number Reputation (de-registers every number).
    Disable,
    /// Change the auto-refresh frequency.
    Frequency {
        /// business_daily, daily, weekly, biweekly, monthly or never.
        frequency: CheckFrequency,
    },
    /// Set the webhook URL for reputation events, or clear it with --clear.
    Webhook {
        /// An https:// URL, or http:// to a loopback host (a local receiver, the emulator).
        #[arg(required_unless_present = "clear")]
        url: Option<String>,
        /// Remove the webhook URL.
        #[arg(long, conflicts_with = "url")]
        clear: bool,
    },
    /// Poll until both gates (status and loa_status) are approved.
    Wait {
        /// Seconds between polls.
        #[arg(long, default_value_t = 2.0)]
        interval: f64,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 600.0)]
        timeout: f64,
    },
}

/// Run a `reputation` subcommand.
pub async fn run(ctx: &Context, command: ReputationCommand) -> CliResult {
    let rep = ctx.reputation()?;
    let settings = match command {
        ReputationCommand::Settings => rep.settings().await?,
        ReputationCommand::Enable {
            loa_document_id,
            frequency,
            dry_run,
        } => {
            if dry_run {
                let frequency = frequency.unwrap_or(CheckFrequency::BusinessDaily);
                let target = format!(
                    "enterprise {}, loa_document_id {loa_document_id}, check_frequency {frequency}",
                    rep.enterprise_id()
                );
                return crate::commands::numbers::single_dry_run(ctx, "reputation.enable", &target);
            }
            rep.enable(loa_document_id, frequency).await?
        }
        ReputationCommand::Disable => {
            rep.disable().await?;
            let id = rep.enterprise_id().to_owned();
            let view = View::record(
                vec!["enterprise_id", "disabled"],
                vec![cell(&id), cell(true)],
                serde_json::json!({"enterprise_id": id, "disabled": true}),
            );
            return Ok(view.print(ctx.format())?);
        }
        ReputationCommand::Frequency { frequency } => rep.set_frequency(frequency).await?,
        ReputationCommand::Webhook { url, .. } => rep.set_webhook(url.as_deref()).await?,
        ReputationCommand::Wait { interval, timeout } => {
            let options = WaitOptions {
                interval: seconds(interval),
                timeout: seconds(timeout),
            };
            rep.wait_until_approved(options).await?
        }
    };
    Ok(settings_view(&settings).print(ctx.format())?)
}

fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or(Duration::ZERO)
}

/// The settings with both gates.
pub fn settings_view(s: &ReputationSettings) -> View {
    View::record(
        vec![
            "enterprise_id",
            "status",
            "loa_status",
            "check_frequency",
            "loa_document_id",
            "rejection_reasons",
            "webhook_url",
            "updated_at",
        ],
        vec![
            cell(&s.enterprise_id),
            cell(&s.status),
            cell(&s.loa_status),
            cell(&s.check_frequency),
            opt(s.loa_document_id.as_ref()),
            (!s.rejection_reasons.is_empty()).then(|| s.rejection_reasons.join("; ")),
            opt(s.webhook_url.as_ref()),
            time(s.updated_at),
        ],
        View::json_of(s),
    )
}
