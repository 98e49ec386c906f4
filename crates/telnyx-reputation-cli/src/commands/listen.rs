//! `listen`: the webhook receiver of `telnyx-reputation-monitor` as a local server. It
//! prints its URL once bound, then one line per verified delivery; Ctrl-C stops it.

use std::io::Write;

use clap::Args;
use telnyx_reputation_monitor::Receiver;
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
    /// Forward each verified raw request (body and signature headers) to this URL.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Serve until Ctrl-C.
pub async fn run(args: ListenArgs) -> CliResult {
    let key = args.public_key.filter(|k| !k.is_empty()).ok_or_else(|| {
        CliError::usage("no public key: pass --public-key or set TELNYX_PUBLIC_KEY (deliveries are never accepted unverified)")
    })?;
    let store = args.store.open().await?;
    let mut receiver = Receiver::new(store, key)
        .map_err(|e| CliError::usage(format!("--public-key: {e}")))?
        .on_event(print_event);
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
    match &received.forwarded {
        Some(Ok(status)) => line.push_str(&format!(" forwarded={status}")),
        Some(Err(error)) => line.push_str(&format!(" forward_failed=\"{error}\"")),
        None => {}
    }
    println!("{line}");
    let _ = std::io::stdout().flush();
}
