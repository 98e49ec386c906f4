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


def test_native_models_pickle_hash_and_compare() -> None:
    import pickle

    from telnyx_reputation import models

    number = ReputationNumber._from_api(WIRE)
    copy = pickle.loads(pickle.dumps(number))
    assert copy == number and copy is not number
    assert type(copy) is ReputationNumber
    assert hash(copy) == hash(number)
    other = ReputationNumber._from_api({**WIRE, "phone_number": "+12025550000"})
    assert other != number
    assert number != "not a model"
    assert isinstance(number, models.Model)
    assert type(number).__module__ == "telnyx_reputation.models"
    assert repr(number).startswith("ReputationNumber(id='8a4b1f5e-")
    assert "spam_risk='critical'" in repr(number)


def test_native_models_are_built_from_keywords() -> None:
    data = ReputationData(spam_risk="high", maturity_score=7)
    number = ReputationNumber(
        id="n1",
        enterprise_id="e1",
        phone_number="+12025551234",
        created_at=datetime(2026, 1, 2, tzinfo=timezone.utc),
        updated_at=datetime(2026, 1, 3, tzinfo=timezone.utc),
        reputation_data=data,
    )
    assert number.reputation_data == data
    assert number.source is None
    assert number.to_dict()["reputation_data"] == {
        "spam_risk": "high",
        "spam_category": None,
        "maturity_score": 7,
        "connection_score": None,
        "engagement_score": None,
        "sentiment_score": None,
        "last_refreshed_at": None,
    }
    with pytest.raises(TypeError):
        ReputationNumber(id="n1")  # type: ignore[call-arg]
