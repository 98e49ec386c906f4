//! Reputation settings of an enterprise: enable (terms gate, LOA document, both approval
//! gates armed), get, disable (cascade), frequency and webhook updates, LOA render (a real
//! PDF) and replace, and the external-verification submission.
//!
//! The approval outcome is decided at submission from the trigger conventions (legal name
//! containing `REJECT` / `LOAREJECT`, document file names containing `REJECT`) and applied
//! when the review comes due (see `lifecycle.rs`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::documents::decode_base64;
use crate::accounts::Account as AccountState;
use crate::error::{ApiError, invalid_item, missing_item};
use crate::extract::{Account, JsonObject};
use crate::ledger::Billable;
use crate::lookup::{data, enterprise_mut, enterprise_ref, not_enabled, reputation_ref};
use crate::model::{
    Enterprise, ExternalVerification, Gate, RemediationStatus, Reputation, Review, Verdict,
};
use crate::pdf::{self, Agent, Image, LoaInput, Signature};
use crate::schedule::next_check;
use crate::state::{AppState, Ctx};
use crate::validate::{Checker, Rule, contract_items, is_webhook_url, phone_list, typed};
use telnyx_reputation_api::rules::LOA_AGENT;
use telnyx_reputation_api::types;

/// Accepted `check_frequency` values.
pub const FREQUENCIES: [&str; 6] = [
    "business_daily",
    "daily",
    "weekly",
    "biweekly",
    "monthly",
    "never",
];

fn settings_json(enterprise: &Enterprise, rep: &Reputation) -> Result<Value, ApiError> {
    Ok(data(rep.to_json(
        &enterprise.id,
        enterprise.external_verification.as_ref(),
    )?))
}

/// The status-gate verdict for an enterprise: `REJECT` in the legal name rejects it, unless
/// the trigger is `LOAREJECT`, which targets the LOA gate only.
fn status_verdict(enterprise: &Enterprise) -> Verdict {
    let name = enterprise.legal_name();
    if name.contains("REJECT") && !name.contains("LOAREJECT") {
        Verdict::Reject(vec![
            "The business identity could not be verified against public records (emulator trigger: legal name contains REJECT)."
                .to_string(),
        ])
    } else {
        Verdict::Approve
    }
}

fn loa_verdict(reject: bool) -> Verdict {
    if reject {
        Verdict::Reject(vec![
            "The Letter of Authorization is unsigned or does not match the enterprise record (emulator trigger)."
                .to_string(),
        ])
    } else {
        Verdict::Approve
    }
}

/// A known document of the account, or a 422 at `pointer`.
fn known_document<'a>(
    acct: &'a AccountState,
    id: &str,
    pointer: &str,
) -> Result<&'a crate::model::Document, ApiError> {
    acct.documents.get(id).ok_or_else(|| {
        ApiError::invalid(
            pointer,
            format!("Document '{id}' was not found. Upload it with POST /v2/documents first."),
        )
    })
}

/// GET /enterprises/{enterprise_id}/reputation
pub async fn get(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        let enterprise = enterprise_ref(acct, &id)?;
        Ok(Json(settings_json(
            enterprise,
            reputation_ref(enterprise)?,
        )?))
    })
}

/// POST /enterprises/{enterprise_id}/reputation
pub async fn enable(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_ref(acct, &id)?;
        if !acct.agreed_to_reputation_terms() {
            return Err(ApiError::terms_not_accepted());
        }
        let mut c = Checker::default();
        c.only(&body, "", &["loa_document_id", "check_frequency"]);
        c.required(&body, "", "loa_document_id", Rule::TextMax(255));
        c.optional(&body, "", "check_frequency", Rule::OneOf(&FREQUENCIES));
        c.finish()?;
        // The values (and `check_frequency`'s default) as the contract's type reads them.
        let request: types::EnableReputationRequest = typed(&body)?;
        let loa_document_id = String::from(request.loa_document_id);
        let frequency = request.check_frequency.to_string();
        let document = known_document(acct, &loa_document_id, "/loa_document_id")?;
        if enterprise.reputation.is_some() {
            return Err(ApiError::bad_request(format!(
                "Number Reputation is already enabled for enterprise '{id}'."
            )));
        }
        let loa_rejected =
            enterprise.legal_name().contains("LOAREJECT") || document.has_reject_trigger();
        let due = ctx.config.approval_delay.due(ctx.now);
        let reputation = Reputation::enabled(
            loa_document_id,
            frequency,
            Review::pending(due, status_verdict(enterprise)),
            Review::pending(due, loa_verdict(loa_rejected)),
            ctx.now,
        );
        acct.ledger.charge(Billable::Enable, &id, None, ctx.now);
        let enterprise = enterprise_mut(acct, &id)?;
        enterprise.updated_at = ctx.now;
        let view = settings_json(enterprise, &reputation)?;
        enterprise.reputation = Some(reputation);
        Ok((StatusCode::CREATED, Json(view)))
    })
}

/// DELETE /enterprises/{enterprise_id}/reputation
pub async fn disable(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_mut(acct, &id)?;
        if enterprise.reputation.take().is_none() {
            return Err(not_enabled(&id));
        }
        enterprise.numbers.clear();
        enterprise.removed_numbers.clear();
        enterprise.next_deadline = None;
        enterprise.next_reverification = None;
        // In-flight remediation stops with the monitoring it belongs to.
        for request in &mut enterprise.remediations {
            if request.status.in_flight() {
                request.status = RemediationStatus::Cancelled;
                request.schedule = None;
                request.updated_at = ctx.now;
            }
        }
        enterprise.updated_at = ctx.now;
        Ok(StatusCode::NO_CONTENT)
    })
}

/// Run `f` on the enabled reputation settings of an enterprise and answer with them.
fn update_settings(
    acct: &mut AccountState,
    id: &str,
    ctx: Ctx,
    f: impl FnOnce(&mut Reputation) -> Result<(), ApiError>,
) -> Result<Json<Value>, ApiError> {
    let enterprise = enterprise_mut(acct, id)?;
    let rep = enterprise
        .reputation
        .as_mut()
        .ok_or_else(|| not_enabled(id))?;
    f(rep)?;
    rep.updated_at = ctx.now;
    let view = rep.to_json(id, enterprise.external_verification.as_ref())?;
    Ok(Json(data(view)))
}

/// PATCH /enterprises/{enterprise_id}/reputation/frequency
pub async fn update_frequency(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checker::default();
    c.only(&body, "", &["check_frequency"]);
    c.required(&body, "", "check_frequency", Rule::OneOf(&FREQUENCIES));
    app.with_account(&key, |acct, ctx| {
        update_settings(acct, &id, ctx, |rep| {
            c.finish()?;
            let request: types::UpdateFrequencyRequest = typed(&body)?;
            if rep.status.gate != Gate::Approved {
                return Err(ApiError::bad_request(format!(
                    "The reputation status must be approved before the check frequency can change (it is '{}').",
                    rep.status.gate.as_str()
                )));
            }
            rep.check_frequency = request.check_frequency.to_string();
            if rep.schedule_started {
                rep.next_check_at = next_check(&rep.check_frequency, ctx.now);
            }
            Ok(())
        })
    })
}

/// PATCH /enterprises/{enterprise_id}/reputation/webhook
pub async fn update_webhook(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checker::default();
    c.only(&body, "", &["webhook_url"]);
    let url = match body.get("webhook_url") {
        None => {
            c.push(missing_item("/webhook_url"));
            None
        }
        Some(Value::Null) => None,
        Some(value) => c.string(
            value,
            "/webhook_url",
            Rule::Format(
                |u| is_webhook_url(u) && u.len() <= 2048,
                "an https:// URL (or http:// to a loopback host) of at most 2048 characters",
            ),
        ),
    };
    app.with_account(&key, |acct, ctx| {
        update_settings(acct, &id, ctx, |rep| {
            c.finish()?;
            rep.webhook_url = url;
            Ok(())
        })
    })
}

/// The optional reseller block, checked against the contract's `LoaAgent` and read into
/// the generated type by field name.
fn read_agent(c: &mut Checker, body: &Map<String, Value>) -> Option<Agent> {
    let value = match body.get("agent") {
        None | Some(Value::Null) => return None,
        Some(value) => value,
    };
    let items = contract_items(&LOA_AGENT, value, "/agent");
    if !items.is_empty() {
        for item in items {
            c.push(item);
        }
        return None;
    }
    match serde_json::from_value::<Agent>(value.clone()) {
        Ok(agent) => Some(agent),
        Err(e) => {
            c.push(invalid_item(
                "/agent",
                format!("'agent' is not valid: {e}."),
            ));
            None
        }
    }
}

fn read_signature(c: &mut Checker, body: &Map<String, Value>) -> Option<Signature> {
    let obj = match body.get("signature") {
        None | Some(Value::Null) => return None,
        Some(_) => c.object(body, "", "signature")?,
    };
    c.only(obj, "/signature", &["image_base64", "signer_name"]);
    let signer_name = c
        .optional(obj, "/signature", "signer_name", Rule::Text)
        .flatten();
    let encoded = c.required(obj, "/signature", "image_base64", Rule::Text)?;
    let pointer = "/signature/image_base64";
    let Some(bytes) = decode_base64(&encoded) else {
        c.push(invalid_item(pointer, "'image_base64' is not valid base64."));
        return None;
    };
    match Image::decode(&bytes) {
        Ok(image) => Some(Signature { image, signer_name }),
        Err(reason) => {
            c.push(invalid_item(
                pointer,
                format!("The signature image could not be used: {reason}."),
            ));
            None
        }
    }
}

/// POST /enterprises/{enterprise_id}/reputation/loa (not billable)
pub async fn render_loa(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let (fields, today) = app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_ref(acct, &id)?;
        Ok::<_, ApiError>((enterprise.fields.clone(), ctx.now.date_naive()))
    })?;
    let mut c = Checker::default();
    c.only(&body, "", &["agent", "signature"]);
    let agent = read_agent(&mut c, &body);
    let signature = read_signature(&mut c, &body);
    c.finish()?;
    let input = LoaInput {
        enterprise_id: id.clone(),
        enterprise: fields,
        agent,
        signature,
        date: today,
    };
    let bytes = tokio::task::spawn_blocking(move || pdf::render_loa(&input))
        .await
        .map_err(|_| ApiError::bad_request("The LOA could not be rendered."))?;
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"loa-{id}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// PATCH /enterprises/{enterprise_id}/reputation/loa
pub async fn replace_loa(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checker::default();
    c.only(&body, "", &["loa_document_id"]);
    let document_id = c.required(&body, "", "loa_document_id", Rule::TextMax(255));
    app.with_account(&key, |acct, ctx| {
        reputation_ref(enterprise_ref(acct, &id)?)?;
        c.finish()?;
        let document_id = document_id.unwrap_or_default();
        let reject = known_document(acct, &document_id, "/loa_document_id")?.has_reject_trigger();
        update_settings(acct, &id, ctx, |rep| {
            if rep.loa.gate == Gate::Approved {
                return Err(ApiError::bad_request(
                    "The authorization document cannot be changed after it has been approved.",
                ));
            }
            rep.loa = Review::pending(ctx.config.approval_delay.due(ctx.now), loa_verdict(reject));
            rep.loa_document_id = document_id;
            Ok(())
        })
    })
}

/// POST /enterprises/{enterprise_id}/reputation/external_verification
pub async fn submit_external_verification(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_ref(acct, &id)?;
        let mut c = Checker::default();
        c.only(&body, "", &["document_ids", "phone_numbers"]);
        let mut document_ids = Vec::new();
        let mut reject = false;
        match body.get("document_ids") {
            None | Some(Value::Null) => c.push(missing_item("/document_ids")),
            Some(Value::Array(ids)) if !ids.is_empty() => {
                for (i, value) in ids.iter().enumerate() {
                    let pointer = format!("/document_ids/{i}");
                    let Some(doc_id) = c.string(value, &pointer, Rule::Text) else {
                        continue;
                    };
                    match known_document(acct, &doc_id, &pointer) {
                        Ok(doc) => reject |= doc.has_reject_trigger(),
                        Err(e) => e.items.into_iter().for_each(|item| c.push(item)),
                    }
                    document_ids.push(doc_id);
                }
            }
            Some(_) => c.push(invalid_item(
                "/document_ids",
                "'document_ids' must be a non-empty array of document ids.",
            )),
        }
        let phone_numbers = match body.get("phone_numbers") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(_) => phone_list(&body, "phone_numbers", 2000),
        };
        if let Err(e) = &phone_numbers {
            e.items.iter().cloned().for_each(|item| c.push(item));
        }
        c.finish()?;
        if enterprise
            .external_verification
            .as_ref()
            .is_some_and(|e| e.review.gate == Gate::Approved)
        {
            return Err(ApiError::bad_request(
                "External verification is already approved and can no longer be changed.",
            ));
        }
        let verdict = if reject {
            Verdict::Reject(vec![
                "The documents do not prove ownership of the numbers (emulator trigger: document file name contains REJECT)."
                    .to_string(),
            ])
        } else {
            Verdict::Approve
        };
        let verification = ExternalVerification {
            document_ids,
            phone_numbers: phone_numbers.unwrap_or_default(),
            review: Review::pending(ctx.config.approval_delay.due(ctx.now), verdict),
            submitted_at: ctx.now,
        };
        let view = verification.to_json(&id)?;
        enterprise_mut(acct, &id)?.external_verification = Some(verification);
        Ok((StatusCode::CREATED, Json(data(view))).into_response())
    })
}

/// GET /enterprises/{enterprise_id}/reputation/external_verification
pub async fn get_external_verification(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        let enterprise = enterprise_ref(acct, &id)?;
        enterprise
            .external_verification
            .as_ref()
            .map(|e| e.to_json(&id).map(|v| Json(data(v))))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "No external verification has been submitted for enterprise '{id}'."
                ))
            })?
    })
}
