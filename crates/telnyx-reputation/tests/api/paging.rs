//! Pagers across several pages: streaming, one page with its meta, page size validation.

use futures::TryStreamExt;
use telnyx_reputation::*;

use crate::common::{numbers, start};

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
