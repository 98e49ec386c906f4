"""Test your integration offline: pytest fixtures backed by the local emulator.

In ``conftest.py``::

    from telnyx_reputation.testing import async_client, client, emulator, emulator_server

    __all__ = ["async_client", "client", "emulator", "emulator_server"]

``emulator_server`` starts the ``telnyx-reputation-emulator`` binary once per session on a
free loopback port (approvals instant). Every test then gets ``emulator``, a fresh account
(its own API key, so tests never see each other's data) with the admin helpers, and
``client`` / ``async_client`` configured for it. The emulator is
``$TELNYX_REPUTATION_EMULATOR_BIN``, else the ``telnyx-reputation`` command of the
``telnyx-reputation-cli`` package installed in this environment (run as
``telnyx-reputation emulator``; ``pip install telnyx-reputation-cli``, no Rust needed), else
``telnyx-reputation-emulator`` or ``telnyx-reputation`` on ``PATH``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sysconfig
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from telnyx_reputation import AsyncClient, Client

__all__ = ["Emulator", "EmulatorServer", "async_client", "client", "emulator", "emulator_server"]

BINARY_ENV = "TELNYX_REPUTATION_EMULATOR_BIN"
BINARY_NAME = "telnyx-reputation-emulator"


CLI_NAME = "telnyx-reputation"


def find_command() -> list[str]:
    """The command that runs the emulator (its arguments follow).

    ``$TELNYX_REPUTATION_EMULATOR_BIN``; else ``telnyx-reputation emulator`` from the
    ``telnyx-reputation-cli`` package installed in this interpreter's environment (its
    scripts directory, found whether or not the environment is activated); else
    ``telnyx-reputation-emulator`` on ``PATH``; else ``telnyx-reputation emulator`` on ``PATH``.
    """
    configured = os.environ.get(BINARY_ENV)
    if configured:
        if not os.access(configured, os.X_OK):
            raise RuntimeError(f"{BINARY_ENV}={configured!r} is not an executable file")
        return [configured]
    scripts = sysconfig.get_path("scripts")
    installed = shutil.which(CLI_NAME, path=scripts) if scripts else None
    if installed is not None:
        return [installed, "emulator"]
    found = shutil.which(BINARY_NAME)
    if found is not None:
        return [found]
    cli = shutil.which(CLI_NAME)
    if cli is not None:
        return [cli, "emulator"]
    raise RuntimeError(
        f"cannot find the emulator: pip install telnyx-reputation-cli (no Rust needed), set "
        f"{BINARY_ENV} to the path of {BINARY_NAME}, or put it on PATH "
        f"(cargo install --path crates/{BINARY_NAME})"
    )


class EmulatorServer:
    """A running emulator process on a free loopback port; ``stop()`` ends it."""

    def __init__(self, binary: str | None = None, *, approval_delay: str = "0s") -> None:
        command = [binary] if binary else find_command()
        command += ["--host", "127.0.0.1", "--port", "0"]
        command += ["--approval-delay", approval_delay]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"unexpected emulator output: {line!r}")
        self.base_url = line[len(prefix) :]
        """The API base URL, ending in ``/v2``."""
        self.admin_url = self.base_url.removesuffix("/v2") + "/_emulator"

    def stop(self) -> None:
        """Terminate the process and wait for it."""
        self._process.terminate()
        self._process.wait(timeout=10)

    def account(self) -> Emulator:
        """A fresh, empty account on this server."""
        return Emulator(self, f"KEY_test_{uuid.uuid4().hex}")


@dataclass
class Emulator:
    """One account on the emulator, with the admin API (``/_emulator/``) scoped to it."""

    server: EmulatorServer
    api_key: str

    @property
    def base_url(self) -> str:
        """The API base URL to give a client."""
        return self.server.base_url

    @property
    def fingerprint(self) -> str:
        """How the request journal and fault list name this account (never the raw key)."""
        return "sha256:" + hashlib.sha256(self.api_key.encode()).hexdigest()[:12]

    def client(self, **options: Any) -> Client:
        """A blocking client for this account."""
        return Client(api_key=self.api_key, base_url=self.base_url, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """An asyncio client for this account."""
        return AsyncClient(api_key=self.api_key, base_url=self.base_url, **options)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Call an admin endpoint for this account; returns the decoded JSON (or None)."""
        query = urllib.parse.urlencode({"api_key": self.api_key})
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.server.admin_url}{path}?{query}", data=data, method=method
        )
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def requests(self) -> list[dict[str, Any]]:
        """The API requests this account made, oldest first (the request journal)."""
        entries: list[dict[str, Any]] = self.admin("GET", "/requests")["data"]
        return entries

    def fault(self, **rule: Any) -> None:
        """Answer the next matching request(s) differently, e.g. ``fault(status=503)``."""
        self.admin("POST", "/faults", rule)

    def ledger(self) -> dict[str, Any]:
        """The billable actions this account was charged for."""
        ledger: dict[str, Any] = self.admin("GET", "/ledger")["data"]
        return ledger

    def set_gates(self, enterprise_id: str, **gates: Any) -> None:
        """Force ``status`` / ``loa_status`` (and ``rejection_reasons``) of an enterprise."""
        self.admin("POST", "/gates", {"enterprise_id": enterprise_id, **gates})


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """The emulator process, shared by the session."""
    server = EmulatorServer()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> Emulator:
    """A fresh emulator account for one test."""
    return emulator_server.account()


@pytest.fixture
def client(emulator: Emulator) -> Client:
    """A blocking ``Client`` for the test's emulator account."""
    return emulator.client()


@pytest.fixture
def async_client(emulator: Emulator) -> AsyncClient:
    """An ``AsyncClient`` for the test's emulator account."""
    return emulator.async_client()
