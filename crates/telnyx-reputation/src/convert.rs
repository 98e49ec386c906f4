//! The one place generated-client types become facade types (and facade request structs
//! become generated bodies). Hot paths (numbers, pages) move fields one by one; large,
//! rarely used shapes (enterprises, request bodies) go through `serde_json::Value`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use telnyx_reputation_api::types as g;

use crate::Error;
use crate::enums::*;
use crate::error::undecodable_model;
use crate::models::*;

/// Re-shape `value` through JSON. A failure means the shapes disagree: for request bodies
/// the input was invalid, for responses the server sent something unexpected.
fn via_json<A: Serialize, B: DeserializeOwned>(value: &A) -> Result<B, serde_json::Error> {
    serde_json::from_value(serde_json::to_value(value)?)
}

/// Build a generated request body from a facade request struct.
pub(crate) fn request_body<A: Serialize, B: DeserializeOwned>(
    field: &str,
    value: &A,
) -> Result<B, Error> {
    via_json(value).map_err(|e| Error::invalid(format!("{field}: {e}")))
}

fn response<A: Serialize, B: DeserializeOwned>(value: &A) -> Result<B, Error> {
    via_json(value).map_err(undecodable_model)
}

pub(crate) fn enterprise(e: g::Enterprise) -> Result<Enterprise, Error> {
    response(&e)
}

pub(crate) fn document(d: g::Document) -> Document {
    Document {
        id: d.id.to_string(),
        filename: d.filename,
        content_type: d.content_type,
        size: d.size.map(|s| DocumentSize {
            amount: s.amount,
            unit: s.unit,
        }),
        sha256: d.sha256,
        status: d.status.map(|s| s.0),
        av_scan_status: d.av_scan_status.map(|s| s.0),
        customer_reference: d.customer_reference,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

pub(crate) fn settings(s: g::ReputationSettings) -> ReputationSettings {
    ReputationSettings {
        enterprise_id: s.enterprise_id.to_string(),
        status: ReputationStatus::from_wire(&s.status.0),
        loa_status: GateStatus::from_wire(&s.loa_status.0),
        check_frequency: CheckFrequency::from_wire(&s.check_frequency.0),
        loa_document_id: s.loa_document_id.map(|id| id.to_string()),
        rejection_reasons: s.rejection_reasons.unwrap_or_default(),
        external_verification_status: s
            .external_verification_status
            .map(|v| GateStatus::from_wire(&v.0)),
        webhook_url: s.webhook_url,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

fn reputation_data(d: g::ReputationData) -> ReputationData {
    ReputationData {
        spam_risk: d.spam_risk.map(|r| SpamRisk::from_wire(&r.0)),
        spam_category: d.spam_category,
        maturity_score: d.maturity_score,
        connection_score: d.connection_score,
        engagement_score: d.engagement_score,
        sentiment_score: d.sentiment_score,
        last_refreshed_at: d.last_refreshed_at,
    }
}

pub(crate) fn number(n: g::ReputationNumber) -> ReputationNumber {
    ReputationNumber {
        id: n.id.to_string(),
        enterprise_id: n.enterprise_id.to_string(),
        phone_number: n.phone_number,
        reputation_data: n.reputation_data.map(reputation_data),
        source: n.source.map(|s| NumberSource::from_wire(&s.0)),
        ownership_status: n.ownership_status.map(|s| OwnershipStatus::from_wire(&s.0)),
        flag_reason: n.flag_reason,
        confirm_by: n.confirm_by,
        removal_reason: n.removal_reason.map(|r| RemovalReason::from_wire(&r.0)),
        removed_at: n.removed_at,
        created_at: n.created_at,
        updated_at: n.updated_at,
    }
}

pub(crate) fn numbers(list: Vec<g::ReputationNumber>) -> Vec<ReputationNumber> {
    list.into_iter().map(number).collect()
}

pub(crate) fn meta(m: g::PaginationMeta) -> PageMeta {
    PageMeta {
        page_number: m.page_number.get(),
        page_size: m.page_size,
        total_pages: m.total_pages,
        total_results: m.total_results,
    }
}

pub(crate) fn refresh(r: g::RefreshResult) -> RefreshOutcome {
    RefreshOutcome {
        results: r
            .results
            .into_iter()
            .map(|i| RefreshResult {
                phone_number: i.phone_number,
                success: i.success,
                error: i.error,
            })
            .collect(),
        total_requested: r.total_requested,
        total_successful: r.total_successful,
        total_failed: r.total_failed,
    }
}

pub(crate) fn ownership(o: g::NumberOwnership) -> NumberOwnership {
    NumberOwnership {
        phone_number: o.phone_number,
        source: o.source.map(|s| NumberSource::from_wire(&s.0)),
        ownership_status: o.ownership_status.map(|s| OwnershipStatus::from_wire(&s.0)),
        flag_reason: o.flag_reason,
        confirm_by: o.confirm_by,
        baseline_carrier: o.baseline_carrier,
        baseline_recorded_at: o.baseline_recorded_at,
        last_checked_at: o.last_checked_at,
        history: o
            .history
            .into_iter()
            .map(|h| OwnershipEvent {
                event_type: h.event_type,
                occurred_at: h.occurred_at,
                outcome: h.outcome,
            })
            .collect(),
    }
}

pub(crate) fn remediation_results(r: g::RemediationResults) -> RemediationResults {
    RemediationResults {
        remediated: r.remediated,
        not_flagged: r.not_flagged,
        requires_review: r.requires_review,
        ineligible: r.ineligible,
        refused: r.refused,
    }
}

pub(crate) fn remediation(r: g::Remediation) -> Remediation {
    Remediation {
        id: r.id.to_string(),
        status: RemediationStatus::from_wire(&r.status.0),
        phone_numbers_count: r.phone_numbers_count,
        phone_numbers_submitted: r.phone_numbers_submitted,
        phone_numbers_ineligible: r.phone_numbers_ineligible,
        call_purpose: r.call_purpose,
        contact_email: r.contact_email,
        webhook_url: r.webhook_url,
        tier1_completed_at: r.tier1_completed_at,
        tier2_completed_at: r.tier2_completed_at,
        results: r.results.map(remediation_results),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub(crate) fn remediation_summary(r: g::RemediationSummary) -> RemediationSummary {
    RemediationSummary {
        id: r.id.to_string(),
        status: RemediationStatus::from_wire(&r.status.0),
        phone_numbers_count: r.phone_numbers_count,
        call_purpose: r.call_purpose,
        tier1_completed_at: r.tier1_completed_at,
        tier2_completed_at: r.tier2_completed_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub(crate) fn external_verification(v: g::ExternalVerification) -> ExternalVerification {
    ExternalVerification {
        enterprise_id: v.enterprise_id.map(|id| id.to_string()),
        status: v.status.map(|s| GateStatus::from_wire(&s.0)),
        document_ids: v.document_ids,
        phone_numbers: v.phone_numbers,
        rejection_reason: v.rejection_reason,
        submitted_at: v.submitted_at,
        reviewed_at: v.reviewed_at,
    }
}

pub(crate) fn agreement(a: g::TosAgreement) -> TosAgreement {
    TosAgreement {
        id: a.id.to_string(),
        product_type: ProductType::from_wire(&a.product_type.0),
        version: a.version,
        terms_version: a.terms_version,
        agreed_at: a.agreed_at,
        created_at: a.created_at,
    }
}

pub(crate) fn tos_status(s: g::TosStatus) -> TosStatus {
    TosStatus {
        product_type: ProductType::from_wire(&s.product_type.0),
        has_agreed: s.has_agreed,
        agreement_required: s.agreement_required,
        current_terms_version: s.current_terms_version,
        agreed_version: s.agreed_version,
        agreed_at: s.agreed_at,
    }
}

pub(crate) fn terms_info(t: g::TosTermsInfo) -> TermsInfo {
    TermsInfo {
        product_type: t.product_type.map(|p| ProductType::from_wire(&p.0)),
        current_version: t.current_version,
        description: t.description,
        effective_date: t.effective_date,
        terms_url: t.terms_url,
    }
}

pub(crate) fn frequency(f: &CheckFrequency) -> g::CheckFrequency {
    g::CheckFrequency(f.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_converts_field_by_field() {
        let wire = serde_json::json!({
            "id": "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62",
            "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
            "phone_number": "+12025551234",
            "reputation_data": {"spam_risk": "critical", "maturity_score": 82,
                                "last_refreshed_at": "2026-04-26T18:09:24.785211Z"},
            "created_at": "2026-04-26T18:06:51.940749Z",
            "updated_at": "2026-04-26T18:09:24.785211Z"
        });
        let generated: g::ReputationNumber = serde_json::from_value(wire).unwrap();
        let n = number(generated);
        assert_eq!(n.phone_number, "+12025551234");
        let data = n.reputation_data.unwrap();
        assert_eq!(data.spam_risk, Some(SpamRisk::Unknown("critical".into())));
        assert_eq!(data.maturity_score, Some(82));
    }

    #[test]
    fn invalid_request_body_is_invalid_input() {
        let update = EnterpriseUpdate {
            legal_name: Some("ab".into()),
            ..EnterpriseUpdate::default()
        };
        let e = request_body::<_, g::EnterpriseReplace>("enterprise", &update).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }
}
