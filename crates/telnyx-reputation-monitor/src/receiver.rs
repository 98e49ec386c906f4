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

/// A receiver's configuration and state.
#[derive(Clone)]
pub struct Receiver {
    store: Store,
    public_key: String,
    forward_to: Option<String>,
    on_event: OnEvent,
    on_forward: OnForward,
    wake: Arc<tokio::sync::Notify>,
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

    /// The axum router: `POST` on any path receives a delivery. Forwards are only queued
    /// by it; [`Receiver::serve`] also runs the worker that delivers them.
    pub fn router(self) -> Router {
        Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(Arc::new(self))
    }

    /// Serve on `listener` until `shutdown` resolves; while forwarding, a worker delivers
    /// the outbox's forwards (those left by an earlier run first), woken by each new one
    /// and every second for retries that came due.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
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
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(worker) = worker {
            worker.abort();
        }
        served
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

fn check_key(public_key: &str) -> Result<()> {
    // A syntactically valid delivery with no signature: the only failure that can come
    // back before the headers are looked at is the key's.
    match webhooks::verify(b"", std::iter::empty::<(&str, &str)>(), public_key) {
        Err(e) if e.to_string().contains("public key") => Err(e.into()),
        _ => Ok(()),
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    for name in [SIGNATURE_HEADER, TIMESTAMP_HEADER] {
        if !headers.contains_key(name) {
            return reject(StatusCode::BAD_REQUEST, &format!("missing {name} header"));
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
            let status = if message.contains("not JSON") || message.contains("malformed") {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNAUTHORIZED
            };
            return reject(status, &message);
        }
    };
    let Some(stored) = stored_event(&event, Utc::now()) else {
        return reject(
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
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot record the event: {e}"),
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
