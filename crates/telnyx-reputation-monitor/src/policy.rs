//! The budgeted re-check policy: let the enterprise's schedule run cheap (`weekly`, `never`)
//! and spend a monthly dollar budget on fresh checks where risk is. Each sync ranks the
//! numbers it listed (free) and reads fresh, highest risk first (scores that fell or a risk
//! that rose, then high, medium, recently flagged or remediated, not checked for days), as many as the budget left
//! today and this month covers — counted from what the store recorded as spent — and never
//! more: the number of reads is fixed before the first one is sent.
//!
//! ```toml
//! [policy]
//! monthly_budget_usd = "60.00"   # fresh checks per enterprise and calendar month
//! daily_cap_usd = "4.00"         # default: the monthly budget / days in the month
//! stale_days = 7                 # a number not checked for this long is a candidate
//! recent_days = 3                # flagged or remediated this recently: a candidate
//! score_drop = 5                 # a score that fell this much since the last reading
//! ```

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use telnyx_reputation::{Amount, PriceItem, PriceTable, Usd};

use crate::error::{MonitorError, Result};
use crate::model::Reading;

/// Why a number is a candidate for a fresh check, highest risk first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Not checked for `stale_days` (or never).
    Stale,
    /// Flagged (a webhook) or submitted for remediation within `recent_days`.
    RecentlyFlagged,
    /// Its risk is `medium`.
    Medium,
    /// Its risk is `high`.
    High,
    /// A score fell by at least `score_drop`, or the risk rose, since the last reading (or
    /// such a change was recorded within `recent_days`): the earliest warning of a number
    /// turning high, so it is followed up first.
    ScoresFell,
}

/// The `[policy]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Dollars of fresh checks per enterprise and calendar month.
    pub monthly_budget_usd: Usd,
    /// Dollars per UTC day; default the monthly budget divided by the month's days.
    #[serde(default)]
    pub daily_cap_usd: Option<Usd>,
    /// A number whose last check is older than this many days is a candidate.
    #[serde(default = "default_stale_days")]
    pub stale_days: u32,
    /// A number flagged or remediated within this many days is a candidate.
    #[serde(default = "default_recent_days")]
    pub recent_days: u32,
    /// A score that fell by at least this much since the last reading makes a candidate.
    #[serde(default = "default_score_drop")]
    pub score_drop: i64,
}

fn default_stale_days() -> u32 {
    7
}
fn default_recent_days() -> u32 {
    3
}
fn default_score_drop() -> i64 {
    5
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    policy: Policy,
}

/// One number the policy ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The number.
    pub phone_number: String,
    /// Its strongest reason.
    pub reason: Reason,
    /// Its last check as the listing says.
    pub refreshed_at: Option<DateTime<Utc>>,
}

/// What the policy allowed and did in one sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRun {
    /// Candidates, highest risk first (ties: the longest unchecked first).
    pub candidates: Vec<Candidate>,
    /// The ones read fresh (a prefix of `candidates`).
    pub selected: Vec<String>,
    /// Reads that may have been billed (answered, or failed in a way Telnyx may have billed).
    pub billed: u64,
    /// Reads that failed (their cached reading is used).
    pub failed: u64,
    /// Spent on fresh checks today before this sync, as recorded.
    pub spent_today_usd: Usd,
    /// Spent on fresh checks this month before this sync, as recorded.
    pub spent_month_usd: Usd,
    /// What this sync could spend: the least of the day's and the month's remainders.
    pub allowance_usd: Usd,
    /// What the selected reads cost at most.
    pub planned_usd: Amount,
}

impl Policy {
    /// Read the `[policy]` table of a TOML file.
    pub fn load(path: &std::path::Path) -> Result<Policy> {
        let text = std::fs::read_to_string(path).map_err(|source| MonitorError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Policy::parse(&text, &path.display().to_string())
    }

    /// Parse the `[policy]` table of TOML text from `origin`.
    pub fn parse(text: &str, origin: &str) -> Result<Policy> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| MonitorError::Policy {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
        if file.policy.monthly_budget_usd == Usd::ZERO {
            return Err(MonitorError::Policy {
                origin: origin.to_owned(),
                message: "monthly_budget_usd is 0: nothing could be checked".into(),
            });
        }
        Ok(file.policy)
    }

    /// The day's cap on `day`.
    pub fn daily_cap(&self, day: NaiveDate) -> Usd {
        self.daily_cap_usd.unwrap_or_else(|| {
            let days = days_in_month(day);
            Usd::from_micros(self.monthly_budget_usd.micros() / days)
        })
    }

    /// Rank `current` (what the listing says now) against `last` (the stored last
    /// readings) and `fell_recently` (numbers with a score drop or a risk rise recorded
    /// within `recent_days`: a fresh read that saw the scores fall is followed up): every
    /// number with a reason, highest risk first, then the longest unchecked, then by number.
    pub fn rank(
        &self,
        current: &[Reading],
        last: &HashMap<String, Reading>,
        fell_recently: &HashSet<String>,
        recently_flagged: &HashSet<String>,
        at: DateTime<Utc>,
    ) -> Vec<Candidate> {
        let stale_before = at - Duration::days(i64::from(self.stale_days));
        let mut candidates: Vec<Candidate> = current
            .iter()
            .filter_map(|r| {
                let before = last.get(&r.phone_number);
                let fell = fell_recently.contains(&r.phone_number)
                    || before.is_some_and(|b| {
                        risk_rank(r.spam_risk.as_deref()) > risk_rank(b.spam_risk.as_deref())
                        || r.scores().iter().zip(b.scores()).any(|(now, then)| {
                            matches!((now, then), (Some(n), Some(t)) if t - n >= self.score_drop)
                        })
                    });
                let reason = match r.spam_risk.as_deref() {
                    _ if fell => Reason::ScoresFell,
                    Some("high") => Reason::High,
                    Some("medium") => Reason::Medium,
                    _ if recently_flagged.contains(&r.phone_number) => Reason::RecentlyFlagged,
                    _ if r.refreshed_at.is_none_or(|t| t < stale_before) => Reason::Stale,
                    _ => return None,
                };
                Some(Candidate {
                    phone_number: r.phone_number.clone(),
                    reason,
                    refreshed_at: r.refreshed_at,
                })
            })
            .collect();
        candidates.sort_by(|a, b| {
            b.reason
                .cmp(&a.reason)
                .then(a.refreshed_at.cmp(&b.refreshed_at))
                .then_with(|| a.phone_number.cmp(&b.phone_number))
        });
        candidates
    }

    /// How many fresh checks fit: the least of the day's remainder, the month's remainder
    /// (both after what the store recorded as spent) and `client_limit` (what the client's
    /// own budgets still allow), at `prices`' price of a live lookup. `Err` when that price
    /// is unknown: the policy cannot know what it spends.
    pub fn allowance(
        &self,
        day: NaiveDate,
        spent_today: Usd,
        spent_month: Usd,
        prices: &PriceTable,
    ) -> Result<(u64, Usd)> {
        let price = prices
            .usd(PriceItem::LiveLookups)
            .filter(|p| *p > Usd::ZERO)
            .ok_or_else(|| MonitorError::Policy {
                origin: "price table".into(),
                message:
                    "the price of a live lookup is unknown: a budget in dollars cannot be kept"
                        .into(),
            })?;
        let left = self
            .daily_cap(day)
            .saturating_sub(spent_today)
            .min(self.monthly_budget_usd.saturating_sub(spent_month));
        Ok((left.micros() / price.micros(), left))
    }
}

fn risk_rank(risk: Option<&str>) -> u8 {
    match risk {
        Some("high") => 3,
        Some("medium") => 2,
        Some("low") => 1,
        _ => 0,
    }
}

/// Days in `day`'s month.
pub(crate) fn days_in_month(day: NaiveDate) -> u64 {
    let first = day.with_day(1).expect("day 1 exists");
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .expect("a next month");
    (next - first).num_days() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(number: &str, risk: &str, score: i64, refreshed_days_ago: i64) -> Reading {
        let at = Utc::now();
        Reading {
            phone_number: number.into(),
            observed_at: at,
            spam_risk: Some(risk.into()),
            spam_category: None,
            maturity_score: Some(score),
            connection_score: Some(50),
            engagement_score: Some(50),
            sentiment_score: Some(50),
            ownership_status: None,
            confirm_by: None,
            refreshed_at: Some(at - Duration::days(refreshed_days_ago)),
        }
    }

    #[test]
    fn candidates_are_ranked_highest_risk_first_then_longest_unchecked() {
        let policy = Policy::parse("[policy]\nmonthly_budget_usd = 30\n", "test").unwrap();
        let current = vec![
            reading("+1", "low", 50, 1),    // nothing: no candidate
            reading("+2", "medium", 50, 1), // medium
            reading("+3", "low", 40, 1),    // score fell by 10
            reading("+4", "high", 50, 1),   // high
            reading("+5", "low", 50, 9),    // stale
            reading("+6", "low", 50, 1),    // flagged
            reading("+7", "medium", 50, 3), // medium, older
        ];
        let last: HashMap<String, Reading> = [reading("+3", "low", 50, 2)]
            .into_iter()
            .map(|r| (r.phone_number.clone(), r))
            .collect();
        let flagged: HashSet<String> = ["+6".to_string()].into();
        let ranked = policy.rank(&current, &last, &HashSet::new(), &flagged, Utc::now());
        let order: Vec<(&str, Reason)> = ranked
            .iter()
            .map(|c| (c.phone_number.as_str(), c.reason))
            .collect();
        // A drop recorded by an earlier sync counts too.
        let fell: HashSet<String> = ["+1".to_string()].into();
        let again = policy.rank(&current, &last, &fell, &flagged, Utc::now());
        assert!(
            again
                .iter()
                .any(|c| c.phone_number == "+1" && c.reason == Reason::ScoresFell)
        );
        assert_eq!(
            order,
            [
                ("+3", Reason::ScoresFell),
                ("+4", Reason::High),
                ("+7", Reason::Medium),
                ("+2", Reason::Medium),
                ("+6", Reason::RecentlyFlagged),
                ("+5", Reason::Stale),
            ]
        );
    }

    #[test]
    fn the_allowance_is_the_least_of_the_days_and_the_months_remainders() {
        let policy = Policy::parse(
            "[policy]\nmonthly_budget_usd = \"3.10\"\nstale_days = 2\n",
            "test",
        )
        .unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(
            policy.daily_cap(day),
            Usd::from_cents(10),
            "$3.10 / 31 days"
        );
        let prices = PriceTable::default();
        let (n, _) = policy
            .allowance(day, Usd::ZERO, Usd::ZERO, &prices)
            .unwrap();
        assert_eq!(n, 1);
        let (n, _) = policy
            .allowance(day, Usd::from_cents(10), Usd::ZERO, &prices)
            .unwrap();
        assert_eq!(n, 0, "the day is spent");
        let capped = Policy::parse(
            "[policy]\nmonthly_budget_usd = 1\ndaily_cap_usd = 5\n",
            "test",
        )
        .unwrap();
        let (n, _) = capped
            .allowance(day, Usd::ZERO, Usd::from_cents(75), &prices)
            .unwrap();
        assert_eq!(n, 2, "the month has $0.25 left");
        let unknown =
            PriceTable::from_json(serde_json::json!({"live_lookups": "unknown"})).unwrap();
        assert!(
            capped
                .allowance(day, Usd::ZERO, Usd::ZERO, &unknown)
                .is_err()
        );
        assert!(Policy::parse("[policy]\nmonthly_budget = 1\n", "f").is_err());
        assert!(Policy::parse("[policy]\nmonthly_budget_usd = 0\n", "f").is_err());
    }
}
