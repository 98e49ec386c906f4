//! The HTTP surface: the `/v2` API router, the admin router under `/_emulator`, the
//! gateway middleware (body limit, fault injection, request journal) and the Telnyx-shaped
//! 404/405 fallbacks. One module per API resource sits beside this file.

pub mod documents;
pub mod enterprises;
pub mod numbers;
pub mod remediation;
pub mod reputation;
pub mod tos;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, OriginalUri, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ErrorItem, codes};
use crate::extract::bearer;
use crate::journal::{self, Entry};
use crate::model::{Enterprise, Reputation};
use crate::state::{Account, AppState};

/// Largest request body accepted (10 MiB); larger bodies get a Telnyx-shaped 413.
pub const BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Response extension asking the server loop to close the connection without answering
/// (the `drop_connection` and `drop_after_processing` faults). Routers used without the
/// emulator's server just see a 502.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// The whole emulator as an axum router: `/v2/...`, `/_emulator/...` and the fallbacks.
pub fn router(state: AppState) -> Router {
    const E: &str = "/enterprises/{enterprise_id}";
    let api = Router::new()
        .route(
            "/enterprises",
            get(enterprises::list).post(enterprises::create),
        )
        .route(
            E,
            get(enterprises::get)
                .put(enterprises::replace)
                .delete(enterprises::delete),
        )
        .route(
            &format!("{E}/reputation"),
            get(reputation::get)
                .post(reputation::enable)
                .delete(reputation::disable),
        )
        .route(
            &format!("{E}/reputation/frequency"),
            patch(reputation::update_frequency),
        )
        .route(
            &format!("{E}/reputation/webhook"),
            patch(reputation::update_webhook),
        )
        .route(
            &format!("{E}/reputation/loa"),
            post(reputation::render_loa).patch(reputation::replace_loa),
        )
        .route(
            &format!("{E}/reputation/external_verification"),
            get(reputation::get_external_verification)
                .post(reputation::submit_external_verification),
        )
        .route(
            &format!("{E}/reputation/numbers"),
            get(numbers::list).post(numbers::add),
        )
        .route(
            &format!("{E}/reputation/numbers/refresh"),
            post(numbers::refresh),
        )
        .route(
            &format!("{E}/reputation/numbers/{{phone_number}}"),
            get(numbers::get).delete(numbers::remove),
        )
        .route(
            &format!("{E}/reputation/numbers/{{phone_number}}/ownership"),
            get(numbers::ownership),
        )
        .route(
            &format!("{E}/reputation/numbers/{{phone_number}}/ownership_confirm"),
            post(numbers::confirm_ownership),
        )
        .route(
            &format!("{E}/reputation/remediation"),
            get(remediation::list).post(remediation::create),
        )
        .route(
            &format!("{E}/reputation/remediation/{{remediation_id}}"),
            get(remediation::get),
        )
        .route("/reputation/numbers", get(numbers::list_account))
        .route(
            "/reputation/numbers/{phone_number}",
            get(numbers::get_account).delete(numbers::remove_account),
        )
        .route("/terms_of_service/info", get(tos::info))
        .route("/terms_of_service/status", get(tos::status))
        .route("/terms_of_service/agreements", get(tos::list_agreements))
        .route(
            "/terms_of_service/agreements/{agreement_id}",
            get(tos::get_agreement),
        )
        .route(
            "/terms_of_service/number_reputation/agree",
            post(tos::agree),
        )
        .route("/documents", post(documents::upload))
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest("/v2", api)
        .nest("/_emulator", crate::admin::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), gateway))
        .with_state(state)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::one(
        StatusCode::NOT_FOUND,
        ErrorItem::new(
            codes::NOT_FOUND,
            "Resource not found",
            format!("No route matches {method} {}.", uri.path()),
        ),
    )
}

async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), uri.path())
}

/// Buffer the body (413 past the limit), apply a matching fault, run the API, stamp an
/// `x-request-id`, and journal the exchange. Admin routes pass straight through and are not
/// journaled.
async fn gateway(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if !parts.uri.path().starts_with("/v2") {
        let changes = parts.method != Method::GET;
        let response = next.run(Request::from_parts(parts, body)).await;
        if changes {
            app.mark_dirty();
        }
        return response;
    }
    let account = bearer(&parts.headers);
    let mut entry = Entry {
        request_id: uuid::Uuid::new_v4().to_string(),
        at: app.now(),
        account: account.clone(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers.clone(),
        body: Vec::new(),
        body_truncated: false,
        status: None,
        fault: None,
        answer_dropped: false,
    };
    let response = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Err(_) => ApiError::too_large(BODY_LIMIT).into_response(),
        Ok(bytes) => {
            entry.body_truncated = bytes.len() > journal::BODY_LIMIT;
            entry.body = bytes[..bytes.len().min(journal::BODY_LIMIT)].to_vec();
            let fault = app
                .world()
                .faults
                .take(account.as_deref(), &entry.method, &entry.path);
            match fault {
                Some(fault) if fault.drop_after_processing => {
                    entry.fault = Some(fault.rule_id);
                    let request = Request::from_parts(parts, Body::from(bytes));
                    return process_then_drop(&app, entry, fault, next.run(request).await).await;
                }
                Some(fault) => {
                    entry.fault = Some(fault.rule_id);
                    if !fault.delay.is_zero() {
                        tokio::time::sleep(fault.delay).await;
                    }
                    fault_response(fault)
                }
                None => {
                    next.run(Request::from_parts(parts, Body::from(Bytes::clone(&bytes))))
                        .await
                }
            }
        }
    };
    let mut response = response;
    if response.extensions().get::<DropConnection>().is_none() {
        entry.status = Some(response.status().as_u16());
    }
    // A fault may script its own request id; keep it so clients can be tested against it.
    match response
        .headers()
        .get("x-request-id")
        .map(HeaderValue::to_str)
    {
        Some(Ok(scripted)) => entry.request_id = scripted.to_owned(),
        _ => {
            if let Ok(value) = HeaderValue::from_str(&entry.request_id) {
                response.headers_mut().insert("x-request-id", value);
            }
        }
    }
    app.world().journal.record(entry);
    // Any API call may change state (even a read bills a live lookup or settles a gate).
    app.mark_dirty();
    response
}

/// The `drop_after_processing` fault: the API has answered `processed` (its state changes
/// and billing are done); journal that answer as never delivered, wait the rule's delay, then
/// drop the connection. Journaling comes first so a client that gives up during the delay
/// still shows in the journal.
async fn process_then_drop(
    app: &AppState,
    mut entry: Entry,
    fault: crate::faults::FaultAction,
    processed: Response,
) -> Response {
    entry.status = Some(processed.status().as_u16());
    entry.answer_dropped = true;
    app.world().journal.record(entry);
    app.mark_dirty();
    drop(processed);
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    dropped_connection()
}

fn dropped_connection() -> Response {
    let mut response = StatusCode::BAD_GATEWAY.into_response();
    response.extensions_mut().insert(DropConnection);
    response
}

fn fault_response(fault: crate::faults::FaultAction) -> Response {
    if fault.drop_connection {
        return dropped_connection();
    }
    let mut response = (fault.status, axum::Json(fault.body)).into_response();
    for (name, value) in fault.headers {
        response.headers_mut().insert(name, value);
    }
    response
}

/// `{"data": value}`.
pub fn data(value: Value) -> Value {
    json!({ "data": value })
}

fn enterprise_missing(id: &str) -> ApiError {
    ApiError::not_found(format!("Enterprise '{id}' was not found."))
}

/// A live enterprise of the account, or 404.
pub fn enterprise_ref<'a>(acct: &'a Account, id: &str) -> Result<&'a Enterprise, ApiError> {
    acct.enterprise(id).ok_or_else(|| enterprise_missing(id))
}

/// A live enterprise of the account, mutably, or 404.
pub fn enterprise_mut<'a>(acct: &'a mut Account, id: &str) -> Result<&'a mut Enterprise, ApiError> {
    acct.enterprise_mut(id)
        .ok_or_else(|| enterprise_missing(id))
}

/// 404 for an enterprise whose Number Reputation is not enabled.
pub fn not_enabled(enterprise_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Number Reputation is not enabled for enterprise '{enterprise_id}'."
    ))
}

/// The reputation settings of an enterprise, or 404 when not enabled.
pub fn reputation_ref(enterprise: &Enterprise) -> Result<&Reputation, ApiError> {
    enterprise
        .reputation
        .as_ref()
        .ok_or_else(|| not_enabled(&enterprise.id))
}

/// 400 unless both approval gates read `approved`, naming the gate(s) still closed.
pub fn require_gates(enterprise: &Enterprise, action: &str) -> Result<(), ApiError> {
    let Some(rep) = &enterprise.reputation else {
        return Err(ApiError::bad_request(format!(
            "Number Reputation is not enabled for enterprise '{}'; enable it before you {action}.",
            enterprise.id
        )));
    };
    if rep.both_gates_approved() {
        return Ok(());
    }
    let mut closed = Vec::new();
    if rep.status.gate != crate::model::Gate::Approved {
        closed.push(format!(
            "reputation status is '{}'",
            rep.status.gate.as_str()
        ));
    }
    if rep.loa.gate != crate::model::Gate::Approved {
        closed.push(format!("loa_status is '{}'", rep.loa.gate.as_str()));
    }
    Err(ApiError::bad_request(format!(
        "Both approval gates must be approved before you {action}: {}.",
        closed.join(" and ")
    )))
}
