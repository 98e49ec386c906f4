//! Invalid input is rejected client-side with a precise message, and nothing reaches the
//! server (the emulator's journal stays empty).

use telnyx_reputation::*;

use crate::common::{Harness, numbers, start};

const ENTERPRISE: &str = "4a6192a4-573d-446d-b3ce-aff9117272a6";

async fn assert_nothing_sent(h: &Harness) {
    assert!(
        h.journal().await.is_empty(),
        "requests were sent: {:?}",
        h.seen().await
    );
}

fn invalid(result: Result<impl std::fmt::Debug, Error>) -> String {
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    e.to_string()
}

#[tokio::test]
async fn numbers_are_all_checked_before_io() {
    let h = start().await;
    let handle = h.client.reputation(ENTERPRISE).numbers();
    let message = invalid(handle.add(["+12025551234", "+44 20 7946 0958"]).await);
    assert_eq!(
        message,
        "invalid input: phone_numbers[1]: +44 20 7946 0958 is not a US E.164 number: expected +1 followed by 10 digits"
    );
    invalid(handle.add(numbers(101)).await);
    invalid(handle.add(Vec::<String>::new()).await);
    invalid(handle.refresh(numbers(101)).await);
    invalid(handle.get("+1202555").await);
    invalid(handle.get_fresh("12025551234").await);
    invalid(handle.remove("+11025551234").await);
    invalid(handle.ownership("x").await);
    invalid(
        handle
            .confirm_ownership("+12025551234", true, Some("not-a-uuid"))
            .await,
    );
    invalid(h.client.numbers().get("+1").await);
    invalid(h.client.numbers().remove("").await);
    assert_nothing_sent(&h).await;
}

#[tokio::test]
async fn remediation_limits() {
    let h = start().await;
    let remediation = h.client.reputation(ENTERPRISE).remediation();
    invalid(
        remediation
            .submit(RemediationRequest::new(numbers(1), ""))
            .await,
    );
    invalid(
        remediation
            .submit(RemediationRequest::new(numbers(1), "x".repeat(2001)))
            .await,
    );
    invalid(
        remediation
            .submit(RemediationRequest::new(numbers(2001), "reminders"))
            .await,
    );
    invalid(
        remediation
            .submit(RemediationRequest::new(Vec::<String>::new(), "reminders"))
            .await,
    );
    invalid(
        remediation
            .submit(RemediationRequest::new(numbers(1), "reminders").contact_email("a".repeat(256)))
            .await,
    );
    let message = invalid(
        remediation
            .submit(
                RemediationRequest::new(numbers(1), "reminders").webhook_url("http://example.com"),
            )
            .await,
    );
    assert!(message.contains("must be an https:// URL"), "{message}");
    invalid(remediation.get("nope").await);
    assert_nothing_sent(&h).await;
}

#[tokio::test]
async fn ids_urls_and_bodies() {
    let h = start().await;
    invalid(h.client.enterprises().get("not-a-uuid").await);
    invalid(h.client.enterprises().delete("").await);
    let mut short = crate::common::new_enterprise("ab");
    invalid(h.client.enterprises().create(short.clone()).await);
    short.legal_name = "x".repeat(65);
    invalid(h.client.enterprises().create(short).await);
    let rep = h.client.reputation("nope");
    invalid(rep.settings().await);
    invalid(rep.disable().await);
    let rep = h.client.reputation(ENTERPRISE);
    // Document ids are opaque 1 to 255 character strings (upstream), not UUIDs.
    invalid(rep.enable("", CheckFrequency::Daily).await);
    let message = invalid(rep.enable("d".repeat(256), CheckFrequency::Daily).await);
    assert_eq!(
        message,
        "invalid input: loa_document_id: expected 1 to 255 characters, got 256"
    );
    invalid(rep.set_webhook(Some("http://example.com/hook")).await);
    invalid(rep.loa().replace(" ").await);
    invalid(rep.loa().replace("d".repeat(256)).await);
    invalid(
        rep.external_verification()
            .submit(Vec::<String>::new(), None)
            .await,
    );
    invalid(rep.external_verification().submit(["x"], None).await);
    invalid(
        h.client
            .documents()
            .upload("loa.pdf", Vec::<u8>::new())
            .await,
    );
    invalid(h.client.terms_of_service().agreements().get(" ").await);
    invalid(
        h.client
            .terms_of_service()
            .agreements()
            .get("not-a-uuid")
            .await,
    );
    invalid(
        h.client
            .numbers()
            .list()
            .enterprise_id("x")
            .first_page()
            .await,
    );
    invalid(
        h.client
            .reputation(ENTERPRISE)
            .numbers()
            .list()
            .phone_number_eq("+1")
            .first_page()
            .await,
    );
    assert_nothing_sent(&h).await;
}

#[tokio::test]
async fn upstream_max_lengths_are_checked_before_io() {
    let h = start().await;
    let mut long = crate::common::new_enterprise("Acme Plumbing LLC");
    long.website = format!("https://example.com/{}", "a".repeat(240));
    assert_eq!(
        invalid(h.client.enterprises().create(long).await),
        "invalid input: website: expected at most 255 characters, got 260"
    );
    let mut long = crate::common::new_enterprise("Acme Plumbing LLC");
    long.billing_contact.last_name = "b".repeat(256);
    assert_eq!(
        invalid(h.client.enterprises().create(long).await),
        "invalid input: billing_contact.last_name: expected at most 255 characters, got 256"
    );
    let update = EnterpriseUpdate {
        doing_business_as: Some("d".repeat(256)),
        ..EnterpriseUpdate::default()
    };
    assert_eq!(
        invalid(h.client.enterprises().replace(ENTERPRISE, update).await),
        "invalid input: doing_business_as: expected at most 255 characters, got 256"
    );
    let agent = LoaAgent {
        legal_name: "Reseller LLC".into(),
        dba: None,
        street_address: "500 Market St".into(),
        extended_address: None,
        city: "c".repeat(121),
        administrative_area: "CA".into(),
        postal_code: "94105".into(),
        country: "US".into(),
        contact_name: "Pat Partner".into(),
        contact_title: "Account Manager".into(),
        contact_email: "pat@reseller.example.com".into(),
        contact_phone: "+13125550000".into(),
    };
    let options = LoaRenderOptions {
        agent: Some(agent),
        signature: None,
    };
    assert_eq!(
        invalid(h.client.reputation(ENTERPRISE).loa().render(options).await),
        "invalid input: agent.city: expected at most 120 characters, got 121"
    );
}

#[tokio::test]
async fn server_enforced_checks_are_made_client_side_naming_field_and_index() {
    let h = start().await;
    let rep = h.client.reputation(ENTERPRISE);
    let message = invalid(
        rep.numbers()
            .refresh(["+12025551234", "+12025555678", "+12025551234"])
            .await,
    );
    assert!(
        message.contains("phone_numbers[2]: +12025551234 repeats phone_numbers[0]"),
        "{message}"
    );
    let message = invalid(rep.numbers().add(["+14165550123"]).await);
    assert!(
        message.contains("phone_numbers[0]") && message.contains("region CA"),
        "{message}"
    );
    let request = RemediationRequest::new(["+12025551234", "+12025551234"], "Reminders");
    assert!(invalid(rep.remediation().submit(request).await).contains("repeats"));
    let request = RemediationRequest::new(["+12025551234"], "Reminders").contact_email("ops@");
    assert!(invalid(rep.remediation().submit(request).await).contains("contact_email"));
    let message = invalid(
        rep.numbers()
            .list()
            .phone_number_contains("202")
            .first_page()
            .await,
    );
    assert!(message.contains("at least 5 digits"), "{message}");

    for (field, change) in [
        (
            "fein",
            Box::new(|e: &mut NewEnterprise| e.fein = "123".into())
                as Box<dyn Fn(&mut NewEnterprise)>,
        ),
        (
            "country_code",
            Box::new(|e: &mut NewEnterprise| e.country_code = "GB".into()),
        ),
        (
            "organization_contact.email",
            Box::new(|e: &mut NewEnterprise| e.organization_contact.email = "sam".into()),
        ),
        (
            "billing_contact.phone_number",
            Box::new(|e: &mut NewEnterprise| e.billing_contact.phone_number = "3125550001".into()),
        ),
        (
            "billing_address.country",
            Box::new(|e: &mut NewEnterprise| e.billing_address.country = "MX".into()),
        ),
    ] {
        let mut enterprise = crate::common::new_enterprise("Checked Co");
        change(&mut enterprise);
        let message = invalid(h.client.enterprises().create(enterprise).await);
        assert!(message.contains(field), "{field}: {message}");
    }
    assert_nothing_sent(&h).await;
}

#[tokio::test]
async fn loopback_http_webhook_urls_are_accepted_and_any_http_with_allow_insecure_http() {
    let h = start().await;
    let id = h.approved_enterprise("Local Hooks Co").await;
    let rep = h.client.reputation(&id);
    for local in [
        "http://127.0.0.1:8080/hooks",
        "http://[::1]:9000/hooks",
        "http://localhost:3000/webhooks",
    ] {
        let settings = rep.set_webhook(Some(local)).await.unwrap();
        assert_eq!(settings.webhook_url.as_deref(), Some(local));
    }
    rep.numbers().add(["+12025551234"]).await.unwrap();
    let request =
        RemediationRequest::new(["+12025551234"], "Reminders").webhook_url("http://127.0.0.1:1/r");
    let remediation = rep.remediation().submit(request).await.unwrap();
    assert_eq!(
        remediation.webhook_url.as_deref(),
        Some("http://127.0.0.1:1/r")
    );
    h.clear_journal().await;
    // A public http:// host is refused before I/O unless the client allows insecure http.
    let message = invalid(rep.set_webhook(Some("http://hooks.example.com/x")).await);
    assert!(message.contains("allow_insecure_http"), "{message}");
    assert_nothing_sent(&h).await;
    let insecure = h.guarded(|b| b.allow_insecure_http(true));
    let e = insecure
        .reputation(&id)
        .set_webhook(Some("http://hooks.example.com/x"))
        .await
        .unwrap_err();
    // Sent: the emulator (like Telnyx) delivers plain http only to loopback, and says so.
    assert_ne!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(h.journal().await.len(), 1);
}

#[tokio::test]
async fn every_bad_field_is_reported_at_once_as_entries_with_json_pointers() {
    let h = start().await;
    let mut enterprise = crate::common::new_enterprise("Checked Co");
    enterprise.country_code = "GB".into();
    enterprise.fein = "123".into();
    enterprise.billing_contact.email = "sam".into();
    enterprise.website = format!("https://example.com/{}", "a".repeat(240));
    let e = h.client.enterprises().create(enterprise).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    let pointers: Vec<_> = e
        .api_errors()
        .iter()
        .map(|entry| entry.pointer.as_deref().unwrap_or_default())
        .collect();
    // In the contract's order of `EnterpriseCreate`'s properties.
    assert_eq!(
        pointers,
        [
            "/country_code",
            "/website",
            "/fein",
            "/billing_contact/email"
        ]
    );
    for entry in e.api_errors() {
        assert!(entry.detail.as_deref().is_some_and(|d| !d.is_empty()));
        assert_eq!(entry.title.as_deref(), Some("Invalid input"));
    }
    let message = e.to_string();
    for field in ["country_code", "fein", "billing_contact.email", "website"] {
        assert!(message.contains(field), "{field}: {message}");
    }
    // The same entries go out through `details()`, as the bindings show them.
    let details = serde_json::to_value(e.details()).unwrap();
    assert_eq!(
        details["errors"][3]["source"]["pointer"],
        "/billing_contact/email"
    );

    // Phone lists: one entry per bad item, pointing at its index.
    let rep = h.client.reputation(ENTERPRISE);
    let e = rep
        .numbers()
        .add(["+12025551234", "bad", "+12025551234", "+14165550123"])
        .await
        .unwrap_err();
    let pointers: Vec<_> = e
        .api_errors()
        .iter()
        .map(|entry| entry.pointer.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        pointers,
        ["/phone_numbers/1", "/phone_numbers/2", "/phone_numbers/3"]
    );
    // A remediation request: the numbers and the other fields together.
    let request = RemediationRequest::new(["nope"], "")
        .contact_email("ops@")
        .webhook_url("http://hooks.example.com/x");
    let e = rep.remediation().submit(request).await.unwrap_err();
    let pointers: Vec<_> = e
        .api_errors()
        .iter()
        .map(|entry| entry.pointer.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        pointers,
        [
            "/phone_numbers/0",
            "/call_purpose",
            "/contact_email",
            "/webhook_url"
        ]
    );
    // A path parameter is named as the `parameter`, as the server's 422 does.
    let e = h.client.enterprises().get("not-a-uuid").await.unwrap_err();
    assert_eq!(e.api_errors().len(), 1);
    assert_eq!(
        e.api_errors()[0].parameter.as_deref(),
        Some("enterprise_id")
    );
    assert_eq!(e.api_errors()[0].pointer, None);
    assert_nothing_sent(&h).await;
}
