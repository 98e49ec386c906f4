//! Webhook delivery: one task per queued event POSTs it, signed, with backoff, logging every
//! attempt in the world's delivery log (the events themselves are built in `webhooks.rs`).

use chrono::Utc;

use crate::state::AppState;
use crate::webhooks::{Attempt, Event, RETRY_DELAYS};

/// Deliver one event (tracked as in flight until it is done, so a restart resumes it).
pub async fn deliver(app: AppState, client: reqwest::Client, event: Event) {
    attempt_all(&app, &client, &event).await;
    let mut world = app.world();
    if let Some(i) = world
        .deliveries
        .in_flight
        .iter()
        .position(|e| e.id == event.id && e.url == event.url)
    {
        world.deliveries.in_flight.remove(i);
    }
    drop(world);
    app.mark_dirty();
}

/// Attempts with backoff until a 2xx or the attempt limit, each logged.
async fn attempt_all(app: &AppState, client: &reqwest::Client, event: &Event) {
    let settings = app.webhooks();
    for attempt in 1..=(RETRY_DELAYS.len() as u32 + 1) {
        let body = event.envelope(attempt).to_string();
        let unix = Utc::now().timestamp();
        let mut log = Attempt {
            event_id: event.id.clone(),
            event_type: event.event_type.clone(),
            url: event.url.clone(),
            attempt,
            status: None,
            error: None,
            at: app.now_of(&event.account),
            timestamp: unix,
            account: event.account.clone(),
        };
        if let Some(refused) = settings.refuse(&event.url) {
            log.error = Some(refused);
            app.world().deliveries.record(log);
            app.mark_dirty();
            return;
        }
        let signature = settings.sign(unix, body.as_bytes());
        let sent = client
            .post(&event.url)
            .header("content-type", "application/json")
            .header("telnyx-signature-ed25519", signature)
            .header("telnyx-timestamp", unix.to_string())
            .body(body)
            .send()
            .await;
        let delivered = match sent {
            Ok(response) => {
                log.status = Some(response.status().as_u16());
                response.status().is_success()
            }
            Err(e) => {
                log.error = Some(format!("connection failed: {e}"));
                false
            }
        };
        app.world().deliveries.record(log);
        app.mark_dirty();
        if delivered {
            return;
        }
        if let Some(wait) = RETRY_DELAYS.get(attempt as usize - 1) {
            tokio::time::sleep(*wait).await;
        }
    }
}
