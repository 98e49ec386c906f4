"""Models: typed attributes, ``==``, ``repr``, ``to_dict()``, timestamps as aware
``datetime``, unknown enum values kept; the client's ``repr`` never shows the key."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from telnyx_reputation import AsyncClient, Client
from telnyx_reputation.models import ReputationData, ReputationNumber
from telnyx_reputation.testing import Emulator

WIRE = {
    "id": "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62",
    "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
    "phone_number": "+12025551234",
    "reputation_data": {
        "spam_risk": "critical",
        "spam_category": None,
        "maturity_score": 82,
        "last_refreshed_at": "2026-04-26T18:09:24.785211Z",
    },
    "created_at": "2026-04-26T18:06:51Z",
    "updated_at": "2026-04-26T18:09:24.123456789Z",
    "a_field_from_the_future": True,
}


def test_built_from_the_wire_shape() -> None:
    number = ReputationNumber._from_api(WIRE)
    assert isinstance(number.reputation_data, ReputationData)
    assert number.reputation_data.spam_risk == "critical"  # unknown value kept as str
    assert number.created_at == datetime(2026, 4, 26, 18, 6, 51, tzinfo=timezone.utc)
    assert number.updated_at.microsecond == 123456
    assert number == ReputationNumber._from_api(WIRE)
    assert "+12025551234" in repr(number)
    as_dict = number.to_dict()
    assert as_dict["reputation_data"]["maturity_score"] == 82
    assert "a_field_from_the_future" not in as_dict


def test_models_are_frozen() -> None:
    number = ReputationNumber._from_api(WIRE)
    with pytest.raises(AttributeError):
        number.phone_number = "+12025550000"  # type: ignore[misc]


def test_client_repr_hides_the_key(emulator: Emulator) -> None:
    for client in (emulator.client(), emulator.async_client()):
        shown = repr(client)
        assert emulator.api_key not in shown
        assert emulator.base_url in shown


def test_environment_configures_the_client(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", emulator.api_key)
    monkeypatch.setenv("TELNYX_BASE_URL", emulator.base_url)
    assert Client().base_url == emulator.base_url
    assert AsyncClient().base_url == emulator.base_url
    assert Client().terms_of_service.status("number_reputation").has_agreed is False
    assert emulator.requests()[-1]["account"] == emulator.fingerprint != emulator.api_key
