"""``RawResponse``: a call's value with the HTTP answer it came from.

Every resource handle has ``with_raw_response``, the same handle whose calls return a
``RawResponse`` (as the official SDKs): ``client.enterprises.with_raw_response.get(id)``.
The native side hands over ``(status, headers, value)``; ``wrap`` builds the value as the
plain call would and wraps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")

__all__ = ["RawHeaders", "RawResponse"]


class RawHeaders(Mapping[str, str]):
    """Response headers, looked up without regard to case; a repeated header's values are
    joined with ``", "`` (``get_list`` gives them one by one)."""

    __slots__ = ("_pairs",)

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = [(name.lower(), value) for name, value in pairs]

    def get_list(self, name: str) -> list[str]:
        """Every value of ``name``, in order."""
        wanted = name.lower()
        return [value for key, value in self._pairs if key == wanted]

    def __getitem__(self, name: str) -> str:
        values = self.get_list(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for key, _ in self._pairs))

    def __len__(self) -> int:
        return len(dict.fromkeys(key for key, _ in self._pairs))

    def __repr__(self) -> str:
        return f"RawHeaders({dict(self)!r})"


class RawResponse(Generic[T]):
    """What a ``with_raw_response`` call returns: ``status_code``, ``headers``,
    ``request_id`` (the ``x-request-id`` to quote to support) and ``parse()``, the value the
    plain call returns. For a call that sends several requests (``add_all``, a wait), they
    describe the last successful answer; a list gives its first page."""

    __slots__ = ("_value", "headers", "status_code")

    def __init__(self, status_code: int, headers: RawHeaders, value: T) -> None:
        self.status_code = status_code
        self.headers = headers
        self._value = value

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header, if the server sent one."""
        return self.headers.get("x-request-id")

    def parse(self) -> T:
        """The parsed value, as the plain call returns it."""
        return self._value

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, request_id={self.request_id!r})"


def wrap(build: Callable[[Any], Any] | None) -> Callable[[Any], RawResponse[Any]]:
    """The builder of a raw call: build the value as the plain call would, then wrap it."""

    def finish(parts: tuple[int, list[tuple[str, str]], Any]) -> RawResponse[Any]:
        status, headers, value = parts
        return RawResponse(status, RawHeaders(headers), value if build is None else build(value))

    return finish
