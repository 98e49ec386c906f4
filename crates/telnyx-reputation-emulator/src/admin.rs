//! The admin API under `/_emulator/`: reset, ledger, gate and reputation control,
//! remediation and clock advance, fault injection and the request journal.
//!
//! No authentication. Calls about one account name it by its API key, either as the
//! `api_key` query parameter or as `Authorization: Bearer <key>` (so a test can reuse its
//! client's headers). Bodies are JSON; errors are Telnyx-shaped like the API's.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::clock::timestamp;
use crate::data::Profile;
use crate::error::{ApiError, invalid_item, missing_item};
use crate::extract::{JsonObject, Query, bearer};
use crate::lifecycle::complete_remediation;
use crate::lookup::{data, enterprise_mut, not_enabled};
use crate::model::{Gate, HistoryEvent, RemediationStatus};
use crate::state::AppState;
use crate::validate::{Checker, Rule};

/// The admin routes, to be nested under `/_emulator`. `replay` builds the whole emulator's
/// router, through which `POST /fixtures` replays a scenario's steps (passed in, so this
/// module does not import the route table that nests it).
pub fn router(replay: fn(AppState) -> Router) -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/reset", post(reset))
        .route("/ledger", get(ledger))
        .route("/reputation/transitions", get(transitions))
        .route("/gates", post(gates))
        .route("/numbers/reputation", post(set_reputation))
        .route("/numbers/ownership", post(set_ownership))
        .route("/remediation/advance", post(advance_remediation))
        .route("/clock/advance", post(advance_clock))
        .route("/trigger", post(trigger))
        .route(
            "/fixtures",
            post(
                move |state: State<AppState>,
                      query: Query,
                      headers: HeaderMap,
                      body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>| {
                    load_fixtures(state, query, headers, body, replay)
                },
            ),
        )
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(requests).delete(clear_requests))
        .route("/webhooks/deliveries", get(deliveries))
        .route("/webhooks/public_key", get(public_key))
}

fn account_of(query: &Query, headers: &HeaderMap) -> Option<String> {
    query
        .get("api_key")
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .or_else(|| bearer(headers))
}

/// The account whose test clock a clock call is about: the `api_key` query parameter only (a
/// bearer header does not select it, so callers that reuse their client's headers keep moving
/// and reading the whole emulator's clock, as before per-account clocks).
fn clock_account(query: &Query) -> Option<String> {
    query
        .get("api_key")
        .filter(|k| !k.is_empty())
        .map(str::to_string)
}

fn require_account(query: &Query, headers: &HeaderMap) -> Result<String, ApiError> {
    account_of(query, headers).ok_or_else(|| {
        ApiError::bad_parameter(
            "api_key",
            "Name the account: pass its API key as ?api_key=... or as Authorization: Bearer ....",
        )
    })
}

/// GET /_emulator/health: settings and the clock; with `api_key`, that account's clock.
async fn health(State(app): State<AppState>, query: Query) -> Json<Value> {
    let config = app.config();
    let mut body = json!({
        "status": "ok",
        "approval_delay": config.approval_delay.to_string(),
        "seed": config.seed,
        "refresh_rate_limit": config.refresh_limit.map_or_else(|| "off".to_string(), |l| l.to_string()),
        "now": timestamp(app.now()),
    });
    if let Some(key) = clock_account(&query) {
        let (now, offset) = app.with_account(&key, |acct, ctx| (ctx.now, acct.clock_offset_ms));
        body["now"] = json!(timestamp(now));
        body["account_clock_offset_ms"] = json!(offset);
    }
    Json(body)
}

async fn reset(State(app): State<AppState>, query: Query, headers: HeaderMap) -> StatusCode {
    let account = account_of(&query, &headers);
    let mut world = app.world();
    match account.as_deref() {
        Some(key) => {
            // Restored from a state file and not used since: it is kept under the digest.
            let _ = world.take_restored(key);
            world.accounts.remove(key);
        }
        None => world.accounts.clear(),
    }
    world.faults.clear(account.as_deref());
    app.journal().clear(account.as_deref());
    world.deliveries.clear(account.as_deref());
    StatusCode::NO_CONTENT
}

async fn ledger(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    Ok(Json(data(
        app.with_account(&key, |acct, _| acct.ledger.to_json()),
    )))
}

/// GET /_emulator/reputation/transitions?since=&until=&to=high: the ground truth of the
/// timed drift model — every change of a registered number's risk label (to `to`, when
/// given) in `(since, until]`, with the time the networks' data changed, oldest first.
/// Numbers whose data was set through the admin API are left out (their data is not the
/// model's). Under the default per-check drift the data changes only at scheduled checks,
/// which the ledger records: this answers 409.
async fn transitions(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    let config = app.config();
    let crate::data::Drift::Timed(drift) = config.drift else {
        return Err(ApiError::conflict(
            "Transitions are computed by the timed drift model only: the emulator runs the \
             per-check drift model, where data changes at scheduled checks (the ledger's \
             scheduled_refresh entries). Start it with timed drift.",
        ));
    };
    let time = |name: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
        match query.get(name) {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| {
                    ApiError::invalid(
                        &format!("/{name}"),
                        format!("{name} must be an RFC 3339 time, got {text:?}."),
                    )
                }),
        }
    };
    let since = time("since")?.unwrap_or(drift.origin);
    let until = time("until")?;
    let to = query.get("to").map(str::to_owned);
    let mut out: Vec<Value> = app.with_account(&key, |acct, ctx| {
        // Up to the account's now (its test clock) unless asked otherwise.
        let until = until.unwrap_or(ctx.now);
        let mut out = Vec::new();
        for enterprise in acct.enterprises.iter().filter(|e| e.deleted_at.is_none()) {
            for number in enterprise.numbers.values().map(|r| &r.phone_number) {
                if acct.overrides.contains_key(number) {
                    continue;
                }
                for t in drift.transitions(config.seed, number, since, until, to.as_deref()) {
                    out.push(json!({
                        "enterprise_id": enterprise.id,
                        "phone_number": t.phone_number,
                        "at": timestamp(t.at),
                        "from": t.from,
                        "to": t.to,
                    }));
                }
            }
        }
        out
    });
    out.sort_by(|a, b| {
        (a["at"].as_str(), a["phone_number"].as_str())
            .cmp(&(b["at"].as_str(), b["phone_number"].as_str()))
    });
    Ok(Json(json!({
        "data": out,
        "model": {
            "origin": timestamp(drift.origin),
            "min_span_hours": drift.min_span_hours,
            "max_span_hours": drift.max_span_hours,
            "score_lead_hours": drift.score_lead_hours,
        },
    })))
}

fn gate_field(c: &mut Checker, body: &Map<String, Value>, name: &str) -> Option<Gate> {
    c.optional(
        body,
        "",
        name,
        Rule::OneOf(&["pending", "approved", "rejected"]),
    )
    .flatten()
    .and_then(|g| Gate::parse(&g))
}

fn reasons(c: &mut Checker, body: &Map<String, Value>) -> Option<Vec<String>> {
    match body.get("rejection_reasons") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        Some(_) => {
            c.push(invalid_item(
                "/rejection_reasons",
                "rejection_reasons must be an array of strings.",
            ));
            None
        }
    }
}

/// POST /_emulator/gates: force `status`, `loa_status` and/or `external_verification_status`.
async fn gates(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    let mut c = Checker::default();
    c.only(
        &body,
        "",
        &[
            "enterprise_id",
            "status",
            "loa_status",
            "rejection_reasons",
            "external_verification_status",
        ],
    );
    let id = c
        .required(&body, "", "enterprise_id", Rule::Text)
        .unwrap_or_default();
    let status = gate_field(&mut c, &body, "status");
    let loa = gate_field(&mut c, &body, "loa_status");
    let external = gate_field(&mut c, &body, "external_verification_status");
    let reasons = reasons(&mut c, &body);
    c.finish()?;
    app.with_account(&key, |acct, ctx| {
        let enterprise = enterprise_mut(acct, &id)?;
        if let Some(gate) = external {
            let ext = enterprise.external_verification.as_mut().ok_or_else(|| {
                ApiError::not_found(format!(
                    "No external verification has been submitted for enterprise '{id}'."
                ))
            })?;
            ext.review.force(gate, reasons.clone(), ctx.now);
        }
        if status.is_none() && loa.is_none() {
            let view = match &enterprise.reputation {
                Some(rep) => rep.to_json(&id, enterprise.external_verification.as_ref())?,
                None => Value::Null,
            };
            return Ok(Json(data(view)));
        }
        let rep = enterprise
            .reputation
            .as_mut()
            .ok_or_else(|| not_enabled(&id))?;
        if let Some(gate) = status {
            rep.status.force(gate, reasons.clone(), ctx.now);
        }
        if let Some(gate) = loa {
            rep.loa.force(gate, reasons, ctx.now);
        }
        rep.updated_at = ctx.now;
        Ok(Json(data(rep.to_json(
            &id,
            enterprise.external_verification.as_ref(),
        )?)))
    })
}

fn score(
    c: &mut Checker,
    obj: &Map<String, Value>,
    name: &str,
    default: Option<i64>,
) -> Option<i64> {
    match obj.get(name) {
        None => default,
        Some(Value::Null) => None,
        Some(v) => match v.as_i64().filter(|s| (0..=100).contains(s)) {
            Some(s) => Some(s),
            None => {
                c.push(invalid_item(
                    &format!("/reputation_data/{name}"),
                    format!("{name} must be an integer 0-100 or null."),
                ));
                None
            }
        },
    }
}

fn read_profile(c: &mut Checker, value: &Value, base: Profile) -> Option<Profile> {
    let obj = match value {
        Value::Null => return None,
        Value::Object(obj) => obj,
        _ => {
            c.push(invalid_item(
                "/reputation_data",
                "reputation_data must be an object or null.",
            ));
            return None;
        }
    };
    c.only(
        obj,
        "/reputation_data",
        &[
            "spam_risk",
            "spam_category",
            "maturity_score",
            "connection_score",
            "engagement_score",
            "sentiment_score",
        ],
    );
    let mut text = |name: &str, rule: Rule<'_>, default: Option<String>| match obj.get(name) {
        None => default,
        Some(Value::Null) => None,
        Some(v) => c.string(v, &format!("/reputation_data/{name}"), rule),
    };
    let spam_risk = text(
        "spam_risk",
        Rule::OneOf(&["low", "medium", "high"]),
        base.spam_risk,
    );
    let spam_category = text("spam_category", Rule::Text, base.spam_category);
    Some(Profile {
        spam_risk,
        spam_category,
        maturity_score: score(c, obj, "maturity_score", base.maturity_score),
        connection_score: score(c, obj, "connection_score", base.connection_score),
        engagement_score: score(c, obj, "engagement_score", base.engagement_score),
        sentiment_score: score(c, obj, "sentiment_score", base.sentiment_score),
    })
}

/// POST /_emulator/numbers/reputation: set what lookups of a number return from now on.
async fn set_reputation(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    let mut c = Checker::default();
    c.only(&body, "", &["phone_number", "reputation_data", "apply"]);
    let number = c
        .required(&body, "", "phone_number", Rule::E164)
        .unwrap_or_default();
    let at_next_check = c
        .optional(&body, "", "apply", Rule::OneOf(&["now", "next_check"]))
        .flatten()
        .is_some_and(|a| a == "next_check");
    let base = Profile::derive(app.config().seed, &number);
    let profile = match body.get("reputation_data") {
        None => {
            c.push(missing_item("/reputation_data"));
            None
        }
        Some(value) => read_profile(&mut c, value, base),
    };
    c.finish()?;
    app.with_account(&key, |acct, ctx| {
        acct.overrides.insert(number.clone(), profile.clone());
        let mut registered = Value::Null;
        if let Some(id) = acct.enterprise_of_number(&number)
            && !at_next_check
            && let Some(record) = acct
                .enterprise_mut(&id)
                .and_then(|e| e.numbers.get_mut(&number))
        {
            record.cached = Some((profile.clone(), ctx.now));
            record.remediated = false;
            record.updated_at = ctx.now;
            registered = record.to_json();
        }
        Ok(Json(data(json!({
            "phone_number": number,
            "apply": if at_next_check { "next_check" } else { "now" },
            "reputation_data": profile.map(|p| p.to_json(ctx.now)),
            "registered_number": registered,
        }))))
    })
}

/// POST /_emulator/numbers/ownership: flag a number or ask for confirmation.
async fn set_ownership(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    let mut c = Checker::default();
    c.only(
        &body,
        "",
        &[
            "phone_number",
            "ownership_status",
            "flag_reason",
            "confirm_by",
        ],
    );
    let number = c
        .required(&body, "", "phone_number", Rule::E164)
        .unwrap_or_default();
    let status = c
        .required(
            &body,
            "",
            "ownership_status",
            Rule::OneOf(&["verified", "flagged", "pending_confirmation"]),
        )
        .unwrap_or_default();
    let reason = c.optional(&body, "", "flag_reason", Rule::Text).flatten();
    let confirm_by = match body.get("confirm_by") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(e) => {
                c.push(invalid_item(
                    "/confirm_by",
                    format!("confirm_by must be an RFC 3339 date-time: '{s}' ({e})."),
                ));
                None
            }
        },
        Some(_) => {
            c.push(invalid_item(
                "/confirm_by",
                "confirm_by must be an RFC 3339 date-time string.",
            ));
            None
        }
    };
    if confirm_by.is_some() && status != "pending_confirmation" {
        c.push(invalid_item(
            "/confirm_by",
            "confirm_by applies only to ownership_status pending_confirmation.",
        ));
    }
    c.finish()?;
    app.with_account(&key, |acct, ctx| {
        let id = acct.enterprise_of_number(&number).ok_or_else(|| {
            ApiError::not_found(format!(
                "Phone number '{number}' is not registered in this account."
            ))
        })?;
        let record = enterprise_mut(acct, &id)?
            .numbers
            .get_mut(&number)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "Phone number '{number}' is not registered in this account."
                ))
            })?;
        let flagged = status != "verified";
        record.flag_reason =
            flagged.then(|| reason.unwrap_or_else(|| "carrier_changed".to_string()));
        record.confirm_by = (status == "pending_confirmation")
            .then(|| confirm_by.unwrap_or(ctx.now + chrono::Duration::days(7)));
        record.history.push(HistoryEvent {
            event_type: if flagged { "flag" } else { "check" }.into(),
            occurred_at: ctx.now,
            outcome: Some(
                record
                    .flag_reason
                    .clone()
                    .unwrap_or_else(|| "unchanged".to_string()),
            ),
        });
        if !flagged {
            // Verified now: the re-verification calendar starts again from here.
            record.reverify_at =
                crate::schedule::reverification_due(ctx.config.seed, &number, ctx.now, false);
        }
        record.ownership_status = status;
        record.updated_at = ctx.now;
        let record = record.clone();
        let enterprise = enterprise_mut(acct, &id)?;
        enterprise.refresh_deadline();
        enterprise.refresh_reverification();
        if record.ownership_status == "pending_confirmation" {
            let url = enterprise
                .reputation
                .as_ref()
                .and_then(|r| r.webhook_url.clone());
            acct.outbox.flagged(url, &record, ctx.config.seed);
        }
        Ok(Json(data(record.to_json())))
    })
}

/// POST /_emulator/remediation/advance: move in-flight requests on now.
async fn advance_remediation(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    let mut c = Checker::default();
    c.only(&body, "", &["enterprise_id", "remediation_id", "status"]);
    let enterprise_id = c.optional(&body, "", "enterprise_id", Rule::Text).flatten();
    let remediation_id = c
        .optional(&body, "", "remediation_id", Rule::Text)
        .flatten();
    let target = c
        .optional(
            &body,
            "",
            "status",
            Rule::OneOf(&["in_progress", "completed", "failed", "cancelled"]),
        )
        .flatten()
        .and_then(|s| RemediationStatus::parse(&s))
        .unwrap_or(RemediationStatus::Completed);
    c.finish()?;
    app.with_account(&key, |acct, ctx| {
        let overrides = acct.overrides.clone();
        let seed = ctx.config.seed;
        let mut advanced = Vec::new();
        for enterprise in acct
            .enterprises
            .iter_mut()
            .filter(|e| e.deleted_at.is_none())
        {
            if enterprise_id
                .as_deref()
                .is_some_and(|id| id != enterprise.id)
            {
                continue;
            }
            for i in 0..enterprise.remediations.len() {
                let request = &mut enterprise.remediations[i];
                if !request.status.in_flight()
                    || remediation_id.as_deref().is_some_and(|id| id != request.id)
                {
                    continue;
                }
                request.schedule = None;
                match target {
                    RemediationStatus::Completed => {
                        complete_remediation(enterprise, i, seed, &overrides, ctx.now, ctx.now);
                    }
                    other => {
                        request.status = other;
                        request.updated_at = ctx.now;
                    }
                }
                advanced.push(enterprise.remediations[i].to_json()?);
            }
        }
        if advanced.is_empty() && remediation_id.is_some() {
            return Err(ApiError::not_found(
                "No in-flight remediation request matches.",
            ));
        }
        Ok(Json(data(Value::Array(advanced))))
    })
}

/// The largest single clock advance accepted: ten years.
pub const MAX_CLOCK_ADVANCE_MS: f64 = 10.0 * 366.0 * 86_400_000.0;

/// POST /_emulator/clock/advance: move virtual time forward — for every account, or with
/// `api_key` for that account only (its test clock).
async fn advance_clock(
    State(app): State<AppState>,
    query: Query,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checker::default();
    c.only(&body, "", &["seconds", "milliseconds"]);
    c.finish()?;
    let (pointer, scale, value) = match (body.get("seconds"), body.get("milliseconds")) {
        (Some(s), None) => ("/seconds", 1000.0, s),
        (None, Some(ms)) => ("/milliseconds", 1.0, ms),
        _ => {
            return Err(ApiError::bad_request_at(
                "/seconds",
                "Send exactly one of seconds or milliseconds, a non-negative number.",
            ));
        }
    };
    let ms = value
        .as_f64()
        .filter(|v| *v >= 0.0 && v.is_finite())
        .map(|v| v * scale)
        .ok_or_else(|| {
            ApiError::bad_request_at(
                pointer,
                format!(
                    "{} must be a non-negative number, got {value}.",
                    &pointer[1..]
                ),
            )
        })?;
    if ms > MAX_CLOCK_ADVANCE_MS {
        return Err(ApiError::bad_request_at(
            pointer,
            format!(
                "{} is {value}: one advance may move the clock by at most ten years ({} seconds).",
                &pointer[1..],
                MAX_CLOCK_ADVANCE_MS / 1000.0
            ),
        ));
    }
    let by = Duration::from_millis(ms as u64);
    if let Some(key) = clock_account(&query) {
        let (offset, now) = app.advance_account_clock(&key, by).map_err(|total| {
            ApiError::bad_request_at(
                pointer,
                format!(
                    "this account's clock is already {total} ms ahead; advancing it further would leave the representable time range."
                ),
            )
        })?;
        return Ok(Json(data(json!({
            "offset_ms": offset,
            "now": timestamp(now),
            "scope": "account",
        }))));
    }
    let offset = app
        .advance_clock(by)
        .map_err(|total| {
            ApiError::bad_request_at(
                pointer,
                format!(
                    "the virtual clock is already {total} ms ahead; advancing it further would leave the representable time range."
                ),
            )
        })?;
    // Catch up every due check, deadline and review now, in order, for every account.
    app.settle_all();
    Ok(Json(data(
        json!({ "offset_ms": offset, "now": timestamp(app.now()), "scope": "emulator" }),
    )))
}

/// GET /_emulator/webhooks/deliveries: every delivery attempt, oldest first.
async fn deliveries(State(app): State<AppState>, query: Query, headers: HeaderMap) -> Json<Value> {
    let account = account_of(&query, &headers);
    let mut world = app.world();
    if let Some(key) = account.as_deref()
        && let Some(restored) = world.take_restored(key)
    {
        // A state file's account, asked about by its key before any API call.
        world.accounts.insert(key.to_string(), restored);
    }
    Json(world.deliveries.to_json(account.as_deref()))
}

/// GET /_emulator/webhooks/public_key: the base64 Ed25519 key deliveries verify with.
async fn public_key(State(app): State<AppState>) -> Json<Value> {
    Json(json!({ "public_key": app.webhooks().public_key() }))
}

async fn add_fault(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let account = account_of(&query, &headers);
    let stored = app.world().faults.add(&Value::Object(body), account)?;
    Ok((StatusCode::CREATED, Json(data(stored))).into_response())
}

async fn list_faults(State(app): State<AppState>, query: Query, headers: HeaderMap) -> Json<Value> {
    let account = account_of(&query, &headers);
    Json(app.world().faults.to_json(account.as_deref()))
}

async fn clear_faults(State(app): State<AppState>, query: Query, headers: HeaderMap) -> StatusCode {
    let account = account_of(&query, &headers);
    app.world().faults.clear(account.as_deref());
    StatusCode::NO_CONTENT
}

async fn requests(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let account = account_of(&query, &headers);
    let limit = match query.get("limit") {
        None => crate::journal::CAPACITY,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| ApiError::bad_parameter("limit", "limit must be a positive integer."))?,
    };
    Ok(Json(app.journal().to_json(account.as_deref(), limit)))
}

async fn clear_requests(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
) -> StatusCode {
    let account = account_of(&query, &headers);
    app.journal().clear(account.as_deref());
    StatusCode::NO_CONTENT
}

/// The events and state changes `POST /_emulator/trigger` fires.
pub const TRIGGER_EVENTS: &[&str] = &[
    "reputation.changed",
    "number.flagged",
    "number.removed",
    "external_verification.status_changed",
    "gate.approved",
    "gate.rejected",
    "remediation.status_changed",
];

/// POST /_emulator/trigger: fire one documented event or state change for a number or an
/// enterprise of the account, through the code path it takes when it happens by itself (so
/// the webhook, if the enterprise has one, is queued, signed and delivered as usual). The
/// body names the `event` (one of [`TRIGGER_EVENTS`]) and its parameters.
async fn trigger(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    JsonObject(mut body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let key = require_account(&query, &headers)?;
    let event = match body.remove("event") {
        Some(Value::String(name)) if TRIGGER_EVENTS.contains(&name.as_str()) => name,
        Some(other) => {
            return Err(ApiError::unprocessable(vec![invalid_item(
                "/event",
                format!(
                    "event must be one of {}, got {other}.",
                    TRIGGER_EVENTS.join(", ")
                ),
            )]));
        }
        None => return Err(ApiError::unprocessable(vec![missing_item("/event")])),
    };
    let result = match event.as_str() {
        "reputation.changed" => {
            set_reputation(State(app), query, headers, JsonObject(body)).await?
        }
        "number.flagged" => {
            if let Some(status) = body.get("ownership_status") {
                return Err(ApiError::unprocessable(vec![invalid_item(
                    "/ownership_status",
                    format!(
                        "number.flagged sets ownership_status pending_confirmation itself; got {status}."
                    ),
                )]));
            }
            // As a carrier change found by a scheduled check: confirm within the window.
            body.insert("ownership_status".into(), json!("pending_confirmation"));
            body.entry("flag_reason")
                .or_insert_with(|| json!("carrier_changed"));
            set_ownership(State(app), query, headers, JsonObject(body)).await?
        }
        "number.removed" => remove_number(&app, &key, &body)?,
        "external_verification.status_changed" => {
            let mut c = Checker::default();
            c.only(&body, "", &["enterprise_id", "status", "rejection_reasons"]);
            let status = c
                .required(&body, "", "status", Rule::OneOf(&["approved", "rejected"]))
                .unwrap_or_default();
            c.finish()?;
            body.remove("status");
            body.insert("external_verification_status".into(), json!(status));
            gates(State(app), query, headers, JsonObject(body)).await?
        }
        "gate.approved" | "gate.rejected" => {
            let mut c = Checker::default();
            c.only(&body, "", &["enterprise_id", "gate", "rejection_reasons"]);
            let gate = c
                .required(&body, "", "gate", Rule::OneOf(&["status", "loa_status"]))
                .unwrap_or_default();
            if event == "gate.approved" && body.contains_key("rejection_reasons") {
                c.push(invalid_item(
                    "/rejection_reasons",
                    "rejection_reasons applies only to gate.rejected.",
                ));
            }
            c.finish()?;
            body.remove("gate");
            let decision = event.trim_start_matches("gate.");
            body.insert(gate, json!(decision));
            let view = gates(State(app.clone()), query, headers, JsonObject(body)).await?;
            // Both gates approved: the check schedule starts now, as after a review.
            app.with_account(&key, |_, _| ());
            view
        }
        _ => {
            // remediation.status_changed
            let mut c = Checker::default();
            c.required(&body, "", "remediation_id", Rule::Text);
            c.required(
                &body,
                "",
                "status",
                Rule::OneOf(&["in_progress", "completed", "failed", "cancelled"]),
            );
            c.finish()?;
            advance_remediation(State(app), query, headers, JsonObject(body)).await?
        }
    };
    let Json(mut result) = result;
    Ok(Json(data(json!({
        "event": event,
        "result": result.get_mut("data").map(Value::take).unwrap_or(result),
    }))))
}

/// `number.removed`: Telnyx takes a number out of monitoring (by default for unconfirmed
/// ownership), as when a confirmation deadline passes.
fn remove_number(
    app: &AppState,
    key: &str,
    body: &Map<String, Value>,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checker::default();
    c.only(body, "", &["phone_number", "removal_reason"]);
    let number = c
        .required(body, "", "phone_number", Rule::E164)
        .unwrap_or_default();
    let reason = c
        .optional(body, "", "removal_reason", Rule::Text)
        .flatten()
        .unwrap_or_else(|| "unconfirmed_ownership".to_string());
    c.finish()?;
    app.with_account(key, |acct, ctx| {
        let id = acct.enterprise_of_number(&number).ok_or_else(|| {
            ApiError::not_found(format!(
                "Phone number '{number}' is not registered in this account."
            ))
        })?;
        let enterprise = enterprise_mut(acct, &id)?;
        let url = enterprise
            .reputation
            .as_ref()
            .and_then(|r| r.webhook_url.clone());
        let record = enterprise
            .deregister(&number, &reason, ctx.now)
            .ok_or_else(|| {
                ApiError::not_found(format!("Phone number '{number}' is not monitored."))
            })?;
        acct.outbox.removed(url, &record, ctx.config.seed);
        Ok(Json(data(record.to_json())))
    })
}

/// POST /_emulator/fixtures: run a fixture scenario (see `crate::fixtures`) as the account
/// named by `api_key` (or the bearer token, or else the file's own `api_key`). The body is
/// JSON, or YAML when sent as `application/yaml`.
async fn load_fixtures(
    State(app): State<AppState>,
    query: Query,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
    replay: fn(AppState) -> Router,
) -> Result<Json<Value>, ApiError> {
    use crate::error::{ErrorItem, codes};
    use crate::fixtures::Format;
    let body = body.map_err(|_| ApiError::too_large(crate::extract::BODY_LIMIT))?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let document = match Format::of_content_type(content_type) {
        Format::Json => Value::Object(JsonObject::parse(&body)?.0),
        Format::Yaml => {
            let text = std::str::from_utf8(&body).map_err(|_| {
                ApiError::invalid("/", "A YAML fixture scenario must be UTF-8 text.")
            })?;
            crate::fixtures::read(text, Format::Yaml).map_err(|e| {
                let at = e.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                ApiError::one(
                    axum::http::StatusCode::BAD_REQUEST,
                    ErrorItem::new(
                        codes::BAD_REQUEST,
                        "Bad Request",
                        format!("The request failed because it was not well-formed{at}: {e}."),
                    )
                    .at("/"),
                )
            })?
        }
    };
    let scenario = crate::fixtures::parse(&document)?;
    let key = match account_of(&query, &headers).or_else(|| scenario.api_key.clone()) {
        Some(key) => key,
        None => require_account(&query, &headers)?,
    };
    let made = crate::fixtures::load(&app, &key, &scenario, replay).await?;
    Ok(Json(crate::fixtures::answer(made)))
}
