"""The exceptions every call can raise: one class per facade ``ErrorKind`` (docs/architecture.md).

Plain Python classes, so they pickle, subclass and type-check like any exception. The
native module builds them in one place (``src/error.rs``); nothing else raises them,
except ``webhooks.verify`` (``WebhookVerificationError``).

    TelnyxReputationError
    ├── InvalidInputError            rejected client-side, nothing was sent
    ├── APIStatusError               an HTTP error status without a finer class
    │   ├── BadRequestError          400 and other unclassified 4xx
    │   ├── AuthenticationError      401
    │   ├── PermissionDeniedError    403 (e.g. terms of service not accepted)
    │   ├── NotFoundError            404
    │   ├── ConflictError            409
    │   ├── UnprocessableEntityError 422
    │   ├── RateLimitError           429, with ``retry_after``
    │   └── InternalServerError      5xx
    ├── APIConnectionError           transport failure, with ``outcome_unknown``
    │   └── APITimeoutError
    ├── GateRejectedError            an approval gate was rejected, with ``reasons``
    ├── BillingRefusedError          the cost guard refused a billable request, nothing sent
    └── WebhookVerificationError     a webhook failed signature or freshness checks
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APIConnectionError",
    "BillingRefusedError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ErrorObject",
    "GateRejectedError",
    "InternalServerError",
    "InvalidInputError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "TelnyxReputationError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
]


@dataclass(frozen=True)
class ErrorObject:
    """One entry of the API's ``errors[]`` array."""

    code: str | None = None
    title: str | None = None
    detail: str | None = None
    pointer: str | None = None
    """JSON pointer into the request body (``source.pointer``), e.g. ``/phone_numbers/0``."""
    parameter: str | None = None
    """The offending query or path parameter (``source.parameter``)."""
    meta: dict[str, Any] = field(default_factory=dict)


class TelnyxReputationError(Exception):
    """Base class of every error this package raises."""

    message: str
    status_code: int | None
    """HTTP status, for errors that came with a response."""
    request_id: str | None
    """The server's request id (``x-request-id``), when it sent one."""
    errors: list[ErrorObject]
    """The parsed ``errors[]`` of the response body (empty when there was none)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        errors: list[ErrorObject] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.errors = list(errors or [])

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes are not in `args`; restore them from `__dict__`.
        return (type(self), (self.message,), self.__dict__)


class InvalidInputError(TelnyxReputationError):
    """An argument was rejected before anything was sent (e.g. a non-US phone number)."""


class APIStatusError(TelnyxReputationError):
    """The API answered with an error status that has no finer class."""


class BadRequestError(APIStatusError):
    """400, or another 4xx without its own class."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: e.g. the Number Reputation terms of service were not accepted."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist or belongs to another account."""


class ConflictError(APIStatusError):
    """409: e.g. a number already registered, or a remediation already in flight."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but the API refused its content."""


class RateLimitError(APIStatusError):
    """429: too many requests (retries are exhausted when you see this)."""

    retry_after: float | None
    """Seconds the server asked to wait, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the API failed (retries are exhausted when you see this)."""


class APIConnectionError(TelnyxReputationError):
    """The request could not be sent or its answer not received."""

    outcome_unknown: bool
    """True when a billable or non-idempotent request was sent and its answer lost: the server
    may have applied (and billed) it. It was not retried; check its effect before resending."""

    def __init__(self, message: str, *, outcome_unknown: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.outcome_unknown = outcome_unknown


class APITimeoutError(APIConnectionError):
    """The request or the overall deadline timed out."""


class GateRejectedError(TelnyxReputationError):
    """``wait_until_approved`` saw ``status`` or ``loa_status`` turn ``rejected``."""

    reasons: list[str]
    """The rejection reasons the API gave."""

    def __init__(self, message: str, *, reasons: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reasons = list(reasons or [])


class BillingRefusedError(TelnyxReputationError):
    """A billable request was refused before it was sent: it would exceed the client's
    ``max_billable`` budget, or the ``on_billable`` hook refused it."""


class WebhookVerificationError(TelnyxReputationError):
    """A webhook's signature, timestamp or body did not verify."""
