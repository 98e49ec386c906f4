//! The JSON API (`/api/v1/…`): the data the pages show, read through the same
//! [`query`](super::query) layer, and its OpenAPI document generated from these handlers
//! (`/api/v1/openapi.json`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::query::{
    self, AlertAction, AlertPage, AlertParams, AlertRow, ChangePage, ChangeParams, Fleet,
    NumberHistory, NumberPage, NumberParams, QueryError, RemediationPage, RemediationParams,
};
use super::{App, EnterpriseParam};
use crate::Store;

/// The body of `POST /api/v1/alerts/{id}/acknowledge`: an empty object (a JSON body, so
/// that a page of another site cannot send it).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AcknowledgeRequest {}

/// The body of `POST /api/v1/alerts/{id}/snooze`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SnoozeRequest {
    /// How long: `30m`, `4h`, `24h`, `7d`, … (at most 90 days).
    #[serde(rename = "for")]
    pub span: String,
}

/// What a failed API request answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// What was wrong (a bad parameter is named first, e.g. `risk: …`).
    pub error: String,
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "telnyx-reputation monitor dashboard API",
        description = "The monitor's store: the fleet, numbers, one number's history, changes, alerts (acknowledge, snooze) and remediation requests."
    ),
    paths(
        fleet,
        numbers,
        number,
        changes,
        alerts,
        acknowledge,
        snooze,
        remediations
    ),
    components(schemas(ApiError))
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}

pub(super) fn router() -> Router<App> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/fleet", get(fleet))
        .route("/api/v1/numbers", get(numbers))
        .route("/api/v1/numbers/{number}", get(number))
        .route("/api/v1/changes", get(changes))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/alerts/{id}/acknowledge", post(acknowledge))
        .route("/api/v1/alerts/{id}/snooze", post(snooze))
        .route("/api/v1/remediations", get(remediations))
}

fn failed(error: QueryError) -> Response {
    let (status, error) = match error {
        QueryError::Bad(bad) => (StatusCode::BAD_REQUEST, bad.0),
        QueryError::Store(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    (status, Json(ApiError { error })).into_response()
}

fn answer<T: Serialize>(result: Result<T, QueryError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => failed(e),
    }
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
        .into_response()
}

/// The fleet summary: numbers per risk level per enterprise and in total, numbers changed
/// in the last 24 h and 7 d, the last sync of each enterprise, this month's spend.
#[utoipa::path(get, path = "/api/v1/fleet", responses(
    (status = 200, description = "The fleet summary", body = Fleet),
    (status = 500, description = "The store failed", body = ApiError),
))]
async fn fleet(State(app): State<App>) -> Response {
    answer(
        query::fleet(&app.store, Utc::now(), app.budget)
            .await
            .map_err(Into::into),
    )
}

/// One page of the monitored numbers with their current state, filtered and sorted as the
/// parameters say; `next` is the `after` of the next page.
#[utoipa::path(get, path = "/api/v1/numbers", params(NumberParams), responses(
    (status = 200, description = "A page of numbers", body = NumberPage),
    (status = 400, description = "A bad parameter", body = ApiError),
    (status = 500, description = "The store failed", body = ApiError),
))]
async fn numbers(
    State(store): State<Store>,
    params: Result<Query<NumberParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = super::unreadable(params)?;
        let filter = params.filter(Utc::now())?;
        Ok(query::numbers(&store, &filter).await?)
    };
    answer(run.await)
}

/// Everything stored about one number, per enterprise monitoring it: readings, changes and
/// webhook events, oldest first.
#[utoipa::path(get, path = "/api/v1/numbers/{number}",
    params(("number" = String, Path, description = "The number, E.164"), EnterpriseParam),
    responses(
        (status = 200, description = "The number's history per enterprise", body = Vec<NumberHistory>),
        (status = 404, description = "The store never saw the number", body = ApiError),
        (status = 500, description = "The store failed", body = ApiError),
    ))]
async fn number(
    State(store): State<Store>,
    Path(number): Path<String>,
    Query(params): Query<EnterpriseParam>,
) -> Response {
    let enterprise = params.enterprise.filter(|e| !e.is_empty());
    match query::number(&store, &number, enterprise.as_deref()).await {
        Ok(histories) if histories.is_empty() => (
            StatusCode::NOT_FOUND,
            Json(ApiError {
                error: format!("the store has no reading of {number}"),
            }),
        )
            .into_response(),
        result => answer(result.map_err(Into::into)),
    }
}

/// One page of changes, newest first; `next` is the `before` of the next (older) page.
#[utoipa::path(get, path = "/api/v1/changes", params(ChangeParams), responses(
    (status = 200, description = "A page of changes", body = ChangePage),
    (status = 400, description = "A bad parameter", body = ApiError),
    (status = 500, description = "The store failed", body = ApiError),
))]
async fn changes(
    State(store): State<Store>,
    params: Result<Query<ChangeParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = super::unreadable(params)?;
        let filter = params.filter(Utc::now())?;
        Ok(query::changes(&store, &filter).await?)
    };
    answer(run.await)
}

/// One page of alerts, newest first, with the number of alerts per state; `next` is the
/// `before` of the next (older) page.
#[utoipa::path(get, path = "/api/v1/alerts", params(AlertParams), responses(
    (status = 200, description = "A page of alerts", body = AlertPage),
    (status = 400, description = "A bad parameter", body = ApiError),
    (status = 500, description = "The store failed", body = ApiError),
))]
async fn alerts(
    State(store): State<Store>,
    params: Result<Query<AlertParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = super::unreadable(params)?;
        let filter = params.filter()?;
        Ok(query::alerts(&store, &filter).await?)
    };
    answer(run.await)
}

fn acted(result: crate::Result<AlertAction>) -> Response {
    match result {
        Ok(AlertAction::Done(alert)) => Json(alert).into_response(),
        Ok(AlertAction::NotFound) => (
            StatusCode::NOT_FOUND,
            Json(ApiError {
                error: "no alert has this id".into(),
            }),
        )
            .into_response(),
        Ok(AlertAction::Resolved(_)) => (
            StatusCode::CONFLICT,
            Json(ApiError {
                error: "the alert resolved already: nothing to hold".into(),
            }),
        )
            .into_response(),
        Err(e) => failed(e.into()),
    }
}

/// Acknowledge an open (or pending) alert: no reminder is sent for it after. Who did it is
/// the request's basic-auth user, or `api`.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge",
    params(("id" = String, Path, description = "The alert's id")),
    request_body = AcknowledgeRequest,
    responses(
        (status = 200, description = "The alert, acknowledged", body = AlertRow),
        (status = 404, description = "No alert has this id", body = ApiError),
        (status = 409, description = "The alert resolved already", body = ApiError),
        (status = 500, description = "The store failed", body = ApiError),
    ))]
async fn acknowledge(
    State(store): State<Store>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(_): Json<AcknowledgeRequest>,
) -> Response {
    let who = super::actor(&headers, "api");
    acted(query::acknowledge(&store, &id, &who, Utc::now()).await)
}

/// Snooze an open (or pending) alert: no reminder is sent for it until the time given.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/snooze",
    params(("id" = String, Path, description = "The alert's id")),
    request_body = SnoozeRequest,
    responses(
        (status = 200, description = "The alert, snoozed", body = AlertRow),
        (status = 400, description = "A bad span", body = ApiError),
        (status = 404, description = "No alert has this id", body = ApiError),
        (status = 409, description = "The alert resolved already", body = ApiError),
        (status = 500, description = "The store failed", body = ApiError),
    ))]
async fn snooze(
    State(store): State<Store>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(request): Json<SnoozeRequest>,
) -> Response {
    let now = Utc::now();
    let until = match query::parse_snooze(&request.span, now) {
        Ok(until) => until,
        Err(bad) => return failed(QueryError::Bad(bad)),
    };
    let who = super::actor(&headers, "api");
    acted(query::snooze(&store, &id, &who, until).await)
}

/// One page of the followed remediation requests, newest first, each with its numbers'
/// outcomes and 1-, 7- and 30-day re-checks; `next` is the `before` of the next page.
#[utoipa::path(get, path = "/api/v1/remediations", params(RemediationParams), responses(
    (status = 200, description = "A page of remediation requests", body = RemediationPage),
    (status = 400, description = "A bad parameter", body = ApiError),
    (status = 500, description = "The store failed", body = ApiError),
))]
async fn remediations(
    State(store): State<Store>,
    params: Result<Query<RemediationParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let run = async {
        let params = super::unreadable(params)?;
        let filter = params.filter()?;
        Ok(query::remediations(&store, &filter).await?)
    };
    answer(run.await)
}
