//! The remediation tracker: every remediation request the monitor submits (a rule's,
//! recorded by the outbox in the transaction that marks its row done) or is told about
//! (`remediation submit --record`) is kept in the store (migration 0008) and followed to its
//! end state by [`Monitor::follow_remediations`]: each open request is read as patiently as
//! `remediation submit --wait` polls (30 s, then 1.5 times longer each time, at most
//! 10 minutes apart), its per-number outcome is recorded when it finishes, and each number
//! it remediated is re-read 1, 7 and 30 days later (a free, cached listing) to record
//! whether it stayed low. A number in an open request is never submitted again: the sync
//! leaves it out of a rule's remediation, and the outbox checks once more before sending.
//! Submitting is the outbox's job (`outbox.rs`); this module only records and follows.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use telnyx_reputation::{Remediation, RemediationResults};
use utoipa::ToSchema;

use crate::error::Result;
use crate::model::Reading;
use crate::monitor::Monitor;
use crate::outbox::{NewOutboxItem, OutboxKind};
use crate::store::{Store, from_micros, micros};

/// The first poll of a request comes this long after it was submitted (as `--wait`'s).
pub const FIRST_POLL: Duration = Duration::from_secs(30);

/// Polls are at most this far apart (as `--wait`'s).
pub const MAX_POLL: Duration = Duration::from_secs(600);

/// Days after a request finished at which each number it remediated is read again.
pub const RECHECK_DAYS: [i64; 3] = [1, 7, 30];

/// How long after poll number `polls` (1-based) the next one is due: [`FIRST_POLL`], 1.5
/// times longer each poll, at most [`MAX_POLL`].
pub fn poll_interval(polls: i64) -> Duration {
    let growth = 1.5_f64.powi(i32::try_from(polls.clamp(1, 64) - 1).unwrap_or(63));
    FIRST_POLL
        .mul_f64(growth.min(MAX_POLL.as_secs_f64()))
        .min(MAX_POLL)
}

/// A request to start following.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRemediation {
    /// The request id Telnyx gave it.
    pub id: String,
    /// The enterprise.
    pub enterprise_id: String,
    /// The numbers submitted.
    pub numbers: Vec<String>,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// Who submitted it: `rule` (a rule's, through the outbox) or `cli`.
    pub source: String,
    /// The rule that decided it.
    pub rule: Option<String>,
}

/// A remediated number's spam risk read again some days after its request finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Recheck {
    /// The spam risk read (`low`, `medium`, `high`), `unknown` when the number had no data,
    /// or `removed` when it was no longer monitored.
    pub risk: String,
    /// When it was read.
    pub at: DateTime<Utc>,
}

/// One number of a followed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrackedNumber {
    /// The number.
    pub phone_number: String,
    /// `remediated`, `requires_review`, `refused`, `not_flagged`, `ineligible`, or the
    /// request's `failed` / `cancelled`; `None` while the request is open.
    pub outcome: Option<String>,
    /// Re-read 1 day after the request finished (remediated numbers only).
    pub recheck_1d: Option<Recheck>,
    /// Re-read 7 days after.
    pub recheck_7d: Option<Recheck>,
    /// Re-read 30 days after.
    pub recheck_30d: Option<Recheck>,
}

/// A followed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrackedRemediation {
    /// Telnyx's request id.
    pub id: String,
    /// The enterprise.
    pub enterprise_id: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// Its last polled status: `pending`, `in_progress`, `completed`, `failed`, `cancelled`.
    pub state: String,
    /// Polls made.
    pub polls: i64,
    /// When it was last polled.
    pub last_polled_at: Option<DateTime<Utc>>,
    /// When the next poll is due (while open).
    pub next_poll_at: DateTime<Utc>,
    /// When it reached its final status (the API's time).
    pub finished_at: Option<DateTime<Utc>>,
    /// `rule` or `cli`.
    pub source: String,
    /// The rule that decided it.
    pub rule: Option<String>,
    /// Its numbers, sorted.
    pub numbers: Vec<TrackedNumber>,
}

/// Which followed requests [`Store::remediation_page`] reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemediationQuery {
    /// Only this enterprise's.
    pub enterprise_id: Option<String>,
    /// Only the open ones (`Some(true)`), only the finished ones (`Some(false)`), or all.
    pub open: Option<bool>,
    /// Only the requests after this one (its submission time and id) in the newest-first
    /// order: the next page after a page that ended with it.
    pub before: Option<(DateTime<Utc>, String)>,
    /// At most this many requests.
    pub limit: Option<u32>,
}

/// What one [`Monitor::follow_remediations`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FollowReport {
    /// Requests polled.
    pub polled: u64,
    /// Requests that reached their final status now, with it.
    pub finished: Vec<(String, String)>,
    /// Numbers re-read now: (number, days after, risk).
    pub rechecked: Vec<(String, i64, String)>,
    /// Reads that failed (tried again at the next follow).
    pub errors: Vec<String>,
}

impl FollowReport {
    /// Whether it did or met anything worth a line.
    pub fn is_empty(&self) -> bool {
        self.finished.is_empty() && self.rechecked.is_empty() && self.errors.is_empty()
    }
}

impl Store {
    /// Start following a request, inside `tx` (the outbox's, marking its row done). A
    /// request already followed is left as it is.
    pub(crate) async fn insert_remediation(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        new: &NewRemediation,
    ) -> Result<()> {
        let first = new.submitted_at + chrono::Duration::from_std(FIRST_POLL).unwrap_or_default();
        let inserted = sqlx::query(
            "INSERT INTO remediations (id, enterprise_id, submitted_at, state, polls, \
             last_polled_at, next_poll_at, finished_at, source, rule) \
             VALUES ($1, $2, $3, 'pending', 0, NULL, $4, NULL, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&new.id)
        .bind(&new.enterprise_id)
        .bind(micros(new.submitted_at))
        .bind(micros(first))
        .bind(&new.source)
        .bind(&new.rule)
        .execute(&mut **tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(());
        }
        for number in &new.numbers {
            sqlx::query(
                "INSERT INTO remediation_numbers (remediation_id, enterprise_id, phone_number) \
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(&new.id)
            .bind(&new.enterprise_id)
            .bind(number)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Start following a request in its own transaction (`remediation submit --record`).
    pub async fn record_remediation(&self, new: &NewRemediation) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        self.insert_remediation(&mut tx, new).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The numbers of `enterprise_id` in a followed request that has not finished, each
    /// with that request's id.
    pub async fn open_remediation_numbers(
        &self,
        enterprise_id: &str,
    ) -> Result<HashMap<String, String>> {
        let rows = sqlx::query(
            "SELECT n.phone_number, n.remediation_id FROM remediation_numbers n \
             JOIN remediations r ON r.id = n.remediation_id \
             WHERE r.finished_at IS NULL AND n.enterprise_id = $1",
        )
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    /// Record what a poll of a followed request read at `at`: its status, the next poll's
    /// time and, once it is final, each number's outcome (one transaction). A request the
    /// store does not follow is left alone.
    pub async fn record_remediation_status(
        &self,
        remediation: &Remediation,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let polls: Option<i64> = sqlx::query("SELECT polls FROM remediations WHERE id = $1")
            .bind(&remediation.id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get(0))
            .transpose()?;
        let Some(polls) = polls else {
            return Ok(());
        };
        let polls = polls + 1;
        let next = at + chrono::Duration::from_std(poll_interval(polls)).unwrap_or_default();
        let finished = remediation.status.is_final().then(|| {
            remediation
                .tier2_completed_at
                .unwrap_or(remediation.updated_at)
        });
        sqlx::query(
            "UPDATE remediations SET state = $1, polls = $2, last_polled_at = $3, \
             next_poll_at = $4, finished_at = $5 WHERE id = $6",
        )
        .bind(remediation.status.as_str())
        .bind(polls)
        .bind(micros(at))
        .bind(micros(next))
        .bind(finished.map(micros))
        .bind(&remediation.id)
        .execute(&mut *tx)
        .await?;
        if finished.is_some() {
            for (number, outcome) in outcomes(remediation) {
                sqlx::query(
                    "UPDATE remediation_numbers SET outcome = $1 \
                     WHERE remediation_id = $2 AND phone_number = $3",
                )
                .bind(outcome)
                .bind(&remediation.id)
                .bind(number)
                .execute(&mut *tx)
                .await?;
            }
            // A request that failed or was cancelled has no per-number results.
            sqlx::query(
                "UPDATE remediation_numbers SET outcome = $1 \
                 WHERE remediation_id = $2 AND outcome IS NULL",
            )
            .bind(remediation.status.as_str())
            .bind(&remediation.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The followed requests (of one enterprise, or all; only the open ones when `open`),
    /// newest first, with their numbers ([`Store::remediation_page`] without a page).
    pub async fn remediations(
        &self,
        enterprise_id: Option<&str>,
        open: bool,
    ) -> Result<Vec<TrackedRemediation>> {
        self.remediation_page(&RemediationQuery {
            enterprise_id: enterprise_id.map(str::to_owned),
            open: open.then_some(true),
            ..RemediationQuery::default()
        })
        .await
    }

    /// The followed requests `query` selects, newest first (by submission time, then id,
    /// both descending), with their numbers: one query for the requests (`query.before`
    /// pages on the same order) and one per 400 of them for their numbers. The dashboard's
    /// remediations page and API read through it.
    pub async fn remediation_page(
        &self,
        query: &RemediationQuery,
    ) -> Result<Vec<TrackedRemediation>> {
        let (before_at, before_id) = match &query.before {
            Some((at, id)) => (Some(micros(*at)), Some(id.as_str())),
            None => (None, None),
        };
        let limit = query
            .limit
            .map_or_else(String::new, |n| format!(" LIMIT {n}"));
        let rows = sqlx::query(&format!(
            "SELECT id, enterprise_id, submitted_at, state, polls, last_polled_at, next_poll_at, \
             finished_at, source, rule FROM remediations \
             WHERE ($1 IS NULL OR enterprise_id = $1) AND ($2 = 0 OR finished_at IS NULL) \
             AND ($3 = 0 OR finished_at IS NOT NULL) \
             AND ($4 IS NULL OR submitted_at < $4 OR (submitted_at = $4 AND id < $5)) \
             ORDER BY submitted_at DESC, id DESC{limit}"
        ))
        .bind(query.enterprise_id.as_deref())
        .bind(i64::from(query.open == Some(true)))
        .bind(i64::from(query.open == Some(false)))
        .bind(before_at)
        .bind(before_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows
            .iter()
            .map(remediation_of)
            .collect::<Result<Vec<_>>>()?;
        let index: HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let ids: Vec<String> = out.iter().map(|r| r.id.clone()).collect();
        for chunk in ids.chunks(400) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT n.remediation_id, n.phone_number, n.outcome, n.recheck_1d_risk, \
                 n.recheck_1d_at, n.recheck_7d_risk, n.recheck_7d_at, n.recheck_30d_risk, \
                 n.recheck_30d_at FROM remediation_numbers n \
                 WHERE n.remediation_id IN ({}) ORDER BY n.remediation_id, n.phone_number",
                placeholders.join(", ")
            );
            let mut numbers = sqlx::query(&sql);
            for id in chunk {
                numbers = numbers.bind(id.as_str());
            }
            for row in numbers.fetch_all(&self.pool).await? {
                let id: String = row.try_get(0)?;
                if let Some(&i) = index.get(&id) {
                    out[i].numbers.push(number_of(&row)?);
                }
            }
        }
        Ok(out)
    }

    /// The open requests whose next poll is due at `at` (every open one when `all`):
    /// (id, enterprise).
    async fn due_remediations(
        &self,
        at: DateTime<Utc>,
        all: bool,
    ) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT id, enterprise_id FROM remediations \
             WHERE finished_at IS NULL AND ($2 = 1 OR next_poll_at <= $1) ORDER BY next_poll_at, id",
        )
        .bind(micros(at))
        .bind(i64::from(all))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    /// The re-checks due at `at`: (request id, enterprise, number, days after).
    async fn due_rechecks(&self, at: DateTime<Utc>) -> Result<Vec<(String, String, String, i64)>> {
        let mut due = Vec::new();
        for days in RECHECK_DAYS {
            let sql = format!(
                "SELECT n.remediation_id, n.enterprise_id, n.phone_number FROM remediation_numbers n \
                 JOIN remediations r ON r.id = n.remediation_id \
                 WHERE n.outcome = 'remediated' AND n.recheck_{days}d_at IS NULL \
                 AND r.finished_at IS NOT NULL AND r.finished_at <= $1 \
                 ORDER BY n.remediation_id, n.phone_number"
            );
            let rows = sqlx::query(&sql)
                .bind(micros(at - chrono::Duration::days(days)))
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                due.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, days));
            }
        }
        Ok(due)
    }

    async fn record_recheck(
        &self,
        remediation_id: &str,
        number: &str,
        days: i64,
        risk: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE remediation_numbers SET recheck_{days}d_risk = $1, recheck_{days}d_at = $2 \
             WHERE remediation_id = $3 AND phone_number = $4"
        );
        sqlx::query(&sql)
            .bind(risk)
            .bind(micros(at))
            .bind(remediation_id)
            .bind(number)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Each number's outcome bucket in a finished request's results.
fn outcomes(remediation: &Remediation) -> Vec<(&str, &'static str)> {
    let Some(results) = &remediation.results else {
        return Vec::new();
    };
    // `RemediationResults` may grow (`#[non_exhaustive]`): a bucket the monitor does not
    // know yet records no outcome until it is named here.
    let RemediationResults {
        remediated,
        not_flagged,
        requires_review,
        ineligible,
        refused,
        ..
    } = results;
    [
        ("remediated", remediated),
        ("not_flagged", not_flagged),
        ("requires_review", requires_review),
        ("ineligible", ineligible),
        ("refused", refused),
    ]
    .into_iter()
    .flat_map(|(outcome, numbers)| numbers.iter().map(move |n| (n.as_str(), outcome)))
    .collect()
}

pub(crate) fn remediation_of(row: &AnyRow) -> Result<TrackedRemediation> {
    Ok(TrackedRemediation {
        id: row.try_get(0)?,
        enterprise_id: row.try_get(1)?,
        submitted_at: from_micros(row.try_get(2)?),
        state: row.try_get(3)?,
        polls: row.try_get(4)?,
        last_polled_at: row.try_get::<Option<i64>, _>(5)?.map(from_micros),
        next_poll_at: from_micros(row.try_get(6)?),
        finished_at: row.try_get::<Option<i64>, _>(7)?.map(from_micros),
        source: row.try_get(8)?,
        rule: row.try_get(9)?,
        numbers: Vec::new(),
    })
}

pub(crate) fn number_of(row: &AnyRow) -> Result<TrackedNumber> {
    let pair = |i: usize| -> Result<Option<Recheck>> {
        let risk: Option<String> = row.try_get(i)?;
        let at: Option<i64> = row.try_get(i + 1)?;
        Ok(risk.zip(at).map(|(risk, at)| Recheck {
            risk,
            at: from_micros(at),
        }))
    };
    Ok(TrackedNumber {
        phone_number: row.try_get(1)?,
        outcome: row.try_get(2)?,
        recheck_1d: pair(3)?,
        recheck_7d: pair(5)?,
        recheck_30d: pair(7)?,
    })
}

/// Leave the numbers of `open` (in a followed request that has not finished) out of the
/// remediation rows of `items`, listing them under `in_open_remediation` in the row's
/// payload; a row left with no number is dropped.
pub(crate) fn leave_out_open(items: &mut Vec<NewOutboxItem>, open: &HashMap<String, String>) {
    items.retain_mut(|item| {
        if item.kind != OutboxKind::Remediate {
            return true;
        }
        let numbers: Vec<String> =
            serde_json::from_value(item.payload["numbers"].clone()).unwrap_or_default();
        let (busy, free): (Vec<String>, Vec<String>) =
            numbers.into_iter().partition(|n| open.contains_key(n));
        if busy.is_empty() {
            return true;
        }
        item.payload["numbers"] = serde_json::json!(free);
        item.payload["in_open_remediation"] = serde_json::json!(busy);
        !free.is_empty()
    });
}

/// The `[remediation]` table of a `monitor serve` config: with it the service submits the
/// remediation its rules' `remediate` actions decide (without it they are dry runs), each
/// request priced at the client's price table ([`telnyx_reputation::PriceTable`],
/// `remediations`: per number submitted) and refused before anything is sent when this
/// calendar month's remediation spend of the enterprise (the store's spend record) plus its
/// price would pass `monthly_budget_usd`.
///
/// ```toml
/// [remediation]
/// monthly_budget_usd = "25.00"   # per enterprise and UTC calendar month
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemediationBudget {
    /// Dollars of remediation submissions per enterprise and calendar month (UTC).
    pub monthly_budget_usd: telnyx_reputation::Usd,
}

impl RemediationBudget {
    /// Price a request of `numbers` numbers for `enterprise_id` at `client`'s prices and
    /// check it against this month's remainder (as of `now`) and the client's own budgets;
    /// `Ok(price)` when it fits, `Err(why)` — naming the price, the budget and what was
    /// spent — when it does not. Nothing is sent either way.
    pub async fn authorize(
        &self,
        store: &Store,
        client: &telnyx_reputation::Client,
        enterprise_id: &str,
        numbers: u64,
        now: DateTime<Utc>,
    ) -> std::result::Result<telnyx_reputation::Usd, String> {
        use chrono::Datelike;
        use telnyx_reputation::{Amount, PriceItem};
        let prices = client.prices();
        let price = prices.cost(PriceItem::Remediations, numbers);
        if !price.is_exact() {
            return Err(format!(
                "remediating {numbers} number(s) has no known price (the price table has none \
                 for remediations): refused, the budget could not be kept"
            ));
        }
        let today = now.date_naive();
        let first = today.with_day(1).unwrap_or(today);
        let spent = store
            .spend(Some(enterprise_id), first, today)
            .await
            .map_err(|e| format!("reading this month's spend: {e}"))?;
        let mut spent_usd = Amount::default();
        for day in &spent {
            spent_usd.add(prices, PriceItem::Remediations, day.remediations);
        }
        let budget = self.monthly_budget_usd;
        let left = budget.saturating_sub(spent_usd.known);
        if price.known > left {
            return Err(format!(
                "remediating {numbers} number(s) costs {}; the [remediation] budget of {budget} \
                 a month for enterprise {enterprise_id} has {left} left ({} spent in {}): refused \
                 before anything was sent",
                price.known,
                spent_usd.known,
                today.format("%Y-%m")
            ));
        }
        if client
            .remaining_billable()
            .is_some_and(|units| numbers > units)
        {
            return Err(format!(
                "remediating {numbers} number(s) passes the client's max_billable budget \
                 ({} unit(s) left): refused before anything was sent",
                client.remaining_billable().unwrap_or(0)
            ));
        }
        if let Some(spend) = client.remaining_spend()
            && price.known > spend
        {
            return Err(format!(
                "remediating {numbers} number(s) costs {}; the client's max_spend budget has \
                 {spend} left: refused before anything was sent",
                price.known
            ));
        }
        Ok(price.known)
    }
}

impl Monitor {
    /// Follow every open request the store tracks, as of `at` (now, or a virtual clock):
    /// poll those whose next poll is due and record their status and, once final, each
    /// number's outcome; then re-read the numbers they remediated whose 1-, 7- or 30-day
    /// re-check is due, from the enterprise's listing filtered to the number (cached data,
    /// never a billed read), and record their risk. A read that fails is reported and
    /// tried again at the next call. The service calls it on every round;
    /// `monitor remediations --refresh` once.
    pub async fn follow_remediations(&self, at: DateTime<Utc>) -> Result<FollowReport> {
        self.follow(at, false, None).await
    }

    /// [`Monitor::follow_remediations`] for the requests of `enterprises` only: what a
    /// service watching several accounts runs once per account, each with its own key.
    pub async fn follow_remediations_of(
        &self,
        at: DateTime<Utc>,
        enterprises: &[String],
    ) -> Result<FollowReport> {
        self.follow(at, false, Some(enterprises)).await
    }

    /// [`Monitor::follow_remediations`], polling every open request now whatever its
    /// schedule (`monitor remediations --refresh`: the user asked).
    pub async fn refresh_remediations(&self, at: DateTime<Utc>) -> Result<FollowReport> {
        self.follow(at, true, None).await
    }

    async fn follow(
        &self,
        at: DateTime<Utc>,
        all: bool,
        only: Option<&[String]>,
    ) -> Result<FollowReport> {
        let store = self.store();
        let mut report = FollowReport::default();
        let mine = |enterprise: &String| only.is_none_or(|only| only.contains(enterprise));
        for (id, enterprise) in store.due_remediations(at, all).await? {
            if !mine(&enterprise) {
                continue;
            }
            let read = self
                .client()
                .reputation(&enterprise)
                .remediation()
                .get(&id)
                .await;
            match read {
                Ok(remediation) => {
                    report.polled += 1;
                    store.record_remediation_status(&remediation, at).await?;
                    if remediation.status.is_final() {
                        report
                            .finished
                            .push((id, remediation.status.as_str().to_owned()));
                    }
                }
                Err(e) => report.errors.push(format!("remediation {id}: {e}")),
            }
        }
        for (id, enterprise, number, days) in store.due_rechecks(at).await? {
            if !mine(&enterprise) {
                continue;
            }
            let listed = self
                .client()
                .reputation(&enterprise)
                .numbers()
                .list()
                .phone_number_eq(&number)
                .first_page()
                .await;
            match listed {
                Ok(page) => {
                    let risk = match page.items.iter().find(|n| n.phone_number == number) {
                        Some(found) => Reading::from_number(found, at)
                            .spam_risk
                            .unwrap_or_else(|| "unknown".into()),
                        None => "removed".into(),
                    };
                    store.record_recheck(&id, &number, days, &risk, at).await?;
                    report.rechecked.push((number, days, risk));
                }
                Err(e) => report
                    .errors
                    .push(format!("re-check of {number} ({days} d): {e}")),
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_grow_one_and_a_half_times_up_to_ten_minutes() {
        assert_eq!(poll_interval(1), Duration::from_secs(30));
        assert_eq!(poll_interval(2), Duration::from_secs(45));
        assert_eq!(poll_interval(3), Duration::from_millis(67_500));
        assert_eq!(poll_interval(20), MAX_POLL);
        assert_eq!(poll_interval(1000), MAX_POLL);
    }

    #[test]
    fn numbers_in_an_open_remediation_are_left_out_of_a_rules_request() {
        let item = |numbers: &[&str]| NewOutboxItem {
            kind: OutboxKind::Remediate,
            idempotency_key: format!("k{}", numbers.len()),
            enterprise_id: Some("e".into()),
            rule: Some("r".into()),
            target: "e".into(),
            payload: serde_json::json!({ "numbers": numbers, "skipped": [],
                "call_purpose": "p", "contact_email": null }),
        };
        let open: HashMap<String, String> = [("+1".to_owned(), "req".to_owned())].into();
        let mut items = vec![item(&["+1", "+2"]), item(&["+1"])];
        leave_out_open(&mut items, &open);
        assert_eq!(items.len(), 1, "a row of only open numbers is dropped");
        assert_eq!(items[0].payload["numbers"], serde_json::json!(["+2"]));
        assert_eq!(
            items[0].payload["in_open_remediation"],
            serde_json::json!(["+1"])
        );
    }
}
