//! The JavaScript shapes of the facade's models: plain objects with camelCase keys, typed in
//! the generated `index.d.ts`. Each mirrors the facade type of the same name field by field
//! (snake_case in Rust, the API's names, so `convert` moves values across through serde).
//! Enum fields are strings, so values this version does not know arrive unchanged.
//! Nothing here validates or defaults: inputs are checked by the facade.

use napi_derive::napi;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// A postal address.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct PhysicalAddress {
    /// Street and number.
    pub street_address: String,
    /// Suite, floor, etc.
    pub extended_address: Option<String>,
    /// City.
    pub city: String,
    /// State or province, e.g. `IL`.
    pub administrative_area: String,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code, e.g. `US`.
    pub country: String,
}

/// Who receives invoices for the enterprise.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct BillingContact {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// E.164 phone number.
    pub phone_number: String,
}

/// The enterprise's authorised representative.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct OrganizationContact {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// Job title.
    pub job_title: String,
    /// E.164 phone number.
    pub phone_number: String,
}

/// An enterprise (the business whose numbers are monitored).
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct Enterprise {
    /// Enterprise id (a UUID).
    pub id: String,
    /// Registered legal name.
    pub legal_name: String,
    /// Trading name.
    pub doing_business_as: String,
    /// `commercial`, `government`, `non_profit`, ... (unknown values kept as sent).
    pub organization_type: String,
    /// `llc`, `corporation`, `partnership`, ... (unknown values kept as sent).
    pub organization_legal_type: String,
    /// Two-letter country code.
    pub country_code: String,
    /// Where the business is incorporated.
    pub jurisdiction_of_incorporation: String,
    /// Website URL.
    pub website: String,
    /// US federal employer identification number.
    pub fein: String,
    /// Industry.
    pub industry: String,
    /// Head-count band, e.g. `51-200`.
    pub number_of_employees: String,
    /// Authorised representative.
    pub organization_contact: OrganizationContact,
    /// Billing contact.
    pub billing_contact: BillingContact,
    /// Physical address.
    pub organization_physical_address: PhysicalAddress,
    /// Billing address.
    pub billing_address: PhysicalAddress,
    /// Corporate registration number.
    pub corporate_registration_number: Option<String>,
    /// Your own reference.
    pub customer_reference: Option<String>,
    /// D-U-N-S number.
    pub dun_bradstreet_number: Option<String>,
    /// SIC code of the primary business domain.
    pub primary_business_domain_sic_code: Option<String>,
    /// Professional licence number.
    pub professional_license_number: Option<String>,
    /// `enterprise` or `bpo`.
    pub role_type: Option<String>,
    /// Whether Number Reputation is enabled.
    pub number_reputation_enabled: Option<bool>,
    /// Whether Branded Calling is enabled.
    pub branded_calling_enabled: Option<bool>,
    /// BPO verification gate.
    pub bpo_verification_status: Option<String>,
    /// Why BPO verification was rejected.
    pub bpo_verification_rejection_reason: Option<String>,
    /// ISO 8601 creation time.
    pub created_at: String,
    /// ISO 8601 last change.
    pub updated_at: String,
}

/// The fields of `enterprises.create(..)`.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct NewEnterprise {
    /// Registered legal name (3 to 64 characters).
    pub legal_name: String,
    /// Trading name.
    pub doing_business_as: String,
    /// `commercial`, `government`, `non_profit`, ...
    pub organization_type: String,
    /// `llc`, `corporation`, `partnership`, ...
    pub organization_legal_type: String,
    /// Two-letter country code.
    pub country_code: String,
    /// Where the business is incorporated.
    pub jurisdiction_of_incorporation: String,
    /// Website URL.
    pub website: String,
    /// US federal employer identification number.
    pub fein: String,
    /// Industry.
    pub industry: String,
    /// Head-count band, e.g. `51-200`.
    pub number_of_employees: String,
    /// Authorised representative.
    pub organization_contact: OrganizationContact,
    /// Billing contact.
    pub billing_contact: BillingContact,
    /// Physical address.
    pub organization_physical_address: PhysicalAddressInput,
    /// Billing address.
    pub billing_address: PhysicalAddressInput,
    /// Corporate registration number.
    pub corporate_registration_number: Option<String>,
    /// Your own reference.
    pub customer_reference: Option<String>,
    /// D-U-N-S number.
    pub dun_bradstreet_number: Option<String>,
    /// SIC code of the primary business domain.
    pub primary_business_domain_sic_code: Option<String>,
    /// Professional licence number.
    pub professional_license_number: Option<String>,
    /// `enterprise` or `bpo`.
    pub role_type: Option<String>,
}

/// A postal address as an input (`extendedAddress` may be left out).
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct PhysicalAddressInput {
    /// Street and number.
    pub street_address: String,
    /// Suite, floor, etc.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_address: Option<String>,
    /// City.
    pub city: String,
    /// State or province, e.g. `IL`.
    pub administrative_area: String,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code, e.g. `US`.
    pub country: String,
}

/// The fields of `enterprises.replace(id, ..)`; those left out are not changed.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct EnterpriseUpdate {
    /// Registered legal name (3 to 64 characters).
    pub legal_name: Option<String>,
    /// Trading name.
    pub doing_business_as: Option<String>,
    /// `llc`, `corporation`, `partnership`, ...
    pub organization_legal_type: Option<String>,
    /// Where the business is incorporated.
    pub jurisdiction_of_incorporation: Option<String>,
    /// Website URL.
    pub website: Option<String>,
    /// US federal employer identification number.
    pub fein: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Head-count band, e.g. `51-200`.
    pub number_of_employees: Option<String>,
    /// Authorised representative.
    pub organization_contact: Option<OrganizationContact>,
    /// Billing contact.
    pub billing_contact: Option<BillingContact>,
    /// Physical address.
    pub organization_physical_address: Option<PhysicalAddressInput>,
    /// Billing address.
    pub billing_address: Option<PhysicalAddressInput>,
    /// Corporate registration number.
    pub corporate_registration_number: Option<String>,
    /// Your own reference.
    pub customer_reference: Option<String>,
    /// D-U-N-S number.
    pub dun_bradstreet_number: Option<String>,
    /// SIC code of the primary business domain.
    pub primary_business_domain_sic_code: Option<String>,
    /// Professional licence number.
    pub professional_license_number: Option<String>,
}

/// Number Reputation settings of an enterprise, with both approval gates.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct ReputationSettings {
    /// Enterprise id.
    pub enterprise_id: String,
    /// Activation gate: `pending`, `approved`, `rejected`, ...
    pub status: String,
    /// LOA review gate: `pending`, `approved`, `rejected`.
    pub loa_status: String,
    /// `business_daily`, `daily`, `weekly`, `biweekly`, `monthly` or `never`.
    pub check_frequency: String,
    /// The signed LOA's document id.
    pub loa_document_id: Option<String>,
    /// Why a gate was rejected.
    pub rejection_reasons: Vec<String>,
    /// External verification gate.
    pub external_verification_status: Option<String>,
    /// Where reputation events are delivered.
    pub webhook_url: Option<String>,
    /// ISO 8601 creation time.
    pub created_at: String,
    /// ISO 8601 last change.
    pub updated_at: String,
}

/// A number's reputation snapshot; every field is `null` when there is not enough data.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct ReputationData {
    /// `low`, `medium` or `high`.
    pub spam_risk: Option<String>,
    /// Category label when flagged (an opaque string).
    pub spam_category: Option<String>,
    /// 0-100.
    pub maturity_score: Option<i64>,
    /// 0-100.
    pub connection_score: Option<i64>,
    /// 0-100.
    pub engagement_score: Option<i64>,
    /// 0-100.
    pub sentiment_score: Option<i64>,
    /// ISO 8601 time of the last refresh.
    pub last_refreshed_at: Option<String>,
}

/// A monitored phone number.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct ReputationNumber {
    /// Registration id.
    pub id: String,
    /// Enterprise id.
    pub enterprise_id: String,
    /// E.164 number.
    pub phone_number: String,
    /// The latest snapshot; `null` until the first refresh.
    pub reputation_data: Option<ReputationData>,
    /// `telnyx` or `external`.
    pub source: Option<String>,
    /// Ownership state, e.g. `verified` or `flagged`.
    pub ownership_status: Option<String>,
    /// Why ownership was flagged.
    pub flag_reason: Option<String>,
    /// ISO 8601 deadline for confirming ownership.
    pub confirm_by: Option<String>,
    /// Why the number was removed.
    pub removal_reason: Option<String>,
    /// ISO 8601 removal time.
    pub removed_at: Option<String>,
    /// ISO 8601 registration time.
    pub created_at: String,
    /// ISO 8601 last change.
    pub updated_at: String,
}

/// The outcome of refreshing one number.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct RefreshResult {
    /// E.164 number.
    pub phone_number: String,
    /// Whether the refresh succeeded.
    pub success: bool,
    /// Why it failed.
    pub error: Option<String>,
}

/// The outcome of `numbers.refresh(..)`.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct RefreshOutcome {
    /// One result per number.
    pub results: Vec<RefreshResult>,
    /// Numbers asked for.
    pub total_requested: i64,
    /// Numbers refreshed.
    pub total_successful: i64,
    /// Numbers that failed.
    pub total_failed: i64,
}

/// One batch of `numbers.addAll(..)` that failed. Batches are atomic: when the server
/// answered with an error none of its numbers were added, so resend `numbers` once the cause
/// is fixed. When `outcomeUnknown` is true the batch was sent and its answer lost, so it may
/// have been added: look its numbers up before resending.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct BatchFailure {
    /// 0-based position of the batch: it held input numbers `100 * batchIndex` onwards.
    pub batch_index: u32,
    /// The numbers of the batch.
    pub numbers: Vec<String>,
    /// The stable error code, e.g. `UNPROCESSABLE` (the `code` a thrown error would have).
    pub error_kind: String,
    /// The error message.
    pub message: String,
    /// HTTP status, when the batch got an error response.
    pub status: Option<u32>,
    /// The server's request id, when it sent one.
    pub request_id: Option<String>,
    /// The API's `errors[]` (empty when there was none).
    pub api_errors: Vec<ApiError>,
    /// True when the batch was sent and its answer lost: it may have been added.
    pub outcome_unknown: bool,
}

/// What `numbers.addAll(..)` did: every input number is in `added` or in one entry of
/// `failed` (empty when every batch was added), so nothing is silently dropped.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct BulkAddReport {
    /// The registered numbers, in input order.
    pub added: Vec<ReputationNumber>,
    /// The batches that were not added, in batch order.
    pub failed: Vec<BatchFailure>,
}

/// One entry of a number's ownership history.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct OwnershipEvent {
    /// What happened.
    pub event_type: Option<String>,
    /// ISO 8601 time.
    pub occurred_at: Option<String>,
    /// The result.
    pub outcome: Option<String>,
}

/// Ownership tracking of a monitored number.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct NumberOwnership {
    /// E.164 number.
    pub phone_number: Option<String>,
    /// `telnyx` or `external`.
    pub source: Option<String>,
    /// Ownership state.
    pub ownership_status: Option<String>,
    /// Why ownership was flagged.
    pub flag_reason: Option<String>,
    /// ISO 8601 deadline for confirming ownership.
    pub confirm_by: Option<String>,
    /// Carrier recorded at registration.
    pub baseline_carrier: Option<String>,
    /// ISO 8601 time the baseline was recorded.
    pub baseline_recorded_at: Option<String>,
    /// ISO 8601 time of the last check.
    pub last_checked_at: Option<String>,
    /// Ownership history.
    pub history: Vec<OwnershipEvent>,
}

/// Per-number results of a finished remediation.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct RemediationResults {
    /// Numbers remediated.
    pub remediated: Vec<String>,
    /// Numbers that were not flagged.
    pub not_flagged: Vec<String>,
    /// Numbers needing manual review.
    pub requires_review: Vec<String>,
    /// Numbers not eligible.
    pub ineligible: Vec<String>,
    /// Numbers the networks refused.
    pub refused: Vec<String>,
}

/// A remediation request.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct Remediation {
    /// Remediation id.
    pub id: String,
    /// `pending`, `tier1_complete`, `completed`, ...
    pub status: String,
    /// Numbers in the request.
    pub phone_numbers_count: i64,
    /// Numbers submitted to the networks.
    pub phone_numbers_submitted: i64,
    /// Numbers not eligible.
    pub phone_numbers_ineligible: i64,
    /// How the numbers are used.
    pub call_purpose: String,
    /// Contact email.
    pub contact_email: Option<String>,
    /// Notification URL.
    pub webhook_url: Option<String>,
    /// ISO 8601 end of the first stage.
    pub tier1_completed_at: Option<String>,
    /// ISO 8601 end of the second stage.
    pub tier2_completed_at: Option<String>,
    /// Per-number results once finished.
    pub results: Option<RemediationResults>,
    /// ISO 8601 creation time.
    pub created_at: String,
    /// ISO 8601 last change.
    pub updated_at: String,
}

/// A remediation request as listed.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct RemediationSummary {
    /// Remediation id.
    pub id: String,
    /// `pending`, `tier1_complete`, `completed`, ...
    pub status: String,
    /// Numbers in the request.
    pub phone_numbers_count: i64,
    /// How the numbers are used.
    pub call_purpose: String,
    /// ISO 8601 end of the first stage.
    pub tier1_completed_at: Option<String>,
    /// ISO 8601 end of the second stage.
    pub tier2_completed_at: Option<String>,
    /// ISO 8601 creation time.
    pub created_at: String,
    /// ISO 8601 last change.
    pub updated_at: String,
}

/// The fields of `remediation.submit(..)`.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct RemediationRequest {
    /// 1 to 2,000 US E.164 numbers of this enterprise.
    pub phone_numbers: Vec<String>,
    /// How the numbers are used.
    pub call_purpose: String,
    /// Contact email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// `https://` URL for status notifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

/// Ownership evidence for externally hosted numbers.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct ExternalVerification {
    /// Enterprise id.
    pub enterprise_id: Option<String>,
    /// `pending`, `approved` or `rejected`.
    pub status: Option<String>,
    /// Uploaded evidence documents.
    pub document_ids: Vec<String>,
    /// Numbers covered.
    pub phone_numbers: Vec<String>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// ISO 8601 submission time.
    pub submitted_at: Option<String>,
    /// ISO 8601 review time.
    pub reviewed_at: Option<String>,
}

/// A recorded terms-of-service agreement.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct TosAgreement {
    /// Agreement id.
    pub id: String,
    /// `number_reputation` or `branded_calling`.
    pub product_type: String,
    /// Agreement version.
    pub version: String,
    /// Terms version agreed to.
    pub terms_version: String,
    /// ISO 8601 agreement time.
    pub agreed_at: String,
    /// ISO 8601 creation time.
    pub created_at: Option<String>,
}

/// Whether the account agreed to a product's current terms.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct TosStatus {
    /// `number_reputation` or `branded_calling`.
    pub product_type: String,
    /// Whether the current terms were agreed to.
    pub has_agreed: bool,
    /// Whether an agreement is required.
    pub agreement_required: bool,
    /// Current terms version.
    pub current_terms_version: String,
    /// Version agreed to.
    pub agreed_version: Option<String>,
    /// ISO 8601 agreement time.
    pub agreed_at: Option<String>,
}

/// The current terms of one product.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct TermsInfo {
    /// `number_reputation` or `branded_calling`.
    pub product_type: Option<String>,
    /// Current version.
    pub current_version: Option<String>,
    /// Summary.
    pub description: Option<String>,
    /// ISO 8601 date the terms took effect.
    pub effective_date: Option<String>,
    /// Where to read the terms.
    pub terms_url: Option<String>,
}

/// Size of a stored document.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct DocumentSize {
    /// Amount in `unit`.
    pub amount: Option<i64>,
    /// Unit, e.g. `bytes`.
    pub unit: Option<String>,
}

/// A stored document; its `id` is what `loaDocumentId` and `documentIds` take.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct Document {
    /// Document id (a UUID).
    pub id: String,
    /// File name.
    pub filename: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Size.
    pub size: Option<DocumentSize>,
    /// SHA-256 of the content, hex.
    pub sha256: Option<String>,
    /// Review state, e.g. `pending`.
    pub status: Option<String>,
    /// Antivirus scan state.
    pub av_scan_status: Option<String>,
    /// Your own reference.
    pub customer_reference: Option<String>,
    /// ISO 8601 upload time.
    pub created_at: Option<String>,
    /// ISO 8601 last change.
    pub updated_at: Option<String>,
}

/// Where a page sits in a list.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct PageMeta {
    /// 1-based page number.
    pub page_number: i64,
    /// Items actually returned in this page.
    pub page_size: i64,
    /// Total pages.
    pub total_pages: i64,
    /// Total items across pages.
    pub total_results: i64,
}

/// A reseller or partner block for the LOA.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct LoaAgent {
    /// Partner's legal name.
    pub legal_name: String,
    /// Partner's trading name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dba: Option<String>,
    /// Street and number.
    pub street_address: String,
    /// Suite, floor, etc.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_address: Option<String>,
    /// City.
    pub city: String,
    /// State or province.
    pub administrative_area: String,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code.
    pub country: String,
    /// Contact name.
    pub contact_name: String,
    /// Contact title.
    pub contact_title: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact E.164 phone number.
    pub contact_phone: String,
}

/// A signature image embedded in the rendered LOA.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct LoaSignature {
    /// PNG or JPEG image, base64.
    pub image_base64: String,
    /// Name printed under the signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer_name: Option<String>,
}

/// Options of `loa.render(..)`; none renders an unsigned LOA without an agent block.
#[napi(object)]
#[derive(Serialize, Deserialize)]
pub struct LoaRenderOptions {
    /// Reseller block, only when a partner manages the enterprise's numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<LoaAgent>,
    /// Signature image; when absent the PDF is unsigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<LoaSignature>,
}
