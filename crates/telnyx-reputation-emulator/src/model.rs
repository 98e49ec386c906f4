//! The emulated resources (enterprises, reputation settings, numbers, remediation requests,
//! external verification, documents, terms agreements): the domain types only.
//!
//! How they render on the wire lives in `views.rs`; the time-driven transitions between
//! states in `lifecycle.rs`; request validation in `validate.rs` and the route modules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

use crate::data::Profile;

/// Outcome of a review gate (`status`, `loa_status`, external verification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gate {
    /// Under review.
    Pending,
    /// Accepted.
    Approved,
    /// Declined.
    Rejected,
}

impl Gate {
    /// Wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Parse a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// What a review will conclude when it comes due, decided when it is submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Approve.
    Approve,
    /// Reject with these reasons.
    Reject(Vec<String>),
}

/// One review gate: its current state, when it resolves, and how.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    /// Current state.
    pub gate: Gate,
    /// When a pending review resolves; `None` waits for the admin API.
    pub due: Option<DateTime<Utc>>,
    /// What it resolves to.
    pub verdict: Verdict,
    /// Reasons, once rejected.
    pub rejection_reasons: Option<Vec<String>>,
    /// When it was last decided.
    pub decided_at: Option<DateTime<Utc>>,
}

impl Review {
    /// A fresh pending review.
    pub fn pending(due: Option<DateTime<Utc>>, verdict: Verdict) -> Self {
        Self {
            gate: Gate::Pending,
            due,
            verdict,
            rejection_reasons: None,
            decided_at: None,
        }
    }

    /// Resolve the review if it is pending and due at `now`; returns the decision time.
    pub fn settle(&mut self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.due {
            Some(due) if self.gate == Gate::Pending && due <= now => {
                let verdict = self.verdict.clone();
                self.decide(verdict, due);
                Some(due)
            }
            _ => None,
        }
    }

    /// Force a state now (admin API). Pending re-arms nothing: it waits for the admin API.
    pub fn force(&mut self, gate: Gate, reasons: Option<Vec<String>>, now: DateTime<Utc>) {
        match gate {
            Gate::Pending => {
                self.gate = Gate::Pending;
                self.due = None;
                self.rejection_reasons = None;
            }
            Gate::Approved => self.decide(Verdict::Approve, now),
            Gate::Rejected => self.decide(
                Verdict::Reject(reasons.unwrap_or_else(|| {
                    vec!["Rejected through the emulator admin API.".to_string()]
                })),
                now,
            ),
        }
    }

    fn decide(&mut self, verdict: Verdict, at: DateTime<Utc>) {
        match verdict {
            Verdict::Approve => {
                self.gate = Gate::Approved;
                self.rejection_reasons = None;
            }
            Verdict::Reject(reasons) => {
                self.gate = Gate::Rejected;
                self.rejection_reasons = Some(reasons);
            }
        }
        self.due = None;
        self.decided_at = Some(at);
    }
}

/// Reputation settings of an enterprise (present while Number Reputation is enabled).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reputation {
    /// Activation gate (`status`).
    pub status: Review,
    /// LOA review gate (`loa_status`).
    pub loa: Review,
    /// Auto-refresh schedule.
    pub check_frequency: String,
    /// The signed LOA document.
    pub loa_document_id: String,
    /// Where reputation events are delivered.
    pub webhook_url: Option<String>,
    /// Whether the check schedule started (both gates approved once).
    pub schedule_started: bool,
    /// When the next scheduled re-check is due; `None` for `never` or before approval.
    pub next_check_at: Option<DateTime<Utc>>,
    /// Scheduled checks run so far (the drift index).
    pub checks_done: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Reputation {
    /// Settings just enabled at `now`: both gates pending (resolving at `due` as decided by
    /// the verdicts), no schedule until both are approved.
    pub fn enabled(
        loa_document_id: String,
        check_frequency: String,
        status: Review,
        loa: Review,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            status,
            loa,
            check_frequency,
            loa_document_id,
            webhook_url: None,
            schedule_started: false,
            next_check_at: None,
            checks_done: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether both gates read `approved`.
    pub fn both_gates_approved(&self) -> bool {
        self.status.gate == Gate::Approved && self.loa.gate == Gate::Approved
    }
}

/// One entry of a number's ownership history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// `added`, `check`, `flag`, `confirm` or `removed`.
    pub event_type: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Free-form outcome, e.g. `unchanged`.
    pub outcome: Option<String>,
}

/// A number registered for reputation monitoring.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NumberRecord {
    /// Registration id.
    pub id: String,
    /// Owning enterprise.
    pub enterprise_id: String,
    /// E.164 number.
    pub phone_number: String,
    /// Account-wide insertion order, used for stable listing.
    pub seq: u64,
    /// Cached reputation and when it was collected; `None` until the first lookup.
    pub cached: Option<(Option<Profile>, DateTime<Utc>)>,
    /// Whether a completed remediation cleared this number (until its data drifts on).
    pub remediated: bool,
    /// The drift epoch of its data (0 until scheduled checks move it on).
    pub epoch: u64,
    /// `verified`, `flagged`, `pending_confirmation` or `removed`.
    pub ownership_status: String,
    /// Deadline while `pending_confirmation`.
    pub confirm_by: Option<DateTime<Utc>>,
    /// Why it was flagged.
    pub flag_reason: Option<String>,
    /// Why it was removed.
    pub removal_reason: Option<String>,
    /// When it was removed.
    pub removed_at: Option<DateTime<Utc>>,
    /// Ownership history, oldest first (rendered most recent first).
    pub history: Vec<HistoryEvent>,
    /// Registration time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When its ownership comes due for re-verification (while `verified`); see
    /// `schedule::reverification_due`.
    #[serde(default)]
    pub reverify_at: Option<DateTime<Utc>>,
    /// Its JSON, rendered on the first read (see [`Rendered`]; never persisted).
    #[serde(skip)]
    pub(crate) rendered: Rendered,
}

/// A record's rendered JSON (`{"data":…}`), kept until the record changes: filled by
/// `views.rs` on the first read, forgotten whenever [`Numbers`] hands the record out mutably.
#[derive(Clone, Default)]
pub struct Rendered(std::sync::OnceLock<axum::body::Bytes>);

impl Rendered {
    /// The kept bytes, rendered by `render` if there are none.
    pub fn get_or_init(&self, render: impl FnOnce() -> axum::body::Bytes) -> &axum::body::Bytes {
        self.0.get_or_init(render)
    }
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Rendered(cached)"
        } else {
            "Rendered(empty)"
        })
    }
}

impl HistoryEvent {
    /// An event at `at` with an outcome.
    pub fn new(event_type: &str, at: DateTime<Utc>, outcome: &str) -> Self {
        Self {
            event_type: event_type.to_string(),
            occurred_at: at,
            outcome: Some(outcome.to_string()),
        }
    }
}

/// What registering a number needs; the rest of a [`NumberRecord`] starts the same for every
/// number (`verified`, no reputation collected yet, an `added` history entry).
#[derive(Debug, Clone)]
pub struct Registration {
    /// Registration id.
    pub id: String,
    /// Owning enterprise.
    pub enterprise_id: String,
    /// E.164 number.
    pub phone_number: String,
    /// Account-wide insertion order.
    pub seq: u64,
    /// When its ownership first comes due for re-verification.
    pub reverify_at: Option<DateTime<Utc>>,
}

impl NumberRecord {
    /// A number registered at `now`: `verified`, no reputation data until the first lookup.
    pub fn registered(registration: Registration, now: DateTime<Utc>) -> Self {
        let Registration {
            id,
            enterprise_id,
            phone_number,
            seq,
            reverify_at,
        } = registration;
        Self {
            id,
            enterprise_id,
            phone_number,
            seq,
            cached: None,
            remediated: false,
            epoch: 0,
            ownership_status: "verified".to_string(),
            confirm_by: None,
            flag_reason: None,
            removal_reason: None,
            removed_at: None,
            history: vec![HistoryEvent::new("added", now, "verified")],
            created_at: now,
            updated_at: now,
            reverify_at,
            rendered: Rendered::default(),
        }
    }

    /// Forget the rendered JSON (the record is about to change).
    fn changed(&mut self) -> &mut Self {
        self.rendered = Rendered::default();
        self
    }
}

/// Lifecycle of a remediation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemediationStatus {
    /// Queued.
    Pending,
    /// Under review.
    InProgress,
    /// Finished; results are set.
    Completed,
    /// Could not be processed.
    Failed,
    /// Cancelled.
    Cancelled,
}

impl RemediationStatus {
    /// Wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parse a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "in_progress" => Some(Self::InProgress),
            "completed" => Some(Self::Completed),
            "failed" => Some(Self::Failed),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }

    /// Whether a number in such a request blocks another request (409).
    pub fn in_flight(self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }
}

/// Per-number outcome buckets of a finished remediation request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RemediationResults {
    /// Re-evaluated and cleared.
    pub remediated: Vec<String>,
    /// Was not flagged.
    pub not_flagged: Vec<String>,
    /// Still flagged, needs review.
    pub requires_review: Vec<String>,
    /// Rejected before submission.
    pub ineligible: Vec<String>,
    /// Declined.
    pub refused: Vec<String>,
}

/// A remediation request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Remediation {
    /// Request id.
    pub id: String,
    /// The numbers submitted.
    pub phone_numbers: Vec<String>,
    /// Free-text purpose.
    pub call_purpose: String,
    /// Optional contact.
    pub contact_email: Option<String>,
    /// Optional status webhook.
    pub webhook_url: Option<String>,
    /// Current status.
    pub status: RemediationStatus,
    /// The status last notified to `webhook_url`.
    pub notified_status: RemediationStatus,
    /// When it moves to `in_progress` and to `completed`; `None` waits for the admin API.
    pub schedule: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// First-tier completion.
    pub tier1_completed_at: Option<DateTime<Utc>>,
    /// Second-tier completion.
    pub tier2_completed_at: Option<DateTime<Utc>>,
    /// Buckets, once completed.
    pub results: Option<RemediationResults>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Remediation {
    /// A request submitted at `now`, `pending`; `schedule` says when it moves on (`None`
    /// waits for the admin API).
    pub fn submitted(
        id: String,
        phone_numbers: Vec<String>,
        call_purpose: String,
        contact_email: Option<String>,
        webhook_url: Option<String>,
        schedule: Option<(DateTime<Utc>, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            phone_numbers,
            call_purpose,
            contact_email,
            webhook_url,
            status: RemediationStatus::Pending,
            notified_status: RemediationStatus::Pending,
            schedule,
            tier1_completed_at: None,
            tier2_completed_at: None,
            results: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The ownership proof for externally hosted numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExternalVerification {
    /// Supporting documents.
    pub document_ids: Vec<String>,
    /// Numbers shown to the reviewer.
    pub phone_numbers: Vec<String>,
    /// The review.
    pub review: Review,
    /// Submission time.
    pub submitted_at: DateTime<Utc>,
}

impl ExternalVerification {}

/// An enterprise (soft-deleted ones are kept but invisible).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enterprise {
    /// Enterprise id.
    pub id: String,
    /// The client-supplied fields, validated.
    pub fields: Map<String, Value>,
    /// `enterprise` or `bpo`, fixed at creation.
    pub role_type: String,
    /// Reputation settings while enabled.
    pub reputation: Option<Reputation>,
    /// Active registered numbers, in registration order and by E.164 value.
    pub numbers: Numbers,
    /// Numbers removed from monitoring (listed only with `filter[ownership_status]=removed`).
    pub removed_numbers: Vec<NumberRecord>,
    /// Remediation requests, oldest first.
    pub remediations: Vec<Remediation>,
    /// External verification, once submitted.
    pub external_verification: Option<ExternalVerification>,
    /// The external-verification state last notified by webhook.
    pub notified_verification: Option<Gate>,
    /// The earliest `confirm_by` of its numbers awaiting confirmation.
    pub next_deadline: Option<DateTime<Utc>>,
    /// The earliest `reverify_at` of its verified numbers.
    #[serde(default)]
    pub next_reverification: Option<DateTime<Utc>>,
    /// When its recent refresh requests came (for the rate limit), oldest first.
    #[serde(default)]
    pub refresh_times: std::collections::VecDeque<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Soft-deletion time.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Enterprise {
    /// An enterprise created at `now` from its validated client fields: no reputation
    /// settings, numbers, requests or verification yet.
    pub fn created(
        id: String,
        fields: Map<String, Value>,
        role_type: String,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            fields,
            role_type,
            reputation: None,
            numbers: Numbers::default(),
            removed_numbers: Vec::new(),
            remediations: Vec::new(),
            external_verification: None,
            notified_verification: None,
            next_deadline: None,
            next_reverification: None,
            refresh_times: Default::default(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    /// The legal name (validated present at creation).
    pub fn legal_name(&self) -> &str {
        self.fields
            .get("legal_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A string field, if set.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    /// Recompute `next_deadline` after a `confirm_by` changed.
    pub fn refresh_deadline(&mut self) {
        self.next_deadline = self
            .numbers
            .values()
            .filter(|n| n.ownership_status == "pending_confirmation")
            .filter_map(|n| n.confirm_by)
            .min();
    }

    /// Recompute `next_reverification` after a `reverify_at` or an ownership status changed.
    pub fn refresh_reverification(&mut self) {
        self.next_reverification = self
            .numbers
            .values()
            .filter(|n| n.ownership_status == "verified")
            .filter_map(|n| n.reverify_at)
            .min();
    }

    /// Bring `next_reverification` forward for a newly registered `record` (adding numbers
    /// can only move the earliest re-verification earlier; [`Enterprise::refresh_reverification`]
    /// walks every number, which per batch made a bulk add quadratic).
    pub fn note_reverification(&mut self, record: &NumberRecord) {
        if record.ownership_status == "verified"
            && let Some(at) = record.reverify_at
        {
            self.next_reverification = Some(self.next_reverification.map_or(at, |n| n.min(at)));
        }
    }

    /// Take a number out of monitoring, keeping it for `filter[ownership_status]=removed`.
    pub fn deregister(
        &mut self,
        number: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Option<NumberRecord> {
        let mut record = self.numbers.remove(number)?;
        record.ownership_status = "removed".to_string();
        record.removal_reason = Some(reason.to_string());
        record.removed_at = Some(at);
        record.confirm_by = None;
        record.reverify_at = None;
        record.updated_at = at;
        record
            .history
            .push(HistoryEvent::new("removed", at, reason));
        self.removed_numbers.push(record.clone());
        if self.next_deadline.is_some() {
            self.refresh_deadline();
        }
        Some(record)
    }

    /// Active numbers in registration order.
    pub fn numbers_in_order(&self) -> impl Iterator<Item = &NumberRecord> {
        self.numbers.values()
    }
}

/// The active numbers of an enterprise: records kept in registration order (by their
/// account-wide `seq`), with an index by E.164 value, so a page is a walk of the ordered map
/// instead of a sort of every number.
#[derive(Debug, Clone, Default)]
pub struct Numbers {
    by_seq: BTreeMap<u64, NumberRecord>,
    seq_of: HashMap<String, u64>,
}

impl Numbers {
    /// The record of `number`.
    pub fn get(&self, number: &str) -> Option<&NumberRecord> {
        self.seq_of.get(number).and_then(|s| self.by_seq.get(s))
    }

    /// The record of `number`, mutably (its rendered JSON is forgotten).
    pub fn get_mut(&mut self, number: &str) -> Option<&mut NumberRecord> {
        let seq = *self.seq_of.get(number)?;
        self.by_seq.get_mut(&seq).map(NumberRecord::changed)
    }

    /// Whether `number` is registered.
    pub fn contains_key(&self, number: &str) -> bool {
        self.seq_of.contains_key(number)
    }

    /// Register `record` under `number` (its `seq` orders it).
    pub fn insert(&mut self, number: String, mut record: NumberRecord) {
        record.changed();
        if let Some(old) = self.seq_of.insert(number, record.seq) {
            self.by_seq.remove(&old);
        }
        self.by_seq.insert(record.seq, record);
    }

    /// Unregister `number`.
    pub fn remove(&mut self, number: &str) -> Option<NumberRecord> {
        let seq = self.seq_of.remove(number)?;
        self.by_seq.remove(&seq).map(|mut record| {
            record.changed();
            record
        })
    }

    /// Unregister everything.
    pub fn clear(&mut self) {
        self.by_seq.clear();
        self.seq_of.clear();
    }

    /// Records in registration order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &NumberRecord> + ExactSizeIterator {
        self.by_seq.values()
    }

    /// Records in registration order, mutably (their rendered JSON is forgotten).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut NumberRecord> {
        self.by_seq.values_mut().map(NumberRecord::changed)
    }

    /// How many numbers are registered.
    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }
}

impl Serialize for Numbers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.by_seq.values())
    }
}

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut numbers = Numbers::default();
        for record in Vec::<NumberRecord>::deserialize(d)? {
            numbers.insert(record.phone_number.clone(), record);
        }
        Ok(numbers)
    }
}

/// An uploaded document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Document id (the `loa_document_id`).
    pub id: String,
    /// File name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: usize,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Caller's reference.
    pub customer_reference: Option<String>,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}

impl Document {
    /// Whether the file name carries the `REJECT` trigger.
    pub fn has_reject_trigger(&self) -> bool {
        self.filename.contains("REJECT")
    }
}

/// An agreement to a product's terms of service.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TosAgreement {
    /// Agreement id.
    pub id: String,
    /// `number_reputation` (the only product the emulator can agree to).
    pub product_type: String,
    /// Version agreed to.
    pub terms_version: String,
    /// When.
    pub agreed_at: DateTime<Utc>,
}

impl TosAgreement {}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;

    fn registration(n: u64, reverify_at: Option<DateTime<Utc>>) -> Registration {
        Registration {
            id: format!("id-{n}"),
            enterprise_id: "e".to_string(),
            phone_number: format!("+1202555{n:04}"),
            seq: n,
            reverify_at,
        }
    }

    /// Batches of adds keep `next_reverification` as a walk over every number would,
    /// including numbers without a due date and ones not verified.
    #[test]
    fn adding_numbers_keeps_the_earliest_reverification_as_a_full_walk_would() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let mut walked = Enterprise::created("e".into(), Map::new(), "enterprise".into(), now);
        let mut noted = walked.clone();
        let offsets = [40, 12, 77, 3, 12, 90, 1, 55];
        for (n, days) in offsets.iter().enumerate() {
            let due = (n % 3 != 2).then(|| now + Duration::days(*days));
            let mut record = NumberRecord::registered(registration(n as u64, due), now);
            if n == 6 {
                // The earliest date, but not verified: not a re-verification.
                record.ownership_status = "pending_confirmation".to_string();
            }
            noted.note_reverification(&record);
            noted
                .numbers
                .insert(record.phone_number.clone(), record.clone());
            walked.numbers.insert(record.phone_number.clone(), record);
            walked.refresh_reverification();
            assert_eq!(
                noted.next_reverification, walked.next_reverification,
                "after {n}"
            );
        }
        assert_eq!(noted.next_reverification, Some(now + Duration::days(3)));
    }
}
