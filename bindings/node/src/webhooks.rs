//! `webhooks.verify(payload, headers, publicKey)`: synchronous Ed25519 verification of a
//! delivery and its typed event, by the facade's `webhooks::verify`. Throws an `Error` with
//! `code === 'WEBHOOK_VERIFICATION'` when the signature, timestamp or body is not valid.
//! `webhooks.sign(..)` and `webhooks.publicKey(..)` make matching deliveries for tests.
//!
//! `headers` takes Node's `IncomingHttpHeaders` as it is (`req.headers`): an `undefined`
//! value is an absent header, and each element of an array value is one occurrence of that
//! header, so a repeated signature or timestamp header fails as the facade decides.

use std::collections::HashMap;

use napi::Either;
use napi::bindgen_prelude::{Buffer, Env};
use napi_derive::napi;
use serde::Deserialize;
use telnyx_reputation as facade;
use telnyx_reputation::webhooks as facade_webhooks;

use crate::convert::via_serde;
use crate::error;
use crate::models::Remediation;

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
// Built once per delivery and handed to JavaScript by value: the size gap does not matter.
#[allow(clippy::large_enum_variant)]
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
    /// `number_reputation.remediation.status_changed`: a remediation request changed status
    /// (sent to the request's own `webhookUrl`; an event type defined by telnyx-reputation,
    /// not by Telnyx). `remediation` is the request as `remediation.get` returns it.
    #[serde(skip)]
    RemediationStatusChanged {
        delivery: Delivery,
        enterprise_id: String,
        remediation: Remediation,
    },
    /// An event type this version does not know; `payload` is the body as received.
    Unknown { payload: serde_json::Value },
}

/// A header value as Node's `IncomingHttpHeaders` holds it.
type HeaderValue = Option<Either<String, Vec<String>>>;

/// Verify a delivery (raw body, its headers, your base64 Ed25519 public key) and return
/// the typed event. Header names are matched case-insensitively; `req.headers` can be
/// passed as it is. A signature or timestamp header given more than once (an array of
/// several values) fails: a delivery carries exactly one of each.
#[napi(namespace = "webhooks")]
pub fn verify(
    env: Env,
    payload: Either<Buffer, String>,
    #[napi(ts_arg_type = "Record<string, string | string[] | undefined>")] headers: HashMap<
        String,
        HeaderValue,
    >,
    public_key: String,
) -> napi::Result<WebhookEvent> {
    let occurrences = headers.iter().flat_map(|(name, value)| {
        let values: &[String] = match value {
            None => &[],
            Some(Either::A(one)) => std::slice::from_ref(one),
            Some(Either::B(many)) => many,
        };
        values.iter().map(move |v| (name.as_str(), v.as_str()))
    });
    facade_webhooks::verify(bytes(&payload), occurrences, &public_key)
        .and_then(|event| event_to_js(&event))
        .map_err(|e| error::to_js(&env, &e))
}

/// The headers Telnyx would send for `payload` signed at `timestamp` (Unix seconds) with a
/// base64 32-byte Ed25519 `signingKey`, as an object to pass to `verify`; for tests.
#[napi(namespace = "webhooks")]
pub fn sign(
    env: Env,
    payload: Either<Buffer, String>,
    timestamp: i64,
    signing_key: String,
) -> napi::Result<HashMap<String, String>> {
    facade_webhooks::sign(bytes(&payload), timestamp, &signing_key)
        .map(|pairs| pairs.into_iter().collect())
        .map_err(|e| error::to_js(&env, &e))
}

/// The base64 public key matching a base64 32-byte Ed25519 `signingKey`; for tests.
#[napi(namespace = "webhooks")]
pub fn public_key(env: Env, signing_key: String) -> napi::Result<String> {
    facade_webhooks::public_key(&signing_key).map_err(|e| error::to_js(&env, &e))
}

/// A payload given as a `Buffer` or as text.
fn bytes(payload: &Either<Buffer, String>) -> &[u8] {
    match payload {
        Either::A(buffer) => buffer,
        Either::B(text) => text.as_bytes(),
    }
}

fn event_to_js(event: &facade_webhooks::WebhookEvent) -> Result<WebhookEvent, facade::Error> {
    match event {
        facade_webhooks::WebhookEvent::Unknown(payload) => Ok(WebhookEvent::Unknown {
            payload: payload.clone(),
        }),
        // The model classes convert from the facade's, not through serde.
        facade_webhooks::WebhookEvent::RemediationStatusChanged(changed) => {
            Ok(WebhookEvent::RemediationStatusChanged {
                delivery: via_serde(&changed.delivery)?,
                enterprise_id: changed.enterprise_id.clone(),
                remediation: Remediation::from(changed.remediation.clone()),
            })
        }
        known => via_serde(known),
    }
}
