"""Remediation: submit, get, list with filters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from conftest import Sdk, numbers


def test_submit_get_list(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add(numbers(0, 2)))
    submitted = sdk.run(
        rep.remediation.submit(
            numbers(0, 2),
            "Outbound appointment reminders for our dental clinic.",
            contact_email="ops@example.com",
            webhook_url="https://example.com/hooks/remediation",
        )
    )
    assert submitted.phone_numbers_count == 2
    assert submitted.contact_email == "ops@example.com"
    fetched = sdk.run(rep.remediation.get(submitted.id))
    assert fetched.id == submitted.id
    listed = sdk.collect(rep.remediation.list())
    assert [r.id for r in listed] == [submitted.id]
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    recent = sdk.collect(rep.remediation.list(created_at_gte=yesterday, page_size=10))
    assert [r.id for r in recent] == [submitted.id]
    assert sdk.collect(rep.remediation.list(status="cancelled")) == []
