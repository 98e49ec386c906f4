//! One sync per enterprise at a time: [`Store::lock_sync`] takes the enterprise's lock in
//! the store and [`SyncLock::release`] gives it back.
//!
//! - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its
//!   own, which the server drops with the session however the process ends; a
//!   `sync_locks` row names the holder for the message a second sync prints.
//! - SQLite: the `sync_locks` row is the lock. It is taken with one upsert that succeeds
//!   only when no row exists, the row's lease expired, or its holder is a process of this
//!   host that no longer runs; the holder renews the lease every third of [`LEASE`] while
//!   it runs, so a killed sync's lock lapses by itself.

use std::time::Duration;

use chrono::Utc;
use sqlx::{Connection, Row};

use crate::error::{MonitorError, Result};
use crate::store::{Backend, Store, micros};

/// How long a SQLite lock row holds without being renewed.
pub const LEASE: Duration = Duration::from_secs(60);

/// How often a waiting sync tries again.
const POLL: Duration = Duration::from_millis(200);

/// An enterprise's sync lock, held until [`SyncLock::release`] (or, when dropped, until
/// the PostgreSQL session ends or the SQLite lease lapses).
#[derive(Debug)]
pub struct SyncLock {
    store: Store,
    enterprise_id: String,
    owner: String,
    connection: Option<sqlx::AnyConnection>,
    heartbeat: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        if let Some(heartbeat) = self.heartbeat.take() {
            heartbeat.abort();
        }
    }
}

impl SyncLock {
    /// Who holds it (`pid N on HOST, sync ID`).
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Give the lock back.
    pub async fn release(mut self) -> Result<()> {
        if let Some(heartbeat) = self.heartbeat.take() {
            heartbeat.abort();
        }
        sqlx::query("DELETE FROM sync_locks WHERE enterprise_id = $1 AND owner = $2")
            .bind(&self.enterprise_id)
            .bind(&self.owner)
            .execute(&self.store.pool)
            .await?;
        if let Some(connection) = self.connection.take() {
            // Ends the session, and with it the advisory lock.
            connection.close().await?;
        }
        Ok(())
    }
}

impl Store {
    /// Take `enterprise_id`'s sync lock. When another sync holds it: with `wait` `None`,
    /// fail at once with [`MonitorError::Locked`] naming the holder; otherwise try again
    /// until `wait` has passed.
    pub async fn lock_sync(&self, enterprise_id: &str, wait: Option<Duration>) -> Result<SyncLock> {
        let owner = format!(
            "pid {} on {}, sync {}",
            std::process::id(),
            host(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let started = std::time::Instant::now();
        loop {
            let taken = match self.backend {
                Backend::Postgres => self.try_lock_postgres(enterprise_id, &owner).await?,
                Backend::Sqlite => self.try_lock_sqlite(enterprise_id, &owner).await?,
            };
            if let Some(connection) = taken {
                let heartbeat = (self.backend == Backend::Sqlite)
                    .then(|| self.heartbeat(enterprise_id.to_owned(), owner.clone()));
                return Ok(SyncLock {
                    store: self.clone(),
                    enterprise_id: enterprise_id.to_owned(),
                    owner,
                    connection,
                    heartbeat,
                });
            }
            if wait.is_none_or(|w| started.elapsed() >= w) {
                let holder = self.lock_holder(enterprise_id).await?;
                return Err(MonitorError::Locked {
                    enterprise_id: enterprise_id.to_owned(),
                    holder: holder.unwrap_or_else(|| "a sync that just ended".into()),
                    waited: wait,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// `Some(connection holding the advisory lock)` when taken.
    async fn try_lock_postgres(
        &self,
        enterprise_id: &str,
        owner: &str,
    ) -> Result<Option<Option<sqlx::AnyConnection>>> {
        let mut connection = self.pool.acquire().await?.detach();
        let taken: bool = sqlx::query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
            .bind(format!("telnyx-reputation-monitor sync {enterprise_id}"))
            .fetch_one(&mut connection)
            .await?
            .try_get(0)?;
        if !taken {
            connection.close().await?;
            return Ok(None);
        }
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO sync_locks (enterprise_id, owner, acquired_at, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (enterprise_id) DO UPDATE SET owner = excluded.owner, \
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at",
        )
        .bind(enterprise_id)
        .bind(owner)
        .bind(micros(now))
        .bind(i64::MAX)
        .execute(&mut connection)
        .await?;
        Ok(Some(Some(connection)))
    }

    /// `Some(None)` when the row was taken.
    async fn try_lock_sqlite(
        &self,
        enterprise_id: &str,
        owner: &str,
    ) -> Result<Option<Option<sqlx::AnyConnection>>> {
        let now = Utc::now();
        // A holder on this host whose process is gone gave the lock up when it died. The
        // row's owner as stored (not the holder as shown, which adds when it was taken) is
        // what the upsert below compares.
        let dead = sqlx::query("SELECT owner FROM sync_locks WHERE enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get::<String, _>(0))
            .transpose()?
            .filter(|owner| !holder_alive(owner))
            .unwrap_or_default();
        let lease = chrono::Duration::from_std(LEASE).unwrap_or_default();
        let taken = sqlx::query(
            "INSERT INTO sync_locks (enterprise_id, owner, acquired_at, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (enterprise_id) DO UPDATE SET owner = excluded.owner, \
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at \
             WHERE sync_locks.expires_at < $3 OR sync_locks.owner = $5",
        )
        .bind(enterprise_id)
        .bind(owner)
        .bind(micros(now))
        .bind(micros(now + lease))
        .bind(dead)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        Ok(taken.then_some(None))
    }

    async fn lock_holder(&self, enterprise_id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT owner, acquired_at FROM sync_locks WHERE enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => {
                let owner: String = row.try_get(0)?;
                let since = crate::store::from_micros(row.try_get(1)?);
                Some(format!("{owner}, since {}", since.to_rfc3339()))
            }
            None => None,
        })
    }

    fn heartbeat(&self, enterprise_id: String, owner: String) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            let lease = chrono::Duration::from_std(LEASE).unwrap_or_default();
            loop {
                tokio::time::sleep(LEASE / 3).await;
                let _ = sqlx::query(
                    "UPDATE sync_locks SET expires_at = $1 WHERE enterprise_id = $2 AND owner = $3",
                )
                .bind(micros(Utc::now() + lease))
                .bind(&enterprise_id)
                .bind(&owner)
                .execute(&store.pool)
                .await;
            }
        })
    }
}

/// This host's name, as lock owners carry it.
pub(crate) fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this host".into())
}

/// False only when `holder` (a lock row's owner, or as [`Store::lock_holder`] shows it) is a process of this host
/// that is known not to run any more (Linux: no `/proc/PID`).
fn holder_alive(holder: &str) -> bool {
    let Some(rest) = holder.strip_prefix("pid ") else {
        return true;
    };
    let Some((pid, rest)) = rest.split_once(" on ") else {
        return true;
    };
    let Some((holder_host, _)) = rest.split_once(", sync ") else {
        return true;
    };
    if holder_host != host() || !cfg!(target_os = "linux") {
        return true;
    }
    let Ok(pid) = pid.parse::<u32>() else {
        return true;
    };
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_is_dead_only_when_its_process_of_this_host_is_gone() {
        let me = format!(
            "pid {} on {}, sync abc, since x",
            std::process::id(),
            host()
        );
        assert!(holder_alive(&me));
        let gone = format!("pid 4000000000 on {}, sync abc, since x", host());
        assert_eq!(holder_alive(&gone), !cfg!(target_os = "linux"));
        assert!(holder_alive(
            "pid 4000000000 on another-host, sync abc, since x"
        ));
    }
}
