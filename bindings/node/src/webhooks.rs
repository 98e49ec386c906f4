//! `webhooks.verify(payload, headers, publicKey)`: synchronous Ed25519 verification of a
//! delivery and its typed event, by the facade's `webhooks::verify`. Throws an `Error` with
//! `code === 'WEBHOOK_VERIFICATION'` when the signature, timestamp or body is not valid.

use std::collections::HashMap;

use napi::Either;
use napi::bindgen_prelude::{Buffer, Env};
use napi_derive::napi;
use serde::Deserialize;
use telnyx_reputation as facade;
use telnyx_reputation::webhooks as facade_webhooks;

use crate::convert::via_serde;
use crate::error;

/// Delivery metadata of a webhook.
#[napi(object)]
#[derive(Deserialize)]
pub struct Delivery {
    /// Event id; the same on redelivery, so use it to de-duplicate.
    pub event_id: String,
    /// ISO 8601 time the event happened.
    pub occurred_at: String,
    /// Delivery attempt, from 1.
    pub attempt: i64,
    /// The URL it was delivered to.
    pub delivered_to: String,
}

/// A verified Number Reputation webhook, discriminated by `type`.
#[napi(discriminant = "type", discriminant_case = "snake_case")]
#[derive(Deserialize)]
#[serde(tag = "type", content = "event", rename_all = "snake_case")]
pub enum WebhookEvent {
    /// `number_reputation.number.flagged`: confirm ownership before `confirmBy`.
    NumberFlagged {
        delivery: Delivery,
        enterprise_id: String,
        phone_number: String,
        source: String,
        ownership_status: String,
        flag_reason: String,
        confirm_by: String,
    },
    /// `number_reputation.number.removed`: the number left monitoring.
    NumberRemoved {
        delivery: Delivery,
        enterprise_id: String,
        phone_number: String,
        source: String,
        ownership_status: String,
        removal_reason: String,
        removed_at: String,
    },
    /// `number_reputation.external_verification.status_changed`.
    ExternalVerificationStatusChanged {
        delivery: Delivery,
        enterprise_id: String,
        status: String,
        rejection_reason: Option<String>,
        reviewed_at: String,
    },
    /// An event type this version does not know; `payload` is the body as received.
    Unknown { payload: serde_json::Value },
}

/// Verify a delivery (raw body, its headers, your base64 Ed25519 public key) and return
/// the typed event. Header names are matched case-insensitively.
#[napi(namespace = "webhooks")]
pub fn verify(
    env: Env,
    payload: Either<Buffer, String>,
    headers: HashMap<String, String>,
    public_key: String,
) -> napi::Result<WebhookEvent> {
    let payload: &[u8] = match &payload {
        Either::A(buffer) => buffer,
        Either::B(text) => text.as_bytes(),
    };
    facade_webhooks::verify(payload, &headers, &public_key)
        .and_then(|event| event_to_js(&event))
        .map_err(|e| error::to_js(&env, &e))
}

fn event_to_js(event: &facade_webhooks::WebhookEvent) -> Result<WebhookEvent, facade::Error> {
    match event {
        facade_webhooks::WebhookEvent::Unknown(payload) => Ok(WebhookEvent::Unknown {
            payload: payload.clone(),
        }),
        known => via_serde(known),
    }
}
