//! `numbers().add_all(..)`: validation of the whole input before any I/O, atomic batches of
//! 100 sent concurrently, and a failed batch reported with its numbers while the others land.

use serde_json::json;
use telnyx_reputation::{BulkAddOptions, ErrorKind};

use crate::common::{numbers, start};

fn add_requests(seen: &[String], id: &str) -> usize {
    let path = format!("POST /v2/enterprises/{id}/reputation/numbers");
    seen.iter().filter(|s| **s == path).count()
}

#[tokio::test]
async fn adds_250_numbers_in_three_batches() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    h.clear_journal().await;
    let input = numbers(250);
    let report = h
        .client
        .reputation(&id)
        .numbers()
        .add_all(&input, BulkAddOptions::default())
        .await
        .unwrap();
    assert!(report.is_complete());
    let added: Vec<&str> = report
        .added
        .iter()
        .map(|n| n.phone_number.as_str())
        .collect();
    assert_eq!(added, input, "added in input order");
    assert_eq!(add_requests(&h.seen().await, &id), 3);
    let listed = h
        .client
        .reputation(&id)
        .numbers()
        .list()
        .collect_all()
        .await;
    assert_eq!(listed.unwrap().len(), 250);
}

#[tokio::test]
async fn validates_every_number_before_sending_anything() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    h.clear_journal().await;
    let mut input = numbers(150);
    input[120] = "+4420794600".to_owned();
    let numbers_handle = h.client.reputation(&id).numbers();
    let e = numbers_handle
        .add_all(&input, BulkAddOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("phone_numbers[120]: +4420794600"),
        "{e}"
    );

    let mut repeated = numbers(150);
    repeated[140] = repeated[3].clone();
    let e = numbers_handle
        .add_all(&repeated, BulkAddOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string()
            .contains("phone_numbers[140]: +12025551003 repeats phone_numbers[3]"),
        "{e}"
    );

    for concurrency in [0, 17] {
        let e = numbers_handle
            .add_all(numbers(2), BulkAddOptions { concurrency })
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{concurrency}");
    }
    assert!(h.journal().await.is_empty());
}

#[tokio::test]
async fn a_failed_batch_is_reported_with_its_numbers_and_the_others_are_added() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    h.clear_journal().await;
    h.fault(json!({"status": 422, "count": 1, "method": "POST", "path_prefix": "/v2/enterprises"}))
        .await;
    let input = numbers(250);
    let report = h
        .client
        .reputation(&id)
        .numbers()
        .add_all(&input, BulkAddOptions::default())
        .await
        .unwrap();
    assert!(!report.is_complete());
    assert_eq!(report.failed.len(), 1);
    let failure = &report.failed[0];
    // Batches are in flight together, so which one met the fault is not fixed.
    let expected: Vec<String> = input.chunks(100).nth(failure.batch_index).unwrap().to_vec();
    assert_eq!(failure.numbers, expected);
    assert_eq!(failure.error.kind(), ErrorKind::Unprocessable);
    assert_eq!(failure.error.status(), Some(422));
    assert_eq!(report.added.len(), 250 - expected.len());
    assert!(
        report
            .added
            .iter()
            .all(|n| !expected.contains(&n.phone_number))
    );
    assert_eq!(
        add_requests(&h.seen().await, &id),
        3,
        "a 422 is not retried"
    );

    let serialized = serde_json::to_value(&report).unwrap();
    let failed = &serialized["failed"][0];
    assert_eq!(failed["batch_index"], failure.batch_index);
    assert_eq!(failed["numbers"], json!(expected));
    assert_eq!(failed["error_kind"], "UNPROCESSABLE");
    assert_eq!(failed["status"], 422);
    assert_eq!(failed["message"], failure.error.to_string());
    assert!(failed["api_errors"].is_array());
    assert_eq!(
        serialized["added"].as_array().unwrap().len(),
        report.added.len()
    );
}
