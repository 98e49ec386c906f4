//! The per-account cost ledger: one entry per billable unit the emulated account was charged.
//!
//! Billable actions are the ones the product documentation names: enabling Number Reputation,
//! adding a number, a live (fresh) lookup, a forced refresh, a scheduled re-check and a
//! number submitted for remediation. Rendering the LOA and cached
//! reads are free and never appear here. Deciding *when* an action is billable is the routes'
//! job; this module only records and reports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A kind of billable action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Billable {
    /// `POST .../reputation` succeeded.
    Enable,
    /// One number registered by `POST .../reputation/numbers`.
    NumbersAdded,
    /// One live lookup: `fresh=true`, or the first read of a number without cached data.
    LiveLookups,
    /// One number refreshed by `POST .../reputation/numbers/refresh`.
    Refreshes,
    /// One number re-checked by the `check_frequency` schedule.
    ScheduledRefresh,
    /// One number submitted by `POST .../reputation/remediation`.
    Remediations,
}

impl Billable {
    /// The key used in the ledger report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enable => "enable",
            Self::NumbersAdded => "numbers_added",
            Self::LiveLookups => "live_lookups",
            Self::Refreshes => "refreshes",
            Self::ScheduledRefresh => "scheduled_refresh",
            Self::Remediations => "remediations",
        }
    }

    const ALL: [Billable; 6] = [
        Self::Enable,
        Self::NumbersAdded,
        Self::LiveLookups,
        Self::Refreshes,
        Self::ScheduledRefresh,
        Self::Remediations,
    ];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    action: Billable,
    enterprise_id: String,
    phone_number: Option<String>,
    at: DateTime<Utc>,
}

/// The ledger of one account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ledger {
    entries: Vec<Entry>,
}

impl Ledger {
    /// Whether nothing was charged.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Record one billable unit.
    pub fn charge(
        &mut self,
        action: Billable,
        enterprise_id: &str,
        phone_number: Option<&str>,
        at: DateTime<Utc>,
    ) {
        self.entries.push(Entry {
            action,
            enterprise_id: enterprise_id.to_string(),
            phone_number: phone_number.map(str::to_string),
            at,
        });
    }

    /// How many units of `action` were charged.
    pub fn count(&self, action: Billable) -> usize {
        self.entries.iter().filter(|e| e.action == action).count()
    }

    /// The report served by `GET /_emulator/ledger`.
    pub fn to_json(&self) -> Value {
        let mut report = serde_json::Map::new();
        for action in Billable::ALL {
            report.insert(action.as_str().to_string(), json!(self.count(action)));
        }
        report.insert("total".to_string(), json!(self.entries.len()));
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "action": e.action.as_str(),
                    "enterprise_id": e.enterprise_id,
                    "phone_number": e.phone_number,
                    "at": crate::clock::timestamp(e.at),
                })
            })
            .collect();
        report.insert("entries".to_string(), Value::Array(entries));
        Value::Object(report)
    }
}
