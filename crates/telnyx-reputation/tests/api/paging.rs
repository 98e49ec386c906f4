//! Pagers across several pages: streaming, one page with its meta, page size validation.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use telnyx_reputation::*;
use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{numbers, start, start_with};

#[tokio::test]
async fn streams_every_item_across_pages() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    let batch = numbers(25);
    numbers_handle.add(&batch).await.unwrap();
    h.clear_journal().await;

    let pager = numbers_handle.list().page_size(10);
    let all: Vec<ReputationNumber> = pager.stream().try_collect().await.unwrap();
    let mut seen: Vec<String> = all.into_iter().map(|n| n.phone_number).collect();
    seen.sort();
    assert_eq!(seen, batch);
    let queries: Vec<String> = h
        .journal()
        .await
        .iter()
        .map(|e| e["query"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "page%5Bnumber%5D=1&page%5Bsize%5D=10",
            "page%5Bnumber%5D=2&page%5Bsize%5D=10",
            "page%5Bnumber%5D=3&page%5Bsize%5D=10"
        ]
    );

    let first = pager.first_page().await.unwrap();
    assert_eq!(first.meta.total_results, 25);
    assert_eq!(first.meta.total_pages, 3);
    assert!(first.has_next());
    let last = pager.fetch_page(3).await.unwrap();
    assert_eq!(last.items.len(), 5);
    assert!(!last.has_next());
}

#[tokio::test]
async fn a_prefetched_page_reaches_the_stream_as_it_was_answered() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(0)).await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(15)).await.unwrap();

    let mut stream = std::pin::pin!(numbers_handle.list().page_size(10).stream());
    let mut items = Vec::new();
    for _ in 0..10 {
        items.push(stream.try_next().await.unwrap().unwrap());
    }
    // Page 2 may already be in flight when the fault lands: whichever answer it got, 200 or
    // 503, is exactly what the stream yields next.
    h.fault(json!({"status": 503, "count": 1, "path_prefix": format!("/v2/enterprises/{id}/reputation/numbers")}))
        .await;
    let outcome = stream.try_next().await;
    let journal_status: Vec<u64> = h
        .journal()
        .await
        .iter()
        .filter(|e| {
            e["query"]
                .as_str()
                .is_some_and(|q| q.contains("page%5Bnumber%5D=2"))
        })
        .map(|e| e["status"].as_u64().unwrap_or_default())
        .collect();
    match outcome {
        // The prefetch won the race with the fault: page 2 arrived intact.
        Ok(Some(item)) => {
            assert_eq!(journal_status, [200]);
            items.push(item);
        }
        Err(e) => {
            assert_eq!(journal_status, [503]);
            assert_eq!(e.kind(), ErrorKind::Server);
        }
        Ok(None) => panic!("the stream ended before page 2"),
    }
    assert!(items.len() == 10 || items.len() == 11);
}

#[tokio::test]
async fn dropping_a_stream_mid_way_is_harmless() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(30)).await.unwrap();
    let first: Vec<ReputationNumber> = numbers_handle
        .list()
        .page_size(10)
        .stream()
        .take(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    // The same pager still streams everything afterwards.
    let all: Vec<ReputationNumber> = numbers_handle
        .list()
        .page_size(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 30);
}

#[tokio::test]
async fn filters_reach_the_wire() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let batch = numbers(3);
    h.client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap();
    let found = h
        .client
        .reputation(&id)
        .numbers()
        .list()
        .phone_number_eq(&batch[1])
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].phone_number, batch[1]);
    let contains = h
        .client
        .numbers()
        .list()
        .phone_number_contains("5551002")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(contains.len(), 1);
}

#[tokio::test]
async fn empty_list_stops_after_one_request() {
    let h = start().await;
    let all = h.client.enterprises().list().collect_all().await.unwrap();
    assert!(all.is_empty());
    assert_eq!(h.journal().await.len(), 1);
}

#[tokio::test]
async fn page_size_is_validated_before_io() {
    let h = start().await;
    for size in [0, 251] {
        let e = h
            .client
            .enterprises()
            .list()
            .page_size(size)
            .first_page()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    let e = h
        .client
        .enterprises()
        .list()
        .fetch_page(0)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(h.journal().await.is_empty());
}
