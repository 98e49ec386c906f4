//! The retries table (docs/architecture.md), case by case: how many requests the emulator saw and exactly
//! which sleeps the client asked for (jitter off, sleeps recorded instead of waited).

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use telnyx_reputation::*;
use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{Harness, KEY, RecordingSleeper, numbers, start, start_with};

fn ms(values: &[u64]) -> Vec<Duration> {
    values.iter().map(|v| Duration::from_millis(*v)).collect()
}

async fn list_attempts(h: &Harness) -> usize {
    h.seen()
        .await
        .iter()
        .filter(|s| *s == "GET /v2/enterprises")
        .count()
}

#[tokio::test]
async fn get_retries_5xx_with_exponential_backoff() {
    let h = start().await;
    h.fault(json!({"status": 500, "count": 2, "path_prefix": "/v2/enterprises"}))
        .await;
    let page = h.client.enterprises().list().first_page().await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(list_attempts(&h).await, 3);
    assert_eq!(h.sleeps.taken(), ms(&[500, 1000]));
}

#[tokio::test]
async fn a_proxy_html_502_is_a_server_error_and_retried() {
    let h = start().await;
    h.fault(json!({
        "status": 502, "count": 1, "path_prefix": "/v2/enterprises",
        "headers": {"content-type": "text/html"},
        "body": "<html>bad gateway</html>"
    }))
    .await;
    let page = h.client.enterprises().list().first_page().await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(list_attempts(&h).await, 2);
    assert_eq!(h.sleeps.taken(), ms(&[500]));
}

#[tokio::test]
async fn retries_run_out() {
    let h = start().await;
    h.fault(json!({"status": 503, "count": 5, "path_prefix": "/v2/enterprises"}))
        .await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(list_attempts(&h).await, 3);
    assert_eq!(h.sleeps.taken(), ms(&[500, 1000]));
}

#[tokio::test]
async fn server_pacing_headers_are_honoured() {
    let h = start().await;
    h.fault(json!({"status": 429, "retry_after": "3"})).await;
    h.client.enterprises().list().first_page().await.unwrap();
    h.fault(json!({"status": 429, "retry_after_ms": "250", "retry_after": "5"}))
        .await;
    h.client.enterprises().list().first_page().await.unwrap();
    h.fault(json!({"status": 429, "x_ratelimit_reset": "2"}))
        .await;
    h.client.enterprises().list().first_page().await.unwrap();
    h.fault(json!({"status": 503, "retry_after": "1"})).await;
    h.client.enterprises().list().first_page().await.unwrap();
    assert_eq!(h.sleeps.taken(), ms(&[3000, 250, 2000, 1000]));
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let h = start().await;
    let when = (chrono::Utc::now() + chrono::Duration::seconds(4)).to_rfc2822();
    h.fault(json!({"status": 429, "retry_after": when})).await;
    h.client.enterprises().list().first_page().await.unwrap();
    let slept = h.sleeps.taken();
    assert_eq!(slept.len(), 1);
    assert!(
        slept[0] <= Duration::from_secs(4) && slept[0] >= Duration::from_secs(2),
        "{slept:?}"
    );
}

#[tokio::test]
async fn a_hint_beyond_the_cap_returns_the_error() {
    let h = start().await;
    h.fault(json!({"status": 429, "retry_after": "30"})).await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(list_attempts(&h).await, 1);
    assert!(h.sleeps.taken().is_empty());
}

#[tokio::test]
async fn conflict_is_never_retried() {
    let h = start().await;
    h.fault(json!({"status": 409, "count": 3})).await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(list_attempts(&h).await, 1);
    h.fault(json!({"status": 409, "count": 3, "method": "POST"}))
        .await;
    let e = h
        .client
        .enterprises()
        .create(crate::common::new_enterprise("Acme Plumbing LLC"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(
        h.seen()
            .await
            .iter()
            .filter(|s| *s == "POST /v2/enterprises")
            .count(),
        1
    );
    assert!(h.sleeps.taken().is_empty());
}

#[tokio::test]
async fn billable_post_is_not_retried_on_5xx_but_is_on_429() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let path = format!("/v2/enterprises/{id}/reputation/numbers");
    let add = format!("POST {path}");
    let batch = numbers(2);
    let numbers_handle = h.client.reputation(&id).numbers();

    h.fault(json!({"status": 500, "method": "POST", "path_prefix": path}))
        .await;
    let e = numbers_handle.add(&batch).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(h.seen().await.iter().filter(|s| **s == add).count(), 1);
    assert!(h.sleeps.taken().is_empty());

    h.fault(json!({"status": 429, "method": "POST", "path_prefix": path}))
        .await;
    numbers_handle.add(&batch).await.unwrap();
    assert_eq!(h.seen().await.iter().filter(|s| **s == add).count(), 3);
    assert_eq!(h.sleeps.taken(), ms(&[500]));
}

#[tokio::test]
async fn dropped_connection_retries_reads_but_not_billable_posts() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let batch = numbers(1);
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(&batch).await.unwrap();
    h.clear_journal().await;

    h.fault(json!({"drop_connection": true, "method": "POST"}))
        .await;
    let e = numbers_handle.refresh(&batch).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Connection {
                before_send: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(h.journal().await.len(), 1);

    h.fault(json!({"drop_connection": true, "method": "GET"}))
        .await;
    numbers_handle.get(&batch[0]).await.unwrap();
    assert_eq!(h.journal().await.len(), 3);
    assert_eq!(h.sleeps.taken(), ms(&[500]));
}

#[tokio::test]
async fn fresh_reads_are_not_retried_on_5xx() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let batch = numbers(1);
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(&batch).await.unwrap();
    h.clear_journal().await;
    h.fault(json!({"status": 502, "method": "GET"})).await;
    assert_eq!(
        numbers_handle
            .get_fresh(&batch[0])
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Server
    );
    assert_eq!(h.journal().await.len(), 1);
    h.fault(json!({"status": 502, "method": "GET"})).await;
    numbers_handle.get(&batch[0]).await.unwrap();
    assert_eq!(h.journal().await.len(), 3);
}

#[tokio::test]
async fn idempotent_writes_retry_on_5xx() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let rep = h.client.reputation(&id);
    h.clear_journal().await;
    h.fault(json!({"status": 500, "method": "PATCH"})).await;
    rep.set_frequency(CheckFrequency::Monthly).await.unwrap();
    h.fault(json!({"status": 500, "method": "PUT"})).await;
    h.client
        .enterprises()
        .replace(&id, EnterpriseUpdate::default())
        .await
        .unwrap();
    h.fault(json!({"status": 500, "method": "POST", "path_prefix": format!("/v2/enterprises/{id}/reputation/loa")}))
        .await;
    rep.loa().render(LoaRenderOptions::default()).await.unwrap();
    h.fault(json!({"status": 500, "method": "POST", "path_prefix": "/v2/terms_of_service"}))
        .await;
    h.client
        .terms_of_service()
        .agree_number_reputation()
        .await
        .unwrap();
    h.fault(json!({"status": 500, "method": "DELETE"})).await;
    rep.disable().await.unwrap();
    assert_eq!(h.journal().await.len(), 10);
    assert_eq!(h.sleeps.taken(), ms(&[500; 5]));
}

#[tokio::test]
async fn connect_failures_are_retried_even_for_billable_posts() {
    let sleeps = Arc::new(RecordingSleeper::default());
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9/v2")
        .sleeper(sleeps.clone())
        .jitter(Arc::new(NoJitter))
        .build()
        .unwrap();
    let e = client
        .reputation("4a6192a4-573d-446d-b3ce-aff9117272a6")
        .numbers()
        .add(["+12025551234"])
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Connection {
                before_send: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(sleeps.taken(), ms(&[500, 1000]));
}

#[tokio::test]
async fn cap_deadline_and_max_retries_are_configurable() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| {
        b.max_retries(3).retry_cap(Duration::from_millis(700))
    })
    .await;
    h.fault(json!({"status": 500, "count": 3})).await;
    h.client.enterprises().list().first_page().await.unwrap();
    assert_eq!(h.sleeps.taken(), ms(&[500, 700, 700]));

    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| {
        b.retry_deadline(Duration::from_millis(1000))
    })
    .await;
    h.fault(json!({"status": 500, "count": 3})).await;
    assert!(h.client.enterprises().list().first_page().await.is_err());
    assert_eq!(h.sleeps.taken(), ms(&[500]));
    assert_eq!(list_attempts(&h).await, 2);

    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(0)).await;
    h.fault(json!({"status": 500})).await;
    assert!(h.client.enterprises().list().first_page().await.is_err());
    assert_eq!(list_attempts(&h).await, 1);
}

#[tokio::test]
async fn a_billable_post_whose_answer_is_lost_says_the_outcome_is_unknown_and_is_sent_once() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let batch = numbers(3);
    h.clear_journal().await;
    h.fault(json!({"drop_after_processing": true, "method": "POST"}))
        .await;
    let e = h
        .client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
    assert!(e.outcome_unknown(), "{e:?}");
    assert!(e.to_string().contains("outcome unknown"), "{e}");
    let journal = h.journal().await;
    assert_eq!(journal.len(), 1, "sent once, never retried: {journal:?}");
    assert_eq!(journal[0]["answer_dropped"], true);
    // The server did apply it: the numbers are monitored and billed exactly once.
    assert_eq!(h.ledger().await["numbers_added"], 3);
    let listed = h
        .client
        .reputation(&id)
        .numbers()
        .list()
        .first_page()
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 3);
    assert!(h.sleeps.taken().is_empty());
}

#[tokio::test]
async fn add_all_reports_a_batch_whose_answer_was_lost_as_unknown_not_as_added_none() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let all = numbers(250);
    h.clear_journal().await;
    // The first batch (numbers 0..100) is applied, then its answer is lost.
    h.fault(json!({"drop_after_processing": true, "method": "POST", "count": 1}))
        .await;
    let report = h
        .client
        .reputation(&id)
        .numbers()
        .add_all(&all, BulkAddOptions { concurrency: 1 })
        .await
        .unwrap();
    assert_eq!(report.added.len(), 150);
    assert_eq!(report.failed.len(), 1);
    let failure = &report.failed[0];
    assert_eq!(failure.batch_index, 0);
    assert!(failure.outcome_unknown(), "{:?}", failure.error);
    assert_eq!(report.outcome_unknown().len(), 100);
    let serialized = serde_json::to_value(failure).unwrap();
    assert_eq!(serialized["outcome_unknown"], true);
    assert_eq!(serialized["error_kind"], "CONNECTION");
    // Three batches, three requests: the lost one was not resent.
    assert_eq!(h.journal().await.len(), 3);
    assert_eq!(h.ledger().await["numbers_added"], 250);
}

#[tokio::test]
async fn a_dropped_read_is_retried_and_never_reported_as_outcome_unknown() {
    let h = start().await;
    h.fault(json!({"drop_after_processing": true, "method": "GET", "count": 3}))
        .await;
    let e = h
        .client
        .enterprises()
        .list()
        .first_page()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
    assert!(!e.outcome_unknown(), "{e:?}");
    assert_eq!(list_attempts(&h).await, 3);
}
