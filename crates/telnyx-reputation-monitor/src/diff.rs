//! What changed between a number's last stored reading and its current one: the one
//! definition of "risk up", "score drop", "category set" and the rest. Pure functions.

use chrono::{DateTime, Utc};

use crate::model::{Change, ChangeKind, Reading, SCORES};

/// Rank of a risk level; no data ranks lowest, an unknown future level highest.
fn risk_rank(risk: Option<&str>) -> u8 {
    match risk {
        None => 0,
        Some("low") => 1,
        Some("medium") => 2,
        Some("high") => 3,
        Some(_) => 4,
    }
}

/// The changes from `before` (the last stored reading, `None` for a new number) to `now`.
/// A score counts as dropped when it fell by at least `score_drop`.
pub fn changes(
    enterprise_id: &str,
    before: Option<&Reading>,
    now: &Reading,
    score_drop: i64,
    at: DateTime<Utc>,
) -> Vec<Change> {
    let change = |kind: ChangeKind, field: &str, old: Option<String>, new: Option<String>| Change {
        enterprise_id: enterprise_id.to_owned(),
        phone_number: now.phone_number.clone(),
        at,
        kind,
        field: field.to_owned(),
        old_value: old,
        new_value: new,
    };
    let Some(before) = before else {
        return vec![change(
            ChangeKind::Added,
            "number",
            None,
            now.spam_risk.clone(),
        )];
    };
    let mut out = Vec::new();
    let (old_rank, new_rank) = (
        risk_rank(before.spam_risk.as_deref()),
        risk_rank(now.spam_risk.as_deref()),
    );
    if new_rank != old_rank {
        let kind = if new_rank > old_rank {
            ChangeKind::RiskUp
        } else {
            ChangeKind::RiskDown
        };
        out.push(change(
            kind,
            "spam_risk",
            before.spam_risk.clone(),
            now.spam_risk.clone(),
        ));
    }
    let category = match (&before.spam_category, &now.spam_category) {
        (None, Some(_)) => Some(ChangeKind::CategorySet),
        (Some(_), None) => Some(ChangeKind::CategoryCleared),
        (Some(a), Some(b)) if a != b => Some(ChangeKind::CategoryChanged),
        _ => None,
    };
    if let Some(kind) = category {
        out.push(change(
            kind,
            "spam_category",
            before.spam_category.clone(),
            now.spam_category.clone(),
        ));
    }
    for ((name, old), new) in SCORES.iter().zip(before.scores()).zip(now.scores()) {
        if let (Some(old), Some(new)) = (old, new)
            && old - new >= score_drop
        {
            out.push(change(
                ChangeKind::ScoreDrop,
                &format!("{name}_score"),
                Some(old.to_string()),
                Some(new.to_string()),
            ));
        }
    }
    if before.ownership_status != now.ownership_status {
        out.push(change(
            ChangeKind::OwnershipChanged,
            "ownership_status",
            before.ownership_status.clone(),
            now.ownership_status.clone(),
        ));
    }
    out
}

/// The change recorded when a number the store monitored is no longer listed.
pub fn removed(
    enterprise_id: &str,
    phone_number: &str,
    last_risk: Option<String>,
    at: DateTime<Utc>,
) -> Change {
    Change {
        enterprise_id: enterprise_id.to_owned(),
        phone_number: phone_number.to_owned(),
        at,
        kind: ChangeKind::Removed,
        field: "number".into(),
        old_value: last_risk,
        new_value: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(risk: Option<&str>, category: Option<&str>, maturity: Option<i64>) -> Reading {
        Reading {
            phone_number: "+12025551234".into(),
            observed_at: DateTime::UNIX_EPOCH,
            spam_risk: risk.map(Into::into),
            spam_category: category.map(Into::into),
            maturity_score: maturity,
            connection_score: Some(50),
            engagement_score: None,
            sentiment_score: Some(70),
            ownership_status: Some("verified".into()),
            confirm_by: None,
            refreshed_at: None,
        }
    }

    fn kinds(before: Option<&Reading>, now: &Reading, drop: i64) -> Vec<(ChangeKind, String)> {
        changes("e", before, now, drop, DateTime::UNIX_EPOCH)
            .into_iter()
            .map(|c| (c.kind, c.field))
            .collect()
    }

    #[test]
    fn a_new_number_is_added() {
        assert_eq!(
            kinds(None, &reading(Some("low"), None, None), 10),
            [(ChangeKind::Added, "number".into())]
        );
    }

    #[test]
    fn turning_high_with_a_category_is_risk_up_and_category_set() {
        let before = reading(Some("low"), None, Some(80));
        let now = reading(Some("high"), Some("robocall"), Some(80));
        assert_eq!(
            kinds(Some(&before), &now, 10),
            [
                (ChangeKind::RiskUp, "spam_risk".into()),
                (ChangeKind::CategorySet, "spam_category".into())
            ]
        );
        assert_eq!(
            kinds(Some(&now), &before, 10),
            [
                (ChangeKind::RiskDown, "spam_risk".into()),
                (ChangeKind::CategoryCleared, "spam_category".into())
            ]
        );
    }

    #[test]
    fn a_score_drop_counts_only_from_the_threshold() {
        let before = reading(Some("low"), None, Some(80));
        assert!(kinds(Some(&before), &reading(Some("low"), None, Some(71)), 10).is_empty());
        assert_eq!(
            kinds(Some(&before), &reading(Some("low"), None, Some(70)), 10),
            [(ChangeKind::ScoreDrop, "maturity_score".into())]
        );
        // A score appearing or vanishing is not a drop.
        assert!(kinds(Some(&before), &reading(Some("low"), None, None), 10).is_empty());
    }

    #[test]
    fn no_data_ranks_below_low_and_an_unknown_level_above_high() {
        let none = reading(None, None, None);
        assert_eq!(
            kinds(Some(&none), &reading(Some("low"), None, None), 10)[0].0,
            ChangeKind::RiskUp
        );
        let high = reading(Some("high"), None, None);
        assert_eq!(
            kinds(Some(&high), &reading(Some("critical"), None, None), 10)[0].0,
            ChangeKind::RiskUp
        );
    }
}
