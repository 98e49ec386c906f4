//! The dashboard's one query layer: what the pages, the CSV export and the JSON API read.
//! Every filter is parsed and turned into SQL here, once.
//!
//! A number's *current* state is its newest stored reading (a sync stores a reading only
//! when something but the refresh time changed, so the newest row holds the number's
//! current risk, category, scores and ownership status), which the store keeps on the
//! number's row (`monitored_numbers.cur_*`, migration 0010) with the time it last changed
//! (`last_changed_at`), so no query looks for each number's newest reading in the history.
//! The numbers table pages with
//! keyset pagination — each page starts after the sort key, enterprise and number of the
//! previous page's last row — so a deep page costs what the first one does.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use telnyx_reputation::PriceTable;
use utoipa::{IntoParams, ToSchema};

use crate::error::{MonitorError, Result};
use crate::model::{Change, Reading};
use crate::remediations::{RemediationQuery, TrackedNumber, TrackedRemediation};
use crate::spend::Spend;
use crate::store::{Store, change_of, from_micros, micros, reading_of};

/// Rows per page of `/numbers` and `/changes` unless `limit` says otherwise.
pub const PAGE: u32 = 100;
/// The largest page a request may ask for (the CSV export is not limited).
pub const MAX_PAGE: u32 = 1000;

/// Risk levels as the filters and tables name them (`none`: no data).
pub const RISKS: [&str; 4] = ["high", "medium", "low", "none"];

/// A request the dashboard cannot answer as asked: which parameter and why (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest(pub String);

impl std::fmt::Display for BadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the dashboard's queries fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum QueryError {
    /// A bad parameter (400).
    Bad(BadRequest),
    /// The store failed (500).
    Store(MonitorError),
}

impl From<MonitorError> for QueryError {
    fn from(e: MonitorError) -> Self {
        QueryError::Store(e)
    }
}

impl From<sqlx::Error> for QueryError {
    fn from(e: sqlx::Error) -> Self {
        QueryError::Store(MonitorError::from(e))
    }
}

impl From<BadRequest> for QueryError {
    fn from(e: BadRequest) -> Self {
        QueryError::Bad(e)
    }
}

/// The query parameters of `/numbers`, `/numbers.csv` and `/api/v1/numbers`, as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NumberParams {
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// Only this current risk: `high`, `medium`, `low` or `none` (no data).
    pub risk: Option<String>,
    /// Only this current spam category (exact).
    pub category: Option<String>,
    /// Only this ownership status (exact), e.g. `pending_confirmation`.
    pub ownership: Option<String>,
    /// Only numbers with a change at or after this time: `24h`, `7d`, … or RFC 3339.
    pub changed_since: Option<String>,
    /// Only numbers starting with this prefix, e.g. `+1202`.
    pub prefix: Option<String>,
    /// Sort by `number` (default), `risk`, `maturity`, `connection`, `engagement` or
    /// `sentiment`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// The cursor of the page to show (the previous page's `next`).
    pub after: Option<String>,
    /// Rows per page (1 to 1000, default 100).
    pub limit: Option<u32>,
}

/// What a number can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sort {
    /// Enterprise and number.
    Number,
    /// Risk level (no data lowest).
    Risk,
    /// One of the four scores (a missing score lowest).
    Score(usize),
}

impl Sort {
    /// Every sort key by name.
    pub const NAMES: [&'static str; 6] = [
        "number",
        "risk",
        "maturity",
        "connection",
        "engagement",
        "sentiment",
    ];

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "number" => Sort::Number,
            "risk" => Sort::Risk,
            "maturity" => Sort::Score(0),
            "connection" => Sort::Score(1),
            "engagement" => Sort::Score(2),
            "sentiment" => Sort::Score(3),
            _ => return None,
        })
    }

    /// The sort key as an SQL expression over the number's current state `m` (an integer;
    /// `None` for the number order, which is the table's own).
    fn key_sql(self) -> Option<&'static str> {
        Some(match self {
            Sort::Number => return None,
            Sort::Risk => {
                "CASE m.cur_risk WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
            }
            Sort::Score(0) => "COALESCE(m.cur_maturity, -1)",
            Sort::Score(1) => "COALESCE(m.cur_connection, -1)",
            Sort::Score(2) => "COALESCE(m.cur_engagement, -1)",
            Sort::Score(_) => "COALESCE(m.cur_sentiment, -1)",
        })
    }
}

/// The numbers filter, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFilter {
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// Only this risk (`none`: no data).
    pub risk: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this ownership status.
    pub ownership: Option<String>,
    /// Only numbers changed at or after this time.
    pub changed_since: Option<DateTime<Utc>>,
    /// Only numbers with this prefix (`+` and digits).
    pub prefix: Option<String>,
    /// The sort key.
    pub sort: Sort,
    /// Descending.
    pub descending: bool,
    /// Start after this row.
    pub after: Option<Cursor>,
    /// Rows per page.
    pub limit: u32,
}

/// Where a page of numbers starts: after the row with this sort key, enterprise and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    key: i64,
    enterprise_id: String,
    phone_number: String,
}

impl Cursor {
    /// `KEY.NUMBER.ENTERPRISE`, as the `after` parameter carries it.
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.key, self.phone_number, self.enterprise_id)
    }

    fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '.');
        let key = parts.next()?.parse().ok()?;
        let phone_number = parts.next()?.to_owned();
        let enterprise_id = parts.next()?.to_owned();
        Some(Self {
            key,
            enterprise_id,
            phone_number,
        })
    }
}

/// `24h`, `7d`, `30m`, `2w` before now, or an RFC 3339 time.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a time: use 24h, 7d, 2w or an RFC 3339 time"))?;
    let span = match unit {
        "m" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => None,
    }
    .ok_or_else(|| format!("{text:?} is not a time: use 24h, 7d, 2w or an RFC 3339 time"))?;
    Ok(now - span)
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl NumberParams {
    /// Check and parse the parameters; the message names the parameter that is wrong.
    pub fn filter(&self, now: DateTime<Utc>) -> std::result::Result<NumberFilter, BadRequest> {
        let risk = non_empty(&self.risk);
        if let Some(risk) = &risk
            && !RISKS.contains(&risk.as_str())
        {
            return Err(BadRequest(format!(
                "risk: {risk:?} is not one of high, medium, low, none"
            )));
        }
        let prefix = non_empty(&self.prefix);
        if let Some(prefix) = &prefix {
            let digits = prefix.strip_prefix('+').unwrap_or(prefix);
            if !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(BadRequest(format!(
                    "prefix: {prefix:?} is not the start of an E.164 number (+ and digits)"
                )));
            }
        }
        let changed_since = non_empty(&self.changed_since)
            .map(|t| parse_since(&t, now).map_err(|e| BadRequest(format!("changed_since: {e}"))))
            .transpose()?;
        let sort = match non_empty(&self.sort) {
            None => Sort::Number,
            Some(name) => Sort::parse(&name).ok_or_else(|| {
                BadRequest(format!(
                    "sort: {name:?} is not one of {}",
                    Sort::NAMES.join(", ")
                ))
            })?,
        };
        let descending = match non_empty(&self.dir).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(BadRequest(format!("dir: {other:?} is not asc or desc")));
            }
        };
        let after = non_empty(&self.after)
            .map(|a| {
                Cursor::decode(&a)
                    .ok_or_else(|| BadRequest(format!("after: {a:?} is not a page cursor")))
            })
            .transpose()?;
        let limit = self.limit.unwrap_or(PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(BadRequest(format!(
                "limit: {limit} is not between 1 and {MAX_PAGE}"
            )));
        }
        Ok(NumberFilter {
            enterprise: non_empty(&self.enterprise),
            risk,
            category: non_empty(&self.category),
            ownership: non_empty(&self.ownership),
            changed_since,
            prefix,
            sort,
            descending,
            after,
            limit,
        })
    }
}

/// A number's current state, one row of the numbers table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NumberRow {
    /// The enterprise monitoring it.
    pub enterprise_id: String,
    /// The number, E.164.
    pub phone_number: String,
    /// When its newest stored reading was observed.
    pub observed_at: DateTime<Utc>,
    /// `low`, `medium`, `high`, or null (no data).
    pub spam_risk: Option<String>,
    /// The spam category, when flagged.
    pub spam_category: Option<String>,
    /// Maturity score, 0–100.
    pub maturity_score: Option<i64>,
    /// Connection score, 0–100.
    pub connection_score: Option<i64>,
    /// Engagement score, 0–100.
    pub engagement_score: Option<i64>,
    /// Sentiment score, 0–100.
    pub sentiment_score: Option<i64>,
    /// Ownership tracking state.
    pub ownership_status: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    key: i64,
}

/// One page of numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NumberPage {
    /// The rows, in the requested order.
    pub numbers: Vec<NumberRow>,
    /// The `after` cursor of the next page; null on the last page.
    pub next: Option<String>,
}

/// A bind value of a statement built here.
enum Bind {
    Text(String),
    Int(i64),
}

/// A statement's WHERE clauses and their values, numbered `$1, $2, …` (both backends).
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    fn push(&mut self, clause: impl FnOnce(&str) -> String, value: Bind) {
        self.binds.push(value);
        let placeholder = format!("${}", self.binds.len());
        self.clauses.push(clause(&placeholder));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" AND {}", self.clauses.join(" AND "))
        }
    }

    fn bind<'q>(
        &'q self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for value in &self.binds {
            query = match value {
                Bind::Text(text) => query.bind(text.as_str()),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

/// Every number still monitored that has a reading, with its current state (`m.cur_*`).
const CURRENT: &str =
    "FROM monitored_numbers m WHERE m.removed_at IS NULL AND m.cur_observed_at IS NOT NULL";

impl NumberFilter {
    /// The WHERE clauses of the filter (not the cursor).
    fn conditions(&self) -> Where {
        let mut w = Where::default();
        if let Some(e) = &self.enterprise {
            w.push(|p| format!("m.enterprise_id = {p}"), Bind::Text(e.clone()));
        }
        match self.risk.as_deref() {
            Some("none") => w.clauses.push("m.cur_risk IS NULL".into()),
            Some(risk) => w.push(|p| format!("m.cur_risk = {p}"), Bind::Text(risk.into())),
            None => {}
        }
        if let Some(c) = &self.category {
            w.push(|p| format!("m.cur_category = {p}"), Bind::Text(c.clone()));
        }
        if let Some(o) = &self.ownership {
            w.push(|p| format!("m.cur_ownership = {p}"), Bind::Text(o.clone()));
        }
        if let Some(since) = self.changed_since {
            w.push(
                |p| format!("m.last_changed_at >= {p}"),
                Bind::Int(micros(since)),
            );
        }
        if let Some(prefix) = &self.prefix {
            // Checked to be `+` and digits: no LIKE wildcard can be in it.
            w.push(
                |p| format!("m.phone_number LIKE {p}"),
                Bind::Text(format!("{prefix}%")),
            );
        }
        w
    }

    /// The same filter without a cursor, for the first page.
    pub fn first_page(&self) -> Self {
        Self {
            after: None,
            ..self.clone()
        }
    }
}

/// One page of numbers matching `filter`, after its cursor.
pub async fn numbers(store: &Store, filter: &NumberFilter) -> Result<NumberPage> {
    let mut w = filter.conditions();
    let key = filter.sort.key_sql();
    let (cmp, order) = if filter.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(after) = &filter.after {
        // Row-value comparison (SQLite and PostgreSQL both have it).
        if let Some(key) = key {
            w.binds.push(Bind::Int(after.key));
            w.binds.push(Bind::Text(after.enterprise_id.clone()));
            w.binds.push(Bind::Text(after.phone_number.clone()));
            let n = w.binds.len();
            w.clauses.push(format!(
                "({key}, m.enterprise_id, m.phone_number) {cmp} (${}, ${}, ${})",
                n - 2,
                n - 1,
                n
            ));
        } else {
            w.binds.push(Bind::Text(after.enterprise_id.clone()));
            w.binds.push(Bind::Text(after.phone_number.clone()));
            let n = w.binds.len();
            w.clauses.push(format!(
                "(m.enterprise_id, m.phone_number) {cmp} (${}, ${})",
                n - 1,
                n
            ));
        }
    }
    // In number order the table's primary key is the order: no sort key, so the database
    // walks that index and stops at the page's end.
    let (key_column, key_order) = match key {
        Some(key) => (
            format!("CAST({key} AS BIGINT)"),
            format!("sort_key {order}, "),
        ),
        None => ("CAST(0 AS BIGINT)".to_owned(), String::new()),
    };
    let sql = format!(
        "SELECT m.enterprise_id, m.phone_number, m.cur_observed_at, m.cur_risk, m.cur_category, \
         m.cur_maturity, m.cur_connection, m.cur_engagement, m.cur_sentiment, \
         m.cur_ownership, {key_column} AS sort_key {CURRENT}{} \
         ORDER BY {key_order}m.enterprise_id {order}, m.phone_number {order} LIMIT {}",
        w.sql(),
        filter.limit + 1
    );
    let rows = w.bind(sqlx::query(&sql)).fetch_all(&store.pool).await?;
    let mut numbers = rows
        .iter()
        .map(number_row)
        .collect::<Result<Vec<NumberRow>>>()?;
    let next = if numbers.len() > filter.limit as usize {
        numbers.truncate(filter.limit as usize);
        numbers.last().map(|last| {
            Cursor {
                key: last.key,
                enterprise_id: last.enterprise_id.clone(),
                phone_number: last.phone_number.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    Ok(NumberPage { numbers, next })
}

/// Every number matching `filter` from its cursor on (no page limit), in its order, handed
/// to `each` as the rows arrive: the CSV export of the current view.
pub async fn each_number(
    store: &Store,
    filter: &NumberFilter,
    mut each: impl FnMut(NumberRow),
) -> Result<()> {
    let mut filter = filter.clone();
    filter.limit = MAX_PAGE;
    loop {
        let page = numbers(store, &filter).await?;
        page.numbers.into_iter().for_each(&mut each);
        match page.next {
            Some(next) => filter.after = Cursor::decode(&next),
            None => return Ok(()),
        }
    }
}

fn number_row(row: &sqlx::any::AnyRow) -> Result<NumberRow> {
    Ok(NumberRow {
        enterprise_id: row.try_get(0)?,
        phone_number: row.try_get(1)?,
        observed_at: from_micros(row.try_get(2)?),
        spam_risk: row.try_get(3)?,
        spam_category: row.try_get(4)?,
        maturity_score: row.try_get(5)?,
        connection_score: row.try_get(6)?,
        engagement_score: row.try_get(7)?,
        sentiment_score: row.try_get(8)?,
        ownership_status: row.try_get(9)?,
        key: row.try_get(10)?,
    })
}

/// Numbers per risk level of one enterprise (or of all, `enterprise_id` null).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RiskCounts {
    /// The enterprise; null for the total.
    pub enterprise_id: Option<String>,
    /// `high`.
    pub high: u64,
    /// `medium`.
    pub medium: u64,
    /// `low`.
    pub low: u64,
    /// No data.
    pub none: u64,
}

impl RiskCounts {
    /// Every number counted.
    pub fn total(&self) -> u64 {
        self.high + self.medium + self.low + self.none
    }

    /// The count of a level of [`RISKS`].
    pub fn of(&self, risk: &str) -> u64 {
        match risk {
            "high" => self.high,
            "medium" => self.medium,
            "low" => self.low,
            _ => self.none,
        }
    }

    fn add(&mut self, risk: Option<&str>, n: u64) {
        match risk {
            Some("high") => self.high += n,
            Some("medium") => self.medium += n,
            Some("low") => self.low += n,
            _ => self.none += n,
        }
    }
}

/// The last sync of one enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SyncHealth {
    /// The enterprise.
    pub enterprise_id: String,
    /// When its last sync ran.
    pub last_sync: DateTime<Utc>,
    /// Numbers that sync listed.
    pub numbers: u64,
    /// Changes that sync saw.
    pub changes: u64,
    /// Syncs recorded in all.
    pub syncs: u64,
}

/// This month's spend of one enterprise, measured and priced with the published prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MonthSpend {
    /// The enterprise.
    pub enterprise_id: String,
    /// Scheduled re-checks observed.
    pub scheduled_checks: u64,
    /// Fresh reads the monitor made.
    pub fresh_checks: u64,
    /// Numbers submitted for remediation.
    pub remediations: u64,
    /// Checks, remediations and the monthly fee, e.g. `$12.30` (with `+ unknown (…)` when
    /// part of it has no known price).
    pub total: String,
    /// The fresh reads' part of it, e.g. `$1.20`.
    pub fresh: String,
    /// The monthly budget of fresh reads (the service's `[policy] monthly_budget_usd`),
    /// when the dashboard knows one.
    pub budget: Option<String>,
    /// Whether the fresh reads spent more than the budget.
    pub over_budget: bool,
}

/// The fleet page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fleet {
    /// When they were computed.
    pub at: DateTime<Utc>,
    /// Numbers monitored now per risk level, one entry per enterprise.
    pub enterprises: Vec<RiskCounts>,
    /// The same over every enterprise.
    pub total: RiskCounts,
    /// Numbers with a change in the last 24 hours.
    pub changed_24h: u64,
    /// Numbers with a change in the last 7 days.
    pub changed_7d: u64,
    /// The last sync of each enterprise.
    pub syncs: Vec<SyncHealth>,
    /// The month (`YYYY-MM`) of the spend figures.
    pub month: String,
    /// This month's spend per enterprise.
    pub spend: Vec<MonthSpend>,
    /// This month's spend in all, e.g. `$12.30`.
    pub spend_total: String,
    /// Alerts per state, over every enterprise.
    pub alerts: AlertCounts,
    /// Numbers per risk level over the last 30 days: the total first, then each
    /// enterprise.
    pub risk_history: Vec<RiskHistory>,
}

/// Numbers per enterprise and current risk (`None`: no data).
pub async fn risk_counts(store: &Store) -> Result<Vec<(String, Option<String>, u64)>> {
    let rows = sqlx::query(&format!(
        "SELECT m.enterprise_id, m.cur_risk, COUNT(*) {CURRENT} \
         GROUP BY m.enterprise_id, m.cur_risk ORDER BY m.enterprise_id"
    ))
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get::<i64, _>(2)?.max(0) as u64,
            ))
        })
        .collect()
}

async fn numbers_changed_since(store: &Store, since: DateTime<Utc>) -> Result<u64> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM monitored_numbers WHERE last_changed_at >= $1")
        .bind(micros(since))
        .fetch_one(&store.pool)
        .await?
        .try_get(0)?;
    Ok(n.max(0) as u64)
}

/// The last sync of every enterprise in the store, by enterprise.
pub async fn sync_health(store: &Store) -> Result<Vec<SyncHealth>> {
    let rows = sqlx::query(
        "SELECT s.enterprise_id, s.at, s.numbers, s.changes, \
         (SELECT COUNT(*) FROM sweeps y WHERE y.enterprise_id = s.enterprise_id) \
         FROM sweeps s WHERE s.at = (SELECT MAX(x.at) FROM sweeps x \
         WHERE x.enterprise_id = s.enterprise_id) ORDER BY s.enterprise_id",
    )
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SyncHealth {
                enterprise_id: row.try_get(0)?,
                last_sync: from_micros(row.try_get(1)?),
                numbers: row.try_get::<i64, _>(2)?.max(0) as u64,
                changes: row.try_get::<i64, _>(3)?.max(0) as u64,
                syncs: row.try_get::<i64, _>(4)?.max(0) as u64,
            })
        })
        .collect()
}

/// The fleet summary at `now`; `budget`: the monthly budget of fresh reads per
/// enterprise, when known.
pub async fn fleet(
    store: &Store,
    now: DateTime<Utc>,
    budget: Option<telnyx_reputation::Usd>,
) -> Result<Fleet> {
    let mut enterprises: Vec<RiskCounts> = Vec::new();
    let mut total = RiskCounts::default();
    for (enterprise, risk, n) in risk_counts(store).await? {
        if enterprises.last().and_then(|e| e.enterprise_id.as_deref()) != Some(&enterprise) {
            enterprises.push(RiskCounts {
                enterprise_id: Some(enterprise),
                ..RiskCounts::default()
            });
        }
        if let Some(last) = enterprises.last_mut() {
            last.add(risk.as_deref(), n);
        }
        total.add(risk.as_deref(), n);
    }
    let today = now.date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let spend = Spend::load(store, None, first, today, &PriceTable::default()).await?;
    let risk_history = risk_history(store, &enterprises, now).await?;
    Ok(Fleet {
        at: now,
        enterprises,
        total,
        changed_24h: numbers_changed_since(store, now - Duration::hours(24)).await?,
        changed_7d: numbers_changed_since(store, now - Duration::days(7)).await?,
        syncs: sync_health(store).await?,
        month: first.format("%Y-%m").to_string(),
        spend: spend
            .months
            .iter()
            .map(|m| {
                let mut fresh = telnyx_reputation::Usd::ZERO;
                for d in spend
                    .days
                    .iter()
                    .filter(|d| d.counts.enterprise_id == m.enterprise_id)
                {
                    fresh = fresh.saturating_add(d.fresh_usd.known);
                }
                MonthSpend {
                    enterprise_id: m.enterprise_id.clone(),
                    scheduled_checks: m.scheduled_checks,
                    fresh_checks: m.fresh_checks,
                    remediations: m.remediations,
                    total: m.total_usd.to_string(),
                    fresh: fresh.to_string(),
                    budget: budget.map(|b| b.to_string()),
                    over_budget: budget.is_some_and(|b| fresh > b),
                }
            })
            .collect(),
        spend_total: spend.total_usd.to_string(),
        alerts: alerts(
            store,
            &AlertFilter {
                state: Some("open".into()),
                enterprise: None,
                rule: None,
                subject: None,
                before: None,
                limit: 1,
            },
        )
        .await?
        .counts,
        risk_history,
    })
}

/// A stored webhook event of a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NumberEvent {
    /// The delivery's `data.id`.
    pub event_id: String,
    /// E.g. `number_reputation.flagged`.
    pub event_type: String,
    /// The enterprise, when the event named one.
    pub enterprise_id: Option<String>,
    /// When Telnyx says it happened.
    pub occurred_at: Option<DateTime<Utc>>,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The flag reason, when flagged.
    pub flag_reason: Option<String>,
}

/// One stored reading (the JSON API's shape of [`Reading`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReadingRow {
    /// When the monitor observed it.
    pub observed_at: DateTime<Utc>,
    /// `low`, `medium`, `high`, or null.
    pub spam_risk: Option<String>,
    /// The spam category.
    pub spam_category: Option<String>,
    /// Maturity score.
    pub maturity_score: Option<i64>,
    /// Connection score.
    pub connection_score: Option<i64>,
    /// Engagement score.
    pub engagement_score: Option<i64>,
    /// Sentiment score.
    pub sentiment_score: Option<i64>,
    /// Ownership tracking state.
    pub ownership_status: Option<String>,
}

impl From<&Reading> for ReadingRow {
    fn from(r: &Reading) -> Self {
        Self {
            observed_at: r.observed_at,
            spam_risk: r.spam_risk.clone(),
            spam_category: r.spam_category.clone(),
            maturity_score: r.maturity_score,
            connection_score: r.connection_score,
            engagement_score: r.engagement_score,
            sentiment_score: r.sentiment_score,
            ownership_status: r.ownership_status.clone(),
        }
    }
}

/// One change (the JSON API's shape of [`Change`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChangeRow {
    /// The enterprise.
    pub enterprise_id: String,
    /// The number.
    pub phone_number: String,
    /// When the sync saw it.
    pub at: DateTime<Utc>,
    /// `added`, `removed`, `risk_up`, `risk_down`, `score_drop`, `category_set`,
    /// `category_cleared`, `category_changed` or `ownership_changed`.
    pub kind: String,
    /// The field that changed.
    pub field: String,
    /// The value before.
    pub old_value: Option<String>,
    /// The value after.
    pub new_value: Option<String>,
}

impl From<&Change> for ChangeRow {
    fn from(c: &Change) -> Self {
        Self {
            enterprise_id: c.enterprise_id.clone(),
            phone_number: c.phone_number.clone(),
            at: c.at,
            kind: c.kind.as_str().to_owned(),
            field: c.field.clone(),
            old_value: c.old_value.clone(),
            new_value: c.new_value.clone(),
        }
    }
}

/// Everything stored about one number of one enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NumberHistory {
    /// The enterprise.
    pub enterprise_id: String,
    /// The number.
    pub phone_number: String,
    /// When it left monitoring (null: monitored).
    pub removed_at: Option<DateTime<Utc>>,
    /// Every stored reading, oldest first.
    pub readings: Vec<ReadingRow>,
    /// Its changes, oldest first.
    pub changes: Vec<ChangeRow>,
    /// Its webhook events, oldest first.
    pub events: Vec<NumberEvent>,
    /// Its alerts, oldest first.
    pub alerts: Vec<AlertRow>,
    /// The remediation requests it was in, oldest first, with its outcome.
    pub remediations: Vec<NumberRemediation>,
}

/// The history of `phone_number` in every enterprise that monitors it (or only
/// `enterprise`), by enterprise; empty when the store never saw it.
pub async fn number(
    store: &Store,
    phone_number: &str,
    enterprise: Option<&str>,
) -> Result<Vec<NumberHistory>> {
    let owners = sqlx::query(
        "SELECT enterprise_id, removed_at FROM monitored_numbers WHERE phone_number = $1 \
         AND ($2 IS NULL OR enterprise_id = $2) ORDER BY enterprise_id",
    )
    .bind(phone_number)
    .bind(enterprise)
    .fetch_all(&store.pool)
    .await?;
    let mut out = Vec::with_capacity(owners.len());
    for owner in &owners {
        let enterprise_id: String = owner.try_get(0)?;
        let removed_at = owner.try_get::<Option<i64>, _>(1)?.map(from_micros);
        let readings = sqlx::query(
            "SELECT phone_number, observed_at, spam_risk, spam_category, maturity_score, \
             connection_score, engagement_score, sentiment_score, ownership_status, confirm_by, \
             refreshed_at FROM readings WHERE enterprise_id = $1 AND phone_number = $2 \
             ORDER BY observed_at",
        )
        .bind(&enterprise_id)
        .bind(phone_number)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|row| reading_of(row).map(|r| ReadingRow::from(&r)))
        .collect::<Result<Vec<_>>>()?;
        let changes = sqlx::query(
            "SELECT enterprise_id, phone_number, at, kind, field, old_value, new_value FROM changes \
             WHERE enterprise_id = $1 AND phone_number = $2 ORDER BY at, kind, field",
        )
        .bind(&enterprise_id)
        .bind(phone_number)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|row| change_of(row).map(|c| ChangeRow::from(&c)))
        .collect::<Result<Vec<_>>>()?;
        let events = sqlx::query(
            "SELECT event_id, event_type, enterprise_id, occurred_at, received_at, flag_reason \
             FROM webhook_events WHERE phone_number = $1 \
             AND (enterprise_id IS NULL OR enterprise_id = $2) ORDER BY received_at, event_id",
        )
        .bind(phone_number)
        .bind(&enterprise_id)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(NumberEvent {
                event_id: row.try_get(0)?,
                event_type: row.try_get(1)?,
                enterprise_id: row.try_get(2)?,
                occurred_at: row.try_get::<Option<i64>, _>(3)?.map(from_micros),
                received_at: from_micros(row.try_get(4)?),
                flag_reason: row.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let alerts = number_alerts(store, &enterprise_id, phone_number).await?;
        let remediations = number_remediations(store, &enterprise_id, phone_number).await?;
        out.push(NumberHistory {
            enterprise_id,
            phone_number: phone_number.to_owned(),
            removed_at,
            readings,
            changes,
            events,
            alerts,
            remediations,
        });
    }
    Ok(out)
}

/// The query parameters of `/changes` and `/api/v1/changes`, as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeParams {
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// Only this kind, e.g. `risk_up`.
    pub kind: Option<String>,
    /// Only changes at or after this time: `24h`, `7d`, … or RFC 3339 (default 7d).
    pub since: Option<String>,
    /// The cursor of the page to show (the previous page's `next`).
    pub before: Option<String>,
    /// Rows per page (1 to 1000, default 100).
    pub limit: Option<u32>,
}

/// The changes filter, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeFilter {
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only at or after.
    pub since: DateTime<Utc>,
    /// Older than this change (`at`, enterprise, number, kind, field), newest first.
    before: Option<(i64, String, String, String, String)>,
    /// Rows per page.
    pub limit: u32,
}

impl ChangeParams {
    /// Check and parse the parameters.
    pub fn filter(&self, now: DateTime<Utc>) -> std::result::Result<ChangeFilter, BadRequest> {
        let kind = non_empty(&self.kind);
        if let Some(kind) = &kind
            && crate::model::ChangeKind::parse(kind).is_none()
        {
            return Err(BadRequest(format!("kind: {kind:?} is not a change kind")));
        }
        let since = match non_empty(&self.since) {
            Some(text) => parse_since(&text, now).map_err(|e| BadRequest(format!("since: {e}")))?,
            None => now - Duration::days(7),
        };
        let before = non_empty(&self.before)
            .map(|b| {
                let parts: Vec<&str> = b.splitn(5, '|').collect();
                match parts.as_slice() {
                    [at, e, p, k, f] => at.parse().ok().map(|at| {
                        (
                            at,
                            e.to_string(),
                            p.to_string(),
                            k.to_string(),
                            f.to_string(),
                        )
                    }),
                    _ => None,
                }
                .ok_or_else(|| BadRequest(format!("before: {b:?} is not a page cursor")))
            })
            .transpose()?;
        let limit = self.limit.unwrap_or(PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(BadRequest(format!(
                "limit: {limit} is not between 1 and {MAX_PAGE}"
            )));
        }
        Ok(ChangeFilter {
            enterprise: non_empty(&self.enterprise),
            kind,
            since,
            before,
            limit,
        })
    }
}

/// One page of changes, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangePage {
    /// The changes, newest first.
    pub changes: Vec<ChangeRow>,
    /// The `before` cursor of the next (older) page; null on the last page.
    pub next: Option<String>,
}

/// One page of changes matching `filter`, newest first.
pub async fn changes(store: &Store, filter: &ChangeFilter) -> Result<ChangePage> {
    let mut w = Where::default();
    w.push(|p| format!("at >= {p}"), Bind::Int(micros(filter.since)));
    if let Some(e) = &filter.enterprise {
        w.push(|p| format!("enterprise_id = {p}"), Bind::Text(e.clone()));
    }
    if let Some(k) = &filter.kind {
        w.push(|p| format!("kind = {p}"), Bind::Text(k.clone()));
    }
    if let Some((at, e, p, k, f)) = &filter.before {
        w.binds.push(Bind::Int(*at));
        for text in [e, p, k, f] {
            w.binds.push(Bind::Text(text.clone()));
        }
        let n = w.binds.len();
        w.clauses.push(format!(
            "(at, enterprise_id, phone_number, kind, field) < (${}, ${}, ${}, ${}, ${})",
            n - 4,
            n - 3,
            n - 2,
            n - 1,
            n
        ));
    }
    let sql = format!(
        "SELECT enterprise_id, phone_number, at, kind, field, old_value, new_value FROM changes \
         WHERE 1 = 1{} ORDER BY at DESC, enterprise_id DESC, phone_number DESC, kind DESC, \
         field DESC LIMIT {}",
        w.sql(),
        filter.limit + 1
    );
    let rows = w.bind(sqlx::query(&sql)).fetch_all(&store.pool).await?;
    let mut changes = rows
        .iter()
        .map(|row| change_of(row).map(|c| ChangeRow::from(&c)))
        .collect::<Result<Vec<_>>>()?;
    let next = if changes.len() > filter.limit as usize {
        changes.truncate(filter.limit as usize);
        changes.last().map(|c| {
            format!(
                "{}|{}|{}|{}|{}",
                micros(c.at),
                c.enterprise_id,
                c.phone_number,
                c.kind,
                c.field
            )
        })
    } else {
        None
    };
    Ok(ChangePage { changes, next })
}

/// The states the alerts page filters by (`all`: every state).
pub const ALERT_STATES: [&str; 4] = ["open", "pending", "resolved", "all"];

/// The query parameters of `/alerts` and `/api/v1/alerts`, as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertParams {
    /// `open` (default), `pending`, `resolved` or `all`.
    pub state: Option<String>,
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// Only this rule.
    pub rule: Option<String>,
    /// Only this subject: a phone number, or `sync`.
    pub subject: Option<String>,
    /// The cursor of the page to show (the previous page's `next`).
    pub before: Option<String>,
    /// Rows per page (1 to 1000, default 100).
    pub limit: Option<u32>,
}

/// The alerts filter, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFilter {
    /// Only this state (`None`: all).
    pub state: Option<String>,
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// Only this rule.
    pub rule: Option<String>,
    /// Only this subject.
    pub subject: Option<String>,
    /// Older than this alert (first seen, id), newest first.
    before: Option<(i64, String)>,
    /// Rows per page.
    pub limit: u32,
}

fn limit_of(limit: Option<u32>) -> std::result::Result<u32, BadRequest> {
    let limit = limit.unwrap_or(PAGE);
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(BadRequest(format!(
            "limit: {limit} is not between 1 and {MAX_PAGE}"
        )))
    }
}

/// A `MICROS|ID` cursor.
fn time_id_cursor(
    name: &str,
    text: Option<String>,
) -> std::result::Result<Option<(i64, String)>, BadRequest> {
    text.map(|b| {
        b.split_once('|')
            .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
            .ok_or_else(|| BadRequest(format!("{name}: {b:?} is not a page cursor")))
    })
    .transpose()
}

impl AlertParams {
    /// Check and parse the parameters.
    pub fn filter(&self) -> std::result::Result<AlertFilter, BadRequest> {
        let state = match non_empty(&self.state).as_deref() {
            None | Some("open") => Some("open".to_owned()),
            Some("all") => None,
            Some(s) if ALERT_STATES.contains(&s) => Some(s.to_owned()),
            Some(other) => {
                return Err(BadRequest(format!(
                    "state: {other:?} is not one of {}",
                    ALERT_STATES.join(", ")
                )));
            }
        };
        Ok(AlertFilter {
            state,
            enterprise: non_empty(&self.enterprise),
            rule: non_empty(&self.rule),
            subject: non_empty(&self.subject),
            before: time_id_cursor("before", non_empty(&self.before))?,
            limit: limit_of(self.limit)?,
        })
    }
}

/// One alert as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AlertRow {
    /// Its id.
    pub id: String,
    /// The rule that opened it.
    pub rule: String,
    /// The enterprise.
    pub enterprise_id: String,
    /// The phone number, or `sync` (a `sync_failing` alert).
    pub subject: String,
    /// `pending`, `open` or `resolved`.
    pub state: String,
    /// The first sync its conditions held in.
    pub first_seen_at: DateTime<Utc>,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When a notification was last queued.
    pub last_notified_at: Option<DateTime<Utc>>,
    /// Reminders queued.
    pub reminders_sent: i64,
    /// When it resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Why it holds.
    pub detail: Option<String>,
    /// When it was acknowledged (no reminders after).
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Who acknowledged it (the basic-auth user, or `dashboard` / `api`).
    pub acknowledged_by: Option<String>,
    /// No reminders before this time.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Who snoozed it.
    pub snoozed_by: Option<String>,
}

impl AlertRow {
    /// Whether reminders are held at `now` (acknowledged, or snoozed until later).
    pub fn quiet(&self, now: DateTime<Utc>) -> bool {
        self.acknowledged_at.is_some() || self.snoozed_until.is_some_and(|u| u > now)
    }
}

/// Alerts per state (over the filter's enterprise, rule and subject).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AlertCounts {
    /// Open.
    pub open: u64,
    /// Open and acknowledged.
    pub acknowledged: u64,
    /// Pending (the conditions hold, not for long enough yet).
    pub pending: u64,
    /// Resolved.
    pub resolved: u64,
}

/// One page of alerts, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertPage {
    /// The alerts, newest first (by when first seen).
    pub alerts: Vec<AlertRow>,
    /// The `before` cursor of the next (older) page; null on the last page.
    pub next: Option<String>,
    /// How many alerts there are per state.
    pub counts: AlertCounts,
}

const ALERT_COLUMNS: &str = "id, rule, enterprise_id, subject, state, first_seen_at, opened_at, \
     last_notified_at, reminders_sent, resolved_at, detail, acknowledged_at, acknowledged_by, \
     snoozed_until, snoozed_by";

fn alert_row(row: &sqlx::any::AnyRow) -> Result<AlertRow> {
    let at = |i: usize| -> Result<Option<DateTime<Utc>>> {
        Ok(row.try_get::<Option<i64>, _>(i)?.map(from_micros))
    };
    Ok(AlertRow {
        id: row.try_get(0)?,
        rule: row.try_get(1)?,
        enterprise_id: row.try_get(2)?,
        subject: row.try_get(3)?,
        state: row.try_get(4)?,
        first_seen_at: from_micros(row.try_get(5)?),
        opened_at: at(6)?,
        last_notified_at: at(7)?,
        reminders_sent: row.try_get(8)?,
        resolved_at: at(9)?,
        detail: row.try_get(10)?,
        acknowledged_at: at(11)?,
        acknowledged_by: row.try_get(12)?,
        snoozed_until: at(13)?,
        snoozed_by: row.try_get(14)?,
    })
}

/// One page of alerts matching `filter`, newest first, with the counts per state.
pub async fn alerts(store: &Store, filter: &AlertFilter) -> Result<AlertPage> {
    let mut w = Where::default();
    if let Some(e) = &filter.enterprise {
        w.push(|p| format!("enterprise_id = {p}"), Bind::Text(e.clone()));
    }
    if let Some(r) = &filter.rule {
        w.push(|p| format!("rule = {p}"), Bind::Text(r.clone()));
    }
    if let Some(s) = &filter.subject {
        w.push(|p| format!("subject = {p}"), Bind::Text(s.clone()));
    }
    let counted = format!(
        "SELECT state, CAST(CASE WHEN acknowledged_at IS NULL THEN 0 ELSE 1 END AS BIGINT), \
         COUNT(*) FROM alerts WHERE 1 = 1{} \
         GROUP BY state, CASE WHEN acknowledged_at IS NULL THEN 0 ELSE 1 END",
        w.sql()
    );
    let mut counts = AlertCounts::default();
    for row in w.bind(sqlx::query(&counted)).fetch_all(&store.pool).await? {
        let state: String = row.try_get(0)?;
        let acknowledged: i64 = row.try_get(1)?;
        let n = row.try_get::<i64, _>(2)?.max(0) as u64;
        match state.as_str() {
            "open" => {
                counts.open += n;
                if acknowledged == 1 {
                    counts.acknowledged += n;
                }
            }
            "pending" => counts.pending += n,
            _ => counts.resolved += n,
        }
    }
    if let Some(s) = &filter.state {
        w.push(|p| format!("state = {p}"), Bind::Text(s.clone()));
    }
    if let Some((at, id)) = &filter.before {
        w.binds.push(Bind::Int(*at));
        w.binds.push(Bind::Text(id.clone()));
        let n = w.binds.len();
        w.clauses
            .push(format!("(first_seen_at, id) < (${}, ${})", n - 1, n));
    }
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE 1 = 1{} \
         ORDER BY first_seen_at DESC, id DESC LIMIT {}",
        w.sql(),
        filter.limit + 1
    );
    let rows = w.bind(sqlx::query(&sql)).fetch_all(&store.pool).await?;
    let mut alerts = rows.iter().map(alert_row).collect::<Result<Vec<_>>>()?;
    let next = if alerts.len() > filter.limit as usize {
        alerts.truncate(filter.limit as usize);
        alerts
            .last()
            .map(|a| format!("{}|{}", micros(a.first_seen_at), a.id))
    } else {
        None
    };
    Ok(AlertPage {
        alerts,
        next,
        counts,
    })
}

/// One alert by id.
pub async fn alert(store: &Store, id: &str) -> Result<Option<AlertRow>> {
    sqlx::query(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1"))
        .bind(id)
        .fetch_optional(&store.pool)
        .await?
        .as_ref()
        .map(alert_row)
        .transpose()
}

/// What acknowledging or snoozing an alert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertAction {
    /// Done: the alert as it is now.
    Done(AlertRow),
    /// No alert has this id.
    NotFound,
    /// The alert resolved already: nothing to hold.
    Resolved(AlertRow),
}

/// Acknowledge alert `id` at `at` (by `who`): no reminder is sent for it after. An alert
/// acknowledged before keeps its first acknowledgement.
pub async fn acknowledge(
    store: &Store,
    id: &str,
    who: &str,
    at: DateTime<Utc>,
) -> Result<AlertAction> {
    sqlx::query(
        "UPDATE alerts SET acknowledged_at = $1, acknowledged_by = $2 \
         WHERE id = $3 AND state <> 'resolved' AND acknowledged_at IS NULL",
    )
    .bind(micros(at))
    .bind(who)
    .bind(id)
    .execute(&store.pool)
    .await?;
    action_result(store, id).await
}

/// Snooze alert `id` until `until` (by `who`): no reminder is sent for it before then.
pub async fn snooze(
    store: &Store,
    id: &str,
    who: &str,
    until: DateTime<Utc>,
) -> Result<AlertAction> {
    sqlx::query(
        "UPDATE alerts SET snoozed_until = $1, snoozed_by = $2 WHERE id = $3 AND state <> 'resolved'",
    )
    .bind(micros(until))
    .bind(who)
    .bind(id)
    .execute(&store.pool)
    .await?;
    action_result(store, id).await
}

async fn action_result(store: &Store, id: &str) -> Result<AlertAction> {
    Ok(match alert(store, id).await? {
        None => AlertAction::NotFound,
        Some(a) if a.state == "resolved" => AlertAction::Resolved(a),
        Some(a) => AlertAction::Done(a),
    })
}

/// How long an alert can be snoozed for, as the forms offer it.
pub const SNOOZES: [&str; 4] = ["1h", "4h", "24h", "7d"];

/// A snooze span: `30m`, `4h`, `7d`, `2w`, at most 90 days.
pub fn parse_snooze(
    text: &str,
    now: DateTime<Utc>,
) -> std::result::Result<DateTime<Utc>, BadRequest> {
    let bad = || {
        BadRequest(format!(
            "for: {text:?} is not a span such as 1h, 4h, 24h or 7d"
        ))
    };
    if DateTime::parse_from_rfc3339(text).is_ok() {
        return Err(bad());
    }
    let before = parse_since(text, now).map_err(|_| bad())?;
    let span = now - before;
    if span <= Duration::zero() || span > Duration::days(90) {
        return Err(BadRequest(format!(
            "for: {text:?} is not between 1 minute and 90 days"
        )));
    }
    Ok(now + span)
}

/// The states the remediations page filters by.
pub const REMEDIATION_STATES: [&str; 3] = ["open", "finished", "all"];

/// The query parameters of `/remediations` and `/api/v1/remediations`, as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemediationParams {
    /// `all` (default), `open` (not finished) or `finished`.
    pub state: Option<String>,
    /// Only this enterprise.
    pub enterprise: Option<String>,
    /// The cursor of the page to show (the previous page's `next`).
    pub before: Option<String>,
    /// Requests per page (1 to 1000, default 100).
    pub limit: Option<u32>,
}

/// The remediations filter, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemediationFilter {
    /// `open`, `finished`, or `None`: all.
    pub state: Option<String>,
    /// Only this enterprise.
    pub enterprise: Option<String>,
    before: Option<(i64, String)>,
    /// Requests per page.
    pub limit: u32,
}

impl RemediationParams {
    /// Check and parse the parameters.
    pub fn filter(&self) -> std::result::Result<RemediationFilter, BadRequest> {
        let state = match non_empty(&self.state).as_deref() {
            None | Some("all") => None,
            Some(s) if REMEDIATION_STATES.contains(&s) => Some(s.to_owned()),
            Some(other) => {
                return Err(BadRequest(format!(
                    "state: {other:?} is not one of {}",
                    REMEDIATION_STATES.join(", ")
                )));
            }
        };
        Ok(RemediationFilter {
            state,
            enterprise: non_empty(&self.enterprise),
            before: time_id_cursor("before", non_empty(&self.before))?,
            limit: limit_of(self.limit)?,
        })
    }
}

/// One page of remediation requests, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemediationPage {
    /// The requests, newest first.
    pub remediations: Vec<TrackedRemediation>,
    /// The `before` cursor of the next (older) page; null on the last page.
    pub next: Option<String>,
}

const REMEDIATION_NUMBER_COLUMNS: &str = "n.remediation_id, n.phone_number, n.outcome, \
     n.recheck_1d_risk, n.recheck_1d_at, n.recheck_7d_risk, n.recheck_7d_at, \
     n.recheck_30d_risk, n.recheck_30d_at";

/// One page of remediation requests matching `filter`, newest first, with their numbers
/// (read by [`Store::remediation_page`], the store's own reader).
pub async fn remediations(store: &Store, filter: &RemediationFilter) -> Result<RemediationPage> {
    let query = RemediationQuery {
        enterprise_id: filter.enterprise.clone(),
        open: match filter.state.as_deref() {
            Some("open") => Some(true),
            Some("finished") => Some(false),
            _ => None,
        },
        before: filter
            .before
            .as_ref()
            .map(|(at, id)| (from_micros(*at), id.clone())),
        limit: Some(filter.limit + 1),
    };
    let mut remediations = store.remediation_page(&query).await?;
    let next = if remediations.len() > filter.limit as usize {
        remediations.truncate(filter.limit as usize);
        remediations
            .last()
            .map(|r| format!("{}|{}", micros(r.submitted_at), r.id))
    } else {
        None
    };
    Ok(RemediationPage { remediations, next })
}

/// A remediation request of one number, with that number's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NumberRemediation {
    /// The request id.
    pub id: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The request's status.
    pub state: String,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// `rule` or `cli`.
    pub source: String,
    /// The rule that decided it.
    pub rule: Option<String>,
    /// The number's outcome and re-checks.
    pub number: TrackedNumber,
}

async fn number_remediations(
    store: &Store,
    enterprise_id: &str,
    phone_number: &str,
) -> Result<Vec<NumberRemediation>> {
    let rows = sqlx::query(&format!(
        "SELECT {REMEDIATION_NUMBER_COLUMNS}, r.submitted_at, r.state, r.finished_at, r.source, \
         r.rule FROM remediation_numbers n JOIN remediations r ON r.id = n.remediation_id \
         WHERE n.enterprise_id = $1 AND n.phone_number = $2 ORDER BY r.submitted_at, r.id"
    ))
    .bind(enterprise_id)
    .bind(phone_number)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NumberRemediation {
                id: row.try_get(0)?,
                submitted_at: from_micros(row.try_get(9)?),
                state: row.try_get(10)?,
                finished_at: row.try_get::<Option<i64>, _>(11)?.map(from_micros),
                source: row.try_get(12)?,
                rule: row.try_get(13)?,
                number: crate::remediations::number_of(row)?,
            })
        })
        .collect()
}

async fn number_alerts(
    store: &Store,
    enterprise_id: &str,
    phone_number: &str,
) -> Result<Vec<AlertRow>> {
    sqlx::query(&format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE enterprise_id = $1 AND subject = $2 \
         ORDER BY first_seen_at, id"
    ))
    .bind(enterprise_id)
    .bind(phone_number)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(alert_row)
    .collect()
}

/// Days of the fleet's risk chart.
pub const RISK_DAYS: i64 = 30;

/// The numbers per risk level at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RiskPoint {
    /// The time: each UTC midnight of the chart's days, then now.
    pub at: DateTime<Utc>,
    /// `high`.
    pub high: u64,
    /// `medium`.
    pub medium: u64,
    /// `low`.
    pub low: u64,
    /// No data.
    pub none: u64,
}

/// Numbers per risk level over time, of one enterprise or of all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RiskHistory {
    /// The enterprise; null for the total.
    pub enterprise_id: Option<String>,
    /// Oldest first; the last point is now.
    pub points: Vec<RiskPoint>,
}

/// Signed per-level counts while walking back through the changes.
#[derive(Debug, Clone, Copy, Default)]
struct Tally([i64; 4]);

impl Tally {
    fn slot(risk: Option<&str>) -> usize {
        match risk {
            Some("high") => 0,
            Some("medium") => 1,
            Some("low") => 2,
            _ => 3,
        }
    }

    fn point(&self, at: DateTime<Utc>) -> RiskPoint {
        let n = |i: usize| self.0[i].max(0) as u64;
        RiskPoint {
            at,
            high: n(0),
            medium: n(1),
            low: n(2),
            none: n(3),
        }
    }
}

/// The numbers per risk level of each enterprise and in total at each UTC midnight of the
/// last [`RISK_DAYS`] days and now: today's counts walked back through the changes of a
/// number's risk, its arrival and its departure (each undone, newest first). Days older
/// than the store's retention keep the counts of the oldest change kept.
pub async fn risk_history(
    store: &Store,
    current: &[RiskCounts],
    now: DateTime<Utc>,
) -> Result<Vec<RiskHistory>> {
    let today = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let mut times: Vec<DateTime<Utc>> = (0..RISK_DAYS)
        .map(|k| today - Duration::days(RISK_DAYS - 1 - k))
        .collect();
    times.push(now);
    let since = times[0];
    let rows = sqlx::query(
        "SELECT enterprise_id, at, kind, old_value, new_value FROM changes \
         WHERE field IN ('spam_risk', 'number') AND at > $1 ORDER BY at DESC",
    )
    .bind(micros(since))
    .fetch_all(&store.pool)
    .await?;
    let mut names: Vec<Option<String>> = current.iter().map(|c| c.enterprise_id.clone()).collect();
    let mut tallies: Vec<Tally> = current
        .iter()
        .map(|c| Tally([c.high, c.medium, c.low, c.none].map(|n| n as i64)))
        .collect();
    let mut series: Vec<Vec<RiskPoint>> = vec![Vec::with_capacity(times.len()); names.len()];
    let mut rows = rows.iter().peekable();
    for &t in times.iter().rev() {
        // Undo every change after `t`.
        while let Some(row) = rows.peek() {
            let at = from_micros(row.try_get(1)?);
            if at <= t {
                break;
            }
            let enterprise: String = row.try_get(0)?;
            let kind: String = row.try_get(2)?;
            let old: Option<String> = row.try_get(3)?;
            let new: Option<String> = row.try_get(4)?;
            let i = match names
                .iter()
                .position(|n| n.as_deref() == Some(enterprise.as_str()))
            {
                Some(i) => i,
                None => {
                    // An enterprise with no number now, but some in the chart's days.
                    names.push(Some(enterprise));
                    tallies.push(Tally::default());
                    series.push(vec![]);
                    names.len() - 1
                }
            };
            let tally = &mut tallies[i];
            match kind.as_str() {
                "added" => tally.0[Tally::slot(new.as_deref())] -= 1,
                "removed" => tally.0[Tally::slot(old.as_deref())] += 1,
                _ => {
                    tally.0[Tally::slot(new.as_deref())] -= 1;
                    tally.0[Tally::slot(old.as_deref())] += 1;
                }
            }
            rows.next();
        }
        for (i, tally) in tallies.iter().enumerate() {
            series[i].push(tally.point(t));
        }
    }
    let mut out: Vec<RiskHistory> = names
        .into_iter()
        .zip(series)
        .map(|(enterprise_id, mut points)| {
            // A series added mid-walk has no points for the later times: it had no number then.
            points.reverse();
            while points.len() < times.len() {
                let at = times[points.len()];
                points.push(Tally::default().point(at));
            }
            RiskHistory {
                enterprise_id,
                points,
            }
        })
        .collect();
    out.sort_by(|a, b| a.enterprise_id.cmp(&b.enterprise_id));
    let total = RiskHistory {
        enterprise_id: None,
        points: (0..times.len())
            .map(|k| {
                let mut p = Tally::default().point(times[k]);
                for h in &out {
                    p.high += h.points[k].high;
                    p.medium += h.points[k].medium;
                    p.low += h.points[k].low;
                    p.none += h.points[k].none;
                }
                p
            })
            .collect(),
    };
    out.insert(0, total);
    Ok(out)
}

/// The figures `/metrics` exports, read from the store at each scrape.
#[derive(Debug, Clone, Default)]
pub struct MetricsData {
    /// Numbers monitored per enterprise and risk (`none`: no data).
    pub numbers: Vec<(String, String, u64)>,
    /// Changes recorded per enterprise and kind.
    pub changes: Vec<(String, String, u64)>,
    /// Per enterprise: syncs recorded, fresh reads made, last sync time.
    pub syncs: Vec<(String, u64, u64, DateTime<Utc>)>,
    /// Verified webhook deliveries stored, per event type.
    pub webhooks: Vec<(String, u64)>,
    /// Outbox items per kind and state.
    pub outbox: Vec<(String, String, u64)>,
    /// This month's spend per enterprise, in US dollars.
    pub spend: Vec<(String, f64)>,
    /// Alerts per enterprise and state (`open`, `pending`).
    pub alerts: Vec<(String, String, u64)>,
}

/// Read what `/metrics` exports.
pub async fn metrics(store: &Store, now: DateTime<Utc>) -> Result<MetricsData> {
    let count = |row: &sqlx::any::AnyRow, i: usize| -> Result<u64> {
        Ok(row.try_get::<i64, _>(i)?.max(0) as u64)
    };
    let numbers = risk_counts(store)
        .await?
        .into_iter()
        .map(|(e, r, n)| (e, r.unwrap_or_else(|| "none".into()), n))
        .collect();
    let changes = sqlx::query(
        "SELECT enterprise_id, kind, n FROM change_counts ORDER BY enterprise_id, kind",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, count(row, 2)?)))
    .collect::<Result<Vec<_>>>()?;
    let syncs = sqlx::query(
        "SELECT enterprise_id, COUNT(*), CAST(COALESCE(SUM(fresh_reads), 0) AS BIGINT), MAX(at) FROM sweeps \
         GROUP BY enterprise_id ORDER BY enterprise_id",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| {
        Ok((
            row.try_get(0)?,
            count(row, 1)?,
            count(row, 2)?,
            from_micros(row.try_get(3)?),
        ))
    })
    .collect::<Result<Vec<_>>>()?;
    let webhooks = sqlx::query(
        "SELECT event_type, COUNT(*) FROM webhook_events GROUP BY event_type ORDER BY event_type",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get(0)?, count(row, 1)?)))
    .collect::<Result<Vec<_>>>()?;
    let outbox = sqlx::query(
        "SELECT kind, state, COUNT(*) FROM outbox GROUP BY kind, state ORDER BY kind, state",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, count(row, 2)?)))
    .collect::<Result<Vec<_>>>()?;
    let today = now.date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let spend = Spend::load(store, None, first, today, &PriceTable::default())
        .await?
        .months
        .iter()
        .map(|m| {
            let dollars = m.total_usd.known.micros() as f64 / 1e6;
            (m.enterprise_id.clone(), dollars)
        })
        .collect();
    let alerts = sqlx::query(
        "SELECT enterprise_id, state, COUNT(*) FROM alerts WHERE state <> 'resolved' \
         GROUP BY enterprise_id, state ORDER BY enterprise_id, state",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, count(row, 2)?)))
    .collect::<Result<Vec<_>>>()?;
    Ok(MetricsData {
        alerts,
        numbers,
        changes,
        syncs,
        webhooks,
        outbox,
        spend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> NumberParams {
        serde_json::from_value(serde_json::Value::Object(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| {
                    let v = if k == "limit" {
                        serde_json::json!(v.parse::<u32>().unwrap())
                    } else {
                        serde_json::json!(v)
                    };
                    (k.into_owned(), v)
                })
                .collect(),
        ))
        .unwrap()
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let now = Utc::now();
        for (query, parameter) in [
            ("risk=severe", "risk:"),
            ("prefix=%2B1%25", "prefix:"),
            ("sort=colour", "sort:"),
            ("dir=up", "dir:"),
            ("after=nope", "after:"),
            ("limit=0", "limit:"),
            ("changed_since=yesterday", "changed_since:"),
        ] {
            let error = params(query).filter(now).unwrap_err();
            assert!(error.0.starts_with(parameter), "{query}: {error}");
        }
    }

    #[test]
    fn a_cursor_round_trips() {
        let cursor = Cursor {
            key: -1,
            enterprise_id: "ent.with.dots".into(),
            phone_number: "+12025550100".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
    }

    #[test]
    fn since_takes_spans_and_times() {
        let now = "2026-01-10T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            parse_since("24h", now).unwrap(),
            "2026-01-09T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            parse_since("2026-01-01T00:00:00Z", now).unwrap(),
            "2026-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
