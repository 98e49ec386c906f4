//! The JSON views: how each resource renders in the wire shape of the contract.
//!
//! The domain types live in `model.rs` and know nothing of their views; a view here borrows
//! the record and serialises it (timestamps through `clock::Stamp`). A number's JSON is
//! rendered once and kept in its [`Rendered`](crate::model::Rendered) slot until it changes.

use serde::Serialize;
use serde_json::{Value, json};
use telnyx_reputation_api::rules::ENTERPRISE;

use crate::clock::{Stamp, timestamp};
use crate::model::{
    Document, Enterprise, ExternalVerification, NumberRecord, Numbers, Remediation, Reputation,
    TosAgreement,
};

/// What a record's kept JSON wraps around it.
const DATA_OPEN: &[u8] = b"{\"data\":";
const DATA_CLOSE: &[u8] = b"}";

impl Reputation {
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

impl NumberRecord {
    /// `{"data":…}` of the record, rendered once until [`Numbers`] hands the record out
    /// mutably.
    fn rendered_data(&self) -> &axum::body::Bytes {
        self.rendered.get_or_init(|| {
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

impl Enterprise {
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
}

impl Numbers {
    /// The JSON of `number`'s record, rendered once and reused until the record changes.
    pub fn json_of(&self, number: &str) -> Option<&[u8]> {
        self.get(number).map(NumberRecord::rendered)
    }

    /// `{"data":…}` of `number`'s record, shared with the rendered copy (no bytes copied).
    pub fn data_json_of(&self, number: &str) -> Option<axum::body::Bytes> {
        self.get(number).map(|r| r.rendered_data().clone())
    }

    /// The JSON of every record, in registration order (see [`Numbers::json_of`]).
    pub fn json_in_order(&self) -> impl Iterator<Item = &[u8]> {
        self.values().map(NumberRecord::rendered)
    }
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
