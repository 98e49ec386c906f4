"""Start the emulator binary for the conformance tests (path in TELNYX_REPUTATION_EMULATOR_BIN)."""

import os
import re
import subprocess
import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    binary = os.environ["TELNYX_REPUTATION_EMULATOR_BIN"]
    proc = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", "0", "--approval-delay", "0s", "--seed", "7"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+/v2)\n", line)
    assert match, f"unexpected first line from the emulator: {line!r}"
    try:
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture()
def api_key() -> str:
    """A fresh account per test: every API key is its own account in the emulator."""
    return f"conformance-{uuid.uuid4()}"
