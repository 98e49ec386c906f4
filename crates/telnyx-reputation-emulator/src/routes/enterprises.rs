//! Enterprise CRUD: create (validated, 409 on duplicates), list (filters, paging), get,
//! PUT replace (server and immutable fields refused, identity locked while reputation is
//! enabled) and soft delete.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::{data, enterprise_mut, enterprise_ref};
use crate::error::{ApiError, ErrorItem, codes};
use crate::extract::{Account, JsonObject, Query};
use crate::model::Enterprise;
use crate::paging::Page;
use crate::state::AppState;
use crate::validate::{Checker, Rule};

/// The 43 industries the API accepts.
pub const INDUSTRIES: [&str; 43] = [
    "accounting",
    "finance",
    "billing",
    "collections",
    "business",
    "charity",
    "nonprofit",
    "communications",
    "telecom",
    "customer service",
    "support",
    "delivery",
    "shipping",
    "logistics",
    "education",
    "financial",
    "banking",
    "government",
    "public",
    "healthcare",
    "health",
    "pharmacy",
    "medical",
    "insurance",
    "legal",
    "law",
    "notifications",
    "scheduling",
    "real estate",
    "property",
    "retail",
    "ecommerce",
    "sales",
    "marketing",
    "software",
    "technology",
    "tech",
    "media",
    "surveys",
    "market research",
    "travel",
    "hospitality",
    "hotel",
];
const EMPLOYEES: [&str; 7] = [
    "1-10",
    "11-50",
    "51-200",
    "201-500",
    "501-2000",
    "2001-10000",
    "10001+",
];
const LEGAL_TYPES: [&str; 5] = ["corporation", "llc", "partnership", "nonprofit", "other"];
const ORG_TYPES: [&str; 3] = ["commercial", "government", "non_profit"];
const ROLE_TYPES: [&str; 2] = ["enterprise", "bpo"];
const COUNTRIES: [&str; 2] = ["US", "CA"];

/// Fields a client may set at creation and that are required.
const REQUIRED: [&str; 14] = [
    "legal_name",
    "doing_business_as",
    "organization_type",
    "organization_legal_type",
    "country_code",
    "jurisdiction_of_incorporation",
    "website",
    "fein",
    "industry",
    "number_of_employees",
    "organization_contact",
    "billing_contact",
    "organization_physical_address",
    "billing_address",
];
/// Optional creation fields (all nullable except `customer_reference` and `role_type`).
const OPTIONAL: [&str; 6] = [
    "corporate_registration_number",
    "dun_bradstreet_number",
    "primary_business_domain_sic_code",
    "professional_license_number",
    "customer_reference",
    "role_type",
];
/// Fields PUT refuses with 400.
const NOT_ALLOWED_IN_PUT: [&str; 11] = [
    "id",
    "record_type",
    "created_at",
    "updated_at",
    "organization_type",
    "country_code",
    "role_type",
    "number_reputation_enabled",
    "branded_calling_enabled",
    "bpo_verification_status",
    "bpo_verification_rejection_reason",
];
/// Identity fields frozen while Number Reputation is enabled.
const LOCKED_WHILE_ENABLED: [&str; 9] = [
    "legal_name",
    "doing_business_as",
    "website",
    "fein",
    "industry",
    "number_of_employees",
    "organization_physical_address",
    "organization_contact",
    "dun_bradstreet_number",
];
const ADDRESS_REQUIRED: [&str; 5] = [
    "administrative_area",
    "city",
    "country",
    "postal_code",
    "street_address",
];

/// `NN-NNNNNNN`, or a Canadian 9-digit business number (optionally with a program suffix).
fn is_fein(s: &str) -> bool {
    let b = s.as_bytes();
    let us = b.len() == 10 && b[2] == b'-' && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit);
    let ca = b.len() >= 9
        && b[..9].iter().all(u8::is_ascii_digit)
        && (b.len() == 9
            || (b.len() == 15
                && b[9..11].iter().all(u8::is_ascii_uppercase)
                && b[11..].iter().all(u8::is_ascii_digit)));
    us || ca
}

fn scalar_rule(name: &str) -> Rule<'static> {
    match name {
        "legal_name" => Rule::Length(3, 64),
        "organization_type" => Rule::OneOf(&ORG_TYPES),
        "organization_legal_type" => Rule::OneOf(&LEGAL_TYPES),
        "country_code" => Rule::OneOf(&COUNTRIES),
        "fein" => Rule::Format(is_fein, "NN-NNNNNNN or a 9-digit Canadian business number"),
        "industry" => Rule::OneOf(&INDUSTRIES),
        "number_of_employees" => Rule::OneOf(&EMPLOYEES),
        "role_type" => Rule::OneOf(&ROLE_TYPES),
        "dun_bradstreet_number" => Rule::Digits(9),
        "primary_business_domain_sic_code" => Rule::Digits(4),
        "doing_business_as"
        | "jurisdiction_of_incorporation"
        | "website"
        | "customer_reference" => Rule::TextMax(255),
        _ => Rule::Text,
    }
}

fn check_contact(c: &mut Checker, body: &Map<String, Value>, name: &str, with_title: bool) {
    let Some(obj) = c.object(body, "", name) else {
        return;
    };
    let base = format!("/{name}");
    let mut fields = vec!["first_name", "last_name", "email", "phone_number"];
    if with_title {
        fields.push("job_title");
    }
    c.only(obj, &base, &fields);
    for field in fields {
        let rule = match field {
            "email" => Rule::Email,
            "phone_number" => Rule::E164,
            // The upstream limit on BillingContact; OrganizationContact's is not known.
            "first_name" | "last_name" if !with_title => Rule::TextMax(255),
            _ => Rule::Text,
        };
        c.required(obj, &base, field, rule);
    }
}

fn check_address(c: &mut Checker, body: &Map<String, Value>, name: &str) {
    let Some(obj) = c.object(body, "", name) else {
        return;
    };
    let base = format!("/{name}");
    let mut allowed = ADDRESS_REQUIRED.to_vec();
    allowed.push("extended_address");
    c.only(obj, &base, &allowed);
    for field in ADDRESS_REQUIRED {
        let rule = if field == "country" {
            Rule::OneOf(&COUNTRIES)
        } else {
            Rule::Text
        };
        c.required(obj, &base, field, rule);
    }
    c.optional(obj, &base, "extended_address", Rule::Text);
}

/// Check one top-level field; `required` decides whether absence is an error.
fn check_field(c: &mut Checker, body: &Map<String, Value>, name: &str, required: bool) {
    if !required && !body.contains_key(name) {
        return;
    }
    match name {
        "organization_contact" => check_contact(c, body, name, true),
        "billing_contact" => check_contact(c, body, name, false),
        "organization_physical_address" | "billing_address" => check_address(c, body, name),
        _ if required => {
            c.required(body, "", name, scalar_rule(name));
        }
        // `customer_reference` and `role_type` are optional but not nullable.
        "customer_reference" | "role_type" if body.get(name) == Some(&Value::Null) => {
            c.push(crate::error::invalid_item(
                &format!("/{name}"),
                format!("'{name}' must be a string."),
            ));
        }
        _ => {
            c.optional(body, "", name, scalar_rule(name));
        }
    }
}

fn validate_create(body: &Map<String, Value>) -> Result<(), ApiError> {
    let mut c = Checker::default();
    let allowed: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
    c.only(body, "", &allowed);
    for name in REQUIRED {
        check_field(&mut c, body, name, true);
    }
    for name in OPTIONAL {
        check_field(&mut c, body, name, false);
    }
    c.finish()
}

fn validate_replace(body: &Map<String, Value>) -> Result<(), ApiError> {
    if let Some(name) = body
        .keys()
        .find(|k| NOT_ALLOWED_IN_PUT.contains(&k.as_str()))
    {
        return Err(ApiError::one(
            StatusCode::BAD_REQUEST,
            ErrorItem::new(
                codes::BAD_REQUEST,
                "Bad Request",
                format!("Field '{name}' is not allowed in this request"),
            )
            .at(format!("/{name}")),
        ));
    }
    let mut c = Checker::default();
    let mutable: Vec<&str> = REQUIRED
        .iter()
        .chain(OPTIONAL.iter())
        .copied()
        .filter(|f| !NOT_ALLOWED_IN_PUT.contains(f))
        .collect();
    c.only(body, "", &mutable);
    // Every mutable field is optional in a PUT; a field sent is checked like at creation.
    for name in mutable.iter().filter(|n| body.contains_key(**n)) {
        check_field(&mut c, body, name, REQUIRED.contains(name));
    }
    c.finish()
}

/// POST /enterprises
pub async fn create(
    State(app): State<AppState>,
    Account(key): Account,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    validate_create(&body)?;
    app.with_account(&key, |acct, ctx| {
        let legal_name = body
            .get("legal_name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let fein = body.get("fein").and_then(Value::as_str).unwrap_or_default();
        if let Some(existing) = acct.live_enterprises().find(|e| {
            e.legal_name().eq_ignore_ascii_case(legal_name) && e.text("fein") == Some(fein)
        }) {
            return Err(ApiError::conflict(format!(
                "An enterprise with legal name '{legal_name}' and FEIN {fein} already exists ({}).",
                existing.id
            )));
        }
        let mut fields = body.clone();
        let role_type = fields
            .remove("role_type")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "enterprise".to_string());
        let enterprise = Enterprise {
            id: acct.next_id(ctx.config.seed),
            fields,
            role_type,
            reputation: None,
            numbers: Default::default(),
            removed_numbers: Vec::new(),
            remediations: Vec::new(),
            notified_verification: None,
            next_deadline: None,
            next_reverification: None,
            refresh_times: Default::default(),
            external_verification: None,
            created_at: ctx.now,
            updated_at: ctx.now,
            deleted_at: None,
        };
        let view = enterprise.to_json();
        acct.enterprises.push(enterprise);
        Ok((StatusCode::CREATED, Json(data(view))).into_response())
    })
}

/// GET /enterprises
pub async fn list(
    State(app): State<AppState>,
    Account(key): Account,
    query: Query,
) -> Result<Json<Value>, ApiError> {
    let page = Page::from_query(&query, 20)?;
    let role = query.get("filter[role_type]");
    if let Some(role) = role.filter(|r| !ROLE_TYPES.contains(r)) {
        return Err(ApiError::bad_parameter(
            "filter[role_type]",
            format!("'{role}' is not a valid role_type; expected enterprise or bpo."),
        ));
    }
    let needles: Vec<String> = ["filter[legal_name][contains]", "legal_name"]
        .iter()
        .filter_map(|p| query.get(p))
        .map(str::to_lowercase)
        .collect();
    app.with_account(&key, |acct, _| {
        let items: Vec<&Enterprise> = acct
            .live_enterprises()
            .filter(|e| {
                let name = e.legal_name().to_lowercase();
                needles.iter().all(|n| name.contains(n.as_str()))
            })
            .filter(|e| role.is_none_or(|r| e.role_type == r))
            .collect();
        Ok(Json(page.envelope(items, Enterprise::to_json)))
    })
}

/// GET /enterprises/{enterprise_id}
pub async fn get(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        Ok(Json(data(enterprise_ref(acct, &id)?.to_json())))
    })
}

/// PUT /enterprises/{enterprise_id}
pub async fn replace(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_mut(acct, &id)?;
        validate_replace(&body)?;
        if enterprise.reputation.is_some()
            && let Some(name) = LOCKED_WHILE_ENABLED
                .iter()
                .find(|f| body.get(**f).is_some_and(|v| enterprise.fields.get(**f) != Some(v)))
        {
            return Err(ApiError::one(
                StatusCode::BAD_REQUEST,
                ErrorItem::new(
                    codes::BAD_REQUEST,
                    "Bad Request",
                    format!("Field '{name}' cannot be changed while Number Reputation is enabled for this enterprise."),
                )
                .at(format!("/{name}")),
            ));
        }
        enterprise.fields.extend(body);
        enterprise.updated_at = ctx.now;
        Ok(Json(data(enterprise.to_json())))
    })
}

/// DELETE /enterprises/{enterprise_id}
pub async fn delete(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_mut(acct, &id)?;
        if let Some(busy) = enterprise
            .remediations
            .iter()
            .find(|r| r.status.in_flight())
        {
            return Err(ApiError::bad_request(format!(
                "The enterprise cannot be deleted while remediation request {} is {}.",
                busy.id,
                busy.status.as_str()
            )));
        }
        enterprise.deleted_at = Some(ctx.now);
        enterprise.reputation = None;
        enterprise.numbers.clear();
        Ok(StatusCode::NO_CONTENT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fein_formats() {
        assert!(is_fein("12-3456789"));
        assert!(is_fein("123456789"));
        assert!(is_fein("123456789RC0001"));
        assert!(!is_fein("123-456789"));
        assert!(!is_fein("12-345678"));
    }
}
