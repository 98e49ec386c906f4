//! Remediation requests: submit (202, validated, 409 for numbers already in flight, 422 for
//! numbers outside the enterprise), get by id (full shape) and list (slim shape, filters,
//! paging, newest first). Progress over time is applied in `lifecycle.rs`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::{ApiError, ErrorItem, codes};
use crate::extract::{Account, JsonObject, Query};
use crate::ledger::Billable;
use crate::lookup::{data, enterprise_mut, enterprise_ref, require_gates};
use crate::model::{Remediation, RemediationStatus};
use crate::paging::Page;
use crate::state::AppState;
use crate::validate::{Checker, Rule, is_email, is_webhook_url, phone_list, typed};
use telnyx_reputation_api::types;

/// POST /enterprises/{enterprise_id}/reputation/remediation
pub async fn create(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_ref(acct, &id)?;
        if !acct.agreed_to_reputation_terms() {
            return Err(ApiError::terms_not_accepted());
        }
        require_gates(enterprise, "submit remediation requests")?;
        let mut c = Checker::default();
        c.only(
            &body,
            "",
            &[
                "phone_numbers",
                "call_purpose",
                "contact_email",
                "webhook_url",
            ],
        );
        let numbers = phone_list(&body, "phone_numbers", 2000)
            .map_err(|e| e.items.into_iter().for_each(|item| c.push(item)))
            .unwrap_or_default();
        c.required(&body, "", "call_purpose", Rule::Length(1, 2000));
        c.optional(
            &body,
            "",
            "contact_email",
            Rule::Format(
                |s| is_email(s) && s.len() <= 255,
                "an e-mail address of at most 255 characters",
            ),
        );
        c.optional(
            &body,
            "",
            "webhook_url",
            Rule::Format(
                |s| is_webhook_url(s) && s.len() <= 2048,
                "an https:// URL (or http:// to a loopback host) of at most 2048 characters",
            ),
        );
        c.finish()?;
        // The values as the contract's `CreateRemediationRequest` reads them.
        let request: types::CreateRemediationRequest = typed(&body)?;
        let call_purpose = String::from(request.call_purpose);
        let contact_email = request.contact_email.map(String::from);
        let webhook_url = request.webhook_url.map(String::from);
        let outside: Vec<ErrorItem> = numbers
            .iter()
            .enumerate()
            .filter(|(_, n)| !enterprise.numbers.contains_key(n))
            .map(|(i, n)| {
                ErrorItem::new(
                    codes::BAD_REQUEST,
                    "Phone number not in enterprise",
                    format!("'{n}' at index {i} is not a monitored number of enterprise '{id}'."),
                )
                .at(format!("/phone_numbers/{i}"))
            })
            .collect();
        if !outside.is_empty() {
            return Err(ApiError::unprocessable(outside));
        }
        let busy: Vec<String> = numbers
            .iter()
            .filter_map(|n| {
                enterprise
                    .remediations
                    .iter()
                    .find(|r| r.status.in_flight() && r.phone_numbers.contains(n))
                    .map(|r| format!("{n} (request {}, {})", r.id, r.status.as_str()))
            })
            .collect();
        if !busy.is_empty() {
            return Err(ApiError::conflict(format!(
                "These numbers already have an in-flight remediation request: {}.",
                busy.join(", ")
            )));
        }
        let request = Remediation::submitted(
            acct.next_id(ctx.config.seed),
            numbers,
            call_purpose,
            contact_email,
            webhook_url,
            ctx.config.approval_delay.remediation_schedule(ctx.now),
            ctx.now,
        );
        let view = request.to_json()?;
        // Billed per number submitted ($1.00 a number on the pricing page).
        for number in &request.phone_numbers {
            acct.ledger
                .charge(Billable::Remediations, &id, Some(number), ctx.now);
        }
        enterprise_mut(acct, &id)?.remediations.push(request);
        Ok((StatusCode::ACCEPTED, Json(data(view))).into_response())
    })
}

/// GET /enterprises/{enterprise_id}/reputation/remediation/{remediation_id}
pub async fn get(
    State(app): State<AppState>,
    Account(key): Account,
    Path((id, remediation_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        enterprise_ref(acct, &id)?
            .remediations
            .iter()
            .find(|r| r.id == remediation_id)
            .map(|r| r.to_json().map(|v| Json(data(v))))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "Remediation request '{remediation_id}' was not found on enterprise '{id}'."
                ))
            })?
    })
}

/// GET /enterprises/{enterprise_id}/reputation/remediation
pub async fn list(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    query: Query,
) -> Result<Json<Value>, ApiError> {
    let page = Page::from_query(&query, 20)?;
    let status = match query.get("filter[status]") {
        None => None,
        Some(s) => Some(RemediationStatus::parse(s).ok_or_else(|| {
            ApiError::bad_parameter(
                "filter[status]",
                format!("'{s}' is not a valid status; expected pending, in_progress, completed, failed or cancelled."),
            )
        })?),
    };
    let gte = query.datetime("filter[created_at][gte]")?;
    let lte = query.datetime("filter[created_at][lte]")?;
    app.with_account(&key, |acct, _| {
        let items: Vec<&Remediation> = enterprise_ref(acct, &id)?
            .remediations
            .iter()
            .rev()
            .filter(|r| status.is_none_or(|s| r.status == s))
            .filter(|r| gte.is_none_or(|t| r.created_at >= t))
            .filter(|r| lte.is_none_or(|t| r.created_at <= t))
            .collect();
        Ok(Json(page.try_envelope(items, Remediation::slim_json)?))
    })
}
