//! The `check_frequency` calendar: when the next scheduled re-check of an enterprise's
//! numbers falls, on the virtual clock.
//!
//! `business_daily` runs Monday to Friday (a check due on a Saturday or Sunday moves to the
//! Monday), `daily` every 24 h, `weekly` every 7 days, `biweekly` every 14 days, `monthly`
//! on the same day of the next calendar month (clamped to its last day), `never` not at all.
//! Ownership re-verification has its own calendar, independent of `check_frequency`: see
//! [`reverification_due`]. Running the checks themselves is `lifecycle.rs`'s job.

use chrono::{DateTime, Datelike, Months, Utc, Weekday};

use crate::data::stable_hash;

/// How long a verified number's ownership stands before it must be re-verified.
pub const REVERIFICATION_PERIOD_DAYS: i64 = 90;
/// How long the owner has to confirm once a re-verification (or a carrier change) is due.
pub const CONFIRM_WITHIN_DAYS: i64 = 7;

/// When the ownership of `number`, verified at `verified_at`, comes due for re-verification:
/// [`REVERIFICATION_PERIOD_DAYS`] later. The first period after registration is stretched by
/// 0 to 30 days (in whole hours, fixed per number by the seed), so a fleet added in one batch
/// does not all come due on the same day; later periods run from each confirmation.
pub fn reverification_due(
    seed: u64,
    number: &str,
    verified_at: DateTime<Utc>,
    first: bool,
) -> Option<DateTime<Utc>> {
    let spread_hours = if first {
        stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), b"reverify"]) % (30 * 24 + 1)
    } else {
        0
    };
    let hours = i64::try_from(spread_hours).unwrap_or(0);
    verified_at
        .checked_add_signed(chrono::Duration::days(REVERIFICATION_PERIOD_DAYS))?
        .checked_add_signed(chrono::Duration::hours(hours))
}

/// When the check after one at `after` is due under `frequency`, or `None` for `never` (or
/// an unknown value, which validation never lets through).
pub fn next_check(frequency: &str, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let day = chrono::Duration::days(1);
    match frequency {
        "daily" => after.checked_add_signed(day),
        "weekly" => after.checked_add_signed(day * 7),
        "biweekly" => after.checked_add_signed(day * 14),
        "monthly" => after.checked_add_months(Months::new(1)),
        "business_daily" => {
            let mut next = after.checked_add_signed(day)?;
            while matches!(next.weekday(), Weekday::Sat | Weekday::Sun) {
                next = next.checked_add_signed(day)?;
            }
            Some(next)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
            .single()
            .expect("valid date")
    }

    #[test]
    fn business_daily_skips_the_weekend() {
        // 2026-12-04 is a Friday.
        assert_eq!(
            next_check("business_daily", at(2026, 12, 4)),
            Some(at(2026, 12, 7))
        );
        assert_eq!(
            next_check("business_daily", at(2026, 12, 7)),
            Some(at(2026, 12, 8))
        );
        assert_eq!(
            next_check("business_daily", at(2026, 12, 5)),
            Some(at(2026, 12, 7))
        );
    }

    #[test]
    fn the_other_frequencies() {
        let t = at(2027, 1, 31);
        assert_eq!(next_check("daily", t), Some(at(2027, 2, 1)));
        assert_eq!(next_check("weekly", t), Some(at(2027, 2, 7)));
        assert_eq!(next_check("biweekly", t), Some(at(2027, 2, 14)));
        assert_eq!(next_check("monthly", t), Some(at(2027, 2, 28)));
        assert_eq!(next_check("never", t), None);
    }
}
