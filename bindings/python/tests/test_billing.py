"""The cost guard from Python, checked against the emulator's ledger: ``max_billable``,
``usage()``, ``BillingRefusedError``, the ``on_billable`` hook, the optional frequency of
``enable`` and ``fresh`` on the account-wide get."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Sdk, numbers

from telnyx_reputation.errors import BillingRefusedError
from telnyx_reputation.models import BillableRequest
from telnyx_reputation.testing import Emulator


def guarded_sdk(emulator: Emulator, asynchronous: bool, **options: Any) -> Sdk:
    if asynchronous:
        return Sdk(emulator.async_client(**options), emulator)
    return Sdk(emulator.client(**options), emulator)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_max_billable_refuses_before_sending_and_usage_matches_the_ledger(
    emulator: Emulator, asynchronous: bool
) -> None:
    # max_billable counts billed units: enable 1 + 2 numbers added + 1 check = 4.
    sdk = guarded_sdk(emulator, asynchronous, max_billable=4)
    enterprise_id = sdk.enterprise()
    rep = sdk.client.reputation(enterprise_id)
    sdk.run(rep.enable(sdk.loa_document()))  # 1: frequency defaults to business_daily
    emulator.set_gates(enterprise_id, status="approved", loa_status="approved")
    sdk.run(rep.numbers.add(numbers(1000, 2)))  # 3
    sdk.run(rep.numbers.get_fresh(numbers(1000, 1)[0]))  # 4
    with pytest.raises(BillingRefusedError) as refused:
        sdk.run(rep.numbers.refresh(numbers(1000, 2)))
    assert "max_billable is 4" in str(refused.value)
    assert "numbers.refresh" in str(refused.value)

    ledger = emulator.ledger()
    assert ledger["refreshes"] == 0
    usage = sdk.client.usage()
    assert usage.total_requests == 3
    for action in ("enable", "numbers_added", "live_lookups", "refreshes"):
        assert usage.units(action) == ledger[action], action
    assert usage.requests("numbers_added") == 1
    assert usage.units("numbers_added") == 2
    assert sdk.client.max_billable == 4
    assert sdk.client.remaining_billable == 0
    settings = sdk.run(rep.settings())
    assert settings.check_frequency == "business_daily"


def test_add_all_checks_its_whole_plan_first(emulator: Emulator) -> None:
    sdk = guarded_sdk(emulator, False)
    enterprise_id = sdk.approved_enterprise()
    guarded = emulator.client(max_billable=2)
    with pytest.raises(BillingRefusedError) as refused:
        guarded.reputation(enterprise_id).numbers.add_all(numbers(1000, 250))
    assert "plans 250 billable units" in str(refused.value)
    assert emulator.ledger()["numbers_added"] == 0
    assert guarded.usage().total_requests == 0


@pytest.mark.parametrize("asynchronous", [False, True])
def test_the_hook_sees_billable_requests_and_may_refuse(
    emulator: Emulator, asynchronous: bool
) -> None:
    enterprise_id = guarded_sdk(emulator, False).approved_enterprise()
    seen: list[dict[str, Any]] = []

    def hook(request: BillableRequest) -> bool:
        seen.append(dict(request))
        if request["action"] == "refreshes":
            raise RuntimeError("refreshes need a ticket")
        return request["units"] <= 5

    sdk = guarded_sdk(emulator, asynchronous, on_billable=hook)
    rep = sdk.client.reputation(enterprise_id)
    sdk.run(rep.numbers.add(numbers(2000, 3)))
    sdk.collect(rep.numbers.list())  # free: the hook is not called
    with pytest.raises(BillingRefusedError, match="on_billable returned False"):
        sdk.run(rep.numbers.add(numbers(3000, 6)))
    with pytest.raises(BillingRefusedError, match="refreshes need a ticket"):
        sdk.run(rep.numbers.refresh(numbers(2000, 1)))
    assert [(r["operation"], r["units"]) for r in seen] == [
        ("numbers.add", 3),
        ("numbers.add", 6),
        ("numbers.refresh", 1),
    ]
    assert seen[0]["action"] == "numbers_added"
    ledger = emulator.ledger()
    assert ledger["numbers_added"] == 3
    assert ledger["refreshes"] == 0
    assert sdk.client.usage().total_requests == 1


def test_account_wide_get_fresh_is_a_billed_live_lookup(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    number = numbers(4000, 1)[0]
    sdk.run(sdk.client.reputation(enterprise_id).numbers.add([number]))
    sdk.run(sdk.client.numbers.get(number, fresh=True))
    sdk.run(sdk.client.numbers.get(number, fresh=True))
    assert sdk.emulator.ledger()["live_lookups"] == 2
    assert sdk.client.usage().requests("live_lookups") == 2


def test_usage_starts_empty(client: Any) -> None:
    usage = client.usage()
    assert usage.total_requests == 0
    assert usage.actions == {}
    assert client.max_billable is None
    assert client.remaining_billable is None
