//! The client hooks, proven on the wire: a loopback listener records the raw request head
//! the generated client sends.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ENTERPRISE: &str = "4a6192a4-573d-446d-b3ce-aff9117272a6";

/// Serve one request with a 200 `body`, returning the request head (request line + headers).
async fn capture_one(content_type: &str, body: &[u8]) -> (String, tokio::task::JoinHandle<String>) {
    serve_one("200 OK", content_type, body).await
}

/// Serve one request with `status` and `body`, returning the request head.
async fn serve_one(
    status: &str,
    content_type: &str,
    body: &[u8],
) -> (String, tokio::task::JoinHandle<String>) {
    let mut response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v2", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "client closed before sending a full request head");
            head.extend_from_slice(&buf[..n]);
        }
        socket.write_all(&response).await.unwrap();
        socket.shutdown().await.unwrap();
        let end = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        String::from_utf8_lossy(&head[..end]).to_ascii_lowercase()
    });
    (base, server)
}

const NUMBER_JSON: &[u8] = b"{\"data\":{\"id\":\"16286ab3-038a-4a5c-9792-309026cf6b9e\",\"enterprise_id\":\"4a6192a4-573d-446d-b3ce-aff9117272a6\",\"phone_number\":\"+12025551234\",\"reputation_data\":null,\"created_at\":\"2026-04-26T18:06:51Z\",\"updated_at\":\"2026-04-26T18:06:51Z\"}}";

#[tokio::test]
async fn plus_in_path_goes_out_as_percent_2b_without_api_version() {
    let (base, server) = capture_one("application/json", NUMBER_JSON).await;
    let client = telnyx_reputation_api::Client::new(&base);
    let number = client
        .get_reputation_number()
        .enterprise_id(ENTERPRISE)
        .phone_number("+12025551234")
        .send()
        .await
        .expect("the stub answers 200");
    assert_eq!(number.data.phone_number, "+12025551234");

    let head = server.await.unwrap();
    let request_line = head.lines().next().unwrap();
    assert_eq!(
        request_line,
        format!("get /v2/enterprises/{ENTERPRISE}/reputation/numbers/%2b12025551234 http/1.1")
    );
    assert!(!head.contains("api-version"), "api-version leaked: {head}");
    assert!(head.contains("accept: application/json"), "{head}");
}

#[tokio::test]
async fn loa_render_asks_for_a_pdf() {
    let (base, server) = capture_one("application/pdf", b"%PDF-1.7").await;
    let client = telnyx_reputation_api::Client::new(&base);
    let pdf = client
        .render_loa()
        .enterprise_id(ENTERPRISE)
        .body(telnyx_reputation_api::types::LoaRenderRequest::builder())
        .send()
        .await
        .expect("the stub answers 200");
    let mut bytes = Vec::new();
    let mut stream = pdf.into_inner().into_inner();
    use futures_core::Stream;
    use std::pin::Pin;
    while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(bytes, b"%PDF-1.7");

    let head = server.await.unwrap();
    assert!(head.starts_with(&format!(
        "post /v2/enterprises/{ENTERPRISE}/reputation/loa "
    )));
    assert!(head.contains("\r\naccept: application/pdf"), "{head}");
    assert!(!head.contains("api-version"), "api-version leaked: {head}");
}

#[tokio::test]
async fn a_foreign_error_body_keeps_its_status() {
    let (base, server) = serve_one(
        "502 Bad Gateway",
        "text/html",
        b"<html><body>upstream timed out</body></html>",
    )
    .await;
    let client = telnyx_reputation_api::Client::new(&base);
    let error = client
        .get_enterprise()
        .enterprise_id(ENTERPRISE)
        .send()
        .await
        .expect_err("the stub answers 502");
    server.await.unwrap();
    let progenitor_client::Error::ErrorResponse(response) = error else {
        panic!("expected a typed error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 502);
    let first = &response.errors[0];
    assert_eq!(first.title.as_deref(), Some("Bad Gateway"));
    assert_eq!(
        first.detail.as_deref(),
        Some("<html><body>upstream timed out</body></html>")
    );
}

#[tokio::test]
async fn a_telnyx_error_body_passes_through_unchanged() {
    let (base, server) = serve_one(
        "404 Not Found",
        "application/json",
        br#"{"errors":[{"code":"10005","title":"Resource not found","detail":"no such enterprise"}]}"#,
    )
    .await;
    let client = telnyx_reputation_api::Client::new(&base);
    let error = client
        .get_enterprise()
        .enterprise_id(ENTERPRISE)
        .send()
        .await
        .expect_err("the stub answers 404");
    server.await.unwrap();
    let progenitor_client::Error::ErrorResponse(response) = error else {
        panic!("expected a typed error response, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.errors[0].code.as_deref(), Some("10005"));
    assert_eq!(
        response.errors[0].detail.as_deref(),
        Some("no such enterprise")
    );
}
