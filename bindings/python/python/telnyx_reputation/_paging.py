"""Lists: iterate every item across pages (``for`` / ``async for``) or take one page.

Nothing is sent until iteration or ``first_page()``. Each page is one facade call; where
to stop is the facade's ``has_next``. Filters and page size are fixed when the list is
created (``rep.numbers.list(page_size=250)``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Any, Generic, Protocol, TypeVar, cast

from .models import Page

__all__ = ["AsyncPager", "Pager"]

T = TypeVar("T")


class _NativePager(Protocol):
    def fetch_page(self, number: int) -> Any: ...


class Pager(Generic[T]):
    """A list on the blocking ``Client``: ``for item in pager`` walks every page."""

    def __init__(self, native: _NativePager) -> None:
        self._native = native

    def fetch_page(self, number: int) -> Page[T]:
        """Page ``number`` (1-based), with its ``meta``."""
        return cast(Page[T], self._native.fetch_page(number))

    def first_page(self) -> Page[T]:
        """The first page, with its ``meta``."""
        return self.fetch_page(1)

    def __iter__(self) -> Iterator[T]:
        number = 1
        while True:
            page = self.fetch_page(number)
            yield from page.items
            if not page.has_next:
                return
            number += 1


class AsyncPager(Generic[T]):
    """A list on ``AsyncClient``: ``async for item in pager`` walks every page."""

    def __init__(self, native: _NativePager) -> None:
        self._native = native

    async def fetch_page(self, number: int) -> Page[T]:
        """Page ``number`` (1-based), with its ``meta``."""
        return await cast(Awaitable[Page[T]], self._native.fetch_page(number))

    async def first_page(self) -> Page[T]:
        """The first page, with its ``meta``."""
        return await self.fetch_page(1)

    async def __aiter__(self) -> AsyncIterator[T]:
        number = 1
        while True:
            page = await self.fetch_page(number)
            for item in page.items:
                yield item
            if not page.has_next:
                return
            number += 1
