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
    "plain http webhook": lambda s: s.client.reputation(ENTERPRISE_ID).set_webhook("http://x.io"),
    "empty remediation": lambda s: s.client.reputation(ENTERPRISE_ID).remediation.submit([], "x"),
    "short legal name": lambda s: s.client.enterprises.replace(ENTERPRISE_ID, legal_name="A"),
    "negative wait interval": lambda s: s.client.reputation(ENTERPRISE_ID).wait_until_approved(
        interval=-1
    ),
}


def _unknown_frequency(s: Sdk) -> Any:
    # The `.pyi` types the frequency as a `Literal`: mypy --strict refuses the typo (the
    # ignore would be reported as unused if it did not), and so does the run time.
    return s.client.reputation(ENTERPRISE_ID).set_frequency("dayly")  # type: ignore[arg-type]


def _unknown_product(s: Sdk) -> Any:
    return s.client.terms_of_service.status("telepathy")  # type: ignore[arg-type]


def _unknown_ownership_filter(s: Sdk) -> Any:
    pager = s.client.numbers.list(ownership_status="lost")  # type: ignore[arg-type]
    return s.collect(pager)


CASES["unknown frequency"] = _unknown_frequency
CASES["unknown product"] = _unknown_product
CASES["unknown ownership filter"] = _unknown_ownership_filter


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


def test_every_bad_field_is_an_entry_with_a_json_pointer(sdk: Sdk) -> None:
    rep = sdk.client.reputation(ENTERPRISE_ID)
    with pytest.raises(InvalidInputError) as caught:
        sdk.run(rep.numbers.add(["+12025551234", "bad", "+12025551234"]))
    pointers = [e.pointer for e in caught.value.errors]
    assert pointers == ["/phone_numbers/1", "/phone_numbers/2"]
    with pytest.raises(InvalidInputError) as caught:
        sdk.run(
            rep.remediation.submit(
                ["nope"], "", contact_email="ops@", webhook_url="http://hooks.example.com/x"
            )
        )
    pointers = [e.pointer for e in caught.value.errors]
    assert pointers == ["/phone_numbers/0", "/call_purpose", "/contact_email", "/webhook_url"]
    assert all(e.detail for e in caught.value.errors)
    with pytest.raises(InvalidInputError) as caught:
        sdk.run(sdk.client.enterprises.get("not-a-uuid"))
    (entry,) = caught.value.errors
    assert (entry.parameter, entry.pointer) == ("enterprise_id", None)
    assert sdk.emulator.requests() == []


def test_loopback_http_webhook_urls_are_accepted(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    settings = sdk.run(rep.set_webhook("http://127.0.0.1:8080/hooks"))
    assert settings.webhook_url == "http://127.0.0.1:8080/hooks"
    settings = sdk.run(rep.set_webhook("http://localhost:3000/hooks"))
    assert settings.webhook_url == "http://localhost:3000/hooks"
    with pytest.raises(InvalidInputError, match="allow_insecure_http"):
        sdk.run(rep.set_webhook("http://hooks.example.com/x"))
