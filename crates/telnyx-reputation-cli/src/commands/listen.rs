//! `listen`: the webhook receiver of `telnyx-reputation-monitor` as a local server. It
//! prints its URL once bound, then one line per verified delivery; Ctrl-C stops it.

use std::io::Write;

use clap::{Args, Subcommand};
use telnyx_reputation_monitor::Receiver;
use telnyx_reputation_monitor::outbox::{
    self, DeliverOptions, OutboxItem, OutboxKind, OutboxState,
};
use telnyx_reputation_monitor::receiver::Received;

use crate::commands::monitor::StoreArgs;
use crate::exit::{CliError, CliResult};

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

/// Serve until Ctrl-C (or run `listen replay`).
pub async fn run(args: ListenArgs) -> CliResult {
    if let Some(ListenCommand::Replay { store }) = args.command {
        return replay(store).await;
    }
    let key = args.public_key.filter(|k| !k.is_empty()).ok_or_else(|| {
        CliError::usage("no public key: pass --public-key or set TELNYX_PUBLIC_KEY (deliveries are never accepted unverified)")
    })?;
    let store = args.store.open().await?;
    let mut receiver = Receiver::new(store, key)
        .map_err(|e| CliError::usage(format!("--public-key: {e}")))?
        .on_event(print_event)
        .on_forward(print_forward);
    if let Some(url) = &args.forward_to {
        receiver = receiver.forward_to(url);
    }
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| {
            CliError::other(format!("cannot listen on {}:{}: {e}", args.host, args.port))
        })?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    receiver
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
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
