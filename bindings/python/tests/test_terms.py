"""Terms of service: agree, status, info, agreements list/get, through both clients."""

from __future__ import annotations

from datetime import date, datetime

from conftest import Sdk


def test_agree_then_status_reads_agreed(sdk: Sdk) -> None:
    tos = sdk.client.terms_of_service
    before = sdk.run(tos.status("number_reputation"))
    assert before.product_type == "number_reputation"
    assert before.has_agreed is False
    agreement = sdk.run(tos.agree_number_reputation())
    assert agreement.product_type == "number_reputation"
    assert isinstance(agreement.agreed_at, datetime)
    assert agreement.agreed_at.tzinfo is not None
    after = sdk.run(tos.status("number_reputation"))
    assert after.has_agreed is True
    assert after.agreed_version == agreement.terms_version


def test_info_of_one_product_and_all(sdk: Sdk) -> None:
    tos = sdk.client.terms_of_service
    one = sdk.run(tos.info("number_reputation"))
    assert [i.product_type for i in one] == ["number_reputation"]
    assert one[0].effective_date is None or isinstance(one[0].effective_date, date)
    every = sdk.run(tos.info())
    assert {i.product_type for i in every} >= {"number_reputation"}


def test_agreements_list_and_get(sdk: Sdk) -> None:
    tos = sdk.client.terms_of_service
    agreement = sdk.run(tos.agree_number_reputation())
    listed = sdk.collect(tos.agreements.list(product_type="number_reputation"))
    assert [a.id for a in listed] == [agreement.id]
    assert sdk.run(tos.agreements.get(agreement.id)) == agreement
