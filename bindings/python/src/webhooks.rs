//! Webhook verification and test signing, over the facade's `webhooks` module. The
//! verified event goes out as its serde form (`{"type": ..., "event": ...}`);
//! `telnyx_reputation/webhooks.py` builds the typed model.

use pyo3::prelude::*;
use telnyx_reputation::webhooks;

use crate::convert::Json;
use crate::error;

/// Verify a delivery's Ed25519 signature and timestamp, then decode the event.
#[pyfunction]
pub fn verify(payload: &[u8], headers: Vec<(String, String)>, public_key: &str) -> PyResult<Json> {
    Json::of(&error::map(webhooks::verify(payload, headers, public_key))?)
}

/// The signature headers Telnyx would send for `payload` at `timestamp` (for tests).
#[pyfunction]
pub fn sign(payload: &[u8], timestamp: i64, signing_key: &str) -> PyResult<Vec<(String, String)>> {
    error::map(webhooks::sign(payload, timestamp, signing_key))
}

/// The base64 public key of a base64 Ed25519 signing key (for tests).
#[pyfunction]
pub fn public_key(signing_key: &str) -> PyResult<String> {
    error::map(webhooks::public_key(signing_key))
}
