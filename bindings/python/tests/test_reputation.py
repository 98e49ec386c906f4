"""Reputation settings: enable, settings, frequency, webhook, waiting for the gates,
disable."""

from __future__ import annotations

import pytest

from conftest import Sdk
from telnyx_reputation.errors import GateRejectedError


def test_enable_settings_frequency_webhook_disable(sdk: Sdk) -> None:
    enterprise_id = sdk.enterprise()
    rep = sdk.client.reputation(enterprise_id)
    assert rep.enterprise_id == enterprise_id
    document_id = sdk.loa_document()
    enabled = sdk.run(rep.enable(document_id, "daily"))
    assert (enabled.enterprise_id, enabled.loa_document_id) == (enterprise_id, document_id)
    assert enabled.check_frequency == "daily"
    approved = sdk.run(rep.wait_until_approved(interval=0.05, timeout=10))
    assert approved.ready_for_numbers
    assert sdk.run(rep.settings()) == approved
    assert sdk.run(rep.set_frequency("weekly")).check_frequency == "weekly"
    hooked = sdk.run(rep.set_webhook("https://example.com/hooks/reputation"))
    assert hooked.webhook_url == "https://example.com/hooks/reputation"
    assert sdk.run(rep.set_webhook(None)).webhook_url is None
    assert sdk.run(rep.disable()) is None
    assert sdk.emulator.ledger()


def test_wait_until_approved_raises_gate_rejected_with_reasons(sdk: Sdk) -> None:
    enterprise_id = sdk.enterprise()
    rep = sdk.client.reputation(enterprise_id)
    sdk.run(rep.enable(sdk.loa_document(), "business_daily"))
    sdk.emulator.set_gates(enterprise_id, status="rejected", rejection_reasons=["FEIN mismatch"])
    with pytest.raises(GateRejectedError) as caught:
        sdk.run(rep.wait_until_approved(interval=0.05, timeout=5))
    assert caught.value.reasons == ["FEIN mismatch"]
