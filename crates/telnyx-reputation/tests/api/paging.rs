//! Pagers across several pages: streaming, one page with its meta, page size validation.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use telnyx_reputation::*;
use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{Harness, numbers, start, start_with};

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

/// Poll the journal (bounded) until `done` holds for it; the journal as it was then.
async fn journal_until(
    h: &crate::common::Harness,
    what: &str,
    done: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    for _ in 0..500 {
        let journal = h.journal().await;
        if done(&journal) {
            return journal;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{what}: not seen within 5 s; journal: {:?}",
        h.journal().await
    );
}

/// The `page[number]` of every list request in the journal, in order.
fn pages_requested(journal: &[serde_json::Value]) -> Vec<u64> {
    journal
        .iter()
        .filter_map(|e| {
            let query = e["query"].as_str()?;
            let number = query
                .split('&')
                .find_map(|p| p.strip_prefix("page%5Bnumber%5D="))?;
            number.parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn pages_keeps_the_next_request_in_flight_while_a_page_is_handled() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    let batch = numbers(25);
    numbers_handle.add(&batch).await.unwrap();
    h.clear_journal().await;

    let mut pages = numbers_handle.list().page_size(10).pages();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        h.journal().await.is_empty(),
        "nothing is sent before the first next()"
    );

    let first = pages.next().await.unwrap().unwrap();
    assert_eq!((first.meta.page_number, first.items.len()), (1, 10));
    // The caller is still "handling" page 1 (not polling the cursor): page 2 is requested
    // anyway, and nothing beyond it.
    let journal = journal_until(&h, "page 2 prefetched", |j| pages_requested(j) == [1, 2]).await;
    assert_eq!(pages_requested(&journal), [1, 2]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(pages_requested(&h.journal().await), [1, 2]);

    let second = pages.next().await.unwrap().unwrap();
    assert_eq!((second.meta.page_number, second.items.len()), (2, 10));
    journal_until(&h, "page 3 prefetched", |j| pages_requested(j) == [1, 2, 3]).await;
    let third = pages.next().await.unwrap().unwrap();
    assert_eq!((third.meta.page_number, third.items.len()), (3, 5));
    assert!(!third.has_next());
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none());

    let mut seen: Vec<String> = [first, second, third]
        .into_iter()
        .flat_map(|p| p.items)
        .map(|n| n.phone_number)
        .collect();
    seen.sort();
    assert_eq!(seen, batch);
    assert_eq!(
        pages_requested(&h.journal().await),
        [1, 2, 3],
        "no request past the last page"
    );
}

/// 40 numbers listed 10 a page, the first `held` requests after page 1 answered only after
/// a second, the one after them at once (its fault rule left over shows it was not sent).
async fn held_pages(held: usize) -> (Harness, String) {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    h.client
        .reputation(&id)
        .numbers()
        .add(numbers(40))
        .await
        .unwrap();
    let path = format!("/enterprises/{id}/reputation/numbers");
    let page_one = h
        .api_get(&format!("{path}?page[number]=1&page[size]=10"))
        .await;
    let answer = |delay_ms: u64| {
        json!({"method": "GET", "path_prefix": format!("/v2{path}"), "status": 200,
        "body": page_one, "delay_ms": delay_ms})
    };
    h.fault(answer(0)).await;
    for _ in 0..held {
        h.fault(answer(1000)).await;
    }
    h.fault(answer(0)).await;
    h.clear_journal().await;
    (h, id)
}

#[tokio::test]
async fn pages_sends_the_next_request_once_the_one_before_is_answered() {
    let (h, id) = held_pages(1).await;
    let mut pages = h
        .client
        .reputation(&id)
        .numbers()
        .list()
        .page_size(10)
        .pages();
    pages.next().await.unwrap().unwrap();
    // Waiting for page 2 (held): page 3 is queued, and waits for page 2's answer.
    let waiting = tokio::time::timeout(Duration::from_millis(400), pages.next()).await;
    assert!(waiting.is_err(), "page 2 was held");
    assert_eq!(
        h.faults().await.len(),
        1,
        "page 3 went out before page 2's answer"
    );
    let mut count = 1;
    while pages.next().await.transpose().unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 4);
    assert_eq!(pages_requested(&h.journal().await), [1, 2, 3, 4]);
}

#[tokio::test]
async fn stream_keeps_two_requests_on_the_wire_the_third_waits_for_the_first_answer() {
    let (h, id) = held_pages(2).await;
    let numbers_handle = h.client.reputation(&id).numbers();
    let mut stream = std::pin::pin!(numbers_handle.list().page_size(10).stream());
    for _ in 0..10 {
        stream.try_next().await.unwrap().unwrap();
    }
    // Waiting for page 2: pages 2 and 3 (both held) are on the wire together; page 4 is
    // queued and waits for page 2's answer.
    let waiting = tokio::time::timeout(Duration::from_millis(400), stream.try_next()).await;
    assert!(waiting.is_err(), "page 2 was held");
    assert_eq!(
        h.faults().await.len(),
        1,
        "pages 2 and 3 both sent, page 4 not yet"
    );
    let mut count = 10;
    while stream.try_next().await.unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 40);
    // Pages 1-4 answered from the rules (each says "page 1 of 4"), then page 5, empty.
    let mut requested = pages_requested(&h.journal().await);
    requested.sort_unstable();
    assert_eq!(requested, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn stream_fetches_up_to_two_pages_ahead() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(40)).await.unwrap();
    h.clear_journal().await;

    let mut stream = std::pin::pin!(numbers_handle.list().page_size(10).stream());
    stream.try_next().await.unwrap().unwrap();
    journal_until(&h, "pages 2 and 3 prefetched", |j| {
        pages_requested(j) == [1, 2, 3]
    })
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        pages_requested(&h.journal().await),
        [1, 2, 3],
        "at most two pages ahead"
    );

    let mut count = 1;
    while stream.try_next().await.unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 40);
    assert_eq!(pages_requested(&h.journal().await), [1, 2, 3, 4]);
}

#[tokio::test]
async fn a_page_cursor_is_a_stream_of_pages() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(25)).await.unwrap();
    let sizes: Vec<usize> = numbers_handle
        .list()
        .page_size(10)
        .pages()
        .map_ok(|page| page.items.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sizes, [10, 10, 5]);
}

#[tokio::test]
async fn dropping_a_page_cursor_aborts_the_request_in_flight() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(25)).await.unwrap();
    let path = format!("/enterprises/{id}/reputation/numbers");
    let page_one = h
        .api_get(&format!("{path}?page[number]=1&page[size]=10"))
        .await;
    let prefix = format!("/v2{path}");
    // Page 1 answers at once; the request after it (page 2, prefetched) is held for 3 s.
    h.fault(json!({"method": "GET", "path_prefix": prefix, "status": 200, "body": page_one}))
        .await;
    h.fault(
        json!({"method": "GET", "path_prefix": prefix, "status": 200, "body": page_one,
        "delay_ms": 3000}),
    )
    .await;
    h.clear_journal().await;

    let mut pages = numbers_handle.list().page_size(10).pages();
    let first = pages.next().await.unwrap().unwrap();
    assert!(first.has_next());
    // Wait until the prefetch reached the server (its fault rule is taken), then drop.
    for _ in 0..500 {
        if h.faults().await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(h.faults().await.is_empty(), "page 2 was never requested");
    drop(pages);

    // A leaked request would wait out the delay and be answered (status 200); an aborted
    // one hangs up, which the emulator journals as abandoned.
    let journal = journal_until(&h, "page 2 journaled", |j| pages_requested(j).len() == 2).await;
    let second = &journal[1];
    assert_eq!(second["abandoned"], json!(true), "{second}");
    assert_eq!(second["status"], json!(null), "{second}");
}

#[tokio::test]
async fn an_error_ends_the_page_cursor_after_it_is_yielded_once() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(0)).await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(25)).await.unwrap();
    let path = format!("/enterprises/{id}/reputation/numbers");
    let page_one = h
        .api_get(&format!("{path}?page[number]=1&page[size]=10"))
        .await;
    let prefix = format!("/v2{path}");
    h.fault(json!({"method": "GET", "path_prefix": prefix, "status": 200, "body": page_one}))
        .await;
    h.fault(json!({"method": "GET", "path_prefix": prefix, "status": 503}))
        .await;
    h.clear_journal().await;

    let mut pages = numbers_handle.list().page_size(10).pages();
    assert_eq!(pages.next().await.unwrap().unwrap().items.len(), 10);
    let error = pages.next().await.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none());
    assert_eq!(
        pages_requested(&h.journal().await),
        [1, 2],
        "nothing after the error"
    );

    // An invalid setting is the first and only thing the cursor yields; nothing is sent.
    h.clear_journal().await;
    let mut invalid = numbers_handle.list().page_size(0).pages();
    let error = invalid.next().await.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(invalid.next().await.is_none());
    assert!(h.journal().await.is_empty());
}

#[tokio::test]
async fn a_filter_struct_sends_what_the_builder_methods_send() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let batch = numbers(3);
    h.client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap();
    let account = h.client.numbers();
    h.clear_journal().await;

    let built = account
        .list()
        .page_size(5)
        .phone_number_contains("5551001")
        .ownership_status(OwnershipStatus::Verified)
        .source(NumberSource::Telnyx)
        .enterprise_id(&id)
        .collect_all()
        .await
        .unwrap();
    let filter = NumberFilter {
        page_size: Some(5),
        phone_number_contains: Some("5551001".into()),
        ownership_status: Some(OwnershipStatus::Verified),
        source: Some(NumberSource::Telnyx),
        enterprise_id: Some(id.clone()),
        ..NumberFilter::default()
    };
    let structured = account.list().filter(filter).collect_all().await.unwrap();
    assert_eq!(built, structured);
    let queries: Vec<String> = h
        .journal()
        .await
        .iter()
        .map(|e| e["query"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0], queries[1]);
    for part in [
        "filter%5Bphone_number%5D%5Bcontains%5D=5551001",
        "filter%5Bownership_status%5D=verified",
        "filter%5Bsource%5D=telnyx",
        "page%5Bsize%5D=5",
    ] {
        assert!(
            queries[0].contains(part),
            "{part} missing from {}",
            queries[0]
        );
    }
    assert!(queries[0].contains(&format!("filter%5Benterprise_id%5D={id}")));

    // The enterprise-scoped list applies the same filters through the same mapping.
    let scoped = h
        .client
        .reputation(&id)
        .numbers()
        .list()
        .filter(NumberFilter {
            phone_number_eq: Some(batch[2].clone()),
            ..NumberFilter::default()
        })
        .collect_all()
        .await
        .unwrap();
    assert_eq!(scoped.len(), 1);
    assert_eq!(scoped[0].phone_number, batch[2]);
}

#[tokio::test]
async fn filters_deserialize_from_binding_options_and_name_what_is_wrong() {
    let filter: NumberFilter = serde_json::from_value(json!({
        "page_size": 50, "ownership_status": "flagged", "phone_number_eq": null
    }))
    .unwrap();
    assert_eq!(filter.page_size, Some(50));
    assert_eq!(filter.ownership_status, Some(OwnershipStatus::Flagged));
    let typo = serde_json::from_value::<NumberFilter>(json!({"phone_number_contain": "20255"}))
        .unwrap_err()
        .to_string();
    assert!(
        typo.contains("unknown field `phone_number_contain`"),
        "{typo}"
    );
    let remediation: RemediationFilter = serde_json::from_value(
        json!({"status": "completed", "created_at_gte": "2026-01-02T03:04:05Z"}),
    )
    .unwrap();
    assert_eq!(remediation.status, Some(RemediationStatus::Completed));
    assert!(remediation.created_at_gte.is_some());
    let enterprise: EnterpriseFilter = serde_json::from_value(json!({"role_type": "bpo"})).unwrap();
    assert_eq!(enterprise.role_type, Some(RoleType::Bpo));
    let agreement: AgreementFilter =
        serde_json::from_value(json!({"product_type": "number_reputation"})).unwrap();
    assert_eq!(agreement.product_type, Some(ProductType::NumberReputation));
}

#[tokio::test]
async fn invalid_filter_values_fail_before_any_request() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    h.clear_journal().await;
    let cases: Vec<(Pager<ReputationNumber>, &str)> = vec![
        (
            h.client.numbers().list().filter(NumberFilter {
                ownership_status: Some(OwnershipStatus::from_wire("lost")),
                ..NumberFilter::default()
            }),
            "ownership_status: \"lost\" is not a valid OwnershipStatus",
        ),
        (
            h.client.numbers().list().filter(NumberFilter {
                phone_number_contains: Some("12".into()),
                ..NumberFilter::default()
            }),
            "phone_number_contains",
        ),
        (
            h.client.numbers().list().phone_number_eq("+442071234567"),
            "phone_number_eq",
        ),
        (
            h.client.numbers().list().enterprise_id("not-a-uuid"),
            "enterprise_id",
        ),
        (
            h.client.numbers().list().filter(NumberFilter {
                page_size: Some(251),
                ..NumberFilter::default()
            }),
            "page_size",
        ),
        (
            h.client.reputation(&id).numbers().list().enterprise_id(&id),
            "already scoped to one enterprise",
        ),
    ];
    for (pager, expected) in cases {
        let e = pager.first_page().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(
            e.to_string().contains(expected),
            "{e} should name {expected}"
        );
    }
    let e = h
        .client
        .enterprises()
        .list()
        .filter(EnterpriseFilter {
            role_type: Some(RoleType::from_wire("reseller")),
            ..EnterpriseFilter::default()
        })
        .first_page()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("role_type: \"reseller\""), "{e}");
    assert!(h.journal().await.is_empty());
}

/// Pages of numbers are decoded straight into the facade's models; the answer still reaches
/// `with_raw_response` as sent, and an undecodable or invalid page fails as the generated
/// types would: a DECODE error naming the answer's status and request id, not retried.
#[tokio::test]
async fn a_page_of_numbers_keeps_its_answer_and_its_decode_errors() {
    let h = start_with(ApprovalDelay::After(Duration::ZERO), |b| b.max_retries(2)).await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    numbers_handle.add(numbers(3)).await.unwrap();

    let raw = with_raw_response(numbers_handle.list().first_page())
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.parsed().items.len(), 3);
    let sent = h
        .api_get(&format!("/enterprises/{id}/reputation/numbers"))
        .await;
    let length = raw.headers()["content-length"].to_str().unwrap();
    assert_eq!(
        length.parse::<usize>().unwrap(),
        serde_json::to_vec(&sent).unwrap().len(),
        "the real answer's headers, not the generated client's stand-in"
    );
    assert!(raw.request_id().is_some());

    let path = format!("/v2/enterprises/{id}/reputation/numbers");
    let mut item = sent["data"][0].clone();
    item["id"] = json!("not-a-uuid");
    for (body, expected) in [
        (json!({"data": "nope"}), "invalid type"),
        (json!({"data": [item], "meta": sent["meta"]}), "UUID"),
    ] {
        h.clear_journal().await;
        h.fault(json!({
            "status": 200, "count": 1, "method": "get", "path_prefix": path,
            "headers": { "x-request-id": "req-page-1" }, "body": body
        }))
        .await;
        let e = numbers_handle.list().first_page().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
        assert_eq!(e.status(), Some(200));
        assert_eq!(e.request_id(), Some("req-page-1"));
        assert!(
            e.to_string()
                .starts_with("could not decode the 200 response: ")
                && e.to_string().contains(expected),
            "{e}"
        );
        assert_eq!(
            h.journal().await.len(),
            1,
            "a 2xx is an answer: not retried"
        );
    }

    // An error status still goes through the generated client's error mapping and retries.
    h.clear_journal().await;
    h.fault(json!({
        "status": 503, "count": 1, "method": "get", "path_prefix": path,
        "body": "<html>down</html>"
    }))
    .await;
    let page = numbers_handle.list().first_page().await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(h.journal().await.len(), 2);
    let account = h.client.numbers().list().first_page().await.unwrap();
    assert_eq!(account.items.len(), 3);
}
