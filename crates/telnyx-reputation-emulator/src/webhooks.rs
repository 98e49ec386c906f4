//! Webhook events and their signed, retried delivery.
//!
//! State changes put events in the account's [`Outbox`] (under the world lock, so they are
//! ordered and deterministic); `AppState` moves them to the delivery queue, and the delivery
//! task started with the server POSTs each one, signed as Telnyx signs: the header
//! `telnyx-signature-ed25519` is the base64 Ed25519 signature of `"{telnyx-timestamp}|{body}"`
//! and `telnyx-timestamp` is the wall-clock Unix time of the attempt (so receivers' 300 s
//! tolerance holds however far the virtual clock ran ahead). A non-2xx answer or a
//! connection failure is retried after 100 ms, 200 ms, 400 ms and 800 ms (5 attempts at
//! most) with the same `data.id` and `meta.attempt` counting up; every attempt is logged.
//!
//! Targets are checked before any connection: loopback hosts (and hosts given with
//! `--webhook-allow-host`) only, `http://` only for loopback. Redirects are not followed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::Duration;

use crate::clock::timestamp;
use crate::data::seeded_uuid;
use crate::error::ApiError;
use crate::model::{Enterprise, ExternalVerification, NumberRecord, Remediation};
use crate::views::{contract_json, off_contract};
use telnyx_reputation_api::types;

/// Waits between attempts; its length + 1 is the attempt limit.
pub const RETRY_DELAYS: [Duration; 4] = [
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
    Duration::from_millis(800),
];

/// How many delivery attempts the log keeps (oldest dropped first).
pub const LOG_CAPACITY: usize = 10_000;

/// Our own event type for remediation status notifications (not a Telnyx event type).
pub const REMEDIATION_EVENT: &str = "number_reputation.remediation.status_changed";

/// A number awaits its ownership confirmation.
pub const FLAGGED_EVENT: &str = "number_reputation.number.flagged";

/// Telnyx took a number out of monitoring.
pub const REMOVED_EVENT: &str = "number_reputation.number.removed";

/// The external verification was reviewed.
pub const VERIFICATION_EVENT: &str = "number_reputation.external_verification.status_changed";

/// One event bound for one URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    /// `data.id`, reused by every attempt.
    pub id: String,
    /// `data.event_type`.
    pub event_type: String,
    /// `data.occurred_at` (virtual time).
    pub occurred_at: DateTime<Utc>,
    /// `data.payload`.
    pub payload: Value,
    /// Where it goes (`meta.delivered_to`).
    pub url: String,
    /// The API key of the account it belongs to (saved as its digest).
    #[serde(serialize_with = "crate::keys::as_digest")]
    pub account: String,
}

/// The envelope of attempt `attempt` of `event` as the contract's generated event type
/// `$event` (data `$data`): the payload is read into that event's payload type, so an event
/// cannot go out with a field its schema lacks or without a required one.
macro_rules! typed_envelope {
    ($event:ident, $data:ident, $self:ident, $attempt:ident) => {{
        const SCHEMA: &str = stringify!($event);
        let typed = types::$event {
            data: types::$data {
                event_type: $self.event_type.clone(),
                id: $self.id.clone(),
                occurred_at: $self.occurred_at,
                payload: serde_json::from_value($self.payload.clone())
                    .map_err(|e| off_contract(SCHEMA, e))?,
                record_type: "event".into(),
            },
            meta: types::WebhookMeta {
                attempt: std::num::NonZeroU64::new(u64::from($attempt))
                    .ok_or_else(|| off_contract(SCHEMA, "attempt 0"))?,
                delivered_to: $self.url.clone(),
            },
        };
        contract_json(SCHEMA, &typed)
    }};
}

impl Event {
    /// The documented envelope for attempt `attempt` (1-based), built as the contract's
    /// event type for `event_type`. Should the event not fit it (an emulator bug), the
    /// envelope still goes out, with the problem as an error body in `data.payload`, so the
    /// receiver's test sees it rather than a silently off-contract event.
    pub fn envelope(&self, attempt: u32) -> Value {
        self.typed_envelope(attempt).unwrap_or_else(|refused| {
            json!({
                "data": {
                    "id": self.id,
                    "event_type": self.event_type,
                    "occurred_at": timestamp(self.occurred_at),
                    "payload": refused.body(),
                    "record_type": "event",
                },
                "meta": { "attempt": attempt, "delivered_to": self.url },
            })
        })
    }

    fn typed_envelope(&self, attempt: u32) -> Result<Value, ApiError> {
        match self.event_type.as_str() {
            FLAGGED_EVENT => {
                typed_envelope!(NumberFlaggedEvent, NumberFlaggedEventData, self, attempt)
            }
            REMOVED_EVENT => {
                typed_envelope!(NumberRemovedEvent, NumberRemovedEventData, self, attempt)
            }
            VERIFICATION_EVENT => typed_envelope!(
                ExternalVerificationStatusChangedEvent,
                ExternalVerificationStatusChangedEventData,
                self,
                attempt
            ),
            REMEDIATION_EVENT => typed_envelope!(
                RemediationStatusChangedEvent,
                RemediationStatusChangedEventData,
                self,
                attempt
            ),
            other => Err(off_contract(
                "webhook event",
                format!("no event schema for the event type '{other}'"),
            )),
        }
    }
}

/// Events an account produced that still have to reach the delivery queue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outbox {
    #[serde(serialize_with = "crate::keys::as_digest")]
    key: String,
    counter: u64,
    /// Pending events, oldest first.
    pub events: Vec<Event>,
}

impl Outbox {
    /// The outbox of the account `key`.
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_string(),
            counter: 0,
            events: Vec::new(),
        }
    }

    /// Take the account's key back after a restore (see `persist`).
    pub fn rekey(&mut self, key: &str) {
        self.key = key.to_string();
        for event in &mut self.events {
            event.account = key.to_string();
        }
    }

    /// Queue an event for `url`; without a URL there is nobody to tell and nothing happens.
    pub fn emit(
        &mut self,
        url: Option<String>,
        seed: u64,
        event_type: &str,
        occurred_at: DateTime<Utc>,
        payload: Value,
    ) {
        let Some(url) = url else { return };
        self.counter += 1;
        let id = seeded_uuid(seed, &format!("{}#events", self.key), self.counter);
        self.events.push(Event {
            id,
            event_type: event_type.to_string(),
            occurred_at,
            payload,
            url,
            account: self.key.clone(),
        });
    }

    /// `number_reputation.number.flagged` for a number awaiting confirmation.
    pub fn flagged(&mut self, url: Option<String>, record: &NumberRecord, seed: u64) {
        let payload = record
            .flagged_payload()
            .unwrap_or_else(|refused| refused.body());
        self.emit(url, seed, FLAGGED_EVENT, record.updated_at, payload);
    }

    /// `number_reputation.number.removed` for a number Telnyx (not the customer's DELETE)
    /// took out of monitoring.
    pub fn removed(&mut self, url: Option<String>, record: &NumberRecord, seed: u64) {
        let at = record.removed_at.unwrap_or(record.updated_at);
        let payload = record
            .removed_payload(at)
            .unwrap_or_else(|refused| refused.body());
        self.emit(url, seed, REMOVED_EVENT, at, payload);
    }

    /// `number_reputation.external_verification.status_changed` (approved or rejected).
    pub fn verification(
        &mut self,
        url: Option<String>,
        enterprise_id: &str,
        ext: &ExternalVerification,
        seed: u64,
    ) {
        let at = ext.review.decided_at.unwrap_or(ext.submitted_at);
        let payload = ext
            .event_payload(enterprise_id, at)
            .unwrap_or_else(|refused| refused.body());
        self.emit(url, seed, VERIFICATION_EVENT, at, payload);
    }

    /// Our remediation status notification to the request's own `webhook_url`.
    pub fn remediation(&mut self, enterprise_id: &str, request: &Remediation, seed: u64) {
        // The contract's `RemediationStatusChangedPayload`; a request it refused (an emulator
        // bug, answered as a 500 on the API) is still notified, with that error as its data.
        let payload = request
            .event_payload(enterprise_id)
            .unwrap_or_else(|refused| refused.body());
        self.emit(
            request.webhook_url.clone(),
            seed,
            REMEDIATION_EVENT,
            request.updated_at,
            payload,
        );
    }

    /// Notify every remediation and external-verification change not yet notified.
    pub fn changes(&mut self, enterprise: &mut Enterprise, seed: u64) {
        let Enterprise {
            id, remediations, ..
        } = enterprise;
        for request in remediations.iter_mut() {
            if request.status != request.notified_status {
                request.notified_status = request.status;
                self.remediation(id, request, seed);
            }
        }
        if let Some(ext) = &enterprise.external_verification {
            let gate = ext.review.gate;
            if gate != crate::model::Gate::Pending && enterprise.notified_verification != Some(gate)
            {
                let url = enterprise
                    .reputation
                    .as_ref()
                    .and_then(|r| r.webhook_url.clone());
                self.verification(url, &enterprise.id, ext, seed);
            }
            enterprise.notified_verification = Some(gate);
        }
    }
}

/// One delivery attempt, as `GET /_emulator/webhooks/deliveries` shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attempt {
    /// `data.id`.
    pub event_id: String,
    /// `data.event_type`.
    pub event_type: String,
    /// Target URL.
    pub url: String,
    /// 1-based attempt number.
    pub attempt: u32,
    /// HTTP status of the answer, if there was one.
    pub status: Option<u16>,
    /// Why there was no 2xx answer (connection error, blocked target), if so.
    pub error: Option<String>,
    /// Virtual time of the attempt.
    pub at: DateTime<Utc>,
    /// The `telnyx-timestamp` header sent (wall-clock Unix seconds).
    pub timestamp: i64,
    /// Owning account (saved as its key's digest).
    #[serde(serialize_with = "crate::keys::as_digest")]
    pub account: String,
}

impl Attempt {
    fn to_json(&self) -> Value {
        json!({
            "event_id": self.event_id,
            "event_type": self.event_type,
            "url": self.url,
            "attempt": self.attempt,
            "status": self.status,
            "error": self.error,
            "at": timestamp(self.at),
            "timestamp": self.timestamp,
        })
    }
}

/// The delivery queue and log of the whole emulator.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Deliveries {
    /// Events not yet handed to a delivery task.
    pub queue: VecDeque<Event>,
    /// Every attempt, oldest first.
    pub log: VecDeque<Attempt>,
    /// Events handed to a delivery task and not finished yet (queued again after a restart).
    #[serde(default)]
    pub in_flight: Vec<Event>,
}

impl Deliveries {
    /// Log an attempt.
    pub fn record(&mut self, attempt: Attempt) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(attempt);
    }

    /// The log, of one account or all.
    pub fn to_json(&self, account: Option<&str>) -> Value {
        let items: Vec<Value> = self
            .log
            .iter()
            .filter(|a| account.is_none_or(|k| a.account == k))
            .map(Attempt::to_json)
            .collect();
        json!({ "data": items })
    }

    /// Give the events and attempts of a restored account (saved under `digest`) its key.
    pub fn rekey(&mut self, digest: &str, key: &str) {
        let events = self.queue.iter_mut().chain(self.in_flight.iter_mut());
        for account in events
            .map(|e| &mut e.account)
            .chain(self.log.iter_mut().map(|a| &mut a.account))
        {
            if account == digest {
                *account = key.to_string();
            }
        }
    }

    /// Forget one account's (or every) queued event and logged attempt.
    pub fn clear(&mut self, account: Option<&str>) {
        match account {
            Some(key) => {
                self.queue.retain(|e| e.account != key);
                self.log.retain(|a| a.account != key);
                self.in_flight.retain(|e| e.account != key);
            }
            None => {
                self.queue.clear();
                self.log.clear();
                self.in_flight.clear();
            }
        }
    }
}

/// The signing key and the target policy.
#[derive(Clone)]
pub struct WebhookSettings {
    key: SigningKey,
    /// Hosts allowed besides loopback (lower-case).
    pub allow_hosts: Vec<String>,
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("public_key", &self.public_key())
            .field("allow_hosts", &self.allow_hosts)
            .finish()
    }
}

impl WebhookSettings {
    /// The key pair derived from the emulator seed: SHA-256 of a fixed label and the seed.
    pub fn from_seed(seed: u64) -> Self {
        let mut hash = Sha256::new();
        hash.update(b"telnyx-reputation-emulator webhook signing key v1");
        hash.update(seed.to_le_bytes());
        Self::from_secret(hash.finalize().into())
    }

    /// The key pair from a 32-byte Ed25519 secret.
    pub fn from_secret(secret: [u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(&secret),
            allow_hosts: Vec::new(),
        }
    }

    /// Parse `--webhook-key`: the base64 of a 32-byte Ed25519 secret.
    pub fn parse_secret(s: &str) -> Result<[u8; 32], String> {
        let bytes = BASE64
            .decode(s.trim())
            .map_err(|e| format!("--webhook-key is not base64: {e}"))?;
        <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
            format!(
                "--webhook-key must decode to 32 bytes (an Ed25519 secret), got {}",
                bytes.len()
            )
        })
    }

    /// The base64 public key receivers verify with.
    pub fn public_key(&self) -> String {
        BASE64.encode(self.key.verifying_key().as_bytes())
    }

    /// `telnyx-signature-ed25519` for `body` sent at `unix_seconds`.
    pub fn sign(&self, unix_seconds: i64, body: &[u8]) -> String {
        let mut message = format!("{unix_seconds}|").into_bytes();
        message.extend_from_slice(body);
        BASE64.encode(self.key.sign(&message).to_bytes())
    }

    /// Why the emulator will not POST to `url`, if it will not.
    pub fn refuse(&self, url: &str) -> Option<String> {
        let parsed = match url::Url::parse(url) {
            Ok(u) => u,
            Err(e) => return Some(format!("not delivered: '{url}' is not a URL ({e})")),
        };
        let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
        let loopback = is_loopback_host(&host);
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            scheme => {
                return Some(format!(
                    "not delivered: {scheme}:// is accepted only for loopback targets"
                ));
            }
        }
        if loopback || self.allow_hosts.contains(&host) {
            None
        } else {
            Some(format!(
                "not delivered: host '{host}' is not loopback; start the emulator with --webhook-allow-host {host} to allow it"
            ))
        }
    }
}

/// `localhost`, `127.0.0.0/8` or `::1` (brackets allowed).
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The HTTP client deliveries use: no redirects, no proxies, 5 s per attempt.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_derived_keys_sign_verifiably() {
        let settings = WebhookSettings::from_seed(7);
        assert_eq!(
            settings.public_key(),
            WebhookSettings::from_seed(7).public_key()
        );
        assert_ne!(
            settings.public_key(),
            WebhookSettings::from_seed(8).public_key()
        );
        let signature = BASE64
            .decode(settings.sign(1700000000, b"{}"))
            .expect("b64");
        let signature = ed25519_dalek::Signature::from_slice(&signature).expect("64 bytes");
        settings
            .key
            .verifying_key()
            .verify_strict(b"1700000000|{}", &signature)
            .expect("verifies");
    }

    fn event(event_type: &str, payload: Value) -> Event {
        Event {
            id: "evt-1".into(),
            event_type: event_type.into(),
            occurred_at: chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
                .unwrap()
                .into(),
            payload,
            url: "http://127.0.0.1:9/hook".into(),
            account: "k".into(),
        }
    }

    #[test]
    fn envelopes_are_built_as_the_contracts_event_types() {
        let payload = json!({
            "record_type": "reputation_phone_number",
            "enterprise_id": "6f1d2c3b-0000-4000-8000-000000000001",
            "phone_number": "+12025550100",
            "source": "telnyx",
            "ownership_status": "removed",
            "removal_reason": "ported_away",
            "removed_at": "2026-01-02T03:04:05Z",
        });
        let sent = event(REMOVED_EVENT, payload).envelope(2);
        let typed: types::NumberRemovedEvent =
            serde_json::from_value(sent.clone()).expect("a NumberRemovedEvent");
        assert_eq!(typed.meta.attempt.get(), 2);
        assert_eq!(typed.data.payload.removal_reason, "ported_away");
        // Timestamps in the API's format, the payload's included.
        assert_eq!(sent["data"]["occurred_at"], "2026-01-02T03:04:05.000000Z");
        assert_eq!(
            sent["data"]["payload"]["removed_at"],
            "2026-01-02T03:04:05.000000Z"
        );
    }

    #[test]
    fn an_event_that_does_not_fit_its_schema_carries_the_problem_instead() {
        // A flagged payload without its deadline, and an event type the contract lacks.
        let payload = json!({
            "record_type": "reputation_phone_number",
            "enterprise_id": "6f1d2c3b-0000-4000-8000-000000000001",
            "phone_number": "+12025550100",
            "source": "telnyx",
            "ownership_status": "pending_confirmation",
            "flag_reason": "carrier_changed",
        });
        let sent = event(FLAGGED_EVENT, payload).envelope(1);
        let detail = sent["data"]["payload"]["errors"][0]["detail"]
            .as_str()
            .unwrap();
        assert!(
            detail.contains("NumberFlaggedEvent") && detail.contains("confirm_by"),
            "{detail}"
        );
        let sent = event("number_reputation.unknown", json!({})).envelope(1);
        let detail = sent["data"]["payload"]["errors"][0]["detail"]
            .as_str()
            .unwrap();
        assert!(detail.contains("number_reputation.unknown"), "{detail}");
    }

    #[test]
    fn only_loopback_targets_by_default() {
        let mut settings = WebhookSettings::from_seed(0);
        assert_eq!(settings.refuse("http://127.0.0.1:9000/hook"), None);
        assert_eq!(settings.refuse("http://[::1]:9000/hook"), None);
        assert_eq!(settings.refuse("https://localhost/hook"), None);
        assert!(settings.refuse("https://example.com/hook").is_some());
        assert!(settings.refuse("http://10.0.0.1/hook").is_some());
        settings.allow_hosts.push("hooks.internal".into());
        assert_eq!(settings.refuse("https://hooks.internal/x"), None);
        assert!(settings.refuse("http://hooks.internal/x").is_some());
    }
}
