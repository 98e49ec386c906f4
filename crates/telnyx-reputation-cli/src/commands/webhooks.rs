//! `webhooks verify`: check a delivery's Ed25519 signature and timestamp locally (no
//! request) and print the typed event. Exit 1 when it does not verify.

use std::path::PathBuf;

use clap::Subcommand;
use telnyx_reputation::webhooks::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookEvent};

use super::Context;
use crate::exit::{CliError, CliResult};
use crate::output::{View, cell, opt};

/// Webhook operations.
#[derive(Subcommand, Debug)]
pub enum WebhooksCommand {
    /// Verify a webhook delivery and print its event.
    Verify {
        /// Base64 Ed25519 public key from the Telnyx portal.
        #[arg(long, env = "TELNYX_PUBLIC_KEY")]
        public_key: String,
        /// The `telnyx-signature-ed25519` header.
        #[arg(long)]
        signature: String,
        /// The `telnyx-timestamp` header (Unix seconds).
        #[arg(long)]
        timestamp: String,
        /// The raw request body, byte for byte (`-` for stdin).
        #[arg(long, value_name = "PATH|-", default_value = "-")]
        payload: PathBuf,
    },
}

/// Run a `webhooks` subcommand.
pub fn run(ctx: &Context, command: WebhooksCommand) -> CliResult {
    let WebhooksCommand::Verify {
        public_key,
        signature,
        timestamp,
        payload,
    } = command;
    let body = if payload.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
        bytes
    } else {
        std::fs::read(&payload)
            .map_err(|e| CliError::other(format!("cannot read {}: {e}", payload.display())))?
    };
    let headers = [(SIGNATURE_HEADER, signature), (TIMESTAMP_HEADER, timestamp)];
    let event = webhooks::verify(&body, headers, &public_key)?;
    Ok(event_view(&event).print(ctx.format())?)
}

fn event_view(event: &WebhookEvent) -> View {
    let (kind, delivery_id, phone_number) = match event {
        WebhookEvent::NumberFlagged(e) => (
            "number_reputation.number.flagged",
            Some(&e.delivery.event_id),
            Some(&e.phone_number),
        ),
        WebhookEvent::NumberRemoved(e) => (
            "number_reputation.number.removed",
            Some(&e.delivery.event_id),
            Some(&e.phone_number),
        ),
        WebhookEvent::ExternalVerificationStatusChanged(e) => (
            "number_reputation.external_verification.status_changed",
            Some(&e.delivery.event_id),
            None,
        ),
        _ => ("unknown", None, None),
    };
    View::record(
        vec!["verified", "event_type", "event_id", "phone_number"],
        vec![cell(true), cell(kind), opt(delivery_id), opt(phone_number)],
        View::json_of(event),
    )
}
