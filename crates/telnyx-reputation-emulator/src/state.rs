//! The emulator's shared state: one `Mutex<World>` holding every account, the request
//! journal, the virtual clock's offset and the state file, behind a cheaply clonable handle.
//!
//! Handlers run on a settled account through [`AppState::with_account`]. HTTP concerns stay in
//! the routes; the transitions in `lifecycle.rs`; what is saved in `persist.rs`.

use chrono::{DateTime, Utc};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::accounts::{Account, World};
use crate::clock::{MAX_CLOCK_OFFSET_MS, account_now};
use crate::config::Config;
use crate::journal::Journal;
use crate::webhooks::WebhookSettings;

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
