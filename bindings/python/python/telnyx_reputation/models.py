"""What calls return: frozen dataclasses built from the facade's serde output.

Field names and meanings are the facade's (``crates/telnyx-reputation/src/models.rs``);
timestamps are timezone-aware ``datetime``, dates ``date``. Enum-valued fields are plain
``str`` so a value this version does not know is kept as sent. Every model has ``==``,
a ``repr`` and ``to_dict()``. Input types (``PhysicalAddress``, ``OrganizationContact``,
``BillingContact``, ``LoaAgent``, ``LoaSignature``) can be passed where calls take them.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from .errors import ErrorObject

__all__ = [
    "ActionUsage",
    "BatchFailure",
    "BillingContact",
    "BulkAddReport",
    "Document",
    "DocumentSize",
    "Enterprise",
    "ExternalVerification",
    "LoaAgent",
    "LoaSignature",
    "Model",
    "NumberOwnership",
    "OrganizationContact",
    "OwnershipEvent",
    "Page",
    "PageMeta",
    "PhysicalAddress",
    "RefreshOutcome",
    "RefreshResult",
    "Remediation",
    "RemediationResults",
    "RemediationSummary",
    "ReputationData",
    "ReputationNumber",
    "ReputationSettings",
    "TermsInfo",
    "TosAgreement",
    "TosStatus",
    "Usage",
]

M = TypeVar("M", bound="Model")
T = TypeVar("T")

# RFC 3339 as serde/chrono writes it: `Z` offset, 0-9 fractional digits.
_FRACTION = re.compile(r"\.(\d+)")


def _parse_datetime(text: str) -> datetime:
    try:
        # Python 3.11+ reads serde/chrono's form as it is (the common, fast path).
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    # Python 3.10's fromisoformat only takes 3 or 6 fractional digits.
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    return datetime.fromisoformat(text)


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """How to turn one non-null JSON value into the type a field is annotated with;
    ``None`` when the value is used as it is. Resolved once per field (see ``_plan``)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else None
    if origin is list:
        (item,) = typing.get_args(hint)
        convert = _converter(item)
        if convert is None:
            return None
        return lambda values: [None if v is None else convert(v) for v in values]
    if origin is dict:
        _, value_hint = typing.get_args(hint)
        convert_value = _converter(value_hint)
        if convert_value is None:
            return None
        return lambda mapping: {k: convert_value(v) for k, v in mapping.items()}
    if hint is datetime:
        return _parse_datetime
    if hint is date:
        return date.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Model):
        return hint._from_api
    if hint is ErrorObject:
        return lambda value: ErrorObject(**value)
    return None


# Per model class: each field's converter. Resolving type hints per value made building
# the 10,000 numbers of a sweep cost ~35 us each; with the plan it is a dict lookup.
_PLANS: dict[type, dict[str, Callable[[Any], Any] | None]] = {}


def _plan(cls: type) -> dict[str, Callable[[Any], Any] | None]:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        plan = {f.name: _converter(hints[f.name]) for f in fields}
        _PLANS[cls] = plan
    return plan


class Model:
    """Base of every model: built from the API's fields, unknown fields ignored."""

    @classmethod
    def _from_api(cls: type[M], data: Mapping[str, Any]) -> M:
        plan = _plan(cls)
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in plan:
                convert = plan[key]
                values[key] = value if convert is None or value is None else convert(value)
        return cls(**values)

    @classmethod
    def _list_builder(cls: type[M]) -> Callable[[list[Mapping[str, Any]]], list[M]]:
        """Builds a list of this model from the facade's JSON array."""
        return lambda items: [cls._from_api(item) for item in items]

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True, kw_only=True)
class PhysicalAddress(Model):
    """A postal address."""

    street_address: str
    city: str
    administrative_area: str
    """State or province, e.g. ``IL``."""
    postal_code: str
    country: str
    """Two-letter country code, e.g. ``US``."""
    extended_address: str | None = None


@dataclass(frozen=True, kw_only=True)
class BillingContact(Model):
    """Who receives invoices for the enterprise."""

    first_name: str
    last_name: str
    email: str
    phone_number: str


@dataclass(frozen=True, kw_only=True)
class OrganizationContact(Model):
    """The enterprise's authorised representative."""

    first_name: str
    last_name: str
    email: str
    job_title: str
    phone_number: str


@dataclass(frozen=True, kw_only=True)
class Enterprise(Model):
    """The legal entity that represents a business; its ``id`` is every ``enterprise_id``."""

    id: str
    legal_name: str
    doing_business_as: str
    organization_type: str
    """``commercial``, ``government`` or ``non_profit``."""
    organization_legal_type: str
    """``corporation``, ``llc``, ``partnership``, ``nonprofit`` or ``other``."""
    country_code: str
    jurisdiction_of_incorporation: str
    website: str
    fein: str
    industry: str
    number_of_employees: str
    """Head-count band, e.g. ``51-200``."""
    organization_contact: OrganizationContact
    billing_contact: BillingContact
    organization_physical_address: PhysicalAddress
    billing_address: PhysicalAddress
    created_at: datetime
    updated_at: datetime
    corporate_registration_number: str | None = None
    customer_reference: str | None = None
    dun_bradstreet_number: str | None = None
    primary_business_domain_sic_code: str | None = None
    professional_license_number: str | None = None
    role_type: str | None = None
    """``enterprise`` or ``bpo``."""
    number_reputation_enabled: bool | None = None
    branded_calling_enabled: bool | None = None
    bpo_verification_status: str | None = None
    bpo_verification_rejection_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReputationSettings(Model):
    """An enterprise's Number Reputation settings and its two approval gates."""

    enterprise_id: str
    status: str
    """Activation gate: ``pending``, ``approved``, ``rejected`` (or ``deleted``)."""
    loa_status: str
    """LOA review gate: ``pending``, ``approved`` or ``rejected``."""
    check_frequency: str
    """``business_daily``, ``daily``, ``weekly``, ``biweekly``, ``monthly`` or ``never``."""
    created_at: datetime
    updated_at: datetime
    loa_document_id: str | None = None
    rejection_reasons: list[str] = field(default_factory=list)
    external_verification_status: str | None = None
    webhook_url: str | None = None

    @property
    def ready_for_numbers(self) -> bool:
        """Both gates are ``approved``: numbers can be added."""
        return self.status == "approved" and self.loa_status == "approved"


@dataclass(frozen=True, kw_only=True)
class ReputationData(Model):
    """A number's spam reputation; every score 0-100 or ``None`` (not enough data)."""

    spam_risk: str | None = None
    """``low``, ``medium`` or ``high``."""
    spam_category: str | None = None
    maturity_score: int | None = None
    connection_score: int | None = None
    engagement_score: int | None = None
    sentiment_score: int | None = None
    last_refreshed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReputationNumber(Model):
    """A number registered for monitoring, with its latest reputation (``None`` until the
    first lookup)."""

    id: str
    enterprise_id: str
    phone_number: str
    created_at: datetime
    updated_at: datetime
    reputation_data: ReputationData | None = None
    source: str | None = None
    ownership_status: str | None = None
    flag_reason: str | None = None
    confirm_by: datetime | None = None
    removal_reason: str | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RefreshResult(Model):
    """One number's outcome in a refresh."""

    phone_number: str
    success: bool
    error: str | None = None


@dataclass(frozen=True, kw_only=True)
class RefreshOutcome(Model):
    """What ``numbers.refresh`` did, per number and in total."""

    results: list[RefreshResult]
    total_requested: int
    total_successful: int
    total_failed: int


@dataclass(frozen=True, kw_only=True)
class BatchFailure(Model):
    """One batch of ``numbers.add_all`` that failed. Batches are atomic: when the server
    answered with an error none of its numbers were added, so resend ``numbers`` once the
    cause is fixed. When ``outcome_unknown`` is true the batch was sent and its answer lost, so
    it may have been added: look its numbers up before resending."""

    batch_index: int
    """0-based position of the batch: it held input numbers ``100 * batch_index`` onwards."""
    numbers: list[str]
    error_kind: str
    """The stable error code, e.g. ``UNPROCESSABLE`` (see the errors table)."""
    message: str
    status: int | None = None
    """HTTP status, when the batch got an error response."""
    request_id: str | None = None
    api_errors: list[ErrorObject] = field(default_factory=list)
    """The parsed ``errors[]`` of the response (empty when there was none)."""
    outcome_unknown: bool = False
    """True when the batch was sent and its answer lost: it may have been added."""


@dataclass(frozen=True, kw_only=True)
class BulkAddReport(Model):
    """What ``numbers.add_all`` did: every input number is in ``added`` or in one entry of
    ``failed``, so nothing is silently dropped."""

    added: list[ReputationNumber]
    """The registered numbers, in input order."""
    failed: list[BatchFailure]
    """The batches that were not added, in batch order."""

    def is_complete(self) -> bool:
        """True when every batch was added."""
        return not self.failed


@dataclass(frozen=True, kw_only=True)
class OwnershipEvent(Model):
    """One entry of a number's ownership history."""

    event_type: str | None = None
    occurred_at: datetime | None = None
    outcome: str | None = None


@dataclass(frozen=True, kw_only=True)
class NumberOwnership(Model):
    """Ownership tracking of a monitored number."""

    phone_number: str | None = None
    source: str | None = None
    ownership_status: str | None = None
    flag_reason: str | None = None
    confirm_by: datetime | None = None
    baseline_carrier: str | None = None
    baseline_recorded_at: datetime | None = None
    last_checked_at: datetime | None = None
    history: list[OwnershipEvent] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class RemediationResults(Model):
    """Per-number outcome buckets of a finished remediation."""

    remediated: list[str] = field(default_factory=list)
    not_flagged: list[str] = field(default_factory=list)
    requires_review: list[str] = field(default_factory=list)
    ineligible: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Remediation(Model):
    """A remediation request in full."""

    id: str
    status: str
    """``pending``, ``in_progress``, ``completed``, ``failed`` or ``cancelled``."""
    phone_numbers_count: int
    phone_numbers_submitted: int
    phone_numbers_ineligible: int
    call_purpose: str
    created_at: datetime
    updated_at: datetime
    contact_email: str | None = None
    webhook_url: str | None = None
    tier1_completed_at: datetime | None = None
    tier2_completed_at: datetime | None = None
    results: RemediationResults | None = None


@dataclass(frozen=True, kw_only=True)
class RemediationSummary(Model):
    """A remediation request as lists show it (no results or counts breakdown)."""

    id: str
    status: str
    phone_numbers_count: int
    call_purpose: str
    created_at: datetime
    updated_at: datetime
    tier1_completed_at: datetime | None = None
    tier2_completed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ExternalVerification(Model):
    """An enterprise's external verification submission."""

    enterprise_id: str | None = None
    status: str | None = None
    document_ids: list[str] = field(default_factory=list)
    phone_numbers: list[str] = field(default_factory=list)
    rejection_reason: str | None = None
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class TosAgreement(Model):
    """A recorded agreement to a product's terms of service."""

    id: str
    product_type: str
    version: str
    terms_version: str
    agreed_at: datetime
    created_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class TosStatus(Model):
    """Whether the account has agreed to a product's current terms."""

    product_type: str
    has_agreed: bool
    agreement_required: bool
    current_terms_version: str
    agreed_version: str | None = None
    agreed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class TermsInfo(Model):
    """The current terms of one product."""

    product_type: str | None = None
    current_version: str | None = None
    description: str | None = None
    effective_date: date | None = None
    terms_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class DocumentSize(Model):
    """A document's size."""

    amount: int | None = None
    unit: str | None = None


@dataclass(frozen=True, kw_only=True)
class Document(Model):
    """An uploaded document; its ``id`` is e.g. the ``loa_document_id``."""

    id: str
    filename: str | None = None
    content_type: str | None = None
    size: DocumentSize | None = None
    sha256: str | None = None
    status: str | None = None
    av_scan_status: str | None = None
    customer_reference: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class LoaAgent(Model):
    """The reseller/partner block of a rendered LOA."""

    legal_name: str
    street_address: str
    city: str
    administrative_area: str
    postal_code: str
    country: str
    contact_name: str
    contact_title: str
    contact_email: str
    contact_phone: str
    dba: str | None = None
    extended_address: str | None = None


@dataclass(frozen=True, kw_only=True)
class LoaSignature(Model):
    """A signature image embedded in a rendered LOA."""

    image_base64: str
    signer_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class PageMeta(Model):
    """Where a page sits in a list."""

    page_number: int
    page_size: int
    total_pages: int
    total_results: int


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items and ``meta``."""

    items: list[T]
    meta: PageMeta
    has_next: bool
    """Whether another page follows (the facade's rule: not empty and not the last)."""

    @staticmethod
    def _builder(item: type[M]) -> Callable[[Mapping[str, Any]], Page[M]]:
        """Builds a page of ``item`` models from the facade's ``{items, meta}``."""

        def build(data: Mapping[str, Any]) -> Page[M]:
            items = [item._from_api(i) for i in data["items"]]
            return Page(items, PageMeta._from_api(data["meta"]), bool(data["has_next"]))

        return build


@dataclass(frozen=True, kw_only=True)
class ActionUsage(Model):
    """Billable requests of one action, and the units they carried."""

    requests: int
    """Requests sent."""
    units: int
    """Numbers added or refreshed; 1 per enable or live read."""


@dataclass(frozen=True, kw_only=True)
class Usage(Model):
    """What ``client.usage()`` returns: the billable requests the client has sent so far.

    A request the server provably did not process (connection refused, 429) is not counted.
    """

    total_requests: int
    """Billable requests sent, all actions together."""
    actions: dict[str, ActionUsage] = field(default_factory=dict)
    """Per action: ``enable``, ``numbers_added``, ``live_lookups``, ``refreshes`` (the
    emulator ledger's names); an action never used is absent."""

    def requests(self, action: str) -> int:
        """Requests sent for ``action`` (0 when unused)."""
        usage = self.actions.get(action)
        return usage.requests if usage else 0

    def units(self, action: str) -> int:
        """Units billed for ``action`` (0 when unused)."""
        usage = self.actions.get(action)
        return usage.units if usage else 0
