#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod billing;
mod client;
#[cfg(test)]
mod contract_check;
mod convert;
mod enums;
mod error;
pub mod examples;
mod models;
mod money;
mod operations;
mod options;
mod pager;
mod phone;
#[cfg(test)]
mod properties;
mod request_options;
mod resources;
mod retry;
mod validate;
pub mod webhooks;

pub use billing::{ActionUsage, BillableAction, BillableRequest, BillingHook, Usage};
pub use client::{ApiKey, Client, ClientBuilder, DEFAULT_BASE_URL};
pub use enums::{
    CheckFrequency, GateStatus, NumberOfEmployees, NumberSource, OrganizationLegalType,
    OrganizationType, OwnershipStatus, ProductType, RemediationStatus, RemovalReason,
    ReputationStatus, RoleType, SpamRisk,
};
pub use error::{
    ApiError, BODY_EXCERPT_CHARS, Error, ErrorDetails, ErrorEntry, ErrorKind, ErrorSource, Gate,
    HttpError,
};
pub use models::{
    BatchFailure, BatchProgress, BillingContact, BulkAddOptions, BulkAddReport, BulkRefreshReport,
    Document, DocumentSize, Enterprise, EnterpriseUpdate, ExternalVerification, LoaAgent,
    LoaRenderOptions, LoaSignature, NewEnterprise, NewEnterpriseBuilder, NumberOwnership,
    OrganizationContact, OwnershipEvent, Page, PageMeta, PhysicalAddress, RefreshOutcome,
    RefreshResult, Remediation, RemediationRequest, RemediationResults, RemediationSummary,
    ReputationData, ReputationNumber, ReputationSettings, TermsInfo, TosAgreement, TosStatus,
    WaitOptions,
};
pub use money::{
    Amount, Price, PriceItem, PriceOverride, PriceOverrides, PriceTable, PriceUnit, Usd,
};
pub use operations::{Billing, OPERATIONS, Operation, PRICES, PublishedPrice, operation};
pub use options::ClientOptions;
pub use pager::{AgreementFilter, EnterpriseFilter, NumberFilter, Pager, Pages, RemediationFilter};
pub use phone::PhoneNumber;
pub use request_options::{
    DECLARED_QUERY, REFUSED_HEADERS, RawResponse, RequestOptions, with_raw_response,
};
pub use resources::{
    AccountNumbers, Agreements, Documents, Enterprises, ExternalVerifications, Loa, Numbers,
    Remediations, Reputation, TermsOfService,
};
pub use retry::{Jitter, NoJitter, RandomJitter, Sleeper, TokioSleeper};
