"""Webhook verification: a valid delivery gives the typed event; tampering, a stale
timestamp or a wrong key raise ``WebhookVerificationError``."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime

import pytest

from telnyx_reputation import webhooks
from telnyx_reputation.errors import WebhookVerificationError

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
