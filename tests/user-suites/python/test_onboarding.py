"""40 tests that each onboard an enterprise and advance their own clock by 30 days: run
serially by ``cargo xtask test python`` and under ``pytest -n 4`` from the built packages
alone, none may see another's clock or data. The onboarding (terms, enterprise, LOA, daily
checks, both gates approved) is one fixture file, loaded into each test's own account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from telnyx_reputation import Client
from telnyx_reputation.testing import Emulator

APPROVED = Path(__file__).with_name("approved-enterprise.json")
NUMBERS = [f"+1202555{i:04d}" for i in range(10)]


@pytest.mark.parametrize("index", range(40))
def test_onboard_and_run_a_month(index: int, client: Client, emulator: Emulator) -> None:
    started = datetime.now(UTC)
    enterprise_id = emulator.load_fixtures(APPROVED)["acme"]["data"]["id"]
    client.reputation(enterprise_id).numbers.add(NUMBERS)

    now = emulator.advance(days=30)

    # Our own month passed, and only ours: another test's advance would add 30 days more.
    assert timedelta(days=30) <= now - started < timedelta(days=31)
    assert [e.id for e in client.enterprises.list()] == [enterprise_id]
    ledger = emulator.ledger()
    assert ledger["numbers_added"] == len(NUMBERS)
    # Daily checks for 30 days (a number removed after an unconfirmed carrier change stops).
    assert 30 <= ledger["scheduled_refresh"] <= 30 * len(NUMBERS)
    assert {e["enterprise_id"] for e in ledger["entries"]} == {enterprise_id}
