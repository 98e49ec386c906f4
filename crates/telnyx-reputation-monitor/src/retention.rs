//! Retention: a store watched for years must not grow without bound. [`Store::prune`]
//! deletes what is older than a cutoff, in batches of its own short transactions (so syncs
//! and the receiver keep writing meanwhile), and reports the bytes it freed: readings
//! (never a number's newest, nor the one in force at the cutoff, so every number keeps its
//! state and a report over the retained window starts right), changes, syncs (never an
//! enterprise's last), delivered outbox rows, webhook events, followed remediations that
//! finished before the cutoff, and alerts resolved before it with their delivered
//! notifications (never an open or pending alert, nor one with a notification still to
//! deliver). What each table loses is listed once, in
//! [`prunable_tables`]; a new table that should age out is one more entry there.
//! Deciding *when* to prune is the caller's: `monitor prune`, or the service once a day
//! when its config sets `retention`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::error::Result;
use crate::store::{Backend, Store, micros};

/// Rows deleted per statement (and transaction) by default.
pub const DEFAULT_PRUNE_BATCH: usize = 5_000;

/// The shortest retention accepted: a day.
pub const MIN_RETENTION: Duration = Duration::from_secs(86_400);

/// One table retention deletes from: `DELETE FROM table WHERE (key) IN (SELECT key FROM
/// table t WHERE older LIMIT batch)`, repeated until a batch deletes fewer rows than the
/// batch size. In `older`, `t` is the row and `$1` the cutoff (microseconds).
#[derive(Debug, Clone, Copy)]
pub struct Prunable {
    /// The table.
    pub table: &'static str,
    /// Its key columns.
    pub key: &'static str,
    /// Which rows are past the window.
    pub older: &'static str,
}

/// Every table retention deletes from, in the order it deletes. To age out another table,
/// add its entry here: its rows past the window, by key.
pub fn prunable_tables() -> Vec<Prunable> {
    vec![
        Prunable {
            table: "readings",
            key: "enterprise_id, phone_number, observed_at",
            // Older than the number's newest reading at or before the cutoff: the one in
            // force at the cutoff (and so the newest of all) is kept.
            older: "t.observed_at < (SELECT MAX(x.observed_at) FROM readings x \
                    WHERE x.enterprise_id = t.enterprise_id AND x.phone_number = t.phone_number \
                    AND x.observed_at <= $1)",
        },
        Prunable {
            table: "changes",
            key: "enterprise_id, phone_number, at, kind, field",
            older: "t.at < $1",
        },
        Prunable {
            table: "sweeps",
            key: "enterprise_id, at",
            // An enterprise's last sync is the last-seen time of its numbers: kept.
            older: "t.at < $1 AND t.at < (SELECT MAX(s.at) FROM sweeps s \
                    WHERE s.enterprise_id = t.enterprise_id)",
        },
        Prunable {
            table: "outbox",
            key: "id",
            // Delivered rows past the window, and every delivered notification of an alert
            // that resolved before it (however late it was delivered).
            older: "t.state = 'done' AND (t.updated_at < $1 OR (t.idempotency_key LIKE 'alert:%' \
                    AND EXISTS (SELECT 1 FROM alerts a WHERE a.state = 'resolved' \
                    AND a.resolved_at < $1 AND t.idempotency_key LIKE 'alert:' || a.id || ':%')))",
        },
        Prunable {
            table: "alerts",
            key: "id",
            // Resolved before the cutoff, and nothing of it left to deliver (a notification
            // pending or given up keeps it, for `monitor outbox` to explain). Open and
            // pending alerts are never deleted.
            older: "t.state = 'resolved' AND t.resolved_at < $1 AND NOT EXISTS \
                    (SELECT 1 FROM outbox o WHERE o.idempotency_key LIKE 'alert:' || t.id || ':%')",
        },
        Prunable {
            table: "webhook_events",
            key: "event_id",
            older: "t.received_at < $1",
        },
        Prunable {
            table: "remediation_numbers",
            key: "remediation_id, phone_number",
            older: "t.remediation_id IN (SELECT r.id FROM remediations r \
                    WHERE r.finished_at IS NOT NULL AND r.finished_at < $1)",
        },
        Prunable {
            table: "remediations",
            key: "id",
            older: "t.finished_at IS NOT NULL AND t.finished_at < $1 AND NOT EXISTS \
                    (SELECT 1 FROM remediation_numbers n WHERE n.remediation_id = t.id)",
        },
    ]
}

/// Rows one table lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrunedTable {
    /// The table.
    pub table: String,
    /// Rows deleted.
    pub rows: u64,
    /// Batches (statements) it took.
    pub batches: u64,
}

/// What one [`Store::prune`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    /// Rows older than this were deleted.
    pub cutoff: DateTime<Utc>,
    /// Per table, in [`prunable_tables`] order.
    pub tables: Vec<PrunedTable>,
    /// The store's size before: SQLite `page_count × page_size`; PostgreSQL the sum of
    /// `pg_total_relation_size` over its tables.
    pub bytes_before: u64,
    /// Its size after (SQLite: after `VACUUM`; PostgreSQL: after `VACUUM` of the tables
    /// that lost rows, which makes their space reusable but returns to the system only
    /// empty pages at a table's end).
    pub bytes_after: u64,
}

impl PruneReport {
    /// Rows deleted in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// Bytes the store shrank by.
    pub fn bytes_freed(&self) -> u64 {
        self.bytes_before.saturating_sub(self.bytes_after)
    }
}

impl Store {
    /// Delete what is older than `cutoff` (see the module docs), `batch` rows per statement
    /// and transaction, then compact the store and report the bytes freed.
    pub async fn prune(&self, cutoff: DateTime<Utc>, batch: usize) -> Result<PruneReport> {
        let batch = batch.max(1);
        let bytes_before = self.size_bytes().await?;
        let mut tables = Vec::new();
        for prunable in prunable_tables() {
            let sql = format!(
                "DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {table} t \
                 WHERE {older} LIMIT {batch})",
                table = prunable.table,
                key = prunable.key,
                older = prunable.older,
            );
            let mut pruned = PrunedTable {
                table: prunable.table.to_owned(),
                rows: 0,
                batches: 0,
            };
            loop {
                let deleted = sqlx::query(&sql)
                    .bind(micros(cutoff))
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                pruned.batches += 1;
                pruned.rows += deleted;
                if deleted < batch as u64 {
                    break;
                }
            }
            tables.push(pruned);
        }
        self.compact(&tables).await?;
        let bytes_after = self.size_bytes().await?;
        Ok(PruneReport {
            cutoff,
            tables,
            bytes_before,
            bytes_after,
        })
    }

    /// The store's size in bytes (see [`PruneReport::bytes_before`]).
    pub async fn size_bytes(&self) -> Result<u64> {
        let bytes: i64 = match self.backend {
            Backend::Sqlite => {
                let pages: i64 = sqlx::query("PRAGMA page_count")
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?;
                let size: i64 = sqlx::query("PRAGMA page_size")
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?;
                pages * size
            }
            Backend::Postgres => sqlx::query(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind = 'r' AND n.nspname = current_schema()",
            )
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?,
        };
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    /// Give the space of the deleted rows back: SQLite `VACUUM` (rewrites the file),
    /// PostgreSQL `VACUUM` of each table that lost rows.
    async fn compact(&self, tables: &[PrunedTable]) -> Result<()> {
        if tables.iter().all(|t| t.rows == 0) {
            return Ok(());
        }
        match self.backend {
            Backend::Sqlite => {
                sqlx::raw_sql("VACUUM").execute(&self.pool).await?;
            }
            Backend::Postgres => {
                for table in tables.iter().filter(|t| t.rows > 0) {
                    sqlx::raw_sql(&format!("VACUUM {}", table.table))
                        .execute(&self.pool)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
