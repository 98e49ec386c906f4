//! Shared test harness: an in-process emulator on a free port, a small JSON client, and
//! fixtures (enterprise bodies, the approved-enterprise journey, a PDF structure check).

use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use telnyx_reputation_emulator::{ApprovalDelay, Emulator, RunningEmulator};

/// A running emulator plus an HTTP client.
pub struct Emu {
    pub running: RunningEmulator,
    pub http: reqwest::Client,
}

/// Approval delay of zero: reviews resolve on the next read.
pub fn instant() -> ApprovalDelay {
    ApprovalDelay::After(Duration::ZERO)
}

/// Reviews wait for the admin API.
pub fn manual() -> ApprovalDelay {
    ApprovalDelay::Manual
}

pub async fn start(delay: ApprovalDelay) -> Emu {
    start_seeded(delay, 7).await
}

pub async fn start_seeded(delay: ApprovalDelay, seed: u64) -> Emu {
    let running = Emulator::builder()
        .approval_delay(delay)
        .seed(seed)
        .port(0)
        .start()
        .await
        .expect("emulator starts");
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client builds");
    Emu { running, http }
}

/// Status and JSON body (`null` when the body is empty or not JSON).
pub type Reply = (u16, Value);

impl Emu {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url())
    }

    pub async fn call(
        &self,
        key: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, self.url(path));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        read(req.send().await.expect("request is answered")).await
    }

    pub async fn get(&self, key: &str, path: &str) -> Reply {
        self.call(Some(key), Method::GET, path, None).await
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Some(key), Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Some(key), Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Some(key), Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, key: &str, path: &str) -> Reply {
        self.call(Some(key), Method::DELETE, path, None).await
    }

    pub async fn admin(&self, method: Method, path_and_query: &str, body: Option<Value>) -> Reply {
        let mut req = self.http.request(
            method,
            format!("{}{path_and_query}", self.running.admin_url()),
        );
        req = match body {
            Some(body) => req.json(&body),
            // Admin POSTs must say application/json even without a body.
            None => req.header("content-type", "application/json"),
        };
        read(req.send().await.expect("admin request is answered")).await
    }

    /// Read the ledger of an account.
    pub async fn ledger(&self, key: &str) -> Value {
        let (status, body) = self
            .admin(Method::GET, &format!("/ledger?api_key={key}"), None)
            .await;
        assert_eq!(status, 200, "{body}");
        body["data"].clone()
    }

    /// Agree to the terms, create an enterprise, upload an LOA and enable reputation.
    /// Returns the enterprise id; the gates are pending until the delay passes.
    pub async fn enabled_enterprise(&self, key: &str, legal_name: &str) -> String {
        let (status, _) = self
            .post(key, "/terms_of_service/number_reputation/agree", json!({}))
            .await;
        assert_eq!(status, 201, "agreeing answers 201, as upstream");
        let id = self.create_enterprise(key, legal_name).await;
        let document = self.upload_json(key, "loa.pdf", b"%PDF-1.7 signed").await;
        let (status, body) = self
            .post(
                key,
                &format!("/enterprises/{id}/reputation"),
                json!({ "loa_document_id": document }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        id
    }

    /// An enabled enterprise whose two gates are approved (forced through the admin API).
    pub async fn approved_enterprise(&self, key: &str, legal_name: &str) -> String {
        let id = self.enabled_enterprise(key, legal_name).await;
        let (status, body) = self
            .admin(
                Method::POST,
                &format!("/gates?api_key={key}"),
                Some(
                    json!({ "enterprise_id": id, "status": "approved", "loa_status": "approved" }),
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        id
    }

    pub async fn create_enterprise(&self, key: &str, legal_name: &str) -> String {
        let (status, body) = self
            .post(key, "/enterprises", enterprise_body(legal_name))
            .await;
        assert_eq!(status, 201, "{body}");
        body["data"]["id"].as_str().expect("id").to_string()
    }

    pub async fn upload_json(&self, key: &str, filename: &str, content: &[u8]) -> String {
        use base64::Engine;
        let file = base64::engine::general_purpose::STANDARD.encode(content);
        let (status, body) = self
            .post(
                key,
                "/documents",
                json!({ "file": file, "filename": filename }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["data"]["id"].as_str().expect("id").to_string()
    }

    pub async fn add_numbers(&self, key: &str, enterprise: &str, numbers: &[String]) -> Reply {
        self.post(
            key,
            &format!("/enterprises/{enterprise}/reputation/numbers"),
            json!({ "phone_numbers": numbers }),
        )
        .await
    }
}

async fn read(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body is read");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// `count` distinct valid US numbers starting at `+1202555` + `first`.
pub fn numbers(first: u32, count: u32) -> Vec<String> {
    (first..first + count)
        .map(|i| format!("+1202555{i:04}"))
        .collect()
}

/// A complete, valid enterprise body: the shared example enterprise (the facade's
/// `examples::acme`, one JSON file read by every suite) under `legal_name`.
pub fn enterprise_body(legal_name: &str) -> Value {
    let mut body: Value = serde_json::from_str(include_str!(
        "../../../telnyx-reputation/src/examples/acme-enterprise.json"
    ))
    .expect("the shared example enterprise is JSON");
    body["legal_name"] = json!(legal_name);
    body
}

/// The first error item of a Telnyx error body.
pub fn first_error(body: &Value) -> &Value {
    &body["errors"][0]
}

/// The `source.pointer` of every error item.
pub fn pointers(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|e| e["source"]["pointer"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Check the structure a PDF reader relies on: header, `startxref` pointing at an xref
/// table whose every in-use entry points at the matching `N 0 obj`, a trailer with /Root,
/// and `%%EOF`.
pub fn assert_valid_pdf(bytes: &[u8]) {
    assert!(bytes.starts_with(b"%PDF-1."), "PDF header");
    assert!(rfind(bytes, b"%%EOF").is_some(), "%%EOF marker");
    let sx = rfind(bytes, b"startxref").expect("startxref");
    let offset: usize = std::str::from_utf8(&bytes[sx + 9..])
        .expect("ascii tail")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("xref offset");
    assert!(
        bytes[offset..].starts_with(b"xref"),
        "startxref points at xref"
    );
    let table = std::str::from_utf8(&bytes[offset..sx]).expect("ascii xref");
    let mut lines = table.lines().skip(1);
    let header: Vec<usize> = lines
        .next()
        .expect("subsection header")
        .split_whitespace()
        .map(|n| n.parse().expect("number"))
        .collect();
    let (first, count) = (header[0], header[1]);
    assert!(count > 3, "objects in the xref");
    for i in 0..count {
        let entry = lines.next().expect("xref entry");
        let mut parts = entry.split_whitespace();
        let off: usize = parts.next().and_then(|p| p.parse().ok()).expect("offset");
        let _generation = parts.next();
        if parts.next() == Some("n") {
            let expected = format!("{} 0 obj", first + i);
            assert!(
                bytes[off..].starts_with(expected.as_bytes()),
                "xref entry {} points at its object",
                first + i
            );
        }
    }
    let trailer = find(&bytes[offset..], b"trailer").expect("trailer");
    assert!(
        find(&bytes[offset + trailer..], b"/Root").is_some(),
        "trailer /Root"
    );
}

/// Whether the PDF contains this byte string.
pub fn pdf_contains(bytes: &[u8], text: &str) -> bool {
    find(bytes, text.as_bytes()).is_some()
}
