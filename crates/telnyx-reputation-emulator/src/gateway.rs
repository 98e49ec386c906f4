//! The gateway middleware in front of the `/v2` API: it buffers the body (413 past
//! [`BODY_LIMIT`], 400 when it cannot be decoded), refuses undecodable paths, over-long API
//! keys and new accounts past the cap, applies a matching injected fault, stamps an
//! `x-request-id`, and records the exchange in the request journal (also when the client
//! leaves before the answer). Admin routes (`/_emulator`) pass straight through.

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Layer, Service};

use crate::accounts::World;
use crate::admin_guard::Policy;
use crate::error::{ApiError, ErrorItem, codes};
use crate::extract::{BODY_LIMIT, bearer_str};
use crate::faults::FaultAction;
use crate::journal::{Entry, Fingerprint};
use crate::state::AppState;

/// The answer header carrying the request id (a constant: no name parsed or copied per
/// request).
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Response extension asking the server loop to close the connection without answering
/// (the `drop_connection` and `drop_after_processing` faults). Routers used without the
/// emulator's server just see a 502.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// `router` behind the gateway: every route (and the fallback) is wrapped in
/// [`GatewayService`], which also applies the body limit to what the handlers extract.
pub fn wrap<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    app: AppState,
    policy: Arc<Policy>,
) -> Router<S> {
    router.layer(GatewayLayer(Arc::new(Gateway { app, policy })))
}

/// What the gateway needs: the state and the policy's limits (one `Arc`, one count per
/// request).
struct Gateway {
    app: AppState,
    policy: Arc<Policy>,
}

/// The [`Layer`] of [`GatewayService`].
#[derive(Clone)]
struct GatewayLayer(Arc<Gateway>);

impl<S> Layer<S> for GatewayLayer {
    type Service = GatewayService<<DefaultBodyLimit as Layer<S>>::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        GatewayService {
            gw: Arc::clone(&self.0),
            inner: DefaultBodyLimit::max(BODY_LIMIT).layer(inner),
        }
    }
}

/// The gateway in front of one route: a plain service rather than `middleware::from_fn`, so
/// a request costs one boxed future and no boxed copy of the route. A bodiless API request
/// (every GET) is checked without waiting, in one lock of the world (account cap, then the
/// fault rules), and handed to the route directly.
#[derive(Clone)]
struct GatewayService<S> {
    gw: Arc<Gateway>,
    inner: S,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> GatewayService<S>
where
    S: Clone,
{
    /// The ready inner service, leaving a clone in its place (the inner service is called
    /// later, from the future).
    fn take_inner(&mut self) -> S {
        let clone = self.inner.clone();
        std::mem::replace(&mut self.inner, clone)
    }
}

impl<S> Service<Request> for GatewayService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    /// Refuse undecodable paths, over-long keys and new accounts past the cap; buffer the
    /// body (413 past the limit, 400 when it cannot be decoded); apply a matching fault or run
    /// the API; stamp an `x-request-id`, and journal the exchange (also when the client leaves
    /// before the answer). Admin routes pass straight through and are not journaled.
    fn call(&mut self, req: Request) -> BoxFuture {
        let gw = Arc::clone(&self.gw);
        if !req.uri().path().starts_with("/v2") {
            let changes = req.method() != Method::GET;
            let answer = self.inner.call(req);
            return Box::pin(async move {
                let response = answer.await;
                if changes {
                    gw.app.mark_dirty();
                }
                response
            });
        }
        let (parts, body) = req.into_parts();
        let account = bearer_str(&parts.headers);
        let fingerprint = account.map(Fingerprint::of);
        let entry = Entry::new(
            // Version-4 shaped, from a fast thread-local generator rather than a getrandom
            // call per request: request ids need to be unique, not unpredictable.
            fastrand::u128(..),
            gw.app.now(),
            fingerprint,
            &parts,
        );
        let mut pending = Pending {
            gw: Arc::clone(&gw),
            entry: Some(entry),
        };
        if let Err(error) = check_path(parts.uri.path()) {
            let response = pending.finish(error.into_response());
            return Box::pin(std::future::ready(Ok(response)));
        }
        if !body.is_end_stream() {
            // A body to read first: the account is checked before, the faults after.
            let refused = check_account(&gw.policy, &gw.app.world(), account).err();
            let inner = self.take_inner();
            return Box::pin(async move {
                let response = match refused {
                    Some(error) => error.into_response(),
                    None => match axum::body::to_bytes(body, BODY_LIMIT).await {
                        Err(e) => body_error(&e).into_response(),
                        Ok(bytes) => {
                            if let Some(entry) = pending.entry.as_mut() {
                                entry.set_body(&bytes);
                            }
                            let fault = gw.app.world().faults.take(
                                fingerprint.as_ref().map(Fingerprint::as_str),
                                parts.method.as_str(),
                                parts.uri.path(),
                            );
                            match fault {
                                Some(fault) => {
                                    return Ok(
                                        apply_fault(pending, parts, bytes, fault, inner).await
                                    );
                                }
                                None => {
                                    let mut inner = inner;
                                    let request = Request::from_parts(parts, Body::from(bytes));
                                    inner.call(request).await?
                                }
                            }
                        }
                    },
                };
                Ok(pending.finish(response))
            });
        }
        // Nothing to read (every GET): the account check and the fault rules share one lock.
        let decided = {
            let mut world = gw.app.world();
            check_account(&gw.policy, &world, account).map(|()| {
                world.faults.take(
                    fingerprint.as_ref().map(Fingerprint::as_str),
                    parts.method.as_str(),
                    parts.uri.path(),
                )
            })
        };
        if let Some(entry) = pending.entry.as_mut() {
            entry.set_body(&[]);
        }
        match decided {
            Err(error) => {
                let response = pending.finish(error.into_response());
                Box::pin(std::future::ready(Ok(response)))
            }
            Ok(None) => {
                let answer = self.inner.call(Request::from_parts(parts, Body::empty()));
                Box::pin(async move {
                    let response = answer.await?;
                    Ok(pending.finish(response))
                })
            }
            Ok(Some(fault)) => {
                let inner = self.take_inner();
                Box::pin(async move {
                    Ok(apply_fault(pending, parts, Bytes::new(), fault, inner).await)
                })
            }
        }
    }
}

/// The journal entry of a request in progress. If the request future is dropped before the
/// answer (the client hung up, e.g. during a fault's `delay_ms`), the entry is still recorded,
/// marked `abandoned`, so a journal never hides a request that reached the emulator.
struct Pending {
    gw: Arc<Gateway>,
    entry: Option<Entry>,
}

impl Pending {
    /// Journal the answer (status, request id) and stamp its `x-request-id`.
    fn finish(mut self, mut response: Response) -> Response {
        let Some(mut entry) = self.entry.take() else {
            return response;
        };
        if response.extensions().get::<DropConnection>().is_none() {
            entry.status = Some(response.status().as_u16());
        }
        // A fault may script its own request id; keep it so clients can be tested against it.
        match response
            .headers()
            .get(&X_REQUEST_ID)
            .map(HeaderValue::to_str)
        {
            Some(Ok(scripted)) => entry.set_request_id(scripted),
            _ => {
                if let Some(value) = entry.request_id_header() {
                    response.headers_mut().insert(X_REQUEST_ID, value);
                }
            }
        }
        let app = &self.gw.app;
        app.journal().record(entry);
        // Any API call may change state (even a read bills a live lookup or settles a gate).
        app.mark_dirty();
        response
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.abandoned = true;
            entry.status = None;
            self.gw.app.journal().record(entry);
            self.gw.app.mark_dirty();
        }
    }
}

/// Answer with a matching fault: its status, body and headers after its delay, or a dropped
/// connection (`drop_connection`), or the API's answer processed then dropped
/// (`drop_after_processing`).
async fn apply_fault<S>(
    mut pending: Pending,
    parts: Parts,
    bytes: Bytes,
    fault: FaultAction,
    mut inner: S,
) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    if let Some(entry) = pending.entry.as_mut() {
        entry.fault = Some(fault.rule_id);
    }
    if fault.drop_after_processing {
        let request = Request::from_parts(parts, Body::from(bytes));
        let processed = match inner.call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        return match pending.entry.take() {
            Some(entry) => process_then_drop(&pending.gw.app, entry, fault, processed).await,
            None => dropped_connection(),
        };
    }
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    pending.finish(fault_response(fault))
}

/// 400 when a path segment's percent-escapes do not decode to UTF-8 (`/v2/enterprises/%FF`).
fn check_path(path: &str) -> Result<(), ApiError> {
    // Without an escape a segment decodes to itself, which is UTF-8 already (`path` is a str).
    if !path.contains('%') {
        return Ok(());
    }
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
fn check_account(policy: &Policy, world: &World, key: Option<&str>) -> Result<(), ApiError> {
    let Some(key) = key else { return Ok(()) };
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
    fault: FaultAction,
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

fn fault_response(fault: FaultAction) -> Response {
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
