//! The monitor's records: a reading (what a number looked like), a change between two
//! readings, a sync's report, a stored webhook event. Plain data; no I/O here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use telnyx_reputation::{OwnershipStatus, ReputationNumber, SpamRisk};

/// One observation of a number. Two readings are the *same* when everything but
/// `observed_at` and `refreshed_at` is equal; only a different one is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// The number, E.164.
    pub phone_number: String,
    /// When the monitor observed it.
    pub observed_at: DateTime<Utc>,
    /// `low`, `medium`, `high`, or `None` when the networks have no data.
    pub spam_risk: Option<String>,
    /// Category label when flagged.
    pub spam_category: Option<String>,
    /// Maturity score, 0–100.
    pub maturity_score: Option<i64>,
    /// Connection score, 0–100.
    pub connection_score: Option<i64>,
    /// Engagement score, 0–100.
    pub engagement_score: Option<i64>,
    /// Sentiment score, 0–100.
    pub sentiment_score: Option<i64>,
    /// Ownership tracking state, e.g. `pending_confirmation`.
    pub ownership_status: Option<String>,
    /// Deadline to confirm ownership.
    pub confirm_by: Option<DateTime<Utc>>,
    /// The API's `last_refreshed_at` when this reading was taken.
    pub refreshed_at: Option<DateTime<Utc>>,
}

/// The four scores by name, in a fixed order.
pub const SCORES: [&str; 4] = ["maturity", "connection", "engagement", "sentiment"];

impl Reading {
    /// The reading of a number as the facade returned it, observed at `at`.
    pub fn from_number(number: &ReputationNumber, at: DateTime<Utc>) -> Self {
        let data = number.reputation_data.as_ref();
        Self {
            phone_number: number.phone_number.clone(),
            observed_at: at,
            spam_risk: data
                .and_then(|d| d.spam_risk.as_ref())
                .map(ToString::to_string),
            spam_category: data.and_then(|d| d.spam_category.clone()),
            maturity_score: data.and_then(|d| d.maturity_score),
            connection_score: data.and_then(|d| d.connection_score),
            engagement_score: data.and_then(|d| d.engagement_score),
            sentiment_score: data.and_then(|d| d.sentiment_score),
            ownership_status: number.ownership_status.as_ref().map(ToString::to_string),
            confirm_by: number.confirm_by,
            refreshed_at: data.and_then(|d| d.last_refreshed_at),
        }
    }

    /// [`Reading::from_number`], taking the number's strings instead of copying them (a
    /// sync of a large fleet reads every number once and keeps only its reading).
    pub fn from_owned(number: ReputationNumber, at: DateTime<Utc>) -> Self {
        let ReputationNumber {
            phone_number,
            reputation_data,
            ownership_status,
            confirm_by,
            ..
        } = number;
        let data = reputation_data.unwrap_or_default();
        Self {
            phone_number,
            observed_at: at,
            spam_risk: data.spam_risk.map(|risk| match risk {
                SpamRisk::Unknown(other) => other,
                known => known.as_str().to_owned(),
            }),
            spam_category: data.spam_category,
            maturity_score: data.maturity_score,
            connection_score: data.connection_score,
            engagement_score: data.engagement_score,
            sentiment_score: data.sentiment_score,
            ownership_status: ownership_status.map(|status| match status {
                OwnershipStatus::Unknown(other) => other,
                known => known.as_str().to_owned(),
            }),
            confirm_by,
            refreshed_at: data.last_refreshed_at,
        }
    }

    /// Whether `other` says the same about the number (times aside).
    pub fn same_as(&self, other: &Reading) -> bool {
        self.spam_risk == other.spam_risk
            && self.spam_category == other.spam_category
            && self.scores() == other.scores()
            && self.ownership_status == other.ownership_status
            && self.confirm_by == other.confirm_by
    }

    /// The scores in [`SCORES`] order.
    pub fn scores(&self) -> [Option<i64>; 4] {
        [
            self.maturity_score,
            self.connection_score,
            self.engagement_score,
            self.sentiment_score,
        ]
    }
}

/// What changed about a number between two syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// First seen by the monitor.
    Added,
    /// No longer in the enterprise's list.
    Removed,
    /// `spam_risk` went up (e.g. `low` → `high`; no data counts as lowest).
    RiskUp,
    /// `spam_risk` went down.
    RiskDown,
    /// A score fell by at least the sync's threshold (`field` names it).
    ScoreDrop,
    /// `spam_category` set where there was none.
    CategorySet,
    /// `spam_category` cleared.
    CategoryCleared,
    /// `spam_category` changed from one label to another.
    CategoryChanged,
    /// `ownership_status` changed (e.g. to `pending_confirmation`).
    OwnershipChanged,
}

impl ChangeKind {
    /// The snake_case name (as stored and printed).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::RiskUp => "risk_up",
            ChangeKind::RiskDown => "risk_down",
            ChangeKind::ScoreDrop => "score_drop",
            ChangeKind::CategorySet => "category_set",
            ChangeKind::CategoryCleared => "category_cleared",
            ChangeKind::CategoryChanged => "category_changed",
            ChangeKind::OwnershipChanged => "ownership_changed",
        }
    }

    /// Parse a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            ChangeKind::Added,
            ChangeKind::Removed,
            ChangeKind::RiskUp,
            ChangeKind::RiskDown,
            ChangeKind::ScoreDrop,
            ChangeKind::CategorySet,
            ChangeKind::CategoryCleared,
            ChangeKind::CategoryChanged,
            ChangeKind::OwnershipChanged,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change, as a sync reports and stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The enterprise monitoring the number.
    pub enterprise_id: String,
    /// The number.
    pub phone_number: String,
    /// When the sync saw it.
    pub at: DateTime<Utc>,
    /// What changed.
    pub kind: ChangeKind,
    /// The field: `spam_risk`, `spam_category`, `<name>_score`, `ownership_status`, or `number`.
    pub field: String,
    /// The value before (`None`: absent).
    pub old_value: Option<String>,
    /// The value after.
    pub new_value: Option<String>,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    /// The enterprise swept.
    pub enterprise_id: String,
    /// The sweep's time (every reading and change of it carries this time).
    pub at: DateTime<Utc>,
    /// Numbers in the enterprise's list.
    pub numbers: u64,
    /// Reading rows written (numbers new or different since their last reading).
    pub readings_written: u64,
    /// Billable fresh reads made (0 unless fresh reads were allowed).
    pub fresh_reads: u64,
    /// Every change seen, numbers in list order.
    pub changes: Vec<Change>,
    /// The numbers whose spam risk is `high` now.
    pub high: Vec<String>,
    /// The current reading of every number, in list order.
    #[serde(skip)]
    pub current: Vec<Reading>,
    /// What the budgeted re-check policy did, when the sync ran one.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::policy::PolicyRun>,
}

/// A verified webhook delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// `data.id` (the same on redelivery).
    pub event_id: String,
    /// `data.event_type`.
    pub event_type: String,
    /// The enterprise, when the event names one.
    pub enterprise_id: Option<String>,
    /// The number, when the event is about one.
    pub phone_number: Option<String>,
    /// `data.occurred_at`.
    pub occurred_at: Option<DateTime<Utc>>,
    /// When this receiver got it first.
    pub received_at: DateTime<Utc>,
    /// `flag_reason` of an ownership flag.
    pub flag_reason: Option<String>,
    /// `confirm_by` of an ownership flag.
    pub confirm_by: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_taken_from_an_owned_number_is_the_copied_one() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        for json in [
            serde_json::json!({
                "id": "n1", "enterprise_id": "e", "phone_number": "+13125550100",
                "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-02T00:00:00Z",
                "ownership_status": "pending_confirmation",
                "confirm_by": "2026-12-01T00:00:00Z",
                "reputation_data": {
                    "spam_risk": "high", "spam_category": "robocall", "maturity_score": 10,
                    "connection_score": 20, "engagement_score": 30, "sentiment_score": 40,
                    "last_refreshed_at": "2026-11-30T12:00:00Z"
                }
            }),
            serde_json::json!({ "id": "n2", "enterprise_id": "e", "phone_number": "+13125550101",
                "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-02T00:00:00Z" }),
        ] {
            let number: ReputationNumber = serde_json::from_value(json).unwrap();
            let copied = Reading::from_number(&number, at);
            assert_eq!(Reading::from_owned(number, at), copied);
        }
    }
}
