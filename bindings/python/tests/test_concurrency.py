"""Waiting without blocking Python: ``Client`` releases the GIL during a call, ``AsyncClient`` calls overlap on one loop, and both clients keep
working in a child made by ``fork()``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time

import pytest

from telnyx_reputation.errors import InternalServerError
from telnyx_reputation.testing import Emulator

SLOW_MS = 1500


def test_blocking_call_releases_the_gil(emulator: Emulator) -> None:
    client = emulator.client(max_retries=0)
    # The emulator answers 503 after SLOW_MS; the client does not retry.
    emulator.fault(status=503, delay_ms=SLOW_MS, path_prefix="/v2/terms_of_service")
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.01)

    spinner = threading.Thread(target=spin)
    spinner.start()
    started = time.monotonic()
    try:
        with pytest.raises(InternalServerError):
            client.terms_of_service.info()
    finally:
        done.set()
        spinner.join()
    elapsed = time.monotonic() - started
    assert elapsed >= SLOW_MS / 1000 * 0.9
    # ~150 ticks if the other thread ran freely; a held GIL would allow almost none.
    assert ticks > 50


async def test_async_calls_overlap(emulator: Emulator) -> None:
    client = emulator.async_client(max_retries=0)
    for _ in range(3):
        emulator.fault(status=503, delay_ms=SLOW_MS, path_prefix="/v2/terms_of_service")
    started = time.monotonic()
    calls = (client.terms_of_service.info() for _ in range(3))
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert [type(r) for r in results] == [InternalServerError] * 3
    assert time.monotonic() - started < 2 * SLOW_MS / 1000


def test_coroutine_runs_outside_a_running_loop(emulator: Emulator) -> None:
    # toolchain.md pitfall 8: the awaitable is created here, before any loop runs.
    pending = emulator.async_client().terms_of_service.status("number_reputation")
    assert asyncio.run(pending).has_agreed is False


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX-only")
def test_clients_work_after_fork(emulator: Emulator) -> None:
    client = emulator.client()
    async_client = emulator.async_client()
    client.terms_of_service.agree_number_reputation()  # runtime and pool now exist
    asyncio.run(async_client.terms_of_service.info())
    pid = os.fork()
    if pid == 0:  # the child: any failure or hang is a non-zero exit
        code = 1
        try:
            import signal

            signal.alarm(20)
            blocking = client.terms_of_service.status("number_reputation")
            awaited = asyncio.run(async_client.terms_of_service.status("number_reputation"))
            code = 0 if blocking.has_agreed and awaited.has_agreed else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.terms_of_service.status("number_reputation").has_agreed


EXIT_RIGHT_AFTER_AWAITING = """
import asyncio
from telnyx_reputation import AsyncClient

async def main() -> None:
    client = AsyncClient()
    await asyncio.gather(*(client.terms_of_service.info() for _ in range(20)))

asyncio.run(main())
"""


def test_interpreter_exits_cleanly_right_after_awaiting(emulator: Emulator) -> None:
    # Results reach asyncio from runtime threads; exit must wait for them (runtime.rs).
    env = {**os.environ, "TELNYX_API_KEY": emulator.api_key, "TELNYX_BASE_URL": emulator.base_url}
    for _ in range(10):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_RIGHT_AFTER_AWAITING], env=env, capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
