//! `numbers`: an enterprise's monitored numbers — add and refresh in atomic batches of 100
//! with a per-batch report, list, get (cached or fresh), remove, and ownership.

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use telnyx_reputation::{
    Amount, BatchFailure, BulkAddOptions, Client, Error, NumberOwnership, PhoneNumber,
    RefreshResult, ReputationNumber,
};

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::exit::{CliError, CliResult, class_of};
use crate::numbers_input::{NumberSource, Numbers, Origin, Rejected};
use crate::output::{Cell, View, cell, opt, opt_time};

/// Monitored-number operations.
#[derive(Subcommand, Debug)]
pub enum NumbersCommand {
    /// Register numbers for monitoring (billable), in atomic batches of 100.
    Add(BulkArgs),
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
        /// With --fresh: print the billable request instead of sending it.
        #[arg(long, requires = "fresh")]
        dry_run: bool,
    },
    /// Stop monitoring a number.
    Remove {
        /// The number, E.164.
        number: String,
    },
    /// Force live refreshes (billable), in batches of 100.
    Refresh(BulkArgs),
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

/// The numbers of a bulk, billable command and its dry-run switch.
#[derive(Args, Debug, Clone)]
pub struct BulkArgs {
    #[command(flatten)]
    pub source: NumberSource,
    /// Print the requests that would be sent and billed, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Run a `numbers` subcommand.
pub async fn run(ctx: &Context, command: NumbersCommand) -> CliResult {
    let client = ctx.client()?;
    let numbers = client.reputation(ctx.enterprise_id()?).numbers();
    let view = match command {
        NumbersCommand::Add(args) => {
            let input = read_numbers(&args.source)?;
            if args.dry_run {
                return dry_run(ctx, "numbers.add", &input);
            }
            let bar = progress(&input, "adding");
            let report = numbers
                .add_all_with_progress(valid(&input), BulkAddOptions::default(), |p| {
                    bar.inc(p.numbers as u64)
                })
                .await;
            bar.finish_and_clear();
            let report = report?;
            let batches = outcomes(&input, &report.failed, |_| "added".to_owned());
            return finish(ctx, &client, &input, &batches);
        }
        NumbersCommand::Refresh(args) => {
            let input = read_numbers(&args.source)?;
            if args.dry_run {
                return dry_run(ctx, "numbers.refresh", &input);
            }
            let bar = progress(&input, "refreshing");
            let report = numbers
                .refresh_all_with_progress(valid(&input), BulkAddOptions::default(), |p| {
                    bar.inc(p.numbers as u64)
                })
                .await;
            bar.finish_and_clear();
            let report = report?;
            if report.failed.is_empty() && input.rejected.is_empty() {
                refresh_view(&report.results).print(ctx.format())?;
                billable_summary(&client);
                return Ok(());
            }
            let results = &report.results;
            let batches = outcomes(&input, &report.failed, |numbers| {
                let ok = results
                    .iter()
                    .filter(|r| r.success && numbers.contains(&r.phone_number.as_str()))
                    .count();
                format!("{ok} refreshed, {} failed", numbers.len() - ok)
            });
            return finish(ctx, &client, &input, &batches);
        }
        NumbersCommand::List { contains, paging } => {
            let mut pager = numbers.list();
            if let Some(digits) = contains {
                pager = pager.phone_number_contains(digits);
            }
            numbers_view(&fetch(pager, paging).await?)
        }
        NumbersCommand::Get {
            number,
            fresh,
            dry_run: plan,
        } => {
            if plan {
                PhoneNumber::parse(&number)?;
                return single_dry_run(ctx, "numbers.get_fresh", &number);
            }
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

fn valid(input: &Numbers<PhoneNumber>) -> Vec<&str> {
    input.valid.iter().map(|(_, n)| n.as_str()).collect()
}

/// A progress bar over the valid numbers, on stderr (hidden when not a terminal).
fn progress(input: &Numbers<PhoneNumber>, verb: &str) -> ProgressBar {
    let bar = ProgressBar::new(input.valid.len() as u64).with_message(verb.to_owned());
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} numbers")
            .expect("static template"),
    );
    bar
}

/// Read and validate numbers before any request: every rejected entry is listed on stderr,
/// and so is every repeat (sent once). Any invalid entry stops here with exit 2 unless
/// `--skip-invalid`, which says how many it skips.
pub fn read_numbers(source: &NumberSource) -> CliResult<Numbers<PhoneNumber>> {
    let input = source.read(|text| {
        PhoneNumber::parse(text).map_err(|e| match e {
            Error::InvalidInput { message, .. } => message,
            other => other.to_string(),
        })
    })?;
    for Rejected { origin, reason, .. } in &input.rejected {
        eprintln!("invalid {origin}: {reason}");
    }
    for d in &input.duplicates {
        eprintln!(
            "note: {} repeats {} ({}): sent once",
            d.origin, d.first, d.number
        );
    }
    if !input.rejected.is_empty() {
        if !source.skip_invalid {
            return Err(CliError::usage(format!(
                "{} invalid entries (listed above); nothing was sent. Fix them, or pass \
                 --skip-invalid to send the {} valid numbers",
                input.rejected.len(),
                input.valid.len()
            )));
        }
        eprintln!(
            "--skip-invalid: skipping {} invalid entries, sending {} valid numbers",
            input.rejected.len(),
            input.valid.len()
        );
    }
    if input.valid.is_empty() {
        return Err(CliError::usage("no valid phone numbers to send"));
    }
    Ok(input)
}

/// `--dry-run` of a bulk command: the requests it would send, one per batch of 100, with
/// what each bills (from the facade's operations table) and costs (at the price table,
/// `--prices`); nothing is sent.
fn dry_run(ctx: &Context, operation: &str, input: &Numbers<PhoneNumber>) -> CliResult {
    let op = telnyx_reputation::operation(operation).expect("a known operation");
    let prices = ctx.prices()?;
    let billed = op.billing().action();
    let action = billed.map_or_else(|| "free".to_owned(), |a| a.to_string());
    let cost_of = |units: usize| -> Amount {
        billed.map_or_else(Amount::default, |a| {
            prices.cost(a.price_item(), units as u64)
        })
    };
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    for (i, batch) in input.batches().enumerate() {
        let (first, last) = (batch[0].0, batch[batch.len() - 1].0);
        let cost = cost_of(batch.len());
        rows.push(vec![
            cell(format!("request {}", i + 1)),
            cell(format!("{} {}", op.method(), op.path())),
            cell(span(first, last)),
            cell(batch.len()),
            cell(&action),
            cell(&cost),
        ]);
        json_rows.push(json!({"request": i + 1, "method": op.method(), "path": op.path(), "from": first.to_string(), "to": last.to_string(), "numbers": batch.len(), "bills": action, "usd": cost}));
    }
    let requests = rows.len();
    let total = cost_of(input.valid.len());
    View::list(
        vec!["request", "endpoint", "input", "numbers", "bills", "cost"],
        rows,
        json!({"dry_run": true, "billable_requests": requests, "numbers": input.valid.len(), "usd": total, "requests": json_rows}),
    )
    .print(ctx.format())?;
    eprintln!(
        "dry run: would send {requests} billable requests ({action}, {} numbers), costing {total}; nothing was sent",
        input.valid.len()
    );
    Ok(())
}

/// `--dry-run` of a single billable request (one unit), with its cost at the price table.
pub fn single_dry_run(ctx: &Context, operation: &str, target: &str) -> CliResult {
    request_dry_run(ctx, operation, target, 1)
}

/// `--dry-run` of one billable request of `units` units (e.g. the numbers of a remediation
/// request), with its cost at the price table.
pub fn request_dry_run(ctx: &Context, operation: &str, target: &str, units: u64) -> CliResult {
    let op = telnyx_reputation::operation(operation).expect("a known operation");
    let billed = op.billing().action();
    let action = billed.map_or_else(|| "free".to_owned(), |a| a.to_string());
    let cost = match billed {
        Some(a) => ctx.prices()?.cost(a.price_item(), units),
        None => Amount::default(),
    };
    View::record(
        vec!["endpoint", "target", "bills", "units", "cost"],
        vec![
            cell(format!("{} {}", op.method(), op.path())),
            cell(target),
            cell(&action),
            cell(units),
            cell(&cost),
        ],
        json!({"dry_run": true, "billable_requests": 1, "method": op.method(), "path": op.path(), "target": target, "bills": action, "units": units, "usd": cost}),
    )
    .print(ctx.format())?;
    eprintln!(
        "dry run: would send 1 billable request ({action}), costing {cost}; nothing was sent"
    );
    Ok(())
}

/// The billable requests the command made and what they cost, on stderr.
pub fn billable_summary(client: &Client) {
    let usage = client.usage();
    let detail: Vec<String> = usage
        .actions
        .iter()
        .map(|(action, u)| format!("{action}: {} requests, {} units", u.requests, u.units))
        .collect();
    eprintln!(
        "billable requests made: {}{}, costing {}",
        usage.total_requests,
        if detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", detail.join("; "))
        },
        usage.usd
    );
}

/// Every batch of a bulk call with its outcome, rebuilt from the facade's report: batch `i`
/// holds the valid numbers `100 * i ..`, and failed unless absent from `failed`.
fn outcomes(
    input: &Numbers<PhoneNumber>,
    failed: &[BatchFailure],
    ok: impl Fn(&[&str]) -> String,
) -> Vec<Batch<String>> {
    input
        .batches()
        .enumerate()
        .map(|(i, batch)| {
            let numbers: Vec<&str> = batch.iter().map(|(_, n)| n.as_str()).collect();
            let result = match failed.iter().find(|f| f.batch_index == i) {
                Some(f) => Err(f.error.clone()),
                None => Ok(ok(&numbers)),
            };
            Batch {
                first: batch[0].0,
                last: batch[batch.len() - 1].0,
                count: batch.len(),
                result,
            }
        })
        .collect()
}

/// What happened to one batch.
pub struct Batch<T> {
    first: Origin,
    last: Origin,
    count: usize,
    result: Result<T, Error>,
}

/// Print the per-batch report and the billable requests made, then fail if a batch failed.
fn finish(
    ctx: &Context,
    client: &Client,
    input: &Numbers<PhoneNumber>,
    batches: &[Batch<String>],
) -> CliResult {
    batch_report(input, batches).print(ctx.format())?;
    billable_summary(client);
    let failed: Vec<&Error> = batches
        .iter()
        .filter_map(|b| b.result.as_ref().err())
        .collect();
    if let Some(first) = failed.first() {
        let unknown = failed.iter().filter(|e| e.outcome_unknown()).count();
        return Err(CliError::new(
            class_of(first),
            format!(
                "{} of {} batches failed (see the report; each batch is all-or-nothing){}{}",
                failed.len(),
                batches.len(),
                if unknown > 0 {
                    format!(
                        "; {unknown} of them have an unknown outcome (sent, answer lost): they \
                         may have been applied, so look their numbers up before resending"
                    )
                } else {
                    String::new()
                },
                if failed.len() < batches.len() {
                    "; the other batches were sent"
                } else {
                    ""
                }
            ),
        ));
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
fn batch_report(input: &Numbers<PhoneNumber>, batches: &[Batch<String>]) -> View {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut json_batches = Vec::new();
    for (i, b) in batches.iter().enumerate() {
        let (status, detail) = match &b.result {
            Ok(value) => ("ok", value.clone()),
            // Sent, answer lost: the batch may have been applied, so it is not "failed".
            Err(e) if e.outcome_unknown() => ("unknown", CliError::from(e.clone()).to_string()),
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
            cell("skipped"),
            cell(&r.reason),
        ]);
        json_invalid.push(json!({"at": r.origin.to_string(), "text": r.text, "reason": r.reason}));
    }
    let json_duplicates: Vec<_> = input
        .duplicates
        .iter()
        .map(|d| json!({"at": d.origin.to_string(), "first": d.first.to_string(), "number": d.number}))
        .collect();
    let sent: usize = batches
        .iter()
        .filter(|b| b.result.is_ok())
        .map(|b| b.count)
        .sum();
    View::list(
        vec!["item", "input", "count", "status", "detail"],
        rows,
        json!({"succeeded": sent, "failed": input.valid.len() - sent, "invalid": input.rejected.len(), "duplicates": input.duplicates.len(), "batches": json_batches, "invalid_entries": json_invalid, "duplicate_entries": json_duplicates}),
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
