//! The cost guard: a budget of billable requests for a client's lifetime, an optional hook
//! that sees (and may refuse) each billable request before it is sent, and the usage the
//! client has caused so far.
//!
//! Which operations are billable is decided once, in the operations table
//! ([`crate::OPERATIONS`]); this module only counts and refuses. A refusal is
//! [`Error::BillingRefused`] and happens before any I/O. A request counts once it may have
//! reached the server; when its failure proves the server did not process it (a connect
//! failure, or 429 — the same errors after which a billable request is retried), its
//! budget is given back.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::future::BoxFuture;

use crate::Error;
use crate::operations::Operation;

/// A kind of billable action, named as the emulator's ledger names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BillableAction {
    /// Enabling Number Reputation for an enterprise.
    Enable,
    /// Adding numbers for monitoring (one request adds up to 100).
    NumbersAdded,
    /// A fresh (live) reputation read.
    LiveLookups,
    /// A forced refresh (one request refreshes up to 100 numbers).
    Refreshes,
}

impl BillableAction {
    /// Every action, in a stable order.
    pub const ALL: [BillableAction; 4] = [
        BillableAction::Enable,
        BillableAction::NumbersAdded,
        BillableAction::LiveLookups,
        BillableAction::Refreshes,
    ];

    /// The stable name: `enable`, `numbers_added`, `live_lookups`, `refreshes`.
    pub fn as_str(self) -> &'static str {
        match self {
            BillableAction::Enable => "enable",
            BillableAction::NumbersAdded => "numbers_added",
            BillableAction::LiveLookups => "live_lookups",
            BillableAction::Refreshes => "refreshes",
        }
    }
}

impl fmt::Display for BillableAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One billable request about to be sent, as the billing hook sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillableRequest {
    /// The operation's name, e.g. `"numbers.add"`.
    pub operation: &'static str,
    /// What the request bills.
    pub action: BillableAction,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// Billable units in the request: the numbers added or refreshed, else 1.
    pub units: u64,
}

/// Called before each billable request; `Err(reason)` refuses it (nothing is sent and the
/// call fails with [`Error::BillingRefused`] carrying the reason).
pub type BillingHook =
    Arc<dyn Fn(BillableRequest) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Billable requests and units of one action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionUsage {
    /// Requests sent.
    pub requests: u64,
    /// Units in those requests (numbers added or refreshed; 1 per enable or live read).
    pub units: u64,
}

/// The billable requests a client has sent, per action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Billable requests sent, all actions together.
    pub total_requests: u64,
    /// Per action; an action never used is absent.
    pub actions: BTreeMap<BillableAction, ActionUsage>,
}

impl Usage {
    /// The usage of one action (zero when unused).
    pub fn action(&self, action: BillableAction) -> ActionUsage {
        self.actions.get(&action).copied().unwrap_or_default()
    }
}

/// The budget, the hook and the usage of one client.
#[derive(Default)]
pub(crate) struct CostGuard {
    max: Option<u64>,
    hook: Option<BillingHook>,
    usage: Mutex<Usage>,
}

impl fmt::Debug for CostGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CostGuard")
            .field("max", &self.max)
            .field("hook", &self.hook.is_some())
            .field("usage", &*self.lock())
            .finish()
    }
}

/// A billable request admitted by the guard; give it back with [`CostGuard::refund`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Admitted {
    action: BillableAction,
    units: u64,
}

impl CostGuard {
    pub(crate) fn new(max: Option<u64>, hook: Option<BillingHook>) -> Self {
        CostGuard {
            max,
            hook,
            usage: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Usage> {
        self.usage.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn max(&self) -> Option<u64> {
        self.max
    }

    pub(crate) fn usage(&self) -> Usage {
        self.lock().clone()
    }

    /// Billable requests still allowed (`None`: no budget set).
    pub(crate) fn remaining(&self) -> Option<u64> {
        self.max
            .map(|max| max.saturating_sub(self.lock().total_requests))
    }

    /// Refuse a plan of `requests` billable requests of `op` that the budget cannot cover.
    /// Bulk calls check their whole plan with this before sending anything.
    pub(crate) fn check_plan(&self, op: &Operation, requests: u64) -> Result<(), Error> {
        if !op.is_billable() || requests == 0 {
            return Ok(());
        }
        let (Some(max), Some(remaining)) = (self.max, self.remaining()) else {
            return Ok(());
        };
        if requests > remaining {
            return Err(Error::BillingRefused {
                message: format!(
                    "{} needs {requests} billable requests but max_billable {max} allows \
                     {remaining} more; nothing was sent",
                    op.name()
                ),
            });
        }
        Ok(())
    }

    /// Admit one request of `op` carrying `units`: free operations pass untouched; a
    /// billable one must fit the budget and pass the hook, and is then counted.
    pub(crate) async fn admit(
        &self,
        op: &Operation,
        units: u64,
    ) -> Result<Option<Admitted>, Error> {
        let Some(action) = op.billing().action() else {
            return Ok(None);
        };
        self.check_budget(op, action, units)?;
        if let Some(hook) = &self.hook {
            let request = BillableRequest {
                operation: op.name(),
                action,
                method: op.method(),
                path: op.path(),
                units,
            };
            hook(request)
                .await
                .map_err(|reason| Error::BillingRefused {
                    message: format!(
                        "{} ({action}, {units} units) refused by the billing hook: {reason}; \
                     nothing was sent",
                        op.name()
                    ),
                })?;
        }
        let mut usage = self.lock();
        // Checked again under the lock: another task may have spent the budget meanwhile.
        Self::fits(self.max, &usage, op, action, units)?;
        usage.total_requests += 1;
        let entry = usage.actions.entry(action).or_default();
        entry.requests += 1;
        entry.units += units;
        Ok(Some(Admitted { action, units }))
    }

    fn check_budget(
        &self,
        op: &Operation,
        action: BillableAction,
        units: u64,
    ) -> Result<(), Error> {
        Self::fits(self.max, &self.lock(), op, action, units)
    }

    fn fits(
        max: Option<u64>,
        usage: &Usage,
        op: &Operation,
        action: BillableAction,
        units: u64,
    ) -> Result<(), Error> {
        match max {
            Some(max) if usage.total_requests >= max => Err(Error::BillingRefused {
                message: format!(
                    "{} ({action}, {units} units) would be billable request {} but \
                     max_billable is {max}; nothing was sent",
                    op.name(),
                    usage.total_requests + 1
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Give back an admitted request the server provably did not process.
    pub(crate) fn refund(&self, admitted: Admitted) {
        let mut usage = self.lock();
        usage.total_requests = usage.total_requests.saturating_sub(1);
        if let Some(entry) = usage.actions.get_mut(&admitted.action) {
            entry.requests = entry.requests.saturating_sub(1);
            entry.units = entry.units.saturating_sub(admitted.units);
            if entry.requests == 0 {
                usage.actions.remove(&admitted.action);
            }
        }
    }
}
