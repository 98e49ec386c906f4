//! The success status of enable, add numbers and the terms agreement is 201 upstream (and
//! in the contract and the emulator); the product docs never state one and older servers
//! answered 200. The facade accepts either 2xx, decoding the same body; a 2xx it cannot
//! decode is still an error.

use serde_json::json;
use telnyx_reputation::*;

use crate::common::start;

#[tokio::test]
async fn the_terms_agreement_accepts_201_and_200() {
    let h = start().await;
    let tos = h.client.terms_of_service();
    // The emulator answers 201, as upstream.
    let agreed = tos.agree_number_reputation().await.unwrap();
    // A server answering 200 with the same body is just as successful.
    h.fault(json!({
        "status": 200, "count": 1, "method": "post",
        "path_prefix": "/v2/terms_of_service/number_reputation/agree",
        "body": { "data": {
            "id": agreed.id, "product_type": "number_reputation",
            "terms_version": agreed.terms_version, "version": agreed.version,
            "agreed_at": agreed.agreed_at, "created_at": agreed.created_at,
        }}
    }))
    .await;
    assert_eq!(tos.agree_number_reputation().await.unwrap(), agreed);
}

#[tokio::test]
async fn enable_accepts_200_as_well_as_201() {
    let h = start().await;
    let enterprise = "4a6192a4-573d-446d-b3ce-aff9117272a6";
    h.fault(json!({
        "status": 200, "count": 1, "method": "post",
        "path_prefix": format!("/v2/enterprises/{enterprise}/reputation"),
        "body": { "data": {
            "enterprise_id": enterprise, "status": "pending", "loa_status": "pending",
            "check_frequency": "daily", "loa_document_id": "doc-1", "rejection_reasons": null,
            "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
        }}
    }))
    .await;
    let settings = h
        .client
        .reputation(enterprise)
        .enable("doc-1", CheckFrequency::Daily)
        .await
        .unwrap();
    assert_eq!(settings.loa_document_id.as_deref(), Some("doc-1"));
    assert_eq!(settings.status, ReputationStatus::Pending);
}

#[tokio::test]
async fn an_undecodable_2xx_is_a_decode_error_with_status_request_id_and_body() {
    let h = start().await;
    h.fault(json!({
        "status": 200, "count": 1, "method": "post",
        "path_prefix": "/v2/terms_of_service/number_reputation/agree",
        "headers": { "x-request-id": "req-decode-1" },
        "body": { "data": { "unexpected": true } }
    }))
    .await;
    let e = h
        .client
        .terms_of_service()
        .agree_number_reputation()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert_eq!(e.kind().code(), "DECODE");
    assert_eq!(e.status(), Some(200));
    assert_eq!(e.request_id(), Some("req-decode-1"));
    let text = e.to_string();
    assert!(
        text.starts_with("could not decode the 200 response: ")
            && text.ends_with(r#"(body starts: {"data":{"unexpected":true}})"#),
        "{text}"
    );
    let details = e.details();
    assert_eq!(
        details.body.as_deref(),
        Some(r#"{"data":{"unexpected":true}}"#)
    );
    assert_eq!(details.status, Some(200));
    // Not retried: a 2xx was an answer, whatever its body.
    assert_eq!(h.seen().await.len(), 1);
}

#[tokio::test]
async fn an_undecodable_read_is_a_decode_error_too() {
    let h = start().await;
    h.fault(json!({
        "status": 200, "method": "get", "path_prefix": "/v2/enterprises",
        "body": "not an enterprise"
    }))
    .await;
    let e = h
        .client
        .enterprises()
        .get("4a6192a4-573d-446d-b3ce-aff9117272a6")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert_eq!(e.status(), Some(200));
    assert!(e.request_id().is_some(), "the emulator's x-request-id");
    assert!(
        e.to_string()
            .contains(r#"(body starts: "not an enterprise")"#),
        "{e}"
    );
}

#[tokio::test]
async fn adding_numbers_accepts_200_as_well_as_201_into_the_same_models() {
    let h = start().await;
    let id = h.approved_enterprise("Two Hundred LLC").await;
    let numbers = h.client.reputation(&id).numbers();
    // The emulator answers 201, as upstream; the answer is read straight into the models.
    let added = numbers.add(["+12025550170"]).await.unwrap();
    let listed = numbers.list().first_page().await.unwrap().items;
    assert_eq!(added, listed);
    // A server answering 200 with the same body is just as successful, read the same way.
    let body = serde_json::to_value(&added).unwrap();
    h.fault(json!({
        "status": 200, "count": 1, "method": "post",
        "path_prefix": format!("/v2/enterprises/{id}/reputation/numbers"),
        "body": { "data": body,
                  "meta": { "page_number": 1, "page_size": 1, "total_pages": 1, "total_results": 1 } }
    }))
    .await;
    assert_eq!(numbers.add(["+12025550170"]).await.unwrap(), added);
    // And a 200 it cannot decode is a decode error naming the field, not a success.
    h.fault(json!({
        "status": 200, "count": 1, "method": "post",
        "path_prefix": format!("/v2/enterprises/{id}/reputation/numbers"),
        "headers": { "x-request-id": "req-add-200" },
        "body": { "data": [{ "id": "not-a-uuid" }], "meta": {} }
    }))
    .await;
    let e = numbers.add(["+12025550171"]).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert_eq!(e.status(), Some(200));
    assert_eq!(e.request_id(), Some("req-add-200"));
    assert!(e.to_string().contains("not-a-uuid"), "{e}");
}
