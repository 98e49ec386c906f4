"""Lists: iterate every item across pages (``for`` / ``async for``), every page
(``pages()``), or take one page (``first_page()``, ``fetch_page(n)``).

Nothing is sent until iteration or a page is asked for. Paging is the facade's page cursor:
while you handle one page, the next page's request is already in flight, and the cursor
stops where the facade says the list ends. Filters and page size are fixed when the list is
created (``rep.numbers.list(page_size=250)``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Any, Generic, Protocol, TypeVar, cast

from .models import Page

__all__ = ["AsyncPager", "AsyncPages", "Pager", "Pages"]

T = TypeVar("T")


class _NativeCursor(Protocol):
    def next(self) -> Any: ...


class _NativePager(Protocol):
    def fetch_page(self, number: int) -> Any: ...

    def pages(self) -> _NativeCursor: ...


class Pages(Iterator[Page[T]]):
    """Every page of a list in order (``for page in pager.pages()``), the next one already
    requested while you handle the current one. An error is raised once, then it ends."""

    def __init__(self, cursor: _NativeCursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Pages[T]:
        return self

    def __next__(self) -> Page[T]:
        parts = self._cursor.next()
        if parts is None:
            raise StopIteration
        return cast(Page[T], Page._from_parts(parts))


class AsyncPages(AsyncIterator[Page[T]]):
    """Every page of a list in order (``async for page in pager.pages()``), the next one
    already requested while you handle the current one. An error is raised once, then it
    ends."""

    def __init__(self, cursor: _NativeCursor) -> None:
        self._cursor = cursor

    def __aiter__(self) -> AsyncPages[T]:
        return self

    async def __anext__(self) -> Page[T]:
        parts = await cast(Awaitable[Any], self._cursor.next())
        if parts is None:
            raise StopAsyncIteration
        return cast(Page[T], Page._from_parts(parts))


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

    def pages(self) -> Pages[T]:
        """Every page in order, from the first."""
        return Pages(self._native.pages())

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items


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

    def pages(self) -> AsyncPages[T]:
        """Every page in order, from the first."""
        return AsyncPages(self._native.pages())

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item
