//! Enterprise CRUD: create (validated, 409 on duplicates), list (filters, paging), get,
//! PUT replace (server and immutable fields refused, identity locked while reputation is
//! enabled) and soft delete. Every field rule comes from the contract's `EnterpriseCreate`,
//! `EnterpriseReplace` and `Enterprise` schemas (`telnyx_reputation_api::rules`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorItem, codes};
use crate::extract::{Account, JsonObject, Query};
use crate::lookup::{data, enterprise_mut, enterprise_ref};
use crate::model::Enterprise;
use crate::paging::Page;
use crate::state::AppState;
use crate::validate::{contract, enum_values, typed};
use telnyx_reputation_api::types;

// The contract's enterprise schemas: what a create carries, what a PUT may change (its
// `x-locked-while-enabled` fields frozen while reputation is enabled) and the record.
use telnyx_reputation_api::rules::{
    ENTERPRISE, ENTERPRISE_CREATE, ENTERPRISE_REPLACE, refused_fields,
};

fn validate_create(body: &Map<String, Value>) -> Result<(), ApiError> {
    contract(&ENTERPRISE_CREATE, &Value::Object(body.clone()))?;
    // The rules passed: the contract's `EnterpriseCreate` reads it too.
    typed::<types::EnterpriseCreate>(body).map(drop)
}

/// A PUT refuses with 400 the record's fields the replace schema lacks (and its
/// `x-not-allowed`), then checks the rest like a create: every field is optional.
fn validate_replace(body: &Map<String, Value>) -> Result<(), ApiError> {
    let refused = refused_fields(&ENTERPRISE_REPLACE, &ENTERPRISE);
    if let Some(name) = body.keys().find(|k| refused.contains(&k.as_str())) {
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
    contract(&ENTERPRISE_REPLACE, &Value::Object(body.clone()))
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
        let enterprise =
            Enterprise::created(acct.next_id(ctx.config.seed), fields, role_type, ctx.now);
        let view = enterprise.to_json()?;
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
    let role_types = enum_values(&ENTERPRISE, "role_type");
    if let Some(role) = role.filter(|r| !role_types.contains(r)) {
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
        Ok(Json(page.try_envelope(items, Enterprise::to_json)?))
    })
}

/// GET /enterprises/{enterprise_id}
pub async fn get(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        Ok(Json(data(enterprise_ref(acct, &id)?.to_json()?)))
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
            && let Some(name) = ENTERPRISE_REPLACE
                .fields
                .iter()
                .filter(|f| f.locked_while_enabled)
                .map(|f| f.name)
                .find(|f| body.get(*f).is_some_and(|v| enterprise.fields.get(*f) != Some(v)))
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
        Ok(Json(data(enterprise.to_json()?)))
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
