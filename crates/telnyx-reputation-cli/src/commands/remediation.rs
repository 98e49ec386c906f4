//! `remediation`: submit flagged numbers for re-evaluation, follow a request, list requests.

use std::time::Duration;

use std::time::Instant;

use clap::{Args, Subcommand};
use telnyx_reputation::{Remediation, RemediationRequest, RemediationStatus, RemediationSummary};

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::commands::numbers::{read_numbers, request_dry_run};
use crate::exit::{Class, CliError, CliResult};
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
        /// URL for status notifications: https://, or http:// to a loopback host.
        #[arg(long)]
        webhook_url: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
        /// Print the request and what it would cost ($1.00 a number at the published
        /// prices); send nothing.
        #[arg(long, conflicts_with = "wait")]
        dry_run: bool,
        /// Also record the request in the monitor's store (--store), which follows it to
        /// its outcome (`monitor remediations`, `monitor serve`). Refused, before anything is
        /// sent, when a number is already in an open request the store follows.
        #[arg(long, conflicts_with = "dry_run")]
        record: bool,
        #[command(flatten)]
        store: crate::commands::monitor::StoreArgs,
    },
    /// Show one request with its per-number results.
    Get {
        /// The remediation request id.
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
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

/// How `--wait` polls a request. A real remediation takes hours (the documentation's example
/// about 1.5 h), so the default is patient: a first poll after 30 s, each interval 1.5 times
/// the last up to 10 minutes, and a 6 h limit.
#[derive(Args, Debug, Clone, Copy)]
pub struct WaitArgs {
    /// Poll the request until it reaches a final status.
    #[arg(long)]
    pub wait: bool,
    /// First interval between polls, e.g. 30s, 2m (grows 1.5x per poll, at most 10m).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub interval: Duration,
    /// Stop waiting after this long, e.g. 90m, 6h: exit 6, the request keeps running.
    #[arg(long, value_name = "DURATION", default_value = "6h", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// The polling schedule of [`follow`].
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// First interval.
    pub interval: Duration,
    /// Longest interval.
    pub max_interval: Duration,
    /// Give up after this long.
    pub timeout: Duration,
}

const MAX_INTERVAL: Duration = Duration::from_secs(600);

impl From<WaitArgs> for Polling {
    fn from(args: WaitArgs) -> Self {
        Polling {
            interval: args.interval,
            max_interval: MAX_INTERVAL.max(args.interval),
            timeout: args.timeout,
        }
    }
}

/// `500ms`, `30s`, `2m`, `6h` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 30s, 2m or 6h"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (use ms, s, m or h)"
            ));
        }
    };
    match Duration::try_from_secs_f64(seconds) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!("{text:?} must be a positive duration")),
    }
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
            dry_run,
            record,
            store,
        } => {
            let input = read_numbers(&numbers)?;
            if dry_run {
                let target = format!(
                    "enterprise {}, {} numbers",
                    ctx.enterprise_id()?,
                    input.valid.len()
                );
                let units = input.valid.len() as u64;
                return request_dry_run(ctx, "remediation.submit", &target, units);
            }
            let numbers: Vec<String> = input
                .valid
                .iter()
                .map(|(_, n)| n.as_str().to_owned())
                .collect();
            let mut request = RemediationRequest::new(&numbers, call_purpose);
            request.contact_email = contact_email;
            request.webhook_url = webhook_url;
            let store = match record {
                true => Some(open_for_record(ctx, &store, &numbers).await?),
                false => None,
            };
            let submitted = remediation.submit(request).await;
            let done = match (&store, submitted) {
                (Some(store), Ok(submitted)) => {
                    record_submitted(ctx, store, &numbers, &submitted, &remediation, wait).await
                }
                (_, Ok(submitted)) if wait.wait => {
                    follow(&remediation, &submitted.id, wait.into(), |_| {}).await
                }
                (_, Ok(submitted)) => Ok(submitted),
                (_, Err(e)) => Err(e.into()),
            };
            if let Some(store) = &store {
                store.close().await?;
            }
            remediation_view(&done?)
        }
        RemediationCommand::Get { id, wait } => {
            let request = if wait.wait {
                follow(&remediation, &id, wait.into(), |_| {}).await?
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

/// The store of `remediation submit --record`, refusing numbers already in an open request
/// it follows (closed again on refusal).
async fn open_for_record(
    ctx: &Context,
    args: &crate::commands::monitor::StoreArgs,
    numbers: &[String],
) -> CliResult<telnyx_reputation_monitor::Store> {
    let store = args.open().await?;
    let open = match store.open_remediation_numbers(&ctx.enterprise_id()?).await {
        Ok(open) => open,
        Err(e) => {
            store.close().await?;
            return Err(store.named(e).into());
        }
    };
    let busy: Vec<String> = numbers
        .iter()
        .filter_map(|n| open.get(n).map(|id| format!("{n} (request {id})")))
        .collect();
    if busy.is_empty() {
        return Ok(store);
    }
    store.close().await?;
    Err(CliError::usage(format!(
        "not submitted: already in an open remediation the store {} follows: {}",
        store.url(),
        busy.join(", ")
    )))
}

/// Record a submitted request in the store and, with `--wait`, its final status.
async fn record_submitted(
    ctx: &Context,
    store: &telnyx_reputation_monitor::Store,
    numbers: &[String],
    submitted: &Remediation,
    remediation: &telnyx_reputation::Remediations,
    wait: WaitArgs,
) -> CliResult<Remediation> {
    let new = telnyx_reputation_monitor::remediations::NewRemediation {
        id: submitted.id.clone(),
        enterprise_id: ctx.enterprise_id()?,
        numbers: numbers.to_vec(),
        submitted_at: submitted.created_at,
        source: "cli".into(),
        rule: None,
    };
    store
        .record_remediation(&new)
        .await
        .map_err(|e| store.named(e))?;
    eprintln!(
        "recorded remediation {} in the store {}",
        submitted.id,
        store.url()
    );
    if !wait.wait {
        return Ok(submitted.clone());
    }
    let done = follow(remediation, &submitted.id, wait.into(), |_| {}).await?;
    store
        .record_remediation_status(&done, chrono::Utc::now())
        .await
        .map_err(|e| store.named(e))?;
    Ok(done)
}

/// Poll a request until its status is final, reporting each new status. The interval grows
/// 1.5x per poll up to `polling.max_interval`; past `polling.timeout` this fails with exit 6
/// (the request keeps running on the server).
pub async fn follow(
    remediation: &telnyx_reputation::Remediations,
    id: &str,
    polling: Polling,
    mut on_status: impl FnMut(&RemediationStatus),
) -> CliResult<Remediation> {
    let started = Instant::now();
    let mut interval = polling.interval;
    let mut last: Option<RemediationStatus> = None;
    loop {
        let request = remediation.get(id).await?;
        if last.as_ref() != Some(&request.status) {
            on_status(&request.status);
            last = Some(request.status.clone());
        }
        if request.status.is_final() {
            return Ok(request);
        }
        let elapsed = started.elapsed();
        if elapsed >= polling.timeout {
            return Err(CliError::new(
                Class::WaitTimeout,
                format!(
                    "remediation {id} is still {} after waiting {:?}; it keeps running: check \
                     again with `remediation get {id} --wait`",
                    request.status, polling.timeout
                ),
            ));
        }
        tokio::time::sleep(interval.min(polling.timeout - elapsed)).await;
        interval = interval.mul_f64(1.5).min(polling.max_interval);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("3d").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("soon").is_err());
    }
}
