"""Lists through the facade's page cursor: ``pages()`` (iterator / async iterator of Page),
the next page's request in flight while a page is handled, an error raised once."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

import pytest

from conftest import Sdk, numbers
from telnyx_reputation import AsyncClient, Page
from telnyx_reputation.errors import InvalidInputError, UnprocessableEntityError
from telnyx_reputation.testing import Emulator


def pages_requested(emulator: Emulator) -> list[int]:
    """The ``page[number]`` of every list request in the journal, in order."""
    seen = []
    for entry in emulator.requests():
        for part in (entry.get("query") or "").split("&"):
            if part.startswith("page%5Bnumber%5D="):
                seen.append(int(part.split("=", 1)[1]))
    return seen


def wait_for_pages(emulator: Emulator, expected: list[int]) -> None:
    """Poll the journal (at most 5 s) until exactly ``expected`` pages were requested, then
    check that nothing more follows while the caller is busy."""
    deadline = time.monotonic() + 5
    while pages_requested(emulator) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected pages {expected}, saw {pages_requested(emulator)}")
        time.sleep(0.01)
    time.sleep(0.05)
    assert pages_requested(emulator) == expected


def filled_list(sdk: Sdk, count: int) -> Any:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add(numbers(0, count)))
    sdk.emulator.admin("DELETE", "/requests")
    return rep.numbers.list(page_size=10)


def test_pages_keep_the_next_request_in_flight(sdk: Sdk) -> None:
    pager = filled_list(sdk, 25)
    if isinstance(sdk.client, AsyncClient):

        async def walk() -> list[Page[Any]]:
            pages = pager.pages()
            first = await pages.__anext__()
            wait_for_pages(sdk.emulator, [1, 2])  # page 1 in hand, page 2 already asked for
            return [first, *[page async for page in pages]]

        walked = asyncio.run(walk())
    else:
        pages = pager.pages()
        assert iter(pages) is pages
        first = next(pages)
        wait_for_pages(sdk.emulator, [1, 2])
        walked = [first, *pages]
    assert [(p.meta.page_number, len(p.items), p.has_next) for p in walked] == [
        (1, 10, True),
        (2, 10, True),
        (3, 5, False),
    ]
    assert sorted(n.phone_number for p in walked for n in p.items) == numbers(0, 25)
    assert pages_requested(sdk.emulator) == [1, 2, 3]


def test_item_iteration_prefetches_too(sdk: Sdk) -> None:
    pager = filled_list(sdk, 25)
    if isinstance(sdk.client, AsyncClient):

        async def first_item() -> None:
            items = pager.__aiter__()
            await items.__anext__()
            wait_for_pages(sdk.emulator, [1, 2])
            await items.aclose()

        asyncio.run(first_item())
    else:
        items = iter(pager)
        next(items)
        wait_for_pages(sdk.emulator, [1, 2])
        items.close()
    assert len(sdk.collect(pager)) == 25


def test_nothing_is_sent_before_the_first_page_is_asked_for(sdk: Sdk) -> None:
    pager = filled_list(sdk, 5)
    pager.pages()
    iter(pager) if not isinstance(sdk.client, AsyncClient) else pager.__aiter__()
    time.sleep(0.05)
    assert pages_requested(sdk.emulator) == []


def test_an_error_is_raised_once_and_ends_the_pages(sdk: Sdk) -> None:
    pager = filled_list(sdk, 5)
    sdk.emulator.fault(method="GET", status=422)
    if isinstance(sdk.client, AsyncClient):

        async def walk() -> list[Page[Any]]:
            pages = pager.pages()
            with pytest.raises(UnprocessableEntityError):
                await pages.__anext__()
            return [page async for page in pages]

        after = asyncio.run(walk())
    else:
        pages = pager.pages()
        with pytest.raises(UnprocessableEntityError):
            next(pages)
        after = list(pages)
    assert after == []
    assert pages_requested(sdk.emulator) == [1]
    # A new cursor starts over.
    assert [len(p.items) for p in sdk.collect(pager.pages())] == [5]


def test_list_keywords_are_the_facade_filter(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    rep = sdk.client.reputation(enterprise_id)
    sdk.run(rep.numbers.add(numbers(0, 3)))
    sdk.emulator.admin("DELETE", "/requests")
    found = sdk.collect(rep.numbers.list(phone_number_eq="+12025550001", page_size=5))
    assert [n.phone_number for n in found] == ["+12025550001"]
    query = unquote(sdk.emulator.requests()[-1]["query"])
    assert "page[size]=5" in query
    assert "filter[phone_number][eq]=+12025550001" in query
    account = sdk.collect(sdk.client.numbers.list(enterprise_id=enterprise_id))
    assert sorted(n.phone_number for n in account) == numbers(0, 3)
    assert f"filter[enterprise_id]={enterprise_id}" in unquote(sdk.emulator.requests()[-1]["query"])
    since = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert sdk.collect(rep.remediation.list(status="completed", created_at_gte=since)) == []
    query = unquote(sdk.emulator.requests()[-1]["query"])
    assert "2026-01-02T03:04:05Z" in query and "completed" in query

    sdk.emulator.admin("DELETE", "/requests")
    with pytest.raises(TypeError, match="unknown field `phone_number_contain`"):
        rep.numbers.list(phone_number_contain="20255")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="list: invalid type"):
        rep.numbers.list(page_size="ten")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match='ownership_status: "lost" is not a valid'):
        # Refused by mypy too (the filter is a `Literal`), and at run time.
        sdk.collect(rep.numbers.list(ownership_status="lost"))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="role_type"):
        sdk.collect(sdk.client.enterprises.list(role_type="reseller"))  # type: ignore[arg-type]
    assert sdk.emulator.requests() == []
