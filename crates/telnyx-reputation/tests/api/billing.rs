//! The cost guard against the emulator's ledger: the budget is checked before any I/O, bulk
//! calls check their whole plan, the hook sees and may refuse each billable request, usage
//! matches what the server billed, and requests the server provably did not process are
//! not counted. Also the billing-adjacent defects: DELETE retries, optional frequency and
//! the account-wide fresh read.

use std::sync::{Arc, Mutex};

use serde_json::json;
use telnyx_reputation::*;

use crate::common::{numbers, start};

fn posts_to_numbers(seen: &[String]) -> usize {
    seen.iter()
        .filter(|r| r.starts_with("POST ") && r.ends_with("/reputation/numbers"))
        .count()
}

#[tokio::test]
async fn the_request_over_max_billable_is_refused_before_it_is_sent() {
    let h = start().await;
    let id = h.approved_enterprise("Budget Co").await;
    let guarded = h.guarded(|b| b.max_billable(3));
    let numbers_api = guarded.reputation(&id).numbers();
    numbers_api.add(&numbers(3)[..2]).await.unwrap();
    numbers_api.add(&numbers(3)[2..]).await.unwrap();
    h.clear_journal().await;

    let e = numbers_api.add(["+12025559999"]).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert_eq!(e.kind().code(), "BILLING_REFUSED");
    let text = e.to_string();
    assert!(
        text.contains("numbers.add") && text.contains("max_billable is 3"),
        "{text}"
    );
    assert!(h.seen().await.is_empty(), "nothing may be sent");
    assert_eq!(guarded.remaining_billable(), Some(0));

    // Free operations still work with the budget spent.
    guarded
        .reputation(&id)
        .numbers()
        .list()
        .collect_all()
        .await
        .unwrap();
    guarded
        .reputation(&id)
        .loa()
        .render(LoaRenderOptions::default())
        .await
        .unwrap();

    let ledger = h.ledger().await;
    assert_eq!(ledger["numbers_added"], 3, "{ledger}");
    let usage = guarded.usage();
    assert_eq!(usage.total_requests, 2);
    assert_eq!(usage.action(BillableAction::NumbersAdded).requests, 2);
    assert_eq!(usage.action(BillableAction::NumbersAdded).units, 3);
}

#[tokio::test]
async fn max_billable_zero_refuses_enable_but_not_the_free_steps() {
    let h = start().await;
    let guarded = h.guarded(|b| b.max_billable(0));
    guarded
        .terms_of_service()
        .agree_number_reputation()
        .await
        .unwrap();
    let enterprise = guarded
        .enterprises()
        .create(crate::common::new_enterprise("Zero Co"))
        .await
        .unwrap();
    let rep = guarded.reputation(&enterprise.id);
    let pdf = rep.loa().render(LoaRenderOptions::default()).await.unwrap();
    let doc = guarded.documents().upload("loa.pdf", pdf).await.unwrap();
    let e = rep.enable(&doc.id, None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(
        !h.seen()
            .await
            .iter()
            .any(|r| r.starts_with("POST ") && r.ends_with("/reputation"))
    );
    assert_eq!(h.ledger().await["total"], 0);
    assert_eq!(guarded.usage(), Usage::default());
}

#[tokio::test]
async fn bulk_calls_check_the_whole_plan_before_the_first_batch() {
    let h = start().await;
    let id = h.approved_enterprise("Plan Co").await;
    let guarded = h.guarded(|b| b.max_billable(2));
    h.clear_journal().await;
    let e = guarded
        .reputation(&id)
        .numbers()
        .add_all(numbers(250), BulkAddOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(e.to_string().contains("plans 250 billable units"), "{e}");
    assert_eq!(posts_to_numbers(&h.seen().await), 0);

    let e = guarded
        .reputation(&id)
        .numbers()
        .refresh_all(numbers(201), BulkAddOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(h.seen().await.is_empty());
    assert_eq!(h.ledger().await["numbers_added"], 0);
}

#[tokio::test]
async fn usage_matches_the_emulator_ledger_action_by_action() {
    let h = start().await;
    let guarded = h.guarded(|b| b.max_billable(310));
    let id = {
        guarded
            .terms_of_service()
            .agree_number_reputation()
            .await
            .unwrap();
        let e = guarded
            .enterprises()
            .create(crate::common::new_enterprise("Ledger Co"))
            .await
            .unwrap();
        let doc = guarded
            .documents()
            .upload("loa.pdf", &b"%PDF-1.7 signed"[..])
            .await
            .unwrap();
        guarded
            .reputation(&e.id)
            .enable(&doc.id, None)
            .await
            .unwrap();
        h.gates(json!({"enterprise_id": e.id, "status": "approved", "loa_status": "approved"}))
            .await;
        e.id
    };
    let rep = guarded.reputation(&id);
    let report = rep
        .numbers()
        .add_all(numbers(150), BulkAddOptions::default())
        .await
        .unwrap();
    assert!(report.is_complete());
    rep.numbers().get_fresh(&numbers(1)[0]).await.unwrap();
    guarded.numbers().get_fresh(&numbers(2)[1]).await.unwrap();
    let refreshed = rep
        .numbers()
        .refresh_all(numbers(150), BulkAddOptions::default())
        .await
        .unwrap();
    assert!(refreshed.failed.is_empty());
    assert_eq!(refreshed.results.len(), 150);

    let ledger = h.ledger().await;
    let usage = guarded.usage();
    for action in BillableAction::ALL {
        assert_eq!(
            usage.action(action).units,
            ledger[action.as_str()].as_u64().unwrap(),
            "{action}: {usage:?} vs {ledger}"
        );
    }
    // enable 1 + add 2 batches + 2 fresh reads + refresh 2 batches.
    assert_eq!(usage.total_requests, 7);
    // max_billable counts what is billed: 1 enable + 150 added + 2 checks + 150 refreshed.
    assert_eq!(usage.total_units, 303);
    assert_eq!(guarded.remaining_billable(), Some(7));
    // Dollars: 152 checks at $0.10; enabling and adding have no published price.
    assert_eq!(usage.usd.known, Usd::from_cents(1520));
    assert_eq!(
        usage.usd.to_string(),
        "$15.20 + unknown (1 enable, 150 numbers_added)"
    );
    assert_eq!(
        usage.action(BillableAction::Refreshes).usd,
        Some(Usd::from_cents(1500))
    );
    assert_eq!(usage.action(BillableAction::NumbersAdded).usd, None);
}

#[tokio::test]
async fn the_hook_sees_each_billable_request_and_may_refuse_it() {
    let h = start().await;
    let id = h.approved_enterprise("Hook Co").await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let guarded = h.guarded(move |b| {
        b.on_billable(move |request| {
            record.lock().unwrap().push(request.clone());
            if request.operation == "numbers.refresh" {
                Err("refreshes need approval".to_owned())
            } else {
                Ok(())
            }
        })
    });
    let rep = guarded.reputation(&id);
    rep.numbers().add(numbers(3)).await.unwrap();
    rep.numbers().list().collect_all().await.unwrap(); // free: the hook is not called
    h.clear_journal().await;
    let e = rep.numbers().refresh(numbers(2)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BillingRefused);
    assert!(e.to_string().contains("refreshes need approval"), "{e}");
    assert!(h.seen().await.is_empty());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].operation, "numbers.add");
    assert_eq!(seen[0].action, BillableAction::NumbersAdded);
    assert_eq!(seen[0].units, 3);
    assert_eq!(seen[1].action, BillableAction::Refreshes);
    assert_eq!(guarded.usage().total_requests, 1);
    assert_eq!(h.ledger().await["refreshes"], 0);
}

#[tokio::test]
async fn a_request_the_server_did_not_process_is_not_counted() {
    let h = start().await;
    let id = h.approved_enterprise("Retry Co").await;
    let guarded = h.guarded(|b| b.max_billable(1).max_retries(0));
    h.fault(json!({"status": 429, "count": 1, "method": "POST", "path_prefix": "/v2/enterprises"}))
        .await;
    let e = guarded
        .reputation(&id)
        .numbers()
        .add(numbers(1))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(guarded.usage().total_requests, 0);
    guarded
        .reputation(&id)
        .numbers()
        .add(numbers(1))
        .await
        .unwrap();
    assert_eq!(guarded.usage().total_requests, 1);
    assert_eq!(h.ledger().await["numbers_added"], 1);
}

#[tokio::test]
async fn a_404_on_the_retry_of_a_delete_whose_answer_was_lost_means_done() {
    let h = start().await;
    let id = h.approved_enterprise("Delete Co").await;
    let number = &numbers(1)[0];
    let rep = h.client.reputation(&id);
    rep.numbers().add([number]).await.unwrap();
    // The first DELETE is processed but its answer lost (here: the number is removed by
    // another route and the client sees a 500); the retry then finds nothing.
    h.client.numbers().remove(number).await.unwrap();
    h.fault(
        json!({"status": 500, "count": 1, "method": "DELETE", "path_prefix": "/v2/enterprises"}),
    )
    .await;
    rep.numbers().remove(number).await.unwrap();

    // Without a lost answer a 404 stays NotFound.
    let e = rep.numbers().remove(number).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // And a 429 proves the first attempt was not processed: the 404 after it is real.
    h.fault(
        json!({"status": 429, "count": 1, "method": "DELETE", "path_prefix": "/v2/enterprises"}),
    )
    .await;
    let e = rep.numbers().remove(number).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn enable_without_a_frequency_uses_business_daily() {
    let h = start().await;
    h.client
        .terms_of_service()
        .agree_number_reputation()
        .await
        .unwrap();
    let e = h
        .client
        .enterprises()
        .create(crate::common::new_enterprise("Default Co"))
        .await
        .unwrap();
    let doc = h
        .client
        .documents()
        .upload("loa.pdf", &b"%PDF-1.7 signed"[..])
        .await
        .unwrap();
    let settings = h
        .client
        .reputation(&e.id)
        .enable(&doc.id, None)
        .await
        .unwrap();
    assert_eq!(settings.check_frequency, CheckFrequency::BusinessDaily);
    let journal = h.journal().await;
    let body = &journal.last().unwrap()["body"];
    assert!(body.to_string().contains("business_daily"), "{body}");
}

#[tokio::test]
async fn the_account_wide_fresh_read_is_billed_as_a_live_lookup() {
    let h = start().await;
    let id = h.approved_enterprise("Fresh Co").await;
    let number = &numbers(1)[0];
    h.client
        .reputation(&id)
        .numbers()
        .add([number])
        .await
        .unwrap();
    h.client.numbers().get_fresh(number).await.unwrap();
    h.client.numbers().get_fresh(number).await.unwrap();
    let fresh_reads = h
        .journal()
        .await
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .unwrap_or("")
                .starts_with("/v2/reputation/numbers/")
        })
        .filter(|r| r["query"].as_str().unwrap_or("").contains("fresh=true"))
        .count();
    assert_eq!(fresh_reads, 2);
    assert_eq!(h.ledger().await["live_lookups"], 2);
    assert_eq!(
        h.client
            .usage()
            .action(BillableAction::LiveLookups)
            .requests,
        2
    );
}
