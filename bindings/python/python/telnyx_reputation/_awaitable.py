"""The coroutine wrapper every ``AsyncClient`` call returns (see ``src/runtime.rs``).

The native side hands over ``start`` (creates the asyncio future on the running loop)
and ``build`` (turns the native result into a model, or ``None``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


async def run(start: Callable[[], Awaitable[Any]], build: Callable[[Any], Any] | None) -> Any:
    """Start the native call inside the running loop, await it, build the result."""
    value = await start()
    return value if build is None else build(value)
