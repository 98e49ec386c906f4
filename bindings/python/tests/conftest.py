"""Fixtures for the suite: the package's own emulator fixtures, plus ``sdk`` which runs a
test once through ``Client`` and once through ``AsyncClient``, and a ready enterprise."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest

from telnyx_reputation import AsyncClient, Client
from telnyx_reputation.testing import (
    Emulator,
    async_client,
    client,
    emulator,
    emulator_server,
)

__all__ = ["async_client", "client", "emulator", "emulator_server"]

T = TypeVar("T")

#: The approved-enterprise fixture scenario (terms, the shared example enterprise, LOA, daily
#: checks, both gates approved) for `load_fixtures`; its enterprise is ACME_JSON's.
APPROVED = Path(__file__).parents[2] / "fixtures" / "approved-enterprise.json"
# The shared example enterprise: one JSON file read by the Rust, Python, Node and emulator
# suites (the Rust facade's `telnyx_reputation::examples::acme()`).
ACME_JSON = (
    Path(__file__)
    .parents[3]
    .joinpath("crates", "telnyx-reputation", "src", "examples", "acme-enterprise.json")
)
ENTERPRISE: dict[str, Any] = json.loads(ACME_JSON.read_text(encoding="utf-8"))


def numbers(first: int, count: int) -> list[str]:
    """``count`` distinct valid US numbers."""
    return [f"+1202555{i:04d}" for i in range(first, first + count)]


@dataclass
class Sdk:
    """One client (blocking or asyncio) and a way to get plain results from either."""

    client: Client | AsyncClient
    emulator: Emulator

    def run(self, value: T | Coroutine[Any, Any, T]) -> T:
        """A blocking result as is; a coroutine run to completion on a fresh loop."""
        if inspect.iscoroutine(value):
            return cast(T, asyncio.run(value))
        return cast(T, value)

    def collect(self, items: Iterable[T] | AsyncIterable[T]) -> list[T]:
        """Every item of a pager, iterated with ``for`` or ``async for``."""
        if isinstance(items, AsyncIterable):
            source = items

            async def gather() -> list[T]:
                return [item async for item in source]

            return asyncio.run(gather())
        return list(items)

    def enterprise(self, legal_name: str = "Acme Plumbing LLC") -> str:
        """Agree to the terms and create an enterprise; its id."""
        self.run(self.client.terms_of_service.agree_number_reputation())
        fields = {**ENTERPRISE, "legal_name": legal_name}
        return self.run(self.client.enterprises.create(**fields)).id

    def loa_document(self) -> str:
        """Upload a signed LOA; its document id."""
        return self.run(self.client.documents.upload("loa.pdf", b"%PDF-1.7 signed")).id

    def approved_enterprise(self, legal_name: str = "Acme Plumbing LLC") -> str:
        """An enterprise with reputation enabled and both gates approved."""
        enterprise_id = self.enterprise(legal_name)
        rep = self.client.reputation(enterprise_id)
        self.run(rep.enable(self.loa_document(), "business_daily"))
        self.emulator.set_gates(enterprise_id, status="approved", loa_status="approved")
        return enterprise_id


@pytest.fixture(params=["Client", "AsyncClient"])
def sdk(request: pytest.FixtureRequest, emulator: Emulator) -> Sdk:
    """The test's emulator account through ``Client``, then through ``AsyncClient``."""
    if request.param == "Client":
        return Sdk(emulator.client(), emulator)
    return Sdk(emulator.async_client(), emulator)
