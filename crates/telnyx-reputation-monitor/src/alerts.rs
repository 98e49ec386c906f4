//! Alerts with a lifecycle. A rule whose `notify` action names a channel is an alert rule:
//! per (rule, enterprise, subject) — the subject is a phone number, or [`SYNC_SUBJECT`] for
//! `sync_failing` — it keeps one live row in the store's `alerts` table:
//!
//! - the conditions hold: a new row is `pending` and counts consecutive syncs; at the rule's
//!   `open_after` (default 1; `sync_failing = N` counts failed syncs, a 401 opens at once)
//!   it is `open` and an *opened* notification is queued;
//! - while open, a *reminder* is queued when `remind_every` passed since the last
//!   notification (not while acknowledged or snoozed);
//! - the conditions stop holding: an open alert is `resolved` (a *resolved* notification is
//!   queued), a pending one is dropped.
//!
//! [`plan`] decides the transitions; the store writes them with their outbox rows in the
//! transaction of the sync that caused them (a failed sync's in their own), each row keyed
//! `alert:<id>:opened|remind:<n>|resolved:<channel>`, so a restart neither re-sends nor
//! loses one. Sending is the outbox's ([`crate::channels::send`]); what a number's state
//! is, the rules' ([`crate::rules`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{MonitorError, Result};
use crate::model::{Change, StoredEvent, SyncReport};
use crate::outbox::{NewOutboxItem, OutboxKind};
use crate::rules::{Rule, Rules};
use crate::store::{Store, from_micros, micros};

/// The subject of a `sync_failing` alert: the service's sync of the enterprise.
pub const SYNC_SUBJECT: &str = "sync";

/// Where an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlertState {
    /// The conditions hold, for fewer consecutive syncs than the rule's `open_after`.
    Pending,
    /// Open: notified, reminded, not resolved yet.
    Open,
    /// The conditions stopped holding (kept as history).
    Resolved,
}

impl AlertState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Open => "open",
            Self::Resolved => "resolved",
        }
    }

    /// Parse a stored (or typed) state.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Open, Self::Resolved]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A row of the `alerts` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Its id (in the notifications and their idempotency keys).
    pub id: String,
    /// The rule.
    pub rule: String,
    /// The enterprise.
    pub enterprise_id: String,
    /// The phone number, or [`SYNC_SUBJECT`].
    pub subject: String,
    /// Where it is.
    pub state: AlertState,
    /// Consecutive syncs the conditions held while pending.
    pub consecutive: i64,
    /// The first sync the conditions held in.
    pub first_seen_at: DateTime<Utc>,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When a notification (opened or reminder) was last queued.
    pub last_notified_at: Option<DateTime<Utc>>,
    /// Reminders queued.
    pub reminders_sent: i64,
    /// When it resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Why it holds (e.g. `spam_risk low -> high`).
    pub detail: Option<String>,
    /// When someone acknowledged it (no reminders after).
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// No reminders before this time.
    pub snoozed_until: Option<DateTime<Utc>>,
}

/// What a notification announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlertEvent {
    /// The alert opened.
    Opened,
    /// It is still open.
    Reminder,
    /// It resolved.
    Resolved,
}

impl AlertEvent {
    /// A Teams theme colour: red, amber, green.
    pub(crate) fn color(self) -> &'static str {
        match self {
            Self::Opened => "D93F0B",
            Self::Reminder => "FBCA04",
            Self::Resolved => "0E8A16",
        }
    }
}

/// One notification of an alert, as every channel renders it (a `webhook` channel sends
/// it as this JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertNotice {
    /// `opened`, `reminder` or `resolved`.
    pub event: AlertEvent,
    /// The alert's id.
    pub alert_id: String,
    /// The rule.
    pub rule: String,
    /// The enterprise.
    pub enterprise_id: String,
    /// The phone number, or `sync`.
    pub subject: String,
    /// Why it holds.
    pub detail: Option<String>,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// When this notification was decided.
    pub at: DateTime<Utc>,
    /// The reminder's number (1, 2, …), for a reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<i64>,
}

impl AlertNotice {
    /// One line: what happened, to what, by which rule.
    pub fn title(&self) -> String {
        let what = match (self.event, self.reminder) {
            (AlertEvent::Opened, _) => "OPENED".to_owned(),
            (AlertEvent::Reminder, n) => format!("REMINDER {}", n.unwrap_or(1)),
            (AlertEvent::Resolved, _) => "RESOLVED".to_owned(),
        };
        format!(
            "[telnyx-reputation] {what}: {} (rule \"{}\", enterprise {})",
            self.subject, self.rule, self.enterprise_id
        )
    }

    /// One line of detail.
    pub fn detail_line(&self) -> String {
        let detail = self
            .detail
            .as_deref()
            .unwrap_or("the rule's conditions hold");
        let since = self
            .opened_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        match self.event {
            AlertEvent::Opened => detail.to_owned(),
            AlertEvent::Reminder => format!("still open since {since}: {detail}"),
            AlertEvent::Resolved => format!("no longer holds (open since {since})"),
        }
    }

    /// The title and the detail, on two lines (Slack's text).
    pub fn text(&self) -> String {
        format!("{}\n{}", self.title(), self.detail_line())
    }
}

/// The transitions one evaluation decided, written together in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertPlan {
    /// Rows to insert or update.
    pub alerts: Vec<Alert>,
    /// Pending rows whose conditions stopped holding before they opened: deleted.
    pub cleared: Vec<String>,
    /// The notifications, for the outbox.
    pub outbox: Vec<NewOutboxItem>,
}

/// That a rule's conditions hold for a subject, and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Holds {
    pub(crate) detail: String,
    /// Open at once, whatever `open_after` says (a 401: the key is revoked).
    pub(crate) immediate: bool,
}

/// For each rule evaluated (the key), the subjects its conditions hold for now. A rule not
/// in the map is not evaluated: its live alerts stay as they are.
pub(crate) type Holding = BTreeMap<String, BTreeMap<String, Holds>>;

/// The transitions of the live alerts of `enterprise_id` (`live`, pending and open) given
/// what holds now.
pub(crate) fn plan(
    rules: &Rules,
    holding: &Holding,
    enterprise_id: &str,
    live: &[Alert],
    now: DateTime<Utc>,
) -> AlertPlan {
    let mut out = AlertPlan::default();
    for rule in &rules.rules {
        let Some(holds) = holding.get(&rule.name) else {
            continue;
        };
        let threshold = i64::from(rule.when.sync_failing.or(rule.open_after).unwrap_or(1));
        let mine: BTreeMap<&str, &Alert> = live
            .iter()
            .filter(|a| a.rule == rule.name && a.enterprise_id == enterprise_id)
            .map(|a| (a.subject.as_str(), a))
            .collect();
        for (subject, why) in holds {
            let mut alert = match mine.get(subject.as_str()) {
                Some(alert) => (*alert).clone(),
                None => Alert {
                    id: uuid::Uuid::new_v4().to_string(),
                    rule: rule.name.clone(),
                    enterprise_id: enterprise_id.to_owned(),
                    subject: subject.clone(),
                    state: AlertState::Pending,
                    consecutive: 0,
                    first_seen_at: now,
                    opened_at: None,
                    last_notified_at: None,
                    reminders_sent: 0,
                    resolved_at: None,
                    detail: None,
                    acknowledged_at: None,
                    snoozed_until: None,
                },
            };
            alert.detail = Some(why.detail.clone());
            match alert.state {
                AlertState::Open => {
                    let due = rule.remind_every().is_some_and(|every| {
                        let every =
                            chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
                        alert
                            .last_notified_at
                            .is_none_or(|last| now - last >= every)
                    });
                    let quiet = alert.acknowledged_at.is_some()
                        || alert.snoozed_until.is_some_and(|until| until > now);
                    if !due || quiet {
                        continue;
                    }
                    alert.reminders_sent += 1;
                    alert.last_notified_at = Some(now);
                    notify(rules, rule, &alert, AlertEvent::Reminder, now, &mut out);
                }
                _ => {
                    alert.consecutive = if why.immediate {
                        threshold.max(alert.consecutive + 1)
                    } else {
                        alert.consecutive + 1
                    };
                    if alert.consecutive >= threshold {
                        alert.state = AlertState::Open;
                        alert.opened_at = Some(now);
                        alert.last_notified_at = Some(now);
                        notify(rules, rule, &alert, AlertEvent::Opened, now, &mut out);
                    }
                }
            }
            out.alerts.push(alert);
        }
        for (subject, alert) in mine {
            if holds.contains_key(subject) {
                continue;
            }
            match alert.state {
                AlertState::Open => {
                    let mut alert = alert.clone();
                    alert.state = AlertState::Resolved;
                    alert.resolved_at = Some(now);
                    notify(rules, rule, &alert, AlertEvent::Resolved, now, &mut out);
                    out.alerts.push(alert);
                }
                _ => out.cleared.push(alert.id.clone()),
            }
        }
    }
    out
}

/// Queue `event` of `alert` to each channel the rule names.
fn notify(
    rules: &Rules,
    rule: &Rule,
    alert: &Alert,
    event: AlertEvent,
    now: DateTime<Utc>,
    out: &mut AlertPlan,
) {
    let notice = AlertNotice {
        event,
        alert_id: alert.id.clone(),
        rule: alert.rule.clone(),
        enterprise_id: alert.enterprise_id.clone(),
        subject: alert.subject.clone(),
        detail: alert.detail.clone(),
        opened_at: alert.opened_at.unwrap_or(now),
        at: now,
        reminder: (event == AlertEvent::Reminder).then_some(alert.reminders_sent),
    };
    let step = match event {
        AlertEvent::Opened => "opened".to_owned(),
        AlertEvent::Reminder => format!("remind:{}", alert.reminders_sent),
        AlertEvent::Resolved => "resolved".to_owned(),
    };
    for name in rule.channels() {
        // Validation made sure every named channel exists.
        let Some(channel) = rules.channels.iter().find(|c| c.name == name) else {
            continue;
        };
        out.outbox.push(NewOutboxItem {
            kind: OutboxKind::Channel,
            idempotency_key: format!("alert:{}:{step}:{name}", alert.id),
            enterprise_id: Some(alert.enterprise_id.clone()),
            rule: Some(alert.rule.clone()),
            target: name.to_owned(),
            payload: crate::channels::render(channel, &notice),
        });
    }
}

/// What the alert rules of `rules` see in a sync that succeeded: for each number rule, the
/// numbers its conditions hold for; for each `sync_failing` rule, nothing (the sync worked).
pub(crate) fn sync_holding(
    rules: &Rules,
    report: &SyncReport,
    events: &[StoredEvent],
    now: DateTime<Utc>,
) -> Holding {
    let mut out = Holding::new();
    let alert_rules: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| !r.channels().is_empty())
        .collect();
    if alert_rules.is_empty() {
        return out;
    }
    // The deadlines only count for a rule that reads them: with none, a sync of a large
    // fleet does not index every flagged number for nothing.
    let deadlines = if alert_rules
        .iter()
        .any(|r| r.when.confirm_within_days.is_some())
    {
        crate::rules::deadlines(report, events)
    } else {
        BTreeMap::new()
    };
    let mut changes: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for change in &report.changes {
        changes
            .entry(change.phone_number.as_str())
            .or_default()
            .push(change);
    }
    for rule in alert_rules {
        let holds = out.entry(rule.name.clone()).or_default();
        if rule.when.sync_failing.is_some() {
            continue;
        }
        for reading in &report.current {
            let number = reading.phone_number.as_str();
            let mine = changes.get(number).map_or(&[][..], Vec::as_slice);
            let deadline = deadlines.get(number).copied();
            if crate::rules::matches(&rule.when, mine, Some(reading), deadline, now) {
                // The changes say why a change condition holds; a state says itself.
                let w = &rule.when;
                let on_change =
                    w.became_high || w.score_dropped_by.is_some() || w.category_in.is_some();
                let mut why: Vec<String> = mine
                    .iter()
                    .filter(|_| on_change)
                    .map(|c| {
                        format!(
                            "{} {} -> {}",
                            c.field,
                            c.old_value.as_deref().unwrap_or("none"),
                            c.new_value.as_deref().unwrap_or("none")
                        )
                    })
                    .collect();
                if rule.when.is_high {
                    why.push("spam_risk is high".into());
                }
                if let Some(days) = rule.when.no_reading_for_days {
                    why.push(match reading.refreshed_at {
                        Some(at) => format!(
                            "last refreshed {} (over {days} day(s) ago)",
                            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        ),
                        None => "never refreshed".into(),
                    });
                }
                if let (Some(_), Some(by)) = (rule.when.confirm_within_days, deadline) {
                    why.push(format!(
                        "confirm ownership by {}",
                        by.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    ));
                }
                holds.insert(
                    number.to_owned(),
                    Holds {
                        detail: why.join("; "),
                        immediate: false,
                    },
                );
            }
        }
    }
    out
}

/// What the `sync_failing` rules see when a sync failed with `message` (`immediate`: an
/// authentication failure, which the next sync will not fix by itself).
pub(crate) fn failure_holding(rules: &Rules, message: &str, immediate: bool) -> Holding {
    rules
        .rules
        .iter()
        .filter(|r| r.when.sync_failing.is_some() && !r.channels().is_empty())
        .map(|r| {
            let holds = Holds {
                detail: format!("the sync failed: {message}"),
                immediate,
            };
            (
                r.name.clone(),
                BTreeMap::from([(SYNC_SUBJECT.to_owned(), holds)]),
            )
        })
        .collect()
}

/// Whether a failed sync's error means the key was refused (a 401 opens a `sync_failing`
/// alert at once).
pub fn is_auth_failure(error: &MonitorError) -> bool {
    matches!(error, MonitorError::Api(e) if e.kind() == telnyx_reputation::ErrorKind::Authentication)
}

const SELECT_ALERTS: &str = "SELECT id, rule, enterprise_id, subject, state, consecutive, \
     first_seen_at, opened_at, last_notified_at, reminders_sent, resolved_at, detail, \
     acknowledged_at, snoozed_until FROM alerts";

fn alert_of(row: &AnyRow) -> Result<Alert> {
    let state: String = row.try_get(4)?;
    let at = |i: usize| -> Result<Option<DateTime<Utc>>> {
        Ok(row.try_get::<Option<i64>, _>(i)?.map(from_micros))
    };
    Ok(Alert {
        id: row.try_get(0)?,
        rule: row.try_get(1)?,
        enterprise_id: row.try_get(2)?,
        subject: row.try_get(3)?,
        state: AlertState::parse(&state).ok_or_else(|| {
            MonitorError::Store(sqlx::Error::Decode(
                format!("unknown alert state {state:?}").into(),
            ))
        })?,
        consecutive: row.try_get(5)?,
        first_seen_at: from_micros(row.try_get(6)?),
        opened_at: at(7)?,
        last_notified_at: at(8)?,
        reminders_sent: row.try_get(9)?,
        resolved_at: at(10)?,
        detail: row.try_get(11)?,
        acknowledged_at: at(12)?,
        snoozed_until: at(13)?,
    })
}

impl Store {
    /// Alerts of `enterprise_id` (every enterprise when `None`) in these states (empty:
    /// all), oldest first.
    pub async fn alerts(
        &self,
        enterprise_id: Option<&str>,
        states: &[AlertState],
    ) -> Result<Vec<Alert>> {
        let rows = sqlx::query(&format!(
            "{SELECT_ALERTS} WHERE ($1 IS NULL OR enterprise_id = $1) ORDER BY first_seen_at, id"
        ))
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let alert = alert_of(row)?;
            if states.is_empty() || states.contains(&alert.state) {
                out.push(alert);
            }
        }
        Ok(out)
    }

    /// The pending and open alerts of `enterprise_id`.
    pub(crate) async fn live_alerts(&self, enterprise_id: &str) -> Result<Vec<Alert>> {
        self.alerts(
            Some(enterprise_id),
            &[AlertState::Pending, AlertState::Open],
        )
        .await
    }

    /// Write `plan` (rows, deletions, outbox rows) inside `tx`.
    pub(crate) async fn write_alerts(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        plan: &AlertPlan,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for a in &plan.alerts {
            sqlx::query(
                "INSERT INTO alerts (id, rule, enterprise_id, subject, state, consecutive, \
                 first_seen_at, opened_at, last_notified_at, reminders_sent, resolved_at, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, \
                 consecutive = excluded.consecutive, opened_at = excluded.opened_at, \
                 last_notified_at = excluded.last_notified_at, \
                 reminders_sent = excluded.reminders_sent, resolved_at = excluded.resolved_at, \
                 detail = excluded.detail",
            )
            .bind(&a.id)
            .bind(&a.rule)
            .bind(&a.enterprise_id)
            .bind(&a.subject)
            .bind(a.state.as_str())
            .bind(a.consecutive)
            .bind(micros(a.first_seen_at))
            .bind(a.opened_at.map(micros))
            .bind(a.last_notified_at.map(micros))
            .bind(a.reminders_sent)
            .bind(a.resolved_at.map(micros))
            .bind(&a.detail)
            .execute(&mut **tx)
            .await?;
        }
        for id in &plan.cleared {
            sqlx::query("DELETE FROM alerts WHERE id = $1 AND state = 'pending'")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        self.insert_outbox(tx, &plan.outbox, now).await
    }

    /// Record a failed sync of `enterprise_id` for the `sync_failing` rules of `rules`, in
    /// its own transaction; returns the notifications queued.
    pub async fn record_sync_failure(
        &self,
        rules: &Rules,
        enterprise_id: &str,
        error: &MonitorError,
    ) -> Result<usize> {
        let holding = failure_holding(rules, &error.to_string(), is_auth_failure(error));
        if holding.is_empty() {
            return Ok(0);
        }
        let now = from_micros(micros(Utc::now()));
        let live = self.live_alerts(enterprise_id).await?;
        let plan = plan(rules, &holding, enterprise_id, &live, now);
        let mut tx = self.pool.begin().await?;
        self.write_alerts(&mut tx, &plan, now).await?;
        tx.commit().await?;
        Ok(plan.outbox.len())
    }
}
