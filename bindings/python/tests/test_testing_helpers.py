"""The test helpers of ``telnyx_reputation.testing``: per-account test clocks, triggers and
fixture scenarios, checked through the client against the emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from telnyx_reputation import errors
from telnyx_reputation.testing import Emulator, EmulatorError, EmulatorServer

from conftest import APPROVED, numbers


def approved_scenario(count: int) -> dict[str, Any]:
    """The shared approved enterprise (daily checks) with ``count`` numbers added."""
    scenario: dict[str, Any] = json.loads(APPROVED.read_text(encoding="utf-8"))
    scenario["fixtures"].append(
        {
            "path": "/v2/enterprises/${acme:data.id}/reputation/numbers",
            "params": {"phone_numbers": numbers(700, count)},
        }
    )
    return scenario


def yaml_scenario(legal_name: str, count: int) -> str:
    """An approved enterprise with ``count`` numbers, as a YAML fixture file would say it."""
    phones = ", ".join(f"'{n}'" for n in numbers(800, count))
    return f"""# An approved enterprise with its numbers.
fixtures:
  - path: /v2/terms_of_service/number_reputation/agree
  - name: acme
    path: /v2/enterprises
    params:
      legal_name: {legal_name}
      doing_business_as: Acme Plumbing
      organization_type: commercial
      organization_legal_type: llc
      country_code: US
      jurisdiction_of_incorporation: Delaware
      website: https://acmeplumbing.example.com
      fein: 12-3456789
      industry: technology
      number_of_employees: 51-200
      organization_contact: {{first_name: Sam, last_name: Owner, email: sam@acmeplumbing.example.com, job_title: Compliance Lead, phone_number: '+13125550000'}}
      billing_contact: {{first_name: Alex, last_name: Bill, email: billing@acmeplumbing.example.com, phone_number: '+13125550001'}}
      organization_physical_address: &office {{country: US, administrative_area: IL, city: Chicago, postal_code: '60601', street_address: 100 Main St}}
      billing_address: *office
  - name: loa
    path: /v2/documents
    params: {{file: JVBERi0xLjcgc2lnbmVk, filename: loa.pdf}}
  - path: /v2/enterprises/${{acme:data.id}}/reputation
    params: {{loa_document_id: '${{loa:data.id}}', check_frequency: daily}}
  - path: /_emulator/gates
    params: {{enterprise_id: '${{acme:data.id}}', status: approved, loa_status: approved}}
  - path: /v2/enterprises/${{acme:data.id}}/reputation/numbers
    params: {{phone_numbers: [{phones}]}}
"""


def test_advance_moves_only_this_accounts_clock(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    other = emulator_server.account()
    emulator.load_fixtures(approved_scenario(2))
    other.load_fixtures(approved_scenario(2))
    start = other.now()
    moved = emulator.advance(days=30)
    assert moved - start >= timedelta(days=30)
    assert emulator.now() - start >= timedelta(days=30)
    assert other.now() - start < timedelta(days=1), "the other account keeps its clock"
    assert emulator.ledger()["scheduled_refresh"] >= 30
    assert other.ledger()["scheduled_refresh"] == 0
    with pytest.raises(ValueError, match="forward"):
        emulator.advance(hours=-1)


def test_load_fixtures_returns_named_steps_and_the_client_sees_them(emulator: Emulator) -> None:
    made = emulator.load_fixtures(approved_scenario(3))
    enterprise_id = made["acme"]["data"]["id"]
    client = emulator.client()
    settings = client.reputation(enterprise_id).settings()
    assert settings.status == "approved"
    listed = list(client.reputation(enterprise_id).numbers.list())
    assert sorted(n.phone_number for n in listed) == numbers(700, 3)


def test_a_refused_scenario_names_step_and_field_and_applies_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    scenario = approved_scenario(1)
    del scenario["fixtures"][1]["params"]["legal_name"]
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    with pytest.raises(EmulatorError) as refused:
        emulator.load_fixtures(path)
    assert refused.value.status == 422
    assert "/fixtures/1/params/legal_name" in str(refused.value)
    status = emulator.client().terms_of_service.status("number_reputation")
    assert status.has_agreed is False


def test_trigger_flags_then_the_deadline_removes_on_the_account_clock(emulator: Emulator) -> None:
    made = emulator.load_fixtures(approved_scenario(1))
    enterprise_id = made["acme"]["data"]["id"]
    number = numbers(700, 1)[0]
    flagged = emulator.trigger("number.flagged", phone_number=number)
    assert flagged["ownership_status"] == "pending_confirmation"
    numbers_api = emulator.client().reputation(enterprise_id).numbers
    assert numbers_api.get(number).ownership_status == "pending_confirmation"
    emulator.advance(days=8)
    with pytest.raises(errors.NotFoundError):
        numbers_api.get(number)
    with pytest.raises(EmulatorError, match="/event"):
        emulator.trigger("number.exploded", phone_number=number)


def test_now_is_the_account_time(emulator: Emulator) -> None:
    wall = datetime.now(UTC)
    assert abs(emulator.now() - wall) < timedelta(minutes=1)
    emulator.advance(hours=5)
    assert emulator.now() - wall >= timedelta(hours=5)


def test_load_fixtures_reads_a_yaml_file(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml_scenario("Yaml Plumbing LLC", 2), encoding="utf-8")
    made = emulator.load_fixtures(path)
    enterprise_id = made["acme"]["data"]["id"]
    client = emulator.client()
    enterprise = client.enterprises.get(enterprise_id)
    assert enterprise.legal_name == "Yaml Plumbing LLC"
    assert client.reputation(enterprise_id).settings().status == "approved"
    listed = list(client.reputation(enterprise_id).numbers.list())
    assert sorted(n.phone_number for n in listed) == numbers(800, 2)
    emulator.advance(days=30)
    assert emulator.ledger()["scheduled_refresh"] >= 30


def test_a_refused_yaml_file_names_step_and_field_and_applies_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "scenario.yml"
    path.write_text(
        yaml_scenario("Unused LLC", 1).replace("      legal_name: Unused LLC\n", ""),
        encoding="utf-8",
    )
    with pytest.raises(EmulatorError) as refused:
        emulator.load_fixtures(str(path))
    assert refused.value.status == 422
    assert "/fixtures/1/params/legal_name" in str(refused.value)
    path.write_text("fixtures:\n  - path: [unclosed\n", encoding="utf-8")
    with pytest.raises(EmulatorError) as unreadable:
        emulator.load_fixtures(path)
    assert unreadable.value.status == 400
    assert "YAML" in str(unreadable.value)
    status = emulator.client().terms_of_service.status("number_reputation")
    assert status.has_agreed is False
    assert list(emulator.client().enterprises.list()) == []
