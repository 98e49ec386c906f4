//! The webhook receiver: an axum service that verifies every delivery with the facade's
//! `webhooks::verify` (Ed25519 over `timestamp|body`, 300 s), answers 2xx only to verified
//! ones (400 for a malformed request, 401 for a bad signature or stale timestamp; nothing is
//! stored then), records each event once by `data.id`, and optionally forwards the verified
//! raw request to a local URL through the store's outbox: the forward is written in the
//! transaction that records the event, the sender is answered 2xx, and a background worker
//! delivers it with retries and backoff, carrying the `data.id` in
//! [`EVENT_ID_HEADER`](crate::outbox::EVENT_ID_HEADER) (once per `data.id`: a redelivery is
//! not forwarded again). Forwards that could not be delivered stay in the outbox
//! (`monitor outbox`), are retried after a restart, and failed ones can be put back with
//! [`Store::requeue_failed`]. Printing is the caller's, through [`Receiver::on_event`] and
//! [`Receiver::on_forward`].

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use telnyx_reputation::webhooks::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookEvent};

use crate::error::Result;
use crate::model::StoredEvent;
use crate::outbox::{self, DeliverOptions, NewOutboxItem, OutboxItem, OutboxKind};
use crate::store::Store;

/// What happened to one verified delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The event as stored.
    pub event: StoredEvent,
    /// `false` for a redelivery of an event already stored.
    pub new: bool,
    /// `true` when a forward of it was queued in the outbox (new events, when forwarding).
    pub forward_queued: bool,
}

/// Called for every verified delivery.
pub type OnEvent = Arc<dyn Fn(&Received) + Send + Sync>;

/// Called for every forward attempt, delivered (`state` done) or not.
pub type OnForward = Arc<dyn Fn(&OutboxItem) + Send + Sync>;

/// Why a delivery was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RejectReason {
    /// The signature does not verify with the configured public key (401): a forged
    /// delivery, or `listen` configured with another account's key.
    BadSignature,
    /// The signature verifies but the timestamp is outside the 300 s tolerance (401): a
    /// replay, or a clock that is off.
    StaleTimestamp,
    /// Headers or body not a delivery (400): missing or repeated signature headers, a body
    /// that is not a JSON event.
    Malformed,
    /// Verified, but the store could not record it (500; the sender delivers it again).
    StoreFailed,
}

impl RejectReason {
    /// A short name, e.g. `bad signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::BadSignature => "bad signature",
            RejectReason::StaleTimestamp => "stale timestamp",
            RejectReason::Malformed => "malformed",
            RejectReason::StoreFailed => "store failed",
        }
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One refused delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Why, as a class.
    pub reason: RejectReason,
    /// The HTTP status answered.
    pub status: u16,
    /// Why, in words (e.g. `the timestamp is 412 s old (tolerance 300 s)`).
    pub message: String,
}

/// Called for every refused delivery.
pub type OnReject = Arc<dyn Fn(&Rejection) + Send + Sync>;

/// Rate-limited reporting of rejections: at most one line per reason per window, the next
/// line of a reason saying how many of it were not shown; every rejection is counted for
/// [`RejectLog::summary`]. A receiver flooded with forged deliveries writes a line per
/// reason per window, not one per request.
#[derive(Debug)]
pub struct RejectLog {
    window: std::time::Duration,
    state: std::sync::Mutex<std::collections::BTreeMap<RejectReason, ReasonState>>,
}

#[derive(Debug, Default)]
struct ReasonState {
    last_shown: Option<std::time::Instant>,
    suppressed: u64,
    total: u64,
}

impl RejectLog {
    /// A log showing at most one line per reason per `window`.
    pub fn new(window: std::time::Duration) -> Self {
        Self {
            window,
            state: std::sync::Mutex::default(),
        }
    }

    /// Count `rejection` at `now`; the line to show, unless its reason already had one
    /// within the window.
    pub fn note(&self, rejection: &Rejection, now: std::time::Instant) -> Option<String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let entry = state.entry(rejection.reason).or_default();
        entry.total += 1;
        if entry
            .last_shown
            .is_some_and(|last| now.duration_since(last) < self.window)
        {
            entry.suppressed += 1;
            return None;
        }
        let mut line = format!(
            "rejected ({}, {}): {}",
            rejection.reason, rejection.status, rejection.message
        );
        if entry.suppressed > 0 {
            line.push_str(&format!(
                " [and {} more {} rejection(s) not shown since the last line]",
                entry.suppressed, rejection.reason
            ));
        }
        entry.last_shown = Some(now);
        entry.suppressed = 0;
        Some(line)
    }

    /// Rejections counted per reason, e.g. `3 rejected: 2 bad signature, 1 malformed`
    /// (`0 rejected` when none).
    pub fn summary(&self) -> String {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let total: u64 = state.values().map(|s| s.total).sum();
        let parts: Vec<String> = state
            .iter()
            .map(|(reason, s)| format!("{} {reason}", s.total))
            .collect();
        if parts.is_empty() {
            "0 rejected".to_owned()
        } else {
            format!("{total} rejected: {}", parts.join(", "))
        }
    }

    /// How many rejections of `reason` were counted.
    pub fn count(&self, reason: RejectReason) -> u64 {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.get(&reason).map_or(0, |s| s.total)
    }
}

/// How [`Receiver::serve_with`] treats connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// Close a connection whose request head is not complete this long after it started
    /// (default 10 s, as the emulator's `--header-read-timeout`).
    pub header_read_timeout: std::time::Duration,
    /// Most connections served at once (default 256); past it new connections wait in the
    /// listen backlog until one closes.
    pub max_connections: usize,
    /// At shutdown, how long in-flight requests may take to finish (default 10 s).
    pub grace: std::time::Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: std::time::Duration::from_secs(10),
            max_connections: 256,
            grace: std::time::Duration::from_secs(10),
        }
    }
}

/// A receiver's configuration and state.
#[derive(Clone)]
pub struct Receiver {
    store: Store,
    public_key: String,
    forward_to: Option<String>,
    on_event: OnEvent,
    on_forward: OnForward,
    wake: Arc<tokio::sync::Notify>,
    on_reject: OnReject,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("forward_to", &self.forward_to)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver recording into `store` and verifying with the base64 Ed25519 `public_key`
    /// (checked now, so a bad key fails at start rather than on every delivery).
    pub fn new(store: Store, public_key: impl Into<String>) -> Result<Self> {
        let public_key = public_key.into();
        check_key(&public_key)?;
        Ok(Self {
            store,
            public_key,
            forward_to: None,
            on_event: Arc::new(|_| {}),
            on_forward: Arc::new(|_| {}),
            wake: Arc::new(tokio::sync::Notify::new()),
            on_reject: Arc::new(|_| {}),
        })
    }

    /// Forward each verified raw request (body and signature headers) to `url`, through
    /// the outbox (see the module docs).
    pub fn forward_to(mut self, url: impl Into<String>) -> Self {
        self.forward_to = Some(url.into());
        self
    }

    /// Call `f` for every verified delivery (e.g. to print it).
    pub fn on_event(mut self, f: impl Fn(&Received) + Send + Sync + 'static) -> Self {
        self.on_event = Arc::new(f);
        self
    }

    /// Call `f` after every forward attempt (e.g. to print it).
    pub fn on_forward(mut self, f: impl Fn(&OutboxItem) + Send + Sync + 'static) -> Self {
        self.on_forward = Arc::new(f);
        self
    }

    /// Call `f` for every refused delivery, with why (e.g. to log it through a
    /// [`RejectLog`]).
    pub fn on_reject(mut self, f: impl Fn(&Rejection) + Send + Sync + 'static) -> Self {
        self.on_reject = Arc::new(f);
        self
    }

    /// The axum router: `POST` on any path receives a delivery. Forwards are only queued
    /// by it; [`Receiver::serve`] also runs the worker that delivers them.
    pub fn router(self) -> Router {
        Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(Arc::new(self))
    }

    /// Serve on `listener` with the default [`ServeOptions`] until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.serve_with(listener, ServeOptions::default(), shutdown)
            .await
    }

    /// [`Receiver::serve`] with `options`; while forwarding, a worker delivers the outbox's
    /// forwards (those left by an earlier run first), woken by each new one and every second
    /// for retries that came due.
    pub async fn serve_with(
        self,
        listener: tokio::net::TcpListener,
        options: ServeOptions,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let worker = self.forward_to.is_some().then(|| {
            let (store, wake, on_forward) = (
                self.store.clone(),
                self.wake.clone(),
                self.on_forward.clone(),
            );
            tokio::spawn(forward_worker(store, wake, on_forward))
        });
        let served = self.serve_http(listener, options, shutdown).await;
        if let Some(worker) = worker {
            worker.abort();
        }
        served
    }

    /// Serve on `listener` until `shutdown` resolves: HTTP/1.1 through hyper (as the
    /// emulator's server), each connection closed when its request head is not complete
    /// within `options.header_read_timeout`, at most `options.max_connections` at once. At
    /// shutdown it stops accepting, lets requests in flight finish (up to `options.grace`),
    /// and returns.
    async fn serve_http(
        self,
        listener: tokio::net::TcpListener,
        options: ServeOptions,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        serve_router(self.router(), listener, options, shutdown).await
    }

    /// Start the worker delivering the outbox's forwards (when forwarding), as
    /// [`Receiver::serve_with`] does; the caller aborts it when it stops serving.
    pub(crate) fn spawn_forward_worker(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.forward_to.is_some().then(|| {
            tokio::spawn(forward_worker(
                self.store.clone(),
                self.wake.clone(),
                self.on_forward.clone(),
            ))
        })
    }
}

/// Serve `app` on `listener` as [`Receiver::serve_with`] serves the receiver (HTTP/1.1
/// through hyper, header-read timeout, connection cap, graceful stop).
pub(crate) async fn serve_router(
    app: Router,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    {
        use hyper_util::rt::{TokioIo, TokioTimer};
        use tower::ServiceExt;

        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(options.header_read_timeout);
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let slot = tokio::select! {
                slot = Arc::clone(&slots).acquire_owned() => slot.map_err(std::io::Error::other)?,
                () = &mut shutdown => break,
            };
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut shutdown => break,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                // Transient (e.g. too many open files): back off briefly and keep serving.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let app = app.clone();
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    app.clone().oneshot(request.map(axum::body::Body::new))
                },
            );
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let watched = graceful.watch(connection);
            tokio::spawn(async move {
                // A client that goes away or times out ends only its own connection.
                let _ = watched.await;
                drop(slot);
            });
        }
        drop(listener);
        let _ = tokio::time::timeout(options.grace, graceful.shutdown()).await;
        Ok(())
    }
}

fn check_key(public_key: &str) -> Result<()> {
    // A syntactically valid delivery with no signature: the only failure that can come
    // back before the headers are looked at is the key's.
    match webhooks::verify(b"", std::iter::empty::<(&str, &str)>(), public_key) {
        Err(e) if e.to_string().contains("public key") => Err(e.into()),
        _ => Ok(()),
    }
}

/// Deliver due forwards, one delivery at a time (so no row is sent by two at once).
async fn forward_worker(store: Store, wake: Arc<tokio::sync::Notify>, on_forward: OnForward) {
    let options = DeliverOptions {
        kinds: vec![OutboxKind::Forward],
        ..DeliverOptions::default()
    };
    loop {
        if let Ok(report) = outbox::deliver(&store, None, &options).await {
            for item in report.delivered.iter().chain(&report.failed) {
                on_forward(item);
            }
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), wake.notified()).await;
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reject = |reason: RejectReason, status: StatusCode, message: &str| {
        (receiver.on_reject)(&Rejection {
            reason,
            status: status.as_u16(),
            message: message.to_owned(),
        });
        reject(status, message)
    };
    for name in [SIGNATURE_HEADER, TIMESTAMP_HEADER] {
        if !headers.contains_key(name) {
            return reject(
                RejectReason::Malformed,
                StatusCode::BAD_REQUEST,
                &format!("missing {name} header"),
            );
        }
    }
    let pairs = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)));
    let event = match webhooks::verify(&body, pairs, &receiver.public_key) {
        Ok(event) => event,
        Err(e) => {
            // The signature is checked before the body is parsed: a body that fails to parse
            // was signed, so it is malformed rather than forged.
            let message = e.to_string();
            let (reason, status) = classify(&message);
            return reject(reason, status, &message);
        }
    };
    let Some(stored) = stored_event(&event, Utc::now()) else {
        return reject(
            RejectReason::Malformed,
            StatusCode::BAD_REQUEST,
            "the event has no data.id or data.event_type",
        );
    };
    let text = String::from_utf8_lossy(&body);
    let forward: Vec<NewOutboxItem> = receiver
        .forward_to
        .iter()
        .map(|url| forward_item(url, &headers, &stored, &text))
        .collect();
    let new = match receiver
        .store
        .record_event_with(&stored, &text, &forward)
        .await
    {
        Ok(new) => new,
        // Not 2xx, so the sender delivers again later.
        Err(e) => {
            return reject(
                RejectReason::StoreFailed,
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot record the event: {}", receiver.store.named(e)),
            );
        }
    };
    let forward_queued = new && !forward.is_empty();
    if forward_queued {
        receiver.wake.notify_one();
    }
    (receiver.on_event)(&Received {
        event: stored,
        new,
        forward_queued,
    });
    let status = if new { "recorded" } else { "duplicate" };
    (
        StatusCode::OK,
        axum::Json(serde_json::json!({ "status": status })),
    )
        .into_response()
}

/// The class and status of a verification failure, from the facade's message: the
/// signature is checked first, then the timestamp, then the body (a body that fails to
/// parse was signed, so it is malformed rather than forged).
fn classify(message: &str) -> (RejectReason, StatusCode) {
    if message.contains("signature does not match") {
        (RejectReason::BadSignature, StatusCode::UNAUTHORIZED)
    } else if message.contains("the timestamp is") {
        (RejectReason::StaleTimestamp, StatusCode::UNAUTHORIZED)
    } else if message.contains("not JSON") || message.contains("malformed") {
        (RejectReason::Malformed, StatusCode::BAD_REQUEST)
    } else {
        // Undecodable or repeated signature headers, an unparsable timestamp: not a
        // delivery that could verify, refused as unauthenticated.
        (RejectReason::Malformed, StatusCode::UNAUTHORIZED)
    }
}

fn reject(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// The outbox row forwarding a verified delivery (body and signature headers) to `url`:
/// one per `data.id` and target.
fn forward_item(url: &str, headers: &HeaderMap, event: &StoredEvent, body: &str) -> NewOutboxItem {
    let kept: Vec<(String, String)> = [
        SIGNATURE_HEADER,
        TIMESTAMP_HEADER,
        "content-type",
        "user-agent",
    ]
    .into_iter()
    .filter_map(|name| {
        let value = headers.get(name)?.to_str().ok()?;
        Some((name.to_owned(), value.to_owned()))
    })
    .collect();
    NewOutboxItem {
        kind: OutboxKind::Forward,
        idempotency_key: format!("forward|{}|{url}", event.event_id),
        enterprise_id: event.enterprise_id.clone(),
        rule: None,
        target: url.to_owned(),
        payload: serde_json::json!({
            "event_id": event.event_id,
            "headers": kept,
            "body": body,
        }),
    }
}

/// The row of a verified event, received at `now`.
pub fn stored_event(event: &WebhookEvent, now: DateTime<Utc>) -> Option<StoredEvent> {
    let base = |id: &str, kind: &str| StoredEvent {
        event_id: id.to_owned(),
        event_type: kind.to_owned(),
        enterprise_id: None,
        phone_number: None,
        occurred_at: None,
        received_at: now,
        flag_reason: None,
        confirm_by: None,
    };
    Some(match event {
        WebhookEvent::NumberFlagged(e) => StoredEvent {
            enterprise_id: Some(e.enterprise_id.clone()),
            phone_number: Some(e.phone_number.clone()),
            occurred_at: Some(e.delivery.occurred_at),
            flag_reason: Some(e.flag_reason.clone()),
            confirm_by: Some(e.confirm_by),
            ..base(&e.delivery.event_id, "number_reputation.number.flagged")
        },
        WebhookEvent::NumberRemoved(e) => StoredEvent {
            enterprise_id: Some(e.enterprise_id.clone()),
            phone_number: Some(e.phone_number.clone()),
            occurred_at: Some(e.delivery.occurred_at),
            ..base(&e.delivery.event_id, "number_reputation.number.removed")
        },
        WebhookEvent::ExternalVerificationStatusChanged(e) => StoredEvent {
            enterprise_id: Some(e.enterprise_id.clone()),
            occurred_at: Some(e.delivery.occurred_at),
            ..base(
                &e.delivery.event_id,
                "number_reputation.external_verification.status_changed",
            )
        },
        WebhookEvent::Unknown(value) => {
            let text = |pointer: &str| value.pointer(pointer).and_then(serde_json::Value::as_str);
            StoredEvent {
                enterprise_id: text("/data/payload/enterprise_id").map(Into::into),
                phone_number: text("/data/payload/phone_number").map(Into::into),
                occurred_at: text("/data/occurred_at").and_then(|t| t.parse().ok()),
                ..base(text("/data/id")?, text("/data/event_type")?)
            }
        }
        _ => return None,
    })
}
