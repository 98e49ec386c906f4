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

Each account has its own test clock: ``emulator.advance(days=30)`` moves that account's time
only (its schedules, ownership deadlines, remediation stages and webhook times follow it), so
tests that travel in time can run in parallel (``pytest -n 4`` with pytest-xdist: each worker
starts its own emulator, each test gets its own account). ``emulator.trigger(...)`` fires an
event or state change as if it happened by itself, and ``emulator.load_fixtures(...)`` sets
up a scenario in one call.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
from datetime import datetime
import shutil
import subprocess
import sysconfig
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from telnyx_reputation import AsyncClient, Client

__all__ = [
    "Emulator",
    "EmulatorError",
    "EmulatorServer",
    "async_client",
    "client",
    "emulator",
    "emulator_server",
]

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


class EmulatorError(RuntimeError):
    """An admin call the emulator refused: ``status`` and the decoded error ``body``."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        """The HTTP status."""
        self.body = body
        """The decoded JSON error body (Telnyx-shaped ``{"errors": [...]}``), or the text."""
        details = body
        if isinstance(body, dict) and isinstance(body.get("errors"), list):
            details = "; ".join(
                f"{e.get('source', {}).get('pointer', '')}: {e.get('detail', '')}".lstrip(": ")
                for e in body["errors"]
            )
        super().__init__(f"{method} /_emulator{path}: {status}: {details}")


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
        data = None if body is None else json.dumps(body).encode()
        return self._send(method, path, data, "application/json")

    def _send(self, method: str, path: str, data: bytes | None, content_type: str) -> Any:
        query = urllib.parse.urlencode({"api_key": self.api_key})
        request = urllib.request.Request(
            f"{self.server.admin_url}{path}?{query}", data=data, method=method
        )
        request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
        except urllib.error.HTTPError as refused:
            text = refused.read().decode(errors="replace")
            try:
                decoded: Any = json.loads(text)
            except ValueError:
                decoded = text
            raise EmulatorError(method, path, refused.code, decoded) from None
        return json.loads(raw) if raw else None

    def now(self) -> datetime:
        """This account's current time on its test clock."""
        return _time(self.admin("GET", "/health")["now"])

    def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> datetime:
        """Move this account's test clock forward (other accounts keep theirs); everything
        that came due in between happens, in order. Returns the account's new time."""
        total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
        if total < 0:
            raise ValueError("advance moves the clock forward only")
        moved = self.admin("POST", "/clock/advance", {"seconds": total})["data"]
        return _time(moved["now"])

    def trigger(self, event: str, **params: Any) -> Any:
        """Fire ``event`` for a number or enterprise of this account as if it happened by
        itself (webhook included), e.g. ``trigger("number.flagged", phone_number=n)``.
        Events: ``reputation.changed``, ``number.flagged``, ``number.removed``,
        ``external_verification.status_changed``, ``gate.approved``, ``gate.rejected``,
        ``remediation.status_changed``. Returns what changed (the record or settings)."""
        fired = self.admin("POST", "/trigger", {"event": event, **params})["data"]
        return fired["result"]

    def load_fixtures(self, scenario: Mapping[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
        """Run a fixture scenario (a mapping, or the path of a JSON file, or of a YAML file
        ending ``.yaml``/``.yml``) as this account: every step or none. Returns each named
        step's response body by name. The emulator reads the file, so YAML needs no Python
        YAML library; a refused file raises :class:`EmulatorError` naming step and field."""
        if isinstance(scenario, Mapping):
            answer = self.admin("POST", "/fixtures", dict(scenario))
        else:
            path = Path(scenario)
            yaml = path.suffix.lower() in (".yaml", ".yml")
            content_type = "application/yaml" if yaml else "application/json"
            answer = self._send("POST", "/fixtures", path.read_bytes(), content_type)
        loaded: dict[str, Any] = answer["data"]["steps"]
        return loaded

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


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


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
