//! The cost guard: budgets of billable units (`max_billable`) and of dollars (`max_spend`)
//! for a client's lifetime, an optional hook that sees (and may refuse) each billable request
//! before it is sent, and the usage the client has caused so far, in units and in dollars.
//!
//! Which operations are billable is decided once, in the operations table
//! ([`crate::OPERATIONS`]), and what a unit costs in the price table ([`crate::PRICES`]);
//! this module only counts and refuses. `max_billable` counts what Telnyx bills — numbers
//! added, checks made, numbers submitted for remediation, enterprises enabled — not
//! requests: one add of 100 numbers is 100. A refusal is [`Error::BillingRefused`] and
//! happens before any I/O. A request counts once it may have reached the server; when its
//! failure proves the server did not process it (a connect failure, or 429 — the same errors
//! after which a billable request is retried), it is given back. A cached read that may be
//! billed (the first read of a number without data) reserves one live lookup, given back
//! when the answer shows it came from the cache.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::future::BoxFuture;

use crate::Error;
use crate::money::{Amount, PriceItem, PriceTable, Usd};
use crate::operations::{Billing, Operation};

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
    /// Numbers submitted for remediation (one request submits up to 2,000).
    Remediations,
}

impl BillableAction {
    /// Every action, in a stable order.
    pub const ALL: [BillableAction; 5] = [
        BillableAction::Enable,
        BillableAction::NumbersAdded,
        BillableAction::LiveLookups,
        BillableAction::Refreshes,
        BillableAction::Remediations,
    ];

    /// The stable name: `enable`, `numbers_added`, `live_lookups`, `refreshes`,
    /// `remediations`.
    pub fn as_str(self) -> &'static str {
        self.price_item().as_str()
    }

    /// Its row in the price table.
    pub fn price_item(self) -> PriceItem {
        match self {
            BillableAction::Enable => PriceItem::Enable,
            BillableAction::NumbersAdded => PriceItem::NumbersAdded,
            BillableAction::LiveLookups => PriceItem::LiveLookups,
            BillableAction::Refreshes => PriceItem::Refreshes,
            BillableAction::Remediations => PriceItem::Remediations,
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
    /// Billable units in the request: the numbers added, refreshed or submitted for
    /// remediation, else 1.
    pub units: u64,
}

/// Called before each billable request; `Err(reason)` refuses it (nothing is sent and the
/// call fails with [`Error::BillingRefused`] carrying the reason).
pub type BillingHook =
    Arc<dyn Fn(BillableRequest) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Billable requests, units and dollars of one action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionUsage {
    /// Requests sent.
    pub requests: u64,
    /// Units in those requests (numbers added, refreshed or remediated; 1 per enable or
    /// live read).
    pub units: u64,
    /// What those units cost at the client's prices; `None` when the price is unknown.
    pub usd: Option<Usd>,
}

/// What a client has been billed for, per action and in total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Billable requests sent, all actions together.
    pub total_requests: u64,
    /// Billable units, all actions together (what `max_billable` counts).
    pub total_units: u64,
    /// Dollars, all actions together; names the units whose price is unknown.
    pub usd: Amount,
    /// Per action; an action never used is absent.
    pub actions: BTreeMap<BillableAction, ActionUsage>,
}

impl Usage {
    /// The usage of one action (zero when unused).
    pub fn action(&self, action: BillableAction) -> ActionUsage {
        self.actions.get(&action).copied().unwrap_or_default()
    }
}

/// Requests and units per action, as counted.
#[derive(Debug, Clone, Default)]
struct Counts {
    total_requests: u64,
    actions: BTreeMap<BillableAction, (u64, u64)>,
}

impl Counts {
    fn units(&self) -> u64 {
        self.actions.values().map(|(_, units)| units).sum()
    }

    fn spent(&self, prices: &PriceTable) -> Amount {
        let mut amount = Amount::default();
        for (action, (_, units)) in &self.actions {
            amount.add(prices, action.price_item(), *units);
        }
        amount
    }
}

/// The budgets, the prices, the hook and the usage of one client.
#[derive(Default)]
pub(crate) struct CostGuard {
    max: Option<u64>,
    max_spend: Option<Usd>,
    prices: PriceTable,
    hook: Option<BillingHook>,
    counts: Mutex<Counts>,
}

impl fmt::Debug for CostGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CostGuard")
            .field("max", &self.max)
            .field("max_spend", &self.max_spend)
            .field("hook", &self.hook.is_some())
            .field("usage", &self.usage())
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
    pub(crate) fn new(
        max: Option<u64>,
        max_spend: Option<Usd>,
        prices: PriceTable,
        hook: Option<BillingHook>,
    ) -> Self {
        CostGuard {
            max,
            max_spend,
            prices,
            hook,
            counts: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn max(&self) -> Option<u64> {
        self.max
    }

    pub(crate) fn max_spend(&self) -> Option<Usd> {
        self.max_spend
    }

    pub(crate) fn prices(&self) -> &PriceTable {
        &self.prices
    }

    pub(crate) fn usage(&self) -> Usage {
        let counts = self.lock().clone();
        let actions = counts
            .actions
            .iter()
            .map(|(action, (requests, units))| {
                let usd = self.prices.usd(action.price_item()).map(|price| {
                    price
                        .checked_mul(*units)
                        .unwrap_or(Usd::from_micros(u64::MAX))
                });
                (
                    *action,
                    ActionUsage {
                        requests: *requests,
                        units: *units,
                        usd,
                    },
                )
            })
            .collect();
        Usage {
            total_requests: counts.total_requests,
            total_units: counts.units(),
            usd: counts.spent(&self.prices),
            actions,
        }
    }

    /// Billable units still allowed (`None`: no budget set).
    pub(crate) fn remaining(&self) -> Option<u64> {
        self.max.map(|max| max.saturating_sub(self.lock().units()))
    }

    /// Dollars still allowed (`None`: no `max_spend` set).
    pub(crate) fn remaining_spend(&self) -> Option<Usd> {
        self.max_spend
            .map(|max| max.saturating_sub(self.lock().spent(&self.prices).known))
    }

    /// Refuse a plan of `units` billable units of `op` that a budget cannot cover. Bulk
    /// calls check their whole plan with this before sending anything.
    pub(crate) fn check_plan(&self, op: &Operation, units: u64) -> Result<(), Error> {
        let Some(action) = op.billing().action() else {
            return Ok(());
        };
        if units == 0 {
            return Ok(());
        }
        match self.refusal(&self.lock(), action, units) {
            Some(reason) => Err(Error::BillingRefused {
                message: format!(
                    "{} plans {units} billable units ({action}): {reason}; nothing was sent",
                    op.name()
                ),
            }),
            None => Ok(()),
        }
    }

    /// Why `units` more of `action` do not fit the budgets, if they do not.
    fn refusal(&self, counts: &Counts, action: BillableAction, units: u64) -> Option<String> {
        if let Some(max) = self.max {
            let used = counts.units();
            if used.saturating_add(units) > max {
                return Some(format!(
                    "max_billable is {max} billable units and {} are left",
                    max.saturating_sub(used)
                ));
            }
        }
        if let Some(max_spend) = self.max_spend {
            let item = action.price_item();
            let Some(price) = self.prices.usd(item) else {
                return Some(format!(
                    "the price of {item} is unknown, so max_spend {max_spend} cannot be \
                     shown to cover it (set its price with prices / --prices)"
                ));
            };
            let spent = counts.spent(&self.prices).known;
            let cost = price
                .checked_mul(units)
                .unwrap_or(Usd::from_micros(u64::MAX));
            if spent.saturating_add(cost) > max_spend {
                return Some(format!(
                    "it costs {cost} ({units} × {price} per {}) and max_spend {max_spend} \
                     has {} left",
                    self.prices.get(item).unit,
                    max_spend.saturating_sub(spent)
                ));
            }
        }
        None
    }

    /// Admit one request of `op` carrying `units`: free operations pass untouched; a
    /// billable one must fit the budgets and pass the hook, and is then counted. A cached
    /// read that may be billed reserves one live lookup against the budgets (without the
    /// hook); give it back with [`CostGuard::refund`] when it came from the cache.
    pub(crate) async fn admit(
        &self,
        op: &Operation,
        units: u64,
    ) -> Result<Option<Admitted>, Error> {
        let (action, possibly) = match op.billing() {
            Billing::Free => return Ok(None),
            Billing::Billable(action) => (action, false),
            Billing::FirstReadBillable => (BillableAction::LiveLookups, true),
        };
        let refused = |reason: String| {
            let what = if possibly {
                format!(
                    "{} may be billed as a live lookup (a cached read of a number without \
                     data is one)",
                    op.name()
                )
            } else {
                format!("{} ({action}, {units} units)", op.name())
            };
            Error::BillingRefused {
                message: format!("{what} refused: {reason}; nothing was sent"),
            }
        };
        if let Some(reason) = self.refusal(&self.lock(), action, units) {
            return Err(refused(reason));
        }
        if let (Some(hook), false) = (&self.hook, possibly) {
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
        let mut counts = self.lock();
        // Checked again under the lock: another task may have spent the budget meanwhile.
        if let Some(reason) = self.refusal(&counts, action, units) {
            return Err(refused(reason));
        }
        counts.total_requests += 1;
        let entry = counts.actions.entry(action).or_default();
        entry.0 += 1;
        entry.1 += units;
        Ok(Some(Admitted { action, units }))
    }

    /// Give back an admitted request the server provably did not process (or, for a
    /// possibly billed read, answered from its cache).
    pub(crate) fn refund(&self, admitted: Admitted) {
        let mut counts = self.lock();
        counts.total_requests = counts.total_requests.saturating_sub(1);
        if let Some(entry) = counts.actions.get_mut(&admitted.action) {
            entry.0 = entry.0.saturating_sub(1);
            entry.1 = entry.1.saturating_sub(admitted.units);
            if entry.0 == 0 {
                counts.actions.remove(&admitted.action);
            }
        }
    }
}
