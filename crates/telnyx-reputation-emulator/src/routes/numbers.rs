//! Monitored numbers: atomic batch add (1-100 US numbers, both gates approved), list with
//! filters and paging, get (cached, or a billed live lookup when `fresh=true` or nothing is
//! cached yet), remove, forced refresh, ownership and ownership confirmation, plus the
//! account-wide ("simplified") list/get/remove that span every enterprise of the account.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::accounts::Account as AccountState;
use crate::config::RateLimit;
use crate::data::Drift;
use crate::error::{ApiError, ErrorItem, codes, invalid_item, missing_item};
use crate::extract::{Account, JsonObject, Query};
use crate::ledger::Billable;
use crate::lookup::{data, enterprise_mut, enterprise_ref, require_gates};
use crate::model::{Enterprise, HistoryEvent, NumberRecord, Registration};
use crate::paging::Page;
use crate::schedule::reverification_due;
use crate::state::{AppState, Ctx};
use crate::validate::{Checker, Rule, phone_list};
use crate::views::contract_json;
use telnyx_reputation_api::types;

const OWNERSHIP_STATUSES: [&str; 4] = ["verified", "flagged", "pending_confirmation", "removed"];
const SOURCES: [&str; 2] = ["telnyx", "external"];

fn not_registered(number: &str, enterprise_id: Option<&str>) -> ApiError {
    ApiError::not_found(match enterprise_id {
        Some(id) => format!(
            "Phone number '{number}' is not registered for reputation monitoring on enterprise '{id}'."
        ),
        None => format!(
            "Phone number '{number}' is not registered for reputation monitoring on any enterprise of this account."
        ),
    })
}

/// The list filters shared by both list endpoints.
struct Filters {
    eq: Option<String>,
    contains: Option<String>,
    ownership: Option<String>,
    source: Option<String>,
}

impl Filters {
    fn from_query(query: &Query) -> Result<Self, ApiError> {
        let ownership = query.get("filter[ownership_status]").map(str::to_string);
        if let Some(o) = ownership
            .as_deref()
            .filter(|o| !OWNERSHIP_STATUSES.contains(o))
        {
            return Err(ApiError::bad_parameter(
                "filter[ownership_status]",
                format!(
                    "'{o}' is not a valid ownership_status; expected one of: {}.",
                    OWNERSHIP_STATUSES.join(", ")
                ),
            ));
        }
        let source = query.get("filter[source]").map(str::to_string);
        if let Some(s) = source.as_deref().filter(|s| !SOURCES.contains(s)) {
            return Err(ApiError::bad_parameter(
                "filter[source]",
                format!("'{s}' is not a valid source; expected telnyx or external."),
            ));
        }
        let contains = query.phone("filter[phone_number][contains]");
        if let Some(c) = contains
            .as_deref()
            .filter(|c| c.bytes().filter(u8::is_ascii_digit).count() < 5)
        {
            return Err(ApiError::bad_parameter(
                "filter[phone_number][contains]",
                format!(
                    "filter[phone_number][contains] must contain at least 5 digits, got '{c}'."
                ),
            ));
        }
        Ok(Self {
            eq: query.phone("filter[phone_number][eq]"),
            contains,
            ownership,
            source,
        })
    }

    /// Whether no filter is set (so the list is every active number).
    fn none(&self) -> bool {
        self.eq.is_none()
            && self.contains.is_none()
            && self.ownership.is_none()
            && self.source.as_deref().is_none_or(|s| s == "telnyx")
    }

    /// The matching numbers of one enterprise, in registration (or removal) order.
    fn select<'a>(&self, enterprise: &'a Enterprise) -> Vec<&'a NumberRecord> {
        let candidates: Box<dyn Iterator<Item = &NumberRecord>> =
            if self.ownership.as_deref() == Some("removed") {
                Box::new(enterprise.removed_numbers.iter())
            } else {
                Box::new(enterprise.numbers_in_order())
            };
        candidates
            .filter(|n| self.eq.as_deref().is_none_or(|eq| n.phone_number == eq))
            .filter(|n| {
                self.contains
                    .as_deref()
                    .is_none_or(|c| n.phone_number.contains(c))
            })
            .filter(|n| {
                self.ownership
                    .as_deref()
                    .is_none_or(|o| n.ownership_status == o)
            })
            .filter(|_| self.source.as_deref().is_none_or(|s| s == "telnyx"))
            .collect()
    }
}

/// A 200 with an already serialised JSON body.
fn json_bytes(body: Vec<u8>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// GET /enterprises/{enterprise_id}/reputation/numbers
pub async fn list(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    query: Query,
) -> Result<Response, ApiError> {
    let page = Page::from_query(&query, 10)?;
    let filters = Filters::from_query(&query)?;
    app.with_account(&key, |acct, _| {
        let enterprise = enterprise_ref(acct, &id)?;
        // Serialise inside the lock, straight from the records.
        if filters.none() {
            // Every record's JSON is rendered once and reused until the record changes.
            return Ok(json_bytes(page.envelope_bytes(
                enterprise.numbers.len(),
                enterprise.numbers.json_in_order(),
            )));
        }
        let items = filters.select(enterprise);
        let envelope = page.envelope_of(items.len(), items, NumberRecord::view);
        Ok(json_bytes(
            serde_json::to_vec(&envelope).unwrap_or_default(),
        ))
    })
}

/// GET /reputation/numbers
pub async fn list_account(
    State(app): State<AppState>,
    Account(key): Account,
    query: Query,
) -> Result<Json<Value>, ApiError> {
    let page = Page::from_query(&query, 20)?;
    let filters = Filters::from_query(&query)?;
    let enterprise_filter = query.get("filter[enterprise_id]").map(str::to_string);
    app.with_account(&key, |acct, _| {
        let mut records: Vec<&NumberRecord> = acct
            .live_enterprises()
            .filter(|e| enterprise_filter.as_deref().is_none_or(|id| e.id == id))
            .flat_map(|e| filters.select(e))
            .collect();
        if filters.ownership.as_deref() != Some("removed") {
            records.sort_by_key(|n| n.seq);
        }
        Ok(Json(page.envelope(records, NumberRecord::to_json)))
    })
}

/// POST /enterprises/{enterprise_id}/reputation/numbers (atomic, billable per number)
pub async fn add(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Response), ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_ref(acct, &id)?;
        let mut c = Checker::default();
        c.only(&body, "", &["phone_numbers"]);
        c.finish()?;
        let numbers = phone_list(&body, "phone_numbers", batch_limit())?;
        require_gates(enterprise, "add numbers")?;
        let taken: Vec<ErrorItem> = numbers
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                acct.enterprise_of_number(n).map(|owner| {
                    ErrorItem::new(
                        codes::CONFLICT,
                        "Phone number already registered",
                        format!("'{n}' at index {i} is already registered for reputation monitoring (enterprise '{owner}')."),
                    )
                    .at(format!("/phone_numbers/{i}"))
                })
            })
            .collect();
        if !taken.is_empty() {
            return Err(ApiError::unprocessable(taken));
        }
        let records: Vec<NumberRecord> = numbers
            .iter()
            .map(|number| {
                let registration = Registration {
                    id: acct.next_id(ctx.config.seed),
                    enterprise_id: id.clone(),
                    seq: acct.next_number_seq(),
                    reverify_at: reverification_due(ctx.config.seed, number, ctx.now, true),
                    phone_number: number.clone(),
                };
                acct.ledger.charge(Billable::NumbersAdded, &id, Some(number), ctx.now);
                NumberRecord::registered(registration, ctx.now)
            })
            .collect();
        let enterprise = enterprise_mut(acct, &id)?;
        for record in records {
            enterprise.note_reverification(&record);
            enterprise.numbers.insert(record.phone_number.clone(), record);
        }
        // The records' JSON, rendered once here, is what the list pages reuse later.
        let numbers_of = &enterprise_ref(acct, &id)?.numbers;
        let added = numbers.iter().filter_map(|n| numbers_of.json_of(n));
        let body = Page::first(numbers.len()).envelope_bytes(numbers.len(), added);
        Ok((StatusCode::CREATED, json_bytes(body)))
    })
}

/// Look a number up live: the current profile is cached with `now` and one unit of
/// `action` is charged.
fn live_lookup(
    acct: &mut AccountState,
    enterprise_id: &str,
    number: &str,
    ctx: Ctx,
    action: Billable,
) -> Option<Value> {
    let record = acct.enterprise(enterprise_id)?.numbers.get(number)?;
    // Under timed drift a live lookup reads the view at its time: a new draw ends an
    // earlier remediation's effect, as a scheduled check's does.
    let epoch = match ctx.config.drift {
        Drift::PerCheck => record.epoch,
        Drift::Timed(timed) => timed.epoch_at(ctx.config.seed, number, ctx.now),
    };
    let renewed = epoch != record.epoch;
    let profile = if renewed {
        let mut renewed_record = record.clone();
        renewed_record.remediated = false;
        acct.live_profile(ctx.config.seed, ctx.config.drift, ctx.now, &renewed_record)
    } else {
        acct.live_profile(ctx.config.seed, ctx.config.drift, ctx.now, record)
    };
    acct.ledger
        .charge(action, enterprise_id, Some(number), ctx.now);
    let record = acct
        .enterprise_mut(enterprise_id)?
        .numbers
        .get_mut(number)?;
    if renewed {
        record.epoch = epoch;
        record.remediated = false;
    }
    record.cached = Some((profile, ctx.now));
    record.updated_at = ctx.now;
    Some(record.to_json())
}

/// `{"data": <record JSON>}` as a 200.
/// A number's record as `{"data": ...}`: the cached data, or a billed live lookup when
/// `fresh` or nothing is cached.
fn read_number(
    acct: &mut AccountState,
    enterprise_id: &str,
    number: &str,
    fresh: bool,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let numbers = &enterprise_ref(acct, enterprise_id)?.numbers;
    let record = numbers
        .get(number)
        .ok_or_else(|| not_registered(number, Some(enterprise_id)))?;
    // "No cached data" includes a lookup that found none: the docs bill every read then.
    let has_data = matches!(record.cached, Some((Some(_), _)));
    if fresh || !has_data {
        live_lookup(acct, enterprise_id, number, ctx, Billable::LiveLookups)
            .map(|v| Json(data(v)).into_response())
            .ok_or_else(|| not_registered(number, Some(enterprise_id)))
    } else {
        // The cached read: the record's JSON is rendered once until it changes.
        Ok((
            [(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            record.data_json(),
        )
            .into_response())
    }
}

/// GET /enterprises/{enterprise_id}/reputation/numbers/{phone_number}
pub async fn get(
    State(app): State<AppState>,
    Account(key): Account,
    Path((id, number)): Path<(String, String)>,
    query: Query,
) -> Result<Response, ApiError> {
    let fresh = query.bool("fresh")?.unwrap_or(false);
    app.with_account(&key, |acct, ctx| {
        read_number(acct, &id, &number, fresh, ctx)
    })
}

/// GET /reputation/numbers/{phone_number}
pub async fn get_account(
    State(app): State<AppState>,
    Account(key): Account,
    Path(number): Path<String>,
    query: Query,
) -> Result<Response, ApiError> {
    let fresh = query.bool("fresh")?.unwrap_or(false);
    app.with_account(&key, |acct, ctx| {
        let id = acct
            .enterprise_of_number(&number)
            .ok_or_else(|| not_registered(&number, None))?;
        read_number(acct, &id, &number, fresh, ctx)
    })
}

/// DELETE /enterprises/{enterprise_id}/reputation/numbers/{phone_number}
pub async fn remove(
    State(app): State<AppState>,
    Account(key): Account,
    Path((id, number)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_mut(acct, &id)?;
        enterprise
            .deregister(&number, "customer_removed", ctx.now)
            .map(|_| StatusCode::NO_CONTENT)
            .ok_or_else(|| not_registered(&number, Some(&id)))
    })
}

/// DELETE /reputation/numbers/{phone_number}
pub async fn remove_account(
    State(app): State<AppState>,
    Account(key): Account,
    Path(number): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let id = acct
            .enterprise_of_number(&number)
            .ok_or_else(|| not_registered(&number, None))?;
        let enterprise = enterprise_mut(acct, &id)?;
        enterprise
            .deregister(&number, "customer_removed", ctx.now)
            .map(|_| StatusCode::NO_CONTENT)
            .ok_or_else(|| not_registered(&number, None))
    })
}

/// A 429 for the refresh rate limit, with `Retry-After` in whole seconds.
fn rate_limited(id: &str, limit: RateLimit, retry_after: chrono::Duration) -> Response {
    let seconds = (retry_after.num_milliseconds().max(1) + 999) / 1000;
    let mut response = ApiError::one(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorItem::new(
            codes::TOO_MANY_REQUESTS,
            "Too many requests",
            format!(
                "Enterprise '{id}' may refresh at most {} times per {}; retry in {seconds} s.",
                limit.requests,
                crate::config::ApprovalDelay::After(limit.window)
            ),
        ),
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// POST /enterprises/{enterprise_id}/reputation/numbers/refresh (billable per success,
/// rate-limited per enterprise)
pub async fn refresh(
    State(app): State<AppState>,
    Account(key): Account,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    app.with_account(&key, |acct, ctx| {
        enterprise_ref(acct, &id)?;
        let mut c = Checker::default();
        c.only(&body, "", &["phone_numbers"]);
        c.finish()?;
        let numbers = phone_list(&body, "phone_numbers", batch_limit())?;
        if let Some(limit) = ctx.config.refresh_limit {
            let enterprise = enterprise_mut(acct, &id)?;
            let window = chrono::Duration::from_std(limit.window).unwrap_or(chrono::Duration::MAX);
            while enterprise
                .refresh_times
                .front()
                .is_some_and(|t| *t + window <= ctx.now)
            {
                enterprise.refresh_times.pop_front();
            }
            if enterprise.refresh_times.len() >= limit.requests as usize {
                let oldest = enterprise.refresh_times.front().copied().unwrap_or(ctx.now);
                return Ok(rate_limited(&id, limit, oldest + window - ctx.now));
            }
            enterprise.refresh_times.push_back(ctx.now);
        }
        let mut results = Vec::with_capacity(numbers.len());
        for number in &numbers {
            let outcome = live_lookup(acct, &id, number, ctx, Billable::Refreshes);
            results.push(types::RefreshResultItem {
                error: outcome.is_none().then(|| format!(
                    "Phone number '{number}' is not registered for reputation monitoring on this enterprise."
                )),
                phone_number: number.clone(),
                success: outcome.is_some(),
            });
        }
        let successful = results.iter().filter(|r| r.success).count() as u64;
        let requested = numbers.len() as u64;
        let answer = types::RefreshResult {
            results,
            total_failed: requested - successful,
            total_requested: requested,
            total_successful: successful,
        };
        Ok(Json(data(contract_json("RefreshResult", &answer)?)).into_response())
    })
}

/// GET /enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership
pub async fn ownership(
    State(app): State<AppState>,
    Account(key): Account,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, _| {
        enterprise_ref(acct, &id)?
            .numbers
            .get(&number)
            .map(|r| r.ownership_json().map(|v| Json(data(v))))
            .ok_or_else(|| not_registered(&number, Some(&id)))?
    })
}

/// POST /enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership_confirm
pub async fn confirm_ownership(
    State(app): State<AppState>,
    Account(key): Account,
    Path((id, number)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_ref(acct, &id)?;
        if !enterprise.numbers.contains_key(&number) {
            return Err(not_registered(&number, Some(&id)));
        }
        let mut c = Checker::default();
        c.only(&body, "", &["still_own", "evidence_document_id"]);
        let still_own = match body.get("still_own") {
            None | Some(Value::Null) => {
                c.push(missing_item("/still_own"));
                None
            }
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                c.push(invalid_item("/still_own", "'still_own' must be a boolean."));
                None
            }
        };
        if let Some(Some(doc)) = c.optional(&body, "", "evidence_document_id", Rule::Text)
            && !acct.documents.contains_key(&doc)
        {
            c.push(invalid_item(
                "/evidence_document_id",
                format!("Document '{doc}' was not found. Upload it with POST /v2/documents first."),
            ));
        }
        c.finish()?;
        let enterprise = enterprise_mut(acct, &id)?;
        let record = if still_own == Some(true) {
            let record = enterprise
                .numbers
                .get_mut(&number)
                .ok_or_else(|| not_registered(&number, Some(&id)))?;
            record.ownership_status = "verified".to_string();
            record.confirm_by = None;
            record.flag_reason = None;
            record.reverify_at = reverification_due(ctx.config.seed, &number, ctx.now, false);
            record.updated_at = ctx.now;
            record
                .history
                .push(HistoryEvent::new("confirm", ctx.now, "confirmed"));
            let record = record.clone();
            enterprise.refresh_deadline();
            enterprise.refresh_reverification();
            record
        } else {
            let record = enterprise
                .deregister(&number, "customer_reported", ctx.now)
                .ok_or_else(|| not_registered(&number, Some(&id)))?;
            let url = enterprise
                .reputation
                .as_ref()
                .and_then(|r| r.webhook_url.clone());
            acct.outbox.removed(url, &record, ctx.config.seed);
            record
        };
        Ok(Json(data(record.to_json())))
    })
}

/// Numbers one add or refresh takes: the contract's `maxItems` on `PhoneNumbersRequest`.
fn batch_limit() -> usize {
    telnyx_reputation_api::rules::max_items(
        &telnyx_reputation_api::rules::PHONE_NUMBERS_REQUEST,
        "phone_numbers",
    )
    .expect("the contract bounds PhoneNumbersRequest.phone_numbers with maxItems")
}
