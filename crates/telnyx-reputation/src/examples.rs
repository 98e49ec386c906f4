//! Example data for the documentation, the demo and the test suites: one fictitious
//! enterprise, so every example and every suite (Rust, Python, Node, the emulator's) creates
//! the same one and a change to the contract is made in one place.

use crate::models::NewEnterprise;

/// The `POST /enterprises` body of [`acme`], as JSON with the API's field names. The file
/// (`src/examples/acme-enterprise.json` in this crate) is also what the emulator's, the
/// Python binding's and the Node binding's tests read.
pub const ACME_JSON: &str = include_str!("examples/acme-enterprise.json");

/// The quickstart's enterprise: Acme Plumbing LLC of Chicago, a 51–200 person LLC (fictitious
/// data under `example.com`). Change a field before creating it when a test needs another,
/// e.g. a second enterprise with its own `legal_name`.
///
/// ```
/// let mut acme = telnyx_reputation::examples::acme();
/// assert_eq!(acme.legal_name, "Acme Plumbing LLC");
/// acme.legal_name = "Acme Plumbing West LLC".into();
/// ```
pub fn acme() -> NewEnterprise {
    serde_json::from_str(ACME_JSON).expect("src/examples/acme-enterprise.json is a NewEnterprise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acme_is_a_valid_create_body() {
        let acme = acme();
        let body: Result<telnyx_reputation_api::types::EnterpriseCreate, _> =
            crate::convert::request_body("enterprise", &acme);
        body.unwrap();
        assert_eq!(acme.organization_contact.first_name, "Sam");
        assert_eq!(acme.billing_address, acme.organization_physical_address);
    }

    #[test]
    fn the_builder_makes_acme_and_names_what_is_missing() {
        let acme = acme();
        let built = NewEnterprise::builder()
            .legal_name(acme.legal_name.as_str())
            .doing_business_as(acme.doing_business_as.as_str())
            .organization_type(acme.organization_type.clone())
            .organization_legal_type(acme.organization_legal_type.clone())
            .country_code("US")
            .jurisdiction_of_incorporation("Delaware")
            .website(acme.website.as_str())
            .fein("12-3456789")
            .industry("technology")
            .number_of_employees(acme.number_of_employees.clone())
            .organization_contact(acme.organization_contact.clone())
            .billing_contact(acme.billing_contact.clone())
            .organization_physical_address(acme.organization_physical_address.clone())
            .billing_address(acme.billing_address.clone())
            .build()
            .unwrap();
        assert_eq!(built, acme);
        let with_reference = NewEnterprise::builder()
            .customer_reference("crm-1")
            .legal_name("Acme Plumbing LLC");
        let e = with_reference.build().unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let message = e.to_string();
        assert!(message.contains("doing_business_as"), "{message}");
        assert!(message.contains("billing_address"), "{message}");
        assert!(!message.contains("legal_name"), "{message}");
        assert!(!message.contains("customer_reference"), "{message}");
    }

    #[test]
    fn the_approved_enterprise_fixture_creates_acme() {
        // The fixture scenario the Python, Node and user suites load
        // (bindings/fixtures/approved-enterprise.json) creates this same enterprise: a change
        // to one that is not made to the other fails here.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../bindings/fixtures/approved-enterprise.json");
        let scenario: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let step = scenario["fixtures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "acme")
            .expect("the fixture names its enterprise step `acme`");
        let acme: serde_json::Value = serde_json::from_str(ACME_JSON).unwrap();
        assert_eq!(step["params"], acme, "{}", path.display());
    }
}
