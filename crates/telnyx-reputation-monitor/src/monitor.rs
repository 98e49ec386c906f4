//! [`Monitor`]: one sync sweeps an enterprise's numbers through the facade (cached reads,
//! free), compares each with its last stored reading (`diff`), and records the differences
//! in the [`Store`]. Fresh (billable) reads happen only when the caller asks for them and
//! the client's `max_billable` budget covers every one of them, checked by
//! [`authorize_billable`] before the first.

use std::collections::HashSet;

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use futures::{StreamExt, TryStreamExt};
use telnyx_reputation::{Client, PriceItem, Reputation, ReputationNumber, Usd};

use crate::diff;
use crate::error::{MonitorError, Result};
use crate::model::{ChangeKind, Reading, SyncReport};
use crate::policy::{Policy, PolicyRun};
use crate::rules::{Outcome, Rules};
use crate::store::{Latest, SpendCounts, Store, SweepWrite, from_micros, micros};

/// Default: a score counts as dropped when it fell by this much or more.
pub const DEFAULT_SCORE_DROP: i64 = 10;

/// How many fresh reads run at once.
const FRESH_CONCURRENCY: usize = 8;

/// Options of one sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// A score counts as dropped when it fell by at least this much.
    pub score_drop: i64,
    /// Read every number fresh (billable: one live lookup per number) instead of from the
    /// cache. Needs a client built with a `max_billable` budget, and is refused before any
    /// billable call when the budget left cannot cover one read per listed number. `false`
    /// (the default): cached reads only, never billed.
    pub fresh: bool,
    /// The sweep's time; default now. Set it to replay or to follow a virtual clock.
    pub at: Option<DateTime<Utc>>,
    /// A budgeted re-check policy: read fresh the riskiest numbers the budget left today
    /// and this month covers (see [`Policy`]). Not with `fresh`.
    pub policy: Option<Policy>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            score_drop: DEFAULT_SCORE_DROP,
            fresh: false,
            at: None,
            policy: None,
        }
    }
}

/// The monitor's cost guard, on the facade's: refuse a plan of `requests` requests of the
/// facade operation `operation` (e.g. `"numbers.get_fresh"`) before any of them is sent,
/// unless the operation is free by the facade's classification
/// ([`telnyx_reputation::OPERATIONS`]) or `client`'s `max_billable` budget still covers
/// the whole plan. The requests themselves then spend that same budget as they go, so one
/// budget governs fresh sweeps, rule-driven remediation and anything else the client does.
/// A billable plan on a client without a budget is refused: nothing the monitor does is
/// billed by surprise.
pub fn authorize_billable(client: &Client, operation: &str, requests: u64) -> Result<()> {
    let op =
        telnyx_reputation::operation(operation).ok_or_else(|| MonitorError::BillingRefused {
            what: format!("{operation}, an operation the facade does not know"),
            needed: requests,
            limit: 0,
        })?;
    if !op.is_billable() || requests == 0 {
        return Ok(());
    }
    let what = match op.billing().action() {
        Some(action) => format!("{operation}: {action}"),
        None => operation.to_owned(),
    };
    match client.remaining_billable() {
        None => Err(MonitorError::BudgetRequired {
            what,
            needed: requests,
        }),
        Some(remaining) if requests > remaining => Err(MonitorError::BillingRefused {
            what,
            needed: requests,
            limit: remaining,
        }),
        Some(_) => Ok(()),
    }
}

/// Watches numbers through a facade [`Client`] and records what it sees in a [`Store`].
///
/// ```no_run
/// # async fn run() -> Result<(), telnyx_reputation_monitor::MonitorError> {
/// use telnyx_reputation::Client;
/// use telnyx_reputation_monitor::{Monitor, Store, SyncOptions};
///
/// let store = Store::open("sqlite://monitor.sqlite").await?;
/// let monitor = Monitor::new(Client::from_env()?, store);
/// let report = monitor.sync("ENTERPRISE_ID", &SyncOptions::default(), |_| {}).await?;
/// for change in &report.changes {
///     println!("{} {} {:?} -> {:?}", change.phone_number, change.kind, change.old_value, change.new_value);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Monitor {
    client: Client,
    store: Store,
    replica: Option<String>,
    /// Per enterprise, the store's state after this monitor's last sync of it (shared by
    /// the clones): a long-running service's next sync starts from it instead of reading
    /// every number's row again, as long as no other sync ran since (see
    /// [`Monitor::previous`]).
    cache: std::sync::Arc<std::sync::Mutex<HashMap<String, std::sync::Arc<Known>>>>,
}

/// What a sync of an enterprise starts from: the store's state, and (when this monitor's
/// last sync left it) the numbers that sync listed, in the listing's order.
#[derive(Debug, Clone, Default)]
struct Known {
    latest: Latest,
    /// The last sync's listed numbers in list order (each once; the same set as
    /// `latest.monitored` after that sync); empty when read from the store.
    order: Vec<String>,
}

impl Monitor {
    /// A monitor over `client`'s account, recording into `store`.
    pub fn new(client: Client, store: Store) -> Self {
        Self {
            client,
            store,
            replica: None,
            cache: Default::default(),
        }
    }

    /// Name the `monitor serve` replica running these syncs (`HOST:PID`): each sweep
    /// stores it, so the store shows which replica ran it.
    pub fn replica(mut self, replica: impl Into<String>) -> Self {
        self.replica = Some(replica.into());
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The facade client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sweep every number of `enterprise_id`, record new and changed readings, and report
    /// what changed. `progress` is called with the count of numbers read so far.
    pub async fn sync(
        &self,
        enterprise_id: &str,
        options: &SyncOptions,
        progress: impl FnMut(u64),
    ) -> Result<SyncReport> {
        Ok(self
            .sync_inner(enterprise_id, options, None, progress)
            .await?
            .report)
    }

    /// [`Monitor::sync`], and run `rules` on what it saw: the notifications and (with
    /// `apply`) remediation requests they decide are written to the store's outbox in the
    /// sync's own transaction, so they are kept exactly when its changes are; deliver them
    /// with [`crate::outbox::deliver`] (`monitor sync` does, before and after the sweep).
    /// Print lines and dry-run remediations come back in [`SyncRun::outcomes`].
    pub async fn sync_with_rules(
        &self,
        enterprise_id: &str,
        options: &SyncOptions,
        rules: &Rules,
        apply: bool,
        progress: impl FnMut(u64),
    ) -> Result<SyncRun> {
        self.sync_inner(enterprise_id, options, Some((rules, apply)), progress)
            .await
    }

    /// The store's state of `enterprise_id` before a sync: what this monitor's last sync of
    /// it left, when the enterprise's last stored sync is still that one (no other process
    /// or monitor synced it since; only a sync writes the numbers' rows), else read from the
    /// store ([`Store::latest`]). Taken out of the cache: a sync that fails leaves nothing
    /// behind, and the next one reads the store.
    async fn previous(&self, enterprise_id: &str) -> Result<std::sync::Arc<Known>> {
        let cached = self.cache.lock().expect("cache").remove(enterprise_id);
        if let Some(cached) = cached
            && self.store.last_sweep(enterprise_id).await? == cached.latest.last_sweep
        {
            return Ok(cached);
        }
        Ok(std::sync::Arc::new(Known {
            latest: self.store.latest(enterprise_id).await?,
            order: Vec::new(),
        }))
    }

    async fn sync_inner(
        &self,
        enterprise_id: &str,
        options: &SyncOptions,
        rules: Option<(&Rules, bool)>,
        mut progress: impl FnMut(u64),
    ) -> Result<SyncRun> {
        let rep = self.client.reputation(enterprise_id);
        if options.fresh && options.policy.is_some() {
            return Err(MonitorError::Policy {
                origin: "sync".into(),
                message: "a fresh sweep reads every number: not with a policy".into(),
            });
        }
        if options.fresh && self.client.remaining_billable().is_none() {
            // Refused before listing: how many reads it would be does not matter.
            return Err(MonitorError::BudgetRequired {
                what: "numbers.get_fresh: live_lookups, one per number".into(),
                needed: 0,
            });
        }
        // The last sync's count, when known, sizes the listing (no regrowing a large one).
        let expected = self
            .cache
            .lock()
            .expect("cache")
            .get(enterprise_id)
            .map_or(0, |k| k.order.len());
        // The store's previous state is read while the pages are fetched: the listing
        // waits on the API, the store's queries on the database, and neither needs the other.
        let list = async {
            let mut numbers = Vec::with_capacity(expected);
            let mut listing = std::pin::pin!(rep.numbers().list().page_size(250).stream());
            while let Some(number) = listing.try_next().await? {
                numbers.push(number);
                if numbers.len() % 250 == 0 {
                    progress(numbers.len() as u64);
                }
            }
            progress(numbers.len() as u64);
            Ok::<_, MonitorError>(numbers)
        };
        let (known, mut numbers) = futures::try_join!(self.previous(enterprise_id), list)?;
        let latest = &known.latest;
        // A listing of exactly the numbers the last sync listed, in the same order (the
        // common case of a long-running service): no repeat, none missed, none new, none
        // removed, every number monitored; nothing to look up in a set.
        let same_listing = !known.order.is_empty()
            && numbers.len() == known.order.len()
            && numbers
                .iter()
                .zip(&known.order)
                .all(|(n, o)| n.phone_number == *o);
        // Offset pages shift when a number is added or removed while they are listed: a
        // number may be listed twice, or missed. Repeats are kept once; a monitored number
        // the listing missed is looked up alone before it counts as removed.
        let mut absent: Vec<String> = Vec::new();
        if !same_listing {
            let keep: Vec<bool> = {
                let mut seen = HashSet::with_capacity(numbers.len());
                let keep = numbers
                    .iter()
                    .map(|n| seen.insert(n.phone_number.as_str()))
                    .collect();
                absent = latest
                    .monitored
                    .iter()
                    .filter(|n| !seen.contains(n.as_str()))
                    .cloned()
                    .collect();
                keep
            };
            let mut keep = keep.into_iter();
            numbers.retain(|_| keep.next().unwrap_or(true));
            absent.sort_unstable();
            let absent_refs: Vec<&str> = absent.iter().map(String::as_str).collect();
            let found = still_listed(&rep, &absent_refs).await?;
            // What the lookups found is listed after all; the rest is removed.
            let listed_after_all: HashSet<&str> =
                found.iter().map(|n| n.phone_number.as_str()).collect();
            absent.retain(|a| !listed_after_all.contains(a.as_str()));
            numbers.extend(found);
        }
        let removed: Vec<&str> = absent.iter().map(String::as_str).collect();
        // Times are stored in microseconds; report them as stored.
        let mut at = from_micros(micros(options.at.unwrap_or_else(Utc::now)));
        if let Some(last) = latest.last_sweep.filter(|last| *last >= at) {
            // Sweeps are keyed by time: keep them strictly increasing.
            at = last + Duration::microseconds(1);
        }
        let mut fresh_reads = 0;
        // Numbers this sync read fresh itself: their refresh is not a scheduled re-check.
        let mut read_here: HashSet<String> = HashSet::new();
        let mut policy_run = None;
        if options.fresh {
            let needed = numbers.len() as u64;
            authorize_billable(&self.client, "numbers.get_fresh", needed)?;
            numbers = read_fresh(&rep, &numbers).await?;
            fresh_reads = needed;
        } else if let Some(policy) = &options.policy {
            let run = self
                .run_policy(
                    policy,
                    enterprise_id,
                    latest,
                    &mut numbers,
                    &mut read_here,
                    at,
                )
                .await?;
            fresh_reads = run.billed;
            policy_run = Some(run);
        }
        // The order of the listing, kept for the next sync (unchanged when it is the same).
        let order: Option<Vec<String>> =
            (!same_listing).then(|| numbers.iter().map(|n| n.phone_number.clone()).collect());
        let current: Vec<Reading> = numbers
            .into_iter()
            .map(|n| Reading::from_owned(n, at))
            .collect();
        // One pass over the readings: what changed, and which of them the store's write
        // takes (by position: the write refers to the report's readings once it owns them).
        let mut changes = Vec::new();
        let (mut written, mut refreshed, mut added) = (Vec::new(), Vec::new(), Vec::new());
        let mut scheduled = std::collections::BTreeMap::new();
        for (i, reading) in current.iter().enumerate() {
            let before = latest.readings.get(&reading.phone_number);
            let monitored = same_listing || latest.monitored.contains(&reading.phone_number);
            let reported = if monitored { before } else { None };
            let same = before.is_some_and(|b| b.same_as(reading));
            if !(monitored && same) {
                changes.extend(diff::changes(
                    enterprise_id,
                    reported,
                    reading,
                    options.score_drop,
                    at,
                ));
            }
            if !monitored {
                added.push(i);
            }
            // An advance of `last_refreshed_at` is one billed check: the monitor's own
            // fresh read, or (otherwise) a scheduled re-check it observes.
            let advanced = before.is_some_and(|b| {
                reading.refreshed_at.is_some() && b.refreshed_at < reading.refreshed_at
            });
            if !same {
                written.push(i);
            } else if advanced {
                refreshed.push(i);
            }
            let fresh_here = options.fresh
                || (!read_here.is_empty() && read_here.contains(&reading.phone_number));
            if reported.is_some() && advanced && !fresh_here {
                let day = reading.refreshed_at.unwrap_or(at).date_naive();
                *scheduled.entry(day).or_insert(0u64) += 1;
            }
        }
        for number in &removed {
            let last_risk = latest
                .readings
                .get(*number)
                .and_then(|r| r.spam_risk.clone());
            changes.push(diff::removed(enterprise_id, number, last_risk, at));
        }
        let high = current
            .iter()
            .filter(|r| r.spam_risk.as_deref() == Some("high"))
            .map(|r| r.phone_number.clone())
            .collect();
        // The report owns the sync's readings and changes; the store's write below refers
        // to them (no copy of every reading).
        let report = SyncReport {
            enterprise_id: enterprise_id.to_owned(),
            at,
            numbers: current.len() as u64,
            readings_written: written.len() as u64,
            fresh_reads,
            changes,
            high,
            current,
            policy: policy_run,
        };
        let sync_day = at.date_naive();
        scheduled.entry(sync_day).or_insert(0);
        let at_positions = |positions: &[usize]| -> Vec<&Reading> {
            positions.iter().map(|&i| &report.current[i]).collect()
        };
        let mut write = SweepWrite {
            replica: self.replica.as_deref(),
            readings: at_positions(&written),
            refreshed: at_positions(&refreshed),
            added: added
                .iter()
                .map(|&i| report.current[i].phone_number.as_str())
                .collect(),
            ..SweepWrite::default()
        };
        write.spend = scheduled
            .into_iter()
            .map(|(day, scheduled_checks)| SpendCounts {
                enterprise_id: enterprise_id.to_owned(),
                day,
                scheduled_checks,
                fresh_checks: if day == sync_day { fresh_reads } else { 0 },
                remediations: 0,
            })
            .collect();
        let mut outcomes = Vec::new();
        if let Some((rules, apply)) = rules {
            let report = &report;
            let (events, fired, live) = futures::try_join!(
                self.store.events(Some(enterprise_id)),
                self.store.deadline_alerts(enterprise_id),
                self.store.live_alerts(enterprise_id)
            )?;
            let holding = crate::alerts::sync_holding(rules, report, &events, at);
            write.alerts = crate::alerts::plan(rules, &holding, enterprise_id, &live, at);
            let matches = rules.evaluate(report, &events, at);
            let (matches, alerts) = rules.unfired(matches, &fired, at);
            let (planned, mut items) = rules.plan(&matches, at, apply);
            if items
                .iter()
                .any(|i| i.kind == crate::outbox::OutboxKind::Remediate)
            {
                // A number already in an open remediation is never submitted again.
                let open = self.store.open_remediation_numbers(enterprise_id).await?;
                crate::remediations::leave_out_open(&mut items, &open);
            }
            outcomes = planned;
            write.outbox = items;
            write.deadline_alerts = alerts;
        }
        let queued = write.outbox.len() + write.alerts.outbox.len();
        write.removed = removed;
        write.changes = &report.changes;
        write.numbers = report.current.len() as u64;
        write.fresh_reads = fresh_reads;
        self.store.record_sweep(enterprise_id, at, &write).await?;
        // The store's state now, as `Store::latest` would read it, for the next sync: only
        // what this sync wrote differs from what it started from.
        let stored: Vec<Reading> = write
            .readings
            .iter()
            .chain(&write.refreshed)
            .map(|r| (*r).clone())
            .collect();
        let added: Vec<String> = write.added.iter().map(|n| (*n).to_owned()).collect();
        drop(write);
        let mut next = std::sync::Arc::try_unwrap(known).unwrap_or_else(|k| (*k).clone());
        for reading in stored {
            next.latest
                .readings
                .insert(reading.phone_number.clone(), reading);
        }
        next.latest.monitored.extend(added);
        for number in &absent {
            next.latest.monitored.remove(number);
        }
        next.latest.last_sweep = Some(at);
        if let Some(order) = order {
            next.order = order;
        }
        self.cache
            .lock()
            .expect("cache")
            .insert(enterprise_id.to_owned(), std::sync::Arc::new(next));
        Ok(SyncRun {
            report,
            outcomes,
            queued,
        })
    }
}

impl Monitor {
    /// Rank the listed numbers by [`Policy`], read fresh as many of the riskiest as the
    /// budget left covers (fixed before the first read), and put what they returned in
    /// `numbers`. A read that fails keeps its cached data; it counts as spent unless Telnyx
    /// refused it before processing it (a 4xx other than 408), because it may have been
    /// billed.
    async fn run_policy(
        &self,
        policy: &Policy,
        enterprise_id: &str,
        latest: &crate::store::Latest,
        numbers: &mut [ReputationNumber],
        read_here: &mut HashSet<String>,
        at: DateTime<Utc>,
    ) -> Result<PolicyRun> {
        let prices = self.client.prices();
        let day = at.date_naive();
        let month_start = day.with_day(1).expect("day 1 exists");
        let recent = at - Duration::days(i64::from(policy.recent_days));
        let (spent, events, remediated, recent_changes) = futures::try_join!(
            self.store.spend(Some(enterprise_id), month_start, day),
            self.store.events(Some(enterprise_id)),
            self.store.outbox(&[crate::outbox::OutboxState::Done]),
            self.store.changes_since(Some(enterprise_id), recent),
        )?;
        let fell_recently: HashSet<String> = recent_changes
            .into_iter()
            .filter(|c| matches!(c.kind, ChangeKind::ScoreDrop | ChangeKind::RiskUp))
            .map(|c| c.phone_number)
            .collect();
        let price = prices.usd(PriceItem::LiveLookups).unwrap_or(Usd::ZERO);
        let fresh = |today: bool| -> u64 {
            spent
                .iter()
                .filter(|s| !today || s.day == day)
                .map(|s| s.fresh_checks)
                .sum()
        };
        let spent_today = price.checked_mul(fresh(true)).unwrap_or(Usd::ZERO);
        let spent_month = price.checked_mul(fresh(false)).unwrap_or(Usd::ZERO);
        let (mut count, allowance) = policy.allowance(day, spent_today, spent_month, prices)?;
        // The client's own budgets bound it too.
        if let Some(left) = self.client.remaining_billable() {
            count = count.min(left);
        }
        if let Some(left) = self.client.remaining_spend() {
            count = count.min(left.micros() / price.micros().max(1));
        }
        let mut flagged: HashSet<String> = events
            .iter()
            .filter(|e| e.event_type.ends_with(".flagged"))
            .filter(|e| e.occurred_at.unwrap_or(e.received_at) >= recent)
            .filter_map(|e| e.phone_number.clone())
            .collect();
        for item in remediated.iter().filter(|i| {
            i.kind == crate::outbox::OutboxKind::Remediate
                && i.target == enterprise_id
                && i.updated_at >= recent
        }) {
            if let Some(listed) = item.payload["numbers"].as_array() {
                flagged.extend(listed.iter().filter_map(|n| n.as_str().map(String::from)));
            }
        }
        let current: Vec<Reading> = numbers
            .iter()
            .map(|n| Reading::from_number(n, at))
            .collect();
        let candidates = policy.rank(&current, &latest.readings, &fell_recently, &flagged, at);
        let selected: Vec<String> = candidates
            .iter()
            .take(usize::try_from(count).unwrap_or(usize::MAX))
            .map(|c| c.phone_number.clone())
            .collect();
        let planned_usd = prices.cost(PriceItem::LiveLookups, selected.len() as u64);
        let rep = self.client.reputation(enterprise_id);
        let reads = selected.iter().map(|number| {
            let numbers = rep.numbers();
            async move { (number, numbers.get_fresh(number).await) }
        });
        let results: Vec<_> = futures::stream::iter(reads)
            .buffer_unordered(FRESH_CONCURRENCY)
            .collect()
            .await;
        let index: HashMap<String, usize> = numbers
            .iter()
            .enumerate()
            .map(|(i, n)| (n.phone_number.clone(), i))
            .collect();
        let (mut billed, mut failed) = (0, 0);
        for (number, result) in results {
            match result {
                Ok(read) => {
                    billed += 1;
                    read_here.insert(number.clone());
                    if let Some(&i) = index.get(number) {
                        numbers[i] = read;
                    }
                }
                Err(e) => {
                    failed += 1;
                    if maybe_billed(&e) {
                        billed += 1;
                    }
                }
            }
        }
        Ok(PolicyRun {
            candidates,
            selected,
            billed,
            failed,
            spent_today_usd: spent_today,
            spent_month_usd: spent_month,
            allowance_usd: allowance,
            planned_usd,
        })
    }
}

/// Whether a failed billable request may have been billed: yes unless Telnyx (or the
/// facade's own guard) refused it before processing it.
fn maybe_billed(error: &telnyx_reputation::Error) -> bool {
    use telnyx_reputation::ErrorKind as K;
    !matches!(
        error.kind(),
        K::InvalidInput
            | K::Authentication
            | K::PermissionDenied
            | K::NotFound
            | K::Conflict
            | K::Unprocessable
            | K::RateLimited
            | K::BadRequest
            | K::GateRejected
            | K::BillingRefused
    )
}

/// An enterprise of the account as [`Monitor::enterprises`] found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEnterprise {
    /// The enterprise id.
    pub id: String,
    /// Its registered legal name.
    pub legal_name: String,
    /// The Number Reputation status (`approved`, `pending`, …); `None` when Number
    /// Reputation is not enabled for it.
    pub status: Option<String>,
}

impl AccountEnterprise {
    /// True when its numbers can be synced: Number Reputation is enabled and approved.
    pub fn watchable(&self) -> bool {
        self.status.as_deref() == Some("approved")
    }

    /// Why it is not synced, when it is not.
    pub fn skipped_because(&self) -> Option<String> {
        match self.status.as_deref() {
            Some("approved") => None,
            Some(status) => Some(format!("Number Reputation is {status}")),
            None => Some("Number Reputation is not enabled".into()),
        }
    }
}

impl Monitor {
    /// Every enterprise of the account with its Number Reputation status, in the API's
    /// order: one free listing and one free settings read per enterprise (no billable call).
    pub async fn enterprises(&self) -> Result<Vec<AccountEnterprise>> {
        let listed: Vec<_> = self
            .client
            .enterprises()
            .list()
            .page_size(250)
            .stream()
            .try_collect()
            .await?;
        let reads = listed.into_iter().map(|enterprise| {
            let rep = self.client.reputation(&enterprise.id);
            async move {
                let status = match rep.settings().await {
                    Ok(settings) => Some(settings.status.as_str().to_owned()),
                    Err(e) if e.kind() == telnyx_reputation::ErrorKind::NotFound => None,
                    Err(e) => return Err(MonitorError::from(e)),
                };
                Ok(AccountEnterprise {
                    id: enterprise.id,
                    legal_name: enterprise.legal_name,
                    status,
                })
            }
        });
        futures::stream::iter(reads)
            .buffered(FRESH_CONCURRENCY)
            .try_collect()
            .await
    }
}

/// What [`Monitor::sync_with_rules`] did.
#[derive(Debug, Clone)]
pub struct SyncRun {
    /// The sync.
    pub report: SyncReport,
    /// Print lines and dry-run remediations of the rules (done at once).
    pub outcomes: Vec<Outcome>,
    /// Actions written to the outbox with the sync (notifications, applied remediations).
    pub queued: usize,
}

/// Which of `absent` (monitored numbers a sweep's listing did not return) the enterprise
/// still has, each with its current data: one free listing filtered to the number
/// (`filter[phone_number][eq]`), never a read that could bill a live lookup. Only a number
/// this confirms gone is recorded `removed`; one that a page shift hid is kept, with the
/// data this lookup returned.
async fn still_listed(rep: &Reputation, absent: &[&str]) -> Result<Vec<ReputationNumber>> {
    let lookups = absent.iter().map(|number| {
        let numbers = rep.numbers();
        async move {
            let listed = match numbers.list().phone_number_eq(number).first_page().await {
                Ok(page) => page.items,
                // A number the filter's validation refuses: its cached read says (404: gone).
                Err(e) if e.kind() == telnyx_reputation::ErrorKind::InvalidInput => {
                    match numbers.get(number).await {
                        Ok(found) => vec![found],
                        Err(e) if e.kind() == telnyx_reputation::ErrorKind::NotFound => Vec::new(),
                        Err(e) => return Err(MonitorError::from(e)),
                    }
                }
                Err(e) => return Err(MonitorError::from(e)),
            };
            Ok(listed.into_iter().find(|n| n.phone_number == *number))
        }
    });
    let found: Vec<Option<ReputationNumber>> = futures::stream::iter(lookups)
        .buffered(FRESH_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// Read every number live (billable; the caller has authorised it), keeping list order.
async fn read_fresh(
    rep: &Reputation,
    numbers: &[ReputationNumber],
) -> Result<Vec<ReputationNumber>> {
    let reads = numbers.iter().map(|n| {
        let numbers = rep.numbers();
        let number = n.phone_number.clone();
        async move { numbers.get_fresh(&number).await }
    });
    Ok(futures::stream::iter(reads)
        .buffered(FRESH_CONCURRENCY)
        .try_collect()
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(budget: Option<u64>) -> Client {
        let builder = Client::builder()
            .api_key("KEY_unit")
            .base_url("http://127.0.0.1:9/v2");
        match budget {
            Some(max) => builder.max_billable(max),
            None => builder,
        }
        .build()
        .unwrap()
    }

    #[test]
    fn the_cost_guard_checks_the_whole_plan_against_the_facade_budget() {
        let budgeted = client(Some(5));
        assert!(authorize_billable(&budgeted, "numbers.get_fresh", 5).is_ok());
        let error = authorize_billable(&budgeted, "numbers.get_fresh", 6).unwrap_err();
        assert!(
            matches!(
                error,
                MonitorError::BillingRefused {
                    needed: 6,
                    limit: 5,
                    ..
                }
            ),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.contains("6 billable request(s) (numbers.get_fresh: live_lookups)"),
            "{message}"
        );
        assert!(message.contains("allows 5 more"), "{message}");
        assert_eq!(budgeted.usage().total_requests, 0, "a check spends nothing");
    }

    #[test]
    fn billable_plans_need_a_budget_and_free_operations_pass() {
        let unlimited = client(None);
        let error = authorize_billable(&unlimited, "numbers.refresh", 1).unwrap_err();
        assert!(
            matches!(error, MonitorError::BudgetRequired { needed: 1, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("max_billable"), "{error}");
        // Remediation is billed per number submitted: it needs a budget too.
        assert!(authorize_billable(&unlimited, "remediation.submit", 50).is_err());
        // Free by the facade's classification: no budget needed, nothing counted.
        assert!(authorize_billable(&client(Some(0)), "numbers.list", 1).is_ok());
        assert!(authorize_billable(&unlimited, "no.such.operation", 1).is_err());
    }
}
