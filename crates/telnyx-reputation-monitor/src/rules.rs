//! Rules: a TOML file of conditions on what a sync saw, each with actions. Conditions in
//! one rule must all hold for a number (write two rules for "or"); actions run once per
//! rule with every matching number.
//!
//! ```toml
//! [[rule]]
//! name = "turned high"
//! when = { became_high = true }
//! actions = [
//!   { type = "print" },
//!   { type = "notify", url = "http://127.0.0.1:9000/hooks/reputation", format = "slack" },
//!   { type = "remediate", call_purpose = "Appointment reminders for our customers", max_per_run = 20 },
//! ]
//! ```
//!
//! Conditions: `became_high` (risk rose to `high`), `score_dropped_by = N` (any score fell
//! by ≥ N), `category_in = [..]` (a category was set to one of these), `confirm_within_days
//! = D` (an ownership `confirm_by` is due within D days, from the API or a stored webhook;
//! a sync fires it once per number and deadline, and once more when it is within the
//! optional `confirm_reminder_days = R`). Rule names are unique (a file with two rules of
//! one name is refused, naming both lines); a `category_in` entry that is not a category the
//! API reports is accepted with a warning ([`Rules::warnings`]).
//! A `notify` action with `channel = "NAME"` (a `[[channel]]` table, see [`crate::channels`])
//! makes the rule an *alert* ([`crate::alerts`]): it opens once per number while the
//! conditions hold (after `open_after` consecutive syncs), reminds every `remind_every`, and
//! resolves when they stop holding. Three conditions exist only for alerts: `is_high`
//! (the number's risk is `high`), `no_reading_for_days = D` (its `last_refreshed_at` is
//! older than D days, or missing) and `sync_failing = N` (the service's sync of the
//! enterprise failed N times in a row, or once with a 401).
//! Remediation is a dry run unless the caller applies it, and at most `max_per_run`
//! numbers (default 10) per rule and run are submitted; applied, it goes through the
//! facade's cost guard ([`crate::authorize_billable`]) like every request of the client.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use telnyx_reputation::{Client, RemediationRequest};

use crate::channels::Channel;
use crate::error::{MonitorError, Result};
use crate::model::{Change, ChangeKind, Reading, StoredEvent, SyncReport};
use crate::outbox::{NewOutboxItem, OutboxItem, OutboxKind, OutboxState};

/// Default cap of numbers one remediate action submits per run.
pub const DEFAULT_MAX_PER_RUN: usize = 10;

/// The spam categories the API reports (opaque labels on the wire): a `category_in` entry
/// outside this list is accepted but warned about at load ([`Rules::warnings`]), since it
/// would never match what the API sends today.
pub const KNOWN_CATEGORIES: [&str; 4] = ["telemarketing", "robocall", "scam", "debt_collection"];

/// A parsed rules file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The rules, in file order.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
    /// The channels alert notifications go to (`[[channel]]` tables).
    #[serde(default, rename = "channel", skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its name, printed with every outcome.
    pub name: String,
    /// The conditions, all of which must hold.
    pub when: Conditions,
    /// What to do with the matching numbers.
    pub actions: Vec<Action>,
    /// Alerts only: open after the conditions held in this many consecutive syncs
    /// (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_after: Option<u32>,
    /// Alerts only: remind at most this often while open (`30m`, `4h`, `1d`); default never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_every: Option<String>,
}

/// Conditions of a rule; at least one must be set.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// The number's risk rose to `high` in this sync.
    #[serde(default)]
    pub became_high: bool,
    /// One of its scores fell by at least this much in this sync.
    pub score_dropped_by: Option<i64>,
    /// Its category was set (or changed) to one of these in this sync.
    pub category_in: Option<Vec<String>>,
    /// Its ownership must be confirmed within this many days (or is overdue). Fires once
    /// per number and deadline in a sync that runs the rule's actions, not on every sync.
    pub confirm_within_days: Option<i64>,
    /// With `confirm_within_days`: fire once more, as a reminder, when the deadline is
    /// within this many days (fewer than `confirm_within_days`).
    pub confirm_reminder_days: Option<i64>,
    /// Alerts only: the number's risk is `high` (the alert stays open while it is).
    #[serde(default)]
    pub is_high: bool,
    /// Alerts only: the number's `last_refreshed_at` is older than this many days (or it
    /// has none): it silently stopped being checked.
    pub no_reading_for_days: Option<i64>,
    /// Alerts only, alone: the service's sync of the enterprise failed this many times in a
    /// row (a 401, a revoked key, opens at once). The alert's subject is `sync`.
    pub sync_failing: Option<u32>,
}

impl Conditions {
    /// Whether these conditions hold as long as a state lasts (not only in the sync that
    /// saw a change): such a rule's actions must all be channel notifications.
    pub fn is_state(&self) -> bool {
        self.is_high || self.no_reading_for_days.is_some() || self.sync_failing.is_some()
    }
}

impl Rule {
    /// The channels this rule's `notify` actions name: non-empty for an alert rule.
    pub fn channels(&self) -> Vec<&str> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Notify(n) => n.channel.as_deref(),
                _ => None,
            })
            .collect()
    }

    /// `remind_every` parsed; `None` when unset.
    pub fn remind_every(&self) -> Option<std::time::Duration> {
        self.remind_every
            .as_deref()
            .and_then(|t| crate::service::parse_duration(t).ok())
    }
}

/// An action of a rule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Print one JSON line for the match.
    Print,
    /// POST a JSON notification.
    Notify(Notify),
    /// Submit remediation for the matching numbers.
    Remediate(Remediate),
}

/// POST a notification to `url` (at every sync the rule matches), or send an alert's
/// notifications to the `channel` of that name (when it opens, reminds and resolves).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// Where to POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The `[[channel]]` to send alert notifications to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// `json` (the match itself, as `print` writes it) or `slack` (`{"text": …}`).
    #[serde(default)]
    pub format: NotifyFormat,
}

/// Body shape of a notification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotifyFormat {
    /// The match as JSON.
    #[default]
    Json,
    /// A Slack-compatible incoming-webhook body, `{"text": "…"}`.
    Slack,
}

/// Submit remediation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Remediate {
    /// How the numbers are used (sent as `call_purpose`).
    pub call_purpose: String,
    /// Contact email sent with the request.
    pub contact_email: Option<String>,
    /// At most this many numbers per run (default 10); the rest are reported as skipped.
    pub max_per_run: Option<usize>,
}

/// The numbers one rule matched and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The rule's name.
    pub rule: String,
    /// The enterprise.
    pub enterprise_id: String,
    /// Matching numbers, sorted.
    pub numbers: Vec<String>,
    /// The changes of those numbers in this sync.
    pub changes: Vec<Change>,
    /// Ownership deadlines of those numbers, when the rule looks at them.
    pub confirm_by: BTreeMap<String, DateTime<Utc>>,
}

/// What one action did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// A JSON line to print.
    Print {
        /// The rule.
        rule: String,
        /// The line.
        line: String,
    },
    /// A notification was delivered.
    Notified {
        /// The rule.
        rule: String,
        /// Where.
        url: String,
        /// The HTTP status answered.
        status: u16,
    },
    /// Remediation submitted (`applied`) or only planned (dry run).
    Remediation {
        /// The rule.
        rule: String,
        /// `false`: dry run, nothing was sent.
        applied: bool,
        /// The numbers submitted (or that would be).
        numbers: Vec<String>,
        /// Matching numbers left out by `max_per_run`.
        skipped: Vec<String>,
        /// The remediation request id, when applied.
        remediation_id: Option<String>,
    },
    /// An action failed; the others still ran.
    Failed {
        /// The rule.
        rule: String,
        /// What failed.
        message: String,
    },
}

impl Rules {
    /// Parse rules from TOML text; `origin` names the source in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let rules: Rules = toml::from_str(text).map_err(|e| MonitorError::Rules {
            origin: origin.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        rules.validate(origin)?;
        unique_names(text, origin)?;
        Ok(rules)
    }

    /// What is accepted but suspicious in these rules, one message each: a `category_in`
    /// entry that is not one of [`KNOWN_CATEGORIES`] (e.g. a typo like `robocal`), which
    /// would never match. Callers print them when they load the rules.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for rule in &self.rules {
            for category in rule.when.category_in.iter().flatten() {
                if !KNOWN_CATEGORIES.contains(&category.as_str()) {
                    out.push(format!(
                        "rule {:?}: category_in {category:?} is not a category the API reports \
                         (known: {}); it will never match",
                        rule.name,
                        KNOWN_CATEGORIES.join(", ")
                    ));
                }
            }
        }
        out
    }

    /// Read and parse a rules file.
    pub fn load(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| MonitorError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub(crate) fn validate(&self, origin: &str) -> Result<()> {
        let invalid = |rule: &Rule, message: &str| MonitorError::Rules {
            origin: origin.to_owned(),
            message: format!("rule {:?}: {message}", rule.name),
        };
        let mut names = BTreeSet::new();
        for channel in &self.channels {
            if let Some((key, message)) = channel.check() {
                return Err(MonitorError::Rules {
                    origin: origin.to_owned(),
                    message: format!("channel {:?}: {key}: {message}", channel.name),
                });
            }
            if !names.insert(channel.name.as_str()) {
                return Err(MonitorError::Rules {
                    origin: origin.to_owned(),
                    message: format!(
                        "two channels are named {:?}; channel names must be unique",
                        channel.name
                    ),
                });
            }
        }
        for rule in &self.rules {
            let w = &rule.when;
            if !w.became_high
                && w.score_dropped_by.is_none()
                && w.category_in.is_none()
                && w.confirm_within_days.is_none()
                && !w.is_state()
            {
                return Err(invalid(
                    rule,
                    "`when` sets no condition (became_high, score_dropped_by, category_in, \
                     confirm_within_days, is_high, no_reading_for_days, sync_failing)",
                ));
            }
            self.validate_alert(rule).map_err(|m| invalid(rule, &m))?;
            if w.score_dropped_by.is_some_and(|n| n < 1) {
                return Err(invalid(rule, "score_dropped_by must be at least 1"));
            }
            if w.confirm_within_days.is_some_and(|d| d < 0) {
                return Err(invalid(rule, "confirm_within_days must not be negative"));
            }
            if let Some(reminder) = w.confirm_reminder_days {
                match w.confirm_within_days {
                    Some(days) if (0..days).contains(&reminder) => {}
                    Some(_) => {
                        return Err(invalid(
                            rule,
                            "confirm_reminder_days must be at least 0 and less than confirm_within_days",
                        ));
                    }
                    None => {
                        return Err(invalid(
                            rule,
                            "confirm_reminder_days needs confirm_within_days",
                        ));
                    }
                }
            }
            if rule.actions.is_empty() {
                return Err(invalid(rule, "`actions` is empty"));
            }
            for action in &rule.actions {
                match action {
                    Action::Notify(Notify {
                        url: Some(url),
                        channel: None,
                        ..
                    }) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                        return Err(invalid(rule, &format!("notify url {url:?} is not http(s)")));
                    }
                    Action::Notify(Notify {
                        url: Some(_),
                        channel: Some(_),
                        ..
                    })
                    | Action::Notify(Notify {
                        url: None,
                        channel: None,
                        ..
                    }) => {
                        return Err(invalid(rule, "notify needs one of `url` or `channel`"));
                    }
                    Action::Remediate(r) if r.max_per_run == Some(0) => {
                        return Err(invalid(rule, "max_per_run must be at least 1"));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The alert settings of `rule`: its channels exist, state conditions only notify
    /// channels, `sync_failing` stands alone, `open_after` and `remind_every` are sane.
    fn validate_alert(&self, rule: &Rule) -> std::result::Result<(), String> {
        let w = &rule.when;
        for name in rule.channels() {
            if !self.channels.iter().any(|c| c.name == name) {
                let known: Vec<&str> = self.channels.iter().map(|c| c.name.as_str()).collect();
                return Err(format!(
                    "notify channel {name:?} is not a [[channel]] of this file (channels: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
        let alert = !rule.channels().is_empty();
        if w.is_state() && (!alert || rule.channels().len() != rule.actions.len()) {
            return Err(
                "is_high, no_reading_for_days and sync_failing hold for as long as a state \
                 lasts: the rule's actions must all be `notify` with a `channel`"
                    .into(),
            );
        }
        if w.sync_failing.is_some()
            && (w.became_high
                || w.is_high
                || w.score_dropped_by.is_some()
                || w.category_in.is_some()
                || w.confirm_within_days.is_some()
                || w.no_reading_for_days.is_some())
        {
            return Err("sync_failing is about the service, not a number: it stands alone".into());
        }
        if w.sync_failing == Some(0) {
            return Err("sync_failing must be at least 1".into());
        }
        if w.no_reading_for_days.is_some_and(|d| d < 1) {
            return Err("no_reading_for_days must be at least 1".into());
        }
        if !alert && (rule.open_after.is_some() || rule.remind_every.is_some()) {
            return Err("open_after and remind_every need a `notify` with a `channel`".into());
        }
        if rule.open_after == Some(0) {
            return Err("open_after must be at least 1".into());
        }
        if let Some(text) = &rule.remind_every {
            match crate::service::parse_duration(text) {
                Ok(d) if d >= std::time::Duration::from_secs(1) => {}
                Ok(_) => return Err("remind_every must be at least 1s".into()),
                Err(e) => return Err(format!("remind_every: {e}")),
            }
        }
        Ok(())
    }

    /// Whether any rule submits remediation (billable per number when applied).
    pub fn remediates(&self) -> bool {
        self.rules
            .iter()
            .flat_map(|r| &r.actions)
            .any(|a| matches!(a, Action::Remediate(_)))
    }

    /// The smallest `score_dropped_by` of any rule: a sync must report drops from there.
    pub fn min_score_drop(&self) -> Option<i64> {
        self.rules
            .iter()
            .filter_map(|r| r.when.score_dropped_by)
            .min()
    }

    /// The numbers each rule matches in `report`, given the stored webhook `events` and
    /// the time `now` (for ownership deadlines). Rules that match nothing are left out.
    pub fn evaluate(
        &self,
        report: &SyncReport,
        events: &[StoredEvent],
        now: DateTime<Utc>,
    ) -> Vec<Match> {
        // State conditions are alerts' only ([`crate::alerts`]).
        let considered: Vec<&Rule> = self.rules.iter().filter(|r| !r.when.is_state()).collect();
        if considered.is_empty() {
            return Vec::new();
        }
        // The deadlines only count for a rule that reads them, or that a number without any
        // change can match (no change condition): with none, a sync of a large fleet does
        // not index every flagged number for nothing.
        let read_deadlines = considered.iter().any(|r| {
            let w = &r.when;
            w.confirm_within_days.is_some()
                || !(w.became_high || w.score_dropped_by.is_some() || w.category_in.is_some())
        });
        let deadlines = if read_deadlines {
            deadlines(report, events)
        } else {
            BTreeMap::new()
        };
        let mut by_number: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
        for change in &report.changes {
            by_number
                .entry(change.phone_number.as_str())
                .or_default()
                .push(change);
        }
        let candidates: BTreeSet<&str> = by_number
            .keys()
            .copied()
            .chain(deadlines.keys().map(String::as_str))
            .collect();
        considered
            .into_iter()
            .filter_map(|rule| {
                let empty = Vec::new();
                let numbers: Vec<String> = candidates
                    .iter()
                    .filter(|n| {
                        let changes = by_number.get(*n).unwrap_or(&empty);
                        matches(&rule.when, changes, None, deadlines.get(**n).copied(), now)
                    })
                    .map(|n| (*n).to_owned())
                    .collect();
                (!numbers.is_empty()).then(|| Match {
                    rule: rule.name.clone(),
                    enterprise_id: report.enterprise_id.clone(),
                    changes: numbers
                        .iter()
                        .flat_map(|n| by_number.get(n.as_str()).into_iter().flatten())
                        .map(|c| (*c).clone())
                        .collect(),
                    confirm_by: match rule.when.confirm_within_days {
                        Some(_) => numbers
                            .iter()
                            .filter_map(|n| deadlines.get(n).map(|d| (n.clone(), *d)))
                            .collect(),
                        None => BTreeMap::new(),
                    },
                    numbers,
                })
            })
            .collect()
    }

    /// Drop from `matches` the numbers whose ownership deadline a rule already fired for
    /// (`fired`, as [`Store`](crate::Store) keeps it), at the stage `now` is in: the first
    /// alert, then the reminder once the deadline is within `confirm_reminder_days`. Returns
    /// the matches left and the deadlines they fire for (to record with the sync).
    pub(crate) fn unfired(
        &self,
        matches: Vec<Match>,
        fired: &BTreeSet<DeadlineAlert>,
        now: DateTime<Utc>,
    ) -> (Vec<Match>, Vec<DeadlineAlert>) {
        let mut firing = Vec::new();
        let mut kept = Vec::new();
        for mut m in matches {
            let Some(rule) = self.rules.iter().find(|r| r.name == m.rule) else {
                continue;
            };
            if rule.when.confirm_within_days.is_none() {
                kept.push(m);
                continue;
            }
            let mut numbers = Vec::new();
            for number in std::mem::take(&mut m.numbers) {
                let Some(by) = m.confirm_by.get(&number).copied() else {
                    continue;
                };
                let reminder = rule
                    .when
                    .confirm_reminder_days
                    .is_some_and(|days| by <= now + Duration::days(days));
                let alert = DeadlineAlert {
                    rule: m.rule.clone(),
                    phone_number: number.clone(),
                    confirm_by: by,
                    stage: i64::from(reminder),
                };
                if !fired.contains(&alert) {
                    firing.push(alert);
                    numbers.push(number);
                }
            }
            if numbers.is_empty() {
                continue;
            }
            m.changes.retain(|c| numbers.contains(&c.phone_number));
            m.confirm_by.retain(|n, _| numbers.contains(n));
            m.numbers = numbers;
            kept.push(m);
        }
        (kept, firing)
    }

    /// What the actions of `matches` are, decided in the sync at `at`: print lines and
    /// dry-run remediations (done now), and the notifications and applied remediations
    /// to write to the outbox with the sync, each keyed by enterprise, rule, action and sweep
    /// so that one decision is one row.
    pub(crate) fn plan(
        &self,
        matches: &[Match],
        at: DateTime<Utc>,
        apply: bool,
    ) -> (Vec<Outcome>, Vec<NewOutboxItem>) {
        let mut outcomes = Vec::new();
        let mut items = Vec::new();
        for m in matches {
            let Some(rule) = self.rules.iter().find(|r| r.name == m.rule) else {
                continue;
            };
            for (index, action) in rule.actions.iter().enumerate() {
                let key = |kind: &str| {
                    format!(
                        "{kind}|{}|{}|{index}|{}",
                        m.enterprise_id,
                        m.rule,
                        at.timestamp_micros()
                    )
                };
                match action {
                    Action::Print => outcomes.push(Outcome::Print {
                        rule: m.rule.clone(),
                        line: serde_json::to_string(m).expect("a match serialises"),
                    }),
                    // A channel's notifications follow the alert's lifecycle instead.
                    Action::Notify(Notify {
                        channel: Some(_), ..
                    }) => {}
                    Action::Notify(n) => items.push(NewOutboxItem {
                        kind: OutboxKind::Notify,
                        idempotency_key: key("notify"),
                        enterprise_id: Some(m.enterprise_id.clone()),
                        rule: Some(m.rule.clone()),
                        target: n.url.clone().unwrap_or_default(),
                        payload: serde_json::json!({ "body": notification_body(n, m) }),
                    }),
                    Action::Remediate(r) => {
                        let cap = r.max_per_run.unwrap_or(DEFAULT_MAX_PER_RUN);
                        let (numbers, skipped) = m.numbers.split_at(m.numbers.len().min(cap));
                        if !apply {
                            outcomes.push(Outcome::Remediation {
                                rule: m.rule.clone(),
                                applied: false,
                                numbers: numbers.to_vec(),
                                skipped: skipped.to_vec(),
                                remediation_id: None,
                            });
                            continue;
                        }
                        items.push(NewOutboxItem {
                            kind: OutboxKind::Remediate,
                            idempotency_key: key("remediate"),
                            enterprise_id: Some(m.enterprise_id.clone()),
                            rule: Some(m.rule.clone()),
                            target: m.enterprise_id.clone(),
                            payload: serde_json::json!({
                                "numbers": numbers,
                                "skipped": skipped,
                                "call_purpose": r.call_purpose,
                                "contact_email": r.contact_email,
                            }),
                        });
                    }
                }
            }
        }
        (outcomes, items)
    }

    /// Run the actions of every match now, without the outbox (nothing is kept or retried;
    /// `monitor sync` queues them with the sync instead, see [`crate::Monitor::sync_with_rules`]).
    /// Remediation is sent only when `apply` is true.
    pub async fn run(&self, matches: &[Match], client: &Client, apply: bool) -> Vec<Outcome> {
        let http = reqwest::Client::new();
        let mut outcomes = Vec::new();
        for m in matches {
            let Some(rule) = self.rules.iter().find(|r| r.name == m.rule) else {
                continue;
            };
            for action in &rule.actions {
                if matches!(
                    action,
                    Action::Notify(Notify {
                        channel: Some(_),
                        ..
                    })
                ) {
                    continue;
                }
                outcomes.push(match action {
                    Action::Print => Outcome::Print {
                        rule: m.rule.clone(),
                        line: serde_json::to_string(m).expect("a match serialises"),
                    },
                    Action::Notify(n) => notify(&http, n, m).await,
                    Action::Remediate(r) => remediate(client, r, m, apply).await,
                });
            }
        }
        outcomes
    }
}

/// Refuse two rules with one name (an outcome, and the outbox, name the rule: two `watch`
/// rules would run each other's actions), naming the line of each.
fn unique_names(text: &str, origin: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct Names {
        #[serde(default)]
        rule: Vec<Named>,
    }
    #[derive(Deserialize)]
    struct Named {
        name: toml::Spanned<String>,
    }
    let Ok(names) = toml::from_str::<Names>(text) else {
        return Ok(());
    };
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for named in &names.rule {
        let here = line(named.name.span().start);
        if let Some(first) = seen.insert(named.name.get_ref(), here) {
            return Err(MonitorError::Rules {
                origin: origin.to_owned(),
                message: format!(
                    "two rules are named {:?} (line {first} and line {here}); rule names must be unique",
                    named.name.get_ref()
                ),
            });
        }
    }
    Ok(())
}

/// Each number's ownership deadline: from its current reading, or a later stored flag.
pub(crate) fn deadlines(
    report: &SyncReport,
    events: &[StoredEvent],
) -> BTreeMap<String, DateTime<Utc>> {
    let mut out: BTreeMap<String, DateTime<Utc>> = report
        .current
        .iter()
        .filter_map(|r| r.confirm_by.map(|d| (r.phone_number.clone(), d)))
        .collect();
    // Only the stored flags' numbers are looked for among the listed ones (most syncs
    // have none, and a sync lists every number).
    let flags: Vec<(&String, DateTime<Utc>)> = events
        .iter()
        .filter(|e| e.enterprise_id.as_deref() == Some(report.enterprise_id.as_str()))
        .filter_map(|e| e.phone_number.as_ref().zip(e.confirm_by))
        .collect();
    if flags.is_empty() {
        return out;
    }
    let flagged: BTreeSet<&str> = flags.iter().map(|(n, _)| n.as_str()).collect();
    let listed: BTreeSet<&str> = report
        .current
        .iter()
        .map(|r| r.phone_number.as_str())
        .filter(|n| flagged.contains(n))
        .collect();
    for (number, by) in flags {
        if listed.contains(number.as_str()) {
            out.entry(number.clone())
                .and_modify(|d| *d = (*d).max(by))
                .or_insert(by);
        }
    }
    out
}

/// Whether `when` holds for one number: its `changes` in this sync, its current `reading`
/// (for the state conditions), its ownership deadline.
pub(crate) fn matches(
    when: &Conditions,
    changes: &[&Change],
    reading: Option<&Reading>,
    confirm_by: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let became_high = || {
        changes
            .iter()
            .any(|c| c.kind == ChangeKind::RiskUp && c.new_value.as_deref() == Some("high"))
    };
    let dropped = |n: i64| {
        changes.iter().any(|c| {
            c.kind == ChangeKind::ScoreDrop
                && match (parse(&c.old_value), parse(&c.new_value)) {
                    (Some(old), Some(new)) => old - new >= n,
                    _ => false,
                }
        })
    };
    let category = |list: &[String]| {
        changes.iter().any(|c| {
            matches!(
                c.kind,
                ChangeKind::CategorySet | ChangeKind::CategoryChanged
            ) && c.new_value.as_ref().is_some_and(|v| list.contains(v))
        })
    };
    let due = |days: i64| confirm_by.is_some_and(|by| by <= now + Duration::days(days));
    let is_high = || reading.is_some_and(|r| r.spam_risk.as_deref() == Some("high"));
    let silent = |days: i64| {
        reading.is_some_and(|r| {
            r.refreshed_at
                .is_none_or(|at| at < now - Duration::days(days))
        })
    };
    (!when.became_high || became_high())
        && (!when.is_high || is_high())
        && when.no_reading_for_days.is_none_or(silent)
        && when.sync_failing.is_none()
        && when.score_dropped_by.is_none_or(dropped)
        && when.category_in.as_deref().is_none_or(category)
        && when.confirm_within_days.is_none_or(due)
}

fn parse(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.parse().ok())
}

/// The text of a Slack-compatible notification.
fn slack_text(m: &Match) -> String {
    let mut text = format!(
        "telnyx-reputation rule \"{}\" matched {} number(s) of enterprise {}:",
        m.rule,
        m.numbers.len(),
        m.enterprise_id
    );
    for number in &m.numbers {
        let what: Vec<String> = m
            .changes
            .iter()
            .filter(|c| &c.phone_number == number)
            .map(|c| {
                format!(
                    "{} {} -> {}",
                    c.field,
                    c.old_value.as_deref().unwrap_or("none"),
                    c.new_value.as_deref().unwrap_or("none")
                )
            })
            .chain(
                m.confirm_by
                    .get(number)
                    .map(|d| format!("confirm ownership by {}", d.to_rfc3339())),
            )
            .collect();
        text.push_str(&format!("\n• {number}: {}", what.join("; ")));
    }
    text
}

fn notification_body(n: &Notify, m: &Match) -> serde_json::Value {
    match n.format {
        NotifyFormat::Json => serde_json::to_value(m).expect("a match serialises"),
        NotifyFormat::Slack => serde_json::json!({ "text": slack_text(m) }),
    }
}

/// The outcome of a delivered (or failed) outbox row of a rule.
pub fn outcome_of(item: &OutboxItem) -> Outcome {
    let rule = item.rule.clone().unwrap_or_default();
    match (item.state, item.kind) {
        (OutboxState::Done, OutboxKind::Remediate) => {
            let list = |field: &str| -> Vec<String> {
                serde_json::from_value(item.payload[field].clone()).unwrap_or_default()
            };
            Outcome::Remediation {
                rule,
                applied: true,
                numbers: list("numbers"),
                skipped: list("skipped"),
                remediation_id: item.result.clone(),
            }
        }
        (OutboxState::Done, _) => Outcome::Notified {
            rule,
            url: item.target.clone(),
            status: item
                .result
                .as_deref()
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
        },
        (state, _) => Outcome::Failed {
            rule,
            message: format!(
                "{} {} ({}; attempt {}{}): {}",
                item.kind.as_str(),
                item.target,
                item.id,
                item.attempts,
                if state == OutboxState::Failed {
                    ", given up"
                } else {
                    ", kept in the outbox and retried by the next sync"
                },
                item.last_error.as_deref().unwrap_or("unknown error")
            ),
        },
    }
}

/// An ownership deadline a `confirm_within_days` rule fired for, kept by the store so
/// it fires once per number and deadline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeadlineAlert {
    /// The rule.
    pub rule: String,
    /// The number.
    pub phone_number: String,
    /// Its deadline.
    pub confirm_by: DateTime<Utc>,
    /// 0: the first alert; 1: the reminder (`confirm_reminder_days`).
    pub stage: i64,
}

async fn notify(http: &reqwest::Client, n: &Notify, m: &Match) -> Outcome {
    let body = notification_body(n, m);
    let url = n.url.clone().unwrap_or_default();
    let sent = http
        .post(&url)
        .json(&body)
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => Outcome::Notified {
            rule: m.rule.clone(),
            url,
            status: response.status().as_u16(),
        },
        Ok(response) => Outcome::Failed {
            rule: m.rule.clone(),
            message: format!("notify {url}: answered {}", response.status()),
        },
        Err(e) => Outcome::Failed {
            rule: m.rule.clone(),
            message: format!("notify {url}: {e}"),
        },
    }
}

async fn remediate(client: &Client, r: &Remediate, m: &Match, apply: bool) -> Outcome {
    let cap = r.max_per_run.unwrap_or(DEFAULT_MAX_PER_RUN);
    let (numbers, skipped) = m.numbers.split_at(m.numbers.len().min(cap));
    let planned = |remediation_id: Option<String>| Outcome::Remediation {
        rule: m.rule.clone(),
        applied: remediation_id.is_some(),
        numbers: numbers.to_vec(),
        skipped: skipped.to_vec(),
        remediation_id,
    };
    if !apply {
        return planned(None);
    }
    // Through the facade's cost guard like every other request of the client: refused here,
    // before anything is sent, if the facade ever classifies remediation as billable and the
    // budget cannot cover it.
    if let Err(e) = crate::monitor::authorize_billable(client, "remediation.submit", 1) {
        return Outcome::Failed {
            rule: m.rule.clone(),
            message: format!("remediate {}: {e}", numbers.join(" ")),
        };
    }
    let mut request = RemediationRequest::new(numbers, &r.call_purpose);
    if let Some(email) = &r.contact_email {
        request = request.contact_email(email);
    }
    match client
        .reputation(&m.enterprise_id)
        .remediation()
        .submit(request)
        .await
    {
        Ok(submitted) => planned(Some(submitted.id)),
        Err(e) => Outcome::Failed {
            rule: m.rule.clone(),
            message: format!("remediate {}: {e}", numbers.join(" ")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Reading;

    const RULES: &str = r#"
[[rule]]
name = "turned high"
when = { became_high = true }
actions = [{ type = "print" }]

[[rule]]
name = "robocall"
when = { category_in = ["robocall"], became_high = true }
actions = [{ type = "remediate", call_purpose = "Reminders", max_per_run = 1 }]

[[rule]]
name = "confirm soon"
when = { confirm_within_days = 3 }
actions = [{ type = "print" }]

[[rule]]
name = "big drop"
when = { score_dropped_by = 30 }
actions = [{ type = "print" }]
"#;

    fn at(day: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(day)
    }

    fn change(number: &str, kind: ChangeKind, field: &str, old: &str, new: &str) -> Change {
        Change {
            enterprise_id: "e".into(),
            phone_number: number.into(),
            at: at(10),
            kind,
            field: field.into(),
            old_value: Some(old.into()),
            new_value: Some(new.into()),
        }
    }

    fn reading(number: &str, confirm_by: Option<DateTime<Utc>>) -> Reading {
        Reading {
            phone_number: number.into(),
            observed_at: at(10),
            spam_risk: Some("low".into()),
            spam_category: None,
            maturity_score: None,
            connection_score: None,
            engagement_score: None,
            sentiment_score: None,
            ownership_status: None,
            confirm_by,
            refreshed_at: None,
        }
    }

    fn report() -> SyncReport {
        SyncReport {
            enterprise_id: "e".into(),
            at: at(10),
            numbers: 4,
            readings_written: 3,
            fresh_reads: 0,
            policy: None,
            changes: vec![
                change(
                    "+12025550001",
                    ChangeKind::RiskUp,
                    "spam_risk",
                    "low",
                    "high",
                ),
                change(
                    "+12025550001",
                    ChangeKind::CategorySet,
                    "spam_category",
                    "",
                    "robocall",
                ),
                change(
                    "+12025550002",
                    ChangeKind::RiskUp,
                    "spam_risk",
                    "low",
                    "high",
                ),
                change(
                    "+12025550003",
                    ChangeKind::RiskUp,
                    "spam_risk",
                    "low",
                    "medium",
                ),
                change(
                    "+12025550003",
                    ChangeKind::ScoreDrop,
                    "maturity_score",
                    "80",
                    "45",
                ),
            ],
            high: vec![],
            current: vec![
                reading("+12025550001", None),
                reading("+12025550002", None),
                reading("+12025550003", None),
                reading("+12025550004", Some(at(12))),
            ],
        }
    }

    /// A stored ownership flag of +12025550002, to be confirmed by day 11.
    fn flag() -> StoredEvent {
        StoredEvent {
            event_id: "ev1".into(),
            event_type: "number_reputation.number.flagged".into(),
            enterprise_id: Some("e".into()),
            phone_number: Some("+12025550002".into()),
            occurred_at: None,
            received_at: at(9),
            flag_reason: Some("carrier_changed".into()),
            confirm_by: Some(at(11)),
        }
    }

    fn matched(rules: &Rules, events: &[StoredEvent]) -> Vec<(String, Vec<String>)> {
        rules
            .evaluate(&report(), events, at(10))
            .into_iter()
            .map(|m| (m.rule, m.numbers))
            .collect()
    }

    /// An alert rule on the ownership deadline holds for the numbers whose deadline (their
    /// reading's, or a stored flag's) is within its days, and says by when; the other alert
    /// rules, and a file with no alert rule, see no deadline at all.
    #[test]
    fn an_alert_on_the_ownership_deadline_holds_with_its_date() {
        let rules = Rules::parse(
            "[[channel]]\nname = \"ops\"\ntype = \"slack\"\nurl = \"http://127.0.0.1:9/slack\"\n\
             [[rule]]\nname = \"confirm soon\"\nwhen = { confirm_within_days = 3 }\n\
             actions = [{ type = \"notify\", channel = \"ops\" }]\n\
             [[rule]]\nname = \"turned high\"\nwhen = { became_high = true }\n\
             actions = [{ type = \"notify\", channel = \"ops\" }]\n",
            "rules.toml",
        )
        .unwrap();
        let flag = flag();
        let holding = crate::alerts::sync_holding(&rules, &report(), &[flag], at(10));
        let soon = &holding["confirm soon"];
        assert_eq!(
            soon.keys().collect::<Vec<_>>(),
            ["+12025550002", "+12025550004"]
        );
        assert_eq!(
            soon["+12025550004"].detail,
            "confirm ownership by 1970-01-13T00:00:00Z"
        );
        assert_eq!(
            holding["turned high"].keys().collect::<Vec<_>>(),
            ["+12025550001", "+12025550002"]
        );
        let no_alerts = Rules::parse(RULES, "rules.toml").unwrap();
        assert!(crate::alerts::sync_holding(&no_alerts, &report(), &[], at(10)).is_empty());
    }

    #[test]
    fn every_condition_of_a_rule_must_hold() {
        let rules = Rules::parse(RULES, "rules.toml").unwrap();
        assert_eq!(
            matched(&rules, &[]),
            [
                (
                    "turned high".into(),
                    vec!["+12025550001".into(), "+12025550002".into()]
                ),
                ("robocall".into(), vec!["+12025550001".into()]),
                ("confirm soon".into(), vec!["+12025550004".into()]),
                ("big drop".into(), vec!["+12025550003".into()]),
            ]
        );
    }

    #[test]
    fn a_stored_ownership_flag_counts_as_a_deadline() {
        let rules = Rules::parse(RULES, "rules.toml").unwrap();
        let flag = flag();
        let late = StoredEvent {
            phone_number: Some("+12025550003".into()),
            confirm_by: Some(at(30)),
            event_id: "ev2".into(),
            ..flag.clone()
        };
        let soon = matched(&rules, &[flag, late]);
        assert_eq!(
            soon[2],
            (
                "confirm soon".into(),
                vec!["+12025550002".into(), "+12025550004".into()]
            )
        );
    }

    #[tokio::test]
    async fn remediation_is_a_dry_run_unless_applied_and_capped_per_run() {
        let rules = Rules::parse(RULES, "rules.toml").unwrap();
        let mut r = report();
        r.changes.push(change(
            "+12025550002",
            ChangeKind::CategorySet,
            "spam_category",
            "",
            "robocall",
        ));
        let matches = rules.evaluate(&r, &[], at(10));
        // No server at this base URL: a dry run must not try to reach it.
        let client = Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:9/v2")
            .build()
            .unwrap();
        let outcomes = rules.run(&matches, &client, false).await;
        let remediation = outcomes
            .iter()
            .find(|o| matches!(o, Outcome::Remediation { .. }))
            .unwrap();
        assert_eq!(
            remediation,
            &Outcome::Remediation {
                rule: "robocall".into(),
                applied: false,
                numbers: vec!["+12025550001".into()],
                skipped: vec!["+12025550002".into()],
                remediation_id: None,
            }
        );
    }

    #[test]
    fn errors_say_which_rule_and_where() {
        let error = Rules::parse(
            "[[rule]]\nname = \"x\"\nwhen = { became_hgh = true }\nactions = []\n",
            "r.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("r.toml") && error.contains("became_hgh") && error.contains("line 3"),
            "{error}"
        );
        let error = Rules::parse(
            "[[rule]]\nname = \"x\"\nwhen = {}\nactions = [{ type = \"print\" }]\n",
            "r.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("rule \"x\": `when` sets no condition"),
            "{error}"
        );
        let error = Rules::parse("[[rule]]\nname = \"x\"\nwhen = { became_high = true }\nactions = [{ type = \"notify\", url = \"ftp://x\" }]\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not http(s)"), "{error}");
    }

    #[test]
    fn two_rules_with_one_name_are_refused_naming_both_lines() {
        let text = "[[rule]]\nname = \"watch\"\nwhen = { became_high = true }\n\
                    actions = [{ type = \"print\" }]\n\n[[rule]]\nname = \"other\"\n\
                    when = { became_high = true }\nactions = [{ type = \"print\" }]\n\n\
                    [[rule]]\nname = \"watch\"\nwhen = { score_dropped_by = 5 }\n\
                    actions = [{ type = \"print\" }]\n";
        let error = Rules::parse(text, "r.toml").unwrap_err().to_string();
        assert!(
            error.contains("r.toml")
                && error.contains("two rules are named \"watch\" (line 2 and line 12)"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_category_is_warned_about_listing_the_known_ones() {
        let rules = Rules::parse(
            "[[rule]]\nname = \"typo\"\nwhen = { category_in = [\"robocal\", \"scam\"] }\n\
             actions = [{ type = \"print\" }]\n",
            "r.toml",
        )
        .unwrap();
        let warnings = rules.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("\"robocal\"")
                && warnings[0].contains("known: telemarketing, robocall, scam, debt_collection"),
            "{warnings:?}"
        );
        assert!(
            Rules::parse(RULES, "rules.toml")
                .unwrap()
                .warnings()
                .is_empty()
        );
    }

    #[test]
    fn slack_text_names_the_rule_and_each_change() {
        let rules = Rules::parse(RULES, "rules.toml").unwrap();
        let m = &rules.evaluate(&report(), &[], at(10))[0];
        let text = slack_text(m);
        assert!(
            text.contains("rule \"turned high\" matched 2 number(s)"),
            "{text}"
        );
        assert!(
            text.contains("• +12025550001: spam_risk low -> high; spam_category  -> robocall"),
            "{text}"
        );
    }
}
