//! `monitor sync|history|changes|spend|report`: the fleet monitor of the
//! `telnyx-reputation-monitor` crate on the command line. Each subcommand opens the store
//! (`--store URL`, default the SQLite file under the platform data dir), makes one library
//! call and prints a [`View`]; sync adds a progress bar, rules and `--fail-on`.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use telnyx_reputation::PriceTable;
use telnyx_reputation_monitor::alerts::{Alert, AlertState};
use telnyx_reputation_monitor::lease::replica_id;
use telnyx_reputation_monitor::outbox::{
    self, DeliverOptions, OutboxItem, OutboxKind, OutboxState,
};
use telnyx_reputation_monitor::remediations::TrackedRemediation;
use telnyx_reputation_monitor::retention::{DEFAULT_PRUNE_BATCH, PruneReport};
use telnyx_reputation_monitor::rules::{self, Outcome};
use telnyx_reputation_monitor::service::{Config, Service, ServiceEvent};
use telnyx_reputation_monitor::{
    Change, Create, Monitor, MonitorError, Policy, Reading, Report, Role, Rules, Spend, Store,
    SyncOptions, SyncReport, SyncRun,
};

use crate::commands::Context;
use crate::exit::{Class, CliError, CliResult};
use crate::output::{Format, View, cell, opt, opt_time, time};

/// Where the monitor keeps its history.
#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB` (default: monitor.sqlite under the
    /// platform data directory, created on first use). A named SQLite file is created when
    /// its directory exists; a missing directory is an error unless --create is given.
    #[arg(
        long,
        env = "TELNYX_REPUTATION_STORE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub store: Option<String>,
    /// Also create the missing directories of the --store SQLite file. Without it a
    /// missing directory is an error, so a mistyped path never starts an empty store
    /// that reports every number as added.
    #[arg(long)]
    pub create: bool,
}

impl StoreArgs {
    /// Open the store (migrating it as needed): the default one is created on first use, a
    /// named SQLite file in an existing directory (any directory with `--create`).
    pub async fn open(&self) -> CliResult<Store> {
        Ok(match &self.store {
            Some(url) => {
                let create = if self.create {
                    Create::WithDirs
                } else {
                    Create::InExistingDir
                };
                Store::open_with(url, create).await?
            }
            None => Store::open_default().await?,
        })
    }
}

/// Run `body` on the opened store, then close the store on every way out: success, error,
/// or SIGINT/SIGTERM (which end `body` early). Closing checkpoints SQLite's write-ahead log
/// into the file, so the file alone is a complete copy.
pub async fn with_store<F>(store: Store, body: impl FnOnce(Store) -> F) -> CliResult
where
    F: std::future::Future<Output = CliResult>,
{
    let result = tokio::select! {
        result = body(store.clone()) => result,
        signal = crate::commands::shutdown_signal() => Err(CliError::other(format!(
            "interrupted by {signal}: what was not yet recorded was not; the store {} was closed",
            store.url()
        ))),
    };
    let closed = store.close().await;
    result?;
    Ok(closed?)
}

/// `monitor` subcommands.
#[derive(Subcommand, Debug)]
pub enum MonitorCommand {
    /// Run the monitor as a service: sync every enterprise (or the configured ones) on a
    /// schedule, run the rules after each sync and deliver their notifications, and serve
    /// POST /webhooks/telnyx, GET /healthz and GET /readyz, until SIGTERM or SIGINT.
    Serve {
        /// The config file (TOML): store, every, listen, enterprises, public_key,
        /// score_drop and [[rule]] tables. The API key comes from TELNYX_API_KEY.
        #[arg(long, value_name = "PATH")]
        config: PathBuf,
    },
    /// Serve the dashboard over the store (no API key): the fleet, the numbers (filter,
    /// sort, CSV export), each number's history, the changes, the alerts (acknowledge,
    /// snooze), the remediations, a JSON API at /api/v1 (OpenAPI at /api/v1/openapi.json)
    /// and /metrics for Prometheus, until SIGTERM or SIGINT. Only on a loopback address
    /// unless TELNYX_REPUTATION_DASHBOARD_TOKEN is set.
    Dashboard {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = telnyx_reputation_monitor::dashboard::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Sweep every number of the enterprise (cached reads: free) and print what changed;
    /// without --enterprise, of every enterprise of the account whose Number Reputation is
    /// approved, one after another, each under its own lock.
    Sync(SyncArgs),
    /// Every stored reading of one number.
    History {
        /// The number, E.164.
        number: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Changes recorded since a time.
    Changes {
        /// `7d`, `12h`, `30m`, `2w`, or an RFC 3339 time.
        #[arg(long, default_value = "7d", value_parser = parse_since)]
        since: DateTime<Utc>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// What is still to be delivered: rule notifications and remediations, and forwards of
    /// `listen`, pending (retried with backoff by the next sync or `listen`) or failed.
    Outbox {
        /// Also list the delivered ones.
        #[arg(long)]
        all: bool,
        /// Put the failed notifications and remediations back, due now (the next
        /// `monitor sync` sends them), then list.
        #[arg(long)]
        retry_failed: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The remediation requests the store follows (a rule's, sent by `monitor sync --apply`,
    /// or recorded by `remediation submit --record`), one row per number: the request's
    /// status, the number's outcome once it finished, and for a remediated number its spam
    /// risk re-read 1, 7 and 30 days later. `monitor serve` keeps them up to date.
    Remediations {
        /// Poll every open request and make the re-checks that are due first (free
        /// reads; needs the API key).
        #[arg(long)]
        refresh: bool,
        /// Only the requests that have not finished.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Delete history older than a window, in batches, and report the bytes freed:
    /// readings (never a number's newest, nor the one in force at the cutoff), changes,
    /// syncs (never an enterprise's last), delivered outbox rows, webhook events,
    /// remediations that finished before it, and alerts resolved before it with their
    /// delivered notifications (never an open one). `monitor serve` does it daily with
    /// `retention` set.
    Prune {
        /// Keep this much history: `400d`, `90d`, … (at least 1d).
        #[arg(long, value_name = "DURATION", value_parser = parse_retention)]
        older_than: std::time::Duration,
        /// Rows deleted per statement (each its own short transaction).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_PRUNE_BATCH)]
        batch: usize,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Alerts of the rules that notify channels: open (and pending) by default, or every
    /// one with `--all` (resolved included), oldest first.
    Alerts {
        /// Also list the resolved ones.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Copy an SQLite store to a new file, consistently, while other commands may be
    /// writing to it (SQLite's `VACUUM INTO`; PostgreSQL: use pg_dump).
    Backup {
        /// The new file (must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// What the enterprise (or every enterprise in the store) cost per day, measured from
    /// the data: scheduled re-checks the syncs observed (each advance of a number's last
    /// refresh the monitor did not cause), the monitor's own fresh reads and remediations,
    /// priced with the published price table, and the monthly monitoring fee per
    /// enterprise-month.
    Spend {
        /// First day: `30d`, `2w`, … or an RFC 3339 time.
        #[arg(long, default_value = "30d", value_parser = parse_since)]
        since: DateTime<Utc>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write a self-contained HTML report (`--format csv`: every reading as CSV).
    Report {
        /// Output file.
        #[arg(long, value_name = "PATH", default_value = "report.html")]
        out: PathBuf,
        /// Window start: `90d`, `2w`, … or an RFC 3339 time.
        #[arg(long, default_value = "90d", value_parser = parse_since)]
        since: DateTime<Utc>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Condition that makes `sync` exit 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any number's spam risk is high.
    High,
    /// Anything changed.
    Change,
}

/// Options of `monitor sync`.
#[derive(Args, Debug)]
pub struct SyncArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Read every number live instead (billable: one call per number). Needs the global
    /// --max-billable N: refused, before any call, unless N covers one read per number.
    #[arg(long)]
    pub fresh: bool,
    /// A score counts as dropped when it fell by at least N.
    #[arg(long, value_name = "N", default_value_t = telnyx_reputation_monitor::DEFAULT_SCORE_DROP)]
    pub score_drop: i64,
    /// Exit 5 when any number is high, or when anything changed.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// A TOML rules file to run on what the sync saw.
    #[arg(long, value_name = "PATH")]
    pub rules: Option<PathBuf>,
    /// A TOML file with a `[policy]` table: spend a monthly dollar budget (and a daily cap)
    /// on fresh checks of the riskiest numbers (high, medium, scores that fell, recently
    /// flagged or remediated, not checked for days), counted against what the store
    /// recorded as spent; never above it. Not with --fresh.
    #[arg(long, value_name = "PATH", conflicts_with = "fresh")]
    pub policy: Option<PathBuf>,
    /// Send the rules' remediation requests (without it they are a dry run).
    #[arg(long, requires = "rules")]
    pub apply: bool,
    /// When another sync of the enterprise is running, wait for it (up to DURATION: `30s`,
    /// `5m`, `1h`; default 10m) instead of exiting 1 at once.
    #[arg(long, value_name = "DURATION", num_args = 0..=1, default_missing_value = "10m", value_parser = parse_duration)]
    pub wait_lock: Option<std::time::Duration>,
    /// A `monitor serve` config (monitor.toml) whose `[[account]]` tables name the accounts
    /// to sync, each with the environment variable holding its API key: without
    /// --enterprise, every account's enterprises (its listed ones, or every approved one)
    /// are synced, each with its own key.
    #[arg(long, value_name = "PATH")]
    pub accounts: Option<PathBuf>,
}

/// Run one `monitor` subcommand.
pub async fn run(ctx: &Context, command: MonitorCommand) -> CliResult {
    let enterprise = ctx.enterprise_filter();
    let store = match &command {
        MonitorCommand::Serve { config } => return serve(ctx, config).await,
        MonitorCommand::Dashboard { listen, store } => return dashboard(*listen, store).await,
        MonitorCommand::Sync(args) => &args.store,
        MonitorCommand::History { store, .. }
        | MonitorCommand::Changes { store, .. }
        | MonitorCommand::Backup { store, .. }
        | MonitorCommand::Outbox { store, .. }
        | MonitorCommand::Remediations { store, .. }
        | MonitorCommand::Prune { store, .. }
        | MonitorCommand::Alerts { store, .. }
        | MonitorCommand::Spend { store, .. }
        | MonitorCommand::Report { store, .. } => store,
    }
    .open()
    .await?;
    with_store(store, |store| async move {
        let named = |e: MonitorError| CliError::from(store.named(e));
        match command {
            MonitorCommand::Serve { .. } | MonitorCommand::Dashboard { .. } => {
                unreachable!("served above")
            }
            MonitorCommand::Sync(args) => sync(ctx, args, &store).await,
            MonitorCommand::History { number, .. } => {
                let readings = store
                    .history(enterprise.as_deref(), &number)
                    .await
                    .map_err(named)?;
                if readings.is_empty() {
                    return Err(CliError::other(format!(
                        "no stored reading of {number} in the store {}: run `monitor sync` first",
                        store.url()
                    )));
                }
                history_view(&readings).print(ctx.format())?;
                eprintln!(
                    "{} reading(s) of {number} from the store {}",
                    readings.len(),
                    store.url()
                );
                Ok(())
            }
            MonitorCommand::Changes { since, .. } => {
                let changes = store
                    .changes_since(enterprise.as_deref(), since)
                    .await
                    .map_err(named)?;
                changes_view(&changes).print(ctx.format())?;
                eprintln!("{} change(s) from the store {}", changes.len(), store.url());
                Ok(())
            }
            MonitorCommand::Remediations { refresh, open, .. } => {
                if refresh {
                    let monitor = Monitor::new(ctx.client()?, store.clone());
                    let followed = monitor.refresh_remediations(Utc::now()).await.map_err(named)?;
                    for error in &followed.errors {
                        eprintln!("warning: {error}");
                    }
                    eprintln!(
                        "refreshed: {} request(s) polled, {} finished, {} re-check(s)",
                        followed.polled,
                        followed.finished.len(),
                        followed.rechecked.len()
                    );
                }
                let tracked = store
                    .remediations(enterprise.as_deref(), open)
                    .await
                    .map_err(named)?;
                remediations_view(&tracked).print(ctx.format())?;
                eprintln!(
                    "{} remediation request(s) in the store {}",
                    tracked.len(),
                    store.url()
                );
                Ok(())
            }
            MonitorCommand::Prune {
                older_than, batch, ..
            } => {
                let cutoff = Utc::now()
                    - Duration::from_std(older_than).unwrap_or(Duration::MAX);
                let report = store.prune(cutoff, batch).await.map_err(named)?;
                prune_view(&report).print(ctx.format())?;
                eprintln!(
                    "pruned {} row(s) older than {} from the store {}: {} bytes before, {} after, {} freed",
                    report.rows(),
                    cutoff.to_rfc3339(),
                    store.url(),
                    report.bytes_before,
                    report.bytes_after,
                    report.bytes_freed()
                );
                Ok(())
            }
            MonitorCommand::Backup { to, .. } => {
                store.backup_to(&to).await.map_err(named)?;
                println!("backed up the store {} to {}", store.url(), to.display());
                Ok(())
            }
            MonitorCommand::Spend { since, .. } => {
                let spend = Spend::load(
                    &store,
                    enterprise.as_deref(),
                    since.date_naive(),
                    Utc::now().date_naive(),
                    &PriceTable::default(),
                )
                .await
                .map_err(named)?;
                spend_view(&spend).print(ctx.format())?;
                eprintln!(
                    "{} day(s) recorded; total {} ({} in checks and remediations, the rest \
                     monitoring fees of {} enterprise-month(s)); from the store {}",
                    spend.days.len(),
                    spend.total_usd,
                    spend.usage_usd(),
                    spend.months.len(),
                    store.url()
                );
                Ok(())
            }
            MonitorCommand::Report { out, since, .. } => {
                let report = Report::build(&store, enterprise.as_deref(), since, Utc::now())
                    .await
                    .map_err(named)?;
                let text = match ctx.format() {
                    Format::Csv => report.csv(&store).await.map_err(named)?,
                    Format::Json => {
                        serde_json::to_string_pretty(&report).expect("a report serialises")
                    }
                    Format::Table => report.html(),
                };
                std::fs::write(&out, text)
                    .map_err(|e| CliError::other(format!("cannot write {}: {e}", out.display())))?;
                println!(
                    "report written to {} from the store {}",
                    out.display(),
                    store.url()
                );
                Ok(())
            }
            MonitorCommand::Alerts { all, .. } => {
                let states: &[AlertState] = if all {
                    &[]
                } else {
                    &[AlertState::Open, AlertState::Pending]
                };
                let alerts = store
                    .alerts(enterprise.as_deref(), states)
                    .await
                    .map_err(named)?;
                alerts_view(&alerts).print(ctx.format())?;
                eprintln!("{} alert(s) in the store {}", alerts.len(), store.url());
                Ok(())
            }
            MonitorCommand::Outbox {
                all, retry_failed, ..
            } => {
                if retry_failed {
                    let mut requeued = 0;
                    for kind in [
                        OutboxKind::Notify,
                        OutboxKind::Remediate,
                        OutboxKind::Channel,
                    ] {
                        requeued += store.requeue_failed(kind).await.map_err(named)?;
                    }
                    eprintln!("{requeued} failed item(s) put back, due now");
                }
                let states: &[OutboxState] = if all {
                    &[]
                } else {
                    &[OutboxState::Pending, OutboxState::Failed]
                };
                let items: Vec<OutboxItem> = store
                    .outbox(states)
                    .await
                    .map_err(named)?
                    .into_iter()
                    .filter(|i| {
                        enterprise.is_none()
                            || i.enterprise_id.is_none()
                            || i.enterprise_id == enterprise
                    })
                    .collect();
                outbox_view(&items).print(ctx.format())?;
                eprintln!(
                    "{} outbox item(s) in the store {}",
                    items.len(),
                    store.url()
                );
                Ok(())
            }
        }
    })
    .await
}

/// `monitor dashboard`: the dashboard of the store on `listen` until SIGTERM/SIGINT (exit 0).
async fn dashboard(listen: std::net::SocketAddr, store: &StoreArgs) -> CliResult {
    use std::io::Write;
    use telnyx_reputation_monitor::dashboard::{self, Dashboard, Token};
    let token = Token::from_env();
    // Refused before the store is opened or the port taken.
    dashboard::check_listen(listen, token.as_ref())
        .map_err(|e| CliError::other(format!("--listen: {e}")))?;
    let store = store.open().await?;
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(e) => {
            store.close().await?;
            return Err(CliError::other(format!(
                "--listen: cannot listen on {listen}: {e}"
            )));
        }
    };
    // The first line is the bare URL, for scripts that read it.
    println!("dashboard on http://{}/", listener.local_addr()?);
    std::io::stdout().flush()?;
    eprintln!(
        "serving the store {} read-only{}",
        store.url(),
        if token.is_some() {
            "; every request needs the access token"
        } else {
            ""
        }
    );
    let (stopped_by, stopped) = tokio::sync::oneshot::channel();
    let signal = crate::commands::shutdown_signal();
    let served = Dashboard::new(store.clone())
        .token(token)
        .serve(listener, async move {
            let _ = stopped_by.send(signal.await);
        })
        .await;
    let signal = stopped.await.unwrap_or("shutdown");
    let closed = store.close().await;
    eprintln!("{signal}: stopped; the store {} was closed", store.url());
    served.map_err(|e| store.named(e))?;
    Ok(closed?)
}

/// `monitor serve --config PATH`: the [`Service`] of the monitor crate, logging what it does
/// on stderr, stopped by SIGTERM/SIGINT (exit 0).
async fn serve(ctx: &Context, path: &std::path::Path) -> CliResult {
    use std::io::Write;
    let mut config = Config::load(path)?;
    let origin = path.display().to_string();
    // One account (TELNYX_API_KEY), or each `[[account]]` with the key its variable holds.
    let (client, clients) = if config.accounts.is_empty() {
        (ctx.client()?, None)
    } else {
        let clients = account_clients(ctx, &config, &origin)?;
        let first = clients[&config.accounts[0].name].clone();
        (first, Some(clients))
    };
    for warning in config.warnings(client.base_url()) {
        eprintln!("warning: {path}: {warning}", path = path.display());
    }
    if config.public_key.is_none() {
        config.public_key = std::env::var("TELNYX_PUBLIC_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        if config.public_key.is_none() {
            eprintln!(
                "warning: no public_key in {} nor TELNYX_PUBLIC_KEY: POST /webhooks/telnyx answers 503",
                path.display()
            );
        }
    }
    if let Err(refused) = telnyx_reputation_monitor::dashboard::check_listen(
        config.listen,
        telnyx_reputation_monitor::dashboard::Token::from_env().as_ref(),
    ) {
        eprintln!(
            "warning: {}: listen: no dashboard: {refused}",
            path.display()
        );
    }
    let store = Store::open_with(&config.store, Create::InExistingDir)
        .await
        .map_err(|e| CliError::from(e).context(&format!("{}: store", path.display())))?;
    // Before listening: a second `serve` on one SQLite file stops here, naming the first.
    let lease = match store.serve_lease(replica_id()).await {
        Ok(lease) => lease,
        Err(e) => {
            store.close().await?;
            return Err(CliError::from(e).context(&format!("{}: store", path.display())));
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            drop(lease);
            store.close().await?;
            return Err(CliError::other(format!(
                "{}: listen: cannot listen on {}: {e}",
                path.display(),
                config.listen
            )));
        }
    };
    // The first line is the bare URL, for scripts that read it.
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    eprintln!(
        "syncing {} every {} s into the store {}",
        match (&config.enterprises, config.accounts.as_slice()) {
            (_, [_, ..]) => format!(
                "the enterprises of {} account(s) ({})",
                config.accounts.len(),
                config
                    .accounts
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Some(list), []) => format!("{} enterprise(s)", list.len()),
            (None, []) => "every approved enterprise of the account".into(),
        },
        config.every.as_secs(),
        store.url()
    );
    let service = match clients {
        None => Service::new(config, client, store.clone()),
        Some(clients) => Service::for_accounts(config, clients, store.clone(), &origin)?,
    }
    .on_event(log_event)
    .lease(lease);
    let (stopped_by, stopped) = tokio::sync::oneshot::channel();
    let signal = crate::commands::shutdown_signal();
    let ran = service
        .run(listener, async move {
            let _ = stopped_by.send(signal.await);
        })
        .await;
    let signal = stopped.await.unwrap_or("shutdown");
    let closed = store.close().await;
    eprintln!("{signal}: stopped; the store {} was closed", store.url());
    ran.map_err(|e| store.named(e))?;
    Ok(closed?)
}

/// A client per `[[account]]` of `config`, by name, each with the API key its environment
/// variable holds (an unset one is an error naming the file, the line and the key).
fn account_clients(
    ctx: &Context,
    config: &Config,
    origin: &str,
) -> CliResult<std::collections::HashMap<String, telnyx_reputation::Client>> {
    let mut clients = std::collections::HashMap::new();
    for account in &config.accounts {
        let key = account.api_key(origin, |name| std::env::var(name).ok())?;
        clients.insert(account.name.clone(), ctx.client_with_key(&key)?);
    }
    Ok(clients)
}

fn log_event(event: &ServiceEvent) {
    match event {
        ServiceEvent::Listening(_) => {}
        ServiceEvent::Synced(report) => eprintln!(
            "synced {} numbers of {}: {} reading(s) written, {} change(s), {} high",
            report.numbers,
            report.enterprise_id,
            report.readings_written,
            report.changes.len(),
            report.high.len()
        ),
        ServiceEvent::Delivered(item) => eprintln!(
            "{} {} {} to {}{}",
            item.kind.as_str(),
            item.id,
            item.state.as_str(),
            item.target,
            item.last_error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ),
        ServiceEvent::SyncFailed {
            enterprise_id,
            message,
        } => eprintln!("sync of {enterprise_id} failed: {message}"),
        ServiceEvent::Locked {
            enterprise_id,
            holder,
        } => eprintln!("sync of {enterprise_id} skipped: its lock is held by {holder}"),
        ServiceEvent::Webhook {
            event_id,
            event_type,
        } => eprintln!("recorded webhook {event_type} {event_id}"),
        ServiceEvent::Role { role, replica } => match role {
            Role::Leader => eprintln!("replica {replica} is the leader: it syncs and delivers"),
            Role::Standby => eprintln!(
                "replica {replica} is a standby: it receives webhooks and takes over when the \
                 leader stops"
            ),
            other => eprintln!("replica {replica} is now {other:?}"),
        },
        ServiceEvent::Abandoned { enterprise_id } => {
            eprintln!("stopping: the sync of {enterprise_id} in flight was abandoned")
        }
        ServiceEvent::Remediations(report) => {
            for (id, state) in &report.finished {
                eprintln!("remediation {id} finished: {state}");
            }
            for (number, days, risk) in &report.rechecked {
                eprintln!("re-checked {number} {days} day(s) after its remediation: {risk}");
            }
            for error in &report.errors {
                eprintln!("following remediations: {error}");
            }
        }
        ServiceEvent::Pruned(report) => eprintln!(
            "pruned {} row(s) older than {}: {} bytes freed",
            report.rows(),
            report.cutoff.to_rfc3339(),
            report.bytes_freed()
        ),
        ServiceEvent::HousekeepingFailed { message } => eprintln!("{message}"),
        // An event a newer monitor reports that this CLI does not describe yet.
        other => eprintln!("{other:?}"),
    }
}

/// `--older-than`: a duration of at least a day.
fn parse_retention(text: &str) -> Result<std::time::Duration, String> {
    let window = telnyx_reputation_monitor::service::parse_duration(text)?;
    if window < telnyx_reputation_monitor::retention::MIN_RETENTION {
        return Err(format!("{text:?} is less than a day (e.g. 400d)"));
    }
    Ok(window)
}

/// One row per number of each followed request.
fn remediations_view(tracked: &[TrackedRemediation]) -> View {
    let risk = |r: &Option<telnyx_reputation_monitor::remediations::Recheck>| {
        r.as_ref().map(|r| r.risk.clone())
    };
    View::list(
        vec![
            "id",
            "enterprise_id",
            "submitted_at",
            "state",
            "finished_at",
            "source",
            "rule",
            "phone_number",
            "outcome",
            "risk_1d",
            "risk_7d",
            "risk_30d",
        ],
        tracked
            .iter()
            .flat_map(|r| {
                r.numbers.iter().map(move |n| {
                    vec![
                        cell(&r.id),
                        cell(&r.enterprise_id),
                        time(r.submitted_at),
                        cell(&r.state),
                        opt_time(r.finished_at),
                        cell(&r.source),
                        r.rule.clone(),
                        cell(&n.phone_number),
                        n.outcome.clone(),
                        risk(&n.recheck_1d),
                        risk(&n.recheck_7d),
                        risk(&n.recheck_30d),
                    ]
                })
            })
            .collect(),
        View::json_of(&tracked),
    )
}

fn prune_view(report: &PruneReport) -> View {
    View::list(
        vec!["table", "rows", "batches"],
        report
            .tables
            .iter()
            .map(|t| vec![cell(&t.table), cell(t.rows), cell(t.batches)])
            .collect(),
        View::json_of(report),
    )
}

async fn sync(ctx: &Context, args: SyncArgs, store: &Store) -> CliResult {
    let rules = args.rules.as_deref().map(Rules::load).transpose()?;
    for warning in rules.iter().flat_map(Rules::warnings) {
        eprintln!("warning: {warning}");
    }
    if args.apply
        && rules.as_ref().is_some_and(Rules::remediates)
        && ctx.global.max_billable.is_none()
    {
        return Err(CliError::usage(
            "--apply sends the rules' remediation requests, billable per number submitted: \
             give the global --max-billable N to allow up to N of them (nothing was synced)",
        ));
    }
    let score_drop = rules
        .as_ref()
        .and_then(Rules::min_score_drop)
        .map_or(args.score_drop, |n| n.min(args.score_drop));
    let policy = args.policy.as_deref().map(Policy::load).transpose()?;
    let options = SyncOptions {
        score_drop,
        fresh: args.fresh,
        at: None,
        policy,
    };
    if args.accounts.is_some() && ctx.enterprise_filter().is_some() {
        return Err(CliError::usage(
            "--accounts syncs the enterprises of every [[account]]: leave out --enterprise \
             (and TELNYX_ENTERPRISE_ID)",
        ));
    }
    let Some(enterprise) = ctx.enterprise_filter() else {
        // The account of TELNYX_API_KEY, or each `[[account]]` with its own key.
        let accounts = match &args.accounts {
            None => vec![(None, Monitor::new(ctx.client()?, store.clone()))],
            Some(path) => {
                let config = Config::load(path)?;
                if config.accounts.is_empty() {
                    return Err(CliError::usage(format!(
                        "{}: no [[account]] table (each names the environment variable \
                         holding an account's API key)",
                        path.display()
                    )));
                }
                let clients = account_clients(ctx, &config, &path.display().to_string())?;
                config
                    .accounts
                    .into_iter()
                    .map(|a| {
                        let monitor = Monitor::new(clients[&a.name].clone(), store.clone());
                        (Some(a), monitor)
                    })
                    .collect()
            }
        };
        return sync_all(ctx, &args, &options, rules.as_ref(), &accounts, store).await;
    };
    let monitor = Monitor::new(ctx.client()?, store.clone());
    let mut json = Vec::new();
    // One sync per enterprise at a time: a second one waits or stops here, before anything.
    let lock = store.lock_sync(&enterprise, args.wait_lock).await?;
    let plan = Plan {
        args: &args,
        monitor: &monitor,
        options: &options,
        rules: rules.as_ref(),
    };
    let result = locked_sync(ctx, &plan, store, &enterprise, &mut json).await;
    lock.release().await?;
    if let Some(value) = json.pop() {
        View::list(Vec::new(), Vec::new(), value).print(ctx.format())?;
    }
    result
}

/// `monitor sync` without `--enterprise`: every enterprise of the account whose Number
/// Reputation is approved (of each account of `--accounts`: its listed ones, or every
/// approved one), one after another, each under its own lock. A failure of one does not
/// stop the others; the command then exits with the most serious of them.
async fn sync_all(
    ctx: &Context,
    args: &SyncArgs,
    options: &SyncOptions,
    rules: Option<&Rules>,
    accounts: &[(Option<telnyx_reputation_monitor::service::Account>, Monitor)],
    store: &Store,
) -> CliResult {
    let mut json = Vec::new();
    let mut failures: Vec<CliError> = Vec::new();
    let mut synced = 0;
    for (account, monitor) in accounts {
        let plan = Plan {
            args,
            monitor,
            options,
            rules,
        };
        match sync_account(
            ctx,
            &plan,
            store,
            account.as_ref(),
            &mut json,
            &mut failures,
        )
        .await
        {
            Ok(n) => synced += n,
            // One account: its listing failing is the command's error, as before.
            Err(e) if account.is_none() => return Err(e),
            // Several: an account whose enterprises cannot be listed (a revoked key) is one
            // failure; the other accounts go on.
            Err(e) => {
                let name = account.as_ref().map_or("", |a| a.name.as_str());
                let e = e.context(&format!("account {name}"));
                eprintln!("error: {e}");
                failures.push(e);
            }
        }
    }
    if ctx.format() == Format::Json {
        View::list(Vec::new(), Vec::new(), serde_json::Value::Array(json)).print(ctx.format())?;
    }
    // A failure to sync is more serious than a --fail-on condition met.
    match failures
        .iter()
        .map(CliError::class)
        .min_by_key(|c| *c == Class::Alert)
    {
        None => Ok(()),
        Some(class) => Err(CliError::new(
            class,
            format!(
                "{} of {synced} enterprise sync(s) failed (each error is above)",
                failures.len()
            ),
        )),
    }
}

/// The enterprises of one account (`account`: an `[[account]]` of `--accounts`, with its
/// own list of enterprises or none), synced one after another; returns how many ran.
async fn sync_account(
    ctx: &Context,
    plan: &Plan<'_>,
    store: &Store,
    account: Option<&telnyx_reputation_monitor::service::Account>,
    json: &mut Vec<serde_json::Value>,
    failures: &mut Vec<CliError>,
) -> CliResult<usize> {
    let enterprises = plan.monitor.enterprises().await?;
    let listed = account.and_then(|a| a.enterprises.as_ref());
    let mut synced = 0;
    for enterprise in &enterprises {
        if listed.is_some_and(|l| !l.contains(&enterprise.id)) {
            continue;
        }
        if let Some(why) = enterprise.skipped_because() {
            eprintln!(
                "skipped enterprise {} ({}): {why}",
                enterprise.id, enterprise.legal_name
            );
            continue;
        }
        let result = async {
            let lock = store.lock_sync(&enterprise.id, plan.args.wait_lock).await?;
            let result = locked_sync(ctx, plan, store, &enterprise.id, json).await;
            lock.release().await?;
            result
        }
        .await;
        synced += 1;
        if let Err(e) = result {
            let e = e.context(&format!("enterprise {}", enterprise.id));
            eprintln!("error: {e}");
            failures.push(e);
        }
    }
    let failed = failures.len();
    match account {
        None => eprintln!(
            "synced {synced} of the account's {} enterprise(s); {failed} failed",
            enterprises.len()
        ),
        Some(account) => eprintln!(
            "account {}: synced {synced} of its {} enterprise(s){}",
            account.name,
            enterprises.len(),
            match listed {
                Some(l) => format!(" ({} listed in its [[account]] table)", l.len()),
                None => String::new(),
            }
        ),
    }
    if let Some(missing) = listed.and_then(|l| {
        l.iter()
            .find(|id| !enterprises.iter().any(|e| &&e.id == id))
    }) {
        let e = CliError::other(format!(
            "account {}: enterprise {missing} is not one of the account's",
            account.map_or("", |a| a.name.as_str())
        ));
        eprintln!("error: {e}");
        failures.push(e);
    }
    Ok(synced)
}

/// What every enterprise's sync of one `monitor sync` shares.
struct Plan<'a> {
    args: &'a SyncArgs,
    monitor: &'a Monitor,
    options: &'a SyncOptions,
    rules: Option<&'a Rules>,
}

async fn locked_sync(
    ctx: &Context,
    plan: &Plan<'_>,
    store: &Store,
    enterprise: &str,
    json: &mut Vec<serde_json::Value>,
) -> CliResult {
    let Plan {
        args,
        monitor,
        options,
        rules,
    } = *plan;
    let (store, monitor, enterprise, options) = (
        store.clone(),
        monitor,
        enterprise.to_owned(),
        options.clone(),
    );
    // What earlier syncs decided and could not deliver goes first.
    // Alert notifications go through the `[[channel]]` tables of the rules file.
    let deliver = DeliverOptions {
        kinds: vec![
            OutboxKind::Notify,
            OutboxKind::Remediate,
            OutboxKind::Channel,
        ],
        enterprise_id: Some(enterprise.clone()),
        channels: rules.map(|r| r.channels.clone()).unwrap_or_default(),
        ..DeliverOptions::default()
    };
    let earlier = outbox::deliver(&store, Some(monitor.client()), &deliver).await?;
    let bar = ProgressBar::new_spinner().with_message("listing numbers");
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos} numbers ({elapsed})")
            .expect("static template"),
    );
    let progress = |n| bar.set_position(n);
    let run = match rules {
        Some(rules) => {
            monitor
                .sync_with_rules(&enterprise, &options, rules, args.apply, progress)
                .await
        }
        None => monitor
            .sync(&enterprise, &options, progress)
            .await
            .map(|report| SyncRun {
                report,
                outcomes: Vec::new(),
                queued: 0,
            }),
    };
    bar.finish_and_clear();
    let SyncRun {
        report,
        mut outcomes,
        queued,
    } = run.map_err(|e| store.named(e))?;
    if queued > 0 || !earlier.delivered.is_empty() || !earlier.failed.is_empty() {
        let now = outbox::deliver(&store, Some(monitor.client()), &deliver).await?;
        for item in earlier.delivered.iter().chain(&earlier.failed) {
            outcomes.push(rules::outcome_of(item));
        }
        for item in now.delivered.iter().chain(&now.failed) {
            outcomes.push(rules::outcome_of(item));
        }
    }
    if let Some(value) = print_sync(
        ctx.format(),
        &report,
        &outcomes,
        monitor.client(),
        store.url(),
    )? {
        json.push(value);
    }
    let failed: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        return Err(CliError::other(format!(
            "rule actions failed: {}",
            failed.join("; ")
        )));
    }
    match args.fail_on {
        Some(FailOn::High) if !report.high.is_empty() => Err(CliError::new(
            Class::Alert,
            format!(
                "{} number(s) are high: {}",
                report.high.len(),
                report.high.join(" ")
            ),
        )),
        Some(FailOn::Change) if !report.changes.is_empty() => Err(CliError::new(
            Class::Alert,
            format!("{} change(s) since the last sync", report.changes.len()),
        )),
        _ => Ok(()),
    }
}

fn print_sync(
    format: Format,
    report: &SyncReport,
    outcomes: &[Outcome],
    client: &telnyx_reputation::Client,
    store: &str,
) -> CliResult<Option<serde_json::Value>> {
    let budget = client.max_billable().zip(client.remaining_billable());
    if format == Format::Json {
        let billing = serde_json::json!({
            "billable_requests": client.usage().total_requests,
            "max_billable": budget.map(|(max, _)| max),
            "remaining_billable": budget.map(|(_, left)| left),
        });
        let json = serde_json::json!({ "sync": report, "rules": outcomes, "billing": billing, "store": store });
        return Ok(Some(json));
    }
    eprintln!(
        "synced {} numbers of {} into the store {store}: {} reading(s) written, {} change(s), {} high, {} billable fresh read(s){}",
        report.numbers,
        report.enterprise_id,
        report.readings_written,
        report.changes.len(),
        report.high.len(),
        report.fresh_reads,
        match budget {
            Some((max, left)) => format!(" (max_billable {max}: {left} left)"),
            None => String::new(),
        }
    );
    if let Some(run) = &report.policy {
        eprintln!(
            "policy: {} of {} candidate(s) read fresh ({} failed), {} of {} allowed \
             (spent before: {} today, {} this month)",
            run.selected.len(),
            run.candidates.len(),
            run.failed,
            run.planned_usd,
            run.allowance_usd,
            run.spent_today_usd,
            run.spent_month_usd,
        );
    }
    changes_view(&report.changes).print(format)?;
    for outcome in outcomes {
        let line = match outcome {
            Outcome::Print { line, .. } => line.clone(),
            other => serde_json::to_string(other).expect("an outcome serialises"),
        };
        // CSV on stdout stays one table; rule output goes beside it.
        if format == Format::Csv {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    Ok(None)
}

fn spend_view(spend: &Spend) -> View {
    View::list(
        vec![
            "enterprise_id",
            "day",
            "scheduled_checks",
            "fresh_checks",
            "remediations",
            "usd",
        ],
        spend
            .days
            .iter()
            .map(|d| {
                vec![
                    cell(&d.counts.enterprise_id),
                    cell(d.counts.day),
                    cell(d.counts.scheduled_checks),
                    cell(d.counts.fresh_checks),
                    cell(d.counts.remediations),
                    cell(&d.total_usd),
                ]
            })
            .collect(),
        View::json_of(spend),
    )
}

fn changes_view(changes: &[Change]) -> View {
    View::list(
        vec!["at", "phone_number", "change", "field", "from", "to"],
        changes
            .iter()
            .map(|c| {
                vec![
                    time(c.at),
                    cell(&c.phone_number),
                    cell(c.kind),
                    cell(&c.field),
                    c.old_value.clone(),
                    c.new_value.clone(),
                ]
            })
            .collect(),
        View::json_of(&changes),
    )
}

fn alerts_view(alerts: &[Alert]) -> View {
    View::list(
        vec![
            "id",
            "state",
            "rule",
            "enterprise_id",
            "subject",
            "opened_at",
            "reminders_sent",
            "resolved_at",
            "detail",
        ],
        alerts
            .iter()
            .map(|a| {
                vec![
                    cell(&a.id),
                    cell(a.state.as_str()),
                    cell(&a.rule),
                    cell(&a.enterprise_id),
                    cell(&a.subject),
                    opt_time(a.opened_at),
                    cell(a.reminders_sent),
                    opt_time(a.resolved_at),
                    a.detail.clone(),
                ]
            })
            .collect(),
        View::json_of(&alerts),
    )
}

fn outbox_view(items: &[OutboxItem]) -> View {
    View::list(
        vec![
            "id",
            "kind",
            "state",
            "attempts",
            "next_attempt_at",
            "rule",
            "target",
            "last_error",
        ],
        items
            .iter()
            .map(|i| {
                vec![
                    cell(&i.id),
                    cell(i.kind.as_str()),
                    cell(i.state.as_str()),
                    cell(i.attempts),
                    time(i.next_attempt_at),
                    i.rule.clone(),
                    cell(&i.target),
                    i.last_error.clone(),
                ]
            })
            .collect(),
        View::json_of(&items),
    )
}

fn history_view(readings: &[Reading]) -> View {
    View::list(
        vec![
            "observed_at",
            "spam_risk",
            "spam_category",
            "maturity",
            "connection",
            "engagement",
            "sentiment",
            "ownership_status",
            "confirm_by",
        ],
        readings
            .iter()
            .map(|r| {
                vec![
                    time(r.observed_at),
                    r.spam_risk.clone(),
                    r.spam_category.clone(),
                    opt(r.maturity_score),
                    opt(r.connection_score),
                    opt(r.engagement_score),
                    opt(r.sentiment_score),
                    r.ownership_status.clone(),
                    opt_time(r.confirm_by),
                ]
            })
            .collect(),
        View::json_of(&readings),
    )
}

/// `500ms`, `30s`, `5m`, `1h`, `1d`: the monitor's durations.
pub use telnyx_reputation_monitor::service::parse_duration;

/// `7d`, `12h`, `30m`, `45s`, `2w` ago, or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is neither an age like 7d/12h/30m nor an RFC 3339 time"))?;
    let age = match unit {
        "s" => Duration::seconds(n),
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => {
            return Err(format!(
                "unknown unit {unit:?} in {text:?}: use s, m, h, d or w"
            ));
        }
    };
    Ok(Utc::now() - age)
}

impl From<MonitorError> for CliError {
    fn from(error: MonitorError) -> Self {
        match error {
            MonitorError::Api(e) => e.into(),
            MonitorError::StoreUrl { .. }
            | MonitorError::StoreOpen { .. }
            | MonitorError::Rules { .. }
            | MonitorError::Policy { .. }
            | MonitorError::Config { .. }
            | MonitorError::BillingRefused { .. }
            | MonitorError::BudgetRequired { .. } => CliError::usage(error.to_string()),
            other => CliError::other(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_times_parse_and_bad_ones_say_why() {
        let week = parse_since("7d").unwrap();
        assert!((Utc::now() - week - Duration::days(7)).num_seconds().abs() < 5);
        assert_eq!(
            parse_since("2026-11-01T00:00:00Z").unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert!(
            parse_since("7y")
                .unwrap_err()
                .contains("unknown unit \"y\"")
        );
        assert!(parse_since("soon").unwrap_err().contains("neither an age"));
    }
}
