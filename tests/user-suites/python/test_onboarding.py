"""40 tests that each onboard an enterprise through the client and advance their own clock
by 30 days: run serially by ``cargo xtask test python`` and under ``pytest -n 4`` from the built packages alone, none may see
another's clock or data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from telnyx_reputation import Client
from telnyx_reputation.testing import Emulator

ENTERPRISE: dict[str, Any] = {
    "doing_business_as": "Acme Plumbing",
    "organization_type": "commercial",
    "organization_legal_type": "llc",
    "country_code": "US",
    "jurisdiction_of_incorporation": "Delaware",
    "website": "https://acmeplumbing.example.com",
    "fein": "12-3456789",
    "industry": "technology",
    "number_of_employees": "51-200",
    "organization_contact": {
        "first_name": "Sam",
        "last_name": "Owner",
        "email": "sam@acmeplumbing.example.com",
        "job_title": "Compliance Lead",
        "phone_number": "+13125550000",
    },
    "billing_contact": {
        "first_name": "Alex",
        "last_name": "Bill",
        "email": "billing@acmeplumbing.example.com",
        "phone_number": "+13125550001",
    },
    "organization_physical_address": {
        "country": "US",
        "administrative_area": "IL",
        "city": "Chicago",
        "postal_code": "60601",
        "street_address": "100 Main St",
    },
}
NUMBERS = [f"+1202555{i:04d}" for i in range(10)]


@pytest.mark.parametrize("index", range(40))
def test_onboard_and_run_a_month(index: int, client: Client, emulator: Emulator) -> None:
    started = datetime.now(UTC)
    client.terms_of_service.agree_number_reputation()
    enterprise = client.enterprises.create(
        legal_name=f"Tenant {index} LLC",
        billing_address=ENTERPRISE["organization_physical_address"],
        **ENTERPRISE,
    )
    loa = client.documents.upload("loa.pdf", b"%PDF-1.7 signed")
    reputation = client.reputation(enterprise.id)
    reputation.enable(loa.id, "daily")
    emulator.trigger("gate.approved", enterprise_id=enterprise.id, gate="status")
    emulator.trigger("gate.approved", enterprise_id=enterprise.id, gate="loa_status")
    reputation.numbers.add(NUMBERS)

    now = emulator.advance(days=30)

    # Our own month passed, and only ours: another test's advance would add 30 days more.
    assert timedelta(days=30) <= now - started < timedelta(days=31)
    assert [e.legal_name for e in client.enterprises.list()] == [f"Tenant {index} LLC"]
    ledger = emulator.ledger()
    assert ledger["numbers_added"] == len(NUMBERS)
    # Daily checks for 30 days (a number removed after an unconfirmed carrier change stops).
    assert 30 <= ledger["scheduled_refresh"] <= 30 * len(NUMBERS)
    assert {e["enterprise_id"] for e in ledger["entries"]} == {enterprise.id}
