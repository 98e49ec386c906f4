//! What the fleet cost, measured from the data: the store's spend record
//! ([`Store::spend`]: scheduled re-checks observed, fresh reads and remediations the monitor
//! made, per enterprise and UTC day) priced with the facade's [`PriceTable`], plus the
//! monthly monitoring fee of each enterprise-month the record covers.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use telnyx_reputation::{Amount, PriceItem, PriceTable};

use crate::error::Result;
use crate::store::{SpendCounts, Store};

/// One enterprise's spend on one UTC day, priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendDay {
    /// The recorded counts.
    #[serde(flatten)]
    pub counts: SpendCounts,
    /// Scheduled re-checks at the `scheduled_refresh` price.
    pub scheduled_usd: Amount,
    /// Fresh reads at the `live_lookups` price.
    pub fresh_usd: Amount,
    /// Remediated numbers at the `remediations` price.
    pub remediations_usd: Amount,
    /// The day's checks and remediations (the monthly fee is counted per month).
    pub total_usd: Amount,
}

/// One enterprise's spend in one calendar month (of the days the record covers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendMonth {
    /// The enterprise.
    pub enterprise_id: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Scheduled re-checks observed.
    pub scheduled_checks: u64,
    /// Fresh reads made.
    pub fresh_checks: u64,
    /// Numbers submitted for remediation.
    pub remediations: u64,
    /// The month's monitoring fee (whole: the enterprise was monitored that month).
    pub fee_usd: Amount,
    /// Checks, remediations and the fee.
    pub total_usd: Amount,
}

/// The priced spend record of a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spend {
    /// First day.
    pub since: NaiveDate,
    /// Last day.
    pub until: NaiveDate,
    /// Per enterprise and day, by enterprise then day.
    pub days: Vec<SpendDay>,
    /// Per enterprise and month.
    pub months: Vec<SpendMonth>,
    /// Everything: checks, remediations and the fees.
    pub total_usd: Amount,
}

impl Spend {
    /// The spend of `enterprise_id` (or every enterprise) over the UTC days `since..=until`,
    /// priced with `prices`.
    pub async fn load(
        store: &Store,
        enterprise_id: Option<&str>,
        since: NaiveDate,
        until: NaiveDate,
        prices: &PriceTable,
    ) -> Result<Spend> {
        let counts = store.spend(enterprise_id, since, until).await?;
        Ok(Spend::price(since, until, counts, prices))
    }

    /// Price recorded counts.
    pub fn price(
        since: NaiveDate,
        until: NaiveDate,
        counts: Vec<SpendCounts>,
        prices: &PriceTable,
    ) -> Spend {
        let mut months: BTreeMap<(String, String), SpendMonth> = BTreeMap::new();
        let mut total = Amount::default();
        let days: Vec<SpendDay> = counts
            .into_iter()
            .map(|c| {
                let scheduled_usd = prices.cost(PriceItem::ScheduledRefresh, c.scheduled_checks);
                let fresh_usd = prices.cost(PriceItem::LiveLookups, c.fresh_checks);
                let remediations_usd = prices.cost(PriceItem::Remediations, c.remediations);
                let mut total_usd = scheduled_usd.clone();
                total_usd.add_amount(&fresh_usd);
                total_usd.add_amount(&remediations_usd);
                let month = format!("{:04}-{:02}", c.day.year(), c.day.month());
                let entry = months
                    .entry((c.enterprise_id.clone(), month.clone()))
                    .or_insert_with(|| {
                        let fee_usd = prices.cost(PriceItem::Monitoring, 1);
                        SpendMonth {
                            enterprise_id: c.enterprise_id.clone(),
                            month,
                            scheduled_checks: 0,
                            fresh_checks: 0,
                            remediations: 0,
                            total_usd: fee_usd.clone(),
                            fee_usd,
                        }
                    });
                entry.scheduled_checks += c.scheduled_checks;
                entry.fresh_checks += c.fresh_checks;
                entry.remediations += c.remediations;
                entry.total_usd.add_amount(&total_usd);
                SpendDay {
                    counts: c,
                    scheduled_usd,
                    fresh_usd,
                    remediations_usd,
                    total_usd,
                }
            })
            .collect();
        let months: Vec<SpendMonth> = months.into_values().collect();
        for m in &months {
            total.add_amount(&m.total_usd);
        }
        Spend {
            since,
            until,
            days,
            months,
            total_usd: total,
        }
    }

    /// Checks and remediations of the window, without the monthly fees.
    pub fn usage_usd(&self) -> Amount {
        let mut sum = Amount::default();
        for d in &self.days {
            sum.add_amount(&d.total_usd);
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn counts_are_priced_per_item_and_the_fee_once_per_enterprise_month() {
        let counts = vec![
            SpendCounts {
                enterprise_id: "a".into(),
                day: day(1),
                scheduled_checks: 1000,
                fresh_checks: 5,
                remediations: 2,
            },
            SpendCounts {
                enterprise_id: "a".into(),
                day: day(2),
                scheduled_checks: 1000,
                fresh_checks: 0,
                remediations: 0,
            },
            SpendCounts {
                enterprise_id: "b".into(),
                day: day(2),
                scheduled_checks: 0,
                fresh_checks: 0,
                remediations: 0,
            },
        ];
        let spend = Spend::price(day(1), day(31), counts, &PriceTable::default());
        assert_eq!(spend.days[0].total_usd.to_string(), "$102.50");
        assert_eq!(spend.months.len(), 2);
        assert_eq!(spend.months[0].fee_usd.to_string(), "$100.00");
        assert_eq!(spend.months[0].total_usd.to_string(), "$302.50");
        assert_eq!(spend.usage_usd().to_string(), "$202.50");
        assert_eq!(spend.total_usd.to_string(), "$402.50");
        // Another price table re-prices the same record.
        let cheaper = PriceTable::from_json(serde_json::json!({
            "scheduled_refresh": "0.05",
            "monitoring": "unknown",
        }))
        .unwrap();
        let spend = Spend::price(
            day(1),
            day(31),
            spend.days.into_iter().map(|d| d.counts).collect(),
            &cheaper,
        );
        assert_eq!(spend.usage_usd().to_string(), "$102.50");
        assert!(
            !spend.total_usd.is_exact(),
            "an unknown fee makes the total a lower bound"
        );
    }
}
