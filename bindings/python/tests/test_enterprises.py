"""Enterprises: create, list (paged, filtered), get, replace, delete."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from conftest import ENTERPRISE, Sdk
from telnyx_reputation.errors import NotFoundError
from telnyx_reputation.models import Enterprise, PhysicalAddress


def test_create_returns_a_typed_enterprise(sdk: Sdk) -> None:
    created = sdk.run(sdk.client.enterprises.create(**ENTERPRISE))
    assert isinstance(created, Enterprise)
    assert created.legal_name == "Acme Plumbing LLC"
    assert created.billing_address == PhysicalAddress(
        street_address="100 Main St",
        city="Chicago",
        administrative_area="IL",
        postal_code="60601",
        country="US",
    )
    assert created.created_at.tzinfo is not None


def test_create_takes_models_for_nested_fields(sdk: Sdk) -> None:
    first = sdk.run(sdk.client.enterprises.create(**ENTERPRISE))
    fields = {**ENTERPRISE, "legal_name": "Second Co", "billing_address": first.billing_address}
    second = sdk.run(sdk.client.enterprises.create(**fields))
    assert second.billing_address == first.billing_address


def test_get_replace_delete(sdk: Sdk) -> None:
    enterprises = sdk.client.enterprises
    enterprise_id = sdk.run(enterprises.create(**ENTERPRISE)).id
    assert sdk.run(enterprises.get(enterprise_id)).id == enterprise_id
    replaced = sdk.run(enterprises.replace(enterprise_id, doing_business_as="Acme Pipes"))
    assert replaced.doing_business_as == "Acme Pipes"
    assert sdk.run(enterprises.delete(enterprise_id)) is None
    with pytest.raises(NotFoundError) as caught:
        sdk.run(enterprises.get(enterprise_id))
    assert caught.value.status_code == 404


def test_list_pages_through_everything(sdk: Sdk) -> None:
    enterprises = sdk.client.enterprises
    names = [f"Enterprise {i:02d}" for i in range(5)]
    for name in names:
        sdk.run(enterprises.create(**{**ENTERPRISE, "legal_name": name}))
    listed = sdk.collect(enterprises.list(page_size=2))
    assert sorted(e.legal_name for e in listed) == names
    first = sdk.run(enterprises.list(page_size=2).first_page())
    assert len(first.items) == 2
    assert (first.meta.total_results, first.meta.total_pages, first.has_next) == (5, 3, True)
    matching = sdk.collect(enterprises.list(legal_name_contains="prise 03"))
    assert [e.legal_name for e in matching] == ["Enterprise 03"]


def test_create_and_replace_take_real_keyword_parameters(sdk: Sdk) -> None:
    enterprises: Any = sdk.client.enterprises
    create = inspect.signature(enterprises.create).parameters
    assert list(create)[:2] == ["legal_name", "doing_business_as"]
    # Every field is keyword-only; `**extras` takes the `extra_*` keywords of every call.
    assert create["extras"].kind is inspect.Parameter.VAR_KEYWORD
    fields = {name: p for name, p in create.items() if name != "extras"}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in fields.values())
    assert create["role_type"].default is None
    assert create["legal_name"].default is inspect.Parameter.empty
    replace = inspect.signature(enterprises.replace).parameters
    assert "enterprise_id" in replace and "organization_type" not in replace
    with pytest.raises(TypeError, match="lega_name"):
        enterprises.create(**ENTERPRISE, lega_name="typo")
    missing = {k: v for k, v in ENTERPRISE.items() if k != "fein"}
    with pytest.raises(TypeError, match="fein"):
        enterprises.create(**missing)
    with pytest.raises(TypeError, match="organization_type"):
        enterprises.replace("00000000-0000-0000-0000-000000000000", organization_type="x")
