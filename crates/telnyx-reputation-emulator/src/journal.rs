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

use axum::http::header::CONTENT_LENGTH;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
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
    Fingerprint::of(key).as_str().to_owned()
}

/// A [`fingerprint`] kept inline (no allocation), as the journal records it per request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 19]);

impl Fingerprint {
    /// The fingerprint of `key`.
    pub fn of(key: &str) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = Sha256::digest(key.as_bytes());
        let mut out = *b"sha256:000000000000";
        for (i, byte) in digest[..6].iter().enumerate() {
            out[7 + 2 * i] = HEX[usize::from(byte >> 4)];
            out[8 + 2 * i] = HEX[usize::from(byte & 0xf)];
        }
        Self(out)
    }

    /// As text, e.g. `sha256:0123456789ab`.
    pub fn as_str(&self) -> &str {
        // Built only from ASCII above.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

/// A header's value as the journal keeps it: `[redacted]` for a credential header.
fn shown_value<'a>(name: &HeaderName, value: &'a HeaderValue) -> &'a [u8] {
    if is_credential_header(name) {
        REDACTED.as_bytes()
    } else {
        value.as_bytes()
    }
}

/// Bytes of the per-header lengths in [`Entry`]'s buffer (not counted against the budget).
const HEADER_PREFIX: usize = 2 + 4;

/// A request's id: generated (a version-4 shaped UUID, rendered when shown) or scripted by a
/// fault's `x-request-id` header.
#[derive(Debug, Clone)]
enum RequestId {
    Generated(u128),
    Scripted(Box<str>),
}

/// One recorded request. Everything of variable length (method, path, query, the headers with
/// credentials [redacted](REDACTED), the body) sits in one buffer allocated once per request;
/// the JSON shown by `GET /_emulator/requests` is built only when the journal is read. The
/// buffer is a copy: hyper's header values are slices of the connection's read buffer, and a
/// shared slice would keep that whole buffer (a 50 KB key included) alive in the journal.
#[derive(Debug, Clone)]
pub struct Entry {
    request_id: RequestId,
    /// When it arrived.
    pub at: DateTime<Utc>,
    /// The [`Fingerprint`] of the bearer token, if any.
    pub account: Option<Fingerprint>,
    /// Method, path, query, headers (`u16` name length, `u32` value length, name, value), body.
    text: Vec<u8>,
    method_end: usize,
    path_end: usize,
    /// End of the query; `None` when the request had no `?`.
    query_end: Option<usize>,
    headers_end: usize,
    header_count: usize,
    /// Whether the body was truncated to `BODY_LIMIT`.
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
    /// The entry of `request` as it arrives (body still to come: [`Entry::set_body`]), with
    /// room for the body its `Content-Length` announces (at most `BODY_LIMIT` are kept).
    pub fn new(
        request_id: u128,
        at: DateTime<Utc>,
        account: Option<Fingerprint>,
        request: &Parts,
    ) -> Self {
        let (method, path, query, headers) = (
            request.method.as_str(),
            request.uri.path(),
            request.uri.query(),
            &request.headers,
        );
        let body_hint: usize = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        let header_bytes: usize = headers
            .iter()
            .map(|(name, value)| {
                HEADER_PREFIX + name.as_str().len() + shown_value(name, value).len()
            })
            .sum();
        let capacity = method.len()
            + path.len()
            + query.map_or(0, str::len)
            + header_bytes
            + body_hint.min(BODY_LIMIT);
        let mut text = Vec::with_capacity(capacity);
        text.extend_from_slice(method.as_bytes());
        let method_end = text.len();
        text.extend_from_slice(path.as_bytes());
        let path_end = text.len();
        let query_end = query.map(|q| {
            text.extend_from_slice(q.as_bytes());
            text.len()
        });
        for (name, value) in headers {
            let value = shown_value(name, value);
            // A header name is at most 64 KiB and a request head at most hyper's ~400 KiB.
            text.extend_from_slice(
                &u16::try_from(name.as_str().len())
                    .unwrap_or(u16::MAX)
                    .to_le_bytes(),
            );
            text.extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_le_bytes());
            text.extend_from_slice(name.as_str().as_bytes());
            text.extend_from_slice(value);
        }
        let headers_end = text.len();
        Self {
            request_id: RequestId::Generated(request_id),
            at,
            account,
            text,
            method_end,
            path_end,
            query_end,
            headers_end,
            header_count: headers.len(),
            body_truncated: false,
            status: None,
            fault: None,
            abandoned: false,
            answer_dropped: false,
        }
    }

    /// Keep the request body (its first `BODY_LIMIT` bytes).
    pub fn set_body(&mut self, body: &[u8]) {
        self.text.truncate(self.headers_end);
        self.body_truncated = body.len() > BODY_LIMIT;
        self.text
            .extend_from_slice(&body[..body.len().min(BODY_LIMIT)]);
    }

    /// Show `id` (a fault's scripted `x-request-id`) as the request id.
    pub fn set_request_id(&mut self, id: &str) {
        self.request_id = RequestId::Scripted(id.into());
    }

    /// The request id as the answer's `x-request-id` carries it.
    pub fn request_id_header(&self) -> Option<HeaderValue> {
        match &self.request_id {
            RequestId::Generated(bits) => {
                let mut buf = [0; uuid::fmt::Hyphenated::LENGTH];
                let text = uuid::Builder::from_random_bytes(bits.to_le_bytes())
                    .into_uuid()
                    .hyphenated()
                    .encode_lower(&mut buf);
                HeaderValue::from_str(text).ok()
            }
            RequestId::Scripted(id) => HeaderValue::from_str(id).ok(),
        }
    }

    fn request_id(&self) -> String {
        match &self.request_id {
            RequestId::Generated(bits) => uuid::Builder::from_random_bytes(bits.to_le_bytes())
                .into_uuid()
                .to_string(),
            RequestId::Scripted(id) => id.to_string(),
        }
    }

    fn method(&self) -> &[u8] {
        &self.text[..self.method_end]
    }

    fn path(&self) -> &[u8] {
        &self.text[self.method_end..self.path_end]
    }

    fn query(&self) -> Option<&[u8]> {
        self.query_end.map(|end| &self.text[self.path_end..end])
    }

    fn body(&self) -> &[u8] {
        &self.text[self.headers_end..]
    }

    /// The recorded headers, in request order, credentials redacted.
    fn headers(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let mut at = self.query_end.unwrap_or(self.path_end);
        let text = &self.text[..self.headers_end];
        std::iter::from_fn(move || {
            let prefix = text.get(at..at + HEADER_PREFIX)?;
            let name_len = usize::from(u16::from_le_bytes([prefix[0], prefix[1]]));
            let value_len =
                u32::from_le_bytes([prefix[2], prefix[3], prefix[4], prefix[5]]) as usize;
            let name_at = at + HEADER_PREFIX;
            let value_at = name_at + name_len;
            at = value_at + value_len;
            Some((&text[name_at..value_at], &text[value_at..at]))
        })
    }

    /// Bytes this entry holds, as counted against [`BYTE_BUDGET`]: body, header names and
    /// values, path and query.
    fn size(&self) -> usize {
        self.text.len() - self.method_end - HEADER_PREFIX * self.header_count
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
                let fp = Fingerprint::of(key);
                self.entries.retain(|(_, e)| e.account != Some(fp));
                self.bytes = self.entries.iter().map(|(_, e)| e.size()).sum();
            }
        }
    }

    /// The newest `limit` entries of the account with API key `account` (all accounts when
    /// `None`), oldest first.
    pub fn to_json(&self, account: Option<&str>, limit: usize) -> Value {
        let fp = account.map(Fingerprint::of);
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn entry_json(seq: u64, e: &Entry) -> Value {
    let mut headers = Map::new();
    for (name, value) in e.headers() {
        headers.insert(text(name), Value::String(text(value)));
    }
    let (body, encoding) = match std::str::from_utf8(e.body()) {
        Ok(text) => (text.to_string(), "utf8"),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(e.body()),
            "base64",
        ),
    };
    json!({
        "seq": seq,
        "request_id": e.request_id(),
        "at": crate::clock::timestamp(e.at),
        "account": e.account.as_ref().map(Fingerprint::as_str),
        "method": text(e.method()),
        "path": text(e.path()),
        "query": e.query().map(text),
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
    use axum::http::HeaderMap;

    fn parts(method: &str, uri: &str, headers: &HeaderMap) -> Parts {
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .body(())
            .expect("request");
        *request.headers_mut() = headers.clone();
        request.into_parts().0
    }

    fn entry(body: usize) -> Entry {
        let mut e = Entry::new(
            1,
            Utc::now(),
            Some(Fingerprint::of("k")),
            &parts("GET", "/v2/x", &HeaderMap::new()),
        );
        e.set_body(&vec![b'x'; body]);
        e.status = Some(200);
        e
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
    fn an_entry_counts_and_shows_what_was_sent() {
        let mut headers = HeaderMap::new();
        headers.insert("accept", HeaderValue::from_static("application/json"));
        headers.append("x-trace", HeaderValue::from_static("a"));
        headers.append("x-trace", HeaderValue::from_static("b"));
        let mut e = Entry::new(
            7,
            Utc::now(),
            None,
            &parts("POST", "/v2/enterprises/%2B1?page%5Bsize%5D=5", &headers),
        );
        e.set_body(&[0xff, 0, 1]);
        e.status = Some(201);
        // Body, header names and values, path and query.
        let expected = 3 + ("accept".len() + 16) + 2 * ("x-trace".len() + 1) + 20 + 16;
        assert_eq!(e.size(), expected);
        let shown = entry_json(3, &e);
        assert_eq!(shown["method"], "POST");
        assert_eq!(shown["path"], "/v2/enterprises/%2B1");
        assert_eq!(shown["query"], "page%5Bsize%5D=5");
        assert_eq!(shown["headers"]["accept"], "application/json");
        // One JSON key per name: the last value shows, as a map of the header list would.
        assert_eq!(shown["headers"]["x-trace"], "b");
        assert_eq!(shown["body"], "/wAB");
        assert_eq!(shown["body_encoding"], "base64");
        assert_eq!(shown["account"], Value::Null);
        assert_eq!(shown["status"], 201);
        let generated = shown["request_id"].as_str().expect("id").to_owned();
        assert_eq!(
            e.request_id_header().expect("header").to_str().unwrap(),
            generated
        );
        assert_eq!(
            uuid::Uuid::parse_str(&generated).unwrap().get_version_num(),
            4
        );
        e.set_request_id("req_scripted");
        assert_eq!(entry_json(3, &e)["request_id"], "req_scripted");
        let mut long = Entry::new(1, Utc::now(), None, &parts("PUT", "/", &HeaderMap::new()));
        long.set_body(&vec![b'a'; BODY_LIMIT + 1]);
        assert!(long.body_truncated);
        assert_eq!(long.body().len(), BODY_LIMIT);
        assert_eq!(entry_json(1, &long)["query"], Value::Null);
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
        let e = Entry::new(
            1,
            Utc::now(),
            Some(Fingerprint::of("KEY_live")),
            &parts("GET", "/v2/x", &headers),
        );
        let shown = entry_json(1, &e);
        let recorded = shown["headers"].as_object().expect("headers");
        assert_eq!(recorded.len(), headers.len());
        for (name, value) in recorded {
            let expected = if name == "accept" {
                "application/json"
            } else {
                REDACTED
            };
            assert_eq!(value, expected, "{name}");
        }
        assert!(!String::from_utf8_lossy(&e.text).contains("KEY_live"));
        let shared = axum::body::Bytes::from_static(b"text/plain");
        let mut original = HeaderMap::new();
        original.insert(
            "accept",
            HeaderValue::from_maybe_shared(shared.clone()).expect("value"),
        );
        let copied = Entry::new(1, Utc::now(), None, &parts("GET", "/", &original));
        let (_, value) = copied.headers().next().expect("one header");
        assert_eq!(value, b"text/plain");
        assert_ne!(
            value.as_ptr(),
            shared.as_ptr(),
            "the journal owns its copy instead of pinning the read buffer"
        );
        let fp = fingerprint("KEY_live");
        assert_eq!(fp.len(), 19);
        assert!(fp.starts_with("sha256:") && !fp.contains("KEY"));
        assert_eq!(fp, fingerprint("KEY_live"));
        assert_ne!(fp, fingerprint("KEY_livf"));
        assert_eq!(shown["account"], fp.as_str());
        // The first 6 bytes of SHA-256("KEY_live"), in hex.
        let digest = Sha256::digest(b"KEY_live");
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(fp, format!("sha256:{hex}"));
    }
}
