//! `numbers`: an enterprise's monitored numbers — add and refresh in atomic batches of 100
//! with a per-batch report, list, get (cached or fresh), remove, and ownership.

use std::future::Future;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use telnyx_reputation::{Error, NumberOwnership, PhoneNumber, RefreshResult, ReputationNumber};

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::exit::{CliError, CliResult, class_of};
use crate::numbers_input::{NumberSource, Numbers, Origin, Rejected};
use crate::output::{Cell, View, cell, opt, opt_time};

/// Monitored-number operations.
#[derive(Subcommand, Debug)]
pub enum NumbersCommand {
    /// Register numbers for monitoring (billable), in atomic batches of 100.
    Add(NumberSource),
    /// List monitored numbers with their latest reputation.
    List {
        /// Only numbers containing these digits.
        #[arg(long)]
        contains: Option<String>,
        #[command(flatten)]
        paging: PageArgs,
    },
    /// Show one number's reputation (cached; --fresh for a live, billed lookup).
    Get {
        /// The number, E.164.
        number: String,
        /// Live lookup (billed).
        #[arg(long)]
        fresh: bool,
    },
    /// Stop monitoring a number.
    Remove {
        /// The number, E.164.
        number: String,
    },
    /// Force live refreshes (billable), in batches of 100.
    Refresh(NumberSource),
    /// Show a number's ownership record.
    Ownership {
        /// The number, E.164.
        number: String,
    },
    /// Confirm (or deny) that you still own a flagged number.
    ConfirmOwnership {
        /// The number, E.164.
        number: String,
        /// true if you still own the number, false if not.
        #[arg(long, action = clap::ArgAction::Set)]
        still_own: bool,
        /// Uploaded evidence document id.
        #[arg(long)]
        evidence_document_id: Option<String>,
    },
}

/// Run a `numbers` subcommand.
pub async fn run(ctx: &Context, command: NumbersCommand) -> CliResult {
    let numbers = ctx.reputation()?.numbers();
    let view = match command {
        NumbersCommand::Add(source) => {
            let input = read_numbers(&source)?;
            let batches = send_batches(&input, "adding", |batch| numbers.add(batch)).await;
            return finish(ctx, &input, &batches, |_| "added".to_owned());
        }
        NumbersCommand::Refresh(source) => {
            let input = read_numbers(&source)?;
            let batches = send_batches(&input, "refreshing", |batch| numbers.refresh(batch)).await;
            if batches.iter().all(|b| b.result.is_ok()) && input.rejected.is_empty() {
                let results: Vec<RefreshResult> = batches
                    .into_iter()
                    .filter_map(|b| b.result.ok())
                    .flat_map(|o| o.results)
                    .collect();
                return Ok(refresh_view(&results).print(ctx.format())?);
            }
            return finish(ctx, &input, &batches, |o| {
                format!(
                    "{} refreshed, {} failed",
                    o.total_successful, o.total_failed
                )
            });
        }
        NumbersCommand::List { contains, paging } => {
            let mut pager = numbers.list();
            if let Some(digits) = contains {
                pager = pager.phone_number_contains(digits);
            }
            numbers_view(&fetch(pager, paging).await?)
        }
        NumbersCommand::Get { number, fresh } => {
            let n = if fresh {
                numbers.get_fresh(&number).await?
            } else {
                numbers.get(&number).await?
            };
            number_view(&n)
        }
        NumbersCommand::Remove { number } => {
            numbers.remove(&number).await?;
            removed_view(&number)
        }
        NumbersCommand::Ownership { number } => ownership_view(&numbers.ownership(&number).await?),
        NumbersCommand::ConfirmOwnership {
            number,
            still_own,
            evidence_document_id,
        } => number_view(
            &numbers
                .confirm_ownership(&number, still_own, evidence_document_id.as_deref())
                .await?,
        ),
    };
    Ok(view.print(ctx.format())?)
}

/// Read and validate numbers, listing every rejected entry on stderr before any request.
pub fn read_numbers(source: &NumberSource) -> CliResult<Numbers<PhoneNumber>> {
    let input = source.read(|text| {
        PhoneNumber::parse(text).map_err(|e| match e {
            Error::InvalidInput { message } => message,
            other => other.to_string(),
        })
    })?;
    for Rejected { origin, reason, .. } in &input.rejected {
        eprintln!("invalid {origin}: {reason}");
    }
    Ok(input)
}

/// What happened to one batch.
pub struct Batch<T> {
    first: Origin,
    last: Origin,
    count: usize,
    result: Result<T, Error>,
}

/// Send every batch in order, with a progress bar on stderr (hidden when not a terminal).
/// A failed batch does not stop the others: batches are atomic and independent.
pub async fn send_batches<'a, T, F, Fut>(
    input: &'a Numbers<PhoneNumber>,
    verb: &str,
    send: F,
) -> Vec<Batch<T>>
where
    F: Fn(Vec<&'a str>) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let bar = ProgressBar::new(input.valid.len() as u64).with_message(verb.to_owned());
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} numbers")
            .expect("static template"),
    );
    let mut outcomes = Vec::new();
    for batch in input.batches() {
        let numbers: Vec<&str> = batch.iter().map(|(_, n)| n.as_str()).collect();
        let result = send(numbers).await;
        bar.inc(batch.len() as u64);
        outcomes.push(Batch {
            first: batch[0].0,
            last: batch[batch.len() - 1].0,
            count: batch.len(),
            result,
        });
    }
    bar.finish_and_clear();
    outcomes
}

/// Print the per-batch report, then fail if a batch failed or an entry was invalid.
fn finish<T>(
    ctx: &Context,
    input: &Numbers<PhoneNumber>,
    batches: &[Batch<T>],
    ok: impl Fn(&T) -> String,
) -> CliResult {
    batch_report(input, batches, ok).print(ctx.format())?;
    let failed: Vec<&Error> = batches
        .iter()
        .filter_map(|b| b.result.as_ref().err())
        .collect();
    if let Some(first) = failed.first() {
        return Err(CliError::new(
            class_of(first),
            format!(
                "{} of {} batches failed (see the report; each batch is all-or-nothing){}",
                failed.len(),
                batches.len(),
                if failed.len() < batches.len() {
                    "; the other batches were sent"
                } else {
                    ""
                }
            ),
        ));
    }
    if !input.rejected.is_empty() {
        return Err(CliError::usage(format!(
            "{} invalid entries were not sent (listed above); the {} valid numbers were",
            input.rejected.len(),
            input.valid.len()
        )));
    }
    Ok(())
}

fn span(first: Origin, last: Origin) -> String {
    match (first, last) {
        (Origin::Line(a), Origin::Line(b)) if a == b => format!("line {a}"),
        (Origin::Line(a), Origin::Line(b)) => format!("lines {a}-{b}"),
        (Origin::Argument(a), Origin::Argument(b)) if a == b => format!("argument {a}"),
        (Origin::Argument(a), Origin::Argument(b)) => format!("arguments {a}-{b}"),
        (a, b) => format!("{a} to {b}"),
    }
}

/// One row per batch and one per invalid entry.
fn batch_report<T>(
    input: &Numbers<PhoneNumber>,
    batches: &[Batch<T>],
    ok: impl Fn(&T) -> String,
) -> View {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut json_batches = Vec::new();
    for (i, b) in batches.iter().enumerate() {
        let (status, detail) = match &b.result {
            Ok(value) => ("ok", ok(value)),
            Err(e) => ("failed", CliError::from(e.clone()).to_string()),
        };
        rows.push(vec![
            cell(format!("batch {}", i + 1)),
            cell(span(b.first, b.last)),
            cell(b.count),
            cell(status),
            cell(&detail),
        ]);
        json_batches.push(json!({"batch": i + 1, "from": b.first.to_string(), "to": b.last.to_string(), "count": b.count, "status": status, "detail": detail}));
    }
    let mut json_invalid = Vec::new();
    for r in &input.rejected {
        rows.push(vec![
            cell("invalid"),
            cell(r.origin),
            cell(1),
            cell("not sent"),
            cell(&r.reason),
        ]);
        json_invalid.push(json!({"at": r.origin.to_string(), "text": r.text, "reason": r.reason}));
    }
    let sent: usize = batches
        .iter()
        .filter(|b| b.result.is_ok())
        .map(|b| b.count)
        .sum();
    View::list(
        vec!["item", "input", "count", "status", "detail"],
        rows,
        json!({"succeeded": sent, "failed": input.valid.len() - sent, "invalid": input.rejected.len(), "batches": json_batches, "invalid_entries": json_invalid}),
    )
}

/// The columns of a number's reputation (spam risk, the four scores, category).
pub const NUMBER_COLUMNS: [&str; 8] = [
    "phone_number",
    "spam_risk",
    "maturity",
    "connection",
    "engagement",
    "sentiment",
    "spam_category",
    "last_refreshed_at",
];

fn number_row(n: &ReputationNumber) -> Vec<Cell> {
    let d = n.reputation_data.clone().unwrap_or_default();
    vec![
        cell(&n.phone_number),
        opt(d.spam_risk.as_ref()),
        opt(d.maturity_score),
        opt(d.connection_score),
        opt(d.engagement_score),
        opt(d.sentiment_score),
        opt(d.spam_category.as_ref()),
        opt_time(d.last_refreshed_at),
    ]
}

/// Numbers with their reputation, one row each.
pub fn numbers_view(items: &[ReputationNumber]) -> View {
    View::list(
        NUMBER_COLUMNS.to_vec(),
        items.iter().map(number_row).collect(),
        View::json_of(&items),
    )
}

/// One number with its reputation.
pub fn number_view(n: &ReputationNumber) -> View {
    View::record(NUMBER_COLUMNS.to_vec(), number_row(n), View::json_of(n))
}

/// The confirmation that a number was removed.
pub fn removed_view(number: &str) -> View {
    View::record(
        vec!["phone_number", "removed"],
        vec![cell(number), cell(true)],
        json!({"phone_number": number, "removed": true}),
    )
}

fn refresh_view(results: &[RefreshResult]) -> View {
    View::list(
        vec!["phone_number", "success", "error"],
        results
            .iter()
            .map(|r| {
                vec![
                    cell(&r.phone_number),
                    cell(r.success),
                    opt(r.error.as_ref()),
                ]
            })
            .collect(),
        View::json_of(&results),
    )
}

fn ownership_view(o: &NumberOwnership) -> View {
    View::record(
        vec![
            "phone_number",
            "source",
            "ownership_status",
            "flag_reason",
            "confirm_by",
            "baseline_carrier",
            "last_checked_at",
        ],
        vec![
            opt(o.phone_number.as_ref()),
            opt(o.source.as_ref()),
            opt(o.ownership_status.as_ref()),
            opt(o.flag_reason.as_ref()),
            opt_time(o.confirm_by),
            opt(o.baseline_carrier.as_ref()),
            opt_time(o.last_checked_at),
        ],
        View::json_of(o),
    )
}
