//! `/metrics`: the store's figures in the Prometheus text format (prometheus-client), read
//! from the store at each scrape, so every process serving the dashboard over one store
//! exports the same numbers. Counters (`_total`) are counts of rows that only grow
//! (changes, syncs, fresh reads, verified webhook deliveries); gauges are states (numbers
//! per risk, outbox items per state, last sync time, this month's spend).

use std::sync::atomic::AtomicU64;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::query::{self, MetricsData};
use crate::Store;

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Vec<(&'static str, String)>;

/// The text exposition of `data`.
pub fn render(data: &MetricsData) -> String {
    let mut registry = Registry::with_prefix("telnyx_reputation");
    let numbers = Family::<Labels, Gauge>::default();
    for (enterprise, risk, n) in &data.numbers {
        numbers
            .get_or_create(&vec![
                ("enterprise", enterprise.clone()),
                ("risk", risk.clone()),
            ])
            .set(i64::try_from(*n).unwrap_or(i64::MAX));
    }
    registry.register(
        "numbers",
        "Numbers monitored now, by enterprise and current spam risk (none: no data)",
        numbers,
    );
    let changes = Family::<Labels, Counter>::default();
    for (enterprise, kind, n) in &data.changes {
        changes
            .get_or_create(&vec![
                ("enterprise", enterprise.clone()),
                ("kind", kind.clone()),
            ])
            .inc_by(*n);
    }
    registry.register(
        "changes",
        "Changes recorded by the syncs, by enterprise and kind",
        changes,
    );
    let syncs = Family::<Labels, Counter>::default();
    let fresh = Family::<Labels, Counter>::default();
    let last = Family::<Labels, Gauge<f64, AtomicU64>>::default();
    for (enterprise, count, fresh_reads, at) in &data.syncs {
        let labels = vec![("enterprise", enterprise.clone())];
        syncs.get_or_create(&labels).inc_by(*count);
        fresh.get_or_create(&labels).inc_by(*fresh_reads);
        last.get_or_create(&labels)
            .set(at.timestamp_micros() as f64 / 1e6);
    }
    registry.register("syncs", "Syncs recorded, by enterprise", syncs);
    registry.register(
        "fresh_reads",
        "Billable fresh reads the syncs made, by enterprise",
        fresh,
    );
    registry.register_with_unit(
        "last_sync_timestamp",
        "When the last recorded sync of each enterprise ran (Unix time)",
        Unit::Seconds,
        last,
    );
    let webhooks = Family::<Labels, Counter>::default();
    for (event_type, n) in &data.webhooks {
        webhooks
            .get_or_create(&vec![("event_type", event_type.clone())])
            .inc_by(*n);
    }
    registry.register(
        "webhook_deliveries_verified",
        "Verified webhook deliveries stored (each event once), by event type",
        webhooks,
    );
    let outbox = Family::<Labels, Gauge>::default();
    for (kind, state, n) in &data.outbox {
        outbox
            .get_or_create(&vec![("kind", kind.clone()), ("state", state.clone())])
            .set(i64::try_from(*n).unwrap_or(i64::MAX));
    }
    registry.register(
        "outbox_items",
        "Outbox items (notifications, remediations, forwards) by kind and state",
        outbox,
    );
    let spend = Family::<Labels, Gauge<f64, AtomicU64>>::default();
    for (enterprise, dollars) in &data.spend {
        spend
            .get_or_create(&vec![("enterprise", enterprise.clone())])
            .set(*dollars);
    }
    registry.register_with_unit(
        "spend_this_month",
        "This calendar month's measured spend (checks, remediations, monthly fee) at the published prices, by enterprise",
        Unit::Other("usd".into()),
        spend,
    );
    let alerts = Family::<Labels, Gauge>::default();
    for (enterprise, state, n) in &data.alerts {
        alerts
            .get_or_create(&vec![
                ("enterprise", enterprise.clone()),
                ("state", state.clone()),
            ])
            .set(i64::try_from(*n).unwrap_or(i64::MAX));
    }
    registry.register(
        "alerts",
        "Live alerts by enterprise and state (open, pending)",
        alerts,
    );
    let mut text = String::new();
    encode(&mut text, &registry).expect("writing to a String cannot fail");
    text
}

pub(super) async fn handler(State(store): State<Store>) -> Response {
    match query::metrics(&store, Utc::now()).await {
        Ok(data) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], render(&data)).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the store failed: {e}\n"),
        )
            .into_response(),
    }
}
