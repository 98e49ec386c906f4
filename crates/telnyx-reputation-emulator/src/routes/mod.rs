//! The route table: the `/v2` API routes, the admin router under `/_emulator`, and the
//! Telnyx-shaped 404/405 fallbacks, all behind the gateway middleware (`gateway.rs`). One
//! module per API resource sits beside this file; the helpers they share with the admin API
//! are in `lookup.rs`.

pub mod documents;
pub mod enterprises;
pub mod numbers;
pub mod remediation;
pub mod reputation;
pub mod tos;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware;
use axum::routing::{get, patch, post};

use std::sync::Arc;

use crate::admin_guard::Policy;
use crate::error::{ApiError, ErrorItem, codes};
use crate::state::AppState;

/// The whole emulator as an axum router: `/v2/...`, `/_emulator/...` and the fallbacks, with
/// the default [`Policy`] (admin API for loopback hosts, no token).
pub fn router(state: AppState) -> Router {
    router_with(state, Policy::default())
}

/// The router with an explicit access and limits [`Policy`].
pub fn router_with(state: AppState, policy: Policy) -> Router {
    let policy = Arc::new(policy);
    // Routes carry their `/v2` prefix rather than sitting in a nested router: nesting would
    // rebuild every request's URI and add a routing level to every call.
    const E: &str = "/v2/enterprises/{enterprise_id}";
    let api = Router::new()
        .route(
            "/v2/enterprises",
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
        .route("/v2/reputation/numbers", get(numbers::list_account))
        .route(
            "/v2/reputation/numbers/{phone_number}",
            get(numbers::get_account).delete(numbers::remove_account),
        )
        .route("/v2/terms_of_service/info", get(tos::info))
        .route("/v2/terms_of_service/status", get(tos::status))
        .route("/v2/terms_of_service/agreements", get(tos::list_agreements))
        .route(
            "/v2/terms_of_service/agreements/{agreement_id}",
            get(tos::get_agreement),
        )
        .route(
            "/v2/terms_of_service/number_reputation/agree",
            post(tos::agree),
        )
        .route("/v2/documents", post(documents::upload))
        .method_not_allowed_fallback(method_not_allowed);
    let all = api
        .nest(
            "/_emulator",
            crate::admin::router(router).layer(middleware::from_fn_with_state(
                Arc::clone(&policy),
                crate::admin_guard::admin_guard,
            )),
        )
        .fallback(not_found);
    crate::gateway::wrap(all, state.clone(), policy).with_state(state)
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
