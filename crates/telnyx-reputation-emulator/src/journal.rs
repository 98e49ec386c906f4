//! The request journal: a bounded ring buffer of the API requests the emulator answered.
//!
//! Tests read it through `GET /_emulator/requests` to assert what an SDK actually sent
//! (method, path, query, headers, body) and what it got back (status). The `authorization`
//! header value is redacted; the account (API key) is kept in its own field so a test can
//! filter on it. Recording happens in the gateway middleware.

use axum::http::HeaderMap;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::collections::VecDeque;

/// How many requests the journal keeps (oldest dropped first).
pub const CAPACITY: usize = 1000;
/// How much of each body is kept.
pub const BODY_LIMIT: usize = 64 * 1024;

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The `x-request-id` the answer carried.
    pub request_id: String,
    /// When it arrived.
    pub at: DateTime<Utc>,
    /// The bearer token, if any.
    pub account: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path as sent (percent-encoding kept).
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body (truncated to `BODY_LIMIT`).
    pub body: Vec<u8>,
    /// Whether the body was truncated.
    pub body_truncated: bool,
    /// Answer status (`None` when a fault dropped the connection).
    pub status: Option<u16>,
    /// The fault rule that answered, if any.
    pub fault: Option<u64>,
    /// True when the API processed the request but a `drop_after_processing` fault dropped
    /// the connection before its answer (`status` is then the answer the client never got).
    pub answer_dropped: bool,
}

/// The ring buffer.
#[derive(Debug, Default)]
pub struct Journal {
    next_seq: u64,
    entries: VecDeque<(u64, Entry)>,
}

impl Journal {
    /// Append an entry, evicting the oldest past `CAPACITY`.
    pub fn record(&mut self, entry: Entry) {
        self.next_seq += 1;
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((self.next_seq, entry));
    }

    /// Forget the entries of `account`, or all when `None`.
    pub fn clear(&mut self, account: Option<&str>) {
        match account {
            None => self.entries.clear(),
            Some(key) => self
                .entries
                .retain(|(_, e)| e.account.as_deref() != Some(key)),
        }
    }

    /// The newest `limit` entries of `account` (all accounts when `None`), oldest first.
    pub fn to_json(&self, account: Option<&str>, limit: usize) -> Value {
        let selected: Vec<&(u64, Entry)> = self
            .entries
            .iter()
            .filter(|(_, e)| account.is_none() || e.account.as_deref() == account)
            .collect();
        let skip = selected.len().saturating_sub(limit);
        let data: Vec<Value> = selected
            .into_iter()
            .skip(skip)
            .map(|(seq, e)| entry_json(*seq, e))
            .collect();
        json!({ "data": data })
    }
}

fn entry_json(seq: u64, e: &Entry) -> Value {
    let mut headers = Map::new();
    for (name, value) in &e.headers {
        let shown = if name == axum::http::header::AUTHORIZATION {
            "[redacted]".to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        headers.insert(name.as_str().to_string(), Value::String(shown));
    }
    let (body, encoding) = match std::str::from_utf8(&e.body) {
        Ok(text) => (text.to_string(), "utf8"),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(&e.body),
            "base64",
        ),
    };
    json!({
        "seq": seq,
        "request_id": e.request_id,
        "at": crate::state::timestamp(e.at),
        "account": e.account,
        "method": e.method,
        "path": e.path,
        "query": e.query,
        "headers": headers,
        "body": body,
        "body_encoding": encoding,
        "body_truncated": e.body_truncated,
        "status": e.status,
        "fault_id": e.fault,
        "answer_dropped": e.answer_dropped,
    })
}
