//! Every operation of the facade, happy path, against the emulator.

use serde_json::json;
use telnyx_reputation::*;

use telnyx_reputation_emulator::ApprovalDelay;

use crate::common::{numbers, start, start_with};

#[tokio::test]
async fn terms_of_service() {
    let h = start().await;
    let tos = h.client.terms_of_service();
    let before = tos.status(ProductType::NumberReputation).await.unwrap();
    assert!(!before.has_agreed);
    let agreement = tos.agree_number_reputation().await.unwrap();
    assert_eq!(agreement.product_type, ProductType::NumberReputation);
    let after = tos.status(ProductType::NumberReputation).await.unwrap();
    assert!(after.has_agreed);

    let info = tos.info(Some(ProductType::NumberReputation)).await.unwrap();
    assert!(
        info.iter()
            .all(|t| t.product_type == Some(ProductType::NumberReputation))
    );
    assert!(!tos.info(None).await.unwrap().is_empty());

    let listed = tos
        .agreements()
        .list()
        .product_type(ProductType::NumberReputation)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, vec![agreement.clone()]);
    assert_eq!(
        tos.agreements().get(&agreement.id).await.unwrap(),
        agreement
    );
}

#[tokio::test]
async fn enterprises_crud() {
    let h = start().await;
    let enterprises = h.client.enterprises();
    let created = enterprises
        .create(crate::common::new_enterprise("Acme Plumbing LLC"))
        .await
        .unwrap();
    assert_eq!(created.legal_name, "Acme Plumbing LLC");
    assert_eq!(created.organization_type, OrganizationType::Commercial);
    assert_eq!(enterprises.get(&created.id).await.unwrap(), created);

    let listed = enterprises
        .list()
        .legal_name_contains("acme")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let update = EnterpriseUpdate {
        doing_business_as: Some("Acme Pipes".into()),
        ..EnterpriseUpdate::default()
    };
    let replaced = enterprises.replace(&created.id, update).await.unwrap();
    assert_eq!(replaced.doing_business_as, "Acme Pipes");

    enterprises.delete(&created.id).await.unwrap();
    let gone = enterprises.get(&created.id).await.unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn upload_is_multipart() {
    let h = start().await;
    let document = h
        .client
        .documents()
        .upload("loa.pdf", &b"%PDF-1.7 signed"[..])
        .await
        .unwrap();
    assert_eq!(document.filename.as_deref(), Some("loa.pdf"));
    let journal = h.journal().await;
    let content_type = journal[0]["headers"]["content-type"].as_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
}

#[tokio::test]
async fn reputation_settings_lifecycle() {
    let h = start().await;
    let id = h.enabled_enterprise("Acme Plumbing LLC").await;
    let rep = h.client.reputation(&id);
    let settings = rep
        .wait_until_approved(WaitOptions::default())
        .await
        .unwrap();
    assert!(settings.ready_for_numbers());
    assert_eq!(settings.check_frequency, CheckFrequency::Weekly);

    let changed = rep.set_frequency(CheckFrequency::Daily).await.unwrap();
    assert_eq!(changed.check_frequency, CheckFrequency::Daily);
    let hooked = rep
        .set_webhook(Some("https://example.com/hooks"))
        .await
        .unwrap();
    assert_eq!(
        hooked.webhook_url.as_deref(),
        Some("https://example.com/hooks")
    );
    let unhooked = rep.set_webhook(None).await.unwrap();
    assert_eq!(unhooked.webhook_url, None);
    let journal = h.journal().await;
    let last = journal.last().unwrap();
    assert_eq!(last["body"].as_str().unwrap(), r#"{"webhook_url":null}"#);

    rep.disable().await.unwrap();
    assert_eq!(
        rep.settings().await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn loa_render_and_replace() {
    let h = start_with(ApprovalDelay::Manual, |b| b).await;
    let id = h.enabled_enterprise("Acme Plumbing LLC").await;
    let loa = h.client.reputation(&id).loa();
    let pdf = loa.render(LoaRenderOptions::default()).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let journal = h.journal().await;
    let render = journal.last().unwrap();
    assert_eq!(render["headers"]["accept"], "application/pdf");

    let document = h.client.documents().upload("loa2.pdf", pdf).await.unwrap();
    let settings = loa.replace(&document.id).await.unwrap();
    assert_eq!(
        settings.loa_document_id.as_deref(),
        Some(document.id.as_str())
    );
}

#[tokio::test]
async fn numbers_end_to_end() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let numbers_handle = h.client.reputation(&id).numbers();
    let batch = numbers(3);
    let added = numbers_handle.add(&batch).await.unwrap();
    assert_eq!(added.len(), 3);

    let cached = numbers_handle.get(&batch[0]).await.unwrap();
    assert_eq!(cached.phone_number, batch[0]);
    let fresh = numbers_handle.get_fresh(&batch[0]).await.unwrap();
    assert!(fresh.reputation_data.is_some());
    let journal = h.journal().await;
    let fresh_request = journal.last().unwrap();
    assert_eq!(
        fresh_request["path"],
        format!("/v2/enterprises/{id}/reputation/numbers/%2B12025551000")
    );
    assert_eq!(fresh_request["query"], "fresh=true");

    let listed = numbers_handle.list().collect_all().await.unwrap();
    assert_eq!(listed.len(), 3);
    let refreshed = numbers_handle.refresh(&batch[..2]).await.unwrap();
    assert_eq!(refreshed.total_requested, 2);

    let ownership = numbers_handle.ownership(&batch[1]).await.unwrap();
    assert_eq!(ownership.phone_number.as_deref(), Some(batch[1].as_str()));
    h.ownership(json!({"phone_number": batch[1], "ownership_status": "pending_confirmation"}))
        .await;
    let confirmed = numbers_handle
        .confirm_ownership(&batch[1], true, None)
        .await
        .unwrap();
    assert_eq!(confirmed.ownership_status, Some(OwnershipStatus::Verified));

    numbers_handle.remove(&batch[2]).await.unwrap();
    assert_eq!(numbers_handle.list().collect_all().await.unwrap().len(), 2);
}

#[tokio::test]
async fn account_wide_numbers() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let batch = numbers(2);
    h.client
        .reputation(&id)
        .numbers()
        .add(&batch)
        .await
        .unwrap();
    let account = h.client.numbers();
    let listed = account
        .list()
        .enterprise_id(&id)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(account.get(&batch[0]).await.unwrap().enterprise_id, id);
    account.remove(&batch[0]).await.unwrap();
    assert_eq!(
        account.get(&batch[0]).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn remediation_lifecycle() {
    let h = start_with(ApprovalDelay::Manual, |b| b).await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let rep = h.client.reputation(&id);
    let batch = numbers(2);
    rep.numbers().add(&batch).await.unwrap();
    let request = RemediationRequest::new(&batch, "Appointment reminders")
        .contact_email("ops@example.com")
        .webhook_url("https://example.com/hooks/remediation");
    let submitted = rep.remediation().submit(request).await.unwrap();
    assert_eq!(submitted.status, RemediationStatus::Pending);
    assert_eq!(submitted.phone_numbers_count, 2);

    h.advance_remediation(
        json!({"enterprise_id": id, "remediation_id": submitted.id, "status": "completed"}),
    )
    .await;
    let done = rep.remediation().get(&submitted.id).await.unwrap();
    assert_eq!(done.status, RemediationStatus::Completed);
    let results = done.results.unwrap();
    let bucketed = results.remediated.len()
        + results.not_flagged.len()
        + results.requires_review.len()
        + results.ineligible.len()
        + results.refused.len();
    assert_eq!(bucketed, 2);

    let listed = rep
        .remediation()
        .list()
        .status(RemediationStatus::Completed)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, submitted.id);
}

#[tokio::test]
async fn external_verification() {
    let h = start().await;
    let id = h.approved_enterprise("Acme Plumbing LLC").await;
    let evidence = h
        .client
        .documents()
        .upload("bill.pdf", &b"%PDF-1.7 bill"[..])
        .await
        .unwrap();
    let ev = h.client.reputation(&id).external_verification();
    let submitted = ev
        .submit([&evidence.id], Some(vec!["+13125550100".to_owned()]))
        .await
        .unwrap();
    assert_eq!(submitted.document_ids, vec![evidence.id.clone()]);
    let read = ev.get().await.unwrap();
    assert_eq!(read.document_ids, vec![evidence.id]);
}
