"""The exceptions every call can raise: one class per facade ``ErrorKind`` (docs/architecture.md).

Plain Python classes, so they pickle, subclass and type-check like any exception. The
native module builds them in one place (``src/error.rs``); nothing else raises them,
except ``webhooks.verify`` (``WebhookVerificationError``).

    TelnyxReputationError
    ├── InvalidInputError            rejected client-side, nothing was sent
    ├── APIStatusError               any other error status (e.g. 405, 418)
    │   ├── BadRequestError          400
    │   ├── AuthenticationError      401
    │   ├── PermissionDeniedError    403 (e.g. terms of service not accepted)
    │   ├── NotFoundError            404
    │   ├── ConflictError            409
    │   ├── UnprocessableEntityError 422
    │   ├── RateLimitError           429, with ``retry_after``
    │   └── InternalServerError      5xx
    ├── APIConnectionError           transport failure, with ``outcome_unknown``
    │   └── APITimeoutError
    ├── APIResponseValidationError   a 2xx answer whose body did not decode, with ``body``
    ├── GateRejectedError            an approval gate was rejected, with ``reasons``
    ├── BillingRefusedError          the cost guard refused a billable request, nothing sent
    └── WebhookVerificationError     a webhook failed signature or freshness checks

Every class has the same attributes (``None`` where they do not apply): ``code`` (the kind,
as Node's ``err.code``), ``status`` / ``status_code``, ``request_id``, ``errors``,
``retry_after``, ``gate``, ``reasons``, ``outcome_unknown``, ``body``, and ``details``: all of
them as one dict, the Rust core's ``Error::details()``, identical to Node's ``err.details``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
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

    code: ClassVar[str] = "API_ERROR"
    """The kind's stable code, the same as Node's ``err.code`` (e.g. ``"RATE_LIMITED"``)."""
    message: str
    status_code: int | None
    """HTTP status, for errors that came with a response."""
    request_id: str | None
    """The server's request id (``x-request-id``), when it sent one."""
    errors: list[ErrorObject]
    """The parsed ``errors[]`` of the response body (empty when there was none)."""
    retry_after: float | None
    """Seconds the server asked to wait before retrying, when it said (typically a 429)."""
    gate: str | None
    """For ``GateRejectedError``: the rejected gate, ``"status"`` or ``"loa_status"``."""
    reasons: list[str] | None
    """For ``GateRejectedError``: the rejection reasons the API gave."""
    outcome_unknown: bool | None
    """For ``APIConnectionError``: whether a sent billable request may have been applied."""
    body: str | None
    """For ``APIResponseValidationError``: the start of the body that did not decode."""
    details: dict[str, Any]
    """Every field above as one dict: the Rust core's ``Error::details()``, the same keys and
    values as Node's ``err.details`` (``kind``, ``message``, ``status``, ``request_id``,
    ``errors`` with ``source`` and ``meta``, ``retry_after``, ``gate``, ``reasons``,
    ``outcome_unknown``, ``body``)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        errors: list[ErrorObject] | None = None,
        retry_after: float | None = None,
        gate: str | None = None,
        reasons: list[str] | None = None,
        outcome_unknown: bool | None = None,
        body: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.errors = list(errors or [])
        self.retry_after = retry_after
        self.gate = gate
        self.reasons = reasons
        self.outcome_unknown = outcome_unknown
        self.body = body
        self.details = details if details is not None else self._own_details()

    @property
    def status(self) -> int | None:
        """The HTTP status (the same as ``status_code``)."""
        return self.status_code

    def _own_details(self) -> dict[str, Any]:
        # Errors the native module raises carry the core's payload; this is for ones built
        # by hand (tests, re-raised copies), in the same shape.
        def entry(e: ErrorObject) -> dict[str, Any]:
            source = None
            if e.pointer is not None or e.parameter is not None:
                source = {"pointer": e.pointer, "parameter": e.parameter}
            return {
                "code": e.code,
                "title": e.title,
                "detail": e.detail,
                "source": source,
                "meta": dict(e.meta),
            }

        return {
            "kind": self.code,
            "message": self.message,
            "status": self.status_code,
            "request_id": self.request_id,
            "errors": [entry(e) for e in self.errors],
            "retry_after": self.retry_after,
            "gate": self.gate,
            "reasons": self.reasons,
            "outcome_unknown": self.outcome_unknown,
            "body": self.body,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes are not in `args`; restore them from `__dict__`.
        return (type(self), (self.message,), self.__dict__)


class InvalidInputError(TelnyxReputationError):
    """An argument was rejected before anything was sent (e.g. a non-US phone number)."""

    code = "INVALID_INPUT"


class APIStatusError(TelnyxReputationError):
    """The API answered with an error status that has no finer class (e.g. 405 or 418); the
    base of every HTTP error class."""

    code = "API_ERROR"


class BadRequestError(APIStatusError):
    """400 (other statuses without their own class raise ``APIStatusError``)."""

    code = "BAD_REQUEST"


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""

    code = "AUTHENTICATION"


class PermissionDeniedError(APIStatusError):
    """403: e.g. the Number Reputation terms of service were not accepted."""

    code = "PERMISSION_DENIED"


class NotFoundError(APIStatusError):
    """404: the resource does not exist or belongs to another account."""

    code = "NOT_FOUND"


class ConflictError(APIStatusError):
    """409: e.g. a remediation request for a number that already has one in flight. (Adding
    a number that is already monitored is a 422, ``UnprocessableEntityError``.)"""

    code = "CONFLICT"


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but the API refused its content."""

    code = "UNPROCESSABLE"


class RateLimitError(APIStatusError):
    """429: too many requests (retries are exhausted when you see this); ``retry_after`` is
    the wait the server asked for, in seconds."""

    code = "RATE_LIMITED"


class InternalServerError(APIStatusError):
    """5xx: the API failed (retries are exhausted when you see this)."""

    code = "SERVER_ERROR"


class APIConnectionError(TelnyxReputationError):
    """The request could not be sent or its answer not received."""

    code = "CONNECTION"
    outcome_unknown: bool
    """True when a billable or non-idempotent request was sent and its answer lost: the server
    may have applied (and billed) it. It was not retried; check its effect before resending."""

    def __init__(
        self, message: str, *, outcome_unknown: bool | None = False, **kwargs: Any
    ) -> None:
        super().__init__(message, outcome_unknown=bool(outcome_unknown), **kwargs)


class APITimeoutError(APIConnectionError):
    """The request or the overall deadline timed out."""

    code = "TIMEOUT"


class APIResponseValidationError(TelnyxReputationError):
    """A success (2xx) answer whose body is not the shape the API declares (the server, or a
    proxy in front of it, sent something this client cannot read). ``status_code`` and
    ``request_id`` are those of that answer; ``body`` is its start (at most 200 characters).
    It was not retried."""

    code = "DECODE"


class GateRejectedError(TelnyxReputationError):
    """``wait_until_approved`` saw ``status`` or ``loa_status`` turn ``rejected``."""

    code = "GATE_REJECTED"
    reasons: list[str]
    """The rejection reasons the API gave."""

    def __init__(self, message: str, *, reasons: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, reasons=list(reasons or []), **kwargs)


class BillingRefusedError(TelnyxReputationError):
    """A billable request was refused before it was sent: it would exceed the client's
    ``max_billable`` budget, or the ``on_billable`` hook refused it."""

    code = "BILLING_REFUSED"


class WebhookVerificationError(TelnyxReputationError):
    """A webhook's signature, timestamp or body did not verify."""

    code = "WEBHOOK_VERIFICATION"
