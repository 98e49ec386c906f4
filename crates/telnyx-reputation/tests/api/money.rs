//! Money against the emulator's ledger: `max_billable` counts billed units (numbers, checks,
//! numbers remediated), `max_spend` refuses in dollars before any I/O, `usage()` prices what
//! was billed, remediation is billed per number, and the first cached read of a number
//! without data is guarded as the live lookup it may be.

use std::time::Duration;

use telnyx_reputation::*;

use crate::common::{numbers, start};

#[tokio::test]
async fn max_billable_counts_numbers_not_requests() {
    let h = start().await;
    let id = h.approved_enterprise("Units Co").await;
    let guarded = h.guarded(|b| b.max_billable(5));
    h.clear_journal().await;
    // One request of six numbers bills six: over a budget of five, refused, nothing sent.
    let e = guarded
        .reputation(&id)
        .numbers()
        .add(numbers(6))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(e.to_string().contains("max_billable is 5"), "{e}");
    assert!(h.seen().await.is_empty(), "nothing may be sent");
    guarded
        .reputation(&id)
        .numbers()
        .add(numbers(5))
        .await
        .unwrap();
    assert_eq!(guarded.usage().total_units, 5);
    assert_eq!(guarded.remaining_billable(), Some(0));
    assert_eq!(h.ledger().await["numbers_added"], 5);
}

#[tokio::test]
async fn max_spend_refuses_the_check_that_would_go_over_before_sending() {
    let h = start().await;
    let id = h.approved_enterprise("Spend Co").await;
    let batch = numbers(3);
    h.client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap();
    let guarded = h.guarded(|b| b.max_spend("0.25".parse().unwrap()));
    let rep = guarded.reputation(&id);
    rep.numbers().get_fresh(&batch[0]).await.unwrap();
    rep.numbers().get_fresh(&batch[1]).await.unwrap();
    assert_eq!(guarded.remaining_spend(), Some(Usd::from_cents(5)));
    h.clear_journal().await;
    let e = rep.numbers().get_fresh(&batch[2]).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(
        e.to_string().contains("max_spend $0.25 has $0.05 left"),
        "{e}"
    );
    assert!(h.seen().await.is_empty(), "nothing may be sent");
    // A refresh of two numbers ($0.20) does not fit either; the plan is refused whole.
    let e = rep
        .numbers()
        .refresh_all(&batch[..2], BulkAddOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(h.seen().await.is_empty());
    let usage = guarded.usage();
    assert_eq!(usage.usd.known, Usd::from_cents(20));
    assert!(usage.usd.is_exact());
    assert_eq!(h.ledger().await["live_lookups"], 2);
}

#[tokio::test]
async fn an_unknown_price_cannot_fit_max_spend_until_it_is_given() {
    let h = start().await;
    let id = h.approved_enterprise("Unknown Co").await;
    let guarded = h.guarded(|b| b.max_spend(Usd::from_cents(100)));
    h.clear_journal().await;
    let e = guarded
        .reputation(&id)
        .numbers()
        .add(numbers(2))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(
        e.to_string().contains("price of numbers_added is unknown"),
        "{e}"
    );
    assert!(h.seen().await.is_empty());

    let prices = PriceTable::from_json(serde_json::json!({"numbers_added": "0.40"})).unwrap();
    let priced = h.guarded(|b| b.max_spend(Usd::from_cents(100)).prices(prices));
    priced
        .reputation(&id)
        .numbers()
        .add(numbers(2))
        .await
        .unwrap();
    assert_eq!(priced.usage().usd.to_string(), "$0.80");
    let e = priced
        .reputation(&id)
        .numbers()
        .add(&numbers(3)[2..])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("costs $0.40"), "{e}");
    assert_eq!(h.ledger().await["numbers_added"], 2);
}

#[tokio::test]
async fn remediation_is_billed_per_number_submitted() {
    let h = start().await;
    let id = h.approved_enterprise("Remedy Co").await;
    let batch = numbers(4);
    h.client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap();
    let guarded = h.guarded(|b| b.max_billable(4));
    let rep = guarded.reputation(&id);
    h.clear_journal().await;
    let e = rep
        .remediation()
        .submit(RemediationRequest::new(numbers(5), "reminders"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(e.to_string().contains("remediation.submit"), "{e}");
    assert!(h.seen().await.is_empty());
    rep.remediation()
        .submit(RemediationRequest::new(&batch[..3], "reminders"))
        .await
        .unwrap();
    // A rejected submission (422: a number outside the enterprise) bills nothing and is
    // given back.
    let e = rep
        .remediation()
        .submit(RemediationRequest::new(["+13125559999"], "reminders"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unprocessable, "{e}");
    assert_eq!(guarded.remaining_billable(), Some(1));
    let usage = guarded.usage();
    let remediations = usage.action(BillableAction::Remediations);
    assert_eq!((remediations.requests, remediations.units), (1, 3));
    assert_eq!(remediations.usd, Some(Usd::from_cents(300)));
    assert_eq!(h.ledger().await["remediations"], 3);
}

#[tokio::test]
async fn the_first_read_of_a_number_without_data_is_guarded_as_billable() {
    let h = start().await;
    let id = h.approved_enterprise("First Read Co").await;
    let batch = numbers(2);
    h.client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap();
    let zero = h.guarded(|b| b.max_billable(0));
    h.clear_journal().await;
    for e in [
        zero.reputation(&id)
            .numbers()
            .get(&batch[0])
            .await
            .unwrap_err(),
        zero.numbers().get(&batch[0]).await.unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::BillingRefused);
        assert!(e.to_string().contains("may be billed"), "{e}");
    }
    assert!(h.seen().await.is_empty(), "nothing may be sent");
    assert_eq!(h.ledger().await["live_lookups"], 0);

    // With room for it, the first read is live, billed, and counted.
    let one = h.guarded(|b| b.max_billable(1));
    one.reputation(&id).numbers().get(&batch[0]).await.unwrap();
    assert_eq!(h.ledger().await["live_lookups"], 1);
    assert_eq!(one.usage().action(BillableAction::LiveLookups).units, 1);
    assert_eq!(one.remaining_billable(), Some(0));

    // A read served from the cache is given back: data refreshed before the request.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let cached = h.guarded(|b| b.max_billable(1));
    let number = cached.numbers().get(&batch[0]).await.unwrap();
    assert!(number.reputation_data.is_some());
    assert_eq!(cached.usage(), Usage::default());
    assert_eq!(cached.remaining_billable(), Some(1));
    assert_eq!(
        h.ledger().await["live_lookups"],
        1,
        "the cached read is free"
    );
}
