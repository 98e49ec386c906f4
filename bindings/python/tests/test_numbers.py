"""An enterprise's numbers: add, add_all, list (every page), get, get_fresh, refresh,
refresh_all, ownership, confirm_ownership, remove."""

from __future__ import annotations

import pytest

from conftest import Sdk, numbers
from telnyx_reputation.errors import ErrorObject, InvalidInputError
from telnyx_reputation.models import (
    BatchFailure,
    BulkRefreshReport,
    RefreshResult,
    ReputationData,
    ReputationNumber,
)


def test_add_get_refresh_remove(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    added = sdk.run(rep.numbers.add(numbers(0, 3)))
    assert [n.phone_number for n in added] == numbers(0, 3)
    assert all(isinstance(n, ReputationNumber) for n in added)
    cached = sdk.run(rep.numbers.get("+12025550000"))
    assert isinstance(cached.reputation_data, ReputationData)
    assert cached.reputation_data.spam_risk in {"low", "medium", "high"}
    fresh = sdk.run(rep.numbers.get_fresh("+12025550001"))
    assert fresh.reputation_data is not None
    assert fresh.reputation_data.last_refreshed_at is not None
    outcome = sdk.run(rep.numbers.refresh(numbers(0, 2)))
    assert (outcome.total_requested, outcome.total_successful) == (2, 2)
    assert sdk.run(rep.numbers.remove("+12025550002")) is None
    remaining = sdk.collect(rep.numbers.list())
    assert sorted(n.phone_number for n in remaining) == numbers(0, 2)


def test_list_iterates_every_page(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add(numbers(0, 100)))
    sdk.run(rep.numbers.add(numbers(100, 30)))
    everything = sdk.collect(rep.numbers.list(page_size=50))
    assert sorted(n.phone_number for n in everything) == numbers(0, 130)
    page = sdk.run(rep.numbers.list(page_size=50).fetch_page(3))
    assert (len(page.items), page.meta.page_number, page.has_next) == (30, 3, False)
    one = sdk.collect(rep.numbers.list(phone_number_eq="+12025550042"))
    assert [n.phone_number for n in one] == ["+12025550042"]


def test_ownership_and_confirmation(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add(["+12025550000"]))
    ownership = sdk.run(rep.numbers.ownership("+12025550000"))
    assert ownership.ownership_status == "verified"
    sdk.emulator.admin(
        "POST",
        "/numbers/ownership",
        {"phone_number": "+12025550000", "ownership_status": "pending_confirmation"},
    )
    confirmed = sdk.run(rep.numbers.confirm_ownership("+12025550000", True))
    assert confirmed.ownership_status == "verified"


def test_add_all_in_batches_reporting_a_failed_one(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    with pytest.raises(InvalidInputError, match=r"phone_numbers\[130\]: \+12025550003 repeats"):
        sdk.run(rep.numbers.add_all([*numbers(0, 130), "+12025550003"]))
    with pytest.raises(InvalidInputError, match="concurrency"):
        sdk.run(rep.numbers.add_all(numbers(0, 2), concurrency=17))
    assert sdk.collect(rep.numbers.list()) == []

    report = sdk.run(rep.numbers.add_all(numbers(0, 150), concurrency=2))
    assert report.is_complete is True
    assert [n.phone_number for n in report.added] == numbers(0, 150)

    sdk.emulator.admin(
        "POST",
        "/faults",
        {"status": 422, "count": 1, "method": "POST", "path_prefix": "/v2/enterprises"},
    )
    report = sdk.run(rep.numbers.add_all(numbers(150, 250), concurrency=1))
    assert report.is_complete is False
    (failure,) = report.failed
    assert isinstance(failure, BatchFailure)
    assert (failure.batch_index, failure.numbers) == (0, numbers(150, 100))
    assert (failure.error_kind, failure.status) == ("UNPROCESSABLE", 422)
    assert failure.message.startswith("422 Unprocessable")
    assert all(isinstance(e, ErrorObject) for e in failure.api_errors)
    assert [n.phone_number for n in report.added] == numbers(250, 150)


def test_refresh_all_in_batches_reporting_a_failed_one(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.run(rep.numbers.add_all(numbers(0, 250)))
    with pytest.raises(InvalidInputError, match=r"phone_numbers\[2\]: \+12025550000 repeats"):
        sdk.run(rep.numbers.refresh_all([*numbers(0, 2), "+12025550000"]))
    with pytest.raises(InvalidInputError, match="concurrency"):
        sdk.run(rep.numbers.refresh_all(numbers(0, 2), concurrency=0))
    assert sdk.emulator.ledger().get("refreshes", 0) == 0

    report = sdk.run(rep.numbers.refresh_all(numbers(0, 150), concurrency=2))
    assert isinstance(report, BulkRefreshReport)
    assert report.failed == []
    assert all(isinstance(r, RefreshResult) and r.success for r in report.results)
    assert [r.phone_number for r in report.results] == numbers(0, 150)

    sdk.emulator.admin(
        "POST",
        "/faults",
        {"status": 422, "count": 1, "method": "POST", "path_prefix": "/v2/enterprises"},
    )
    report = sdk.run(rep.numbers.refresh_all(numbers(0, 250), concurrency=1))
    (failure,) = report.failed
    assert (failure.batch_index, failure.numbers) == (0, numbers(0, 100))
    assert (failure.error_kind, failure.status) == ("UNPROCESSABLE", 422)
    assert [r.phone_number for r in report.results] == numbers(100, 150)
