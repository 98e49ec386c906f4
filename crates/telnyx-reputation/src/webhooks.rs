//! Webhook verification: check the Ed25519 signature Telnyx puts on each delivery (over
//! `"{telnyx-timestamp}|{raw body}"`, 300 s tolerance both ways) and decode the typed event.
//! `sign` and `public_key` produce the same headers for tests. No HTTP lives here.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use telnyx_reputation_api::types as g;

use crate::enums::RemediationStatus;
use crate::enums::{GateStatus, NumberSource, OwnershipStatus, RemovalReason};
use crate::models::Remediation;
use crate::{Error, convert};

/// Header carrying the base64 Ed25519 signature.
pub const SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";
/// Header carrying the Unix timestamp (seconds) that was signed.
pub const TIMESTAMP_HEADER: &str = "telnyx-timestamp";
/// How far the timestamp may be from now, in either direction, in seconds.
pub const TOLERANCE_SECONDS: i64 = 300;

const FLAGGED: &str = "number_reputation.number.flagged";
const REMOVED: &str = "number_reputation.number.removed";
const VERIFICATION: &str = "number_reputation.external_verification.status_changed";
const REMEDIATION: &str = "number_reputation.remediation.status_changed";

/// Delivery metadata of a webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Event id; the same on redelivery, so use it to de-duplicate.
    pub event_id: String,
    /// When the event happened.
    pub occurred_at: DateTime<Utc>,
    /// Delivery attempt, from 1.
    pub attempt: u64,
    /// The URL it was delivered to.
    pub delivered_to: String,
}

/// A monitored number's ownership was flagged and needs confirming before `confirm_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberFlagged {
    /// Delivery metadata.
    pub delivery: Delivery,
    /// The enterprise monitoring the number.
    pub enterprise_id: String,
    /// The number.
    pub phone_number: String,
    /// Where the number is hosted.
    pub source: NumberSource,
    /// Ownership state (`pending_confirmation`).
    pub ownership_status: OwnershipStatus,
    /// Why it was flagged, e.g. `carrier_changed`.
    pub flag_reason: String,
    /// Deadline to confirm ownership.
    pub confirm_by: DateTime<Utc>,
}

/// A number left monitoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberRemoved {
    /// Delivery metadata.
    pub delivery: Delivery,
    /// The enterprise that monitored the number.
    pub enterprise_id: String,
    /// The number.
    pub phone_number: String,
    /// Where the number is hosted.
    pub source: NumberSource,
    /// Ownership state (`removed`).
    pub ownership_status: OwnershipStatus,
    /// Why it was removed.
    pub removal_reason: RemovalReason,
    /// When it was removed.
    pub removed_at: DateTime<Utc>,
}

/// The review of external-number evidence changed state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalVerificationStatusChanged {
    /// Delivery metadata.
    pub delivery: Delivery,
    /// The enterprise.
    pub enterprise_id: String,
    /// New review state.
    pub status: GateStatus,
    /// Why the evidence was rejected.
    pub rejection_reason: Option<String>,
    /// When it was reviewed.
    pub reviewed_at: DateTime<Utc>,
}

/// A remediation request changed status (sent to the request's own `webhook_url`).
/// This event type is defined by telnyx-reputation, not by Telnyx: the payload is the
/// request as `Remediations::get` returns it, plus its enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemediationStatusChanged {
    /// Delivery metadata.
    pub delivery: Delivery,
    /// The enterprise that submitted the request.
    pub enterprise_id: String,
    /// The request, with its new `status` (and `results` once there are any).
    pub remediation: Remediation,
}

/// A verified Number Reputation webhook.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "event", rename_all = "snake_case")]
pub enum WebhookEvent {
    /// `number_reputation.number.flagged`.
    NumberFlagged(NumberFlagged),
    /// `number_reputation.number.removed`.
    NumberRemoved(NumberRemoved),
    /// `number_reputation.external_verification.status_changed`.
    ExternalVerificationStatusChanged(ExternalVerificationStatusChanged),
    /// `number_reputation.remediation.status_changed`.
    RemediationStatusChanged(RemediationStatusChanged),
    /// An event type this version does not know, as received.
    Unknown(serde_json::Value),
}

/// Verify a delivery against the current time. `headers` are matched case-insensitively;
/// `public_key` is the base64 Ed25519 public key from the Telnyx portal.
pub fn verify<H, K, V>(payload: &[u8], headers: H, public_key: &str) -> Result<WebhookEvent, Error>
where
    H: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    verify_at(payload, headers, public_key, Utc::now())
}

/// [`verify`] against an explicit clock.
pub fn verify_at<H, K, V>(
    payload: &[u8],
    headers: H,
    public_key: &str,
    now: DateTime<Utc>,
) -> Result<WebhookEvent, Error>
where
    H: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let key = verifying_key(public_key)?;
    let (signature, timestamp) = signature_headers(headers)?;
    let signature = decode_signature(&signature)?;
    key.verify_strict(&signed_message(&timestamp, payload), &signature)
        .map_err(|_| failure("the signature does not match the payload"))?;
    check_timestamp(&timestamp, now)?;
    parse_event(payload)
}

/// Sign `payload` as Telnyx would, for tests. `signing_key` is a base64 32-byte Ed25519
/// secret key; returns the `telnyx-signature-ed25519` and `telnyx-timestamp` header pairs.
pub fn sign(
    payload: &[u8],
    timestamp: i64,
    signing_key: &str,
) -> Result<Vec<(String, String)>, Error> {
    let key = signing_key_from(signing_key)?;
    let timestamp = timestamp.to_string();
    let signature = key.sign(&signed_message(&timestamp, payload));
    Ok(vec![
        (
            SIGNATURE_HEADER.to_owned(),
            STANDARD.encode(signature.to_bytes()),
        ),
        (TIMESTAMP_HEADER.to_owned(), timestamp),
    ])
}

/// The base64 public key matching a base64 32-byte signing key.
pub fn public_key(signing_key: &str) -> Result<String, Error> {
    let key = signing_key_from(signing_key)?;
    Ok(STANDARD.encode(key.verifying_key().to_bytes()))
}

fn failure(message: impl Into<String>) -> Error {
    Error::WebhookVerification {
        message: message.into(),
    }
}

fn signed_message(timestamp: &str, payload: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(timestamp.len() + 1 + payload.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'|');
    message.extend_from_slice(payload);
    message
}

fn decode_fixed<const N: usize>(what: &str, text: &str) -> Result<[u8; N], Error> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|_| failure(format!("{what} is not valid base64")))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| failure(format!("{what} must be {N} bytes, got {}", b.len())))
}

fn verifying_key(public_key: &str) -> Result<VerifyingKey, Error> {
    let bytes = decode_fixed::<32>("the public key", public_key)?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| failure("the public key is not a valid Ed25519 key"))
}

fn signing_key_from(signing_key: &str) -> Result<SigningKey, Error> {
    Ok(SigningKey::from_bytes(&decode_fixed::<32>(
        "the signing key",
        signing_key,
    )?))
}

fn decode_signature(text: &str) -> Result<Signature, Error> {
    Ok(Signature::from_bytes(&decode_fixed::<64>(
        "the signature",
        text,
    )?))
}

/// The signature and timestamp headers, matched case-insensitively. Each must appear
/// exactly once: a delivery carrying two signatures or two timestamps is malformed, and
/// picking one of them would let the other pass unchecked.
fn signature_headers<H, K, V>(headers: H) -> Result<(String, String), Error>
where
    H: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let (mut signature, mut timestamp) = (None, None);
    for (name, value) in headers {
        let name = name.as_ref();
        let (slot, header) = if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
            (&mut signature, SIGNATURE_HEADER)
        } else if name.eq_ignore_ascii_case(TIMESTAMP_HEADER) {
            (&mut timestamp, TIMESTAMP_HEADER)
        } else {
            continue;
        };
        if slot.is_some() {
            return Err(failure(format!(
                "the {header} header is repeated; a delivery carries exactly one"
            )));
        }
        *slot = Some(value.as_ref().trim().to_owned());
    }
    let signature =
        signature.ok_or_else(|| failure(format!("missing {SIGNATURE_HEADER} header")))?;
    let timestamp =
        timestamp.ok_or_else(|| failure(format!("missing {TIMESTAMP_HEADER} header")))?;
    Ok((signature, timestamp))
}

fn check_timestamp(timestamp: &str, now: DateTime<Utc>) -> Result<(), Error> {
    let seconds: i64 = timestamp.parse().map_err(|_| {
        failure(format!(
            "{TIMESTAMP_HEADER} {timestamp:?} is not a Unix timestamp"
        ))
    })?;
    let skew = now.timestamp() - seconds;
    if skew > TOLERANCE_SECONDS {
        return Err(failure(format!(
            "the timestamp is {skew} s old (tolerance {TOLERANCE_SECONDS} s)"
        )));
    }
    if -skew > TOLERANCE_SECONDS {
        return Err(failure(format!(
            "the timestamp is {} s in the future (tolerance {TOLERANCE_SECONDS} s)",
            -skew
        )));
    }
    Ok(())
}

/// Decode a verified body into a typed event.
fn parse_event(payload: &[u8]) -> Result<WebhookEvent, Error> {
    let value: serde_json::Value = serde_json::from_slice(payload)
        .map_err(|e| failure(format!("the body is not JSON: {e}")))?;
    let event_type = value
        .pointer("/data/event_type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let typed = |e: serde_json::Error| failure(format!("malformed {event_type} event: {e}"));
    Ok(match event_type.as_str() {
        FLAGGED => {
            WebhookEvent::NumberFlagged(flagged(serde_json::from_value(value).map_err(typed)?))
        }
        REMOVED => {
            WebhookEvent::NumberRemoved(removed(serde_json::from_value(value).map_err(typed)?))
        }
        VERIFICATION => WebhookEvent::ExternalVerificationStatusChanged(verification(
            serde_json::from_value(value).map_err(typed)?,
        )),
        REMEDIATION => WebhookEvent::RemediationStatusChanged(remediation(
            serde_json::from_value(value).map_err(typed)?,
        )),
        _ => WebhookEvent::Unknown(value),
    })
}

fn delivery(id: String, occurred_at: DateTime<Utc>, meta: g::WebhookMeta) -> Delivery {
    Delivery {
        event_id: id,
        occurred_at,
        attempt: meta.attempt.get(),
        delivered_to: meta.delivered_to,
    }
}

fn flagged(e: g::NumberFlaggedEvent) -> NumberFlagged {
    let p = e.data.payload;
    NumberFlagged {
        delivery: delivery(e.data.id, e.data.occurred_at, e.meta),
        enterprise_id: p.enterprise_id.to_string(),
        phone_number: p.phone_number,
        source: NumberSource::from_wire(&p.source.0),
        ownership_status: OwnershipStatus::from_wire(&p.ownership_status),
        flag_reason: p.flag_reason,
        confirm_by: p.confirm_by,
    }
}

fn removed(e: g::NumberRemovedEvent) -> NumberRemoved {
    let p = e.data.payload;
    NumberRemoved {
        delivery: delivery(e.data.id, e.data.occurred_at, e.meta),
        enterprise_id: p.enterprise_id.to_string(),
        phone_number: p.phone_number,
        source: NumberSource::from_wire(&p.source.0),
        ownership_status: OwnershipStatus::from_wire(&p.ownership_status),
        removal_reason: RemovalReason::from_wire(&p.removal_reason),
        removed_at: p.removed_at,
    }
}

fn remediation(e: g::RemediationStatusChangedEvent) -> RemediationStatusChanged {
    let p = e.data.payload;
    RemediationStatusChanged {
        delivery: delivery(e.data.id, e.data.occurred_at, e.meta),
        enterprise_id: p.enterprise_id.to_string(),
        remediation: Remediation {
            id: p.id.to_string(),
            status: RemediationStatus::from_wire(&p.status.0),
            phone_numbers_count: p.phone_numbers_count,
            phone_numbers_submitted: p.phone_numbers_submitted.unwrap_or_default(),
            phone_numbers_ineligible: p.phone_numbers_ineligible.unwrap_or_default(),
            call_purpose: p.call_purpose,
            contact_email: p.contact_email,
            webhook_url: p.webhook_url,
            tier1_completed_at: p.tier1_completed_at,
            tier2_completed_at: p.tier2_completed_at,
            results: p.results.map(convert::remediation_results),
            created_at: p.created_at,
            updated_at: p.updated_at,
        },
    }
}

fn verification(e: g::ExternalVerificationStatusChangedEvent) -> ExternalVerificationStatusChanged {
    let p = e.data.payload;
    ExternalVerificationStatusChanged {
        delivery: delivery(e.data.id, e.data.occurred_at, e.meta),
        enterprise_id: p.enterprise_id.to_string(),
        status: GateStatus::from_wire(&p.status),
        rejection_reason: p.rejection_reason,
        reviewed_at: p.reviewed_at,
    }
}
