//! Which `monitor serve` process syncs and delivers when several run on one store: the one
//! holding the store's serve lease (the leader). The others stand by — they still receive
//! webhooks — and one of them takes the lease when the leader stops, however it stops.
//!
//! - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) held on a connection of
//!   its own, outside the pool. The server releases it when that session ends, which for a
//!   killed process is at once (the kernel closes its socket); a standby tries to take it
//!   every [`STANDBY_RETRY`], and the leader checks its connection before each sync
//!   ([`Lease::check`]) and steps down the moment it does not answer. Each time a replica
//!   takes the lead it is logged in `leader_terms` ([`Store::leader_terms`]).
//! - SQLite: one `serve` per file. The lease is an OS lock on the side file
//!   `<db>.serve.lock` (released by the OS however the process ends), which names its
//!   holder; a second `serve` fails at start with [`MonitorError::Served`].
//!
//! The lease decides who syncs, not how a sync writes: the per-enterprise sync lock
//! (`lock.rs`) still keeps two syncs of one enterprise apart (a `monitor sync` from cron,
//! or a leader that lost its lease in the middle of a sync), and the outbox's idempotency
//! keys keep a delivery from being sent twice. Scheduling and events are the service's.

use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{Connection, Row};

use crate::error::{MonitorError, Result};
use crate::service::ServiceEvent;
use crate::store::{Backend, Store, from_micros, micros};

/// How often a standby tries to take the lease (and the leader checks it holds it).
pub const STANDBY_RETRY: Duration = Duration::from_secs(1);

/// How long the lease connection may take to answer before its holder steps down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Names the advisory lock (hashed to its 64-bit key); one per database.
const LEADER_KEY: &str = "telnyx-reputation-monitor serve leader";

/// What a `serve` replica does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// It syncs, runs the rules and delivers the outbox (and receives webhooks).
    Leader,
    /// It receives webhooks and waits to take the lease.
    Standby,
}

impl Role {
    /// `leader` or `standby`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Standby => "standby",
        }
    }
}

/// One term of leadership, as `leader_terms` logs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The replica (`HOST:PID`).
    pub replica: String,
    /// When it took the lead.
    pub since: DateTime<Utc>,
}

/// A sweep and the replica that ran it, as [`Store::sweep_replicas`] lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepBy {
    /// When the sweep ran.
    pub at: DateTime<Utc>,
    /// The `serve` replica that ran it; `None` for a sync run outside `serve`.
    pub replica: Option<String>,
}

/// A `serve` replica's claim on its store: see the module docs. Dropping it gives the
/// lease up (the connection closes, the lock file is unlocked).
#[derive(Debug)]
pub struct Lease {
    store: Store,
    replica: String,
    held: Held,
}

#[derive(Debug)]
enum Held {
    /// The open lock file: its OS lock is the lease, held for as long as it is open.
    File { _open: std::fs::File },
    /// The session holding (`leading`) or trying to take the advisory lock.
    Postgres {
        connection: Option<sqlx::AnyConnection>,
        leading: bool,
        /// After losing the lease it does not try again before then, so that a standby
        /// that was waiting takes over.
        resting_until: Option<std::time::Instant>,
    },
}

/// This process's replica id: `HOST:PID`.
pub fn replica_id() -> String {
    format!("{}:{}", crate::lock::host(), std::process::id())
}

impl Store {
    /// Claim this store for a `monitor serve` replica named `replica` ([`replica_id`]).
    /// SQLite: the lease is taken now, or this fails with [`MonitorError::Served`] naming
    /// the lock file and the `serve` holding it. PostgreSQL: the replica starts as a
    /// standby; [`Lease::check`] takes the lease when it is free.
    pub async fn serve_lease(&self, replica: impl Into<String>) -> Result<Lease> {
        let replica = replica.into();
        let held = match self.backend {
            Backend::Sqlite => Held::File {
                _open: self.lock_file(&replica)?,
            },
            Backend::Postgres => Held::Postgres {
                connection: None,
                leading: false,
                resting_until: None,
            },
        };
        let lease = Lease {
            store: self.clone(),
            replica,
            held,
        };
        if self.backend == Backend::Sqlite {
            log_term(self, &lease.replica).await?;
        }
        Ok(lease)
    }

    /// Lock `<db>.serve.lock` and write who holds it.
    fn lock_file(&self, replica: &str) -> Result<std::fs::File> {
        let path = self.serve_lock_path();
        let shown = path.display().to_string();
        let io = |source| MonitorError::Io {
            path: shown.clone(),
            source,
        };
        // Not truncated before it is locked: until then it names the holder.
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(MonitorError::Served {
                    store: self.url().to_owned(),
                    lock_file: shown,
                    holder: if holder.is_empty() {
                        "a process that has not written its name yet".into()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(
            file,
            "pid {} ({replica}), serving since {}",
            std::process::id(),
            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
        .map_err(io)?;
        file.flush().map_err(io)?;
        Ok(file)
    }

    /// `<db>.serve.lock`, beside an SQLite store's file.
    fn serve_lock_path(&self) -> PathBuf {
        let mut path = Store::sqlite_file(self.url()).as_os_str().to_owned();
        path.push(".serve.lock");
        PathBuf::from(path)
    }

    /// Every term of leadership, oldest first.
    pub async fn leader_terms(&self) -> Result<Vec<Term>> {
        let rows = sqlx::query("SELECT replica, since FROM leader_terms ORDER BY since, replica")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Term {
                    replica: row.try_get(0)?,
                    since: from_micros(row.try_get(1)?),
                })
            })
            .collect()
    }

    /// `enterprise_id`'s sweeps, oldest first, each with the replica that ran it.
    pub async fn sweep_replicas(&self, enterprise_id: &str) -> Result<Vec<SweepBy>> {
        let rows =
            sqlx::query("SELECT at, replica FROM sweeps WHERE enterprise_id = $1 ORDER BY at")
                .bind(enterprise_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(SweepBy {
                    at: from_micros(row.try_get(0)?),
                    replica: row.try_get(1)?,
                })
            })
            .collect()
    }
}

impl Lease {
    /// The replica holding (or waiting for) this lease.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// Its role as of the last [`Lease::check`] (SQLite: always the leader).
    pub fn role(&self) -> Role {
        match self.held {
            Held::File { .. } | Held::Postgres { leading: true, .. } => Role::Leader,
            Held::Postgres { leading: false, .. } => Role::Standby,
        }
    }

    /// Keep or take the lease, and say which role that leaves. The leader's connection must
    /// answer within a few seconds or it steps down (dropping the connection, so the server
    /// frees the lock); a standby takes the lock when it is free. On an error the replica
    /// is a standby (and tries again at the next check).
    pub async fn check(&mut self) -> Result<Role> {
        let Held::Postgres {
            connection,
            leading,
            resting_until,
        } = &mut self.held
        else {
            return Ok(Role::Leader);
        };
        if resting_until.is_some_and(|until| std::time::Instant::now() < until) {
            return Ok(Role::Standby);
        }
        let checked = tokio::time::timeout(CHECK_TIMEOUT, async {
            if connection.is_none() {
                *connection = Some(self.store.lease_connection(&self.replica).await?);
            }
            let session = connection.as_mut().expect("connected above");
            if *leading {
                sqlx::query("SELECT 1").execute(&mut *session).await?;
                return Ok(false);
            }
            let taken: bool = sqlx::query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
                .bind(LEADER_KEY)
                .fetch_one(&mut *session)
                .await?
                .try_get(0)?;
            Ok::<bool, MonitorError>(taken)
        })
        .await;
        match checked {
            Ok(Ok(taken)) => {
                if taken {
                    *leading = true;
                    let logged = log_term(&self.store, &self.replica).await;
                    if let Err(e) = logged {
                        self.step_down();
                        return Err(e);
                    }
                }
                Ok(self.role())
            }
            Ok(Err(e)) => {
                self.step_down();
                Err(e)
            }
            Err(_) => {
                self.step_down();
                Err(MonitorError::StoreOpen {
                    url: self.store.url().to_owned(),
                    cause: format!(
                        "the serve lease's connection did not answer within {} s",
                        CHECK_TIMEOUT.as_secs()
                    ),
                })
            }
        }
    }

    /// Drop the session (and with it the advisory lock): a standby from now on, and one
    /// that lets the others try first for two rounds when it was the leader.
    fn step_down(&mut self) {
        if let Held::Postgres {
            connection,
            leading,
            resting_until,
        } = &mut self.held
        {
            // Dropped, not closed: a connection that does not answer would not say goodbye.
            *connection = None;
            if *leading {
                *resting_until = Some(std::time::Instant::now() + STANDBY_RETRY * 2);
            }
            *leading = false;
        }
    }

    /// Give the lease up now (PostgreSQL: the session ends cleanly).
    pub async fn release(mut self) -> Result<()> {
        if let Held::Postgres { connection, .. } = &mut self.held
            && let Some(connection) = connection.take()
        {
            connection.close().await?;
        }
        Ok(())
    }
}

/// Log that `replica` took the lead.
async fn log_term(store: &Store, replica: &str) -> Result<()> {
    sqlx::query("INSERT INTO leader_terms (replica, since) VALUES ($1, $2)")
        .bind(replica)
        .bind(micros(Utc::now()))
        .execute(&store.pool)
        .await?;
    Ok(())
}

impl Store {
    /// A session of its own for the lease, named in `pg_stat_activity` by its replica.
    async fn lease_connection(&self, replica: &str) -> Result<sqlx::AnyConnection> {
        let mut connection = self.pool.acquire().await?.detach();
        sqlx::query("SELECT set_config('application_name', $1, false)")
            .bind(format!("telnyx-reputation serve {replica}"))
            .execute(&mut connection)
            .await?;
        Ok(connection)
    }
}

/// The lease as the service shares it: checked by the scheduler before each sync and by a
/// background task every [`STANDBY_RETRY`], its role published to whoever waits on it, and
/// each change of role reported as a [`ServiceEvent::Role`].
pub(crate) struct Leadership {
    lease: tokio::sync::Mutex<Lease>,
    replica: String,
    role: tokio::sync::watch::Sender<Role>,
    on_event: Arc<dyn Fn(&ServiceEvent) + Send + Sync>,
    /// The last error reported, so a store that stays down is reported once.
    last_error: std::sync::Mutex<Option<String>>,
}

impl Leadership {
    pub(crate) fn new(lease: Lease, on_event: Arc<dyn Fn(&ServiceEvent) + Send + Sync>) -> Self {
        let replica = lease.replica().to_owned();
        // Published as a change by the first check.
        let (role, _) = tokio::sync::watch::channel(Role::Standby);
        Self {
            lease: tokio::sync::Mutex::new(lease),
            replica,
            role,
            on_event,
            last_error: std::sync::Mutex::new(None),
        }
    }

    /// This replica's id.
    pub(crate) fn replica(&self) -> &str {
        &self.replica
    }

    /// The role as of the last check.
    pub(crate) fn role(&self) -> Role {
        *self.role.borrow()
    }

    /// Waits on the role.
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<Role> {
        self.role.subscribe()
    }

    /// Check the lease now (see [`Lease::check`]), publish the role and report a change.
    pub(crate) async fn check(&self, first: bool) -> Role {
        let mut lease = self.lease.lock().await;
        let checked = lease.check().await;
        let role = lease.role();
        drop(lease);
        let error = checked.err().map(|e| e.to_string());
        let repeated = {
            let mut last = self.last_error.lock().expect("last error");
            let repeated = error.is_some() && *last == error;
            *last = error.clone();
            repeated
        };
        if let (Some(message), false) = (error, repeated) {
            (self.on_event)(&ServiceEvent::SyncFailed {
                enterprise_id: "(serve lease)".into(),
                message,
            });
        }
        // Waiters are woken by a change only.
        let changed = self.role.send_if_modified(|published| {
            let changed = *published != role;
            *published = role;
            changed
        });
        if changed || first {
            (self.on_event)(&ServiceEvent::Role {
                role,
                replica: self.replica.clone(),
            });
        }
        role
    }

    /// Check every [`STANDBY_RETRY`] until aborted.
    pub(crate) async fn keep(self: Arc<Self>) {
        loop {
            tokio::time::sleep(STANDBY_RETRY).await;
            self.check(false).await;
        }
    }

    /// Give the lease up.
    pub(crate) async fn release(self: Arc<Self>) -> Result<()> {
        match Arc::try_unwrap(self) {
            Ok(leadership) => leadership.lease.into_inner().release().await,
            // Still shared (a check in flight was abandoned): dropped with the last holder.
            Err(_) => Ok(()),
        }
    }
}
