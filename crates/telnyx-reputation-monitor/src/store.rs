//! The monitor's store: one schema (`migrations/`), two backends behind one URL — SQLite
//! (`sqlite://PATH`, the default, one file under the platform data dir) and PostgreSQL
//! (`postgres://…`) — through sqlx's `Any` driver, so every statement is written once in
//! the SQL both share. It stores changes, not copies: a sync writes a reading only for a
//! number that is new or differs from its last reading, and one `sweeps` row whose time is
//! every listed number's last-seen time.
//! What counts as a change is decided in `diff`; this module only reads and writes rows.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row};

use crate::error::{MonitorError, Result};
use crate::model::{Change, ChangeKind, Reading, StoredEvent};
use crate::outbox::NewOutboxItem;
use crate::rules::DeadlineAlert;

/// The schema, embedded so an installed binary carries it.
const MIGRATIONS: [(i64, &str, &str); 10] = [
    (1, "monitor", include_str!("../migrations/0001_monitor.sql")),
    (
        2,
        "readings_spans",
        include_str!("../migrations/0002_readings_spans.sql"),
    ),
    (
        3,
        "last_reading",
        include_str!("../migrations/0003_last_reading.sql"),
    ),
    (4, "outbox", include_str!("../migrations/0004_outbox.sql")),
    (
        5,
        "sync_locks",
        include_str!("../migrations/0005_sync_locks.sql"),
    ),
    (6, "spend", include_str!("../migrations/0006_spend.sql")),
    (7, "alerts", include_str!("../migrations/0007_alerts.sql")),
    (
        8,
        "remediations",
        include_str!("../migrations/0008_remediations.sql"),
    ),
    (
        9,
        "replicas",
        include_str!("../migrations/0009_replicas.sql"),
    ),
    (
        10,
        "dashboard",
        include_str!("../migrations/0010_dashboard.sql"),
    ),
];

/// Set on every SQLite connection: write-ahead logging with `synchronous = NORMAL` (a commit
/// appends to the log and is synced at checkpoints, instead of syncing the rollback journal
/// and the file on every commit; the file is never left corrupt, a power cut may lose the
/// last sync, which the next sync records again), and a 32 MiB page cache so a sync or a
/// report over a large fleet is not re-reading the same pages.
const SQLITE_PRAGMAS: [&str; 3] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -32768",
];

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 400;

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// How long opening a store may take (connecting, or finding the file is not a database)
/// before it fails with the cause rather than waiting on the pool.
pub const OPEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A monitor store: a connection pool with the schema migrated.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The URL it was opened with, password redacted (for messages).
    shown: String,
}

/// Whether [`Store::open_with`] may create a missing SQLite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Create {
    /// Only open an existing store: a missing file is an error naming the path.
    Never,
    /// Create a missing file, in a directory that must already exist (a mistyped directory
    /// is an error, never a fresh empty store).
    InExistingDir,
    /// Create the file and any missing directories (the default store's).
    WithDirs,
}

/// A sync's writes, applied in one transaction by [`Store::record_sweep`].
#[derive(Debug, Default)]
pub struct SweepWrite<'a> {
    /// Readings to insert (new or changed numbers).
    pub readings: Vec<&'a Reading>,
    /// Numbers seen for the first time, or again after a removal.
    pub added: Vec<&'a str>,
    /// Numbers no longer listed.
    pub removed: Vec<&'a str>,
    /// Every change the sync reports.
    pub changes: &'a [Change],
    /// Numbers in the list.
    pub numbers: u64,
    /// Billable fresh reads made.
    pub fresh_reads: u64,
    /// The actions the sync's rules decided, written to the outbox with the sync.
    pub outbox: Vec<NewOutboxItem>,
    /// The ownership deadlines its rules fired for.
    pub deadline_alerts: Vec<DeadlineAlert>,
    /// Readings whose `refreshed_at` advanced while everything else stayed the same: not
    /// stored as new readings, but kept as the number's latest so an advance is counted once.
    pub refreshed: Vec<&'a Reading>,
    /// What the sync saw billed, per UTC day (scheduled re-checks observed, its own fresh
    /// reads), added to the store's spend record in the sync's transaction.
    pub spend: Vec<SpendCounts>,
    /// The `monitor serve` replica running the sync (`HOST:PID`), stored with its sweep.
    pub replica: Option<&'a str>,
    /// The alert transitions its rules decided, with their notifications.
    pub alerts: crate::alerts::AlertPlan,
}

/// Billed units of one enterprise on one UTC day, as the monitor recorded them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpendCounts {
    /// The enterprise.
    pub enterprise_id: String,
    /// The UTC day.
    pub day: NaiveDate,
    /// Scheduled re-checks observed: advances of a number's `last_refreshed_at` the
    /// monitor's own reads did not cause (a lower bound: two re-checks of one number between
    /// two syncs are seen as one).
    pub scheduled_checks: u64,
    /// Fresh (live) reads the monitor made (exact).
    pub fresh_checks: u64,
    /// Numbers the monitor submitted for remediation (exact).
    pub remediations: u64,
}

impl Store {
    /// The default store: `monitor.sqlite` under the platform data directory
    /// (e.g. `~/.local/share/telnyx-reputation/` on Linux).
    pub fn default_path() -> Result<PathBuf> {
        let dirs = directories::ProjectDirs::from("com", "telnyx-reputation", "telnyx-reputation")
            .ok_or_else(|| MonitorError::StoreUrl {
                url: String::new(),
                reason: "no home directory to put the default store in; pass a store URL".into(),
            })?;
        Ok(dirs.data_dir().join("monitor.sqlite"))
    }

    /// Open the default SQLite store, creating its directory and file.
    pub async fn open_default() -> Result<Self> {
        let path = Self::default_path()?;
        Self::open_with(&format!("sqlite://{}", path.display()), Create::WithDirs).await
    }

    /// Open `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`, and bring the schema up to
    /// date. A missing SQLite file is created when its directory exists
    /// ([`Create::InExistingDir`]); [`Store::open_with`] chooses otherwise.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, Create::InExistingDir).await
    }

    /// [`Store::open`], saying whether a missing SQLite file may be created. Fails within
    /// [`OPEN_TIMEOUT`] with the URL (password redacted) and the cause when the server does
    /// not answer, refuses, or the file is not an SQLite database.
    pub async fn open_with(url: &str, create: Create) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let (backend, connect_url) = Self::parse_url(url)?;
        let shown = redact_password(url);
        let failed = {
            let shown = shown.clone();
            move |cause: String| MonitorError::StoreOpen {
                url: shown.clone(),
                cause,
            }
        };
        if backend == Backend::Sqlite {
            Self::check_sqlite_path(&connect_url, create).map_err(&failed)?;
        }
        // One connection first, bounded in time: the pool would retry a failing connect
        // until its own timeout and then report only that it timed out.
        let probe = async {
            use sqlx::Connection;
            let mut conn = sqlx::AnyConnection::connect(&connect_url).await?;
            // Reading the schema is what finds a file that is not a database.
            sqlx::query("SELECT 1").execute(&mut conn).await?;
            if backend == Backend::Sqlite {
                sqlx::query("SELECT COUNT(*) FROM sqlite_master")
                    .fetch_one(&mut conn)
                    .await?;
            }
            conn.close().await
        };
        match tokio::time::timeout(OPEN_TIMEOUT, probe).await {
            Err(_) => {
                return Err(failed(format!(
                    "no answer within {} s",
                    OPEN_TIMEOUT.as_secs()
                )));
            }
            Ok(Err(e)) => return Err(failed(cause_of(&e))),
            Ok(Ok(())) => {}
        }
        let mut options = AnyPoolOptions::new()
            .acquire_timeout(OPEN_TIMEOUT)
            // SQLite serialises writers anyway; one connection avoids `database is locked`.
            .max_connections(if backend == Backend::Sqlite { 1 } else { 4 });
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in SQLITE_PRAGMAS {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&connect_url)
            .await
            .map_err(|e| failed(cause_of(&e)))?;
        let store = Self {
            pool,
            backend,
            shown,
        };
        store.migrate().await.map_err(|e| match e {
            MonitorError::Migrate(m) => failed(format!("cannot bring the schema up to date: {m}")),
            other => other,
        })?;
        Ok(store)
    }

    /// The URL this store was opened with, password redacted: what messages and summaries
    /// name it by.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Which backend this store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn parse_url(url: &str) -> Result<(Backend, String)> {
        let refuse = |reason: &str| MonitorError::StoreUrl {
            url: redact_password(url),
            reason: reason.into(),
        };
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(refuse(
                    "sqlite:// needs a file path, e.g. sqlite://monitor.sqlite",
                ));
            }
            // `?mode=ro` (read-only) as given; otherwise read-write, creating a file that
            // `open_with` has decided may be created.
            if path.contains("mode=") {
                return Ok((Backend::Sqlite, url.to_owned()));
            }
            let joiner = if path.contains('?') { '&' } else { '?' };
            Ok((Backend::Sqlite, format!("{url}{joiner}mode=rwc")))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok((Backend::Postgres, url.to_owned()))
        } else {
            Err(refuse(
                "expected sqlite://PATH or postgres://USER@HOST:PORT/DATABASE",
            ))
        }
    }

    /// The file of an `sqlite://` connect URL.
    pub(crate) fn sqlite_file(connect_url: &str) -> &std::path::Path {
        std::path::Path::new(
            connect_url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap_or_default(),
        )
    }

    /// Refuse a missing file unless `create` allows it, and then only in an existing
    /// directory unless it is [`Create::WithDirs`].
    fn check_sqlite_path(connect_url: &str, create: Create) -> std::result::Result<(), String> {
        let path = Self::sqlite_file(connect_url);
        if path.as_os_str() == ":memory:" || path.exists() {
            return Ok(());
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        match create {
            Create::Never => Err(format!(
                "no store at {} (pass --create to make a new one there)",
                path.display()
            )),
            Create::InExistingDir => match dir {
                Some(dir) if !dir.is_dir() => Err(format!(
                    "the directory {} does not exist (a new store is only created in an existing directory; the CLI's --create makes it)",
                    dir.display()
                )),
                _ => Ok(()),
            },
            Create::WithDirs => match dir {
                Some(dir) => std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create the directory {}: {e}", dir.display())),
                None => Ok(()),
            },
        }
    }

    async fn migrate(&self) -> Result<()> {
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                )
            })
            .collect::<Vec<_>>();
        let migrator = Migrator {
            migrations: Cow::Owned(migrations),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The latest reading of every number of `enterprise_id` a sync has seen, which of them
    /// are still monitored, and when the last sync ran. One row per number
    /// (`monitored_numbers.last_reading`, kept by [`Store::record_sweep`]); a store from before
    /// that column has its rows filled from the readings once, here.
    pub async fn latest(&self, enterprise_id: &str) -> Result<Latest> {
        let rows = sqlx::query(
            "SELECT phone_number, removed_at, last_reading FROM monitored_numbers \
             WHERE enterprise_id = $1",
        )
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        let mut readings = HashMap::with_capacity(rows.len());
        let mut monitored = std::collections::HashSet::with_capacity(rows.len());
        let mut missing = false;
        for row in &rows {
            let number: String = row.try_get(0)?;
            if row.try_get::<Option<i64>, _>(1)?.is_none() {
                monitored.insert(number.clone());
            }
            match row.try_get::<Option<String>, _>(2)? {
                Some(text) => {
                    let reading = decode_reading(&number, &text)?;
                    readings.insert(number, reading);
                }
                None => missing = true,
            }
        }
        if missing {
            readings = self.backfill_last_readings(enterprise_id).await?;
        }
        let last_sweep: Option<i64> =
            sqlx::query("SELECT MAX(at) FROM sweeps WHERE enterprise_id = $1")
                .bind(enterprise_id)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
        Ok(Latest {
            readings,
            monitored,
            last_sweep: last_sweep.map(from_micros),
        })
    }

    /// Every number's newest reading, found in the history, written to its row's
    /// `last_reading` (the one-off upgrade of a store from before migration 0003).
    async fn backfill_last_readings(
        &self,
        enterprise_id: &str,
    ) -> Result<HashMap<String, Reading>> {
        let rows = sqlx::query(
            "SELECT r.phone_number, r.observed_at, r.spam_risk, r.spam_category, r.maturity_score, \
             r.connection_score, r.engagement_score, r.sentiment_score, r.ownership_status, \
             r.confirm_by, r.refreshed_at \
             FROM readings r JOIN (SELECT phone_number, MAX(observed_at) AS last FROM readings \
             WHERE enterprise_id = $1 GROUP BY phone_number) l \
             ON r.phone_number = l.phone_number AND r.observed_at = l.last \
             WHERE r.enterprise_id = $1",
        )
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        let readings = rows.iter().map(reading_of).collect::<Result<Vec<_>>>()?;
        let mut tx = self.pool.begin().await?;
        let refs: Vec<&Reading> = readings.iter().collect();
        self.set_last_readings(&mut tx, enterprise_id, &refs)
            .await?;
        self.set_current(&mut tx, enterprise_id, &refs, None)
            .await?;
        tx.commit().await?;
        Ok(readings
            .into_iter()
            .map(|r| (r.phone_number.clone(), r))
            .collect())
    }

    /// Set `last_reading` on the rows of these readings' numbers (rows that exist).
    async fn set_last_readings(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        enterprise_id: &str,
        readings: &[&Reading],
    ) -> Result<()> {
        for chunk in readings.chunks(BATCH) {
            let mut p = Params::new(self.backend);
            let mut sql =
                String::from("UPDATE monitored_numbers SET last_reading = CASE phone_number");
            for _ in chunk {
                let (number, text) = (p.next(), p.next());
                sql.push_str(&format!(" WHEN {number} THEN {text}"));
            }
            sql.push_str(&format!(
                " ELSE last_reading END WHERE enterprise_id = {} AND phone_number IN (",
                p.next()
            ));
            for i in 0..chunk.len() {
                sql.push_str(if i == 0 { "" } else { ", " });
                sql.push_str(&p.next());
            }
            sql.push(')');
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query.bind(&r.phone_number).bind(encode_reading(r));
            }
            query = query.bind(enterprise_id);
            for r in chunk {
                query = query.bind(&r.phone_number);
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Write the current state of each number of `readings` (its newest stored reading) to
    /// its row's `cur_*` columns (migration 0010), observed at `at_us` (the sweep's time,
    /// which the readings are stored under) or each reading's own time.
    async fn set_current(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        enterprise_id: &str,
        readings: &[&Reading],
        at_us: Option<i64>,
    ) -> Result<()> {
        const COLUMNS: [&str; 8] = [
            "cur_observed_at",
            "cur_risk",
            "cur_category",
            "cur_maturity",
            "cur_connection",
            "cur_engagement",
            "cur_sentiment",
            "cur_ownership",
        ];
        // 8 CASE columns of 2 values per number: a quarter of a batch per statement.
        for chunk in readings.chunks(BATCH / 4) {
            let mut p = Params::new(self.backend);
            let mut sets = Vec::with_capacity(COLUMNS.len());
            for column in COLUMNS {
                let mut set = format!("{column} = CASE phone_number");
                for _ in chunk {
                    let (number, value) = (p.next(), p.next());
                    set.push_str(&format!(" WHEN {number} THEN {value}"));
                }
                set.push_str(&format!(" ELSE {column} END"));
                sets.push(set);
            }
            let mut sql = format!(
                "UPDATE monitored_numbers SET {} WHERE enterprise_id = {} AND phone_number IN (",
                sets.join(", "),
                p.next()
            );
            for i in 0..chunk.len() {
                sql.push_str(if i == 0 { "" } else { ", " });
                sql.push_str(&p.next());
            }
            sql.push(')');
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(&r.phone_number)
                    .bind(at_us.unwrap_or_else(|| micros(r.observed_at)));
            }
            for r in chunk {
                query = query.bind(&r.phone_number).bind(&r.spam_risk);
            }
            for r in chunk {
                query = query.bind(&r.phone_number).bind(&r.spam_category);
            }
            for score in 0..4 {
                for r in chunk {
                    let value = [
                        r.maturity_score,
                        r.connection_score,
                        r.engagement_score,
                        r.sentiment_score,
                    ][score];
                    query = query.bind(&r.phone_number).bind(value);
                }
            }
            for r in chunk {
                query = query.bind(&r.phone_number).bind(&r.ownership_status);
            }
            query = query.bind(enterprise_id);
            for r in chunk {
                query = query.bind(&r.phone_number);
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Record `changes` in each number's `last_changed_at` and in the per-kind counts
    /// (migration 0010).
    async fn count_changes(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        changes: &[Change],
    ) -> Result<()> {
        use std::collections::{BTreeMap, BTreeSet};
        let mut by_time: BTreeMap<(&str, i64), BTreeSet<&str>> = BTreeMap::new();
        let mut counts: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        for c in changes {
            by_time
                .entry((c.enterprise_id.as_str(), micros(c.at)))
                .or_default()
                .insert(c.phone_number.as_str());
            *counts
                .entry((c.enterprise_id.as_str(), c.kind.as_str()))
                .or_default() += 1;
        }
        for ((enterprise_id, at), numbers) in &by_time {
            let numbers: Vec<&str> = numbers.iter().copied().collect();
            for chunk in numbers.chunks(BATCH) {
                let mut p = Params::new(self.backend);
                let mut sql = format!(
                    "UPDATE monitored_numbers SET last_changed_at = CASE WHEN last_changed_at IS NULL \
                     OR last_changed_at < {} THEN {} ELSE last_changed_at END \
                     WHERE enterprise_id = {} AND phone_number IN (",
                    p.next(),
                    p.next(),
                    p.next()
                );
                for i in 0..chunk.len() {
                    sql.push_str(if i == 0 { "" } else { ", " });
                    sql.push_str(&p.next());
                }
                sql.push(')');
                let mut query = sqlx::query(&sql).bind(*at).bind(*at).bind(*enterprise_id);
                for number in chunk {
                    query = query.bind(*number);
                }
                query.execute(&mut **tx).await?;
            }
        }
        for ((enterprise_id, kind), n) in counts {
            sqlx::query(
                "INSERT INTO change_counts (enterprise_id, kind, n) VALUES ($1, $2, $3) \
                 ON CONFLICT (enterprise_id, kind) DO UPDATE SET n = change_counts.n + excluded.n",
            )
            .bind(enterprise_id)
            .bind(kind)
            .bind(n)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// When the last sync of `enterprise_id` ran (`None`: never). One indexed query, so it
    /// also tells that the store answers (the service's `/readyz`).
    pub async fn last_sweep(&self, enterprise_id: &str) -> Result<Option<DateTime<Utc>>> {
        let last: Option<i64> = sqlx::query("SELECT MAX(at) FROM sweeps WHERE enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(last.map(from_micros))
    }

    /// When `phone_number` was last listed by a sync of `enterprise_id` (`None`: never
    /// seen). A monitored number was listed by the enterprise's latest sync (a sync marks
    /// every number it does not list as removed), so its time is kept once per sync, in
    /// `sweeps`, rather than rewritten on every number's row; a number that left monitoring
    /// keeps the time of the last sync that listed it in `monitored_numbers.last_seen`.
    pub async fn last_seen(
        &self,
        enterprise_id: &str,
        phone_number: &str,
    ) -> Result<Option<DateTime<Utc>>> {
        let row = sqlx::query(
            "SELECT CASE WHEN m.removed_at IS NULL THEN COALESCE((SELECT MAX(s.at) FROM sweeps s \
             WHERE s.enterprise_id = m.enterprise_id), m.last_seen) ELSE m.last_seen END \
             FROM monitored_numbers m WHERE m.enterprise_id = $1 AND m.phone_number = $2",
        )
        .bind(enterprise_id)
        .bind(phone_number)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => Some(from_micros(row.try_get(0)?)),
            None => None,
        })
    }

    /// Write one sync in one transaction: its new readings, added and removed numbers
    /// (a removed number's `last_seen` becomes the previous sync's time), changes, and the
    /// sweep row, which is every listed number's last-seen time ([`Store::last_seen`]).
    pub async fn record_sweep(
        &self,
        enterprise_id: &str,
        at: DateTime<Utc>,
        write: &SweepWrite<'_>,
    ) -> Result<()> {
        let at_us = micros(at);
        let mut tx = self.pool.begin().await?;
        for chunk in write.readings.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO readings (enterprise_id, phone_number, observed_at, spam_risk, \
                 spam_category, maturity_score, connection_score, engagement_score, \
                 sentiment_score, ownership_status, confirm_by, refreshed_at) VALUES ",
            );
            push_placeholders(&mut sql, self.backend, chunk.len(), 12);
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(enterprise_id)
                    .bind(&r.phone_number)
                    .bind(at_us)
                    .bind(&r.spam_risk)
                    .bind(&r.spam_category)
                    .bind(r.maturity_score)
                    .bind(r.connection_score)
                    .bind(r.engagement_score)
                    .bind(r.sentiment_score)
                    .bind(&r.ownership_status)
                    .bind(r.confirm_by.map(micros))
                    .bind(r.refreshed_at.map(micros));
            }
            query.execute(&mut *tx).await?;
        }
        // Each number's row keeps its newest reading (`latest` reads it back).
        let written: HashMap<&str, &Reading> = write
            .readings
            .iter()
            .map(|r| (r.phone_number.as_str(), *r))
            .collect();
        for chunk in write.added.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO monitored_numbers (enterprise_id, phone_number, first_seen, last_seen, last_reading) VALUES ",
            );
            push_placeholders(&mut sql, self.backend, chunk.len(), 5);
            sql.push_str(
                " ON CONFLICT (enterprise_id, phone_number) DO UPDATE SET removed_at = NULL, \
                 last_seen = excluded.last_seen, \
                 last_reading = COALESCE(excluded.last_reading, monitored_numbers.last_reading)",
            );
            let mut query = sqlx::query(&sql);
            for number in chunk {
                query = query
                    .bind(enterprise_id)
                    .bind(*number)
                    .bind(at_us)
                    .bind(at_us)
                    .bind(written.get(number).map(|r| encode_reading(r)));
            }
            query.execute(&mut *tx).await?;
        }
        let added: std::collections::HashSet<&str> = write.added.iter().copied().collect();
        let changed: Vec<&Reading> = write
            .readings
            .iter()
            .copied()
            .filter(|r| !added.contains(r.phone_number.as_str()))
            .collect();
        self.set_last_readings(&mut tx, enterprise_id, &changed)
            .await?;
        // Every number with a new reading: its current state (migration 0010).
        self.set_current(&mut tx, enterprise_id, &write.readings, Some(at_us))
            .await?;
        for chunk in write.removed.chunks(BATCH) {
            // Its last sighting was the sweep before this one (this one's row comes last).
            let mut p = Params::new(self.backend);
            let mut sql = format!(
                "UPDATE monitored_numbers SET removed_at = {}, last_seen = COALESCE(\
                 (SELECT MAX(at) FROM sweeps WHERE enterprise_id = {}), last_seen) \
                 WHERE enterprise_id = {} AND phone_number IN (",
                p.next(),
                p.next(),
                p.next()
            );
            for i in 0..chunk.len() {
                sql.push_str(if i == 0 { "" } else { ", " });
                sql.push_str(&p.next());
            }
            sql.push(')');
            let mut query = sqlx::query(&sql)
                .bind(at_us)
                .bind(enterprise_id)
                .bind(enterprise_id);
            for number in chunk {
                query = query.bind(*number);
            }
            query.execute(&mut *tx).await?;
        }
        for chunk in write.changes.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO changes (enterprise_id, phone_number, at, kind, field, old_value, new_value) VALUES ",
            );
            push_placeholders(&mut sql, self.backend, chunk.len(), 7);
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = query
                    .bind(&c.enterprise_id)
                    .bind(&c.phone_number)
                    .bind(micros(c.at))
                    .bind(c.kind.as_str())
                    .bind(&c.field)
                    .bind(&c.old_value)
                    .bind(&c.new_value);
            }
            query.execute(&mut *tx).await?;
        }
        self.count_changes(&mut tx, write.changes).await?;
        sqlx::query(
            "INSERT INTO sweeps (enterprise_id, at, numbers, readings_written, changes, fresh_reads, replica) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(enterprise_id)
        .bind(at_us)
        .bind(to_i64(write.numbers))
        .bind(to_i64(write.readings.len() as u64))
        .bind(to_i64(write.changes.len() as u64))
        .bind(to_i64(write.fresh_reads))
        .bind(write.replica)
        .execute(&mut *tx)
        .await?;
        let refreshed: Vec<&Reading> = write
            .refreshed
            .iter()
            .copied()
            .filter(|r| !added.contains(r.phone_number.as_str()))
            .collect();
        self.set_last_readings(&mut tx, enterprise_id, &refreshed)
            .await?;
        self.add_spend(&mut tx, &write.spend).await?;
        self.insert_outbox(&mut tx, &write.outbox, at).await?;
        self.write_alerts(&mut tx, &write.alerts, at).await?;
        for alert in &write.deadline_alerts {
            sqlx::query(
                "INSERT INTO deadline_alerts (enterprise_id, rule, phone_number, confirm_by, stage, fired_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(enterprise_id)
            .bind(&alert.rule)
            .bind(&alert.phone_number)
            .bind(micros(alert.confirm_by))
            .bind(alert.stage)
            .bind(at_us)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Add billed units to the spend record (one row per enterprise and UTC day).
    pub(crate) async fn add_spend(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        spend: &[SpendCounts],
    ) -> Result<()> {
        for s in spend {
            sqlx::query(
                "INSERT INTO spend_days (enterprise_id, day, scheduled_checks, fresh_checks, remediations) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (enterprise_id, day) DO UPDATE SET \
                 scheduled_checks = spend_days.scheduled_checks + excluded.scheduled_checks, \
                 fresh_checks = spend_days.fresh_checks + excluded.fresh_checks, \
                 remediations = spend_days.remediations + excluded.remediations",
            )
            .bind(&s.enterprise_id)
            .bind(micros(day_start(s.day)))
            .bind(to_i64(s.scheduled_checks))
            .bind(to_i64(s.fresh_checks))
            .bind(to_i64(s.remediations))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// The spend record of `enterprise_id` (or every enterprise) for the UTC days from
    /// `since`'s to `until`'s, by enterprise then day.
    pub async fn spend(
        &self,
        enterprise_id: Option<&str>,
        since: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<SpendCounts>> {
        let rows = sqlx::query(
            "SELECT enterprise_id, day, scheduled_checks, fresh_checks, remediations FROM spend_days \
             WHERE day >= $1 AND day <= $2 AND ($3 IS NULL OR enterprise_id = $3) \
             ORDER BY enterprise_id, day",
        )
        .bind(micros(day_start(since)))
        .bind(micros(day_start(until)))
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SpendCounts {
                    enterprise_id: row.try_get(0)?,
                    day: from_micros(row.try_get(1)?).date_naive(),
                    scheduled_checks: row.try_get::<i64, _>(2)?.max(0) as u64,
                    fresh_checks: row.try_get::<i64, _>(3)?.max(0) as u64,
                    remediations: row.try_get::<i64, _>(4)?.max(0) as u64,
                })
            })
            .collect()
    }

    /// The ownership deadlines rules already fired for in `enterprise_id`.
    pub async fn deadline_alerts(
        &self,
        enterprise_id: &str,
    ) -> Result<std::collections::BTreeSet<DeadlineAlert>> {
        let rows = sqlx::query(
            "SELECT rule, phone_number, confirm_by, stage FROM deadline_alerts WHERE enterprise_id = $1",
        )
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DeadlineAlert {
                    rule: row.try_get(0)?,
                    phone_number: row.try_get(1)?,
                    confirm_by: from_micros(row.try_get(2)?),
                    stage: row.try_get(3)?,
                })
            })
            .collect()
    }

    /// Every stored reading of `phone_number`, oldest first (one enterprise, or all).
    pub async fn history(
        &self,
        enterprise_id: Option<&str>,
        phone_number: &str,
    ) -> Result<Vec<Reading>> {
        let rows = sqlx::query(
            "SELECT phone_number, observed_at, spam_risk, spam_category, maturity_score, \
             connection_score, engagement_score, sentiment_score, ownership_status, confirm_by, \
             refreshed_at FROM readings WHERE phone_number = $1 AND ($2 IS NULL OR enterprise_id = $2) \
             ORDER BY observed_at",
        )
        .bind(phone_number)
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(reading_of).collect()
    }

    /// Changes recorded at or after `since`, oldest first (one enterprise, or all).
    pub async fn changes_since(
        &self,
        enterprise_id: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT enterprise_id, phone_number, at, kind, field, old_value, new_value FROM changes \
             WHERE at >= $1 AND ($2 IS NULL OR enterprise_id = $2) ORDER BY at, phone_number, kind, field",
        )
        .bind(micros(since))
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change_of).collect()
    }

    /// The risk spans of the report window, counted in SQL: every reading observed up to
    /// `until` holds its risk from its `observed_at` until the number's next reading. Each
    /// span is bucketed by the first day end (see [`DayIndex`]) at or after its start and
    /// at or after its end, and the spans are counted per risk and bucket pair, so the
    /// answer has at most (levels × days²) rows whatever the fleet's size. Removals are
    /// not applied here: [`Store::removed_readings`] has what the report needs for them.
    pub async fn risk_spans(
        &self,
        enterprise_id: Option<&str>,
        days: DayIndex,
    ) -> Result<Vec<RiskSpan>> {
        let sql = risk_spans_sql(enterprise_id.is_some());
        let mut query = sqlx::query(&sql)
            .bind(micros(days.since))
            .bind(micros(days.until));
        if let Some(enterprise) = enterprise_id {
            query = query.bind(enterprise);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(RiskSpan {
                    risk: row.try_get(0)?,
                    from_day: row.try_get(1)?,
                    to_day: row.try_get(2)?,
                    numbers: row.try_get::<i64, _>(3)?.try_into().unwrap_or(0),
                })
            })
            .collect()
    }

    /// The readings observed up to `until` of the numbers that left monitoring, each with
    /// its removal time, ordered by enterprise, number and time.
    pub async fn removed_readings(
        &self,
        enterprise_id: Option<&str>,
        until: DateTime<Utc>,
    ) -> Result<Vec<(String, Reading, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT r.phone_number, r.observed_at, r.spam_risk, r.spam_category, r.maturity_score, \
             r.connection_score, r.engagement_score, r.sentiment_score, r.ownership_status, \
             r.confirm_by, r.refreshed_at, r.enterprise_id, m.removed_at \
             FROM monitored_numbers m JOIN readings r \
             ON r.enterprise_id = m.enterprise_id AND r.phone_number = m.phone_number \
             WHERE m.removed_at IS NOT NULL AND r.observed_at <= $1 \
             AND ($2 IS NULL OR m.enterprise_id = $2) \
             ORDER BY r.enterprise_id, r.phone_number, r.observed_at",
        )
        .bind(micros(until))
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(11)?,
                    reading_of(row)?,
                    from_micros(row.try_get(12)?),
                ))
            })
            .collect()
    }

    /// How many changes were recorded in `[since, until]`, and the newest `limit` of them,
    /// oldest first (one enterprise, or all).
    pub async fn changes_between(
        &self,
        enterprise_id: Option<&str>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> Result<(u64, Vec<Change>)> {
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) FROM changes WHERE at >= $1 AND at <= $2 \
             AND ($3 IS NULL OR enterprise_id = $3)",
        )
        .bind(micros(since))
        .bind(micros(until))
        .bind(enterprise_id)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let rows = sqlx::query(
            "SELECT enterprise_id, phone_number, at, kind, field, old_value, new_value FROM changes \
             WHERE at >= $1 AND at <= $2 AND ($3 IS NULL OR enterprise_id = $3) \
             ORDER BY at DESC, phone_number DESC, kind DESC, field DESC LIMIT $4",
        )
        .bind(micros(since))
        .bind(micros(until))
        .bind(enterprise_id)
        .bind(to_i64(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut changes = rows.iter().map(change_of).collect::<Result<Vec<_>>>()?;
        changes.reverse();
        Ok((total.try_into().unwrap_or(0), changes))
    }

    /// The `limit` numbers with the most changes in `[since, until]` that move a chart
    /// (risk, category, score: not added, removed or ownership), most first, ties by
    /// number; each with its count.
    pub async fn most_changed(
        &self,
        enterprise_id: Option<&str>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(String, u64)>> {
        let rows = sqlx::query(
            "SELECT phone_number, COUNT(*) AS n FROM changes \
             WHERE at >= $1 AND at <= $2 AND ($3 IS NULL OR enterprise_id = $3) \
             AND kind NOT IN ('added', 'removed', 'ownership_changed') \
             GROUP BY phone_number ORDER BY n DESC, phone_number LIMIT $4",
        )
        .bind(micros(since))
        .bind(micros(until))
        .bind(enterprise_id)
        .bind(to_i64(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(0)?,
                    row.try_get::<i64, _>(1)?.try_into().unwrap_or(0),
                ))
            })
            .collect()
    }

    /// The readings of `numbers` observed up to `until`, ordered by number then time (one
    /// enterprise, or all).
    pub async fn readings_of(
        &self,
        enterprise_id: Option<&str>,
        numbers: &[String],
        until: DateTime<Utc>,
    ) -> Result<Vec<Reading>> {
        let mut out = Vec::new();
        for chunk in numbers.chunks(BATCH) {
            let mut sql = String::from(
                "SELECT phone_number, observed_at, spam_risk, spam_category, maturity_score, \
                 connection_score, engagement_score, sentiment_score, ownership_status, confirm_by, \
                 refreshed_at FROM readings WHERE observed_at <= $1 AND ($2 IS NULL OR enterprise_id = $2) \
                 AND phone_number IN (",
            );
            for i in 0..chunk.len() {
                sql.push_str(&format!("{}${}", if i == 0 { "" } else { ", " }, i + 3));
            }
            sql.push_str(") ORDER BY phone_number, observed_at");
            let mut query = sqlx::query(&sql).bind(micros(until)).bind(enterprise_id);
            for number in chunk {
                query = query.bind(number);
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push(reading_of(&row)?);
            }
        }
        Ok(out)
    }

    /// Every reading observed in `[since, until]`, ordered by number then time (one
    /// enterprise, or all), streamed to `each` row by row rather than collected: the
    /// report's CSV of a large fleet is millions of rows.
    pub async fn each_reading_between(
        &self,
        enterprise_id: Option<&str>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        mut each: impl FnMut(Reading),
    ) -> Result<()> {
        use futures::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT phone_number, observed_at, spam_risk, spam_category, maturity_score, \
             connection_score, engagement_score, sentiment_score, ownership_status, confirm_by, \
             refreshed_at FROM readings WHERE observed_at >= $1 AND observed_at <= $2 \
             AND ($3 IS NULL OR enterprise_id = $3) ORDER BY phone_number, observed_at",
        )
        .bind(micros(since))
        .bind(micros(until))
        .bind(enterprise_id)
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            each(reading_of(&row)?);
        }
        Ok(())
    }

    /// Record a verified webhook once: `true` if it is new, `false` for a redelivery of a
    /// `data.id` already stored (nothing is written then).
    pub async fn record_event(&self, event: &StoredEvent, body: &str) -> Result<bool> {
        self.record_event_with(event, body, &[]).await
    }

    /// [`Store::record_event`], and when the event is new, write `outbox` rows (its forward)
    /// in the same transaction.
    pub async fn record_event_with(
        &self,
        event: &StoredEvent,
        body: &str,
        outbox: &[NewOutboxItem],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let result = sqlx::query(
            "INSERT INTO webhook_events (event_id, event_type, enterprise_id, phone_number, occurred_at, \
             received_at, flag_reason, confirm_by, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&event.event_id)
        .bind(&event.event_type)
        .bind(&event.enterprise_id)
        .bind(&event.phone_number)
        .bind(event.occurred_at.map(micros))
        .bind(micros(event.received_at))
        .bind(&event.flag_reason)
        .bind(event.confirm_by.map(micros))
        .bind(body)
        .execute(&mut *tx)
        .await?;
        let new = result.rows_affected() == 1;
        if new {
            self.insert_outbox(&mut tx, outbox, event.received_at)
                .await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Stored webhook events, oldest first (one enterprise, or all).
    pub async fn events(&self, enterprise_id: Option<&str>) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT event_id, event_type, enterprise_id, phone_number, occurred_at, received_at, \
             flag_reason, confirm_by FROM webhook_events WHERE ($1 IS NULL OR enterprise_id = $1) \
             ORDER BY received_at, event_id",
        )
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredEvent {
                    event_id: row.try_get(0)?,
                    event_type: row.try_get(1)?,
                    enterprise_id: row.try_get(2)?,
                    phone_number: row.try_get(3)?,
                    occurred_at: row.try_get::<Option<i64>, _>(4)?.map(from_micros),
                    received_at: from_micros(row.try_get(5)?),
                    flag_reason: row.try_get(6)?,
                    confirm_by: row.try_get::<Option<i64>, _>(7)?.map(from_micros),
                })
            })
            .collect()
    }

    /// Row counts, for tests and the size figures: (readings, changes, numbers, events).
    pub async fn counts(&self) -> Result<StoreCounts> {
        let count = |table: &'static str| async move {
            let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&self.pool)
                .await?;
            Ok::<u64, MonitorError>(row.try_get::<i64, _>(0)?.try_into().unwrap_or(0))
        };
        Ok(StoreCounts {
            readings: count("readings").await?,
            changes: count("changes").await?,
            numbers: count("monitored_numbers").await?,
            events: count("webhook_events").await?,
            sweeps: count("sweeps").await?,
        })
    }

    /// Close the pool. On SQLite the write-ahead log is checkpointed into the database file
    /// first and truncated (`PRAGMA wal_checkpoint(TRUNCATE)`), so the file alone holds every
    /// committed write: a copy of just `monitor.sqlite` is complete. Call it on every exit
    /// path (the CLI does, on errors and on SIGINT/SIGTERM too).
    pub async fn close(&self) -> Result<()> {
        let checkpoint = if self.backend == Backend::Sqlite && !self.pool.is_closed() {
            self.checkpoint().await
        } else {
            Ok(())
        };
        self.pool.close().await;
        checkpoint
    }

    /// Fold the write-ahead log into the SQLite file and truncate it (no-op on PostgreSQL).
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await
                .map_err(|e| self.error(e))?;
            // (busy, log frames, checkpointed frames): busy = 1 when a reader held it back.
            if row.try_get::<i64, _>(0).unwrap_or(0) != 0 {
                return Err(MonitorError::StoreAt {
                    url: self.shown.clone(),
                    cause: "the write-ahead log could not be checkpointed: another connection is using the store".into(),
                });
            }
        }
        Ok(())
    }

    /// A consistent copy of an SQLite store in the new file `to` (`VACUUM INTO`: one read
    /// transaction, so writes by other connections during the copy are either wholly in it
    /// or not at all; the copy is compact and has no `-wal` file). PostgreSQL stores are
    /// refused: back them up with `pg_dump`.
    pub async fn backup_to(&self, to: &std::path::Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(MonitorError::StoreAt {
                url: self.shown.clone(),
                cause: "`backup` copies SQLite stores; back up a PostgreSQL store with pg_dump"
                    .into(),
            });
        }
        if to.exists() {
            return Err(MonitorError::Io {
                path: to.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists; a backup is never written over a file",
                ),
            });
        }
        let target = to.to_str().ok_or_else(|| MonitorError::Io {
            path: to.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not valid UTF-8"),
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// A database error of this store, naming it (e.g. a read-only file).
    fn error(&self, error: sqlx::Error) -> MonitorError {
        MonitorError::StoreAt {
            url: self.shown.clone(),
            cause: cause_of(&error),
        }
    }

    /// `error` naming this store when it is the database's (a read-only file, a full disk,
    /// a lost connection); any other error unchanged.
    pub fn named(&self, error: MonitorError) -> MonitorError {
        match error {
            MonitorError::Store(e) => self.error(e),
            other => other,
        }
    }
}

/// What the store knows about an enterprise before a sync.
#[derive(Debug, Default, Clone)]
pub struct Latest {
    /// Latest reading per number.
    pub readings: HashMap<String, Reading>,
    /// Numbers monitored at the last sync.
    pub monitored: std::collections::HashSet<String>,
    /// When the last sync ran.
    pub last_sweep: Option<DateTime<Utc>>,
}

/// Row counts of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreCounts {
    /// Reading rows.
    pub readings: u64,
    /// Change rows.
    pub changes: u64,
    /// Numbers ever seen.
    pub numbers: u64,
    /// Webhook events.
    pub events: u64,
    /// Syncs.
    pub sweeps: u64,
}

/// One microsecond short of a day, and a day, in the stored unit.
const DAY_MICROS: i64 = 86_400_000_000;

/// The report's days: day `i` ends at `since + (i + 1)` days, the last one at `until`.
/// A time `t` falls in the first day whose end is at or after it: day 0 for `t <= since`,
/// none (`-1`) for `t > until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayIndex {
    /// Window start.
    pub since: DateTime<Utc>,
    /// Window end (the last day's end).
    pub until: DateTime<Utc>,
}

/// Readings of one risk that start in day `from_day` and end (replaced by the number's
/// next reading) in day `to_day`; `-1`: after the window, or never.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskSpan {
    /// `spam_risk` as stored.
    pub risk: Option<String>,
    /// The day the readings start counting.
    pub from_day: i64,
    /// The day they stop counting (`-1`: not within the window).
    pub to_day: i64,
    /// How many readings.
    pub numbers: u64,
}

pub(crate) fn change_of(row: &AnyRow) -> Result<Change> {
    let kind: String = row.try_get(3)?;
    Ok(Change {
        enterprise_id: row.try_get(0)?,
        phone_number: row.try_get(1)?,
        at: from_micros(row.try_get(2)?),
        kind: ChangeKind::parse(&kind).ok_or_else(|| {
            MonitorError::Store(sqlx::Error::Decode(
                format!("unknown change kind {kind:?} in the store").into(),
            ))
        })?,
        field: row.try_get(4)?,
        old_value: row.try_get(5)?,
        new_value: row.try_get(6)?,
    })
}

pub(crate) fn reading_of(row: &AnyRow) -> Result<Reading> {
    Ok(Reading {
        phone_number: row.try_get(0)?,
        observed_at: from_micros(row.try_get(1)?),
        spam_risk: row.try_get(2)?,
        spam_category: row.try_get(3)?,
        maturity_score: row.try_get(4)?,
        connection_score: row.try_get(5)?,
        engagement_score: row.try_get(6)?,
        sentiment_score: row.try_get(7)?,
        ownership_status: row.try_get(8)?,
        confirm_by: row.try_get::<Option<i64>, _>(9)?.map(from_micros),
        refreshed_at: row.try_get::<Option<i64>, _>(10)?.map(from_micros),
    })
}

/// Numbered bind parameters in the backend's spelling: `$1, $2, …` on PostgreSQL, `?` on
/// SQLite. A statement with N `$n` parameters costs sqlx-sqlite O(N²) to bind (it asks SQLite
/// each parameter's name, a linear search), which made the 4,800-value INSERTs of a sync
/// spend most of their time binding; anonymous `?`s bind in order in O(N).
struct Params {
    backend: Backend,
    next: usize,
}

impl Params {
    fn new(backend: Backend) -> Self {
        Self { backend, next: 0 }
    }

    fn next(&mut self) -> String {
        self.next += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.next),
        }
    }
}

/// `($1, $2, …), (…)` (or `(?, ?, …), (…)`, see [`Params`]) for `rows` rows of `columns`
/// values.
fn push_placeholders(sql: &mut String, backend: Backend, rows: usize, columns: usize) {
    use std::fmt::Write;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            let sep = if column == 0 { "" } else { ", " };
            match backend {
                Backend::Sqlite => {
                    let _ = write!(sql, "{sep}?");
                }
                Backend::Postgres => {
                    let _ = write!(sql, "{sep}${}", row * columns + column + 1);
                }
            }
        }
        sql.push(')');
    }
}

/// A reading as `monitored_numbers.last_reading` keeps it: a JSON array of its fields in
/// declaration order after the number, times in microseconds.
type ReadingFields = (
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn encode_reading(r: &Reading) -> String {
    let fields: ReadingFields = (
        micros(r.observed_at),
        r.spam_risk.clone(),
        r.spam_category.clone(),
        r.maturity_score,
        r.connection_score,
        r.engagement_score,
        r.sentiment_score,
        r.ownership_status.clone(),
        r.confirm_by.map(micros),
        r.refreshed_at.map(micros),
    );
    // Strings, integers and nulls always serialise.
    serde_json::to_string(&fields).unwrap_or_default()
}

fn decode_reading(number: &str, text: &str) -> Result<Reading> {
    let f: ReadingFields = serde_json::from_str(text).map_err(|e| {
        MonitorError::Store(sqlx::Error::Decode(
            format!("the stored last reading of {number} is not readable ({e}): {text}").into(),
        ))
    })?;
    Ok(Reading {
        phone_number: number.to_owned(),
        observed_at: from_micros(f.0),
        spam_risk: f.1,
        spam_category: f.2,
        maturity_score: f.3,
        connection_score: f.4,
        engagement_score: f.5,
        sentiment_score: f.6,
        ownership_status: f.7,
        confirm_by: f.8.map(from_micros),
        refreshed_at: f.9.map(from_micros),
    })
}

/// Microseconds since the epoch (the stored time unit).
/// The UTC midnight starting `day`.
pub(crate) fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(crate) fn from_micros(us: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(us).single().unwrap_or_default()
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// What went wrong, in the database's words (sqlx wraps some errors in layers that say
/// only where they came from).
fn cause_of(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(e) => e.message().to_owned(),
        sqlx::Error::Io(e) => e.to_string(),
        sqlx::Error::PoolTimedOut => format!(
            "no connection within {} s (the server did not answer)",
            OPEN_TIMEOUT.as_secs()
        ),
        other => other.to_string(),
    }
}

/// The URL with any password replaced, for error messages.
fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The statement of [`Store::risk_spans`]: `$1` since, `$2` until, `$3` the enterprise
/// when `scoped`.
fn risk_spans_sql(scoped: bool) -> String {
    let bucket = |t: &str| {
        format!(
            "CASE WHEN {t} IS NULL OR {t} > $2 THEN -1 WHEN {t} <= $1 THEN 0 \
             ELSE ({t} - $1 + {last}) / {day} - 1 END",
            last = DAY_MICROS - 1,
            day = DAY_MICROS
        )
    };
    // Written per case rather than with `($3 IS NULL OR enterprise_id = $3)`, so that
    // both planners can walk (enterprise, number, time) order: on the `readings_spans`
    // index (migration 0002), which also holds the risk, so no table row is read.
    let scope = if scoped {
        "WHERE enterprise_id = $3 AND observed_at <= $2"
    } else {
        "WHERE observed_at <= $2"
    };
    format!(
        "SELECT risk, {start}, {end}, COUNT(*) FROM (\
         SELECT spam_risk AS risk, observed_at AS start_at, \
         LEAD(observed_at) OVER (PARTITION BY enterprise_id, phone_number ORDER BY observed_at) AS end_at \
         FROM readings {scope}) spans GROUP BY 1, 2, 3",
        start = bucket("start_at"),
        end = bucket("end_at"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_risk_span_query_reads_only_the_covering_index_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}/plan.sqlite", dir.path().display()))
            .await
            .unwrap();
        for scoped in [true, false] {
            let sql = format!("EXPLAIN QUERY PLAN {}", risk_spans_sql(scoped));
            let mut query = sqlx::query(&sql).bind(0_i64).bind(1_i64);
            if scoped {
                query = query.bind("e");
            }
            let plan: Vec<String> = query
                .fetch_all(&store.pool)
                .await
                .unwrap()
                .iter()
                .map(|row| row.try_get::<String, _>(3).unwrap())
                .collect();
            assert!(
                plan.iter()
                    .any(|step| step.contains("COVERING INDEX readings_spans")),
                "scoped={scoped}: {plan:?}"
            );
        }
    }

    #[test]
    fn a_last_reading_round_trips_exactly() {
        let at = from_micros(1_700_000_000_123_456);
        let reading = Reading {
            phone_number: "+13125550100".into(),
            observed_at: at,
            spam_risk: Some("high".into()),
            spam_category: Some("robo\"call, [x]".into()),
            maturity_score: Some(0),
            connection_score: None,
            engagement_score: Some(-1),
            sentiment_score: Some(100),
            ownership_status: None,
            confirm_by: Some(at + chrono::Duration::days(3)),
            refreshed_at: None,
        };
        let text = encode_reading(&reading);
        assert_eq!(
            decode_reading(&reading.phone_number, &text).unwrap(),
            reading
        );
        let error = decode_reading("+13125550100", "[1,2]")
            .unwrap_err()
            .to_string();
        assert!(error.contains("+13125550100"), "{error}");
    }

    #[test]
    fn placeholders_number_every_value() {
        let mut sql = String::new();
        push_placeholders(&mut sql, Backend::Postgres, 2, 3);
        assert_eq!(sql, "($1, $2, $3), ($4, $5, $6)");
        let mut sql = String::new();
        push_placeholders(&mut sql, Backend::Sqlite, 2, 3);
        assert_eq!(sql, "(?, ?, ?), (?, ?, ?)");
        let mut p = Params::new(Backend::Postgres);
        assert_eq!([p.next(), p.next()], ["$1", "$2"]);
    }

    #[test]
    fn a_store_url_must_name_a_backend_and_hides_passwords() {
        let error = Store::parse_url("mysql://u:secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("expected sqlite://PATH or postgres://"),
            "{error}"
        );
        assert!(!error.contains("secret"), "{error}");
        assert!(Store::parse_url("sqlite://").is_err());
        assert_eq!(
            Store::parse_url("sqlite:///tmp/m.db").unwrap(),
            (Backend::Sqlite, "sqlite:///tmp/m.db?mode=rwc".into())
        );
    }
}
