//! The request journal: a bounded ring buffer of the API requests the emulator answered.
//!
//! Tests read it through `GET /_emulator/requests` to assert what an SDK actually sent
//! (method, path, query, headers, body) and what it got back (status). No credential is
//! kept: the account is recorded as a [`fingerprint`] of its API key (a test filters with
//! `?api_key=`, which is fingerprinted the same way), and the values of credential headers
//! (`Authorization`, `Proxy-Authorization`, `Cookie`, `X-Api-Key`, anything named like a
//! token, secret, password, session or auth) are replaced by `[redacted]` before the entry is
//! stored. Recording happens in the gateway middleware, also for requests whose client gave
//! up before the answer (`abandoned`).

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;

/// How many requests the journal keeps at most (oldest dropped first).
pub const CAPACITY: usize = 1000;
/// How many bytes (bodies, header values, paths and queries) the journal keeps at most, oldest
/// dropped first.
pub const BYTE_BUDGET: usize = 32 * 1024 * 1024;
/// How much of each body is kept.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The stand-in for a credential header's value.
pub const REDACTED: &str = "[redacted]";

/// A short, stable, non-reversible name for an API key: `sha256:` and the first 12 hex digits
/// of its SHA-256. The journal and the fault list show it instead of the key.
pub fn fingerprint(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(19);
    out.push_str("sha256:");
    for byte in &digest[..6] {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Whether a header carries a credential, so its value must not be recorded.
pub fn is_credential_header(name: &HeaderName) -> bool {
    const EXACT: [&str; 6] = [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
    ];
    const WORDS: [&str; 7] = [
        "token", "secret", "password", "passwd", "session", "auth", "api-key",
    ];
    let name = name.as_str();
    EXACT.contains(&name) || WORDS.iter().any(|w| name.contains(w))
}

/// A copy of `headers` with every credential value replaced by `[redacted]`. Values are
/// copied, not shared: hyper's values are slices of the connection's read buffer, and a
/// shared slice would keep that whole buffer (a 50 KB key included) alive in the journal.
pub fn redact(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let value = if is_credential_header(name) {
            HeaderValue::from_static(REDACTED)
        } else {
            let mut copy =
                HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone());
            copy.set_sensitive(value.is_sensitive());
            copy
        };
        out.append(name.clone(), value);
    }
    out
}

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The `x-request-id` the answer carried.
    pub request_id: String,
    /// When it arrived.
    pub at: DateTime<Utc>,
    /// The [`fingerprint`] of the bearer token, if any.
    pub account: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path as sent (percent-encoding kept).
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Request headers, credentials [`redact`]ed.
    pub headers: HeaderMap,
    /// Request body (truncated to `BODY_LIMIT`).
    pub body: Vec<u8>,
    /// Whether the body was truncated.
    pub body_truncated: bool,
    /// Answer status (`None` when a fault dropped the connection).
    pub status: Option<u16>,
    /// The fault rule that answered, if any.
    pub fault: Option<u64>,
    /// The client went away before the answer was sent (e.g. it timed out during a fault's
    /// `delay_ms`); `status` is then `None`.
    pub abandoned: bool,
    /// True when the API processed the request but a `drop_after_processing` fault dropped
    /// the connection before its answer (`status` is then the answer the client never got).
    pub answer_dropped: bool,
}

impl Entry {
    /// Bytes this entry holds, as counted against [`BYTE_BUDGET`].
    fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum();
        self.body.len() + headers + self.path.len() + self.query.as_ref().map_or(0, String::len)
    }
}

/// The ring buffer.
#[derive(Debug, Default)]
pub struct Journal {
    next_seq: u64,
    entries: VecDeque<(u64, Entry)>,
    bytes: usize,
}

impl Journal {
    /// Append an entry, evicting the oldest past `CAPACITY` entries or `BYTE_BUDGET` bytes.
    pub fn record(&mut self, entry: Entry) {
        self.next_seq += 1;
        self.bytes += entry.size();
        self.entries.push_back((self.next_seq, entry));
        while self.entries.len() > CAPACITY || (self.bytes > BYTE_BUDGET && self.entries.len() > 1)
        {
            if let Some((_, old)) = self.entries.pop_front() {
                self.bytes -= old.size();
            }
        }
    }

    /// How many entries and bytes the journal holds.
    pub fn usage(&self) -> (usize, usize) {
        (self.entries.len(), self.bytes)
    }

    /// Forget the entries of the account with API key `account`, or all when `None`.
    pub fn clear(&mut self, account: Option<&str>) {
        match account {
            None => {
                self.entries.clear();
                self.bytes = 0;
            }
            Some(key) => {
                let fp = fingerprint(key);
                self.entries
                    .retain(|(_, e)| e.account.as_deref() != Some(fp.as_str()));
                self.bytes = self.entries.iter().map(|(_, e)| e.size()).sum();
            }
        }
    }

    /// The newest `limit` entries of the account with API key `account` (all accounts when
    /// `None`), oldest first.
    pub fn to_json(&self, account: Option<&str>, limit: usize) -> Value {
        let fp = account.map(fingerprint);
        let selected: Vec<&(u64, Entry)> = self
            .entries
            .iter()
            .filter(|(_, e)| fp.is_none() || e.account == fp)
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
        let shown = String::from_utf8_lossy(value.as_bytes()).into_owned();
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
        "abandoned": e.abandoned,
        "answer_dropped": e.answer_dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: usize) -> Entry {
        Entry {
            request_id: String::new(),
            at: Utc::now(),
            account: Some(fingerprint("k")),
            method: "GET".into(),
            path: "/v2/x".into(),
            query: None,
            headers: HeaderMap::new(),
            body: vec![b'x'; body],
            body_truncated: false,
            status: Some(200),
            fault: None,
            abandoned: false,
            answer_dropped: false,
        }
    }

    #[test]
    fn the_journal_is_bounded_in_entries_and_bytes() {
        let mut journal = Journal::default();
        for _ in 0..CAPACITY + 5 {
            journal.record(entry(0));
        }
        assert_eq!(journal.usage().0, CAPACITY);
        for _ in 0..CAPACITY {
            journal.record(entry(BODY_LIMIT));
        }
        let (count, bytes) = journal.usage();
        assert!(bytes <= BYTE_BUDGET, "{bytes}");
        assert!(
            (BYTE_BUDGET / (BODY_LIMIT + 6) - 1..CAPACITY).contains(&count),
            "{count}"
        );
        journal.clear(Some("k"));
        assert_eq!(journal.usage(), (0, 0));
    }

    #[test]
    fn credentials_are_redacted_and_keys_fingerprinted() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer KEY_live"),
            ("proxy-authorization", "Basic dTpw"),
            ("cookie", "session=abc"),
            ("x-api-key", "KEY_live"),
            ("x-auth-token", "t"),
            ("x-client-secret", "s"),
            ("accept", "application/json"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let redacted = redact(&headers);
        assert_eq!(redacted.len(), headers.len());
        for (name, value) in &redacted {
            let expected = if name == "accept" {
                "application/json"
            } else {
                REDACTED
            };
            assert_eq!(value, expected, "{name}");
        }
        let shared = axum::body::Bytes::from_static(b"text/plain");
        let mut original = HeaderMap::new();
        original.insert(
            "accept",
            HeaderValue::from_maybe_shared(shared.clone()).expect("value"),
        );
        let copied = redact(&original);
        assert_eq!(copied["accept"], "text/plain");
        assert_ne!(
            copied["accept"].as_bytes().as_ptr(),
            shared.as_ptr(),
            "the journal owns its copy instead of pinning the read buffer"
        );
        let fp = fingerprint("KEY_live");
        assert_eq!(fp.len(), 19);
        assert!(fp.starts_with("sha256:") && !fp.contains("KEY"));
        assert_eq!(fp, fingerprint("KEY_live"));
        assert_ne!(fp, fingerprint("KEY_livf"));
    }
}
