//! Terms of service: info (not data-wrapped), status and agreements (both default to
//! `branded_calling`, as the product documentation says), agreement by id, and the
//! idempotent Number Reputation agreement. The emulator can only record agreement to the
//! Number Reputation terms; Branded Calling is out of scope, so it always reads "not agreed".

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{Account, Query};
use crate::lookup::data;
use crate::model::TosAgreement;
use crate::paging::Page;
use crate::state::AppState;
use crate::views::{contract_json, parse};
use telnyx_reputation_api::types;

/// The terms version the emulator publishes for both products.
pub const TERMS_VERSION: &str = "2026-01-15";
const PRODUCTS: [&str; 2] = ["branded_calling", "number_reputation"];

fn product(query: &Query, default: Option<&'static str>) -> Result<Option<String>, ApiError> {
    match query.get("product_type") {
        None => Ok(default.map(str::to_string)),
        Some(p) if PRODUCTS.contains(&p) => Ok(Some(p.to_string())),
        Some(p) => Err(ApiError::bad_parameter(
            "product_type",
            format!(
                "'{p}' is not a valid product_type; expected branded_calling or number_reputation."
            ),
        )),
    }
}

/// GET /terms_of_service/info, through the contract's `TosInfo`.
pub async fn info(Account(_key): Account, query: Query) -> Result<Json<Value>, ApiError> {
    const SCHEMA: &str = "TosInfo";
    let wanted = product(&query, None)?;
    let effective: chrono::NaiveDate = parse(SCHEMA, "effective_date", TERMS_VERSION)?;
    let agreements = PRODUCTS
        .iter()
        .filter(|p| wanted.as_deref().is_none_or(|w| w == **p))
        .map(|p| {
            let (description, url) = match *p {
                "number_reputation" => (
                    "Phone Number Reputation Terms of Service",
                    "https://telnyx.com/terms/reputation-services",
                ),
                _ => (
                    "Branded Calling Terms of Service",
                    "https://telnyx.com/terms/branded-calling",
                ),
            };
            Ok(types::TosTermsInfo {
                current_version: Some(TERMS_VERSION.to_string()),
                description: Some(description.to_string()),
                effective_date: Some(effective),
                product_type: Some(parse(SCHEMA, "product_type", p)?),
                terms_url: Some(url.to_string()),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(contract_json(SCHEMA, &types::TosInfo { agreements })?))
}

/// GET /terms_of_service/status
pub async fn status(
    State(app): State<AppState>,
    Account(key): Account,
    query: Query,
) -> Result<Json<Value>, ApiError> {
    let product = product(&query, Some("branded_calling"))?.unwrap_or_default();
    app.with_account(&key, |acct, _| {
        let agreement = acct.agreements.iter().find(|a| a.product_type == product);
        const SCHEMA: &str = "TosStatus";
        let status = types::TosStatus {
            agreed_at: agreement.map(|a| a.agreed_at),
            agreed_version: agreement.map(|a| a.terms_version.clone()),
            agreement_required: agreement.is_none(),
            current_terms_version: TERMS_VERSION.to_string(),
            has_agreed: agreement.is_some(),
            product_type: parse(SCHEMA, "product_type", &product)?,
        };
        Ok(Json(data(contract_json(SCHEMA, &status)?)))
    })
}

/// GET /terms_of_service/agreements
pub async fn list_agreements(
    State(app): State<AppState>,
    Account(key): Account,
    query: Query,
) -> Result<Json<Value>, ApiError> {
    let page = Page::from_query(&query, 20)?;
    let product = product(&query, Some("branded_calling"))?.unwrap_or_default();
    app.with_account(&key, |acct, _| {
        let items: Vec<&TosAgreement> = acct
            .agreements
            .iter()
            .filter(|a| a.product_type == product)
            .collect();
        Ok(Json(page.try_envelope(items, TosAgreement::to_json)?))
    })
}

/// GET /terms_of_service/agreements/{agreement_id}
pub async fn get_agreement(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        acct.agreements
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.to_json().map(|v| Json(data(v))))
            .ok_or_else(|| ApiError::not_found(format!("Agreement '{id}' was not found.")))?
    })
}

/// POST /terms_of_service/number_reputation/agree (idempotent; 201 as upstream, also when
/// the agreement already existed)
pub async fn agree(
    State(app): State<AppState>,
    Account(key): Account,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    app.with_account(&key, |acct, ctx| {
        if let Some(existing) = acct
            .agreements
            .iter()
            .find(|a| a.product_type == "number_reputation" && a.terms_version == TERMS_VERSION)
        {
            return Ok((StatusCode::CREATED, Json(data(existing.to_json()?))));
        }
        let agreement = TosAgreement {
            id: acct.next_id(ctx.config.seed),
            product_type: "number_reputation".to_string(),
            terms_version: TERMS_VERSION.to_string(),
            agreed_at: ctx.now,
        };
        let view = agreement.to_json()?;
        acct.agreements.push(agreement);
        Ok((StatusCode::CREATED, Json(data(view))))
    })
}
