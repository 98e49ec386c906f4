//! The outbox: actions are written in the transaction of what decided them — a sync's
//! notifications and remediation requests with its readings and changes, a receiver's
//! forwards with the delivery it recorded — and sent afterwards by [`deliver`], which marks
//! each one done only once it succeeded, retries the others with exponential backoff
//! (`backon`'s schedule, with jitter) and, after [`MAX_ATTEMPTS`], marks them failed. Since
//! the rows are in the store, a crash at any point loses nothing: the next delivery (every
//! `monitor sync` starts with one, `listen` runs one in the background) sends what is due.
//!
//! Nothing is sent twice for one decision: each row's `idempotency_key` names the decision
//! (stored once, `UNIQUE`); a notification carries the row's id in
//! [`DELIVERY_ID_HEADER`] and a forward the webhook's `data.id` in [`EVENT_ID_HEADER`], so a
//! receiver that saw a retry (the first attempt's answer was lost) can drop it; and a
//! remediation whose previous attempt ended without an answer (a crash, a timeout) is first
//! looked for among the enterprise's remediation requests before it is submitted again.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use telnyx_reputation::{Client, RemediationRequest};

use crate::error::{MonitorError, Result};
use crate::remediations::NewRemediation;
use crate::store::{SpendCounts, Store, from_micros, micros};

/// The header that carries a notification's stable delivery id (the outbox row's id): the
/// same on every retry of one notification, so a receiver can drop repeats.
pub const DELIVERY_ID_HEADER: &str = "x-telnyx-reputation-delivery-id";

/// The header that carries a forwarded webhook's `data.id`, for the target to drop repeats.
pub const EVENT_ID_HEADER: &str = "x-telnyx-reputation-event-id";

/// After this many failed attempts a row is marked failed (listed by `monitor outbox`;
/// `monitor outbox --retry-failed` and `listen replay` put failed rows back). With
/// [`retry_delay`]'s schedule (1 s doubling to 1 h) that is about a day of trying: an
/// endpoint that is down for an afternoon loses nothing.
pub const MAX_ATTEMPTS: i64 = 36;

/// Written on a row just before it is sent: a row still carrying it was being sent when the
/// process stopped, so whether the request arrived is unknown.
const IN_FLIGHT: &str = "in flight: the attempt did not finish";

/// How long a remediation found by reconciliation may predate the attempt that sent it
/// (clock skew between this host and the API).
const RECONCILE_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// What an outbox row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutboxKind {
    /// POST a rule's notification.
    Notify,
    /// Submit a rule's remediation request.
    Remediate,
    /// Forward a verified webhook delivery.
    Forward,
    /// Send an alert's notification to a `[[channel]]` (`target` is its name).
    Channel,
}

impl OutboxKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Notify => "notify",
            Self::Remediate => "remediate",
            Self::Forward => "forward",
            Self::Channel => "channel",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Notify, Self::Remediate, Self::Forward, Self::Channel]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// Where an outbox row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutboxState {
    /// Not delivered yet; due at `next_attempt_at`.
    Pending,
    /// Delivered.
    Done,
    /// Gave up after [`MAX_ATTEMPTS`] (or a request the other side refused for good).
    Failed,
}

impl OutboxState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Done, Self::Failed]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// An action to write to the outbox (see [`OutboxItem`] for the fields).
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutboxItem {
    /// What it does.
    pub kind: OutboxKind,
    /// Names the decision; a second row with the same key is not written.
    pub idempotency_key: String,
    /// The enterprise it is about.
    pub enterprise_id: Option<String>,
    /// The rule that decided it.
    pub rule: Option<String>,
    /// Where it goes (a URL, or the enterprise of a remediation).
    pub target: String,
    /// What to send.
    pub payload: serde_json::Value,
}

/// A row of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    /// The stable delivery id (sent as [`DELIVERY_ID_HEADER`]).
    pub id: String,
    /// What it does.
    pub kind: OutboxKind,
    /// Names the decision.
    pub idempotency_key: String,
    /// The enterprise.
    pub enterprise_id: Option<String>,
    /// The rule that decided it.
    pub rule: Option<String>,
    /// Where it goes.
    pub target: String,
    /// What is sent.
    pub payload: serde_json::Value,
    /// Where it is.
    pub state: OutboxState,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// What the delivery gave (an HTTP status, a remediation id).
    pub result: Option<String>,
    /// When it was decided.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Which rows a delivery sends.
#[derive(Debug, Clone, Default)]
pub struct DeliverOptions {
    /// Only these kinds (empty: all).
    pub kinds: Vec<OutboxKind>,
    /// Only this enterprise's rows (and rows of no enterprise).
    pub enterprise_id: Option<String>,
    /// Also rows whose next attempt is not due yet (e.g. a final drain).
    pub ignore_schedule: bool,
    /// Timeout of each HTTP attempt (default 10 s).
    pub timeout: Option<Duration>,
    /// The channels `channel` rows are sent through, by name (a row whose channel is not
    /// here stays pending, retried).
    pub channels: Vec<crate::channels::Channel>,
    /// Price each remediation row against this monthly budget (the service's
    /// `[remediation]` table) instead of requiring a `max_billable` budget on the client:
    /// a row over it is refused before anything is sent, and marked failed.
    pub remediation_budget: Option<crate::remediations::RemediationBudget>,
    /// The time what a remediation bills is recorded at (the spend record's day, the
    /// budget's month): default the host's now; the service passes its clock's.
    pub billed_at: Option<DateTime<Utc>>,
}

/// What one delivery did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliveryReport {
    /// Rows delivered now.
    pub delivered: Vec<OutboxItem>,
    /// Rows that failed now and will be retried (`state` pending) or were given up
    /// (`state` failed).
    pub failed: Vec<OutboxItem>,
}

/// The delay before retry number `attempts` (1-based): exponential from 1 s, doubling, at
/// most 1 h, with jitter.
pub fn retry_delay(attempts: i64) -> Duration {
    let mut schedule = ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(3600))
        .with_factor(2.0)
        .with_jitter()
        .with_max_times(usize::MAX)
        .build();
    let n = usize::try_from(attempts.max(1) - 1).unwrap_or(0).min(64);
    schedule
        .nth(n)
        .unwrap_or(Duration::from_secs(3600))
        .min(Duration::from_secs(3600))
}

impl Store {
    /// Whether remediation request `id` already belongs to a row: a delivered `remediate`
    /// row's result, or a request the store follows.
    pub(crate) async fn remediation_claimed(&self, id: &str) -> Result<bool> {
        let found = sqlx::query(
            "SELECT 1 FROM outbox WHERE kind = 'remediate' AND state = 'done' AND result = $1 \
             UNION ALL SELECT 1 FROM remediations WHERE id = $1 LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// Insert rows (a decision already stored is left alone), inside `tx`.
    pub(crate) async fn insert_outbox(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        items: &[NewOutboxItem],
        now: DateTime<Utc>,
    ) -> Result<()> {
        for item in items {
            sqlx::query(
                "INSERT INTO outbox (id, kind, idempotency_key, enterprise_id, rule, target, payload, \
                 state, attempts, next_attempt_at, last_error, result, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $9, NULL, NULL, $8, $8) \
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(item.kind.as_str())
            .bind(&item.idempotency_key)
            .bind(&item.enterprise_id)
            .bind(&item.rule)
            .bind(&item.target)
            .bind(item.payload.to_string())
            .bind(micros(now))
            // Due at once: a decision made at a virtual time ahead of this host's clock
            // (a sync following the emulator's) is not held back until then.
            .bind(micros(now.min(Utc::now())))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Add rows in their own transaction.
    pub async fn enqueue(&self, items: &[NewOutboxItem]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        self.insert_outbox(&mut tx, items, Utc::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Outbox rows in these states (empty: all), oldest first.
    pub async fn outbox(&self, states: &[OutboxState]) -> Result<Vec<OutboxItem>> {
        let rows = sqlx::query(&format!("{SELECT_OUTBOX} ORDER BY created_at, id"))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let item = item_of(row)?;
            if states.is_empty() || states.contains(&item.state) {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// Put failed rows of `kind` back to pending, due now, with a fresh count of attempts;
    /// returns how many.
    pub async fn requeue_failed(&self, kind: OutboxKind) -> Result<u64> {
        let now = micros(Utc::now());
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1 \
             WHERE state = 'failed' AND kind = $2",
        )
        .bind(now)
        .bind(kind.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn due(&self, options: &DeliverOptions, now: DateTime<Utc>) -> Result<Vec<OutboxItem>> {
        let rows = sqlx::query(&format!(
            "{SELECT_OUTBOX} WHERE state = 'pending' AND ($1 OR next_attempt_at <= $2) \
             AND ($3 IS NULL OR enterprise_id IS NULL OR enterprise_id = $3) \
             ORDER BY created_at, id"
        ))
        .bind(options.ignore_schedule)
        .bind(micros(now))
        .bind(&options.enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(item_of).collect::<Result<Vec<_>>>()?;
        Ok(items
            .into_iter()
            .filter(|i| options.kinds.is_empty() || options.kinds.contains(&i.kind))
            .collect())
    }

    /// [`Store::outbox_update`] of a delivered row (marked done), with what its delivery billed added to
    /// the spend record, and the remediation it submitted to the requests the store
    /// follows, in the same transaction.
    async fn outbox_update_billed(
        &self,
        item: &OutboxItem,
        attempts: i64,
        next: DateTime<Utc>,
        result: Option<&str>,
        spend: Option<SpendCounts>,
        submitted: Option<&NewRemediation>,
    ) -> Result<()> {
        let state = OutboxState::Done;
        if spend.is_none() && submitted.is_none() {
            return self
                .outbox_update(item, state, attempts, next, None, result)
                .await;
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE outbox SET state = $1, attempts = $2, next_attempt_at = $3, last_error = NULL, \
             result = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(state.as_str())
        .bind(attempts)
        .bind(micros(next))
        .bind(result)
        .bind(micros(Utc::now()))
        .bind(&item.id)
        .execute(&mut *tx)
        .await?;
        if let Some(spend) = spend {
            self.add_spend(&mut tx, &[spend]).await?;
        }
        if let Some(submitted) = submitted {
            self.insert_remediation(&mut tx, submitted).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn outbox_update(
        &self,
        item: &OutboxItem,
        state: OutboxState,
        attempts: i64,
        next: DateTime<Utc>,
        last_error: Option<&str>,
        result: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = $1, attempts = $2, next_attempt_at = $3, last_error = $4, \
             result = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(state.as_str())
        .bind(attempts)
        .bind(micros(next))
        .bind(last_error)
        .bind(result)
        .bind(micros(Utc::now()))
        .bind(&item.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

const SELECT_OUTBOX: &str = "SELECT id, kind, idempotency_key, enterprise_id, rule, target, payload, \
     state, attempts, next_attempt_at, last_error, result, created_at, updated_at FROM outbox";

fn item_of(row: &AnyRow) -> Result<OutboxItem> {
    let bad = |what: String| MonitorError::Store(sqlx::Error::Decode(what.into()));
    let kind: String = row.try_get(1)?;
    let state: String = row.try_get(7)?;
    let payload: String = row.try_get(6)?;
    Ok(OutboxItem {
        id: row.try_get(0)?,
        kind: OutboxKind::parse(&kind)
            .ok_or_else(|| bad(format!("unknown outbox kind {kind:?}")))?,
        idempotency_key: row.try_get(2)?,
        enterprise_id: row.try_get(3)?,
        rule: row.try_get(4)?,
        target: row.try_get(5)?,
        payload: serde_json::from_str(&payload)
            .map_err(|e| bad(format!("an outbox payload is not JSON: {e}")))?,
        state: OutboxState::parse(&state)
            .ok_or_else(|| bad(format!("unknown outbox state {state:?}")))?,
        attempts: row.try_get(8)?,
        next_attempt_at: from_micros(row.try_get(9)?),
        last_error: row.try_get(10)?,
        result: row.try_get(11)?,
        created_at: from_micros(row.try_get(12)?),
        updated_at: from_micros(row.try_get(13)?),
    })
}

/// Why one attempt failed, and whether trying again can help.
struct AttemptError {
    message: String,
    permanent: bool,
}

impl AttemptError {
    fn retry(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }
}

/// Send the due rows (see [`DeliverOptions`]) one by one, in the order they were decided.
/// Remediation rows need `client` (without one they are left pending).
pub async fn deliver(
    store: &Store,
    client: Option<&Client>,
    options: &DeliverOptions,
) -> Result<DeliveryReport> {
    // Built for the first row that goes out over HTTP: building one loads the system's
    // root certificates, which a service paid after every sync with nothing due.
    let http = std::sync::OnceLock::new();
    let http = || http.get_or_init(reqwest::Client::new);
    let timeout = options.timeout.unwrap_or(Duration::from_secs(10));
    let mut report = DeliveryReport::default();
    for item in store.due(options, Utc::now()).await? {
        if item.kind == OutboxKind::Remediate && client.is_none() {
            continue;
        }
        let in_doubt = item.last_error.as_deref() == Some(IN_FLIGHT);
        let attempts = item.attempts + 1;
        // Committed before the request: if the process stops while it is out, the next
        // delivery knows the outcome is unknown.
        store
            .outbox_update(
                &item,
                OutboxState::Pending,
                attempts,
                item.next_attempt_at,
                Some(IN_FLIGHT),
                None,
            )
            .await?;
        let outcome = match item.kind {
            OutboxKind::Notify | OutboxKind::Forward => send_http(http(), &item, timeout)
                .await
                .map(|status| (status, 0, None)),
            OutboxKind::Channel => crate::channels::send(http(), &options.channels, &item, timeout)
                .await
                .map(|status| (status, 0, None))
                .map_err(AttemptError::retry),
            OutboxKind::Remediate => {
                let client = client.expect("checked above");
                remediate(store, client, &item, in_doubt, options).await
            }
        };
        let now = Utc::now();
        let updated = |state, error: Option<String>, result: Option<String>, next| OutboxItem {
            state,
            attempts,
            next_attempt_at: next,
            last_error: error,
            result,
            updated_at: now,
            ..item.clone()
        };
        match outcome {
            Ok((result, remediated, submitted)) => {
                // A submission Telnyx bills is recorded as spent with its row's delivery.
                let spend = (remediated > 0).then(|| SpendCounts {
                    enterprise_id: item.target.clone(),
                    day: options.billed_at.unwrap_or(now).date_naive(),
                    remediations: remediated,
                    ..SpendCounts::default()
                });
                store
                    .outbox_update_billed(
                        &item,
                        attempts,
                        now,
                        Some(&result),
                        spend,
                        submitted.as_ref(),
                    )
                    .await?;
                report
                    .delivered
                    .push(updated(OutboxState::Done, None, Some(result), now));
            }
            Err(error) => {
                let give_up = error.permanent || attempts >= MAX_ATTEMPTS;
                let state = if give_up {
                    OutboxState::Failed
                } else {
                    OutboxState::Pending
                };
                let next = now
                    + chrono::Duration::from_std(retry_delay(attempts))
                        .unwrap_or(chrono::Duration::hours(1));
                store
                    .outbox_update(&item, state, attempts, next, Some(&error.message), None)
                    .await?;
                report
                    .failed
                    .push(updated(state, Some(error.message), None, next));
            }
        }
    }
    Ok(report)
}

/// POST a notification or a forward; `Ok(status)` on a 2xx.
async fn send_http(
    http: &reqwest::Client,
    item: &OutboxItem,
    timeout: Duration,
) -> std::result::Result<String, AttemptError> {
    let mut request = http
        .post(&item.target)
        .timeout(timeout)
        .header(DELIVERY_ID_HEADER, &item.id);
    match item.kind {
        OutboxKind::Forward => {
            let body = item.payload["body"].as_str().unwrap_or_default().to_owned();
            for pair in item.payload["headers"].as_array().into_iter().flatten() {
                if let (Some(name), Some(value)) = (pair[0].as_str(), pair[1].as_str()) {
                    request = request.header(name, value);
                }
            }
            if let Some(event_id) = item.payload["event_id"].as_str() {
                request = request.header(EVENT_ID_HEADER, event_id);
            }
            request = request.body(body);
        }
        _ => request = request.json(&item.payload["body"]),
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => {
            Ok(response.status().as_u16().to_string())
        }
        Ok(response) => Err(AttemptError::retry(format!(
            "{} answered {}",
            item.target,
            response.status()
        ))),
        Err(e) => Err(AttemptError::retry(format!("{}: {e}", item.target))),
    }
}

/// The remediation row's request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RemediationPayload {
    pub(crate) numbers: Vec<String>,
    pub(crate) call_purpose: String,
    pub(crate) contact_email: Option<String>,
}

/// What a delivered remediation row did: its result, the numbers this attempt billed, and
/// the request to follow.
type Remediated = (String, u64, Option<NewRemediation>);

/// Submit a remediation row; `Ok((remediation id, numbers billed by this attempt, the
/// request to follow))`. Numbers already in an open request the store follows are left
/// out (a row left with none sends nothing). A row whose previous attempt has no known
/// outcome is first looked for among the enterprise's requests since that attempt (found:
/// nothing more is billed).
async fn remediate(
    store: &Store,
    client: &Client,
    item: &OutboxItem,
    in_doubt: bool,
    options: &DeliverOptions,
) -> std::result::Result<Remediated, AttemptError> {
    let mut payload: RemediationPayload =
        serde_json::from_value(item.payload.clone()).map_err(|e| AttemptError {
            message: format!("the stored remediation is not readable: {e}"),
            permanent: true,
        })?;
    let open = store
        .open_remediation_numbers(&item.target)
        .await
        .map_err(|e| AttemptError::retry(format!("reading the open remediations: {e}")))?;
    let (busy, free): (Vec<String>, Vec<String>) = std::mem::take(&mut payload.numbers)
        .into_iter()
        .partition(|n| open.contains_key(n));
    payload.numbers = free;
    if payload.numbers.is_empty() {
        let requests: std::collections::BTreeSet<&str> = busy
            .iter()
            .filter_map(|n| open.get(n))
            .map(String::as_str)
            .collect();
        let requests: Vec<&str> = requests.into_iter().collect();
        return Ok((
            format!(
                "not submitted: every number is in an open remediation ({})",
                requests.join(", ")
            ),
            0,
            None,
        ));
    }
    // Followed from the API's own time of the request, the clock its stages run on.
    let follow = |id: &str, created_at: DateTime<Utc>| NewRemediation {
        id: id.to_owned(),
        enterprise_id: item.target.clone(),
        numbers: payload.numbers.clone(),
        submitted_at: created_at,
        source: "rule".into(),
        rule: item.rule.clone(),
    };
    let remediations = client.reputation(&item.target).remediation();
    if in_doubt {
        use futures::TryStreamExt;
        let since = item.updated_at - RECONCILE_SKEW;
        let listed: Vec<_> = remediations
            .list()
            .stream()
            .try_collect()
            .await
            .map_err(|e| AttemptError::retry(format!("looking for an earlier submission: {e}")))?;
        // A request another row already delivered (its result) or the store follows is
        // that row's, never this one's: two rows of the same size and purpose in one
        // window would otherwise both claim the first request.
        for found in listed.iter().filter(|r| {
            r.created_at >= since
                && r.call_purpose == payload.call_purpose
                && r.phone_numbers_count == payload.numbers.len() as u64
        }) {
            let claimed = store.remediation_claimed(&found.id).await.map_err(|e| {
                AttemptError::retry(format!("looking for an earlier submission: {e}"))
            })?;
            if !claimed {
                return Ok((
                    found.id.clone(),
                    0,
                    Some(follow(&found.id, found.created_at)),
                ));
            }
        }
    }
    let refused = match &options.remediation_budget {
        Some(budget) => budget
            .authorize(
                store,
                client,
                &item.target,
                payload.numbers.len() as u64,
                options.billed_at.unwrap_or_else(Utc::now),
            )
            .await
            .map(|_| ()),
        None => crate::monitor::authorize_billable(client, "remediation.submit", 1)
            .map_err(|e| e.to_string()),
    };
    if let Err(message) = refused {
        return Err(AttemptError {
            message,
            permanent: true,
        });
    }
    let mut request = RemediationRequest::new(&payload.numbers, &payload.call_purpose);
    if let Some(email) = &payload.contact_email {
        request = request.contact_email(email);
    }
    match remediations.submit(request).await {
        Ok(submitted) => Ok((
            submitted.id.clone(),
            payload.numbers.len() as u64,
            Some(follow(&submitted.id, submitted.created_at)),
        )),
        // A request for these numbers is in flight: ours, or one the user sent; either way
        // submitting again is what must not happen.
        Err(telnyx_reputation::Error::Conflict(e)) => {
            Ok((format!("already in flight ({e})"), 0, None))
        }
        Err(e) => {
            let permanent = matches!(
                e.kind(),
                telnyx_reputation::ErrorKind::InvalidInput
                    | telnyx_reputation::ErrorKind::Authentication
                    | telnyx_reputation::ErrorKind::PermissionDenied
                    | telnyx_reputation::ErrorKind::NotFound
                    | telnyx_reputation::ErrorKind::Unprocessable
                    | telnyx_reputation::ErrorKind::BadRequest
                    | telnyx_reputation::ErrorKind::BillingRefused
            );
            Err(AttemptError {
                message: format!("remediate {}: {e}", payload.numbers.join(" ")),
                permanent,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_grows_and_is_capped() {
        assert!(retry_delay(1) <= Duration::from_secs(2));
        assert!(retry_delay(3) >= Duration::from_secs(4));
        assert!(retry_delay(40) <= Duration::from_secs(3600));
    }
}
