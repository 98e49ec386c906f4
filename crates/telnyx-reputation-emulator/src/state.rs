//! Accounts and the time-driven state machine.
//!
//! One `Mutex<World>` holds every account; each API key is its own account, created on first
//! use. Transitions that happen "later" (gate approval, remediation progress, external
//! verification) are stored as due timestamps and applied lazily whenever an account is
//! touched (and by the server's once-a-second tick), against a virtual clock (real time plus
//! an offset the admin API can advance). Settling is idempotent and in time order, so a test
//! never depends on when the tick ran. HTTP concerns stay in the routes.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::data::{Drift, Profile, carrier_changes, drift_epoch, remediation_clears, seeded_uuid};
use crate::faults::Faults;
use crate::journal::Journal;
use crate::ledger::{Billable, Ledger};
use crate::model::{
    Document, Enterprise, HistoryEvent, NumberRecord, RemediationResults, RemediationStatus,
    TosAgreement,
};
use crate::schedule::{CONFIRM_WITHIN_DAYS, next_check};
use crate::webhooks::{Deliveries, Outbox, WebhookSettings};

/// How long reviews (both gates, external verification) and remediation stages take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalDelay {
    /// Resolve automatically this long after submission (`0s` resolves on the next read).
    After(Duration),
    /// Stay pending until the admin API decides.
    Manual,
}

impl Default for ApprovalDelay {
    fn default() -> Self {
        Self::After(Duration::from_secs(2))
    }
}

impl fmt::Display for ApprovalDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manual => f.write_str("manual"),
            Self::After(d) if d.subsec_millis() == 0 => write!(f, "{}s", d.as_secs()),
            Self::After(d) => write!(f, "{}ms", d.as_millis()),
        }
    }
}

impl FromStr for ApprovalDelay {
    type Err = String;

    /// Accepts `manual`, or an integer with a unit: `500ms`, `2s`, `1m`, `1h` (a bare `0` too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("manual") {
            return Ok(Self::Manual);
        }
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let value: u64 = digits
            .parse()
            .map_err(|_| format!("invalid delay '{s}': expected e.g. 2s, 500ms or manual"))?;
        let millis = match unit {
            "ms" => Some(value),
            "s" => value.checked_mul(1_000),
            "m" => value.checked_mul(60_000),
            "h" => value.checked_mul(3_600_000),
            "" if value == 0 => Some(0),
            _ => None,
        }
        .ok_or_else(|| format!("invalid delay '{s}': expected e.g. 2s, 500ms or manual"))?;
        Ok(Self::After(Duration::from_millis(millis)))
    }
}

impl ApprovalDelay {
    /// When something submitted at `now` resolves, or `None` in manual mode.
    pub fn due(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Manual => None,
            Self::After(d) => Some(now + chrono::Duration::from_std(d).unwrap_or_default()),
        }
    }

    /// The remediation schedule for a request created at `now`: `in_progress` after one
    /// delay, `completed` after two.
    pub fn remediation_schedule(
        self,
        now: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match self {
            Self::Manual => None,
            Self::After(d) => {
                let d = chrono::Duration::from_std(d).unwrap_or_default();
                Some((now + d, now + d + d))
            }
        }
    }
}

/// The furthest the virtual clock may run ahead of the wall clock: a thousand years.
pub const MAX_CLOCK_OFFSET_MS: i64 = 1000 * 366 * 86_400_000;

/// A request budget: at most `requests` in any `window` (virtual time, sliding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub window: Duration,
}

impl Default for RateLimit {
    /// 60 refresh requests per enterprise per minute.
    fn default() -> Self {
        Self {
            requests: 60,
            window: Duration::from_secs(60),
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;

    /// `N/DURATION`, e.g. `60/1m`, `5/10s`, `1/500ms`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid rate limit '{s}': expected N/DURATION, e.g. 60/1m, or off");
        let (count, window) = s.trim().split_once('/').ok_or_else(bad)?;
        let requests: u32 = count.trim().parse().map_err(|_| bad())?;
        let window = match window.trim().parse::<ApprovalDelay>() {
            Ok(ApprovalDelay::After(d)) if !d.is_zero() => d,
            _ => return Err(bad()),
        };
        if requests == 0 {
            return Err(bad());
        }
        Ok(Self { requests, window })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.requests, ApprovalDelay::After(self.window))
    }
}

/// Emulator-wide settings fixed at start.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Review and remediation timing.
    pub approval_delay: ApprovalDelay,
    /// Seed for scores and ids.
    pub seed: u64,
    /// Per-enterprise limit on `POST .../numbers/refresh`; `None` is unlimited.
    pub refresh_limit: Option<RateLimit>,
    /// How the numbers' reputation drifts.
    pub drift: Drift,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            approval_delay: ApprovalDelay::default(),
            seed: 0,
            refresh_limit: Some(RateLimit::default()),
            drift: Drift::PerCheck,
        }
    }
}

/// An RFC 3339 UTC timestamp with microseconds, as the API renders them.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Everything one API key owns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    /// The API key; saved as its digest (`persist::key_digest`), taken back by `rekey`.
    #[serde(serialize_with = "crate::persist::as_digest")]
    key: String,
    id_counter: u64,
    number_seq: u64,
    /// Terms agreements.
    pub agreements: Vec<TosAgreement>,
    /// Enterprises in creation order (soft-deleted ones included).
    pub enterprises: Vec<Enterprise>,
    /// Uploaded documents by id.
    pub documents: HashMap<String, Document>,
    /// Billable actions.
    pub ledger: Ledger,
    /// Reputation set through the admin API, by number; `None` means "no data".
    pub overrides: HashMap<String, Option<Profile>>,
    /// Webhook events not yet queued for delivery.
    pub outbox: Outbox,
    /// How far this account's test clock runs ahead of the emulator's clock, in milliseconds
    /// (`POST /_emulator/clock/advance?api_key=`); everything the account schedules follows it.
    #[serde(default)]
    pub clock_offset_ms: i64,
}

impl Account {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_string(),
            id_counter: 0,
            number_seq: 0,
            agreements: Vec::new(),
            enterprises: Vec::new(),
            documents: HashMap::new(),
            ledger: Ledger::default(),
            overrides: HashMap::new(),
            outbox: Outbox::new(key),
            clock_offset_ms: 0,
        }
    }

    /// Give a restored account (saved under its key's digest) its key back.
    fn rekey(&mut self, key: &str) {
        self.key = key.to_string();
        self.outbox.rekey(key);
    }

    /// Whether the account holds nothing a fresh one would not (a read by an unknown key
    /// leaves no account behind, so distinct keys cannot grow memory by themselves).
    pub fn is_pristine(&self) -> bool {
        self.id_counter == 0
            && self.number_seq == 0
            && self.agreements.is_empty()
            && self.enterprises.is_empty()
            && self.documents.is_empty()
            && self.ledger.is_empty()
            && self.overrides.is_empty()
            && self.outbox.events.is_empty()
            && self.clock_offset_ms == 0
    }

    /// A new seeded id, unique within the account.
    pub fn next_id(&mut self, seed: u64) -> String {
        self.id_counter += 1;
        seeded_uuid(seed, &self.key, self.id_counter)
    }

    /// A new listing sequence number for a registered number.
    pub fn next_number_seq(&mut self) -> u64 {
        self.number_seq += 1;
        self.number_seq
    }

    /// A live (not soft-deleted) enterprise by id.
    pub fn enterprise(&self, id: &str) -> Option<&Enterprise> {
        self.enterprises
            .iter()
            .find(|e| e.id == id && e.deleted_at.is_none())
    }

    /// A live enterprise by id, mutably.
    pub fn enterprise_mut(&mut self, id: &str) -> Option<&mut Enterprise> {
        self.enterprises
            .iter_mut()
            .find(|e| e.id == id && e.deleted_at.is_none())
    }

    /// Live enterprises in creation order.
    pub fn live_enterprises(&self) -> impl Iterator<Item = &Enterprise> {
        self.enterprises.iter().filter(|e| e.deleted_at.is_none())
    }

    /// Whether the account accepted the Number Reputation terms.
    pub fn agreed_to_reputation_terms(&self) -> bool {
        self.agreements
            .iter()
            .any(|a| a.product_type == "number_reputation")
    }

    /// The id of the live enterprise that monitors `number`, if any.
    pub fn enterprise_of_number(&self, number: &str) -> Option<String> {
        self.live_enterprises()
            .find(|e| e.numbers.contains_key(number))
            .map(|e| e.id.clone())
    }

    /// What a live lookup of `record` returns now: the admin override if any, else the
    /// seeded profile, cleared if a remediation succeeded.
    pub fn live_profile(
        &self,
        seed: u64,
        drift: Drift,
        at: DateTime<Utc>,
        record: &NumberRecord,
    ) -> Option<Profile> {
        let base = match self.overrides.get(&record.phone_number) {
            Some(profile) => profile.clone(),
            None => Some(match drift {
                Drift::PerCheck => Profile::at_epoch(seed, &record.phone_number, record.epoch),
                Drift::Timed(timed) => timed.profile_at(seed, &record.phone_number, at),
            }),
        };
        if record.remediated {
            base.map(|p| p.cleared())
        } else {
            base
        }
    }

    /// Apply every transition due at `now`: review gates, remediation progress, scheduled
    /// re-checks and ownership deadlines, in time order.
    pub fn settle(&mut self, now: DateTime<Utc>, seed: u64, drift: Drift) {
        let Self {
            enterprises,
            overrides,
            ledger,
            outbox,
            ..
        } = self;
        for enterprise in enterprises.iter_mut().filter(|e| e.deleted_at.is_none()) {
            if let Some(rep) = &mut enterprise.reputation {
                for decided in [rep.status.settle(now), rep.loa.settle(now)]
                    .into_iter()
                    .flatten()
                {
                    rep.updated_at = rep.updated_at.max(decided);
                }
                if !rep.schedule_started && rep.both_gates_approved() {
                    rep.schedule_started = true;
                    let approved = [rep.status.decided_at, rep.loa.decided_at]
                        .into_iter()
                        .flatten()
                        .max()
                        .unwrap_or(now);
                    rep.next_check_at = next_check(&rep.check_frequency, approved);
                }
            }
            if let Some(ext) = &mut enterprise.external_verification {
                ext.review.settle(now);
            }
            let due: Vec<usize> = enterprise
                .remediations
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.schedule.map(|s| (i, s)))
                .filter_map(|(i, (start, end))| {
                    let r = &enterprise.remediations[i];
                    ((r.status == RemediationStatus::Pending && start <= now)
                        || (r.status.in_flight() && end <= now))
                        .then_some(i)
                })
                .collect();
            for i in due {
                let Some((start, end)) = enterprise.remediations[i].schedule else {
                    continue;
                };
                if end <= now {
                    let tier1 = start + (end - start) / 2;
                    complete_remediation(enterprise, i, seed, overrides, tier1, end);
                } else {
                    let r = &mut enterprise.remediations[i];
                    r.status = RemediationStatus::InProgress;
                    r.updated_at = start;
                }
            }
            run_due(enterprise, now, seed, drift, overrides, ledger, outbox);
        }
    }

    /// Queue webhook notifications for remediation and external-verification changes.
    pub fn notify_changes(&mut self, seed: u64) {
        for enterprise in self
            .enterprises
            .iter_mut()
            .filter(|e| e.deleted_at.is_none())
        {
            self.outbox.changes(enterprise, seed);
        }
    }
}

/// Run the scheduled checks, ownership re-verifications and ownership deadlines of
/// `enterprise` that are due at `now`, earliest first (at the same instant: a deadline, then a
/// re-verification, then a check).
fn run_due(
    enterprise: &mut Enterprise,
    now: DateTime<Utc>,
    seed: u64,
    drift: Drift,
    overrides: &HashMap<String, Option<Profile>>,
    ledger: &mut Ledger,
    outbox: &mut Outbox,
) {
    enum Due {
        Deadline,
        Reverification,
        Check,
    }
    loop {
        let check = enterprise
            .reputation
            .as_ref()
            .and_then(|r| r.next_check_at)
            .map(|t| (t, 2, Due::Check));
        let deadline = enterprise.next_deadline.map(|t| (t, 0, Due::Deadline));
        let reverify = enterprise
            .next_reverification
            .map(|t| (t, 1, Due::Reverification));
        let next = [deadline, reverify, check]
            .into_iter()
            .flatten()
            .filter(|(t, _, _)| *t <= now)
            .min_by_key(|(t, order, _)| (*t, *order));
        match next {
            Some((d, _, Due::Deadline)) => expire(enterprise, d, seed, outbox),
            Some((r, _, Due::Reverification)) => reverify_due(enterprise, r, seed, outbox),
            Some((c, _, Due::Check)) => {
                scheduled_check(enterprise, c, seed, drift, overrides, ledger, outbox);
            }
            None => break,
        }
    }
}

/// Settle every `confirm_by` that passed by `at`: a number asked to confirm after a carrier
/// change is removed (`unconfirmed_ownership`, with a webhook); one asked for its periodic
/// re-verification becomes `flagged` (it stays monitored; confirming it verifies it again).
fn expire(enterprise: &mut Enterprise, at: DateTime<Utc>, seed: u64, outbox: &mut Outbox) {
    let mut expired: Vec<(u64, String)> = enterprise
        .numbers
        .values()
        .filter(|n| n.ownership_status == "pending_confirmation")
        .filter(|n| n.confirm_by.is_some_and(|c| c <= at))
        .map(|n| (n.seq, n.phone_number.clone()))
        .collect();
    expired.sort();
    let url = enterprise
        .reputation
        .as_ref()
        .and_then(|r| r.webhook_url.clone());
    for (_, number) in expired {
        let Some(record) = enterprise.numbers.get_mut(&number) else {
            continue;
        };
        let deadline = record.confirm_by.unwrap_or(at);
        if record.flag_reason.as_deref() == Some("reverification_due") {
            record.ownership_status = "flagged".to_string();
            record.confirm_by = None;
            record.updated_at = deadline;
            record.history.push(HistoryEvent {
                event_type: "flag".into(),
                occurred_at: deadline,
                outcome: Some("reverification_expired".to_string()),
            });
        } else if let Some(record) =
            enterprise.deregister(&number, "unconfirmed_ownership", deadline)
        {
            outbox.removed(url.clone(), &record, seed);
        }
    }
    enterprise.refresh_deadline();
}

/// Ask the owner to re-verify every verified number whose re-verification came due by
/// `at`: `pending_confirmation` with `flag_reason: reverification_due`, a `confirm_by`
/// [`CONFIRM_WITHIN_DAYS`] after it came due, and a `number_reputation.number.flagged`
/// webhook. Not billed: it is an ownership check, not a reputation lookup.
fn reverify_due(enterprise: &mut Enterprise, at: DateTime<Utc>, seed: u64, outbox: &mut Outbox) {
    let url = enterprise
        .reputation
        .as_ref()
        .and_then(|r| r.webhook_url.clone());
    let mut deadline = enterprise.next_deadline;
    let due: Vec<String> = enterprise
        .numbers
        .values()
        .filter(|n| n.ownership_status == "verified" && n.reverify_at.is_some_and(|r| r <= at))
        .map(|n| n.phone_number.clone())
        .collect();
    for number in due {
        let Some(record) = enterprise.numbers.get_mut(&number) else {
            continue;
        };
        let came_due = record.reverify_at.take().unwrap_or(at);
        let confirm_by = came_due + chrono::Duration::days(CONFIRM_WITHIN_DAYS);
        record.ownership_status = "pending_confirmation".to_string();
        record.flag_reason = Some("reverification_due".to_string());
        record.confirm_by = Some(confirm_by);
        record.updated_at = came_due;
        record.history.push(HistoryEvent {
            event_type: "flag".into(),
            occurred_at: came_due,
            outcome: Some("reverification_due".to_string()),
        });
        deadline = Some(deadline.map_or(confirm_by, |d| d.min(confirm_by)));
        outbox.flagged(url.clone(), record, seed);
    }
    enterprise.next_deadline = deadline;
    enterprise.refresh_reverification();
}

/// One scheduled re-check of every number of `enterprise` at `at`, billed per number as
/// `scheduled_refresh`; a carrier change asks for ownership confirmation within 7 days.
fn scheduled_check(
    enterprise: &mut Enterprise,
    at: DateTime<Utc>,
    seed: u64,
    drift: Drift,
    overrides: &HashMap<String, Option<Profile>>,
    ledger: &mut Ledger,
    outbox: &mut Outbox,
) {
    let Some(rep) = enterprise.reputation.as_mut() else {
        return;
    };
    rep.next_check_at = next_check(&rep.check_frequency, at);
    if !rep.both_gates_approved() {
        return;
    }
    rep.checks_done += 1;
    let index = rep.checks_done;
    let url = rep.webhook_url.clone();
    let mut deadline = enterprise.next_deadline;
    // Registration order: the ledger lists checks in the order numbers were added.
    for record in enterprise.numbers.values_mut() {
        let epoch = match drift {
            Drift::PerCheck => drift_epoch(seed, &record.phone_number, index),
            Drift::Timed(timed) => timed.epoch_at(seed, &record.phone_number, at),
        };
        if epoch != record.epoch {
            record.epoch = epoch;
            record.remediated = false;
        }
        let base = match overrides.get(&record.phone_number) {
            Some(profile) => profile.clone(),
            None => Some(match drift {
                Drift::PerCheck => Profile::at_epoch(seed, &record.phone_number, epoch),
                Drift::Timed(timed) => timed.profile_at(seed, &record.phone_number, at),
            }),
        };
        let profile = if record.remediated {
            base.map(|p| p.cleared())
        } else {
            base
        };
        record.cached = Some((profile, at));
        record.updated_at = at;
        ledger.charge(
            Billable::ScheduledRefresh,
            &enterprise.id,
            Some(&record.phone_number),
            at,
        );
        if record.ownership_status == "verified"
            && carrier_changes(seed, &record.phone_number, index)
        {
            let confirm_by = at + chrono::Duration::days(CONFIRM_WITHIN_DAYS);
            record.ownership_status = "pending_confirmation".to_string();
            record.flag_reason = Some("carrier_changed".to_string());
            record.confirm_by = Some(confirm_by);
            record.history.push(HistoryEvent {
                event_type: "flag".into(),
                occurred_at: at,
                outcome: Some("carrier_changed".to_string()),
            });
            deadline = Some(deadline.map_or(confirm_by, |d| d.min(confirm_by)));
            outbox.flagged(url.clone(), record, seed);
        }
    }
    enterprise.next_deadline = deadline;
}

/// Finish remediation request `index` of `enterprise`: bucket every number exactly once and
/// clear the numbers that were remediated.
pub fn complete_remediation(
    enterprise: &mut Enterprise,
    index: usize,
    seed: u64,
    overrides: &HashMap<String, Option<Profile>>,
    tier1: DateTime<Utc>,
    at: DateTime<Utc>,
) {
    let Some(request) = enterprise.remediations.get(index) else {
        return;
    };
    if request.call_purpose.contains("FAIL") {
        // Trigger convention: the carriers' review could not be run at all.
        if let Some(request) = enterprise.remediations.get_mut(index) {
            request.status = RemediationStatus::Failed;
            request.tier1_completed_at = Some(tier1);
            request.updated_at = at;
        }
        return;
    }
    let refuse = request.call_purpose.contains("REFUSE");
    let mut results = RemediationResults::default();
    for number in &request.phone_numbers {
        let Some(record) = enterprise.numbers.get(number) else {
            // Removed from monitoring while the request was under review.
            results.ineligible.push(number.clone());
            continue;
        };
        if record.ownership_status != "verified" {
            results.ineligible.push(number.clone());
            continue;
        }
        let current = match record.cached.as_ref() {
            Some((profile, _)) => profile.clone(),
            None => match overrides.get(number) {
                Some(profile) => profile.clone(),
                None => Some(Profile::at_epoch(seed, number, record.epoch)),
            },
        };
        let high = current.as_ref().is_some_and(Profile::is_high_risk);
        if high && refuse {
            // Trigger convention: the carriers decline to remediate.
            results.refused.push(number.clone());
        } else if !high {
            results.not_flagged.push(number.clone());
        } else if remediation_clears(seed, number) {
            results.remediated.push(number.clone());
        } else {
            results.requires_review.push(number.clone());
        }
    }
    for number in &results.remediated {
        if let Some(record) = enterprise.numbers.get_mut(number) {
            record.remediated = true;
            let cleared = record
                .cached
                .as_ref()
                .and_then(|(p, _)| p.as_ref().map(Profile::cleared));
            if cleared.is_some() {
                record.cached = Some((cleared, at));
                record.updated_at = at;
            }
        }
    }
    if let Some(request) = enterprise.remediations.get_mut(index) {
        request.status = RemediationStatus::Completed;
        request.tier1_completed_at = Some(tier1);
        request.tier2_completed_at = Some(at);
        request.results = Some(results);
        request.updated_at = at;
    }
}

/// An account's now: the emulator's virtual `now` moved on by the account's own test-clock
/// offset (bounded with the global one by `MAX_CLOCK_OFFSET_MS`, so this stays in range).
pub fn account_now(now: DateTime<Utc>, offset_ms: i64) -> DateTime<Utc> {
    chrono::Duration::try_milliseconds(offset_ms)
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The whole emulated world.
#[derive(Debug, Default)]
pub struct World {
    /// Accounts by API key.
    pub accounts: HashMap<String, Account>,
    /// Injected faults.
    pub faults: Faults,
    /// Webhook delivery queue and log.
    pub deliveries: Deliveries,
}

impl World {
    /// The account for `key`, created on first use.
    pub fn account(&mut self, key: &str) -> &mut Account {
        // Look up before inserting: the common case allocates no key.
        if !self.accounts.contains_key(key) {
            let account = match self.take_restored(key) {
                Some(restored) => restored,
                None => Account::new(key),
            };
            self.accounts.insert(key.to_string(), account);
        }
        self.accounts
            .get_mut(key)
            .expect("the account was just inserted")
    }

    /// The account of `key` as a state file restored it (under the key's digest), given its
    /// key back, with its queued and logged deliveries; `None` if there is none.
    pub fn take_restored(&mut self, key: &str) -> Option<Account> {
        if self.accounts.is_empty() {
            return None;
        }
        let digest = crate::persist::key_digest(key);
        let mut account = self.accounts.remove(&digest)?;
        account.rekey(key);
        self.deliveries.rekey(&digest, key);
        Some(account)
    }

    /// Move an account's pending events to the delivery queue; whether any moved.
    fn drain_outbox(&mut self, key: &str) -> bool {
        let Some(account) = self.accounts.get_mut(key) else {
            return false;
        };
        let events = std::mem::take(&mut account.outbox.events);
        let any = !events.is_empty();
        self.deliveries.queue.extend(events);
        any
    }
}

struct Shared {
    config: Config,
    webhooks: WebhookSettings,
    clock_offset_ms: AtomicI64,
    world: Mutex<World>,
    /// Recorded requests: its own lock, so recording one never waits for a handler that
    /// holds the world's.
    journal: Mutex<Journal>,
    wake: tokio::sync::Notify,
    state_file: Option<PathBuf>,
    dirty: AtomicBool,
    save_wake: tokio::sync::Notify,
}

/// Shared, cheaply clonable handle on the emulator state; the axum router state.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// What a handler needs besides the account: the settings and the current virtual time.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Emulator settings.
    pub config: Config,
    /// Virtual now.
    pub now: DateTime<Utc>,
}

impl AppState {
    /// Fresh, empty state, signing webhooks with the key derived from the seed.
    pub fn new(config: Config) -> Self {
        Self::with_webhooks(config, WebhookSettings::from_seed(config.seed))
    }

    /// Fresh, empty state with these webhook settings.
    pub fn with_webhooks(config: Config, webhooks: WebhookSettings) -> Self {
        Self::build(config, webhooks, World::default(), 0, None)
    }

    /// State persisted to `path`: loaded from it if it exists, saved to it after changes.
    pub(crate) fn persisted(
        config: Config,
        webhooks: WebhookSettings,
        path: PathBuf,
    ) -> std::io::Result<Self> {
        let (world, offset) = match crate::persist::load(&path, config.seed)? {
            Some(restored) => (restored.world, restored.clock_offset_ms),
            None => (World::default(), 0),
        };
        let state = Self::build(config, webhooks, world, offset, Some(path));
        // Write the file at once, so a bad path fails the start rather than the first save.
        state.save()?;
        Ok(state)
    }

    fn build(
        config: Config,
        webhooks: WebhookSettings,
        world: World,
        offset: i64,
        state_file: Option<PathBuf>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                webhooks,
                clock_offset_ms: AtomicI64::new(offset),
                world: Mutex::new(world),
                journal: Mutex::new(Journal::default()),
                wake: tokio::sync::Notify::new(),
                state_file,
                dirty: AtomicBool::new(false),
                save_wake: tokio::sync::Notify::new(),
            }),
        }
    }

    /// A separate state with this emulator's settings and clock holding `world`, for dry
    /// runs: nothing it queues is delivered (no delivery task serves it) and it is never saved.
    pub(crate) fn scratch(&self, world: World) -> Self {
        Self::build(
            self.shared.config,
            self.shared.webhooks.clone(),
            world,
            self.shared.clock_offset_ms.load(Ordering::SeqCst),
            None,
        )
    }

    /// Note that the world changed, so the state file (if any) is saved soon.
    pub fn mark_dirty(&self) {
        if self.shared.state_file.is_some() {
            self.shared.dirty.store(true, Ordering::SeqCst);
            self.shared.save_wake.notify_one();
        }
    }

    /// Resolves when a change is waiting to be saved.
    pub(crate) async fn changed(&self) {
        self.shared.save_wake.notified().await;
    }

    /// Save to the state file now if there is one (atomically); clears the dirty flag.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.shared.state_file else {
            return Ok(());
        };
        self.shared.dirty.store(false, Ordering::SeqCst);
        let bytes = {
            let world = self.world();
            crate::persist::encode(
                &world,
                self.shared.config.seed,
                self.shared.clock_offset_ms.load(Ordering::SeqCst),
            )
        };
        crate::persist::write_atomic(path, &bytes).inspect_err(|_| {
            // Try again with the next change.
            self.shared.dirty.store(true, Ordering::SeqCst);
        })
    }

    /// The state file, if the emulator persists.
    pub fn state_file(&self) -> Option<&std::path::Path> {
        self.shared.state_file.as_deref()
    }

    /// The webhook signing key and target policy.
    pub fn webhooks(&self) -> &WebhookSettings {
        &self.shared.webhooks
    }

    /// Resolves when new events are queued for delivery.
    pub async fn queued(&self) {
        self.shared.wake.notified().await;
    }

    /// Settle every account at the current virtual time (used after a clock advance and by
    /// the background tick), queueing the events that produced.
    pub fn settle_all(&self) {
        let now = self.now();
        let seed = self.shared.config.seed;
        let mut world = self.world();
        let keys: Vec<String> = world.accounts.keys().cloned().collect();
        let mut any = false;
        for key in keys {
            if let Some(account) = world.accounts.get_mut(&key) {
                let now = account_now(now, account.clock_offset_ms);
                account.settle(now, seed, self.shared.config.drift);
                account.notify_changes(seed);
            }
            any |= world.drain_outbox(&key);
        }
        drop(world);
        if any {
            self.shared.wake.notify_one();
        }
    }

    /// The settings the emulator was started with.
    pub fn config(&self) -> Config {
        self.shared.config
    }

    /// Virtual now: wall clock plus the admin-controlled offset (the offset is bounded by
    /// `advance_clock`, so this never leaves chrono's range).
    pub fn now(&self) -> DateTime<Utc> {
        let offset = self.shared.clock_offset_ms.load(Ordering::SeqCst);
        let wall = Utc::now();
        chrono::Duration::try_milliseconds(offset)
            .and_then(|d| wall.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The account `key`'s now (its test clock); the emulator's now for an account not held.
    pub fn now_of(&self, key: &str) -> DateTime<Utc> {
        let now = self.now();
        let offset = self
            .world()
            .accounts
            .get(key)
            .map_or(0, |a| a.clock_offset_ms);
        account_now(now, offset)
    }

    /// Move the virtual clock forward; returns the new offset in milliseconds, or the
    /// current offset as the error if the total would pass `MAX_CLOCK_OFFSET_MS`.
    pub fn advance_clock(&self, by: Duration) -> Result<i64, i64> {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.shared
            .clock_offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
                current
                    .checked_add(ms)
                    .filter(|total| *total <= MAX_CLOCK_OFFSET_MS)
            })
            .map(|previous| previous + ms)
    }

    /// Move the test clock of the account `key` forward (creating the account if need be) and
    /// settle it at its new time, queueing the events that produced; returns the account's
    /// offset from the emulator's clock and its new now, or (as the error) the total offset in
    /// milliseconds if the move would pass `MAX_CLOCK_OFFSET_MS`.
    pub fn advance_account_clock(
        &self,
        key: &str,
        by: Duration,
    ) -> Result<(i64, DateTime<Utc>), i64> {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let global = self.shared.clock_offset_ms.load(Ordering::SeqCst);
        let base = Utc::now();
        let config = self.shared.config;
        let mut world = self.world();
        let account = world.account(key);
        let offset = account
            .clock_offset_ms
            .checked_add(ms)
            .filter(|total| total.saturating_add(global) <= MAX_CLOCK_OFFSET_MS)
            .ok_or(account.clock_offset_ms.saturating_add(global))?;
        account.clock_offset_ms = offset;
        let now = account_now(account_now(base, global), offset);
        account.settle(now, config.seed, config.drift);
        account.notify_changes(config.seed);
        let queued = world.drain_outbox(key);
        drop(world);
        if queued {
            self.shared.wake.notify_one();
        }
        Ok((offset, now))
    }

    /// Lock the world. A poisoned lock is recovered: handlers never leave it half-updated.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.shared
            .world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Lock the request journal (recovered if poisoned, as [`AppState::world`]).
    pub fn journal(&self) -> MutexGuard<'_, Journal> {
        self.shared
            .journal
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Run `f` on the settled account of `key`.
    pub fn with_account<T>(&self, key: &str, f: impl FnOnce(&mut Account, Ctx) -> T) -> T {
        let global = self.now();
        let mut world = self.world();
        let account = world.account(key);
        let ctx = Ctx {
            config: self.shared.config,
            now: account_now(global, account.clock_offset_ms),
        };
        account.settle(ctx.now, ctx.config.seed, ctx.config.drift);
        let out = f(account, ctx);
        account.notify_changes(ctx.config.seed);
        let queued = world.drain_outbox(key);
        if world.accounts.get(key).is_some_and(Account::is_pristine) {
            world.accounts.remove(key);
        }
        drop(world);
        if queued {
            self.shared.wake.notify_one();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_delays() {
        assert_eq!("manual".parse(), Ok(ApprovalDelay::Manual));
        assert_eq!(
            "500ms".parse(),
            Ok(ApprovalDelay::After(Duration::from_millis(500)))
        );
        assert_eq!(
            "2s".parse(),
            Ok(ApprovalDelay::After(Duration::from_secs(2)))
        );
        assert_eq!("0".parse(), Ok(ApprovalDelay::After(Duration::ZERO)));
        assert!("2 days".parse::<ApprovalDelay>().is_err());
        assert!("".parse::<ApprovalDelay>().is_err());
        assert_eq!(ApprovalDelay::default().to_string(), "2s");
    }
}
