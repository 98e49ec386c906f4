"""Verify Number Reputation webhooks: the Ed25519 signature Telnyx puts on each delivery
(over ``"{telnyx-timestamp}|{raw body}"``, 300 s tolerance) and the typed event.

Pass the raw request body (bytes, exactly as received), the request headers (any object
with ``items()``: a ``dict``, Flask/Werkzeug ``request.headers``, Starlette or Django
headers) and the public key from the Telnyx portal::

    event = webhooks.verify(request.get_data(), request.headers, PUBLIC_KEY)
    if isinstance(event, webhooks.NumberFlagged):
        ...

A failed check raises ``WebhookVerificationError``. ``sign`` and ``public_key`` make
matching deliveries for your tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeAlias

from . import _native
from .models import Model, Remediation

__all__ = [
    "Delivery",
    "ExternalVerificationStatusChanged",
    "Headers",
    "NumberFlagged",
    "NumberRemoved",
    "RemediationStatusChanged",
    "UnknownEvent",
    "WebhookEvent",
    "public_key",
    "sign",
    "verify",
]


@dataclass(frozen=True, kw_only=True)
class Delivery(Model):
    """Delivery metadata; ``event_id`` is the same on redelivery (de-duplicate on it)."""

    event_id: str
    occurred_at: datetime
    attempt: int
    delivered_to: str


@dataclass(frozen=True, kw_only=True)
class NumberFlagged(Model):
    """``number_reputation.number.flagged``: confirm ownership by ``confirm_by``."""

    delivery: Delivery
    enterprise_id: str
    phone_number: str
    source: str
    ownership_status: str
    flag_reason: str
    confirm_by: datetime


@dataclass(frozen=True, kw_only=True)
class NumberRemoved(Model):
    """``number_reputation.number.removed``."""

    delivery: Delivery
    enterprise_id: str
    phone_number: str
    source: str
    ownership_status: str
    removal_reason: str
    removed_at: datetime


@dataclass(frozen=True, kw_only=True)
class ExternalVerificationStatusChanged(Model):
    """``number_reputation.external_verification.status_changed``."""

    delivery: Delivery
    enterprise_id: str
    status: str
    reviewed_at: datetime
    rejection_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class RemediationStatusChanged(Model):
    """``number_reputation.remediation.status_changed``: sent to a remediation request's
    own ``webhook_url`` when its status changes (an event type defined by telnyx-reputation,
    not by Telnyx). ``remediation`` is the request as ``remediation.get`` returns it."""

    delivery: Delivery
    enterprise_id: str
    remediation: Remediation


@dataclass(frozen=True)
class UnknownEvent:
    """A verified event of a type this version does not know, as received."""

    payload: dict[str, Any]


WebhookEvent: TypeAlias = (
    NumberFlagged
    | NumberRemoved
    | ExternalVerificationStatusChanged
    | RemediationStatusChanged
    | UnknownEvent
)

_TYPES: dict[str, type[Model]] = {
    "number_flagged": NumberFlagged,
    "number_removed": NumberRemoved,
    "external_verification_status_changed": ExternalVerificationStatusChanged,
    "remediation_status_changed": RemediationStatusChanged,
}


class Headers(Protocol):
    """What ``verify`` takes as headers: anything whose ``items()`` yields ``(name, value)``
    pairs. A ``dict`` / ``Mapping[str, str]`` is one, and so are Werkzeug's ``Headers``
    (Flask's ``request.headers``, one pair per occurrence), Starlette's and Django's."""

    def items(self) -> Iterable[tuple[str, str]]: ...


def verify(payload: bytes | str, headers: Headers, public_key: str) -> WebhookEvent:
    """Check the signature and timestamp of a delivery and return its typed event. Header
    names match case-insensitively; a signature or timestamp header given twice fails."""
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    verified = _native.verify(body, [(str(k), str(v)) for k, v in headers.items()], public_key)
    model = _TYPES.get(verified["type"])
    if model is None:
        return UnknownEvent(verified["event"])
    event: WebhookEvent = model._from_api(verified["event"])  # type: ignore[assignment]
    return event


def sign(payload: bytes | str, timestamp: int, signing_key: str) -> dict[str, str]:
    """The headers Telnyx would send for ``payload`` signed at ``timestamp`` (Unix seconds)
    with a base64 32-byte Ed25519 ``signing_key``; for tests."""
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    return dict(_native.sign(body, timestamp, signing_key))


def public_key(signing_key: str) -> str:
    """The base64 public key matching a base64 Ed25519 ``signing_key``; for tests."""
    return _native.public_key(signing_key)
