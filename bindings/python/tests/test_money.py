"""Money from Python, checked against the emulator's ledger: the price table, ``max_spend``
refused before anything is sent, ``max_billable`` counting billed numbers rather than
requests, remediation billed per number, ``usage()`` in dollars, and the first cached read
of a number without data guarded as the live lookup it may be."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from conftest import Sdk, numbers

import telnyx_reputation
from telnyx_reputation.errors import BillingRefusedError
from telnyx_reputation.testing import Emulator


def guarded_sdk(emulator: Emulator, asynchronous: bool, **options: Any) -> Sdk:
    if asynchronous:
        return Sdk(emulator.async_client(**options), emulator)
    return Sdk(emulator.client(**options), emulator)


def test_the_published_price_table_states_what_it_knows_and_marks_the_rest_unknown(
    client: Any,
) -> None:
    table = {row.item: row for row in telnyx_reputation.PRICES}
    assert list(table) == [
        "monitoring",
        "enable",
        "numbers_added",
        "live_lookups",
        "refreshes",
        "scheduled_refresh",
        "remediations",
    ]
    assert table["monitoring"].usd == Decimal("100.00")
    assert table["monitoring"].unit == "enterprise-month"
    assert table["live_lookups"].usd == Decimal("0.10")
    assert table["scheduled_refresh"].usd == Decimal("0.10")
    assert table["remediations"].usd == Decimal("1.00")
    assert table["numbers_added"].usd is None
    for row in table.values():
        assert row.source and row.read, row
    assert client.prices == list(telnyx_reputation.PRICES)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_max_spend_refuses_the_check_that_would_go_over_before_sending(
    emulator: Emulator, asynchronous: bool
) -> None:
    setup = guarded_sdk(emulator, False)
    enterprise_id = setup.approved_enterprise()
    batch = numbers(100, 3)
    setup.run(setup.client.reputation(enterprise_id).numbers.add(batch))

    sdk = guarded_sdk(emulator, asynchronous, max_spend="0.25")
    rep = sdk.client.reputation(enterprise_id)
    sdk.run(rep.numbers.get_fresh(batch[0]))
    sdk.run(rep.numbers.get_fresh(batch[1]))
    assert sdk.client.max_spend == Decimal("0.25")
    assert sdk.client.remaining_spend == Decimal("0.05")
    with pytest.raises(BillingRefusedError) as refused:
        sdk.run(rep.numbers.get_fresh(batch[2]))
    assert "max_spend $0.25 has $0.05 left" in str(refused.value)
    # A refresh of two numbers ($0.20) does not fit either; nothing is sent.
    with pytest.raises(BillingRefusedError):
        sdk.run(rep.numbers.refresh(batch[:2]))

    ledger = emulator.ledger()
    assert ledger["live_lookups"] == 2
    assert ledger["refreshes"] == 0
    usage = sdk.client.usage()
    assert usage.usd.usd == Decimal("0.20")
    assert usage.usd.exact
    assert usage.dollars("live_lookups") == Decimal("0.20")
    assert usage.total_units == 2


def test_an_unknown_price_is_never_guessed(emulator: Emulator) -> None:
    setup = guarded_sdk(emulator, False)
    enterprise_id = setup.approved_enterprise()

    spend = emulator.client(max_spend=Decimal("1.00"))
    with pytest.raises(BillingRefusedError, match="price of numbers_added is unknown"):
        spend.reputation(enterprise_id).numbers.add(numbers(200, 2))
    assert emulator.ledger()["numbers_added"] == 0

    # Unbudgeted, the usage names the units whose price is unknown instead of a figure.
    plain = emulator.client()
    plain.reputation(enterprise_id).numbers.add(numbers(200, 2))
    usage = plain.usage()
    assert usage.dollars("numbers_added") is None
    assert not usage.usd.exact
    assert usage.usd.unknown_units == {"numbers_added": 2}

    priced = emulator.client(
        max_spend="1.00",
        prices={"numbers_added": {"usd": "0.40", "source": "our contract", "read": "2027-01"}},
    )
    row = next(p for p in priced.prices if p.item == "numbers_added")
    assert (row.usd, row.source, row.read) == (Decimal("0.40"), "our contract", "2027-01")
    priced.reputation(enterprise_id).numbers.add(numbers(300, 2))
    assert priced.usage().usd.usd == Decimal("0.80")
    with pytest.raises(BillingRefusedError, match="costs \\$0.40"):
        priced.reputation(enterprise_id).numbers.add(numbers(400, 1))
    assert emulator.ledger()["numbers_added"] == 4


@pytest.mark.parametrize("asynchronous", [False, True])
def test_max_billable_counts_numbers_not_requests(emulator: Emulator, asynchronous: bool) -> None:
    enterprise_id = guarded_sdk(emulator, False).approved_enterprise()
    sdk = guarded_sdk(emulator, asynchronous, max_billable=50)
    rep = sdk.client.reputation(enterprise_id)
    # One request of 100 numbers bills 100: over a budget of 50, refused, nothing added.
    with pytest.raises(BillingRefusedError, match="max_billable is 50"):
        sdk.run(rep.numbers.add(numbers(1000, 100)))
    assert emulator.ledger()["numbers_added"] == 0
    assert sdk.collect(rep.numbers.list()) == []
    sdk.run(rep.numbers.add(numbers(1000, 50)))
    assert sdk.client.remaining_billable == 0
    assert sdk.client.usage().units("numbers_added") == 50
    assert emulator.ledger()["numbers_added"] == 50


def test_remediation_is_billed_per_number_submitted(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    batch = numbers(500, 4)
    sdk.run(sdk.client.reputation(enterprise_id).numbers.add(batch))
    guarded = sdk.emulator.client(max_billable=4)
    rep = guarded.reputation(enterprise_id)
    with pytest.raises(BillingRefusedError, match="remediation.submit"):
        rep.remediation.submit(numbers(500, 5), "Appointment reminders.")
    assert sdk.emulator.ledger()["remediations"] == 0
    rep.remediation.submit(batch[:3], "Appointment reminders.")
    assert sdk.emulator.ledger()["remediations"] == 3
    usage = guarded.usage()
    assert (usage.requests("remediations"), usage.units("remediations")) == (1, 3)
    assert usage.dollars("remediations") == Decimal("3.00")
    assert guarded.remaining_billable == 1


@pytest.mark.parametrize("asynchronous", [False, True])
def test_the_first_read_of_a_number_without_data_is_guarded_as_billable(
    emulator: Emulator, asynchronous: bool
) -> None:
    enterprise_id = guarded_sdk(emulator, False).approved_enterprise()
    batch = numbers(600, 1)
    guarded_sdk(emulator, False).run(emulator.client().reputation(enterprise_id).numbers.add(batch))

    zero = guarded_sdk(emulator, asynchronous, max_billable=0)
    with pytest.raises(BillingRefusedError, match="may be billed"):
        zero.run(zero.client.reputation(enterprise_id).numbers.get(batch[0]))
    with pytest.raises(BillingRefusedError, match="may be billed"):
        zero.run(zero.client.numbers.get(batch[0]))
    assert emulator.ledger()["live_lookups"] == 0

    # With room for it, the first read is live, billed and counted.
    one = guarded_sdk(emulator, asynchronous, max_billable=1)
    one.run(one.client.reputation(enterprise_id).numbers.get(batch[0]))
    assert emulator.ledger()["live_lookups"] == 1
    assert one.client.usage().units("live_lookups") == 1
    assert one.client.remaining_billable == 0

    # A read the answer shows came from the cache (data refreshed before the request, at
    # one-second resolution) gives its reservation back and costs nothing.
    time.sleep(1.1)
    cached = guarded_sdk(emulator, asynchronous, max_billable=1)
    number = cached.run(cached.client.numbers.get(batch[0]))
    assert number.reputation_data is not None
    assert cached.client.usage().total_units == 0
    assert cached.client.remaining_billable == 1
    assert emulator.ledger()["live_lookups"] == 1
