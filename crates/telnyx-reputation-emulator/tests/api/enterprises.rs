//! Enterprise CRUD: validation, duplicates, filters and paging, PUT rules, soft delete.

use serde_json::json;

use crate::common::{enterprise_body, first_error, instant, pointers, start};

#[tokio::test]
async fn create_returns_the_full_record() {
    let emu = start(instant()).await;
    let (status, body) = emu
        .post("k", "/enterprises", enterprise_body("Acme Plumbing LLC"))
        .await;
    assert_eq!(status, 201);
    let e = &body["data"];
    assert_eq!(e["legal_name"], "Acme Plumbing LLC");
    assert_eq!(
        e["organization_contact"]["email"],
        "sam@acmeplumbing.example.com"
    );
    assert_eq!(e["role_type"], "enterprise");
    assert_eq!(e["number_reputation_enabled"], false);
    assert_eq!(e["branded_calling_enabled"], false);
    for field in ["id", "created_at", "updated_at"] {
        assert!(e[field].is_string(), "{field}");
    }
    let id = e["id"].as_str().expect("id");
    let (status, body) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["id"], id);
}

#[tokio::test]
async fn create_validates_every_field_with_pointers() {
    let emu = start(instant()).await;
    let mut body = enterprise_body("Acme Plumbing LLC");
    let map = body.as_object_mut().expect("object");
    map.remove("legal_name");
    map.insert("industry".into(), json!("spaceflight"));
    map.insert("number_of_employees".into(), json!("5"));
    map.insert("fein".into(), json!("123"));
    map.insert("surprise".into(), json!(1));
    body["organization_contact"]["email"] = json!("not-an-email");
    body["billing_address"]["country"] = json!("FR");
    let (status, reply) = emu.post("k", "/enterprises", body).await;
    assert_eq!(status, 422);
    let found = pointers(&reply);
    for expected in [
        "/legal_name",
        "/industry",
        "/number_of_employees",
        "/fein",
        "/surprise",
        "/organization_contact/email",
        "/billing_address/country",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected} in {found:?}"
        );
    }
    let missing = reply["errors"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|e| e["source"]["pointer"] == "/legal_name")
        })
        .expect("legal_name error");
    assert_eq!(missing["code"], "10004");

    let mut short = enterprise_body("Ab");
    short["organization_type"] = json!("startup");
    let (status, reply) = emu.post("k", "/enterprises", short).await;
    assert_eq!(status, 422);
    assert_eq!(pointers(&reply), vec!["/legal_name", "/organization_type"]);
}

#[tokio::test]
async fn duplicate_enterprise_is_409() {
    let emu = start(instant()).await;
    emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let (status, body) = emu
        .post("k", "/enterprises", enterprise_body("ACME PLUMBING LLC"))
        .await;
    assert_eq!(status, 409);
    assert_eq!(first_error(&body)["code"], "10012");
    // Another account may register the same business.
    let (status, _) = emu
        .post("k2", "/enterprises", enterprise_body("Acme Plumbing LLC"))
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn list_filters_and_pages() {
    let emu = start(instant()).await;
    for i in 0..23 {
        let mut body = enterprise_body(&format!("Clinic Number {i:02} LLC"));
        body["fein"] = json!(format!("12-34567{i:02}"));
        let (status, reply) = emu.post("k", "/enterprises", body).await;
        assert_eq!(status, 201, "{reply}");
    }
    let mut bpo = enterprise_body("Callcenter Partners Inc");
    bpo["role_type"] = json!("bpo");
    bpo["fein"] = json!("98-7654321");
    let (status, reply) = emu.post("k", "/enterprises", bpo).await;
    assert_eq!(status, 201);
    assert_eq!(reply["data"]["role_type"], "bpo");

    let (_, body) = emu.get("k", "/enterprises").await;
    assert_eq!(body["meta"]["page_size"], 20, "default page size 20");
    assert_eq!(body["meta"]["total_results"], 24);
    assert_eq!(body["meta"]["total_pages"], 2);
    let (_, body) = emu.get("k", "/enterprises?page%5Bnumber%5D=2").await;
    assert_eq!(body["meta"]["page_size"], 4);
    assert_eq!(body["meta"]["page_number"], 2);
    let (_, body) = emu.get("k", "/enterprises?page[number]=5").await;
    assert_eq!(body["data"], json!([]));
    assert_eq!(body["meta"]["total_results"], 24);
    let (_, body) = emu.get("k", "/enterprises?page[size]=1000").await;
    assert_eq!(
        body["meta"]["page_size"], 24,
        "clamped to 250, returns all 24"
    );

    let (_, body) = emu
        .get("k", "/enterprises?filter[legal_name][contains]=number%2001")
        .await;
    assert_eq!(body["meta"]["total_results"], 1);
    assert_eq!(body["data"][0]["legal_name"], "Clinic Number 01 LLC");
    let (_, body) = emu.get("k", "/enterprises?legal_name=CALLCENTER").await;
    assert_eq!(body["meta"]["total_results"], 1);
    let (_, body) = emu.get("k", "/enterprises?filter[role_type]=bpo").await;
    assert_eq!(body["meta"]["total_results"], 1);
    let (status, body) = emu.get("k", "/enterprises?filter[role_type]=boss").await;
    assert_eq!(status, 400);
    assert_eq!(
        first_error(&body)["source"]["parameter"],
        "filter[role_type]"
    );
}

#[tokio::test]
async fn put_replaces_mutable_fields_and_refuses_the_rest() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let path = format!("/enterprises/{id}");
    let (status, body) = emu
        .put(
            "k",
            &path,
            json!({ "doing_business_as": "Acme Pipes", "customer_reference": "crm-1" }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["doing_business_as"], "Acme Pipes");
    assert_eq!(body["data"]["customer_reference"], "crm-1");
    assert_eq!(
        body["data"]["legal_name"], "Acme Plumbing LLC",
        "unsent fields kept"
    );

    for field in [
        "id",
        "organization_type",
        "country_code",
        "role_type",
        "created_at",
        "record_type",
    ] {
        let (status, body) = emu.put("k", &path, json!({ field: "x" })).await;
        assert_eq!(status, 400, "{field}");
        assert_eq!(
            first_error(&body)["detail"],
            format!("Field '{field}' is not allowed in this request")
        );
    }
    let (status, body) = emu
        .put(
            "k",
            &path,
            json!({ "organization_contact": { "first_name": "Sam" } }),
        )
        .await;
    assert_eq!(status, 422);
    assert!(pointers(&body).contains(&"/organization_contact/email".to_string()));
    let (status, _) = emu.put("k", "/enterprises/missing", json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn identity_is_locked_while_reputation_is_enabled() {
    let emu = start(instant()).await;
    let id = emu.enabled_enterprise("k", "Acme Plumbing LLC").await;
    let path = format!("/enterprises/{id}");
    let (_, body) = emu.get("k", &path).await;
    assert_eq!(body["data"]["number_reputation_enabled"], true);
    let (status, body) = emu
        .put("k", &path, json!({ "legal_name": "Other Name LLC" }))
        .await;
    assert_eq!(status, 400);
    assert_eq!(first_error(&body)["source"]["pointer"], "/legal_name");
    // Re-sending the same value and changing unlocked fields is fine.
    let (status, _) = emu
        .put(
            "k",
            &path,
            json!({ "legal_name": "Acme Plumbing LLC", "customer_reference": "x" }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn delete_is_soft_and_then_404() {
    let emu = start(instant()).await;
    let id = emu.create_enterprise("k", "Acme Plumbing LLC").await;
    let (status, body) = emu.delete("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 204);
    assert!(body.is_null());
    let (status, _) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) = emu.delete("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 404);
    let (_, body) = emu.get("k", "/enterprises").await;
    assert_eq!(body["meta"]["total_results"], 0);
    // Its name is free again.
    let (status, _) = emu
        .post("k", "/enterprises", enterprise_body("Acme Plumbing LLC"))
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn upstream_max_lengths_are_enforced() {
    let emu = start(instant()).await;
    let mut body = enterprise_body("Acme Plumbing LLC");
    body["doing_business_as"] = json!("d".repeat(256));
    body["billing_contact"]["first_name"] = json!("f".repeat(256));
    // The organization contact has no known upstream limit.
    body["organization_contact"]["first_name"] = json!("o".repeat(300));
    let (status, body) = emu.post("k", "/enterprises", body).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        pointers(&body),
        ["/doing_business_as", "/billing_contact/first_name"]
    );
    assert!(
        first_error(&body)["detail"]
            .as_str()
            .unwrap()
            .contains("at most 255 characters long (got 256)"),
        "{body}"
    );
    let mut body = enterprise_body("Acme Plumbing LLC");
    body["website"] = json!(format!("https://example.com/{}", "a".repeat(235)));
    let (status, body) = emu.post("k", "/enterprises", body).await;
    assert_eq!(status, 201, "255 characters are allowed: {body}");
}

/// The keys of `value` against the contract's `schema`: none it lacks, every one it requires.
fn assert_follows_contract(
    value: &serde_json::Value,
    schema: &telnyx_reputation_api::rules::Schema,
) {
    let object = value.as_object().expect("object");
    for key in object.keys() {
        assert!(
            schema.field(key).is_some(),
            "{key} is not a property of the contract's {}",
            schema.name
        );
    }
    for field in schema.fields.iter().filter(|f| f.required) {
        assert!(
            object.contains_key(field.name),
            "required {}.{} missing",
            schema.name,
            field.name
        );
    }
}

#[tokio::test]
async fn responses_carry_only_the_contract_s_fields_and_every_required_one() {
    use telnyx_reputation_api::rules::{ENTERPRISE, REPUTATION_NUMBER};
    let emu = start(instant()).await;
    let id = emu.approved_enterprise("k", "Contract Co").await;
    let (status, body) = emu.get("k", &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200);
    assert_follows_contract(&body["data"], &ENTERPRISE);
    let number = "+12025550100".to_string();
    let (status, _) = emu
        .add_numbers("k", &id, std::slice::from_ref(&number))
        .await;
    assert_eq!(status, 201);
    let (status, body) = emu
        .get(
            "k",
            &format!("/enterprises/{id}/reputation/numbers/%2B12025550100"),
        )
        .await;
    assert_eq!(status, 200);
    assert_follows_contract(&body["data"], &REPUTATION_NUMBER);
}
