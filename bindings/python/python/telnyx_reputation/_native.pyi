"""Types of the native module (``src/*.rs``).

At run time one class per resource serves both clients; these stubs split each into a
blocking class and an ``Async*`` twin (whose methods return coroutines) so type checkers
and IDEs see what each client really returns. The ``Async*`` names exist only here.
"""

import builtins
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime
from typing import Any, Literal, TypeAlias, TypedDict

from ._paging import AsyncPager, Pager
from .models import (
    BillingContact,
    BulkAddReport,
    Document,
    Enterprise,
    ExternalVerification,
    LoaAgent,
    LoaSignature,
    NumberOwnership,
    OrganizationContact,
    PhysicalAddress,
    RefreshOutcome,
    Remediation,
    RemediationSummary,
    ReputationNumber,
    ReputationSettings,
    TermsInfo,
    TosAgreement,
    TosStatus,
    Usage,
)

__version__: str

Frequency: TypeAlias = Literal["business_daily", "daily", "weekly", "biweekly", "monthly", "never"]
Product: TypeAlias = Literal["number_reputation", "branded_calling"]
Address: TypeAlias = PhysicalAddress | Mapping[str, Any]
Contact: TypeAlias = OrganizationContact | Mapping[str, Any]
Billing: TypeAlias = BillingContact | Mapping[str, Any]

class BillableRequest(TypedDict):
    """What ``on_billable`` is called with."""

    operation: str
    action: Literal["enable", "numbers_added", "live_lookups", "refreshes"]
    method: str
    path: str
    units: int

class _ClientOptions:
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_cap: float | None = None,
        retry_deadline: float | None = None,
        allow_insecure_http: bool | None = None,
        max_billable: int | None = None,
        on_billable: Callable[[BillableRequest], object] | None = None,
    ) -> None:
        """Options default to ``TELNYX_API_KEY`` / ``TELNYX_BASE_URL``, then the core's
        defaults (60 s timeout, 2 retries, 8 s retry cap). Times are in seconds.

        ``max_billable``: billable requests allowed for the client's lifetime (per process);
        one over it raises ``BillingRefusedError`` and nothing is sent. ``on_billable`` is
        called with each billable request before it is sent; returning ``False`` or raising
        refuses it."""
    @property
    def base_url(self) -> str: ...
    @property
    def max_billable(self) -> int | None: ...
    def usage(self) -> Usage:
        """Billable requests sent so far, per action."""

class Client(_ClientOptions):
    """The blocking client; calls release the GIL while they wait."""

    @property
    def terms_of_service(self) -> TermsOfService: ...
    @property
    def enterprises(self) -> Enterprises: ...
    @property
    def documents(self) -> Documents: ...
    @property
    def numbers(self) -> AccountNumbers: ...
    def reputation(self, enterprise_id: str) -> Reputation: ...

class AsyncClient(_ClientOptions):
    """The asyncio client: every call returns a coroutine."""

    @property
    def terms_of_service(self) -> AsyncTermsOfService: ...
    @property
    def enterprises(self) -> AsyncEnterprises: ...
    @property
    def documents(self) -> AsyncDocuments: ...
    @property
    def numbers(self) -> AsyncAccountNumbers: ...
    def reputation(self, enterprise_id: str) -> AsyncReputation: ...

class TermsOfService:
    def agree_number_reputation(self) -> TosAgreement: ...
    def status(self, product: Product | str) -> TosStatus: ...
    def info(self, product: Product | str | None = None) -> list[TermsInfo]: ...
    @property
    def agreements(self) -> Agreements: ...

class AsyncTermsOfService:
    def agree_number_reputation(self) -> Coroutine[Any, Any, TosAgreement]: ...
    def status(self, product: Product | str) -> Coroutine[Any, Any, TosStatus]: ...
    def info(
        self, product: Product | str | None = None
    ) -> Coroutine[Any, Any, list[TermsInfo]]: ...
    @property
    def agreements(self) -> AsyncAgreements: ...

class Agreements:
    def list(
        self, *, product_type: Product | str | None = None, page_size: int | None = None
    ) -> Pager[TosAgreement]: ...
    def get(self, agreement_id: str) -> TosAgreement: ...

class AsyncAgreements:
    def list(
        self, *, product_type: Product | str | None = None, page_size: int | None = None
    ) -> AsyncPager[TosAgreement]: ...
    def get(self, agreement_id: str) -> Coroutine[Any, Any, TosAgreement]: ...

class Enterprises:
    def create(
        self,
        *,
        legal_name: str,
        doing_business_as: str,
        organization_type: str,
        organization_legal_type: str,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: str,
        organization_contact: Contact,
        billing_contact: Billing,
        organization_physical_address: Address,
        billing_address: Address,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: str | None = None,
    ) -> Enterprise: ...
    def list(
        self,
        *,
        legal_name_contains: str | None = None,
        role_type: str | None = None,
        page_size: int | None = None,
    ) -> Pager[Enterprise]: ...
    def get(self, enterprise_id: str) -> Enterprise: ...
    def replace(self, enterprise_id: str, **fields: Any) -> Enterprise:
        """Replace the mutable fields given (same names as ``create``)."""
    def delete(self, enterprise_id: str) -> None: ...

class AsyncEnterprises:
    def create(
        self,
        *,
        legal_name: str,
        doing_business_as: str,
        organization_type: str,
        organization_legal_type: str,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: str,
        organization_contact: Contact,
        billing_contact: Billing,
        organization_physical_address: Address,
        billing_address: Address,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: str | None = None,
    ) -> Coroutine[Any, Any, Enterprise]: ...
    def list(
        self,
        *,
        legal_name_contains: str | None = None,
        role_type: str | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[Enterprise]: ...
    def get(self, enterprise_id: str) -> Coroutine[Any, Any, Enterprise]: ...
    def replace(self, enterprise_id: str, **fields: Any) -> Coroutine[Any, Any, Enterprise]: ...
    def delete(self, enterprise_id: str) -> Coroutine[Any, Any, None]: ...

class Documents:
    def upload(self, filename: str, data: bytes) -> Document: ...
    def upload_json(self, filename: str, data: bytes) -> Document: ...

class AsyncDocuments:
    def upload(self, filename: str, data: bytes) -> Coroutine[Any, Any, Document]: ...
    def upload_json(self, filename: str, data: bytes) -> Coroutine[Any, Any, Document]: ...

class Reputation:
    @property
    def enterprise_id(self) -> str: ...
    def settings(self) -> ReputationSettings: ...
    def enable(
        self, loa_document_id: str, frequency: Frequency | str | None = None
    ) -> ReputationSettings: ...
    def disable(self) -> None: ...
    def set_frequency(self, frequency: Frequency | str) -> ReputationSettings: ...
    def set_webhook(self, url: str | None) -> ReputationSettings: ...
    def wait_until_approved(
        self, *, interval: float | None = None, timeout: float | None = None
    ) -> ReputationSettings: ...
    @property
    def loa(self) -> Loa: ...
    @property
    def numbers(self) -> Numbers: ...
    @property
    def remediation(self) -> Remediations: ...
    @property
    def external_verification(self) -> ExternalVerifications: ...

class AsyncReputation:
    @property
    def enterprise_id(self) -> str: ...
    def settings(self) -> Coroutine[Any, Any, ReputationSettings]: ...
    def enable(
        self, loa_document_id: str, frequency: Frequency | str | None = None
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    def disable(self) -> Coroutine[Any, Any, None]: ...
    def set_frequency(
        self, frequency: Frequency | str
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    def set_webhook(self, url: str | None) -> Coroutine[Any, Any, ReputationSettings]: ...
    def wait_until_approved(
        self, *, interval: float | None = None, timeout: float | None = None
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    @property
    def loa(self) -> AsyncLoa: ...
    @property
    def numbers(self) -> AsyncNumbers: ...
    @property
    def remediation(self) -> AsyncRemediations: ...
    @property
    def external_verification(self) -> AsyncExternalVerifications: ...

class Loa:
    def render(
        self,
        *,
        agent: LoaAgent | Mapping[str, Any] | None = None,
        signature: LoaSignature | Mapping[str, Any] | None = None,
    ) -> bytes: ...
    def replace(self, document_id: str) -> ReputationSettings: ...

class AsyncLoa:
    def render(
        self,
        *,
        agent: LoaAgent | Mapping[str, Any] | None = None,
        signature: LoaSignature | Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, bytes]: ...
    def replace(self, document_id: str) -> Coroutine[Any, Any, ReputationSettings]: ...

class Numbers:
    def add(self, numbers: list[str]) -> list[ReputationNumber]: ...
    def add_all(self, numbers: list[str], *, concurrency: int | None = None) -> BulkAddReport: ...
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: str | None = None,
        source: str | None = None,
        page_size: int | None = None,
    ) -> Pager[ReputationNumber]: ...
    def get(self, number: str) -> ReputationNumber: ...
    def get_fresh(self, number: str) -> ReputationNumber: ...
    def remove(self, number: str) -> None: ...
    def refresh(self, numbers: builtins.list[str]) -> RefreshOutcome: ...
    def ownership(self, number: str) -> NumberOwnership: ...
    def confirm_ownership(
        self, number: str, still_own: bool, evidence_document_id: str | None = None
    ) -> ReputationNumber: ...

class AsyncNumbers:
    def add(self, numbers: list[str]) -> Coroutine[Any, Any, list[ReputationNumber]]: ...
    def add_all(
        self, numbers: list[str], *, concurrency: int | None = None
    ) -> Coroutine[Any, Any, BulkAddReport]: ...
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: str | None = None,
        source: str | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[ReputationNumber]: ...
    def get(self, number: str) -> Coroutine[Any, Any, ReputationNumber]: ...
    def get_fresh(self, number: str) -> Coroutine[Any, Any, ReputationNumber]: ...
    def remove(self, number: str) -> Coroutine[Any, Any, None]: ...
    def refresh(self, numbers: builtins.list[str]) -> Coroutine[Any, Any, RefreshOutcome]: ...
    def ownership(self, number: str) -> Coroutine[Any, Any, NumberOwnership]: ...
    def confirm_ownership(
        self, number: str, still_own: bool, evidence_document_id: str | None = None
    ) -> Coroutine[Any, Any, ReputationNumber]: ...

class AccountNumbers:
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: str | None = None,
        source: str | None = None,
        enterprise_id: str | None = None,
        page_size: int | None = None,
    ) -> Pager[ReputationNumber]: ...
    def get(self, number: str, *, fresh: bool = False) -> ReputationNumber: ...
    def remove(self, number: str) -> None: ...

class AsyncAccountNumbers:
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: str | None = None,
        source: str | None = None,
        enterprise_id: str | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[ReputationNumber]: ...
    def get(self, number: str, *, fresh: bool = False) -> Coroutine[Any, Any, ReputationNumber]: ...
    def remove(self, number: str) -> Coroutine[Any, Any, None]: ...

class Remediations:
    def submit(
        self,
        numbers: list[str],
        call_purpose: str,
        *,
        contact_email: str | None = None,
        webhook_url: str | None = None,
    ) -> Remediation: ...
    def get(self, remediation_id: str) -> Remediation: ...
    def wait_until_finished(
        self, remediation_id: str, *, interval: float | None = None, timeout: float | None = None
    ) -> Remediation: ...
    def list(
        self,
        *,
        status: str | None = None,
        created_at_gte: datetime | None = None,
        created_at_lte: datetime | None = None,
        page_size: int | None = None,
    ) -> Pager[RemediationSummary]: ...

class AsyncRemediations:
    def submit(
        self,
        numbers: list[str],
        call_purpose: str,
        *,
        contact_email: str | None = None,
        webhook_url: str | None = None,
    ) -> Coroutine[Any, Any, Remediation]: ...
    def get(self, remediation_id: str) -> Coroutine[Any, Any, Remediation]: ...
    def wait_until_finished(
        self, remediation_id: str, *, interval: float | None = None, timeout: float | None = None
    ) -> Coroutine[Any, Any, Remediation]: ...
    def list(
        self,
        *,
        status: str | None = None,
        created_at_gte: datetime | None = None,
        created_at_lte: datetime | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[RemediationSummary]: ...

class ExternalVerifications:
    def submit(
        self, document_ids: list[str], *, phone_numbers: list[str] | None = None
    ) -> ExternalVerification: ...
    def get(self) -> ExternalVerification: ...

class AsyncExternalVerifications:
    def submit(
        self, document_ids: list[str], *, phone_numbers: list[str] | None = None
    ) -> Coroutine[Any, Any, ExternalVerification]: ...
    def get(self) -> Coroutine[Any, Any, ExternalVerification]: ...

def verify(payload: bytes, headers: list[tuple[str, str]], public_key: str) -> dict[str, Any]:
    """``{"type": ..., "event": ...}``; ``webhooks.verify`` builds the model."""

def sign(payload: bytes, timestamp: int, signing_key: str) -> list[tuple[str, str]]: ...
def public_key(signing_key: str) -> str: ...
