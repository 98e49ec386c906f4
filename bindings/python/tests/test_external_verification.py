"""External verification: submit evidence, read the submission."""

from __future__ import annotations

from conftest import Sdk


def test_submit_then_get(sdk: Sdk) -> None:
    enterprise_id = sdk.enterprise()
    rep = sdk.client.reputation(enterprise_id)
    sdk.run(rep.enable(sdk.loa_document(), "business_daily"))
    invoice = sdk.run(sdk.client.documents.upload("invoice.pdf", b"%PDF invoice")).id
    submitted = sdk.run(rep.external_verification.submit([invoice], phone_numbers=["+12025550000"]))
    assert submitted.document_ids == [invoice]
    assert submitted.phone_numbers == ["+12025550000"]
    current = sdk.run(rep.external_verification.get())
    assert current.enterprise_id == enterprise_id
    assert current.document_ids == [invoice]
