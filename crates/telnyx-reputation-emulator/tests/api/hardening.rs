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
