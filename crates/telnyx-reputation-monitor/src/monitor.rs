//! [`Monitor`]: one sync sweeps an enterprise's numbers through the facade (cached reads,
//! free), compares each with its last stored reading (`diff`), and records the differences
//! in the [`Store`]. Fresh (billable) reads happen only when the caller allows them, and
//! then only within the cap checked by [`authorize_billable`] before the first one.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use futures::{StreamExt, TryStreamExt};
use telnyx_reputation::{Client, Reputation, ReputationNumber};

use crate::diff;
use crate::error::{MonitorError, Result};
use crate::model::{Reading, SyncReport};
use crate::store::{Store, SweepWrite, from_micros, micros};

/// Default: a score counts as dropped when it fell by this much or more.
pub const DEFAULT_SCORE_DROP: i64 = 10;

/// How many fresh reads run at once.
const FRESH_CONCURRENCY: usize = 8;

/// Options of one sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// A score counts as dropped when it fell by at least this much.
    pub score_drop: i64,
    /// `Some(cap)`: read every number fresh (billable, one call per number), refused
    /// before any call if that is more than `cap`. `None` (the default): cached reads only.
    pub fresh: Option<u64>,
    /// The sweep's time; default now. Set it to replay or to follow a virtual clock.
    pub at: Option<DateTime<Utc>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            score_drop: DEFAULT_SCORE_DROP,
            fresh: None,
            at: None,
        }
    }
}

/// The cost guard of the monitor: refuse `needed` billable calls of `what` unless they fit
/// in `limit`. Every billable call the monitor makes is counted here first.
pub fn authorize_billable(what: &str, needed: u64, limit: u64) -> Result<()> {
    if needed > limit {
        return Err(MonitorError::BillingRefused {
            what: what.to_owned(),
            needed,
            limit,
        });
    }
    Ok(())
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
}

impl Monitor {
    /// A monitor over `client`'s account, recording into `store`.
    pub fn new(client: Client, store: Store) -> Self {
        Self { client, store }
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
        mut progress: impl FnMut(u64),
    ) -> Result<SyncReport> {
        let rep = self.client.reputation(enterprise_id);
        let latest = self.store.latest(enterprise_id).await?;
        let mut numbers = Vec::new();
        let mut listing = std::pin::pin!(rep.numbers().list().page_size(250).stream());
        while let Some(number) = listing.try_next().await? {
            numbers.push(number);
            if numbers.len() % 250 == 0 {
                progress(numbers.len() as u64);
            }
        }
        progress(numbers.len() as u64);
        let mut fresh_reads = 0;
        if let Some(limit) = options.fresh {
            let needed = numbers.len() as u64;
            authorize_billable("fresh reads, one per number", needed, limit)?;
            numbers = read_fresh(&rep, &numbers).await?;
            fresh_reads = needed;
        }
        // Times are stored in microseconds; report them as stored.
        let mut at = from_micros(micros(options.at.unwrap_or_else(Utc::now)));
        if let Some(last) = latest.last_sweep.filter(|last| *last >= at) {
            // Sweeps are keyed by time: keep them strictly increasing.
            at = last + Duration::microseconds(1);
        }
        let current: Vec<Reading> = numbers
            .iter()
            .map(|n| Reading::from_number(n, at))
            .collect();
        let mut changes = Vec::new();
        let mut write = SweepWrite::default();
        let mut listed = HashSet::with_capacity(current.len());
        for reading in &current {
            listed.insert(reading.phone_number.as_str());
            let before = latest.readings.get(&reading.phone_number);
            let monitored = latest.monitored.contains(&reading.phone_number);
            let reported = if monitored { before } else { None };
            changes.extend(diff::changes(
                enterprise_id,
                reported,
                reading,
                options.score_drop,
                at,
            ));
            if !monitored {
                write.added.push(reading.phone_number.as_str());
            }
            if before.is_none_or(|b| !b.same_as(reading)) {
                write.readings.push(reading);
            }
        }
        let mut removed: Vec<&str> = latest
            .monitored
            .iter()
            .map(String::as_str)
            .filter(|n| !listed.contains(n))
            .collect();
        removed.sort_unstable();
        for number in &removed {
            let last_risk = latest
                .readings
                .get(*number)
                .and_then(|r| r.spam_risk.clone());
            changes.push(diff::removed(enterprise_id, number, last_risk, at));
        }
        write.removed = removed;
        write.changes = &changes;
        write.numbers = current.len() as u64;
        write.fresh_reads = fresh_reads;
        self.store.record_sweep(enterprise_id, at, &write).await?;
        let readings_written = write.readings.len() as u64;
        let high = current
            .iter()
            .filter(|r| r.spam_risk.as_deref() == Some("high"))
            .map(|r| r.phone_number.clone())
            .collect();
        Ok(SyncReport {
            enterprise_id: enterprise_id.to_owned(),
            at,
            numbers: current.len() as u64,
            readings_written,
            fresh_reads,
            changes,
            high,
            current,
        })
    }
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

    #[test]
    fn the_cost_guard_refuses_past_the_limit_and_says_how_many() {
        assert!(authorize_billable("fresh reads", 5, 5).is_ok());
        let error = authorize_billable("fresh reads", 6, 5)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("6 billable call(s) (fresh reads)"),
            "{error}"
        );
        assert!(error.contains("limit is 5"), "{error}");
    }
}
