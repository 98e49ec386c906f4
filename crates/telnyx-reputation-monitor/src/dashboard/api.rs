//! The JSON API (`/api/v1/…`): the data the pages show, read through the same
//! [`query`](super::query) layer, and its OpenAPI document generated from these handlers
//! (`/api/v1/openapi.json`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::EnterpriseParam;
use super::query::{
    self, ChangePage, ChangeParams, Fleet, NumberHistory, NumberPage, NumberParams, QueryError,
};
use crate::Store;

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
        description = "The monitor's store, read-only: the fleet, numbers, one number's history, changes."
    ),
    paths(fleet, numbers, number, changes),
    components(schemas(ApiError))
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}

pub(super) fn router() -> Router<Store> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/fleet", get(fleet))
        .route("/api/v1/numbers", get(numbers))
        .route("/api/v1/numbers/{number}", get(number))
        .route("/api/v1/changes", get(changes))
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
async fn fleet(State(store): State<Store>) -> Response {
    answer(query::fleet(&store, Utc::now()).await.map_err(Into::into))
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
