//! Hostile callers: the admin API's Host, content-type and token checks, and the refusal to
//! listen beyond loopback without a token. All over real HTTP on 127.0.0.1.

use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use telnyx_reputation_emulator::{AdminToken, Emulator, RunningEmulator};

use crate::common::{first_error, instant, start};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client builds")
}

async fn reply(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn admin_answers_only_loopback_host_names() {
    let emu = start(instant()).await;
    let url = format!("{}/health", emu.running.admin_url());
    let port = emu.running.addr().port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let response = client().get(&url).header("host", &host).send().await;
        let (status, body) = reply(response.expect("answered")).await;
        assert_eq!(status, 200, "{host}: {body}");
    }
    // A DNS-rebinding page reaches 127.0.0.1 under its own name.
    let response = client()
        .post(format!("{}/reset", emu.running.admin_url()))
        .header("host", format!("attacker.example:{port}"))
        .header("content-type", "application/json")
        .send()
        .await;
    let (status, body) = reply(response.expect("answered")).await;
    assert_eq!(status, 403, "{body}");
    let error = first_error(&body);
    assert_eq!(error["code"], "10010");
    assert!(
        error["detail"]
            .as_str()
            .is_some_and(|d| d.contains("attacker.example") && d.contains("--admin-allow-host")),
        "{body}"
    );
    // The API itself is not restricted by Host.
    let response = client()
        .get(emu.url("/enterprises"))
        .bearer_auth("k")
        .header("host", format!("attacker.example:{port}"))
        .send()
        .await;
    assert_eq!(response.expect("answered").status(), 200);
}

#[tokio::test]
async fn an_allowed_host_reaches_the_admin_api() {
    let running = Emulator::builder()
        .port(0)
        .admin_allow_host("Emulator.Internal")
        .start()
        .await
        .expect("starts");
    let url = format!("{}/health", running.admin_url());
    let port = running.addr().port();
    let ok = client()
        .get(&url)
        .header("host", format!("emulator.internal:{port}"))
        .send()
        .await
        .expect("answered");
    assert_eq!(ok.status(), 200);
    let other = client()
        .get(&url)
        .header("host", format!("other.internal:{port}"))
        .send()
        .await
        .expect("answered");
    assert_eq!(other.status(), 403);
}

#[tokio::test]
async fn admin_writes_need_application_json_so_pages_cannot_send_simple_requests() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("victim", "Acme").await;
    let reset = format!("{}/reset", emu.running.admin_url());
    // What a no-cors fetch or an HTML form can send: text/plain, form, multipart, or nothing.
    for content_type in [
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = client().post(&reset).body("{}");
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let (status, body) = reply(request.send().await.expect("answered")).await;
        assert_eq!(status, 415, "{content_type:?}: {body}");
        assert_eq!(first_error(&body)["code"], "10015");
        assert!(
            first_error(&body)["detail"]
                .as_str()
                .is_some_and(|d| d.contains("application/json")),
            "{body}"
        );
    }
    let (status, _) = emu.get("victim", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200, "none of the refused resets reset anything");
    let response = client()
        .post(&reset)
        .header("content-type", "application/json; charset=utf-8")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 204);
    let (status, _) = emu.get("victim", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 404, "the JSON reset did reset");
}

async fn with_token(token: &str) -> RunningEmulator {
    Emulator::builder()
        .port(0)
        .admin_token(AdminToken::new(token).expect("token"))
        .start()
        .await
        .expect("starts")
}

#[tokio::test]
async fn an_admin_token_guards_every_admin_route_and_is_never_echoed() {
    let running = with_token("s3cret-token").await;
    let admin = running.admin_url();
    for (method, path) in [
        (Method::GET, "/health"),
        (Method::GET, "/requests"),
        (Method::GET, "/faults"),
        (Method::POST, "/reset"),
        (Method::POST, "/clock/advance"),
        (Method::DELETE, "/faults"),
    ] {
        for sent in [None, Some("wrong"), Some("s3cret-toke")] {
            let mut request = client()
                .request(method.clone(), format!("{admin}{path}"))
                .header("content-type", "application/json")
                .bearer_auth("s3cret-token");
            if let Some(token) = sent {
                request = request.header("x-emulator-admin-token", token);
            }
            let response = request.send().await.expect("answered");
            let (status, body) = reply(response).await;
            assert_eq!(status, 401, "{method} {path} with {sent:?}: {body}");
            assert_eq!(first_error(&body)["code"], "10009");
            assert!(!body.to_string().contains("s3cret"), "{body}");
        }
    }
    let response = client()
        .post(format!("{admin}/clock/advance"))
        .header("x-emulator-admin-token", "s3cret-token")
        .json(&json!({ "seconds": 1 }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    // The API itself needs no admin token.
    let response = client()
        .get(format!("{}/enterprises", running.base_url()))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_non_loopback_address_needs_an_admin_token() {
    let refused = Emulator::builder().host("0.0.0.0").port(0).start().await;
    let error = refused.expect_err("refused without a token");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("--admin-token"), "{error}");
    // Loopback without a token is the default and keeps working.
    let local = Emulator::builder().host("localhost").port(0).start().await;
    assert!(local.is_ok());
}

/// Send raw bytes, read the whole answer (the emulator closes after an error), split it.
async fn raw(emu: &crate::common::Emu, request: &[u8]) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(emu.running.addr())
        .await
        .expect("connects");
    // The emulator may stop reading (and answer) before an oversized request is all sent.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    let _ = read.await.expect("answered in time");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn invalid_utf8_path_escapes_are_telnyx_shaped_400s() {
    let emu = start(instant()).await;
    for path in [
        "/enterprises/%FF",
        "/enterprises/ok/reputation/numbers/%C3%28",
    ] {
        let (status, body) = emu.get("k", path).await;
        assert_eq!(status, 400, "{path}: {body}");
        let error = first_error(&body);
        assert_eq!(error["code"], "10015");
        assert_eq!(error["source"]["parameter"], "path");
        assert!(
            error["detail"]
                .as_str()
                .is_some_and(|d| d.contains("UTF-8")),
            "{body}"
        );
    }
    let (status, _) = emu.get("k", "/enterprises/%2B1").await;
    assert_eq!(status, 404, "valid escapes still route");
}

#[tokio::test]
async fn an_invalid_chunk_size_is_a_400_not_a_413() {
    let emu = start(instant()).await;
    let (status, body) = raw(
        &emu,
        b"POST /v2/enterprises HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer k\r\n\
          content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let error = first_error(&body);
    assert_eq!(error["code"], "10015");
    assert!(
        error["detail"]
            .as_str()
            .is_some_and(|d| d.contains("body could not be read")),
        "{body}"
    );
}

#[tokio::test]
async fn fault_rules_refuse_statuses_that_break_http() {
    let emu = start(instant()).await;
    for (rule, pointer) in [
        (json!({ "status": 100 }), "/status"),
        (json!({ "status": 101 }), "/status"),
        (json!({ "status": 199 }), "/status"),
        (json!({ "status": 600 }), "/status"),
        (json!({ "status": 204, "body": { "x": 1 } }), "/body"),
        (json!({ "status": 304, "body": "not modified" }), "/body"),
    ] {
        let (status, body) = emu
            .admin(Method::POST, "/faults?api_key=k", Some(rule.clone()))
            .await;
        assert_eq!(status, 422, "{rule}: {body}");
        assert_eq!(first_error(&body)["source"]["pointer"], pointer, "{body}");
    }
    // A 204 without a body is fine, and is answered empty.
    let (status, _) = emu
        .admin(
            Method::POST,
            "/faults?api_key=k",
            Some(json!({ "status": 204 })),
        )
        .await;
    assert_eq!(status, 201);
    let response = emu
        .http
        .get(emu.url("/enterprises"))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 204);
    assert!(response.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn the_journal_and_fault_list_never_show_credentials() {
    let emu = start(instant()).await;
    let key = "KEY_live_0123456789abcdef";
    let (status, _) = emu
        .admin(
            Method::POST,
            &format!("/faults?api_key={key}"),
            Some(json!({ "status": 503, "path_prefix": "/v2/documents" })),
        )
        .await;
    assert_eq!(status, 201);
    let response = emu
        .http
        .get(emu.url("/enterprises"))
        .bearer_auth(key)
        .header("cookie", format!("session={key}"))
        .header("proxy-authorization", format!("Basic {key}"))
        .header("x-api-key", key)
        .header("x-auth-token", key)
        .header("x-trace", "visible")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let (_, faults) = emu
        .admin(Method::GET, &format!("/faults?api_key={key}"), None)
        .await;
    let (_, journal) = emu
        .admin(Method::GET, &format!("/requests?api_key={key}"), None)
        .await;
    for shown in [&faults, &journal] {
        assert!(!shown.to_string().contains("0123456789abcdef"), "{shown}");
    }
    let fingerprint = journal["data"][0]["account"].as_str().expect("account");
    assert!(fingerprint.starts_with("sha256:"), "{journal}");
    assert_eq!(faults["data"][0]["account"], fingerprint);
    let headers = &journal["data"][0]["headers"];
    for name in [
        "authorization",
        "cookie",
        "proxy-authorization",
        "x-api-key",
        "x-auth-token",
    ] {
        assert_eq!(headers[name], "[redacted]", "{name}: {headers}");
    }
    assert_eq!(headers["x-trace"], "visible");
}

#[tokio::test]
async fn a_request_abandoned_during_a_fault_delay_is_journaled() {
    let emu = start(instant()).await;
    let (status, _) = emu
        .admin(
            Method::POST,
            "/faults?api_key=impatient",
            Some(json!({ "status": 503, "delay_ms": 5000 })),
        )
        .await;
    assert_eq!(status, 201);
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let gave_up = impatient
        .post(emu.url("/enterprises"))
        .bearer_auth("impatient")
        .json(&json!({ "legal_name": "Retry me" }))
        .send()
        .await;
    assert!(gave_up.is_err_and(|e| e.is_timeout()));
    // The emulator notices the closed connection; poll (bounded) for the entry.
    let mut entry = Value::Null;
    for _ in 0..50 {
        let (_, journal) = emu
            .admin(Method::GET, "/requests?api_key=impatient", None)
            .await;
        entry = journal["data"][0].clone();
        if !entry.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(entry["abandoned"], true, "{entry}");
    assert_eq!(entry["status"], Value::Null);
    assert!(entry["fault_id"].is_number(), "{entry}");
    assert_eq!(entry["method"], "POST");
    assert!(
        entry["body"]
            .as_str()
            .is_some_and(|b| b.contains("Retry me")),
        "{entry}"
    );
    // The rule was consumed by that request: the next one is answered normally.
    let (status, _) = emu.get("impatient", "/enterprises").await;
    assert_eq!(status, 200);
    let (_, journal) = emu
        .admin(Method::GET, "/requests?api_key=impatient", None)
        .await;
    assert_eq!(journal["data"][1]["abandoned"], false);
}

#[tokio::test]
async fn distinct_huge_keys_do_not_grow_memory() {
    let emu = start(instant()).await;
    let client = client();
    for i in 0..3000 {
        let key = format!("{i:05}{}", "k".repeat(50 * 1024));
        let response = client
            .get(emu.url("/enterprises"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 401, "request {i}");
        if i == 0 {
            let body: Value = response.json().await.expect("json");
            assert!(
                first_error(&body)["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("at most 1024 bytes")),
                "{body}"
            );
        }
    }
    let world = emu.running.state().world();
    assert_eq!(world.accounts.len(), 0, "refused keys leave no account");
    drop(world);
    let (entries, bytes) = emu.running.state().journal().usage();
    assert_eq!(entries, 1000);
    assert!(
        bytes < 1000 * 1024,
        "the 50 KB keys are not kept in the journal: {bytes} bytes"
    );
}

#[tokio::test]
async fn reads_by_unknown_keys_leave_no_account_and_accounts_are_capped() {
    let running = Emulator::builder()
        .port(0)
        .approval_delay(instant())
        .max_accounts(3)
        .start()
        .await
        .expect("starts");
    let base = running.base_url();
    let client = client();
    for i in 0..500 {
        let response = client
            .get(format!("{base}/enterprises"))
            .bearer_auth(format!("reader-{i}"))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200);
    }
    assert_eq!(running.state().world().accounts.len(), 0);
    let agree = |key: String| {
        client
            .post(format!("{base}/terms_of_service/number_reputation/agree"))
            .bearer_auth(key)
            .json(&json!({}))
            .send()
    };
    for i in 0..3 {
        assert_eq!(agree(format!("owner-{i}")).await.expect("ok").status(), 201);
    }
    let (status, body) = reply(agree("owner-3".into()).await.expect("answered")).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(first_error(&body)["code"], "10010");
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("--max-accounts 3")),
        "{body}"
    );
    // Existing accounts keep working; forgetting one makes room.
    assert_eq!(agree("owner-0".into()).await.expect("ok").status(), 201);
    let reset = client
        .post(format!("{}/reset?api_key=owner-1", running.admin_url()))
        .header("content-type", "application/json")
        .send()
        .await
        .expect("answered");
    assert_eq!(reset.status(), 204);
    assert_eq!(agree("owner-3".into()).await.expect("ok").status(), 201);
}

#[tokio::test]
async fn hostile_clock_advances_are_400s_naming_the_field_and_the_emulator_keeps_answering() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Clockwork").await;
    let url = format!("{}/clock/advance", emu.running.admin_url());
    for (raw, pointer) in [
        (r#"{"seconds": 9000000000000}"#, Some("/seconds")),
        (
            r#"{"milliseconds": 9000000000000000000000}"#,
            Some("/milliseconds"),
        ),
        (r#"{"seconds": -1}"#, Some("/seconds")),
        (r#"{"seconds": -0.0001}"#, Some("/seconds")),
        (r#"{"milliseconds": -9000000000000}"#, Some("/milliseconds")),
        (r#"{"seconds": "NaN"}"#, Some("/seconds")),
        (r#"{"seconds": "Infinity"}"#, Some("/seconds")),
        (r#"{"seconds": null}"#, Some("/seconds")),
        (r#"{"seconds": 1, "milliseconds": 1}"#, Some("/seconds")),
        // Not JSON at all: NaN, Infinity and 1e400 have no JSON number form.
        (r#"{"seconds": NaN}"#, None),
        (r#"{"seconds": Infinity}"#, None),
        (r#"{"seconds": 1e400}"#, None),
    ] {
        let response = client()
            .post(&url)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("answered");
        let (status, body) = reply(response).await;
        assert_eq!(status, 400, "{raw} -> {body}");
        let error = first_error(&body);
        assert_eq!(error["code"], "10015", "{raw} -> {body}");
        if let Some(pointer) = pointer {
            assert_eq!(error["source"]["pointer"], pointer, "{raw} -> {body}");
        }
    }
    let (status, health) = emu.admin(Method::GET, "/health", None).await;
    assert_eq!(status, 200);
    let (status, _) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200, "state intact, the API still answers");
    let (status, moved) = emu
        .admin(
            Method::POST,
            "/clock/advance",
            Some(json!({ "seconds": 60 })),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_ne!(moved["data"]["now"], health["now"]);
}

#[tokio::test]
async fn requests_hyper_refuses_before_routing_still_get_telnyx_shaped_bodies() {
    let emu = start(instant()).await;
    let long_uri = format!(
        "GET /v2/enterprises?q={} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers = format!(
        "GET /v2/enterprises HTTP/1.1\r\nhost: 127.0.0.1\r\n{}\r\n",
        (0..150)
            .map(|i| format!("x-h{i}: v\r\n"))
            .collect::<String>()
    );
    let huge_header = format!(
        "GET /v2/enterprises HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: {}\r\n\r\n",
        "a".repeat(500_000)
    );
    for (request, expected, title) in [
        (long_uri.as_bytes(), 414, "URI Too Long"),
        (
            many_headers.as_bytes(),
            431,
            "Request Header Fields Too Large",
        ),
        (
            huge_header.as_bytes(),
            431,
            "Request Header Fields Too Large",
        ),
        (&b"BLAH\r\n\r\n"[..], 400, "Bad Request"),
        (
            &b"GET /v2/enterprises HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n"[..],
            400,
            "Bad Request",
        ),
    ] {
        let (status, body) = raw(&emu, request).await;
        assert_eq!(status, expected, "{body}");
        let error = first_error(&body);
        assert_eq!(error["code"], "10015", "{body}");
        assert_eq!(error["title"], title, "{body}");
    }
    let (status, _) = emu.get("k", "/enterprises").await;
    assert_eq!(status, 200, "well-formed requests are untouched");
}

#[tokio::test]
async fn half_sent_requests_are_closed_after_the_header_read_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let running = Emulator::builder()
        .port(0)
        .header_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .expect("starts");
    let mut streams = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(running.addr())
            .await
            .expect("connects");
        stream
            .write_all(b"GET /v2/enterprises HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ")
            .await
            .expect("half a request");
        streams.push(stream);
    }
    let started = std::time::Instant::now();
    for mut stream in streams {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest));
        assert!(
            closed.await.is_ok(),
            "closed by the emulator, not still open"
        );
    }
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    // The server keeps serving complete requests.
    let response = client()
        .get(format!("{}/enterprises", running.base_url()))
        .bearer_auth("k")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
}
