"""Invalid input raises ``InvalidInputError`` before anything is sent: the emulator's
request journal stays empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import Sdk, numbers
from telnyx_reputation import Client
from telnyx_reputation.errors import InvalidInputError

ENTERPRISE_ID = "4a6192a4-573d-446d-b3ce-aff9117272a6"

CASES: dict[str, Callable[[Sdk], Any]] = {
    "non-US number": lambda s: s.client.reputation(ENTERPRISE_ID).numbers.add(["+442071234567"]),
    "NPA starting with 1": lambda s: s.client.reputation(ENTERPRISE_ID).numbers.get("+11025550000"),
    "101 numbers": lambda s: s.client.reputation(ENTERPRISE_ID).numbers.add(numbers(0, 101)),
    "bad number in refresh": lambda s: s.client.reputation(ENTERPRISE_ID).numbers.refresh(["123"]),
    "bad account number": lambda s: s.client.numbers.remove("+1202555"),
    "enterprise id not a uuid": lambda s: s.client.enterprises.get("not-a-uuid"),
    "unknown frequency": lambda s: s.client.reputation(ENTERPRISE_ID).set_frequency("dayly"),
    "plain http webhook": lambda s: s.client.reputation(ENTERPRISE_ID).set_webhook("http://x.io"),
    "unknown product": lambda s: s.client.terms_of_service.status("telepathy"),
    "empty remediation": lambda s: s.client.reputation(ENTERPRISE_ID).remediation.submit([], "x"),
    "short legal name": lambda s: s.client.enterprises.replace(ENTERPRISE_ID, legal_name="A"),
    "negative wait interval": lambda s: s.client.reputation(ENTERPRISE_ID).wait_until_approved(
        interval=-1
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rejected_before_any_request(sdk: Sdk, case: str) -> None:
    with pytest.raises(InvalidInputError):
        sdk.run(CASES[case](sdk))
    assert sdk.emulator.requests() == []


@pytest.mark.parametrize("page_size", [0, 251])
def test_page_size_out_of_range(sdk: Sdk, page_size: int) -> None:
    with pytest.raises(InvalidInputError):
        sdk.collect(sdk.client.enterprises.list(page_size=page_size))
    assert sdk.emulator.requests() == []


def test_missing_api_key_and_insecure_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    with pytest.raises(InvalidInputError, match="api_key"):
        Client()
    with pytest.raises(InvalidInputError, match="http"):
        Client(api_key="KEY_x", base_url="http://api.example.com/v2")
    with pytest.raises(InvalidInputError, match="timeout"):
        Client(api_key="KEY_x", timeout=-1)


def test_wrong_argument_shapes_are_type_errors(client: Client) -> None:
    with pytest.raises(TypeError, match="missing 13 required keyword arguments: 'doing_business"):
        client.enterprises.create(legal_name="Acme")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.reputation(ENTERPRISE_ID).numbers.add("+12025550000")  # type: ignore[arg-type]
