"""The account-wide ("simplified") numbers endpoints: list, get, remove."""

from __future__ import annotations

import pytest

from conftest import Sdk, numbers
from telnyx_reputation.errors import NotFoundError


def test_list_get_remove_across_enterprises(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    sdk.run(sdk.client.reputation(enterprise_id).numbers.add(numbers(0, 3)))
    account = sdk.client.numbers
    listed = sdk.collect(account.list(page_size=2))
    assert sorted(n.phone_number for n in listed) == numbers(0, 3)
    mine = sdk.collect(account.list(enterprise_id=enterprise_id, phone_number_contains="5550001"))
    assert [n.phone_number for n in mine] == ["+12025550001"]
    got = sdk.run(account.get("+12025550001"))
    assert got.enterprise_id == enterprise_id
    assert sdk.run(account.remove("+12025550001")) is None
    with pytest.raises(NotFoundError):
        sdk.run(account.get("+12025550001"))
