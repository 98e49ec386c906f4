//! The escape hatches against the emulator: `with_raw_response` gives the real status,
//! headers and request id of an answer; `RequestOptions`' extra headers, query parameters and
//! body fields reach the server (read back from the emulator's request journal); refused
//! extras fail before any I/O and the cost guard still applies.

use serde_json::{Value, json};
use telnyx_reputation::*;

use crate::common::{new_enterprise, numbers, start};

/// The journal's last entry.
async fn last_request(h: &crate::common::Harness) -> Value {
    h.journal().await.pop().expect("a request was journaled")
}

#[tokio::test]
async fn raw_response_has_the_status_headers_and_request_id_of_the_answer() {
    let h = start().await;
    let raw = with_raw_response(h.client.enterprises().create(new_enterprise("Raw Co")))
        .await
        .unwrap();
    let entry = last_request(&h).await;
    assert_eq!(entry["method"], "POST");
    assert_eq!(u64::from(raw.status()), entry["status"].as_u64().unwrap());
    assert!((200..300).contains(&raw.status()));
    let request_id = raw
        .request_id()
        .expect("the emulator stamps x-request-id")
        .to_owned();
    assert_eq!(request_id, entry["request_id"].as_str().unwrap());
    assert_eq!(
        raw.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(raw.parsed().legal_name, "Raw Co");
    let id = raw.into_inner().id;

    // A GET, and the hand-built multipart upload, report their own answers.
    let got = with_raw_response(h.client.enterprises().get(&id))
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.request_id(),
        last_request(&h).await["request_id"].as_str()
    );
    assert_ne!(got.request_id(), Some(request_id.as_str()));
    let upload = with_raw_response(h.client.documents().upload("loa.pdf", &b"%PDF-1.7 x"[..]))
        .await
        .unwrap();
    let entry = last_request(&h).await;
    assert_eq!(entry["path"], "/v2/documents");
    assert_eq!(upload.request_id(), entry["request_id"].as_str());
    assert_eq!(
        u64::from(upload.status()),
        entry["status"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn a_failed_call_under_with_raw_response_is_the_same_error() {
    let h = start().await;
    let e = with_raw_response(
        h.client
            .enterprises()
            .get("6a09cdc3-8948-47f0-aa62-74ac943d6c58"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        e.request_id(),
        last_request(&h).await["request_id"].as_str()
    );
}

#[tokio::test]
async fn extra_headers_and_query_reach_the_server() {
    let h = start().await;
    let id = h
        .client
        .enterprises()
        .create(new_enterprise("Extras Co"))
        .await
        .unwrap()
        .id;
    let options = RequestOptions::new()
        .extra_header("X-Trace-Id", "trace-42")
        .extra_query("beta_view", "full view+");
    let enterprises = h.client.enterprises().with_request_options(options.clone());
    enterprises.get(&id).await.unwrap();
    let entry = last_request(&h).await;
    assert_eq!(entry["headers"]["x-trace-id"], "trace-42");
    assert_eq!(entry["query"], "beta_view=full+view%2B");

    // A pager keeps its own parameters and adds the extras.
    enterprises.list().page_size(5).collect_all().await.unwrap();
    let query = last_request(&h).await["query"].as_str().unwrap().to_owned();
    assert!(query.contains("page%5Bsize%5D=5"), "{query}");
    assert!(query.ends_with("&beta_view=full+view%2B"), "{query}");

    // The hand-built multipart upload carries them too.
    h.client
        .with_request_options(options)
        .documents()
        .upload("loa.pdf", &b"%PDF-1.7 x"[..])
        .await
        .unwrap();
    let entry = last_request(&h).await;
    assert_eq!(entry["headers"]["x-trace-id"], "trace-42");
    assert_eq!(entry["query"], "beta_view=full+view%2B");

    // The handle without options sends none.
    h.client.enterprises().get(&id).await.unwrap();
    let entry = last_request(&h).await;
    assert!(entry["headers"].get("x-trace-id").is_none(), "{entry}");
    assert!(entry["query"].is_null(), "{entry}");
}

#[tokio::test]
async fn extra_body_fields_are_merged_into_the_json_body() {
    let h = start().await;
    let created = h
        .client
        .enterprises()
        .with_request_options(RequestOptions::new().extra_body("future_field", json!({"a": 1})))
        .create(new_enterprise("Body Co"))
        .await;
    let entry = last_request(&h).await;
    let body: Value = serde_json::from_str(entry["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["future_field"], json!({"a": 1}), "{body}");
    assert_eq!(body["legal_name"], "Body Co", "the SDK's fields are kept");
    // The emulator models today's contract and names the field it does not know: the
    // extra reached the server and the server decided.
    let e = created.unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert_eq!(
        e.api_errors()[0].pointer.as_deref(),
        Some("/future_field"),
        "{e}"
    );
}

#[tokio::test]
async fn refused_extras_fail_before_any_io_naming_what_is_refused() {
    let h = start().await;
    let id = h.approved_enterprise("Refused Co").await;
    h.clear_journal().await;
    let cases = [
        (
            RequestOptions::new().extra_header("Authorization", "Bearer KEYother"),
            "`Authorization`",
        ),
        (
            RequestOptions::new().extra_header("Idempotency-Key", "k-1"),
            "`Idempotency-Key`",
        ),
        (
            RequestOptions::new().extra_query("fresh", "true"),
            "`fresh`",
        ),
    ];
    for (options, named) in cases {
        let e = h
            .client
            .reputation(&id)
            .numbers()
            .with_request_options(options)
            .get("+12025551000")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains(named), "{named} in {e}");
        assert!(
            !e.to_string().contains("KEYother"),
            "the refused value is not echoed: {e}"
        );
    }
    // A body field the contract declares, and a body extra on a closed body.
    let e = h
        .client
        .reputation(&id)
        .with_request_options(RequestOptions::new().extra_body("webhook_url", "http://x.example"))
        .set_webhook(None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("`webhook_url`"), "{e}");
    let guarded = h.guarded(|b| b.max_billable(5));
    let e = guarded
        .reputation(&id)
        .numbers()
        .with_request_options(RequestOptions::new().extra_body("phone_numbers", json!([])))
        .add(numbers(1))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("no additional properties"), "{e}");
    assert_eq!(guarded.remaining_billable(), Some(5), "nothing was counted");
    assert!(h.seen().await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn extras_do_not_get_around_the_cost_guard() {
    let h = start().await;
    let id = h.approved_enterprise("Guarded Co").await;
    h.clear_journal().await;
    let guarded = h.guarded(|b| b.max_billable(0));
    let e = guarded
        .reputation(&id)
        .numbers()
        .with_request_options(RequestOptions::new().extra_header("X-Trace-Id", "t"))
        .add(numbers(1))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(h.seen().await.is_empty(), "nothing may be sent");
}
