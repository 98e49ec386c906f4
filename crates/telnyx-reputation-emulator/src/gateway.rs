//! The gateway middleware in front of the `/v2` API: it buffers the body (413 past
//! [`BODY_LIMIT`], 400 when it cannot be decoded), refuses undecodable paths, over-long API
//! keys and new accounts past the cap, applies a matching injected fault, stamps an
//! `x-request-id`, and records the exchange in the request journal (also when the client
//! leaves before the answer). Admin routes (`/_emulator`) pass straight through.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use crate::admin_guard::Policy;
use crate::error::{ApiError, ErrorItem, codes};
use crate::extract::bearer_str;
use crate::journal::{self, Entry};
use crate::state::AppState;

/// Largest request body accepted (10 MiB); larger bodies get a Telnyx-shaped 413.
pub const BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Response extension asking the server loop to close the connection without answering
/// (the `drop_connection` and `drop_after_processing` faults). Routers used without the
/// emulator's server just see a 502.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// `router` behind the gateway: the body limit and the [`gateway`] middleware.
pub fn wrap<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    app: AppState,
    policy: Arc<Policy>,
) -> Router<S> {
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            Gateway { app, policy },
            gateway,
        ))
}

/// What the gateway middleware needs: the state and the policy's limits.
#[derive(Clone)]
struct Gateway {
    app: AppState,
    policy: Arc<Policy>,
}

/// The journal entry of a request in progress. If the request future is dropped before the
/// answer (the client hung up, e.g. during a fault's `delay_ms`), the entry is still recorded,
/// marked `abandoned`, so a journal never hides a request that reached the emulator.
struct Pending {
    app: AppState,
    entry: Option<Entry>,
}

impl Pending {
    fn entry(&mut self) -> Option<&mut Entry> {
        self.entry.as_mut()
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.abandoned = true;
            entry.status = None;
            self.app.journal().record(entry);
            self.app.mark_dirty();
        }
    }
}

/// 400 when a path segment's percent-escapes do not decode to UTF-8 (`/v2/enterprises/%FF`).
fn check_path(path: &str) -> Result<(), ApiError> {
    for (index, segment) in path.split('/').enumerate().skip(1) {
        if percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .is_err()
        {
            return Err(ApiError::one(
                StatusCode::BAD_REQUEST,
                ErrorItem::new(
                    codes::BAD_REQUEST,
                    "Bad Request",
                    format!(
                        "Path segment {index} ('{segment}') is not valid UTF-8 once its percent-escapes are decoded."
                    ),
                )
                .param("path"),
            ));
        }
    }
    Ok(())
}

/// Refuse what would let one client grow memory without bound: over-long keys and new
/// accounts past the cap.
fn check_account(gw: &Gateway, key: Option<&str>) -> Result<(), ApiError> {
    let Some(key) = key else { return Ok(()) };
    let policy = &gw.policy;
    if key.len() > policy.max_key_len {
        return Err(ApiError::one(
            StatusCode::UNAUTHORIZED,
            ErrorItem::new(
                codes::AUTHENTICATION,
                "Authentication failed",
                format!(
                    "The API key is {} bytes long; the emulator accepts keys of at most {} bytes.",
                    key.len(),
                    policy.max_key_len
                ),
            ),
        ));
    }
    let world = gw.app.world();
    if world.accounts.len() >= policy.max_accounts && !world.accounts.contains_key(key) {
        return Err(ApiError::one(
            StatusCode::FORBIDDEN,
            ErrorItem::new(
                codes::AUTHORIZATION,
                "Account limit reached",
                format!(
                    "The emulator already holds {} accounts (--max-accounts {}); forget one with POST /_emulator/reset?api_key=... (or all with POST /_emulator/reset) before using a new API key.",
                    world.accounts.len(),
                    policy.max_accounts
                ),
            ),
        ));
    }
    Ok(())
}

/// Buffer the body (413 past the limit, 400 when it cannot be decoded), apply a matching
/// fault, run the API, stamp an `x-request-id`, and journal the exchange (also when the
/// client leaves before the answer). Admin routes pass straight through and are not journaled.
async fn gateway(State(gw): State<Gateway>, req: Request, next: Next) -> Response {
    let app = &gw.app;
    let (parts, body) = req.into_parts();
    if !parts.uri.path().starts_with("/v2") {
        let changes = parts.method != Method::GET;
        let response = next.run(Request::from_parts(parts, body)).await;
        if changes {
            app.mark_dirty();
        }
        return response;
    }
    let account = bearer_str(&parts.headers);
    let fingerprint = account.map(journal::Fingerprint::of);
    let mut pending = Pending {
        app: app.clone(),
        entry: Some(Entry::new(
            // Version-4 shaped, from a fast thread-local generator rather than a getrandom
            // call per request: request ids need to be unique, not unpredictable.
            fastrand::u128(..),
            app.now(),
            fingerprint,
            &parts,
        )),
    };
    let refused = check_path(parts.uri.path())
        .and_then(|()| check_account(&gw, account))
        .err();
    let response = match refused {
        Some(error) => error.into_response(),
        None => match axum::body::to_bytes(body, BODY_LIMIT).await {
            Err(e) => body_error(&e).into_response(),
            Ok(bytes) => {
                if let Some(entry) = pending.entry() {
                    entry.set_body(&bytes);
                }
                let method = parts.method.as_str();
                let fault = app.world().faults.take(
                    fingerprint.as_ref().map(journal::Fingerprint::as_str),
                    method,
                    parts.uri.path(),
                );
                match fault {
                    Some(fault) if fault.drop_after_processing => {
                        if let Some(entry) = pending.entry() {
                            entry.fault = Some(fault.rule_id);
                        }
                        let request = Request::from_parts(parts, Body::from(bytes));
                        let processed = next.run(request).await;
                        return match pending.entry.take() {
                            Some(entry) => process_then_drop(app, entry, fault, processed).await,
                            None => dropped_connection(),
                        };
                    }
                    Some(fault) => {
                        if let Some(entry) = pending.entry() {
                            entry.fault = Some(fault.rule_id);
                        }
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
        },
    };
    let Some(mut entry) = pending.entry.take() else {
        return response;
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
        Some(Ok(scripted)) => entry.set_request_id(scripted),
        _ => {
            if let Some(value) = entry.request_id_header() {
                response.headers_mut().insert("x-request-id", value);
            }
        }
    }
    app.journal().record(entry);
    // Any API call may change state (even a read bills a live lookup or settles a gate).
    app.mark_dirty();
    response
}

/// 413 when the body passed the limit; 400 when hyper could not decode it (an invalid chunk
/// size, a connection closed mid-body).
fn body_error(error: &axum::Error) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(hyper_error) = e.downcast_ref::<hyper::Error>() {
            return ApiError::one(
                StatusCode::BAD_REQUEST,
                ErrorItem::new(
                    codes::BAD_REQUEST,
                    "Bad Request",
                    format!("The request body could not be read: {hyper_error}."),
                ),
            );
        }
        source = e.source();
    }
    ApiError::too_large(BODY_LIMIT)
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
    app.journal().record(entry);
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
    let mut response = if crate::faults::is_bodyless(fault.status) {
        fault.status.into_response()
    } else {
        (fault.status, axum::Json(fault.body)).into_response()
    };
    for (name, value) in fault.headers {
        response.headers_mut().insert(name, value);
    }
    response
}
