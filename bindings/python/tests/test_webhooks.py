"""Webhook verification: a valid delivery gives the typed event; tampering, a stale
timestamp or a wrong key raise ``WebhookVerificationError``."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from telnyx_reputation import webhooks
from telnyx_reputation.errors import WebhookVerificationError
from telnyx_reputation.models import Remediation

SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
PUBLIC_KEY = webhooks.public_key(SIGNING_KEY)

FLAGGED = json.dumps(
    {
        "data": {
            "id": "evt-1",
            "event_type": "number_reputation.number.flagged",
            "occurred_at": "2026-06-07T18:06:51.940749Z",
            "record_type": "event",
            "payload": {
                "record_type": "reputation_phone_number",
                "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
                "phone_number": "+12025551234",
                "source": "telnyx",
                "ownership_status": "pending_confirmation",
                "flag_reason": "carrier_changed",
                "confirm_by": "2026-06-14T18:06:51Z",
            },
        },
        "meta": {"attempt": 1, "delivered_to": "https://example.com/hooks"},
    }
).encode()


def test_valid_delivery_gives_the_typed_event() -> None:
    headers = webhooks.sign(FLAGGED, int(time.time()), SIGNING_KEY)
    event = webhooks.verify(FLAGGED, headers, PUBLIC_KEY)
    assert isinstance(event, webhooks.NumberFlagged)
    assert event.phone_number == "+12025551234"
    assert event.delivery.event_id == "evt-1"
    assert isinstance(event.confirm_by, datetime)


def test_headers_match_case_insensitively() -> None:
    headers = {
        k.title(): v for k, v in webhooks.sign(FLAGGED, int(time.time()), SIGNING_KEY).items()
    }
    assert isinstance(webhooks.verify(FLAGGED, headers, PUBLIC_KEY), webhooks.NumberFlagged)


def test_unknown_event_type_is_kept() -> None:
    body = json.dumps({"data": {"event_type": "number_reputation.future"}}).encode()
    event = webhooks.verify(body, webhooks.sign(body, int(time.time()), SIGNING_KEY), PUBLIC_KEY)
    assert isinstance(event, webhooks.UnknownEvent)
    assert event.payload["data"]["event_type"] == "number_reputation.future"


@pytest.mark.parametrize(
    ("body", "age", "key"),
    [
        (FLAGGED.replace(b"+12025551234", b"+12025559999"), 0, PUBLIC_KEY),
        (FLAGGED, 301, PUBLIC_KEY),
        (FLAGGED, 0, webhooks.public_key(base64.b64encode(bytes(32)).decode())),
    ],
    ids=["tampered body", "stale timestamp", "wrong key"],
)
def test_bad_deliveries_raise(body: bytes, age: int, key: str) -> None:
    headers = webhooks.sign(FLAGGED, int(time.time()) - age, SIGNING_KEY)
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(body, headers, key)


def test_missing_headers_raise() -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(FLAGGED, {}, PUBLIC_KEY)


REMEDIATION = json.dumps(
    {
        "data": {
            "id": "evt-r1",
            "event_type": "number_reputation.remediation.status_changed",
            "occurred_at": "2026-06-08T10:00:00Z",
            "record_type": "event",
            "payload": {
                "record_type": "remediation_request",
                "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
                "id": "9d5c1c1e-5b8e-4f7e-9a55-1d2f0c3b4a10",
                "status": "completed",
                "phone_numbers_count": 2,
                "phone_numbers_submitted": 2,
                "phone_numbers_ineligible": 0,
                "call_purpose": "Appointment reminders",
                "webhook_url": "http://127.0.0.1:8080/remediation",
                "results": {
                    "remediated": ["+12025551234"],
                    "not_flagged": [],
                    "requires_review": [],
                    "ineligible": [],
                    "refused": ["+12025555678"],
                },
                "created_at": "2026-06-07T10:00:00Z",
                "updated_at": "2026-06-08T10:00:00Z",
            },
        },
        "meta": {"attempt": 1, "delivered_to": "http://127.0.0.1:8080/remediation"},
    }
).encode()


def test_remediation_status_changed_is_a_typed_event() -> None:
    headers = webhooks.sign(REMEDIATION, int(time.time()), SIGNING_KEY)
    event = webhooks.verify(REMEDIATION, headers, PUBLIC_KEY)
    assert isinstance(event, webhooks.RemediationStatusChanged)
    assert event.enterprise_id == "4a6192a4-573d-446d-b3ce-aff9117272a6"
    assert event.delivery.event_id == "evt-r1"
    assert isinstance(event.remediation, Remediation)
    assert event.remediation.status == "completed"
    assert event.remediation.results is not None
    assert event.remediation.results.refused == ["+12025555678"]
    assert isinstance(event.remediation.updated_at, datetime)


class FlaskLikeHeaders:
    """Werkzeug's ``Headers`` as Flask's ``request.headers`` types it: not a
    ``Mapping[str, str]`` (its ``items`` takes ``lower``, ``get`` takes ``type``), iterable
    as ``(name, value)`` pairs, one per occurrence."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self, lower: bool = False) -> Iterator[tuple[str, str]]:
        for name, value in self._pairs:
            yield (name.lower() if lower else name), value

    def get(self, key: str, default: str | None = None, type: None = None) -> str | None:
        return next((v for k, v in self._pairs if k.lower() == key.lower()), default)

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self._pairs if k.lower() == key.lower()]


def test_verify_takes_flask_like_headers_under_mypy_strict() -> None:
    # Checked by `mypy --strict` (the suite runs it over tests/): a Headers object that is
    # not a Mapping[str, str] is accepted by the type of `verify`.
    signed = webhooks.sign(FLAGGED, int(time.time()), SIGNING_KEY)
    headers = FlaskLikeHeaders([(k.title(), v) for k, v in signed.items()])
    event: webhooks.WebhookEvent = webhooks.verify(FLAGGED, headers, PUBLIC_KEY)
    assert isinstance(event, webhooks.NumberFlagged)
    # Each occurrence counts: a repeated signature header is refused.
    twice = FlaskLikeHeaders([*signed.items(), *signed.items()])
    with pytest.raises(WebhookVerificationError, match="repeated"):
        webhooks.verify(FLAGGED, twice, PUBLIC_KEY)
