"""Client options: every keyword goes through the Rust core's ``ClientOptions`` (one
definition of names, types and units), an unknown or mistyped one is an ``InvalidInputError``
naming it, and each option takes effect."""

from __future__ import annotations

from typing import Any

import pytest

from telnyx_reputation import AsyncClient, Client, errors
from telnyx_reputation.testing import Emulator


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_a_misspelt_option_names_itself(cls: type[Client] | type[AsyncClient]) -> None:
    options: dict[str, Any] = {"api_key": "KEY_x", "retry_capp": 1}
    with pytest.raises(errors.InvalidInputError) as caught:
        cls(**options)
    message = str(caught.value)
    assert "unknown field `retry_capp`" in message
    assert "`retry_cap`" in message, "lists the valid names"


def test_a_mistyped_option_names_itself() -> None:
    options: dict[str, Any] = {"api_key": "KEY_x", "max_retries": "3"}
    with pytest.raises(errors.InvalidInputError, match="client options: max_retries: invalid type"):
        Client(**options)
    with pytest.raises(errors.InvalidInputError, match="retry_deadline: invalid value"):
        Client(api_key="KEY_x", retry_deadline=-0.5)


def test_the_key_is_never_in_the_repr() -> None:
    client = Client(api_key="KEYsupersecret", base_url="http://127.0.0.1:9/v2")
    assert "supersecret" not in repr(client)
    assert "KEY***" in repr(client)


def test_user_agent_and_max_billable_take_effect(emulator: Emulator) -> None:
    client = emulator.client(user_agent="acme-dialer/2.1", max_billable=0)
    client.terms_of_service.status("number_reputation")
    (entry,) = emulator.requests()
    assert entry["headers"]["user-agent"] == "acme-dialer/2.1"
    assert client.max_billable == 0
    default = emulator.client()
    default.terms_of_service.status("number_reputation")
    assert emulator.requests()[-1]["headers"]["user-agent"].startswith("telnyx-reputation-python/")


def test_allow_insecure_http_takes_effect() -> None:
    with pytest.raises(errors.InvalidInputError, match="plain http"):
        Client(api_key="KEY_x", base_url="http://api.example.com/v2")
    client = Client(api_key="KEY_x", base_url="http://api.example.com/v2", allow_insecure_http=True)
    assert client.base_url == "http://api.example.com/v2"


def test_retry_deadline_bounds_the_retry_loop(emulator: Emulator) -> None:
    # Without a deadline, 5 retries of 0.2 s each would answer after the sixth attempt.
    client = emulator.client(max_retries=5, retry_cap=0.2, retry_deadline=0.3)
    emulator.fault(status=503, count=6, retry_after_ms="200")
    with pytest.raises(errors.InternalServerError):
        client.terms_of_service.status("number_reputation")
    attempts = len(emulator.requests())
    assert 1 <= attempts <= 3, attempts
