//! `listen`: the webhook receiver of `telnyx-reputation-monitor` as a local server. It
//! prints its URL once bound, then one line per verified delivery and, on stderr, why
//! deliveries were refused (rate-limited: at most one line per reason per 10 s). SIGINT
//! (Ctrl-C) or SIGTERM stops it cleanly: it stops accepting, finishes the requests in
//! flight, prints a summary, closes the store (checkpointing SQLite's log) and exits 0.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use telnyx_reputation_monitor::outbox::{
    self, DeliverOptions, OutboxItem, OutboxKind, OutboxState,
};
use telnyx_reputation_monitor::receiver::Received;
use telnyx_reputation_monitor::{Receiver, RejectLog, ServeOptions};

use crate::commands::monitor::StoreArgs;
use crate::exit::{CliError, CliResult};

/// At most one rejection line per reason in this window.
const REJECT_LOG_WINDOW: Duration = Duration::from_secs(10);

/// Options of `listen`.
#[derive(Args, Debug)]
pub struct ListenArgs {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to bind (`0` picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The account's base64 Ed25519 public key (from the Telnyx portal).
    #[arg(long, env = "TELNYX_PUBLIC_KEY", hide_env_values = true)]
    pub public_key: Option<String>,
    /// Forward each verified raw request (body and signature headers, plus its data.id as
    /// x-telnyx-reputation-event-id) to this URL: recorded first, answered 200, then sent
    /// from the store's outbox with retries (`monitor outbox` lists what is left).
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Close a connection whose request head is not complete this long after it opened:
    /// `10s`, `500ms`.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout)]
    pub header_read_timeout: Duration,
    /// Most connections served at once; more wait in the listen backlog.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: Option<ListenCommand>,
}

/// `listen` subcommands.
#[derive(Subcommand, Debug)]
pub enum ListenCommand {
    /// Send again the forwards that failed (after their retries), and any still due.
    Replay {
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Serve until SIGINT or SIGTERM (or run `listen replay`).
pub async fn run(args: ListenArgs) -> CliResult {
    if let Some(ListenCommand::Replay { store }) = args.command {
        return replay(store).await;
    }
    let key = args.public_key.filter(|k| !k.is_empty()).ok_or_else(|| {
        CliError::usage("no public key: pass --public-key or set TELNYX_PUBLIC_KEY (deliveries are never accepted unverified)")
    })?;
    // Installed before anything else: a SIGTERM from here on shuts down cleanly.
    let signal = crate::commands::shutdown_signal();
    let store = args.store.open().await?;
    let log = Arc::new(RejectLog::new(REJECT_LOG_WINDOW));
    let recorded = Arc::new(AtomicU64::new(0));
    let mut receiver = Receiver::new(store.clone(), key)
        .map_err(|e| CliError::usage(format!("--public-key: {e}")))?
        .on_event({
            let recorded = Arc::clone(&recorded);
            move |received| {
                recorded.fetch_add(1, Ordering::Relaxed);
                print_event(received);
            }
        })
        .on_reject({
            let log = Arc::clone(&log);
            move |rejection| {
                if let Some(line) = log.note(rejection, Instant::now()) {
                    eprintln!("{line}");
                }
            }
        })
        .on_forward(print_forward);
    if let Some(url) = &args.forward_to {
        receiver = receiver.forward_to(url);
    }
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            store.close().await?;
            return Err(CliError::other(format!(
                "cannot listen on {}:{}: {e}",
                args.host, args.port
            )));
        }
    };
    // The first line is the bare URL, for scripts that read it.
    println!("listening on http://{}", listener.local_addr()?);
    eprintln!("recording deliveries in the store {}", store.url());
    std::io::stdout().flush()?;
    let (stopped_by, stopped) = tokio::sync::oneshot::channel();
    let options = ServeOptions {
        header_read_timeout: args.header_read_timeout,
        max_connections: args.max_connections as usize,
        ..ServeOptions::default()
    };
    let served = receiver
        .serve_with(listener, options, async move {
            let _ = stopped_by.send(signal.await);
        })
        .await;
    let signal = stopped.await.unwrap_or("shutdown");
    eprintln!(
        "{signal}: stopped; {} delivery(ies) verified, {}; store {} closed",
        recorded.load(Ordering::Relaxed),
        log.summary(),
        store.url()
    );
    let closed = store.close().await;
    served?;
    Ok(closed?)
}

/// A timeout: [`parse_duration`](crate::commands::monitor::parse_duration), more than 0.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let duration = crate::commands::monitor::parse_duration(text)?;
    if duration.is_zero() {
        return Err("the timeout must be more than 0".into());
    }
    Ok(duration)
}

fn print_event(received: &Received) {
    let e = &received.event;
    let mut line = format!(
        "{} {} {}",
        if received.new {
            "recorded"
        } else {
            "duplicate"
        },
        e.event_type,
        e.event_id
    );
    if let Some(number) = &e.phone_number {
        line.push_str(&format!(" {number}"));
    }
    if let Some(reason) = &e.flag_reason {
        line.push_str(&format!(" flag_reason={reason}"));
    }
    if let Some(by) = e.confirm_by {
        line.push_str(&format!(" confirm_by={}", by.to_rfc3339()));
    }
    if received.forward_queued {
        line.push_str(" forward=queued");
    }
    println!("{line}");
    let _ = std::io::stdout().flush();
}

fn print_forward(item: &OutboxItem) {
    let event = item.payload["event_id"].as_str().unwrap_or_default();
    let line = match item.state {
        OutboxState::Done => format!(
            "forwarded {event} to {} status={}",
            item.target,
            item.result.as_deref().unwrap_or_default()
        ),
        state => format!(
            "forward_failed {event} to {} attempt={} {}: {}",
            item.target,
            item.attempts,
            if state == OutboxState::Failed {
                "given up (listen replay sends it again)"
            } else {
                "retrying"
            },
            item.last_error.as_deref().unwrap_or_default()
        ),
    };
    println!("{line}");
    let _ = std::io::stdout().flush();
}

async fn replay(store: StoreArgs) -> CliResult {
    let store = store.open().await?;
    let requeued = store.requeue_failed(OutboxKind::Forward).await?;
    let options = DeliverOptions {
        kinds: vec![OutboxKind::Forward],
        ..DeliverOptions::default()
    };
    let report = outbox::deliver(&store, None, &options).await?;
    for item in report.delivered.iter().chain(&report.failed) {
        print_forward(item);
    }
    eprintln!(
        "{requeued} failed forward(s) put back; {} delivered, {} failed (kept in the outbox)",
        report.delivered.len(),
        report.failed.len()
    );
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::other(format!(
            "{} forward(s) could not be delivered",
            report.failed.len()
        )))
    }
}
