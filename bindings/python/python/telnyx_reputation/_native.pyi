"""Types of the native module (``src/*.rs``), checked against it by
``python -m mypy.stubtest telnyx_reputation`` in ``cargo xtask test python``.

Each resource class has an ``Async*`` twin, what ``AsyncClient`` hands out: at run time a
subclass adding nothing (the methods are written once and return coroutines on that
client); here a separate class whose methods are typed as coroutines. Names starting with
``_`` (aliases, the option base) exist for type checkers only.
"""

import builtins
from collections.abc import Callable, Coroutine, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeAlias, final

from typing_extensions import Self, disjoint_base

from ._paging import AsyncPager as _AsyncPager
from ._paging import Pager as _Pager
from ._raw import RawResponse
from .errors import ErrorObject
from .models import BillableRequest, Page, Price, Usage

__all__ = [
    "AccountNumbers",
    "Agreements",
    "AsyncAccountNumbers",
    "AsyncAgreements",
    "AsyncClient",
    "AsyncDocuments",
    "AsyncEnterprises",
    "AsyncExternalVerifications",
    "AsyncLoa",
    "AsyncNumbers",
    "AsyncRemediationWatch",
    "AsyncRemediations",
    "AsyncReputation",
    "AsyncTermsOfService",
    "Client",
    "Documents",
    "Enterprises",
    "ExternalVerifications",
    "Loa",
    "Numbers",
    "PageCursor",
    "Pager",
    "RemediationWatch",
    "Remediations",
    "Reputation",
    "TermsOfService",
    "__version__",
    "public_key",
    "published_prices",
    "sign",
    "verify",
]

__version__: str

_Frequency: TypeAlias = _CheckFrequency
_Product: TypeAlias = _ProductType
_Address: TypeAlias = PhysicalAddress | Mapping[str, Any]
_Contact: TypeAlias = OrganizationContact | Mapping[str, Any]
_Billing: TypeAlias = BillingContact | Mapping[str, Any]

class _ClientOptions:
    def __new__(
        cls,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_cap: float | None = None,
        retry_deadline: float | None = None,
        user_agent: str | None = None,
        allow_insecure_http: bool | None = None,
        max_billable: int | None = None,
        max_spend: Decimal | str | int | float | None = None,
        prices: Mapping[str, object] | None = None,
        on_billable: Callable[[BillableRequest], object] | None = None,
    ) -> Self:
        """Options default to ``TELNYX_API_KEY`` / ``TELNYX_BASE_URL``, then the core's
        defaults (60 s timeout, 2 retries, 8 s retry cap). Times are in seconds.

        ``max_billable``: billed units allowed for the client's lifetime (per process):
        numbers added, checks made, numbers remediated, enterprises enabled, not requests;
        one over it raises ``BillingRefusedError`` and nothing is sent. ``max_spend``: the
        same in US dollars (``Decimal("25.00")`` or ``"25.00"``) at ``prices``, a map from
        item to price (``"0.12"``, ``"unknown"`` or ``{"usd", "source", "read"}``)
        overriding the published ``PRICES``; an action whose price is unknown is refused
        under ``max_spend``. ``on_billable`` is
        called with each billable request before it is sent; returning ``False`` or raising
        refuses it. ``user_agent`` replaces the ``User-Agent`` header. An unknown keyword
        raises ``InvalidInputError`` naming it."""
    @property
    def base_url(self) -> str: ...
    @property
    def max_billable(self) -> int | None: ...
    @property
    def remaining_billable(self) -> int | None:
        """Billed units the ``max_billable`` budget still allows, if one was set."""
    @property
    def max_spend(self) -> Decimal | None: ...
    @property
    def remaining_spend(self) -> Decimal | None:
        """US dollars the ``max_spend`` budget still allows, if one was set."""
    @property
    def prices(self) -> list[Price]:
        """The prices this client counts with (``PRICES`` unless given ``prices=``)."""
    def usage(self) -> Usage:
        """Requests, billed units and US dollars so far, per action and in total."""

@final
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

@final
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

@disjoint_base
class TermsOfService:
    def agree_number_reputation(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> TosAgreement: ...
    def status(
        self,
        product: _Product,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> TosStatus: ...
    def info(
        self,
        product: _Product | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[TermsInfo]: ...
    @property
    def agreements(self) -> Agreements: ...
    @property
    def with_raw_response(self) -> _RawTermsOfService:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncTermsOfService:
    def agree_number_reputation(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, TosAgreement]: ...
    def status(
        self,
        product: _Product,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, TosStatus]: ...
    def info(
        self,
        product: _Product | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, list[TermsInfo]]: ...
    @property
    def agreements(self) -> AsyncAgreements: ...
    @property
    def with_raw_response(self) -> _RawAsyncTermsOfService:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Agreements:
    def list(
        self,
        *,
        product_type: _Product | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _Pager[TosAgreement]: ...
    def get(
        self,
        agreement_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> TosAgreement: ...
    @property
    def with_raw_response(self) -> _RawAgreements:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncAgreements:
    def list(
        self,
        *,
        product_type: _Product | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _AsyncPager[TosAgreement]: ...
    def get(
        self,
        agreement_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, TosAgreement]: ...
    @property
    def with_raw_response(self) -> _RawAsyncAgreements:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Enterprises:
    def create(
        self,
        *,
        legal_name: str,
        doing_business_as: str,
        organization_type: _OrganizationType,
        organization_legal_type: _OrganizationLegalType,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: _NumberOfEmployees,
        organization_contact: _Contact,
        billing_contact: _Billing,
        organization_physical_address: _Address,
        billing_address: _Address,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: _RoleType | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Enterprise: ...
    def list(
        self,
        *,
        legal_name_contains: str | None = None,
        role_type: _RoleType | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _Pager[Enterprise]: ...
    def get(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Enterprise: ...
    def replace(
        self,
        enterprise_id: str,
        *,
        legal_name: str | None = None,
        doing_business_as: str | None = None,
        organization_legal_type: _OrganizationLegalType | None = None,
        jurisdiction_of_incorporation: str | None = None,
        website: str | None = None,
        fein: str | None = None,
        industry: str | None = None,
        number_of_employees: _NumberOfEmployees | None = None,
        organization_contact: _Contact | None = None,
        billing_contact: _Billing | None = None,
        organization_physical_address: _Address | None = None,
        billing_address: _Address | None = None,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Enterprise:
        """Replace the fields given; the others are left as they are (not sent)."""
    def delete(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None: ...
    @property
    def with_raw_response(self) -> _RawEnterprises:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncEnterprises:
    def create(
        self,
        *,
        legal_name: str,
        doing_business_as: str,
        organization_type: _OrganizationType,
        organization_legal_type: _OrganizationLegalType,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: _NumberOfEmployees,
        organization_contact: _Contact,
        billing_contact: _Billing,
        organization_physical_address: _Address,
        billing_address: _Address,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: _RoleType | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Enterprise]: ...
    def list(
        self,
        *,
        legal_name_contains: str | None = None,
        role_type: _RoleType | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _AsyncPager[Enterprise]: ...
    def get(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Enterprise]: ...
    def replace(
        self,
        enterprise_id: str,
        *,
        legal_name: str | None = None,
        doing_business_as: str | None = None,
        organization_legal_type: _OrganizationLegalType | None = None,
        jurisdiction_of_incorporation: str | None = None,
        website: str | None = None,
        fein: str | None = None,
        industry: str | None = None,
        number_of_employees: _NumberOfEmployees | None = None,
        organization_contact: _Contact | None = None,
        billing_contact: _Billing | None = None,
        organization_physical_address: _Address | None = None,
        billing_address: _Address | None = None,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Enterprise]: ...
    def delete(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, None]: ...
    @property
    def with_raw_response(self) -> _RawAsyncEnterprises:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Documents:
    def upload(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Document: ...
    def upload_json(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Document: ...
    @property
    def with_raw_response(self) -> _RawDocuments:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncDocuments:
    def upload(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Document]: ...
    def upload_json(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Document]: ...
    @property
    def with_raw_response(self) -> _RawAsyncDocuments:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Reputation:
    @property
    def enterprise_id(self) -> str: ...
    def settings(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationSettings: ...
    def enable(
        self,
        loa_document_id: str,
        frequency: _Frequency | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationSettings: ...
    def disable(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None: ...
    def set_frequency(
        self,
        frequency: _Frequency,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationSettings: ...
    def set_webhook(
        self,
        url: str | None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationSettings: ...
    def wait_until_approved(
        self,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationSettings: ...
    @property
    def loa(self) -> Loa: ...
    @property
    def numbers(self) -> Numbers: ...
    @property
    def remediation(self) -> Remediations: ...
    @property
    def external_verification(self) -> ExternalVerifications: ...
    @property
    def with_raw_response(self) -> _RawReputation:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncReputation:
    @property
    def enterprise_id(self) -> str: ...
    def settings(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    def enable(
        self,
        loa_document_id: str,
        frequency: _Frequency | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    def disable(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, None]: ...
    def set_frequency(
        self,
        frequency: _Frequency,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    def set_webhook(
        self,
        url: str | None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    def wait_until_approved(
        self,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    @property
    def loa(self) -> AsyncLoa: ...
    @property
    def numbers(self) -> AsyncNumbers: ...
    @property
    def remediation(self) -> AsyncRemediations: ...
    @property
    def external_verification(self) -> AsyncExternalVerifications: ...
    @property
    def with_raw_response(self) -> _RawAsyncReputation:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Loa:
    def render(
        self,
        *,
        agent: LoaAgent | Mapping[str, Any] | None = None,
        signature: LoaSignature | Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> bytes: ...
    def replace(
        self,
        document_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationSettings: ...
    @property
    def with_raw_response(self) -> _RawLoa:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncLoa:
    def render(
        self,
        *,
        agent: LoaAgent | Mapping[str, Any] | None = None,
        signature: LoaSignature | Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, bytes]: ...
    def replace(
        self,
        document_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationSettings]: ...
    @property
    def with_raw_response(self) -> _RawAsyncLoa:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Numbers:
    def add(
        self,
        numbers: list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[ReputationNumber]: ...
    def add_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BulkAddReport: ...
    def refresh_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BulkRefreshReport: ...
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _Pager[ReputationNumber]: ...
    def get(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationNumber: ...
    def get_fresh(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationNumber: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None: ...
    def refresh(
        self,
        numbers: builtins.list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RefreshOutcome: ...
    def ownership(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> NumberOwnership: ...
    def confirm_ownership(
        self,
        number: str,
        still_own: bool,
        evidence_document_id: str | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationNumber: ...
    @property
    def with_raw_response(self) -> _RawNumbers:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncNumbers:
    def add(
        self,
        numbers: list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, list[ReputationNumber]]: ...
    def add_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, BulkAddReport]: ...
    def refresh_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, BulkRefreshReport]: ...
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _AsyncPager[ReputationNumber]: ...
    def get(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationNumber]: ...
    def get_fresh(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationNumber]: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, None]: ...
    def refresh(
        self,
        numbers: builtins.list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RefreshOutcome]: ...
    def ownership(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, NumberOwnership]: ...
    def confirm_ownership(
        self,
        number: str,
        still_own: bool,
        evidence_document_id: str | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationNumber]: ...
    @property
    def with_raw_response(self) -> _RawAsyncNumbers:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class AccountNumbers:
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        enterprise_id: str | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _Pager[ReputationNumber]: ...
    def get(
        self,
        number: str,
        *,
        fresh: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ReputationNumber: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None: ...
    @property
    def with_raw_response(self) -> _RawAccountNumbers:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncAccountNumbers:
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        enterprise_id: str | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _AsyncPager[ReputationNumber]: ...
    def get(
        self,
        number: str,
        *,
        fresh: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ReputationNumber]: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, None]: ...
    @property
    def with_raw_response(self) -> _RawAsyncAccountNumbers:
        """This handle, its calls returning ``RawResponse``."""

@disjoint_base
class Remediations:
    def submit(
        self,
        numbers: list[str],
        call_purpose: str,
        *,
        contact_email: str | None = None,
        webhook_url: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Remediation: ...
    def get(
        self,
        remediation_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Remediation: ...
    def watch(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RemediationWatch:
        """The request each time its status changes, until a final status."""
    def wait_until_finished(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Remediation: ...
    def list(
        self,
        *,
        status: _RemediationStatus | None = None,
        created_at_gte: datetime | None = None,
        created_at_lte: datetime | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _Pager[RemediationSummary]: ...
    @property
    def with_raw_response(self) -> _RawRemediations:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncRemediations:
    def submit(
        self,
        numbers: list[str],
        call_purpose: str,
        *,
        contact_email: str | None = None,
        webhook_url: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Remediation]: ...
    def get(
        self,
        remediation_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Remediation]: ...
    def watch(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncRemediationWatch:
        """The request each time its status changes, until a final status."""
    def wait_until_finished(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Remediation]: ...
    def list(
        self,
        *,
        status: _RemediationStatus | None = None,
        created_at_gte: datetime | None = None,
        created_at_lte: datetime | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> _AsyncPager[RemediationSummary]: ...
    @property
    def with_raw_response(self) -> _RawAsyncRemediations:
        """This handle, its calls returning ``RawResponse``."""

@final
class RemediationWatch:
    """What ``rep.remediation.watch(id)`` returns on ``Client``."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Remediation: ...

@final
class AsyncRemediationWatch:
    """What ``rep.remediation.watch(id)`` returns on ``AsyncClient``."""

    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Coroutine[Any, Any, Remediation]: ...

@disjoint_base
class ExternalVerifications:
    def submit(
        self,
        document_ids: list[str],
        *,
        phone_numbers: list[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ExternalVerification: ...
    def get(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ExternalVerification: ...
    @property
    def with_raw_response(self) -> _RawExternalVerifications:
        """This handle, its calls returning ``RawResponse``."""

@final
class AsyncExternalVerifications:
    def submit(
        self,
        document_ids: list[str],
        *,
        phone_numbers: list[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ExternalVerification]: ...
    def get(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, ExternalVerification]: ...
    @property
    def with_raw_response(self) -> _RawAsyncExternalVerifications:
        """This handle, its calls returning ``RawResponse``."""

@final
class Pager:
    """One configured list endpoint; ``_paging.Pager`` / ``AsyncPager`` iterate it."""

    def fetch_page(self, number: int) -> Any: ...
    def pages(self) -> PageCursor:
        """A new cursor over every page, from the first (no I/O until its first ``next()``)."""

@final
class PageCursor:
    """The facade's page cursor, next page already in flight; ``_paging.Pages`` wraps it."""

    def next(self) -> Any:
        """``(items, meta, has_next)`` or ``None`` at the end; a coroutine on ``AsyncClient``."""

def verify(payload: bytes, headers: list[tuple[str, str]], public_key: str) -> dict[str, Any]:
    """``{"type": ..., "event": ...}``; ``webhooks.verify`` builds the model."""

def sign(payload: bytes, timestamp: int, signing_key: str) -> list[tuple[str, str]]: ...
def public_key(signing_key: str) -> str: ...
def published_prices() -> list[Price]:
    """The published price table (``telnyx_reputation.PRICES``)."""

# --- @generated models: cargo xtask codegen from crates/telnyx-reputation/src/{models,enums}.rs; do not edit below ---

_SpamRisk: TypeAlias = Literal["low", "medium", "high"]
"""Overall spam likelihood of a number."""
_CheckFrequency: TypeAlias = Literal[
    "business_daily", "daily", "weekly", "biweekly", "monthly", "never"
]
"""How often Telnyx re-checks an enterprise's numbers."""
_GateStatus: TypeAlias = Literal["pending", "approved", "rejected"]
"""State of an approval gate (``loa_status``, external verification, BPO verification)."""
_ReputationStatus: TypeAlias = Literal["pending", "approved", "deleted", "rejected"]
"""The reputation activation lifecycle (``status`` of the settings)."""
_RemediationStatus: TypeAlias = Literal[
    "pending", "in_progress", "completed", "failed", "cancelled"
]
"""Customer-facing status of a remediation request."""
_OwnershipStatus: TypeAlias = Literal["verified", "flagged", "pending_confirmation", "removed"]
"""Ownership tracking state of a monitored number."""
_NumberSource: TypeAlias = Literal["telnyx", "external"]
"""Where a monitored number is hosted."""
_RemovalReason: TypeAlias = Literal[
    "ported_away", "unconfirmed_ownership", "reassigned", "customer_reported", "customer_removed"
]
"""Why a number left monitoring."""
_ProductType: TypeAlias = Literal["branded_calling", "number_reputation"]
"""A Telnyx product with its own terms of service."""
_OrganizationType: TypeAlias = Literal["commercial", "government", "non_profit"]
"""Kind of organisation an enterprise is."""
_OrganizationLegalType: TypeAlias = Literal[
    "corporation", "llc", "partnership", "nonprofit", "other"
]
"""Legal form of an enterprise."""
_NumberOfEmployees: TypeAlias = Literal[
    "1-10", "11-50", "51-200", "201-500", "501-2000", "2001-10000", "10001+"
]
"""Head-count band of an enterprise."""
_RoleType: TypeAlias = Literal["enterprise", "bpo"]
"""Role of an enterprise, fixed at creation."""

__all__ += [
    "PhysicalAddress",
    "BillingContact",
    "OrganizationContact",
    "Enterprise",
    "ReputationSettings",
    "ReputationData",
    "ReputationNumber",
    "RefreshResult",
    "RefreshOutcome",
    "BulkAddReport",
    "BulkRefreshReport",
    "BatchFailure",
    "OwnershipEvent",
    "NumberOwnership",
    "RemediationResults",
    "Remediation",
    "RemediationSummary",
    "ExternalVerification",
    "TosAgreement",
    "TosStatus",
    "TermsInfo",
    "DocumentSize",
    "Document",
    "PageMeta",
    "LoaAgent",
    "LoaSignature",
]

@final
class PhysicalAddress:
    """A postal address."""

    def __new__(
        cls,
        *,
        street_address: str,
        city: str,
        administrative_area: str,
        postal_code: str,
        country: str,
        extended_address: str | None = None,
    ) -> PhysicalAddress: ...
    @property
    def street_address(self) -> str:
        """Street and number."""
    @property
    def extended_address(self) -> str | None:
        """Suite, floor, etc."""
    @property
    def city(self) -> str:
        """City."""
    @property
    def administrative_area(self) -> str:
        """State or province, e.g. ``IL``."""
    @property
    def postal_code(self) -> str:
        """Postal code."""
    @property
    def country(self) -> str:
        """Two-letter country code, e.g. ``US``."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> PhysicalAddress: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BillingContact:
    """Who receives invoices for the enterprise."""

    def __new__(
        cls,
        *,
        first_name: str,
        last_name: str,
        email: str,
        phone_number: str,
    ) -> BillingContact: ...
    @property
    def first_name(self) -> str:
        """First name."""
    @property
    def last_name(self) -> str:
        """Last name."""
    @property
    def email(self) -> str:
        """Email address."""
    @property
    def phone_number(self) -> str:
        """E.164 phone number."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> BillingContact: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class OrganizationContact:
    """The enterprise's authorised representative."""

    def __new__(
        cls,
        *,
        first_name: str,
        last_name: str,
        email: str,
        job_title: str,
        phone_number: str,
    ) -> OrganizationContact: ...
    @property
    def first_name(self) -> str:
        """First name."""
    @property
    def last_name(self) -> str:
        """Last name."""
    @property
    def email(self) -> str:
        """Email address."""
    @property
    def job_title(self) -> str:
        """Job title."""
    @property
    def phone_number(self) -> str:
        """E.164 phone number."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> OrganizationContact: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Enterprise:
    """An enterprise: the legal entity that represents a business on the Telnyx platform."""

    def __new__(
        cls,
        *,
        id: str,
        legal_name: str,
        doing_business_as: str,
        organization_type: _OrganizationType,
        organization_legal_type: _OrganizationLegalType,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: _NumberOfEmployees,
        organization_contact: OrganizationContact,
        billing_contact: BillingContact,
        organization_physical_address: PhysicalAddress,
        billing_address: PhysicalAddress,
        created_at: datetime,
        updated_at: datetime,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: _RoleType | None = None,
        number_reputation_enabled: bool | None = None,
        branded_calling_enabled: bool | None = None,
        bpo_verification_status: _GateStatus | None = None,
        bpo_verification_rejection_reason: str | None = None,
    ) -> Enterprise: ...
    @property
    def id(self) -> str:
        """Enterprise id (a UUID); the ``enterprise_id`` of every reputation call."""
    @property
    def legal_name(self) -> str:
        """Registered legal name."""
    @property
    def doing_business_as(self) -> str:
        """Trading name."""
    @property
    def organization_type(self) -> _OrganizationType | str:
        """Kind of organisation."""
    @property
    def organization_legal_type(self) -> _OrganizationLegalType | str:
        """Legal form."""
    @property
    def country_code(self) -> str:
        """ISO 3166-1 alpha-2 country code."""
    @property
    def jurisdiction_of_incorporation(self) -> str:
        """Where the enterprise is incorporated, e.g. ``Delaware``."""
    @property
    def website(self) -> str:
        """Public website."""
    @property
    def fein(self) -> str:
        """US Federal Employer Identification Number (``NN-NNNNNNN``)."""
    @property
    def industry(self) -> str:
        """Industry (an opaque string; the API lists about 40 values)."""
    @property
    def number_of_employees(self) -> _NumberOfEmployees | str:
        """Head-count band."""
    @property
    def organization_contact(self) -> OrganizationContact:
        """Authorised representative."""
    @property
    def billing_contact(self) -> BillingContact:
        """Billing contact."""
    @property
    def organization_physical_address(self) -> PhysicalAddress:
        """Registered address."""
    @property
    def billing_address(self) -> PhysicalAddress:
        """Billing address."""
    @property
    def corporate_registration_number(self) -> str | None:
        """Corporate registration number."""
    @property
    def customer_reference(self) -> str | None:
        """Your own reference."""
    @property
    def dun_bradstreet_number(self) -> str | None:
        """9-digit D-U-N-S number."""
    @property
    def primary_business_domain_sic_code(self) -> str | None:
        """4-digit SIC code."""
    @property
    def professional_license_number(self) -> str | None:
        """Professional licence number."""
    @property
    def role_type(self) -> _RoleType | str | None:
        """Enterprise or BPO."""
    @property
    def number_reputation_enabled(self) -> bool | None:
        """Whether Number Reputation is enabled."""
    @property
    def branded_calling_enabled(self) -> bool | None:
        """Whether Branded Calling is enabled."""
    @property
    def bpo_verification_status(self) -> _GateStatus | str | None:
        """BPO verification state (BPOs only)."""
    @property
    def bpo_verification_rejection_reason(self) -> str | None:
        """Why BPO verification was rejected."""
    @property
    def created_at(self) -> datetime:
        """When the enterprise was created."""
    @property
    def updated_at(self) -> datetime:
        """When the enterprise last changed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> Enterprise: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReputationSettings:
    """Number Reputation configuration and the two approval gates of one enterprise."""

    def __new__(
        cls,
        *,
        enterprise_id: str,
        status: _ReputationStatus,
        loa_status: _GateStatus,
        check_frequency: _CheckFrequency,
        created_at: datetime,
        updated_at: datetime,
        loa_document_id: str | None = None,
        rejection_reasons: list[str] | None = None,
        external_verification_status: _GateStatus | None = None,
        webhook_url: str | None = None,
    ) -> ReputationSettings: ...
    @property
    def enterprise_id(self) -> str:
        """The enterprise."""
    @property
    def status(self) -> _ReputationStatus | str:
        """Activation lifecycle gate."""
    @property
    def loa_status(self) -> _GateStatus | str:
        """LOA review gate."""
    @property
    def check_frequency(self) -> _CheckFrequency | str:
        """Automatic re-check schedule."""
    @property
    def loa_document_id(self) -> str | None:
        """Document id of the signed LOA in use."""
    @property
    def rejection_reasons(self) -> list[str]:
        """Why activation was rejected (empty unless ``status`` is ``rejected``; the API sends null)."""
    @property
    def external_verification_status(self) -> _GateStatus | str | None:
        """Review state of the evidence for externally hosted numbers, if any was submitted."""
    @property
    def webhook_url(self) -> str | None:
        """Where reputation events are delivered; ``None`` when delivery is off."""
    @property
    def created_at(self) -> datetime:
        """When reputation was enabled."""
    @property
    def updated_at(self) -> datetime:
        """When the settings last changed."""
    @property
    def ready_for_numbers(self) -> bool:
        """Both gates are ``approved``: numbers can be added."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> ReputationSettings: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReputationData:
    """Latest reputation snapshot of a number; every field may be ``None`` for lack of data."""

    def __new__(
        cls,
        *,
        spam_risk: _SpamRisk | None = None,
        spam_category: str | None = None,
        maturity_score: int | None = None,
        connection_score: int | None = None,
        engagement_score: int | None = None,
        sentiment_score: int | None = None,
        last_refreshed_at: datetime | None = None,
    ) -> ReputationData: ...
    @property
    def spam_risk(self) -> _SpamRisk | str | None:
        """Overall spam likelihood."""
    @property
    def spam_category(self) -> str | None:
        """Category label when flagged (opaque; the set may grow)."""
    @property
    def maturity_score(self) -> int | None:
        """Maturity score, 0–100."""
    @property
    def connection_score(self) -> int | None:
        """Connection score, 0–100."""
    @property
    def engagement_score(self) -> int | None:
        """Engagement score, 0–100."""
    @property
    def sentiment_score(self) -> int | None:
        """Sentiment score, 0–100."""
    @property
    def last_refreshed_at(self) -> datetime | None:
        """When the data was last refreshed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> ReputationData: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReputationNumber:
    """A number registered for reputation monitoring."""

    def __new__(
        cls,
        *,
        id: str,
        enterprise_id: str,
        phone_number: str,
        created_at: datetime,
        updated_at: datetime,
        reputation_data: ReputationData | None = None,
        source: _NumberSource | None = None,
        ownership_status: _OwnershipStatus | None = None,
        flag_reason: str | None = None,
        confirm_by: datetime | None = None,
        removal_reason: _RemovalReason | None = None,
        removed_at: datetime | None = None,
    ) -> ReputationNumber: ...
    @property
    def id(self) -> str:
        """Registration id."""
    @property
    def enterprise_id(self) -> str:
        """The enterprise monitoring it."""
    @property
    def phone_number(self) -> str:
        """The number, E.164."""
    @property
    def reputation_data(self) -> ReputationData | None:
        """Latest snapshot; ``None`` until the first refresh has been collected."""
    @property
    def source(self) -> _NumberSource | str | None:
        """Where the number is hosted."""
    @property
    def ownership_status(self) -> _OwnershipStatus | str | None:
        """Ownership tracking state."""
    @property
    def flag_reason(self) -> str | None:
        """Why ownership was flagged."""
    @property
    def confirm_by(self) -> datetime | None:
        """Deadline to confirm ownership."""
    @property
    def removal_reason(self) -> _RemovalReason | str | None:
        """Why the number left monitoring."""
    @property
    def removed_at(self) -> datetime | None:
        """When the number left monitoring."""
    @property
    def created_at(self) -> datetime:
        """When the number was registered."""
    @property
    def updated_at(self) -> datetime:
        """When the record last changed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> ReputationNumber: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RefreshResult:
    """The result of refreshing one number."""

    def __new__(
        cls,
        *,
        phone_number: str,
        success: bool,
        error: str | None = None,
    ) -> RefreshResult: ...
    @property
    def phone_number(self) -> str:
        """The number."""
    @property
    def success(self) -> bool:
        """Whether fresh data was collected."""
    @property
    def error(self) -> str | None:
        """Why it failed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> RefreshResult: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RefreshOutcome:
    """The result of ``numbers().refresh(..)``."""

    def __new__(
        cls,
        *,
        results: list[RefreshResult],
        total_requested: int,
        total_successful: int,
        total_failed: int,
    ) -> RefreshOutcome: ...
    @property
    def results(self) -> list[RefreshResult]:
        """Per-number results."""
    @property
    def total_requested(self) -> int:
        """Numbers requested."""
    @property
    def total_successful(self) -> int:
        """Numbers refreshed."""
    @property
    def total_failed(self) -> int:
        """Numbers that failed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> RefreshOutcome: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BulkAddReport:
    """The result of ``numbers().add_all(..)``: every input number is either in ``added`` or in
    the ``numbers`` of one entry of ``failed``, so nothing is silently dropped. A failed batch
    whose ``BatchFailure::outcome_unknown`` is true may have been added (its answer was
    lost); the others were not.
    """

    @property
    def added(self) -> list[ReputationNumber]:
        """The registered numbers, in input order (failed batches left out)."""
    @property
    def failed(self) -> list[BatchFailure]:
        """The batches the API rejected or that could not be sent, in batch order."""
    @property
    def is_complete(self) -> bool:
        """True when every batch was added."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> BulkAddReport: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BulkRefreshReport:
    """The result of ``numbers().refresh_all(..)``: every input number is either in ``results`` or
    in the ``numbers`` of one entry of ``failed``.
    """

    @property
    def results(self) -> list[RefreshResult]:
        """Per-number results of the batches that were answered, in input order."""
    @property
    def failed(self) -> list[BatchFailure]:
        """The batches the API rejected or that could not be sent, in batch order."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> BulkRefreshReport: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BatchFailure:
    """One batch of ``add_all`` or ``refresh_all`` that failed. Batches are atomic: when the server
    answered with an error, none of its numbers were applied. When the request was sent and
    its answer lost (``BatchFailure::outcome_unknown``), the server may have applied the whole
    batch (and billed it); it was not retried, and the error says so.

    ``Error`` is not serializable, so the serde form (what the Python and Node bindings see)
    carries the error as ``error_kind`` (the stable code, e.g. ``"UNPROCESSABLE"``), ``message``,
    ``status``, ``request_id``, ``api_errors`` and ``outcome_unknown`` beside ``batch_index`` and
    ``numbers``.
    """

    @property
    def batch_index(self) -> int:
        """0-based position of the batch: it held input numbers ``100 * batch_index`` onwards."""
    @property
    def numbers(self) -> list[str]:
        """The numbers of the batch: none of them applied, unless the outcome is unknown."""
    @property
    def error_kind(self) -> str:
        """The stable error code, e.g. ``UNPROCESSABLE`` (the kind a raised error has)."""
    @property
    def message(self) -> str:
        """The error message."""
    @property
    def status(self) -> int | None:
        """HTTP status, when the batch got an error response."""
    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one."""
    @property
    def api_errors(self) -> list[ErrorObject]:
        """The API's ``errors[]`` (empty when there was none)."""
    @property
    def outcome_unknown(self) -> bool:
        """True when the batch was sent and its answer lost: it may have been added."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> BatchFailure: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class OwnershipEvent:
    """One event in a number's ownership tracking."""

    def __new__(
        cls,
        *,
        event_type: str | None = None,
        occurred_at: datetime | None = None,
        outcome: str | None = None,
    ) -> OwnershipEvent: ...
    @property
    def event_type(self) -> str | None:
        """What happened, e.g. ``added``, ``check``, ``flag``, ``confirm``, ``removed``."""
    @property
    def occurred_at(self) -> datetime | None:
        """When."""
    @property
    def outcome(self) -> str | None:
        """Outcome text."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> OwnershipEvent: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class NumberOwnership:
    """Ownership tracking detail of a monitored number."""

    def __new__(
        cls,
        *,
        phone_number: str | None = None,
        source: _NumberSource | None = None,
        ownership_status: _OwnershipStatus | None = None,
        flag_reason: str | None = None,
        confirm_by: datetime | None = None,
        baseline_carrier: str | None = None,
        baseline_recorded_at: datetime | None = None,
        last_checked_at: datetime | None = None,
        history: list[OwnershipEvent] | None = None,
    ) -> NumberOwnership: ...
    @property
    def phone_number(self) -> str | None:
        """The number."""
    @property
    def source(self) -> _NumberSource | str | None:
        """Where the number is hosted."""
    @property
    def ownership_status(self) -> _OwnershipStatus | str | None:
        """Ownership tracking state."""
    @property
    def flag_reason(self) -> str | None:
        """Why ownership was flagged."""
    @property
    def confirm_by(self) -> datetime | None:
        """Deadline to confirm ownership."""
    @property
    def baseline_carrier(self) -> str | None:
        """Carrier recorded when monitoring started."""
    @property
    def baseline_recorded_at(self) -> datetime | None:
        """When the baseline was recorded."""
    @property
    def last_checked_at(self) -> datetime | None:
        """When ownership was last checked."""
    @property
    def history(self) -> list[OwnershipEvent]:
        """Tracking history, oldest first."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> NumberOwnership: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RemediationResults:
    """Per-number outcome buckets of a remediation request."""

    def __new__(
        cls,
        *,
        remediated: list[str],
        not_flagged: list[str],
        requires_review: list[str],
        ineligible: list[str],
        refused: list[str],
    ) -> RemediationResults: ...
    @property
    def remediated(self) -> list[str]:
        """Re-evaluated and cleared."""
    @property
    def not_flagged(self) -> list[str]:
        """Not flagged, nothing to do."""
    @property
    def requires_review(self) -> list[str]:
        """Needs further review; still flagged."""
    @property
    def ineligible(self) -> list[str]:
        """Rejected before submission."""
    @property
    def refused(self) -> list[str]:
        """Re-evaluation declined; still flagged."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> RemediationResults: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Remediation:
    """A remediation request with full detail."""

    def __new__(
        cls,
        *,
        id: str,
        status: _RemediationStatus,
        phone_numbers_count: int,
        phone_numbers_submitted: int,
        phone_numbers_ineligible: int,
        call_purpose: str,
        created_at: datetime,
        updated_at: datetime,
        contact_email: str | None = None,
        webhook_url: str | None = None,
        tier1_completed_at: datetime | None = None,
        tier2_completed_at: datetime | None = None,
        results: RemediationResults | None = None,
    ) -> Remediation: ...
    @property
    def id(self) -> str:
        """Request id."""
    @property
    def status(self) -> _RemediationStatus | str:
        """Customer-facing status."""
    @property
    def phone_numbers_count(self) -> int:
        """Total numbers in the batch."""
    @property
    def phone_numbers_submitted(self) -> int:
        """Numbers accepted for remediation."""
    @property
    def phone_numbers_ineligible(self) -> int:
        """Numbers rejected before submission."""
    @property
    def call_purpose(self) -> str:
        """How the numbers are used."""
    @property
    def contact_email(self) -> str | None:
        """Contact email for follow-up."""
    @property
    def webhook_url(self) -> str | None:
        """Where status notifications go."""
    @property
    def tier1_completed_at(self) -> datetime | None:
        """When the first review tier completed."""
    @property
    def tier2_completed_at(self) -> datetime | None:
        """When the second review tier completed."""
    @property
    def results(self) -> RemediationResults | None:
        """Per-number outcome; ``None`` until results are available."""
    @property
    def created_at(self) -> datetime:
        """When the request was created."""
    @property
    def updated_at(self) -> datetime:
        """When the request last changed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> Remediation: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RemediationSummary:
    """A remediation request as listed (slim shape, no results)."""

    def __new__(
        cls,
        *,
        id: str,
        status: _RemediationStatus,
        phone_numbers_count: int,
        call_purpose: str,
        created_at: datetime,
        updated_at: datetime,
        tier1_completed_at: datetime | None = None,
        tier2_completed_at: datetime | None = None,
    ) -> RemediationSummary: ...
    @property
    def id(self) -> str:
        """Request id."""
    @property
    def status(self) -> _RemediationStatus | str:
        """Customer-facing status."""
    @property
    def phone_numbers_count(self) -> int:
        """Total numbers in the batch."""
    @property
    def call_purpose(self) -> str:
        """How the numbers are used."""
    @property
    def tier1_completed_at(self) -> datetime | None:
        """When the first review tier completed."""
    @property
    def tier2_completed_at(self) -> datetime | None:
        """When the second review tier completed."""
    @property
    def created_at(self) -> datetime:
        """When the request was created."""
    @property
    def updated_at(self) -> datetime:
        """When the request last changed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> RemediationSummary: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ExternalVerification:
    """The enterprise's ownership proof for externally hosted numbers."""

    def __new__(
        cls,
        *,
        enterprise_id: str | None = None,
        status: _GateStatus | None = None,
        document_ids: list[str] | None = None,
        phone_numbers: list[str] | None = None,
        rejection_reason: str | None = None,
        submitted_at: datetime | None = None,
        reviewed_at: datetime | None = None,
    ) -> ExternalVerification: ...
    @property
    def enterprise_id(self) -> str | None:
        """The enterprise."""
    @property
    def status(self) -> _GateStatus | str | None:
        """Review state."""
    @property
    def document_ids(self) -> list[str]:
        """Evidence documents."""
    @property
    def phone_numbers(self) -> list[str]:
        """Numbers the documents cover."""
    @property
    def rejection_reason(self) -> str | None:
        """Why the evidence was rejected."""
    @property
    def submitted_at(self) -> datetime | None:
        """When the evidence was submitted."""
    @property
    def reviewed_at(self) -> datetime | None:
        """When the evidence was reviewed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> ExternalVerification: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TosAgreement:
    """A recorded agreement to a product's terms of service."""

    def __new__(
        cls,
        *,
        id: str,
        product_type: _ProductType,
        version: str,
        terms_version: str,
        agreed_at: datetime,
        created_at: datetime | None = None,
    ) -> TosAgreement: ...
    @property
    def id(self) -> str:
        """Agreement id."""
    @property
    def product_type(self) -> _ProductType | str:
        """The product."""
    @property
    def version(self) -> str:
        """Agreement record version."""
    @property
    def terms_version(self) -> str:
        """Version of the terms agreed to."""
    @property
    def agreed_at(self) -> datetime:
        """When the user agreed."""
    @property
    def created_at(self) -> datetime | None:
        """When the record was created."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> TosAgreement: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TosStatus:
    """Whether the account has agreed to a product's current terms."""

    def __new__(
        cls,
        *,
        product_type: _ProductType,
        has_agreed: bool,
        agreement_required: bool,
        current_terms_version: str,
        agreed_version: str | None = None,
        agreed_at: datetime | None = None,
    ) -> TosStatus: ...
    @property
    def product_type(self) -> _ProductType | str:
        """The product."""
    @property
    def has_agreed(self) -> bool:
        """Whether the account has agreed to some version."""
    @property
    def agreement_required(self) -> bool:
        """Whether an agreement to the current version is still required."""
    @property
    def current_terms_version(self) -> str:
        """The current terms version."""
    @property
    def agreed_version(self) -> str | None:
        """The version agreed to, if any."""
    @property
    def agreed_at(self) -> datetime | None:
        """When the account agreed, if it did."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> TosStatus: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TermsInfo:
    """The current terms of one product."""

    def __new__(
        cls,
        *,
        product_type: _ProductType | None = None,
        current_version: str | None = None,
        description: str | None = None,
        effective_date: date | None = None,
        terms_url: str | None = None,
    ) -> TermsInfo: ...
    @property
    def product_type(self) -> _ProductType | str | None:
        """The product."""
    @property
    def current_version(self) -> str | None:
        """Current version."""
    @property
    def description(self) -> str | None:
        """Description."""
    @property
    def effective_date(self) -> date | None:
        """When the current version took effect."""
    @property
    def terms_url(self) -> str | None:
        """Where to read the terms."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> TermsInfo: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class DocumentSize:
    """Size of a stored document."""

    def __new__(
        cls,
        *,
        amount: int | None = None,
        unit: str | None = None,
    ) -> DocumentSize: ...
    @property
    def amount(self) -> int | None:
        """Amount in ``unit``."""
    @property
    def unit(self) -> str | None:
        """Unit, e.g. ``bytes``."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> DocumentSize: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Document:
    """A stored document (e.g. the signed LOA); its ``id`` is a ``loa_document_id`` or ``document_ids`` entry."""

    def __new__(
        cls,
        *,
        id: str,
        filename: str | None = None,
        content_type: str | None = None,
        size: DocumentSize | None = None,
        sha256: str | None = None,
        status: str | None = None,
        av_scan_status: str | None = None,
        customer_reference: str | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
    ) -> Document: ...
    @property
    def id(self) -> str:
        """Document id (a UUID)."""
    @property
    def filename(self) -> str | None:
        """File name."""
    @property
    def content_type(self) -> str | None:
        """MIME type."""
    @property
    def size(self) -> DocumentSize | None:
        """Size."""
    @property
    def sha256(self) -> str | None:
        """SHA-256 of the content, hex."""
    @property
    def status(self) -> str | None:
        """Review state, e.g. ``pending``."""
    @property
    def av_scan_status(self) -> str | None:
        """Antivirus scan state."""
    @property
    def customer_reference(self) -> str | None:
        """Your own reference."""
    @property
    def created_at(self) -> datetime | None:
        """When uploaded."""
    @property
    def updated_at(self) -> datetime | None:
        """When last changed."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> Document: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class PageMeta:
    """Pagination metadata of one page."""

    def __new__(
        cls,
        *,
        page_number: int,
        page_size: int,
        total_pages: int,
        total_results: int,
    ) -> PageMeta: ...
    @property
    def page_number(self) -> int:
        """1-based page number."""
    @property
    def page_size(self) -> int:
        """Items actually returned in this page."""
    @property
    def total_pages(self) -> int:
        """Total pages."""
    @property
    def total_results(self) -> int:
        """Total items across pages."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> PageMeta: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class LoaAgent:
    """A reseller or partner block for the LOA."""

    def __new__(
        cls,
        *,
        legal_name: str,
        street_address: str,
        city: str,
        administrative_area: str,
        postal_code: str,
        country: str,
        contact_name: str,
        contact_title: str,
        contact_email: str,
        contact_phone: str,
        dba: str | None = None,
        extended_address: str | None = None,
    ) -> LoaAgent: ...
    @property
    def legal_name(self) -> str:
        """Partner's legal name."""
    @property
    def dba(self) -> str | None:
        """Partner's trading name."""
    @property
    def street_address(self) -> str:
        """Street and number."""
    @property
    def extended_address(self) -> str | None:
        """Suite, floor, etc."""
    @property
    def city(self) -> str:
        """City."""
    @property
    def administrative_area(self) -> str:
        """State or province."""
    @property
    def postal_code(self) -> str:
        """Postal code."""
    @property
    def country(self) -> str:
        """Two-letter country code."""
    @property
    def contact_name(self) -> str:
        """Contact name."""
    @property
    def contact_title(self) -> str:
        """Contact title."""
    @property
    def contact_email(self) -> str:
        """Contact email."""
    @property
    def contact_phone(self) -> str:
        """Contact E.164 phone number."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> LoaAgent: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class LoaSignature:
    """A signature image embedded in the rendered LOA."""

    def __new__(
        cls,
        *,
        image_base64: str,
        signer_name: str | None = None,
    ) -> LoaSignature: ...
    @property
    def image_base64(self) -> str:
        """PNG or JPEG image, base64."""
    @property
    def signer_name(self) -> str | None:
        """Name printed under the signature."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested models as dicts, timestamps as ``datetime``)."""
    @classmethod
    def _from_api(cls, data: Mapping[str, Any]) -> LoaSignature: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

# --- end of @generated models ---

@final
class _RawTermsOfService:
    """``TermsOfService.with_raw_response``: its calls return ``RawResponse``."""

    def agree_number_reputation(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[TosAgreement]: ...
    def status(
        self,
        product: _Product,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[TosStatus]: ...
    def info(
        self,
        product: _Product | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[list[TermsInfo]]: ...
    @property
    def agreements(self) -> _RawAgreements: ...
    @property
    def with_raw_response(self) -> _RawTermsOfService: ...

@final
class _RawAsyncTermsOfService:
    """``AsyncTermsOfService.with_raw_response``: its calls return ``RawResponse``."""

    def agree_number_reputation(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[TosAgreement]]: ...
    def status(
        self,
        product: _Product,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[TosStatus]]: ...
    def info(
        self,
        product: _Product | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[list[TermsInfo]]]: ...
    @property
    def agreements(self) -> _RawAsyncAgreements: ...
    @property
    def with_raw_response(self) -> _RawAsyncTermsOfService: ...

@final
class _RawAgreements:
    """``Agreements.with_raw_response``: its calls return ``RawResponse``."""

    def list(
        self,
        *,
        product_type: _Product | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Page[TosAgreement]]: ...
    def get(
        self,
        agreement_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[TosAgreement]: ...
    @property
    def with_raw_response(self) -> _RawAgreements: ...

@final
class _RawAsyncAgreements:
    """``AsyncAgreements.with_raw_response``: its calls return ``RawResponse``."""

    def list(
        self,
        *,
        product_type: _Product | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Page[TosAgreement]]]: ...
    def get(
        self,
        agreement_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[TosAgreement]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncAgreements: ...

@final
class _RawEnterprises:
    """``Enterprises.with_raw_response``: its calls return ``RawResponse``."""

    def create(
        self,
        *,
        legal_name: str,
        doing_business_as: str,
        organization_type: _OrganizationType,
        organization_legal_type: _OrganizationLegalType,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: _NumberOfEmployees,
        organization_contact: _Contact,
        billing_contact: _Billing,
        organization_physical_address: _Address,
        billing_address: _Address,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: _RoleType | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Enterprise]: ...
    def list(
        self,
        *,
        legal_name_contains: str | None = None,
        role_type: _RoleType | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Page[Enterprise]]: ...
    def get(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Enterprise]: ...
    def replace(
        self,
        enterprise_id: str,
        *,
        legal_name: str | None = None,
        doing_business_as: str | None = None,
        organization_legal_type: _OrganizationLegalType | None = None,
        jurisdiction_of_incorporation: str | None = None,
        website: str | None = None,
        fein: str | None = None,
        industry: str | None = None,
        number_of_employees: _NumberOfEmployees | None = None,
        organization_contact: _Contact | None = None,
        billing_contact: _Billing | None = None,
        organization_physical_address: _Address | None = None,
        billing_address: _Address | None = None,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Enterprise]:
        """Replace the fields given; the others are left as they are (not sent)."""
    def delete(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]: ...
    @property
    def with_raw_response(self) -> _RawEnterprises: ...

@final
class _RawAsyncEnterprises:
    """``AsyncEnterprises.with_raw_response``: its calls return ``RawResponse``."""

    def create(
        self,
        *,
        legal_name: str,
        doing_business_as: str,
        organization_type: _OrganizationType,
        organization_legal_type: _OrganizationLegalType,
        country_code: str,
        jurisdiction_of_incorporation: str,
        website: str,
        fein: str,
        industry: str,
        number_of_employees: _NumberOfEmployees,
        organization_contact: _Contact,
        billing_contact: _Billing,
        organization_physical_address: _Address,
        billing_address: _Address,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        role_type: _RoleType | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Enterprise]]: ...
    def list(
        self,
        *,
        legal_name_contains: str | None = None,
        role_type: _RoleType | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Page[Enterprise]]]: ...
    def get(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Enterprise]]: ...
    def replace(
        self,
        enterprise_id: str,
        *,
        legal_name: str | None = None,
        doing_business_as: str | None = None,
        organization_legal_type: _OrganizationLegalType | None = None,
        jurisdiction_of_incorporation: str | None = None,
        website: str | None = None,
        fein: str | None = None,
        industry: str | None = None,
        number_of_employees: _NumberOfEmployees | None = None,
        organization_contact: _Contact | None = None,
        billing_contact: _Billing | None = None,
        organization_physical_address: _Address | None = None,
        billing_address: _Address | None = None,
        corporate_registration_number: str | None = None,
        customer_reference: str | None = None,
        dun_bradstreet_number: str | None = None,
        primary_business_domain_sic_code: str | None = None,
        professional_license_number: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Enterprise]]: ...
    def delete(
        self,
        enterprise_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[None]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncEnterprises: ...

@final
class _RawDocuments:
    """``Documents.with_raw_response``: its calls return ``RawResponse``."""

    def upload(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Document]: ...
    def upload_json(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Document]: ...
    @property
    def with_raw_response(self) -> _RawDocuments: ...

@final
class _RawAsyncDocuments:
    """``AsyncDocuments.with_raw_response``: its calls return ``RawResponse``."""

    def upload(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Document]]: ...
    def upload_json(
        self,
        filename: str,
        data: bytes,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Document]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncDocuments: ...

@final
class _RawReputation:
    """``Reputation.with_raw_response``: its calls return ``RawResponse``."""

    @property
    def enterprise_id(self) -> str: ...
    def settings(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationSettings]: ...
    def enable(
        self,
        loa_document_id: str,
        frequency: _Frequency | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationSettings]: ...
    def disable(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]: ...
    def set_frequency(
        self,
        frequency: _Frequency,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationSettings]: ...
    def set_webhook(
        self,
        url: str | None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationSettings]: ...
    def wait_until_approved(
        self,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationSettings]: ...
    @property
    def loa(self) -> _RawLoa: ...
    @property
    def numbers(self) -> _RawNumbers: ...
    @property
    def remediation(self) -> _RawRemediations: ...
    @property
    def external_verification(self) -> _RawExternalVerifications: ...
    @property
    def with_raw_response(self) -> _RawReputation: ...

@final
class _RawAsyncReputation:
    """``AsyncReputation.with_raw_response``: its calls return ``RawResponse``."""

    @property
    def enterprise_id(self) -> str: ...
    def settings(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationSettings]]: ...
    def enable(
        self,
        loa_document_id: str,
        frequency: _Frequency | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationSettings]]: ...
    def disable(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[None]]: ...
    def set_frequency(
        self,
        frequency: _Frequency,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationSettings]]: ...
    def set_webhook(
        self,
        url: str | None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationSettings]]: ...
    def wait_until_approved(
        self,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationSettings]]: ...
    @property
    def loa(self) -> _RawAsyncLoa: ...
    @property
    def numbers(self) -> _RawAsyncNumbers: ...
    @property
    def remediation(self) -> _RawAsyncRemediations: ...
    @property
    def external_verification(self) -> _RawAsyncExternalVerifications: ...
    @property
    def with_raw_response(self) -> _RawAsyncReputation: ...

@final
class _RawLoa:
    """``Loa.with_raw_response``: its calls return ``RawResponse``."""

    def render(
        self,
        *,
        agent: LoaAgent | Mapping[str, Any] | None = None,
        signature: LoaSignature | Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[bytes]: ...
    def replace(
        self,
        document_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationSettings]: ...
    @property
    def with_raw_response(self) -> _RawLoa: ...

@final
class _RawAsyncLoa:
    """``AsyncLoa.with_raw_response``: its calls return ``RawResponse``."""

    def render(
        self,
        *,
        agent: LoaAgent | Mapping[str, Any] | None = None,
        signature: LoaSignature | Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[bytes]]: ...
    def replace(
        self,
        document_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationSettings]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncLoa: ...

@final
class _RawNumbers:
    """``Numbers.with_raw_response``: its calls return ``RawResponse``."""

    def add(
        self,
        numbers: list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[list[ReputationNumber]]: ...
    def add_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[BulkAddReport]: ...
    def refresh_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[BulkRefreshReport]: ...
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Page[ReputationNumber]]: ...
    def get(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationNumber]: ...
    def get_fresh(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationNumber]: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]: ...
    def refresh(
        self,
        numbers: builtins.list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[RefreshOutcome]: ...
    def ownership(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[NumberOwnership]: ...
    def confirm_ownership(
        self,
        number: str,
        still_own: bool,
        evidence_document_id: str | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationNumber]: ...
    @property
    def with_raw_response(self) -> _RawNumbers: ...

@final
class _RawAsyncNumbers:
    """``AsyncNumbers.with_raw_response``: its calls return ``RawResponse``."""

    def add(
        self,
        numbers: list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[list[ReputationNumber]]]: ...
    def add_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[BulkAddReport]]: ...
    def refresh_all(
        self,
        numbers: list[str],
        *,
        concurrency: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[BulkRefreshReport]]: ...
    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Page[ReputationNumber]]]: ...
    def get(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationNumber]]: ...
    def get_fresh(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationNumber]]: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[None]]: ...
    def refresh(
        self,
        numbers: builtins.list[str],
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[RefreshOutcome]]: ...
    def ownership(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[NumberOwnership]]: ...
    def confirm_ownership(
        self,
        number: str,
        still_own: bool,
        evidence_document_id: str | None = None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationNumber]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncNumbers: ...

@final
class _RawAccountNumbers:
    """``AccountNumbers.with_raw_response``: its calls return ``RawResponse``."""

    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        enterprise_id: str | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Page[ReputationNumber]]: ...
    def get(
        self,
        number: str,
        *,
        fresh: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ReputationNumber]: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]: ...
    @property
    def with_raw_response(self) -> _RawAccountNumbers: ...

@final
class _RawAsyncAccountNumbers:
    """``AsyncAccountNumbers.with_raw_response``: its calls return ``RawResponse``."""

    def list(
        self,
        *,
        phone_number_contains: str | None = None,
        phone_number_eq: str | None = None,
        ownership_status: _OwnershipStatus | None = None,
        source: _NumberSource | None = None,
        enterprise_id: str | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Page[ReputationNumber]]]: ...
    def get(
        self,
        number: str,
        *,
        fresh: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ReputationNumber]]: ...
    def remove(
        self,
        number: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[None]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncAccountNumbers: ...

@final
class _RawRemediations:
    """``Remediations.with_raw_response``: its calls return ``RawResponse``."""

    def submit(
        self,
        numbers: list[str],
        call_purpose: str,
        *,
        contact_email: str | None = None,
        webhook_url: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Remediation]: ...
    def get(
        self,
        remediation_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Remediation]: ...
    def watch(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RemediationWatch:
        """The request each time its status changes, until a final status."""
    def wait_until_finished(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Remediation]: ...
    def list(
        self,
        *,
        status: _RemediationStatus | None = None,
        created_at_gte: datetime | None = None,
        created_at_lte: datetime | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Page[RemediationSummary]]: ...
    @property
    def with_raw_response(self) -> _RawRemediations: ...

@final
class _RawAsyncRemediations:
    """``AsyncRemediations.with_raw_response``: its calls return ``RawResponse``."""

    def submit(
        self,
        numbers: list[str],
        call_purpose: str,
        *,
        contact_email: str | None = None,
        webhook_url: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Remediation]]: ...
    def get(
        self,
        remediation_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Remediation]]: ...
    def watch(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncRemediationWatch:
        """The request each time its status changes, until a final status."""
    def wait_until_finished(
        self,
        remediation_id: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Remediation]]: ...
    def list(
        self,
        *,
        status: _RemediationStatus | None = None,
        created_at_gte: datetime | None = None,
        created_at_lte: datetime | None = None,
        page_size: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[Page[RemediationSummary]]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncRemediations: ...

@final
class _RawExternalVerifications:
    """``ExternalVerifications.with_raw_response``: its calls return ``RawResponse``."""

    def submit(
        self,
        document_ids: list[str],
        *,
        phone_numbers: list[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ExternalVerification]: ...
    def get(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[ExternalVerification]: ...
    @property
    def with_raw_response(self) -> _RawExternalVerifications: ...

@final
class _RawAsyncExternalVerifications:
    """``AsyncExternalVerifications.with_raw_response``: its calls return ``RawResponse``."""

    def submit(
        self,
        document_ids: list[str],
        *,
        phone_numbers: list[str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ExternalVerification]]: ...
    def get(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, RawResponse[ExternalVerification]]: ...
    @property
    def with_raw_response(self) -> _RawAsyncExternalVerifications: ...
