//! `remediation`: submit flagged numbers for re-evaluation, follow a request, list requests.

use std::time::Duration;

use clap::Subcommand;
use futures::StreamExt;
use telnyx_reputation::{
    Remediation, RemediationRequest, RemediationStatus, RemediationSummary, WaitOptions,
};

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::commands::numbers::read_numbers;
use crate::exit::{CliError, CliResult};
use crate::numbers_input::NumberSource;
use crate::output::{View, cell, opt, time};

/// Remediation operations.
#[derive(Subcommand, Debug)]
pub enum RemediationCommand {
    /// Submit 1 to 2,000 numbers for re-evaluation.
    Submit {
        #[command(flatten)]
        numbers: NumberSource,
        /// How the numbers are used (1 to 2,000 characters).
        #[arg(long)]
        call_purpose: String,
        /// Contact email for this request.
        #[arg(long)]
        contact_email: Option<String>,
        /// https:// URL for status notifications.
        #[arg(long)]
        webhook_url: Option<String>,
        /// Poll the request until it reaches a final status.
        #[arg(long)]
        wait: bool,
    },
    /// Show one request with its per-number results.
    Get {
        /// The remediation request id.
        id: String,
        /// Poll until the request reaches a final status.
        #[arg(long)]
        wait: bool,
    },
    /// List requests (slim shape).
    List {
        /// pending, in_progress, completed, failed or cancelled.
        #[arg(long)]
        status: Option<RemediationStatus>,
        #[command(flatten)]
        paging: PageArgs,
    },
}

/// Run a `remediation` subcommand.
pub async fn run(ctx: &Context, command: RemediationCommand) -> CliResult {
    let remediation = ctx.reputation()?.remediation();
    let view = match command {
        RemediationCommand::Submit {
            numbers,
            call_purpose,
            contact_email,
            webhook_url,
            wait,
        } => {
            let input = read_numbers(&numbers)?;
            let mut request =
                RemediationRequest::new(input.valid.iter().map(|(_, n)| n.as_str()), call_purpose);
            request.contact_email = contact_email;
            request.webhook_url = webhook_url;
            let submitted = remediation.submit(request).await?;
            let done = if wait {
                follow(&remediation, &submitted.id, |_| {}).await?
            } else {
                submitted
            };
            remediation_view(&done)
        }
        RemediationCommand::Get { id, wait } => {
            let request = if wait {
                follow(&remediation, &id, |_| {}).await?
            } else {
                remediation.get(id).await?
            };
            remediation_view(&request)
        }
        RemediationCommand::List { status, paging } => {
            let mut pager = remediation.list();
            if let Some(status) = status {
                pager = pager.status(status);
            }
            summaries_view(&fetch(pager, paging).await?)
        }
    };
    Ok(view.print(ctx.format())?)
}

/// Poll a request every half second until its status is final, reporting each new status.
pub async fn follow(
    remediation: &telnyx_reputation::Remediations,
    id: &str,
    mut on_status: impl FnMut(&RemediationStatus),
) -> CliResult<Remediation> {
    let options = WaitOptions {
        interval: Duration::from_millis(500),
        timeout: Duration::from_secs(600),
    };
    let mut changes = std::pin::pin!(remediation.watch(id, options));
    let mut last = None;
    while let Some(change) = changes.next().await {
        let request = change?;
        on_status(&request.status);
        last = Some(request);
    }
    last.ok_or_else(|| CliError::other(format!("remediation {id} was never read")))
}

fn bucket(results: Option<&Vec<String>>) -> Option<String> {
    results.map(|numbers| numbers.join(" "))
}

/// One request with its result buckets.
pub fn remediation_view(r: &Remediation) -> View {
    let results = r.results.as_ref();
    View::record(
        vec![
            "id",
            "status",
            "phone_numbers_count",
            "phone_numbers_submitted",
            "phone_numbers_ineligible",
            "remediated",
            "not_flagged",
            "requires_review",
            "ineligible",
            "refused",
            "created_at",
        ],
        vec![
            cell(&r.id),
            cell(&r.status),
            cell(r.phone_numbers_count),
            cell(r.phone_numbers_submitted),
            cell(r.phone_numbers_ineligible),
            bucket(results.map(|x| &x.remediated)),
            bucket(results.map(|x| &x.not_flagged)),
            bucket(results.map(|x| &x.requires_review)),
            bucket(results.map(|x| &x.ineligible)),
            bucket(results.map(|x| &x.refused)),
            time(r.created_at),
        ],
        View::json_of(r),
    )
}

fn summaries_view(items: &[RemediationSummary]) -> View {
    View::list(
        vec![
            "id",
            "status",
            "phone_numbers_count",
            "call_purpose",
            "tier2_completed_at",
            "created_at",
        ],
        items
            .iter()
            .map(|r| {
                vec![
                    cell(&r.id),
                    cell(&r.status),
                    cell(r.phone_numbers_count),
                    cell(&r.call_purpose),
                    opt(r.tier2_completed_at),
                    time(r.created_at),
                ]
            })
            .collect(),
        View::json_of(&items),
    )
}
