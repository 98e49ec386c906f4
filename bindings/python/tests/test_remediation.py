"""Remediation: submit, get, watch, wait_until_finished, list with filters."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import Sdk, numbers
from telnyx_reputation.errors import NotFoundError
from telnyx_reputation.models import Remediation


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


def test_wait_until_finished_returns_the_completed_request(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add(numbers(0, 3)))
    submitted = sdk.run(rep.remediation.submit(numbers(0, 3), "Appointment reminders."))
    done = sdk.run(rep.remediation.wait_until_finished(submitted.id, interval=0.01, timeout=5))
    assert done.status == "completed"
    assert done.results is not None
    placed = (
        done.results.remediated
        + done.results.not_flagged
        + done.results.requires_review
        + done.results.ineligible
        + done.results.refused
    )
    assert sorted(placed) == numbers(0, 3)


def test_watch_yields_each_status_change_until_a_final_one(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add(numbers(0, 2)))
    submitted = sdk.run(rep.remediation.submit(numbers(0, 2), "Appointment reminders."))
    sent = len(sdk.emulator.requests())
    watch = rep.remediation.watch(submitted.id, interval=0.01, timeout=5)
    assert len(sdk.emulator.requests()) == sent, "nothing is sent until iteration"
    seen = sdk.collect(watch)
    assert all(isinstance(r, Remediation) and r.id == submitted.id for r in seen)
    statuses = [r.status for r in seen]
    assert statuses[-1] == "completed"
    assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False)), statuses
    assert sdk.collect(watch) == [], "a finished watch stays finished"


def test_watch_of_an_unknown_request_raises_not_found(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    with pytest.raises(NotFoundError):
        sdk.collect(rep.remediation.watch(str(uuid.uuid4()), interval=0.01, timeout=5))
