//! The facade's own data types: what methods return and the option structs they take.
//!
//! Every returned type serializes with the API's field names so the Python and Node bindings
//! convert through serde (the bulk-add report only serializes: it carries an [`Error`]). Conversions from the generated client's types live in
//! `convert`; input validation lives in `validate`.
//!
//! The response models are `#[non_exhaustive]`: the API adds fields, and so will they. Read
//! their fields (and match them with `..`); outside this crate they come from calls or from
//! their serde form, not from struct literals. The input models (`NewEnterprise` and what it
//! holds, `EnterpriseUpdate`, the LOA and remediation requests) stay exhaustive.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::Error;
use crate::enums::{
    CheckFrequency, GateStatus, NumberOfEmployees, NumberSource, OrganizationLegalType,
    OrganizationType, OwnershipStatus, ProductType, RemediationStatus, RemovalReason,
    ReputationStatus, RoleType, SpamRisk,
};

/// A list the API sends as `null` when empty.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhysicalAddress {
    /// Street and number.
    pub street_address: String,
    /// Suite, floor, etc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// An enterprise: the legal entity that represents a business on the Telnyx platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Enterprise {
    /// Enterprise id (a UUID); the `enterprise_id` of every reputation call.
    pub id: String,
    /// Registered legal name.
    pub legal_name: String,
    /// Trading name.
    pub doing_business_as: String,
    /// Kind of organisation.
    pub organization_type: OrganizationType,
    /// Legal form.
    pub organization_legal_type: OrganizationLegalType,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
    /// Where the enterprise is incorporated, e.g. `Delaware`.
    pub jurisdiction_of_incorporation: String,
    /// Public website.
    pub website: String,
    /// US Federal Employer Identification Number (`NN-NNNNNNN`).
    pub fein: String,
    /// Industry (an opaque string; the API lists about 40 values).
    pub industry: String,
    /// Head-count band.
    pub number_of_employees: NumberOfEmployees,
    /// Authorised representative.
    pub organization_contact: OrganizationContact,
    /// Billing contact.
    pub billing_contact: BillingContact,
    /// Registered address.
    pub organization_physical_address: PhysicalAddress,
    /// Billing address.
    pub billing_address: PhysicalAddress,
    /// Corporate registration number.
    #[serde(default)]
    pub corporate_registration_number: Option<String>,
    /// Your own reference.
    #[serde(default)]
    pub customer_reference: Option<String>,
    /// 9-digit D-U-N-S number.
    #[serde(default)]
    pub dun_bradstreet_number: Option<String>,
    /// 4-digit SIC code.
    #[serde(default)]
    pub primary_business_domain_sic_code: Option<String>,
    /// Professional licence number.
    #[serde(default)]
    pub professional_license_number: Option<String>,
    /// Enterprise or BPO.
    #[serde(default)]
    pub role_type: Option<RoleType>,
    /// Whether Number Reputation is enabled.
    #[serde(default)]
    pub number_reputation_enabled: Option<bool>,
    /// Whether Branded Calling is enabled.
    #[serde(default)]
    pub branded_calling_enabled: Option<bool>,
    /// BPO verification state (BPOs only).
    #[serde(default)]
    pub bpo_verification_status: Option<GateStatus>,
    /// Why BPO verification was rejected.
    #[serde(default)]
    pub bpo_verification_rejection_reason: Option<String>,
    /// When the enterprise was created.
    pub created_at: DateTime<Utc>,
    /// When the enterprise last changed.
    pub updated_at: DateTime<Utc>,
}

/// The body of `enterprises().create(..)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEnterprise {
    /// Registered legal name, 3 to 64 characters.
    pub legal_name: String,
    /// Trading name.
    pub doing_business_as: String,
    /// Kind of organisation.
    pub organization_type: OrganizationType,
    /// Legal form.
    pub organization_legal_type: OrganizationLegalType,
    /// ISO 3166-1 alpha-2 country code (`US` or `CA`).
    pub country_code: String,
    /// Where the enterprise is incorporated.
    pub jurisdiction_of_incorporation: String,
    /// Public website.
    pub website: String,
    /// Federal Employer Identification Number.
    pub fein: String,
    /// Industry, e.g. `technology`.
    pub industry: String,
    /// Head-count band.
    pub number_of_employees: NumberOfEmployees,
    /// Authorised representative.
    pub organization_contact: OrganizationContact,
    /// Billing contact.
    pub billing_contact: BillingContact,
    /// Registered address.
    pub organization_physical_address: PhysicalAddress,
    /// Billing address.
    pub billing_address: PhysicalAddress,
    /// Corporate registration number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corporate_registration_number: Option<String>,
    /// Your own reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<String>,
    /// 9-digit D-U-N-S number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dun_bradstreet_number: Option<String>,
    /// 4-digit SIC code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_business_domain_sic_code: Option<String>,
    /// Professional licence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub professional_license_number: Option<String>,
    /// Enterprise (default) or BPO; fixed at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_type: Option<RoleType>,
}

impl NewEnterprise {
    /// A builder: set the required fields (and any optional ones), then
    /// [`NewEnterpriseBuilder::build`]. Unlike a struct literal, code written with the
    /// builder keeps compiling when a later version adds an optional field.
    pub fn builder() -> NewEnterpriseBuilder {
        NewEnterpriseBuilder::default()
    }
}

/// Declare the builder's setters: required fields are kept as `Option` until `build`.
macro_rules! new_enterprise_builder {
    (
        required { $( $(#[$rmeta:meta])* $req:ident : $rty:ty ),+ $(,)? }
        optional { $( $(#[$ometa:meta])* $opt:ident : $oty:ty ),+ $(,)? }
    ) => {
        /// Builds a [`NewEnterprise`] ([`NewEnterprise::builder`]).
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct NewEnterpriseBuilder {
            $( $req: Option<$rty>, )+
            $( $opt: Option<$oty>, )+
        }

        impl NewEnterpriseBuilder {
            $(
                $(#[$rmeta])*
                pub fn $req(mut self, value: impl Into<$rty>) -> Self {
                    self.$req = Some(value.into());
                    self
                }
            )+
            $(
                $(#[$ometa])*
                pub fn $opt(mut self, value: impl Into<$oty>) -> Self {
                    self.$opt = Some(value.into());
                    self
                }
            )+

            /// The enterprise, or [`Error::InvalidInput`] naming every required field left
            /// unset. The values themselves are checked by `enterprises().create(..)`.
            pub fn build(self) -> Result<NewEnterprise, Error> {
                let missing: Vec<&str> = [$( (stringify!($req), self.$req.is_none()), )+]
                    .into_iter()
                    .filter(|(_, unset)| *unset)
                    .map(|(name, _)| name)
                    .collect();
                if !missing.is_empty() {
                    return Err(Error::invalid(format!(
                        "{}: required, not set on the NewEnterprise builder",
                        missing.join(", ")
                    )));
                }
                Ok(NewEnterprise {
                    $( $req: self.$req.expect("checked above"), )+
                    $( $opt: self.$opt, )+
                })
            }
        }
    };
}

new_enterprise_builder! {
    required {
        /// Registered legal name, 3 to 64 characters.
        legal_name: String,
        /// Trading name.
        doing_business_as: String,
        /// Kind of organisation.
        organization_type: OrganizationType,
        /// Legal form.
        organization_legal_type: OrganizationLegalType,
        /// ISO 3166-1 alpha-2 country code (`US` or `CA`).
        country_code: String,
        /// Where the enterprise is incorporated.
        jurisdiction_of_incorporation: String,
        /// Public website.
        website: String,
        /// Federal Employer Identification Number.
        fein: String,
        /// Industry, e.g. `technology`.
        industry: String,
        /// Head-count band.
        number_of_employees: NumberOfEmployees,
        /// Authorised representative.
        organization_contact: OrganizationContact,
        /// Billing contact.
        billing_contact: BillingContact,
        /// Registered address.
        organization_physical_address: PhysicalAddress,
        /// Billing address.
        billing_address: PhysicalAddress,
    }
    optional {
        /// Corporate registration number.
        corporate_registration_number: String,
        /// Your own reference.
        customer_reference: String,
        /// 9-digit D-U-N-S number.
        dun_bradstreet_number: String,
        /// 4-digit SIC code.
        primary_business_domain_sic_code: String,
        /// Professional licence number.
        professional_license_number: String,
        /// Enterprise (default) or BPO; fixed at creation.
        role_type: RoleType,
    }
}

/// The body of `enterprises().replace(..)`: every mutable field, all optional; absent fields
/// are not sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EnterpriseUpdate {
    /// Registered legal name, 3 to 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// Trading name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doing_business_as: Option<String>,
    /// Legal form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_legal_type: Option<OrganizationLegalType>,
    /// Where the enterprise is incorporated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction_of_incorporation: Option<String>,
    /// Public website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Federal Employer Identification Number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fein: Option<String>,
    /// Industry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Head-count band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_employees: Option<NumberOfEmployees>,
    /// Authorised representative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_contact: Option<OrganizationContact>,
    /// Billing contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_contact: Option<BillingContact>,
    /// Registered address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_physical_address: Option<PhysicalAddress>,
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<PhysicalAddress>,
    /// Corporate registration number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corporate_registration_number: Option<String>,
    /// Your own reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<String>,
    /// 9-digit D-U-N-S number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dun_bradstreet_number: Option<String>,
    /// 4-digit SIC code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_business_domain_sic_code: Option<String>,
    /// Professional licence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub professional_license_number: Option<String>,
}

/// Number Reputation configuration and the two approval gates of one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReputationSettings {
    /// The enterprise.
    pub enterprise_id: String,
    /// Activation lifecycle gate.
    pub status: ReputationStatus,
    /// LOA review gate.
    pub loa_status: GateStatus,
    /// Automatic re-check schedule.
    pub check_frequency: CheckFrequency,
    /// Document id of the signed LOA in use.
    #[serde(default)]
    pub loa_document_id: Option<String>,
    /// Why activation was rejected (empty unless `status` is `rejected`; the API sends null).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub rejection_reasons: Vec<String>,
    /// Review state of the evidence for externally hosted numbers, if any was submitted.
    #[serde(default)]
    pub external_verification_status: Option<GateStatus>,
    /// Where reputation events are delivered; `None` when delivery is off.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// When reputation was enabled.
    pub created_at: DateTime<Utc>,
    /// When the settings last changed.
    pub updated_at: DateTime<Utc>,
}

impl ReputationSettings {
    /// True when both gates (`status` and `loa_status`) are approved, so numbers can be added.
    pub fn ready_for_numbers(&self) -> bool {
        self.status == ReputationStatus::Approved && self.loa_status == GateStatus::Approved
    }
}

/// Latest reputation snapshot of a number; every field may be `None` for lack of data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReputationData {
    /// Overall spam likelihood.
    #[serde(default)]
    pub spam_risk: Option<SpamRisk>,
    /// Category label when flagged (opaque; the set may grow).
    #[serde(default)]
    pub spam_category: Option<String>,
    /// Maturity score, 0–100.
    #[serde(default)]
    pub maturity_score: Option<i64>,
    /// Connection score, 0–100.
    #[serde(default)]
    pub connection_score: Option<i64>,
    /// Engagement score, 0–100.
    #[serde(default)]
    pub engagement_score: Option<i64>,
    /// Sentiment score, 0–100.
    #[serde(default)]
    pub sentiment_score: Option<i64>,
    /// When the data was last refreshed.
    #[serde(default)]
    pub last_refreshed_at: Option<DateTime<Utc>>,
}

/// A number registered for reputation monitoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReputationNumber {
    /// Registration id.
    pub id: String,
    /// The enterprise monitoring it.
    pub enterprise_id: String,
    /// The number, E.164.
    pub phone_number: String,
    /// Latest snapshot; `None` until the first refresh has been collected.
    #[serde(default)]
    pub reputation_data: Option<ReputationData>,
    /// Where the number is hosted.
    #[serde(default)]
    pub source: Option<NumberSource>,
    /// Ownership tracking state.
    #[serde(default)]
    pub ownership_status: Option<OwnershipStatus>,
    /// Why ownership was flagged.
    #[serde(default)]
    pub flag_reason: Option<String>,
    /// Deadline to confirm ownership.
    #[serde(default)]
    pub confirm_by: Option<DateTime<Utc>>,
    /// Why the number left monitoring.
    #[serde(default)]
    pub removal_reason: Option<RemovalReason>,
    /// When the number left monitoring.
    #[serde(default)]
    pub removed_at: Option<DateTime<Utc>>,
    /// When the number was registered.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

/// The result of refreshing one number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefreshResult {
    /// The number.
    pub phone_number: String,
    /// Whether fresh data was collected.
    pub success: bool,
    /// Why it failed.
    #[serde(default)]
    pub error: Option<String>,
}

/// The result of `numbers().refresh(..)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefreshOutcome {
    /// Per-number results.
    pub results: Vec<RefreshResult>,
    /// Numbers requested.
    pub total_requested: u64,
    /// Numbers refreshed.
    pub total_successful: u64,
    /// Numbers that failed.
    pub total_failed: u64,
}

/// Options of `numbers().add_all(..)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkAddOptions {
    /// Batches of 100 in flight at once, 1 to 16 (default 4).
    pub concurrency: usize,
}

impl Default for BulkAddOptions {
    fn default() -> Self {
        BulkAddOptions { concurrency: 4 }
    }
}

/// The result of `numbers().add_all(..)`: every input number is either in `added` or in
/// the `numbers` of one entry of `failed`, so nothing is silently dropped. A failed batch
/// whose [`BatchFailure::outcome_unknown`] is true may have been added (its answer was
/// lost); the others were not.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct BulkAddReport {
    /// The registered numbers, in input order (failed batches left out).
    pub added: Vec<ReputationNumber>,
    /// The batches the API rejected or that could not be sent, in batch order.
    pub failed: Vec<BatchFailure>,
}

impl BulkAddReport {
    /// True when every batch was added.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }

    /// The numbers of the failed batches whose outcome is unknown (sent, answer lost): they
    /// may or may not be monitored now, so look them up before sending them again.
    pub fn outcome_unknown(&self) -> Vec<&str> {
        self.failed
            .iter()
            .filter(|f| f.outcome_unknown())
            .flat_map(|f| f.numbers.iter().map(String::as_str))
            .collect()
    }
}

/// The result of `numbers().refresh_all(..)`: every input number is either in `results` or
/// in the `numbers` of one entry of `failed`.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct BulkRefreshReport {
    /// Per-number results of the batches that were answered, in input order.
    pub results: Vec<RefreshResult>,
    /// The batches the API rejected or that could not be sent, in batch order.
    pub failed: Vec<BatchFailure>,
}

impl BulkRefreshReport {
    /// Numbers the server refreshed.
    pub fn successful(&self) -> usize {
        self.results.iter().filter(|r| r.success).count()
    }
}

/// One finished batch of a bulk call, as its progress callback sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchProgress {
    /// 0-based position of the batch.
    pub batch_index: usize,
    /// Batches in the plan.
    pub batches: usize,
    /// Numbers in this batch.
    pub numbers: usize,
    /// Whether the batch succeeded.
    pub ok: bool,
}

/// One batch of `add_all` or `refresh_all` that failed. Batches are atomic: when the server
/// answered with an error, none of its numbers were applied. When the request was sent and
/// its answer lost ([`BatchFailure::outcome_unknown`]), the server may have applied the whole
/// batch (and billed it); it was not retried, and the error says so.
///
/// [`Error`] is not serializable, so the serde form (what the Python and Node bindings see)
/// carries the error as `error_kind` (the stable code, e.g. `"UNPROCESSABLE"`), `message`,
/// `status`, `request_id`, `api_errors` and `outcome_unknown` beside `batch_index` and
/// `numbers`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchFailure {
    /// 0-based position of the batch: it held input numbers `100 * batch_index` onwards.
    pub batch_index: usize,
    /// The numbers of the batch: none of them applied, unless the outcome is unknown.
    pub numbers: Vec<String>,
    /// Why the batch failed (after the retries its class allows).
    pub error: Error,
}

impl Serialize for BatchFailure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("BatchFailure", 8)?;
        out.serialize_field("batch_index", &self.batch_index)?;
        out.serialize_field("numbers", &self.numbers)?;
        out.serialize_field("error_kind", self.error.kind().code())?;
        out.serialize_field("message", &self.error.to_string())?;
        out.serialize_field("status", &self.error.status())?;
        out.serialize_field("request_id", &self.error.request_id())?;
        out.serialize_field("api_errors", self.error.api_errors())?;
        out.serialize_field("outcome_unknown", &self.outcome_unknown())?;
        out.end()
    }
}

impl BatchFailure {
    /// True when the batch was sent and its answer lost: the server may have applied it.
    pub fn outcome_unknown(&self) -> bool {
        self.error.outcome_unknown()
    }
}

/// One event in a number's ownership tracking.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnershipEvent {
    /// What happened, e.g. `added`, `check`, `flag`, `confirm`, `removed`.
    #[serde(default)]
    pub event_type: Option<String>,
    /// When.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// Outcome text.
    #[serde(default)]
    pub outcome: Option<String>,
}

/// Ownership tracking detail of a monitored number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NumberOwnership {
    /// The number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Where the number is hosted.
    #[serde(default)]
    pub source: Option<NumberSource>,
    /// Ownership tracking state.
    #[serde(default)]
    pub ownership_status: Option<OwnershipStatus>,
    /// Why ownership was flagged.
    #[serde(default)]
    pub flag_reason: Option<String>,
    /// Deadline to confirm ownership.
    #[serde(default)]
    pub confirm_by: Option<DateTime<Utc>>,
    /// Carrier recorded when monitoring started.
    #[serde(default)]
    pub baseline_carrier: Option<String>,
    /// When the baseline was recorded.
    #[serde(default)]
    pub baseline_recorded_at: Option<DateTime<Utc>>,
    /// When ownership was last checked.
    #[serde(default)]
    pub last_checked_at: Option<DateTime<Utc>>,
    /// Tracking history, oldest first.
    #[serde(default)]
    pub history: Vec<OwnershipEvent>,
}

/// Per-number outcome buckets of a remediation request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemediationResults {
    /// Re-evaluated and cleared.
    pub remediated: Vec<String>,
    /// Not flagged, nothing to do.
    pub not_flagged: Vec<String>,
    /// Needs further review; still flagged.
    pub requires_review: Vec<String>,
    /// Rejected before submission.
    pub ineligible: Vec<String>,
    /// Re-evaluation declined; still flagged.
    pub refused: Vec<String>,
}

/// A remediation request with full detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Remediation {
    /// Request id.
    pub id: String,
    /// Customer-facing status.
    pub status: RemediationStatus,
    /// Total numbers in the batch.
    pub phone_numbers_count: u64,
    /// Numbers accepted for remediation.
    pub phone_numbers_submitted: u64,
    /// Numbers rejected before submission.
    pub phone_numbers_ineligible: u64,
    /// How the numbers are used.
    pub call_purpose: String,
    /// Contact email for follow-up.
    #[serde(default)]
    pub contact_email: Option<String>,
    /// Where status notifications go.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// When the first review tier completed.
    #[serde(default)]
    pub tier1_completed_at: Option<DateTime<Utc>>,
    /// When the second review tier completed.
    #[serde(default)]
    pub tier2_completed_at: Option<DateTime<Utc>>,
    /// Per-number outcome; `None` until results are available.
    #[serde(default)]
    pub results: Option<RemediationResults>,
    /// When the request was created.
    pub created_at: DateTime<Utc>,
    /// When the request last changed.
    pub updated_at: DateTime<Utc>,
}

/// A remediation request as listed (slim shape, no results).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemediationSummary {
    /// Request id.
    pub id: String,
    /// Customer-facing status.
    pub status: RemediationStatus,
    /// Total numbers in the batch.
    pub phone_numbers_count: u64,
    /// How the numbers are used.
    pub call_purpose: String,
    /// When the first review tier completed.
    #[serde(default)]
    pub tier1_completed_at: Option<DateTime<Utc>>,
    /// When the second review tier completed.
    #[serde(default)]
    pub tier2_completed_at: Option<DateTime<Utc>>,
    /// When the request was created.
    pub created_at: DateTime<Utc>,
    /// When the request last changed.
    pub updated_at: DateTime<Utc>,
}

/// The enterprise's ownership proof for externally hosted numbers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExternalVerification {
    /// The enterprise.
    #[serde(default)]
    pub enterprise_id: Option<String>,
    /// Review state.
    #[serde(default)]
    pub status: Option<GateStatus>,
    /// Evidence documents.
    #[serde(default)]
    pub document_ids: Vec<String>,
    /// Numbers the documents cover.
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    /// Why the evidence was rejected.
    #[serde(default)]
    pub rejection_reason: Option<String>,
    /// When the evidence was submitted.
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the evidence was reviewed.
    #[serde(default)]
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// A recorded agreement to a product's terms of service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TosAgreement {
    /// Agreement id.
    pub id: String,
    /// The product.
    pub product_type: ProductType,
    /// Agreement record version.
    pub version: String,
    /// Version of the terms agreed to.
    pub terms_version: String,
    /// When the user agreed.
    pub agreed_at: DateTime<Utc>,
    /// When the record was created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// Whether the account has agreed to a product's current terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TosStatus {
    /// The product.
    pub product_type: ProductType,
    /// Whether the account has agreed to some version.
    pub has_agreed: bool,
    /// Whether an agreement to the current version is still required.
    pub agreement_required: bool,
    /// The current terms version.
    pub current_terms_version: String,
    /// The version agreed to, if any.
    #[serde(default)]
    pub agreed_version: Option<String>,
    /// When the account agreed, if it did.
    #[serde(default)]
    pub agreed_at: Option<DateTime<Utc>>,
}

/// The current terms of one product.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TermsInfo {
    /// The product.
    #[serde(default)]
    pub product_type: Option<ProductType>,
    /// Current version.
    #[serde(default)]
    pub current_version: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// When the current version took effect.
    #[serde(default)]
    pub effective_date: Option<NaiveDate>,
    /// Where to read the terms.
    #[serde(default)]
    pub terms_url: Option<String>,
}

/// Size of a stored document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentSize {
    /// Amount in `unit`.
    #[serde(default)]
    pub amount: Option<u64>,
    /// Unit, e.g. `bytes`.
    #[serde(default)]
    pub unit: Option<String>,
}

/// A stored document (e.g. the signed LOA); its `id` is a `loa_document_id` or `document_ids` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// Document id (a UUID).
    pub id: String,
    /// File name.
    #[serde(default)]
    pub filename: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Size.
    #[serde(default)]
    pub size: Option<DocumentSize>,
    /// SHA-256 of the content, hex.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Review state, e.g. `pending`.
    #[serde(default)]
    pub status: Option<String>,
    /// Antivirus scan state.
    #[serde(default)]
    pub av_scan_status: Option<String>,
    /// Your own reference.
    #[serde(default)]
    pub customer_reference: Option<String>,
    /// When uploaded.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// When last changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Pagination metadata of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageMeta {
    /// 1-based page number.
    pub page_number: u64,
    /// Items actually returned in this page.
    pub page_size: u64,
    /// Total pages.
    pub total_pages: u64,
    /// Total items across pages.
    pub total_results: u64,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where this page sits.
    pub meta: PageMeta,
}

impl<T> Page<T> {
    /// True when a later page exists.
    pub fn has_next(&self) -> bool {
        !self.items.is_empty() && self.meta.page_number < self.meta.total_pages
    }
}

/// A reseller or partner block for the LOA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoaAgent {
    /// Partner's legal name.
    pub legal_name: String,
    /// Partner's trading name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dba: Option<String>,
    /// Street and number.
    pub street_address: String,
    /// Suite, floor, etc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoaSignature {
    /// PNG or JPEG image, base64.
    pub image_base64: String,
    /// Name printed under the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_name: Option<String>,
}

/// Options of `loa().render(..)`; the default renders an unsigned LOA without an agent block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LoaRenderOptions {
    /// Reseller block, only when a partner manages the enterprise's numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<LoaAgent>,
    /// Signature image; when absent the PDF is unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<LoaSignature>,
}

/// A remediation request to submit: build with [`RemediationRequest::new`] and the setters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemediationRequest {
    /// 1 to 2,000 US E.164 numbers of this enterprise.
    pub phone_numbers: Vec<String>,
    /// How the numbers are used, 1 to 2,000 characters.
    pub call_purpose: String,
    /// Contact email, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// `https://` URL for status notifications, at most 2,048 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

impl RemediationRequest {
    /// A request for `phone_numbers` with its `call_purpose`.
    pub fn new<I, S>(phone_numbers: I, call_purpose: impl Into<String>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        RemediationRequest {
            phone_numbers: phone_numbers
                .into_iter()
                .map(|n| n.as_ref().to_owned())
                .collect(),
            call_purpose: call_purpose.into(),
            contact_email: None,
            webhook_url: None,
        }
    }

    /// Set the contact email.
    pub fn contact_email(mut self, email: impl Into<String>) -> Self {
        self.contact_email = Some(email.into());
        self
    }

    /// Set the notification webhook URL.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }
}

/// How `wait_until_approved` polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Time between polls (default 2 s).
    pub interval: Duration,
    /// Give up after this long (default 10 minutes) with [`crate::Error::Timeout`].
    pub timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(600),
        }
    }
}
