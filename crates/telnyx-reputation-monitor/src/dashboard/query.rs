//! The dashboard's one query layer: what the pages, the CSV export and the JSON API read.
//! Every filter is parsed and turned into SQL here, once.
//!
//! A number's *current* state is its newest stored reading (a sync stores a reading only
//! when something but the refresh time changed, so the newest row holds the number's
//! current risk, category, scores and ownership status). The numbers table pages with
//! keyset pagination — each page starts after the sort key, enterprise and number of the
//! previous page's last row — so a deep page costs what the first one does.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use telnyx_reputation::PriceTable;
use utoipa::{IntoParams, ToSchema};

use crate::error::{MonitorError, Result};
use crate::model::{Change, Reading};
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

    /// The sort key as an SQL expression over the current reading `r` (an integer).
    fn key_sql(self) -> &'static str {
        match self {
            Sort::Number => "0",
            Sort::Risk => {
                "CASE r.spam_risk WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
            }
            Sort::Score(0) => "COALESCE(r.maturity_score, -1)",
            Sort::Score(1) => "COALESCE(r.connection_score, -1)",
            Sort::Score(2) => "COALESCE(r.engagement_score, -1)",
            Sort::Score(_) => "COALESCE(r.sentiment_score, -1)",
        }
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

/// The current reading of every number still monitored: `m` (monitored_numbers) joined
/// with `r`, its newest reading.
const CURRENT: &str = "FROM monitored_numbers m JOIN readings r \
     ON r.enterprise_id = m.enterprise_id AND r.phone_number = m.phone_number \
     AND r.observed_at = (SELECT MAX(x.observed_at) FROM readings x \
     WHERE x.enterprise_id = m.enterprise_id AND x.phone_number = m.phone_number) \
     WHERE m.removed_at IS NULL";

impl NumberFilter {
    /// The WHERE clauses of the filter (not the cursor).
    fn conditions(&self) -> Where {
        let mut w = Where::default();
        if let Some(e) = &self.enterprise {
            w.push(|p| format!("m.enterprise_id = {p}"), Bind::Text(e.clone()));
        }
        match self.risk.as_deref() {
            Some("none") => w.clauses.push("r.spam_risk IS NULL".into()),
            Some(risk) => w.push(|p| format!("r.spam_risk = {p}"), Bind::Text(risk.into())),
            None => {}
        }
        if let Some(c) = &self.category {
            w.push(|p| format!("r.spam_category = {p}"), Bind::Text(c.clone()));
        }
        if let Some(o) = &self.ownership {
            w.push(
                |p| format!("r.ownership_status = {p}"),
                Bind::Text(o.clone()),
            );
        }
        if let Some(since) = self.changed_since {
            w.push(
                |p| {
                    format!(
                        "EXISTS (SELECT 1 FROM changes c WHERE c.enterprise_id = m.enterprise_id \
                         AND c.phone_number = m.phone_number AND c.at >= {p})"
                    )
                },
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
        w.binds.push(Bind::Int(after.key));
        w.binds.push(Bind::Text(after.enterprise_id.clone()));
        w.binds.push(Bind::Text(after.phone_number.clone()));
        let n = w.binds.len();
        // Row-value comparison (SQLite and PostgreSQL both have it).
        w.clauses.push(format!(
            "({key}, m.enterprise_id, m.phone_number) {cmp} (${}, ${}, ${})",
            n - 2,
            n - 1,
            n
        ));
    }
    let sql = format!(
        "SELECT m.enterprise_id, m.phone_number, r.observed_at, r.spam_risk, r.spam_category, \
         r.maturity_score, r.connection_score, r.engagement_score, r.sentiment_score, \
         r.ownership_status, {key} AS sort_key {CURRENT}{} \
         ORDER BY sort_key {order}, m.enterprise_id {order}, m.phone_number {order} LIMIT {}",
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
}

/// Numbers per enterprise and current risk (`None`: no data).
pub async fn risk_counts(store: &Store) -> Result<Vec<(String, Option<String>, u64)>> {
    let rows = sqlx::query(&format!(
        "SELECT m.enterprise_id, r.spam_risk, COUNT(*) {CURRENT} \
         GROUP BY m.enterprise_id, r.spam_risk ORDER BY m.enterprise_id"
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
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM (SELECT DISTINCT enterprise_id, phone_number FROM changes \
         WHERE at >= $1) t",
    )
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

/// The fleet summary at `now`.
pub async fn fleet(store: &Store, now: DateTime<Utc>) -> Result<Fleet> {
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
            .map(|m| MonthSpend {
                enterprise_id: m.enterprise_id.clone(),
                scheduled_checks: m.scheduled_checks,
                fresh_checks: m.fresh_checks,
                remediations: m.remediations,
                total: m.total_usd.to_string(),
            })
            .collect(),
        spend_total: spend.total_usd.to_string(),
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
        out.push(NumberHistory {
            enterprise_id,
            phone_number: phone_number.to_owned(),
            removed_at,
            readings,
            changes,
            events,
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
        "SELECT enterprise_id, kind, COUNT(*) FROM changes GROUP BY enterprise_id, kind \
         ORDER BY enterprise_id, kind",
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
    Ok(MetricsData {
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
