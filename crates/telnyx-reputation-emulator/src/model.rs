//! The emulated resources (enterprises, reputation settings, numbers, remediation requests,
//! external verification, documents, terms agreements) and their JSON views.
//!
//! Each type knows how to render itself in the wire shape of the official SDK models. The
//! time-driven transitions between states live in `state.rs`; request validation lives in the
//! route modules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use telnyx_reputation_api::rules::ENTERPRISE;

use crate::data::Profile;
use crate::state::timestamp;

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
    /// Whether both gates read `approved`.
    pub fn both_gates_approved(&self) -> bool {
        self.status.gate == Gate::Approved && self.loa.gate == Gate::Approved
    }

    /// `EnterpriseReputationPublic`.
    pub fn to_json(&self, enterprise_id: &str, external: Option<&ExternalVerification>) -> Value {
        json!({
            "enterprise_id": enterprise_id,
            "status": self.status.gate.as_str(),
            "loa_status": self.loa.gate.as_str(),
            "loa_document_id": self.loa_document_id,
            "check_frequency": self.check_frequency,
            "rejection_reasons": self.status.rejection_reasons,
            "webhook_url": self.webhook_url,
            "external_verification_status": external.map(|e| e.review.gate.as_str()),
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
        })
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
    /// Its JSON, rendered on the first read through [`Numbers`] and forgotten whenever the
    /// record is reached mutably through it (never persisted).
    #[serde(skip)]
    pub(crate) rendered: Rendered,
}

/// A record's rendered JSON (`ReputationPhoneNumber`), kept until the record changes, as the
/// cached GET answers it: `{"data":…}`, shared (not copied) with every answer.
#[derive(Clone, Default)]
pub struct Rendered(std::sync::OnceLock<axum::body::Bytes>);

/// What [`Rendered`] wraps around a record's JSON.
const DATA_OPEN: &[u8] = b"{\"data\":";
const DATA_CLOSE: &[u8] = b"}";

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Rendered(cached)"
        } else {
            "Rendered(empty)"
        })
    }
}

impl NumberRecord {
    /// `{"data":…}` of the record, shared with the rendered copy (no bytes copied).
    pub fn data_json(&self) -> axum::body::Bytes {
        self.rendered_data().clone()
    }

    /// `{"data":…}` of the record, rendered once until [`Numbers`] hands the record out
    /// mutably.
    fn rendered_data(&self) -> &axum::body::Bytes {
        self.rendered.0.get_or_init(|| {
            let mut out = DATA_OPEN.to_vec();
            // A view of plain fields always serialises.
            let _ = serde_json::to_writer(&mut out, &self.view());
            out.extend_from_slice(DATA_CLOSE);
            out.into()
        })
    }

    /// The record's JSON bytes (see [`NumberRecord::rendered_data`]).
    fn rendered(&self) -> &[u8] {
        let data = self.rendered_data();
        &data[DATA_OPEN.len()..data.len() - DATA_CLOSE.len()]
    }

    /// Forget the rendered JSON (the record is about to change).
    fn changed(&mut self) -> &mut Self {
        self.rendered = Rendered::default();
        self
    }

    /// `ReputationPhoneNumber` as JSON bytes, rendered now.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.view()).unwrap_or_default()
    }

    /// `ReputationPhoneNumber`, as a serialisable view.
    pub fn view(&self) -> NumberView<'_> {
        let reputation_data = match &self.cached {
            Some((Some(p), at)) => Some(ProfileView {
                spam_risk: p.spam_risk.as_deref(),
                spam_category: p.spam_category.as_deref(),
                maturity_score: p.maturity_score,
                connection_score: p.connection_score,
                engagement_score: p.engagement_score,
                sentiment_score: p.sentiment_score,
                last_refreshed_at: Stamp(*at),
            }),
            _ => None,
        };
        NumberView {
            id: &self.id,
            enterprise_id: &self.enterprise_id,
            phone_number: &self.phone_number,
            reputation_data,
            source: "telnyx",
            ownership_status: &self.ownership_status,
            confirm_by: self.confirm_by.map(Stamp),
            flag_reason: self.flag_reason.as_deref(),
            removal_reason: self.removal_reason.as_deref(),
            removed_at: self.removed_at.map(Stamp),
            created_at: Stamp(self.created_at),
            updated_at: Stamp(self.updated_at),
        }
    }

    /// `ReputationPhoneNumber` as a JSON value.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or(Value::Null)
    }

    /// The `ownership` view.
    pub fn ownership_json(&self) -> Value {
        let history: Vec<Value> = self
            .history
            .iter()
            .rev()
            .map(|h| {
                json!({
                    "event_type": h.event_type,
                    "occurred_at": timestamp(h.occurred_at),
                    "outcome": h.outcome,
                })
            })
            .collect();
        let last_checked = self
            .history
            .last()
            .map_or(self.created_at, |h| h.occurred_at);
        json!({
            "phone_number": self.phone_number,
            "source": "telnyx",
            "ownership_status": self.ownership_status,
            "baseline_carrier": "Telnyx",
            "baseline_recorded_at": timestamp(self.created_at),
            "last_checked_at": timestamp(last_checked),
            "confirm_by": self.confirm_by.map(timestamp),
            "flag_reason": self.flag_reason,
            "history": history,
        })
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
    /// The full `RemediationRequest`.
    pub fn to_json(&self) -> Value {
        let results = self.results.as_ref().map(|r| {
            json!({
                "remediated": r.remediated,
                "not_flagged": r.not_flagged,
                "requires_review": r.requires_review,
                "ineligible": r.ineligible,
                "refused": r.refused,
            })
        });
        let mut v = self.slim_json();
        if let Value::Object(map) = &mut v {
            map.insert(
                "phone_numbers_submitted".into(),
                json!(self.phone_numbers.len()),
            );
            let ineligible = self.results.as_ref().map_or(0, |r| r.ineligible.len());
            map.insert("phone_numbers_ineligible".into(), json!(ineligible));
            map.insert("contact_email".into(), json!(self.contact_email));
            map.insert("webhook_url".into(), json!(self.webhook_url));
            map.insert("results".into(), json!(results));
        }
        v
    }

    /// The slim list item (`RemediationListResponse`).
    pub fn slim_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status.as_str(),
            "phone_numbers_count": self.phone_numbers.len(),
            "call_purpose": self.call_purpose,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
            "tier1_completed_at": self.tier1_completed_at.map(timestamp),
            "tier2_completed_at": self.tier2_completed_at.map(timestamp),
        })
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

impl ExternalVerification {
    /// `ExternalVerification`.
    pub fn to_json(&self, enterprise_id: &str) -> Value {
        let reason = self.review.rejection_reasons.as_ref().map(|r| r.join("; "));
        json!({
            "enterprise_id": enterprise_id,
            "document_ids": self.document_ids,
            "phone_numbers": self.phone_numbers,
            "status": self.review.gate.as_str(),
            "rejection_reason": reason,
            "submitted_at": timestamp(self.submitted_at),
            "reviewed_at": self.review.decided_at.map(timestamp),
        })
    }
}

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

    /// The contract's `Enterprise`.
    pub fn to_json(&self) -> Value {
        let mut map = self.fields.clone();
        map.insert("id".into(), json!(self.id));
        map.insert("role_type".into(), json!(self.role_type));
        map.insert(
            "number_reputation_enabled".into(),
            json!(self.reputation.is_some()),
        );
        map.insert("branded_calling_enabled".into(), json!(false));
        let bpo = (self.role_type == "bpo").then_some("pending");
        map.insert("bpo_verification_status".into(), json!(bpo));
        map.insert("bpo_verification_rejection_reason".into(), Value::Null);
        map.insert("created_at".into(), json!(timestamp(self.created_at)));
        map.insert("updated_at".into(), json!(timestamp(self.updated_at)));
        // Only what the contract's `Enterprise` has: a field it lacks is never emitted.
        map.retain(|name, _| ENTERPRISE.field(name).is_some());
        Value::Object(map)
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
        record.history.push(HistoryEvent {
            event_type: "removed".into(),
            occurred_at: at,
            outcome: Some(reason.to_string()),
        });
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

    /// The JSON of `number`'s record, rendered once and reused until the record changes.
    pub fn json_of(&self, number: &str) -> Option<&[u8]> {
        self.get(number).map(NumberRecord::rendered)
    }

    /// The JSON of every record, in registration order (see [`Numbers::json_of`]).
    pub fn json_in_order(&self) -> impl Iterator<Item = &[u8]> {
        self.by_seq.values().map(NumberRecord::rendered)
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

/// `ReputationPhoneNumber`, serialised straight from the record (no `Value` tree).
#[derive(Serialize)]
pub struct NumberView<'a> {
    id: &'a str,
    enterprise_id: &'a str,
    phone_number: &'a str,
    reputation_data: Option<ProfileView<'a>>,
    source: &'static str,
    ownership_status: &'a str,
    confirm_by: Option<Stamp>,
    flag_reason: Option<&'a str>,
    removal_reason: Option<&'a str>,
    removed_at: Option<Stamp>,
    created_at: Stamp,
    updated_at: Stamp,
}

/// `reputation_data`.
#[derive(Serialize)]
pub struct ProfileView<'a> {
    spam_risk: Option<&'a str>,
    spam_category: Option<&'a str>,
    maturity_score: Option<i64>,
    connection_score: Option<i64>,
    engagement_score: Option<i64>,
    sentiment_score: Option<i64>,
    last_refreshed_at: Stamp,
}

/// A timestamp serialised as the API renders them (RFC 3339, microseconds, `Z`).
pub struct Stamp(pub DateTime<Utc>);

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 27];
        match stamp_bytes(self.0, &mut buf) {
            Some(text) => s.serialize_str(text),
            // Years outside 0000-9999 take the general path.
            None => s.serialize_str(&timestamp(self.0)),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` written digit by digit (the same text as `timestamp`,
/// without `fmt` or an allocation); `None` outside years 0-9999.
fn stamp_bytes(t: DateTime<Utc>, buf: &mut [u8; 27]) -> Option<&str> {
    use chrono::{Datelike, Timelike};
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let micros = (t.nanosecond() % 1_000_000_000) / 1000;
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    put(20, micros, 6);
    buf[4] = b'-';
    buf[7] = b'-';
    buf[10] = b'T';
    buf[13] = b':';
    buf[16] = b':';
    buf[19] = b'.';
    buf[26] = b'Z';
    std::str::from_utf8(buf).ok()
}

#[cfg(test)]
mod stamp_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fast_stamps_match_the_api_format() {
        for t in [
            Utc.with_ymd_and_hms(2026, 12, 1, 9, 5, 7)
                .single()
                .expect("t"),
            Utc::now(),
            Utc.timestamp_opt(0, 123_456_789).single().expect("t"),
        ] {
            let mut buf = [0u8; 27];
            assert_eq!(stamp_bytes(t, &mut buf), Some(timestamp(t).as_str()));
        }
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
    /// `DocServiceDocument`. The emulator has no document review, so a document stays
    /// `pending` (the only time it is shown is the upload answer).
    pub fn to_json(&self) -> Value {
        let mut view = json!({
            "id": self.id,
            "record_type": "document",
            "filename": self.filename,
            "content_type": self.content_type,
            "size": { "amount": self.size, "unit": "bytes" },
            "sha256": self.sha256,
            "status": "pending",
            "av_scan_status": "scanned",
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.created_at),
        });
        // `customer_reference` is a non-nullable string: present only when given.
        if let Some(reference) = &self.customer_reference {
            view["customer_reference"] = json!(reference);
        }
        view
    }

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

impl TosAgreement {
    /// `TosAgreement`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "product_type": self.product_type,
            "terms_version": self.terms_version,
            "version": self.terms_version,
            "agreed_at": timestamp(self.agreed_at),
            "created_at": timestamp(self.agreed_at),
        })
    }
}
