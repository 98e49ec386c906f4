//! The JSON views: how each resource renders in the wire shape of the contract.
//!
//! The domain types live in `model.rs` and know nothing of their views; a view here borrows
//! the record and serialises it (timestamps through `clock::Stamp`). A number's JSON is
//! rendered once and kept in its [`Rendered`](crate::model::Rendered) slot until it changes.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt::Display;
use std::io::Write;
use std::str::FromStr;
use telnyx_reputation_api::types;

use crate::clock::{Stamp, timestamp};
use crate::error::{ApiError, ErrorItem, codes};
use crate::model::{
    Document, Enterprise, ExternalVerification, NumberRecord, Numbers, Remediation, Reputation,
    TosAgreement,
};

/// A view the contract's type refuses: a bug of the emulator, answered as a 500 that says so
/// rather than as a body the contract does not describe.
pub fn off_contract(schema: &str, problem: impl Display) -> ApiError {
    ApiError::one(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorItem::new(
            codes::UNEXPECTED,
            "Unexpected error",
            format!("The emulator's {schema} does not fit the contract: {problem}."),
        ),
    )
}

/// A wire value read into the contract's type for `schema`'s `field` (its enums, mostly).
pub fn parse<T: FromStr>(schema: &str, field: &str, value: &str) -> Result<T, ApiError>
where
    T::Err: Display,
{
    value
        .parse()
        .map_err(|e| off_contract(schema, format!("{field} '{value}': {e}")))
}

/// An id read as the contract's `uuid`.
fn uuid(schema: &str, field: &str, value: &str) -> Result<uuid::Uuid, ApiError> {
    parse(schema, field, value)
}

/// A generated type as JSON, with the API's timestamps (see `wire.rs`).
pub fn contract_json<T: Serialize>(schema: &str, typed: &T) -> Result<Value, ApiError> {
    crate::wire::to_value(typed).map_err(|e| off_contract(schema, e))
}

/// What a record's kept JSON wraps around it.
const DATA_OPEN: &[u8] = b"{\"data\":";
const DATA_CLOSE: &[u8] = b"}";

impl Reputation {
    /// `ReputationSettings` (the settings with their review states), through the contract's
    /// type.
    pub fn to_json(
        &self,
        enterprise_id: &str,
        external: Option<&ExternalVerification>,
    ) -> Result<Value, ApiError> {
        const SCHEMA: &str = "ReputationSettings";
        let typed = types::ReputationSettings {
            check_frequency: parse(SCHEMA, "check_frequency", &self.check_frequency)?,
            created_at: self.created_at,
            enterprise_id: uuid(SCHEMA, "enterprise_id", enterprise_id)?,
            external_verification_status: external
                .map(|e| {
                    parse(
                        SCHEMA,
                        "external_verification_status",
                        e.review.gate.as_str(),
                    )
                })
                .transpose()?,
            loa_document_id: Some(self.loa_document_id.clone()),
            loa_status: parse(SCHEMA, "loa_status", self.loa.gate.as_str())?,
            rejection_reasons: self.status.rejection_reasons.clone(),
            status: parse(SCHEMA, "status", self.status.gate.as_str())?,
            updated_at: self.updated_at,
            webhook_url: self.webhook_url.clone(),
        };
        contract_json(SCHEMA, &typed)
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
        self.rendered.get_or_init(|| {
            let mut out = Vec::with_capacity(512);
            out.extend_from_slice(DATA_OPEN);
            self.view().write_json(&mut out);
            out.extend_from_slice(DATA_CLOSE);
            out.into()
        })
    }

    /// The record's JSON bytes (see [`NumberRecord::rendered_data`]).
    fn rendered(&self) -> &[u8] {
        let data = self.rendered_data();
        &data[DATA_OPEN.len()..data.len() - DATA_CLOSE.len()]
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

    /// The `NumberOwnership` view, through the contract's type (history most recent first).
    pub fn ownership_json(&self) -> Result<Value, ApiError> {
        const SCHEMA: &str = "NumberOwnership";
        let history = self
            .history
            .iter()
            .rev()
            .map(|h| types::OwnershipHistoryEntry {
                event_type: Some(h.event_type.clone()),
                occurred_at: Some(h.occurred_at),
                outcome: h.outcome.clone(),
            })
            .collect();
        let last_checked = self
            .history
            .last()
            .map_or(self.created_at, |h| h.occurred_at);
        let typed = types::NumberOwnership {
            baseline_carrier: Some("Telnyx".to_string()),
            baseline_recorded_at: Some(self.created_at),
            confirm_by: self.confirm_by,
            flag_reason: self.flag_reason.clone(),
            history,
            last_checked_at: Some(last_checked),
            ownership_status: Some(parse(SCHEMA, "ownership_status", &self.ownership_status)?),
            phone_number: Some(self.phone_number.clone()),
            source: Some(parse(SCHEMA, "source", "telnyx")?),
        };
        contract_json(SCHEMA, &typed)
    }
}

impl NumberRecord {
    /// The payload of `number_reputation.number.flagged` (`NumberFlaggedPayload`): the record
    /// must be awaiting confirmation, with its reason and deadline.
    pub fn flagged_payload(&self) -> Result<Value, ApiError> {
        const SCHEMA: &str = "NumberFlaggedPayload";
        let missing = |field: &str| off_contract(SCHEMA, format!("{field} is not set"));
        let typed = types::NumberFlaggedPayload {
            confirm_by: self.confirm_by.ok_or_else(|| missing("confirm_by"))?,
            enterprise_id: uuid(SCHEMA, "enterprise_id", &self.enterprise_id)?,
            flag_reason: self
                .flag_reason
                .clone()
                .ok_or_else(|| missing("flag_reason"))?,
            ownership_status: "pending_confirmation".into(),
            phone_number: self.phone_number.clone(),
            record_type: "reputation_phone_number".into(),
            source: parse(SCHEMA, "source", "telnyx")?,
        };
        contract_json(SCHEMA, &typed)
    }

    /// The payload of `number_reputation.number.removed` (`NumberRemovedPayload`), removed at
    /// `at`.
    pub fn removed_payload(&self, at: DateTime<Utc>) -> Result<Value, ApiError> {
        const SCHEMA: &str = "NumberRemovedPayload";
        let typed = types::NumberRemovedPayload {
            enterprise_id: uuid(SCHEMA, "enterprise_id", &self.enterprise_id)?,
            ownership_status: "removed".into(),
            phone_number: self.phone_number.clone(),
            record_type: "reputation_phone_number".into(),
            removal_reason: self
                .removal_reason
                .clone()
                .ok_or_else(|| off_contract(SCHEMA, "removal_reason is not set"))?,
            removed_at: at,
            source: parse(SCHEMA, "source", "telnyx")?,
        };
        contract_json(SCHEMA, &typed)
    }
}

impl Remediation {
    /// The full `Remediation`, through the contract's type.
    pub fn to_json(&self) -> Result<Value, ApiError> {
        contract_json("Remediation", &self.typed()?)
    }

    /// The payload of the remediation status notification
    /// (`RemediationStatusChangedPayload`): the request as `GET` returns it, with
    /// `record_type` and `enterprise_id`.
    pub fn event_payload(&self, enterprise_id: &str) -> Result<Value, ApiError> {
        const SCHEMA: &str = "RemediationStatusChangedPayload";
        let types::Remediation {
            call_purpose,
            contact_email,
            created_at,
            id,
            phone_numbers_count,
            phone_numbers_ineligible,
            phone_numbers_submitted,
            results,
            status,
            tier1_completed_at,
            tier2_completed_at,
            updated_at,
            webhook_url,
        } = self.typed()?;
        let typed = types::RemediationStatusChangedPayload {
            call_purpose,
            contact_email,
            created_at,
            enterprise_id: uuid(SCHEMA, "enterprise_id", enterprise_id)?,
            id,
            phone_numbers_count,
            phone_numbers_ineligible: Some(phone_numbers_ineligible),
            phone_numbers_submitted: Some(phone_numbers_submitted),
            record_type: "remediation_request".into(),
            results,
            status,
            tier1_completed_at,
            tier2_completed_at,
            updated_at,
            webhook_url,
        };
        contract_json(SCHEMA, &typed)
    }

    fn typed(&self) -> Result<types::Remediation, ApiError> {
        const SCHEMA: &str = "Remediation";
        let results = self.results.as_ref().map(|r| types::RemediationResults {
            ineligible: r.ineligible.clone(),
            not_flagged: r.not_flagged.clone(),
            refused: r.refused.clone(),
            remediated: r.remediated.clone(),
            requires_review: r.requires_review.clone(),
        });
        let ineligible = self.results.as_ref().map_or(0, |r| r.ineligible.len());
        let typed = types::Remediation {
            call_purpose: self.call_purpose.clone(),
            contact_email: self.contact_email.clone(),
            created_at: self.created_at,
            id: uuid(SCHEMA, "id", &self.id)?,
            phone_numbers_count: self.phone_numbers.len() as u64,
            phone_numbers_ineligible: ineligible as u64,
            phone_numbers_submitted: self.phone_numbers.len() as u64,
            results,
            status: parse(SCHEMA, "status", self.status.as_str())?,
            tier1_completed_at: self.tier1_completed_at,
            tier2_completed_at: self.tier2_completed_at,
            updated_at: self.updated_at,
            webhook_url: self.webhook_url.clone(),
        };
        Ok(typed)
    }

    /// The slim list item (`RemediationSummary`), through the contract's type.
    pub fn slim_json(&self) -> Result<Value, ApiError> {
        const SCHEMA: &str = "RemediationSummary";
        let typed = types::RemediationSummary {
            call_purpose: self.call_purpose.clone(),
            created_at: self.created_at,
            id: uuid(SCHEMA, "id", &self.id)?,
            phone_numbers_count: self.phone_numbers.len() as u64,
            status: parse(SCHEMA, "status", self.status.as_str())?,
            tier1_completed_at: self.tier1_completed_at,
            tier2_completed_at: self.tier2_completed_at,
            updated_at: self.updated_at,
        };
        contract_json(SCHEMA, &typed)
    }
}

impl ExternalVerification {
    /// The payload of `number_reputation.external_verification.status_changed`
    /// (`ExternalVerificationStatusChangedPayload`), decided at `at`.
    pub fn event_payload(&self, enterprise_id: &str, at: DateTime<Utc>) -> Result<Value, ApiError> {
        const SCHEMA: &str = "ExternalVerificationStatusChangedPayload";
        let typed = types::ExternalVerificationStatusChangedPayload {
            enterprise_id: uuid(SCHEMA, "enterprise_id", enterprise_id)?,
            record_type: "reputation_external_verification".into(),
            rejection_reason: self.review.rejection_reasons.as_ref().map(|r| r.join("; ")),
            reviewed_at: at,
            status: self.review.gate.as_str().to_string(),
        };
        contract_json(SCHEMA, &typed)
    }

    /// `ExternalVerification`, through the contract's type.
    pub fn to_json(&self, enterprise_id: &str) -> Result<Value, ApiError> {
        const SCHEMA: &str = "ExternalVerification";
        let typed = types::ExternalVerification {
            document_ids: self.document_ids.clone(),
            enterprise_id: Some(uuid(SCHEMA, "enterprise_id", enterprise_id)?),
            phone_numbers: self.phone_numbers.clone(),
            rejection_reason: self.review.rejection_reasons.as_ref().map(|r| r.join("; ")),
            reviewed_at: self.review.decided_at,
            status: Some(parse(SCHEMA, "status", self.review.gate.as_str())?),
            submitted_at: Some(self.submitted_at),
        };
        contract_json(SCHEMA, &typed)
    }
}

impl Enterprise {
    /// The contract's `Enterprise`: the stored client fields and the emulator's own, read into
    /// the generated type (which keeps only the fields it has and refuses a missing required
    /// one) and written from it.
    pub fn to_json(&self) -> Result<Value, ApiError> {
        const SCHEMA: &str = "Enterprise";
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
        map.insert("created_at".into(), json!(timestamp(self.created_at)));
        map.insert("updated_at".into(), json!(timestamp(self.updated_at)));
        let typed: types::Enterprise =
            serde_json::from_value(Value::Object(map)).map_err(|e| off_contract(SCHEMA, e))?;
        contract_json(SCHEMA, &typed)
    }
}

impl Numbers {
    /// The JSON of `number`'s record, rendered once and reused until the record changes.
    pub fn json_of(&self, number: &str) -> Option<&[u8]> {
        self.get(number).map(NumberRecord::rendered)
    }

    /// The JSON of every record, in registration order (see [`Numbers::json_of`]).
    pub fn json_in_order(&self) -> impl Iterator<Item = &[u8]> {
        self.values().map(NumberRecord::rendered)
    }
}

impl Document {
    /// `DocServiceDocument`, through the contract's type. The emulator has no document
    /// review, so a document stays `pending` (the only time it is shown is the upload answer).
    pub fn to_json(&self) -> Result<Value, ApiError> {
        const SCHEMA: &str = "Document";
        let typed = types::Document {
            av_scan_status: Some(parse(SCHEMA, "av_scan_status", "scanned")?),
            content_type: Some(self.content_type.clone()),
            created_at: Some(self.created_at),
            customer_reference: self.customer_reference.clone(),
            filename: Some(self.filename.clone()),
            id: uuid(SCHEMA, "id", &self.id)?,
            record_type: Some("document".to_string()),
            sha256: Some(self.sha256.clone()),
            size: Some(types::DocumentSize {
                amount: Some(self.size as u64),
                unit: Some("bytes".to_string()),
            }),
            status: Some(parse(SCHEMA, "status", "pending")?),
            updated_at: Some(self.created_at),
        };
        contract_json(SCHEMA, &typed)
    }
}

impl TosAgreement {
    /// `TosAgreement`, through the contract's type.
    pub fn to_json(&self) -> Result<Value, ApiError> {
        const SCHEMA: &str = "TosAgreement";
        let typed = types::TosAgreement {
            agreed_at: self.agreed_at,
            created_at: Some(self.agreed_at),
            id: uuid(SCHEMA, "id", &self.id)?,
            product_type: parse(SCHEMA, "product_type", &self.product_type)?,
            terms_version: self.terms_version.clone(),
            version: self.terms_version.clone(),
        };
        contract_json(SCHEMA, &typed)
    }
}

/// `ReputationNumber`, serialised straight from the record (no `Value` tree, no owned copy:
/// the hot path of number pages). Not built from the generated type for speed; the test
/// `number_views_are_the_contracts` proves it writes exactly what `types::ReputationNumber`
/// writes (same fields, same omissions, same values) for every shape a record takes.
#[derive(Serialize)]
pub struct NumberView<'a> {
    id: &'a str,
    enterprise_id: &'a str,
    phone_number: &'a str,
    reputation_data: Option<ProfileView<'a>>,
    source: &'static str,
    ownership_status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirm_by: Option<Stamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    removal_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_at: Option<Stamp>,
    created_at: Stamp,
    updated_at: Stamp,
}

/// `reputation_data`.
#[derive(Serialize)]
pub struct ProfileView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    spam_risk: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spam_category: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maturity_score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    engagement_score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentiment_score: Option<i64>,
    last_refreshed_at: Stamp,
}

impl NumberView<'_> {
    /// The view's JSON: the very bytes `serde_json::to_writer` writes for it (the test
    /// `written_views_are_serde_jsons_bytes` holds them equal), written straight, the keys
    /// as literals and text that needs no escaping copied as it is. Rendering a new record
    /// was most of what adding a batch cost the emulator, all of it under the state lock.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"id\":");
        text(out, self.id);
        out.extend_from_slice(b",\"enterprise_id\":");
        text(out, self.enterprise_id);
        out.extend_from_slice(b",\"phone_number\":");
        text(out, self.phone_number);
        out.extend_from_slice(b",\"reputation_data\":");
        match &self.reputation_data {
            Some(profile) => profile.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"source\":");
        text(out, self.source);
        out.extend_from_slice(b",\"ownership_status\":");
        text(out, self.ownership_status);
        if let Some(at) = self.confirm_by {
            out.extend_from_slice(b",\"confirm_by\":");
            at.write_json(out);
        }
        if let Some(reason) = self.flag_reason {
            out.extend_from_slice(b",\"flag_reason\":");
            text(out, reason);
        }
        if let Some(reason) = self.removal_reason {
            out.extend_from_slice(b",\"removal_reason\":");
            text(out, reason);
        }
        if let Some(at) = self.removed_at {
            out.extend_from_slice(b",\"removed_at\":");
            at.write_json(out);
        }
        out.extend_from_slice(b",\"created_at\":");
        let created = out.len();
        self.created_at.write_json(out);
        let created = created..out.len();
        out.extend_from_slice(b",\"updated_at\":");
        if self.updated_at == self.created_at {
            // As for every record just added: the same text again.
            out.extend_from_within(created);
        } else {
            self.updated_at.write_json(out);
        }
        out.push(b'}');
    }
}

impl ProfileView<'_> {
    /// `reputation_data` as [`NumberView::write_json`] writes it.
    fn write_json(&self, out: &mut Vec<u8>) {
        // `{` then each present field, a comma before all but the first.
        let mut next = b'{';
        let mut key = |out: &mut Vec<u8>, name: &str| {
            out.push(next);
            next = b',';
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
        };
        if let Some(risk) = self.spam_risk {
            key(out, "spam_risk");
            text(out, risk);
        }
        if let Some(category) = self.spam_category {
            key(out, "spam_category");
            text(out, category);
        }
        for (name, score) in [
            ("maturity_score", self.maturity_score),
            ("connection_score", self.connection_score),
            ("engagement_score", self.engagement_score),
            ("sentiment_score", self.sentiment_score),
        ] {
            if let Some(score) = score {
                key(out, name);
                // Writing into a `Vec` cannot fail.
                let _ = write!(out, "{score}");
            }
        }
        key(out, "last_refreshed_at");
        self.last_refreshed_at.write_json(out);
        out.push(b'}');
    }
}

/// `value` as a JSON string: copied between quotes when nothing in it needs escaping
/// (what `serde_json` escapes: control characters, `"` and `\\`), else through `serde_json`.
fn text(out: &mut Vec<u8>, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        // Writing a string into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Profile;
    use crate::model::{HistoryEvent, Registration};
    use chrono::{TimeZone, Utc};

    fn record(number: &str) -> NumberRecord {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("t");
        NumberRecord::registered(
            Registration {
                id: "0b7d8e0a-0d1c-4c55-9b7a-1f0f5d7b9c11".into(),
                enterprise_id: "7f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a00".into(),
                phone_number: number.into(),
                seq: 1,
                reverify_at: None,
            },
            at,
        )
    }

    /// Every shape: never looked up, looked up with data, looked up without, flagged with a
    /// deadline, removed.
    fn shapes() -> Vec<NumberRecord> {
        let at = Utc
            .timestamp_opt(1_780_000_000, 120_000_000)
            .single()
            .expect("t");
        let mut looked_up = record("+13125550101");
        looked_up.cached = Some((Some(Profile::at_epoch(7, "+13125550101", 0)), at));
        let mut no_data = record("+13125550102");
        no_data.cached = Some((None, at));
        let mut flagged = record("+13125550103");
        flagged.ownership_status = "pending_confirmation".into();
        flagged.flag_reason = Some("carrier_changed".into());
        flagged.confirm_by = Some(at);
        let mut removed = record("+13125550104");
        removed.ownership_status = "removed".into();
        removed.removal_reason = Some("customer_removed".into());
        removed.removed_at = Some(at);
        removed
            .history
            .push(HistoryEvent::new("removed", at, "customer_removed"));
        vec![record("+13125550100"), looked_up, no_data, flagged, removed]
    }

    /// The direct writer gives `serde_json`'s bytes for every shape, including text that
    /// must be escaped and a timestamp outside the four-digit years.
    #[test]
    fn written_views_are_serde_jsons_bytes() {
        let mut records = shapes();
        // Free text with each character `serde_json` escapes, alone, and text it does not.
        let texts = [
            "say \"hi\"",
            "back\\slash",
            "new\nline",
            "\u{0}",
            "\u{1f}",
            "\u{7f} é ✓",
        ];
        for (i, text) in texts.into_iter().enumerate() {
            let mut odd = record(&format!("+1312555011{i}"));
            odd.ownership_status = "flagged".into();
            odd.flag_reason = Some(text.into());
            odd.removal_reason = Some(text.into());
            let mut profile = Profile::at_epoch(3, &odd.phone_number, 0);
            profile.spam_category = Some(text.into());
            profile.spam_risk = None;
            profile.maturity_score = Some(-7);
            profile.connection_score = None;
            odd.cached = Some((Some(profile), odd.created_at));
            records.push(odd);
        }
        let mut far = record("+13125550120");
        far.removed_at = Some(
            Utc.with_ymd_and_hms(12_345, 1, 2, 3, 4, 5)
                .single()
                .expect("t"),
        );
        records.push(far);
        for record in records {
            let mut written = Vec::new();
            record.view().write_json(&mut written);
            let derived = serde_json::to_vec(&record.view()).expect("a view serialises");
            assert_eq!(
                String::from_utf8(written).expect("UTF-8"),
                String::from_utf8(derived).expect("UTF-8"),
                "{}",
                record.phone_number
            );
        }
    }

    #[test]
    fn number_views_are_the_contracts() {
        for record in shapes() {
            let view = serde_json::to_value(record.view()).expect("a view serialises");
            let typed: types::ReputationNumber =
                serde_json::from_value(view.clone()).expect("the contract reads the view");
            let written = crate::wire::to_value(&typed).expect("the contract's type serialises");
            assert_eq!(view, written, "{}", record.phone_number);
            // And the kept rendering is the same text.
            assert_eq!(
                serde_json::from_slice::<Value>(record.rendered()).expect("kept JSON parses"),
                written
            );
        }
    }

    #[test]
    fn ownership_views_come_from_the_contracts_type() {
        for record in shapes() {
            let view = record.ownership_json().expect("fits the contract");
            let typed: types::NumberOwnership =
                serde_json::from_value(view.clone()).expect("the contract reads it");
            assert_eq!(
                typed.phone_number.as_deref(),
                Some(record.phone_number.as_str())
            );
            assert_eq!(
                view["baseline_recorded_at"], "2026-12-01T09:00:00.000000Z",
                "the API's timestamp format"
            );
        }
        let mut odd = record("+13125550109");
        odd.id = "not-a-uuid".into();
        let err = serde_json::to_value(odd.view()).expect("the fast view writes anything");
        assert!(serde_json::from_value::<types::ReputationNumber>(err).is_err());
    }
}
