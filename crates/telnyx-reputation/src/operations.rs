//! The one table of API operations: for each, its method and path template, how it may be
//! retried, and how it is billed. The retry loop ([`crate::retry`]) and the cost guard
//! ([`crate::billing`]) both read their decisions from here, so a billable operation cannot
//! be retried like a free one: [`Operation::billable`] is always [`RetryClass::NotIdempotent`].
//!
//! The billing classes follow the product documentation: enabling Number Reputation, adding
//! numbers, a fresh (live) read, a forced refresh and submitting numbers for remediation are
//! billable; rendering the LOA, every other read and every other write are free. A cached
//! read of a number that has no cached data yet is served by a live lookup, which the server
//! bills; the client cannot know that in advance, so those reads are
//! [`Billing::FirstReadBillable`]: the guard reserves one live lookup against `max_billable`
//! and `max_spend` before sending, and gives it back when the answer shows it came from the
//! cache.
//!
//! What each billable unit costs is the price table [`PRICES`], below the operations.

use crate::billing::BillableAction::{
    self, Enable, LiveLookups, NumbersAdded, Refreshes, Remediations,
};
use crate::money::{PriceItem, PriceUnit};
use crate::retry::RetryClass::{self, Idempotent, NotIdempotent};

/// How an operation is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Billing {
    /// Never billed.
    Free,
    /// A cached read: free, except that the first read of a number without cached data is
    /// answered by a live lookup the server bills.
    FirstReadBillable,
    /// Every request is billable, as this action (counted by the cost guard).
    Billable(BillableAction),
}

impl Billing {
    /// The billable action, when every request of the operation is billable.
    pub fn action(self) -> Option<BillableAction> {
        match self {
            Billing::Billable(action) => Some(action),
            _ => None,
        }
    }
}

/// One API operation: its name, HTTP method, path template, retry class and billing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    retry: RetryClass,
    billing: Billing,
}

impl Operation {
    /// A free operation with the given retry class.
    const fn free(
        name: &'static str,
        method: &'static str,
        path: &'static str,
        retry: RetryClass,
    ) -> Self {
        Operation {
            name,
            method,
            path,
            retry,
            billing: Billing::Free,
        }
    }

    /// A billable operation: never retried unless the server provably did not process it.
    const fn billable(
        name: &'static str,
        method: &'static str,
        path: &'static str,
        action: BillableAction,
    ) -> Self {
        Operation {
            name,
            method,
            path,
            retry: NotIdempotent,
            billing: Billing::Billable(action),
        }
    }

    /// A cached read whose first call on a number may be billed by the server.
    const fn first_read_billable(
        name: &'static str,
        method: &'static str,
        path: &'static str,
    ) -> Self {
        Operation {
            name,
            method,
            path,
            retry: Idempotent,
            billing: Billing::FirstReadBillable,
        }
    }

    /// The facade's name of the operation, e.g. `"numbers.add"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The HTTP method.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The path template under the base URL.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// How the operation is billed.
    pub fn billing(&self) -> Billing {
        self.billing
    }

    /// True when every request of the operation is billable.
    pub fn is_billable(&self) -> bool {
        matches!(self.billing, Billing::Billable(_))
    }

    pub(crate) fn retry_class(&self) -> RetryClass {
        self.retry
    }
}

const REPUTATION: &str = "/enterprises/{enterprise_id}/reputation";
const LOA: &str = "/enterprises/{enterprise_id}/reputation/loa";
const NUMBERS: &str = "/enterprises/{enterprise_id}/reputation/numbers";
const ONE_NUMBER: &str = "/enterprises/{enterprise_id}/reputation/numbers/{phone_number}";
const REMEDIATIONS: &str = "/enterprises/{enterprise_id}/reputation/remediation";
const EXTERNAL: &str = "/enterprises/{enterprise_id}/reputation/external_verification";
const ACCOUNT_NUMBER: &str = "/reputation/numbers/{phone_number}";

pub(crate) const TOS_AGREE: Operation = Operation::free(
    "terms_of_service.agree_number_reputation",
    "POST",
    "/terms_of_service/number_reputation/agree",
    Idempotent,
);
pub(crate) const TOS_STATUS: Operation = Operation::free(
    "terms_of_service.status",
    "GET",
    "/terms_of_service/status",
    Idempotent,
);
pub(crate) const TOS_INFO: Operation = Operation::free(
    "terms_of_service.info",
    "GET",
    "/terms_of_service/info",
    Idempotent,
);
pub(crate) const TOS_AGREEMENTS: Operation = Operation::free(
    "terms_of_service.agreements.list",
    "GET",
    "/terms_of_service/agreements",
    Idempotent,
);
pub(crate) const TOS_AGREEMENT: Operation = Operation::free(
    "terms_of_service.agreements.get",
    "GET",
    "/terms_of_service/agreements/{agreement_id}",
    Idempotent,
);
pub(crate) const ENTERPRISE_CREATE: Operation =
    Operation::free("enterprises.create", "POST", "/enterprises", NotIdempotent);
pub(crate) const ENTERPRISE_LIST: Operation =
    Operation::free("enterprises.list", "GET", "/enterprises", Idempotent);
pub(crate) const ENTERPRISE_GET: Operation = Operation::free(
    "enterprises.get",
    "GET",
    "/enterprises/{enterprise_id}",
    Idempotent,
);
pub(crate) const ENTERPRISE_REPLACE: Operation = Operation::free(
    "enterprises.replace",
    "PUT",
    "/enterprises/{enterprise_id}",
    Idempotent,
);
pub(crate) const ENTERPRISE_DELETE: Operation = Operation::free(
    "enterprises.delete",
    "DELETE",
    "/enterprises/{enterprise_id}",
    Idempotent,
);
pub(crate) const DOCUMENT_UPLOAD: Operation =
    Operation::free("documents.upload", "POST", "/documents", NotIdempotent);
pub(crate) const DOCUMENT_UPLOAD_JSON: Operation = Operation::free(
    "documents.upload_json",
    "POST",
    "/documents?content-type=multipart",
    NotIdempotent,
);
pub(crate) const REPUTATION_SETTINGS: Operation =
    Operation::free("reputation.settings", "GET", REPUTATION, Idempotent);
pub(crate) const REPUTATION_ENABLE: Operation =
    Operation::billable("reputation.enable", "POST", REPUTATION, Enable);
pub(crate) const REPUTATION_DISABLE: Operation =
    Operation::free("reputation.disable", "DELETE", REPUTATION, Idempotent);
pub(crate) const REPUTATION_FREQUENCY: Operation = Operation::free(
    "reputation.set_frequency",
    "PATCH",
    "/enterprises/{enterprise_id}/reputation/frequency",
    Idempotent,
);
pub(crate) const REPUTATION_WEBHOOK: Operation = Operation::free(
    "reputation.set_webhook",
    "PATCH",
    "/enterprises/{enterprise_id}/reputation/webhook",
    Idempotent,
);
pub(crate) const LOA_RENDER: Operation = Operation::free("loa.render", "POST", LOA, Idempotent);
pub(crate) const LOA_REPLACE: Operation = Operation::free("loa.replace", "PATCH", LOA, Idempotent);
pub(crate) const NUMBERS_LIST: Operation =
    Operation::free("numbers.list", "GET", NUMBERS, Idempotent);
pub(crate) const NUMBERS_ADD: Operation =
    Operation::billable("numbers.add", "POST", NUMBERS, NumbersAdded);
pub(crate) const NUMBERS_GET: Operation =
    Operation::first_read_billable("numbers.get", "GET", ONE_NUMBER);
pub(crate) const NUMBERS_GET_FRESH: Operation =
    Operation::billable("numbers.get_fresh", "GET", ONE_NUMBER, LiveLookups);
pub(crate) const NUMBERS_REMOVE: Operation =
    Operation::free("numbers.remove", "DELETE", ONE_NUMBER, Idempotent);
pub(crate) const NUMBERS_REFRESH: Operation = Operation::billable(
    "numbers.refresh",
    "POST",
    "/enterprises/{enterprise_id}/reputation/numbers/refresh",
    Refreshes,
);
pub(crate) const NUMBERS_OWNERSHIP: Operation = Operation::free(
    "numbers.ownership",
    "GET",
    "/enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership",
    Idempotent,
);
pub(crate) const NUMBERS_CONFIRM_OWNERSHIP: Operation = Operation::free(
    "numbers.confirm_ownership",
    "POST",
    "/enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership_confirm",
    NotIdempotent,
);
pub(crate) const REMEDIATION_SUBMIT: Operation =
    Operation::billable("remediation.submit", "POST", REMEDIATIONS, Remediations);
pub(crate) const REMEDIATION_LIST: Operation =
    Operation::free("remediation.list", "GET", REMEDIATIONS, Idempotent);
pub(crate) const REMEDIATION_GET: Operation = Operation::free(
    "remediation.get",
    "GET",
    "/enterprises/{enterprise_id}/reputation/remediation/{remediation_id}",
    Idempotent,
);
pub(crate) const EXTERNAL_SUBMIT: Operation = Operation::free(
    "external_verification.submit",
    "POST",
    EXTERNAL,
    NotIdempotent,
);
pub(crate) const EXTERNAL_GET: Operation =
    Operation::free("external_verification.get", "GET", EXTERNAL, Idempotent);
pub(crate) const ACCOUNT_NUMBERS_LIST: Operation = Operation::free(
    "account_numbers.list",
    "GET",
    "/reputation/numbers",
    Idempotent,
);
pub(crate) const ACCOUNT_NUMBERS_GET: Operation =
    Operation::first_read_billable("account_numbers.get", "GET", ACCOUNT_NUMBER);
pub(crate) const ACCOUNT_NUMBERS_GET_FRESH: Operation = Operation::billable(
    "account_numbers.get_fresh",
    "GET",
    ACCOUNT_NUMBER,
    LiveLookups,
);
pub(crate) const ACCOUNT_NUMBERS_REMOVE: Operation = Operation::free(
    "account_numbers.remove",
    "DELETE",
    ACCOUNT_NUMBER,
    Idempotent,
);

/// Every operation the facade performs, in the order of the README's resource table.
pub const OPERATIONS: [Operation; 36] = [
    TOS_AGREE,
    TOS_STATUS,
    TOS_INFO,
    TOS_AGREEMENTS,
    TOS_AGREEMENT,
    ENTERPRISE_CREATE,
    ENTERPRISE_LIST,
    ENTERPRISE_GET,
    ENTERPRISE_REPLACE,
    ENTERPRISE_DELETE,
    DOCUMENT_UPLOAD,
    DOCUMENT_UPLOAD_JSON,
    REPUTATION_SETTINGS,
    REPUTATION_ENABLE,
    REPUTATION_DISABLE,
    REPUTATION_FREQUENCY,
    REPUTATION_WEBHOOK,
    LOA_RENDER,
    LOA_REPLACE,
    NUMBERS_LIST,
    NUMBERS_ADD,
    NUMBERS_GET,
    NUMBERS_GET_FRESH,
    NUMBERS_REMOVE,
    NUMBERS_REFRESH,
    NUMBERS_OWNERSHIP,
    NUMBERS_CONFIRM_OWNERSHIP,
    REMEDIATION_SUBMIT,
    REMEDIATION_LIST,
    REMEDIATION_GET,
    EXTERNAL_SUBMIT,
    EXTERNAL_GET,
    ACCOUNT_NUMBERS_LIST,
    ACCOUNT_NUMBERS_GET,
    ACCOUNT_NUMBERS_GET_FRESH,
    ACCOUNT_NUMBERS_REMOVE,
];

/// One row of the published price table ([`PRICES`]); [`crate::PriceTable::default`] is
/// built from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedPrice {
    /// What is priced.
    pub item: PriceItem,
    /// Per what.
    pub unit: PriceUnit,
    /// Micro-dollars per unit; `None` when the pricing page does not state it.
    pub micros: Option<u64>,
    /// Where it was read.
    pub source: &'static str,
    /// When it was read.
    pub read: &'static str,
}

const PRICING_PAGE: &str = "Telnyx developer docs, Number Reputation: Pricing";
const PRICING_READ: &str = "2026-12";

const fn published(item: PriceItem, unit: PriceUnit, micros: Option<u64>) -> PublishedPrice {
    PublishedPrice {
        item,
        unit,
        micros,
        source: PRICING_PAGE,
        read: PRICING_READ,
    }
}

/// What Telnyx charges, per unit, as its pricing page states it (read 2026-12): monitoring
/// $100 per enterprise per month; $0.10 per reputation check (a fresh query, a forced
/// refresh of a number and every scheduled re-check; cached reads and rendering the LOA are
/// free); $1.00 per number submitted for remediation. The page names no separate price for
/// enabling Number Reputation or for adding a number: those are unknown (`None`), never
/// guessed, and every figure that depends on them says so. Override with
/// [`crate::ClientBuilder::prices`].
pub const PRICES: [PublishedPrice; 7] = [
    published(
        PriceItem::Monitoring,
        PriceUnit::EnterpriseMonth,
        Some(100_000_000),
    ),
    published(PriceItem::Enable, PriceUnit::EnterpriseEnabled, None),
    published(PriceItem::NumbersAdded, PriceUnit::NumberAdded, None),
    published(PriceItem::LiveLookups, PriceUnit::Check, Some(100_000)),
    published(PriceItem::Refreshes, PriceUnit::Check, Some(100_000)),
    published(PriceItem::ScheduledRefresh, PriceUnit::Check, Some(100_000)),
    published(
        PriceItem::Remediations,
        PriceUnit::NumberRemediated,
        Some(1_000_000),
    ),
];

/// The operation named `name` (e.g. `"numbers.add"`), if there is one.
pub fn operation(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_are_unique_and_billable_operations_are_never_retried_blindly() {
        let names: HashSet<_> = OPERATIONS.iter().map(Operation::name).collect();
        assert_eq!(names.len(), OPERATIONS.len());
        for op in &OPERATIONS {
            if op.is_billable() {
                assert_eq!(op.retry_class(), NotIdempotent, "{}", op.name);
            }
        }
    }

    #[test]
    fn the_documented_billable_actions_and_only_those() {
        let billable: Vec<(&str, BillableAction)> = OPERATIONS
            .iter()
            .filter_map(|op| op.billing().action().map(|a| (op.name(), a)))
            .collect();
        assert_eq!(
            billable,
            [
                ("reputation.enable", Enable),
                ("numbers.add", NumbersAdded),
                ("numbers.get_fresh", LiveLookups),
                ("numbers.refresh", Refreshes),
                ("remediation.submit", Remediations),
                ("account_numbers.get_fresh", LiveLookups),
            ]
        );
        assert_eq!(operation("loa.render").unwrap().billing(), Billing::Free);
        assert_eq!(
            operation("numbers.get").unwrap().billing(),
            Billing::FirstReadBillable
        );
    }

    #[test]
    fn every_billable_action_has_a_row_in_the_price_table() {
        let items: Vec<PriceItem> = PRICES.iter().map(|p| p.item).collect();
        assert_eq!(items, PriceItem::ALL);
        for action in BillableAction::ALL {
            assert!(items.contains(&action.price_item()), "{action}");
        }
        let remediation = PRICES
            .iter()
            .find(|p| p.item == PriceItem::Remediations)
            .unwrap();
        assert_eq!(remediation.unit, PriceUnit::NumberRemediated);
        assert_eq!(remediation.micros, Some(1_000_000));
    }
}
