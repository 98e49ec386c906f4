"""Escape hatches: ``with_raw_response`` gives the real status, headers and request id of
an answer; ``extra_headers`` / ``extra_query`` / ``extra_body`` reach the server (read back
from the emulator's request journal); refused extras fail before any I/O."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import ENTERPRISE, Sdk, numbers
from telnyx_reputation import AsyncClient, Client, RawHeaders, RawResponse
from telnyx_reputation.errors import (
    BillingRefusedError,
    InvalidInputError,
    UnprocessableEntityError,
)
from telnyx_reputation.models import Enterprise, Page


def test_raw_response_has_the_status_headers_and_request_id(sdk: Sdk) -> None:
    raw = sdk.run(sdk.client.enterprises.with_raw_response.create(**ENTERPRISE))
    last = sdk.emulator.requests()[-1]
    assert isinstance(raw, RawResponse)
    assert raw.status_code == last["status"]
    assert 200 <= raw.status_code < 300
    assert raw.request_id is not None
    assert raw.request_id == last["request_id"]
    assert isinstance(raw.headers, RawHeaders)
    assert raw.headers["Content-Type"] == "application/json"
    assert raw.headers["x-request-id"] == raw.request_id
    enterprise = raw.parse()
    assert isinstance(enterprise, Enterprise)
    assert enterprise.legal_name == ENTERPRISE["legal_name"]

    # Handles made from a raw handle are raw too; a list gives its first page.
    got = sdk.run(sdk.client.enterprises.with_raw_response.get(enterprise.id))
    assert got.status_code == 200
    assert got.request_id == sdk.emulator.requests()[-1]["request_id"] != raw.request_id
    page = sdk.run(sdk.client.enterprises.with_raw_response.list(page_size=1))
    assert page.request_id == sdk.emulator.requests()[-1]["request_id"]
    assert isinstance(page.parse(), Page)
    assert [e.id for e in page.parse().items] == [enterprise.id]
    pdf = sdk.run(sdk.client.reputation(enterprise.id).with_raw_response.loa.render())
    assert pdf.request_id == sdk.emulator.requests()[-1]["request_id"]
    assert pdf.parse().startswith(b"%PDF")
    # The plain handle is unchanged.
    assert isinstance(sdk.run(sdk.client.enterprises.get(enterprise.id)), Enterprise)


def test_extra_headers_and_query_reach_the_server(sdk: Sdk) -> None:
    enterprise_id = sdk.enterprise()
    sdk.run(
        sdk.client.enterprises.get(
            enterprise_id,
            extra_headers={"X-Trace-Id": "py-trace"},
            extra_query={"beta_view": "full"},
        )
    )
    last = sdk.emulator.requests()[-1]
    assert last["headers"]["x-trace-id"] == "py-trace"
    assert last["query"] == "beta_view=full"
    # A list keeps its filters and adds the extras.
    sdk.collect(sdk.client.enterprises.list(page_size=3, extra_query={"beta_view": "full"}))
    query = sdk.emulator.requests()[-1]["query"]
    assert "page%5Bsize%5D=3" in query and query.endswith("&beta_view=full")
    # The next call without extras sends none.
    sdk.run(sdk.client.enterprises.get(enterprise_id))
    assert "x-trace-id" not in sdk.emulator.requests()[-1]["headers"]


def test_extra_body_is_merged_into_the_json_body(sdk: Sdk) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        sdk.run(sdk.client.enterprises.create(**ENTERPRISE, extra_body={"future_field": {"a": 1}}))
    body = json.loads(sdk.emulator.requests()[-1]["body"])
    assert body["future_field"] == {"a": 1}
    assert body["legal_name"] == ENTERPRISE["legal_name"]
    # The emulator models today's contract: the field reached it and it named it.
    assert caught.value.errors[0].pointer == "/future_field"


def test_refused_extras_raise_before_any_io(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    seen = len(sdk.emulator.requests())
    nums = sdk.client.reputation(enterprise_id).numbers
    cases: list[tuple[dict[str, Any], str]] = [
        ({"extra_headers": {"Authorization": "Bearer KEYother"}}, "`Authorization`"),
        ({"extra_headers": {"Idempotency-Key": "k-1"}}, "`Idempotency-Key`"),
        ({"extra_query": {"fresh": "true"}}, "`fresh`"),
        ({"extra_body": {"phone_numbers": []}}, "no additional properties"),
    ]
    for extras, named in cases:
        with pytest.raises(InvalidInputError) as caught:
            sdk.run(nums.add(numbers(1000, 1), **extras))
        assert named in str(caught.value)
        assert "KEYother" not in str(caught.value)
    with pytest.raises(TypeError, match="extra_header"):
        sdk.run(nums.get("+12025551000", extra_header={"X-A": "1"}))  # type: ignore[call-arg]
    with pytest.raises(InvalidInputError, match="extra_query"):
        sdk.run(nums.get("+12025551000", extra_query={"q": 1}))  # type: ignore[dict-item]
    assert len(sdk.emulator.requests()) == seen, "nothing may be sent"


def test_extras_do_not_get_around_the_cost_guard(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    seen = len(sdk.emulator.requests())
    guarded: Client | AsyncClient = (
        sdk.emulator.client(max_billable=0)
        if isinstance(sdk.client, Client)
        else sdk.emulator.async_client(max_billable=0)
    )
    with pytest.raises(BillingRefusedError):
        sdk.run(
            guarded.reputation(enterprise_id).numbers.add(
                numbers(1000, 1), extra_headers={"X-Trace-Id": "t"}
            )
        )
    assert len(sdk.emulator.requests()) == seen
