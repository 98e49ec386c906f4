//! The time-driven state machine: review gates, remediation progress, scheduled re-checks,
//! ownership re-verification and deadlines.
//!
//! Transitions that happen "later" are stored as due timestamps and applied lazily whenever an
//! account is touched (and by the server's once-a-second tick), against a virtual clock.
//! Settling is idempotent and in time order, so a test never depends on when the tick ran.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use crate::accounts::Account;
use crate::data::{Drift, Profile, carrier_changes, drift_epoch, remediation_clears};
use crate::ledger::{Billable, Ledger};
use crate::model::{Enterprise, HistoryEvent, RemediationResults, RemediationStatus};
use crate::schedule::{CONFIRM_WITHIN_DAYS, next_check};
use crate::webhooks::Outbox;

impl Account {
    /// Apply every transition due at `now`: review gates, remediation progress, scheduled
    /// re-checks and ownership deadlines, in time order.
    pub fn settle(&mut self, now: DateTime<Utc>, seed: u64, drift: Drift) {
        let Self {
            enterprises,
            overrides,
            ledger,
            outbox,
            ..
        } = self;
        for enterprise in enterprises.iter_mut().filter(|e| e.deleted_at.is_none()) {
            if let Some(rep) = &mut enterprise.reputation {
                for decided in [rep.status.settle(now), rep.loa.settle(now)]
                    .into_iter()
                    .flatten()
                {
                    rep.updated_at = rep.updated_at.max(decided);
                }
                if !rep.schedule_started && rep.both_gates_approved() {
                    rep.schedule_started = true;
                    let approved = [rep.status.decided_at, rep.loa.decided_at]
                        .into_iter()
                        .flatten()
                        .max()
                        .unwrap_or(now);
                    rep.next_check_at = next_check(&rep.check_frequency, approved);
                }
            }
            if let Some(ext) = &mut enterprise.external_verification {
                ext.review.settle(now);
            }
            let due: Vec<usize> = enterprise
                .remediations
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.schedule.map(|s| (i, s)))
                .filter_map(|(i, (start, end))| {
                    let r = &enterprise.remediations[i];
                    ((r.status == RemediationStatus::Pending && start <= now)
                        || (r.status.in_flight() && end <= now))
                        .then_some(i)
                })
                .collect();
            for i in due {
                let Some((start, end)) = enterprise.remediations[i].schedule else {
                    continue;
                };
                if end <= now {
                    let tier1 = start + (end - start) / 2;
                    complete_remediation(enterprise, i, seed, overrides, tier1, end);
                } else {
                    let r = &mut enterprise.remediations[i];
                    r.status = RemediationStatus::InProgress;
                    r.updated_at = start;
                }
            }
            run_due(enterprise, now, seed, drift, overrides, ledger, outbox);
        }
    }

    /// Queue webhook notifications for remediation and external-verification changes.
    pub fn notify_changes(&mut self, seed: u64) {
        for enterprise in self
            .enterprises
            .iter_mut()
            .filter(|e| e.deleted_at.is_none())
        {
            self.outbox.changes(enterprise, seed);
        }
    }
}

/// Run the scheduled checks, ownership re-verifications and ownership deadlines of
/// `enterprise` that are due at `now`, earliest first (at the same instant: a deadline, then a
/// re-verification, then a check).
fn run_due(
    enterprise: &mut Enterprise,
    now: DateTime<Utc>,
    seed: u64,
    drift: Drift,
    overrides: &HashMap<String, Option<Profile>>,
    ledger: &mut Ledger,
    outbox: &mut Outbox,
) {
    enum Due {
        Deadline,
        Reverification,
        Check,
    }
    loop {
        let check = enterprise
            .reputation
            .as_ref()
            .and_then(|r| r.next_check_at)
            .map(|t| (t, 2, Due::Check));
        let deadline = enterprise.next_deadline.map(|t| (t, 0, Due::Deadline));
        let reverify = enterprise
            .next_reverification
            .map(|t| (t, 1, Due::Reverification));
        let next = [deadline, reverify, check]
            .into_iter()
            .flatten()
            .filter(|(t, _, _)| *t <= now)
            .min_by_key(|(t, order, _)| (*t, *order));
        match next {
            Some((d, _, Due::Deadline)) => expire(enterprise, d, seed, outbox),
            Some((r, _, Due::Reverification)) => reverify_due(enterprise, r, seed, outbox),
            Some((c, _, Due::Check)) => {
                scheduled_check(enterprise, c, seed, drift, overrides, ledger, outbox);
            }
            None => break,
        }
    }
}

/// Settle every `confirm_by` that passed by `at`: a number asked to confirm after a carrier
/// change is removed (`unconfirmed_ownership`, with a webhook); one asked for its periodic
/// re-verification becomes `flagged` (it stays monitored; confirming it verifies it again).
fn expire(enterprise: &mut Enterprise, at: DateTime<Utc>, seed: u64, outbox: &mut Outbox) {
    let mut expired: Vec<(u64, String)> = enterprise
        .numbers
        .values()
        .filter(|n| n.ownership_status == "pending_confirmation")
        .filter(|n| n.confirm_by.is_some_and(|c| c <= at))
        .map(|n| (n.seq, n.phone_number.clone()))
        .collect();
    expired.sort();
    let url = enterprise
        .reputation
        .as_ref()
        .and_then(|r| r.webhook_url.clone());
    for (_, number) in expired {
        let Some(record) = enterprise.numbers.get_mut(&number) else {
            continue;
        };
        let deadline = record.confirm_by.unwrap_or(at);
        if record.flag_reason.as_deref() == Some("reverification_due") {
            record.ownership_status = "flagged".to_string();
            record.confirm_by = None;
            record.updated_at = deadline;
            record.history.push(HistoryEvent::new(
                "flag",
                deadline,
                "reverification_expired",
            ));
        } else if let Some(record) =
            enterprise.deregister(&number, "unconfirmed_ownership", deadline)
        {
            outbox.removed(url.clone(), &record, seed);
        }
    }
    enterprise.refresh_deadline();
}

/// Ask the owner to re-verify every verified number whose re-verification came due by
/// `at`: `pending_confirmation` with `flag_reason: reverification_due`, a `confirm_by`
/// [`CONFIRM_WITHIN_DAYS`] after it came due, and a `number_reputation.number.flagged`
/// webhook. Not billed: it is an ownership check, not a reputation lookup.
fn reverify_due(enterprise: &mut Enterprise, at: DateTime<Utc>, seed: u64, outbox: &mut Outbox) {
    let url = enterprise
        .reputation
        .as_ref()
        .and_then(|r| r.webhook_url.clone());
    let mut deadline = enterprise.next_deadline;
    let due: Vec<String> = enterprise
        .numbers
        .values()
        .filter(|n| n.ownership_status == "verified" && n.reverify_at.is_some_and(|r| r <= at))
        .map(|n| n.phone_number.clone())
        .collect();
    for number in due {
        let Some(record) = enterprise.numbers.get_mut(&number) else {
            continue;
        };
        let came_due = record.reverify_at.take().unwrap_or(at);
        let confirm_by = came_due + chrono::Duration::days(CONFIRM_WITHIN_DAYS);
        record.ownership_status = "pending_confirmation".to_string();
        record.flag_reason = Some("reverification_due".to_string());
        record.confirm_by = Some(confirm_by);
        record.updated_at = came_due;
        record
            .history
            .push(HistoryEvent::new("flag", came_due, "reverification_due"));
        deadline = Some(deadline.map_or(confirm_by, |d| d.min(confirm_by)));
        outbox.flagged(url.clone(), record, seed);
    }
    enterprise.next_deadline = deadline;
    enterprise.refresh_reverification();
}

/// One scheduled re-check of every number of `enterprise` at `at`, billed per number as
/// `scheduled_refresh`; a carrier change asks for ownership confirmation within 7 days.
fn scheduled_check(
    enterprise: &mut Enterprise,
    at: DateTime<Utc>,
    seed: u64,
    drift: Drift,
    overrides: &HashMap<String, Option<Profile>>,
    ledger: &mut Ledger,
    outbox: &mut Outbox,
) {
    let Some(rep) = enterprise.reputation.as_mut() else {
        return;
    };
    rep.next_check_at = next_check(&rep.check_frequency, at);
    if !rep.both_gates_approved() {
        return;
    }
    rep.checks_done += 1;
    let index = rep.checks_done;
    let url = rep.webhook_url.clone();
    let mut deadline = enterprise.next_deadline;
    // Registration order: the ledger lists checks in the order numbers were added.
    for record in enterprise.numbers.values_mut() {
        let epoch = match drift {
            Drift::PerCheck => drift_epoch(seed, &record.phone_number, index),
            Drift::Timed(timed) => timed.epoch_at(seed, &record.phone_number, at),
        };
        if epoch != record.epoch {
            record.epoch = epoch;
            record.remediated = false;
        }
        let base = match overrides.get(&record.phone_number) {
            Some(profile) => profile.clone(),
            None => Some(match drift {
                Drift::PerCheck => Profile::at_epoch(seed, &record.phone_number, epoch),
                Drift::Timed(timed) => timed.profile_at(seed, &record.phone_number, at),
            }),
        };
        let profile = if record.remediated {
            base.map(|p| p.cleared())
        } else {
            base
        };
        record.cached = Some((profile, at));
        record.updated_at = at;
        ledger.charge(
            Billable::ScheduledRefresh,
            &enterprise.id,
            Some(&record.phone_number),
            at,
        );
        if record.ownership_status == "verified"
            && carrier_changes(seed, &record.phone_number, index)
        {
            let confirm_by = at + chrono::Duration::days(CONFIRM_WITHIN_DAYS);
            record.ownership_status = "pending_confirmation".to_string();
            record.flag_reason = Some("carrier_changed".to_string());
            record.confirm_by = Some(confirm_by);
            record
                .history
                .push(HistoryEvent::new("flag", at, "carrier_changed"));
            deadline = Some(deadline.map_or(confirm_by, |d| d.min(confirm_by)));
            outbox.flagged(url.clone(), record, seed);
        }
    }
    enterprise.next_deadline = deadline;
}

/// Finish remediation request `index` of `enterprise`: bucket every number exactly once and
/// clear the numbers that were remediated.
pub fn complete_remediation(
    enterprise: &mut Enterprise,
    index: usize,
    seed: u64,
    overrides: &HashMap<String, Option<Profile>>,
    tier1: DateTime<Utc>,
    at: DateTime<Utc>,
) {
    let Some(request) = enterprise.remediations.get(index) else {
        return;
    };
    if request.call_purpose.contains("FAIL") {
        // Trigger convention: the carriers' review could not be run at all.
        if let Some(request) = enterprise.remediations.get_mut(index) {
            request.status = RemediationStatus::Failed;
            request.tier1_completed_at = Some(tier1);
            request.updated_at = at;
        }
        return;
    }
    let refuse = request.call_purpose.contains("REFUSE");
    let mut results = RemediationResults::default();
    for number in &request.phone_numbers {
        let Some(record) = enterprise.numbers.get(number) else {
            // Removed from monitoring while the request was under review.
            results.ineligible.push(number.clone());
            continue;
        };
        if record.ownership_status != "verified" {
            results.ineligible.push(number.clone());
            continue;
        }
        let current = match record.cached.as_ref() {
            Some((profile, _)) => profile.clone(),
            None => match overrides.get(number) {
                Some(profile) => profile.clone(),
                None => Some(Profile::at_epoch(seed, number, record.epoch)),
            },
        };
        let high = current.as_ref().is_some_and(Profile::is_high_risk);
        if high && refuse {
            // Trigger convention: the carriers decline to remediate.
            results.refused.push(number.clone());
        } else if !high {
            results.not_flagged.push(number.clone());
        } else if remediation_clears(seed, number) {
            results.remediated.push(number.clone());
        } else {
            results.requires_review.push(number.clone());
        }
    }
    for number in &results.remediated {
        if let Some(record) = enterprise.numbers.get_mut(number) {
            record.remediated = true;
            let cleared = record
                .cached
                .as_ref()
                .and_then(|(p, _)| p.as_ref().map(Profile::cleared));
            if cleared.is_some() {
                record.cached = Some((cleared, at));
                record.updated_at = at;
            }
        }
    }
    if let Some(request) = enterprise.remediations.get_mut(index) {
        request.status = RemediationStatus::Completed;
        request.tier1_completed_at = Some(tier1);
        request.tier2_completed_at = Some(at);
        request.results = Some(results);
        request.updated_at = at;
    }
}
